//! `Nav.razor` (`/nav`): link interception, `NavigateTo` (push and replace), `LocationChanged`,
//! and a `NavigationLock` that blocks one address (SVC-2.x).

use brasa_render::runtime::{LocationChanged, LocationChanging};
use brasa_render::{Component, ComponentId, EventArgs, EventHandler, ParameterView, RenderTreeBuilder, Runtime};

use super::{error_ui, runtime_parameter};

/// `Nav.razor`.
#[derive(Debug, Default)]
pub struct Nav {
    runtime: Runtime,
    id: ComponentId,
    subscribed: bool,
    changes: u32,
    blocked: u32,
}

impl Nav {
    fn navigate(&mut self, uri: &str, replace: bool) {
        let runtime = self.runtime.clone();
        let id = self.id;
        runtime.navigate_to_from(self, id, uri, replace);
    }

    /// `NavigationLock.OnBeforeInternalNavigation`: an address containing "blocked" is refused.
    fn check(&mut self, context: &LocationChanging) -> bool {
        let block = context.target.contains("blocked");
        if block {
            self.blocked += 1;
        }
        block
    }

    fn changed(&mut self, _: &LocationChanged) {
        self.changes += 1;
    }
}

impl Component for Nav {
    fn attach(&mut self, component_id: ComponentId) {
        self.id = component_id;
    }

    fn set_parameters(&mut self, parameters: &ParameterView<'_>) {
        if let Some(runtime) = runtime_parameter(parameters) {
            self.runtime = runtime;
        }
        // OnInitialized: subscribe to LocationChanged; the lock registers its handler.
        if !self.subscribed {
            self.subscribed = true;
            self.runtime.on_location_changed(self.id, Nav::changed);
            self.runtime.add_location_changing_handler(self.id, Nav::check);
        }
    }

    fn render(&self, b: &mut RenderTreeBuilder<'_>) {
        b.add_markup_content(0, "<h1>Navigation</h1>\n");
        b.add_markup_content(1, "<a id=\"link\" href=\"counter\">to counter by link</a>\n");
        b.open_element(2, "button");
        b.add_attribute(3, "id", "go");
        b.add_attribute(
            4,
            "onclick",
            EventHandler::new(|n: &mut Nav, _: &EventArgs| n.navigate("nav?x=1", false)),
        );
        b.add_content(5, "NavigateTo nav?x=1");
        b.close_element();
        b.add_markup_content(6, "\n");
        b.open_element(7, "button");
        b.add_attribute(8, "id", "go-replace");
        b.add_attribute(
            9,
            "onclick",
            EventHandler::new(|n: &mut Nav, _: &EventArgs| n.navigate("nav?x=2", true)),
        );
        b.add_content(10, "Replace");
        b.close_element();
        b.add_markup_content(11, "\n");
        b.open_element(12, "button");
        b.add_attribute(13, "id", "go-blocked");
        b.add_attribute(
            14,
            "onclick",
            EventHandler::new(|n: &mut Nav, _: &EventArgs| n.navigate("nav?blocked=1", false)),
        );
        b.add_content(15, "NavigateTo a blocked address");
        b.close_element();
        b.add_markup_content(16, "\n");
        b.open_element(17, "p");
        b.add_attribute(18, "id", "blocked");
        b.add_content(19, self.blocked.to_string());
        b.close_element();
        b.add_markup_content(20, "\n");
        b.open_element(21, "p");
        b.add_attribute(22, "id", "where");
        b.add_content(23, self.runtime.uri());
        b.close_element();
        b.add_markup_content(24, "\n");
        b.open_element(25, "p");
        b.add_attribute(26, "id", "changes");
        b.add_content(27, self.changes.to_string());
        b.close_element();
        error_ui(b, 28);
    }
}
