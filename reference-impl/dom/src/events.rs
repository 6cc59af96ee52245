//! The event handler registry, as Blazor's `EventDelegator` keeps it: one handler per
//! (element, event name), looked up by event handler id for disposal, plus the per-element
//! `stopPropagation` / `preventDefault` flags set by `__internal_` attributes.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use crate::error::EditError;
use crate::node::NodeId;

#[derive(Debug, Clone)]
pub(crate) struct HandlerInfo {
    pub(crate) element: NodeId,
    pub(crate) event_name: String,
    /// The component whose diff registered it first (the client does not update it when a
    /// later diff replaces the id).
    pub(crate) rendering_component_id: i32,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct ElementEvents {
    pub(crate) handlers: BTreeMap<String, u64>,
    pub(crate) stop_propagation: BTreeMap<String, bool>,
    pub(crate) prevent_default: BTreeMap<String, bool>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct EventRegistry {
    pub(crate) by_id: FxHashMap<u64, HandlerInfo>,
    pub(crate) by_element: FxHashMap<NodeId, ElementEvents>,
}

impl EventRegistry {
    /// `setListener`: a new handler for the element's event, or a new id for the existing one.
    pub(crate) fn set_listener(
        &mut self,
        element: NodeId,
        event_name: &str,
        event_handler_id: u64,
        rendering_component_id: i32,
    ) -> Result<(), EditError> {
        if self.by_id.contains_key(&event_handler_id) {
            return Err(EditError::EventHandlerAlreadyTracked { event_handler_id });
        }
        let events = self.by_element.entry(element).or_default();
        match events.handlers.get_mut(event_name) {
            Some(existing) => {
                let old = std::mem::replace(existing, event_handler_id);
                let info = self.by_id.remove(&old).expect("registered handlers are indexed by id");
                self.by_id.insert(event_handler_id, info);
            }
            None => {
                events.handlers.insert(event_name.to_owned(), event_handler_id);
                self.by_id.insert(
                    event_handler_id,
                    HandlerInfo {
                        element,
                        event_name: event_name.to_owned(),
                        rendering_component_id,
                    },
                );
            }
        }
        Ok(())
    }

    /// `removeListener`: forgets a handler; unknown ids (already replaced) are ignored.
    pub(crate) fn remove_listener(&mut self, event_handler_id: u64) {
        if let Some(info) = self.by_id.remove(&event_handler_id) {
            if let Some(events) = self.by_element.get_mut(&info.element) {
                events.handlers.remove(&info.event_name);
            }
        }
    }

    pub(crate) fn set_stop_propagation(&mut self, element: NodeId, event_name: &str, value: bool) {
        self.by_element
            .entry(element)
            .or_default()
            .stop_propagation
            .insert(event_name.to_owned(), value);
    }

    pub(crate) fn set_prevent_default(&mut self, element: NodeId, event_name: &str, value: bool) {
        self.by_element
            .entry(element)
            .or_default()
            .prevent_default
            .insert(event_name.to_owned(), value);
    }
}

/// Events that do not bubble: the client only dispatches them to the target.
pub(crate) fn is_non_bubbling(event_name: &str) -> bool {
    matches!(
        event_name,
        "abort"
            | "blur"
            | "cancel"
            | "canplay"
            | "canplaythrough"
            | "change"
            | "close"
            | "cuechange"
            | "durationchange"
            | "emptied"
            | "ended"
            | "error"
            | "focus"
            | "load"
            | "loadeddata"
            | "loadedmetadata"
            | "loadend"
            | "loadstart"
            | "mouseenter"
            | "mouseleave"
            | "pointerenter"
            | "pointerleave"
            | "pause"
            | "play"
            | "playing"
            | "progress"
            | "ratechange"
            | "reset"
            | "scroll"
            | "seeked"
            | "seeking"
            | "stalled"
            | "submit"
            | "suspend"
            | "timeupdate"
            | "toggle"
            | "unload"
            | "volumechange"
            | "waiting"
            | "DOMNodeInsertedIntoDocument"
            | "DOMNodeRemovedFromDocument"
    )
}

/// Mouse events a disabled form control does not raise.
pub(crate) fn is_disableable(event_name: &str) -> bool {
    matches!(event_name, "click" | "dblclick" | "mousedown" | "mousemove" | "mouseup")
}
