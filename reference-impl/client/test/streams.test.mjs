// Streams (fact sheet §9.4): .NET → JS over a SignalR server-to-client stream, JS → .NET with
// ReceiveJSDataChunk, JS stream references, and <InputFile>.
import { test } from "node:test";
import assert from "node:assert/strict";
import { started, tick } from "../test-support/fake-hub.mjs";

const bytes = (n, seed = 0) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 255);
const chunks = (sent) => sent.filter((m) => m[3] === "ReceiveJSDataChunk");

test(".NET → JS stream: StreamInvocation, items, completion, both orders, errors", async () => {
  const { window, ws, circuit } = await started();
  window.brasaCapture = {
    readStream: async (s) => (await s.arrayBuffer()).byteLength,
    readChunks: async (s) => {
      const parts = [];
      for (const reader = (await s.stream()).getReader(); ;) { const r = await reader.read(); if (r.done) return parts; parts.push(Array.from(r.value)); }
    },
  };
  // Recorded order: BeginTransmitStream, then the call that uses the stream.
  ws.call("JS.BeginTransmitStream", 4);
  assert.deepEqual(await ws.take((m) => m[0] === 4, "StreamInvocation"), [4, {}, "1", "SendDotNetStreamToJS", [4]]);
  ws.js(11, "brasaCapture.readStream", '[{"__dotNetStream":4}]');
  const data = bytes(100000);
  for (let at = 0; at < data.length; at += 32768) ws.deliver([2, {}, "1", data.subarray(at, at + 32768)]);
  assert.deepEqual(await ws.drain(), []); // not complete yet
  ws.deliver([3, {}, "1", 2]);
  assert.deepEqual(await ws.args("EndInvokeJSFromDotNet"), [11, true, "[11,true,100000]"]);

  // The call first, then the stream; stream() gives the chunks as they came.
  ws.js(12, "brasaCapture.readChunks", '[{"__dotNetStream":5}]');
  await tick();
  ws.call("JS.BeginTransmitStream", 5);
  assert.deepEqual(await ws.take((m) => m[0] === 4, "StreamInvocation"), [4, {}, "2", "SendDotNetStreamToJS", [5]]);
  ws.deliver([2, {}, "2", Uint8Array.from([1, 2])]);
  ws.deliver([2, {}, "2", Uint8Array.from([3])]);
  ws.deliver([3, {}, "2", 2]);
  assert.deepEqual(await ws.reply(12), [12, true, [[1, 2], [3]]]);

  // An error completion fails the reader.
  ws.call("JS.BeginTransmitStream", 6);
  ws.js(13, "brasaCapture.readStream", '[{"__dotNetStream":6}]');
  await ws.take((m) => m[0] === 4, "StreamInvocation");
  ws.deliver([3, {}, "3", 1, "Unable to send .NET stream."]);
  const failed = await ws.reply(13);
  assert.equal(failed[1], false);
  assert.match(failed[2], /^Unable to send \.NET stream\.\n/);
  circuit.dispose();
});

test("JS → .NET stream: stream references, sendJSDataStream chunks, acks, errors", async () => {
  const { window, ws, circuit } = await started();
  const made = bytes(70000, 3);
  window.brasaCapture = { makeBytes: () => made, makeBuffer: () => made.buffer, makeBlob: () => new Blob([made.subarray(0, 20)]), bad: () => 5 };
  // Recorded: the reference, then sendJSDataStream answered at once, then three sent chunks.
  ws.js(12, "brasaCapture.makeBytes", "[]", 2);
  assert.deepEqual(await ws.args("EndInvokeJSFromDotNet"), [12, true, '[12,true,{"__jsStreamReferenceLength":70000,"__jsObjectId":1}]']);
  ws.js(13, "Blazor._internal.sendJSDataStream", '[{"__jsObjectId":1},0,32256]', 3);
  const sent = await ws.drain(10);
  assert.deepEqual(sent[0], [1, {}, null, "EndInvokeJSFromDotNet", [13, true, "[13,true,null]"]]);
  assert.deepEqual(sent.slice(1).map((m) => [m[2], m[4][0], m[4][1], m[4][2].length, m[4][3]]),
    [[null, 0, 0, 32256, null], [null, 0, 1, 32256, null], [null, 0, 2, 5488, null]]);
  assert.deepEqual(Array.from(sent[3][4][2]), Array.from(made.subarray(64512)));

  // An ArrayBuffer result is a Uint8Array reference; a Blob is read with slice().
  ws.js(14, "brasaCapture.makeBuffer", "[]", 2);
  assert.deepEqual(await ws.reply(14), [14, true, { __jsStreamReferenceLength: 70000, __jsObjectId: 2 }]);
  ws.js(15, "brasaCapture.makeBlob", "[]", 2);
  assert.deepEqual(await ws.reply(15), [15, true, { __jsStreamReferenceLength: 20, __jsObjectId: 3 }]);
  ws.js(16, "Blazor._internal.sendJSDataStream", '[{"__jsObjectId":3},1,8]', 3);
  const blob = chunks(await ws.drain(20));
  assert.deepEqual(blob.map((m) => [m[4][0], m[4][1], Array.from(m[4][2])]),
    [[1, 0, Array.from(made.subarray(0, 8))], [1, 1, Array.from(made.subarray(8, 16))], [1, 2, Array.from(made.subarray(16, 20))]]);
  ws.js(17, "brasaCapture.bad", "[]", 2);
  assert.match((await ws.reply(17))[2], /^Supplied value is not a typed array or blob\./);

  // Every few chunks one is invoked and waited for: the fourth (chunk 3) first; false stops.
  ws.js(18, "Blazor._internal.sendJSDataStream", '[{"__jsObjectId":1},2,1000]', 3);
  let got = chunks(await ws.drain(10));
  assert.deepEqual(got.map((m) => [m[2], m[4][1]]), [[null, 0], [null, 1], [null, 2], ["1", 3]]);
  ws.deliver([3, {}, "1", 3, true]);
  got = chunks(await ws.drain(10));
  assert.ok(got.length >= 1 && got.every((m, i) => m[4][1] === 4 + i), "continues after true");
  const invoked = got.at(-1);
  assert.notEqual(invoked[2], null, "waits for the next ack");
  ws.deliver([3, {}, invoked[2], 3, false]);
  assert.deepEqual(chunks(await ws.drain(10)), [], "stops after false");

  // A read error: [streamId, -1, null, error].
  window.brasaCapture.broken = () => ({ size: 10, slice: () => ({ arrayBuffer: () => Promise.reject(new Error("read failed")) }) });
  ws.js(19, "brasaCapture.broken", "[]", 2);
  const ref = (await ws.reply(19))[2];
  assert.equal(ref.__jsStreamReferenceLength, 10);
  ws.js(20, "Blazor._internal.sendJSDataStream", JSON.stringify([ref, 3, 4]), 3);
  assert.deepEqual(chunks(await ws.drain(10)), [[1, {}, null, "ReceiveJSDataChunk", [3, -1, null, "Error: read failed"]]]);
  circuit.dispose();
});

test("InputFile: init, NotifyChange with the recorded shape, readFileData as a stream, dispose", async () => {
  const { window, doc, ws, circuit } = await started('<!DOCTYPE html><body><input type="file" _bl_0f3c-9></body>');
  const input = doc.querySelector("input");
  ws.js(5, "Blazor._internal.InputFile.init", '[{"__dotNetObject":2},{"__internalId":"0f3c-9"}]', 3);
  assert.deepEqual(await ws.reply(5), [5, true, null]);
  const up = new File([bytes(50000)], "up.bin", { type: "application/octet-stream", lastModified: Date.UTC(2026, 0, 2, 3, 4, 5) });
  const notes = new File(["hello"], "notes.txt", { type: "text/plain", lastModified: 0 });
  Object.defineProperty(input, "files", { configurable: true, value: [up] });
  input.dispatchEvent(new window.Event("change"));
  assert.deepEqual(await ws.args("BeginInvokeDotNetFromJS"), ["1", null, "NotifyChange", 2,
    '[[{"id":1,"lastModified":"2026-01-02T03:04:05.000Z","name":"up.bin","size":50000,"contentType":"application/octet-stream","blob":{}}]]']);
  // Recorded: readFileData [element, id] with resultType 2 is a stream reference to the file.
  ws.js(14, "Blazor._internal.InputFile.readFileData", '[{"__internalId":"0f3c-9"},1]', 2);
  assert.deepEqual(await ws.args("EndInvokeJSFromDotNet"), [14, true, '[14,true,{"__jsStreamReferenceLength":50000,"__jsObjectId":1}]']);
  ws.js(15, "Blazor._internal.sendJSDataStream", '[{"__jsObjectId":1},1,32256]', 3);
  const sent = chunks(await ws.drain(20));
  assert.deepEqual(sent.map((m) => [m[4][0], m[4][1], m[4][2].length]), [[1, 0, 32256], [1, 1, 17744]]);
  assert.deepEqual(Array.from(sent[1][4][2]), Array.from(bytes(50000).subarray(32256)));
  ws.js(16, "DotNet.disposeJSObjectReferenceById", "[1]", 3);
  await ws.reply(16);

  // A click clears the value; a new choice continues the ids and forgets the earlier files.
  const cleared = [];
  Object.defineProperty(input, "value", { configurable: true, set: (v) => cleared.push(v) });
  input.dispatchEvent(new window.MouseEvent("click"));
  assert.deepEqual(cleared, [""]);
  Object.defineProperty(input, "files", { configurable: true, value: [notes, up] });
  input.dispatchEvent(new window.Event("change"));
  const files = JSON.parse((await ws.args("BeginInvokeDotNetFromJS"))[4])[0];
  assert.deepEqual(files.map((f) => [f.id, f.name, f.size, f.contentType, f.lastModified]),
    [[2, "notes.txt", 5, "text/plain", "1970-01-01T00:00:00.000Z"], [3, "up.bin", 50000, "application/octet-stream", "2026-01-02T03:04:05.000Z"]]);
  ws.js(17, "Blazor._internal.InputFile.readFileData", '[{"__internalId":"0f3c-9"},2]', 2);
  assert.deepEqual(await ws.reply(17), [17, true, { __jsStreamReferenceLength: 5, __jsObjectId: 2 }]);
  ws.js(18, "Blazor._internal.InputFile.readFileData", '[{"__internalId":"0f3c-9"},1]', 2);
  assert.match((await ws.reply(18))[2], /^There is no file with ID 1\. The file list may have changed\./);
  circuit.dispose();
});
