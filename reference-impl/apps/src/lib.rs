//! Demo apps written against `brasa-render`: each is a root component a host can mount.
//!
//! * [`counter::Counter`]: a button and a count.
//! * [`todo::TodoList`]: a keyed to-do list with add, toggle, move up and remove.
//! * [`form::SignupForm`]: a form with inputs bound to state, a select and a checkbox.
//! * [`nested::Dashboard`]: nested components with parameters, child content and callbacks.
//! * [`jsfb::Bench`]: the js-framework-benchmark table.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod counter;
pub mod form;
pub mod jsfb;
pub mod nested;
pub mod todo;

use brasa_render::{ComponentId, Renderer};

/// The event handler ids of the attributes named `name` in a component's current render tree,
/// in document order (what a browser would send back for them).
pub fn event_handler_ids(renderer: &Renderer, component_id: ComponentId, name: &str) -> Vec<u64> {
    renderer
        .current_render_tree(component_id)
        .unwrap_or_default()
        .iter()
        .filter(|frame| frame.attribute().is_some_and(|(n, _)| n == name) && frame.event_handler_id() != 0)
        .map(|frame| frame.event_handler_id())
        .collect()
}

#[cfg(test)]
pub(crate) mod test_support {
    use brasa_protocol::render_batch::{RenderBatch, decode};
    use brasa_render::Batch;

    /// Encodes the batch, decodes the bytes with the protocol crate's reader and checks the
    /// round trip.
    pub fn decoded(batch: &Batch) -> RenderBatch {
        let bytes = batch.encode().expect("encodable");
        let decoded = decode(&bytes).expect("the batch decodes");
        assert_eq!(decoded, batch.to_render_batch());
        decoded
    }
}
