//! MessagePack values, their byte codec, and their readable JSON form (HUB-3.x).
//!
//! The readable form maps each MessagePack type to JSON so that re-encoding gives back the same
//! bytes for every minimally encoded value (HUB-3.3):
//!
//! | MessagePack | readable JSON |
//! |---|---|
//! | nil, bool | `null`, `true`/`false` |
//! | integer | a JSON integer (exact over the whole 64-bit range) |
//! | float 64 | a JSON number with a fraction or exponent (`2.0`); non-finite: `{"$float64": "NaN"}` |
//! | float 32 | `{"$float32": 1.5}` |
//! | str | a JSON string |
//! | bin | `{"$bin": "hex"}` |
//! | array | a JSON array |
//! | map with string keys not starting with `$` | a JSON object, in order |
//! | any other map | `{"$map": [[key, value], ...]}` |
//! | ext | `{"$ext": {"type": n, "data": "hex"}}` |

use std::fmt;

use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A MessagePack value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// nil.
    Nil,
    /// true or false.
    Bool(bool),
    /// A non-negative integer.
    UInt(u64),
    /// A negative integer.
    Int(i64),
    /// A 32-bit float.
    F32(f32),
    /// A 64-bit float.
    F64(f64),
    /// A UTF-8 string.
    Str(String),
    /// A byte array.
    Bin(Vec<u8>),
    /// An array.
    Array(Vec<Value>),
    /// A map, in wire order.
    Map(Vec<(Value, Value)>),
    /// An extension type.
    Ext(i8, Vec<u8>),
}

impl Value {
    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The integer, if this is one that fits in i64.
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            Value::UInt(v) => i64::try_from(v).ok(),
            Value::Int(v) => Some(v),
            _ => None,
        }
    }

    /// A string value.
    pub fn str(s: impl Into<String>) -> Value {
        Value::Str(s.into())
    }

    /// An integer value in its canonical variant (non-negative values are `UInt`).
    pub fn int(v: i64) -> Value {
        if v >= 0 { Value::UInt(v as u64) } else { Value::Int(v) }
    }
}

/// A MessagePack value that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    /// The bytes end inside a value.
    #[error("the value is cut short: {needed} more bytes needed")]
    Truncated {
        /// Bytes missing.
        needed: usize,
    },
    /// 0xc1, which MessagePack never uses.
    #[error("0xc1 is not a MessagePack format")]
    NeverUsed,
    /// A string that is not UTF-8.
    #[error("a str value is not valid UTF-8")]
    InvalidUtf8,
    /// Nesting deeper than the limit.
    #[error("values nest deeper than {0}")]
    TooDeep(usize),
}

/// Nesting limit of [`read_value`].
pub const MAX_DEPTH: usize = 64;

/// Reads one value at `*pos`, advancing it. Errors carry the offset of the offending byte.
pub fn read_value(bytes: &[u8], pos: &mut usize) -> Result<Value, (ValueError, usize)> {
    read_at(bytes, pos, 0)
}

fn take<'b>(bytes: &'b [u8], pos: &mut usize, n: usize) -> Result<&'b [u8], (ValueError, usize)> {
    let available = bytes.len().saturating_sub(*pos);
    if n > available {
        return Err((ValueError::Truncated { needed: n - available }, bytes.len()));
    }
    let slice = &bytes[*pos..*pos + n];
    *pos += n;
    Ok(slice)
}

fn be(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b))
}

fn read_at(bytes: &[u8], pos: &mut usize, depth: usize) -> Result<Value, (ValueError, usize)> {
    if depth > MAX_DEPTH {
        return Err((ValueError::TooDeep(MAX_DEPTH), *pos));
    }
    let start = *pos;
    let marker = take(bytes, pos, 1)?[0];
    let length = |pos: &mut usize, width: usize| -> Result<usize, (ValueError, usize)> {
        Ok(be(take(bytes, pos, width)?) as usize)
    };
    let string = |pos: &mut usize, n: usize| -> Result<Value, (ValueError, usize)> {
        let at = *pos;
        let raw = take(bytes, pos, n)?;
        std::str::from_utf8(raw)
            .map(|s| Value::Str(s.to_owned()))
            .map_err(|e| (ValueError::InvalidUtf8, at + e.valid_up_to()))
    };
    let array = |pos: &mut usize, n: usize| -> Result<Value, (ValueError, usize)> {
        // Each element takes at least one byte: a count beyond the input fails before allocating.
        if n > bytes.len() - *pos {
            return Err((
                ValueError::Truncated {
                    needed: n - (bytes.len() - *pos),
                },
                bytes.len(),
            ));
        }
        let mut items = Vec::with_capacity(n);
        for _ in 0..n {
            items.push(read_at(bytes, pos, depth + 1)?);
        }
        Ok(Value::Array(items))
    };
    let map = |pos: &mut usize, n: usize| -> Result<Value, (ValueError, usize)> {
        if n.saturating_mul(2) > bytes.len() - *pos {
            return Err((
                ValueError::Truncated {
                    needed: 2 * n - (bytes.len() - *pos),
                },
                bytes.len(),
            ));
        }
        let mut entries = Vec::with_capacity(n);
        for _ in 0..n {
            let key = read_at(bytes, pos, depth + 1)?;
            let value = read_at(bytes, pos, depth + 1)?;
            entries.push((key, value));
        }
        Ok(Value::Map(entries))
    };
    Ok(match marker {
        0x00..=0x7f => Value::UInt(u64::from(marker)),
        0x80..=0x8f => map(pos, usize::from(marker & 0x0f))?,
        0x90..=0x9f => array(pos, usize::from(marker & 0x0f))?,
        0xa0..=0xbf => string(pos, usize::from(marker & 0x1f))?,
        0xc0 => Value::Nil,
        0xc1 => return Err((ValueError::NeverUsed, start)),
        0xc2 => Value::Bool(false),
        0xc3 => Value::Bool(true),
        0xc4..=0xc6 => {
            let n = length(pos, 1 << (marker - 0xc4))?;
            Value::Bin(take(bytes, pos, n)?.to_vec())
        }
        0xc7..=0xc9 => {
            let n = length(pos, 1 << (marker - 0xc7))?;
            let kind = take(bytes, pos, 1)?[0] as i8;
            Value::Ext(kind, take(bytes, pos, n)?.to_vec())
        }
        0xca => Value::F32(f32::from_bits(be(take(bytes, pos, 4)?) as u32)),
        0xcb => Value::F64(f64::from_bits(be(take(bytes, pos, 8)?))),
        0xcc..=0xcf => Value::UInt(be(take(bytes, pos, 1 << (marker - 0xcc))?)),
        0xd0..=0xd3 => {
            let width = 1usize << (marker - 0xd0);
            let raw = be(take(bytes, pos, width)?);
            let shift = 64 - 8 * width as u32;
            Value::int(((raw << shift) as i64) >> shift)
        }
        0xd4..=0xd8 => {
            let n = 1usize << (marker - 0xd4);
            let kind = take(bytes, pos, 1)?[0] as i8;
            Value::Ext(kind, take(bytes, pos, n)?.to_vec())
        }
        0xd9..=0xdb => {
            let n = length(pos, 1 << (marker - 0xd9))?;
            string(pos, n)?
        }
        0xdc | 0xdd => {
            let n = length(pos, if marker == 0xdc { 2 } else { 4 })?;
            array(pos, n)?
        }
        0xde | 0xdf => {
            let n = length(pos, if marker == 0xde { 2 } else { 4 })?;
            map(pos, n)?
        }
        0xe0..=0xff => Value::Int(i64::from(marker as i8)),
    })
}

/// Writes a value in the smallest format that holds it, as MessagePack-CSharp and
/// `@msgpack/msgpack` do (HUB-3.2).
pub fn write_value(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Nil => out.push(0xc0),
        Value::Bool(b) => out.push(if *b { 0xc3 } else { 0xc2 }),
        Value::UInt(v) => write_uint(*v, out),
        Value::Int(v) => write_int(*v, out),
        Value::F32(v) => {
            out.push(0xca);
            out.extend_from_slice(&v.to_bits().to_be_bytes());
        }
        Value::F64(v) => {
            out.push(0xcb);
            out.extend_from_slice(&v.to_bits().to_be_bytes());
        }
        Value::Str(s) => write_str(s, out),
        Value::Bin(b) => write_bin(b, out),
        Value::Array(items) => {
            write_array_len(items.len(), out);
            for item in items {
                write_value(item, out);
            }
        }
        Value::Map(entries) => {
            write_map_len(entries.len(), out);
            for (k, v) in entries {
                write_value(k, out);
                write_value(v, out);
            }
        }
        Value::Ext(kind, data) => {
            match data.len() {
                1 => out.push(0xd4),
                2 => out.push(0xd5),
                4 => out.push(0xd6),
                8 => out.push(0xd7),
                16 => out.push(0xd8),
                n if n < 256 => out.extend_from_slice(&[0xc7, n as u8]),
                n if n < 65536 => {
                    out.push(0xc8);
                    out.extend_from_slice(&(n as u16).to_be_bytes());
                }
                n => {
                    out.push(0xc9);
                    out.extend_from_slice(&(n as u32).to_be_bytes());
                }
            }
            out.push(*kind as u8);
            out.extend_from_slice(data);
        }
    }
}

/// Writes a non-negative integer minimally.
pub fn write_uint(v: u64, out: &mut Vec<u8>) {
    if v < 0x80 {
        out.push(v as u8);
    } else if v <= 0xff {
        out.extend_from_slice(&[0xcc, v as u8]);
    } else if v <= 0xffff {
        out.push(0xcd);
        out.extend_from_slice(&(v as u16).to_be_bytes());
    } else if v <= 0xffff_ffff {
        out.push(0xce);
        out.extend_from_slice(&(v as u32).to_be_bytes());
    } else {
        out.push(0xcf);
        out.extend_from_slice(&v.to_be_bytes());
    }
}

fn write_int(v: i64, out: &mut Vec<u8>) {
    if v >= 0 {
        write_uint(v as u64, out);
    } else if v >= -32 {
        out.push(v as i8 as u8);
    } else if v >= i64::from(i8::MIN) {
        out.extend_from_slice(&[0xd0, v as i8 as u8]);
    } else if v >= i64::from(i16::MIN) {
        out.push(0xd1);
        out.extend_from_slice(&(v as i16).to_be_bytes());
    } else if v >= i64::from(i32::MIN) {
        out.push(0xd2);
        out.extend_from_slice(&(v as i32).to_be_bytes());
    } else {
        out.push(0xd3);
        out.extend_from_slice(&v.to_be_bytes());
    }
}

/// Writes a string minimally.
pub fn write_str(s: &str, out: &mut Vec<u8>) {
    let n = s.len();
    if n < 32 {
        out.push(0xa0 | n as u8);
    } else if n < 256 {
        out.extend_from_slice(&[0xd9, n as u8]);
    } else if n < 65536 {
        out.push(0xda);
        out.extend_from_slice(&(n as u16).to_be_bytes());
    } else {
        out.push(0xdb);
        out.extend_from_slice(&(n as u32).to_be_bytes());
    }
    out.extend_from_slice(s.as_bytes());
}

/// Writes a byte array minimally (bin 8, 16 or 32).
pub fn write_bin(b: &[u8], out: &mut Vec<u8>) {
    write_bin_header(b.len(), out);
    out.extend_from_slice(b);
}

/// Writes the header of a byte array of `n` bytes (bin 8, 16 or 32), for a caller that appends
/// the bytes itself.
pub fn write_bin_header(n: usize, out: &mut Vec<u8>) {
    if n < 256 {
        out.extend_from_slice(&[0xc4, n as u8]);
    } else if n < 65536 {
        out.push(0xc5);
        out.extend_from_slice(&(n as u16).to_be_bytes());
    } else {
        out.push(0xc6);
        out.extend_from_slice(&(n as u32).to_be_bytes());
    }
}

/// Writes an array header minimally.
pub fn write_array_len(n: usize, out: &mut Vec<u8>) {
    if n < 16 {
        out.push(0x90 | n as u8);
    } else if n < 65536 {
        out.push(0xdc);
        out.extend_from_slice(&(n as u16).to_be_bytes());
    } else {
        out.push(0xdd);
        out.extend_from_slice(&(n as u32).to_be_bytes());
    }
}

/// Writes a map header minimally.
pub fn write_map_len(n: usize, out: &mut Vec<u8>) {
    if n < 16 {
        out.push(0x80 | n as u8);
    } else if n < 65536 {
        out.push(0xde);
        out.extend_from_slice(&(n as u16).to_be_bytes());
    } else {
        out.push(0xdf);
        out.extend_from_slice(&(n as u32).to_be_bytes());
    }
}

pub(crate) fn to_hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from_digit(u32::from(b >> 4), 16).unwrap_or('0'));
        s.push(char::from_digit(u32::from(b & 15), 16).unwrap_or('0'));
    }
    s
}

pub(crate) fn from_hex(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }
    (0..text.len() / 2)
        .map(|i| u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok())
        .collect()
}

// ---- readable JSON form -------------------------------------------------------------------

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        fn tagged<S: Serializer, T: Serialize + ?Sized>(
            serializer: S,
            tag: &str,
            value: &T,
        ) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(Some(1))?;
            map.serialize_entry(tag, value)?;
            map.end()
        }
        match self {
            Value::Nil => serializer.serialize_unit(),
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::UInt(v) => serializer.serialize_u64(*v),
            Value::Int(v) => serializer.serialize_i64(*v),
            Value::F32(v) => tagged(serializer, "$float32", &FloatForm::F32(*v)),
            Value::F64(v) if v.is_finite() => serializer.serialize_f64(*v),
            Value::F64(v) => tagged(serializer, "$float64", &FloatForm::F64(*v)),
            Value::Str(s) => serializer.serialize_str(s),
            Value::Bin(b) => tagged(serializer, "$bin", &to_hex(b)),
            Value::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Value::Map(entries) => {
                // A JSON object only when its keys are distinct strings that cannot be read as tags.
                let plain = entries.iter().enumerate().all(|(i, (k, _))| {
                    matches!(k, Value::Str(s) if !s.starts_with('$')) && !entries[..i].iter().any(|(e, _)| e == k)
                });
                if plain {
                    let mut map = serializer.serialize_map(Some(entries.len()))?;
                    for (k, v) in entries {
                        map.serialize_entry(k.as_str().unwrap_or_default(), v)?;
                    }
                    map.end()
                } else {
                    let pairs: Vec<[&Value; 2]> = entries.iter().map(|(k, v)| [k, v]).collect();
                    tagged(serializer, "$map", &pairs)
                }
            }
            Value::Ext(kind, data) => {
                #[derive(Serialize)]
                struct Ext<'a> {
                    r#type: i8,
                    data: &'a str,
                }
                tagged(
                    serializer,
                    "$ext",
                    &Ext {
                        r#type: *kind,
                        data: &to_hex(data),
                    },
                )
            }
        }
    }
}

/// A float written as a JSON number when finite, else as "Infinity", "-Infinity", "NaN" (the
/// canonical quiet NaN) or "NaN:<hex bits>" (any other NaN: sign and payload kept) (HUB-3.3).
enum FloatForm {
    F64(f64),
    F32(f32),
}

impl Serialize for FloatForm {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (wide, nan_text) = match *self {
            FloatForm::F64(v) => (
                v,
                (v.to_bits() != f64::NAN.to_bits()).then(|| format!("NaN:{:016x}", v.to_bits())),
            ),
            FloatForm::F32(v) => (
                f64::from(v),
                (v.to_bits() != f32::NAN.to_bits()).then(|| format!("NaN:{:08x}", v.to_bits())),
            ),
        };
        if wide.is_nan() {
            serializer.serialize_str(nan_text.as_deref().unwrap_or("NaN"))
        } else if wide.is_infinite() {
            serializer.serialize_str(if wide > 0.0 { "Infinity" } else { "-Infinity" })
        } else {
            serializer.serialize_f64(wide)
        }
    }
}

const FLOAT_FORMS: &str = "a float must be a number, \"Infinity\", \"-Infinity\", \"NaN\" or \"NaN:<hex bits>\"";

fn float_from_json<E: de::Error>(value: &Value) -> Result<f64, E> {
    match value {
        Value::F64(v) => Ok(*v),
        Value::UInt(v) => Ok(*v as f64),
        Value::Int(v) => Ok(*v as f64),
        Value::Str(s) if s == "NaN" => Ok(f64::NAN),
        Value::Str(s) if s == "Infinity" => Ok(f64::INFINITY),
        Value::Str(s) if s == "-Infinity" => Ok(f64::NEG_INFINITY),
        Value::Str(s) => s
            .strip_prefix("NaN:")
            .filter(|h| h.len() == 16)
            .and_then(|h| u64::from_str_radix(h, 16).ok())
            .map(f64::from_bits)
            .filter(|v| v.is_nan())
            .ok_or_else(|| E::custom(FLOAT_FORMS)),
        _ => Err(E::custom(FLOAT_FORMS)),
    }
}

fn float32_from_json<E: de::Error>(value: &Value) -> Result<f32, E> {
    match value {
        Value::Str(s) if s.starts_with("NaN:") => s
            .strip_prefix("NaN:")
            .filter(|h| h.len() == 8)
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .map(f32::from_bits)
            .filter(|v| v.is_nan())
            .ok_or_else(|| E::custom(FLOAT_FORMS)),
        Value::Str(s) if s == "NaN" => Ok(f32::NAN),
        other => float_from_json::<E>(other).map(|v| v as f32),
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the readable form of a MessagePack value")
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Nil)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Nil)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::UInt(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::int(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::F64(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut entries: Vec<(String, Value)> = Vec::new();
        while let Some((key, value)) = access.next_entry::<String, Value>()? {
            if entries.iter().any(|(k, _)| *k == key) {
                return Err(de::Error::custom(format!("duplicate key {key:?}")));
            }
            entries.push((key, value));
        }
        if let [(tag, inner)] = entries.as_slice()
            && tag.starts_with('$')
        {
            return tagged_value(tag, inner);
        }
        if let Some((key, _)) = entries.iter().find(|(k, _)| k.starts_with('$')) {
            return Err(de::Error::custom(format!(
                "key {key:?}: keys starting with '$' are tags; write such maps as {{\"$map\": [[key, value], ...]}}"
            )));
        }
        Ok(Value::Map(
            entries.into_iter().map(|(k, v)| (Value::Str(k), v)).collect(),
        ))
    }
}

fn tagged_value<E: de::Error>(tag: &str, inner: &Value) -> Result<Value, E> {
    match tag {
        "$bin" => match inner {
            Value::Str(hex) => from_hex(hex)
                .map(Value::Bin)
                .ok_or_else(|| E::custom("$bin must be hex")),
            _ => Err(E::custom("$bin must be a hex string")),
        },
        "$float32" => Ok(Value::F32(float32_from_json::<E>(inner)?)),
        "$float64" => Ok(Value::F64(float_from_json::<E>(inner)?)),
        "$map" => match inner {
            Value::Array(pairs) => pairs
                .iter()
                .map(|pair| match pair {
                    Value::Array(kv) if kv.len() == 2 => Ok((kv[0].clone(), kv[1].clone())),
                    _ => Err(E::custom("$map entries must be [key, value] pairs")),
                })
                .collect::<Result<Vec<_>, E>>()
                .map(Value::Map),
            _ => Err(E::custom("$map must be an array of [key, value] pairs")),
        },
        "$ext" => match inner {
            Value::Map(fields) => {
                let get = |name: &str| fields.iter().find(|(k, _)| k.as_str() == Some(name)).map(|(_, v)| v);
                let kind = get("type").and_then(Value::as_i64).and_then(|k| i8::try_from(k).ok());
                let data = get("data").and_then(Value::as_str).and_then(from_hex);
                match (kind, data, fields.len()) {
                    (Some(kind), Some(data), 2) => Ok(Value::Ext(kind, data)),
                    _ => Err(E::custom("$ext must be {\"type\": -128..127, \"data\": hex}")),
                }
            }
            _ => Err(E::custom("$ext must be {\"type\": n, \"data\": hex}")),
        },
        other => Err(E::custom(format!(
            "unknown tag {other:?} (known: $bin, $float32, $float64, $map, $ext)"
        ))),
    }
}

// ---- plain JSON (the JSON hub protocol: no tags) --------------------------------------------

/// A value read from plain JSON: objects become maps with string keys, nothing is a tag.
pub(crate) struct Plain(pub Value);

impl<'de> Deserialize<'de> for Plain {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PlainVisitor;
        impl<'de> Visitor<'de> for PlainVisitor {
            type Value = Plain;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_unit<E>(self) -> Result<Plain, E> {
                Ok(Plain(Value::Nil))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Plain, E> {
                Ok(Plain(Value::Bool(v)))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Plain, E> {
                Ok(Plain(Value::UInt(v)))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Plain, E> {
                Ok(Plain(Value::int(v)))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Plain, E> {
                Ok(Plain(Value::F64(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Plain, E> {
                Ok(Plain(Value::Str(v.to_owned())))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Plain, A::Error> {
                let mut items = Vec::new();
                while let Some(Plain(item)) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Plain(Value::Array(items)))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Plain, A::Error> {
                let mut entries = Vec::new();
                while let Some((key, Plain(value))) = access.next_entry::<String, Plain>()? {
                    entries.push((Value::Str(key), value));
                }
                Ok(Plain(Value::Map(entries)))
            }
        }
        deserializer.deserialize_any(PlainVisitor)
    }
}

/// A value written as plain JSON; fails for what plain JSON cannot carry.
pub(crate) struct PlainRef<'a>(pub &'a Value);

impl Serialize for PlainRef<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::Error;
        match self.0 {
            Value::Nil => serializer.serialize_unit(),
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::UInt(v) => serializer.serialize_u64(*v),
            Value::Int(v) => serializer.serialize_i64(*v),
            Value::F32(v) if v.is_finite() => serializer.serialize_f64(f64::from(*v)),
            Value::F64(v) if v.is_finite() => serializer.serialize_f64(*v),
            Value::F32(_) | Value::F64(_) => Err(S::Error::custom("a non-finite float")),
            Value::Str(s) => serializer.serialize_str(s),
            Value::Bin(_) => Err(S::Error::custom("a byte array (bin)")),
            Value::Ext(..) => Err(S::Error::custom("an extension value (ext)")),
            Value::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&PlainRef(item))?;
                }
                seq.end()
            }
            Value::Map(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    let Value::Str(k) = k else {
                        return Err(S::Error::custom("a map with a key that is not a string"));
                    };
                    map.serialize_entry(k, &PlainRef(v))?;
                }
                map.end()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(bytes: &[u8]) {
        let mut pos = 0;
        let value = read_value(bytes, &mut pos).expect("reads");
        assert_eq!(pos, bytes.len());
        let json = serde_json::to_string(&value).unwrap();
        let back: Value = serde_json::from_str(&json).unwrap();
        let mut out = Vec::new();
        write_value(&back, &mut out);
        assert_eq!(out, bytes, "{json}");
    }

    #[test]
    fn minimal_encodings_round_trip_through_the_readable_form() {
        // HUB-3.2, HUB-3.3
        for hex in [
            "c0",
            "c2",
            "c3",
            "00",
            "7f",
            "cc80",
            "cdffff",
            "ceffffffff",
            "cfffffffffffffffff",
            "ff",
            "e0",
            "d0df",
            "d18000",
            "d280000000",
            "d38000000000000000",
            "a0",
            "a3616263",
            "d920",
            "c40101",
            "c50100",
            "ca3fc00000",
            "cb4000000000000000",
            "cb7ff8000000000000",
            "90",
            "9301c0a178",
            "80",
            "81a161c3",
            "8201c0a162c2",
            "d40102",
            "c7030501020a",
        ] {
            let mut bytes = from_hex(hex).unwrap();
            if hex == "d920" {
                bytes.extend(std::iter::repeat_n(b'x', 32));
            }
            if hex == "c50100" {
                bytes.extend(std::iter::repeat_n(7u8, 256));
            }
            round_trip(&bytes);
        }
    }

    #[test]
    fn readable_form_keeps_types_apart() {
        // HUB-3.3: bin versus str, float32 versus float64, map order, integer width.
        let value = Value::Array(vec![
            Value::Bin(vec![1, 2]),
            Value::str("0102"),
            Value::F32(1.5),
            Value::F64(2.0),
            Value::UInt(u64::MAX),
            Value::Int(i64::MIN),
            Value::Map(vec![
                (Value::str("b"), Value::Nil),
                (Value::str("a"), Value::Bool(true)),
            ]),
            Value::Map(vec![(Value::UInt(1), Value::Nil)]),
            Value::Map(vec![(Value::str("$bin"), Value::Nil)]),
        ]);
        let json = serde_json::to_string(&value).unwrap();
        assert_eq!(
            json,
            r#"[{"$bin":"0102"},"0102",{"$float32":1.5},2.0,18446744073709551615,-9223372036854775808,{"b":null,"a":true},{"$map":[[1,null]]},{"$map":[["$bin",null]]}]"#
        );
        assert_eq!(serde_json::from_str::<Value>(&json).unwrap(), value);
    }

    #[test]
    fn nan_payloads_and_signs_survive_the_readable_form() {
        // HUB-3.3: found by the hub fuzz target; every float's bits round-trip.
        for bits in [
            0x7ff8_0000_0000_0000u64,
            0x7ff8_0000_0800_0000,
            0xfff8_0000_0000_0001,
            0x7ff0_0000_0000_0001,
        ] {
            let value = Value::F64(f64::from_bits(bits));
            let back: Value = serde_json::from_str(&serde_json::to_string(&value).unwrap()).unwrap();
            let Value::F64(v) = back else { panic!() };
            assert_eq!(v.to_bits(), bits);
        }
        let value = Value::F32(f32::from_bits(0xffc0_0001));
        let json = serde_json::to_string(&value).unwrap();
        assert_eq!(json, r#"{"$float32":"NaN:ffc00001"}"#);
        let Value::F32(v) = serde_json::from_str::<Value>(&json).unwrap() else {
            panic!()
        };
        assert_eq!(v.to_bits(), 0xffc0_0001);
        // Floats parse with correct rounding (serde_json's float_roundtrip).
        let big = Value::F64(9.947680243789734e299);
        let Value::F64(v) = serde_json::from_str::<Value>(&serde_json::to_string(&big).unwrap()).unwrap() else {
            panic!()
        };
        assert_eq!(v.to_bits(), 9.947680243789734e299f64.to_bits());
    }

    #[test]
    fn malformed_values_are_errors_with_offsets() {
        // HUB-3.1
        let cases: [(&str, ValueError, usize); 5] = [
            ("c1", ValueError::NeverUsed, 0),
            ("a3 6162", ValueError::Truncated { needed: 1 }, 3),
            ("dcffff", ValueError::Truncated { needed: 65535 }, 3),
            ("a2c328", ValueError::InvalidUtf8, 1),
            ("cd01", ValueError::Truncated { needed: 1 }, 2),
        ];
        for (hex, error, offset) in cases {
            let bytes = from_hex(&hex.replace(' ', "")).unwrap();
            assert_eq!(read_value(&bytes, &mut 0), Err((error, offset)), "{hex}");
        }
        let deep = vec![0x91u8; 1000];
        assert!(matches!(read_value(&deep, &mut 0), Err((ValueError::TooDeep(_), _))));
    }
}
