// A small MessagePack codec (the subset SignalR's blazorpack protocol uses, plus the rest of the
// core types for decoding) and the hub protocol's varint length-prefix framing (spec/hub.md).

export function encode(value: unknown): Uint8Array {
  const out: number[] = [];
  // `tag`, then n big-endian in `bytes` bytes.
  const u = (tag: number, n: number, bytes: number) => { out.push(tag); for (let i = bytes - 1; i >= 0; i--) out.push((n / 2 ** (8 * i)) & 255); };
  // A length header: fixed form under `fix`, then 8-bit (when t8), 16-bit (t16) and 32-bit (t16 + 1).
  const len = (n: number, base: number, fix: number, t8: number, t16: number) =>
    n < fix ? out.push(base | n) : t8 && n < 256 ? out.push(t8, n) : n < 65536 ? u(t16, n, 2) : u(t16 + 1, n, 4);
  const eight = (tag: number, set: (d: DataView) => void) => { const d = new DataView(new ArrayBuffer(8)); set(d); out.push(tag, ...new Uint8Array(d.buffer)); };
  const write = (v: any) => {
    if (v == null) out.push(0xc0);
    else if (typeof v == "boolean") out.push(v ? 0xc3 : 0xc2);
    else if (typeof v == "number") {
      if (!Number.isInteger(v) || Math.abs(v) > 0xffffffff) eight(0xcb, (d) => d.setFloat64(0, v));
      else if (v >= 0) v < 128 ? out.push(v) : v < 256 ? out.push(0xcc, v) : v < 65536 ? u(0xcd, v, 2) : u(0xce, v, 4);
      else if (v >= -32) out.push(v & 255);
      else if (v >= -128) out.push(0xd0, v & 255);
      else if (v >= -32768) u(0xd1, v & 0xffff, 2);
      else if (v >= -2147483648) u(0xd2, v >>> 0, 4);
      else eight(0xd3, (d) => d.setBigInt64(0, BigInt(v)));
    } else if (typeof v == "string") {
      const b = new TextEncoder().encode(v);
      len(b.length, 0xa0, 32, 0xd9, 0xda);
      for (const x of b) out.push(x);
    } else if (v instanceof Uint8Array) {
      len(v.length, 0, 0, 0xc4, 0xc5);
      for (const x of v) out.push(x);
    } else if (Array.isArray(v)) {
      len(v.length, 0x90, 16, 0, 0xdc);
      v.forEach(write);
    } else {
      const keys = Object.keys(v);
      len(keys.length, 0x80, 16, 0, 0xde);
      for (const k of keys) { write(k); write(v[k]); }
    }
  };
  write(value);
  return new Uint8Array(out);
}

export function decode(bytes: Uint8Array): unknown {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  let p = 0;
  const need = (n: number) => { if (p + n > bytes.length) throw new Error("msgpack: truncated"); const at = p; p += n; return at; };
  const str = (n: number) => new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(need(n), p));
  const bin = (n: number) => bytes.slice(need(n), p);
  const arr = (n: number): unknown[] => { const a = []; for (let i = 0; i < n; i++) a.push(read()); return a; };
  const map = (n: number) => { const o: any = {}; for (let i = 0; i < n; i++) { const k = read() as any; o[k] = read(); } return o; };
  const big = (v: bigint) => (v <= Number.MAX_SAFE_INTEGER && v >= -Number.MAX_SAFE_INTEGER ? Number(v) : v);
  const read = (): unknown => {
    const t = bytes[need(1)];
    if (t < 0x80) return t;
    if (t < 0x90) return map(t & 15);
    if (t < 0xa0) return arr(t & 15);
    if (t < 0xc0) return str(t & 31);
    if (t >= 0xe0) return t - 256;
    switch (t) {
      case 0xc0: return null;
      case 0xc2: return false;
      case 0xc3: return true;
      case 0xc4: return bin(bytes[need(1)]);
      case 0xc5: return bin(dv.getUint16(need(2)));
      case 0xc6: return bin(dv.getUint32(need(4)));
      case 0xca: return dv.getFloat32(need(4));
      case 0xcb: return dv.getFloat64(need(8));
      case 0xcc: return bytes[need(1)];
      case 0xcd: return dv.getUint16(need(2));
      case 0xce: return dv.getUint32(need(4));
      case 0xcf: return big(dv.getBigUint64(need(8)));
      case 0xd0: return dv.getInt8(need(1));
      case 0xd1: return dv.getInt16(need(2));
      case 0xd2: return dv.getInt32(need(4));
      case 0xd3: return big(dv.getBigInt64(need(8)));
      case 0xd9: return str(bytes[need(1)]);
      case 0xda: return str(dv.getUint16(need(2)));
      case 0xdb: return str(dv.getUint32(need(4)));
      case 0xdc: return arr(dv.getUint16(need(2)));
      case 0xdd: return arr(dv.getUint32(need(4)));
      case 0xde: return map(dv.getUint16(need(2)));
      case 0xdf: return map(dv.getUint32(need(4)));
    }
    throw new Error("msgpack: unsupported type 0x" + t.toString(16));
  };
  const v = read();
  if (p != bytes.length) throw new Error("msgpack: trailing bytes");
  return v;
}

// One hub message with its varint length prefix.
export function frame(message: unknown): Uint8Array {
  const body = encode(message), prefix: number[] = [];
  let n = body.length;
  do { prefix.push((n & 127) | (n > 127 ? 128 : 0)); n = Math.floor(n / 128); } while (n);
  const out = new Uint8Array(prefix.length + body.length);
  out.set(prefix);
  out.set(body, prefix.length);
  return out;
}

// Splits a binary WebSocket frame into its hub messages (one frame may carry several).
export function unframe(data: Uint8Array): unknown[] {
  const out: unknown[] = [];
  for (let p = 0; p < data.length;) {
    let n = 0, shift = 0, b: number;
    do {
      if (p >= data.length || shift > 28) throw new Error("hub: bad length prefix");
      b = data[p++];
      n += (b & 127) * 2 ** shift;
      shift += 7;
    } while (b & 128);
    if (p + n > data.length) throw new Error("hub: truncated message");
    out.push(decode(data.subarray(p, p + n)));
    p += n;
  }
  return out;
}
