//! `Ticker.razor` (`/ticker`): renders pushed from a timer, with no client event (SVC-3.1).

use brasa_render::{Component, ComponentId, EventArgs, EventHandler, ParameterView, RenderTreeBuilder, Runtime};

use super::{error_ui, runtime_parameter};

/// `Ticker.razor`: a `System.Threading.Timer` every 50 ms that increments `tick` and calls
/// `StateHasChanged` through `InvokeAsync`.
#[derive(Debug, Default)]
pub struct Ticker {
    runtime: Runtime,
    id: ComponentId,
    tick: u64,
    timer: Option<u64>,
}

impl Ticker {
    fn start(&mut self, _: &EventArgs) {
        if let Some(timer) = self.timer.take() {
            self.runtime.stop_timer(timer);
        }
        self.timer = Some(self.runtime.start_timer(self.id, 50, 50, |t: &mut Ticker| t.tick += 1));
    }

    fn stop(&mut self, _: &EventArgs) {
        if let Some(timer) = self.timer.take() {
            self.runtime.stop_timer(timer);
        }
    }
}

impl Component for Ticker {
    fn attach(&mut self, component_id: ComponentId) {
        self.id = component_id;
    }

    fn set_parameters(&mut self, parameters: &ParameterView<'_>) {
        if let Some(runtime) = runtime_parameter(parameters) {
            self.runtime = runtime;
        }
    }

    fn render(&self, b: &mut RenderTreeBuilder<'_>) {
        b.add_markup_content(0, "<h1>Ticker</h1>\n");
        b.open_element(1, "p");
        b.add_attribute(2, "id", "tick");
        b.add_content(3, "tick ");
        b.add_content(4, self.tick.to_string());
        b.close_element();
        b.add_markup_content(5, "\n");
        b.open_element(6, "button");
        b.add_attribute(7, "id", "start");
        b.add_attribute(8, "onclick", EventHandler::new(Ticker::start));
        b.add_content(9, "Start");
        b.close_element();
        b.add_markup_content(10, "\n");
        b.open_element(11, "button");
        b.add_attribute(12, "id", "stop");
        b.add_attribute(13, "onclick", EventHandler::new(Ticker::stop));
        b.add_content(14, "Stop");
        b.close_element();
        error_ui(b, 15);
    }
}
