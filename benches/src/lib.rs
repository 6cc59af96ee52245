//! Inputs of Brasa's benchmarks, shared by the criterion bench (`benches/render_batch.rs`) and
//! the report (`src/bin/bench-report.rs`): the batches ASP.NET Core 10 wrote for the
//! js-framework-benchmark operations, a few small synthetic batches, and ASP.NET Core's own
//! recorded encode times for the same batches; and the load generator behind `brasa load`
//! (`load`), the client of the capacity benchmarks.
#![forbid(unsafe_code)]

pub mod jsfb;
pub mod load;
pub mod report;
use std::path::{Path, PathBuf};

use brasa_protocol::render_batch::{Diff, Edit, Frame, RenderBatch, encode};

/// Where the recordings are: `BRASA_REFERENCE`, or `../../shared/reference` from this crate.
pub fn reference_dir() -> PathBuf {
    std::env::var_os("BRASA_REFERENCE")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference"))
}

/// One benchmark input: a name (the criterion group) and the batch's bytes.
pub struct Input {
    /// `jsfb-00-create-1000-rows`, `synthetic-counter`, …
    pub name: String,
    /// The encoded batch.
    pub bytes: Vec<u8>,
}

/// Every `batches-jsfb/*.bin` (in file order), then the synthetic batches.
pub fn inputs() -> Vec<Input> {
    let dir = reference_dir().join("batches-jsfb");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e} (set BRASA_REFERENCE to shared/reference)", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "bin"))
        .collect();
    files.sort();
    let mut inputs: Vec<Input> = files
        .iter()
        .map(|path| Input {
            name: format!("jsfb-{}", path.file_stem().unwrap_or_default().to_string_lossy()),
            bytes: std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
        })
        .collect();
    inputs.extend(synthetic().into_iter().map(|(name, batch)| Input {
        name: name.to_owned(),
        bytes: encode(&batch),
    }));
    inputs
}

/// The input of that name (as `inputs` names them); panics on an unknown name.
pub fn input(name: &str) -> Input {
    inputs()
        .into_iter()
        .find(|i| i.name == name)
        .unwrap_or_else(|| panic!("no benchmark input named {name}"))
}

/// ASP.NET Core 10's `RenderBatchWriter` on the same batches, best of 5, as recorded in
/// `shared/reference/performance-anchors.md` ("another run, same machine class"):
/// (input name, what it is, bytes, seconds).
pub const ASPNETCORE_WRITER: &[(&str, &str, usize, f64)] = &[
    ("jsfb-07-create-10000-rows", "create 10,000 rows", 5_069_772, 14.2e-3),
    ("jsfb-00-create-1000-rows", "create 1,000 rows", 571_013, 3.25e-3),
    ("jsfb-01-replace-1000-rows", "replace 1,000 rows", 538_982, 3.18e-3),
    ("jsfb-10-append-1000-rows", "append 1,000 rows", 507_147, 2.92e-3),
    ("jsfb-02-update-every-10th", "update every 10th row", 15_983, 0.30e-3),
    ("jsfb-08-clear-10000", "clear 10,000 rows", 320_112, 0.25e-3),
    ("jsfb-03-select-row", "select row", 169, 28e-6),
    ("jsfb-04-swap-rows", "swap rows", 160, 0.2e-6),
];

/// Small batches built with the API: a counter click, an element with attributes and event
/// handlers being replaced, a keyed reorder (a permutation list) with disposals.
pub fn synthetic() -> Vec<(&'static str, RenderBatch)> {
    let counter = RenderBatch {
        updated_components: vec![Diff {
            component_id: 4,
            edits: vec![
                Edit::StepIn { sibling_index: 1 },
                Edit::UpdateText {
                    sibling_index: 0,
                    reference_frame_index: 0,
                },
                Edit::StepOut,
            ],
        }],
        reference_frames: vec![Frame::Text {
            content: "Current count: 42".into(),
        }],
        disposed_component_ids: vec![],
        disposed_event_handler_ids: vec![],
    };

    let mut frames = vec![Frame::Element {
        subtree_length: 0,
        name: "form".into(),
    }];
    frames.push(Frame::Attribute {
        name: "class".into(),
        value: Some("needs-validation".into()),
        event_handler_id: 0,
    });
    frames.push(Frame::Attribute {
        name: "onsubmit".into(),
        value: None,
        event_handler_id: 90,
    });
    for field in 0..8 {
        let name = format!("field{field}");
        frames.push(Frame::Element {
            subtree_length: 6,
            name: "input".into(),
        });
        frames.push(Frame::Attribute {
            name: "id".into(),
            value: Some(name.clone()),
            event_handler_id: 0,
        });
        frames.push(Frame::Attribute {
            name: "name".into(),
            value: Some(name),
            event_handler_id: 0,
        });
        frames.push(Frame::Attribute {
            name: "value".into(),
            value: Some(String::new()),
            event_handler_id: 0,
        });
        frames.push(Frame::Attribute {
            name: "onchange".into(),
            value: None,
            event_handler_id: 100 + field,
        });
        frames.push(Frame::Attribute {
            name: "required".into(),
            value: Some(String::new()),
            event_handler_id: 0,
        });
    }
    frames.push(Frame::Markup {
        content: "<button type=\"submit\">Save</button>".into(),
    });
    let length = frames.len() as i32;
    frames[0] = Frame::Element {
        subtree_length: length,
        name: "form".into(),
    };
    let form = RenderBatch {
        updated_components: vec![Diff {
            component_id: 7,
            edits: vec![
                Edit::RemoveFrame { sibling_index: 0 },
                Edit::PrependFrame {
                    sibling_index: 0,
                    reference_frame_index: 0,
                },
            ],
        }],
        reference_frames: frames,
        disposed_component_ids: vec![8, 9],
        disposed_event_handler_ids: (60..70).collect(),
    };

    let mut edits = Vec::new();
    for i in 0..100 {
        edits.push(Edit::PermutationListEntry {
            sibling_index: i,
            move_to_sibling_index: 99 - i,
        });
    }
    edits.push(Edit::PermutationListEnd);
    edits.push(Edit::RemoveFrame { sibling_index: 100 });
    edits.push(Edit::StepIn { sibling_index: 3 });
    edits.push(Edit::RemoveAttribute {
        sibling_index: 0,
        name: "class".into(),
    });
    edits.push(Edit::StepOut);
    let reorder = RenderBatch {
        updated_components: vec![Diff { component_id: 2, edits }],
        reference_frames: vec![],
        disposed_component_ids: (10..20).collect(),
        disposed_event_handler_ids: (1000..1040).collect(),
    };

    vec![
        ("synthetic-counter", counter),
        ("synthetic-form", form),
        ("synthetic-reorder", reorder),
    ]
}

#[cfg(test)]
mod tests {
    use brasa_protocol::render_batch::decode;

    #[test]
    fn aspnetcore_writer_times_are_the_recorded_ones() {
        // The figures printed beside ours are performance-anchors.md's, transcribed: the same
        // byte counts and times, and each byte count is the recording's size.
        let anchors = std::fs::read_to_string(super::reference_dir().join("performance-anchors.md")).unwrap();
        let line = anchors
            .lines()
            .find(|l| l.starts_with("| RenderBatchWriter on those batches"))
            .expect("the RenderBatchWriter row of performance-anchors.md");
        let cell = line.split('|').nth(2).unwrap();
        let mut recorded: Vec<(usize, f64)> = cell
            .split("; ")
            .map(|entry| {
                let (head, tail) = entry.split_once(" in ").unwrap();
                let count = head.split(": ").nth(1).unwrap().split(['-', ' ']).next().unwrap();
                let mut time = tail.split_whitespace();
                let value: f64 = time.next().unwrap().parse().unwrap();
                let unit = match time.next().unwrap() {
                    "ms" => 1e-3,
                    "µs" => 1e-6,
                    other => panic!("unit {other} in {entry}"),
                };
                (count.replace(',', "").parse().unwrap(), value * unit)
            })
            .collect();
        let mut ours: Vec<(usize, f64)> = super::ASPNETCORE_WRITER.iter().map(|&(_, _, b, s)| (b, s)).collect();
        recorded.sort_by(|a, b| a.partial_cmp(b).unwrap());
        ours.sort_by(|a, b| a.partial_cmp(b).unwrap());
        assert_eq!(ours.len(), recorded.len());
        for ((bytes, seconds), (anchor_bytes, anchor_seconds)) in ours.iter().zip(&recorded) {
            assert_eq!(bytes, anchor_bytes);
            assert!(
                (seconds / anchor_seconds - 1.0).abs() < 1e-9,
                "{bytes}: {seconds} against {anchor_seconds}"
            );
        }
        let inputs = super::inputs();
        for &(name, _, bytes, _) in super::ASPNETCORE_WRITER {
            let input = inputs
                .iter()
                .find(|i| i.name == name)
                .unwrap_or_else(|| panic!("{name}"));
            assert_eq!(input.bytes.len(), bytes, "{name}");
        }
    }

    #[test]
    fn synthetic_batches_are_valid_and_round_trip() {
        for (name, batch) in super::synthetic() {
            let bytes = super::encode(&batch);
            assert_eq!(
                decode(&bytes).unwrap_or_else(|e| panic!("{name}: {e}")),
                batch,
                "{name}"
            );
        }
    }
}
