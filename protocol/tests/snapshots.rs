//! Snapshots of the human-readable form of representative batches that ASP.NET Core 10 wrote
//! (`../shared/reference/`): what a person reviewing a change to the reader sees.

use std::path::{Path, PathBuf};

use brasa_protocol::render_batch::{self, describe};

fn reference() -> PathBuf {
    std::env::var_os("BRASA_REFERENCE")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference"))
}

fn listing(relative: &str) -> String {
    let bytes = std::fs::read(reference().join(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"));
    describe(&render_batch::decode(&bytes).unwrap_or_else(|e| panic!("{relative}: {e}")))
}

fn diff_case(name: &str, index: usize) -> String {
    let text = std::fs::read_to_string(reference().join("diff-cases").join(name)).expect("diff case");
    let value: serde_json::Value = serde_json::from_str(&text).expect("json");
    let hex = value["batches"][index].as_str().expect("hex");
    let bytes: Vec<u8> = (0..hex.len() / 2)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    describe(&render_batch::decode(&bytes).expect("valid"))
}

#[test]
fn counter_first_render() {
    // RB-3.3: elements, attributes with a handler (RB-3.6), text, markup.
    insta::assert_snapshot!(listing("captures/prerender/counter/batches/000-id2.bin"));
}

#[test]
fn counter_click_updates_text() {
    // RB-2.5, RB-2.8: step in, update text, step out.
    insta::assert_snapshot!(listing("captures/prerender/counter/batches/001-id3.bin"));
}

#[test]
fn table_select_row() {
    // RB-2.5: set and remove attributes deep in a keyed table.
    insta::assert_snapshot!(listing("batches-jsfb/03-select-row.bin"));
}

#[test]
fn table_swap_rows() {
    // RB-2.9: a permutation list.
    insta::assert_snapshot!(listing("batches-jsfb/04-swap-rows.bin"));
}

#[test]
fn rich_case_with_components_and_handlers() {
    // RB-3.5, RB-4.1, RB-4.2: child components, disposed ids.
    insta::assert_snapshot!(diff_case(RICH_CASE, RICH_BATCH));
}

const RICH_CASE: &str = "rich-0006.json";
const RICH_BATCH: usize = 2;
