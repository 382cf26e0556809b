"""Robustness corpus for the import algorithms: bad input gets a Dutch message naming row and field,
and never changes the werkbank beyond the valid rows (or not at all when the run fails)."""

import os

import pytest
import shapely
from conftest import run_alg
from helpers import table_digest

PT = shapely.Point(136000, 456000)  # inside Utrecht


def _gdf(rows, geoms, crs=28992):
    import geopandas as gpd

    return gpd.GeoDataFrame(rows, geometry=geoms, crs=crs)


def _report(path):
    with open(path, encoding="utf-8-sig") as f:
        return f.read()


def test_years_negative_and_huge_numbers_are_rejected_per_row(werkbank_path, tmp_path, pmiek_provider):
    src = str(tmp_path / "plannen.gpkg")
    _gdf({"plan_id": ["a", "b", "c", "d", "e"], "sector": ["wonen"] * 5, "jaar": [0, 99999, 2030, 2030, 2031],
          "vraag_mw": [1, 2, 1e12, -3, 4.5]}, [PT] * 5).to_file(src)
    rep = str(tmp_path / "rapport.csv")
    res = run_alg("pmiek:importdevelopments", {"WERKBANK": werkbank_path, "INPUT": src, "REPORT": rep})
    assert (res["IMPORTED"], res["REJECTED"]) == (1, 4)
    text = _report(rep)
    assert "plannen;1;a;jaar;0;jaar 0 ligt buiten 1990–2100;fout" in text
    assert "plannen;2;b;jaar;99999;jaar 99999 ligt buiten 1990–2100" in text
    assert "plannen;3;c;vraag_mw;1000000000000;" in text and "onwaarschijnlijk groot" in text
    assert "plannen;4;d;vraag_mw;-3;waarde -3 is negatief" in text
    from pmiek_werkbank.werkbank import open_werkbank

    with open_werkbank(werkbank_path) as wb:
        devs = wb.read_frame("developments")
    assert list(devs["dev_id"]) == ["e"] and devs["demand_mw"].iloc[0] == 4.5


def test_strict_run_with_bad_row_changes_nothing(werkbank_path, tmp_path, pmiek_provider):
    from qgis.core import QgsProcessingException

    src = str(tmp_path / "plannen.gpkg")
    _gdf({"plan_id": ["a", "b"], "sector": ["wonen", "wonen"], "vraag_mw": ["2,5", "veel"]}, [PT, PT]).to_file(src)
    before = table_digest(werkbank_path)
    with pytest.raises(QgsProcessingException) as e:
        run_alg("pmiek:importdevelopments", {"WERKBANK": werkbank_path, "INPUT": src, "STRICT": True,
                                             "REPORT": str(tmp_path / "r.csv")})
    assert "'veel' is geen getal" in str(e.value) or "'veel' is geen getal" in _report(str(tmp_path / "r.csv"))
    assert table_digest(werkbank_path) == before


@pytest.mark.parametrize("kind", ["empty", "broken", "text"])
def test_unusable_inputs_give_dutch_message_and_no_change(kind, werkbank_path, tmp_path, pmiek_provider):
    from qgis.core import QgsProcessingException

    if kind == "empty":
        src = str(tmp_path / "leeg.gpkg")
        _gdf({"plan_id": ["x"], "sector": ["wonen"]}, [PT]).iloc[:0].to_file(src)
        expect = "leeg"
    elif kind == "broken":
        src = str(tmp_path / "kapot.gpkg")
        with open(src, "wb") as f:
            f.write(b"SQLite format 3\x00" + os.urandom(200))
        expect = "kapot.gpkg"
    else:
        src = str(tmp_path / "notities.gpkg")
        with open(src, "w", encoding="utf-8") as f:
            f.write("dit is geen GeoPackage\n")
        expect = "notities.gpkg"
    before = table_digest(werkbank_path)
    with pytest.raises(QgsProcessingException, match=expect):
        run_alg("pmiek:importdevelopments", {"WERKBANK": werkbank_path, "INPUT": src})
    assert table_digest(werkbank_path) == before


def test_geometry_collection_and_empty_geometry_reported(werkbank_path, tmp_path, pmiek_provider):
    import geopandas as gpd

    src = str(tmp_path / "gemengd.geojson")
    g = gpd.GeoDataFrame({"plan_id": ["m", "n", "o"], "sector": ["wonen"] * 3, "vraag_mw": [1, 1, 1]},
                         geometry=[shapely.GeometryCollection([PT, PT.buffer(50)]), shapely.Polygon(),
                                   PT.buffer(30)], crs=28992).to_crs(4326)
    g.to_file(src, driver="GeoJSON")
    rep = str(tmp_path / "r.csv")
    res = run_alg("pmiek:importdevelopments", {"WERKBANK": werkbank_path, "INPUT": src, "REPORT": rep})
    assert (res["IMPORTED"], res["REJECTED"]) == (1, 2)
    text = _report(rep)
    # rows are the feature ids QGIS shows: a GeoJSON's count from 0 (ingest.reader and layers.qgis_io alike)
    assert "gemengd;0;m;geometrie;GeometryCollection" in text
    assert "gemengd;1;n;geometrie" in text


def test_layer_without_crs_outside_rd_and_wgs84_is_refused(werkbank_path, tmp_path, pmiek_provider):
    from qgis.core import QgsProcessingException

    src = str(tmp_path / "zonder_crs.shp")
    _gdf({"plan_id": ["a"], "sector": ["wonen"], "vraag_mw": [1]}, [shapely.Point(5e6, 5e6)], crs=None).to_file(src)
    before = table_digest(werkbank_path)
    with pytest.raises(QgsProcessingException, match="coördinatenstelsel"):
        run_alg("pmiek:importdevelopments", {"WERKBANK": werkbank_path, "INPUT": src})
    assert table_digest(werkbank_path) == before


def test_rows_are_the_feature_ids_qgis_shows(werkbank_path, tmp_path, pmiek_provider):
    """A layer's report row is its feature id, the same through the algorithm (a QGIS layer) as through the import's
    file reader: a GeoPackage with a gap in its fids names feature 7, not 'row 3'."""
    import sqlite3

    from qgis.core import QgsVectorLayer

    src = str(tmp_path / "gaten.gpkg")
    _gdf({"plan_id": ["a", "b", "x", "y", "c"], "sector": ["wonen"] * 4 + ["ruimtevaart"], "vraag_mw": [1] * 5},
         [PT, PT.buffer(10), PT.buffer(15), PT.buffer(18), PT.buffer(20)], crs=28992).to_file(src, layer="plannen")
    con = sqlite3.connect(src)
    con.execute("DELETE FROM plannen WHERE plan_id IN ('x', 'y')")  # a gap: c keeps fid 5, the third feature
    con.commit()
    con.close()
    layer = QgsVectorLayer(src + "|layername=plannen", "plannen", "ogr")
    assert layer.isValid() and sorted(f.id() for f in layer.getFeatures()) == [1, 2, 5]
    rep = str(tmp_path / "r.csv")
    res = run_alg("pmiek:importdevelopments", {"WERKBANK": werkbank_path, "INPUT": layer, "REPORT": rep})
    assert res["REJECTED"] == 1
    assert "gaten;5;c;sector" in _report(rep), _report(rep)


def test_a_plannummer_is_the_id_and_a_fid_as_id_is_a_warning(werkbank_path, tmp_path, pmiek_provider):
    src = str(tmp_path / "plannen.gpkg")
    _gdf({"Plannummer": ["PL-1"], "sector": ["wonen"], "vraag_mw": [1]}, [PT], crs=28992).to_file(src)
    run_alg("pmiek:importdevelopments", {"WERKBANK": werkbank_path, "INPUT": src})
    from pmiek_werkbank.werkbank import open_werkbank

    with open_werkbank(werkbank_path) as wb:
        assert [r["source_id"] for r in wb.query("SELECT source_id FROM developments")] == ["PL-1"]
    src = str(tmp_path / "zonder_id.gpkg")
    _gdf({"Kenmerk": ["x"], "sector": ["wonen"], "vraag_mw": [1]}, [PT.buffer(5)], crs=28992).to_file(src)
    rep = str(tmp_path / "r.csv")
    run_alg("pmiek:importdevelopments", {"WERKBANK": werkbank_path, "INPUT": src, "REPORT": rep})
    text = _report(rep)
    assert "de feature-id (fid) van de bron is als id gebruikt" in text and ";waarschuwing" in text, text


def test_developments_from_a_table_with_x_and_y(werkbank_path, tmp_path, pmiek_provider):
    """A spreadsheet of plans with x/y columns (RD New) is read as points, as the projectenlijst does; it was
    refused ('de bron heeft geen geometrie').  A row whose x is no number is rejected naming row and field."""
    import openpyxl

    from pmiek_werkbank.werkbank import open_werkbank

    src = str(tmp_path / "plannen.xlsx")
    wbk = openpyxl.Workbook()
    ws = wbk.active
    ws.append(["Plannummer", "sector", "vraag_mw", "X", "Y"])
    ws.append(["XY-1", "wonen", 1.5, PT.x, PT.y])
    ws.append(["XY-2", "wonen", 2, "veel", PT.y])
    wbk.save(src)
    rep = str(tmp_path / "r.csv")
    res = run_alg("pmiek:importdevelopments", {"WERKBANK": werkbank_path, "INPUT": src, "REPORT": rep})
    assert (res["IMPORTED"], res["REJECTED"]) == (1, 1)
    text = _report(rep)
    assert "plannen;3;XY-2;X;veel;x 'veel' is geen getal;fout" in text, text
    assert "Niet gebruikt" not in text
    with open_werkbank(werkbank_path) as wb:
        g = wb.read_frame("developments")
    assert list(g["source_id"]) == ["XY-1"] and g.geometry.iloc[0].equals(PT)


def test_a_voltage_with_its_unit_and_a_date_as_year_are_read(werkbank_path, tmp_path, pmiek_provider):
    """A stations layer whose voltage reads '150 kV' (as OSM and grid operators write it) lost every station
    ('150 kV' is geen getal), and with them every capacity row; a plan's 'jaar gereed' given as a date
    (1-7-2027, or an Excel date cell) was refused as 'geen getal'. The column's own unit after the number and a
    date's year are read; other text is still refused naming row and field."""
    import datetime as dt

    import openpyxl

    from pmiek_werkbank.werkbank import open_werkbank

    stations = str(tmp_path / "stations.gpkg")
    _gdf({"Code": ["S1", "S2", "S3"], "Stationsnaam": ["Graetheide", "Limmel", "Beek"],
          "Spanning": ["150 kV", "110kV", "hoog"]}, [PT, shapely.Point(137000, 457000), shapely.Point(138000, 458000)]
         ).to_file(stations)
    cap = tmp_path / "capaciteit.csv"
    cap.write_text("Station;Jaar;Afname;Teruglevering\nS1;2030;40,5;20\nS2;2030;12;3\n", encoding="utf-8")
    rep = str(tmp_path / "st.csv")
    res = run_alg("pmiek:importstations", {"WERKBANK": werkbank_path, "INPUT": stations, "CAPACITY_TABLE": str(cap),
                                           "REPORT": rep})
    assert (res["IMPORTED"], res["REJECTED"], res["CAPACITY_IMPORTED"]) == (2, 1, 2)
    assert "stations;3;S3;Spanning;hoog;'hoog' is geen getal;fout" in _report(rep)
    src = str(tmp_path / "plannen.xlsx")
    wbk = openpyxl.Workbook()
    ws = wbk.active
    ws.append(["plan_id", "sector", "jaar gereed", "vraag_mw", "X", "Y"])
    ws.append(["D1", "wonen", "1-7-2027", 1, PT.x, PT.y])
    ws.append(["D2", "wonen", dt.datetime(2029, 7, 1), 2, PT.x, PT.y])
    ws.append(["D3", "wonen", "31-02-2026", 3, PT.x, PT.y])
    wbk.save(src)
    rep = str(tmp_path / "ont.csv")
    res = run_alg("pmiek:importdevelopments", {"WERKBANK": werkbank_path, "INPUT": src, "REPORT": rep})
    assert (res["IMPORTED"], res["REJECTED"]) == (2, 1)
    assert "plannen;4;D3;jaar gereed;31-02-2026;'31-02-2026' is geen getal;fout" in _report(rep)
    with open_werkbank(werkbank_path) as wb:
        st = wb.read_frame("stations").set_index("name")
        devs = wb.read_frame("developments").set_index("source_id")
    assert st.loc["Graetheide", "voltage_kv"] == 150 and st.loc["Limmel", "voltage_kv"] == 110
    assert devs.loc["D1", "year_ready"] == 2027 and devs.loc["D2", "year_ready"] == 2029


def _rows_of(report_csv):
    import csv

    with open(report_csv, encoding="utf-8-sig") as f:
        return [(r["rij"], r["bron_id"], r["veld"], r["ernst"]) for r in csv.DictReader(f, delimiter=";")]


def test_empty_rows_are_skipped_and_rows_are_the_lines_of_a_table_file(werkbank_path, tmp_path, pmiek_provider):
    """Limburg trial: a CSV read as a layer made its ';;;;' line a rejected row with 4 errors, where the table
    imports skip it, and named ONT-102 on line 4 'rij 3' (GDAL's feature id). Every import skips a fully empty row
    and says so; a CSV or XLSX layer is named by its spreadsheet row, as the table imports name it."""
    import openpyxl

    src = tmp_path / "lijst.csv"
    src.write_text("Plan ID;Sector;Vraag (MW);X;Y\n"
                   "ONT-101;wonen;1;136000;456000\n"
                   ";;;;\n"
                   "ONT-102;wonen;veel;136100;456000\n"
                   "\n"
                   "ONT-103;ruimtevaart;2;136200;456000\n", encoding="utf-8")
    rep = str(tmp_path / "r.csv")
    res = run_alg("pmiek:importdevelopments", {"WERKBANK": werkbank_path, "INPUT": str(src), "REPORT": rep})
    assert (res["IMPORTED"], res["REJECTED"]) == (1, 2)
    errors = [r[:3] for r in _rows_of(rep) if r[3] == "fout"]
    assert errors == [("4", "ONT-102", "Vraag (MW)"), ("6", "ONT-103", "Sector")], errors
    html = str(tmp_path / "r.html")
    run_alg("pmiek:importdevelopments", {"WERKBANK": werkbank_path, "INPUT": str(src), "REPORT": html})
    assert "2 lege rij(en) overgeslagen (rij 3, 5)" in _report(html)

    # the same rows from a sheet read as a layer: GDAL's XLSX keeps the empty row, the import skips it
    xlsx = str(tmp_path / "lijst.xlsx")
    wbk = openpyxl.Workbook()
    ws = wbk.active
    for r in (["Plan ID", "Sector", "Vraag (MW)", "X", "Y"], ["ONT-101", "wonen", 1, 136000, 456000],
              [None] * 5, ["ONT-102", "wonen", "veel", 136100, 456000]):
        ws.append(r)
    wbk.save(xlsx)
    rep = str(tmp_path / "x.csv")
    res = run_alg("pmiek:importdevelopments", {"WERKBANK": werkbank_path, "INPUT": xlsx, "REPORT": rep})
    assert (res["IMPORTED"], res["REJECTED"]) == (1, 1)
    assert [r[:3] for r in _rows_of(rep) if r[3] == "fout"] == [("4", "ONT-102", "Vraag (MW)")]

    # a table import of the same kind of file: the same row numbers and the same note
    projects = tmp_path / "projecten.csv"
    projects.write_text("Projectnr;Projectnaam;ibn_jaar\nZP-1;Batterij Oost;2030\n;;\nZP-2;Laadplein;nooit\n",
                        encoding="utf-8")
    rep = str(tmp_path / "p.csv")
    res = run_alg("pmiek:importprojects", {"WERKBANK": werkbank_path, "INPUT": str(projects), "REPORT": rep})
    assert (res["INSERTED"], res["REJECTED"]) == (1, 1)
    assert [r[0] for r in _rows_of(rep) if r[3] == "fout"] == ["4"]
    html = str(tmp_path / "p.html")
    run_alg("pmiek:importprojects", {"WERKBANK": werkbank_path, "INPUT": str(projects), "REPORT": html})
    assert "1 lege rij(en) overgeslagen (rij 3)" in _report(html)


def test_an_import_warns_of_no_deprecated_qgis_api(werkbank_path, tmp_path, pmiek_provider):
    """QGIS 3.44 printed a DeprecationWarning for parameterAsFields on every import (a FIELD_ parameter left
    empty): none of the plugin's own calls warns (on 3.22 nothing is deprecated; the matrix runs this on 3.44)."""
    import warnings

    src = str(tmp_path / "plannen.gpkg")
    _gdf({"plan_id": ["a"], "sector": ["wonen"], "vraag_mw": [1.0]}, [PT]).to_file(src)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = run_alg("pmiek:importdevelopments", {"WERKBANK": werkbank_path, "INPUT": src,
                                                   "REPORT": str(tmp_path / "r.csv")})
    assert res["IMPORTED"] == 1
    ours = [str(w.message) for w in caught if issubclass(w.category, DeprecationWarning)
            and "pmiek_werkbank" in str(w.filename)]
    assert ours == []
