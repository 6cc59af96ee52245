//! Writes the render-batch conformance vectors (`spec/render-batch.md`, RB-*).
//!
//! ```text
//! cargo run -p brasa-conformance --example render_batch_vectors -- conformance/vectors/render-batch
//! ```
//!
//! * `valid/<slug>.json`: a batch written out here in Rust (the intended meaning), its bytes as
//!   [`encode`] writes them, and the batch itself as the expected canonical JSON form. The
//!   expected JSON never comes from the decoder under test; the generator only checks that the
//!   strict reader gives the same batch back, and stops with the vector's id if not.
//! * `invalid/<slug>.json`: the bytes of a valid batch corrupted in one way, with the error kind,
//!   requirement and byte offset that a strict reader must report, worked out from the rules
//!   (each case says why in a comment). The generator checks them against [`validate`] and stops
//!   with a diff when the reader reports something else, unless the id is listed in
//!   [`READER_DISAGREES`] (a case where the reader, not the vector, is believed wrong).
//!
//! Output is deterministic (pretty JSON, two-space indent, trailing newline); files in the two
//! group directories that this run did not write are removed. Ids are immutable slugs: rename
//! nothing, add new slugs instead.
//!
//! With `BRASA_JSFB_RECORDINGS=<dir of reference/batches-jsfb>` set, the js-framework-benchmark
//! batches built here are also compared byte for byte with ASP.NET Core 10's recordings.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use brasa_conformance::vector::{Expectation, Vector};
use brasa_protocol::render_batch::{DecodeErrorKind, Diff, Edit, Frame, Limits, RenderBatch, decode, encode, validate};

/// Invalid vectors whose expectation the reader is known not to meet, because the reader (not the
/// vector) is believed wrong. The generator warns instead of stopping for these, and stops if one
/// of them starts to pass (so that the list cannot go stale).
const READER_DISAGREES: &[&str] = &[];

fn main() {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(args.next().unwrap_or_else(|| "conformance/vectors/render-batch".into()));
    generate(&root);
}

/// Writes every vector under `root` (`valid/`, `invalid/`) and removes stale files there.
pub fn generate(root: &Path) {
    let mut generator = Generator::new(root);
    valid_vectors(&mut generator);
    invalid_vectors(&mut generator);
    if let Some(dir) = std::env::var_os("BRASA_JSFB_RECORDINGS") {
        check_recordings(Path::new(&dir));
    }
    generator.finish();
}

// ---------------------------------------------------------------------------------------------
// Output

struct Generator {
    root: PathBuf,
    ids: BTreeSet<String>,
    written: BTreeSet<PathBuf>,
    valid: usize,
    invalid: usize,
    bytes: usize,
    warnings: Vec<String>,
    /// Requirements the next invalid vector also checks, besides the one its error cites.
    also: Vec<&'static str>,
}

impl Generator {
    fn new(root: &Path) -> Self {
        for group in ["valid", "invalid"] {
            fs::create_dir_all(root.join(group)).expect("create the vector directories");
        }
        Generator {
            root: root.to_owned(),
            ids: BTreeSet::new(),
            written: BTreeSet::new(),
            valid: 0,
            invalid: 0,
            bytes: 0,
            warnings: Vec::new(),
            also: Vec::new(),
        }
    }

    fn write(&mut self, group: &str, slug: &str, vector: Vector) {
        assert!(
            !slug.is_empty()
                && slug
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "bad slug {slug:?}"
        );
        assert!(self.ids.insert(vector.id.clone()), "duplicate vector id {}", vector.id);
        assert!(
            !vector.description.is_empty() && vector.description.ends_with('.'),
            "{}: description",
            vector.id
        );
        let path = self.root.join(group).join(format!("{slug}.json"));
        let mut text = serde_json::to_string_pretty(&vector).expect("serialize vector");
        text.push('\n');
        if fs::read(&path).ok().as_deref() != Some(text.as_bytes()) {
            fs::write(&path, &text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        }
        self.bytes += text.len();
        self.written.insert(path);
    }

    /// A valid vector: `batch` is the intended meaning; its encoding must decode back to it.
    fn valid(&mut self, slug: &str, requirements: &[&str], description: &str, batch: RenderBatch) {
        let id = format!("render-batch/valid/{slug}");
        let bytes = encode(&batch);
        match decode(&bytes) {
            Ok(decoded) if decoded == batch => {}
            Ok(decoded) => {
                panic!("{id}: the reader decodes a different batch:\nbuilt   {batch:?}\ndecoded {decoded:?}")
            }
            Err(e) => panic!("{id}: the strict reader rejects the encoding of the batch: {e}"),
        }
        let json = serde_json::to_value(&batch).expect("canonical JSON form");
        let back: RenderBatch =
            serde_json::from_value(json.clone()).unwrap_or_else(|e| panic!("{id}: JSON form does not read back: {e}"));
        assert_eq!(back, batch, "{id}: JSON form does not round-trip");
        assert_eq!(encode(&back), bytes, "{id}: encoding is not deterministic");
        self.valid += 1;
        let vector = Vector {
            id,
            requirements: requirements.iter().map(|r| (*r).to_owned()).collect(),
            description: description.to_owned(),
            hex: hex(&bytes),
            expect: Expectation::Valid { json },
        };
        self.write("valid", slug, vector);
    }

    /// Lists requirements that the next invalid vector also checks.
    fn also(&mut self, requirements: &[&'static str]) -> &mut Self {
        self.also = requirements.to_vec();
        self
    }

    /// An invalid vector: a strict reader must reject `bytes` with `error`, citing `requirement`,
    /// at byte `offset`.
    fn invalid(
        &mut self,
        slug: &str,
        description: &str,
        bytes: Vec<u8>,
        error: &str,
        requirement: &str,
        offset: usize,
    ) {
        let id = format!("render-batch/invalid/{slug}");
        assert!(
            DecodeErrorKind::NAMES.contains(&error),
            "{id}: unknown error kind {error}"
        );
        let expected = format!("{error} {requirement} at {offset}");
        let found = match validate(&bytes, &Limits::DEFAULT) {
            Ok(_) => "accepted".to_owned(),
            Err(e) => format!("{} {} at {}", e.kind.name(), e.requirement, e.offset),
        };
        assert!(
            decode(&bytes).is_err() == (found != "accepted"),
            "{id}: decode and validate disagree"
        );
        let listed = READER_DISAGREES.contains(&id.as_str());
        match (found == expected, listed) {
            (true, false) => {}
            (true, true) => {
                panic!("{id}: listed in READER_DISAGREES but the reader now agrees; remove it from the list")
            }
            (false, true) => self
                .warnings
                .push(format!("{id}: expected {expected}, the reader reports {found}")),
            (false, false) => panic!(
                "{id}: the reader disagrees with the vector\n  expected: {expected}\n  reader:   {found}\n  hex: {}",
                hex(&bytes)
            ),
        }
        self.invalid += 1;
        let vector = Vector {
            id,
            requirements: std::iter::once(requirement)
                .chain(std::mem::take(&mut self.also))
                .map(str::to_owned)
                .collect(),
            description: description.to_owned(),
            hex: hex(&bytes),
            expect: Expectation::Invalid {
                error: error.to_owned(),
                requirement: requirement.to_owned(),
                offset,
            },
        };
        self.write("invalid", slug, vector);
    }

    fn finish(self) {
        let mut removed = 0;
        for group in ["valid", "invalid"] {
            let dir = self.root.join(group);
            let mut entries: Vec<PathBuf> = fs::read_dir(&dir)
                .expect("list vector directory")
                .map(|e| e.expect("directory entry").path())
                .collect();
            entries.sort();
            for path in entries {
                if path.extension().is_some_and(|x| x == "json") && !self.written.contains(&path) {
                    fs::remove_file(&path).unwrap_or_else(|e| panic!("remove {}: {e}", path.display()));
                    removed += 1;
                }
            }
        }
        for warning in &self.warnings {
            eprintln!("warning: reader disagrees (listed): {warning}");
        }
        assert!(self.valid >= 45 && self.invalid >= 45, "too few vectors");
        println!(
            "render-batch vectors: {} valid, {} invalid, {} bytes, {} stale files removed",
            self.valid, self.invalid, self.bytes, removed
        );
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Building batches

fn batch(updated_components: Vec<Diff>, reference_frames: Vec<Frame>) -> RenderBatch {
    RenderBatch {
        updated_components,
        reference_frames,
        ..RenderBatch::default()
    }
}

fn diff(component_id: i32, edits: Vec<Edit>) -> Diff {
    Diff { component_id, edits }
}

fn prepend(sibling_index: i32, reference_frame_index: i32) -> Edit {
    Edit::PrependFrame {
        sibling_index,
        reference_frame_index,
    }
}
fn remove(sibling_index: i32) -> Edit {
    Edit::RemoveFrame { sibling_index }
}
fn set_attribute(sibling_index: i32, reference_frame_index: i32) -> Edit {
    Edit::SetAttribute {
        sibling_index,
        reference_frame_index,
    }
}
fn remove_attribute(sibling_index: i32, name: &str) -> Edit {
    Edit::RemoveAttribute {
        sibling_index,
        name: name.to_owned(),
    }
}
fn update_text(sibling_index: i32, reference_frame_index: i32) -> Edit {
    Edit::UpdateText {
        sibling_index,
        reference_frame_index,
    }
}
fn step_in(sibling_index: i32) -> Edit {
    Edit::StepIn { sibling_index }
}
fn step_out() -> Edit {
    Edit::StepOut
}
fn update_markup(sibling_index: i32, reference_frame_index: i32) -> Edit {
    Edit::UpdateMarkup {
        sibling_index,
        reference_frame_index,
    }
}
fn permute(sibling_index: i32, move_to_sibling_index: i32) -> Edit {
    Edit::PermutationListEntry {
        sibling_index,
        move_to_sibling_index,
    }
}
fn permutation_end() -> Edit {
    Edit::PermutationListEnd
}

fn element(subtree_length: i32, name: &str) -> Frame {
    Frame::Element {
        subtree_length,
        name: name.to_owned(),
    }
}
fn text(content: &str) -> Frame {
    Frame::Text {
        content: content.to_owned(),
    }
}
/// An attribute with a string value.
fn attribute(name: &str, value: &str) -> Frame {
    Frame::Attribute {
        name: name.to_owned(),
        value: Some(value.to_owned()),
        event_handler_id: 0,
    }
}
/// An attribute whose value is a bool: `true` is written as "", `false` as null (RB-5.9).
fn attribute_bool(name: &str, value: bool) -> Frame {
    Frame::Attribute {
        name: name.to_owned(),
        value: value.then(String::new),
        event_handler_id: 0,
    }
}
/// An attribute (or component parameter) whose value is not a string: written as null.
fn attribute_object(name: &str) -> Frame {
    Frame::Attribute {
        name: name.to_owned(),
        value: None,
        event_handler_id: 0,
    }
}
/// An event handler attribute: null value, the handler id in the frame.
fn handler(name: &str, event_handler_id: u64) -> Frame {
    Frame::Attribute {
        name: name.to_owned(),
        value: None,
        event_handler_id,
    }
}
fn component(subtree_length: i32, component_id: i32) -> Frame {
    Frame::Component {
        subtree_length,
        component_id,
    }
}
fn region(subtree_length: i32) -> Frame {
    Frame::Region { subtree_length }
}
fn element_reference(id: &str) -> Frame {
    Frame::ElementReferenceCapture { id: id.to_owned() }
}
fn markup(content: &str) -> Frame {
    Frame::Markup {
        content: content.to_owned(),
    }
}

const CAPTURE_ID: &str = "0f8fad5b-d9cb-469f-a165-70867728950e";
const CAPTURE_ID_2: &str = "7c9e6679-7425-40de-944b-e07fc1f90ae7";

// ---------------------------------------------------------------------------------------------
// Valid vectors

fn valid_vectors(g: &mut Generator) {
    // --- Layout -------------------------------------------------------------------------------
    g.valid(
        "empty-batch",
        &["RB-1.1", "RB-1.2", "RB-1.3", "RB-1.4", "RB-6.1"],
        "A batch with no diffs, frames, disposed ids or strings (four zero counts and the trailer, 36 bytes), the smallest valid batch.",
        RenderBatch::default(),
    );
    g.valid(
        "diff-without-edits",
        &["RB-2.1", "RB-2.2"],
        "A component that rendered with no changes gets a diff with zero edits, which is still listed in the diff position table.",
        batch(vec![diff(3, vec![])], vec![]),
    );
    g.valid(
        "several-diffs",
        &["RB-2.1", "RB-2.2", "RB-2.5", "RB-2.11", "RB-3.1"],
        "Three diffs in one batch, each with its own position table entry, whose edits all refer into the one shared reference frame list.",
        batch(
            vec![
                diff(0, vec![step_in(0), update_text(0, 0), step_out()]),
                diff(4, vec![prepend(0, 1), prepend(1, 3)]),
                diff(9, vec![set_attribute(2, 4), remove(3)]),
            ],
            vec![
                text("Count: 2"),
                element(2, "li"),
                text("first"),
                text("second"),
                attribute("class", "active"),
            ],
        ),
    );
    g.valid(
        "disposed-only",
        &["RB-4.1", "RB-4.2"],
        "A batch that only disposes components and event handlers, with no diffs and no frames.",
        RenderBatch {
            disposed_component_ids: vec![12, 13],
            disposed_event_handler_ids: vec![7, 8, 9],
            ..RenderBatch::default()
        },
    );

    // --- Frame types ----------------------------------------------------------------------------
    g.valid(
        "element-prepended",
        &["RB-2.5", "RB-2.10", "RB-3.2", "RB-3.3", "RB-3.4", "RB-3.5"],
        "A PrependFrame edit inserting an element frame (type 1) with no attributes or children: subtree length 1, the name, 8 zero bytes.",
        batch(vec![diff(0, vec![prepend(0, 0)])], vec![element(1, "hr")]),
    );
    g.valid(
        "element-with-attributes",
        &["RB-3.2", "RB-3.3", "RB-3.5", "RB-3.10"],
        "An element whose subtree holds attribute frames (type 3) followed by a text child, as the browser expects them: attributes first.",
        batch(
            vec![diff(0, vec![prepend(0, 0)])],
            vec![
                element(5, "button"),
                attribute("type", "button"),
                attribute("class", "btn btn-primary"),
                attribute("title", "Save the form"),
                text("Save"),
            ],
        ),
    );
    g.valid(
        "nested-elements",
        &["RB-3.3", "RB-3.5"],
        "Elements nested three deep with siblings, each subtree length counting the frame itself and all its descendants.",
        batch(
            vec![diff(0, vec![prepend(0, 0)])],
            vec![
                element(10, "ul"),
                attribute("class", "list"),
                element(3, "li"),
                element(2, "strong"),
                text("one"),
                element(2, "li"),
                text("two"),
                element(3, "li"),
                element(1, "br"),
                text("three"),
            ],
        ),
    );
    g.valid(
        "text-prepended",
        &["RB-2.10", "RB-3.2", "RB-3.3", "RB-3.4"],
        "A PrependFrame edit inserting a text frame (type 2): the text's string index and 12 zero bytes.",
        batch(vec![diff(0, vec![prepend(0, 0)])], vec![text("Hello, world!")]),
    );
    g.valid(
        "markup-prepended",
        &["RB-2.10", "RB-3.2", "RB-3.3", "RB-3.4"],
        "A PrependFrame edit inserting a markup frame (type 8), a block of raw HTML carried as one string.",
        batch(
            vec![diff(0, vec![prepend(1, 0)])],
            vec![markup("<p>Some <em>raw</em> markup</p>")],
        ),
    );
    g.valid(
        "component-with-parameters",
        &["RB-2.10", "RB-3.2", "RB-3.3", "RB-3.5", "RB-3.7", "RB-5.9"],
        "A PrependFrame edit inserting a component frame (type 4) whose subtree holds its parameters as attribute frames, a non-string parameter written with a null value.",
        batch(
            vec![diff(0, vec![prepend(2, 0)])],
            vec![
                component(4, 5),
                attribute("Title", "Counter"),
                attribute_object("IncrementAmount"),
                attribute_object("OnChanged"),
            ],
        ),
    );
    g.valid(
        "region-prepended",
        &["RB-2.10", "RB-3.2", "RB-3.3", "RB-3.4", "RB-3.5"],
        "A PrependFrame edit inserting a region frame (type 5) whose subtree holds a text, an element and a markup frame.",
        batch(
            vec![diff(0, vec![prepend(0, 0)])],
            vec![region(5), text("before "), element(2, "b"), text("bold"), markup("<i>after</i>")],
        ),
    );
    g.valid(
        "element-reference-capture",
        &["RB-3.2", "RB-3.3", "RB-3.4", "RB-3.10"],
        "An element with an element reference capture frame (type 6) after its attributes, carrying the capture id as a string.",
        batch(
            vec![diff(0, vec![prepend(0, 0)])],
            vec![element(3, "input"), attribute("type", "text"), element_reference(CAPTURE_ID)],
        ),
    );
    g.valid(
        "component-reference-capture",
        &["RB-3.2", "RB-3.3", "RB-3.9", "RB-3.10"],
        "A component whose subtree holds a component reference capture frame (type 7), which carries no data: 16 zero bytes.",
        batch(
            vec![diff(0, vec![prepend(0, 0)])],
            vec![component(3, 8), attribute("Label", "Name"), Frame::ComponentReferenceCapture],
        ),
    );
    g.valid(
        "component-render-mode",
        &["RB-3.2", "RB-3.3", "RB-3.9"],
        "A component whose subtree holds a component render mode frame (type 9, .NET 8), which carries no data: 16 zero bytes.",
        batch(
            vec![diff(0, vec![prepend(0, 0)])],
            vec![component(2, 11), Frame::ComponentRenderMode],
        ),
    );
    g.valid(
        "named-event",
        &["RB-3.2", "RB-3.3", "RB-3.9", "RB-3.6", "RB-3.10"],
        "A form element whose subtree holds a named event frame (type 10, .NET 8, @formname), which carries no data: 16 zero bytes.",
        batch(
            vec![diff(0, vec![prepend(0, 0)])],
            vec![
                element(6, "form"),
                attribute("method", "post"),
                handler("onsubmit", 3),
                Frame::NamedEvent,
                element(2, "button"),
                text("Send"),
            ],
        ),
    );
    g.valid(
        "all-frame-types",
        &[
            "RB-2.11", "RB-3.1", "RB-3.2", "RB-3.3", "RB-3.4", "RB-3.5", "RB-3.9", "RB-3.10",
        ],
        "All ten frame types in one reference frame list, nested as ASP.NET Core 10's renderer nests them, each of the four top-level frames inserted by its own PrependFrame.",
        batch(
            vec![diff(
                1,
                vec![prepend(0, 0), prepend(1, 7), prepend(2, 11), prepend(3, 12)],
            )],
            vec![
                element(7, "form"),
                attribute("class", "edit"),
                element_reference(CAPTURE_ID),
                Frame::NamedEvent,
                region(3),
                text("Name: "),
                markup("<b>required</b>"),
                component(4, 2),
                attribute("Value", "Ada"),
                Frame::ComponentReferenceCapture,
                Frame::ComponentRenderMode,
                text("tail"),
                region(1),
            ],
        ),
    );

    // --- Edit types -----------------------------------------------------------------------------
    g.valid(
        "frame-removed",
        &["RB-2.3", "RB-2.4", "RB-2.5", "RB-2.6"],
        "A RemoveFrame edit (type 2): the sibling index, a zero reference frame slot and a null removed attribute name.",
        batch(vec![diff(2, vec![remove(3)])], vec![]),
    );
    g.valid(
        "attribute-set",
        &["RB-2.4", "RB-2.5", "RB-2.10", "RB-2.11", "RB-3.10"],
        "A SetAttribute edit (type 3) whose reference frame is an attribute frame at the top level, where it needs no element to lead.",
        batch(
            vec![diff(2, vec![set_attribute(1, 0)])],
            vec![attribute("class", "active")],
        ),
    );
    g.valid(
        "attribute-removed",
        &["RB-2.4", "RB-2.6"],
        "A RemoveAttribute edit (type 4) naming the attribute through the string table, with a zero reference frame slot.",
        batch(vec![diff(2, vec![remove_attribute(1, "disabled")])], vec![]),
    );
    g.valid(
        "text-updated",
        &["RB-2.4", "RB-2.5", "RB-2.10"],
        "An UpdateText edit (type 5) whose reference frame is the text frame with the new text.",
        batch(vec![diff(0, vec![update_text(1, 0)])], vec![text("Current count: 1")]),
    );
    g.valid(
        "markup-updated",
        &["RB-2.4", "RB-2.5", "RB-2.10"],
        "An UpdateMarkup edit (type 8) whose reference frame is the markup frame with the new markup.",
        batch(
            vec![diff(0, vec![update_markup(0, 0)])],
            vec![markup("<strong>new</strong>")],
        ),
    );
    g.valid(
        "step-in-and-out",
        &["RB-2.4", "RB-2.7", "RB-2.8"],
        "A StepIn edit (type 6) into a child, an edit inside it, and a StepOut edit (type 7) whose sibling index is 0.",
        batch(
            vec![diff(0, vec![step_in(1), update_text(0, 0), step_out()])],
            vec![text("inner")],
        ),
    );
    g.valid(
        "nested-steps",
        &["RB-2.7", "RB-2.8"],
        "StepIn and StepOut edits nested three deep and then back up, with edits at every depth, balanced by the end of the diff.",
        batch(
            vec![diff(
                0,
                vec![
                    step_in(0),
                    step_in(2),
                    step_in(1),
                    update_text(0, 0),
                    step_out(),
                    remove(3),
                    step_out(),
                    step_in(4),
                    set_attribute(0, 1),
                    step_out(),
                    step_out(),
                    prepend(1, 2),
                ],
            )],
            vec![text("deep"), attribute("class", "open"), text("top")],
        ),
    );
    g.valid(
        "permutation-one-entry",
        &["RB-2.4", "RB-2.7", "RB-2.9"],
        "A permutation list with one PermutationListEntry (type 9, move-to index in the reference frame slot) closed by a PermutationListEnd (type 10).",
        batch(vec![diff(0, vec![permute(0, 0), permutation_end()])], vec![]),
    );
    g.valid(
        "permutation-several-entries",
        &["RB-2.7", "RB-2.9"],
        "A permutation list rotating three keyed children, all moves applied together at the end of the list.",
        batch(
            vec![diff(
                0,
                vec![
                    step_in(0),
                    permute(0, 2),
                    permute(1, 0),
                    permute(2, 1),
                    permutation_end(),
                    step_out(),
                ],
            )],
            vec![],
        ),
    );
    g.valid(
        "two-permutation-lists",
        &["RB-2.9"],
        "Two permutation lists in one diff, at different depths, each closed by its own PermutationListEnd.",
        batch(
            vec![diff(
                0,
                vec![
                    permute(0, 1),
                    permute(1, 0),
                    permutation_end(),
                    step_in(1),
                    permute(3, 5),
                    permute(5, 3),
                    permutation_end(),
                    step_out(),
                ],
            )],
            vec![],
        ),
    );
    g.valid(
        "every-edit-type",
        &[
            "RB-2.3", "RB-2.4", "RB-2.5", "RB-2.6", "RB-2.7", "RB-2.8", "RB-2.9", "RB-2.10", "RB-2.11",
        ],
        "All ten edit types in one diff, each referring to a frame of the type it needs where it refers to one; the text inside the inserted element is referred to by no edit.",
        batch(
            vec![diff(
                1,
                vec![
                    step_in(0),
                    prepend(0, 0),
                    remove(2),
                    set_attribute(1, 2),
                    remove_attribute(1, "hidden"),
                    update_text(3, 3),
                    update_markup(4, 4),
                    permute(5, 6),
                    permute(6, 5),
                    permutation_end(),
                    step_out(),
                ],
            )],
            vec![
                element(2, "em"),
                text("new"),
                attribute("title", "t"),
                text("updated"),
                markup("<hr>"),
            ],
        ),
    );
    g.valid(
        "index-extremes",
        &["RB-1.1", "RB-2.1", "RB-2.7", "RB-3.7", "RB-4.1"],
        "Component ids 0 and 2^31-1 in a diff, a component frame and the disposed list, and sibling indexes of 2^31-1.",
        RenderBatch {
            updated_components: vec![
                diff(0, vec![prepend(i32::MAX, 0)]),
                diff(
                    i32::MAX,
                    vec![remove(i32::MAX), permute(i32::MAX, 0), permutation_end()],
                ),
            ],
            reference_frames: vec![component(1, i32::MAX)],
            disposed_component_ids: vec![0, i32::MAX],
            ..RenderBatch::default()
        },
    );

    // --- Whole top-level subtrees (RB-2.11) and leading attributes (RB-3.10) -----------------------
    g.valid(
        "top-level-attribute-after-subtree",
        &["RB-2.11", "RB-3.5", "RB-3.10"],
        "An attribute frame right after an element's subtree is a top-level frame of its own, referred to by a SetAttribute edit, not a late child of the element.",
        batch(
            vec![diff(0, vec![prepend(0, 0), set_attribute(0, 2), prepend(1, 3)])],
            vec![
                element(2, "p"),
                attribute("class", "lead"),
                attribute("title", "Introduction"),
                text("Hello"),
            ],
        ),
    );
    g.valid(
        "top-level-frames-referenced-across-diffs",
        &["RB-2.11"],
        "Each top-level frame is referred to by exactly one edit, the edits being spread over three diffs in an order unrelated to the frame indexes; nested frames are referred to by none.",
        batch(
            vec![
                diff(2, vec![update_markup(0, 4)]),
                diff(5, vec![set_attribute(1, 3), prepend(2, 0)]),
                diff(7, vec![update_text(0, 5)]),
            ],
            vec![
                element(3, "li"),
                attribute("class", "item"),
                text("one"),
                attribute("aria-current", "page"),
                markup("<em>two</em>"),
                text("three"),
            ],
        ),
    );
    g.valid(
        "component-parameters-then-captures",
        &["RB-3.3", "RB-3.9", "RB-3.10"],
        "A component's parameter attributes followed by its component reference capture and render mode frames: the attributes lead, as Blazor's builder requires.",
        batch(
            vec![diff(0, vec![prepend(0, 0)])],
            vec![
                component(5, 6),
                attribute("Title", "Counter"),
                attribute_object("IncrementAmount"),
                Frame::ComponentReferenceCapture,
                Frame::ComponentRenderMode,
            ],
        ),
    );
    g.valid(
        "attributes-lead-nested-element",
        &["RB-3.5", "RB-3.10"],
        "Attributes lead the children of their innermost element: a span's attribute follows the span frame, after the enclosing div already had a text child.",
        batch(
            vec![diff(0, vec![prepend(0, 0)])],
            vec![
                element(7, "div"),
                attribute("id", "outer"),
                text("Total: "),
                element(3, "span"),
                attribute("class", "amount"),
                text("42"),
                element(1, "br"),
            ],
        ),
    );
    g.valid(
        "element-with-only-attributes",
        &["RB-3.5", "RB-3.10"],
        "An element whose subtree holds only attribute frames, one of them an event handler, and no other child.",
        batch(
            vec![diff(0, vec![prepend(0, 0)])],
            vec![
                element(4, "input"),
                attribute("type", "checkbox"),
                attribute_bool("checked", true),
                handler("onchange", 5),
            ],
        ),
    );

    // --- Disposed ids and event handler ids -------------------------------------------------
    g.valid(
        "disposed-component-ids",
        &["RB-4.1"],
        "A diff removing a child component's frame and the child listed among the disposed component ids.",
        RenderBatch {
            updated_components: vec![diff(0, vec![remove(1)])],
            disposed_component_ids: vec![3, 4, 17],
            ..RenderBatch::default()
        },
    );
    g.valid(
        "disposed-event-handler-ids",
        &["RB-4.2", "RB-6.2"],
        "Disposed event handler ids as 8-byte unsigned integers, written as decimal strings in the JSON form.",
        RenderBatch {
            updated_components: vec![diff(0, vec![remove(0)])],
            disposed_event_handler_ids: vec![1, 2, 300, 4_294_967_296],
            ..RenderBatch::default()
        },
    );
    g.valid(
        "event-handler-id-above-2-53",
        &["RB-1.1", "RB-3.3", "RB-4.2", "RB-6.2", "RB-7.1"],
        "Event handler ids 2^53+1 and 2^53+3 (not exact as JavaScript numbers) in an attribute frame and the disposed list, kept exact as decimal strings.",
        RenderBatch {
            updated_components: vec![diff(0, vec![set_attribute(0, 0)])],
            reference_frames: vec![handler("onclick", (1 << 53) + 3)],
            disposed_event_handler_ids: vec![(1 << 53) + 1],
            ..RenderBatch::default()
        },
    );
    g.valid(
        "event-handler-id-u64-max",
        &["RB-1.1", "RB-3.3", "RB-4.2", "RB-6.2", "RB-7.1"],
        "The largest event handler id, 2^64-1, in an attribute frame and in the disposed list: an unsigned 64-bit value, not -1.",
        RenderBatch {
            updated_components: vec![diff(0, vec![set_attribute(0, 0)])],
            reference_frames: vec![handler("onclick", u64::MAX)],
            disposed_event_handler_ids: vec![u64::MAX, u64::MAX - 1],
            ..RenderBatch::default()
        },
    );

    // --- Attribute values -------------------------------------------------------------------------
    g.valid(
        "attribute-value-string",
        &["RB-3.3", "RB-5.9"],
        "An attribute with a non-empty string value, written as its own string table entry.",
        batch(
            vec![diff(0, vec![set_attribute(0, 0)])],
            vec![attribute("placeholder", "Your name")],
        ),
    );
    g.valid(
        "attribute-value-true",
        &["RB-5.9", "RB-5.6"],
        "A boolean attribute set to true is written as the empty string, a deduplicated entry.",
        batch(
            vec![diff(0, vec![set_attribute(0, 0)])],
            vec![attribute_bool("disabled", true)],
        ),
    );
    g.valid(
        "attribute-value-false",
        &["RB-5.9", "RB-5.5"],
        "A boolean attribute set to false is written with a null value (string index -1) and no string table entry.",
        batch(
            vec![diff(0, vec![set_attribute(0, 0)])],
            vec![attribute_bool("disabled", false)],
        ),
    );
    g.valid(
        "attribute-event-handler",
        &["RB-3.3", "RB-3.6", "RB-5.9"],
        "An event handler attribute: a null value and the event handler id in the frame's last 8 bytes.",
        batch(
            vec![diff(0, vec![prepend(0, 0)])],
            vec![element(3, "button"), handler("onclick", 1), text("Click me")],
        ),
    );

    // --- String table: deduplication (RB-5.6) and order (RB-5.7) ------------------------------------
    g.valid(
        "dedup-element-name-reused",
        &["RB-5.6"],
        "Three elements with the same name share one string table entry, because element names are deduplicated.",
        batch(
            vec![diff(0, vec![prepend(0, 0)])],
            vec![
                element(4, "div"),
                element(2, "div"),
                element(1, "div"),
                element(1, "span"),
            ],
        ),
    );
    g.valid(
        "dedup-attribute-name-reused",
        &["RB-5.6"],
        "Attribute frames with the same name share one entry, while their equal non-empty values get one entry each.",
        batch(
            vec![diff(0, vec![prepend(0, 0), prepend(1, 2)])],
            vec![
                element(2, "p"),
                attribute("class", "note"),
                element(2, "p"),
                attribute("class", "note"),
            ],
        ),
    );
    g.valid(
        "dedup-removed-attribute-name-shared",
        &["RB-5.6", "RB-5.7"],
        "A removed attribute name is entered first (edits before frames) and shared by later edits and by an attribute frame with the same name.",
        batch(
            vec![diff(
                0,
                vec![
                    remove_attribute(0, "class"),
                    remove_attribute(1, "class"),
                    set_attribute(2, 0),
                    remove_attribute(3, "style"),
                    set_attribute(4, 1),
                ],
            )],
            vec![attribute("class", "x"), attribute("style", "color: red")],
        ),
    );
    g.valid(
        "dedup-empty-string-shared",
        &["RB-5.6", "RB-5.9"],
        "The empty string written for true attribute values, for empty text and for an empty removed attribute name is one deduplicated entry.",
        batch(
            vec![diff(0, vec![remove_attribute(0, ""), prepend(0, 0)])],
            vec![
                element(5, "textarea"),
                attribute_bool("disabled", true),
                attribute("value", ""),
                attribute_bool("readonly", true),
                text(""),
            ],
        ),
    );
    g.valid(
        "dedup-whitespace-text",
        &["RB-5.6"],
        "Whitespace-only texts (spaces, a tab, newlines, U+00A0, U+3000, U+0085, U+2028) each written twice share one entry per distinct value.",
        batch(
            vec![diff(0, vec![prepend(0, 0)])],
            vec![
                element(17, "pre"),
                text(" "),
                text("\n  "),
                text("\t"),
                text("\u{00A0}"),
                text("\u{3000}"),
                text("\r\n"),
                text("\u{0085}"),
                text("\u{2028}"),
                text(" "),
                text("\n  "),
                text("\t"),
                text("\u{00A0}"),
                text("\u{3000}"),
                text("\r\n"),
                text("\u{0085}"),
                text("\u{2028}"),
            ],
        ),
    );
    g.valid(
        "text-not-deduplicated",
        &["RB-5.6"],
        "The same non-whitespace text written twice gets two string table entries, because such text is never deduplicated.",
        batch(
            vec![diff(0, vec![prepend(0, 0), prepend(1, 1), update_text(2, 2)])],
            vec![text("Hello"), text("Hello"), text(" Hello ")],
        ),
    );
    g.valid(
        "text-whitespace-lookalikes-not-deduplicated",
        &["RB-5.6"],
        "Texts of characters that are not White_Space for .NET's char.IsWhiteSpace (U+200B, U+FEFF, U+180E, U+001F) are not deduplicated.",
        batch(
            vec![diff(0, vec![prepend(0, 0)])],
            vec![
                element(9, "p"),
                text("\u{200B}"),
                text("\u{200B}"),
                text("\u{FEFF}"),
                text("\u{FEFF}"),
                text("\u{180E}"),
                text("\u{180E}"),
                text("\u{1F}"),
                text("\u{1F}"),
            ],
        ),
    );
    g.valid(
        "attribute-value-not-deduplicated",
        &["RB-5.6"],
        "The same non-empty attribute value written three times gets three entries, because non-empty values are never deduplicated.",
        batch(
            vec![diff(0, vec![prepend(0, 0)])],
            vec![
                element(4, "td"),
                attribute("class", "col"),
                attribute("title", "col"),
                attribute("data-x", "col"),
            ],
        ),
    );
    g.valid(
        "markup-not-deduplicated",
        &["RB-5.6"],
        "The same markup written twice gets two entries, because markup is never deduplicated.",
        batch(
            vec![diff(0, vec![prepend(0, 0), update_markup(1, 1)])],
            vec![markup("<br>"), markup("<br>")],
        ),
    );
    g.valid(
        "empty-markup-not-deduplicated",
        &["RB-5.6"],
        "Empty markup gets a new entry each time, even after an empty text entered the deduplicated \"\", which a later empty text shares.",
        batch(
            vec![diff(0, vec![prepend(0, 0), prepend(1, 1), prepend(2, 2), prepend(3, 3)])],
            vec![markup(""), text(""), markup(""), text("")],
        ),
    );
    g.valid(
        "capture-id-not-deduplicated",
        &["RB-5.6"],
        "The same element reference capture id written twice gets two entries, because capture ids are never deduplicated.",
        batch(
            vec![diff(0, vec![prepend(0, 0), prepend(1, 2)])],
            vec![
                element(2, "input"),
                element_reference(CAPTURE_ID_2),
                element(2, "input"),
                element_reference(CAPTURE_ID_2),
            ],
        ),
    );
    g.valid(
        "non-deduplicated-then-deduplicated",
        &["RB-5.6"],
        "A text \"b\" (not deduplicated) followed by the element name \"b\" (deduplicated) gives two entries, and a second element \"b\" shares the second one.",
        batch(
            vec![diff(0, vec![prepend(0, 0), prepend(1, 1)])],
            vec![text("b"), element(2, "b"), element(1, "b")],
        ),
    );
    g.valid(
        "string-order-edits-before-frames",
        &["RB-5.7"],
        "Strings are entered in order of first use with all edits' removed attribute names before any frame's strings, whatever the frame indexes.",
        batch(
            vec![
                diff(0, vec![prepend(0, 0), remove_attribute(1, "zeta")]),
                diff(
                    1,
                    vec![remove_attribute(0, "alpha"), set_attribute(0, 3), update_text(1, 2)],
                ),
            ],
            vec![element(2, "section"), attribute("id", "main"), text("body"), attribute("alpha", "a")],
        ),
    );

    // --- String encoding (RB-5.1 .. RB-5.3) ---------------------------------------------------------
    g.valid(
        "utf8-two-byte",
        &["RB-5.1", "RB-5.3"],
        "Strings with 2-byte UTF-8 sequences (Latin-1, Greek, Cyrillic), whose length prefix counts bytes, not characters.",
        batch(
            vec![diff(0, vec![prepend(0, 0)])],
            vec![element(3, "p"), attribute("title", "Ωmega café"), text("Привет, ß")],
        ),
    );
    g.valid(
        "utf8-three-byte",
        &["RB-5.1", "RB-5.3"],
        "Strings with 3-byte UTF-8 sequences (CJK, the euro sign, U+FFFD), in an element name, an attribute and a text.",
        batch(
            vec![diff(0, vec![prepend(0, 0)])],
            vec![element(3, "x-名前"), attribute("data-€", "日本語"), text("\u{FFFD} ok")],
        ),
    );
    g.valid(
        "utf8-four-byte",
        &["RB-5.1", "RB-5.3"],
        "Strings with 4-byte UTF-8 sequences (emoji with a skin-tone modifier and a ZWJ family, U+1D11E), two UTF-16 code units each in .NET.",
        batch(
            vec![diff(0, vec![prepend(0, 0), update_markup(1, 3)])],
            vec![
                element(3, "span"),
                attribute("aria-label", "👍🏽"),
                text("𝄞 👨‍👩‍👧"),
                markup("<b>😀</b>"),
            ],
        ),
    );
    g.valid(
        "string-length-127",
        &["RB-5.1", "RB-5.2"],
        "A 127-byte string, the longest whose length prefix is one byte (0x7f).",
        batch(vec![diff(0, vec![prepend(0, 0)])], vec![text(&"a".repeat(127))]),
    );
    g.valid(
        "string-length-128",
        &["RB-5.1", "RB-5.2"],
        "A 128-byte string of 64 two-byte characters, the shortest whose length prefix is two bytes (0x80 0x01), counted in bytes, not characters.",
        batch(vec![diff(0, vec![prepend(0, 0)])], vec![text(&"é".repeat(64))]),
    );
    g.valid(
        "string-length-16383",
        &["RB-5.1", "RB-5.2"],
        "A 16,383-byte markup string, the longest whose length prefix is two bytes (0xff 0x7f).",
        batch(
            vec![diff(0, vec![prepend(0, 0)])],
            vec![markup(&"<i>.</i>".repeat(2048)[..16383])],
        ),
    );
    g.valid(
        "string-length-16384",
        &["RB-5.1", "RB-5.2"],
        "A 16,384-byte markup string (5,461 euro signs and one letter), the shortest whose length prefix is three bytes (0x80 0x80 0x01).",
        batch(vec![diff(0, vec![prepend(0, 0)])], vec![markup(&format!("{}a", "€".repeat(5461)))]),
    );

    // --- js-framework-benchmark (reference/batches-jsfb) -----------------------------------------
    g.valid(
        "jsfb-create-100-rows",
        &["RB-1.2", "RB-2.5", "RB-3.3", "RB-3.5", "RB-5.6", "RB-5.7"],
        "A large batch: the js-framework-benchmark table's 100 new rows (19 frames each, 1,900 frames), as ASP.NET Core 10 renders them.",
        jsfb_create(100),
    );
    g.valid(
        "jsfb-update-every-10th-row",
        &["RB-2.8", "RB-2.10"],
        "The benchmark's \"update every 10th row\" on 1,000 rows: 100 UpdateText edits, each three StepIn edits deep.",
        jsfb_update_every_10th(),
    );
    g.valid(
        "jsfb-select-row",
        &["RB-2.10", "RB-6.3", "RB-7.1"],
        "The benchmark's \"select row\": one SetAttribute of class=\"danger\" on the sixth row, byte for byte as ASP.NET Core 10 writes it.",
        jsfb_select_row(),
    );
    g.valid(
        "jsfb-swap-rows",
        &["RB-2.9", "RB-6.3", "RB-7.1"],
        "The benchmark's \"swap rows\": a permutation list exchanging rows 1 and 998, byte for byte as ASP.NET Core 10 writes it.",
        jsfb_swap_rows(),
    );
    g.valid(
        "jsfb-remove-row",
        &["RB-4.2", "RB-6.3", "RB-7.1"],
        "The benchmark's \"remove row\": one RemoveFrame and the row's two event handler ids disposed, byte for byte as ASP.NET Core 10 writes it.",
        jsfb_remove_row(),
    );
    g.valid(
        "jsfb-clear-200-rows",
        &["RB-2.5", "RB-4.2"],
        "The benchmark's \"clear\" on 200 rows: 200 RemoveFrame edits at sibling index 0 and 400 disposed event handler ids.",
        jsfb_clear(200),
    );
}

// ---------------------------------------------------------------------------------------------
// The js-framework-benchmark table (reference/batches-jsfb/README.md)

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

struct Labels(u32);

impl Labels {
    fn pick<'a>(&mut self, words: &[&'a str]) -> &'a str {
        self.0 = self.0.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        words[(self.0 >> 16) as usize % words.len()]
    }
    fn next_label(&mut self) -> String {
        let adjective = self.pick(&ADJECTIVES);
        let colour = self.pick(&COLOURS);
        let noun = self.pick(&NOUNS);
        format!("{adjective} {colour} {noun}")
    }
}

/// The 19 frames of one row.
fn jsfb_row(id: u32, label: &str, first_handler: u64) -> Vec<Frame> {
    vec![
        element(19, "tr"),
        element(3, "td"),
        attribute("class", "col-md-1"),
        text(&id.to_string()),
        element(5, "td"),
        attribute("class", "col-md-4"),
        element(3, "a"),
        handler("onclick", first_handler),
        text(label),
        element(8, "td"),
        attribute("class", "col-md-1"),
        element(6, "a"),
        handler("onclick", first_handler + 1),
        element(4, "span"),
        attribute("class", "remove"),
        attribute("aria-hidden", "true"),
        text("x"),
        element(2, "td"),
        attribute("class", "col-md-6"),
    ]
}

fn jsfb_create(rows: u32) -> RenderBatch {
    let mut labels = Labels(1);
    let mut edits = vec![step_in(0), step_in(0)];
    let mut frames = Vec::new();
    for i in 0..rows {
        edits.push(prepend(i as i32, frames.len() as i32));
        frames.extend(jsfb_row(i + 1, &labels.next_label(), 2 * u64::from(i) + 1));
    }
    edits.extend([step_out(), step_out()]);
    batch(vec![diff(0, edits)], frames)
}

fn jsfb_update_every_10th() -> RenderBatch {
    // Rows were created twice (create, then replace): the table shows labels 1000..1999.
    let mut labels = Labels(1);
    let all: Vec<String> = (0..2000).map(|_| labels.next_label()).collect();
    let mut edits = vec![step_in(0), step_in(0)];
    let mut frames = Vec::new();
    for row in (0..1000).step_by(10) {
        edits.extend([
            step_in(row as i32),
            step_in(1),
            step_in(0),
            update_text(0, frames.len() as i32),
        ]);
        edits.extend([step_out(), step_out(), step_out()]);
        frames.push(text(&format!("{} !!!", all[1000 + row])));
    }
    edits.extend([step_out(), step_out()]);
    batch(vec![diff(0, edits)], frames)
}

fn jsfb_select_row() -> RenderBatch {
    batch(
        vec![diff(
            0,
            vec![step_in(0), step_in(0), set_attribute(5, 0), step_out(), step_out()],
        )],
        vec![attribute("class", "danger")],
    )
}

fn jsfb_swap_rows() -> RenderBatch {
    batch(
        vec![diff(
            0,
            vec![
                step_in(0),
                step_in(0),
                permute(1, 998),
                permute(998, 1),
                permutation_end(),
                step_out(),
                step_out(),
            ],
        )],
        vec![],
    )
}

fn jsfb_remove_row() -> RenderBatch {
    RenderBatch {
        updated_components: vec![diff(0, vec![step_in(0), step_in(0), remove(3), step_out(), step_out()])],
        disposed_event_handler_ids: vec![30007, 30008],
        ..RenderBatch::default()
    }
}

fn jsfb_clear(rows: u32) -> RenderBatch {
    let mut edits = vec![step_in(0), step_in(0)];
    edits.extend((0..rows).map(|_| remove(0)));
    edits.extend([step_out(), step_out()]);
    RenderBatch {
        updated_components: vec![diff(0, edits)],
        disposed_event_handler_ids: (1..=2 * u64::from(rows)).collect(),
        ..RenderBatch::default()
    }
}

/// Compares the batches built here with ASP.NET Core 10's recordings, where they describe the
/// same render.
fn check_recordings(dir: &Path) {
    let read = |name: &str| fs::read(dir.join(name)).unwrap_or_else(|e| panic!("read {name}: {e}"));
    // 02: the same edits; the labels depend on the recording run's history, not modelled here.
    let recorded = decode(&read("02-update-every-10th.bin")).expect("recording decodes");
    let built = jsfb_update_every_10th();
    assert!(
        recorded.updated_components == built.updated_components,
        "02: the edits differ from the recording"
    );
    assert_eq!(
        recorded.reference_frames.len(),
        built.reference_frames.len(),
        "02: frame count"
    );
    for (name, built) in [
        ("03-select-row.bin", jsfb_select_row()),
        ("04-swap-rows.bin", jsfb_swap_rows()),
        ("05-remove-row.bin", jsfb_remove_row()),
    ] {
        assert!(
            encode(&built) == read(name),
            "{name}: the batch built here is not the recording"
        );
    }
    // 00 creates rows 14001.. with handlers 28001... The labels are not compared: the generator
    // described in the recordings' README does not reproduce them.
    let recorded = decode(&read("00-create-1000-rows.bin")).expect("recording decodes");
    for i in 0..1000u32 {
        let at = 19 * i as usize;
        let Frame::Text { content: label } = &recorded.reference_frames[at + 8] else {
            panic!("00: row {i} label")
        };
        let row = jsfb_row(14001 + i, label, 28001 + 2 * u64::from(i));
        assert!(
            recorded.reference_frames[at..at + 19] == row[..],
            "00: row {i} differs from the recording"
        );
    }
    println!("jsfb batches match the recordings in {}", dir.display());
}

// ---------------------------------------------------------------------------------------------
// Reading and corrupting bytes

fn get_i32(bytes: &[u8], at: usize) -> i32 {
    i32::from_le_bytes(bytes[at..at + 4].try_into().unwrap())
}

fn put_i32(out: &mut Vec<u8>, value: i32) {
    out.extend_from_slice(&value.to_le_bytes());
}

/// The bytes with the int32 at `at` replaced.
fn with_i32(bytes: &[u8], at: usize, value: i32) -> Vec<u8> {
    let mut out = bytes.to_vec();
    out[at..at + 4].copy_from_slice(&value.to_le_bytes());
    out
}

/// The bytes with the uint64 at `at` replaced.
fn with_u64(bytes: &[u8], at: usize, value: u64) -> Vec<u8> {
    let mut out = bytes.to_vec();
    out[at..at + 8].copy_from_slice(&value.to_le_bytes());
    out
}

/// The first `len` bytes.
fn truncated(bytes: &[u8], len: usize) -> Vec<u8> {
    bytes[..len].to_vec()
}

/// Where the parts of a (valid, or assembled) batch are, read from its trailer.
struct Layout {
    len: usize,
    diff_table: usize,
    frames: usize,
    disposed_components: usize,
    disposed_handlers: usize,
    string_positions: usize,
    diff_starts: Vec<usize>,
    string_starts: Vec<usize>,
}

impl Layout {
    fn of(bytes: &[u8]) -> Layout {
        let len = bytes.len();
        let end = len - 20;
        let at = |i: usize| get_i32(bytes, end + 4 * i) as usize;
        let (diff_table, frames, disposed_components, disposed_handlers, string_positions) =
            (at(0), at(1), at(2), at(3), at(4));
        let diff_count = get_i32(bytes, diff_table) as usize;
        let diff_starts = (0..diff_count)
            .map(|i| get_i32(bytes, diff_table + 4 + 4 * i) as usize)
            .collect();
        let string_starts = (0..(end - string_positions) / 4)
            .map(|i| get_i32(bytes, string_positions + 4 * i) as usize)
            .collect();
        Layout {
            len,
            diff_table,
            frames,
            disposed_components,
            disposed_handlers,
            string_positions,
            diff_starts,
            string_starts,
        }
    }
    /// Start of the trailer (the end of the data).
    fn end(&self) -> usize {
        self.len - 20
    }
    /// Offset of trailer entry `i` (0 diff table, 1 frames, 2 disposed components, 3 disposed
    /// handlers, 4 string positions).
    fn trailer(&self, i: usize) -> usize {
        self.end() + 4 * i
    }
    fn diff(&self, d: usize) -> usize {
        self.diff_starts[d]
    }
    fn edit(&self, d: usize, e: usize) -> usize {
        self.diff_starts[d] + 8 + 16 * e
    }
    fn frame(&self, i: usize) -> usize {
        self.frames + 4 + 20 * i
    }
    fn string_entry(&self, i: usize) -> usize {
        self.string_positions + 4 * i
    }
    /// Offset of string `i`'s length prefix.
    fn string(&self, i: usize) -> usize {
        self.string_starts[i]
    }
}

/// A batch taken apart into raw fields, to be put back together (with positions recomputed) after
/// a change that moves bytes.
#[derive(Clone)]
struct Parts {
    diffs: Vec<RawDiff>,
    /// Replaces the diff table (count and entries) when set.
    diff_table: Option<Vec<i32>>,
    frame_count: Option<i32>,
    frames: Vec<[i32; 5]>,
    disposed_components: Vec<i32>,
    disposed_handlers: Vec<u64>,
    disposed_handler_count: Option<i32>,
    /// Each string with its length prefix.
    strings: Vec<Vec<u8>>,
    /// Bytes inserted after: the diffs, the diff table, the frames, the disposed component ids,
    /// the disposed handler ids, the string data.
    gaps: [Vec<u8>; 6],
    /// Writes the disposed handler ids before the disposed component ids.
    handlers_first: bool,
}

#[derive(Clone)]
struct RawDiff {
    component_id: i32,
    edit_count: Option<i32>,
    edits: Vec<[i32; 4]>,
}

fn length_prefixed(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut n = bytes.len();
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
    out.extend_from_slice(bytes);
    out
}

impl Parts {
    fn of(batch: &RenderBatch) -> Parts {
        let bytes = encode(batch);
        let l = Layout::of(&bytes);
        let diffs = (0..l.diff_starts.len())
            .map(|d| {
                let start = l.diff(d);
                let count = get_i32(&bytes, start + 4) as usize;
                RawDiff {
                    component_id: get_i32(&bytes, start),
                    edit_count: None,
                    edits: (0..count)
                        .map(|e| std::array::from_fn(|w| get_i32(&bytes, l.edit(d, e) + 4 * w)))
                        .collect(),
                }
            })
            .collect();
        let frame_count = get_i32(&bytes, l.frames) as usize;
        let frames = (0..frame_count)
            .map(|i| std::array::from_fn(|w| get_i32(&bytes, l.frame(i) + 4 * w)))
            .collect();
        let strings = (0..l.string_starts.len())
            .map(|i| {
                let end = l.string_starts.get(i + 1).copied().unwrap_or(l.string_positions);
                bytes[l.string(i)..end].to_vec()
            })
            .collect();
        Parts {
            diffs,
            diff_table: None,
            frame_count: None,
            frames,
            disposed_components: batch.disposed_component_ids.clone(),
            disposed_handlers: batch.disposed_event_handler_ids.clone(),
            disposed_handler_count: None,
            strings,
            gaps: Default::default(),
            handlers_first: false,
        }
    }

    fn bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut diff_positions = Vec::new();
        for d in &self.diffs {
            diff_positions.push(out.len() as i32);
            put_i32(&mut out, d.component_id);
            put_i32(&mut out, d.edit_count.unwrap_or(d.edits.len() as i32));
            for edit in &d.edits {
                edit.iter().for_each(|&w| put_i32(&mut out, w));
            }
        }
        out.extend_from_slice(&self.gaps[0]);
        let diff_table = out.len() as i32;
        match &self.diff_table {
            Some(table) => table.iter().for_each(|&w| put_i32(&mut out, w)),
            None => {
                put_i32(&mut out, self.diffs.len() as i32);
                diff_positions.iter().for_each(|&p| put_i32(&mut out, p));
            }
        }
        out.extend_from_slice(&self.gaps[1]);
        let frames = out.len() as i32;
        put_i32(&mut out, self.frame_count.unwrap_or(self.frames.len() as i32));
        for frame in &self.frames {
            frame.iter().for_each(|&w| put_i32(&mut out, w));
        }
        out.extend_from_slice(&self.gaps[2]);
        let write_components = |out: &mut Vec<u8>| {
            put_i32(out, self.disposed_components.len() as i32);
            self.disposed_components.iter().for_each(|&id| put_i32(out, id));
        };
        let write_handlers = |out: &mut Vec<u8>| {
            put_i32(
                out,
                self.disposed_handler_count
                    .unwrap_or(self.disposed_handlers.len() as i32),
            );
            self.disposed_handlers
                .iter()
                .for_each(|id| out.extend_from_slice(&id.to_le_bytes()));
        };
        let (disposed_components, disposed_handlers);
        if self.handlers_first {
            disposed_handlers = out.len() as i32;
            write_handlers(&mut out);
            out.extend_from_slice(&self.gaps[3]);
            disposed_components = out.len() as i32;
            write_components(&mut out);
        } else {
            disposed_components = out.len() as i32;
            write_components(&mut out);
            out.extend_from_slice(&self.gaps[3]);
            disposed_handlers = out.len() as i32;
            write_handlers(&mut out);
        }
        out.extend_from_slice(&self.gaps[4]);
        let mut string_positions = Vec::new();
        for s in &self.strings {
            string_positions.push(out.len() as i32);
            out.extend_from_slice(s);
        }
        out.extend_from_slice(&self.gaps[5]);
        let table = out.len() as i32;
        string_positions.iter().for_each(|&p| put_i32(&mut out, p));
        for p in [diff_table, frames, disposed_components, disposed_handlers, table] {
            put_i32(&mut out, p);
        }
        out
    }

    /// Applies `f` to every string index in the edits and frames (not to nulls).
    fn map_string_indexes(&mut self, f: impl Fn(i32) -> i32) {
        let g = |w: &mut i32| {
            if *w >= 0 {
                *w = f(*w);
            }
        };
        for d in &mut self.diffs {
            for e in &mut d.edits {
                if e[0] == 4 {
                    g(&mut e[3]);
                }
            }
        }
        for frame in &mut self.frames {
            match frame[0] {
                1 => g(&mut frame[2]),
                2 | 6 | 8 => g(&mut frame[1]),
                3 => {
                    g(&mut frame[1]);
                    g(&mut frame[2]);
                }
                _ => {}
            }
        }
    }

    /// Removes string `index` from the table; references to it go to `to` instead, and later
    /// indexes move down by one.
    fn drop_string(&mut self, index: i32, to: i32) {
        self.strings.remove(index as usize);
        self.map_string_indexes(|i| match i {
            i if i == index => to,
            i if i > index => i - 1,
            i => i,
        });
    }
}

// ---------------------------------------------------------------------------------------------
// Invalid vectors

/// The batch most invalid vectors corrupt: two diffs using every edit type, every frame type,
/// disposed ids of both kinds, and 16 strings.
///
/// Its top-level frames, 0, 1 (form, frames 1..7), 8, 9, 10 (component, 10..13), 14 (region,
/// 14..16) and 17, are referred to by one edit each (RB-2.11), and the form's and the component's
/// attribute frames lead their children (RB-3.10).
///
/// Strings in order of first use: 0 "disabled" (edit 1), 1 "title", 2 "Greeting", 3 "form",
/// 4 "class", 5 "note", 6 "onsubmit", 7 capture id, 8 "label", 9 "Hello, world", 10 "updated text",
/// 11 "<b>bold</b>", 12 "Value", 13 "42", 14 "  ", 15 `<hr class="separator">` (frame 17 shares 6).
fn base() -> RenderBatch {
    RenderBatch {
        updated_components: vec![
            diff(
                1,
                vec![
                    step_in(0),                      // e0
                    remove_attribute(0, "disabled"), // e1
                    set_attribute(0, 0),             // e2
                    prepend(1, 1),                   // e3
                    update_text(2, 8),               // e4
                    update_markup(3, 9),             // e5
                    prepend(4, 10),                  // e6
                    prepend(5, 14),                  // e7
                    remove(6),                       // e8
                    set_attribute(6, 17),            // e9
                    permute(7, 8),                   // e10
                    permute(8, 7),                   // e11
                    permutation_end(),               // e12
                    step_out(),                      // e13
                ],
            ),
            diff(8, vec![remove(0)]), // diff 1, e0: the last edit before the diff table
        ],
        reference_frames: vec![
            attribute("title", "Greeting"),     // 0: SetAttribute target
            element(7, "form"),                 // 1: PrependFrame target
            attribute("class", "note"),         // 2
            handler("onsubmit", 41),            // 3
            element_reference(CAPTURE_ID),      // 4
            Frame::NamedEvent,                  // 5
            element(2, "label"),                // 6
            text("Hello, world"),               // 7
            text("updated text"),               // 8: UpdateText target
            markup("<b>bold</b>"),              // 9: UpdateMarkup target
            component(4, 7),                    // 10: PrependFrame target
            attribute("Value", "42"),           // 11
            Frame::ComponentReferenceCapture,   // 12
            Frame::ComponentRenderMode,         // 13
            region(3),                          // 14: PrependFrame target
            text("  "),                         // 15
            markup("<hr class=\"separator\">"), // 16
            handler("onsubmit", 42),            // 17: SetAttribute target
        ],
        disposed_component_ids: vec![5, 6],
        disposed_event_handler_ids: vec![38, u64::MAX],
    }
}

/// The 40-byte batch used for huge and negative counts: no diffs, no frames, one disposed
/// component id (1), no disposed handler ids, no strings. Counts at 0, 4, 8 and 16.
fn forty_bytes() -> Vec<u8> {
    let bytes = encode(&RenderBatch {
        disposed_component_ids: vec![1],
        ..RenderBatch::default()
    });
    assert_eq!(bytes.len(), 40);
    bytes
}

/// The 48-byte batch with one diff (component 0) and no edits: edit count at 4.
fn one_empty_diff() -> Vec<u8> {
    let bytes = encode(&batch(vec![diff(0, vec![])], vec![]));
    assert_eq!(bytes.len(), 48);
    bytes
}

/// The offset of the first trailer entry of `bytes` (read as a batch) that lies outside
/// `0..=len-20`, for inputs cut short: the cut's last 20 bytes are what a reader takes for the
/// trailer (RB-1.3). Panics if the cut does not produce such an entry (a vector that would then
/// depend on garbage further in).
fn first_trailer_entry_out_of_range(bytes: &[u8]) -> usize {
    let end = bytes.len() - 20;
    (0..5)
        .map(|i| end + 4 * i)
        .find(|&at| {
            let p = get_i32(bytes, at);
            p < 0 || p as usize > end
        })
        .expect("the cut leaves a trailer whose entries all lie in range")
}

/// "A" or "An" before an edit type's name.
fn article(word: &str) -> &'static str {
    if word.starts_with(['A', 'E', 'I', 'O', 'U']) {
        "An"
    } else {
        "A"
    }
}

fn invalid_vectors(g: &mut Generator) {
    let b = encode(&base());
    let l = Layout::of(&b);
    assert_eq!(l.string_starts.len(), 16);
    assert_eq!(decode(&b).expect("the base batch is valid"), base());
    let names = [
        "diff table",
        "frames",
        "disposed components",
        "disposed handlers",
        "string table",
    ];
    let slugs = [
        "diff-table",
        "frames",
        "disposed-components",
        "disposed-handlers",
        "string-table",
    ];

    // --- Input too short / trailer (RB-1.3) -----------------------------------------------------------
    // Under 20 bytes there is no trailer at all: truncated at 0.
    g.invalid(
        "empty-input",
        "An empty input has no trailer.",
        vec![],
        "truncated",
        "RB-1.3",
        0,
    );
    g.invalid(
        "one-byte",
        "A single byte is too short to hold the 20-byte trailer.",
        vec![0],
        "truncated",
        "RB-1.3",
        0,
    );
    g.invalid(
        "nineteen-bytes",
        "The first 19 bytes of a valid batch, one byte short of a trailer.",
        truncated(&encode(&RenderBatch::default()), 19),
        "truncated",
        "RB-1.3",
        0,
    );
    // 20 zero bytes: a trailer of five zero positions (all in 0..=0), but the diff table count at
    // position 0 needs 4 bytes and the data before the trailer is empty.
    g.invalid(
        "trailer-only",
        "Twenty zero bytes: a trailer whose positions are all 0 and no room for the diff table's count.",
        vec![0; 20],
        "truncated",
        "RB-1.4",
        0,
    );
    // The empty batch cut by one byte (35 bytes, data end 15): the trailer read at 15 holds
    // 0 (from bytes 15..19), then 0x400 = 1024 (bytes 19..23: 00 04 00 00) for the frames, past 15.
    g.invalid(
        "empty-batch-cut-by-one-byte",
        "The 36-byte empty batch without its last byte, so that the 20 bytes read as the trailer are shifted by one and the frames position reads as 1024.",
        truncated(&encode(&RenderBatch::default()), 35),
        "section_out_of_bounds",
        "RB-1.3",
        19,
    );
    for (i, (name, slug)) in names.iter().zip(slugs).enumerate() {
        g.invalid(
            &format!("trailer-{slug}-position-negative"),
            &format!("The trailer's {name} position is -1, before the start of the batch."),
            with_i32(&b, l.trailer(i), -1),
            "section_out_of_bounds",
            "RB-1.3",
            l.trailer(i),
        );
        g.invalid(
            &format!("trailer-{slug}-position-past-end"),
            &format!("The trailer's {name} position is one past the start of the trailer, outside the data."),
            with_i32(&b, l.trailer(i), l.end() as i32 + 1),
            "section_out_of_bounds",
            "RB-1.3",
            l.trailer(i),
        );
    }
    g.invalid(
        "trailer-frames-position-int32-min",
        "The trailer's frames position is -2^31; the other positions are right.",
        with_i32(&b, l.trailer(1), i32::MIN),
        "section_out_of_bounds",
        "RB-1.3",
        l.trailer(1),
    );

    // A position equal to the end of the data is in range; the count there then has no bytes.
    g.invalid(
        "trailer-diff-table-position-at-end",
        "The trailer's diff table position is the start of the trailer itself, so the diff count would be read from the trailer.",
        with_i32(&b, l.trailer(0), l.end() as i32),
        "truncated",
        "RB-1.4",
        l.end(),
    );

    // --- Inputs cut short inside each section (RB-1.3) ---------------------------------------------
    // A reader cannot tell a cut from a whole batch: it reads the last 20 bytes as the trailer, and
    // the first of those entries outside 0..=len-20 is reported. Each cut is placed so that the
    // entry is clearly out of range; the comment says which bytes it is.
    let cuts: [(&str, &str, usize, usize); 9] = [
        // Bytes from edit 2's removed attribute name (-1) start the trailer.
        (
            "cut-inside-diffs",
            "the first diff's edits",
            l.edit(0, 2) + 32,
            l.edit(0, 2) + 12,
        ),
        // Trailer = diff 1's last edit from its sibling index (0, 0, -1), then the diff count.
        (
            "cut-inside-diff-table",
            "the diff position table",
            l.diff_table + 8,
            l.diff_table - 4,
        ),
        // Bytes from frame 3's null value (-1) start the trailer.
        (
            "cut-inside-frames",
            "the reference frames",
            l.frame(3) + 28,
            l.frame(3) + 8,
        ),
        // Frame 17 (a handler attribute) from its null value (-1), then the count and first id.
        (
            "cut-inside-disposed-component-ids",
            "the disposed component ids",
            l.disposed_components + 8,
            l.frame(17) + 8,
        ),
        // Last component id 6, count 2, id 38 (two words), then the low word of u64::MAX (-1).
        (
            "cut-inside-disposed-handler-ids",
            "the disposed event handler ids",
            l.disposed_handlers + 16,
            l.disposed_handlers + 12,
        ),
        // 20 ASCII bytes of the last string: the first entry is "hr c", far past the end.
        (
            "cut-inside-string-data",
            "the string data",
            l.string(15) + 22,
            l.string(15) + 2,
        ),
        // The last 12 bytes of the last string then two table entries: the first entry is "\"sep".
        (
            "cut-inside-string-positions",
            "the string position table",
            l.string_positions + 8,
            l.string_positions - 12,
        ),
        // One byte off: the first entry is (diff table position << 8), past the end.
        (
            "cut-inside-trailer-by-one-byte",
            "the trailer, one byte short",
            l.len - 1,
            l.len - 21,
        ),
        // Ten bytes off: the first entry straddles two string positions, (position of string 15) << 16.
        (
            "cut-inside-trailer-by-ten-bytes",
            "the trailer, ten bytes short",
            l.len - 10,
            l.len - 30,
        ),
    ];
    for (slug, what, cut, offset) in cuts {
        let bytes = truncated(&b, cut);
        // The reasoning above, checked against the rule itself (first entry out of range).
        assert_eq!(
            first_trailer_entry_out_of_range(&bytes),
            offset,
            "{slug}: the cut is not where the comment says"
        );
        g.invalid(
            slug,
            &format!("A batch cut short inside {what}: its last 20 bytes, read as the trailer, hold a position outside the data."),
            bytes,
            "section_out_of_bounds",
            "RB-1.3",
            offset,
        );
    }

    // --- Section placement (RB-1.2) -----------------------------------------------------------------
    g.invalid(
        "sections-overlap",
        "The trailer puts the frames 4 bytes before the end of the diff table, so the two sections overlap.",
        with_i32(&b, l.trailer(1), l.frames as i32 - 4),
        "section_misplaced",
        "RB-1.2",
        l.trailer(1),
    );
    {
        let mut p = Parts::of(&base());
        p.handlers_first = true;
        // Disposed components must start where the frames end; the trailer (rightly) says they
        // start after the 20 bytes of handler ids written first.
        g.invalid(
            "sections-out-of-order",
            "The disposed event handler ids are written before the disposed component ids, and the trailer points at each where it is.",
            p.bytes(),
            "section_misplaced",
            "RB-1.2",
            l.trailer(2),
        );
    }
    {
        let mut bytes = with_i32(&b, l.trailer(2), l.disposed_handlers as i32);
        bytes = with_i32(&bytes, l.trailer(3), l.disposed_components as i32);
        g.invalid(
            "trailer-positions-swapped",
            "The trailer's disposed component and disposed handler positions are swapped.",
            bytes,
            "section_misplaced",
            "RB-1.2",
            l.trailer(2),
        );
    }
    type GapCase = (
        &'static str,
        &'static str,
        usize,
        &'static str,
        &'static str,
        fn(&Layout) -> usize,
    );
    let gap_cases: [GapCase; 6] = [
        // The diffs are checked after the strings: the last diff ends 4 bytes before the table.
        (
            "gap-after-diffs",
            "between the last diff and the diff position table",
            0,
            "section_misplaced",
            "RB-1.2",
            |l| l.trailer(0),
        ),
        (
            "gap-after-diff-table",
            "between the diff position table and the frames",
            1,
            "section_misplaced",
            "RB-1.2",
            |l| l.trailer(1),
        ),
        (
            "gap-after-frames",
            "between the frames and the disposed component ids",
            2,
            "section_misplaced",
            "RB-1.2",
            |l| l.trailer(2),
        ),
        (
            "gap-after-disposed-component-ids",
            "between the disposed component and handler ids",
            3,
            "section_misplaced",
            "RB-1.2",
            |l| l.trailer(3),
        ),
        // The string data has no trailer entry: it starts where the handler ids end, so the first
        // string's position table entry is the one that is wrong.
        (
            "gap-before-string-data",
            "between the disposed handler ids and the first string",
            4,
            "string_misplaced",
            "RB-5.4",
            |l| l.string_entry(0),
        ),
        (
            "gap-after-string-data",
            "between the last string and the string position table",
            5,
            "section_misplaced",
            "RB-1.2",
            |l| l.trailer(4),
        ),
    ];
    for (slug, between, gap, error, requirement, offset) in gap_cases {
        let mut p = Parts::of(&base());
        p.gaps[gap] = vec![0; 4];
        let bytes = p.bytes();
        let offset = offset(&Layout::of(&bytes));
        g.invalid(
            slug,
            &format!("Four unexplained zero bytes {between}, with every position pointing at its item."),
            bytes,
            error,
            requirement,
            offset,
        );
    }
    {
        let mut p = Parts::of(&RenderBatch {
            disposed_event_handler_ids: vec![3],
            ..RenderBatch::default()
        });
        p.gaps[5] = vec![0; 4];
        let bytes = p.bytes();
        let offset = Layout::of(&bytes).trailer(4);
        g.invalid(
            "gap-before-empty-string-table",
            "Four zero bytes between the disposed handler ids and an empty string position table, in a batch without strings.",
            bytes,
            "section_misplaced",
            "RB-1.2",
            offset,
        );
    }
    g.invalid(
        "string-table-overlaps-handler-ids",
        "The trailer puts the string position table 4 bytes before the end of the disposed handler ids.",
        with_i32(&b, l.trailer(4), l.disposed_handlers as i32 + 4 + 16 - 4),
        "section_misplaced",
        "RB-1.2",
        l.trailer(4),
    );

    // --- Counts (RB-1.4) ------------------------------------------------------------------------------
    let small = forty_bytes();
    let empty_diff = one_empty_diff();
    let counted: [(&str, &str, &[u8], usize); 5] = [
        ("diff", "diff table", &small, 0),
        ("edit", "diff's edit", &empty_diff, 4),
        ("frame", "reference frame", &small, 4),
        ("disposed-component", "disposed component id", &small, 8),
        ("disposed-handler", "disposed event handler id", &small, 16),
    ];
    for (slug, what, bytes, at) in counted {
        g.invalid(
            &format!("{slug}-count-negative"),
            &format!("The {what} count is -1; counts are never negative."),
            with_i32(bytes, at, -1),
            "negative_count",
            "RB-1.4",
            at,
        );
        g.invalid(
            &format!("{slug}-count-huge"),
            &format!(
                "The {what} count is 2^31-1 in a {}-byte input, far more than the input can hold.",
                bytes.len()
            ),
            with_i32(bytes, at, i32::MAX),
            "count_exceeds_input",
            "RB-1.4",
            at,
        );
    }
    g.invalid(
        "frame-count-int32-min",
        "The reference frame count is -2^31; counts are never negative.",
        with_i32(&small, 4, i32::MIN),
        "negative_count",
        "RB-1.4",
        4,
    );
    // One count too many: the counted section then runs into the next one.
    g.invalid(
        "diff-count-one-too-many",
        "The diff table claims 3 diffs but holds 2 positions, so it runs 4 bytes into the frames.",
        with_i32(&b, l.diff_table, 3),
        "section_misplaced",
        "RB-1.2",
        l.trailer(1),
    );
    g.invalid(
        "frame-count-one-too-many",
        "The frame count claims 19 frames but 18 are written, so the frames run 20 bytes into the disposed component ids.",
        with_i32(&b, l.frames, 19),
        "section_misplaced",
        "RB-1.2",
        l.trailer(2),
    );
    g.invalid(
        "disposed-component-count-one-too-many",
        "The disposed component count claims 3 ids but 2 are written, so they run into the disposed handler ids.",
        with_i32(&b, l.disposed_components, 3),
        "section_misplaced",
        "RB-1.2",
        l.trailer(3),
    );
    // With 3 handler ids the string data would start 8 bytes later than the first string does.
    g.invalid(
        "disposed-handler-count-one-too-many",
        "The disposed handler count claims 3 ids but 2 are written, so the first string does not start where the (claimed) ids end.",
        with_i32(&b, l.disposed_handlers, 3),
        "string_misplaced",
        "RB-5.4",
        l.string_entry(0),
    );
    // Diff 1 has 1 edit (16 bytes) before the table; 2 edits need 32.
    g.invalid(
        "edit-count-one-too-many",
        "The last diff's edit count claims 2 edits but only one fits before the diff position table.",
        with_i32(&b, l.diff(1) + 4, 2),
        "count_exceeds_input",
        "RB-1.4",
        l.diff(1) + 4,
    );
    // Diff 1 then ends 16 bytes before the diff table (its one edit is left over).
    g.invalid(
        "edit-count-one-too-few",
        "The last diff's edit count is 0 but one edit is written, leaving 16 unexplained bytes before the diff position table.",
        with_i32(&b, l.diff(1) + 4, 0),
        "section_misplaced",
        "RB-1.2",
        l.trailer(0),
    );
    {
        // The table lists a third diff at the end of the second, where the table itself starts:
        // its 8-byte header (component id, edit count) is not there.
        let mut p = Parts::of(&base());
        p.diff_table = Some(vec![3, 0, l.diff(1) as i32, l.diff_table as i32]);
        let bytes = p.bytes();
        let at = Layout::of(&bytes).diff_table;
        g.invalid(
            "diff-header-missing",
            "The diff table lists a third diff starting where the diffs end, so its component id and edit count are missing.",
            bytes,
            "truncated",
            "RB-2.1",
            at,
        );
    }

    // --- Diffs and edits (RB-2) ---------------------------------------------------------------------
    g.invalid(
        "diff-position-wrong",
        "The diff position table's second entry is 4 bytes past where the second diff starts.",
        with_i32(&b, l.diff_table + 8, l.diff(1) as i32 + 4),
        "diff_position_mismatch",
        "RB-2.2",
        l.diff_table + 8,
    );
    g.invalid(
        "diff-component-id-negative",
        "The first diff's component id is -1; component ids are never negative.",
        with_i32(&b, l.diff(0), -1),
        "negative_value",
        "RB-2.1",
        l.diff(0),
    );
    for value in [0, 11] {
        g.also(&["RB-7.2"]).invalid(
            &format!("edit-type-{value}"),
            &format!("A RemoveFrame edit's type is changed to {value}, a number reserved for future versions, which a reader must not skip."),
            with_i32(&b, l.edit(0, 8), value),
            "unknown_edit_type",
            "RB-2.4",
            l.edit(0, 8),
        );
    }
    g.also(&["RB-7.2"]).invalid(
        "edit-type-negative",
        "A RemoveFrame edit's type is changed to -1, a number reserved for future versions, which a reader must not skip.",
        with_i32(&b, l.edit(0, 8), -1),
        "unknown_edit_type",
        "RB-2.4",
        l.edit(0, 8),
    );
    g.invalid(
        "sibling-index-negative",
        "A PrependFrame edit's sibling index is -1; sibling indexes are never negative.",
        with_i32(&b, l.edit(0, 3) + 4, -1),
        "negative_value",
        "RB-2.7",
        l.edit(0, 3) + 4,
    );
    g.invalid(
        "move-to-sibling-index-negative",
        "A PermutationListEntry's move-to sibling index is -1; sibling indexes are never negative.",
        with_i32(&b, l.edit(0, 10) + 8, -1),
        "negative_value",
        "RB-2.7",
        l.edit(0, 10) + 8,
    );
    for (slug, what, e) in [
        ("remove-frame-slot-set", "RemoveFrame", 8),
        ("step-in-slot-set", "StepIn", 0),
        ("step-out-slot-set", "StepOut", 13),
        ("remove-attribute-slot-set", "RemoveAttribute", 1),
        ("permutation-end-slot-set", "PermutationListEnd", 12),
    ] {
        g.invalid(
            slug,
            &format!("A {what} edit, which uses no reference frame, has 3 in the reference frame slot instead of 0."),
            with_i32(&b, l.edit(0, e) + 8, 3),
            "unused_field_set",
            "RB-2.5",
            l.edit(0, e) + 8,
        );
    }
    g.invalid(
        "step-out-sibling-index-set",
        "A StepOut edit has sibling index 2; Blazor always writes 0 there.",
        with_i32(&b, l.edit(0, 13) + 4, 2),
        "unused_field_set",
        "RB-2.7",
        l.edit(0, 13) + 4,
    );
    g.invalid(
        "permutation-end-sibling-index-set",
        "A PermutationListEnd edit has sibling index 1; Blazor always writes 0 there.",
        with_i32(&b, l.edit(0, 12) + 4, 1),
        "unused_field_set",
        "RB-2.7",
        l.edit(0, 12) + 4,
    );
    g.invalid(
        "removed-attribute-name-on-remove-frame",
        "A RemoveFrame edit carries a removed attribute name (string 0) instead of -1.",
        with_i32(&b, l.edit(0, 8) + 12, 0),
        "unused_field_set",
        "RB-2.6",
        l.edit(0, 8) + 12,
    );
    g.invalid(
        "removed-attribute-name-on-prepend-frame",
        "A PrependFrame edit carries a removed attribute name (string 3) instead of -1.",
        with_i32(&b, l.edit(0, 3) + 12, 3),
        "unused_field_set",
        "RB-2.6",
        l.edit(0, 3) + 12,
    );
    g.invalid(
        "removed-attribute-name-null",
        "A RemoveAttribute edit's name is null (-1); an attribute is always removed by name.",
        with_i32(&b, l.edit(0, 1) + 12, -1),
        "null_string",
        "RB-2.6",
        l.edit(0, 1) + 12,
    );
    g.invalid(
        "removed-attribute-name-index-equals-count",
        "A RemoveAttribute edit's name is string 16 in a table of 16 strings.",
        with_i32(&b, l.edit(0, 1) + 12, 16),
        "string_index_out_of_range",
        "RB-5.5",
        l.edit(0, 1) + 12,
    );
    for (slug, what, e, index) in [
        ("prepend-frame-index-equals-count", "PrependFrame", 3, 18),
        ("set-attribute-frame-index-negative", "SetAttribute", 2, -1),
        ("update-text-frame-index-equals-count", "UpdateText", 4, 18),
        ("update-markup-frame-index-past-count", "UpdateMarkup", 5, 1000),
    ] {
        g.invalid(
            slug,
            &format!(
                "{} {what} edit refers to reference frame {index}; there are 18 frames.",
                article(what)
            ),
            with_i32(&b, l.edit(0, e) + 8, index),
            "frame_index_out_of_range",
            "RB-2.5",
            l.edit(0, e) + 8,
        );
    }
    // Some of these also refer to a frame that another edit uses (frames 0, 1 and 8), and each
    // leaves its own frame unreferenced (RB-2.11); the frame's type is checked first, at the same
    // slot, and edits are read before frames.
    for (slug, what, e, index, found) in [
        ("prepend-frame-of-attribute", "PrependFrame", 3, 0, "an attribute"),
        (
            "prepend-frame-of-component-reference-capture",
            "PrependFrame",
            6,
            12,
            "a component reference capture",
        ),
        (
            "prepend-frame-of-element-reference-capture",
            "PrependFrame",
            7,
            4,
            "an element reference capture",
        ),
        ("set-attribute-of-text", "SetAttribute", 2, 8, "a text"),
        ("update-text-of-markup", "UpdateText", 4, 9, "a markup"),
        ("update-text-of-element", "UpdateText", 4, 1, "an element"),
        ("update-markup-of-text", "UpdateMarkup", 5, 8, "a text"),
    ] {
        g.invalid(
            slug,
            &format!(
                "{} {what} edit refers to {found} frame, which it cannot use.",
                article(what)
            ),
            with_i32(&b, l.edit(0, e) + 8, index),
            "frame_type_mismatch",
            "RB-2.10",
            l.edit(0, e) + 8,
        );
    }
    // Diff 1's only edit, RemoveFrame {0} = (2, 0, 0, -1), retyped: every other field stays valid.
    g.invalid(
        "step-out-at-depth-zero",
        "A diff's first edit is a StepOut, with no StepIn to return from.",
        with_i32(&b, l.edit(1, 0), 7),
        "unbalanced_step",
        "RB-2.8",
        l.edit(1, 0),
    );
    g.invalid(
        "step-in-unmatched",
        "A diff ends after a StepIn without the matching StepOut; the error is at the end of the diff's edits.",
        with_i32(&b, l.edit(1, 0), 6),
        "unbalanced_step",
        "RB-2.8",
        l.edit(1, 0) + 16,
    );
    g.invalid(
        "step-out-one-too-many",
        "A RemoveFrame inside the first diff's only StepIn is retyped to StepOut, so the diff's closing StepOut is one too many.",
        with_i32(&with_i32(&b, l.edit(0, 8), 7), l.edit(0, 8) + 4, 0),
        "unbalanced_step",
        "RB-2.8",
        l.edit(0, 13),
    );
    g.invalid(
        "permutation-end-without-entries",
        "A PermutationListEnd with no PermutationListEntry before it.",
        with_i32(&b, l.edit(1, 0), 10),
        "malformed_permutation_list",
        "RB-2.9",
        l.edit(1, 0),
    );
    g.invalid(
        "permutation-list-unterminated",
        "A diff ends after a PermutationListEntry without a PermutationListEnd; the error is at the end of the diff's edits.",
        with_i32(&b, l.edit(1, 0), 9),
        "malformed_permutation_list",
        "RB-2.9",
        l.edit(1, 0) + 16,
    );
    g.invalid(
        "edit-inside-permutation-list",
        "A well-formed RemoveFrame edit between two PermutationListEntry edits, inside the permutation list.",
        with_i32(&with_i32(&b, l.edit(0, 11), 2), l.edit(0, 11) + 8, 0),
        "malformed_permutation_list",
        "RB-2.9",
        l.edit(0, 11),
    );
    g.invalid(
        "second-permutation-end",
        "Two PermutationListEnd edits in a row: the second closes a list that has no entries.",
        with_i32(&with_i32(&b, l.edit(0, 13), 10), l.edit(0, 13) + 4, 0),
        "malformed_permutation_list",
        "RB-2.9",
        l.edit(0, 13),
    );

    // --- Whole top-level subtrees, each referred to once (RB-2.11) ------------------------------------
    // In the base batch the top-level frames are 0, 1 (form, 1..7), 8, 9, 10 (component, 10..13),
    // 14 (region, 14..16) and 17, referred to by e2, e3, e4, e5, e6, e7 and e9 of diff 0. Edits are
    // read before frames, so a second reference is found at the later edit's slot, before any
    // frame the change leaves unreferenced; nested and unreferenced frames are found while the
    // frames are walked in order, after each frame's own fields.
    g.invalid(
        "frame-referenced-twice-by-prepends",
        "Two PrependFrame edits refer to the same element frame, which would insert its subtree twice.",
        // e6 now refers to frame 1 (an element: the type fits) which e3 already refers to.
        with_i32(&b, l.edit(0, 6) + 8, 1),
        "frame_referenced_twice",
        "RB-2.11",
        l.edit(0, 6) + 8,
    );
    g.invalid(
        "frame-referenced-twice-by-set-attributes",
        "Two SetAttribute edits refer to the same top-level attribute frame.",
        // e9 now refers to frame 0 (an attribute) which e2 already refers to.
        with_i32(&b, l.edit(0, 9) + 8, 0),
        "frame_referenced_twice",
        "RB-2.11",
        l.edit(0, 9) + 8,
    );
    g.invalid(
        "frame-referenced-twice-across-diffs",
        "An UpdateText edit in the second diff refers to the text frame that an UpdateText edit of the first diff already uses: the reference frames are shared by all diffs.",
        // Diff 1's RemoveFrame {0} = (2, 0, 0, -1) becomes UpdateText (5, 0, 8, -1); e4 of diff 0
        // refers to frame 8.
        with_i32(&with_i32(&b, l.edit(1, 0), 5), l.edit(1, 0) + 8, 8),
        "frame_referenced_twice",
        "RB-2.11",
        l.edit(1, 0) + 8,
    );
    g.invalid(
        "update-text-and-prepend-of-one-frame",
        "A PrependFrame edit refers to the text frame an earlier UpdateText edit uses: each top-level frame serves exactly one edit, of whatever type.",
        // e6 now refers to frame 8 (a text: PrependFrame can use it), which e4 already uses.
        with_i32(&b, l.edit(0, 6) + 8, 8),
        "frame_referenced_twice",
        "RB-2.11",
        l.edit(0, 6) + 8,
    );
    g.invalid(
        "prepend-frame-of-nested-element",
        "A PrependFrame edit refers to the label element inside the form's subtree, a frame that is inserted with the form, not on its own.",
        // e7 now refers to frame 6 (label, inside form 1..7) instead of the region 14. Frame 6's
        // fields are fine; it is reached before the now unreferenced region.
        with_i32(&b, l.edit(0, 7) + 8, 6),
        "nested_frame_reference",
        "RB-2.11",
        l.edit(0, 7) + 8,
    );
    g.invalid(
        "set-attribute-of-nested-attribute",
        "A SetAttribute edit refers to an attribute frame inside an element's subtree (the form's class) instead of a top-level attribute frame.",
        // e9 now refers to frame 2 (the form's leading attribute, well placed) instead of 17.
        with_i32(&b, l.edit(0, 9) + 8, 2),
        "nested_frame_reference",
        "RB-2.11",
        l.edit(0, 9) + 8,
    );
    g.invalid(
        "set-attribute-of-component-parameter",
        "A SetAttribute edit refers to a component's parameter, an attribute frame inside the component's subtree.",
        // e9 now refers to frame 11 (inside component 10..13) instead of 17; frame 11 comes before
        // the now unreferenced frame 17.
        with_i32(&b, l.edit(0, 9) + 8, 11),
        "nested_frame_reference",
        "RB-2.11",
        l.edit(0, 9) + 8,
    );
    g.invalid(
        "update-text-of-nested-text",
        "An UpdateText edit refers to the text inside the label element instead of a top-level text frame.",
        // e4 now refers to frame 7 (inside label 6..7 inside form 1..7) instead of 8.
        with_i32(&b, l.edit(0, 4) + 8, 7),
        "nested_frame_reference",
        "RB-2.11",
        l.edit(0, 4) + 8,
    );
    g.invalid(
        "update-markup-of-nested-markup",
        "An UpdateMarkup edit refers to the markup inside a region instead of the top-level markup frame, which no edit then refers to and which comes first.",
        // e5 now refers to frame 16 (inside region 14..16) instead of 9: frame 9, unreferenced, is
        // reached before frame 16.
        with_i32(&b, l.edit(0, 5) + 8, 16),
        "unreferenced_frame",
        "RB-2.11",
        l.frame(9),
    );
    g.invalid(
        "top-level-frame-unreferenced",
        "A top-level text frame that no edit refers to: its UpdateText edit became a RemoveFrame edit.",
        // e4 UpdateText (5, 2, 8, -1) becomes RemoveFrame (2, 2, 0, -1); every field stays valid.
        with_i32(&with_i32(&b, l.edit(0, 4), 2), l.edit(0, 4) + 8, 0),
        "unreferenced_frame",
        "RB-2.11",
        l.frame(8),
    );
    g.invalid(
        "last-frame-unreferenced",
        "The last reference frame, a top-level event handler attribute, is referred to by no edit: its SetAttribute edit became a RemoveFrame edit.",
        // e9 SetAttribute (3, 6, 17, -1) becomes RemoveFrame (2, 6, 0, -1).
        with_i32(&with_i32(&b, l.edit(0, 9), 2), l.edit(0, 9) + 8, 0),
        "unreferenced_frame",
        "RB-2.11",
        l.frame(17),
    );
    {
        let bytes = encode(&batch(vec![], vec![text("orphan")]));
        let at = Layout::of(&bytes).frame(0);
        g.invalid(
            "frames-without-edits",
            "A batch with a reference frame but no diffs, so no edit refers to it.",
            bytes,
            "unreferenced_frame",
            "RB-2.11",
            at,
        );
    }
    {
        // The input's subtree length is 1, so the capture after it is a top-level frame, which
        // no edit can use (RB-2.10): its own fields are fine, then it is found unreferenced.
        let bytes = encode(&batch(
            vec![diff(0, vec![prepend(0, 0)])],
            vec![element(1, "input"), element_reference(CAPTURE_ID)],
        ));
        let at = Layout::of(&bytes).frame(1);
        g.invalid(
            "element-reference-capture-outside-element",
            "An element reference capture frame placed after its element's subtree instead of inside it: a top-level frame that no edit can refer to.",
            bytes,
            "unreferenced_frame",
            "RB-2.11",
            at,
        );
    }
    {
        let bytes = encode(&batch(
            vec![diff(0, vec![prepend(0, 0)])],
            vec![component(1, 4), Frame::ComponentRenderMode],
        ));
        let at = Layout::of(&bytes).frame(1);
        g.invalid(
            "component-render-mode-outside-component",
            "A component render mode frame after a component whose subtree length (1) leaves it out: a top-level frame that no edit can refer to.",
            bytes,
            "unreferenced_frame",
            "RB-2.11",
            at,
        );
    }

    // --- Frames (RB-3) ------------------------------------------------------------------------------
    // Frame 2 (an attribute inside the form) is referred to by no edit.
    for (slug, value) in [("0", 0), ("11", 11), ("negative", -1), ("int32-max", i32::MAX)] {
        g.also(&["RB-7.2"]).invalid(
            &format!("frame-type-{slug}"),
            &format!("A frame's type is {value}, a number reserved for future versions, which a reader must not skip."),
            with_i32(&b, l.frame(2), value),
            "unknown_frame_type",
            "RB-3.2",
            l.frame(2),
        );
    }
    for (slug, what, frame, word) in [
        ("element-padding-set", "an element frame's 8 zero bytes", 1, 3),
        (
            "element-padding-end-set",
            "the last 4 of an element frame's 8 zero bytes",
            6,
            4,
        ),
        ("text-padding-set", "a text frame's 12 zero bytes", 7, 2),
        (
            "text-padding-end-set",
            "the last 4 of a text frame's 12 zero bytes",
            15,
            4,
        ),
        ("component-padding-set", "a component frame's 8 zero bytes", 10, 4),
        ("region-padding-set", "a region frame's 12 zero bytes", 14, 2),
        (
            "element-reference-capture-padding-set",
            "an element reference capture frame's 12 zero bytes",
            4,
            4,
        ),
        (
            "component-reference-capture-padding-set",
            "a component reference capture frame's 16 zero bytes",
            12,
            1,
        ),
        ("markup-padding-set", "a markup frame's 12 zero bytes", 9, 3),
        (
            "component-render-mode-padding-set",
            "a component render mode frame's 16 zero bytes",
            13,
            2,
        ),
        ("named-event-padding-set", "a named event frame's 16 zero bytes", 5, 3),
    ] {
        let at = l.frame(frame) + 4 * word;
        g.invalid(
            slug,
            &format!("A 1 in {what}, which must all be zero."),
            with_i32(&b, at, 1),
            "unused_field_set",
            "RB-3.4",
            at,
        );
    }
    for (slug, what, at) in [
        ("element-name-null", "An element frame's name", l.frame(1) + 8),
        ("attribute-name-null", "An attribute frame's name", l.frame(2) + 4),
        ("text-null", "A text frame's text", l.frame(7) + 4),
        ("markup-null", "A markup frame's markup", l.frame(9) + 4),
        (
            "element-reference-capture-id-null",
            "An element reference capture frame's id",
            l.frame(4) + 4,
        ),
    ] {
        g.invalid(
            slug,
            &format!("{what} is null (-1), which Blazor never writes for this field."),
            with_i32(&b, at, -1),
            "null_string",
            "RB-3.8",
            at,
        );
    }
    g.invalid(
        "attribute-value-index-minus-two",
        "An attribute value's string index is -2: the only negative index is -1 (null).",
        with_i32(&b, l.frame(2) + 8, -2),
        "string_index_out_of_range",
        "RB-5.5",
        l.frame(2) + 8,
    );
    g.invalid(
        "text-index-equals-count",
        "A text frame's string index is 16 in a table of 16 strings.",
        with_i32(&b, l.frame(7) + 4, 16),
        "string_index_out_of_range",
        "RB-5.5",
        l.frame(7) + 4,
    );
    g.invalid(
        "subtree-length-zero",
        "An element frame's subtree length is 0; it counts the frame itself, so it is at least 1.",
        with_i32(&b, l.frame(1) + 4, 0),
        "subtree_out_of_bounds",
        "RB-3.5",
        l.frame(1) + 4,
    );
    g.invalid(
        "subtree-length-negative",
        "A component frame's subtree length is -1; it counts the frame itself, so it is at least 1.",
        with_i32(&b, l.frame(10) + 4, -1),
        "subtree_out_of_bounds",
        "RB-3.5",
        l.frame(10) + 4,
    );
    g.invalid(
        "subtree-past-frame-count",
        "The region at frame 14 claims 5 frames but only 4 frames (14..17) remain.",
        with_i32(&b, l.frame(14) + 4, 5),
        "subtree_out_of_bounds",
        "RB-3.5",
        l.frame(14) + 4,
    );
    g.invalid(
        "subtree-past-parent",
        "The label element at frame 6 claims 3 frames, running past the end of its parent form's subtree (frames 1..7).",
        with_i32(&b, l.frame(6) + 4, 3),
        "subtree_out_of_bounds",
        "RB-3.5",
        l.frame(6) + 4,
    );
    g.invalid(
        "component-id-negative",
        "A component frame's component id is -1; component ids are never negative.",
        with_i32(&b, l.frame(10) + 8, -1),
        "negative_value",
        "RB-3.7",
        l.frame(10) + 8,
    );
    g.invalid(
        "handler-with-string-value",
        "An attribute frame with event handler id 41 also has a string value (\"note\"); handlers are written with a null value.",
        with_i32(&b, l.frame(3) + 8, 5),
        "handler_with_value",
        "RB-3.6",
        l.frame(3) + 8,
    );
    g.invalid(
        "handler-with-empty-value",
        "An attribute frame with event handler id 42 also has the value \"\" (true); handlers are written with a null value.",
        {
            // Frame 17's value becomes a new "" entry appended to the table.
            let mut p = Parts::of(&base());
            p.strings.push(length_prefixed(b""));
            p.frames[17][2] = 16;
            p.bytes()
        },
        "handler_with_value",
        "RB-3.6",
        l.frame(17) + 8,
    );

    // --- Leading attributes (RB-3.10) ---------------------------------------------------------------
    // Small batches, each inserted whole by one PrependFrame so that RB-2.11 holds. The attribute's
    // own fields are checked first and are fine; then its place.
    let misplaced: [(&str, &str, Vec<Frame>, usize); 8] = [
        (
            "attribute-after-text-child",
            "An attribute frame after the text child of its element.",
            vec![element(3, "p"), text("Hello"), attribute("class", "note")],
            2,
        ),
        (
            "attribute-inside-region",
            "An attribute frame directly inside a region, which has no attributes: only element and component frames do.",
            vec![region(2), attribute("class", "note")],
            1,
        ),
        (
            "attribute-after-element-reference-capture",
            "An attribute frame after the element reference capture of its element: Blazor writes captures after the attributes.",
            vec![
                element(4, "input"),
                attribute("type", "text"),
                element_reference(CAPTURE_ID),
                attribute("value", "x"),
            ],
            3,
        ),
        (
            "attribute-after-named-event",
            "An attribute frame after the named event frame of its form element.",
            vec![element(3, "form"), Frame::NamedEvent, attribute("method", "post")],
            2,
        ),
        // The span's subtree is the span alone, so the attribute is the div's, after its child.
        (
            "attribute-after-empty-child-element",
            "An attribute frame after an empty child element (subtree length 1): it belongs to the enclosing div, whose first child came before it.",
            vec![element(3, "div"), element(1, "span"), attribute("class", "x")],
            2,
        ),
        // The span's subtree is frames 2..3; frame 4 belongs to the div again.
        (
            "attribute-after-child-subtree",
            "An attribute frame right after a child element's subtree: it belongs to the enclosing div, not to the child, and follows the div's first child.",
            vec![
                element(5, "div"),
                attribute("id", "a"),
                element(2, "span"),
                attribute("class", "b"),
                attribute("title", "c"),
            ],
            4,
        ),
        (
            "attribute-after-component-reference-capture",
            "A component parameter (attribute frame) after the component's reference capture frame.",
            vec![
                component(4, 4),
                attribute("Title", "Counter"),
                Frame::ComponentReferenceCapture,
                attribute_object("IncrementAmount"),
            ],
            3,
        ),
        (
            "attribute-after-component-render-mode",
            "A component parameter (attribute frame) after the component's render mode frame.",
            vec![
                component(3, 4),
                Frame::ComponentRenderMode,
                attribute("Title", "Counter"),
            ],
            2,
        ),
    ];
    for (slug, description, frames, index) in misplaced {
        let bytes = encode(&batch(vec![diff(0, vec![prepend(0, 0)])], frames));
        let at = Layout::of(&bytes).frame(index);
        g.invalid(slug, description, bytes, "misplaced_attribute", "RB-3.10", at);
    }
    {
        // The attribute inside the region is misplaced and also referred to by a SetAttribute
        // edit (a nested reference); its place is checked before whether an edit refers to it.
        let bytes = encode(&batch(
            vec![diff(0, vec![prepend(0, 0), set_attribute(0, 1)])],
            vec![region(2), attribute("class", "note")],
        ));
        let at = Layout::of(&bytes).frame(1);
        g.also(&["RB-2.11"]).invalid(
            "misplaced-attribute-also-referenced",
            "An attribute frame inside a region that a SetAttribute edit also refers to: misplaced and a nested reference, reported as misplaced.",
            bytes,
            "misplaced_attribute",
            "RB-3.10",
            at,
        );
    }

    // --- Disposed ids (RB-4) ------------------------------------------------------------------------
    g.invalid(
        "disposed-component-id-negative",
        "The second disposed component id is -6; component ids are never negative.",
        with_i32(&b, l.disposed_components + 8, -6),
        "negative_value",
        "RB-4.1",
        l.disposed_components + 8,
    );
    g.invalid(
        "disposed-event-handler-id-zero",
        "The first disposed event handler id is 0, which means \"no handler\".",
        with_u64(&b, l.disposed_handlers + 4, 0),
        "zero_event_handler_id",
        "RB-4.2",
        l.disposed_handlers + 4,
    );

    // --- String data and positions (RB-5.1 .. RB-5.5) -------------------------------------------------
    g.invalid(
        "string-position-not-after-previous",
        "The fourth string's position is one byte past the end of the third.",
        with_i32(&b, l.string_entry(3), l.string(3) as i32 + 1),
        "string_misplaced",
        "RB-5.4",
        l.string_entry(3),
    );
    g.invalid(
        "first-string-position-wrong",
        "The first string's position is one byte before where the string data starts (the end of the disposed handler ids).",
        with_i32(&b, l.string_entry(0), l.string(0) as i32 - 1),
        "string_misplaced",
        "RB-5.4",
        l.string_entry(0),
    );
    // Moving the table start back one byte leaves 65 bytes before the trailer.
    g.invalid(
        "string-positions-not-multiple-of-4",
        "The trailer puts the string position table one byte early, so the table is 65 bytes long, not a multiple of 4.",
        with_i32(&b, l.trailer(4), l.string_positions as i32 - 1),
        "string_table_size",
        "RB-5.4",
        l.string_positions - 1,
    );
    // Strings rewritten through Parts (positions recomputed); `s` is the string replaced.
    let rewritten = |s: usize, raw: Vec<u8>| {
        let mut p = Parts::of(&base());
        p.strings[s] = raw;
        let bytes = p.bytes();
        let at = Layout::of(&bytes).string(s);
        (bytes, at)
    };
    {
        let mut p = Parts::of(&batch(
            vec![diff(0, vec![prepend(0, 0)])],
            vec![element(2, "input"), attribute_bool("disabled", true)],
        ));
        p.strings[2] = vec![0x80, 0x00];
        let bytes = p.bytes();
        let at = Layout::of(&bytes).string(2);
        g.invalid(
            "length-prefix-overlong-zero",
            "The empty string's length prefix is written 0x80 0x00, two bytes for the value 0.",
            bytes,
            "length_prefix_overlong",
            "RB-5.2",
            at,
        );
    }
    let (bytes, at) = rewritten(13, vec![0x82, 0x00, b'4', b'2']);
    g.invalid(
        "length-prefix-overlong-two",
        "The string \"42\" has its length written 0x82 0x00, two bytes for a value that fits in one.",
        bytes,
        "length_prefix_overlong",
        "RB-5.2",
        at,
    );
    let (bytes, at) = rewritten(13, vec![0x82, 0x80, 0x80, 0x80, 0x80, 0x00, b'4', b'2']);
    g.invalid(
        "length-prefix-six-bytes",
        "A length prefix of six bytes (0x82 0x80 0x80 0x80 0x80 0x00); an int32 needs at most five.",
        bytes,
        "length_prefix_too_long",
        "RB-5.2",
        at,
    );
    let (bytes, at) = rewritten(13, vec![0xff, 0xff, 0xff, 0xff, 0x0f, b'4', b'2']);
    g.invalid(
        "length-prefix-above-int32",
        "A five-byte length prefix for 2^32-1 (fifth byte 0x0f), above the int32 maximum.",
        bytes,
        "length_prefix_too_long",
        "RB-5.2",
        at,
    );
    let (bytes, at) = rewritten(15, vec![0xff, 0xff, 0xff, 0xff, 0x07, b'4', b'2']);
    g.invalid(
        "length-prefix-int32-max",
        "The last string's length prefix is 2^31-1 (a well-formed five-byte prefix), far past the string data.",
        bytes,
        "truncated",
        "RB-5.1",
        at + 5,
    );
    let (bytes, at) = rewritten(15, {
        let mut raw = vec![40];
        raw.extend_from_slice(b"<hr class=\"separator\">");
        raw
    });
    g.invalid(
        "string-runs-past-data",
        "The last string's length prefix says 40 bytes but 22 remain before the position table.",
        bytes,
        "truncated",
        "RB-5.1",
        at + 1,
    );
    {
        // A 17th position table entry pointing where the string data ends: no length prefix there.
        let mut p = Parts::of(&base());
        p.strings.push(Vec::new());
        let bytes = p.bytes();
        let at = Layout::of(&bytes).string(16);
        g.invalid(
            "string-entry-without-data",
            "The position table has one entry more than there are strings, pointing at the end of the string data.",
            bytes,
            "truncated",
            "RB-5.1",
            at,
        );
    }
    let (bytes, at) = rewritten(15, vec![0x96]);
    g.invalid(
        "length-prefix-cut",
        "The last string is a single byte 0x96, a length prefix whose continuation bit promises a byte the data does not have.",
        bytes,
        "truncated",
        "RB-5.1",
        at,
    );
    {
        // String 9 "Hello, world" (12 bytes) claims 13, taking in string 10's prefix (0x0c, valid
        // UTF-8): string 10's table entry still says where its prefix is, one byte before the
        // end of string 9.
        let mut bytes = b.clone();
        bytes[l.string(9)] = 13;
        g.invalid(
            "string-swallows-next-prefix",
            "A string's length prefix is one more than its length, so it runs into the next string's length prefix.",
            bytes,
            "string_misplaced",
            "RB-5.4",
            l.string_entry(10),
        );
    }
    for (slug, what, bad) in [
        (
            "utf8-lone-continuation-byte",
            "a lone continuation byte 0x80",
            &b"\x80"[..],
        ),
        (
            "utf8-overlong-slash",
            "an overlong two-byte encoding of '/' (0xc0 0xaf)",
            &b"\xc0\xaf"[..],
        ),
        (
            "utf8-surrogate",
            "the UTF-16 surrogate U+D800 encoded as 0xed 0xa0 0x80",
            &b"\xed\xa0\x80"[..],
        ),
        (
            "utf8-above-u10ffff",
            "0xf4 0x90 0x80 0x80, a code point above U+10FFFF",
            &b"\xf4\x90\x80\x80"[..],
        ),
    ] {
        let mut raw = b"Hello".to_vec();
        raw.extend_from_slice(bad);
        raw.extend_from_slice(b"world");
        let (bytes, at) = rewritten(9, length_prefixed(&raw));
        g.invalid(
            slug,
            &format!("A text's bytes hold {what}, which is not UTF-8."),
            bytes,
            "invalid_utf8",
            "RB-5.3",
            at + 1 + 5,
        );
    }
    let (bytes, at) = rewritten(9, length_prefixed(b"Hello \xf0\x9f\x98"));
    g.invalid(
        "utf8-truncated-four-byte-sequence",
        "A text ends with the first three bytes of a four-byte sequence (0xf0 0x9f 0x98), cut at the string's end.",
        bytes,
        "invalid_utf8",
        "RB-5.3",
        at + 1 + 6,
    );

    // --- Canonical string table (RB-5.6 .. RB-5.8) ----------------------------------------------------
    {
        // Frame 17's name "onsubmit" gets its own new entry 16 instead of sharing entry 6.
        let mut p = Parts::of(&base());
        p.strings.push(length_prefixed(b"onsubmit"));
        p.frames[17][1] = 16;
        g.invalid(
            "deduplicated-name-written-twice",
            "An attribute name already in the table (\"onsubmit\") is written a second time instead of sharing its entry.",
            p.bytes(),
            "non_canonical_strings",
            "RB-5.8",
            l.frame(17) + 4,
        );
    }
    {
        // input, disabled="" (true), readonly="" (true): the second "" gets its own entry.
        let source = batch(
            vec![diff(0, vec![prepend(0, 0)])],
            vec![
                element(3, "input"),
                attribute_bool("disabled", true),
                attribute_bool("readonly", true),
            ],
        );
        let mut p = Parts::of(&source);
        p.strings.push(length_prefixed(b""));
        p.frames[2][2] = 4;
        let bytes = p.bytes();
        let at = Layout::of(&bytes).frame(2) + 8;
        g.invalid(
            "empty-value-written-twice",
            "The empty string of a second true attribute gets a new entry instead of sharing the first one.",
            bytes,
            "non_canonical_strings",
            "RB-5.8",
            at,
        );
    }
    {
        // Frame 8's text made equal to frame 7's, then its entry (10) dropped and shared with 9.
        let mut source = base();
        source.reference_frames[8] = text("Hello, world");
        let mut p = Parts::of(&source);
        p.drop_string(10, 9);
        g.invalid(
            "text-entry-shared",
            "Two equal non-whitespace texts share one entry, but Blazor never deduplicates such text.",
            p.bytes(),
            "non_canonical_strings",
            "RB-5.8",
            l.frame(8) + 4,
        );
    }
    {
        // Strings: 0 "input", 1 and 2 the capture id; frame 3 made to share entry 1.
        let source = batch(
            vec![diff(0, vec![prepend(0, 0), prepend(1, 2)])],
            vec![
                element(2, "input"),
                element_reference(CAPTURE_ID),
                element(2, "input"),
                element_reference(CAPTURE_ID),
            ],
        );
        let mut p = Parts::of(&source);
        p.drop_string(2, 1);
        let bytes = p.bytes();
        let at = Layout::of(&bytes).frame(3) + 4;
        g.invalid(
            "capture-id-entry-shared",
            "Two equal element reference capture ids share one entry, but capture ids are never deduplicated.",
            bytes,
            "non_canonical_strings",
            "RB-5.8",
            at,
        );
    }
    {
        // Text "b" (not deduplicated, entry 0) then element name "b" pointing at entry 0.
        let source = batch(
            vec![diff(0, vec![prepend(0, 0), prepend(1, 1)])],
            vec![text("b"), element(1, "b")],
        );
        let mut p = Parts::of(&source);
        p.drop_string(1, 0);
        let bytes = p.bytes();
        let at = Layout::of(&bytes).frame(1) + 8;
        g.invalid(
            "deduplicated-name-shares-text-entry",
            "An element name shares the entry of an equal text written before it, which Blazor entered without deduplication.",
            bytes,
            "non_canonical_strings",
            "RB-5.8",
            at,
        );
    }
    {
        // Strings 9 and 10 swapped, frames 7 and 8 pointing at their own text: 10 comes first.
        let mut p = Parts::of(&base());
        p.strings.swap(9, 10);
        p.frames[7][1] = 10;
        p.frames[8][1] = 9;
        g.invalid(
            "strings-out-of-first-use-order",
            "Two texts' entries are in the table in the opposite order to their first use.",
            p.bytes(),
            "non_canonical_strings",
            "RB-5.8",
            l.frame(7) + 4,
        );
    }
    {
        // "disabled" (used by edit 1) moved to the end of the table, after the frames' strings.
        let mut p = Parts::of(&base());
        let first = p.strings.remove(0);
        p.strings.push(first);
        p.map_string_indexes(|i| if i == 0 { 15 } else { i - 1 });
        g.invalid(
            "strings-frames-before-edits",
            "The removed attribute name of an edit is entered after the frames' strings, but edits come first.",
            p.bytes(),
            "non_canonical_strings",
            "RB-5.8",
            l.edit(0, 1) + 12,
        );
    }
    {
        let mut p = Parts::of(&base());
        p.strings.push(length_prefixed(b"unused"));
        let bytes = p.bytes();
        let at = Layout::of(&bytes).string_entry(16);
        g.invalid(
            "string-never-referenced",
            "The table ends with an entry that no edit or frame refers to.",
            bytes,
            "non_canonical_strings",
            "RB-5.8",
            at,
        );
    }
}
