//! The encoder: the bytes ASP.NET Core 10's `RenderBatchWriter` writes for the same batch.

use rustc_hash::FxHashMap;

use super::reader::is_whitespace_only;
use super::types::{Diff, Edit, EditType, Frame, FrameType, RenderBatch};
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
///
/// The string table's working memory is kept by the calling thread between calls (see
/// [`BatchWriter::new`]); [`encode_with`] takes it from the caller instead.
pub fn encode_into(batch: &RenderBatch, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    BatchWriter::new(out).write(
        &batch.updated_components,
        &batch.reference_frames,
        &batch.disposed_component_ids,
        &batch.disposed_event_handler_ids,
    )
}

/// [`encode_into`] with the string table's working memory owned by the caller: a host that
/// encodes batch after batch keeps one [`EncodeScratch`] (per connection, or per thread) and
/// passes it to every call, so that from the second batch of a similar size on nothing is
/// allocated. Writes exactly the bytes [`encode_into`] writes.
pub fn encode_with(batch: &RenderBatch, out: &mut Vec<u8>, scratch: &mut EncodeScratch) -> Result<(), EncodeError> {
    BatchWriter::with_scratch(out, scratch).write(
        &batch.updated_components,
        &batch.reference_frames,
        &batch.disposed_component_ids,
        &batch.disposed_event_handler_ids,
    )
}

/// Reusable working memory of the encoder ([`encode_with`], [`BatchWriter::with_scratch`]): the
/// string table being built and the index of the deduplicated strings. Its buffers grow to the
/// largest batch written with it (about the size of the batch's strings, plus 4 bytes per
/// string) and are reused by later batches. It holds nothing of a batch once the batch is
/// written.
#[derive(Debug, Default)]
pub struct EncodeScratch {
    /// `StringTable::data`: grown ahead, what follows the entries is of no meaning.
    data: Vec<u8>,
    /// `StringTable::starts`.
    starts: Vec<u32>,
    /// `StringTable::tiny`.
    tiny: ShortMap<u64>,
    /// `StringTable::short`.
    short: ShortMap<u128>,
}

impl EncodeScratch {
    /// Empty buffers (nothing is allocated until a batch needs it).
    pub const fn new() -> Self {
        EncodeScratch {
            data: Vec::new(),
            starts: Vec::new(),
            tiny: ShortMap::new(),
            short: ShortMap::new(),
        }
    }

    /// Forgets the previous batch's strings, keeping the buffers.
    fn reset(&mut self) {
        self.starts.clear();
        self.tiny.clear();
        self.short.clear();
    }

    /// Whether the buffers are small enough for the thread to keep them (`SCRATCH_LIMIT`).
    fn worth_keeping(&self) -> bool {
        self.data.capacity() <= SCRATCH_LIMIT
            && self.starts.capacity() <= SCRATCH_LIMIT / 4
            && self.tiny.slots.len() <= SCRATCH_LIMIT / 16
            && self.short.slots.len() <= SCRATCH_LIMIT / 32
    }
}

fn estimate(batch: &RenderBatch) -> usize {
    let edits: usize = batch.updated_components.iter().map(|d| 12 + 16 * d.edits.len()).sum();
    edits + 24 * batch.reference_frames.len() + 8 * batch.disposed_event_handler_ids.len() + 64
}

/// Writes a batch from borrowed parts, so that a renderer can encode its own diffs and frames
/// (with any string type) without building a [`RenderBatch`].
pub struct BatchWriter<'o, 's> {
    out: &'o mut Vec<u8>,
    /// The caller's working memory (`with_scratch`), or `None` for the thread's (`new`).
    scratch: Option<&'o mut EncodeScratch>,
    strings: std::marker::PhantomData<&'s str>,
}

/// The string table as Blazor's writer builds it (RB-5.6, RB-5.7).
struct StringTable<'t, 's> {
    /// `data`: the entries' bytes as the table holds them, each after its 7-bit length prefix
    /// (RB-5.2), up to `end`; what follows is of no meaning. (It is grown ahead, so that a
    /// string is copied into place, with fixed-size moves when short, rather than appended.)
    /// `starts`: where each entry starts in `data`. `tiny` and `short`: the entries written for
    /// deduplicated fields whose value is at most 7 bytes (most element and attribute names,
    /// `""`, `" "`) and 8 to 15 bytes.
    scratch: &'t mut EncodeScratch,
    end: usize,
    /// The entries written for deduplicated fields with longer values.
    long: FxHashMap<&'s str, i32>,
}

/// A string's key in a [`ShortMap`]: its bytes and length packed into one integer that identifies
/// it among strings of its size class, never 0.
trait ShortKey: Copy + Eq {
    /// The key of no string: an empty slot.
    const EMPTY: Self;
    /// 64 well-mixed bits of the key.
    fn mix(self) -> u64;
}

impl ShortKey for u64 {
    const EMPTY: u64 = 0;
    #[inline(always)]
    fn mix(self) -> u64 {
        self
    }
}

impl ShortKey for u128 {
    const EMPTY: u128 = 0;
    #[inline(always)]
    fn mix(self) -> u64 {
        (self as u64) ^ ((self >> 64) as u64).rotate_left(23)
    }
}

/// The key of a string of at most 7 bytes (most element and attribute names, `""`, `" "`): its
/// bytes little-endian in the low 56 bits and its length + 1 in the top 8, so that it is never 0;
/// `None` for a longer string.
#[inline(always)]
fn tiny_key(s: &[u8]) -> Option<u64> {
    let n = s.len();
    let bytes = if n >= 4 {
        if n > 7 {
            return None;
        }
        let head = u32::from_le_bytes(s[..4].try_into().unwrap_or_default());
        // The last 4 bytes, shifted so that only those after the head remain.
        let tail = u32::from_le_bytes(s[n - 4..].try_into().unwrap_or_default());
        u64::from(head) | u64::from(tail.checked_shr(8 * (8 - n) as u32).unwrap_or(0)) << 32
    } else if n > 0 {
        u64::from(s[0]) | u64::from(s[n / 2]) << 8 | u64::from(s[n - 1]) << 16
    } else {
        0
    };
    Some(bytes | (n as u64 + 1) << 56)
}

/// The key of a string of 8 to 15 bytes: its bytes little-endian in the low 120 bits and its
/// length + 1 in the top 8; `None` for a longer string.
#[inline(always)]
fn short_key(s: &[u8]) -> Option<u128> {
    let n = s.len();
    if !(8..=15).contains(&n) {
        return None;
    }
    let head = u64::from_le_bytes(s[..8].try_into().unwrap_or_default());
    // The last 8 bytes, shifted so that only those after the head remain.
    let tail = u64::from_le_bytes(s[n - 8..].try_into().unwrap_or_default());
    let bytes = u128::from(head) | u128::from(tail.checked_shr(8 * (16 - n) as u32).unwrap_or(0)) << 64;
    Some(bytes | (n as u128 + 1) << 120)
}

thread_local! {
    /// The working memory of every [`BatchWriter::new`] on the thread, kept from batch to batch:
    /// allocating the buffers anew for every batch costs a large batch its page faults (a 5 MB
    /// batch has 1 MB of strings) and a small one its allocations.
    static SCRATCH: std::cell::RefCell<EncodeScratch> = const { std::cell::RefCell::new(EncodeScratch::new()) };
}

/// The largest string data (in bytes) whose buffers `SCRATCH` keeps.
const SCRATCH_LIMIT: usize = 8 << 20;

/// A hash table from [`ShortKey`]s to string table indexes: open addressing with linear probing
/// in a power-of-two number of slots, at most half full. Cheaper than a general map for these
/// keys: one multiplication to hash, one integer comparison per probe.
#[derive(Debug, Default)]
struct ShortMap<K> {
    /// (key, index); `K::EMPTY` for an empty slot.
    slots: Vec<(K, i32)>,
    /// The slots in use, so that emptying the table for the next batch touches only those.
    used: Vec<u32>,
}

impl<K: ShortKey> ShortMap<K> {
    const fn new() -> Self {
        ShortMap {
            slots: Vec::new(),
            used: Vec::new(),
        }
    }

    /// Empties the table, keeping its size.
    fn clear(&mut self) {
        for &i in &self.used {
            self.slots[i as usize].0 = K::EMPTY;
        }
        self.used.clear();
    }

    #[inline(always)]
    fn slot(key: K, mask: usize) -> usize {
        (key.mix().wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize & mask
    }

    /// The index stored for `key`, after storing `index` for it if there was none; `None` if
    /// there was none and the table has no room (or no slots yet): then `grow_and_insert`.
    #[inline(always)]
    fn get_or_insert(&mut self, key: K, index: i32) -> Option<i32> {
        let size = self.slots.len();
        let mask = size.wrapping_sub(1);
        let mut i = Self::slot(key, mask);
        loop {
            let slot = self.slots.get_mut(i)?;
            if slot.0 == key {
                return Some(slot.1);
            }
            if slot.0 == K::EMPTY {
                if 2 * (self.used.len() + 1) > size {
                    return None;
                }
                *slot = (key, index);
                self.used.push(i as u32);
                return Some(index);
            }
            i = (i + 1) & mask;
        }
    }

    /// Grows the table, then stores `index` for `key` (not in it).
    #[cold]
    #[inline(never)]
    fn grow_and_insert(&mut self, key: K, index: i32) {
        let size = (self.slots.len() * 2).max(16);
        let old = std::mem::replace(&mut self.slots, vec![(K::EMPTY, 0); size]);
        self.used.clear();
        let mask = size - 1;
        for (key, index) in old.into_iter().chain([(key, index)]) {
            if key != K::EMPTY {
                let mut i = Self::slot(key, mask);
                while self.slots[i].0 != K::EMPTY {
                    i = (i + 1) & mask;
                }
                self.slots[i] = (key, index);
                self.used.push(i as u32);
            }
        }
    }

    /// The index stored for `key`, after storing `index` for it if there was none.
    #[inline(always)]
    fn first(&mut self, key: K, index: i32) -> i32 {
        match self.get_or_insert(key, index) {
            Some(first) => first,
            None => {
                self.grow_and_insert(key, index);
                index
            }
        }
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

impl<'s> StringTable<'_, 's> {
    /// The index of a new entry for `value`.
    #[inline(always)]
    fn add(&mut self, value: &'s str) -> i32 {
        let bytes = value.as_bytes();
        // The prefix (at most 5 bytes) and the bytes.
        if self.scratch.data.len() < self.end + 5 + bytes.len() {
            self.grow(bytes.len());
        }
        let EncodeScratch { data, starts, .. } = &mut self.scratch;
        let index = starts.len() as i32;
        starts.push(self.end as u32);
        let mut length = bytes.len() as u32;
        while length >= 0x80 {
            data[self.end] = (length as u8) | 0x80;
            self.end += 1;
            length >>= 7;
        }
        data[self.end] = length as u8;
        let start = self.end + 1;
        self.end = start + bytes.len();
        copy_bytes(&mut data[start..self.end], bytes);
        index
    }

    #[cold]
    #[inline(never)]
    fn grow(&mut self, length: usize) {
        let data = &mut self.scratch.data;
        if data.len() < self.end + 5 + length {
            let size = (2 * data.len()).max(self.end + 5 + length).max(64);
            data.resize(size, 0);
        }
    }

    /// The index for `value` in a field that takes part in deduplication: the entry written for
    /// the first such field with this value, or a new one.
    #[inline(always)]
    fn shared(&mut self, value: &'s str) -> i32 {
        let index = self.scratch.starts.len() as i32;
        let bytes = value.as_bytes();
        let first = if let Some(key) = tiny_key(bytes) {
            self.scratch.tiny.first(key, index)
        } else if let Some(key) = short_key(bytes) {
            self.scratch.short.first(key, index)
        } else {
            *self.long.entry(value).or_insert(index)
        };
        if first != index {
            return first;
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
    /// A writer appending to `out`. The string table's working memory is the calling thread's,
    /// kept from batch to batch (unless a very large batch made it larger than a few megabytes).
    pub fn new(out: &'o mut Vec<u8>) -> Self {
        BatchWriter {
            out,
            scratch: None,
            strings: std::marker::PhantomData,
        }
    }

    /// A writer appending to `out` whose string table uses the buffers of `scratch` (see
    /// [`EncodeScratch`]).
    pub fn with_scratch(out: &'o mut Vec<u8>, scratch: &'o mut EncodeScratch) -> Self {
        BatchWriter {
            out,
            scratch: Some(scratch),
            strings: std::marker::PhantomData,
        }
    }

    /// Writes the whole batch: diffs and their table, frames, disposed ids, strings, trailer (RB-1.2).
    /// On error (a batch over `i32::MAX` bytes, RB-1.1) the buffer is left as it was.
    pub fn write<S: AsRef<str>>(
        self,
        updated_components: &'s [Diff<S>],
        reference_frames: &'s [Frame<S>],
        disposed_component_ids: &[i32],
        disposed_event_handler_ids: &[u64],
    ) -> Result<(), EncodeError> {
        let mut write = |scratch: &mut EncodeScratch| {
            scratch.reset();
            let mut strings = StringTable {
                scratch,
                end: 0,
                long: FxHashMap::default(),
            };
            write_batch(
                self.out,
                &mut strings,
                updated_components,
                reference_frames,
                disposed_component_ids,
                disposed_event_handler_ids,
            )
        };
        match self.scratch {
            Some(scratch) => write(scratch),
            None => SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
                Ok(mut scratch) => {
                    let result = write(&mut scratch);
                    // Buffers grown so large that keeping them would hold on to too much memory
                    // are dropped.
                    if !scratch.worth_keeping() {
                        *scratch = EncodeScratch::new();
                    }
                    result
                }
                // Not reachable (writing calls nothing that writes a batch), but never a panic.
                Err(_) => write(&mut EncodeScratch::new()),
            }),
        }
    }
}

/// Writes `value` at the start of `place`.
#[inline(always)]
fn put(place: &mut [u8], value: i32) {
    place[..4].copy_from_slice(&value.to_le_bytes());
}

/// Up to this many string positions are appended one by one; more are written into a zeroed run.
const SHORT_TABLE: usize = 16;

/// `BatchWriter::write`: appends the batch to `out`.
#[inline(always)]
fn write_batch<'s, S: AsRef<str>>(
    out: &mut Vec<u8>,
    strings: &mut StringTable<'_, 's>,
    updated_components: &'s [Diff<S>],
    reference_frames: &'s [Frame<S>],
    disposed_component_ids: &[i32],
    disposed_event_handler_ids: &[u64],
) -> Result<(), EncodeError> {
    let base = out.len();
    let edit_count: usize = updated_components.iter().map(|d| d.edits.len()).sum();
    // The diffs, their table and the frame count are written into place in a buffer grown once;
    // then the frames are appended (zeroing a large batch's frames beforehand costs more than
    // a capacity check per frame); then the disposed ids are written into place. (Appending a
    // run of plain numbers one by one stores the vector's length after each, a chain of stores
    // that limits the loop.)
    let diff_table = 8 * updated_components.len() + EDIT_SIZE * edit_count;
    let frames = diff_table + 4 + 4 * updated_components.len();
    let disposed_size = 4 + 4 * disposed_component_ids.len() + 4 + 8 * disposed_event_handler_ids.len();
    out.reserve(frames + 4 + FRAME_SIZE * reference_frames.len() + disposed_size);
    out.resize(base + frames + 4, 0);
    let (mut diffs, table) = out[base..].split_at_mut(diff_table);
    for diff in updated_components {
        let (header, rest) = diffs.split_at_mut(8);
        put(header, diff.component_id);
        put(&mut header[4..], diff.edits.len() as i32);
        let (edits, rest) = rest.split_at_mut(EDIT_SIZE * diff.edits.len());
        for (place, edit) in edits.chunks_exact_mut(EDIT_SIZE).zip(&diff.edits) {
            place.copy_from_slice(&edit_entry(strings, edit));
        }
        diffs = rest;
    }
    // The diff table: the count, each diff's position; then the frame count.
    put(table, updated_components.len() as i32);
    let mut position = 0i32;
    for (entry, diff) in table[4..].chunks_exact_mut(4).zip(updated_components) {
        put(entry, position);
        position = position.wrapping_add((8 + EDIT_SIZE * diff.edits.len()) as i32);
    }
    let frame_count = table.len() - 4;
    put(&mut table[frame_count..], reference_frames.len() as i32);
    for frame in reference_frames {
        let entry = frame_entry(strings, frame);
        out.extend_from_slice(&entry);
    }

    let disposed_components = out.len() - base;
    if disposed_size == 8 {
        // Nothing disposed (most batches): the two zero counts, without a call to fill them.
        out.extend_from_slice(&[0; 8]);
    } else {
        out.resize(base + disposed_components + disposed_size, 0);
        let disposed = &mut out[base + disposed_components..];
        put(disposed, disposed_component_ids.len() as i32);
        let (components, handlers) = disposed[4..].split_at_mut(4 * disposed_component_ids.len());
        for (place, id) in components.chunks_exact_mut(4).zip(disposed_component_ids) {
            place.copy_from_slice(&id.to_le_bytes());
        }
        put(handlers, disposed_event_handler_ids.len() as i32);
        for (place, id) in handlers[4..].chunks_exact_mut(8).zip(disposed_event_handler_ids) {
            place.copy_from_slice(&id.to_le_bytes());
        }
    }
    let disposed_handlers = disposed_components + 4 + 4 * disposed_component_ids.len();
    let data_start = out.len() - base;

    // The string data, then the position of each string, then the trailer.
    let table = &strings.scratch;
    // The rest of the batch is known now: room for exactly that (a buffer grown here would
    // otherwise double, and a caller keeping the batch would keep the unused half).
    out.reserve_exact(strings.end + 4 * table.starts.len() + 20);
    out.extend_from_slice(&table.data[..strings.end]);
    let string_table = out.len() - base;
    if table.starts.len() <= SHORT_TABLE {
        // A few strings: appended one by one (into the room reserved above), without a call to
        // zero their place first.
        for &start in &table.starts {
            out.extend_from_slice(&((data_start + start as usize) as i32).to_le_bytes());
        }
    } else {
        out.resize(base + string_table + 4 * table.starts.len(), 0);
        let positions = &mut out[base + string_table..];
        for (entry, &start) in positions.chunks_exact_mut(4).zip(&table.starts) {
            put(entry, (data_start + start as usize) as i32);
        }
    }
    let mut trailer = [0u8; 20];
    for (place, position) in
        trailer
            .chunks_exact_mut(4)
            .zip([diff_table, frames, disposed_components, disposed_handlers, string_table])
    {
        put(place, position as i32);
    }
    out.extend_from_slice(&trailer);
    // Every count and position is at most the total size, so if the total fits in int32 none
    // of the `as i32` conversions above wrapped.
    let size = out.len() - base;
    if size > i32::MAX as usize {
        out.truncate(base);
        return Err(EncodeError::TooLarge { size });
    }
    Ok(())
}

/// The 16 bytes of an edit (RB-2.3), with its string, if any, added to the table.
#[inline(always)]
fn edit_entry<'s, S: AsRef<str>>(strings: &mut StringTable<'_, 's>, edit: &'s Edit<S>) -> [u8; EDIT_SIZE] {
    use EditType as T;
    // The type with the fields, in one match (the type alone would be a second one).
    let (edit_type, sibling_index, slot, name) = match edit {
        Edit::PrependFrame {
            sibling_index,
            reference_frame_index,
        } => (T::PrependFrame, *sibling_index, *reference_frame_index, -1),
        Edit::SetAttribute {
            sibling_index,
            reference_frame_index,
        } => (T::SetAttribute, *sibling_index, *reference_frame_index, -1),
        Edit::UpdateText {
            sibling_index,
            reference_frame_index,
        } => (T::UpdateText, *sibling_index, *reference_frame_index, -1),
        Edit::UpdateMarkup {
            sibling_index,
            reference_frame_index,
        } => (T::UpdateMarkup, *sibling_index, *reference_frame_index, -1),
        Edit::RemoveFrame { sibling_index } => (T::RemoveFrame, *sibling_index, 0, -1),
        Edit::StepIn { sibling_index } => (T::StepIn, *sibling_index, 0, -1),
        Edit::RemoveAttribute { sibling_index, name } => {
            (T::RemoveAttribute, *sibling_index, 0, strings.shared(name.as_ref()))
        }
        Edit::StepOut => (T::StepOut, 0, 0, -1),
        Edit::PermutationListEnd => (T::PermutationListEnd, 0, 0, -1),
        Edit::PermutationListEntry {
            sibling_index,
            move_to_sibling_index,
        } => (T::PermutationListEntry, *sibling_index, *move_to_sibling_index, -1),
    };
    let mut entry = [0u8; EDIT_SIZE];
    entry[0..4].copy_from_slice(&(edit_type as i32).to_le_bytes());
    entry[4..8].copy_from_slice(&sibling_index.to_le_bytes());
    entry[8..12].copy_from_slice(&slot.to_le_bytes());
    entry[12..16].copy_from_slice(&name.to_le_bytes());
    entry
}

/// The 20 bytes of a reference frame (RB-3.1), with its strings, if any, added to the table in
/// field order.
#[inline(always)]
fn frame_entry<'s, S: AsRef<str>>(strings: &mut StringTable<'_, 's>, frame: &'s Frame<S>) -> [u8; FRAME_SIZE] {
    use FrameType as T;
    // Attributes first, apart: the commonest frame, and (with `String` fields) the variant in
    // whose first field the others keep their tag, so that telling it apart is one sign test
    // where the `match` decodes the tag and jumps through a table.
    let (frame_type, a, b, c): (T, i32, i32, u64) = if let Frame::Attribute {
        name,
        value,
        event_handler_id,
    } = frame
    {
        let name = strings.shared(name.as_ref());
        let value = match value {
            None => -1,
            Some(v) => {
                let v = v.as_ref();
                strings.string(v, v.is_empty())
            }
        };
        (T::Attribute, name, value, *event_handler_id)
    } else {
        match frame {
            Frame::Element { subtree_length, name } => (T::Element, *subtree_length, strings.shared(name.as_ref()), 0),
            Frame::Text { content } => {
                let content = content.as_ref();
                (T::Text, strings.string(content, text_is_shared(content)), 0, 0)
            }
            // Taken above.
            Frame::Attribute { .. } => (T::Attribute, 0, 0, 0),
            Frame::Component {
                subtree_length,
                component_id,
            } => (T::Component, *subtree_length, *component_id, 0),
            Frame::Region { subtree_length } => (T::Region, *subtree_length, 0, 0),
            Frame::ElementReferenceCapture { id } => (T::ElementReferenceCapture, strings.add(id.as_ref()), 0, 0),
            Frame::Markup { content } => (T::Markup, strings.add(content.as_ref()), 0, 0),
            Frame::ComponentReferenceCapture => (T::ComponentReferenceCapture, 0, 0, 0),
            Frame::ComponentRenderMode => (T::ComponentRenderMode, 0, 0, 0),
            Frame::NamedEvent => (T::NamedEvent, 0, 0, 0),
        }
    };
    let mut entry = [0u8; FRAME_SIZE];
    entry[0..4].copy_from_slice(&(frame_type as i32).to_le_bytes());
    entry[4..8].copy_from_slice(&a.to_le_bytes());
    entry[8..12].copy_from_slice(&b.to_le_bytes());
    entry[12..20].copy_from_slice(&c.to_le_bytes());
    entry
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_short_keys_tell_every_string_apart() {
        // Every string of 0 to 7 bytes over three byte values (one with the top bit set, one
        // zero), and of 8 to 15 bytes over two: no two get the same key, whatever their lengths.
        fn all(length: usize, alphabet: &[u8], out: &mut Vec<Vec<u8>>) {
            let mut s = vec![alphabet[0]; length];
            loop {
                out.push(s.clone());
                let Some(i) = (0..length).find(|&i| s[i] != alphabet[alphabet.len() - 1]) else {
                    return;
                };
                let next = alphabet.iter().position(|&b| b == s[i]).unwrap() + 1;
                s[i] = alphabet[next];
                s[..i].fill(alphabet[0]);
            }
        }
        let mut tiny = std::collections::HashMap::new();
        let mut strings = Vec::new();
        for length in 0..=7 {
            all(length, &[0x00, 0x5A, 0xFF], &mut strings);
        }
        for s in &strings {
            let key = tiny_key(s).unwrap();
            assert_ne!(key, 0, "{s:x?}");
            if let Some(other) = tiny.insert(key, s.clone()) {
                panic!("{s:x?} and {other:x?} share the key {key:#x}");
            }
            assert_eq!(short_key(s), None);
        }
        assert_eq!(tiny_key(&[b'a'; 8]), None);
        let mut short = std::collections::HashMap::new();
        strings.clear();
        for length in 8..=15 {
            all(length, &[0x00, 0xFF], &mut strings);
        }
        for s in &strings {
            let key = short_key(s).unwrap();
            assert_ne!(key, 0, "{s:x?}");
            if let Some(other) = short.insert(key, s.clone()) {
                panic!("{s:x?} and {other:x?} share the key {key:#x}");
            }
        }
        assert_eq!(short_key(&[b'a'; 16]), None);
        assert_eq!(
            tiny.len() + short.len(),
            (0..8).map(|n| 3usize.pow(n)).sum::<usize>() + (8..16).map(|n| 1 << n).sum::<usize>()
        );
    }

    #[test]
    fn deduplicated_names_that_differ_in_one_byte_stay_apart() {
        // Element names are deduplicated (RB-5.6) through keys packed from their bytes: two names
        // of the same length that differ in any one byte, at any position, must get two entries.
        // Lengths 1 to 40 cover the tiny keys (up to 7 bytes), the short ones (8 to 15) and the map.
        let mut frames = Vec::new();
        for length in 1..=40usize {
            let base: Vec<u8> = (0..length).map(|i| b'a' + (i % 26) as u8).collect();
            for position in 0..length {
                for byte in [b'Z', 0xC3] {
                    let mut name = base.clone();
                    name[position] = byte;
                    if byte == 0xC3 {
                        // A two-byte character, so that the name stays UTF-8 and its length in
                        // bytes changes: then also one byte more than the base.
                        name.insert(position + 1, 0xA9);
                    }
                    for name in [base.clone(), name] {
                        frames.push(Frame::Element {
                            subtree_length: 1,
                            name: String::from_utf8(name).unwrap(),
                        });
                    }
                }
            }
        }
        let batch = RenderBatch {
            updated_components: vec![crate::render_batch::Diff {
                component_id: 0,
                edits: (0..frames.len() as i32)
                    .map(|i| crate::render_batch::Edit::PrependFrame {
                        sibling_index: i,
                        reference_frame_index: i,
                    })
                    .collect(),
            }],
            reference_frames: frames,
            ..Default::default()
        };
        let decoded = crate::render_batch::decode(&encode(&batch)).unwrap();
        assert_eq!(decoded, batch);
    }

    #[test]
    fn the_threads_scratch_keeps_buffers_up_to_the_limit_and_drops_larger_ones() {
        // Each buffer at the largest size kept (`SCRATCH_LIMIT` bytes), then each one a little
        // larger on its own: the scratch is then not worth keeping.
        let at_limit = || EncodeScratch {
            data: Vec::with_capacity(SCRATCH_LIMIT),
            starts: Vec::with_capacity(SCRATCH_LIMIT / 4),
            tiny: ShortMap {
                slots: vec![(0, 0); SCRATCH_LIMIT / 16],
                used: Vec::new(),
            },
            short: ShortMap {
                slots: vec![(0, 0); SCRATCH_LIMIT / 32],
                used: Vec::new(),
            },
        };
        let scratch = at_limit();
        assert_eq!(
            (scratch.data.capacity(), scratch.starts.capacity() * 4),
            (SCRATCH_LIMIT, SCRATCH_LIMIT)
        );
        assert!(scratch.worth_keeping());
        for larger in 0..4 {
            let mut scratch = at_limit();
            match larger {
                0 => scratch.data.reserve_exact(SCRATCH_LIMIT + 1),
                1 => scratch.starts.reserve_exact(SCRATCH_LIMIT / 4 + 1),
                2 => scratch.tiny.slots.push((0, 0)),
                _ => scratch.short.slots.push((0, 0)),
            }
            assert!(!scratch.worth_keeping(), "buffer {larger}");
        }
        // `encode` (the thread's scratch) drops one that a batch left too large, and keeps one
        // that is not.
        let batch = RenderBatch {
            reference_frames: vec![Frame::Text { content: "hi".into() }],
            ..Default::default()
        };
        SCRATCH.with(|s| s.borrow_mut().data = Vec::with_capacity(SCRATCH_LIMIT + 1));
        encode(&batch);
        assert_eq!(SCRATCH.with(|s| s.borrow().data.capacity()), 0);
        // The next batch grows it again, and it is kept for the one after.
        encode(&batch);
        assert!(SCRATCH.with(|s| s.borrow().data.capacity()) > 0);
        SCRATCH.with(|s| s.borrow_mut().data = Vec::with_capacity(SCRATCH_LIMIT));
        encode(&batch);
        assert_eq!(SCRATCH.with(|s| s.borrow().data.capacity()), SCRATCH_LIMIT);
    }
}
