//! `Throw.razor` (`/throw`): an exception in an event handler ends the circuit (SVC-4.1).

use brasa_render::{Component, EventArgs, EventHandler, ParameterView, RenderTreeBuilder, Runtime};

use super::{error_ui, runtime_parameter};

/// `Throw.razor`: `Boom` throws; `#ok` counts.
#[derive(Debug, Default)]
pub struct Throw {
    runtime: Runtime,
    n: i32,
}

/// The text of the unhandled exception, as ASP.NET Core reports it with detailed errors (its
/// first line; the .NET stack trace that follows is not reproduced).
pub const BOOM: &str = "System.InvalidOperationException: boom from a handler";

impl Throw {
    fn boom(&mut self, _: &EventArgs) {
        self.runtime.throw(BOOM);
    }
}

impl Component for Throw {
    fn set_parameters(&mut self, parameters: &ParameterView<'_>) {
        if let Some(runtime) = runtime_parameter(parameters) {
            self.runtime = runtime;
        }
    }

    fn render(&self, b: &mut RenderTreeBuilder<'_>) {
        b.add_markup_content(0, "<h1>Throw</h1>\n");
        b.open_element(1, "button");
        b.add_attribute(2, "id", "throw");
        b.add_attribute(3, "onclick", EventHandler::new(Throw::boom));
        b.add_content(4, "Throw");
        b.close_element();
        b.add_markup_content(5, "\n");
        b.open_element(6, "button");
        b.add_attribute(7, "id", "ok");
        b.add_attribute(8, "onclick", EventHandler::new(|t: &mut Throw, _: &EventArgs| t.n += 1));
        b.add_content(9, "Fine ");
        b.add_content(10, self.n.to_string());
        b.close_element();
        error_ui(b, 11);
    }
}
