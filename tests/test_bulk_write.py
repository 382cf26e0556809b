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
