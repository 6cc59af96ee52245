//! Spec traceability: every requirement a chapter of `spec/` defines is checked by at least one
//! test or vector, and every requirement id that code, tests and vectors cite is defined.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Where code and tests live.
const CODE: &[&str] = &["protocol", "reference-impl", "conformance", "cli", "fuzz", "benches"];

/// Ids defined by a chapter: paragraphs that start with `**[XX-n.m]**`.
fn defined_in(text: &str) -> BTreeSet<String> {
    text.match_indices("**[")
        .filter_map(|(at, _)| {
            let rest = &text[at + 3..];
            let end = rest.find("]**")?;
            let id = &rest[..end];
            let (prefix, number) = id.split_once('-')?;
            let numeric = number.chars().all(|c| c.is_ascii_digit() || c == '.');
            (prefix.chars().all(|c| c.is_ascii_uppercase()) && number.contains('.') && numeric).then(|| id.to_owned())
        })
        .collect()
}

/// Every chapter's ids, by prefix.
fn chapters() -> BTreeMap<String, BTreeSet<String>> {
    let mut by_prefix: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for entry in std::fs::read_dir(root().join("spec")).expect("spec/").flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "md") {
            for id in defined_in(&std::fs::read_to_string(&path).unwrap_or_default()) {
                let prefix = id.split('-').next().unwrap_or_default().to_owned();
                by_prefix.entry(prefix).or_default().insert(id);
            }
        }
    }
    by_prefix
}

/// Every `XX-n.m` id with one of the prefixes in a text.
fn cited(prefixes: &BTreeSet<String>, text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let bytes = text.as_bytes();
    for (at, _) in text.match_indices('-') {
        let start = text[..at].rfind(|c: char| !c.is_ascii_uppercase()).map_or(0, |i| i + 1);
        let prefix = &text[start..at];
        if prefix.is_empty() || !prefixes.contains(prefix) {
            continue;
        }
        if start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_') {
            continue;
        }
        let number: String = text[at + 1..]
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        let number = number.trim_end_matches('.');
        if number.contains('.') && !number.starts_with('.') {
            out.insert(format!("{prefix}-{number}"));
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
            if name != "target" && name != "node_modules" && !name.starts_with('.') {
                files(&path, extension, out);
            }
        } else if path.extension().is_some_and(|e| e == extension) {
            out.push(path);
        }
    }
}

/// Where checks live: test files, `#[cfg(test)]` modules, test scripts, and vectors' `requirements`.
fn checks(prefixes: &BTreeSet<String>) -> BTreeMap<String, Vec<String>> {
    let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut sources = Vec::new();
    for dir in CODE {
        files(&root().join(dir), "rs", &mut sources);
        files(&root().join(dir), "mjs", &mut sources);
    }
    for path in sources {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let is_test_file = path.components().any(|c| c.as_os_str() == "tests")
            || path
                .file_name()
                .is_some_and(|n| n == "tests.rs" || n.to_string_lossy().ends_with(".mjs"));
        let test_part = if is_test_file {
            text.as_str()
        } else {
            text.find("#[cfg(test)]").map_or("", |at| &text[at..])
        };
        for id in cited(prefixes, test_part) {
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
fn every_requirement_is_checked_by_a_test_or_vector() {
    let chapters = chapters();
    assert!(
        chapters.get("RB").is_some_and(|ids| ids.len() >= 30),
        "spec/render-batch.md defines too few requirements"
    );
    let prefixes: BTreeSet<String> = chapters.keys().cloned().collect();
    let checks = checks(&prefixes);
    let unchecked: Vec<&String> = chapters
        .values()
        .flatten()
        .filter(|id| !checks.contains_key(*id))
        .collect();
    assert!(
        unchecked.is_empty(),
        "requirements with no test or vector: {unchecked:?}"
    );
}

#[test]
fn every_cited_requirement_is_defined() {
    let chapters = chapters();
    let defined: BTreeSet<&String> = chapters.values().flatten().collect();
    // Prefixes the project uses, whether or not their chapter exists yet.
    let prefixes: BTreeSet<String> = ["RB", "HUB", "BZ", "EV", "CIR", "RT", "ED", "SRV"]
        .iter()
        .map(|s| s.to_string())
        .chain(chapters.keys().cloned())
        .collect();
    let mut texts = Vec::new();
    for dir in CODE {
        files(&root().join(dir), "rs", &mut texts);
        files(&root().join(dir), "mjs", &mut texts);
        files(&root().join(dir), "ts", &mut texts);
    }
    files(&root().join("conformance/vectors"), "json", &mut texts);
    let mut dangling = BTreeMap::new();
    for path in texts {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for id in cited(&prefixes, &text) {
            if !defined.contains(&id) {
                dangling.entry(id).or_insert_with(|| path.display().to_string());
            }
        }
    }
    assert!(
        dangling.is_empty(),
        "cited but defined by no chapter of spec/: {dangling:?}"
    );
}

#[test]
fn citation_scanner_finds_ids() {
    let prefixes = BTreeSet::from(["ZZ".to_string(), "QQ".to_string()]);
    assert_eq!(
        cited(
            &prefixes,
            "see ZZ-1.2, ZZ-5.10. and xZZ-9.9 and ZZ-3 and QQ-2.1 and AZZ-1.1"
        ),
        BTreeSet::from(["ZZ-1.2".into(), "ZZ-5.10".into(), "QQ-2.1".into()])
    );
    assert_eq!(
        defined_in("**[ZZ-1.1]** text **[not]** **[QQ-2.3]**"),
        BTreeSet::from(["ZZ-1.1".into(), "QQ-2.3".into()])
    );
}
