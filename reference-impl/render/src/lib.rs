//! Brasa's reference renderer (work in progress).
#![forbid(unsafe_code)]

/// Errors of the diff-case harness.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct CaseError(pub String);

/// Renders each tree of a diff case (`../shared/reference/diff-cases/README.md`) in turn with
/// root component 0 and returns the bytes of each render's batch.
pub fn render_tree_sequence(case_json: &str) -> Result<Vec<Vec<u8>>, CaseError> {
    let _ = case_json;
    Err(CaseError("not implemented yet".into()))
}
