//! Applying a batch: `BrowserRenderer.ts`'s `updateComponent`, `applyEdits`, `insertFrame` and
//! friends, with the checks that turn what the client would throw on (or silently get wrong)
//! into typed errors.

use brasa_protocol::render_batch::{self, Edit, Frame, Limits, RenderBatch, RenderBatchView};

use crate::document::Document;
use crate::error::{ApplyError, EditError};
use crate::html::names::{is_valid_element_local_name, is_valid_qualified_element_name};
use crate::html::parse::{ParseContext, parse_fragment};
use crate::logical::Detached;
use crate::node::{ContainerRole, Content, Namespace, NodeId, NodeKind};

/// Read access to a batch's reference frames, owned or zero-copy.
trait Frames {
    fn count(&self) -> usize;
    fn frame(&self, index: usize) -> Frame<&str>;
}

impl Frames for RenderBatchView<'_> {
    fn count(&self) -> usize {
        self.frame_count()
    }

    fn frame(&self, index: usize) -> Frame<&str> {
        self.reference_frame(index)
    }
}

impl Frames for [Frame<String>] {
    fn count(&self) -> usize {
        self.len()
    }

    fn frame(&self, index: usize) -> Frame<&str> {
        match &self[index] {
            Frame::Element { subtree_length, name } => Frame::Element {
                subtree_length: *subtree_length,
                name,
            },
            Frame::Text { content } => Frame::Text { content },
            Frame::Attribute {
                name,
                value,
                event_handler_id,
            } => Frame::Attribute {
                name,
                value: value.as_deref(),
                event_handler_id: *event_handler_id,
            },
            Frame::Component {
                subtree_length,
                component_id,
            } => Frame::Component {
                subtree_length: *subtree_length,
                component_id: *component_id,
            },
            Frame::Region { subtree_length } => Frame::Region {
                subtree_length: *subtree_length,
            },
            Frame::ElementReferenceCapture { id } => Frame::ElementReferenceCapture { id },
            Frame::ComponentReferenceCapture => Frame::ComponentReferenceCapture,
            Frame::Markup { content } => Frame::Markup { content },
            Frame::ComponentRenderMode => Frame::ComponentRenderMode,
            Frame::NamedEvent => Frame::NamedEvent,
        }
    }
}

fn edit_ref(edit: &Edit<String>) -> Edit<&str> {
    match edit {
        Edit::PrependFrame {
            sibling_index,
            reference_frame_index,
        } => Edit::PrependFrame {
            sibling_index: *sibling_index,
            reference_frame_index: *reference_frame_index,
        },
        Edit::RemoveFrame { sibling_index } => Edit::RemoveFrame {
            sibling_index: *sibling_index,
        },
        Edit::SetAttribute {
            sibling_index,
            reference_frame_index,
        } => Edit::SetAttribute {
            sibling_index: *sibling_index,
            reference_frame_index: *reference_frame_index,
        },
        Edit::RemoveAttribute { sibling_index, name } => Edit::RemoveAttribute {
            sibling_index: *sibling_index,
            name,
        },
        Edit::UpdateText {
            sibling_index,
            reference_frame_index,
        } => Edit::UpdateText {
            sibling_index: *sibling_index,
            reference_frame_index: *reference_frame_index,
        },
        Edit::StepIn { sibling_index } => Edit::StepIn {
            sibling_index: *sibling_index,
        },
        Edit::StepOut => Edit::StepOut,
        Edit::UpdateMarkup {
            sibling_index,
            reference_frame_index,
        } => Edit::UpdateMarkup {
            sibling_index: *sibling_index,
            reference_frame_index: *reference_frame_index,
        },
        Edit::PermutationListEntry {
            sibling_index,
            move_to_sibling_index,
        } => Edit::PermutationListEntry {
            sibling_index: *sibling_index,
            move_to_sibling_index: *move_to_sibling_index,
        },
        Edit::PermutationListEnd => Edit::PermutationListEnd,
    }
}

/// Where an edit sequence stands: the current parent, the depth below the component's
/// container, and a permutation list being collected.
struct EditState {
    parent: NodeId,
    depth: usize,
    permutation: Vec<(usize, usize)>,
    in_permutation: bool,
}

impl Document {
    /// Validates `bytes` with the reader's default limits and applies the batch.
    pub fn apply_bytes(&mut self, bytes: &[u8]) -> Result<(), ApplyError> {
        self.apply_bytes_with_limits(bytes, &Limits::DEFAULT)
    }

    /// Validates `bytes` with the given limits and applies the batch.
    pub fn apply_bytes_with_limits(&mut self, bytes: &[u8], limits: &Limits) -> Result<(), ApplyError> {
        match render_batch::validate(bytes, limits) {
            Ok(view) => self.apply_view(&view),
            Err(error) => {
                let batch = self.batches_applied;
                self.batches_applied += 1;
                Err(ApplyError::Decode { batch, error })
            }
        }
    }

    /// Applies a validated batch without copying it.
    pub fn apply_view(&mut self, view: &RenderBatchView<'_>) -> Result<(), ApplyError> {
        let batch = self.batches_applied;
        self.batches_applied += 1;
        // ED-2.1: the diffs in order, then the disposed component ids, then the disposed handler ids.
        for (diff, d) in view.updated_components().enumerate() {
            self.apply_diff(batch, diff, d.component_id(), view, &mut d.edits())?;
        }
        self.dispose(batch, view.disposed_component_ids(), view.disposed_event_handler_ids())
    }

    /// Applies a batch in its owned form. It need not have come through the validating reader:
    /// everything the reader checks that matters here is checked again.
    pub fn apply_batch(&mut self, batch: &RenderBatch) -> Result<(), ApplyError> {
        let index = self.batches_applied;
        self.batches_applied += 1;
        let frames = batch.reference_frames.as_slice();
        // ED-2.1: the diffs in order, then the disposed component ids, then the disposed handler ids.
        for (diff, d) in batch.updated_components.iter().enumerate() {
            self.apply_diff(index, diff, d.component_id, frames, &mut d.edits.iter().map(edit_ref))?;
        }
        self.dispose(
            index,
            batch.disposed_component_ids.iter().copied(),
            batch.disposed_event_handler_ids.iter().copied(),
        )
    }

    fn dispose(
        &mut self,
        batch: usize,
        components: impl Iterator<Item = i32>,
        handlers: impl Iterator<Item = u64>,
    ) -> Result<(), ApplyError> {
        // ED-5.1: forget each disposed component's container (a root component's is emptied).
        for (index, component_id) in components.enumerate() {
            let Some(container) = self.components.remove(&component_id) else {
                return Err(ApplyError::UnknownDisposedComponent {
                    batch,
                    index,
                    component_id,
                });
            };
            if self.root_components.remove(&component_id) {
                // A root component's container stays; the client empties it.
                self.pending_first_render.remove(&container);
                let _ = self.arena.empty_logical_element(container);
            }
        }
        // ED-5.2: unregister each disposed event handler id; unknown ids are ignored.
        for id in handlers {
            self.events.remove_listener(id);
        }
        Ok(())
    }

    fn apply_diff<F: Frames + ?Sized>(
        &mut self,
        batch: usize,
        diff: usize,
        component_id: i32,
        frames: &F,
        edits: &mut dyn Iterator<Item = Edit<&str>>,
    ) -> Result<(), ApplyError> {
        // ED-2.2: a diff applies to its component's container, which must exist and be in the document.
        let Some(&container) = self.components.get(&component_id) else {
            return Err(ApplyError::UnknownComponent {
                batch,
                diff,
                component_id,
            });
        };
        if !self.arena.is_descendant_of(container, self.root) {
            return Err(ApplyError::ComponentNotInDocument {
                batch,
                diff,
                component_id,
            });
        }
        // ED-1.3
        if self.pending_first_render.remove(&container) {
            // The first render of a root component clears what was there (prerendered content).
            if self.arena.empty_logical_element(container).is_err() {
                return Err(ApplyError::ComponentNotInDocument {
                    batch,
                    diff,
                    component_id,
                });
            }
            if let Content::Comment(text) = &mut self.arena.node_mut(container).content {
                *text = "!".into();
            }
        }
        // ED-2.3: the walk starts at the container, at depth 0.
        let mut state = EditState {
            parent: container,
            depth: 0,
            permutation: Vec::new(),
            in_permutation: false,
        };
        for (index, edit) in edits.enumerate() {
            let edit_type = edit.edit_type();
            // ED-5.3: the first error stops the batch and names the batch, diff, component and edit.
            self.apply_edit(&mut state, frames, component_id, edit)
                .map_err(|error| ApplyError::Edit {
                    batch,
                    diff,
                    component_id,
                    edit: index,
                    edit_type,
                    error,
                })?;
        }
        // ED-2.3, ED-2.12: a diff ends at depth 0 and outside a permutation list.
        if state.in_permutation {
            return Err(ApplyError::UnclosedDiff {
                batch,
                diff,
                component_id,
                detail: "the diff ends inside a permutation list",
            });
        }
        if state.depth != 0 {
            return Err(ApplyError::UnclosedDiff {
                batch,
                diff,
                component_id,
                detail: "the diff ends with StepIn edits not matched by StepOut",
            });
        }
        Ok(())
    }

    /// The logical child at a sibling index, which must exist.
    // ED-1.2, ED-2.4: a sibling index names a logical child of the current parent.
    fn child_at(&self, parent: NodeId, sibling_index: i32) -> Result<(usize, NodeId), EditError> {
        let children = self.arena.logical_children(parent);
        usize::try_from(sibling_index)
            .ok()
            .and_then(|i| children.get(i).map(|&c| (i, c)))
            .ok_or(EditError::SiblingIndexOutOfRange {
                index: sibling_index.into(),
                count: children.len(),
            })
    }

    // ED-2.12
    fn frame_at<F: Frames + ?Sized>(frames: &F, index: i32) -> Result<(usize, Frame<&str>), EditError> {
        match usize::try_from(index) {
            Ok(i) if i < frames.count() => Ok((i, frames.frame(i))),
            _ => Err(EditError::FrameIndexOutOfRange {
                frame: index.into(),
                count: frames.count(),
            }),
        }
    }

    fn apply_edit<F: Frames + ?Sized>(
        &mut self,
        state: &mut EditState,
        frames: &F,
        component_id: i32,
        edit: Edit<&str>,
    ) -> Result<(), EditError> {
        // ED-2.11, ED-2.12
        if state.in_permutation && !matches!(edit, Edit::PermutationListEntry { .. } | Edit::PermutationListEnd) {
            return Err(EditError::EditInsidePermutationList);
        }
        let parent = state.parent;
        let detached = |index: i32| move |_: Detached| EditError::Detached { index: index.into() };
        match edit {
            Edit::PrependFrame {
                sibling_index,
                reference_frame_index,
            } => {
                // ED-2.4, ED-2.5: insert at most one past the last child.
                let count = self.arena.logical_children(parent).len();
                let index = usize::try_from(sibling_index).ok().filter(|&i| i <= count).ok_or(
                    EditError::InsertionIndexOutOfRange {
                        index: sibling_index.into(),
                        count,
                    },
                )?;
                let (frame, _) = Self::frame_at(frames, reference_frame_index)?;
                self.insert_frame(parent, index, frame, frames, component_id)?;
            }
            // ED-2.6
            Edit::RemoveFrame { sibling_index } => {
                let (index, _) = self.child_at(parent, sibling_index)?;
                self.arena
                    .remove_logical_child(parent, index)
                    .map_err(detached(sibling_index))?;
            }
            Edit::SetAttribute {
                sibling_index,
                reference_frame_index,
            } => {
                // ED-2.7
                let (_, child) = self.child_at(parent, sibling_index)?;
                let (index, frame) = Self::frame_at(frames, reference_frame_index)?;
                let Frame::Attribute {
                    name,
                    value,
                    event_handler_id,
                } = frame
                else {
                    return Err(EditError::WrongFrameType {
                        frame: index,
                        expected: "an attribute frame",
                        found: frame.frame_type(),
                    });
                };
                if self.arena.element(child).is_none() {
                    return Err(EditError::NotAnElement {
                        index: sibling_index.into(),
                        found: self.arena.kind(child),
                    });
                }
                self.apply_attribute(child, name, value, event_handler_id, component_id)?;
            }
            // ED-2.8
            Edit::RemoveAttribute { sibling_index, name } => {
                let (_, child) = self.child_at(parent, sibling_index)?;
                if self.arena.element(child).is_none() {
                    return Err(EditError::NotAnElement {
                        index: sibling_index.into(),
                        found: self.arena.kind(child),
                    });
                }
                self.set_or_remove_attribute_or_property(child, name, None)?;
            }
            Edit::UpdateText {
                sibling_index,
                reference_frame_index,
            } => {
                let (_, child) = self.child_at(parent, sibling_index)?;
                let (index, frame) = Self::frame_at(frames, reference_frame_index)?;
                // ED-2.9
                let Frame::Text { content } = frame else {
                    return Err(EditError::WrongFrameType {
                        frame: index,
                        expected: "a text frame",
                        found: frame.frame_type(),
                    });
                };
                match &mut self.arena.node_mut(child).content {
                    Content::Text(text) => *text = content.to_owned(),
                    _ => {
                        return Err(EditError::NotAText {
                            index: sibling_index.into(),
                            found: self.arena.kind(child),
                        });
                    }
                }
            }
            Edit::UpdateMarkup {
                sibling_index,
                reference_frame_index,
            } => {
                let (index, child) = self.child_at(parent, sibling_index)?;
                let (frame_index, frame) = Self::frame_at(frames, reference_frame_index)?;
                let Frame::Markup { content } = frame else {
                    return Err(EditError::WrongFrameType {
                        frame: frame_index,
                        expected: "a markup frame",
                        found: frame.frame_type(),
                    });
                };
                // ED-2.10
                if self.arena.node(child).role != Some(ContainerRole::Markup) {
                    return Err(EditError::NotAMarkupBlock {
                        index: sibling_index.into(),
                    });
                }
                self.arena
                    .remove_logical_child(parent, index)
                    .map_err(detached(sibling_index))?;
                self.insert_markup(parent, index, content)
                    .map_err(detached(sibling_index))?;
            }
            // ED-2.3: StepIn into an existing element child.
            Edit::StepIn { sibling_index } => {
                let (_, child) = self.child_at(parent, sibling_index)?;
                if self.arena.element(child).is_none() {
                    return Err(EditError::NotAnElement {
                        index: sibling_index.into(),
                        found: self.arena.kind(child),
                    });
                }
                state.parent = child;
                state.depth += 1;
            }
            Edit::StepOut => {
                // ED-2.3: no StepOut above the component's container.
                if state.depth == 0 {
                    return Err(EditError::StepOutAtRoot);
                }
                state.parent = self
                    .arena
                    .node(parent)
                    .logical_parent
                    .ok_or(EditError::Detached { index: 0 })?;
                state.depth -= 1;
            }
            // ED-2.11: both indexes name existing children; the moves apply together at the end.
            Edit::PermutationListEntry {
                sibling_index,
                move_to_sibling_index,
            } => {
                let count = self.arena.logical_children(parent).len();
                let check = |which, index: i32| {
                    usize::try_from(index)
                        .ok()
                        .filter(|&i| i < count)
                        .ok_or(EditError::PermutationIndexOutOfRange {
                            which,
                            index: index.into(),
                            count,
                        })
                };
                let from = check("from", sibling_index)?;
                let to = check("to", move_to_sibling_index)?;
                state.permutation.push((from, to));
                state.in_permutation = true;
            }
            Edit::PermutationListEnd => {
                if state.permutation.is_empty() {
                    return Err(EditError::EmptyPermutationList);
                }
                let moves = std::mem::take(&mut state.permutation);
                state.in_permutation = false;
                check_permutation(&moves)?;
                self.arena
                    .permute_logical_children(parent, &moves)
                    .map_err(|_| EditError::Detached { index: 0 })?;
            }
        }
        Ok(())
    }

    /// Inserts the frame at `frame_index` with its subtree at a logical index of `parent`
    /// (`insertFrame`, and through it `insertFrameRange` and `insertElement`).
    ///
    /// The client recurses into elements and regions; this walks the same frames in the same
    /// order with an explicit stack, so nesting depth costs heap, not call stack. Each entry is a
    /// range of sibling frames being inserted under one parent: an element's children, after
    /// which the element gets any value it was waiting for (`applyAnyDeferredValue`), or a
    /// region's frames, after which the enclosing range moves past the nodes they added.
    fn insert_frame<F: Frames + ?Sized>(
        &mut self,
        parent: NodeId,
        child_index: usize,
        frame_index: usize,
        frames: &F,
        component_id: i32,
    ) -> Result<(), EditError> {
        let count = frames.count();
        let top_end = match frames.frame(frame_index) {
            Frame::Element { subtree_length, .. }
            | Frame::Component { subtree_length, .. }
            | Frame::Region { subtree_length } => subtree_end(frame_index, subtree_length, count)?,
            _ => frame_index + 1,
        };
        let mut ranges = vec![Range {
            parent,
            child_index,
            first_child_index: child_index,
            next: frame_index,
            end: top_end,
            element: None,
        }];
        loop {
            let depth = ranges.len();
            let Some(range) = ranges.last_mut() else { break };
            if range.next >= range.end {
                let done = ranges.pop().expect("a range is open");
                match done.element {
                    Some(element) => self.arena.apply_any_deferred_value(element)?,
                    None => {
                        if let Some(enclosing) = ranges.last_mut() {
                            enclosing.child_index += done.child_index - done.first_child_index;
                        }
                    }
                }
                continue;
            }
            // ED-2.12
            if depth > self.max_depth {
                return Err(EditError::TooDeep { limit: self.max_depth });
            }
            let (parent, child_index, index, bound) = (range.parent, range.child_index, range.next, range.end);
            let detached = |_: Detached| EditError::Detached {
                index: child_index as i64,
            };
            match frames.frame(index) {
                Frame::Element { subtree_length, name } => {
                    let end = subtree_end(index, subtree_length, bound)?;
                    range.next = end;
                    range.child_index += 1;
                    // ED-3.1
                    let (element, first_child) = self
                        .create_element(parent, index, name, end, frames, component_id)
                        .map_err(|e| match e {
                            ElementError::Detached => detached(Detached),
                            ElementError::Edit(e) => e,
                        })?;
                    self.arena
                        .insert_logical_child(element, parent, child_index)
                        .map_err(detached)?;
                    if first_child < end {
                        ranges.push(Range {
                            parent: element,
                            child_index: 0,
                            first_child_index: 0,
                            next: first_child,
                            end,
                            element: Some(element),
                        });
                    } else {
                        self.arena.apply_any_deferred_value(element)?;
                    }
                }
                Frame::Text { content } => {
                    range.next += 1;
                    range.child_index += 1;
                    // ED-3.2
                    let text = self.arena.create(Content::Text(content.to_owned()));
                    self.arena
                        .insert_logical_child(text, parent, child_index)
                        .map_err(detached)?;
                }
                // ED-3.7
                Frame::Attribute { .. } => return Err(EditError::AttributeFrameOutOfPlace { frame: index }),
                Frame::Component {
                    subtree_length,
                    component_id: child,
                } => {
                    range.next = subtree_end(index, subtree_length, bound)?;
                    range.child_index += 1;
                    // ED-3.3: a container for the component; its subtree inserts nothing.
                    if self.components.contains_key(&child) {
                        return Err(EditError::ComponentAlreadyAttached {
                            frame: index,
                            component_id: child,
                        });
                    }
                    let container = self.arena.create(Content::Comment("!".into()));
                    self.arena.node_mut(container).role = Some(ContainerRole::Component(child));
                    self.arena
                        .insert_logical_child(container, parent, child_index)
                        .map_err(detached)?;
                    self.components.insert(child, container);
                }
                // ED-3.4: a region's children go in at consecutive indexes.
                Frame::Region { subtree_length } => {
                    let end = subtree_end(index, subtree_length, bound)?;
                    range.next = end;
                    ranges.push(Range {
                        parent,
                        child_index,
                        first_child_index: child_index,
                        next: index + 1,
                        end,
                        element: None,
                    });
                }
                Frame::ElementReferenceCapture { id } => {
                    range.next += 1;
                    // ED-3.6: `_bl_<id>` on the parent element.
                    if self.arena.element(parent).is_none() {
                        return Err(EditError::ReferenceCaptureOutsideElement { frame: index });
                    }
                    self.arena.set_attribute(parent, &format!("_bl_{id}"), "")?;
                }
                Frame::Markup { content } => {
                    range.next += 1;
                    range.child_index += 1;
                    // ED-3.5
                    self.insert_markup(parent, child_index, content).map_err(detached)?;
                }
                // ED-3.7: named events insert nothing; types 7 and 9 cannot be inserted.
                Frame::NamedEvent => range.next += 1,
                frame @ (Frame::ComponentReferenceCapture | Frame::ComponentRenderMode) => {
                    return Err(EditError::UnsupportedFrameType {
                        frame: index,
                        found: frame.frame_type(),
                    });
                }
            }
        }
        Ok(())
    }

    /// The first half of `insertElement`: create the element (in the SVG namespace under an SVG
    /// parent) and apply its leading attribute frames. Returns it and the index of its first
    /// child frame (`end` when it has none).
    fn create_element<F: Frames + ?Sized>(
        &mut self,
        parent: NodeId,
        frame_index: usize,
        name: &str,
        end: usize,
        frames: &F,
        component_id: i32,
    ) -> Result<(NodeId, usize), ElementError> {
        // ED-3.1: the namespace, the name check, then the leading attributes.
        let svg = name == "svg" || self.is_svg_element(parent).map_err(|_| ElementError::Detached)?;
        let valid = if svg {
            is_valid_qualified_element_name(name)
        } else {
            is_valid_element_local_name(name)
        };
        if !valid {
            return Err(EditError::InvalidElementName {
                frame: frame_index,
                name: name.to_owned(),
            }
            .into());
        }
        let element = if svg {
            self.arena.create_element(Namespace::Svg, name.to_owned())
        } else {
            self.arena.create_element(Namespace::Html, name.to_ascii_lowercase())
        };
        self.arena.make_logical(element);
        let mut index = frame_index + 1;
        while index < end {
            let Frame::Attribute {
                name,
                value,
                event_handler_id,
            } = frames.frame(index)
            else {
                break;
            };
            self.apply_attribute(element, name, value, event_handler_id, component_id)?;
            index += 1;
        }
        Ok((element, index))
    }

    /// Whether children inserted under a logical parent are SVG (`isSvgElement`): its closest
    /// DOM element is in the SVG namespace and is not a `foreignObject`.
    fn is_svg_element(&self, parent: NodeId) -> Result<bool, Detached> {
        let closest = match self.arena.kind(parent) {
            NodeKind::Element | NodeKind::Fragment => parent,
            NodeKind::Comment => self.arena.node(parent).parent.ok_or(Detached)?,
            NodeKind::Text => return Err(Detached),
        };
        Ok(self
            .arena
            .element(closest)
            .is_some_and(|e| e.namespace == Namespace::Svg && e.name != "foreignObject"))
    }

    /// `insertMarkup`: a container, then the parsed nodes as its logical children. Empty markup
    /// parses as a single space, as the client parses `markup || ' '`.
    fn insert_markup(&mut self, parent: NodeId, child_index: usize, markup: &str) -> Result<(), Detached> {
        // ED-3.5: a container, then the parsed nodes (empty markup parses as a space).
        let container = self.arena.create(Content::Comment("!".into()));
        self.arena.node_mut(container).role = Some(ContainerRole::Markup);
        self.arena.insert_logical_child(container, parent, child_index)?;
        let context = if self.is_svg_element(parent)? {
            ParseContext::SvgGroup
        } else {
            ParseContext::Template
        };
        let fragment = parse_fragment(&mut self.arena, if markup.is_empty() { " " } else { markup }, context);
        let nodes: Vec<NodeId> = self.arena.children(fragment).collect();
        for (index, node) in nodes.into_iter().enumerate() {
            self.arena.insert_logical_child(node, container, index)?;
        }
        self.arena.recycle(fragment);
        Ok(())
    }

    /// `applyAttribute`: an event handler registers a listener; anything else is an attribute
    /// or a special property.
    fn apply_attribute(
        &mut self,
        element: NodeId,
        name: &str,
        value: Option<&str>,
        event_handler_id: u64,
        component_id: i32,
    ) -> Result<(), EditError> {
        // ED-4.1: an event handler registers a listener instead of an attribute.
        if event_handler_id != 0 {
            let event_name = strip_on_prefix(name, name)?;
            return self
                .events
                .set_listener(element, event_name, event_handler_id, component_id);
        }
        self.set_or_remove_attribute_or_property(element, name, value)
    }

    /// `setOrRemoveAttributeOrProperty`: special properties first, then the client's
    /// `__internal_` attributes, then an ordinary attribute (set, or removed for a null value).
    fn set_or_remove_attribute_or_property(
        &mut self,
        element: NodeId,
        name: &str,
        value: Option<&str>,
    ) -> Result<(), EditError> {
        // ED-4.2, ED-4.3: `value` and `checked` are properties.
        if self.arena.try_apply_special_property(element, name, value)? {
            return Ok(());
        }
        // ED-4.4
        if let Some(internal) = name.strip_prefix("__internal_") {
            if let Some(event) = internal.strip_prefix("stopPropagation_") {
                let event = strip_on_prefix(event, name)?;
                self.events.set_stop_propagation(element, event, value.is_some());
            } else if let Some(event) = internal.strip_prefix("preventDefault_") {
                let event = strip_on_prefix(event, name)?;
                self.events.set_prevent_default(element, event, value.is_some());
            } else {
                return Err(EditError::UnsupportedInternalAttribute { name: name.to_owned() });
            }
            return Ok(());
        }
        // ED-4.5 (a null value removes the attribute; see the divergence noted under ED-4.5).
        match value {
            Some(value) => self.arena.set_attribute(element, name, value),
            None => self.arena.remove_attribute(element, name),
        }
    }
}

/// One range of sibling frames being inserted ([`Document::insert_frame`]).
struct Range {
    parent: NodeId,
    /// Where the next node goes among `parent`'s logical children.
    child_index: usize,
    first_child_index: usize,
    next: usize,
    end: usize,
    /// The element whose children these are; `None` for a region (or the top frame).
    element: Option<NodeId>,
}

enum ElementError {
    Detached,
    Edit(EditError),
}

impl From<EditError> for ElementError {
    fn from(e: EditError) -> Self {
        ElementError::Edit(e)
    }
}

/// The end of a subtree, which must lie within `1..` frames and end by `bound` (RB-3.5).
// ED-2.12
fn subtree_end(frame: usize, length: i32, bound: usize) -> Result<usize, EditError> {
    usize::try_from(length)
        .ok()
        .filter(|&l| l >= 1 && frame + l <= bound)
        .map(|l| frame + l)
        .ok_or(EditError::SubtreeOutOfRange {
            frame,
            length,
            end: bound,
        })
}

fn strip_on_prefix<'a>(name: &'a str, attribute: &str) -> Result<&'a str, EditError> {
    name.strip_prefix("on")
        .ok_or_else(|| EditError::EventNameWithoutOnPrefix {
            name: attribute.to_owned(),
        })
}

/// The client assumes, without checking, that the entries move distinct children to distinct
/// places that the moved children leave free (RB-2.9).
// ED-2.11
fn check_permutation(moves: &[(usize, usize)]) -> Result<(), EditError> {
    let mut from: Vec<usize> = moves.iter().map(|m| m.0).collect();
    let mut to: Vec<usize> = moves.iter().map(|m| m.1).collect();
    from.sort_unstable();
    to.sort_unstable();
    if from.windows(2).any(|w| w[0] == w[1]) {
        return Err(EditError::InvalidPermutation {
            detail: "a child is moved twice",
        });
    }
    if to.windows(2).any(|w| w[0] == w[1]) {
        return Err(EditError::InvalidPermutation {
            detail: "two children are moved to the same place",
        });
    }
    if from != to {
        return Err(EditError::InvalidPermutation {
            detail: "a child is moved to a place that no moved child leaves free",
        });
    }
    Ok(())
}
