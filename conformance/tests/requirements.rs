//! Spec traceability: every requirement the spec defines is checked by at least one test or
//! vector, and every requirement id the code, tests and vectors cite is defined by the spec.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Ids defined by the spec: paragraphs that start with `**[XX-n.m]**`.
fn defined(prefix: &str, chapter: &str) -> BTreeSet<String> {
    let text = std::fs::read_to_string(root().join("spec").join(chapter)).expect("spec chapter readable");
    let marker = format!("**[{prefix}-");
    text.match_indices(&marker)
        .filter_map(|(at, _)| {
            let rest = &text[at + 3..];
            rest.find("]**").map(|end| rest[..end].to_owned())
        })
        .collect()
}

/// Every `XX-n.m` id in a text.
fn cited(prefix: &str, text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let needle = format!("{prefix}-");
    for (at, _) in text.match_indices(&needle) {
        if at > 0 && text.as_bytes()[at - 1].is_ascii_alphanumeric() {
            continue;
        }
        let rest = &text[at + needle.len()..];
        let id: String = rest.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
        let id = id.trim_end_matches('.');
        if id.contains('.') {
            out.insert(format!("{needle}{id}"));
        }
    }
    out
}

fn files(dir: &Path, extension: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if path.is_dir() {
            if name != "target" && !name.starts_with('.') {
                files(&path, extension, out);
            }
        } else if path.extension().is_some_and(|e| e == extension) {
            out.push(path);
        }
    }
}

/// Where checks live: test files, `#[cfg(test)]` modules, and vectors' `requirements`.
fn checks(prefix: &str) -> BTreeMap<String, Vec<String>> {
    let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut rust = Vec::new();
    for krate in ["protocol", "conformance", "cli", "fuzz"] {
        files(&root().join(krate), "rs", &mut rust);
    }
    for path in rust {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let is_test_file = path.components().any(|c| c.as_os_str() == "tests");
        let test_part = if is_test_file {
            text.as_str()
        } else {
            text.find("#[cfg(test)]").map_or("", |at| &text[at..])
        };
        for id in cited(prefix, test_part) {
            found.entry(id).or_default().push(path.display().to_string());
        }
    }
    let mut vectors = Vec::new();
    files(&root().join("conformance/vectors"), "json", &mut vectors);
    for path in vectors {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        for id in value["requirements"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str())
        {
            found.entry(id.to_owned()).or_default().push(path.display().to_string());
        }
    }
    found
}

#[test]
fn every_render_batch_requirement_is_checked() {
    let defined = defined("RB", "render-batch.md");
    assert!(
        defined.len() >= 30,
        "spec/render-batch.md defines only {} requirements",
        defined.len()
    );
    let checks = checks("RB");
    let unchecked: Vec<&String> = defined.iter().filter(|id| !checks.contains_key(*id)).collect();
    assert!(
        unchecked.is_empty(),
        "requirements with no test or vector: {unchecked:?}"
    );
}

#[test]
fn every_cited_render_batch_requirement_exists() {
    let defined = defined("RB", "render-batch.md");
    let mut texts = Vec::new();
    for krate in ["protocol", "conformance", "cli", "fuzz", "benches"] {
        files(&root().join(krate), "rs", &mut texts);
    }
    files(&root().join("conformance/vectors"), "json", &mut texts);
    let mut dangling = BTreeMap::new();
    for path in texts {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for id in cited("RB", &text) {
            if !defined.contains(&id) {
                dangling.entry(id).or_insert_with(|| path.display().to_string());
            }
        }
    }
    assert!(
        dangling.is_empty(),
        "cited but not defined in spec/render-batch.md: {dangling:?}"
    );
}

#[test]
fn citation_scanner_finds_ids() {
    assert_eq!(
        cited("ZZ", "see ZZ-1.2, ZZ-5.10. and xZZ-9.9 and ZZ-3"),
        BTreeSet::from(["ZZ-1.2".into(), "ZZ-5.10".into()])
    );
}
