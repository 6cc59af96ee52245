// Event delegation (ED-4.1, ED-4.4; fact sheet §8.6): one listener per event name at the document,
// synthetic bubbling through handlers, stopPropagation/preventDefault flags, non-bubbling events
// only at their target, clicks on disabled controls suppressed, submit default prevented; and the
// event args per family (spec/events.md EV-4, EV-5.1).
import { test } from "node:test";
import assert from "node:assert/strict";
import { JSDOM } from "jsdom";
import { Applier } from "../build/dom.js";
import { eventArgs, fieldInfo } from "../build/events.js";

function setup() {
  const { window } = new JSDOM("<!DOCTYPE html><body><div id=root></div></body>");
  const doc = window.document, calls = [];
  const applier = new Applier(doc, (id, e, el) => calls.push([id, e.type, el.localName]));
  return { window, doc, applier, calls };
}

test("bubbling, flags, non-bubbling, disabled, submit", () => {
  const { window, doc, applier, calls } = setup();
  const outer = doc.createElement("div"), inner = doc.createElement("button"), form = doc.createElement("form");
  outer.appendChild(inner);
  doc.body.append(outer, form);
  applier.attr(outer, "onclick", null, "1");
  applier.attr(inner, "onclick", null, "2");
  applier.attr(outer, "onfocus", null, "3");
  applier.attr(inner, "onfocus", null, "4");
  applier.attr(form, "onsubmit", null, "5");
  inner.dispatchEvent(new window.MouseEvent("click", { bubbles: true }));
  assert.deepEqual(calls.splice(0), [["2", "click", "button"], ["1", "click", "div"]]);
  inner.dispatchEvent(new window.FocusEvent("focus"));
  assert.deepEqual(calls.splice(0), [["4", "focus", "button"]]);
  applier.attr(inner, "__internal_stopPropagation_onclick", "");
  applier.attr(inner, "__internal_preventDefault_onclick", "");
  const click = new window.MouseEvent("click", { bubbles: true, cancelable: true });
  inner.dispatchEvent(click);
  assert.deepEqual(calls.splice(0), [["2", "click", "button"]]);
  assert.equal(click.defaultPrevented, true);
  applier.attr(inner, "__internal_stopPropagation_onclick", null);
  inner.disabled = true;
  inner.dispatchEvent(new window.MouseEvent("click", { bubbles: true }));
  assert.deepEqual(calls.splice(0), [["1", "click", "div"]]);
  const submit = new window.Event("submit", { bubbles: true, cancelable: true });
  form.dispatchEvent(submit);
  assert.deepEqual(calls.splice(0), [["5", "submit", "form"]]);
  assert.equal(submit.defaultPrevented, true);
});

test("event args per family", () => {
  const { window, doc } = setup();
  const key = eventArgs("keydown", new window.KeyboardEvent("keydown", { key: "a", code: "KeyA" }));
  assert.deepEqual(Object.keys(key), ["key", "code", "location", "repeat", "ctrlKey", "shiftKey", "altKey", "metaKey", "type", "isComposing"]);
  assert.deepEqual(eventArgs("focus", new window.FocusEvent("focus")), { type: "focus" });
  assert.deepEqual(eventArgs("submit", new window.Event("submit")), {});
  assert.deepEqual(eventArgs("mouseenter", new window.MouseEvent("mouseenter")), {});
  const box = doc.createElement("input");
  box.type = "checkbox";
  box.checked = true;
  const change = new window.Event("change");
  box.dispatchEvent(change);
  assert.deepEqual(eventArgs("change", change), { value: true });
  assert.deepEqual(fieldInfo(box, 4), { componentId: 4, fieldValue: true });
  const select = doc.createElement("select");
  select.multiple = true;
  select.innerHTML = "<option selected>a</option><option>b</option><option selected>c</option>";
  const e2 = new window.Event("change");
  select.dispatchEvent(e2);
  assert.deepEqual(eventArgs("change", e2), { value: ["a", "c"] });
  assert.deepEqual(fieldInfo(select), { componentId: null, fieldValue: "a" });
  const time = doc.createElement("input");
  time.type = "time";
  time.value = "10:30";
  const e3 = new window.Event("input");
  time.dispatchEvent(e3);
  assert.deepEqual(eventArgs("input", e3), { value: "10:30:00" });
  assert.equal(fieldInfo(doc.createElement("div")), null);
});

test("time values drop their seconds as Blazor's client does (ED-4.2)", () => {
  const { doc, applier } = setup();
  const t = doc.createElement("input");
  t.type = "time";
  applier.attr(t, "value", "10:30:00");
  assert.equal(t.value, "10:30");
  const d = doc.createElement("input");
  d.type = "datetime-local";
  d.setAttribute("step", "1");
  applier.attr(d, "value", "2026-11-25T10:30:15");
  assert.match(d.value, /^2026-11-25T10:30:15/); // kept (jsdom may add .000)
});

// Handler ids come out of the reader as numbers below 2^53 and as decimal strings above (RB-6.2);
// registering, replacing, dispatching and disposing must treat each id as itself either way.
test("handler ids below and above 2^53: dispatched exactly, replaced and disposed (ED-4.1, RB-6.2)", async () => {
  const { readBatch } = await import("../build/reader.js");
  const { accessors } = await import("../test-support/frames.mjs");
  const { readFileSync } = await import("node:fs");
  const vector = (name) => {
    const v = JSON.parse(readFileSync(new URL(`../../../conformance/vectors/render-batch/valid/${name}.json`, import.meta.url), "utf8"));
    return readBatch(Uint8Array.from(v.hex.match(/../g), (b) => parseInt(b, 16)));
  };
  const { window, doc, applier } = (await import("../test-support/page.mjs")).setup();
  const calls = [];
  applier.onEvent = (id, e, el) => calls.push([id, e.type, el.localName]);
  const click = () => doc.querySelector("button").dispatchEvent(new window.MouseEvent("click", { bubbles: true }));
  // Root 0 renders a button with handler 7 for onclick.
  applier.apply({ updatedComponents: [{ componentId: 0, edits: [{ type: "prependFrame", siblingIndex: 0, referenceFrameIndex: 0 }] }],
    ...accessors([{ type: "element", name: "button", subtreeLength: 2 }, { type: "attribute", name: "onclick", eventHandlerId: 7 }]),
    disposedComponentIds: [], disposedEventHandlerIds: [] });
  click();
  assert.deepEqual(calls.splice(0), [[7, "click", "button"]]);
  // The vector sets onclick to 9007199254740995 (replacing 7) and disposes 9007199254740993 (unknown).
  applier.apply(vector("event-handler-id-above-2-53"));
  click();
  assert.deepEqual(calls.splice(0), [["9007199254740995", "click", "button"]]);
  assert.deepEqual([...applier.handlers.keys()], ["9007199254740995"]);
  // This one sets onclick to 2^64 - 1 and disposes it: no handler is left.
  applier.apply(vector("event-handler-id-u64-max"));
  click();
  assert.deepEqual(calls, []);
  assert.equal(applier.handlers.size, 0);
});
