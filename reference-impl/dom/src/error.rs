//! Typed errors: a batch that is not valid bytes, or valid bytes that cannot apply to the
//! document as it stands.

use brasa_protocol::render_batch::{DecodeError, EditType, FrameType};

use crate::node::NodeKind;

/// Why a batch could not be applied. Every variant names the batch (its position in the
/// sequence applied to the document, from 0) and, where there is one, the diff (its position in
/// the batch), the component and the edit (its position in the diff, and its type).
///
/// Application stops at the first error. Edits before it stay applied, as they do in the
/// browser, whose client throws at the same point.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ApplyError {
    /// The bytes are not a valid render batch.
    #[error("batch {batch}: {error}")]
    Decode {
        /// Which batch.
        batch: usize,
        /// What the validating reader found.
        #[source]
        error: DecodeError,
    },
    /// A diff for a component that no logical container is associated with (ED-2.2, ED-5.1): it was never
    /// inserted by a component frame, or it was disposed. (Blazor's client throws "No element is
    /// currently associated with component".)
    #[error("batch {batch}, diff {diff}: no logical container is associated with component {component_id}")]
    UnknownComponent {
        /// Which batch.
        batch: usize,
        /// Which diff.
        diff: usize,
        /// The diff's component.
        component_id: i32,
    },
    /// A diff for a component whose container has been removed from the document (ED-2.2; its
    /// component frame was removed, and the component not yet disposed). Blazor's client would
    /// insert such a diff's nodes next to an unrelated node.
    #[error("batch {batch}, diff {diff}: the container of component {component_id} has been removed from the document")]
    ComponentNotInDocument {
        /// Which batch.
        batch: usize,
        /// Which diff.
        diff: usize,
        /// The diff's component.
        component_id: i32,
    },
    /// An edit that cannot apply (ED-5.3: application stops there).
    #[error("batch {batch}, diff {diff} (component {component_id}), edit {edit} ({edit_type:?}): {error}")]
    Edit {
        /// Which batch.
        batch: usize,
        /// Which diff.
        diff: usize,
        /// The diff's component.
        component_id: i32,
        /// Which edit of the diff.
        edit: usize,
        /// Its type.
        edit_type: EditType,
        /// What is wrong.
        #[source]
        error: EditError,
    },
    /// A diff that ends with StepIn edits not matched by StepOut, or inside a permutation list
    /// (ED-2.3, ED-2.12; RB-2.8, RB-2.9; the validating reader rejects these already, an owned batch may have them).
    #[error("batch {batch}, diff {diff} (component {component_id}): {detail}")]
    UnclosedDiff {
        /// Which batch.
        batch: usize,
        /// Which diff.
        diff: usize,
        /// The diff's component.
        component_id: i32,
        /// What is left open.
        detail: &'static str,
    },
    /// A disposed component id that no container is associated with (ED-5.1).
    #[error("batch {batch}, disposed component id {index}: component {component_id} is unknown")]
    UnknownDisposedComponent {
        /// Which batch.
        batch: usize,
        /// Position in the disposed component ids.
        index: usize,
        /// The id.
        component_id: i32,
    },
}

impl ApplyError {
    /// A stable name of the error's kind (`edit/sibling_index_out_of_range`, `unknown_component`, ...).
    pub fn name(&self) -> String {
        match self {
            ApplyError::Decode { error, .. } => format!("decode/{}", error.kind.name()),
            ApplyError::UnknownComponent { .. } => "unknown_component".into(),
            ApplyError::ComponentNotInDocument { .. } => "component_not_in_document".into(),
            ApplyError::Edit { error, .. } => format!("edit/{}", error.name()),
            ApplyError::UnclosedDiff { .. } => "unclosed_diff".into(),
            ApplyError::UnknownDisposedComponent { .. } => "unknown_disposed_component".into(),
        }
    }
}

/// Why an edit cannot apply. Indexes named `index` are logical child indexes of the current
/// parent; `frame` is a reference frame index.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EditError {
    /// The sibling index names no child of the current parent (ED-2.3, ED-2.4).
    #[error("sibling index {index} names no child: the current parent has {count}")]
    SiblingIndexOutOfRange {
        /// The index.
        index: i64,
        /// How many logical children there are.
        count: usize,
    },
    /// A PrependFrame past the end of the children (ED-2.4; the browser would append instead).
    #[error("cannot insert at sibling index {index}: the current parent has {count} children")]
    InsertionIndexOutOfRange {
        /// The index.
        index: i64,
        /// How many logical children there are.
        count: usize,
    },
    /// SetAttribute, RemoveAttribute or StepIn on a child that is not an element (ED-2.7, ED-2.8, ED-2.3).
    #[error("the child at sibling index {index} is a {found:?}, not an element")]
    NotAnElement {
        /// The index.
        index: i64,
        /// What is there.
        found: NodeKind,
    },
    /// UpdateText on a child that is not a text node (ED-2.9).
    #[error("the child at sibling index {index} is a {found:?}, not a text node")]
    NotAText {
        /// The index.
        index: i64,
        /// What is there.
        found: NodeKind,
    },
    /// UpdateMarkup on a child that is not a markup block's container (ED-2.10).
    #[error("the child at sibling index {index} is not a markup block")]
    NotAMarkupBlock {
        /// The index.
        index: i64,
    },
    /// StepOut at the component's own level: it would leave the component's output (ED-2.3).
    #[error("StepOut at depth 0 would leave the component's output")]
    StepOutAtRoot,
    /// A PermutationListEnd with no entry before it (ED-2.11; the browser throws).
    #[error("PermutationListEnd without PermutationListEntry edits")]
    EmptyPermutationList,
    /// Another edit between a PermutationListEntry and its PermutationListEnd (ED-2.11, RB-2.9).
    #[error("an edit other than PermutationListEntry or PermutationListEnd inside a permutation list")]
    EditInsidePermutationList,
    /// A permutation entry's index names no child (ED-2.11).
    #[error("permutation {which} index {index} names no child: the current parent has {count}")]
    PermutationIndexOutOfRange {
        /// "from" or "to".
        which: &'static str,
        /// The index.
        index: i64,
        /// How many logical children there are.
        count: usize,
    },
    /// The entries do not describe a permutation (ED-2.11): a child moved twice, or two children moved
    /// to one place, or a place left empty.
    #[error("the permutation list is not a permutation: {detail}")]
    InvalidPermutation {
        /// What is wrong.
        detail: &'static str,
    },
    /// The edit's frame index names no reference frame (ED-2.12).
    #[error("reference frame index {frame} is not below the frame count {count}")]
    FrameIndexOutOfRange {
        /// The index.
        frame: i64,
        /// How many frames the batch has.
        count: usize,
    },
    /// The edit's frame is of a type it cannot use (ED-2.12, RB-2.10).
    #[error("reference frame {frame} is a {found:?} frame, the edit needs {expected}")]
    WrongFrameType {
        /// The frame index.
        frame: usize,
        /// What the edit needs.
        expected: &'static str,
        /// What it is.
        found: FrameType,
    },
    /// A subtree that does not fit within its parent's subtree or the frames (ED-2.12, RB-3.5).
    #[error("the subtree of frame {frame} (length {length}) does not end within its parent (at frame {end})")]
    SubtreeOutOfRange {
        /// The frame index.
        frame: usize,
        /// Its subtree length.
        length: i32,
        /// Where its parent's subtree ends.
        end: usize,
    },
    /// Subtrees nested deeper than the limit (ED-2.12).
    #[error("frames nested deeper than {limit}")]
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// An attribute frame that does not directly follow its element's frame or another attribute (ED-3.7).
    #[error("attribute frame {frame} is not among the leading children of an element")]
    AttributeFrameOutOfPlace {
        /// The frame index.
        frame: usize,
    },
    /// A frame type the browser's client cannot insert (ED-3.7: ComponentReferenceCapture or
    /// ComponentRenderMode outside a component's subtree).
    #[error("frame {frame} is a {found:?} frame, which cannot be inserted into the document")]
    UnsupportedFrameType {
        /// The frame index.
        frame: usize,
        /// Its type.
        found: FrameType,
    },
    /// An element reference capture whose parent is not an element (ED-3.6).
    #[error("element reference capture frame {frame} is not a child of an element")]
    ReferenceCaptureOutsideElement {
        /// The frame index.
        frame: usize,
    },
    /// An element name `document.createElement` refuses (ED-3.1).
    #[error("frame {frame}: {name:?} is not a valid element name")]
    InvalidElementName {
        /// The frame index.
        frame: usize,
        /// The name.
        name: String,
    },
    /// An attribute name `setAttribute` refuses (ED-4.5).
    #[error("{name:?} is not a valid attribute name")]
    InvalidAttributeName {
        /// The name.
        name: String,
    },
    /// An event handler attribute whose name does not start with `on` (ED-4.1, ED-4.4).
    #[error("attribute {name:?} has an event handler id but its name does not start with \"on\"")]
    EventNameWithoutOnPrefix {
        /// The attribute name.
        name: String,
    },
    /// An event handler id that is already registered (ED-4.1).
    #[error("event handler {event_handler_id} is already registered")]
    EventHandlerAlreadyTracked {
        /// The id.
        event_handler_id: u64,
    },
    /// An `__internal_` attribute (ED-4.4) other than `__internal_stopPropagation_on*` and
    /// `__internal_preventDefault_on*`.
    #[error("unsupported internal attribute {name:?}")]
    UnsupportedInternalAttribute {
        /// The full attribute name.
        name: String,
    },
    /// A component frame for a component that already has a live container (ED-3.3).
    #[error("frame {frame}: component {component_id} already has a logical container")]
    ComponentAlreadyAttached {
        /// The frame index.
        frame: usize,
        /// The component.
        component_id: i32,
    },
    /// A `value` for a `<select multiple>` that is not JSON the client can use (ED-4.2; `JSON.parse`
    /// throws, or the result is not a string or an array).
    #[error("value {value:?} of a <select multiple> is not a JSON array or string")]
    InvalidMultipleSelectValue {
        /// The value.
        value: String,
    },
    /// A non-empty `value` for an `<input type=file>` (ED-4.2; the browser throws InvalidStateError).
    #[error("cannot set the value {value:?} on an <input type=file>")]
    FileInputValue {
        /// The value.
        value: String,
    },
    /// An option was inserted into a `<select multiple>` whose pending value is null (ED-4.2; the
    /// client throws a TypeError).
    #[error("an <option> was inserted into a <select multiple> whose pending value is null")]
    NullMultipleSelectValue,
    /// The child at the index is not in the document tree where the logical tree says it is (ED-1.1).
    #[error("the logical child at sibling index {index} is detached from the document")]
    Detached {
        /// The index.
        index: i64,
    },
}

impl EditError {
    /// A stable name of the error's kind.
    pub fn name(&self) -> &'static str {
        use EditError::*;
        match self {
            SiblingIndexOutOfRange { .. } => "sibling_index_out_of_range",
            InsertionIndexOutOfRange { .. } => "insertion_index_out_of_range",
            NotAnElement { .. } => "not_an_element",
            NotAText { .. } => "not_a_text",
            NotAMarkupBlock { .. } => "not_a_markup_block",
            StepOutAtRoot => "step_out_at_root",
            EmptyPermutationList => "empty_permutation_list",
            EditInsidePermutationList => "edit_inside_permutation_list",
            PermutationIndexOutOfRange { .. } => "permutation_index_out_of_range",
            InvalidPermutation { .. } => "invalid_permutation",
            FrameIndexOutOfRange { .. } => "frame_index_out_of_range",
            WrongFrameType { .. } => "wrong_frame_type",
            SubtreeOutOfRange { .. } => "subtree_out_of_range",
            TooDeep { .. } => "too_deep",
            AttributeFrameOutOfPlace { .. } => "attribute_frame_out_of_place",
            UnsupportedFrameType { .. } => "unsupported_frame_type",
            ReferenceCaptureOutsideElement { .. } => "reference_capture_outside_element",
            InvalidElementName { .. } => "invalid_element_name",
            InvalidAttributeName { .. } => "invalid_attribute_name",
            EventNameWithoutOnPrefix { .. } => "event_name_without_on_prefix",
            EventHandlerAlreadyTracked { .. } => "event_handler_already_tracked",
            UnsupportedInternalAttribute { .. } => "unsupported_internal_attribute",
            ComponentAlreadyAttached { .. } => "component_already_attached",
            InvalidMultipleSelectValue { .. } => "invalid_multiple_select_value",
            FileInputValue { .. } => "file_input_value",
            NullMultipleSelectValue => "null_multiple_select_value",
            Detached { .. } => "detached",
        }
    }
}

/// Why a root component cannot be attached.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AttachError {
    /// The component already has a container.
    #[error("component {0} already has a logical container")]
    AlreadyAttached(i32),
    /// The root element already is the container of a root component.
    #[error("the root element is already the container of root component {0}")]
    ElementTaken(i32),
}
