//! Unit tests of batch application: every edit and frame type, permutation lists, attributes
//! and special properties, event handlers, captures, and the semantic errors.

use brasa_protocol::render_batch::{Diff, Edit, EditType, Frame, RenderBatch, encode};

use crate::{ApplyError, ContainerRole, Document, EditError, Namespace, NodeKind, RootContainer};

fn el(subtree_length: i32, name: &str) -> Frame {
    Frame::Element {
        subtree_length,
        name: name.into(),
    }
}
fn attr(name: &str, value: &str) -> Frame {
    Frame::Attribute {
        name: name.into(),
        value: Some(value.into()),
        event_handler_id: 0,
    }
}
fn null_attr(name: &str) -> Frame {
    Frame::Attribute {
        name: name.into(),
        value: None,
        event_handler_id: 0,
    }
}
fn handler(name: &str, id: u64) -> Frame {
    Frame::Attribute {
        name: name.into(),
        value: None,
        event_handler_id: id,
    }
}
fn text(s: &str) -> Frame {
    Frame::Text { content: s.into() }
}
fn markup(s: &str) -> Frame {
    Frame::Markup { content: s.into() }
}
fn comp(subtree_length: i32, component_id: i32) -> Frame {
    Frame::Component {
        subtree_length,
        component_id,
    }
}
fn region(subtree_length: i32) -> Frame {
    Frame::Region { subtree_length }
}
fn capture(id: &str) -> Frame {
    Frame::ElementReferenceCapture { id: id.into() }
}

fn prepend(sibling_index: i32, reference_frame_index: i32) -> Edit {
    Edit::PrependFrame {
        sibling_index,
        reference_frame_index,
    }
}
fn remove(sibling_index: i32) -> Edit {
    Edit::RemoveFrame { sibling_index }
}
fn set_attr(sibling_index: i32, reference_frame_index: i32) -> Edit {
    Edit::SetAttribute {
        sibling_index,
        reference_frame_index,
    }
}
fn remove_attr(sibling_index: i32, name: &str) -> Edit {
    Edit::RemoveAttribute {
        sibling_index,
        name: name.into(),
    }
}
fn update_text(sibling_index: i32, reference_frame_index: i32) -> Edit {
    Edit::UpdateText {
        sibling_index,
        reference_frame_index,
    }
}
fn update_markup(sibling_index: i32, reference_frame_index: i32) -> Edit {
    Edit::UpdateMarkup {
        sibling_index,
        reference_frame_index,
    }
}
fn step_in(sibling_index: i32) -> Edit {
    Edit::StepIn { sibling_index }
}
fn permute(sibling_index: i32, move_to_sibling_index: i32) -> Edit {
    Edit::PermutationListEntry {
        sibling_index,
        move_to_sibling_index,
    }
}

fn batch(diffs: Vec<(i32, Vec<Edit>)>, frames: Vec<Frame>) -> RenderBatch {
    RenderBatch {
        updated_components: diffs
            .into_iter()
            .map(|(component_id, edits)| Diff { component_id, edits })
            .collect(),
        reference_frames: frames,
        ..Default::default()
    }
}

/// A document whose component 0 rendered `frames` (all inserted at the top level).
fn rendered(frames: Vec<Frame>) -> Document {
    let mut doc = Document::with_root_component(0);
    let mut edits = Vec::new();
    let mut index = 0;
    let mut sibling = 0;
    while index < frames.len() {
        edits.push(prepend(sibling, index as i32));
        sibling += 1;
        index += match &frames[index] {
            Frame::Element { subtree_length, .. } | Frame::Component { subtree_length, .. } => *subtree_length as usize,
            _ => 1,
        };
    }
    doc.apply_batch(&batch(vec![(0, edits)], frames)).unwrap();
    doc
}

fn html(doc: &Document) -> String {
    doc.inner_html()
        .strip_prefix("<!--!-->")
        .expect("the root marker comes first")
        .to_owned()
}

fn edit_error(result: Result<(), ApplyError>) -> EditError {
    match result {
        Err(ApplyError::Edit { error, .. }) => error,
        other => panic!("expected an edit error, got {other:?}"),
    }
}

#[test]
fn prepend_frame_inserts_every_kind_of_frame() {
    let doc = rendered(vec![
        el(4, "DIV"),
        attr("Class", "a"),
        text("one"),
        el(1, "br"),
        text(" & <two>"),
        markup("<b>three</b> four"),
        comp(2, 1),
        attr("Title", "a parameter, not an attribute"),
    ]);
    assert_eq!(
        html(&doc),
        "<div class=\"a\">one<br></div> &amp; &lt;two&gt;<!--!--><b>three</b> four<!--!-->"
    );
    let root_container = doc.component_container(0).unwrap();
    // Logical children of component 0: the div, the text, the markup block, the component.
    let children = doc.logical_children(root_container);
    assert_eq!(children.len(), 4);
    assert_eq!(doc.container_role(children[2]), Some(ContainerRole::Markup));
    assert_eq!(doc.logical_children(children[2]).len(), 2);
    assert_eq!(doc.container_role(children[3]), Some(ContainerRole::Component(1)));
    assert_eq!(doc.component_container(1), Some(children[3]));
}

#[test]
fn regions_are_flattened_and_named_events_insert_nothing() {
    let mut doc = Document::with_root_component(0);
    let frames = vec![
        region(4),
        text("a"),
        region(2),
        text("b"),
        el(3, "form"),
        attr("method", "post"),
        Frame::NamedEvent,
    ];
    doc.apply_batch(&batch(vec![(0, vec![prepend(0, 0), prepend(2, 4)])], frames))
        .unwrap();
    assert_eq!(html(&doc), "ab<form method=\"post\"></form>");
    assert_eq!(doc.logical_children(doc.component_container(0).unwrap()).len(), 3);
}

#[test]
fn child_components_fill_their_containers_and_count_as_one_sibling() {
    let mut doc = Document::with_root_component(0);
    let frames = vec![
        text("before"),
        comp(1, 1),
        text("after"),
        el(2, "p"),
        text("inside 1"),
        comp(1, 2),
        text("inside 2"),
        text("late"),
    ];
    doc.apply_batch(&batch(
        vec![
            (0, vec![prepend(0, 0), prepend(1, 1), prepend(2, 2)]),
            (1, vec![prepend(0, 3), prepend(1, 5)]),
            (2, vec![prepend(0, 6)]),
        ],
        frames,
    ))
    .unwrap();
    assert_eq!(html(&doc), "before<!--!--><p>inside 1</p><!--!-->inside 2after");
    // Index 2 of component 0 is "after": the component before it counts once.
    doc.apply_batch(&batch(vec![(0, vec![prepend(2, 0)])], vec![text("between")]))
        .unwrap();
    assert_eq!(html(&doc), "before<!--!--><p>inside 1</p><!--!-->inside 2betweenafter");
    // Appending to component 1 puts the node after its last logical child's range.
    doc.apply_batch(&batch(vec![(1, vec![prepend(2, 0)])], vec![text("end of 1")]))
        .unwrap();
    assert_eq!(
        html(&doc),
        "before<!--!--><p>inside 1</p><!--!-->inside 2end of 1betweenafter"
    );
    // Removing component 1's container removes everything it rendered, nested components too.
    doc.apply_batch(&RenderBatch {
        updated_components: vec![Diff {
            component_id: 0,
            edits: vec![remove(1)],
        }],
        disposed_component_ids: vec![1, 2],
        ..Default::default()
    })
    .unwrap();
    assert_eq!(html(&doc), "beforebetweenafter");
    assert_eq!(doc.component_ids(), vec![0]);
}

#[test]
fn edits_below_the_top_level_step_in_and_out() {
    let mut doc = rendered(vec![el(5, "ul"), el(2, "li"), text("a"), el(2, "li"), text("b")]);
    let frames = vec![text("B"), attr("class", "x"), el(2, "li"), text("c")];
    let edits = vec![
        step_in(0),
        step_in(1),
        update_text(0, 0),
        Edit::StepOut,
        set_attr(0, 1),
        prepend(2, 2),
        Edit::StepOut,
    ];
    doc.apply_batch(&batch(vec![(0, edits)], frames)).unwrap();
    assert_eq!(html(&doc), "<ul><li class=\"x\">a</li><li>B</li><li>c</li></ul>");
}

#[test]
fn attributes_are_set_in_place_removed_and_lower_cased_on_html_elements() {
    let mut doc = rendered(vec![el(3, "div"), attr("id", "d"), attr("title", "t")]);
    doc.apply_batch(&batch(
        vec![(0, vec![set_attr(0, 0), set_attr(0, 1), set_attr(0, 2)])],
        vec![attr("ID", "e"), attr("data-X", "1 < 2 & \"3\""), null_attr("title")],
    ))
    .unwrap();
    assert_eq!(
        html(&doc),
        "<div id=\"e\" data-x=\"1 &lt; 2 &amp; &quot;3&quot;\"></div>"
    );
    doc.apply_batch(&batch(
        vec![(0, vec![remove_attr(0, "id"), remove_attr(0, "missing")])],
        vec![],
    ))
    .unwrap();
    assert_eq!(html(&doc), "<div data-x=\"1 &lt; 2 &amp; &quot;3&quot;\"></div>");
}

#[test]
fn update_text_and_update_markup() {
    let mut doc = rendered(vec![text("old"), markup("<i>a</i><i>b</i>"), text("tail")]);
    doc.apply_batch(&batch(
        vec![(0, vec![update_text(0, 0), update_markup(1, 1)])],
        vec![text("new"), markup("<p>x<p>y")],
    ))
    .unwrap();
    assert_eq!(html(&doc), "new<!--!--><p>x</p><p>y</p>tail");
    // Empty markup is parsed as a single space.
    doc.apply_batch(&batch(vec![(0, vec![update_markup(1, 0)])], vec![markup("")]))
        .unwrap();
    assert_eq!(html(&doc), "new<!--!--> tail");
}

#[test]
fn permutation_lists_move_whole_ranges_together() {
    // Children: a, component 1 (two nodes), <b>, component 2 (empty), <c>.
    let mut doc = Document::with_root_component(0);
    let frames = vec![
        text("a"),
        comp(1, 1),
        el(1, "b"),
        comp(1, 2),
        el(1, "c"),
        text("1x"),
        text("1y"),
    ];
    doc.apply_batch(&batch(
        vec![
            (0, (0..5).map(|i| prepend(i, i)).collect()),
            (1, vec![prepend(0, 5), prepend(1, 6)]),
        ],
        frames,
    ))
    .unwrap();
    assert_eq!(html(&doc), "a<!--!-->1x1y<b></b><!--!--><c></c>");
    // Rotate: a→4, comp1→0, b→1, comp2→2, c→3.
    let edits = vec![
        permute(0, 4),
        permute(1, 0),
        permute(2, 1),
        permute(3, 2),
        permute(4, 3),
        Edit::PermutationListEnd,
    ];
    doc.apply_batch(&batch(vec![(0, edits)], vec![])).unwrap();
    assert_eq!(html(&doc), "<!--!-->1x1y<b></b><!--!--><c></c>a");
    // The logical children follow, so later edits see the new order.
    doc.apply_batch(&batch(vec![(0, vec![remove(0), prepend(0, 0)])], vec![text("z")]))
        .unwrap();
    assert_eq!(html(&doc), "z<b></b><!--!--><c></c>a");
    assert!(!doc.is_connected(doc.component_container(1).unwrap()));
}

#[test]
fn a_removal_before_a_permutation_list_shifts_its_indexes() {
    let mut doc = rendered(vec![
        el(2, "i"),
        text("A"),
        el(2, "i"),
        text("B"),
        el(2, "i"),
        text("C"),
        el(2, "i"),
        text("D"),
    ]);
    // Remove B, then swap what are now indexes 0 and 2 (A and D).
    let edits = vec![remove(1), permute(0, 2), permute(2, 0), Edit::PermutationListEnd];
    doc.apply_batch(&batch(vec![(0, edits)], vec![])).unwrap();
    assert_eq!(html(&doc), "<i>D</i><i>C</i><i>A</i>");
}

#[test]
fn permutation_lists_work_below_the_top_level() {
    let mut doc = rendered(vec![
        el(7, "ul"),
        el(2, "li"),
        text("1"),
        el(2, "li"),
        text("2"),
        el(2, "li"),
        text("3"),
    ]);
    let edits = vec![
        step_in(0),
        permute(0, 2),
        permute(2, 0),
        Edit::PermutationListEnd,
        Edit::StepOut,
    ];
    doc.apply_batch(&batch(vec![(0, edits)], vec![])).unwrap();
    assert_eq!(html(&doc), "<ul><li>3</li><li>2</li><li>1</li></ul>");
}

#[test]
fn value_and_checked_are_properties_on_form_controls() {
    let doc = rendered(vec![
        el(3, "input"),
        attr("value", "typed"),
        attr("checked", ""),
        el(3, "input"),
        attr("type", "checkbox"),
        attr("checked", ""),
        el(3, "input"),
        attr("type", "hidden"),
        attr("value", "sent"),
        el(3, "textarea"),
        attr("value", "body"),
        text("default"),
        el(2, "button"),
        attr("value", "b"),
        el(2, "div"),
        attr("checked", ""),
    ]);
    assert_eq!(
        html(&doc),
        "<input><input type=\"checkbox\"><input type=\"hidden\" value=\"sent\"><textarea>default</textarea>\
         <button value=\"b\"></button><div checked=\"\"></div>"
    );
    let nodes: Vec<_> = doc
        .children(doc.root())
        .into_iter()
        .filter(|&n| doc.kind(n) == NodeKind::Element)
        .collect();
    assert_eq!(doc.value_property(nodes[0]).as_deref(), Some("typed"));
    assert_eq!(doc.checked_property(nodes[0]), Some(true));
    assert_eq!(doc.checked_property(nodes[1]), Some(true));
    assert_eq!(doc.value_property(nodes[1]).as_deref(), Some("on"));
    assert_eq!(doc.value_property(nodes[2]).as_deref(), Some("sent"));
    assert_eq!(doc.value_property(nodes[3]).as_deref(), Some("body"));
}

#[test]
fn removing_value_and_checked_resets_the_properties() {
    let mut doc = rendered(vec![
        el(4, "input"),
        attr("type", "checkbox"),
        attr("checked", ""),
        attr("value", "v"),
    ]);
    doc.apply_batch(&batch(
        vec![(0, vec![remove_attr(0, "checked"), remove_attr(0, "value")])],
        vec![],
    ))
    .unwrap();
    let input = doc.logical_children(doc.component_container(0).unwrap())[0];
    assert_eq!(doc.checked_property(input), Some(false));
    // A checkbox's value property writes through to the attribute: removing it leaves value="".
    assert_eq!(html(&doc), "<input type=\"checkbox\" value=\"\">");
}

#[test]
fn an_input_keeps_its_value_when_its_type_changes_to_a_default_mode() {
    // value set while the input is still a text input, then type=hidden: the value is copied to
    // the attribute by the type change, as browsers do.
    let doc = rendered(vec![el(3, "input"), attr("value", "x"), attr("type", "hidden")]);
    assert_eq!(html(&doc), "<input type=\"hidden\" value=\"x\">");
}

#[test]
fn time_values_lose_their_zero_seconds() {
    let doc = rendered(vec![
        el(4, "input"),
        attr("type", "time"),
        attr("step", "1"),
        attr("value", "10:20:00"),
        el(3, "input"),
        attr("type", "datetime-local"),
        attr("value", "2024-01-02T10:20:30"),
    ]);
    let inputs = doc.logical_children(doc.component_container(0).unwrap()).to_vec();
    assert_eq!(doc.value_property(inputs[0]).as_deref(), Some("10:20"));
    assert_eq!(doc.value_property(inputs[1]).as_deref(), Some("2024-01-02T10:20"));
}

#[test]
fn a_select_value_waits_for_its_options() {
    let doc = rendered(vec![
        el(8, "select"),
        attr("value", "b"),
        el(3, "option"),
        attr("value", "a"),
        text("A"),
        el(3, "option"),
        attr("value", "b"),
        text("B"),
    ]);
    assert_eq!(
        html(&doc),
        "<select><option value=\"a\">A</option><option value=\"b\">B</option></select>"
    );
    let select = doc.logical_children(doc.component_container(0).unwrap())[0];
    assert_eq!(doc.value_property(select).as_deref(), Some("b"));
    let options = doc.logical_children(select).to_vec();
    assert_eq!(doc.selected_property(options[0]), Some(false));
    assert_eq!(doc.selected_property(options[1]), Some(true));
}

#[test]
fn a_select_value_also_applies_to_options_from_markup() {
    let doc = rendered(vec![
        el(3, "select"),
        attr("value", "y"),
        markup("<option>x</option><option>y</option>"),
    ]);
    let select = doc.logical_children(doc.component_container(0).unwrap())[0];
    assert_eq!(doc.value_property(select).as_deref(), Some("y"));
}

#[test]
fn a_multiple_select_takes_a_json_array() {
    let doc = rendered(vec![
        el(7, "select"),
        attr("multiple", ""),
        attr("value", "[\"a\",\"c\"]"),
        markup("<option>a</option><option>b</option>"),
        el(3, "option"),
        attr("value", "c"),
        text("C"),
    ]);
    let select = doc.logical_children(doc.component_container(0).unwrap())[0];
    let options: Vec<_> = doc
        .children(select)
        .into_iter()
        .filter(|&n| doc.element_name(n) == Some("option"))
        .collect();
    let selected: Vec<_> = options.iter().map(|&o| doc.selected_property(o).unwrap()).collect();
    assert_eq!(selected, vec![true, false, true]);

    let mut doc = Document::with_root_component(0);
    let frames = vec![el(3, "select"), attr("multiple", ""), attr("value", "[not json")];
    let error = edit_error(doc.apply_batch(&batch(vec![(0, vec![prepend(0, 0)])], frames)));
    assert!(matches!(error, EditError::InvalidMultipleSelectValue { .. }), "{error}");
}

#[test]
fn event_handler_attributes_register_listeners_instead_of_attributes() {
    let mut doc = rendered(vec![
        el(5, "button"),
        attr("id", "b"),
        handler("onclick", 11),
        handler("onmouseover", 12),
        text("x"),
    ]);
    assert_eq!(html(&doc), "<button id=\"b\">x</button>");
    let button = doc.logical_children(doc.component_container(0).unwrap())[0];
    assert_eq!(doc.handlers_of(button), vec![("click", 11), ("mouseover", 12)]);
    let listed = doc.handlers();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0].path, Some(vec![1]));
    assert_eq!(listed[0].rendering_component_id, 0);

    // A new handler id for the same event replaces the old one; disposing the old id is a no-op.
    doc.apply_batch(&RenderBatch {
        updated_components: vec![Diff {
            component_id: 0,
            edits: vec![set_attr(0, 0)],
        }],
        reference_frames: vec![handler("onclick", 13)],
        disposed_event_handler_ids: vec![11],
        ..Default::default()
    })
    .unwrap();
    assert_eq!(doc.handlers_of(button), vec![("click", 13), ("mouseover", 12)]);
    // Removing the attribute does not unregister: the disposed id does.
    doc.apply_batch(&RenderBatch {
        updated_components: vec![Diff {
            component_id: 0,
            edits: vec![remove_attr(0, "onmouseover")],
        }],
        ..Default::default()
    })
    .unwrap();
    assert_eq!(doc.handlers_of(button).len(), 2);
    doc.apply_batch(&RenderBatch {
        disposed_event_handler_ids: vec![12],
        ..Default::default()
    })
    .unwrap();
    assert_eq!(doc.handlers_of(button), vec![("click", 13)]);
    // A removed element keeps its handlers until they are disposed; they are listed without a path.
    doc.apply_batch(&batch(vec![(0, vec![remove(0)])], vec![])).unwrap();
    assert_eq!(doc.handlers()[0].path, None);
    doc.apply_batch(&RenderBatch {
        disposed_event_handler_ids: vec![13],
        ..Default::default()
    })
    .unwrap();
    assert!(doc.handlers().is_empty());
}

#[test]
fn dispatch_bubbles_and_honours_the_flags() {
    let doc = rendered(vec![
        el(13, "form"),
        handler("onsubmit", 1),
        handler("onclick", 2),
        el(10, "div"),
        handler("onclick", 3),
        attr("__internal_stopPropagation_onclick", ""),
        attr("__internal_preventDefault_onkeydown", ""),
        el(4, "button"),
        handler("onclick", 4),
        handler("onfocus", 5),
        attr("disabled", ""),
        el(2, "span"),
        handler("onclick", 6),
    ]);
    assert_eq!(
        html(&doc),
        "<form><div><button disabled=\"\"></button><span></span></div></form>"
    );
    let form = doc.node_at(&[1]).unwrap();
    let div = doc.node_at(&[1, 0]).unwrap();
    let button = doc.node_at(&[1, 0, 0]).unwrap();
    let span = doc.node_at(&[1, 0, 1]).unwrap();
    // The div stops propagation: the form's click handler is not reached.
    assert_eq!(doc.dispatch(span, "click").handlers, vec![(span, 6), (div, 3)]);
    // A disabled button ignores clicks but the event still bubbles.
    assert_eq!(doc.dispatch(button, "click").handlers, vec![(div, 3)]);
    // Focus does not bubble.
    assert_eq!(doc.dispatch(button, "focus").handlers, vec![(button, 5)]);
    let keydown = doc.dispatch(span, "keydown");
    assert!(keydown.handlers.is_empty() && keydown.default_prevented);
    let submit = doc.dispatch(form, "submit");
    assert_eq!(submit.handlers, vec![(form, 1)]);
    assert!(submit.default_prevented);
}

#[test]
fn element_reference_captures_become_attributes() {
    let mut doc = rendered(vec![el(3, "input"), attr("id", "i"), capture("0d6e-ABC"), el(1, "hr")]);
    assert_eq!(html(&doc), "<input id=\"i\" _bl_0d6e-abc=\"\"><hr>");
    let input = doc.logical_children(doc.component_container(0).unwrap())[0];
    assert_eq!(doc.element_by_capture_id("0d6e-abc"), Some(input));
    // A capture needs an element parent.
    let error = edit_error(doc.apply_batch(&batch(vec![(0, vec![prepend(0, 0)])], vec![capture("x")])));
    assert_eq!(error, EditError::ReferenceCaptureOutsideElement { frame: 0 });
}

#[test]
fn svg_elements_keep_their_case_and_foreign_object_switches_back_to_html() {
    let doc = rendered(vec![
        el(8, "svg"),
        attr("viewBox", "0 0 1 1"),
        el(2, "linearGradient"),
        attr("gradientUnits", "u"),
        el(2, "foreignObject"),
        el(1, "DIV"),
        markup("<circle r=\"1\"/><clippath/>"),
        el(1, "g"),
    ]);
    assert_eq!(
        html(&doc),
        "<svg viewBox=\"0 0 1 1\"><linearGradient gradientUnits=\"u\"></linearGradient>\
         <foreignObject><div></div></foreignObject><!--!--><circle r=\"1\"></circle><clipPath></clipPath><g></g></svg>"
    );
    let svg = doc.node_at(&[1]).unwrap();
    assert_eq!(doc.namespace(svg), Some(Namespace::Svg));
    assert_eq!(doc.namespace(doc.node_at(&[1, 1, 0]).unwrap()), Some(Namespace::Html));
    assert_eq!(doc.namespace(doc.node_at(&[1, 3]).unwrap()), Some(Namespace::Svg));
}

#[test]
fn a_template_built_by_the_client_serialises_empty() {
    // appendChild puts the children in the <template> itself, innerHTML shows its content.
    let doc = rendered(vec![el(2, "template"), text("hidden")]);
    assert_eq!(html(&doc), "<template></template>");
}

#[test]
fn void_elements_drop_children_in_serialisation() {
    let doc = rendered(vec![el(2, "input"), text("ignored")]);
    assert_eq!(html(&doc), "<input>");
}

#[test]
fn root_components_clear_on_first_render_and_empty_on_disposal() {
    let mut doc = Document::new();
    let container = doc.attach_root_component(5, RootContainer::Element).unwrap();
    assert_eq!(container, doc.root());
    assert!(doc.attach_root_component(5, RootContainer::Comment).is_err());
    doc.apply_batch(&batch(vec![(5, vec![prepend(0, 0)])], vec![text("hi")]))
        .unwrap();
    assert_eq!(doc.inner_html(), "hi");
    doc.apply_batch(&RenderBatch {
        disposed_component_ids: vec![5],
        ..Default::default()
    })
    .unwrap();
    assert_eq!(doc.inner_html(), "");
    let error = doc.apply_batch(&batch(vec![(5, vec![])], vec![])).unwrap_err();
    assert_eq!(
        error,
        ApplyError::UnknownComponent {
            batch: 2,
            diff: 0,
            component_id: 5
        }
    );

    let mut doc = Document::new();
    doc.attach_root_component(1, RootContainer::Comment).unwrap();
    doc.attach_root_component(2, RootContainer::Comment).unwrap();
    doc.apply_batch(&batch(
        vec![(2, vec![prepend(0, 0)]), (1, vec![prepend(0, 1)])],
        vec![text("two"), text("one")],
    ))
    .unwrap();
    assert_eq!(doc.inner_html(), "<!--!-->one<!--!-->two");
}

#[test]
fn bytes_are_validated_then_applied() {
    let b = batch(vec![(0, vec![prepend(0, 0)])], vec![el(2, "p"), text("x")]);
    let mut doc = Document::with_root_component(0);
    doc.apply_bytes(&encode(&b)).unwrap();
    assert_eq!(html(&doc), "<p>x</p>");
    let error = doc.apply_bytes(&[1, 2, 3]).unwrap_err();
    assert!(matches!(error, ApplyError::Decode { batch: 1, .. }), "{error}");
    assert!(error.name().starts_with("decode/"));
    assert_eq!(crate::apply_to_html(&[encode(&b)]).unwrap(), "<!--!--><p>x</p>");
}

// ----- semantic errors -----------------------------------------------------------------------

fn try_edits(setup: Vec<Frame>, edits: Vec<Edit>, frames: Vec<Frame>) -> EditError {
    let mut doc = rendered(setup);
    edit_error(doc.apply_batch(&batch(vec![(0, edits)], frames)))
}

#[test]
fn errors_name_the_batch_diff_component_edit_and_edit_type() {
    let mut doc = rendered(vec![text("t")]);
    let error = doc
        .apply_batch(&batch(vec![(0, vec![step_in(0)])], vec![]))
        .unwrap_err();
    assert_eq!(
        error,
        ApplyError::Edit {
            batch: 1,
            diff: 0,
            component_id: 0,
            edit: 0,
            edit_type: EditType::StepIn,
            error: EditError::NotAnElement {
                index: 0,
                found: NodeKind::Text
            },
        }
    );
    assert_eq!(
        error.to_string(),
        "batch 1, diff 0 (component 0), edit 0 (StepIn): the child at sibling index 0 is a Text, not an element"
    );
    assert_eq!(error.name(), "edit/not_an_element");
}

#[test]
fn sibling_indexes_must_name_children() {
    assert_eq!(
        try_edits(vec![text("a")], vec![remove(1)], vec![]),
        EditError::SiblingIndexOutOfRange { index: 1, count: 1 }
    );
    assert_eq!(
        try_edits(vec![text("a")], vec![set_attr(-1, 0)], vec![attr("a", "b")]),
        EditError::SiblingIndexOutOfRange { index: -1, count: 1 }
    );
    assert_eq!(
        try_edits(vec![text("a")], vec![prepend(2, 0)], vec![text("b")]),
        EditError::InsertionIndexOutOfRange { index: 2, count: 1 }
    );
    assert_eq!(
        try_edits(vec![text("a")], vec![permute(0, 1), Edit::PermutationListEnd], vec![]),
        EditError::PermutationIndexOutOfRange {
            which: "to",
            index: 1,
            count: 1
        }
    );
}

#[test]
fn edits_must_suit_the_child_they_address() {
    assert_eq!(
        try_edits(vec![text("a")], vec![set_attr(0, 0)], vec![attr("a", "b")]),
        EditError::NotAnElement {
            index: 0,
            found: NodeKind::Text
        }
    );
    assert_eq!(
        try_edits(vec![comp(1, 1)], vec![remove_attr(0, "a")], vec![]),
        EditError::NotAnElement {
            index: 0,
            found: NodeKind::Comment
        }
    );
    assert_eq!(
        try_edits(vec![el(1, "p")], vec![update_text(0, 0)], vec![text("x")]),
        EditError::NotAText {
            index: 0,
            found: NodeKind::Element
        }
    );
    assert_eq!(
        try_edits(vec![comp(1, 1)], vec![update_markup(0, 0)], vec![markup("x")]),
        EditError::NotAMarkupBlock { index: 0 }
    );
    assert_eq!(
        try_edits(vec![markup("<p>")], vec![step_in(0)], vec![]),
        EditError::NotAnElement {
            index: 0,
            found: NodeKind::Comment
        }
    );
}

#[test]
fn steps_and_permutation_lists_must_be_well_formed() {
    assert_eq!(try_edits(vec![], vec![Edit::StepOut], vec![]), EditError::StepOutAtRoot);
    assert_eq!(
        try_edits(vec![], vec![Edit::PermutationListEnd], vec![]),
        EditError::EmptyPermutationList
    );
    assert_eq!(
        try_edits(vec![text("a"), text("b")], vec![permute(0, 1), remove(0)], vec![]),
        EditError::EditInsidePermutationList
    );
    let two = || vec![text("a"), text("b"), text("c")];
    assert_eq!(
        try_edits(
            two(),
            vec![permute(0, 1), permute(0, 2), Edit::PermutationListEnd],
            vec![]
        ),
        EditError::InvalidPermutation {
            detail: "a child is moved twice"
        }
    );
    assert_eq!(
        try_edits(
            two(),
            vec![permute(0, 1), permute(2, 1), Edit::PermutationListEnd],
            vec![]
        ),
        EditError::InvalidPermutation {
            detail: "two children are moved to the same place"
        }
    );
    assert_eq!(
        try_edits(
            two(),
            vec![permute(0, 1), permute(1, 2), Edit::PermutationListEnd],
            vec![]
        ),
        EditError::InvalidPermutation {
            detail: "a child is moved to a place that no moved child leaves free"
        }
    );
    let mut doc = rendered(vec![el(1, "p")]);
    let error = doc
        .apply_batch(&batch(vec![(0, vec![step_in(0)])], vec![]))
        .unwrap_err();
    assert!(matches!(error, ApplyError::UnclosedDiff { .. }), "{error}");
    let error = doc
        .apply_batch(&batch(vec![(0, vec![permute(0, 0)])], vec![]))
        .unwrap_err();
    assert!(matches!(error, ApplyError::UnclosedDiff { .. }), "{error}");
}

#[test]
fn frames_must_be_insertable() {
    assert_eq!(
        try_edits(vec![], vec![prepend(0, 1)], vec![text("a")]),
        EditError::FrameIndexOutOfRange { frame: 1, count: 1 }
    );
    assert!(matches!(
        try_edits(vec![text("a")], vec![update_text(0, 0)], vec![attr("a", "b")]),
        EditError::WrongFrameType { frame: 0, .. }
    ));
    assert_eq!(
        try_edits(vec![], vec![prepend(0, 0)], vec![attr("a", "b")]),
        EditError::AttributeFrameOutOfPlace { frame: 0 }
    );
    assert_eq!(
        try_edits(
            vec![],
            vec![prepend(0, 0)],
            vec![el(3, "p"), text("a"), attr("late", "x")]
        ),
        EditError::AttributeFrameOutOfPlace { frame: 2 }
    );
    assert_eq!(
        try_edits(vec![], vec![prepend(0, 0)], vec![el(3, "p"), text("a")]),
        EditError::SubtreeOutOfRange {
            frame: 0,
            length: 3,
            end: 2
        }
    );
    assert_eq!(
        try_edits(
            vec![],
            vec![prepend(0, 0)],
            vec![el(2, "p"), Frame::ComponentRenderMode]
        ),
        EditError::UnsupportedFrameType {
            frame: 1,
            found: brasa_protocol::render_batch::FrameType::ComponentRenderMode
        }
    );
    assert_eq!(
        try_edits(vec![], vec![prepend(0, 0)], vec![el(1, "1p")]),
        EditError::InvalidElementName {
            frame: 0,
            name: "1p".into()
        }
    );
    assert_eq!(
        try_edits(vec![], vec![prepend(0, 0)], vec![el(2, "p"), attr("a b", "x")]),
        EditError::InvalidAttributeName { name: "a b".into() }
    );
    assert_eq!(
        try_edits(vec![comp(1, 1)], vec![prepend(0, 0)], vec![comp(1, 1)]),
        EditError::ComponentAlreadyAttached {
            frame: 0,
            component_id: 1
        }
    );
    let mut doc = rendered(vec![]);
    doc.set_max_depth(3);
    let deep = vec![el(5, "a"), el(4, "b"), el(3, "c"), el(2, "d"), el(1, "e")];
    let error = edit_error(doc.apply_batch(&batch(vec![(0, vec![prepend(0, 0)])], deep)));
    assert_eq!(error, EditError::TooDeep { limit: 3 });
}

#[test]
fn attributes_must_be_ones_the_client_accepts() {
    assert_eq!(
        try_edits(vec![el(1, "p")], vec![set_attr(0, 0)], vec![handler("click", 3)]),
        EditError::EventNameWithoutOnPrefix { name: "click".into() }
    );
    assert_eq!(
        try_edits(
            vec![el(2, "p"), handler("onclick", 3)],
            vec![set_attr(0, 0)],
            vec![handler("oninput", 3)]
        ),
        EditError::EventHandlerAlreadyTracked { event_handler_id: 3 }
    );
    assert_eq!(
        try_edits(
            vec![el(1, "p")],
            vec![set_attr(0, 0)],
            vec![attr("__internal_other", "")]
        ),
        EditError::UnsupportedInternalAttribute {
            name: "__internal_other".into()
        }
    );
    assert_eq!(
        try_edits(
            vec![el(1, "p")],
            vec![set_attr(0, 0)],
            vec![attr("__internal_stopPropagation_click", "")]
        ),
        EditError::EventNameWithoutOnPrefix {
            name: "__internal_stopPropagation_click".into()
        }
    );
    assert_eq!(
        try_edits(
            vec![el(2, "input"), attr("type", "file")],
            vec![set_attr(0, 0)],
            vec![attr("value", "C:\\x")]
        ),
        EditError::FileInputValue { value: "C:\\x".into() }
    );
}

#[test]
fn diffs_and_disposals_must_name_live_components() {
    let mut doc = Document::with_root_component(0);
    let error = doc.apply_batch(&batch(vec![(7, vec![])], vec![])).unwrap_err();
    assert_eq!(
        error,
        ApplyError::UnknownComponent {
            batch: 0,
            diff: 0,
            component_id: 7
        }
    );

    let mut doc = rendered(vec![comp(1, 1)]);
    doc.apply_batch(&batch(vec![(0, vec![remove(0)])], vec![])).unwrap();
    let error = doc
        .apply_batch(&batch(vec![(1, vec![prepend(0, 0)])], vec![text("x")]))
        .unwrap_err();
    assert_eq!(
        error,
        ApplyError::ComponentNotInDocument {
            batch: 2,
            diff: 0,
            component_id: 1
        }
    );
    let error = doc
        .apply_batch(&RenderBatch {
            disposed_component_ids: vec![1, 9],
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(
        error,
        ApplyError::UnknownDisposedComponent {
            batch: 3,
            index: 1,
            component_id: 9
        }
    );
}

#[test]
fn frames_nested_to_the_default_limit_apply() {
    let depth = 1024;
    let frames: Vec<Frame> = (0..depth).map(|i| el(depth - i, "div")).collect();
    let b = batch(vec![(0, vec![prepend(0, 0)])], frames);
    let mut doc = Document::with_root_component(0);
    doc.apply_batch(&b).unwrap();
    assert_eq!(doc.inner_html().matches("<div>").count(), depth as usize);
    let mut doc = Document::with_root_component(0);
    doc.apply_bytes(&encode(&b)).unwrap();
}
