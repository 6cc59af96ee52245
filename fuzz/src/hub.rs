//! Fuzz bodies for the hub decoders (HUB) and the circuit state machine (CIR).

use brasa_circuit::{AppFactory, CircuitApp, FrameKind, Output, Rendered, Server, ServerOptions};
use brasa_protocol::blazor::{ClientCall, ServerCall};
use brasa_protocol::hub::{self, Decoder, HubMessage, Protocol, Value};
use brasa_protocol::render_batch::{self, Diff, Edit, Frame, RenderBatch};

const MAX: usize = hub::DEFAULT_MAX_MESSAGE_SIZE;

fn canonical(messages: &[HubMessage]) -> Vec<u8> {
    let mut out = Vec::new();
    for m in messages {
        let _ = hub::encode(Protocol::MessagePack, m, &mut out);
    }
    out
}

/// HUB-1.3, HUB-4.1: decoding never panics; feeding the same bytes in pieces gives the same
/// messages and the same error as feeding them whole; every decoded message survives its
/// protocol's encoding and its readable form.
pub fn hub_decoder(protocol: Protocol, data: &[u8]) {
    let whole = hub::decode_all(protocol, data, MAX);

    // The same input in pieces whose sizes come from the input itself.
    let mut decoder = Decoder::new(protocol, MAX);
    let mut pieces = Vec::new();
    let mut error = None;
    let mut at = 0;
    let mut step = 1 + data.first().copied().unwrap_or(0) as usize % 7;
    'feed: while at < data.len() {
        let end = (at + step).min(data.len());
        decoder.push(&data[at..end]);
        at = end;
        step = 1 + (step * 31 + 7) % 13;
        loop {
            match decoder.next_message() {
                Ok(Some(m)) => pieces.push(m),
                Ok(None) => break,
                Err(e) => {
                    error = Some(e);
                    break 'feed;
                }
            }
        }
    }
    if error.is_none()
        && let Err(e) = decoder.finish()
    {
        error = Some(e);
    }
    match (&whole, &error) {
        (Ok(messages), None) => assert_eq!(canonical(messages), canonical(&pieces), "pieces decode differently"),
        (Err(a), Some(b)) => assert_eq!(a, b, "pieces fail differently"),
        (Ok(_), Some(e)) => panic!("whole input decodes, pieces fail: {e}"),
        (Err(e), None) => panic!("whole input fails ({e}), pieces decode"),
    }

    let Ok(messages) = whole else { return };
    for message in &messages {
        // Through the protocol's own encoding (JSON cannot carry every value: then it must say so).
        let mut bytes = Vec::new();
        match hub::encode(protocol, message, &mut bytes) {
            Ok(()) => {
                let again = hub::decode_all(protocol, &bytes, usize::MAX).expect("re-encoded message decodes");
                assert_eq!(
                    canonical(&again),
                    canonical(std::slice::from_ref(message)),
                    "re-encoding changes the message"
                );
            }
            Err(e) => assert_eq!(e.kind.name(), "not_representable"),
        }
        // Through the readable form.
        let text = hub::readable_json(message);
        let back = hub::parse_readable(&text).unwrap_or_else(|e| panic!("readable form {text} does not parse: {e}"));
        assert_eq!(
            canonical(&[back]),
            canonical(std::slice::from_ref(message)),
            "readable form changes the message: {text}"
        );
    }
}

/// A counter-like application for the circuit fuzz target: one click handler (id 1).
#[derive(Default)]
pub struct FuzzApp {
    count: u32,
    dirty: bool,
    first: bool,
    calls: Vec<ServerCall>,
}

impl CircuitApp for FuzzApp {
    fn start(&mut self, _base: &str, _uri: &str, components: &str) -> Result<(), String> {
        if components.len() > 1000 {
            return Err("The list of component records is not valid.".into());
        }
        self.first = true;
        Ok(())
    }
    fn update_root_components(&mut self, operations: &str, _state: &str) -> Result<(), String> {
        if operations.contains("bad") {
            return Err("invalid".into());
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
        _a: Option<&str>,
        method: &str,
        object: i64,
        args: &str,
    ) -> Result<(bool, String), String> {
        if method == "Throw" {
            return Err("thrown".into());
        }
        if object == 1 && args.contains("\"eventHandlerId\":1") {
            self.count += 1;
            self.dirty = true;
            return Ok((true, "{}".into()));
        }
        Ok((false, "no such handler".into()))
    }
    fn end_invoke_js(&mut self, _h: i64, _ok: bool, _json: &str) -> Result<(), String> {
        Ok(())
    }
    fn location_changed(&mut self, uri: &str, _s: Option<&str>, _i: bool) -> Result<(), String> {
        if uri.starts_with("http://h/") {
            Ok(())
        } else {
            Err("foreign URI".into())
        }
    }
    fn render(&mut self) -> Result<Option<Rendered>, String> {
        if !self.dirty {
            return Ok(None);
        }
        self.dirty = false;
        let frames = if std::mem::take(&mut self.first) {
            vec![Frame::Text {
                content: self.count.to_string(),
            }]
        } else {
            vec![Frame::Text {
                content: format!("{}", self.count),
            }]
        };
        let batch = RenderBatch {
            updated_components: vec![Diff {
                component_id: 0,
                edits: vec![Edit::PrependFrame {
                    sibling_index: 0,
                    reference_frame_index: 0,
                }],
            }],
            reference_frames: frames,
            ..Default::default()
        };
        Ok(Some((render_batch::encode(&batch), vec![u64::from(self.count)])))
    }
    fn release_event_handlers(&mut self, _ids: &[u64]) {}
    fn take_calls(&mut self) -> Vec<ServerCall> {
        std::mem::take(&mut self.calls)
    }
}

/// Creates [`FuzzApp`]s.
pub struct FuzzApps;

impl AppFactory for FuzzApps {
    type App = FuzzApp;
    fn create(&mut self) -> FuzzApp {
        FuzzApp::default()
    }
}

/// CIR: a server fed an arbitrary sequence of connections, hub messages (valid calls with
/// fuzzed arguments, and raw bytes), closes, time steps and disconnect requests never panics;
/// everything it sends is a well-formed handshake response or hub frame; it never holds more
/// circuits than were started.
pub fn circuit(data: &[u8]) {
    let mut counter = 0u8;
    let mut server = Server::new(
        FuzzApps,
        Box::new(move || {
            counter = counter.wrapping_add(1);
            std::array::from_fn(|i| counter.wrapping_add(i as u8).wrapping_mul(151))
        }),
        ServerOptions::default(),
    );
    let mut connections: Vec<u64> = Vec::new();
    let mut secrets: Vec<String> = Vec::new();
    let mut now = 0u64;
    let mut started = 0usize;
    let mut bytes = data.iter().copied();
    let mut next = move || bytes.next();
    while let Some(op) = next() {
        let pick = |n: usize, b: u8| if n == 0 { 0 } else { b as usize % n };
        let outputs: Vec<Output> = match op % 8 {
            0 => {
                connections.push(server.open_connection());
                Vec::new()
            }
            1..=3 => {
                let Some(&connection) = connections.get(pick(connections.len(), next().unwrap_or(0))) else {
                    continue;
                };
                let message = match op % 8 {
                    1 => b"{\"protocol\":\"blazorpack\",\"version\":1}\x1e".to_vec(),
                    2 => {
                        let call = fuzzed_call(&mut next, &secrets);
                        if matches!(call, ClientCall::StartCircuit { .. }) {
                            started += 1;
                        }
                        let id = next().unwrap_or(0).is_multiple_of(2).then(|| "7".to_owned());
                        let mut out = Vec::new();
                        let _ = hub::encode(Protocol::MessagePack, &call.to_message(id), &mut out);
                        out
                    }
                    _ => {
                        let n = next().unwrap_or(0) as usize % 16;
                        (0..n).map(|_| next().unwrap_or(0)).collect()
                    }
                };
                server.receive(connection, &message, now)
            }
            4 => {
                if let Some(&connection) = connections.get(pick(connections.len(), next().unwrap_or(0))) {
                    server.connection_closed(connection, now);
                    connections.retain(|&c| c != connection);
                }
                Vec::new()
            }
            5 => {
                now += u64::from(next().unwrap_or(0)) * 1_000;
                server.tick(now);
                Vec::new()
            }
            6 => {
                let mut out = Vec::new();
                let secret = secrets
                    .get(pick(secrets.len(), next().unwrap_or(0)))
                    .cloned()
                    .unwrap_or_default();
                server.terminate(&secret, &mut out);
                out
            }
            _ => Vec::new(),
        };
        for output in outputs {
            if let Output::Send { kind, bytes, .. } = output {
                match kind {
                    FrameKind::Text => assert!(bytes.ends_with(&[0x1e]), "text frames are handshake answers"),
                    FrameKind::Binary if bytes.first() == Some(&b'{') => assert!(bytes.ends_with(&[0x1e])),
                    FrameKind::Binary => {
                        let messages = hub::decode_all(Protocol::MessagePack, &bytes, usize::MAX)
                            .expect("the server sends well-formed frames");
                        for m in messages {
                            if let HubMessage::Completion {
                                result: hub::CompletionResult::Value(Value::Str(s)),
                                ..
                            } = m
                            {
                                secrets.push(s);
                            }
                        }
                    }
                }
            }
        }
        assert!(server.circuits() <= started, "more circuits than starts");
    }
}

fn fuzzed_call(next: &mut impl FnMut() -> Option<u8>, secrets: &[String]) -> ClientCall {
    let b = next().unwrap_or(0);
    let small = |v: Option<u8>| i64::from(v.unwrap_or(0)) - 8;
    let text = |v: Option<u8>| match v.unwrap_or(0) % 4 {
        0 => None,
        1 => Some("http://h/".to_owned()),
        2 => Some("not a uri".to_owned()),
        _ => Some("{\"batchId\":1}".to_owned()),
    };
    match b % 10 {
        0 => ClientCall::StartCircuit {
            base_uri: text(next()).or(Some("http://h/".into())),
            uri: Some("http://h/counter".into()),
            components: Some("[]".into()),
            application_state: Some(String::new()),
        },
        1 => ClientCall::UpdateRootComponents {
            operations: match next().unwrap_or(0) % 3 {
                0 => Some("{\"batchId\":1,\"operations\":[]}".into()),
                1 => Some("{".into()),
                _ => Some("{\"batchId\":2,\"bad\":1}".into()),
            },
            application_state: Some(String::new()),
        },
        2 => ClientCall::OnRenderCompleted {
            batch_id: small(next()) + 4,
            error: next().unwrap_or(1).is_multiple_of(5).then(|| "client failed".into()),
        },
        3 => ClientCall::BeginInvokeDotNetFromJs {
            call_id: Some("9".into()),
            assembly_name: None,
            method_identifier: Some(
                if next().unwrap_or(1).is_multiple_of(7) {
                    "Throw"
                } else {
                    "DispatchEventAsync"
                }
                .into(),
            ),
            dotnet_object_id: 1,
            arguments_json: Some(format!("[{{\"eventHandlerId\":{}}},{{}}]", next().unwrap_or(1) % 3)),
        },
        4 => ClientCall::ConnectCircuit {
            secret: secrets
                .get(next().unwrap_or(0) as usize % secrets.len().max(1))
                .cloned()
                .or(text(next())),
        },
        5 => ClientCall::OnLocationChanged {
            uri: text(next()),
            state: None,
            intercepted: false,
        },
        6 => ClientCall::ResumeCircuit {
            secret: None,
            base_uri: None,
            uri: None,
            root_components: None,
            application_state: None,
        },
        7 => ClientCall::PauseCircuit,
        8 => ClientCall::EndInvokeJsFromDotNet {
            async_handle: small(next()),
            succeeded: true,
            arguments_json: None,
        },
        _ => ClientCall::ReceiveJsDataChunk {
            stream_id: 1,
            chunk_id: small(next()),
            chunk: None,
            error: None,
        },
    }
}
