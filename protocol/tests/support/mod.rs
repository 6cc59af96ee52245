//! Helpers shared by the codec's integration tests.

#![allow(dead_code)] // each test binary uses its own share

use brasa_protocol::render_batch::{Edit, Frame, RenderBatch, TRAILER_SIZE};

/// The bytes of the strings the owned form holds, each reference counted: what
/// `Limits::max_expanded_string_bytes` bounds (RB-1.5).
pub fn string_bytes(batch: &RenderBatch) -> usize {
    let edits: usize = batch
        .updated_components
        .iter()
        .flat_map(|d| &d.edits)
        .map(|e| match e {
            Edit::RemoveAttribute { name, .. } => name.len(),
            _ => 0,
        })
        .sum();
    let frames: usize = batch
        .reference_frames
        .iter()
        .map(|f| match f {
            Frame::Element { name, .. } => name.len(),
            Frame::Text { content } | Frame::Markup { content } => content.len(),
            Frame::Attribute { name, value, .. } => name.len() + value.as_ref().map_or(0, String::len),
            Frame::ElementReferenceCapture { id } => id.len(),
            _ => 0,
        })
        .sum();
    edits + frames
}

/// The int32 at `at`, as an unsigned size (-1 becomes 2^32 - 1).
pub fn int(bytes: &[u8], at: usize) -> usize {
    u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as usize
}

/// The five section positions of the trailer (RB-1.3).
pub fn trailer(bytes: &[u8]) -> [usize; 5] {
    let start = bytes.len() - TRAILER_SIZE;
    std::array::from_fn(|i| int(bytes, start + 4 * i))
}
