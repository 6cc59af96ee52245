//! Circuits and their connections together (CIR-6.x): what Blazor's hub does with each call,
//! as a sans-IO state machine. The host feeds it transport bytes, connection ends and time, and
//! writes out what it returns; the application behind each circuit is a [`CircuitApp`].

use std::collections::HashMap;

use brasa_protocol::blazor::{self, ClientCall, ServerCall};
use brasa_protocol::hub::{CompletionResult, HubMessage, Value};

use crate::Millis;
use crate::connection::{ConnectionEvent, FrameKind, HubConnection, close_abort, frame};
use crate::registry::{Evicted, Registry, RegistryOptions};
use crate::secret::{CircuitSecret, SECRET_BYTES};
use crate::window::{AckOutcome, DEFAULT_WINDOW, RenderWindow, Sent};

/// A produced batch: its bytes and the event handler ids it retires.
pub type Rendered = (Vec<u8>, Vec<u64>);

/// The application behind one circuit: components, a renderer and its services. The circuit
/// drives it; it never touches the transport.
pub trait CircuitApp {
    /// `StartCircuit` with valid absolute URIs. `components` is `"[]"` (blazor.web.js) or the
    /// page's markers (blazor.server.js). `Err(message)` rejects the start with that `JS.Error`.
    fn start(&mut self, base_uri: &str, uri: &str, components: &str) -> Result<(), String>;
    /// `UpdateRootComponents`. `Err` terminates the circuit with
    /// "The list of component operations is not valid." (CIR-6.4).
    fn update_root_components(&mut self, operations: &str, application_state: &str) -> Result<(), String>;
    /// `BeginInvokeDotNetFromJS`: events and JS→.NET calls. Returns the answer for
    /// `JS.EndInvokeDotNet` when `call_id` is present: `(success, result JSON or error text)`.
    /// `Err` is an unhandled exception: it terminates the circuit (CIR-6.6).
    fn invoke_dotnet(
        &mut self,
        assembly_name: Option<&str>,
        method_identifier: &str,
        dotnet_object_id: i64,
        arguments_json: &str,
    ) -> Result<(bool, String), String>;
    /// `EndInvokeJSFromDotNet`: the answer to a `JS.BeginInvokeJS`.
    fn end_invoke_js(&mut self, async_handle: i64, succeeded: bool, arguments_json: &str) -> Result<(), String>;
    /// `OnLocationChanged`. `Err` terminates the circuit (for example a URI outside the base URI).
    fn location_changed(&mut self, uri: &str, state: Option<&str>, intercepted: bool) -> Result<(), String>;
    /// Produces the next batch if anything changed: its bytes and the event handler ids it
    /// retires. Called only while the window has room; pending changes coalesce otherwise.
    fn render(&mut self) -> Result<Option<Rendered>, String>;
    /// The batches that retired these ids were acknowledged: events for them now fail.
    fn release_event_handlers(&mut self, ids: &[u64]);
    /// The browser acknowledged every batch through this id (the application's batches get ids
    /// 2, 3, … in the order it renders them): after-render work may run (SVC-2.5).
    fn acknowledged(&mut self, batch_id: i64) {
        let _ = batch_id;
    }
    /// Calls to the browser the application queued since the last time (attach calls, interop).
    fn take_calls(&mut self) -> Vec<ServerCall>;
    /// The time now, before every call into the application (time is a parameter, never read).
    fn set_now(&mut self, now: Millis) {
        let _ = now;
    }
    /// `ReceiveByteArray(id, data)`. `Err` terminates the circuit (SVC-1.7).
    fn receive_byte_array(&mut self, id: i64, data: Vec<u8>) -> Result<(), String> {
        let _ = (id, data);
        Ok(())
    }
    /// `ReceiveJSDataChunk`: whether the chunk was taken. `Err` terminates the circuit (SVC-1.9).
    fn receive_js_data_chunk(
        &mut self,
        stream_id: i64,
        chunk_id: i64,
        data: &[u8],
        error: Option<&str>,
    ) -> Result<bool, String> {
        let _ = (stream_id, chunk_id, data, error);
        Ok(false)
    }
    /// `OnLocationChanging`: the application answers with `JS.EndLocationChanging` among its
    /// calls (SVC-2.3).
    fn location_changing(
        &mut self,
        call_id: i64,
        uri: &str,
        state: Option<&str>,
        intercepted: bool,
    ) -> Result<(), String> {
        let _ = (uri, state, intercepted);
        let _ = call_id;
        Ok(())
    }
    /// `SendDotNetStreamToJS(streamId)`: the stream's bytes, claimed once (SVC-1.8).
    fn claim_dotnet_stream(&mut self, stream_id: i64) -> Option<Vec<u8>> {
        let _ = stream_id;
        None
    }
    /// When the application's next timer is due (SVC-3.1).
    fn next_timer(&self) -> Option<Millis> {
        None
    }
    /// Runs the timers due at `now`. `Err` terminates the circuit.
    fn fire_timers(&mut self, now: Millis) -> Result<(), String> {
        let _ = now;
        Ok(())
    }
}

/// Creates the application of each new circuit.
pub trait AppFactory {
    /// The application type.
    type App: CircuitApp;
    /// A fresh application.
    fn create(&mut self) -> Self::App;
}

/// Options of a [`Server`], with ASP.NET Core's defaults.
#[derive(Debug, Clone, Copy)]
pub struct ServerOptions {
    /// Disconnected-circuit retention and capacity.
    pub registry: RegistryOptions,
    /// Unacknowledged batches per circuit (`MaxBufferedUnacknowledgedRenderBatches`).
    pub window: usize,
    /// Largest message received, in bytes.
    pub max_message_size: usize,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            registry: RegistryOptions::default(),
            window: DEFAULT_WINDOW,
            max_message_size: crate::connection::MAX_RECEIVE_MESSAGE_SIZE,
        }
    }
}

/// Something for the host to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// Write these bytes to the connection in one frame of this kind.
    Send {
        /// The connection.
        connection: u64,
        /// Text or binary frame.
        kind: FrameKind,
        /// The bytes.
        bytes: Vec<u8>,
    },
    /// Close the connection's transport (WebSocket close 1000) after what was sent before.
    Close {
        /// The connection.
        connection: u64,
    },
}

/// Why a circuit ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndReason {
    /// The client asked (disconnect endpoint).
    Terminated,
    /// An error ended it.
    Failed(String),
    /// Disconnected longer than the retention period.
    Expired,
    /// Pushed out of the disconnected-circuit cache.
    Evicted,
}

struct Circuit<A> {
    app: A,
    window: RenderWindow,
    /// The circuit's public id (CircuitId.Id), kept as its random bytes: text only when shown.
    public_id: CircuitSecret,
}

#[derive(Clone)]
enum Binding {
    None,
    Bound(CircuitSecret),
    /// The circuit failed: later calls get "Circuit has been shut down due to error." (CIR-6.6).
    Failed,
}

struct Connection {
    hub: HubConnection,
    binding: Binding,
}

/// Every circuit and connection of one server.
pub struct Server<F: AppFactory> {
    factory: F,
    random: Box<dyn FnMut() -> [u8; SECRET_BYTES] + Send>,
    options: ServerOptions,
    registry: Registry<Circuit<F::App>>,
    connections: HashMap<u64, Connection>,
    next_connection: u64,
    ended: Vec<EndReason>,
    /// Circuits whose application has timers (SVC-3.1).
    timed: Vec<CircuitSecret>,
}

/// Largest stream item of a .NET→JS stream, as recorded (SVC-1.8).
const DOTNET_STREAM_CHUNK: usize = 32 * 1024;

const SHUT_DOWN: &str = "Circuit has been shut down due to error.";

/// How a call for a running circuit failed.
enum Failure {
    /// The circuit ends with this `JS.Error`; the connection stays until the next call (CIR-6.6).
    Fail(String),
    /// The circuit ends and the connection is aborted at once (CIR-6.4).
    Abort(String),
}

fn is_absolute_uri(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once("://") else {
        return false;
    };
    !scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && !rest.is_empty()
        && !rest.starts_with('/')
}

impl<F: AppFactory> Server<F> {
    /// A server creating applications with `factory` and circuit secrets from `random` (256
    /// bits from the host's secure random source per call).
    pub fn new(factory: F, random: Box<dyn FnMut() -> [u8; SECRET_BYTES] + Send>, options: ServerOptions) -> Self {
        Server {
            factory,
            random,
            options,
            registry: Registry::new(options.registry),
            connections: HashMap::new(),
            next_connection: 1,
            ended: Vec::new(),
            timed: Vec::new(),
        }
    }

    /// A new transport connection; its id names it in every [`Output`].
    pub fn open_connection(&mut self) -> u64 {
        let id = self.next_connection;
        self.next_connection += 1;
        self.connections.insert(
            id,
            Connection {
                hub: HubConnection::new(self.options.max_message_size),
                binding: Binding::None,
            },
        );
        id
    }

    /// Circuits held (connected and disconnected).
    pub fn circuits(&self) -> usize {
        self.registry.len()
    }

    /// Disconnected circuits held.
    pub fn disconnected_circuits(&self) -> usize {
        self.registry.disconnected()
    }

    /// Circuits that ended since the last call, with why.
    pub fn take_ended(&mut self) -> Vec<EndReason> {
        std::mem::take(&mut self.ended)
    }

    /// Whether some circuit's application has timers (then [`Self::next_timer`] is worth asking
    /// after each call).
    pub fn has_timers(&self) -> bool {
        !self.timed.is_empty()
    }

    /// When [`tick`](Self::tick) next has something to do: a retention expiry or an
    /// application timer.
    pub fn next_timer(&mut self) -> Option<Millis> {
        let mut next = self.registry.next_expiry();
        let registry = &mut self.registry;
        self.timed.retain(
            |secret| match registry.get_mut(secret).and_then(|c| c.app.next_timer()) {
                Some(due) => {
                    next = Some(next.map_or(due, |n| n.min(due)));
                    true
                }
                None => false,
            },
        );
        next
    }

    /// Expires disconnected circuits (CIR-4.2) and runs the applications' due timers (SVC-3.1),
    /// sending what they render to their connections (a disconnected circuit's batches wait
    /// in its window for the resend, CIR-2.5).
    pub fn tick(&mut self, now: Millis) -> Vec<Output> {
        for evicted in self.registry.expire(now) {
            self.ended.push(match evicted {
                Evicted::Expired(_) => EndReason::Expired,
                Evicted::OverCapacity(_) => EndReason::Evicted,
            });
        }
        let mut out = Vec::new();
        for secret in self.timed.clone() {
            let connection = self.registry.connection_of(&secret);
            let Some(circuit) = self.registry.get_mut(&secret) else {
                continue;
            };
            if circuit.app.next_timer().is_none_or(|due| due > now) {
                continue;
            }
            circuit.app.set_now(now);
            let mut sink = Vec::new();
            let target = if connection.is_some() { &mut out } else { &mut sink };
            let failure = match circuit.app.fire_timers(now) {
                Ok(()) => Self::pump(circuit, connection.unwrap_or(0), target),
                Err(message) => Some(message),
            };
            if let Some(message) = failure {
                match connection {
                    Some(connection) => self.fail(connection, &secret, message, &mut out),
                    None => {
                        self.registry.terminate(&secret);
                        self.ended.push(EndReason::Failed(message));
                    }
                }
            }
        }
        out
    }

    fn note_timers(&mut self, secret: &CircuitSecret) {
        let has_timers = self
            .registry
            .get_mut(secret)
            .is_some_and(|c| c.app.next_timer().is_some());
        if has_timers && !self.timed.iter().any(|t| t.matches(secret)) {
            self.timed.push(secret.clone());
        }
    }

    /// The transport closed: a bound circuit is kept for the retention period (CIR-4.2).
    pub fn connection_closed(&mut self, connection: u64, now: Millis) {
        if let Some(conn) = self.connections.remove(&connection)
            && let Binding::Bound(secret) = conn.binding
        {
            for evicted in self.registry.disconnect(&secret, connection, now) {
                drop(evicted.into_inner());
                self.ended.push(EndReason::Evicted);
            }
        }
    }

    /// `POST /_blazor/disconnect` with `circuitId`: true (200) for a live circuit, which ends at
    /// once and whose connection closes; false (400) otherwise (CIR-4.4).
    pub fn terminate(&mut self, secret_text: &str, out: &mut Vec<Output>) -> bool {
        let Some(secret) = CircuitSecret::parse(secret_text) else {
            return false;
        };
        let connection = self.registry.connection_of(&secret);
        if self.registry.terminate(&secret).is_none() {
            return false;
        }
        self.ended.push(EndReason::Terminated);
        if let Some(connection) = connection {
            if let Some(conn) = self.connections.get_mut(&connection) {
                conn.binding = Binding::None;
                conn.hub.close();
            }
            out.push(Output::Close { connection });
        }
        true
    }

    /// Bytes received on a connection.
    pub fn receive(&mut self, connection: u64, bytes: &[u8], now: Millis) -> Vec<Output> {
        let mut out = Vec::new();
        let Some(conn) = self.connections.get_mut(&connection) else {
            return out;
        };
        let events = conn.hub.receive(bytes);
        for event in events {
            match event {
                ConnectionEvent::Send(kind, bytes) => out.push(Output::Send {
                    connection,
                    kind,
                    bytes,
                }),
                ConnectionEvent::CloseTransport => {
                    out.push(Output::Close { connection });
                    break;
                }
                ConnectionEvent::ClientClosed => {}
                ConnectionEvent::Completion { .. } => {}
                ConnectionEvent::Call { invocation_id, call } => {
                    if !self.call(connection, invocation_id, call, now, &mut out) {
                        break;
                    }
                }
            }
        }
        out
    }

    fn send(out: &mut Vec<Output>, connection: u64, message: &HubMessage) {
        out.push(Output::Send {
            connection,
            kind: FrameKind::Binary,
            bytes: frame(message),
        });
    }

    /// `JS.RenderBatch(batchId, batch)` (BZ-2.2), framed straight from the bytes the window keeps.
    fn send_batch(out: &mut Vec<Output>, connection: u64, sent: Sent<'_>) {
        let mut bytes = Vec::new();
        blazor::write_render_batch_frame(sent.batch_id, sent.bytes, &mut bytes);
        out.push(Output::Send {
            connection,
            kind: FrameKind::Binary,
            bytes,
        });
    }

    fn send_call(out: &mut Vec<Output>, connection: u64, call: ServerCall) {
        Self::send(out, connection, &call.to_message(None));
    }

    fn complete(out: &mut Vec<Output>, connection: u64, invocation_id: Option<String>, result: Value) {
        if let Some(id) = invocation_id {
            Self::send(
                out,
                connection,
                &HubMessage::Completion {
                    headers: vec![],
                    invocation_id: id,
                    result: CompletionResult::Value(result),
                },
            );
        }
    }

    /// `JS.Error(message)`, Close without reconnect, transport closed: the hub aborts.
    fn abort(&mut self, connection: u64, message: &str, out: &mut Vec<Output>) {
        Self::send_call(
            out,
            connection,
            ServerCall::Error {
                message: message.to_owned(),
            },
        );
        Self::send(out, connection, &close_abort());
        out.push(Output::Close { connection });
        if let Some(conn) = self.connections.get_mut(&connection) {
            conn.hub.close();
        }
    }

    /// Ends the bound circuit after an error: `JS.Error(message)`; later calls on this
    /// connection get the shut-down error and the connection closes (CIR-6.6).
    fn fail(&mut self, connection: u64, secret: &CircuitSecret, message: String, out: &mut Vec<Output>) {
        Self::send_call(
            out,
            connection,
            ServerCall::Error {
                message: message.clone(),
            },
        );
        self.registry.terminate(secret);
        self.ended.push(EndReason::Failed(message));
        if let Some(conn) = self.connections.get_mut(&connection) {
            conn.binding = Binding::Failed;
        }
    }

    /// Handles one call; false when the connection closed.
    fn call(
        &mut self,
        connection: u64,
        invocation_id: Option<String>,
        call: ClientCall,
        now: Millis,
        out: &mut Vec<Output>,
    ) -> bool {
        let binding = self
            .connections
            .get(&connection)
            .map(|c| c.binding.clone())
            .unwrap_or(Binding::None);
        match call {
            ClientCall::StartCircuit {
                base_uri,
                uri,
                components,
                ..
            } => {
                if let Binding::Bound(secret) = &binding {
                    let id = self
                        .registry
                        .get_mut(secret)
                        .map(|c| c.public_id.encode())
                        .unwrap_or_default();
                    if let Some(circuit) = self.registry.terminate(secret) {
                        drop(circuit);
                        self.ended.push(EndReason::Failed("started twice".into()));
                    }
                    self.abort(
                        connection,
                        &format!("The circuit host '{id}' has already been initialized."),
                        out,
                    );
                    return false;
                }
                let (Some(base_uri), Some(uri)) = (base_uri, uri) else {
                    self.abort(connection, "The uris provided are invalid.", out);
                    return false;
                };
                if !is_absolute_uri(&base_uri) || !is_absolute_uri(&uri) {
                    self.abort(connection, "The uris provided are invalid.", out);
                    return false;
                }
                let mut app = self.factory.create();
                app.set_now(now);
                if let Err(message) = app.start(&base_uri, &uri, components.as_deref().unwrap_or("[]")) {
                    self.abort(connection, &message, out);
                    return false;
                }
                let secret = CircuitSecret::from_random((self.random)());
                let public_id = CircuitSecret::from_random((self.random)());
                let mut circuit = Circuit {
                    app,
                    window: RenderWindow::new(self.options.window),
                    public_id,
                };
                // CIR-6.2: the attach call and any first batches go before the completion.
                let failure = Self::pump(&mut circuit, connection, out);
                self.registry.insert(secret.clone(), circuit, connection);
                if let Some(conn) = self.connections.get_mut(&connection) {
                    conn.binding = Binding::Bound(secret.clone());
                }
                if let Some(message) = failure {
                    self.fail(connection, &secret, message, out);
                    return true;
                }
                self.note_timers(&secret);
                Self::complete(out, connection, invocation_id, Value::Str(secret.encode()));
                true
            }
            ClientCall::ConnectCircuit { secret } => {
                // CIR-4.3: unknown, malformed, expired or foreign secrets answer false.
                let parsed = secret.as_deref().and_then(CircuitSecret::parse);
                let Some(secret) = parsed else {
                    Self::complete(out, connection, invocation_id, Value::Bool(false));
                    return true;
                };
                let Some((circuit, previous)) = self.registry.connect(&secret, connection, now) else {
                    Self::complete(out, connection, invocation_id, Value::Bool(false));
                    return true;
                };
                // CIR-2.5: resend every unacknowledged batch, in order, before the completion.
                for sent in circuit.window.resend() {
                    Self::send_batch(out, connection, sent);
                }
                // CIR-4.3: a circuit this connection held before is now disconnected, so that it
                // expires and counts against the retention limit.
                if let Binding::Bound(held) = &binding
                    && !held.matches(&secret)
                {
                    for evicted in self.registry.disconnect(held, connection, now) {
                        drop(evicted.into_inner());
                        self.ended.push(EndReason::Evicted);
                    }
                }
                if let Some(previous) = previous
                    && let Some(old) = self.connections.get_mut(&previous)
                {
                    old.binding = Binding::None;
                }
                if let Some(conn) = self.connections.get_mut(&connection) {
                    conn.binding = Binding::Bound(secret);
                }
                Self::complete(out, connection, invocation_id, Value::Bool(true));
                true
            }
            ClientCall::ResumeCircuit { .. } => {
                // Nothing is persisted yet: no circuit can be resumed (CIR-6.3).
                Self::complete(out, connection, invocation_id, Value::Nil);
                true
            }
            other => {
                let secret = match binding {
                    Binding::Bound(secret) => secret,
                    Binding::Failed => {
                        self.abort(connection, SHUT_DOWN, out);
                        return false;
                    }
                    Binding::None => {
                        // CIR-6.1: recorded as bad-input/call-before-start.
                        self.abort(connection, "Circuit not initialized.", out);
                        return false;
                    }
                };
                let Some(circuit) = self.registry.get_mut(&secret) else {
                    self.abort(connection, SHUT_DOWN, out);
                    return false;
                };
                circuit.app.set_now(now);
                let outcome = Self::circuit_call(circuit, connection, invocation_id, other, out);
                self.note_timers(&secret);
                match outcome {
                    Ok(()) => true,
                    Err(Failure::Fail(message)) => {
                        self.fail(connection, &secret, message, out);
                        true
                    }
                    Err(Failure::Abort(message)) => {
                        // CIR-6.4: the circuit ends and the connection is aborted at once.
                        self.registry.terminate(&secret);
                        self.ended.push(EndReason::Failed(message.clone()));
                        if let Some(conn) = self.connections.get_mut(&connection) {
                            conn.binding = Binding::None;
                        }
                        self.abort(connection, &message, out);
                        false
                    }
                }
            }
        }
    }

    /// A call for a running circuit.
    fn circuit_call(
        circuit: &mut Circuit<F::App>,
        connection: u64,
        invocation_id: Option<String>,
        call: ClientCall,
        out: &mut Vec<Output>,
    ) -> Result<(), Failure> {
        // What an `invoke` of this method completes with, when it returns normally (BZ-1.1).
        let mut result = Some(CompletionResult::Void);
        let mut after: Option<ServerCall> = None;
        match call {
            ClientCall::OnRenderCompleted { batch_id, error } => {
                match circuit.window.acknowledge(batch_id, error.as_deref()) {
                    AckOutcome::Acknowledged {
                        released_event_handlers,
                        ..
                    } => {
                        circuit.app.release_event_handlers(&released_event_handlers);
                        circuit.app.acknowledged(batch_id);
                    }
                    AckOutcome::Ignored => {}
                    AckOutcome::UnknownBatch { acked, last } => {
                        return Err(Failure::Fail(format!(
                            "System.InvalidOperationException: Received an acknowledgement for batch with id '{acked}' when the last batch produced was '{last}'."
                        )));
                    }
                    AckOutcome::ClientError { message, .. } => {
                        return Err(Failure::Fail(format!(
                            "System.AggregateException: One or more errors occurred. ({message})"
                        )));
                    }
                }
            }
            ClientCall::UpdateRootComponents {
                operations,
                application_state,
            } => {
                const INVALID: &str = "The list of component operations is not valid.";
                let operations = operations.unwrap_or_default();
                // BZ-2.1: each UpdateRootComponents batch is answered by JS.EndUpdateRootComponents
                // with its batchId, after its operations were applied and first rendered.
                let batch_id = serde_json::from_str::<serde_json::Value>(&operations)
                    .ok()
                    .and_then(|v| v.get("batchId").and_then(serde_json::Value::as_i64))
                    .ok_or_else(|| Failure::Abort(INVALID.into()))?;
                if circuit
                    .app
                    .update_root_components(&operations, application_state.as_deref().unwrap_or(""))
                    .is_err()
                {
                    return Err(Failure::Abort(INVALID.into()));
                }
                after = Some(ServerCall::EndUpdateRootComponents { batch_id });
            }
            ClientCall::BeginInvokeDotNetFromJs {
                call_id,
                assembly_name,
                method_identifier,
                dotnet_object_id,
                arguments_json,
            } => {
                let (success, answer) = circuit
                    .app
                    .invoke_dotnet(
                        assembly_name.as_deref(),
                        method_identifier.as_deref().unwrap_or(""),
                        dotnet_object_id,
                        arguments_json.as_deref().unwrap_or(""),
                    )
                    .map_err(Failure::Fail)?;
                // CIR-6.5: the batches an event produced precede its EndInvokeDotNet.
                if let Some(call_id) = call_id {
                    after = Some(ServerCall::EndInvokeDotNet {
                        call_id,
                        success,
                        result_or_error: answer,
                    });
                }
            }
            ClientCall::EndInvokeJsFromDotNet {
                async_handle,
                succeeded,
                arguments_json,
            } => {
                circuit
                    .app
                    .end_invoke_js(async_handle, succeeded, arguments_json.as_deref().unwrap_or(""))
                    .map_err(Failure::Fail)?;
            }
            ClientCall::OnLocationChanged {
                uri,
                state,
                intercepted,
            } => {
                circuit
                    .app
                    .location_changed(uri.as_deref().unwrap_or(""), state.as_deref(), intercepted)
                    .map_err(Failure::Fail)?;
            }
            // CIR-6.3: nothing can be paused and resumed yet.
            ClientCall::PauseCircuit => result = Some(CompletionResult::Value(Value::Bool(false))),
            ClientCall::ReceiveJsDataChunk {
                stream_id,
                chunk_id,
                chunk,
                error,
            } => {
                let taken = circuit
                    .app
                    .receive_js_data_chunk(stream_id, chunk_id, chunk.as_deref().unwrap_or(&[]), error.as_deref())
                    .map_err(Failure::Fail)?;
                result = Some(CompletionResult::Value(Value::Bool(taken)));
            }
            ClientCall::ReceiveByteArray { id, data } => {
                circuit
                    .app
                    .receive_byte_array(id, data.unwrap_or_default())
                    .map_err(Failure::Fail)?;
            }
            ClientCall::OnLocationChanging {
                call_id,
                uri,
                state,
                intercepted,
            } => {
                circuit
                    .app
                    .location_changing(call_id, uri.as_deref().unwrap_or(""), state.as_deref(), intercepted)
                    .map_err(Failure::Fail)?;
            }
            // SVC-1.8: the stream's bytes as stream items of at most 32 KiB, then a completion.
            ClientCall::SendDotNetStreamToJs { stream_id } => {
                result = None;
                if let Some(id) = invocation_id.clone() {
                    match circuit.app.claim_dotnet_stream(stream_id) {
                        Some(bytes) => {
                            for chunk in bytes.chunks(DOTNET_STREAM_CHUNK) {
                                Self::send(
                                    out,
                                    connection,
                                    &HubMessage::StreamItem {
                                        headers: vec![],
                                        invocation_id: id.clone(),
                                        item: Value::Bin(chunk.to_vec()),
                                    },
                                );
                            }
                            result = Some(CompletionResult::Void);
                        }
                        None => {
                            result = Some(CompletionResult::Error(format!(
                                "There is no .NET stream with id '{stream_id}'."
                            )))
                        }
                    }
                }
            }
            ClientCall::StartCircuit { .. } | ClientCall::ConnectCircuit { .. } | ClientCall::ResumeCircuit { .. } => {
                result = None;
            }
        }
        if let Some(message) = Self::pump(circuit, connection, out) {
            return Err(Failure::Fail(message));
        }
        if let Some(call) = after {
            Self::send_call(out, connection, call);
        }
        if let (Some(id), Some(result)) = (invocation_id, result) {
            Self::send(
                out,
                connection,
                &HubMessage::Completion {
                    headers: vec![],
                    invocation_id: id,
                    result,
                },
            );
        }
        Ok(())
    }

    /// Sends the application's queued calls, then renders while the window has room (CIR-2.4).
    fn pump(circuit: &mut Circuit<F::App>, connection: u64, out: &mut Vec<Output>) -> Option<String> {
        loop {
            for call in circuit.app.take_calls() {
                Self::send_call(out, connection, call);
            }
            if !circuit.window.can_render() {
                return None;
            }
            match circuit.app.render() {
                Ok(Some((bytes, retired))) => {
                    let sent = circuit.window.push(bytes, retired);
                    Self::send_batch(out, connection, sent);
                }
                Ok(None) => return None,
                Err(message) => return Some(message),
            }
        }
    }
}

#[cfg(test)]
mod tests;
