//! The counter: a paragraph with the count and a button that increments it.

use brasa_render::{Component, EventArgs, EventHandler, RenderTreeBuilder};

/// The counter component.
#[derive(Debug, Default)]
pub struct Counter {
    /// Clicks so far.
    pub count: i32,
}

impl Counter {
    fn increment(&mut self, _: &EventArgs) {
        self.count += 1;
    }
}

impl Component for Counter {
    fn render(&self, b: &mut RenderTreeBuilder<'_>) {
        b.open_element(0, "h1");
        b.add_content(1, "Counter");
        b.close_element();
        b.open_element(2, "p");
        b.add_attribute(3, "role", "status");
        b.add_content(4, "Current count: ");
        b.add_content(5, self.count.to_string());
        b.close_element();
        b.open_element(6, "button");
        b.add_attribute(7, "class", "btn btn-primary");
        // A method: the same delegate on every render, so the event handler id stays.
        b.add_attribute(8, "onclick", EventHandler::new(Counter::increment));
        b.add_content(9, "Click me");
        b.close_element();
    }
}

#[cfg(test)]
mod tests {
    use brasa_protocol::render_batch::{Edit, Frame};
    use brasa_render::{EventArgs, Renderer};

    use super::Counter;
    use crate::event_handler_ids;
    use crate::test_support::decoded;

    #[test]
    fn clicking_increments_and_updates_one_text_node() {
        let mut renderer = Renderer::new();
        let root = renderer.add_root_component(Counter::default());
        let first = decoded(&renderer.render_root_component(root).unwrap().unwrap());
        assert_eq!(first.updated_components[0].edits.len(), 3);

        let click = event_handler_ids(&renderer, root, "onclick")[0];
        let batch = decoded(&renderer.dispatch_event(click, &EventArgs::Empty).unwrap().unwrap());
        assert_eq!(
            batch.updated_components[0].edits,
            [
                Edit::StepIn { sibling_index: 1 },
                Edit::UpdateText {
                    sibling_index: 1,
                    reference_frame_index: 0
                },
                Edit::StepOut,
            ]
        );
        assert_eq!(batch.reference_frames, [Frame::Text { content: "1".into() }]);
        assert!(batch.disposed_event_handler_ids.is_empty(), "the handler keeps its id");
        assert_eq!(event_handler_ids(&renderer, root, "onclick"), [click]);
        renderer.dispatch_event(click, &EventArgs::Empty).unwrap();
        assert_eq!(renderer.component::<Counter>(root).unwrap().count, 2);
    }
}
