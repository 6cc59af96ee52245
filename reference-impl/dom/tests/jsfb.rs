//! The js-framework-benchmark batches ASP.NET Core 10 wrote (`reference/batches-jsfb/`), applied
//! in order after the empty table they start from: rows created, replaced, updated, selected,
//! swapped (a permutation list across 998 rows), removed and cleared, 10,000 at a time too.

mod common;

use brasa_dom::{Document, NodeId};
use brasa_protocol::render_batch::{Diff, Edit, Frame, RenderBatch};

struct Row {
    id: u64,
    label: String,
    class: Option<String>,
}

fn rows(doc: &Document) -> Vec<Row> {
    let tbody = doc.node_at(&[1, 0]).expect("the table's tbody");
    doc.children(tbody)
        .into_iter()
        .map(|tr: NodeId| {
            let tds = doc.children(tr);
            let id = doc.text(doc.children(tds[0])[0]).unwrap().parse().unwrap();
            let a = doc.children(tds[1])[0];
            let label = doc.text(doc.children(a)[0]).unwrap().to_owned();
            Row {
                id,
                label,
                class: doc.attribute(tr, "class").map(str::to_owned),
            }
        })
        .collect()
}

#[test]
fn js_framework_benchmark_operations() {
    let dir = common::shared().join("reference/batches-jsfb");
    let mut doc = Document::with_root_component(0);
    // The batches continue a session: before `00` the table held 2,000 rows (the last step of a previous round appended
    // 1,000 to 1,000) whose handler ids
    // `00` disposes (24001 and up). Make that state.
    let attr = |name: &str, value: &str| Frame::Attribute {
        name: name.into(),
        value: Some(value.into()),
        event_handler_id: 0,
    };
    let handler = |id: u64| Frame::Attribute {
        name: "onclick".into(),
        value: None,
        event_handler_id: id,
    };
    let el = |subtree_length: i32, name: &str| Frame::Element {
        subtree_length,
        name: name.into(),
    };
    let text = |content: &str| Frame::Text {
        content: content.into(),
    };
    let mut frames = vec![
        el(3 + 19 * 2000, "table"),
        attr("class", "table"),
        el(1 + 19 * 2000, "tbody"),
    ];
    for row in 0..2000u64 {
        frames.extend([
            el(19, "tr"),
            el(3, "td"),
            attr("class", "col-md-1"),
            text(&row.to_string()),
            el(5, "td"),
            attr("class", "col-md-4"),
            el(3, "a"),
            handler(24_001 + 2 * row),
            text("placeholder"),
            el(8, "td"),
            attr("class", "col-md-1"),
            el(6, "a"),
            handler(24_002 + 2 * row),
            el(4, "span"),
            attr("class", "remove"),
            attr("aria-hidden", "true"),
            text("x"),
            el(2, "td"),
            attr("class", "col-md-6"),
        ]);
    }
    doc.apply_batch(&RenderBatch {
        updated_components: vec![Diff {
            component_id: 0,
            edits: vec![Edit::PrependFrame {
                sibling_index: 0,
                reference_frame_index: 0,
            }],
        }],
        reference_frames: frames,
        ..Default::default()
    })
    .unwrap();
    assert_eq!(rows(&doc).len(), 2000);
    let mut apply = |name: &str| {
        let bytes = std::fs::read(dir.join(format!("{name}.bin"))).expect("batch readable");
        doc.apply_bytes(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        let rows = rows(&doc);
        // Two live handlers per row (the label link and the remove link), all in the document.
        let handlers = doc.handlers();
        assert_eq!(handlers.len(), 2 * rows.len(), "{name}");
        assert!(
            handlers.iter().all(|h| h.path.is_some() && h.event_name == "click"),
            "{name}"
        );
        rows
    };

    let created = apply("00-create-1000-rows");
    assert_eq!(created.len(), 1000);
    let first = created[0].id;
    assert!(
        created
            .iter()
            .enumerate()
            .all(|(i, r)| r.id == first + i as u64 && r.class.is_none())
    );
    assert_eq!(created[0].label.split(' ').count(), 3);

    let replaced = apply("01-replace-1000-rows");
    assert!(
        replaced
            .iter()
            .enumerate()
            .all(|(i, r)| r.id == first + 1000 + i as u64)
    );

    let updated = apply("02-update-every-10th");
    for (i, (before, after)) in replaced.iter().zip(&updated).enumerate() {
        let want = if i % 10 == 0 {
            format!("{} !!!", before.label)
        } else {
            before.label.clone()
        };
        assert_eq!(after.label, want);
    }

    let selected = apply("03-select-row");
    let danger: Vec<usize> = selected
        .iter()
        .enumerate()
        .filter(|(_, r)| r.class.as_deref() == Some("danger"))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(danger, vec![5]);

    let swapped = apply("04-swap-rows");
    let mut want: Vec<u64> = selected.iter().map(|r| r.id).collect();
    want.swap(1, 998);
    assert_eq!(swapped.iter().map(|r| r.id).collect::<Vec<_>>(), want);

    let removed = apply("05-remove-row");
    want.remove(3);
    assert_eq!(removed.iter().map(|r| r.id).collect::<Vec<_>>(), want);

    assert!(apply("06-clear").is_empty());
    assert_eq!(apply("07-create-10000-rows").len(), 10_000);
    assert!(apply("08-clear-10000").is_empty());
    let again = apply("09-create-1000-rows-again");
    assert_eq!(again.len(), 1000);
    let appended = apply("10-append-1000-rows");
    assert_eq!(appended.len(), 2000);
    assert!(appended.windows(2).all(|w| w[1].id == w[0].id + 1));
    assert!(
        doc.inner_html()
            .starts_with("<!--!--><table class=\"table\"><tbody><tr><td class=\"col-md-1\">")
    );
}
