// Issue 13: what the js-framework-benchmark operations cost the browser alone, without any client,
// server or network: the floor under benches/browser/jsfb.mjs's click→DOM times.
//
//   node benches/browser/floor.mjs [--runs N] [--chromium PATH]
//
// In headless Chromium (the flags of shared/tools/browser/capture.mjs), on a page with the big
// page's table, it builds and removes rows of exactly the DOM the big page's batches make (the
// cells, the `<!--!-->` markup containers and their whitespace text), with plain DOM calls and a
// MutationObserver on body as capture.mjs's timed steps have, after the rows have been laid out
// (a frame rendered), as in the benchmark. It prints per operation the median and best of N runs
// (default 7), in ms, and create 1,000 rows once more as the first work of a fresh page (N fresh
// pages), as the benchmark's first operation is. A client cannot apply a batch faster than the
// DOM work the batch asks for; compare these with jsfb.mjs's figures and a third of ASP.NET Core's.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const require = createRequire(path.join(repo, "conformance/harness/"));
const { chromium } = require("playwright-core");
const opt = (name, fallback) => {
  const i = process.argv.indexOf("--" + name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const runs = Number(opt("runs", 7));
const executablePath = opt("chromium", process.env.CHROMIUM ?? "/usr/bin/chromium");
if (!fs.existsSync(executablePath)) { console.error(`floor: chromium not found at ${executablePath}`); process.exit(2); }

const browser = await chromium.launch({
  executablePath,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const html = `<!DOCTYPE html><html><body><h1>Rows</h1><p id="rowcount">0 rows</p><table class="table"><tbody></tbody></table></body></html>`;
const newPage = async () => {
  const page = await (await browser.newContext({ viewport: { width: 1000, height: 800 } })).newPage();
  await page.setContent(html);
  return page;
};
// `cold`: only create 1,000 rows, once, as the first work of a fresh page (the benchmark's first
// operation); else every operation `runs` times in this page.
const inPage = async ([runs, cold]) => {
  const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  // One row as the big page's batches build it: Razor's whitespace between cells is a markup
  // frame (a container comment and a text node), the remove link's span is markup too.
  const tpl = document.createElement("template");
  tpl.innerHTML = '<span class="remove" aria-hidden="true">x</span>';
  const span = tpl.content.firstChild;
  const text = (p, s) => p.appendChild(document.createTextNode(s));
  const gap = (p) => { p.appendChild(document.createComment("!")); text(p, "\n        "); };
  const cell = (tr, cls) => { const td = document.createElement("td"); td.setAttribute("class", cls); tr.appendChild(td); return td; };
  const row = (i) => {
    const tr = document.createElement("tr");
    text(cell(tr, "col-md-1"), String(i));
    gap(tr);
    text(cell(tr, "col-md-4").appendChild(document.createElement("a")), "pretty red table");
    gap(tr);
    const a = cell(tr, "col-md-1").appendChild(document.createElement("a"));
    a.appendChild(document.createComment("!"));
    a.appendChild(document.importNode(span, true));
    gap(tr);
    cell(tr, "col-md-6");
    return tr;
  };
  const tbody = document.querySelector("tbody");
  const fill = (n) => { for (let i = 0; i < n; i++) tbody.appendChild(row(i)); };
  const mo = new MutationObserver(() => {});
  mo.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  if (cold) {
    await frame();
    const t = performance.now();
    fill(1000);
    const ms = performance.now() - t;
    mo.takeRecords();
    return { "create 1,000 rows, first in a fresh page": [ms] };
  }
  const ops = {
    "create 1,000 rows": [0, () => fill(1000)],
    "replace 1,000 rows": [1000, () => {
      const old = tbody.firstChild;
      for (let i = 0; i < 1000; i++) tbody.insertBefore(row(i), old);
      const r = document.createRange();
      r.setStartBefore(old); r.setEndAfter(tbody.lastChild); r.deleteContents();
    }],
    "append 1,000 rows": [1000, () => fill(1000)],
    "clear (1,999 rows)": [1999, () => { tbody.textContent = ""; }],
    "create 10,000 rows": [0, () => fill(10000)],
    "clear 10,000": [10000, () => { tbody.textContent = ""; }],
  };
  const out = {};
  for (let r = 0; r < runs; r++) {
    for (const [label, [before, op]] of Object.entries(ops)) {
      tbody.textContent = "";
      fill(before);
      await frame(); // laid out, as the rows the benchmark removes are
      const t = performance.now();
      op();
      (out[label] ||= []).push(performance.now() - t);
      mo.takeRecords();
      await frame();
    }
  }
  return out;
};
const results = await (await newPage()).evaluate(inPage, [runs, false]);
for (let r = 0; r < runs; r++) {
  const page = await newPage();
  for (const [label, ms] of Object.entries(await page.evaluate(inPage, [1, true]))) (results[label] ||= []).push(...ms);
  await page.context().close();
}
await browser.close();

const median = (a) => { const s = [...a].sort((x, y) => x - y), m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
console.log(`DOM work alone in headless Chromium (${runs} runs, ms): plain DOM calls, rows laid out first`);
console.log("| operation | median | best |");
console.log("|---|---:|---:|");
for (const [label, ms] of Object.entries(results))
  console.log(`| ${label} | ${median(ms).toFixed(1)} | ${Math.min(...ms).toFixed(1)} |`);
