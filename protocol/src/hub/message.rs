//! Hub messages (HUB-2.x): their MessagePack layout, their JSON-protocol layout and their
//! readable form.

use super::error::{HubError, HubErrorKind as K};
use super::value::{Value, write_array_len, write_map_len, write_str, write_uint, write_value};

/// Message headers, in wire order.
pub type Headers = Vec<(String, String)>;

/// An invocation or stream invocation (types 1 and 4).
#[derive(Debug, Clone, PartialEq)]
pub struct Invocation {
    /// Headers (always present, usually empty, in MessagePack).
    pub headers: Headers,
    /// `None` (nil, or absent in JSON) for a call that expects no completion.
    pub invocation_id: Option<String>,
    /// The method.
    pub target: String,
    /// The arguments, in order.
    pub arguments: Vec<Value>,
    /// Stream ids; `None` when the message has no such element (5-element MessagePack form).
    pub stream_ids: Option<Vec<String>>,
}

/// How a completion ends its invocation.
#[derive(Debug, Clone, PartialEq)]
pub enum CompletionResult {
    /// Result kind 1: the invocation failed with this message.
    Error(String),
    /// Result kind 2: no result.
    Void,
    /// Result kind 3: this result.
    Value(Value),
}

/// A SignalR hub message.
#[derive(Debug, Clone, PartialEq)]
pub enum HubMessage {
    /// 1: call a method.
    Invocation(Invocation),
    /// 2: one item of a stream.
    StreamItem {
        /// Headers.
        headers: Headers,
        /// The stream's invocation id.
        invocation_id: String,
        /// The item.
        item: Value,
    },
    /// 3: the end of an invocation or stream.
    Completion {
        /// Headers.
        headers: Headers,
        /// The invocation it completes.
        invocation_id: String,
        /// Its outcome.
        result: CompletionResult,
    },
    /// 4: call a method that returns a stream.
    StreamInvocation(Invocation),
    /// 5: stop a stream.
    CancelInvocation {
        /// Headers.
        headers: Headers,
        /// The stream's invocation id.
        invocation_id: String,
    },
    /// 6: keep-alive.
    Ping,
    /// 7: the sender is closing the connection.
    Close {
        /// Why, if it is an error.
        error: Option<String>,
        /// Whether the client may reconnect; `None` when the element is absent.
        allow_reconnect: Option<bool>,
    },
    /// 8: stateful reconnect acknowledgement.
    Ack {
        /// The last sequence id received.
        sequence_id: u64,
    },
    /// 9: stateful reconnect: the sequence id of the next message.
    Sequence {
        /// The sequence id.
        sequence_id: u64,
    },
}

impl HubMessage {
    /// SignalR's message type number.
    pub fn type_number(&self) -> u8 {
        match self {
            HubMessage::Invocation(_) => 1,
            HubMessage::StreamItem { .. } => 2,
            HubMessage::Completion { .. } => 3,
            HubMessage::StreamInvocation(_) => 4,
            HubMessage::CancelInvocation { .. } => 5,
            HubMessage::Ping => 6,
            HubMessage::Close { .. } => 7,
            HubMessage::Ack { .. } => 8,
            HubMessage::Sequence { .. } => 9,
        }
    }
}

// ---- MessagePack ---------------------------------------------------------------------------

fn write_headers(headers: &Headers, out: &mut Vec<u8>) {
    write_map_len(headers.len(), out);
    for (k, v) in headers {
        write_str(k, out);
        write_str(v, out);
    }
}

fn write_optional_str(value: Option<&str>, out: &mut Vec<u8>) {
    match value {
        Some(s) => write_str(s, out),
        None => out.push(0xc0),
    }
}

/// Writes a message's MessagePack body (without the length prefix) (HUB-2.2).
pub fn write_messagepack_body(message: &HubMessage, out: &mut Vec<u8>) {
    let kind = message.type_number();
    match message {
        HubMessage::Invocation(inv) | HubMessage::StreamInvocation(inv) => {
            write_array_len(if inv.stream_ids.is_some() { 6 } else { 5 }, out);
            out.push(kind);
            write_headers(&inv.headers, out);
            write_optional_str(inv.invocation_id.as_deref(), out);
            write_str(&inv.target, out);
            write_array_len(inv.arguments.len(), out);
            for argument in &inv.arguments {
                write_value(argument, out);
            }
            if let Some(ids) = &inv.stream_ids {
                write_array_len(ids.len(), out);
                for id in ids {
                    write_str(id, out);
                }
            }
        }
        HubMessage::StreamItem {
            headers,
            invocation_id,
            item,
        } => {
            write_array_len(4, out);
            out.push(kind);
            write_headers(headers, out);
            write_str(invocation_id, out);
            write_value(item, out);
        }
        HubMessage::Completion {
            headers,
            invocation_id,
            result,
        } => {
            write_array_len(if matches!(result, CompletionResult::Void) { 4 } else { 5 }, out);
            out.push(kind);
            write_headers(headers, out);
            write_str(invocation_id, out);
            match result {
                CompletionResult::Error(e) => {
                    out.push(1);
                    write_str(e, out);
                }
                CompletionResult::Void => out.push(2),
                CompletionResult::Value(v) => {
                    out.push(3);
                    write_value(v, out);
                }
            }
        }
        HubMessage::CancelInvocation { headers, invocation_id } => {
            write_array_len(3, out);
            out.push(kind);
            write_headers(headers, out);
            write_str(invocation_id, out);
        }
        HubMessage::Ping => {
            write_array_len(1, out);
            out.push(kind);
        }
        HubMessage::Close { error, allow_reconnect } => {
            write_array_len(if allow_reconnect.is_some() { 3 } else { 2 }, out);
            out.push(kind);
            write_optional_str(error.as_deref(), out);
            if let Some(b) = allow_reconnect {
                out.push(if *b { 0xc3 } else { 0xc2 });
            }
        }
        HubMessage::Ack { sequence_id } | HubMessage::Sequence { sequence_id } => {
            write_array_len(2, out);
            out.push(kind);
            write_uint(*sequence_id, out);
        }
    }
}

/// What a field of a message must be, for errors.
fn field_error(offset: usize, message_type: u8, field: &'static str, expected: &'static str) -> HubError {
    HubError::new(
        K::WrongField {
            message_type,
            field,
            expected,
        },
        offset,
        "HUB-2.2",
    )
}

fn headers_from(value: &Value, offset: usize, message_type: u8) -> Result<Headers, HubError> {
    match value {
        Value::Map(entries) => entries
            .iter()
            .map(|(k, v)| match (k, v) {
                (Value::Str(k), Value::Str(v)) => Ok((k.clone(), v.clone())),
                _ => Err(field_error(
                    offset,
                    message_type,
                    "headers",
                    "a map of strings to strings",
                )),
            })
            .collect(),
        _ => Err(field_error(
            offset,
            message_type,
            "headers",
            "a map of strings to strings",
        )),
    }
}

fn string_from(value: &Value, offset: usize, message_type: u8, field: &'static str) -> Result<String, HubError> {
    value
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| field_error(offset, message_type, field, "a string"))
}

fn optional_string_from(
    value: &Value,
    offset: usize,
    message_type: u8,
    field: &'static str,
) -> Result<Option<String>, HubError> {
    match value {
        Value::Nil => Ok(None),
        Value::Str(s) => Ok(Some(s.clone())),
        _ => Err(field_error(offset, message_type, field, "a string or nil")),
    }
}

fn strings_from(value: &Value, offset: usize, message_type: u8, field: &'static str) -> Result<Vec<String>, HubError> {
    match value {
        Value::Array(items) => items
            .iter()
            .map(|i| string_from(i, offset, message_type, field))
            .collect(),
        _ => Err(field_error(offset, message_type, field, "an array of strings")),
    }
}

/// Builds a message from a decoded MessagePack body. `offset` is where the body starts.
pub fn message_from_messagepack(value: Value, offset: usize) -> Result<HubMessage, HubError> {
    let Value::Array(mut items) = value else {
        return Err(HubError::new(K::NotAnArray, offset, "HUB-2.2"));
    };
    let Some(kind) = items.first().and_then(Value::as_i64) else {
        return Err(HubError::new(K::MissingType, offset, "HUB-2.2"));
    };
    let length = items.len();
    let wrong_length = |expected: &'static str| {
        Err(HubError::new(
            K::WrongLength {
                message_type: kind,
                expected,
                found: length,
            },
            offset,
            "HUB-2.2",
        ))
    };
    let t = kind as u8;
    match kind {
        1 | 4 => {
            if !(5..=6).contains(&length) {
                return wrong_length("5 or 6");
            }
            let stream_ids = if length == 6 {
                Some(strings_from(&items[5], offset, t, "streamIds")?)
            } else {
                None
            };
            let invocation_id = optional_string_from(&items[2], offset, t, "invocationId")?;
            if kind == 4 && invocation_id.is_none() {
                return Err(field_error(offset, t, "invocationId", "a string"));
            }
            let Value::Array(arguments) = std::mem::replace(&mut items[4], Value::Nil) else {
                return Err(field_error(offset, t, "arguments", "an array"));
            };
            let invocation = Invocation {
                headers: headers_from(&items[1], offset, t)?,
                invocation_id,
                target: string_from(&items[3], offset, t, "target")?,
                arguments,
                stream_ids,
            };
            Ok(if kind == 1 {
                HubMessage::Invocation(invocation)
            } else {
                HubMessage::StreamInvocation(invocation)
            })
        }
        2 => {
            if length != 4 {
                return wrong_length("4");
            }
            Ok(HubMessage::StreamItem {
                headers: headers_from(&items[1], offset, t)?,
                invocation_id: string_from(&items[2], offset, t, "invocationId")?,
                item: items.pop().unwrap_or(Value::Nil),
            })
        }
        3 => {
            if !(4..=5).contains(&length) {
                return wrong_length("4 or 5");
            }
            let headers = headers_from(&items[1], offset, t)?;
            let invocation_id = string_from(&items[2], offset, t, "invocationId")?;
            let result = match (items[3].as_i64(), length) {
                (Some(1), 5) => CompletionResult::Error(string_from(&items[4], offset, t, "error")?),
                (Some(2), 4) => CompletionResult::Void,
                (Some(3), 5) => CompletionResult::Value(items.pop().unwrap_or(Value::Nil)),
                (Some(1 | 3), _) => return wrong_length("5 for result kinds 1 and 3"),
                (Some(2), _) => return wrong_length("4 for result kind 2"),
                _ => {
                    return Err(field_error(
                        offset,
                        t,
                        "resultKind",
                        "1 (error), 2 (void) or 3 (result)",
                    ));
                }
            };
            Ok(HubMessage::Completion {
                headers,
                invocation_id,
                result,
            })
        }
        5 => {
            if length != 3 {
                return wrong_length("3");
            }
            Ok(HubMessage::CancelInvocation {
                headers: headers_from(&items[1], offset, t)?,
                invocation_id: string_from(&items[2], offset, t, "invocationId")?,
            })
        }
        6 => {
            if length != 1 {
                return wrong_length("1");
            }
            Ok(HubMessage::Ping)
        }
        7 => {
            if !(2..=3).contains(&length) {
                return wrong_length("2 or 3");
            }
            let error = optional_string_from(&items[1], offset, t, "error")?;
            let allow_reconnect = match items.get(2) {
                None => None,
                Some(Value::Bool(b)) => Some(*b),
                Some(_) => return Err(field_error(offset, t, "allowReconnect", "a boolean")),
            };
            Ok(HubMessage::Close { error, allow_reconnect })
        }
        8 | 9 => {
            if length != 2 {
                return wrong_length("2");
            }
            let Value::UInt(sequence_id) = items[1] else {
                return Err(field_error(offset, t, "sequenceId", "a non-negative integer"));
            };
            Ok(if kind == 8 {
                HubMessage::Ack { sequence_id }
            } else {
                HubMessage::Sequence { sequence_id }
            })
        }
        other => Err(HubError::new(K::UnknownMessageType(other), offset, "HUB-2.1")),
    }
}

// ---- readable form and JSON protocol --------------------------------------------------------

fn headers_value(headers: &Headers) -> Value {
    Value::Map(
        headers
            .iter()
            .map(|(k, v)| (Value::str(k.clone()), Value::str(v.clone())))
            .collect(),
    )
}

fn entry(key: &str, value: Value) -> (Value, Value) {
    (Value::str(key), value)
}

/// The readable form of a message (HUB-4.1): a map with `type` (SignalR's number) and the
/// fields of the JSON protocol, plus `headers` for every message that carries them.
/// `with_headers` is false for the JSON protocol's own layout, where empty headers are omitted.
pub fn to_readable(message: &HubMessage, with_headers: bool) -> Value {
    let mut map = vec![entry("type", Value::UInt(u64::from(message.type_number())))];
    let headers = |map: &mut Vec<(Value, Value)>, h: &Headers| {
        if with_headers || !h.is_empty() {
            map.push(entry("headers", headers_value(h)));
        }
    };
    match message {
        HubMessage::Invocation(inv) | HubMessage::StreamInvocation(inv) => {
            headers(&mut map, &inv.headers);
            match (&inv.invocation_id, with_headers) {
                (Some(id), _) => map.push(entry("invocationId", Value::str(id.clone()))),
                (None, true) => map.push(entry("invocationId", Value::Nil)),
                (None, false) => {}
            }
            map.push(entry("target", Value::str(inv.target.clone())));
            map.push(entry("arguments", Value::Array(inv.arguments.clone())));
            if let Some(ids) = &inv.stream_ids {
                map.push(entry(
                    "streamIds",
                    Value::Array(ids.iter().cloned().map(Value::Str).collect()),
                ));
            }
        }
        HubMessage::StreamItem {
            headers: h,
            invocation_id,
            item,
        } => {
            headers(&mut map, h);
            map.push(entry("invocationId", Value::str(invocation_id.clone())));
            map.push(entry("item", item.clone()));
        }
        HubMessage::Completion {
            headers: h,
            invocation_id,
            result,
        } => {
            headers(&mut map, h);
            map.push(entry("invocationId", Value::str(invocation_id.clone())));
            match result {
                CompletionResult::Error(e) => map.push(entry("error", Value::str(e.clone()))),
                CompletionResult::Void => {}
                CompletionResult::Value(v) => map.push(entry("result", v.clone())),
            }
        }
        HubMessage::CancelInvocation {
            headers: h,
            invocation_id,
        } => {
            headers(&mut map, h);
            map.push(entry("invocationId", Value::str(invocation_id.clone())));
        }
        HubMessage::Ping => {}
        HubMessage::Close { error, allow_reconnect } => {
            match (error, with_headers) {
                (Some(e), _) => map.push(entry("error", Value::str(e.clone()))),
                (None, true) => map.push(entry("error", Value::Nil)),
                (None, false) => {}
            }
            if let Some(b) = allow_reconnect {
                map.push(entry("allowReconnect", Value::Bool(*b)));
            }
        }
        HubMessage::Ack { sequence_id } | HubMessage::Sequence { sequence_id } => {
            map.push(entry("sequenceId", Value::UInt(*sequence_id)));
        }
    }
    Value::Map(map)
}

/// Builds a message from its readable form or its JSON-protocol form (HUB-4.1). Unknown fields
/// are errors. `offset` is reported with every error.
pub fn from_readable(value: &Value, offset: usize) -> Result<HubMessage, HubError> {
    let Value::Map(entries) = value else {
        return Err(HubError::new(K::NotAnObject, offset, "HUB-4.1"));
    };
    let mut fields: Vec<(&str, &Value)> = Vec::with_capacity(entries.len());
    for (k, v) in entries {
        let Some(k) = k.as_str() else {
            return Err(HubError::new(K::NotAnObject, offset, "HUB-4.1"));
        };
        fields.push((k, v));
    }
    let get = |name: &str| fields.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
    let Some(kind) = get("type").and_then(Value::as_i64) else {
        return Err(HubError::new(K::MissingType, offset, "HUB-4.1"));
    };
    let t = kind as u8;
    let allowed: &[&str] = match kind {
        1 | 4 => &["type", "headers", "invocationId", "target", "arguments", "streamIds"],
        2 => &["type", "headers", "invocationId", "item"],
        3 => &["type", "headers", "invocationId", "result", "error"],
        5 => &["type", "headers", "invocationId"],
        6 => &["type"],
        7 => &["type", "error", "allowReconnect"],
        8 | 9 => &["type", "sequenceId"],
        other => return Err(HubError::new(K::UnknownMessageType(other), offset, "HUB-2.1")),
    };
    if let Some((unknown, _)) = fields.iter().find(|(k, _)| !allowed.contains(k)) {
        return Err(HubError::new(
            K::UnknownField {
                message_type: kind,
                field: (*unknown).to_owned(),
            },
            offset,
            "HUB-4.1",
        ));
    }
    let headers = match get("headers") {
        Some(h) => headers_from(h, offset, t)?,
        None => Vec::new(),
    };
    let required = |name: &'static str| get(name).ok_or_else(|| field_error(offset, t, name, "present"));
    Ok(match kind {
        1 | 4 => {
            let invocation_id = match get("invocationId") {
                Some(v) => optional_string_from(v, offset, t, "invocationId")?,
                None => None,
            };
            if kind == 4 && invocation_id.is_none() {
                return Err(field_error(offset, t, "invocationId", "a string"));
            }
            let Value::Array(arguments) = required("arguments")? else {
                return Err(field_error(offset, t, "arguments", "an array"));
            };
            let invocation = Invocation {
                headers,
                invocation_id,
                target: string_from(required("target")?, offset, t, "target")?,
                arguments: arguments.clone(),
                stream_ids: get("streamIds")
                    .map(|v| strings_from(v, offset, t, "streamIds"))
                    .transpose()?,
            };
            if kind == 1 {
                HubMessage::Invocation(invocation)
            } else {
                HubMessage::StreamInvocation(invocation)
            }
        }
        2 => HubMessage::StreamItem {
            headers,
            invocation_id: string_from(required("invocationId")?, offset, t, "invocationId")?,
            item: required("item")?.clone(),
        },
        3 => {
            let result = match (get("error"), get("result")) {
                (Some(_), Some(_)) => return Err(field_error(offset, t, "error", "absent when result is present")),
                (Some(e), None) => CompletionResult::Error(string_from(e, offset, t, "error")?),
                (None, Some(v)) => CompletionResult::Value(v.clone()),
                (None, None) => CompletionResult::Void,
            };
            HubMessage::Completion {
                headers,
                invocation_id: string_from(required("invocationId")?, offset, t, "invocationId")?,
                result,
            }
        }
        5 => HubMessage::CancelInvocation {
            headers,
            invocation_id: string_from(required("invocationId")?, offset, t, "invocationId")?,
        },
        6 => HubMessage::Ping,
        7 => HubMessage::Close {
            error: match get("error") {
                Some(v) => optional_string_from(v, offset, t, "error")?,
                None => None,
            },
            allow_reconnect: match get("allowReconnect") {
                None => None,
                Some(Value::Bool(b)) => Some(*b),
                Some(_) => return Err(field_error(offset, t, "allowReconnect", "a boolean")),
            },
        },
        _ => {
            let Value::UInt(sequence_id) = required("sequenceId")? else {
                return Err(field_error(offset, t, "sequenceId", "a non-negative integer"));
            };
            if kind == 8 {
                HubMessage::Ack {
                    sequence_id: *sequence_id,
                }
            } else {
                HubMessage::Sequence {
                    sequence_id: *sequence_id,
                }
            }
        }
    })
}
