//! One codec operation in a loop, for measuring outside criterion: with `perf stat -e
//! task-clock` (CPU time of the process, less disturbed than wall time on a shared machine), or
//! `valgrind --tool=callgrind` (instruction counts), or `perf record`.
//!
//! ```sh
//! cargo build --release -p brasa-benches --example codec_loop
//! perf stat -x, -e task-clock target/release/examples/codec_loop synthetic-counter encode_with 4000000
//! ```
//!
//! Arguments: the input's name (as the criterion groups: `jsfb-03-select-row`,
//! `synthetic-counter`, …), the operation (`none`, `memcpy`, `floor`, `validate`, `validate_with`,
//! `encode`, `encode_with`, `json`) and the number of iterations. Loading the inputs is part of
//! every run: subtract the time of `none` (same input) before dividing by the iterations.

use std::hint::black_box;

use brasa_benches::inputs;
use brasa_protocol::render_batch::{
    EncodeScratch, Limits, ValidateScratch, decode, encode_into, encode_with, validate, validate_with,
};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, name, operation, iterations] = &args[..] else {
        eprintln!("usage: codec_loop INPUT OPERATION ITERATIONS");
        std::process::exit(2);
    };
    let input = inputs()
        .into_iter()
        .find(|i| i.name == *name)
        .unwrap_or_else(|| panic!("no input {name}"));
    let iterations: usize = iterations.parse().expect("a number of iterations");
    let bytes = input.bytes;
    let batch = decode(&bytes).expect("a valid batch");
    let mut out = Vec::with_capacity(bytes.len() * 2);
    let mut copy = vec![0u8; bytes.len()];
    let mut encode_scratch = EncodeScratch::new();
    let mut validate_scratch = ValidateScratch::new();
    for _ in 0..iterations {
        match operation.as_str() {
            "none" => {}
            "memcpy" => {
                copy.copy_from_slice(black_box(&bytes));
                black_box(&mut copy);
            }
            "floor" => {
                black_box(brasa_fuzz::floor::structural_floor(black_box(&bytes)).is_ok());
            }
            "validate" => {
                black_box(validate(black_box(&bytes), &Limits::DEFAULT).expect("valid"));
            }
            "validate_with" => {
                black_box(validate_with(black_box(&bytes), &Limits::DEFAULT, &mut validate_scratch).expect("valid"));
            }
            "encode" => {
                out.clear();
                encode_into(black_box(&batch), &mut out).expect("encodes");
                black_box(out.len());
            }
            "encode_with" => {
                out.clear();
                encode_with(black_box(&batch), &mut out, &mut encode_scratch).expect("encodes");
                black_box(out.len());
            }
            "json" => {
                out.clear();
                serde_json::to_writer(&mut out, black_box(&batch)).expect("encodes");
                black_box(out.len());
            }
            other => panic!("unknown operation {other}"),
        }
    }
}
