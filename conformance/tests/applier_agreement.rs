//! The two appliers agree on ASP.NET Core 10's own diffs, not only on the semantic vectors:
//! `brasa-dom` (Rust) and the browser client's applier (`reference-impl/client/src/dom.ts`, on
//! jsdom) apply every recorded diff case (`shared/reference/diff-cases/`: 931 sequences of render
//! trees and the batches ASP.NET Core's renderer wrote for them, with keyed and unkeyed lists,
//! regions, components, markup, event handlers and permutations), batch by batch from an empty
//! root component 0, and after every batch must hold the same document (the root's HTML as
//! Chromium serialises it) and the same registered event handlers (ED-1.1, ED-4.1).
//!
//! Node runs `reference-impl/client/test-support/applier-verdicts.mjs` once over all of them.
//! Node and the client's npm packages (esbuild, jsdom) are required: without them the test fails
//! (it does not skip). When `reference-impl/client/node_modules` is missing it runs `npm ci` first.

mod support;

use brasa_conformance::semantics::document_handlers;
use brasa_dom::Document;
use brasa_protocol::render_batch::{Limits, validate};
use serde_json::{Value, json};
use support::{client_filter, files, reference, unhex};

/// What `brasa-dom` holds after each batch, in the shape `applier-verdicts.mjs` prints.
fn rust_result(batches: &[String]) -> Value {
    let mut document = Document::with_root_component(0);
    let (mut html, mut handlers) = (Vec::new(), Vec::new());
    for (index, hex) in batches.iter().enumerate() {
        let bytes = unhex(hex);
        let applied = validate(&bytes, &Limits::DEFAULT)
            .map_err(|e| e.to_string())
            .and_then(|view| document.apply_view(&view).map_err(|e| e.to_string()));
        if let Err(error) = applied {
            return json!({ "html": html, "handlers": handlers, "error": error, "batch": index });
        }
        html.push(json!(document.inner_html()));
        handlers.push(serde_json::to_value(document_handlers(&document)).unwrap());
    }
    json!({ "html": html, "handlers": handlers })
}

#[test]
fn rust_and_typescript_appliers_agree_on_every_diff_case() {
    let dir = reference().join("diff-cases");
    let cases: Vec<(String, Vec<String>)> = files(&dir, "json")
        .iter()
        .map(|path| {
            let case: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
            let batches = case["batches"]
                .as_array()
                .unwrap_or_else(|| panic!("{}: no batches", path.display()))
                .iter()
                .map(|b| b.as_str().expect("hex").to_owned())
                .collect();
            (path.file_name().unwrap().to_string_lossy().into_owned(), batches)
        })
        .collect();
    assert!(
        cases.len() >= 900,
        "only {} diff cases under {}",
        cases.len(),
        dir.display()
    );

    let lines = client_filter(
        "applier-verdicts.mjs",
        &cases.iter().map(|(_, batches)| batches.join(" ")).collect::<Vec<_>>(),
    );

    let (mut batches, mut disagreements) = (0, Vec::new());
    for ((name, case), line) in cases.iter().zip(&lines) {
        let theirs: Value = serde_json::from_str(line).expect("a JSON result");
        let ours = rust_result(case);
        assert!(
            ours.get("error").is_none(),
            "{name}: brasa-dom refuses a batch ASP.NET Core wrote: {ours}"
        );
        batches += case.len();
        if theirs != ours {
            let first = (0..case.len())
                .find(|&i| theirs["html"][i] != ours["html"][i] || theirs["handlers"][i] != ours["handlers"][i])
                .unwrap_or(0);
            disagreements.push(format!(
                "{name}, after batch {first}:\n  Rust:       {} {}\n  TypeScript: {} {}{}",
                ours["html"][first],
                ours["handlers"][first],
                theirs["html"][first],
                theirs["handlers"][first],
                theirs
                    .get("error")
                    .map(|e| format!(" (error at batch {}: {e})", theirs["batch"]))
                    .unwrap_or_default()
            ));
        }
    }
    eprintln!("{} diff cases, {batches} batches", cases.len());
    assert!(
        disagreements.is_empty(),
        "{} of {} diff cases end differently; the first:\n{}",
        disagreements.len(),
        cases.len(),
        disagreements.iter().take(5).cloned().collect::<Vec<_>>().join("\n")
    );
}
