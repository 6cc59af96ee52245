//! The conformance app's pages (`shared/conformance-app/`), written against `brasa-render`, and
//! the HTML page that carries their markers.

use brasa_render::RenderTreeBuilder;

use crate::app::{AddRoot, adder};
use crate::descriptor::Keys;

mod counter;
mod form;
mod nested;
mod todo;

pub use counter::Counter;
pub use form::Form;
pub use nested::{Child, Nested};
pub use todo::Todo;

/// The pages: (route, component type name).
pub const PAGES: &[(&str, &str)] = &[
    ("/counter", "counter"),
    ("/todo", "todo"),
    ("/nested", "nested"),
    ("/form", "form"),
];

/// A fresh root component of this type, as a function adding it to a renderer.
pub fn create(type_name: &str) -> Option<AddRoot> {
    match type_name {
        "counter" => Some(adder::<Counter>()),
        "todo" => Some(adder::<Todo>()),
        "nested" => Some(adder::<Nested>()),
        "form" => Some(adder::<Form>()),
        _ => None,
    }
}

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

/// The page of a root component, not prerendered (`captures/interactive-counter-page.html`):
/// its start marker and, after `</html>`, the persisted-state comment.
// SRV-3.1 (relative URLs, `<base href="/">`, the script), SRV-3.2 (the marker, not prerendered),
// SRV-3.3 (the state comment after `</html>`).
pub fn page(keys: &Keys, type_name: &str) -> String {
    let key = Keys::marker_key(type_name);
    let marker = format!(
        "{{\"type\":\"server\",\"key\":{{\"locationHash\":{},\"formattedComponentKey\":\"\"}},\"sequence\":0,\"descriptor\":{}}}",
        serde_json::to_string(key["locationHash"].as_str().unwrap_or("")).unwrap_or_default(),
        html_safe_json(&keys.descriptor(type_name, 0)),
    );
    let state = keys.protect(b"{}");
    let modal = RECONNECT_MODAL;
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n    <meta name=\"viewport\" content=\"width=device-width, initial-scale=1.0\">\n    <base href=\"/\">\n    <style>{RECONNECT_STYLE}</style>\n    </head>\n\n<body><!--Blazor:{marker}-->\n{modal}\n    <script src=\"_framework/blazor.web.js\"></script></body></html><!--Blazor-Server-Component-State:{state}-->"
    )
}
