//! Render-batch codec, instruction counts (callgrind, through gungraun), against the same
//! baselines as `render_batch.rs`: where wall time is noise (a 138-byte memcpy takes 2–8 ns, and
//! the small batches' ratios to it move by tens of per cent between criterion runs), the number of
//! instructions one call executes is exact and the same on every run of the same build.
//!
//! One benchmark per operation and input, each a single call on warm working memory: the setup
//! (not counted) loads the input, decodes it and makes one call first, so that the scratch buffers
//! and the output already have their capacity, as for a host or client on its second batch.
//!
//! * `memcpy`: copy the batch's bytes into a buffer of their size (the floor for validate).
//! * `validate_with`: the validating reader with a `ValidateScratch` used before.
//! * `encode_with`: the owned batch into a cleared buffer with an `EncodeScratch` used before.
//! * `serde_json_encode`: the same batch as its canonical JSON, into a cleared buffer with room.
//!
//! Needs valgrind and the runner at the library's version:
//! `cargo install gungraun-runner --version 0.20.0`, then
//! `cargo bench -p brasa-benches --bench instructions`. `benches/README.md` has the results.

use std::hint::black_box;

use brasa_benches::input;
use brasa_protocol::render_batch::{
    EncodeScratch, Limits, RenderBatch, ValidateScratch, decode, encode_with, validate_with,
};
use gungraun::{library_benchmark, library_benchmark_group, main};

/// The batch's bytes and a buffer of their size.
fn copy_setup(name: &str) -> (Vec<u8>, Vec<u8>) {
    let bytes = input(name).bytes;
    let copy = vec![0u8; bytes.len()];
    (bytes, copy)
}

/// The batch's bytes and a scratch that has validated them once.
fn validate_setup(name: &str) -> (Vec<u8>, ValidateScratch) {
    let bytes = input(name).bytes;
    let mut scratch = ValidateScratch::new();
    validate_with(&bytes, &Limits::DEFAULT, &mut scratch).unwrap_or_else(|e| panic!("{name}: {e}"));
    (bytes, scratch)
}

/// The decoded batch, an output buffer and a scratch that have encoded it once (and checked
/// that the bytes are the input's).
fn encode_setup(name: &str) -> (RenderBatch, Vec<u8>, EncodeScratch) {
    let bytes = input(name).bytes;
    let batch = decode(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut out = Vec::new();
    let mut scratch = EncodeScratch::new();
    encode_with(&batch, &mut out, &mut scratch).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(out, bytes, "{name}: encode_with");
    (batch, out, scratch)
}

/// The decoded batch and an output buffer that has held its JSON once.
fn json_setup(name: &str) -> (RenderBatch, Vec<u8>) {
    let bytes = input(name).bytes;
    let batch = decode(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
    let out = serde_json::to_vec(&batch).unwrap_or_else(|e| panic!("{name}: {e}"));
    (batch, out)
}

// What every benchmark below counts besides its operation: taking its input from the setup and
// handing it back (nothing is freed inside a benchmark; every one returns what it was given).
#[library_benchmark]
#[bench::counter(args = ("synthetic-counter"), setup = copy_setup)]
fn none(buffers: (Vec<u8>, Vec<u8>)) -> (Vec<u8>, Vec<u8>) {
    black_box(buffers)
}

#[library_benchmark]
#[benches::batch(
    args = [
        "jsfb-00-create-1000-rows", "jsfb-01-replace-1000-rows", "jsfb-02-update-every-10th",
        "jsfb-03-select-row", "jsfb-04-swap-rows", "jsfb-05-remove-row", "jsfb-06-clear",
        "jsfb-07-create-10000-rows", "jsfb-08-clear-10000", "jsfb-09-create-1000-rows-again",
        "jsfb-10-append-1000-rows", "synthetic-counter", "synthetic-form", "synthetic-reorder",
    ],
    setup = copy_setup
)]
fn memcpy((bytes, mut copy): (Vec<u8>, Vec<u8>)) -> (Vec<u8>, Vec<u8>) {
    copy.copy_from_slice(black_box(&bytes));
    black_box(&mut copy);
    (bytes, copy)
}

#[library_benchmark]
#[benches::batch(
    args = [
        "jsfb-00-create-1000-rows", "jsfb-01-replace-1000-rows", "jsfb-02-update-every-10th",
        "jsfb-03-select-row", "jsfb-04-swap-rows", "jsfb-05-remove-row", "jsfb-06-clear",
        "jsfb-07-create-10000-rows", "jsfb-08-clear-10000", "jsfb-09-create-1000-rows-again",
        "jsfb-10-append-1000-rows", "synthetic-counter", "synthetic-form", "synthetic-reorder",
    ],
    setup = validate_setup
)]
fn validate((bytes, mut scratch): (Vec<u8>, ValidateScratch)) -> (Vec<u8>, ValidateScratch) {
    let view = validate_with(black_box(&bytes), &Limits::DEFAULT, &mut scratch);
    black_box(view.is_ok());
    (bytes, scratch)
}

#[library_benchmark]
#[benches::batch(
    args = [
        "jsfb-00-create-1000-rows", "jsfb-01-replace-1000-rows", "jsfb-02-update-every-10th",
        "jsfb-03-select-row", "jsfb-04-swap-rows", "jsfb-05-remove-row", "jsfb-06-clear",
        "jsfb-07-create-10000-rows", "jsfb-08-clear-10000", "jsfb-09-create-1000-rows-again",
        "jsfb-10-append-1000-rows", "synthetic-counter", "synthetic-form", "synthetic-reorder",
    ],
    setup = encode_setup
)]
fn encode(
    (batch, mut out, mut scratch): (RenderBatch, Vec<u8>, EncodeScratch),
) -> (RenderBatch, Vec<u8>, EncodeScratch) {
    out.clear();
    let written = encode_with(black_box(&batch), &mut out, &mut scratch);
    black_box(written.is_ok());
    (batch, out, scratch)
}

#[library_benchmark]
#[benches::batch(
    args = [
        "jsfb-00-create-1000-rows", "jsfb-01-replace-1000-rows", "jsfb-02-update-every-10th",
        "jsfb-03-select-row", "jsfb-04-swap-rows", "jsfb-05-remove-row", "jsfb-06-clear",
        "jsfb-07-create-10000-rows", "jsfb-08-clear-10000", "jsfb-09-create-1000-rows-again",
        "jsfb-10-append-1000-rows", "synthetic-counter", "synthetic-form", "synthetic-reorder",
    ],
    setup = json_setup
)]
fn serde_json_encode((batch, mut out): (RenderBatch, Vec<u8>)) -> (RenderBatch, Vec<u8>) {
    out.clear();
    let written = serde_json::to_writer(&mut out, black_box(&batch));
    black_box(written.is_ok());
    (batch, out)
}

library_benchmark_group!(name = codec; benchmarks = none, memcpy, validate, encode, serde_json_encode);

main!(library_benchmark_groups = codec);
