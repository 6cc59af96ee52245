// Every semantic conformance vector through reader + applier on jsdom (spec/edits.md).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { readBatch } from "../build/reader.js";
import { ApplyError } from "../build/dom.js";
import { innerHTML } from "../test-support/html.mjs";
import { setup } from "../test-support/page.mjs";
import { handlers } from "../test-support/handlers.mjs";

const root = new URL("../../../conformance/vectors/semantics/", import.meta.url);
const hex = (h) => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));

for (const kind of ["valid", "invalid"]) {
  for (const file of readdirSync(new URL(kind + "/", root)).filter((f) => f.endsWith(".json")).sort()) {
    const vector = JSON.parse(readFileSync(new URL(kind + "/" + file, root), "utf8"));
    test(vector.id, () => {
      const { rootEl, applier } = setup();
      vector.batches.forEach((h, i) => {
        const batch = readBatch(hex(h));
        if (kind === "invalid" && vector.expect.batch === i) {
          let got;
          try { applier.apply(batch); } catch (e) { got = e; }
          assert.ok(got instanceof ApplyError, "expected an apply error, got " + (got ?? "success"));
          assert.deepEqual({ error: got.kind, requirement: got.requirement },
            { error: vector.expect.error, requirement: vector.expect.requirement });
          return;
        }
        if (kind === "invalid" && i > vector.expect.batch) return;
        applier.apply(batch);
        if (kind === "valid") {
          assert.equal(innerHTML(rootEl), vector.expect.html[i], "html after batch " + i);
          assert.deepEqual(handlers(applier, rootEl), vector.expect.handlers[i], "handlers after batch " + i);
        }
      });
    });
  }
}
