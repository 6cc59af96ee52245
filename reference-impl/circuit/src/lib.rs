//! The server side of Blazor circuits, without I/O (`spec/circuit.md`, CIR-…).
//!
//! * [`RenderWindow`]: batch ids (the first is 2), cumulative acknowledgements, the bounded
//!   window of unacknowledged batches, resend after reconnect, and event handler ids that stay
//!   valid until the batch that retired them is acknowledged.
//! * [`CircuitSecret`]: unguessable circuit secrets from randomness the host supplies, compared
//!   in constant time.
//! * [`Registry`]: connected and disconnected circuits, retention and eviction; time is a
//!   parameter ([`Millis`]), never read from a clock.
//! * [`HubConnection`]: one connection's handshake, framing and hub-level rules.
//! * [`Server`]: circuits and connections together, driving a [`CircuitApp`] per circuit, with
//!   Blazor's rules for every hub call; transcript tests pin them to ASP.NET Core's recordings.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod connection;
mod registry;
mod secret;
mod server;
mod window;

pub use connection::{
    BLAZOR_PROTOCOL, ConnectionEvent, FrameKind, HubConnection, MAX_RECEIVE_MESSAGE_SIZE, close_abort,
    close_after_protocol_error, frame,
};
pub use registry::{Evicted, Registry, RegistryOptions};
pub use secret::{CircuitSecret, SECRET_BYTES};
pub use server::{AppFactory, CircuitApp, EndReason, Output, Rendered, Server, ServerOptions};
pub use window::{AckOutcome, RenderWindow, Sent};

/// A point in time in milliseconds on the host's monotonic clock. The core never reads a clock.
pub type Millis = u64;
