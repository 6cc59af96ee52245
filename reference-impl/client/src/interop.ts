// JS interop (fact sheet §9): .NET → JS calls (call types, result types, the JS object registry),
// JS → .NET calls, byte arrays and streams both ways, the special JSON shapes, window.DotNet,
// and the InputFile and sendJSDataStream functions of Blazor._internal.
import type { Circuit } from "./circuit";

type Settle = [(v: any) => void, (e: any) => void];

// A DotNetObjectReference handed to JS: {"__dotNetObject":id}.
class DotNetObject {
  constructor(private js: Interop, readonly id: number) {}
  invokeMethodAsync(method: string, ...args: unknown[]) { return this.js.call(null, method, this.id, args); }
  dispose() { this.js.call(null, "__Dispose", this.id, null).catch(console.error); }
  toJSON() { return { __dotNetObject: this.id }; }
}

const fail = (text: string) => { throw new Error(text); };

export class Interop {
  // Call ids of BeginInvokeDotNetFromJS ("1", "2", …), shared with events.
  callId = 0;
  // Pending JS → .NET calls (string ids) and location-changing calls (number ids).
  private calls = new Map<unknown, Settle>();
  // The JS object registry: 0 is window, references from 1.
  private objects = new Map<number, any>();
  private nextObject = 1;
  // Byte arrays from JS.ReceiveByteArray, taken by the {"__byte[]":k} that follows.
  bytes = new Map<number, Uint8Array>();
  // .NET streams: [data promise, resolve], created by whichever of JS.BeginTransmitStream and
  // {"__dotNetStream":id} comes first and removed by the second.
  private streams = new Map<number, [Promise<ReadableStream>, (s: ReadableStream) => void]>();
  // Functions called by identifier on window before the dotted path is tried (no prototype, so
  // that "toString" and the like are looked up on window).
  internal: Record<string, (...args: any[]) => unknown>;

  constructor(private c: Circuit, win: any) {
    this.objects.set(0, win);
    const dispose = (id: number) => this.objects.delete(id);
    win.DotNet = {
      invokeMethodAsync: (assembly: string, method: string, ...args: unknown[]) => this.call(assembly, method, 0, args),
      createJSObjectReference: (o: unknown) => this.ref(o),
      createJSStreamReference: (o: unknown) => this.streamRef(o),
      disposeJSObjectReferenceById: dispose,
      jsCallDispatcher: { disposeJSObjectReferenceById: dispose },
    };
    this.internal = Object.assign(Object.create(null), {
      import: (url: string) => import(url.startsWith("./") ? new URL(url.slice(2), c.doc.baseURI).href : url),
      "Blazor._internal.sendJSDataStream": (data: any, id: number, size: number) => { setTimeout(() => this.push(data, id, size)); },
      "Blazor._internal.InputFile.init": (ref: DotNetObject, el: any) => {
        let next = 0;
        el.addEventListener("click", () => (el.value = ""));
        el.addEventListener("change", () => {
          el._files = {};
          ref.invokeMethodAsync("NotifyChange", Array.from(el.files, (f: File) => {
            el._files[++next] = f;
            return { id: next, lastModified: new Date(f.lastModified).toISOString(), name: f.name, size: f.size, contentType: f.type, blob: {} };
          }));
        });
      },
      "Blazor._internal.InputFile.readFileData": (el: any, id: number) =>
        el._files?.[id] ?? fail(`There is no file with ID ${id}. The file list may have changed. See https://aka.ms/aspnet/blazor-input-file-multiple-selections.`),
    });
  }

  // JS.BeginInvokeJS [asyncHandle, identifier, argsJson, resultType, targetInstanceId, callType];
  // handle 0 asks for no reply.
  begin(handle: number, identifier: string, argsJson: string, resultType: number, target: number, callType = 1) {
    const result = new Promise<unknown>((resolve) => {
      const args = this.parse(argsJson) || [], own = !target && this.internal[identifier];
      if (own) return resolve(own(...args));
      let parent = this.objects.get(target) ?? fail(`JS object instance with ID ${target} does not exist (has it been disposed?).`);
      const names = identifier.split("."), last = names.pop()!;
      for (const n of names) if ((parent = parent[n]) == null) fail(`Could not find '${identifier}' ('${n}' was undefined).`);
      const f = parent[last];
      if (callType == 3) return resolve(f);
      if (callType == 4) return resolve(void (parent[last] = args[0]));
      if (typeof f != "function") fail(`The value '${identifier}' is not a function.`);
      resolve(callType == 2 ? new f(...args) : f.apply(parent, args));
    });
    if (handle) result.then((r) => this.json([handle, true,
      resultType == 1 ? this.ref(r) : resultType == 2 ? this.streamRef(r) : resultType == 3 ? null : r])).then(
      (json) => this.c.hub.send("EndInvokeJSFromDotNet", handle, true, json),
      (e) => this.c.hub.send("EndInvokeJSFromDotNet", handle, false,
        JSON.stringify([handle, false, e instanceof Error ? e.message + "\n" + e.stack : e ? String(e) : "null"])));
  }

  // JS.EndInvokeDotNet and JS.EndLocationChanging.
  end(key: unknown, ok: boolean, value: unknown) {
    const c = this.calls.get(key);
    if (c) { this.calls.delete(key); c[ok ? 0 : 1](value); }
  }

  wait(key: unknown, send: () => void) {
    return new Promise<any>((resolve, reject) => { this.calls.set(key, [resolve, reject]); send(); });
  }

  // BeginInvokeDotNetFromJS [callId, assemblyName, method, dotNetObjectId, argsJson]; settles with
  // JS.EndInvokeDotNet.
  call(assembly: string | null, method: string, id: number, args: unknown) {
    const callId = String(++this.callId);
    return this.wait(callId, () => this.c.hub.send("BeginInvokeDotNetFromJS", callId, assembly, method, id, this.json(args)));
  }

  // JSON for .NET: each Uint8Array is sent first as ReceiveByteArray [k, bin] (k from 0 per
  // payload) and written as {"__byte[]":k}.
  json(value: unknown) {
    let k = 0;
    return JSON.stringify(value, (_, v) => v instanceof Uint8Array ? (this.c.hub.send("ReceiveByteArray", k, v), { "__byte[]": k++ }) : v);
  }

  // JSON from .NET with the special shapes revived (§9.5).
  parse(json: string | null) {
    return json ? JSON.parse(json, (_, v) => {
      if (v && typeof v == "object") {
        if ("__dotNetObject" in v) return new DotNetObject(this, v.__dotNetObject);
        if ("__jsObjectId" in v) {
          const id = v.__jsObjectId;
          return this.objects.has(id) ? this.objects.get(id) : fail(`JS object instance with Id '${id}' does not exist. It may have been disposed.`);
        }
        if ("__byte[]" in v) {
          const k = v["__byte[]"], bytes = this.bytes.get(k);
          this.bytes.delete(k);
          return bytes ?? fail(`Byte array index '${k}' does not exist.`);
        }
        if ("__internalId" in v) return this.c.doc.querySelector(`[_bl_${v.__internalId}]`);
        if ("__dotNetStream" in v) {
          const data = this.stream(v.__dotNetStream)[0];
          return { stream: () => data, arrayBuffer: async () => new Response(await data).arrayBuffer() };
        }
      }
      return v;
    }) : null;
  }

  ref(o: any) {
    if (o == null) return { __jsObjectId: -1 };
    if (typeof o != "object" && typeof o != "function") fail(`Cannot create a JSObjectReference from the value '${o}'.`);
    this.objects.set(this.nextObject, o);
    return { __jsObjectId: this.nextObject++ };
  }

  streamRef(o: any) {
    if (o instanceof ArrayBuffer) o = new Uint8Array(o);
    const length = ArrayBuffer.isView(o) ? o.byteLength : o?.size ?? fail("Supplied value is not a typed array or blob.");
    return { __jsStreamReferenceLength: length, ...this.ref(o) };
  }

  private stream(id: number) {
    let s = this.streams.get(id);
    if (s) this.streams.delete(id);
    else {
      let resolve!: (s: ReadableStream) => void;
      this.streams.set(id, (s = [new Promise((r) => (resolve = r)), (x) => resolve(x)]));
    }
    return s;
  }

  // JS.BeginTransmitStream [id]: the .NET stream's data, read with the hub stream SendDotNetStreamToJS.
  transmit(id: number) {
    this.stream(id)[1](new ReadableStream({ start: (ctl) => void this.c.hub.stream("SendDotNetStreamToJS", (b) => ctl.enqueue(b), id)
      .then(() => ctl.close(), (e) => ctl.error(e)) }));
  }

  // Blazor._internal.sendJSDataStream: ReceiveJSDataChunk [streamId, chunkId, bin, null], sent, and
  // every few chunks invoked to wait for .NET (about 500 ms between acks; false stops); a read
  // error is sent as [streamId, -1, null, error].
  private async push(data: any, id: number, size: number) {
    const hub = this.c.hub;
    let untilAck = 5, lastAck = Date.now();
    try {
      const total = data.size ?? data.byteLength;
      for (let at = 0, chunk = 0; at < total; at += size, chunk++) {
        const n = Math.min(size, total - at);
        const bytes = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset + at, n)
          : new Uint8Array(await data.slice(at, at + n).arrayBuffer());
        if (--untilAck > 1) hub.send("ReceiveJSDataChunk", id, chunk, bytes, null);
        else {
          if (!(await hub.invoke("ReceiveJSDataChunk", id, chunk, bytes, null))) break;
          const now = Date.now();
          untilAck = Math.max(1, Math.round(500 / Math.max(1, now - lastAck)));
          lastAck = now;
        }
      }
    } catch (e) {
      hub.send("ReceiveJSDataChunk", id, -1, null, String(e));
    }
  }
}
