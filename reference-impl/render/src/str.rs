//! [`Str`]: the cheaply cloned, immutable string that frames, keys and batches carry.

use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

/// The longest string kept inline (in the `Str` itself, without an allocation).
const INLINE_CAPACITY: usize = 23;

/// An immutable string that clones in O(1) without allocating: a `&'static str` (element and
/// attribute names written in component code), a short string stored inline (up to 23 bytes:
/// numbers, most text computed at render time), or a shared `Arc<str>` (longer text).
/// Equality, ordering and hashing are by content.
#[derive(Clone)]
pub struct Str(Repr);

#[derive(Clone)]
enum Repr {
    Static(&'static str),
    Inline(Inline),
    Shared(Arc<str>),
}

/// Up to `INLINE_CAPACITY` bytes of UTF-8; the bytes after `len` are zero. It fills the whole
/// `Str` (24 bytes), and the values `len` cannot take tell the other representations apart, so
/// an inline string has no separate tag and is copied as plain bytes.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Inline {
    len: Len,
    bytes: [u8; INLINE_CAPACITY],
}

/// An inline string's length, `0..=INLINE_CAPACITY`.
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
#[rustfmt::skip]
enum Len {
    L0, L1, L2, L3, L4, L5, L6, L7, L8, L9, L10, L11, L12, L13, L14, L15, L16, L17, L18, L19, L20,
    L21, L22, L23,
}

#[rustfmt::skip]
const LENS: [Len; INLINE_CAPACITY + 1] = [
    Len::L0, Len::L1, Len::L2, Len::L3, Len::L4, Len::L5, Len::L6, Len::L7, Len::L8, Len::L9,
    Len::L10, Len::L11, Len::L12, Len::L13, Len::L14, Len::L15, Len::L16, Len::L17, Len::L18,
    Len::L19, Len::L20, Len::L21, Len::L22, Len::L23,
];

impl Inline {
    /// Room for `len` bytes (`len <= INLINE_CAPACITY`), all zero.
    fn zeroed(len: usize) -> Inline {
        Inline {
            len: LENS[len],
            bytes: [0; INLINE_CAPACITY],
        }
    }

    #[inline]
    fn len(&self) -> usize {
        self.len as usize
    }

    /// `bytes` must be UTF-8.
    fn from_utf8_bytes(bytes: &[u8]) -> Option<Inline> {
        let len = bytes.len();
        if len > INLINE_CAPACITY {
            return None;
        }
        let mut inline = Inline::zeroed(len);
        inline.bytes[..len].copy_from_slice(bytes);
        Some(inline)
    }

    fn new(text: &str) -> Option<Inline> {
        Inline::from_utf8_bytes(text.as_bytes())
    }

    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len()]
    }

    fn as_str(&self) -> &str {
        // Only ever built from a `&str`, so always valid.
        std::str::from_utf8(self.as_bytes()).expect("inline strings hold UTF-8")
    }
}

impl Str {
    /// The empty string.
    pub const EMPTY: Str = Str(Repr::Static(""));

    /// A string borrowing static text; no allocation.
    pub const fn from_static(text: &'static str) -> Self {
        Str(Repr::Static(text))
    }

    /// A string holding a copy of `text` (inline if short, otherwise in a new shared allocation).
    pub fn copy_from(text: &str) -> Self {
        match Inline::new(text) {
            Some(inline) => Str(Repr::Inline(inline)),
            None => Str(Repr::Shared(Arc::from(text))),
        }
    }

    /// The concatenation of `parts` (inline if short, otherwise in one new shared allocation).
    pub fn concat(parts: &[&str]) -> Self {
        let len: usize = parts.iter().map(|part| part.len()).sum();
        if len <= INLINE_CAPACITY {
            let mut inline = Inline::zeroed(len);
            let mut at = 0;
            for part in parts {
                inline.bytes[at..at + part.len()].copy_from_slice(part.as_bytes());
                at += part.len();
            }
            return Str(Repr::Inline(inline));
        }
        let mut buffer = [0u8; 128];
        if len <= buffer.len() {
            // Straight into the shared allocation, without a `String` in between.
            let mut at = 0;
            for part in parts {
                buffer[at..at + part.len()].copy_from_slice(part.as_bytes());
                at += part.len();
            }
            if let Ok(text) = std::str::from_utf8(&buffer[..len]) {
                return Str(Repr::Shared(Arc::from(text)));
            }
        }
        Str(Repr::Shared(Arc::from(parts.concat())))
    }

    /// The text.
    #[inline]
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Static(text) => text,
            Repr::Inline(inline) => inline.as_str(),
            Repr::Shared(text) => text,
        }
    }

    /// The text's bytes (without re-checking an inline string's UTF-8, unlike [`Self::as_str`]).
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            Repr::Static(text) => text.as_bytes(),
            Repr::Inline(inline) => inline.as_bytes(),
            Repr::Shared(text) => text.as_bytes(),
        }
    }

    /// The length in bytes.
    #[inline]
    pub fn len(&self) -> usize {
        match &self.0 {
            Repr::Static(text) => text.len(),
            Repr::Inline(inline) => inline.len(),
            Repr::Shared(text) => text.len(),
        }
    }

    /// Whether the string is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Default for Str {
    fn default() -> Self {
        Str::EMPTY
    }
}

impl Deref for Str {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Str {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Str {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for Str {
    #[inline(always)]
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Repr::Inline(a), Repr::Inline(b)) => a == b,
            // The same text from the same place in the code, or the same shared allocation.
            (Repr::Static(a), Repr::Static(b)) if std::ptr::eq(*a, *b) => true,
            (Repr::Shared(a), Repr::Shared(b)) if Arc::ptr_eq(a, b) => true,
            _ => self.eq_bytes(other),
        }
    }
}

impl Str {
    #[inline(never)]
    fn eq_bytes(&self, other: &Str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Str {}

impl PartialEq<str> for Str {
    fn eq(&self, other: &str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<&str> for Str {
    fn eq(&self, other: &&str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialOrd for Str {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Str {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        // Byte order is `str`'s order.
        self.as_bytes().cmp(other.as_bytes())
    }
}

impl Hash for Str {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // As `str` hashes (its bytes, then 0xFF), so that lookups by `&str` find a `Str` key.
        state.write(self.as_bytes());
        state.write_u8(0xff);
    }
}

impl fmt::Debug for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&'static str> for Str {
    fn from(text: &'static str) -> Self {
        Str::from_static(text)
    }
}

impl From<String> for Str {
    fn from(text: String) -> Self {
        match Inline::new(&text) {
            Some(inline) => Str(Repr::Inline(inline)),
            None => Str(Repr::Shared(Arc::from(text))),
        }
    }
}

impl From<&String> for Str {
    fn from(text: &String) -> Self {
        Str::copy_from(text)
    }
}

impl From<Box<str>> for Str {
    fn from(text: Box<str>) -> Self {
        match Inline::new(&text) {
            Some(inline) => Str(Repr::Inline(inline)),
            None => Str(Repr::Shared(Arc::from(text))),
        }
    }
}

impl From<Arc<str>> for Str {
    fn from(text: Arc<str>) -> Self {
        Str(Repr::Shared(text))
    }
}

impl From<&Str> for Str {
    fn from(text: &Str) -> Self {
        text.clone()
    }
}

impl From<char> for Str {
    fn from(c: char) -> Self {
        Str::copy_from(c.encode_utf8(&mut [0; 4]))
    }
}

impl From<Str> for String {
    fn from(text: Str) -> Self {
        text.as_str().to_owned()
    }
}

/// The decimal text of an integer (its `ToString()`), written without an allocation.
fn integer(negative: bool, mut magnitude: u128) -> Str {
    let mut digits = [0u8; 40];
    let mut start = digits.len();
    while magnitude > u64::MAX as u128 {
        start -= 1;
        digits[start] = b'0' + (magnitude % 10) as u8;
        magnitude /= 10;
    }
    // The common case in 64-bit arithmetic (128-bit division is a library call).
    let mut magnitude = magnitude as u64;
    loop {
        start -= 1;
        digits[start] = b'0' + (magnitude % 10) as u8;
        magnitude /= 10;
        if magnitude == 0 {
            break;
        }
    }
    if negative {
        start -= 1;
        digits[start] = b'-';
    }
    match Inline::from_utf8_bytes(&digits[start..]) {
        Some(inline) => Str(Repr::Inline(inline)),
        None => Str::copy_from(std::str::from_utf8(&digits[start..]).expect("ASCII digits")),
    }
}

macro_rules! str_from_integer {
    ($($t:ty),*) => {$(
        /// The value's text (`AddContent(sequence, object)` writes `value.ToString()`).
        impl From<$t> for Str {
            #[allow(unused_comparisons)]
            fn from(value: $t) -> Self {
                integer(value < 0, (value as i128).unsigned_abs())
            }
        }
    )*};
}
str_from_integer!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

impl From<i128> for Str {
    /// The value's text (`AddContent(sequence, object)` writes `value.ToString()`).
    fn from(value: i128) -> Self {
        integer(value < 0, value.unsigned_abs())
    }
}

impl From<u128> for Str {
    /// The value's text (`AddContent(sequence, object)` writes `value.ToString()`).
    fn from(value: u128) -> Self {
        integer(false, value)
    }
}

macro_rules! str_from_display {
    ($($t:ty),*) => {$(
        /// The value's text (`AddContent(sequence, object)` writes `value.ToString()`).
        impl From<$t> for Str {
            fn from(value: $t) -> Self {
                Str::from(value.to_string())
            }
        }
    )*};
}
str_from_display!(f32, f64);

#[cfg(test)]
mod tests {
    use super::Str;

    #[test]
    fn integers_and_representations() {
        for (value, text) in [
            (0i64, "0"),
            (7, "7"),
            (-7, "-7"),
            (14001, "14001"),
            (i64::MIN, "-9223372036854775808"),
        ] {
            assert_eq!(Str::from(value), text);
            assert_eq!(Str::from(value).as_str(), value.to_string());
        }
        assert_eq!(Str::from(u64::MAX).as_str(), u64::MAX.to_string());
        assert_eq!(Str::from(u128::MAX).as_str(), u128::MAX.to_string());
        assert_eq!(Str::from(i128::MIN).as_str(), i128::MIN.to_string());
        assert_eq!(Str::from(u8::MAX).as_str(), "255");
        assert_eq!(Str::from('é').as_str(), "é");
        let long = "inexpensive orange keyboard !!!";
        let short = "pretty red table";
        assert_eq!(Str::from(long.to_owned()), Str::from(long));
        assert_eq!(Str::from(short.to_owned()), Str::from(short));
        assert_eq!(Str::copy_from(short), Str::from(std::sync::Arc::<str>::from(short)));
        assert_ne!(Str::copy_from(short), Str::copy_from("pretty red tables"));
        let (a, b) = (Str::copy_from("a"), Str::from("b"));
        assert!(a < b);
        let mut set = std::collections::HashSet::new();
        set.insert(Str::copy_from(short));
        assert!(set.contains(short));
        assert_eq!(std::mem::size_of::<Str>(), 24);
        assert_eq!(Str::concat(&["pretty", " ", "red", " ", "table"]), "pretty red table");
        assert_eq!(
            Str::concat(&["inexpensive", " ", "orange", " ", "keyboard"]),
            "inexpensive orange keyboard"
        );
        assert_eq!(Str::concat(&[]), "");
    }
}
