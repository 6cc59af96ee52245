//! Brasa's reference DOM model: applies render batches exactly as Blazor's browser client
//! (`blazor.web.js` of ASP.NET Core 10) does, and serialises the result as Chromium does.
//!
//! ```
//! use brasa_dom::Document;
//! use brasa_protocol::render_batch::{Diff, Edit, Frame, RenderBatch};
//!
//! let batch = RenderBatch {
//!     updated_components: vec![Diff {
//!         component_id: 0,
//!         edits: vec![Edit::PrependFrame { sibling_index: 0, reference_frame_index: 0 }],
//!     }],
//!     reference_frames: vec![
//!         Frame::Element { subtree_length: 3, name: "button".into() },
//!         Frame::Attribute { name: "onclick".into(), value: None, event_handler_id: 7 },
//!         Frame::Text { content: "Click & see".into() },
//!     ],
//!     ..Default::default()
//! };
//! let mut document = Document::with_root_component(0);
//! document.apply_batch(&batch).unwrap();
//! assert_eq!(document.inner_html(), "<!--!--><button>Click &amp; see</button>");
//! let handlers = document.handlers();
//! assert_eq!((handlers[0].event_name.as_str(), handlers[0].event_handler_id), ("click", 7));
//! ```
//!
//! What the model reproduces:
//! - **Logical containers.** A component's or a markup block's output gets no element: a
//!   comment (`<!--!-->`) is its container and its nodes follow the comment as DOM siblings.
//!   Sibling indexes count logical children, so nested containers count as one child each.
//! - **Edits** with the client's index arithmetic, step-in/step-out, and permutation lists
//!   applied in its four phases (note ranges, place markers, move, update the logical children).
//! - **Frames**: elements (SVG namespace under `<svg>`, HTML again under `foreignObject`),
//!   text, components, regions (flattened), markup (parsed as `template.innerHTML` parses it, or
//!   as SVG content under an SVG parent), element reference captures (`_bl_<id>` attributes).
//! - **Attributes**: event handler attributes register a listener and are not set; `value` and
//!   `checked` are properties on form controls (which an `<input type=hidden>` and friends
//!   write through to the attribute, as browsers do); `__internal_stopPropagation_on*` and
//!   `__internal_preventDefault_on*` set flags; a null value removes the attribute; names are
//!   lower-cased on HTML elements and checked as `setAttribute` checks them.
//! - **Disposal**: disposed components lose their container (a root component's is emptied),
//!   disposed event handler ids leave the registry.
//!
//! What it rejects, with an [`ApplyError`] naming the batch, diff, component, edit and edit
//! type: everything the browser's client would throw on (an edit past the children, SetAttribute
//! on a non-element, an unknown component, an event attribute not starting with `on`, a handler
//! id registered twice, a bad element or attribute name, ...), and what it would silently get
//! wrong (a PrependFrame past the end, stepping into a non-element, StepOut above the
//! component, a list of moves that is not a permutation, a diff for a removed component).
//!
//! Serialisation is Chromium's (the recorded snapshots come from Chromium 156): `&amp; &lt;
//! &gt; &nbsp;` in text, `&amp; &quot; &lt; &gt; &nbsp;` in attribute values (`<` and `>` since
//! Chromium 138), void elements without end tag or content, raw text elements unescaped,
//! `<template>` by its content (so children the client appends to a `<template>` do not show).
//!
//! Not modelled: the HTML parser's adoption agency, foster parenting and active formatting
//! reconstruction (markup frames come from Razor, which emits well-formed HTML); value
//! sanitisation of typed inputs (`number`, `color`, ...); the select's default selectedness when
//! no option is selected; focus restoration and scrolling, which leave no trace in the DOM.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod apply;
mod document;
mod error;
mod events;
mod form;
mod html;
mod logical;
mod node;
#[cfg(test)]
mod tests;

pub use document::{Dispatch, Document, EventHandler, RootContainer};
pub use error::{ApplyError, AttachError, EditError};
pub use node::{Attribute, ContainerRole, Namespace, NodeId, NodeKind};

/// Applies the batches in order to an empty document whose root component 0 is attached to a
/// root element (as Blazor Web attaches an interactive root component, [`RootContainer::Comment`]),
/// and returns the root element's content serialised as `innerHTML`: the `<!--!-->` marker of
/// component 0, then its output.
pub fn apply_to_html(batches: &[Vec<u8>]) -> Result<String, ApplyError> {
    let mut document = Document::with_root_component(0);
    for bytes in batches {
        document.apply_bytes(bytes)?;
    }
    Ok(document.inner_html())
}
