//! Unit tests of named events (`@formname`), two-way binding's field info and
//! `AddMultipleAttributes`.

use brasa_protocol::render_batch::{Edit, Frame, FrameType};

use crate::*;

/// A component whose render is a closure over its `state`.
struct Root<S: Send + Sync + 'static> {
    state: S,
    render: fn(&S, &mut RenderTreeBuilder<'_>),
}

impl<S: Send + Sync + 'static> Component for Root<S> {
    fn render(&self, b: &mut RenderTreeBuilder<'_>) {
        (self.render)(&self.state, b)
    }
}

fn root<S: Send + Sync + 'static>(
    state: S,
    render: fn(&S, &mut RenderTreeBuilder<'_>),
) -> (Renderer, ComponentId, Batch) {
    let mut renderer = Renderer::new();
    let id = renderer.add_root_component(Root { state, render });
    let batch = renderer.render_root_component(id).unwrap().unwrap();
    (renderer, id, batch)
}

fn rerender<S: Send + Sync + 'static>(renderer: &mut Renderer, id: ComponentId, f: impl FnOnce(&mut S)) -> Batch {
    renderer.with_component(id, |r: &mut Root<S>| f(&mut r.state)).unwrap();
    renderer.state_has_changed(id).unwrap();
    renderer.process_render_queue().unwrap().unwrap()
}

fn frames(render: impl FnOnce(&mut RenderTreeBuilder<'_>)) -> (Vec<RenderFrame>, Result<(), BuildError>) {
    let mut frames = Vec::new();
    let mut builder = RenderTreeBuilder::new(&mut frames, 0);
    render(&mut builder);
    let result = builder.finish();
    (frames, result)
}

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
