//! Blazor's logical elements, as its browser client keeps them (`LogicalElements.ts`).
//!
//! Every node the client inserts carries an array of logical children and a logical parent. A
//! component's or a markup block's output does not get a DOM element of its own: it gets a
//! comment node (`<!--!-->`, the *logical container*) whose logical children are the DOM siblings
//! that follow it. Sibling indexes in edits count logical children, so a child component counts
//! as one child however many nodes it renders. The operations here keep both trees in step exactly
//! as the client does, including where it puts a container's nodes in the DOM.

use crate::node::{Arena, Content, NodeId};

/// A node the logical tree points at is not where the DOM operation needs it (no DOM parent,
/// or not among its logical parent's children). The browser's client would throw a TypeError
/// or corrupt the page; callers turn this into a typed error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Detached;

impl Arena {
    pub(crate) fn logical_children(&self, id: NodeId) -> &[NodeId] {
        self.node(id).logical_children.as_deref().unwrap_or(&[])
    }

    /// Makes a node a logical element with no logical children (`toLogicalElement` of an empty node).
    pub(crate) fn make_logical(&mut self, id: NodeId) {
        let n = self.node_mut(id);
        if n.logical_children.is_none() {
            n.logical_children = Some(Vec::new());
        }
    }

    fn is_comment(&self, id: NodeId) -> bool {
        matches!(self.node(id).content, Content::Comment(_))
    }

    /// The logical sibling after `id`, or `None` when it is the last (`getLogicalNextSibling`).
    fn logical_next_sibling(&self, id: NodeId) -> Result<Option<NodeId>, Detached> {
        let parent = self.node(id).logical_parent.ok_or(Detached)?;
        let siblings = self.logical_children(parent);
        let at = siblings.iter().position(|&s| s == id).ok_or(Detached)?;
        Ok(siblings.get(at + 1).copied())
    }

    /// The last DOM node of a logical element's range: itself for an element, else the node just
    /// before where its next logical sibling (or an ancestor's) starts (`findLastDomNodeInRange`).
    pub(crate) fn find_last_dom_node_in_range(&self, id: NodeId) -> Result<NodeId, Detached> {
        let mut at = id;
        loop {
            if self.is_element_or_fragment(at) {
                return Ok(at);
            }
            if let Some(next) = self.logical_next_sibling(at)? {
                return self.node(next).prev_sibling.ok_or(Detached);
            }
            let parent = self.node(at).logical_parent.ok_or(Detached)?;
            if self.is_element_or_fragment(parent) {
                return self.node(parent).last_child.ok_or(Detached);
            }
            at = parent;
        }
    }

    /// Puts DOM nodes at the end of a logical element's range (`appendDomNode`): into an element
    /// directly, for a container before its next logical sibling or, failing that, at the end of
    /// its logical parent's range.
    fn append_dom_nodes(&mut self, nodes: &[NodeId], parent: NodeId) -> Result<(), Detached> {
        let mut at = parent;
        loop {
            match self.node(at).content {
                Content::Element(_) | Content::Fragment => {
                    self.insert_all_before(at, nodes, None);
                    return Ok(());
                }
                Content::Comment(_) => {
                    if let Some(next) = self.logical_next_sibling(at)? {
                        let dom_parent = self.node(next).parent.ok_or(Detached)?;
                        self.insert_all_before(dom_parent, nodes, Some(next));
                        return Ok(());
                    }
                    at = self.node(at).logical_parent.ok_or(Detached)?;
                }
                Content::Text(_) => return Err(Detached),
            }
        }
    }

    /// Inserts `child` as the logical child of `parent` at `index` (at most the number of logical
    /// children), and puts its DOM nodes in place (`insertLogicalChild`).
    pub(crate) fn insert_logical_child(&mut self, child: NodeId, parent: NodeId, index: usize) -> Result<(), Detached> {
        // A container that already has logical children moves with its whole DOM range.
        let mut nodes = vec![child];
        if self.is_comment(child) && !self.logical_children(child).is_empty() {
            let last = self.find_last_dom_node_in_range(child)?;
            let mut at = self.node(child).next_sibling;
            while let Some(n) = at {
                nodes.push(n);
                if n == last {
                    break;
                }
                at = self.node(n).next_sibling;
            }
            for &n in &nodes {
                self.detach(n);
            }
        }

        if let Some(old_parent) = self.node_mut(child).logical_parent.take() {
            if let Some(siblings) = self.node_mut(old_parent).logical_children.as_mut() {
                if let Some(at) = siblings.iter().position(|&s| s == child) {
                    siblings.remove(at);
                }
            }
        }

        let siblings = self.logical_children(parent);
        if index < siblings.len() {
            let next = siblings[index];
            let dom_parent = self.node(next).parent.ok_or(Detached)?;
            self.insert_all_before(dom_parent, &nodes, Some(next));
            self.node_mut(parent)
                .logical_children
                .get_or_insert_with(Vec::new)
                .insert(index, child);
        } else {
            self.append_dom_nodes(&nodes, parent)?;
            self.node_mut(parent)
                .logical_children
                .get_or_insert_with(Vec::new)
                .push(child);
        }
        self.node_mut(child).logical_parent = Some(parent);
        self.make_logical(child);
        Ok(())
    }

    /// Removes the logical child at `index` (which must exist) and, for a container, its whole
    /// logical content, from the DOM (`removeLogicalChild`).
    pub(crate) fn remove_logical_child(&mut self, parent: NodeId, index: usize) -> Result<(), Detached> {
        let child = match self.node_mut(parent).logical_children.as_mut() {
            Some(children) if index < children.len() => children.remove(index),
            _ => return Err(Detached),
        };
        // Containers first empty themselves, child by child; an element takes its DOM subtree along.
        let mut stack = vec![(child, false)];
        while let Some((node, emptied)) = stack.pop() {
            if !emptied && self.is_comment(node) && !self.logical_children(node).is_empty() {
                let grandchildren = std::mem::take(self.node_mut(node).logical_children.as_mut().expect("non-empty"));
                stack.push((node, true));
                stack.extend(grandchildren.into_iter().rev().map(|g| (g, false)));
            } else {
                if self.node(node).parent.is_none() {
                    return Err(Detached);
                }
                self.detach(node);
            }
        }
        Ok(())
    }

    /// Removes every logical child (`emptyLogicalElement`).
    pub(crate) fn empty_logical_element(&mut self, id: NodeId) -> Result<(), Detached> {
        while !self.logical_children(id).is_empty() {
            self.remove_logical_child(id, 0)?;
        }
        Ok(())
    }

    /// Applies a permutation list, `(from, to)` logical indexes that the caller has checked form
    /// a permutation of existing children (`permuteLogicalChildren`): note each range, put a marker
    /// comment before the child now at `to + 1`, move each range before its marker, then update
    /// the logical children.
    pub(crate) fn permute_logical_children(
        &mut self,
        parent: NodeId,
        moves: &[(usize, usize)],
    ) -> Result<(), Detached> {
        let siblings = self.logical_children(parent).to_vec();
        let mut ranges = Vec::with_capacity(moves.len());
        for &(from, _) in moves {
            let start = siblings[from];
            ranges.push((start, self.find_last_dom_node_in_range(start)?));
        }
        let mut markers = Vec::with_capacity(moves.len());
        for &(_, to) in moves {
            let marker = self.create(Content::Comment("marker".into()));
            match siblings.get(to + 1) {
                Some(&before) => {
                    let dom_parent = self.node(before).parent.ok_or(Detached)?;
                    self.insert_before(dom_parent, marker, Some(before));
                }
                None => self.append_dom_nodes(&[marker], parent)?,
            }
            markers.push(marker);
        }
        for (&(start, end), &marker) in ranges.iter().zip(&markers) {
            let dom_parent = self.node(marker).parent.ok_or(Detached)?;
            let mut next = Some(start);
            while let Some(node) = next {
                let after = self.node(node).next_sibling;
                self.insert_before(dom_parent, node, Some(marker));
                if node == end {
                    break;
                }
                next = after;
            }
            self.detach(marker);
            self.recycle(marker);
        }
        let children = self.node_mut(parent).logical_children.get_or_insert_with(Vec::new);
        for (&(_, to), &(start, _)) in moves.iter().zip(&ranges) {
            children[to] = start;
        }
        Ok(())
    }
}
