// Drives Debian's chromium (playwright-core, never a downloaded browser) over an exported web atlas.
// Usage: node webatlas_check.js <config.json>; config: {url, file_url, artifacts, axe, chromium, search, search_expected}.
// Prints one JSON object with what it saw; exits 1 when a check fails (the failures are listed).
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { chromium } = require("playwright-core");

const cfg = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const out = { failures: [], console_errors: [], checks: {} };
function check(name, ok, detail) {
  out.checks[name] = { ok: !!ok, detail: detail === undefined ? null : detail };
  if (!ok) { out.failures.push(name + (detail !== undefined ? ": " + JSON.stringify(detail) : "")); }
}
function shot(page, name, opts) {
  return page.screenshot(Object.assign({ path: path.join(cfg.artifacts, name) }, opts || {}));
}
function watch(page, label) {
  page.on("console", (m) => { if (m.type() === "error") { out.console_errors.push(label + ": " + m.text()); } });
  page.on("pageerror", (e) => out.console_errors.push(label + " (pageerror): " + e.message));
  page.on("requestfailed", (r) => {
    if (!r.url().startsWith("about:")) { out.console_errors.push(label + " (request failed): " + r.url()); }
  });
}
async function ficheTitle(page) {
  const frame = page.frameLocator("#fiche-frame");
  const h1 = frame.locator("h1");
  await h1.waitFor({ timeout: 10000 });
  return (await h1.textContent()).trim();
}
async function axe(page, label) {
  await page.addScriptTag({ path: cfg.axe });
  const res = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] }, iframes: false }));
  const v = res.violations.map((x) => ({ id: x.id, impact: x.impact, nodes: x.nodes.length,
    example: x.nodes[0] && x.nodes[0].target }));
  fs.writeFileSync(path.join(cfg.artifacts, "webatlas_axe_" + label + ".json"), JSON.stringify(res.violations, null, 1));
  check("axe_" + label, v.length === 0, v);
  return res.passes.length;
}

(async () => {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "pmiek-chromium-"));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: cfg.chromium || "/usr/bin/chromium", headless: true, args: ARGS,
    viewport: { width: 1280, height: 860 } });
  try {
    const page = ctx.pages()[0] || await ctx.newPage();
    watch(page, "http");
    await page.goto(cfg.url, { waitUntil: "load" });
    await page.waitForFunction(() => window.PMIEK_READY === true, null, { timeout: 15000 });
    const P = await page.evaluate(() => window.PMIEK.projects);
    out.projects = P.length;
    await shot(page, "webatlas_overzicht.png");

    // 0. developments are drawn where Leaflet itself would put them (own fast projection on the canvas)
    const offsets = await page.evaluate(() => {
      const V = window.PMIEK_DEVS, A = window.PMIEK_ATLAS, out = [];
      for (let i = 0; i < V.d.length / 4; i += 7) {
        const mine = A.devs.point(i);
        const ref = A.map.latLngToContainerPoint([V.d[4 * i + 1] / V.scale, V.d[4 * i] / V.scale]);
        out.push(Math.max(Math.abs(mine[0] - ref.x), Math.abs(mine[1] - ref.y)));
      }
      return out;
    });
    check("developments_positions", offsets.length > 10 && Math.max.apply(null, offsets) < 1.0,
      Math.max.apply(null, offsets));

    // 1. a project on the map -> its fiche
    const onMap = await page.$$eval("path.prj", (els) => els.map((e) => e.getAttribute("class")));
    check("projects_on_map", onMap.length > 0, onMap.length);
    // a project whose drawing is on top at its own centre (overlapping lines and areas are normal)
    const idx = await page.evaluate(() => {
      const P = window.PMIEK.projects;
      const order = P.map((p) => p.i).sort((a, b) => (P[a].status === "opgenomen" ? 0 : 1) - (P[b].status === "opgenomen" ? 0 : 1));
      for (const i of order) {
        for (const el of document.querySelectorAll("path.prj-" + i)) {
          const r = el.getBoundingClientRect();
          const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
          if (hit === el) { return i; }
        }
      }
      return -1;
    });
    check("project_clickable_on_map", idx >= 0, idx);
    await page.locator("path.prj-" + idx).first().click();
    const t1 = await ficheTitle(page);
    check("map_click_opens_fiche", t1.indexOf(P[idx].name) >= 0, { expected: P[idx].name, got: t1 });
    check("map_click_marks_list", await page.getAttribute('.pbtn[data-i="' + idx + '"]', "aria-current") === "true");
    await page.locator("#fiche").scrollIntoViewIfNeeded();
    await shot(page, "webatlas_fiche.png");

    // 2. a project in the list -> its fiche
    const j = P.findIndex((p, k) => k !== idx && p.status !== "afgevallen");
    await page.locator('.pbtn[data-i="' + j + '"]').click();
    await page.waitForFunction((name) => document.getElementById("fiche-titel").textContent.indexOf(name) >= 0, P[j].name);
    const t2 = await ficheTitle(page);
    check("list_click_opens_fiche", t2.indexOf(P[j].name) >= 0, { expected: P[j].name, got: t2 });
    check("hash_names_project", (await page.evaluate(() => location.hash)) === "#p=" + encodeURIComponent(P[j].id));

    // 3. keyboard only: focus a list entry, Enter opens its fiche and moves focus to the fiche heading
    const k = P.findIndex((p, n) => n !== idx && n !== j);
    await page.focus('.pbtn[data-i="' + k + '"]');
    await page.keyboard.press("Enter");
    await page.waitForFunction((name) => document.getElementById("fiche-titel").textContent.indexOf(name) >= 0, P[k].name);
    check("keyboard_opens_fiche", (await page.evaluate(() => document.activeElement.id)) === "fiche-titel");
    await page.keyboard.press("Shift+Tab");
    check("keyboard_focus_moves", (await page.evaluate(() => document.activeElement.tagName)) !== "BODY");

    // 4. horizon year: station colours follow the balance of the chosen year (afname and teruglevering)
    const years = await page.evaluate(() => window.PMIEK.meta.years.map(String));
    const S = await page.evaluate(() => window.PMIEK.stations);
    const COLOURS = cfg.status_colours;  // from knooppunten.balance.MAP_STATUS_COLOURS (the one palette)
    const fills = () => page.$$eval("path.stn", (els) => els.map((e) => ({ c: e.getAttribute("class"),
      f: e.getAttribute("fill") })));
    async function expectYear(year, dir) {
      await page.selectOption("#year", year);
      await page.check("input[name=dir][value=" + dir + "]");
      const got = await fills();
      const bad = [];
      got.forEach((g) => {
        const i = Number(/stn-(\d+)/.exec(g.c)[1]);
        const y = S[i].years[year];
        const want = COLOURS[(y && y[dir]) || ""];
        if (g.f !== want) { bad.push({ station: S[i].name, year: year, dir: dir, want: want, got: g.f }); }
      });
      check("station_colours_" + dir + "_" + year, bad.length === 0 && got.length === S.length, bad.slice(0, 3));
      return got.map((g) => g.f).join(",");
    }
    const first = await expectYear(years[0], "a");
    const last = await expectYear(years[years.length - 1], "a");
    check("horizon_year_changes_colours", first !== last, { first: years[0], last: years[years.length - 1] });
    await shot(page, "webatlas_zichtjaar_" + years[years.length - 1] + ".png");
    const supply = await expectYear(years[years.length - 1], "t");
    check("direction_changes_colours", supply !== last);
    await page.check("input[name=dir][value=a]");
    // the whole province in a middle horizon year, for the README
    const mid = years[Math.floor(years.length / 2)];
    await page.selectOption("#year", mid);
    await page.evaluate(() => window.PMIEK_ATLAS.map.fitBounds(window.PMIEK.meta.bbox, { animate: false }));
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, "webatlas_kaart_" + mid + ".png", { clip: { x: 0, y: 0, width: 1280, height: 860 } });
    // a station's tooltip: the balance of the chosen year in words, with Dutch numbers
    const si = await page.evaluate(() => {
      for (const el of document.querySelectorAll("path.stn")) {
        const r = el.getBoundingClientRect();
        if (document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) === el) {
          return Number(/stn-(\d+)/.exec(el.getAttribute("class"))[1]);
        }
      }
      return -1;
    });
    await page.hover("path.stn-" + si);
    const tip = await page.locator(".leaflet-tooltip").last().textContent({ timeout: 5000 });
    check("station_tooltip", tip.indexOf(S[si].name) >= 0 && /afname: capaciteit \d+(\u2009\d{3})*(,\d)? MW/.test(tip) &&
      tip.indexOf(mid + ":") >= 0 && !/\d\.\d MW/.test(tip), tip);


    // 5. search and filters (list and map)
    await page.fill("#q", cfg.search);
    const shown = await page.$$eval("#projecten li", (els) => els.filter((e) => !e.hidden).length);
    check("search_filters_list", shown === cfg.search_expected, { term: cfg.search, shown: shown,
      expected: cfg.search_expected });
    const shownIds = await page.$$eval("#projecten li", (els) => els.filter((e) => !e.hidden).map((e) => Number(e.dataset.i)));
    const mapIds = await page.$$eval("path.prj", (els) => els.map((e) => Number(/prj-(\d+)/.exec(e.getAttribute("class"))[1])));
    check("search_filters_map", mapIds.every((i) => shownIds.indexOf(i) >= 0) && mapIds.length > 0,
      { map: mapIds, list: shownIds });
    check("count_text", (await page.textContent("#count")).indexOf(String(cfg.search_expected)) === 0);
    await shot(page, "webatlas_zoeken.png");
    await page.fill("#q", "");
    await page.selectOption("#f-status", "afgevallen");
    const afg = await page.$$eval("#projecten li", (els) => els.filter((e) => !e.hidden).length);
    check("status_filter", afg === P.filter((p) => p.status === "afgevallen").length, afg);
    await page.selectOption("#f-status", "");

    // 6. accessibility (axe-core, WCAG 2.1 A/AA) of the page and of a fiche page
    out.axe_passes = await axe(page, "index");
    const fiche = await ctx.newPage();
    watch(fiche, "fiche");
    await fiche.goto(new URL(P[idx].fiche, cfg.url).href, { waitUntil: "load" });
    await axe(fiche, "fiche");
    await fiche.close();

    // 7. phone width: no sideways scrolling, list and map usable
    await page.setViewportSize({ width: 375, height: 760 });
    await page.goto(cfg.url + "#p=" + encodeURIComponent(P[idx].id), { waitUntil: "load" });
    await page.waitForFunction(() => window.PMIEK_READY === true);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check("phone_no_horizontal_scroll", overflow <= 1, overflow);
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, "webatlas_telefoon.png");

    // 8. the same folder from file:// (no server): data scripts load, a project opens its fiche
    const local = await ctx.newPage();
    watch(local, "file");
    await local.goto(cfg.file_url, { waitUntil: "load" });
    await local.waitForFunction(() => window.PMIEK_READY === true, null, { timeout: 15000 });
    await local.locator('.pbtn[data-i="' + j + '"]').click();
    const t3 = await ficheTitle(local);
    check("file_url_fiche", t3.indexOf(P[j].name) >= 0, t3);
    check("file_url_devs_drawn", await local.evaluate(() => document.querySelectorAll("canvas.pmiek-devs").length) === 1);
    await local.close();
  } catch (e) {
    out.failures.push("exception: " + (e && e.stack ? e.stack : e));
  } finally {
    await ctx.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  check("no_console_errors", out.console_errors.length === 0, out.console_errors);
  process.stdout.write(JSON.stringify(out, null, 1) + "\n");
  process.exit(out.failures.length ? 1 : 0);
})();
