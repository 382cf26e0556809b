// User-trial checks of an exported web atlas in Debian's chromium (playwright-core), run by tests/test_trial_web.py.
// Usage: node webatlas_trial.js <config.json>; config: {url, chromium, print_fiche, print_pdf, station}.
// Prints one JSON object with what it read from the pages (the Python test asserts on it); exits 1 on an exception.
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { chromium } = require("playwright-core");

const cfg = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const out = { console_errors: [], phone_overflow: {}, text: {} };
function watch(page, label) {
  page.on("console", (m) => { if (m.type() === "error") { out.console_errors.push(label + ": " + m.text()); } });
  page.on("pageerror", (e) => out.console_errors.push(label + " (pageerror): " + e.message));
}
const ficheHidden = (page) => page.evaluate(() => document.getElementById("fiche").hidden);

(async () => {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "pmiek-chromium-"));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: cfg.chromium || "/usr/bin/chromium", headless: true, args: ARGS,
    viewport: { width: 1280, height: 720 } });
  try {
    const page = ctx.pages()[0] || await ctx.newPage();
    watch(page, "index");
    await page.goto(cfg.url, { waitUntil: "load" });
    await page.waitForFunction(() => window.PMIEK_READY === true, null, { timeout: 15000 });
    const P = await page.evaluate(() => window.PMIEK.projects);

    // Esc closes the fiche opened with Enter from the list; focus goes back to that project in the list
    const k = P.findIndex((p) => p.status !== "afgevallen");
    await page.focus('.pbtn[data-i="' + k + '"]');
    await page.keyboard.press("Enter");
    await page.frameLocator("#fiche-frame").locator("h1").waitFor({ timeout: 10000 });
    out.esc_before = await ficheHidden(page);
    await page.keyboard.press("Escape");
    out.esc_hidden = await ficheHidden(page);
    out.esc_focus = await page.evaluate(() => document.activeElement.className + "|" +
      (document.activeElement.dataset ? document.activeElement.dataset.i : ""));
    out.esc_focus_expected = "pbtn|" + k;
    // ... and from inside the fiche's frame (a keyboard user tabbing into the fiche)
    await page.focus('.pbtn[data-i="' + k + '"]');
    await page.keyboard.press("Enter");
    const h1 = page.frameLocator("#fiche-frame").locator("h1");
    await h1.waitFor({ timeout: 10000 });
    await page.frameLocator("#fiche-frame").locator(".wa-nav a").focus();
    await page.keyboard.press("Escape");
    out.esc_in_frame_hidden = await ficheHidden(page);

    // Enter on a project shape of the map (Tab reaches it) opens its fiche, as a click does
    const shape = await page.evaluate(() => {
      const el = document.querySelector("path.prj");
      return el ? Number(/prj-(\d+)/.exec(el.getAttribute("class"))[1]) : -1;
    });
    out.shape = shape;
    out.shape_name = shape >= 0 ? P[shape].name : null;
    await page.focus("path.prj-" + shape);
    out.shape_focusable = await page.evaluate(() => /prj-/.test(document.activeElement.getAttribute("class") || ""));
    await page.keyboard.press("Enter");
    await page.waitForTimeout(300);
    out.shape_fiche_hidden = await ficheHidden(page);
    out.shape_fiche_title = await page.textContent("#fiche-titel");

    // the station table (text alternative of the station colours): the row of the given station
    await page.click("#station-table summary");
    await page.waitForFunction(() => document.querySelectorAll("#station-table tbody tr").length > 0);
    out.station_row = await page.evaluate((name) => {
      for (const tr of document.querySelectorAll("#station-table tbody tr")) {
        if (tr.querySelector("th").textContent.indexOf(name) === 0) {
          return Array.from(tr.querySelectorAll("td")).map((td) => td.textContent);
        }
      }
      return null;
    }, cfg.station);

    // every fiche page at phone width: the page never scrolls sideways
    const fiche = await ctx.newPage();
    watch(fiche, "fiche");
    await fiche.setViewportSize({ width: 390, height: 844 });
    for (const p of P) {
      await fiche.goto(new URL(p.fiche, cfg.url).href, { waitUntil: "load" });
      out.phone_overflow[p.id] = await fiche.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    }
    await fiche.screenshot({ path: cfg.phone_png, fullPage: true });
    // accessibility (axe-core, WCAG 2.1 A/AA) of the fiche with the most developments, at phone width
    await fiche.goto(new URL(cfg.print_fiche, cfg.url).href, { waitUntil: "load" });
    await fiche.addScriptTag({ path: cfg.axe });
    out.axe_phone = await fiche.evaluate(() => window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }).then((r) =>
      r.violations.map((v) => ({ id: v.id, nodes: v.nodes.length, example: v.nodes[0] && v.nodes[0].target }))));

    // a fiche printed from the browser (A4, as 'Afdrukken' does) and its text on screen
    await fiche.setViewportSize({ width: 1280, height: 720 });
    await fiche.goto(new URL(cfg.print_fiche, cfg.url).href, { waitUntil: "load" });
    out.screen_text = await fiche.evaluate(() => document.querySelector("main").innerText);
    const margin = { top: "10mm", bottom: "10mm", left: "10mm", right: "10mm" };  // about Ctrl+P's default
    await fiche.pdf({ path: cfg.print_pdf, format: "A4", printBackground: true, margin: margin });
    // as Ctrl+P with the browser's default settings: no 'background graphics'
    await fiche.pdf({ path: cfg.print_default_pdf, format: "A4", margin: margin });
    await fiche.close();
  } catch (e) {
    out.exception = String(e && e.stack ? e.stack : e);
  } finally {
    await ctx.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  process.stdout.write(JSON.stringify(out, null, 1) + "\n");
  process.exit(out.exception ? 1 : 0);
})();
