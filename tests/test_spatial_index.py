"""Every geometry table of the werkbank has an R-tree (gpkg_rtree_index in gpkg_extensions) that GDAL sees
and that imports and edits keep current (issue 15 item 7)."""

import os
import shutil
import subprocess

import shapely

from pmiek_werkbank.werkbank.schema import TABLES

GEOMETRY_TABLES = sorted(t.name for t in TABLES.values() if t.spatial)


def _ogr_sql(path, sql):
    out = subprocess.run(["ogrinfo", "-ro", "-q", path, "-sql", sql], capture_output=True, text=True, check=True)
    return out.stdout


def _has_index(path, table):
    text = _ogr_sql(path, "SELECT HasSpatialIndex('{}', 'geom')".format(table))
    return "HasSpatialIndex (Integer) = 1" in text


def test_every_geometry_table_has_an_rtree_gdal_sees(werkbank_path):
    assert GEOMETRY_TABLES == ["capacity_areas", "developments", "knooppunten", "projects", "stations"]
    for t in GEOMETRY_TABLES:
        assert _has_index(werkbank_path, t), t
    import sqlite3

    con = sqlite3.connect(werkbank_path)
    ext = {(r[0], r[1], r[2]) for r in con.execute("SELECT table_name, column_name, extension_name FROM gpkg_extensions")}
    con.close()
    assert {(t, "geom", "gpkg_rtree_index") for t in GEOMETRY_TABLES} <= ext


def test_imports_and_edits_keep_the_rtree_current(werkbank_path):
    import geopandas as gpd

    from pmiek_werkbank.layers import importers as I
    from pmiek_werkbank.werkbank import open_werkbank

    def frame(points):
        df = gpd.GeoDataFrame({"plan_id": [p[0] for p in points], "sector": ["wonen"] * len(points),
                               "jaar": [2030] * len(points), "vraag_mw": [1.0] * len(points)},
                              geometry=[shapely.Point(p[1], p[2]) for p in points], crs=28992)
        return df

    with open_werkbank(werkbank_path) as wb:
        I.import_developments(wb, frame([("a", 136000, 456000), ("b", 140000, 450000), ("c", 150000, 460000)]),
                              source_name="p")
        # re-import: 'a' moved, 'c' gone (SYNC deletes it)
        I.import_developments(wb, frame([("a", 137500, 457500), ("b", 140000, 450000)]), source_name="p", sync=True)
        rt = {r["id"]: (r["minx"], r["miny"]) for r in wb.query(
            "SELECT id, minx, miny FROM rtree_developments_geom")}
        fids = {r["dev_id"]: r["fid"] for r in wb.query("SELECT fid, dev_id FROM developments")}
    assert sorted(fids) == ["a", "b"]
    assert rt == {fids["a"]: (137500.0, 457500.0), fids["b"]: (140000.0, 450000.0)}
    # GDAL answers a window query from the index: only 'a' lies in this box
    out = subprocess.run(["ogrinfo", "-ro", "-q", werkbank_path, "developments", "-spat", "137000", "457000",
                          "138000", "458000", "-fields=YES"], capture_output=True, text=True, check=True).stdout
    assert "dev_id (String) = a" in out and "dev_id (String) = b" not in out


def test_an_edit_made_with_gdal_updates_the_rtree(werkbank_path, tmp_path):
    import geopandas as gpd

    from pmiek_werkbank.layers import importers as I
    from pmiek_werkbank.werkbank import open_werkbank

    df = gpd.GeoDataFrame({"plan_id": ["a"], "sector": ["wonen"], "jaar": [2030], "vraag_mw": [1.0]},
                          geometry=[shapely.Point(136000, 456000)], crs=28992)
    with open_werkbank(werkbank_path) as wb:
        I.import_developments(wb, df, source_name="p")
    subprocess.run(["ogrinfo", werkbank_path, "-q", "-sql",
                    "UPDATE developments SET geom = ST_GeomFromText('POINT(139000 455000)', 28992) WHERE dev_id = 'a'"],
                   capture_output=True, text=True, check=True)
    with open_werkbank(werkbank_path) as wb:
        assert [(r["minx"], r["miny"]) for r in wb.query("SELECT minx, miny FROM rtree_developments_geom")] == [
            (139000.0, 455000.0)]


def test_sample_werkbank_has_the_rtrees(sample_dir, tmp_path):
    path = str(tmp_path / "voorbeeld.gpkg")
    shutil.copy(os.path.join(sample_dir, "voorbeeld_werkbank.gpkg"), path)
    for t in GEOMETRY_TABLES:
        assert _has_index(path, t), t


def test_every_geometry_table_keeps_its_rtree_after_an_import_and_an_edit(werkbank_path):
    """Each of the five geometry tables filled by its own import (the one runner), then one row of each moved with
    the plugin's edit path (``update_row``): every R-tree entry is the bounding box of its row's geometry, no entry
    is missing or stale, GDAL still sees the index and finds the moved row in a window query."""
    import geopandas as gpd

    from pmiek_werkbank.ingest.runner import run
    from pmiek_werkbank.werkbank import open_werkbank

    def gdf(rows, geoms):
        return gpd.GeoDataFrame(rows, geometry=geoms, crs=28992)

    def box(x, y, size=200):
        return shapely.box(x, y, x + size, y + size)

    inputs = {
        "capacity_areas": (gdf({"voedingsgebied_id": ["1", "2"], "afname": ["rood", "geel"]},
                               [box(136000, 456000), box(137000, 456000)]), {}),
        "stations": (gdf({"station_id": ["S1", "S2"], "naam": ["Noord", "Zuid"]},
                         [shapely.Point(136100, 456100), shapely.Point(137100, 456100)]), {}),
        "developments": (gdf({"plan_id": ["a", "b"], "sector": ["wonen"] * 2, "jaar": [2030] * 2,
                              "vraag_mw": [1.0, 2.0]}, [shapely.Point(136200, 456200), box(137200, 456200)]), {}),
        "knooppunten": (gdf({"naam": ["Noord", "Zuid"]}, [box(136300, 456300, 500), box(137300, 456300, 500)]),
                        {"name_field": "naam"}),
        "projects": (gdf({"naam": ["Station Noord", "Kabel Zuid"]},
                         [shapely.Point(136400, 456400), shapely.LineString([(137400, 456400), (137900, 456900)])]),
                     {}),
    }
    moved = {}
    with open_werkbank(werkbank_path) as wb:
        for kind, (frame, params) in inputs.items():
            out = run(wb, kind, lambda frame=frame: (frame, "bron"), strict=False, **params)
            assert out.counts["inserted"] == 2, (kind, out.report.errors())
        for table in GEOMETRY_TABLES:
            key = TABLES[table].key
            row = wb.query('SELECT "{}" AS k, row_version FROM "{}" ORDER BY fid LIMIT 1'.format(key, table))[0]
            wb.update_row(table, row["k"], {"geom": shapely.Point(150000, 470000)}, row["row_version"])
            moved[table] = row["k"]
        for table in GEOMETRY_TABLES:
            geoms = wb.read_frame(table).set_index("fid").geometry
            rt = {r["id"]: (r["minx"], r["miny"], r["maxx"], r["maxy"])
                  for r in wb.query('SELECT id, minx, miny, maxx, maxy FROM "rtree_{}_geom"'.format(table))}
            assert rt == {fid: tuple(g.bounds) for fid, g in geoms.items()}, table
            assert len(rt) == 2, table
    for table in GEOMETRY_TABLES:
        assert _has_index(werkbank_path, table), table
        out = subprocess.run(["ogrinfo", "-ro", "-q", werkbank_path, table, "-spat", "149000", "469000", "151000",
                              "471000", "-fields=YES"], capture_output=True, text=True, check=True).stdout
        assert out.count("OGRFeature(") == 1 and "= {}\n".format(moved[table]) in out, (table, out)
