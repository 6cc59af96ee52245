//! The runner must fail a vector whose expectation is wrong, in every part it states. The
//! suites' own tests (`vectors.rs`) only see vectors that pass; a runner that passed everything,
//! or that compared only an error's kind, would pass them too. So every shipped render-batch and
//! hub vector is changed here in one part of its expectation at a time, and the runner must
//! report each change as a failure naming what it expected.

use brasa_conformance::{Expectation, Loaded, default_vectors_dir, load_suite, run_vector};
use serde_json::{Value, json};

/// `loaded` with its file's JSON changed by `change` (the vector and the text both follow it).
fn changed(loaded: &Loaded, change: impl FnOnce(&mut Value)) -> Loaded {
    let mut file: Value = serde_json::from_str(&loaded.text).unwrap();
    change(&mut file);
    let text = serde_json::to_string_pretty(&file).unwrap();
    // A semantic vector's file has its own shape; the runner's record holds its header.
    let vector = if file.get("batches").is_some() {
        brasa_conformance::semantics::header(&text)
    } else {
        serde_json::from_str(&text)
    };
    Loaded {
        path: loaded.path.clone(),
        vector: vector.unwrap_or_else(|e| panic!("{}: {e}", loaded.vector.id)),
        text,
    }
}

/// Runs `vector`, which must fail with a message containing every one of `words`.
fn must_fail(suite: &str, vector: &Loaded, what: &str, words: &[&str]) {
    match run_vector(suite, vector) {
        Ok(()) => panic!("{} passed with {what}", vector.vector.id),
        Err(message) => {
            for word in words {
                assert!(
                    message.contains(word),
                    "{} with {what}: the message does not name {word:?}: {message}",
                    vector.vector.id
                );
            }
        }
    }
}

fn is_valid(loaded: &Loaded) -> bool {
    matches!(loaded.vector.expect, Expectation::Valid { .. })
}

fn suite(name: &str) -> Vec<Loaded> {
    let vectors = load_suite(&default_vectors_dir(), name).unwrap();
    assert!(vectors.len() >= 40, "{name}: {} vectors", vectors.len());
    vectors
}

/// Each part of an invalid vector's expectation (error kind, requirement, offset), changed
/// alone; then the same input expected to be valid.
fn judges_invalid_vectors(name: &str, vectors: &[Loaded]) -> usize {
    let mut count = 0;
    for loaded in vectors.iter().filter(|l| !is_valid(l)) {
        run_vector(name, loaded).unwrap_or_else(|e| panic!("{}: {e}", loaded.vector.id));
        let file: Value = serde_json::from_str(&loaded.text).unwrap();
        let expected = &file["expect"]["invalid"];
        let (error, requirement, offset) = (
            expected["error"].as_str().unwrap().to_owned(),
            expected["requirement"].as_str().unwrap().to_owned(),
            expected["offset"].as_u64().unwrap(),
        );
        let wrong_offset = changed(loaded, |f| f["expect"]["invalid"]["offset"] = json!(offset + 1));
        must_fail(
            name,
            &wrong_offset,
            "another offset",
            &[&format!("at byte {}", offset + 1)],
        );
        let other_rule = if requirement == "RB-1.3" { "RB-1.4" } else { "RB-1.3" };
        let wrong_rule = changed(loaded, |f| f["expect"]["invalid"]["requirement"] = json!(other_rule));
        must_fail(name, &wrong_rule, "another requirement", &[other_rule, &requirement]);
        let other_kind = if error == "truncated" {
            "trailing_bytes"
        } else {
            "truncated"
        };
        let wrong_kind = changed(loaded, |f| f["expect"]["invalid"]["error"] = json!(other_kind));
        must_fail(name, &wrong_kind, "another error kind", &[other_kind, &error]);
        let as_valid = changed(loaded, |f| f["expect"] = json!({"valid": {"json": []}}));
        must_fail(name, &as_valid, "the input expected to be valid", &["rejected"]);
        count += 1;
    }
    count
}

#[test]
fn render_batch_vectors_fail_when_any_part_of_their_expectation_is_wrong() {
    let vectors = suite("render-batch");
    let invalid = judges_invalid_vectors("render-batch", &vectors);
    assert!(invalid >= 40, "{invalid} invalid vectors");
    let mut valid = 0;
    for loaded in vectors.iter().filter(|l| is_valid(l)) {
        // The decoded form differs: one more disposed component, or another component id.
        let more_disposed = changed(loaded, |f| {
            let ids = f["expect"]["valid"]["json"]["disposedComponentIds"]
                .as_array_mut()
                .unwrap();
            ids.push(json!(12345));
        });
        must_fail(
            "render-batch",
            &more_disposed,
            "a form with one more disposed id",
            &["differs", "decoded"],
        );
        let file: Value = serde_json::from_str(&loaded.text).unwrap();
        if file["expect"]["valid"]["json"]["updatedComponents"][0].is_object() {
            let other_component = changed(loaded, |f| {
                let id = &mut f["expect"]["valid"]["json"]["updatedComponents"][0]["componentId"];
                *id = json!(id.as_i64().unwrap() + 1);
            });
            must_fail("render-batch", &other_component, "another component id", &["differs"]);
        }
        let as_invalid = changed(loaded, |f| {
            f["expect"] = json!({"invalid": {"error": "truncated", "requirement": "RB-1.3", "offset": 0}});
        });
        must_fail(
            "render-batch",
            &as_invalid,
            "the input expected to be invalid",
            &["accepted", "truncated"],
        );
        // A form that is not a canonical form at all.
        let not_a_form = changed(loaded, |f| f["expect"]["valid"]["json"] = json!({"frames": []}));
        must_fail(
            "render-batch",
            &not_a_form,
            "a non-canonical expected form",
            &["canonical form"],
        );
        valid += 1;
    }
    assert!(valid >= 40, "{valid} valid vectors");
}

#[test]
fn hub_vectors_fail_when_any_part_of_their_expectation_is_wrong() {
    let vectors = suite("hub");
    let invalid = judges_invalid_vectors("hub", &vectors);
    assert!(invalid >= 10, "{invalid} invalid vectors");
    let mut valid = 0;
    for loaded in vectors.iter().filter(|l| is_valid(l)) {
        // One message fewer, and one more.
        let fewer = changed(loaded, |f| {
            f["expect"]["valid"]["json"].as_array_mut().unwrap().pop();
        });
        must_fail("hub", &fewer, "a message fewer", &["differ"]);
        let more = changed(loaded, |f| {
            f["expect"]["valid"]["json"]
                .as_array_mut()
                .unwrap()
                .push(json!({"type": 6}));
        });
        must_fail("hub", &more, "a ping more", &["differ"]);
        // The first message's type changed (a ping where there was something else, and back).
        let other_type = changed(loaded, |f| {
            let first = &mut f["expect"]["valid"]["json"][0];
            *first = if first["type"] == json!(6) {
                json!({"type": 8, "sequenceId": 1})
            } else {
                json!({"type": 6})
            };
        });
        must_fail("hub", &other_type, "another first message", &["differ"]);
        let as_invalid = changed(loaded, |f| {
            f["expect"] = json!({"invalid": {"error": "truncated", "requirement": "HUB-1.1", "offset": 0}});
        });
        must_fail(
            "hub",
            &as_invalid,
            "the input expected to be invalid",
            &["accepted", "truncated"],
        );
        // The protocol comes from the slug: a slug that names none is the vector's error.
        let no_protocol = changed(loaded, |f| {
            let id = f["id"]
                .as_str()
                .unwrap()
                .replacen("/json-", "/x-", 1)
                .replacen("/msgpack-", "/x-", 1);
            f["id"] = json!(id);
        });
        must_fail("hub", &no_protocol, "a slug naming no protocol", &["names no protocol"]);
        valid += 1;
    }
    assert!(valid >= 10, "{valid} valid vectors");
}

#[test]
fn an_odd_or_bad_hex_input_is_the_vectors_error() {
    let loaded = &suite("render-batch")[0];
    let odd = changed(loaded, |f| f["hex"] = json!("000"));
    must_fail("render-batch", &odd, "odd hex", &["odd number of digits (3)"]);
    let bad = changed(loaded, |f| f["hex"] = json!("00zz"));
    must_fail("render-batch", &bad, "a bad hex digit", &["bad hex at digit 2"]);
}

#[test]
fn semantic_vectors_fail_when_any_part_of_their_expectation_is_wrong() {
    let vectors = suite("semantics");
    let (mut applies, mut fails, mut siblings) = (0, 0, 0);
    for loaded in &vectors {
        run_vector("semantics", loaded).unwrap_or_else(|e| panic!("{}: {e}", loaded.vector.id));
        let file: Value = serde_json::from_str(&loaded.text).unwrap();
        let expect = &file["expect"];
        if let Some(html) = expect["html"].as_array() {
            let last = html.len() - 1;
            // The document after the last batch, a handler more after the first, a batch's
            // expectations missing.
            let other_html = changed(loaded, |f| {
                let text = format!("{}<p></p>", f["expect"]["html"][last].as_str().unwrap());
                f["expect"]["html"][last] = json!(text);
            });
            must_fail(
                "semantics",
                &other_html,
                "another document",
                &[&format!("after batch {last}")],
            );
            let more_handlers = changed(loaded, |f| {
                let handler = json!({"eventHandlerId": "999999", "event": "click", "path": [0]});
                f["expect"]["handlers"][0].as_array_mut().unwrap().push(handler);
            });
            must_fail(
                "semantics",
                &more_handlers,
                "a handler more",
                &["after batch 0", "handlers"],
            );
            let fewer_html = changed(loaded, |f| {
                f["expect"]["html"].as_array_mut().unwrap().pop();
            });
            must_fail("semantics", &fewer_html, "an html entry fewer", &["html"]);
            let fewer_handlers = changed(loaded, |f| {
                f["expect"]["handlers"].as_array_mut().unwrap().pop();
            });
            must_fail(
                "semantics",
                &fewer_handlers,
                "a handler entry fewer",
                &["handler entries"],
            );
            applies += 1;
        } else {
            let batch = expect["batch"].as_u64().unwrap();
            let (error, requirement) = (
                expect["error"].as_str().unwrap(),
                expect["requirement"].as_str().unwrap(),
            );
            // An error kind the runner does not know, and a known one that enforces the same
            // requirement but is not the error the batch gets.
            let unknown = changed(loaded, |f| f["expect"]["error"] = json!("edit/some_other_error"));
            must_fail(
                "semantics",
                &unknown,
                "an unknown error kind",
                &["edit/some_other_error"],
            );
            let sibling = brasa_conformance::semantics::ERROR_KINDS
                .iter()
                .find(|(name, rules)| *name != error && rules.contains(&requirement));
            if let Some((other, _)) = sibling {
                let other_kind = changed(loaded, |f| f["expect"]["error"] = json!(other));
                must_fail("semantics", &other_kind, "another error kind", &[other, error]);
                siblings += 1;
            }
            let other_batch = changed(loaded, |f| f["expect"]["batch"] = json!(batch + 1));
            must_fail("semantics", &other_batch, "a later batch", &[]);
            if batch > 0 {
                let earlier = changed(loaded, |f| f["expect"]["batch"] = json!(batch - 1));
                must_fail(
                    "semantics",
                    &earlier,
                    "an earlier batch",
                    &[&format!("batch {}", batch - 1)],
                );
            }
            let unlisted = changed(loaded, |f| f["requirements"] = json!(["RB-1.2"]));
            must_fail(
                "semantics",
                &unlisted,
                "its requirement unlisted",
                &["not among the vector's requirements"],
            );
            fails += 1;
        }
    }
    assert!(applies >= 10 && fails >= 10, "{applies} that apply, {fails} that fail");
    assert!(
        siblings >= 5,
        "{siblings} failing vectors with another error kind for their requirement"
    );
}

/// Every JSON value inside `value`, as a path of keys and indexes.
fn paths(value: &Value, path: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    out.push(path.clone());
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                path.push(json!(key));
                paths(child, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                path.push(json!(i));
                paths(child, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

fn at<'v>(value: &'v mut Value, path: &[Value]) -> &'v mut Value {
    path.iter().fold(value, |v, step| match step {
        Value::String(key) => &mut v[key.as_str()],
        step => &mut v[step.as_u64().unwrap() as usize],
    })
}

#[test]
fn a_malformed_vector_file_is_an_error_never_a_panic() {
    // Vector files come from other people too: every value of every shipped vector (the first
    // few of each suite and kind, to keep the run short) replaced by values of other types and
    // extreme numbers must give a load error or a failing vector, never a panic.
    let replacements = [
        json!(null),
        json!(-1),
        json!(u64::MAX),
        json!(1e300),
        json!(""),
        json!("0g"),
        json!([]),
        json!({}),
        json!(true),
    ];
    let mut runs = 0;
    for name in ["render-batch", "hub", "semantics"] {
        let vectors = suite(name);
        let chosen = vectors
            .iter()
            .filter(|l| is_valid(l))
            .take(8)
            .chain(vectors.iter().filter(|l| !is_valid(l)).take(8));
        for loaded in chosen {
            let file: Value = serde_json::from_str(&loaded.text).unwrap();
            let mut all = Vec::new();
            paths(&file, &mut Vec::new(), &mut all);
            // A vector of a large batch has thousands of values: every one of its first 300.
            for path in all.iter().filter(|p| !p.is_empty()).take(300) {
                for replacement in &replacements {
                    let mut broken = file.clone();
                    *at(&mut broken, path) = replacement.clone();
                    let text = serde_json::to_string(&broken).unwrap();
                    let outcome = std::panic::catch_unwind(|| {
                        let parsed = if name == "semantics" {
                            brasa_conformance::semantics::header(&text)
                        } else {
                            serde_json::from_str(&text)
                        };
                        if let Ok(vector) = parsed {
                            let loaded = Loaded {
                                path: loaded.path.clone(),
                                vector,
                                text: text.clone(),
                            };
                            let _ = run_vector(name, &loaded);
                        }
                    });
                    assert!(outcome.is_ok(), "{}: {path:?} = {replacement} panics", loaded.vector.id);
                    runs += 1;
                }
            }
        }
    }
    assert!(runs > 1000, "{runs} runs");
}
