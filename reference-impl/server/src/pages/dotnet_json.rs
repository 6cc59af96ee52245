//! What a Razor handler sees of an event's args: the .NET `EventArgs` type ASP.NET Core 10
//! creates for an event name, and that object as `System.Text.Json` serializes it by default
//! (`JsonSerializer.Serialize((object)e)`), as `Events.razor` shows them in `#last`.
//!
//! Facts reproduced (each checked against the recording `captures/prerender/events/`):
//!
//! * **Type.** ASP.NET Core picks the type from the event *name* (`WebEventData`'s table, the
//!   same table as [`EventFamily::of`]): `click`, `dblclick`, `contextmenu`, `mouse*` →
//!   `MouseEventArgs`; `wheel`, `mousewheel` → `WheelEventArgs`; `pointer*`,
//!   `got/lostpointercapture` → `PointerEventArgs`; `drag*`, `drop` → `DragEventArgs`; `key*` →
//!   `KeyboardEventArgs`; `focus`, `blur`, `focusin`, `focusout` → `FocusEventArgs`; `copy`, `cut`,
//!   `paste` → `ClipboardEventArgs`; `input`, `change` → `ChangeEventArgs`; `touch*` →
//!   `TouchEventArgs`; `loadstart`, `timeout`, `abort`, `load`, `loadend`, `progress` →
//!   `ProgressEventArgs`; `error` → `ErrorEventArgs`; `toggle`, `cancel`, `close` → a plain
//!   `EventArgs`. Any other name (`scroll`, `select`, `submit`, `reset`, ...) is bound to the
//!   handler's declared parameter type, which `EventHandlers.cs` makes plain `EventArgs` for every
//!   one of them that `Events.razor` uses: a JSON object becomes `new EventArgs()`.
//! * **Reading** is the protocol crate's ([`parse_event_args`]): camelCase names, exact case,
//!   unknown members refused, `long` members only from integer literals, `float` members finite.
//! * **Property names** are the C# names (PascalCase; no naming policy by default).
//! * **Property order**: `System.Text.Json` walks the type hierarchy from the type itself up to
//!   its base types (`DefaultJsonTypeInfoResolver.PopulateProperties`: "Walk the type hierarchy
//!   starting from the current type up to the base type(s)"), each type's properties in
//!   declaration order. So a `WheelEventArgs` writes `DeltaX..DeltaMode` first, then the
//!   `MouseEventArgs` members (recorded: `WheelEventArgs {"DeltaX":0,...,"Detail":0,...}`).
//! * **Numbers**: `long`/`int` in decimal; `double` and `float` as `Utf8Formatter` writes them by
//!   default: the shortest round-trip digits of the value's own precision, in fixed notation
//!   unless the decimal exponent is beyond the digit count or 17 (`float`: 9), or below -4, then
//!   `d.dddE+XX` (sign always, at least two exponent digits). `41`, `287.875`, `-0`, `1E+17`,
//!   `1E-05`.
//! * **Strings** with the default encoder: printable ASCII as is except `"` `&` `'` `+` `<` `>`
//!   `` ` `` and `\`; `\b` `\t` `\n` `\f` `\r` `\\` as two-character escapes; everything else
//!   (controls, DEL, every non-ASCII character) as `\uXXXX` (upper-case hex, UTF-16 code units).
//!   `null` for a null string.
//! * **`ChangeEventArgs.Value`** is an `object`: a string, a boolean, an array of strings, or null.

use std::fmt::Write as _;

use brasa_protocol::events::{
    self, ChangeValue as WireChangeValue, DataTransfer, EventError, EventFamily, TouchPoint, parse_event_args,
};
use brasa_render::{ChangeValue, EventArgs};

/// An event's args as a .NET handler receives them: the runtime type's name
/// (`e.GetType().Name`) and its default `System.Text.Json` serialization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DotnetEventArgs {
    /// `MouseEventArgs`, `ChangeEventArgs`, ..., or `EventArgs`.
    pub type_name: &'static str,
    /// `JsonSerializer.Serialize((object)e)`.
    pub json: String,
}

/// Why ASP.NET Core would not have called the handler with these args (it fails the dispatch).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgsError {
    /// The args do not read as the event name's type.
    Event(EventError),
    /// A plain `EventArgs` is read from a JSON object only (`null` gives a null `e`, anything
    /// else a `JsonException`).
    NotAnObject(String),
}

impl std::fmt::Display for ArgsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ArgsError::Event(error) => error.fmt(f),
            ArgsError::NotAnObject(json) => write!(f, "plain EventArgs are read from a JSON object, got {json}"),
        }
    }
}

impl std::error::Error for ArgsError {}

impl From<EventError> for ArgsError {
    fn from(error: EventError) -> Self {
        ArgsError::Event(error)
    }
}

/// The .NET view of the args a handler attached for `event_name` (without `on`) receives.
pub fn dotnet_event_args(event_name: &str, args: &EventArgs) -> Result<DotnetEventArgs, ArgsError> {
    let json = match args {
        EventArgs::Empty => serde_json::json!({}),
        EventArgs::Change(ChangeValue::String(value)) => serde_json::json!({ "value": value }),
        EventArgs::Change(ChangeValue::Bool(value)) => serde_json::json!({ "value": value }),
        EventArgs::Json(json) => json.clone(),
    };
    if EventFamily::of(event_name) == EventFamily::Custom {
        // Bound to the declared parameter type, plain `EventArgs`: no properties.
        return if json.is_object() {
            Ok(DotnetEventArgs {
                type_name: "EventArgs",
                json: "{}".into(),
            })
        } else {
            Err(ArgsError::NotAnObject(json.to_string()))
        };
    }
    let parsed = parse_event_args(event_name, &json.to_string())?;
    Ok(serialize(&parsed))
}

/// The `MouseEventArgs` members, after a derived type's own (base class last).
macro_rules! mouse_members {
    ($o:ident, $m:ident) => {
        $o.long("Detail", $m.detail);
        $o.double("ScreenX", $m.screen_x);
        $o.double("ScreenY", $m.screen_y);
        $o.double("ClientX", $m.client_x);
        $o.double("ClientY", $m.client_y);
        $o.double("OffsetX", $m.offset_x);
        $o.double("OffsetY", $m.offset_y);
        $o.double("PageX", $m.page_x);
        $o.double("PageY", $m.page_y);
        $o.double("MovementX", $m.movement_x);
        $o.double("MovementY", $m.movement_y);
        $o.long("Button", $m.button);
        $o.long("Buttons", $m.buttons);
        $o.bool("CtrlKey", $m.ctrl_key);
        $o.bool("ShiftKey", $m.shift_key);
        $o.bool("AltKey", $m.alt_key);
        $o.bool("MetaKey", $m.meta_key);
        $o.string("Type", $m.event_type.as_deref());
    };
}

/// The type name and serialization of args the protocol crate read.
pub fn serialize(args: &events::EventArgs) -> DotnetEventArgs {
    let mut o = Object::new();
    let type_name = match args {
        events::EventArgs::Mouse(m) => {
            mouse_members!(o, m);
            "MouseEventArgs"
        }
        events::EventArgs::Wheel(w) => {
            o.double("DeltaX", w.delta_x);
            o.double("DeltaY", w.delta_y);
            o.double("DeltaZ", w.delta_z);
            o.long("DeltaMode", w.delta_mode);
            mouse_members!(o, w);
            "WheelEventArgs"
        }
        events::EventArgs::Pointer(p) => {
            o.long("PointerId", p.pointer_id);
            o.single("Width", p.width);
            o.single("Height", p.height);
            o.single("Pressure", p.pressure);
            o.single("TiltX", p.tilt_x);
            o.single("TiltY", p.tilt_y);
            o.string("PointerType", p.pointer_type.as_deref());
            o.bool("IsPrimary", p.is_primary);
            mouse_members!(o, p);
            "PointerEventArgs"
        }
        events::EventArgs::Drag(d) => {
            let value = d.data_transfer.as_ref().map(data_transfer);
            o.raw("DataTransfer", value.as_deref().unwrap_or("null"));
            mouse_members!(o, d);
            "DragEventArgs"
        }
        events::EventArgs::Keyboard(k) => {
            o.string("Key", k.key.as_deref());
            o.string("Code", k.code.as_deref());
            o.single("Location", k.location);
            o.bool("Repeat", k.repeat);
            o.bool("CtrlKey", k.ctrl_key);
            o.bool("ShiftKey", k.shift_key);
            o.bool("AltKey", k.alt_key);
            o.bool("MetaKey", k.meta_key);
            o.string("Type", k.event_type.as_deref());
            o.bool("IsComposing", k.is_composing);
            "KeyboardEventArgs"
        }
        events::EventArgs::Focus(f) => {
            o.string("Type", f.event_type.as_deref());
            "FocusEventArgs"
        }
        events::EventArgs::Clipboard(c) => {
            o.string("Type", c.event_type.as_deref());
            "ClipboardEventArgs"
        }
        events::EventArgs::Change(c) => {
            let value = match &c.value {
                None => "null".to_owned(),
                Some(WireChangeValue::Bool(b)) => b.to_string(),
                Some(WireChangeValue::String(s)) => json_string(s),
                Some(WireChangeValue::Strings(items)) => array(items.iter().map(|s| json_string(s))),
            };
            o.raw("Value", &value);
            "ChangeEventArgs"
        }
        events::EventArgs::Touch(t) => {
            o.long("Detail", t.detail);
            o.raw("Touches", &touch_points(&t.touches));
            o.raw("TargetTouches", &touch_points(&t.target_touches));
            o.raw("ChangedTouches", &touch_points(&t.changed_touches));
            o.bool("CtrlKey", t.ctrl_key);
            o.bool("ShiftKey", t.shift_key);
            o.bool("AltKey", t.alt_key);
            o.bool("MetaKey", t.meta_key);
            o.string("Type", t.event_type.as_deref());
            "TouchEventArgs"
        }
        events::EventArgs::Progress(p) => {
            o.bool("LengthComputable", p.length_computable);
            o.long("Loaded", p.loaded);
            o.long("Total", p.total);
            o.string("Type", p.event_type.as_deref());
            "ProgressEventArgs"
        }
        events::EventArgs::Error(e) => {
            o.string("Message", e.message.as_deref());
            o.string("Filename", e.filename.as_deref());
            o.long("Lineno", e.lineno.unwrap_or(0).into());
            o.long("Colno", e.colno.unwrap_or(0).into());
            o.string("Type", e.event_type.as_deref());
            "ErrorEventArgs"
        }
        // Plain `EventArgs` (toggle, cancel, close; and any other name, bound to `EventArgs`).
        events::EventArgs::Empty(_) | events::EventArgs::Custom(_) => "EventArgs",
    };
    DotnetEventArgs {
        type_name,
        json: o.finish(),
    }
}

/// `DataTransfer`: `DropEffect`, `EffectAllowed`, `Files`, `Items` (`Kind`, `Type`), `Types`.
fn data_transfer(d: &DataTransfer) -> String {
    let mut o = Object::new();
    o.string("DropEffect", d.drop_effect.as_deref());
    o.string("EffectAllowed", d.effect_allowed.as_deref());
    o.raw("Files", &array(d.files.iter().map(|f| optional_string(f.as_deref()))));
    let items = d.items.iter().map(|item| {
        let mut i = Object::new();
        i.string("Kind", item.kind.as_deref());
        i.string("Type", item.item_type.as_deref());
        i.finish()
    });
    o.raw("Items", &array(items));
    o.raw("Types", &array(d.types.iter().map(|t| optional_string(t.as_deref()))));
    o.finish()
}

/// `TouchPoint[]`: `Identifier`, `ScreenX`, `ScreenY`, `ClientX`, `ClientY`, `PageX`, `PageY`
/// (the C# declaration order, not the browser's).
fn touch_points(points: &[TouchPoint]) -> String {
    array(points.iter().map(|p| {
        let mut o = Object::new();
        o.long("Identifier", p.identifier);
        o.double("ScreenX", p.screen_x);
        o.double("ScreenY", p.screen_y);
        o.double("ClientX", p.client_x);
        o.double("ClientY", p.client_y);
        o.double("PageX", p.page_x);
        o.double("PageY", p.page_y);
        o.finish()
    }))
}

/// A JSON object written member by member, in the order given.
struct Object {
    out: String,
}

impl Object {
    fn new() -> Object {
        Object { out: "{".into() }
    }

    fn raw(&mut self, name: &str, value: &str) {
        if self.out.len() > 1 {
            self.out.push(',');
        }
        self.out.push('"');
        self.out.push_str(name);
        self.out.push_str("\":");
        self.out.push_str(value);
    }

    fn long(&mut self, name: &str, value: i64) {
        self.raw(name, &value.to_string());
    }

    fn double(&mut self, name: &str, value: f64) {
        self.raw(name, &dotnet_double(value));
    }

    fn single(&mut self, name: &str, value: f32) {
        self.raw(name, &dotnet_single(value));
    }

    fn bool(&mut self, name: &str, value: bool) {
        self.raw(name, if value { "true" } else { "false" });
    }

    fn string(&mut self, name: &str, value: Option<&str>) {
        self.raw(name, &optional_string(value));
    }

    fn finish(mut self) -> String {
        self.out.push('}');
        self.out
    }
}

fn array(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    format!("[{}]", items.join(","))
}

fn optional_string(value: Option<&str>) -> String {
    value.map_or_else(|| "null".into(), json_string)
}

/// A string as `Utf8JsonWriter` writes it with the default encoder (see the module docs).
pub fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '\\' => out.push_str("\\\\"),
            '"' | '&' | '\'' | '+' | '<' | '>' | '`' => push_hex(&mut out, c),
            ' '..='~' => out.push(c),
            _ => push_hex(&mut out, c),
        }
    }
    out.push('"');
    out
}

fn push_hex(out: &mut String, c: char) {
    let mut units = [0u16; 2];
    for unit in c.encode_utf16(&mut units) {
        let _ = write!(out, "\\u{unit:04X}");
    }
}

/// A `double` as `Utf8JsonWriter.WriteNumberValue(double)` writes it.
pub fn dotnet_double(value: f64) -> String {
    if !value.is_finite() {
        return non_finite(value.is_nan(), value.is_sign_negative());
    }
    general(&format!("{value:e}"), 17)
}

/// A `float` as `Utf8JsonWriter.WriteNumberValue(float)` writes it.
pub fn dotnet_single(value: f32) -> String {
    if !value.is_finite() {
        return non_finite(value.is_nan(), value.is_sign_negative());
    }
    general(&format!("{value:e}"), 9)
}

/// .NET's symbols; `Utf8JsonWriter` itself refuses these values (they cannot come from JSON).
fn non_finite(nan: bool, negative: bool) -> String {
    match (nan, negative) {
        (true, _) => "NaN".into(),
        (false, false) => "Infinity".into(),
        (false, true) => "-Infinity".into(),
    }
}

/// .NET's `G` format of the shortest round-trip digits (`Number.FormatDouble`/`FormatSingle` with
/// the default format, then `FormatGeneral`), from Rust's shortest `{:e}` form (`-d.ddde-N`).
/// `precision` is 17 for `double`, 9 for `float`.
fn general(exponential: &str, precision: usize) -> String {
    let (mantissa, exponent) = exponential.split_once('e').unwrap_or((exponential, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let (negative, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, mantissa),
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    if digits.bytes().all(|d| d == b'0') {
        // Zero has no digits in .NET's number buffer: "0" (or "-0").
        out.push('0');
        return out;
    }
    let digits = digits.trim_end_matches('0');
    // The decimal point sits after `scale` digits.
    let scale = exponent + 1;
    let max_digits = digits.len().max(precision) as i32;
    if scale > max_digits || scale < -3 {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let e = scale - 1;
        let _ = write!(out, "E{}{:02}", if e < 0 { '-' } else { '+' }, e.unsigned_abs());
    } else if scale <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', scale.unsigned_abs() as usize));
        out.push_str(digits);
    } else {
        let scale = scale as usize;
        if digits.len() <= scale {
            out.push_str(digits);
            out.extend(std::iter::repeat_n('0', scale - digits.len()));
        } else {
            out.push_str(&digits[..scale]);
            out.push('.');
            out.push_str(&digits[scale..]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_as_dotnet_writes_them() {
        for (value, text) in [
            (0.0, "0"),
            (-0.0, "-0"),
            (41.0, "41"),
            (-15.0, "-15"),
            (120.0, "120"),
            (287.875, "287.875"),
            (300.8699951171875, "300.8699951171875"),
            (0.5, "0.5"),
            (0.0001, "0.0001"),
            (0.00001, "1E-05"),
            (1.5e-7, "1.5E-07"),
            (1e16, "10000000000000000"),
            (1e17, "1E+17"),
            (123456789012345680000.0, "1.2345678901234568E+20"),
            (12345678901234567.0, "12345678901234568"),
            (1e300, "1E+300"),
            (f64::MAX, "1.7976931348623157E+308"),
            (5e-324, "5E-324"),
            (0.1 + 0.2, "0.30000000000000004"),
        ] {
            assert_eq!(dotnet_double(value), text, "{value:e}");
        }
    }

    #[test]
    fn floats_as_dotnet_writes_them() {
        for (value, text) in [
            (0.0f32, "0"),
            (1.0, "1"),
            (0.5, "0.5"),
            (0.3, "0.3"),
            (-90.0, "-90"),
            (123456789.0, "123456790"),
            (1e9, "1E+09"),
            (3.4028235e38, "3.4028235E+38"),
            (1e-5, "1E-05"),
        ] {
            assert_eq!(dotnet_single(value), text, "{value:e}");
        }
    }

    #[test]
    fn strings_with_the_default_encoder() {
        assert_eq!(json_string("C:\\fakepath\\hello.txt"), r#""C:\\fakepath\\hello.txt""#);
        assert_eq!(json_string("a\"b"), r#""a\u0022b""#);
        assert_eq!(json_string("<&'+`>"), r#""\u003C\u0026\u0027\u002B\u0060\u003E""#);
        assert_eq!(json_string("\u{8}\t\n\u{c}\r"), r#""\b\t\n\f\r""#);
        assert_eq!(json_string("\u{0}\u{1f}\u{7f}"), r#""\u0000\u001F\u007F""#);
        assert_eq!(json_string("é 🎉 \u{2028}"), r#""\u00E9 \uD83C\uDF89 \u2028""#);
        assert_eq!(json_string("KeyA /~"), r#""KeyA /~""#);
    }

    #[test]
    fn types_follow_the_event_name() {
        let click = EventArgs::Json(serde_json::json!({"detail": 1, "type": "click"}));
        assert_eq!(dotnet_event_args("click", &click).unwrap().type_name, "MouseEventArgs");
        // The same args under a pointer event name are a PointerEventArgs, own members first.
        let pointer = dotnet_event_args("gotpointercapture", &click).unwrap();
        assert_eq!(pointer.type_name, "PointerEventArgs");
        assert!(
            pointer.json.starts_with(r#"{"PointerId":0,"Width":0,"#),
            "{}",
            pointer.json
        );
        assert!(pointer.json.ends_with(r#""MetaKey":false,"Type":"click"}"#));
        // Unknown members fail the dispatch, as ASP.NET Core's readers throw.
        let odd = EventArgs::Json(serde_json::json!({"detail": 1, "nope": 2}));
        assert!(dotnet_event_args("click", &odd).is_err());
        // Names outside the table are bound to plain EventArgs.
        for name in ["scroll", "select", "submit", "reset"] {
            let args = dotnet_event_args(name, &EventArgs::Json(serde_json::json!({"x": 1}))).unwrap();
            assert_eq!((args.type_name, args.json.as_str()), ("EventArgs", "{}"));
        }
        assert!(dotnet_event_args("scroll", &EventArgs::Json(serde_json::json!(5))).is_err());
        // toggle reads nothing.
        let toggle = dotnet_event_args("toggle", &EventArgs::Json(serde_json::json!({"open": true}))).unwrap();
        assert_eq!((toggle.type_name, toggle.json.as_str()), ("EventArgs", "{}"));
    }

    #[test]
    fn change_values_and_progress() {
        let text = dotnet_event_args("input", &EventArgs::change("a+b")).unwrap();
        assert_eq!(text.json, r#"{"Value":"a\u002Bb"}"#);
        let checked = dotnet_event_args("change", &EventArgs::Change(ChangeValue::Bool(false))).unwrap();
        assert_eq!(checked.json, r#"{"Value":false}"#);
        let none = dotnet_event_args("change", &EventArgs::Json(serde_json::json!({"value": null}))).unwrap();
        assert_eq!(none.json, r#"{"Value":null}"#);
        let empty = dotnet_event_args("change", &EventArgs::Empty).unwrap();
        assert_eq!(empty.json, r#"{"Value":null}"#);
        let progress = dotnet_event_args(
            "progress",
            &EventArgs::Json(
                serde_json::json!({"lengthComputable": true, "loaded": 5, "total": 9, "type": "progress"}),
            ),
        )
        .unwrap();
        assert_eq!(
            (progress.type_name, progress.json.as_str()),
            (
                "ProgressEventArgs",
                r#"{"LengthComputable":true,"Loaded":5,"Total":9,"Type":"progress"}"#
            )
        );
    }
}
