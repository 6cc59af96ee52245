//! The SignalR hub protocol as Blazor uses it (`spec/hub.md`): framing for the JSON and
//! MessagePack (`blazorpack`) protocols, every hub message type, their readable JSON form, and
//! the handshake. Sans-IO: decoders take bytes in any pieces and never buffer more than one
//! message beyond the configured maximum size.

mod error;
mod framing;
pub mod handshake;
mod message;
pub mod negotiate;
mod value;

pub use error::{HubError, HubErrorKind};
pub use framing::{
    DEFAULT_MAX_MESSAGE_SIZE, Decoder, Protocol, RECORD_SEPARATOR, decode_all, encode, write_length_prefix,
};
pub use message::{CompletionResult, Headers, HubMessage, Invocation, from_readable, to_readable};
pub use value::{MAX_DEPTH, Value, ValueError, read_value, write_value};
pub(crate) use value::{write_array_len, write_bin_header, write_map_len, write_str};

/// A message's readable JSON form (HUB-4.1), as `brasa hub decode` prints it.
pub fn readable_json(message: &HubMessage) -> String {
    serde_json::to_string(&to_readable(message, true)).unwrap_or_default()
}

/// Parses a message's readable JSON form (HUB-4.1).
pub fn parse_readable(text: &str) -> Result<HubMessage, HubError> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| HubError::new(HubErrorKind::Json(e.to_string()), 0, "HUB-4.1"))?;
    from_readable(&value, 0)
}
