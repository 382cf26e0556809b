// Load time and bytes of a web atlas in Debian's chromium (cold profile each run).
// Usage: node webatlas_load.js <url> [runs]; prints JSON {runs: [{ready_ms, load_ms, bytes, requests}], ...}.
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { chromium } = require("playwright-core");

const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];
(async () => {
  const url = process.argv[2];
  const n = Number(process.argv[3] || 3);
  const runs = [];
  const errors = [];
  for (let i = 0; i < n; i++) {
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), "pmiek-chromium-"));
    const ctx = await chromium.launchPersistentContext(profile, { executablePath: "/usr/bin/chromium",
      headless: true, args: ARGS, viewport: { width: 1280, height: 860 } });
    try {
      const page = ctx.pages()[0] || await ctx.newPage();
      page.on("console", (m) => { if (m.type() === "error") { errors.push(m.text()); } });
      page.on("pageerror", (e) => errors.push(e.message));
      const cdp = await ctx.newCDPSession(page);
      await cdp.send("Performance.enable");
      await page.goto(url, { waitUntil: "load" });
      await page.waitForFunction(() => window.PMIEK_READY === true, null, { timeout: 60000 });
      // ready = the map, all layers and the list are drawn (atlas.js sets PMIEK_READY at its end)
      const r = await page.evaluate(() => {
        const nav = performance.getEntriesByType("navigation")[0];
        const res = performance.getEntriesByType("resource");
        const bytes = res.reduce((s, e) => s + (e.transferSize || e.encodedBodySize || 0), nav.transferSize || 0);
        const marks = {};
        performance.getEntriesByType("mark").forEach((m) => { marks[m.name] = Math.round(m.startTime); });
        const dcl = Math.round(nav.domContentLoadedEventStart);
        return { ready_ms: Math.round(window.PMIEK_READY_AT || performance.now()), marks: marks, dcl_ms: dcl,
          response_end_ms: Math.round(nav.responseEnd),
          load_ms: Math.round(nav.loadEventEnd), bytes: bytes, requests: res.length + 1 };
      });
      // main-thread busy time (script, style, layout, parse): the page's own work, whatever else runs on the machine
      const metrics = (await cdp.send("Performance.getMetrics")).metrics;
      const get = (name) => (metrics.find((m) => m.name === name) || { value: 0 }).value;
      r.task_ms = Math.round(get("TaskDuration") * 1000);
      r.script_ms = Math.round(get("ScriptDuration") * 1000);
      r.layout_ms = Math.round((get("LayoutDuration") + get("RecalcStyleDuration")) * 1000);
      runs.push(r);
    } finally {
      await ctx.close();
      fs.rmSync(profile, { recursive: true, force: true });
    }
  }
  process.stdout.write(JSON.stringify({ runs: runs, errors: errors }) + "\n");
})().catch((e) => { process.stderr.write(String(e && e.stack || e) + "\n"); process.exit(1); });
