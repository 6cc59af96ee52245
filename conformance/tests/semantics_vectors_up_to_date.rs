//! The committed semantic vectors are exactly what the generator writes
//! (`conformance/examples/semantics_vectors.rs`): no hand edits, no stale files; and the published
//! schema of their format (`spec/schemas/semantic-vector.schema.json`) is what the type generates.

#[allow(dead_code)]
#[path = "../examples/semantics_vectors.rs"]
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
fn committed_semantic_vectors_equal_the_generator_output() {
    let fresh: PathBuf = std::env::temp_dir().join(format!("brasa-semantic-vectors-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&fresh);
    generator::generate(&fresh);
    let committed = read_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors/semantics"));
    let generated = read_tree(&fresh);
    let _ = std::fs::remove_dir_all(&fresh);
    let differing: Vec<&String> = generated
        .keys()
        .chain(committed.keys())
        .filter(|k| committed.get(*k) != generated.get(*k))
        .collect();
    assert!(
        differing.is_empty(),
        "semantic vectors out of date (regenerate with \
         `cargo run -p brasa-conformance --example semantics_vectors`): {differing:?}"
    );
    let valid = generated.keys().filter(|k| k.starts_with("valid/")).count();
    assert!(
        valid >= 30 && generated.len() - valid >= 10,
        "{valid} valid of {}",
        generated.len()
    );
}

#[test]
fn published_semantic_vector_schema_is_up_to_date() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/schemas/semantic-vector.schema.json");
    let text = brasa_conformance::semantics::schema_text();
    if std::env::var_os("BRASA_BLESS").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == text,
        "{} is stale: run `BRASA_BLESS=1 cargo test -p brasa-conformance --test semantics_vectors_up_to_date`",
        path.display()
    );
}

#[test]
fn every_vector_file_satisfies_the_schema_shape() {
    // The files parse as the published type (deny_unknown_fields) and their ids match their place.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors/semantics");
    for (name, bytes) in read_tree(&root) {
        let vector: brasa_conformance::semantics::SemanticVector =
            serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(format!("semantics/{}", name.trim_end_matches(".json")), vector.id);
    }
}
