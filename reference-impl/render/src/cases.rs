//! The diff-case harness: the render trees of `reference/diff-cases/*.json` rendered by real
//! components (`Leaf`, `Box`, `Frame` and a root that writes each tree in turn).

use std::sync::Arc;

use serde_json::Value;

use crate::builder::RenderTreeBuilder;
use crate::event::EventArgs;
use crate::frame::{AttributeValue, EventHandler, Key, RenderFragment};
use crate::renderer::{Component, ParameterView, Renderer};
use crate::str::Str;

/// Errors of the diff-case harness.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct CaseError(pub String);

fn error(message: impl Into<String>) -> CaseError {
    CaseError(message.into())
}

/// A node of a case tree (the case README's table): sequence number, then what the node holds.
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub enum Node {
    /// `OpenElement`, `SetKey`, `AddAttribute`s, children, `CloseElement`.
    Element {
        seq: i32,
        tag: Str,
        key: Option<Key>,
        attrs: Vec<(i32, Str, AttrValue)>,
        children: Vec<Node>,
    },
    /// `AddContent(seq, text)`.
    Text { seq: i32, text: Str },
    /// `AddMarkupContent(seq, markup)`.
    Markup { seq: i32, markup: Str },
    /// `OpenRegion`, nodes, `CloseRegion`.
    Region { seq: i32, nodes: Vec<Node> },
    /// `OpenComponent<Leaf>` with `Text`.
    Leaf {
        seq: i32,
        key: Option<Key>,
        params: Vec<(i32, Str, Str)>,
    },
    /// `OpenComponent<Box>` with `Items`.
    Box {
        seq: i32,
        key: Option<Key>,
        params: Vec<(i32, Str, Arc<Vec<Str>>)>,
    },
    /// `OpenComponent<Frame>` with `Title` and `ChildContent`.
    Frame {
        seq: i32,
        key: Option<Key>,
        params: Vec<(i32, Str, FrameParam)>,
    },
}

/// An element attribute's value in a case tree.
#[derive(Debug, Clone)]
pub enum AttrValue {
    /// A string.
    String(Str),
    /// `true` or `false`.
    Bool(bool),
    /// An event handler: a named one is the same delegate on every render; `""` is new each time.
    Handler(String),
}

/// A `Frame` parameter.
#[derive(Debug, Clone)]
pub enum FrameParam {
    /// `Title`.
    Title(Str),
    /// `ChildContent`: nodes written by the parent.
    ChildContent(Arc<Vec<Node>>),
}

fn int(value: &Value, what: &str) -> Result<i32, CaseError> {
    value
        .as_i64()
        .and_then(|v| i32::try_from(v).ok())
        .ok_or_else(|| error(format!("{what}: expected an integer, found {value}")))
}

fn string(value: &Value, what: &str) -> Result<Str, CaseError> {
    value
        .as_str()
        .map(Str::copy_from)
        .ok_or_else(|| error(format!("{what}: expected a string, found {value}")))
}

fn key(node: &Value) -> Result<Option<Key>, CaseError> {
    match node.get("key") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_i64()
            .map(|n| Some(Key::Int(n)))
            .ok_or_else(|| error(format!("bad key {n}"))),
        Some(Value::String(s)) => Ok(Some(Key::String(Str::copy_from(s)))),
        Some(other) => Err(error(format!("bad key {other}"))),
    }
}

fn array<'v>(value: Option<&'v Value>, what: &str) -> Result<&'v Vec<Value>, CaseError> {
    value
        .and_then(Value::as_array)
        .ok_or_else(|| error(format!("{what}: expected an array")))
}

fn params(node: &Value) -> Result<Vec<(i32, &str, &Value)>, CaseError> {
    array(node.get("params"), "params")?
        .iter()
        .map(|p| match p.as_array().map(Vec::as_slice) {
            Some([seq, Value::String(name), value]) => Ok((int(seq, "parameter sequence")?, name.as_str(), value)),
            _ => Err(error(format!("bad parameter {p}"))),
        })
        .collect()
}

/// Parses a list of case-tree nodes.
pub fn parse_nodes(value: &Value) -> Result<Vec<Node>, CaseError> {
    value
        .as_array()
        .ok_or_else(|| error("expected a list of nodes"))?
        .iter()
        .map(parse_node)
        .collect()
}

fn parse_node(node: &Value) -> Result<Node, CaseError> {
    let seq = int(node.get("seq").unwrap_or(&Value::Null), "seq")?;
    if let Some(tag) = node.get("el") {
        let attrs = array(node.get("attrs"), "attrs")?
            .iter()
            .map(|a| match a.as_array().map(Vec::as_slice) {
                Some([seq, Value::String(name), value]) => {
                    let value = match value {
                        Value::String(s) => AttrValue::String(Str::copy_from(s)),
                        Value::Bool(b) => AttrValue::Bool(*b),
                        Value::Object(o) => match o.get("handler") {
                            Some(Value::String(h)) => AttrValue::Handler(h.clone()),
                            _ => return Err(error(format!("bad attribute value {value}"))),
                        },
                        _ => return Err(error(format!("bad attribute value {value}"))),
                    };
                    Ok((int(seq, "attribute sequence")?, Str::copy_from(name), value))
                }
                _ => Err(error(format!("bad attribute {a}"))),
            })
            .collect::<Result<_, _>>()?;
        let children = parse_nodes(node.get("children").unwrap_or(&Value::Array(Vec::new())))?;
        return Ok(Node::Element {
            seq,
            tag: string(tag, "el")?,
            key: key(node)?,
            attrs,
            children,
        });
    }
    if let Some(text) = node.get("text") {
        return Ok(Node::Text {
            seq,
            text: string(text, "text")?,
        });
    }
    if let Some(markup) = node.get("markup") {
        return Ok(Node::Markup {
            seq,
            markup: string(markup, "markup")?,
        });
    }
    if let Some(nodes) = node.get("region") {
        return Ok(Node::Region {
            seq,
            nodes: parse_nodes(nodes)?,
        });
    }
    match node.get("comp").and_then(Value::as_str) {
        Some("Leaf") => {
            let params = params(node)?
                .into_iter()
                .map(|(seq, name, value)| Ok((seq, Str::copy_from(name), string(value, "Leaf parameter")?)))
                .collect::<Result<_, CaseError>>()?;
            Ok(Node::Leaf {
                seq,
                key: key(node)?,
                params,
            })
        }
        Some("Box") => {
            let params = params(node)?
                .into_iter()
                .map(|(seq, name, value)| {
                    let items = array(Some(value), "Box items")?
                        .iter()
                        .map(|item| string(item, "Box item"))
                        .collect::<Result<Vec<_>, _>>()?;
                    Ok((seq, Str::copy_from(name), Arc::new(items)))
                })
                .collect::<Result<_, CaseError>>()?;
            Ok(Node::Box {
                seq,
                key: key(node)?,
                params,
            })
        }
        Some("Frame") => {
            let params = params(node)?
                .into_iter()
                .map(|(seq, name, value)| {
                    let param = match name {
                        "ChildContent" => FrameParam::ChildContent(Arc::new(parse_nodes(value)?)),
                        _ => FrameParam::Title(string(value, "Frame title")?),
                    };
                    Ok((seq, Str::copy_from(name), param))
                })
                .collect::<Result<_, CaseError>>()?;
            Ok(Node::Frame {
                seq,
                key: key(node)?,
                params,
            })
        }
        _ => Err(error(format!("unknown node {node}"))),
    }
}

/// The handler every non-empty handler name stands for: one method of the root component.
///
/// rule: Blazor compares attribute values with `Equals`, and .NET delegates are equal when they
/// have the same target and method, whatever the instance. The oracle's named handlers are all
/// the same method on the same component, so they are all equal to each other (changing "a" to
/// "b" keeps the event handler id); its `""` handler is a lambda, a new delegate instance on
/// every render but of one method with one target, so it is equal to itself across renders and
/// unequal to the named ones. Here: a handler's identity is its code plus its receiver.
fn named_handler(_: &mut CaseRoot, _: &EventArgs) {}

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
                b.open_element(*seq, tag);
                if let Some(key) = key {
                    b.set_key(key.clone());
                }
                for (seq, name, value) in attrs {
                    let value = match value {
                        AttrValue::String(s) => AttributeValue::String(s.clone()),
                        AttrValue::Bool(v) => AttributeValue::Bool(*v),
                        // A lambda written at this point of the template.
                        AttrValue::Handler(name) if name.is_empty() => {
                            AttributeValue::EventHandler(EventHandler::new(|_: &mut CaseRoot, _: &EventArgs| {}))
                        }
                        AttrValue::Handler(_) => AttributeValue::EventHandler(EventHandler::new(named_handler)),
                    };
                    b.add_attribute(*seq, name, value);
                }
                render_nodes(b, children);
                b.close_element();
            }
            Node::Text { seq, text } => b.add_content(*seq, text),
            Node::Markup { seq, markup } => b.add_markup_content(*seq, markup),
            Node::Region { seq, nodes } => {
                b.open_region(*seq);
                render_nodes(b, nodes);
                b.close_region();
            }
            Node::Leaf { seq, key, params } => {
                b.open_component::<Leaf>(*seq);
                if let Some(key) = key {
                    b.set_key(key.clone());
                }
                for (seq, name, text) in params {
                    b.add_component_parameter(*seq, name, text);
                }
                b.close_component();
            }
            Node::Box { seq, key, params } => {
                b.open_component::<BoxComponent>(*seq);
                if let Some(key) = key {
                    b.set_key(key.clone());
                }
                for (seq, name, items) in params {
                    // A new array on every render, as `new[] { ... }` in Razor code.
                    b.add_component_parameter(*seq, name, AttributeValue::object(Items(Arc::clone(items))));
                }
                b.close_component();
            }
            Node::Frame { seq, key, params } => {
                b.open_component::<FrameComponent>(*seq);
                if let Some(key) = key {
                    b.set_key(key.clone());
                }
                for (seq, name, param) in params {
                    match param {
                        FrameParam::Title(title) => b.add_component_parameter(*seq, name, title),
                        FrameParam::ChildContent(nodes) => {
                            let nodes = Arc::clone(nodes);
                            let fragment = RenderFragment::new(move |b| render_nodes(b, &nodes));
                            b.add_component_parameter(*seq, name, fragment);
                        }
                    }
                }
                b.close_component();
            }
        }
    }
}

/// The root component of a case: renders tree `index`.
pub struct CaseRoot {
    trees: Vec<Vec<Node>>,
    index: usize,
}

impl CaseRoot {
    /// A root rendering `trees`, starting with the first.
    pub fn new(trees: Vec<Vec<Node>>) -> Self {
        CaseRoot { trees, index: 0 }
    }
}

impl Component for CaseRoot {
    fn render(&self, b: &mut RenderTreeBuilder<'_>) {
        if let Some(tree) = self.trees.get(self.index) {
            render_nodes(b, tree);
        }
    }
}

/// The case README's `Leaf`: a `<span class="leaf">` with its `Text`.
#[derive(Default)]
pub struct Leaf {
    text: Str,
}

impl Component for Leaf {
    fn set_parameters(&mut self, parameters: &ParameterView<'_>) {
        self.text = parameters.get_str("Text").unwrap_or_default();
    }

    fn render(&self, b: &mut RenderTreeBuilder<'_>) {
        b.open_element(0, "span");
        b.add_attribute(1, "class", "leaf");
        b.add_content(2, &self.text);
        b.close_element();
    }
}

/// The `Items` parameter of `Box`: a string array (not a known-immutable type).
#[derive(Debug)]
pub struct Items(pub Arc<Vec<Str>>);

/// The case README's `Box`: a `<ul class="box">` of `<li>` items.
#[derive(Default)]
pub struct BoxComponent {
    items: Arc<Vec<Str>>,
}

impl Component for BoxComponent {
    fn set_parameters(&mut self, parameters: &ParameterView<'_>) {
        self.items = parameters
            .get_value::<Items>("Items")
            .map(|items| Arc::clone(&items.0))
            .unwrap_or_default();
    }

    fn render(&self, b: &mut RenderTreeBuilder<'_>) {
        b.open_element(0, "ul");
        b.add_attribute(1, "class", "box");
        for item in self.items.iter() {
            b.open_element(2, "li");
            b.add_content(3, item);
            b.close_element();
        }
        b.close_element();
    }
}

/// The case README's `Frame`: a `<fieldset>` with a `<legend>` title and child content.
#[derive(Default)]
pub struct FrameComponent {
    title: Str,
    child_content: Option<RenderFragment>,
}

impl Component for FrameComponent {
    fn set_parameters(&mut self, parameters: &ParameterView<'_>) {
        self.title = parameters.get_str("Title").unwrap_or_default();
        self.child_content = parameters.get_fragment("ChildContent");
    }

    fn render(&self, b: &mut RenderTreeBuilder<'_>) {
        b.open_element(0, "fieldset");
        b.open_element(1, "legend");
        b.add_content(2, &self.title);
        b.close_element();
        if let Some(child_content) = &self.child_content {
            b.add_fragment(3, child_content);
        }
        b.close_element();
    }
}

/// Renders each tree of a diff case (`reference/diff-cases/README.md`) in turn with root
/// component 0 and returns the bytes of each render's batch.
pub fn render_tree_sequence(case_json: &str) -> Result<Vec<Vec<u8>>, CaseError> {
    let case: Value = serde_json::from_str(case_json).map_err(|e| error(format!("not JSON: {e}")))?;
    let trees = array(case.get("trees"), "trees")?
        .iter()
        .map(parse_nodes)
        .collect::<Result<Vec<_>, _>>()?;
    let count = trees.len();
    let mut renderer = Renderer::new();
    let root = renderer.add_root_component(CaseRoot::new(trees));
    let mut batches = Vec::with_capacity(count);
    for index in 0..count {
        let batch = if index == 0 {
            renderer.render_root_component(root)
        } else {
            renderer
                .with_component(root, |r: &mut CaseRoot| r.index = index)
                .and_then(|()| renderer.state_has_changed(root))
                .and_then(|()| renderer.process_render_queue())
        }
        .map_err(|e| error(format!("tree {index}: {e}")))?;
        let bytes = match batch {
            Some(batch) => batch.encode().map_err(|e| error(format!("tree {index}: {e}")))?,
            None => Vec::new(),
        };
        batches.push(bytes);
    }
    Ok(batches)
}
