//! The owned types of a render batch and their canonical JSON form (RB-6.1).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The frame type numbers of ASP.NET Core 10's `RenderTreeFrameType` (RB-3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum FrameType {
    /// An element; its attributes and children follow it within its subtree.
    Element = 1,
    /// A text node.
    Text = 2,
    /// An attribute of the element (or a parameter of the component) before it.
    Attribute = 3,
    /// A child component.
    Component = 4,
    /// A region: a group of frames with its own sequence-number space.
    Region = 5,
    /// A capture of an element reference (`@ref` on an element).
    ElementReferenceCapture = 6,
    /// A capture of a component reference; carries no data on the wire.
    ComponentReferenceCapture = 7,
    /// A block of raw markup.
    Markup = 8,
    /// A component's render mode (.NET 8 and later); carries no data on the wire.
    ComponentRenderMode = 9,
    /// A named event (.NET 8 and later, form posts); carries no data on the wire.
    NamedEvent = 10,
}

impl FrameType {
    /// The frame type with this number, or `None` for a number ASP.NET Core 10 does not define.
    pub fn from_i32(value: i32) -> Option<Self> {
        Some(match value {
            1 => Self::Element,
            2 => Self::Text,
            3 => Self::Attribute,
            4 => Self::Component,
            5 => Self::Region,
            6 => Self::ElementReferenceCapture,
            7 => Self::ComponentReferenceCapture,
            8 => Self::Markup,
            9 => Self::ComponentRenderMode,
            10 => Self::NamedEvent,
            _ => return None,
        })
    }
}

/// The edit type numbers of ASP.NET Core 10's `RenderTreeEditType` (RB-2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum EditType {
    /// Insert the reference frame (and its subtree) at the sibling index.
    PrependFrame = 1,
    /// Remove the node at the sibling index.
    RemoveFrame = 2,
    /// Set the attribute given by the reference frame on the element at the sibling index.
    SetAttribute = 3,
    /// Remove the named attribute from the element at the sibling index.
    RemoveAttribute = 4,
    /// Replace the text of the text node at the sibling index.
    UpdateText = 5,
    /// Make the node at the sibling index the current parent.
    StepIn = 6,
    /// Make the current parent's parent the current parent.
    StepOut = 7,
    /// Replace the markup block at the sibling index.
    UpdateMarkup = 8,
    /// One move of a permutation: from the sibling index to another.
    PermutationListEntry = 9,
    /// Apply the moves listed since the previous permutation list end.
    PermutationListEnd = 10,
}

impl EditType {
    /// The edit type with this number, or `None` for a number ASP.NET Core 10 does not define.
    pub fn from_i32(value: i32) -> Option<Self> {
        Some(match value {
            1 => Self::PrependFrame,
            2 => Self::RemoveFrame,
            3 => Self::SetAttribute,
            4 => Self::RemoveAttribute,
            5 => Self::UpdateText,
            6 => Self::StepIn,
            7 => Self::StepOut,
            8 => Self::UpdateMarkup,
            9 => Self::PermutationListEntry,
            10 => Self::PermutationListEnd,
            _ => return None,
        })
    }
}

/// A render batch: the diffs of the components that rendered, the frames those diffs refer to,
/// and the components and event handlers that were disposed (RB-1.2).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(
    title = "RenderBatch",
    description = "The canonical JSON form of a Blazor render batch (spec/render-batch.md, RB-6.1)."
)]
pub struct RenderBatch {
    /// One diff per component that rendered, in the order they were written.
    pub updated_components: Vec<Diff>,
    /// The frames that edits refer to by index (RB-3.1).
    pub reference_frames: Vec<Frame>,
    /// Ids of components disposed by this batch (RB-4.1).
    pub disposed_component_ids: Vec<i32>,
    /// Ids of event handlers retired by this batch, as decimal strings (RB-4.2, RB-6.2).
    #[serde(with = "u64_strings")]
    #[schemars(schema_with = "u64_strings_schema")]
    pub disposed_event_handler_ids: Vec<u64>,
}

/// The changes to one component's rendered output (RB-2.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Diff<S = String> {
    /// The component whose logical container the edits apply to.
    pub component_id: i32,
    /// The edits, applied in order.
    pub edits: Vec<Edit<S>>,
}

/// One edit of a diff (RB-2.3). Sibling indexes are relative to the current parent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    deny_unknown_fields
)]
pub enum Edit<S = String> {
    /// Insert `reference_frames[reference_frame_index]` and its subtree before the sibling index.
    PrependFrame {
        /// Where to insert.
        sibling_index: i32,
        /// The frame to insert.
        reference_frame_index: i32,
    },
    /// Remove the node at the sibling index.
    RemoveFrame {
        /// Which node.
        sibling_index: i32,
    },
    /// Set the attribute frame `reference_frames[reference_frame_index]` on the element.
    SetAttribute {
        /// Which element.
        sibling_index: i32,
        /// The attribute frame.
        reference_frame_index: i32,
    },
    /// Remove an attribute by name.
    RemoveAttribute {
        /// Which element.
        sibling_index: i32,
        /// The attribute's name.
        name: S,
    },
    /// Replace a text node's text with that of the text frame.
    UpdateText {
        /// Which text node.
        sibling_index: i32,
        /// The text frame.
        reference_frame_index: i32,
    },
    /// Descend into the node at the sibling index.
    StepIn {
        /// Which node.
        sibling_index: i32,
    },
    /// Return to the parent of the current node.
    StepOut,
    /// Replace a markup block with that of the markup frame.
    UpdateMarkup {
        /// Which markup block.
        sibling_index: i32,
        /// The markup frame.
        reference_frame_index: i32,
    },
    /// Move the node at the sibling index to another sibling index.
    PermutationListEntry {
        /// The node's index before the moves.
        sibling_index: i32,
        /// Its index after the moves.
        move_to_sibling_index: i32,
    },
    /// Apply the permutation entries since the previous end, all together.
    PermutationListEnd,
}

impl<S> Edit<S> {
    /// The edit's type number.
    pub fn edit_type(&self) -> EditType {
        match self {
            Edit::PrependFrame { .. } => EditType::PrependFrame,
            Edit::RemoveFrame { .. } => EditType::RemoveFrame,
            Edit::SetAttribute { .. } => EditType::SetAttribute,
            Edit::RemoveAttribute { .. } => EditType::RemoveAttribute,
            Edit::UpdateText { .. } => EditType::UpdateText,
            Edit::StepIn { .. } => EditType::StepIn,
            Edit::StepOut => EditType::StepOut,
            Edit::UpdateMarkup { .. } => EditType::UpdateMarkup,
            Edit::PermutationListEntry { .. } => EditType::PermutationListEntry,
            Edit::PermutationListEnd => EditType::PermutationListEnd,
        }
    }

    /// The edit with its string converted.
    pub fn map_string<T>(self, f: impl FnOnce(S) -> T) -> Edit<T> {
        match self {
            Edit::PrependFrame {
                sibling_index,
                reference_frame_index,
            } => Edit::PrependFrame {
                sibling_index,
                reference_frame_index,
            },
            Edit::RemoveFrame { sibling_index } => Edit::RemoveFrame { sibling_index },
            Edit::SetAttribute {
                sibling_index,
                reference_frame_index,
            } => Edit::SetAttribute {
                sibling_index,
                reference_frame_index,
            },
            Edit::RemoveAttribute { sibling_index, name } => Edit::RemoveAttribute {
                sibling_index,
                name: f(name),
            },
            Edit::UpdateText {
                sibling_index,
                reference_frame_index,
            } => Edit::UpdateText {
                sibling_index,
                reference_frame_index,
            },
            Edit::StepIn { sibling_index } => Edit::StepIn { sibling_index },
            Edit::StepOut => Edit::StepOut,
            Edit::UpdateMarkup {
                sibling_index,
                reference_frame_index,
            } => Edit::UpdateMarkup {
                sibling_index,
                reference_frame_index,
            },
            Edit::PermutationListEntry {
                sibling_index,
                move_to_sibling_index,
            } => Edit::PermutationListEntry {
                sibling_index,
                move_to_sibling_index,
            },
            Edit::PermutationListEnd => Edit::PermutationListEnd,
        }
    }
}

/// One reference frame (RB-3.3). Only what the browser needs is on the wire: no sequence
/// numbers, no non-string attribute values, no component instances.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    deny_unknown_fields
)]
pub enum Frame<S = String> {
    /// An element: this frame and the `subtree_length - 1` frames after it.
    Element {
        /// Frames in the subtree, this one included (at least 1).
        subtree_length: i32,
        /// The tag name.
        name: S,
    },
    /// A text node.
    Text {
        /// The text.
        content: S,
    },
    /// An attribute. `value` is `null` for `false`, for event handlers and for any non-string
    /// value, and `""` for `true` (RB-5.9).
    Attribute {
        /// The attribute's name.
        name: S,
        /// Its string value, or null.
        value: Option<S>,
        /// The event handler id, as a decimal string; absent when 0 (no handler) (RB-6.2).
        #[serde(default, skip_serializing_if = "is_zero", with = "u64_string")]
        #[schemars(schema_with = "u64_string_schema")]
        event_handler_id: u64,
    },
    /// A child component: this frame and its parameters' attribute frames.
    Component {
        /// Frames in the subtree, this one included (at least 1).
        subtree_length: i32,
        /// The child component's id.
        component_id: i32,
    },
    /// A region: this frame and the `subtree_length - 1` frames after it.
    Region {
        /// Frames in the subtree, this one included (at least 1).
        subtree_length: i32,
    },
    /// An element reference capture.
    ElementReferenceCapture {
        /// The capture id the browser registers the element under.
        id: S,
    },
    /// A component reference capture: no data on the wire (RB-3.9).
    ComponentReferenceCapture,
    /// Raw markup.
    Markup {
        /// The markup.
        content: S,
    },
    /// A component render mode: no data on the wire (RB-3.9).
    ComponentRenderMode,
    /// A named event: no data on the wire (RB-3.9).
    NamedEvent,
}

impl<S> Frame<S> {
    /// The frame's type number.
    pub fn frame_type(&self) -> FrameType {
        match self {
            Frame::Element { .. } => FrameType::Element,
            Frame::Text { .. } => FrameType::Text,
            Frame::Attribute { .. } => FrameType::Attribute,
            Frame::Component { .. } => FrameType::Component,
            Frame::Region { .. } => FrameType::Region,
            Frame::ElementReferenceCapture { .. } => FrameType::ElementReferenceCapture,
            Frame::ComponentReferenceCapture => FrameType::ComponentReferenceCapture,
            Frame::Markup { .. } => FrameType::Markup,
            Frame::ComponentRenderMode => FrameType::ComponentRenderMode,
            Frame::NamedEvent => FrameType::NamedEvent,
        }
    }

    /// The frame with its strings converted.
    pub fn map_strings<T>(self, mut f: impl FnMut(S) -> T) -> Frame<T> {
        match self {
            Frame::Element { subtree_length, name } => Frame::Element {
                subtree_length,
                name: f(name),
            },
            Frame::Text { content } => Frame::Text { content: f(content) },
            Frame::Attribute {
                name,
                value,
                event_handler_id,
            } => Frame::Attribute {
                name: f(name),
                value: value.map(&mut f),
                event_handler_id,
            },
            Frame::Component {
                subtree_length,
                component_id,
            } => Frame::Component {
                subtree_length,
                component_id,
            },
            Frame::Region { subtree_length } => Frame::Region { subtree_length },
            Frame::ElementReferenceCapture { id } => Frame::ElementReferenceCapture { id: f(id) },
            Frame::ComponentReferenceCapture => Frame::ComponentReferenceCapture,
            Frame::Markup { content } => Frame::Markup { content: f(content) },
            Frame::ComponentRenderMode => Frame::ComponentRenderMode,
            Frame::NamedEvent => Frame::NamedEvent,
        }
    }
}

fn is_zero(value: &u64) -> bool {
    *value == 0
}

const U64_PATTERN: &str = "^(0|[1-9][0-9]{0,19})$";

fn parse_u64<E: serde::de::Error>(text: &str) -> Result<u64, E> {
    let canonical =
        !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) && (text == "0" || !text.starts_with('0'));
    if !canonical {
        return Err(E::custom(format!(
            "expected a 64-bit unsigned integer as a decimal string without sign or leading zeros (RB-6.2), found {text:?}"
        )));
    }
    text.parse::<u64>()
        .map_err(|_| E::custom(format!("{text:?} does not fit in 64 bits (RB-6.2)")))
}

mod u64_string {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &u64, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(value)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        super::parse_u64(&text)
    }
}

mod u64_strings {
    use serde::ser::SerializeSeq;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(values: &[u64], serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(values.len()))?;
        for value in values {
            seq.serialize_element(&value.to_string())?;
        }
        seq.end()
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u64>, D::Error> {
        let texts = Vec::<std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        texts.iter().map(|t| super::parse_u64(t)).collect()
    }
}

fn u64_string_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": "string",
        "pattern": U64_PATTERN,
        "description": "A 64-bit unsigned integer as a decimal string, so that JavaScript readers keep values above 2^53 exact (RB-6.2)."
    })
}

fn u64_strings_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let item = u64_string_schema(generator);
    schemars::json_schema!({ "type": "array", "items": item })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_handler_ids_above_2_pow_53_survive_json_as_strings() {
        // RB-6.2
        let batch = RenderBatch {
            reference_frames: vec![Frame::Attribute {
                name: "onclick".into(),
                value: None,
                event_handler_id: u64::MAX,
            }],
            disposed_event_handler_ids: vec![(1 << 53) + 1],
            ..Default::default()
        };
        let json = serde_json::to_string(&batch).unwrap();
        assert!(json.contains(r#""eventHandlerId":"18446744073709551615""#), "{json}");
        assert!(
            json.contains(r#""disposedEventHandlerIds":["9007199254740993"]"#),
            "{json}"
        );
        assert_eq!(serde_json::from_str::<RenderBatch>(&json).unwrap(), batch);
    }

    #[test]
    fn non_canonical_u64_strings_are_refused() {
        // RB-6.2
        for bad in [
            r#""01""#,
            r#""+1""#,
            r#""""#,
            r#""18446744073709551616""#,
            "1",
            r#"" 1""#,
        ] {
            let json = format!(
                r#"{{"updatedComponents":[],"referenceFrames":[],"disposedComponentIds":[],"disposedEventHandlerIds":[{bad}]}}"#
            );
            assert!(serde_json::from_str::<RenderBatch>(&json).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn unknown_fields_are_refused() {
        // RB-6.1
        let json = r#"{"updatedComponents":[],"referenceFrames":[{"type":"text","content":"a","extra":1}],"disposedComponentIds":[],"disposedEventHandlerIds":[]}"#;
        assert!(serde_json::from_str::<RenderBatch>(json).is_err());
        let json = r#"{"updatedComponents":[],"referenceFrames":[{"type":"paragraph"}],"disposedComponentIds":[],"disposedEventHandlerIds":[]}"#;
        assert!(serde_json::from_str::<RenderBatch>(json).is_err());
    }

    #[test]
    fn type_numbers_match_aspnetcore_10() {
        // RB-2.4, RB-3.2
        for n in 1..=10 {
            assert_eq!(FrameType::from_i32(n).unwrap() as i32, n);
            assert_eq!(EditType::from_i32(n).unwrap() as i32, n);
        }
        for n in [0, 11, -1, i32::MAX] {
            assert!(FrameType::from_i32(n).is_none());
            assert!(EditType::from_i32(n).is_none());
        }
    }
}
