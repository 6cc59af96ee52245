//! RB-1.4, RB-1.5: the reader never allocates beyond what the input's size justifies. A counting
//! global allocator measures the peak of live heap bytes while `validate_with` (with a new
//! scratch, so that its buffers' growth is counted) and `decode` read each input: every
//! conformance vector, every recorded js-framework-benchmark batch, and corruptions of the small
//! inputs that put huge or negative values into each count and position. The bounds:
//!
//! * validating: at most 32 bytes per input byte, plus 4 KiB (the working memory is a few bytes
//!   per string, frame and open subtree, and the set of deduplicated strings);
//! * decoding: that, plus 64 bytes per input byte (each 20-byte frame becomes a 56-byte `Frame`,
//!   each 16-byte edit a 32-byte `Edit`, each string reference a `String`), plus the bytes of the
//!   strings the owned form holds, which a batch may reference many times each and which
//!   `Limits::max_expanded_string_bytes` bounds;
//! * an input rejected for a count or position that its size cannot hold: at most 4 KiB, so
//!   a count of 2^31 in a 40-byte input fails before anything is sized by it.
//!
//! One test function, so that nothing else allocates while it measures.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use brasa_protocol::render_batch::{self, Limits, RenderBatch, ValidateScratch};

mod support;
use support::string_bytes;

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(size: usize) {
    let live = LIVE.fetch_add(size, Relaxed) + size;
    PEAK.fetch_max(live, Relaxed);
}

// SAFETY: every call is forwarded to `System` with the same arguments; the counters only
// observe sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        // SAFETY: the caller's contract for `alloc` is passed on unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // Counted as the new block allocated before the old one is freed, as a copying
        // reallocation needs both.
        grew(new_size);
        LIVE.fetch_sub(layout.size(), Relaxed);
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The peak of live heap bytes above what was live when `f` started.
fn peak_during<T>(f: impl FnOnce() -> T) -> (usize, T) {
    let base = LIVE.load(Relaxed);
    PEAK.store(base, Relaxed);
    let result = f();
    (PEAK.load(Relaxed) - base, result)
}

fn reference_dir() -> PathBuf {
    std::env::var_os("BRASA_REFERENCE")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference"))
}

/// The files of `dir` whose name ends in `.extension`, in name order, each with its name.
fn files(dir: &Path, extension: &str) -> Vec<(String, PathBuf)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == extension))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| (p.file_name().unwrap_or_default().to_string_lossy().into_owned(), p))
        .collect()
}

/// (name, bytes) of every render-batch vector and recorded js-framework-benchmark batch.
fn inputs() -> Vec<(String, Vec<u8>)> {
    let mut inputs = Vec::new();
    let vectors = Path::new(env!("CARGO_MANIFEST_DIR")).join("../conformance/vectors/render-batch");
    for group in ["valid", "invalid"] {
        for (name, path) in files(&vectors.join(group), "json") {
            let text = std::fs::read_to_string(&path).expect("vector");
            let value: serde_json::Value = serde_json::from_str(&text).expect("json");
            let hex = value["hex"].as_str().expect("hex");
            let bytes = (0..hex.len() / 2)
                .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).expect("hex digit"))
                .collect();
            inputs.push((format!("vector {group}/{name}"), bytes));
        }
    }
    for (name, path) in files(&reference_dir().join("batches-jsfb"), "bin") {
        inputs.push((format!("recording {name}"), std::fs::read(&path).expect("recording")));
    }
    inputs
}

/// The corruptions of `bytes` (at most 2 KiB) that write a huge, negative or boundary value into
/// each aligned word, where counts and positions are.
fn corruptions(bytes: &[u8]) -> Vec<(usize, i32, Vec<u8>)> {
    let mut out = Vec::new();
    for at in (0..bytes.len().saturating_sub(3)).step_by(4) {
        for value in [i32::MAX, i32::MIN, -1, 0x4000_0000, 0x0FFF_FFFF, bytes.len() as i32] {
            let mut corrupted = bytes.to_vec();
            corrupted[at..at + 4].copy_from_slice(&value.to_le_bytes());
            out.push((at, value, corrupted));
        }
    }
    out
}

/// Checks one input; returns whether it was accepted.
fn check(what: &str, bytes: &[u8], failures: &mut Vec<String>) -> bool {
    let n = bytes.len();
    let mut scratch = ValidateScratch::new();
    let (validating, validated) =
        peak_during(|| render_batch::validate_with(bytes, &Limits::DEFAULT, &mut scratch).map(|_| ()));
    drop(scratch);
    let validate_bound = 32 * n + 4096;
    if validating > validate_bound {
        failures.push(format!(
            "{what}: validating {n} bytes allocated {validating} (bound {validate_bound})"
        ));
    }
    let (decoding, decoded) = peak_during(|| render_batch::decode(bytes));
    if validated.is_ok() != decoded.is_ok() {
        failures.push(format!("{what}: validate and decode disagree"));
    }
    match decoded {
        Ok(batch) => {
            let bound = validate_bound + 64 * n + string_bytes(&batch);
            if decoding > bound {
                failures.push(format!(
                    "{what}: decoding {n} bytes allocated {decoding} (bound {bound})"
                ));
            }
        }
        Err(error) => {
            let bound = if matches!(
                error.kind.name(),
                "count_exceeds_input" | "negative_count" | "section_out_of_bounds"
            ) {
                4096
            } else {
                validate_bound
            };
            if decoding > bound {
                failures.push(format!(
                    "{what}: rejecting {n} bytes ({error}) allocated {decoding} (bound {bound})"
                ));
            }
        }
    }
    validated.is_ok()
}

#[test]
fn the_reader_allocates_no_more_than_the_input_justifies() {
    let inputs = inputs();
    assert!(inputs.len() > 200, "only {} inputs", inputs.len());
    let mut failures = Vec::new();
    let (mut checked, mut accepted) = (0, 0);
    for (name, bytes) in &inputs {
        accepted += usize::from(check(name, bytes, &mut failures));
        checked += 1;
        if bytes.len() <= 2048 {
            for (at, value, corrupted) in corruptions(bytes) {
                accepted += usize::from(check(
                    &format!("{name} with {value} at {at}"),
                    &corrupted,
                    &mut failures,
                ));
                checked += 1;
            }
        }
    }
    // A count of 2^31 - 1 and of 2^31 (read as int32: negative) in a 40-byte input.
    for count in [i32::MAX, i32::MIN] {
        let mut bytes = render_batch::encode(&RenderBatch::default());
        bytes.splice(0..0, [0u8; 4]);
        let end = bytes.len() - 20;
        bytes[..4].copy_from_slice(&count.to_le_bytes());
        // The diff table now starts at 0, and every other section 4 bytes later.
        for (i, position) in [0i32, 8, 12, 16, 20].into_iter().enumerate() {
            bytes[end + 4 * i..end + 4 * i + 4].copy_from_slice(&position.to_le_bytes());
        }
        assert_eq!(bytes.len(), 40);
        let (allocated, result) = peak_during(|| render_batch::decode(&bytes));
        let error = result.expect_err("a count the input cannot hold");
        assert!(
            matches!(error.kind.name(), "count_exceeds_input" | "negative_count"),
            "count {count}: {error}"
        );
        assert!(
            allocated <= 1024,
            "count {count} in 40 bytes: {allocated} bytes allocated"
        );
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} inputs allocated beyond their bound:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Both outcomes were exercised: some corruptions are still valid batches (a value written
    // where any value is allowed), most are not.
    assert!(
        accepted > 100 && accepted < checked - 1000,
        "{accepted} of {checked} accepted"
    );
}
