//! Test support for the pages: a page rendered by a [`Renderer`] into a `brasa-dom` document,
//! events dispatched by the handler ids the document holds, and the recordings in `shared/`.

use std::path::PathBuf;

use brasa_dom::{Document, NodeId};
use brasa_protocol::render_batch::{RenderBatch, decode};
use brasa_render::{Batch, Component, ComponentId, EventArgs, Renderer};

/// The project's `shared/` folder: `$BRASA_SHARED`, else `../shared` beside the checkout.
pub fn shared() -> PathBuf {
    let dir = std::env::var_os("BRASA_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    assert!(
        dir.join("reference").is_dir(),
        "{} has no reference/ folder: set BRASA_SHARED to the project's shared/ folder",
        dir.display()
    );
    dir
}

/// Encodes a batch, decodes the bytes with the protocol crate's reader and checks the round trip.
pub fn decoded(batch: &Batch) -> RenderBatch {
    let bytes = batch.encode().expect("encodable");
    let decoded = decode(&bytes).expect("the batch decodes");
    assert_eq!(decoded, batch.to_render_batch());
    decoded
}

/// A page mounted as the root component of a renderer, its batches applied to a document as
/// Blazor's client applies them.
pub struct Page {
    pub renderer: Renderer,
    pub root: ComponentId,
    pub document: Document,
    /// Every batch so far, decoded.
    pub batches: Vec<RenderBatch>,
}

impl Page {
    /// Mounts `component` and applies its first render.
    pub fn new<C: Component>(component: C) -> Page {
        let mut renderer = Renderer::new();
        let root = renderer.add_root_component(component);
        let mut page = Page {
            renderer,
            root,
            document: Document::with_root_component(root),
            batches: Vec::new(),
        };
        let batch = page
            .renderer
            .render_root_component(root)
            .unwrap()
            .expect("a first batch");
        page.apply(&batch);
        page
    }

    /// Applies a batch to the document (and keeps it, decoded).
    pub fn apply(&mut self, batch: &Batch) {
        let bytes = batch.encode().expect("encodable");
        self.document.apply_bytes(&bytes).expect("the batch applies");
        self.batches.push(decoded(batch));
    }

    /// The element with this `id` attribute.
    pub fn element(&self, id: &str) -> NodeId {
        find(&self.document, self.document.root(), id).unwrap_or_else(|| panic!("no element #{id}"))
    }

    /// The `innerHTML` of the element with this `id`.
    pub fn inner(&self, id: &str) -> String {
        self.document.inner_html_of(self.element(id))
    }

    /// The text content of the element with this `id` (its text nodes, concatenated).
    pub fn text(&self, id: &str) -> String {
        let mut out = String::new();
        text_content(&self.document, self.element(id), &mut out);
        out
    }

    /// The event handler id registered for `event` (without `on`) on the element `#id`.
    pub fn handler(&self, id: &str, event: &str) -> u64 {
        self.handler_on(self.element(id), event)
    }

    /// The event handler id registered for `event` on an element.
    pub fn handler_on(&self, element: NodeId, event: &str) -> u64 {
        self.document
            .handlers_of(element)
            .into_iter()
            .find(|(name, _)| *name == event)
            .map(|(_, id)| id)
            .unwrap_or_else(|| panic!("no {event} handler on {}", self.document.outer_html(element)))
    }

    /// Dispatches an event to a handler id and applies the batch that follows. Returns whether
    /// there was a batch.
    pub fn dispatch(&mut self, handler: u64, args: &EventArgs) -> bool {
        match self
            .renderer
            .dispatch_event(handler, args)
            .expect("the event dispatches")
        {
            Some(batch) => {
                self.apply(&batch);
                // The client acknowledges each batch as it applies it.
                self.renderer.acknowledge_batches(self.renderer.batches_produced());
                true
            }
            None => false,
        }
    }

    /// Clicks the element `#id` (its `onclick` handler, with empty args).
    pub fn click(&mut self, id: &str) -> bool {
        let handler = self.handler(id, "click");
        self.dispatch(handler, &EventArgs::Empty)
    }

    /// The latest batch.
    pub fn last_batch(&self) -> &RenderBatch {
        self.batches.last().expect("a batch")
    }
}

/// The first element in document order whose `id` attribute is `id`.
pub fn find(document: &Document, node: NodeId, id: &str) -> Option<NodeId> {
    if document.attribute(node, "id") == Some(id) {
        return Some(node);
    }
    document.children(node).into_iter().find_map(|c| find(document, c, id))
}

/// The elements under `node` named `name`, in document order.
pub fn elements_named(document: &Document, node: NodeId, name: &str, out: &mut Vec<NodeId>) {
    for child in document.children(node) {
        if document.element_name(child) == Some(name) {
            out.push(child);
        }
        elements_named(document, child, name, out);
    }
}

fn text_content(document: &Document, node: NodeId, out: &mut String) {
    if document.kind(node) == brasa_dom::NodeKind::Text {
        out.push_str(document.text(node).unwrap_or_default());
    }
    for child in document.children(node) {
        text_content(document, child, out);
    }
}
