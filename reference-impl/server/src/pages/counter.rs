//! `Counter.razor` (`/counter`).

use brasa_render::{Component, EventArgs, EventHandler, RenderTreeBuilder};

use super::error_ui;

/// `Counter.razor` (`/counter`).
#[derive(Debug, Default)]
pub struct Counter {
    count: i32,
}

impl Counter {
    fn increment(&mut self, _: &EventArgs) {
        self.count += 1;
    }
}

impl Component for Counter {
    fn render(&self, b: &mut RenderTreeBuilder<'_>) {
        b.add_markup_content(0, "<h1>Counter</h1>\n");
        b.open_element(1, "p");
        b.add_attribute(2, "id", "count");
        b.add_attribute(3, "role", "status");
        b.add_content(4, "Current count: ");
        b.add_content(5, self.count.to_string());
        b.close_element();
        b.add_markup_content(6, "\n");
        b.open_element(7, "button");
        b.add_attribute(8, "id", "inc");
        b.add_attribute(9, "class", "btn");
        b.add_attribute(10, "onclick", EventHandler::new(Counter::increment));
        b.add_content(11, "Click me");
        b.close_element();
        error_ui(b, 12);
    }
}
