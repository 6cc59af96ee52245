//! Render-batch codec, instruction counts (callgrind, through gungraun), against the same
//! baselines as `render_batch.rs`: where wall time is noise (a 138-byte memcpy takes 2–8 ns, and
//! the small batches' ratios to it move by tens of per cent between criterion runs), the number of
//! instructions one call executes is exact and the same on every run of the same build.
//!
//! One benchmark per operation and input, each a single call on warm working memory: the setup
//! (not counted) loads the input, decodes it and makes one call first, so that the scratch buffers
//! and the output already have their capacity, as for a host or client on its second batch.
//!
//! * `memcpy`: copy the batch's bytes into a buffer of their size (the baseline of the validate
//!   target).
//! * `floor`: `brasa_fuzz::floor::structural_floor`, only the checks issue 9 lists for the
//!   validating reader.
//! * `validate_with`: the validating reader with a `ValidateScratch` used before.
//! * `encode_with`: the owned batch into a cleared buffer with an `EncodeScratch` used before.
//! * `serde_json_encode`: the same batch as its canonical JSON, into a cleared buffer with room.
//! * `render` (group `renderer`): a js-framework-benchmark operation on the reference renderer,
//!   from the state change or click to the batch, from the state the recordings start from (the
//!   batch is then ASP.NET Core's recorded one, byte for byte; `render.rs` checks it).
//!
//! Needs valgrind and the runner at the library's version:
//! `cargo install gungraun-runner --version 0.20.0`, then
//! `cargo bench -p brasa-benches --bench instructions`. `benches/README.md` has the results.

use std::hint::black_box;

use brasa_benches::input;
use brasa_benches::jsfb::{before, operations};
use brasa_fuzz::floor::structural_floor;
use brasa_protocol::render_batch::{
    EncodeScratch, Limits, RenderBatch, ValidateScratch, decode, encode_with, validate_with,
};
use brasa_render::{Batch, Renderer};
use gungraun::{library_benchmark, library_benchmark_group, main};

/// What the benchmarks of one input work on, made by the setup (not counted), each part used once
/// so that its buffers have their capacity: the batch's bytes, a buffer of their size, the decoded
/// batch, a validate scratch, an encode scratch and its output, and an output for the JSON.
struct Fixture {
    bytes: Vec<u8>,
    copy: Vec<u8>,
    /// What `floor` says of the bytes.
    floor: Result<(), usize>,
    batch: RenderBatch,
    validate: ValidateScratch,
    encode: EncodeScratch,
    out: Vec<u8>,
    json: Vec<u8>,
}

/// Boxed, so that handing it in and out of a benchmark moves one pointer.
fn fixture(name: &str) -> Box<Fixture> {
    let bytes = input(name).bytes;
    let batch = decode(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut validate = ValidateScratch::new();
    validate_with(&bytes, &Limits::DEFAULT, &mut validate).unwrap_or_else(|e| panic!("{name}: {e}"));
    let (mut encode, mut out) = (EncodeScratch::new(), Vec::new());
    encode_with(&batch, &mut out, &mut encode).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(out, bytes, "{name}: encode_with");
    let json = serde_json::to_vec(&batch).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(structural_floor(&bytes), Ok(()), "{name}: floor");
    Box::new(Fixture {
        copy: vec![0u8; bytes.len()],
        floor: Ok(()),
        bytes,
        batch,
        validate,
        encode,
        out,
        json,
    })
}

// What every benchmark below counts besides its operation: taking the fixture from the setup and
// handing it back (nothing is freed inside a benchmark; each returns its fixture).
#[library_benchmark]
#[bench::counter(args = ("synthetic-counter"), setup = fixture)]
fn none(f: Box<Fixture>) -> Box<Fixture> {
    black_box(f)
}

/// One benchmark per operation, each on every input.
macro_rules! on_every_input {
    ($(fn $name:ident($f:ident) { $($body:tt)* })*) => {$(
        #[library_benchmark]
        #[benches::batch(
            args = [
                "jsfb-00-create-1000-rows", "jsfb-01-replace-1000-rows", "jsfb-02-update-every-10th",
                "jsfb-03-select-row", "jsfb-04-swap-rows", "jsfb-05-remove-row", "jsfb-06-clear",
                "jsfb-07-create-10000-rows", "jsfb-08-clear-10000", "jsfb-09-create-1000-rows-again",
                "jsfb-10-append-1000-rows", "synthetic-counter", "synthetic-form", "synthetic-reorder",
            ],
            setup = fixture
        )]
        fn $name(mut $f: Box<Fixture>) -> Box<Fixture> {
            $($body)*
            $f
        }
    )*};
}

on_every_input! {
    fn memcpy(f) {
        f.copy.copy_from_slice(black_box(&f.bytes));
        black_box(&mut f.copy);
    }

    fn floor(f) {
        f.floor = structural_floor(black_box(&f.bytes));
    }

    fn validate(f) {
        let view = validate_with(black_box(&f.bytes), &Limits::DEFAULT, &mut f.validate);
        black_box(view.is_ok());
    }

    fn encode(f) {
        f.out.clear();
        let written = encode_with(black_box(&f.batch), &mut f.out, &mut f.encode);
        black_box(written.is_ok());
    }

    fn serde_json_encode(f) {
        f.json.clear();
        let written = serde_json::to_writer(&mut f.json, black_box(&f.batch));
        black_box(written.is_ok());
    }
}

/// A renderer in the state a js-framework-benchmark operation starts from in the recordings, the
/// operation and its input (the clicked handler's id, or 0).
struct RenderFixture {
    renderer: Renderer,
    run: fn(&mut Renderer, u64) -> Batch,
    input: u64,
}

fn render_fixture(name: &str) -> Box<RenderFixture> {
    let operations = operations();
    let index = operations
        .iter()
        .position(|op| op.name == name)
        .unwrap_or_else(|| panic!("no operation {name}"));
    let mut renderer = before(&operations, index);
    let op = &operations[index];
    (op.prepare)(&mut renderer);
    let input = (op.input)(&renderer);
    Box::new(RenderFixture {
        renderer,
        run: op.run,
        input,
    })
}

// The operation from the state change (or the click) to the batch, as the `render` function of
// `render.rs`; the batch is handed back with the renderer, not dropped inside.
#[library_benchmark]
#[benches::operation(
    args = [
        "00-create-1000-rows", "01-replace-1000-rows", "02-update-every-10th", "03-select-row",
        "04-swap-rows", "05-remove-row", "06-clear", "07-create-10000-rows", "08-clear-10000",
        "09-create-1000-rows-again", "10-append-1000-rows",
    ],
    setup = render_fixture
)]
fn render(mut f: Box<RenderFixture>) -> (Box<RenderFixture>, Batch) {
    let batch = (f.run)(&mut f.renderer, black_box(f.input));
    (f, batch)
}

library_benchmark_group!(name = codec; benchmarks = none, memcpy, floor, validate, encode, serde_json_encode);
library_benchmark_group!(name = renderer; benchmarks = render);

main!(library_benchmark_groups = codec, renderer);
