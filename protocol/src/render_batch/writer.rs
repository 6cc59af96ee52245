//! The encoder: the bytes ASP.NET Core 10's `RenderBatchWriter` writes for the same batch.

use rustc_hash::FxHashMap;

use super::reader::is_whitespace_only;
use super::types::{Diff, Edit, Frame, RenderBatch};
use super::{EDIT_SIZE, FRAME_SIZE};

/// A batch that cannot be encoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    /// The encoding would exceed 2,147,483,647 bytes: its positions would not fit in int32 (RB-1.1).
    #[error("the batch would be {size} bytes; positions are int32, so a batch is at most 2147483647 bytes (RB-1.1)")]
    TooLarge {
        /// The size it would have had.
        size: usize,
    },
}

/// Encodes a batch into a new buffer.
///
/// # Panics
/// If the encoding would exceed `i32::MAX` bytes (RB-1.1); use [`try_encode`] to get an error instead.
pub fn encode(batch: &RenderBatch) -> Vec<u8> {
    try_encode(batch).unwrap_or_else(|e| panic!("{e}"))
}

/// Encodes a batch into a new buffer, or says why it cannot be encoded.
pub fn try_encode(batch: &RenderBatch) -> Result<Vec<u8>, EncodeError> {
    let mut out = Vec::with_capacity(estimate(batch));
    encode_into(batch, &mut out)?;
    Ok(out)
}

/// Appends the encoding of `batch` to `out`. Positions in the batch are relative to where it starts.
/// On error `out` is left as it was.
pub fn encode_into(batch: &RenderBatch, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    BatchWriter::new(out).write(
        &batch.updated_components,
        &batch.reference_frames,
        &batch.disposed_component_ids,
        &batch.disposed_event_handler_ids,
    )
}

fn estimate(batch: &RenderBatch) -> usize {
    let edits: usize = batch.updated_components.iter().map(|d| 12 + 16 * d.edits.len()).sum();
    edits + 24 * batch.reference_frames.len() + 8 * batch.disposed_event_handler_ids.len() + 64
}

/// Writes a batch from borrowed parts, so that a renderer can encode its own diffs and frames
/// (with any string type) without building a [`RenderBatch`].
pub struct BatchWriter<'o, 's> {
    out: &'o mut Vec<u8>,
    base: usize,
    strings: StringTable<'s>,
}

/// The string table as Blazor's writer builds it (RB-5.6, RB-5.7).
struct StringTable<'s> {
    /// The entries' bytes as the table holds them, each after its 7-bit length prefix (RB-5.2),
    /// up to `end`; what follows is of no meaning. (It is grown ahead, so that a string is
    /// copied into place, with fixed-size moves when short, rather than appended.)
    data: Vec<u8>,
    end: usize,
    /// Where each entry starts in `data`.
    starts: Vec<u32>,
    /// The entries written for deduplicated fields whose value is at most 15 bytes (nearly all
    /// of them: element and attribute names, `""`, `" "`).
    short: ShortMap,
    /// The entries written for deduplicated fields with longer values.
    long: FxHashMap<&'s str, i32>,
}

/// The bytes of a string of at most 15 bytes and its length, packed into one integer that
/// identifies it (the bytes little-endian in the low 120 bits, the length + 1 in the top 8, so
/// that it is never 0); `None` for a longer string.
#[inline(always)]
fn short_key(s: &[u8]) -> Option<u128> {
    let n = s.len();
    let bytes = if n >= 8 {
        if n > 15 {
            return None;
        }
        let head = u64::from_le_bytes(s[..8].try_into().unwrap_or_default());
        // The last 8 bytes, shifted so that only those after the head remain.
        let tail = u64::from_le_bytes(s[n - 8..].try_into().unwrap_or_default());
        u128::from(head) | u128::from(tail.checked_shr(8 * (16 - n) as u32).unwrap_or(0)) << 64
    } else if n >= 4 {
        let head = u32::from_le_bytes(s[..4].try_into().unwrap_or_default());
        let tail = u32::from_le_bytes(s[n - 4..].try_into().unwrap_or_default());
        u128::from(head) | u128::from(tail.checked_shr(8 * (8 - n) as u32).unwrap_or(0)) << 32
    } else if n > 0 {
        u128::from(s[0]) | u128::from(s[n / 2]) << 8 | u128::from(s[n - 1]) << 16
    } else {
        0
    };
    Some(bytes | (n as u128 + 1) << 120)
}

thread_local! {
    /// `StringTable::data` and `StringTable::starts` of the thread's last batch, kept for its
    /// next one: allocating them anew for every batch costs a large batch its page faults (a
    /// 5 MB batch has 1 MB of strings) and a small one two allocations.
    static SCRATCH: std::cell::RefCell<(Vec<u8>, Vec<u32>)> = const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
}

/// The largest string data (in bytes) whose buffers `SCRATCH` keeps.
const SCRATCH_LIMIT: usize = 8 << 20;

/// A hash table from `short_key`s to string table indexes: open addressing with linear probing
/// in a power-of-two number of slots, at most half full. Cheaper than a general map for these
/// keys: one multiplication to hash, one integer comparison per probe.
struct ShortMap {
    /// (key, index); key 0 for an empty slot (`short_key` is never 0: it holds the length + 1).
    slots: Vec<(u128, i32)>,
    len: usize,
}

impl ShortMap {
    #[inline(always)]
    fn slot(key: u128, mask: usize) -> usize {
        let mixed = (key as u64) ^ ((key >> 64) as u64).rotate_left(23);
        (mixed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize & mask
    }

    /// The index stored for `key`, after storing `index` for it if there was none.
    #[inline(always)]
    fn get_or_insert(&mut self, key: u128, index: i32) -> i32 {
        let size = self.slots.len();
        let mask = size.wrapping_sub(1);
        let mut i = Self::slot(key, mask);
        loop {
            let Some(slot) = self.slots.get_mut(i) else {
                // No table yet.
                return self.insert(key, index);
            };
            if slot.0 == key {
                return slot.1;
            }
            if slot.0 == 0 {
                if 2 * (self.len + 1) > size {
                    return self.insert(key, index);
                }
                *slot = (key, index);
                self.len += 1;
                return index;
            }
            i = (i + 1) & mask;
        }
    }

    /// Grows the table, then stores `index` for `key` (not in it).
    #[cold]
    #[inline(never)]
    fn insert(&mut self, key: u128, index: i32) -> i32 {
        let size = (self.slots.len() * 2).max(16);
        let old = std::mem::replace(&mut self.slots, vec![(0, 0); size]);
        let mask = size - 1;
        for (key, index) in old.into_iter().chain([(key, index)]) {
            if key != 0 {
                let mut i = Self::slot(key, mask);
                while self.slots[i].0 != 0 {
                    i = (i + 1) & mask;
                }
                self.slots[i] = (key, index);
            }
        }
        self.len += 1;
        index
    }
}

/// Whether a text frame's content is deduplicated: `string.IsNullOrWhiteSpace` (RB-5.6), with
/// the common answer for a first byte that is printable ASCII at once.
#[inline(always)]
fn text_is_shared(text: &str) -> bool {
    match text.as_bytes().first() {
        None => true,
        Some(b' ' | b'\t'..=b'\r' | 0x80..) => is_whitespace_only(text),
        Some(_) => false,
    }
}

/// Copies `src` into `dst` (of the same length) with two overlapping integer moves for strings
/// up to 32 bytes, which are most of a batch's strings, instead of a call to `memcpy`. (Each
/// size class moves a different integer type, so that the compiler does not merge the moves
/// back into one `memcpy` of variable size.)
#[inline(always)]
fn copy_bytes(dst: &mut [u8], src: &[u8]) {
    macro_rules! head_and_tail {
        ($int:ty, $size:literal) => {{
            let n = src.len();
            let head = <$int>::from_le_bytes(src[..$size].try_into().unwrap_or_default());
            let tail = <$int>::from_le_bytes(src[n - $size..].try_into().unwrap_or_default());
            dst[..$size].copy_from_slice(&head.to_le_bytes());
            dst[n - $size..].copy_from_slice(&tail.to_le_bytes());
        }};
    }
    match src.len() {
        0 => {}
        1..=3 => {
            let n = src.len();
            dst[0] = src[0];
            dst[n / 2] = src[n / 2];
            dst[n - 1] = src[n - 1];
        }
        4..=7 => head_and_tail!(u32, 4),
        8..=15 => head_and_tail!(u64, 8),
        16..=32 => head_and_tail!(u128, 16),
        _ => dst.copy_from_slice(src),
    }
}

impl<'s> StringTable<'s> {
    /// The index of a new entry for `value`.
    #[inline(always)]
    fn add(&mut self, value: &'s str) -> i32 {
        let bytes = value.as_bytes();
        // The prefix (at most 5 bytes) and the bytes.
        if self.data.len() < self.end + 5 + bytes.len() {
            self.grow(bytes.len());
        }
        let index = self.starts.len() as i32;
        self.starts.push(self.end as u32);
        let mut length = bytes.len() as u32;
        while length >= 0x80 {
            self.data[self.end] = (length as u8) | 0x80;
            self.end += 1;
            length >>= 7;
        }
        self.data[self.end] = length as u8;
        let start = self.end + 1;
        self.end = start + bytes.len();
        copy_bytes(&mut self.data[start..self.end], bytes);
        index
    }

    #[cold]
    #[inline(never)]
    fn grow(&mut self, length: usize) {
        if self.data.capacity() == 0 {
            // The first string: the buffers of an earlier batch on this thread, if any.
            (self.data, self.starts) = SCRATCH.with(|scratch| std::mem::take(&mut *scratch.borrow_mut()));
            if self.data.len() >= 5 + length {
                return;
            }
        }
        let size = (2 * self.data.len()).max(self.end + 5 + length).max(64);
        self.data.resize(size, 0);
    }

    /// The index for `value` in a field that takes part in deduplication: the entry written for
    /// the first such field with this value, or a new one.
    #[inline(always)]
    fn shared(&mut self, value: &'s str) -> i32 {
        let index = self.starts.len() as i32;
        if let Some(key) = short_key(value.as_bytes()) {
            let first = self.short.get_or_insert(key, index);
            if first != index {
                return first;
            }
        } else if let Some(&first) = self.long.get(value) {
            return first;
        } else {
            self.long.insert(value, index);
        }
        self.add(value)
    }

    /// The index for `value` in a field that does (`share`) or does not take part in
    /// deduplication.
    #[inline(always)]
    fn string(&mut self, value: &'s str, share: bool) -> i32 {
        if share { self.shared(value) } else { self.add(value) }
    }
}

impl<'o, 's> BatchWriter<'o, 's> {
    /// A writer appending to `out`.
    pub fn new(out: &'o mut Vec<u8>) -> Self {
        let base = out.len();
        BatchWriter {
            out,
            base,
            strings: StringTable {
                data: Vec::new(),
                end: 0,
                starts: Vec::new(),
                short: ShortMap {
                    slots: Vec::new(),
                    len: 0,
                },
                long: FxHashMap::default(),
            },
        }
    }

    fn position(&self) -> i32 {
        (self.out.len() - self.base) as i32
    }

    fn int(&mut self, value: i32) {
        self.out.extend_from_slice(&value.to_le_bytes());
    }

    /// Writes the whole batch: diffs and their table, frames, disposed ids, strings, trailer (RB-1.2).
    /// On error (a batch over `i32::MAX` bytes, RB-1.1) the buffer is left as it was.
    pub fn write<S: AsRef<str>>(
        mut self,
        updated_components: &'s [Diff<S>],
        reference_frames: &'s [Frame<S>],
        disposed_component_ids: &[i32],
        disposed_event_handler_ids: &[u64],
    ) -> Result<(), EncodeError> {
        let edit_count: usize = updated_components.iter().map(|d| d.edits.len()).sum();
        self.out.reserve(
            8 * updated_components.len()
                + EDIT_SIZE * edit_count
                + 4 * updated_components.len()
                + 4
                + 4
                + FRAME_SIZE * reference_frames.len(),
        );
        let diffs_start = self.position();
        for diff in updated_components {
            self.int(diff.component_id);
            self.int(diff.edits.len() as i32);
            let at = self.out.len();
            self.out.resize(at + EDIT_SIZE * diff.edits.len(), 0);
            for (place, edit) in self.out[at..].chunks_exact_mut(EDIT_SIZE).zip(&diff.edits) {
                place.copy_from_slice(&edit_entry(&mut self.strings, edit));
            }
        }
        let diff_table = self.position();
        self.int(updated_components.len() as i32);
        let mut position = diffs_start;
        for diff in updated_components {
            self.int(position);
            position = position.wrapping_add((8 + EDIT_SIZE * diff.edits.len()) as i32);
        }

        let frames = self.position();
        self.int(reference_frames.len() as i32);
        for frame in reference_frames {
            let entry = frame_entry(&mut self.strings, frame);
            self.out.extend_from_slice(&entry);
        }

        let disposed_components = self.position();
        self.int(disposed_component_ids.len() as i32);
        // Runs of plain numbers are written into place rather than appended one by one (each
        // append updates the length in memory, a chain of stores that limits the loop).
        let at = self.out.len();
        self.out.resize(at + 4 * disposed_component_ids.len(), 0);
        for (place, id) in self.out[at..].chunks_exact_mut(4).zip(disposed_component_ids) {
            place.copy_from_slice(&id.to_le_bytes());
        }

        let disposed_handlers = self.position();
        self.int(disposed_event_handler_ids.len() as i32);
        let at = self.out.len();
        self.out.resize(at + 8 * disposed_event_handler_ids.len(), 0);
        for (place, id) in self.out[at..].chunks_exact_mut(8).zip(disposed_event_handler_ids) {
            place.copy_from_slice(&id.to_le_bytes());
        }

        // The string data, then the position of each string, then the trailer.
        let table = &self.strings;
        let data_start = self.out.len() - self.base;
        self.out.extend_from_slice(&table.data[..table.end]);
        let string_table = self.position();
        let positions = self.out.len();
        self.out.resize(positions + 4 * table.starts.len(), 0);
        for (entry, &start) in self.out[positions..].chunks_exact_mut(4).zip(&table.starts) {
            entry.copy_from_slice(&((data_start + start as usize) as i32).to_le_bytes());
        }
        for position in [diff_table, frames, disposed_components, disposed_handlers, string_table] {
            self.int(position);
        }
        // Every count and position is at most the total size, so if the total fits in int32 none
        // of the `as i32` conversions above wrapped.
        let size = self.out.len() - self.base;
        // The string buffers go back to the thread for its next batch, unless none were needed
        // or they grew so large that keeping them would hold on to too much memory.
        let data = std::mem::take(&mut self.strings.data);
        let mut starts = std::mem::take(&mut self.strings.starts);
        if data.capacity() > 0 && data.capacity() <= SCRATCH_LIMIT && starts.capacity() <= SCRATCH_LIMIT / 4 {
            starts.clear();
            SCRATCH.with(|scratch| *scratch.borrow_mut() = (data, starts));
        }
        if size > i32::MAX as usize {
            self.out.truncate(self.base);
            return Err(EncodeError::TooLarge { size });
        }
        Ok(())
    }
}

/// The 16 bytes of an edit (RB-2.3), with its string, if any, added to the table.
#[inline(always)]
fn edit_entry<'s, S: AsRef<str>>(strings: &mut StringTable<'s>, edit: &'s Edit<S>) -> [u8; EDIT_SIZE] {
    let (sibling_index, slot, name) = match edit {
        Edit::PrependFrame {
            sibling_index,
            reference_frame_index,
        }
        | Edit::SetAttribute {
            sibling_index,
            reference_frame_index,
        }
        | Edit::UpdateText {
            sibling_index,
            reference_frame_index,
        }
        | Edit::UpdateMarkup {
            sibling_index,
            reference_frame_index,
        } => (*sibling_index, *reference_frame_index, -1),
        Edit::RemoveFrame { sibling_index } | Edit::StepIn { sibling_index } => (*sibling_index, 0, -1),
        Edit::RemoveAttribute { sibling_index, name } => (*sibling_index, 0, strings.shared(name.as_ref())),
        Edit::StepOut | Edit::PermutationListEnd => (0, 0, -1),
        Edit::PermutationListEntry {
            sibling_index,
            move_to_sibling_index,
        } => (*sibling_index, *move_to_sibling_index, -1),
    };
    let mut entry = [0u8; EDIT_SIZE];
    entry[0..4].copy_from_slice(&(edit.edit_type() as i32).to_le_bytes());
    entry[4..8].copy_from_slice(&sibling_index.to_le_bytes());
    entry[8..12].copy_from_slice(&slot.to_le_bytes());
    entry[12..16].copy_from_slice(&name.to_le_bytes());
    entry
}

/// The 20 bytes of a reference frame (RB-3.1), with its strings, if any, added to the table in
/// field order.
#[inline(always)]
fn frame_entry<'s, S: AsRef<str>>(strings: &mut StringTable<'s>, frame: &'s Frame<S>) -> [u8; FRAME_SIZE] {
    let (a, b, c): (i32, i32, u64) = match frame {
        Frame::Element { subtree_length, name } => (*subtree_length, strings.shared(name.as_ref()), 0),
        Frame::Text { content } => {
            let content = content.as_ref();
            (strings.string(content, text_is_shared(content)), 0, 0)
        }
        Frame::Attribute {
            name,
            value,
            event_handler_id,
        } => {
            let name = strings.shared(name.as_ref());
            let value = match value {
                None => -1,
                Some(v) => {
                    let v = v.as_ref();
                    strings.string(v, v.is_empty())
                }
            };
            (name, value, *event_handler_id)
        }
        Frame::Component {
            subtree_length,
            component_id,
        } => (*subtree_length, *component_id, 0),
        Frame::Region { subtree_length } => (*subtree_length, 0, 0),
        Frame::ElementReferenceCapture { id } | Frame::Markup { content: id } => (strings.add(id.as_ref()), 0, 0),
        Frame::ComponentReferenceCapture | Frame::ComponentRenderMode | Frame::NamedEvent => (0, 0, 0),
    };
    let mut entry = [0u8; FRAME_SIZE];
    entry[0..4].copy_from_slice(&(frame.frame_type() as i32).to_le_bytes());
    entry[4..8].copy_from_slice(&a.to_le_bytes());
    entry[8..12].copy_from_slice(&b.to_le_bytes());
    entry[12..20].copy_from_slice(&c.to_le_bytes());
    entry
}
