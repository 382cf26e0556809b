"""A bulk insert (issue 19 item 4) fills the R-tree once after the INSERT instead of through the per-row trigger:
the werkbank afterwards is the same as with the trigger (same R-tree rows, same audit rows, trigger back, file
valid for SQLite and GDAL)."""

import shutil
import sqlite3
import subprocess

import geopandas as gpd
import shapely

from pmiek_werkbank.werkbank import open_werkbank
from pmiek_werkbank.werkbank.storage import GeopackageWerkbank


def _frame(n, offset=0):
    # every 7th geometry empty, every 11th missing: the trigger leaves both out of the R-tree
    geoms = []
    for i in range(n):
        if i % 11 == 3:
            geoms.append(None)
        elif i % 7 == 5:
            geoms.append(shapely.Polygon())
        else:
            x, y = 130000 + 10 * i, 450000 + 5 * i
            geoms.append(shapely.box(x, y, x + 20 + i % 4, y + 30))
    return gpd.GeoDataFrame({"dev_id": ["d{}".format(i + offset) for i in range(n)], "sector": ["wonen"] * n,
                             "demand_mw": [0.5 + i for i in range(n)]}, geometry=geoms, crs=28992)


def _contents(path):
    con = sqlite3.connect(path)
    try:
        rtree = con.execute("SELECT d.dev_id, r.minx, r.maxx, r.miny, r.maxy FROM rtree_developments_geom r "
                            "JOIN developments d ON d.fid = r.id ORDER BY d.dev_id").fetchall()
        audit = con.execute("SELECT table_name, row_key, action, changed_by, old_values, new_values FROM audit_log "
                            "WHERE table_name = 'developments' ORDER BY fid").fetchall()
        rows = con.execute("SELECT fid, dev_id, sector, demand_mw, geom FROM developments ORDER BY fid").fetchall()
        trig = con.execute("SELECT sql FROM sqlite_master WHERE name = 'rtree_developments_geom_insert'").fetchone()
        check = con.execute("PRAGMA integrity_check").fetchall()
    finally:
        con.close()
    return rtree, audit, rows, trig, check


def test_bulk_insert_gives_the_same_werkbank_as_the_trigger(werkbank_path, monkeypatch, tmp_path):
    per_row = str(tmp_path / "per_row.gpkg")
    shutil.copyfile(werkbank_path, per_row)
    n = 60
    monkeypatch.setattr(GeopackageWerkbank, "BULK_ROWS", 50)
    with open_werkbank(werkbank_path) as wb:
        wb.write_frame("developments", _frame(n), user="tester")
        wb.write_frame("developments", _frame(55, offset=n), user="tester")  # a second bulk into a filled table
    monkeypatch.setattr(GeopackageWerkbank, "BULK_ROWS", 10 ** 9)  # the per-row trigger only
    with open_werkbank(per_row) as wb:
        wb.write_frame("developments", _frame(n), user="tester")
        wb.write_frame("developments", _frame(55, offset=n), user="tester")
    bulk, trig = _contents(werkbank_path), _contents(per_row)
    assert bulk == trig
    rtree, audit, rows, trigger, check = bulk
    # 115 rows, of which missing: i % 11 == 3, empty: i % 7 == 5 (not missing) -> counted by hand per batch
    left_out = lambda m: sum(1 for i in range(m) if i % 11 == 3 or i % 7 == 5)  # noqa: E731
    assert len(rows) == 115 and len(rtree) == 115 - left_out(60) - left_out(55)
    assert rtree[0] == ("d0", 130000.0, 130020.0, 450000.0, 450030.0)
    assert len(audit) == 115 and audit[0][:4] == ("developments", "d0", "insert", "tester")
    assert trigger is not None and "ST_MinX" in trigger[0]
    assert check == [("ok",)]
    # GDAL sees the index and finds d0 only in its own window
    out = subprocess.run(["ogrinfo", "-ro", "-q", werkbank_path, "developments", "-spat", "130001", "450001",
                          "130002", "450002"], capture_output=True, text=True, check=True).stdout
    assert "dev_id (String) = d0" in out and "d1\n" not in out
    # and the trigger works again for the next (small) insert
    with open_werkbank(werkbank_path) as wb:
        wb.write_frame("developments", _frame(1, offset=500), user="tester")
        got = wb.query("SELECT r.minx FROM rtree_developments_geom r JOIN developments d ON d.fid = r.id "
                       "WHERE d.dev_id = 'd500'")
    assert got == [{"minx": 130000.0}]


def _gappy_frame(n, offset=0):
    # name missing in every 4th row, year_ready in every 5th (NaN), note and station_id empty in every row, a
    # numpy int column, and a date column (Timestamps, converted value by value)
    import numpy as np
    import pandas as pd

    frame = _frame(n, offset)
    frame["name"] = [None if i % 4 == 1 else "Plan {}".format(i) for i in range(n)]
    frame["year_ready"] = [np.nan if i % 5 == 2 else 2025.0 + i % 10 for i in range(n)]
    frame["note"] = [None] * n
    frame["station_id"] = [np.nan] * n
    frame["dwellings"] = np.arange(n, dtype=np.int64) * 3
    frame["source"] = pd.to_datetime(["2026-01-{:02d}".format(1 + i % 28) for i in range(n)])
    return frame


def test_bulk_insert_with_gaps_and_empty_columns_gives_the_same_werkbank(werkbank_path, monkeypatch, tmp_path):
    """Columns empty in every new row are left out of the INSERT and the audit members; a column with gaps makes
    the audit drop its nulls: bulk and per-row paths still agree cell for cell and audit row for audit row."""
    per_row = str(tmp_path / "per_row.gpkg")
    shutil.copyfile(werkbank_path, per_row)
    for path, bulk in ((werkbank_path, 50), (per_row, 10 ** 9)):
        monkeypatch.setattr(GeopackageWerkbank, "BULK_ROWS", bulk)
        with open_werkbank(path) as wb:
            wb.write_frame("developments", _gappy_frame(60), user="tester")
            wb.write_frame("developments", _frame(55, offset=60), user="tester")  # no gaps: no json_patch
    got = {}
    for path in (werkbank_path, per_row):
        con = sqlite3.connect(path)
        try:
            cols = [r[1] for r in con.execute("PRAGMA table_info(developments)") if r[1] != "modified"]
            rows = con.execute("SELECT {} FROM developments ORDER BY fid".format(
                ", ".join('"{}"'.format(c) for c in cols))).fetchall()
            audit = con.execute("SELECT row_key, new_values FROM audit_log WHERE table_name = 'developments' "
                                "ORDER BY fid").fetchall()
        finally:
            con.close()
        got[path] = (cols, rows, audit)
    assert got[werkbank_path] == got[per_row]
    cols, rows, audit = got[werkbank_path]
    row = dict(zip(cols, rows[1]))  # i = 1: no name, a year
    assert row["name"] is None and row["year_ready"] == 2026 and row["note"] is None and row["dwellings"] == 3
    assert row["source"].startswith("2026-01-02")
    assert dict(zip(cols, rows[2]))["year_ready"] is None  # i = 2: NaN -> NULL
    import json

    members = json.loads(audit[1][1])
    assert "name" not in members and "note" not in members and "station_id" not in members
    assert members["dev_id"] == "d1" and members["year_ready"] == 2026 and members["dwellings"] == 3
    assert members["geom"].startswith("POLYGON (5 coördinaten, sha1 ")
    assert "year_ready" not in json.loads(audit[2][1])
    assert len(audit) == 115


def test_an_empty_column_with_a_default_is_still_written_as_null(werkbank_path):
    """A column left out of the INSERT would get its DEFAULT; one that has a DEFAULT is therefore always named, so
    an explicit empty value stays what it was (here: refused by NOT NULL, not silently 'kandidaat')."""
    import pandas as pd

    from pmiek_werkbank.werkbank.storage import WerkbankError

    frame = pd.DataFrame({"project_id": ["P1", "P2"], "name": ["Een", "Twee"], "status": [None, None]})
    with open_werkbank(werkbank_path) as wb:
        try:
            wb.write_frame("projects", frame, user="tester")
        except (sqlite3.IntegrityError, WerkbankError) as e:
            assert "status" in str(e)
        else:
            raise AssertionError("a project without status was written")
        assert wb.query("SELECT count(*) AS n FROM projects") == [{"n": 0}]


def test_bulk_insert_in_chunks_keeps_order_and_fids_and_refuses_a_bad_row_whole(werkbank_path, monkeypatch,
                                                                                tmp_path):
    """The bulk INSERT runs 500 rows per statement: 1,234 rows (two full chunks and a rest) get the same fids and
    values as row by row; one bad row in the second chunk refuses the whole write."""
    per_row = str(tmp_path / "per_row.gpkg")
    bad_path = str(tmp_path / "bad.gpkg")
    shutil.copyfile(werkbank_path, per_row)
    shutil.copyfile(werkbank_path, bad_path)
    frame = _gappy_frame(1234)
    for path, bulk in ((werkbank_path, 50), (per_row, 10 ** 9)):
        monkeypatch.setattr(GeopackageWerkbank, "BULK_ROWS", bulk)
        with open_werkbank(path) as wb:
            wb.write_frame("developments", frame, user="tester")
    got = []
    for path in (werkbank_path, per_row):
        con = sqlite3.connect(path)
        try:
            got.append(con.execute("SELECT fid, dev_id, name, year_ready, dwellings, geom FROM developments "
                                   "ORDER BY fid").fetchall())
        finally:
            con.close()
    assert got[0] == got[1] and len(got[0]) == 1234
    assert [r[1] for r in got[0][:3]] == ["d0", "d1", "d2"] and got[0][-1][1] == "d1233"
    assert [r[0] for r in got[0]] == list(range(1, 1235))
    bad = frame.copy()
    bad.loc[733, "sector"] = "geen sector"  # CHECK constraint, in the second chunk of 500
    monkeypatch.setattr(GeopackageWerkbank, "BULK_ROWS", 50)
    with open_werkbank(bad_path) as wb:
        try:
            wb.write_frame("developments", bad, user="tester")
        except Exception as e:  # noqa: BLE001 - whatever the driver raises, nothing may be written
            assert "sector" in str(e) or "CHECK" in str(e)
        else:
            raise AssertionError("a row with an unknown sector was written")
        assert wb.query("SELECT count(*) AS n FROM developments") == [{"n": 0}]
        assert wb.query("SELECT count(*) AS n FROM audit_log WHERE table_name = 'developments'") == [{"n": 0}]
        assert wb.query("SELECT count(*) AS n FROM rtree_developments_geom") == [{"n": 0}]


def test_fingerprints_name_type_coordinates_and_hash_per_row():
    """The audit's geometry fingerprint of every row: its own type, its own number of coordinates and the sha1 of its
    own blob, also when rows of different types and sizes alternate (the texts are shared per (type, count))."""
    import hashlib

    from pmiek_werkbank.werkbank import gpkg_geometry
    from pmiek_werkbank.werkbank.storage import _geom_fingerprints

    geoms = [shapely.box(0, 0, 1, 1), shapely.Point(150000.12345, 400000), shapely.box(0, 0, 2, 2),
             shapely.Polygon([(0, 0), (4, 0), (4, 4), (2, 6), (0, 4)]), None, shapely.Polygon(),
             shapely.MultiPolygon([shapely.box(0, 0, 1, 1), shapely.box(5, 5, 6, 6)]), shapely.box(3, 3, 4, 4)]
    blobs = gpkg_geometry.encode(geoms, 28992)
    got = _geom_fingerprints(geoms, blobs)

    def sha(i):
        return hashlib.sha1(bytes(blobs[i])).hexdigest()[:12]

    assert got[0] == "POLYGON (5 coördinaten, sha1 {})".format(sha(0))
    assert got[1] == "POINT (150000.123 400000)"
    assert got[2] == "POLYGON (5 coördinaten, sha1 {})".format(sha(2)) and sha(2) != sha(0)
    assert got[3] == "POLYGON (6 coördinaten, sha1 {})".format(sha(3))
    assert got[4] is None
    assert got[5] == "POLYGON (0 coördinaten, sha1 {})".format(sha(5))
    assert got[6] == "MULTIPOLYGON (10 coördinaten, sha1 {})".format(sha(6))
    assert got[7] == "POLYGON (5 coördinaten, sha1 {})".format(sha(7))
