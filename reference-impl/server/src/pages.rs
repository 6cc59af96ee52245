//! The conformance app's pages (`shared/conformance-app/`), written against `brasa-render`, and
//! the HTML page that carries their markers.

use std::sync::atomic::{AtomicI64, Ordering::Relaxed};

use brasa_render::{Component, EventArgs, EventHandler, ParameterView, RenderFragment, RenderTreeBuilder, Str};

use crate::app::{AddRoot, adder};
use crate::descriptor::Keys;

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

/// One item of [`Todo`].
#[derive(Debug, Clone)]
struct Item {
    id: u32,
    title: String,
    done: bool,
}

/// `Todo.razor` (`/todo`): a keyed list.
#[derive(Debug)]
pub struct Todo {
    items: Vec<Item>,
    title: String,
    next: u32,
}

impl Default for Todo {
    fn default() -> Self {
        Todo {
            items: Vec::new(),
            title: String::new(),
            next: 1,
        }
    }
}

impl Todo {
    fn add(&mut self, _: &EventArgs) {
        let id = self.next;
        self.next += 1;
        let title = if self.title.is_empty() {
            format!("item {id}")
        } else {
            std::mem::take(&mut self.title)
        };
        self.items.push(Item { id, title, done: false });
        self.title.clear();
    }

    fn reverse(&mut self, _: &EventArgs) {
        self.items.reverse();
    }

    fn rotate(&mut self, _: &EventArgs) {
        if self.items.len() >= 2 {
            let first = self.items.remove(0);
            self.items.push(first);
        }
    }

    fn clear_done(&mut self, _: &EventArgs) {
        self.items.retain(|item| !item.done);
    }

    fn set_title(&mut self, args: &EventArgs) {
        self.title = args.value().unwrap_or_default();
    }
}

impl Component for Todo {
    fn render(&self, b: &mut RenderTreeBuilder<'_>) {
        b.add_markup_content(0, "<h1>To-do</h1>\n");
        b.open_element(1, "input");
        b.add_attribute(2, "id", "title");
        b.add_attribute(3, "placeholder", "What to do");
        b.add_attribute(4, "value", self.title.clone());
        b.add_attribute(5, "oninput", EventHandler::new(Todo::set_title));
        b.close_element();
        b.add_markup_content(6, "\n");
        for (sequence, id, text, handler) in [
            (7, "add", "Add", EventHandler::new(Todo::add)),
            (11, "reverse", "Reverse", EventHandler::new(Todo::reverse)),
            (15, "rotate", "Rotate", EventHandler::new(Todo::rotate)),
            (19, "clear-done", "Clear done", EventHandler::new(Todo::clear_done)),
        ] {
            b.open_element(sequence, "button");
            b.add_attribute(sequence + 1, "id", id);
            b.add_attribute(sequence + 2, "onclick", handler);
            b.add_content(sequence + 3, text);
            b.close_element();
        }
        b.open_element(23, "ul");
        b.add_attribute(24, "id", "items");
        for item in &self.items {
            b.open_element(25, "li");
            b.set_key(item.id);
            b.add_attribute(26, "id", format!("item-{}", item.id));
            b.open_element(27, "input");
            b.add_attribute(28, "type", "checkbox");
            b.add_attribute(29, "class", "done");
            b.add_attribute(30, "checked", item.done);
            b.add_attribute(
                31,
                "onchange",
                EventHandler::capturing(item.id, |todo: &mut Todo, id: &u32, args: &EventArgs| {
                    if let Some(item) = todo.items.iter_mut().find(|item| item.id == *id) {
                        item.done = args.checked().unwrap_or(!item.done);
                    }
                }),
            );
            b.close_element();
            b.add_markup_content(32, "\n        <input class=\"note\" placeholder=\"note\">\n        ");
            b.open_element(33, "span");
            b.add_attribute(34, "class", "text");
            b.add_content(35, item.title.clone());
            b.close_element();
            b.add_markup_content(36, "\n        ");
            b.open_element(38, "button");
            b.add_attribute(39, "class", "remove");
            b.add_attribute(
                40,
                "onclick",
                EventHandler::capturing(item.id, |todo: &mut Todo, id: &u32, _: &EventArgs| {
                    todo.items.retain(|item| item.id != *id)
                }),
            );
            b.add_content(41, "x");
            b.close_element();
            b.close_element();
        }
        b.close_element();
        b.open_element(42, "p");
        b.add_attribute(43, "id", "left");
        let left = self.items.iter().filter(|item| !item.done).count();
        b.add_content(44, left.to_string());
        b.add_content(45, " left of ");
        b.add_content(46, self.items.len().to_string());
        b.close_element();
        error_ui(b, 47);
    }
}

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
        if let Some(content) = &self.child_content {
            b.add_fragment(8, content);
        }
        b.open_element(9, "button");
        b.add_attribute(10, "class", "ping");
        if let Some(on_ping) = &self.on_ping {
            b.add_attribute(11, "onclick", on_ping.clone());
        }
        b.add_content(12, "ping");
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

/// A field of the `EditForm` in [`Form`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Email,
    Count,
    Agree,
    Plan,
    When,
}

const FIELDS: [Field; 5] = [Field::Email, Field::Count, Field::Agree, Field::Plan, Field::When];

/// `Form.razor` (`/form`): bound inputs, and an `EditForm` with data-annotation validation
/// (EditContext, DataAnnotationsValidator, ValidationSummary and the Input* components written
/// out in one component: what they render and how their classes follow the field states).
#[derive(Debug)]
pub struct Form {
    name: String,
    age: i32,
    subscribe: bool,
    colour: String,
    bio: String,
    submitted: String,
    email: Option<String>,
    count: i32,
    agree: bool,
    plan: Option<String>,
    when: String,
    modified: Vec<Field>,
    /// Validation messages by field, in validation order.
    messages: Vec<(Field, String)>,
}

impl Default for Form {
    fn default() -> Self {
        Form {
            name: String::new(),
            age: 30,
            subscribe: false,
            colour: "green".into(),
            bio: String::new(),
            submitted: "not yet".into(),
            email: None,
            count: 1,
            agree: false,
            plan: None,
            when: "2026-01-02".into(),
            modified: Vec::new(),
            messages: Vec::new(),
        }
    }
}

fn dotnet_bool(value: bool) -> &'static str {
    if value { "True" } else { "False" }
}

impl Form {
    fn field_messages(&self, field: Field) -> Vec<String> {
        match field {
            Field::Email => match self.email.as_deref() {
                None | Some("") => vec!["The Email field is required.".into()],
                Some(email) => {
                    // EmailAddressAttribute: exactly one '@', not first or last.
                    let at = email.matches('@').count() == 1 && !email.starts_with('@') && !email.ends_with('@');
                    if at {
                        vec![]
                    } else {
                        vec!["The Email field is not a valid e-mail address.".into()]
                    }
                }
            },
            Field::Count if !(1..=10).contains(&self.count) => {
                vec!["The field Count must be between 1 and 10.".into()]
            }
            Field::Plan if self.plan.as_deref().is_none_or(|p| p.trim().is_empty()) => {
                vec!["The Plan field is required.".into()]
            }
            _ => vec![],
        }
    }

    /// `EditContext.NotifyFieldChanged`: the field is modified and re-validated.
    fn field_changed(&mut self, field: Field) {
        if !self.modified.contains(&field) {
            self.modified.push(field);
        }
        self.messages.retain(|(f, _)| *f != field);
        for message in self.field_messages(field) {
            self.messages.push((field, message));
        }
    }

    /// `EditContext.Validate`.
    fn validate(&mut self) -> bool {
        self.messages.clear();
        for field in FIELDS {
            for message in self.field_messages(field) {
                self.messages.push((field, message));
            }
        }
        self.messages.is_empty()
    }

    fn submit(&mut self, _: &EventArgs) {
        if self.validate() {
            self.submitted = format!(
                "{} x{} {} agree={} {}",
                self.email.as_deref().unwrap_or(""),
                self.count,
                self.plan.as_deref().unwrap_or(""),
                dotnet_bool(self.agree),
                self.when
            );
        }
    }

    fn css_class(&self, field: Field) -> &'static str {
        let invalid = self.messages.iter().any(|(f, _)| *f == field);
        match (self.modified.contains(&field), invalid) {
            (true, true) => "modified invalid",
            (true, false) => "modified valid",
            (false, true) => "invalid",
            (false, false) => "valid",
        }
    }

    fn input_attributes(&self, b: &mut RenderTreeBuilder<'_>, sequence: i32, field: Field, name: &'static str) {
        b.add_attribute(sequence, "name", name);
        b.add_attribute(sequence + 1, "class", self.css_class(field));
        if self.messages.iter().any(|(f, _)| *f == field) {
            b.add_attribute(sequence + 2, "aria-invalid", "true");
        }
    }
}

impl Component for Form {
    fn render(&self, b: &mut RenderTreeBuilder<'_>) {
        b.add_markup_content(0, "<h1>Form</h1>\n");
        b.open_element(1, "label");
        b.add_content(2, "Name ");
        b.open_element(3, "input");
        b.add_attribute(4, "id", "name");
        b.add_attribute(5, "value", self.name.clone());
        b.add_attribute(
            6,
            "oninput",
            EventHandler::new(|f: &mut Form, e: &EventArgs| f.name = e.value().unwrap_or_default()),
        );
        b.close_element();
        b.close_element();
        b.add_markup_content(7, "\n");
        b.open_element(8, "label");
        b.add_content(9, "Age ");
        b.open_element(10, "input");
        b.add_attribute(11, "id", "age");
        b.add_attribute(12, "type", "number");
        b.add_attribute(13, "value", self.age.to_string());
        b.add_attribute(
            14,
            "onchange",
            EventHandler::new(|f: &mut Form, e: &EventArgs| {
                if let Some(age) = e.value().and_then(|v| v.trim().parse().ok()) {
                    f.age = age;
                }
            }),
        );
        b.close_element();
        b.close_element();
        b.add_markup_content(15, "\n");
        b.open_element(16, "label");
        b.add_content(17, "Subscribe ");
        b.open_element(18, "input");
        b.add_attribute(19, "id", "subscribe");
        b.add_attribute(20, "type", "checkbox");
        b.add_attribute(21, "checked", self.subscribe);
        b.add_attribute(
            22,
            "onchange",
            EventHandler::new(|f: &mut Form, e: &EventArgs| f.subscribe = e.checked().unwrap_or(false)),
        );
        b.close_element();
        b.close_element();
        b.add_markup_content(23, "\n");
        b.open_element(24, "label");
        b.add_content(25, "Colour\n");
        b.open_element(26, "select");
        b.add_attribute(27, "id", "colour");
        b.add_attribute(28, "value", self.colour.clone());
        b.add_attribute(
            29,
            "onchange",
            EventHandler::new(|f: &mut Form, e: &EventArgs| f.colour = e.value().unwrap_or_default()),
        );
        b.add_markup_content(
            30,
            "<option value=\"red\">Red</option>\n    <option value=\"green\">Green</option>\n    <option value=\"blue\">Blue</option>",
        );
        b.close_element();
        b.close_element();
        b.add_markup_content(31, "\n");
        b.open_element(32, "textarea");
        b.add_attribute(33, "id", "bio");
        b.add_attribute(34, "value", self.bio.clone());
        b.add_attribute(
            35,
            "onchange",
            EventHandler::new(|f: &mut Form, e: &EventArgs| f.bio = e.value().unwrap_or_default()),
        );
        b.close_element();
        b.add_markup_content(36, "\n");
        b.open_element(37, "p");
        b.add_attribute(38, "id", "summary");
        b.add_content(
            39,
            format!(
                "{} ({}) likes {}; subscribed: {}; bio length {}",
                self.name,
                self.age,
                self.colour,
                dotnet_bool(self.subscribe),
                self.bio.encode_utf16().count()
            ),
        );
        b.close_element();
        b.add_markup_content(40, "\n\n");

        // The EditForm.
        b.open_element(41, "form");
        b.add_attribute(42, "method", "post");
        b.add_attribute(43, "onsubmit", EventHandler::new(Form::submit));
        b.open_element(44, "input");
        b.add_attribute(45, "type", "hidden");
        b.add_attribute(46, "name", "__RequestVerificationToken");
        b.add_attribute(47, "value", "brasa");
        b.close_element();
        b.add_markup_content(48, "\n    ");
        if !self.messages.is_empty() {
            b.open_element(49, "ul");
            b.add_attribute(50, "class", "validation-errors");
            for (_, message) in &self.messages {
                b.open_element(51, "li");
                b.add_attribute(52, "class", "validation-message");
                b.add_content(53, message.clone());
                b.close_element();
            }
            b.close_element();
        }
        b.add_markup_content(54, "\n    ");
        b.open_element(55, "input");
        b.add_attribute(56, "id", "email");
        self.input_attributes(b, 57, Field::Email, "model.Email");
        b.add_attribute(60, "value", self.email.clone().unwrap_or_default());
        b.add_attribute(
            61,
            "onchange",
            EventHandler::new(|f: &mut Form, e: &EventArgs| {
                f.email = e.value().filter(|v| !v.is_empty());
                f.field_changed(Field::Email);
            }),
        );
        b.close_element();
        b.add_markup_content(62, "\n    ");
        b.open_element(63, "input");
        b.add_attribute(64, "step", "any");
        b.add_attribute(65, "type", "number");
        b.add_attribute(66, "id", "count");
        self.input_attributes(b, 67, Field::Count, "model.Count");
        b.add_attribute(70, "value", self.count.to_string());
        b.add_attribute(
            71,
            "onchange",
            EventHandler::new(|f: &mut Form, e: &EventArgs| {
                if let Some(count) = e.value().and_then(|v| v.trim().parse().ok()) {
                    f.count = count;
                }
                f.field_changed(Field::Count);
            }),
        );
        b.close_element();
        b.add_markup_content(72, "\n    ");
        b.open_element(73, "input");
        b.add_attribute(74, "id", "agree");
        b.add_attribute(75, "type", "checkbox");
        self.input_attributes(b, 76, Field::Agree, "model.Agree");
        b.add_attribute(79, "value", "True");
        b.add_attribute(80, "checked", self.agree);
        b.add_attribute(
            81,
            "onchange",
            EventHandler::new(|f: &mut Form, e: &EventArgs| {
                f.agree = e.checked().unwrap_or(false);
                f.field_changed(Field::Agree);
            }),
        );
        b.close_element();
        b.add_markup_content(82, "\n    ");
        b.open_element(83, "select");
        b.add_attribute(84, "id", "plan");
        self.input_attributes(b, 85, Field::Plan, "model.Plan");
        b.add_attribute(88, "value", self.plan.clone().unwrap_or_default());
        b.add_attribute(
            89,
            "onchange",
            EventHandler::new(|f: &mut Form, e: &EventArgs| {
                f.plan = e.value().filter(|v| !v.is_empty());
                f.field_changed(Field::Plan);
            }),
        );
        b.add_markup_content(
            90,
            "<option value=\"\">choose</option>\n        <option value=\"free\">Free</option>\n        <option value=\"pro\">Pro</option>",
        );
        b.close_element();
        b.add_markup_content(91, "\n    ");
        b.open_element(92, "input");
        b.add_attribute(93, "id", "when");
        b.add_attribute(94, "type", "date");
        self.input_attributes(b, 95, Field::When, "model.When");
        b.add_attribute(98, "value", self.when.clone());
        b.add_attribute(
            99,
            "onchange",
            EventHandler::new(|f: &mut Form, e: &EventArgs| {
                if let Some(when) = e.value().filter(|v| v.len() == 10) {
                    f.when = when;
                }
                f.field_changed(Field::When);
            }),
        );
        b.close_element();
        b.add_markup_content(100, "\n    <button id=\"submit\" type=\"submit\">Submit</button>");
        b.close_element();
        b.add_markup_content(101, "\n");
        b.open_element(102, "p");
        b.add_attribute(103, "id", "submitted");
        b.add_content(104, self.submitted.clone());
        b.close_element();
        error_ui(b, 105);
    }
}
