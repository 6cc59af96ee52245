//! Helpers shared by the integration tests.

use std::path::PathBuf;

/// The project's `shared/` folder: `$BRASA_SHARED`, else `../shared` beside the checkout.
pub fn shared() -> PathBuf {
    let dir = std::env::var_os("BRASA_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    assert!(
        dir.join("reference").is_dir(),
        "{} has no reference/ folder: set BRASA_SHARED to the project's shared/ folder",
        dir.display()
    );
    dir
}

/// Reads a JSON file.
#[allow(dead_code)] // not every test uses it
pub fn read_json(path: &std::path::Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
