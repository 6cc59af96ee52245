//! A sign-up form: text inputs, a select and a checkbox bound to the component's state
//! (`@bind`: a `value`/`checked` attribute plus an `onchange` handler), and a summary shown on
//! submit.

use brasa_render::{Component, EventArgs, EventHandler, RenderTreeBuilder};

/// The form component.
#[derive(Debug)]
pub struct SignupForm {
    /// Bound to the name input.
    pub name: String,
    /// Bound to the email input.
    pub email: String,
    /// Bound to the plan select.
    pub plan: String,
    /// Bound to the newsletter checkbox.
    pub subscribe: bool,
    /// The summary, once submitted.
    pub submitted: Option<String>,
}

impl Default for SignupForm {
    fn default() -> Self {
        SignupForm {
            name: String::new(),
            email: String::new(),
            plan: "free".into(),
            subscribe: false,
            submitted: None,
        }
    }
}

impl SignupForm {
    fn submit(&mut self, _: &EventArgs) {
        let newsletter = if self.subscribe { ", with the newsletter" } else { "" };
        self.submitted = Some(format!(
            "Thanks, {} <{}>: {} plan{newsletter}.",
            self.name, self.email, self.plan
        ));
    }
}

/// Writes a labelled text input bound to a field (value attribute + onchange handler).
fn text_input(
    b: &mut RenderTreeBuilder<'_>,
    sequence: i32,
    label: &'static str,
    input_type: &'static str,
    value: &str,
    set: fn(&mut SignupForm, String),
) {
    b.open_element(sequence, "label");
    b.add_content(sequence + 1, label);
    b.open_element(sequence + 2, "input");
    b.add_attribute(sequence + 3, "type", input_type);
    b.add_attribute(sequence + 4, "value", value.to_owned());
    b.add_attribute(
        sequence + 5,
        "onchange",
        EventHandler::capturing(
            set,
            |form: &mut SignupForm, set: &fn(&mut SignupForm, String), e: &EventArgs| {
                set(form, e.value().unwrap_or_default())
            },
        ),
    );
    b.close_element();
    b.close_element();
}

impl Component for SignupForm {
    fn render(&self, b: &mut RenderTreeBuilder<'_>) {
        b.open_element(0, "form");
        b.add_attribute(1, "onsubmit", EventHandler::new(SignupForm::submit));
        text_input(b, 2, "Name", "text", &self.name, |f, v| f.name = v);
        text_input(b, 10, "Email", "email", &self.email, |f, v| f.email = v);
        b.open_element(20, "select");
        b.add_attribute(21, "value", self.plan.clone());
        b.add_attribute(
            22,
            "onchange",
            EventHandler::new(|f: &mut SignupForm, e: &EventArgs| f.plan = e.value().unwrap_or_default()),
        );
        for (value, text) in [("free", "Free"), ("pro", "Pro")] {
            b.open_element(23, "option");
            b.add_attribute(24, "value", value);
            b.add_content(25, text);
            b.close_element();
        }
        b.close_element();
        b.open_element(26, "label");
        b.open_element(27, "input");
        b.add_attribute(28, "type", "checkbox");
        b.add_attribute(29, "checked", self.subscribe);
        b.add_attribute(
            30,
            "onchange",
            EventHandler::new(|f: &mut SignupForm, e: &EventArgs| f.subscribe = e.checked().unwrap_or(false)),
        );
        b.close_element();
        b.add_content(31, "Send me the newsletter");
        b.close_element();
        b.open_element(32, "button");
        b.add_attribute(33, "type", "submit");
        b.add_content(34, "Sign up");
        b.close_element();
        b.close_element();
        if let Some(summary) = &self.submitted {
            b.open_element(35, "p");
            b.add_attribute(36, "class", "summary");
            b.add_content(37, summary.clone());
            b.close_element();
        }
    }
}

#[cfg(test)]
mod tests {
    use brasa_protocol::render_batch::{Edit, Frame};
    use brasa_render::{ChangeValue, EventArgs, Renderer};

    use super::SignupForm;
    use crate::event_handler_ids;
    use crate::test_support::decoded;

    #[test]
    fn bound_inputs_update_state_and_submit_shows_a_summary() {
        let mut renderer = Renderer::new();
        let root = renderer.add_root_component(SignupForm::default());
        decoded(&renderer.render_root_component(root).unwrap().unwrap());
        let changes = event_handler_ids(&renderer, root, "onchange");
        assert_eq!(changes.len(), 4);

        let batch = decoded(
            &renderer
                .dispatch_event(changes[0], &EventArgs::change("Ada"))
                .unwrap()
                .unwrap(),
        );
        // The value attribute follows the state (Blazor re-sends it, as the diff sees it change).
        assert!(batch.reference_frames.contains(&Frame::Attribute {
            name: "value".into(),
            value: Some("Ada".into()),
            event_handler_id: 0
        }));
        renderer
            .dispatch_event(changes[1], &EventArgs::change("ada@example.org"))
            .unwrap();
        renderer.dispatch_event(changes[2], &EventArgs::change("pro")).unwrap();
        let batch = decoded(
            &renderer
                .dispatch_event(changes[3], &EventArgs::Change(ChangeValue::Bool(true)))
                .unwrap()
                .unwrap(),
        );
        assert!(batch.reference_frames.contains(&Frame::Attribute {
            name: "checked".into(),
            value: Some("".into()),
            event_handler_id: 0
        }));

        let submit = event_handler_ids(&renderer, root, "onsubmit")[0];
        let batch = decoded(&renderer.dispatch_event(submit, &EventArgs::Empty).unwrap().unwrap());
        assert_eq!(
            batch.updated_components[0].edits,
            [Edit::PrependFrame {
                sibling_index: 1,
                reference_frame_index: 0
            }]
        );
        assert!(batch.reference_frames.contains(&Frame::Text {
            content: "Thanks, Ada <ada@example.org>: pro plan, with the newsletter.".into()
        }));
    }
}
