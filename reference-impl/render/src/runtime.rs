//! The services a circuit gives its components (spec/services.md, SVC): JS interop both ways
//! (calls with async handles, object references, byte arrays, streams), navigation with
//! location-changing handlers, timers, and unhandled exceptions.
//!
//! Sans-IO like the renderer: the [`Runtime`] queues the calls to the browser
//! ([`Runtime::take_calls`]) and the work to run on components ([`Runtime::take_work`]); the
//! host feeds it the browser's answers and the time. A component keeps a clone of the runtime
//! (it is a shared handle) and its own id (from [`crate::Component::attach`]); continuations
//! name the component they run on and its type, so they can be written as plain closures over
//! `&mut C`. Running a continuation queues a render of its component, as an awaited
//! `EventCallback` does in Blazor.

use std::any::Any;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use brasa_protocol::blazor::ServerCall;
use serde_json::{Value as Json, json};

use crate::frame::ComponentId;

/// Milliseconds on the host's monotonic clock.
pub type Millis = u64;

/// `WebRendererId.Server`: the renderer id of the navigation-manager calls.
pub const RENDERER_ID: u32 = 1;
/// The renderer's interop object id (the attach call's `DotNetObjectReference`).
pub const RENDERER_OBJECT_ID: i64 = 1;
/// Chunk size of JS→.NET data streams (`sendJSDataStream`), as recorded.
pub const JS_DATA_CHUNK_SIZE: usize = 32_256;
/// Largest item of a .NET→JS stream, as recorded (32 KiB).
pub const DOTNET_STREAM_CHUNK_SIZE: usize = 32_768;
/// Largest total of the byte arrays sent with one JS→.NET call (the hub's receive limit).
pub const MAX_BYTE_ARRAYS_PER_CALL: usize = 32 * 1024;

/// How the browser returns a call's result (`JSCallResultType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultKind {
    /// The result as JSON.
    Json = 0,
    /// A JS object reference `{"__jsObjectId":n}`.
    ObjectReference = 1,
    /// A JS stream reference `{"__jsObjectId":n,"__jsStreamReferenceLength":len}`.
    StreamReference = 2,
    /// No result (`InvokeVoidAsync`): `null`.
    Void = 3,
}

/// The answer to a .NET→JS call: the result, or the JS error text (message, newline, stack).
pub type JsResult = Result<Json, String>;

/// A location change the browser reported (`OnLocationChanged`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocationChanged {
    /// The new absolute URI.
    pub uri: String,
    /// The history entry state.
    pub state: Option<String>,
    /// Whether the client intercepted a link click or history move.
    pub intercepted: bool,
}

/// A navigation about to happen (`LocationChangingContext`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocationChanging {
    /// Where to (absolute).
    pub target: String,
    /// The history entry state.
    pub state: Option<String>,
    /// Whether the browser started it (a link, history) rather than `NavigateTo`.
    pub intercepted: bool,
}

/// A .NET→JS call's continuation, on a component whose type it knows.
type Continuation = Box<dyn FnOnce(&mut dyn Any, JsResult) + Send>;
/// A JS→.NET invocable method of an object reference: `None` when the method is unknown.
type Invoker = Box<dyn Fn(&mut dyn Any, &str, &Json) -> Option<Result<Json, String>> + Send>;
/// What runs when a JS stream has been read.
type StreamContinuation = Box<dyn FnOnce(&mut dyn Any, Result<Vec<u8>, String>) + Send>;
/// A location-changed subscriber.
type ChangedHandler = Box<dyn Fn(&mut dyn Any, &LocationChanged) + Send>;
/// A location-changing handler: true prevents the navigation.
type ChangingHandler = Box<dyn Fn(&mut dyn Any, &LocationChanging) -> bool + Send>;
/// A timer callback.
type TimerCallback = Box<dyn FnMut(&mut dyn Any) + Send>;
/// A static JS-invokable method.
type StaticMethod = Box<dyn Fn(&Json) -> Result<Json, String> + Send>;

fn typed<C: Any>(component: &mut dyn Any) -> &mut C {
    // Continuations are registered with the type of the component they name; the component
    // id never changes type, so a mismatch is a bug in the registration.
    component
        .downcast_mut::<C>()
        .expect("a continuation runs on the component type it was registered for")
}

/// The calls a batch's components make after it was displayed (see [`Runtime::rendered`]).
#[derive(Debug, Default)]
pub struct AfterRender(Vec<(String, String)>);

impl AfterRender {
    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Work for the host to run on a component through the renderer, then re-render it.
pub struct Work {
    /// The component to run on.
    pub component: ComponentId,
    job: Job,
}

enum Job {
    Continue(Continuation, JsResult),
    Timer(u64),
    Changed(usize, LocationChanged),
}

impl Work {
    /// Runs the work on the component (found by the host with
    /// [`crate::Renderer::with_component_dyn`]).
    pub fn run(self, runtime: &Runtime, component: &mut dyn Any) {
        match self.job {
            Job::Continue(continuation, result) => continuation(component, result),
            Job::Timer(id) => {
                // Take the callback out so that it may start or stop timers itself.
                let callback = runtime.lock().timers.get_mut(&id).and_then(|t| t.callback.take());
                if let Some(mut callback) = callback {
                    callback(component);
                    if let Some(timer) = runtime.lock().timers.get_mut(&id) {
                        timer.callback = Some(callback);
                    }
                }
            }
            Job::Changed(index, change) => {
                let handler = runtime.lock().changed.get_mut(index).and_then(|(_, h)| h.take());
                if let Some(handler) = handler {
                    handler(component, &change);
                    if let Some(slot) = runtime.lock().changed.get_mut(index) {
                        slot.1 = Some(handler);
                    }
                }
            }
        }
    }
}

struct Timer {
    component: ComponentId,
    due: Millis,
    period: Millis,
    callback: Option<TimerCallback>,
}

struct ObjectReference {
    component: ComponentId,
    invoker: Invoker,
}

struct IncomingStream {
    component: ComponentId,
    js_object_id: i64,
    length: usize,
    next_chunk: i64,
    data: Vec<u8>,
    then: Option<StreamContinuation>,
}

/// The interop tables, allocated on first use: most circuits of a page without interop never
/// need them, and an idle circuit should cost little memory.
#[derive(Default)]
struct Interop {
    pending: HashMap<i64, (ComponentId, Continuation)>,
    objects: HashMap<i64, ObjectReference>,
    statics: BTreeMap<(String, String), StaticMethod>,
    /// Byte arrays of the JS→.NET payload being received (ids from 0).
    received_arrays: Vec<Vec<u8>>,
    outgoing_streams: HashMap<i64, Vec<u8>>,
    incoming: HashMap<i64, IncomingStream>,
}

#[derive(Default)]
struct State {
    now: Millis,
    base_uri: String,
    uri: String,
    calls: Vec<ServerCall>,
    work: Vec<Work>,
    next_async_handle: i64,
    /// DotNetObjectReference ids and .NET stream ids share one sequence (ids from 2).
    next_object_id: i64,
    next_byte_array: i64,
    received_bytes: usize,
    next_js_stream: i64,
    io: Option<Box<Interop>>,
    next_timer: u64,
    timers: BTreeMap<u64, Timer>,
    changed: Vec<(ComponentId, Option<ChangedHandler>)>,
    changing: Vec<(ComponentId, Option<ChangingHandler>)>,
    listeners_reported: bool,
    exception: Option<String>,
    /// Calls (identifier, arguments) for after the next batch (`OnAfterRender`).
    after_render: Vec<(String, String)>,
}

/// A circuit's services: shared by the host and the components (clone it freely).
#[derive(Clone, Default)]
pub struct Runtime {
    state: Arc<Mutex<State>>,
}

impl State {
    fn io(&mut self) -> &mut Interop {
        self.io.get_or_insert_with(Box::default)
    }
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.lock();
        f.debug_struct("Runtime")
            .field("uri", &state.uri)
            .field("pending_calls", &state.io.as_ref().map_or(0, |io| io.pending.len()))
            .field("timers", &state.timers.len())
            .finish()
    }
}

/// Why the browser's answer to a service call cannot be taken: the circuit ends with it
/// (fact sheet §11.2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServiceError {
    /// `EndInvokeJSFromDotNet` whose arguments are not `[handle, succeeded, result]` (SVC-1.4).
    #[error("Invalid interop arguments.")]
    InvalidInteropArguments,
    /// The byte arrays of one call exceed the limit (SVC-1.7).
    #[error("Exceeded the maximum byte array transfer limit for a call.")]
    ByteArrayLimit,
    /// A chunk out of order or past the stream's length (SVC-1.9).
    #[error("Invalid chunk supplied to stream.")]
    InvalidChunk,
    /// `OnLocationChanged` with a URI outside the base URI (SVC-2.4).
    #[error("System.ArgumentException: The URI '{uri}' is not contained by the base URI '{base}'.")]
    ForeignUri {
        /// The URI received.
        uri: String,
        /// The circuit's base URI.
        base: String,
    },
}

impl Runtime {
    /// A runtime with nothing registered; async handles start at 2 (SVC-1.1).
    pub fn new() -> Self {
        let runtime = Runtime::default();
        {
            let mut state = runtime.lock();
            state.next_async_handle = 2;
            state.next_object_id = RENDERER_OBJECT_ID + 1;
            state.next_byte_array = 1;
        }
        runtime
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    // ---------------------------------------------------------------------------------------
    // For the host

    /// Sets the current time (before every input and timer tick).
    pub fn set_now(&self, now: Millis) {
        self.lock().now = now;
    }

    /// Sets the base URI and URI from `StartCircuit`.
    pub fn start(&self, base_uri: &str, uri: &str) {
        let mut state = self.lock();
        state.base_uri = base_uri.to_owned();
        state.uri = uri.to_owned();
    }

    /// The calls to the browser queued since the last time, in order.
    pub fn take_calls(&self) -> Vec<ServerCall> {
        std::mem::take(&mut self.lock().calls)
    }

    /// Queues a call of the host's own (attach calls, answers) in order with the services' calls.
    pub fn send(&self, call: ServerCall) {
        self.lock().calls.push(call);
    }

    /// A batch was produced: takes the calls meant for after it (`OnAfterRenderAsync`), which
    /// the host makes with [`Self::after_render`] once the browser acknowledged the batch, as
    /// Blazor Server runs after-render callbacks when the batch is acknowledged (SVC-2.5).
    pub fn rendered(&self) -> AfterRender {
        AfterRender(std::mem::take(&mut self.lock().after_render))
    }

    /// Makes the calls of an acknowledged batch's [`AfterRender`]; handles are given now, so
    /// that they stay in order on the wire.
    pub fn after_render(&self, calls: AfterRender) {
        let mut state = self.lock();
        for (identifier, arguments) in calls.0 {
            Self::push_call_text(&mut state, &identifier, arguments, ResultKind::Void, None);
        }
    }

    /// Whether calls are queued.
    pub fn has_calls(&self) -> bool {
        !self.lock().calls.is_empty()
    }

    /// The work queued for components since the last time, in order.
    pub fn take_work(&self) -> Vec<Work> {
        std::mem::take(&mut self.lock().work)
    }

    /// The unhandled exception a handler or continuation raised, if any.
    pub fn take_exception(&self) -> Option<String> {
        self.lock().exception.take()
    }

    /// `EndInvokeJSFromDotNet(asyncHandle, succeeded, argumentsJson)`: queues the call's
    /// continuation. An unknown handle is ignored (SVC-1.3); arguments that are not
    /// `[handle, succeeded, result]` end the circuit (SVC-1.4).
    pub fn end_invoke_js(&self, async_handle: i64, succeeded: bool, arguments_json: &str) -> Result<(), ServiceError> {
        let parsed: Json = serde_json::from_str(arguments_json).map_err(|_| ServiceError::InvalidInteropArguments)?;
        let Some([handle, ok, result]) = parsed
            .as_array()
            .and_then(|a| <&[Json; 3]>::try_from(a.as_slice()).ok())
        else {
            return Err(ServiceError::InvalidInteropArguments);
        };
        if handle.as_i64() != Some(async_handle) || ok.as_bool() != Some(succeeded) {
            return Err(ServiceError::InvalidInteropArguments);
        }
        let mut state = self.lock();
        // Without interop tables (only untracked calls so far) nothing waits: no allocation.
        let Some(io) = state.io.as_mut() else {
            return Ok(());
        };
        let arrays = std::mem::take(&mut io.received_arrays);
        let pending = io.pending.remove(&async_handle);
        state.received_bytes = 0;
        let Some((component, continuation)) = pending else {
            return Ok(());
        };
        let result = if succeeded {
            Ok(revive_byte_arrays(result.clone(), &arrays))
        } else {
            Err(result.as_str().map(str::to_owned).unwrap_or_else(|| result.to_string()))
        };
        state.work.push(Work {
            component,
            job: Job::Continue(continuation, result),
        });
        Ok(())
    }

    /// `ReceiveByteArray(id, data)`: a byte array of the JS→.NET payload that follows; id 0
    /// starts a new payload (SVC-1.7).
    pub fn receive_byte_array(&self, id: i64, data: Vec<u8>) -> Result<(), ServiceError> {
        let mut state = self.lock();
        if id == 0 {
            state.io().received_arrays.clear();
            state.received_bytes = 0;
        }
        if id != state.io().received_arrays.len() as i64 {
            return Err(ServiceError::InvalidInteropArguments);
        }
        state.received_bytes += data.len().max(4);
        if state.received_bytes > MAX_BYTE_ARRAYS_PER_CALL {
            return Err(ServiceError::ByteArrayLimit);
        }
        state.io().received_arrays.push(data);
        Ok(())
    }

    /// A JS→.NET call on an object reference (`BeginInvokeDotNetFromJS` with an object id
    /// other than the renderer's): `None` when no such object is tracked; otherwise the
    /// component it runs on and the method's answer (`None` inside: no such method).
    pub fn invoke_object(
        &self,
        object_id: i64,
        method: &str,
        arguments_json: &str,
        run: impl FnOnce(ComponentId, &mut dyn FnMut(&mut dyn Any) -> Option<Result<Json, String>>),
    ) -> Option<Option<Result<Json, String>>> {
        let arguments = self.arguments(arguments_json);
        let (component, invoker) = {
            let mut state = self.lock();
            let object = state.io.as_mut()?.objects.remove(&object_id)?;
            (object.component, object.invoker)
        };
        if method == "__Dispose" {
            return Some(Some(Ok(Json::Null)));
        }
        let mut answer = None;
        run(component, &mut |c| {
            let result = invoker(c, method, &arguments);
            answer = Some(result.clone());
            result
        });
        self.lock()
            .io()
            .objects
            .insert(object_id, ObjectReference { component, invoker });
        Some(answer.flatten())
    }

    fn arguments(&self, arguments_json: &str) -> Json {
        let arguments: Json = serde_json::from_str(arguments_json).unwrap_or(Json::Array(vec![]));
        let mut state = self.lock();
        let arrays = state
            .io
            .as_mut()
            .map(|io| std::mem::take(&mut io.received_arrays))
            .unwrap_or_default();
        state.received_bytes = 0;
        revive_byte_arrays(arguments, &arrays)
    }

    /// A static JS→.NET call: `None` when no such assembly or method is registered.
    pub fn invoke_static(&self, assembly: &str, method: &str, arguments_json: &str) -> Option<Result<Json, String>> {
        let arguments = self.arguments(arguments_json);
        let state = self.lock();
        let method = state
            .io
            .as_ref()?
            .statics
            .get(&(assembly.to_owned(), method.to_owned()))?;
        Some(method(&arguments))
    }

    /// Whether any static method is registered for this assembly.
    pub fn has_assembly(&self, assembly: &str) -> bool {
        self.lock()
            .io
            .as_ref()
            .is_some_and(|io| io.statics.keys().any(|(a, _)| a == assembly))
    }

    /// `SendDotNetStreamToJS(streamId)`: the stream's bytes, claimed once (SVC-1.8).
    pub fn claim_dotnet_stream(&self, stream_id: i64) -> Option<Vec<u8>> {
        self.lock().io().outgoing_streams.remove(&stream_id)
    }

    /// `ReceiveJSDataChunk(streamId, chunkId, data, error)`: false for an unknown stream;
    /// a chunk out of order or past the announced length ends the circuit (SVC-1.9).
    pub fn receive_js_data_chunk(
        &self,
        stream_id: i64,
        chunk_id: i64,
        data: &[u8],
        error: Option<&str>,
    ) -> Result<bool, ServiceError> {
        let mut state = self.lock();
        let Some(stream) = state.io.as_mut().and_then(|io| io.incoming.get_mut(&stream_id)) else {
            return Ok(false);
        };
        let outcome = if chunk_id == -1 || error.is_some() {
            Some(Err(error.unwrap_or("The stream failed.").to_owned()))
        } else if chunk_id != stream.next_chunk || stream.data.len() + data.len() > stream.length {
            return Err(ServiceError::InvalidChunk);
        } else {
            stream.next_chunk += 1;
            stream.data.extend_from_slice(data);
            (stream.data.len() == stream.length).then(|| Ok(std::mem::take(&mut stream.data)))
        };
        if let Some(outcome) = outcome
            && let Some(mut stream) = state.io().incoming.remove(&stream_id)
        {
            let then = stream.then.take();
            let js_object_id = stream.js_object_id;
            // SVC-1.9: the JS object behind the stream is released once read.
            Self::push_call(
                &mut state,
                "DotNet.disposeJSObjectReferenceById",
                json!([js_object_id]),
                ResultKind::Void,
                None,
            );
            if let Some(then) = then {
                state.work.push(Work {
                    component: stream.component,
                    job: Job::Continue(Box::new(move |c, _| then(c, outcome)), Ok(Json::Null)),
                });
            }
        }
        Ok(true)
    }

    /// `OnLocationChanged(uri, state, intercepted)`: checks the URI against the base URI,
    /// records it and notifies the subscribers (SVC-2.2, SVC-2.4).
    pub fn location_changed(
        &self,
        uri: &str,
        history_state: Option<&str>,
        intercepted: bool,
    ) -> Result<(), ServiceError> {
        let mut state = self.lock();
        if !within(&state.base_uri, uri) {
            return Err(ServiceError::ForeignUri {
                uri: uri.to_owned(),
                base: state.base_uri.clone(),
            });
        }
        state.uri = uri.to_owned();
        let change = LocationChanged {
            uri: uri.to_owned(),
            state: history_state.map(str::to_owned),
            intercepted,
        };
        let targets: Vec<(usize, ComponentId)> = state
            .changed
            .iter()
            .enumerate()
            .filter(|(_, (_, h))| h.is_some())
            .map(|(i, (c, _))| (i, *c))
            .collect();
        for (index, component) in targets {
            state.work.push(Work {
                component,
                job: Job::Changed(index, change.clone()),
            });
        }
        Ok(())
    }

    /// `OnLocationChanging(callId, uri, state, intercepted)`: runs the location-changing
    /// handlers through `run` and answers `JS.EndLocationChanging(callId, continue)` (SVC-2.3).
    pub fn location_changing(
        &self,
        call_id: i64,
        uri: &str,
        history_state: Option<&str>,
        intercepted: bool,
        run: impl FnMut(ComponentId, &mut dyn FnMut(&mut dyn Any) -> bool) -> bool,
    ) {
        let context = LocationChanging {
            target: uri.to_owned(),
            state: history_state.map(str::to_owned),
            intercepted,
        };
        let prevented = self.run_changing(&context, run);
        self.lock().calls.push(ServerCall::EndLocationChanging {
            call_id,
            should_continue: !prevented,
        });
    }

    /// Runs the location-changing handlers; true when one prevented the navigation.
    fn run_changing(
        &self,
        context: &LocationChanging,
        mut run: impl FnMut(ComponentId, &mut dyn FnMut(&mut dyn Any) -> bool) -> bool,
    ) -> bool {
        let count = self.lock().changing.len();
        let mut prevented = false;
        for index in 0..count {
            let taken = {
                let mut state = self.lock();
                state.changing.get_mut(index).and_then(|(c, h)| Some((*c, h.take()?)))
            };
            let Some((component, handler)) = taken else { continue };
            prevented |= run(component, &mut |c| handler(c, context));
            if let Some(slot) = self.lock().changing.get_mut(index) {
                slot.1 = Some(handler);
            }
            if prevented {
                break;
            }
        }
        prevented
    }

    /// When the next timer is due.
    pub fn next_timer(&self) -> Option<Millis> {
        self.lock().timers.values().map(|t| t.due).min()
    }

    /// Queues the timers due at `now` (each fires once, then waits a period from now).
    pub fn fire_timers(&self, now: Millis) {
        let mut state = self.lock();
        state.now = now;
        let due: Vec<(u64, ComponentId)> = state
            .timers
            .iter_mut()
            .filter(|(_, t)| t.due <= now)
            .map(|(id, t)| {
                t.due = now + t.period.max(1);
                (*id, t.component)
            })
            .collect();
        for (id, component) in due {
            state.work.push(Work {
                component,
                job: Job::Timer(id),
            });
        }
    }

    /// Forgets what a disposed component registered: timers, subscriptions, handlers, object
    /// references, pending continuations (SVC-3.2). The last location-changing handler going
    /// away tells the browser (SVC-2.3).
    pub fn component_disposed(&self, component: ComponentId) {
        let mut state = self.lock();
        state.timers.retain(|_, t| t.component != component);
        for slot in state.changed.iter_mut().filter(|(c, _)| *c == component) {
            slot.1 = None;
        }
        for slot in state.changing.iter_mut().filter(|(c, _)| *c == component) {
            slot.1 = None;
        }
        if let Some(io) = state.io.as_mut() {
            io.objects.retain(|_, o| o.component != component);
            io.pending.retain(|_, (c, _)| *c != component);
            io.incoming.retain(|_, s| s.component != component);
        }
        Self::report_listeners(&mut state, false);
    }

    // ---------------------------------------------------------------------------------------
    // For components

    /// The current absolute URI.
    pub fn uri(&self) -> String {
        self.lock().uri.clone()
    }

    /// The base URI.
    pub fn base_uri(&self) -> String {
        self.lock().base_uri.clone()
    }

    /// The current time.
    pub fn now(&self) -> Millis {
        self.lock().now
    }

    fn push_call(
        state: &mut State,
        identifier: &str,
        arguments: Json,
        kind: ResultKind,
        continuation: Option<(ComponentId, Continuation)>,
    ) -> i64 {
        Self::push_call_text(state, identifier, arguments.to_string(), kind, continuation)
    }

    fn push_call_text(
        state: &mut State,
        identifier: &str,
        arguments_json: String,
        kind: ResultKind,
        continuation: Option<(ComponentId, Continuation)>,
    ) -> i64 {
        let handle = state.next_async_handle;
        state.next_async_handle += 1;
        if let Some(continuation) = continuation {
            state.io().pending.insert(handle, continuation);
        }
        state.calls.push(ServerCall::BeginInvokeJs {
            async_handle: handle,
            identifier: identifier.to_owned(),
            arguments_json,
            result_type: kind as i64,
            target_instance_id: 0,
            call_type: 1,
        });
        handle
    }

    /// `IJSRuntime.InvokeAsync`: calls `identifier` with `arguments` (a JSON array) in the
    /// browser; `then` runs on `component` with the answer (SVC-1.1, SVC-1.2). Returns the
    /// async handle.
    pub fn invoke_js<C: Any>(
        &self,
        component: ComponentId,
        identifier: &str,
        arguments: Json,
        kind: ResultKind,
        then: impl FnOnce(&mut C, JsResult) + Send + 'static,
    ) -> i64 {
        let continuation: Continuation = Box::new(move |c, r| then(typed::<C>(c), r));
        Self::push_call(
            &mut self.lock(),
            identifier,
            arguments,
            kind,
            Some((component, continuation)),
        )
    }

    /// A call whose answer nothing waits for (still answered by the browser, SVC-1.1).
    pub fn invoke_js_void(&self, identifier: &str, arguments: Json) -> i64 {
        self.invoke_js_untracked(identifier, arguments, ResultKind::Void)
    }

    /// A call with this result kind whose answer nothing waits for (`InvokeAsync<object>` whose
    /// task nobody awaits).
    pub fn invoke_js_untracked(&self, identifier: &str, arguments: Json, kind: ResultKind) -> i64 {
        Self::push_call(&mut self.lock(), identifier, arguments, kind, None)
    }

    /// A call made after the next render was displayed (`OnAfterRenderAsync`), whose answer
    /// nothing waits for.
    pub fn invoke_js_after_render(&self, identifier: &str, arguments: Json) {
        self.lock()
            .after_render
            .push((identifier.to_owned(), arguments.to_string()));
    }

    /// `DotNetObjectReference.Create(component)`: an object the browser can call methods on;
    /// `invoke` answers a method by name with its JSON arguments (`None`: no such method). The
    /// returned JSON is the reference as an interop argument (SVC-1.5).
    pub fn create_object_reference<C: Any>(
        &self,
        component: ComponentId,
        invoke: impl Fn(&mut C, &str, &Json) -> Option<Result<Json, String>> + Send + 'static,
    ) -> Json {
        let mut state = self.lock();
        let id = state.next_object_id;
        state.next_object_id += 1;
        state.io().objects.insert(
            id,
            ObjectReference {
                component,
                invoker: Box::new(move |c, m, a| invoke(typed::<C>(c), m, a)),
            },
        );
        json!({ "__dotNetObject": id })
    }

    /// Disposes an object reference (`DotNetObjectReference.Dispose`).
    pub fn dispose_object_reference(&self, reference: &Json) {
        if let Some(id) = reference.get("__dotNetObject").and_then(Json::as_i64) {
            self.lock().io().objects.remove(&id);
        }
    }

    /// Registers a static `[JSInvokable]` method of an assembly (SVC-1.6).
    pub fn register_static(
        &self,
        assembly: &str,
        method: &str,
        invoke: impl Fn(&Json) -> Result<Json, String> + Send + 'static,
    ) {
        self.lock()
            .io()
            .statics
            .insert((assembly.to_owned(), method.to_owned()), Box::new(invoke));
    }

    /// A byte array as an interop argument: sent first with `JS.ReceiveByteArray(id, bytes)`
    /// (ids from 1 per circuit) and referenced as `{"__byte[]":id}` (SVC-1.7).
    pub fn byte_array(&self, bytes: Vec<u8>) -> Json {
        let mut state = self.lock();
        let id = state.next_byte_array;
        state.next_byte_array += 1;
        state.calls.push(ServerCall::ReceiveByteArray { id, data: bytes });
        json!({ "__byte[]": id })
    }

    /// `DotNetStreamReference`: the bytes as a stream the browser claims with
    /// `SendDotNetStreamToJS` after `JS.BeginTransmitStream(id)` (SVC-1.8).
    pub fn dotnet_stream(&self, bytes: Vec<u8>) -> Json {
        let mut state = self.lock();
        let id = state.next_object_id;
        state.next_object_id += 1;
        state.io().outgoing_streams.insert(id, bytes);
        state.calls.push(ServerCall::BeginTransmitStream { stream_id: id });
        json!({ "__dotNetStream": id })
    }

    /// Reads a JS stream reference (`IJSStreamReference.OpenReadStreamAsync` then read to the
    /// end): asks the browser to push it with `Blazor._internal.sendJSDataStream` and runs
    /// `then` with the bytes (SVC-1.9). A stream longer than `max_size` fails at once.
    pub fn read_js_stream<C: Any>(
        &self,
        component: ComponentId,
        reference: &Json,
        max_size: usize,
        then: impl FnOnce(&mut C, Result<Vec<u8>, String>) + Send + 'static,
    ) {
        let then: StreamContinuation = Box::new(move |c, r| then(typed::<C>(c), r));
        let object = reference.get("__jsObjectId").and_then(Json::as_i64);
        let length = reference.get("__jsStreamReferenceLength").and_then(Json::as_u64);
        let mut state = self.lock();
        let (Some(object), Some(length)) = (object, length) else {
            let error = Err("The value is not a JS stream reference.".to_owned());
            state.work.push(Work {
                component,
                job: Job::Continue(Box::new(move |c, _| then(c, error)), Ok(Json::Null)),
            });
            return;
        };
        if length > max_size as u64 {
            let error = Err(format!(
                "The incoming data stream of length {length} exceeds the maximum allowed length {max_size}."
            ));
            state.work.push(Work {
                component,
                job: Job::Continue(Box::new(move |c, _| then(c, error)), Ok(Json::Null)),
            });
            return;
        }
        let stream_id = state.next_js_stream;
        state.next_js_stream += 1;
        state.io().incoming.insert(
            stream_id,
            IncomingStream {
                component,
                js_object_id: object,
                length: length as usize,
                next_chunk: 0,
                data: Vec::with_capacity(length as usize),
                then: Some(then),
            },
        );
        Self::push_call(
            &mut state,
            "Blazor._internal.sendJSDataStream",
            json!([{ "__jsObjectId": object }, stream_id, JS_DATA_CHUNK_SIZE]),
            ResultKind::Void,
            None,
        );
        if length == 0 {
            let mut stream = state.io().incoming.remove(&stream_id).expect("just inserted");
            let then = stream.then.take().expect("set above");
            state.work.push(Work {
                component,
                job: Job::Continue(Box::new(move |c, _| then(c, Ok(Vec::new()))), Ok(Json::Null)),
            });
        }
    }

    /// `NavigationManager.NavigateTo(uri, replace)` from the code of component `me` (`this`):
    /// its location-changing handler runs first, at once (SVC-2.3); unless it prevents the
    /// navigation, the browser is asked to navigate (SVC-2.1). Returns whether it was asked.
    /// Only the calling component's own handlers are consulted: the renderer is busy with it,
    /// and in the reference app the lock lives on the page that navigates.
    pub fn navigate_to_from<C: Any>(&self, component: &mut C, me: ComponentId, uri: &str, replace: bool) -> bool {
        let target = {
            let state = self.lock();
            resolve(&state.base_uri, uri)
        };
        let context = LocationChanging {
            target,
            state: None,
            intercepted: false,
        };
        let prevented = self.run_changing(&context, |owner, handler| {
            owner == me && handler(component as &mut dyn Any)
        });
        if prevented {
            return false;
        }
        // The options object in the recorded member order (not serde_json's sorted order).
        let arguments = format!(
            "[{},{{\"forceLoad\":false,\"replaceHistoryEntry\":{replace},\"historyEntryState\":null}}]",
            Json::String(uri.to_owned())
        );
        let mut state = self.lock();
        Self::push_call_text(
            &mut state,
            "Blazor._internal.navigationManager.navigateTo",
            arguments,
            ResultKind::Void,
            None,
        );
        true
    }

    /// Subscribes `component` to location changes (`NavigationManager.LocationChanged`).
    pub fn on_location_changed<C: Any>(
        &self,
        component: ComponentId,
        handler: impl Fn(&mut C, &LocationChanged) + Send + 'static,
    ) {
        self.lock().changed.push((
            component,
            Some(Box::new(move |c: &mut dyn Any, e: &LocationChanged| {
                handler(typed::<C>(c), e)
            })),
        ));
    }

    /// Registers a location-changing handler (`NavigationLock`'s `OnBeforeInternalNavigation`):
    /// true prevents the navigation. The first one tells the browser to ask before navigating
    /// (`setHasLocationChangingListeners`, SVC-2.3).
    pub fn add_location_changing_handler<C: Any>(
        &self,
        component: ComponentId,
        handler: impl Fn(&mut C, &LocationChanging) -> bool + Send + 'static,
    ) {
        let mut state = self.lock();
        state.changing.push((
            component,
            Some(Box::new(move |c: &mut dyn Any, e: &LocationChanging| {
                handler(typed::<C>(c), e)
            })),
        ));
        // The lock registers after its first render was displayed (`OnAfterRenderAsync`).
        Self::report_listeners(&mut state, true);
    }

    fn report_listeners(state: &mut State, after_render: bool) {
        let any = state.changing.iter().any(|(_, h)| h.is_some());
        if any != state.listeners_reported {
            state.listeners_reported = any;
            let identifier = "Blazor._internal.navigationManager.setHasLocationChangingListeners";
            let arguments = json!([RENDERER_ID, any]);
            if after_render {
                state.after_render.push((identifier.to_owned(), arguments.to_string()));
            } else {
                Self::push_call(state, identifier, arguments, ResultKind::Void, None);
            }
        }
    }

    /// Starts a timer on `component`: `tick` runs first after `due` ms, then every `period`
    /// ms, each time followed by a render of the component (SVC-3.1).
    pub fn start_timer<C: Any>(
        &self,
        component: ComponentId,
        due: Millis,
        period: Millis,
        mut tick: impl FnMut(&mut C) + Send + 'static,
    ) -> u64 {
        let mut state = self.lock();
        state.next_timer += 1;
        let id = state.next_timer;
        let now = state.now;
        state.timers.insert(
            id,
            Timer {
                component,
                due: now + due,
                period,
                callback: Some(Box::new(move |c| tick(typed::<C>(c)))),
            },
        );
        id
    }

    /// Stops a timer.
    pub fn stop_timer(&self, id: u64) {
        self.lock().timers.remove(&id);
    }

    /// An unhandled exception in a handler or continuation: the circuit ends with this text in
    /// `JS.Error` and the event gets no answer (SVC-4.1).
    pub fn throw(&self, message: impl Into<String>) {
        let mut state = self.lock();
        if state.exception.is_none() {
            state.exception = Some(message.into());
        }
    }
}

/// Whether `uri` is within `base` (the base URI, or the base URI without its final slash).
fn within(base: &str, uri: &str) -> bool {
    uri.starts_with(base) || base.strip_suffix('/') == Some(uri)
}

/// An absolute URI for `uri` relative to `base` (enough for the app's relative links).
fn resolve(base: &str, uri: &str) -> String {
    if uri.contains("://") {
        return uri.to_owned();
    }
    if let Some(path) = uri.strip_prefix('/') {
        let origin_end = base.find("://").map(|i| i + 3).unwrap_or(0);
        let origin = base[origin_end..]
            .find('/')
            .map(|i| &base[..origin_end + i])
            .unwrap_or(base);
        return format!("{origin}/{path}");
    }
    format!("{base}{uri}")
}

/// Replaces `{"__byte[]":k}` by the k-th received array, as a JSON array of numbers.
fn revive_byte_arrays(value: Json, arrays: &[Vec<u8>]) -> Json {
    match value {
        Json::Object(map) => {
            if map.len() == 1
                && let Some(index) = map.get("__byte[]").and_then(Json::as_u64)
                && let Some(bytes) = arrays.get(index as usize)
            {
                return Json::Array(bytes.iter().map(|&b| Json::from(b)).collect());
            }
            Json::Object(
                map.into_iter()
                    .map(|(k, v)| (k, revive_byte_arrays(v, arrays)))
                    .collect(),
            )
        }
        Json::Array(items) => Json::Array(items.into_iter().map(|v| revive_byte_arrays(v, arrays)).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Page {
        result: String,
        ticks: u32,
        changes: u32,
    }

    fn run_work(runtime: &Runtime, page: &mut Page) -> usize {
        let work = runtime.take_work();
        let n = work.len();
        for w in work {
            assert_eq!(w.component, 5);
            w.run(runtime, page);
        }
        n
    }

    #[test]
    fn js_calls_get_handles_from_2_and_continue_on_the_component() {
        // SVC-1.1, SVC-1.2
        let runtime = Runtime::new();
        let handle = runtime.invoke_js(5, "Math.max", json!([3, 9, 4]), ResultKind::Json, |p: &mut Page, r| {
            p.result = format!("max {}", r.unwrap());
        });
        assert_eq!(handle, 2);
        let calls = runtime.take_calls();
        assert_eq!(
            calls,
            [ServerCall::BeginInvokeJs {
                async_handle: 2,
                identifier: "Math.max".into(),
                arguments_json: "[3,9,4]".into(),
                result_type: 0,
                target_instance_id: 0,
                call_type: 1
            }]
        );
        runtime.end_invoke_js(2, true, "[2,true,9]").unwrap();
        let mut page = Page::default();
        assert_eq!(run_work(&runtime, &mut page), 1);
        assert_eq!(page.result, "max 9");
        // SVC-1.3: a second answer for the same handle is ignored.
        runtime.end_invoke_js(2, true, "[2,true,9]").unwrap();
        assert_eq!(run_work(&runtime, &mut page), 0);
    }

    #[test]
    fn malformed_answers_end_the_circuit() {
        // SVC-1.4
        let runtime = Runtime::new();
        for bad in ["", "{}", "[2,true]", "[3,true,1]", "[2,false,1]"] {
            assert_eq!(
                runtime.end_invoke_js(2, true, bad),
                Err(ServiceError::InvalidInteropArguments),
                "{bad}"
            );
        }
    }

    #[test]
    fn js_errors_reach_the_continuation_as_text() {
        let runtime = Runtime::new();
        runtime.invoke_js(
            5,
            "brasaCapture.fail",
            json!([]),
            ResultKind::Void,
            |p: &mut Page, r| {
                p.result = r.unwrap_err();
            },
        );
        runtime
            .end_invoke_js(2, false, r#"[2,false,"thrown in JS\nError: thrown in JS\n    at x"]"#)
            .unwrap();
        let mut page = Page::default();
        run_work(&runtime, &mut page);
        assert!(page.result.starts_with("thrown in JS\nError"));
    }

    #[test]
    fn byte_arrays_both_ways() {
        // SVC-1.7
        let runtime = Runtime::new();
        let arg = runtime.byte_array(vec![0, 1, 2, 250, 255]);
        assert_eq!(arg, json!({"__byte[]": 1}));
        runtime.invoke_js(
            5,
            "brasaCapture.echoBytes",
            json!([arg]),
            ResultKind::Json,
            |p: &mut Page, r| {
                let bytes: Vec<u8> = serde_json::from_value(r.unwrap()).unwrap();
                p.result = format!("{bytes:?}");
            },
        );
        let calls = runtime.take_calls();
        assert_eq!(
            calls[0],
            ServerCall::ReceiveByteArray {
                id: 1,
                data: vec![0, 1, 2, 250, 255]
            }
        );
        runtime.receive_byte_array(0, vec![0, 1, 2, 250, 255]).unwrap();
        runtime.end_invoke_js(2, true, r#"[2,true,{"__byte[]":0}]"#).unwrap();
        let mut page = Page::default();
        run_work(&runtime, &mut page);
        assert_eq!(page.result, "[0, 1, 2, 250, 255]");
        assert_eq!(
            runtime.receive_byte_array(3, vec![]),
            Err(ServiceError::InvalidInteropArguments)
        );
        assert_eq!(
            runtime.receive_byte_array(0, vec![0; 40_000]),
            Err(ServiceError::ByteArrayLimit)
        );
    }

    #[test]
    fn js_streams_arrive_in_chunks_and_release_the_js_object() {
        // SVC-1.9
        let runtime = Runtime::new();
        runtime.read_js_stream(
            5,
            &json!({"__jsStreamReferenceLength": 70000, "__jsObjectId": 1}),
            1_000_000,
            |p: &mut Page, r| p.result = format!("read {}", r.unwrap().len()),
        );
        let calls = runtime.take_calls();
        assert!(
            matches!(&calls[0], ServerCall::BeginInvokeJs { identifier, arguments_json, result_type: 3, .. }
            if identifier == "Blazor._internal.sendJSDataStream" && arguments_json == r#"[{"__jsObjectId":1},0,32256]"#)
        );
        assert_eq!(runtime.receive_js_data_chunk(0, 0, &[1; 32256], None), Ok(true));
        assert_eq!(
            runtime.receive_js_data_chunk(0, 2, &[1; 10], None),
            Err(ServiceError::InvalidChunk)
        );
        assert_eq!(runtime.receive_js_data_chunk(0, 1, &[1; 32256], None), Ok(true));
        assert_eq!(runtime.receive_js_data_chunk(0, 2, &[1; 5488], None), Ok(true));
        assert_eq!(
            runtime.receive_js_data_chunk(0, 3, &[1; 1], None),
            Ok(false),
            "the stream is done"
        );
        let mut page = Page::default();
        run_work(&runtime, &mut page);
        assert_eq!(page.result, "read 70000");
        let calls = runtime.take_calls();
        assert!(
            matches!(&calls[0], ServerCall::BeginInvokeJs { identifier, arguments_json, .. }
            if identifier == "DotNet.disposeJSObjectReferenceById" && arguments_json == "[1]")
        );
    }

    #[test]
    fn dotnet_streams_are_claimed_once() {
        // SVC-1.8
        let runtime = Runtime::new();
        let reference = runtime.dotnet_stream(vec![7; 100]);
        assert_eq!(reference, json!({"__dotNetStream": 2}));
        assert_eq!(runtime.take_calls(), [ServerCall::BeginTransmitStream { stream_id: 2 }]);
        assert_eq!(runtime.claim_dotnet_stream(2).map(|b| b.len()), Some(100));
        assert_eq!(runtime.claim_dotnet_stream(2), None);
    }

    #[test]
    fn object_references_answer_by_method_name() {
        // SVC-1.5
        let runtime = Runtime::new();
        let reference = runtime.create_object_reference(5, |p: &mut Page, method, args| match method {
            "Shout" => {
                let s = args[0].as_str().unwrap_or("").to_uppercase() + "!";
                p.result = s.clone();
                Some(Ok(Json::String(s)))
            }
            _ => None,
        });
        assert_eq!(reference, json!({"__dotNetObject": 2}));
        let mut page = Page::default();
        let answer = runtime.invoke_object(2, "Shout", r#"["hello"]"#, |component, run| {
            assert_eq!(component, 5);
            run(&mut page);
        });
        assert_eq!(answer, Some(Some(Ok(json!("HELLO!")))));
        let answer = runtime.invoke_object(2, "Whisper", "[]", |_, run| {
            run(&mut page);
        });
        assert_eq!(answer, Some(None), "no such method");
        assert_eq!(
            runtime.invoke_object(9, "Shout", "[]", |_, _| {}),
            None,
            "no such object"
        );
        runtime.component_disposed(5);
        assert_eq!(
            runtime.invoke_object(2, "Shout", "[]", |_, _| {}),
            None,
            "released with its component"
        );
    }

    #[test]
    fn timers_fire_after_due_then_every_period_until_stopped() {
        // SVC-3.1
        let runtime = Runtime::new();
        runtime.set_now(1000);
        let id = runtime.start_timer(5, 50, 50, |p: &mut Page| p.ticks += 1);
        assert_eq!(runtime.next_timer(), Some(1050));
        let mut page = Page::default();
        runtime.fire_timers(1049);
        assert_eq!(run_work(&runtime, &mut page), 0);
        runtime.fire_timers(1050);
        run_work(&runtime, &mut page);
        runtime.fire_timers(1200);
        run_work(&runtime, &mut page);
        assert_eq!(page.ticks, 2, "a late tick fires once");
        assert_eq!(runtime.next_timer(), Some(1250));
        runtime.stop_timer(id);
        assert_eq!(runtime.next_timer(), None);
        // SVC-3.2: a disposed component's timers stop.
        runtime.start_timer(5, 10, 10, |p: &mut Page| p.ticks += 1);
        runtime.component_disposed(5);
        assert_eq!(runtime.next_timer(), None);
    }

    #[test]
    fn navigation_asks_the_handlers_then_the_browser() {
        // SVC-2.1, SVC-2.2, SVC-2.3, SVC-2.4
        let runtime = Runtime::new();
        runtime.start("http://h/", "http://h/nav");
        runtime.on_location_changed(5, |p: &mut Page, _| p.changes += 1);
        runtime.add_location_changing_handler(5, |p: &mut Page, c| {
            let block = c.target.contains("blocked");
            if block {
                p.ticks += 1;
            }
            block
        });
        assert!(
            runtime.take_calls().is_empty(),
            "the lock reports itself after its first render"
        );
        runtime.after_render(runtime.rendered());
        let calls = runtime.take_calls();
        assert!(
            matches!(&calls[0], ServerCall::BeginInvokeJs { identifier, arguments_json, .. }
            if identifier.ends_with("setHasLocationChangingListeners") && arguments_json == "[1,true]")
        );
        let mut page = Page::default();
        assert!(!runtime.navigate_to_from(&mut page, 5, "nav?blocked=1", false));
        assert_eq!(page.ticks, 1);
        assert!(
            runtime.take_calls().is_empty(),
            "a prevented NavigateTo never reaches the browser"
        );
        assert!(runtime.navigate_to_from(&mut page, 5, "nav?x=2", true));
        let calls = runtime.take_calls();
        assert!(
            matches!(&calls[0], ServerCall::BeginInvokeJs { identifier, arguments_json, result_type: 3, .. }
            if identifier == "Blazor._internal.navigationManager.navigateTo"
            && arguments_json == r#"["nav?x=2",{"forceLoad":false,"replaceHistoryEntry":true,"historyEntryState":null}]"#)
        );
        runtime.location_changed("http://h/nav?x=2", None, false).unwrap();
        run_work(&runtime, &mut page);
        assert_eq!((page.changes, runtime.uri().as_str()), (1, "http://h/nav?x=2"));
        assert!(matches!(
            runtime.location_changed("https://elsewhere.example/x", None, false),
            Err(ServiceError::ForeignUri { .. })
        ));
        runtime.location_changing(1, "http://h/nav?blocked=2", None, true, |_, handler| handler(&mut page));
        assert_eq!(
            runtime.take_calls(),
            [ServerCall::EndLocationChanging {
                call_id: 1,
                should_continue: false
            }]
        );
        runtime.component_disposed(5);
        let calls = runtime.take_calls();
        assert!(matches!(&calls[0], ServerCall::BeginInvokeJs { arguments_json, .. } if arguments_json == "[1,false]"));
    }

    #[test]
    fn the_first_exception_is_kept() {
        // SVC-4.1
        let runtime = Runtime::new();
        runtime.throw("System.InvalidOperationException: boom");
        runtime.throw("later");
        assert_eq!(
            runtime.take_exception().as_deref(),
            Some("System.InvalidOperationException: boom")
        );
        assert_eq!(runtime.take_exception(), None);
    }
}
