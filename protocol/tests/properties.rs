//! Property tests of the render-batch codec (RB-6.3): for batches that obey the rules, encoding
//! then decoding is the identity and decoding then encoding reproduces the bytes; for arbitrary
//! bytes, the reader never panics and whatever it accepts re-encodes to the same bytes.

use brasa_protocol::render_batch::{self, Diff, Edit, Frame, Limits, RenderBatch};
use proptest::prelude::*;

/// A pool small enough that values repeat, so that deduplication (RB-5.6) is exercised:
/// empty, whitespace-only (ASCII and Unicode), names, multi-byte text, and near-identical values.
const POOL: &[&str] = &[
    "", " ", "\t\n", "\u{a0}", "\u{3000}", "div", "class", "x", "é", "日本", "🙂", "onclick", "a b",
];

fn pooled() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(POOL).prop_map(str::to_owned),
        1 => "[a-z ]{0,3}",
        // Two letters in every length up to 17: values that differ in one byte, at each size
        // class the encoder's deduplication index keys apart (up to 7, 8 to 15, longer).
        1 => "[ab]{0,17}",
        1 => any::<String>().prop_map(|s| s.chars().take(6).collect()),
    ]
}

#[derive(Debug, Clone)]
enum Node {
    Element {
        name: String,
        attributes: Vec<Attribute>,
        children: Vec<Node>,
        capture: Option<String>,
    },
    Text(String),
    Markup(String),
    Component {
        id: i32,
        parameters: Vec<Attribute>,
        extras: u8,
    },
    Region(Vec<Node>),
}

#[derive(Debug, Clone)]
struct Attribute {
    name: String,
    value: Option<String>,
    handler: u64,
}

fn attribute() -> impl Strategy<Value = Attribute> {
    (
        pooled(),
        prop::option::of(pooled()),
        prop_oneof![3 => Just(0u64), 1 => 1..u64::MAX],
    )
        .prop_map(|(name, value, handler)| Attribute {
            name,
            value: if handler != 0 { None } else { value },
            handler,
        })
}

fn node() -> impl Strategy<Value = Node> {
    let leaf = prop_oneof![
        pooled().prop_map(Node::Text),
        pooled().prop_map(Node::Markup),
        (0..1000i32, prop::collection::vec(attribute(), 0..3), 0u8..4)
            .prop_map(|(id, parameters, extras)| Node::Component { id, parameters, extras }),
    ];
    leaf.prop_recursive(4, 40, 4, |inner| {
        prop_oneof![
            (
                pooled(),
                prop::collection::vec(attribute(), 0..3),
                prop::collection::vec(inner.clone(), 0..4),
                prop::option::of(pooled())
            )
                .prop_map(|(name, attributes, children, capture)| Node::Element {
                    name,
                    attributes,
                    children,
                    capture
                }),
            prop::collection::vec(inner, 0..3).prop_map(Node::Region),
        ]
    })
}

fn attribute_frame(a: &Attribute) -> Frame {
    Frame::Attribute {
        name: a.name.clone(),
        value: a.value.clone(),
        event_handler_id: a.handler,
    }
}

fn flatten(node: &Node, out: &mut Vec<Frame>) {
    let start = out.len();
    match node {
        Node::Element {
            name,
            attributes,
            children,
            capture,
        } => {
            out.push(Frame::Element {
                subtree_length: 0,
                name: name.clone(),
            });
            out.extend(attributes.iter().map(attribute_frame));
            if let Some(id) = capture {
                out.push(Frame::ElementReferenceCapture { id: id.clone() });
            }
            for child in children {
                flatten(child, out);
            }
        }
        Node::Text(text) => out.push(Frame::Text { content: text.clone() }),
        Node::Markup(markup) => out.push(Frame::Markup {
            content: markup.clone(),
        }),
        Node::Component { id, parameters, extras } => {
            out.push(Frame::Component {
                subtree_length: 0,
                component_id: *id,
            });
            out.extend(parameters.iter().map(attribute_frame));
            for i in 0..*extras {
                out.push(match i % 3 {
                    0 => Frame::ComponentReferenceCapture,
                    1 => Frame::ComponentRenderMode,
                    _ => Frame::NamedEvent,
                });
            }
        }
        Node::Region(children) => {
            out.push(Frame::Region { subtree_length: 0 });
            for child in children {
                flatten(child, out);
            }
        }
    }
    let length = (out.len() - start) as i32;
    match &mut out[start] {
        Frame::Element { subtree_length, .. }
        | Frame::Component { subtree_length, .. }
        | Frame::Region { subtree_length } => *subtree_length = length,
        _ => {}
    }
}

#[derive(Debug, Clone)]
enum Op {
    /// Takes the next referencing edit (RB-2.11: each top-level frame is referred to once).
    Reference,
    Remove(i32),
    RemoveAttribute(i32, String),
    Step(i32, Vec<Op>),
    Permutation(Vec<(i32, i32)>),
}

fn op() -> impl Strategy<Value = Op> {
    let leaf = prop_oneof![
        3 => Just(Op::Reference),
        1 => (0..50i32).prop_map(Op::Remove),
        1 => (0..50i32, pooled()).prop_map(|(s, n)| Op::RemoveAttribute(s, n)),
        1 => prop::collection::vec((0..50i32, 0..50i32), 1..4).prop_map(Op::Permutation),
    ];
    leaf.prop_recursive(3, 30, 4, |inner| {
        (0..50i32, prop::collection::vec(inner, 0..4)).prop_map(|(s, ops)| Op::Step(s, ops))
    })
}

/// The edit that refers to top-level frame `index`, of a type that fits it (RB-2.10).
fn referencing_edit(frame: &Frame, index: i32, sibling_index: i32, choice: bool) -> Edit {
    let reference_frame_index = index;
    match frame {
        Frame::Attribute { .. } => Edit::SetAttribute {
            sibling_index,
            reference_frame_index,
        },
        Frame::Text { .. } if choice => Edit::UpdateText {
            sibling_index,
            reference_frame_index,
        },
        Frame::Markup { .. } if choice => Edit::UpdateMarkup {
            sibling_index,
            reference_frame_index,
        },
        _ => Edit::PrependFrame {
            sibling_index,
            reference_frame_index,
        },
    }
}

fn lower(ops: &[Op], pending: &mut std::collections::VecDeque<Edit>, out: &mut Vec<Edit>) {
    for op in ops {
        match op {
            Op::Reference => out.extend(pending.pop_front()),
            Op::Remove(s) => out.push(Edit::RemoveFrame { sibling_index: *s }),
            Op::RemoveAttribute(s, name) => out.push(Edit::RemoveAttribute {
                sibling_index: *s,
                name: name.clone(),
            }),
            Op::Step(s, inner) => {
                out.push(Edit::StepIn { sibling_index: *s });
                lower(inner, pending, out);
                out.push(Edit::StepOut);
            }
            Op::Permutation(moves) => {
                for (from, to) in moves {
                    out.push(Edit::PermutationListEntry {
                        sibling_index: *from,
                        move_to_sibling_index: *to,
                    });
                }
                out.push(Edit::PermutationListEnd);
            }
        }
    }
}

fn batch() -> impl Strategy<Value = RenderBatch> {
    (
        prop::collection::vec(node(), 0..6),
        prop::collection::vec(attribute(), 0..3),
        prop::collection::vec((0..100i32, prop::collection::vec(op(), 0..5)), 1..4),
        prop::collection::vec((0..50i32, any::<bool>()), 12),
        prop::collection::vec(0..1000i32, 0..4),
        prop::collection::vec(1..=u64::MAX, 0..4),
    )
        .prop_map(
            |(nodes, loose_attributes, diffs, choices, disposed_components, disposed_handlers)| {
                let mut frames = Vec::new();
                let mut tops = Vec::new();
                for node in &nodes {
                    tops.push(frames.len());
                    flatten(node, &mut frames);
                }
                // Attribute frames on their own, as SetAttribute edits reference them.
                for attribute in &loose_attributes {
                    tops.push(frames.len());
                    frames.push(attribute_frame(attribute));
                }
                let mut pending: std::collections::VecDeque<Edit> = tops
                    .iter()
                    .enumerate()
                    .map(|(k, &i)| {
                        let (sibling, choice) = choices[k % choices.len()];
                        referencing_edit(&frames[i], i as i32, sibling, choice)
                    })
                    .collect();
                let mut updated_components: Vec<Diff> = diffs
                    .iter()
                    .map(|(component_id, ops)| {
                        let mut edits = Vec::new();
                        lower(ops, &mut pending, &mut edits);
                        Diff {
                            component_id: *component_id,
                            edits,
                        }
                    })
                    .collect();
                // Frames no placeholder took are referred to at the end of the last diff.
                if let Some(last) = updated_components.last_mut() {
                    last.edits.extend(pending);
                }
                RenderBatch {
                    updated_components,
                    reference_frames: frames,
                    disposed_component_ids: disposed_components,
                    disposed_event_handler_ids: disposed_handlers,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// RB-6.3: a batch that obeys the rules encodes to bytes that decode back to it, and those
    /// bytes re-encode identically; the JSON form round-trips too.
    #[test]
    fn encode_then_decode_is_identity(batch in batch()) {
        let bytes = render_batch::encode(&batch);
        let decoded = render_batch::decode(&bytes).map_err(|e| TestCaseError::fail(format!("{e}")))?;
        prop_assert_eq!(&decoded, &batch);
        prop_assert_eq!(render_batch::encode(&decoded), bytes);
        let json = serde_json::to_string(&batch).unwrap();
        prop_assert_eq!(serde_json::from_str::<RenderBatch>(&json).unwrap(), batch);
    }

    /// RB-1.4, RB-6.3: arbitrary bytes never panic the reader; anything accepted re-encodes exactly.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        if let Ok(batch) = render_batch::decode_with_limits(&bytes, &Limits::DEFAULT) {
            prop_assert_eq!(render_batch::encode(&batch), bytes);
        }
    }

    /// RB-1.4, RB-6.3: corrupting one word of a valid batch never panics the reader, and whatever
    /// it still accepts re-encodes to exactly the corrupted bytes.
    #[test]
    fn corrupted_batches_never_panic(batch in batch(), at in any::<usize>(), word in any::<i32>()) {
        let mut bytes = render_batch::encode(&batch);
        let at = at % (bytes.len() - 3);
        bytes[at..at + 4].copy_from_slice(&word.to_le_bytes());
        if let Ok(decoded) = render_batch::decode(&bytes) {
            prop_assert_eq!(render_batch::encode(&decoded), bytes);
        }
    }

    /// RB-1.4, RB-6.3: a valid batch with up to four random changes (a byte overwritten, bytes
    /// inserted, a range deleted, a range copied elsewhere) never panics the reader, and whatever
    /// it still accepts is canonical: it re-encodes to exactly the changed bytes.
    #[test]
    fn mutated_batches_are_accepted_only_when_canonical(
        batch in batch(),
        changes in prop::collection::vec((0u8..4, any::<usize>(), any::<usize>(), any::<u8>()), 1..=4),
    ) {
        let mut bytes = render_batch::encode(&batch);
        for (kind, at, length, byte) in changes {
            let at = at % (bytes.len() + 1);
            let length = length % 9;
            match kind {
                0 if at < bytes.len() => bytes[at] = byte,
                1 => {
                    bytes.splice(at..at, std::iter::repeat_n(byte, length.max(1)));
                }
                2 => {
                    let end = (at + length).min(bytes.len());
                    bytes.drain(at..end);
                }
                _ => {
                    let end = (at + length).min(bytes.len());
                    let copied = bytes[at..end].to_vec();
                    let to = (at.wrapping_mul(31) ^ length) % (bytes.len() + 1);
                    bytes.splice(to..to, copied);
                }
            }
        }
        if let Ok(decoded) = render_batch::decode(&bytes) {
            prop_assert_eq!(render_batch::encode(&decoded), bytes);
        }
    }

    /// RB-1.4: truncating a valid batch anywhere is rejected, never a panic.
    #[test]
    fn truncated_batches_are_rejected(batch in batch(), cut in any::<usize>()) {
        let bytes = render_batch::encode(&batch);
        let cut = cut % bytes.len();
        prop_assert!(render_batch::decode(&bytes[..cut]).is_err());
    }
}

/// RB-5.6: deduplication shares an entry only between equal values. Element and attribute names
/// of every length up to 17 bytes, each beside the values that differ from it in one byte (at
/// every position) or in length only, encode to as many entries as there are distinct values and
/// decode back to themselves.
#[test]
fn deduplication_tells_apart_values_one_byte_apart() {
    let mut names = Vec::new();
    for n in 0..=17usize {
        let base = "abcdefghijklmnopq"[..n].to_owned();
        names.push(base.clone());
        for at in 0..n {
            let mut changed = base.clone().into_bytes();
            changed[at] = b'Z';
            names.push(String::from_utf8(changed).unwrap());
        }
    }
    let mut distinct = names.clone();
    distinct.sort();
    distinct.dedup();
    let mut frames = Vec::new();
    // Every name twice, as an element's and as an attribute's, so that each is deduplicated.
    for name in names.iter().chain(&names) {
        frames.push(Frame::Element {
            subtree_length: 2,
            name: name.clone(),
        });
        frames.push(Frame::Attribute {
            name: name.clone(),
            value: None,
            event_handler_id: 0,
        });
    }
    let edits = (0..frames.len() / 2)
        .map(|i| Edit::PrependFrame {
            sibling_index: i as i32,
            reference_frame_index: 2 * i as i32,
        })
        .collect();
    let batch = RenderBatch {
        updated_components: vec![Diff { component_id: 1, edits }],
        reference_frames: frames,
        disposed_component_ids: vec![],
        disposed_event_handler_ids: vec![],
    };
    let bytes = render_batch::encode(&batch);
    assert_eq!(render_batch::decode(&bytes).unwrap(), batch);
    // The trailer's last position is the string table's: one 4-byte position per entry, then
    // the 20-byte trailer.
    let table = i32::from_le_bytes(bytes[bytes.len() - 4..].try_into().unwrap()) as usize;
    assert_eq!((bytes.len() - 20 - table) / 4, distinct.len());
}
