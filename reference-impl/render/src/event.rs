//! Event arguments and the errors of rendering and event dispatch.

use crate::builder::BuildError;
use crate::frame::ComponentId;

/// The arguments of a browser event, as a handler receives them.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum EventArgs {
    /// No arguments (or none the handler needs).
    #[default]
    Empty,
    /// `change` and `input` events: the element's new value.
    Change(ChangeValue),
    /// Any other event's arguments, as the browser sent them.
    Json(serde_json::Value),
}

/// The value a `change` or `input` event carries.
#[derive(Debug, Clone, PartialEq)]
pub enum ChangeValue {
    /// A text value.
    String(String),
    /// A checkbox's checked state.
    Bool(bool),
}

impl EventArgs {
    /// A `change`/`input` event with a text value.
    pub fn change(value: impl Into<String>) -> Self {
        EventArgs::Change(ChangeValue::String(value.into()))
    }

    /// The text value of a `change`/`input` event (a checkbox's state as `"true"`/`"false"`).
    pub fn value(&self) -> Option<String> {
        match self {
            EventArgs::Change(ChangeValue::String(value)) => Some(value.clone()),
            EventArgs::Change(ChangeValue::Bool(value)) => Some(value.to_string()),
            EventArgs::Json(json) => match json.get("value")? {
                serde_json::Value::String(value) => Some(value.clone()),
                serde_json::Value::Bool(value) => Some(value.to_string()),
                _ => None,
            },
            EventArgs::Empty => None,
        }
    }

    /// The checked state of a checkbox's `change` event.
    pub fn checked(&self) -> Option<bool> {
        match self {
            EventArgs::Change(ChangeValue::Bool(value)) => Some(*value),
            EventArgs::Json(json) => json.get("value")?.as_bool(),
            _ => None,
        }
    }
}

/// The state of the form field an event happened on, as the browser reports it with the event
/// (the event descriptor's `eventFieldInfo`, Blazor's `EventFieldInfo`), for two-way binding.
#[derive(Debug, Clone, PartialEq)]
pub struct EventFieldInfo {
    /// The component whose render tree holds the field's element.
    pub component_id: ComponentId,
    /// The field's value: its `value`, or a checkbox's `checked` state.
    pub field_value: ChangeValue,
}

/// Why a render failed. Like a Blazor circuit after an unhandled rendering exception, the
/// renderer is faulted afterwards and refuses further work.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    /// A component's render misused the builder.
    #[error("component {component_id} rendered an invalid tree: {error}")]
    InvalidRenderTree {
        /// The component.
        component_id: ComponentId,
        /// The misuse.
        error: BuildError,
    },
    /// Two siblings have the same key.
    #[error("more than one sibling in component {component_id}'s tree has the key {key}; keys must be unique")]
    DuplicateKey {
        /// The component.
        component_id: ComponentId,
        /// The key, as text.
        key: String,
    },
    /// The diff met a frame where none of that type may be.
    #[error("component {component_id}'s tree has a {frame_type} frame where the diff cannot handle one")]
    UnsupportedFrame {
        /// The component.
        component_id: ComponentId,
        /// The frame type.
        frame_type: &'static str,
    },
    /// There is no component with this id (never created, or disposed).
    #[error("there is no component with id {0}")]
    UnknownComponent(ComponentId),
    /// The component is not of the type asked for.
    #[error("component {component_id} is not a {expected}")]
    ComponentTypeMismatch {
        /// The component.
        component_id: ComponentId,
        /// The type asked for.
        expected: &'static str,
    },
    /// An earlier render failed; the renderer does no more work.
    #[error("the renderer is faulted by an earlier error")]
    Faulted,
}

/// Why an event could not be dispatched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DispatchEventError {
    /// No event handler was ever given this id.
    #[error("there is no event handler with id {0}: none was ever given that id")]
    UnknownEventHandler(u64),
    /// The id was given to an event handler that has since been retired (listed in an earlier
    /// batch's disposed event handler ids).
    #[error("there is no event handler with id {0}: it was retired by an earlier batch")]
    RetiredEventHandler(u64),
    /// The handler's receiver component is not of the type the handler was written for.
    #[error("event handler {event_handler_id} expects its receiver component {component_id} to be a {expected}")]
    ReceiverTypeMismatch {
        /// The event handler id.
        event_handler_id: u64,
        /// The receiver component.
        component_id: ComponentId,
        /// The type the handler expects.
        expected: &'static str,
    },
    /// The render that followed the handler failed.
    #[error(transparent)]
    Render(#[from] RenderError),
}

/// Why a named event (`@formname`) could not be found ([`crate::Renderer::find_named_event`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NamedEventError {
    /// No live named event of this type has this name.
    #[error("no {event_type} event currently has the name {assigned_name:?}")]
    NotFound {
        /// The event type.
        event_type: String,
        /// The name asked for.
        assigned_name: String,
    },
    /// More than one live named event of this type has this name.
    #[error(
        "more than one {event_type} event has the name {assigned_name:?} (components {component_ids:?}); names must be unique"
    )]
    Ambiguous {
        /// The event type.
        event_type: String,
        /// The name asked for.
        assigned_name: String,
        /// The components whose trees hold them, in order (a component listed once per frame).
        component_ids: Vec<ComponentId>,
    },
}
