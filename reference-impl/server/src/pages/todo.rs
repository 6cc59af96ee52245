//! `Todo.razor` (`/todo`).

use brasa_render::{Component, EventArgs, EventHandler, RenderTreeBuilder};

use super::error_ui;

/// One item of [`Todo`].
#[derive(Debug, Clone)]
struct Item {
    id: u32,
    title: String,
    done: bool,
}

/// `Todo.razor` (`/todo`): a keyed list.
#[derive(Debug)]
pub struct Todo {
    items: Vec<Item>,
    title: String,
    next: u32,
}

impl Default for Todo {
    fn default() -> Self {
        Todo {
            items: Vec::new(),
            title: String::new(),
            next: 1,
        }
    }
}

impl Todo {
    fn add(&mut self, _: &EventArgs) {
        let id = self.next;
        self.next += 1;
        let title = if self.title.is_empty() {
            format!("item {id}")
        } else {
            std::mem::take(&mut self.title)
        };
        self.items.push(Item { id, title, done: false });
        self.title.clear();
    }

    fn reverse(&mut self, _: &EventArgs) {
        self.items.reverse();
    }

    fn rotate(&mut self, _: &EventArgs) {
        if self.items.len() >= 2 {
            let first = self.items.remove(0);
            self.items.push(first);
        }
    }

    fn clear_done(&mut self, _: &EventArgs) {
        self.items.retain(|item| !item.done);
    }

    fn set_title(&mut self, args: &EventArgs) {
        self.title = args.value().unwrap_or_default();
    }
}

impl Component for Todo {
    fn render(&self, b: &mut RenderTreeBuilder<'_>) {
        b.add_markup_content(0, "<h1>To-do</h1>\n");
        b.open_element(1, "input");
        b.add_attribute(2, "id", "title");
        b.add_attribute(3, "placeholder", "What to do");
        b.add_attribute(4, "value", self.title.clone());
        // @bind's binder is a new delegate on every render: a new event handler id (§8.5).
        b.add_attribute(5, "oninput", EventHandler::unique(Todo::set_title));
        // @bind names the attribute its binder updates (RT-3.4).
        b.set_updates_attribute_name("value");
        b.close_element();
        b.add_markup_content(6, "\n");
        for (sequence, id, text, handler) in [
            (7, "add", "Add", EventHandler::new(Todo::add)),
            (11, "reverse", "Reverse", EventHandler::new(Todo::reverse)),
            (15, "rotate", "Rotate", EventHandler::new(Todo::rotate)),
            (19, "clear-done", "Clear done", EventHandler::new(Todo::clear_done)),
        ] {
            b.open_element(sequence, "button");
            b.add_attribute(sequence + 1, "id", id);
            b.add_attribute(sequence + 2, "onclick", handler);
            b.add_content(sequence + 3, text);
            b.close_element();
        }
        b.open_element(23, "ul");
        b.add_attribute(24, "id", "items");
        for item in &self.items {
            let id = item.id;
            b.open_element(25, "li");
            b.set_key(item.id);
            b.add_attribute(26, "id", format!("item-{}", item.id));
            b.open_element(27, "input");
            b.add_attribute(28, "type", "checkbox");
            b.add_attribute(29, "class", "done");
            b.add_attribute(30, "checked", item.done);
            b.add_attribute(
                31,
                "onchange",
                // `@bind="item.Done"`: the binder is a new delegate on every render, so a new
                // event handler id each time (fact sheet §8.5).
                EventHandler::unique(move |todo: &mut Todo, args: &EventArgs| {
                    if let Some(item) = todo.items.iter_mut().find(|item| item.id == id) {
                        item.done = args.checked().unwrap_or(!item.done);
                    }
                }),
            );
            b.set_updates_attribute_name("checked");
            b.close_element();
            b.add_markup_content(32, "\n        <input class=\"note\" placeholder=\"note\">\n        ");
            b.open_element(33, "span");
            b.add_attribute(34, "class", "text");
            b.add_content(35, item.title.clone());
            b.close_element();
            b.add_markup_content(36, "\n        ");
            b.open_element(38, "button");
            b.add_attribute(39, "class", "remove");
            b.add_attribute(
                40,
                "onclick",
                // `() => Remove(item)`: .NET 10 compares the closures' captured `item` (the same
                // object on every render), so the id is kept (RT-3.2).
                EventHandler::capturing(item.id, |todo: &mut Todo, id: &u32, _: &EventArgs| {
                    todo.items.retain(|item| item.id != *id)
                }),
            );
            b.add_content(41, "x");
            b.close_element();
            b.close_element();
        }
        b.close_element();
        b.open_element(42, "p");
        b.add_attribute(43, "id", "left");
        let left = self.items.iter().filter(|item| !item.done).count();
        b.add_content(44, left.to_string());
        b.add_content(45, " left of ");
        b.add_content(46, self.items.len().to_string());
        b.close_element();
        error_ui(b, 47);
    }
}
