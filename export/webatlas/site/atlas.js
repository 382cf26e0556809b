/* pMIEK web atlas: map, filters and fiche panel over the data in data/*.js (globals, so file:// works). */
(function () {
  "use strict";
  var D = window.PMIEK, G = window.PMIEK_GEO, A = window.PMIEK_AREAS, V = window.PMIEK_DEVS;
  var meta = D.meta, P = D.projects, S = D.stations;
  var STATION = meta.status_colours;  // the one palette (knooppunten.balance.MAP_STATUS_COLOURS)
  var PROJECT = { opgenomen: "#e6007e", kandidaat: "#1f5fa8", afgevallen: "#6b7785" };
  var CAP = { rood: "#e74c3c", oranje: "#f39c12", geel: "#f7dc6f" };
  var DIR = { a: "afname", t: "teruglevering" };
  // marker sizes: smaller when there are many and the map shows the whole province, larger when zoomed in
  function radii() {
    var z = map.getZoom(), many = S.length > 150 || P.length > 100;
    var k = z >= 12 ? 1.3 : (z >= 10.5 || !many ? 1 : 0.6);
    return { station: 6 * k, project: 11 * k };
  }
  var $ = function (id) { return document.getElementById(id); };

  performance.mark("pmiek-start");
  // ---- map -------------------------------------------------------------------------------------
  var map = L.map("map", { zoomSnap: 0.25, minZoom: 6, maxZoom: 18 });
  map.attributionControl.setPrefix('<a href="vendor/leaflet/LICENSE">Leaflet</a>');
  if (meta.bbox) { map.fitBounds(meta.bbox); } else { map.setView([52.1, 5.3], 8); }
  if (meta.basemap) {
    L.tileLayer(meta.basemap.url, { attribution: meta.basemap.attribution, maxZoom: 19 }).addTo(map);
  }
  map.createPane("areaPane").style.zIndex = 350;
  map.createPane("devPane").style.zIndex = 380;
  var areaRenderer = L.canvas({ pane: "areaPane", padding: 0.3 });
  var svg = L.svg({ padding: 0.3 });

  L.geoJSON(G.gemeenten, { renderer: areaRenderer, interactive: false,
    style: { color: "#8a96a3", weight: 1, fill: false } }).addTo(map);
  function areaLayer(fc) {
    return L.geoJSON(fc, { renderer: areaRenderer, interactive: false, style: function (f) {
      return { stroke: false, fillColor: CAP[f.properties.c] || "#ccc", fillOpacity: 0.35 };
    } });
  }
  var areas = { a: areaLayer(A.afname), t: areaLayer(A.teruglevering) };

  performance.mark("pmiek-areas");
  // developments: one canvas, redrawn after every move (20,000 points stay fast)
  var DevLayer = L.Layer.extend({
    onAdd: function (m) {
      this._canvas = L.DomUtil.create("canvas", "pmiek-devs leaflet-zoom-hide");
      this._canvas.setAttribute("aria-hidden", "true");
      m.getPane("devPane").appendChild(this._canvas);
      m.on("moveend zoomend resize viewreset", this._redraw, this);
      this._redraw();
    },
    onRemove: function (m) {
      L.DomUtil.remove(this._canvas);
      m.off("moveend zoomend resize viewreset", this._redraw, this);
    },
    // Web Mercator of every development, once (0..1 of the world): a redraw is then one multiply-add per point
    _mercator: function () {
      if (this._u) { return; }
      var d = V.d, n = d.length / 4, sc = V.scale;
      this._u = new Float64Array(n); this._v = new Float64Array(n);
      for (var i = 0; i < n; i++) {
        var lat = d[4 * i + 1] / sc * Math.PI / 180;
        this._u[i] = (d[4 * i] / sc + 180) / 360;
        this._v[i] = (1 - Math.log(Math.tan(lat) + 1 / Math.cos(lat)) / Math.PI) / 2;
      }
    },
    // container pixel of development i = origin + mercator * world size
    _origin: function () {
      var world = 256 * Math.pow(2, this._map.getZoom()), c0 = this._map.latLngToContainerPoint([0, 0]);
      return [c0.x - world / 2, c0.y - world / 2, world];
    },
    point: function (i) {
      this._mercator();
      var o = this._origin();
      return [o[0] + this._u[i] * o[2], o[1] + this._v[i] * o[2]];
    },
    _redraw: function () {
      var m = this._map, size = m.getSize(), c = this._canvas, ratio = window.devicePixelRatio || 1;
      L.DomUtil.setPosition(c, m.containerPointToLayerPoint([0, 0]));
      c.width = size.x * ratio; c.height = size.y * ratio;
      c.style.width = size.x + "px"; c.style.height = size.y + "px";
      var ctx = c.getContext("2d");
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      this._mercator();
      var d = V.d, u = this._u, v = this._v, z = m.getZoom();
      var o = this._origin(), world = o[2], ox = o[0], oy = o[1];
      var base = z < 10 ? 1.2 : (z < 12 ? 2 : 3);
      var paths = [];
      for (var k = 0; k < V.colours.length; k++) { paths.push(new Path2D()); }
      for (var i = 0; i < u.length; i++) {
        var x = ox + u[i] * world, y = oy + v[i] * world;
        if (x < -8 || y < -8 || x > size.x + 8 || y > size.y + 8) { continue; }
        var r = base + Math.min(4, Math.sqrt(d[4 * i + 3] / 10) / 3);
        var path = paths[d[4 * i + 2]] || paths[paths.length - 1];
        path.moveTo(x + r, y);
        path.arc(x, y, r, 0, 6.2832);
      }
      ctx.globalAlpha = 0.75;
      for (var j = 0; j < paths.length; j++) { ctx.fillStyle = V.colours[j]; ctx.fill(paths[j]); }
    }
  });
  var devs = new DevLayer();

  performance.mark("pmiek-devlayer");
  var knooppunten = L.geoJSON(G.knooppunten, { renderer: svg, style: {
    color: "#14365d", weight: 2, dashArray: "6 4", fillOpacity: 0.04 } });
  knooppunten.eachLayer(function (l) {
    var p = l.feature.properties;
    l.bindTooltip("Knooppunt " + p.n + (p.k ? " (" + p.k + ")" : ""), { sticky: true });
  });

  performance.mark("pmiek-knooppunten");
  // stations coloured by balance status for the chosen horizon year and direction
  var stationLayers = [];
  var stations = L.layerGroup();
  S.forEach(function (s, i) {
    var y0 = s.years[String(meta.years[0])];
    var mk = L.circleMarker([s.lat, s.lon], { renderer: svg, radius: radii().station, weight: 1.5, color: "#ffffff",
      fillOpacity: 1, fillColor: STATION[(y0 && y0.a) || ""], className: "stn stn-" + i });
    mk.bindTooltip(function () { return stationText(s); });
    stationLayers.push(mk);
    stations.addLayer(mk);
  });
  function current() {
    var dir = document.querySelector("input[name=dir]:checked");
    return { year: $("year").value, dir: dir ? dir.value : "a" };
  }
  function stationText(s) {
    var c = current(), y = s.years[c.year];
    var head = "<strong>" + esc(s.name) + "</strong>" + (s.kv ? " (" + esc(s.kv) + ")" : "") +
      (s.nb ? "<br>" + esc(s.nb) : "");
    return head + "<br>" + c.year + ": " + esc(yearText(y));
  }
  // the figures come formatted (Dutch) from the export: [cap. afname, vraag, balans, cap. teruglevering, aanbod, balans]
  function yearText(y) {
    if (!y) { return "geen capaciteitsgegevens"; }
    var v = y.v.split("|").map(function (x) { return x ? x + " MW" : ""; }), parts = [];
    if (v[0] || v[1]) {
      parts.push("afname: capaciteit " + (v[0] || "onbekend") + ", vraag " + (v[1] || "–") + ", balans " +
        (v[2] || "–") + (y.a ? " (" + y.a + ")" : ""));
    }
    if (v[3] || v[4]) {
      parts.push("teruglevering: capaciteit " + (v[3] || "onbekend") + ", aanbod " + (v[4] || "–") + ", balans " +
        (v[5] || "–") + (y.t ? " (" + y.t + ")" : ""));
    }
    return parts.join("; ") || "geen capaciteitsgegevens";
  }

  // the station table (text alternative for the colours) is built when it is opened
  var table = $("station-table");
  if (table) {
    table.addEventListener("toggle", function () {
      var body = table.querySelector("tbody");
      if (!table.open || body.children.length) { return; }
      var rows = S.map(function (s) {
        var cells = meta.years.map(function (yr) {
          var y = s.years[String(yr)];
          // the status label ('Onbekend' where the map draws the grey of an unknown limit), '–' without balance
          return "<td>" + esc((y && (y.al || y.a)) || "–") + "</td><td>" + esc((y && (y.tl || y.t)) || "–") + "</td>";
        }).join("");
        return "<tr><th scope=\"row\">" + esc(s.name) + (s.kv ? " (" + esc(s.kv) + ")" : "") + "</th>" + cells +
          "</tr>";
      });
      body.innerHTML = rows.join("");
    });
  }
  function styleStations() {
    var c = current();
    stationLayers.forEach(function (mk, i) {
      var y = S[i].years[c.year], colour = STATION[y ? (y[c.dir] || "") : ""] || STATION[""];
      if (mk.options.fillColor !== colour) { mk.setStyle({ fillColor: colour }); }
    });
    var showAreas = $("l-areas").checked;
    ["a", "t"].forEach(function (k) {
      if (showAreas && k === c.dir) { areas[k].addTo(map); } else { map.removeLayer(areas[k]); }
    });
    $("map-status").textContent = "Stations gekleurd naar de capaciteitsbalans " + DIR[c.dir] + " in " + c.year +
      "; capaciteitskaart " + DIR[c.dir] + ".";
  }

  performance.mark("pmiek-stations");
  // projects coloured by status; click opens the fiche
  var projectLayers = {};
  var projects = L.geoJSON(G.projects, {
    renderer: svg,
    pointToLayer: function (f, ll) {
      return L.circleMarker(ll, { radius: radii().project, renderer: svg });
    },
    style: function (f) { return projectStyle(P[f.properties.i], false); },
    onEachFeature: function (f, l) {
      var p = P[f.properties.i];
      l.options.className = "prj prj-" + p.i;
      l.bindTooltip((p.code ? p.code + ". " : "") + esc(p.name) + "<br>" + esc(p.status_label) +
        (p.type_label ? " · " + esc(p.type_label) : ""), { sticky: true });
      l.on("click", function () { select(p.i, "map"); });
      (projectLayers[p.i] = projectLayers[p.i] || []).push(l);
    }
  });
  function projectStyle(p, selected) {
    var col = PROJECT[p.status] || "#1f5fa8";
    return { color: selected ? "#000000" : col, weight: selected ? 5 : 3.5, fillColor: col,
      fillOpacity: p.status === "afgevallen" ? 0.15 : 0.55, dashArray: p.status === "afgevallen" ? "5 4" : null };
  }

  performance.mark("pmiek-projects");
  // drawn in stacking order (project features come sorted: areas, lines, points), stations on top
  areas.a.addTo(map);
  devs.addTo(map);
  knooppunten.addTo(map);
  projects.addTo(map);
  stations.addTo(map);
  styleStations();

  // drawing order in the one SVG: knooppunten, project areas, lines, project points, stations (on top: a
  // station's colour stays visible inside the disc of a project at that station)
  function stack() {
    projects.eachLayer(function (l) { if (l instanceof L.Polygon) { l.bringToBack(); } });
    knooppunten.bringToBack();
    projects.eachLayer(function (l) { if (l instanceof L.CircleMarker) { l.bringToFront(); } });
    if (map.hasLayer(stations)) { stations.eachLayer(function (l) { l.bringToFront(); }); }
  }

  performance.mark("pmiek-drawn");
  var lastRadii = radii();
  map.on("zoomend", function () {
    var r = radii();
    if (r.station === lastRadii.station) { return; }
    lastRadii = r;
    stationLayers.forEach(function (mk) { mk.setRadius(r.station); });
    projects.eachLayer(function (l) { if (l instanceof L.CircleMarker) { l.setRadius(r.project); } });
  });

  // ---- layer switches and horizon year -------------------------------------------------------------
  function toggle(id, layer) {
    $(id).addEventListener("change", function () {
      if (this.checked) { layer.addTo(map); } else { map.removeLayer(layer); }
      if (this.checked && layer !== devs) { stack(); }
      if (layer === stations) { styleStations(); }
    });
  }
  toggle("l-projects", projects);
  toggle("l-knooppunten", knooppunten);
  toggle("l-stations", stations);
  toggle("l-devs", devs);
  $("l-areas").addEventListener("change", styleStations);
  $("year").addEventListener("change", styleStations);
  Array.prototype.forEach.call(document.querySelectorAll("input[name=dir]"), function (r) {
    r.addEventListener("change", styleStations);
  });

  // ---- list, search and filters ---------------------------------------------------------------
  var items = Array.prototype.slice.call(document.querySelectorAll("#projecten li"));
  // searched: number, name, municipalities, knooppunt and type
  var text = P.map(function (p) {
    return [p.code, p.name, p.gem.join(" "), p.kp, p.type_label].join(" ").toLowerCase();
  });
  function applyFilters() {
    var words = $("q").value.toLowerCase().split(/\s+/).filter(Boolean);
    var st = $("f-status").value, ty = $("f-type").value, kp = $("f-kp").value, gem = $("f-gem").value;
    var shown = 0, changed = false;
    items.forEach(function (li) {
      var p = P[li.dataset.i];
      var ok = (!st || p.status === st) && (!ty || p.type === ty) && (!kp || p.kp_id === kp) &&
        (!gem || p.gem.indexOf(gem) >= 0) &&
        words.every(function (w) { return text[p.i].indexOf(w) >= 0; });
      li.hidden = !ok;
      if (ok) { shown++; }
      (projectLayers[li.dataset.i] || []).forEach(function (l) {
        if (ok && !projects.hasLayer(l)) { projects.addLayer(l); changed = true; }
        if (!ok && projects.hasLayer(l)) { projects.removeLayer(l); }
      });
    });
    if (changed && map.hasLayer(projects)) { stack(); }
    $("count").textContent = shown === items.length ? items.length + " projecten" :
      shown + " van " + items.length + " projecten";
  }
  $("filters").addEventListener("submit", function (ev) { ev.preventDefault(); });
  $("q").addEventListener("input", applyFilters);
  ["f-status", "f-type", "f-kp", "f-gem"].forEach(function (id) { $(id).addEventListener("change", applyFilters); });

  // ---- selecting a project: highlight, zoom, fiche ----------------------------------------------
  var selected = null;
  function select(i, from) {
    var p = P[i];
    if (!p) { return; }
    if (selected !== null) {
      (projectLayers[selected] || []).forEach(function (l) { l.setStyle(projectStyle(P[selected], false)); });
      var old = document.querySelector(".pbtn[aria-current]");
      if (old) { old.removeAttribute("aria-current"); }
    }
    selected = i;
    var layers = projectLayers[i] || [];
    layers.forEach(function (l) { l.setStyle(projectStyle(p, true)); if (l.bringToFront) { l.bringToFront(); } });
    if (map.hasLayer(stations)) { stations.eachLayer(function (l) { l.bringToFront(); }); }
    if (from !== "map" && layers.length) {
      var b = L.featureGroup(layers).getBounds();
      if (b.isValid()) { map.fitBounds(b, { maxZoom: 13, padding: [40, 40] }); }
    }
    var btn = document.querySelector('.pbtn[data-i="' + i + '"]');
    if (btn) { btn.setAttribute("aria-current", "true"); }
    var sec = $("fiche");
    sec.hidden = false;
    $("fiche-titel").textContent = "Projectfiche: " + (p.code ? p.code + ". " : "") + p.name;
    $("fiche-frame").title = "Projectfiche " + p.name;
    $("fiche-frame").src = p.fiche;
    $("fiche-open").href = p.fiche;
    if (window.history && history.replaceState) { history.replaceState(null, "", "#p=" + encodeURIComponent(p.id)); }
    if (from !== "hash") {
      sec.scrollIntoView({ block: "start" });
      $("fiche-titel").focus({ preventScroll: true });
    }
  }
  document.addEventListener("click", function (ev) {
    var el = ev.target.closest ? ev.target.closest(".pbtn, .flink") : null;
    if (!el || ev.ctrlKey || ev.metaKey || ev.shiftKey) { return; }
    ev.preventDefault();
    select(Number(el.dataset.i), "list");
  });
  function closeFiche() {
    $("fiche").hidden = true;
    var btn = document.querySelector('.pbtn[data-i="' + selected + '"]');
    if (btn) { btn.focus(); }
  }
  $("fiche-close").addEventListener("click", closeFiche);
  // keyboard: Enter or space on a project shape of the map (Leaflet lets Tab reach it for its tooltip) opens its
  // fiche as a click does; Esc closes the open fiche, also from inside the fiche's frame (when the browser lets
  // the page see it: not from file://), and focus returns to the project in the list
  function onKey(ev) {
    if (ev.key === "Escape" && !$("fiche").hidden) { ev.preventDefault(); closeFiche(); return; }
    var t = ev.target, m = t && t.getAttribute ? /(?:^|\s)prj-(\d+)(?:\s|$)/.exec(t.getAttribute("class") || "") : null;
    if (m && (ev.key === "Enter" || ev.key === " ")) { ev.preventDefault(); select(Number(m[1]), "map"); }
  }
  document.addEventListener("keydown", onKey);
  $("fiche-frame").addEventListener("load", function () {
    try { this.contentDocument.addEventListener("keydown", onKey); } catch (e) { /* another origin (file://) */ }
  });
  function fromHash() {
    var m = /^#p=(.+)$/.exec(location.hash);
    if (!m) { return; }
    var id = decodeURIComponent(m[1]);
    for (var i = 0; i < P.length; i++) { if (P[i].id === id) { select(i, "hash"); return; } }
  }
  fromHash();

  function esc(t) {
    return String(t == null ? "" : t).replace(/[&<>"]/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c];
    });
  }
  window.PMIEK_ATLAS = { map: map, select: select, styleStations: styleStations, devs: devs };
  window.PMIEK_READY_AT = performance.now();
  window.PMIEK_READY = true;
})();
