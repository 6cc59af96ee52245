// The committed dist/brasa.js and dist/size.txt are what `npm run build` makes from src/, and the
// bundle stays under 12 KiB brotli.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { build } from "esbuild";
import { bundleOptions, sizeReport } from "../build.mjs";

test("dist/brasa.js is up to date and under 12 KiB brotli", async () => {
  process.chdir(new URL("..", import.meta.url).pathname);
  const fresh = (await build({ ...bundleOptions, write: false })).outputFiles[0].contents;
  const committed = readFileSync("dist/brasa.js");
  assert.ok(Buffer.from(fresh).equals(committed), "dist/brasa.js is stale: run `npm run build`");
  const { text, br } = sizeReport(committed);
  assert.equal(readFileSync("dist/size.txt", "utf8"), text, "dist/size.txt is stale: run `npm run build`");
  assert.ok(br < 12 * 1024, "brotli size " + br);
});

test("the bundle runs in a page: window.Brasa, autostart, error UI when the server is unreachable", async () => {
  const { JSDOM } = await import("jsdom");
  const { window } = new JSDOM('<!DOCTYPE html><body><!--Blazor:{"type":"server","sequence":0,"descriptor":"D"}--></body>',
    { url: "http://localhost:5000/", runScripts: "outside-only" });
  const errors = [];
  window.console.error = (e) => errors.push(String(e));
  Object.assign(window, { TextDecoder, TextEncoder }); // jsdom lacks them; browsers have them
  window.fetch = async () => { throw new Error("unreachable"); };
  window.eval(readFileSync("dist/brasa.js", "utf8"));
  assert.equal(typeof window.Brasa.start, "function");
  for (let i = 0; i < 50 && !window.document.getElementById("blazor-error-ui"); i++) await new Promise((r) => setTimeout(r, 0));
  assert.ok(window.document.getElementById("blazor-error-ui"), "error UI shown");
  assert.match(errors[0], /unreachable/);
});
