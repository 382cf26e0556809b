"""The GeoPackage integrity check (PRAGMA quick_check) runs once per file and process, not on every open.

It runs again when the file changed behind our back (another size/mtime/inode), and on demand
(``open_werkbank(path, check=True)``); our own writes keep the file known good.  A file damaged after it
was checked is still refused with the Dutch message.
"""

import os

import pytest

from pmiek_werkbank.werkbank import open_werkbank, storage
from pmiek_werkbank.werkbank.storage import GeopackageWerkbank, WerkbankError


@pytest.fixture
def traced(monkeypatch):
    """Every SQL statement run by connections GeopackageWerkbank opens."""
    seen = []
    raw = GeopackageWerkbank._raw_connect

    def connect(path, readonly=False):
        conn = raw(path, readonly=readonly)
        conn.set_trace_callback(seen.append)
        return conn

    monkeypatch.setattr(GeopackageWerkbank, "_raw_connect", staticmethod(connect))
    return seen


def _checks(seen):
    return sum(1 for s in seen if "quick_check" in s.lower())


def test_checked_once_then_not_again(werkbank_path, traced):
    storage._KNOWN_GOOD.clear()
    open_werkbank(werkbank_path, readonly=True).close()
    assert _checks(traced) == 1
    for _ in range(3):
        open_werkbank(werkbank_path, readonly=True).close()
        open_werkbank(werkbank_path).close()
    assert _checks(traced) == 1
    open_werkbank(werkbank_path, readonly=True, check=True).close()
    assert _checks(traced) == 2


def test_own_writes_keep_it_known_good(werkbank_path, traced):
    storage._KNOWN_GOOD.clear()
    wb = open_werkbank(werkbank_path)
    wb.write_frame("projects", [{"project_id": "p1", "code": "P-1", "name": "Station Noord",
                                 "status": "kandidaat"}], mode="insert")
    wb.close()
    wb = open_werkbank(werkbank_path, readonly=True)
    assert [r["name"] for r in wb.query("SELECT name FROM projects")] == ["Station Noord"]
    wb.close()
    assert _checks(traced) == 1


def test_changed_behind_our_back_is_checked_again(werkbank_path, traced):
    import sqlite3

    storage._KNOWN_GOOD.clear()
    open_werkbank(werkbank_path, readonly=True).close()
    con = sqlite3.connect(werkbank_path)  # another program writes
    con.execute("UPDATE programme SET name = 'Anders'")
    con.commit()
    con.close()
    st = os.stat(werkbank_path)
    os.utime(werkbank_path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    wb = open_werkbank(werkbank_path, readonly=True)
    assert wb.programme()["name"] == "Anders"
    wb.close()
    assert _checks(traced) == 2


def test_damaged_after_check_is_refused(werkbank_path):
    storage._KNOWN_GOOD.clear()
    open_werkbank(werkbank_path, readonly=True).close()
    with open(werkbank_path, "r+b") as f:  # overwrite pages in the middle of the file
        size = f.seek(0, os.SEEK_END)
        f.seek(size // 2)
        f.write(b"\xff" * 4096)
    with pytest.raises(WerkbankError) as err:
        wb = open_werkbank(werkbank_path, readonly=True)
        wb.read_frame("projects")  # a damage quick_check did not see shows up here at the latest
        wb.close()
    assert "werkbank" in str(err.value).lower() or "geopackage" in str(err.value).lower()
