//! Brasa's reference DOM model (work in progress).
#![forbid(unsafe_code)]

/// Errors applying batches.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ApplyError(pub String);

/// Applies the batches in order to an empty document whose root component 0 is attached to a
/// root element, and returns the root element's content serialised as `innerHTML`.
pub fn apply_to_html(batches: &[Vec<u8>]) -> Result<String, ApplyError> {
    let _ = batches;
    Err(ApplyError("not implemented yet".into()))
}
