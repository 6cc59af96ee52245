//! Sans-IO codecs and types of the protocol between Blazor's two halves.
//!
//! * [`render_batch`]: the binary render batch (`RenderBatchWriter`'s format in ASP.NET Core 10),
//!   its types, a byte-exact encoder, a zero-copy validating reader, and its canonical JSON form.
//!
//! The crate does no I/O, reads no clock and spawns nothing; it builds for
//! `wasm32-unknown-unknown`. Rules cited as `RB-…` are in `spec/render-batch.md`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod blazor;
pub mod events;
pub mod hub;
pub mod render_batch;
