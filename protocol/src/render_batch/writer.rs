//! The encoder: the bytes ASP.NET Core 10's `RenderBatchWriter` writes for the same batch.

use rustc_hash::FxHashMap;

use super::reader::is_whitespace_only;
use super::types::{Diff, Edit, Frame, RenderBatch};

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
    strings: Vec<&'s str>,
    deduplicated: FxHashMap<&'s str, i32>,
}

impl<'o, 's> BatchWriter<'o, 's> {
    /// A writer appending to `out`.
    pub fn new(out: &'o mut Vec<u8>) -> Self {
        let base = out.len();
        BatchWriter {
            out,
            base,
            strings: Vec::new(),
            deduplicated: FxHashMap::default(),
        }
    }

    fn position(&self) -> i32 {
        (self.out.len() - self.base) as i32
    }

    fn int(&mut self, value: i32) {
        self.out.extend_from_slice(&value.to_le_bytes());
    }

    /// The string table index for `value` in a field that does (`share`) or does not take part
    /// in deduplication (RB-5.6, RB-5.7).
    fn string(&mut self, value: &'s str, share: bool) -> i32 {
        if share {
            if let Some(&index) = self.deduplicated.get(value) {
                return index;
            }
        }
        let index = self.strings.len() as i32;
        self.strings.push(value);
        if share {
            self.deduplicated.insert(value, index);
        }
        index
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
        let mut diff_positions = Vec::with_capacity(updated_components.len());
        for diff in updated_components {
            diff_positions.push(self.position());
            self.int(diff.component_id);
            self.int(diff.edits.len() as i32);
            for edit in &diff.edits {
                self.edit(edit);
            }
        }
        let diff_table = self.position();
        self.int(updated_components.len() as i32);
        for position in diff_positions {
            self.int(position);
        }

        let frames = self.position();
        self.int(reference_frames.len() as i32);
        self.out.reserve(reference_frames.len() * 20);
        for frame in reference_frames {
            self.frame(frame);
        }

        let disposed_components = self.position();
        self.int(disposed_component_ids.len() as i32);
        for &id in disposed_component_ids {
            self.int(id);
        }

        let disposed_handlers = self.position();
        self.int(disposed_event_handler_ids.len() as i32);
        for &id in disposed_event_handler_ids {
            self.out.extend_from_slice(&id.to_le_bytes());
        }

        let strings = std::mem::take(&mut self.strings);
        let mut string_positions = Vec::with_capacity(strings.len());
        let total: usize = strings.iter().map(|s| s.len() + 1).sum();
        self.out.reserve(total + 4 * strings.len() + 20);
        for text in &strings {
            string_positions.push(self.position());
            let mut length = text.len() as u32;
            while length >= 0x80 {
                self.out.push((length as u8) | 0x80);
                length >>= 7;
            }
            self.out.push(length as u8);
            self.out.extend_from_slice(text.as_bytes());
        }
        let string_table = self.position();
        for position in string_positions {
            self.int(position);
        }

        for position in [diff_table, frames, disposed_components, disposed_handlers, string_table] {
            self.int(position);
        }
        // Every count and position is at most the total size, so if the total fits in int32 none
        // of the `as i32` conversions above wrapped.
        let size = self.out.len() - self.base;
        if size > i32::MAX as usize {
            self.out.truncate(self.base);
            return Err(EncodeError::TooLarge { size });
        }
        Ok(())
    }

    fn edit<S: AsRef<str>>(&mut self, edit: &'s Edit<S>) {
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
            Edit::RemoveAttribute { sibling_index, name } => (*sibling_index, 0, self.string(name.as_ref(), true)),
            Edit::StepOut | Edit::PermutationListEnd => (0, 0, -1),
            Edit::PermutationListEntry {
                sibling_index,
                move_to_sibling_index,
            } => (*sibling_index, *move_to_sibling_index, -1),
        };
        let mut entry = [0u8; 16];
        entry[0..4].copy_from_slice(&(edit.edit_type() as i32).to_le_bytes());
        entry[4..8].copy_from_slice(&sibling_index.to_le_bytes());
        entry[8..12].copy_from_slice(&slot.to_le_bytes());
        entry[12..16].copy_from_slice(&name.to_le_bytes());
        self.out.extend_from_slice(&entry);
    }

    fn frame<S: AsRef<str>>(&mut self, frame: &'s Frame<S>) {
        let mut entry = [0u8; 20];
        let (a, b, c): (i32, i32, u64) = match frame {
            Frame::Element { subtree_length, name } => (*subtree_length, self.string(name.as_ref(), true), 0),
            Frame::Text { content } => {
                let content = content.as_ref();
                (self.string(content, is_whitespace_only(content)), 0, 0)
            }
            Frame::Attribute {
                name,
                value,
                event_handler_id,
            } => {
                let name = self.string(name.as_ref(), true);
                let value = match value {
                    None => -1,
                    Some(v) => {
                        let v = v.as_ref();
                        self.string(v, v.is_empty())
                    }
                };
                (name, value, *event_handler_id)
            }
            Frame::Component {
                subtree_length,
                component_id,
            } => (*subtree_length, *component_id, 0),
            Frame::Region { subtree_length } => (*subtree_length, 0, 0),
            Frame::ElementReferenceCapture { id } | Frame::Markup { content: id } => {
                (self.string(id.as_ref(), false), 0, 0)
            }
            Frame::ComponentReferenceCapture | Frame::ComponentRenderMode | Frame::NamedEvent => (0, 0, 0),
        };
        entry[0..4].copy_from_slice(&(frame.frame_type() as i32).to_le_bytes());
        entry[4..8].copy_from_slice(&a.to_le_bytes());
        entry[8..12].copy_from_slice(&b.to_le_bytes());
        entry[12..20].copy_from_slice(&c.to_le_bytes());
        self.out.extend_from_slice(&entry);
    }
}
