// The applier's logical tree where it keeps no list of its own (ED-1.1): an element none of whose
// children is a container uses its DOM children; inserting a container turns it into a listed
// element; removals, permutations and steps must address the same children either way
// (ED-1.2, ED-1.4, ED-2.2, ED-2.3, ED-2.11).
import { test } from "node:test";
import assert from "node:assert/strict";
import { ApplyError } from "../build/dom.js";
import { innerHTML } from "../test-support/html.mjs";
import { setup } from "../test-support/page.mjs";
import { accessors } from "../test-support/frames.mjs";

// Frames and edits in the reader's shapes (src/reader.ts).
const F = {
  el: (name, subtreeLength) => ({ type: "element", name, subtreeLength }),
  attr: (name, value) => ({ type: "attribute", name, value }),
  text: (content) => ({ type: "text", content }),
  markup: (content) => ({ type: "markup", content }),
  component: (componentId) => ({ type: "component", componentId, subtreeLength: 1 }),
};
const E = {
  prepend: (siblingIndex, referenceFrameIndex) => ({ type: "prependFrame", siblingIndex, referenceFrameIndex }),
  remove: (siblingIndex) => ({ type: "removeFrame", siblingIndex }),
  text: (siblingIndex, referenceFrameIndex) => ({ type: "updateText", siblingIndex, referenceFrameIndex }),
  setAttr: (siblingIndex, referenceFrameIndex) => ({ type: "setAttribute", siblingIndex, referenceFrameIndex }),
  in: (siblingIndex) => ({ type: "stepIn", siblingIndex }),
  out: () => ({ type: "stepOut" }),
  move: (siblingIndex, moveToSiblingIndex) => ({ type: "permutationListEntry", siblingIndex, moveToSiblingIndex }),
  end: () => ({ type: "permutationListEnd" }),
};
const batch = (diffs, referenceFrames, disposedComponentIds = []) => ({
  updatedComponents: diffs.map(([componentId, edits]) => ({ componentId, edits })),
  ...accessors(referenceFrames),
  disposedComponentIds, disposedEventHandlerIds: [],
});


// Root 0 renders <ul> with items a, b, c, d (each an <li> with text): a plain element's children.
function list(applier) {
  const frames = [F.el("ul", 9)];
  for (const t of "abcd") frames.push(F.el("li", 2), F.text(t));
  applier.apply(batch([[0, [E.prepend(0, 0)]]], frames));
}

test("a component inserted among an element's children: the element gets a list in DOM order (ED-1.1, ED-1.4)", () => {
  const { rootEl, applier } = setup();
  list(applier);
  // Component 1 goes in at index 2 of the <ul>; then it renders a <li>; then <li>a</li> goes.
  applier.apply(batch([[0, [E.in(0), E.prepend(2, 0), E.out()]]], [F.component(1)]));
  applier.apply(batch([[1, [E.prepend(0, 0)]]], [F.el("li", 2), F.text("c1")]));
  assert.equal(innerHTML(rootEl), "<!--!--><ul><li>a</li><li>b</li><!--!--><li>c1</li><li>c</li><li>d</li></ul>");
  applier.apply(batch([[0, [E.in(0), E.remove(0), E.in(2), E.text(0, 0), E.out(), E.out()]]], [F.text("C")]));
  assert.equal(innerHTML(rootEl), "<!--!--><ul><li>b</li><!--!--><li>c1</li><li>C</li><li>d</li></ul>");
  // The component counts as one child (index 1) however many nodes it shows.
  applier.apply(batch([[1, [E.prepend(1, 0)]]], [F.el("li", 2), F.text("c2")]));
  applier.apply(batch([[0, [E.in(0), E.setAttr(3, 0), E.out()]]], [F.attr("class", "last")]));
  assert.equal(innerHTML(rootEl), '<!--!--><ul><li>b</li><!--!--><li>c1</li><li>c2</li><li>C</li><li class="last">d</li></ul>');
});

test("markup among an element's children, then removed and updated by index (ED-1.2, ED-2.10)", () => {
  const { rootEl, applier } = setup();
  list(applier);
  applier.apply(batch([[0, [E.in(0), E.prepend(1, 0), E.out()]]], [F.markup("<li>m1</li><li>m2</li>")]));
  assert.equal(innerHTML(rootEl), "<!--!--><ul><li>a</li><!--!--><li>m1</li><li>m2</li><li>b</li><li>c</li><li>d</li></ul>");
  applier.apply(batch([[0, [E.in(0), { type: "updateMarkup", siblingIndex: 1, referenceFrameIndex: 0 }, E.remove(2), E.out()]]],
    [F.markup("<li>m3</li>")]));
  assert.equal(innerHTML(rootEl), "<!--!--><ul><li>a</li><!--!--><li>m3</li><li>c</li><li>d</li></ul>");
});

test("single removals by index in an element without a list (ED-1.2)", () => {
  const { rootEl, applier } = setup();
  list(applier);
  applier.apply(batch([[0, [E.in(0), E.remove(2), E.in(2), E.text(0, 0), E.out(), E.remove(0), E.out()]]], [F.text("D")]));
  assert.equal(innerHTML(rootEl), "<!--!--><ul><li>b</li><li>D</li></ul>");
});

test("a run of removals to the end, from index 0 and from the middle, in an element without a list", () => {
  const { rootEl, applier } = setup();
  list(applier);
  applier.apply(batch([[0, [E.in(0), E.remove(1), E.remove(1), E.remove(1), E.out()]]], []));
  assert.equal(innerHTML(rootEl), "<!--!--><ul><li>a</li></ul>");
  applier.apply(batch([[0, [E.in(0), E.prepend(1, 0), E.prepend(2, 2), E.out()]]], [F.el("li", 2), F.text("x"), F.el("li", 2), F.text("y")]));
  assert.equal(innerHTML(rootEl), "<!--!--><ul><li>a</li><li>x</li><li>y</li></ul>");
  applier.apply(batch([[0, [E.in(0), E.remove(0), E.remove(0), E.remove(0), E.prepend(0, 0), E.out()]]], [F.el("li", 2), F.text("z")]));
  assert.equal(innerHTML(rootEl), "<!--!--><ul><li>z</li></ul>");
});

test("a run of removals to the end in an element with a list leaves the containers' ranges whole", () => {
  const { rootEl, applier } = setup();
  list(applier);
  applier.apply(batch([[0, [E.in(0), E.prepend(4, 0), E.out()]]], [F.component(1)]));
  applier.apply(batch([[1, [E.prepend(0, 0)]]], [F.el("li", 2), F.text("c1")]));
  applier.apply(batch([[0, [E.in(0), E.remove(2), E.remove(2), E.remove(2), E.out()]]], []));
  assert.equal(innerHTML(rootEl), "<!--!--><ul><li>a</li><li>b</li></ul>");
  // The removed component was not disposed: a diff for it is rejected (ED-2.2).
  assert.throws(() => applier.apply(batch([[1, [E.remove(0)]]], [])),
    (e) => e instanceof ApplyError && e.kind == "component_not_in_document" && e.requirement == "ED-2.2");
});

// The applier takes a replaced list (inserts at i, i + 1, … each of one child, then removals of
// every old child after them) by removing the old children first; the children must be those of
// applying the edits one by one (ED-2.4), and other runs must be applied one by one.
test("a replaced list, and runs that only look like one, give the children of one-by-one edits (ED-2.4)", () => {
  const li = (t) => [F.el("li", 2), F.text(t)];
  // Without a list: b, c, d replaced by x, y after a.
  let { rootEl, applier } = setup();
  list(applier);
  applier.apply(batch([[0, [E.in(0), E.prepend(1, 0), E.prepend(2, 2), E.remove(3), E.remove(3), E.remove(3), E.out()]]],
    [...li("x"), ...li("y")]));
  assert.equal(innerHTML(rootEl), "<!--!--><ul><li>a</li><li>x</li><li>y</li></ul>");
  // Removals that leave part of the old tail: a and b go, c and d stay.
  ({ rootEl, applier } = setup());
  list(applier);
  applier.apply(batch([[0, [E.in(0), E.prepend(0, 0), E.prepend(1, 2), E.remove(2), E.remove(2), E.out()]]], [...li("x"), ...li("y")]));
  assert.equal(innerHTML(rootEl), "<!--!--><ul><li>x</li><li>y</li><li>c</li><li>d</li></ul>");
  // A region inserts two children: the run is not one of single inserts.
  ({ rootEl, applier } = setup());
  list(applier);
  applier.apply(batch([[0, [E.in(0), E.prepend(0, 0), E.prepend(1, 5), E.remove(2), E.remove(2), E.remove(2), E.remove(2), E.out()]]],
    [{ type: "region", subtreeLength: 5 }, ...li("r1"), ...li("r2"), ...li("z")]));
  assert.equal(innerHTML(rootEl), "<!--!--><ul><li>r1</li><li>z</li><li>d</li></ul>");
  // With a list: markup among the new children, a component among the old; the component is
  // removed with them.
  ({ rootEl, applier } = setup());
  list(applier);
  applier.apply(batch([[0, [E.in(0), E.prepend(4, 0), E.out()]]], [F.component(1)]));
  applier.apply(batch([[1, [E.prepend(0, 0)]]], li("c1")));
  applier.apply(batch([[0, [E.in(0), E.prepend(0, 0), E.prepend(1, 2), ...Array(5).fill(E.remove(2)), E.out()]]],
    [...li("p"), F.markup("<li>q</li>")]));
  assert.equal(innerHTML(rootEl), "<!--!--><ul><li>p</li><!--!--><li>q</li></ul>");
  assert.throws(() => applier.apply(batch([[1, [E.remove(0)]]], [])),
    (e) => e instanceof ApplyError && e.kind == "component_not_in_document");
  // More removals than old children: rejected as one by one would (ED-2.4).
  ({ rootEl, applier } = setup());
  list(applier);
  assert.throws(() => applier.apply(batch([[0, [E.in(0), E.prepend(0, 0), ...Array(5).fill(E.remove(1)), E.out()]]], li("x"))),
    (e) => e instanceof ApplyError && e.kind == "edit/sibling_index_out_of_range");
});

test("a component inside a removed element is no longer in the document (ED-2.2)", () => {
  const { applier } = setup();
  applier.apply(batch([[0, [E.prepend(0, 0)]]], [F.el("div", 3), F.el("p", 2), F.component(1)]));
  applier.apply(batch([[1, [E.prepend(0, 0)]]], [F.text("inner")]));
  applier.apply(batch([[0, [E.remove(0)]]], []));
  assert.throws(() => applier.apply(batch([[1, [E.text(0, 0)]]], [F.text("again")])),
    (e) => e instanceof ApplyError && e.kind == "component_not_in_document");
});

test("permutations in an element without a list and in one with a list (ED-2.11)", () => {
  const { rootEl, applier } = setup();
  list(applier);
  applier.apply(batch([[0, [E.in(0), E.move(0, 3), E.move(3, 0), E.end(), E.out()]]], []));
  assert.equal(innerHTML(rootEl), "<!--!--><ul><li>d</li><li>b</li><li>c</li><li>a</li></ul>");
  applier.apply(batch([[0, [E.in(0), E.prepend(1, 0), E.out()]]], [F.component(1)]));
  applier.apply(batch([[1, [E.prepend(0, 0)]]], [F.el("li", 2), F.text("c1")]));
  // d, [c1], b, c, a: the component moves with its range.
  applier.apply(batch([[0, [E.in(0), E.move(1, 4), E.move(4, 1), E.end(), E.out()]]], []));
  assert.equal(innerHTML(rootEl), "<!--!--><ul><li>d</li><li>a</li><li>b</li><li>c</li><!--!--><li>c1</li></ul>");
  applier.apply(batch([[1, [E.in(0), E.text(0, 0), E.out()]]], [F.text("moved")]));
  assert.equal(innerHTML(rootEl), "<!--!--><ul><li>d</li><li>a</li><li>b</li><li>c</li><!--!--><li>moved</li></ul>");
});

test("StepOut returns through listed and unlisted parents to the right element (ED-2.3)", () => {
  const { rootEl, applier } = setup();
  // <div><p><b>x</b></p><!--component 1--></div>: the div has a list, the p and the b none.
  applier.apply(batch([[0, [E.prepend(0, 0)]]], [F.el("div", 5), F.el("p", 3), F.el("b", 2), F.text("x"), F.component(1)]));
  // A SetAttribute names a child of the current parent: back in <p> it is <b>, back in <div> <p>.
  applier.apply(batch([[0, [E.in(0), E.in(0), E.in(0), E.text(0, 0), E.out(), E.setAttr(0, 1), E.out(), E.setAttr(0, 2), E.out()]]],
    [F.text("y"), F.attr("id", "b"), F.attr("id", "p")]));
  assert.equal(innerHTML(rootEl), '<!--!--><div><p id="p"><b id="b">y</b></p><!--!--></div>');
  applier.apply(batch([[1, [E.prepend(0, 0)]]], [F.text("c")]));
  applier.apply(batch([[0, [E.in(0), E.setAttr(0, 0), E.out(), E.setAttr(0, 1)]]], [F.attr("class", "p"), F.attr("class", "div")]));
  assert.equal(innerHTML(rootEl), '<!--!--><div class="div"><p id="p" class="p"><b id="b">y</b></p><!--!-->c</div>');
});
