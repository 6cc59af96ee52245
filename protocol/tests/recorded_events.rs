//! Every browser event recorded from ASP.NET Core 10 (`../shared/reference/captures/*/*/messages.jsonl`,
//! `BeginInvokeDotNetFromJS` calls of `DispatchEventAsync`) parses into its descriptor and typed
//! event args, every member arriving as recorded, and writes back to the recorded JSON byte for
//! byte; the bad-input recordings show what a server does with a malformed event; the published
//! schemas are what the types generate (`BRASA_BLESS=1` rewrites them); and every requirement of
//! `spec/events.md` is checked here or in `protocol/src/events.rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use brasa_protocol::blazor::ClientCall;
use brasa_protocol::events::{
    self, ChangeValue, DispatchEvent, EventArgs, EventError, EventFamily, EventLimits, FieldValue, Problem,
};
use brasa_protocol::hub::{self, HubMessage, Protocol};
use serde_json::Value;

fn reference() -> PathBuf {
    std::env::var_os("BRASA_REFERENCE")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference"))
}

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len() / 2)
        .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

/// One recorded session: its messages in order.
struct Session {
    name: String,
    records: Vec<Value>,
}

fn sessions() -> Vec<Session> {
    let mut files: Vec<PathBuf> = Vec::new();
    for kind in std::fs::read_dir(reference().join("captures"))
        .expect("captures")
        .flatten()
    {
        if let Ok(entries) = std::fs::read_dir(kind.path()) {
            files.extend(
                entries
                    .flatten()
                    .map(|e| e.path().join("messages.jsonl"))
                    .filter(|p| p.exists()),
            );
        }
    }
    files.sort();
    files
        .into_iter()
        .map(|file| {
            let name = file
                .parent()
                .unwrap()
                .strip_prefix(reference().join("captures"))
                .unwrap()
                .display()
                .to_string();
            let records = std::fs::read_to_string(&file)
                .unwrap()
                .lines()
                .map(|line| serde_json::from_str(line).unwrap())
                .collect();
            Session { name, records }
        })
        .collect()
}

/// One recorded `DispatchEventAsync` call.
struct Recorded {
    place: String,
    /// The call as the hub delivered it, decoded from the recorded bytes.
    call: ClientCall,
    /// The recorded arguments JSON.
    arguments_json: String,
    /// The recorded event args, as JSON.
    recorded_args: Value,
    /// What this crate made of it.
    event: DispatchEvent,
}

impl Recorded {
    fn name(&self) -> &str {
        self.event.descriptor.event_name.as_deref().unwrap_or("")
    }
}

/// The renderer's interop object id, from the session's `attachWebRendererInterop` call.
fn renderer_object_id(session: &Session) -> i64 {
    for record in &session.records {
        let msg = &record["msg"];
        if msg[3] == "JS.BeginInvokeJS" && msg[4][1] == "Blazor._internal.attachWebRendererInterop" {
            let args: Value = serde_json::from_str(msg[4][2].as_str().unwrap()).unwrap();
            return args[1]["__dotNetObject"].as_i64().unwrap();
        }
    }
    panic!("{}: no attachWebRendererInterop call", session.name)
}

fn dispatches_of(session: &Session) -> Vec<Recorded> {
    let object_id = renderer_object_id(session);
    let mut out = Vec::new();
    for (n, record) in session.records.iter().enumerate() {
        let msg = &record["msg"];
        if msg[0] != 1 || msg[3] != "BeginInvokeDotNetFromJS" || msg[4][2] != "DispatchEventAsync" {
            continue;
        }
        let place = format!("{}:{}", session.name, n + 1);
        let body = hex(record["raw"].as_str().unwrap());
        let mut framed = Vec::new();
        hub::write_length_prefix(body.len(), &mut framed);
        framed.extend_from_slice(&body);
        let messages = hub::decode_all(Protocol::MessagePack, &framed, usize::MAX).unwrap();
        let HubMessage::Invocation(invocation) = &messages[0] else {
            panic!("{place}")
        };
        let call = ClientCall::from_invocation(&invocation.target, &invocation.arguments).unwrap();
        let event = DispatchEvent::from_call(&call, object_id, &EventLimits::default())
            .unwrap_or_else(|| panic!("{place}: not recognised as an event"))
            .unwrap_or_else(|e| panic!("{place}: {e}"));
        let arguments_json = msg[4][4].as_str().unwrap().to_owned();
        let both: Value = serde_json::from_str(&arguments_json).unwrap();
        out.push(Recorded {
            place,
            call,
            arguments_json,
            recorded_args: both[1].clone(),
            event,
        });
    }
    out
}

fn all_dispatches() -> Vec<Recorded> {
    sessions().iter().flat_map(dispatches_of).collect()
}

/// The dispatches of the shared events capture, where every family Blazor records appears.
fn events_capture() -> Vec<Recorded> {
    let sessions = sessions();
    let session = sessions
        .iter()
        .find(|s| s.name == "prerender/events")
        .expect("prerender/events");
    dispatches_of(session)
}

fn named<'a>(recorded: &'a [Recorded], name: &str) -> Vec<&'a Recorded> {
    let found: Vec<&Recorded> = recorded.iter().filter(|r| r.name() == name).collect();
    assert!(!found.is_empty(), "no recorded {name}");
    found
}

/// Numbers compare by value (`51` and `51.0` are the same number), everything else exactly.
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

/// Every member of the recorded args has the same value in the typed args.
fn assert_members_as_recorded(recorded: &Recorded) {
    let typed = serde_json::to_value(&recorded.event.event_args).unwrap();
    let Value::Object(members) = &recorded.recorded_args else {
        panic!("{}", recorded.place)
    };
    for (name, value) in members {
        assert!(
            typed.get(name).is_some_and(|t| same_json(t, value)),
            "{}: {name} recorded {value}, typed {:?}",
            recorded.place,
            typed.get(name)
        );
    }
}

#[test]
fn every_recorded_dispatch_parses_into_descriptor_and_typed_args() {
    // EV-1.1, EV-3.1, EV-5.1: the call's shape, and every recorded event's family.
    let recorded = all_dispatches();
    assert!(recorded.len() >= 90, "only {} recorded dispatches", recorded.len());
    let mut families = BTreeSet::new();
    for r in &recorded {
        let ClientCall::BeginInvokeDotNetFromJs {
            call_id,
            assembly_name,
            method_identifier,
            dotnet_object_id,
            ..
        } = &r.call
        else {
            panic!("{}", r.place)
        };
        assert!(call_id.is_some(), "{}: Blazor's client always sends a call id", r.place);
        assert_eq!(*assembly_name, None, "{}", r.place);
        assert_eq!(
            method_identifier.as_deref(),
            Some(events::DISPATCH_EVENT_METHOD),
            "{}",
            r.place
        );
        assert_eq!(*dotnet_object_id, 1, "{}", r.place);
        let family = EventFamily::of(r.name());
        assert_eq!(r.event.event_args.family(), family, "{}", r.place);
        families.insert(family);
        // The descriptor's members, in the recorded order.
        assert!(
            r.arguments_json.starts_with(r#"[{"eventHandlerId":"#) && r.arguments_json.contains(r#","eventName":"#),
            "{}",
            r.place
        );
    }
    let expected: BTreeSet<EventFamily> = EventFamily::STANDARD
        .into_iter()
        .filter(|f| *f != EventFamily::Progress)
        .chain([EventFamily::Custom])
        .collect();
    assert_eq!(families, expected, "families recorded");
}

#[test]
fn recorded_arguments_are_written_back_byte_for_byte() {
    // EV-4.2: serialising the typed descriptor and args gives the recorded JSON, numbers as
    // JavaScript wrote them; and the same members with the same values.
    for r in all_dispatches() {
        assert_eq!(r.event.arguments_json(), r.arguments_json, "{}", r.place);
        let written: Value = serde_json::from_str(&r.event.event_args.to_json()).unwrap();
        assert!(same_json(&written, &r.recorded_args), "{}", r.place);
        assert_eq!(r.event.to_call(), r.call, "{}", r.place);
    }
}

#[test]
fn every_dispatch_gets_exactly_one_successful_completion() {
    // EV-1.2: `JS.EndInvokeDotNet [callId, true, "{}"]`, once per call id.
    for session in sessions() {
        let dispatched: Vec<String> = dispatches_of(&session)
            .iter()
            .map(|r| r.event.call_id.clone().unwrap())
            .collect();
        let mut completions: BTreeMap<String, Vec<(bool, String)>> = BTreeMap::new();
        for record in &session.records {
            let msg = &record["msg"];
            if msg[3] == "JS.EndInvokeDotNet" {
                completions
                    .entry(msg[4][0].as_str().unwrap().to_owned())
                    .or_default()
                    .push((msg[4][1].as_bool().unwrap(), msg[4][2].as_str().unwrap().to_owned()));
            }
        }
        for call_id in dispatched {
            let answers = completions.get(&call_id).cloned().unwrap_or_default();
            assert_eq!(
                answers,
                [(true, events::DISPATCH_SUCCESS_RESULT.to_owned())],
                "{}: call {call_id}",
                session.name
            );
            let expected = events::dispatch_completion(Some(&call_id), Ok(())).unwrap();
            assert_eq!(
                expected,
                brasa_protocol::blazor::ServerCall::EndInvokeDotNet {
                    call_id: call_id.clone(),
                    success: true,
                    result_or_error: "{}".into()
                }
            );
        }
    }
}

#[test]
fn field_info_arrives_as_recorded_and_binds_the_handlers_value() {
    // EV-3.4: non-null exactly on input, select and textarea events; EV-3.5: the value the
    // server writes into the bound attribute is the value the change handler receives (the first
    // selected option of a multiple select).
    let recorded = all_dispatches();
    let mut with_info = 0;
    for r in &recorded {
        let info = &r.event.descriptor.event_field_info;
        let recorded_info = serde_json::from_str::<Value>(&r.arguments_json).unwrap()[0]["eventFieldInfo"].clone();
        match info {
            None => assert!(recorded_info.is_null(), "{}", r.place),
            Some(info) => {
                with_info += 1;
                assert_eq!(
                    i64::from(info.component_id),
                    recorded_info["componentId"].as_i64().unwrap()
                );
                let expected = match &recorded_info["fieldValue"] {
                    Value::Bool(b) => Some(FieldValue::Bool(*b)),
                    Value::String(s) => Some(FieldValue::String(s.clone())),
                    other => panic!("{}: {other}", r.place),
                };
                assert_eq!(info.field_value, expected, "{}", r.place);
                if let EventArgs::Change(change) = &r.event.event_args {
                    let bound = match change.value.clone() {
                        Some(ChangeValue::Bool(b)) => Some(FieldValue::Bool(b)),
                        Some(ChangeValue::String(s)) => Some(FieldValue::String(s)),
                        Some(ChangeValue::Strings(v)) => v.first().cloned().map(FieldValue::String),
                        None => None,
                    };
                    assert_eq!(info.field_value, bound, "{}", r.place);
                }
            }
        }
    }
    assert!(with_info >= 45, "{with_info}");
    let components: BTreeSet<i32> = recorded
        .iter()
        .filter_map(|r| r.event.descriptor.event_field_info.as_ref().map(|i| i.component_id))
        .collect();
    assert_eq!(components, BTreeSet::from([6, 13, 14, 15, 16, 17]));
}

#[test]
fn mouse_args_arrive_as_recorded() {
    // EV-4.3
    let recorded = events_capture();
    for name in [
        "click",
        "dblclick",
        "contextmenu",
        "mouseover",
        "mousemove",
        "mousedown",
        "mouseup",
        "mouseout",
    ] {
        for r in named(&recorded, name) {
            assert_members_as_recorded(r);
        }
    }
    let click = named(&recorded, "click")[0];
    let EventArgs::Mouse(m) = &click.event.event_args else {
        panic!()
    };
    assert_eq!(
        (m.client_x, m.client_y, m.screen_x, m.screen_y),
        (28.0, 90.0, 38.0, 187.0)
    );
    assert_eq!(
        (m.offset_x, m.page_y, m.detail, m.button, m.buttons),
        (19.0, 90.0, 1, 0, 0)
    );
    assert_eq!(m.event_type.as_deref(), Some("click"));
    assert_eq!(click.event.descriptor.event_handler_id, 1);
    let EventArgs::Mouse(m) = &named(&recorded, "dblclick")[0].event.event_args else {
        panic!()
    };
    assert_eq!(m.detail, 2);
    let EventArgs::Mouse(m) = &named(&recorded, "contextmenu")[0].event.event_args else {
        panic!()
    };
    assert_eq!((m.button, m.buttons), (2, 2));
    let EventArgs::Mouse(m) = &named(&recorded, "mousemove")[0].event.event_args else {
        panic!()
    };
    assert_eq!((m.movement_x, m.movement_y), (-15.0, 15.0));
}

#[test]
fn wheel_args_arrive_as_recorded() {
    // EV-4.4
    let recorded = events_capture();
    let wheel = named(&recorded, "wheel")[0];
    assert_members_as_recorded(wheel);
    let EventArgs::Wheel(w) = &wheel.event.event_args else {
        panic!()
    };
    assert_eq!((w.delta_x, w.delta_y, w.delta_z, w.delta_mode), (0.0, 120.0, 0.0, 0));
    assert_eq!((w.client_x, w.client_y), (28.0, 120.0));
}

#[test]
fn pointer_args_arrive_as_recorded() {
    // EV-4.5
    let recorded = events_capture();
    for name in ["pointermove", "pointerdown", "pointerup"] {
        for r in named(&recorded, name) {
            assert_members_as_recorded(r);
        }
    }
    let EventArgs::Pointer(p) = &named(&recorded, "pointermove")[0].event.event_args else {
        panic!()
    };
    assert_eq!((p.screen_y, p.client_y, p.button), (287.875, 190.875, -1));
    assert_eq!(
        (p.pointer_id, p.pointer_type.as_deref(), p.is_primary),
        (1, Some("mouse"), true)
    );
    let EventArgs::Pointer(p) = &named(&recorded, "pointerdown")[0].event.event_args else {
        panic!()
    };
    assert_eq!(
        (p.pressure, p.width, p.height, p.tilt_x, p.buttons),
        (0.5, 1.0, 1.0, 0.0, 1)
    );
}

#[test]
fn drag_args_arrive_as_recorded() {
    // EV-4.6
    let recorded = events_capture();
    for name in ["dragstart", "dragenter", "dragover", "drop", "dragend"] {
        for r in named(&recorded, name) {
            assert_members_as_recorded(r);
        }
    }
    let EventArgs::Drag(d) = &named(&recorded, "dragstart")[0].event.event_args else {
        panic!()
    };
    let data = d.data_transfer.as_ref().unwrap();
    assert_eq!(
        (data.drop_effect.as_deref(), data.effect_allowed.as_deref()),
        (Some("none"), Some("uninitialized"))
    );
    assert!(data.files.is_empty() && data.items.is_empty() && data.types.is_empty());
    assert_eq!((d.client_x, d.buttons), (58.0, 1));
    let EventArgs::Drag(d) = &named(&recorded, "drop")[0].event.event_args else {
        panic!()
    };
    let data = d.data_transfer.as_ref().unwrap();
    assert_eq!(
        (data.drop_effect.as_deref(), data.effect_allowed.as_deref()),
        (Some("copy"), Some("all"))
    );
}

#[test]
fn keyboard_args_arrive_as_recorded() {
    // EV-4.7
    let recorded = events_capture();
    for name in ["keydown", "keypress", "keyup"] {
        for r in named(&recorded, name) {
            assert_members_as_recorded(r);
        }
    }
    let keydown = named(&recorded, "keydown");
    let EventArgs::Keyboard(k) = &keydown[0].event.event_args else {
        panic!()
    };
    assert_eq!(
        (k.key.as_deref(), k.code.as_deref(), k.location),
        (Some("a"), Some("KeyA"), 0.0)
    );
    assert_eq!(
        (k.repeat, k.is_composing, k.event_type.as_deref()),
        (false, false, Some("keydown"))
    );
    let shift = keydown
        .iter()
        .find_map(|r| match &r.event.event_args {
            EventArgs::Keyboard(k) if k.key.as_deref() == Some("Shift") => Some(k.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(
        (shift.code.as_deref(), shift.location, shift.shift_key),
        (Some("ShiftLeft"), 1.0, true)
    );
}

#[test]
fn focus_and_clipboard_args_arrive_as_recorded() {
    // EV-4.8
    let recorded = events_capture();
    for name in ["focus", "focusin", "blur", "focusout"] {
        let r = named(&recorded, name)[0];
        assert_members_as_recorded(r);
        let EventArgs::Focus(f) = &r.event.event_args else {
            panic!("{}", r.place)
        };
        assert_eq!(f.event_type.as_deref(), Some(name));
    }
    for name in ["copy", "cut", "paste"] {
        let r = named(&recorded, name)[0];
        assert_members_as_recorded(r);
        let EventArgs::Clipboard(c) = &r.event.event_args else {
            panic!("{}", r.place)
        };
        assert_eq!(c.event_type.as_deref(), Some(name));
    }
}

#[test]
fn change_args_arrive_as_recorded() {
    // EV-4.9
    let recorded = events_capture();
    let values: Vec<Option<ChangeValue>> = ["input", "change"]
        .iter()
        .flat_map(|name| named(&recorded, name))
        .map(|r| {
            assert_members_as_recorded(r);
            match &r.event.event_args {
                EventArgs::Change(c) => c.value.clone(),
                other => panic!("{}: {other:?}", r.place),
            }
        })
        .collect();
    let s = |v: &str| Some(ChangeValue::String(v.into()));
    assert_eq!(values[..3], [s("a"), s("aB"), s("7")]);
    assert_eq!(
        values[3..],
        [
            s("aB"),
            Some(ChangeValue::Bool(true)),
            Some(ChangeValue::Strings(vec!["a".into(), "c".into()])),
            s("C:\\fakepath\\hello.txt"),
        ]
    );
    // The form capture: text, number, checkbox, select, textarea, date.
    let sessions = sessions();
    let form = dispatches_of(sessions.iter().find(|s| s.name == "prerender/form").unwrap());
    let values: Vec<String> = form
        .iter()
        .filter_map(|r| match &r.event.event_args {
            EventArgs::Change(c) => Some(serde_json::to_string(&c.value).unwrap()),
            _ => None,
        })
        .collect();
    assert!(values.contains(&r#""a bio\nwith two lines""#.to_owned()), "{values:?}");
    assert!(
        values.contains(&r#""2026-11-25""#.to_owned()) && values.contains(&"true".to_owned()),
        "{values:?}"
    );
}

#[test]
fn touch_args_arrive_as_recorded() {
    // EV-4.10
    let recorded = events_capture();
    let start = named(&recorded, "touchstart")[0];
    let end = named(&recorded, "touchend")[0];
    assert_members_as_recorded(start);
    assert_members_as_recorded(end);
    let EventArgs::Touch(t) = &start.event.event_args else {
        panic!()
    };
    assert_eq!(t.touches.len(), 1);
    let point = &t.touches[0];
    assert_eq!(
        (point.identifier, point.client_x, point.client_y),
        (0, 108.0, 300.8699951171875)
    );
    assert_eq!((point.screen_y, point.page_y), (397.8699951171875, 300.8699951171875));
    assert_eq!((t.target_touches.len(), t.changed_touches.len()), (1, 1));
    let EventArgs::Touch(t) = &end.event.event_args else {
        panic!()
    };
    assert_eq!(
        (t.touches.len(), t.target_touches.len(), t.changed_touches.len()),
        (0, 0, 1)
    );
    assert_eq!(t.event_type.as_deref(), Some("touchend"));
}

#[test]
fn error_args_arrive_as_recorded() {
    // EV-4.12: an <img> that failed to load sends only `type`.
    let recorded = events_capture();
    let r = named(&recorded, "error")[0];
    assert_members_as_recorded(r);
    let EventArgs::Error(e) = &r.event.event_args else {
        panic!()
    };
    assert_eq!(e.event_type.as_deref(), Some("error"));
    assert_eq!(
        (e.message.as_deref(), e.filename.as_deref(), e.lineno, e.colno),
        (None, None, None, None)
    );
}

#[test]
fn toggle_is_empty_and_other_names_keep_their_json() {
    // EV-5.2, EV-5.3
    let recorded = events_capture();
    let toggle = named(&recorded, "toggle")[0];
    assert_eq!(toggle.event.event_args, EventArgs::Empty(events::EmptyEventArgs {}));
    for name in ["submit", "reset", "scroll", "select"] {
        for r in named(&recorded, name) {
            assert_eq!(
                r.event.event_args,
                EventArgs::Custom(serde_json::json!({})),
                "{}",
                r.place
            );
        }
    }
}

#[test]
fn large_event_handler_ids_survive_parsing_and_writing() {
    // EV-3.2: ids above 2^53 are carried exactly when written as integer literals.
    let json = format!(
        r#"[{{"eventHandlerId":{},"eventName":"click","eventFieldInfo":null}},{{}}]"#,
        (1u64 << 53) + 1
    );
    let (descriptor, _) = events::parse_dispatch_arguments(&json, &EventLimits::default()).unwrap();
    assert_eq!(descriptor.event_handler_id, 9_007_199_254_740_993);
}

#[test]
fn damaged_recorded_arguments_fail_cleanly() {
    // EV-2.1, EV-4.1: every prefix of every recorded arguments JSON, and every recorded arguments
    // JSON with one byte replaced, parses or fails with an error; nothing panics.
    let limits = EventLimits::default();
    let mut failures = 0usize;
    for r in all_dispatches() {
        let text = r.arguments_json.as_str();
        for cut in (0..text.len()).filter(|&i| text.is_char_boundary(i)) {
            failures += usize::from(events::parse_dispatch_arguments(&text[..cut], &limits).is_err());
        }
        for at in (0..text.len()).filter(|&i| text.is_char_boundary(i) && text.is_char_boundary(i + 1)) {
            for replacement in ["0", "\"", "}", "-", "n", "."] {
                let damaged = format!("{}{replacement}{}", &text[..at], &text[at + 1..]);
                let _ = events::parse_dispatch_arguments(&damaged, &limits);
            }
        }
    }
    assert!(failures > 10_000, "{failures}");
}

// ------------------------------------------------------------------------------------------------
// Malformed events: what the real server did (bad-input/event-*), and what this crate reports

fn bad_input(case: &str) -> Value {
    let path = reference().join(format!("bad-input/{case}.json"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// The failed completion the real server sent for the bad call (id "9"), after which the circuit
/// still answered a click.
fn recorded_failure(case: &str) -> String {
    let record = bad_input(case);
    assert_eq!(record["closed"], Value::Null, "{case}: the connection stayed open");
    assert_eq!(record["circuitAnswersClick"], true, "{case}: the circuit went on");
    let received = record["received"].as_array().unwrap();
    assert!(
        !received.iter().any(|m| m[3] == "JS.Error"),
        "{case}: no JS.Error, the circuit is not terminated"
    );
    let failures: Vec<&Value> = received
        .iter()
        .filter(|m| m[3] == "JS.EndInvokeDotNet" && m[4][0] == "9")
        .collect();
    assert_eq!(failures.len(), 1, "{case}");
    assert_eq!(failures[0][4][1], false, "{case}");
    failures[0][4][2].as_str().unwrap().to_owned()
}

fn click_call(object_id: i64, arguments_json: &str) -> ClientCall {
    ClientCall::BeginInvokeDotNetFromJs {
        call_id: Some("9".into()),
        assembly_name: None,
        method_identifier: Some("DispatchEventAsync".into()),
        dotnet_object_id: object_id,
        arguments_json: Some(arguments_json.into()),
    }
}

const CLICK_ARGS: &str = r#"{"detail":1,"screenX":51,"screenY":221,"clientX":41,"clientY":124,"offsetX":32,"offsetY":8,"pageX":41,"pageY":124,"movementX":0,"movementY":0,"button":0,"buttons":0,"ctrlKey":false,"shiftKey":false,"altKey":false,"metaKey":false,"type":"click""#;

#[test]
fn an_unknown_member_fails_only_the_call() {
    // EV-6.1, EV-4.1 (bad-input/event-unknown-field): the real server failed the call with
    // "Unknown property zzz"; this crate reports the member and the family.
    let text = recorded_failure("event-unknown-field");
    assert!(
        text.contains("error parsing the event arguments") && text.contains("Unknown property zzz"),
        "{text}"
    );
    let json = format!(r#"[{{"eventHandlerId":1,"eventName":"click","eventFieldInfo":null}},{CLICK_ARGS},"zzz":1}}]"#);
    let error = DispatchEvent::from_call(&click_call(1, &json), 1, &EventLimits::default())
        .unwrap()
        .unwrap_err();
    assert_eq!(
        error,
        EventError::EventArgs {
            family: EventFamily::Mouse,
            member: "zzz".into(),
            problem: Problem::UnknownMember
        }
    );
    let answer = events::dispatch_completion(Some("9"), Err(error.kind())).unwrap();
    assert!(matches!(
        answer,
        brasa_protocol::blazor::ServerCall::EndInvokeDotNet { success: false, .. }
    ));
}

#[test]
fn arguments_that_are_not_json_fail_only_the_call() {
    // EV-6.1, EV-2.1 (bad-input/event-bad-json: arguments `[{`).
    let text = recorded_failure("event-bad-json");
    assert!(text.starts_with("System.Text.Json.JsonReaderException"), "{text}");
    let error = DispatchEvent::from_call(&click_call(1, "[{"), 1, &EventLimits::default())
        .unwrap()
        .unwrap_err();
    assert!(matches!(error, EventError::ArgumentsNotJson(_)), "{error}");
}

#[test]
fn an_unknown_handler_is_a_valid_event_that_the_renderer_refuses() {
    // EV-6.1, EV-3.6 (bad-input/event-unknown-handler, id 987654): the arguments are valid; the
    // call fails when the renderer looks the handler up.
    let text = recorded_failure("event-unknown-handler");
    assert!(
        text.contains("There is no event handler associated with this event. EventId: '987654'"),
        "{text}"
    );
    let json = format!(r#"[{{"eventHandlerId":987654,"eventName":"click","eventFieldInfo":null}},{CLICK_ARGS}}}]"#);
    let event = DispatchEvent::from_call(&click_call(1, &json), 1, &EventLimits::default())
        .unwrap()
        .unwrap();
    assert_eq!(event.descriptor.event_handler_id, 987_654);
}

#[test]
fn a_call_on_another_object_is_not_an_event() {
    // EV-6.1, EV-1.3 (bad-input/event-wrong-object, object 424242): ordinary interop, which fails
    // because no such object is tracked.
    let text = recorded_failure("event-wrong-object");
    assert!(text.contains("There is no tracked object with id '424242'"), "{text}");
    let json = format!(r#"[{{"eventHandlerId":1,"eventName":"click","eventFieldInfo":null}},{CLICK_ARGS}}}]"#);
    assert!(DispatchEvent::from_call(&click_call(424_242, &json), 1, &EventLimits::default()).is_none());
}

// ------------------------------------------------------------------------------------------------
// The spec: schemas, examples, requirement ids

#[test]
fn published_event_schemas_are_up_to_date() {
    // EV-7.1: spec/schemas/events/ holds exactly what the types generate.
    let dir = repository().join("spec/schemas/events");
    let bless = std::env::var_os("BRASA_BLESS").is_some();
    if bless {
        std::fs::create_dir_all(&dir).unwrap();
    }
    let mut expected = BTreeSet::new();
    for (name, schema) in events::schemas() {
        let file = format!("{name}.schema.json");
        let path = dir.join(&file);
        let text = events::schema_file_text(&schema);
        if bless {
            std::fs::write(&path, &text).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(committed == text, "{} is stale: run with BRASA_BLESS=1", path.display());
        expected.insert(file);
    }
    let present: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(present, expected, "files in {}", dir.display());
    assert_eq!(expected.len(), EventFamily::STANDARD.len() + 1);
}

#[test]
fn recorded_args_satisfy_the_published_schemas() {
    // EV-7.1: each recorded event's args have only the members its family's schema lists, of
    // the listed JSON types.
    let schemas: BTreeMap<&str, schemars::Schema> = events::schemas().into_iter().collect();
    for r in all_dispatches() {
        let family = r.event.event_args.family();
        if matches!(family, EventFamily::Custom | EventFamily::Empty) {
            continue;
        }
        let schema = schemas[family.name()].as_value();
        let properties = schema["properties"].as_object().unwrap();
        for (name, value) in r.recorded_args.as_object().unwrap() {
            let property = properties
                .get(name)
                .unwrap_or_else(|| panic!("{}: {name} not in the schema", r.place));
            let types: Vec<&str> = match &property["type"] {
                Value::String(t) => vec![t.as_str()],
                Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
                _ => continue, // a $ref or anyOf: checked by parsing
            };
            let kind = match value {
                Value::Null => "null",
                Value::Bool(_) => "boolean",
                Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
                Value::Number(_) => "number",
                Value::String(_) => "string",
                Value::Array(_) => "array",
                Value::Object(_) => "object",
            };
            assert!(
                types.contains(&kind) || (kind == "integer" && types.contains(&"number")),
                "{}: {name} is {kind}, the schema says {types:?}",
                r.place
            );
        }
    }
}

#[test]
fn examples_in_the_spec_parse_and_round_trip() {
    // EV-1.1, EV-4.2: every arguments JSON quoted in spec/events.md (a line starting with
    // `[{"eventHandlerId"`) is valid and written back unchanged.
    let text = std::fs::read_to_string(repository().join("spec/events.md")).unwrap();
    let mut examples = 0;
    for line in text.lines().map(str::trim) {
        if line.starts_with(r#"[{"eventHandlerId""#) {
            let (descriptor, args) = events::parse_dispatch_arguments(line, &EventLimits::default())
                .unwrap_or_else(|e| panic!("{line}: {e}"));
            let written = serde_json::to_string(&(&descriptor, &args)).unwrap();
            assert_eq!(written, line);
            examples += 1;
        }
    }
    assert!(examples >= 3, "{examples} examples");
}

/// Ids defined by the chapter: paragraphs starting with `**[EV-n.m]**`.
fn defined_ids() -> BTreeSet<String> {
    let text = std::fs::read_to_string(repository().join("spec/events.md")).unwrap();
    text.match_indices("**[EV-")
        .filter_map(|(at, _)| {
            let rest = &text[at + 3..];
            rest.find("]**").map(|end| rest[..end].to_owned())
        })
        .collect()
}

fn cited_ids(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (at, _) in text.match_indices("EV-") {
        if at > 0 && text.as_bytes()[at - 1].is_ascii_alphanumeric() {
            continue;
        }
        let number: String = text[at + 3..]
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        let number = number.trim_end_matches('.');
        if number.contains('.') {
            out.insert(format!("EV-{number}"));
        }
    }
    out
}

#[test]
fn every_event_requirement_is_checked_and_every_citation_defined() {
    let defined = defined_ids();
    assert!(
        defined.len() >= 25,
        "spec/events.md defines {} requirements",
        defined.len()
    );
    let source = std::fs::read_to_string(repository().join("protocol/src/events.rs")).unwrap();
    let unit_tests = &source[source.find("#[cfg(test)]").unwrap()..];
    let this_file = std::fs::read_to_string(repository().join("protocol/tests/recorded_events.rs")).unwrap();
    let checked: BTreeSet<String> = cited_ids(unit_tests).union(&cited_ids(&this_file)).cloned().collect();
    let unchecked: Vec<&String> = defined.difference(&checked).collect();
    assert!(unchecked.is_empty(), "requirements no test checks: {unchecked:?}");
    let mut cited = cited_ids(&source);
    cited.extend(cited_ids(&this_file));
    let dangling: Vec<&String> = cited.difference(&defined).collect();
    assert!(dangling.is_empty(), "cited but not defined: {dangling:?}");
}
