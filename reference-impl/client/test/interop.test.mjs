// JS interop (fact sheet §9): .NET → JS calls, the JS object registry, the special JSON shapes,
// JS → .NET calls, byte arrays, window.DotNet. The recorded exchanges of §9.1–§9.3 are replayed
// where there are some.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { started } from "../test-support/fake-hub.mjs";

const hex = (h) => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));
const vector = JSON.parse(readFileSync(new URL("../../../conformance/vectors/semantics/valid/event-handlers-registered.json", import.meta.url), "utf8"));

const bin = (m) => m[4][1];

test(".NET → JS: replies, void, errors, no-reply calls, call types, the object registry", async () => {
  const { window, ws, circuit } = await started();
  // Recorded: InvokeAsync<int>("Math.max", 3, 9, 4) and InvokeVoidAsync("console.log", …).
  ws.js(5, "Math.max", "[3,9,4]");
  assert.deepEqual(await ws.args("EndInvokeJSFromDotNet"), [5, true, "[5,true,9]"]);
  const logged = [];
  window.console.log = (...a) => logged.push(a);
  ws.js(6, "console.log", '["from .NET",{"a":1,"b":"two"}]', 3);
  assert.deepEqual(await ws.args("EndInvokeJSFromDotNet"), [6, true, "[6,true,null]"]);
  assert.deepEqual(logged, [["from .NET", { a: 1, b: "two" }]]);

  // Recorded: a JS exception is message + "\n" + stack.
  window.brasaCapture = { fail() { throw new Error("thrown in JS"); }, async later(x) { await null; return x * 2; }, seen: [] };
  ws.js(9, "brasaCapture.fail", "[]", 3);
  const failed = await ws.reply(9);
  assert.equal(failed[1], false);
  assert.match(failed[2], /^thrown in JS\nError: thrown in JS\n {4}at /);
  // A rejected promise and a thrown non-Error.
  window.brasaCapture.reject = () => Promise.reject("plain");
  ws.js(10, "brasaCapture.reject", "[]");
  assert.deepEqual(await ws.reply(10), [10, false, "plain"]);
  // A promise is awaited; `this` is the object the function was found on.
  window.brasaCapture.self = function () { return this === window.brasaCapture; };
  ws.js(11, "brasaCapture.later", "[21]");
  assert.deepEqual(await ws.reply(11), [11, true, 42]);
  ws.js(12, "brasaCapture.self", "[]");
  assert.deepEqual(await ws.reply(12), [12, true, true]);
  // Unknown names and non-functions fail the call.
  ws.js(13, "no.such.thing", "[]");
  assert.match((await ws.reply(13))[2], /^Could not find 'no\.such\.thing' \('no' was undefined\)\./);
  ws.js(14, "brasaCapture.seen", "[]");
  assert.match((await ws.reply(14))[2], /^The value 'brasaCapture\.seen' is not a function\./);

  // Handle 0: called, never answered.
  window.brasaCapture.note = (x) => window.brasaCapture.seen.push(x);
  ws.js(0, "brasaCapture.note", '["quiet"]', 3);
  assert.deepEqual(await ws.drain(), []);
  assert.deepEqual(window.brasaCapture.seen, ["quiet"]);

  // callType 2 (constructor) with resultType 1: a reference, ids from 1.
  window.Counter = class { constructor(n) { this.n = n; } add(k) { return (this.n += k); } };
  ws.js(15, "Counter", "[10]", 1, 0, 2);
  assert.deepEqual(await ws.reply(15), [15, true, { __jsObjectId: 1 }]);
  ws.js(16, "add", "[5]", 0, 1, 1);
  assert.deepEqual(await ws.reply(16), [16, true, 15]);
  // callType 3 (get value) and 4 (set value), on window and on a reference.
  ws.js(17, "n", "[]", 0, 1, 3);
  assert.deepEqual(await ws.reply(17), [17, true, 15]);
  ws.js(18, "document.title", '["set from .NET"]', 3, 0, 4);
  assert.deepEqual(await ws.reply(18), [18, true, null]);
  assert.equal(window.document.title, "set from .NET");
  ws.js(19, "document.title", "[]", 0, 0, 3);
  assert.deepEqual(await ws.reply(19), [19, true, "set from .NET"]);
  // A reference passed back to JS is the object itself; the next reference gets id 2.
  window.brasaCapture.count = (c) => c.n;
  ws.js(20, "brasaCapture.count", '[{"__jsObjectId":1}]');
  assert.deepEqual(await ws.reply(20), [20, true, 15]);
  ws.js(21, "document.querySelector", '["body"]', 1);
  assert.deepEqual(await ws.reply(21), [21, true, { __jsObjectId: 2 }]);
  ws.js(22, "localName", "[]", 0, 2, 3);
  assert.deepEqual(await ws.reply(22), [22, true, "body"]);
  // A null result as a reference is id -1.
  ws.js(23, "document.getElementById", '["none"]', 1);
  assert.deepEqual(await ws.reply(23), [23, true, { __jsObjectId: -1 }]);

  // Disposing (both names): the reference is gone.
  ws.js(24, "DotNet.disposeJSObjectReferenceById", "[1]", 3);
  assert.deepEqual(await ws.reply(24), [24, true, null]);
  ws.js(25, "add", "[1]", 0, 1, 1);
  assert.match((await ws.reply(25))[2], /^JS object instance with ID 1 does not exist/);
  ws.js(26, "DotNet.jsCallDispatcher.disposeJSObjectReferenceById", "[2]", 3);
  await ws.reply(26);
  ws.js(27, "brasaCapture.count", '[{"__jsObjectId":2}]');
  assert.match((await ws.reply(27))[2], /^JS object instance with Id '2' does not exist/);
  circuit.dispose();
});

test("JS → .NET: DotNetObjectReference calls, results, errors, dispose, static calls, shared call ids", async () => {
  const { window, doc, ws, circuit } = await started('<!DOCTYPE html><body><p _bl_d8e5-1 tabindex="0">ref</p><main><!--Blazor:{"type":"server","sequence":0,"descriptor":"D"}--></main></body>');
  // Recorded: .NET passes a reference, JS calls Shout on it while call 7 is pending.
  window.brasaCapture = { callBack: async (ref, text) => await ref.invokeMethodAsync("Shout", text) };
  ws.js(7, "brasaCapture.callBack", '[{"__dotNetObject":2},"hello"]');
  assert.deepEqual(await ws.args("BeginInvokeDotNetFromJS"), ["1", null, "Shout", 2, '["hello"]']);
  assert.deepEqual(await ws.drain(), []);
  ws.call("JS.EndInvokeDotNet", "1", true, '"HELLO!"');
  assert.deepEqual(await ws.args("EndInvokeJSFromDotNet"), [7, true, '[7,true,"HELLO!"]']);

  // A failed .NET call rejects with an Error carrying the text; results are JSON-parsed and revived.
  let ref;
  window.brasaCapture.keep = (r) => { ref = r; };
  ws.js(8, "brasaCapture.keep", '[{"__dotNetObject":3}]', 3);
  await ws.reply(8);
  const failing = ref.invokeMethodAsync("Boom", 1, [2]);
  assert.deepEqual(await ws.args("BeginInvokeDotNetFromJS"), ["2", null, "Boom", 3, "[1,[2]]"]);
  ws.call("JS.EndInvokeDotNet", "2", false, "There was an exception invoking 'Boom'.");
  await assert.rejects(failing, (e) => e instanceof Error && e.message === "There was an exception invoking 'Boom'.");
  const object = ref.invokeMethodAsync("Get");
  await ws.args("BeginInvokeDotNetFromJS");
  ws.call("JS.EndInvokeDotNet", "3", true, '{"a":[1,{"__dotNetObject":4}]}');
  const got = await object;
  assert.equal(got.a[0], 1);
  assert.equal(typeof got.a[1].invokeMethodAsync, "function");
  // A reference as an argument goes back as {"__dotNetObject":n}.
  ref.invokeMethodAsync("Pass", got.a[1]);
  assert.deepEqual(await ws.args("BeginInvokeDotNetFromJS"), ["4", null, "Pass", 3, '[{"__dotNetObject":4}]']);
  // dispose() calls __Dispose (args null) and needs no answer.
  ref.dispose();
  assert.deepEqual(await ws.args("BeginInvokeDotNetFromJS"), ["5", null, "__Dispose", 3, "null"]);

  // window.DotNet.invokeMethodAsync: a static call (assembly name, object id 0).
  const stat = window.DotNet.invokeMethodAsync("BrasaApp", "Twice", 21);
  assert.deepEqual(await ws.args("BeginInvokeDotNetFromJS"), ["6", "BrasaApp", "Twice", 0, "[21]"]);
  ws.call("JS.EndInvokeDotNet", "6", true, "42");
  assert.equal(await stat, 42);

  // Events share the call-id counter.
  ws.call("JS.AttachComponent", 0, "1");
  ws.call("JS.RenderBatch", 2, hex(vector.batches[0])); // <button onclick>Go</button><input oninput>
  await ws.args("OnRenderCompleted");
  doc.querySelector("main button").dispatchEvent(new window.MouseEvent("click", { bubbles: true }));
  assert.deepEqual((await ws.args("BeginInvokeDotNetFromJS")).slice(0, 4), ["7", null, "DispatchEventAsync", 1]);
  // An element reference is the element carrying _bl_<id>.
  window.brasaCapture.text = (el) => el.textContent;
  ws.js(9, "brasaCapture.text", '[{"__internalId":"d8e5-1"}]');
  assert.deepEqual(await ws.reply(9), [9, true, "ref"]);
  // ElementReference.FocusAsync.
  ws.js(10, "Blazor._internal.domWrapper.focus", '[{"__internalId":"d8e5-1"},false]', 3);
  await ws.reply(10);
  assert.equal(doc.activeElement.localName, "p");
  ws.js(11, "Blazor._internal.domWrapper.focusBySelector", '["main button"]', 3);
  await ws.reply(11);
  assert.equal(doc.activeElement.localName, "button");
  circuit.dispose();
});

test("byte arrays both ways (§9.3)", async () => {
  const { window, ws, circuit } = await started();
  // Recorded: .NET → JS id 1 first, JS → .NET ids from 0 per payload, sent before the JSON.
  window.brasaCapture = { echoBytes: (b) => b, two: (b) => ({ first: b, second: [b.subarray(1)] }) };
  ws.call("JS.ReceiveByteArray", 1, Uint8Array.from([0, 1, 2, 0xfa, 0xff]));
  ws.js(8, "brasaCapture.echoBytes", '[{"__byte[]":1}]');
  const sent = await ws.drain();
  assert.deepEqual(sent, [
    [1, {}, null, "ReceiveByteArray", [0, Uint8Array.from([0, 1, 2, 0xfa, 0xff])]],
    [1, {}, null, "EndInvokeJSFromDotNet", [8, true, '[8,true,{"__byte[]":0}]']]]);
  assert.ok(bin(sent[0]) instanceof Uint8Array);
  // Two arrays in one result: 0 and 1; the count restarts with the next payload.
  ws.call("JS.ReceiveByteArray", 2, Uint8Array.from([7, 8, 9]));
  ws.js(9, "brasaCapture.two", '[{"__byte[]":2}]');
  assert.deepEqual(await ws.drain(), [
    [1, {}, null, "ReceiveByteArray", [0, Uint8Array.from([7, 8, 9])]],
    [1, {}, null, "ReceiveByteArray", [1, Uint8Array.from([8, 9])]],
    [1, {}, null, "EndInvokeJSFromDotNet", [9, true, '[9,true,{"first":{"__byte[]":0},"second":[{"__byte[]":1}]}]']]]);
  // An array already taken (or never sent) fails the call.
  ws.js(10, "brasaCapture.echoBytes", '[{"__byte[]":2}]');
  assert.match((await ws.reply(10))[2], /^Byte array index '2' does not exist\./);
  // In invokeMethodAsync arguments.
  window.brasaCapture.upload = (ref) => { ref.invokeMethodAsync("Take", Uint8Array.from([5]), "x"); };
  ws.js(11, "brasaCapture.upload", '[{"__dotNetObject":2}]', 3);
  assert.deepEqual((await ws.drain()).filter((m) => m[3] !== "EndInvokeJSFromDotNet"), [
    [1, {}, null, "ReceiveByteArray", [0, Uint8Array.from([5])]],
    [1, {}, null, "BeginInvokeDotNetFromJS", ["1", null, "Take", 2, '[{"__byte[]":0},"x"]']]]);
  circuit.dispose();
});

test("import: a module as an object reference, ./ resolved against the base URI", async () => {
  const base = new URL("../test-support/", import.meta.url).href;
  const { ws, circuit } = await started("<!DOCTYPE html><body></body>", base + "page.html");
  ws.js(5, "import", '["./module.mjs"]', 1);
  assert.deepEqual(await ws.reply(5), [5, true, { __jsObjectId: 1 }]);
  ws.js(6, "twice", "[21]", 0, 1);
  assert.deepEqual(await ws.reply(6), [6, true, 42]);
  ws.js(7, "import", '["data:text/javascript,export const v = 7"]', 1);
  assert.deepEqual(await ws.reply(7), [7, true, { __jsObjectId: 2 }]);
  ws.js(8, "v", "[]", 0, 2, 3);
  assert.deepEqual(await ws.reply(8), [8, true, 7]);
  circuit.dispose();
});

test("names of Object.prototype are looked up on window, not among Blazor's functions", async () => {
  const { window, ws, circuit } = await started();
  window.toString = () => "the window";
  ws.js(5, "toString", "[]");
  assert.deepEqual(await ws.reply(5), [5, true, "the window"]);
  circuit.dispose();
});
