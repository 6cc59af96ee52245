//! Reused working memory ([`ValidateScratch`], [`EncodeScratch`], and the thread's own behind
//! [`validate`] and [`encode_into`]) gives the same results as fresh memory, whatever batches,
//! valid or not, small or large, went through it before.

use std::path::{Path, PathBuf};

use super::{
    DecodeError, EncodeScratch, Limits, RenderBatch, ValidateScratch, encode, encode_into, encode_with, validate,
    validate_with,
};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The js-framework-benchmark batches (if the recordings are there) and every render-batch
/// vector, valid and invalid.
fn inputs() -> Vec<Vec<u8>> {
    let mut inputs = Vec::new();
    let reference = std::env::var_os("BRASA_REFERENCE")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/reference"));
    let mut files: Vec<PathBuf> = std::fs::read_dir(reference.join("batches-jsfb"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "bin"))
        .collect();
    files.sort();
    inputs.extend(files.iter().map(|p| std::fs::read(p).expect("readable batch")));
    for kind in ["valid", "invalid"] {
        let dir = root().join("conformance/vectors/render-batch").join(kind);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        for file in files {
            let vector: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&file).expect("readable vector")).expect("JSON");
            let Some(hex) = vector["hex"].as_str() else { continue };
            let hex: Vec<u8> = hex.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
            inputs.push(
                hex.chunks(2)
                    .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).expect("hex"), 16).expect("hex"))
                    .collect(),
            );
        }
    }
    assert!(inputs.len() > 100, "only {} inputs", inputs.len());
    inputs
}

fn fresh(bytes: &[u8]) -> Result<RenderBatch, DecodeError> {
    validate_with(bytes, &Limits::DEFAULT, &mut ValidateScratch::new()).map(|view| view.to_owned_batch())
}

/// Each input, then a few corruptions of it (a byte changed at several places), interleaving
/// large and small, valid and invalid batches.
fn sequence(inputs: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let mut sequence = Vec::new();
    for (n, bytes) in inputs.iter().enumerate() {
        sequence.push(bytes.clone());
        if bytes.len() > 100_000 {
            continue;
        }
        for k in 1..4 {
            let mut corrupt = bytes.clone();
            if corrupt.is_empty() {
                break;
            }
            let at = (n * 7919 + k * 104_729) % corrupt.len();
            corrupt[at] = corrupt[at].wrapping_add(k as u8);
            sequence.push(corrupt);
        }
        // A large batch again now and then, so that small ones follow grown buffers.
        if n % 25 == 0 {
            sequence.push(inputs[0].clone());
        }
    }
    sequence
}

#[test]
fn reused_validate_scratch_gives_the_results_of_a_fresh_one() {
    let inputs = inputs();
    let mut scratch = ValidateScratch::new();
    for bytes in sequence(&inputs) {
        let expected = fresh(&bytes);
        let reused = validate_with(&bytes, &Limits::DEFAULT, &mut scratch).map(|view| view.to_owned_batch());
        assert_eq!(reused, expected);
        let thread = validate(&bytes, &Limits::DEFAULT).map(|view| view.to_owned_batch());
        assert_eq!(thread, expected);
    }
}

#[test]
fn reused_encode_scratch_writes_the_bytes_of_a_fresh_one() {
    let inputs = inputs();
    let batches: Vec<RenderBatch> = sequence(&inputs).iter().filter_map(|bytes| fresh(bytes).ok()).collect();
    let mut scratch = EncodeScratch::new();
    let mut out = vec![0xAA; 3];
    for batch in &batches {
        let expected = encode(batch);
        out.truncate(3);
        encode_with(batch, &mut out, &mut scratch).expect("encodes");
        assert_eq!(out[..3], [0xAA; 3]);
        assert_eq!(out[3..], expected[..]);
        out.truncate(3);
        encode_into(batch, &mut out).expect("encodes");
        assert_eq!(out[3..], expected[..]);
    }
}

/// A batch whose one frame list is `depth` elements, each the only child of the one before
/// (plus a text in the innermost), inserted by one edit.
fn nested(depth: usize) -> Vec<u8> {
    use super::{Diff, Edit, Frame};
    let mut reference_frames: Vec<Frame> = (0..depth)
        .map(|level| Frame::Element {
            subtree_length: (depth - level + 1) as i32,
            name: "div".into(),
        })
        .collect();
    reference_frames.push(Frame::Text { content: "x".into() });
    encode(&RenderBatch {
        updated_components: vec![Diff {
            component_id: 0,
            edits: vec![Edit::PrependFrame {
                sibling_index: 0,
                reference_frame_index: 0,
            }],
        }],
        reference_frames,
        disposed_component_ids: vec![],
        disposed_event_handler_ids: vec![],
    })
}

/// RB-1.5: with reused memory (after shallow and deep batches, whose stack of open subtrees
/// stays in the scratch) the deepest nesting the limit allows is accepted and one more level is
/// refused at the frame that goes past it, as with fresh memory.
#[test]
fn nesting_deeper_than_the_first_room_up_to_the_depth_limit() {
    let limit = Limits::DEFAULT.max_depth;
    let mut scratch = ValidateScratch::new();
    for depth in [3, 300, limit, 5, limit + 1, 2 * limit, limit - 1] {
        let bytes = nested(depth);
        let reused = validate_with(&bytes, &Limits::DEFAULT, &mut scratch).map(|view| view.to_owned_batch());
        assert_eq!(reused, fresh(&bytes), "depth {depth}");
        match reused {
            Ok(batch) => {
                assert!(depth <= limit, "depth {depth} accepted");
                assert_eq!(batch.reference_frames.len(), depth + 1);
            }
            Err(e) => {
                assert!(depth > limit, "depth {depth}: {e}");
                assert_eq!(e.requirement, "RB-1.5");
                // The first element past the limit: frame index `limit`, after the diffs (one
                // edit, 8 + 16 bytes), their table (8 bytes) and the frame count (4).
                assert_eq!(e.offset, 8 + 16 + 8 + 4 + 20 * limit);
            }
        }
    }
}
