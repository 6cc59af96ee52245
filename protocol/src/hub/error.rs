//! Typed errors of the hub codecs: what, where (byte offset in the stream), which rule.

use std::fmt;

use super::value::ValueError;

/// Why hub bytes or a readable message were rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HubErrorKind {
    /// The input ends inside a MessagePack length prefix.
    #[error("the input ends inside a length prefix")]
    LengthPrefixUnterminated,
    /// A length prefix of more than 5 bytes, above 2^31-1, or not in its shortest form.
    #[error("invalid length prefix: {0}")]
    LengthPrefixInvalid(&'static str),
    /// A message larger than the configured maximum.
    #[error("message of {size} bytes exceeds the maximum of {limit}")]
    MessageTooLarge {
        /// Its size (for JSON: at least this many bytes without a record separator).
        size: usize,
        /// The maximum.
        limit: usize,
    },
    /// The input ends inside a message.
    #[error("the input ends inside a message: {needed} more bytes needed")]
    Truncated {
        /// Bytes missing.
        needed: usize,
    },
    /// A JSON message without its 0x1E record separator at the end of the input.
    #[error("the input ends without the 0x1E record separator")]
    MissingRecordSeparator,
    /// Malformed MessagePack.
    #[error("malformed MessagePack: {0}")]
    Malformed(ValueError),
    /// Bytes after the message's value within its length.
    #[error("{count} bytes follow the message's value inside its length")]
    TrailingBytes {
        /// How many.
        count: usize,
    },
    /// A MessagePack message that is not an array.
    #[error("a MessagePack hub message must be an array")]
    NotAnArray,
    /// A JSON message (or readable form) that is not an object.
    #[error("a JSON hub message must be an object with string keys")]
    NotAnObject,
    /// The message type is missing or not an integer.
    #[error("the message has no integer type")]
    MissingType,
    /// A type number SignalR does not define.
    #[error("unknown message type {0}")]
    UnknownMessageType(i64),
    /// A MessagePack message with the wrong number of elements.
    #[error("message type {message_type} has {found} elements, expected {expected}")]
    WrongLength {
        /// The type.
        message_type: i64,
        /// What is allowed.
        expected: &'static str,
        /// What it has.
        found: usize,
    },
    /// A field of the wrong kind, or missing.
    #[error("message type {message_type}: {field} must be {expected}")]
    WrongField {
        /// The type.
        message_type: u8,
        /// The field.
        field: &'static str,
        /// What it must be.
        expected: &'static str,
    },
    /// A field the message type does not have.
    #[error("message type {message_type} has no field {field:?}")]
    UnknownField {
        /// The type.
        message_type: i64,
        /// The field.
        field: String,
    },
    /// JSON that does not parse.
    #[error("invalid JSON: {0}")]
    Json(String),
    /// A value the target protocol cannot carry (for example bin in the JSON protocol).
    #[error("not representable in the JSON protocol: {0}")]
    NotRepresentable(&'static str),
    /// A handshake that does not parse.
    #[error("invalid handshake: {0}")]
    Handshake(String),
}

impl HubErrorKind {
    /// Every kind's stable name, for tools and schemas.
    pub const NAMES: &'static [&'static str] = &[
        "length_prefix_unterminated",
        "length_prefix_invalid",
        "message_too_large",
        "truncated",
        "missing_record_separator",
        "malformed_messagepack",
        "trailing_bytes",
        "not_an_array",
        "not_an_object",
        "missing_type",
        "unknown_message_type",
        "wrong_length",
        "wrong_field",
        "unknown_field",
        "invalid_json",
        "not_representable",
        "invalid_handshake",
    ];

    /// The stable name of this kind, as conformance vectors write it.
    pub fn name(&self) -> &'static str {
        use HubErrorKind::*;
        match self {
            LengthPrefixUnterminated => "length_prefix_unterminated",
            LengthPrefixInvalid(_) => "length_prefix_invalid",
            MessageTooLarge { .. } => "message_too_large",
            Truncated { .. } => "truncated",
            MissingRecordSeparator => "missing_record_separator",
            Malformed(_) => "malformed_messagepack",
            TrailingBytes { .. } => "trailing_bytes",
            NotAnArray => "not_an_array",
            NotAnObject => "not_an_object",
            MissingType => "missing_type",
            UnknownMessageType(_) => "unknown_message_type",
            WrongLength { .. } => "wrong_length",
            WrongField { .. } => "wrong_field",
            UnknownField { .. } => "unknown_field",
            Json(_) => "invalid_json",
            NotRepresentable(_) => "not_representable",
            Handshake(_) => "invalid_handshake",
        }
    }
}

/// A rejected hub message: kind, byte offset (from the start of the stream) and rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubError {
    /// What is wrong.
    pub kind: HubErrorKind,
    /// Byte offset in the stream (of the message, or of the offending byte when known).
    pub offset: usize,
    /// The requirement of `spec/hub.md` that the input breaks.
    pub requirement: &'static str,
}

impl HubError {
    pub(crate) fn new(kind: HubErrorKind, offset: usize, requirement: &'static str) -> Self {
        HubError {
            kind,
            offset,
            requirement,
        }
    }
}

impl fmt::Display for HubError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at byte {} ({}): {}",
            self.kind.name(),
            self.offset,
            self.requirement,
            self.kind
        )
    }
}

impl std::error::Error for HubError {}
