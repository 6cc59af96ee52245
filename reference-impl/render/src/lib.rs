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
