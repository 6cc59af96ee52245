//! The component model and the [`Renderer`]: components, their parameters, the render queue,
//! batches, event dispatch and disposal.

use std::any::Any;
use std::collections::VecDeque;

use brasa_protocol::render_batch::{BatchWriter, Diff, Edit, EncodeError, Frame, RenderBatch};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::bindings::{EventBinding, EventBindings};
use crate::builder::RenderTreeBuilder;
use crate::cascading::CascadingValue;
use crate::diff::{DiffBuilder, IntKey};
use crate::event::{ChangeValue, DispatchEventError, EventArgs, EventFieldInfo, NamedEventError, RenderError};
use crate::frame::{AttributeValue, ComponentId, ComponentType, EventHandler, FrameKind, RenderFragment, RenderFrame};
use crate::str::Str;

/// Access to a component as [`Any`], for event handlers and typed lookups. Implemented for
/// every type; you never implement it yourself.
pub trait AsAny: Any {
    /// `self` as `&dyn Any`.
    fn as_any(&self) -> &dyn Any;
    /// `self` as `&mut dyn Any`.
    fn as_any_mut(&mut self) -> &mut dyn Any;
}

impl<T: Any> AsAny for T {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

/// A component: state, parameters from its parent, and a render function (Blazor's
/// `ComponentBase` life cycle, synchronous).
///
/// * On creation and whenever its parent re-renders with parameters that may have changed, the
///   renderer calls [`Component::set_parameters`] and then queues a render.
/// * After one of its event handlers runs, it is queued for a render too.
/// * Rendering calls [`Component::render`]; the renderer diffs the result against the previous tree.
pub trait Component: AsAny + Send {
    /// Called once, when the renderer takes the component, with the id it gave it (Blazor's
    /// `IComponent.Attach(RenderHandle)`): a component that talks to services (interop,
    /// navigation, timers) keeps it to name itself. The default ignores it.
    fn attach(&mut self, component_id: ComponentId) {
        let _ = component_id;
    }

    /// Receives the parameters the parent supplied (`SetParametersAsync`). The default ignores them.
    fn set_parameters(&mut self, parameters: &ParameterView<'_>) {
        let _ = parameters;
    }

    /// Writes the component's render tree.
    fn render(&self, builder: &mut RenderTreeBuilder<'_>);

    /// Whether a requested re-render should happen (`ShouldRender`); the first render always does.
    fn should_render(&self) -> bool {
        true
    }
}

/// The parameters a parent passed to a child component: the attribute frames of its component
/// frame, in order.
#[derive(Clone, Copy, Default)]
pub struct ParameterView<'a> {
    frames: &'a [RenderFrame],
    /// The cascading values offered above the component, nearest first: (name, value).
    cascading: &'a [(Option<Str>, AttributeValue)],
}

impl<'a> ParameterView<'a> {
    /// No parameters.
    pub fn empty() -> Self {
        ParameterView {
            frames: &[],
            cascading: &[],
        }
    }

    /// The cascading value named `name` offered by the nearest [`CascadingValue`](crate::CascadingValue)
    /// above the component, or with `None` the nearest unnamed one (`[CascadingParameter]`,
    /// RT-2.7). Blazor also matches unnamed values by type; Brasa's values are untyped, so an
    /// unnamed parameter takes the nearest unnamed value.
    pub fn cascading(&self, name: Option<&str>) -> Option<&'a AttributeValue> {
        self.cascading
            .iter()
            .find(|(n, _)| n.as_deref() == name)
            .map(|(_, value)| value)
    }

    /// The parameters of the component frame at `tree[index]`.
    pub(crate) fn for_component(tree: &'a [RenderFrame], index: usize) -> Self {
        let end = index + tree[index].subtree_length() as usize;
        let mut last = index + 1;
        while last < end && matches!(tree[last].kind, FrameKind::Attribute { .. }) {
            last += 1;
        }
        ParameterView {
            frames: &tree[index + 1..last],
            cascading: &[],
        }
    }

    /// The parameters as (name, value), in the order the parent wrote them.
    pub fn iter(&self) -> impl Iterator<Item = (&'a str, &'a AttributeValue)> + 'a {
        self.frames.iter().filter_map(RenderFrame::attribute)
    }

    /// The number of parameters.
    pub fn len(&self) -> usize {
        self.frames.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    /// The value of the parameter `name`.
    pub fn get(&self, name: &str) -> Option<&'a AttributeValue> {
        self.iter().find(|(n, _)| *n == name).map(|(_, value)| value)
    }

    /// The string value of the parameter `name`.
    pub fn get_str(&self, name: &str) -> Option<Str> {
        match self.get(name)? {
            AttributeValue::String(text) => Some(text.clone()),
            _ => None,
        }
    }

    /// The boolean value of the parameter `name`.
    pub fn get_bool(&self, name: &str) -> Option<bool> {
        match self.get(name)? {
            AttributeValue::Bool(value) => Some(*value),
            _ => None,
        }
    }

    /// The render fragment passed as `name` (e.g. `ChildContent`).
    pub fn get_fragment(&self, name: &str) -> Option<RenderFragment> {
        match self.get(name)? {
            AttributeValue::Fragment(fragment) => Some(fragment.clone()),
            _ => None,
        }
    }

    /// The event handler (callback) passed as `name`.
    pub fn get_event_handler(&self, name: &str) -> Option<EventHandler> {
        match self.get(name)? {
            AttributeValue::EventHandler(handler) => Some(handler.clone()),
            _ => None,
        }
    }

    /// A typed value passed as `name` (an immutable value or any other object).
    pub fn get_value<T: Any>(&self, name: &str) -> Option<&'a T> {
        self.get(name)?.downcast_ref::<T>()
    }
}

/// One render batch: the diffs of the components that rendered (in render order), the
/// reference frames their edits point at, and what was disposed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Batch {
    /// One diff per component render, in the order the components rendered.
    pub updated_components: Vec<Diff<Str>>,
    /// The frames the edits refer to by index.
    pub reference_frames: Vec<Frame<Str>>,
    /// Components disposed in this batch, in disposal order.
    pub disposed_component_ids: Vec<ComponentId>,
    /// Event handler ids retired in this batch, in the order the diff met them.
    pub disposed_event_handler_ids: Vec<u64>,
    /// Named events (`@formname`) added and removed by this batch, in the order the diff met
    /// them. Not part of the batch's bytes: the renderer keeps its own record of them
    /// ([`Renderer::find_named_event`]).
    pub named_event_changes: Vec<NamedEventChange>,
}

/// Whether a named event was added or removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NamedEventChangeType {
    /// A named event frame was added (inserted, or matched at another index or with another name).
    Added,
    /// A named event frame was removed (or matched at another index or with another name).
    Removed,
}

/// A change to a named event (Blazor's `NamedEventChange`): where its frame is in the
/// component's tree (the new tree for an addition, the old one for a removal) and what it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedEventChange {
    /// Added or removed.
    pub change_type: NamedEventChangeType,
    /// The component whose tree holds the frame.
    pub component_id: ComponentId,
    /// The index of the named event frame in that tree.
    pub frame_index: usize,
    /// The event type, e.g. `onsubmit`.
    pub event_type: Str,
    /// The name the application gave it.
    pub assigned_name: Str,
}

impl Batch {
    /// The batch's bytes, as ASP.NET Core 10's `RenderBatchWriter` writes them (an error only
    /// for a batch too large for the format's int32 positions).
    pub fn encode(&self) -> Result<Vec<u8>, EncodeError> {
        let mut out = Vec::with_capacity(64 + 24 * self.reference_frames.len());
        self.encode_into(&mut out)?;
        Ok(out)
    }

    /// Appends the batch's bytes to `out`.
    pub fn encode_into(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        BatchWriter::new(out).write(
            &self.updated_components,
            &self.reference_frames,
            &self.disposed_component_ids,
            &self.disposed_event_handler_ids,
        )
    }

    /// The batch as the protocol crate's owned type.
    pub fn to_render_batch(&self) -> RenderBatch {
        RenderBatch {
            updated_components: self
                .updated_components
                .iter()
                .map(|diff| Diff {
                    component_id: diff.component_id,
                    edits: diff
                        .edits
                        .iter()
                        .cloned()
                        .map(|edit| edit.map_string(String::from))
                        .collect(),
                })
                .collect(),
            reference_frames: self
                .reference_frames
                .iter()
                .cloned()
                .map(|f| f.map_strings(String::from))
                .collect(),
            disposed_component_ids: self.disposed_component_ids.clone(),
            disposed_event_handler_ids: self.disposed_event_handler_ids.clone(),
        }
    }
}

/// At most this many recycled edit lists are kept.
const MAX_EDIT_BUFFERS: usize = 64;

/// The batch being assembled, with the render and disposal queues (`RenderBatchBuilder`).
#[derive(Default)]
pub(crate) struct BatchBuilder {
    pub(crate) updated_components: Vec<Diff<Str>>,
    pub(crate) reference_frames: Vec<Frame<Str>>,
    pub(crate) disposed_component_ids: Vec<ComponentId>,
    pub(crate) disposed_event_handler_ids: Vec<u64>,
    pub(crate) named_event_changes: Vec<NamedEventChange>,
    pub(crate) render_queue: VecDeque<ComponentId>,
    pub(crate) disposal_queue: VecDeque<ComponentId>,
    /// Emptied edit lists of recycled batches ([`Renderer::recycle_batch`]), for the next diffs.
    edit_buffers: Vec<Vec<Edit<Str>>>,
    /// Allocations of the integer key tables of earlier diffs.
    pub(crate) key_buffers: Vec<Vec<IntKey>>,
}

impl BatchBuilder {
    /// `DisposeFramesInRange`: queue the child components, retire the event handler ids and
    /// remove the named events found in the frames `start..end` of `component_id`'s tree
    /// `frames`, in order. Only the frames in the tree's `disposables` list ([`Tree`]) can hold
    /// any of these, so only the list is looked at, from `disposables[first]`, the first entry at
    /// or after `start`; returns the first entry after the range.
    pub(crate) fn dispose_frames(
        &mut self,
        component_id: ComponentId,
        frames: &[RenderFrame],
        disposables: &[Disposable],
        first: usize,
        end: usize,
    ) -> usize {
        let mut entry = first;
        while let Some(disposable) = disposables.get(entry) {
            if disposable.index >= end {
                break;
            }
            match disposable.what {
                Disposal::Component(component_id) => self.disposal_queue.push_back(component_id),
                Disposal::EventHandler(id) if id > 0 => self.disposed_event_handler_ids.push(id),
                Disposal::EventHandler(_) => {}
                Disposal::NamedEvent => {
                    self.named_event_change(NamedEventChangeType::Removed, component_id, frames, disposable.index)
                }
            }
            entry += 1;
        }
        entry
    }

    /// Records that the named event frame `frames[index]` of `component_id`'s tree was added or removed.
    #[cold]
    pub(crate) fn named_event_change(
        &mut self,
        change_type: NamedEventChangeType,
        component_id: ComponentId,
        frames: &[RenderFrame],
        index: usize,
    ) {
        if let Some((event_type, assigned_name)) = frames.get(index).and_then(|frame| match &frame.kind {
            FrameKind::NamedEvent {
                event_type,
                assigned_name,
            } => Some((event_type.clone(), assigned_name.clone())),
            _ => None,
        }) {
            self.named_event_changes.push(NamedEventChange {
                change_type,
                component_id,
                frame_index: index,
                event_type,
                assigned_name,
            });
        }
    }

    /// An empty edit list for a diff, reusing a recycled one's allocation if there is one.
    pub(crate) fn edit_buffer(&mut self) -> Vec<Edit<Str>> {
        self.edit_buffers.pop().unwrap_or_default()
    }

    /// Keeps the allocations of a batch the host is done with, for the next batches.
    fn recycle(&mut self, batch: Batch) {
        fn reuse<T>(current: &mut Vec<T>, mut recycled: Vec<T>) {
            if current.is_empty() && recycled.capacity() > current.capacity() {
                recycled.clear();
                *current = recycled;
            }
        }
        let Batch {
            mut updated_components,
            reference_frames,
            disposed_component_ids,
            disposed_event_handler_ids,
            named_event_changes: _,
        } = batch;
        for diff in updated_components.drain(..) {
            let mut edits = diff.edits;
            if edits.capacity() > 0 && self.edit_buffers.len() < MAX_EDIT_BUFFERS {
                edits.clear();
                self.edit_buffers.push(edits);
            }
        }
        reuse(&mut self.updated_components, updated_components);
        reuse(&mut self.reference_frames, reference_frames);
        reuse(&mut self.disposed_component_ids, disposed_component_ids);
        reuse(&mut self.disposed_event_handler_ids, disposed_event_handler_ids);
    }

    fn take_batch(&mut self) -> Batch {
        Batch {
            updated_components: std::mem::take(&mut self.updated_components),
            reference_frames: std::mem::take(&mut self.reference_frames),
            disposed_component_ids: std::mem::take(&mut self.disposed_component_ids),
            disposed_event_handler_ids: std::mem::take(&mut self.disposed_event_handler_ids),
            named_event_changes: std::mem::take(&mut self.named_event_changes),
        }
    }
}

/// A component's render tree: its frames, and the frames a disposal looks at (child
/// components and attributes whose value is an event handler), in order, with their ids, so
/// that disposing a subtree reads this list rather than every frame.
/// Up to this many frames a tree counts as small (see `render_in_existing_batch`).
const SMALL_TREE_FRAMES: usize = 64;

#[derive(Default)]
pub(crate) struct Tree {
    pub(crate) frames: Vec<RenderFrame>,
    pub(crate) disposables: Vec<Disposable>,
    /// The event handler attributes given an attribute they update
    /// ([`RenderTreeBuilder::set_updates_attribute_name`]): (frame index, attribute name), in order.
    pub(crate) updates_attribute_names: Vec<(usize, Str)>,
}

/// A frame a disposal looks at: `frames[index]`, and its id once the diff has given it one.
#[derive(Clone, Copy)]
pub(crate) struct Disposable {
    pub(crate) index: usize,
    pub(crate) what: Disposal,
}

#[derive(Clone, Copy)]
pub(crate) enum Disposal {
    /// An attribute whose value is an event handler, and its event handler id (0: none).
    EventHandler(u64),
    /// A child component, and its id.
    Component(ComponentId),
    /// A named event frame.
    NamedEvent,
}

impl Tree {
    /// Empties the tree, keeping its allocations.
    pub(crate) fn clear(&mut self) {
        self.frames.clear();
        self.disposables.clear();
        self.updates_attribute_names.clear();
    }

    /// `RenderTreeUpdater.UpdateToMatchClientState`: writes `value`, the browser's state of a
    /// form field, into the attribute that the handler with this event handler id updates, on
    /// its element; returns where a frame was inserted, if one was.
    ///
    // RT-3.4
    /// rule: the handler's attribute is the first in the tree with that id, its element the
    /// closest element frame before it. If the handler names no attribute it updates, nothing
    /// changes. The element's attribute of that name (ordinal) gets the value; if it has none,
    /// a new attribute frame with the system sequence number (`int.MinValue`) is inserted as the
    /// element's first attribute, unless the value is `false` (which writes no attribute), and the
    /// subtree lengths of the elements and regions containing it grow by one.
    fn update_to_match_client_state(&mut self, event_handler_id: u64, value: &ChangeValue) -> Option<usize> {
        let mut element = None;
        let mut handler = None;
        for (index, frame) in self.frames.iter().enumerate() {
            match &frame.kind {
                FrameKind::Element { .. } => element = Some(index),
                FrameKind::Attribute {
                    event_handler_id: id, ..
                } if *id == event_handler_id => {
                    handler = Some(index);
                    break;
                }
                _ => {}
            }
        }
        let handler = handler?;
        let position = self
            .updates_attribute_names
            .binary_search_by_key(&handler, |(index, _)| *index);
        let name = self.updates_attribute_names[position.ok()?].1.clone();
        let element = element.filter(|_| !name.is_empty())?;
        let value = match value {
            ChangeValue::String(text) => AttributeValue::String(Str::from(text.clone())),
            ChangeValue::Bool(flag) => AttributeValue::Bool(*flag),
        };
        let end = element + self.frames[element].subtree_length() as usize;
        for frame in &mut self.frames[element + 1..end] {
            match &mut frame.kind {
                FrameKind::Attribute {
                    name: existing,
                    value: slot,
                    ..
                } => {
                    if *existing == name {
                        *slot = value;
                        return None;
                    }
                }
                _ => break,
            }
        }
        if matches!(value, AttributeValue::Bool(false)) {
            return None;
        }
        let at = element + 1;
        let frame = RenderFrame {
            sequence: i64::from(i32::MIN),
            kind: FrameKind::Attribute {
                name,
                value,
                event_handler_id: 0,
            },
        };
        self.frames.insert(at, frame);
        for (index, frame) in self.frames[..=element].iter_mut().enumerate() {
            if let FrameKind::Element { subtree_length, .. } | FrameKind::Region { subtree_length } = &mut frame.kind
                && index + *subtree_length as usize > element
            {
                *subtree_length += 1;
            }
        }
        // Frames from `at` on moved one place on.
        for frame in &mut self.frames[at..] {
            if let FrameKind::ComponentReferenceCapture { parent_frame_index, .. } = &mut frame.kind {
                if *parent_frame_index >= at {
                    *parent_frame_index += 1;
                }
            }
        }
        for disposable in &mut self.disposables {
            if disposable.index >= at {
                disposable.index += 1;
            }
        }
        for (index, _) in &mut self.updates_attribute_names {
            if *index >= at {
                *index += 1;
            }
        }
        Some(at)
    }

    /// Copies the ids the diff gave into the disposables list.
    pub(crate) fn note_ids(&mut self) {
        for disposable in &mut self.disposables {
            disposable.what = match &self.frames[disposable.index].kind {
                FrameKind::Component { component_id, .. } => Disposal::Component(*component_id),
                FrameKind::Attribute { event_handler_id, .. } => Disposal::EventHandler(*event_handler_id),
                FrameKind::NamedEvent { .. } => Disposal::NamedEvent,
                _ => Disposal::EventHandler(0),
            };
        }
    }
}

struct ComponentState {
    component: Box<dyn Component>,
    parent: Option<ComponentId>,
    current_tree: Tree,
    /// The tree before the current one, kept for its allocations: emptied when the batch of
    /// that render is recycled, or else when the next render reuses it (as ASP.NET Core's
    /// renderer clears its previous tree only when it renders the component again).
    spare_tree: Tree,
    has_pending_render: bool,
    has_never_rendered: bool,
}

/// The renderer: owns the components, queues their renders, diffs them into batches and
/// dispatches events. Sans-IO: the host feeds it events and takes its batches.
///
/// ```
/// use brasa_render::{Component, EventArgs, EventHandler, Renderer, RenderTreeBuilder};
///
/// #[derive(Default)]
/// struct Counter { count: i32 }
///
/// impl Component for Counter {
///     fn render(&self, b: &mut RenderTreeBuilder<'_>) {
///         b.open_element(0, "button");
///         b.add_attribute(1, "onclick", EventHandler::new(|c: &mut Counter, _: &EventArgs| c.count += 1));
///         b.add_content(2, self.count.to_string());
///         b.close_element();
///     }
/// }
///
/// let mut renderer = Renderer::new();
/// let root = renderer.add_root_component(Counter::default());
/// let first = renderer.render_root_component(root).unwrap().unwrap();
/// assert_eq!(first.updated_components[0].component_id, root);
/// let after_click = renderer.dispatch_event(1, &EventArgs::Empty).unwrap().unwrap();
/// assert_eq!(after_click.updated_components[0].edits.len(), 3); // StepIn, UpdateText, StepOut
/// assert_eq!(renderer.component::<Counter>(root).unwrap().count, 1);
/// ```
pub struct Renderer {
    components: FxHashMap<ComponentId, ComponentState>,
    next_component_id: ComponentId,
    last_event_handler_id: u64,
    event_bindings: EventBindings,
    event_handler_id_replacements: FxHashMap<u64, u64>,
    next_element_reference_id: u64,
    pub(crate) batch: BatchBuilder,
    faulted: bool,
    defer_retirement: bool,
    batches_produced: u64,
    pending_retirements: VecDeque<(u64, Vec<u64>)>,
    /// The live named events: (component id, frame index) → (event type, assigned name).
    named_events: FxHashMap<(ComponentId, usize), (Str, Str)>,
    /// Live `CascadingValue` components (RT-2.7); none: no ancestor walk at all.
    cascading_providers: usize,
    /// Each provider's subscribers: the components below it given its value.
    cascading_subscribers: FxHashMap<ComponentId, FxHashSet<ComponentId>>,
}

impl Default for Renderer {
    fn default() -> Self {
        Self::new()
    }
}

impl Renderer {
    /// An empty renderer.
    pub fn new() -> Self {
        Renderer {
            components: FxHashMap::default(),
            next_component_id: 0,
            last_event_handler_id: 0,
            event_bindings: EventBindings::default(),
            event_handler_id_replacements: FxHashMap::default(),
            next_element_reference_id: 0,
            batch: BatchBuilder::default(),
            faulted: false,
            defer_retirement: false,
            batches_produced: 0,
            pending_retirements: VecDeque::new(),
            named_events: FxHashMap::default(),
            cascading_providers: 0,
            cascading_subscribers: FxHashMap::default(),
        }
    }

    /// Keeps the event handler ids a batch retires working until the host acknowledges the
    /// batch ([`Self::acknowledge_batches`]), as Blazor Server does: the browser may still
    /// report events for them until it has applied the batch. Off by default (retired at once,
    /// as Blazor WebAssembly does).
    ///
    /// rule: the event handler ids a batch retires are removed when the batch's display update
    /// completes (immediately in process; when the client acknowledges it over a circuit).
    pub fn set_deferred_event_handler_retirement(&mut self, defer: bool) {
        self.defer_retirement = defer;
    }

    /// The number of batches produced so far; the last batch's number (the first is 1).
    pub fn batches_produced(&self) -> u64 {
        self.batches_produced
    }

    /// Retires the event handler ids of every batch numbered `through` or lower (with deferred
    /// retirement on; see [`Self::set_deferred_event_handler_retirement`]).
    pub fn acknowledge_batches(&mut self, through: u64) {
        while let Some((number, _)) = self.pending_retirements.front() {
            if *number > through {
                break;
            }
            let (_, ids) = self.pending_retirements.pop_front().unwrap_or_default();
            self.retire_event_handler_ids(&ids);
        }
    }

    fn retire_event_handler_ids(&mut self, ids: &[u64]) {
        self.event_bindings.remove_all(ids);
        if !self.event_handler_id_replacements.is_empty() {
            for id in ids {
                self.event_handler_id_replacements.remove(id);
            }
        }
    }

    /// Adds a root component (`AddRootComponent`) and returns its id; nothing renders yet.
    pub fn add_root_component<C: Component>(&mut self, component: C) -> ComponentId {
        self.attach(Box::new(component), None)
    }

    fn attach(&mut self, mut component: Box<dyn Component>, parent: Option<ComponentId>) -> ComponentId {
        // RT-2.1
        // rule: component ids are allocated in creation order, from 0, and never reused.
        let id = self.next_component_id;
        self.next_component_id += 1;
        component.attach(id);
        if component.as_ref().as_any().is::<CascadingValue>() {
            self.cascading_providers += 1;
        }
        self.components.insert(
            id,
            ComponentState {
                component,
                parent,
                current_tree: Tree::default(),
                spare_tree: Tree::default(),
                has_pending_render: false,
                has_never_rendered: true,
            },
        );
        id
    }

    /// Supplies a root component's (empty) parameters and processes the render queue
    /// (`RenderRootComponentAsync`): the batch of its first render and its children's.
    pub fn render_root_component(&mut self, component_id: ComponentId) -> Result<Option<Batch>, RenderError> {
        self.check_not_faulted()?;
        if !self.components.contains_key(&component_id) {
            return Err(RenderError::UnknownComponent(component_id));
        }
        self.set_child_parameters(component_id, ParameterView::empty());
        self.process_render_queue()
    }

    /// Removes a root component: it and all its descendants are disposed in the returned batch.
    pub fn remove_root_component(&mut self, component_id: ComponentId) -> Result<Option<Batch>, RenderError> {
        self.check_not_faulted()?;
        match self.components.get(&component_id) {
            Some(state) if state.parent.is_none() => {}
            _ => return Err(RenderError::UnknownComponent(component_id)),
        }
        self.batch.disposal_queue.push_back(component_id);
        self.process_render_queue()
    }

    /// Asks for a component to be re-rendered (`StateHasChanged`): queued unless already queued
    /// or its [`Component::should_render`] says no. Call [`Self::process_render_queue`] to render.
    pub fn state_has_changed(&mut self, component_id: ComponentId) -> Result<(), RenderError> {
        if !self.components.contains_key(&component_id) {
            return Err(RenderError::UnknownComponent(component_id));
        }
        self.queue_render(component_id);
        Ok(())
    }

    /// The component with this id, if it exists and is a `C`.
    pub fn component<C: Component>(&self, component_id: ComponentId) -> Option<&C> {
        self.components
            .get(&component_id)?
            .component
            .as_ref()
            .as_any()
            .downcast_ref::<C>()
    }

    /// Runs `f` on the component (for state changes from outside: timers, pushes). Does not
    /// queue a render; call [`Self::state_has_changed`].
    pub fn with_component<C: Component, R>(
        &mut self,
        component_id: ComponentId,
        f: impl FnOnce(&mut C) -> R,
    ) -> Result<R, RenderError> {
        let state = self
            .components
            .get_mut(&component_id)
            .ok_or(RenderError::UnknownComponent(component_id))?;
        let component =
            state
                .component
                .as_mut()
                .as_any_mut()
                .downcast_mut::<C>()
                .ok_or(RenderError::ComponentTypeMismatch {
                    component_id,
                    expected: std::any::type_name::<C>(),
                })?;
        Ok(f(component))
    }

    /// Runs `f` on the component, whatever its type (for continuations registered by the
    /// component itself, which know its type). Does not queue a render.
    pub fn with_component_dyn<R>(
        &mut self,
        component_id: ComponentId,
        f: impl FnOnce(&mut dyn Any) -> R,
    ) -> Result<R, RenderError> {
        let state = self
            .components
            .get_mut(&component_id)
            .ok_or(RenderError::UnknownComponent(component_id))?;
        Ok(f(state.component.as_mut().as_any_mut()))
    }

    /// The component an event handler id's handler runs on (its receiver, or the component
    /// that rendered it), while the id is live.
    pub fn event_handler_receiver(&self, event_handler_id: u64) -> Option<ComponentId> {
        let binding = self.event_bindings.get(event_handler_id)?;
        Some(binding.handler.receiver().unwrap_or(binding.rendered_by))
    }

    /// The parent of a component (`None` for a root component or an unknown id).
    pub fn parent_of(&self, component_id: ComponentId) -> Option<ComponentId> {
        self.components.get(&component_id)?.parent
    }

    /// The number of live components.
    pub fn component_count(&self) -> usize {
        self.components.len()
    }

    /// The component's current render tree.
    pub fn current_render_tree(&self, component_id: ComponentId) -> Option<&[RenderFrame]> {
        Some(&self.components.get(&component_id)?.current_tree.frames)
    }

    /// Whether an event handler id is live (given and not yet retired).
    pub fn has_event_handler(&self, event_handler_id: u64) -> bool {
        self.event_bindings.get(event_handler_id).is_some()
    }

    /// The number of live event handler ids.
    pub fn event_handler_count(&self) -> usize {
        self.event_bindings.len()
    }

    /// The newest id in the chain of handlers that replaced this one on the same attribute
    /// (`FindLatestEventHandlerIdInChain`), while the replaced ids are still live.
    pub fn latest_event_handler_id(&self, mut event_handler_id: u64) -> u64 {
        while let Some(&next) = self.event_handler_id_replacements.get(&event_handler_id) {
            event_handler_id = next;
        }
        event_handler_id
    }

    /// Runs the handler with this event handler id on its receiver component, queues the
    /// receiver's re-render, and returns the batch the render queue produced (`DispatchEventAsync`).
    ///
    /// rule: an id that was never given, or was retired by an earlier batch, is an error; an id
    /// still live whose rendering component has been disposed is silently ignored (possible with
    /// deferred retirement).
    pub fn dispatch_event(
        &mut self,
        event_handler_id: u64,
        args: &EventArgs,
    ) -> Result<Option<Batch>, DispatchEventError> {
        self.dispatch_event_with_field_info(event_handler_id, None, args)
    }

    /// [`Self::dispatch_event`] for an event the browser reported with the state of the form
    /// field it happened on (the event descriptor's `eventFieldInfo`): before the handler runs,
    /// the field's value is written into the component's current render tree, into the
    /// attribute the handler updates ([`RenderTreeBuilder::set_updates_attribute_name`]), so that
    /// the render that follows sends that attribute only if the component renders another value
    /// than the one the browser already shows.
    ///
    // RT-3.4
    /// rule: the tree patched is that of the field info's component (nothing if there is none);
    /// the handler looked for is the newest in the chain of handlers that replaced this id on
    /// the same attribute. The patch comes after the checks of the id, before the handler runs.
    pub fn dispatch_event_with_field_info(
        &mut self,
        event_handler_id: u64,
        field_info: Option<&EventFieldInfo>,
        args: &EventArgs,
    ) -> Result<Option<Batch>, DispatchEventError> {
        self.check_not_faulted()?;
        let Some(binding) = self.event_bindings.get(event_handler_id) else {
            return Err(
                if event_handler_id > 0 && event_handler_id <= self.last_event_handler_id {
                    DispatchEventError::RetiredEventHandler(event_handler_id)
                } else {
                    DispatchEventError::UnknownEventHandler(event_handler_id)
                },
            );
        };
        if !self.components.contains_key(&binding.rendered_by) {
            return Ok(None);
        }
        let handler = binding.handler.clone();
        let receiver = handler.receiver().unwrap_or(binding.rendered_by);
        if let Some(info) = field_info {
            let latest = self.latest_event_handler_id(event_handler_id);
            self.update_tree_to_match_client_state(latest, info);
        }
        let Some(state) = self.components.get_mut(&receiver) else {
            return Ok(None);
        };
        if let Err(expected) = handler.invoke(state.component.as_mut().as_any_mut(), args) {
            return Err(DispatchEventError::ReceiverTypeMismatch {
                event_handler_id,
                component_id: receiver,
                expected,
            });
        }
        // rule: after a handler runs, its receiver (a ComponentBase) calls StateHasChanged.
        self.queue_render(receiver);
        Ok(self.process_render_queue()?)
    }

    /// Gives back a batch the host is done with (encoded and sent): its allocations are reused
    /// for the next batches instead of being allocated again, as ASP.NET Core's renderer reuses
    /// its batch builder's buffers. Optional; dropping the batch instead is fine.
    pub fn recycle_batch(&mut self, batch: Batch) {
        // The trees these renders replaced are no longer needed: empty them now rather than
        // when the components render again.
        for diff in &batch.updated_components {
            if let Some(state) = self.components.get_mut(&diff.component_id) {
                state.spare_tree.clear();
            }
        }
        self.batch.recycle(batch);
    }

    /// Renders every queued component (and the children they queue) into one batch
    /// (`ProcessRenderQueue`). `None` when there was nothing to do.
    ///
    // RT-2.2
    /// rule: the queue is first in, first out: a component's new or changed children are queued
    /// while its diff runs, in the order the diff meets them, and render after everything queued
    /// before them. Components disposed by a render are disposed right after it.
    pub fn process_render_queue(&mut self) -> Result<Option<Batch>, RenderError> {
        self.check_not_faulted()?;
        if self.batch.render_queue.is_empty() {
            if self.batch.disposal_queue.is_empty() {
                return Ok(None);
            }
            self.process_disposal_queue();
        }
        while let Some(component_id) = self.batch.render_queue.pop_front() {
            if let Err(error) = self.render_in_existing_batch(component_id) {
                self.faulted = true;
                return Err(error);
            }
        }
        let batch = self.batch.take_batch();
        self.batches_produced += 1;
        if !batch.named_event_changes.is_empty() {
            self.track_named_events(&batch.named_event_changes);
        }
        if self.defer_retirement {
            self.pending_retirements
                .push_back((self.batches_produced, batch.disposed_event_handler_ids.clone()));
        } else {
            self.retire_event_handler_ids(&batch.disposed_event_handler_ids);
        }
        Ok(Some(batch))
    }

    /// `UpdateRenderTreeToMatchClientState`.
    fn update_tree_to_match_client_state(&mut self, event_handler_id: u64, info: &EventFieldInfo) {
        let Some(state) = self.components.get_mut(&info.component_id) else {
            return;
        };
        if let Some(at) = state
            .current_tree
            .update_to_match_client_state(event_handler_id, &info.field_value)
        {
            // The frames of the tree from `at` on moved one place on: so did its named events.
            let component_id = info.component_id;
            let moved: Vec<_> = self
                .named_events
                .keys()
                .filter(|&&(id, index)| id == component_id && index >= at)
                .copied()
                .collect();
            let mut entries: Vec<_> = moved
                .into_iter()
                .filter_map(|key| self.named_events.remove_entry(&key))
                .collect();
            for ((_, index), _) in &mut entries {
                *index += 1;
            }
            self.named_events.extend(entries);
        }
    }

    /// Applies a batch's named event changes to the record of live named events: removals
    /// first, then additions (as ASP.NET Core's endpoint renderer does), so that a frame that
    /// moved within a batch is found at its new index.
    fn track_named_events(&mut self, changes: &[NamedEventChange]) {
        for change in changes {
            if change.change_type == NamedEventChangeType::Removed {
                self.named_events.remove(&(change.component_id, change.frame_index));
            }
        }
        for change in changes {
            if change.change_type == NamedEventChangeType::Added {
                let location = (change.component_id, change.frame_index);
                let named = (change.event_type.clone(), change.assigned_name.clone());
                self.named_events.insert(location, named);
            }
        }
    }

    /// The event handler id that the named event `assigned_name` of type `event_type` (e.g.
    /// `onsubmit`, as `@formname` names a form's submit event) dispatches to: the id of the
    /// attribute of that event type on the element holding the named event frame, or `None` if
    /// the element has no such handler (Blazor then dispatches nothing).
    ///
    // RT-1.8
    /// rule: a name that no live named event of that type has, or that more than one has, is an
    /// error (ASP.NET Core answers a form post naming it with 400 Bad Request, and throws,
    /// respectively). The handler is the element's attribute whose name equals the event type
    /// ignoring ASCII case and that has an event handler id.
    pub fn find_named_event(&self, event_type: &str, assigned_name: &str) -> Result<Option<u64>, NamedEventError> {
        let mut locations: Vec<(ComponentId, usize)> = self
            .named_events
            .iter()
            .filter(|(_, (kind, name))| &**kind == event_type && &**name == assigned_name)
            .map(|(&location, _)| location)
            .collect();
        locations.sort_unstable();
        let (component_id, frame_index) = match locations[..] {
            [] => {
                return Err(NamedEventError::NotFound {
                    event_type: event_type.to_owned(),
                    assigned_name: assigned_name.to_owned(),
                });
            }
            [location] => location,
            _ => {
                return Err(NamedEventError::Ambiguous {
                    event_type: event_type.to_owned(),
                    assigned_name: assigned_name.to_owned(),
                    component_ids: locations.iter().map(|&(component_id, _)| component_id).collect(),
                });
            }
        };
        let frames = self.current_render_tree(component_id).unwrap_or_default();
        // Back from the named event frame to its element: the element's attributes come first.
        for frame in frames[..frame_index.min(frames.len())].iter().rev() {
            match &frame.kind {
                FrameKind::Attribute {
                    name, event_handler_id, ..
                } if *event_handler_id > 0 && name.eq_ignore_ascii_case(event_type) => {
                    return Ok(Some(*event_handler_id));
                }
                FrameKind::Element { .. } => break,
                _ => {}
            }
        }
        Ok(None)
    }

    fn check_not_faulted(&self) -> Result<(), RenderError> {
        if self.faulted {
            Err(RenderError::Faulted)
        } else {
            Ok(())
        }
    }

    /// `ComponentBase.StateHasChanged`.
    fn queue_render(&mut self, component_id: ComponentId) {
        let Some(state) = self.components.get_mut(&component_id) else {
            return;
        };
        if state.has_pending_render {
            return;
        }
        if state.has_never_rendered || state.component.should_render() {
            state.has_pending_render = true;
            self.batch.render_queue.push_back(component_id);
        }
    }

    /// Gives a component new parameters (`SetDirectParameters`) and queues its render.
    pub(crate) fn set_child_parameters(&mut self, component_id: ComponentId, parameters: ParameterView<'_>) {
        // RT-2.7: the values the CascadingValue components above offer, nearest first; each
        // provider remembers the component as a subscriber.
        let mut cascading = Vec::new();
        if self.cascading_providers > 0 {
            let mut ancestor = self.components.get(&component_id).and_then(|s| s.parent);
            while let Some(id) = ancestor {
                let Some(state) = self.components.get(&id) else { break };
                if let Some(provider) = state.component.as_ref().as_any().downcast_ref::<CascadingValue>()
                    && let Some(value) = provider.value()
                {
                    cascading.push((provider.name.clone(), value.clone()));
                    self.cascading_subscribers.entry(id).or_default().insert(component_id);
                }
                ancestor = state.parent;
            }
        }
        let parameters = ParameterView {
            frames: parameters.frames,
            cascading: &cascading,
        };
        let Some(state) = self.components.get_mut(&component_id) else {
            return;
        };
        state.component.set_parameters(&parameters);
        // RT-2.7: a provider whose value changed gives its subscribers their parameters again.
        let changed = state
            .component
            .as_mut()
            .as_any_mut()
            .downcast_mut::<CascadingValue>()
            .is_some_and(|provider| std::mem::take(&mut provider.changed));
        self.queue_render(component_id);
        if changed {
            let subscribers: Vec<ComponentId> = self
                .cascading_subscribers
                .get(&component_id)
                .map(|s| s.iter().copied().collect())
                .unwrap_or_default();
            for subscriber in subscribers {
                self.resupply_parameters(subscriber);
            }
        }
    }

    /// Gives a component the parameters its parent's current tree has for it again, with the
    /// cascading values as they are now.
    fn resupply_parameters(&mut self, component_id: ComponentId) {
        let Some(parent) = self.components.get(&component_id).and_then(|s| s.parent) else {
            return;
        };
        let Some(parent_state) = self.components.get_mut(&parent) else {
            return;
        };
        // The parent's tree is borrowed while the child gets its parameters: take it out.
        let tree = std::mem::take(&mut parent_state.current_tree.frames);
        if let Some(index) = tree.iter().position(|f| f.component_id() == Some(component_id)) {
            self.set_child_parameters(component_id, ParameterView::for_component(&tree, index));
        }
        if let Some(parent_state) = self.components.get_mut(&parent) {
            parent_state.current_tree.frames = tree;
        }
    }

    pub(crate) fn instantiate_child(&mut self, component_type: ComponentType, parent: ComponentId) -> ComponentId {
        self.attach(component_type.create(), Some(parent))
    }

    // RT-3.1
    /// rule: event handler ids count up from 1 across the renderer's life, one per handler
    /// attribute initialized, in the order the diff initializes them.
    pub(crate) fn assign_event_handler_id(&mut self, rendered_by: ComponentId, handler: &EventHandler) -> u64 {
        self.last_event_handler_id += 1;
        let id = self.last_event_handler_id;
        self.event_bindings.insert(
            id,
            EventBinding {
                rendered_by,
                handler: handler.clone(),
            },
        );
        id
    }

    pub(crate) fn track_replaced_event_handler_id(&mut self, old: u64, new: u64) {
        self.event_handler_id_replacements.insert(old, new);
    }

    // RT-4.5
    pub(crate) fn new_element_reference_id(&mut self) -> Str {
        self.next_element_reference_id += 1;
        Str::from(format!("brasa-{}", self.next_element_reference_id))
    }

    /// `RenderInExistingBatch`: render one queued component, diff it, then dispose what it removed.
    fn render_in_existing_batch(&mut self, component_id: ComponentId) -> Result<(), RenderError> {
        // rule: a component disposed after it was queued does not render.
        let Some(state) = self.components.get_mut(&component_id) else {
            return Ok(());
        };
        state.has_pending_render = false;
        state.has_never_rendered = false;
        let mut new_tree = std::mem::take(&mut state.spare_tree);
        new_tree.clear();
        let mut builder = RenderTreeBuilder::for_tree(&mut new_tree, component_id);
        state.component.render(&mut builder);
        builder
            .finish()
            .map_err(|error| RenderError::InvalidRenderTree { component_id, error })?;
        let old_tree = std::mem::take(&mut state.current_tree);

        let mut diff = DiffBuilder::new(self, component_id, &old_tree);
        let result = diff.diff_trees(&old_tree.frames, &mut new_tree.frames);
        let edits = diff.into_edits();
        new_tree.note_ids();
        // A small tree keeps no spare capacity: most components of an idle circuit are small
        // and rendered once, and their memory is what an idle circuit costs. Large trees keep
        // theirs, to be reused by the next render.
        if new_tree.frames.capacity() <= SMALL_TREE_FRAMES {
            new_tree.frames.shrink_to_fit();
            new_tree.disposables.shrink_to_fit();
        }
        if let Some(state) = self.components.get_mut(&component_id) {
            state.current_tree = new_tree;
            state.spare_tree = old_tree;
        }
        // RT-2.4: every render adds its diff, even one without edits.
        self.batch.updated_components.push(Diff { component_id, edits });
        result?;
        self.process_disposal_queue();
        Ok(())
    }

    /// `ProcessDisposalQueueInExistingBatch`.
    ///
    // RT-2.6, RT-3.3
    /// rule: a disposed component's own tree is disposed too (its children queued behind, its
    /// event handler ids retired), then its id is listed in the batch's disposed component ids.
    fn process_disposal_queue(&mut self) {
        while let Some(component_id) = self.batch.disposal_queue.pop_front() {
            let Some(state) = self.components.remove(&component_id) else {
                continue;
            };
            let tree = &state.current_tree;
            self.batch
                .dispose_frames(component_id, &tree.frames, &tree.disposables, 0, tree.frames.len());
            if state.component.as_ref().as_any().is::<CascadingValue>() {
                self.cascading_providers -= 1;
                self.cascading_subscribers.remove(&component_id);
            }
            if self.cascading_providers > 0 {
                for subscribers in self.cascading_subscribers.values_mut() {
                    subscribers.remove(&component_id);
                }
            }
            drop(state);
            self.batch.disposed_component_ids.push(component_id);
        }
    }
}
