//! A human-readable listing of a batch, for people and snapshot tests.

use std::fmt::Write;

use super::types::{Edit, Frame, RenderBatch};

/// Lists a batch: each diff's edits, the reference frames indented by nesting, the disposed ids.
pub fn describe(batch: &RenderBatch) -> String {
    let mut out = String::new();
    for diff in &batch.updated_components {
        let _ = writeln!(out, "diff component {} ({} edits)", diff.component_id, diff.edits.len());
        let mut depth = 1;
        for edit in &diff.edits {
            if matches!(edit, Edit::StepOut) {
                depth -= 1;
            }
            let pad = "  ".repeat(depth.max(1));
            let line = match edit {
                Edit::PrependFrame {
                    sibling_index,
                    reference_frame_index,
                } => {
                    format!("prepend at {sibling_index}: frame {reference_frame_index}")
                }
                Edit::RemoveFrame { sibling_index } => format!("remove at {sibling_index}"),
                Edit::SetAttribute {
                    sibling_index,
                    reference_frame_index,
                } => {
                    format!("set attribute at {sibling_index}: frame {reference_frame_index}")
                }
                Edit::RemoveAttribute { sibling_index, name } => {
                    format!("remove attribute at {sibling_index}: {name:?}")
                }
                Edit::UpdateText {
                    sibling_index,
                    reference_frame_index,
                } => {
                    format!("update text at {sibling_index}: frame {reference_frame_index}")
                }
                Edit::StepIn { sibling_index } => format!("step in to {sibling_index}"),
                Edit::StepOut => "step out".to_owned(),
                Edit::UpdateMarkup {
                    sibling_index,
                    reference_frame_index,
                } => {
                    format!("update markup at {sibling_index}: frame {reference_frame_index}")
                }
                Edit::PermutationListEntry {
                    sibling_index,
                    move_to_sibling_index,
                } => {
                    format!("move {sibling_index} -> {move_to_sibling_index}")
                }
                Edit::PermutationListEnd => "end of moves".to_owned(),
            };
            let _ = writeln!(out, "{pad}{line}");
            if matches!(edit, Edit::StepIn { .. }) {
                depth += 1;
            }
        }
    }
    let _ = writeln!(out, "reference frames ({})", batch.reference_frames.len());
    let mut open: Vec<usize> = Vec::new();
    for (index, frame) in batch.reference_frames.iter().enumerate() {
        while open.last().is_some_and(|&end| end <= index) {
            open.pop();
        }
        let pad = "  ".repeat(open.len() + 1);
        let line = match frame {
            Frame::Element { subtree_length, name } => format!("<{name}> ({subtree_length} frames)"),
            Frame::Text { content } => format!("text {content:?}"),
            Frame::Attribute {
                name,
                value,
                event_handler_id,
            } => {
                let value = value.as_ref().map_or("null".to_owned(), |v| format!("{v:?}"));
                if *event_handler_id != 0 {
                    format!("@{name}={value} handler {event_handler_id}")
                } else {
                    format!("@{name}={value}")
                }
            }
            Frame::Component {
                subtree_length,
                component_id,
            } => {
                format!("component {component_id} ({subtree_length} frames)")
            }
            Frame::Region { subtree_length } => format!("region ({subtree_length} frames)"),
            Frame::ElementReferenceCapture { id } => format!("element reference {id:?}"),
            Frame::ComponentReferenceCapture => "component reference capture".to_owned(),
            Frame::Markup { content } => format!("markup {content:?}"),
            Frame::ComponentRenderMode => "component render mode".to_owned(),
            Frame::NamedEvent => "named event".to_owned(),
        };
        let _ = writeln!(out, "{pad}{index}: {line}");
        if let Frame::Element { subtree_length, .. }
        | Frame::Component { subtree_length, .. }
        | Frame::Region { subtree_length } = frame
            && *subtree_length > 1
        {
            open.push(index + *subtree_length as usize);
        }
    }
    let _ = writeln!(out, "disposed components {:?}", batch.disposed_component_ids);
    let _ = writeln!(out, "disposed event handlers {:?}", batch.disposed_event_handler_ids);
    out
}
