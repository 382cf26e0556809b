"""After link and status edits the docks show exactly what a fresh reload shows (issue 19).

The projects and balance docks follow each edit incrementally (register rows by row version, the selected
project's links and suggestions, the balance rows, unserved list and map features of what changed); after every
edit their tables must equal those of docks built anew on the same werkbank.  Example data of
tests/test_balance.py (fictief voorbeeld).
"""

from test_balance import write_example
from test_docks_incremental import _view

USER = 0x0100  # Qt.ItemDataRole.UserRole


def _cells(table):
    return [[table.item(r, c).text() if table.item(r, c) is not None else None for c in range(table.columnCount())]
            for r in range(table.rowCount())]


def _example_dock(qgis_iface, session, werkbank, werkbank_path):
    """The example in the werkbank, its layers in the project, the session on it and a projects dock."""
    from pmiek_werkbank.dialogs.projects_dock import ProjectsDock
    from pmiek_werkbank.layers.project import add_werkbank_layers

    write_example(werkbank)
    werkbank.close()
    add_werkbank_layers(werkbank_path)
    session.set_werkbank(werkbank_path)
    return ProjectsDock(qgis_iface, session)


def _projects_view(dock):
    return (dock.info.text(), _cells(dock.projects), dock.current_project(), _cells(dock.links),
            _cells(dock.suggestions), dock.detail_tabs.tabText(0), dock.detail_tabs.tabText(1))


def test_docks_after_link_and_status_edits_equal_a_fresh_reload(qgis_iface, session, werkbank, werkbank_path):
    from pmiek_werkbank.dialogs.balance_dock import BalanceDock
    from pmiek_werkbank.dialogs.projects_dock import ProjectsDock
    from pmiek_werkbank.scoring.decisions import set_status

    p = _example_dock(qgis_iface, session, werkbank, werkbank_path)
    b = BalanceDock(qgis_iface, session)
    p.confirm = lambda title, text: True
    assert p.select_project("P1", zoom=False)
    refreshes = []
    full = p.refresh
    p.refresh = lambda *a, **k: (refreshes.append(1), full(*a, **k))[1]
    balance_full = []
    bfull = b._refresh_views
    b._refresh_views = lambda: (balance_full.append(1), bfull())[1]

    def check():
        fp = ProjectsDock(qgis_iface, session)
        assert fp.select_project(p.current_project(), zoom=False)
        fb = BalanceDock(qgis_iface, session)
        assert _projects_view(p) == _projects_view(fp)
        assert _view(b) == _view(fb)
        fp.cleanup()
        fb.cleanup()
        return _projects_view(p), _view(b)

    start = check()
    with session.werkbank(readonly=True) as wb:
        before = {r["project_id"]: (r["status"], r["status_reason"]) for r in wb.query(
            "SELECT project_id, status, status_reason FROM projects WHERE project_id IN ('P1', 'P2')")}
        names = {r["project_id"]: r["name"] for r in wb.query("SELECT project_id, name FROM projects")}
    # link: D10 (all of its 2 MW; a share above what it has is refused, knooppunten.links.share_problems) to P1
    p.share_unit.setCurrentIndex(p.share_unit.findData("mw"))
    p.share.setValue(2)
    assert p._link(["D10"]) == 1
    linked = check()
    assert linked[0][3] != start[0][3]  # the links table shows D10 now
    assert "D10" in [row[0] for row in linked[0][3]]
    # status: P2 afgevallen (another project than the one selected), then P1 (opgenomen) back to kandidaat
    assert before["P1"][0] == "opgenomen" and before["P2"][0] == "kandidaat"
    written = []
    p.projects.itemChanged.connect(lambda item: written.append((item.row(), item.column())))
    selected = []
    p.projects.itemSelectionChanged.connect(lambda: selected.append(1))
    # P2 announced as "projects changed", P1 with its row named (Session.emit_rows_changed, as the scoring dock
    # does): the projects dock then reads only that row's version
    for pid, status, reason in (("P2", "afgevallen", "test: afgevallen"), ("P1", "kandidaat", None)):
        written.clear()
        with session.werkbank() as wb:
            set_status(wb, pid, status, reason)
        if pid == "P1":
            session.emit_rows_changed("projects", [pid])
        else:
            session.dataChanged.emit("projects")
        # only the status cell of that project's row is written (not its key cell); the selection stays
        assert {c for _, c in written} == {3} and len({r for r, _ in written}) == 1
        assert not selected
        now = check()
        row = [r for r in now[0][1] if r[0] == pid][0]
        assert row[3] == {"afgevallen": "Afgevallen", "kandidaat": "Kandidaat"}[status]
    assert now[1] != linked[1] or now[0][1] != linked[0][1]
    # names (the sort column) of two projects at once: both rows take their sorted place
    with session.werkbank() as wb:
        wb.execute("UPDATE projects SET name = 'Aaa eerst' WHERE project_id = 'P3'")
        wb.execute("UPDATE projects SET name = 'Zzz laatst' WHERE project_id = 'P2'")
    session.dataChanged.emit("projects")
    renamed = check()
    assert [r[1] for r in renamed[0][1]][0] == "Aaa eerst" and [r[1] for r in renamed[0][1]][-1] == "Zzz laatst"
    # unlink D10 and the statuses back: the docks show the start again
    p.links.clearSelection()
    p.links.selectRow([p.links.item(r, 0).data(USER) for r in range(p.links.rowCount())].index("D10"))
    assert p.unlink_selected() == 1
    check()
    for pid in ("P2", "P1"):
        with session.werkbank() as wb:
            wb.update_row("projects", pid, {"status": before[pid][0], "status_reason": before[pid][1]},
                          wb.row_versions("projects")[pid])
        session.dataChanged.emit("projects")
        check()
    with session.werkbank() as wb:
        for pid in ("P2", "P3"):
            wb.execute("UPDATE projects SET name = ? WHERE project_id = ?", (names[pid], pid))
    session.dataChanged.emit("projects")
    assert check() == start
    assert refreshes == [] and balance_full == []  # every edit was followed incrementally
    p.cleanup()
    b.cleanup()


def test_highlight_leaves_an_unchanged_selection_alone(qgis_iface, session, werkbank, werkbank_path):
    """Selecting the same features again would repaint the layer (for the labelled project layers: every label)."""
    from pmiek_werkbank.layers.project import werkbank_layers

    p = _example_dock(qgis_iface, session, werkbank, werkbank_path)
    repaints = []
    for layer in werkbank_layers():
        layer.repaintRequested.connect(lambda *a, t=layer.customProperty("pmiek/table"): repaints.append(t))
    p.highlight("P1", ["D4", "D5"], zoom=False)
    assert "projects" in repaints and "developments" in repaints
    sel = sorted(f["dev_id"] for lyr in werkbank_layers(table="developments") for f in lyr.selectedFeatures())
    assert sel == ["D4", "D5"]
    repaints.clear()
    p.highlight("P1", ["D4", "D5"], zoom=False)  # the same: nothing repainted
    assert repaints == []
    p.highlight("P1", ["D4"], zoom=False)  # one development less: only the developments layers
    assert set(repaints) == {"developments"}
    sel = sorted(f["dev_id"] for lyr in werkbank_layers(table="developments") for f in lyr.selectedFeatures())
    assert sel == ["D4"]
    p.cleanup()


def test_unserved_list_follows_rows_that_come_go_and_change(qgis_iface, session, werkbank, werkbank_path):
    """The balance dock's unserved list after an edit equals a full fill, whether rows were removed, inserted or
    changed; the rows are matched, not all rewritten."""
    import pandas as pd

    from pmiek_werkbank.dialogs.balance_dock import BalanceDock

    p = _example_dock(qgis_iface, session, werkbank, werkbank_path)
    b = BalanceDock(qgis_iface, session)

    def frame(rows):
        return pd.DataFrame(rows, columns=["dev_id", "name", "direction", "station_id", "year_ready", "shortfall_mw",
                                           "served_from_year"])

    a = frame([("D1", "Een", "afname", "S1", 2025.0, 1.5, 2030.0), ("D2", None, "afname", "S1", 2030.0, 2.0, float("nan")),
               ("D3", "Drie", "afname", None, float("nan"), 3.0, float("nan")),
               ("D3", "Drie", "teruglevering", "S2", 2030.0, 0.5, 2035.0)])
    c = frame([("D0", "Nul", "afname", "S1", 2025.0, 0.25, 2030.0), ("D1", "Een", "afname", "S1", 2025.0, 1.5, 2030.0),
               ("D3", "Drie", "afname", None, float("nan"), 4.0, float("nan")),
               ("D3", "Drie", "teruglevering", "S2", 2030.0, 0.5, 2035.0), ("D4", "Vier", "teruglevering", "S2", 2035.0,
                                                                            1.0, float("nan"))])

    class Stub:
        def __init__(self, f):
            self.f = f

        def unserved(self, linked=True):
            return self.f

    plans = []
    plan = b._unserved_plan
    b._unserved_plan = lambda *args: (plans.append(plan(*args)), plans[-1])[1]
    real = b.model
    rows = []
    for f in (a, c, a):
        b.model = Stub(f)
        b._fill_unserved()
        rows.append([[b.unserved.item(i, j).text() for j in range(7)] for i in range(b.unserved.rowCount())])
        b._unserved_shown = None  # a full fill of the same frame to compare with
        b._fill_unserved()
        assert rows[-1] == [[b.unserved.item(i, j).text() for j in range(7)] for i in range(b.unserved.rowCount())]
        b._fill_unserved()  # and again, from that full fill, to the same frame: nothing to do
    assert [r[0] for r in rows[1]] == ["D0", "D1", "D3", "D3", "D4"] and rows[1][2][5] == "4"
    assert rows[2] == rows[0] and rows[0][1][1:] == ["", "afname", "S1", "2030", "2", "niet"]
    gone, new, changed = plans[2]  # a -> c (plans[0]: the example's list -> a): D2 removed, D0 and D4 inserted, D3 afname changed
    assert list(gone) == [1] and list(new) == [0, 4] and list(changed) == [2]
    assert all(len(x) == 0 for x in plans[1] + plans[3] + plans[5])  # a full fill -> the same frame: nothing
    b.model = real
    b.cleanup()
    p.cleanup()


def test_register_columns_fit_their_contents_without_measuring_every_row_per_cell(qgis_iface, session, werkbank,
                                                                                   werkbank_path):
    """The register's columns are fitted once when filled (as wide as ResizeToContents made them) and grow when
    a rewritten cell needs more; a cell write no longer makes Qt measure 1,000 rows of every column (issue 19:
    ~28 ms per cell in the desktop at 6,000 projects)."""
    from qgis.PyQt.QtWidgets import QHeaderView

    from pmiek_werkbank.scoring.decisions import set_status

    p = _example_dock(qgis_iface, session, werkbank, werkbank_path)
    t = p.projects
    header = t.horizontalHeader()
    fitted = [j for j in range(t.columnCount()) if header.sectionResizeMode(j) != QHeaderView.ResizeMode.Stretch]
    assert fitted and all(header.sectionResizeMode(j) == QHeaderView.ResizeMode.Interactive for j in fitted)
    for j in fitted:
        assert t.columnWidth(j) == max(t.sizeHintForColumn(j), header.sectionSizeHint(j))
    status_col = 3
    with session.werkbank() as wb:  # nobody opgenomen: the status column is fitted to 'Kandidaat' on a fill
        set_status(wb, "P1", "kandidaat", None)
    p.refresh(keep_selection=True)
    narrow = t.columnWidth(status_col)
    label = "Opgenomen in pMIEK"
    assert narrow < t.fontMetrics().horizontalAdvance(label)
    with session.werkbank() as wb:
        set_status(wb, "P2", "opgenomen", "test")
    session.emit_rows_changed("projects", ["P2"])
    r = [r for r in range(t.rowCount()) if t.item(r, 0).text() == "P2"][0]
    assert t.item(r, status_col).text() == label
    assert t.columnWidth(status_col) == max(t.sizeHintForColumn(status_col), header.sectionSizeHint(status_col))
    assert t.columnWidth(status_col) > narrow
    p.cleanup()


def test_balance_columns_fit_their_contents_after_a_fill_and_an_edit(qgis_iface, session, werkbank, werkbank_path):
    """The balance table's columns are fitted when filled (as wide as ResizeToContents made them) and still fit
    every cell after an edit rewrote some of them (issue 19: no ResizeToContents measuring 12,000 rows per cell
    written)."""
    from qgis.PyQt.QtWidgets import QHeaderView

    from pmiek_werkbank.dialogs.balance_dock import BalanceDock
    from pmiek_werkbank.scoring.decisions import set_status

    p = _example_dock(qgis_iface, session, werkbank, werkbank_path)
    b = BalanceDock(qgis_iface, session)
    t = b.table
    header = t.horizontalHeader()
    assert all(header.sectionResizeMode(j) == QHeaderView.ResizeMode.Interactive for j in range(t.columnCount()))
    for j in range(t.columnCount()):
        assert t.columnWidth(j) == max(t.sizeHintForColumn(j), header.sectionSizeHint(j))
    before = _cells(t)
    with session.werkbank() as wb:  # P2 afgevallen: its demand leaves its station
        set_status(wb, "P2", "afgevallen", "test: afgevallen")
    session.emit_rows_changed("projects", ["P2"])
    assert _cells(t) != before  # the edit rewrote cells
    for j in range(t.columnCount()):
        assert t.columnWidth(j) >= t.sizeHintForColumn(j)
    p.cleanup()
    b.cleanup()
