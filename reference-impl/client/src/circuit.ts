// The circuit: start (blazor.web.js flow), render batches and acks, the start-up and navigation
// calls of Blazor._internal, events, errors, reconnection with backoff and its UI, the unload
// beacon (spec/circuit.md, spec/blazor.md; fact sheet §6, §7, §8, §10, §11, §12).
import { HubConnection } from "./hub";
import { Interop } from "./interop";
import { readBatch, type HandlerId } from "./reader";
import { Applier } from "./dom";
import { eventArgs, fieldInfo } from "./events";

interface Marker { node: Comment; end: Comment | null; json: any }

// Server-component markers `<!--Blazor:{...}-->` (with their end markers) and the state comment.
export function scanPage(doc: Document): { markers: Marker[]; state: string } {
  const walker = doc.createTreeWalker(doc, 128 /* NodeFilter.SHOW_COMMENT */);
  const markers: Marker[] = [];
  let state = "";
  for (let n: any; (n = walker.nextNode());) {
    const text = n.data as string;
    const s = /^\s*Blazor-Server-Component-State:(.*)$/s.exec(text);
    if (s) { state = s[1]; continue; }
    const m = /^\s*Blazor:[^{]*(.*)$/s.exec(text);
    if (!m) continue;
    const json = JSON.parse(m[1]);
    if (json.type == "server" || json.type == "auto") markers.push({ node: n, end: null, json });
    else if (json.prerenderId) {
      const start = markers.find((x) => x.json.prerenderId == json.prerenderId && !x.end);
      if (start) start.end = n;
    }
  }
  return { markers, state };
}

const RETRY = (attempt: number) => (attempt < 10 ? 0 : attempt < 20 ? 5000 : 30000);
const MAX_RETRIES = 30;

export class Circuit {
  hub!: HubConnection;
  secret: string | null = null;
  applier: Applier;
  nextBatch = 2;
  js: Interop;
  private dotNetObject = 1;
  private updateBatch = 0;
  private ended = false;
  private started = false;
  private markers: Marker[] = [];
  private state = "";
  private ui: HTMLElement | null = null;

  private reconnecting = false;

  constructor(readonly doc: Document = document, private base: string = doc.baseURI, private href: string = location.href) {
    this.applier = new Applier(doc, (id, e, el) => this.dispatch(id, e, el));
    const js = (this.js = new Interop(this, doc.defaultView)), nav = "Blazor._internal.navigationManager.";
    Object.assign(js.internal, {
      "Blazor._internal.attachWebRendererInterop": (_: number, ref: { id: number }) => {
        this.dotNetObject = ref.id;
        if (this.started) return;
        this.started = true;
        this.hub.send("UpdateRootComponents", JSON.stringify({
          batchId: ++this.updateBatch,
          operations: this.markers.map((m, i) => ({ type: "add", ssrComponentId: i + 1, marker: { ...m.json, uniqueId: i } })),
        }), this.state);
      },
      [nav + "enableNavigationInterception"]: () => this.intercept(),
      [nav + "navigateTo"]: (uri: string, o: any) => this.navigate(uri, o || {}),
      [nav + "setHasLocationChangingListeners"]: (_: number, on: boolean) => { this.listeners = on; },
      "Blazor._internal.domWrapper.focus": (el: HTMLElement, preventScroll: boolean) => el.focus({ preventScroll }),
      "Blazor._internal.domWrapper.focusBySelector": (selector: string) => {
        const el: any = doc.querySelector(selector);
        if (el) { if (!el.hasAttribute("tabindex")) el.tabIndex = -1; el.focus({ preventScroll: true }); }
      },
    });
  }

  async start() {
    ({ markers: this.markers, state: this.state } = scanPage(this.doc));
    await this.connect();
    this.secret = await this.hub.invoke("StartCircuit", this.base, this.href, "[]", this.state);
    if (!this.secret) throw new Error("StartCircuit refused");
    this.doc.defaultView!.addEventListener("pagehide", () => this.disconnect());
  }

  private async connect() {
    const hub = (this.hub = new HubConnection(this.base, (t, a) => this.receive(t, a)));
    hub.onclose = () => { if (!this.ended && this.secret && !this.reconnecting) this.reconnect(); };
    await hub.start();
  }

  private receive(target: string, args: any[]) {
    switch (target) {
      case "JS.AttachComponent": {
        const m = this.markers[+args[1] - 1];
        if (m) this.applier.attachRoot(args[0], m.node, m.end);
        break;
      }
      case "JS.RenderBatch": this.batch(args[0], args[1]); break;
      case "JS.BeginInvokeJS": this.js.begin(...(args as [number, string, string, number, number, number])); break;
      case "JS.EndInvokeDotNet": this.js.end(args[0], args[1], args[1] ? this.js.parse(args[2]) : new Error(args[2])); break;
      case "JS.EndLocationChanging": this.js.end(args[0], true, args[1]); break;
      case "JS.ReceiveByteArray": this.js.bytes.set(args[0], args[1]); break;
      case "JS.BeginTransmitStream": this.js.transmit(args[0]); break;
      case "JS.Error": this.fail(String(args[0])); break;
    }
  }

  // Apply in id order and ack every batch; re-ack one already applied; drop one from the future
  // (the server resends it after a reconnect).
  private batch(id: number, bytes: Uint8Array) {
    if (id < this.nextBatch) return this.hub.send("OnRenderCompleted", id, null);
    if (id > this.nextBatch) return;
    try {
      this.applier.apply(readBatch(bytes));
      this.nextBatch++;
      this.hub.send("OnRenderCompleted", id, null);
    } catch (e) {
      this.hub.send("OnRenderCompleted", id, String(e));
      this.fail(String(e));
    }
  }

  // Navigation (fact sheet §10): NavigateTo from .NET, and intercepted link clicks and history
  // moves within the base URI, reported with OnLocationChanged(uri, state, intercepted). While
  // .NET has location-changing handlers, a link click or history move first asks
  // OnLocationChanging(callId, uri, state, intercepted) and waits for JS.EndLocationChanging; a
  // newer navigation drops the pending question. History entries hold {userState, _index} so that
  // a cancelled history move can be undone.
  private listeners = false;
  private navCall = 0;
  private index = 0;
  private intercepting = false;
  private within(uri: string) {
    const b = this.base.slice(0, this.base.lastIndexOf("/"));
    return uri.startsWith(b) && /^([/?#]|$)/.test(uri.slice(b.length));
  }

  // OnLocationChanging; settles with true (continue), false (cancel) or null (dropped).
  private changing(uri: string, state: string | null, intercepted: boolean): Promise<boolean | null> {
    const id = ++this.navCall;
    return this.js.wait(id, () => this.hub.send("OnLocationChanging", id, uri, state, intercepted));
  }

  private save(uri: string, replace: boolean, userState: string | null) {
    if (!replace) this.index++;
    this.doc.defaultView!.history[replace ? "replaceState" : "pushState"]({ userState, _index: this.index }, "", uri);
  }

  // A fragment of the current page only adds a history entry and scrolls; other addresses are
  // asked for (links only), saved in history and reported.
  private async go(uri: string, intercepted: boolean, replace = false, state: string | null = null) {
    const to = new URL(uri), here = new URL(this.doc.defaultView!.location.href);
    this.js.end(this.navCall, true, null);
    if (to.hash && to.origin + to.pathname + to.search == here.origin + here.pathname + here.search) {
      this.save(uri, replace, state);
      return this.doc.getElementById(to.hash.slice(1))?.scrollIntoView();
    }
    if (intercepted && this.listeners && !(await this.changing(uri, state, true))) return;
    this.save(uri, replace, state);
    this.hub.send("OnLocationChanged", uri, state, intercepted);
  }

  private navigate(uri: string, o: any) {
    const abs = new URL(uri, this.base).href, win: any = this.doc.defaultView;
    if (o.forceLoad || !this.within(abs)) return o.replaceHistoryEntry ? win.location.replace(abs) : win.location.assign(abs);
    this.go(abs, false, o.replaceHistoryEntry, o.historyEntryState ?? null);
  }

  private intercept() {
    if (this.intercepting) return;
    this.intercepting = true;
    const win: any = this.doc.defaultView;
    this.index = win.history.state?._index ?? 0;
    this.doc.addEventListener("click", (e: MouseEvent) => {
      if (e.defaultPrevented || e.button || e.ctrlKey || e.shiftKey || e.altKey || e.metaKey) return;
      const a = (e.target as Element).closest?.("a[href]") as HTMLAnchorElement | null;
      if (!a || (a.target && a.target != "_self") || a.hasAttribute("download")) return;
      const href = new URL(a.getAttribute("href")!, this.base).href;
      if (!this.within(href)) return;
      e.preventDefault();
      this.go(href, true);
    });
    let undoing = false;
    win.addEventListener("popstate", async (e: PopStateEvent) => {
      const index = e.state?._index ?? 0, back = this.index - index, uri = win.location.href, state = e.state?.userState ?? null;
      this.index = index;
      if (undoing) return void (undoing = false);
      this.js.end(this.navCall, true, null);
      const go = !this.listeners || await this.changing(uri, state, false);
      if (go) this.hub.send("OnLocationChanged", uri, state, true);
      else if (go === false && back) { undoing = true; win.history.go(back); }
    });
  }

  // BeginInvokeDotNetFromJS(callId, null, "DispatchEventAsync", objectId, [descriptor, args]).
  private dispatch(handlerId: HandlerId, e: Event, el: Element) {
    if (this.ended || !this.hub || this.hub.closed) return;
    const name = e.type, id = String(++this.js.callId);
    const json = '[{"eventHandlerId":' + handlerId + ',"eventName":' + JSON.stringify(name) +
      ',"eventFieldInfo":' + JSON.stringify(fieldInfo(e.target, (el as any)._c)) + "}," + JSON.stringify(eventArgs(name, e)) + "]";
    this.hub.send("BeginInvokeDotNetFromJS", id, null, "DispatchEventAsync", this.dotNetObject, json);
  }

  private async reconnect() {
    this.reconnecting = true;
    try { await this.retry(); } finally { this.reconnecting = false; }
  }

  private async retry() {
    for (let attempt = 0; attempt < MAX_RETRIES && !this.ended; attempt++) {
      this.show("show", attempt);
      await this.wait(RETRY(attempt));
      this.show("retrying", attempt + 1);
      try {
        await this.connect();
        if (await this.hub.invoke("ConnectCircuit", this.secret)) return this.show("hide");
        this.ended = true;
        this.hub.stop();
        return this.show("rejected");
      } catch { /* try again */ }
    }
    if (!this.ended) this.show("failed");
  }

  // Waits before a retry: counts the seconds down in #components-seconds-to-next-attempt, and
  // retries at once when the page becomes visible or #components-reconnect-button is clicked.
  private wait(ms: number) {
    return new Promise<void>((resolve) => {
      const doc = this.doc, end = Date.now() + ms, button = doc.getElementById("components-reconnect-button");
      const tick = () => {
        const left = Math.ceil((end - Date.now()) / 1000), el = doc.getElementById("components-seconds-to-next-attempt");
        if (el) el.textContent = String(Math.max(left, 0));
        if (left <= 0) done();
      };
      const now = () => { if (doc.visibilityState == "visible") done(); };
      const done = () => {
        clearInterval(timer); clearTimeout(timeout);
        doc.removeEventListener("visibilitychange", now);
        button && button.removeEventListener("click", done);
        resolve();
      };
      const timer = setInterval(tick, 1000), timeout = setTimeout(done, ms);
      doc.addEventListener("visibilitychange", now);
      button && button.addEventListener("click", done);
      tick();
    });
  }

  // Reconnect UI: the app's #components-reconnect-modal gets the state as a class; otherwise a
  // default overlay (fact sheet §12.4).
  show(state: string, attempt = 0) {
    const modal = this.doc.getElementById("components-reconnect-modal");
    if (modal) {
      modal.className = "components-reconnect-" + state;
      // A <dialog> is opened for every state but hide, and closed on hide.
      const dialog = modal as any;
      if (state == "hide") { if (dialog.open && typeof dialog.close == "function") dialog.close(); }
      else if (!dialog.open && typeof dialog.showModal == "function") { try { dialog.showModal(); } catch { /* not connected */ } }
      const el = this.doc.getElementById("components-reconnect-current-attempt");
      if (el) el.textContent = String(attempt);
      modal.dispatchEvent(new (this.doc.defaultView as any).CustomEvent("components-reconnect-state-changed", { detail: { state, currentAttempt: attempt } }));
      return;
    }
    if (!this.ui) {
      this.ui = this.doc.createElement("div");
      this.ui.id = "brasa-reconnect";
      this.ui.style.cssText = "position:fixed;inset:0;z-index:1000;display:none;background:rgba(0,0,0,.4);color:#000;font:16px sans-serif;text-align:center;padding-top:30vh";
      this.doc.body.appendChild(this.ui);
    }
    const text: Record<string, string> = {
      show: "Attempting to reconnect to the server…", retrying: "Reconnecting to the server (attempt " + attempt + ")…",
      failed: "Could not reconnect to the server. Reload the page to continue.",
      rejected: "The session has ended. Reload the page to start a new one.",
    };
    this.ui.style.display = state == "hide" ? "none" : "block";
    this.ui.innerHTML = '<div style="background:#fff;display:inline-block;padding:1em 2em;border-radius:6px"></div>';
    this.ui.firstChild!.textContent = text[state] ?? "";
    if (state == "failed" || state == "rejected") {
      const a = this.doc.createElement("a");
      a.href = "";
      a.textContent = " Reload";
      this.ui.firstChild!.appendChild(a);
    }
  }

  // JS.Error or a batch that cannot be applied: end the circuit and show the error UI.
  fail(message: string) {
    console.error(message);
    this.ended = true;
    this.hub.stop();
    const ui = this.doc.getElementById("blazor-error-ui");
    if (ui) { ui.style.display = "block"; return; }
    const div = this.doc.createElement("div");
    div.id = "blazor-error-ui";
    div.style.cssText = "position:fixed;bottom:0;left:0;right:0;z-index:1000;background:#ffffe0;padding:.6em 1.2em;box-shadow:0 -1px 2px rgba(0,0,0,.2);font:14px sans-serif";
    div.textContent = "An unhandled error has occurred. ";
    const a = this.doc.createElement("a");
    a.href = "";
    a.textContent = "Reload";
    div.appendChild(a);
    this.doc.body.appendChild(div);
  }

  // Ends this client's side of the circuit without the beacon (the server keeps it retained).
  dispose() {
    this.ended = true;
    this.hub && this.hub.stop();
  }

  // The unload beacon: the server disposes the circuit at once.
  disconnect() {
    if (!this.secret || this.ended) return;
    this.ended = true;
    const data = new FormData();
    data.append("circuitId", this.secret);
    this.doc.defaultView!.navigator.sendBeacon(new URL("_blazor/disconnect", this.base), data);
  }
}
