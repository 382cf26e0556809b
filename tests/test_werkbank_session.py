"""One werkbank connection per desktop session, integrity-checked once (issue 19).

Counts the ``PRAGMA quick_check`` statements and the SQLite connections the storage API really makes (a trace
callback on every connection), through a link edit and a status edit in the projects and balance docks.
Example data of tests/test_balance.py (fictief voorbeeld).
"""

import os
import subprocess
import shutil

import pytest
from test_balance import write_example


@pytest.fixture
def counted(monkeypatch):
    """Every SQLite connection the storage API opens, and the statements it runs."""
    from pmiek_werkbank.werkbank import storage

    seen = {"connections": 0, "statements": []}
    raw = storage.GeopackageWerkbank._raw_connect

    def connect(path, readonly=False):
        conn = raw(path, readonly=readonly)
        seen["connections"] += 1
        conn.set_trace_callback(seen["statements"].append)
        return conn

    monkeypatch.setattr(storage.GeopackageWerkbank, "_raw_connect", staticmethod(connect))
    seen["checks"] = lambda: sum("quick_check" in s.lower() for s in seen["statements"])
    return seen


def _forget_checks():
    from pmiek_werkbank.werkbank import storage

    storage._KNOWN_GOOD.clear()  # as in a fresh QGIS process: the first open checks


def test_link_and_status_edit_open_and_check_once(qgis_iface, session, werkbank, werkbank_path, counted):
    from pmiek_werkbank.dialogs.balance_dock import BalanceDock
    from pmiek_werkbank.dialogs.projects_dock import ProjectsDock
    from pmiek_werkbank.layers.project import add_werkbank_layers
    from pmiek_werkbank.scoring.decisions import set_status

    write_example(werkbank)
    werkbank.close()
    add_werkbank_layers(werkbank_path)
    _forget_checks()
    counted["connections"] = 0
    counted["statements"].clear()
    session.set_werkbank(werkbank_path)
    p = ProjectsDock(qgis_iface, session)
    b = BalanceDock(qgis_iface, session)
    assert p.select_project("P1", zoom=False)
    p.confirm = lambda title, text: True
    p.share.setValue(100)
    for _ in range(2):  # link, unlink, status on, status off: twice
        assert p._link(["D10"]) == 1
        p.links.clearSelection()
        p.links.selectRow([p.links.item(r, 0).data(0x0100) for r in range(p.links.rowCount())].index("D10"))
        assert p.unlink_selected() == 1
        for status, reason in (("opgenomen", "test: opgenomen"), ("kandidaat", None)):
            with session.werkbank() as wb:
                set_status(wb, "P1", status, reason)
            session.dataChanged.emit("projects")
    assert counted["checks"]() == 1  # checked once for the whole session
    assert counted["connections"] == 1  # one connection: every read and write of both docks went through it
    with session.werkbank(readonly=True) as wb:
        assert wb.count("project_links", "project_id = 'P1' AND dev_id = 'D10'") == 0
        assert wb.query("SELECT status FROM projects WHERE project_id = 'P1'")[0]["status"] == "kandidaat"
        assert wb.count("audit_log", "table_name = 'project_links'") >= 4  # two links, two removals audited
    held = session._werkbank._wb
    assert held.conn is not None  # 'with' and close() kept it open
    session.set_werkbank("")  # switching closes the session's connection
    assert held.conn is None
    p.cleanup()
    b.cleanup()


def test_session_werkbank_reopens_a_replaced_file_only(werkbank, werkbank_path, tmp_path, counted):
    from pmiek_werkbank.werkbank import SessionWerkbank, open_werkbank

    write_example(werkbank)
    werkbank.close()
    _forget_checks()
    counted["statements"].clear()
    s = SessionWerkbank()
    first = s.get(werkbank_path)
    assert s.get(werkbank_path, readonly=True) is first and counted["checks"]() == 1
    # another connection writes (as QGIS saving a layer would): same connection, no new check, the row is seen
    other = open_werkbank(werkbank_path, check=False)
    other.execute("UPDATE projects SET name = 'Elders gewijzigd' WHERE project_id = 'P1'")
    other.close()
    assert s.get(werkbank_path) is first and counted["checks"]() == 1
    assert first.query("SELECT name FROM projects WHERE project_id = 'P1'")[0]["name"] == "Elders gewijzigd"
    # the file replaced by another one (a byte copy put back): reopened on the new file and checked again
    copy = str(tmp_path / "kopie.gpkg")
    shutil.copyfile(werkbank_path, copy)
    with open_werkbank(copy, check=False) as wb:
        wb.execute("UPDATE projects SET name = 'Uit de kopie' WHERE project_id = 'P1'")
    os.replace(copy, werkbank_path)
    again = s.get(werkbank_path)
    assert again is not first and first.conn is None
    assert again.query("SELECT name FROM projects WHERE project_id = 'P1'")[0]["name"] == "Uit de kopie"
    assert counted["checks"]() == 2
    s.close()
    assert again.conn is None


def test_session_werkbank_read_only_file(werkbank, werkbank_path):
    from pmiek_werkbank.werkbank import SessionWerkbank, WerkbankError

    werkbank.close()
    os.chmod(werkbank_path, 0o444)
    immutable = False
    if os.access(werkbank_path, os.W_OK):  # root may write a 0444 file: make it immutable instead (CI runs as root)
        immutable = subprocess.run(["chattr", "+i", werkbank_path], capture_output=True).returncode == 0
    try:
        if os.access(werkbank_path, os.W_OK):
            pytest.skip("running as a user that may write read-only files (and chattr +i is not supported here)")
        s = SessionWerkbank()
        wb = s.get(werkbank_path, readonly=True)
        assert wb.readonly and wb.count("projects") == 0
        with pytest.raises(WerkbankError, match="niet schrijfbaar"):
            s.get(werkbank_path)
        s.close()
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", werkbank_path], check=False)
        os.chmod(werkbank_path, 0o644)
