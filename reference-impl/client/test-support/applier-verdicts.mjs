// The client's reader and applier (src/reader.ts, src/dom.ts) on jsdom as a filter, for
// conformance/tests/applier_agreement.rs: one sequence of batches per line of standard input
// (hex batches separated by spaces), each applied in order to a fresh root element holding root
// component 0's container (ED-1.3); one JSON line per sequence on standard output: {"html": [...],
// "handlers": [...]} with the root's HTML and the registered handlers after each batch, or, when
// a batch cannot be read or applied, the same up to it and {"error": message, "batch": index}.
//
// The two modules are built from their sources (./from-source.mjs).
import { JSDOM } from "jsdom";
import { readFileSync } from "node:fs";
import { fromSource } from "./from-source.mjs";
import { handlers } from "./handlers.mjs";
import { innerHTML } from "./html.mjs";

const { readBatch, Applier } = await fromSource(
  'export { readBatch } from "./src/reader.ts"; export { Applier } from "./src/dom.ts";',
);

const { window } = new JSDOM("<!DOCTYPE html><html><body></body></html>");
const doc = window.document;
const hex = (h) => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));
const lines = readFileSync(0, "utf8").split("\n");
lines.pop(); // after the last newline
const out = [];
for (const line of lines) {
  doc.body.textContent = "";
  const rootEl = doc.createElement("div");
  doc.body.appendChild(rootEl);
  const marker = doc.createComment("!");
  rootEl.appendChild(marker);
  const applier = new Applier(doc);
  applier.attachRoot(0, marker);
  const result = { html: [], handlers: [] };
  const batches = line ? line.split(" ") : [];
  for (let i = 0; i < batches.length; i++) {
    try {
      applier.apply(readBatch(hex(batches[i])));
    } catch (e) {
      result.error = String(e && e.message || e);
      result.batch = i;
      break;
    }
    result.html.push(innerHTML(rootEl));
    result.handlers.push(handlers(applier, rootEl));
  }
  out.push(JSON.stringify(result));
}
process.stdout.write(out.join("\n") + "\n");
