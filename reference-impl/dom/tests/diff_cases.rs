//! `apply(diff(a, b), dom(a)) == dom(b)` on ASP.NET Core 10's own diffs: every recorded diff case
//! (`reference/diff-cases/`, 932 sequences of render trees and the batches its renderer wrote for
//! them) is applied batch by batch, and after each batch the document must hold exactly the DOM
//! the current tree describes (elements, attributes, text nodes, the containers of components and
//! markup blocks), with exactly the tree's event handlers registered and none left over.

mod common;

use std::collections::BTreeMap;

use brasa_dom::{Document, NodeId, NodeKind};
use brasa_protocol::render_batch::{Diff, Edit, Frame, RenderBatch};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    Element {
        name: String,
        attributes: BTreeMap<String, String>,
        children: Vec<Node>,
    },
    Text(String),
    Comment(String),
}

fn from_document(doc: &Document, node: NodeId) -> Node {
    match doc.kind(node) {
        NodeKind::Element => Node::Element {
            name: doc.element_name(node).unwrap().to_owned(),
            attributes: doc
                .attributes(node)
                .iter()
                .map(|a| (a.name.clone(), a.value.clone()))
                .collect(),
            children: doc.children(node).into_iter().map(|c| from_document(doc, c)).collect(),
        },
        NodeKind::Text => Node::Text(doc.text(node).unwrap().to_owned()),
        NodeKind::Comment => Node::Comment(doc.text(node).unwrap().to_owned()),
        NodeKind::Fragment => unreachable!("fragments are not in the tree"),
    }
}

/// The nodes the client makes of a markup block, by applying one to a scratch document.
fn markup_nodes(markup: &str) -> Vec<Node> {
    let mut doc = Document::with_root_component(0);
    doc.apply_batch(&RenderBatch {
        updated_components: vec![Diff {
            component_id: 0,
            edits: vec![Edit::PrependFrame {
                sibling_index: 0,
                reference_frame_index: 0,
            }],
        }],
        reference_frames: vec![Frame::Markup {
            content: markup.to_owned(),
        }],
        ..Default::default()
    })
    .unwrap();
    // The root marker, then the block's container, then the block's nodes.
    doc.children(doc.root())
        .into_iter()
        .skip(2)
        .map(|n| from_document(&doc, n))
        .collect()
}

/// Builds the DOM that a tree describes, as nodes appended to `out` (the children of the DOM
/// parent at `path`), and lists the event handlers as (path of the element, event name).
fn build(nodes: &[Value], path: &[usize], out: &mut Vec<Node>, handlers: &mut Vec<(Vec<usize>, String)>) {
    for n in nodes {
        if let Some(name) = n["el"].as_str() {
            let mut here = path.to_vec();
            here.push(out.len());
            let mut attributes = BTreeMap::new();
            for a in n["attrs"].as_array().unwrap() {
                let attribute = a[1].as_str().unwrap();
                let property = (attribute == "value" && matches!(name, "input" | "select" | "textarea"))
                    || (attribute == "checked" && name == "input");
                match &a[2] {
                    Value::String(s) if !property => {
                        attributes.insert(attribute.to_owned(), s.clone());
                    }
                    Value::Bool(true) if !property => {
                        attributes.insert(attribute.to_owned(), String::new());
                    }
                    Value::Object(h) if h.contains_key("handler") => {
                        handlers.push((here.clone(), attribute.strip_prefix("on").unwrap().to_owned()));
                    }
                    _ => {}
                }
            }
            let mut children = Vec::new();
            build(n["children"].as_array().unwrap(), &here, &mut children, handlers);
            out.push(Node::Element {
                name: name.to_owned(),
                attributes,
                children,
            });
        } else if let Some(text) = n["text"].as_str() {
            out.push(Node::Text(text.to_owned()));
        } else if let Some(markup) = n["markup"].as_str() {
            out.push(Node::Comment("!".into()));
            out.extend(markup_nodes(markup));
        } else if let Some(region) = n["region"].as_array() {
            build(region, path, out, handlers);
        } else if let Some(component) = n["comp"].as_str() {
            out.push(Node::Comment("!".into()));
            let param = |name: &str| {
                n["params"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|p| p[1] == name)
                    .map(|p| p[2].clone())
                    .unwrap_or(Value::Null)
            };
            let class = |c: &str| BTreeMap::from([("class".to_owned(), c.to_owned())]);
            match component {
                "Leaf" => out.push(Node::Element {
                    name: "span".into(),
                    attributes: class("leaf"),
                    children: vec![Node::Text(param("Text").as_str().unwrap_or("").to_owned())],
                }),
                "Box" => out.push(Node::Element {
                    name: "ul".into(),
                    attributes: class("box"),
                    children: param("Items")
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|i| Node::Element {
                            name: "li".into(),
                            attributes: BTreeMap::new(),
                            children: vec![Node::Text(i.as_str().unwrap().to_owned())],
                        })
                        .collect(),
                }),
                "Frame" => {
                    let mut here = path.to_vec();
                    here.push(out.len());
                    let mut children = vec![Node::Element {
                        name: "legend".into(),
                        attributes: BTreeMap::new(),
                        children: vec![Node::Text(param("Title").as_str().unwrap_or("").to_owned())],
                    }];
                    build(
                        param("ChildContent").as_array().unwrap(),
                        &here,
                        &mut children,
                        handlers,
                    );
                    out.push(Node::Element {
                        name: "fieldset".into(),
                        attributes: BTreeMap::new(),
                        children,
                    });
                }
                other => panic!("unknown component {other}"),
            }
        } else {
            panic!("unknown node {n}");
        }
    }
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn every_recorded_diff_applies_to_the_dom_of_its_tree() {
    let dir = common::shared().join("reference/diff-cases");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 900, "expected the 932 diff cases, found {}", cases.len());
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let json = common::read_json(case);
        let trees = json["trees"].as_array().unwrap();
        let batches = json["batches"].as_array().unwrap();
        let mut doc = Document::with_root_component(0);
        for (i, (tree, batch)) in trees.iter().zip(batches).enumerate() {
            if let Err(e) = doc.apply_bytes(&hex(batch.as_str().unwrap())) {
                failures.push(format!("{name} batch {i}: {e}"));
                break;
            }
            let mut want = vec![Node::Comment("!".into())];
            let mut want_handlers = Vec::new();
            build(tree.as_array().unwrap(), &[], &mut want, &mut want_handlers);
            let have: Vec<Node> = doc
                .children(doc.root())
                .into_iter()
                .map(|n| from_document(&doc, n))
                .collect();
            if have != want {
                failures.push(format!(
                    "{name} batch {i}: the DOM differs from tree {i}:\n  have {have:?}\n  want {want:?}"
                ));
                break;
            }
            let mut have_handlers: Vec<(Vec<usize>, String)> = Vec::new();
            for h in doc.handlers() {
                match h.path {
                    Some(path) => have_handlers.push((path, h.event_name)),
                    None => failures.push(format!(
                        "{name} batch {i}: handler {} left on a removed element",
                        h.event_handler_id
                    )),
                }
            }
            have_handlers.sort();
            want_handlers.sort();
            if have_handlers != want_handlers {
                failures.push(format!(
                    "{name} batch {i}: handlers differ:\n  have {have_handlers:?}\n  want {want_handlers:?}"
                ));
                break;
            }
            checked += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures ({checked} batches fine):\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked >= 4600, "only {checked} batches checked");
}
