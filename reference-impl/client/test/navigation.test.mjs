// Navigation (fact sheet §10) with and without location-changing listeners, and JS.Error (§11).
import { test } from "node:test";
import assert from "node:assert/strict";
import { started, tick, FakeSocket } from "../test-support/fake-hub.mjs";

const PAGE = '<!DOCTYPE html><html><head><base href="/app/"></head><body><a id="a" href="counter">c</a><a id="b" href="fetch">f</a>' +
  '<a id="out" href="https://elsewhere.example/x">x</a><a id="new" href="counter" target="_blank">n</a><a id="q" href="/app?q=1">q</a>' +
  '<a id="sibling" href="/application">s</a><a id="hash" href="counter#part">h</a><a id="hash2" href="fetch#part">h</a><h2 id="part">part</h2></body></html>';
const on = (sent) => sent.map((m) => [m[3], m[4]]);

async function setUp() {
  const s = await started(PAGE, "http://localhost:5000/app/nav");
  s.ws.js(3, "Blazor._internal.navigationManager.enableNavigationInterception", "[1]", 3);
  await s.ws.reply(3);
  // Whether the client took the click; the page never navigates by itself (jsdom cannot).
  let taken = false;
  s.window.addEventListener("click", (e) => { taken = e.defaultPrevented; e.preventDefault(); });
  const click = (id, init = {}) => {
    s.doc.getElementById(id).dispatchEvent(new s.window.MouseEvent("click", { bubbles: true, cancelable: true, ...init }));
    return taken;
  };
  const settle = async () => { for (let i = 0; i < 20; i++) await tick(); };
  return { ...s, click, settle };
}

test("navigation without listeners: NavigateTo, links, history moves", async () => {
  const { window, ws, circuit, click, settle } = await setUp();
  // Recorded: NavigateTo changes history, sends OnLocationChanged, then replies.
  ws.js(5, "Blazor._internal.navigationManager.navigateTo", '["nav?x=1",{"forceLoad":false,"replaceHistoryEntry":false,"historyEntryState":null}]', 3);
  assert.deepEqual(on(await ws.drain()), [["OnLocationChanged", ["http://localhost:5000/app/nav?x=1", null, false]], ["EndInvokeJSFromDotNet", [5, true, "[5,true,null]"]]]);
  assert.equal(window.location.href, "http://localhost:5000/app/nav?x=1");
  // Replace, with a history entry state.
  ws.js(6, "Blazor._internal.navigationManager.navigateTo", '["nav?x=2",{"forceLoad":false,"replaceHistoryEntry":true,"historyEntryState":"s1"}]', 3);
  assert.deepEqual(on(await ws.drain()), [["OnLocationChanged", ["http://localhost:5000/app/nav?x=2", "s1", false]], ["EndInvokeJSFromDotNet", [6, true, "[6,true,null]"]]]);
  assert.equal(window.history.length, 2);
  assert.equal(window.history.state.userState, "s1");
  // Recorded: an intercepted link click.
  assert.equal(click("a"), true);
  assert.deepEqual(on(await ws.drain()), [["OnLocationChanged", ["http://localhost:5000/app/counter", null, true]]]);
  assert.equal(window.location.href, "http://localhost:5000/app/counter");
  // Not intercepted: modified clicks, other targets, other origins.
  assert.equal(click("a", { ctrlKey: true }), false);
  assert.equal(click("new"), false);
  assert.equal(click("out"), false);
  assert.equal(click("sibling"), false);
  assert.deepEqual(await ws.drain(), []);
  // The base URI without its slash, then ?, # or the end, is within.
  assert.equal(click("q"), true);
  assert.deepEqual(on(await ws.drain()), [["OnLocationChanged", ["http://localhost:5000/app?q=1", null, true]]]);
  window.history.back();
  await settle();
  ws.sent.length = 0;
  // A fragment of the current page: a history entry and a scroll, nothing sent.
  let scrolled = 0;
  window.document.getElementById("part").scrollIntoView = () => scrolled++;
  const entries = window.history.length;
  assert.equal(click("hash"), true);
  assert.deepEqual(await ws.drain(), []);
  assert.equal(scrolled, 1);
  assert.equal(window.location.href, "http://localhost:5000/app/counter#part");
  assert.equal(window.history.length, entries);
  window.history.back();
  await settle();
  assert.deepEqual(on(await ws.drain()), [["OnLocationChanged", ["http://localhost:5000/app/counter", null, true]]]);
  // Recorded: history back is OnLocationChanged with intercepted true, the entry's state given.
  window.history.back();
  await settle();
  assert.deepEqual(on(await ws.drain()), [["OnLocationChanged", ["http://localhost:5000/app/nav?x=2", "s1", true]]]);
  circuit.dispose();
});

test("navigation with location-changing listeners: continue and cancel, links and history", async () => {
  const { window, ws, circuit, click, settle } = await setUp();
  ws.js(4, "Blazor._internal.navigationManager.setHasLocationChangingListeners", "[1,true]", 3);
  await ws.reply(4);
  // A link: OnLocationChanging first; history changes only once .NET says continue.
  assert.equal(click("a"), true);
  assert.deepEqual(on(await ws.drain()), [["OnLocationChanging", [1, "http://localhost:5000/app/counter", null, true]]]);
  assert.equal(window.location.href, "http://localhost:5000/app/nav");
  ws.call("JS.EndLocationChanging", 1, true);
  assert.deepEqual(on(await ws.drain()), [["OnLocationChanged", ["http://localhost:5000/app/counter", null, true]]]);
  assert.equal(window.location.href, "http://localhost:5000/app/counter");
  // Cancelled: nothing more is sent, the location stays.
  click("b");
  assert.deepEqual(on(await ws.drain()), [["OnLocationChanging", [2, "http://localhost:5000/app/fetch", null, true]]]);
  ws.call("JS.EndLocationChanging", 2, false);
  assert.deepEqual(await ws.drain(), []);
  assert.equal(window.location.href, "http://localhost:5000/app/counter");
  assert.equal(window.history.length, 2);
  // NavigateTo from .NET: the server already ran its handlers, no OnLocationChanging.
  ws.js(6, "Blazor._internal.navigationManager.navigateTo", '["fetch",{"forceLoad":false,"replaceHistoryEntry":false,"historyEntryState":null}]', 3);
  assert.deepEqual(on(await ws.drain()), [["OnLocationChanged", ["http://localhost:5000/app/fetch", null, false]], ["EndInvokeJSFromDotNet", [6, true, "[6,true,null]"]]]);
  // A newer navigation drops the pending question: its late answer is ignored.
  click("a");
  click("b");
  assert.deepEqual(on(await ws.drain()), [["OnLocationChanging", [3, "http://localhost:5000/app/counter", null, true]],
    ["OnLocationChanging", [4, "http://localhost:5000/app/fetch", null, true]]]);
  ws.call("JS.EndLocationChanging", 3, true);
  assert.deepEqual(await ws.drain(), []);
  ws.call("JS.EndLocationChanging", 4, false);
  assert.deepEqual(await ws.drain(), []);
  assert.equal(window.location.href, "http://localhost:5000/app/fetch");
  // Not for a fragment of the page.
  window.document.getElementById("part").scrollIntoView = () => {}; // jsdom has none
  click("hash2");
  assert.deepEqual(await ws.drain(), []);
  assert.equal(window.location.href, "http://localhost:5000/app/fetch#part");
  // Back from the fragment: a history move like any other.
  window.history.back();
  await settle();
  assert.deepEqual(on(await ws.drain()), [["OnLocationChanging", [5, "http://localhost:5000/app/fetch", null, false]]]);
  ws.call("JS.EndLocationChanging", 5, true);
  assert.deepEqual(on(await ws.drain()), [["OnLocationChanged", ["http://localhost:5000/app/fetch", null, true]]]);
  // History back, cancelled: the entry is restored, nothing else is sent.
  window.history.back();
  await settle();
  assert.deepEqual(on(await ws.drain()), [["OnLocationChanging", [6, "http://localhost:5000/app/counter", null, false]]]);
  ws.call("JS.EndLocationChanging", 6, false);
  await settle();
  assert.equal(window.location.href, "http://localhost:5000/app/fetch");
  assert.deepEqual(await ws.drain(), []);
  // Two steps back, continued.
  window.history.go(-2);
  await settle();
  assert.deepEqual(on(await ws.drain()), [["OnLocationChanging", [7, "http://localhost:5000/app/nav", null, false]]]);
  ws.call("JS.EndLocationChanging", 7, true);
  assert.deepEqual(on(await ws.drain()), [["OnLocationChanged", ["http://localhost:5000/app/nav", null, true]]]);
  // Forward again, cancelled: back to where it was.
  window.history.forward();
  await settle();
  assert.deepEqual(on(await ws.drain()), [["OnLocationChanging", [8, "http://localhost:5000/app/counter", null, false]]]);
  ws.call("JS.EndLocationChanging", 8, false);
  await settle();
  assert.equal(window.location.href, "http://localhost:5000/app/nav");
  assert.deepEqual(await ws.drain(), []);
  // Listeners gone: links go straight to OnLocationChanged.
  ws.js(7, "Blazor._internal.navigationManager.setHasLocationChangingListeners", "[1,false]", 3);
  await ws.reply(7);
  click("b");
  assert.deepEqual(on(await ws.drain()), [["OnLocationChanged", ["http://localhost:5000/app/fetch", null, true]]]);
  circuit.dispose();
});

test("JS.Error: console error, error UI, Close, no reconnect, later events send nothing", async () => {
  const { window, doc, ws, click } = await started('<!DOCTYPE html><body><div id="blazor-error-ui" style="display: none">An error. <a href="">Reload</a></div><a id="a" href="x">x</a></body>');
  ws.js(3, "Blazor._internal.navigationManager.enableNavigationInterception", "[1]", 3);
  await ws.reply(3);
  const errors = [];
  const original = console.error;
  console.error = (m) => errors.push(m);
  try {
    ws.call("JS.Error", "System.InvalidOperationException: boom from a handler\n   at Throw.Boom()");
  } finally { console.error = original; }
  assert.deepEqual(errors, ["System.InvalidOperationException: boom from a handler\n   at Throw.Boom()"]);
  assert.equal(doc.getElementById("blazor-error-ui").style.display, "block");
  assert.deepEqual(await ws.drain(), [[7, null]]);
  assert.equal(ws.readyState, 3);
  for (let i = 0; i < 20; i++) await tick();
  assert.equal(FakeSocket.sockets.length, 1, "no reconnect");
  doc.getElementById("a").dispatchEvent(new window.MouseEvent("click", { bubbles: true, cancelable: true }));
  ws.js(4, "Math.max", "[1,2]");
  assert.deepEqual(await ws.drain(), []);
});
