//! `Nested.razor` (`/nested`) and `Child.razor`.

use std::sync::atomic::{AtomicI64, Ordering::Relaxed};

use brasa_render::{Component, EventArgs, EventHandler, ParameterView, RenderFragment, RenderTreeBuilder, Str};

use super::error_ui;

/// `Child.Disposed`: a process-wide static, as in `Child.razor`.
static CHILDREN_DISPOSED: AtomicI64 = AtomicI64::new(0);

/// `Child.razor`: a label (the cascading value, passed as a parameter: `CascadingValue` renders
/// no markup), child content and a ping callback.
#[derive(Default)]
pub struct Child {
    index: i32,
    label: Str,
    child_content: Option<RenderFragment>,
    on_ping: Option<EventHandler>,
}

impl Drop for Child {
    fn drop(&mut self) {
        // `IDisposable.Dispose`: the renderer drops a component when it disposes it.
        CHILDREN_DISPOSED.fetch_add(1, Relaxed);
    }
}

impl Component for Child {
    fn set_parameters(&mut self, parameters: &ParameterView<'_>) {
        self.index = parameters.get_value::<i32>("Index").copied().unwrap_or_default();
        self.label = parameters.get_str("Label").unwrap_or_default();
        self.child_content = parameters.get_fragment("ChildContent");
        self.on_ping = parameters.get_event_handler("OnPing");
    }

    fn render(&self, b: &mut RenderTreeBuilder<'_>) {
        b.open_element(0, "div");
        b.add_attribute(1, "class", "child");
        b.add_attribute(2, "id", format!("child-{}", self.index));
        b.open_element(3, "span");
        b.add_attribute(4, "class", "label");
        b.add_content(5, &self.label);
        b.add_content(6, " #");
        b.add_content(7, self.index.to_string());
        b.close_element();
        // The whitespace around `@ChildContent` (an expression, not a code block) stays.
        b.add_markup_content(8, "\n    ");
        if let Some(content) = &self.child_content {
            b.add_fragment(9, content);
        }
        b.add_markup_content(10, "\n    ");
        b.open_element(11, "button");
        b.add_attribute(12, "class", "ping");
        // `@onclick="() => OnPing.InvokeAsync(Index)"`: always a handler; without an `OnPing`
        // (as in `Kinds.razor`) invoking the default callback does nothing.
        match &self.on_ping {
            Some(on_ping) => b.add_attribute(13, "onclick", on_ping.clone()),
            None => b.add_attribute(13, "onclick", EventHandler::new(|_: &mut Child, _: &EventArgs| {})),
        }
        b.add_content(14, "ping");
        b.close_element();
        b.close_element();
    }
}

/// `Nested.razor` (`/nested`).
#[derive(Debug)]
pub struct Nested {
    show: bool,
    n: i32,
    pings: i32,
    label: String,
}

impl Default for Nested {
    fn default() -> Self {
        Nested {
            show: true,
            n: 2,
            pings: 0,
            label: "label".into(),
        }
    }
}

impl Component for Nested {
    fn render(&self, b: &mut RenderTreeBuilder<'_>) {
        b.add_markup_content(0, "<h1>Nested</h1>\n");
        b.open_element(1, "button");
        b.add_attribute(2, "id", "toggle");
        b.add_attribute(
            3,
            "onclick",
            EventHandler::new(|n: &mut Nested, _: &EventArgs| n.show = !n.show),
        );
        b.add_content(4, "Toggle children");
        b.close_element();
        b.open_element(5, "button");
        b.add_attribute(6, "id", "more");
        b.add_attribute(
            7,
            "onclick",
            EventHandler::new(|n: &mut Nested, _: &EventArgs| n.n += 1),
        );
        b.add_content(8, "More");
        b.close_element();
        b.open_element(9, "button");
        b.add_attribute(10, "id", "rename");
        b.add_attribute(
            11,
            "onclick",
            EventHandler::new(|n: &mut Nested, _: &EventArgs| n.label.push('!')),
        );
        b.add_content(12, "Rename");
        b.close_element();
        if self.show {
            for k in 0..self.n {
                b.open_component::<Child>(13);
                b.set_key(k);
                b.add_component_parameter(14, "Index", k);
                b.add_component_parameter(15, "Label", self.label.clone());
                b.add_component_parameter(
                    16,
                    "OnPing",
                    EventHandler::capturing(k, |n: &mut Nested, k: &i32, _: &EventArgs| n.pings += k + 1),
                );
                b.add_component_parameter(
                    17,
                    "ChildContent",
                    RenderFragment::new(move |b| {
                        b.open_element(18, "em");
                        b.add_content(19, "content of ");
                        b.add_content(20, k.to_string());
                        b.close_element();
                    }),
                );
                b.close_component();
            }
        }
        b.open_element(21, "p");
        b.add_attribute(22, "id", "pings");
        b.add_content(23, "pings: ");
        b.add_content(24, self.pings.to_string());
        b.add_content(25, "; disposed: ");
        b.add_content(26, CHILDREN_DISPOSED.load(Relaxed).to_string());
        b.close_element();
        error_ui(b, 27);
    }
}
