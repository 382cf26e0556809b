"""The design-session loop a user waits for, end to end, with every dock open (issue 19).

One QGIS process (offscreen), a copy of the benchmark werkbank, its layers in the project and on a map
canvas at 1:50,000 around the edited project, and the real docks (projects and links, capacity balance,
scoring, rounds) listening to the session.  Each edit goes through a dock's own method, exactly as the
button would: the werkbank is written, ``session.dataChanged`` reaches every dock, the docks and the
balance layer update, and the canvas repaints.  Timed per edit: from the call until the dock method returned
(``sync``) and until the canvas signalled ``mapCanvasRefreshed`` after the edit (``repaint``, end to end).
The canvas caches layer renders and renders in parallel (QGIS desktop's defaults) and the plugin's one
``dataChanged`` handler (``plugin._on_data_changed``: reload and repaint the werkbank layers of the table written)
is connected, as in the desktop.  A last row (``L-model``) times the balance model's own part of the link edits
(``BalanceModel.reload_table('project_links')`` of the balance dock, links carrying demand) against one full
``BalanceModel.from_werkbank``.

Edits (alternating, so the werkbank returns to its start):

* link    - ``ProjectsDock._link([dev])`` (a heavy link that moves the project's station) / unlink that row;
* status  - ``ScoringDock.decide(pid, 'opgenomen'|'kandidaat', reason)``;
* score   - ``ScoringDock.apply_rating(pid, 'A', ...)`` alternating two values on the scale.
"""

import os
import shutil
import time


class _Iface:
    """The part of QgisInterface the docks use."""

    def __init__(self):
        from qgis.gui import QgsMapCanvas, QgsMessageBar
        from qgis.PyQt.QtWidgets import QMainWindow

        self.win = QMainWindow()
        self.canvas = QgsMapCanvas()
        self.bar = QgsMessageBar()
        self.active = None

    def mainWindow(self):  # noqa: N802 - Qt/QGIS API names
        return self.win

    def mapCanvas(self):  # noqa: N802
        return self.canvas

    def messageBar(self):  # noqa: N802
        return self.bar

    def setActiveLayer(self, layer):  # noqa: N802
        self.active = layer

    def addDockWidget(self, area, dock):  # noqa: N802
        self.win.addDockWidget(area, dock)

    def removeDockWidget(self, dock):  # noqa: N802
        self.win.removeDockWidget(dock)

    def cadDockWidget(self):  # noqa: N802
        return None


def _wait_repaint(canvas, since, grace=0.5, timeout=60.0):
    """Process events until the canvas finished a render that started after ``since`` (perf_counter).

    Returns (finished at, forced): when no render started within ``grace`` seconds the edit did not ask for
    one (the map would stay stale); the canvas is then refreshed once and ``forced`` is True.
    """
    from qgis.PyQt.QtCore import QCoreApplication, QEventLoop

    state = canvas._pmiek_bench
    t_wait = time.perf_counter()
    deadline = t_wait + timeout
    forced = False
    while time.perf_counter() < deadline:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        started = state["started"] is not None and state["started"] >= since
        if started and state["done"] is not None and state["done"] >= state["started"]:
            return state["done"], forced
        if not started and not forced and time.perf_counter() - t_wait > grace:
            forced = True
            canvas.refresh()
    return None, forced


def bench_case(ds, repeat, scratch, stats, row, size, same_table):
    """Rows for the edit loop (one per kind of edit)."""
    from qgis.core import QgsProject, QgsRectangle
    from qgis.PyQt.QtCore import QCoreApplication, QSize, Qt

    from pmiek_werkbank.dialogs.balance_dock import BalanceDock
    from pmiek_werkbank.dialogs.projects_dock import ProjectsDock
    from pmiek_werkbank.dialogs.rounds_dock import RoundsDock
    from pmiek_werkbank.dialogs.scoring_dock import ScoringDock
    from pmiek_werkbank.layers.project import Session, add_werkbank_layers, werkbank_layers
    from pmiek_werkbank.werkbank import open_werkbank

    path = os.path.join(scratch, "loop_werkbank.gpkg")
    shutil.copyfile(ds.werkbank, path)
    project = QgsProject.instance()
    project.clear()
    t0 = time.perf_counter()
    add_werkbank_layers(path, project)
    session = Session(project)
    session.set_werkbank(path)
    iface = _Iface()
    canvas = iface.canvas
    canvas.resize(QSize(1000, 700))
    # as the QGIS desktop canvas by default (Settings > Rendering: render caching and parallel rendering on):
    # a repaint re-renders only the layers that asked for it
    canvas.setCachingEnabled(True)
    canvas.setParallelRenderingEnabled(True)
    canvas._pmiek_bench = {"started": None, "done": None}

    def started():
        canvas._pmiek_bench["started"] = time.perf_counter()

    def refreshed():
        canvas._pmiek_bench["done"] = time.perf_counter()

    canvas.renderStarting.connect(started)
    canvas.mapCanvasRefreshed.connect(refreshed)
    # the plugin's one dataChanged handler (plugin._on_data_changed: reload and repaint the werkbank layers of
    # the table written), as in the desktop; the plugin's menus and toolbar are not needed for it
    from pmiek_werkbank.plugin import PmiekWerkbankPlugin

    plugin = PmiekWerkbankPlugin(iface)
    plugin.session = session
    session.dataChanged.connect(plugin._on_data_changed)
    docks = [ProjectsDock(iface, session), BalanceDock(iface, session), ScoringDock(iface, session),
             RoundsDock(iface, session)]
    for d in docks:
        iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, d)
    t_open = time.perf_counter() - t0
    pdock, bdock, sdock = docks[0], docks[1], docks[2]
    # the project and development to edit: a project whose station follows its links, a heavy development
    # at another station (the link moves the project's station: stations, knooppunten, map layer change)
    model = bdock.model
    pr = model.projects
    cand = pr[(pr["station_rule"] == "via koppelingen") & pr["active"]]
    if not len(cand):
        cand = pr[pr["active"]]
    pid = cand["project_id"].iloc[0]
    own = pr.set_index("project_id").loc[pid, "station_id"]
    a = model.assignment
    other = a[a["station_id"].notna() & (a["station_id"] != own) & (a["demand_mw"] > 0)]
    dev = other.sort_values("demand_mw")["dev_id"].iloc[-1]
    # canvas: all werkbank layers plus the balance layer, 1:50,000 around the project
    layers = [bdock.layer] if bdock.layer is not None else []
    layers += [lyr for lyr in werkbank_layers(project) if lyr.isSpatial()]
    canvas.setLayers(layers)
    wb = open_werkbank(path, readonly=True)
    try:
        geom = wb.read_frame("projects", where="project_id = ?", params=(pid,)).geometry.iloc[0]
    finally:
        wb.close()
    c = geom.centroid
    canvas.setExtent(QgsRectangle(c.x - 12500, c.y - 8750, c.x + 12500, c.y + 8750))
    canvas.show()
    canvas.refresh()
    _wait_repaint(canvas, t0, grace=0.0)
    first_render = canvas._pmiek_bench["done"] - canvas._pmiek_bench["started"]
    pdock.confirm = lambda title, text: True  # the user answers "Ja" to "Koppeling verwijderen?"
    pdock.select_project(pid, zoom=False)
    QCoreApplication.processEvents()

    def link_on():
        # all of it (100 %): a share above what the development has is refused (knooppunten.links.share_problems)
        pdock.share_unit.setCurrentIndex(max(0, pdock.share_unit.findData("pct")))
        pdock.share.setValue(100)
        assert pdock._link([dev]) == 1

    def link_off():
        for r in range(pdock.links.rowCount()):
            item = pdock.links.item(r, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == dev:
                pdock.links.clearSelection()
                pdock.links.selectRow(r)
                break
        assert pdock.unlink_selected() == 1

    def status_on():
        sdock.decide(pid, "opgenomen", "bench: opgenomen")

    def status_off():
        sdock.decide(pid, "kandidaat", "bench: terug naar kandidaat")

    crit = next(c for c in sdock.criteria if c["counted"])
    scale = crit["scale_list"]

    def score_a():
        sdock.apply_rating(pid, crit["criterion_id"], scale[0], "bench: motivatie", "Bench", date="2026-01-01")

    def score_b():
        sdock.apply_rating(pid, crit["criterion_id"], scale[-1], "bench: motivatie", "Bench", date="2026-01-01")

    # the balance model's own part of a link edit (re-read the links, recompute what they change), links carrying
    # demand: every call of the balance dock's model during the timed link edits
    model_times = []
    timing = {"on": False}
    real_reload = bdock.model.reload_table

    def timed_reload(wb_, table, **kw):
        t_ = time.perf_counter()
        try:
            return real_reload(wb_, table, **kw)
        finally:
            if timing["on"]:
                model_times.append(time.perf_counter() - t_)

    bdock.model.reload_table = timed_reload
    results = {}
    for kind, (on, off) in (("link", (link_on, link_off)), ("status", (status_on, status_off)),
                            ("score", (score_a, score_b))):
        sync, full, stale = [], [], 0
        profile = None
        if os.environ.get("PMIEK_LOOP_PROFILE"):  # folder: one cProfile file per kind of edit (dock time only)
            import cProfile

            profile = cProfile.Profile()
        for i in range(repeat + 1):  # the first pair warms up
            for fn in (on, off):
                QCoreApplication.processEvents()
                timing["on"] = bool(i) and kind == "link"
                t = time.perf_counter()
                if profile is not None and i:
                    profile.enable()
                    fn()
                    profile.disable()
                else:
                    fn()
                t_sync = time.perf_counter() - t
                t_after = time.perf_counter()
                done, forced = _wait_repaint(canvas, t)
                if i:
                    sync.append(t_sync)
                    if done is None:
                        full.append(float("nan"))
                    elif forced:  # the edit left the map stale: count the render it would have needed
                        full.append(t_sync + (done - t_after))
                        stale += 1
                    else:
                        full.append(done - t)
        results[kind] = (sync, full, stale)
        if profile is not None:
            profile.dump_stats(os.path.join(os.environ["PMIEK_LOOP_PROFILE"], "loop-{}.prof".format(kind)))
    # the balance dock after all edits equals a fresh computation from the werkbank
    from pmiek_werkbank.knooppunten.balance import BalanceModel

    timing["on"] = False
    wb = open_werkbank(path, readonly=True)
    try:
        t_full = time.perf_counter()
        fresh = BalanceModel.from_werkbank(wb)
        t_full = time.perf_counter() - t_full
    finally:
        wb.close()
    same = same_table(bdock.model.station_table(), fresh.station_table())
    lk = bdock.model.links()
    linked = int(lk["moved_mw"].gt(0).sum()) if "moved_mw" in lk else 0
    for d in docks:
        d.cleanup()
        d.deleteLater()
    session.dataChanged.disconnect(plugin._on_data_changed)
    session.close_werkbank()
    canvas.renderStarting.disconnect(started)
    canvas.mapCanvasRefreshed.disconnect(refreshed)
    project.clear()
    QCoreApplication.processEvents()
    goal = 0.200 if size != "national" else 0.500
    goal_txt = "≤ {} ms".format(int(goal * 1000))
    rows = []
    titles = {"link": "koppeling toevoegen/verwijderen (projectendock)",
              "status": "status opgenomen/kandidaat (scoringsdock)",
              "score": "waardering wijzigen (scoringsdock)"}
    for kind, (sync, full, stale) in results.items():
        rows.append(row(
            "L-" + kind, "Bewerkingslus {}: werkbank schrijven → alle docks + kaart bijgewerkt ({} projecten, "
                         "{} ontwikkelingen)".format(titles[kind], ds.counts["projects"], ds.counts["developments"]),
            stats(full), stats(sync), goal=goal_txt + " tot kaart opnieuw getekend", goal_kind="absolute",
            goal_value=goal, plugin_label="van klik tot mapCanvasRefreshed (kaart 1:50.000, alle docks open)",
            reference_label="van klik tot de dockmethode terugkeert (zonder wachten op de kaart)",
            notes=["mediaan tot kaart opnieuw getekend {:.0f} ms = {:.2f}× het doel".format(
                       1000 * stats(full)["median"], stats(full)["median"] / goal),
                   "project {}, ontwikkeling {}; docks: projecten, balans, scoring, rondes".format(pid, dev),
                   "balansdock na alle bewerkingen gelijk aan volledige herberekening: {}".format(
                       "ja" if same else "NEE"),
                   "openen (lagen + 4 docks) {:.2f} s, eerste kaartweergave {:.2f} s".format(t_open, first_render),
                   "kaart niet vanzelf ververst na {} van {} bewerkingen (dan geteld: dock + één verversing)".format(
                       stale, len(full))],
            extra={"equal_to_full": bool(same), "open_seconds": t_open, "first_render_seconds": first_render,
                   "map_not_refreshed": stale}))
        if not same:
            rows[-1]["met"] = False
    if not model_times:  # the balance dock rebuilt its model instead of following the links: nothing to time
        return rows
    rows.append(row(
        "L-model", "Balansmodel bij een koppeling in de bewerkingslus: koppelingen herlezen en herberekenen wat ze "
                   "veranderen ({} koppelingen die vraag dragen, {} ontwikkelingen)".format(
                       linked, ds.counts["developments"]),
        stats(model_times), stats([t_full]), goal="≤ 100 ms", goal_kind="absolute", goal_value=0.100,
        plugin_label="BalanceModel.reload_table('project_links') van het balansdock (incrementeel)",
        reference_label="BalanceModel.from_werkbank (volledig: lezen + berekenen), één keer",
        notes=["mediaan {:.0f} ms = {:.2f}× het doel van 100 ms".format(
                   1000 * stats(model_times)["median"], stats(model_times)["median"] / 0.100),
               "balansdock na alle bewerkingen gelijk aan volledige herberekening: {}".format(
                   "ja" if same else "NEE")], extra={"equal_to_full": bool(same)}))
    if not same:
        rows[-1]["met"] = False
    return rows
