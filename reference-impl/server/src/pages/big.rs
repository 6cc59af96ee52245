//! `Big.razor` (`/big`): the js-framework-benchmark table.

use brasa_render::{Component, EventArgs, EventHandler, RenderTreeBuilder, Str};

use super::error_ui;

// The page's rows are the benchmark's: `record Row(int Id) { public string Label { get; set; } }`,
// made by `Build(n)` from the word lists `Adjectives`, `Colours`, `Nouns` with `Next(max)`.
use brasa_apps::jsfb::{Row, RowSource};

/// `Big.razor` (`/big`): keyed rows with a select and a remove link each, labels from the page's
/// own generator.
#[derive(Debug)]
pub struct Big {
    rows: Vec<Row>,
    selected: i32,
    source: RowSource,
}

impl Default for Big {
    fn default() -> Self {
        Big {
            rows: Vec::new(),
            selected: -1,
            source: RowSource::default(),
        }
    }
}

impl Big {
    /// `Build(n)`: `n` rows with the next ids and labels.
    fn build(&mut self, n: usize) -> Vec<Row> {
        self.source.build(n)
    }

    fn run(&mut self, _: &EventArgs) {
        self.rows = self.build(1000);
        self.selected = -1;
    }

    fn run_lots(&mut self, _: &EventArgs) {
        self.rows = self.build(10000);
        self.selected = -1;
    }

    fn add(&mut self, _: &EventArgs) {
        let more = self.build(1000);
        self.rows.extend(more);
    }

    fn update(&mut self, _: &EventArgs) {
        for row in self.rows.iter_mut().step_by(10) {
            row.label = Str::concat(&[&row.label, " !!!"]);
        }
    }

    fn clear(&mut self, _: &EventArgs) {
        self.rows = Vec::new();
        self.selected = -1;
    }

    fn swap_rows(&mut self, _: &EventArgs) {
        if self.rows.len() > 998 {
            self.rows.swap(1, 998);
        }
    }

    /// `rows.Remove(row)`: the first row equal to the captured one (ids are unique, so the row
    /// with its id).
    fn remove(&mut self, id: i32) {
        if let Some(index) = self.rows.iter().position(|row| row.id == id) {
            self.rows.remove(index);
        }
    }
}

impl Component for Big {
    fn render(&self, b: &mut RenderTreeBuilder<'_>) {
        b.add_markup_content(0, "<h1>Rows</h1>\n");
        // Each handler is a method (a zero-sized fn item): the same delegate on every render, as
        // a C# method group is, so re-rendering does not re-register the buttons' handlers.
        macro_rules! button {
            ($sequence:literal, $id:literal, $text:literal, $handler:path) => {
                b.open_element($sequence, "button");
                b.add_attribute($sequence + 1, "id", $id);
                b.add_attribute($sequence + 2, "onclick", EventHandler::new($handler));
                b.add_content($sequence + 3, $text);
                b.close_element();
                b.add_markup_content($sequence + 4, "\n");
            };
        }
        button!(1, "run", "Create 1,000 rows", Big::run);
        button!(6, "runlots", "Create 10,000 rows", Big::run_lots);
        button!(11, "add", "Append 1,000 rows", Big::add);
        button!(16, "update", "Update every 10th row", Big::update);
        button!(21, "clear", "Clear", Big::clear);
        button!(26, "swaprows", "Swap rows", Big::swap_rows);
        b.open_element(31, "p");
        b.add_attribute(32, "id", "rowcount");
        b.add_content(33, self.rows.len());
        b.add_content(34, " rows");
        b.close_element();
        b.add_markup_content(35, "\n");
        b.open_element(36, "table");
        b.add_attribute(37, "class", "table");
        b.open_element(38, "tbody");
        for row in &self.rows {
            b.open_element(39, "tr");
            b.set_key(row.id);
            b.add_attribute(40, "class", (row.id == self.selected).then_some("danger"));
            b.open_element(41, "td");
            b.add_attribute(42, "class", "col-md-1");
            b.add_content(43, row.id);
            b.close_element();
            b.add_markup_content(44, "\n        ");
            b.open_element(45, "td");
            b.add_attribute(46, "class", "col-md-4");
            b.open_element(47, "a");
            b.add_attribute(
                48,
                "onclick",
                EventHandler::capturing(row.id, |big: &mut Big, id: &i32, _: &EventArgs| big.selected = *id),
            );
            b.add_content(49, &row.label);
            b.close_element();
            b.close_element();
            b.add_markup_content(50, "\n        ");
            b.open_element(51, "td");
            b.add_attribute(52, "class", "col-md-1");
            b.open_element(53, "a");
            b.add_attribute(
                54,
                "onclick",
                EventHandler::capturing(row.id, |big: &mut Big, id: &i32, _: &EventArgs| big.remove(*id)),
            );
            b.add_markup_content(55, "<span class=\"remove\" aria-hidden=\"true\">x</span>");
            b.close_element();
            b.close_element();
            b.add_markup_content(56, "\n        <td class=\"col-md-6\"></td>");
            b.close_element();
        }
        b.close_element();
        b.close_element();
        error_ui(b, 57);
    }
}

#[cfg(test)]
mod tests {
    use brasa_dom::NodeId;
    use brasa_protocol::render_batch::Frame;

    use super::*;
    use crate::pages::testing::{Page, elements_named};
    use brasa_apps::jsfb::{ADJECTIVES, COLOURS, NOUNS};

    /// The rows as (id, label, class) from the document.
    fn rows(page: &Page) -> Vec<(String, String, Option<String>)> {
        let mut trs = Vec::new();
        elements_named(&page.document, page.document.root(), "tr", &mut trs);
        trs.into_iter()
            .map(|tr| {
                let cells: Vec<NodeId> = page
                    .document
                    .children(tr)
                    .into_iter()
                    .filter(|&n| page.document.element_name(n) == Some("td"))
                    .collect();
                assert_eq!(cells.len(), 4);
                let label = page.document.inner_html_of(page.document.children(cells[1])[0]);
                (
                    page.document.inner_html_of(cells[0]),
                    label,
                    page.document.attribute(tr, "class").map(str::to_owned),
                )
            })
            .collect()
    }

    /// The `a` of a row's cell (1: select, 2: remove).
    fn link(page: &Page, row: usize, cell: usize) -> NodeId {
        let mut anchors = Vec::new();
        elements_named(&page.document, page.document.root(), "a", &mut anchors);
        anchors
            .retain(|&a| page.document.attribute(a, "class").is_none() && page.document.attribute(a, "href").is_none());
        anchors[row * 2 + (cell - 1)]
    }

    /// The generator, written out once more from the Razor page: the labels of the first rows.
    fn expected_labels(n: usize) -> Vec<String> {
        let mut seed: u32 = 1;
        let mut next = |max: u32| {
            seed = seed.wrapping_mul(1103515245).wrapping_add(12345);
            ((seed >> 16) % max) as usize
        };
        (0..n)
            .map(|_| {
                let a = ADJECTIVES[next(25)];
                let c = COLOURS[next(11)];
                let noun = NOUNS[next(13)];
                format!("{a} {c} {noun}")
            })
            .collect()
    }

    #[test]
    fn first_render_has_the_buttons_and_no_rows() {
        let page = Page::new(Big::default());
        for (id, text) in [
            ("run", "Create 1,000 rows"),
            ("runlots", "Create 10,000 rows"),
            ("add", "Append 1,000 rows"),
            ("update", "Update every 10th row"),
            ("clear", "Clear"),
            ("swaprows", "Swap rows"),
        ] {
            assert_eq!(page.inner(id), text);
            page.handler(id, "click");
        }
        assert_eq!(page.text("rowcount"), "0 rows");
        assert!(
            page.document
                .inner_html()
                .contains("<table class=\"table\"><tbody></tbody></table>")
        );
        assert!(page.document.inner_html().contains("id=\"blazor-error-ui\""));
    }

    #[test]
    fn run_creates_1000_rows_with_the_page_labels_and_markup() {
        let mut page = Page::new(Big::default());
        assert!(page.click("run"));
        assert_eq!(page.text("rowcount"), "1000 rows");
        let rows = rows(&page);
        assert_eq!(rows.len(), 1000);
        let state = page.renderer.component::<Big>(page.root).expect("the page");
        assert_eq!((state.source.next_id(), state.selected), (1001, -1));
        let labels = expected_labels(3);
        // Checked by hand from the LCG: seed 1 gives 1103527590 → 16838 % 25 = 13 ("angry").
        assert_eq!(labels[0].split(' ').next(), Some("angry"));
        for (i, label) in labels.iter().enumerate() {
            assert_eq!(rows[i], ((i + 1).to_string(), label.clone(), None));
        }
        assert_eq!(rows[999].0, "1000");
        // One row as Razor renders it: whitespace between the cells, the remove span and the last
        // cell as markup frames (the client puts a `<!--!-->` marker before each).
        let html = page.document.inner_html();
        let first = format!(
            "<tr><td class=\"col-md-1\">1</td><!--!-->\n        <td class=\"col-md-4\"><a>{}</a></td><!--!-->\n        <td class=\"col-md-1\"><a><!--!--><span class=\"remove\" aria-hidden=\"true\">x</span></a></td><!--!-->\n        <td class=\"col-md-6\"></td></tr>",
            labels[0]
        );
        let at = html.find("<tr>").unwrap_or(0);
        assert!(html.contains(&first), "{}", &html[at..html.len().min(at + 600)]);
        // 17 frames per row (no class attribute when not selected): the tr; td, class, text; a
        // whitespace markup; td, class, a, onclick, text; markup; td, class, a, onclick, markup;
        // the last markup.
        let frames = &page.last_batch().reference_frames;
        let trs: Vec<i32> = frames
            .iter()
            .filter_map(|f| match f {
                Frame::Element { name, subtree_length } if name == "tr" => Some(*subtree_length),
                _ => None,
            })
            .collect();
        assert_eq!(trs, vec![17; 1000]);
    }

    #[test]
    fn select_marks_one_row_danger_and_run_resets_it() {
        let mut page = Page::new(Big::default());
        page.click("run");
        let select = page.handler_on(link(&page, 4, 1), "click");
        page.dispatch(select, &EventArgs::Empty);
        let rows = rows(&page);
        assert_eq!(rows[4].2.as_deref(), Some("danger"));
        assert_eq!(rows.iter().filter(|r| r.2.is_some()).count(), 1);
        // Only the class changed.
        assert_eq!(
            page.last_batch().reference_frames,
            [Frame::Attribute {
                name: "class".into(),
                value: Some("danger".into()),
                event_handler_id: 0
            }]
        );
        let select_other = page.handler_on(link(&page, 7, 1), "click");
        page.dispatch(select_other, &EventArgs::Empty);
        let rows_now = super::tests::rows(&page);
        assert_eq!(rows_now[4].2, None);
        assert_eq!(rows_now[7].2.as_deref(), Some("danger"));
        // Run replaces every row (new ids 1001..2000) and clears the selection.
        page.click("run");
        let rows = super::tests::rows(&page);
        assert_eq!(rows[0].0, "1001");
        assert!(rows.iter().all(|r| r.2.is_none()));
    }

    #[test]
    fn append_update_swap_remove_and_clear() {
        let mut page = Page::new(Big::default());
        page.click("run");
        page.click("add");
        assert_eq!(page.text("rowcount"), "2000 rows");
        let labels = expected_labels(2000);
        let before = rows(&page);
        assert_eq!(before[1999], ("2000".into(), labels[1999].clone(), None));

        page.click("update");
        let after = rows(&page);
        for (i, row) in after.iter().enumerate() {
            let expected = if i % 10 == 0 {
                format!("{} !!!", labels[i])
            } else {
                labels[i].clone()
            };
            assert_eq!(row.1, expected, "row {i}");
        }

        page.click("swaprows");
        let swapped = rows(&page);
        assert_eq!(swapped[1].0, "999");
        assert_eq!(swapped[998].0, "2");
        assert_eq!(swapped.len(), 2000);

        let remove = page.handler_on(link(&page, 2, 2), "click");
        page.dispatch(remove, &EventArgs::Empty);
        let removed = rows(&page);
        assert_eq!(removed.len(), 1999);
        assert_eq!(removed[2].0, "4");
        assert_eq!(page.text("rowcount"), "1999 rows");

        page.click("clear");
        assert!(rows(&page).is_empty());
        assert_eq!(page.text("rowcount"), "0 rows");
    }

    #[test]
    fn swap_needs_more_than_998_rows_and_run_lots_makes_10000() {
        let mut page = Page::new(Big::default());
        page.click("swaprows");
        assert_eq!(page.text("rowcount"), "0 rows");
        page.click("runlots");
        assert_eq!(page.text("rowcount"), "10000 rows");
        let rows = rows(&page);
        assert_eq!(rows.len(), 10000);
        assert_eq!(rows[9999].0, "10000");
        assert_eq!(rows[9999].1, expected_labels(10000)[9999]);
    }
}
