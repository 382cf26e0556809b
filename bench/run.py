"""pMIEK Werkbank benchmarks: every figure a ratio against a reference measured in the same run.

Usage (``make bench`` runs it with the QGIS environment)::

    python bench/run.py [--size tiny|province|national] [--repeat N] [--cases P1,P2,P3,P4,P5,MEM]
                        [--json bench/results/latest.json]

Cases (goals from issue 8):

* P1a/P1b capacity balance - the plugin's whole balance (``pmiek:capacitybalance``: read the werkbank,
  assign, sum per horizon year, write the output layer) vs QGIS's own tools doing only the bare assignment
  and sum: ``native:joinbynearest`` + ``qgis:statisticsbycategories`` (nearest-station rule, P1a, werkbank
  without capacity areas) and a one-to-many ``native:joinattributesbylocation`` keeping the smallest area per
  development (capacity-area rule, P1b).  Goal ratio <= 0.1; no ratio when the answers differ.
* P2 fiche export - per-page time of the projectfiche atlas vs a plain one-map QGIS atlas (from
  ``bench/bench_fiches.py``, owned by the export work; "niet beschikbaar" while it is missing).  Goal <= 3x.
* P3 start-up - ``classFactory`` + ``initGui`` in a fresh interpreter vs the same for a minimal plugin (one
  menu, toolbar and action).  Goal <= 150 ms, no pandas/geopandas imported.
* P4 interactivity - re-balance after editing one link (incremental ``BalanceModel``) vs full recomputation.
  Goal <= 100 ms.
* P5 import - 20,000 polygons through ``pmiek:importdevelopments`` (validation, province check, one
  transaction) vs ``ogr2ogr`` copying the same file into a GeoPackage.  Goal ratio <= 3.
* MEM memory - peak RSS of a fresh process taking the national dataset through balance and scoring vs the
  same process only importing the libraries and opening the werkbank.  Goal <= 1 GiB.

Each timing is repeated (``--repeat``, default 3; plugin and reference runs interleaved, after one untimed
warm-up of each) and reported as min and median; the ratio is median/median (ratio of the minima in the JSON).
"""

import argparse
import datetime as _dt
import gc
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH_DIR)
BUILD = os.path.join(ROOT, "build")
for _p in (BUILD, "/usr/share/qgis/python/plugins"):
    if _p not in sys.path:
        sys.path.insert(0, _p)
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ALL_CASES = ("P1", "P2", "P3", "P4", "S1", "L", "P5", "MEM", "MEMQ", "D1")
NA = "niet beschikbaar"


def _load(name, filename):
    path = os.path.join(BENCH_DIR, filename)
    if not os.path.exists(path):
        return None
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


data = _load("pmiek_bench_data", "data.py")


# ---- measuring -----------------------------------------------------------------------------------------

def _stats(values):
    values = [float(v) for v in values]
    return {"min": min(values), "median": statistics.median(values), "max": max(values), "runs": values}


def timed(fn):
    gc.collect()
    # what the previous run left to write back (ogr2ogr's or QGIS's new file, the plugin's werkbank) is written
    # now, not inside this run: a side that commits with fsync would otherwise wait for the other side's pages
    if hasattr(os, "sync"):
        os.sync()
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def interleaved(plugin, reference, repeat, warmup=True, setup=None):
    """Run plugin and reference alternately ``repeat`` times (after one untimed warm-up of each)."""
    if warmup:
        if setup:
            setup()
        plugin()
        if setup:
            setup()
        reference()
    p, r = [], []
    for _ in range(repeat):
        if setup:
            setup()
        p.append(timed(plugin))
        if setup:
            setup()
        r.append(timed(reference))
    return _stats(p), _stats(r)


def row(case, title, plugin=None, reference=None, unit="s", goal=None, goal_kind="ratio", goal_value=None,
        plugin_label="", reference_label="", notes=None, reason=None, extra=None):
    """One result row.  ``goal_kind``: 'ratio' (median ratio <= value) or 'absolute' (plugin median <= value)."""
    r = {"case": case, "title": title, "unit": unit, "goal": goal, "goal_kind": goal_kind, "goal_value": goal_value,
         "plugin_label": plugin_label, "reference_label": reference_label, "notes": notes or [],
         "extra": extra or {}}
    if reason:
        r.update(status=NA, reason=reason, plugin=None, reference=None, ratio=None, ratio_min=None, met=None)
        return r
    r["status"] = "ok"
    r["plugin"] = plugin
    r["reference"] = reference
    r["ratio"] = plugin["median"] / reference["median"] if reference and reference["median"] else None
    r["ratio_min"] = plugin["min"] / reference["min"] if reference and reference["min"] else None
    if goal_kind == "ratio":
        r["met"] = r["ratio"] is not None and r["ratio"] <= goal_value
    else:
        r["met"] = plugin["median"] <= goal_value
    return r


# ---- QGIS in-process -----------------------------------------------------------------------------------

_APP = None
_KEEP = []  # Python providers must stay referenced, or their algorithms lose their ids


def qgis_app():
    global _APP
    if _APP is not None:
        return _APP
    from qgis.core import QgsApplication

    app = QgsApplication.instance()
    if app is None:
        app = QgsApplication([], False)
        app.initQgis()
    from processing.core.Processing import Processing
    from qgis.analysis import QgsNativeAlgorithms

    Processing.initialize()
    reg = QgsApplication.processingRegistry()
    if reg.providerById("native") is None:
        reg.addProvider(QgsNativeAlgorithms(reg))
    if reg.providerById("pmiek") is None:
        from pmiek_werkbank.provider.provider import PmiekProvider

        provider = PmiekProvider()
        _KEEP.append(provider)
        reg.addProvider(provider)
    _APP = app
    return app


def run_alg(alg_id, params):
    from qgis import processing
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback, QgsProject

    ctx = QgsProcessingContext()
    ctx.setProject(QgsProject.instance())
    return processing.run(alg_id, params, context=ctx, feedback=QgsProcessingFeedback())


class Scratch:
    """A temporary folder for outputs; each call of ``path`` gives a fresh file name."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="pmiek_bench_")
        self.n = 0

    def path(self, stem, ext=".gpkg"):
        self.n += 1
        return os.path.join(self.dir, "{}_{}{}".format(stem, self.n, ext))

    def clean(self):
        shutil.rmtree(self.dir, ignore_errors=True)


# ---- P1 capacity balance -----------------------------------------------------------------------------------

BALANCE_READS = (  # what knooppunten.balance.load_inputs reads: (table, columns, geometry)
    ("stations", ["station_id", "name"], True),
    ("station_capacity", ["station_id", "year", "afname_mw", "teruglevering_mw"], False),
    ("capacity_areas", ["area_id", "station_id"], True),
    ("developments", ["dev_id", "name", "sector", "year_ready", "demand_mw", "supply_mw", "station_id"], True),
    ("knooppunten", ["knooppunt_id", "name"], True),
    ("projects", ["project_id", "name", "status", "station_id", "knooppunt_id", "ibn_year", "capacity_afname_mw",
                  "capacity_teruglevering_mw", "type_infra"], False),
    ("project_links", ["link_id", "project_id", "dev_id", "share_mw", "share_pct", "motivation"], False),
)


def io_floor(wbp, output_frame, target):
    """Read the balance's seven inputs and write its output layer with pyogrio, nothing else."""
    # pyogrio on purpose, not vector_io: the floor is the fastest reader there is, whichever backend the plugin uses
    import pyogrio

    n = 0
    for table, cols, geom in BALANCE_READS:
        df = pyogrio.read_dataframe(wbp, layer=table, columns=cols, read_geometry=geom)
        n += len(df)
    pyogrio.write_dataframe(output_frame, target, layer="balans", driver="GPKG")
    return n


def _demand_per_station(frame, station_col, value_col="demand_mw"):
    import pandas as pd

    f = frame[frame[station_col].notna()]
    out = pd.to_numeric(f[value_col], errors="coerce").fillna(0.0).groupby(f[station_col].astype(str)).sum()
    return out[out != 0].sort_index()


def _plugin_answer(wbp):
    """Demand per station from the plugin's own assignment, and how many developments have an explicit station
    (those win over the spatial rule).  A function of its own, so the national model (hundreds of MB of Python
    objects) is freed before the next sub-case is timed instead of slowing its runs."""
    from pmiek_werkbank.knooppunten.balance import BalanceModel
    from pmiek_werkbank.werkbank import open_werkbank

    with open_werkbank(wbp, readonly=True) as wb:
        model = BalanceModel.from_werkbank(wb)
    a = model.assignment
    explicit = a["assign_rule"].eq("expliciet").sum() if "assign_rule" in a else 0
    return _demand_per_station(a, "station_id"), explicit


def case_p1(ds, repeat, scratch):
    """The whole balance vs QGIS's nearest/summary join (same assignment, same grouping) and vs the I/O floor."""
    qgis_app()
    import numpy as np
    import pyogrio

    rows = []
    national = ds.size == "national"
    for sub, wbp, rule, ref_label in (
        ("P1a", ds.werkbank_nearest, "dichtstbijzijnde station",
         "native:pointonsurface + native:joinbynearest + qgis:statisticsbycategories (som vraag per station; "
         "groep = het gekoppelde n_station_id)"),
        ("P1b", ds.werkbank, "capaciteitsgebied",
         "native:pointonsurface + native:fieldcalculator (oppervlakte gebied) + native:createspatialindex + "
         "native:joinattributesbylocation + native:orderbyexpression + native:removeduplicatesbyattribute + "
         "qgis:statisticsbycategories (som vraag per station; één gebied per ontwikkeling: het kleinste, zoals de "
         "plugin)"),
    ):
        devs = "{}|layername=developments".format(wbp)
        out = {}

        def plugin(wbp=wbp, out=out):
            out["plugin"] = run_alg("pmiek:capacitybalance", {"WERKBANK": wbp, "LEVEL": 0,
                                                              "OUTPUT": scratch.path("balans")})

        if sub == "P1a":
            stations = "{}|layername=stations".format(wbp)

            def reference(devs=devs, stations=stations, out=out):
                # the plugin measures from each development's point on surface, so the reference does too
                pts = run_alg("native:pointonsurface", {"INPUT": devs, "ALL_PARTS": False,
                                                        "OUTPUT": "TEMPORARY_OUTPUT"})["OUTPUT"]
                j = run_alg("native:joinbynearest", {"INPUT": pts, "INPUT_2": stations, "FIELDS_TO_COPY": ["station_id"],
                                                     "DISCARD_NONMATCHING": False, "PREFIX": "n_", "NEIGHBORS": 1,
                                                     "OUTPUT": scratch.path("nearest")})
                out["joined"] = j["OUTPUT"]
                out["ref"] = run_alg("qgis:statisticsbycategories", {
                    "INPUT": j["OUTPUT"], "VALUES_FIELD_NAME": "demand_mw", "CATEGORIES_FIELD_NAME": ["n_station_id"],
                    "OUTPUT": scratch.path("stats")})
        else:
            areas = "{}|layername=capacity_areas".format(wbp)

            def reference(devs=devs, areas=areas, out=out):
                # the plugin's rule: the point on surface lies in a capacity area; where areas overlap (clipped
                # cells of neighbouring provinces meet) the smallest wins.  joinbylocationsummary would count such a
                # development in every area it touches, so the reference joins one-to-many, orders by area and
                # keeps the first (smallest) area per development before it sums.
                pts = run_alg("native:pointonsurface", {"INPUT": devs, "ALL_PARTS": False,
                                                        "OUTPUT": "TEMPORARY_OUTPUT"})["OUTPUT"]
                run_alg("native:createspatialindex", {"INPUT": pts})
                ar = run_alg("native:fieldcalculator", {"INPUT": areas, "FIELD_NAME": "area_m2", "FIELD_TYPE": 0,
                                                        "FIELD_LENGTH": 20, "FIELD_PRECISION": 3,
                                                        "FORMULA": "area($geometry)",
                                                        "OUTPUT": "TEMPORARY_OUTPUT"})["OUTPUT"]
                run_alg("native:createspatialindex", {"INPUT": ar})
                j = run_alg("native:joinattributesbylocation", {
                    "INPUT": pts, "JOIN": ar, "PREDICATE": [0], "JOIN_FIELDS": ["station_id", "area_m2"], "METHOD": 0,
                    "DISCARD_NONMATCHING": False, "PREFIX": "a_", "OUTPUT": "TEMPORARY_OUTPUT"})["OUTPUT"]
                j = run_alg("native:orderbyexpression", {"INPUT": j, "EXPRESSION": '"a_area_m2"', "ASCENDING": True,
                                                         "NULLS_FIRST": False, "OUTPUT": "TEMPORARY_OUTPUT"})["OUTPUT"]
                j = run_alg("native:removeduplicatesbyattribute", {"INPUT": j, "FIELDS": ["dev_id"],
                                                                    "OUTPUT": "TEMPORARY_OUTPUT"})["OUTPUT"]
                out["ref"] = run_alg("qgis:statisticsbycategories", {
                    "INPUT": j, "VALUES_FIELD_NAME": "demand_mw", "CATEGORIES_FIELD_NAME": ["a_station_id"],
                    "OUTPUT": scratch.path("stats")})

        def floor(wbp=wbp, out=out):
            io_floor(wbp, out["output_frame"], scratch.path("floor"))

        # warm-up of the plugin once, so the floor writes exactly the plugin's output
        plugin()
        out["output_frame"] = pyogrio.read_dataframe(out["plugin"]["OUTPUT"])
        p, r = interleaved(plugin, reference, repeat)
        pf, f = interleaved(plugin, floor, repeat, warmup=False)
        # the answers: demand per station from the plugin's own assignment vs the reference's sums
        mine, explicit = _plugin_answer(wbp)
        theirs_frame = pyogrio.read_dataframe(out["ref"]["OUTPUT"], read_geometry=False)
        col = "n_station_id" if sub == "P1a" else "a_station_id"
        theirs_frame = theirs_frame[theirs_frame[col].notna()]
        theirs = theirs_frame.set_index(theirs_frame[col].astype(str))["sum"].astype(float)
        theirs = theirs[theirs != 0].sort_index()
        key = "station" if sub == "P1a" else "station (via het kleinste gebied)"
        both = mine.index.union(theirs.index)
        a, b = mine.reindex(both, fill_value=0.0).to_numpy(), theirs.reindex(both, fill_value=0.0).to_numpy()
        differ = list(both[~np.isclose(a, b, rtol=1e-9, atol=1e-6)])
        same = not differ
        n_out = len(out["output_frame"])
        notes = ["plugin-uitvoer: {} rijen (station × zichtjaar)".format(n_out),
                 "antwoorden gelijk (vraag per {}, {} eenheden, plugin vs referentie): {}".format(
                     key, len(mine), "ja" if same else "NEE – ratio niet vergelijkbaar"),
                 *(["eenheden die verschillen: {} (bijv. {})".format(len(differ), ", ".join(
                     "{}: plugin {:.3f} / referentie {:.3f} MW".format(u, float(mine.get(u, 0.0)),
                                                                      float(theirs.get(u, 0.0))) for u in differ[:3]))]
                   if differ else []),
                 "ontwikkelingen met een expliciet station (gaan voor de ruimtelijke regel): {}".format(int(explicit)),
                 "I/O-vloer (pyogrio: de zeven invoertabellen lezen + dezelfde uitvoer schrijven): {} / {} / {}".format(
                     *(_fmt(f[k], "s") for k in ("min", "median", "max")))]
        goal = 0.15 if national else 0.1
        rw = row(sub, "Capaciteitsbalans, regel '{}' ({} ontwikkelingen, {} stations, 3 zichtjaren)".format(
            rule, ds.counts["developments"], ds.counts["stations"]),
            p, r, goal="≤ {}× QGIS".format(str(goal).replace(".", ",")), goal_value=goal,
            plugin_label="pmiek:capacitybalance (lezen, toewijzen, som per zichtjaar, uitvoerlaag schrijven)",
            reference_label=ref_label, notes=notes, extra={"equal_answers": same})
        if not same:
            # no ratio for a reference that answers another question
            rw.update(met=None, ratio=None, ratio_min=None, ratio_note="antwoorden verschillen")
        rows.append(rw)
        fr = row(sub + "-io", "Capaciteitsbalans '{}' tegen de I/O-vloer (zelfde invoer lezen en zelfde uitvoer "
                              "schrijven met pyogrio, zelfde run)".format(rule),
                 pf, f, goal="≤ 1,2× I/O-vloer", goal_value=1.2,
                 plugin_label="pmiek:capacitybalance", reference_label="pyogrio: 7 tabellen lezen + uitvoer schrijven")
        rows.append(fr)
    return rows


# ---- P2 fiche export ------------------------------------------------------------------------------------------

def case_p2(ds, repeat, scratch):
    """Per-page time of the projectfiche atlas vs a plain one-map QGIS atlas, via bench/bench_fiches.py."""
    title = "Projectfiche-atlas, tijd per pagina (100 projecten)"
    goal = "≤ 3× QGIS-atlas"
    try:
        bf = _load("pmiek_bench_fiches", "bench_fiches.py")
    except Exception as e:  # noqa: BLE001 - the colleague's module may be half-way
        return [row("P2", title, goal=goal, reason="bench/bench_fiches.py laadt niet: {}: {}".format(
            type(e).__name__, str(e).splitlines()[0] if str(e) else ""))]
    if bf is None:
        return [row("P2", title, goal=goal, reason="bench/bench_fiches.py bestaat nog niet (fiche-export is in "
                                                  "aanbouw, issue 7)")]
    fn = getattr(bf, "bench_case", None) or getattr(bf, "run_case", None)
    if fn is None:
        return [row("P2", title, goal=goal, reason="bench/bench_fiches.py heeft geen functie bench_case/run_case; "
                                                  "gevonden: {}".format(", ".join(
                                                      n for n in dir(bf) if not n.startswith("_"))))]
    qgis_app()
    try:
        res = fn(ds=ds, repeat=repeat, scratch=scratch.dir, n_projects=100, stats=_stats, row=row)
    except Exception as e:  # noqa: BLE001
        traceback.print_exc()
        return [row("P2", title, goal=goal, reason="bench_fiches faalde: {}: {}".format(type(e).__name__, e))]
    if "rows" in res:  # P2 (per page), P2-atlas (100 projects <= 30 s), P2-export (<= 1.5x), P2-growth (linear)
        return res["rows"]
    return [row("P2", title, _stats(res["plugin"]), _stats(res["reference"]), goal=goal, goal_value=3.0,
                plugin_label=res.get("plugin_label", "projectfiche-atlas, s per pagina"),
                reference_label=res.get("reference_label", "QGIS-atlas met één kaart, s per pagina"),
                notes=res.get("notes", []), extra=res.get("extra", {}))]


# ---- P3 start-up ------------------------------------------------------------------------------------------------

STARTUP_CODE = r"""
import json, os, sys, time
os.environ.setdefault('QT_QPA_PLATFORM', 'offscreen')
from qgis.core import QgsApplication
app = QgsApplication([], False); app.initQgis()
from qgis.PyQt.QtWidgets import QAction, QMainWindow, QMenu
from qgis.gui import QgsMapCanvas, QgsMessageBar
class Iface:
    def __init__(self):
        self.win = QMainWindow(); self.canvas = QgsMapCanvas(); self.bar = QgsMessageBar()
    def mainWindow(self): return self.win
    def mapCanvas(self): return self.canvas
    def messageBar(self): return self.bar
    def addToolBar(self, name): return self.win.addToolBar(name)
    def addDockWidget(self, area, dock): self.win.addDockWidget(area, dock)
    def removeDockWidget(self, dock): self.win.removeDockWidget(dock)
class MinimalPlugin:
    def __init__(self, iface): self.iface = iface
    def initGui(self):
        main = self.iface.mainWindow()
        self.menu = QMenu('Minimaal', main); main.menuBar().addMenu(self.menu)
        self.toolbar = self.iface.addToolBar('Minimaal')
        self.action = QAction('Doe iets', main); self.action.triggered.connect(lambda: None)
        self.menu.addAction(self.action); self.toolbar.addAction(self.action)
iface = Iface()
which = sys.argv[1]
before = set(sys.modules)
t0 = time.perf_counter()
if which == 'plugin':
    import pmiek_werkbank
    p = pmiek_werkbank.classFactory(iface)
else:
    p = MinimalPlugin(iface)
p.initGui()
dt = time.perf_counter() - t0
new = sorted(set(sys.modules) - before)
heavy = sorted(m for m in ('geopandas', 'pandas', 'shapely', 'pyogrio', 'numpy', 'openpyxl', 'jinja2')
               if m in sys.modules and m not in before)
print('RESULT=' + json.dumps({'seconds': dt, 'modules': len(new), 'heavy': heavy,
      'plugin_modules': len([m for m in new if m.startswith('pmiek_werkbank')])}))
"""


def _startup_once(which):
    r = subprocess.run([sys.executable, "-c", STARTUP_CODE, which], capture_output=True, text=True, timeout=300,
                       env=os.environ.copy())
    for line in r.stdout.splitlines():
        if line.startswith("RESULT="):
            return json.loads(line[len("RESULT="):])
    raise RuntimeError("opstartmeting mislukt (rc {}): {}".format(r.returncode, r.stderr[-2000:]))


def case_p3(ds, repeat, scratch):
    _startup_once("plugin")  # warm the file cache
    _startup_once("minimal")
    p, r, info = [], [], None
    for _ in range(max(repeat, 1)):
        info = _startup_once("plugin")
        p.append(info["seconds"])
        r.append(_startup_once("minimal")["seconds"])
    heavy = info["heavy"]
    return [row("P3", "Opstarten: classFactory + initGui (vers proces)", _stats(p), _stats(r), goal="≤ 150 ms, geen "
                "pandas/geopandas", goal_kind="absolute", goal_value=0.150,
                plugin_label="pmiek_werkbank.classFactory + initGui",
                reference_label="minimale plugin (menu, werkbalk, één actie)",
                notes=["{} modules geïmporteerd (waarvan {} van de plugin)".format(info["modules"],
                                                                                  info["plugin_modules"]),
                       "zware modules geïmporteerd: {}".format(", ".join(heavy) if heavy else "geen")],
                extra={"modules_imported": info["modules"], "plugin_modules": info["plugin_modules"],
                       "heavy_imported": heavy, "geopandas_imported": "geopandas" in heavy,
                       "pandas_imported": "pandas" in heavy})]


def _p3_met(r):
    if r["status"] == "ok" and r["extra"].get("heavy_imported"):
        heavy = set(r["extra"]["heavy_imported"])
        if heavy & {"pandas", "geopandas"}:
            r["met"] = False
    return r


# ---- P4 interactivity -----------------------------------------------------------------------------------------

def case_p4(ds, repeat, scratch):
    import pandas as pd

    from pmiek_werkbank.knooppunten.balance import BalanceModel
    from pmiek_werkbank.werkbank import open_werkbank

    wb = open_werkbank(ds.werkbank, readonly=True)
    try:
        model = BalanceModel.from_werkbank(wb)  # edited incrementally
        full_model = BalanceModel.from_werkbank(wb)  # edited in its inputs and recomputed as a whole
    finally:
        wb.close()
    # a project without an explicit station: its station follows its links, so a new heavy link moves it
    pr = model.projects
    cand = pr[(pr["station_rule"] == "via koppelingen") & pr["active"]]
    if not len(cand):
        cand = pr[pr["active"]]
    pid = cand["project_id"].iloc[0]
    own = model.projects.set_index("project_id").loc[pid, "station_id"]
    a = model.assignment
    other = a[a["station_id"].notna() & (a["station_id"] != own) & (a["demand_mw"] > 0)]
    dev = other["dev_id"].iloc[len(other) // 2]
    touched = []
    state = {"inc": False, "full": False}
    base_links = full_model.inputs.links
    new_link = pd.DataFrame([{"link_id": "bench-link", "project_id": pid, "dev_id": dev, "share_mw": 500.0,
                              "share_pct": None, "motivation": "bench"}])

    def edit():
        if state["inc"]:
            touched.append(model.remove_link(pid, dev))
        else:
            touched.append(model.set_link(pid, dev, share_mw=500.0, motivation="bench"))
        state["inc"] = not state["inc"]

    def full():
        if state["full"]:
            full_model.inputs.links = base_links
        else:
            full_model.inputs.links = pd.concat([base_links.astype(object), new_link.astype(object)],
                                                ignore_index=True)
        full_model.recompute()
        state["full"] = not state["full"]

    p, r = interleaved(edit, full, repeat)
    # both models must agree after the same edits
    same = _same_table(model.station_table(), full_model.station_table()) and _same_table(
        model.knooppunt_table(), full_model.knooppunt_table())
    s, k = touched[-1] if touched else (set(), set())
    return [row("P4", "Herberekenen na wijzigen van één koppeling ({} projecten, {} ontwikkelingen)".format(
        ds.counts["projects"], ds.counts["developments"]), p, r, goal="≤ 100 ms", goal_kind="absolute",
        goal_value=0.100, plugin_label="BalanceModel.set_link/remove_link (incrementeel)",
        reference_label="koppeling in de invoer wijzigen + BalanceModel.recompute() (alles opnieuw, in het geheugen)",
        notes=["project {} wisselt van station via een koppeling met {}; per wijziging {} station(s) en {} "
               "knooppunt(en) herberekend".format(pid, dev, len(s), len(k)),
               "incrementeel resultaat gelijk aan volledige herberekening: {}".format("ja" if same else "NEE")],
        extra={"project": pid, "dev": dev, "stations_touched": len(s), "knooppunten_touched": len(k),
               "equal_to_full": bool(same), "pandas": pd.__version__})]


def _same_table(a, b):
    from pandas.testing import assert_frame_equal

    try:
        assert_frame_equal(a.sort_values(["unit_id", "year"]).reset_index(drop=True),
                           b.sort_values(["unit_id", "year"]).reset_index(drop=True), check_dtype=False)
        return True
    except AssertionError:
        return False


# ---- S1 scoring: re-rank after one rating, and the scoring dock (bench/bench_scoring.py) ---------------------------

def case_s1(ds, repeat, scratch):
    """One rating changes: consensus + ranking at 500/2,000 projects (S1-<n>) and the scoring dock (S2-...)."""
    return _load("pmiek_bench_scoring", "bench_scoring.py").bench_case(ds, repeat, scratch.dir, _stats, row, timed,
                                                                        qgis_app)


# ---- L edit loop with all docks open ---------------------------------------------------------------------------

def case_loop(ds, repeat, scratch):
    qgis_app()
    mod = _load("pmiek_bench_loop", "bench_loop.py")
    return mod.bench_case(ds, repeat, scratch.dir, _stats, row, ds.size, _same_table)


# ---- P5 import ----------------------------------------------------------------------------------------------------

def case_p5(ds, repeat, scratch):
    """Import of the developments vs ogr2ogr (with its R-tree), at the dataset's size and, at national size, also
    at 500,000 polygons (issue 19 item 4)."""
    qgis_app()
    sources = [("P5", ds.source, int(ds.counts["developments"]))]
    if ds.size == "national":
        sources.append(("P5-500k", data.large_source(ds), 500000))
    return [_import_row(ds, repeat, scratch, sub, source, n) for sub, source, n in sources]


def _import_row(ds, repeat, scratch, sub, source, n):
    state = {}

    def setup():
        # the earlier runs' outputs (hundreds of MB each) are removed before the next run: every run, on either
        # side, starts on the same disk, instead of next to a growing pile of old werkbanks and copies
        keep = state.get("imported")
        for f in state.pop("files", []):
            if f != keep and os.path.exists(f):
                os.remove(f)
        target = scratch.path("import_werkbank")
        shutil.copyfile(ds.empty, target)
        state["target"] = target
        state["copy"] = scratch.path("ogr_copy")
        state["files"] = [f for f in (keep, target, state["copy"]) if f]

    def plugin():
        state["res"] = run_alg("pmiek:importdevelopments", {
            "WERKBANK": state["target"], "INPUT": source, "SOURCE_NAME": "ontwikkelingen",
            "REPORT": scratch.path("rapport", ".html")})
        state["imported"] = state["target"]  # setup() gives the reference a fresh target: check this one

    def reference():
        subprocess.run(["ogr2ogr", "-f", "GPKG", state["copy"], source], check=True, capture_output=True)

    p, r = interleaved(plugin, reference, repeat, setup=setup)
    res = state["res"]
    rtree = {"plugin": _has_rtree(state["imported"]), "ogr2ogr": _has_rtree(state["copy"])}
    audit = _count(state["imported"], "audit_log")
    indexed = _count(state["imported"], "rtree_developments_geom")
    check = _rtreecheck(state["imported"], "rtree_developments_geom")
    rw = row(sub, "Import {:,} vlakken met validatie".format(n).replace(",", "."), p, r, goal="≤ 2× ogr2ogr",
             goal_value=2.0, plugin_label="pmiek:importdevelopments (lezen, valideren, provinciecontrole, "
                                          "één transactie, audittrail)",
             reference_label="ogr2ogr -f GPKG (kopie van hetzelfde bestand, met R-tree)",
             notes=["geïmporteerd {}, afgekeurd {}".format(int(res["IMPORTED"]), int(res["REJECTED"])),
                    "R-tree na import: plugin {}, ogr2ogr {}".format(*("ja" if rtree[k] else "NEE"
                                                                        for k in ("plugin", "ogr2ogr"))),
                    "audittrail-regels na import: {}; R-tree-regels plugin: {}; rtreecheck: {}".format(
                        audit, indexed, check)],
             extra={"imported": int(res["IMPORTED"]), "rejected": int(res["REJECTED"]), "rtree": rtree,
                    "audit_rows": audit, "rtree_rows": indexed, "rtreecheck": check})
    return rw


def _rtreecheck(path, rtree):
    import sqlite3

    con = sqlite3.connect("file:{}?mode=ro".format(path), uri=True)
    try:
        return con.execute("SELECT rtreecheck(?)", (rtree,)).fetchone()[0]
    except sqlite3.Error as e:
        return "niet uit te voeren ({})".format(e)
    finally:
        con.close()


def _has_rtree(path):
    import sqlite3

    con = sqlite3.connect("file:{}?mode=ro".format(path), uri=True)
    try:
        return bool(con.execute("SELECT count(*) FROM sqlite_master WHERE name LIKE 'rtree_%'").fetchone()[0])
    finally:
        con.close()


def _count(path, table):
    import sqlite3

    con = sqlite3.connect("file:{}?mode=ro".format(path), uri=True)
    try:
        return con.execute("SELECT count(*) FROM {}".format(table)).fetchone()[0]
    except sqlite3.Error:
        return None
    finally:
        con.close()


# ---- memory ---------------------------------------------------------------------------------------------------------

MEMORY_CODE = r"""
import json, os, resource, sys, time
import geopandas, pandas, shapely, numpy
from pmiek_werkbank.werkbank import open_werkbank
which, path = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
wb = open_werkbank(path, readonly=True)
info = {}
if which == 'plugin':
    from pmiek_werkbank.knooppunten.balance import BalanceModel
    from pmiek_werkbank.scoring.ranking import score_projects
    m = BalanceModel.from_werkbank(wb)
    st, kp, un = m.station_table(), m.knooppunt_table(), m.unserved()
    rank = score_projects(wb)
    info = {'station_rows': len(st), 'knooppunt_rows': len(kp), 'unserved': len(un), 'ranked': len(rank),
            'developments': len(m.assignment)}
wb.close()
info['seconds'] = time.perf_counter() - t0
# VmHWM is the peak of this process's own memory; ru_maxrss can carry the parent's peak over fork/exec
info['peak_rss_bytes'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
try:
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmHWM:'):
                info['peak_rss_bytes'] = int(line.split()[1]) * 1024
                info['peak_source'] = 'VmHWM'
except OSError:
    info['peak_source'] = 'ru_maxrss'
print('RESULT=' + json.dumps(info))
"""


def _memory_once(which, path):
    r = subprocess.run([sys.executable, "-c", MEMORY_CODE, which, path], capture_output=True, text=True,
                       timeout=3600, env=os.environ.copy())
    for line in r.stdout.splitlines():
        if line.startswith("RESULT="):
            return json.loads(line[len("RESULT="):])
    raise RuntimeError("geheugenmeting mislukt (rc {}): {}".format(r.returncode, r.stderr[-2000:]))


def case_mem(ds, repeat, scratch):
    p, r, info = [], [], None
    for _ in range(max(1, repeat)):
        info = _memory_once("plugin", ds.werkbank)
        p.append(info["peak_rss_bytes"] / 2**20)
        r.append(_memory_once("reference", ds.werkbank)["peak_rss_bytes"] / 2**20)
    return [row("MEM", "Piekgeheugen, dataset '{}' ({} ontwikkelingen, {} projecten) door balans en "
                       "scoring".format(ds.size, ds.counts["developments"], ds.counts["projects"]),
                _stats(p), _stats(r), unit="MiB", goal="≤ 1 GiB", goal_kind="absolute", goal_value=1024.0,
                plugin_label="vers proces: BalanceModel.from_werkbank + tabellen + score_projects",
                reference_label="vers proces: dezelfde imports + werkbank openen",
                notes=["duur balans + scoring: {:.1f} s".format(info["seconds"]),
                       "{} stationrijen, {} knooppuntrijen, {} projecten gerangschikt".format(
                           info["station_rows"], info["knooppunt_rows"], info["ranked"])],
                extra=info)]


QGIS_MEMORY_CODE = r"""
import json, os, sys, time
os.environ.setdefault('QT_QPA_PLATFORM', 'offscreen')
from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingFeedback, QgsProject
app = QgsApplication([], False); app.initQgis()
from processing.core.Processing import Processing
Processing.initialize()
from qgis.analysis import QgsNativeAlgorithms
reg = QgsApplication.processingRegistry()
if reg.providerById('native') is None:
    reg.addProvider(QgsNativeAlgorithms(reg))
from pmiek_werkbank.provider.provider import PmiekProvider
prov = PmiekProvider(); reg.addProvider(prov)
from qgis import processing
alg, params = sys.argv[1], json.loads(sys.argv[2])
def vmhwm():
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmHWM:'):
                return int(line.split()[1]) * 1024
import numpy, pandas, geopandas, shapely, pyogrio  # noqa: F401 - first imports are not the algorithm's time
base = vmhwm()
ctx = QgsProcessingContext(); ctx.setProject(QgsProject.instance())
t0 = time.perf_counter()
res = processing.run(alg, params, context=ctx, feedback=QgsProcessingFeedback())
dt = time.perf_counter() - t0
peak = vmhwm()
try:
    import psutil
    rss_now = psutil.Process().memory_info().rss
except Exception:
    rss_now = None
print('RESULT=' + json.dumps({'seconds': dt, 'peak_rss_bytes': peak, 'baseline_bytes': base, 'rss_now': rss_now,
      'outputs': {k: (v if isinstance(v, (int, float, str)) else str(v)) for k, v in res.items()}}))
"""


def _qgis_memory_once(alg, params):
    r = subprocess.run([sys.executable, "-c", QGIS_MEMORY_CODE, alg, json.dumps(params)], capture_output=True,
                       text=True, timeout=3600, env=os.environ.copy())
    for line in r.stdout.splitlines():
        if line.startswith("RESULT="):
            return json.loads(line[len("RESULT="):])
    raise RuntimeError("geheugenmeting {} mislukt (rc {}): {}".format(alg, r.returncode, r.stderr[-2000:]))


def case_memq(ds, repeat, scratch):
    """Peak RSS (VmHWM) of a fresh QGIS process (QgsApplication + Processing) running one algorithm."""
    algs = []
    for label, alg, params in (
        ("balans, dichtstbijzijnde station", "pmiek:capacitybalance",
         lambda: {"WERKBANK": ds.werkbank_nearest, "LEVEL": 0, "OUTPUT": scratch.path("mem_balans")}),
        ("balans, capaciteitsgebied", "pmiek:capacitybalance",
         lambda: {"WERKBANK": ds.werkbank, "LEVEL": 0, "OUTPUT": scratch.path("mem_balans")}),
        ("import ontwikkelingen", "pmiek:importdevelopments",
         lambda: {"WERKBANK": _copy(ds.empty, scratch.path("mem_import")), "INPUT": ds.source,
                  "SOURCE_NAME": "ontwikkelingen", "REPORT": scratch.path("mem_rapport", ".html")}),
        ("rangorde", "pmiek:scoreprojects",
         lambda: {"WERKBANK": ds.werkbank, "OUTPUT": scratch.path("mem_rang")}),
        ("rondes vergelijken", "pmiek:compareround",
         lambda: {"OLD": ds.werkbank, "NEW": ds.werkbank_nearest, "OUTPUT": scratch.path("mem_cmp", ".xlsx")}),
        ("balans per knooppunt", "pmiek:capacitybalance",
         lambda: {"WERKBANK": ds.werkbank, "LEVEL": 1, "OUTPUT": scratch.path("mem_kp")}),
        ("projecten-, actie- en monitoringlijst", "pmiek:exportlists",
         lambda: {"WERKBANK": ds.werkbank, "PROJECTENLIJST": scratch.path("mem_lijst", ".xlsx"),
                  "ACTIELIJST": scratch.path("mem_acties", ".xlsx"),
                  "MONITORINGLIJST": scratch.path("mem_monitoring", ".xlsx")}),
        ("web-atlas", "pmiek:exportwebatlas",
         lambda: {"WERKBANK": ds.werkbank, "OUTPUT_FOLDER": scratch.path("mem_web", "")}),
        ("uitwisselpakket", "pmiek:exportpackage",
         lambda: {"WERKBANK": ds.werkbank, "OUTPUT_FOLDER": scratch.path("mem_pakket", "")}),
    ):
        peaks, secs, err = [], [], None
        for _ in range(max(1, min(repeat, 2))):
            try:
                info = _qgis_memory_once(alg, params())
            except Exception as e:  # noqa: BLE001 - report, keep measuring the others
                err = str(e).strip().splitlines()[-1] if str(e).strip() else type(e).__name__
                break
            peaks.append(info["peak_rss_bytes"] / 2**20)
            secs.append(info["seconds"])
        key = "MEMQ-" + alg.split(":")[1] + ("-area" if "gebied" in label else "") + ("-kp" if "knooppunt" in label
                                                                                       else "")
        title = "Piekgeheugen in een QGIS-proces: {} ({}, {} ontwikkelingen)".format(label, ds.size,
                                                                                   ds.counts["developments"])
        if err or not peaks:
            algs.append(row(key, title, goal="≤ 1 GiB", reason=err or "geen meting"))
            continue
        algs.append(row(key, title, _stats(peaks), None, unit="MiB", goal="≤ 1 GiB", goal_kind="absolute",
                        goal_value=1024.0, plugin_label="QgsApplication + Processing + {} (VmHWM)".format(alg),
                        notes=["duur van het algoritme: {}".format(" / ".join(_fmt(x, "s") for x in secs))],
                        extra={"seconds": secs}))
        if alg == "pmiek:compareround":
            algs.append(row("R1", "Rondes vergelijken ({}, {} projecten): pmiek:compareround met rapport".format(
                ds.size, ds.counts["projects"]), _stats(secs), None, goal="≤ 5 s", goal_kind="absolute",
                goal_value=5.0, plugin_label="pmiek:compareround (in een vers QGIS-proces, zonder opstarten)"))
    return algs


def _copy(src, dst):
    shutil.copyfile(src, dst)
    return dst


# ---- report ------------------------------------------------------------------------------------------------------------

def machine_facts():
    facts = {"date": _dt.datetime.now().astimezone().replace(microsecond=0).isoformat(),
             "hostname": platform.node(), "platform": platform.platform(), "python": platform.python_version(),
             "cores": os.cpu_count()}
    try:
        import psutil

        facts["cores_physical"] = psutil.cpu_count(logical=False)
        facts["memory_gib"] = round(psutil.virtual_memory().total / 2**30, 1)
        facts["load_avg"] = [round(x, 2) for x in os.getloadavg()]
    except Exception:  # noqa: BLE001
        pass
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    facts["cpu_model"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        facts["cpu_model"] = platform.processor()
    try:
        from qgis.core import Qgis

        facts["qgis"] = Qgis.QGIS_VERSION
        facts["qgis_geos"] = Qgis.geosVersion() if hasattr(Qgis, "geosVersion") else None
    except Exception as e:  # noqa: BLE001
        facts["qgis"] = "onbekend ({})".format(e)
    try:
        from osgeo import gdal

        facts["gdal"] = gdal.__version__
    except Exception:  # noqa: BLE001
        facts["gdal"] = None
    for mod in ("shapely", "geopandas", "pyogrio", "numpy", "pandas"):
        try:
            facts[mod] = __import__(mod).__version__
        except Exception:  # noqa: BLE001
            facts[mod] = None
    try:
        import pyogrio
        import shapely

        facts["geos"] = shapely.geos_version_string
        facts["gdal_pyogrio"] = pyogrio.__gdal_version_string__
    except Exception:  # noqa: BLE001
        pass
    return facts


def _fmt(v, unit):
    if v is None:
        return "-"
    if unit == "s":
        return "{:.0f} ms".format(v * 1000) if v < 1 else "{:.2f} s".format(v)
    return "{:.0f} {}".format(v, unit)


def _fmt3(st, unit):
    return " / ".join(_fmt(st.get(k), unit) for k in ("min", "median", "max"))


def table_lines(rows):
    head = ("case", "plugin min / median / max", "referentie min / median / max", "ratio", "doel", "gehaald")
    lines = []
    for r in rows:
        if r["status"] != "ok":
            reason = " ".join(str(r["reason"]).split())
            lines.append((r["case"], NA, "-", "-", r["goal"] or "-", "- ({})".format(reason)))
            continue
        u = r["unit"]
        lines.append((r["case"], _fmt3(r["plugin"], u), _fmt3(r["reference"], u) if r["reference"] else "-",
                      "{:.3g}×".format(r["ratio"]) if r["ratio"] is not None else "-", r["goal"],
                      "ja" if r["met"] else "-" if r["met"] is None else "nee"))
    widths = [max(len(str(x[i])) for x in [head] + lines) for i in range(5)]
    out = ["  ".join(str(c).ljust(w) for c, w in zip(head[:5], widths)) + "  " + head[5]]
    out.append("-" * (sum(widths) + 2 * 5 + len(head[5])))
    for x in lines:
        out.append("  ".join(str(c).ljust(w) for c, w in zip(x[:5], widths)) + "  " + x[5])
    return out


CASES = {"P1": case_p1, "P2": case_p2, "P3": case_p3, "P4": case_p4, "S1": case_s1, "L": case_loop, "P5": case_p5,
         "MEM": case_mem, "MEMQ": case_memq}
CASES["D1"] = lambda ds, repeat, scratch: _load("pmiek_bench_desktop", "bench_desktop.py").bench_case(  # noqa: E731
    ds, repeat, scratch.dir, _stats, row)  # the real QGIS desktop under Xvfb (bench/bench_desktop.py)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", choices=("tiny", "province", "national"), default="province")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cases", default=",".join(ALL_CASES), help="bijv. P1,P4 (standaard alle)")
    ap.add_argument("--json", default=os.path.join(BENCH_DIR, "results", "latest.json"))
    args = ap.parse_args(argv)
    cases = [c.strip().upper() for c in args.cases.split(",") if c.strip()]
    bad = [c for c in cases if c not in CASES]
    if bad:
        ap.error("onbekende case(s): {}; kies uit {}".format(", ".join(bad), ", ".join(CASES)))
    repeat = max(1, args.repeat)
    t_start = time.perf_counter()
    ds = data.ensure(args.size)
    # memory is measured on the national dataset (tiny stays tiny for the test suite)
    mem_size = "tiny" if args.size == "tiny" else "national"
    scratch = Scratch()
    rows = []
    try:
        for c in cases:
            print("[bench] {} ...".format(c), flush=True)
            t0 = time.perf_counter()
            try:
                dsc = data.ensure(mem_size) if c in ("MEM", "MEMQ") else ds
                out = CASES[c](dsc, repeat, scratch)
            except Exception as e:  # noqa: BLE001 - one broken case must not hide the others
                traceback.print_exc()
                out = [row(c, c, reason="fout tijdens meten: {}: {}".format(type(e).__name__, str(e).strip()))]
            for r in out:
                if r["case"] == "P3":
                    _p3_met(r)
                r["wall_seconds"] = time.perf_counter() - t0
            rows.extend(out)
            for line in table_lines(out)[2:]:  # as soon as measured: a long national run keeps what it has
                print("[bench]   " + line, flush=True)
    finally:
        scratch.clean()
    result = {"size": args.size, "repeat": repeat, "cases": cases, "data_seed": data.SEED,
              "data_version": data.DATA_VERSION, "dataset": {"size": ds.size, "counts": ds.counts},
              "machine": machine_facts(), "rows": rows, "total_seconds": time.perf_counter() - t_start}
    lines = table_lines(rows)
    print()
    print("pMIEK Werkbank benchmarks - grootte {}, herhalingen {}, {}".format(args.size, repeat,
                                                                              result["machine"]["date"]))
    for line in lines:
        print(line)
    for r in rows:
        for n in r["notes"]:
            print("  {}: {}".format(r["case"], n))
    m = result["machine"]
    print("machine: {} kernen, {}; QGIS {}, GEOS {}, GDAL {}, shapely {}, geopandas {}, pyogrio {}, numpy {}".format(
        m.get("cores"), m.get("cpu_model"), m.get("qgis"), m.get("geos"), m.get("gdal") or m.get("gdal_pyogrio"),
        m.get("shapely"), m.get("geopandas"), m.get("pyogrio"), m.get("numpy")))
    if args.json:
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        tmp = args.json + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=1, ensure_ascii=False)
        os.replace(tmp, args.json)
        print("JSON: {}".format(args.json))
    return result


if __name__ == "__main__":
    main()
