// Reconnection with backoff, resent batches re-acknowledged without being applied again, the
// reconnect UI's classes, "session ended" on ConnectCircuit false, events with field info, and
// the unload beacon (fact sheet §7.2, §8, §12; spec/circuit.md).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";
import { frame, unframe } from "../build/msgpack.js";
import { Circuit } from "../build/circuit.js";

const hex = (h) => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));
const vector = JSON.parse(readFileSync(new URL("../../../conformance/vectors/semantics/valid/event-handlers-registered.json", import.meta.url), "utf8"));
const BATCH = hex(vector.batches[0]); // component 0: intro<button onclick>Go</button><input oninput>
const tick = () => new Promise((r) => setTimeout(r, 0));

class FakeSocket {
  static sockets = [];
  constructor(url) { this.url = String(url); this.sent = []; this.readyState = 0; FakeSocket.sockets.push(this); setTimeout(() => { this.readyState = 1; this.onopen?.(); }); }
  send(data) { if (typeof data === "string") this.sent.push(data); else this.sent.push(...unframe(data)); }
  close() { if (this.readyState === 3) return; this.readyState = 3; setTimeout(() => this.onclose?.({ code: 1000 })); }
  cut() { this.readyState = 3; this.onclose({ code: 1006 }); }
  deliver(m) { const b = typeof m === "string" ? new TextEncoder().encode(m) : frame(m); this.onmessage({ data: b.buffer }); }
  async take(pred, what) {
    for (let i = 0; i < 500; i++) { const k = this.sent.findIndex(pred); if (k >= 0) return this.sent.splice(k, 1)[0]; await tick(); }
    assert.fail("client did not send " + what);
  }
  async handshake() {
    await this.take((m) => typeof m === "string", "handshake");
    this.deliver("{}\x1e");
    assert.deepEqual(await this.take((m) => m[0] === 6, "ping"), [6]);
  }
}
const invocation = (target) => (m) => m[0] === 1 && m[3] === target;
const newSocket = async (n) => { while (FakeSocket.sockets.length < n) await tick(); return FakeSocket.sockets[n - 1]; };

test("reconnect, resend, session ended, events and beacon", async () => {
  const { window } = new JSDOM(
    '<!DOCTYPE html><html><head><base href="/app/"></head><body><main><!--Blazor:{"type":"server","key":{"locationHash":"A:1","formattedComponentKey":""},"sequence":0,"descriptor":"D"}--></main>' +
    '<div id="components-reconnect-modal"></div></body></html><!--Blazor-Server-Component-State:S-->',
    { url: "http://localhost:5000/app/page" });
  const doc = window.document, modal = doc.getElementById("components-reconnect-modal");
  let failNegotiations = 0;
  const negotiated = [];
  globalThis.WebSocket = FakeSocket;
  globalThis.fetch = async (url) => {
    negotiated.push(String(url));
    if (failNegotiations > 0) { failNegotiations--; throw new Error("refused"); }
    return { ok: true, json: async () => ({ negotiateVersion: 1, connectionToken: "tok" + negotiated.length }) };
  };
  const beacons = [];
  window.navigator.sendBeacon = (url, data) => beacons.push([String(url), data.get("circuitId")]);
  const states = [];
  modal.addEventListener("components-reconnect-state-changed", (e) => states.push(e.detail.state));

  const circuit = new Circuit(doc, doc.baseURI, "http://localhost:5000/app/page");
  const started = circuit.start();
  let ws = await newSocket(1);
  assert.equal(ws.url, "ws://localhost:5000/app/_blazor?id=tok1");
  await ws.handshake();
  assert.deepEqual(await ws.take(invocation("StartCircuit"), "StartCircuit"),
    [1, {}, "0", "StartCircuit", ["http://localhost:5000/app/", "http://localhost:5000/app/page", "[]", "S"]]);
  ws.deliver([1, {}, null, "JS.BeginInvokeJS", [2, "Blazor._internal.attachWebRendererInterop", '[1,{"__dotNetObject":7},{},{}]', 3, 0, 1], []]);
  const update = await ws.take(invocation("UpdateRootComponents"), "UpdateRootComponents");
  assert.deepEqual(JSON.parse(update[4][0]), { batchId: 1, operations: [{ type: "add", ssrComponentId: 1,
    marker: { type: "server", key: { locationHash: "A:1", formattedComponentKey: "" }, sequence: 0, descriptor: "D", uniqueId: 0 } }] });
  assert.equal(update[4][1], "S");
  assert.deepEqual(await ws.take(invocation("EndInvokeJSFromDotNet"), "attach reply"), [1, {}, null, "EndInvokeJSFromDotNet", [2, true, "[2,true,null]"]]);
  ws.deliver([3, {}, "0", 3, "SECRET"]);
  ws.deliver([1, {}, null, "JS.AttachComponent", [0, "1"], []]);
  ws.deliver([1, {}, null, "JS.RenderBatch", [2, BATCH], []]);
  assert.deepEqual((await ws.take(invocation("OnRenderCompleted"), "ack"))[4], [2, null]);
  await started;
  const main = doc.querySelector("main");
  assert.equal(main.innerHTML, "<!--!-->intro<button>Go</button><input>");

  // An event: descriptor with the handler id, field info for inputs, the renderer's object id.
  const input = main.querySelector("input");
  input.value = "hi";
  input.dispatchEvent(new window.Event("input", { bubbles: true }));
  const dispatch = await ws.take(invocation("BeginInvokeDotNetFromJS"), "event");
  assert.deepEqual(dispatch[4].slice(0, 4), ["1", null, "DispatchEventAsync", 7]);
  assert.equal(dispatch[4][4], '[{"eventHandlerId":2,"eventName":"input","eventFieldInfo":{"componentId":0,"fieldValue":"hi"}},{"value":"hi"}]');

  // Navigation: NavigateTo from .NET, then an intercepted link click (fact sheet §10).
  ws.deliver([1, {}, null, "JS.BeginInvokeJS", [5, "Blazor._internal.navigationManager.navigateTo",
    '["nav?x=1",{"forceLoad":false,"replaceHistoryEntry":false,"historyEntryState":null}]', 3, 0, 1], []]);
  await tick();
  assert.deepEqual(ws.sent.splice(0), [
    [1, {}, null, "OnLocationChanged", ["http://localhost:5000/app/nav?x=1", null, false]],
    [1, {}, null, "EndInvokeJSFromDotNet", [5, true, "[5,true,null]"]]]);
  assert.equal(window.location.href, "http://localhost:5000/app/nav?x=1");
  ws.deliver([1, {}, null, "JS.BeginInvokeJS", [6, "Blazor._internal.navigationManager.enableNavigationInterception", "[1]", 0, 0, 1], []]);
  await tick();
  assert.deepEqual(ws.sent.splice(0), [[1, {}, null, "EndInvokeJSFromDotNet", [6, true, "[6,true,null]"]]]);
  const link = doc.createElement("a");
  link.href = "other";
  doc.body.appendChild(link);
  link.dispatchEvent(new window.MouseEvent("click", { bubbles: true, cancelable: true }));
  await tick();
  assert.deepEqual(ws.sent.splice(0), [[1, {}, null, "OnLocationChanged", ["http://localhost:5000/app/other", null, true]]]);
  assert.equal(window.location.href, "http://localhost:5000/app/other");

  // A cut: two failed attempts, then ConnectCircuit; the resent batch 2 is acked, not re-applied.
  failNegotiations = 2;
  ws.cut();
  ws = await newSocket(2);
  await ws.handshake();
  assert.deepEqual(await ws.take(invocation("ConnectCircuit"), "ConnectCircuit"), [1, {}, "0", "ConnectCircuit", ["SECRET"]]);
  assert.equal(negotiated.length, 4);
  assert.ok(states.includes("show") && states.includes("retrying"));
  ws.deliver([1, {}, null, "JS.RenderBatch", [2, BATCH], []]);
  assert.deepEqual((await ws.take(invocation("OnRenderCompleted"), "re-ack"))[4], [2, null]);
  ws.deliver([3, {}, "0", 3, true]);
  for (let i = 0; i < 50 && modal.className !== "components-reconnect-hide"; i++) await tick();
  assert.equal(modal.className, "components-reconnect-hide");
  assert.equal(main.innerHTML, "<!--!-->intro<button>Go</button><input>");

  // Batch ids continue; a batch from the future is dropped (it will be resent).
  ws.deliver([1, {}, null, "JS.RenderBatch", [4, BATCH], []]);
  await tick();
  assert.equal(ws.sent.filter(invocation("OnRenderCompleted")).length, 0);

  // The circuit expired: ConnectCircuit answers false, the UI says the session ended.
  ws.cut();
  ws = await newSocket(3);
  await ws.handshake();
  await ws.take(invocation("ConnectCircuit"), "ConnectCircuit");
  ws.deliver([3, {}, "0", 3, false]);
  for (let i = 0; i < 50 && modal.className !== "components-reconnect-rejected"; i++) await tick();
  assert.equal(modal.className, "components-reconnect-rejected");
  assert.equal(ws.readyState, 3);
  assert.equal(FakeSocket.sockets.length, 3);
});

test("unload beacon and JS.Error", async () => {
  const { window } = new JSDOM('<!DOCTYPE html><body><!--Blazor:{"type":"server","sequence":0,"descriptor":"D"}--></body>', { url: "http://localhost:5000/" });
  const doc = window.document;
  FakeSocket.sockets = [];
  globalThis.WebSocket = FakeSocket;
  globalThis.fetch = async () => ({ ok: true, json: async () => ({ negotiateVersion: 1, connectionToken: "t" }) });
  const beacons = [];
  window.navigator.sendBeacon = (url, data) => beacons.push([String(url), data.get("circuitId")]);
  const circuit = new Circuit(doc, doc.baseURI, "http://localhost:5000/");
  const started = circuit.start();
  const ws = await newSocket(1);
  await ws.handshake();
  await ws.take(invocation("StartCircuit"), "StartCircuit");
  ws.deliver([3, {}, "0", 3, "SECRET2"]);
  await started;
  window.dispatchEvent(new window.Event("pagehide"));
  assert.deepEqual(beacons, [["http://localhost:5000/_blazor/disconnect", "SECRET2"]]);
  circuit.dispose();

  const errors = [];
  const original = console.error;
  console.error = (m) => errors.push(m);
  const second = new Circuit(doc, doc.baseURI, "http://localhost:5000/");
  const s2 = second.start();
  const ws2 = await newSocket(2);
  await ws2.handshake();
  await ws2.take(invocation("StartCircuit"), "StartCircuit");
  ws2.deliver([3, {}, "0", 3, "SECRET3"]);
  await s2;
  ws2.deliver([1, {}, null, "JS.Error", ["boom"], []]);
  console.error = original;
  assert.deepEqual(errors, ["boom"]);
  assert.equal(doc.getElementById("blazor-error-ui").style.display, "");
  assert.ok(doc.getElementById("blazor-error-ui").textContent.includes("An unhandled error has occurred."));
  assert.deepEqual(ws2.sent.filter((m) => m[0] === 7), [[7, null]]);
  assert.equal(ws2.readyState, 3);
});

test("a batch that fails to read is acked with its error and ends the circuit", async () => {
  const { window } = new JSDOM('<!DOCTYPE html><body><!--Blazor:{"type":"server","sequence":0,"descriptor":"D"}--></body>', { url: "http://localhost:5000/" });
  const doc = window.document;
  FakeSocket.sockets = [];
  globalThis.WebSocket = FakeSocket;
  globalThis.fetch = async () => ({ ok: true, json: async () => ({ negotiateVersion: 1, connectionToken: "t" }) });
  const original = console.error;
  console.error = () => {};
  const circuit = new Circuit(doc, doc.baseURI, "http://localhost:5000/");
  const started = circuit.start();
  const ws = await newSocket(1);
  await ws.handshake();
  await ws.take(invocation("StartCircuit"), "StartCircuit");
  ws.deliver([3, {}, "0", 3, "S"]);
  await started;
  ws.deliver([1, {}, null, "JS.AttachComponent", [0, "1"], []]);
  ws.deliver([1, {}, null, "JS.RenderBatch", [2, new Uint8Array(10)], []]);
  console.error = original;
  const ack = await ws.take(invocation("OnRenderCompleted"), "ack");
  assert.equal(ack[4][0], 2);
  assert.match(ack[4][1], /truncated at 0 \(RB-1\.3\)/);
  assert.ok(doc.getElementById("blazor-error-ui"));
  assert.equal(ws.readyState, 3);
});
