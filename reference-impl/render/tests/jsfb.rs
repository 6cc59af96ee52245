//! The js-framework-benchmark component of `reference/batches-jsfb/README.md`, rendered through
//! the benchmark's operations: every batch must equal, byte for byte, the one ASP.NET Core 10
//! wrote (`00..10-*.bin`). Select and remove are dispatched as click events on the rows' own
//! handlers, so this also checks event handler ids at scale.
//!
//! The recordings are of the *second* pass through the operations in one renderer: before `00`
//! the table holds the 2,000 rows a first pass left (row ids continue at 14,001, event handler
//! ids at 28,001, and the label generator's seed continues). So the test runs one pass, then
//! compares the second.

use std::path::PathBuf;

use brasa_render::{Component, EventArgs, EventHandler, RenderTreeBuilder, Renderer, Str};

const ADJECTIVES: [&str; 25] = [
    "pretty",
    "large",
    "big",
    "small",
    "tall",
    "short",
    "long",
    "handsome",
    "plain",
    "quaint",
    "clean",
    "elegant",
    "easy",
    "angry",
    "crazy",
    "helpful",
    "mushy",
    "odd",
    "unsightly",
    "adorable",
    "important",
    "inexpensive",
    "cheap",
    "expensive",
    "fancy",
];
const COLOURS: [&str; 11] = [
    "red", "yellow", "blue", "green", "pink", "brown", "purple", "brown", "white", "black", "orange",
];
const NOUNS: [&str; 13] = [
    "table", "chair", "house", "bbq", "desk", "car", "pony", "cookie", "sandwich", "burger", "pizza", "mouse",
    "keyboard",
];

struct Row {
    id: i32,
    label: Str,
}

struct Bench {
    rows: Vec<Row>,
    selected: i32,
    next_id: i32,
    seed: u32,
}

impl Default for Bench {
    fn default() -> Self {
        Bench {
            rows: Vec::new(),
            selected: 0,
            next_id: 1,
            seed: 1,
        }
    }
}

impl Bench {
    fn pick(&mut self, words: &[&'static str]) -> &'static str {
        self.seed = self.seed.wrapping_mul(1103515245).wrapping_add(12345);
        words[((self.seed >> 16) as usize) % words.len()]
    }

    fn build(&mut self, count: usize) -> Vec<Row> {
        (0..count)
            .map(|_| {
                let (a, c, n) = (self.pick(&ADJECTIVES), self.pick(&COLOURS), self.pick(&NOUNS));
                let id = self.next_id;
                self.next_id += 1;
                Row {
                    id,
                    label: Str::from(format!("{a} {c} {n}")),
                }
            })
            .collect()
    }

    fn select(&mut self, id: i32) {
        self.selected = id;
    }

    fn remove(&mut self, id: i32) {
        self.rows.retain(|row| row.id != id);
    }
}

impl Component for Bench {
    fn render(&self, b: &mut RenderTreeBuilder<'_>) {
        b.open_element(0, "table");
        b.add_attribute(1, "class", "table");
        b.open_element(2, "tbody");
        for row in &self.rows {
            let id = row.id;
            b.open_element(3, "tr");
            b.set_key(id);
            b.add_attribute(4, "class", (id == self.selected).then_some("danger"));
            b.open_element(5, "td");
            b.add_attribute(6, "class", "col-md-1");
            b.add_content(7, id.to_string());
            b.close_element();
            b.open_element(8, "td");
            b.add_attribute(9, "class", "col-md-4");
            b.open_element(10, "a");
            // `() => Select(row)`: a new closure each render, equivalent while it captures the same row.
            b.add_attribute(
                11,
                "onclick",
                EventHandler::capturing(id, |bench: &mut Bench, id: &i32, _: &EventArgs| bench.select(*id)),
            );
            b.add_content(12, &row.label);
            b.close_element();
            b.close_element();
            b.open_element(13, "td");
            b.add_attribute(14, "class", "col-md-1");
            b.open_element(15, "a");
            b.add_attribute(
                16,
                "onclick",
                EventHandler::capturing(id, |bench: &mut Bench, id: &i32, _: &EventArgs| bench.remove(*id)),
            );
            b.open_element(17, "span");
            b.add_attribute(18, "class", "remove");
            b.add_attribute(19, "aria-hidden", "true");
            b.add_content(20, "x");
            b.close_element();
            b.close_element();
            b.close_element();
            b.open_element(21, "td");
            b.add_attribute(22, "class", "col-md-6");
            b.close_element();
            b.close_element();
        }
        b.close_element();
        b.close_element();
    }
}

fn reference_dir() -> PathBuf {
    match std::env::var_os("BRASA_REFERENCE") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference"),
    }
}

/// The event handler id of the `onclick` with sequence number `sequence` in row `index`.
fn row_handler_id(renderer: &Renderer, index: usize, sequence: i32) -> u64 {
    let tree = renderer.current_render_tree(0).expect("root tree");
    tree.iter()
        .filter(|frame| frame.sequence() == sequence && frame.event_handler_id() != 0)
        .nth(index)
        .expect("row handler")
        .event_handler_id()
}

fn first_difference(a: &[u8], b: &[u8]) -> usize {
    a.iter()
        .zip(b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()))
}

#[test]
fn jsfb_operations_match_aspnetcore_batches() {
    let dir = reference_dir().join("batches-jsfb");
    let mut renderer = Renderer::new();
    let root = renderer.add_root_component(Bench::default());
    renderer
        .render_root_component(root)
        .unwrap()
        .expect("first render of the empty table");

    type Operation = Box<dyn Fn(&mut Renderer) -> brasa_render::Batch>;
    let update = |f: fn(&mut Bench)| -> Operation {
        Box::new(move |r: &mut Renderer| {
            r.with_component(0, f).unwrap();
            r.state_has_changed(0).unwrap();
            r.process_render_queue().unwrap().expect("a batch")
        })
    };
    let operations: Vec<(&str, Operation)> = vec![
        ("00-create-1000-rows", update(|b| b.rows = b.build(1000))),
        ("01-replace-1000-rows", update(|b| b.rows = b.build(1000))),
        (
            "02-update-every-10th",
            update(|b| {
                for row in b.rows.iter_mut().step_by(10) {
                    row.label = Str::from(format!("{} !!!", row.label));
                }
            }),
        ),
        (
            "03-select-row",
            Box::new(|r: &mut Renderer| {
                let id = row_handler_id(r, 5, 11);
                r.dispatch_event(id, &EventArgs::Empty).unwrap().expect("a batch")
            }),
        ),
        ("04-swap-rows", update(|b| b.rows.swap(1, 998))),
        (
            "05-remove-row",
            Box::new(|r: &mut Renderer| {
                let id = row_handler_id(r, 3, 16);
                r.dispatch_event(id, &EventArgs::Empty).unwrap().expect("a batch")
            }),
        ),
        ("06-clear", update(|b| b.rows.clear())),
        ("07-create-10000-rows", update(|b| b.rows = b.build(10_000))),
        ("08-clear-10000", update(|b| b.rows.clear())),
        ("09-create-1000-rows-again", update(|b| b.rows = b.build(1000))),
        (
            "10-append-1000-rows",
            update(|b| {
                let more = b.build(1000);
                b.rows.extend(more);
            }),
        ),
    ];

    for (_, operation) in &operations {
        operation(&mut renderer);
    }
    let mut failures = Vec::new();
    for (name, operation) in operations {
        let expected = std::fs::read(dir.join(format!("{name}.bin")))
            .unwrap_or_else(|e| panic!("cannot read {name}.bin in {}: {e}", dir.display()));
        let actual = operation(&mut renderer).encode().unwrap();
        if let Some(dump) = std::env::var_os("BRASA_JSFB_DUMP") {
            std::fs::write(PathBuf::from(dump).join(format!("{name}.bin")), &actual).unwrap();
        }
        if actual != expected {
            failures.push(format!(
                "{name}: {} bytes, expected {}; first difference at byte {}",
                actual.len(),
                expected.len(),
                first_difference(&actual, &expected)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "batches differ from ASP.NET Core's:\n{}",
        failures.join("\n")
    );
}
