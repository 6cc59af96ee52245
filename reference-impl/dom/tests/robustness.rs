//! Input never panics the applier: random batches (any edit, any frame, indexes in and out of
//! range) either apply or are refused with an error, and the document stays readable; random
//! markup always parses.

use brasa_dom::Document;
use brasa_protocol::render_batch::{Diff, Edit, Frame, RenderBatch};
use proptest::prelude::*;

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("div".to_owned()),
        Just("svg".to_owned()),
        Just("input".to_owned()),
        Just("select".to_owned()),
        Just("option".to_owned()),
        Just("foreignObject".to_owned()),
        Just("template".to_owned()),
        Just("1bad".to_owned()),
    ]
}

fn attribute_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("class".to_owned()),
        Just("value".to_owned()),
        Just("checked".to_owned()),
        Just("type".to_owned()),
        Just("multiple".to_owned()),
        Just("onclick".to_owned()),
        Just("click".to_owned()),
        Just("__internal_stopPropagation_onclick".to_owned()),
        Just("__internal_x".to_owned()),
        Just("a b".to_owned()),
    ]
}

fn value() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        Just(Some(String::new())),
        Just(Some("x".to_owned())),
        Just(Some("hidden".to_owned())),
        Just(Some("file".to_owned())),
        Just(Some("[\"x\"]".to_owned())),
        Just(Some("5".to_owned())),
    ]
}

fn frame() -> impl Strategy<Value = Frame> {
    prop_oneof![
        (-1i32..6, name()).prop_map(|(subtree_length, name)| Frame::Element { subtree_length, name }),
        "[a<>&]{0,3}".prop_map(|content| Frame::Text { content }),
        (attribute_name(), value(), 0u64..4).prop_map(|(name, value, event_handler_id)| Frame::Attribute {
            name,
            value,
            event_handler_id
        }),
        (-1i32..4, 0i32..5).prop_map(|(subtree_length, component_id)| Frame::Component {
            subtree_length,
            component_id
        }),
        (-1i32..5).prop_map(|subtree_length| Frame::Region { subtree_length }),
        Just(Frame::ElementReferenceCapture { id: "r".into() }),
        Just(Frame::ComponentReferenceCapture),
        prop_oneof![Just(""), Just("<p>a<b>"), Just("<option>x</option>"), Just("<circle/>")]
            .prop_map(|m| Frame::Markup { content: m.to_owned() }),
        Just(Frame::ComponentRenderMode),
        Just(Frame::NamedEvent),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    let i = || -1i32..5;
    prop_oneof![
        (i(), i()).prop_map(|(s, f)| Edit::PrependFrame {
            sibling_index: s,
            reference_frame_index: f
        }),
        i().prop_map(|s| Edit::RemoveFrame { sibling_index: s }),
        (i(), i()).prop_map(|(s, f)| Edit::SetAttribute {
            sibling_index: s,
            reference_frame_index: f
        }),
        (i(), attribute_name()).prop_map(|(s, name)| Edit::RemoveAttribute { sibling_index: s, name }),
        (i(), i()).prop_map(|(s, f)| Edit::UpdateText {
            sibling_index: s,
            reference_frame_index: f
        }),
        i().prop_map(|s| Edit::StepIn { sibling_index: s }),
        Just(Edit::StepOut),
        (i(), i()).prop_map(|(s, f)| Edit::UpdateMarkup {
            sibling_index: s,
            reference_frame_index: f
        }),
        (i(), i()).prop_map(|(s, t)| Edit::PermutationListEntry {
            sibling_index: s,
            move_to_sibling_index: t
        }),
        Just(Edit::PermutationListEnd),
    ]
}

fn batch() -> impl Strategy<Value = RenderBatch> {
    (
        proptest::collection::vec((0i32..5, proptest::collection::vec(edit(), 0..8)), 0..4),
        proptest::collection::vec(frame(), 0..10),
        proptest::collection::vec(0i32..5, 0..2),
        proptest::collection::vec(0u64..4, 0..2),
    )
        .prop_map(
            |(diffs, reference_frames, disposed_component_ids, disposed_event_handler_ids)| RenderBatch {
                updated_components: diffs
                    .into_iter()
                    .map(|(component_id, edits)| Diff { component_id, edits })
                    .collect(),
                reference_frames,
                disposed_component_ids,
                disposed_event_handler_ids,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn random_batches_apply_or_fail_without_panicking(batches in proptest::collection::vec(batch(), 1..4)) {
        let mut doc = Document::with_root_component(0);
        for b in &batches {
            let _ = doc.apply_batch(b);
            let _ = doc.inner_html();
            for h in doc.handlers() {
                let _ = doc.dispatch(h.element, &h.event_name);
            }
        }
    }

    #[test]
    fn random_bytes_are_refused_or_applied(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = brasa_dom::apply_to_html(&[bytes]);
    }

    #[test]
    fn random_markup_parses(markup in "[<>/!?a-cptdrsvgl=\"' &#x;0-9\\-\\[\\]\r\n\0]{0,60}") {
        let mut doc = Document::with_root_component(0);
        doc.apply_batch(&RenderBatch {
            updated_components: vec![Diff {
                component_id: 0,
                edits: vec![Edit::PrependFrame { sibling_index: 0, reference_frame_index: 0 }],
            }],
            reference_frames: vec![Frame::Markup { content: markup }],
            ..Default::default()
        })
        .unwrap();
        let _ = doc.inner_html();
    }
}
