//! Field by field, what the reader refuses in a batch that is otherwise valid: a set unused
//! field (RB-3.4), alone or together with another set to the same value; a string field that is
//! null where it may not be (RB-2.6, RB-3.8) or points past the string table (RB-5.5); a handler
//! attribute with a value (RB-3.6); a bad disposed id anywhere in its list (RB-4.1, RB-4.2); a
//! string that is not UTF-8 on its own though the string data as a whole is (RB-5.3), and string
//! bytes or a length prefix cut short (RB-5.1). Each error names the field and its offset.

use brasa_protocol::render_batch::{
    DecodeErrorKind as K, Diff, EDIT_SIZE, Edit, FRAME_SIZE, Frame, Limits, RenderBatch, TRAILER_SIZE, encode, validate,
};

mod support;
use support::{int, trailer};

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

/// Disposed ids (RB-4.1, RB-4.2): a bad id is found wherever it is in its list, the first of
/// several is the one named, and a good id (component 0 included) is never named.
#[test]
fn a_bad_disposed_id_is_found_anywhere_in_its_list() {
    /// Disposed components, disposed handlers, and the bad one: (in the components?, index, value).
    type Case = (Vec<i32>, Vec<u64>, Option<(bool, usize, i64)>);
    let cases: Vec<Case> = vec![
        (vec![0, 7], vec![1, 2, 3], None),
        (vec![0, 7, -1], vec![1], Some((true, 2, -1))),
        (vec![-1, -2], vec![], Some((true, 0, -1))),
        (vec![5, -1, -2], vec![1], Some((true, 1, -1))),
        (vec![0, 7], vec![0], Some((false, 0, 0))),
        (vec![0, 7], vec![1, 2, 0], Some((false, 2, 0))),
        (vec![0, 7], vec![0, 0], Some((false, 0, 0))),
        (vec![0], vec![3, 0, 0], Some((false, 1, 0))),
    ];
    for (components, handlers, bad) in cases {
        let what = format!("{components:?} {handlers:?}");
        let bytes = encode(&RenderBatch {
            disposed_component_ids: components,
            disposed_event_handler_ids: handlers,
            ..Default::default()
        });
        let [.., disposed_components, disposed_handlers, _] = trailer(&bytes);
        let result = validate(&bytes, &Limits::DEFAULT);
        match bad {
            None => assert!(result.is_ok(), "{what}: {:?}", result.err()),
            Some((true, index, value)) => {
                let error = result.expect_err(&what);
                assert_eq!(
                    (error.kind, error.offset, error.requirement),
                    (
                        K::NegativeValue {
                            what: "disposed component id",
                            value
                        },
                        disposed_components + 4 + 4 * index,
                        "RB-4.1"
                    ),
                    "{what}"
                );
            }
            Some((false, index, _)) => {
                let error = result.expect_err(&what);
                assert_eq!(
                    (error.kind, error.offset, error.requirement),
                    (K::ZeroEventHandlerId, disposed_handlers + 4 + 8 * index, "RB-4.2"),
                    "{what}"
                );
            }
        }
    }
}

/// A batch with nothing but the string data `data` and the string positions `starts` (relative
/// to the data), and where its data starts.
fn strings_only(data: &[u8], starts: &[usize]) -> (Vec<u8>, usize) {
    let mut bytes: Vec<u8> = [0i32; 4].iter().flat_map(|w| w.to_le_bytes()).collect();
    let data_start = bytes.len();
    bytes.extend_from_slice(data);
    let positions = bytes.len();
    for start in starts {
        bytes.extend_from_slice(&((data_start + start) as i32).to_le_bytes());
    }
    for position in [0, 4, 8, 12, positions] {
        bytes.extend_from_slice(&(position as i32).to_le_bytes());
    }
    (bytes, data_start)
}

/// A string of one byte, 0xC3, the lead of a two-byte character, followed by the next string's
/// length prefix 0xA9 0x01 (169, in two bytes): the string data as a whole is valid UTF-8
/// ("\x01é\x01…"), the first string alone is not (RB-5.3).
#[test]
fn a_string_that_ends_inside_a_character_is_refused_though_the_data_is_utf8() {
    let mut data = vec![0x01, 0xC3, 0xA9, 0x01];
    data.extend(std::iter::repeat_n(b'a', 169));
    assert!(std::str::from_utf8(&data).is_ok());
    let (bytes, data_start) = strings_only(&data, &[0, 2]);
    let error = validate(&bytes, &Limits::DEFAULT).unwrap_err();
    assert_eq!(
        (error.kind.name(), error.offset, error.requirement),
        ("invalid_utf8", data_start + 1, "RB-5.3")
    );
    let K::InvalidUtf8 { index, .. } = error.kind else {
        unreachable!()
    };
    assert_eq!(index, 0);
}

#[test]
fn string_bytes_cut_short_name_the_bytes_there() {
    // A length of 5 and two bytes before the position table.
    let (bytes, data_start) = strings_only(&[0x05, b'a', b'b'], &[0]);
    let error = validate(&bytes, &Limits::DEFAULT).unwrap_err();
    assert_eq!(
        (error.kind, error.offset, error.requirement),
        (
            K::Truncated {
                section: brasa_protocol::render_batch::Section::StringTable,
                what: "string bytes",
                needed: 5,
                available: 2,
            },
            data_start + 1,
            "RB-5.1"
        )
    );
}

#[test]
fn a_length_prefix_cut_short_names_the_bytes_needed_and_there() {
    // A prefix whose every byte says another follows, at the end of the string data (RB-5.1).
    for prefix in [&[0x80u8][..], &[0xFF, 0x80], &[0x81, 0x82, 0x83]] {
        let mut data = b"\x02ab".to_vec();
        data.extend_from_slice(prefix);
        let (bytes, data_start) = strings_only(&data, &[0, 3]);
        let error = validate(&bytes, &Limits::DEFAULT).unwrap_err();
        assert_eq!(
            (error.kind, error.offset, error.requirement),
            (
                K::Truncated {
                    section: brasa_protocol::render_batch::Section::StringTable,
                    what: "string length prefix",
                    needed: prefix.len() + 1,
                    available: prefix.len(),
                },
                data_start + 3,
                "RB-5.1"
            ),
            "{prefix:x?}"
        );
    }
}

/// Blazor shares one entry among every empty attribute value and every empty or whitespace-only
/// text (RB-5.6): a batch where the same empty entry is used by several such fields, the first of
/// them in each field kind, is valid, and decodes to the values written.
#[test]
fn one_empty_entry_shared_by_attribute_values_and_texts_is_valid() {
    let attribute = |name: &str| Frame::Attribute {
        name: name.into(),
        value: Some(String::new()),
        event_handler_id: 0,
    };
    for frames in [
        vec![attribute("a"), attribute("b")],
        vec![Frame::Text { content: String::new() }, attribute("a"), attribute("b")],
        vec![attribute("a"), Frame::Text { content: String::new() }],
        vec![
            attribute("a"),
            Frame::Text { content: " ".into() },
            attribute("b"),
            Frame::Text { content: " ".into() },
        ],
    ] {
        let attributes = frames.iter().filter(|f| matches!(f, Frame::Attribute { .. })).count();
        let mut all = vec![Frame::Element {
            subtree_length: 1 + attributes as i32,
            name: "input".into(),
        }];
        all.extend(frames.iter().filter(|f| matches!(f, Frame::Attribute { .. })).cloned());
        let texts: Vec<Frame> = frames
            .iter()
            .filter(|f| matches!(f, Frame::Text { .. }))
            .cloned()
            .collect();
        let top = 1 + texts.len();
        all.extend(texts);
        let batch = RenderBatch {
            updated_components: vec![Diff {
                component_id: 0,
                edits: (0..top as i32)
                    .map(|i| Edit::PrependFrame {
                        sibling_index: i,
                        reference_frame_index: if i == 0 { 0 } else { 1 + attributes as i32 + i - 1 },
                    })
                    .collect(),
            }],
            reference_frames: all,
            ..Default::default()
        };
        let bytes = encode(&batch);
        match brasa_protocol::render_batch::decode(&bytes) {
            Ok(decoded) => assert_eq!(decoded, batch),
            Err(e) => panic!("{frames:?}: {e}"),
        }
    }
}

/// A field whose value Blazor writes anew every time (a non-empty attribute value, a text that is
/// not whitespace, markup, an element reference capture id) may not share the entry of an earlier
/// field with the same value (RB-5.8): the second of two such fields pointed at the first's entry
/// is refused at that field.
#[test]
fn a_value_blazor_never_shares_may_not_share_an_entry() {
    // (what, the two frames and their parent if any, the second's frame index and field)
    let attribute = |name: &str| Frame::Attribute {
        name: name.into(),
        value: Some("same".into()),
        event_handler_id: 0,
    };
    let cases: Vec<(&str, Vec<Frame>, usize, usize)> = vec![
        (
            "attribute value",
            vec![
                Frame::Element {
                    subtree_length: 3,
                    name: "p".into(),
                },
                attribute("class"),
                attribute("title"),
            ],
            2,
            2,
        ),
        ("text", vec![Frame::Text { content: "same".into() }; 2], 1, 1),
        (
            "markup",
            vec![
                Frame::Markup {
                    content: "<b>same</b>".into()
                };
                2
            ],
            1,
            1,
        ),
        (
            "element reference capture id",
            vec![
                Frame::Element {
                    subtree_length: 3,
                    name: "p".into(),
                },
                Frame::ElementReferenceCapture { id: "same".into() },
                Frame::ElementReferenceCapture { id: "same".into() },
            ],
            2,
            1,
        ),
    ];
    for (what, frames, second, field) in cases {
        let top: Vec<i32> = if frames.len() == 3 { vec![0] } else { vec![0, 1] };
        let bytes = encode(&RenderBatch {
            updated_components: vec![Diff {
                component_id: 0,
                edits: top
                    .iter()
                    .map(|&i| Edit::PrependFrame {
                        sibling_index: i,
                        reference_frame_index: i,
                    })
                    .collect(),
            }],
            reference_frames: frames,
            ..Default::default()
        });
        validate(&bytes, &Limits::DEFAULT).unwrap_or_else(|e| panic!("{what}: the unchanged batch: {e}"));
        let frames_at = trailer(&bytes)[1] + 4;
        let first = int(&bytes, frames_at + FRAME_SIZE * (second - 1) + 4 * field);
        let offset = frames_at + FRAME_SIZE * second + 4 * field;
        assert!(int(&bytes, offset) > first, "{what}: written anew");
        let error = validate(&with_field(&bytes, offset, first as i32), &Limits::DEFAULT)
            .expect_err(&format!("{what}: shared, accepted"));
        assert_eq!(
            (error.kind, error.offset, error.requirement),
            (
                K::NonCanonicalStrings {
                    index: first,
                    detail: "an entry is shared by a field whose value Blazor never deduplicates",
                },
                offset,
                "RB-5.8"
            ),
            "{what}"
        );
    }
}

/// An edit that refers to a frame of a type it may not refer to (RB-2.10) is refused at its frame
/// index, the error naming both types as the canonical JSON form does.
#[test]
fn an_edit_refers_only_to_the_frame_types_it_may() {
    let frames = [
        Frame::Element {
            subtree_length: 1,
            name: "p".into(),
        },
        Frame::Text { content: "t".into() },
        Frame::Attribute {
            name: "a".into(),
            value: Some("v".into()),
            event_handler_id: 0,
        },
        Frame::Component {
            subtree_length: 1,
            component_id: 3,
        },
        Frame::Region { subtree_length: 1 },
        Frame::ElementReferenceCapture { id: "r".into() },
        Frame::ComponentReferenceCapture,
        Frame::Markup { content: "<b/>".into() },
        Frame::ComponentRenderMode,
        Frame::NamedEvent,
    ];
    let edits: [(Edit, &[&str]); 4] = [
        (
            Edit::PrependFrame {
                sibling_index: 0,
                reference_frame_index: 0,
            },
            &["element", "text", "component", "region", "markup"],
        ),
        (
            Edit::SetAttribute {
                sibling_index: 0,
                reference_frame_index: 0,
            },
            &["attribute"],
        ),
        (
            Edit::UpdateText {
                sibling_index: 0,
                reference_frame_index: 0,
            },
            &["text"],
        ),
        (
            Edit::UpdateMarkup {
                sibling_index: 0,
                reference_frame_index: 0,
            },
            &["markup"],
        ),
    ];
    let type_name = |value: serde_json::Value| value["type"].as_str().unwrap().to_owned();
    let mut refused = 0;
    for (edit, allowed) in &edits {
        let edit_name = type_name(serde_json::to_value(edit).unwrap());
        for frame in &frames {
            let frame_name = type_name(serde_json::to_value(frame).unwrap());
            let bytes = encode(&RenderBatch {
                updated_components: vec![Diff {
                    component_id: 0,
                    edits: vec![edit.clone()],
                }],
                reference_frames: vec![frame.clone()],
                ..Default::default()
            });
            let result = validate(&bytes, &Limits::DEFAULT);
            if allowed.contains(&frame_name.as_str()) {
                if let Err(e) = result {
                    assert_ne!(e.requirement, "RB-2.10", "{edit_name} of {frame_name}: {e}");
                }
                continue;
            }
            let error = result.expect_err(&format!("{edit_name} of {frame_name} accepted"));
            assert_eq!(
                (error.offset, error.requirement),
                (8 + 8, "RB-2.10"),
                "{edit_name} of {frame_name}"
            );
            let K::FrameTypeMismatch { edit, found, index } = error.kind else {
                panic!("{edit_name} of {frame_name}: {error}")
            };
            assert_eq!((edit, found, index), (edit_name.as_str(), frame_name.as_str(), 0));
            refused += 1;
        }
    }
    assert_eq!(refused, 4 * 10 - 8);
}
