// Validating render-batch reader (spec/render-batch.md, RB-1 … RB-7). Checks in the order of
// section 9 ("Order of checks") so that error kinds and offsets match the conformance vectors.

export interface Limits {
  batchBytes: number; diffs: number; edits: number; frames: number; strings: number;
  stringBytes: number; referencedStringBytes: number; depth: number;
}
export const DEFAULT_LIMITS: Limits = {
  batchBytes: 134217728, diffs: 1048576, edits: 16777216, frames: 16777216, strings: 16777216,
  stringBytes: 16777216, referencedStringBytes: 268435456, depth: 1024,
};

export class BatchError extends Error {
  constructor(public kind: string, public offset: number, public requirement: string) {
    super(kind + " at " + offset + " (" + requirement + ")");
  }
}

export type Edit =
  | { type: "prependFrame" | "setAttribute" | "updateText" | "updateMarkup"; siblingIndex: number; referenceFrameIndex: number }
  | { type: "removeFrame" | "stepIn"; siblingIndex: number }
  | { type: "removeAttribute"; siblingIndex: number; name: string }
  | { type: "stepOut" | "permutationListEnd" }
  | { type: "permutationListEntry"; siblingIndex: number; moveToSiblingIndex: number };

// A 64-bit event handler id: a number below 2^53, else its decimal text (exact, RB-6.2).
export type HandlerId = number | string;
export interface Diff { componentId: number; edits: Edit[] }
// The reference frames are validated with the rest of the batch and then read field by field from
// the checked bytes when the applier asks (no object per frame: a batch of thousands of frames
// would leave as many objects for the garbage collector during the apply). Frame `i`:
// `ft(i)`: its type number (RB-3.2; 1 element, 2 text, 3 attribute, 4 component, 5 region,
// 6 elementReferenceCapture, 7 componentReferenceCapture, 8 markup, 9 componentRenderMode,
// 10 namedEvent); `fl(i)`: the frames its subtree spans (its subtreeLength, 1 for a frame without
// one); `fc(i)`: a component frame's componentId; `fs(i)`: its string (an element's or attribute's
// name, a text's or markup's content, a reference capture's id); `fv(i)`: an attribute's value
// (null for none); `fh(i)`: an attribute's event handler id (a `HandlerId`), undefined for none.
export interface RenderBatch {
  updatedComponents: Diff[];
  frameCount: number;
  ft: (i: number) => number;
  fl: (i: number) => number;
  fc: (i: number) => number;
  fs: (i: number) => string;
  fv: (i: number) => string | null;
  fh: (i: number) => HandlerId | undefined;
  disposedComponentIds: number[];
  disposedEventHandlerIds: HandlerId[];
}

export const EDIT_TYPES = ["", "prependFrame", "removeFrame", "setAttribute", "removeAttribute", "updateText",
  "stepIn", "stepOut", "updateMarkup", "permutationListEntry", "permutationListEnd"];

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }), latin1 = new TextDecoder("latin1");
const NON_ASCII = /[^\0-\x7f]/;
const WS = /^[\t-\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/;

// Dedup modes (RB-5.6): 0 always, 1 if empty, 2 if whitespace-only, 3 never.
export function readBatch(input: Uint8Array, limits: Limits = DEFAULT_LIMITS): RenderBatch {
  const fail = (kind: string, offset: number, req: string): never => { throw new BatchError(kind, offset, req); };
  const len = input.length;
  const dv = new DataView(input.buffer, input.byteOffset, len);
  const i32 = (p: number) => dv.getInt32(p, true);
  // A 64-bit id: a number while a double holds it exactly (below 2^53, every id in practice),
  // else its decimal text through BigInt. Either is what the hub's JSON takes as the id's digits
  // (RB-6.2), and one id is always read as the same one of the two.
  const u64 = (p: number): HandlerId => {
    const hi = dv.getUint32(p + 4, true);
    return hi < 0x200000 ? hi * 4294967296 + dv.getUint32(p, true) : String(dv.getBigUint64(p, true));
  };
  if (len > limits.batchBytes) fail("batch_too_large", 0, "RB-1.5");
  if (len < 20) fail("truncated", 0, "RB-1.3");
  const end = len - 20;
  const pos: number[] = [];
  for (let i = 0; i < 5; i++) {
    const p = i32(end + 4 * i);
    if (p < 0 || p > end) fail("section_out_of_bounds", end + 4 * i, "RB-1.3");
    pos.push(p);
  }
  const [diffTable, framesAt, dcAt, dhAt, spAt] = pos;
  const count = (p: number, size: number, regionEnd: number, limit: number): number => {
    if (p + 4 > regionEnd) fail("truncated", p, "RB-1.4");
    const c = i32(p);
    if (c < 0) fail("negative_count", p, "RB-1.4");
    if (c * size > regionEnd - p - 4) fail("count_exceeds_input", p, "RB-1.4");
    if (c > limit) fail("limit_exceeded", p, "RB-1.5");
    return c;
  };
  const placed = (expected: number, found: number, offset: number) => {
    if (expected != found) fail("section_misplaced", offset, "RB-1.2");
  };
  const diffCount = count(diffTable, 4, end, limits.diffs);
  placed(diffTable + 4 + 4 * diffCount, framesAt, end + 4);
  const frameCount = count(framesAt, 20, end, limits.frames);
  placed(framesAt + 4 + 20 * frameCount, dcAt, end + 8);
  // The frames' fields as 32-bit integers (a copy, so aligned; little-endian as the batch, which
  // every platform a browser runs on is): frame i's five fields are F[5i] … F[5i + 4].
  const F = new Int32Array(input.slice(framesAt + 4, dcAt).buffer);
  const dcCount = count(dcAt, 4, end, Infinity);
  placed(dcAt + 4 + 4 * dcCount, dhAt, end + 12);
  const dhCount = count(dhAt, 8, end, Infinity);
  const stringData = dhAt + 4 + 8 * dhCount;
  if (spAt < stringData) placed(stringData, spAt, end + 16);
  const tableBytes = end - spAt;
  if (tableBytes % 4) fail("string_table_size", spAt, "RB-5.4");
  const stringCount = tableBytes / 4;
  if (stringCount > limits.strings) fail("limit_exceeded", spAt, "RB-1.5");

  // String entries (RB-5.1 … RB-5.4). ASCII strings are slices of one decode of the region.
  const strings: string[] = [], sizes = new Int32Array(stringCount);
  const ascii = stringCount ? latin1.decode(input.subarray(stringData, spAt)) : "", wide = NON_ASCII.test(ascii);
  let cursor = stringData;
  for (let index = 0; index < stringCount; index++) {
    const entry = spAt + 4 * index;
    if (i32(entry) != cursor) fail("string_misplaced", entry, "RB-5.4");
    let value = 0, used = 0;
    for (;;) {
      const at = cursor + used;
      if (used == 5) fail("length_prefix_too_long", cursor, "RB-5.2");
      if (at >= spAt) fail("truncated", cursor, "RB-5.1");
      const byte = input[at];
      if (used == 4 && byte > 7) fail("length_prefix_too_long", cursor, "RB-5.2");
      value += (byte & 0x7f) * 2 ** (7 * used);
      used++;
      if (!(byte & 0x80)) break;
    }
    const need = value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : value < 0x10000000 ? 4 : 5;
    if (used != need) fail("length_prefix_overlong", cursor, "RB-5.2");
    const start = cursor + used;
    if (value > spAt - start) fail("truncated", start, "RB-5.1");
    if (value > limits.stringBytes) fail("limit_exceeded", cursor, "RB-1.5");
    const stop = start + value, text = ascii.slice(start - stringData, stop - stringData);
    if (!wide || !NON_ASCII.test(text)) strings.push(text);
    else {
      const bytes = input.subarray(start, stop);
      try {
        strings.push(utf8.decode(bytes));
      } catch {
        fail("invalid_utf8", start + validUpTo(bytes), "RB-5.3");
      }
    }
    sizes[index] = value;
    cursor = stop;
  }
  placed(cursor, spAt, len - 4);

  // Canonical string table replay (RB-5.8).
  let nextNew = 0, expanded = 0;
  const dedupFlag = new Uint8Array(stringCount);
  const dedupMap = new Map<string, number>();
  const str = (index: number, offset: number, nullable: boolean, mode: number, removed?: boolean): string | null => {
    if (index == -1) {
      if (nullable) return null;
      fail("null_string", offset, removed ? "RB-2.6" : "RB-3.8");
    }
    if (index < 0 || index >= stringCount) fail("string_index_out_of_range", offset, "RB-5.5");
    const text = strings[index];
    expanded += sizes[index];
    if (expanded > limits.referencedStringBytes) fail("limit_exceeded", offset, "RB-1.5");
    const shareable = mode == 0 || (mode == 1 && !text) || (mode == 2 && WS.test(text));
    if (index == nextNew) {
      if (shareable) {
        if (dedupMap.has(text)) fail("non_canonical_strings", offset, "RB-5.8");
        dedupMap.set(text, index);
        dedupFlag[index] = 1;
      }
      nextNew++;
    } else if (index > nextNew || !shareable || !dedupFlag[index]) fail("non_canonical_strings", offset, "RB-5.8");
    return text;
  };

  // Diffs (RB-2.x).
  const refs = new Int32Array(frameCount); // 1 + offset of the referring edit's slot, 0: none
  const updatedComponents: Diff[] = [];
  cursor = 0;
  for (let d = 0; d < diffCount; d++) {
    const entry = diffTable + 4 + 4 * d;
    if (i32(entry) != cursor) fail("diff_position_mismatch", entry, "RB-2.2");
    if (cursor + 8 > diffTable) fail("truncated", cursor, "RB-2.1");
    const componentId = i32(cursor);
    if (componentId < 0) fail("negative_value", cursor, "RB-2.1");
    const editCount = count(cursor + 4, 16, diffTable, limits.edits);
    const edits: Edit[] = [];
    let depth = 0, inPerm = false;
    const start = cursor + 8;
    for (let e = 0; e < editCount; e++) {
      const at = start + 16 * e;
      const t = i32(at), sib = i32(at + 4), slot = i32(at + 8), name = i32(at + 12);
      if (t < 1 || t > 10) fail("unknown_edit_type", at, "RB-2.4");
      if (sib < 0) fail("negative_value", at + 4, "RB-2.7");
      if (inPerm && t < 9) fail("malformed_permutation_list", at, "RB-2.9");
      const type = EDIT_TYPES[t] as any;
      if (t == 1 || t == 3 || t == 5 || t == 8) {
        if (slot < 0 || slot >= frameCount) fail("frame_index_out_of_range", at + 8, "RB-2.5");
        const ft = F[5 * slot];
        if (t == 1 ? !(ft == 1 || ft == 2 || ft == 4 || ft == 5 || ft == 8) : ft != (t == 3 ? 3 : t == 5 ? 2 : 8))
          fail("frame_type_mismatch", at + 8, "RB-2.10");
        if (refs[slot]) fail("frame_referenced_twice", at + 8, "RB-2.11");
        refs[slot] = at + 9;
      } else if (t == 9) {
        if (slot < 0) fail("negative_value", at + 8, "RB-2.7");
        inPerm = true;
      } else if (slot) fail("unused_field_set", at + 8, "RB-2.5");
      let removed: string | null = null;
      if (t == 4) removed = str(name, at + 12, false, 0, true);
      else if (name != -1) fail("unused_field_set", at + 12, "RB-2.6");
      if (t == 6) {
        if (++depth > limits.depth) fail("limit_exceeded", at, "RB-1.5");
      } else if (t == 7) {
        if (sib) fail("unused_field_set", at + 4, "RB-2.7");
        if (!depth) fail("unbalanced_step", at, "RB-2.8");
        depth--;
      } else if (t == 10) {
        if (sib) fail("unused_field_set", at + 4, "RB-2.7");
        if (!inPerm) fail("malformed_permutation_list", at, "RB-2.9");
        inPerm = false;
      }
      // One object shape for every edit (and one for every frame): monomorphic property reads.
      edits.push({
        type, siblingIndex: t == 7 || t == 10 ? undefined : sib,
        referenceFrameIndex: t == 1 || t == 3 || t == 5 || t == 8 ? slot : undefined,
        name: removed ?? undefined, moveToSiblingIndex: t == 9 ? slot : undefined,
      } as Edit);
    }
    const editsEnd = start + 16 * editCount;
    if (inPerm) fail("malformed_permutation_list", editsEnd, "RB-2.9");
    if (depth) fail("unbalanced_step", editsEnd, "RB-2.8");
    updatedComponents.push({ componentId, edits });
    cursor = editsEnd;
  }
  placed(cursor, diffTable, len - 20);

  // Reference frames (RB-3.x).
  const pad = (v: number, o: number) => { if (v) fail("unused_field_set", o, "RB-3.4"); };
  const open: { end: number; kind: number; hasChild: boolean }[] = [];
  for (let index = 0; index < frameCount; index++) {
    const k = 5 * index, at = framesAt + 4 + 4 * k;
    const t = F[k], a = F[k + 1], b = F[k + 2], c = F[k + 3], d = F[k + 4];
    if (t < 1 || t > 10) fail("unknown_frame_type", at, "RB-3.2");
    while (open.length && open[open.length - 1].end <= index) open.pop();
    const parent = open[open.length - 1];
    if (t == 1 || t == 4 || t == 5) {
      const max = (parent ? parent.end : frameCount) - index;
      if (a < 1 || a > max) fail("subtree_out_of_bounds", at + 4, "RB-3.5");
      if (a > 1) {
        open.push({ end: index + a, kind: t, hasChild: false });
        if (open.length > limits.depth) fail("limit_exceeded", at, "RB-1.5");
      }
      if (t == 1) str(b, at + 8, false, 0);
      else if (t == 4) {
        if (b < 0) fail("negative_value", at + 8, "RB-3.7");
      } else pad(b, at + 8);
      pad(c, at + 12); pad(d, at + 16);
    } else if (t == 3) {
      str(a, at + 4, false, 0);
      if ((c || d) && b != -1) fail("handler_with_value", at + 8, "RB-3.6");
      str(b, at + 8, true, 1);
    } else if (t == 2 || t == 8 || t == 6) {
      str(a, at + 4, false, t == 2 ? 2 : 3);
      pad(b, at + 8); pad(c, at + 12); pad(d, at + 16);
    } else {
      pad(a, at + 4); pad(b, at + 8); pad(c, at + 12); pad(d, at + 16);
    }
    if (parent) {
      if (t == 3) {
        if (parent.hasChild || parent.kind == 5) fail("misplaced_attribute", at, "RB-3.10");
      } else parent.hasChild = true;
      if (refs[index]) fail("nested_frame_reference", refs[index] - 1, "RB-2.11");
    } else if (!refs[index]) fail("unreferenced_frame", at, "RB-2.11");
  }
  // The fields of frame `i` of the checked batch (its fields and strings passed the checks above).
  const ft = (i: number) => F[5 * i];
  const fl = (i: number) => { const t = F[5 * i]; return t == 1 || t == 4 || t == 5 ? F[5 * i + 1] : 1; };
  const fc = (i: number) => F[5 * i + 2];
  const fs = (i: number) => strings[F[5 * i + (F[5 * i] == 1 ? 2 : 1)]];
  const fv = (i: number) => { const b = F[5 * i + 2]; return b == -1 ? null : strings[b]; };
  const fh = (i: number) => (F[5 * i + 3] || F[5 * i + 4] ? u64(framesAt + 16 + 20 * i) : undefined);

  const disposedComponentIds: number[] = [];
  for (let i = 0; i < dcCount; i++) {
    const at = dcAt + 4 + 4 * i, id = i32(at);
    if (id < 0) fail("negative_value", at, "RB-4.1");
    disposedComponentIds.push(id);
  }
  const disposedEventHandlerIds: HandlerId[] = [];
  for (let i = 0; i < dhCount; i++) {
    const at = dhAt + 4 + 8 * i, id = u64(at);
    if (!id) fail("zero_event_handler_id", at, "RB-4.2");
    disposedEventHandlerIds.push(id);
  }
  if (nextNew != stringCount) fail("non_canonical_strings", spAt + 4 * nextNew, "RB-5.8");
  return { updatedComponents, frameCount, ft, fl, fc, fs, fv, fh, disposedComponentIds, disposedEventHandlerIds };
}

// Length of the longest well-formed UTF-8 prefix (for the offset of an invalid_utf8 error).
function validUpTo(b: Uint8Array): number {
  const hi = b.length;
  let i = 0;
  while (i < hi) {
    const c = b[i];
    let n = c < 0x80 ? 1 : c >= 0xc2 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3 : c >= 0xf0 && c < 0xf5 ? 4 : 0;
    if (!n || i + n > hi) return i;
    try { utf8.decode(b.subarray(i, i + n)); } catch { return i; }
    i += n;
  }
  return i;
}
