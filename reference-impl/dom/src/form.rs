//! Attributes, and the properties Blazor's client sets instead of attributes (`value`,
//! `checked`), with the browser behaviour that decides what shows in `innerHTML`: an
//! `<input>` whose `type` puts its `value` property in "default" mode (hidden, submit, reset,
//! button, image, checkbox, radio) writes the property through to the `value` attribute; every
//! other form control keeps it out of the markup.

use crate::error::EditError;
use crate::html::names::is_valid_attribute_name;
use crate::node::{Arena, Attribute, Namespace, NodeId};

/// The client's `_blazorDeferredValue`: the value it last tried to give an `<input>`,
/// `<select>` or `<textarea>`, kept to apply again once the element (or a matching `<option>`)
/// is in place. For `<select multiple>` it holds the result of `JSON.parse`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Deferred {
    Null,
    Text(String),
    /// A JSON array; non-string items never match an option's value.
    List(Vec<Option<String>>),
    /// A JSON number, boolean or object: `indexOf` on it throws.
    Other {
        truthy: bool,
        json: String,
    },
}

/// Form-control state that is not in the attributes.
#[derive(Debug, Clone, Default)]
pub(crate) struct FormState {
    /// `<input>` (value mode) dirty value, `<textarea>` raw value.
    pub(crate) value: Option<String>,
    /// `<input>` dirty checkedness.
    pub(crate) checked: Option<bool>,
    /// `<option>` dirty selectedness.
    pub(crate) selected: Option<bool>,
    /// `_blazorDeferredValue`.
    pub(crate) deferred: Option<Deferred>,
}

/// How an `<input>`'s `value` property behaves, by its `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ValueMode {
    Value,
    Default,
    DefaultOn,
    Filename,
}

impl Arena {
    fn is_html_element(&self, id: NodeId, name: &str) -> bool {
        self.element(id).is_some_and(|e| e.is_html(name))
    }

    fn value_mode(&self, input: NodeId) -> ValueMode {
        let kind = self
            .element(input)
            .and_then(|e| e.attribute("type"))
            .unwrap_or("")
            .to_ascii_lowercase();
        match kind.as_str() {
            "hidden" | "submit" | "image" | "reset" | "button" => ValueMode::Default,
            "checkbox" | "radio" => ValueMode::DefaultOn,
            "file" => ValueMode::Filename,
            _ => ValueMode::Value,
        }
    }

    /// `element.setAttribute(name, value)`: the name lower-cased on HTML elements, checked, then
    /// set in place or appended.
    pub(crate) fn set_attribute(&mut self, id: NodeId, name: &str, value: &str) -> Result<(), EditError> {
        let Some(e) = self.element(id) else { return Ok(()) };
        let name = if e.namespace == Namespace::Html {
            name.to_ascii_lowercase()
        } else {
            name.to_owned()
        };
        if !is_valid_attribute_name(&name) {
            return Err(EditError::InvalidAttributeName { name });
        }
        let old = (e.is_html("input") && name == "type").then(|| (self.value_mode(id), self.input_value(id)));
        let e = self.element_mut(id).expect("element");
        match e.attributes.iter_mut().find(|a| a.name == name) {
            Some(a) => a.value = value.to_owned(),
            None => e.attributes.push(Attribute {
                name,
                value: value.to_owned(),
            }),
        }
        if let Some((mode, value)) = old {
            self.input_type_changed(id, mode, value)?;
        }
        Ok(())
    }

    /// `element.removeAttribute(name)`.
    pub(crate) fn remove_attribute(&mut self, id: NodeId, name: &str) -> Result<(), EditError> {
        let Some(e) = self.element(id) else { return Ok(()) };
        let name = if e.namespace == Namespace::Html {
            name.to_ascii_lowercase()
        } else {
            name.to_owned()
        };
        let old = (e.is_html("input") && name == "type").then(|| (self.value_mode(id), self.input_value(id)));
        let e = self.element_mut(id).expect("element");
        e.attributes.retain(|a| a.name != name);
        if let Some((mode, value)) = old {
            self.input_type_changed(id, mode, value)?;
        }
        Ok(())
    }

    /// The `type` attribute's change steps for the `value` property, given the mode and the
    /// value before the change.
    fn input_type_changed(&mut self, input: NodeId, old: ValueMode, value: String) -> Result<(), EditError> {
        let new = self.value_mode(input);
        if old == ValueMode::Value && matches!(new, ValueMode::Default | ValueMode::DefaultOn) {
            if !value.is_empty() {
                self.set_attribute(input, "value", &value)?;
            }
        } else if (old != ValueMode::Value && new == ValueMode::Value)
            || (old != ValueMode::Filename && new == ValueMode::Filename)
        {
            self.element_mut(input).expect("input").form.value = None;
        }
        Ok(())
    }

    fn input_value(&self, input: NodeId) -> String {
        let e = self.element(input).expect("input");
        let attribute = e.attribute("value");
        match self.value_mode(input) {
            ValueMode::Value => e
                .form
                .value
                .clone()
                .or(attribute.map(str::to_owned))
                .unwrap_or_default(),
            ValueMode::Default => attribute.unwrap_or("").to_owned(),
            ValueMode::DefaultOn => attribute.unwrap_or("on").to_owned(),
            ValueMode::Filename => String::new(),
        }
    }

    /// An `<option>`'s value: its `value` attribute, else its text with whitespace collapsed.
    pub(crate) fn option_value(&self, option: NodeId) -> String {
        if let Some(v) = self.element(option).and_then(|e| e.attribute("value")) {
            return v.to_owned();
        }
        self.text_content(option)
            .split_ascii_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn option_selected(&self, option: NodeId) -> bool {
        let e = self.element(option).expect("option");
        e.form.selected.unwrap_or_else(|| e.attribute("selected").is_some())
    }

    /// The `<option>` descendants of a `<select>`, in tree order.
    fn options(&self, select: NodeId) -> Vec<NodeId> {
        let mut out = Vec::new();
        let mut stack: Vec<NodeId> = self.children(select).collect();
        stack.reverse();
        while let Some(n) = stack.pop() {
            if self.is_html_element(n, "option") {
                out.push(n);
            }
            let mut children: Vec<NodeId> = self.children(n).collect();
            children.reverse();
            stack.extend(children);
        }
        out
    }

    fn is_multiple_select(&self, select: NodeId) -> bool {
        self.element(select).is_some_and(|e| e.attribute("multiple").is_some())
    }

    /// `select.value = value || ''`: the first option with that value becomes the selected one.
    fn set_single_select_value(&mut self, select: NodeId, value: &str) {
        let mut found = false;
        for option in self.options(select) {
            let matches = !found && self.option_value(option) == value;
            found |= matches;
            self.element_mut(option).expect("option").form.selected = Some(matches);
        }
    }

    fn set_multiple_select_value(&mut self, select: NodeId, value: &Deferred) -> Result<(), EditError> {
        // `value ||= []`
        let empty = Deferred::List(Vec::new());
        let value = match value {
            Deferred::Null | Deferred::Other { truthy: false, .. } => &empty,
            Deferred::Text(t) if t.is_empty() => &empty,
            v => v,
        };
        for option in self.options(select) {
            let selected = index_of(value, &self.option_value(option))?;
            self.element_mut(option).expect("option").form.selected = Some(selected);
        }
        Ok(())
    }

    /// `(element as any).value = value`, for the elements where that means something.
    fn set_value_property(&mut self, id: NodeId, value: Option<&str>) -> Result<(), EditError> {
        let value = value.unwrap_or("");
        if self.is_html_element(id, "input") {
            match self.value_mode(id) {
                ValueMode::Value => self.element_mut(id).expect("input").form.value = Some(value.to_owned()),
                ValueMode::Default | ValueMode::DefaultOn => self.set_attribute(id, "value", value)?,
                ValueMode::Filename if value.is_empty() => {}
                ValueMode::Filename => {
                    return Err(EditError::FileInputValue {
                        value: value.to_owned(),
                    });
                }
            }
        } else if self.is_html_element(id, "textarea") {
            self.element_mut(id).expect("textarea").form.value = Some(value.to_owned());
        } else if self.is_html_element(id, "select") {
            self.set_single_select_value(id, value);
        }
        Ok(())
    }

    fn set_deferred_element_value(&mut self, id: NodeId, value: &Deferred) -> Result<(), EditError> {
        if self.is_html_element(id, "select") {
            if self.is_multiple_select(id) {
                return self.set_multiple_select_value(id, value);
            }
            let text = match value {
                Deferred::Text(t) => t.as_str(),
                _ => "",
            };
            self.set_single_select_value(id, text);
            return Ok(());
        }
        match value {
            Deferred::Text(t) => self.set_value_property(id, Some(t)),
            _ => self.set_value_property(id, None),
        }
    }

    /// `tryApplySpecialProperty`: `value` on `<input>`, `<select>`, `<textarea>` and `<option>`,
    /// `checked` on `<input>`. `Ok(false)` when the attribute is an ordinary one.
    pub(crate) fn try_apply_special_property(
        &mut self,
        id: NodeId,
        name: &str,
        value: Option<&str>,
    ) -> Result<bool, EditError> {
        let e = self.element(id).expect("element");
        match name {
            "checked" if e.tag_name_is("INPUT") => {
                self.element_mut(id).expect("input").form.checked = Some(value.is_some());
                Ok(true)
            }
            "value" if e.tag_name_is("INPUT") || e.tag_name_is("SELECT") || e.tag_name_is("TEXTAREA") => {
                let mut value = value.map(str::to_owned);
                if e.tag_name_is("INPUT") {
                    if let Some(v) = value.as_mut().filter(|v| !v.is_empty()) {
                        normalize_input_value(v, e.attribute("type"), e.attribute("step").is_some());
                    }
                }
                let deferred = match value {
                    None => Deferred::Null,
                    Some(v) if !v.is_empty() && e.is_html("select") && self.is_multiple_select(id) => parse_json(&v)?,
                    Some(v) => Deferred::Text(v),
                };
                self.set_deferred_element_value(id, &deferred)?;
                self.element_mut(id).expect("element").form.deferred = Some(deferred);
                Ok(true)
            }
            "value" if e.tag_name_is("OPTION") => {
                match value {
                    Some(v) => self.set_attribute(id, "value", v)?,
                    None => self.remove_attribute(id, "value")?,
                }
                self.try_set_select_value_from_option(id)?;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// `applyAnyDeferredValue`, run after an element and its descendants are inserted.
    pub(crate) fn apply_any_deferred_value(&mut self, id: NodeId) -> Result<(), EditError> {
        if self.is_html_element(id, "option") {
            self.try_set_select_value_from_option(id)?;
        } else if let Some(deferred) = self.element(id).and_then(|e| e.form.deferred.clone()) {
            self.set_deferred_element_value(id, &deferred)?;
        }
        Ok(())
    }

    /// When an `<option>` arrives inside a `<select>` that is waiting for a value it may carry.
    fn try_set_select_value_from_option(&mut self, option: NodeId) -> Result<(), EditError> {
        let mut at = Some(option);
        let select = loop {
            match at {
                Some(n) if self.is_html_element(n, "select") => break n,
                Some(n) if self.element(n).is_some() => at = self.node(n).parent,
                _ => return Ok(()),
            }
        };
        let Some(deferred) = self.element(select).and_then(|e| e.form.deferred.clone()) else {
            return Ok(());
        };
        let value = self.option_value(option);
        if self.is_multiple_select(select) {
            let selected = index_of(&deferred, &value)?;
            self.element_mut(option).expect("option").form.selected = Some(selected);
        } else if deferred == Deferred::Text(value.clone()) {
            self.set_single_select_value(select, &value);
            self.element_mut(select).expect("select").form.deferred = None;
        }
        Ok(())
    }

    /// The `value` property as a script would read it.
    pub(crate) fn value_property(&self, id: NodeId) -> Option<String> {
        let e = self.element(id)?;
        if e.namespace != Namespace::Html {
            return None;
        }
        match e.name.as_str() {
            "input" => Some(self.input_value(id)),
            "textarea" => Some(e.form.value.clone().unwrap_or_else(|| self.text_content(id))),
            "option" => Some(self.option_value(id)),
            "select" => Some(
                self.options(id)
                    .into_iter()
                    .find(|&o| self.option_selected(o))
                    .map(|o| self.option_value(o))
                    .unwrap_or_default(),
            ),
            _ => None,
        }
    }

    /// The `checked` property of an `<input>`.
    pub(crate) fn checked_property(&self, id: NodeId) -> Option<bool> {
        let e = self.element(id).filter(|e| e.is_html("input"))?;
        Some(e.form.checked.unwrap_or_else(|| e.attribute("checked").is_some()))
    }

    /// The `selected` property of an `<option>`.
    pub(crate) fn selected_property(&self, id: NodeId) -> Option<bool> {
        self.is_html_element(id, "option").then(|| self.option_selected(id))
    }
}

/// `normalizeInputValue`: time inputs drop a `:00` seconds part (or any seconds part when they
/// have no `step`).
fn normalize_input_value(value: &mut String, kind: Option<&str>, has_step: bool) {
    let keep = match kind {
        Some("time") => 5,
        Some("datetime-local") => 16,
        _ => return,
    };
    let full = if keep == 5 { 8 } else { 19 };
    if value.chars().count() == full && (value.ends_with("00") || !has_step) {
        *value = value.chars().take(keep).collect();
    }
}

/// `JSON.parse` of a `<select multiple>`'s value.
fn parse_json(text: &str) -> Result<Deferred, EditError> {
    let parsed: serde_json::Value =
        serde_json::from_str(text).map_err(|_| EditError::InvalidMultipleSelectValue { value: text.to_owned() })?;
    Ok(match parsed {
        serde_json::Value::Null => Deferred::Null,
        serde_json::Value::String(s) => Deferred::Text(s),
        serde_json::Value::Array(items) => {
            Deferred::List(items.into_iter().map(|v| v.as_str().map(str::to_owned)).collect())
        }
        serde_json::Value::Bool(b) => Deferred::Other {
            truthy: b,
            json: text.to_owned(),
        },
        serde_json::Value::Number(n) => Deferred::Other {
            truthy: n.as_f64() != Some(0.0),
            json: text.to_owned(),
        },
        serde_json::Value::Object(_) => Deferred::Other {
            truthy: true,
            json: text.to_owned(),
        },
    })
}

/// `value.indexOf(needle) !== -1` on a deferred value.
fn index_of(value: &Deferred, needle: &str) -> Result<bool, EditError> {
    match value {
        Deferred::List(items) => Ok(items.iter().any(|i| i.as_deref() == Some(needle))),
        Deferred::Text(text) => Ok(text.contains(needle)),
        Deferred::Null => Err(EditError::NullMultipleSelectValue),
        Deferred::Other { json, .. } => Err(EditError::InvalidMultipleSelectValue { value: json.clone() }),
    }
}
