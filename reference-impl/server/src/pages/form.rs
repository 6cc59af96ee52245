//! `Form.razor` (`/form`).

use brasa_render::{Component, EventArgs, EventHandler, RenderTreeBuilder};

use super::error_ui;

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
        // Every @bind binder (CreateBinder) is a new delegate on each render: a new event handler
        // id each time, the old one retired in the batch (fact sheet §8.5).
        b.add_attribute(
            6,
            "oninput",
            EventHandler::unique(|f: &mut Form, e: &EventArgs| f.name = e.value().unwrap_or_default()),
        );
        // @bind names the attribute its binder updates (SetUpdatesAttributeName): the value the
        // browser reports with the event is written there before the handler runs (RT-3.4).
        b.set_updates_attribute_name("value");
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
            EventHandler::unique(|f: &mut Form, e: &EventArgs| {
                if let Some(age) = e.value().and_then(|v| v.trim().parse().ok()) {
                    f.age = age;
                }
            }),
        );
        b.set_updates_attribute_name("value");
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
            EventHandler::unique(|f: &mut Form, e: &EventArgs| f.subscribe = e.checked().unwrap_or(false)),
        );
        b.set_updates_attribute_name("checked");
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
            EventHandler::unique(|f: &mut Form, e: &EventArgs| f.colour = e.value().unwrap_or_default()),
        );
        b.set_updates_attribute_name("value");
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
            EventHandler::unique(|f: &mut Form, e: &EventArgs| f.bio = e.value().unwrap_or_default()),
        );
        b.set_updates_attribute_name("value");
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
            EventHandler::unique(|f: &mut Form, e: &EventArgs| {
                f.email = e.value().filter(|v| !v.is_empty());
                f.field_changed(Field::Email);
            }),
        );
        b.set_updates_attribute_name("value");
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
            EventHandler::unique(|f: &mut Form, e: &EventArgs| {
                if let Some(count) = e.value().and_then(|v| v.trim().parse().ok()) {
                    f.count = count;
                }
                f.field_changed(Field::Count);
            }),
        );
        b.set_updates_attribute_name("value");
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
            EventHandler::unique(|f: &mut Form, e: &EventArgs| {
                f.agree = e.checked().unwrap_or(false);
                f.field_changed(Field::Agree);
            }),
        );
        b.set_updates_attribute_name("checked");
        b.close_element();
        b.add_markup_content(82, "\n    ");
        b.open_element(83, "select");
        b.add_attribute(84, "id", "plan");
        self.input_attributes(b, 85, Field::Plan, "model.Plan");
        b.add_attribute(88, "value", self.plan.clone().unwrap_or_default());
        b.add_attribute(
            89,
            "onchange",
            EventHandler::unique(|f: &mut Form, e: &EventArgs| {
                f.plan = e.value().filter(|v| !v.is_empty());
                f.field_changed(Field::Plan);
            }),
        );
        b.set_updates_attribute_name("value");
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
            EventHandler::unique(|f: &mut Form, e: &EventArgs| {
                if let Some(when) = e.value().filter(|v| v.len() == 10) {
                    f.when = when;
                }
                f.field_changed(Field::When);
            }),
        );
        b.set_updates_attribute_name("value");
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

#[cfg(test)]
mod tests {
    use brasa_protocol::render_batch::{Edit, Frame};
    use brasa_render::{Batch, ChangeValue, EventArgs, EventFieldInfo};

    use super::*;
    use crate::pages::testing::Page;

    /// The names of the attributes a batch sets.
    fn attributes_set(batch: &Batch) -> Vec<String> {
        let edits = batch.updated_components.iter().flat_map(|d| &d.edits);
        edits
            .filter_map(|edit| match edit {
                Edit::SetAttribute {
                    reference_frame_index, ..
                } => match &batch.reference_frames[*reference_frame_index as usize] {
                    Frame::Attribute { name, .. } => Some(name.to_string()),
                    _ => None,
                },
                _ => None,
            })
            .collect()
    }

    #[test]
    fn bound_values_the_browser_reports_are_not_sent_back() {
        // RT-3.4, EV-3.5: with the field info the browser sends, the render after typing into
        // #name or checking #subscribe sets neither `value` nor `checked` (only the binders'
        // new handlers); an event without it sends the value back.
        let mut page = Page::new(Form::default());
        let root = page.root;
        let dispatch = |page: &mut Page, id: &str, event: &str, value: ChangeValue, with_info: bool| {
            let handler = page.handler(id, event);
            let info = EventFieldInfo {
                component_id: root,
                field_value: value.clone(),
            };
            let batch = page
                .renderer
                .dispatch_event_with_field_info(handler, with_info.then_some(&info), &EventArgs::Change(value))
                .unwrap()
                .unwrap();
            page.apply(&batch);
            attributes_set(&batch)
        };
        let set = dispatch(&mut page, "name", "input", ChangeValue::String("Ada".into()), true);
        assert!(
            set.contains(&"oninput".to_owned()) && !set.contains(&"value".to_owned()),
            "{set:?}"
        );
        let set = dispatch(&mut page, "subscribe", "change", ChangeValue::Bool(true), true);
        assert!(!set.contains(&"checked".to_owned()), "{set:?}");
        let form = page.renderer.component::<Form>(root).unwrap();
        assert_eq!((form.name.as_str(), form.subscribe), ("Ada", true));

        let mut page = Page::new(Form::default());
        let set = dispatch(&mut page, "name", "input", ChangeValue::String("Ada".into()), false);
        assert!(set.contains(&"value".to_owned()), "{set:?}");
    }
}
