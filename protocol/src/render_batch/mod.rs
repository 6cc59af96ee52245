//! The render batch: a binary description of the changes to a set of components' render
//! trees, as ASP.NET Core 10's `RenderBatchWriter` writes it for `blazor.server.js`.
//!
//! * [`RenderBatch`] and its parts ([`Diff`], [`Edit`], [`Frame`]) are the owned types; their
//!   serde form is the canonical JSON form of `spec/render-batch.md` §7.
//! * [`encode`] / [`BatchWriter`] write the exact bytes Blazor's writer writes (RB-5.6, RB-5.7).
//! * [`validate`] checks a batch in one pass and returns a zero-copy [`RenderBatchView`];
//!   [`decode`] builds the owned form on it.
//! * [`describe`] prints a human-readable listing.

mod error;
mod limits;
mod reader;
mod text;
mod types;
mod writer;

pub use error::{DecodeError, DecodeErrorKind, Section};
pub use limits::Limits;
pub use reader::{DiffView, RenderBatchView, ValidateScratch, decode, decode_with_limits, validate, validate_with};
pub use text::describe;
pub use types::{Diff, Edit, EditType, Frame, FrameType, RenderBatch};
pub use writer::{BatchWriter, EncodeError, EncodeScratch, encode, encode_into, encode_with, try_encode};

/// Size in bytes of one edit entry (RB-2.3).
pub const EDIT_SIZE: usize = 16;
/// Size in bytes of one reference frame entry (RB-3.1).
pub const FRAME_SIZE: usize = 20;
/// Size in bytes of the trailer: five int32 section positions (RB-1.3).
pub const TRAILER_SIZE: usize = 20;
/// The smallest valid batch: four empty counts and the trailer (RB-1.2).
pub const MIN_BATCH_SIZE: usize = 16 + TRAILER_SIZE;

#[cfg(test)]
mod scratch_tests;
