//! [`EventBindings`]: the live event handler ids and the handlers they run.

use std::collections::VecDeque;

use rustc_hash::FxHashMap;

use crate::frame::{ComponentId, EventHandler};

/// What an event handler id runs, and which component's render gave it.
pub(crate) struct EventBinding {
    pub(crate) rendered_by: ComponentId,
    pub(crate) handler: EventHandler,
}

/// The live event handler ids. Ids are given in increasing order and most live ids are recent,
/// so they are kept in a window indexed by `id - first` (no hashing to add, find or retire an
/// id); retiring the oldest ids shrinks the window from the front. Ids that stay live while
/// many later ones are retired (a handler rendered once and kept) would keep the window large,
/// so when fewer than a quarter of its slots are live, the older half moves to a map.
#[derive(Default)]
pub(crate) struct EventBindings {
    /// The id of `window[0]`.
    first: u64,
    window: VecDeque<Option<EventBinding>>,
    live_in_window: usize,
    /// Live ids below `first`.
    overflow: FxHashMap<u64, EventBinding>,
}

/// The window is compacted only beyond this many slots.
const MIN_WINDOW: usize = 64;

impl EventBindings {
    /// The number of live ids.
    pub(crate) fn len(&self) -> usize {
        self.live_in_window + self.overflow.len()
    }

    /// Adds `id`, greater than every id added before.
    pub(crate) fn insert(&mut self, id: u64, binding: EventBinding) {
        if self.window.is_empty() {
            self.first = id;
        }
        let end = self.first + self.window.len() as u64;
        debug_assert!(id >= end, "event handler ids are given in increasing order");
        for _ in end..id {
            self.window.push_back(None);
        }
        self.window.push_back(Some(binding));
        self.live_in_window += 1;
    }

    /// The binding of a live id.
    pub(crate) fn get(&self, id: u64) -> Option<&EventBinding> {
        if id >= self.first {
            self.window.get(usize::try_from(id - self.first).ok()?)?.as_ref()
        } else {
            self.overflow.get(&id)
        }
    }

    /// Retires `id` (nothing if it is not live).
    #[cfg(test)]
    pub(crate) fn remove(&mut self, id: u64) {
        self.remove_all(&[id]);
    }

    /// Retires these ids (those that are live).
    pub(crate) fn remove_all(&mut self, ids: &[u64]) {
        for &id in ids {
            if id < self.first {
                self.overflow.remove(&id);
                continue;
            }
            let slot = usize::try_from(id - self.first)
                .ok()
                .and_then(|index| self.window.get_mut(index));
            if slot.and_then(Option::take).is_some() {
                self.live_in_window -= 1;
            }
        }
        self.trim_front();
        while self.window.len() > MIN_WINDOW && self.window.len() / 4 > self.live_in_window {
            self.compact();
        }
    }

    fn trim_front(&mut self) {
        while let Some(None) = self.window.front() {
            self.window.pop_front();
            self.first += 1;
        }
    }

    /// Moves the older half of the window's live ids to the overflow map.
    #[cold]
    fn compact(&mut self) {
        let half = self.window.len() / 2;
        for (offset, slot) in self.window.drain(..half).enumerate() {
            if let Some(binding) = slot {
                self.overflow.insert(self.first + offset as u64, binding);
                self.live_in_window -= 1;
            }
        }
        self.first += half as u64;
        self.trim_front();
    }
}

#[cfg(test)]
mod tests {
    use super::{EventBinding, EventBindings};
    use crate::event::EventArgs;
    use crate::frame::EventHandler;

    struct Nothing;
    impl crate::Component for Nothing {
        fn render(&self, _: &mut crate::RenderTreeBuilder<'_>) {}
    }

    fn binding(rendered_by: i32) -> EventBinding {
        EventBinding {
            rendered_by,
            handler: EventHandler::new(|_: &mut Nothing, _: &EventArgs| {}),
        }
    }

    #[test]
    fn window_and_overflow_agree_with_a_map() {
        let mut bindings = EventBindings::default();
        let mut model = std::collections::BTreeMap::new();
        let mut next = 1u64;
        // One id kept for ever, then rounds of adding and retiring many more.
        bindings.insert(next, binding(0));
        model.insert(next, 0);
        next += 1;
        for round in 0..50u64 {
            let ids: Vec<u64> = (next..next + 300).collect();
            next += 300;
            for &id in &ids {
                bindings.insert(id, binding(id as i32));
                model.insert(id, id as i32);
            }
            // Retire all but every 97th, in an order that is not the ids' order.
            for &id in ids.iter().rev().filter(|id| (*id + round) % 97 != 0) {
                bindings.remove(id);
                model.remove(&id);
            }
            bindings.remove(next + 5); // never given
            assert_eq!(bindings.len(), model.len());
            assert!(bindings.window.len() <= (4 * bindings.live_in_window + 3).max(super::MIN_WINDOW));
        }
        for id in 0..next + 10 {
            assert_eq!(
                bindings.get(id).map(|b| b.rendered_by),
                model.get(&id).copied(),
                "id {id}"
            );
        }
        for id in model.keys().copied().collect::<Vec<_>>() {
            bindings.remove(id);
        }
        assert_eq!(bindings.len(), 0);
    }
}
