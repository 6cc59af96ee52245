//! [`RenderTreeBuilder`]: how a component writes its render tree, call by call, as
//! Razor-compiled code drives Blazor's `RenderTreeBuilder`.

use std::sync::Arc;

use brasa_protocol::render_batch::FrameType;
use rustc_hash::FxHashMap;

use crate::frame::{
    AttributeValue, ComponentId, ComponentType, ElementReference, FrameKind, Key, RenderFragment, RenderFrame,
};
use crate::renderer::{Component, Disposable, Disposal, Tree};
use crate::str::Str;

/// A misuse of the builder (Blazor throws `InvalidOperationException` for these). The builder
/// records the first one and ignores the call; the render then fails with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    /// An attribute after something other than an element, a component, or their attributes.
    #[error("attributes may only be added immediately after an element or a component (attribute {name:?})")]
    MisplacedAttribute {
        /// The attribute's name.
        name: String,
    },
    /// A component parameter after something other than a component or its parameters.
    #[error("component parameters may only be added immediately after a component (parameter {name:?})")]
    MisplacedParameter {
        /// The parameter's name.
        name: String,
    },
    /// A close call that does not match the innermost open frame.
    #[error("{called} does not match the innermost open frame ({open:?})")]
    MismatchedClose {
        /// The method called.
        called: &'static str,
        /// The innermost open frame's type, if any.
        open: Option<FrameType>,
    },
    /// A key outside an element or component.
    #[error("a key can only be set on the innermost open element or component")]
    MisplacedKey,
    /// A reference capture outside the frame type it captures.
    #[error("a {0:?} frame can only be a child of the frame it captures")]
    MisplacedReferenceCapture(FrameType),
    /// A named event outside an element (`AddNamedEvent` with no enclosing element).
    #[error("named events may only be added as children of an element (event {event_type:?})")]
    MisplacedNamedEvent {
        /// The event type.
        event_type: String,
    },
    /// A named event with an empty assigned name.
    #[error("a named event needs a non-empty assigned name (event {event_type:?})")]
    EmptyNamedEventName {
        /// The event type.
        event_type: String,
    },
    /// `set_updates_attribute_name` not right after an attribute frame.
    #[error("the attribute an event updates ({name:?}) can only be given right after an attribute")]
    MisplacedUpdatesAttributeName {
        /// The attribute name given.
        name: String,
    },
    /// The render ended with frames still open.
    #[error("the render left a {0:?} frame unclosed")]
    Unclosed(FrameType),
}

#[cold]
#[inline(never)]
fn push_growing(frames: &mut Vec<RenderFrame>, frame: RenderFrame) {
    frames.push(frame);
}

/// Writes frames into a render tree. Each call mirrors a `RenderTreeBuilder` method of Blazor,
/// with the same sequence-number discipline: a sequence number identifies a position in the
/// component's code (fixed, increasing through the template; a loop repeats its numbers).
pub struct RenderTreeBuilder<'a> {
    frames: &'a mut Vec<RenderFrame>,
    /// The renderer's list of the frames a disposal looks at ([`Tree`]).
    disposables: Option<&'a mut Vec<Disposable>>,
    /// The renderer's list of the event handler attributes that update another attribute ([`Tree`]).
    updates_attribute_names: Option<&'a mut Vec<(usize, Str)>>,
    open: Vec<usize>,
    last_non_attribute: Option<FrameType>,
    receiver: ComponentId,
    error: Option<BuildError>,
    /// Whether `add_multiple_attributes` was called since the last duplicate pass.
    multiple_attributes: bool,
    /// The duplicate pass's attribute names (folded for a comparison ignoring case) and where
    /// each was last seen; also the names of attributes written as no frame since
    /// `add_multiple_attributes` (null and `false`), with the index the next frame would have.
    seen_attribute_names: Option<Box<FxHashMap<String, usize>>>,
}

/// An attribute name as .NET's `OrdinalIgnoreCase` compares it: each character by its simple
/// upper-case mapping.
fn fold_case(name: &str) -> String {
    name.chars()
        .map(|c| {
            let mut upper = c.to_uppercase();
            match (upper.next(), upper.next()) {
                (Some(single), None) => single,
                _ => c,
            }
        })
        .collect()
}

impl<'a> RenderTreeBuilder<'a> {
    /// A builder appending to `frames`, for the component `receiver`: event handlers and render
    /// fragments added without a receiver are bound to it.
    pub fn new(frames: &'a mut Vec<RenderFrame>, receiver: ComponentId) -> Self {
        RenderTreeBuilder {
            frames,
            disposables: None,
            updates_attribute_names: None,
            open: Vec::new(),
            last_non_attribute: None,
            receiver,
            error: None,
            multiple_attributes: false,
            seen_attribute_names: None,
        }
    }

    /// A builder appending to a component's tree, listing its child components and event
    /// handler attributes as it goes.
    pub(crate) fn for_tree(tree: &'a mut Tree, receiver: ComponentId) -> Self {
        RenderTreeBuilder {
            frames: &mut tree.frames,
            disposables: Some(&mut tree.disposables),
            updates_attribute_names: Some(&mut tree.updates_attribute_names),
            open: Vec::new(),
            last_non_attribute: None,
            receiver,
            error: None,
            multiple_attributes: false,
            seen_attribute_names: None,
        }
    }

    /// Notes that `frames[index]` is one a disposal looks at.
    #[inline(always)]
    fn note_disposable(&mut self, index: usize, what: Disposal) {
        if let Some(disposables) = &mut self.disposables {
            disposables.push(Disposable { index, what });
        }
    }

    /// The component that event handlers added now run on.
    pub fn receiver(&self) -> ComponentId {
        self.receiver
    }

    /// The frames written so far.
    pub fn frames(&self) -> &[RenderFrame] {
        self.frames
    }

    /// Ends the tree: an error if a call was misused or a frame is still open.
    pub fn finish(self) -> Result<(), BuildError> {
        if let Some(error) = self.error {
            return Err(error);
        }
        match self.open.last() {
            Some(&index) => Err(BuildError::Unclosed(self.frames[index].frame_type())),
            None => Ok(()),
        }
    }

    #[cold]
    #[inline(never)]
    fn fail(&mut self, error: BuildError) {
        if self.error.is_none() {
            self.error = Some(error);
        }
    }

    #[inline(always)]
    fn push(&mut self, sequence: i32, kind: FrameKind) {
        let frame = RenderFrame {
            sequence: sequence as i64,
            kind,
        };
        // With room in the vector, no call comes between building the frame and storing it, so
        // the compiler can write it in place.
        if self.frames.len() < self.frames.capacity() {
            self.frames.push(frame);
        } else {
            push_growing(self.frames, frame);
        }
    }

    #[inline(always)]
    fn open_frame(&mut self, sequence: i32, kind: FrameKind, frame_type: FrameType) {
        if self.multiple_attributes {
            self.duplicate_pass_before_child();
        }
        let index = self.frames.len();
        self.push(sequence, kind);
        self.open.push(index);
        self.last_non_attribute = Some(frame_type);
    }

    // RT-1.1: closes must match opens; the subtree length is counted here.
    #[inline(always)]
    fn close_frame(&mut self, called: &'static str, expected: FrameType) {
        let open = self.open.last().map(|&index| self.frames[index].frame_type());
        if open != Some(expected) {
            self.fail(BuildError::MismatchedClose { called, open });
            return;
        }
        let index = self.open.pop().unwrap_or_default();
        if self.multiple_attributes && expected != FrameType::Region {
            self.duplicate_pass_on_close(index);
        }
        let length = (self.frames.len() - index) as i32;
        match &mut self.frames[index].kind {
            FrameKind::Element { subtree_length, .. }
            | FrameKind::Component { subtree_length, .. }
            | FrameKind::Region { subtree_length } => *subtree_length = length,
            _ => {}
        }
    }

    /// `OpenElement`: an element; its attributes, then its children, then [`Self::close_element`].
    #[inline(always)]
    pub fn open_element(&mut self, sequence: i32, name: impl Into<Str>) {
        let kind = FrameKind::Element {
            name: name.into(),
            subtree_length: 1,
            key: None,
        };
        self.open_frame(sequence, kind, FrameType::Element);
    }

    /// `CloseElement`.
    #[inline(always)]
    pub fn close_element(&mut self) {
        self.close_frame("close_element", FrameType::Element);
    }

    /// `AddContent(sequence, string)`: a text node.
    #[inline(always)]
    pub fn add_content(&mut self, sequence: i32, text: impl Into<Str>) {
        self.push(sequence, FrameKind::Text { content: text.into() });
        self.last_non_attribute = Some(FrameType::Text);
    }

    /// `AddMarkupContent`: a block of raw markup.
    pub fn add_markup_content(&mut self, sequence: i32, markup: impl Into<Str>) {
        self.push(sequence, FrameKind::Markup { content: markup.into() });
        self.last_non_attribute = Some(FrameType::Markup);
    }

    /// `AddContent(sequence, RenderFragment)`: the fragment's frames inside a region.
    ///
    // RT-1.5
    /// rule: a render fragment is rendered into the same builder, wrapped in a region opened with
    /// the caller's sequence number, so its own sequence numbers are compared only with each other.
    pub fn add_fragment(&mut self, sequence: i32, fragment: &RenderFragment) {
        self.open_region(sequence);
        let caller = self.receiver;
        if let Some(owner) = fragment.owner() {
            self.receiver = owner;
        }
        fragment.render_into(self);
        self.receiver = caller;
        self.close_region();
    }

    /// `AddAttribute`: an attribute of the element, or a parameter of the component, just opened.
    ///
    // RT-1.6, RT-1.7
    /// rule: on an element, a null value and `false` add no frame (the attribute is absent),
    /// `true` adds a frame the batch writes as `""`, and a value that is neither a string,
    /// a boolean nor a delegate is converted to its text. On a component every value is kept.
    #[inline(always)]
    pub fn add_attribute(&mut self, sequence: i32, name: impl Into<Str>, value: impl Into<AttributeValue>) {
        let name = name.into();
        let value = value.into();
        match self.last_non_attribute {
            Some(FrameType::Element) => {
                let value = match value {
                    AttributeValue::Null | AttributeValue::Bool(false) => {
                        if self.multiple_attributes {
                            self.track_attribute_name(&name);
                        }
                        return;
                    }
                    AttributeValue::Immutable(value) => AttributeValue::String(Str::from(value.to_text())),
                    other => other,
                };
                self.push_attribute(sequence, name, value);
            }
            Some(FrameType::Component) => self.push_attribute(sequence, name, value),
            // RT-1.2
            _ => self.fail(BuildError::MisplacedAttribute { name: name.to_string() }),
        }
    }

    /// `AddMultipleAttributes`: every `(name, value)` as [`Self::add_attribute`] with the same
    /// sequence number (Razor's `@attributes="dictionary"` splat).
    ///
    // RT-1.9
    /// rule: after a call, when the element or component closes (or its first child element,
    /// component or region opens), an attribute whose name (ignoring case) is written again
    /// later among the same frame's attributes is removed: the last one wins, in its own place,
    /// including a later null or `false` value on an element, which writes no frame and so
    /// removes the earlier ones.
    pub fn add_multiple_attributes<N, V>(&mut self, sequence: i32, attributes: impl IntoIterator<Item = (N, V)>)
    where
        N: Into<Str>,
        V: Into<AttributeValue>,
    {
        // (Checked before anything is added.)
        if !matches!(self.last_non_attribute, Some(FrameType::Element | FrameType::Component)) {
            self.fail(BuildError::MisplacedAttribute {
                name: "(multiple attributes)".to_owned(),
            });
            return;
        }
        self.multiple_attributes = true;
        for (name, value) in attributes {
            self.add_attribute(sequence, name, value);
        }
    }

    /// A new scope opens: the enclosing element's or component's attributes are complete.
    #[cold]
    #[inline(never)]
    fn duplicate_pass_before_child(&mut self) {
        if let Some(&parent) = self.open.last() {
            self.process_duplicate_attributes(parent + 1);
        }
    }

    /// The element or component at `index` closes: its attributes are complete.
    #[cold]
    #[inline(never)]
    fn duplicate_pass_on_close(&mut self, index: usize) {
        self.process_duplicate_attributes(index + 1);
    }

    /// `TrackAttributeName`: an attribute written as no frame still overrides the same name
    /// written before it.
    #[cold]
    fn track_attribute_name(&mut self, name: &str) {
        let index = self.frames.len();
        self.seen_attribute_names
            .get_or_insert_with(Box::default)
            .insert(fold_case(name), index);
    }

    /// `ProcessDuplicateAttributes`: removes the attributes that a later one of the same name
    /// overrides, among the attribute frames from `first` on; the frames after them move back.
    #[cold]
    fn process_duplicate_attributes(&mut self, first: usize) {
        self.multiple_attributes = false;
        let mut seen = self.seen_attribute_names.take().unwrap_or_default();
        let mut end = first;
        while end < self.frames.len() && matches!(self.frames[end].kind, FrameKind::Attribute { .. }) {
            end += 1;
        }
        let mut removed = Vec::new();
        for index in (first..end).rev() {
            let FrameKind::Attribute { name, .. } = &self.frames[index].kind else {
                continue;
            };
            let key = fold_case(name);
            match seen.get(&key).copied() {
                None => {
                    seen.insert(key, index);
                }
                // A name written as no frame before this one: this one is the latest.
                Some(seen_at) if seen_at < index => {
                    seen.insert(key, index);
                }
                Some(seen_at) if seen_at > index => removed.push(index),
                // A name written as no frame right before this one.
                Some(_) => {}
            }
        }
        seen.clear();
        self.seen_attribute_names = Some(seen);
        if removed.is_empty() {
            return;
        }
        removed.reverse();
        let tail: Vec<RenderFrame> = self.frames.drain(first..).collect();
        let mut gone = removed.iter().peekable();
        for (offset, frame) in tail.into_iter().enumerate() {
            if gone.peek().is_some_and(|&&index| index == first + offset) {
                gone.next();
            } else {
                self.frames.push(frame);
            }
        }
        // Where a frame from `first` on went: `None` if removed.
        let moved = |index: usize| -> Option<usize> {
            let before = removed.partition_point(|&r| r < index);
            (removed.get(before) != Some(&index)).then(|| index - before)
        };
        if let Some(disposables) = &mut self.disposables {
            let start = disposables.partition_point(|d| d.index < first);
            let mut kept = start;
            for at in start..disposables.len() {
                if let Some(index) = moved(disposables[at].index) {
                    disposables[kept] = Disposable {
                        index,
                        what: disposables[at].what,
                    };
                    kept += 1;
                }
            }
            disposables.truncate(kept);
        }
        if let Some(names) = &mut self.updates_attribute_names {
            let start = names.partition_point(|(index, _)| *index < first);
            let tail: Vec<(usize, Str)> = names.drain(start..).collect();
            names.extend(tail.into_iter().filter_map(|(index, name)| Some((moved(index)?, name))));
        }
    }

    /// `AddComponentParameter`: a parameter of the component just opened, kept as it is.
    pub fn add_component_parameter(&mut self, sequence: i32, name: impl Into<Str>, value: impl Into<AttributeValue>) {
        let name = name.into();
        if self.last_non_attribute != Some(FrameType::Component) {
            self.fail(BuildError::MisplacedParameter { name: name.to_string() });
            return;
        }
        self.push_attribute(sequence, name, value.into());
    }

    #[inline(always)]
    fn push_attribute(&mut self, sequence: i32, name: Str, mut value: AttributeValue) {
        let is_event_handler = match &mut value {
            AttributeValue::EventHandler(handler) => {
                handler.bind_default_receiver(self.receiver);
                true
            }
            AttributeValue::Fragment(fragment) => {
                fragment.bind_default_owner(self.receiver);
                false
            }
            _ => false,
        };
        let index = self.frames.len();
        self.push(
            sequence,
            FrameKind::Attribute {
                name,
                value,
                event_handler_id: 0,
            },
        );
        // (After the frame: nothing that may allocate comes between building it and storing it.)
        if is_event_handler {
            self.note_disposable(index, Disposal::EventHandler(0));
        }
    }

    /// `SetUpdatesAttributeName`: the attribute just added is an event handler whose event
    /// updates the element's attribute `name` in the browser (`@bind` writes `value`, or
    /// `checked` for a checkbox). When the browser reports that event with the field's new value,
    /// the renderer first writes that value into the attribute (see
    /// [`crate::Renderer::dispatch_event_with_field_info`]), so that the next render does not send
    /// it back. Only a renderer's trees keep this; a builder made with [`Self::new`] ignores it.
    ///
    // RT-3.4
    /// rule: it applies to the frame written last, which must be an attribute.
    pub fn set_updates_attribute_name(&mut self, name: impl Into<Str>) {
        let name = name.into();
        let Some(index) = self.frames.len().checked_sub(1) else {
            self.fail(BuildError::MisplacedUpdatesAttributeName { name: name.to_string() });
            return;
        };
        if !matches!(self.frames[index].kind, FrameKind::Attribute { .. }) {
            self.fail(BuildError::MisplacedUpdatesAttributeName { name: name.to_string() });
            return;
        }
        if let Some(list) = &mut self.updates_attribute_names {
            match list.last_mut() {
                Some((last, slot)) if *last == index => *slot = name,
                _ => list.push((index, name)),
            }
        }
    }

    /// `OpenComponent<C>`: a child component of type `C`; its parameters, then [`Self::close_component`].
    pub fn open_component<C: Component + Default>(&mut self, sequence: i32) {
        self.open_component_of_type(sequence, ComponentType::of::<C>());
    }

    /// `OpenComponent(sequence, Type)`.
    pub fn open_component_of_type(&mut self, sequence: i32, component_type: ComponentType) {
        let kind = FrameKind::Component {
            component_type,
            subtree_length: 1,
            key: None,
            component_id: 0,
        };
        let index = self.frames.len();
        self.open_frame(sequence, kind, FrameType::Component);
        self.note_disposable(index, Disposal::Component(0));
    }

    /// `CloseComponent`.
    pub fn close_component(&mut self) {
        self.close_frame("close_component", FrameType::Component);
    }

    /// `OpenRegion`: a group of frames with its own sequence-number space.
    pub fn open_region(&mut self, sequence: i32) {
        self.open_frame(sequence, FrameKind::Region { subtree_length: 1 }, FrameType::Region);
    }

    /// `CloseRegion`.
    pub fn close_region(&mut self) {
        self.close_frame("close_region", FrameType::Region);
    }

    /// `SetKey`: the key of the innermost open element or component (`@key`).
    #[inline(always)]
    pub fn set_key(&mut self, key: impl Into<Key>) {
        let Some(&index) = self.open.last() else {
            self.fail(BuildError::MisplacedKey);
            return;
        };
        match &mut self.frames[index].kind {
            FrameKind::Element { key: slot, .. } | FrameKind::Component { key: slot, .. } => *slot = Some(key.into()),
            _ => self.fail(BuildError::MisplacedKey),
        }
    }

    /// `AddElementReferenceCapture`: `action` receives the element's reference when the element
    /// is first inserted.
    pub fn add_element_reference_capture(
        &mut self,
        sequence: i32,
        action: impl Fn(ElementReference) + Send + Sync + 'static,
    ) {
        let parent = self.open.last().map(|&index| self.frames[index].frame_type());
        // RT-1.2
        if parent != Some(FrameType::Element) {
            self.fail(BuildError::MisplacedReferenceCapture(
                FrameType::ElementReferenceCapture,
            ));
            return;
        }
        self.push(
            sequence,
            FrameKind::ElementReferenceCapture {
                id: None,
                action: Arc::new(action),
            },
        );
        self.last_non_attribute = Some(FrameType::ElementReferenceCapture);
    }

    /// `AddNamedEvent`: gives the event `event_type` (e.g. `onsubmit`) of the innermost open
    /// element the name `assigned_name` (what `@formname` compiles to, written after the
    /// element's attributes, key and captures, before its content).
    ///
    // RT-1.8
    /// rule: a named event frame has no sequence number of its own (it is written with 0); it
    /// must be a child of an element, and the assigned name must not be empty. It is sent as a
    /// frame with no data and inserts nothing in the document.
    pub fn add_named_event(&mut self, event_type: impl Into<Str>, assigned_name: impl Into<Str>) {
        let event_type = event_type.into();
        let assigned_name = assigned_name.into();
        if assigned_name.is_empty() {
            self.fail(BuildError::EmptyNamedEventName {
                event_type: event_type.to_string(),
            });
            return;
        }
        let parent = self.open.last().map(|&index| self.frames[index].frame_type());
        if parent != Some(FrameType::Element) {
            self.fail(BuildError::MisplacedNamedEvent {
                event_type: event_type.to_string(),
            });
            return;
        }
        let index = self.frames.len();
        self.push(
            0,
            FrameKind::NamedEvent {
                event_type,
                assigned_name,
            },
        );
        self.last_non_attribute = Some(FrameType::NamedEvent);
        self.note_disposable(index, Disposal::NamedEvent);
    }

    /// `AddComponentReferenceCapture`: `action` receives the child component's id when it is created.
    pub fn add_component_reference_capture(
        &mut self,
        sequence: i32,
        action: impl Fn(ComponentId) + Send + Sync + 'static,
    ) {
        let parent = self.open.last().copied();
        let Some(parent_frame_index) = parent.filter(|&index| self.frames[index].frame_type() == FrameType::Component)
        else {
            self.fail(BuildError::MisplacedReferenceCapture(
                FrameType::ComponentReferenceCapture,
            ));
            return;
        };
        self.push(
            sequence,
            FrameKind::ComponentReferenceCapture {
                parent_frame_index,
                action: Arc::new(action),
            },
        );
        self.last_non_attribute = Some(FrameType::ComponentReferenceCapture);
    }
}
