//! The js-framework-benchmark table (`reference/batches-jsfb/README.md`): keyed rows, labels
//! from a fixed generator, a select and a remove handler per row. `brasa-render`'s test
//! `jsfb.rs` checks that these operations produce ASP.NET Core 10's bytes.

use brasa_render::{Component, EventArgs, EventHandler, RenderTreeBuilder, Str};

/// The benchmark's adjectives.
pub const ADJECTIVES: [&str; 25] = [
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
/// The benchmark's colours.
pub const COLOURS: [&str; 11] = [
    "red", "yellow", "blue", "green", "pink", "brown", "purple", "brown", "white", "black", "orange",
];
/// The benchmark's nouns.
pub const NOUNS: [&str; 13] = [
    "table", "chair", "house", "bbq", "desk", "car", "pony", "cookie", "sandwich", "burger", "pizza", "mouse",
    "keyboard",
];

/// A row of the table.
#[derive(Debug, Clone)]
pub struct Row {
    /// Its id (the row's key), 1, 2, 3, ... in creation order.
    pub id: i32,
    /// "ADJECTIVE COLOUR NOUN".
    pub label: Str,
}

/// Where new rows come from, as the benchmark (and Big.razor's `Build`) makes them: ids 1, 2,
/// 3, ... and labels drawn adjective, colour, noun in that order with `seed = seed * 1103515245 +
/// 12345` (u32 arithmetic, from seed 1) and `(seed >> 16) % len`.
#[derive(Debug)]
pub struct RowSource {
    next_id: i32,
    seed: u32,
}

impl Default for RowSource {
    fn default() -> Self {
        RowSource { next_id: 1, seed: 1 }
    }
}

impl RowSource {
    fn pick(&mut self, words: &[&'static str]) -> &'static str {
        self.seed = self.seed.wrapping_mul(1103515245).wrapping_add(12345);
        words[((self.seed >> 16) as usize) % words.len()]
    }

    /// The next `count` rows.
    pub fn build(&mut self, count: usize) -> Vec<Row> {
        (0..count)
            .map(|_| {
                let (adjective, colour, noun) = (self.pick(&ADJECTIVES), self.pick(&COLOURS), self.pick(&NOUNS));
                let id = self.next_id;
                self.next_id += 1;
                Row {
                    id,
                    label: Str::concat(&[adjective, " ", colour, " ", noun]),
                }
            })
            .collect()
    }

    /// The id the next row will get.
    pub fn next_id(&self) -> i32 {
        self.next_id
    }
}

/// The benchmark component.
#[derive(Debug, Default)]
pub struct Bench {
    /// The rows, in display order.
    pub rows: Vec<Row>,
    /// The selected row's id (0: none).
    pub selected: i32,
    source: RowSource,
}

impl Bench {
    fn build(&mut self, count: usize) -> Vec<Row> {
        self.source.build(count)
    }

    /// Replaces the rows with `count` new ones ("create" / "replace").
    pub fn create(&mut self, count: usize) {
        self.rows = self.build(count);
    }

    /// Appends `count` new rows.
    pub fn append(&mut self, count: usize) {
        let more = self.build(count);
        self.rows.extend(more);
    }

    /// Appends " !!!" to every 10th row's label.
    pub fn update_every_10th(&mut self) {
        for row in self.rows.iter_mut().step_by(10) {
            row.label = Str::concat(&[&row.label, " !!!"]);
        }
    }

    /// Selects the row with this id.
    pub fn select(&mut self, id: i32) {
        self.selected = id;
    }

    /// Swaps the rows at indexes 1 and 998 (when there are that many).
    pub fn swap_rows(&mut self) {
        if self.rows.len() > 998 {
            self.rows.swap(1, 998);
        }
    }

    /// Removes the row with this id.
    pub fn remove(&mut self, id: i32) {
        self.rows.retain(|row| row.id != id);
    }

    /// Removes every row.
    pub fn clear(&mut self) {
        self.rows.clear();
    }
}

impl Component for Bench {
    fn render(&self, b: &mut RenderTreeBuilder<'_>) {
        b.open_element(0, "table");
        b.add_attribute(1, "class", "table");
        b.open_element(2, "tbody");
        for row in &self.rows {
            b.open_element(3, "tr");
            b.set_key(row.id);
            b.add_attribute(4, "class", (row.id == self.selected).then_some("danger"));
            b.open_element(5, "td");
            b.add_attribute(6, "class", "col-md-1");
            b.add_content(7, row.id);
            b.close_element();
            b.open_element(8, "td");
            b.add_attribute(9, "class", "col-md-4");
            b.open_element(10, "a");
            b.add_attribute(
                11,
                "onclick",
                EventHandler::capturing(row.id, |bench: &mut Bench, id: &i32, _: &EventArgs| bench.select(*id)),
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
                EventHandler::capturing(row.id, |bench: &mut Bench, id: &i32, _: &EventArgs| bench.remove(*id)),
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

#[cfg(test)]
mod tests {
    use brasa_protocol::render_batch::{Edit, Frame};
    use brasa_render::{EventArgs, Renderer};

    use super::Bench;
    use crate::event_handler_ids;
    use crate::test_support::decoded;

    #[test]
    fn create_then_click_select() {
        let mut renderer = Renderer::new();
        let root = renderer.add_root_component(Bench::default());
        decoded(&renderer.render_root_component(root).unwrap().unwrap());
        renderer.with_component(root, |b: &mut Bench| b.create(10)).unwrap();
        renderer.state_has_changed(root).unwrap();
        let batch = decoded(&renderer.process_render_queue().unwrap().unwrap());
        assert_eq!(batch.reference_frames.len(), 10 * 19);

        let select_third = event_handler_ids(&renderer, root, "onclick")[2 * 2];
        let batch = decoded(
            &renderer
                .dispatch_event(select_third, &EventArgs::Empty)
                .unwrap()
                .unwrap(),
        );
        assert_eq!(
            batch.reference_frames,
            [Frame::Attribute {
                name: "class".into(),
                value: Some("danger".into()),
                event_handler_id: 0
            }]
        );
        // Into the table and its tbody, then the class of the third row.
        assert_eq!(
            batch.updated_components[0].edits,
            [
                Edit::StepIn { sibling_index: 0 },
                Edit::StepIn { sibling_index: 0 },
                Edit::SetAttribute {
                    sibling_index: 2,
                    reference_frame_index: 0
                },
                Edit::StepOut,
                Edit::StepOut,
            ]
        );
    }
}
