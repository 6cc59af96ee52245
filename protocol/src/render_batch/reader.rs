//! The zero-copy validating reader (RB-1 … RB-5).
//!
//! [`validate`] checks a whole batch in one pass over its sections: trailer, section placement
//! and counts, then the string table (offsets, length prefixes, UTF-8), then every edit and frame
//! (type codes, padding, indexes, nesting) while replaying Blazor's string-table assignment to
//! check that the table is the one its writer would produce. After that a [`RenderBatchView`]
//! reads items without failing.

use std::cell::RefCell;
use std::hash::Hasher;

use rustc_hash::FxHasher;

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
///
/// The working memory the checks need (per-string flags, the frames edits refer to, the open
/// subtrees, the set of deduplicated strings) is kept by the calling thread between calls (up to
/// a few megabytes; see [`ValidateScratch`]), so that validating batch after batch allocates
/// nothing once the buffers have grown. [`validate_with`] takes it from the caller instead.
pub fn validate<'a>(bytes: &'a [u8], limits: &Limits) -> Result<RenderBatchView<'a>, DecodeError> {
    SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
        Ok(mut scratch) => {
            let result = validate_with(bytes, limits, &mut scratch);
            scratch.trim();
            result
        }
        // Not reachable (validation calls nothing that validates), but never a panic.
        Err(_) => validate_with(bytes, limits, &mut ValidateScratch::new()),
    })
}

/// [`validate`] with working memory owned by the caller: a reader that validates batch after
/// batch (a client applying a circuit's batches, a test checking every batch a renderer writes)
/// keeps one `ValidateScratch` and passes it to every call, and from the second call on of a
/// similar size nothing is allocated. The result does not borrow the scratch, and is the same
/// as [`validate`]'s for every input.
pub fn validate_with<'a>(
    bytes: &'a [u8],
    limits: &Limits,
    scratch: &mut ValidateScratch,
) -> Result<RenderBatchView<'a>, DecodeError> {
    Validator { bytes, limits }.run(scratch)
}

/// Reusable working memory of [`validate_with`]: buffers that grow to the largest batch
/// validated with it (about 5 bytes per string and 4 per reference frame, at most) and are
/// reused by later calls. It holds nothing of a batch once a call has returned.
#[derive(Debug, Default)]
pub struct ValidateScratch {
    /// `EMPTY`, `WHITESPACE` and `DEDUPLICATED` of each string table entry.
    flags: Vec<u8>,
    /// The frames edits refer to (see `References`).
    sorted: Vec<(u32, u32)>,
    dense: Vec<u32>,
    /// The open subtrees around the frame being checked.
    enclosing: Vec<(usize, usize)>,
    /// The entries written for deduplicated fields.
    dedup: DedupSet,
}

impl ValidateScratch {
    /// Empty buffers (nothing is allocated until a batch needs it).
    pub const fn new() -> Self {
        ValidateScratch {
            flags: Vec::new(),
            sorted: Vec::new(),
            dense: Vec::new(),
            enclosing: Vec::new(),
            dedup: DedupSet::new(),
        }
    }

    /// Drops the buffers that a very large batch made larger than `SCRATCH_LIMIT` bytes.
    fn trim(&mut self) {
        if self.flags.capacity() > SCRATCH_LIMIT {
            self.flags = Vec::new();
        }
        if self.sorted.capacity() * 8 > SCRATCH_LIMIT {
            self.sorted = Vec::new();
        }
        if self.dense.capacity() * 4 > SCRATCH_LIMIT {
            self.dense = Vec::new();
        }
        if self.enclosing.capacity() * 16 > SCRATCH_LIMIT {
            self.enclosing = Vec::new();
        }
        if self.dedup.slots.len() * 12 > SCRATCH_LIMIT {
            self.dedup = DedupSet::new();
        }
    }
}

/// The largest buffer, in bytes, that [`validate`]'s per-thread scratch keeps between calls
/// (the 5 MB batch of 10,000 table rows needs about 0.8 MB in all).
const SCRATCH_LIMIT: usize = 4 << 20;

thread_local! {
    /// [`validate`]'s working memory, kept for the thread's next call.
    static SCRATCH: RefCell<ValidateScratch> = const { RefCell::new(ValidateScratch::new()) };
}

/// The string table entries written for deduplicated fields (RB-5.6), as a set of their values:
/// open addressing with linear probing over entry indexes, the values being read from the
/// batch. Slots of an earlier batch are told apart by their generation, so that reusing the set
/// costs nothing whatever its size.
#[derive(Debug)]
struct DedupSet {
    /// (generation, hash, entry index): a slot is in use when its generation is `generation`.
    slots: Vec<[u32; 3]>,
    generation: u32,
    len: usize,
}

impl Default for DedupSet {
    fn default() -> Self {
        Self::new()
    }
}

impl DedupSet {
    const fn new() -> Self {
        DedupSet {
            slots: Vec::new(),
            generation: 0,
            len: 0,
        }
    }

    /// Empties the set for a new batch.
    fn clear(&mut self) {
        self.len = 0;
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            // After 2^32 batches: no slot may look current by accident.
            self.slots.iter_mut().for_each(|slot| slot[0] = 0);
            self.generation = 1;
        }
    }

    fn hash(text: &[u8]) -> u32 {
        let mut hasher = FxHasher::default();
        hasher.write(text);
        (hasher.finish() >> 32) as u32
    }

    /// Adds entry `index`, whose value is `text`, unless an entry with the same value is in the
    /// set: then returns false. `text_of` gives the value of an entry in the set.
    fn insert<'a>(&mut self, text: &[u8], index: u32, text_of: impl Fn(u32) -> &'a [u8]) -> bool {
        if 2 * (self.len + 1) > self.slots.len() {
            self.grow();
        }
        let hash = Self::hash(text);
        let mask = self.slots.len() - 1;
        let mut i = hash as usize & mask;
        loop {
            let slot = &mut self.slots[i];
            if slot[0] != self.generation {
                *slot = [self.generation, hash, index];
                self.len += 1;
                return true;
            }
            if slot[1] == hash && text_of(slot[2]) == text {
                return false;
            }
            i = (i + 1) & mask;
        }
    }

    #[cold]
    #[inline(never)]
    fn grow(&mut self) {
        let size = (2 * self.slots.len()).max(16);
        let old = std::mem::replace(&mut self.slots, vec![[0; 3]; size]);
        let generation = self.generation;
        let mask = size - 1;
        for slot in old.into_iter().filter(|slot| slot[0] == generation) {
            let mut i = slot[1] as usize & mask;
            while self.slots[i][0] == generation {
                i = (i + 1) & mask;
            }
            self.slots[i] = slot;
        }
    }
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

/// The error for a field that must hold `expected` (RB-2.5, RB-2.6, RB-2.7).
#[cold]
#[inline(never)]
fn unused_field_set(what: &'static str, found: i32, offset: usize, expected: i32, rule: &'static str) -> DecodeError {
    DecodeError::new(
        K::UnusedFieldSet {
            what,
            expected: expected.into(),
            found: found.into(),
        },
        offset,
        rule,
    )
}

/// The edit types that refer to a reference frame (RB-2.5), as a set of bits.
const FRAME_EDITS: u32 = 1 << EditType::PrependFrame as u32
    | 1 << EditType::SetAttribute as u32
    | 1 << EditType::UpdateText as u32
    | 1 << EditType::UpdateMarkup as u32;

/// The error for an edit's frame slot that must be 0 (RB-2.5) if `slot` is not, else for its
/// name that must be -1 (RB-2.6); the edit is at `at`.
#[cold]
#[inline(never)]
fn slot_or_name_set(slot: i32, name: i32, at: usize) -> DecodeError {
    if slot != 0 {
        unused_field_set(
            "reference frame index of an edit that uses none",
            slot,
            at + 8,
            0,
            "RB-2.5",
        )
    } else {
        unused_field_set(
            "removed attribute name of an edit that is not RemoveAttribute",
            name,
            at + 12,
            -1,
            "RB-2.6",
        )
    }
}

/// The error for the first non-zero of a frame's padding fields, `fields` being the four words
/// after the type (zero where the field is not padding) of the frame at `at` (RB-3.4).
#[cold]
#[inline(never)]
fn padding(fields: [i32; 4], at: usize) -> DecodeError {
    let (i, &value) = fields
        .iter()
        .enumerate()
        .find(|&(_, &value)| value != 0)
        .unwrap_or((0, &0));
    unused_field_set("padding", value, at + 4 + 4 * i, 0, "RB-3.4")
}

/// Reads a length prefix that is not a single byte below 0x80, with the errors of RB-5.1 and RB-5.2.
#[cold]
#[inline(never)]
fn long_length_prefix(data: &[u8], index: usize, cursor: usize) -> Result<(usize, usize), DecodeError> {
    let data_end = data.len();
    let (length, used) = match read_length_prefix(data, cursor, data_end) {
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
    Ok((length as usize, used))
}

/// The error for the attribute at `index` (at `at`) whose parent's frame type is `parent`
/// (RB-3.10).
#[cold]
#[inline(never)]
fn misplaced_attribute(index: usize, parent: i32, at: usize) -> DecodeError {
    let parent = FrameType::from_i32(parent).map_or("unknown", frame_type_name);
    DecodeError::new(K::MisplacedAttribute { index, parent }, at, "RB-3.10")
}

/// Passes over the `StepIn`, `StepOut` and `UpdateText` edits that follow a step (outside a
/// permutation list), as long as each passes every check of `Validator::edits` (RB-2.5, RB-2.7,
/// RB-2.8, RB-2.10, RB-2.11, and the depth limit of RB-1.5), updating `depth` and recording the
/// frames the text updates refer to: most of an update's edits are steps down to the few texts
/// that changed and back. The first other edit, or one that fails a check, is left to the
/// caller. `start` is where the diff's edits start in the batch, `frames` the frames section
/// (after its count).
#[inline(always)]
fn take_run_of_steps(
    edits: &mut std::iter::Enumerate<std::slice::ChunksExact<'_, u8>>,
    depth: &mut usize,
    max_depth: usize,
    start: usize,
    frames: &[u8],
    references: &mut References<'_>,
) {
    /// No frame (slot 0) and no name (-1): the last two fields of a step.
    const NEITHER: u64 = 0xFFFF_FFFF_0000_0000;
    while let Some((i, next)) = edits.clone().next() {
        // The type in the low half, the sibling index in the high half; then the frame slot
        // and the name.
        let head = read_u64(next, 0);
        let tail = read_u64(next, 8);
        if tail == NEITHER && head as u32 == EditType::StepIn as u32 && (head as i64) >= 0 && *depth < max_depth {
            *depth += 1;
        } else if tail == NEITHER && head == EditType::StepOut as u64 && *depth > 0 {
            *depth -= 1;
        } else if head as u32 == EditType::UpdateText as u32 && (head as i64) >= 0 && tail >> 32 == 0xFFFF_FFFF {
            // A text frame that no edit before refers to, past the last one referred to.
            let slot = tail as u32 as usize;
            if slot >= frames.len() / FRAME_SIZE
                || read_i32(frames, FRAME_SIZE * slot) != FrameType::Text as i32
                || !references.add_in_order(slot, start + EDIT_SIZE * i + 8)
            {
                return;
            }
        } else {
            return;
        }
        edits.next();
    }
}

/// Checks the subtree length `a` of the element, component or region at `index` (RB-3.5) and
/// returns it if the subtree has frames after this one (0 if not), checking the depth it reaches.
#[inline(always)]
fn subtree(
    a: i32,
    index: usize,
    parent_end: usize,
    depth: usize,
    max_depth: usize,
    at: usize,
) -> Result<usize, DecodeError> {
    let max = parent_end - index;
    if a < 1 || a as usize > max {
        return Err(DecodeError::new(
            K::SubtreeOutOfBounds { index, length: a, max },
            at + 4,
            "RB-3.5",
        ));
    }
    if a == 1 {
        return Ok(0);
    }
    if depth + 1 > max_depth {
        return Err(DecodeError::new(
            K::LimitExceeded {
                what: "subtree depth",
                count: depth + 1,
                limit: max_depth,
            },
            at,
            "RB-1.5",
        ));
    }
    Ok(a as usize)
}

/// The checks of a frame that is not an element, attribute or text (RB-3.2 … RB-3.7), as in
/// `Validator::frames_with`. Returns the length of the subtree it opens (0: none).
#[allow(clippy::too_many_arguments)]
#[inline(never)]
fn other_frame(
    refs: &mut StringRefs<'_, '_>,
    check_expanded: bool,
    [raw_type, a, b, c, d]: [i32; 5],
    index: usize,
    at: usize,
    parent_end: usize,
    depth: usize,
    max_depth: usize,
) -> Result<usize, DecodeError> {
    use FrameType as F;
    let Some(frame_type) = FrameType::from_i32(raw_type) else {
        return Err(DecodeError::new(K::UnknownFrameType { value: raw_type }, at, "RB-3.2"));
    };
    match frame_type {
        F::Component => {
            let opens = subtree(a, index, parent_end, depth, max_depth, at)?;
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
            if c | d != 0 {
                return Err(padding([0, 0, c, d], at));
            }
            Ok(opens)
        }
        F::Region => {
            let opens = subtree(a, index, parent_end, depth, max_depth, at)?;
            if b | c | d != 0 {
                return Err(padding([0, b, c, d], at));
            }
            Ok(opens)
        }
        F::Markup | F::ElementReferenceCapture => {
            let what = if frame_type == F::Markup {
                "markup"
            } else {
                "element reference capture id"
            };
            refs.reference(check_expanded, what, a, at + 4, false, Dedup::Never)?;
            if b | c | d != 0 {
                return Err(padding([0, b, c, d], at));
            }
            Ok(0)
        }
        F::ComponentReferenceCapture | F::ComponentRenderMode | F::NamedEvent => {
            if a | b | c | d != 0 {
                return Err(padding([a, b, c, d], at));
            }
            Ok(0)
        }
        // Handled by the caller.
        F::Element | F::Attribute | F::Text => Ok(0),
    }
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

/// `Strings::flags`: the entry is empty, so an attribute value may share it (RB-5.6).
const EMPTY: u8 = 1;
/// `Strings::flags`: the entry is whitespace-only, so a text frame may share it (RB-5.6).
const WHITESPACE: u8 = 2;
/// `Strings::flags`: the entry was written for a deduplicated field, so later fields may share it.
/// Only entries before `Replay::next_new` can have it.
const DEDUPLICATED: u8 = 4;

/// The `WHITESPACE` flag of a string (valid UTF-8).
#[inline(never)]
fn whitespace_flag(text: &[u8]) -> u8 {
    if std::str::from_utf8(text).is_ok_and(is_whitespace_only) {
        WHITESPACE
    } else {
        0
    }
}

/// The string table, checked (RB-5.1 … RB-5.4), and the replay of Blazor's assignment (RB-5.8).
struct Strings<'s, 'a> {
    bytes: &'a [u8],
    /// Where the table of string positions starts in `bytes`.
    positions: usize,
    /// `EMPTY`, `WHITESPACE` and `DEDUPLICATED` of each entry.
    flags: &'s mut [u8],
    /// The entries written for deduplicated fields, by value (equal bytes are equal strings).
    dedup: &'s mut DedupSet,
    replay: Replay,
}

/// Where the replay of the string table's assignment stands.
#[derive(Clone, Copy)]
struct Replay {
    /// The entry the next new string must be.
    next_new: usize,
    /// Whether the sum of referenced lengths can reach `max_expanded` at all: when even every
    /// possible reference to the longest string stays below it, the sum is not kept.
    check_expanded: bool,
    /// Sum of the lengths of all string references: the size of the owned form's strings.
    expanded: usize,
    max_expanded: usize,
}

/// [`Strings`] borrowed for a pass over edits or frames, with the replay's state in a local
/// copy (so that it stays in registers); the pass stores it back.
struct StringRefs<'s, 'a> {
    bytes: &'a [u8],
    positions: usize,
    flags: &'s mut [u8],
    dedup: &'s mut DedupSet,
    replay: Replay,
}

impl<'a> Strings<'_, 'a> {
    fn refs(&mut self) -> StringRefs<'_, 'a> {
        StringRefs {
            bytes: self.bytes,
            positions: self.positions,
            flags: self.flags,
            dedup: self.dedup,
            replay: self.replay,
        }
    }
}

#[cold]
#[inline(never)]
fn null_or_out_of_range(what: &'static str, index: i32, offset: usize, count: usize) -> DecodeError {
    if index == -1 {
        let rule = if what == "removed attribute name" {
            "RB-2.6"
        } else {
            "RB-3.8"
        };
        DecodeError::new(K::NullString { what }, offset, rule)
    } else {
        DecodeError::new(K::StringIndexOutOfRange { what, index, count }, offset, "RB-5.5")
    }
}

#[cold]
#[inline(never)]
fn non_canonical(index: usize, detail: &'static str, offset: usize) -> DecodeError {
    DecodeError::new(K::NonCanonicalStrings { index, detail }, offset, "RB-5.8")
}

impl StringRefs<'_, '_> {
    /// Checks one string reference against range, nullability and Blazor's assignment order.
    #[inline(always)]
    fn reference(
        &mut self,
        check_expanded: bool,
        what: &'static str,
        index: i32,
        offset: usize,
        nullable: bool,
        dedup: Dedup,
    ) -> Result<(), DecodeError> {
        // -1 and every other negative index become an index past any table.
        let idx = index as u32 as usize;
        if !check_expanded {
            // The common cases first, in a few instructions: a deduplicated field sharing the
            // entry written for an earlier one (only entries below `next_new` are
            // `DEDUPLICATED`; an attribute value or a text shares only an empty or whitespace
            // entry), and a field whose value is not shared taking the next new entry.
            // The rest (new deduplicated values, and every error) in full below.
            let next_new = self.replay.next_new;
            match (self.flags.get(idx), dedup) {
                (Some(&flags), Dedup::Always) if flags & DEDUPLICATED != 0 => return Ok(()),
                (Some(&flags), Dedup::IfEmpty) if flags & (EMPTY | DEDUPLICATED) == EMPTY | DEDUPLICATED => {
                    return Ok(());
                }
                (Some(&flags), Dedup::IfWhitespace)
                    if flags & (WHITESPACE | DEDUPLICATED) == WHITESPACE | DEDUPLICATED =>
                {
                    return Ok(());
                }
                (Some(&flags), Dedup::IfEmpty) if flags & EMPTY == 0 && idx == next_new => {
                    self.replay.next_new += 1;
                    return Ok(());
                }
                (Some(&flags), Dedup::IfWhitespace) if flags & WHITESPACE == 0 && idx == next_new => {
                    self.replay.next_new += 1;
                    return Ok(());
                }
                (Some(_), Dedup::Never) if idx == next_new => {
                    self.replay.next_new += 1;
                    return Ok(());
                }
                (None, _) if index == -1 && nullable => return Ok(()),
                _ => {}
            }
        }
        self.replay = reference_in_full(
            Table {
                bytes: self.bytes,
                positions: self.positions,
                flags: self.flags,
                dedup: self.dedup,
            },
            self.replay,
            check_expanded,
            what,
            index,
            offset,
            nullable,
            dedup,
        )?;
        Ok(())
    }
}

/// The parts of [`Strings`] that `reference_in_full` reads or changes.
struct Table<'t, 'a> {
    bytes: &'a [u8],
    positions: usize,
    flags: &'t mut [u8],
    dedup: &'t mut DedupSet,
}

impl<'a> Table<'_, 'a> {
    /// The UTF-8 bytes of entry `idx` (checked by `Validator::strings`).
    fn text(&self, idx: usize) -> &'a [u8] {
        entry_text(self.bytes, self.positions, idx)
    }
}

/// The bytes of string table entry `idx` of a batch whose position table starts at `positions`
/// (both checked by `Validator::strings`).
fn entry_text(bytes: &[u8], positions: usize, idx: usize) -> &[u8] {
    let position = read_i32(bytes, positions + 4 * idx) as usize;
    let (length, used) = read_length_prefix(bytes, position, positions).unwrap_or_default();
    let start = position + used;
    &bytes[start..start + length as usize]
}

/// `StringRefs::reference` for every case: returns the replay's new state.
#[allow(clippy::too_many_arguments)]
#[inline(never)]
fn reference_in_full(
    table: Table<'_, '_>,
    mut replay: Replay,
    check_expanded: bool,
    what: &'static str,
    index: i32,
    offset: usize,
    nullable: bool,
    dedup: Dedup,
) -> Result<Replay, DecodeError> {
    let idx = index as u32 as usize;
    let Some(&flags) = table.flags.get(idx) else {
        if index == -1 && nullable {
            return Ok(replay);
        }
        return Err(null_or_out_of_range(what, index, offset, table.flags.len()));
    };
    if check_expanded {
        replay.expanded += table.text(idx).len();
        if replay.expanded > replay.max_expanded {
            return Err(expansion_exceeded(replay.expanded, replay.max_expanded, offset));
        }
    }
    let shareable = match dedup {
        Dedup::Always => true,
        Dedup::IfEmpty => flags & EMPTY != 0,
        Dedup::IfWhitespace => flags & WHITESPACE != 0,
        Dedup::Never => false,
    };
    if idx < replay.next_new {
        if !shareable {
            return Err(non_canonical(
                idx,
                "an entry is shared by a field whose value Blazor never deduplicates",
                offset,
            ));
        }
        if flags & DEDUPLICATED == 0 {
            return Err(non_canonical(
                idx,
                "an entry written for a non-deduplicated field is shared",
                offset,
            ));
        }
    } else if idx == replay.next_new {
        if shareable {
            let text = table.text(idx);
            let (bytes, positions) = (table.bytes, table.positions);
            if !table
                .dedup
                .insert(text, idx as u32, |i| entry_text(bytes, positions, i as usize))
            {
                return Err(non_canonical(
                    idx,
                    "a deduplicated value is written a second time instead of sharing its first entry",
                    offset,
                ));
            }
            table.flags[idx] |= DEDUPLICATED;
        }
        replay.next_new += 1;
    } else {
        return Err(non_canonical(
            idx,
            "an entry is used before the entries that precede it",
            offset,
        ));
    }
    Ok(replay)
}

#[cold]
#[inline(never)]
fn expansion_exceeded(count: usize, limit: usize, offset: usize) -> DecodeError {
    DecodeError::new(
        K::LimitExceeded {
            what: "bytes of referenced strings",
            count,
            limit,
        },
        offset,
        "RB-1.5",
    )
}

/// The reference frames that edits refer to, with the position of each referring edit's slot
/// (RB-2.11). Blazor appends frames as it writes edits, so the slots nearly always increase: then
/// this is a list in frame order. The first slot that does not increase switches to a table with
/// one entry per frame.
struct References<'s> {
    /// (frame index, 1 + the position of the edit slot that refers to it), by frame index while
    /// `is_dense` is false.
    sorted: &'s mut Vec<(u32, u32)>,
    /// When `is_dense`: for each frame, 1 + the position of the edit slot that refers to it
    /// (0: none).
    dense: &'s mut Vec<u32>,
    is_dense: bool,
}

impl<'s> References<'s> {
    /// No references yet, in buffers of the scratch.
    fn new(sorted: &'s mut Vec<(u32, u32)>, dense: &'s mut Vec<u32>) -> Self {
        sorted.clear();
        References {
            sorted,
            dense,
            is_dense: false,
        }
    }

    /// Records that the edit slot at `offset` refers to frame `slot` (in range) when it comes
    /// after every frame referred to so far; false (nothing recorded) when not. (The first case
    /// of `add`; `add` keeps its own copy of the test, which measured 0.4–4 % fewer instructions
    /// than calling this.)
    #[inline(always)]
    fn add_in_order(&mut self, slot: usize, offset: usize) -> bool {
        if !self.is_dense && self.sorted.last().is_none_or(|&(last, _)| slot > last as usize) {
            self.sorted.push((slot as u32, (offset + 1) as u32));
            return true;
        }
        false
    }

    /// Records that the edit slot at `offset` refers to frame `slot` (in range), or fails if
    /// another edit already does.
    #[inline(always)]
    fn add(&mut self, slot: usize, offset: usize, frame_count: usize) -> Result<(), DecodeError> {
        if !self.is_dense && self.sorted.last().is_none_or(|&(last, _)| slot > last as usize) {
            self.sorted.push((slot as u32, (offset + 1) as u32));
            return Ok(());
        }
        self.add_dense(slot, offset, frame_count)
    }

    #[cold]
    #[inline(never)]
    fn add_dense(&mut self, slot: usize, offset: usize, frame_count: usize) -> Result<(), DecodeError> {
        if !self.is_dense {
            self.is_dense = true;
            self.dense.clear();
            self.dense.resize(frame_count, 0);
            for &(index, referenced_by) in self.sorted.iter() {
                self.dense[index as usize] = referenced_by;
            }
        }
        let reference = &mut self.dense[slot];
        if *reference != 0 {
            return Err(DecodeError::new(
                K::FrameReferencedTwice {
                    index: slot as i32,
                    first: *reference as usize - 1,
                },
                offset,
                "RB-2.11",
            ));
        }
        *reference = (offset + 1) as u32;
        Ok(())
    }

    /// The references in frame order.
    fn into_sorted(self) -> &'s [(u32, u32)] {
        if self.is_dense {
            self.sorted.clear();
            self.sorted.extend(
                self.dense
                    .iter()
                    .enumerate()
                    .filter(|&(_, &referenced_by)| referenced_by != 0)
                    .map(|(index, &referenced_by)| (index as u32, referenced_by)),
            );
        }
        self.sorted
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
    fn run(self, scratch: &mut ValidateScratch) -> Result<RenderBatchView<'a>, DecodeError> {
        let layout = self.layout()?;
        let ValidateScratch {
            flags,
            sorted,
            dense,
            enclosing,
            dedup,
        } = scratch;
        let mut strings = self.strings(&layout, flags, dedup)?;
        let mut references = References::new(sorted, dense);
        self.diffs(&layout, &mut strings, &mut references)?;
        if layout.frame_count > 0 {
            self.frames(&layout, &mut strings, references.into_sorted(), enclosing)?;
        }
        self.disposed(&layout)?;
        if strings.replay.next_new != layout.string_count {
            let index = strings.replay.next_new;
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

    #[inline(never)]
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

    // The passes stay separate functions (`inline(never)`): inlined into `run`, each loop is
    // compiled with the others' state live around it and gets markedly slower.
    #[inline(never)]
    fn strings<'s>(
        &self,
        layout: &Layout,
        flags: &'s mut Vec<u8>,
        dedup: &'s mut DedupSet,
    ) -> Result<Strings<'s, 'a>, DecodeError> {
        let bytes = self.bytes;
        let data_start = layout.string_data;
        let data_end = layout.string_positions;
        let data = &bytes[..data_end];
        let table = &bytes[data_end..data_end + 4 * layout.string_count];
        // One check of the whole string data: when it is ASCII, every string is valid UTF-8
        // (RB-5.3). Otherwise each string is checked: when the data is valid UTF-8 as a whole, a
        // string is exactly when it starts and ends on a character boundary, which `str::get`
        // checks; when not (a length prefix over 127 breaks it) with `from_utf8` on its own.
        let ascii = data[data_start..].is_ascii();
        let whole = if ascii {
            None
        } else {
            std::str::from_utf8(&data[data_start..]).ok()
        };
        let max_string_bytes = self.limits.max_string_bytes;
        flags.clear();
        flags.resize(layout.string_count, 0);
        dedup.clear();
        let mut longest = 0;
        let mut cursor = data_start;
        for ((index, entry), flag) in table.chunks_exact(4).enumerate().zip(flags.iter_mut()) {
            let found = read_i32(entry, 0);
            // The length prefix's first byte, read at the position the table gives, before
            // that position is checked: so that reading it does not wait for the string before
            // (the check makes it the same place).
            let first = data.get(found as u32 as usize).copied();
            if found as i64 != cursor as i64 {
                return Err(DecodeError::new(
                    K::StringMisplaced {
                        index,
                        expected: cursor,
                        found: found.into(),
                    },
                    data_end + 4 * index,
                    "RB-5.4",
                ));
            }
            let (length, used) = match first {
                Some(byte) if byte < 0x80 => (usize::from(byte), 1),
                _ => long_length_prefix(data, index, cursor)?,
            };
            let start = cursor + used;
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
            if length > max_string_bytes {
                return Err(DecodeError::new(
                    K::LimitExceeded {
                        what: "string bytes",
                        count: length,
                        limit: max_string_bytes,
                    },
                    cursor,
                    "RB-1.5",
                ));
            }
            let end = start + length;
            if !ascii
                && whole
                    .and_then(|whole| whole.get(start - data_start..end - data_start))
                    .is_none()
            {
                if let Err(e) = std::str::from_utf8(&data[start..end]) {
                    return Err(DecodeError::new(
                        K::InvalidUtf8 {
                            index,
                            detail: e.to_string(),
                        },
                        start + e.valid_up_to(),
                        "RB-5.3",
                    ));
                }
            }
            // `EMPTY` and `WHITESPACE`: at once for a string that starts with printable ASCII.
            *flag = match data.get(start) {
                _ if length == 0 => EMPTY | WHITESPACE,
                Some(0x21..=0x7E) => 0,
                _ => whitespace_flag(&data[start..end]),
            };
            longest = longest.max(length);
            cursor = end;
        }
        Self::placed(Section::StringTable, cursor, layout.string_positions, bytes.len() - 4)?;
        // At most one string reference per edit and two per frame.
        let references = layout.diff_table / EDIT_SIZE + 2 * layout.frame_count;
        let max_expanded = self.limits.max_expanded_string_bytes;
        Ok(Strings {
            bytes,
            positions: data_end,
            flags,
            dedup,
            replay: Replay {
                next_new: 0,
                check_expanded: references.saturating_mul(longest) > max_expanded,
                expanded: 0,
                max_expanded,
            },
        })
    }

    #[inline(never)]
    fn diffs(
        &self,
        layout: &Layout,
        strings: &mut Strings<'_, 'a>,
        references: &mut References<'_>,
    ) -> Result<(), DecodeError> {
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

    fn edits(
        &self,
        layout: &Layout,
        strings: &mut Strings<'_, 'a>,
        references: &mut References<'_>,
        start: usize,
        count: usize,
    ) -> Result<(), DecodeError> {
        let bytes = self.bytes;
        let frames = &bytes[layout.frames + 4..layout.frames + 4 + FRAME_SIZE * layout.frame_count];
        let mut depth = 0usize;
        let mut refs = strings.refs();
        let check_expanded = refs.replay.check_expanded;
        let mut in_permutation = false;
        let mut edits = bytes[start..start + EDIT_SIZE * count]
            .chunks_exact(EDIT_SIZE)
            .enumerate();
        while let Some((i, edit)) = edits.next() {
            let raw_type = read_i32(edit, 0);
            let sibling_index = read_i32(edit, 4);
            let at = start + EDIT_SIZE * i;
            let slot = read_i32(edit, 8);
            let name = read_i32(edit, 12);
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
            // Then, per type: the frame slot (RB-2.5, RB-2.7, RB-2.10, RB-2.11), the name
            // (RB-2.6), then steps and permutation lists (RB-2.7 … RB-2.9). Tested in order of
            // frequency, with comparisons rather than a `match`: a jump table's indirect branch
            // mispredicts on the mixed edit sequences of a typical diff.
            let kind = raw_type as u32;
            if kind == E::StepIn as u32 {
                if read_u64(edit, 8) != 0xFFFF_FFFF_0000_0000 {
                    return Err(slot_or_name_set(slot, name, at));
                }
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
                take_run_of_steps(&mut edits, &mut depth, self.limits.max_depth, start, frames, references);
            } else if kind == E::StepOut as u32 {
                if read_u64(edit, 8) != 0xFFFF_FFFF_0000_0000 {
                    return Err(slot_or_name_set(slot, name, at));
                }
                if sibling_index != 0 {
                    return Err(unused_field_set(
                        "sibling index of StepOut",
                        sibling_index,
                        at + 4,
                        0,
                        "RB-2.7",
                    ));
                }
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
                take_run_of_steps(&mut edits, &mut depth, self.limits.max_depth, start, frames, references);
            } else if FRAME_EDITS >> kind & 1 != 0 {
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
                let raw_frame_type = read_i32(frames, FRAME_SIZE * slot as usize);
                // The frame types the edit may refer to (RB-2.10), as a set of bits.
                use FrameType as F;
                let fits: u32 = match edit_type {
                    E::PrependFrame => {
                        1 << F::Element as u32
                            | 1 << F::Text as u32
                            | 1 << F::Component as u32
                            | 1 << F::Region as u32
                            | 1 << F::Markup as u32
                    }
                    E::SetAttribute => 1 << F::Attribute as u32,
                    E::UpdateText => 1 << F::Text as u32,
                    _ => 1 << F::Markup as u32,
                };
                if !(1..=10).contains(&raw_frame_type) || fits >> raw_frame_type & 1 == 0 {
                    let frame_type = FrameType::from_i32(raw_frame_type);
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
                references.add(slot as usize, at + 8, layout.frame_count)?;
                if name != -1 {
                    return Err(slot_or_name_set(0, name, at));
                }
            } else if kind == E::RemoveFrame as u32 {
                if read_u64(edit, 8) != 0xFFFF_FFFF_0000_0000 {
                    return Err(slot_or_name_set(slot, name, at));
                }
                // A list is cleared with one RemoveFrame per item. The ones that follow this one
                // pass every check of this loop exactly when their sibling index is not negative
                // and they use no frame (slot 0) and no name (-1) (they are not in a permutation
                // list, as this one is not): skip them at once.
                while let Some((_, next)) = edits.clone().next() {
                    if read_i32(next, 0) != E::RemoveFrame as i32
                        || read_i32(next, 4) < 0
                        || read_u64(next, 8) != 0xFFFF_FFFF_0000_0000
                    {
                        break;
                    }
                    edits.next();
                }
            } else if kind == E::RemoveAttribute as u32 {
                if slot != 0 {
                    return Err(slot_or_name_set(slot, -1, at));
                }
                refs.reference(
                    check_expanded,
                    "removed attribute name",
                    name,
                    at + 12,
                    false,
                    Dedup::Always,
                )?;
            } else if kind == E::PermutationListEntry as u32 {
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
                if name != -1 {
                    return Err(slot_or_name_set(0, name, at));
                }
                in_permutation = true;
            } else {
                // PermutationListEnd
                if read_u64(edit, 8) != 0xFFFF_FFFF_0000_0000 {
                    return Err(slot_or_name_set(slot, name, at));
                }
                if sibling_index != 0 {
                    return Err(unused_field_set(
                        "sibling index of PermutationListEnd",
                        sibling_index,
                        at + 4,
                        0,
                        "RB-2.7",
                    ));
                }
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
        strings.replay = refs.replay;
        Ok(())
    }

    fn frames(
        &self,
        layout: &Layout,
        strings: &mut Strings<'_, 'a>,
        references: &[(u32, u32)],
        enclosing: &mut Vec<(usize, usize)>,
    ) -> Result<(), DecodeError> {
        enclosing.clear();
        if strings.replay.check_expanded {
            self.frames_with::<true>(layout, strings, references, enclosing)
        } else {
            self.frames_with::<false>(layout, strings, references, enclosing)
        }
    }

    /// The frames pass; `CHECK_EXPANDED` is `strings.replay.check_expanded`.
    #[inline(never)]
    fn frames_with<const CHECK_EXPANDED: bool>(
        &self,
        layout: &Layout,
        strings: &mut Strings<'_, 'a>,
        references: &[(u32, u32)],
        enclosing: &mut Vec<(usize, usize)>,
    ) -> Result<(), DecodeError> {
        const NONE: usize = usize::MAX;
        let count = layout.frame_count;
        let max_depth = self.limits.max_depth;
        let first = layout.frames + 4;
        let frames = &self.bytes[first..first + FRAME_SIZE * count];
        let mut refs = strings.refs();
        // The innermost open subtree (a subtree whose later frames are still to come): where it
        // ends and the index of its frame (`NONE` at depth 0, where it stands for the whole list
        // of frames). The subtrees around it, outermost first, are in `enclosing`, so the depth
        // is `enclosing.len()`.
        let mut parent_end = count;
        let mut parent = NONE;
        // The element or component whose attributes may come next (RB-3.10): the last frame
        // other than an attribute, if it is one (else `NONE`). An attribute is in place exactly
        // when this is its parent: then every frame since its parent is an attribute of it.
        let mut attributes_of = NONE;
        // The next frame an edit refers to (`NONE`: none), at `references[next_reference]`.
        let mut next_reference = 0usize;
        let mut next_referenced = references.first().map_or(NONE, |&(slot, _)| slot as usize);
        for (index, frame) in frames.chunks_exact(FRAME_SIZE).enumerate() {
            let at = first + FRAME_SIZE * index;
            let raw_type = read_i32(frame, 0);
            let a = read_i32(frame, 4);
            let b = read_i32(frame, 8);
            let c = read_i32(frame, 12);
            let d = read_i32(frame, 16);
            while parent_end <= index {
                // Depth 0 never ends before the last frame, so there is an enclosing subtree.
                (parent_end, parent) = enclosing.pop().unwrap_or((count, NONE));
            }
            use FrameType as F;
            // The three frame types of nearly every batch first, then the others (and unknown
            // types, RB-3.2) out of line. `opens`: the length of the subtree this frame opens,
            // if it has frames after it.
            let opens = if raw_type == F::Attribute as i32 {
                refs.reference(CHECK_EXPANDED, "attribute name", a, at + 4, false, Dedup::Always)?;
                if (c | d) != 0 && b != -1 {
                    return Err(DecodeError::new(
                        K::HandlerWithValue {
                            event_handler_id: read_u64(frame, 12),
                        },
                        at + 8,
                        "RB-3.6",
                    ));
                }
                refs.reference(CHECK_EXPANDED, "attribute value", b, at + 8, true, Dedup::IfEmpty)?;
                0
            } else if raw_type == F::Element as i32 {
                let opens = subtree(a, index, parent_end, enclosing.len(), max_depth, at)?;
                refs.reference(CHECK_EXPANDED, "element name", b, at + 8, false, Dedup::Always)?;
                if c | d != 0 {
                    return Err(padding([0, 0, c, d], at));
                }
                attributes_of = index;
                opens
            } else if raw_type == F::Text as i32 {
                refs.reference(CHECK_EXPANDED, "text", a, at + 4, false, Dedup::IfWhitespace)?;
                if b | c | d != 0 {
                    return Err(padding([0, b, c, d], at));
                }
                attributes_of = NONE;
                0
            } else {
                let opens = other_frame(
                    &mut refs,
                    CHECK_EXPANDED,
                    [raw_type, a, b, c, d],
                    index,
                    at,
                    parent_end,
                    enclosing.len(),
                    max_depth,
                )?;
                attributes_of = if raw_type == F::Component as i32 { index } else { NONE };
                opens
            };
            let referenced = index == next_referenced;
            if parent != NONE {
                // RB-3.10: attributes lead their element's or component's children.
                if raw_type == F::Attribute as i32 && attributes_of != parent {
                    return Err(misplaced_attribute(index, read_i32(frames, FRAME_SIZE * parent), at));
                }
                // RB-2.11: edits refer to whole subtrees only.
                if referenced {
                    return Err(DecodeError::new(
                        K::NestedFrameReference { index },
                        references[next_reference].1 as usize - 1,
                        "RB-2.11",
                    ));
                }
            } else if !referenced {
                return Err(DecodeError::new(K::UnreferencedFrame { index }, at, "RB-2.11"));
            } else {
                next_reference += 1;
                next_referenced = references.get(next_reference).map_or(NONE, |&(slot, _)| slot as usize);
            }
            if opens != 0 {
                enclosing.push((parent_end, parent));
                parent_end = index + opens;
                parent = index;
            }
        }
        strings.replay = refs.replay;
        Ok(())
    }

    fn disposed(&self, layout: &Layout) -> Result<(), DecodeError> {
        // First whether every id is valid, in a loop without exits (which the compiler can
        // vectorize); only if not, which one is first.
        let components = &self.bytes[layout.disposed_components + 4..][..4 * layout.disposed_component_count];
        let handlers = &self.bytes[layout.disposed_handlers + 4..][..8 * layout.disposed_handler_count];
        let negative = components.chunks_exact(4).fold(0, |any, id| any | read_i32(id, 0)) < 0;
        let zero = handlers
            .chunks_exact(8)
            .fold(false, |any, id| any | (read_u64(id, 0) == 0));
        if !negative && !zero {
            return Ok(());
        }
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

    /// Bytes of a batch with one diff (component 0) of the raw edits `edits` (four words each)
    /// and nothing else.
    fn raw_edits_batch(edits: &[[i32; 4]]) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(&0i32.to_le_bytes());
        b.extend_from_slice(&(edits.len() as i32).to_le_bytes());
        for word in edits.iter().flatten() {
            b.extend_from_slice(&word.to_le_bytes());
        }
        let diff_table = b.len();
        for word in [1i32, 0, 0, 0, 0] {
            // The diff count, its position, then no frames, components or handlers.
            b.extend_from_slice(&word.to_le_bytes());
        }
        let frames = diff_table + 8;
        let end = b.len();
        for position in [diff_table, frames, frames + 4, frames + 8, end] {
            b.extend_from_slice(&(position as i32).to_le_bytes());
        }
        b
    }

    #[test]
    fn a_bad_step_inside_a_run_of_steps_is_reported_at_that_step() {
        // Runs of StepIn / StepOut are checked in a loop of their own (`take_run_of_steps`); a step
        // failing any check of RB-1.5, RB-2.5 … RB-2.8 in the middle of such a run must get the
        // error and offset it gets anywhere else.
        const IN: [i32; 4] = [6, 0, 0, -1];
        const OUT: [i32; 4] = [7, 0, 0, -1];
        let run = [IN, IN, IN, IN, OUT, OUT, OUT, OUT];
        assert!(validate(&raw_edits_batch(&run), &Limits::DEFAULT).is_ok());
        // (position in the run, the edit there, expected error kind, rule, offset from the edit)
        let cases: [(usize, [i32; 4], &str, &str, usize); 9] = [
            (2, [6, -1, 0, -1], "negative_value", "RB-2.7", 4),
            (2, [6, 0, 3, -1], "unused_field_set", "RB-2.5", 8),
            (2, [6, 0, 0, 5], "unused_field_set", "RB-2.6", 12),
            (5, [7, 1, 0, -1], "unused_field_set", "RB-2.7", 4),
            (5, [7, 0, 2, -1], "unused_field_set", "RB-2.5", 8),
            (5, [7, 0, 0, 0], "unused_field_set", "RB-2.6", 12),
            (3, [11, 0, 0, -1], "unknown_edit_type", "RB-2.4", 0),
            (3, [2, 0, 1, -1], "unused_field_set", "RB-2.5", 8),
            // A permutation entry: the step after it is the edit out of place.
            (6, [9, 0, 0, -1], "malformed_permutation_list", "RB-2.9", EDIT_SIZE),
        ];
        for (at, edit, kind, rule, field) in cases {
            let mut edits = run;
            edits[at] = edit;
            let error = validate(&raw_edits_batch(&edits), &Limits::DEFAULT).unwrap_err();
            let what = format!("{edit:?} at {at}: {error}");
            assert_eq!(error.kind.name(), kind, "{what}");
            assert_eq!(error.requirement, rule, "{what}");
            assert_eq!(error.offset, 8 + EDIT_SIZE * at + field, "{what}");
            // A field that must be unused names what it holds and what it must hold: 0 for a
            // frame slot (RB-2.5) or a StepOut's sibling index (RB-2.7), -1 for a name (RB-2.6).
            if let K::UnusedFieldSet { expected, found, .. } = error.kind {
                let must_hold = if rule == "RB-2.6" { -1 } else { 0 };
                assert_eq!((expected, found), (must_hold, i64::from(edit[field / 4])), "{what}");
            }
        }
        // One StepOut too many after a run, at depth 0.
        let mut unbalanced = run.to_vec();
        unbalanced.insert(8, OUT);
        let error = validate(&raw_edits_batch(&unbalanced), &Limits::DEFAULT).unwrap_err();
        assert_eq!((error.kind.name(), error.requirement), ("unbalanced_step", "RB-2.8"));
        assert_eq!(error.offset, 8 + EDIT_SIZE * 8);
        // The depth limit reached inside a run: the step that goes one level too deep.
        let limits = Limits {
            max_depth: 3,
            ..Limits::DEFAULT
        };
        let error = validate(&raw_edits_batch(&run), &limits).unwrap_err();
        assert_eq!((error.kind.name(), error.requirement), ("limit_exceeded", "RB-1.5"));
        assert_eq!(error.offset, 8 + EDIT_SIZE * 3);
        let limits = Limits {
            max_depth: 4,
            ..Limits::DEFAULT
        };
        assert!(validate(&raw_edits_batch(&run), &limits).is_ok());
    }

    #[test]
    fn a_bad_remove_inside_a_run_of_removes_is_reported_as_when_alone() {
        // A run of RemoveFrame edits is skipped over in a loop of its own once the first has been
        // checked; a bad RemoveFrame in such a run must get the error it gets alone, at its own
        // offset (RB-2.5 … RB-2.7).
        const REMOVE: [i32; 4] = [2, 0, 0, -1];
        assert!(validate(&raw_edits_batch(&[REMOVE; 4]), &Limits::DEFAULT).is_ok());
        for bad in [[2, -1, 0, -1], [2, 0, 3, -1], [2, 0, 0, 5], [2, 0, 0, 0], [2, 1, 1, 1]] {
            let alone = validate(&raw_edits_batch(&[bad]), &Limits::DEFAULT).unwrap_err();
            let in_run = validate(&raw_edits_batch(&[REMOVE, REMOVE, bad, REMOVE]), &Limits::DEFAULT).unwrap_err();
            assert_eq!(
                (in_run.kind, in_run.requirement, in_run.offset),
                (alone.kind, alone.requirement, alone.offset + 2 * EDIT_SIZE),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_diff_header_cut_short_names_the_bytes_there() {
        // A diff of component 0 without edits, four bytes more, then a table of two diffs, at 0
        // and at 8: the second one's 8-byte header does not fit before the table (RB-2.1).
        let words: [i32; 14] = [0, 0, 0, 2, 0, 8, 0, 0, 0, 12, 24, 28, 32, 36];
        let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
        let error = validate(&bytes, &Limits::DEFAULT).unwrap_err();
        assert_eq!(
            (error.kind, error.offset, error.requirement),
            (
                K::Truncated {
                    section: Section::UpdatedComponents,
                    what: "diff header",
                    needed: 8,
                    available: 4,
                },
                8,
                "RB-2.1"
            )
        );
    }

    #[test]
    fn a_view_is_of_its_input_and_its_string_lookup_answers_none_outside_the_table() {
        let bytes = batch_of(vec![Frame::Text { content: "hi".into() }]);
        let view = validate(&bytes, &Limits::DEFAULT).unwrap();
        // The view is of the input itself, not a copy.
        assert!(std::ptr::eq(view.bytes(), &bytes[..]));
        assert_eq!(view.string_count(), 1);
        assert_eq!(view.string(0), Some("hi"));
        for index in [-1, -2, 1, i32::MAX, i32::MIN] {
            assert_eq!(view.string(index), None, "{index}");
        }
    }

    #[test]
    fn the_threads_scratch_keeps_buffers_up_to_the_limit_and_drops_larger_ones() {
        // Each buffer at the largest size kept (`SCRATCH_LIMIT` bytes), then each one a little
        // larger on its own: only that one is dropped.
        let at_limit = || ValidateScratch {
            flags: Vec::with_capacity(SCRATCH_LIMIT),
            sorted: Vec::with_capacity(SCRATCH_LIMIT / 8),
            dense: Vec::with_capacity(SCRATCH_LIMIT / 4),
            enclosing: Vec::with_capacity(SCRATCH_LIMIT / 16),
            dedup: DedupSet {
                slots: vec![[0; 3]; SCRATCH_LIMIT / 12],
                ..DedupSet::new()
            },
        };
        let sizes = |s: &ValidateScratch| {
            [
                s.flags.capacity(),
                s.sorted.capacity() * 8,
                s.dense.capacity() * 4,
                s.enclosing.capacity() * 16,
                s.dedup.slots.len() * 12,
            ]
        };
        let mut kept = at_limit();
        let before = sizes(&kept);
        assert!(
            before
                .iter()
                .all(|&size| size > SCRATCH_LIMIT - 16 && size <= SCRATCH_LIMIT),
            "{before:?}"
        );
        kept.trim();
        assert_eq!(sizes(&kept), before);
        for larger in 0..5 {
            let mut scratch = at_limit();
            match larger {
                0 => scratch.flags.reserve_exact(SCRATCH_LIMIT + 1),
                1 => scratch.sorted.reserve_exact(SCRATCH_LIMIT / 8 + 1),
                2 => scratch.dense.reserve_exact(SCRATCH_LIMIT / 4 + 1),
                3 => scratch.enclosing.reserve_exact(SCRATCH_LIMIT / 16 + 1),
                _ => scratch.dedup.slots.push([0; 3]),
            }
            scratch.trim();
            let mut expected = before;
            expected[larger] = 0;
            assert_eq!(sizes(&scratch), expected, "buffer {larger}");
        }
        // `validate` trims the thread's scratch after each call.
        SCRATCH.with(|s| s.borrow_mut().flags = Vec::with_capacity(SCRATCH_LIMIT + 1));
        validate(&batch_of(vec![Frame::Text { content: "hi".into() }]), &Limits::DEFAULT).unwrap();
        assert_eq!(SCRATCH.with(|s| s.borrow().flags.capacity()), 0);
        // The next batch grows it again, and it is kept for the one after.
        validate(&batch_of(vec![Frame::Text { content: "hi".into() }]), &Limits::DEFAULT).unwrap();
        assert!(SCRATCH.with(|s| s.borrow().flags.capacity()) > 0);
    }

    #[test]
    fn a_bad_text_update_inside_a_run_of_steps_is_reported_at_that_edit() {
        // `take_run_of_steps` also takes the UpdateText edits of a run; one that fails a check of
        // RB-2.5 … RB-2.11 must get the error and offset it gets anywhere else.
        use crate::render_batch::{Diff, Edit};
        let text = |content: &str| Frame::Text {
            content: content.into(),
        };
        let update = |frame| Edit::UpdateText {
            sibling_index: 0,
            reference_frame_index: frame,
        };
        let batch = |first, second| RenderBatch {
            updated_components: vec![Diff {
                component_id: 0,
                edits: vec![
                    Edit::StepIn { sibling_index: 0 },
                    Edit::StepIn { sibling_index: 1 },
                    update(first),
                    Edit::StepOut,
                    Edit::StepIn { sibling_index: 2 },
                    update(second),
                    Edit::StepOut,
                    Edit::StepOut,
                    Edit::PrependFrame {
                        sibling_index: 3,
                        reference_frame_index: 2,
                    },
                ],
            }],
            reference_frames: vec![
                text("x"),
                text("y"),
                Frame::Element {
                    subtree_length: 1,
                    name: "p".into(),
                },
            ],
            ..Default::default()
        };
        let bytes = encode(&batch(0, 1));
        assert!(validate(&bytes, &Limits::DEFAULT).is_ok());
        // Texts updated out of frame order: valid, through the general path.
        let swapped = batch(1, 0);
        assert_eq!(decode(&encode(&swapped)).as_ref(), Ok(&swapped));
        // (field of edit 5, value, expected error kind, rule, offset from the edit)
        let cases: [(usize, i32, &str, &str, usize); 6] = [
            (2, 3, "frame_index_out_of_range", "RB-2.5", 8),
            (2, -1, "frame_index_out_of_range", "RB-2.5", 8),
            (2, 2, "frame_type_mismatch", "RB-2.10", 8),
            (2, 0, "frame_referenced_twice", "RB-2.11", 8),
            (3, 0, "unused_field_set", "RB-2.6", 12),
            (1, -1, "negative_value", "RB-2.7", 4),
        ];
        let edit = 8 + EDIT_SIZE * 5;
        for (field, value, kind, rule, offset) in cases {
            let mut corrupted = bytes.clone();
            corrupted[edit + 4 * field..edit + 4 * field + 4].copy_from_slice(&value.to_le_bytes());
            let error = validate(&corrupted, &Limits::DEFAULT).unwrap_err();
            let what = format!("field {field} = {value}: {error}");
            assert_eq!(error.kind.name(), kind, "{what}");
            assert_eq!(error.requirement, rule, "{what}");
            assert_eq!(error.offset, edit + offset, "{what}");
        }
        // The frame referred to twice names the first reference: the slot of edit 2, an
        // UpdateText that the run's loop recorded.
        let mut twice = bytes.clone();
        twice[edit + 8..edit + 12].copy_from_slice(&0i32.to_le_bytes());
        let error = validate(&twice, &Limits::DEFAULT).unwrap_err();
        assert_eq!(
            error.kind,
            K::FrameReferencedTwice {
                index: 0,
                first: 8 + EDIT_SIZE * 2 + 8
            }
        );
    }

    /// Two different values whose hashes in the deduplication set are equal are two entries, not
    /// one (RB-5.6, RB-5.8): the set compares the values, not only their hashes. The two names
    /// were found by a search over `class-N`; if the hash function changes, find another pair.
    #[test]
    fn values_with_the_same_hash_are_told_apart() {
        let (a, b) = (b"class-6414".as_slice(), b"class-102377".as_slice());
        assert_eq!(
            DedupSet::hash(a),
            DedupSet::hash(b),
            "the pair no longer collides: find another"
        );
        let values = [a, b, b];
        let mut set = DedupSet::new();
        set.clear();
        assert!(set.insert(a, 0, |i| values[i as usize]));
        assert!(set.insert(b, 1, |i| values[i as usize]), "b is not a");
        assert!(!set.insert(b, 2, |i| values[i as usize]), "the second b is a duplicate");

        // The same in a whole batch: two elements named by the pair, each name its own entry,
        // then a third element sharing the second name's entry.
        let names = ["class-6414", "class-102377", "class-102377"];
        let frames = names.iter().map(|&name| Frame::Element {
            subtree_length: 1,
            name: name.to_owned(),
        });
        let bytes = batch_of(frames.collect());
        let view = validate(&bytes, &Limits::DEFAULT).unwrap();
        for (i, &name) in names.iter().enumerate() {
            assert_eq!(
                view.reference_frame(i),
                Frame::Element {
                    subtree_length: 1,
                    name
                }
            );
        }
        assert_eq!(view.string_count(), 2, "one entry for each name");
    }

    /// Edits may refer to frames out of frame order (Blazor's writer never does, a strict reader
    /// accepts it, RB-2.11): the reader then records references in a table per frame. What it
    /// records before and after that switch, through the general path and through a run's
    /// loop, must still find every frame referred to once, and name the first reference of a
    /// frame referred to twice.
    #[test]
    fn references_out_of_frame_order_are_each_recorded_once() {
        use crate::render_batch::{Diff, Edit};
        let p = |frame| Edit::PrependFrame {
            sibling_index: 0,
            reference_frame_index: frame,
        };
        let element = || Frame::Element {
            subtree_length: 1,
            name: "p".into(),
        };
        let text = |content: &str| Frame::Text {
            content: content.into(),
        };
        let batch = |edits, reference_frames| RenderBatch {
            updated_components: vec![Diff { component_id: 0, edits }],
            reference_frames,
            ..Default::default()
        };
        // The last reference goes back to an earlier frame.
        let backwards = batch(vec![p(1), p(0)], vec![element(), element()]);
        assert_eq!(decode(&encode(&backwards)).as_ref(), Ok(&backwards));
        // Out of order first, then a run of steps with a text update past every frame so far.
        let update = |frame| Edit::UpdateText {
            sibling_index: 0,
            reference_frame_index: frame,
        };
        let step_in = Edit::StepIn { sibling_index: 0 };
        let then_a_run = batch(
            vec![
                step_in.clone(),
                update(1),
                update(0),
                Edit::StepOut,
                step_in,
                update(2),
                Edit::StepOut,
            ],
            vec![text("a"), text("b"), text("c")],
        );
        assert_eq!(decode(&encode(&then_a_run)).as_ref(), Ok(&then_a_run));
        // A frame referred to twice after the switch: the error names the first edit's slot.
        let twice = encode(&batch(vec![p(1), p(0), p(1)], vec![element(), element()]));
        let error = validate(&twice, &Limits::DEFAULT).unwrap_err();
        assert_eq!(error.kind, K::FrameReferencedTwice { index: 1, first: 8 + 8 });
        assert_eq!((error.offset, error.requirement), (8 + EDIT_SIZE * 2 + 8, "RB-2.11"));
    }
}
