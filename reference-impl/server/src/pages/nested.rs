//! `Nested.razor` (`/nested`) and `Child.razor`.

use std::sync::atomic::{AtomicI64, Ordering::Relaxed};

use brasa_render::{
    AttributeValue, CascadingValue, Component, EventArgs, EventHandler, ParameterView, RenderFragment,
    RenderTreeBuilder, Str,
};

use super::error_ui;

/// `Child.Disposed`: a process-wide static, as in `Child.razor`.
static CHILDREN_DISPOSED: AtomicI64 = AtomicI64::new(0);

/// `Child.razor`: a label (the cascading value of `Nested`'s `CascadingValue`), child content
/// and a ping callback.
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
        // `[CascadingParameter] public string Label`: the nearest unnamed cascading value.
        self.label = match parameters.cascading(None) {
            Some(AttributeValue::String(label)) => label.clone(),
            _ => Str::default(),
        };
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
        // `<CascadingValue Value="label">` around the children: each Child reads it as its
        // `[CascadingParameter] Label` (RT-2.7).
        b.open_component::<CascadingValue>(13);
        b.add_component_parameter(14, "Value", self.label.clone());
        let (show, count) = (self.show, self.n);
        b.add_component_parameter(
            15,
            "ChildContent",
            RenderFragment::new(move |b| {
                if !show {
                    return;
                }
                for k in 0..count {
                    b.open_component::<Child>(16);
                    b.set_key(k);
                    b.add_component_parameter(17, "Index", k);
                    b.add_component_parameter(
                        18,
                        "OnPing",
                        EventHandler::capturing(k, |n: &mut Nested, k: &i32, _: &EventArgs| n.pings += k + 1),
                    );
                    b.add_component_parameter(
                        19,
                        "ChildContent",
                        RenderFragment::new(move |b| {
                            b.open_element(20, "em");
                            b.add_content(21, "content of ");
                            b.add_content(22, k.to_string());
                            b.close_element();
                        }),
                    );
                    b.close_component();
                }
            }),
        );
        b.close_component();
        b.open_element(23, "p");
        b.add_attribute(24, "id", "pings");
        b.add_content(25, "pings: ");
        b.add_content(26, self.pings.to_string());
        b.add_content(27, "; disposed: ");
        b.add_content(28, CHILDREN_DISPOSED.load(Relaxed).to_string());
        b.close_element();
        error_ui(b, 29);
    }
}
