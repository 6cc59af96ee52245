//! The `semantics` suite: what a sequence of render batches does to a document
//! (`spec/edits.md`, ED-*; `spec/render-tree.md`, RT-*).
//!
//! A vector (`spec/schemas/semantic-vector.schema.json`) is a list of batches, as hex, applied in
//! order to an empty document whose root element holds the container of root component 0 (a
//! `<!--!-->` comment, as Blazor Web attaches an interactive root component, ED-1.3). It expects
//! either the document after each batch (the root element's `innerHTML` as Chromium serialises
//! it, and the registered event handlers) or that one batch fails with a stated error kind. Every
//! batch of every vector is accepted by a strict render-batch reader (`spec/render-batch.md`):
//! what this suite checks is what the batches mean, not how they are written.
//!
//! The runner here checks Brasa's reference DOM (`brasa-dom`) against the vectors.

use brasa_dom::{ApplyError, Document};
use brasa_protocol::render_batch::{self, Limits};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::vector::{Expectation, Vector};

/// One semantic conformance vector: batches, and what applying them must do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(
    title = "SemanticVector",
    description = "A Brasa semantic conformance vector: render batches applied in order to an empty document whose \
                   root element holds the `<!--!-->` container of root component 0 (spec/edits.md, ED-1.3)."
)]
pub struct SemanticVector {
    /// Stable identity: `semantics/valid/<slug>` or `semantics/invalid/<slug>`, never reused.
    pub id: String,
    /// The requirement ids of `spec/` that this vector checks.
    #[schemars(length(min = 1))]
    pub requirements: Vec<String>,
    /// What the vector is about, for people.
    pub description: String,
    /// The render batches, each as lower-case hex, in the order they are applied. Each one is a
    /// valid render batch (a strict reader accepts it, `spec/render-batch.md`).
    #[schemars(length(min = 1))]
    pub batches: Vec<String>,
    /// What applying them must do.
    pub expect: SemanticExpectation,
}

/// The expected outcome: the document after every batch, or the error one batch must raise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum SemanticExpectation {
    /// Every batch applies.
    Applies(ExpectedDocuments),
    /// The batches before `batch` apply; batch `batch` is refused.
    Fails(ExpectedError),
}

/// The document after each batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExpectedDocuments {
    /// After batch *i*, the root element's `innerHTML` as Chromium serialises it: the
    /// `<!--!-->` container of root component 0, then its output. One entry per batch.
    pub html: Vec<String>,
    /// After batch *i*, the registered event handlers, by increasing event handler id. One
    /// entry per batch.
    pub handlers: Vec<Vec<ExpectedHandler>>,
}

/// One registered event handler (ED-4.1).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExpectedHandler {
    /// The event handler id, as a decimal string (as in the canonical JSON form, RB-6.2).
    #[schemars(regex(pattern = r"^[1-9][0-9]*$"))]
    pub event_handler_id: String,
    /// The event name: the attribute name without its `on` prefix.
    pub event: String,
    /// The element the handler is registered on, as DOM child indexes from the root element
    /// down (comments and text nodes count).
    pub path: Vec<usize>,
}

/// The error a batch must raise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExpectedError {
    /// The error kind's stable name (`brasa_dom::ApplyError::name`; `spec/edits.md`, section 7).
    #[schemars(schema_with = "error_kind_names")]
    pub error: String,
    /// The index of the batch that fails (from 0); the batches before it apply.
    pub batch: usize,
    /// The requirement the batch breaks.
    #[schemars(regex(pattern = r"^ED-[0-9]+\.[0-9]+$"))]
    pub requirement: String,
}

/// The error kinds a client applying batches reports, with the requirements of `spec/edits.md`
/// that each one enforces (section 7 of that chapter). The names are `ApplyError::name`'s.
pub const ERROR_KINDS: &[(&str, &[&str])] = &[
    ("unknown_component", &["ED-2.2", "ED-5.1"]),
    ("component_not_in_document", &["ED-2.2"]),
    ("unclosed_diff", &["ED-2.3", "ED-2.12"]),
    ("unknown_disposed_component", &["ED-5.1"]),
    ("edit/sibling_index_out_of_range", &["ED-2.3", "ED-2.4"]),
    ("edit/insertion_index_out_of_range", &["ED-2.4"]),
    ("edit/not_an_element", &["ED-2.3", "ED-2.7", "ED-2.8"]),
    ("edit/not_a_text", &["ED-2.9"]),
    ("edit/not_a_markup_block", &["ED-2.10"]),
    ("edit/step_out_at_root", &["ED-2.3"]),
    ("edit/empty_permutation_list", &["ED-2.11", "ED-2.12"]),
    ("edit/edit_inside_permutation_list", &["ED-2.11", "ED-2.12"]),
    ("edit/permutation_index_out_of_range", &["ED-2.11"]),
    ("edit/invalid_permutation", &["ED-2.11"]),
    ("edit/frame_index_out_of_range", &["ED-2.12"]),
    ("edit/wrong_frame_type", &["ED-2.12"]),
    ("edit/subtree_out_of_range", &["ED-2.12"]),
    ("edit/too_deep", &["ED-2.12"]),
    ("edit/attribute_frame_out_of_place", &["ED-2.12", "ED-3.7"]),
    ("edit/unsupported_frame_type", &["ED-3.7"]),
    ("edit/reference_capture_outside_element", &["ED-3.6"]),
    ("edit/invalid_element_name", &["ED-3.1"]),
    ("edit/invalid_attribute_name", &["ED-4.5"]),
    ("edit/event_name_without_on_prefix", &["ED-4.1", "ED-4.4"]),
    ("edit/event_handler_already_tracked", &["ED-4.1"]),
    ("edit/unsupported_internal_attribute", &["ED-4.4"]),
    ("edit/component_already_attached", &["ED-3.3"]),
    ("edit/invalid_multiple_select_value", &["ED-4.2"]),
    ("edit/file_input_value", &["ED-4.2"]),
    ("edit/null_multiple_select_value", &["ED-4.2"]),
    ("edit/detached", &["ED-1.1"]),
];

/// The requirements an error kind enforces (empty for an unknown kind).
pub fn requirements_of(error_kind: &str) -> &'static [&'static str] {
    ERROR_KINDS
        .iter()
        .find(|(name, _)| *name == error_kind)
        .map_or(&[], |(_, ids)| ids)
}

fn error_kind_names(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let names: Vec<&str> = ERROR_KINDS.iter().map(|(name, _)| *name).collect();
    schemars::json_schema!({ "type": "string", "enum": names })
}

/// The JSON Schema of a semantic vector file, as published in
/// `spec/schemas/semantic-vector.schema.json` (pretty-printed, with a final newline).
pub fn schema_text() -> String {
    let schema = schemars::schema_for!(SemanticVector);
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema serialises");
    text.push('\n');
    text
}

/// Reads a semantic vector file into the runner's common record: its id, requirements and
/// description (the rest stays in the file's text, which [`run_vector`] reads).
pub fn header(text: &str) -> Result<Vector, serde_json::Error> {
    let vector: SemanticVector = serde_json::from_str(text)?;
    Ok(Vector {
        id: vector.id,
        requirements: vector.requirements,
        description: vector.description,
        hex: String::new(),
        expect: Expectation::Valid {
            json: serde_json::to_value(&vector.expect)?,
        },
    })
}

fn parse_hex(hex: &str) -> Result<Vec<u8>, String> {
    if hex.len() % 2 != 0 {
        return Err(format!("hex has an odd number of digits ({})", hex.len()));
    }
    (0..hex.len() / 2)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|_| format!("bad hex at digit {}", 2 * i)))
        .collect()
}

/// The registered event handlers of a document, as a vector states them.
pub fn document_handlers(document: &Document) -> Vec<ExpectedHandler> {
    document
        .handlers()
        .into_iter()
        .map(|h| ExpectedHandler {
            event_handler_id: h.event_handler_id.to_string(),
            event: h.event_name,
            // A handler still registered on a removed element has no path; no vector expects one.
            path: h.path.unwrap_or_else(|| vec![usize::MAX]),
        })
        .collect()
}

/// Applies one batch as the runner does: the strict reader first (every batch of the suite is
/// well-formed), then the document.
fn apply(document: &mut Document, index: usize, bytes: &[u8]) -> Result<Result<(), ApplyError>, String> {
    let view = render_batch::validate(bytes, &Limits::DEFAULT)
        .map_err(|e| format!("batch {index} is not a valid render batch: {e}"))?;
    Ok(document.apply_view(&view))
}

/// Checks one semantic vector (the text of its file) against `brasa-dom`; `Err` says what differs.
pub fn run_vector(text: &str) -> Result<(), String> {
    let vector: SemanticVector = serde_json::from_str(text).map_err(|e| format!("not a semantic vector: {e}"))?;
    let batches = vector
        .batches
        .iter()
        .enumerate()
        .map(|(i, hex)| parse_hex(hex).map_err(|e| format!("batch {i}: {e}")))
        .collect::<Result<Vec<_>, _>>()?;
    let mut document = Document::with_root_component(0);
    match &vector.expect {
        SemanticExpectation::Applies(expected) => {
            if expected.html.len() != batches.len() || expected.handlers.len() != batches.len() {
                return Err(format!(
                    "{} batches but {} html and {} handler entries",
                    batches.len(),
                    expected.html.len(),
                    expected.handlers.len()
                ));
            }
            for (index, bytes) in batches.iter().enumerate() {
                apply(&mut document, index, bytes)?.map_err(|e| format!("batch {index} fails: {e} ({})", e.name()))?;
                let html = document.inner_html();
                if html != expected.html[index] {
                    return Err(format!(
                        "after batch {index}, the document is\n  {html}\nexpected\n  {}",
                        expected.html[index]
                    ));
                }
                let handlers = document_handlers(&document);
                if handlers != expected.handlers[index] {
                    return Err(format!(
                        "after batch {index}, the registered handlers are {handlers:?}, expected {:?}",
                        expected.handlers[index]
                    ));
                }
            }
            Ok(())
        }
        SemanticExpectation::Fails(expected) => {
            let known = requirements_of(&expected.error);
            if !known.contains(&expected.requirement.as_str()) {
                return Err(format!(
                    "the error kind {} does not enforce {} (it enforces {known:?})",
                    expected.error, expected.requirement
                ));
            }
            if !vector.requirements.contains(&expected.requirement) {
                return Err(format!(
                    "{} is not among the vector's requirements",
                    expected.requirement
                ));
            }
            if expected.batch >= batches.len() {
                return Err(format!("batch {} does not exist", expected.batch));
            }
            for (index, bytes) in batches.iter().enumerate().take(expected.batch) {
                apply(&mut document, index, bytes)?.map_err(|e| format!("batch {index} fails: {e} ({})", e.name()))?;
            }
            match apply(&mut document, expected.batch, &batches[expected.batch])? {
                Ok(()) => Err(format!(
                    "batch {} applies; expected {} ({})",
                    expected.batch, expected.error, expected.requirement
                )),
                Err(e) if e.name() == expected.error => Ok(()),
                Err(e) => Err(format!(
                    "batch {} fails with {} ({e}); expected {} ({})",
                    expected.batch,
                    e.name(),
                    expected.error,
                    expected.requirement
                )),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    //! Checks that the vectors cannot make: rules a strict reader already enforces on bytes
    //! (so no well-formed batch breaks them), applied to owned batches that skip the reader.

    use super::*;
    use brasa_dom::EditError;
    use brasa_protocol::render_batch::{Diff, Edit, Frame, RenderBatch};

    fn batch(edits: Vec<Edit<String>>, frames: Vec<Frame<String>>) -> RenderBatch {
        RenderBatch {
            updated_components: vec![Diff { component_id: 0, edits }],
            reference_frames: frames,
            ..Default::default()
        }
    }

    fn element(name: &str, subtree_length: i32) -> Frame<String> {
        Frame::Element {
            subtree_length,
            name: name.into(),
        }
    }

    /// A document showing `<div><p></p></div>` for component 0.
    fn document() -> Document {
        let mut document = Document::with_root_component(0);
        document
            .apply_batch(&batch(
                vec![Edit::PrependFrame {
                    sibling_index: 0,
                    reference_frame_index: 0,
                }],
                vec![element("div", 2), element("p", 1)],
            ))
            .unwrap();
        document
    }

    fn fails(batch: RenderBatch) -> String {
        let error = document().apply_batch(&batch).unwrap_err();
        assert!(
            !requirements_of(&error.name()).is_empty(),
            "{} is not in ERROR_KINDS",
            error.name()
        );
        error.name()
    }

    #[test]
    fn step_out_at_the_component_level_is_refused() {
        // ED-2.3 (also RB-2.8 on bytes).
        assert_eq!(fails(batch(vec![Edit::StepOut], vec![])), "edit/step_out_at_root");
        let step_in = Edit::StepIn { sibling_index: 0 };
        assert_eq!(
            fails(batch(vec![step_in.clone(), Edit::StepOut, Edit::StepOut], vec![])),
            "edit/step_out_at_root"
        );
        // ED-2.3, ED-2.12: a diff that leaves a StepIn open.
        assert_eq!(fails(batch(vec![step_in], vec![])), "unclosed_diff");
    }

    #[test]
    fn malformed_permutation_lists_are_refused() {
        // ED-2.11, ED-2.12 (also RB-2.9 on bytes).
        assert_eq!(
            fails(batch(vec![Edit::PermutationListEnd], vec![])),
            "edit/empty_permutation_list"
        );
        let entry = Edit::PermutationListEntry {
            sibling_index: 0,
            move_to_sibling_index: 0,
        };
        assert_eq!(
            fails(batch(
                vec![entry.clone(), Edit::RemoveFrame { sibling_index: 0 }],
                vec![]
            )),
            "edit/edit_inside_permutation_list"
        );
        assert_eq!(fails(batch(vec![entry], vec![])), "unclosed_diff");
    }

    #[test]
    fn frames_an_edit_cannot_use_are_refused() {
        // ED-2.12 (also RB-2.5, RB-2.10, RB-3.5, RB-3.10 on bytes).
        let prepend = |frame| Edit::PrependFrame {
            sibling_index: 0,
            reference_frame_index: frame,
        };
        assert_eq!(fails(batch(vec![prepend(1)], vec![])), "edit/frame_index_out_of_range");
        assert_eq!(
            fails(batch(
                vec![Edit::UpdateText {
                    sibling_index: 0,
                    reference_frame_index: 0
                }],
                vec![element("b", 1)]
            )),
            "edit/wrong_frame_type"
        );
        assert_eq!(
            fails(batch(vec![prepend(0)], vec![element("b", 3), element("i", 1)])),
            "edit/subtree_out_of_range"
        );
        let attribute = Frame::Attribute {
            name: "class".into(),
            value: Some("x".into()),
            event_handler_id: 0,
        };
        assert_eq!(
            fails(batch(
                vec![prepend(0)],
                vec![element("b", 3), Frame::Text { content: "t".into() }, attribute]
            )),
            "edit/attribute_frame_out_of_place"
        );
        let mut deep = Document::with_root_component(0);
        deep.set_max_depth(2);
        let error = deep
            .apply_batch(&batch(
                vec![prepend(0)],
                vec![element("a", 3), element("b", 2), element("c", 1)],
            ))
            .unwrap_err();
        assert_eq!(error.name(), "edit/too_deep");
    }

    #[test]
    fn the_first_error_stops_the_batch_and_says_where_it_is() {
        // ED-5.3: the edits before the failing one stay applied, the ones after it do not, and
        // the error names the batch, the diff, its component, the edit and its type.
        let mut document = document();
        let error = document
            .apply_batch(&batch(
                vec![
                    Edit::PrependFrame {
                        sibling_index: 0,
                        reference_frame_index: 0,
                    },
                    Edit::RemoveFrame { sibling_index: 5 },
                    Edit::PrependFrame {
                        sibling_index: 0,
                        reference_frame_index: 1,
                    },
                ],
                vec![Frame::Text { content: "a".into() }, Frame::Text { content: "b".into() }],
            ))
            .unwrap_err();
        assert!(matches!(
            error,
            ApplyError::Edit {
                batch: 1,
                diff: 0,
                component_id: 0,
                edit: 1,
                edit_type: brasa_protocol::render_batch::EditType::RemoveFrame,
                ..
            }
        ));
        assert_eq!(error.name(), "edit/sibling_index_out_of_range");
        assert_eq!(document.inner_html(), "<!--!-->a<div><p></p></div>");
    }

    #[test]
    fn a_root_components_first_diff_clears_its_container() {
        // ED-1.3: a root component attached to an element (as blazor.server.js attaches one to
        // `<app>`) first clears what the element held, then applies its edits.
        let mut document = Document::new();
        document
            .attach_root_component(5, brasa_dom::RootContainer::Comment)
            .unwrap();
        let text = |content: &str| RenderBatch {
            updated_components: vec![],
            reference_frames: vec![Frame::Text {
                content: content.into(),
            }],
            ..Default::default()
        };
        let mut first = text("prerendered");
        first.updated_components = vec![Diff {
            component_id: 5,
            edits: vec![Edit::PrependFrame {
                sibling_index: 0,
                reference_frame_index: 0,
            }],
        }];
        document.apply_batch(&first).unwrap();
        assert_eq!(document.inner_html(), "<!--!-->prerendered");
        document
            .attach_root_component(0, brasa_dom::RootContainer::Element)
            .unwrap();
        let mut second = text("live");
        second.updated_components = vec![Diff {
            component_id: 0,
            edits: vec![Edit::PrependFrame {
                sibling_index: 0,
                reference_frame_index: 0,
            }],
        }];
        document.apply_batch(&second).unwrap();
        assert_eq!(document.inner_html(), "live");
    }

    #[test]
    fn every_error_kind_of_brasa_dom_is_listed() {
        // The kinds a vector can name are exactly those of ERROR_KINDS (section 7 of spec/edits.md).
        let errors = [
            EditError::SiblingIndexOutOfRange { index: 0, count: 0 },
            EditError::InsertionIndexOutOfRange { index: 0, count: 0 },
            EditError::NotAText {
                index: 0,
                found: brasa_dom::NodeKind::Element,
            },
            EditError::NotAMarkupBlock { index: 0 },
            EditError::StepOutAtRoot,
            EditError::EmptyPermutationList,
            EditError::EditInsidePermutationList,
            EditError::InvalidPermutation { detail: "" },
            EditError::TooDeep { limit: 0 },
            EditError::AttributeFrameOutOfPlace { frame: 0 },
            EditError::ReferenceCaptureOutsideElement { frame: 0 },
            EditError::InvalidAttributeName { name: String::new() },
            EditError::EventNameWithoutOnPrefix { name: String::new() },
            EditError::EventHandlerAlreadyTracked { event_handler_id: 1 },
            EditError::UnsupportedInternalAttribute { name: String::new() },
            EditError::ComponentAlreadyAttached {
                frame: 0,
                component_id: 0,
            },
            EditError::FileInputValue { value: String::new() },
            EditError::NullMultipleSelectValue,
            EditError::Detached { index: 0 },
        ];
        for error in errors {
            let name = format!("edit/{}", error.name());
            assert!(!requirements_of(&name).is_empty(), "{name} is not in ERROR_KINDS");
        }
        for (name, ids) in ERROR_KINDS {
            assert!(!ids.is_empty() && ids.iter().all(|id| id.starts_with("ED-")), "{name}");
        }
    }
}
