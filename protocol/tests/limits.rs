//! The reader's limits (RB-1.5), one by one: a batch that reaches a limit is accepted, and the
//! same batch under a limit one lower is refused with the error that names what, how many, the
//! limit and where. And the check that a count fits the input (RB-1.4), on the smallest excess:
//! one entry of four bytes.

use brasa_protocol::render_batch::{
    DecodeErrorKind as K, Diff, EDIT_SIZE, Edit, FRAME_SIZE, Frame, Limits, RenderBatch, TRAILER_SIZE, encode, validate,
};

mod support;
use support::{int, trailer};

/// Three diffs (1, 5 and 1 edits; the second steps in twice), six frames nested three deep,
/// eight strings (the longest 13 bytes), two disposed components, three disposed handlers.
fn sample() -> Vec<u8> {
    encode(&RenderBatch {
        updated_components: vec![
            Diff {
                component_id: 1,
                edits: vec![Edit::PrependFrame {
                    sibling_index: 0,
                    reference_frame_index: 0,
                }],
            },
            Diff {
                component_id: 2,
                edits: vec![
                    Edit::StepIn { sibling_index: 0 },
                    Edit::StepIn { sibling_index: 1 },
                    Edit::RemoveAttribute {
                        sibling_index: 0,
                        name: "title".into(),
                    },
                    Edit::StepOut,
                    Edit::StepOut,
                ],
            },
            Diff {
                component_id: 3,
                edits: vec![Edit::UpdateText {
                    sibling_index: 0,
                    reference_frame_index: 5,
                }],
            },
        ],
        reference_frames: vec![
            Frame::Element {
                subtree_length: 5,
                name: "div".into(),
            },
            Frame::Attribute {
                name: "class".into(),
                value: Some("a".into()),
                event_handler_id: 0,
            },
            Frame::Element {
                subtree_length: 3,
                name: "span".into(),
            },
            Frame::Element {
                subtree_length: 2,
                name: "b".into(),
            },
            Frame::Text {
                content: "hello".into(),
            },
            Frame::Text {
                content: "a longer text".into(),
            },
        ],
        disposed_component_ids: vec![7, 8],
        disposed_event_handler_ids: vec![9, 10, 11],
    })
}

/// `limits` with one of them changed.
fn with(change: impl FnOnce(&mut Limits)) -> Limits {
    let mut limits = Limits::DEFAULT;
    change(&mut limits);
    limits
}

/// Checks that `bytes` pass under `at_limit` and fail under `below` with `expected` at `offset`.
fn reached_then_passed(bytes: &[u8], at_limit: Limits, below: Limits, expected: K, offset: usize) {
    if let Err(e) = validate(bytes, &at_limit) {
        panic!("refused at the limit: {e}");
    }
    let error = validate(bytes, &below).expect_err("accepted past the limit");
    assert_eq!(
        (error.kind, error.offset, error.requirement),
        (expected, offset, "RB-1.5")
    );
}

#[test]
fn the_sample_is_what_the_tests_below_assume() {
    let bytes = sample();
    let [diff_table, frames, _, _, strings] = trailer(&bytes);
    assert_eq!(int(&bytes, diff_table), 3);
    assert_eq!(int(&bytes, frames), 6);
    assert_eq!((bytes.len() - TRAILER_SIZE - strings) / 4, 8);
    assert!(validate(&bytes, &Limits::DEFAULT).is_ok());
}

#[test]
fn batch_size() {
    let bytes = sample();
    let size = bytes.len();
    reached_then_passed(
        &bytes,
        with(|l| l.max_batch_bytes = size),
        with(|l| l.max_batch_bytes = size - 1),
        K::BatchTooLarge { size, limit: size - 1 },
        0,
    );
}

#[test]
fn diffs() {
    let bytes = sample();
    let [diff_table, ..] = trailer(&bytes);
    reached_then_passed(
        &bytes,
        with(|l| l.max_diffs = 3),
        with(|l| l.max_diffs = 2),
        K::LimitExceeded {
            what: "diffs",
            count: 3,
            limit: 2,
        },
        diff_table,
    );
}

#[test]
fn edits_per_diff() {
    let bytes = sample();
    let [diff_table, ..] = trailer(&bytes);
    // The second diff has five edits; its count follows its component id.
    let second = int(&bytes, diff_table + 8);
    assert_eq!(int(&bytes, second + 4), 5);
    reached_then_passed(
        &bytes,
        with(|l| l.max_edits_per_diff = 5),
        with(|l| l.max_edits_per_diff = 4),
        K::LimitExceeded {
            what: "edits",
            count: 5,
            limit: 4,
        },
        second + 4,
    );
}

#[test]
fn reference_frames() {
    let bytes = sample();
    let [_, frames, ..] = trailer(&bytes);
    reached_then_passed(
        &bytes,
        with(|l| l.max_reference_frames = 6),
        with(|l| l.max_reference_frames = 5),
        K::LimitExceeded {
            what: "reference frames",
            count: 6,
            limit: 5,
        },
        frames,
    );
}

#[test]
fn strings() {
    let bytes = sample();
    let [.., strings] = trailer(&bytes);
    reached_then_passed(
        &bytes,
        with(|l| l.max_strings = 8),
        with(|l| l.max_strings = 7),
        K::LimitExceeded {
            what: "strings",
            count: 8,
            limit: 7,
        },
        strings,
    );
}

#[test]
fn string_length() {
    let bytes = sample();
    let [.., strings] = trailer(&bytes);
    // The longest string's entry: where its length prefix starts.
    let longest = (strings..bytes.len() - TRAILER_SIZE)
        .step_by(4)
        .map(|entry| int(&bytes, entry))
        .find(|&at| bytes[at + 1..].starts_with(b"a longer text"))
        .expect("the longest string");
    assert_eq!(bytes[longest], 13);
    reached_then_passed(
        &bytes,
        with(|l| l.max_string_bytes = 13),
        with(|l| l.max_string_bytes = 12),
        K::LimitExceeded {
            what: "string bytes",
            count: 13,
            limit: 12,
        },
        longest,
    );
}

#[test]
fn depth_of_frames_then_of_steps() {
    let bytes = sample();
    let [diff_table, frames, ..] = trailer(&bytes);
    // Frames nest three deep (div, span, b); b is frame 3.
    reached_then_passed(
        &bytes,
        with(|l| l.max_depth = 3),
        with(|l| l.max_depth = 2),
        K::LimitExceeded {
            what: "subtree depth",
            count: 3,
            limit: 2,
        },
        frames + 4 + 3 * FRAME_SIZE,
    );
    // The second diff steps in twice; the diffs are read before the frames, so under a limit of
    // one its second StepIn is the first thing refused.
    let second = int(&bytes, diff_table + 8);
    let error = validate(&bytes, &with(|l| l.max_depth = 1)).unwrap_err();
    assert_eq!(
        (error.kind, error.offset, error.requirement),
        (
            K::LimitExceeded {
                what: "step-in depth",
                count: 2,
                limit: 1,
            },
            second + 8 + EDIT_SIZE,
            "RB-1.5"
        )
    );
}

/// RB-1.4 on the smallest excess there is. A count is checked against the bytes up to the
/// trailer (the sections' places are checked after), so the excess is smallest in the last table
/// before the trailer: here the disposed handler ids of a batch without strings, one 8-byte entry
/// too many. Refused whatever the limits, with the bytes needed and the bytes there.
#[test]
fn a_count_one_entry_too_many_for_the_input() {
    let bytes = encode(&RenderBatch {
        disposed_event_handler_ids: vec![9, 10, 11],
        ..Default::default()
    });
    let [.., handlers, strings] = trailer(&bytes);
    assert_eq!(strings, bytes.len() - TRAILER_SIZE, "no strings");
    let mut changed = bytes.clone();
    changed[handlers..handlers + 4].copy_from_slice(&4i32.to_le_bytes());
    let error = validate(&changed, &Limits::UNLIMITED).unwrap_err();
    assert_eq!(
        (error.kind, error.offset, error.requirement),
        (
            K::CountExceedsInput {
                what: "disposed event handler ids",
                count: 4,
                needed: 32,
                available: 24,
            },
            handlers,
            "RB-1.4"
        )
    );
}

/// The limit on referenced string bytes where every reference slot the reader allows for (one per
/// edit, two per frame) holds a string of the same length, so that the reader's bound on the
/// total is nearly reached: the limit must still hold exactly (RB-1.5).
#[test]
fn referenced_string_bytes_when_every_slot_holds_a_string_of_one_length() {
    let mut frames = vec![Frame::Element {
        subtree_length: 9,
        name: "abcd".into(),
    }];
    for i in 0..8 {
        frames.push(Frame::Attribute {
            name: format!("n{i:03}"),
            value: Some(format!("v{i:03}")),
            event_handler_id: 0,
        });
    }
    let bytes = encode(&RenderBatch {
        updated_components: vec![Diff {
            component_id: 0,
            edits: vec![Edit::PrependFrame {
                sibling_index: 0,
                reference_frame_index: 0,
            }],
        }],
        reference_frames: frames,
        ..Default::default()
    });
    let total = 4 + 8 * 8;
    reached_then_passed(
        &bytes,
        with(|l| l.max_expanded_string_bytes = total),
        with(|l| l.max_expanded_string_bytes = total - 1),
        K::LimitExceeded {
            what: "bytes of referenced strings",
            count: total,
            limit: total - 1,
        },
        // The last value's field: frame 8, field 2.
        trailer(&bytes)[1] + 4 + 8 * FRAME_SIZE + 8,
    );
}

#[test]
fn the_defaults_are_the_specs() {
    // RB-1.5's table of defaults (spec/render-batch.md) is what `Limits::DEFAULT` holds: a
    // default changed on one side only (a string limit of 17 KiB would refuse a large markup
    // block that ASP.NET Core writes) fails here.
    let spec = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/render-batch.md")).unwrap();
    let table: Vec<(String, usize)> = spec
        .split("**[RB-1.5]**")
        .nth(1)
        .expect("RB-1.5 in the spec")
        .lines()
        .skip_while(|line| !line.starts_with("| Limit |"))
        .skip(2)
        .take_while(|line| line.starts_with('|'))
        .map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let number = cells[3].split(' ').next().unwrap().replace(',', "");
            (
                cells[1].to_owned(),
                number.parse().unwrap_or_else(|e| panic!("{line}: {e}")),
            )
        })
        .collect();
    let d = Limits::DEFAULT;
    let expected = [
        ("batch bytes", d.max_batch_bytes),
        ("diffs", d.max_diffs),
        ("edits per diff", d.max_edits_per_diff),
        ("reference frames", d.max_reference_frames),
        ("strings", d.max_strings),
        ("string bytes", d.max_string_bytes),
        ("referenced string bytes", d.max_expanded_string_bytes),
        ("nesting depth", d.max_depth),
    ];
    let expected: Vec<(String, usize)> = expected.iter().map(|(n, v)| (n.to_string(), *v)).collect();
    assert_eq!(table, expected);
    assert_eq!(Limits::default(), Limits::DEFAULT);
}
