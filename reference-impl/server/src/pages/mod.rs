//! The conformance app's pages (`shared/conformance-app/`), written against `brasa-render`, and
//! the HTML page that carries their markers.

use brasa_render::runtime::LocationChanged;
use brasa_render::{AttributeValue, Component, ComponentId, ParameterView, RenderTreeBuilder, Runtime};
use serde_json::json;

use crate::app::{AddRoot, adder};
use crate::descriptor::Keys;

mod big;
mod counter;
mod dotnet_json;
mod events;
mod form;
mod greet;
mod interop;
mod kinds;
mod nav;
mod nested;
#[cfg(test)]
mod testing;
mod throw;
mod ticker;
mod todo;

pub use big::Big;
pub use counter::Counter;
pub use events::Events;
pub use form::Form;
pub use greet::Greet;
pub use interop::Interop;
pub use kinds::Kinds;
pub use nav::Nav;
pub use nested::{Child, Nested};
pub use throw::Throw;
pub use ticker::Ticker;
pub use todo::Todo;

/// The pages: (route, component type name).
pub const PAGES: &[(&str, &str)] = &[
    ("/counter", "counter"),
    ("/todo", "todo"),
    ("/nested", "nested"),
    ("/form", "form"),
    ("/interop", "interop"),
    ("/ticker", "ticker"),
    ("/throw", "throw"),
    ("/nav", "nav"),
    ("/big", "big"),
    ("/events", "events"),
    ("/kinds", "kinds"),
    // Not in the conformance app: a page with a route parameter.
    ("/greet/{Name}", "greet"),
];

/// The type name of the app's one interactive root component, the [`Routes`] router (as
/// `<Routes @rendermode="InteractiveServer" />` in the recorded app).
pub const ROUTES: &str = "routes";

/// A fresh root component of this type, as a function adding it to a renderer. Besides
/// [`ROUTES`], each page can be a root component of its own (without a router).
pub fn create(type_name: &str) -> Option<AddRoot> {
    match type_name {
        ROUTES => Some(Box::new(|renderer: &mut brasa_render::Renderer, runtime: &Runtime| {
            let id = renderer.add_root_component(Routes::new(runtime.clone()));
            runtime.on_location_changed(id, Routes::location_changed);
            id
        })),
        "counter" => Some(adder::<Counter>()),
        "todo" => Some(adder::<Todo>()),
        "nested" => Some(adder::<Nested>()),
        "form" => Some(adder::<Form>()),
        "big" => Some(adder::<Big>()),
        "events" => Some(adder::<Events>()),
        "kinds" => Some(adder::<Kinds>()),
        // The pages that use the circuit's services exist only under the router, which gives
        // them the runtime.
        _ => None,
    }
}

/// Renders the page of this type as the router's child, with the circuit's [`Runtime`] as its
/// `Runtime` parameter (a reference, so the page re-renders whenever the router does).
fn render_page(
    b: &mut RenderTreeBuilder<'_>,
    type_name: &str,
    runtime: &Runtime,
    route: &[(&'static str, String)],
) -> bool {
    fn page<P: Component + Default>(b: &mut RenderTreeBuilder<'_>, runtime: &Runtime) {
        b.open_component::<P>(0);
        b.add_component_parameter(1, "Runtime", AttributeValue::object(runtime.clone()));
        b.close_component();
    }
    // A page with route parameters gets each as a string parameter of that name.
    fn page_with<P: Component + Default>(
        b: &mut RenderTreeBuilder<'_>,
        runtime: &Runtime,
        route: &[(&'static str, String)],
    ) {
        b.open_component::<P>(0);
        b.add_component_parameter(1, "Runtime", AttributeValue::object(runtime.clone()));
        for (name, value) in route {
            b.add_component_parameter(2, *name, value.clone());
        }
        b.close_component();
    }
    match type_name {
        "counter" => page::<Counter>(b, runtime),
        "todo" => page::<Todo>(b, runtime),
        "nested" => page::<Nested>(b, runtime),
        "form" => page::<Form>(b, runtime),
        "interop" => page::<Interop>(b, runtime),
        "ticker" => page::<Ticker>(b, runtime),
        "throw" => page::<Throw>(b, runtime),
        "nav" => page::<Nav>(b, runtime),
        "big" => page::<Big>(b, runtime),
        "events" => page::<Events>(b, runtime),
        "kinds" => page::<Kinds>(b, runtime),
        "greet" => page_with::<Greet>(b, runtime, route),
        _ => return false,
    }
    true
}

/// The `Runtime` parameter a page receives from the router.
pub fn runtime_parameter(parameters: &ParameterView<'_>) -> Option<Runtime> {
    parameters.get_value::<Runtime>("Runtime").cloned()
}

/// The path of an absolute URI relative to the base URI, with a leading `/`, without query or
/// fragment (`http://h/nav?x=1` under `http://h/` → `/nav`).
fn route_path(base_uri: &str, uri: &str) -> String {
    let relative = uri.strip_prefix(base_uri).unwrap_or("");
    let end = relative.find(['?', '#']).unwrap_or(relative.len());
    format!("/{}", &relative[..end])
}

/// Matches a path against a route template (`/greet/{Name}`): literal segments compare without
/// regard to ASCII case, a `{Name}` segment takes any one non-empty segment, percent-decoded
/// (SVC-2.5). `None` when the path does not match.
fn match_route(template: &'static str, path: &str) -> Option<Vec<(&'static str, String)>> {
    let mut parameters = Vec::new();
    let mut segments = path.trim_start_matches('/').split('/');
    for part in template.trim_start_matches('/').split('/') {
        let segment = segments.next()?;
        match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
            Some(name) => {
                if segment.is_empty() {
                    return None;
                }
                parameters.push((name, percent_decode(segment)?));
            }
            None if part.eq_ignore_ascii_case(segment) => {}
            None => return None,
        }
    }
    segments.next().is_none().then_some(parameters)
}

/// `%XX` escapes decoded as UTF-8; `None` for a malformed escape or invalid UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The router (`Routes.razor`: `Router` + `RouteView` + the template's `MainLayout`): renders
/// the page whose route matches the current URI, or the not-found page, then the layout's
/// error UI. On a location change it re-renders; when the page changed it moves the focus to
/// the new page's `h1` after the render, as `FocusOnNavigate` does (SVC-2.5).
pub struct Routes {
    runtime: Runtime,
    id: ComponentId,
    /// The route index shown (`usize::MAX`: not found).
    shown: usize,
}

impl Routes {
    fn new(runtime: Runtime) -> Self {
        Routes {
            runtime,
            id: 0,
            shown: usize::MAX,
        }
    }

    /// The route index matching the current URI and its parameters (`usize::MAX`: none).
    fn matched(&self) -> (usize, Vec<(&'static str, String)>) {
        let path = route_path(&self.runtime.base_uri(), &self.runtime.uri());
        PAGES
            .iter()
            .enumerate()
            .find_map(|(index, (template, _))| Some((index, match_route(template, &path)?)))
            .unwrap_or((usize::MAX, Vec::new()))
    }

    fn current(&self) -> usize {
        self.matched().0
    }

    fn location_changed(&mut self, _: &LocationChanged) {
        let route = self.current();
        if route != self.shown {
            self.shown = route;
            self.runtime
                .invoke_js_after_render("Blazor._internal.domWrapper.focusBySelector", json!(["h1"]));
        }
    }
}

impl Component for Routes {
    fn attach(&mut self, component_id: ComponentId) {
        self.id = component_id;
    }

    fn set_parameters(&mut self, _: &ParameterView<'_>) {
        self.shown = self.current();
    }

    fn render(&self, b: &mut RenderTreeBuilder<'_>) {
        let (route, parameters) = self.matched();
        let shown = PAGES.get(route).is_some_and(|(_, type_name)| {
            b.open_region(0);
            let found = render_page(b, type_name, &self.runtime, &parameters);
            b.close_region();
            found
        });
        if !shown {
            b.add_markup_content(
                1,
                "<h3>Not Found</h3>\n<p>Sorry, the content you are looking for does not exist.</p>",
            );
        }
    }
}

/// Where a prerendered page is: the base URI and the page's absolute URI (from the request).
#[derive(Debug, Clone, Copy)]
pub struct Prerender<'a> {
    /// `http://host/`.
    pub base_uri: &'a str,
    /// `http://host/path?query`.
    pub uri: &'a str,
}

/// The first render of a root component of this type, as HTML: rendered by a renderer of its
/// own (with a runtime that knows the URI but makes no calls) and applied to a DOM model,
/// whose markup is what a browser would show (SRV-3.2).
fn prerendered_html(type_name: &str, base_uri: &str, uri: &str) -> Option<String> {
    let runtime = Runtime::new();
    runtime.start(base_uri, uri);
    let mut renderer = brasa_render::Renderer::new();
    let id = create(type_name)?(&mut renderer, &runtime);
    let batch = renderer.render_root_component(id).ok()??;
    let bytes = batch.encode().ok()?;
    let mut document = brasa_dom::Document::with_root_component(id);
    document.apply_bytes(&bytes).ok()?;
    // The DOM model marks its logical containers with `<!--!-->` comments, as the browser
    // client does; prerendered markup has none.
    Some(document.inner_html_of(document.root()).replace("<!--!-->", ""))
}

/// The functions the Interop page calls (`shared/conformance-app/README.md`), inline in every
/// page as in the recorded app.
const CAPTURE_SCRIPT: &str = "<script>window.brasaCapture = {\n  callBack: (ref, s) => ref.invokeMethodAsync('Shout', s),\n  echoBytes: (b) => b,\n  fail: () => { throw new Error('thrown in JS'); },\n  readStream: async (ref) => (await ref.arrayBuffer()).byteLength,\n  makeBytes: (n) => new Uint8Array(n).map((_, i) => i % 253)\n};</script>";

/// The template's `ReconnectModal` markup, static in the page (as recorded).
const RECONNECT_MODAL: &str = include_str!("reconnect-modal.html");

/// The reconnect dialog shows only the text of its current state (the client sets the state as
/// the dialog's class: `components-reconnect-show`, `-retrying`, `-failed`, `-rejected`).
const RECONNECT_STYLE: &str = "#components-reconnect-modal [class*=-visible]{display:none}\
.components-reconnect-show .components-reconnect-first-attempt-visible,\
.components-reconnect-retrying .components-reconnect-repeated-attempt-visible,\
.components-reconnect-failed .components-reconnect-failed-visible,\
.components-reconnect-rejected .components-reconnect-failed-visible{display:block}";

/// The template's `MainLayout` error UI, rendered after each page's content (as recorded).
fn error_ui(b: &mut RenderTreeBuilder<'_>, sequence: i32) {
    b.add_markup_content(
        sequence,
        "\n\n<div id=\"blazor-error-ui\" data-nosnippet b-m93tfelydd>\n    An unhandled error has occurred.\n    <a href=\".\" class=\"reload\" b-m93tfelydd>Reload</a>\n    <span class=\"dismiss\" b-m93tfelydd>🗙</span></div>",
    );
}

// SRV-3.2: `+` as `\u002B`.
/// JSON-encodes a string as System.Text.Json's HTML-safe encoder does for the characters a
/// descriptor holds (`+` as `\u002B`).
fn html_safe_json(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default().replace('+', "\\u002B")
}

/// The page of a root component: its start marker (and, when prerendered, the component's first
/// render as HTML and the end marker) and, after `</html>`, the persisted-state comment. Not
/// prerendered: `captures/interactive-counter-page.html`; prerendered:
/// `captures/prerender/counter/page.html`.
// SRV-3.1 (relative URLs, `<base href="/">`, the script), SRV-3.2 (the marker, prerendered or
// not), SRV-3.3 (the state comment after `</html>`).
pub fn page(keys: &Keys, type_name: &str, prerender: Option<Prerender<'_>>) -> String {
    let key = Keys::marker_key(type_name);
    let html = prerender.and_then(|p| prerendered_html(type_name, p.base_uri, p.uri));
    let prerender_id = html.as_ref().map(|_| keys.prerender_id());
    let marker = format!(
        "{{\"type\":\"server\",{}\"key\":{{\"locationHash\":{},\"formattedComponentKey\":\"\"}},\"sequence\":0,\"descriptor\":{}}}",
        prerender_id
            .as_ref()
            .map(|id| format!("\"prerenderId\":\"{id}\","))
            .unwrap_or_default(),
        serde_json::to_string(key["locationHash"].as_str().unwrap_or("")).unwrap_or_default(),
        html_safe_json(&keys.descriptor(type_name, 0)),
    );
    let marker = match (html, prerender_id) {
        (Some(html), Some(id)) => format!("{marker}-->{html}\n        <!--Blazor:{{\"prerenderId\":\"{id}\"}}"),
        _ => marker,
    };
    let state = keys.protect(b"{}");
    let modal = RECONNECT_MODAL;
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n    <meta name=\"viewport\" content=\"width=device-width, initial-scale=1.0\">\n    <base href=\"/\">\n    <style>{RECONNECT_STYLE}</style>\n    </head>\n\n<body><!--Blazor:{marker}-->\n{modal}\n    {CAPTURE_SCRIPT}\n    <script src=\"_framework/blazor.web.js\"></script></body></html><!--Blazor-Server-Component-State:{state}-->"
    )
}
