//! A measuring stick for the validating reader: the cheapest reader I could write that does
//! only the checks issue 9 lists for it ("every count, offset, section boundary, type code,
//! string index, length prefix and UTF-8"), and none of the stricter rules of RB-2 … RB-5 that
//! `validate_with` also enforces (tree shape, attribute placement, which frames edits refer to,
//! unused fields, the replay of Blazor's string assignment) nor its typed errors.
//!
//! The render-batch benches (`benches/`) measure it beside `memcpy` and `validate_with` in the
//! same run (`floor`), so that `validate_with / floor` says what the strict rules and the errors
//! cost, and `floor / memcpy` how far the 8× target is from the listed checks alone. And
//! as a second, independent reader of those checks it is an oracle of the [`reader`](crate::reader)
//! fuzz target ([`agrees`]). It is not a reader to use: it names no error, only the offset of
//! the first failed check.
//!
//! Checked: the trailer's five positions (RB-1.3); each count's sign and size against the bytes
//! left (RB-1.4); the sections back to back (RB-1.2); every diff position (RB-2.2); every edit
//! and frame type code (RB-2.4, RB-3.2); every frame slot (RB-2.5) and string index (RB-5.5) in
//! range, -1 only where null is allowed (RB-3.8); the string positions in order (RB-5.4); the
//! length prefixes (7-bit, at most 5 bytes, not over-long) inside the string data (RB-5.1,
//! RB-5.2); UTF-8 (RB-5.3: one ASCII test of all the string data, then per string only when it
//! is not ASCII).

use brasa_protocol::render_batch::DecodeError;

#[inline(always)]
fn i32_at(b: &[u8], p: usize) -> i32 {
    i32::from_le_bytes(b[p..p + 4].try_into().unwrap())
}

/// The floor: `Ok` when the batch passes the checks listed above, else the byte offset where
/// the first one fails. Never panics.
#[inline(never)]
pub fn structural_floor(b: &[u8]) -> Result<(), usize> {
    let len = b.len();
    if len < 20 {
        return Err(0);
    }
    let end = len - 20;
    let mut pos = [0u32; 5];
    for (i, p) in pos.iter_mut().enumerate() {
        let v = i32_at(b, end + 4 * i);
        if v < 0 || v as usize > end {
            return Err(end + 4 * i);
        }
        *p = v as u32;
    }
    let [diff_table, frames, disposed_c, disposed_h, string_positions] = pos.map(|p| p as usize);
    let count = |at: usize, size: usize| -> Result<usize, usize> {
        if at + 4 > end {
            return Err(at);
        }
        let c = i32_at(b, at);
        if c < 0 || (c as usize) * size > end - at - 4 {
            return Err(at);
        }
        Ok(c as usize)
    };
    let diff_count = count(diff_table, 4)?;
    if frames != diff_table + 4 + 4 * diff_count {
        return Err(end + 4);
    }
    let frame_count = count(frames, 20)?;
    if disposed_c != frames + 4 + 20 * frame_count {
        return Err(end + 8);
    }
    let dc = count(disposed_c, 4)?;
    if disposed_h != disposed_c + 4 + 4 * dc {
        return Err(end + 12);
    }
    let dh = count(disposed_h, 8)?;
    let data_start = disposed_h + 4 + 8 * dh;
    if string_positions < data_start || !(end - string_positions).is_multiple_of(4) {
        return Err(end + 16);
    }
    let string_count = (end - string_positions) / 4;
    // Strings: each at the cursor, its prefix, its bytes inside the data, UTF-8.
    let data = &b[..string_positions];
    let ascii = data[data_start..].is_ascii();
    let mut cursor = data_start;
    for i in 0..string_count {
        let at = string_positions + 4 * i;
        if i32_at(b, at) as i64 != cursor as i64 {
            return Err(at);
        }
        let mut length = 0usize;
        let mut shift = 0;
        loop {
            let Some(&byte) = data.get(cursor) else {
                return Err(cursor);
            };
            cursor += 1;
            length |= usize::from(byte & 0x7F) << shift;
            if byte < 0x80 {
                // A last byte of 0 after others: the same length in fewer bytes (over-long).
                if byte == 0 && shift > 0 {
                    return Err(cursor - 1);
                }
                break;
            }
            shift += 7;
            if shift > 28 {
                return Err(cursor);
            }
        }
        if length > string_positions - cursor {
            return Err(cursor);
        }
        if !ascii && std::str::from_utf8(&data[cursor..cursor + length]).is_err() {
            return Err(cursor);
        }
        cursor += length;
    }
    if cursor != string_positions {
        return Err(cursor);
    }
    let string = |index: i32, nullable: bool| index >= -(nullable as i32) && (index as i64) < string_count as i64;
    // Diffs: positions, headers, edits (type codes, frame slots, string indexes).
    let mut cursor = 0usize;
    for d in 0..diff_count {
        let at = diff_table + 4 + 4 * d;
        if i32_at(b, at) as i64 != cursor as i64 || cursor + 8 > diff_table {
            return Err(at);
        }
        let n = i32_at(b, cursor + 4);
        if n < 0 || n as usize * 16 > diff_table - cursor - 8 {
            return Err(cursor + 4);
        }
        let edits = &b[cursor + 8..cursor + 8 + 16 * n as usize];
        for (k, e) in edits.chunks_exact(16).enumerate() {
            let t = i32_at(e, 0);
            let ok = match t {
                1 | 3 | 5 | 8 => i32_at(e, 4) >= 0 && (i32_at(e, 8) as u32 as usize) < frame_count,
                2 | 6 | 9 => i32_at(e, 4) >= 0,
                4 => i32_at(e, 4) >= 0 && string(i32_at(e, 12), false),
                7 | 10 => true,
                _ => false,
            };
            if !ok {
                return Err(cursor + 8 + 16 * k);
            }
        }
        cursor += 8 + 16 * n as usize;
    }
    if cursor != diff_table {
        return Err(cursor);
    }
    // Frames: type codes and string indexes.
    for (k, f) in b[frames + 4..disposed_c].chunks_exact(20).enumerate() {
        let ok = match i32_at(f, 0) {
            1 => string(i32_at(f, 8), false),
            2 | 6 | 8 => string(i32_at(f, 4), false),
            3 => string(i32_at(f, 4), false) && string(i32_at(f, 8), true),
            4 | 5 | 7 | 9 | 10 => true,
            _ => false,
        };
        if !ok {
            return Err(frames + 4 + 20 * k);
        }
    }
    Ok(())
}

/// The error kinds of the rules beyond the list, which the floor does not check (limits
/// are the reader's configuration, not a check of the format).
pub const BEYOND_THE_LIST: &[&str] = &[
    "batch_too_large",
    "limit_exceeded",
    "unused_field_set",
    "negative_value",
    "zero_event_handler_id",
    "handler_with_value",
    "frame_type_mismatch",
    "frame_referenced_twice",
    "nested_frame_reference",
    "unreferenced_frame",
    "misplaced_attribute",
    "unbalanced_step",
    "malformed_permutation_list",
    "subtree_out_of_bounds",
    "non_canonical_strings",
];

/// The floor against the strict reader's answer on the same bytes (`strict`: `validate` at the
/// default limits): whatever the strict reader accepts, the floor accepts; whatever the floor
/// accepts and the strict reader refuses, it refuses for a rule beyond the list. Says how they
/// disagree, if they do.
pub fn agrees(bytes: &[u8], strict: Result<(), &DecodeError>) -> Result<(), String> {
    match (strict, structural_floor(bytes)) {
        (Ok(()), Err(offset)) => Err(format!(
            "the strict reader accepts a batch the floor refuses at byte {offset}"
        )),
        (Err(e), Ok(())) if !BEYOND_THE_LIST.contains(&e.kind.name()) => Err(format!(
            "the floor accepts a batch the strict reader refuses with {}, a listed check ({e})",
            e.kind.name()
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use brasa_protocol::render_batch::{Limits, validate_with};

    use super::{agrees, structural_floor};

    /// The batches ASP.NET Core 10 wrote for the js-framework-benchmark operations
    /// (`shared/reference/batches-jsfb`, or `BRASA_REFERENCE`): (file name, bytes).
    fn recorded() -> Vec<(String, Vec<u8>)> {
        let dir = std::env::var_os("BRASA_REFERENCE")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference"))
            .join("batches-jsfb");
        let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|e| e == "bin"))
            .map(|path| (path.display().to_string(), std::fs::read(&path).unwrap()))
            .collect();
        assert_eq!(out.len(), 11, "{}", dir.display());
        out.sort();
        out
    }

    /// Every shipped render-batch vector of `kind` (`valid` or `invalid`): (file name, bytes).
    fn vectors(kind: &str) -> Vec<(String, Vec<u8>)> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../conformance/vectors/render-batch")
            .join(kind);
        let mut out = Vec::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let vector: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
            let bytes = crate::from_hex(vector["hex"].as_str().unwrap()).unwrap();
            out.push((path.file_name().unwrap().to_string_lossy().into_owned(), bytes));
        }
        assert!(out.len() >= 40, "{}", dir.display());
        out.sort();
        out
    }

    /// [`agrees`] with the strict reader's answer at the default limits; panics if not.
    fn agrees_or_panic(bytes: &[u8], what: &dyn std::fmt::Display) {
        let strict = validate_with(bytes, &Limits::DEFAULT, &mut Default::default());
        if let Err(disagreement) = agrees(bytes, strict.as_ref().map(|_| ())) {
            panic!("{what}: {disagreement}");
        }
    }

    #[test]
    fn the_floor_accepts_every_recorded_batch_and_valid_vector() {
        for (name, bytes) in recorded() {
            assert_eq!(structural_floor(&bytes), Ok(()), "{name}");
        }
        for (name, bytes) in vectors("valid") {
            assert_eq!(structural_floor(&bytes), Ok(()), "{name}");
        }
    }

    #[test]
    fn the_floor_refuses_every_invalid_vector_of_a_listed_check() {
        // Of the shipped invalid vectors, the floor lets through only those whose error is a
        // rule beyond the list, and it refuses most of them (those of the listed checks).
        let invalid = vectors("invalid");
        let mut refused = 0;
        for (name, bytes) in &invalid {
            agrees_or_panic(bytes, name);
            refused += usize::from(structural_floor(bytes).is_err());
        }
        assert!(refused >= invalid.len() / 2, "{refused} of {}", invalid.len());
    }

    #[test]
    fn the_floor_never_panics_and_never_accepts_what_it_checks_on_corrupted_batches() {
        // Every valid vector and recorded batch under 1 kB (the larger ones are made of the
        // same items), cut at every length, with each byte changed in three ways and each 4 bytes in
        // three more.
        let mut inputs: Vec<(String, Vec<u8>)> = vectors("valid");
        inputs.extend(recorded());
        inputs.retain(|(_, bytes)| bytes.len() < 1024);
        assert!(inputs.len() >= 40);
        for (name, bytes) in &inputs {
            for cut in 0..bytes.len() {
                agrees_or_panic(&bytes[..cut], &format!("{name} cut at {cut}"));
            }
            let mut changed = bytes.clone();
            for at in 0..bytes.len() {
                for value in [bytes[at] ^ 0xFF, 0x80, bytes[at].wrapping_add(1)] {
                    changed[at] = value;
                    agrees_or_panic(&changed, &format!("{name} with byte {at} = {value:#04x}"));
                }
                changed[at] = bytes[at];
            }
            // And each 4 bytes replaced by -1 (null), the smallest and the largest int32.
            for at in 0..bytes.len().saturating_sub(3) {
                for value in [-1i32, i32::MIN, i32::MAX] {
                    changed[at..at + 4].copy_from_slice(&value.to_le_bytes());
                    agrees_or_panic(&changed, &format!("{name} with {value} at {at}"));
                }
                changed[at..at + 4].copy_from_slice(&bytes[at..at + 4]);
            }
        }
    }

    /// By hand, on the fuzzers' corpora where they are (they are not in the repository):
    /// `cargo test --release -p brasa-fuzz floor -- --ignored`. The same agreement on every
    /// input the reader and round-trip fuzzers kept, and on each with every 13th byte inverted
    /// in turn.
    #[test]
    #[ignore = "needs fuzz/corpus, which is local to a fuzzing machine"]
    fn the_floor_agrees_with_the_reader_on_the_fuzz_corpora() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus");
        let mut inputs = 0;
        for target in ["reader", "round_trip"] {
            let Ok(entries) = std::fs::read_dir(root.join(target)) else {
                continue;
            };
            for entry in entries {
                let path = entry.unwrap().path();
                let bytes = std::fs::read(&path).unwrap();
                agrees_or_panic(&bytes, &path.display());
                let mut changed = bytes.clone();
                for at in (0..bytes.len()).step_by(13) {
                    changed[at] ^= 0xFF;
                    agrees_or_panic(&changed, &format!("{} with byte {at} inverted", path.display()));
                    changed[at] ^= 0xFF;
                }
                inputs += 1;
            }
        }
        assert!(inputs > 0, "no corpus under {}", root.display());
        eprintln!("{inputs} corpus inputs");
    }
}
