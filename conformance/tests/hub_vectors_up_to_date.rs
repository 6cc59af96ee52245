//! The committed hub vectors are exactly what the generator writes
//! (`conformance/examples/hub_vectors.rs`): no hand edits, no stale files.

#[allow(dead_code)]
#[path = "../examples/hub_vectors.rs"]
mod generator;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn read_tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for group in ["valid", "invalid"] {
        for entry in std::fs::read_dir(root.join(group)).expect("vector directory").flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "json") {
                out.insert(
                    format!("{group}/{}", entry.file_name().to_string_lossy()),
                    std::fs::read(&path).unwrap(),
                );
            }
        }
    }
    out
}

#[test]
fn committed_hub_vectors_equal_the_generator_output() {
    let fresh: PathBuf = std::env::temp_dir().join(format!("brasa-hub-vectors-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&fresh);
    generator::generate(&fresh);
    let committed = read_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors/hub"));
    let generated = read_tree(&fresh);
    let _ = std::fs::remove_dir_all(&fresh);
    let differing: Vec<&String> = generated
        .keys()
        .chain(committed.keys())
        .filter(|k| committed.get(*k) != generated.get(*k))
        .collect();
    assert!(
        differing.is_empty(),
        "hub vectors out of date (regenerate with `cargo run -p brasa-conformance --example hub_vectors`): {differing:?}"
    );
    assert!(generated.len() >= 120);
}
