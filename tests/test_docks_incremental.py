"""Docks follow an edit incrementally and end up as if rebuilt (issue 19).

The balance dock updates only the rows and map features of the stations/knooppunten the model recomputed
after a link or project edit; afterwards its table (text, colour, tooltip), unserved list and map layer must
equal those of a balance dock built anew on the same werkbank.  Example data of tests/test_balance.py
(fictief voorbeeld).
"""

from test_balance import write_example


def _view(dock):
    t = dock.table
    cells = [[(t.item(i, j).text(), t.item(i, j).background().color().name(), t.item(i, j).toolTip())
              if t.item(i, j) is not None else None for j in range(t.columnCount())] for i in range(t.rowCount())]
    unserved = [[dock.unserved.item(i, j).text() for j in range(dock.unserved.columnCount())]
                for i in range(dock.unserved.rowCount())]
    feats = sorted((f["unit_id"], f["year"], f["status"], f["balance_mw"]) for f in dock.layer.getFeatures())
    return sorted(cells, key=lambda r: r[0]), unserved, feats


def test_balance_dock_incremental_equals_rebuilt(qgis_iface, session, werkbank, werkbank_path):
    from pmiek_werkbank.dialogs.balance_dock import BalanceDock
    from pmiek_werkbank.knooppunten.links import add_links, remove_link
    from pmiek_werkbank.layers.project import add_werkbank_layers

    write_example(werkbank)
    add_werkbank_layers(werkbank_path)
    session.set_werkbank(werkbank_path)
    dock = BalanceDock(qgis_iface, session)
    calls = []
    full = dock._refresh_views
    dock._refresh_views = lambda: (calls.append(1), full())[1]
    start = _view(dock)

    def check():
        fresh = BalanceDock(qgis_iface, session)
        assert _view(dock) == _view(fresh)
        fresh.cleanup()

    # a heavy link moves D1 (6 MW at S1) to P1's station S2 from P1's IBN year
    add_links(werkbank, "P1", ["D1"], share_mw=6.0, motivation="test")
    session.dataChanged.emit("project_links")
    assert _view(dock) != start
    check()
    werkbank.execute("UPDATE projects SET ibn_year = 2035 WHERE project_id = 'P1'")
    session.dataChanged.emit("projects")
    check()
    remove_link(werkbank, "P1", "D1")
    session.dataChanged.emit("project_links")
    check()
    assert calls == []  # no full refresh was needed
    dock.cleanup()
