// Issue 13: js-framework-benchmark operations end to end in headless Chromium, click to applied
// DOM over the circuit, beside ASP.NET Core 10's recorded figures.
//
//   node benches/browser/jsfb.mjs [--runs N] [--client FILE] [--nodelay] [--brasa PATH] [--chromium PATH] [--json FILE]
//
// Starts `brasa serve --app conformance` (the release binary by default) on free loopback ports,
// runs the `big` scenario of ../shared/tools/browser/capture.mjs N times (default 5; each run is a
// fresh browser context and circuit, through capture.mjs's loopback proxy), and prints per
// operation the median and best click-to-DOM time (capture.mjs clicks inside the page and stops a
// MutationObserver when the operation's condition holds), ASP.NET Core 10's two recorded runs
// (shared/reference/performance-anchors.md) and the ratios, with the load average around the runs.
// --client FILE swaps the page's script for FILE (capture.mjs's REAL_CLIENT), e.g. a client built
// after the server binary was; without it the page gets the client the binary embeds.
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const opt = (name, fallback) => {
  const i = process.argv.indexOf("--" + name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const runs = Number(opt("runs", 5));
const client = opt("client", null);
const brasa = path.resolve(opt("brasa", path.join(repo, "target/release/brasa")));
const chromium = opt("chromium", process.env.CHROMIUM ?? "/usr/bin/chromium");
let capture = path.resolve(repo, "../shared/tools/browser/capture.mjs");
const nodelay = process.argv.includes("--nodelay");
const harness = path.join(repo, "conformance/harness"); // node_modules with playwright-core
const jsonOut = opt("json", null);

// ASP.NET Core 10, Blazor Server click→DOM in Chromium (in-page, one user; two runs), from
// shared/reference/performance-anchors.md: capture.mjs label → [run 1, run 2] in ms.
const ASPNET = {
  "create 1,000 rows": [95, 131],
  "replace 1,000 rows": [71, 75],
  "update every 10th": [63, 21],
  "select row": [67, 67],
  "swap rows": [19, 48],
  "remove row": [93, 88],
  "append 1,000 rows": [152, 147],
  "clear": [30, 31],
  "create 10,000 rows": [920, 794],
  "clear 10,000": [204, 190],
  "create 1,000 rows again": null,
};

const freePort = () => new Promise((resolve, reject) => {
  const s = net.createServer();
  s.on("error", reject);
  s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const run = (cmd, args, options) => new Promise((resolve) => {
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], ...options });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  child.on("close", (code) => resolve({ code, out }));
});
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(" ");

for (const [what, file] of [["brasa", brasa], ["capture.mjs", capture], ["chromium", chromium]])
  if (!fs.existsSync(file)) { console.error(`jsfb: ${what} not found at ${file}`); process.exit(2); }
if (client && !fs.existsSync(client)) { console.error(`jsfb: --client ${client} not found`); process.exit(2); }

const serverPort = await freePort();
let proxyPort = await freePort();
while (proxyPort == serverPort) proxyPort = await freePort();
const server = spawn(brasa, ["serve", "--app", "conformance", "--addr", `127.0.0.1:${serverPort}`], { stdio: "ignore" });
const stop = () => { if (server.exitCode === null) server.kill(); };
process.on("exit", stop);
process.on("SIGINT", () => process.exit(130));
for (let i = 0; ; i++) {
  if (server.exitCode !== null) { console.error("jsfb: brasa serve exited"); process.exit(1); }
  try { if ((await fetch(`http://127.0.0.1:${serverPort}/big`)).ok) break; } catch { /* not up yet */ }
  if (i > 100) { console.error("jsfb: brasa serve did not answer"); process.exit(1); }
  await sleep(100);
}

const out = fs.mkdtempSync(path.join(os.tmpdir(), "brasa-jsfb-"));
// --nodelay: a copy of capture.mjs whose loopback proxy sets TCP_NODELAY on both of its sockets.
// The stock proxy leaves Nagle's algorithm on: a small client message written upstream while
// the previous one (the acknowledgement of the last batch) waits for the server's delayed ACK
// is held back, up to ~40 ms, which is most of the time of the small operations.
if (nodelay) {
  const tools = path.dirname(capture), copy = path.join(out, "tools/browser");
  fs.mkdirSync(copy, { recursive: true });
  fs.mkdirSync(path.join(out, "conformance-app"));
  fs.copyFileSync(capture, path.join(copy, "capture.mjs"));
  fs.copyFileSync(path.resolve(tools, "../../conformance-app/scenarios.mjs"), path.join(out, "conformance-app/scenarios.mjs"));
  const proxy = fs.readFileSync(path.join(tools, "proxy.mjs"), "utf8");
  const connect = 'const upstream = net.connect(targetPort, "127.0.0.1");';
  if (!proxy.includes(connect)) { console.error("jsfb: --nodelay: proxy.mjs changed, cannot patch it"); process.exit(2); }
  fs.writeFileSync(path.join(copy, "proxy.mjs"), proxy.replace(connect, connect + " upstream.setNoDelay(true); client.setNoDelay(true);"));
  capture = path.join(copy, "capture.mjs");
}
const times = {}; // label → [ms per run]
const loads = [load()];
console.error(`jsfb: ${brasa} on 127.0.0.1:${serverPort}, proxy ${proxyPort}, client ${client ?? "embedded"}, ${runs} runs, load ${loads[0]}`);
for (let r = 0; r < runs; r++) {
  const env = { ...process.env, SERVER_PORT: String(serverPort), PROXY_PORT: String(proxyPort), CHROMIUM: chromium };
  if (client) env.REAL_CLIENT = path.resolve(client); else delete env.REAL_CLIENT;
  const dir = path.join(out, "run" + r);
  const { code, out: log } = await run(process.execPath, [capture, dir, "big"], { cwd: harness, env });
  const steps = JSON.parse(fs.readFileSync(path.join(dir, "big/steps.json"), "utf8"));
  const failed = steps.find((s) => s.error || s.pageerror);
  if (code || failed) { console.error(`jsfb: run ${r + 1} failed: ${failed ? JSON.stringify(failed) : log}`); process.exit(1); }
  for (const s of steps) if (s.timed) (times[s.timed] ||= []).push(s.ms);
  loads.push(load());
  console.error(`jsfb: run ${r + 1}/${runs} done, load ${loads.at(-1)}`);
}
stop();

const median = (a) => { const s = [...a].sort((x, y) => x - y), m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const f = (x) => (x < 10 ? x.toFixed(1) : x.toFixed(0));
const rows = Object.entries(times).map(([label, ms]) => {
  const med = median(ms), best = Math.min(...ms), asp = ASPNET[label] ?? null;
  return { label, median: med, best, runs: ms, aspnet: asp,
    ratio: asp && asp.map((a) => med / a),
    // Target (issue 13): at most a third of ASP.NET Core's time; judged against its faster run.
    meets: asp ? med <= Math.min(...asp) / 3 : null };
});
console.log(`js-framework-benchmark, click → DOM in headless Chromium (${runs} runs, ms)`);
console.log(`server ${brasa}; client ${client ?? "embedded in the server"}; proxy ${nodelay ? "with TCP_NODELAY (--nodelay)" : "capture.mjs's own"}; ${os.cpus().length} CPUs; load average (1, 5, 15 min) before ${loads[0]}, after ${loads.at(-1)}`);
console.log("ASP.NET Core 10: another run, same machine class (shared/reference/performance-anchors.md)\n");
console.log("| operation | median | best | ASP.NET Core 10 run 1 / run 2 | median ÷ ASP.NET | ≤ 1/3 of the faster run |");
console.log("|---|---:|---:|---:|---:|---|");
for (const r of rows)
  console.log(`| ${r.label} | ${f(r.median)} | ${f(r.best)} | ${r.aspnet ? r.aspnet.join(" / ") : "–"} | ` +
    `${r.ratio ? r.ratio.map((x) => x.toFixed(2)).join(" / ") : "–"} | ${r.meets === null ? "–" : r.meets ? "yes" : "no"} |`);
if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify({ runs, brasa, client, nodelay, loads, rows }, null, 1));
fs.rmSync(out, { recursive: true, force: true });
