//! Nested components: a dashboard of cards (child content), with buttons that are components
//! taking a label and a callback into the dashboard.

use brasa_render::{Component, EventArgs, EventHandler, ParameterView, RenderFragment, RenderTreeBuilder, Str};

/// A card: a title and child content.
#[derive(Default)]
pub struct Card {
    title: Str,
    child_content: Option<RenderFragment>,
}

impl Component for Card {
    fn set_parameters(&mut self, parameters: &ParameterView<'_>) {
        self.title = parameters.get_str("Title").unwrap_or_default();
        self.child_content = parameters.get_fragment("ChildContent");
    }

    fn render(&self, b: &mut RenderTreeBuilder<'_>) {
        b.open_element(0, "div");
        b.add_attribute(1, "class", "card");
        b.open_element(2, "h4");
        b.add_content(3, &self.title);
        b.close_element();
        b.open_element(4, "div");
        b.add_attribute(5, "class", "card-body");
        if let Some(content) = &self.child_content {
            b.add_fragment(6, content);
        }
        b.close_element();
        b.close_element();
    }
}

/// A button component: a label and an `OnClick` callback run on the component that passed it.
#[derive(Default)]
pub struct ActionButton {
    label: Str,
    on_click: Option<EventHandler>,
}

impl Component for ActionButton {
    fn set_parameters(&mut self, parameters: &ParameterView<'_>) {
        self.label = parameters.get_str("Label").unwrap_or_default();
        self.on_click = parameters.get_event_handler("OnClick");
    }

    fn render(&self, b: &mut RenderTreeBuilder<'_>) {
        b.open_element(0, "button");
        if let Some(on_click) = &self.on_click {
            b.add_attribute(1, "onclick", on_click.clone());
        }
        b.add_content(2, &self.label);
        b.close_element();
    }
}

/// The dashboard: two cards, a click count and a details toggle.
#[derive(Debug, Default)]
pub struct Dashboard {
    /// Clicks on "Add one".
    pub clicks: u32,
    /// Whether the details are shown.
    pub show_details: bool,
}

impl Component for Dashboard {
    fn render(&self, b: &mut RenderTreeBuilder<'_>) {
        let (clicks, show_details) = (self.clicks, self.show_details);
        b.open_component::<Card>(0);
        b.add_component_parameter(1, "Title", "Clicks");
        b.add_component_parameter(
            2,
            "ChildContent",
            RenderFragment::new(move |b| {
                b.open_element(3, "p");
                b.add_content(4, format!("{clicks} so far"));
                b.close_element();
                b.open_component::<ActionButton>(5);
                b.add_component_parameter(6, "Label", "Add one");
                b.add_component_parameter(
                    7,
                    "OnClick",
                    EventHandler::new(|d: &mut Dashboard, _: &EventArgs| d.clicks += 1),
                );
                b.close_component();
            }),
        );
        b.close_component();
        b.open_component::<Card>(8);
        b.add_component_parameter(9, "Title", "Details");
        b.add_component_parameter(
            10,
            "ChildContent",
            RenderFragment::new(move |b| {
                b.open_component::<ActionButton>(11);
                b.add_component_parameter(12, "Label", if show_details { "Hide" } else { "Show" });
                b.add_component_parameter(
                    13,
                    "OnClick",
                    EventHandler::new(|d: &mut Dashboard, _: &EventArgs| d.show_details = !d.show_details),
                );
                b.close_component();
                if show_details {
                    b.open_element(14, "p");
                    b.add_content(15, "Rendered by nested components.");
                    b.close_element();
                }
            }),
        );
        b.close_component();
    }
}

#[cfg(test)]
mod tests {
    use brasa_render::{EventArgs, Renderer};

    use super::Dashboard;
    use crate::event_handler_ids;
    use crate::test_support::decoded;

    #[test]
    fn callbacks_from_child_components_update_the_parent() {
        let mut renderer = Renderer::new();
        let root = renderer.add_root_component(Dashboard::default());
        let first = decoded(&renderer.render_root_component(root).unwrap().unwrap());
        // Dashboard, two cards, then the buttons the cards created.
        let rendered: Vec<_> = first.updated_components.iter().map(|d| d.component_id).collect();
        assert_eq!(rendered, [0, 1, 2, 3, 4]);

        let add_one = event_handler_ids(&renderer, 3, "onclick")[0];
        let batch = decoded(&renderer.dispatch_event(add_one, &EventArgs::Empty).unwrap().unwrap());
        assert_eq!(renderer.component::<Dashboard>(root).unwrap().clicks, 1);
        // The cards re-render (new child content); the buttons' parameters are unchanged
        // (same label, an equivalent callback), so they do not.
        let rendered: Vec<_> = batch.updated_components.iter().map(|d| d.component_id).collect();
        assert_eq!(rendered, [0, 1, 2]);

        let toggle = event_handler_ids(&renderer, 4, "onclick")[0];
        let batch = decoded(&renderer.dispatch_event(toggle, &EventArgs::Empty).unwrap().unwrap());
        let rendered: Vec<_> = batch.updated_components.iter().map(|d| d.component_id).collect();
        assert_eq!(rendered, [0, 1, 2, 4], "the toggle's label changed");
        assert!(renderer.component::<Dashboard>(root).unwrap().show_details);
    }
}
