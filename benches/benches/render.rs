//! The reference renderer (`brasa-render`), wall time, on the js-framework-benchmark operations
//! of `shared/reference/batches-jsfb/README.md`, with the `brasa-apps` table component.
//!
//! One criterion group per operation (`render-00-create-1000-rows`, …), throughput in bytes of
//! the operation's batch:
//!
//! * `render`: from the state change (or the click, for select and remove) to the produced
//!   [`Batch`]: the component's state change, then `state_has_changed` + `process_render_queue`
//!   (or `dispatch_event`), which render the component, diff its tree and assemble the batch.
//! * `recycle`: giving that batch back (`Renderer::recycle_batch`), as a host does once it has
//!   sent it: frees the batch's contents and the tree the render replaced, keeping their
//!   allocations for the next render. `render` + `recycle` is all the work of the operation.
//! * `encode`: the operation's batch into a reused buffer (`Batch::encode_into`, cleared between
//!   iterations).
//! * `memcpy`: a copy of the batch's bytes into a preallocated buffer (the same-run baseline).
//!
//! Each operation starts from the state the recordings were made in: one renderer runs the
//! eleven operations once, then again (the recorded batches are of that second pass, where the
//! table already held the 2,000 rows the first pass left); the bench first checks that the second
//! pass's batches equal ASP.NET Core's recordings byte for byte. Measuring repeats the operation:
//! before each timed run an untimed step (a render of its own, its batch recycled) puts the table
//! back into the operation's starting state (2,000 rows before "create 1,000", no selection before
//! "select", …). Row ids and event handler ids keep counting up, so later iterations' batches are
//! a few bytes longer than the recording's.
//!
//! `cargo run -p brasa-benches --bin render-report` prints the table (README.md, "Renderer").

use std::hint::black_box;
use std::time::{Duration, Instant};

use brasa_benches::jsfb::{Operation, after_first_pass, before, operations};
use brasa_benches::reference_dir;
use brasa_render::Renderer;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// Runs `op` `iterations` times from its starting state; returns the time of the timed part:
/// the render, or (`recycle`) giving its batch back.
fn measure(renderer: &mut Renderer, op: &Operation, iterations: u64, recycle: bool) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iterations {
        (op.prepare)(renderer);
        let input = (op.input)(renderer);
        let start = Instant::now();
        let batch = (op.run)(renderer, black_box(input));
        let rendered = start.elapsed();
        let start = Instant::now();
        renderer.recycle_batch(black_box(batch));
        total += if recycle { start.elapsed() } else { rendered };
    }
    total
}

fn render(c: &mut Criterion) {
    let operations = operations();
    let dir = reference_dir().join("batches-jsfb");

    // The second pass: each operation's batch, checked against ASP.NET Core's recording.
    let mut renderer = after_first_pass(&operations);
    let mut batches = Vec::new();
    for op in &operations {
        let input = (op.input)(&renderer);
        let batch = (op.run)(&mut renderer, input);
        let bytes = batch.encode().unwrap();
        let path = dir.join(format!("{}.bin", op.name));
        let expected = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(bytes == expected, "{}: the batch differs from ASP.NET Core's", op.name);
        batches.push((batch, bytes));
    }

    for (index, (op, (batch, bytes))) in operations.iter().zip(&batches).enumerate() {
        let mut group = c.benchmark_group(format!("render-{}", op.name));
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        if op.name.contains("10000") {
            group.sample_size(20);
        }

        // A renderer in the state this operation starts from.
        let mut renderer = before(&operations, index);
        group.bench_function("render", |b| {
            b.iter_custom(|iterations| measure(&mut renderer, op, iterations, false))
        });
        group.bench_function("recycle", |b| {
            b.iter_custom(|iterations| measure(&mut renderer, op, iterations, true))
        });

        let mut out = Vec::with_capacity(bytes.len() * 2);
        group.bench_function("encode", |b| {
            b.iter(|| {
                out.clear();
                black_box(batch).encode_into(&mut out).unwrap();
                black_box(out.len())
            })
        });

        let mut copy = vec![0u8; bytes.len()];
        group.bench_function("memcpy", |b| {
            b.iter(|| {
                copy.copy_from_slice(black_box(bytes));
                black_box(&mut copy);
            })
        });
        group.finish();
    }
}

criterion_group!(benches, render);
criterion_main!(benches);
