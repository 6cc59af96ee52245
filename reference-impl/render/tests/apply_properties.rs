//! Property: `apply(diff(a, b), dom(a)) == dom(b)` for the renderer's own batches.
//!
//! Random render trees (elements with attributes and event handlers, text, markup, regions,
//! keyed and unkeyed siblings, nested child components of three kinds, one of them taking child
//! content) are rendered by a root component, then a second tree (a random edit of the first, or
//! an unrelated one) is rendered by the same component. Both batches are applied to `brasa-dom`,
//! and the document must hold exactly what the trees describe, worked out here directly from the
//! trees (not from the renderer or the DOM model). Then the second tree is rendered again,
//! unchanged, and the diffs must be empty.
//!
//! Checked on every case:
//! * RT-4.2: every batch passes the strict reader (`render_batch::validate`).
//! * RT-4.1, ED-2.5 … ED-2.11: after the first batch the root's `innerHTML` is exactly the first
//!   tree's HTML; after the second, the document equals the second tree's HTML (attribute order
//!   aside: a retained element keeps its old attributes first, ED-4.5); a fresh document given
//!   the second tree alone shows exactly its HTML.
//! * ED-4.1, ED-5.2, RT-3.1, RT-3.3: the registered handlers are those of the tree, at their
//!   elements, with ids the renderer holds live, and no others (nothing leaks).
//! * RT-2.1, RT-2.2, RT-2.3: the first batch's diffs are components 0, 1, 2, … in creation order,
//!   each built by PrependFrame edits only; ED-5.1, RT-2.6: the document's live containers are
//!   exactly the renderer's live components.
//! * RT-2.4, RT-2.5: re-rendering an unchanged tree gives one diff for the root and one per
//!   component taking child content (a new fragment each time), none for the others; no edits,
//!   except that a handler that is a new delegate on every render gets a new id (SetAttribute,
//!   old id retired, RT-3.3).
//! * RT-1.4: the trees' keys are unique per sibling range, integer and string keys never equal;
//!   keyed siblings are shuffled, so permutation lists are exercised (RT-4.4).
//! * RT-1.3, RT-1.5: sequence numbers are template-like, but edits insert nodes with arbitrary
//!   ones and some second trees are unrelated to the first; regions nest and hold child content.
//! * RT-3.2: handlers that are the same delegate on every render keep their ids (the unchanged
//!   re-render retires only the ids of the others).
//! * RT-1.8: elements may carry named events (frames of sequence 0 after the attributes), which
//!   insert nothing and emit no edit.

use std::sync::Arc;

use brasa_dom::{Document, NodeKind};
use brasa_protocol::render_batch::{EditType, Frame, Limits, validate};
use brasa_render::{
    Batch, Component, EventArgs, EventHandler, Key, ParameterView, RenderFragment, RenderTreeBuilder, Renderer,
};
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------------
// Trees

#[derive(Clone, Debug)]
enum Value {
    Str(&'static str),
    Bool(bool),
    /// An event handler: the same delegate on every render (`stable`), or a new one each time.
    Handler {
        stable: bool,
    },
    /// Not an attribute: a named event (`@formname`, RT-1.8) of the element's `onsubmit`,
    /// written after its attributes; it shows nowhere in the document.
    Named(&'static str),
}

#[derive(Clone, Debug)]
enum Node {
    Element {
        seq: i32,
        tag: &'static str,
        key: Option<Key>,
        attrs: Vec<(&'static str, Value)>,
        children: Vec<Node>,
    },
    Text {
        seq: i32,
        text: &'static str,
    },
    Markup {
        seq: i32,
        markup: &'static str,
    },
    Region {
        seq: i32,
        nodes: Vec<Node>,
    },
    /// `Leaf`: `<span class="leaf">text</span>`; a string parameter.
    Leaf {
        seq: i32,
        key: Option<Key>,
        text: &'static str,
    },
    /// `Panel`: `<fieldset><legend>title</legend>content</fieldset>`; `content` is child content.
    Panel {
        seq: i32,
        key: Option<Key>,
        title: &'static str,
        content: Vec<Node>,
    },
    /// `Many`: `count` text nodes `m0`, `m1`, … (possibly none); an `int` parameter.
    Many {
        seq: i32,
        key: Option<Key>,
        count: i32,
    },
}

const TAGS: &[&str] = &["div", "span", "p", "ul", "li", "b", "section", "input"];
const TEXTS: &[&str] = &["", "a", "b", "x & y", "<i>", "\u{a0}", " "];
const MARKUP: &[(&str, usize)] = &[
    ("", 1),
    ("<b>m</b>", 1),
    ("<i>x</i> y", 2),
    ("<!--c-->", 1),
    ("<br>", 1),
    ("t &amp; u", 1),
];
/// Attribute names, in the order (and with the sequence numbers) a template writes them.
const ATTRIBUTES: &[&str] = &[
    "id", "class", "title", "data-x", "hidden", "onclick", "oninput", "value", "checked",
];
const VALUES: &[&str] = &["a", "b", "x y", "&<\">"];

/// A small deterministic generator (SplitMix64), driven by proptest's seeds.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    fn key(&mut self) -> Key {
        // Integer and string keys that look alike never compare equal (RT-1.4).
        if self.chance(50) {
            Key::Int(self.below(6) as i64)
        } else {
            Key::from(["0", "1", "2", "k", "x"][self.below(5)])
        }
    }

    fn attrs(&mut self, tag: &str) -> Vec<(&'static str, Value)> {
        let mut attrs = Vec::new();
        for &name in ATTRIBUTES {
            if !self.chance(30) {
                continue;
            }
            let value = match name {
                "onclick" | "oninput" => Value::Handler {
                    stable: self.chance(70),
                },
                "hidden" | "checked" => Value::Bool(self.chance(70)),
                "value" if tag != "input" && self.chance(50) => continue,
                _ if self.chance(15) => Value::Bool(self.chance(50)),
                _ => Value::Str(self.pick(VALUES)),
            };
            attrs.push((name, value));
        }
        if self.chance(15) {
            attrs.push(("@formname", Value::Named(self.pick(&["f", "g"]))));
        }
        attrs
    }

    fn node(&mut self, seq: i32, depth: usize) -> Node {
        let key = |rng: &mut Rng| if rng.chance(25) { Some(rng.key()) } else { None };
        match self.below(if depth == 0 { 5 } else { 9 }) {
            0 | 1 => Node::Text {
                seq,
                text: self.pick(TEXTS),
            },
            2 => Node::Markup {
                seq,
                markup: self.pick(MARKUP).0,
            },
            3 => Node::Leaf {
                seq,
                key: key(self),
                text: self.pick(TEXTS),
            },
            4 => Node::Many {
                seq,
                key: key(self),
                count: self.below(3) as i32,
            },
            5 => Node::Region {
                seq,
                nodes: self.nodes(depth - 1),
            },
            6 => Node::Panel {
                seq,
                key: key(self),
                title: self.pick(TEXTS),
                content: self.nodes(depth - 1),
            },
            _ => {
                let tag = self.pick(TAGS);
                Node::Element {
                    seq,
                    tag,
                    key: key(self),
                    attrs: self.attrs(tag),
                    children: if tag == "input" {
                        Vec::new()
                    } else {
                        self.nodes(depth - 1)
                    },
                }
            }
        }
    }

    /// A sibling list as a template writes it: sequence numbers by position, and sometimes a
    /// loop: several keyed items with one sequence number.
    fn nodes(&mut self, depth: usize) -> Vec<Node> {
        let mut out = Vec::new();
        let count = self.below(6);
        for slot in 0..count as i32 {
            if depth > 0 && self.chance(25) {
                let component = self.chance(40);
                for _ in 0..self.below(5) {
                    let key = Some(self.key());
                    out.push(if component {
                        Node::Leaf {
                            seq: slot,
                            key,
                            text: self.pick(TEXTS),
                        }
                    } else {
                        Node::Element {
                            seq: slot,
                            tag: "li",
                            key,
                            attrs: self.attrs("li"),
                            children: vec![Node::Text {
                                seq: 0,
                                text: self.pick(TEXTS),
                            }],
                        }
                    });
                }
            } else {
                out.push(self.node(slot, depth));
            }
        }
        out
    }

    /// A random edit of a sibling list: nodes removed, changed, inserted, keyed nodes reordered.
    fn edit(&mut self, nodes: &[Node], depth: usize) -> Vec<Node> {
        let mut out = Vec::new();
        for node in nodes {
            if self.chance(12) {
                continue;
            }
            if self.chance(10) {
                let seq = self.below(6) as i32;
                out.push(self.node(seq, depth));
            }
            out.push(self.edit_node(node, depth));
        }
        if self.chance(25) {
            let seq = self.below(6) as i32;
            let at = self.below(out.len() + 1);
            let node = self.node(seq, depth);
            out.insert(at, node);
        }
        if self.chance(50) {
            // Shuffle the keyed nodes among their own places.
            let places: Vec<usize> = (0..out.len()).filter(|&i| key_of(&out[i]).is_some()).collect();
            let mut keyed: Vec<Node> = places.iter().map(|&i| out[i].clone()).collect();
            for i in (1..keyed.len()).rev() {
                let j = self.below(i + 1);
                keyed.swap(i, j);
            }
            for (place, node) in places.into_iter().zip(keyed) {
                out[place] = node;
            }
        }
        out
    }

    fn edit_node(&mut self, node: &Node, depth: usize) -> Node {
        let mut node = node.clone();
        let change = self.chance(30);
        match &mut node {
            Node::Element {
                tag,
                key,
                attrs,
                children,
                ..
            } => {
                if change && self.chance(20) && *tag != "input" {
                    *tag = self.pick(&TAGS[..7]);
                }
                if change && self.chance(30) {
                    *attrs = self.attrs(tag);
                }
                if change && self.chance(10) {
                    *key = if self.chance(50) { Some(self.key()) } else { None };
                }
                if depth > 0 {
                    *children = self.edit(children, depth - 1);
                }
            }
            Node::Text { text, .. } if change => *text = self.pick(TEXTS),
            Node::Markup { markup, .. } if change => *markup = self.pick(MARKUP).0,
            Node::Region { nodes, .. } if depth > 0 => *nodes = self.edit(nodes, depth - 1),
            Node::Leaf { text, .. } if change => *text = self.pick(TEXTS),
            Node::Many { count, .. } if change => *count = self.below(3) as i32,
            Node::Panel { title, content, .. } => {
                if change {
                    *title = self.pick(TEXTS);
                }
                if depth > 0 {
                    *content = self.edit(content, depth - 1);
                }
            }
            _ => {}
        }
        node
    }
}

fn key_of(node: &Node) -> Option<&Key> {
    match node {
        Node::Element { key, .. } | Node::Leaf { key, .. } | Node::Panel { key, .. } | Node::Many { key, .. } => {
            key.as_ref()
        }
        _ => None,
    }
}

/// Keys are unique per sibling range (RT-1.4): drop the later holders of a repeated key. A
/// region's children and a component's child content are ranges of their own.
fn unique_keys(nodes: Vec<Node>) -> Vec<Node> {
    let mut seen: Vec<Key> = Vec::new();
    let mut out = Vec::new();
    for mut node in nodes {
        if let Some(key) = key_of(&node) {
            if seen.contains(key) {
                continue;
            }
            seen.push(key.clone());
        }
        match &mut node {
            Node::Element { children, .. } => *children = unique_keys(std::mem::take(children)),
            Node::Region { nodes, .. } => *nodes = unique_keys(std::mem::take(nodes)),
            Node::Panel { content, .. } => *content = unique_keys(std::mem::take(content)),
            _ => {}
        }
        out.push(node);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Components

struct Root {
    trees: Vec<Arc<Vec<Node>>>,
    index: usize,
}

fn on_event(_: &mut Root, _: &EventArgs) {}

fn render_nodes(b: &mut RenderTreeBuilder<'_>, nodes: &[Node]) {
    for node in nodes {
        match node {
            Node::Element {
                seq,
                tag,
                key,
                attrs,
                children,
            } => {
                b.open_element(*seq, *tag);
                if let Some(key) = key {
                    b.set_key(key.clone());
                }
                for (name, value) in attrs {
                    if matches!(value, Value::Named(_)) {
                        continue;
                    }
                    let attribute_seq = 100 + ATTRIBUTES.iter().position(|a| a == name).unwrap() as i32;
                    match value {
                        Value::Str(s) => b.add_attribute(attribute_seq, *name, *s),
                        Value::Bool(v) => b.add_attribute(attribute_seq, *name, *v),
                        Value::Handler { stable: true } => {
                            b.add_attribute(attribute_seq, *name, EventHandler::new(on_event))
                        }
                        Value::Handler { stable: false } => {
                            b.add_attribute(attribute_seq, *name, EventHandler::unique(on_event))
                        }
                        Value::Named(_) => {}
                    }
                }
                for (_, value) in attrs {
                    if let Value::Named(name) = value {
                        b.add_named_event("onsubmit", *name);
                    }
                }
                render_nodes(b, children);
                b.close_element();
            }
            Node::Text { seq, text } => b.add_content(*seq, *text),
            Node::Markup { seq, markup } => b.add_markup_content(*seq, *markup),
            Node::Region { seq, nodes } => {
                b.open_region(*seq);
                render_nodes(b, nodes);
                b.close_region();
            }
            Node::Leaf { seq, key, text } => {
                b.open_component::<Leaf>(*seq);
                if let Some(key) = key {
                    b.set_key(key.clone());
                }
                b.add_component_parameter(200, "Text", *text);
                b.close_component();
            }
            Node::Many { seq, key, count } => {
                b.open_component::<Many>(*seq);
                if let Some(key) = key {
                    b.set_key(key.clone());
                }
                b.add_component_parameter(200, "Count", *count);
                b.close_component();
            }
            Node::Panel {
                seq,
                key,
                title,
                content,
            } => {
                b.open_component::<Panel>(*seq);
                if let Some(key) = key {
                    b.set_key(key.clone());
                }
                b.add_component_parameter(200, "Title", *title);
                let content = Arc::new(content.clone());
                b.add_component_parameter(
                    201,
                    "ChildContent",
                    RenderFragment::new(move |b| render_nodes(b, &content)),
                );
                b.close_component();
            }
        }
    }
}

impl Component for Root {
    fn render(&self, b: &mut RenderTreeBuilder<'_>) {
        render_nodes(b, &self.trees[self.index]);
    }
}

#[derive(Default)]
struct Leaf {
    text: String,
}

impl Component for Leaf {
    fn set_parameters(&mut self, parameters: &ParameterView<'_>) {
        self.text = parameters.get_str("Text").map(|s| s.to_string()).unwrap_or_default();
    }

    fn render(&self, b: &mut RenderTreeBuilder<'_>) {
        b.open_element(0, "span");
        b.add_attribute(1, "class", "leaf");
        b.add_content(2, self.text.clone());
        b.close_element();
    }
}

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

#[derive(Default)]
struct Panel {
    title: String,
    content: Option<RenderFragment>,
}

impl Component for Panel {
    fn set_parameters(&mut self, parameters: &ParameterView<'_>) {
        self.title = parameters.get_str("Title").map(|s| s.to_string()).unwrap_or_default();
        self.content = parameters.get_fragment("ChildContent");
    }

    fn render(&self, b: &mut RenderTreeBuilder<'_>) {
        b.open_element(0, "fieldset");
        b.open_element(1, "legend");
        b.add_content(2, self.title.clone());
        b.close_element();
        if let Some(content) = &self.content {
            b.add_fragment(3, content);
        }
        b.close_element();
    }
}

// ---------------------------------------------------------------------------------------------
// What the trees say the document is

fn escape(text: &str, attribute: bool, out: &mut String) {
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
}

fn start_tag(name: &str, mut attributes: Vec<(String, String)>, sorted: bool, out: &mut String) {
    if sorted {
        attributes.sort();
    }
    out.push('<');
    out.push_str(name);
    for (name, value) in attributes {
        out.push(' ');
        out.push_str(&name);
        out.push_str("=\"");
        escape(&value, true, out);
        out.push('"');
    }
    out.push('>');
}

/// The HTML of a tree as Chromium serialises what Blazor's client builds from it: containers of
/// components and markup blocks as `<!--!-->`, event handlers and the `value`/`checked`
/// properties of inputs not as attributes, `true` as an empty attribute, `false` as none.
fn tree_html(nodes: &[Node], sorted: bool, out: &mut String) {
    for node in nodes {
        match node {
            Node::Element {
                tag, attrs, children, ..
            } => {
                let attributes = attrs
                    .iter()
                    .filter_map(|(name, value)| {
                        let property = *tag == "input" && matches!(*name, "value" | "checked");
                        match value {
                            _ if property => None,
                            Value::Str(s) => Some((name.to_string(), s.to_string())),
                            Value::Bool(true) => Some((name.to_string(), String::new())),
                            Value::Bool(false) | Value::Handler { .. } | Value::Named(_) => None,
                        }
                    })
                    .collect();
                start_tag(tag, attributes, sorted, out);
                if *tag != "input" {
                    tree_html(children, sorted, out);
                    out.push_str(&format!("</{tag}>"));
                }
            }
            Node::Text { text, .. } => escape(text, false, out),
            Node::Markup { markup, .. } => {
                out.push_str("<!--!-->");
                out.push_str(if markup.is_empty() { " " } else { markup });
            }
            Node::Region { nodes, .. } => tree_html(nodes, sorted, out),
            Node::Leaf { text, .. } => {
                out.push_str("<!--!--><span class=\"leaf\">");
                escape(text, false, out);
                out.push_str("</span>");
            }
            Node::Many { count, .. } => {
                out.push_str("<!--!-->");
                for i in 0..*count {
                    out.push_str(&format!("m{i}"));
                }
            }
            Node::Panel { title, content, .. } => {
                out.push_str("<!--!--><fieldset><legend>");
                escape(title, false, out);
                out.push_str("</legend>");
                tree_html(content, sorted, out);
                out.push_str("</fieldset>");
            }
        }
    }
}

fn expected_html(nodes: &[Node], sorted: bool) -> String {
    let mut out = "<!--!-->".to_owned();
    tree_html(nodes, sorted, &mut out);
    out
}

/// The event handlers a tree registers, as (DOM path of the element, event name).
fn tree_handlers(nodes: &[Node], path: &[usize], next: &mut usize, out: &mut Vec<(Vec<usize>, String)>) {
    for node in nodes {
        match node {
            Node::Element { attrs, children, .. } => {
                let mut here = path.to_vec();
                here.push(*next);
                *next += 1;
                for (name, value) in attrs {
                    if let Value::Handler { .. } = value {
                        out.push((here.clone(), name.trim_start_matches("on").to_owned()));
                    }
                }
                tree_handlers(children, &here, &mut 0, out);
            }
            Node::Text { .. } => *next += 1,
            Node::Markup { markup, .. } => {
                *next += 1 + MARKUP.iter().find(|(m, _)| m == markup).unwrap().1;
            }
            Node::Region { nodes, .. } => tree_handlers(nodes, path, next, out),
            Node::Leaf { .. } => *next += 2,
            Node::Many { count, .. } => *next += 1 + *count as usize,
            Node::Panel { content, .. } => {
                let mut fieldset = path.to_vec();
                fieldset.push(*next + 1);
                *next += 2;
                tree_handlers(content, &fieldset, &mut 1, out);
            }
        }
    }
}

fn expected_handlers(nodes: &[Node]) -> Vec<(Vec<usize>, String)> {
    let mut out = Vec::new();
    tree_handlers(nodes, &[], &mut 1, &mut out);
    out.sort();
    out
}

fn count_components(nodes: &[Node]) -> (usize, usize, usize) {
    // (components, panels, handlers that are a new delegate on every render)
    let mut totals = (0, 0, 0);
    for node in nodes {
        let (c, p, h) = match node {
            Node::Element { attrs, children, .. } => {
                let (c, p, h) = count_components(children);
                let unstable = attrs
                    .iter()
                    .filter(|(_, v)| matches!(v, Value::Handler { stable: false }))
                    .count();
                (c, p, h + unstable)
            }
            Node::Region { nodes, .. } => count_components(nodes),
            Node::Leaf { .. } | Node::Many { .. } => (1, 0, 0),
            Node::Panel { content, .. } => {
                let (c, p, h) = count_components(content);
                (c + 1, p + 1, h)
            }
            _ => (0, 0, 0),
        };
        totals = (totals.0 + c, totals.1 + p, totals.2 + h);
    }
    totals
}

// ---------------------------------------------------------------------------------------------
// What the document is

/// The document's content serialised with each element's attributes sorted by name.
fn canonical(document: &Document, node: brasa_dom::NodeId, out: &mut String) {
    for child in document.children(node) {
        match document.kind(child) {
            NodeKind::Element => {
                let name = document.element_name(child).unwrap();
                let attributes = document
                    .attributes(child)
                    .iter()
                    .map(|a| (a.name.clone(), a.value.clone()))
                    .collect();
                start_tag(name, attributes, true, out);
                if !matches!(name, "input" | "br") {
                    canonical(document, child, out);
                    out.push_str(&format!("</{name}>"));
                }
            }
            NodeKind::Text => escape(document.text(child).unwrap(), false, out),
            NodeKind::Comment => out.push_str(&format!("<!--{}-->", document.text(child).unwrap())),
            NodeKind::Fragment => unreachable!(),
        }
    }
}

fn canonical_html(document: &Document) -> String {
    let mut out = String::new();
    canonical(document, document.root(), &mut out);
    out
}

fn document_handlers(document: &Document, renderer: &Renderer) -> Result<Vec<(Vec<usize>, String)>, TestCaseError> {
    let mut out = Vec::new();
    for h in document.handlers() {
        prop_assert!(
            renderer.has_event_handler(h.event_handler_id),
            "handler {} is registered but retired",
            h.event_handler_id
        );
        let path = h
            .path
            .ok_or_else(|| TestCaseError::fail(format!("handler {} is on a removed element", h.event_handler_id)))?;
        out.push((path, h.event_name));
    }
    prop_assert_eq!(
        out.len(),
        renderer.event_handler_count(),
        "live ids the document does not hold"
    );
    out.sort();
    Ok(out)
}

fn apply(document: &mut Document, batch: &Batch) -> Result<(), TestCaseError> {
    let bytes = batch.encode().map_err(|e| TestCaseError::fail(e.to_string()))?;
    // RT-4.2: every batch a producer writes passes the strict reader.
    let view = validate(&bytes, &Limits::DEFAULT).map_err(|e| TestCaseError::fail(format!("strict reader: {e}")))?;
    document
        .apply_view(&view)
        .map_err(|e| TestCaseError::fail(format!("{e} ({})", e.name())))
}

fn render_root(renderer: &mut Renderer, index: Option<usize>) -> Result<Batch, TestCaseError> {
    let batch = match index {
        None => renderer.render_root_component(0),
        Some(index) => renderer
            .with_component(0, |r: &mut Root| r.index = index)
            .and_then(|()| renderer.state_has_changed(0))
            .and_then(|()| renderer.process_render_queue()),
    };
    batch
        .map_err(|e| TestCaseError::fail(e.to_string()))?
        .ok_or_else(|| TestCaseError::fail("no batch"))
}

fn check(a: Vec<Node>, b: Vec<Node>) -> Result<(), TestCaseError> {
    let (components_a, _, _) = count_components(&a);
    let (_, panels_b, unstable_b) = count_components(&b);
    let trees = vec![Arc::new(a.clone()), Arc::new(b.clone())];
    let mut renderer = Renderer::new();
    renderer.add_root_component(Root {
        trees: trees.clone(),
        index: 0,
    });
    let mut document = Document::with_root_component(0);

    // First render: every component renders once, in creation order, from nothing.
    let first = render_root(&mut renderer, None)?;
    let ids: Vec<i32> = first.updated_components.iter().map(|d| d.component_id).collect();
    prop_assert_eq!(ids, (0..=components_a as i32).collect::<Vec<_>>());
    prop_assert!(
        first
            .updated_components
            .iter()
            .all(|d| d.edits.iter().all(|e| e.edit_type() == EditType::PrependFrame)),
        "a first render with edits other than PrependFrame"
    );
    apply(&mut document, &first)?;
    prop_assert_eq!(document.inner_html(), expected_html(&a, false));
    prop_assert_eq!(document_handlers(&document, &renderer)?, expected_handlers(&a));

    // The edit.
    let second = render_root(&mut renderer, Some(1))?;
    apply(&mut document, &second)?;
    prop_assert_eq!(canonical_html(&document), expected_html(&b, true));
    prop_assert_eq!(document_handlers(&document, &renderer)?, expected_handlers(&b));
    prop_assert_eq!(document.component_ids().len(), renderer.component_count());

    // The second tree from scratch shows exactly its HTML.
    let mut fresh_renderer = Renderer::new();
    fresh_renderer.add_root_component(Root { trees, index: 1 });
    let mut fresh = Document::with_root_component(0);
    apply(&mut fresh, &render_root(&mut fresh_renderer, None)?)?;
    prop_assert_eq!(fresh.inner_html(), expected_html(&b, false));

    // An unchanged re-render: the root and every Panel (new child content) re-render, with no
    // edits but for handlers that are new delegates each time.
    let before = canonical_html(&document);
    let again = render_root(&mut renderer, Some(1))?;
    prop_assert_eq!(again.updated_components.len(), 1 + panels_b);
    prop_assert!(again.disposed_component_ids.is_empty());
    prop_assert_eq!(again.disposed_event_handler_ids.len(), unstable_b);
    for diff in &again.updated_components {
        for edit in &diff.edits {
            prop_assert!(
                unstable_b > 0
                    && matches!(
                        edit.edit_type(),
                        EditType::StepIn | EditType::StepOut | EditType::SetAttribute
                    ),
                "edit {:?} in an unchanged re-render",
                edit
            );
        }
    }
    let handler_frames_only = again
        .reference_frames
        .iter()
        .all(|f| matches!(f, Frame::Attribute { event_handler_id, .. } if *event_handler_id != 0));
    prop_assert!(
        handler_frames_only,
        "frames other than new handlers in an unchanged re-render"
    );
    apply(&mut document, &again)?;
    prop_assert_eq!(canonical_html(&document), before);
    prop_assert_eq!(document_handlers(&document, &renderer)?, expected_handlers(&b));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn applying_the_diff_of_two_trees_gives_the_dom_of_the_second(seed in any::<u64>(), mode in 0u8..4) {
        let mut rng = Rng(seed);
        let a = unique_keys(rng.nodes(3));
        // Mostly an edit of the first tree; sometimes an unrelated tree; sometimes the same one.
        let b = match mode {
            0 => unique_keys(rng.nodes(3)),
            1 => a.clone(),
            _ => unique_keys(rng.edit(&a, 3)),
        };
        check(a, b)?;
    }
}

#[test]
fn duplicate_keys_are_refused() {
    // RT-1.4: two siblings with one key fail the render instead of producing a batch.
    let node = |key: Key| Node::Element {
        seq: 0,
        tag: "li",
        key: Some(key),
        attrs: Vec::new(),
        children: Vec::new(),
    };
    let mut renderer = Renderer::new();
    renderer.add_root_component(Root {
        trees: vec![Arc::new(vec![node(Key::Int(1)), node(Key::Int(1))])],
        index: 0,
    });
    assert!(renderer.render_root_component(0).is_err());
    // An integer key and a string key spelt alike are different keys.
    let mut renderer = Renderer::new();
    renderer.add_root_component(Root {
        trees: vec![Arc::new(vec![node(Key::Int(1)), node(Key::from("1"))])],
        index: 0,
    });
    assert!(renderer.render_root_component(0).is_ok());
}

/// A root component writing its tree with raw builder calls.
struct Raw(fn(&mut RenderTreeBuilder<'_>));

impl Component for Raw {
    fn render(&self, b: &mut RenderTreeBuilder<'_>) {
        (self.0)(b)
    }
}

fn renders(write: fn(&mut RenderTreeBuilder<'_>)) -> bool {
    let mut renderer = Renderer::new();
    let root = renderer.add_root_component(Raw(write));
    renderer.render_root_component(root).is_ok()
}

#[test]
fn malformed_trees_are_refused() {
    // RT-1.1: open and close calls must match, and nothing may be left open.
    assert!(renders(|b| {
        b.open_element(0, "div");
        b.close_element();
    }));
    assert!(!renders(|b| b.open_element(0, "div")));
    assert!(!renders(|b| {
        b.open_element(0, "div");
        b.close_region();
    }));
    // RT-1.2: attributes only right after an element or component (or its other attributes),
    // element reference captures only inside an element, component reference captures only
    // inside a component, keys only on elements and components.
    assert!(!renders(|b| {
        b.open_element(0, "div");
        b.add_content(1, "text");
        b.add_attribute(2, "class", "late");
        b.close_element();
    }));
    assert!(!renders(|b| b.add_attribute(0, "class", "top")));
    assert!(!renders(|b| b.add_element_reference_capture(0, |_| {})));
    assert!(!renders(|b| {
        b.open_element(0, "div");
        b.add_component_reference_capture(1, |_| {});
        b.close_element();
    }));
    assert!(!renders(|b| {
        b.open_region(0);
        b.set_key(1);
        b.close_region();
    }));
}

#[test]
fn element_attribute_values_follow_the_builder_rules() {
    // RT-1.6: null and false write no frame, true writes "", other values their text, delegates
    // a frame with an event handler id and no value (RT-3.1); a delegate under a name without
    // `on` gets no id.
    let mut renderer = Renderer::new();
    let root = renderer.add_root_component(Raw(|b| {
        b.open_element(0, "input");
        b.add_attribute(1, "a", Option::<&str>::None);
        b.add_attribute(2, "b", false);
        b.add_attribute(3, "c", true);
        b.add_attribute(4, "d", 42);
        b.add_attribute(5, "onclick", EventHandler::new(|_: &mut Raw, _: &EventArgs| {}));
        b.add_attribute(6, "handler", EventHandler::new(|_: &mut Raw, _: &EventArgs| {}));
        b.close_element();
    }));
    let batch = renderer.render_root_component(root).unwrap().unwrap();
    let attributes: Vec<(String, Option<String>, u64)> = batch
        .reference_frames
        .iter()
        .filter_map(|f| match f {
            Frame::Attribute {
                name,
                value,
                event_handler_id,
            } => Some((
                name.to_string(),
                value.as_ref().map(|v| v.to_string()),
                *event_handler_id,
            )),
            _ => None,
        })
        .collect();
    let expected = [
        ("c", Some(""), 0),
        ("d", Some("42"), 0),
        ("onclick", None, 1),
        ("handler", None, 0),
    ];
    assert_eq!(
        attributes,
        expected
            .iter()
            .map(|(n, v, id)| (n.to_string(), v.map(str::to_owned), *id))
            .collect::<Vec<_>>()
    );
}
