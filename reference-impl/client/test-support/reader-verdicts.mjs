// The client's reader (src/reader.ts) as a filter, for conformance/tests/reader_agreement.rs:
// one batch per line of standard input, as hex; one JSON line per batch on standard output:
// {"valid": canonical form} when the reader accepts it, {"error", "offset", "requirement"} when
// it rejects it with a BatchError, {"crash": message} when anything else is thrown.
//
// The reader is built from its source (./from-source.mjs).
import { readFileSync } from "node:fs";
import { canonical } from "./frames.mjs";
import { fromSource } from "./from-source.mjs";

const { readBatch, BatchError } = await fromSource('export { readBatch, BatchError } from "./src/reader.ts";');

const hex = (h) => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));
const out = [];
const lines = readFileSync(0, "utf8").split("\n");
lines.pop(); // after the last newline (an empty line is an empty batch)
for (const line of lines) {
  let verdict;
  try {
    verdict = { valid: canonical(readBatch(hex(line))) };
  } catch (e) {
    verdict = e instanceof BatchError
      ? { error: e.kind, offset: e.offset, requirement: e.requirement }
      : { crash: String(e && e.stack || e) };
  }
  out.push(JSON.stringify(verdict));
}
process.stdout.write(out.join("\n") + "\n");
