// DOM applier (spec/edits.md): logical component containers, sibling indexes, permutations,
// value/checked properties, event handler registration with delegation at the document root.
import type { RenderBatch, Edit, HandlerId } from "./reader";

export class ApplyError extends Error {
  constructor(public kind: string, public requirement: string) { super(kind + " (" + requirement + ")"); }
}
const fail = (kind: string, req: string): never => { throw new ApplyError(kind, req); };

const SVG = "http://www.w3.org/2000/svg";
// The logical-tree record (ED-1.x), kept only where the DOM alone cannot tell the logical tree:
// on roots, on containers (component and markup comments) and on elements that hold a container.
// Fields: parent (of a container), children, container flag, root flag, end marker (a root
// container's range ends before it), pending clear of prerendered content. Any other element's
// logical children are its DOM children, and a text node or element has no record at all.
interface Logical { p: any; c: any[]; k?: 1; r?: 1; e?: Node | null; x?: 1 }
const kidsOf = (n: any): any => (n._l ? n._l.c : n.childNodes);
// The record of an element that had none, listing its DOM children.
const boxed = (n: any): Logical => {
  if (!n._l) {
    const c = [];
    for (let k = n.firstChild; k; k = k.nextSibling) c.push(k);
    n._l = { p: null, c };
  }
  return n._l;
};
const isContainer = (n: any) => n._l && n._l.k;

export type EventSink = (handlerId: HandlerId, event: Event, element: Element) => void;

export class Applier {
  components = new Map<number, any>();
  handlers = new Map<HandlerId, any>(); // id → the element whose _h holds it
  private listening = new Set<string>();
  private gone = new Set<number>();
  private parsed = [new Map<string, Node[]>(), new Map<string, Node[]>()]; // HTML, SVG
  constructor(public doc: Document, public onEvent?: EventSink) {}

  // Attach root component `id` to a container: a comment marker (Blazor Web; `end` is the node
  // that follows its prerendered content) or an element (blazor.server.js). ED-1.3.
  attachRoot(id: number, node: Node, end: Node | null = null) {
    const l: Logical = (node as any)._l = { p: null, c: [], r: 1, x: 1 } as Logical;
    if (node.nodeType == 8) { l.k = 1; l.e = end; }
    this.components.set(id, node);
  }

  apply(batch: RenderBatch) {
    for (const diff of batch.updatedComponents) {
      const container = this.components.get(diff.componentId);
      if (!container) fail("unknown_component", this.gone.has(diff.componentId) ? "ED-5.1" : "ED-2.2");
      // A removed child's DOM nodes leave the document with it, so a component is attached when
      // its container is (or is a root).
      if (!container._l.r && !container.isConnected) fail("component_not_in_document", "ED-2.2");
      const l: Logical = container._l;
      if (l.x) { // first diff of a root component: drop the prerendered content
        delete l.x;
        if (l.k) {
          (container as Comment).data = "!";
          const end = l.e;
          if (end) {
            // ED-1.3: the prerendered range and its end marker go; what followed it is the anchor.
            l.e = end.nextSibling;
            while (container.nextSibling && container.nextSibling != l.e) container.nextSibling.remove();
          } else l.e = container.nextSibling; // nothing prerendered: the page after the marker stays
        } else container.textContent = "";
        l.c = [];
      }
      this.edits(container, diff.componentId, diff.edits, batch);
    }
    for (const id of batch.disposedComponentIds) {
      const c = this.components.get(id);
      if (!c) fail("unknown_disposed_component", "ED-5.1");
      if (c._l.r) while (c._l.c.length) removeChild(c, 0);
      this.components.delete(id);
      this.gone.add(id);
    }
    for (const id of batch.disposedEventHandlerIds) {
      const el = this.handlers.get(id);
      if (el) {
        // Emptied rather than deleted: deleting turns the element's small object into a slow
        // dictionary (20,000 disposals in clear 10,000 rows took 5 ms).
        for (const k in el._h) if (el._h[k] === id) el._h[k] = null;
        this.handlers.delete(id);
      }
    }
  }

  private edits(container: any, componentId: number, edits: Edit[], b: RenderBatch) {
    let parent = container;
    let perm: [number, number][] | null = null;
    const up: any[] = [];
    for (let x = 0, skip = 0; x < edits.length; x++) {
      const e: any = edits[x], kids = kidsOf(parent);
      const t = e.type, i = e.siblingIndex;
      const child = kids[i];
      if (i !== undefined && t != "prependFrame" && t != "permutationListEntry" && i >= kids.length)
        fail("edit/sibling_index_out_of_range", t == "stepIn" ? "ED-2.3" : "ED-2.4");
      if ((t == "stepIn" || t == "setAttribute" || t == "removeAttribute") && !(child && child.nodeType == 1))
        fail("edit/not_an_element", t == "stepIn" ? "ED-2.3" : t == "setAttribute" ? "ED-2.7" : "ED-2.8");
      switch (t) {
        case "prependFrame": {
          if (i > kids.length) fail("edit/insertion_index_out_of_range", "ED-2.4");
          // A run inserting one child each at i, i + 1, … (any frame but a region, 5, or a named
          // event, 10), then a run removing every child after them (a replaced list): the old
          // children go first, at once, and the inserts append; the same children result. Each
          // run is scanned once.
          let k = x, r = 0, f: any;
          if (x >= skip && i < kids.length) {
            while (k < edits.length && (f = edits[k]).type == t && f.siblingIndex == i + k - x && b.ft(f.referenceFrameIndex) % 5) k++;
            for (r = k; r < edits.length && (f = edits[r]).type == "removeFrame" && f.siblingIndex == i + k - x; r++);
            skip = k;
          }
          if (k > x && r - k == kids.length - i) {
            removeTail(parent, i);
            for (; x < k; x++) this.insertFrame(parent, (edits[x] as any).siblingIndex, b, (edits[x] as any).referenceFrameIndex, componentId);
            x = r - 1;
          } else this.insertFrame(parent, i, b, e.referenceFrameIndex, componentId);
          break;
        }
        case "removeFrame": {
          // A run that removes every child from i on (a clear, the old rows of a replace) at once.
          let k = x + 1;
          while (k < edits.length && edits[k].type == t && (edits[k] as any).siblingIndex == i) k++;
          if (k - x > 1 && i + k - x == kids.length) { removeTail(parent, i); x = k - 1; }
          else removeChild(parent, i);
          break;
        }
        case "setAttribute": { const r = e.referenceFrameIndex; this.attr(child, b.fs(r), b.fv(r), b.fh(r), componentId); break; }
        case "removeAttribute": this.attr(child, e.name, null); break;
        case "updateText":
          if (!child || child.nodeType != 3) fail("edit/not_a_text", "ED-2.9");
          child.data = b.fs(e.referenceFrameIndex); break;
        case "updateMarkup":
          if (!isContainer(child) || this.isComponent(child)) fail("edit/not_a_markup_block", "ED-2.10");
          removeChild(parent, i);
          this.insertFrame(parent, i, b, e.referenceFrameIndex, componentId);
          break;
        case "stepIn": up.push(parent); parent = child; break;
        case "stepOut": parent = up.pop(); break;
        case "permutationListEntry":
          if (i >= kids.length || e.moveToSiblingIndex >= kids.length) fail("edit/permutation_index_out_of_range", "ED-2.11");
          (perm ||= []).push([i, e.moveToSiblingIndex]);
          break;
        case "permutationListEnd":
          permute(parent, perm!);
          perm = null;
      }
    }
  }

  private isComponent(n: any) { for (const c of this.components.values()) if (c == n) return true; return false; }

  // Inserts frame `fi` (with its subtree) as logical child `index` of `parent`; returns how many
  // logical children it inserted (ED-3.x).
  // `ns`: whether `parent`'s DOM host takes SVG children (computed when not given).
  private insertFrame(parent: any, index: number, b: RenderBatch, fi: number, cid: number, ns?: boolean): number {
    const doc = this.doc, t = b.ft(fi);
    switch (t) {
      case 1: // element
      case 2: { // text
        const el = this.node(b, fi, cid, t == 1 && (ns ?? svgHost(parent)));
        insertChild(parent, index, el);
        if (el.localName == "option") optionInserted(el);
        return 1;
      }
      case 4: { // component
        const id = b.fc(fi);
        if (this.components.has(id)) fail("edit/component_already_attached", "ED-3.3");
        const c: any = doc.createComment("!");
        c._l = { p: null, c: [], k: 1 };
        insertChild(parent, index, c, 1);
        this.components.set(id, c);
        return 1;
      }
      case 5: { // region
        let n = 0;
        for (let j = fi + 1, end = fi + b.fl(fi); j < end; j += b.fl(j)) n += this.insertFrame(parent, index + n, b, j, cid, ns);
        return n;
      }
      case 8: { // markup
        // Text without markup is one text node; other markup is parsed once per content and
        // namespace, then cloned. The container and its nodes go in together.
        const c: any = doc.createComment("!"), html = b.fs(fi) || " ";
        let nodes;
        if (!/[<&\r\0]/.test(html)) nodes = [doc.createTextNode(html)];
        else {
          const svg = ns ?? svgHost(parent), cache = this.parsed[+svg];
          let parsed = cache.get(html);
          if (!parsed) {
            const holder: any = svg ? doc.createElementNS(SVG, "g") : doc.createElement("template");
            holder.innerHTML = html;
            parsed = Array.from((holder.content || holder).childNodes);
            if (cache.size > 999) cache.clear();
            cache.set(html, parsed);
          }
          nodes = parsed.map((n) => doc.importNode(n, true));
        }
        c._l = { p: null, c: nodes, k: 1 };
        insertChild(parent, index, c, 1);
        return 1;
      }
      case 10: return 0; // namedEvent
      case 3: return fail("edit/attribute_frame_out_of_place", "ED-3.7");
      case 6: return fail("edit/reference_capture_outside_element", "ED-3.6");
      default: return fail("edit/unsupported_frame_type", "ED-3.7");
    }
  }

  // An element or text frame `fi` with its subtree, built detached; `ns`: in an SVG host (ED-3.1,
  // ED-3.2). Element and text children are appended as made, without the logical tree's checks,
  // until a container child gives the element a logical-children list.
  private node(b: RenderBatch, fi: number, cid: number, ns: boolean): any {
    const doc = this.doc, name = b.fs(fi);
    if (b.ft(fi) == 2) return doc.createTextNode(name);
    const svg = name == "svg" || ns, kids = svg && name != "foreignObject";
    let el: any;
    try { el = svg ? doc.createElementNS(SVG, name) : doc.createElement(name); }
    catch { fail("edit/invalid_element_name", "ED-3.1"); }
    const end = fi + b.fl(fi);
    let j = fi + 1, v: any, listed: any, t;
    for (; j < end && b.ft(j) == 3; j++) v = this.attr(el, b.fs(j), b.fv(j), b.fh(j), cid) || v;
    for (; j < end; j += b.fl(j)) {
      if ((t = b.ft(j)) == 6) this.attr(el, "_bl_" + b.fs(j), ""); // elementReferenceCapture
      else if (!listed && t < 3) el.appendChild(this.node(b, j, cid, kids));
      else { this.insertFrame(el, 1 / 0, b, j, cid, kids); listed = el._l; }
    }
    if (v) setValue(el, el._v);
    return el;
  }

  // Section 5: one attribute frame (or a RemoveAttribute, value null) applied to an element.
  attr(el: any, name: string, value: string | null, handlerId?: HandlerId, cid?: number) {
    if (handlerId) {
      // `_h`: the element's handler ids by attribute name ("onclick"), the name string being
      // the batch's one copy of it (RB-5.6) rather than a new one per handler.
      el._c = cid; // the component whose render set the handler (field info, events.ts)
      if (!name.startsWith("on")) fail("edit/event_name_without_on_prefix", "ED-4.1");
      const id = handlerId, h = (el._h ||= {});
      if (this.handlers.has(id)) fail("edit/event_handler_already_tracked", "ED-4.1");
      if (h[name]) this.handlers.delete(h[name]);
      h[name] = id;
      this.handlers.set(id, el);
      this.listen(name);
      return;
    }
    // Only value and checked need the element's namespace and tag (read from the DOM).
    const v = name == "value", html = (v || name == "checked") && el.namespaceURI != SVG, tag = html && el.localName;
    if (v && html && (tag == "input" || tag == "select" || tag == "textarea")) {
      el._v = value;
      setValue(el, value);
      return 1;
    } else if (html && !v && tag == "input") {
      el.checked = value !== null;
    } else if (name.startsWith("__internal_")) {
      const m = /^__internal_(stopPropagation|preventDefault)_(.*)$/.exec(name);
      if (!m) fail("edit/unsupported_internal_attribute", "ED-4.4");
      if (!m![2].startsWith("on")) fail("edit/event_name_without_on_prefix", "ED-4.4");
      (el._f ||= {})[m![1][0] + m![2].slice(2)] = value !== null;
    } else {
      if (value === null) el.removeAttribute(name);
      else try { el.setAttribute(name, value); } catch { fail("edit/invalid_attribute_name", "ED-4.5"); }
      if (v && tag == "option") optionInserted(el);
    }
  }

  // Event delegation: one capturing listener per event name at the document root (`on`: the
  // attribute's name, "on" + the event's).
  private listen(on: string) {
    if (this.listening.has(on)) return;
    this.listening.add(on);
    const ev = on.slice(2);
    this.doc.addEventListener(ev, (e) => {
      for (let n: any = e.target; n; n = NON_BUBBLING.has(ev) ? null : n.parentNode) {
        if (n.disabled && MOUSE.has(ev)) continue;
        const id = n._h && n._h[on], f = n._f || {};
        if (f["p" + ev] || (id && ev == "submit")) e.preventDefault();
        if (id && this.onEvent) this.onEvent(id, e, n);
        if (f["s" + ev]) break;
      }
    }, true);
  }
}

const NON_BUBBLING = new Set(("abort blur cancel canplay canplaythrough change close cuechange durationchange emptied ended error focus load " +
  "loadeddata loadedmetadata loadend loadstart mouseenter mouseleave pointerenter pointerleave pause play playing progress ratechange reset " +
  "scroll seeked seeking stalled submit suspend timeupdate toggle unload volumechange waiting").split(" "));
const MOUSE = new Set(["click", "dblclick", "mousedown", "mousemove", "mouseup"]);
const svgHost = (n: any) => { const h: any = isContainer(n) ? n.parentNode : n; return !!h && h.namespaceURI == SVG && h.localName != "foreignObject"; };

// The DOM nodes of a logical child's range: itself, then (for a container) its children's ranges.
function range(n: any, out: any[] = []): any[] {
  out.push(n);
  if (isContainer(n)) for (const c of n._l.c) range(c, out);
  return out;
}

// Where a node appended to `parent` goes (ED-1.4).
function appendPoint(parent: any): [Node, Node | null] {
  const l = parent._l;
  if (!l || !l.k) return [parent, null];
  if (!l.p) return [parent.parentNode, l.e || null];
  const sibs = l.p._l.c, i = sibs.indexOf(parent);
  return i + 1 < sibs.length ? [parent.parentNode, sibs[i + 1]] : appendPoint(l.p);
}

// Inserts a logical child's range (ED-1.4) before `ref`.
function put(dom: Node, n: any, ref: Node | null) {
  dom.insertBefore(n, ref);
  const l = n._l;
  if (l && l.k) for (const c of l.c) put(dom, c, ref);
}

// `index` may be Infinity: append. `box`: `child` is a container.
function insertChild(parent: any, index: number, child: any, box?: 1) {
  // An element whose logical children are its DOM children, unless a container joins them.
  if (!parent._l && !box) return void parent.insertBefore(child, index < 1 / 0 && parent.childNodes[index] || null);
  const l = boxed(parent), kids = l.c, at = index < kids.length;
  let dom = parent, ref = null;
  if (at) dom = (ref = kids[index]).parentNode;
  else if (l.k) [dom, ref] = appendPoint(parent);
  put(dom, child, ref);
  if (at) kids.splice(index, 0, child); else kids.push(child);
  if (box) child._l.p = parent;
}

// Removes logical children index… of `parent`; with nothing else in the element, in one step.
function removeTail(parent: any, index: number) {
  if (!parent._l) {
    // Its logical children are its DOM children: all go at once, or the tail as one range.
    if (!index) return void (parent.textContent = "");
    const r = parent.ownerDocument.createRange();
    r.setStartBefore(parent.childNodes[index]);
    r.setEndAfter(parent.lastChild);
    return r.deleteContents();
  }
  const l = parent._l, gone = l.c.splice(index);
  let count = 0;
  for (const c of gone) { count += range(c).length; if (c._l) c._l.p = null; }
  if (!index && !l.k && parent.childNodes.length == count) parent.textContent = "";
  else for (const c of gone) for (const n of range(c)) n.remove();
}

function removeChild(parent: any, index: number) {
  const l = parent._l, child = l ? l.c.splice(index, 1)[0] : parent.childNodes[index];
  for (const n of range(child)) n.remove();
  if (child._l) child._l.p = null;
}

// ED-2.11: all moves of a list take effect together; only moved children are touched.
function permute(parent: any, moves: [number, number][]) {
  const kids = kidsOf(parent), next = Array.from(kids) as any[], from = new Set<number>(), to = new Set<number>();
  for (const [a, b] of moves) {
    if (from.has(a) || to.has(b)) fail("edit/invalid_permutation", "ED-2.11");
    from.add(a); to.add(b);
    next[b] = kids[a];
  }
  for (const a of from) if (!to.has(a)) fail("edit/invalid_permutation", "ED-2.11");
  const [dom, end] = appendPoint(parent);
  let anchor: Node | null = next.length ? null : end;
  for (let i = next.length - 1; i >= 0; i--) {
    const ref = i == next.length - 1 ? end : anchor;
    if (to.has(i)) put(dom, next[i], ref);
    anchor = next[i];
  }
  if (parent._l) parent._l.c = next;
}

function setValue(el: any, v: string | null) {
  const tag = el.localName;
  if (tag == "select") {
    if (el.multiple) {
      if (v !== null) try { JSON.parse(v); } catch { fail("edit/invalid_multiple_select_value", "ED-4.2"); }
      for (const o of el.querySelectorAll("option")) selectOption(el, o);
    } else el.value = v ?? "";
    return;
  }
  if (tag == "input" && el.type == "file" && v) fail("edit/file_input_value", "ED-4.2");
  // time and datetime-local drop a seconds part that is :00, or any when the input has no step.
  const keep = el.type == "time" ? 5 : el.type == "datetime-local" ? 16 : 0;
  if (tag == "input" && keep && v && v.length == keep + 3 && (v.endsWith("00") || !el.hasAttribute("step"))) v = v.slice(0, keep);
  el.value = v ?? "";
}

function selectOption(select: any, option: any) {
  const v = select._v;
  if (select.multiple) {
    if (v === null) fail("edit/null_multiple_select_value", "ED-4.2");
    let list: any;
    try { list = JSON.parse(v); option.selected = list.indexOf(option.value) >= 0; }
    catch { fail("edit/invalid_multiple_select_value", "ED-4.2"); }
  } else if (option.value == (v ?? "")) {
    option.selected = true;
    delete select._v;
  }
}

function optionInserted(option: any) {
  let s = option.parentNode;
  while (s && s.localName != "select") s = s.parentNode;
  if (s && s._v !== undefined) selectOption(s, option);
}
