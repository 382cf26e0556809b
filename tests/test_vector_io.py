"""vector_io: pyogrio, fiona and QGIS's own OGR give the same frame for the same file, and write what they read.

The input files are made with GDAL's own ``osgeo.ogr`` (explicit field types, NULLs), openpyxl or as plain
text, so none of the three backends under test made them.  Expected values are written out by hand.
"""

import datetime
import json
import os
import sys

import pytest
from conftest import run_alg

BACKENDS = ("pyogrio", "fiona", "qgis")
# the three features every fixture holds; fid = OGR feature id of the GeoPackage (1-based)
ROWS = [
    # code, n (int, NULL), k (int), big (int64), x (real, NULL), d (date, NULL), dt (datetime), b (bool), wkt
    ("A", 1, 10, 5000000000, 1.5, (2024, 1, 2), (2024, 1, 2, 10, 30, 0), True, "POINT (155000.5 463000)"),
    (None, None, 20, 7, None, None, (2025, 6, 30, 0, 0, 0), False, "POINT (156000 464000.25)"),
    ("C", 3, 30, 9, 2.25, (2025, 12, 31), (2025, 12, 31, 23, 59, 59), True, None),
]


def _use(monkeypatch, backend):
    """Make ``backend`` the one vector_io picks on its own, by hiding the faster ones (as on a user's QGIS)."""
    monkeypatch.delenv("PMIEK_VECTOR_IO", raising=False)
    hide = {"pyogrio": (), "fiona": ("pyogrio",), "qgis": ("pyogrio", "fiona")}[backend]
    for m in hide:
        for name in [n for n in sys.modules if n == m or n.startswith(m + ".")]:
            monkeypatch.delitem(sys.modules, name)
        monkeypatch.setitem(sys.modules, m, None)
    from pmiek_werkbank import vector_io

    assert vector_io.backend() == backend


def _ogr_file(path, driver, layer, types=("code", "n", "k", "big", "x", "d", "dt", "b"), options=()):
    """Write ROWS with GDAL's ogr (not a backend under test), EPSG:28992 points."""
    from osgeo import ogr, osr

    ogr.UseExceptions()
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(28992)
    ds = ogr.GetDriverByName(driver).CreateDataSource(str(path))
    lyr = ds.CreateLayer(layer, srs, ogr.wkbPoint, list(options))
    spec = {"code": ogr.OFTString, "n": ogr.OFTInteger, "k": ogr.OFTInteger, "big": ogr.OFTInteger64,
            "x": ogr.OFTReal, "d": ogr.OFTDate, "dt": ogr.OFTDateTime, "b": ogr.OFTInteger}
    for name in types:
        fd = ogr.FieldDefn(name, spec[name])
        if name == "b" and driver != "ESRI Shapefile":
            fd.SetSubType(ogr.OFSTBoolean)
        lyr.CreateField(fd)
    for row in ROWS:
        feat = ogr.Feature(lyr.GetLayerDefn())
        values = dict(zip(("code", "n", "k", "big", "x", "d", "dt", "b"), row[:8]))
        for name in types:
            v = values[name]
            if v is None:
                feat.SetFieldNull(name)
            elif name == "d":
                feat.SetField(name, v[0], v[1], v[2], 0, 0, 0, 0)
            elif name == "dt":
                feat.SetField(name, *v, 0)
            elif name == "b":
                feat.SetField(name, int(v))
            else:
                feat.SetField(name, v)
        if row[8]:
            feat.SetGeometry(ogr.CreateGeometryFromWkt(row[8]))
        lyr.CreateFeature(feat)
    ds = None
    return str(path)


def _check_rows(df, fids, types=("code", "n", "k", "big", "x", "d", "dt", "b"), bool_is_int=False):
    """df equals the hand-written ROWS at ``fids`` (index = fid), with the dtypes of the module text."""
    import numpy as np
    import pandas as pd

    rows = {1: ROWS[0], 2: ROWS[1], 3: ROWS[2]}
    first = min(fids) if min(fids) == 0 else 1
    picked = [rows[f - first + 1] for f in fids]
    assert df.index.name == "fid" and df.index.tolist() == fids
    assert list(df.columns) == list(types) + ["geometry"]
    col = dict(zip(("code", "n", "k", "big", "x", "d", "dt", "b"), range(8)))
    for name in types:
        vals = [r[col[name]] for r in picked]
        s = df[name]
        if name == "code":
            assert s.dtype == object and s.tolist() == vals  # NULL -> None
        elif name in ("n", "k", "big", "x") or (name == "b" and bool_is_int):
            want = [np.nan if v is None else (int(v) if name == "b" else v) for v in vals]
            if any(v is None for v in vals) or name == "x":
                assert s.dtype == np.float64
                np.testing.assert_array_equal(s.to_numpy(), np.array(want, dtype=float))
            else:
                assert s.dtype == np.int64 and s.tolist() == want
        elif name == "b":
            assert s.dtype == bool and s.tolist() == vals
        else:
            assert s.dtype == "datetime64[ms]"
            want = [pd.NaT if v is None else pd.Timestamp(*v) for v in vals]
            assert s.tolist() == want or [str(a) for a in s.tolist()] == [str(b) for b in want]
    assert [None if g is None else g.wkt for g in df.geometry] == [r[8] for r in picked]
    assert df.crs is not None and df.crs.to_epsg() == 28992


@pytest.mark.parametrize("backend", BACKENDS)
def test_gpkg_with_where_geojson_shapefile(backend, monkeypatch, tmp_path):
    from pmiek_werkbank import vector_io

    gpkg = _ogr_file(tmp_path / "t.gpkg", "GPKG", "t")
    geojson = _ogr_file(tmp_path / "t.geojson", "GeoJSON", "t")
    shp = _ogr_file(tmp_path / "t.shp", "ESRI Shapefile", "t", types=("code", "n", "k", "big", "x", "d", "b"))
    before = open(gpkg, "rb").read()
    _use(monkeypatch, backend)

    _check_rows(vector_io.read_frame(gpkg, fid_as_index=True), [1, 2, 3])
    _check_rows(vector_io.read_frame(gpkg, layer="t", where="k >= 20", fid_as_index=True), [2, 3])
    sub = vector_io.read_frame(gpkg, where="code = 'A'", columns=["k", "x"])
    assert sub.index.tolist() == [0] and list(sub.columns) == ["k", "x", "geometry"] and sub["k"].tolist() == [10]
    # GeoJSON: 0-based ids, the same values (date, date-time and boolean types survive)
    _check_rows(vector_io.read_frame(geojson, fid_as_index=True), [0, 1, 2])
    # Shapefile: no date-time or boolean type in a DBF (b is an integer there)
    _check_rows(vector_io.read_frame(shp, fid_as_index=True), [0, 1, 2],
                types=("code", "n", "k", "big", "x", "d", "b"), bool_is_int=True)
    # no geometry asked: a plain DataFrame with the same attributes
    plain = vector_io.read_frame(gpkg, read_geometry=False)
    assert type(plain).__name__ == "DataFrame" and "geometry" not in plain.columns and plain["k"].tolist() == [10, 20, 30]
    assert vector_io.list_layers(gpkg) == ["t"]
    assert open(gpkg, "rb").read() == before  # reading never writes (QGIS opens a GeoPackage for update)


def _geometries_file(path, driver, layer_type, wkts, srs_epsg=28992):
    from osgeo import ogr, osr

    ogr.UseExceptions()
    srs = None
    if srs_epsg:
        srs = osr.SpatialReference()
        srs.ImportFromEPSG(srs_epsg)
    ds = ogr.GetDriverByName(driver).CreateDataSource(str(path))
    lyr = ds.CreateLayer("g", srs, layer_type)
    lyr.CreateField(ogr.FieldDefn("naam", ogr.OFTString))
    for i, wkt in enumerate(wkts):
        f = ogr.Feature(lyr.GetLayerDefn())
        f.SetField("naam", "g{}".format(i))
        f.SetGeometry(ogr.CreateGeometryFromWkt(wkt))
        lyr.CreateFeature(f)
    ds = None
    return str(path)


SQ = "((0 0, 10 0, 10 10, 0 10, 0 0))"
SQ2 = "((20 0, 30 0, 30 10, 20 10, 20 0))"


@pytest.mark.parametrize("backend", BACKENDS)
def test_geometry_types_as_ogr_gives_them(backend, monkeypatch, tmp_path):
    """QGIS makes every geometry of a multi-typed layer multi; vector_io gives what OGR stores, in every backend."""
    from osgeo import ogr
    from pmiek_werkbank import vector_io

    shp = _geometries_file(tmp_path / "v.shp", "ESRI Shapefile", ogr.wkbPolygon,
                           ["POLYGON " + SQ, "MULTIPOLYGON (" + SQ + ", " + SQ2 + ")"])
    gpkg = _geometries_file(tmp_path / "v.gpkg", "GPKG", ogr.wkbMultiPolygon,
                            ["MULTIPOLYGON (" + SQ + ")", "MULTIPOLYGON (" + SQ + ", " + SQ2 + ")"])
    mixed = _geometries_file(tmp_path / "gemengd.geojson", "GeoJSON", ogr.wkbUnknown,
                             ["GEOMETRYCOLLECTION (POINT (1 2), POLYGON " + SQ + ")", "POLYGON " + SQ, "POINT (3 4)"],
                             srs_epsg=None)
    _use(monkeypatch, backend)

    def wkts(path):
        return [g.wkt for g in vector_io.read_frame(path).geometry]

    assert wkts(shp) == ["POLYGON " + SQ.replace("0 0, 10 0, 10 10, 0 10", "0 0, 0 10, 10 10, 10 0"),
                         "MULTIPOLYGON (" + ", ".join(x.replace("0 0, 10 0, 10 10, 0 10", "0 0, 0 10, 10 10, 10 0")
                                                      .replace("20 0, 30 0, 30 10, 20 10", "20 0, 20 10, 30 10, 30 0")
                                                      for x in (SQ, SQ2)) + ")"]  # shapefile rings run clockwise
    assert wkts(gpkg) == ["MULTIPOLYGON (" + SQ + ")", "MULTIPOLYGON (" + SQ + ", " + SQ2 + ")"]
    df = vector_io.read_frame(mixed, fid_as_index=True)
    assert [g.wkt for g in df.geometry] == ["GEOMETRYCOLLECTION (POINT (1 2), POLYGON " + SQ + ")", "POLYGON " + SQ,
                                            "POINT (3 4)"]
    assert df.crs.to_epsg() == 4326 and df.index.tolist() == [0, 1, 2]  # GeoJSON without crs member: WGS84


@pytest.mark.parametrize("backend", BACKENDS)
def test_csv_xlsx_and_ods_tables(backend, monkeypatch, tmp_path):
    import numpy as np
    import openpyxl
    import pandas as pd
    from pmiek_werkbank import vector_io

    csv = tmp_path / "t.csv"
    csv.write_text("id,naam,waarde\n1,a,2.5\n2,,\n3,c,4\n", encoding="utf-8")
    xlsx = tmp_path / "t.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "blad"
    ws.append(["id", "naam", "waarde", "datum"])
    ws.append([1, "a", 2.5, datetime.date(2024, 1, 2)])
    ws.append([2, None, None, None])
    ws.append([3, "c", 4.75, datetime.date(2025, 12, 31)])
    ws.cell(row=2, column=4).number_format = ws.cell(row=4, column=4).number_format = "yyyy-mm-dd"
    wb.save(xlsx)
    from osgeo import ogr

    ogr.UseExceptions()
    ods = str(tmp_path / "t.ods")
    ds = ogr.GetDriverByName("ODS").CreateDataSource(ods)
    lyr = ds.CreateLayer("blad", None, ogr.wkbNone)
    for name, t in (("id", ogr.OFTInteger), ("naam", ogr.OFTString), ("waarde", ogr.OFTReal)):
        lyr.CreateField(ogr.FieldDefn(name, t))
    for row in ((1, "a", 2.5), (2, None, None), (3, "c", 4.75)):
        f = ogr.Feature(lyr.GetLayerDefn())
        for name, v in zip(("id", "naam", "waarde"), row):
            if v is not None:
                f.SetField(name, v)
        lyr.CreateFeature(f)
    ds = None
    _use(monkeypatch, backend)

    df = vector_io.read_frame(csv, fid_as_index=True)
    assert type(df).__name__ == "DataFrame"  # CSV without geometry: no GeoDataFrame
    assert df.index.tolist() == [1, 2, 3]  # OGR's CSV ids: line number - 1
    assert df.to_dict("list") == {"id": ["1", "2", "3"], "naam": ["a", "", "c"], "waarde": ["2.5", "", "4"]}
    df = vector_io.read_frame(xlsx, layer="blad", fid_as_index=True)
    assert type(df).__name__ == "DataFrame" and list(df.columns) == ["id", "naam", "waarde", "datum"]
    assert df.index.tolist() == [2, 3, 4]  # OGR's XLSX ids: the spreadsheet line
    assert df["id"].dtype == np.int64 and df["id"].tolist() == [1, 2, 3]
    assert df["naam"].tolist() == ["a", None, "c"]
    np.testing.assert_array_equal(df["waarde"].to_numpy(), [2.5, np.nan, 4.75])
    assert df["datum"].dtype == "datetime64[ms]"
    assert df["datum"].tolist()[0] == pd.Timestamp(2024, 1, 2) and pd.isna(df["datum"].tolist()[1])
    assert df["datum"].tolist()[2] == pd.Timestamp(2025, 12, 31)
    assert vector_io.list_layers(xlsx) == ["blad"]
    # ODS (the import reads it through vector_io as well)
    df = vector_io.read_frame(ods, layer="blad", read_geometry=False, fid_as_index=True)
    assert df.index.tolist() == [2, 3, 4] and df["id"].tolist() == [1, 2, 3] and df["naam"].tolist() == ["a", None, "c"]
    np.testing.assert_array_equal(df["waarde"].to_numpy(), [2.5, np.nan, 4.75])


@pytest.mark.parametrize("backend", BACKENDS)
def test_date_times_with_a_time_zone_as_utc(backend, monkeypatch, tmp_path):
    """A GeoPackage date-time with a zone (GDAL tz flag 100 = UTC, 104 = +01:00) is read as UTC, as pyogrio does."""
    import pandas as pd
    from osgeo import ogr
    from pmiek_werkbank import vector_io

    ogr.UseExceptions()
    path = str(tmp_path / "tz.gpkg")
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(path)
    lyr = ds.CreateLayer("t", None, ogr.wkbNone)
    lyr.CreateField(ogr.FieldDefn("dt", ogr.OFTDateTime))
    for v in [(2024, 1, 2, 10, 30, 0, 100), (2024, 6, 2, 10, 30, 0, 104), None]:
        f = ogr.Feature(lyr.GetLayerDefn())
        if v:
            f.SetField("dt", *v)
        lyr.CreateFeature(f)
    ds = None
    _use(monkeypatch, backend)
    got = vector_io.read_frame(path)["dt"]
    utc = [pd.Timestamp("2024-01-02 10:30", tz="UTC"), pd.Timestamp("2024-06-02 09:30", tz="UTC")]
    if backend == "qgis" and getattr(got.dtype, "tz", None) is None:
        # QGIS 3.22's OGR provider drops the zone: the wall-clock times, without one
        assert got.dtype == "datetime64[ms]" and got.tolist()[:2] == [pd.Timestamp("2024-01-02 10:30"),
                                                                       pd.Timestamp("2024-06-02 10:30")]
    else:
        assert str(got.dtype) == "datetime64[ms, UTC]" and got.tolist()[:2] == utc
    assert pd.isna(got.tolist()[2])


def _frame():
    import geopandas as gpd
    import pandas as pd
    import shapely

    return gpd.GeoDataFrame({
        "code": ["A", None, "C"], "k": [10, 20, 30], "x": [1.5, None, 2.25], "b": [True, False, True],
        "dt": pd.to_datetime(["2024-01-02 10:30:00", None, "2025-12-31 23:59:59"]).astype("datetime64[ms]"),
    }, geometry=[shapely.Point(155000.5, 463000), None, shapely.Point(156000, 464000.25)], crs="EPSG:28992")


@pytest.mark.parametrize("backend", BACKENDS)
def test_write_and_read_back(backend, monkeypatch, tmp_path):
    import pandas as pd
    from pmiek_werkbank import vector_io

    _use(monkeypatch, backend)
    gdf = _frame()
    path = str(tmp_path / "uit.gpkg")
    vector_io.write_frame(gdf, path, layer="laag", driver="GPKG", layer_options={"DESCRIPTION": "fictief voorbeeld"})
    vector_io.write_frame(gdf.iloc[:1], path, layer="tweede", driver="GPKG")  # a second layer beside the first
    back = vector_io.read_frame(path, layer="laag")
    pd.testing.assert_frame_equal(back, gdf)
    assert vector_io.read_frame(path, layer="tweede")["code"].tolist() == ["A"]
    assert sorted(vector_io.list_layers(path)) == ["laag", "tweede"]  # the second write kept the first layer
    import sqlite3

    with sqlite3.connect(path) as con:  # the layer option reached GDAL
        assert con.execute("select description from gpkg_contents where table_name = 'laag'").fetchone() == (
            "fictief voorbeeld",)
    # single and multi polygons in one layer: all multi (pyogrio's promote_to_multi), as the werkbank stores them
    import geopandas as gpd
    import shapely

    mixed = gpd.GeoDataFrame({"n": [1, 2]}, geometry=[shapely.from_wkt("POLYGON " + SQ),
                                                      shapely.from_wkt("MULTIPOLYGON (" + SQ + ", " + SQ2 + ")")],
                             crs="EPSG:28992")
    vector_io.write_frame(mixed, path, layer="vlakken", driver="GPKG")
    assert [g.wkt for g in vector_io.read_frame(path, layer="vlakken").geometry] == [
        "MULTIPOLYGON (" + SQ + ")", "MULTIPOLYGON (" + SQ + ", " + SQ2 + ")"]
    # GeoJSON with RFC 7946 (what the exchange package writes): WGS84, no bbox, and read back the same
    gj = str(tmp_path / "uit.geojson")
    vector_io.write_frame(gdf.to_crs(4326), gj, driver="GeoJSON", layer_options={"RFC7946": "YES", "WRITE_BBOX": "NO"})
    doc = json.load(open(gj, encoding="utf-8"))
    assert "bbox" not in doc and "crs" not in doc
    assert [f["properties"]["code"] for f in doc["features"]] == ["A", None, "C"]
    assert doc["features"][1]["geometry"] is None
    lon, lat = doc["features"][0]["geometry"]["coordinates"]
    assert (round(lon, 4), round(lat, 4)) == (5.3872, 52.1552)  # RD origin Amersfoort: 5.38720621 E, 52.15517440 N
    back = vector_io.read_frame(gj).to_crs(28992)
    assert back["k"].tolist() == [10, 20, 30] and back["b"].tolist() == [True, False, True]
    assert back.geometry.iloc[2].distance(gdf.geometry.iloc[2]) < 0.01


def test_forced_backend_and_errors(monkeypatch, tmp_path):
    from pmiek_werkbank import vector_io

    monkeypatch.setenv("PMIEK_VECTOR_IO", "qgis")
    assert vector_io.backend() == "qgis"
    monkeypatch.setenv("PMIEK_VECTOR_IO", "gdal")
    with pytest.raises(vector_io.VectorIOError, match="Onbekende"):
        vector_io.backend()
    monkeypatch.setenv("PMIEK_VECTOR_IO", "fiona")
    monkeypatch.setitem(sys.modules, "fiona", None)
    with pytest.raises(vector_io.VectorIOError, match="fiona is niet beschikbaar"):
        vector_io.backend()
    monkeypatch.setenv("PMIEK_VECTOR_IO", "qgis")
    with pytest.raises(vector_io.VectorIOError, match="geen.gpkg"):
        vector_io.read_frame(str(tmp_path / "geen.gpkg"))


def _developments_file(path):
    """fictief voorbeeld: four developments (RD): three in Utrecht (one without demand), one outside."""
    from osgeo import ogr, osr

    ogr.UseExceptions()
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(28992)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    lyr = ds.CreateLayer("ontwikkelingen", srs, ogr.wkbPolygon)
    for name, t in (("plan_id", ogr.OFTString), ("naam", ogr.OFTString), ("vraag_mw", ogr.OFTReal),
                    ("jaar", ogr.OFTInteger), ("bron", ogr.OFTString)):
        lyr.CreateField(ogr.FieldDefn(name, t))
    rows = [("P-1", "Bedrijventerrein Oost", 4.5, 2028, (140000, 455000)),
            ("P-2", "Woonwijk Zuid", None, 2030, (136500, 455500)),  # no demand: rejected
            ("P-3", "Datacenter", 25.0, None, (150000, 460000)),
            ("P-4", "Buiten de provincie", 3.0, 2027, (90000, 420000))]
    for pid, naam, mw, jaar, (x, y) in rows:
        f = ogr.Feature(lyr.GetLayerDefn())
        f.SetField("plan_id", pid)
        f.SetField("naam", naam)
        f.SetField("bron", "fictief voorbeeld")
        if mw is None:
            f.SetFieldNull("vraag_mw")
        else:
            f.SetField("vraag_mw", mw)
        if jaar is None:
            f.SetFieldNull("jaar")
        else:
            f.SetField("jaar", jaar)
        f.SetGeometry(ogr.CreateGeometryFromWkt(
            "POLYGON (({0} {1}, {2} {1}, {2} {3}, {0} {3}, {0} {1}))".format(x, y, x + 400, y + 300)))
        lyr.CreateFeature(f)
    ds = None
    return str(path)


def _import_developments(werkbank_path, src):
    from pmiek_werkbank.werkbank import open_werkbank

    res = run_alg("pmiek:importdevelopments", {
        "WERKBANK": werkbank_path, "INPUT": src, "FIELD_ID": "plan_id", "FIELD_NAME": "naam",
        "FIELD_DEMAND_MW": "vraag_mw", "FIELD_YEAR": "jaar", "SECTOR": "bedrijventerrein"})
    with open_werkbank(werkbank_path) as wb:
        dev = wb.read_frame("developments")
    cols = ["dev_id", "name", "sector", "year_ready", "demand_mw", "source", "source_id"]
    rows = dev.sort_values("dev_id")[cols + ["geometry"]].reset_index(drop=True)
    return res, rows


def _counting(func, calls):
    def wrapper(*args):
        calls.append(args[0])
        return func(*args)
    return wrapper


def test_real_import_without_pyogrio_and_fiona_equals_the_pyogrio_run(pmiek_provider, tmp_path, monkeypatch):
    import shutil

    import pandas as pd
    from pmiek_werkbank import vector_io
    from pmiek_werkbank.werkbank import create_werkbank

    src = _developments_file(tmp_path / "ontwikkelingen.gpkg")
    empty = str(tmp_path / "leeg.gpkg")
    with create_werkbank(empty, "Test", "Utrecht", province_code="PV26"):
        pass
    results = {}
    for backend in ("pyogrio", "qgis"):
        wb = str(tmp_path / "wb_{}.gpkg".format(backend))
        shutil.copyfile(empty, wb)
        with monkeypatch.context() as m:
            _use(m, backend)
            calls = []
            m.setattr(vector_io, "_read_qgis", _counting(vector_io._read_qgis, calls))
            results[backend] = _import_developments(wb, src)
            # the import really read through QGIS's OGR: the source and the province outline
            assert sorted(os.path.basename(c) for c in calls) == (
                ["ontwikkelingen.gpkg", "provinces.gpkg"] if backend == "qgis" else [])
    (res_p, rows_p), (res_q, rows_q) = results["pyogrio"], results["qgis"]
    # P-2 has no demand (and no units to derive it from), P-4 lies outside Utrecht: both rejected
    assert (res_p["IMPORTED"], res_p["REJECTED"], res_p["INSERTED"]) == (2, 2, 2)
    assert (res_q["IMPORTED"], res_q["REJECTED"], res_q["INSERTED"]) == (2, 2, 2)
    assert rows_p["dev_id"].tolist() == ["P-1", "P-3"] and rows_p["demand_mw"].tolist() == [4.5, 25.0]
    assert rows_p["year_ready"].tolist()[0] == 2028 and pd.isna(rows_p["year_ready"].tolist()[1])  # NULL stays NULL
    pd.testing.assert_frame_equal(rows_q, rows_p)


def test_import_tests_pass_with_qgis_own_ogr():
    """The import tests once more as on a QGIS without pyogrio and fiona (PMIEK_VECTOR_IO=qgis), ~20 s."""
    import subprocess

    from conftest import ROOT

    files = ["tests/test_robust_imports.py", "tests/test_import_layers.py", "tests/test_ingest_pipeline.py"]
    env = dict(os.environ, PMIEK_VECTOR_IO="qgis")
    r = subprocess.run([sys.executable, "-m", "pytest", *files, "-q", "-p", "no:cacheprovider"], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=900)
    tail = r.stdout[-4000:]
    assert r.returncode == 0, tail
    summary = tail.strip().splitlines()[-1]
    assert " passed" in summary and "failed" not in summary and "error" not in summary, summary
    assert int(summary.split(" passed")[0].split()[-1]) >= 40, summary  # the files really ran (42 tests today)


def test_memory_layer_dates_as_a_file_layer_gives_them(tmp_path):
    """layer_to_frame reads a memory layer (also PostGIS, WFS) through vector_io's one feature loop: the same
    frame as for the same rows in a GeoPackage layer - dates and date-times datetime64[ms] (NaT for NULL), not
    text; integers with a NULL float64, text None for NULL."""
    import numpy as np
    import pandas as pd
    from qgis.core import QgsFeature, QgsGeometry, QgsVectorFileWriter, QgsVectorLayer
    from qgis.PyQt.QtCore import QDate, QDateTime, QTime

    from pmiek_werkbank.layers.qgis_io import layer_to_frame

    vl = QgsVectorLayer("Point?crs=EPSG:28992&field=naam:string&field=d:date&field=dt:datetime&field=n:integer",
                        "geheugen", "memory")
    feats = []
    for naam, d, dt, n, wkt in (("a", QDate(2024, 1, 2), QDateTime(QDate(2024, 1, 2), QTime(10, 30, 5)), 7,
                                 "Point (1 2)"), (None, None, None, None, None)):
        f = QgsFeature(vl.fields())
        f.setAttributes([naam, d, dt, n])
        if wkt:
            f.setGeometry(QgsGeometry.fromWkt(wkt))
        feats.append(f)
    assert vl.dataProvider().addFeatures(feats)[0]
    mem = layer_to_frame(vl)
    assert str(mem["d"].dtype) == "datetime64[ms]" and str(mem["dt"].dtype) == "datetime64[ms]"
    assert mem["d"][0] == pd.Timestamp(2024, 1, 2) and pd.isna(mem["d"][1])
    assert mem["dt"][0] == pd.Timestamp(2024, 1, 2, 10, 30, 5) and pd.isna(mem["dt"][1])
    assert mem["naam"].tolist() == ["a", None] and mem["n"][0] == 7 and np.isnan(mem["n"][1])
    assert mem["_row"].tolist() == [1, 2] and [None if g is None else g.wkt for g in mem.geometry] == ["POINT (1 2)",
                                                                                                      None]
    path = str(tmp_path / "zelfde.gpkg")
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = "zelfde"
    err = QgsVectorFileWriter.writeAsVectorFormatV3(vl, path, vl.transformContext(), options)
    assert err[0] == QgsVectorFileWriter.WriterError.NoError, err
    on_file = QgsVectorLayer(path + "|layername=zelfde", "zelfde", "ogr")
    assert on_file.isValid()
    disk = layer_to_frame(on_file)
    cols = ["naam", "d", "dt", "n"]
    assert disk[cols].dtypes.tolist() == mem[cols].dtypes.tolist()
    pd.testing.assert_frame_equal(disk[cols], mem[cols])


@pytest.mark.parametrize("backend", BACKENDS)
def test_layer_without_crs_is_read_without_crs(backend, monkeypatch, tmp_path):
    """GDAL's placeholders for a GeoPackage layer without CRS ("Undefined geographic SRS", srs_id 0, as geopandas
    writes it; "Undefined Cartesian SRS", srs_id -1) are no CRS: an import refuses such a layer
    unless CRS is given, instead of reading RD metres as degrees.  A real CRS stays."""
    import geopandas as gpd
    from osgeo import ogr, osr
    from shapely.geometry import Point

    from pmiek_werkbank import vector_io

    ogr.UseExceptions()
    path = str(tmp_path / "crs.gpkg")
    gpd.GeoDataFrame({"a": [1]}, geometry=[Point(136000, 456000)]).to_file(path, layer="geo", driver="GPKG")
    ds = ogr.Open(path, 1)
    rd = osr.SpatialReference()
    rd.ImportFromEPSG(28992)
    for name, srs in (("cartesisch", None), ("rd", rd)):
        lyr = ds.CreateLayer(name, srs, ogr.wkbPoint)
        f = ogr.Feature(lyr.GetLayerDefn())
        f.SetGeometry(ogr.CreateGeometryFromWkt("POINT (136000 456000)"))
        lyr.CreateFeature(f)
    ds = None
    import sqlite3

    con = sqlite3.connect(path)  # OGR writes srs_id 0 for no SRS; -1 is the spec's other "undefined"
    with con:
        con.execute("UPDATE gpkg_geometry_columns SET srs_id = -1 WHERE table_name = 'cartesisch'")
    info = dict(con.execute("SELECT table_name, srs_id FROM gpkg_geometry_columns").fetchall())
    con.close()
    # srs_id 0 as GDAL 3.6 writes it for no SRS; 99999 ("Undefined SRS") from GDAL 3.10 on (QGIS 3.40/3.44 chroots)
    assert info["geo"] in (0, 99999) and (info["cartesisch"], info["rd"]) == (-1, 28992)
    _use(monkeypatch, backend)
    assert vector_io.read_frame(path, layer="geo").crs is None
    assert vector_io.read_frame(path, layer="cartesisch").crs is None
    assert vector_io.read_frame(path, layer="rd").crs.to_epsg() == 28992
