//! Transcript tests: scripted inputs with times, and the exact messages the server answers,
//! for the circuit-level cases of `reference/blazor-bad-input.md` and the circuit life cycle.

use brasa_protocol::blazor::{ClientCall, ServerCall};
use brasa_protocol::hub::{self, CompletionResult, HubMessage, Invocation, Protocol, Value};
use brasa_protocol::render_batch::{self, Diff, Edit, Frame, RenderBatch};

use super::*;

const ATTACH: &str = "Blazor._internal.attachWebRendererInterop";

/// A counter-like application: one root component, one click handler (id 1).
#[derive(Default)]
struct Counter {
    base_uri: String,
    count: u32,
    dirty: bool,
    rendered_once: bool,
    calls: Vec<ServerCall>,
    released: Vec<u64>,
}

impl CircuitApp for Counter {
    fn start(&mut self, base_uri: &str, _uri: &str, _components: &str) -> Result<(), String> {
        self.base_uri = base_uri.to_owned();
        self.calls.push(ServerCall::BeginInvokeJs {
            async_handle: 2,
            identifier: ATTACH.into(),
            arguments_json: "[1,{\"__dotNetObject\":1},{},{}]".into(),
            result_type: 3,
            target_instance_id: 0,
            call_type: 1,
        });
        Ok(())
    }
    fn update_root_components(&mut self, operations: &str, _state: &str) -> Result<(), String> {
        let parsed = serde_json::from_str::<serde_json::Value>(operations).map_err(|e| e.to_string())?;
        // A marker descriptor this application did not issue is refused.
        if parsed.to_string().contains("\"descriptor\":\"forged\"") {
            return Err("invalid descriptor".into());
        }
        self.calls.push(ServerCall::AttachComponent {
            component_id: 0,
            selector: "1".into(),
        });
        self.dirty = true;
        Ok(())
    }
    fn invoke_dotnet(
        &mut self,
        assembly: Option<&str>,
        method: &str,
        object: i64,
        args: &str,
    ) -> Result<(bool, String), String> {
        if let Some(assembly) = assembly {
            return Ok((
                false,
                format!("There is no loaded assembly with the name '{assembly}'."),
            ));
        }
        if object != 1 {
            return Ok((false, format!("There is no tracked object with id '{object}'.")));
        }
        if method == "Throw" {
            return Err("System.InvalidOperationException: thrown by the handler".into());
        }
        // EV: the event protocol's own parser, as a real application uses it.
        let (descriptor, _args) = match brasa_protocol::events::parse_dispatch_arguments(
            args,
            &brasa_protocol::events::EventLimits::default(),
        ) {
            Ok(parsed) => parsed,
            Err(e) => return Ok((false, format!("There was an error parsing the event arguments: {e}"))),
        };
        let id = descriptor.event_handler_id;
        if id != 1 {
            return Ok((
                false,
                format!("There is no event handler associated with this event. EventId: '{id}'."),
            ));
        }
        self.count += 1;
        self.dirty = true;
        Ok((true, "{}".into()))
    }
    fn end_invoke_js(&mut self, _handle: i64, _ok: bool, _json: &str) -> Result<(), String> {
        Ok(())
    }
    fn location_changed(&mut self, uri: &str, _state: Option<&str>, _intercepted: bool) -> Result<(), String> {
        if uri.starts_with(&self.base_uri) {
            Ok(())
        } else {
            Err(format!(
                "System.ArgumentException: The URI '{uri}' is not contained by the base URI '{}'.",
                self.base_uri
            ))
        }
    }
    fn render(&mut self) -> Result<Option<Rendered>, String> {
        if !self.dirty {
            return Ok(None);
        }
        self.dirty = false;
        let batch = if self.rendered_once {
            RenderBatch {
                updated_components: vec![Diff {
                    component_id: 0,
                    edits: vec![Edit::UpdateText {
                        sibling_index: 0,
                        reference_frame_index: 0,
                    }],
                }],
                reference_frames: vec![Frame::Text {
                    content: self.count.to_string(),
                }],
                ..Default::default()
            }
        } else {
            self.rendered_once = true;
            RenderBatch {
                updated_components: vec![Diff {
                    component_id: 0,
                    edits: vec![Edit::PrependFrame {
                        sibling_index: 0,
                        reference_frame_index: 0,
                    }],
                }],
                reference_frames: vec![
                    Frame::Element {
                        subtree_length: 3,
                        name: "button".into(),
                    },
                    Frame::Attribute {
                        name: "onclick".into(),
                        value: None,
                        event_handler_id: 1,
                    },
                    Frame::Text { content: "0".into() },
                ],
                ..Default::default()
            }
        };
        Ok(Some((render_batch::encode(&batch), vec![])))
    }
    fn release_event_handlers(&mut self, ids: &[u64]) {
        self.released.extend_from_slice(ids);
    }
    fn take_calls(&mut self) -> Vec<ServerCall> {
        std::mem::take(&mut self.calls)
    }
}

struct Apps;
impl AppFactory for Apps {
    type App = Counter;
    fn create(&mut self) -> Counter {
        Counter::default()
    }
}

fn server(options: ServerOptions) -> Server<Apps> {
    let mut n = 0u8;
    Server::new(
        Apps,
        Box::new(move || {
            n = n.wrapping_add(1);
            std::array::from_fn(|i| n.wrapping_mul(17).wrapping_add(i as u8))
        }),
        options,
    )
}

fn framed(message: &HubMessage) -> Vec<u8> {
    let mut out = Vec::new();
    hub::encode(Protocol::MessagePack, message, &mut out).unwrap();
    out
}

fn invoke(id: Option<&str>, call: &ClientCall) -> Vec<u8> {
    framed(&call.to_message(id.map(str::to_owned)))
}

fn raw(id: Option<&str>, target: &str, arguments: Vec<Value>) -> Vec<u8> {
    framed(&HubMessage::Invocation(Invocation {
        headers: vec![],
        invocation_id: id.map(str::to_owned),
        target: target.into(),
        arguments,
        stream_ids: None,
    }))
}

/// What the client sees: each message decoded, `Closed` for a transport close.
#[derive(Debug, PartialEq)]
enum Seen {
    Handshake(String),
    Message(HubMessage),
    Closed,
}

fn seen(outputs: Vec<Output>) -> Vec<Seen> {
    let mut all = Vec::new();
    for output in outputs {
        match output {
            Output::Send { bytes, .. } if bytes.ends_with(&[0x1e]) && bytes.starts_with(b"{") => {
                all.push(Seen::Handshake(String::from_utf8(bytes).unwrap()))
            }
            Output::Send { bytes, .. } => {
                for m in hub::decode_all(Protocol::MessagePack, &bytes, usize::MAX).unwrap() {
                    all.push(Seen::Message(m));
                }
            }
            Output::Close { .. } => all.push(Seen::Closed),
        }
    }
    all
}

fn target(seen: &Seen) -> Option<String> {
    match seen {
        Seen::Message(HubMessage::Invocation(inv)) => Some(inv.target.clone()),
        _ => None,
    }
}

fn error_text(seen: &Seen) -> Option<String> {
    match seen {
        Seen::Message(HubMessage::Invocation(inv)) if inv.target == "JS.Error" => {
            inv.arguments[0].as_str().map(str::to_owned)
        }
        _ => None,
    }
}

fn is_abort_close(seen: &Seen) -> bool {
    *seen
        == Seen::Message(HubMessage::Close {
            error: None,
            allow_reconnect: Some(false),
        })
}

struct Session {
    server: Server<Apps>,
    connection: u64,
    secret: String,
    now: Millis,
}

fn start_flow() -> ClientCall {
    ClientCall::StartCircuit {
        base_uri: Some("http://127.0.0.1:5000/".into()),
        uri: Some("http://127.0.0.1:5000/counter".into()),
        components: Some("[]".into()),
        application_state: Some("state".into()),
    }
}

fn update_root() -> ClientCall {
    ClientCall::UpdateRootComponents {
        operations: Some("{\"batchId\":1,\"operations\":[]}".into()),
        application_state: Some(String::new()),
    }
}

fn click(call_id: &str, handler: u64) -> ClientCall {
    ClientCall::BeginInvokeDotNetFromJs {
        call_id: Some(call_id.into()),
        assembly_name: None,
        method_identifier: Some("DispatchEventAsync".into()),
        dotnet_object_id: 1,
        arguments_json: Some(format!(
            "[{{\"eventHandlerId\":{handler},\"eventName\":\"click\",\"eventFieldInfo\":null}},{{}}]"
        )),
    }
}

fn ack(batch_id: i64) -> Vec<u8> {
    invoke(None, &ClientCall::OnRenderCompleted { batch_id, error: None })
}

impl Session {
    /// Handshake, StartCircuit (id "0"), UpdateRootComponents, ack of batch 2: a live counter.
    fn start(options: ServerOptions) -> (Session, Vec<Seen>) {
        let mut server = server(options);
        let connection = server.open_connection();
        let mut transcript = seen(server.receive(connection, b"{\"protocol\":\"blazorpack\",\"version\":1}\x1e", 0));
        transcript.extend(seen(server.receive(connection, &framed(&HubMessage::Ping), 1)));
        let started = seen(server.receive(connection, &invoke(Some("0"), &start_flow()), 2));
        let secret = match started.last() {
            Some(Seen::Message(HubMessage::Completion {
                result: CompletionResult::Value(Value::Str(s)),
                ..
            })) => s.clone(),
            other => panic!("no StartCircuit completion: {other:?}"),
        };
        transcript.extend(started);
        transcript.extend(seen(server.receive(connection, &invoke(None, &update_root()), 3)));
        transcript.extend(seen(server.receive(connection, &ack(2), 4)));
        (
            Session {
                server,
                connection,
                secret,
                now: 5,
            },
            transcript,
        )
    }

    fn send(&mut self, bytes: &[u8]) -> Vec<Seen> {
        self.now += 1;
        seen(self.server.receive(self.connection, bytes, self.now))
    }
}

#[test]
fn start_flow_matches_the_recorded_order() {
    // CIR-6.2: handshake `{}`, the attach call before the StartCircuit completion, then
    // AttachComponent and batch 2 after UpdateRootComponents (fact sheet §6).
    let (_, transcript) = Session::start(ServerOptions::default());
    assert_eq!(transcript[0], Seen::Handshake("{}\u{1e}".into()));
    assert_eq!(target(&transcript[1]).as_deref(), Some("JS.BeginInvokeJS"));
    assert!(
        matches!(&transcript[2], Seen::Message(HubMessage::Completion { invocation_id, .. }) if invocation_id == "0")
    );
    assert_eq!(target(&transcript[3]).as_deref(), Some("JS.AttachComponent"));
    match &transcript[4] {
        Seen::Message(HubMessage::Invocation(inv)) => {
            assert_eq!(inv.target, "JS.RenderBatch");
            assert_eq!(inv.arguments[0], Value::UInt(2), "the first batch id is 2 (CIR-2.1)");
            assert_eq!(inv.stream_ids, Some(vec![]), "the server writes 6-element invocations");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        transcript[5],
        Seen::Message(ServerCall::EndUpdateRootComponents { batch_id: 1 }.to_message(None)),
        "BZ-2.1: JS.EndUpdateRootComponents follows the first render"
    );
    assert_eq!(transcript.len(), 6);
}

#[test]
fn call_before_start_closes_with_circuit_not_initialized() {
    // CIR-6.1: bad-input/call-before-start, byte for byte.
    let mut server = server(ServerOptions::default());
    let c = server.open_connection();
    server.receive(c, b"{\"protocol\":\"blazorpack\",\"version\":1}\x1e", 0);
    let out = server.receive(c, &ack(2), 1);
    let bytes: Vec<u8> = out
        .iter()
        .flat_map(|o| {
            if let Output::Send { bytes, .. } = o {
                bytes.clone()
            } else {
                vec![]
            }
        })
        .collect();
    let recorded = "28960180c0a84a532e4572726f7291b843697263756974206e6f7420696e697469616c697a65642e90049307c0c2";
    let recorded: Vec<u8> = (0..recorded.len() / 2)
        .map(|i| u8::from_str_radix(&recorded[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    assert_eq!(bytes, recorded);
    assert_eq!(out.last(), Some(&Output::Close { connection: c }));
}

#[test]
fn start_twice_and_bad_uris_abort() {
    // CIR-6.1: bad-input/start-twice and start-bad-uri.
    let (mut s, _) = Session::start(ServerOptions::default());
    let out = s.send(&invoke(Some("1"), &start_flow()));
    assert!(
        error_text(&out[0]).unwrap().ends_with("has already been initialized."),
        "{out:?}"
    );
    assert!(is_abort_close(&out[1]));
    assert_eq!(out[2], Seen::Closed);
    assert_eq!(out.len(), 3, "the second StartCircuit gets no completion");
    assert_eq!(s.server.circuits(), 0);

    let mut server = server(ServerOptions::default());
    let c = server.open_connection();
    server.receive(c, b"{\"protocol\":\"blazorpack\",\"version\":1}\x1e", 0);
    let bad = ClientCall::StartCircuit {
        base_uri: Some("not a uri".into()),
        uri: Some("also not".into()),
        components: Some("[]".into()),
        application_state: Some(String::new()),
    };
    let out = seen(server.receive(c, &invoke(Some("0"), &bad), 1));
    assert_eq!(error_text(&out[0]).as_deref(), Some("The uris provided are invalid."));
    assert!(is_abort_close(&out[1]));
    assert_eq!(server.circuits(), 0);
}

#[test]
fn acks_follow_the_recorded_rules() {
    // CIR-2.2, CIR-2.3: ack-duplicate and ack-future-batch are ignored; ack-held-then-event.
    let (mut s, _) = Session::start(ServerOptions::default());
    assert!(s.send(&ack(2)).is_empty(), "duplicate ack");
    assert!(s.send(&ack(102)).is_empty(), "future ack while nothing is pending");
    for (i, call) in ["9", "10", "11"].iter().enumerate() {
        let out = s.send(&invoke(None, &click(call, 1)));
        assert_eq!(target(&out[0]).as_deref(), Some("JS.RenderBatch"));
        assert!(
            matches!(&out[0], Seen::Message(HubMessage::Invocation(inv)) if inv.arguments[0] == Value::UInt(3 + i as u64))
        );
        assert_eq!(
            target(&out[1]).as_deref(),
            Some("JS.EndInvokeDotNet"),
            "the batch precedes EndInvokeDotNet"
        );
    }
    assert!(s.send(&ack(5)).is_empty(), "one ack of 5 frees 3, 4 and 5");
    let out = s.send(&invoke(None, &click("12", 1)));
    assert!(matches!(&out[0], Seen::Message(HubMessage::Invocation(inv)) if inv.arguments[0] == Value::UInt(6)));
    assert!(s.send(&ack(5)).is_empty(), "below the oldest pending: ignored");
}

#[test]
fn a_future_ack_while_pending_or_an_ack_error_ends_the_circuit() {
    // CIR-2.3, CIR-6.6: bad-input/ack-future-pending and ack-with-error.
    for bad in [
        ack(103),
        invoke(
            None,
            &ClientCall::OnRenderCompleted {
                batch_id: 3,
                error: Some("applying the batch failed in the client".into()),
            },
        ),
    ] {
        let (mut s, _) = Session::start(ServerOptions::default());
        s.send(&invoke(None, &click("9", 1))); // batch 3 pending
        let out = s.send(&bad);
        assert_eq!(out.len(), 1);
        let text = error_text(&out[0]).unwrap();
        assert!(
            text.contains("Received an acknowledgement for batch with id '103' when the last batch produced was '3'.")
                || text.contains("applying the batch failed in the client"),
            "{text}"
        );
        // The next call meets a circuit that is gone.
        let out = s.send(&invoke(None, &click("10", 1)));
        assert_eq!(
            error_text(&out[0]).as_deref(),
            Some("Circuit has been shut down due to error.")
        );
        assert!(is_abort_close(&out[1]));
        assert_eq!(out[2], Seen::Closed);
        assert_eq!(s.server.circuits(), 0);
        assert!(matches!(s.server.take_ended().as_slice(), [EndReason::Failed(_)]));
    }
}

#[test]
fn unbound_arguments_and_unknown_methods_do_not_harm_the_circuit() {
    // CIR-5.2: ack-wrong-types, ack-no-args, unknown-method, unknown-method-invoke.
    let (mut s, _) = Session::start(ServerOptions::default());
    assert!(
        s.send(&raw(None, "OnRenderCompleted", vec![Value::str("x"), Value::UInt(5)]))
            .is_empty()
    );
    assert!(s.send(&raw(None, "OnRenderCompleted", vec![])).is_empty());
    assert!(s.send(&raw(None, "NoSuchMethod", vec![])).is_empty());
    let out = s.send(&raw(Some("77"), "NoSuchMethod", vec![]));
    assert!(
        matches!(&out[0], Seen::Message(HubMessage::Completion { result: CompletionResult::Error(e), .. }) if e.contains("Method does not exist"))
    );
    let out = s.send(&invoke(None, &click("9", 1)));
    assert_eq!(
        target(&out[0]).as_deref(),
        Some("JS.RenderBatch"),
        "the circuit still answers a click"
    );
}

#[test]
fn failed_calls_answer_false_and_keep_the_circuit() {
    // CIR-6.5: event-unknown-handler, event-bad-json, event-wrong-object.
    let (mut s, _) = Session::start(ServerOptions::default());
    let out = s.send(&invoke(None, &click("9", 987_654)));
    assert_eq!(out.len(), 1);
    match &out[0] {
        Seen::Message(HubMessage::Invocation(inv)) => {
            assert_eq!(inv.target, "JS.EndInvokeDotNet");
            assert_eq!(inv.arguments[0], Value::str("9"));
            assert_eq!(inv.arguments[1], Value::Bool(false));
        }
        other => panic!("{other:?}"),
    }
    let out = s.send(&invoke(None, &click("10", 1)));
    assert_eq!(target(&out[0]).as_deref(), Some("JS.RenderBatch"));
}

#[test]
fn a_foreign_location_or_bad_operations_terminate() {
    // CIR-6.4, CIR-6.6: location-changed-foreign-uri, update-root-bad-json.
    let (mut s, _) = Session::start(ServerOptions::default());
    let out = s.send(&invoke(
        None,
        &ClientCall::OnLocationChanged {
            uri: Some("https://elsewhere.example/x".into()),
            state: None,
            intercepted: false,
        },
    ));
    assert!(
        error_text(&out[0])
            .unwrap()
            .contains("is not contained by the base URI")
    );
    assert_eq!(s.server.circuits(), 0);

    let (mut s, _) = Session::start(ServerOptions::default());
    let out = s.send(&invoke(
        None,
        &ClientCall::UpdateRootComponents {
            operations: Some("{".into()),
            application_state: Some(String::new()),
        },
    ));
    assert_eq!(
        error_text(&out[0]).as_deref(),
        Some("The list of component operations is not valid.")
    );
    assert!(is_abort_close(&out[1]), "CIR-6.4: the connection is aborted at once");
    assert_eq!(out[2], Seen::Closed);
    assert_eq!(s.server.circuits(), 0);
}

#[test]
fn reconnect_resends_unacknowledged_batches_before_the_completion() {
    // CIR-2.5, CIR-4.3: recorded as prerender/resend.
    let (mut s, _) = Session::start(ServerOptions::default());
    for call in ["9", "10", "11"] {
        s.send(&invoke(None, &click(call, 1))); // batches 3, 4, 5, unacknowledged
    }
    s.server.connection_closed(s.connection, 100);
    assert_eq!(s.server.disconnected_circuits(), 1);
    let c2 = s.server.open_connection();
    s.server
        .receive(c2, b"{\"protocol\":\"blazorpack\",\"version\":1}\x1e", 200);
    let out = seen(s.server.receive(
        c2,
        &invoke(
            Some("0"),
            &ClientCall::ConnectCircuit {
                secret: Some(s.secret.clone()),
            },
        ),
        201,
    ));
    let ids: Vec<Value> = out[..3]
        .iter()
        .map(|m| match m {
            Seen::Message(HubMessage::Invocation(inv)) if inv.target == "JS.RenderBatch" => inv.arguments[0].clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(ids, vec![Value::UInt(3), Value::UInt(4), Value::UInt(5)]);
    assert_eq!(
        out[3],
        Seen::Message(HubMessage::Completion {
            headers: vec![],
            invocation_id: "0".into(),
            result: CompletionResult::Value(Value::Bool(true))
        })
    );
    // Batch ids continue on the new connection.
    s.connection = c2;
    s.send(&ack(5));
    let out = s.send(&invoke(None, &click("12", 1)));
    assert!(matches!(&out[0], Seen::Message(HubMessage::Invocation(inv)) if inv.arguments[0] == Value::UInt(6)));
}

#[test]
fn expiry_and_foreign_secrets_answer_false() {
    // CIR-4.2, CIR-4.3: recorded as expiry and bad-input/connect-random-id.
    let options = ServerOptions {
        registry: RegistryOptions {
            retention: 3_000,
            max_retained: 100,
        },
        ..Default::default()
    };
    let (mut s, _) = Session::start(options);
    s.server.connection_closed(s.connection, 1_000);
    s.server.tick(3_999);
    assert_eq!(s.server.circuits(), 1);
    s.server.tick(4_000);
    assert_eq!(s.server.circuits(), 0);
    assert_eq!(s.server.take_ended(), vec![EndReason::Expired]);
    let c2 = s.server.open_connection();
    s.server
        .receive(c2, b"{\"protocol\":\"blazorpack\",\"version\":1}\x1e", 9_000);
    for secret in [s.secret.clone(), "CfDJ8random".into(), String::new()] {
        let out = seen(s.server.receive(
            c2,
            &invoke(Some("1"), &ClientCall::ConnectCircuit { secret: Some(secret) }),
            9_001,
        ));
        assert_eq!(
            out,
            vec![Seen::Message(HubMessage::Completion {
                headers: vec![],
                invocation_id: "1".into(),
                result: CompletionResult::Value(Value::Bool(false))
            })]
        );
    }
}

#[test]
fn the_window_stops_rendering_and_coalesces_until_acked() {
    // CIR-2.4: recorded as resend (10 unacknowledged batches, then nothing; later state coalesced).
    let (mut s, _) = Session::start(ServerOptions::default());
    let mut batches = 0;
    for i in 0..15 {
        let out = s.send(&invoke(None, &click(&format!("{}", 20 + i), 1)));
        batches += out
            .iter()
            .filter(|m| target(m).as_deref() == Some("JS.RenderBatch"))
            .count();
        assert_eq!(
            target(out.last().unwrap()).as_deref(),
            Some("JS.EndInvokeDotNet"),
            "events are still processed"
        );
    }
    assert_eq!(batches, 10);
    let out = s.send(&ack(3));
    assert_eq!(out.len(), 1, "one coalesced batch for the five blocked renders");
    match &out[0] {
        Seen::Message(HubMessage::Invocation(inv)) => {
            assert_eq!(inv.arguments[0], Value::UInt(13));
            let Value::Bin(bytes) = &inv.arguments[1] else { panic!() };
            let batch = render_batch::decode(bytes).unwrap();
            assert_eq!(batch.reference_frames, vec![Frame::Text { content: "15".into() }]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_disconnect_endpoint_ends_a_live_circuit_at_once() {
    // CIR-4.4: bad-input/disconnect-endpoint (200 live, 400 unknown; the socket closes).
    let (mut s, _) = Session::start(ServerOptions::default());
    let mut out = Vec::new();
    assert!(!s.server.terminate("not-a-secret", &mut out));
    assert!(s.server.terminate(&s.secret.clone(), &mut out));
    assert_eq!(
        out,
        vec![Output::Close {
            connection: s.connection
        }]
    );
    assert_eq!(s.server.circuits(), 0);
    assert!(!s.server.terminate(&s.secret.clone(), &mut out), "already gone");
}

#[test]
fn an_exception_in_a_handler_ends_the_circuit_without_end_invoke() {
    // CIR-6.6: recorded as throw (JS.Error, no JS.EndInvokeDotNet for that call).
    let (mut s, _) = Session::start(ServerOptions::default());
    let throw = ClientCall::BeginInvokeDotNetFromJs {
        call_id: Some("9".into()),
        assembly_name: None,
        method_identifier: Some("Throw".into()),
        dotnet_object_id: 1,
        arguments_json: Some("[]".into()),
    };
    let out = s.send(&invoke(None, &throw));
    assert_eq!(out.len(), 1);
    assert!(error_text(&out[0]).unwrap().contains("thrown by the handler"));
    assert_eq!(s.server.circuits(), 0);
}

#[test]
fn one_circuit_failing_never_touches_another() {
    // CIR-6.6: never an effect on another circuit.
    let (mut a, _) = Session::start(ServerOptions::default());
    let b_connection = a.server.open_connection();
    a.server
        .receive(b_connection, b"{\"protocol\":\"blazorpack\",\"version\":1}\x1e", 10);
    let out = seen(a.server.receive(b_connection, &invoke(Some("0"), &start_flow()), 11));
    assert!(matches!(out.last(), Some(Seen::Message(HubMessage::Completion { .. }))));
    a.server.receive(b_connection, &invoke(None, &update_root()), 12);
    assert_eq!(a.server.circuits(), 2);
    a.send(&ack(999)); // ignored: nothing pending on a
    a.send(&invoke(None, &click("9", 1)));
    a.send(&ack(999)); // a fails
    assert_eq!(a.server.circuits(), 1);
    let out = seen(a.server.receive(b_connection, &invoke(None, &click("1", 1)), 13));
    assert_eq!(target(&out[0]).as_deref(), Some("JS.RenderBatch"));
}

#[test]
fn resume_and_pause_have_nothing_to_offer_yet() {
    // CIR-6.3: ResumeCircuit answers null and creates nothing; PauseCircuit answers false and the
    // circuit goes on; before a circuit exists PauseCircuit is refused like any other call.
    let mut server = server(ServerOptions::default());
    let c = server.open_connection();
    server.receive(c, b"{\"protocol\":\"blazorpack\",\"version\":1}\x1e", 0);
    let resume = ClientCall::ResumeCircuit {
        secret: Some("x".into()),
        base_uri: Some("http://127.0.0.1:5000/".into()),
        uri: Some("http://127.0.0.1:5000/counter".into()),
        root_components: Some("[]".into()),
        application_state: Some(String::new()),
    };
    let out = seen(server.receive(c, &invoke(Some("0"), &resume), 1));
    assert_eq!(
        out,
        vec![Seen::Message(HubMessage::Completion {
            headers: vec![],
            invocation_id: "0".into(),
            result: CompletionResult::Value(Value::Nil)
        })]
    );
    assert_eq!(server.circuits(), 0);
    let out = seen(server.receive(c, &invoke(Some("1"), &ClientCall::PauseCircuit), 2));
    assert_eq!(error_text(&out[0]).as_deref(), Some("Circuit not initialized."));

    let (mut s, _) = Session::start(ServerOptions::default());
    let out = s.send(&invoke(Some("5"), &ClientCall::PauseCircuit));
    assert_eq!(
        out,
        vec![Seen::Message(HubMessage::Completion {
            headers: vec![],
            invocation_id: "5".into(),
            result: CompletionResult::Value(Value::Bool(false))
        })]
    );
    let out = s.send(&invoke(None, &click("9", 1)));
    assert_eq!(target(&out[0]).as_deref(), Some("JS.RenderBatch"));
}

#[test]
fn an_invoked_void_method_gets_a_void_completion() {
    // BZ-1.1: SignalR completes every invoke that binds; void methods complete without a result.
    let (mut s, _) = Session::start(ServerOptions::default());
    let out = s.send(&invoke(
        Some("3"),
        &ClientCall::OnRenderCompleted {
            batch_id: 2,
            error: None,
        },
    ));
    assert_eq!(
        out,
        vec![Seen::Message(HubMessage::Completion {
            headers: vec![],
            invocation_id: "3".into(),
            result: CompletionResult::Void
        })]
    );
}

#[test]
fn bad_event_json_and_unknown_objects_fail_only_the_call() {
    // CIR-6.5: bad-input/event-bad-json and event-wrong-object.
    let (mut s, _) = Session::start(ServerOptions::default());
    for bad in [
        ClientCall::BeginInvokeDotNetFromJs {
            call_id: Some("9".into()),
            assembly_name: None,
            method_identifier: Some("DispatchEventAsync".into()),
            dotnet_object_id: 1,
            arguments_json: Some("[{".into()),
        },
        ClientCall::BeginInvokeDotNetFromJs {
            call_id: Some("9".into()),
            assembly_name: None,
            method_identifier: Some("DispatchEventAsync".into()),
            dotnet_object_id: 424_242,
            arguments_json: Some("[]".into()),
        },
    ] {
        let out = s.send(&invoke(None, &bad));
        assert_eq!(out.len(), 1);
        match &out[0] {
            Seen::Message(HubMessage::Invocation(inv)) => {
                assert_eq!(inv.target, "JS.EndInvokeDotNet");
                assert_eq!(inv.arguments[1], Value::Bool(false));
            }
            other => panic!("{other:?}"),
        }
    }
    let out = s.send(&invoke(None, &click("10", 1)));
    assert_eq!(
        target(&out[0]).as_deref(),
        Some("JS.RenderBatch"),
        "the circuit goes on"
    );
}

#[test]
fn connecting_to_another_circuit_disconnects_the_one_held() {
    // CIR-4.3: a connection that held circuit A and connects to circuit B leaves A disconnected,
    // so A expires instead of staying pinned.
    let options = ServerOptions {
        registry: RegistryOptions {
            retention: 1_000,
            max_retained: 100,
        },
        ..Default::default()
    };
    let (mut a, _) = Session::start(options);
    let secret_a = a.secret.clone();
    // A second circuit B on another connection, which then goes away.
    let b = a.server.open_connection();
    a.server
        .receive(b, b"{\"protocol\":\"blazorpack\",\"version\":1}\x1e", 10);
    let out = seen(a.server.receive(b, &invoke(Some("0"), &start_flow()), 11));
    let Some(Seen::Message(HubMessage::Completion {
        result: CompletionResult::Value(Value::Str(secret_b)),
        ..
    })) = out.last()
    else {
        panic!("{out:?}")
    };
    let secret_b = secret_b.clone();
    a.server.connection_closed(b, 12);
    let out = a.send(&invoke(
        Some("1"),
        &ClientCall::ConnectCircuit { secret: Some(secret_b) },
    ));
    assert!(matches!(
        out.last(),
        Some(Seen::Message(HubMessage::Completion {
            result: CompletionResult::Value(Value::Bool(true)),
            ..
        }))
    ));
    assert_eq!(a.server.disconnected_circuits(), 1, "circuit A is now disconnected");
    a.server.tick(5_000);
    assert_eq!(a.server.circuits(), 1, "A expired; B stays");
    let c = a.server.open_connection();
    a.server
        .receive(c, b"{\"protocol\":\"blazorpack\",\"version\":1}\x1e", 5_001);
    let out = seen(a.server.receive(
        c,
        &invoke(Some("0"), &ClientCall::ConnectCircuit { secret: Some(secret_a) }),
        5_002,
    ));
    assert!(matches!(
        out.last(),
        Some(Seen::Message(HubMessage::Completion {
            result: CompletionResult::Value(Value::Bool(false)),
            ..
        }))
    ));
}

#[test]
fn unknown_fields_and_unknown_assemblies_fail_only_the_call() {
    // CIR-6.5: bad-input/event-unknown-field and static-method-unknown.
    let (mut s, _) = Session::start(ServerOptions::default());
    let unknown_field = ClientCall::BeginInvokeDotNetFromJs {
        call_id: Some("9".into()),
        assembly_name: None,
        method_identifier: Some("DispatchEventAsync".into()),
        dotnet_object_id: 1,
        arguments_json: Some(
            "[{\"eventHandlerId\":1,\"eventName\":\"click\",\"eventFieldInfo\":null},{\"zzz\":1}]".into(),
        ),
    };
    let unknown_assembly = ClientCall::BeginInvokeDotNetFromJs {
        call_id: Some("10".into()),
        assembly_name: Some("NoSuchAssembly".into()),
        method_identifier: Some("Anything".into()),
        dotnet_object_id: 0,
        arguments_json: Some("[]".into()),
    };
    for (call, needle) in [(unknown_field, "zzz"), (unknown_assembly, "NoSuchAssembly")] {
        let out = s.send(&invoke(None, &call));
        assert_eq!(out.len(), 1, "{out:?}");
        match &out[0] {
            Seen::Message(HubMessage::Invocation(inv)) => {
                assert_eq!(inv.target, "JS.EndInvokeDotNet");
                assert_eq!(inv.arguments[1], Value::Bool(false));
                assert!(
                    inv.arguments[2].as_str().unwrap().contains(needle),
                    "{:?}",
                    inv.arguments[2]
                );
            }
            other => panic!("{other:?}"),
        }
    }
    let out = s.send(&invoke(None, &click("11", 1)));
    assert_eq!(
        target(&out[0]).as_deref(),
        Some("JS.RenderBatch"),
        "the circuit goes on"
    );
}

#[test]
fn a_forged_descriptor_ends_the_circuit_at_once() {
    // CIR-6.4: bad-input/update-root-bad-descriptor.
    let (mut s, _) = Session::start(ServerOptions::default());
    let forged = ClientCall::UpdateRootComponents {
        operations: Some(
            "{\"batchId\":2,\"operations\":[{\"type\":\"add\",\"ssrComponentId\":2,\"marker\":{\"type\":\"server\",\"descriptor\":\"forged\"}}]}"
                .into(),
        ),
        application_state: Some(String::new()),
    };
    let out = s.send(&invoke(None, &forged));
    assert_eq!(
        error_text(&out[0]).as_deref(),
        Some("The list of component operations is not valid.")
    );
    assert!(is_abort_close(&out[1]));
    assert_eq!(out[2], Seen::Closed);
    assert_eq!(s.server.circuits(), 0);
}
