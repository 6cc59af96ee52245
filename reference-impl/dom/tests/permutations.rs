//! Property: a permutation list applied with the client's four-phase algorithm (note ranges,
//! place markers, move, update) gives every child the place its entry names, whatever the
//! children are: text, elements, or component containers with several nodes or none (RB-2.9:
//! both indexes of an entry refer to positions before any move).

use brasa_dom::Document;
use brasa_protocol::render_batch::{Diff, Edit, Frame, RenderBatch};
use proptest::prelude::*;

/// A child of component 0: 0 = text, 1 = element, 2.. = a component rendering `k - 2` texts.
fn children_and_moves() -> impl Strategy<Value = (Vec<u8>, Vec<usize>, Vec<usize>)> {
    proptest::collection::vec(0u8..5, 1..12).prop_flat_map(|kinds| {
        let n = kinds.len();
        (
            Just(kinds),
            proptest::sample::subsequence((0..n).collect::<Vec<_>>(), 1..=n),
            Just(()).prop_perturb(move |_, mut rng| {
                let mut order: Vec<usize> = (0..n).collect();
                for i in (1..n).rev() {
                    order.swap(i, rng.random_range(0..=i));
                }
                order
            }),
        )
            .prop_map(|(kinds, moved, shuffle)| {
                // Permute only the chosen positions among themselves, in the order `shuffle` gives.
                let mut targets = moved.clone();
                targets.sort_by_key(|&p| shuffle[p]);
                (kinds, moved, targets)
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    #[test]
    fn permutation_lists_put_every_child_where_its_entry_says((kinds, from, to) in children_and_moves()) {
        let mut frames = Vec::new();
        let mut edits = Vec::new();
        let mut child_diffs = Vec::new();
        let mut labels = Vec::new();
        for (i, &kind) in kinds.iter().enumerate() {
            edits.push(Edit::PrependFrame { sibling_index: i as i32, reference_frame_index: frames.len() as i32 });
            match kind {
                0 => {
                    frames.push(Frame::Text { content: format!("t{i}") });
                    labels.push(format!("t{i}"));
                }
                1 => {
                    frames.push(Frame::Element { subtree_length: 1, name: format!("e{i}") });
                    labels.push(format!("<e{i}></e{i}>"));
                }
                k => {
                    let id = i as i32 + 1;
                    frames.push(Frame::Component { subtree_length: 1, component_id: id });
                    let mut label = "<!--!-->".to_owned();
                    let mut child_edits = Vec::new();
                    for j in 0..(k - 2) {
                        child_edits.push(Edit::PrependFrame {
                            sibling_index: j as i32,
                            reference_frame_index: frames.len() as i32,
                        });
                        frames.push(Frame::Text { content: format!("c{i}.{j}") });
                        label.push_str(&format!("c{i}.{j}"));
                    }
                    child_diffs.push(Diff { component_id: id, edits: child_edits });
                    labels.push(label);
                }
            }
        }
        let mut diffs = vec![Diff { component_id: 0, edits }];
        diffs.extend(child_diffs);
        let mut doc = Document::with_root_component(0);
        doc.apply_batch(&RenderBatch { updated_components: diffs, reference_frames: frames, ..Default::default() }).unwrap();
        prop_assert_eq!(doc.inner_html(), format!("<!--!-->{}", labels.concat()));

        let mut moves: Vec<Edit> = from
            .iter()
            .zip(&to)
            .map(|(&f, &t)| Edit::PermutationListEntry { sibling_index: f as i32, move_to_sibling_index: t as i32 })
            .collect();
        moves.push(Edit::PermutationListEnd);
        doc.apply_batch(&RenderBatch {
            updated_components: vec![Diff { component_id: 0, edits: moves }],
            ..Default::default()
        })
        .unwrap();
        let mut expected = labels.clone();
        for (&f, &t) in from.iter().zip(&to) {
            expected[t] = labels[f].clone();
        }
        prop_assert_eq!(doc.inner_html(), format!("<!--!-->{}", expected.concat()));
        // The logical children moved with the nodes: each child component's container is where
        // its label says.
        let container = doc.component_container(0).unwrap();
        prop_assert_eq!(doc.logical_children(container).len(), kinds.len());
    }
}
