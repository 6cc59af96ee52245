// Checks Brasa's hub vectors (conformance/vectors/hub, spec/hub.md) against the official SignalR
// protocol implementations: @microsoft/signalr's JsonHubProtocol and
// @microsoft/signalr-protocol-msgpack's MessagePackHubProtocol (the client side of Blazor's
// `blazorpack`), at the exact versions pinned in package.json.
//
//   node conformance/node/agreement.mjs [vector files or directories...]
//
// With no arguments it reads every vector under ../vectors/hub/ (relative to this script).
//
// 1. Valid vectors, official parser: parseMessages() on the vector's bytes must give the
//    vector's readable messages, as far as the official parser keeps them (see `expectParsed`).
// 2. Valid vectors, official writer: writeMessage() on each readable message must give the
//    vector's bytes exactly, except for the vectors in WRITER_DIFFERS, each with its reason.
// 3. Invalid vectors, official parser (informative): which ones it accepts. Brasa's decoder is
//    strict; the official client is lenient by design. The outcome must match OFFICIAL_ACCEPTS.
// 4. Official writer -> Brasa: for the messages in WRITER_CASES, prints one JSON line per case to
//    stdout: {"name", "protocol", "hex", "readable"}, the official writer's bytes and the
//    readable messages (spec/hub.md, HUB-4.1) that Brasa must decode them to;
//    conformance/tests/hub_node_agreement.rs decodes and compares them.
// 5. Handshake (HUB-5.x): the official client's handshake request, and its reading of the
//    responses recorded from ASP.NET Core 10, printed as lines with "protocol": "handshake" and
//    "readable": [request, {"error", "response"}] for the Rust test to check against Brasa.
//
// Everything else goes to stderr. Exit status 1 on any disagreement, each one printed.

import { readFileSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { JsonHubProtocol, NullLogger } from "@microsoft/signalr";
import { MessagePackHubProtocol } from "@microsoft/signalr-protocol-msgpack";
import { ExtData } from "@msgpack/msgpack";

const here = dirname(fileURLToPath(import.meta.url));
// The official handshake code is not exported from the package's index.
const { HandshakeProtocol } = createRequire(import.meta.url)("@microsoft/signalr/dist/cjs/HandshakeProtocol.js");

// ---------------------------------------------------------------------------------------------
// Known differences, each with its reason. A listed vector that stops differing is an error too,
// so that the lists cannot go stale.

const INTEGRAL_FLOAT =
  "@msgpack/msgpack writes every number that is a safe integer as a MessagePack integer, so a float 64 with an integral value (2.0, -0.0) comes out as an int";
const FLOAT32 = "JavaScript has no float 32: the writer writes every non-integer as float 64";
const UNSAFE_INTEGER =
  "integers beyond 2^53 (2^53+1, 2^64-1, -2^63) are JavaScript numbers rounded to doubles, written as float 64 (MessagePack) or as rounded decimals (JSON)";
const CLOSE = "the official MessagePack writer writes every close as [7, nil]: it drops the error and allowReconnect";
const HAND_WRITTEN =
  "JSON text written by hand (whitespace, member order, escapes, an explicit empty headers object): JSON.stringify writes the compact canonical text instead";

const WRITER_DIFFERS = {
  "hub/valid/msgpack-close-server": CLOSE,
  "hub/valid/msgpack-close-error-allow-reconnect": CLOSE,
  "hub/valid/msgpack-close-error-two-elements": CLOSE,
  "hub/valid/msgpack-integers": UNSAFE_INTEGER,
  "hub/valid/msgpack-float64": INTEGRAL_FLOAT,
  "hub/valid/msgpack-float32": FLOAT32,
  "hub/valid/msgpack-float-non-finite": FLOAT32 + " (the float 32 infinity)",
  "hub/valid/msgpack-map-non-string-keys":
    "JavaScript objects have string keys only: the integer key 1 is written as the string \"1\"",
  "hub/valid/json-integers": UNSAFE_INTEGER,
  "hub/valid/json-floats":
    "JSON.stringify writes 2.0 as 2 and 1e300 as 1e+300; Brasa writes a float 64 with a fraction or exponent (2.0, 1e300)",
  "hub/valid/json-number-forms": HAND_WRITTEN,
  "hub/valid/json-string-escapes": HAND_WRITTEN,
  "hub/valid/json-whitespace": HAND_WRITTEN,
  "hub/valid/json-member-order": HAND_WRITTEN,
  "hub/valid/json-empty-headers": HAND_WRITTEN,
};

// Invalid vectors that the official parser accepts (the rest it rejects by throwing), with why.
const LENIENT_PREFIX = "BinaryMessageFormat does not require the shortest size prefix";
const EXTRA_ELEMENTS =
  "the official parser checks only a minimum number of elements, so that later protocol versions can add some";
const TYPES_IGNORED =
  "the official client ignores message types it does not handle: StreamInvocation (4), CancelInvocation (5) and unknown types (logged, skipped)";
const NO_FIELD_CHECKS = "the official parser does not check the kinds of the fields it copies";
const JSON_NO_CHECKS =
  "JsonHubProtocol checks only the fields it needs; it ignores unknown members and missing ones it does not use";

const OFFICIAL_ACCEPTS = {
  // MessagePack
  "hub/invalid/msgpack-prefix-overlong": LENIENT_PREFIX,
  "hub/invalid/msgpack-too-large": "the client has no maximum message size",
  "hub/invalid/msgpack-invalid-utf8-target": "@msgpack/msgpack decodes invalid UTF-8 with replacement characters",
  "hub/invalid/msgpack-invalid-utf8-argument": "@msgpack/msgpack decodes invalid UTF-8 with replacement characters",
  "hub/invalid/msgpack-nesting-too-deep": "@msgpack/msgpack's decoder has no nesting limit",
  "hub/invalid/msgpack-unknown-type-10": TYPES_IGNORED,
  "hub/invalid/msgpack-unknown-type-0": TYPES_IGNORED,
  "hub/invalid/msgpack-unknown-type-negative": TYPES_IGNORED,
  "hub/invalid/msgpack-unknown-type-after-messages": TYPES_IGNORED,
  "hub/invalid/msgpack-type-is-string": TYPES_IGNORED + " (the type \"6\" is not the number 6)",
  "hub/invalid/msgpack-type-is-float": "the type 6.0 decodes to the JavaScript number 6, a ping",
  "hub/invalid/msgpack-invocation-seven-elements": EXTRA_ELEMENTS,
  "hub/invalid/msgpack-ping-with-element": EXTRA_ELEMENTS,
  "hub/invalid/msgpack-completion-void-with-result": EXTRA_ELEMENTS,
  "hub/invalid/msgpack-cancel-with-extra": TYPES_IGNORED,
  "hub/invalid/msgpack-ack-without-id":
    "the official parser requires at least 1 element for an ack and reads the missing sequence id as undefined",
  "hub/invalid/msgpack-headers-nil": "typeof null is \"object\": nil headers pass the official check",
  "hub/invalid/msgpack-header-value-integer": NO_FIELD_CHECKS,
  "hub/invalid/msgpack-invocation-id-integer": NO_FIELD_CHECKS,
  "hub/invalid/msgpack-target-nil": NO_FIELD_CHECKS,
  "hub/invalid/msgpack-arguments-map": NO_FIELD_CHECKS,
  "hub/invalid/msgpack-stream-ids-nil": NO_FIELD_CHECKS + " (it ignores the stream ids element)",
  "hub/invalid/msgpack-stream-invocation-nil-id": TYPES_IGNORED,
  "hub/invalid/msgpack-stream-item-nil-id": NO_FIELD_CHECKS,
  "hub/invalid/msgpack-completion-result-kind-4": "an unknown result kind gives a completion with neither result nor error",
  "hub/invalid/msgpack-completion-error-not-string": NO_FIELD_CHECKS,
  "hub/invalid/msgpack-close-allow-reconnect-nil": NO_FIELD_CHECKS,
  "hub/invalid/msgpack-ack-negative": NO_FIELD_CHECKS,
  // JSON
  "hub/invalid/json-too-large-complete": "the client has no maximum message size",
  "hub/invalid/json-invalid-utf8": "the transport decodes text with replacement characters before the protocol sees it",
  "hub/invalid/json-duplicate-member": "JSON.parse keeps the last of duplicate members",
  "hub/invalid/json-type-float": "JSON.parse reads 6.0 as the number 6, a ping",
  "hub/invalid/json-unknown-type": TYPES_IGNORED,
  "hub/invalid/json-unknown-type-0": TYPES_IGNORED,
  "hub/invalid/json-unknown-member": JSON_NO_CHECKS,
  "hub/invalid/json-member-of-other-type": JSON_NO_CHECKS,
  "hub/invalid/json-close-with-headers": JSON_NO_CHECKS,
  "hub/invalid/json-invocation-without-arguments": JSON_NO_CHECKS,
  "hub/invalid/json-arguments-object": JSON_NO_CHECKS,
  "hub/invalid/json-header-value-number": TYPES_IGNORED,
  "hub/invalid/json-stream-ids-number": JSON_NO_CHECKS,
  "hub/invalid/json-stream-invocation-without-id": TYPES_IGNORED,
  "hub/invalid/json-close-allow-reconnect-string": JSON_NO_CHECKS,
  "hub/invalid/json-close-error-null": JSON_NO_CHECKS,
  "hub/invalid/json-ack-negative": JSON_NO_CHECKS + " (any number is a sequence id)",
  "hub/invalid/json-sequence-float": JSON_NO_CHECKS + " (any number is a sequence id)",
};

// ---------------------------------------------------------------------------------------------
// Messages written by the official writer, with the readable forms Brasa must decode them to.
// The readable forms are written out here (not derived from the bytes): float 64 values carry a
// fraction (2.0), integers do not.

const WRITER_CASES = [
  {
    name: "invoke",
    message: { type: 1, invocationId: "0", target: "StartCircuit", arguments: ["http://h/", "http://h/c", "[]", ""] },
    readable:
      '{"type":1,"headers":{},"invocationId":"0","target":"StartCircuit","arguments":["http://h/","http://h/c","[]",""]}',
  },
  {
    name: "send",
    message: { type: 1, target: "OnRenderCompleted", arguments: [2, null] },
    readable: '{"type":1,"headers":{},"invocationId":null,"target":"OnRenderCompleted","arguments":[2,null]}',
  },
  {
    name: "invoke-stream-ids",
    message: { type: 1, invocationId: "1", target: "Upload", arguments: [], streamIds: ["7"] },
    readable: '{"type":1,"headers":{},"invocationId":"1","target":"Upload","arguments":[],"streamIds":["7"]}',
  },
  {
    name: "invoke-headers",
    message: { type: 1, headers: { b: "2", a: "1" }, invocationId: "2", target: "H", arguments: [true, false] },
    readable: '{"type":1,"headers":{"b":"2","a":"1"},"invocationId":"2","target":"H","arguments":[true,false]}',
  },
  {
    name: "stream-item",
    message: { type: 2, invocationId: "7", item: { x: 1.5, y: [1, 2], z: "s" } },
    readable: '{"type":2,"headers":{},"invocationId":"7","item":{"x":1.5,"y":[1,2],"z":"s"}}',
  },
  {
    name: "completion-result",
    message: { type: 3, invocationId: "3", result: 42 },
    readable: '{"type":3,"headers":{},"invocationId":"3","result":42}',
  },
  {
    name: "completion-result-null",
    message: { type: 3, invocationId: "3", result: null },
    readable: '{"type":3,"headers":{},"invocationId":"3","result":null}',
  },
  {
    name: "completion-error",
    message: { type: 3, invocationId: "4", error: "It didn't work!" },
    readable: '{"type":3,"headers":{},"invocationId":"4","error":"It didn\'t work!"}',
  },
  {
    name: "completion-void",
    message: { type: 3, invocationId: "5" },
    readable: '{"type":3,"headers":{},"invocationId":"5"}',
  },
  {
    name: "stream-invocation",
    message: { type: 4, invocationId: "6", target: "Counter", arguments: [10] },
    readable: '{"type":4,"headers":{},"invocationId":"6","target":"Counter","arguments":[10]}',
  },
  {
    name: "cancel-invocation",
    message: { type: 5, invocationId: "6" },
    readable: '{"type":5,"headers":{},"invocationId":"6"}',
  },
  { name: "ping", message: { type: 6 }, readable: '{"type":6}' },
  { name: "ack", message: { type: 8, sequenceId: 1394 }, readable: '{"type":8,"sequenceId":1394}' },
  { name: "sequence", message: { type: 9, sequenceId: 1 }, readable: '{"type":9,"sequenceId":1}' },
  {
    name: "numbers",
    message: {
      type: 1,
      target: "N",
      arguments: [0, 127, 128, -1, -33, 65536, 2 ** 40, -(2 ** 40), 2 ** 53 - 1, 0.5, -2.25, 1e300, 2.0],
    },
    // 2.0 is a JavaScript number like any other integer: both writers write the integer 2.
    readable:
      '{"type":1,"headers":{},"invocationId":null,"target":"N","arguments":[0,127,128,-1,-33,65536,1099511627776,-1099511627776,9007199254740991,0.5,-2.25,1e300,2]}',
  },
  {
    name: "strings",
    message: { type: 1, target: "S", arguments: ["x".repeat(40), "héllo ✓ 😀", "quote \" \\ \n\u0001"] },
    readable: `{"type":1,"headers":{},"invocationId":null,"target":"S","arguments":["${"x".repeat(40)}","héllo ✓ 😀","quote \\" \\\\ \\n\\u0001"]}`,
  },
  {
    name: "nested",
    message: { type: 3, invocationId: "8", result: { list: [{ a: null }, []], empty: {} } },
    readable: '{"type":3,"headers":{},"invocationId":"8","result":{"list":[{"a":null},[]],"empty":{}}}',
  },
  // MessagePack only: byte arrays and the close the official writer produces.
  {
    name: "render-batch-ack-and-bytes",
    protocols: ["messagepack"],
    message: { type: 1, target: "ReceiveByteArray", arguments: [1, new Uint8Array([1, 2, 255]), new Uint8Array(300)] },
    readable: `{"type":1,"headers":{},"invocationId":null,"target":"ReceiveByteArray","arguments":[1,{"$bin":"0102ff"},{"$bin":"${"00".repeat(300)}"}]}`,
  },
  {
    name: "close",
    protocols: ["messagepack"],
    message: { type: 7, error: "ignored by the writer", allowReconnect: true },
    readable: '{"type":7,"error":null}',
  },
  {
    name: "long-message",
    protocols: ["messagepack"],
    message: { type: 1, target: "L", arguments: [new Uint8Array(200)] },
    readable: `{"type":1,"headers":{},"invocationId":null,"target":"L","arguments":[{"$bin":"${"00".repeat(200)}"}]}`,
  },
  // JSON only: the close keeps its members.
  {
    name: "close",
    protocols: ["json"],
    message: { type: 7, error: "bye", allowReconnect: true },
    readable: '{"type":7,"error":"bye","allowReconnect":true}',
  },
  { name: "close-empty", protocols: ["json"], message: { type: 7 }, readable: '{"type":7,"error":null}' },
];

// ---------------------------------------------------------------------------------------------
// A JSON reader that keeps what JSON.parse loses: member order as written, integers exactly
// (BigInt), and whether a number had a fraction or exponent (a float in the readable form).

function parseOrdered(text) {
  let i = 0;
  const ws = () => {
    while (i < text.length && " \t\r\n".includes(text[i])) i++;
  };
  const fail = (what) => {
    throw new Error(`vector JSON: ${what} at ${i}`);
  };
  function value() {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      const entries = [];
      ws();
      if (text[i] === "}") {
        i++;
        return { obj: entries };
      }
      for (;;) {
        ws();
        const key = string();
        ws();
        if (text[i++] !== ":") fail("expected :");
        entries.push([key, value()]);
        ws();
        const d = text[i++];
        if (d === "}") return { obj: entries };
        if (d !== ",") fail("expected , or }");
      }
    }
    if (c === "[") {
      i++;
      const items = [];
      ws();
      if (text[i] === "]") {
        i++;
        return items;
      }
      for (;;) {
        items.push(value());
        ws();
        const d = text[i++];
        if (d === "]") return items;
        if (d !== ",") fail("expected , or ]");
      }
    }
    if (c === '"') return string();
    if (text.startsWith("true", i)) return (i += 4), true;
    if (text.startsWith("false", i)) return (i += 5), false;
    if (text.startsWith("null", i)) return (i += 4), null;
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 400));
    if (!m) fail("unexpected character");
    i += m[0].length;
    return m[2] || m[3] ? { float: Number(m[0]) } : { int: BigInt(m[0]) };
  }
  function string() {
    if (text[i] !== '"') fail("expected a string");
    const start = i;
    i++;
    while (text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i));
  }
  const v = value();
  ws();
  if (i !== text.length) fail("trailing text");
  return v;
}

const field = (o, name) => {
  const e = o.obj.find(([k]) => k === name);
  return e === undefined ? undefined : e[1];
};

// ---------------------------------------------------------------------------------------------
// From the readable form (HUB-3.3) to the JavaScript values the official implementations use.

const notes = new Set();

function unhex(h) {
  return Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));
}

function hex(bytes) {
  return Buffer.from(bytes).toString("hex");
}

function special(s) {
  return s === "NaN" ? NaN : s === "Infinity" ? Infinity : s === "-Infinity" ? -Infinity : undefined;
}

function floatOf(v) {
  if (typeof v === "string") return special(v);
  return v.float !== undefined ? v.float : Number(v.int);
}

function toJs(v) {
  if (v === null || typeof v === "boolean" || typeof v === "string") return v;
  if (Array.isArray(v)) return v.map(toJs);
  if (v.int !== undefined) {
    const n = Number(v.int);
    if (!Number.isSafeInteger(n) || BigInt(n) !== v.int) notes.add(`integer ${v.int} read as the double ${n}`);
    return n;
  }
  if (v.float !== undefined) return v.float;
  if (v.obj.length === 1 && v.obj[0][0].startsWith("$")) {
    const [tag, inner] = v.obj[0];
    switch (tag) {
      case "$bin":
        return unhex(inner);
      case "$float32":
        notes.add("float 32 read as a double");
        return floatOf(inner);
      case "$float64":
        return floatOf(inner);
      case "$ext":
        return new ExtData(Number(field(inner, "type").int), unhex(field(inner, "data")));
      case "$map": {
        const out = {};
        for (const [k, val] of inner) {
          if (typeof k !== "string" && !(k && k.int !== undefined)) {
            throw new Error(`a $map key the official parser cannot hold: ${JSON.stringify(k)}`);
          }
          if (typeof k !== "string") notes.add("integer map key read as a string");
          out[typeof k === "string" ? k : String(k.int)] = toJs(val);
        }
        return out;
      }
      default:
        throw new Error(`unknown tag ${tag}`);
    }
  }
  const out = {};
  for (const [k, val] of v.obj) out[k] = toJs(val);
  return out;
}

/** A readable message as a JavaScript object with every member it has, values converted. */
function readableToJs(rv) {
  const m = {};
  for (const [k, val] of rv.obj) m[k] = k === "type" || k === "sequenceId" ? Number(val.int) : toJs(val);
  return m;
}

const isEmpty = (o) => Object.keys(o).length === 0;

/**
 * What the official parser gives for a readable message: `null` when it ignores the type.
 * MessagePack: it drops nil or empty invocation ids of invocations, always sets `streamIds: []`
 * on invocations, reads a missing allowReconnect as undefined. JSON: JSON.parse's object, which
 * `normalizeJson` brings to the readable form's members.
 */
function expectParsed(m, protocol) {
  if (m.type === 4 || m.type === 5) return null;
  if (protocol === "json") return m;
  switch (m.type) {
    case 1: {
      const o = { type: 1, headers: m.headers, target: m.target, arguments: m.arguments, streamIds: [] };
      if (m.invocationId) o.invocationId = m.invocationId;
      return o;
    }
    case 2:
      return { type: 2, headers: m.headers, invocationId: m.invocationId, item: m.item };
    case 3:
      return { type: 3, headers: m.headers, invocationId: m.invocationId, error: m.error, result: m.result };
    case 7:
      return { type: 7, error: m.error, allowReconnect: m.allowReconnect };
    default:
      return m;
  }
}

/** A message parsed by JsonHubProtocol, with the members the readable form always has. */
function normalizeJson(o) {
  const m = { ...o };
  if (m.type >= 1 && m.type <= 5 && m.headers === undefined) m.headers = {};
  if ((m.type === 1 || m.type === 4) && m.invocationId === undefined) m.invocationId = null;
  if (m.type === 7 && m.error === undefined) m.error = null;
  return m;
}

/** The message object handed to the official writeMessage for a readable message. */
function toOfficial(m) {
  const o = { type: m.type };
  if (m.headers !== undefined && !isEmpty(m.headers)) o.headers = m.headers;
  switch (m.type) {
    case 1:
    case 4:
      if (m.invocationId !== null) o.invocationId = m.invocationId;
      o.target = m.target;
      o.arguments = m.arguments;
      if (m.streamIds !== undefined) o.streamIds = m.streamIds;
      break;
    case 2:
      o.invocationId = m.invocationId;
      o.item = m.item;
      break;
    case 3:
      o.invocationId = m.invocationId;
      if ("error" in m) o.error = m.error;
      if ("result" in m) o.result = m.result;
      break;
    case 5:
      o.invocationId = m.invocationId;
      break;
    case 7:
      if (m.error !== null) o.error = m.error;
      if (m.allowReconnect !== undefined) o.allowReconnect = m.allowReconnect;
      break;
    case 8:
    case 9:
      o.sequenceId = m.sequenceId;
      break;
  }
  return o;
}

// ---------------------------------------------------------------------------------------------
// Comparison: values compare with their member order; message members in any order; members
// whose value is undefined count as absent.

function diffValue(a, b, path) {
  if (typeof a === "number" && typeof b === "number") {
    return (Number.isNaN(a) && Number.isNaN(b)) || a === b ? null : `${path}: ${a} vs ${b}`;
  }
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    const ok = a instanceof Uint8Array && b instanceof Uint8Array && hex(a) === hex(b);
    return ok ? null : `${path}: bytes ${describe(a)} vs ${describe(b)}`;
  }
  if (a instanceof ExtData || b instanceof ExtData) {
    const ok = a && b && a.type === b.type && hex(a.data) === hex(b.data);
    return ok ? null : `${path}: ext ${describe(a)} vs ${describe(b)}`;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return `${path}: ${describe(a)} vs ${describe(b)}`;
    for (let i = 0; i < a.length; i++) {
      const d = diffValue(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (a && b && typeof a === "object" && typeof b === "object") {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.join("\u0000") !== kb.join("\u0000")) return `${path}: members ${ka} vs ${kb}`;
    for (const k of ka) {
      const d = diffValue(a[k], b[k], `${path}.${k}`);
      if (d) return d;
    }
    return null;
  }
  return a === b ? null : `${path}: ${describe(a)} vs ${describe(b)}`;
}

function diffMessage(expected, actual, path) {
  const keys = (o) => Object.keys(o).filter((k) => o[k] !== undefined).sort();
  const ke = keys(expected);
  const ka = keys(actual);
  if (ke.join() !== ka.join()) return `${path}: members ${ke} vs ${ka}`;
  for (const k of ke) {
    const d = diffValue(expected[k], actual[k], `${path}.${k}`);
    if (d) return d;
  }
  return null;
}

function describe(v) {
  if (v instanceof Uint8Array) return `<${v.length} bytes ${hex(v.subarray(0, 16))}${v.length > 16 ? "…" : ""}>`;
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 120 ? s.slice(0, 120) + "…" : s;
  } catch {
    return String(v);
  }
}

// ---------------------------------------------------------------------------------------------
// Running

const msgpack = new MessagePackHubProtocol();
const json = new JsonHubProtocol();

function officialParse(protocol, bytes) {
  if (protocol === "messagepack") {
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    return msgpack.parseMessages(buffer, NullLogger.instance);
  }
  return json.parseMessages(new TextDecoder().decode(bytes), NullLogger.instance);
}

function officialWrite(protocol, message) {
  if (protocol === "messagepack") return new Uint8Array(msgpack.writeMessage(message));
  return new TextEncoder().encode(json.writeMessage(message));
}

function vectorFiles(args) {
  const roots = args.length > 0 ? args : [join(here, "..", "vectors", "hub")];
  const out = [];
  const walk = (p) => {
    if (statSync(p).isDirectory()) {
      for (const name of readdirSync(p).sort()) walk(join(p, name));
    } else if (p.endsWith(".json")) {
      out.push(resolve(p));
    }
  };
  roots.forEach(walk);
  return out;
}

const failures = [];
const counts = { valid: 0, invalid: 0, parsedSame: 0, writtenSame: 0, writtenDiffers: 0, acceptedInvalid: 0 };
const seen = new Set();

for (const file of vectorFiles(process.argv.slice(2))) {
  const vector = parseOrdered(readFileSync(file, "utf8"));
  const id = field(vector, "id");
  seen.add(id);
  const slug = id.split("/").pop();
  const protocol = slug.startsWith("msgpack-") ? "messagepack" : slug.startsWith("json-") ? "json" : null;
  if (protocol === null) {
    failures.push(`${id}: slug does not name a protocol`);
    continue;
  }
  const bytes = unhex(field(vector, "hex"));
  const expect = field(vector, "expect");
  const valid = field(expect, "valid");

  if (valid === undefined) {
    // Invalid vector: informative only, but the list must stay accurate.
    counts.invalid++;
    let accepted;
    try {
      officialParse(protocol, bytes);
      accepted = true;
    } catch {
      accepted = false;
    }
    if (accepted) counts.acceptedInvalid++;
    if (accepted && !(id in OFFICIAL_ACCEPTS)) failures.push(`${id}: the official parser accepts it, and OFFICIAL_ACCEPTS does not say why`);
    if (!accepted && id in OFFICIAL_ACCEPTS) failures.push(`${id}: listed in OFFICIAL_ACCEPTS but the official parser rejects it`);
    continue;
  }

  counts.valid++;
  const readable = field(valid, "json").map(readableToJs);

  // 1. official parser -> readable
  try {
    const parsed = officialParse(protocol, bytes);
    const expected = readable.map((m) => expectParsed(m, protocol)).filter((m) => m !== null);
    const actual = protocol === "json" ? parsed.map(normalizeJson) : parsed;
    let d = expected.length === actual.length ? null : `${expected.length} messages expected, the official parser gives ${actual.length}`;
    for (let i = 0; d === null && i < expected.length; i++) d = diffMessage(expected[i], actual[i], `message ${i}`);
    if (d) failures.push(`${id}: official parser: ${d}`);
    else counts.parsedSame++;
  } catch (e) {
    failures.push(`${id}: the official parser rejects a valid vector: ${e.message}`);
  }

  // 2. readable -> official writer -> bytes
  let written;
  try {
    written = Buffer.concat(readable.map((m) => officialWrite(protocol, toOfficial(m))));
  } catch (e) {
    failures.push(`${id}: the official writer throws: ${e.message}`);
    continue;
  }
  const same = Buffer.compare(written, Buffer.from(bytes)) === 0;
  if (same) counts.writtenSame++;
  else counts.writtenDiffers++;
  if (!same && !(id in WRITER_DIFFERS)) {
    const at = [...written].findIndex((b, i) => b !== bytes[i]);
    failures.push(
      `${id}: the official writer writes other bytes (first difference at ${at < 0 ? Math.min(written.length, bytes.length) : at}):\n    official ${describe(new Uint8Array(written))}\n    vector   ${describe(bytes)}`,
    );
  }
  if (same && id in WRITER_DIFFERS) failures.push(`${id}: listed in WRITER_DIFFERS but the official writer now writes the vector's bytes`);
}

for (const id of [...Object.keys(WRITER_DIFFERS), ...Object.keys(OFFICIAL_ACCEPTS)]) {
  if (process.argv.length <= 2 && !seen.has(id)) failures.push(`${id}: listed, but there is no such vector`);
}

// 4. official writer -> Brasa (checked by conformance/tests/hub_node_agreement.rs)
let emitted = 0;
for (const c of WRITER_CASES) {
  for (const protocol of c.protocols ?? ["messagepack", "json"]) {
    const bytes = officialWrite(protocol, c.message);
    // The official parser must read its own bytes back, or the case itself is wrong.
    officialParse(protocol, bytes);
    process.stdout.write(`{"name":${JSON.stringify(c.name)},"protocol":"${protocol}","hex":"${hex(bytes)}","readable":[${c.readable}]}\n`);
    emitted++;
  }
}

// 5. Handshake: the official request -> Brasa; recorded responses -> official client and Brasa.
const HANDSHAKES = [
  { name: "handshake-accepted", request: { protocol: "blazorpack", version: 1 }, response: "{}\u001e", error: null },
  {
    name: "handshake-refused-protocol",
    request: { protocol: "json", version: 1 },
    response: '{"error":"The protocol \'json\' is not supported."}\u001e',
    error: "The protocol 'json' is not supported.",
  },
  {
    name: "handshake-refused-version",
    request: { protocol: "blazorpack", version: 99 },
    response: '{"error":"The server does not support version 99 of the \'blazorpack\' protocol."}\u001e',
    error: "The server does not support version 99 of the 'blazorpack' protocol.",
  },
];
const handshake = new HandshakeProtocol();
for (const h of HANDSHAKES) {
  const request = handshake.writeHandshakeRequest(h.request);
  // The success response comes in a binary frame, a refusal in a text frame (HUB-5.3); a ping may
  // follow the success response in the same frame.
  const trailing = h.error === null ? [0x02, 0x91, 0x06] : [];
  const frame = h.error === null ? Uint8Array.from([...new TextEncoder().encode(h.response), ...trailing]).buffer : h.response;
  const [rest, response] = handshake.parseHandshakeResponse(frame);
  const error = response.error === undefined ? null : response.error;
  if (error !== h.error) failures.push(`${h.name}: the official client reads the error ${describe(error)}, expected ${describe(h.error)}`);
  if (h.error === null) {
    const after = rest === null ? [] : msgpack.parseMessages(rest, NullLogger.instance);
    if (after.length !== 1 || after[0].type !== 6) failures.push(`${h.name}: the official client does not read the ping after the response`);
  } else if (rest !== null) {
    failures.push(`${h.name}: the official client finds data after the refusal`);
  }
  const readable = [JSON.stringify(h.request), JSON.stringify({ error: h.error, response: hex(new TextEncoder().encode(h.response)) })];
  process.stdout.write(
    `{"name":"${h.name}","protocol":"handshake","hex":"${hex(new TextEncoder().encode(request))}","readable":[${readable.join(",")}]}\n`,
  );
  emitted++;
}

console.error(
  `hub agreement with @microsoft/signalr ${versionOf("@microsoft/signalr")} and @microsoft/signalr-protocol-msgpack ${versionOf("@microsoft/signalr-protocol-msgpack")}:`,
);
console.error(
  `  ${counts.valid} valid vectors: ${counts.parsedSame} parsed as expected; ${counts.writtenSame} written back byte for byte, ${counts.writtenDiffers} differently (listed with reasons)`,
);
console.error(`  ${counts.invalid} invalid vectors: the official parser accepts ${counts.acceptedInvalid} (listed with reasons)`);
console.error(`  ${emitted} official-writer cases emitted for Brasa's decoder`);
for (const note of [...notes].sort()) console.error(`  note: the official implementation loses information: ${note}`);
if (failures.length > 0) {
  for (const f of failures) console.error(`DISAGREEMENT ${f}`);
  console.error(`${failures.length} disagreements`);
  process.exit(1);
}

function versionOf(name) {
  try {
    return JSON.parse(readFileSync(join(here, "node_modules", ...name.split("/"), "package.json"), "utf8")).version;
  } catch {
    return "?";
  }
}
