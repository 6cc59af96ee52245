// A fake blazorpack server for the tests: a WebSocket stand-in that records the client's messages
// and delivers the server's, and a started circuit on a jsdom page (no test in this file).
import assert from "node:assert/strict";
import { JSDOM } from "jsdom";
import { frame, unframe } from "../build/msgpack.js";
import { Circuit } from "../build/circuit.js";

export const tick = () => new Promise((r) => setTimeout(r, 0));

export class FakeSocket {
  static sockets = [];
  constructor(url) { this.url = String(url); this.sent = []; this.readyState = 0; FakeSocket.sockets.push(this); setTimeout(() => { this.readyState = 1; this.onopen?.(); }); }
  send(data) { if (typeof data === "string") this.sent.push(data); else this.sent.push(...unframe(data)); }
  close() { if (this.readyState === 3) return; this.readyState = 3; setTimeout(() => this.onclose?.({ code: 1000 })); }
  deliver(m) { const b = typeof m === "string" ? new TextEncoder().encode(m) : frame(m); this.onmessage({ data: b.buffer }); }
  // Server → client hub messages.
  call(target, ...args) { this.deliver([1, {}, null, target, args, []]); }
  js(handle, identifier, args, resultType = 0, target = 0, callType = 1) {
    this.call("JS.BeginInvokeJS", handle, identifier, typeof args === "string" ? args : JSON.stringify(args), resultType, target, callType);
  }
  // The client's next message matching pred (removed from the record).
  async take(pred, what) {
    for (let i = 0; i < 500; i++) { const k = this.sent.findIndex(pred); if (k >= 0) return this.sent.splice(k, 1)[0]; await tick(); }
    assert.fail("client did not send " + what);
  }
  // The args of the client's next invocation of target.
  async args(target) { return (await this.take((m) => m[0] === 1 && m[3] === target, target))[4]; }
  // The reply to .NET → JS call `handle`: [handle, succeeded, resultOrError] parsed.
  async reply(handle) {
    const m = await this.take((m) => m[0] === 1 && m[3] === "EndInvokeJSFromDotNet" && m[4][0] === handle, "the reply to call " + handle);
    const parsed = JSON.parse(m[4][2]);
    assert.deepEqual(parsed.slice(0, 2), [handle, m[4][1]]);
    return parsed;
  }
  // Everything the client sent so far, after letting pending work run.
  async drain(ticks = 3) { for (let i = 0; i < ticks; i++) await tick(); return this.sent.splice(0); }
}

// A circuit started on `html` (StartCircuit answered, the renderer attached with object id 1).
export async function started(html = "<!DOCTYPE html><body></body>", url = "http://localhost:5000/") {
  const { window } = new JSDOM(html, { url });
  FakeSocket.sockets = [];
  globalThis.WebSocket = FakeSocket;
  globalThis.fetch = async () => ({ ok: true, json: async () => ({ negotiateVersion: 1, connectionToken: "t" }) });
  const circuit = new Circuit(window.document, window.document.baseURI, url);
  const start = circuit.start();
  while (!FakeSocket.sockets.length) await tick();
  const ws = FakeSocket.sockets[0];
  await ws.take((m) => typeof m === "string", "handshake");
  ws.deliver("{}\x1e");
  await ws.take((m) => m[0] === 6, "ping");
  await ws.args("StartCircuit");
  ws.deliver([3, {}, "0", 3, "SECRET"]);
  await start;
  ws.js(2, "Blazor._internal.attachWebRendererInterop", [0, { __dotNetObject: 1 }, {}, {}], 3);
  assert.deepEqual(await ws.reply(2), [2, true, null]);
  ws.sent.length = 0;
  return { window, doc: window.document, circuit, ws };
}
