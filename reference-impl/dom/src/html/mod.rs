//! HTML text in and out: the fragment parser for markup frames and the serialiser for `innerHTML`.

pub(crate) mod entities;
pub(crate) mod names;
pub(crate) mod parse;
pub(crate) mod serialize;
