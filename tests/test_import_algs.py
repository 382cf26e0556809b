"""The import algorithms through Processing (and once through qgis_process.bin) with real open data.

The fixture werkbank is for the province of Utrecht (PV26).  Hand counts:
- CBS municipalities: 343 rows, 26 in Utrecht (README of shared/data) -> 26 imported, 317 rejected.
- OSM substations: 346 points, 12 inside the generalised Utrecht polygon, 3 of them without a name.
"""

import json
import os
import subprocess

import pytest
from conftest import BUILD, run_alg
from helpers import table_digest

FICTIEF = "fictief voorbeeld"


@pytest.fixture(scope="module")
def gemeenten_wgs84(shared_data, tmp_path_factory):
    import geopandas as gpd

    gdf = gpd.read_file(os.path.join(shared_data, "cbs_gemeenten.gpkg"))
    path = str(tmp_path_factory.mktemp("gem") / "gemeenten_wgs84.geojson")
    gdf.to_crs(4326).to_file(path, driver="GeoJSON")
    return path


def _long_csv(path):
    # fictief voorbeeld: station limits per year (semicolon, decimal comma as Dutch Excel writes them)
    with open(path, "w", encoding="utf-8") as f:
        f.write("station;jaar;afname;teruglevering;bron\n"
                "388;2025;40;20;{f}\n"
                "388;2030;55,5;25;{f}\n"
                "392;2025;80;30;{f}\n"
                "392;2030;100;45;{f}\n"
                "356;2030;12;6;{f}\n"
                "9999;2030;10;5;{f}\n".format(f=FICTIEF))
    return path


def _wide_xlsx(path):
    import pandas as pd

    pd.DataFrame({"station": [388, 489, "X1"], "afname_2025": [41, 30, 5], "teruglevering_2025": [20, 10, 5],
                  "afname_2030": [56, None, 5], "teruglevering_2030": [25, None, 5]}).to_excel(path, index=False)
    return path


def test_provider_lists_import_algorithms_with_help(pmiek_provider):
    algs = {a.id(): a for a in pmiek_provider.algorithms()}
    for name in ("pmiek:importcapacitymap", "pmiek:importstations", "pmiek:importdevelopments"):
        assert name in algs
        alg = algs[name]
        help_text = alg.shortHelpString()
        for p in alg.parameterDefinitions():
            assert p.name() + ":" in help_text, "{}: parameter {} niet in de help".format(name, p.name())
        outs = {o.name() for o in alg.outputDefinitions()}
        assert {"IMPORTED", "REJECTED", "REPORT"} <= outs
    params = {p.name() for p in algs["pmiek:importdevelopments"].parameterDefinitions()}
    assert {"WERKBANK", "INPUT", "FIELD_ID", "FIELD_NAME", "FIELD_SECTOR", "FIELD_YEAR", "FIELD_DEMAND_MW",
            "FIELD_SUPPLY_MW", "FIELD_UNITS", "SECTOR"} <= params
    assert "CAPACITY_TABLE" in {p.name() for p in algs["pmiek:importstations"].parameterDefinitions()}
    assert "PEILDATUM" in {p.name() for p in algs["pmiek:importcapacitymap"].parameterDefinitions()}


def test_developments_from_municipalities(pmiek_provider, werkbank_path, gemeenten_wgs84, shared_data, tmp_path):
    import geopandas as gpd
    from pmiek_werkbank.werkbank import open_werkbank

    report = str(tmp_path / "rapport.html")
    params = {"WERKBANK": werkbank_path, "INPUT": gemeenten_wgs84, "FIELD_ID": "gemeentecode",
              "FIELD_UNITS": "aantalHuishoudens", "SECTOR": "wonen", "REPORT": report}
    res = run_alg("pmiek:importdevelopments", params)
    assert (res["IMPORTED"], res["REJECTED"]) == (26, 317)
    assert res["IMPORTED"] + res["REJECTED"] == 343
    assert (res["INSERTED"], res["UPDATED"], res["UNCHANGED"]) == (26, 0, 0)
    assert res["REPORT"] == report
    html = open(report, encoding="utf-8").read()
    assert "ligt buiten de provincie Utrecht" in html and "Invoerrijen: 343" in html
    src = gpd.read_file(os.path.join(shared_data, "cbs_gemeenten.gpkg"))
    utrecht = src[src.provincie == "Utrecht"]
    with open_werkbank(werkbank_path) as wb:
        dev = wb.read_frame("developments")
    assert sorted(dev.dev_id) == sorted(utrecht.gemeentecode)
    assert dev.demand_mw.sum() == pytest.approx(0.002 * utrecht.aantalHuishoudens.sum())
    assert set(dev.source) == {"gemeenten_wgs84"} and set(dev.sector) == {"wonen"}
    # re-import: nothing changes
    before = table_digest(werkbank_path)
    res2 = run_alg("pmiek:importdevelopments", params)
    assert (res2["IMPORTED"], res2["UNCHANGED"], res2["INSERTED"], res2["UPDATED"]) == (26, 26, 0, 0)
    assert table_digest(werkbank_path) == before


def test_wrong_field_and_broken_file_leave_werkbank_unchanged(pmiek_provider, werkbank_path, gemeenten_wgs84,
                                                              tmp_path):
    from qgis.core import QgsProcessingException

    before = table_digest(werkbank_path)
    with pytest.raises(QgsProcessingException, match="veld 'gemeentenummer' .*bestaat niet"):
        run_alg("pmiek:importdevelopments", {"WERKBANK": werkbank_path, "INPUT": gemeenten_wgs84,
                                             "FIELD_ID": "gemeentenummer", "SECTOR": "wonen"})
    bad = tmp_path / "kapot.gpkg"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    with pytest.raises(QgsProcessingException, match="kapot.gpkg"):
        run_alg("pmiek:importdevelopments", {"WERKBANK": werkbank_path, "INPUT": str(bad), "SECTOR": "wonen"})
    assert table_digest(werkbank_path) == before


def test_non_numeric_value_strict(pmiek_provider, werkbank_path, tmp_path):
    import geopandas as gpd
    from qgis.core import QgsProcessingException
    from shapely.geometry import Point

    path = str(tmp_path / "ontwikkelingen.gpkg")
    gpd.GeoDataFrame({"id": ["W-001", "W-002"], "sector": ["wonen", "zon"], "supply_mw": ["3", "veel"]},
                     geometry=[Point(136000, 456000), Point(140000, 455000)], crs=28992).to_file(path)
    before = table_digest(werkbank_path)
    with pytest.raises(QgsProcessingException,
                       match=r"ontwikkelingen, rij 2 \(id W-002\), veld 'supply_mw': 'veel' is geen getal"):
        run_alg("pmiek:importdevelopments", {"WERKBANK": werkbank_path, "INPUT": path, "STRICT": True})
    assert table_digest(werkbank_path) == before


def test_stations_with_long_and_wide_capacity_tables(pmiek_provider, werkbank_path, shared_data, tmp_path):
    from pmiek_werkbank.werkbank import open_werkbank

    stations = os.path.join(shared_data, "osm_hv_substations.gpkg")
    csv = _long_csv(str(tmp_path / "limieten.csv"))
    report = str(tmp_path / "stations.csv")
    res = run_alg("pmiek:importstations", {"WERKBANK": werkbank_path, "INPUT": stations, "CAPACITY_TABLE": csv,
                                           "PEILDATUM": "2026-03-01", "REPORT": report,
                                           "TOLERANCE": 0})
    assert (res["IMPORTED"], res["REJECTED"]) == (12, 334)  # exact province border (TOLERANCE 0)
    assert (res["CAPACITY_IMPORTED"], res["CAPACITY_REJECTED"]) == (5, 1)
    with open_werkbank(werkbank_path) as wb:
        st = wb.read_frame("stations").set_index("station_id")
        cap = wb.read_frame("station_capacity")
    assert len(st) == 12
    assert st.loc["388", "name"] == "150kV Breukelen" and st.loc["388", "voltage_level"] == "HS"
    assert st.loc["388", "voltage_kv"] == 150.0 and st.loc["388", "netbeheerder"] == "Tennet"
    assert st.loc["417", "name"] == "Station 417"  # no name in OSM: filled in and reported
    assert set(st.peildatum) == {"2026-03-01"} and set(st.source) == {"osm_hv_substations"}
    c = {(r.station_id, r.year): (r.afname_mw, r.teruglevering_mw) for r in cap.itertuples()}
    assert c == {("388", 2025): (40, 20), ("388", 2030): (55.5, 25), ("392", 2025): (80, 30),
                 ("392", 2030): (100, 45), ("356", 2030): (12, 6)}
    assert set(cap.source) == {FICTIEF}
    text = open(report, encoding="utf-8-sig").read()
    assert "onbekend station '9999'" in text and "limieten;7;9999;station" in text
    assert text.count("naam ontbreekt") == 3

    # wide XLSX: updates 388 (2025: 40 -> 41, 2030: 55.5 -> 56), adds 489/2025, rejects X1
    xlsx = _wide_xlsx(str(tmp_path / "limieten_breed.xlsx"))
    res = run_alg("pmiek:importstations", {"WERKBANK": werkbank_path, "INPUT": stations, "CAPACITY_TABLE": xlsx,
                                           "PEILDATUM": "2026-03-01", "TOLERANCE": 0})
    assert (res["IMPORTED"], res["UNCHANGED"]) == (12, 12)
    assert (res["CAPACITY_IMPORTED"], res["CAPACITY_REJECTED"]) == (2, 1)
    with open_werkbank(werkbank_path) as wb:
        cap = wb.read_frame("station_capacity")
    c = {(r.station_id, r.year): (r.afname_mw, r.teruglevering_mw) for r in cap.itertuples()}
    assert len(c) == 6 and c[("388", 2025)] == (41, 20) and c[("388", 2030)] == (56, 25)
    assert c[("489", 2025)] == (30, 10) and ("489", 2030) not in c
    # the same table again: unchanged
    before = table_digest(werkbank_path)
    run_alg("pmiek:importstations", {"WERKBANK": werkbank_path, "INPUT": stations, "CAPACITY_TABLE": xlsx,
                                     "PEILDATUM": "2026-03-01", "TOLERANCE": 0})
    assert table_digest(werkbank_path) == before


def test_unrecognised_capacity_table_aborts_everything(pmiek_provider, werkbank_path, shared_data, tmp_path):
    from qgis.core import QgsProcessingException

    bad = tmp_path / "tabel.csv"
    bad.write_text("station;wat;anders\n388;1;2\n", encoding="utf-8")
    before = table_digest(werkbank_path)
    with pytest.raises(QgsProcessingException, match="tabel: capaciteitstabel niet herkend"):
        run_alg("pmiek:importstations", {"WERKBANK": werkbank_path, "CAPACITY_TABLE": str(bad),
                                         "INPUT": os.path.join(shared_data, "osm_hv_substations.gpkg")})
    assert table_digest(werkbank_path) == before


def _capacity_map(path):
    """A generated (fictitious) capacity map in the NBNL feed's field names: 11 rows, 6 valid."""
    import geopandas as gpd
    from shapely.geometry import box

    rows = []
    for k in range(6):
        x, y = 130000 + (k % 3) * 6000, 450000 + (k // 3) * 6000
        rows.append({"voedingsgebied_id": "VG-{}".format(k + 1), "voedingsgebied_naam": "Gebied {} ({})".format(
            k + 1, FICTIEF), "RNB": "Stedin", "afname": [0, 1, 2, 3, 3, 7][k], "opwek": ["rood", "Rood", "geel",
            "oranje", "Tekort, met wachtrij", "transparant"][k], "wachtrij_afname": 10.0 * k,
            "wachtrij_invoeding": 5.0, "unieke_verzoeken_afname": k, "geometry": box(x, y, x + 5000, y + 5000)})
    rows.append(dict(rows[0], voedingsgebied_id="VG-GRONINGEN", geometry=box(230000, 580000, 235000, 585000)))
    rows.append(dict(rows[1], voedingsgebied_id="VG-DUBBEL"))
    rows.append(dict(rows[2], voedingsgebied_id="VG-DUBBEL"))
    rows.append(dict(rows[3], voedingsgebied_id="VG-NEG", wachtrij_afname=-4.0))
    rows.append(dict(rows[4], voedingsgebied_id="VG-LEEG", geometry=None))
    gpd.GeoDataFrame(rows, geometry="geometry", crs=28992).to_file(path, layer="capaciteitskaart_afname")
    return path


def test_capacity_map(pmiek_provider, werkbank_path, tmp_path):
    from pmiek_werkbank.werkbank import open_werkbank

    path = _capacity_map(str(tmp_path / "capaciteitskaart.gpkg"))
    report = str(tmp_path / "cap.csv")
    res = run_alg("pmiek:importcapacitymap", {"WERKBANK": werkbank_path, "INPUT": path, "PEILDATUM": "2026-02-01",
                                              "REPORT": report})
    # of the two VG-DUBBEL rows the first is kept, the second rejected naming both rows
    assert (res["IMPORTED"], res["REJECTED"]) == (7, 4)
    with open_werkbank(werkbank_path) as wb:
        areas = wb.read_frame("capacity_areas").set_index("area_id")
    assert sorted(areas.index) == ["VG-{}".format(k) for k in range(1, 7)] + ["VG-DUBBEL"]
    assert areas.loc["VG-DUBBEL", "afname_colour"] == "geel"  # the first VG-DUBBEL row (a copy of VG-2)
    areas = areas.drop(index="VG-DUBBEL")
    assert areas.afname_colour.to_dict() == {"VG-1": "transparant", "VG-2": "geel", "VG-3": "oranje",
                                             "VG-4": "rood", "VG-5": "rood", "VG-6": None}
    assert areas.invoeding_colour.to_dict() == {"VG-1": "rood", "VG-2": "rood", "VG-3": "geel", "VG-4": "oranje",
                                                "VG-5": "rood", "VG-6": "transparant"}
    assert areas.loc["VG-3", "afname_queue_mw"] == 20.0 and set(areas.netbeheerder) == {"Stedin"}
    assert set(areas.peildatum) == {"2026-02-01"} and set(areas.source) == {"capaciteitskaart"}
    text = open(report, encoding="utf-8-sig").read()
    for expected in ("ligt buiten de provincie Utrecht", "komt al voor in rij", "-4 is negatief",
                     "geen geometrie", "onbekende kleur/status '7'"):
        assert expected in text, expected
    # only the opwek direction from another layer must not wipe the afname colours
    import geopandas as gpd

    gdf = gpd.read_file(path).iloc[:6].drop(columns=["afname", "wachtrij_afname"])
    gdf["opwek"] = 3
    p2 = str(tmp_path / "capaciteitskaart_teruglevering.gpkg")
    gdf.to_file(p2)
    res = run_alg("pmiek:importcapacitymap", {"WERKBANK": werkbank_path, "INPUT": p2, "SOURCE_NAME": "capaciteitskaart"})
    assert (res["IMPORTED"], res["UPDATED"]) == (6, 6)
    with open_werkbank(werkbank_path) as wb:
        areas = wb.read_frame("capacity_areas").set_index("area_id")
    assert set(areas.invoeding_colour) == {"rood"} and areas.loc["VG-2", "afname_colour"] == "geel"


def _qgis_process(*args):
    env = dict(os.environ)
    env["QGIS_PLUGINPATH"] = BUILD
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return subprocess.run(["qgis_process.bin", *args], capture_output=True, text=True, env=env, timeout=300)


@pytest.mark.slow
def test_importdevelopments_headless(werkbank_path, gemeenten_wgs84, tmp_path):
    r = _qgis_process("plugins", "enable", "pmiek_werkbank")
    assert r.returncode == 0 or "already enabled" in (r.stdout + r.stderr), r.stderr
    r = _qgis_process("--json", "run", "pmiek:importdevelopments", "--", "WERKBANK=" + werkbank_path,
                      "INPUT=" + gemeenten_wgs84, "FIELD_ID=gemeentecode", "FIELD_UNITS=aantalHuishoudens",
                      "SECTOR=wonen", "REPORT=" + str(tmp_path / "rapport.csv"))
    start = r.stdout.find("{")
    assert start >= 0, r.stdout[-2000:] + r.stderr[-2000:]
    results = json.loads(r.stdout[start:])["results"]
    assert (results["IMPORTED"], results["REJECTED"]) == (26, 317)
    assert results["REPORT"] == str(tmp_path / "rapport.csv")
    assert "ligt buiten de provincie Utrecht" in open(results["REPORT"], encoding="utf-8-sig").read()
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]


def test_table_imports_reject_a_bad_row_and_import_the_rest(pmiek_provider, werkbank, werkbank_path, tmp_path):
    """Not STRICT (the default): a projectenlijst row with a bad value and a duplicate are rejected (named by
    spreadsheet line and field, in the log and the report), the other rows imported; the counts add up.  STRICT
    refuses the same table as a whole."""
    import csv

    from qgis.core import QgsProcessingException

    path = tmp_path / "projecten.csv"
    path.write_text("project_id,Naam project,capaciteit_afname_mw,status\n"
                    "P1,Station Noord,12,kandidaat\n"     # line 2
                    "P2,Kabel Oost,veel,kandidaat\n"      # line 3: no number
                    "P3,Trafo West,4,bijna\n"             # line 4: no status
                    "P1,Station Noord bis,1,kandidaat\n"  # line 5: duplicate of line 2
                    "P4,Batterij,0.5,opgenomen\n", encoding="utf-8")
    before = table_digest(werkbank_path)
    with pytest.raises(QgsProcessingException, match="projecten.csv, rij 3 \\(id P2\\), veld 'capaciteit_afname_mw'"):
        run_alg("pmiek:importprojects", {"WERKBANK": werkbank_path, "INPUT": str(path), "STRICT": True})
    assert table_digest(werkbank_path) == before
    rep = str(tmp_path / "rapport.csv")
    res = run_alg("pmiek:importprojects", {"WERKBANK": werkbank_path, "INPUT": str(path), "REPORT": rep})
    assert (res["IMPORTED"], res["REJECTED"], res["INSERTED"], res["UPDATED"], res["UNCHANGED"], res["REMOVED"]) == \
        (2, 3, 2, 0, 0, 0)
    got = {r["project_id"]: (r["name"], r["capacity_afname_mw"], r["status"])
           for r in werkbank.query("SELECT project_id, name, capacity_afname_mw, status FROM projects")}
    assert got == {"P1": ("Station Noord", 12.0, "kandidaat"), "P4": ("Batterij", 0.5, "opgenomen")}
    with open(rep, encoding="utf-8-sig") as f:
        rows = [r for r in csv.DictReader(f, delimiter=";") if r["ernst"] == "fout"]
    by_line = {int(r["rij"]): r for r in rows}
    assert set(by_line) == {3, 4, 5}
    assert by_line[3]["veld"] == "capaciteit_afname_mw" and by_line[3]["probleem"] == "'veel' is geen getal"
    assert by_line[3]["bron_id"] == "P2"
    assert by_line[4]["veld"] == "status" and "'bijna' is geen status" in by_line[4]["probleem"]
    assert "id 'P1' komt al voor in rij 2" in by_line[5]["probleem"]
    # again: the good rows unchanged, the bad ones rejected again
    res = run_alg("pmiek:importprojects", {"WERKBANK": werkbank_path, "INPUT": str(path)})
    assert (res["IMPORTED"], res["REJECTED"], res["UNCHANGED"]) == (2, 3, 2)


def test_source_name_asks_the_open_layer_and_ignores_a_styles_table(qgis_app, tmp_path, monkeypatch):
    """A QGIS layer's source name takes the layer count from its open provider and a read workbook's from the
    reader (the file is not listed again); a saved-styles table is no layer, so saving a style into a single-layer
    file does not rename its source."""
    import shutil

    import geopandas as gpd
    import pandas as pd
    import pyogrio
    from pmiek_werkbank.ingest import reader
    from qgis.core import QgsVectorLayer

    src = str(tmp_path / "ontwikkelingen.gpkg")
    shutil.copy(os.path.join(BUILD, "pmiek_werkbank", "resources", "sample", "ontwikkelingen.gpkg"), src)
    single = str(tmp_path / "alleen_punten.gpkg")
    gpd.read_file(src, layer="ontwikkelingen_punten").to_file(single, layer="punten", driver="GPKG")
    pyogrio.write_dataframe(pd.DataFrame({"styleName": ["mooi"], "styleQML": ["<qgis/>"]}), single,
                            layer="layer_styles")  # as QGIS's "save style in the data source" leaves it
    assert sorted(n for n, _t in pyogrio.list_layers(single)) == ["layer_styles", "punten"]
    assert reader.source_name(single + "|layername=punten") == ("alleen_punten", None)  # one listing of the file
    monkeypatch.setattr(reader, "_layer_count", lambda path: pytest.fail("the file is listed again: " + path))
    assert reader.source_name(QgsVectorLayer(single + "|layername=punten", "p", "ogr")) == ("alleen_punten", None)
    assert reader.source_name(QgsVectorLayer(src + "|layername=ontwikkelingen_punten", "p", "ogr")) == (
        "ontwikkelingen (ontwikkelingen_punten)", "ontwikkelingen_punten")
    book = str(tmp_path / "lijst.xlsx")
    with pd.ExcelWriter(book) as w:
        for sheet in ("projecten", "toelichting"):
            pd.DataFrame({"naam": ["A"], "status": ["kandidaat"]}).to_excel(w, sheet_name=sheet, index=False)
    df = reader.read_table(book, sheet="projecten")
    assert df.attrs["layers"] == 2
    assert reader.source_name(book + "|layername=projecten", with_extension=True, layers=df.attrs["layers"]) == (
        "lijst.xlsx (projecten)", "projecten")


def test_two_layers_of_one_file_with_one_source_name_are_two_sources(pmiek_provider, werkbank_path, tmp_path):
    """The demo's case: the vlakken and punten layers of ontwikkelingen.gpkg imported with the same SOURCE_NAME.
    Neither counts the other's rows as REMOVED; a point dropped from its layer is REMOVED (1) at the next import of
    that layer and SYNC deletes that one row only; the vlakken stay."""
    import shutil
    import sqlite3

    from pmiek_werkbank.ingest.reader import source_name

    src = str(tmp_path / "ontwikkelingen.gpkg")
    shutil.copy(os.path.join(BUILD, "pmiek_werkbank", "resources", "sample", "ontwikkelingen.gpkg"), src)
    # the default name of a layer of a multi-layer file carries the layer; a single-layer file's does not
    assert source_name(src + "|layername=ontwikkelingen_punten") == (
        "ontwikkelingen (ontwikkelingen_punten)", "ontwikkelingen_punten")
    assert source_name(src + "|layername=ontwikkelingen_punten", with_extension=True)[0] == \
        "ontwikkelingen.gpkg (ontwikkelingen_punten)"
    single = str(tmp_path / "alleen_punten.gpkg")
    import geopandas as gpd

    gpd.read_file(src, layer="ontwikkelingen_punten").to_file(single, layer="punten", driver="GPKG")
    assert source_name(single + "|layername=punten") == ("alleen_punten", None)

    def run_layer(layer, **extra):
        return run_alg("pmiek:importdevelopments", dict({
            "WERKBANK": werkbank_path, "INPUT": src + "|layername=ontwikkelingen_" + layer,
            "SOURCE_NAME": "ontwikkelingen (fictief)", "CHECK_PROVINCE": False}, **extra))

    r1, r2 = run_layer("vlakken"), run_layer("punten")
    assert (r1["IMPORTED"], r1["REMOVED"]) == (192, 0)
    assert (r2["IMPORTED"], r2["REMOVED"]) == (108, 0)
    assert run_layer("vlakken")["REMOVED"] == 0 and run_layer("punten")["REMOVED"] == 0
    with sqlite3.connect(src) as con:
        dropped = con.execute("SELECT plan_id FROM ontwikkelingen_punten ORDER BY fid LIMIT 1").fetchone()[0]
        con.execute("DELETE FROM ontwikkelingen_punten WHERE plan_id = ?", (dropped,))
    r3 = run_layer("punten")
    assert (r3["IMPORTED"], r3["REMOVED"]) == (107, 1)
    assert run_layer("vlakken")["REMOVED"] == 0  # the dropped point is not the vlakken's
    from pmiek_werkbank.werkbank import open_werkbank

    with open_werkbank(werkbank_path) as wb:
        assert wb.count("developments") == 300
    r4 = run_layer("punten", SYNC=True)
    assert (r4["IMPORTED"], r4["REMOVED"]) == (107, 1)
    with open_werkbank(werkbank_path) as wb:
        assert wb.count("developments") == 299
        assert wb.count("developments", "dev_id = ?", [dropped]) == 0
        assert wb.count("developments", "source = ?", ["ontwikkelingen (fictief)"]) == 299
    assert run_layer("punten")["REMOVED"] == 0 and run_layer("vlakken", SYNC=True)["REMOVED"] == 0
    with open_werkbank(werkbank_path) as wb:
        assert wb.count("developments") == 299
