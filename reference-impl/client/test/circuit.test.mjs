// The whole client against the recorded prerender/counter session: the recorded server messages
// are played to the client on a fake WebSocket in jsdom (the button clicked where the user
// clicked), and every client message must match the recording.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";
import { frame, unframe } from "../build/msgpack.js";
import { Circuit } from "../build/circuit.js";

const dir = new URL("../../../../shared/reference/captures/prerender/counter/", import.meta.url);
const records = readFileSync(new URL("messages.jsonl", dir), "utf8").trim().split("\n").map((l) => JSON.parse(l));
const withBatches = (msg) => JSON.parse(JSON.stringify(msg), (k, v) =>
  v && typeof v === "object" && v.batchFile ? new Uint8Array(readFileSync(new URL("batches/" + v.batchFile, dir))) : v);
const tick = () => new Promise((r) => setTimeout(r, 0));

class FakeSocket {
  static sockets = [];
  constructor(url) { this.url = String(url); this.sent = []; this.readyState = 0; FakeSocket.sockets.push(this); setTimeout(() => { this.readyState = 1; this.onopen?.(); }); }
  send(data) { this.sent.push(typeof data === "string" ? data : unframe(data)); }
  close() { this.readyState = 3; }
  deliver(data) { this.onmessage({ data: typeof data === "string" ? data : data.buffer.slice(data.byteOffset, data.byteOffset + data.length) }); }
}

test("prerender/counter: the client's messages match the recording", async () => {
  const page = readFileSync(new URL("page.html", dir), "utf8");
  const { window } = new JSDOM(page, { url: "http://127.0.0.1:5100/counter" });
  const doc = window.document;
  // page.html comes from another request than the recorded session: give it the session's
  // state comment and marker (their descriptors are opaque to the client).
  const startArgs = records.find((r) => r.msg?.[3] === "StartCircuit").msg[4];
  const update = JSON.parse(records.find((r) => r.msg?.[3] === "UpdateRootComponents").msg[4][0]);
  const { uniqueId, ...marker } = update.operations[0].marker;
  const walker = doc.createTreeWalker(doc, 128);
  for (let n; (n = walker.nextNode());) {
    if (n.data.startsWith("Blazor-Server-Component-State:")) n.data = "Blazor-Server-Component-State:" + startArgs[3];
    else if (n.data.startsWith("Blazor:{\"type\"")) n.data = "Blazor:" + JSON.stringify(marker);
    else if (n.data.startsWith("Blazor:{\"prerenderId\"")) n.data = "Blazor:" + JSON.stringify({ prerenderId: marker.prerenderId });
  }
  globalThis.WebSocket = FakeSocket;
  const negotiations = [];
  globalThis.fetch = async (url, init) => {
    negotiations.push([String(url), init.method]);
    return { ok: true, json: async () => ({ negotiateVersion: 1, connectionId: "c", connectionToken: "w_gKnCs90w0eZ9UpIPSMtg" }) };
  };
  const circuit = new Circuit(doc, doc.baseURI, "http://127.0.0.1:5100/counter");
  const started = circuit.start();
  while (!FakeSocket.sockets.length) await tick();
  const ws = FakeSocket.sockets[0];
  const out = [];
  const next = async (click) => {
    for (let i = 0; i < 200 && !out.length; i++) {
      for (const s of ws.sent.splice(0)) typeof s === "string" ? out.push(s) : out.push(...s);
      if (!out.length) { if (click) { click(); click = null; } await tick(); }
    }
    assert.ok(out.length, "the client sent nothing");
    return out.shift();
  };
  const clicks = [];
  // Before each click and at the end, the body is what Chromium showed at the same step.
  const snapshot = (k) => assert.equal(doc.body.innerHTML,
    readFileSync(new URL("dom-" + ["003-start", "004-click-1", "005-click-2", "006-click-3"][k] + ".html", dir), "utf8"), "body at step " + k);
  for (const r of records.filter((r) => r.ws === 0)) {
    if (r.event === "open") { assert.equal(ws.url, r.url); continue; }
    if (r.dir === "in") {
      ws.deliver(r.text ?? frame(withBatches(r.msg)));
      continue;
    }
    if (r.text) { assert.equal(await next(), r.text); continue; }
    const want = r.msg;
    if (want[3] === "BeginInvokeDotNetFromJS") snapshot(clicks.length);
    const got = await next(want[3] === "BeginInvokeDotNetFromJS"
      ? () => doc.getElementById("inc").dispatchEvent(new window.MouseEvent("click", { bubbles: true, detail: 1 })) : null);
    if (want[3] === "BeginInvokeDotNetFromJS") {
      assert.deepEqual(got.slice(0, 4), want.slice(0, 4));
      assert.deepEqual(got[4].slice(0, 4), want[4].slice(0, 4));
      const [gd, ga] = JSON.parse(got[4][4]), [wd, wa] = JSON.parse(want[4][4]);
      assert.deepEqual(gd, wd);
      const order = Object.keys(wa);
      assert.deepEqual(Object.keys(ga), order.filter((k) => k in ga), "event args in the recorded order");
      clicks.push(doc.getElementById("count").textContent);
    } else assert.deepEqual(got, withBatches(want));
  }
  snapshot(3);
  await started;
  circuit.dispose();
  assert.equal(negotiations[0][0], "http://127.0.0.1:5100/_blazor/negotiate?negotiateVersion=1");
  assert.equal(doc.getElementById("count").textContent, "Current count: 3");
  assert.equal(doc.activeElement.localName, "h1");
  // The prerendered content was replaced: the start marker is the container, the end marker stays.
  assert.equal(doc.querySelectorAll("#count").length, 1);
});
