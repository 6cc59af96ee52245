//! The committed render-batch vectors are exactly what the generator writes
//! (`conformance/examples/render_batch_vectors.rs`): no hand edits, no stale files.

#[allow(dead_code)]
#[path = "../examples/render_batch_vectors.rs"]
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
fn committed_vectors_equal_the_generator_output() {
    let fresh: PathBuf = std::env::temp_dir().join(format!("brasa-vectors-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&fresh);
    generator::generate(&fresh);
    let committed_root = Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors/render-batch");
    let committed = read_tree(&committed_root);
    let generated = read_tree(&fresh);
    let _ = std::fs::remove_dir_all(&fresh);
    let missing: Vec<&String> = generated.keys().filter(|k| !committed.contains_key(*k)).collect();
    let stale: Vec<&String> = committed.keys().filter(|k| !generated.contains_key(*k)).collect();
    let changed: Vec<&String> = generated
        .keys()
        .filter(|k| committed.get(*k).is_some_and(|c| c != &generated[*k]))
        .collect();
    assert!(
        missing.is_empty() && stale.is_empty() && changed.is_empty(),
        "vectors out of date (regenerate with `cargo run -p brasa-conformance --example render_batch_vectors`): \
         missing {missing:?}, stale {stale:?}, changed {changed:?}"
    );
    assert!(generated.len() >= 90);
}
