//! Field by field, what the reader refuses in a frame or edit that is otherwise valid: a set
//! unused field (RB-3.4), alone or together with another set to the same value; and a string
//! field that is null where it may not be (RB-2.6, RB-3.8) or points past the string table (RB-5.5),
//! each error naming the field and its offset.

use brasa_protocol::render_batch::{
    DecodeErrorKind as K, Diff, EDIT_SIZE, Edit, FRAME_SIZE, Frame, Limits, RenderBatch, TRAILER_SIZE, encode, validate,
};

fn int(bytes: &[u8], at: usize) -> usize {
    u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as usize
}

/// A batch whose one diff prepends `<div>` holding `child`, or removes the attribute `title`:
/// its bytes, where the child frame starts, and where the edit starts.
fn batch_with(child: Frame) -> (Vec<u8>, usize, usize) {
    let bytes = encode(&RenderBatch {
        updated_components: vec![Diff {
            component_id: 0,
            edits: vec![
                Edit::PrependFrame {
                    sibling_index: 0,
                    reference_frame_index: 0,
                },
                Edit::RemoveAttribute {
                    sibling_index: 1,
                    name: "title".into(),
                },
            ],
        }],
        reference_frames: vec![
            Frame::Element {
                subtree_length: 2,
                name: "div".into(),
            },
            child,
        ],
        ..Default::default()
    });
    if let Err(e) = validate(&bytes, &Limits::DEFAULT) {
        panic!("the unchanged batch is refused: {e}");
    }
    let frames = int(&bytes, bytes.len() - TRAILER_SIZE + 4);
    let second_edit = 8 + EDIT_SIZE;
    (bytes, frames + 4 + FRAME_SIZE, second_edit)
}

fn with_field(bytes: &[u8], at: usize, value: i32) -> Vec<u8> {
    let mut changed = bytes.to_vec();
    changed[at..at + 4].copy_from_slice(&value.to_le_bytes());
    changed
}

/// Each frame type with fields it does not use, and which ones (1 to 4: the four int32 after the
/// type; the event handler id of an attribute is fields 3 and 4).
fn frames_with_unused_fields() -> Vec<(&'static str, Frame, &'static [usize])> {
    vec![
        (
            "component",
            Frame::Component {
                subtree_length: 1,
                component_id: 5,
            },
            &[3, 4],
        ),
        ("region", Frame::Region { subtree_length: 1 }, &[2, 3, 4]),
        (
            "markup",
            Frame::Markup {
                content: "<b>x</b>".into(),
            },
            &[2, 3, 4],
        ),
        (
            "element reference capture",
            Frame::ElementReferenceCapture { id: "ref-1".into() },
            &[2, 3, 4],
        ),
        (
            "component reference capture",
            Frame::ComponentReferenceCapture,
            &[1, 2, 3, 4],
        ),
        ("component render mode", Frame::ComponentRenderMode, &[1, 2, 3, 4]),
        ("named event", Frame::NamedEvent, &[1, 2, 3, 4]),
        (
            "element",
            Frame::Element {
                subtree_length: 1,
                name: "p".into(),
            },
            &[3, 4],
        ),
        ("text", Frame::Text { content: "hi".into() }, &[2, 3, 4]),
    ]
}

#[test]
fn each_unused_field_set_alone_is_refused_at_that_field() {
    for (kind, frame, unused) in frames_with_unused_fields() {
        let (bytes, at, _) = batch_with(frame);
        for &field in unused {
            let offset = at + 4 * field;
            let error = validate(&with_field(&bytes, offset, 7), &Limits::DEFAULT)
                .expect_err(&format!("{kind}: field {field} set, accepted"));
            assert_eq!(
                (error.offset, error.requirement, error.kind.name()),
                (offset, "RB-3.4", "unused_field_set"),
                "{kind}: field {field}: {error}"
            );
            let K::UnusedFieldSet { expected, found, .. } = error.kind else {
                unreachable!()
            };
            assert_eq!((expected, found), (0, 7), "{kind}: field {field}");
        }
    }
}

/// Two unused fields set to the same value (which an `^` instead of an `|` between them would let
/// through) are refused at the first.
#[test]
fn two_unused_fields_set_alike_are_refused_at_the_first() {
    for (kind, frame, unused) in frames_with_unused_fields() {
        let (bytes, at, _) = batch_with(frame);
        for (i, &first) in unused.iter().enumerate() {
            for &second in &unused[i + 1..] {
                let changed = with_field(&with_field(&bytes, at + 4 * first, 7), at + 4 * second, 7);
                let error = validate(&changed, &Limits::DEFAULT)
                    .expect_err(&format!("{kind}: fields {first} and {second} set, accepted"));
                assert_eq!(
                    (error.offset, error.requirement),
                    (at + 4 * first, "RB-3.4"),
                    "{kind}: fields {first} and {second}: {error}"
                );
            }
        }
    }
}

#[test]
fn a_string_field_null_or_past_the_table_is_named_with_its_rule() {
    // (frame, name of the field in errors, its field number, whether null is allowed)
    let cases: Vec<(Frame, &str, usize, bool)> = vec![
        (
            Frame::Attribute {
                name: "class".into(),
                value: Some("x".into()),
                event_handler_id: 0,
            },
            "attribute name",
            1,
            false,
        ),
        // Null is allowed (the batch would then leave "x" unreferenced, RB-5.8).
        (
            Frame::Attribute {
                name: "class".into(),
                value: Some("x".into()),
                event_handler_id: 0,
            },
            "attribute value",
            2,
            true,
        ),
        (
            Frame::Element {
                subtree_length: 1,
                name: "p".into(),
            },
            "element name",
            2,
            false,
        ),
        (Frame::Text { content: "hi".into() }, "text", 1, false),
        (
            Frame::Markup {
                content: "<b>x</b>".into(),
            },
            "markup",
            1,
            false,
        ),
        (
            Frame::ElementReferenceCapture { id: "ref-1".into() },
            "element reference capture id",
            1,
            false,
        ),
    ];
    for (frame, what, field, nullable) in cases {
        let (bytes, at, _) = batch_with(frame);
        let offset = at + 4 * field;
        if !nullable {
            let error = validate(&with_field(&bytes, offset, -1), &Limits::DEFAULT)
                .expect_err(&format!("{what}: null accepted"));
            assert_eq!(
                (error.kind, error.offset, error.requirement),
                (K::NullString { what }, offset, "RB-3.8")
            );
        }
        let error = validate(&with_field(&bytes, offset, 99), &Limits::DEFAULT)
            .expect_err(&format!("{what}: index 99 accepted"));
        let strings = bytes.len() - TRAILER_SIZE - int(&bytes, bytes.len() - 4);
        assert_eq!(
            (error.kind, error.offset, error.requirement),
            (
                K::StringIndexOutOfRange {
                    what,
                    index: 99,
                    count: strings / 4
                },
                offset,
                "RB-5.5"
            )
        );
    }
}

#[test]
fn a_removed_attribute_name_null_or_past_the_table_is_named_with_its_rule() {
    let (bytes, _, edit) = batch_with(Frame::Text { content: "hi".into() });
    let offset = edit + 12;
    let what = "removed attribute name";
    let error = validate(&with_field(&bytes, offset, -1), &Limits::DEFAULT).unwrap_err();
    assert_eq!(
        (error.kind, error.offset, error.requirement),
        (K::NullString { what }, offset, "RB-2.6")
    );
    let error = validate(&with_field(&bytes, offset, 99), &Limits::DEFAULT).unwrap_err();
    assert_eq!(
        (error.kind.name(), error.offset, error.requirement),
        ("string_index_out_of_range", offset, "RB-5.5")
    );
}

/// A component id of 0 is a component's (the first one created); a negative one is refused at
/// the field (RB-3.7).
#[test]
fn a_component_id_of_zero_is_accepted_and_a_negative_one_refused() {
    let (bytes, at, _) = batch_with(Frame::Component {
        subtree_length: 1,
        component_id: 0,
    });
    let error = validate(&with_field(&bytes, at + 8, -1), &Limits::DEFAULT).unwrap_err();
    assert_eq!(
        (error.kind.name(), error.offset, error.requirement),
        ("negative_value", at + 8, "RB-3.7")
    );
}

/// An attribute with an event handler has no value (RB-3.6), whatever the handler id's 64 bits:
/// only the high half set, or both halves alike.
#[test]
fn a_handler_attribute_with_a_value_is_refused_for_any_handler_id() {
    for id in [1u64, 1 << 32, 5 << 32 | 5, u64::MAX] {
        let (bytes, at, _) = batch_with(Frame::Attribute {
            name: "class".into(),
            value: Some("x".into()),
            event_handler_id: 0,
        });
        let mut changed = bytes.clone();
        changed[at + 12..at + 20].copy_from_slice(&id.to_le_bytes());
        let error = validate(&changed, &Limits::DEFAULT).expect_err(&format!("handler {id:#x} with a value"));
        assert_eq!(
            (error.kind, error.offset, error.requirement),
            (K::HandlerWithValue { event_handler_id: id }, at + 8, "RB-3.6")
        );
    }
}
