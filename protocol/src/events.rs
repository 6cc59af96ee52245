//! Browser events as Blazor delivers them to the server (`spec/events.md`, EV-…): the
//! `DispatchEventAsync` call, its event descriptor (event handler id, event name, and the form
//! field state used by two-way binding), and the event args of every standard family, typed with
//! ASP.NET Core 10's member names and .NET types.
//!
//! Reading follows ASP.NET Core 10's own readers rule for rule, so that a server built on this
//! module accepts and rejects exactly what the real server does: members are read in order, an
//! unknown member fails (EV-4.1), a repeated member overrides the earlier one, a missing member
//! keeps its default, and a value of the wrong JSON kind fails. Every failure is an
//! [`EventError`] that names the family and the member; the circuit turns it into a failed call,
//! never into a closed circuit (EV-6.1). Nothing here panics on input, and what is allocated is
//! bounded by the input's length and the configured [`EventLimits`] (EV-2.2).
//!
//! Writing ([`DispatchEvent::arguments_json`], `Serialize`) produces the JSON that Blazor's
//! browser script produces for the same values: members in the script's order, numbers as
//! JavaScript writes them, absent optional members left out (EV-4.2).
//!
//! The typed structs also derive `Deserialize` (missing members default, unknown members fail)
//! for JSON from a trusted writer; the `parse_*` functions and [`DispatchEvent::from_call`] are
//! the readers that apply ASP.NET Core's rules exactly (repeated members, `ChangeEventArgs`'s
//! early stop, `float` ranges, and errors that name the member).

use std::fmt;

use schemars::JsonSchema;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::blazor::{ClientCall, ServerCall};

/// The instance method of the renderer's interop object that receives events (EV-1.1).
pub const DISPATCH_EVENT_METHOD: &str = "DispatchEventAsync";

/// The result text of a dispatch that succeeded (EV-1.2).
pub const DISPATCH_SUCCESS_RESULT: &str = "{}";

/// The member that marks a JSON object as a .NET object reference; an argument starting with it
/// fails the call (EV-2.1).
const DOTNET_OBJECT_KEY: &str = "__dotNetObject";

// ------------------------------------------------------------------------------------------------
// Limits

/// Limits applied to a dispatch's arguments JSON (EV-2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventLimits {
    /// Longest arguments JSON accepted, in bytes. Default 32 KiB, ASP.NET Core's default maximum
    /// hub message size, so no default deployment ever receives a longer one.
    pub max_arguments_bytes: usize,
    /// Deepest nesting of arrays and objects accepted, the outer array counting as 1. Default 32,
    /// the depth limit of ASP.NET Core's interop JSON options; Blazor's client never exceeds 5.
    pub max_depth: usize,
}

impl Default for EventLimits {
    fn default() -> Self {
        EventLimits {
            max_arguments_bytes: 32 * 1024,
            max_depth: 32,
        }
    }
}

// ------------------------------------------------------------------------------------------------
// Families and event names

/// The kinds of event args, each a .NET `EventArgs` type (EV-5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventFamily {
    /// `MouseEventArgs`.
    Mouse,
    /// `PointerEventArgs` (mouse members and pointer members).
    Pointer,
    /// `WheelEventArgs` (mouse members and wheel deltas).
    Wheel,
    /// `DragEventArgs` (mouse members and `dataTransfer`).
    Drag,
    /// `KeyboardEventArgs`.
    Keyboard,
    /// `FocusEventArgs`.
    Focus,
    /// `ClipboardEventArgs`.
    Clipboard,
    /// `ChangeEventArgs` (`input` and `change`).
    Change,
    /// `TouchEventArgs`.
    Touch,
    /// `ProgressEventArgs`.
    Progress,
    /// `ErrorEventArgs`.
    Error,
    /// The plain `EventArgs` of `toggle`, `cancel` and `close`: the args JSON is not read (EV-5.2).
    Empty,
    /// Any other name: the args are bound to the handler's own parameter type (EV-5.3).
    Custom,
}

/// Event name → family, exactly as ASP.NET Core 10's `WebEventData` lists them (EV-5.1).
/// Names are compared case-sensitively; a name not listed is [`EventFamily::Custom`].
const EVENT_NAMES: &[(&str, EventFamily)] = &[
    ("input", EventFamily::Change),
    ("change", EventFamily::Change),
    ("copy", EventFamily::Clipboard),
    ("cut", EventFamily::Clipboard),
    ("paste", EventFamily::Clipboard),
    ("drag", EventFamily::Drag),
    ("dragend", EventFamily::Drag),
    ("dragenter", EventFamily::Drag),
    ("dragleave", EventFamily::Drag),
    ("dragover", EventFamily::Drag),
    ("dragstart", EventFamily::Drag),
    ("drop", EventFamily::Drag),
    ("focus", EventFamily::Focus),
    ("blur", EventFamily::Focus),
    ("focusin", EventFamily::Focus),
    ("focusout", EventFamily::Focus),
    ("keydown", EventFamily::Keyboard),
    ("keyup", EventFamily::Keyboard),
    ("keypress", EventFamily::Keyboard),
    ("contextmenu", EventFamily::Mouse),
    ("click", EventFamily::Mouse),
    ("mouseover", EventFamily::Mouse),
    ("mouseout", EventFamily::Mouse),
    ("mousemove", EventFamily::Mouse),
    ("mousedown", EventFamily::Mouse),
    ("mouseup", EventFamily::Mouse),
    ("dblclick", EventFamily::Mouse),
    ("error", EventFamily::Error),
    ("loadstart", EventFamily::Progress),
    ("timeout", EventFamily::Progress),
    ("abort", EventFamily::Progress),
    ("load", EventFamily::Progress),
    ("loadend", EventFamily::Progress),
    ("progress", EventFamily::Progress),
    ("touchcancel", EventFamily::Touch),
    ("touchend", EventFamily::Touch),
    ("touchmove", EventFamily::Touch),
    ("touchenter", EventFamily::Touch),
    ("touchleave", EventFamily::Touch),
    ("touchstart", EventFamily::Touch),
    ("gotpointercapture", EventFamily::Pointer),
    ("lostpointercapture", EventFamily::Pointer),
    ("pointercancel", EventFamily::Pointer),
    ("pointerdown", EventFamily::Pointer),
    ("pointerenter", EventFamily::Pointer),
    ("pointerleave", EventFamily::Pointer),
    ("pointermove", EventFamily::Pointer),
    ("pointerout", EventFamily::Pointer),
    ("pointerover", EventFamily::Pointer),
    ("pointerup", EventFamily::Pointer),
    ("wheel", EventFamily::Wheel),
    ("mousewheel", EventFamily::Wheel),
    ("cancel", EventFamily::Empty),
    ("close", EventFamily::Empty),
    ("toggle", EventFamily::Empty),
];

impl EventFamily {
    /// Every family with a fixed shape, in the order of the spec's tables (all but `Custom`).
    pub const STANDARD: [EventFamily; 12] = [
        EventFamily::Mouse,
        EventFamily::Wheel,
        EventFamily::Pointer,
        EventFamily::Drag,
        EventFamily::Keyboard,
        EventFamily::Focus,
        EventFamily::Clipboard,
        EventFamily::Change,
        EventFamily::Touch,
        EventFamily::Progress,
        EventFamily::Error,
        EventFamily::Empty,
    ];

    /// The family of an event name (EV-5.1): case-sensitive, unlisted names are `Custom`.
    pub fn of(event_name: &str) -> EventFamily {
        EVENT_NAMES
            .iter()
            .find(|(name, _)| *name == event_name)
            .map_or(EventFamily::Custom, |(_, family)| *family)
    }

    /// The event names of this family, in the spec's order (none for `Custom`).
    pub fn event_names(self) -> impl Iterator<Item = &'static str> {
        EVENT_NAMES
            .iter()
            .filter(move |(_, f)| *f == self)
            .map(|(name, _)| *name)
    }

    /// Lowercase name, also the name of the family's schema file.
    pub fn name(self) -> &'static str {
        match self {
            EventFamily::Mouse => "mouse",
            EventFamily::Pointer => "pointer",
            EventFamily::Wheel => "wheel",
            EventFamily::Drag => "drag",
            EventFamily::Keyboard => "keyboard",
            EventFamily::Focus => "focus",
            EventFamily::Clipboard => "clipboard",
            EventFamily::Change => "change",
            EventFamily::Touch => "touch",
            EventFamily::Progress => "progress",
            EventFamily::Error => "error",
            EventFamily::Empty => "empty",
            EventFamily::Custom => "custom",
        }
    }

    /// The .NET type ASP.NET Core creates (`None` for `Custom`, which uses the handler's type).
    pub fn dotnet_type(self) -> Option<&'static str> {
        Some(match self {
            EventFamily::Mouse => "MouseEventArgs",
            EventFamily::Pointer => "PointerEventArgs",
            EventFamily::Wheel => "WheelEventArgs",
            EventFamily::Drag => "DragEventArgs",
            EventFamily::Keyboard => "KeyboardEventArgs",
            EventFamily::Focus => "FocusEventArgs",
            EventFamily::Clipboard => "ClipboardEventArgs",
            EventFamily::Change => "ChangeEventArgs",
            EventFamily::Touch => "TouchEventArgs",
            EventFamily::Progress => "ProgressEventArgs",
            EventFamily::Error => "ErrorEventArgs",
            EventFamily::Empty => "EventArgs",
            EventFamily::Custom => return None,
        })
    }
}

impl fmt::Display for EventFamily {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

// ------------------------------------------------------------------------------------------------
// Numbers as JavaScript writes them (EV-4.2)

/// Writes a double as `JSON.stringify` does for the values browsers produce: an integral value
/// below 2^53 in magnitude without a fraction (`51`, not `51.0`), anything else in shortest form.
fn js_number<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    if value.fract() == 0.0 && value.abs() < EXACT {
        // Exact: |value| < 2^53 and integral.
        serializer.serialize_i64(*value as i64)
    } else {
        serializer.serialize_f64(*value)
    }
}

/// A .NET `float` is sent as the double of the same value, which is what the browser sends too.
fn js_number_f32<S: Serializer>(value: &f32, serializer: S) -> Result<S::Ok, S::Error> {
    js_number(&f64::from(*value), serializer)
}

/// Reads a .NET `float` (`GetSingle`): any JSON number whose value is finite as a float.
fn finite_f32<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f32, D::Error> {
    let wide = f64::deserialize(deserializer)?;
    let narrow = wide as f32;
    if narrow.is_finite() {
        Ok(narrow)
    } else {
        Err(de::Error::custom("the number does not fit a .NET float"))
    }
}

// ------------------------------------------------------------------------------------------------
// The event descriptor (EV-3.x)

/// The first element of a dispatch's arguments: which handler, which event, and the form field
/// state (EV-3.1). ASP.NET Core 10 rejects members other than these three.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
#[schemars(
    title = "EventDescriptor",
    description = "The event descriptor, the first element of a DispatchEventAsync call's arguments (spec/events.md, EV-3.1)."
)]
pub struct EventDescriptor {
    /// The event handler id from the render batch's attribute frame: a JSON integer from 0 to
    /// 2^64 − 1, read exactly (EV-3.2).
    pub event_handler_id: u64,
    /// The event's name without the `on` prefix, e.g. `click`; selects the event args family
    /// (EV-3.3, EV-5.1). Null or missing selects the handler's own parameter type.
    pub event_name: Option<String>,
    /// The state of the form field the event happened on, for two-way binding; null for events
    /// on other elements (EV-3.4).
    pub event_field_info: Option<EventFieldInfo>,
}

/// A form field's state when its event fired (EV-3.4): the server writes the field value into
/// the bound attribute of the component's render tree before the handler runs (EV-3.5).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct EventFieldInfo {
    /// The component whose render tree holds the element (.NET int).
    pub component_id: i32,
    /// The field's value after the event: its `value` (string) or, for a checkbox, its
    /// `checked` state (boolean). Null leaves the render tree as it is.
    pub field_value: Option<FieldValue>,
}

/// A form field's value (EV-3.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum FieldValue {
    /// A checkbox's `checked` state.
    Bool(bool),
    /// The `value` of an input, select or textarea.
    String(String),
}

// ------------------------------------------------------------------------------------------------
// Event args of the standard families (EV-4.x)

/// Declares an event args struct that starts with the 18 members of `MouseEventArgs`, in the
/// order Blazor's script writes them, followed by the family's own members.
macro_rules! with_mouse_members {
    (
        $(#[$meta:meta])*
        $name:ident { $($(#[$field_meta:meta])* $field:ident : $ty:ty,)* }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
        #[serde(default, deny_unknown_fields, rename_all = "camelCase")]
        pub struct $name {
            /// The click count (`UIEvent.detail`; .NET long).
            pub detail: i64,
            /// Horizontal position on the screen (.NET double).
            #[serde(serialize_with = "js_number")]
            pub screen_x: f64,
            /// Vertical position on the screen (.NET double).
            #[serde(serialize_with = "js_number")]
            pub screen_y: f64,
            /// Horizontal position in the viewport (.NET double).
            #[serde(serialize_with = "js_number")]
            pub client_x: f64,
            /// Vertical position in the viewport (.NET double).
            #[serde(serialize_with = "js_number")]
            pub client_y: f64,
            /// Horizontal position relative to the target's padding edge (.NET double).
            #[serde(serialize_with = "js_number")]
            pub offset_x: f64,
            /// Vertical position relative to the target's padding edge (.NET double).
            #[serde(serialize_with = "js_number")]
            pub offset_y: f64,
            /// Horizontal position in the document (.NET double).
            #[serde(serialize_with = "js_number")]
            pub page_x: f64,
            /// Vertical position in the document (.NET double).
            #[serde(serialize_with = "js_number")]
            pub page_y: f64,
            /// Horizontal distance since the previous mouse event (.NET double).
            #[serde(serialize_with = "js_number")]
            pub movement_x: f64,
            /// Vertical distance since the previous mouse event (.NET double).
            #[serde(serialize_with = "js_number")]
            pub movement_y: f64,
            /// The button that changed: 0 main, 1 auxiliary, 2 secondary, -1 none (.NET long).
            pub button: i64,
            /// The buttons held down, as bits: 1 main, 2 secondary, 4 auxiliary (.NET long).
            pub buttons: i64,
            /// Whether Control was down.
            pub ctrl_key: bool,
            /// Whether Shift was down.
            pub shift_key: bool,
            /// Whether Alt was down.
            pub alt_key: bool,
            /// Whether Meta was down.
            pub meta_key: bool,
            /// The DOM event's type, e.g. `click`.
            #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
            pub event_type: Option<String>,
            $($(#[$field_meta])* pub $field: $ty,)*
        }
    };
}

with_mouse_members! {
    /// `MouseEventArgs` (EV-4.3): click, dblclick, contextmenu, mousedown, mouseup, mousemove,
    /// mouseover, mouseout.
    MouseEventArgs {}
}

with_mouse_members! {
    /// `WheelEventArgs` (EV-4.4): the mouse members, then the wheel's deltas.
    WheelEventArgs {
        /// Horizontal scroll amount (.NET double).
        #[serde(serialize_with = "js_number")]
        delta_x: f64,
        /// Vertical scroll amount (.NET double).
        #[serde(serialize_with = "js_number")]
        delta_y: f64,
        /// Scroll amount on the z axis (.NET double).
        #[serde(serialize_with = "js_number")]
        delta_z: f64,
        /// Unit of the deltas: 0 pixels, 1 lines, 2 pages (.NET long).
        delta_mode: i64,
    }
}

with_mouse_members! {
    /// `PointerEventArgs` (EV-4.5): the mouse members, then the pointer's.
    PointerEventArgs {
        /// The pointer's id (.NET long).
        pointer_id: i64,
        /// Contact width in CSS pixels (.NET float).
        #[serde(serialize_with = "js_number_f32", deserialize_with = "finite_f32")]
        width: f32,
        /// Contact height in CSS pixels (.NET float).
        #[serde(serialize_with = "js_number_f32", deserialize_with = "finite_f32")]
        height: f32,
        /// Pressure from 0 to 1 (.NET float).
        #[serde(serialize_with = "js_number_f32", deserialize_with = "finite_f32")]
        pressure: f32,
        /// Tilt in degrees along x (.NET float).
        #[serde(serialize_with = "js_number_f32", deserialize_with = "finite_f32")]
        tilt_x: f32,
        /// Tilt in degrees along y (.NET float).
        #[serde(serialize_with = "js_number_f32", deserialize_with = "finite_f32")]
        tilt_y: f32,
        /// `mouse`, `pen` or `touch`.
        #[serde(skip_serializing_if = "Option::is_none")]
        pointer_type: Option<String>,
        /// Whether this is the primary pointer of its type.
        is_primary: bool,
    }
}

with_mouse_members! {
    /// `DragEventArgs` (EV-4.6): the mouse members, then the drag data.
    DragEventArgs {
        /// The drag data. Optional, but never null: ASP.NET Core fails an event whose
        /// `dataTransfer` is null.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schemars(with = "DataTransfer")]
        data_transfer: Option<DataTransfer>,
    }
}

/// The data of a drag operation (EV-4.6).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct DataTransfer {
    /// `none`, `copy`, `link` or `move`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drop_effect: Option<String>,
    /// The operations allowed, e.g. `all` or `uninitialized`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effect_allowed: Option<String>,
    /// The names of the files dragged (entries may be null).
    pub files: Vec<Option<String>>,
    /// The items dragged.
    pub items: Vec<DataTransferItem>,
    /// The data formats set in `dragstart` (entries may be null).
    pub types: Vec<Option<String>>,
}

/// One item of a drag operation (EV-4.6).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct DataTransferItem {
    /// `string` or `file`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The item's type, usually a MIME type.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub item_type: Option<String>,
}

/// `KeyboardEventArgs` (EV-4.7): keydown, keyup, keypress.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct KeyboardEventArgs {
    /// The key's value, e.g. `a`, `Enter`, `Shift`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The physical key, e.g. `KeyA`, `ShiftLeft`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Where the key is: 0 standard, 1 left, 2 right, 3 numpad (.NET float).
    #[serde(serialize_with = "js_number_f32", deserialize_with = "finite_f32")]
    pub location: f32,
    /// Whether the key is held down and repeating.
    pub repeat: bool,
    /// Whether Control was down.
    pub ctrl_key: bool,
    /// Whether Shift was down.
    pub shift_key: bool,
    /// Whether Alt was down.
    pub alt_key: bool,
    /// Whether Meta was down.
    pub meta_key: bool,
    /// The DOM event's type, e.g. `keydown`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub event_type: Option<String>,
    /// Whether the event fired during a composition session.
    pub is_composing: bool,
}

/// `FocusEventArgs` (EV-4.8): focus, blur, focusin, focusout.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct FocusEventArgs {
    /// The DOM event's type, e.g. `focus`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub event_type: Option<String>,
}

/// `ClipboardEventArgs` (EV-4.8): copy, cut, paste.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ClipboardEventArgs {
    /// The DOM event's type, e.g. `copy`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub event_type: Option<String>,
}

/// `ChangeEventArgs` (EV-4.9): input, change.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ChangeEventArgs {
    /// The element's new value; null and missing both mean no value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<ChangeValue>,
}

/// The value a change carries (EV-4.9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ChangeValue {
    /// A checkbox's `checked` state.
    Bool(bool),
    /// Any other field's value (dates and times as the browser formats them).
    String(String),
    /// The selected values of a `<select multiple>`, in option order.
    Strings(Vec<String>),
}

/// `TouchEventArgs` (EV-4.10): touchstart, touchend, touchmove, touchcancel, touchenter,
/// touchleave.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct TouchEventArgs {
    /// `UIEvent.detail` (.NET long).
    pub detail: i64,
    /// Every touch point on the surface.
    pub touches: Vec<TouchPoint>,
    /// The touch points that started on the target element.
    pub target_touches: Vec<TouchPoint>,
    /// The touch points that changed in this event.
    pub changed_touches: Vec<TouchPoint>,
    /// Whether Control was down.
    pub ctrl_key: bool,
    /// Whether Shift was down.
    pub shift_key: bool,
    /// Whether Alt was down.
    pub alt_key: bool,
    /// Whether Meta was down.
    pub meta_key: bool,
    /// The DOM event's type, e.g. `touchstart`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub event_type: Option<String>,
}

/// One contact point of a touch event (EV-4.10).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct TouchPoint {
    /// The touch's id, stable while it moves (.NET long).
    pub identifier: i64,
    /// Horizontal position in the viewport (.NET double).
    #[serde(serialize_with = "js_number")]
    pub client_x: f64,
    /// Vertical position in the viewport (.NET double).
    #[serde(serialize_with = "js_number")]
    pub client_y: f64,
    /// Horizontal position on the screen (.NET double).
    #[serde(serialize_with = "js_number")]
    pub screen_x: f64,
    /// Vertical position on the screen (.NET double).
    #[serde(serialize_with = "js_number")]
    pub screen_y: f64,
    /// Horizontal position in the document (.NET double).
    #[serde(serialize_with = "js_number")]
    pub page_x: f64,
    /// Vertical position in the document (.NET double).
    #[serde(serialize_with = "js_number")]
    pub page_y: f64,
}

/// `ProgressEventArgs` (EV-4.11): loadstart, timeout, abort, load, loadend, progress.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct ProgressEventArgs {
    /// Whether `total` is known.
    pub length_computable: bool,
    /// Work done so far, e.g. bytes (.NET long).
    pub loaded: i64,
    /// Total work (.NET long).
    pub total: i64,
    /// The DOM event's type, e.g. `progress`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub event_type: Option<String>,
}

/// `ErrorEventArgs` (EV-4.12): error.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct ErrorEventArgs {
    /// The error message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The script file where the error occurred.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    /// Its line (.NET int). Missing when the event is a plain `Event` (an image that failed to
    /// load), which .NET reads as 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "i32")]
    pub lineno: Option<i32>,
    /// Its column (.NET int). Missing when the event is a plain `Event`, which .NET reads as 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "i32")]
    pub colno: Option<i32>,
    /// The DOM event's type, `error`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub event_type: Option<String>,
}

/// The plain `EventArgs` of `toggle`, `cancel` and `close` (EV-5.2). Blazor's script sends `{}`;
/// the server does not read the args at all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(
    title = "EmptyEventArgs",
    description = "The plain EventArgs of toggle, cancel and close. Blazor's script sends {}; a server ignores the content (spec/events.md, EV-5.2)."
)]
pub struct EmptyEventArgs {}

/// The event args of one dispatch, typed by family.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum EventArgs {
    /// `MouseEventArgs`.
    Mouse(MouseEventArgs),
    /// `PointerEventArgs`.
    Pointer(PointerEventArgs),
    /// `WheelEventArgs`.
    Wheel(WheelEventArgs),
    /// `DragEventArgs`.
    Drag(DragEventArgs),
    /// `KeyboardEventArgs`.
    Keyboard(KeyboardEventArgs),
    /// `FocusEventArgs`.
    Focus(FocusEventArgs),
    /// `ClipboardEventArgs`.
    Clipboard(ClipboardEventArgs),
    /// `ChangeEventArgs`.
    Change(ChangeEventArgs),
    /// `TouchEventArgs`.
    Touch(TouchEventArgs),
    /// `ProgressEventArgs`.
    Progress(ProgressEventArgs),
    /// `ErrorEventArgs`.
    Error(ErrorEventArgs),
    /// Plain `EventArgs` (toggle, cancel, close): nothing was read.
    Empty(EmptyEventArgs),
    /// An event name outside the table: the JSON as sent (duplicate members resolved, last
    /// wins), for the renderer to bind to its handler's parameter type (EV-5.3).
    Custom(serde_json::Value),
}

impl EventArgs {
    /// The family of these args.
    pub fn family(&self) -> EventFamily {
        match self {
            EventArgs::Mouse(_) => EventFamily::Mouse,
            EventArgs::Pointer(_) => EventFamily::Pointer,
            EventArgs::Wheel(_) => EventFamily::Wheel,
            EventArgs::Drag(_) => EventFamily::Drag,
            EventArgs::Keyboard(_) => EventFamily::Keyboard,
            EventArgs::Focus(_) => EventFamily::Focus,
            EventArgs::Clipboard(_) => EventFamily::Clipboard,
            EventArgs::Change(_) => EventFamily::Change,
            EventArgs::Touch(_) => EventFamily::Touch,
            EventArgs::Progress(_) => EventFamily::Progress,
            EventArgs::Error(_) => EventFamily::Error,
            EventArgs::Empty(_) => EventFamily::Empty,
            EventArgs::Custom(_) => EventFamily::Custom,
        }
    }

    /// The args as JSON text, as Blazor's script would write them (EV-4.2).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

// ------------------------------------------------------------------------------------------------
// Errors

/// The kind of a JSON value, for error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonKind {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool,
    /// A number.
    Number,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
}

impl fmt::Display for JsonKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            JsonKind::Null => "null",
            JsonKind::Bool => "a boolean",
            JsonKind::Number => "a number",
            JsonKind::String => "a string",
            JsonKind::Array => "an array",
            JsonKind::Object => "an object",
        })
    }
}

/// What is wrong with one member (or with the value itself).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Problem {
    /// The value is not a JSON object.
    #[error("expected an object, found {found}")]
    NotAnObject {
        /// What was found.
        found: JsonKind,
    },
    /// A member ASP.NET Core's reader does not know.
    #[error("unknown member")]
    UnknownMember,
    /// A value of the wrong JSON kind.
    #[error("expected {expected}, found {found}")]
    WrongType {
        /// What the member takes.
        expected: &'static str,
        /// What was found.
        found: JsonKind,
    },
    /// A number the member's .NET type cannot hold: a fraction or an exponent where an integer
    /// is read, a negative handler id, a value out of range.
    #[error("the number does not fit a .NET {dotnet_type}")]
    NumberDoesNotFit {
        /// `ulong`, `long`, `int` or `float`.
        dotnet_type: &'static str,
    },
    /// The typed value could not be built (not produced for input that passes the checks above).
    #[error("{0}")]
    Invalid(String),
}

/// Why a dispatch's arguments were rejected. Every one of these fails only the call: the server
/// answers `JS.EndInvokeDotNet(callId, false, …)` and the circuit goes on (EV-6.1).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EventError {
    /// The call's arguments JSON is nil (EV-2.1).
    #[error("the call carries no arguments JSON")]
    MissingArguments,
    /// An instance call that names an assembly (EV-1.3).
    #[error("an instance call must not name an assembly, got {0:?}")]
    AssemblyName(String),
    /// The arguments JSON is longer than [`EventLimits::max_arguments_bytes`] (EV-2.2).
    #[error("arguments JSON of {length} bytes exceeds the limit of {limit}")]
    ArgumentsTooLarge {
        /// Its length.
        length: usize,
        /// The limit.
        limit: usize,
    },
    /// The arguments JSON nests deeper than [`EventLimits::max_depth`] (EV-2.2).
    #[error("arguments JSON nests deeper than {limit}")]
    ArgumentsTooDeep {
        /// The limit.
        limit: usize,
    },
    /// The arguments are not JSON (EV-2.1).
    #[error("arguments are not JSON: {0}")]
    ArgumentsNotJson(String),
    /// The arguments are not an array of exactly two values (EV-2.1).
    #[error("arguments must be a JSON array of 2 values (descriptor, event args), found {found}")]
    ArgumentsNotAPair {
        /// What was found, e.g. "an array of 1".
        found: String,
    },
    /// An argument is an object whose first member is `__dotNetObject` (EV-2.1).
    #[error("argument {index} is a .NET object reference")]
    ObjectReferenceArgument {
        /// 0 for the descriptor, 1 for the event args.
        index: usize,
    },
    /// The event descriptor is invalid (EV-3.1 to EV-3.4).
    #[error("event descriptor{}: {problem}", at(.member))]
    Descriptor {
        /// The member, as a path (`eventFieldInfo.componentId`); empty for the descriptor itself.
        member: String,
        /// What is wrong.
        problem: Problem,
    },
    /// The event args are invalid for their family (EV-4.1 to EV-4.12).
    #[error("{family} event args{}: {problem}", at(.member))]
    EventArgs {
        /// The family the event name selected.
        family: EventFamily,
        /// The member, as a path (`dataTransfer.items[0].kind`); empty for the args themselves.
        member: String,
        /// What is wrong.
        problem: Problem,
    },
}

fn at(member: &str) -> String {
    if member.is_empty() {
        String::new()
    } else {
        format!(" member `{member}`")
    }
}

impl EventError {
    /// A stable name for the kind of error, for logs, vectors and error texts.
    pub fn kind(&self) -> &'static str {
        match self {
            EventError::MissingArguments => "missing_arguments",
            EventError::AssemblyName(_) => "assembly_name_on_instance_call",
            EventError::ArgumentsTooLarge { .. } => "arguments_too_large",
            EventError::ArgumentsTooDeep { .. } => "arguments_too_deep",
            EventError::ArgumentsNotJson(_) => "arguments_not_json",
            EventError::ArgumentsNotAPair { .. } => "arguments_not_a_pair",
            EventError::ObjectReferenceArgument { .. } => "object_reference_argument",
            EventError::Descriptor { .. } => "invalid_descriptor",
            EventError::EventArgs { .. } => "invalid_event_args",
        }
    }

    /// The requirement of `spec/events.md` that the error reports.
    pub fn requirement(&self) -> &'static str {
        match self {
            EventError::AssemblyName(_) => "EV-1.3",
            EventError::MissingArguments
            | EventError::ArgumentsNotJson(_)
            | EventError::ArgumentsNotAPair { .. }
            | EventError::ObjectReferenceArgument { .. } => "EV-2.1",
            EventError::ArgumentsTooLarge { .. } | EventError::ArgumentsTooDeep { .. } => "EV-2.2",
            EventError::Descriptor { member, .. } => {
                if member == "eventHandlerId" {
                    "EV-3.2"
                } else if member.starts_with("eventFieldInfo") {
                    "EV-3.4"
                } else if member == "eventName" {
                    "EV-3.3"
                } else {
                    "EV-3.1"
                }
            }
            EventError::EventArgs { family, problem, .. } => match (family, problem) {
                (_, Problem::UnknownMember | Problem::NotAnObject { .. }) => "EV-4.1",
                (EventFamily::Mouse, _) => "EV-4.3",
                (EventFamily::Wheel, _) => "EV-4.4",
                (EventFamily::Pointer, _) => "EV-4.5",
                (EventFamily::Drag, _) => "EV-4.6",
                (EventFamily::Keyboard, _) => "EV-4.7",
                (EventFamily::Focus | EventFamily::Clipboard, _) => "EV-4.8",
                (EventFamily::Change, _) => "EV-4.9",
                (EventFamily::Touch, _) => "EV-4.10",
                (EventFamily::Progress, _) => "EV-4.11",
                (EventFamily::Error, _) => "EV-4.12",
                (EventFamily::Empty | EventFamily::Custom, _) => "EV-4.1",
            },
        }
    }
}

// ------------------------------------------------------------------------------------------------
// An ordered JSON tree: members in wire order, repeated members kept (ASP.NET Core's readers walk
// members in order and let a later one override an earlier one).

enum Node {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    Array(Vec<Node>),
    Object(Vec<(String, Node)>),
}

impl Node {
    fn kind(&self) -> JsonKind {
        match self {
            Node::Null => JsonKind::Null,
            Node::Bool(_) => JsonKind::Bool,
            Node::Number(_) => JsonKind::Number,
            Node::String(_) => JsonKind::String,
            Node::Array(_) => JsonKind::Array,
            Node::Object(_) => JsonKind::Object,
        }
    }

    /// The value with repeated members resolved (the last one wins).
    fn into_value(self) -> serde_json::Value {
        match self {
            Node::Null => serde_json::Value::Null,
            Node::Bool(b) => serde_json::Value::Bool(b),
            Node::Number(n) => serde_json::Value::Number(n),
            Node::String(s) => serde_json::Value::String(s),
            Node::Array(items) => serde_json::Value::Array(items.into_iter().map(Node::into_value).collect()),
            Node::Object(members) => {
                let mut map = serde_json::Map::new();
                for (name, value) in members {
                    map.insert(name, value.into_value());
                }
                serde_json::Value::Object(map)
            }
        }
    }
}

/// Marks the error a too deep input produces, to tell it from a syntax error.
const TOO_DEEP: &str = "brasa: nesting limit reached";

/// Reads one JSON value into a [`Node`], allowing `depth_left` more levels of nesting.
struct NodeSeed {
    depth_left: usize,
}

impl NodeSeed {
    fn inner<E: de::Error>(&self) -> Result<NodeSeed, E> {
        match self.depth_left.checked_sub(1) {
            Some(depth_left) => Ok(NodeSeed { depth_left }),
            None => Err(E::custom(TOO_DEEP)),
        }
    }
}

impl<'de> DeserializeSeed<'de> for NodeSeed {
    type Value = Node;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for NodeSeed {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Number(v.into()))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node, E> {
        serde_json::Number::from_f64(v)
            .map(Node::Number)
            .ok_or_else(|| E::custom("number out of range"))
    }

    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let inner = self.inner()?;
        // No size hint is trusted: the vector grows with what the input actually holds.
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(NodeSeed {
            depth_left: inner.depth_left,
        })? {
            items.push(item);
        }
        Ok(Node::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let inner = self.inner()?;
        let mut members = Vec::new();
        while let Some(name) = map.next_key::<String>()? {
            let value = map.next_value_seed(NodeSeed {
                depth_left: inner.depth_left,
            })?;
            members.push((name, value));
        }
        Ok(Node::Object(members))
    }
}

/// Parses JSON text within the limits (EV-2.1, EV-2.2).
fn parse_node(json: &str, limits: &EventLimits) -> Result<Node, EventError> {
    if json.len() > limits.max_arguments_bytes {
        return Err(EventError::ArgumentsTooLarge {
            length: json.len(),
            limit: limits.max_arguments_bytes,
        });
    }
    let classify = |e: serde_json::Error| {
        if e.to_string().starts_with(TOO_DEEP) {
            EventError::ArgumentsTooDeep {
                limit: limits.max_depth,
            }
        } else {
            EventError::ArgumentsNotJson(e.to_string())
        }
    };
    let mut deserializer = serde_json::Deserializer::from_str(json);
    let node = NodeSeed {
        depth_left: limits.max_depth,
    }
    .deserialize(&mut deserializer)
    .map_err(classify)?;
    deserializer.end().map_err(classify)?;
    Ok(node)
}

// ------------------------------------------------------------------------------------------------
// Member tables: what ASP.NET Core 10's reader of each family accepts, member by member.

/// How a member is read, after the `JsonElement` getter ASP.NET Core uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `GetString`: a string, or null.
    Str,
    /// `GetBoolean`: true or false.
    Bool,
    /// `GetDouble`: any number.
    Double,
    /// `GetSingle`: a number finite as a float.
    Float,
    /// `GetInt64`: an integer in range.
    Long,
    /// `GetInt32`: an integer in range.
    Int,
    /// An array of strings or nulls.
    Strings,
    /// An array of touch points.
    TouchPoints,
    /// A `DataTransfer` object (null fails).
    DataTransfer,
    /// An array of `DataTransferItem` objects.
    Items,
}

type Members = &'static [(&'static str, Kind)];

const MOUSE_MEMBERS: Members = &[
    ("detail", Kind::Long),
    ("screenX", Kind::Double),
    ("screenY", Kind::Double),
    ("clientX", Kind::Double),
    ("clientY", Kind::Double),
    ("offsetX", Kind::Double),
    ("offsetY", Kind::Double),
    ("pageX", Kind::Double),
    ("pageY", Kind::Double),
    ("movementX", Kind::Double),
    ("movementY", Kind::Double),
    ("button", Kind::Long),
    ("buttons", Kind::Long),
    ("ctrlKey", Kind::Bool),
    ("shiftKey", Kind::Bool),
    ("altKey", Kind::Bool),
    ("metaKey", Kind::Bool),
    ("type", Kind::Str),
];

const WHEEL_MEMBERS: Members = &[
    ("deltaX", Kind::Double),
    ("deltaY", Kind::Double),
    ("deltaZ", Kind::Double),
    ("deltaMode", Kind::Long),
];

const POINTER_MEMBERS: Members = &[
    ("pointerId", Kind::Long),
    ("width", Kind::Float),
    ("height", Kind::Float),
    ("pressure", Kind::Float),
    ("tiltX", Kind::Float),
    ("tiltY", Kind::Float),
    ("pointerType", Kind::Str),
    ("isPrimary", Kind::Bool),
];

const DRAG_MEMBERS: Members = &[("dataTransfer", Kind::DataTransfer)];

const DATA_TRANSFER_MEMBERS: Members = &[
    ("dropEffect", Kind::Str),
    ("effectAllowed", Kind::Str),
    ("files", Kind::Strings),
    ("items", Kind::Items),
    ("types", Kind::Strings),
];

const DATA_TRANSFER_ITEM_MEMBERS: Members = &[("kind", Kind::Str), ("type", Kind::Str)];

const KEYBOARD_MEMBERS: Members = &[
    ("key", Kind::Str),
    ("code", Kind::Str),
    ("location", Kind::Float),
    ("repeat", Kind::Bool),
    ("ctrlKey", Kind::Bool),
    ("shiftKey", Kind::Bool),
    ("altKey", Kind::Bool),
    ("metaKey", Kind::Bool),
    ("type", Kind::Str),
    ("isComposing", Kind::Bool),
];

const TYPE_MEMBER: Members = &[("type", Kind::Str)];

const TOUCH_MEMBERS: Members = &[
    ("detail", Kind::Long),
    ("touches", Kind::TouchPoints),
    ("targetTouches", Kind::TouchPoints),
    ("changedTouches", Kind::TouchPoints),
    ("ctrlKey", Kind::Bool),
    ("shiftKey", Kind::Bool),
    ("altKey", Kind::Bool),
    ("metaKey", Kind::Bool),
    ("type", Kind::Str),
];

const TOUCH_POINT_MEMBERS: Members = &[
    ("identifier", Kind::Long),
    ("clientX", Kind::Double),
    ("clientY", Kind::Double),
    ("screenX", Kind::Double),
    ("screenY", Kind::Double),
    ("pageX", Kind::Double),
    ("pageY", Kind::Double),
];

const PROGRESS_MEMBERS: Members = &[
    ("lengthComputable", Kind::Bool),
    ("loaded", Kind::Long),
    ("total", Kind::Long),
    ("type", Kind::Str),
];

const ERROR_MEMBERS: Members = &[
    ("message", Kind::Str),
    ("filename", Kind::Str),
    ("lineno", Kind::Int),
    ("colno", Kind::Int),
    ("type", Kind::Str),
];

/// The members a family's reader accepts, family members first (as ASP.NET Core's readers look
/// them up), then the inherited mouse members.
fn member_tables(family: EventFamily) -> &'static [Members] {
    match family {
        EventFamily::Mouse => &[MOUSE_MEMBERS],
        EventFamily::Wheel => &[WHEEL_MEMBERS, MOUSE_MEMBERS],
        EventFamily::Pointer => &[POINTER_MEMBERS, MOUSE_MEMBERS],
        EventFamily::Drag => &[DRAG_MEMBERS, MOUSE_MEMBERS],
        EventFamily::Keyboard => &[KEYBOARD_MEMBERS],
        EventFamily::Focus | EventFamily::Clipboard => &[TYPE_MEMBER],
        EventFamily::Touch => &[TOUCH_MEMBERS],
        EventFamily::Progress => &[PROGRESS_MEMBERS],
        EventFamily::Error => &[ERROR_MEMBERS],
        EventFamily::Change | EventFamily::Empty | EventFamily::Custom => &[],
    }
}

/// The member names of a family, as its schema lists them (for tests and tools).
pub fn member_names(family: EventFamily) -> Vec<&'static str> {
    match family {
        EventFamily::Change => vec!["value"],
        _ => member_tables(family)
            .iter()
            .rev()
            .flat_map(|table| table.iter().map(|(name, _)| *name))
            .collect(),
    }
}

/// Where a problem is reported: the descriptor or a family's args.
#[derive(Clone, Copy)]
enum Place {
    Descriptor,
    Args(EventFamily),
}

impl Place {
    fn error(self, member: &str, problem: Problem) -> EventError {
        match self {
            Place::Descriptor => EventError::Descriptor {
                member: member.to_owned(),
                problem,
            },
            Place::Args(family) => EventError::EventArgs {
                family,
                member: member.to_owned(),
                problem,
            },
        }
    }
}

fn join(path: &str, member: &str) -> String {
    if path.is_empty() {
        member.to_owned()
    } else {
        format!("{path}.{member}")
    }
}

fn object_members<'a>(node: &'a Node, place: Place, path: &str) -> Result<&'a [(String, Node)], EventError> {
    match node {
        Node::Object(members) => Ok(members),
        other => Err(place.error(path, Problem::NotAnObject { found: other.kind() })),
    }
}

/// Reads an object member by member against the tables (EV-4.1): unknown members fail, later
/// members override earlier ones, missing members are left out (their defaults apply).
fn read_object(
    node: &Node,
    tables: &[Members],
    place: Place,
    path: &str,
) -> Result<serde_json::Map<String, serde_json::Value>, EventError> {
    let mut out = serde_json::Map::new();
    for (name, value) in object_members(node, place, path)? {
        let member_path = join(path, name);
        let kind = tables
            .iter()
            .find_map(|table| table.iter().find(|(n, _)| n == name).map(|(_, k)| *k))
            .ok_or_else(|| place.error(&member_path, Problem::UnknownMember))?;
        out.insert(name.clone(), read_member(kind, value, place, &member_path)?);
    }
    Ok(out)
}

fn wrong(place: Place, path: &str, expected: &'static str, found: &Node) -> EventError {
    place.error(
        path,
        Problem::WrongType {
            expected,
            found: found.kind(),
        },
    )
}

fn does_not_fit(place: Place, path: &str, dotnet_type: &'static str) -> EventError {
    place.error(path, Problem::NumberDoesNotFit { dotnet_type })
}

fn read_member(kind: Kind, node: &Node, place: Place, path: &str) -> Result<serde_json::Value, EventError> {
    use serde_json::Value;
    Ok(match (kind, node) {
        (Kind::Str, Node::String(s)) => Value::String(s.clone()),
        (Kind::Str, Node::Null) => Value::Null,
        (Kind::Str, other) => return Err(wrong(place, path, "a string or null", other)),
        (Kind::Bool, Node::Bool(b)) => Value::Bool(*b),
        (Kind::Bool, other) => return Err(wrong(place, path, "true or false", other)),
        (Kind::Double, Node::Number(n)) => Value::Number(n.clone()),
        (Kind::Float, Node::Number(n)) => {
            if !n.as_f64().is_some_and(|v| (v as f32).is_finite()) {
                return Err(does_not_fit(place, path, "float"));
            }
            Value::Number(n.clone())
        }
        (Kind::Long, Node::Number(n)) => match n.as_i64() {
            Some(v) => Value::Number(v.into()),
            None => return Err(does_not_fit(place, path, "long")),
        },
        (Kind::Int, Node::Number(n)) => match n.as_i64().and_then(|v| i32::try_from(v).ok()) {
            Some(v) => Value::Number(v.into()),
            None => return Err(does_not_fit(place, path, "int")),
        },
        (Kind::Double | Kind::Float | Kind::Long | Kind::Int, other) => {
            return Err(wrong(place, path, "a number", other));
        }
        (Kind::Strings, Node::Array(items)) => {
            let mut out = Vec::new();
            for (i, item) in items.iter().enumerate() {
                out.push(read_member(Kind::Str, item, place, &format!("{path}[{i}]"))?);
            }
            Value::Array(out)
        }
        (Kind::TouchPoints, Node::Array(items)) => {
            let mut out = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let map = read_object(item, &[TOUCH_POINT_MEMBERS], place, &format!("{path}[{i}]"))?;
                out.push(Value::Object(map));
            }
            Value::Array(out)
        }
        (Kind::Items, Node::Array(items)) => {
            let mut out = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let map = read_object(item, &[DATA_TRANSFER_ITEM_MEMBERS], place, &format!("{path}[{i}]"))?;
                out.push(Value::Object(map));
            }
            Value::Array(out)
        }
        (Kind::Strings | Kind::TouchPoints | Kind::Items, other) => {
            return Err(wrong(place, path, "an array", other));
        }
        (Kind::DataTransfer, Node::Object(_)) => {
            Value::Object(read_object(node, &[DATA_TRANSFER_MEMBERS], place, path)?)
        }
        (Kind::DataTransfer, other) => return Err(wrong(place, path, "an object", other)),
    })
}

/// Builds a typed value from members that passed the checks.
fn build<T: de::DeserializeOwned>(
    map: serde_json::Map<String, serde_json::Value>,
    place: Place,
) -> Result<T, EventError> {
    serde_json::from_value(serde_json::Value::Object(map)).map_err(|e| place.error("", Problem::Invalid(e.to_string())))
}

// ------------------------------------------------------------------------------------------------
// Reading

fn read_descriptor(node: &Node) -> Result<EventDescriptor, EventError> {
    let place = Place::Descriptor;
    let mut descriptor = EventDescriptor::default();
    for (name, value) in object_members(node, place, "")? {
        match name.as_str() {
            // EV-3.2: an integer literal from 0 to 2^64 - 1, read exactly.
            "eventHandlerId" => {
                descriptor.event_handler_id = match value {
                    Node::Number(n) => n.as_u64().ok_or_else(|| does_not_fit(place, name, "ulong"))?,
                    other => return Err(wrong(place, name, "a number", other)),
                }
            }
            // EV-3.3
            "eventName" => {
                descriptor.event_name = match value {
                    Node::String(s) => Some(s.clone()),
                    Node::Null => None,
                    other => return Err(wrong(place, name, "a string or null", other)),
                }
            }
            // EV-3.4
            "eventFieldInfo" => descriptor.event_field_info = read_field_info(value)?,
            // EV-3.1: ASP.NET Core 10 rejects every other member.
            _ => return Err(place.error(name, Problem::UnknownMember)),
        }
    }
    Ok(descriptor)
}

fn read_field_info(node: &Node) -> Result<Option<EventFieldInfo>, EventError> {
    let place = Place::Descriptor;
    let members = match node {
        Node::Null => return Ok(None),
        Node::Object(members) => members,
        other => return Err(wrong(place, "eventFieldInfo", "an object or null", other)),
    };
    let mut info = EventFieldInfo::default();
    for (name, value) in members {
        let path = join("eventFieldInfo", name);
        match name.as_str() {
            "componentId" => {
                info.component_id = match value {
                    Node::Number(n) => n
                        .as_i64()
                        .and_then(|v| i32::try_from(v).ok())
                        .ok_or_else(|| does_not_fit(place, &path, "int"))?,
                    other => return Err(wrong(place, &path, "a number", other)),
                }
            }
            "fieldValue" => {
                info.field_value = match value {
                    Node::Bool(b) => Some(FieldValue::Bool(*b)),
                    Node::String(s) => Some(FieldValue::String(s.clone())),
                    Node::Null => None,
                    other => return Err(wrong(place, &path, "a string, a boolean or null", other)),
                }
            }
            _ => return Err(place.error(&path, Problem::UnknownMember)),
        }
    }
    Ok(Some(info))
}

/// `ChangeEventArgs` (EV-4.9): ASP.NET Core's reader stops at the first `value` member, so
/// members after it are not looked at; an unknown member before it fails.
fn read_change(node: &Node) -> Result<ChangeEventArgs, EventError> {
    let place = Place::Args(EventFamily::Change);
    // Only the first member decides: `value` is read and ends the object, anything else fails.
    let Some((name, value)) = object_members(node, place, "")?.first() else {
        return Ok(ChangeEventArgs::default());
    };
    if name != "value" {
        return Err(place.error(name, Problem::UnknownMember));
    }
    let value = match value {
        Node::Null => None,
        Node::String(s) => Some(ChangeValue::String(s.clone())),
        Node::Bool(b) => Some(ChangeValue::Bool(*b)),
        Node::Array(items) => {
            let mut strings = Vec::new();
            for (i, item) in items.iter().enumerate() {
                match item {
                    Node::String(s) => strings.push(s.clone()),
                    other => return Err(wrong(place, &format!("value[{i}]"), "a string", other)),
                }
            }
            Some(ChangeValue::Strings(strings))
        }
        other => {
            return Err(wrong(
                place,
                "value",
                "a string, a boolean, an array of strings or null",
                other,
            ));
        }
    };
    Ok(ChangeEventArgs { value })
}

fn read_event_args(family: EventFamily, node: Node) -> Result<EventArgs, EventError> {
    let place = Place::Args(family);
    let tables = member_tables(family);
    Ok(match family {
        EventFamily::Mouse => EventArgs::Mouse(build(read_object(&node, tables, place, "")?, place)?),
        EventFamily::Wheel => EventArgs::Wheel(build(read_object(&node, tables, place, "")?, place)?),
        EventFamily::Pointer => EventArgs::Pointer(build(read_object(&node, tables, place, "")?, place)?),
        EventFamily::Drag => EventArgs::Drag(build(read_object(&node, tables, place, "")?, place)?),
        EventFamily::Keyboard => EventArgs::Keyboard(build(read_object(&node, tables, place, "")?, place)?),
        EventFamily::Focus => EventArgs::Focus(build(read_object(&node, tables, place, "")?, place)?),
        EventFamily::Clipboard => EventArgs::Clipboard(build(read_object(&node, tables, place, "")?, place)?),
        EventFamily::Touch => EventArgs::Touch(build(read_object(&node, tables, place, "")?, place)?),
        EventFamily::Progress => EventArgs::Progress(build(read_object(&node, tables, place, "")?, place)?),
        EventFamily::Error => EventArgs::Error(build(read_object(&node, tables, place, "")?, place)?),
        EventFamily::Change => EventArgs::Change(read_change(&node)?),
        // EV-5.2: the args are not read at all.
        EventFamily::Empty => EventArgs::Empty(EmptyEventArgs {}),
        // EV-5.3: bound later to the handler's parameter type.
        EventFamily::Custom => EventArgs::Custom(node.into_value()),
    })
}

/// Parses one event's args JSON for an event name (EV-4.x, EV-5.x), with the default limits.
pub fn parse_event_args(event_name: &str, json: &str) -> Result<EventArgs, EventError> {
    parse_event_args_with_limits(event_name, json, &EventLimits::default())
}

/// Parses one event's args JSON for an event name within the given limits.
pub fn parse_event_args_with_limits(
    event_name: &str,
    json: &str,
    limits: &EventLimits,
) -> Result<EventArgs, EventError> {
    let node = parse_node(json, limits)?;
    read_event_args(EventFamily::of(event_name), node)
}

/// Parses an event descriptor's JSON (EV-3.x), with the default limits.
pub fn parse_descriptor(json: &str) -> Result<EventDescriptor, EventError> {
    read_descriptor(&parse_node(json, &EventLimits::default())?)
}

/// Parses a dispatch's arguments JSON, `[descriptor, eventArgs]` (EV-2.1), reading the
/// descriptor first and then the args of the family its event name selects, as ASP.NET Core does.
pub fn parse_dispatch_arguments(json: &str, limits: &EventLimits) -> Result<(EventDescriptor, EventArgs), EventError> {
    let elements = match parse_node(json, limits)? {
        Node::Array(elements) => elements,
        other => {
            return Err(EventError::ArgumentsNotAPair {
                found: other.kind().to_string(),
            });
        }
    };
    if elements.len() != 2 {
        return Err(EventError::ArgumentsNotAPair {
            found: format!("an array of {}", elements.len()),
        });
    }
    for (index, element) in elements.iter().enumerate() {
        let first_member = match element {
            Node::Object(members) => members.first().map(|(name, _)| name.as_str()),
            _ => None,
        };
        if first_member == Some(DOTNET_OBJECT_KEY) {
            return Err(EventError::ObjectReferenceArgument { index });
        }
    }
    let mut elements = elements.into_iter();
    let (Some(descriptor), Some(event_args)) = (elements.next(), elements.next()) else {
        return Err(EventError::ArgumentsNotAPair {
            found: "an array of fewer than 2".into(),
        });
    };
    let descriptor = read_descriptor(&descriptor)?;
    let family = EventFamily::of(descriptor.event_name.as_deref().unwrap_or(""));
    let event_args = read_event_args(family, event_args)?;
    Ok((descriptor, event_args))
}

// ------------------------------------------------------------------------------------------------
// The call

/// One `DispatchEventAsync` call, parsed (EV-1.1).
#[derive(Debug, Clone, PartialEq)]
pub struct DispatchEvent {
    /// The call id the completion answers; Blazor's client always sends one (EV-1.2).
    pub call_id: Option<String>,
    /// The renderer's interop object the call addressed.
    pub dotnet_object_id: i64,
    /// Which handler, which event, which field state.
    pub descriptor: EventDescriptor,
    /// The typed event args.
    pub event_args: EventArgs,
}

impl DispatchEvent {
    /// Recognises and parses an event dispatch (EV-1.1): `None` unless `call` is a
    /// `BeginInvokeDotNetFromJS` of `DispatchEventAsync` on the renderer's interop object
    /// `renderer_object_id` (a call on any other object is ordinary JS interop, EV-1.3);
    /// otherwise the parsed event or why it fails.
    pub fn from_call(
        call: &ClientCall,
        renderer_object_id: i64,
        limits: &EventLimits,
    ) -> Option<Result<DispatchEvent, EventError>> {
        let ClientCall::BeginInvokeDotNetFromJs {
            call_id,
            assembly_name,
            method_identifier,
            dotnet_object_id,
            arguments_json,
        } = call
        else {
            return None;
        };
        if method_identifier.as_deref() != Some(DISPATCH_EVENT_METHOD)
            || *dotnet_object_id != renderer_object_id
            || renderer_object_id == 0
        {
            return None;
        }
        let parsed = (|| {
            // EV-1.3: an instance call never names an assembly.
            if let Some(name) = assembly_name {
                return Err(EventError::AssemblyName(name.clone()));
            }
            let json = arguments_json.as_deref().ok_or(EventError::MissingArguments)?;
            let (descriptor, event_args) = parse_dispatch_arguments(json, limits)?;
            Ok(DispatchEvent {
                call_id: call_id.clone(),
                dotnet_object_id: *dotnet_object_id,
                descriptor,
                event_args,
            })
        })();
        Some(parsed)
    }

    /// The arguments JSON Blazor's script sends for this event: `[descriptor,eventArgs]`.
    pub fn arguments_json(&self) -> String {
        serde_json::to_string(&(&self.descriptor, &self.event_args)).unwrap_or_default()
    }

    /// The hub call that carries this event (EV-1.1).
    pub fn to_call(&self) -> ClientCall {
        ClientCall::BeginInvokeDotNetFromJs {
            call_id: self.call_id.clone(),
            assembly_name: None,
            method_identifier: Some(DISPATCH_EVENT_METHOD.to_owned()),
            dotnet_object_id: self.dotnet_object_id,
            arguments_json: Some(self.arguments_json()),
        }
    }
}

/// The completion a server sends when a dispatch ends (EV-1.2, EV-6.1): success is
/// `JS.EndInvokeDotNet(callId, true, "{}")`, failure `JS.EndInvokeDotNet(callId, false, text)`;
/// a dispatch without a call id gets nothing.
pub fn dispatch_completion(call_id: Option<&str>, outcome: Result<(), &str>) -> Option<ServerCall> {
    let call_id = call_id?.to_owned();
    Some(match outcome {
        Ok(()) => ServerCall::EndInvokeDotNet {
            call_id,
            success: true,
            result_or_error: DISPATCH_SUCCESS_RESULT.to_owned(),
        },
        Err(text) => ServerCall::EndInvokeDotNet {
            call_id,
            success: false,
            result_or_error: text.to_owned(),
        },
    })
}

// ------------------------------------------------------------------------------------------------
// Schemas

/// The JSON Schemas of the event descriptor and of every standard family's args, by file name
/// (`spec/schemas/events/<name>.schema.json`, EV-7.1).
pub fn schemas() -> Vec<(&'static str, schemars::Schema)> {
    vec![
        ("descriptor", schemars::schema_for!(EventDescriptor)),
        ("mouse", schemars::schema_for!(MouseEventArgs)),
        ("wheel", schemars::schema_for!(WheelEventArgs)),
        ("pointer", schemars::schema_for!(PointerEventArgs)),
        ("drag", schemars::schema_for!(DragEventArgs)),
        ("keyboard", schemars::schema_for!(KeyboardEventArgs)),
        ("focus", schemars::schema_for!(FocusEventArgs)),
        ("clipboard", schemars::schema_for!(ClipboardEventArgs)),
        ("change", schemars::schema_for!(ChangeEventArgs)),
        ("touch", schemars::schema_for!(TouchEventArgs)),
        ("progress", schemars::schema_for!(ProgressEventArgs)),
        ("error", schemars::schema_for!(ErrorEventArgs)),
        ("empty", schemars::schema_for!(EmptyEventArgs)),
    ]
}

/// A schema as the published file holds it: pretty JSON and a final newline.
pub fn schema_file_text(schema: &schemars::Schema) -> String {
    let mut text = serde_json::to_string_pretty(schema).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args_error(event_name: &str, json: &str) -> EventError {
        parse_event_args(event_name, json).expect_err(json)
    }

    #[test]
    fn every_listed_name_has_its_family_and_others_are_custom() {
        // EV-5.1: the table, case-sensitive.
        assert_eq!(EventFamily::of("click"), EventFamily::Mouse);
        assert_eq!(EventFamily::of("mousewheel"), EventFamily::Wheel);
        assert_eq!(EventFamily::of("loadend"), EventFamily::Progress);
        assert_eq!(EventFamily::of("focusin"), EventFamily::Focus);
        assert_eq!(EventFamily::of("toggle"), EventFamily::Empty);
        assert_eq!(EventFamily::of("Click"), EventFamily::Custom);
        for name in [
            "submit",
            "reset",
            "scroll",
            "select",
            "mouseenter",
            "mouseleave",
            "",
            "custompaste",
        ] {
            assert_eq!(EventFamily::of(name), EventFamily::Custom, "{name}");
        }
        assert_eq!(EVENT_NAMES.len(), 55);
        let names: std::collections::BTreeSet<_> = EVENT_NAMES.iter().map(|(n, _)| n).collect();
        assert_eq!(names.len(), EVENT_NAMES.len(), "a name listed twice");
        let counts: Vec<usize> = EventFamily::STANDARD.iter().map(|f| f.event_names().count()).collect();
        assert_eq!(counts, [8, 2, 10, 7, 3, 4, 3, 2, 6, 6, 1, 3]);
    }

    #[test]
    fn handler_ids_are_read_exactly_up_to_2_pow_64_minus_1() {
        // EV-3.2
        for id in [0u64, 1, (1 << 53) + 1, u64::MAX] {
            let json = format!(r#"{{"eventHandlerId":{id},"eventName":"click","eventFieldInfo":null}}"#);
            assert_eq!(parse_descriptor(&json).unwrap().event_handler_id, id);
            let written = serde_json::to_string(&parse_descriptor(&json).unwrap()).unwrap();
            assert_eq!(written, json);
        }
        for bad in [
            "-1",
            "1.0",
            "1.5",
            "1e3",
            "18446744073709551616",
            "\"1\"",
            "null",
            "true",
        ] {
            let json = format!(r#"{{"eventHandlerId":{bad}}}"#);
            let error = parse_descriptor(&json).expect_err(bad);
            assert!(
                matches!(&error, EventError::Descriptor { member, .. } if member == "eventHandlerId"),
                "{bad}: {error}"
            );
            assert_eq!(error.requirement(), "EV-3.2");
        }
    }

    #[test]
    fn the_descriptor_has_three_members_and_rejects_others() {
        // EV-3.1: unknown members, the .NET 6-era browserRendererId included, fail.
        for bad in [
            r#"{"eventHandlerId":1,"eventName":"click","eventFieldInfo":null,"browserRendererId":0}"#,
            r#"{"zzz":1}"#,
        ] {
            let error = parse_descriptor(bad).unwrap_err();
            assert!(
                matches!(
                    &error,
                    EventError::Descriptor {
                        problem: Problem::UnknownMember,
                        ..
                    }
                ),
                "{error}"
            );
            assert_eq!(error.requirement(), "EV-3.1");
        }
        for bad in ["null", "[]", "1", "\"click\""] {
            assert!(matches!(
                parse_descriptor(bad).unwrap_err(),
                EventError::Descriptor {
                    problem: Problem::NotAnObject { .. },
                    ..
                }
            ));
        }
        // Missing members keep their defaults; a repeated member overrides.
        assert_eq!(parse_descriptor("{}").unwrap(), EventDescriptor::default());
        let twice = parse_descriptor(r#"{"eventHandlerId":1,"eventHandlerId":7,"eventName":"a","eventName":"b"}"#);
        assert_eq!(twice.unwrap().event_handler_id, 7);
    }

    #[test]
    fn event_names_are_strings_or_null() {
        // EV-3.3
        assert_eq!(parse_descriptor(r#"{"eventName":null}"#).unwrap().event_name, None);
        let error = parse_descriptor(r#"{"eventName":5}"#).unwrap_err();
        assert_eq!(error.requirement(), "EV-3.3");
    }

    #[test]
    fn field_info_is_null_or_component_and_string_or_boolean() {
        // EV-3.4
        let info = |json: &str| parse_descriptor(&format!(r#"{{"eventFieldInfo":{json}}}"#));
        assert_eq!(info("null").unwrap().event_field_info, None);
        assert_eq!(
            info(r#"{"componentId":6,"fieldValue":"aB"}"#).unwrap().event_field_info,
            Some(EventFieldInfo {
                component_id: 6,
                field_value: Some(FieldValue::String("aB".into()))
            })
        );
        assert_eq!(
            info(r#"{"componentId":15,"fieldValue":true}"#)
                .unwrap()
                .event_field_info
                .unwrap()
                .field_value,
            Some(FieldValue::Bool(true))
        );
        assert_eq!(
            info(r#"{"fieldValue":null}"#)
                .unwrap()
                .event_field_info
                .unwrap()
                .field_value,
            None
        );
        for bad in [
            r#"{"componentId":6,"fieldValue":5}"#,
            r#"{"componentId":6,"fieldValue":["a"]}"#,
            r#"{"componentId":2147483648}"#,
            r#"{"componentId":"6"}"#,
            r#"{"componentId":6,"extra":1}"#,
            "5",
            "[]",
        ] {
            let error = info(bad).expect_err(bad);
            assert_eq!(error.requirement(), "EV-3.4", "{bad}: {error}");
        }
    }

    #[test]
    fn unknown_members_fail_and_name_the_family_and_member() {
        // EV-4.1, as recorded in bad-input/event-unknown-field.
        let error = args_error("click", r#"{"detail":1,"zzz":2}"#);
        assert_eq!(
            error,
            EventError::EventArgs {
                family: EventFamily::Mouse,
                member: "zzz".into(),
                problem: Problem::UnknownMember
            }
        );
        assert_eq!(error.to_string(), "mouse event args member `zzz`: unknown member");
        assert_eq!(error.requirement(), "EV-4.1");
        assert_eq!(error.kind(), "invalid_event_args");
        // Every fixed family rejects them, nested objects too.
        for (name, json) in [
            ("wheel", r#"{"deltaQ":1}"#),
            ("pointerdown", r#"{"twist":1}"#),
            ("drop", r#"{"dataTransfer":{"dropEffect":"copy","zzz":1}}"#),
            ("drop", r#"{"dataTransfer":{"items":[{"kind":"file","zzz":1}]}}"#),
            ("keydown", r#"{"keyCode":65}"#),
            ("focus", r#"{"relatedTarget":null}"#),
            ("paste", r#"{"clipboardData":null}"#),
            ("input", r#"{"zzz":1,"value":"a"}"#),
            ("touchmove", r#"{"touches":[{"identifier":0,"force":1}]}"#),
            ("progress", r#"{"zzz":1}"#),
            ("error", r#"{"error":{}}"#),
        ] {
            let error = args_error(name, json);
            assert!(
                matches!(&error, EventError::EventArgs { problem: Problem::UnknownMember, family, .. } if *family == EventFamily::of(name)),
                "{name} {json}: {error}"
            );
        }
        // Not an object at all.
        for json in ["null", "[]", "5", "\"x\""] {
            assert!(matches!(
                args_error("click", json),
                EventError::EventArgs {
                    problem: Problem::NotAnObject { .. },
                    ..
                }
            ));
        }
    }

    #[test]
    fn members_default_and_repeat_as_in_asp_net_core() {
        // EV-4.1: missing members keep defaults, the last of repeated members wins.
        let EventArgs::Mouse(m) = parse_event_args("click", r#"{"clientX":1,"clientX":2.5}"#).unwrap() else {
            panic!()
        };
        assert_eq!((m.client_x, m.detail, m.event_type.as_deref()), (2.5, 0, None));
        let EventArgs::Keyboard(k) = parse_event_args("keydown", r#"{"key":null}"#).unwrap() else {
            panic!()
        };
        assert_eq!(k.key, None);
    }

    #[test]
    fn numbers_follow_the_dotnet_types() {
        // EV-4.3: long members take integers only, double members any number.
        let error = args_error("click", r#"{"detail":1.5}"#);
        assert_eq!(error.requirement(), "EV-4.3");
        assert!(matches!(
            error,
            EventError::EventArgs {
                problem: Problem::NumberDoesNotFit { dotnet_type: "long" },
                ..
            }
        ));
        assert!(parse_event_args("click", r#"{"detail":-9223372036854775808}"#).is_ok());
        assert!(parse_event_args("click", r#"{"detail":9223372036854775808}"#).is_err());
        assert!(parse_event_args("click", r#"{"screenX":1e300,"button":-1}"#).is_ok());
        assert!(matches!(
            args_error("click", r#"{"ctrlKey":1}"#),
            EventError::EventArgs {
                problem: Problem::WrongType { .. },
                ..
            }
        ));
        assert!(matches!(
            args_error("click", r#"{"clientX":"1"}"#),
            EventError::EventArgs {
                problem: Problem::WrongType { .. },
                ..
            }
        ));
        assert!(matches!(
            args_error("click", r#"{"type":1}"#),
            EventError::EventArgs {
                problem: Problem::WrongType { .. },
                ..
            }
        ));
        // EV-4.4
        assert_eq!(args_error("wheel", r#"{"deltaMode":0.5}"#).requirement(), "EV-4.4");
        // EV-4.5: float members must be finite as a float.
        let error = args_error("pointerdown", r#"{"pressure":1e39}"#);
        assert_eq!(error.requirement(), "EV-4.5");
        assert!(matches!(
            error,
            EventError::EventArgs {
                problem: Problem::NumberDoesNotFit { dotnet_type: "float" },
                ..
            }
        ));
        // EV-4.7: location is a float too.
        assert_eq!(args_error("keyup", r#"{"location":"left"}"#).requirement(), "EV-4.7");
        // EV-4.8
        assert_eq!(args_error("copy", r#"{"type":true}"#).requirement(), "EV-4.8");
        // EV-4.11
        assert_eq!(args_error("progress", r#"{"loaded":1.5}"#).requirement(), "EV-4.11");
        // EV-4.12: lineno and colno are .NET ints.
        assert_eq!(args_error("error", r#"{"lineno":2147483648}"#).requirement(), "EV-4.12");
        let EventArgs::Error(e) = parse_event_args(
            "error",
            r#"{"message":"x","filename":"a.js","lineno":3,"colno":4,"type":"error"}"#,
        )
        .unwrap() else {
            panic!()
        };
        assert_eq!((e.lineno, e.colno, e.message.as_deref()), (Some(3), Some(4), Some("x")));
    }

    #[test]
    fn drag_data_is_an_object_when_present() {
        // EV-4.6: null fails (ASP.NET Core enumerates it as an object); absent is None.
        assert_eq!(args_error("drop", r#"{"dataTransfer":null}"#).requirement(), "EV-4.6");
        let EventArgs::Drag(d) = parse_event_args("drop", "{}").unwrap() else {
            panic!()
        };
        assert_eq!(d.data_transfer, None);
        let EventArgs::Drag(d) = parse_event_args(
            "drop",
            r#"{"dataTransfer":{"files":["a.txt",null],"items":[{"kind":"file","type":"text/plain"}]}}"#,
        )
        .unwrap() else {
            panic!()
        };
        let data = d.data_transfer.unwrap();
        assert_eq!(data.files, [Some("a.txt".to_owned()), None]);
        assert_eq!(data.items[0].item_type.as_deref(), Some("text/plain"));
        assert_eq!(
            args_error("drop", r#"{"dataTransfer":{"files":[1]}}"#).requirement(),
            "EV-4.6"
        );
        assert_eq!(
            args_error("drop", r#"{"dataTransfer":{"items":null}}"#).requirement(),
            "EV-4.6"
        );
    }

    #[test]
    fn change_values_are_string_bool_string_array_or_null() {
        // EV-4.9
        let value = |json: &str| match parse_event_args("change", json) {
            Ok(EventArgs::Change(c)) => Ok(c.value),
            Ok(other) => panic!("{other:?}"),
            Err(e) => Err(e),
        };
        assert_eq!(
            value(r#"{"value":"a"}"#).unwrap(),
            Some(ChangeValue::String("a".into()))
        );
        assert_eq!(value(r#"{"value":true}"#).unwrap(), Some(ChangeValue::Bool(true)));
        assert_eq!(
            value(r#"{"value":["a","c"]}"#).unwrap(),
            Some(ChangeValue::Strings(vec!["a".into(), "c".into()]))
        );
        assert_eq!(value(r#"{"value":null}"#).unwrap(), None);
        assert_eq!(value("{}").unwrap(), None);
        // ASP.NET Core stops reading at `value`: what follows is not looked at.
        assert_eq!(
            value(r#"{"value":"a","zzz":1}"#).unwrap(),
            Some(ChangeValue::String("a".into()))
        );
        for bad in [
            r#"{"value":5}"#,
            r#"{"value":{}}"#,
            r#"{"value":["a",null]}"#,
            r#"{"value":[1]}"#,
        ] {
            let error = value(bad).expect_err(bad);
            assert_eq!(error.requirement(), "EV-4.9", "{bad}");
        }
    }

    #[test]
    fn touch_points_are_objects_of_seven_members() {
        // EV-4.10
        let EventArgs::Touch(t) = parse_event_args(
            "touchmove",
            r#"{"touches":[{"identifier":3,"clientX":1.5}],"changedTouches":[],"type":"touchmove"}"#,
        )
        .unwrap() else {
            panic!()
        };
        assert_eq!((t.touches[0].identifier, t.touches[0].client_x), (3, 1.5));
        assert_eq!(args_error("touchmove", r#"{"touches":{}}"#).requirement(), "EV-4.10");
        assert_eq!(
            args_error("touchmove", r#"{"touches":[{"identifier":0.5}]}"#).requirement(),
            "EV-4.10"
        );
        let error = args_error("touchstart", r#"{"targetTouches":[{},5]}"#);
        assert!(
            matches!(&error, EventError::EventArgs { member, .. } if member == "targetTouches[1]"),
            "{error}"
        );
    }

    #[test]
    fn progress_args_read_and_write() {
        // EV-4.11: no recording has a progress event, so this is the whole check.
        let json = r#"{"lengthComputable":true,"loaded":512,"total":9007199254740993,"type":"progress"}"#;
        let args = parse_event_args("progress", json).unwrap();
        let EventArgs::Progress(p) = &args else { panic!() };
        assert_eq!((p.loaded, p.total), (512, 9_007_199_254_740_993));
        assert_eq!(args.to_json(), json);
    }

    #[test]
    fn empty_family_reads_nothing_and_custom_keeps_the_json() {
        // EV-5.2
        for json in ["{}", r#"{"zzz":1}"#, "5", "null", "[1,2]"] {
            assert_eq!(
                parse_event_args("toggle", json).unwrap(),
                EventArgs::Empty(EmptyEventArgs {})
            );
        }
        assert_eq!(EventArgs::Empty(EmptyEventArgs {}).to_json(), "{}");
        // EV-5.3: kept for the handler's type; the last of repeated members wins.
        assert_eq!(
            parse_event_args("submit", r#"{"a":1,"a":2}"#).unwrap(),
            EventArgs::Custom(serde_json::json!({"a": 2}))
        );
        // The JSON itself must still be JSON.
        assert!(matches!(
            parse_event_args("toggle", "{"),
            Err(EventError::ArgumentsNotJson(_))
        ));
    }

    #[test]
    fn the_arguments_are_an_array_of_two() {
        // EV-2.1, as recorded in bad-input/event-bad-json.
        let limits = EventLimits::default();
        let error = parse_dispatch_arguments("[{", &limits).unwrap_err();
        assert!(matches!(error, EventError::ArgumentsNotJson(_)), "{error}");
        assert_eq!(error.requirement(), "EV-2.1");
        for (bad, found) in [
            ("{}", "an object"),
            ("[]", "an array of 0"),
            (r#"[{"eventHandlerId":1}]"#, "an array of 1"),
            (r#"[{"eventHandlerId":1},{},{}]"#, "an array of 3"),
        ] {
            assert_eq!(
                parse_dispatch_arguments(bad, &limits).unwrap_err(),
                EventError::ArgumentsNotAPair { found: found.into() },
                "{bad}"
            );
        }
        assert!(matches!(
            parse_dispatch_arguments(r#"[{"eventHandlerId":1,"eventName":"click"},{}] x"#, &limits),
            Err(EventError::ArgumentsNotJson(_))
        ));
        assert_eq!(
            parse_dispatch_arguments(
                r#"[{"eventHandlerId":1,"eventName":"submit"},{"__dotNetObject":1}]"#,
                &limits
            )
            .unwrap_err(),
            EventError::ObjectReferenceArgument { index: 1 }
        );
        // The descriptor is read before the args.
        assert!(matches!(
            parse_dispatch_arguments(r#"[{"zzz":1},{"zzz":1}]"#, &limits),
            Err(EventError::Descriptor { .. })
        ));
        let (descriptor, args) = parse_dispatch_arguments(
            r#"[{"eventHandlerId":9,"eventName":"reset","eventFieldInfo":null},{}]"#,
            &limits,
        )
        .unwrap();
        assert_eq!(descriptor.event_handler_id, 9);
        assert_eq!(args, EventArgs::Custom(serde_json::json!({})));
    }

    #[test]
    fn limits_bound_length_and_depth() {
        // EV-2.2
        let limits = EventLimits {
            max_arguments_bytes: 64,
            max_depth: 4,
        };
        let long = format!(r#"[{{"eventName":"{}"}},{{}}]"#, "x".repeat(64));
        let error = parse_dispatch_arguments(&long, &limits).unwrap_err();
        assert_eq!(
            error,
            EventError::ArgumentsTooLarge {
                length: long.len(),
                limit: 64
            }
        );
        assert_eq!(error.requirement(), "EV-2.2");
        assert!(parse_dispatch_arguments(r#"[{"eventName":"x"},[[[1]]]]"#, &limits).is_ok());
        assert_eq!(
            parse_dispatch_arguments(r#"[{"eventName":"x"},[[[[1]]]]]"#, &limits).unwrap_err(),
            EventError::ArgumentsTooDeep { limit: 4 }
        );
        assert!(parse_dispatch_arguments(r#"[{"eventName":"x"},[[{}]]]"#, &limits).is_ok());
        // Far deeper than serde_json's own recursion limit: an error, not a crash.
        let deep = format!("[{{}},{}{}]", "[".repeat(100_000), "]".repeat(100_000));
        assert!(
            parse_dispatch_arguments(
                &deep,
                &EventLimits {
                    max_arguments_bytes: usize::MAX,
                    max_depth: usize::MAX
                }
            )
            .is_err()
        );
    }

    /// Recorded in prerender/counter.
    const CLICK: &str = r#"[{"eventHandlerId":1,"eventName":"click","eventFieldInfo":null},{"detail":1,"screenX":51,"screenY":221,"clientX":41,"clientY":124,"offsetX":32,"offsetY":8,"pageX":41,"pageY":124,"movementX":0,"movementY":0,"button":0,"buttons":0,"ctrlKey":false,"shiftKey":false,"altKey":false,"metaKey":false,"type":"click"}]"#;

    #[test]
    fn dispatches_are_recognised_by_method_and_object() {
        // EV-1.1, EV-1.3
        let call = |assembly: Option<&str>, method: &str, object: i64| ClientCall::BeginInvokeDotNetFromJs {
            call_id: Some("4".into()),
            assembly_name: assembly.map(str::to_owned),
            method_identifier: Some(method.into()),
            dotnet_object_id: object,
            arguments_json: Some(CLICK.into()),
        };
        let limits = EventLimits::default();
        let event = DispatchEvent::from_call(&call(None, "DispatchEventAsync", 1), 1, &limits)
            .unwrap()
            .unwrap();
        assert_eq!(event.call_id.as_deref(), Some("4"));
        assert_eq!(event.event_args.family(), EventFamily::Mouse);
        assert_eq!(event.to_call(), call(None, "DispatchEventAsync", 1));
        assert!(DispatchEvent::from_call(&call(None, "DispatchEventAsync", 424_242), 1, &limits).is_none());
        assert!(DispatchEvent::from_call(&call(None, "Other", 1), 1, &limits).is_none());
        assert!(DispatchEvent::from_call(&ClientCall::PauseCircuit, 1, &limits).is_none());
        let error = DispatchEvent::from_call(&call(Some("App"), "DispatchEventAsync", 1), 1, &limits)
            .unwrap()
            .unwrap_err();
        assert_eq!(error.requirement(), "EV-1.3");
        let mut missing = call(None, "DispatchEventAsync", 1);
        if let ClientCall::BeginInvokeDotNetFromJs { arguments_json, .. } = &mut missing {
            *arguments_json = None;
        }
        assert_eq!(
            DispatchEvent::from_call(&missing, 1, &limits).unwrap().unwrap_err(),
            EventError::MissingArguments
        );
    }

    #[test]
    fn completions_answer_calls_with_an_id() {
        // EV-1.2, EV-6.1
        assert_eq!(
            dispatch_completion(Some("3"), Ok(())),
            Some(ServerCall::EndInvokeDotNet {
                call_id: "3".into(),
                success: true,
                result_or_error: "{}".into()
            })
        );
        assert_eq!(
            dispatch_completion(Some("9"), Err("invalid_event_args")),
            Some(ServerCall::EndInvokeDotNet {
                call_id: "9".into(),
                success: false,
                result_or_error: "invalid_event_args".into()
            })
        );
        assert_eq!(dispatch_completion(None, Ok(())), None);
    }

    #[test]
    fn numbers_are_written_as_javascript_writes_them() {
        // EV-4.2
        let args = MouseEventArgs {
            screen_x: 51.0,
            screen_y: 287.875,
            client_y: -0.0,
            page_x: 9_007_199_254_740_992.0,
            button: -1,
            ..MouseEventArgs::default()
        };
        let json = serde_json::to_string(&args).unwrap();
        assert!(
            json.contains(r#""screenX":51,"screenY":287.875,"clientX":0,"clientY":0,"#),
            "{json}"
        );
        assert!(json.contains(r#""pageX":9007199254740992.0"#), "{json}");
        let pointer = PointerEventArgs {
            pressure: 0.3,
            width: 1.0,
            ..PointerEventArgs::default()
        };
        let json = serde_json::to_string(&pointer).unwrap();
        assert!(
            json.contains(r#""width":1,"#) && json.contains(r#""pressure":0.30000001192092896,"#),
            "{json}"
        );
    }

    #[test]
    fn member_tables_match_the_typed_structs() {
        // EV-7.1: the reader's tables and the schemas name the same members.
        for (name, schema) in schemas() {
            if name == "descriptor" || name == "empty" {
                continue;
            }
            let family = EventFamily::STANDARD.into_iter().find(|f| f.name() == name).unwrap();
            let mut from_schema: Vec<String> = schema
                .get("properties")
                .and_then(|p| p.as_object())
                .unwrap()
                .keys()
                .cloned()
                .collect();
            let mut from_table: Vec<String> = member_names(family).into_iter().map(str::to_owned).collect();
            from_schema.sort();
            from_table.sort();
            assert_eq!(from_schema, from_table, "{name}");
        }
    }
}
