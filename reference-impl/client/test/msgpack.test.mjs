// The MessagePack codec and hub framing against every recorded message of the counter capture:
// decoding the recorded bytes gives the recorded message; encoding a client message gives the
// recorded bytes exactly.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { encode, decode, frame, unframe } from "../build/msgpack.js";

const dir = new URL("../../../../shared/reference/captures/prerender/counter/", import.meta.url);
const hex = (h) => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));
const toHex = (b) => Buffer.from(b).toString("hex");
const records = readFileSync(new URL("messages.jsonl", dir), "utf8").trim().split("\n").map((l) => JSON.parse(l));

// The recorded msg with each {"batchFile"} replaced by the batch's bytes.
function withBatches(msg) {
  return JSON.parse(JSON.stringify(msg), (k, v) =>
    v && typeof v === "object" && v.batchFile ? new Uint8Array(readFileSync(new URL("batches/" + v.batchFile, dir))) : v);
}

test("recorded hub messages decode and client messages re-encode byte for byte", () => {
  let n = 0;
  for (const r of records.filter((r) => r.raw)) {
    const msg = withBatches(r.msg);
    assert.deepEqual(decode(hex(r.raw)), msg);
    if (r.dir === "out") assert.equal(toHex(encode(msg)), r.raw);
    n++;
  }
  assert.ok(n > 20);
});

test("framing: several messages in one frame, long length prefixes", () => {
  const big = "x".repeat(70000);
  const data = new Uint8Array([...frame([6]), ...frame([1, {}, null, "T", [big, new Uint8Array(300), -5, 1.5, -40000, 2 ** 40]])]);
  assert.deepEqual(unframe(data), [[6], [1, {}, null, "T", [big, new Uint8Array(300), -5, 1.5, -40000, 2 ** 40]]]);
  assert.throws(() => unframe(new Uint8Array([5, 0x91])));
  assert.throws(() => decode(new Uint8Array([0x91, 1, 2])));
});
