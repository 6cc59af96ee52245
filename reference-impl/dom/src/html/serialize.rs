//! The HTML fragment serialisation algorithm, as Chromium runs it for `innerHTML` /
//! `outerHTML`: void elements without end tags or content, `template` by its content, raw text
//! elements' text unescaped, and since Chromium 138 `<` and `>` escaped in attribute values.

use super::names::{is_raw_text_parent, is_void};
use crate::node::{Arena, Content, Namespace, NodeId};

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

/// The node whose children serialise as `id`'s content (a template's content fragment).
fn content_of(arena: &Arena, id: NodeId) -> NodeId {
    arena.element(id).and_then(|e| e.template_content).unwrap_or(id)
}

/// Serialises the children of `id` (`innerHTML`).
pub(crate) fn serialize_children(arena: &Arena, id: NodeId, out: &mut String) {
    let children: Vec<NodeId> = arena.children(content_of(arena, id)).collect();
    for child in children {
        serialize_node(arena, child, out);
    }
}

/// Serialises `id` itself and its content (`outerHTML` for an element).
pub(crate) fn serialize_node(arena: &Arena, id: NodeId, out: &mut String) {
    enum Step {
        Open(NodeId),
        Close(NodeId),
    }
    let mut stack = vec![Step::Open(id)];
    while let Some(step) = stack.pop() {
        match step {
            Step::Close(id) => {
                let e = arena.element(id).expect("closing an element");
                out.push_str("</");
                out.push_str(&e.name);
                out.push('>');
            }
            Step::Open(id) => match &arena.node(id).content {
                Content::Element(e) => {
                    out.push('<');
                    out.push_str(&e.name);
                    for a in &e.attributes {
                        out.push(' ');
                        out.push_str(&a.name);
                        out.push_str("=\"");
                        escape(&a.value, true, out);
                        out.push('"');
                    }
                    out.push('>');
                    if e.namespace == Namespace::Html && is_void(&e.name) {
                        continue;
                    }
                    stack.push(Step::Close(id));
                    let children: Vec<NodeId> = arena.children(content_of(arena, id)).collect();
                    stack.extend(children.into_iter().rev().map(Step::Open));
                }
                Content::Text(text) => {
                    let raw = arena
                        .node(id)
                        .parent
                        .and_then(|p| arena.element(p))
                        .is_some_and(|p| p.namespace == Namespace::Html && is_raw_text_parent(&p.name));
                    if raw {
                        out.push_str(text);
                    } else {
                        escape(text, false, out);
                    }
                }
                Content::Comment(data) => {
                    out.push_str("<!--");
                    out.push_str(data);
                    out.push_str("-->");
                }
                Content::Fragment => {
                    let children: Vec<NodeId> = arena.children(id).collect();
                    stack.extend(children.into_iter().rev().map(Step::Open));
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_chromium() {
        let mut arena = Arena::default();
        let div = arena.create_element(Namespace::Html, "div".into());
        arena.element_mut(div).unwrap().attributes.push(crate::node::Attribute {
            name: "title".into(),
            value: "a&b \"c\" <d> 'e'\u{A0}".into(),
        });
        let text = arena.create(Content::Text("1 < 2 && 3 > 2 \"q\"\u{A0}".into()));
        arena.insert_before(div, text, None);
        let mut out = String::new();
        serialize_node(&arena, div, &mut out);
        assert_eq!(
            out,
            "<div title=\"a&amp;b &quot;c&quot; &lt;d&gt; 'e'&nbsp;\">1 &lt; 2 &amp;&amp; 3 &gt; 2 \"q\"&nbsp;</div>"
        );
    }

    #[test]
    fn void_elements_drop_their_children_and_raw_text_is_not_escaped() {
        let mut arena = Arena::default();
        let root = arena.create(Content::Fragment);
        let br = arena.create_element(Namespace::Html, "br".into());
        let inside = arena.create(Content::Text("hidden".into()));
        arena.insert_before(br, inside, None);
        arena.insert_before(root, br, None);
        let style = arena.create_element(Namespace::Html, "style".into());
        let css = arena.create(Content::Text("a > b & c".into()));
        arena.insert_before(style, css, None);
        arena.insert_before(root, style, None);
        // An SVG <style> is not raw text, nor is an SVG element named like a void one.
        let svg_style = arena.create_element(Namespace::Svg, "style".into());
        let svg_css = arena.create(Content::Text("a > b".into()));
        arena.insert_before(svg_style, svg_css, None);
        arena.insert_before(root, svg_style, None);
        let svg_br = arena.create_element(Namespace::Svg, "br".into());
        arena.insert_before(root, svg_br, None);
        let mut out = String::new();
        serialize_children(&arena, root, &mut out);
        assert_eq!(out, "<br><style>a > b & c</style><style>a &gt; b</style><br></br>");
    }
}
