//! Writes the semantic conformance vectors (`spec/edits.md`, ED-*; `spec/render-tree.md`, RT-*).
//!
//! ```text
//! cargo run -p brasa-conformance --example semantics_vectors -- conformance/vectors/semantics
//! ```
//!
//! * `valid/<slug>.json`: render batches and the document after each one. The batches come from
//!   Brasa's renderer (`brasa-render`, whose diffs are byte-identical to ASP.NET Core 10's on every
//!   recorded case) rendering components written out here, so they are batches Blazor would send;
//!   a few that the renderer cannot make (a PrependFrame of a region, a named event frame) are
//!   written by hand. The expected HTML and event handlers are worked out independently of the
//!   DOM model under test: from the renderer's current render trees (each component's tree,
//!   walked as the client would lay it out) or, for hand-made batches, written out here. The
//!   generator then checks them against `brasa-dom` and stops with the vector's id on any
//!   difference, unless the id is listed in [`DOM_DISAGREES`].
//! * `invalid/<slug>.json`: well-formed batches (a strict reader accepts every one) that cannot
//!   apply, with the error kind, the failing batch and the requirement, worked out from the rules.
//!
//! Output is deterministic (pretty JSON, two-space indent, trailing newline); files in the two
//! group directories that this run did not write are removed. Ids are immutable slugs.

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use brasa_conformance::semantics::{
    ExpectedDocuments, ExpectedError, ExpectedHandler, SemanticExpectation, SemanticVector, requirements_of,
};
use brasa_protocol::render_batch::{Diff, Edit, Frame, FrameType, Limits, RenderBatch, encode, validate};
use brasa_render::cases::{FrameComponent, Leaf};
use brasa_render::{
    Component, ComponentId, EventArgs, EventHandler, ParameterView, RenderFragment, RenderFrame, RenderTreeBuilder,
    Renderer,
};

/// Vectors whose expectation `brasa-dom` is known not to meet, because the DOM model (not the
/// vector) is believed wrong. The generator warns instead of stopping for these, and stops if one
/// of them starts to pass.
const DOM_DISAGREES: &[&str] = &[];

fn main() {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(args.next().unwrap_or_else(|| "conformance/vectors/semantics".into()));
    generate(&root);
}

/// Writes every vector under `root` (`valid/`, `invalid/`) and removes stale files there.
pub fn generate(root: &Path) {
    let mut generator = Generator::new(root);
    valid_vectors(&mut generator);
    hand_made_valid_vectors(&mut generator);
    invalid_vectors(&mut generator);
    generator.finish();
}

// ---------------------------------------------------------------------------------------------
// Components

/// One render of the root component: Razor-like code writing its tree.
type Step = Arc<dyn Fn(&mut RenderTreeBuilder<'_>) + Send + Sync>;

fn step(f: impl Fn(&mut RenderTreeBuilder<'_>) + Send + Sync + 'static) -> Step {
    Arc::new(f)
}

/// Root component 0: renders `steps[index]`.
struct Root {
    steps: Vec<Step>,
    index: usize,
}

impl Component for Root {
    fn render(&self, b: &mut RenderTreeBuilder<'_>) {
        (self.steps[self.index])(b)
    }
}

/// A method of the root component: the same delegate on every render (`@onclick="Save"`).
fn on_click(_: &mut Root, _: &EventArgs) {}

/// Another method, for a second event.
fn on_input(_: &mut Root, _: &EventArgs) {}

/// A component with one parameter `Count` (an `int`, known-immutable) rendering that many text
/// nodes `m0`, `m1`, ...: a component whose output is several nodes, or none.
#[derive(Default)]
struct Many {
    count: i32,
}

impl Component for Many {
    fn set_parameters(&mut self, parameters: &ParameterView<'_>) {
        self.count = parameters.get_value::<i32>("Count").copied().unwrap_or_default();
    }

    fn render(&self, b: &mut RenderTreeBuilder<'_>) {
        for i in 0..self.count {
            b.add_content(0, format!("m{i}"));
        }
    }
}

/// A counter: `<button onclick=Increment>Count: N</button>`, re-rendering itself when clicked.
#[derive(Default)]
struct Counter {
    count: i32,
}

fn increment(counter: &mut Counter, _: &EventArgs) {
    counter.count += 1;
}

impl Component for Counter {
    fn render(&self, b: &mut RenderTreeBuilder<'_>) {
        b.open_element(0, "button");
        b.add_attribute(1, "onclick", EventHandler::new(increment));
        b.add_content(2, format!("Count: {}", self.count));
        b.close_element();
    }
}

fn leaf(b: &mut RenderTreeBuilder<'_>, seq: i32, text: &'static str) {
    b.open_component::<Leaf>(seq);
    b.add_component_parameter(seq + 1, "Text", text);
    b.close_component();
}

fn many(b: &mut RenderTreeBuilder<'_>, seq: i32, count: i32) {
    b.open_component::<Many>(seq);
    b.add_component_parameter(seq + 1, "Count", count);
    b.close_component();
}

/// `<ul>` with one keyed `<li>` per item (`@foreach (var item in items) { <li @key=item>item</li> }`).
fn keyed_list(b: &mut RenderTreeBuilder<'_>, items: &[&'static str]) {
    b.open_element(0, "ul");
    for item in items {
        b.open_element(1, "li");
        b.set_key(*item);
        b.add_content(2, *item);
        b.close_element();
    }
    b.close_element();
}

// ---------------------------------------------------------------------------------------------
// Expected documents, from the render trees (independent of the DOM model)

fn escape(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '\u{A0}' => out.push_str("&nbsp;"),
            '"' if attribute => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "source"
            | "track"
            | "wbr"
    )
}

/// How many top-level nodes well-formed markup parses into (elements, text runs, comments).
fn markup_node_count(markup: &str) -> usize {
    if markup.is_empty() {
        return 1; // parsed as a single space
    }
    let (mut count, mut depth, mut rest) = (0usize, 0usize, markup);
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<!--") {
            let end = after.find("-->").expect("a closed comment") + 3;
            count += usize::from(depth == 0);
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix("</") {
            depth -= 1;
            rest = &after[after.find('>').expect("a closed end tag") + 1..];
        } else if let Some(after) = rest.strip_prefix('<') {
            let end = after.find('>').expect("a closed start tag");
            let name: String = after.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
            count += usize::from(depth == 0);
            if !is_void(&name) && !after[..end].ends_with('/') {
                depth += 1;
            }
            rest = &after[end + 1..];
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            count += usize::from(depth == 0);
            rest = &rest[end..];
        }
    }
    count
}

/// Lays the render trees out as the client does and serialises them as Chromium does.
struct Layout<'r> {
    renderer: &'r Renderer,
    html: String,
    handlers: Vec<ExpectedHandler>,
    /// The DOM path of the current DOM parent, and the index of the next node in it.
    path: Vec<usize>,
    next: usize,
    /// Element reference capture ids by element position: the previous batch's, and this one's.
    previous_captures: &'r HashMap<Vec<usize>, String>,
    captures: HashMap<Vec<usize>, String>,
}

impl Layout<'_> {
    fn node(&mut self) -> usize {
        self.next += 1;
        self.next - 1
    }

    /// The frames `tree[start..end]`, siblings under the current DOM parent. `svg`: whether
    /// the closest DOM element is an SVG element other than `foreignObject`.
    fn frames(&mut self, tree: &[RenderFrame], start: usize, end: usize, svg: bool) {
        let mut i = start;
        while i < end {
            let frame = &tree[i];
            let next = i + frame.subtree_length().max(1) as usize;
            match frame.to_reference_frame() {
                Frame::Element { name, .. } => self.element(tree, i, &name, svg),
                Frame::Text { content } => {
                    self.node();
                    self.html.push_str(&escape(&content, false));
                }
                Frame::Markup { content } => {
                    self.node();
                    self.html.push_str("<!--!-->");
                    self.next += markup_node_count(&content);
                    self.html
                        .push_str(if content.is_empty() { " " } else { content.as_str() });
                }
                Frame::Component { component_id, .. } => {
                    // The container, then the component's own output as its DOM siblings.
                    self.node();
                    self.html.push_str("<!--!-->");
                    self.component(component_id, svg);
                }
                Frame::Region { .. } => self.frames(tree, i + 1, next, svg),
                // Attributes, reference captures: no node of their own (see `element`).
                _ => {}
            }
            i = next;
        }
    }

    fn component(&mut self, component_id: ComponentId, svg: bool) {
        if let Some(tree) = self.renderer.current_render_tree(component_id) {
            self.frames(tree, 0, tree.len(), svg);
        }
    }

    fn element(&mut self, tree: &[RenderFrame], index: usize, name: &str, svg_parent: bool) {
        let svg = name == "svg" || svg_parent;
        let tag = if svg {
            name.to_owned()
        } else {
            name.to_ascii_lowercase()
        };
        let position = self.node();
        let end = index + tree[index].subtree_length() as usize;
        let mut path = self.path.clone();
        path.push(position);
        // Leading attribute frames, in order: set in place or appended (ED-4.x).
        let mut attributes: Vec<(String, String)> = Vec::new();
        fn set(attributes: &mut Vec<(String, String)>, name: String, value: String) {
            match attributes.iter_mut().find(|(n, _)| *n == name) {
                Some(slot) => slot.1 = value,
                None => attributes.push((name, value)),
            }
        }
        let mut child = index + 1;
        while child < end && tree[child].frame_type() == FrameType::Attribute {
            let Frame::Attribute {
                name: attribute,
                value,
                event_handler_id,
            } = tree[child].to_reference_frame()
            else {
                unreachable!()
            };
            child += 1;
            if event_handler_id != 0 {
                self.handlers.push(ExpectedHandler {
                    event_handler_id: event_handler_id.to_string(),
                    event: attribute.strip_prefix("on").expect("an event attribute").to_owned(),
                    path: path.clone(),
                });
                continue;
            }
            let html = !svg;
            let input_type = attributes
                .iter()
                .find(|(n, _)| n == "type")
                .map(|(_, v)| v.to_ascii_lowercase())
                .unwrap_or_default();
            let property = match (&*tag, &*attribute) {
                ("input", "value") if html => !matches!(
                    &*input_type,
                    "hidden" | "submit" | "image" | "reset" | "button" | "checkbox" | "radio"
                ),
                ("input", "checked") | ("select", "value") | ("textarea", "value") => html,
                _ => attribute.starts_with("__internal_"),
            };
            if property {
                continue;
            }
            let attribute = if html {
                attribute.to_ascii_lowercase()
            } else {
                attribute.to_string()
            };
            match value {
                Some(value) => set(&mut attributes, attribute, value.to_string()),
                None => attributes.retain(|(n, _)| *n != attribute),
            }
        }
        // Element reference captures among the children add `_bl_<id>` (ED-3.6).
        let mut i = child;
        while i < end {
            if let Frame::ElementReferenceCapture { id } = tree[i].to_reference_frame() {
                // A retained element's capture frame is not initialised again and carries no id
                // (RT-4.5); the element keeps the id it was given, found here by its position.
                let id = if id.is_empty() {
                    self.previous_captures
                        .get(&path)
                        .cloned()
                        .expect("a retained element keeps its place in these vectors")
                } else {
                    id.to_string()
                };
                self.captures.insert(path.clone(), id.clone());
                set(&mut attributes, format!("_bl_{id}").to_ascii_lowercase(), String::new());
            }
            i += tree[i].subtree_length().max(1) as usize;
        }
        self.html.push('<');
        self.html.push_str(&tag);
        for (name, value) in &attributes {
            self.html.push_str(&format!(" {name}=\"{}\"", escape(value, true)));
        }
        self.html.push('>');
        if !svg && is_void(&tag) {
            // Its children (here only reference captures) would not show.
            assert!(
                tree[child..end]
                    .iter()
                    .all(|f| f.frame_type() == FrameType::ElementReferenceCapture),
                "nodes inside a void element"
            );
            return;
        }
        let saved = (
            std::mem::replace(&mut self.path, path),
            std::mem::replace(&mut self.next, 0),
        );
        self.frames(tree, child, end, svg && tag != "foreignObject");
        (self.path, self.next) = saved;
        self.html.push_str("</");
        self.html.push_str(&tag);
        self.html.push('>');
    }
}

/// The root element's content and the registered handlers, as the render trees say they are.
fn expected_document(
    renderer: &Renderer,
    captures: &mut HashMap<Vec<usize>, String>,
) -> (String, Vec<ExpectedHandler>) {
    let mut layout = Layout {
        renderer,
        html: String::new(),
        handlers: Vec::new(),
        path: Vec::new(),
        next: 0,
        previous_captures: captures,
        captures: HashMap::new(),
    };
    // The container of root component 0 (ED-1.3), then its output.
    layout.node();
    layout.html.push_str("<!--!-->");
    layout.component(0, false);
    let Layout {
        html,
        mut handlers,
        captures: new_captures,
        ..
    } = layout;
    *captures = new_captures;
    handlers.sort_by_key(|h| h.event_handler_id.parse::<u64>().unwrap_or_default());
    (html, handlers)
}

// ---------------------------------------------------------------------------------------------
// Scripts: what happens between batches

/// One action producing one batch.
#[derive(Clone, Copy)]
enum Act {
    /// The root renders `steps[i]` (the first act: its first render).
    Render(usize),
    /// The browser reports a click on the first event handler of a component's tree.
    Click(ComponentId),
    /// Root component 0 is removed.
    RemoveRoot,
}

/// Runs the acts; returns each batch's bytes and the expected document after it.
fn run_script(steps: Vec<Step>, acts: &[Act]) -> Vec<(Vec<u8>, String, Vec<ExpectedHandler>)> {
    let mut renderer = Renderer::new();
    let root = renderer.add_root_component(Root { steps, index: 0 });
    assert_eq!(root, 0);
    let mut out = Vec::new();
    let mut captures = HashMap::new();
    for (n, act) in acts.iter().enumerate() {
        let batch = match *act {
            Act::Render(i) if n == 0 => {
                assert_eq!(i, 0, "the first render is step 0");
                renderer.render_root_component(root).expect("render")
            }
            Act::Render(i) => {
                renderer.with_component(root, |r: &mut Root| r.index = i).expect("root");
                renderer.state_has_changed(root).expect("root");
                renderer.process_render_queue().expect("render")
            }
            Act::Click(component) => {
                let id = renderer
                    .current_render_tree(component)
                    .and_then(|tree| tree.iter().map(RenderFrame::event_handler_id).find(|&id| id != 0))
                    .expect("a handler to click");
                renderer.dispatch_event(id, &EventArgs::Empty).expect("dispatch")
            }
            Act::RemoveRoot => renderer.remove_root_component(root).expect("remove"),
        }
        .expect("the act produces a batch");
        let bytes = batch.encode().expect("encode");
        let (html, handlers) = expected_document(&renderer, &mut captures);
        out.push((bytes, html, handlers));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Output

struct Generator {
    root: PathBuf,
    ids: BTreeSet<String>,
    written: BTreeSet<PathBuf>,
    valid: usize,
    invalid: usize,
    warnings: Vec<String>,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
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
            warnings: Vec::new(),
        }
    }

    fn write(&mut self, group: &str, slug: &str, vector: SemanticVector) {
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
        assert!(!vector.requirements.is_empty(), "{}: requirements", vector.id);
        for batch in &vector.batches {
            let bytes: Vec<u8> = (0..batch.len() / 2)
                .map(|i| u8::from_str_radix(&batch[2 * i..2 * i + 2], 16).unwrap())
                .collect();
            if let Err(e) = validate(&bytes, &Limits::DEFAULT) {
                panic!("{}: a batch is not well-formed: {e}", vector.id);
            }
        }
        let path = self.root.join(group).join(format!("{slug}.json"));
        let mut text = serde_json::to_string_pretty(&vector).expect("serialize vector");
        text.push('\n');
        if fs::read(&path).ok().as_deref() != Some(text.as_bytes()) {
            fs::write(&path, &text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        }
        // The file must be what the runner checks.
        let outcome = brasa_conformance::semantics::run_vector(&text);
        let listed = DOM_DISAGREES.contains(&vector.id.as_str());
        match (outcome, listed) {
            (Ok(()), false) => {}
            (Ok(()), true) => panic!("{}: listed in DOM_DISAGREES but brasa-dom now agrees", vector.id),
            (Err(e), true) => self.warnings.push(format!("{}: {e}", vector.id)),
            (Err(e), false) => panic!("{}: brasa-dom disagrees with the vector: {e}", vector.id),
        }
        self.written.insert(path);
    }

    /// A valid vector from the renderer: `steps` rendered by root component 0 as `acts` say.
    fn valid(&mut self, slug: &str, requirements: &[&str], description: &str, steps: Vec<Step>, acts: &[Act]) {
        let results = run_script(steps, acts);
        let vector = SemanticVector {
            id: format!("semantics/valid/{slug}"),
            requirements: requirements.iter().map(|r| (*r).to_owned()).collect(),
            description: description.to_owned(),
            batches: results.iter().map(|(bytes, _, _)| hex(bytes)).collect(),
            expect: SemanticExpectation::Applies(ExpectedDocuments {
                html: results.iter().map(|(_, html, _)| html.clone()).collect(),
                handlers: results.iter().map(|(_, _, handlers)| handlers.clone()).collect(),
            }),
        };
        self.valid += 1;
        self.write("valid", slug, vector);
    }

    /// A valid vector written by hand: each batch with the HTML and handlers written out here.
    fn valid_by_hand(
        &mut self,
        slug: &str,
        requirements: &[&str],
        description: &str,
        batches: Vec<(RenderBatch, &str, Vec<ExpectedHandler>)>,
    ) {
        let vector = SemanticVector {
            id: format!("semantics/valid/{slug}"),
            requirements: requirements.iter().map(|r| (*r).to_owned()).collect(),
            description: description.to_owned(),
            batches: batches.iter().map(|(batch, _, _)| hex(&encode(batch))).collect(),
            expect: SemanticExpectation::Applies(ExpectedDocuments {
                html: batches.iter().map(|(_, html, _)| (*html).to_owned()).collect(),
                handlers: batches.into_iter().map(|(_, _, handlers)| handlers).collect(),
            }),
        };
        self.valid += 1;
        self.write("valid", slug, vector);
    }

    /// An invalid vector: the batches apply up to `batch`, which fails with `error`, breaking
    /// `requirement`. `also` lists further requirements the vector checks.
    #[allow(clippy::too_many_arguments)]
    fn invalid(
        &mut self,
        slug: &str,
        description: &str,
        batches: Vec<Vec<u8>>,
        error: &str,
        batch: usize,
        requirement: &str,
        also: &[&str],
    ) {
        let id = format!("semantics/invalid/{slug}");
        assert!(
            requirements_of(error).contains(&requirement),
            "{id}: {error} does not enforce {requirement}"
        );
        let vector = SemanticVector {
            id,
            requirements: std::iter::once(requirement)
                .chain(also.iter().copied())
                .map(str::to_owned)
                .collect(),
            description: description.to_owned(),
            batches: batches.iter().map(|b| hex(b)).collect(),
            expect: SemanticExpectation::Fails(ExpectedError {
                error: error.to_owned(),
                batch,
                requirement: requirement.to_owned(),
            }),
        };
        self.invalid += 1;
        self.write("invalid", slug, vector);
    }

    fn finish(self) {
        let mut removed = 0;
        for group in ["valid", "invalid"] {
            for entry in fs::read_dir(self.root.join(group))
                .expect("read the vector directory")
                .flatten()
            {
                let path = entry.path();
                if path.extension().is_some_and(|e| e == "json") && !self.written.contains(&path) {
                    fs::remove_file(&path).expect("remove a stale vector");
                    removed += 1;
                }
            }
        }
        for warning in &self.warnings {
            eprintln!("warning: {warning}");
        }
        eprintln!(
            "{} valid and {} invalid semantic vectors written to {} ({removed} stale files removed)",
            self.valid,
            self.invalid,
            self.root.display()
        );
    }
}

fn handler(id: u64, event: &str, path: &[usize]) -> ExpectedHandler {
    ExpectedHandler {
        event_handler_id: id.to_string(),
        event: event.to_owned(),
        path: path.to_vec(),
    }
}

// ---------------------------------------------------------------------------------------------
// Valid vectors, from the renderer

fn valid_vectors(g: &mut Generator) {
    use Act::*;

    // --- Inserting frames ------------------------------------------------------------------
    g.valid(
        "first-render",
        &["ED-1.3", "ED-2.5", "ED-3.1", "ED-3.2", "ED-4.5", "RT-1.1", "RT-2.3", "RT-4.2"],
        "A component's first render inserts its elements, attributes and text after its container; text and attribute values are escaped as Chromium serialises them.",
        vec![step(|b| {
            b.open_element(0, "h1");
            b.add_attribute(1, "class", "title");
            b.add_attribute(2, "title", "\"quoted\" & <b>");
            b.add_content(3, "Hello, world");
            b.close_element();
            b.open_element(4, "p");
            b.add_content(5, "1 < 2 & 3 > 2\u{a0}!");
            b.close_element();
            b.add_content(6, "tail");
        })],
        &[Render(0)],
    );
    g.valid(
        "update-text-nested",
        &["ED-2.3", "ED-2.9", "RT-4.1", "RT-4.3"],
        "A changed text inside nested elements is updated in place after StepIn edits, and StepOut returns to the parent.",
        vec![
            step(|b| {
                b.open_element(0, "div");
                b.open_element(1, "p");
                b.add_content(2, "count: 0");
                b.close_element();
                b.open_element(3, "p");
                b.add_content(4, "same");
                b.close_element();
                b.close_element();
                b.add_content(5, "after");
            }),
            step(|b| {
                b.open_element(0, "div");
                b.open_element(1, "p");
                b.add_content(2, "count: 1");
                b.close_element();
                b.open_element(3, "p");
                b.add_content(4, "same");
                b.close_element();
                b.close_element();
                b.add_content(5, "after!");
            }),
        ],
        &[Render(0), Render(1)],
    );
    let conditional = |show: bool| {
        step(move |b| {
            b.open_element(0, "ul");
            b.open_element(1, "li");
            b.add_content(2, "a");
            b.close_element();
            if show {
                b.open_element(3, "li");
                b.add_content(4, "b");
                b.close_element();
            }
            b.open_element(5, "li");
            b.add_content(6, "c");
            b.close_element();
            b.close_element();
        })
    };
    g.valid(
        "insert-and-remove-in-the-middle",
        &["ED-2.4", "ED-2.5", "ED-2.6", "ED-1.4", "RT-1.3", "RT-4.3"],
        "An if-block inside a list appears and disappears: a PrependFrame and a RemoveFrame at sibling index 1, between siblings matched by sequence number.",
        vec![conditional(false), conditional(true), conditional(false)],
        &[Render(0), Render(1), Render(2)],
    );
    g.valid(
        "remove-first-children",
        &["ED-1.2", "ED-2.6", "RT-4.3"],
        "Removing the first children shifts the sibling indexes of those after them: two RemoveFrame edits at sibling index 0.",
        vec![
            step(|b| {
                for (seq, text) in [(0, "one"), (2, "two"), (4, "three")] {
                    b.open_element(seq, "p");
                    b.add_content(seq + 1, text);
                    b.close_element();
                }
            }),
            step(|b| {
                b.open_element(4, "p");
                b.add_content(5, "three");
                b.close_element();
            }),
        ],
        &[Render(0), Render(1)],
    );
    g.valid(
        "text-replaced-by-element",
        &["ED-2.5", "ED-2.6", "RT-4.3"],
        "A text and an element with the same sequence number are unrelated: the element is inserted first, then the text removed.",
        vec![
            step(|b| {
                b.add_content(0, "before");
                b.add_content(1, "plain");
                b.add_content(2, "after");
            }),
            step(|b| {
                b.add_content(0, "before");
                b.open_element(1, "em");
                b.add_content(2, "emphasis");
                b.close_element();
                b.add_content(3, "after");
            }),
        ],
        &[Render(0), Render(1)],
    );
    g.valid(
        "element-name-changed",
        &["ED-2.5", "ED-2.6", "RT-4.3"],
        "An element whose name changes at the same sequence number is removed and a new one inserted in its place.",
        vec![
            step(|b| {
                b.open_element(0, "div");
                b.add_attribute(1, "class", "box");
                b.add_content(2, "content");
                b.close_element();
            }),
            step(|b| {
                b.open_element(0, "section");
                b.add_attribute(1, "class", "box");
                b.add_content(2, "content");
                b.close_element();
            }),
        ],
        &[Render(0), Render(1)],
    );
    let deep = |n: i32| {
        step(move |b| {
            b.open_element(0, "div");
            b.open_element(1, "ul");
            b.open_element(2, "li");
            b.add_content(3, "first");
            b.close_element();
            b.open_element(4, "li");
            b.open_element(5, "span");
            b.add_content(6, format!("deep {n}"));
            b.close_element();
            b.close_element();
            b.close_element();
            b.open_element(7, "p");
            b.add_content(8, format!("sibling {n}"));
            b.close_element();
            b.close_element();
            b.open_element(9, "footer");
            b.add_content(10, format!("footer {n}"));
            b.close_element();
        })
    };
    g.valid(
        "step-in-and-out-at-several-depths",
        &["ED-2.3", "ED-2.9", "RT-4.1", "RT-4.2"],
        "Texts changed at depths 4, 2 and 1 are reached by StepIn edits from the current parent and StepOut edits back, each sibling index relative to the current parent.",
        vec![deep(0), deep(1)],
        &[Render(0), Render(1)],
    );

    // --- Attributes ------------------------------------------------------------------------
    let attributes = |class: &'static str, title: Option<&'static str>| {
        step(move |b| {
            b.open_element(0, "div");
            b.add_attribute(1, "id", "main");
            b.add_attribute(2, "class", class);
            b.add_attribute(3, "title", title);
            b.add_content(4, "text");
            b.close_element();
        })
    };
    g.valid(
        "attribute-changed-in-place",
        &["ED-2.7", "ED-4.5", "RT-4.3"],
        "A changed attribute value is set again with SetAttribute and keeps its place among the element's attributes.",
        vec![attributes("a", Some("t")), attributes("b", Some("t"))],
        &[Render(0), Render(1)],
    );
    g.valid(
        "attribute-added-and-removed",
        &["ED-2.7", "ED-2.8", "ED-4.5", "RT-1.6"],
        "An attribute that appears is appended after the others (SetAttribute); one whose value becomes null is removed (RemoveAttribute).",
        vec![attributes("a", None), attributes("a", Some("t")), attributes("b", None)],
        &[Render(0), Render(1), Render(2)],
    );
    let disabled = |on: bool| {
        step(move |b| {
            b.open_element(0, "button");
            b.add_attribute(1, "type", "button");
            b.add_attribute(2, "disabled", on);
            b.add_content(3, "Save");
            b.close_element();
        })
    };
    g.valid(
        "boolean-attribute",
        &["ED-2.7", "ED-2.8", "ED-4.5", "RT-1.6"],
        "A boolean attribute: true is an attribute with an empty value, false is no attribute (the frame is left out and the old one removed).",
        vec![disabled(true), disabled(false), disabled(true)],
        &[Render(0), Render(1), Render(2)],
    );
    let mixed_case = |with_data: bool| {
        step(move |b| {
            b.open_element(0, "div");
            if with_data {
                b.add_attribute(1, "dataValue", "1");
            }
            b.add_attribute(2, "ARIA-LABEL", "label");
            b.close_element();
        })
    };
    g.valid(
        "attribute-names-lower-cased",
        &["ED-2.8", "ED-4.5"],
        "Attribute names are lower-cased on HTML elements, when set and when removed.",
        vec![mixed_case(true), mixed_case(false)],
        &[Render(0), Render(1)],
    );
    let input_value = |value: &'static str| {
        step(move |b| {
            b.open_element(0, "input");
            b.add_attribute(1, "id", "name");
            b.add_attribute(2, "value", value);
            b.close_element();
        })
    };
    g.valid(
        "input-value-is-a-property",
        &["ED-4.2", "ED-2.7"],
        "The value of a text input is set as the value property, not as an attribute, so it does not show in the markup.",
        vec![input_value("hello"), input_value("bye")],
        &[Render(0), Render(1)],
    );
    let hidden_value = |value: &'static str| {
        step(move |b| {
            b.open_element(0, "input");
            b.add_attribute(1, "type", "hidden");
            b.add_attribute(2, "value", value);
            b.close_element();
        })
    };
    g.valid(
        "hidden-input-value-shows",
        &["ED-4.2"],
        "A hidden input's value property writes through to its value attribute, as browsers do for inputs in the default value mode.",
        vec![hidden_value("v1"), hidden_value("v2")],
        &[Render(0), Render(1)],
    );
    let checkbox = |checked: bool| {
        step(move |b| {
            b.open_element(0, "input");
            b.add_attribute(1, "type", "checkbox");
            b.add_attribute(2, "checked", checked);
            b.close_element();
        })
    };
    g.valid(
        "checked-is-a-property",
        &["ED-4.3", "ED-2.8"],
        "checked on an input is the checked property, set and cleared without an attribute ever showing.",
        vec![checkbox(true), checkbox(false), checkbox(true)],
        &[Render(0), Render(1), Render(2)],
    );
    g.valid(
        "textarea-select-and-option-values",
        &["ED-4.2", "ED-3.1"],
        "value is a property on textarea and select (not in the markup) and an attribute on option.",
        vec![step(|b| {
            b.open_element(0, "textarea");
            b.add_attribute(1, "value", "text");
            b.close_element();
            b.open_element(2, "select");
            b.add_attribute(3, "value", "b");
            for (seq, value) in [(4, "a"), (7, "b")] {
                b.open_element(seq, "option");
                b.add_attribute(seq + 1, "value", value);
                b.add_content(seq + 2, value.to_uppercase());
                b.close_element();
            }
            b.close_element();
        })],
        &[Render(0)],
    );
    g.valid(
        "internal-event-flags",
        &["ED-4.4", "ED-4.1"],
        "__internal_preventDefault_on… and __internal_stopPropagation_on… attributes set flags of the event handling, not attributes.",
        vec![step(|b| {
            b.open_element(0, "a");
            b.add_attribute(1, "href", "#");
            b.add_attribute(2, "onclick", EventHandler::new(on_click));
            b.add_attribute(3, "__internal_preventDefault_onclick", true);
            b.add_attribute(4, "__internal_stopPropagation_onclick", true);
            b.add_content(5, "link");
            b.close_element();
        })],
        &[Render(0)],
    );
    g.valid(
        "svg-namespace",
        &["ED-3.1", "ED-4.5"],
        "Elements under svg are SVG elements (names and attribute names keep their case) except below foreignObject, where HTML elements are created again.",
        vec![step(|b| {
            b.open_element(0, "svg");
            b.add_attribute(1, "viewBox", "0 0 10 10");
            b.open_element(2, "circle");
            b.add_attribute(3, "cx", "5");
            b.close_element();
            b.open_element(4, "foreignObject");
            b.open_element(5, "DIV");
            b.add_attribute(6, "CLASS", "html");
            b.add_content(7, "inside");
            b.close_element();
            b.close_element();
            b.close_element();
        })],
        &[Render(0)],
    );

    // --- Event handlers --------------------------------------------------------------------
    let button = |handler: fn() -> EventHandler| {
        step(move |b| {
            b.add_content(0, "intro");
            b.open_element(1, "button");
            b.add_attribute(2, "onclick", handler());
            b.add_content(3, "Go");
            b.close_element();
            b.open_element(4, "input");
            b.add_attribute(5, "oninput", EventHandler::new(on_input));
            b.close_element();
        })
    };
    g.valid(
        "event-handlers-registered",
        &["ED-4.1", "RT-3.1"],
        "Attributes with event handler ids register listeners for the event named after on, on their element, instead of setting attributes.",
        vec![button(|| EventHandler::new(on_click))],
        &[Render(0)],
    );
    g.valid(
        "event-handler-kept",
        &["ED-4.1", "RT-3.2", "RT-2.4"],
        "Re-rendering with the same delegates keeps their event handler ids: the diff has no edits and nothing is retired.",
        vec![button(|| EventHandler::new(on_click))],
        &[Render(0), Render(0)],
    );
    g.valid(
        "event-handler-replaced",
        &["ED-4.1", "ED-5.2", "RT-3.1", "RT-3.3"],
        "A new delegate on every render gets a new event handler id; the listener takes the new id and the old id is retired in the same batch.",
        vec![button(|| EventHandler::unique(on_click))],
        &[Render(0), Render(0), Render(0)],
    );
    let optional_handler = |with: bool| {
        step(move |b| {
            b.open_element(0, "button");
            if with {
                b.add_attribute(1, "onclick", EventHandler::new(on_click));
            }
            b.add_attribute(2, "class", "btn");
            b.add_content(3, "Go");
            b.close_element();
        })
    };
    g.valid(
        "event-handler-attribute-removed",
        &["ED-2.8", "ED-5.2", "RT-3.3"],
        "Removing an event handler attribute sends a RemoveAttribute (which removes no DOM attribute) and retires the id, which unregisters the listener.",
        vec![optional_handler(true), optional_handler(false), optional_handler(true)],
        &[Render(0), Render(1), Render(2)],
    );
    let removable_button = |with: bool| {
        step(move |b| {
            b.open_element(0, "div");
            if with {
                b.open_element(1, "button");
                b.add_attribute(2, "onclick", EventHandler::new(on_click));
                b.close_element();
            }
            b.open_element(3, "span");
            b.add_attribute(4, "onmouseover", EventHandler::new(on_input));
            b.close_element();
            b.close_element();
        })
    };
    g.valid(
        "event-handler-element-removed",
        &["ED-2.6", "ED-5.2", "RT-3.3"],
        "Removing an element retires the event handler ids inside it; the other element's listener stays, at its new position.",
        vec![removable_button(true), removable_button(false)],
        &[Render(0), Render(1)],
    );

    // --- Markup ----------------------------------------------------------------------------
    let markup = |content: &'static str| {
        step(move |b| {
            b.open_element(0, "div");
            b.add_content(1, "start ");
            b.add_markup_content(2, content);
            b.open_element(3, "p");
            b.add_content(4, "end");
            b.close_element();
            b.close_element();
        })
    };
    g.valid(
        "markup-block",
        &["ED-1.1", "ED-3.5", "ED-2.10", "RT-4.3"],
        "A markup block is a container followed by the parsed nodes; UpdateMarkup replaces the whole block, and the next sibling stays one index further.",
        vec![
            markup("<b>bold</b> and <i>italic</i>"),
            markup("<ul><li>x</li><li>y</li></ul><!-- note -->"),
        ],
        &[Render(0), Render(1)],
    );
    g.valid(
        "markup-empty-is-a-space",
        &["ED-3.5", "ED-2.10"],
        "Empty markup is parsed as a single space, so the block is never without nodes.",
        vec![markup(""), markup("<br>"), markup("")],
        &[Render(0), Render(1), Render(2)],
    );

    // --- Regions ---------------------------------------------------------------------------
    let region = |n: i32, nested: bool| {
        step(move |b| {
            b.open_region(0);
            b.add_content(0, "r1");
            b.add_content(1, "r2");
            b.close_region();
            b.open_element(1, "p");
            b.add_content(2, format!("after {n}"));
            b.close_element();
            if nested {
                b.open_element(3, "div");
                b.open_region(4);
                b.add_content(0, "in");
                b.open_element(1, "i");
                b.add_content(2, "region");
                b.close_element();
                b.close_region();
                b.add_content(5, "tail");
                b.close_element();
            }
        })
    };
    g.valid(
        "region-children-count-individually",
        &["ED-1.2", "ED-3.4", "RT-1.5", "RT-4.3"],
        "A region has no node: its children count as children of its parent, so the element after a two-text region is at sibling index 2; an element inserted whole carries a region in its subtree.",
        vec![region(0, false), region(1, false), region(1, true)],
        &[Render(0), Render(1), Render(2)],
    );

    // --- Components ------------------------------------------------------------------------
    g.valid(
        "child-component",
        &["ED-1.1", "ED-3.3", "RT-1.7", "RT-2.1", "RT-2.2", "RT-2.3"],
        "A child component frame inserts a container; the child's output arrives as its own diff, later in the same batch.",
        vec![step(|b| {
            b.add_content(0, "before");
            leaf(b, 1, "child");
            b.add_content(3, "after");
        })],
        &[Render(0)],
    );
    let parent = |text: &'static str, own: &'static str| {
        step(move |b| {
            b.open_element(0, "h2");
            b.add_content(1, own);
            b.close_element();
            leaf(b, 2, text);
        })
    };
    g.valid(
        "child-parameter-changed",
        &["RT-2.5", "RT-2.2", "ED-2.2"],
        "A changed string parameter re-renders the child: the parent's diff has no edits, the child's diff updates its text.",
        vec![parent("one", "title"), parent("two", "title")],
        &[Render(0), Render(1)],
    );
    g.valid(
        "child-parameter-unchanged",
        &["RT-2.5", "RT-2.4"],
        "A child whose parameters are definitely equal (the same string) is not re-rendered when its parent is.",
        vec![parent("same", "title 1"), parent("same", "title 2")],
        &[Render(0), Render(1)],
    );
    let optional_child = |with: bool| {
        step(move |b| {
            b.open_element(0, "div");
            if with {
                many(b, 1, 2);
            }
            b.add_content(3, "end");
            b.close_element();
        })
    };
    g.valid(
        "child-component-removed",
        &["ED-2.6", "ED-5.1", "RT-2.6"],
        "Removing a component frame removes its container with the child's nodes; the component is listed as disposed in the same batch.",
        vec![optional_child(true), optional_child(false), optional_child(true)],
        &[Render(0), Render(1), Render(2)],
    );
    g.valid(
        "nested-components-creation-order",
        &["RT-2.1", "RT-2.2", "RT-1.7", "ED-1.1"],
        "Component ids are given in creation order: the parent's new children in document order, then their children as they render.",
        vec![step(|b| {
            b.open_component::<FrameComponent>(0);
            b.add_component_parameter(1, "Title", "Panel");
            b.add_component_parameter(
                2,
                "ChildContent",
                RenderFragment::new(|b| {
                    leaf(b, 3, "x");
                    leaf(b, 5, "y");
                }),
            );
            b.close_component();
            leaf(b, 7, "z");
        })],
        &[Render(0)],
    );
    g.valid(
        "fragment-parameter-rerenders-child",
        &["RT-2.5", "RT-2.4", "ED-2.2"],
        "A render fragment parameter is a new delegate on every render, so the child re-renders with its parent even when nothing changed (a diff with no edits).",
        vec![step(|b| {
            b.open_component::<FrameComponent>(0);
            b.add_component_parameter(1, "Title", "Panel");
            b.add_component_parameter(2, "ChildContent", RenderFragment::new(|b| b.add_content(3, "content")));
            b.close_component();
        })],
        &[Render(0), Render(0)],
    );
    let several = |n: i32| {
        step(move |b| {
            many(b, 0, 3);
            b.open_element(2, "p");
            b.add_content(3, format!("after {n}"));
            b.close_element();
        })
    };
    g.valid(
        "component-counts-as-one-child",
        &["ED-1.2", "ED-1.1"],
        "A child component counts as one sibling however many nodes it renders: the element after a three-node component is at sibling index 1.",
        vec![several(0), several(1)],
        &[Render(0), Render(1)],
    );
    let empty_child = |count: i32| {
        step(move |b| {
            b.add_content(0, "a");
            many(b, 1, count);
            b.add_content(3, "z");
        })
    };
    g.valid(
        "component-output-placed-after-its-container",
        &["ED-1.1", "ED-1.4", "ED-3.3"],
        "A component that renders nothing keeps its container; when it later renders nodes they go right after the container, before the next sibling.",
        vec![empty_child(0), empty_child(2), empty_child(0)],
        &[Render(0), Render(1), Render(2)],
    );
    g.valid(
        "child-renders-alone",
        &["RT-2.2", "ED-2.2", "ED-4.1"],
        "A click on a child's handler re-renders only the child: the batch has only its diff, applied inside its container.",
        vec![step(|b| {
            b.add_content(0, "counter:");
            b.open_component::<Counter>(1);
            b.close_component();
            b.add_content(2, "end");
        })],
        &[Render(0), Click(1), Click(1)],
    );
    let typed = |leaf_child: bool| {
        step(move |b| {
            if leaf_child {
                leaf(b, 0, "leaf");
            } else {
                b.open_component::<Many>(0);
                b.add_component_parameter(1, "Count", 1);
                b.close_component();
            }
        })
    };
    g.valid(
        "component-type-changed",
        &["RT-4.3", "RT-2.6", "RT-2.1"],
        "A component frame of another type at the same sequence number is a new component: the old one is removed and disposed, the new one gets the next id.",
        vec![typed(true), typed(false)],
        &[Render(0), Render(1)],
    );
    g.valid(
        "root-component-removed",
        &["ED-5.1", "RT-2.6"],
        "Removing the root component disposes it and its children; its container is emptied.",
        vec![step(|b| {
            b.open_element(0, "main");
            b.add_attribute(1, "onclick", EventHandler::new(on_click));
            leaf(b, 2, "inside");
            b.close_element();
        })],
        &[Render(0), RemoveRoot],
    );
    g.valid(
        "unchanged-rerender",
        &["RT-2.4", "RT-4.1"],
        "Re-rendering an unchanged tree gives a diff with no edits and leaves the document as it was.",
        vec![step(|b| {
            b.open_element(0, "p");
            b.add_attribute(1, "class", "x");
            b.add_content(2, "same");
            b.close_element();
            b.add_markup_content(3, "<b>m</b>");
        })],
        &[Render(0), Render(0)],
    );

    // --- Keyed moves -----------------------------------------------------------------------
    let keyed = |items: &'static [&'static str]| step(move |b| keyed_list(b, items));
    g.valid(
        "keyed-swap",
        &["ED-2.11", "RT-1.4", "RT-4.4"],
        "Two keyed items swap places with one permutation list whose two moves take effect together.",
        vec![keyed(&["a", "b"]), keyed(&["b", "a"])],
        &[Render(0), Render(1)],
    );
    g.valid(
        "keyed-reverse",
        &["ED-2.11", "RT-4.4"],
        "Five keyed items reversed: every move of the list refers to positions before any move.",
        vec![keyed(&["a", "b", "c", "d", "e"]), keyed(&["e", "d", "c", "b", "a"])],
        &[Render(0), Render(1)],
    );
    g.valid(
        "keyed-remove-before-moves",
        &["ED-2.6", "ED-2.11", "RT-4.4"],
        "Keyed items removed and the rest reordered: the RemoveFrame edits come first, and the permutation list's indexes count the children left after them.",
        vec![keyed(&["a", "b", "c", "d"]), keyed(&["d", "b"])],
        &[Render(0), Render(1)],
    );
    g.valid(
        "keyed-insert-and-move",
        &["ED-2.5", "ED-2.11", "RT-4.4"],
        "A new keyed item is inserted while others move: the insertion comes first, then the permutation list over the resulting children.",
        vec![keyed(&["a", "b", "c"]), keyed(&["c", "x", "a", "b"])],
        &[Render(0), Render(1)],
    );
    let keyed_changed = |items: &'static [(&'static str, &'static str)]| {
        step(move |b| {
            b.open_element(0, "ol");
            for (key, text) in items {
                b.open_element(1, "li");
                b.set_key(*key);
                b.add_attribute(2, "class", *key);
                b.add_content(3, *text);
                b.close_element();
            }
            b.close_element();
        })
    };
    g.valid(
        "keyed-move-with-updates",
        &["ED-2.11", "ED-2.9", "RT-4.4"],
        "Moved keyed items whose text changed are updated in place first, at their positions before the moves, then moved.",
        vec![
            keyed_changed(&[("a", "A"), ("b", "B"), ("c", "C")]),
            keyed_changed(&[("c", "C2"), ("a", "A"), ("b", "B2")]),
        ],
        &[Render(0), Render(1)],
    );
    let keyed_components = |counts: &'static [(i32, i32)]| {
        step(move |b| {
            b.open_element(0, "div");
            for (key, count) in counts {
                b.open_component::<Many>(1);
                b.set_key(*key);
                b.add_component_parameter(2, "Count", *count);
                b.close_component();
            }
            b.close_element();
        })
    };
    g.valid(
        "keyed-components-move-with-their-nodes",
        &["ED-2.11", "ED-1.1", "RT-4.4", "RT-1.4"],
        "Keyed components move with all their nodes: each container's whole range moves, including components with no nodes.",
        vec![
            keyed_components(&[(1, 2), (2, 0), (3, 3)]),
            keyed_components(&[(3, 3), (1, 2), (2, 0)]),
        ],
        &[Render(0), Render(1)],
    );
    g.valid(
        "keyed-component-key-changed",
        &["RT-1.4", "RT-2.6", "RT-2.1"],
        "A keyed component whose key changes is a different component: the old one is removed and disposed, a new one created with the next id.",
        vec![keyed_components(&[(1, 1)]), keyed_components(&[(2, 1)])],
        &[Render(0), Render(1)],
    );

    // --- Element reference captures --------------------------------------------------------
    let captured = |value: &'static str| {
        step(move |b| {
            b.open_element(0, "input");
            b.add_attribute(1, "class", "field");
            b.add_attribute(2, "placeholder", value);
            b.add_element_reference_capture(3, |_| {});
            b.close_element();
        })
    };
    g.valid(
        "element-reference-capture",
        &["ED-3.6", "RT-4.5"],
        "An element reference capture gives its element the attribute _bl_<id>; a re-render does not send the capture again and the attribute stays.",
        vec![captured("first"), captured("second")],
        &[Render(0), Render(1)],
    );
}

// ---------------------------------------------------------------------------------------------
// Batches written by hand

fn text(content: &str) -> Frame<String> {
    Frame::Text {
        content: content.into(),
    }
}

fn element(name: &str, subtree_length: i32) -> Frame<String> {
    Frame::Element {
        subtree_length,
        name: name.into(),
    }
}

fn attribute(name: &str, value: &str) -> Frame<String> {
    Frame::Attribute {
        name: name.into(),
        value: Some(value.into()),
        event_handler_id: 0,
    }
}

fn handler_attribute(name: &str, id: u64) -> Frame<String> {
    Frame::Attribute {
        name: name.into(),
        value: None,
        event_handler_id: id,
    }
}

fn component(id: i32, subtree_length: i32) -> Frame<String> {
    Frame::Component {
        subtree_length,
        component_id: id,
    }
}

fn prepend(sibling_index: i32, frame: i32) -> Edit<String> {
    Edit::PrependFrame {
        sibling_index,
        reference_frame_index: frame,
    }
}

fn diff(component_id: i32, edits: Vec<Edit<String>>) -> Diff<String> {
    Diff { component_id, edits }
}

fn batch(diffs: Vec<Diff<String>>, frames: Vec<Frame<String>>) -> RenderBatch {
    RenderBatch {
        updated_components: diffs,
        reference_frames: frames,
        ..Default::default()
    }
}

fn hand_made_valid_vectors(g: &mut Generator) {
    g.valid_by_hand(
        "prepend-region",
        &["ED-3.4", "ED-2.5", "ED-1.2"],
        "A PrependFrame may insert a region frame (Blazor's diff never does, its client supports it): its children go in at consecutive indexes, and later edits count them individually.",
        vec![
            (
                batch(
                    vec![diff(0, vec![prepend(0, 0), prepend(0, 4)])],
                    vec![
                        Frame::Region { subtree_length: 4 },
                        text("a"),
                        element("b", 1),
                        text("c"),
                        text("first"),
                    ],
                ),
                "<!--!-->firsta<b></b>c",
                vec![],
            ),
            (
                batch(
                    vec![diff(
                        0,
                        vec![
                            Edit::StepIn { sibling_index: 2 },
                            prepend(0, 0),
                            Edit::StepOut,
                            Edit::RemoveFrame { sibling_index: 3 },
                        ],
                    )],
                    vec![text("in b")],
                ),
                "<!--!-->firsta<b>in b</b>",
                vec![],
            ),
        ],
    );
    g.valid_by_hand(
        "frames-with-no-node",
        &["ED-3.7", "ED-3.3", "RT-1.2"],
        "Named event frames inside an element, and the parameters, reference capture and render mode frames of a component, insert nothing.",
        vec![(
            batch(
                vec![diff(0, vec![prepend(0, 0), prepend(1, 4)])],
                vec![
                    element("form", 4),
                    attribute("method", "post"),
                    Frame::NamedEvent,
                    text("fields"),
                    component(1, 4),
                    attribute("Title", "t"),
                    Frame::ComponentReferenceCapture,
                    Frame::ComponentRenderMode,
                ],
            ),
            "<!--!--><form method=\"post\">fields</form><!--!-->",
            vec![],
        )],
    );
    g.valid_by_hand(
        "handler-replaced-on-same-element-and-event",
        &["ED-4.1", "ED-5.2", "ED-2.1"],
        "A second handler for the same element and event takes the place of the first; disposing the replaced id afterwards (disposed ids are applied after the diffs) changes nothing.",
        vec![
            (
                batch(
                    vec![diff(0, vec![prepend(0, 0)])],
                    vec![element("button", 2), handler_attribute("onclick", 1)],
                ),
                "<!--!--><button></button>",
                vec![handler(1, "click", &[1])],
            ),
            (
                RenderBatch {
                    disposed_event_handler_ids: vec![1],
                    ..batch(vec![diff(0, vec![Edit::SetAttribute {
                        sibling_index: 0,
                        reference_frame_index: 0,
                    }])], vec![handler_attribute("onclick", 2)])
                },
                "<!--!--><button></button>",
                vec![handler(2, "click", &[1])],
            ),
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// Invalid vectors

/// The first batch of `steps[0]` rendered by the renderer: a real starting document.
fn first(step: Step) -> Vec<u8> {
    run_script(vec![step], &[Act::Render(0)]).remove(0).0
}

fn invalid_vectors(g: &mut Generator) {
    // Component 0 shows `<p>a</p>`: one child.
    let one_paragraph = || {
        first(step(|b| {
            b.open_element(0, "p");
            b.add_content(1, "a");
            b.close_element();
        }))
    };
    // Component 0 shows `text`, `<p>a</p>`, a markup block, then child component 1 (a Leaf).
    let mixed = || {
        first(step(|b| {
            b.add_content(0, "text");
            b.open_element(1, "p");
            b.add_content(2, "a");
            b.close_element();
            b.add_markup_content(3, "<b>m</b>");
            leaf(b, 4, "child");
        }))
    };
    let edit = |edits: Vec<Edit<String>>, frames: Vec<Frame<String>>| encode(&batch(vec![diff(0, edits)], frames));

    g.invalid(
        "remove-past-the-end",
        "A RemoveFrame at the sibling index just past the last child.",
        vec![
            one_paragraph(),
            edit(vec![Edit::RemoveFrame { sibling_index: 1 }], vec![]),
        ],
        "edit/sibling_index_out_of_range",
        1,
        "ED-2.4",
        &["ED-2.6"],
    );
    g.invalid(
        "prepend-past-the-end",
        "A PrependFrame at a sibling index beyond the end (one past the end appends; two past would be appended by Blazor's client at the wrong place).",
        vec![one_paragraph(), edit(vec![prepend(2, 0)], vec![text("x")])],
        "edit/insertion_index_out_of_range",
        1,
        "ED-2.4",
        &["ED-2.5"],
    );
    g.invalid(
        "step-into-missing-child",
        "A StepIn at a sibling index that names no child.",
        vec![
            one_paragraph(),
            edit(vec![Edit::StepIn { sibling_index: 4 }, Edit::StepOut], vec![]),
        ],
        "edit/sibling_index_out_of_range",
        1,
        "ED-2.3",
        &[],
    );
    g.invalid(
        "step-into-text",
        "A StepIn into a text node, which cannot be a parent.",
        vec![
            mixed(),
            edit(
                vec![Edit::StepIn { sibling_index: 0 }, prepend(0, 0), Edit::StepOut],
                vec![text("x")],
            ),
        ],
        "edit/not_an_element",
        1,
        "ED-2.3",
        &[],
    );
    g.invalid(
        "set-attribute-on-text",
        "A SetAttribute aimed at a text node.",
        vec![
            mixed(),
            edit(
                vec![Edit::SetAttribute {
                    sibling_index: 0,
                    reference_frame_index: 0,
                }],
                vec![attribute("class", "x")],
            ),
        ],
        "edit/not_an_element",
        1,
        "ED-2.7",
        &[],
    );
    g.invalid(
        "remove-attribute-on-component",
        "A RemoveAttribute aimed at a child component, whose container is a comment.",
        vec![
            mixed(),
            edit(
                vec![Edit::RemoveAttribute {
                    sibling_index: 3,
                    name: "class".into(),
                }],
                vec![],
            ),
        ],
        "edit/not_an_element",
        1,
        "ED-2.8",
        &["ED-1.2"],
    );
    g.invalid(
        "update-text-on-element",
        "An UpdateText aimed at an element.",
        vec![
            mixed(),
            edit(
                vec![Edit::UpdateText {
                    sibling_index: 1,
                    reference_frame_index: 0,
                }],
                vec![text("x")],
            ),
        ],
        "edit/not_a_text",
        1,
        "ED-2.9",
        &[],
    );
    g.invalid(
        "update-markup-on-text",
        "An UpdateMarkup aimed at a text node rather than a markup block (Blazor's client would remove the text and insert the markup without noticing).",
        vec![
            mixed(),
            edit(
                vec![Edit::UpdateMarkup {
                    sibling_index: 0,
                    reference_frame_index: 0,
                }],
                vec![Frame::Markup {
                    content: "<i>x</i>".into(),
                }],
            ),
        ],
        "edit/not_a_markup_block",
        1,
        "ED-2.10",
        &[],
    );
    let entry = |from: i32, to: i32| Edit::PermutationListEntry {
        sibling_index: from,
        move_to_sibling_index: to,
    };
    g.invalid(
        "permutation-index-past-the-end",
        "A permutation list entry that moves a child to a sibling index past the last child.",
        vec![
            mixed(),
            edit(vec![entry(0, 4), entry(3, 0), Edit::PermutationListEnd], vec![]),
        ],
        "edit/permutation_index_out_of_range",
        1,
        "ED-2.11",
        &[],
    );
    g.invalid(
        "permutation-moves-a-child-twice",
        "A permutation list that moves the same child twice.",
        vec![
            mixed(),
            edit(
                vec![entry(0, 1), entry(0, 2), entry(1, 0), Edit::PermutationListEnd],
                vec![],
            ),
        ],
        "edit/invalid_permutation",
        1,
        "ED-2.11",
        &[],
    );
    g.invalid(
        "permutation-leaves-a-place-empty",
        "A permutation list whose only move puts a child where no moved child leaves a place free.",
        vec![mixed(), edit(vec![entry(0, 1), Edit::PermutationListEnd], vec![])],
        "edit/invalid_permutation",
        1,
        "ED-2.11",
        &[],
    );
    g.invalid(
        "diff-for-unknown-component",
        "A diff for a component id that no component frame ever inserted.",
        vec![
            one_paragraph(),
            encode(&batch(vec![diff(9, vec![prepend(0, 0)])], vec![text("x")])),
        ],
        "unknown_component",
        1,
        "ED-2.2",
        &[],
    );
    g.invalid(
        "diff-for-disposed-component",
        "A diff for a child component that an earlier batch disposed.",
        vec![
            mixed(),
            encode(&RenderBatch {
                disposed_component_ids: vec![1],
                ..batch(vec![diff(0, vec![Edit::RemoveFrame { sibling_index: 3 }])], vec![])
            }),
            encode(&batch(vec![diff(1, vec![prepend(0, 0)])], vec![text("x")])),
        ],
        "unknown_component",
        2,
        "ED-5.1",
        &["ED-2.6"],
    );
    g.invalid(
        "diff-for-removed-container",
        "A diff for a child component whose container an earlier diff of the same batch removed, without disposing it.",
        vec![
            mixed(),
            encode(&batch(
                vec![
                    diff(0, vec![Edit::RemoveFrame { sibling_index: 3 }]),
                    diff(1, vec![prepend(0, 0)]),
                ],
                vec![text("x")],
            )),
        ],
        "component_not_in_document",
        1,
        "ED-2.2",
        &["ED-2.1"],
    );
    g.invalid(
        "dispose-unknown-component",
        "A disposed component id that no container is associated with.",
        vec![
            one_paragraph(),
            encode(&RenderBatch {
                disposed_component_ids: vec![7],
                ..Default::default()
            }),
        ],
        "unknown_disposed_component",
        1,
        "ED-5.1",
        &[],
    );
    g.invalid(
        "component-inserted-twice",
        "A component frame for a component that already has a container.",
        vec![mixed(), edit(vec![prepend(0, 0)], vec![component(1, 1)])],
        "edit/component_already_attached",
        1,
        "ED-3.3",
        &[],
    );
    g.invalid(
        "event-handler-id-registered-twice",
        "An event handler id given to a second element while the first still holds it.",
        vec![
            encode(&batch(
                vec![diff(0, vec![prepend(0, 0)])],
                vec![element("button", 2), handler_attribute("onclick", 1)],
            )),
            edit(
                vec![prepend(1, 0)],
                vec![element("button", 2), handler_attribute("onclick", 1)],
            ),
        ],
        "edit/event_handler_already_tracked",
        1,
        "ED-4.1",
        &[],
    );
    g.invalid(
        "event-handler-name-without-on",
        "An attribute with an event handler id whose name does not start with on.",
        vec![encode(&batch(
            vec![diff(0, vec![prepend(0, 0)])],
            vec![element("button", 2), handler_attribute("click", 1)],
        ))],
        "edit/event_name_without_on_prefix",
        0,
        "ED-4.1",
        &[],
    );
    g.invalid(
        "unsupported-internal-attribute",
        "An __internal_ attribute other than the stopPropagation and preventDefault flags.",
        vec![encode(&batch(
            vec![diff(0, vec![prepend(0, 0)])],
            vec![element("div", 2), attribute("__internal_focus_onclick", "")],
        ))],
        "edit/unsupported_internal_attribute",
        0,
        "ED-4.4",
        &[],
    );
    g.invalid(
        "internal-flag-without-on",
        "An __internal_stopPropagation_ attribute whose event part does not start with on.",
        vec![encode(&batch(
            vec![diff(0, vec![prepend(0, 0)])],
            vec![element("div", 2), attribute("__internal_stopPropagation_click", "")],
        ))],
        "edit/event_name_without_on_prefix",
        0,
        "ED-4.4",
        &[],
    );
    g.invalid(
        "option-under-multiple-select-with-null-value",
        "An option inserted into a select multiple whose pending value is null (the client calls indexOf on null).",
        vec![encode(&batch(
            vec![diff(0, vec![prepend(0, 0)])],
            vec![
                element("select", 5),
                attribute("multiple", ""),
                Frame::Attribute {
                    name: "value".into(),
                    value: None,
                    event_handler_id: 0,
                },
                element("option", 2),
                text("a"),
            ],
        ))],
        "edit/null_multiple_select_value",
        0,
        "ED-4.2",
        &[],
    );
    g.invalid(
        "invalid-element-name",
        "An element name that document.createElement refuses.",
        vec![encode(&batch(
            vec![diff(0, vec![prepend(0, 0)])],
            vec![element("1div", 1)],
        ))],
        "edit/invalid_element_name",
        0,
        "ED-3.1",
        &[],
    );
    g.invalid(
        "invalid-attribute-name",
        "An attribute name that setAttribute refuses.",
        vec![encode(&batch(
            vec![diff(0, vec![prepend(0, 0)])],
            vec![element("div", 2), attribute("a b", "x")],
        ))],
        "edit/invalid_attribute_name",
        0,
        "ED-4.5",
        &[],
    );
    g.invalid(
        "reference-capture-outside-element",
        "An element reference capture whose parent, through a region, is the component's container rather than an element.",
        vec![encode(&batch(
            vec![diff(0, vec![prepend(0, 0)])],
            vec![
                Frame::Region { subtree_length: 2 },
                Frame::ElementReferenceCapture { id: "r1".into() },
            ],
        ))],
        "edit/reference_capture_outside_element",
        0,
        "ED-3.6",
        &["ED-3.4"],
    );
    g.invalid(
        "component-reference-capture-outside-component",
        "A component reference capture frame inserted on its own, outside a component's subtree.",
        vec![encode(&batch(
            vec![diff(0, vec![prepend(0, 0)])],
            vec![Frame::Region { subtree_length: 2 }, Frame::ComponentReferenceCapture],
        ))],
        "edit/unsupported_frame_type",
        0,
        "ED-3.7",
        &[],
    );
    g.invalid(
        "file-input-value",
        "A non-empty value for an input of type file (the browser throws on setting it).",
        vec![encode(&batch(
            vec![diff(0, vec![prepend(0, 0)])],
            vec![
                element("input", 3),
                attribute("type", "file"),
                attribute("value", "c:\\x"),
            ],
        ))],
        "edit/file_input_value",
        0,
        "ED-4.2",
        &[],
    );
    g.invalid(
        "multiple-select-value-not-json",
        "A value for a select multiple that is not JSON (the client parses it with JSON.parse).",
        vec![encode(&batch(
            vec![diff(0, vec![prepend(0, 0)])],
            vec![
                element("select", 3),
                attribute("multiple", ""),
                attribute("value", "a,b"),
            ],
        ))],
        "edit/invalid_multiple_select_value",
        0,
        "ED-4.2",
        &[],
    );
}
