//! Framing (HUB-1.x): MessagePack messages behind a variable-length size prefix, JSON messages
//! ended by 0x1E; incremental decoders that take input in any pieces.

use super::error::{HubError, HubErrorKind as K};
use super::message::{HubMessage, from_readable, message_from_messagepack, to_readable, write_messagepack_body};
use super::value::{Plain, PlainRef, Value, read_value};

/// The record separator that ends every JSON message and handshake (HUB-1.1).
pub const RECORD_SEPARATOR: u8 = 0x1e;

/// SignalR's default maximum size of a message a server receives: 32 KiB (HUB-1.4).
pub const DEFAULT_MAX_MESSAGE_SIZE: usize = 32 * 1024;

/// The two hub protocols.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// `json`: UTF-8 JSON objects, each ended by 0x1E.
    Json,
    /// `messagepack` (Blazor calls it `blazorpack`): arrays behind a size prefix.
    MessagePack,
}

/// Appends one framed message.
pub fn encode(protocol: Protocol, message: &HubMessage, out: &mut Vec<u8>) -> Result<(), HubError> {
    match protocol {
        Protocol::MessagePack => {
            let mut body = Vec::new();
            write_messagepack_body(message, &mut body);
            write_length_prefix(body.len(), out);
            out.extend_from_slice(&body);
        }
        Protocol::Json => {
            let readable = to_readable(message, false);
            let text = serde_json::to_vec(&PlainRef(&readable)).map_err(|e| {
                let what = if e.to_string().contains("bin") {
                    "a byte array (bin)"
                } else {
                    "a value"
                };
                HubError::new(K::NotRepresentable(what), out.len(), "HUB-1.1")
            })?;
            out.extend_from_slice(&text);
            out.push(RECORD_SEPARATOR);
        }
    }
    Ok(())
}

/// Writes a MessagePack size prefix: 7 bits per byte, low bits first (HUB-1.2).
pub fn write_length_prefix(mut length: usize, out: &mut Vec<u8>) {
    loop {
        let byte = (length & 0x7f) as u8;
        length >>= 7;
        if length == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Reads a size prefix at the start of `bytes`: `Ok(None)` when more bytes are needed.
fn read_length_prefix(bytes: &[u8]) -> Result<Option<(usize, usize)>, &'static str> {
    let mut value: u64 = 0;
    for (i, &byte) in bytes.iter().enumerate().take(5) {
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            if value > i32::MAX as u64 {
                return Err("the size exceeds 2^31-1");
            }
            if i > 0 && byte == 0 {
                return Err("not in its shortest form");
            }
            return Ok(Some((value as usize, i + 1)));
        }
    }
    if bytes.len() >= 5 {
        Err("more than 5 bytes")
    } else {
        Ok(None)
    }
}

/// An incremental decoder: push bytes as they arrive, take messages out.
#[derive(Debug)]
pub struct Decoder {
    protocol: Protocol,
    max_message_size: usize,
    buffer: Vec<u8>,
    /// Stream offset of `buffer[0]`.
    base: usize,
    /// Bytes of `buffer` already consumed.
    read: usize,
    /// For JSON: bytes already searched for the separator.
    scanned: usize,
}

impl Decoder {
    /// A decoder that refuses messages larger than `max_message_size` bytes (HUB-1.4).
    pub fn new(protocol: Protocol, max_message_size: usize) -> Self {
        Decoder {
            protocol,
            max_message_size,
            buffer: Vec::new(),
            base: 0,
            read: 0,
            scanned: 0,
        }
    }

    /// Adds received bytes.
    pub fn push(&mut self, data: &[u8]) {
        if self.read > 0 && self.read == self.buffer.len() {
            self.base += self.read;
            self.buffer.clear();
            self.read = 0;
            self.scanned = 0;
        } else if self.read > 4096 && self.read * 2 > self.buffer.len() {
            self.buffer.drain(..self.read);
            self.base += self.read;
            self.scanned -= self.read.min(self.scanned);
            self.read = 0;
        }
        self.buffer.extend_from_slice(data);
    }

    /// Bytes received but not yet returned as messages.
    pub fn pending(&self) -> usize {
        self.buffer.len() - self.read
    }

    /// The next complete message, `Ok(None)` if more bytes are needed. After an error the
    /// stream cannot be resynchronised: the connection must be closed.
    pub fn next_message(&mut self) -> Result<Option<HubMessage>, HubError> {
        let start = self.base + self.read;
        let rest = &self.buffer[self.read..];
        match self.protocol {
            Protocol::MessagePack => {
                let (size, used) = match read_length_prefix(rest) {
                    Ok(Some(found)) => found,
                    Ok(None) => return Ok(None),
                    Err(why) => return Err(HubError::new(K::LengthPrefixInvalid(why), start, "HUB-1.2")),
                };
                if size > self.max_message_size {
                    return Err(HubError::new(
                        K::MessageTooLarge {
                            size,
                            limit: self.max_message_size,
                        },
                        start,
                        "HUB-1.4",
                    ));
                }
                if rest.len() < used + size {
                    return Ok(None);
                }
                let body = &rest[used..used + size];
                let body_start = start + used;
                if size == 0 {
                    return Err(HubError::new(K::Truncated { needed: 1 }, body_start, "HUB-1.2"));
                }
                let mut pos = 0;
                let value = read_value(body, &mut pos).map_err(|(e, at)| {
                    let kind = match e {
                        super::value::ValueError::Truncated { needed } => K::Truncated { needed },
                        other => K::Malformed(other),
                    };
                    HubError::new(kind, body_start + at, "HUB-3.1")
                })?;
                if pos != size {
                    return Err(HubError::new(
                        K::TrailingBytes { count: size - pos },
                        body_start + pos,
                        "HUB-1.2",
                    ));
                }
                self.read += used + size;
                message_from_messagepack(value, body_start).map(Some)
            }
            Protocol::Json => {
                let from = self.scanned.max(self.read) - self.read;
                let Some(end) = rest[from..].iter().position(|&b| b == super::framing::RECORD_SEPARATOR) else {
                    self.scanned = self.buffer.len();
                    if rest.len() > self.max_message_size {
                        return Err(HubError::new(
                            K::MessageTooLarge {
                                size: rest.len(),
                                limit: self.max_message_size,
                            },
                            start,
                            "HUB-1.4",
                        ));
                    }
                    return Ok(None);
                };
                let end = from + end;
                if end > self.max_message_size {
                    return Err(HubError::new(
                        K::MessageTooLarge {
                            size: end,
                            limit: self.max_message_size,
                        },
                        start,
                        "HUB-1.4",
                    ));
                }
                let text = &rest[..end];
                self.read += end + 1;
                self.scanned = self.read;
                let value: Plain = serde_json::from_slice(text).map_err(|e| {
                    HubError::new(K::Json(e.to_string()), start + json_error_offset(text, &e), "HUB-1.1")
                })?;
                if has_duplicate_member(&value.0) {
                    // HUB-1.1: JSON.parse keeps the last duplicate, some readers the first: refuse.
                    return Err(HubError::new(K::Json("duplicate member name".into()), start, "HUB-1.1"));
                }
                check_json_nulls(&value.0, start)?;
                from_readable(&value.0, start).map(Some)
            }
        }
    }

    /// Checks that the input ended between messages (HUB-1.3).
    pub fn finish(&self) -> Result<(), HubError> {
        let rest = &self.buffer[self.read..];
        if rest.is_empty() {
            return Ok(());
        }
        let start = self.base + self.read;
        match self.protocol {
            Protocol::Json => Err(HubError::new(K::MissingRecordSeparator, start, "HUB-1.3")),
            Protocol::MessagePack => match read_length_prefix(rest) {
                Ok(None) => Err(HubError::new(K::LengthPrefixUnterminated, start, "HUB-1.3")),
                Ok(Some((size, used))) => Err(HubError::new(
                    K::Truncated {
                        needed: used + size - rest.len(),
                    },
                    start + rest.len(),
                    "HUB-1.3",
                )),
                Err(why) => Err(HubError::new(K::LengthPrefixInvalid(why), start, "HUB-1.2")),
            },
        }
    }
}

fn has_duplicate_member(value: &Value) -> bool {
    match value {
        Value::Map(entries) => {
            entries
                .iter()
                .enumerate()
                .any(|(i, (k, _))| entries[..i].iter().any(|(earlier, _)| earlier == k))
                || entries.iter().any(|(_, v)| has_duplicate_member(v))
        }
        Value::Array(items) => items.iter().any(has_duplicate_member),
        _ => false,
    }
}

/// In the JSON protocol, optional strings are absent or strings, never null (HUB-1.1); the
/// readable form writes nil MessagePack elements as null, so the two differ here.
fn check_json_nulls(value: &Value, start: usize) -> Result<(), HubError> {
    let Value::Map(entries) = value else { return Ok(()) };
    let get = |name: &str| entries.iter().find(|(k, _)| k.as_str() == Some(name)).map(|(_, v)| v);
    let kind = get("type").and_then(Value::as_i64);
    let field = match kind {
        Some(1..=5) => "invocationId",
        Some(7) => "error",
        _ => return Ok(()),
    };
    if get(field) == Some(&Value::Nil) {
        let message_type = kind.unwrap_or(0) as u8;
        return Err(HubError::new(
            K::WrongField {
                message_type,
                field,
                expected: "absent or a string",
            },
            start,
            "HUB-1.1",
        ));
    }
    Ok(())
}

fn json_error_offset(text: &[u8], e: &serde_json::Error) -> usize {
    let (line, column) = (e.line(), e.column());
    let mut offset = 0;
    for (i, l) in text.split(|&b| b == b'\n').enumerate() {
        if i + 1 == line {
            return offset + column.saturating_sub(1).min(l.len());
        }
        offset += l.len() + 1;
    }
    0
}

/// Decodes every message of a complete input (no partial message at the end).
pub fn decode_all(protocol: Protocol, bytes: &[u8], max_message_size: usize) -> Result<Vec<HubMessage>, HubError> {
    let mut decoder = Decoder::new(protocol, max_message_size);
    decoder.push(bytes);
    let mut messages = Vec::new();
    while let Some(message) = decoder.next_message()? {
        messages.push(message);
    }
    decoder.finish()?;
    Ok(messages)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hub::{CompletionResult, HubErrorKind, Invocation, Value};

    fn invocation() -> HubMessage {
        HubMessage::Invocation(Invocation {
            headers: vec![],
            invocation_id: Some("7".into()),
            target: "OnRenderCompleted".into(),
            arguments: vec![Value::UInt(2), Value::Nil],
            stream_ids: None,
        })
    }

    #[test]
    fn messagepack_frames_errors() {
        // HUB-1.2, HUB-1.3, HUB-1.4
        let err = |bytes: &[u8], max: usize| decode_all(Protocol::MessagePack, bytes, max).unwrap_err();
        let e = err(&[0x80], 100);
        assert_eq!(
            (e.kind.name(), e.offset, e.requirement),
            ("length_prefix_unterminated", 0, "HUB-1.3")
        );
        let e = err(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x01], 100);
        assert_eq!(e.kind.name(), "length_prefix_invalid");
        let e = err(&[0x81, 0x00, 0xc0], 100);
        assert_eq!(e.kind, HubErrorKind::LengthPrefixInvalid("not in its shortest form"));
        let e = err(&[0x05, 0x91], 100);
        assert_eq!((e.kind.name(), e.offset), ("truncated", 2));
        let e = err(&[0x80, 0x01], 100);
        assert_eq!((e.kind.name(), e.requirement), ("message_too_large", "HUB-1.4"));
        let e = err(&[0x02, 0x91, 0x06, 0x03, 0x91, 0x06, 0xc0], 100);
        assert_eq!((e.kind.name(), e.offset), ("trailing_bytes", 6));
        let e = err(&[0x02, 0x91, 0x0a], 100);
        assert_eq!(e.kind, HubErrorKind::UnknownMessageType(10));
        let e = err(&[0x03, 0x92, 0x01, 0x80], 100);
        assert_eq!(e.kind.name(), "wrong_length");
        let e = err(&[0x01, 0xc1], 100);
        assert_eq!((e.kind.name(), e.offset), ("malformed_messagepack", 1));
    }

    #[test]
    fn a_too_large_message_is_refused_before_its_body_arrives() {
        // HUB-1.4: the decoder does not wait for (or buffer) a message it will refuse.
        let mut decoder = Decoder::new(Protocol::MessagePack, DEFAULT_MAX_MESSAGE_SIZE);
        let mut prefix = Vec::new();
        write_length_prefix(40 * 1024, &mut prefix);
        decoder.push(&prefix);
        assert_eq!(decoder.next_message().unwrap_err().kind.name(), "message_too_large");
        let mut decoder = Decoder::new(Protocol::Json, 16);
        decoder.push(&[b' '; 17]);
        assert_eq!(decoder.next_message().unwrap_err().kind.name(), "message_too_large");
    }

    #[test]
    fn json_protocol_round_trip_and_errors() {
        // HUB-1.1, HUB-4.1
        let messages = vec![
            invocation(),
            HubMessage::Completion {
                headers: vec![],
                invocation_id: "7".into(),
                result: CompletionResult::Void,
            },
            HubMessage::Completion {
                headers: vec![],
                invocation_id: "8".into(),
                result: CompletionResult::Error("boom".into()),
            },
            HubMessage::Ping,
            HubMessage::Close {
                error: None,
                allow_reconnect: Some(true),
            },
            HubMessage::Ack { sequence_id: 3 },
        ];
        let mut bytes = Vec::new();
        for m in &messages {
            encode(Protocol::Json, m, &mut bytes).unwrap();
        }
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(
            text.starts_with(r#"{"type":1,"invocationId":"7","target":"OnRenderCompleted","arguments":[2,null]}"#),
            "{text}"
        );
        assert_eq!(decode_all(Protocol::Json, &bytes, 1000).unwrap(), messages);
        let e = decode_all(Protocol::Json, br#"{"type":6}"#, 1000).unwrap_err();
        assert_eq!((e.kind.name(), e.requirement), ("missing_record_separator", "HUB-1.3"));
        let e = decode_all(Protocol::Json, b"{\"type\":6,\x1e", 1000).unwrap_err();
        assert_eq!(e.kind.name(), "invalid_json");
        let e = decode_all(Protocol::Json, b"{\"type\":6,\"x\":1}\x1e", 1000).unwrap_err();
        assert_eq!(e.kind.name(), "unknown_field");
        let bin = HubMessage::StreamItem {
            headers: vec![],
            invocation_id: "1".into(),
            item: Value::Bin(vec![1]),
        };
        assert_eq!(
            encode(Protocol::Json, &bin, &mut Vec::new()).unwrap_err().kind.name(),
            "not_representable"
        );
    }

    #[test]
    fn messagepack_keeps_what_the_bytes_say() {
        // HUB-2.2: 5- versus 6-element invocations, 2- versus 3-element close, nil invocation id.
        for hex in [
            "950180c0a15890",
            "960180c0a1589090",
            "9207c0",
            "9307c0c2",
            "940280a13101",
            "920580",
            "920801",
        ] {
            let body: Vec<u8> = (0..hex.len() / 2)
                .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
                .collect();
            let mut framed = Vec::new();
            write_length_prefix(body.len(), &mut framed);
            framed.extend_from_slice(&body);
            let decoded = decode_all(Protocol::MessagePack, &framed, 100);
            if hex == "920580" {
                assert_eq!(decoded.unwrap_err().kind.name(), "wrong_length");
                continue;
            }
            let message = decoded.unwrap().remove(0);
            let mut out = Vec::new();
            encode(Protocol::MessagePack, &message, &mut out).unwrap();
            assert_eq!(out, framed, "{hex}");
        }
    }
}
