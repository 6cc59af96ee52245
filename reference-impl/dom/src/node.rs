//! The node arena: DOM nodes with the browser's physical tree (parent, children, siblings) and,
//! beside it, the logical tree that Blazor's client keeps on the same nodes.

use crate::form::FormState;

/// A node of a [`Document`](crate::Document). Ids stay valid for the document's lifetime: nodes
/// removed from the tree are detached, not freed, as a browser keeps a removed node alive while
/// something (here: an event handler registration) still refers to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub(crate) u32);

impl NodeId {
    /// The id as an index, stable for the document's lifetime.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// The namespace of an element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Namespace {
    /// `http://www.w3.org/1999/xhtml`
    Html,
    /// `http://www.w3.org/2000/svg`
    Svg,
    /// `http://www.w3.org/1998/Math/MathML`
    MathMl,
}

/// What kind of node a node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeKind {
    /// An element.
    Element,
    /// A text node.
    Text,
    /// A comment; Blazor's logical containers are comments.
    Comment,
    /// A document fragment (a `<template>` element's content, or a parser's scratch space).
    Fragment,
}

/// What a comment stands for in Blazor's logical tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContainerRole {
    /// The container of a root component, attached by the host page rather than by a frame.
    RootComponent(i32),
    /// The container of a child component, made for a component frame.
    Component(i32),
    /// The container of a markup frame's parsed nodes.
    Markup,
}

/// An attribute of an element, by qualified name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// The qualified name (`class`, `viewBox`, `xlink:href`).
    pub name: String,
    /// The value.
    pub value: String,
}

#[derive(Debug, Clone)]
pub(crate) struct ElementData {
    pub(crate) namespace: Namespace,
    /// The qualified name, lowercased for HTML elements (as `createElement` does).
    pub(crate) name: String,
    pub(crate) attributes: Vec<Attribute>,
    /// A `<template>`'s content fragment.
    pub(crate) template_content: Option<NodeId>,
    pub(crate) form: FormState,
}

impl ElementData {
    pub(crate) fn new(namespace: Namespace, name: String) -> Self {
        ElementData {
            namespace,
            name,
            attributes: Vec::new(),
            template_content: None,
            form: FormState::default(),
        }
    }

    pub(crate) fn is_html(&self, name: &str) -> bool {
        self.namespace == Namespace::Html && self.name == name
    }

    /// `Element.tagName`: upper-cased for HTML elements, as created for others.
    pub(crate) fn tag_name_is(&self, upper: &str) -> bool {
        match self.namespace {
            Namespace::Html => self.name.eq_ignore_ascii_case(upper),
            _ => self.name == upper,
        }
    }

    pub(crate) fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.value.as_str())
    }
}

#[derive(Debug, Clone)]
pub(crate) enum Content {
    Element(Box<ElementData>),
    Text(String),
    Comment(String),
    Fragment,
}

#[derive(Debug, Clone)]
pub(crate) struct NodeData {
    pub(crate) content: Content,
    pub(crate) parent: Option<NodeId>,
    pub(crate) first_child: Option<NodeId>,
    pub(crate) last_child: Option<NodeId>,
    pub(crate) prev_sibling: Option<NodeId>,
    pub(crate) next_sibling: Option<NodeId>,
    /// Blazor's logical parent; kept (stale) after removal, as the client does.
    pub(crate) logical_parent: Option<NodeId>,
    /// Blazor's logical children; `None` for a node that is not a logical element.
    pub(crate) logical_children: Option<Vec<NodeId>>,
    pub(crate) role: Option<ContainerRole>,
}

/// The arena and the browser's DOM operations on it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Arena {
    pub(crate) nodes: Vec<NodeData>,
    /// Nodes known to be unreferenced (permutation markers), for reuse.
    free: Vec<NodeId>,
}

impl Arena {
    pub(crate) fn create(&mut self, content: Content) -> NodeId {
        let data = NodeData {
            content,
            parent: None,
            first_child: None,
            last_child: None,
            prev_sibling: None,
            next_sibling: None,
            logical_parent: None,
            logical_children: None,
            role: None,
        };
        if let Some(id) = self.free.pop() {
            self.nodes[id.index()] = data;
            return id;
        }
        let id = NodeId(u32::try_from(self.nodes.len()).expect("fewer than 2^32 nodes"));
        self.nodes.push(data);
        id
    }

    /// Returns a detached node that nothing refers to, for reuse.
    pub(crate) fn recycle(&mut self, id: NodeId) {
        self.nodes[id.index()].content = Content::Fragment;
        self.free.push(id);
    }

    pub(crate) fn create_element(&mut self, namespace: Namespace, name: String) -> NodeId {
        let template = namespace == Namespace::Html && name == "template";
        let id = self.create(Content::Element(Box::new(ElementData::new(namespace, name))));
        if template {
            let content = self.create(Content::Fragment);
            self.element_mut(id).expect("just made").template_content = Some(content);
        }
        id
    }

    pub(crate) fn node(&self, id: NodeId) -> &NodeData {
        &self.nodes[id.index()]
    }

    pub(crate) fn node_mut(&mut self, id: NodeId) -> &mut NodeData {
        &mut self.nodes[id.index()]
    }

    pub(crate) fn element(&self, id: NodeId) -> Option<&ElementData> {
        match &self.node(id).content {
            Content::Element(e) => Some(e),
            _ => None,
        }
    }

    pub(crate) fn element_mut(&mut self, id: NodeId) -> Option<&mut ElementData> {
        match &mut self.node_mut(id).content {
            Content::Element(e) => Some(e),
            _ => None,
        }
    }

    pub(crate) fn kind(&self, id: NodeId) -> NodeKind {
        match self.node(id).content {
            Content::Element(_) => NodeKind::Element,
            Content::Text(_) => NodeKind::Text,
            Content::Comment(_) => NodeKind::Comment,
            Content::Fragment => NodeKind::Fragment,
        }
    }

    pub(crate) fn is_element_or_fragment(&self, id: NodeId) -> bool {
        matches!(self.node(id).content, Content::Element(_) | Content::Fragment)
    }

    /// The DOM children of a node, in order.
    pub(crate) fn children(&self, id: NodeId) -> Children<'_> {
        Children {
            arena: self,
            next: self.node(id).first_child,
        }
    }

    /// Removes a node from its DOM parent (`parent.removeChild(node)`).
    pub(crate) fn detach(&mut self, id: NodeId) {
        let (parent, prev, next) = {
            let n = self.node(id);
            (n.parent, n.prev_sibling, n.next_sibling)
        };
        let Some(parent) = parent else { return };
        match prev {
            Some(p) => self.node_mut(p).next_sibling = next,
            None => self.node_mut(parent).first_child = next,
        }
        match next {
            Some(n) => self.node_mut(n).prev_sibling = prev,
            None => self.node_mut(parent).last_child = prev,
        }
        let n = self.node_mut(id);
        n.parent = None;
        n.prev_sibling = None;
        n.next_sibling = None;
    }

    /// `parent.insertBefore(node, reference)` for a single node (not a fragment); `None` appends.
    pub(crate) fn insert_before(&mut self, parent: NodeId, id: NodeId, reference: Option<NodeId>) {
        if Some(id) == reference {
            return; // inserting a node before itself leaves it where it is
        }
        self.detach(id);
        let prev = match reference {
            Some(r) => self.node(r).prev_sibling,
            None => self.node(parent).last_child,
        };
        {
            let n = self.node_mut(id);
            n.parent = Some(parent);
            n.prev_sibling = prev;
            n.next_sibling = reference;
        }
        match prev {
            Some(p) => self.node_mut(p).next_sibling = Some(id),
            None => self.node_mut(parent).first_child = Some(id),
        }
        match reference {
            Some(r) => self.node_mut(r).prev_sibling = Some(id),
            None => self.node_mut(parent).last_child = Some(id),
        }
    }

    /// Inserts a list of sibling-less nodes, in order, before `reference` (a fragment's insertion).
    pub(crate) fn insert_all_before(&mut self, parent: NodeId, nodes: &[NodeId], reference: Option<NodeId>) {
        for &n in nodes {
            self.insert_before(parent, n, reference);
        }
    }

    /// The closest ancestor that is the document's root, or `None` when detached.
    pub(crate) fn is_descendant_of(&self, id: NodeId, ancestor: NodeId) -> bool {
        let mut at = Some(id);
        while let Some(n) = at {
            if n == ancestor {
                return true;
            }
            at = self.node(n).parent;
        }
        false
    }

    /// The concatenated data of the text nodes among a node's descendants (`textContent`).
    pub(crate) fn text_content(&self, id: NodeId) -> String {
        let mut out = String::new();
        let mut stack = vec![id];
        while let Some(n) = stack.pop() {
            match &self.node(n).content {
                Content::Text(t) => out.push_str(t),
                Content::Element(_) | Content::Fragment => {
                    let children: Vec<NodeId> = self.children(n).collect();
                    stack.extend(children.into_iter().rev());
                }
                Content::Comment(_) => {}
            }
        }
        out
    }
}

/// DOM children iterator.
pub(crate) struct Children<'a> {
    arena: &'a Arena,
    next: Option<NodeId>,
}

impl Iterator for Children<'_> {
    type Item = NodeId;

    fn next(&mut self) -> Option<NodeId> {
        let n = self.next?;
        self.next = self.arena.node(n).next_sibling;
        Some(n)
    }
}
