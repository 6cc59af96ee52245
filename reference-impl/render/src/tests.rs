//! Unit tests of the builder, the diff and the renderer.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use brasa_protocol::render_batch::{Edit, Frame};

use crate::*;

/// Named events, field info and `AddMultipleAttributes`.
mod features;

/// A root whose render is a closure over its `state`.
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

#[test]
fn false_and_null_attributes_add_no_frame_true_is_written_as_empty_string() {
    // rule: on an element, `false` and null omit the attribute; `true` is written as "".
    let (frames, result) = frames(|b| {
        b.open_element(0, "input");
        b.add_attribute(1, "disabled", false);
        b.add_attribute(2, "class", Option::<&'static str>::None);
        b.add_attribute(3, "checked", true);
        b.add_attribute(4, "size", 10);
        b.close_element();
    });
    result.unwrap();
    assert_eq!(frames.len(), 3);
    assert_eq!(frames[0].subtree_length(), 3);
    assert_eq!(
        frames[1].to_reference_frame(),
        Frame::Attribute {
            name: Str::from("checked"),
            value: Some(Str::EMPTY),
            event_handler_id: 0
        }
    );
    // rule: a non-string value on an element becomes its text.
    assert_eq!(frames[2].attribute().unwrap().1.as_str(), Some("10"));
}

#[test]
fn component_parameters_keep_false_and_null() {
    // rule: on a component every parameter value is kept, `false` and null included.
    let (frames, result) = frames(|b| {
        b.open_component::<Leaf>(0);
        b.add_attribute(1, "Flag", false);
        b.add_component_parameter(2, "Text", Option::<String>::None);
        b.close_component();
    });
    result.unwrap();
    assert_eq!(frames.len(), 3);
    assert_eq!(frames[0].subtree_length(), 3);
}

#[test]
fn builder_misuse_is_reported_not_panicked() {
    let (_, result) = frames(|b| {
        b.open_element(0, "div");
        b.add_content(1, "text");
        b.add_attribute(2, "class", "late");
        b.close_element();
    });
    assert_eq!(result, Err(BuildError::MisplacedAttribute { name: "class".into() }));
    let (_, result) = frames(|b| b.open_element(0, "div"));
    assert!(matches!(result, Err(BuildError::Unclosed(_))));
    let (_, result) = frames(|b| b.close_region());
    assert!(matches!(result, Err(BuildError::MismatchedClose { .. })));
}

/// A leaf counting its renders.
#[derive(Default)]
struct Leaf {
    text: Str,
}

static LEAF_RENDERS: AtomicUsize = AtomicUsize::new(0);

impl Component for Leaf {
    fn set_parameters(&mut self, parameters: &ParameterView<'_>) {
        self.text = parameters.get_str("Text").unwrap_or_default();
    }
    fn render(&self, b: &mut RenderTreeBuilder<'_>) {
        LEAF_RENDERS.fetch_add(1, Ordering::SeqCst);
        b.add_content(0, &self.text);
    }
}

#[test]
fn a_leaf_whose_text_did_not_change_is_not_rerendered() {
    // rule: a retained child whose parameters are all known-immutable and equal gets no new
    // parameters, so it does not re-render; a changed string makes it re-render.
    let (mut renderer, id, first) = root(("same", "first"), |s, b| {
        b.open_component::<Leaf>(0);
        b.add_component_parameter(1, "Text", s.0);
        b.close_component();
        b.open_component::<Leaf>(2);
        b.add_component_parameter(3, "Text", s.1);
        b.close_component();
    });
    let ids: Vec<_> = first.updated_components.iter().map(|d| d.component_id).collect();
    assert_eq!(ids, [0, 1, 2], "children render after the parent, in creation order");

    let batch = rerender(&mut renderer, id, |s: &mut (&str, &str)| s.1 = "second");
    let ids: Vec<_> = batch.updated_components.iter().map(|d| d.component_id).collect();
    assert_eq!(ids, [0, 2], "the leaf whose text did not change is not re-rendered");
    assert_eq!(batch.updated_components[0].edits, []);
    assert_eq!(
        batch.updated_components[1].edits,
        [Edit::UpdateText {
            sibling_index: 0,
            reference_frame_index: 0
        }]
    );
}

#[test]
fn keys_of_different_types_never_match() {
    // rule: keys compare with object.Equals: the integer 1 and the string "1" are different keys.
    let (mut renderer, id, _) = root(false, |as_string, b| {
        b.open_element(0, "li");
        if *as_string {
            b.set_key("1");
        } else {
            b.set_key(1);
        }
        b.add_content(1, "item");
        b.close_element();
    });
    let batch = rerender(&mut renderer, id, |s: &mut bool| *s = true);
    assert_eq!(
        batch.updated_components[0].edits,
        [
            Edit::PrependFrame {
                sibling_index: 0,
                reference_frame_index: 0
            },
            Edit::RemoveFrame { sibling_index: 1 },
        ]
    );
    assert_ne!(Key::from(1), Key::from("1"));
}

#[test]
fn keyed_moves_are_a_permutation_list() {
    let (mut renderer, id, _) = root(vec![1, 2, 3], |items, b| {
        for item in items {
            b.open_element(0, "li");
            b.set_key(*item);
            b.add_content(1, item.to_string());
            b.close_element();
        }
    });
    let batch = rerender(&mut renderer, id, |items: &mut Vec<i32>| items.swap(0, 2));
    assert_eq!(
        batch.updated_components[0].edits,
        [
            Edit::PermutationListEntry {
                sibling_index: 0,
                move_to_sibling_index: 2
            },
            Edit::PermutationListEntry {
                sibling_index: 2,
                move_to_sibling_index: 0
            },
            Edit::PermutationListEnd,
        ]
    );
}

#[test]
fn duplicate_keys_fault_the_renderer() {
    let (mut renderer, id, _) = root(false, |dup, b| {
        for key in [1, if *dup { 1 } else { 2 }] {
            b.open_element(0, "li");
            b.set_key(key);
            b.close_element();
        }
    });
    renderer
        .with_component(id, |r: &mut Root<bool>| r.state = true)
        .unwrap();
    renderer.state_has_changed(id).unwrap();
    assert!(matches!(
        renderer.process_render_queue(),
        Err(RenderError::DuplicateKey { .. })
    ));
    assert_eq!(renderer.process_render_queue(), Err(RenderError::Faulted));
}

#[derive(Default)]
struct Counter {
    count: i32,
}

impl Component for Counter {
    fn render(&self, b: &mut RenderTreeBuilder<'_>) {
        b.open_element(0, "button");
        b.add_attribute(
            1,
            "onclick",
            EventHandler::new(|c: &mut Counter, _: &EventArgs| c.count += 1),
        );
        b.add_content(2, self.count.to_string());
        b.close_element();
    }
}

#[test]
fn unknown_and_retired_event_handler_ids_are_errors() {
    let mut renderer = Renderer::new();
    let id = renderer.add_root_component(Counter::default());
    renderer.render_root_component(id).unwrap();
    assert_eq!(
        renderer.dispatch_event(0, &EventArgs::Empty),
        Err(DispatchEventError::UnknownEventHandler(0))
    );
    assert_eq!(
        renderer.dispatch_event(2, &EventArgs::Empty),
        Err(DispatchEventError::UnknownEventHandler(2))
    );

    // The same code for the same receiver: the id is kept across renders.
    let batch = renderer.dispatch_event(1, &EventArgs::Empty).unwrap().unwrap();
    assert!(batch.disposed_event_handler_ids.is_empty());
    assert_eq!(renderer.component::<Counter>(id).unwrap().count, 1);

    // Removing the component retires its handler's id in the same batch.
    let batch = renderer.remove_root_component(id).unwrap().unwrap();
    assert_eq!(batch.disposed_component_ids, [id]);
    assert_eq!(batch.disposed_event_handler_ids, [1]);
    assert_eq!(
        renderer.dispatch_event(1, &EventArgs::Empty),
        Err(DispatchEventError::RetiredEventHandler(1))
    );
}

#[test]
fn event_handler_equivalence() {
    // rule: same code + same receiver is the same delegate; a closure's captured values must be
    // equal too; a capturing Rust closure cannot be compared, so it is always new.
    fn handler(_: &mut Counter, _: &EventArgs) {}
    let a = EventHandler::new(handler).with_receiver(0);
    assert!(a.same_as(&EventHandler::new(handler).with_receiver(0)));
    assert!(!a.same_as(&EventHandler::new(handler).with_receiver(1)));
    assert!(!a.same_as(&EventHandler::new(|_: &mut Counter, _: &EventArgs| {}).with_receiver(0)));

    let select = |id: i32| EventHandler::capturing(id, |_: &mut Counter, _: &i32, _: &EventArgs| {}).with_receiver(0);
    assert!(select(1).same_as(&select(1)));
    assert!(!select(1).same_as(&select(2)));

    let captured = String::from("x");
    let opaque = EventHandler::new(move |_: &mut Counter, _: &EventArgs| {
        let _ = captured.len();
    })
    .with_receiver(0);
    assert!(opaque.same_as(&opaque.clone()));
    let unique = EventHandler::unique(handler).with_receiver(0);
    assert!(!unique.same_as(&a) && unique.same_as(&unique.clone()));
}

#[test]
fn a_changed_handler_gets_a_new_id_and_retires_the_old_one() {
    let (mut renderer, id, first) = root(1, |n, b| {
        b.open_element(0, "button");
        b.add_attribute(
            1,
            "onclick",
            EventHandler::capturing(*n, |_: &mut Root<i32>, _: &i32, _: &EventArgs| {}),
        );
        b.close_element();
    });
    assert_eq!(
        first.reference_frames[1],
        Frame::Attribute {
            name: Str::from("onclick"),
            value: None,
            event_handler_id: 1
        }
    );
    let batch = rerender(&mut renderer, id, |n: &mut i32| *n = 2);
    assert_eq!(
        batch.updated_components[0].edits,
        [Edit::SetAttribute {
            sibling_index: 0,
            reference_frame_index: 0
        }]
    );
    assert_eq!(
        batch.reference_frames[0],
        Frame::Attribute {
            name: Str::from("onclick"),
            value: None,
            event_handler_id: 2
        }
    );
    assert_eq!(batch.disposed_event_handler_ids, [1]);
    assert!(renderer.has_event_handler(2) && !renderer.has_event_handler(1));
    // rule: an attribute whose name does not start with "on" gets no event handler id.
    let (_, _, batch) = root((), |_, b| {
        b.open_element(0, "div");
        b.add_attribute(
            1,
            "data-handler",
            EventHandler::new(|_: &mut Root<()>, _: &EventArgs| {}),
        );
        b.add_attribute(2, "on", EventHandler::new(|_: &mut Root<()>, _: &EventArgs| {}));
        b.close_element();
    });
    assert!(batch.reference_frames.iter().all(|f| !matches!(
        f,
        Frame::Attribute {
            event_handler_id: 1..,
            ..
        }
    )));
}

/// Renders its child content inside a `<div>`.
#[derive(Default)]
struct Panel {
    child_content: Option<RenderFragment>,
}

impl Component for Panel {
    fn set_parameters(&mut self, parameters: &ParameterView<'_>) {
        self.child_content = parameters.get_fragment("ChildContent");
    }
    fn render(&self, b: &mut RenderTreeBuilder<'_>) {
        b.open_element(0, "div");
        if let Some(content) = &self.child_content {
            b.add_fragment(1, content);
        }
        b.close_element();
    }
}

#[derive(Default)]
struct Page {
    clicks: i32,
}

impl Component for Page {
    fn render(&self, b: &mut RenderTreeBuilder<'_>) {
        let clicks = self.clicks;
        b.open_component::<Panel>(0);
        b.add_component_parameter(
            1,
            "ChildContent",
            RenderFragment::new(move |b| {
                b.open_element(2, "button");
                b.add_attribute(
                    3,
                    "onclick",
                    EventHandler::new(|p: &mut Page, _: &EventArgs| p.clicks += 1),
                );
                b.add_content(4, clicks.to_string());
                b.close_element();
            }),
        );
        b.close_component();
    }
}

#[test]
fn handlers_in_child_content_run_on_the_component_that_wrote_them() {
    let mut renderer = Renderer::new();
    let page = renderer.add_root_component(Page::default());
    let first = renderer.render_root_component(page).unwrap().unwrap();
    assert_eq!(first.updated_components.len(), 2);
    let batch = renderer.dispatch_event(1, &EventArgs::Empty).unwrap().unwrap();
    assert_eq!(renderer.component::<Page>(page).unwrap().clicks, 1);
    // rule: a render fragment is a new delegate each render, so the child re-renders too.
    let ids: Vec<_> = batch.updated_components.iter().map(|d| d.component_id).collect();
    assert_eq!(ids, [page, 1]);
    assert_eq!(renderer.parent_of(1), Some(page));
}

#[test]
fn removing_a_component_disposes_its_descendants_and_their_handlers() {
    let (mut renderer, id, _) = root(true, |show, b| {
        if *show {
            b.open_component::<Counter>(0);
            b.close_component();
        }
    });
    assert_eq!(renderer.component_count(), 2);
    let batch = rerender(&mut renderer, id, |show: &mut bool| *show = false);
    assert_eq!(
        batch.updated_components[0].edits,
        [Edit::RemoveFrame { sibling_index: 0 }]
    );
    assert_eq!(batch.disposed_component_ids, [1]);
    assert_eq!(batch.disposed_event_handler_ids, [1]);
    assert_eq!(renderer.component_count(), 1);
}

#[test]
fn element_reference_captures_are_written_and_invoked_once() {
    static CAPTURED: AtomicUsize = AtomicUsize::new(0);
    let seen = Arc::new(std::sync::Mutex::new(None));
    let (mut renderer, id, batch) = root(seen.clone(), |seen, b| {
        b.open_element(0, "input");
        let seen = seen.clone();
        b.add_element_reference_capture(1, move |reference| {
            CAPTURED.fetch_add(1, Ordering::SeqCst);
            *seen.lock().unwrap() = Some(reference.id);
        });
        b.close_element();
    });
    let id_written = seen.lock().unwrap().clone().unwrap();
    assert_eq!(
        batch.reference_frames[1],
        Frame::ElementReferenceCapture { id: id_written }
    );
    rerender(&mut renderer, id, |_: &mut Arc<std::sync::Mutex<Option<Str>>>| {});
    assert_eq!(CAPTURED.load(Ordering::SeqCst), 1);
}

#[test]
fn batches_encode_to_decodable_bytes() {
    let (_, _, batch) = root((), |_, b| {
        b.open_element(0, "p");
        b.add_attribute(1, "class", "c");
        b.add_markup_content(2, "<b>hi</b>");
        b.close_element();
    });
    let bytes = batch.encode().unwrap();
    assert_eq!(
        brasa_protocol::render_batch::decode(&bytes).unwrap(),
        batch.to_render_batch()
    );
}

#[test]
fn deferred_retirement_keeps_ids_until_the_batch_is_acknowledged() {
    let (mut renderer, id, _) = root(true, |show, b| {
        if *show {
            b.open_component::<Counter>(0);
            b.close_component();
        }
    });
    renderer.set_deferred_event_handler_retirement(true);
    let batch = rerender(&mut renderer, id, |show: &mut bool| *show = false);
    assert_eq!(batch.disposed_event_handler_ids, [1]);
    // rule: a live id whose component is gone is ignored, not an error.
    assert_eq!(renderer.dispatch_event(1, &EventArgs::Empty), Ok(None));
    renderer.acknowledge_batches(renderer.batches_produced());
    assert_eq!(
        renderer.dispatch_event(1, &EventArgs::Empty),
        Err(DispatchEventError::RetiredEventHandler(1))
    );
}

#[test]
fn the_renderer_can_move_between_threads() {
    fn assert_send<T: Send>() {}
    assert_send::<Renderer>();
    assert_send::<Batch>();
}

#[test]
fn frames_and_values_stay_small() {
    // The renderer writes, diffs and drops every frame of a tree on each render: these sizes are
    // most of its memory traffic (see benches/README.md, "Renderer").
    use std::mem::size_of;
    assert_eq!(size_of::<Str>(), 24);
    assert_eq!(size_of::<crate::Key>(), 24);
    assert_eq!(size_of::<Option<crate::Key>>(), 24);
    assert_eq!(size_of::<crate::EventHandler>(), 32);
    assert_eq!(size_of::<crate::AttributeValue>(), 32);
    assert_eq!(size_of::<RenderFrame>(), 72);
}

#[test]
fn handlers_without_captures_or_with_small_ones_need_no_allocation_and_compare_by_value() {
    // Zero-sized code, with an integer captured, is kept in the handler itself; other captured
    // values still compare by value.
    let select = |id: i64| EventHandler::capturing(id, |c: &mut Counter, id: &i64, _: &EventArgs| c.count = *id as i32);
    assert!(select(7).with_receiver(0).same_as(&select(7).with_receiver(0)));
    assert!(!select(7).with_receiver(0).same_as(&select(8).with_receiver(0)));
    let named = |name: &str| {
        EventHandler::capturing(name.to_owned(), |c: &mut Counter, name: &String, _: &EventArgs| {
            c.count = name.len() as i32
        })
    };
    assert!(named("a").with_receiver(0).same_as(&named("a").with_receiver(0)));
    assert!(!named("a").with_receiver(0).same_as(&named("b").with_receiver(0)));
    let mut counter = Counter::default();
    select(-3).invoke(&mut counter, &EventArgs::Empty).unwrap();
    assert_eq!(counter.count, -3);
    named("abcd").invoke(&mut counter, &EventArgs::Empty).unwrap();
    assert_eq!(counter.count, 4);
}

#[test]
fn recycling_batches_changes_no_batch() {
    // Keyed rows (integer keys, moved, removed, inserted) with handlers and child components,
    // rendered by two renderers: one gives every batch back, one drops them.
    type Rows = Vec<(i64, &'static str)>;
    fn render(rows: &Rows, b: &mut RenderTreeBuilder<'_>) {
        b.open_element(0, "ul");
        for (id, label) in rows {
            b.open_element(1, "li");
            b.set_key(*id);
            b.add_attribute(
                2,
                "onclick",
                EventHandler::capturing(*id, |_: &mut Root<Rows>, _: &i64, _: &EventArgs| {}),
            );
            b.add_content(3, *label);
            if id % 2 == 0 {
                b.open_component::<Counter>(4);
                b.close_component();
            }
            b.close_element();
        }
        b.close_element();
    }
    let steps: Vec<fn(&mut Rows)> = vec![
        |rows| *rows = (1..=6).map(|id| (id, "a")).collect(),
        |rows| rows.swap(1, 4),
        |rows| {
            rows.remove(2);
        },
        |rows| rows.insert(0, (9, "new")),
        |rows| rows[3].1 = "changed",
        |rows| rows.reverse(),
        |rows| rows.clear(),
        |rows| *rows = (20..25).map(|id| (id, "b")).collect(),
    ];
    let (mut kept, kept_id, first) = root(Rows::new(), render);
    let (mut recycled, recycled_id, _) = root(Rows::new(), render);
    recycled.recycle_batch(first);
    for step in steps {
        let expected = rerender(&mut kept, kept_id, step);
        let actual = rerender(&mut recycled, recycled_id, step);
        assert_eq!(actual, expected);
        assert_eq!(actual.encode().unwrap(), expected.encode().unwrap());
        recycled.recycle_batch(actual);
        assert_eq!(recycled.event_handler_count(), kept.event_handler_count());
        assert_eq!(recycled.component_count(), kept.component_count());
    }
}
