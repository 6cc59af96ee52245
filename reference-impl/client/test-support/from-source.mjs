// Imports the client's TypeScript modules straight from src/: `fromSource(code)` bundles `code`
// (an ES module whose imports are relative to the client's directory) with esbuild into a
// temporary file, imports it and deletes the file. The Node filters use it so that they never
// depend on, or race with, the build/ directory of `npm test`.
import { build } from "esbuild";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const client = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export async function fromSource(code) {
  const dir = mkdtempSync(path.join(tmpdir(), "brasa-client-"));
  try {
    const outfile = path.join(dir, "module.mjs");
    await build({
      stdin: { contents: code, resolveDir: client, loader: "ts" }, outfile, bundle: true, format: "esm",
      platform: "neutral", target: "es2020", logLevel: "warning",
    });
    return await import(pathToFileURL(outfile).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
