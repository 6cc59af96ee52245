//! [`Str`]: the cheaply cloned, immutable string that frames, keys and batches carry.

use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

/// An immutable string that clones in O(1): either a `&'static str` (element and attribute
/// names written in component code: no allocation) or a shared `Arc<str>` (text computed at
/// render time). Equality, ordering and hashing are by content.
#[derive(Clone)]
pub struct Str(Repr);

#[derive(Clone)]
enum Repr {
    Static(&'static str),
    Shared(Arc<str>),
}

impl Str {
    /// The empty string.
    pub const EMPTY: Str = Str(Repr::Static(""));

    /// A string borrowing static text; no allocation.
    pub const fn from_static(text: &'static str) -> Self {
        Str(Repr::Static(text))
    }

    /// A string holding a copy of `text`.
    pub fn copy_from(text: &str) -> Self {
        Str(Repr::Shared(Arc::from(text)))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Static(text) => text,
            Repr::Shared(text) => text,
        }
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
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Str {}

impl PartialEq<str> for Str {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Str {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialOrd for Str {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Str {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for Str {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
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
        Str(Repr::Shared(Arc::from(text)))
    }
}

impl From<&String> for Str {
    fn from(text: &String) -> Self {
        Str::copy_from(text)
    }
}

impl From<Box<str>> for Str {
    fn from(text: Box<str>) -> Self {
        Str(Repr::Shared(Arc::from(text)))
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
        Str::from(c.to_string())
    }
}

impl From<Str> for String {
    fn from(text: Str) -> Self {
        text.as_str().to_owned()
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
str_from_display!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, f32, f64);
