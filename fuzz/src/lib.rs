//! The bodies of Brasa's fuzz targets, as plain functions.
//!
//! The libFuzzer binaries in `fuzz_targets/` only call these (`cargo +nightly fuzz run …`, see
//! `README.md`), and `tests/corpus.rs` feeds them recorded batches, conformance vectors and
//! deterministic mutations of both under a plain stable `cargo test`.
//!
//! * [`reader`]: any bytes through the validating reader, with default and with small limits;
//!   whatever it accepts is walked item by item and must read back consistently, and it must
//!   agree with [`floor::structural_floor`], an independent reader of the structural checks
//!   alone (what the strict reader accepts passes them; what they pass and it rejects breaks a
//!   stricter rule). Never panics unless the reader is wrong.
//! * [`round_trip`]: whatever the reader accepts must re-encode to exactly the same bytes
//!   (RB-5.6, RB-5.7) and survive the canonical JSON form (RB-6.1, RB-6.3). Panics otherwise:
//!   that is the oracle.
//! * [`structured`]: a [`RenderBatch`] built by `arbitrary` ([`ArbitraryBatch`]) is encoded;
//!   the reader must accept exactly the batches that break no rule ([`violations`]) and give
//!   back exactly the batch, and must reject the others with an error one of their violations
//!   explains.
#![forbid(unsafe_code)]

pub mod floor;
pub mod hub;

use arbitrary::{Arbitrary, Unstructured};
use brasa_protocol::render_batch::{
    self as rb, DecodeError, Diff, Edit, Frame, FrameType, Limits, RenderBatch, RenderBatchView,
};

/// Small limits, so that the fuzzer reaches every `LimitExceeded` path with short inputs.
pub const SMALL_LIMITS: Limits = Limits {
    max_batch_bytes: 4096,
    max_diffs: 3,
    max_edits_per_diff: 16,
    max_reference_frames: 32,
    max_strings: 16,
    max_string_bytes: 24,
    max_expanded_string_bytes: 96,
    max_depth: 3,
};

// ---------------------------------------------------------------------------------------------
// reader

/// Validates `data` with [`Limits::DEFAULT`], [`SMALL_LIMITS`] and [`Limits::UNLIMITED`]; walks
/// every item of each accepted view and checks that the three agree (what stricter limits accept,
/// looser ones accept as the same batch). Panics only on a reader bug.
pub fn reader(data: &[u8]) {
    let default = validate_and_walk(data, &Limits::DEFAULT);
    if let Err(disagreement) = floor::agrees(data, default.as_ref().map(|_| ())) {
        panic!("{disagreement}");
    }
    let small = validate_and_walk(data, &SMALL_LIMITS);
    let unlimited = validate_and_walk(data, &Limits::UNLIMITED);
    if let Ok(small) = &small {
        match &default {
            Ok(default) => assert_eq!(small, default, "small and default limits read different batches"),
            Err(e) => panic!("accepted with small limits but rejected with the default limits: {e}"),
        }
    }
    match (&default, &unlimited) {
        (Ok(default), Ok(unlimited)) => assert_eq!(default, unlimited, "default and no limits read different batches"),
        (Ok(_), Err(e)) => panic!("accepted with the default limits but rejected without limits: {e}"),
        (Err(e), Ok(_)) => assert_eq!(
            e.kind.name(),
            "limit_exceeded",
            "rejected with the default limits for a reason that is not a limit: {e}"
        ),
        (Err(_), Err(_)) => {}
    }
}

/// Checks what a rejection says about itself: a rule id, an offset inside the input, a message.
fn check_error(data: &[u8], error: &DecodeError) {
    assert!(error.requirement.starts_with("RB-"), "error without a rule: {error:?}");
    assert!(
        error.offset <= data.len(),
        "error offset {} past the input's {} bytes: {error}",
        error.offset,
        data.len()
    );
    assert!(!error.kind.name().is_empty());
    assert!(!error.to_string().is_empty());
}

/// Validates, then reads every item of the view by hand and compares with the view's own
/// owned form and with [`rb::decode_with_limits`].
fn validate_and_walk(data: &[u8], limits: &Limits) -> Result<RenderBatch, DecodeError> {
    let view = match rb::validate(data, limits) {
        Ok(view) => view,
        Err(error) => {
            check_error(data, &error);
            assert_eq!(
                rb::decode_with_limits(data, limits).as_ref().err(),
                Some(&error),
                "decode and validate disagree"
            );
            return Err(error);
        }
    };
    let walked = walk(&view);
    let owned = view.to_owned_batch();
    assert_eq!(walked, owned, "the view's items and its owned form differ");
    assert_eq!(
        rb::decode_with_limits(data, limits).as_ref(),
        Ok(&owned),
        "decode and validate disagree"
    );
    assert!(!rb::describe(&owned).is_empty());
    Ok(owned)
}

/// Reads every item of a validated view through its accessors.
pub fn walk(view: &RenderBatchView<'_>) -> RenderBatch {
    assert_eq!(view.bytes().len(), view.bytes().len());
    let mut batch = RenderBatch::default();
    let diffs = view.updated_components();
    assert_eq!(diffs.len(), view.diff_count());
    for diff in diffs {
        let edits = diff.edits();
        assert_eq!(edits.len(), diff.edit_count());
        let edits: Vec<Edit> = edits.map(|e| e.map_string(str::to_owned)).collect();
        for edit in &edits {
            match edit {
                Edit::PrependFrame {
                    reference_frame_index, ..
                }
                | Edit::SetAttribute {
                    reference_frame_index, ..
                }
                | Edit::UpdateText {
                    reference_frame_index, ..
                }
                | Edit::UpdateMarkup {
                    reference_frame_index, ..
                } => {
                    assert!(
                        (*reference_frame_index as usize) < view.frame_count(),
                        "edit refers past the frames"
                    )
                }
                _ => {}
            }
        }
        batch.updated_components.push(Diff {
            component_id: diff.component_id(),
            edits,
        });
    }
    let frames = view.reference_frames();
    assert_eq!(frames.len(), view.frame_count());
    for (index, frame) in frames.enumerate() {
        assert_eq!(frame, view.reference_frame(index));
        batch.reference_frames.push(frame.map_strings(str::to_owned));
    }
    for index in 0..view.string_count() {
        assert!(
            view.string(index as i32).is_some(),
            "string {index} of a validated batch does not read"
        );
    }
    assert_eq!(view.string(-1), None);
    assert_eq!(view.string(i32::MIN), None);
    assert_eq!(view.string(view.string_count().min(i32::MAX as usize) as i32), None);
    let disposed = view.disposed_component_ids();
    let count = disposed.len();
    batch.disposed_component_ids = disposed.collect();
    assert_eq!(batch.disposed_component_ids.len(), count);
    let disposed = view.disposed_event_handler_ids();
    let count = disposed.len();
    batch.disposed_event_handler_ids = disposed.collect();
    assert_eq!(batch.disposed_event_handler_ids.len(), count);
    batch
}

// ---------------------------------------------------------------------------------------------
// round trip

/// If the reader accepts `data`, re-encoding its batch must give back exactly `data`, and the
/// canonical JSON form must round-trip to the same batch. Panics with the first difference.
pub fn round_trip(data: &[u8]) {
    round_trip_with(data, rb::encode);
}

/// [`round_trip`] with another encoder, so that tests can show the oracle catches a wrong one.
pub fn round_trip_with(data: &[u8], encode: impl Fn(&RenderBatch) -> Vec<u8>) {
    if let Err(failure) = check_round_trip(data, encode) {
        panic!("round trip failed: {failure}\ninput: {}", to_hex(data));
    }
}

/// The oracle of [`round_trip`], returning what went wrong instead of panicking.
pub fn check_round_trip(data: &[u8], encode: impl Fn(&RenderBatch) -> Vec<u8>) -> Result<(), String> {
    let Ok(batch) = rb::decode(data) else { return Ok(()) };
    same_bytes("encode(decode(bytes))", &encode(&batch), data)?;

    // encode_into appends; positions stay relative to where the batch starts.
    let mut out = vec![0xAA; 7];
    rb::encode_into(&batch, &mut out).map_err(|e| format!("encode_into: {e}"))?;
    same_bytes("encode_into after 7 bytes", &out[7..], data)?;
    if out[..7] != [0xAA; 7] {
        return Err("encode_into changed the bytes before the batch".into());
    }

    check_json(&batch, |b| serde_json::to_string(b).map_err(|e| e.to_string()))?;
    Ok(())
}

/// The canonical JSON form of `batch` (written by `to_json`) must parse back to the same batch,
/// be written again identically, and go through `serde_json::Value` unchanged.
pub fn check_json(batch: &RenderBatch, to_json: impl Fn(&RenderBatch) -> Result<String, String>) -> Result<(), String> {
    let json = to_json(batch)?;
    let back: RenderBatch =
        serde_json::from_str(&json).map_err(|e| format!("the JSON form does not parse back: {e}\n{json}"))?;
    if &back != batch {
        return Err(format!("the JSON form parses back to another batch\n{json}"));
    }
    let again = serde_json::to_string(&back).map_err(|e| e.to_string())?;
    if again != json {
        return Err(format!(
            "the JSON form is not canonical: written twice as\n{json}\n{again}"
        ));
    }
    let value = serde_json::to_value(batch).map_err(|e| e.to_string())?;
    let from_value: RenderBatch =
        serde_json::from_value(value).map_err(|e| format!("the JSON value does not parse back: {e}"))?;
    if &from_value != batch {
        return Err("the JSON value parses back to another batch".into());
    }
    Ok(())
}

/// `Ok` when `found == expected`, else where they first differ.
pub fn same_bytes(what: &str, found: &[u8], expected: &[u8]) -> Result<(), String> {
    if found == expected {
        return Ok(());
    }
    let at = found
        .iter()
        .zip(expected)
        .position(|(a, b)| a != b)
        .unwrap_or(found.len().min(expected.len()));
    let window = |bytes: &[u8]| to_hex(&bytes[at.saturating_sub(8).min(bytes.len())..(at + 8).min(bytes.len())]);
    Err(format!(
        "{what}: {} bytes where {} were expected, first difference at offset {at} (found …{}…, expected …{}…)",
        found.len(),
        expected.len(),
        window(found),
        window(expected),
    ))
}

/// Lower-case hex of `bytes`.
pub fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Bytes of a hex string (whitespace ignored); `None` if it is not hex.
pub fn from_hex(text: &str) -> Option<Vec<u8>> {
    let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if !digits.len().is_multiple_of(2) {
        return None;
    }
    digits
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// structured

/// A string: mostly from a small pool (so that Blazor's deduplication rules are exercised, with
/// whitespace the way .NET's `string.IsNullOrWhiteSpace` sees it), sometimes anything.
#[derive(Debug, Clone, Arbitrary)]
pub enum ArbitraryString {
    /// One of [`STRING_POOL`].
    Pool(u8),
    /// Any string.
    Any(String),
}

/// The strings [`ArbitraryString::Pool`] picks from.
pub const STRING_POOL: &[&str] = &[
    "",
    " ",
    "\t\r\n",
    "\u{0B}\u{0C}",
    "\u{A0}",
    "\u{85}",
    "\u{2028}",
    "\u{3000} ",
    "\u{1680}",
    "\u{180E}",
    "\u{200B}",
    "\u{FEFF}",
    "div",
    "tr",
    "td",
    "a",
    "x",
    "class",
    "onclick",
    "danger",
    "col-md-1",
    "é",
    "名前",
    "a b",
    "\0",
    "\u{10FFFF}",
];

impl ArbitraryString {
    fn get(&self) -> String {
        match self {
            ArbitraryString::Pool(i) => STRING_POOL[*i as usize % STRING_POOL.len()].to_owned(),
            ArbitraryString::Any(text) => text.clone(),
        }
    }
}

/// An int32: mostly small, sometimes anything (negative ones included).
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum ArbitraryInt {
    /// 0 ..= 255.
    Small(u8),
    /// Any.
    Any(i32),
}

impl ArbitraryInt {
    fn get(self) -> i32 {
        match self {
            ArbitraryInt::Small(n) => n.into(),
            ArbitraryInt::Any(n) => n,
        }
    }
}

/// A 64-bit event handler id: 0, small, or anything.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum ArbitraryId {
    /// 0: no handler.
    Zero,
    /// 1 ..= 256.
    Small(u8),
    /// Any.
    Any(u64),
}

impl ArbitraryId {
    fn get(self) -> u64 {
        match self {
            ArbitraryId::Zero => 0,
            ArbitraryId::Small(n) => u64::from(n) + 1,
            ArbitraryId::Any(n) => n,
        }
    }
}

/// An edit, field for field like [`Edit`].
#[derive(Debug, Clone, Arbitrary)]
#[allow(missing_docs)]
pub enum ArbitraryEdit {
    PrependFrame(ArbitraryInt, ArbitraryInt),
    RemoveFrame(ArbitraryInt),
    SetAttribute(ArbitraryInt, ArbitraryInt),
    RemoveAttribute(ArbitraryInt, ArbitraryString),
    UpdateText(ArbitraryInt, ArbitraryInt),
    StepIn(ArbitraryInt),
    StepOut,
    UpdateMarkup(ArbitraryInt, ArbitraryInt),
    PermutationListEntry(ArbitraryInt, ArbitraryInt),
    PermutationListEnd,
}

/// A frame, field for field like [`Frame`].
#[derive(Debug, Clone, Arbitrary)]
#[allow(missing_docs)]
pub enum ArbitraryFrame {
    Element(ArbitraryInt, ArbitraryString),
    Text(ArbitraryString),
    Attribute(ArbitraryString, Option<ArbitraryString>, ArbitraryId),
    Component(ArbitraryInt, ArbitraryInt),
    Region(ArbitraryInt),
    ElementReferenceCapture(ArbitraryString),
    ComponentReferenceCapture,
    Markup(ArbitraryString),
    ComponentRenderMode,
    NamedEvent,
}

/// A diff.
#[derive(Debug, Clone, Arbitrary)]
pub struct ArbitraryDiff {
    /// The component id.
    pub component_id: ArbitraryInt,
    /// The edits.
    #[arbitrary(with = up_to_32)]
    pub edits: Vec<ArbitraryEdit>,
}

/// A list of up to 32 items, its length drawn from one byte (not, as `arbitrary` does for a
/// `Vec`, one coin toss per item: that makes lists of one or two items from random input).
fn up_to_32<'a, T: Arbitrary<'a>>(u: &mut Unstructured<'a>) -> arbitrary::Result<Vec<T>> {
    let length = u.int_in_range(0..=32)?;
    (0..length).map(|_| T::arbitrary(u)).collect()
}

fn up_to_4<'a, T: Arbitrary<'a>>(u: &mut Unstructured<'a>) -> arbitrary::Result<Vec<T>> {
    let length = u.int_in_range(0..=4)?;
    (0..length).map(|_| T::arbitrary(u)).collect()
}

/// A render batch as `arbitrary` builds it. With `repair` set, [`ArbitraryBatch::to_batch`]
/// bends it until it breaks no rule (subtree lengths, frame indexes and types, steps,
/// permutation lists, signs), so that most fuzzing time goes to batches the reader must accept.
#[derive(Debug, Clone, Arbitrary)]
pub struct ArbitraryBatch {
    /// Whether to make the batch valid.
    pub repair: bool,
    /// The diffs.
    #[arbitrary(with = up_to_4)]
    pub diffs: Vec<ArbitraryDiff>,
    /// The reference frames.
    #[arbitrary(with = up_to_32)]
    pub frames: Vec<ArbitraryFrame>,
    /// Disposed component ids.
    pub disposed_component_ids: Vec<ArbitraryInt>,
    /// Disposed event handler ids.
    pub disposed_event_handler_ids: Vec<ArbitraryId>,
}

impl ArbitraryBatch {
    /// The [`RenderBatch`] this describes (repaired if `repair` is set).
    pub fn to_batch(&self) -> RenderBatch {
        let frames: Vec<Frame> = self.frames.iter().map(to_frame).collect();
        let mut batch = RenderBatch {
            updated_components: self
                .diffs
                .iter()
                .map(|d| Diff {
                    component_id: d.component_id.get(),
                    edits: d.edits.iter().map(to_edit).collect(),
                })
                .collect(),
            reference_frames: frames,
            disposed_component_ids: self.disposed_component_ids.iter().map(|i| i.get()).collect(),
            disposed_event_handler_ids: self.disposed_event_handler_ids.iter().map(|i| i.get()).collect(),
        };
        if self.repair {
            repair(&mut batch);
        }
        batch
    }
}

fn to_edit(edit: &ArbitraryEdit) -> Edit {
    use ArbitraryEdit as A;
    match edit {
        A::PrependFrame(s, f) => Edit::PrependFrame {
            sibling_index: s.get(),
            reference_frame_index: f.get(),
        },
        A::RemoveFrame(s) => Edit::RemoveFrame { sibling_index: s.get() },
        A::SetAttribute(s, f) => Edit::SetAttribute {
            sibling_index: s.get(),
            reference_frame_index: f.get(),
        },
        A::RemoveAttribute(s, name) => Edit::RemoveAttribute {
            sibling_index: s.get(),
            name: name.get(),
        },
        A::UpdateText(s, f) => Edit::UpdateText {
            sibling_index: s.get(),
            reference_frame_index: f.get(),
        },
        A::StepIn(s) => Edit::StepIn { sibling_index: s.get() },
        A::StepOut => Edit::StepOut,
        A::UpdateMarkup(s, f) => Edit::UpdateMarkup {
            sibling_index: s.get(),
            reference_frame_index: f.get(),
        },
        A::PermutationListEntry(s, t) => Edit::PermutationListEntry {
            sibling_index: s.get(),
            move_to_sibling_index: t.get(),
        },
        A::PermutationListEnd => Edit::PermutationListEnd,
    }
}

fn to_frame(frame: &ArbitraryFrame) -> Frame {
    use ArbitraryFrame as A;
    match frame {
        A::Element(n, name) => Frame::Element {
            subtree_length: n.get(),
            name: name.get(),
        },
        A::Text(text) => Frame::Text { content: text.get() },
        A::Attribute(name, value, id) => Frame::Attribute {
            name: name.get(),
            value: value.as_ref().map(ArbitraryString::get),
            event_handler_id: id.get(),
        },
        A::Component(n, id) => Frame::Component {
            subtree_length: n.get(),
            component_id: id.get(),
        },
        A::Region(n) => Frame::Region {
            subtree_length: n.get(),
        },
        A::ElementReferenceCapture(id) => Frame::ElementReferenceCapture { id: id.get() },
        A::ComponentReferenceCapture => Frame::ComponentReferenceCapture,
        A::Markup(text) => Frame::Markup { content: text.get() },
        A::ComponentRenderMode => Frame::ComponentRenderMode,
        A::NamedEvent => Frame::NamedEvent,
    }
}

/// The deepest nesting [`Limits::DEFAULT`] allows.
const MAX_DEPTH: usize = Limits::DEFAULT.max_depth;

fn subtree_length_mut(frame: &mut Frame) -> Option<&mut i32> {
    match frame {
        Frame::Element { subtree_length, .. }
        | Frame::Component { subtree_length, .. }
        | Frame::Region { subtree_length } => Some(subtree_length),
        _ => None,
    }
}

fn subtree_length(frame: &Frame) -> Option<i32> {
    match frame {
        Frame::Element { subtree_length, .. }
        | Frame::Component { subtree_length, .. }
        | Frame::Region { subtree_length } => Some(*subtree_length),
        _ => None,
    }
}

fn sibling_index(edit: &Edit) -> Option<i32> {
    sibling_index_mut(&mut edit.clone()).map(|s| *s)
}

/// Which frame types an edit that refers to a frame may refer to (RB-2.10).
fn fits(edit: &Edit, frame_type: FrameType) -> bool {
    use FrameType as F;
    match edit {
        Edit::PrependFrame { .. } => matches!(frame_type, F::Element | F::Text | F::Component | F::Region | F::Markup),
        Edit::SetAttribute { .. } => frame_type == F::Attribute,
        Edit::UpdateText { .. } => frame_type == F::Text,
        Edit::UpdateMarkup { .. } => frame_type == F::Markup,
        _ => true,
    }
}

fn frame_index(edit: &Edit) -> Option<i32> {
    match edit {
        Edit::PrependFrame {
            reference_frame_index, ..
        }
        | Edit::SetAttribute {
            reference_frame_index, ..
        }
        | Edit::UpdateText {
            reference_frame_index, ..
        }
        | Edit::UpdateMarkup {
            reference_frame_index, ..
        } => Some(*reference_frame_index),
        _ => None,
    }
}

fn sibling_index_mut(edit: &mut Edit) -> Option<&mut i32> {
    match edit {
        Edit::PrependFrame { sibling_index, .. }
        | Edit::RemoveFrame { sibling_index }
        | Edit::SetAttribute { sibling_index, .. }
        | Edit::RemoveAttribute { sibling_index, .. }
        | Edit::UpdateText { sibling_index, .. }
        | Edit::StepIn { sibling_index }
        | Edit::UpdateMarkup { sibling_index, .. }
        | Edit::PermutationListEntry { sibling_index, .. } => Some(sibling_index),
        Edit::StepOut | Edit::PermutationListEnd => None,
    }
}

/// The shape of the reference frames, as the reader sees it: for each frame, its parent (the
/// innermost element, component or region whose subtree holds it, RB-3.10), or `None` for a
/// top-level frame (RB-2.11). A subtree length out of bounds counts as 1 here (it is reported
/// by [`violations`]).
fn parents(frames: &[Frame]) -> Vec<Option<usize>> {
    let count = frames.len();
    let mut open: Vec<(usize, usize)> = Vec::new(); // (frame, end)
    let mut parents = Vec::with_capacity(count);
    for (index, frame) in frames.iter().enumerate() {
        while open.last().is_some_and(|&(_, end)| end <= index) {
            open.pop();
        }
        parents.push(open.last().map(|&(parent, _)| parent));
        let parent_end = open.last().map_or(count, |&(_, end)| end);
        if let Some(length) = subtree_length(frame)
            && length > 1
            && length as usize <= parent_end - index
        {
            open.push((index, index + length as usize));
        }
    }
    parents
}

/// Bends `batch` until [`violations`] finds nothing.
pub fn repair(batch: &mut RenderBatch) {
    // Frames: subtree lengths within the parent, nesting within the depth limit, attributes
    // leading their element's or component's children, signs, handlers.
    let count = batch.reference_frames.len();
    let mut open: Vec<(usize, bool)> = Vec::new(); // (end, a child other than an attribute seen)
    let mut kinds: Vec<FrameType> = Vec::new();
    for index in 0..count {
        while open.last().is_some_and(|&(end, _)| end <= index) {
            open.pop();
            kinds.pop();
        }
        let parent_end = open.last().map_or(count, |&(end, _)| end);
        let frame = &mut batch.reference_frames[index];
        if let Frame::Attribute { name, .. } = frame
            && let Some((_, seen)) = open.last()
            && (*seen || !matches!(kinds.last(), Some(FrameType::Element | FrameType::Component)))
        {
            *frame = Frame::Text {
                content: std::mem::take(name),
            };
        }
        if let Some((_, seen)) = open.last_mut()
            && !matches!(frame, Frame::Attribute { .. })
        {
            *seen = true;
        }
        if let Some(length) = subtree_length_mut(frame) {
            let max = parent_end - index;
            if *length < 1 || *length as usize > max {
                *length = 1 + (length.unsigned_abs() as usize % max) as i32;
            }
            if open.len() >= MAX_DEPTH {
                *length = 1;
            }
            if *length > 1 {
                open.push((index + *length as usize, false));
                kinds.push(frame.frame_type());
            }
        }
        match frame {
            Frame::Component { component_id, .. } => *component_id &= i32::MAX,
            Frame::Attribute {
                value,
                event_handler_id,
                ..
            } if *event_handler_id != 0 => *value = None,
            _ => {}
        }
    }
    // Top-level frames no edit can use become text (RB-2.10, RB-2.11).
    let parents = parents(&batch.reference_frames);
    for (frame, parent) in batch.reference_frames.iter_mut().zip(&parents) {
        if parent.is_none()
            && matches!(
                frame,
                Frame::ElementReferenceCapture { .. }
                    | Frame::ComponentReferenceCapture
                    | Frame::ComponentRenderMode
                    | Frame::NamedEvent
            )
        {
            *frame = Frame::Text { content: "t".into() };
        }
    }

    // Edits: balanced steps, well-formed permutation lists, signs, and each top-level frame used
    // by exactly one edit of a fitting type, nested frames by none (RB-2.10, RB-2.11).
    let frame_types: Vec<FrameType> = batch.reference_frames.iter().map(Frame::frame_type).collect();
    let mut referenced = vec![false; count];
    for diff in &mut batch.updated_components {
        diff.component_id &= i32::MAX;
        let mut edits = Vec::with_capacity(diff.edits.len());
        let mut depth = 0usize;
        let mut in_permutation = false;
        for mut edit in std::mem::take(&mut diff.edits) {
            if let Some(sibling_index) = sibling_index_mut(&mut edit) {
                *sibling_index &= i32::MAX;
            }
            if let Some(index) = frame_index(&edit) {
                let usable = |i: usize| parents[i].is_none() && !referenced[i] && fits(&edit, frame_types[i]);
                let chosen = usize::try_from(index)
                    .ok()
                    .filter(|&i| i < count && usable(i))
                    .or_else(|| {
                        let candidates: Vec<usize> = (0..count).filter(|&i| usable(i)).collect();
                        (!candidates.is_empty()).then(|| candidates[index.unsigned_abs() as usize % candidates.len()])
                    });
                let sibling_index = sibling_index(&edit).unwrap_or(0);
                edit = match chosen {
                    Some(i) => {
                        referenced[i] = true;
                        with_frame_index(edit, i as i32)
                    }
                    None => Edit::RemoveFrame { sibling_index },
                };
            }
            match edit {
                Edit::PermutationListEntry {
                    ref mut move_to_sibling_index,
                    ..
                } => {
                    *move_to_sibling_index &= i32::MAX;
                    in_permutation = true;
                }
                Edit::PermutationListEnd => {
                    if !in_permutation {
                        continue;
                    }
                    in_permutation = false;
                }
                _ => {
                    if in_permutation {
                        edits.push(Edit::PermutationListEnd);
                        in_permutation = false;
                    }
                }
            }
            match edit {
                Edit::StepIn { .. } if depth >= MAX_DEPTH => continue,
                Edit::StepIn { .. } => depth += 1,
                Edit::StepOut if depth == 0 => continue,
                Edit::StepOut => depth -= 1,
                _ => {}
            }
            edits.push(edit);
        }
        if in_permutation {
            edits.push(Edit::PermutationListEnd);
        }
        edits.extend(std::iter::repeat_n(Edit::StepOut, depth));
        diff.edits = edits;
    }
    // Top-level frames still unused get an edit at the end of the last diff.
    for index in (0..count).filter(|&i| parents[i].is_none() && !referenced[i]) {
        let reference_frame_index = index as i32;
        let edit = match frame_types[index] {
            FrameType::Attribute => Edit::SetAttribute {
                sibling_index: 0,
                reference_frame_index,
            },
            _ => Edit::PrependFrame {
                sibling_index: 0,
                reference_frame_index,
            },
        };
        if batch.updated_components.is_empty() {
            batch.updated_components.push(Diff {
                component_id: 0,
                edits: Vec::new(),
            });
        }
        if let Some(diff) = batch.updated_components.last_mut() {
            diff.edits.push(edit);
        }
    }

    for id in &mut batch.disposed_component_ids {
        *id &= i32::MAX;
    }
    for id in &mut batch.disposed_event_handler_ids {
        *id = (*id).max(1);
    }
}

/// The edit with another reference frame index (for edits that hold one).
fn with_frame_index(edit: Edit, reference_frame_index: i32) -> Edit {
    match edit {
        Edit::PrependFrame { sibling_index, .. } => Edit::PrependFrame {
            sibling_index,
            reference_frame_index,
        },
        Edit::SetAttribute { sibling_index, .. } => Edit::SetAttribute {
            sibling_index,
            reference_frame_index,
        },
        Edit::UpdateText { sibling_index, .. } => Edit::UpdateText {
            sibling_index,
            reference_frame_index,
        },
        Edit::UpdateMarkup { sibling_index, .. } => Edit::UpdateMarkup {
            sibling_index,
            reference_frame_index,
        },
        other => other,
    }
}

/// The rules an owned batch can break (the wire-level rules, of padding, string tables and
/// section placement, it cannot), as the error kind names the reader must then report, each
/// with what broke it. Limits other than depth (counts, string sizes) are not checked here:
/// fuzzed batches stay far below the default ones.
pub fn violations(batch: &RenderBatch) -> Vec<(&'static str, String)> {
    let mut found = Vec::new();
    let mut report = |kind: &'static str, what: String| found.push((kind, what));
    let frame_types: Vec<FrameType> = batch.reference_frames.iter().map(Frame::frame_type).collect();
    let mut references = vec![0usize; frame_types.len()];
    for (d, diff) in batch.updated_components.iter().enumerate() {
        if diff.component_id < 0 {
            report("negative_value", format!("diff {d}: component id"));
        }
        let mut depth = 0usize;
        let mut in_permutation = false;
        for (e, edit) in diff.edits.iter().enumerate() {
            let at = format!("diff {d} edit {e}");
            if sibling_index(edit).is_some_and(|s| s < 0) {
                report("negative_value", format!("{at}: sibling index"));
            }
            if in_permutation && !matches!(edit, Edit::PermutationListEntry { .. } | Edit::PermutationListEnd) {
                report("malformed_permutation_list", format!("{at}: inside a permutation list"));
            }
            if let Some(index) = frame_index(edit) {
                match usize::try_from(index).ok().filter(|&i| i < frame_types.len()) {
                    None => report("frame_index_out_of_range", format!("{at}: frame {index}")),
                    Some(i) => {
                        if !fits(edit, frame_types[i]) {
                            report("frame_type_mismatch", format!("{at}: {:?}", frame_types[i]));
                        }
                        references[i] += 1;
                        if references[i] == 2 {
                            report("frame_referenced_twice", format!("{at}: frame {i}"));
                        }
                    }
                }
            }
            match edit {
                Edit::PermutationListEntry {
                    move_to_sibling_index, ..
                } => {
                    if *move_to_sibling_index < 0 {
                        report("negative_value", format!("{at}: move-to sibling index"));
                    }
                    in_permutation = true;
                }
                Edit::PermutationListEnd => {
                    if !in_permutation {
                        report("malformed_permutation_list", format!("{at}: end without entries"));
                    }
                    in_permutation = false;
                }
                Edit::StepIn { .. } => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        report("limit_exceeded", format!("{at}: step-in depth"));
                    }
                }
                Edit::StepOut => {
                    if depth == 0 {
                        report("unbalanced_step", format!("{at}: step out at depth 0"));
                    }
                    depth = depth.saturating_sub(1);
                }
                _ => {}
            }
        }
        if in_permutation {
            report(
                "malformed_permutation_list",
                format!("diff {d}: ends inside a permutation list"),
            );
        }
        if depth != 0 {
            report("unbalanced_step", format!("diff {d}: ends at depth {depth}"));
        }
    }

    let count = batch.reference_frames.len();
    let parents = parents(&batch.reference_frames);
    let mut open: Vec<usize> = Vec::new();
    let mut has_child = vec![false; count];
    for (index, frame) in batch.reference_frames.iter().enumerate() {
        while open.last().is_some_and(|&end| end <= index) {
            open.pop();
        }
        let parent_end = open.last().copied().unwrap_or(count);
        if let Some(length) = subtree_length(frame) {
            let max = parent_end - index;
            if length < 1 || length as usize > max {
                report(
                    "subtree_out_of_bounds",
                    format!("frame {index}: length {length}, at most {max}"),
                );
            } else if length > 1 {
                open.push(index + length as usize);
                if open.len() > MAX_DEPTH {
                    report("limit_exceeded", format!("frame {index}: subtree depth"));
                }
            }
        }
        match frame {
            Frame::Component { component_id, .. } if *component_id < 0 => {
                report("negative_value", format!("frame {index}: component id"))
            }
            Frame::Attribute {
                value: Some(_),
                event_handler_id,
                ..
            } if *event_handler_id != 0 => report("handler_with_value", format!("frame {index}")),
            _ => {}
        }
        match parents[index] {
            Some(parent) => {
                if matches!(frame, Frame::Attribute { .. }) {
                    if has_child[parent] || !matches!(frame_types[parent], FrameType::Element | FrameType::Component) {
                        report("misplaced_attribute", format!("frame {index} in frame {parent}"));
                    }
                } else {
                    has_child[parent] = true;
                }
                if references[index] > 0 {
                    report("nested_frame_reference", format!("frame {index}"));
                }
            }
            None => {
                if references[index] == 0 {
                    report("unreferenced_frame", format!("frame {index}"));
                }
            }
        }
    }

    for (i, id) in batch.disposed_component_ids.iter().enumerate() {
        if *id < 0 {
            report("negative_value", format!("disposed component id {i}"));
        }
    }
    for (i, id) in batch.disposed_event_handler_ids.iter().enumerate() {
        if *id == 0 {
            report("zero_event_handler_id", format!("disposed event handler id {i}"));
        }
    }
    found
}

/// Encodes an arbitrary batch and checks the reader against [`violations`]: a batch that breaks
/// no rule must decode to exactly itself (and re-encode to the same bytes); one that breaks some
/// must be rejected with the error kind of one of them. Any batch survives its JSON form.
pub fn structured(input: ArbitraryBatch) -> Outcome {
    let batch = input.to_batch();
    let broken = violations(&batch);
    assert!(
        !input.repair || broken.is_empty(),
        "repair left violations: {broken:?}\n{batch:#?}"
    );
    if let Err(failure) = check_json(&batch, |b| serde_json::to_string(b).map_err(|e| e.to_string())) {
        panic!("{failure}\n{batch:#?}");
    }
    let bytes = rb::encode(&batch);
    match rb::decode(&bytes) {
        Ok(decoded) => {
            assert!(
                broken.is_empty(),
                "the reader accepts a batch that breaks {broken:?}\nbatch: {batch:#?}\nbytes: {}",
                to_hex(&bytes)
            );
            assert!(
                decoded == batch,
                "decode(encode(batch)) != batch\nbatch: {batch:#?}\ndecoded: {decoded:#?}\nbytes: {}",
                to_hex(&bytes)
            );
            round_trip(&bytes);
            reader(&bytes);
            Outcome::Accepted
        }
        Err(error) => {
            check_error(&bytes, &error);
            assert!(
                broken.iter().any(|(kind, _)| *kind == error.kind.name()),
                "the reader rejects the encoder's bytes with {:?} ({error}), which no violation explains (violations: {broken:?})\nbatch: {batch:#?}\nbytes: {}",
                error.kind.name(),
                to_hex(&bytes)
            );
            reader(&bytes);
            Outcome::Rejected
        }
    }
}

/// What [`structured`] made of its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The batch broke no rule, and the reader accepted it and gave it back.
    Accepted,
    /// The batch broke a rule, and the reader rejected it for one it breaks.
    Rejected,
    /// The input was too short to build a batch.
    Skipped,
}

/// [`structured`] on the batch `arbitrary` builds from `data`; inputs too short for one are
/// skipped.
pub fn structured_bytes(data: &[u8]) -> Outcome {
    match ArbitraryBatch::arbitrary_take_rest(Unstructured::new(data)) {
        Ok(input) => structured(input),
        Err(_) => Outcome::Skipped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> RenderBatch {
        RenderBatch {
            updated_components: vec![Diff {
                component_id: 3,
                edits: vec![
                    Edit::StepIn { sibling_index: 0 },
                    Edit::PrependFrame {
                        sibling_index: 1,
                        reference_frame_index: 0,
                    },
                    Edit::RemoveAttribute {
                        sibling_index: 0,
                        name: "class".into(),
                    },
                    Edit::StepOut,
                ],
            }],
            reference_frames: vec![
                Frame::Element {
                    subtree_length: 3,
                    name: "div".into(),
                },
                Frame::Attribute {
                    name: "class".into(),
                    value: Some("x".into()),
                    event_handler_id: 0,
                },
                Frame::Text {
                    content: "hello".into(),
                },
            ],
            disposed_component_ids: vec![7],
            disposed_event_handler_ids: vec![1 << 60],
        }
    }

    #[test]
    fn the_sample_round_trips() {
        let bytes = rb::encode(&sample());
        assert_eq!(rb::decode(&bytes).unwrap(), sample());
        round_trip(&bytes);
        reader(&bytes);
    }

    #[test]
    #[should_panic(expected = "round trip failed")]
    fn the_round_trip_oracle_catches_an_encoder_that_flips_a_bit() {
        let bytes = rb::encode(&sample());
        round_trip_with(&bytes, |batch| {
            let mut out = rb::encode(batch);
            let last = out.len() - 1;
            out[last / 2] ^= 0x10;
            out
        });
    }

    #[test]
    #[should_panic(expected = "round trip failed")]
    fn the_round_trip_oracle_catches_an_encoder_that_drops_a_byte() {
        let bytes = rb::encode(&sample());
        round_trip_with(&bytes, |batch| {
            let mut out = rb::encode(batch);
            out.pop();
            out
        });
    }

    #[test]
    fn the_json_oracle_catches_a_lossy_json_form() {
        let lossy = |b: &RenderBatch| {
            let mut other = b.clone();
            other.disposed_component_ids.clear();
            serde_json::to_string(&other).map_err(|e| e.to_string())
        };
        assert!(check_json(&sample(), lossy).is_err());
        assert!(check_json(&sample(), |b| serde_json::to_string(b).map_err(|e| e.to_string())).is_ok());
        // Not canonical: pretty-printed.
        assert!(
            check_json(&sample(), |b| serde_json::to_string_pretty(b)
                .map_err(|e| e.to_string()))
            .is_err()
        );
    }

    #[test]
    fn same_bytes_reports_the_first_difference() {
        assert!(same_bytes("x", b"abc", b"abc").is_ok());
        let e = same_bytes("x", b"abd", b"abc").unwrap_err();
        assert!(e.contains("offset 2"), "{e}");
        let e = same_bytes("x", b"ab", b"abc").unwrap_err();
        assert!(e.contains("offset 2") && e.contains("2 bytes where 3"), "{e}");
    }

    #[test]
    fn hex_round_trips() {
        assert_eq!(from_hex("00ff 10").unwrap(), vec![0, 255, 16]);
        assert_eq!(to_hex(&[0, 255, 16]), "00ff10");
        assert!(from_hex("0").is_none());
        assert!(from_hex("zz").is_none());
    }

    #[test]
    fn violations_sees_each_rule() {
        let kinds =
            |batch: &RenderBatch| -> Vec<&'static str> { violations(batch).into_iter().map(|(k, _)| k).collect() };
        let check = |batch: &mut RenderBatch, expected: &[&str]| {
            let found = kinds(batch);
            for kind in expected {
                assert!(found.contains(kind), "{kind} not among {found:?}");
            }
            let error = rb::decode(&rb::encode(batch)).unwrap_err();
            assert!(
                found.contains(&error.kind.name()),
                "the reader says {error}; the model {found:?}"
            );
            repair(batch);
            assert!(kinds(batch).is_empty(), "{:?}", violations(batch));
            assert_eq!(rb::decode(&rb::encode(batch)).as_ref(), Ok(&*batch));
        };
        assert!(kinds(&sample()).is_empty());

        let mut batch = sample();
        batch.reference_frames[0] = Frame::Element {
            subtree_length: 4,
            name: "div".into(),
        };
        batch.updated_components[0].edits.push(Edit::StepOut);
        batch.disposed_event_handler_ids.push(0);
        check(
            &mut batch,
            &["unbalanced_step", "subtree_out_of_bounds", "zero_event_handler_id"],
        );

        // RB-2.11: a nested frame referred to; a top-level frame referred to twice or never.
        let mut batch = sample();
        batch.updated_components[0].edits.insert(
            1,
            Edit::UpdateText {
                sibling_index: 0,
                reference_frame_index: 2,
            },
        );
        check(&mut batch, &["nested_frame_reference"]);
        let mut batch = sample();
        batch.updated_components[0].edits.insert(
            1,
            Edit::PrependFrame {
                sibling_index: 0,
                reference_frame_index: 0,
            },
        );
        check(&mut batch, &["frame_referenced_twice"]);
        let mut batch = sample();
        batch.reference_frames.push(Frame::Markup { content: "<b>".into() });
        check(&mut batch, &["unreferenced_frame"]);

        // RB-3.10: an attribute after a child that is not one, or inside a region.
        let mut batch = sample();
        batch.reference_frames.swap(1, 2);
        check(&mut batch, &["misplaced_attribute"]);
        let mut batch = sample();
        batch.reference_frames[0] = Frame::Region { subtree_length: 3 };
        check(&mut batch, &["misplaced_attribute"]);
    }
}
