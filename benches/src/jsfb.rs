//! The js-framework-benchmark operations on the reference renderer (`brasa-render`) with the
//! `brasa-apps` table component, as the recordings of `shared/reference/batches-jsfb/` were made:
//! shared by the wall-time bench (`benches/render.rs`) and the instruction counts
//! (`benches/instructions.rs`).

use brasa_apps::event_handler_ids;
use brasa_apps::jsfb::{Bench, Row};
use brasa_render::{Batch, EventArgs, Renderer};

/// The table's component id.
pub const ROOT: i32 = 0;

/// Changes the table's state and renders it.
pub fn update(renderer: &mut Renderer, f: impl FnOnce(&mut Bench)) -> Batch {
    renderer.with_component(ROOT, f).unwrap();
    renderer.state_has_changed(ROOT).unwrap();
    renderer.process_render_queue().unwrap().expect("a batch")
}

/// An untimed step: changes the state, renders and recycles the batch.
pub fn prepare(renderer: &mut Renderer, f: impl FnOnce(&mut Bench)) {
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
pub struct Operation {
    /// The recording's name (`00-create-1000-rows`, ...).
    pub name: &'static str,
    /// Restores the operation's starting state (nothing when the table is in it).
    pub prepare: fn(&mut Renderer),
    /// The clicked handler's event handler id, or 0.
    pub input: fn(&Renderer) -> u64,
    /// The operation.
    pub run: fn(&mut Renderer, u64) -> Batch,
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

/// The eleven operations, in the recordings' order.
pub fn operations() -> Vec<Operation> {
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
pub fn after_first_pass(operations: &[Operation]) -> Renderer {
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

/// A renderer in the state `operations[index]` starts from in the recordings: after the first
/// pass and the operations before it in the second.
pub fn before(operations: &[Operation], index: usize) -> Renderer {
    let mut renderer = after_first_pass(operations);
    for earlier in &operations[..index] {
        let input = (earlier.input)(&renderer);
        let batch = (earlier.run)(&mut renderer, input);
        renderer.recycle_batch(batch);
    }
    renderer
}
