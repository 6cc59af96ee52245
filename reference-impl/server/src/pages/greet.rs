//! `/greet/{Name}`: a page with a route parameter (not part of the conformance app). The router
//! passes `Name`, percent-decoded, as a string parameter (SVC-2.5).

use brasa_render::{Component, ParameterView, RenderTreeBuilder};

use super::error_ui;

/// Greets `Name`.
#[derive(Debug, Default)]
pub struct Greet {
    name: String,
}

impl Component for Greet {
    fn set_parameters(&mut self, parameters: &ParameterView<'_>) {
        self.name = parameters.get_str("Name").map(|n| n.to_string()).unwrap_or_default();
    }

    fn render(&self, b: &mut RenderTreeBuilder<'_>) {
        b.open_element(0, "h1");
        b.add_attribute(1, "id", "greeting");
        b.add_content(2, "Hello, ");
        b.add_content(3, self.name.clone());
        b.add_content(4, "!");
        b.close_element();
        b.add_markup_content(5, "\n<a id=\"to-ada\" href=\"greet/Ada\">Ada</a>");
        error_ui(b, 6);
    }
}
