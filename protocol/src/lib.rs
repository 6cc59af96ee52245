//! Sans-IO codecs and types of the protocol between Blazor's two halves, byte-compatible with
//! ASP.NET Core 10.
//!
//! * [`render_batch`]: the binary render batch (`RenderBatchWriter`'s format), its types, a
//!   byte-exact encoder, a zero-copy validating reader, and its canonical JSON form
//!   (`spec/render-batch.md`, `RB-…`).
//! * [`hub`]: the SignalR hub protocol as Blazor uses it: JSON and MessagePack (`blazorpack`)
//!   framing, every message type, the handshake and negotiation (`spec/hub.md`, `HUB-…`).
//! * [`blazor`]: Blazor's hub methods in both directions, typed, with ASP.NET Core's argument
//!   binding (`spec/blazor.md`, `BZ-…`).
//! * [`events`]: browser events and the event args of every family, read and written as ASP.NET
//!   Core 10 and its browser script do (`spec/events.md`, `EV-…`).
//!
//! The crate does no I/O, reads no clock and spawns nothing; it builds for
//! `wasm32-unknown-unknown`. Every malformed input is a typed error naming what and where (a
//! byte offset, a field) and the rule it breaks; none panics, and what is allocated is bounded by
//! the input's size and explicit limits.
//!
//! # A render batch: encode, validate, read
//!
//! ```
//! use brasa_protocol::render_batch::{self, Diff, Edit, Frame, Limits, RenderBatch};
//!
//! // A counter's click: the text of the root component's second child changes.
//! let batch = RenderBatch {
//!     updated_components: vec![Diff {
//!         component_id: 0,
//!         edits: vec![
//!             Edit::StepIn { sibling_index: 1 },
//!             Edit::UpdateText { sibling_index: 0, reference_frame_index: 0 },
//!             Edit::StepOut,
//!         ],
//!     }],
//!     reference_frames: vec![Frame::Text { content: "Current count: 1".into() }],
//!     disposed_component_ids: vec![],
//!     disposed_event_handler_ids: vec![],
//! };
//! let bytes = render_batch::encode(&batch); // what ASP.NET Core's writer writes for it
//!
//! // One pass checks everything (counts, offsets, types, strings, UTF-8) against the limits;
//! // the view then reads without further checks and without copying.
//! let view = render_batch::validate(&bytes, &Limits::DEFAULT)?;
//! assert_eq!(view.reference_frame(0), Frame::Text { content: "Current count: 1" });
//! assert_eq!(view.to_owned_batch(), batch);
//!
//! // A truncated batch is an error with its kind, offset and requirement id.
//! let error = render_batch::validate(&bytes[..bytes.len() - 1], &Limits::DEFAULT).unwrap_err();
//! assert_eq!((error.kind.name(), error.requirement), ("section_out_of_bounds", "RB-1.3"));
//! # Ok::<(), render_batch::DecodeError>(())
//! ```
//!
//! # Hub messages: frame, decode in pieces, bind to Blazor's methods
//!
//! ```
//! use brasa_protocol::blazor::{ClientCall, ServerCall};
//! use brasa_protocol::hub::{self, Decoder, HubMessage, Protocol, DEFAULT_MAX_MESSAGE_SIZE};
//!
//! // The server sends a batch: `JS.RenderBatch(2, bytes)` in a blazorpack frame.
//! let call = ServerCall::RenderBatch { batch_id: 2, batch: vec![0; 36] };
//! let mut wire = Vec::new();
//! hub::encode(Protocol::MessagePack, &call.to_message(None), &mut wire)?;
//!
//! // A receiver decodes frames from bytes as they arrive, in any pieces.
//! let mut decoder = Decoder::new(Protocol::MessagePack, DEFAULT_MAX_MESSAGE_SIZE);
//! decoder.push(&wire[..5]);
//! assert!(decoder.next_message()?.is_none()); // not complete yet
//! decoder.push(&wire[5..]);
//! let Some(HubMessage::Invocation(invocation)) = decoder.next_message()? else { panic!() };
//! assert_eq!(ServerCall::from_invocation(&invocation.target, &invocation.arguments), Ok(call));
//!
//! // The browser acknowledges it: `OnRenderCompleted(2, null)`.
//! let ack = ClientCall::OnRenderCompleted { batch_id: 2, error: None };
//! assert_eq!(ack.method(), "OnRenderCompleted");
//! # Ok::<(), hub::HubError>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod blazor;
pub mod events;
pub mod hub;
pub mod render_batch;
