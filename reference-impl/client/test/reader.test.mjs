// Every render-batch conformance vector through the reader (spec/render-batch.md).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { readBatch, BatchError } from "../build/reader.js";
import { canonical } from "../test-support/frames.mjs";

const root = new URL("../../../conformance/vectors/render-batch/", import.meta.url);
const hex = (h) => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));

for (const kind of ["valid", "invalid"]) {
  for (const file of readdirSync(new URL(kind + "/", root)).filter((f) => f.endsWith(".json")).sort()) {
    const vector = JSON.parse(readFileSync(new URL(kind + "/" + file, root), "utf8"));
    test(vector.id, () => {
      const bytes = hex(vector.hex);
      if (vector.expect.valid) {
        assert.deepEqual(canonical(readBatch(bytes)), vector.expect.valid.json);
      } else {
        const want = vector.expect.invalid;
        let got;
        try { readBatch(bytes); } catch (e) { got = e; }
        assert.ok(got instanceof BatchError, "expected a rejection, got " + (got ?? "acceptance"));
        assert.deepEqual(
          { error: got.kind, requirement: got.requirement, offset: got.offset },
          { error: want.error, requirement: want.requirement, offset: want.offset },
        );
      }
    });
  }
}
