//! The diff: compares a component's previous render tree with its new one and writes the edits
//! (and the reference frames they point at) that turn the browser's copy of the first into the
//! second, exactly as ASP.NET Core 10's `RenderTreeDiffBuilder` does. On the way it creates,
//! updates and disposes child components and gives and retires event handler ids.

use brasa_protocol::render_batch::{Edit, Frame};
use rustc_hash::FxHashMap;

use crate::event::RenderError;
use crate::frame::{AttributeValue, ComponentId, ElementReference, FrameKind, Key, RenderFrame};
use crate::renderer::{Disposable, NamedEventChangeType, ParameterView, Renderer, Tree};
use crate::str::Str;

/// A sibling range on each side: `old[old_start..old_end]` and `new[new_start..new_end]`.
#[derive(Clone, Copy)]
struct Ranges {
    old_start: usize,
    old_end: usize,
    new_start: usize,
    new_end: usize,
}

/// What the diff decided to do with the frames at the heads of the old and new ranges.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Action {
    /// Diff the old frame against the new frame at this index.
    Match(usize),
    /// Insert the new frame.
    Insert,
    /// Remove the old frame.
    Delete,
}

/// rule: the sequence number Blazor gives attributes it adds itself (`int.MinValue`); meeting it
/// on the old side makes the attribute diff fall back to matching by name.
const SYSTEM_ADDED_ATTRIBUTE_SEQUENCE: i32 = i32::MIN;

pub(crate) struct DiffBuilder<'r> {
    renderer: &'r mut Renderer,
    /// The old tree's list of the frames a disposal looks at ([`Tree`]), and the first entry
    /// not yet passed (the diff meets old frames in order).
    old_disposables: &'r [Disposable],
    disposables_cursor: usize,
    component_id: ComponentId,
    edits: Vec<Edit<Str>>,
    sibling_index: i32,
    /// The sibling indexes of the StepIns not yet written: an element's StepIn is written just
    /// before the first edit inside it, and dropped (with its StepOut) if there is none.
    pending_step_ins: Vec<i32>,
}

impl<'r> DiffBuilder<'r> {
    pub(crate) fn new(renderer: &'r mut Renderer, component_id: ComponentId, old_tree: &'r Tree) -> Self {
        DiffBuilder {
            edits: renderer.batch.edit_buffer(),
            old_disposables: &old_tree.disposables,
            disposables_cursor: 0,
            renderer,
            component_id,
            sibling_index: 0,
            pending_step_ins: Vec::new(),
        }
    }

    /// Writes an edit, after the StepIns still pending.
    #[inline]
    fn emit(&mut self, edit: Edit<Str>) {
        if !self.pending_step_ins.is_empty() {
            self.flush_step_ins();
        }
        self.edits.push(edit);
    }

    #[cold]
    fn flush_step_ins(&mut self) {
        self.edits.extend(
            self.pending_step_ins
                .drain(..)
                .map(|sibling_index| Edit::StepIn { sibling_index }),
        );
    }

    pub(crate) fn into_edits(self) -> Vec<Edit<Str>> {
        self.edits
    }

    /// The first entry of the old tree's disposables at or after frame `index`, searched from
    /// the cursor (usually at most a few entries away) or else from the start.
    fn first_disposable_at(&self, index: usize) -> usize {
        let list = self.old_disposables;
        let mut from = self.disposables_cursor.min(list.len());
        if from > 0 && list[from - 1].index >= index {
            from = 0;
        }
        // Gallop from `from`, then search the last step.
        let mut step = 1;
        let mut to = from;
        while to < list.len() && list[to].index < index {
            from = to + 1;
            to += step;
            step *= 2;
        }
        let to = to.min(list.len());
        from + list[from..to].partition_point(|entry| entry.index < index)
    }

    /// Diffs the whole of `old` against the whole of `new`.
    pub(crate) fn diff_trees(&mut self, old: &[RenderFrame], new: &mut [RenderFrame]) -> Result<(), RenderError> {
        self.diff_range(old, new, 0, old.len(), 0, new.len())
    }

    fn reference_frame(&mut self, frame: &RenderFrame) -> i32 {
        let frames = &mut self.renderer.batch.reference_frames;
        push_reference_frame(frames, frame);
        (frames.len() - 1) as i32
    }

    fn unsupported(&self, frame: &RenderFrame) -> RenderError {
        RenderError::UnsupportedFrame {
            component_id: self.component_id,
            frame_type: frame_type_name(frame),
        }
    }

    /// Diffs the sibling frames `old[old_start..old_end]` against `new[new_start..new_end]`.
    fn diff_range(
        &mut self,
        old: &[RenderFrame],
        new: &mut [RenderFrame],
        old_start: usize,
        old_end: usize,
        new_start: usize,
        new_end: usize,
    ) -> Result<(), RenderError> {
        // The common case first: unkeyed frames with the same sequence number on both sides
        // match (the general loop decides the same, with the same history).
        let (mut old_index, mut new_index) = (old_start, new_start);
        let (mut prev_old_seq, mut prev_new_seq) = (-1, -1);
        while old_index < old_end && new_index < new_end {
            let sequence = old[old_index].sequence();
            if new[new_index].sequence() != sequence || old[old_index].key().is_some() || new[new_index].key().is_some()
            {
                break;
            }
            self.diff_frames_with_same_sequence(old, new, old_index, new_index)?;
            old_index = next_sibling_index(&old[old_index], old_index);
            new_index = next_sibling_index(&new[new_index], new_index);
            prev_old_seq = sequence;
            prev_new_seq = sequence;
        }
        if old_index < old_end || new_index < new_end {
            let ranges = Ranges {
                old_start,
                old_end,
                new_start,
                new_end,
            };
            self.diff_range_general(old, new, ranges, old_index, new_index, prev_old_seq, prev_new_seq)
        } else {
            Ok(())
        }
    }

    /// The rest of [`Self::diff_range`], from `old_start` and `new_start` in `ranges`, after
    /// frames with these sequence numbers.
    #[allow(clippy::too_many_arguments)]
    #[inline(never)]
    fn diff_range_general(
        &mut self,
        old: &[RenderFrame],
        new: &mut [RenderFrame],
        ranges: Ranges,
        mut old_start: usize,
        mut new_start: usize,
        mut prev_old_seq: i32,
        mut prev_new_seq: i32,
    ) -> Result<(), RenderError> {
        let Ranges {
            old_start: range_old_start,
            old_end,
            new_start: range_new_start,
            new_end,
        } = ranges;
        let mut keyed: Option<KeyedItems> = None;

        while old_start < old_end || new_start < new_end {
            let has_more_old = old_start < old_end;
            let has_more_new = new_start < new_end;
            let (old_seq, old_key) = if has_more_old {
                (old[old_start].sequence(), old[old_start].key())
            } else {
                (i32::MAX, None)
            };
            let (new_seq, new_key) = if has_more_new {
                (new[new_start].sequence(), new[new_start].key())
            } else {
                (i32::MAX, None)
            };

            let action = if old_key.is_some() || new_key.is_some() {
                // RT-1.4
                // rule: if either side is keyed, frames are matched by key, not by sequence number.
                // The key table covers the whole sibling range and is built the first time a key
                // is seen (which is also when duplicate keys are refused).
                if keyed.is_none() {
                    keyed = Some(
                        KeyedItems::build(
                            old,
                            new,
                            range_old_start,
                            old_end,
                            range_new_start,
                            new_end,
                            &mut self.renderer.batch.key_buffers,
                        )
                        .map_err(|key| RenderError::DuplicateKey {
                            component_id: self.component_id,
                            key: format!("{key:?}"),
                        })?,
                    );
                }
                let keyed = keyed.as_mut().expect("built above");
                if old_key == new_key {
                    Action::Match(new_start)
                } else {
                    let old_key_new_index = old_key.map_or(-1, |key| keyed.new_index(key));
                    let old_key_in_new_tree = old_key_new_index >= 0;
                    let new_key_in_old_tree = new_key.is_some_and(|key| keyed.old_index(key) >= 0);
                    if old_key_in_new_tree && new_key_in_old_tree {
                        // RT-4.4
                        // rule: when both keys are in both trees it is a move: the old item (still at
                        // the current sibling index in the browser) is diffed in place against its
                        // own new frame, and the moves are listed afterwards as a permutation list.
                        let sibling = self.sibling_index;
                        if let Some(key) = old_key {
                            keyed.set_old_sibling_index(key, sibling);
                        }
                        if let Some(key) = new_key {
                            keyed.set_new_sibling_index(key, sibling);
                        }
                        Action::Match(old_key_new_index as usize)
                    } else if new_key.is_none() {
                        // rule: only the old side is keyed: insert the new (unkeyed) frame if the
                        // old item survives, otherwise delete it.
                        if old_key_in_new_tree {
                            Action::Insert
                        } else {
                            Action::Delete
                        }
                    } else if new_key_in_old_tree {
                        // rule: the new key is further on in the old tree, so the old frame here goes.
                        Action::Delete
                    } else {
                        // rule: the new key is not in the old tree: insert it (a deletion, if any,
                        // is found on the next iteration).
                        Action::Insert
                    }
                }
            } else if old_seq == new_seq {
                Action::Match(new_start)
            } else {
                // RT-1.3
                // rule: neither side is keyed and the sequence numbers differ. A sequence number
                // not greater than the previous one on that side means the side looped back (a
                // loop started a new iteration).
                let old_looped_back = old_seq <= prev_old_seq;
                let new_looped_back = new_seq <= prev_new_seq;
                if old_looped_back == new_looped_back {
                    // rule: both sides are in the same loop state: a merge join, taking the side
                    // with the smaller sequence number; if both looped back, forget the history.
                    if old_looped_back {
                        prev_old_seq = -1;
                        prev_new_seq = -1;
                    }
                    if new_seq < old_seq {
                        Action::Insert
                    } else {
                        Action::Delete
                    }
                } else if old_looped_back {
                    // rule: only the old side looped back: the new frame is an extra trailing item of
                    // the loop (insert) if the new side loops back later in the range (any frame, not
                    // only siblings, with a smaller sequence number); otherwise the old side's
                    // extra loop iterations are deleted.
                    let new_loops_back_later = (new_start + 1..new_end).any(|index| new[index].sequence() < new_seq);
                    if new_loops_back_later {
                        Action::Insert
                    } else {
                        Action::Delete
                    }
                } else {
                    // rule: only the new side looped back: the mirror image.
                    let old_loops_back_later = (old_start + 1..old_end).any(|index| old[index].sequence() < old_seq);
                    if old_loops_back_later {
                        Action::Delete
                    } else {
                        Action::Insert
                    }
                }
            };

            match action {
                Action::Match(new_index) if has_more_old && has_more_new => {
                    self.diff_frames_with_same_sequence(old, new, old_start, new_index)?;
                    old_start = next_sibling_index(&old[old_start], old_start);
                    new_start = next_sibling_index(&new[new_start], new_start);
                    prev_old_seq = old_seq;
                    prev_new_seq = new_seq;
                }
                Action::Insert if has_more_new => {
                    self.insert_new_frame(new, new_start)?;
                    new_start = next_sibling_index(&new[new_start], new_start);
                    prev_new_seq = new_seq;
                }
                Action::Delete if has_more_old => {
                    self.remove_old_frame(old, old_start)?;
                    old_start = next_sibling_index(&old[old_start], old_start);
                    prev_old_seq = old_seq;
                }
                _ => {
                    // Blazor asserts this cannot happen; refuse rather than index out of range.
                    let frame = if has_more_old { &old[old_start] } else { &new[new_start] };
                    return Err(self.unsupported(frame));
                }
            }
        }

        if let Some(keyed) = keyed {
            // RT-4.4
            // rule: the permutation list names every moved item as (old sibling index, new sibling
            // index), in the key table's order: the old tree's keys in old order, then keys only in
            // the new tree; the list is closed with PermutationListEnd.
            let permutations = keyed.permutations();
            for &(sibling_index, move_to_sibling_index) in &permutations {
                self.emit(Edit::PermutationListEntry {
                    sibling_index,
                    move_to_sibling_index,
                });
            }
            if !permutations.is_empty() {
                self.emit(Edit::PermutationListEnd);
            }
            if let KeyedItems::Ints(ints) = keyed {
                ints.recycle(&mut self.renderer.batch.key_buffers);
            }
        }
        Ok(())
    }

    fn diff_frames_with_same_sequence(
        &mut self,
        old: &[RenderFrame],
        new: &mut [RenderFrame],
        old_index: usize,
        new_index: usize,
    ) -> Result<(), RenderError> {
        let old_frame = &old[old_index];
        // (Frame kinds and frame types correspond one to one.)
        if std::mem::discriminant(&old_frame.kind) != std::mem::discriminant(&new[new_index].kind) {
            // RT-4.3
            // rule: frames of different types at the same position are unrelated: the new one is
            // inserted first, then the old one removed.
            self.insert_new_frame(new, new_index)?;
            return self.remove_old_frame(old, old_index);
        }
        match (&old_frame.kind, &new[new_index].kind) {
            (FrameKind::Text { content: old_text }, FrameKind::Text { content: new_text }) => {
                if old_text != new_text {
                    let frame = self.reference_frame(&new[new_index]);
                    self.emit(Edit::UpdateText {
                        sibling_index: self.sibling_index,
                        reference_frame_index: frame,
                    });
                }
                self.sibling_index += 1;
            }
            (FrameKind::Markup { content: old_markup }, FrameKind::Markup { content: new_markup }) => {
                if old_markup != new_markup {
                    let frame = self.reference_frame(&new[new_index]);
                    self.emit(Edit::UpdateMarkup {
                        sibling_index: self.sibling_index,
                        reference_frame_index: frame,
                    });
                }
                self.sibling_index += 1;
            }
            (
                FrameKind::Element {
                    name: old_name,
                    subtree_length: old_length,
                    ..
                },
                FrameKind::Element {
                    name: new_name,
                    subtree_length: new_length,
                    ..
                },
            ) => {
                if old_name != new_name {
                    // RT-4.3
                    // rule: elements with different names are unrelated: remove, then insert.
                    self.remove_old_frame(old, old_index)?;
                    return self.insert_new_frame(new, new_index);
                }
                let old_children_end = old_index + *old_length as usize;
                let new_children_end = new_index + *new_length as usize;
                let (old_attributes_end, new_attributes_end) =
                    self.diff_element_attributes(old, new, old_index, old_children_end, new_index, new_children_end)?;
                if old_children_end > old_attributes_end || new_children_end > new_attributes_end {
                    // RT-4.3
                    // rule: children are diffed inside StepIn/StepOut; a StepOut right after its
                    // StepIn cancels both.
                    // The StepIn is written only once the children write an edit (see `emit`).
                    self.pending_step_ins.push(self.sibling_index);
                    let depth = self.pending_step_ins.len();
                    let parent_sibling_index = self.sibling_index;
                    self.sibling_index = 0;
                    self.diff_range(
                        old,
                        new,
                        old_attributes_end,
                        old_children_end,
                        new_attributes_end,
                        new_children_end,
                    )?;
                    if self.pending_step_ins.len() == depth {
                        self.pending_step_ins.pop();
                    } else {
                        self.edits.push(Edit::StepOut);
                    }
                    self.sibling_index = parent_sibling_index + 1;
                } else {
                    self.sibling_index += 1;
                }
            }
            (
                FrameKind::Region {
                    subtree_length: old_length,
                },
                FrameKind::Region {
                    subtree_length: new_length,
                },
            ) => {
                // RT-1.5
                // rule: matched regions are transparent: their children are diffed as a range of
                // their own, in the parent's sibling-index space.
                let (old_end, new_end) = (old_index + *old_length as usize, new_index + *new_length as usize);
                self.diff_range(old, new, old_index + 1, old_end, new_index + 1, new_end)?;
            }
            (
                FrameKind::Component {
                    component_type: old_type,
                    component_id,
                    ..
                },
                FrameKind::Component {
                    component_type: new_type,
                    ..
                },
            ) => {
                if old_type != new_type {
                    // RT-4.3, RT-2.6
                    // rule: child components of different types are unrelated: remove, then insert.
                    self.remove_old_frame(old, old_index)?;
                    return self.insert_new_frame(new, new_index);
                }
                // RT-2.5
                // rule: a retained child component keeps its instance and id; it is given the new
                // parameters (and so re-renders) unless they are definitely equal to the old ones.
                let child = *component_id;
                if let FrameKind::Component { component_id, .. } = &mut new[new_index].kind {
                    *component_id = child;
                }
                if !parameters_definitely_equal(old, old_index, new, new_index) {
                    self.renderer
                        .set_child_parameters(child, ParameterView::for_component(new, new_index));
                }
                self.sibling_index += 1;
            }
            (FrameKind::ElementReferenceCapture { .. }, FrameKind::ElementReferenceCapture { .. }) => {
                // RT-4.5
                // rule: a retained element's reference capture is not invoked again.
            }
            (
                FrameKind::NamedEvent {
                    assigned_name: old_name,
                    ..
                },
                FrameKind::NamedEvent {
                    assigned_name: new_name,
                    ..
                },
            ) => {
                // RT-1.8
                // rule: matched named events emit no edit; if the frame's index in the tree or its
                // assigned name changed (the event type is not compared), the old one is removed
                // and the new one added.
                if old_index != new_index || old_name != new_name {
                    let component_id = self.component_id;
                    let batch = &mut self.renderer.batch;
                    batch.named_event_change(NamedEventChangeType::Removed, component_id, old, old_index);
                    batch.named_event_change(NamedEventChangeType::Added, component_id, new, new_index);
                }
            }
            _ => return Err(self.unsupported(old_frame)),
        }
        Ok(())
    }

    /// Diffs the attributes of two matched elements (`old[old_index]`, `new[new_index]`, whose
    /// subtrees end at `old_end` and `new_end`) and returns where their attributes end. The common
    /// case first: the same attributes in the same order, the merge join of
    /// [`Self::diff_attributes`] in lockstep; from the first difference on, that merge join.
    #[inline(always)]
    fn diff_element_attributes(
        &mut self,
        old: &[RenderFrame],
        new: &mut [RenderFrame],
        old_index: usize,
        old_end: usize,
        new_index: usize,
        new_end: usize,
    ) -> Result<(usize, usize), RenderError> {
        let (mut o, mut n) = (old_index + 1, new_index + 1);
        while o < old_end && n < new_end {
            let (
                FrameKind::Attribute {
                    name: old_name,
                    value: old_value,
                    event_handler_id: old_id,
                },
                FrameKind::Attribute {
                    name: new_name,
                    value: new_value,
                    ..
                },
            ) = (&old[o].kind, &new[n].kind)
            else {
                break;
            };
            if old[o].sequence != new[n].sequence || old_name != new_name {
                break;
            }
            if !old_value.equals(new_value) {
                self.diff_attribute(old, new, o, n)?;
            } else if *old_id > 0 {
                carry_over_event_handler_id(old, new, o, n);
            }
            o += 1;
            n += 1;
        }
        let old_attributes_end = attributes_end_from(old, o, old_end);
        let new_attributes_end = attributes_end_from(new, n, new_end);
        if o < old_attributes_end || n < new_attributes_end {
            self.diff_attributes(old, new, o, old_attributes_end, n, new_attributes_end)?;
        }
        Ok((old_attributes_end, new_attributes_end))
    }

    /// Diffs an element's attributes: a merge join on sequence number while both sides agree,
    /// falling back to a join by name.
    fn diff_attributes(
        &mut self,
        old: &[RenderFrame],
        new: &mut [RenderFrame],
        mut old_start: usize,
        old_end: usize,
        mut new_start: usize,
        new_end: usize,
    ) -> Result<(), RenderError> {
        while old_start < old_end || new_start < new_end {
            let (old_seq, old_name) = if old_start < old_end {
                (old[old_start].sequence(), attribute_name(&old[old_start]))
            } else {
                (i32::MAX, None)
            };
            let (new_seq, new_name) = if new_start < new_end {
                (new[new_start].sequence(), attribute_name(&new[new_start]))
            } else {
                (i32::MAX, None)
            };
            if old_seq == new_seq && old_name == new_name {
                self.diff_attribute(old, new, old_start, new_start)?;
                old_start += 1;
                new_start += 1;
            } else if old_seq < new_seq {
                if old_seq == SYSTEM_ADDED_ATTRIBUTE_SEQUENCE {
                    return self.diff_attributes_by_name(old, new, old_start, old_end, new_start, new_end);
                }
                // rule: an old attribute whose sequence number the new side has passed was removed.
                self.remove_old_frame(old, old_start)?;
                old_start += 1;
            } else if old_seq > new_seq {
                // rule: a new attribute whose sequence number the old side has passed was added.
                self.insert_new_frame(new, new_start)?;
                new_start += 1;
            } else {
                // rule: the same sequence number with different names: fall back to the join by name.
                return self.diff_attributes_by_name(old, new, old_start, old_end, new_start, new_end);
            }
        }
        Ok(())
    }

    /// rule: the join by name: index the new attributes by name (a repeated name keeps its first
    /// place, with the last index), walk the old ones in order (diffing a match, removing the
    /// rest), then add the new attributes left unmatched, in the order they were indexed.
    fn diff_attributes_by_name(
        &mut self,
        old: &[RenderFrame],
        new: &mut [RenderFrame],
        old_start: usize,
        old_end: usize,
        new_start: usize,
        new_end: usize,
    ) -> Result<(), RenderError> {
        let mut slots: FxHashMap<Str, usize> = FxHashMap::default();
        let mut entries: Vec<(usize, bool)> = Vec::new();
        for (index, frame) in new.iter().enumerate().take(new_end).skip(new_start) {
            let name = attribute_name(frame).cloned().unwrap_or_default();
            match slots.get(&name) {
                Some(&slot) => entries[slot].0 = index,
                None => {
                    slots.insert(name, entries.len());
                    entries.push((index, true));
                }
            }
        }
        for index in old_start..old_end {
            let name = attribute_name(&old[index]).cloned().unwrap_or_default();
            match slots.remove(&name) {
                Some(slot) => {
                    entries[slot].1 = false;
                    self.diff_attribute(old, new, index, entries[slot].0)?;
                }
                None => self.remove_old_frame(old, index)?,
            }
        }
        for (index, _) in entries.into_iter().filter(|(_, unmatched)| *unmatched) {
            self.insert_new_frame(new, index)?;
        }
        Ok(())
    }

    /// Diffs two attributes of the same name.
    fn diff_attribute(
        &mut self,
        old: &[RenderFrame],
        new: &mut [RenderFrame],
        old_index: usize,
        new_index: usize,
    ) -> Result<(), RenderError> {
        let (
            FrameKind::Attribute {
                value: old_value,
                event_handler_id: old_id,
                ..
            },
            FrameKind::Attribute { value: new_value, .. },
        ) = (&old[old_index].kind, &new[new_index].kind)
        else {
            return Err(self.unsupported(&old[old_index]));
        };
        let old_id = *old_id;
        if !old_value.equals(new_value) {
            // RT-3.3
            // rule: a changed value is set again (SetAttribute with the new frame); a new handler
            // gets a new event handler id, and the old id is retired in this batch.
            self.init_new_attribute(new, new_index);
            let frame = self.reference_frame(&new[new_index]);
            self.emit(Edit::SetAttribute {
                sibling_index: self.sibling_index,
                reference_frame_index: frame,
            });
            if old_id > 0 {
                let new_id = new[new_index].event_handler_id();
                self.renderer.track_replaced_event_handler_id(old_id, new_id);
                self.renderer.batch.disposed_event_handler_ids.push(old_id);
            }
        } else if old_id > 0 {
            // RT-3.2
            // rule: an unchanged handler keeps its event handler id (the old frame is carried over).
            carry_over_event_handler_id(old, new, old_index, new_index);
        }
        Ok(())
    }

    /// Writes the edits that insert `new[index]` (and its subtree) at the current sibling index.
    fn insert_new_frame(&mut self, new: &mut [RenderFrame], index: usize) -> Result<(), RenderError> {
        match &new[index].kind {
            FrameKind::Attribute { .. } => {
                self.init_new_attribute(new, index);
                let frame = self.reference_frame(&new[index]);
                self.emit(Edit::SetAttribute {
                    sibling_index: self.sibling_index,
                    reference_frame_index: frame,
                });
            }
            FrameKind::Element { subtree_length, .. } | FrameKind::Component { subtree_length, .. } => {
                // RT-4.2, RT-4.3
                // rule: a new element or component is sent whole: its subtree is initialized first
                // (child components created in document order, event handler ids given, reference
                // captures invoked), then all its frames become reference frames.
                let end = index + *subtree_length as usize;
                self.init_new_subtree(new, index, end);
                let reference_frames = &mut self.renderer.batch.reference_frames;
                let first = reference_frames.len() as i32;
                reference_frames.extend(new[index..end].iter().map(RenderFrame::to_reference_frame));
                self.emit(Edit::PrependFrame {
                    sibling_index: self.sibling_index,
                    reference_frame_index: first,
                });
                self.sibling_index += 1;
            }
            FrameKind::Region { subtree_length } => {
                // RT-1.5
                // rule: a region is never sent; its children are inserted one by one.
                let end = index + *subtree_length as usize;
                let mut child = index + 1;
                while child < end {
                    self.insert_new_frame(new, child)?;
                    child = next_sibling_index(&new[child], child);
                }
            }
            FrameKind::Text { .. } | FrameKind::Markup { .. } => {
                let frame = self.reference_frame(&new[index]);
                self.emit(Edit::PrependFrame {
                    sibling_index: self.sibling_index,
                    reference_frame_index: frame,
                });
                self.sibling_index += 1;
            }
            FrameKind::ElementReferenceCapture { .. } => self.init_element_reference_capture(new, index),
            FrameKind::ComponentReferenceCapture { .. } => self.init_component_reference_capture(new, index),
            FrameKind::NamedEvent { .. } => self.init_named_event(new, index),
        }
        Ok(())
    }

    /// Writes the edits that remove `old[index]` (and its subtree) at the current sibling index.
    fn remove_old_frame(&mut self, old: &[RenderFrame], index: usize) -> Result<(), RenderError> {
        match &old[index].kind {
            FrameKind::Attribute {
                name, event_handler_id, ..
            } => {
                self.emit(Edit::RemoveAttribute {
                    sibling_index: self.sibling_index,
                    name: name.clone(),
                });
                if *event_handler_id > 0 {
                    self.renderer.batch.disposed_event_handler_ids.push(*event_handler_id);
                }
            }
            FrameKind::Element { subtree_length, .. } | FrameKind::Component { subtree_length, .. } => {
                // RT-2.6, RT-3.3
                // rule: removing an element or component disposes every child component in its
                // subtree (queued, in document order) and retires every event handler id in it.
                let end = index + *subtree_length as usize;
                let first = self.first_disposable_at(index);
                self.disposables_cursor =
                    self.renderer
                        .batch
                        .dispose_frames(self.component_id, old, self.old_disposables, first, end);
                self.emit(Edit::RemoveFrame {
                    sibling_index: self.sibling_index,
                });
            }
            FrameKind::Region { subtree_length } => {
                let end = index + *subtree_length as usize;
                let mut child = index + 1;
                while child < end {
                    self.remove_old_frame(old, child)?;
                    child = next_sibling_index(&old[child], child);
                }
            }
            FrameKind::Text { .. } | FrameKind::Markup { .. } => {
                self.emit(Edit::RemoveFrame {
                    sibling_index: self.sibling_index,
                });
            }
            FrameKind::NamedEvent { .. } => {
                let component_id = self.component_id;
                self.renderer
                    .batch
                    .named_event_change(NamedEventChangeType::Removed, component_id, old, index);
            }
            FrameKind::ElementReferenceCapture { .. } | FrameKind::ComponentReferenceCapture { .. } => {
                return Err(self.unsupported(&old[index]));
            }
        }
        Ok(())
    }

    fn init_new_subtree(&mut self, new: &mut [RenderFrame], start: usize, end: usize) {
        for index in start..end {
            match &new[index].kind {
                FrameKind::Component { component_type, .. } => {
                    // RT-2.1
                    // rule: a new child component gets the next component id when the diff meets
                    // it, and its initial parameters at once (so its first render is queued now).
                    let component_type = *component_type;
                    let child = self.renderer.instantiate_child(component_type, self.component_id);
                    if let FrameKind::Component { component_id, .. } = &mut new[index].kind {
                        *component_id = child;
                    }
                    self.renderer
                        .set_child_parameters(child, ParameterView::for_component(new, index));
                }
                FrameKind::Attribute { .. } => self.init_new_attribute(new, index),
                FrameKind::ElementReferenceCapture { .. } => self.init_element_reference_capture(new, index),
                FrameKind::ComponentReferenceCapture { .. } => self.init_component_reference_capture(new, index),
                FrameKind::NamedEvent { .. } => self.init_named_event(new, index),
                _ => {}
            }
        }
    }

    /// rule: a named event frame of an inserted subtree (or inserted on its own) is added.
    fn init_named_event(&mut self, new: &[RenderFrame], index: usize) {
        let component_id = self.component_id;
        self.renderer
            .batch
            .named_event_change(NamedEventChangeType::Added, component_id, new, index);
    }

    // RT-3.1
    /// rule: an attribute whose value is a delegate and whose name is at least three characters
    /// long and starts with "on" (ordinal, case-sensitive) gets the next event handler id.
    fn init_new_attribute(&mut self, new: &mut [RenderFrame], index: usize) {
        let component_id = self.component_id;
        if let FrameKind::Attribute {
            name,
            value: AttributeValue::EventHandler(handler),
            event_handler_id,
        } = &mut new[index].kind
        {
            if name.len() >= 3 && name.as_bytes().starts_with(b"on") {
                *event_handler_id = self.renderer.assign_event_handler_id(component_id, handler);
            }
        }
    }

    fn init_element_reference_capture(&mut self, new: &mut [RenderFrame], index: usize) {
        let id = self.renderer.new_element_reference_id();
        if let FrameKind::ElementReferenceCapture { id: slot, action } = &mut new[index].kind {
            *slot = Some(id.clone());
            action(ElementReference { id });
        }
    }

    fn init_component_reference_capture(&mut self, new: &mut [RenderFrame], index: usize) {
        if let FrameKind::ComponentReferenceCapture {
            parent_frame_index,
            action,
        } = &new[index].kind
        {
            if let Some(component_id) = new.get(*parent_frame_index).and_then(RenderFrame::component_id) {
                action(component_id);
            }
        }
    }
}

/// The key table of one sibling range. Blazor's is a `Dictionary` in insertion order (the old
/// range's keys in order, then keys only in the new range); when every key is an integer the
/// same answers come from each side's keys sorted, without hashing.
enum KeyedItems {
    Ints(IntKeys),
    Table(KeyTable),
}

/// An integer key, its frame's index and its place among its side's keys.
pub(crate) type IntKey = (i64, usize, u32);

/// Every key of the range an integer: each side's `(key, frame index, ordinal)` sorted by key
/// (found by binary search), where the ordinal is the key's place among its side's keys.
struct IntKeys {
    old: Vec<IntKey>,
    new: Vec<IntKey>,
    /// The sibling indexes of moved items, by the old ordinal (allocated on the first move):
    /// only keys in both trees move, and their place in Blazor's table is their old ordinal.
    moves: Vec<(i32, i32)>,
}

/// The key table of one sibling range: insertion-ordered, as .NET's `Dictionary` enumerates
/// when nothing was removed from it.
struct KeyTable {
    slots: FxHashMap<Key, usize>,
    items: Vec<KeyedItemInfo>,
}

#[derive(Clone, Copy, Debug)]
struct KeyedItemInfo {
    old_index: isize,
    new_index: isize,
    old_sibling_index: i32,
    new_sibling_index: i32,
}

impl Default for KeyedItemInfo {
    fn default() -> Self {
        KeyedItemInfo {
            old_index: -1,
            new_index: -1,
            old_sibling_index: -1,
            new_sibling_index: -1,
        }
    }
}

impl KeyedItems {
    // RT-1.4: a key twice in one range is refused.
    /// rule: the table lists the old range's keys in order, then the new range's keys: a key
    /// already listed gets its new index (its place in the order stays), others are appended.
    /// A key twice on one side is an error.
    #[allow(clippy::too_many_arguments)]
    fn build(
        old: &[RenderFrame],
        new: &[RenderFrame],
        old_start: usize,
        old_end: usize,
        new_start: usize,
        new_end: usize,
        buffers: &mut Vec<Vec<IntKey>>,
    ) -> Result<Self, Key> {
        match IntKeys::build(old, new, old_start, old_end, new_start, new_end, buffers) {
            Some(ints) => Ok(KeyedItems::Ints(ints)),
            // Other keys, or a duplicate (the table finds the one Blazor reports).
            None => KeyTable::build(old, new, old_start, old_end, new_start, new_end).map(KeyedItems::Table),
        }
    }

    /// Where the item with this key is in the old range (-1: not there).
    fn old_index(&self, key: &Key) -> isize {
        match (self, key) {
            (KeyedItems::Ints(ints), Key::Int(key)) => {
                IntKeys::find(&ints.old, *key).map_or(-1, |(index, _)| index as isize)
            }
            (KeyedItems::Ints(_), Key::String(_)) => -1,
            (KeyedItems::Table(table), key) => table.get(key).old_index,
        }
    }

    /// Where the item with this key is in the new range (-1: not there).
    fn new_index(&self, key: &Key) -> isize {
        match (self, key) {
            (KeyedItems::Ints(ints), Key::Int(key)) => {
                IntKeys::find(&ints.new, *key).map_or(-1, |(index, _)| index as isize)
            }
            (KeyedItems::Ints(_), Key::String(_)) => -1,
            (KeyedItems::Table(table), key) => table.get(key).new_index,
        }
    }

    fn set_old_sibling_index(&mut self, key: &Key, sibling_index: i32) {
        match self {
            KeyedItems::Ints(ints) => {
                if let Some(slot) = ints.move_slot(key) {
                    slot.0 = sibling_index;
                }
            }
            KeyedItems::Table(table) => table.set_old_sibling_index(key, sibling_index),
        }
    }

    fn set_new_sibling_index(&mut self, key: &Key, sibling_index: i32) {
        match self {
            KeyedItems::Ints(ints) => {
                if let Some(slot) = ints.move_slot(key) {
                    slot.1 = sibling_index;
                }
            }
            KeyedItems::Table(table) => table.set_new_sibling_index(key, sibling_index),
        }
    }

    /// The moved items' (old sibling index, new sibling index), in the table's order.
    fn permutations(&self) -> Vec<(i32, i32)> {
        let moved = |&(old, new): &(i32, i32)| old >= 0 && new >= 0;
        match self {
            KeyedItems::Ints(ints) => ints.moves.iter().copied().filter(moved).collect(),
            KeyedItems::Table(table) => table
                .items
                .iter()
                .map(|info| (info.old_sibling_index, info.new_sibling_index))
                .filter(moved)
                .collect(),
        }
    }
}

impl IntKeys {
    /// `None` if a key is not an integer or one side has a key twice. The key lists reuse
    /// `buffers`' allocations (see [`Self::recycle`]).
    #[allow(clippy::too_many_arguments)]
    fn build(
        old: &[RenderFrame],
        new: &[RenderFrame],
        old_start: usize,
        old_end: usize,
        new_start: usize,
        new_end: usize,
        buffers: &mut Vec<Vec<IntKey>>,
    ) -> Option<Self> {
        fn side(
            frames: &[RenderFrame],
            start: usize,
            end: usize,
            buffers: &mut Vec<Vec<IntKey>>,
        ) -> Option<Vec<IntKey>> {
            let mut keys = buffers.pop().unwrap_or_default();
            keys.clear();
            let mut sorted = true;
            let mut index = start;
            while index < end {
                match frames[index].key() {
                    Some(Key::Int(key)) => {
                        sorted &= keys.last().is_none_or(|&(last, _, _)| last < *key);
                        keys.push((*key, index, keys.len() as u32));
                    }
                    Some(Key::String(_)) => {
                        buffers.push(keys);
                        return None;
                    }
                    None => {}
                }
                index = next_sibling_index(&frames[index], index);
            }
            if !sorted {
                // Stable, so a key's occurrences stay in order; fast on the nearly sorted keys of
                // a list whose items moved a little.
                keys.sort_by_key(|&(key, _, _)| key);
                if keys.windows(2).any(|pair| pair[0].0 == pair[1].0) {
                    buffers.push(keys);
                    return None;
                }
            }
            Some(keys)
        }
        let old = side(old, old_start, old_end, buffers)?;
        let Some(new) = side(new, new_start, new_end, buffers) else {
            buffers.push(old);
            return None;
        };
        Some(IntKeys {
            old,
            new,
            moves: Vec::new(),
        })
    }

    /// Gives the key lists' allocations back for the next key tables.
    fn recycle(self, buffers: &mut Vec<Vec<IntKey>>) {
        if buffers.len() < 8 {
            buffers.extend([self.old, self.new]);
        }
    }

    #[inline]
    fn find(keys: &[IntKey], key: i64) -> Option<(usize, u32)> {
        if keys.is_empty() {
            return None;
        }
        let at = keys.binary_search_by_key(&key, |&(key, _, _)| key).ok()?;
        let (_, index, ordinal) = keys[at];
        Some((index, ordinal))
    }

    fn move_slot(&mut self, key: &Key) -> Option<&mut (i32, i32)> {
        let Key::Int(key) = key else {
            return None;
        };
        let (_, ordinal) = Self::find(&self.old, *key)?;
        if self.moves.is_empty() {
            self.moves = vec![(-1, -1); self.old.len()];
        }
        self.moves.get_mut(ordinal as usize)
    }
}

impl KeyTable {
    fn build(
        old: &[RenderFrame],
        new: &[RenderFrame],
        old_start: usize,
        old_end: usize,
        new_start: usize,
        new_end: usize,
    ) -> Result<Self, Key> {
        let mut table = KeyTable {
            slots: FxHashMap::default(),
            items: Vec::new(),
        };
        let mut index = old_start;
        while index < old_end {
            if let Some(key) = old[index].key() {
                if table.slots.contains_key(key) {
                    return Err(key.clone());
                }
                table.slots.insert(key.clone(), table.items.len());
                table.items.push(KeyedItemInfo {
                    old_index: index as isize,
                    ..Default::default()
                });
            }
            index = next_sibling_index(&old[index], index);
        }
        let mut index = new_start;
        while index < new_end {
            if let Some(key) = new[index].key() {
                match table.slots.get(key) {
                    None => {
                        table.slots.insert(key.clone(), table.items.len());
                        table.items.push(KeyedItemInfo {
                            new_index: index as isize,
                            ..Default::default()
                        });
                    }
                    Some(&slot) => {
                        if table.items[slot].new_index >= 0 {
                            return Err(key.clone());
                        }
                        table.items[slot] = KeyedItemInfo {
                            old_index: table.items[slot].old_index,
                            new_index: index as isize,
                            ..Default::default()
                        };
                    }
                }
            }
            index = next_sibling_index(&new[index], index);
        }
        Ok(table)
    }

    fn get(&self, key: &Key) -> KeyedItemInfo {
        self.slots.get(key).map(|&slot| self.items[slot]).unwrap_or_default()
    }

    fn set_old_sibling_index(&mut self, key: &Key, sibling_index: i32) {
        if let Some(&slot) = self.slots.get(key) {
            self.items[slot].old_sibling_index = sibling_index;
        }
    }

    fn set_new_sibling_index(&mut self, key: &Key, sibling_index: i32) {
        if let Some(&slot) = self.slots.get(key) {
            self.items[slot].new_sibling_index = sibling_index;
        }
    }
}

#[inline]
fn next_sibling_index(frame: &RenderFrame, index: usize) -> usize {
    index + frame.subtree_length().max(1) as usize
}

/// Appends `frame` as a reference frame.
#[inline(always)]
fn push_reference_frame(frames: &mut Vec<Frame<Str>>, frame: &RenderFrame) {
    frame.push_reference_frame(frames);
}

/// An unchanged handler keeps its event handler id: the old frame is carried over (for a handler
/// without an allocation, equivalent handlers are the same bits, so only the id is copied).
#[inline]
fn carry_over_event_handler_id(old: &[RenderFrame], new: &mut [RenderFrame], old_index: usize, new_index: usize) {
    if let (
        FrameKind::Attribute {
            event_handler_id: old_id,
            ..
        },
        FrameKind::Attribute {
            value: AttributeValue::EventHandler(handler),
            event_handler_id,
            ..
        },
    ) = (&old[old_index].kind, &mut new[new_index].kind)
    {
        if handler.is_code_only() {
            *event_handler_id = *old_id;
            return;
        }
    }
    new[new_index] = old[old_index].clone();
}

/// The end of the attribute frames from `index` on, before `end`.
#[inline]
fn attributes_end_from(tree: &[RenderFrame], mut index: usize, end: usize) -> usize {
    while index < end && matches!(tree[index].kind, FrameKind::Attribute { .. }) {
        index += 1;
    }
    index
}

#[inline]
fn attribute_name(frame: &RenderFrame) -> Option<&Str> {
    match &frame.kind {
        FrameKind::Attribute { name, .. } => Some(name),
        _ => None,
    }
}

fn frame_type_name(frame: &RenderFrame) -> &'static str {
    match &frame.kind {
        FrameKind::Element { .. } => "element",
        FrameKind::Text { .. } => "text",
        FrameKind::Markup { .. } => "markup",
        FrameKind::Attribute { .. } => "attribute",
        FrameKind::Component { .. } => "component",
        FrameKind::Region { .. } => "region",
        FrameKind::ElementReferenceCapture { .. } => "element reference capture",
        FrameKind::ComponentReferenceCapture { .. } => "component reference capture",
        FrameKind::NamedEvent { .. } => "named event",
    }
}

/// `ParameterView.DefinitelyEquals`.
///
// RT-2.5
/// rule: a child's parameters are definitely unchanged only if both lists have the same length,
/// the same names in the same order, and no value may have changed (see
/// [`AttributeValue::may_have_changed`]).
fn parameters_definitely_equal(old: &[RenderFrame], old_index: usize, new: &[RenderFrame], new_index: usize) -> bool {
    let old_end = old_index + old[old_index].subtree_length() as usize;
    let new_end = new_index + new[new_index].subtree_length() as usize;
    let (mut o, mut n) = (old_index + 1, new_index + 1);
    loop {
        let old_attribute = if o < old_end { old[o].attribute() } else { None };
        let new_attribute = if n < new_end { new[n].attribute() } else { None };
        match (old_attribute, new_attribute) {
            (None, None) => return true,
            (Some((old_name, old_value)), Some((new_name, new_value))) => {
                if old_name != new_name || old_value.may_have_changed(new_value) {
                    return false;
                }
            }
            _ => return false,
        }
        o += 1;
        n += 1;
    }
}
