//! The zero-copy validating reader (RB-1 … RB-5).
//!
//! [`validate`] checks a whole batch in one pass over its sections: trailer, section placement
//! and counts, then the string table (offsets, length prefixes, UTF-8), then every edit and frame
//! (type codes, padding, indexes, nesting) while replaying Blazor's string-table assignment to
//! check that the table is the one its writer would produce. After that a [`RenderBatchView`]
//! reads items without failing.

use rustc_hash::FxHashMap;

use super::error::{DecodeError, DecodeErrorKind as K, Section};
use super::limits::Limits;
use super::types::{Diff, Edit, EditType, Frame, FrameType, RenderBatch};
use super::{EDIT_SIZE, FRAME_SIZE, TRAILER_SIZE};

/// A validated batch. Reading items from it cannot fail.
#[derive(Debug, Clone, Copy)]
pub struct RenderBatchView<'a> {
    bytes: &'a [u8],
    diff_table: usize,
    diff_count: usize,
    frames: usize,
    frame_count: usize,
    disposed_components: usize,
    disposed_component_count: usize,
    disposed_handlers: usize,
    disposed_handler_count: usize,
    string_positions: usize,
    string_count: usize,
}

/// A validated diff.
#[derive(Debug, Clone, Copy)]
pub struct DiffView<'a> {
    batch: RenderBatchView<'a>,
    position: usize,
    edit_count: usize,
}

/// Validates `bytes` with [`Limits::DEFAULT`] and decodes it into the owned form.
pub fn decode(bytes: &[u8]) -> Result<RenderBatch, DecodeError> {
    decode_with_limits(bytes, &Limits::DEFAULT)
}

/// Validates `bytes` with the given limits and decodes it into the owned form.
pub fn decode_with_limits(bytes: &[u8], limits: &Limits) -> Result<RenderBatch, DecodeError> {
    Ok(validate(bytes, limits)?.to_owned_batch())
}

/// Validates a batch in one pass and returns a view that reads it without further checks.
pub fn validate<'a>(bytes: &'a [u8], limits: &Limits) -> Result<RenderBatchView<'a>, DecodeError> {
    Validator { bytes, limits }.run()
}

fn read_i32(bytes: &[u8], position: usize) -> i32 {
    let mut word = [0u8; 4];
    word.copy_from_slice(&bytes[position..position + 4]);
    i32::from_le_bytes(word)
}

fn read_u64(bytes: &[u8], position: usize) -> u64 {
    let mut word = [0u8; 8];
    word.copy_from_slice(&bytes[position..position + 8]);
    u64::from_le_bytes(word)
}

/// Reads a .NET 7-bit length prefix; `None` when it runs past `end` or exceeds 5 bytes / int32.
/// Returns (value, bytes used).
fn read_length_prefix(bytes: &[u8], position: usize, end: usize) -> Result<(u32, usize), usize> {
    let mut value: u32 = 0;
    for used in 0..5 {
        let at = position + used;
        if at >= end {
            return Err(at);
        }
        let byte = bytes[at];
        if used == 4 && byte > 0x07 {
            // A fifth byte may only carry bits 28..30: the value must fit in int32.
            return Err(usize::MAX);
        }
        value |= u32::from(byte & 0x7F) << (7 * used);
        if byte & 0x80 == 0 {
            return Ok((value, used + 1));
        }
    }
    Err(usize::MAX)
}

fn length_prefix_size(value: u32) -> usize {
    match value {
        0..=0x7F => 1,
        0x80..=0x3FFF => 2,
        0x4000..=0x1F_FFFF => 3,
        0x20_0000..=0xFFF_FFFF => 4,
        _ => 5,
    }
}

/// Whether .NET's `string.IsNullOrWhiteSpace` holds for this (non-null) text: every character
/// is Unicode `White_Space`, which is the set `char.IsWhiteSpace` uses (RB-5.6).
pub(crate) fn is_whitespace_only(text: &str) -> bool {
    for &b in text.as_bytes() {
        match b {
            b' ' | b'\t'..=b'\r' => {}
            0x80.. => return text.chars().all(char::is_whitespace),
            _ => return false,
        }
    }
    true
}

/// How a field takes part in Blazor's string deduplication (RB-5.6).
#[derive(Clone, Copy)]
enum Dedup {
    Always,
    IfEmpty,
    IfWhitespace,
    Never,
}

struct Validator<'a, 'l> {
    bytes: &'a [u8],
    limits: &'l Limits,
}

struct Strings<'a> {
    bytes: &'a [u8],
    /// Start and end of each string's UTF-8 bytes.
    spans: Vec<(u32, u32)>,
    next_new: usize,
    deduplicated: Vec<bool>,
    /// Whether each string is whitespace-only: 0 not yet known, 1 no, 2 yes. Cached so that a
    /// long string shared by many text frames is scanned once, not once per reference.
    whitespace: Vec<u8>,
    dedup_map: FxHashMap<&'a str, u32>,
    /// Sum of the lengths of all string references: the size of the owned form's strings.
    expanded: usize,
    max_expanded: usize,
}

impl<'a> Strings<'a> {
    fn text(&self, index: usize) -> &'a str {
        let (start, end) = self.spans[index];
        std::str::from_utf8(&self.bytes[start as usize..end as usize]).unwrap_or_default()
    }

    /// Checks one string reference against range, nullability and Blazor's assignment order.
    fn reference(
        &mut self,
        what: &'static str,
        index: i32,
        offset: usize,
        nullable: bool,
        dedup: Dedup,
    ) -> Result<Option<&'a str>, DecodeError> {
        if index == -1 {
            return if nullable {
                Ok(None)
            } else {
                let rule = if what == "removed attribute name" {
                    "RB-2.6"
                } else {
                    "RB-3.8"
                };
                Err(DecodeError::new(K::NullString { what }, offset, rule))
            };
        }
        let count = self.spans.len();
        if index < 0 || index as usize >= count {
            return Err(DecodeError::new(
                K::StringIndexOutOfRange { what, index, count },
                offset,
                "RB-5.5",
            ));
        }
        let idx = index as usize;
        let text = self.text(idx);
        self.expanded += text.len();
        if self.expanded > self.max_expanded {
            return Err(DecodeError::new(
                K::LimitExceeded {
                    what: "bytes of referenced strings",
                    count: self.expanded,
                    limit: self.max_expanded,
                },
                offset,
                "RB-1.5",
            ));
        }
        let shareable = match dedup {
            Dedup::Always => true,
            Dedup::IfEmpty => text.is_empty(),
            Dedup::IfWhitespace => {
                if self.whitespace[idx] == 0 {
                    self.whitespace[idx] = if is_whitespace_only(text) { 2 } else { 1 };
                }
                self.whitespace[idx] == 2
            }
            Dedup::Never => false,
        };
        let bad = |detail| {
            Err(DecodeError::new(
                K::NonCanonicalStrings { index: idx, detail },
                offset,
                "RB-5.8",
            ))
        };
        if idx == self.next_new {
            if shareable {
                if self.dedup_map.insert(text, index as u32).is_some() {
                    return bad("a deduplicated value is written a second time instead of sharing its first entry");
                }
                self.deduplicated[idx] = true;
            }
            self.next_new += 1;
        } else if idx < self.next_new {
            if !shareable {
                return bad("an entry is shared by a field whose value Blazor never deduplicates");
            }
            if !self.deduplicated[idx] {
                return bad("an entry written for a non-deduplicated field is shared");
            }
        } else {
            return bad("an entry is used before the entries that precede it");
        }
        Ok(Some(text))
    }
}

struct Layout {
    diff_table: usize,
    diff_count: usize,
    frames: usize,
    frame_count: usize,
    disposed_components: usize,
    disposed_component_count: usize,
    disposed_handlers: usize,
    disposed_handler_count: usize,
    string_data: usize,
    string_positions: usize,
    string_count: usize,
}

impl<'a> Validator<'a, '_> {
    fn run(self) -> Result<RenderBatchView<'a>, DecodeError> {
        let layout = self.layout()?;
        let mut strings = self.strings(&layout)?;
        // For each reference frame, 1 + the position of the edit slot that refers to it (0: none).
        let mut references = vec![0u32; layout.frame_count];
        self.diffs(&layout, &mut strings, &mut references)?;
        self.frames(&layout, &mut strings, &references)?;
        self.disposed(&layout)?;
        if strings.next_new != layout.string_count {
            let index = strings.next_new;
            let offset = layout.string_positions + 4 * index;
            return Err(DecodeError::new(
                K::NonCanonicalStrings {
                    index,
                    detail: "an entry is never referenced",
                },
                offset,
                "RB-5.8",
            ));
        }
        Ok(RenderBatchView {
            bytes: self.bytes,
            diff_table: layout.diff_table,
            diff_count: layout.diff_count,
            frames: layout.frames,
            frame_count: layout.frame_count,
            disposed_components: layout.disposed_components,
            disposed_component_count: layout.disposed_component_count,
            disposed_handlers: layout.disposed_handlers,
            disposed_handler_count: layout.disposed_handler_count,
            string_positions: layout.string_positions,
            string_count: layout.string_count,
        })
    }

    /// Reads a count at `position` of a table whose entries are `entry` bytes and which must end
    /// by `end`; checks sign, input size and limit (RB-1.4, RB-1.5).
    fn count(
        &self,
        section: Section,
        what: &'static str,
        position: usize,
        entry: usize,
        end: usize,
        limit: usize,
    ) -> Result<usize, DecodeError> {
        if position + 4 > end {
            return Err(DecodeError::new(
                K::Truncated {
                    section,
                    what: "count",
                    needed: 4,
                    available: end.saturating_sub(position),
                },
                position,
                "RB-1.4",
            ));
        }
        let count = read_i32(self.bytes, position);
        if count < 0 {
            return Err(DecodeError::new(K::NegativeCount { what, count }, position, "RB-1.4"));
        }
        let needed = count as u64 * entry as u64;
        let available = end - position - 4;
        if needed > available as u64 {
            return Err(DecodeError::new(
                K::CountExceedsInput {
                    what,
                    count: count.into(),
                    needed,
                    available,
                },
                position,
                "RB-1.4",
            ));
        }
        let count = count as usize;
        if count > limit {
            return Err(DecodeError::new(
                K::LimitExceeded { what, count, limit },
                position,
                "RB-1.5",
            ));
        }
        Ok(count)
    }

    fn placed(section: Section, expected: usize, found: usize, offset: usize) -> Result<(), DecodeError> {
        if expected == found {
            return Ok(());
        }
        let how = if found < expected { "overlap" } else { "gap" };
        Err(DecodeError::new(
            K::SectionMisplaced {
                section,
                expected,
                found,
                how,
            },
            offset,
            "RB-1.2",
        ))
    }

    fn layout(&self) -> Result<Layout, DecodeError> {
        let bytes = self.bytes;
        let len = bytes.len();
        if len > self.limits.max_batch_bytes {
            return Err(DecodeError::new(
                K::BatchTooLarge {
                    size: len,
                    limit: self.limits.max_batch_bytes,
                },
                0,
                "RB-1.5",
            ));
        }
        if len < TRAILER_SIZE {
            return Err(DecodeError::new(
                K::Truncated {
                    section: Section::Trailer,
                    what: "trailer",
                    needed: TRAILER_SIZE,
                    available: len,
                },
                0,
                "RB-1.3",
            ));
        }
        let end = len - TRAILER_SIZE;
        let sections = [
            Section::UpdatedComponents,
            Section::ReferenceFrames,
            Section::DisposedComponentIds,
            Section::DisposedEventHandlerIds,
            Section::StringTable,
        ];
        let mut positions = [0usize; 5];
        for (i, section) in sections.into_iter().enumerate() {
            let at = end + 4 * i;
            let position = read_i32(bytes, at);
            if position < 0 || position as usize > end {
                return Err(DecodeError::new(
                    K::SectionOutOfBounds {
                        section,
                        position: position.into(),
                        end,
                    },
                    at,
                    "RB-1.3",
                ));
            }
            positions[i] = position as usize;
        }
        let [
            diff_table,
            frames,
            disposed_components,
            disposed_handlers,
            string_positions,
        ] = positions;
        let limits = self.limits;

        // Updated components: the diffs fill [0, diff_table); the table follows (RB-2.2).
        let diff_count = self.count(
            Section::UpdatedComponents,
            "diffs",
            diff_table,
            4,
            end,
            limits.max_diffs,
        )?;
        Self::placed(
            Section::ReferenceFrames,
            diff_table + 4 + 4 * diff_count,
            frames,
            end + 4,
        )?;
        let frame_count = self.count(
            Section::ReferenceFrames,
            "reference frames",
            frames,
            FRAME_SIZE,
            end,
            limits.max_reference_frames,
        )?;
        Self::placed(
            Section::DisposedComponentIds,
            frames + 4 + FRAME_SIZE * frame_count,
            disposed_components,
            end + 8,
        )?;
        let disposed_component_count = self.count(
            Section::DisposedComponentIds,
            "disposed component ids",
            disposed_components,
            4,
            end,
            usize::MAX,
        )?;
        Self::placed(
            Section::DisposedEventHandlerIds,
            disposed_components + 4 + 4 * disposed_component_count,
            disposed_handlers,
            end + 12,
        )?;
        let disposed_handler_count = self.count(
            Section::DisposedEventHandlerIds,
            "disposed event handler ids",
            disposed_handlers,
            8,
            end,
            usize::MAX,
        )?;
        let string_data = disposed_handlers + 4 + 8 * disposed_handler_count;
        if string_positions < string_data {
            Self::placed(Section::StringTable, string_data, string_positions, end + 16)?;
        }
        let table_bytes = end - string_positions;
        if table_bytes % 4 != 0 {
            return Err(DecodeError::new(
                K::StringTableSize { length: table_bytes },
                string_positions,
                "RB-5.4",
            ));
        }
        let string_count = table_bytes / 4;
        if string_count > limits.max_strings {
            return Err(DecodeError::new(
                K::LimitExceeded {
                    what: "strings",
                    count: string_count,
                    limit: limits.max_strings,
                },
                string_positions,
                "RB-1.5",
            ));
        }
        Ok(Layout {
            diff_table,
            diff_count,
            frames,
            frame_count,
            disposed_components,
            disposed_component_count,
            disposed_handlers,
            disposed_handler_count,
            string_data,
            string_positions,
            string_count,
        })
    }

    fn strings(&self, layout: &Layout) -> Result<Strings<'a>, DecodeError> {
        let bytes = self.bytes;
        let mut spans = Vec::with_capacity(layout.string_count);
        let mut cursor = layout.string_data;
        let data_end = layout.string_positions;
        for index in 0..layout.string_count {
            let entry = layout.string_positions + 4 * index;
            let found = read_i32(bytes, entry);
            if found as i64 != cursor as i64 {
                return Err(DecodeError::new(
                    K::StringMisplaced {
                        index,
                        expected: cursor,
                        found: found.into(),
                    },
                    entry,
                    "RB-5.4",
                ));
            }
            let (length, used) = match read_length_prefix(bytes, cursor, data_end) {
                Ok(ok) => ok,
                Err(usize::MAX) => {
                    return Err(DecodeError::new(K::LengthPrefixTooLong { index }, cursor, "RB-5.2"));
                }
                Err(at) => {
                    return Err(DecodeError::new(
                        K::Truncated {
                            section: Section::StringTable,
                            what: "string length prefix",
                            needed: at - cursor + 1,
                            available: data_end - cursor,
                        },
                        cursor,
                        "RB-5.1",
                    ));
                }
            };
            if used != length_prefix_size(length) {
                return Err(DecodeError::new(
                    K::LengthPrefixOverlong {
                        index,
                        used,
                        value: length,
                    },
                    cursor,
                    "RB-5.2",
                ));
            }
            let start = cursor + used;
            let length = length as usize;
            if length > data_end - start {
                return Err(DecodeError::new(
                    K::Truncated {
                        section: Section::StringTable,
                        what: "string bytes",
                        needed: length,
                        available: data_end - start,
                    },
                    start,
                    "RB-5.1",
                ));
            }
            if length > self.limits.max_string_bytes {
                return Err(DecodeError::new(
                    K::LimitExceeded {
                        what: "string bytes",
                        count: length,
                        limit: self.limits.max_string_bytes,
                    },
                    cursor,
                    "RB-1.5",
                ));
            }
            let end = start + length;
            if let Err(e) = std::str::from_utf8(&bytes[start..end]) {
                return Err(DecodeError::new(
                    K::InvalidUtf8 {
                        index,
                        detail: e.to_string(),
                    },
                    start + e.valid_up_to(),
                    "RB-5.3",
                ));
            }
            spans.push((start as u32, end as u32));
            cursor = end;
        }
        Self::placed(Section::StringTable, cursor, layout.string_positions, bytes.len() - 4)?;
        Ok(Strings {
            bytes,
            spans,
            next_new: 0,
            deduplicated: vec![false; layout.string_count],
            whitespace: vec![0; layout.string_count],
            dedup_map: FxHashMap::default(),
            expanded: 0,
            max_expanded: self.limits.max_expanded_string_bytes,
        })
    }

    fn diffs(&self, layout: &Layout, strings: &mut Strings<'a>, references: &mut [u32]) -> Result<(), DecodeError> {
        let bytes = self.bytes;
        let mut cursor = 0usize;
        for index in 0..layout.diff_count {
            let entry = layout.diff_table + 4 + 4 * index;
            let found = read_i32(bytes, entry);
            if found as i64 != cursor as i64 {
                return Err(DecodeError::new(
                    K::DiffPositionMismatch {
                        index,
                        expected: cursor,
                        found: found.into(),
                    },
                    entry,
                    "RB-2.2",
                ));
            }
            if cursor + 8 > layout.diff_table {
                return Err(DecodeError::new(
                    K::Truncated {
                        section: Section::UpdatedComponents,
                        what: "diff header",
                        needed: 8,
                        available: layout.diff_table - cursor,
                    },
                    cursor,
                    "RB-2.1",
                ));
            }
            let component_id = read_i32(bytes, cursor);
            if component_id < 0 {
                return Err(DecodeError::new(
                    K::NegativeValue {
                        what: "diff component id",
                        value: component_id.into(),
                    },
                    cursor,
                    "RB-2.1",
                ));
            }
            let edit_count = self.count(
                Section::UpdatedComponents,
                "edits",
                cursor + 4,
                EDIT_SIZE,
                layout.diff_table,
                self.limits.max_edits_per_diff,
            )?;
            let edits = cursor + 8;
            self.edits(layout, strings, references, edits, edit_count)?;
            cursor = edits + EDIT_SIZE * edit_count;
        }
        Self::placed(
            Section::UpdatedComponents,
            cursor,
            layout.diff_table,
            self.bytes.len() - TRAILER_SIZE,
        )
    }

    fn frame_type_at(&self, layout: &Layout, index: i32) -> Option<FrameType> {
        FrameType::from_i32(read_i32(self.bytes, layout.frames + 4 + FRAME_SIZE * index as usize))
    }

    fn edits(
        &self,
        layout: &Layout,
        strings: &mut Strings<'a>,
        references: &mut [u32],
        start: usize,
        count: usize,
    ) -> Result<(), DecodeError> {
        let bytes = self.bytes;
        let mut depth = 0usize;
        let mut in_permutation = false;
        for i in 0..count {
            let at = start + EDIT_SIZE * i;
            let raw_type = read_i32(bytes, at);
            let sibling_index = read_i32(bytes, at + 4);
            let slot = read_i32(bytes, at + 8);
            let name = read_i32(bytes, at + 12);
            let Some(edit_type) = EditType::from_i32(raw_type) else {
                return Err(DecodeError::new(K::UnknownEditType { value: raw_type }, at, "RB-2.4"));
            };
            if sibling_index < 0 {
                return Err(DecodeError::new(
                    K::NegativeValue {
                        what: "sibling index",
                        value: sibling_index.into(),
                    },
                    at + 4,
                    "RB-2.7",
                ));
            }
            let zero = |what: &'static str, value: i32, offset: usize, expected: i32, rule| {
                if value == expected {
                    Ok(())
                } else {
                    Err(DecodeError::new(
                        K::UnusedFieldSet {
                            what,
                            expected: expected.into(),
                            found: value.into(),
                        },
                        offset,
                        rule,
                    ))
                }
            };
            use EditType as E;
            if in_permutation && !matches!(edit_type, E::PermutationListEntry | E::PermutationListEnd) {
                return Err(DecodeError::new(
                    K::MalformedPermutationList {
                        detail: "another edit inside a permutation list",
                    },
                    at,
                    "RB-2.9",
                ));
            }
            match edit_type {
                E::PrependFrame | E::SetAttribute | E::UpdateText | E::UpdateMarkup => {
                    if slot < 0 || slot as usize >= layout.frame_count {
                        return Err(DecodeError::new(
                            K::FrameIndexOutOfRange {
                                index: slot,
                                count: layout.frame_count,
                            },
                            at + 8,
                            "RB-2.5",
                        ));
                    }
                    let frame_type = self.frame_type_at(layout, slot);
                    let fits = match edit_type {
                        E::PrependFrame => matches!(
                            frame_type,
                            Some(
                                FrameType::Element
                                    | FrameType::Text
                                    | FrameType::Component
                                    | FrameType::Region
                                    | FrameType::Markup
                            )
                        ),
                        E::SetAttribute => frame_type == Some(FrameType::Attribute),
                        E::UpdateText => frame_type == Some(FrameType::Text),
                        _ => frame_type == Some(FrameType::Markup),
                    };
                    if !fits {
                        return Err(DecodeError::new(
                            K::FrameTypeMismatch {
                                edit: edit_type_name(edit_type),
                                found: frame_type.map_or("unknown", frame_type_name),
                                index: slot,
                            },
                            at + 8,
                            "RB-2.10",
                        ));
                    }
                    let reference = &mut references[slot as usize];
                    if *reference != 0 {
                        return Err(DecodeError::new(
                            K::FrameReferencedTwice {
                                index: slot,
                                first: *reference as usize - 1,
                            },
                            at + 8,
                            "RB-2.11",
                        ));
                    }
                    *reference = (at + 8 + 1) as u32;
                }
                E::PermutationListEntry => {
                    if slot < 0 {
                        return Err(DecodeError::new(
                            K::NegativeValue {
                                what: "move-to sibling index",
                                value: slot.into(),
                            },
                            at + 8,
                            "RB-2.7",
                        ));
                    }
                    in_permutation = true;
                }
                _ => zero(
                    "reference frame index of an edit that uses none",
                    slot,
                    at + 8,
                    0,
                    "RB-2.5",
                )?,
            }
            match edit_type {
                E::RemoveAttribute => {
                    strings.reference("removed attribute name", name, at + 12, false, Dedup::Always)?;
                }
                _ => zero(
                    "removed attribute name of an edit that is not RemoveAttribute",
                    name,
                    at + 12,
                    -1,
                    "RB-2.6",
                )?,
            }
            match edit_type {
                E::StepIn => {
                    depth += 1;
                    if depth > self.limits.max_depth {
                        return Err(DecodeError::new(
                            K::LimitExceeded {
                                what: "step-in depth",
                                count: depth,
                                limit: self.limits.max_depth,
                            },
                            at,
                            "RB-1.5",
                        ));
                    }
                }
                E::StepOut => {
                    zero("sibling index of StepOut", sibling_index, at + 4, 0, "RB-2.7")?;
                    if depth == 0 {
                        return Err(DecodeError::new(
                            K::UnbalancedStep {
                                detail: "StepOut at depth 0",
                            },
                            at,
                            "RB-2.8",
                        ));
                    }
                    depth -= 1;
                }
                E::PermutationListEnd => {
                    zero(
                        "sibling index of PermutationListEnd",
                        sibling_index,
                        at + 4,
                        0,
                        "RB-2.7",
                    )?;
                    if !in_permutation {
                        return Err(DecodeError::new(
                            K::MalformedPermutationList {
                                detail: "PermutationListEnd without entries",
                            },
                            at,
                            "RB-2.9",
                        ));
                    }
                    in_permutation = false;
                }
                _ => {}
            }
        }
        let end = start + EDIT_SIZE * count;
        if in_permutation {
            return Err(DecodeError::new(
                K::MalformedPermutationList {
                    detail: "the diff ends inside a permutation list",
                },
                end,
                "RB-2.9",
            ));
        }
        if depth != 0 {
            return Err(DecodeError::new(
                K::UnbalancedStep {
                    detail: "the diff ends with StepIn edits not matched by StepOut",
                },
                end,
                "RB-2.8",
            ));
        }
        Ok(())
    }

    fn frames(&self, layout: &Layout, strings: &mut Strings<'a>, references: &[u32]) -> Result<(), DecodeError> {
        /// A subtree whose later frames are still to come.
        struct Open {
            end: usize,
            kind: FrameType,
            has_child: bool,
        }
        let bytes = self.bytes;
        let count = layout.frame_count;
        let mut open: Vec<Open> = Vec::new();
        for (index, &referenced_by) in references.iter().enumerate() {
            let at = layout.frames + 4 + FRAME_SIZE * index;
            let raw_type = read_i32(bytes, at);
            let a = read_i32(bytes, at + 4);
            let b = read_i32(bytes, at + 8);
            let c = read_i32(bytes, at + 12);
            let d = read_i32(bytes, at + 16);
            let Some(frame_type) = FrameType::from_i32(raw_type) else {
                return Err(DecodeError::new(K::UnknownFrameType { value: raw_type }, at, "RB-3.2"));
            };
            while open.last().is_some_and(|o| o.end <= index) {
                open.pop();
            }
            let parent_end = open.last().map_or(count, |o| o.end);
            let parent = open.len().checked_sub(1);
            let pad = |what: &'static str, value: i32, offset: usize| {
                if value == 0 {
                    Ok(())
                } else {
                    Err(DecodeError::new(
                        K::UnusedFieldSet {
                            what,
                            expected: 0,
                            found: value.into(),
                        },
                        offset,
                        "RB-3.4",
                    ))
                }
            };
            use FrameType as F;
            match frame_type {
                F::Element | F::Component | F::Region => {
                    let max = parent_end - index;
                    if a < 1 || a as usize > max {
                        return Err(DecodeError::new(
                            K::SubtreeOutOfBounds { index, length: a, max },
                            at + 4,
                            "RB-3.5",
                        ));
                    }
                    if a > 1 {
                        open.push(Open {
                            end: index + a as usize,
                            kind: frame_type,
                            has_child: false,
                        });
                        if open.len() > self.limits.max_depth {
                            return Err(DecodeError::new(
                                K::LimitExceeded {
                                    what: "subtree depth",
                                    count: open.len(),
                                    limit: self.limits.max_depth,
                                },
                                at,
                                "RB-1.5",
                            ));
                        }
                    }
                    match frame_type {
                        F::Element => {
                            strings.reference("element name", b, at + 8, false, Dedup::Always)?;
                        }
                        F::Component => {
                            if b < 0 {
                                return Err(DecodeError::new(
                                    K::NegativeValue {
                                        what: "component id",
                                        value: b.into(),
                                    },
                                    at + 8,
                                    "RB-3.7",
                                ));
                            }
                        }
                        _ => pad("padding", b, at + 8)?,
                    }
                    pad("padding", c, at + 12)?;
                    pad("padding", d, at + 16)?;
                }
                F::Attribute => {
                    strings.reference("attribute name", a, at + 4, false, Dedup::Always)?;
                    let handler = read_u64(bytes, at + 12);
                    if handler != 0 && b != -1 {
                        return Err(DecodeError::new(
                            K::HandlerWithValue {
                                event_handler_id: handler,
                            },
                            at + 8,
                            "RB-3.6",
                        ));
                    }
                    strings.reference("attribute value", b, at + 8, true, Dedup::IfEmpty)?;
                }
                F::Text | F::Markup | F::ElementReferenceCapture => {
                    let (what, dedup) = match frame_type {
                        F::Text => ("text", Dedup::IfWhitespace),
                        F::Markup => ("markup", Dedup::Never),
                        _ => ("element reference capture id", Dedup::Never),
                    };
                    strings.reference(what, a, at + 4, false, dedup)?;
                    pad("padding", b, at + 8)?;
                    pad("padding", c, at + 12)?;
                    pad("padding", d, at + 16)?;
                }
                F::ComponentReferenceCapture | F::ComponentRenderMode | F::NamedEvent => {
                    pad("padding", a, at + 4)?;
                    pad("padding", b, at + 8)?;
                    pad("padding", c, at + 12)?;
                    pad("padding", d, at + 16)?;
                }
            }
            if let Some(parent) = parent {
                // RB-3.10: attributes lead their element's or component's children.
                let parent = &mut open[parent];
                if frame_type == F::Attribute {
                    if parent.has_child || !matches!(parent.kind, F::Element | F::Component) {
                        return Err(DecodeError::new(
                            K::MisplacedAttribute {
                                index,
                                parent: frame_type_name(parent.kind),
                            },
                            at,
                            "RB-3.10",
                        ));
                    }
                } else {
                    parent.has_child = true;
                }
                // RB-2.11: edits refer to whole subtrees only.
                if referenced_by != 0 {
                    return Err(DecodeError::new(
                        K::NestedFrameReference { index },
                        referenced_by as usize - 1,
                        "RB-2.11",
                    ));
                }
            } else if referenced_by == 0 {
                return Err(DecodeError::new(K::UnreferencedFrame { index }, at, "RB-2.11"));
            }
        }
        Ok(())
    }

    fn disposed(&self, layout: &Layout) -> Result<(), DecodeError> {
        for i in 0..layout.disposed_component_count {
            let at = layout.disposed_components + 4 + 4 * i;
            let id = read_i32(self.bytes, at);
            if id < 0 {
                return Err(DecodeError::new(
                    K::NegativeValue {
                        what: "disposed component id",
                        value: id.into(),
                    },
                    at,
                    "RB-4.1",
                ));
            }
        }
        for i in 0..layout.disposed_handler_count {
            let at = layout.disposed_handlers + 4 + 8 * i;
            if read_u64(self.bytes, at) == 0 {
                return Err(DecodeError::new(K::ZeroEventHandlerId, at, "RB-4.2"));
            }
        }
        Ok(())
    }
}

pub(crate) fn edit_type_name(edit_type: EditType) -> &'static str {
    match edit_type {
        EditType::PrependFrame => "prependFrame",
        EditType::RemoveFrame => "removeFrame",
        EditType::SetAttribute => "setAttribute",
        EditType::RemoveAttribute => "removeAttribute",
        EditType::UpdateText => "updateText",
        EditType::StepIn => "stepIn",
        EditType::StepOut => "stepOut",
        EditType::UpdateMarkup => "updateMarkup",
        EditType::PermutationListEntry => "permutationListEntry",
        EditType::PermutationListEnd => "permutationListEnd",
    }
}

pub(crate) fn frame_type_name(frame_type: FrameType) -> &'static str {
    match frame_type {
        FrameType::Element => "element",
        FrameType::Text => "text",
        FrameType::Attribute => "attribute",
        FrameType::Component => "component",
        FrameType::Region => "region",
        FrameType::ElementReferenceCapture => "elementReferenceCapture",
        FrameType::ComponentReferenceCapture => "componentReferenceCapture",
        FrameType::Markup => "markup",
        FrameType::ComponentRenderMode => "componentRenderMode",
        FrameType::NamedEvent => "namedEvent",
    }
}

impl<'a> RenderBatchView<'a> {
    /// The batch's bytes.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Number of diffs.
    pub fn diff_count(&self) -> usize {
        self.diff_count
    }

    /// The diffs, in order.
    pub fn updated_components(&self) -> impl ExactSizeIterator<Item = DiffView<'a>> + '_ {
        let batch = *self;
        (0..self.diff_count).map(move |i| {
            let position = read_i32(batch.bytes, batch.diff_table + 4 + 4 * i) as usize;
            DiffView {
                batch,
                position,
                edit_count: read_i32(batch.bytes, position + 4) as usize,
            }
        })
    }

    /// Number of reference frames.
    pub fn frame_count(&self) -> usize {
        self.frame_count
    }

    /// The reference frame at `index` (which must be below [`frame_count`](Self::frame_count)).
    pub fn reference_frame(&self, index: usize) -> Frame<&'a str> {
        let at = self.frames + 4 + FRAME_SIZE * index;
        let bytes = self.bytes;
        let a = read_i32(bytes, at + 4);
        let b = read_i32(bytes, at + 8);
        let string = |i: i32| self.string(i).unwrap_or_default();
        match FrameType::from_i32(read_i32(bytes, at)).unwrap_or(FrameType::NamedEvent) {
            FrameType::Element => Frame::Element {
                subtree_length: a,
                name: string(b),
            },
            FrameType::Text => Frame::Text { content: string(a) },
            FrameType::Attribute => Frame::Attribute {
                name: string(a),
                value: self.string(b),
                event_handler_id: read_u64(bytes, at + 12),
            },
            FrameType::Component => Frame::Component {
                subtree_length: a,
                component_id: b,
            },
            FrameType::Region => Frame::Region { subtree_length: a },
            FrameType::ElementReferenceCapture => Frame::ElementReferenceCapture { id: string(a) },
            FrameType::ComponentReferenceCapture => Frame::ComponentReferenceCapture,
            FrameType::Markup => Frame::Markup { content: string(a) },
            FrameType::ComponentRenderMode => Frame::ComponentRenderMode,
            FrameType::NamedEvent => Frame::NamedEvent,
        }
    }

    /// The reference frames, in order.
    pub fn reference_frames(&self) -> impl ExactSizeIterator<Item = Frame<&'a str>> + '_ {
        (0..self.frame_count).map(|i| self.reference_frame(i))
    }

    /// The disposed component ids.
    pub fn disposed_component_ids(&self) -> impl ExactSizeIterator<Item = i32> + '_ {
        (0..self.disposed_component_count).map(|i| read_i32(self.bytes, self.disposed_components + 4 + 4 * i))
    }

    /// The disposed event handler ids.
    pub fn disposed_event_handler_ids(&self) -> impl ExactSizeIterator<Item = u64> + '_ {
        (0..self.disposed_handler_count).map(|i| read_u64(self.bytes, self.disposed_handlers + 4 + 8 * i))
    }

    /// Number of string table entries.
    pub fn string_count(&self) -> usize {
        self.string_count
    }

    /// The string with this index, or `None` for -1 (null).
    pub fn string(&self, index: i32) -> Option<&'a str> {
        if index < 0 || index as usize >= self.string_count {
            return None;
        }
        let position = read_i32(self.bytes, self.string_positions + 4 * index as usize) as usize;
        let (length, used) = read_length_prefix(self.bytes, position, self.string_positions).ok()?;
        let start = position + used;
        std::str::from_utf8(&self.bytes[start..start + length as usize]).ok()
    }

    /// The owned form of the batch.
    pub fn to_owned_batch(&self) -> RenderBatch {
        RenderBatch {
            updated_components: self
                .updated_components()
                .map(|diff| Diff {
                    component_id: diff.component_id(),
                    edits: diff.edits().map(|e| e.map_string(str::to_owned)).collect(),
                })
                .collect(),
            reference_frames: self.reference_frames().map(|f| f.map_strings(str::to_owned)).collect(),
            disposed_component_ids: self.disposed_component_ids().collect(),
            disposed_event_handler_ids: self.disposed_event_handler_ids().collect(),
        }
    }
}

impl<'a> DiffView<'a> {
    /// The component the diff applies to.
    pub fn component_id(&self) -> i32 {
        read_i32(self.batch.bytes, self.position)
    }

    /// Number of edits.
    pub fn edit_count(&self) -> usize {
        self.edit_count
    }

    /// The edits, in order.
    pub fn edits(&self) -> impl ExactSizeIterator<Item = Edit<&'a str>> + '_ {
        let bytes = self.batch.bytes;
        (0..self.edit_count).map(move |i| {
            let at = self.position + 8 + EDIT_SIZE * i;
            let sibling_index = read_i32(bytes, at + 4);
            let slot = read_i32(bytes, at + 8);
            match EditType::from_i32(read_i32(bytes, at)).unwrap_or(EditType::StepOut) {
                EditType::PrependFrame => Edit::PrependFrame {
                    sibling_index,
                    reference_frame_index: slot,
                },
                EditType::RemoveFrame => Edit::RemoveFrame { sibling_index },
                EditType::SetAttribute => Edit::SetAttribute {
                    sibling_index,
                    reference_frame_index: slot,
                },
                EditType::RemoveAttribute => Edit::RemoveAttribute {
                    sibling_index,
                    name: self.batch.string(read_i32(bytes, at + 12)).unwrap_or_default(),
                },
                EditType::UpdateText => Edit::UpdateText {
                    sibling_index,
                    reference_frame_index: slot,
                },
                EditType::StepIn => Edit::StepIn { sibling_index },
                EditType::StepOut => Edit::StepOut,
                EditType::UpdateMarkup => Edit::UpdateMarkup {
                    sibling_index,
                    reference_frame_index: slot,
                },
                EditType::PermutationListEntry => Edit::PermutationListEntry {
                    sibling_index,
                    move_to_sibling_index: slot,
                },
                EditType::PermutationListEnd => Edit::PermutationListEnd,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render_batch::{encode, types::Frame};

    /// A batch that prepends each of `frames` (all top-level) in one diff.
    fn batch_of(frames: Vec<Frame>) -> Vec<u8> {
        let edits = (0..frames.len() as i32)
            .map(|i| crate::render_batch::Edit::PrependFrame {
                sibling_index: i,
                reference_frame_index: i,
            })
            .collect();
        let diff = crate::render_batch::Diff { component_id: 0, edits };
        encode(&RenderBatch {
            updated_components: vec![diff],
            reference_frames: frames,
            ..Default::default()
        })
    }

    #[test]
    fn a_long_string_shared_many_times_is_bounded_by_the_expansion_limit() {
        // RB-1.5: 2,000 element frames share one 100 KB name: 170 KB of input, 200 MB of owned form.
        let name = "n".repeat(100_000);
        let frames = (0..2000)
            .map(|_| Frame::Element {
                subtree_length: 1,
                name: name.clone(),
            })
            .collect();
        let bytes = batch_of(frames);
        assert!(bytes.len() < 200_000);
        let limits = Limits {
            max_expanded_string_bytes: 10_000_000,
            ..Limits::DEFAULT
        };
        let error = validate(&bytes, &limits).unwrap_err();
        assert_eq!(error.kind.name(), "limit_exceeded");
        assert_eq!(error.requirement, "RB-1.5");
        assert!(validate(&bytes, &Limits::UNLIMITED).is_ok());
    }

    /// Bytes of a batch with `count` text frames that all share string 0, `text` (built by hand:
    /// the owned form would hold `count` copies).
    fn shared_text_batch(text: &str, count: usize) -> Vec<u8> {
        let mut b = Vec::new();
        // One diff of `count` UpdateText edits, edit i updating with frame i.
        b.extend_from_slice(&0i32.to_le_bytes());
        b.extend_from_slice(&(count as i32).to_le_bytes());
        for i in 0..count as i32 {
            for word in [5, i, i, -1] {
                b.extend_from_slice(&word.to_le_bytes());
            }
        }
        let diff_table = b.len();
        b.extend_from_slice(&1i32.to_le_bytes());
        b.extend_from_slice(&0i32.to_le_bytes());
        let frames = b.len();
        b.extend_from_slice(&(count as i32).to_le_bytes());
        for _ in 0..count {
            b.extend_from_slice(&2i32.to_le_bytes());
            b.extend_from_slice(&[0; 16]);
        }
        let disposed = b.len();
        b.extend_from_slice(&[0; 8]);
        let string = b.len();
        let mut length = text.len() as u32;
        while length >= 0x80 {
            b.push(length as u8 | 0x80);
            length >>= 7;
        }
        b.push(length as u8);
        b.extend_from_slice(text.as_bytes());
        let table = b.len();
        b.extend_from_slice(&(string as i32).to_le_bytes());
        for position in [diff_table, frames, disposed, disposed + 4, table] {
            b.extend_from_slice(&(position as i32).to_le_bytes());
        }
        b
    }

    #[test]
    fn whitespace_text_shared_many_times_is_scanned_once() {
        // RB-5.6: a 1 MB whitespace-only text shared by 20,000 text frames (1.4 MB of input)
        // validates at once; a scan per reference would be 20 GB of work.
        let bytes = shared_text_batch(&" ".repeat(1 << 20), 20_000);
        let view = validate(&bytes, &Limits::UNLIMITED).expect("valid");
        assert_eq!(view.string_count(), 1);
        assert_eq!(view.frame_count(), 20_000);
        // Non-whitespace text is never shared (RB-5.8).
        let bytes = shared_text_batch("x", 2);
        assert_eq!(
            validate(&bytes, &Limits::UNLIMITED).unwrap_err().kind.name(),
            "non_canonical_strings"
        );
    }

    #[test]
    fn minimum_batch_is_four_empty_counts_and_a_trailer() {
        // RB-1.2, RB-1.3
        let bytes = encode(&RenderBatch::default());
        assert_eq!(bytes.len(), crate::render_batch::MIN_BATCH_SIZE);
        assert!(validate(&bytes, &Limits::DEFAULT).is_ok());
        for cut in 0..bytes.len() {
            assert!(
                validate(&bytes[..cut], &Limits::DEFAULT).is_err(),
                "prefix of {cut} bytes accepted"
            );
        }
    }

    #[test]
    fn length_prefix_sizes_follow_dotnet() {
        // RB-5.2
        for (value, size) in [
            (0u32, 1),
            (127, 1),
            (128, 2),
            (16_383, 2),
            (16_384, 3),
            (2_097_151, 3),
            (2_097_152, 4),
        ] {
            assert_eq!(length_prefix_size(value), size, "{value}");
        }
        assert_eq!(read_length_prefix(&[0x80, 0x01], 0, 2), Ok((128, 2)));
        assert_eq!(
            read_length_prefix(&[0xff, 0xff, 0xff, 0xff, 0x07], 0, 5),
            Ok((i32::MAX as u32, 5))
        );
        assert_eq!(
            read_length_prefix(&[0xff, 0xff, 0xff, 0xff, 0x08], 0, 5),
            Err(usize::MAX)
        );
        assert_eq!(read_length_prefix(&[0x80, 0x80], 0, 2), Err(2));
    }

    #[test]
    fn whitespace_matches_dotnet_is_null_or_white_space() {
        // RB-5.6: the Unicode White_Space set, which is .NET's char.IsWhiteSpace.
        for ws in [
            "",
            " ",
            "\t\n\u{b}\u{c}\r",
            "\u{85}",
            "\u{a0}",
            "\u{1680}",
            "\u{2000}\u{200a}",
            "\u{2028}\u{2029}",
            "\u{202f}\u{205f}\u{3000}",
        ] {
            assert!(is_whitespace_only(ws), "{ws:?}");
        }
        for not in ["x", " x", "\u{200b}", "\u{feff}", "\u{180e}", "\0"] {
            assert!(!is_whitespace_only(not), "{not:?}");
        }
    }
}
