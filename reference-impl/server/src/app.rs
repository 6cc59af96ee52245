//! The application behind each circuit: a `brasa-render` renderer with the conformance app's
//! root components, driven by the circuit core through [`CircuitApp`].

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

use brasa_circuit::{AppFactory, CircuitApp, Millis, Rendered};
use brasa_protocol::blazor::{ClientCall, ServerCall};
use brasa_protocol::events::{self, DispatchEvent, EventLimits};
use brasa_render::{Batch, ChangeValue, Component, EventArgs, EventFieldInfo, Renderer, Runtime};
use serde_json::{Value as Json, json};

use crate::descriptor::Keys;
use crate::metrics::Metrics;
use crate::pages;

/// The renderer's interop object (`DotNetObjectReference` id 1, fact sheet §6.2).
pub const RENDERER_OBJECT_ID: i64 = 1;
/// `WebRendererId.Server`.
const RENDERER_ID: u32 = 1;
const ATTACH: &str = "Blazor._internal.attachWebRendererInterop";
const ENABLE_NAVIGATION_INTERCEPTION: &str = "Blazor._internal.navigationManager.enableNavigationInterception";
const FOCUS_BY_SELECTOR: &str = "Blazor._internal.domWrapper.focusBySelector";
/// `RootComponents.MaxJSRootComponents`.
const MAX_ROOT_COMPONENTS: usize = 100;

/// Where the Router's start-up calls (§6.5) stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StartUp {
    /// No root component rendered yet.
    Waiting,
    /// The first batch was produced; the calls follow its acknowledgement.
    FirstBatchSent,
    /// Both sent.
    Done,
}

/// One circuit's application.
pub struct ConformanceApp {
    keys: Arc<Keys>,
    metrics: Arc<Metrics>,
    renderer: Renderer,
    /// The circuit's services (interop, navigation, timers); every call to the browser goes
    /// through its queue, in order.
    runtime: Runtime,
    /// Batches produced by event dispatch or root-component operations, not yet handed out.
    pending: VecDeque<Batch>,
    /// (renderer batch number, retired ids) of handed-out batches that retire ids.
    retiring: VecDeque<(u64, Vec<u64>)>,
    /// ssrComponentId → renderer component id.
    roots: Vec<(u64, i32)>,
    start_up: StartUp,
    limits: EventLimits,
    /// Started by blazor.server.js with markers (§14).
    server_js: bool,
    /// Batches produced (the window numbers them from 2 in this order).
    produced: i64,
    /// After-render calls of produced batches, made once each is acknowledged (SVC-2.5).
    after_render: VecDeque<(i64, brasa_render::runtime::AfterRender)>,
}

impl ConformanceApp {
    fn new(keys: Arc<Keys>, metrics: Arc<Metrics>) -> Self {
        let mut renderer = Renderer::new();
        // Blazor Server keeps retired handler ids alive until the batch is acknowledged.
        renderer.set_deferred_event_handler_retirement(true);
        ConformanceApp {
            keys,
            metrics,
            renderer,
            runtime: Runtime::new(),
            pending: VecDeque::new(),
            retiring: VecDeque::new(),
            roots: Vec::new(),
            start_up: StartUp::Waiting,
            limits: EventLimits::default(),
            server_js: false,
            produced: 0,
            after_render: VecDeque::new(),
        }
    }

    /// Runs the work the runtime queued (continuations, timer ticks, location-changed
    /// subscribers) on its components and queues their re-render; then reports an unhandled
    /// exception, which ends the circuit (SVC-4.1).
    fn drain(&mut self) -> Result<(), String> {
        loop {
            let work = self.runtime.take_work();
            if work.is_empty() {
                break;
            }
            for item in work {
                let component = item.component;
                let runtime = self.runtime.clone();
                // A component disposed meanwhile: its work is dropped (SVC-3.2).
                if self
                    .renderer
                    .with_component_dyn(component, |c| item.run(&runtime, c))
                    .is_ok()
                {
                    let _ = self.renderer.state_has_changed(component);
                }
            }
        }
        match self.runtime.take_exception() {
            Some(message) => Err(message),
            None => Ok(()),
        }
    }

    fn add_component(&mut self, type_name: &str) -> Option<i32> {
        let component = pages::create(type_name)?;
        Some(component(&mut self.renderer, &self.runtime))
    }

    // SRV-4.1: an `add` opens the marker's descriptor (SRV-3.4), checks its key and attaches the
    // component with the ssrComponentId as selector, then renders it.
    fn add_root(&mut self, ssr_component_id: u64, marker: &Json) -> Result<(), String> {
        if self.roots.iter().any(|(id, _)| *id == ssr_component_id) {
            return Err("Duplicate component ID.".into());
        }
        if self.roots.len() >= MAX_ROOT_COMPONENTS {
            return Err("Exceeded the maximum number of allowed server interactive root components.".into());
        }
        let marker_type = marker.get("type").and_then(Json::as_str).unwrap_or("");
        if marker_type != "server" && marker_type != "auto" {
            return Err("bad marker type".into());
        }
        let descriptor = marker
            .get("descriptor")
            .and_then(Json::as_str)
            .ok_or("Missing descriptor.")?;
        let payload = self.keys.open_descriptor(descriptor).ok_or("bad descriptor")?;
        if marker.get("key") != Some(&payload.key) {
            return Err("key mismatch".into());
        }
        let component_id = self.add_component(&payload.type_name).ok_or("unknown component type")?;
        self.roots.push((ssr_component_id, component_id));
        self.runtime.send(ServerCall::AttachComponent {
            component_id: component_id.into(),
            selector: ssr_component_id.to_string(),
        });
        if let Some(batch) = self
            .renderer
            .render_root_component(component_id)
            .map_err(|e| e.to_string())?
        {
            self.pending.push_back(batch);
        }
        Ok(())
    }

    fn dispatch(&mut self, event: DispatchEvent) -> Result<(bool, String), String> {
        let id = event.descriptor.event_handler_id;
        let args = match event.event_args {
            events::EventArgs::Change(change) => match change.value {
                Some(events::ChangeValue::Bool(b)) => EventArgs::Change(ChangeValue::Bool(b)),
                Some(events::ChangeValue::String(s)) => EventArgs::Change(ChangeValue::String(s)),
                other => EventArgs::Json(serde_json::json!({ "value": other })),
            },
            events::EventArgs::Empty(_) => EventArgs::Empty,
            other => EventArgs::Json(serde_json::from_str(&other.to_json()).unwrap_or(Json::Null)),
        };
        // EV-3.5, RT-3.4: the field's state is written into the component's render tree
        // before the handler runs (a null fieldValue changes nothing).
        let field_info = event.descriptor.event_field_info.as_ref().and_then(|info| {
            let field_value = match info.field_value.as_ref()? {
                events::FieldValue::Bool(b) => ChangeValue::Bool(*b),
                events::FieldValue::String(s) => ChangeValue::String(s.clone()),
            };
            Some(EventFieldInfo {
                component_id: info.component_id,
                field_value,
            })
        });
        use brasa_render::DispatchEventError as E;
        match self
            .renderer
            .dispatch_event_with_field_info(id, field_info.as_ref(), &args)
        {
            Ok(batch) => {
                // SVC-4.1: a handler that threw gets no answer and its render is not sent.
                if let Some(message) = self.runtime.take_exception() {
                    return Err(message);
                }
                if let Some(batch) = batch {
                    self.pending.push_back(batch);
                }
                self.drain()?;
                Ok((true, "{}".into()))
            }
            Err(E::UnknownEventHandler(_) | E::RetiredEventHandler(_)) => Ok((
                false,
                format!(
                    "System.ArgumentException: There is no event handler associated with this event. EventId: '{id}'. (Parameter 'eventHandlerId')"
                ),
            )),
            Err(other) => Err(format!("System.InvalidOperationException: {other}")),
        }
    }
}

impl CircuitApp for ConformanceApp {
    fn start(&mut self, base_uri: &str, uri: &str, components: &str) -> Result<(), String> {
        self.runtime.start(base_uri, uri);
        // §6.2: the renderer's attach call is the circuit's first .NET→JS call.
        self.runtime.invoke_js_void(
            ATTACH,
            json!([RENDERER_ID, { "__dotNetObject": RENDERER_OBJECT_ID }, {}, {}]),
        );
        // SRV-4.1, SRV-4.2:
        // blazor.web.js passes "[]"; blazor.server.js the page's markers (§14): each is attached
        // with its sequence as the selector and first rendered before the completion.
        const INVALID: &str = "The list of component records is not valid.";
        let Ok(Json::Array(markers)) = serde_json::from_str::<Json>(components) else {
            return Err(INVALID.into());
        };
        for (index, marker) in markers.iter().enumerate() {
            let sequence = marker.get("sequence").and_then(Json::as_u64);
            let descriptor = marker
                .get("descriptor")
                .and_then(Json::as_str)
                .and_then(|d| self.keys.open_descriptor(d));
            let (Some(sequence), Some(descriptor)) = (sequence, descriptor) else {
                return Err(INVALID.into());
            };
            if sequence != index as u64 || descriptor.sequence != sequence {
                return Err(INVALID.into());
            }
            let component_id = self.add_component(&descriptor.type_name).ok_or(INVALID)?;
            self.roots.push((sequence, component_id));
            self.runtime.send(ServerCall::AttachComponent {
                component_id: component_id.into(),
                selector: sequence.to_string(),
            });
            if let Some(batch) = self
                .renderer
                .render_root_component(component_id)
                .map_err(|e| e.to_string())?
            {
                self.pending.push_back(batch);
            }
        }
        if !markers.is_empty() {
            self.server_js = true;
        }
        Ok(())
    }

    fn update_root_components(&mut self, operations: &str, _application_state: &str) -> Result<(), String> {
        // SRV-4.2: no UpdateRootComponents after a blazor.server.js start.
        if self.server_js {
            return Err(
                "UpdateRootComponents is not supported when components have been provided during circuit start up."
                    .into(),
            );
        }
        let batch: Json = serde_json::from_str(operations).map_err(|e| e.to_string())?;
        let operations = batch
            .get("operations")
            .and_then(Json::as_array)
            .ok_or("no operations")?;
        let mut seen = HashSet::new();
        for operation in operations {
            let ssr_component_id = operation
                .get("ssrComponentId")
                .and_then(Json::as_u64)
                .ok_or("Missing ssrComponentId.")?;
            if !seen.insert(ssr_component_id) {
                return Err("Duplicate component ID.".into());
            }
            let kind = operation
                .get("type")
                .and_then(Json::as_str)
                .unwrap_or("")
                .to_ascii_lowercase();
            match kind.as_str() {
                "add" => {
                    let marker = operation.get("marker").ok_or("Missing marker.")?;
                    self.add_root(ssr_component_id, marker)?;
                }
                "remove" => {
                    let index = self
                        .roots
                        .iter()
                        .position(|(id, _)| *id == ssr_component_id)
                        .ok_or_else(|| format!("No root component exists with SSR component ID {ssr_component_id}."))?;
                    let (_, component_id) = self.roots.remove(index);
                    if let Some(batch) = self
                        .renderer
                        .remove_root_component(component_id)
                        .map_err(|e| e.to_string())?
                    {
                        self.pending.push_back(batch);
                    }
                }
                "update" => {
                    // Same type and key with equal parameters change nothing (no parameters yet).
                    let marker = operation.get("marker").ok_or("Missing marker.")?;
                    let descriptor = marker
                        .get("descriptor")
                        .and_then(Json::as_str)
                        .ok_or("Missing descriptor.")?;
                    self.keys.open_descriptor(descriptor).ok_or("bad descriptor")?;
                    if !self.roots.iter().any(|(id, _)| *id == ssr_component_id) {
                        return Err("unknown component".into());
                    }
                }
                _ => return Err("unknown operation".into()),
            }
        }
        Ok(())
    }

    fn invoke_dotnet(
        &mut self,
        assembly_name: Option<&str>,
        method_identifier: &str,
        dotnet_object_id: i64,
        arguments_json: &str,
    ) -> Result<(bool, String), String> {
        let call = ClientCall::BeginInvokeDotNetFromJs {
            call_id: Some(String::new()),
            assembly_name: assembly_name.map(str::to_owned),
            method_identifier: Some(method_identifier.to_owned()),
            dotnet_object_id,
            arguments_json: Some(arguments_json.to_owned()),
        };
        match DispatchEvent::from_call(&call, RENDERER_OBJECT_ID, &self.limits) {
            Some(Ok(event)) => return self.dispatch(event),
            Some(Err(error)) => return Ok((false, format!("System.ArgumentException: {error}"))),
            None => {}
        }
        // SVC-1.5: a method of an object reference.
        if dotnet_object_id != 0 {
            let renderer = &mut self.renderer;
            let answer =
                self.runtime
                    .invoke_object(dotnet_object_id, method_identifier, arguments_json, |component, run| {
                        let _ = renderer.with_component_dyn(component, |c| run(c));
                    });
            let answer = match answer {
                Some(answer) => answer,
                None => {
                    return Ok((
                        false,
                        format!(
                            "System.ArgumentException: There is no tracked object with id '{dotnet_object_id}'. Perhaps the DotNetObjectReference instance was already disposed. (Parameter 'dotNetObjectId')"
                        ),
                    ));
                }
            };
            self.drain()?;
            return Ok(match answer {
                Some(Ok(result)) => (true, result.to_string()),
                Some(Err(error)) => (false, error),
                None => (
                    false,
                    format!(
                        "System.ArgumentException: The type does not contain a public invokable method with [JSInvokableAttribute(\"{method_identifier}\")]."
                    ),
                ),
            });
        }
        // SVC-1.6: a static method.
        let assembly = assembly_name.unwrap_or("");
        match self.runtime.invoke_static(assembly, method_identifier, arguments_json) {
            Some(result) => {
                self.drain()?;
                Ok(match result {
                    Ok(result) => (true, result.to_string()),
                    Err(error) => (false, error),
                })
            }
            None if !self.runtime.has_assembly(assembly) => Ok((
                false,
                format!("System.ArgumentException: There is no loaded assembly with the name '{assembly}'."),
            )),
            None => Ok((
                false,
                format!(
                    "System.ArgumentException: The assembly '{assembly}' does not contain a public invokable method with [JSInvokableAttribute(\"{method_identifier}\")]."
                ),
            )),
        }
    }

    fn end_invoke_js(&mut self, async_handle: i64, succeeded: bool, arguments_json: &str) -> Result<(), String> {
        self.runtime
            .end_invoke_js(async_handle, succeeded, arguments_json)
            .map_err(|e| e.to_string())?;
        self.drain()
    }

    fn location_changed(&mut self, uri: &str, state: Option<&str>, intercepted: bool) -> Result<(), String> {
        self.runtime
            .location_changed(uri, state, intercepted)
            .map_err(|e| e.to_string())?;
        self.drain()
    }

    fn location_changing(
        &mut self,
        call_id: i64,
        uri: &str,
        state: Option<&str>,
        intercepted: bool,
    ) -> Result<(), String> {
        let renderer = &mut self.renderer;
        let mut ran = Vec::new();
        self.runtime
            .location_changing(call_id, uri, state, intercepted, |component, handler| {
                ran.push(component);
                renderer.with_component_dyn(component, |c| handler(c)).unwrap_or(false)
            });
        // The lock's callback is an EventCallback: its component re-renders.
        for component in ran {
            let _ = self.renderer.state_has_changed(component);
        }
        self.drain()
    }

    fn set_now(&mut self, now: Millis) {
        self.runtime.set_now(now);
    }

    fn receive_byte_array(&mut self, id: i64, data: Vec<u8>) -> Result<(), String> {
        self.runtime.receive_byte_array(id, data).map_err(|e| e.to_string())
    }

    fn receive_js_data_chunk(
        &mut self,
        stream_id: i64,
        chunk_id: i64,
        data: &[u8],
        error: Option<&str>,
    ) -> Result<bool, String> {
        let taken = self
            .runtime
            .receive_js_data_chunk(stream_id, chunk_id, data, error)
            .map_err(|e| e.to_string())?;
        self.drain()?;
        Ok(taken)
    }

    fn claim_dotnet_stream(&mut self, stream_id: i64) -> Option<Vec<u8>> {
        self.runtime.claim_dotnet_stream(stream_id)
    }

    fn next_timer(&self) -> Option<Millis> {
        self.runtime.next_timer()
    }

    fn fire_timers(&mut self, now: Millis) -> Result<(), String> {
        self.runtime.fire_timers(now);
        self.drain()
    }

    fn render(&mut self) -> Result<Option<Rendered>, String> {
        let batch = match self.pending.pop_front() {
            Some(batch) => batch,
            None => match self.renderer.process_render_queue().map_err(|e| e.to_string())? {
                Some(batch) => batch,
                None => return Ok(None),
            },
        };
        let bytes = batch.encode().map_err(|e| e.to_string())?;
        let retired = batch.disposed_event_handler_ids.clone();
        if !retired.is_empty() {
            // The renderer numbers batches in production order; pending ones were produced in order.
            let number = self.renderer.batches_produced() - self.pending.len() as u64;
            self.retiring.push_back((number, retired.clone()));
        }
        if self.start_up == StartUp::Waiting && !self.roots.is_empty() {
            self.start_up = StartUp::FirstBatchSent;
        }
        // SVC-3.2: what disposed components registered goes with them; calls meant for after
        // this render follow it (SVC-2.5).
        for &component in &batch.disposed_component_ids {
            self.runtime.component_disposed(component);
        }
        self.produced += 1;
        let after = self.runtime.rendered();
        if !after.is_empty() {
            self.after_render.push_back((self.produced + 1, after));
        }
        self.metrics.batch_sent(bytes.len());
        // Its buffers serve the next batches (as ASP.NET Core's renderer reuses its builder's).
        self.renderer.recycle_batch(batch);
        Ok(Some((bytes, retired)))
    }

    fn release_event_handlers(&mut self, ids: &[u64]) {
        self.metrics.batch_acknowledged();
        let released: HashSet<u64> = ids.iter().copied().collect();
        let mut through = None;
        while let Some((number, retired)) = self.retiring.front() {
            if !retired.iter().all(|id| released.contains(id)) {
                break;
            }
            through = Some(*number);
            self.retiring.pop_front();
        }
        if let Some(through) = through {
            self.renderer.acknowledge_batches(through);
        }
    }

    fn acknowledged(&mut self, batch_id: i64) {
        // §6.5 (SRV-4.3): the Router's start-up calls run after the first batch was displayed.
        // Both go out together (captures/serverjs/counter; in other captures the second
        // followed the first's completion only by timing).
        if self.start_up == StartUp::FirstBatchSent {
            self.start_up = StartUp::Done;
            self.runtime.invoke_js_untracked(
                ENABLE_NAVIGATION_INTERCEPTION,
                json!([RENDERER_ID]),
                brasa_render::runtime::ResultKind::Json,
            );
            self.runtime.invoke_js_void(FOCUS_BY_SELECTOR, json!(["h1"]));
        }
        // SVC-2.5: then the after-render calls of the batches now displayed (InputFile.init got
        // handle 5, after the start-up calls' 3 and 4, in the recorded interop page).
        while self.after_render.front().is_some_and(|(id, _)| *id <= batch_id) {
            if let Some((_, calls)) = self.after_render.pop_front() {
                self.runtime.after_render(calls);
            }
        }
    }

    fn take_calls(&mut self) -> Vec<ServerCall> {
        self.runtime.take_calls()
    }
}

/// Creates a [`ConformanceApp`] per circuit.
pub struct ConformanceApps {
    /// The descriptor keys shared with the page handler.
    pub keys: Arc<Keys>,
    /// Counters.
    pub metrics: Arc<Metrics>,
}

impl AppFactory for ConformanceApps {
    type App = ConformanceApp;
    fn create(&mut self) -> ConformanceApp {
        ConformanceApp::new(self.keys.clone(), self.metrics.clone())
    }
}

/// Adds a root component to a renderer, with the circuit's runtime, and returns its id (see
/// [`pages::create`]).
pub type AddRoot = Box<dyn FnOnce(&mut Renderer, &Runtime) -> brasa_render::ComponentId>;

/// Adds a root component of type `C` (for [`pages::create`]).
pub fn adder<C: Component + Default>() -> AddRoot {
    Box::new(|renderer: &mut Renderer, _: &Runtime| renderer.add_root_component(C::default()))
}
