// Issue 13: Brasa's browser client alone, reading and applying the big page's render batches in
// headless Chromium, without the server, the network or capture.mjs's recording around it.
//
//   node benches/browser/replay.mjs [--runs N] [--brasa PATH] [--chromium PATH] [--profile LABEL [--lines]]
//                                   [--save FILE | --batches FILE]
//
// Needs the client's Node build (`node build.mjs --test` in reference-impl/client) for its
// blazorpack decoder, and playwright-core in conformance/harness.
// 1. Records the batches: starts `brasa serve --app conformance` (the release binary by default)
//    and runs the `big` scenario of ../shared/tools/browser/capture.mjs once; every JS.RenderBatch
//    the server sent is taken from the recorded frames, with the JS.AttachComponent before it,
//    and labelled with capture.mjs's timed step that it answered (one batch per step, in order).
//    --save FILE writes them to FILE; --batches FILE reads such a file instead of recording.
// 2. Replays them N times (default 7), each time in a fresh page holding the client's reader and
//    applier (src/reader.ts and src/dom.ts bundled unminified), with a MutationObserver on body
//    as capture.mjs's timed steps have and a rendered frame between batches (so that removed rows
//    had been laid out, as in the benchmark). Per operation it prints the median and best time
//    of reading the batch (readBatch) and of applying it (Applier.apply), in ms.
// --profile LABEL: records a V8 CPU profile of that operation in the last run and prints the
// functions with the most self time; with --lines also the samples per line of the bundle
// (written to the temporary directory as replay-bundle.js, for reading the lines).
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const opt = (name, fallback) => {
  const i = process.argv.indexOf("--" + name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const runs = Number(opt("runs", 7));
const brasa = path.resolve(opt("brasa", path.join(repo, "target/release/brasa")));
const chromiumPath = opt("chromium", process.env.CHROMIUM ?? "/usr/bin/chromium");
const profileLabel = opt("profile", null);
const harness = path.join(repo, "conformance/harness");
const clientDir = path.join(repo, "reference-impl/client");
const require = createRequire(harness + "/");
const { chromium } = require("playwright-core");
const esbuild = createRequire(clientDir + "/")("esbuild");

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const freePort = () => new Promise((resolve, reject) => {
  const s = net.createServer();
  s.on("error", reject);
  s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

// Blazorpack frames: a 7-bit varint length, then one MessagePack message; only what the server's
// invocations use is decoded here (the client's own decoder, built for the Node tests).
const { unframe } = await import(path.join(clientDir, "build/msgpack.js")).catch(() => {
  console.error("replay: run `node build.mjs --test` in reference-impl/client first"); process.exit(2);
});

async function record() {
  for (const [what, file] of [["brasa", brasa], ["chromium", chromiumPath]])
    if (!fs.existsSync(file)) { console.error(`replay: ${what} not found at ${file}`); process.exit(2); }
  const serverPort = await freePort();
  let proxyPort = await freePort();
  while (proxyPort == serverPort) proxyPort = await freePort();
  const server = spawn(brasa, ["serve", "--app", "conformance", "--addr", `127.0.0.1:${serverPort}`], { stdio: "ignore" });
  try {
    for (let i = 0; ; i++) {
      try { if ((await fetch(`http://127.0.0.1:${serverPort}/big`)).ok) break; } catch { /* not up yet */ }
      if (i > 100 || server.exitCode !== null) throw new Error("brasa serve did not answer");
      await sleep(100);
    }
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "brasa-replay-"));
    const env = { ...process.env, SERVER_PORT: String(serverPort), PROXY_PORT: String(proxyPort), CHROMIUM: chromiumPath };
    delete env.REAL_CLIENT;
    const code = await new Promise((resolve) => {
      const child = spawn(process.execPath, [path.resolve(repo, "../shared/tools/browser/capture.mjs"), out, "big"],
        { cwd: harness, env, stdio: "ignore" });
      child.on("close", resolve);
    });
    if (code) throw new Error("capture.mjs failed");
    const steps = JSON.parse(fs.readFileSync(path.join(out, "big/steps.json"), "utf8")).filter((s) => s.timed);
    const items = [];
    for (const line of fs.readFileSync(path.join(out, "big/frames.jsonl"), "utf8").split("\n")) {
      if (!line) continue;
      const f = JSON.parse(line);
      if (f.dir != "in" || f.opcode != 2) continue;
      let messages;
      try { messages = unframe(Buffer.from(f.payload, "base64")); } catch { continue; } // not a whole blazorpack message (e.g. a ping's separator)
      for (const m of messages) {
        if (!Array.isArray(m) || m[0] != 1) continue;
        const [, , , target, args] = m;
        if (target == "JS.AttachComponent") items.push({ attach: args[0] });
        if (target == "JS.RenderBatch") items.push({ hex: Buffer.from(args[1]).toString("hex") });
      }
    }
    fs.rmSync(out, { recursive: true, force: true });
    // Each timed step is one click answered by one batch; the batches before them are the
    // page's first render.
    const batches = items.filter((i) => i.hex), initial = batches.length - steps.length;
    if (initial < 1) throw new Error(`${batches.length} batches for ${steps.length} timed steps`);
    batches.forEach((b, i) => (b.label = i < initial ? "initial render" : steps[i - initial].timed));
    return items;
  } finally {
    server.kill();
  }
}

const items = opt("batches", null) ? JSON.parse(fs.readFileSync(opt("batches"), "utf8")) : await record();
if (opt("save", null)) fs.writeFileSync(opt("save"), JSON.stringify(items));

// The client's reader and applier, unminified so that a profile names their functions.
const bundle = (await esbuild.build({
  stdin: {
    contents: 'import { readBatch } from "./src/reader"; import { Applier } from "./src/dom"; window.Replay = { readBatch, Applier };',
    resolveDir: clientDir, loader: "ts",
  },
  bundle: true, format: "iife", target: "es2020", write: false, logLevel: "warning",
})).outputFiles[0].text;

const browser = await chromium.launch({
  executablePath: chromiumPath,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const times = {}; // label → { read: [], apply: [] }
const batches = items.filter((i) => i.hex);
let profile = null;
for (let r = 0; r < runs; r++) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
  const page = await context.newPage();
  await page.setContent(`<!DOCTYPE html><html><head><link rel="stylesheet" href="data:text/css,"></head><body><div id="app"></div></body></html>`);
  await page.addScriptTag({ content: bundle });
  await page.evaluate(() => {
    window.R = { applier: new window.Replay.Applier(document, () => {}) };
  });
  const cdp = profileLabel && r == runs - 1 ? await context.newCDPSession(page) : null;
  if (cdp) { await cdp.send("Profiler.enable"); await cdp.send("Profiler.setSamplingInterval", { interval: 100 }); }
  for (const item of items) {
    if (item.attach !== undefined) {
      await page.evaluate((id) => window.R.applier.attachRoot(id, document.getElementById("app")), item.attach);
      continue;
    }
    const profiling = cdp && item.label == profileLabel;
    // The bytes are in the page before the clock starts.
    await page.evaluate((b64) => {
      const text = atob(b64), bytes = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
      window.R.bytes = bytes;
    }, Buffer.from(item.hex, "hex").toString("base64"));
    if (profiling) await cdp.send("Profiler.start");
    const t = await page.evaluate(async () => {
      const bytes = window.R.bytes;
      const mo = new MutationObserver(() => {});
      mo.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
      const t0 = performance.now();
      const batch = window.Replay.readBatch(bytes);
      const t1 = performance.now();
      window.R.applier.apply(batch);
      const t2 = performance.now();
      mo.takeRecords();
      mo.disconnect();
      // A rendered frame before the next batch: what it removes has been laid out.
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      return [t1 - t0, t2 - t1];
    });
    if (profiling) profile = (await cdp.send("Profiler.stop")).profile;
    const entry = (times[item.label] ||= { read: [], apply: [], bytes: item.hex.length / 2 });
    // Several batches for one step (e.g. the initial render): summed per run.
    if (entry.read.length > r) { entry.read[r] += t[0]; entry.apply[r] += t[1]; }
    else { entry.read.push(t[0]); entry.apply.push(t[1]); }
  }
  await context.close();
}
await browser.close();

const median = (a) => { const s = [...a].sort((x, y) => x - y), m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const f = (x) => (x < 10 ? x.toFixed(2) : x.toFixed(1));
console.log(`Brasa client replaying the big page's batches in headless Chromium (${runs} runs, ms; ${batches.length} batches; ${os.cpus().length} CPUs, load ${os.loadavg().map((x) => x.toFixed(2)).join(" ")})\n`);
console.log("| operation | batch bytes | read median (best) | apply median (best) |");
console.log("|---|---:|---:|---:|");
for (const [label, e] of Object.entries(times))
  console.log(`| ${label} | ${e.bytes} | ${f(median(e.read))} (${f(Math.min(...e.read))}) | ${f(median(e.apply))} (${f(Math.min(...e.apply))}) |`);

if (profile) {
  // Self time per function (sampled), from the profile's nodes and samples.
  const self = new Map(), byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const dt = profile.timeDeltas;
  profile.samples.forEach((id, i) => {
    const n = byId.get(id), cf = n.callFrame;
    const key = `${cf.functionName || "(anonymous)"} ${cf.url ? "" : ""}${cf.lineNumber >= 0 ? ":" + (cf.lineNumber + 1) : ""}`;
    self.set(key, (self.get(key) ?? 0) + (dt[i + 1] ?? 0) / 1000);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  console.log(`\nCPU profile of "${profileLabel}" (last run), self time, ms (total ${total.toFixed(1)}):`);
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${v.toFixed(2).padStart(8)}  ${k}`);
  if (process.argv.includes("--lines")) {
    // Samples per source line of the bundle (the profile's position ticks, one per 100 µs
    // sample) for the lines with the most; the bundle is written out for reading them.
    const lines = new Map();
    for (const n of profile.nodes)
      for (const { line, ticks } of n.positionTicks ?? []) {
        const key = `${n.callFrame.functionName}:${line}`;
        lines.set(key, (lines.get(key) ?? 0) + ticks);
      }
    fs.writeFileSync(path.join(os.tmpdir(), "replay-bundle.js"), bundle);
    console.log(`\nSamples per line (bundle in ${path.join(os.tmpdir(), "replay-bundle.js")}):`);
    for (const [k, v] of [...lines].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(`${String(v).padStart(8)}  ${k}`);
  }
}
