// One SignalR connection speaking blazorpack v1 over a WebSocket (spec/hub.md): negotiate,
// handshake, Ping keep-alive, invocations, completions, server-to-client streams, Close.
import { frame, unframe } from "./msgpack";

export type InvocationHandler = (target: string, args: any[]) => void;

export class HubConnection {
  private ws!: WebSocket;
  private next = 0;
  // Invocation id → [resolve, reject, stream item callback].
  private pending = new Map<string, [(v: any) => void, (e: any) => void, ((item: any) => void)?]>();
  private timers: any[] = [];
  private last = Date.now();
  closed = false;
  onclose: (error?: unknown) => void = () => {};

  constructor(private base: string, private onInvocation: InvocationHandler) {}

  async start(): Promise<void> {
    const response = await fetch(new URL("_blazor/negotiate?negotiateVersion=1", this.base), {
      method: "POST", headers: { "X-Requested-With": "XMLHttpRequest" }, credentials: "include",
    });
    if (!response.ok) throw new Error("negotiate: " + response.status);
    const n = await response.json();
    const url = new URL("_blazor?id=" + encodeURIComponent(n.connectionToken ?? n.connectionId), this.base);
    url.protocol = url.protocol.replace("http", "ws");
    const ws = (this.ws = new WebSocket(url));
    ws.binaryType = "arraybuffer";
    await new Promise<void>((resolve, reject) => {
      let shaken = false;
      ws.onopen = () => ws.send('{"protocol":"blazorpack","version":1}\x1e');
      ws.onerror = () => reject(new Error("WebSocket error"));
      ws.onclose = (e) => {
        if (!shaken) return reject(new Error("WebSocket closed: " + e.code));
        this.shutdown(new Error("WebSocket closed: " + e.code));
      };
      ws.onmessage = (e) => {
        this.last = Date.now();
        let data: Uint8Array | null = null;
        if (!shaken) {
          const raw = typeof e.data == "string" ? new TextEncoder().encode(e.data) : new Uint8Array(e.data);
          const end = raw.indexOf(0x1e);
          const reply = JSON.parse(new TextDecoder().decode(raw.subarray(0, end)));
          if (reply.error) { ws.close(); return reject(new Error(reply.error)); }
          shaken = true;
          this.post([6]);
          this.timers.push(setInterval(() => this.post([6]), 15000),
            setInterval(() => { if (Date.now() - this.last > 30000) this.stop("Server timeout elapsed"); }, 1000));
          resolve();
          data = raw.subarray(end + 1);
        } else if (typeof e.data != "string") data = new Uint8Array(e.data);
        if (data && data.length) for (const m of unframe(data)) this.receive(m as any[]);
      };
    });
  }

  private receive(m: any[]) {
    switch (m[0]) {
      case 1: // Invocation [1, headers, id, target, args, streams]
        if (m[2] != null) this.post([3, {}, m[2], 1, "Client results are not supported."]);
        this.onInvocation(m[3], m[4]);
        break;
      case 2: // StreamItem [2, headers, id, item]
        this.pending.get(m[2])?.[2]?.(m[3]);
        break;
      case 3: { // Completion [3, headers, id, kind, result|error]
        const p = this.pending.get(m[2]);
        if (p) { this.pending.delete(m[2]); m[3] == 1 ? p[1](new Error(m[4])) : p[0](m[4]); }
        break;
      }
      case 7: // Close [7, error, allowReconnect]
        this.stop(m[1] ?? undefined, true);
    }
  }

  private post(m: unknown) { if (!this.closed && this.ws && this.ws.readyState == 1) this.ws.send(frame(m)); }

  invoke(target: string, ...args: unknown[]): Promise<any> { return this.call(1, target, args); }

  // A server-to-client stream: StreamInvocation [4, {}, id, target, args]; each StreamItem goes to
  // onItem, the Completion settles the promise.
  stream(target: string, onItem: (item: any) => void, ...args: unknown[]): Promise<any> { return this.call(4, target, args, onItem); }

  private call(type: number, target: string, args: unknown[], onItem?: (item: any) => void): Promise<any> {
    const id = String(this.next++);
    return new Promise((resolve, reject) => {
      this.pending.set(id, [resolve, reject, onItem]);
      this.post([type, {}, id, target, args]);
    });
  }

  send(target: string, ...args: unknown[]) { this.post([1, {}, null, target, args]); }

  stop(error?: unknown, fromServer?: boolean) {
    if (this.closed) return;
    if (!fromServer) this.post([7, null]);
    this.ws && this.ws.close();
    this.shutdown(error);
  }

  private shutdown(error?: unknown) {
    if (this.closed) return;
    this.closed = true;
    this.timers.forEach(clearInterval);
    for (const [, reject] of this.pending.values()) reject(error ?? new Error("connection closed"));
    this.pending.clear();
    this.onclose(error);
  }
}
