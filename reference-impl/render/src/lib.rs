//! Brasa's reference renderer: a component model, a render-tree builder and Blazor's diff
//! algorithm, producing render batches byte-identical to ASP.NET Core 10's.
//!
//! * [`Component`]: state + parameters + a render function; [`RenderTreeBuilder`] writes its tree
//!   with Blazor's frame kinds and sequence numbers.
//! * [`Renderer`]: owns components, queues renders, diffs trees into a [`Batch`] (encode it with
//!   [`Batch::encode`]), dispatches events by event handler id, disposes components.
//! * [`render_tree_sequence`]: the harness for `reference/diff-cases/`.
//!
//! Sans-IO: no I/O, no clock, no threads; builds for `wasm32-unknown-unknown`. Comments marked
//! `rule:` state the Blazor behaviour the code reproduces.
//!
//! ```
//! use brasa_protocol::render_batch::{Edit, Frame, decode};
//! use brasa_render::{Component, EventArgs, EventHandler, RenderTreeBuilder, Renderer};
//!
//! #[derive(Default)]
//! struct Counter {
//!     count: i32,
//! }
//!
//! impl Component for Counter {
//!     fn render(&self, b: &mut RenderTreeBuilder<'_>) {
//!         b.open_element(0, "button");
//!         b.add_attribute(1, "onclick", EventHandler::new(|c: &mut Counter, _: &EventArgs| c.count += 1));
//!         b.add_content(2, self.count.to_string());
//!         b.close_element();
//!     }
//! }
//!
//! let mut renderer = Renderer::new();
//! let root = renderer.add_root_component(Counter::default());
//! let first = decode(&renderer.render_root_component(root).unwrap().unwrap().encode().unwrap()).unwrap();
//! assert_eq!(first.updated_components[0].edits, [Edit::PrependFrame { sibling_index: 0, reference_frame_index: 0 }]);
//!
//! // The button's handler, by the id the batch gave it; the click re-renders and diffs.
//! let Frame::Attribute { event_handler_id, .. } = first.reference_frames[1] else { panic!() };
//! let batch = renderer.dispatch_event(event_handler_id, &EventArgs::Empty).unwrap().unwrap();
//! let click = decode(&batch.encode().unwrap()).unwrap();
//! assert_eq!(
//!     click.updated_components[0].edits,
//!     [Edit::StepIn { sibling_index: 0 }, Edit::UpdateText { sibling_index: 0, reference_frame_index: 0 }, Edit::StepOut]
//! );
//! assert_eq!(click.reference_frames, [Frame::Text { content: "1".to_owned() }]);
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod bindings;
mod builder;
mod cascading;
pub mod cases;
mod diff;
mod event;
mod frame;
mod renderer;
pub mod runtime;
mod str;

pub use builder::{BuildError, RenderTreeBuilder};
pub use cascading::CascadingValue;
pub use cases::{CaseError, render_tree_sequence};
pub use event::{ChangeValue, DispatchEventError, EventArgs, EventFieldInfo, NamedEventError, RenderError};
pub use frame::{
    AttributeValue, ComponentId, ComponentType, ElementReference, EventHandler, ImmutableValue, Key, RenderFragment,
    RenderFrame,
};
pub use renderer::{AsAny, Batch, Component, NamedEventChange, NamedEventChangeType, ParameterView, Renderer};
pub use runtime::Runtime;
pub use str::Str;

#[cfg(test)]
mod tests;
