// Between the reader's field accessors (ft, fl, fc, fs, fv, fh: src/reader.ts) and frames as
// objects in the canonical JSON form's shape (spec/render-batch.md, RB-6.1).

const TYPES = ["", "element", "text", "attribute", "component", "region", "elementReferenceCapture",
  "componentReferenceCapture", "markup", "componentRenderMode", "namedEvent"];

// The canonical JSON form (RB-6.1, RB-6.2) of a batch read by readBatch: handler ids as decimal
// strings; the reference frames read through the reader's field accessors for every index.
export function canonical(batch) {
  const { updatedComponents, disposedComponentIds, disposedEventHandlerIds } = batch;
  const referenceFrames = Array.from({ length: batch.frameCount }, (_, i) => frameOf(batch, i));
  const form = { updatedComponents, referenceFrames, disposedComponentIds, disposedEventHandlerIds: disposedEventHandlerIds.map(String) };
  return JSON.parse(JSON.stringify(form, (k, v) => (typeof v === "bigint" ? v.toString() : v)));
}

// Frame `i` of a batch read by readBatch, as the canonical form writes it.
export function frameOf(batch, i) {
  const t = batch.ft(i), f = { type: TYPES[t] };
  if (t == 1 || t == 4 || t == 5) f.subtreeLength = batch.fl(i);
  if (t == 1) f.name = batch.fs(i);
  else if (t == 4) f.componentId = batch.fc(i);
  else if (t == 3) {
    f.name = batch.fs(i);
    f.value = batch.fv(i);
    const handler = batch.fh(i);
    if (handler !== undefined) f.eventHandlerId = String(handler); // decimal text (RB-6.2)
  } else if (t == 2 || t == 8) f.content = batch.fs(i);
  else if (t == 6) f.id = batch.fs(i);
  return f;
}

// The accessors of a batch whose frames are given as objects of that shape (value and
// eventHandlerId may be left out: no value, no handler).
export function accessors(frames) {
  const get = (i) => {
    if (i < 0 || i >= frames.length) throw new RangeError("no frame " + i);
    return frames[i];
  };
  return {
    frameCount: frames.length,
    ft: (i) => TYPES.indexOf(get(i).type),
    fl: (i) => get(i).subtreeLength ?? 1,
    fc: (i) => get(i).componentId,
    fs: (i) => { const f = get(i); return f.name ?? f.content ?? f.id; },
    fv: (i) => get(i).value ?? null,
    fh: (i) => get(i).eventHandlerId,
  };
}
