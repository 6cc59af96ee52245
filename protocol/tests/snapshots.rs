//! Snapshots of the human-readable form of representative batches that ASP.NET Core 10 wrote
//! (`../shared/reference/`) and of representative conformance vectors
//! (`conformance/vectors/render-batch/`; for invalid ones, the error a reader reports): what a
//! person reviewing a change to the reader sees.

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

/// The bytes of conformance vector `group/name` (`conformance/vectors/render-batch/`).
fn vector_bytes(group: &str, name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../conformance/vectors/render-batch")
        .join(group)
        .join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let value: serde_json::Value = serde_json::from_str(&text).expect("json");
    let hex = value["hex"].as_str().expect("hex");
    (0..hex.len() / 2)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).expect("hex digit"))
        .collect()
}

/// The listings of valid vectors, each under its name.
fn vector_listings(names: &[&str]) -> String {
    let mut out = String::new();
    for name in names {
        let batch = render_batch::decode(&vector_bytes("valid", name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        out.push_str(&format!("== {name}\n{}\n", describe(&batch)));
    }
    out
}

#[test]
fn vectors_every_frame_and_edit_type() {
    // RB-2.4, RB-3.2: each of the ten frame types and the ten edit types.
    insta::assert_snapshot!(vector_listings(&["all-frame-types", "every-edit-type"]));
}

#[test]
fn vectors_deduplication() {
    // RB-5.6, RB-5.7: which fields share a string table entry and which never do.
    insta::assert_snapshot!(vector_listings(&[
        "dedup-element-name-reused",
        "dedup-attribute-name-reused",
        "dedup-empty-string-shared",
        "dedup-whitespace-text",
        "dedup-removed-attribute-name-shared",
        "text-not-deduplicated",
        "markup-not-deduplicated",
        "attribute-value-true",
        "attribute-value-false",
    ]));
}

#[test]
fn vectors_components_handlers_and_text() {
    // RB-3.5 … RB-3.7, RB-4.1, RB-4.2, RB-5.3, RB-6.2: components with parameters, event handler
    // ids above 2^53, disposed ids, multi-byte UTF-8.
    insta::assert_snapshot!(vector_listings(&[
        "component-with-parameters",
        "event-handler-id-above-2-53",
        "disposed-event-handler-ids",
        "disposed-component-ids",
        "utf8-four-byte",
        "permutation-several-entries",
    ]));
}

#[test]
fn vectors_invalid_errors() {
    // RB-9: what a strict reader says about one invalid vector of each family.
    let names = [
        "empty-input",
        "trailer-frames-position-past-end",
        "sections-overlap",
        "frame-count-huge",
        "cut-inside-frames",
        "frame-type-11",
        "edit-type-negative",
        "subtree-past-parent",
        "attribute-after-text-child",
        "step-out-at-depth-zero",
        "permutation-list-unterminated",
        "frame-referenced-twice-by-prepends",
        "top-level-frame-unreferenced",
        "handler-with-string-value",
        "deduplicated-name-written-twice",
        "strings-out-of-first-use-order",
        "length-prefix-overlong-two",
        "utf8-surrogate",
        "disposed-event-handler-id-zero",
    ];
    let mut out = String::new();
    for name in names {
        let error = render_batch::decode(&vector_bytes("invalid", name)).expect_err(name);
        out.push_str(&format!("{name}: {error}\n"));
    }
    insta::assert_snapshot!(out);
}
