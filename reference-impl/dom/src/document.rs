//! The document: a root element, the components attached to it, the event handler registry,
//! and read access to all of it.

use std::collections::BTreeSet;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::error::AttachError;
use crate::events::{EventRegistry, is_disableable, is_non_bubbling};
use crate::html::serialize::{serialize_children, serialize_node};
use crate::node::{Arena, Attribute, ContainerRole, Content, Namespace, NodeId, NodeKind};

/// How a root component is attached to the root element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RootContainer {
    /// As Blazor Web (`blazor.web.js`) attaches an interactive root component: a comment marker
    /// appended to the root element is the component's logical container, and its output
    /// follows the marker as siblings. After the first render the marker reads `<!--!-->`.
    Comment,
    /// As `blazor.server.js` / `blazor.webassembly.js` attach a root component to an element
    /// (`<app>`): the root element itself is the container.
    Element,
}

/// One registered event handler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventHandler {
    /// The event handler id the server assigned.
    pub event_handler_id: u64,
    /// The event name: the attribute name without `on` (`onclick` registers `click`).
    pub event_name: String,
    /// The element it is registered on.
    pub element: NodeId,
    /// The element's position in the document ([`Document::path`]), or `None` when the element
    /// has been removed while its handler is still registered (the server disposes handlers
    /// separately, in `disposedEventHandlerIds`).
    pub path: Option<Vec<usize>>,
    /// The component whose diff registered it.
    pub rendering_component_id: i32,
}

/// What the client would do for a browser event at a target ([`Document::dispatch`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Dispatch {
    /// The handlers it would invoke, in order (target first, then ancestors while the event
    /// bubbles), with the element each is registered on.
    pub handlers: Vec<(NodeId, u64)>,
    /// Whether it would call `preventDefault()` (a `preventDefault` flag on the path, or any
    /// handler for `submit`).
    pub default_prevented: bool,
}

/// An in-memory document that applies render batches exactly as Blazor's browser client does.
///
/// It keeps the browser's DOM tree and, on the same nodes, the logical tree the client uses to
/// resolve sibling indexes. Attach root components, apply batches in order, then read the
/// result back: [`inner_html`](Self::inner_html) serialises as Chromium's `innerHTML` does.
#[derive(Debug, Clone)]
pub struct Document {
    pub(crate) arena: Arena,
    pub(crate) root: NodeId,
    pub(crate) components: FxHashMap<i32, NodeId>,
    pub(crate) root_components: BTreeSet<i32>,
    pub(crate) pending_first_render: FxHashSet<NodeId>,
    pub(crate) events: EventRegistry,
    pub(crate) batches_applied: usize,
    pub(crate) max_depth: usize,
}

impl Default for Document {
    fn default() -> Self {
        Self::new()
    }
}

impl Document {
    /// An empty document: a root element (`<body>`) with nothing attached.
    pub fn new() -> Self {
        let mut arena = Arena::default();
        let root = arena.create_element(Namespace::Html, "body".into());
        arena.make_logical(root);
        Document {
            arena,
            root,
            components: FxHashMap::default(),
            root_components: BTreeSet::new(),
            pending_first_render: FxHashSet::default(),
            events: EventRegistry::default(),
            batches_applied: 0,
            max_depth: 1024,
        }
    }

    /// An empty document with root component `component_id` attached as Blazor Web attaches an
    /// interactive root component ([`RootContainer::Comment`]).
    pub fn with_root_component(component_id: i32) -> Self {
        let mut document = Self::new();
        document
            .attach_root_component(component_id, RootContainer::Comment)
            .expect("a new document has no components");
        document
    }

    /// Attaches a root component. Its first diff empties the container before applying (the
    /// client clears prerendered content there), and disposing it empties the container.
    pub fn attach_root_component(&mut self, component_id: i32, how: RootContainer) -> Result<NodeId, AttachError> {
        if self.components.contains_key(&component_id) {
            return Err(AttachError::AlreadyAttached(component_id));
        }
        let container = match how {
            RootContainer::Comment => {
                let comment = self.arena.create(Content::Comment("!".into()));
                let end = self.arena.logical_children(self.root).len();
                self.arena
                    .insert_logical_child(comment, self.root, end)
                    .expect("the root element is in place");
                comment
            }
            RootContainer::Element => {
                if let Some((&other, _)) = self.components.iter().find(|&(_, &c)| c == self.root) {
                    return Err(AttachError::ElementTaken(other));
                }
                self.root
            }
        };
        if container != self.root {
            self.arena.node_mut(container).role = Some(ContainerRole::RootComponent(component_id));
        }
        self.components.insert(component_id, container);
        self.root_components.insert(component_id);
        self.pending_first_render.insert(container);
        Ok(container)
    }

    /// Nesting depth of frames beyond which a batch is refused (default 1024, as the reader's
    /// default limit); it bounds the applier's recursion.
    pub fn set_max_depth(&mut self, max_depth: usize) {
        self.max_depth = max_depth;
    }

    /// How many batches have been applied (or attempted): the index the next one gets in errors.
    pub fn batches_applied(&self) -> usize {
        self.batches_applied
    }

    /// The root element.
    pub fn root(&self) -> NodeId {
        self.root
    }

    /// The root element's content, serialised as Chromium serialises `innerHTML`.
    pub fn inner_html(&self) -> String {
        self.inner_html_of(self.root)
    }

    /// A node's content serialised as `innerHTML` (empty for text and comments).
    pub fn inner_html_of(&self, node: NodeId) -> String {
        let mut out = String::new();
        if matches!(self.arena.kind(node), NodeKind::Element | NodeKind::Fragment) {
            serialize_children(&self.arena, node, &mut out);
        }
        out
    }

    /// A node serialised as `outerHTML` (an element), or as it appears in its parent's
    /// `innerHTML` (text, comment).
    pub fn outer_html(&self, node: NodeId) -> String {
        let mut out = String::new();
        serialize_node(&self.arena, node, &mut out);
        out
    }

    /// The kind of a node.
    pub fn kind(&self, node: NodeId) -> NodeKind {
        self.arena.kind(node)
    }

    /// An element's qualified name (lower case for HTML elements), or `None`.
    pub fn element_name(&self, node: NodeId) -> Option<&str> {
        self.arena.element(node).map(|e| e.name.as_str())
    }

    /// An element's namespace, or `None`.
    pub fn namespace(&self, node: NodeId) -> Option<Namespace> {
        self.arena.element(node).map(|e| e.namespace)
    }

    /// An element's attributes in order (empty for other nodes).
    pub fn attributes(&self, node: NodeId) -> &[Attribute] {
        self.arena.element(node).map_or(&[], |e| e.attributes.as_slice())
    }

    /// An attribute's value by qualified name.
    pub fn attribute(&self, node: NodeId, name: &str) -> Option<&str> {
        self.arena.element(node).and_then(|e| e.attribute(name))
    }

    /// A text node's text or a comment's data.
    pub fn text(&self, node: NodeId) -> Option<&str> {
        match &self.arena.node(node).content {
            Content::Text(t) | Content::Comment(t) => Some(t),
            _ => None,
        }
    }

    /// The DOM parent.
    pub fn parent(&self, node: NodeId) -> Option<NodeId> {
        self.arena.node(node).parent
    }

    /// The DOM children (of a `<template>`: its own children, not its content).
    pub fn children(&self, node: NodeId) -> Vec<NodeId> {
        self.arena.children(node).collect()
    }

    /// The logical children (what sibling indexes count), empty for nodes that have none.
    pub fn logical_children(&self, node: NodeId) -> &[NodeId] {
        self.arena.logical_children(node)
    }

    /// The logical parent (kept after removal, as the client keeps it).
    pub fn logical_parent(&self, node: NodeId) -> Option<NodeId> {
        self.arena.node(node).logical_parent
    }

    /// What a comment stands for in the logical tree, if it is a container.
    pub fn container_role(&self, node: NodeId) -> Option<ContainerRole> {
        self.arena.node(node).role
    }

    /// Whether the node is in the document (under the root element).
    pub fn is_connected(&self, node: NodeId) -> bool {
        self.arena.is_descendant_of(node, self.root)
    }

    /// The node's position: the DOM child indexes from the root element down to it (empty for
    /// the root itself), or `None` when it is not in the document.
    pub fn path(&self, node: NodeId) -> Option<Vec<usize>> {
        let mut path = Vec::new();
        let mut at = node;
        while at != self.root {
            let mut index = 0;
            let mut prev = self.arena.node(at).prev_sibling;
            while let Some(p) = prev {
                index += 1;
                prev = self.arena.node(p).prev_sibling;
            }
            path.push(index);
            at = self.arena.node(at).parent?;
        }
        path.reverse();
        Some(path)
    }

    /// The node at a [`path`](Self::path).
    pub fn node_at(&self, path: &[usize]) -> Option<NodeId> {
        let mut at = self.root;
        for &index in path {
            at = self.arena.children(at).nth(index)?;
        }
        Some(at)
    }

    /// The logical container of a live component.
    pub fn component_container(&self, component_id: i32) -> Option<NodeId> {
        self.components.get(&component_id).copied()
    }

    /// The ids of the components that have a container, in increasing order.
    pub fn component_ids(&self) -> Vec<i32> {
        let mut ids: Vec<i32> = self.components.keys().copied().collect();
        ids.sort_unstable();
        ids
    }

    /// Every registered event handler, by increasing id.
    pub fn handlers(&self) -> Vec<EventHandler> {
        let mut out: Vec<EventHandler> = self
            .events
            .by_id
            .iter()
            .map(|(&id, info)| EventHandler {
                event_handler_id: id,
                event_name: info.event_name.clone(),
                element: info.element,
                path: self.path(info.element),
                rendering_component_id: info.rendering_component_id,
            })
            .collect();
        out.sort_by_key(|h| h.event_handler_id);
        out
    }

    /// The handlers registered on one element: (event name, event handler id), by name.
    pub fn handlers_of(&self, element: NodeId) -> Vec<(&str, u64)> {
        self.events
            .by_element
            .get(&element)
            .map(|e| e.handlers.iter().map(|(name, &id)| (name.as_str(), id)).collect())
            .unwrap_or_default()
    }

    /// What the client does when the browser raises `event_name` at `target`: which handlers it
    /// invokes (bubbling through DOM ancestors unless the event does not bubble or a
    /// `stopPropagation` flag stops it; disabled form controls ignore mouse clicks) and whether
    /// it prevents the default action.
    pub fn dispatch(&self, target: NodeId, event_name: &str) -> Dispatch {
        let mut out = Dispatch::default();
        if self.arena.element(target).is_none() {
            return out;
        }
        let non_bubbling = is_non_bubbling(event_name);
        let mut candidate = Some(target);
        while let Some(node) = candidate {
            let mut stop = false;
            if let Some(events) = self.events.by_element.get(&node) {
                if let Some(&id) = events.handlers.get(event_name) {
                    if !self.is_disabled_for(node, event_name) {
                        out.handlers.push((node, id));
                        if event_name == "submit" {
                            out.default_prevented = true;
                        }
                    }
                }
                stop = events.stop_propagation.get(event_name) == Some(&true);
                if events.prevent_default.get(event_name) == Some(&true) {
                    out.default_prevented = true;
                }
            }
            candidate = if non_bubbling || stop {
                None
            } else {
                self.arena.node(node).parent
            };
        }
        out
    }

    fn is_disabled_for(&self, node: NodeId, event_name: &str) -> bool {
        let Some(e) = self.arena.element(node) else {
            return false;
        };
        is_disableable(event_name)
            && e.namespace == Namespace::Html
            && matches!(e.name.as_str(), "button" | "input" | "textarea" | "select")
            && e.attribute("disabled").is_some()
    }

    /// The first element in document order captured under an element reference id
    /// (it carries the attribute `_bl_<id>`), as the client finds it for JS interop.
    pub fn element_by_capture_id(&self, capture_id: &str) -> Option<NodeId> {
        let name = format!("_bl_{capture_id}").to_ascii_lowercase();
        let mut stack: Vec<NodeId> = self.arena.children(self.root).collect();
        stack.reverse();
        while let Some(n) = stack.pop() {
            if self.arena.element(n).is_some_and(|e| e.attribute(&name).is_some()) {
                return Some(n);
            }
            let mut children: Vec<NodeId> = self.arena.children(n).collect();
            children.reverse();
            stack.extend(children);
        }
        None
    }

    /// The `value` property of an `<input>`, `<textarea>`, `<select>` or `<option>`, as a
    /// script would read it (Blazor sets `value` as a property, so it is not in the markup).
    pub fn value_property(&self, node: NodeId) -> Option<String> {
        self.arena.value_property(node)
    }

    /// The `checked` property of an `<input>`.
    pub fn checked_property(&self, node: NodeId) -> Option<bool> {
        self.arena.checked_property(node)
    }

    /// The `selected` property of an `<option>`.
    pub fn selected_property(&self, node: NodeId) -> Option<bool> {
        self.arena.selected_property(node)
    }

    /// How many nodes the document has allocated (removed nodes included).
    pub fn node_count(&self) -> usize {
        self.arena.nodes.len()
    }
}
