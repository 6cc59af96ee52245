//! Unit tests of named events (`@formname`), two-way binding's field info and
//! `AddMultipleAttributes`.

use brasa_protocol::render_batch::{Edit, Frame, FrameType};

use crate::*;

use super::{frames, rerender, root};

fn edits(batch: &Batch) -> Vec<Edit<Str>> {
    batch.updated_components.iter().flat_map(|d| d.edits.clone()).collect()
}

/// (change type, frame index, event type, assigned name) of a batch's named event changes.
fn changes(batch: &Batch) -> Vec<(NamedEventChangeType, usize, &str, &str)> {
    batch
        .named_event_changes
        .iter()
        .map(|c| (c.change_type, c.frame_index, &*c.event_type, &*c.assigned_name))
        .collect()
}

use NamedEventChangeType::{Added, Removed};

// ------------------------------------------------------------------------------------------
// Named events

#[test]
fn a_named_event_is_a_frame_of_the_element_with_sequence_zero() {
    // RT-1.8: written after the attributes, inside the element, sequence 0, sent with no data.
    let (frames, result) = frames(|b| {
        b.open_element(68, "form");
        b.add_attribute(69, "id", "named");
        b.add_named_event("onsubmit", "named-form");
        b.add_markup_content(71, "<button>named</button>");
        b.close_element();
    });
    result.unwrap();
    assert_eq!(frames.len(), 4);
    assert_eq!(frames[0].subtree_length(), 4);
    assert_eq!(frames[2].frame_type(), FrameType::NamedEvent);
    assert_eq!(frames[2].sequence(), 0);
    assert_eq!(frames[2].named_event(), Some(("onsubmit", "named-form")));
    assert_eq!(frames[2].to_reference_frame(), Frame::NamedEvent);
}

#[test]
fn a_named_event_outside_an_element_or_without_a_name_is_refused() {
    // RT-1.8, RT-1.2
    let (_, result) = frames(|b| b.add_named_event("onsubmit", "x"));
    assert!(
        matches!(result, Err(BuildError::MisplacedNamedEvent { .. })),
        "{result:?}"
    );
    let (_, result) = frames(|b| {
        b.open_region(0);
        b.add_named_event("onsubmit", "x");
        b.close_region();
    });
    assert!(
        matches!(result, Err(BuildError::MisplacedNamedEvent { .. })),
        "{result:?}"
    );
    let (_, result) = frames(|b| {
        b.open_element(0, "form");
        b.add_named_event("onsubmit", "");
        b.close_element();
    });
    assert!(
        matches!(result, Err(BuildError::EmptyNamedEventName { .. })),
        "{result:?}"
    );
}

#[test]
fn an_inserted_named_event_is_sent_as_sixteen_zero_bytes_and_inserts_nothing() {
    // RT-1.8: the reference frame of type 10 has no data; the document shows only the form.
    let (_, _, batch) = root((), |_, b| {
        b.open_element(0, "form");
        b.add_attribute(1, "id", "named");
        b.add_named_event("onsubmit", "named-form");
        b.add_content(2, "x");
        b.close_element();
    });
    assert_eq!(batch.reference_frames[2], Frame::NamedEvent);
    assert_eq!(
        batch.reference_frames[0],
        Frame::Element {
            subtree_length: 4,
            name: Str::from("form")
        }
    );
    let bytes = batch.encode().unwrap();
    // The frames section starts after the diffs: find the third 20-byte frame entry by decoding.
    let decoded = brasa_protocol::render_batch::decode(&bytes).unwrap();
    assert_eq!(decoded.reference_frames[2], Frame::NamedEvent);
    let entry = 10i32.to_le_bytes().into_iter().chain([0u8; 16]).collect::<Vec<u8>>();
    assert!(bytes.windows(20).any(|w| w == entry.as_slice()));
    assert_eq!(
        brasa_dom::apply_to_html(&[bytes]).unwrap(),
        "<!--!--><form id=\"named\">x</form>"
    );
    assert_eq!(changes(&batch), [(Added, 2, "onsubmit", "named-form")]);
}

/// Old tree: `existing` with an attribute; new tree: the same plus a named event, and a new
/// element with one (Blazor's `RecognizesNamedEventBeingAdded`).
#[test]
fn named_events_added_to_a_retained_and_a_new_element() {
    // RT-1.8
    let (mut renderer, id, _) = root(false, |added, b| {
        b.open_element(0, "existing");
        b.add_attribute(1, "attr1", "unrelated val1");
        if *added {
            b.add_named_event("someevent1", "added to existing element");
        }
        b.close_element();
        if *added {
            b.open_element(2, "new element");
            b.add_named_event("someevent2", "added with new element");
            b.close_element();
        }
    });
    let batch = rerender(&mut renderer, id, |added: &mut bool| *added = true);
    assert_eq!(
        edits(&batch),
        [Edit::PrependFrame {
            sibling_index: 1,
            reference_frame_index: 0
        }]
    );
    assert_eq!(
        changes(&batch),
        [
            (Added, 2, "someevent1", "added to existing element"),
            (Added, 4, "someevent2", "added with new element")
        ]
    );
    assert!(batch.named_event_changes.iter().all(|c| c.component_id == id));
}

#[test]
fn named_events_removed_from_a_retained_and_with_a_removed_element() {
    // RT-1.8 (Blazor's `RecognizesNamedEventBeingRemoved`)
    let (mut renderer, id, _) = root(true, |present, b| {
        b.open_element(0, "retaining");
        b.add_attribute(1, "attr1", "unrelated val1");
        if *present {
            b.add_named_event("someevent1", "removing from retained element");
        }
        b.close_element();
        if *present {
            b.open_element(2, "removing");
            b.add_named_event("someevent2", "removed because element was removed");
            b.close_element();
        }
    });
    let batch = rerender(&mut renderer, id, |present: &mut bool| *present = false);
    assert_eq!(edits(&batch), [Edit::RemoveFrame { sibling_index: 1 }]);
    assert_eq!(
        changes(&batch),
        [
            (Removed, 2, "someevent1", "removing from retained element"),
            (Removed, 4, "someevent2", "removed because element was removed")
        ]
    );
}

#[test]
fn a_named_event_at_another_index_or_with_another_name_is_removed_and_added() {
    // RT-1.8 (Blazor's `RecognizesNamedEventBeingMoved` and `...ChangingAssignedName`)
    let (mut renderer, id, _) = root(0, |step, b| {
        b.open_element(0, "elem");
        if *step >= 1 {
            b.add_attribute(1, "attr1", "unrelated val1");
        }
        b.add_named_event("eventname1", if *step >= 2 { "changed name" } else { "original name" });
        b.add_named_event("eventname2", "will be left unchanged");
        b.close_element();
    });
    // Moved one frame on: the attribute is the only edit (the StepIn with nothing in it is dropped).
    let batch = rerender(&mut renderer, id, |step: &mut i32| *step = 1);
    assert_eq!(
        edits(&batch),
        [Edit::SetAttribute {
            sibling_index: 0,
            reference_frame_index: 0
        }]
    );
    assert_eq!(
        changes(&batch),
        [
            (Removed, 1, "eventname1", "original name"),
            (Added, 2, "eventname1", "original name"),
            (Removed, 2, "eventname2", "will be left unchanged"),
            (Added, 3, "eventname2", "will be left unchanged")
        ]
    );
    // Renamed in place: no edit, the old name removed and the new one added.
    let batch = rerender(&mut renderer, id, |step: &mut i32| *step = 2);
    assert!(edits(&batch).is_empty(), "{:?}", edits(&batch));
    assert_eq!(
        changes(&batch),
        [
            (Removed, 2, "eventname1", "original name"),
            (Added, 2, "eventname1", "changed name")
        ]
    );
    // Unchanged: nothing.
    let batch = rerender(&mut renderer, id, |_: &mut i32| {});
    assert!(batch.named_event_changes.is_empty());
}

#[derive(Default)]
struct Forms {
    submitted: Vec<&'static str>,
    second: bool,
    duplicate: bool,
}

impl Component for Forms {
    fn render(&self, b: &mut RenderTreeBuilder<'_>) {
        b.open_element(0, "form");
        b.add_attribute(
            1,
            "onsubmit",
            EventHandler::new(|f: &mut Forms, _: &EventArgs| f.submitted.push("a")),
        );
        b.add_named_event("onsubmit", "a");
        b.close_element();
        if self.second {
            b.open_element(2, "form");
            b.add_attribute(3, "id", "b");
            b.add_attribute(
                4,
                "onSubmit",
                EventHandler::new(|f: &mut Forms, _: &EventArgs| f.submitted.push("b")),
            );
            b.add_named_event("onsubmit", if self.duplicate { "a" } else { "b" });
            b.close_element();
        }
        b.open_element(5, "form");
        b.add_named_event("onsubmit", "no handler");
        b.close_element();
    }
}

#[test]
fn the_renderer_finds_a_named_event_by_its_name() {
    // RT-1.8: the record follows the batches (added, moved, renamed, removed, disposed).
    let mut renderer = Renderer::new();
    let id = renderer.add_root_component(Forms::default());
    renderer.render_root_component(id).unwrap();
    let a = renderer.find_named_event("onsubmit", "a").unwrap().expect("a handler");
    renderer.dispatch_event(a, &EventArgs::Empty).unwrap();
    assert_eq!(renderer.component::<Forms>(id).unwrap().submitted, ["a"]);
    assert_eq!(
        renderer.find_named_event("onsubmit", "b"),
        Err(NamedEventError::NotFound {
            event_type: "onsubmit".into(),
            assigned_name: "b".into()
        })
    );
    assert_eq!(renderer.find_named_event("onclick", "a").ok(), None);
    // A form without a handler is found, and has nothing to dispatch.
    assert_eq!(renderer.find_named_event("onsubmit", "no handler"), Ok(None));

    // The second form moves the third one on; its handler attribute matches ignoring case.
    renderer.with_component(id, |f: &mut Forms| f.second = true).unwrap();
    renderer.state_has_changed(id).unwrap();
    renderer.process_render_queue().unwrap();
    let b = renderer.find_named_event("onsubmit", "b").unwrap().expect("b handler");
    renderer.dispatch_event(b, &EventArgs::Empty).unwrap();
    assert_eq!(renderer.component::<Forms>(id).unwrap().submitted, ["a", "b"]);
    assert_eq!(renderer.find_named_event("onsubmit", "no handler"), Ok(None));

    // Two forms with one name: an error naming the component twice.
    renderer.with_component(id, |f: &mut Forms| f.duplicate = true).unwrap();
    renderer.state_has_changed(id).unwrap();
    renderer.process_render_queue().unwrap();
    assert!(matches!(
        renderer.find_named_event("onsubmit", "a"),
        Err(NamedEventError::Ambiguous { component_ids, .. }) if component_ids == [id, id]
    ));
    assert!(renderer.find_named_event("onsubmit", "b").is_err());

    // Disposing the component removes its named events.
    let batch = renderer.remove_root_component(id).unwrap().unwrap();
    assert_eq!(
        changes(&batch),
        [
            (Removed, 2, "onsubmit", "a"),
            (Removed, 6, "onsubmit", "a"),
            (Removed, 8, "onsubmit", "no handler")
        ]
    );
    assert!(renderer.find_named_event("onsubmit", "no handler").is_err());
}

// ------------------------------------------------------------------------------------------
// Field info (two-way binding)

/// `<input value="@text" @oninput=...>` as `@bind="text" @bind:event="oninput"` compiles it,
/// and `<input type="checkbox" checked="@done" @onchange=...>` as `@bind="done"` does; then a
/// component and a form with a named event after them (frames whose places shift when an
/// attribute is inserted). `unbound` leaves out `SetUpdatesAttributeName`.
#[derive(Default)]
struct Bound {
    text: String,
    done: bool,
    /// The handler uppercases what it receives.
    upper: bool,
    /// Whether the handlers name the attribute they update.
    unbound: bool,
    /// Each render gives the text handler a new identity (so a new event handler id).
    unique: bool,
    /// Renders requested after the first are skipped (`should_render`).
    frozen: bool,
    renders: usize,
}

impl Component for Bound {
    fn should_render(&self) -> bool {
        !self.frozen
    }

    fn render(&self, b: &mut RenderTreeBuilder<'_>) {
        b.open_region(0);
        b.open_element(1, "div");
        b.open_element(2, "input");
        b.add_attribute(3, "value", self.text.clone());
        let set_text = |c: &mut Bound, e: &EventArgs| {
            let value = e.value().unwrap_or_default();
            c.text = if c.upper { value.to_uppercase() } else { value };
        };
        let handler = if self.unique {
            EventHandler::unique(set_text)
        } else {
            EventHandler::new(set_text)
        };
        b.add_attribute(4, "oninput", handler);
        if !self.unbound {
            b.set_updates_attribute_name("value");
        }
        b.close_element();
        b.open_element(5, "input");
        b.add_attribute(6, "type", "checkbox");
        b.add_attribute(7, "checked", self.done);
        b.add_attribute(
            8,
            "onchange",
            EventHandler::new(|c: &mut Bound, e: &EventArgs| c.done = e.checked().unwrap_or(false)),
        );
        if !self.unbound {
            b.set_updates_attribute_name("checked");
        }
        b.close_element();
        b.close_element();
        b.close_region();
        if !self.done {
            b.open_component::<Counterless>(9);
            b.close_component();
        }
        b.open_element(10, "form");
        b.add_attribute(
            11,
            "onsubmit",
            EventHandler::new(|c: &mut Bound, _: &EventArgs| c.renders += 1),
        );
        b.add_named_event("onsubmit", "f");
        b.close_element();
    }
}

#[derive(Default)]
struct Counterless;

impl Component for Counterless {
    fn render(&self, b: &mut RenderTreeBuilder<'_>) {
        b.add_content(0, "child");
    }
}

fn bound(setup: impl FnOnce(&mut Bound)) -> (Renderer, ComponentId, u64, u64) {
    let mut component = Bound::default();
    setup(&mut component);
    let mut renderer = Renderer::new();
    let id = renderer.add_root_component(component);
    renderer.render_root_component(id).unwrap();
    let ids = |name: &str| {
        renderer
            .current_render_tree(id)
            .unwrap()
            .iter()
            .filter(|f| f.attribute().is_some_and(|(n, _)| n == name))
            .map(RenderFrame::event_handler_id)
            .next()
            .unwrap()
    };
    let (input, change) = (ids("oninput"), ids("onchange"));
    (renderer, id, input, change)
}

fn text_info(id: ComponentId, value: &str) -> EventFieldInfo {
    EventFieldInfo {
        component_id: id,
        field_value: ChangeValue::String(value.into()),
    }
}

fn attribute_edits(batch: &Batch) -> Vec<(String, Option<String>)> {
    edits(batch)
        .iter()
        .filter_map(|edit| match edit {
            Edit::SetAttribute {
                reference_frame_index, ..
            } => match &batch.reference_frames[*reference_frame_index as usize] {
                Frame::Attribute { name, value, .. } => Some((name.to_string(), value.as_ref().map(|v| v.to_string()))),
                _ => None,
            },
            Edit::RemoveAttribute { name, .. } => Some((name.to_string(), None)),
            _ => None,
        })
        .collect()
}

#[test]
fn a_typed_value_the_component_keeps_is_not_sent_back() {
    // RT-3.4, EV-3.5: with the field info, the tree already holds "A": the render sends no attribute.
    let (mut renderer, id, input, _) = bound(|_| {});
    let args = EventArgs::change("A");
    let batch = renderer
        .dispatch_event_with_field_info(input, Some(&text_info(id, "A")), &args)
        .unwrap()
        .unwrap();
    assert_eq!(attribute_edits(&batch), []);
    assert_eq!(renderer.component::<Bound>(id).unwrap().text, "A");

    // Without it, the same event sends the value the browser already shows.
    let (mut renderer, _, input, _) = bound(|_| {});
    let batch = renderer.dispatch_event(input, &args).unwrap().unwrap();
    assert_eq!(attribute_edits(&batch), [("value".into(), Some("A".into()))]);
}

#[test]
fn a_value_the_component_changes_is_sent() {
    // RT-3.4: the tree holds what the browser shows ("a"); the component renders "A".
    let (mut renderer, id, input, _) = bound(|c| c.upper = true);
    let batch = renderer
        .dispatch_event_with_field_info(input, Some(&text_info(id, "a")), &EventArgs::change("a"))
        .unwrap()
        .unwrap();
    assert_eq!(attribute_edits(&batch), [("value".into(), Some("A".into()))]);
}

#[test]
fn field_info_is_ignored_without_an_updated_attribute_or_for_another_component() {
    // RT-3.4: a handler that names no attribute it updates, or field info naming a component
    // that does not exist or does not hold the handler, changes nothing.
    let (mut renderer, id, input, _) = bound(|c| c.unbound = true);
    let batch = renderer
        .dispatch_event_with_field_info(input, Some(&text_info(id, "A")), &EventArgs::change("A"))
        .unwrap()
        .unwrap();
    assert_eq!(attribute_edits(&batch), [("value".into(), Some("A".into()))]);
    for other in [id + 100, id + 1] {
        let (mut renderer, id, input, _) = bound(|_| {});
        assert!(renderer.component_count() >= 2);
        let info = text_info(if other == id + 100 { other } else { id + 1 }, "A");
        let batch = renderer
            .dispatch_event_with_field_info(input, Some(&info), &EventArgs::change("A"))
            .unwrap()
            .unwrap();
        assert_eq!(attribute_edits(&batch), [("value".into(), Some("A".into()))]);
    }
}

#[test]
fn a_checked_box_inserts_the_attribute_with_the_system_sequence_number() {
    // RT-3.4: no `checked` frame (false writes none): one is inserted as the element's first
    // attribute, with sequence int.MinValue, the containers grow, and the frames after it move
    // on (the child component and the named event are still found); the diff then matches the
    // attribute by name.
    let (mut renderer, id, _, change) = bound(|c| c.frozen = true);
    let tree = |renderer: &Renderer| renderer.current_render_tree(id).unwrap().to_vec();
    let lengths = |tree: &[RenderFrame]| tree[..3].iter().map(RenderFrame::subtree_length).collect::<Vec<_>>();
    let before = tree(&renderer);
    assert_eq!(lengths(&before), [8, 7, 3]);
    assert_eq!(before[5].subtree_length(), 3);
    let info = EventFieldInfo {
        component_id: id,
        field_value: ChangeValue::Bool(true),
    };
    // The component does not render after this event (`should_render` says no): the tree
    // stays as patched.
    let batch = renderer
        .dispatch_event_with_field_info(change, Some(&info), &EventArgs::Change(ChangeValue::Bool(true)))
        .unwrap();
    assert!(batch.is_none());
    let after = tree(&renderer);
    assert_eq!(lengths(&after), [9, 8, 3]);
    assert_eq!(after[5].subtree_length(), 4);
    assert_eq!(after[6].sequence(), i32::MIN);
    assert!(matches!(
        after[6].attribute(),
        Some(("checked", AttributeValue::Bool(true)))
    ));
    assert_eq!(after[7].attribute().unwrap().0, "type");
    assert_eq!(after[9].frame_type(), FrameType::Component);
    assert_eq!(after[12].named_event(), Some(("onsubmit", "f")));
    let submit = after[11].event_handler_id();
    assert_eq!(renderer.find_named_event("onsubmit", "f"), Ok(Some(submit)));

    // Checked: the attribute the browser shows is already in the tree, so no edit for it; the
    // child component (moved one frame on) is disposed.
    renderer.with_component(id, |c: &mut Bound| c.frozen = false).unwrap();
    renderer.state_has_changed(id).unwrap();
    let batch = renderer.process_render_queue().unwrap().unwrap();
    assert_eq!(attribute_edits(&batch), []);
    assert_eq!(batch.disposed_component_ids.len(), 1);
    assert_eq!(renderer.find_named_event("onsubmit", "f"), Ok(Some(submit)));

    // Unchecked: the frame holds false now, and the render without `checked` removes it.
    let info = EventFieldInfo {
        component_id: id,
        field_value: ChangeValue::Bool(false),
    };
    let batch = renderer
        .dispatch_event_with_field_info(change, Some(&info), &EventArgs::Change(ChangeValue::Bool(false)))
        .unwrap()
        .unwrap();
    assert_eq!(attribute_edits(&batch), [("checked".into(), None)]);

    // Without field info the first click sends `checked`.
    let (mut renderer, _, _, change) = bound(|_| {});
    let batch = renderer
        .dispatch_event(change, &EventArgs::Change(ChangeValue::Bool(true)))
        .unwrap()
        .unwrap();
    assert_eq!(attribute_edits(&batch), [("checked".into(), Some("".into()))]);
}

#[test]
fn an_unchecked_box_writes_no_attribute() {
    // RT-3.4: `false` for an element without the attribute inserts nothing.
    let (mut renderer, id, _, change) = bound(|c| c.frozen = true);
    let before = renderer.current_render_tree(id).unwrap().len();
    let info = EventFieldInfo {
        component_id: id,
        field_value: ChangeValue::Bool(false),
    };
    renderer
        .dispatch_event_with_field_info(change, Some(&info), &EventArgs::Empty)
        .unwrap();
    assert_eq!(renderer.current_render_tree(id).unwrap().len(), before);
}

#[test]
fn field_info_follows_the_handler_that_replaced_the_id() {
    // RT-3.4: with deferred retirement an event may name an id already replaced by a newer
    // handler on the same attribute: the newest one's element is patched.
    let (mut renderer, id, input, _) = bound(|c| c.unique = true);
    renderer.set_deferred_event_handler_retirement(true);
    renderer.state_has_changed(id).unwrap();
    renderer.process_render_queue().unwrap();
    assert_ne!(renderer.latest_event_handler_id(input), input);
    let batch = renderer
        .dispatch_event_with_field_info(input, Some(&text_info(id, "A")), &EventArgs::change("A"))
        .unwrap()
        .unwrap();
    assert_eq!(
        attribute_edits(&batch)
            .iter()
            .filter(|(name, _)| name == "value")
            .count(),
        0,
        "{:?}",
        attribute_edits(&batch)
    );
}

#[test]
fn set_updates_attribute_name_must_follow_an_attribute() {
    // RT-3.4
    let (_, result) = frames(|b| b.set_updates_attribute_name("value"));
    assert!(matches!(result, Err(BuildError::MisplacedUpdatesAttributeName { .. })));
    let (_, result) = frames(|b| {
        b.open_element(0, "input");
        b.set_updates_attribute_name("value");
        b.close_element();
    });
    assert!(matches!(result, Err(BuildError::MisplacedUpdatesAttributeName { .. })));
}

// ------------------------------------------------------------------------------------------
// AddMultipleAttributes

/// The (sequence, name, value as the batch carries it) of the attribute frames.
fn attributes(frames: &[RenderFrame]) -> Vec<(i32, String, Option<String>)> {
    frames
        .iter()
        .filter_map(|f| {
            let (name, value) = f.attribute()?;
            Some((
                f.sequence(),
                name.to_owned(),
                value.wire_string().map(|v| v.to_string()),
            ))
        })
        .collect()
}

fn attr(sequence: i32, name: &str, value: Option<&str>) -> (i32, String, Option<String>) {
    (sequence, name.to_owned(), value.map(str::to_owned))
}

#[test]
fn the_last_of_duplicate_attributes_wins_ignoring_case() {
    // RT-1.9 (Blazor's `AddMultipleAttributes_...OverridesAttribute` family)
    let (frames, result) = frames(|b| {
        b.open_element(0, "div");
        b.add_attribute(1, "attribute-1", "value1");
        b.add_attribute(2, "class", "before");
        b.add_multiple_attributes(3, [("attribute-1", "value2"), ("CLASS", "splat"), ("id", "x")]);
        b.add_attribute(4, "Id", "after");
        b.add_content(5, "text");
        b.close_element();
    });
    result.unwrap();
    assert_eq!(
        attributes(&frames),
        [
            attr(3, "attribute-1", Some("value2")),
            attr(3, "CLASS", Some("splat")),
            attr(4, "Id", Some("after"))
        ]
    );
    // The content moved back; the element's subtree length counts what is left.
    assert_eq!(frames.len(), 5);
    assert_eq!(frames[0].subtree_length(), 5);
    assert_eq!(frames[4].frame_type(), FrameType::Text);
}

#[test]
fn a_later_null_or_false_removes_earlier_attributes_and_an_earlier_one_is_overridden() {
    // RT-1.9: a value written as no frame still counts as the last.
    let (frames, result) = frames(|b| {
        b.open_element(0, "input");
        b.add_multiple_attributes(
            1,
            [("disabled", AttributeValue::from("yes")), ("a", AttributeValue::Null)],
        );
        b.add_attribute(2, "disabled", false);
        b.add_attribute(3, "a", "kept");
        b.add_attribute(4, "b", "one");
        b.add_attribute(5, "b", Option::<&'static str>::None);
        b.add_attribute(6, "b", "three");
        b.close_element();
    });
    result.unwrap();
    assert_eq!(
        attributes(&frames),
        [attr(3, "a", Some("kept")), attr(6, "b", Some("three"))]
    );
    assert_eq!(frames[0].subtree_length(), 3);
}

#[test]
fn without_multiple_attributes_duplicates_are_kept() {
    // RT-1.9: only an element or component that had `add_multiple_attributes` is checked.
    let (frames, result) = frames(|b| {
        b.open_element(0, "div");
        b.add_attribute(1, "a", "x");
        b.add_attribute(2, "a", "y");
        b.close_element();
    });
    result.unwrap();
    assert_eq!(attributes(&frames), [attr(1, "a", Some("x")), attr(2, "a", Some("y"))]);
}

#[test]
fn duplicates_are_removed_when_the_first_child_opens_and_for_components() {
    // RT-1.9: a child element (or region, or component) ends its parent's attributes; a
    // component's parameters are checked the same way (null and false kept as values).
    let (frames, result) = frames(|b| {
        b.open_element(0, "div");
        b.add_multiple_attributes(1, [("a", "1"), ("a", "2")]);
        b.open_element(2, "span");
        b.add_attribute(3, "a", "child");
        b.add_attribute(4, "a", "child again");
        b.close_element();
        b.open_component::<Counterless>(5);
        b.add_multiple_attributes(
            6,
            [("P", AttributeValue::from("x")), ("p", AttributeValue::Bool(false))],
        );
        b.close_component();
        b.close_element();
    });
    result.unwrap();
    assert_eq!(
        attributes(&frames),
        [
            attr(1, "a", Some("2")),
            attr(3, "a", Some("child")),
            attr(4, "a", Some("child again")),
            attr(6, "p", None)
        ]
    );
    assert_eq!(
        frames.iter().map(RenderFrame::subtree_length).collect::<Vec<_>>(),
        [7, 1, 3, 1, 1, 2, 1]
    );
}

#[test]
fn multiple_attributes_out_of_place_are_refused() {
    // RT-1.9, RT-1.2
    let (_, result) = frames(|b| {
        b.open_element(0, "p");
        b.add_content(1, "x");
        b.add_multiple_attributes(2, [("a", "b")]);
        b.close_element();
    });
    assert!(
        matches!(result, Err(BuildError::MisplacedAttribute { .. })),
        "{result:?}"
    );
}

#[derive(Default)]
struct Splat {
    clicks: Vec<&'static str>,
    gone: bool,
}

impl Component for Splat {
    fn render(&self, b: &mut RenderTreeBuilder<'_>) {
        if self.gone {
            return;
        }
        b.open_element(0, "form");
        b.add_attribute(
            1,
            "onsubmit",
            EventHandler::new(|s: &mut Splat, _: &EventArgs| s.clicks.push("first")),
        );
        b.add_attribute(2, "value", "v");
        b.add_multiple_attributes(
            3,
            [(
                "onsubmit",
                EventHandler::new(|s: &mut Splat, _: &EventArgs| s.clicks.push("splat")),
            )],
        );
        b.set_updates_attribute_name("value");
        b.add_named_event("onsubmit", "splat");
        b.close_element();
        b.open_component::<Counterless>(4);
        b.close_component();
    }
}

#[test]
fn an_overridden_handler_gets_no_id_and_the_frames_after_it_are_still_tracked() {
    // RT-1.9, RT-3.1: the removed handler frame is given no event handler id; the attribute the
    // kept one updates, the named event and the child component after it are found where they
    // moved, and disposed from there.
    let mut renderer = Renderer::new();
    let id = renderer.add_root_component(Splat::default());
    let batch = renderer.render_root_component(id).unwrap().unwrap();
    assert_eq!(renderer.event_handler_count(), 1);
    let tree = renderer.current_render_tree(id).unwrap();
    assert_eq!(
        attributes(tree),
        [attr(2, "value", Some("v")), attr(3, "onsubmit", None)]
    );
    assert_eq!(changes(&batch), [(Added, 3, "onsubmit", "splat")]);
    let submit = renderer
        .find_named_event("onsubmit", "splat")
        .unwrap()
        .expect("a handler");
    // The handler still names the attribute it updates: the field info reaches `value`, which
    // the render then sets back to what the component writes.
    let batch = renderer
        .dispatch_event_with_field_info(submit, Some(&text_info(id, "typed")), &EventArgs::Empty)
        .unwrap()
        .unwrap();
    assert_eq!(renderer.component::<Splat>(id).unwrap().clicks, ["splat"]);
    assert_eq!(attribute_edits(&batch), [("value".into(), Some("v".into()))]);
    renderer.with_component(id, |s: &mut Splat| s.gone = true).unwrap();
    renderer.state_has_changed(id).unwrap();
    let batch = renderer.process_render_queue().unwrap().unwrap();
    assert_eq!(batch.disposed_event_handler_ids, [submit]);
    assert_eq!(batch.disposed_component_ids.len(), 1);
    assert_eq!(changes(&batch), [(Removed, 3, "onsubmit", "splat")]);
}

// ------------------------------------------------------------------------------------------
// Cascading values (RT-2.7)

/// `[CascadingParameter] string Label` and `[CascadingParameter(Name = "Theme")]`, with a
/// known-immutable `Index` parameter that never changes.
#[derive(Default)]
struct Reader {
    label: String,
    theme: String,
    sets: u32,
}

impl Component for Reader {
    fn set_parameters(&mut self, parameters: &ParameterView<'_>) {
        self.sets += 1;
        self.label = parameters
            .cascading(None)
            .and_then(AttributeValue::as_str)
            .unwrap_or("-")
            .to_owned();
        self.theme = parameters
            .cascading(Some("Theme"))
            .and_then(AttributeValue::as_str)
            .unwrap_or("-")
            .to_owned();
    }

    fn render(&self, b: &mut RenderTreeBuilder<'_>) {
        b.add_content(0, format!("{} {}", self.label, self.theme));
    }
}

/// (label, theme, theme fixed)
type Offer = (String, String, bool);

fn offer(state: &Offer, b: &mut RenderTreeBuilder<'_>) {
    b.open_component::<CascadingValue>(0);
    b.add_component_parameter(1, "Value", state.1.clone());
    b.add_component_parameter(2, "Name", "Theme");
    b.add_component_parameter(3, "IsFixed", state.2);
    b.add_component_parameter(
        4,
        "ChildContent",
        RenderFragment::new(|b| {
            b.open_element(5, "div");
            b.close_element();
        }),
    );
    b.close_component();
    b.open_component::<CascadingValue>(6);
    b.add_component_parameter(7, "Value", state.0.clone());
    b.add_component_parameter(
        8,
        "ChildContent",
        RenderFragment::new(|b| {
            b.open_component::<Reader>(9);
            b.add_component_parameter(10, "Index", AttributeValue::immutable(1));
            b.close_component();
        }),
    );
    b.close_component();
}

fn reader(renderer: &Renderer) -> (String, String, u32) {
    (0..renderer.component_count() as i32 + 8)
        .find_map(|id| renderer.component::<Reader>(id))
        .map(|r| (r.label.clone(), r.theme.clone(), r.sets))
        .expect("the reader")
}

#[test]
fn descendants_read_cascading_values_and_follow_their_changes() {
    // RT-2.7: the nearest unnamed value, a named one; a change reaches a descendant whose own
    // parameters did not change; only the named provider's own subtree sees the name.
    let (mut renderer, id, _) = root(("a".to_owned(), "dark".to_owned(), false), offer);
    // The Theme provider is a sibling, not an ancestor, of the reader: it does not see it.
    assert_eq!(reader(&renderer), ("a".into(), "-".into(), 1));
    let batch = rerender(&mut renderer, id, |s: &mut Offer| s.0 = "b".into());
    assert_eq!(reader(&renderer).0, "b");
    assert!(
        batch
            .reference_frames
            .iter()
            .any(|f| matches!(f, Frame::Text { content } if &**content == "b -")),
        "the reader re-rendered with the new value"
    );
    // An unchanged value does not set the reader's parameters again (its own are equal).
    let before = reader(&renderer).2;
    rerender(&mut renderer, id, |s: &mut Offer| s.1 = "light".into());
    assert_eq!(reader(&renderer).2, before);
}

#[test]
fn a_named_value_reaches_its_descendants_and_a_fixed_one_never_changes() {
    // RT-2.7
    fn nested(state: &Offer, b: &mut RenderTreeBuilder<'_>) {
        let label = state.0.clone();
        b.open_component::<CascadingValue>(0);
        b.add_component_parameter(1, "Value", state.1.clone());
        b.add_component_parameter(2, "Name", "Theme");
        b.add_component_parameter(3, "IsFixed", state.2);
        b.add_component_parameter(
            4,
            "ChildContent",
            RenderFragment::new(move |b| {
                b.open_component::<CascadingValue>(5);
                b.add_component_parameter(6, "Value", label.clone());
                b.add_component_parameter(
                    7,
                    "ChildContent",
                    RenderFragment::new(|b| {
                        b.open_component::<Reader>(8);
                        b.add_component_parameter(9, "Index", AttributeValue::immutable(1));
                        b.close_component();
                    }),
                );
                b.close_component();
            }),
        );
        b.close_component();
    }
    let (mut renderer, id, _) = root(("a".to_owned(), "dark".to_owned(), true), nested);
    assert_eq!(reader(&renderer), ("a".into(), "dark".into(), 1));
    // Fixed: a new theme is not passed on.
    rerender(&mut renderer, id, |s: &mut Offer| s.1 = "light".into());
    assert_eq!(reader(&renderer).1, "dark");
    // Not fixed any more: the next change is.
    rerender(&mut renderer, id, |s: &mut Offer| s.2 = false);
    rerender(&mut renderer, id, |s: &mut Offer| s.1 = "blue".into());
    assert_eq!(reader(&renderer).1, "blue");
}
