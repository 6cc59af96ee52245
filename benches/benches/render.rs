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

use brasa_apps::event_handler_ids;
use brasa_apps::jsfb::{Bench, Row};
use brasa_benches::reference_dir;
use brasa_render::{Batch, EventArgs, Renderer};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const ROOT: i32 = 0;

/// Changes the table's state and renders it.
fn update(renderer: &mut Renderer, f: impl FnOnce(&mut Bench)) -> Batch {
    renderer.with_component(ROOT, f).unwrap();
    renderer.state_has_changed(ROOT).unwrap();
    renderer.process_render_queue().unwrap().expect("a batch")
}

/// An untimed step: changes the state, renders and recycles the batch.
fn prepare(renderer: &mut Renderer, f: impl FnOnce(&mut Bench)) {
    let batch = update(renderer, f);
    renderer.recycle_batch(batch);
}

/// The rows of the table.
fn rows(renderer: &Renderer) -> usize {
    renderer.component::<Bench>(ROOT).unwrap().rows.len()
}

/// The event handler id of the row at `index`'s select (`0`) or remove (`1`) link.
fn row_handler(renderer: &Renderer, index: usize, which: usize) -> u64 {
    event_handler_ids(renderer, ROOT, "onclick")[2 * index + which]
}

/// Puts the table back to `count` rows, appending new rows or dropping rows from the end.
fn ensure_rows(renderer: &mut Renderer, count: usize) {
    let have = rows(renderer);
    if have < count {
        prepare(renderer, |b| b.append(count - have));
    } else if have > count {
        prepare(renderer, |b| b.rows.truncate(count));
    }
}

/// One js-framework-benchmark operation: an untimed preparation restoring its starting state,
/// an untimed input (the clicked handler's id), and the timed operation.
struct Operation {
    name: &'static str,
    prepare: fn(&mut Renderer),
    input: fn(&Renderer) -> u64,
    run: fn(&mut Renderer, u64) -> Batch,
}

fn no_input(_: &Renderer) -> u64 {
    0
}

fn click(renderer: &mut Renderer, event_handler_id: u64) -> Batch {
    renderer
        .dispatch_event(event_handler_id, &EventArgs::Empty)
        .unwrap()
        .expect("a batch")
}

fn operations() -> Vec<Operation> {
    vec![
        Operation {
            name: "00-create-1000-rows",
            prepare: |r| ensure_rows(r, 2000),
            input: no_input,
            run: |r, _| update(r, |b| b.create(1000)),
        },
        Operation {
            name: "01-replace-1000-rows",
            prepare: |r| ensure_rows(r, 1000),
            input: no_input,
            run: |r, _| update(r, |b| b.create(1000)),
        },
        Operation {
            name: "02-update-every-10th",
            prepare: |r| {
                if r.component::<Bench>(ROOT).unwrap().rows[0].label.ends_with(" !!!") {
                    prepare(r, |b| {
                        for row in b.rows.iter_mut().step_by(10) {
                            row.label = row.label.strip_suffix(" !!!").unwrap_or(&row.label).to_owned().into();
                        }
                    });
                }
            },
            input: no_input,
            run: |r, _| update(r, Bench::update_every_10th),
        },
        Operation {
            name: "03-select-row",
            prepare: |r| {
                if r.component::<Bench>(ROOT).unwrap().selected != 0 {
                    prepare(r, |b| b.select(0));
                }
            },
            input: |r| row_handler(r, 5, 0),
            run: click,
        },
        Operation {
            name: "04-swap-rows",
            prepare: |r| {
                let bench = r.component::<Bench>(ROOT).unwrap();
                if bench.rows[1].id > bench.rows[998].id {
                    prepare(r, Bench::swap_rows);
                }
            },
            input: no_input,
            run: |r, _| update(r, Bench::swap_rows),
        },
        Operation {
            name: "05-remove-row",
            prepare: |r| {
                if rows(r) < 1000 {
                    prepare(r, |b| {
                        let id = b.rows.iter().map(|row| row.id).max().unwrap_or(0) + 1_000_000;
                        let label = b.rows[3].label.clone();
                        b.rows.insert(3, Row { id, label });
                    });
                }
            },
            input: |r| row_handler(r, 3, 1),
            run: click,
        },
        Operation {
            name: "06-clear",
            prepare: |r| ensure_rows(r, 999),
            input: no_input,
            run: |r, _| update(r, Bench::clear),
        },
        Operation {
            name: "07-create-10000-rows",
            prepare: |r| ensure_rows(r, 0),
            input: no_input,
            run: |r, _| update(r, |b| b.create(10_000)),
        },
        Operation {
            name: "08-clear-10000",
            prepare: |r| ensure_rows(r, 10_000),
            input: no_input,
            run: |r, _| update(r, Bench::clear),
        },
        Operation {
            name: "09-create-1000-rows-again",
            prepare: |r| ensure_rows(r, 0),
            input: no_input,
            run: |r, _| update(r, |b| b.create(1000)),
        },
        Operation {
            name: "10-append-1000-rows",
            prepare: |r| ensure_rows(r, 1000),
            input: no_input,
            run: |r, _| update(r, |b| b.append(1000)),
        },
    ]
}

/// A renderer holding the table after the first pass through the operations (the state the
/// recordings start from).
fn after_first_pass(operations: &[Operation]) -> Renderer {
    let mut renderer = Renderer::new();
    let root = renderer.add_root_component(Bench::default());
    assert_eq!(root, ROOT);
    renderer.render_root_component(root).unwrap().expect("first render");
    for op in operations {
        let input = (op.input)(&renderer);
        let batch = (op.run)(&mut renderer, input);
        renderer.recycle_batch(batch);
    }
    renderer
}

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
        let mut renderer = after_first_pass(&operations);
        for earlier in &operations[..index] {
            let input = (earlier.input)(&renderer);
            let batch = (earlier.run)(&mut renderer, input);
            renderer.recycle_batch(batch);
        }
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
