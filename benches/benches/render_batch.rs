//! Render-batch codec, wall time, against baselines measured in the same run.
//!
//! One criterion group per input (every `shared/reference/batches-jsfb/*.bin`, then the
//! synthetic batches of `brasa_benches::synthetic`), throughput in bytes of the binary batch:
//!
//! * `memcpy`: copy the batch's bytes into a preallocated buffer (the baseline of the validate
//!   target).
//! * `floor`: `brasa_fuzz::floor::structural_floor`, only the checks issue 9 lists for the
//!   validating reader (no strict rules, no error detail): what those checks alone cost.
//! * `validate`: the zero-copy validating reader (`validate`, working memory kept by the thread).
//! * `validate_with`: the same with working memory passed by the caller (`validate_with` and one
//!   `ValidateScratch` for every iteration, as a client validating batch after batch).
//! * `decode`: validate and build the owned `RenderBatch`.
//! * `encode`: the owned batch into a reused buffer (`encode_into`, cleared between iterations).
//! * `encode_with`: the same with the string table's working memory passed by the caller
//!   (`encode_with` and one `EncodeScratch`, as a host encoding batch after batch).
//! * `serde_json_encode` / `serde_json_decode`: the same owned batch through its canonical JSON
//!   form (into a reused buffer / from a slice).
//! * `rmp_serde_encode` / `rmp_serde_decode`: the same owned batch as MessagePack (rmp-serde,
//!   structs as arrays), into a reused buffer / from a slice.
//!
//! `cargo run -p brasa-benches --bin bench-report` turns the results into a table (README.md).

use std::hint::black_box;

use brasa_benches::inputs;
use brasa_fuzz::floor::structural_floor;
use brasa_protocol::render_batch::{
    EncodeScratch, Limits, RenderBatch, ValidateScratch, decode, encode_into, encode_with, validate, validate_with,
};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn render_batch(c: &mut Criterion) {
    for input in inputs() {
        let bytes = input.bytes;
        let batch = decode(&bytes).unwrap_or_else(|e| panic!("{}: {e}", input.name));
        let json = serde_json::to_vec(&batch).unwrap();
        let msgpack = rmp_serde::to_vec(&batch).unwrap();
        assert_eq!(
            serde_json::from_slice::<RenderBatch>(&json).unwrap(),
            batch,
            "{}: JSON",
            input.name
        );
        assert_eq!(
            rmp_serde::from_slice::<RenderBatch>(&msgpack).unwrap(),
            batch,
            "{}: MessagePack",
            input.name
        );

        // Both encoders write the input's exact bytes, also with a scratch used before.
        let mut scratch = EncodeScratch::new();
        for _ in 0..2 {
            let mut check = Vec::new();
            encode_with(&batch, &mut check, &mut scratch).unwrap();
            assert_eq!(check, bytes, "{}: encode_with", input.name);
        }
        let mut check = Vec::new();
        encode_into(&batch, &mut check).unwrap();
        assert_eq!(check, bytes, "{}: encode_into", input.name);

        let mut group = c.benchmark_group(&input.name);
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        if bytes.len() > 1 << 20 {
            group.sample_size(20);
        }

        let mut copy = vec![0u8; bytes.len()];
        group.bench_function("memcpy", |b| {
            b.iter(|| {
                copy.copy_from_slice(black_box(&bytes));
                black_box(&mut copy);
            })
        });
        assert_eq!(structural_floor(&bytes), Ok(()), "{}: floor", input.name);
        group.bench_function("floor", |b| b.iter(|| structural_floor(black_box(&bytes))));
        group.bench_function("validate", |b| {
            b.iter(|| validate(black_box(&bytes), &Limits::DEFAULT).unwrap())
        });
        let mut scratch = ValidateScratch::new();
        group.bench_function("validate_with", |b| {
            b.iter(|| validate_with(black_box(&bytes), &Limits::DEFAULT, &mut scratch).unwrap())
        });
        group.bench_function("decode", |b| b.iter(|| decode(black_box(&bytes)).unwrap()));

        let mut out = Vec::with_capacity(bytes.len() * 2);
        group.bench_function("encode", |b| {
            b.iter(|| {
                out.clear();
                encode_into(black_box(&batch), &mut out).unwrap();
                black_box(out.len())
            })
        });
        let mut scratch = EncodeScratch::new();
        group.bench_function("encode_with", |b| {
            b.iter(|| {
                out.clear();
                encode_with(black_box(&batch), &mut out, &mut scratch).unwrap();
                black_box(out.len())
            })
        });

        let mut out = Vec::with_capacity(json.len() * 2);
        group.bench_function("serde_json_encode", |b| {
            b.iter(|| {
                out.clear();
                serde_json::to_writer(&mut out, black_box(&batch)).unwrap();
                black_box(out.len())
            })
        });
        group.bench_function("serde_json_decode", |b| {
            b.iter(|| serde_json::from_slice::<RenderBatch>(black_box(&json)).unwrap())
        });

        let mut out = Vec::with_capacity(msgpack.len() * 2);
        group.bench_function("rmp_serde_encode", |b| {
            b.iter(|| {
                out.clear();
                rmp_serde::encode::write(&mut out, black_box(&batch)).unwrap();
                black_box(out.len())
            })
        });
        group.bench_function("rmp_serde_decode", |b| {
            b.iter(|| rmp_serde::from_slice::<RenderBatch>(black_box(&msgpack)).unwrap())
        });
        group.finish();
    }
}

criterion_group!(benches, render_batch);
criterion_main!(benches);
