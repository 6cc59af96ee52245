// Reconnection, session end and the unload beacon against `brasa serve`, in headless Chromium,
// through the cutting proxy of ../shared/tools/browser/proxy.mjs. Each mode prints one JSON summary
// line on stdout for cli/tests/end_to_end_reconnect.rs to assert on, and writes frames.jsonl (the
// WebSocket frames, in capture.mjs's format) to OUTDIR.
//
//   node reconnect.mjs resend OUTDIR   acks held back in the page, three clicks, the socket cut: the
//                                      unacknowledged batches must come back on the new socket
//   node reconnect.mjs expiry OUTDIR   the connection refused past the retention period (run the
//                                      server with --retention 2): the client shows the session ended
//   node reconnect.mjs close OUTDIR    the page closed: the beacon ends the circuit (server /metrics)
//   node reconnect.mjs analyze DIR     the messages of DIR/frames.jsonl (capture.mjs's or ours), by socket
//
// Env: SERVER_PORT (brasa serve), PROXY_PORT, CHROMIUM, SHARED (default ../../../shared).
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
const require = createRequire(import.meta.url);
const { decode } = require("@msgpack/msgpack");

const here = path.dirname(fileURLToPath(import.meta.url));
const SHARED = process.env.SHARED ?? path.resolve(here, "../../../shared");
const [mode, out = "out"] = process.argv.slice(2);
const SERVER = Number(process.env.SERVER_PORT ?? 5000);
const PROXY = Number(process.env.PROXY_PORT ?? 5100);
const base = `http://127.0.0.1:${PROXY}`;

// ---- frames.jsonl → hub messages, by socket ----

function* split(buf) { // SignalR MessagePack framing: varint length + payload
  let at = 0;
  while (at < buf.length) {
    let len = 0, shift = 0, b;
    do { b = buf[at++]; len |= (b & 0x7f) << shift; shift += 7; } while (b & 0x80);
    yield buf.subarray(at, at + len);
    at += len;
  }
}

// One entry per hub message: { ws, dir, t, kind, target?, id?, batchId?, result? }.
export function analyze(file) {
  const messages = [], sockets = [];
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    if (!line.trim()) continue;
    const f = JSON.parse(line);
    if (f.event === "open") { sockets.push({ ws: f.ws, url: f.url, t: f.t }); continue; }
    if (f.event) continue;
    let data = f.opcode === 2 ? Buffer.from(f.payload, "base64") : Buffer.from(f.payload, "utf8");
    if (data[0] === 0x7b) { // a handshake, maybe followed by messages
      const end = data.indexOf(0x1e);
      messages.push({ ws: f.ws, dir: f.dir, t: f.t, kind: "handshake", text: data.subarray(0, end).toString() });
      data = data.subarray(end + 1);
    }
    if (f.opcode !== 2) continue;
    for (const m of split(data)) {
      let msg;
      try { msg = decode(m); } catch (e) { messages.push({ ws: f.ws, dir: f.dir, t: f.t, kind: "undecodable", error: String(e) }); continue; }
      const e = { ws: f.ws, dir: f.dir, t: f.t, kind: ["?", "invocation", "item", "completion", "streaminvocation", "cancel", "ping", "close"][msg[0]] ?? String(msg[0]) };
      if (msg[0] === 1) {
        e.id = msg[2]; e.target = msg[3];
        const a = msg[4] ?? [];
        if (e.target === "JS.RenderBatch" || e.target === "OnRenderCompleted") { e.batchId = Number(a[0]); if (e.target === "OnRenderCompleted") e.error = a[1]; }
        else if (e.target === "JS.BeginInvokeJS") e.identifier = a[1];
        else if (e.target === "BeginInvokeDotNetFromJS") e.method = a[2];
      } else if (msg[0] === 3) {
        e.id = msg[2]; const kind = msg[3];
        if (kind === 1) e.error = msg[4]; else if (kind === 3) e.result = msg[4];
      } else if (msg[0] === 7) e.error = msg[1] ?? null;
      messages.push(e);
    }
  }
  // Each ConnectCircuit invocation, its completion and the batches that came before the completion.
  const connects = [];
  for (const m of messages) {
    if (m.dir !== "out" || m.target !== "ConnectCircuit") continue;
    const done = messages.find((c) => c.ws === m.ws && c.dir === "in" && c.kind === "completion" && c.id === m.id);
    const before = messages.filter((b) => b.ws === m.ws && b.dir === "in" && b.target === "JS.RenderBatch" &&
      messages.indexOf(b) > messages.indexOf(m) && (!done || messages.indexOf(b) < messages.indexOf(done)));
    connects.push({ ws: m.ws, answered: done ? (done.error ?? done.result) : "no completion", batchesBefore: before.map((b) => b.batchId) });
  }
  // By socket: the batch ids received and the acks sent.
  const bySocket = sockets.map((s) => ({
    ws: s.ws, url: s.url,
    received: messages.filter((m) => m.ws === s.ws && m.dir === "in" && m.target === "JS.RenderBatch").map((m) => m.batchId),
    acked: messages.filter((m) => m.ws === s.ws && m.dir === "out" && m.target === "OnRenderCompleted").map((m) => m.batchId),
    ackErrors: messages.filter((m) => m.ws === s.ws && m.dir === "out" && m.target === "OnRenderCompleted" && m.error != null).map((m) => m.error),
  }));
  // What the client applies: a batch is applied when it is the next id (later copies are only re-acked).
  const applied = [];
  for (const m of messages) {
    if (m.dir !== "in" || m.target !== "JS.RenderBatch") continue;
    if (!applied.length || m.batchId === applied[applied.length - 1] + 1) applied.push(m.batchId);
  }
  const received = messages.filter((m) => m.dir === "in" && m.target === "JS.RenderBatch").map((m) => m.batchId);
  return { sockets: bySocket, connects, applied, received, errors: messages.filter((m) => m.target === "JS.Error" || m.kind === "undecodable" || (m.kind === "close" && m.error)) };
}

if (mode === "analyze") {
  process.stdout.write(JSON.stringify(analyze(path.join(out, "frames.jsonl"))) + "\n");
  process.exit(0);
}

// ---- the browser modes ----

const { chromium } = require("playwright-core");
const { startProxy } = await import(pathToFileURL(path.join(SHARED, "tools/browser/proxy.mjs")).href);

fs.mkdirSync(out, { recursive: true });
const summary = { mode, steps: [], pageErrors: [], console: [], http: [] };
const step = (s) => summary.steps.push(s);
const t0 = Date.now();
const deadline = setTimeout(() => { summary.error = "timed out after 60 s"; done(1); }, 60000);
const frames = fs.createWriteStream(path.join(out, "frames.jsonl"));
const proxy = startProxy(PROXY, SERVER, (e) => summary.http.push(e.conn));
let browser;

async function done(code) {
  clearTimeout(deadline);
  try { await browser?.close(); } catch {}
  proxy.close();
  await new Promise((r) => frames.end(r));
  try { summary.frames = analyze(path.join(out, "frames.jsonl")); } catch (e) { summary.analyzeError = String(e); }
  process.stdout.write(JSON.stringify(summary) + "\n");
  process.exit(code);
}

async function metrics() {
  const text = await (await fetch(`http://127.0.0.1:${SERVER}/metrics`)).text();
  const m = {};
  for (const line of text.split("\n")) {
    const r = /^(\S+)\s+(\d+)$/.exec(line.trim());
    if (r) m[r[1].replace(/\{reason="(\w+)"\}/, "_$1")] = Number(r[2]);
  }
  return m;
}

try {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
  // Acks can be held back in the page: OnRenderCompleted messages are dropped while window.__holdAcks.
  await context.addInitScript(() => {
    const send = WebSocket.prototype.send, needle = [...new TextEncoder().encode("OnRenderCompleted")];
    const has = (bytes) => {
      outer: for (let i = 0; i + needle.length <= bytes.length; i++) {
        for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
        return true;
      }
      return false;
    };
    window.__heldAcks = 0;
    WebSocket.prototype.send = function (data) {
      if (window.__holdAcks && typeof data !== "string") {
        const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
        if (has(bytes)) { window.__heldAcks++; return; }
      }
      return send.call(this, data);
    };
  });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  const sockets = new Map();
  let received = 0;
  cdp.on("Network.webSocketCreated", (e) => {
    sockets.set(e.requestId, sockets.size);
    frames.write(JSON.stringify({ t: Date.now() - t0, ws: sockets.get(e.requestId), event: "open", url: e.url }) + "\n");
  });
  cdp.on("Network.webSocketClosed", (e) => frames.write(JSON.stringify({ t: Date.now() - t0, ws: sockets.get(e.requestId), event: "closed" }) + "\n"));
  const frame = (dir) => (e) => {
    if (dir === "in") received++;
    frames.write(JSON.stringify({ t: Date.now() - t0, ws: sockets.get(e.requestId), dir, opcode: e.response.opcode, payload: e.response.payloadData }) + "\n");
  };
  cdp.on("Network.webSocketFrameSent", frame("out"));
  cdp.on("Network.webSocketFrameReceived", frame("in"));
  page.on("pageerror", (err) => summary.pageErrors.push(String(err)));
  page.on("console", (m) => summary.console.push(`${m.type()}: ${m.text()}`));

  const count = () => page.evaluate(() => document.querySelector("#count")?.textContent ?? null);
  const text = (sel, want, timeout = 10000) =>
    page.waitForFunction(([s, w]) => document.querySelector(s)?.textContent?.includes(w), [sel, want], { timeout });
  const modal = () => page.evaluate(() => {
    const m = document.getElementById("components-reconnect-modal"), ui = document.getElementById("brasa-reconnect");
    const shown = (el) => !!el && el.checkVisibility?.() !== false && getComputedStyle(el).display !== "none";
    return {
      modalClass: m?.className ?? null, modalOpen: m ? m.open : null, modalVisible: shown(m),
      modalText: m ? m.innerText.trim() : null, overlay: ui ? ui.innerText.trim() : null, overlayVisible: shown(ui),
    };
  });
  const click = async (n) => { await page.click("#inc"); await text("#count", `count: ${n}`); step({ clicked: n, count: await count() }); };
  const interactive = async () => {
    await page.goto(base + "/counter", { waitUntil: "load" });
    const start = Date.now();
    while (received < 2 && Date.now() - start < 15000) await page.waitForTimeout(50);
    await page.waitForTimeout(300);
    step({ interactive: received, count: await count() });
  };

  if (mode === "resend") {
    await interactive();
    await click(1); await click(2);
    await page.evaluate(() => { window.__holdAcks = true; });
    step("hold acks");
    await click(3); await click(4); await click(5);
    await page.evaluate(() => { window.__holdAcks = false; });
    summary.heldAcks = await page.evaluate(() => window.__heldAcks);
    step("sever"); proxy.sever();
    await page.waitForFunction(() => document.getElementById("components-reconnect-modal")?.className === "components-reconnect-hide"
      || document.getElementById("brasa-reconnect")?.style.display === "none", null, { timeout: 15000 }).catch((e) => step(`no hide: ${e}`));
    await page.waitForTimeout(500);
    summary.reconnected = { ...(await modal()), count: await count() };
    step({ reconnected: summary.reconnected });
    await click(6); await click(7);
    summary.after = await count();
  } else if (mode === "expiry") {
    await interactive();
    await click(1);
    step("refuse and sever"); proxy.refuse(true); proxy.sever();
    await page.waitForTimeout(3500);
    summary.metricsRefused = await metrics();
    step("allow"); proxy.refuse(false);
    const start = Date.now();
    await page.waitForFunction(() => /components-reconnect-(rejected|failed)/.test(document.getElementById("components-reconnect-modal")?.className ?? "")
      || /ended|Could not reconnect/.test(document.getElementById("brasa-reconnect")?.innerText ?? ""), null, { timeout: 25000 })
      .catch((e) => step(`no end state: ${e}`));
    summary.endedAfterMs = Date.now() - start;
    summary.ended = await modal();
    summary.metrics = await metrics();
    await page.click("#inc", { timeout: 2000 }).catch((e) => step(`click after end: ${e}`));
    await page.waitForTimeout(500);
    summary.countAfterEnd = await count();
  } else if (mode === "close") {
    await interactive();
    await click(1);
    summary.metricsBefore = await metrics();
    const start = Date.now();
    await page.close({ runBeforeUnload: true });
    step("closed");
    let m;
    while (Date.now() - start < 5000) {
      m = await metrics();
      if (m.brasa_circuits_ended_total_terminated > summary.metricsBefore.brasa_circuits_ended_total_terminated) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    summary.endedAfterMs = Date.now() - start;
    summary.metricsAfter = m;
    await new Promise((r) => setTimeout(r, 300));
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  step("done");
  await done(0);
} catch (e) {
  summary.error = String(e?.stack ?? e);
  await done(1);
}
