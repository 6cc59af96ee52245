//! One hub connection as Blazor's hub sees it (CIR-5.x): the handshake, message framing, and
//! the hub-level treatment of calls (unknown methods, arguments that do not bind, oversized or
//! malformed messages), as ASP.NET Core 10 answers them (`reference/blazor-bad-input.md`).

use brasa_protocol::blazor::{CallError, ClientCall, ServerCall};
use brasa_protocol::hub::{
    self, CompletionResult, Decoder, HubMessage, Protocol, Value,
    handshake::{self, HandshakeResponse},
};

/// The transport frame a piece of output goes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameKind {
    /// A WebSocket text frame (handshake refusals).
    Text,
    /// A WebSocket binary frame (the handshake success and every hub message).
    Binary,
}

/// What the connection asks of the host, or hands to the circuit.
#[derive(Debug, Clone, PartialEq)]
pub enum ConnectionEvent {
    /// Bytes to write, in one transport frame of this kind.
    Send(FrameKind, Vec<u8>),
    /// A Blazor hub call for the circuit layer. `invocation_id` is `Some` for `invoke`.
    Call {
        /// The id to complete, if the client waits for a completion.
        invocation_id: Option<String>,
        /// The call.
        call: ClientCall,
    },
    /// A completion from the client (the answer to a server call with an invocation id, e.g.
    /// `JS.SavePersistedState`).
    Completion {
        /// The invocation answered.
        invocation_id: String,
        /// Its result.
        result: CompletionResult,
    },
    /// The client sent Close.
    ClientClosed,
    /// Close the transport now (after sending what came before).
    CloseTransport,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Handshake,
    Open,
    Closed,
}

/// The maximum size of a message the server receives (SignalR's default, CIR-5.3).
pub const MAX_RECEIVE_MESSAGE_SIZE: usize = hub::DEFAULT_MAX_MESSAGE_SIZE;

/// The protocol and version Blazor's hub speaks (CIR-5.1).
pub const BLAZOR_PROTOCOL: (&str, u32) = ("blazorpack", 1);

/// One client connection to Blazor's hub.
pub struct HubConnection {
    state: State,
    handshake_buffer: Vec<u8>,
    decoder: Decoder,
    max_message_size: usize,
}

impl Default for HubConnection {
    fn default() -> Self {
        Self::new(MAX_RECEIVE_MESSAGE_SIZE)
    }
}

/// The framed bytes of one message.
pub fn frame(message: &HubMessage) -> Vec<u8> {
    let mut out = Vec::new();
    // MessagePack encoding of a well-formed message cannot fail.
    let _ = hub::encode(Protocol::MessagePack, message, &mut out);
    out
}

/// The Close message after a protocol error: reconnecting is allowed (CIR-5.3).
pub fn close_after_protocol_error() -> HubMessage {
    HubMessage::Close {
        error: Some("Connection closed with an error.".into()),
        allow_reconnect: Some(true),
    }
}

/// The Close message after the hub aborts the connection (circuit-level failures): no reconnect.
pub fn close_abort() -> HubMessage {
    HubMessage::Close {
        error: None,
        allow_reconnect: Some(false),
    }
}

impl HubConnection {
    /// A connection refusing messages above `max_message_size` bytes.
    pub fn new(max_message_size: usize) -> Self {
        HubConnection {
            state: State::Handshake,
            handshake_buffer: Vec::new(),
            decoder: Decoder::new(Protocol::MessagePack, max_message_size),
            max_message_size,
        }
    }

    /// Whether the handshake has completed and the connection is open.
    pub fn is_open(&self) -> bool {
        self.state == State::Open
    }

    /// Feeds bytes received from the transport (any frame kind) and returns what follows.
    pub fn receive(&mut self, bytes: &[u8]) -> Vec<ConnectionEvent> {
        let mut events = Vec::new();
        match self.state {
            State::Closed => return events,
            State::Handshake => {
                self.handshake_buffer.extend_from_slice(bytes);
                match handshake::read_request(&self.handshake_buffer) {
                    Ok(None) => return events,
                    Ok(Some((request, used))) => {
                        let answer = handshake::answer(&request, BLAZOR_PROTOCOL.0, BLAZOR_PROTOCOL.1);
                        let mut out = Vec::new();
                        handshake::write_response(&answer, &mut out);
                        if let HandshakeResponse::Refused(_) = answer {
                            // CIR-5.1: a refusal goes in a text frame, then the socket closes.
                            events.push(ConnectionEvent::Send(FrameKind::Text, out));
                            events.push(ConnectionEvent::CloseTransport);
                            self.state = State::Closed;
                            return events;
                        }
                        events.push(ConnectionEvent::Send(FrameKind::Binary, out));
                        self.state = State::Open;
                        let rest = self.handshake_buffer.split_off(used);
                        self.handshake_buffer = Vec::new();
                        self.decoder.push(&rest);
                    }
                    Err(e) => {
                        let mut out = Vec::new();
                        handshake::write_response(&HandshakeResponse::Refused(e.kind.to_string()), &mut out);
                        events.push(ConnectionEvent::Send(FrameKind::Text, out));
                        events.push(ConnectionEvent::CloseTransport);
                        self.state = State::Closed;
                        return events;
                    }
                }
            }
            State::Open => self.decoder.push(bytes),
        }
        loop {
            match self.decoder.next_message() {
                Ok(None) => break,
                Ok(Some(message)) => self.message(message, &mut events),
                Err(_) => {
                    // CIR-5.3: an oversized or malformed message drops the connection; the circuit
                    // is only disconnected and may be resumed.
                    events.push(ConnectionEvent::Send(
                        FrameKind::Binary,
                        frame(&close_after_protocol_error()),
                    ));
                    events.push(ConnectionEvent::CloseTransport);
                    self.state = State::Closed;
                    break;
                }
            }
            if self.state == State::Closed {
                break;
            }
        }
        if self.state == State::Open && self.decoder.pending() == 0 {
            // Every message was taken: an idle connection keeps no receive buffer (it would keep
            // the capacity of the largest message received, often the first UpdateRootComponents).
            self.decoder = Decoder::new(Protocol::MessagePack, self.max_message_size);
        }
        events
    }

    fn message(&mut self, message: HubMessage, events: &mut Vec<ConnectionEvent>) {
        match message {
            HubMessage::Invocation(invocation) => {
                let id = invocation.invocation_id.clone();
                match ClientCall::from_invocation(&invocation.target, &invocation.arguments) {
                    Ok(call) => events.push(ConnectionEvent::Call {
                        invocation_id: id,
                        call,
                    }),
                    // CIR-5.2: a `send` that does not bind is ignored; an `invoke` gets an error
                    // completion, as SignalR answers it.
                    Err(error) => {
                        if let Some(id) = id {
                            let text = match &error {
                                CallError::UnknownMethod(m) => format!(
                                    "Failed to invoke '{m}' due to an error on the server. HubException: Method does not exist."
                                ),
                                other => format!(
                                    "Failed to invoke '{}' due to an error on the server. InvalidDataException: {other}",
                                    invocation.target
                                ),
                            };
                            events.push(ConnectionEvent::Send(
                                FrameKind::Binary,
                                frame(&HubMessage::Completion {
                                    headers: vec![],
                                    invocation_id: id,
                                    result: CompletionResult::Error(text),
                                }),
                            ));
                        }
                    }
                }
            }
            HubMessage::Completion {
                invocation_id, result, ..
            } => {
                events.push(ConnectionEvent::Completion { invocation_id, result });
            }
            HubMessage::Ping => {}
            HubMessage::Close { .. } => {
                events.push(ConnectionEvent::ClientClosed);
                events.push(ConnectionEvent::CloseTransport);
                self.state = State::Closed;
            }
            // Streams from the client, cancellations and stateful-reconnect messages are not part
            // of what Blazor's client sends; SignalR ignores what it does not expect (CIR-5.2).
            // SVC-1.8: a stream invocation of `SendDotNetStreamToJS` claims a .NET stream (the
            // circuit answers with stream items and a completion); any other is completed at once.
            HubMessage::StreamInvocation(invocation) => {
                let Some(id) = invocation.invocation_id else { return };
                match ClientCall::from_invocation(&invocation.target, &invocation.arguments) {
                    Ok(call @ ClientCall::SendDotNetStreamToJs { .. }) => events.push(ConnectionEvent::Call {
                        invocation_id: Some(id),
                        call,
                    }),
                    _ => events.push(ConnectionEvent::Send(
                        FrameKind::Binary,
                        frame(&HubMessage::Completion {
                            headers: vec![],
                            invocation_id: id,
                            result: CompletionResult::Void,
                        }),
                    )),
                }
            }
            HubMessage::StreamItem { .. }
            | HubMessage::CancelInvocation { .. }
            | HubMessage::Ack { .. }
            | HubMessage::Sequence { .. } => {}
        }
    }

    /// The framed message for a server call (CIR-5.4).
    pub fn call(call: &ServerCall) -> Vec<u8> {
        frame(&call.to_message(None))
    }

    /// The framed completion of an invocation.
    pub fn complete(invocation_id: &str, result: Value) -> Vec<u8> {
        frame(&HubMessage::Completion {
            headers: vec![],
            invocation_id: invocation_id.to_owned(),
            result: CompletionResult::Value(result),
        })
    }

    /// Marks the connection closed (the host closed the transport).
    pub fn close(&mut self) {
        self.state = State::Closed;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open() -> HubConnection {
        let mut c = HubConnection::default();
        let events = c.receive(b"{\"protocol\":\"blazorpack\",\"version\":1}\x1e");
        assert_eq!(
            events,
            vec![ConnectionEvent::Send(FrameKind::Binary, b"{}\x1e".to_vec())]
        );
        c
    }

    fn framed(message: &HubMessage) -> Vec<u8> {
        frame(message)
    }

    fn invoke(id: Option<&str>, target: &str, arguments: Vec<Value>) -> Vec<u8> {
        framed(&HubMessage::Invocation(hub::Invocation {
            headers: vec![],
            invocation_id: id.map(str::to_owned),
            target: target.into(),
            arguments,
            stream_ids: None,
        }))
    }

    #[test]
    fn handshake_refusals_go_in_text_frames_and_close() {
        // CIR-5.1: bad-input/handshake-json-protocol.
        let mut c = HubConnection::default();
        let events = c.receive(b"{\"protocol\":\"json\",\"version\":1}\x1e");
        assert_eq!(
            events,
            vec![
                ConnectionEvent::Send(
                    FrameKind::Text,
                    b"{\"error\":\"The protocol 'json' is not supported.\"}\x1e".to_vec()
                ),
                ConnectionEvent::CloseTransport
            ]
        );
        assert!(c.receive(&[2, 0x91, 6]).is_empty());
    }

    #[test]
    fn messages_in_the_handshake_frame_are_not_lost() {
        // CIR-5.1, HUB-1.3
        let mut c = HubConnection::default();
        let mut bytes = b"{\"protocol\":\"blazorpack\",\"version\":1}\x1e".to_vec();
        bytes.extend(invoke(None, "OnRenderCompleted", vec![Value::UInt(2), Value::Nil]));
        let events = c.receive(&bytes);
        assert_eq!(events.len(), 2);
        assert_eq!(
            events[1],
            ConnectionEvent::Call {
                invocation_id: None,
                call: ClientCall::OnRenderCompleted {
                    batch_id: 2,
                    error: None
                }
            }
        );
    }

    #[test]
    fn unknown_methods_and_unbound_arguments() {
        // CIR-5.2: bad-input/unknown-method, unknown-method-invoke, ack-wrong-types, ack-no-args.
        let mut c = open();
        assert!(c.receive(&invoke(None, "NoSuchMethod", vec![])).is_empty());
        assert!(
            c.receive(&invoke(
                None,
                "OnRenderCompleted",
                vec![Value::str("x"), Value::UInt(5)]
            ))
            .is_empty()
        );
        assert!(c.receive(&invoke(None, "OnRenderCompleted", vec![])).is_empty());
        let events = c.receive(&invoke(Some("77"), "NoSuchMethod", vec![]));
        let expected = framed(&HubMessage::Completion {
            headers: vec![],
            invocation_id: "77".into(),
            result: CompletionResult::Error(
                "Failed to invoke 'NoSuchMethod' due to an error on the server. HubException: Method does not exist."
                    .into(),
            ),
        });
        assert_eq!(events, vec![ConnectionEvent::Send(FrameKind::Binary, expected)]);
        assert!(c.is_open());
    }

    #[test]
    fn oversized_or_garbage_messages_drop_the_connection_with_reconnect_allowed() {
        // CIR-5.3: bad-input/message-over-32k and garbage-frame.
        for bytes in [
            invoke(
                None,
                "OnLocationChanged",
                vec![Value::str("x".repeat(40_000)), Value::Nil, Value::Bool(false)],
            ),
            vec![3, 0xc1, 0xc1, 0xc1],
        ] {
            let mut c = open();
            let events = c.receive(&bytes);
            let mut close = vec![0x25, 0x93, 0x07, 0xd9, 0x20];
            close.extend_from_slice(b"Connection closed with an error.");
            close.push(0xc3);
            assert_eq!(
                events,
                vec![
                    ConnectionEvent::Send(FrameKind::Binary, close),
                    ConnectionEvent::CloseTransport
                ]
            );
            assert!(!c.is_open());
        }
    }

    fn hex(text: &str) -> Vec<u8> {
        (0..text.len() / 2)
            .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn the_abort_close_matches_the_recording() {
        // CIR-5.4: `9307c0c2`, recorded after hub-level rejections.
        assert_eq!(framed(&close_abort()), hex("049307c0c2"));
    }
}
