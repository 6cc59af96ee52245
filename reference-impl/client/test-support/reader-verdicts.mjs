// The client's reader (src/reader.ts) as a filter, for conformance/tests/reader_agreement.rs:
// one batch per line of standard input, as hex; one JSON line per batch on standard output:
// {"valid": canonical form} when the reader accepts it, {"error", "offset", "requirement"} when
// it rejects it with a BatchError, {"crash": message} when anything else is thrown.
//
// Builds the reader from its source into a temporary file first, so that it never depends on, or
// races with, the build/ directory of `npm test`.
import { build } from "esbuild";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { canonical } from "./frames.mjs";

const client = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dir = mkdtempSync(path.join(tmpdir(), "brasa-reader-"));
let readBatch, BatchError;
try {
  const outfile = path.join(dir, "reader.mjs");
  await build({
    entryPoints: [path.join(client, "src/reader.ts")], outfile, bundle: true, format: "esm",
    platform: "neutral", target: "es2020", logLevel: "warning",
  });
  ({ readBatch, BatchError } = await import(pathToFileURL(outfile).href));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

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
