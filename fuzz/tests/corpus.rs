//! The fuzz bodies on a fixed corpus, under a plain `cargo test` (stable, debug, a few seconds):
//! the conformance vectors, every batch ASP.NET Core 10 wrote in `shared/reference/`,
//! deterministic mutations of those (bit flips, truncations at section boundaries, overwritten
//! bytes and words), and `structured` on pseudo-random `arbitrary` input.
//!
//! `BRASA_REFERENCE` overrides where the recordings are (default: `../../shared/reference`
//! from this crate, as laid out for developers and CI).

use std::path::{Path, PathBuf};

use arbitrary::{Arbitrary, Unstructured};
use brasa_fuzz::{ArbitraryBatch, Outcome, from_hex, reader, round_trip, structured_bytes};

/// SplitMix64: a tiny fixed-seed generator, so that every run feeds the same inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn reference_dir() -> PathBuf {
    std::env::var_os("BRASA_REFERENCE")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference"))
}

fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../conformance/vectors/render-batch")
}

fn files_with_extension(dir: &Path, extension: &str, recursive: bool, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if recursive {
                files_with_extension(&path, extension, true, out);
            }
        } else if path.extension().is_some_and(|e| e == extension) {
            out.push(path);
        }
    }
}

/// Every recorded batch: `batches-jsfb/*.bin` and `captures/*/*/batches/*.bin`.
fn recorded_batches() -> Vec<(String, Vec<u8>)> {
    let reference = reference_dir();
    let mut files = Vec::new();
    files_with_extension(&reference.join("batches-jsfb"), "bin", false, &mut files);
    for app in std::fs::read_dir(reference.join("captures"))
        .into_iter()
        .flatten()
        .flatten()
    {
        for session in std::fs::read_dir(app.path()).into_iter().flatten().flatten() {
            files_with_extension(&session.path().join("batches"), "bin", false, &mut files);
        }
    }
    files.sort();
    assert!(
        !files.is_empty(),
        "no recorded batches under {} (batches-jsfb/*.bin, captures/*/*/batches/*.bin); set BRASA_REFERENCE to shared/reference",
        reference.display()
    );
    files
        .into_iter()
        .map(|path| {
            let name = path.strip_prefix(&reference).unwrap_or(&path).display().to_string();
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (name, bytes)
        })
        .collect()
}

/// Every vector's bytes under `conformance/vectors/render-batch/**/*.json` (its `hex` field).
fn vector_inputs() -> Vec<(String, Vec<u8>)> {
    let dir = vectors_dir();
    let mut files = Vec::new();
    files_with_extension(&dir, "json", true, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let json: serde_json::Value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()));
            let hex = json["hex"]
                .as_str()
                .unwrap_or_else(|| panic!("{}: no \"hex\" string field", path.display()));
            let bytes = from_hex(hex).unwrap_or_else(|| panic!("{}: \"hex\" is not hex", path.display()));
            (path.strip_prefix(&dir).unwrap_or(&path).display().to_string(), bytes)
        })
        .collect()
}

/// Runs `reader` and `round_trip` on `bytes`; whether the reader accepts them.
fn feed(name: &str, bytes: &[u8]) -> bool {
    let result = std::panic::catch_unwind(|| {
        reader(bytes);
        round_trip(bytes);
        brasa_protocol::render_batch::validate(bytes, &Default::default()).is_ok()
    });
    if let Err(panic) = result {
        let message = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        let hex = if bytes.len() <= 4096 {
            brasa_fuzz::to_hex(bytes)
        } else {
            format!("({} bytes)", bytes.len())
        };
        panic!("{name}: {message}\ninput: {hex}");
    }
    result.unwrap_or(false)
}

fn read_i32(bytes: &[u8], at: usize) -> Option<i32> {
    Some(i32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

/// Offsets where one part of the batch ends and the next begins, as far as its trailer and
/// position tables tell: section starts, diff starts, string starts, the trailer.
fn section_boundaries(bytes: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    if bytes.len() < 20 {
        return out;
    }
    let end = bytes.len() - 20;
    out.push(end);
    let positions: Vec<usize> = (0..5)
        .filter_map(|i| read_i32(bytes, end + 4 * i))
        .filter(|&p| p >= 0)
        .map(|p| p as usize)
        .collect();
    for &p in &positions {
        out.push(p);
        out.push(p + 4);
    }
    // Diff starts, from the diff position table; string starts, from the string position table.
    let mut tables = Vec::new();
    if let Some(&diff_table) = positions.first()
        && let Some(count) = read_i32(bytes, diff_table)
    {
        tables.push((diff_table + 4, count.clamp(0, 64) as usize));
    }
    if let Some(&string_table) = positions.get(4) {
        tables.push((string_table, (end.saturating_sub(string_table) / 4).min(64)));
    }
    for (start, count) in tables {
        for i in 0..count {
            if let Some(p) = read_i32(bytes, start + 4 * i).filter(|&p| p >= 0) {
                out.push(p as usize);
            }
        }
    }
    out.retain(|&p| p <= bytes.len());
    out.sort_unstable();
    out.dedup();
    out
}

/// Deterministic mutations of one seed.
fn mutations(seed: &[u8], rng: &mut Rng) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let len = seed.len();

    // Truncations at (and one byte either side of) every section boundary, at most 30.
    let mut cuts: Vec<usize> = section_boundaries(seed)
        .into_iter()
        .flat_map(|b| [b.saturating_sub(1), b, b + 1])
        .chain([0, 1, len.saturating_sub(1), len.saturating_sub(4)])
        .filter(|&c| c < len)
        .collect();
    cuts.sort_unstable();
    cuts.dedup();
    let step = cuts.len().div_ceil(30).max(1);
    for &cut in cuts.iter().step_by(step) {
        out.push((format!("truncated to {cut}"), seed[..cut].to_vec()));
    }
    if len == 0 {
        return out;
    }

    // Single bit flips: half of them in the trailer and the first words, where one bit moves a
    // whole section.
    for i in 0..12 {
        let at = if i % 2 == 0 && len >= 20 {
            len - 1 - rng.below(20.min(len))
        } else {
            rng.below(len)
        };
        let bit = rng.below(8);
        let mut m = seed.to_vec();
        m[at] ^= 1 << bit;
        out.push((format!("bit {bit} of byte {at} flipped"), m));
    }

    // Random byte overwrites, 1 to 4 bytes each.
    for _ in 0..10 {
        let mut m = seed.to_vec();
        let n = 1 + rng.below(4);
        let mut what = Vec::new();
        for _ in 0..n {
            let at = rng.below(len);
            let value = rng.next() as u8;
            m[at] = value;
            what.push(format!("{at}={value:#04x}"));
        }
        out.push((format!("bytes overwritten {}", what.join(",")), m));
    }

    // Interesting int32 values over aligned words (counts, indexes, lengths, positions).
    let words = [
        0,
        1,
        -1,
        2,
        0x7F,
        0x80,
        i32::MAX,
        i32::MIN,
        len as i32,
        (len / 2) as i32,
    ];
    for _ in 0..8 {
        if len < 4 {
            break;
        }
        let at = rng.below(len / 4) * 4;
        let value = words[rng.below(words.len())];
        let mut m = seed.to_vec();
        m[at..at + 4].copy_from_slice(&value.to_le_bytes());
        out.push((format!("word at {at} set to {value}"), m));
    }
    out
}

/// Seeds larger than this are fed as they are, not mutated (debug-mode time).
const MUTATE_AT_MOST: usize = 64 * 1024;

/// Feeds every seed and its mutations; (inputs fed, mutations the reader accepted).
fn run_corpus(seeds: &[(String, Vec<u8>)], rng: &mut Rng) -> (usize, usize) {
    let (mut fed, mut accepted) = (0, 0);
    for (name, bytes) in seeds {
        feed(name, bytes);
        fed += 1;
        if bytes.len() <= MUTATE_AT_MOST {
            for (how, mutated) in mutations(bytes, rng) {
                accepted += usize::from(feed(&format!("{name}, {how}"), &mutated));
                fed += 1;
            }
        }
    }
    (fed, accepted)
}

#[test]
fn conformance_vectors_and_their_mutations() {
    let vectors = vector_inputs();
    assert!(
        !vectors.is_empty(),
        "no render-batch conformance vectors under {} (expected **/*.json files with a \"hex\" field)",
        vectors_dir().display()
    );
    let (fed, accepted) = run_corpus(&vectors, &mut Rng(0x5EED_0001));
    eprintln!(
        "{} vectors, {fed} inputs fed, {accepted} mutations accepted",
        vectors.len()
    );
}

#[test]
fn recorded_batches_and_their_mutations() {
    let batches = recorded_batches();
    for (name, bytes) in &batches {
        assert!(
            brasa_protocol::render_batch::validate(bytes, &Default::default()).is_ok(),
            "{name} does not validate"
        );
    }
    let (fed, accepted) = run_corpus(&batches, &mut Rng(0x5EED_0002));
    eprintln!(
        "{} recorded batches, {fed} inputs fed, {accepted} mutations accepted",
        batches.len()
    );
    assert!(fed >= 1000, "only {fed} inputs");
}

#[test]
fn structured_on_pseudo_random_input() {
    let mut rng = Rng(0x5EED_0003);
    let mut buffer = Vec::new();
    let (mut accepted, mut rejected, mut frames, mut edits) = (0, 0, 0, 0);
    for i in 0..3000 {
        let len = 1 + rng.below(if i % 10 == 0 { 2048 } else { 400 });
        buffer.clear();
        buffer.extend((0..len).map(|_| rng.next() as u8));
        match std::panic::catch_unwind(|| structured_bytes(&buffer)) {
            Ok(Outcome::Accepted) => {
                accepted += 1;
                let batch = ArbitraryBatch::arbitrary_take_rest(Unstructured::new(&buffer))
                    .unwrap()
                    .to_batch();
                frames += batch.reference_frames.len();
                edits += batch.updated_components.iter().map(|d| d.edits.len()).sum::<usize>();
            }
            Ok(Outcome::Rejected) => rejected += 1,
            Ok(Outcome::Skipped) => {}
            Err(panic) => {
                eprintln!("structured input {i}: {}", brasa_fuzz::to_hex(&buffer));
                std::panic::resume_unwind(panic);
            }
        }
    }
    eprintln!("structured: {accepted} accepted ({frames} frames, {edits} edits), {rejected} rejected");
    // The oracle must actually see both kinds of batch.
    assert!(
        accepted >= 500 && rejected >= 500,
        "{accepted} accepted, {rejected} rejected"
    );
}
