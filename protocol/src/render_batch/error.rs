//! Typed decode errors: what is wrong, where (byte offset), and which rule says so.

use std::fmt;

/// A part of the batch, for error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// The five section positions at the end.
    Trailer,
    /// The diffs and their position table.
    UpdatedComponents,
    /// The reference frames.
    ReferenceFrames,
    /// The disposed component ids.
    DisposedComponentIds,
    /// The disposed event handler ids.
    DisposedEventHandlerIds,
    /// The string data and its position table.
    StringTable,
}

impl fmt::Display for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Section::Trailer => "trailer",
            Section::UpdatedComponents => "updated components",
            Section::ReferenceFrames => "reference frames",
            Section::DisposedComponentIds => "disposed component ids",
            Section::DisposedEventHandlerIds => "disposed event handler ids",
            Section::StringTable => "string table",
        })
    }
}

/// Why a batch was rejected. [`DecodeErrorKind::name`] gives the stable name used by the
/// conformance vectors; [`DecodeError::requirement`] the rule of `spec/render-batch.md`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The input ends before something that must be there.
    #[error("truncated {section}: {what} needs {needed} bytes, {available} remain")]
    Truncated {
        /// Where.
        section: Section,
        /// What was being read.
        what: &'static str,
        /// Bytes needed.
        needed: usize,
        /// Bytes left.
        available: usize,
    },
    /// The input is larger than [`Limits::max_batch_bytes`](super::Limits).
    #[error("batch of {size} bytes exceeds the limit of {limit}")]
    BatchTooLarge {
        /// Its size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// A trailer position is negative or past the end of the data.
    #[error("trailer position of the {section} is {position}, outside 0..={end}")]
    SectionOutOfBounds {
        /// Which section.
        section: Section,
        /// The position found.
        position: i64,
        /// The end of the data before the trailer.
        end: usize,
    },
    /// A section does not start where the previous one ends: sections overlap, come out of
    /// order, or leave unexplained bytes between them.
    #[error("the {section} start at {found}, but the previous section ends at {expected} ({how})")]
    SectionMisplaced {
        /// Which section.
        section: Section,
        /// Where it had to start.
        expected: usize,
        /// Where the trailer (or a position table) says it starts.
        found: usize,
        /// "overlap" or "gap".
        how: &'static str,
    },
    /// A count is negative.
    #[error("negative count {count} of {what}")]
    NegativeCount {
        /// What was counted.
        what: &'static str,
        /// The count.
        count: i32,
    },
    /// A count needs more bytes than the section has.
    #[error("count {count} of {what} needs {needed} bytes, the section has {available}")]
    CountExceedsInput {
        /// What was counted.
        what: &'static str,
        /// The count.
        count: i64,
        /// Bytes the count needs.
        needed: u64,
        /// Bytes there are.
        available: usize,
    },
    /// A count exceeds a configured limit.
    #[error("{count} {what} exceed the limit of {limit}")]
    LimitExceeded {
        /// What was counted.
        what: &'static str,
        /// The count.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// A frame type number ASP.NET Core 10 does not define.
    #[error("unknown frame type {value}")]
    UnknownFrameType {
        /// The number.
        value: i32,
    },
    /// An edit type number ASP.NET Core 10 does not define.
    #[error("unknown edit type {value}")]
    UnknownEditType {
        /// The number.
        value: i32,
    },
    /// Padding, or a field the entry's type does not use, is not zero.
    #[error("{what} must be {expected} but is {found}")]
    UnusedFieldSet {
        /// Which field.
        what: &'static str,
        /// What it must hold.
        expected: i64,
        /// What it holds.
        found: i64,
    },
    /// A negative id or index where only non-negative values are meaningful.
    #[error("{what} is negative ({value})")]
    NegativeValue {
        /// Which field.
        what: &'static str,
        /// The value.
        value: i64,
    },
    /// An event handler id of 0 in the disposed list (0 means "no handler").
    #[error("disposed event handler id 0 (0 means no handler)")]
    ZeroEventHandlerId,
    /// A string index that is neither -1 (null) nor an index into the string table.
    #[error("{what}: string index {index} is not -1 and not below the string count {count}")]
    StringIndexOutOfRange {
        /// Which field.
        what: &'static str,
        /// The index.
        index: i32,
        /// The string count.
        count: usize,
    },
    /// A null (-1) string where the field requires a string.
    #[error("{what} must not be null")]
    NullString {
        /// Which field.
        what: &'static str,
    },
    /// An attribute carries both an event handler id and a string value.
    #[error(
        "attribute with event handler id {event_handler_id} has a string value; handlers are written with a null value"
    )]
    HandlerWithValue {
        /// The id.
        event_handler_id: u64,
    },
    /// A string position table entry does not point at the end of the previous string.
    #[error("string {index} starts at {found}, but the previous string ends at {expected}")]
    StringMisplaced {
        /// Which string.
        index: usize,
        /// Where it had to start.
        expected: usize,
        /// Where its table entry says it starts.
        found: i64,
    },
    /// The string position table's size is not a multiple of 4.
    #[error("the string position table is {length} bytes, not a multiple of 4")]
    StringTableSize {
        /// Its length.
        length: usize,
    },
    /// A length prefix longer than 5 bytes, or one whose value exceeds int32.
    #[error("length prefix of string {index} does not fit in 32 bits")]
    LengthPrefixTooLong {
        /// Which string.
        index: usize,
    },
    /// A length prefix written with more bytes than its value needs.
    #[error("length prefix of string {index} is over-long: {used} bytes for the value {value}")]
    LengthPrefixOverlong {
        /// Which string.
        index: usize,
        /// Bytes used.
        used: usize,
        /// The value.
        value: u32,
    },
    /// String bytes that are not well-formed UTF-8.
    #[error("string {index} is not valid UTF-8 ({detail})")]
    InvalidUtf8 {
        /// Which string.
        index: usize,
        /// What the UTF-8 check said.
        detail: String,
    },
    /// A diff position table entry that does not match where the diff starts.
    #[error("diff {index} starts at {expected}, but the position table says {found}")]
    DiffPositionMismatch {
        /// Which diff.
        index: usize,
        /// Where it starts.
        expected: usize,
        /// What the table says.
        found: i64,
    },
    /// An edit's reference frame index outside the reference frames.
    #[error("reference frame index {index} is not below the frame count {count}")]
    FrameIndexOutOfRange {
        /// The index.
        index: i32,
        /// The frame count.
        count: usize,
    },
    /// An edit refers to a frame of a type it cannot use.
    #[error("{edit} refers to a {found} frame at index {index}")]
    FrameTypeMismatch {
        /// The edit type.
        edit: &'static str,
        /// The frame's type.
        found: &'static str,
        /// The frame's index.
        index: i32,
    },
    /// Two edits refer to the same reference frame.
    #[error("reference frame {index} is already referred to by the edit slot at byte {first}")]
    FrameReferencedTwice {
        /// The frame's index.
        index: i32,
        /// Position of the first edit slot that refers to it.
        first: usize,
    },
    /// An edit refers to a frame inside another frame's subtree.
    #[error("an edit refers to reference frame {index}, which lies inside another frame's subtree")]
    NestedFrameReference {
        /// The frame's index.
        index: usize,
    },
    /// A top-level reference frame that no edit refers to.
    #[error("no edit refers to the top-level reference frame {index}")]
    UnreferencedFrame {
        /// The frame's index.
        index: usize,
    },
    /// An attribute frame that does not lead its element's or component's children.
    #[error(
        "attribute frame {index} is not a leading child of an element or component (its parent is a frame of type {parent})"
    )]
    MisplacedAttribute {
        /// The frame's index.
        index: usize,
        /// The parent frame's type.
        parent: &'static str,
    },
    /// `StepOut` at depth 0, or a diff that ends with unmatched `StepIn` edits.
    #[error("unbalanced step: {detail}")]
    UnbalancedStep {
        /// What happened.
        detail: &'static str,
    },
    /// A permutation list without its end, an end without entries, or another edit inside one.
    #[error("malformed permutation list: {detail}")]
    MalformedPermutationList {
        /// What happened.
        detail: &'static str,
    },
    /// A subtree length below 1, or a subtree that runs past its parent or past the frames.
    #[error("subtree of frame {index} has length {length}, but must lie within 1..={max}")]
    SubtreeOutOfBounds {
        /// The frame's index.
        index: usize,
        /// Its subtree length.
        length: i32,
        /// The most it may be.
        max: usize,
    },
    /// The string table is not the one Blazor's writer would write for these edits and frames:
    /// a string shared where it must not be, duplicated where it must be shared, out of order,
    /// or never referenced.
    #[error("non-canonical string table: {detail} (string {index})")]
    NonCanonicalStrings {
        /// Which string.
        index: usize,
        /// What is wrong.
        detail: &'static str,
    },
}

impl DecodeErrorKind {
    /// The stable name of this kind, as conformance vectors write it.
    pub fn name(&self) -> &'static str {
        use DecodeErrorKind::*;
        match self {
            Truncated { .. } => "truncated",
            BatchTooLarge { .. } => "batch_too_large",
            SectionOutOfBounds { .. } => "section_out_of_bounds",
            SectionMisplaced { .. } => "section_misplaced",
            NegativeCount { .. } => "negative_count",
            CountExceedsInput { .. } => "count_exceeds_input",
            LimitExceeded { .. } => "limit_exceeded",
            UnknownFrameType { .. } => "unknown_frame_type",
            UnknownEditType { .. } => "unknown_edit_type",
            UnusedFieldSet { .. } => "unused_field_set",
            NegativeValue { .. } => "negative_value",
            ZeroEventHandlerId => "zero_event_handler_id",
            StringIndexOutOfRange { .. } => "string_index_out_of_range",
            NullString { .. } => "null_string",
            HandlerWithValue { .. } => "handler_with_value",
            StringMisplaced { .. } => "string_misplaced",
            StringTableSize { .. } => "string_table_size",
            LengthPrefixTooLong { .. } => "length_prefix_too_long",
            LengthPrefixOverlong { .. } => "length_prefix_overlong",
            InvalidUtf8 { .. } => "invalid_utf8",
            DiffPositionMismatch { .. } => "diff_position_mismatch",
            FrameIndexOutOfRange { .. } => "frame_index_out_of_range",
            FrameTypeMismatch { .. } => "frame_type_mismatch",
            FrameReferencedTwice { .. } => "frame_referenced_twice",
            NestedFrameReference { .. } => "nested_frame_reference",
            UnreferencedFrame { .. } => "unreferenced_frame",
            MisplacedAttribute { .. } => "misplaced_attribute",
            UnbalancedStep { .. } => "unbalanced_step",
            MalformedPermutationList { .. } => "malformed_permutation_list",
            SubtreeOutOfBounds { .. } => "subtree_out_of_bounds",
            NonCanonicalStrings { .. } => "non_canonical_strings",
        }
    }

    /// Every kind's stable name, for tools and schemas.
    pub const NAMES: &'static [&'static str] = &[
        "truncated",
        "batch_too_large",
        "section_out_of_bounds",
        "section_misplaced",
        "negative_count",
        "count_exceeds_input",
        "limit_exceeded",
        "unknown_frame_type",
        "unknown_edit_type",
        "unused_field_set",
        "negative_value",
        "zero_event_handler_id",
        "string_index_out_of_range",
        "null_string",
        "handler_with_value",
        "string_misplaced",
        "string_table_size",
        "length_prefix_too_long",
        "length_prefix_overlong",
        "invalid_utf8",
        "diff_position_mismatch",
        "frame_index_out_of_range",
        "frame_type_mismatch",
        "frame_referenced_twice",
        "nested_frame_reference",
        "unreferenced_frame",
        "misplaced_attribute",
        "unbalanced_step",
        "malformed_permutation_list",
        "subtree_out_of_bounds",
        "non_canonical_strings",
    ];
}

/// A rejected batch: the kind, the byte offset of the offending item, and the rule it breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// What is wrong.
    pub kind: DecodeErrorKind,
    /// Byte offset, from the start of the batch, of the item that is wrong.
    pub offset: usize,
    /// The requirement of `spec/render-batch.md` that the batch breaks.
    pub requirement: &'static str,
}

impl DecodeError {
    pub(crate) fn new(kind: DecodeErrorKind, offset: usize, requirement: &'static str) -> Self {
        DecodeError {
            kind,
            offset,
            requirement,
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at byte {} ({}): {}",
            self.kind.name(),
            self.offset,
            self.requirement,
            self.kind
        )
    }
}

impl std::error::Error for DecodeError {}
