// A small MessagePack codec (the subset SignalR's blazorpack protocol uses, plus the rest of the
// core types for decoding) and the hub protocol's varint length-prefix framing (spec/hub.md).

export function encode(value: unknown): Uint8Array {
  const out: number[] = [];
  const u = (n: number, bytes: number) => { for (let i = bytes - 1; i >= 0; i--) out.push((n / 2 ** (8 * i)) & 255); };
  const write = (v: any) => {
    if (v == null) out.push(0xc0);
    else if (v === false) out.push(0xc2);
    else if (v === true) out.push(0xc3);
    else if (typeof v == "number") {
      if (Number.isInteger(v) && Math.abs(v) <= 0xffffffff) {
        if (v >= 0) {
          if (v < 128) out.push(v);
          else if (v < 256) out.push(0xcc, v);
          else if (v < 65536) { out.push(0xcd); u(v, 2); }
          else { out.push(0xce); u(v, 4); }
        } else if (v >= -32) out.push(v & 255);
        else if (v >= -128) out.push(0xd0, v & 255);
        else if (v >= -32768) { out.push(0xd1); u(v & 0xffff, 2); }
        else if (v >= -2147483648) { out.push(0xd2); u(v >>> 0, 4); }
        else { const b = new DataView(new ArrayBuffer(8)); b.setBigInt64(0, BigInt(v)); out.push(0xd3, ...new Uint8Array(b.buffer)); }
      } else { const b = new DataView(new ArrayBuffer(8)); b.setFloat64(0, v); out.push(0xcb, ...new Uint8Array(b.buffer)); }
    } else if (typeof v == "string") {
      const b = new TextEncoder().encode(v), n = b.length;
      if (n < 32) out.push(0xa0 | n);
      else if (n < 256) out.push(0xd9, n);
      else if (n < 65536) { out.push(0xda); u(n, 2); }
      else { out.push(0xdb); u(n, 4); }
      for (const x of b) out.push(x);
    } else if (v instanceof Uint8Array) {
      const n = v.length;
      if (n < 256) out.push(0xc4, n); else if (n < 65536) { out.push(0xc5); u(n, 2); } else { out.push(0xc6); u(n, 4); }
      for (const x of v) out.push(x);
    } else if (Array.isArray(v)) {
      const n = v.length;
      if (n < 16) out.push(0x90 | n); else if (n < 65536) { out.push(0xdc); u(n, 2); } else { out.push(0xdd); u(n, 4); }
      v.forEach(write);
    } else {
      const keys = Object.keys(v), n = keys.length;
      if (n < 16) out.push(0x80 | n); else if (n < 65536) { out.push(0xde); u(n, 2); } else { out.push(0xdf); u(n, 4); }
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
