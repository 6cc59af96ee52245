// A second peer: the official SignalR client from npm (`@microsoft/signalr` with
// `@microsoft/signalr-protocol-msgpack`, its protocol renamed `blazorpack` version 1 as
// blazor.web.js does) starts a circuit on /counter, acknowledges the first batch, clicks the button
// and waits for the batch that answers the click. Prints one JSON summary line on stdout (the render
// batches in hex, for the test to decode). Usage: TARGET=http://127.0.0.1:PORT node second-peer.mjs
// Used by cli/tests/end_to_end_reconnect.rs.
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const signalR = require("@microsoft/signalr");
const { MessagePackHubProtocol } = require("@microsoft/signalr-protocol-msgpack");

const TARGET = process.env.TARGET ?? "http://127.0.0.1:5000";
const PAGE = process.env.PAGE ?? "/counter";
const summary = { page: PAGE, events: [], batches: [], errors: [] };
const note = (e) => summary.events.push(e);

// The stock protocol asks for `messagepack` version 2, which a Blazor server refuses.
class BlazorPackHubProtocol extends MessagePackHubProtocol {
  constructor() {
    super();
    this.name = "blazorpack";
    this.version = 1;
  }
}

// The event handler ids of the attributes in a batch's reference frames (RB frame layout: 20 bytes a
// frame, type at +0; attribute name at +4, value at +8, handler id at +12), keyed `elementId:name`.
function handlers(batch) {
  const dv = new DataView(batch.buffer, batch.byteOffset, batch.byteLength);
  const n = batch.length, i32 = (at) => dv.getInt32(at, true);
  const framesAt = i32(n - 16), stAt = i32(n - 4);
  const str = (k) => {
    if (k < 0) return null;
    let at = i32(stAt + 4 * k), len = 0, shift = 0, b;
    do { b = batch[at++]; len |= (b & 0x7f) << shift; shift += 7; } while (b & 0x80);
    return Buffer.from(batch.subarray(at, at + len)).toString("utf8");
  };
  const out = {}; let currentId = null; const pending = [];
  const count = i32(framesAt);
  for (let k = 0; k < count; k++) {
    const base = framesAt + 4 + 20 * k, type = i32(base);
    if (type === 1) { currentId = null; pending.length = 0; }
    if (type === 3) {
      const name = str(i32(base + 4)), value = str(i32(base + 8));
      const hid = dv.getBigUint64(base + 12, true);
      if (name === "id") { currentId = value; for (const [ev, h] of pending) out[`${value}:${ev}`] = Number(h); }
      if (hid !== 0n) { if (currentId) out[`${currentId}:${name}`] = Number(hid); else pending.push([name, Number(hid)]); }
    }
  }
  return out;
}

const deadline = setTimeout(() => { summary.errors.push("timed out after 30 s"); finish(1); }, 30000);
let connection;
async function finish(code) {
  clearTimeout(deadline);
  try { await connection?.stop(); } catch (e) { summary.errors.push(`stop: ${e}`); }
  process.stdout.write(JSON.stringify(summary) + "\n");
  process.exit(code);
}

try {
  const html = await (await fetch(TARGET + PAGE)).text();
  const markers = [...html.matchAll(/<!--Blazor:(\{.*?\})-->/gs)].map((m) => JSON.parse(m[1])).filter((m) => m.type);
  const state = /<!--Blazor-Server-Component-State:(.*?)-->/s.exec(html)?.[1] ?? "";
  summary.markers = markers.length;
  summary.state = state.length > 0;
  if (!markers.length) throw new Error(`no server-component marker in ${PAGE}`);

  const protocol = new BlazorPackHubProtocol();
  connection = new signalR.HubConnectionBuilder()
    .withUrl(`${TARGET}/_blazor`, { transport: signalR.HttpTransportType.WebSockets })
    .withHubProtocol(protocol)
    .configureLogging(signalR.LogLevel.Warning)
    .build();
  summary.protocol = { name: protocol.name, version: protocol.version };

  const waiters = [];
  const settle = () => { for (const w of [...waiters]) if (w.cond()) { waiters.splice(waiters.indexOf(w), 1); w.resolve(); } };
  const until = (cond, what, ms = 10000) => cond() ? Promise.resolve() : new Promise((resolve, reject) => {
    waiters.push({ cond, resolve });
    setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms).unref();
  });

  let renderer = null, acked = 0;
  const handlerIds = {};
  connection.on("JS.BeginInvokeJS", (asyncHandle, identifier, argsJson) => {
    note({ in: "JS.BeginInvokeJS", identifier });
    if (identifier === "Blazor._internal.attachWebRendererInterop") renderer = JSON.parse(argsJson)[1].__dotNetObject;
    connection.send("EndInvokeJSFromDotNet", asyncHandle, true, JSON.stringify([asyncHandle, true, null]))
      .catch((e) => summary.errors.push(`EndInvokeJSFromDotNet: ${e}`));
    settle();
  });
  connection.on("JS.RenderBatch", (batchId, bytes) => {
    note({ in: "JS.RenderBatch", batchId });
    const data = Buffer.from(bytes);
    summary.batches.push({ id: batchId, hex: data.toString("hex") });
    try { Object.assign(handlerIds, handlers(data)); } catch (e) { summary.errors.push(`batch ${batchId}: ${e}`); }
    connection.send("OnRenderCompleted", batchId, null)
      .then(() => { acked = Math.max(acked, batchId); note({ out: "OnRenderCompleted", batchId }); settle(); })
      .catch((e) => summary.errors.push(`OnRenderCompleted: ${e}`));
    settle();
  });
  connection.on("JS.EndInvokeDotNet", (callId, ok, result) => { note({ in: "JS.EndInvokeDotNet", callId, ok, result }); });
  connection.on("JS.AttachComponent", (...args) => note({ in: "JS.AttachComponent", args }));
  connection.on("JS.EndUpdateRootComponents", (batchId) => note({ in: "JS.EndUpdateRootComponents", batchId }));
  connection.on("JS.Error", (message) => { summary.errors.push(`JS.Error: ${message}`); });
  connection.onclose((e) => { note({ closed: String(e ?? "") }); });

  await connection.start();
  note({ connected: connection.connectionId ?? true });
  const base = TARGET + "/";
  const secret = await connection.invoke("StartCircuit", base, TARGET + PAGE, "[]", state);
  summary.circuit = typeof secret === "string" && secret.length > 0;
  note({ out: "StartCircuit", answered: summary.circuit });
  if (!summary.circuit) throw new Error(`StartCircuit answered ${JSON.stringify(secret)}`);

  await until(() => renderer !== null, "attachWebRendererInterop");
  const operations = markers.map((m, i) => ({ type: "add", ssrComponentId: i + 1, marker: { ...m, uniqueId: i } }));
  await connection.send("UpdateRootComponents", JSON.stringify({ batchId: 1, operations }), state);
  note({ out: "UpdateRootComponents", operations: operations.length });

  await until(() => summary.batches.length >= 1 && acked >= summary.batches[0].id, "the first batch and its ack");
  const first = summary.batches.length;
  const hid = handlerIds["inc:onclick"];
  summary.handler = hid ?? null;
  if (hid === undefined) throw new Error(`no onclick handler for #inc in the first batch (${JSON.stringify(handlerIds)})`);
  const mouse = { detail: 1, screenX: 0, screenY: 0, clientX: 0, clientY: 0, offsetX: 0, offsetY: 0, pageX: 0, pageY: 0,
    movementX: 0, movementY: 0, button: 0, buttons: 0, ctrlKey: false, shiftKey: false, altKey: false, metaKey: false, type: "click" };
  await connection.send("BeginInvokeDotNetFromJS", "1", null, "DispatchEventAsync", renderer,
    JSON.stringify([{ eventHandlerId: hid, eventName: "click", eventFieldInfo: null }, mouse]));
  note({ out: "DispatchEventAsync", eventHandlerId: hid });
  await until(() => summary.batches.length > first && acked >= summary.batches[first].id, "the click's batch and its ack");
  summary.clicked = summary.batches[first].id;
  await finish(summary.errors.length ? 1 : 0);
} catch (e) {
  summary.errors.push(String(e?.stack ?? e));
  await finish(1);
}
