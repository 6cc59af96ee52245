//! A keyed to-do list: add, toggle, move up, remove. Rows carry `@key`, so reordering is a
//! permutation list rather than a rewrite of every row.

use brasa_render::{Component, EventArgs, EventHandler, RenderTreeBuilder, Str};

/// One item.
#[derive(Debug, Clone)]
pub struct Todo {
    /// Its id (the row's key).
    pub id: u32,
    /// What to do.
    pub title: Str,
    /// Whether it is done.
    pub done: bool,
}

/// The to-do list component.
#[derive(Debug, Default)]
pub struct TodoList {
    /// The items, in display order.
    pub items: Vec<Todo>,
    /// The text in the input.
    pub draft: String,
    last_id: u32,
}

impl TodoList {
    /// Adds the draft as a new item (if it is not blank) and clears it.
    pub fn add(&mut self) {
        let title = self.draft.trim().to_owned();
        self.draft.clear();
        if !title.is_empty() {
            self.last_id += 1;
            self.items.push(Todo {
                id: self.last_id,
                title: Str::from(title),
                done: false,
            });
        }
    }

    /// Flips an item's done state.
    pub fn toggle(&mut self, id: u32) {
        if let Some(item) = self.items.iter_mut().find(|item| item.id == id) {
            item.done = !item.done;
        }
    }

    /// Moves an item one place up.
    pub fn move_up(&mut self, id: u32) {
        if let Some(index) = self.items.iter().position(|item| item.id == id) {
            if index > 0 {
                self.items.swap(index - 1, index);
            }
        }
    }

    /// Removes an item.
    pub fn remove(&mut self, id: u32) {
        self.items.retain(|item| item.id != id);
    }
}

impl Component for TodoList {
    fn render(&self, b: &mut RenderTreeBuilder<'_>) {
        let left = self.items.iter().filter(|item| !item.done).count();
        b.open_element(0, "h3");
        b.add_content(1, format!("To do ({left} left)"));
        b.close_element();
        b.open_element(2, "input");
        b.add_attribute(3, "placeholder", "Something to do");
        b.add_attribute(4, "value", self.draft.clone());
        b.add_attribute(
            5,
            "oninput",
            EventHandler::new(|list: &mut TodoList, e: &EventArgs| list.draft = e.value().unwrap_or_default()),
        );
        b.close_element();
        b.open_element(6, "button");
        b.add_attribute(
            7,
            "onclick",
            EventHandler::new(|list: &mut TodoList, _: &EventArgs| list.add()),
        );
        b.add_content(8, "Add");
        b.close_element();
        b.open_element(9, "ul");
        for item in &self.items {
            b.open_element(10, "li");
            b.set_key(item.id);
            b.add_attribute(11, "class", item.done.then_some("done"));
            b.open_element(12, "input");
            b.add_attribute(13, "type", "checkbox");
            b.add_attribute(14, "checked", item.done);
            b.add_attribute(
                15,
                "onchange",
                EventHandler::capturing(item.id, |list: &mut TodoList, id: &u32, _: &EventArgs| list.toggle(*id)),
            );
            b.close_element();
            b.open_element(16, "span");
            b.add_content(17, &item.title);
            b.close_element();
            b.open_element(18, "button");
            b.add_attribute(
                19,
                "onclick",
                EventHandler::capturing(item.id, |list: &mut TodoList, id: &u32, _: &EventArgs| {
                    list.move_up(*id)
                }),
            );
            b.add_content(20, "↑");
            b.close_element();
            b.open_element(21, "button");
            b.add_attribute(
                22,
                "onclick",
                EventHandler::capturing(item.id, |list: &mut TodoList, id: &u32, _: &EventArgs| list.remove(*id)),
            );
            b.add_content(23, "✕");
            b.close_element();
            b.close_element();
        }
        b.close_element();
    }
}

#[cfg(test)]
mod tests {
    use brasa_protocol::render_batch::Edit;
    use brasa_render::{EventArgs, Renderer};

    use super::TodoList;
    use crate::event_handler_ids;
    use crate::test_support::decoded;

    fn add(renderer: &mut Renderer, title: &str) {
        let input = event_handler_ids(renderer, 0, "oninput")[0];
        decoded(
            &renderer
                .dispatch_event(input, &EventArgs::change(title))
                .unwrap()
                .unwrap(),
        );
        let add = event_handler_ids(renderer, 0, "onclick")[0];
        let batch = decoded(&renderer.dispatch_event(add, &EventArgs::Empty).unwrap().unwrap());
        assert!(
            batch.updated_components[0]
                .edits
                .iter()
                .any(|e| matches!(e, Edit::PrependFrame { .. }))
        );
    }

    #[test]
    fn add_toggle_reorder_and_remove() {
        let mut renderer = Renderer::new();
        let root = renderer.add_root_component(TodoList::default());
        decoded(&renderer.render_root_component(root).unwrap().unwrap());
        for title in ["milk", "eggs", "bread"] {
            add(&mut renderer, title);
        }
        let titles = |r: &Renderer| {
            r.component::<TodoList>(root)
                .unwrap()
                .items
                .iter()
                .map(|i| i.title.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(titles(&renderer), ["milk", "eggs", "bread"]);

        // Buttons per row: move up, remove (after the Add button).
        let clicks = event_handler_ids(&renderer, root, "onclick");
        let move_bread_up = clicks[1 + 2 * 2];
        let batch = decoded(
            &renderer
                .dispatch_event(move_bread_up, &EventArgs::Empty)
                .unwrap()
                .unwrap(),
        );
        assert_eq!(titles(&renderer), ["milk", "bread", "eggs"]);
        // Keyed rows move with a permutation list; no row is re-sent.
        let edits = &batch.updated_components[0].edits;
        assert!(edits.contains(&Edit::PermutationListEnd), "{edits:?}");
        assert!(
            !edits
                .iter()
                .any(|e| matches!(e, Edit::PrependFrame { .. } | Edit::RemoveFrame { .. }))
        );
        assert!(
            batch.disposed_event_handler_ids.is_empty(),
            "handlers capturing the same id keep their ids"
        );

        let toggle_milk = event_handler_ids(&renderer, root, "onchange")[0];
        decoded(
            &renderer
                .dispatch_event(toggle_milk, &EventArgs::Empty)
                .unwrap()
                .unwrap(),
        );
        assert!(renderer.component::<TodoList>(root).unwrap().items[0].done);

        let remove_milk = event_handler_ids(&renderer, root, "onclick")[2];
        let batch = decoded(
            &renderer
                .dispatch_event(remove_milk, &EventArgs::Empty)
                .unwrap()
                .unwrap(),
        );
        assert_eq!(titles(&renderer), ["bread", "eggs"]);
        assert_eq!(
            batch.disposed_event_handler_ids.len(),
            3,
            "the removed row's three handlers"
        );
    }
}
