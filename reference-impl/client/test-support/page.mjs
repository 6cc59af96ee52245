// A fresh jsdom document whose root element holds the container comment of root component 0
// (ED-1.3), with an applier attached to it: the starting point of the applier's tests.
import { JSDOM } from "jsdom";
import { Applier } from "../build/dom.js";

export function setup() {
  const { window } = new JSDOM("<!DOCTYPE html><html><body><div id=root></div></body></html>");
  const doc = window.document, rootEl = doc.getElementById("root");
  const marker = doc.createComment("!");
  rootEl.appendChild(marker);
  const applier = new Applier(doc);
  applier.attachRoot(0, marker);
  return { window, doc, rootEl, applier };
}
