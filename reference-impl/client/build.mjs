// `node build.mjs`: builds dist/brasa.js (one minified IIFE) and dist/size.txt.
// `node build.mjs --test`: compiles src/*.ts to build/ (ES modules) for the Node tests.
import { build } from "esbuild";
import { readdirSync, writeFileSync } from "node:fs";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";

export const bundleOptions = {
  entryPoints: ["src/main.ts"], bundle: true, minify: true, format: "iife",
  target: "es2020", legalComments: "none", logLevel: "warning",
  // Short names for members that no page or test reaches in the bundle: each name here is used
  // only as a property of Brasa's own objects (never a DOM or JS built-in's, never a key of data
  // sent to the server or parsed from it), so renaming it throughout the bundle is safe. Class
  // fields must compile to assignments (tsconfig): defined with a string key, they would keep
  // their names while their uses are renamed.
  mangleProps: new RegExp("^(" + ["updateBatch", "reconnecting", "onInvocation", "nextObject", "navCall", "listening",
    "intercepting", "isComponent", "insertFrame", "dotNetObject", "intercept", "shutdown", "timers", "parsed", "gone",
    "changing", "within", "retry", "started", "listeners", "pending", "attachRoot", "components", "handlers",
    "onEvent", "nextBatch", "applier", "callId", "calls", "objects", "streams", "transmit", "secret", "doc", "node",
    "attr", "listen", "edits", "hasChild", "ended", "base", "closed", "post", "markers",
    // the reader's batch, read only by the applier in the bundle (the Node tests use build/)
    "ft", "fl", "fc", "fs", "fv", "fh", "frameCount", "updatedComponents", "disposedComponentIds", "disposedEventHandlerIds", "siblingIndex",
    "referenceFrameIndex", "moveToSiblingIndex", "subtreeLength", "eventHandlerId"].join("|") + ")$"),
};

export function sizeReport(raw) {
  const gz = gzipSync(raw, { level: 9 }).length;
  const br = brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  return { text: `dist/brasa.js\nraw ${raw.length} bytes\ngzip ${gz} bytes\nbrotli ${br} bytes (${(br / 1024).toFixed(2)} KiB; target < 12 KiB)\n`, br };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes("--test")) {
    await build({
      entryPoints: readdirSync("src").filter((f) => f.endsWith(".ts")).map((f) => "src/" + f),
      outdir: "build", bundle: true, format: "esm", platform: "neutral", target: "es2020", logLevel: "warning",
    });
  } else {
    const result = await build({ ...bundleOptions, write: false });
    const raw = result.outputFiles[0].contents;
    writeFileSync("dist/brasa.js", raw);
    const report = sizeReport(raw).text;
    writeFileSync("dist/size.txt", report);
    process.stdout.write(report);
  }
}
