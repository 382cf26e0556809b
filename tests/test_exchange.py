"""Exchange package: export, lossless re-import, data dictionary, selections, ESDL via pyesdl."""

import csv
import json
import os

import pytest
from conftest import run_alg
from test_rounds_fixtures import make_werkbank


@pytest.fixture
def wb(tmp_path):
    w = make_werkbank(tmp_path / "bron.gpkg")
    yield w
    w.close()


def _geojson(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def test_export_reimport_identical_without_confidential(wb, tmp_path):
    from pmiek_werkbank.programme.exchange import EXPORT_TABLES, export_package, import_package, werkbank_digests
    from pmiek_werkbank.werkbank import open_werkbank

    folder = tmp_path / "pakket"
    man = export_package(wb, folder)
    files = {f["pad"] for f in man["bestanden"]}
    assert {"pmiek_pakket.gpkg", "geojson/projects.geojson", "geojson/stations.geojson", "tabellen/scores.csv",
            "datadictionary.csv", "datadictionary.md"} <= files
    assert man["vertrouwelijk"]["weggelaten_projecten"] == 1
    assert man["tabellen"]["projects"]["rijen"] == 3
    assert man["coordinatenstelsels"]["pmiek_pakket.gpkg"].startswith("EPSG:28992")
    assert "ODbL" in man["licentie"] and man["programma"]["name"] == "Testprogramma (fictief voorbeeld)"

    target = str(tmp_path / "leeg" / "ingelezen.gpkg")
    os.makedirs(os.path.dirname(target))
    res = import_package(folder, target)
    assert res["digests_ok"]
    new = open_werkbank(target)
    got = werkbank_digests(new)
    assert got == {t: man["tabellen"][t]["digest"] for t in EXPORT_TABLES}
    # the confidential project and everything hanging on it are absent
    assert sorted(r["project_id"] for r in new.query("SELECT project_id FROM projects")) == ["P1", "P2", "P4"]
    for table in ("project_links", "scores", "actions", "monitoring"):
        assert new.count(table, "project_id = 'P3'") == 0, table
    assert new.count("project_dependencies") == 1  # DEP2 pointed at P3
    assert new.count("developments") == 5 and new.count("stations") == 3 and new.count("scores") == 6
    # same content as the source, confidential rows aside
    src_projects = wb.read_frame("projects")
    src_projects = src_projects[src_projects["project_id"] != "P3"]
    from pmiek_werkbank.programme.exchange import frame_digest

    assert frame_digest("projects", src_projects.reset_index(drop=True)) == got["projects"]
    assert frame_digest("developments", wb.read_frame("developments")) == got["developments"]
    assert new.programme()["programme_id"] == wb.programme()["programme_id"]
    # the new werkbank's default criteria and kengetallen, replaced by the package's: by the user who imports
    from pmiek_werkbank.werkbank.audit_sql import UNKNOWN_GPKG_USER

    assert new.count("audit_log", "changed_by = ?", (UNKNOWN_GPKG_USER,)) == 0
    assert new.count("audit_log", "table_name = 'criteria' AND action = 'delete' AND changed_by = ?", (new.user,)) > 0
    new.close()


def test_geojson_is_rfc7946_wgs84(wb, tmp_path):
    from pmiek_werkbank.programme.exchange import export_package

    export_package(wb, tmp_path / "p")
    gj = _geojson(tmp_path / "p" / "geojson" / "stations.geojson")
    assert gj["type"] == "FeatureCollection" and "crs" not in gj
    s1 = next(f for f in gj["features"] if f["properties"]["station_id"] == "S1")
    lon, lat = s1["geometry"]["coordinates"]
    assert 4.9 < lon < 5.3 and 52.0 < lat < 52.2  # RD 136000,456000 lies near Utrecht
    assert len(str(lon).split(".")[1]) <= 7
    pr = _geojson(tmp_path / "p" / "geojson" / "projects.geojson")
    assert sorted(f["properties"]["project_id"] for f in pr["features"]) == ["P1", "P2", "P4"]
    assert "fid" not in s1["properties"]


def test_data_dictionary_every_column(tmp_path, wb):
    from pmiek_werkbank.programme.exchange import EXPORT_TABLES, export_package
    from pmiek_werkbank.werkbank.schema import TABLES

    export_package(wb, tmp_path / "p")
    with open(tmp_path / "p" / "datadictionary.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    pairs = {(r["tabel"], r["kolom"]) for r in rows}
    for t in EXPORT_TABLES:
        for c in TABLES[t].column_names:
            assert (t, c) in pairs
    assert all(r["beschrijving"].strip() for r in rows), [r["kolom"] for r in rows if not r["beschrijving"].strip()]
    sector = next(r for r in rows if (r["tabel"], r["kolom"]) == ("developments", "sector"))
    assert "wonen = Wonen" in sector["codes"] and "datacenter = Datacenter" in sector["codes"]
    phase = next(r for r in rows if (r["tabel"], r["kolom"]) == ("projects", "phase"))
    assert phase["codes"] == "verkenning = Verkenning; planuitwerking = Planuitwerking; project = Project; " \
                             "realisatie = Realisatie"
    ibn = next(r for r in rows if (r["tabel"], r["kolom"]) == ("projects", "ibn_year"))
    assert ibn["beschrijving"] == "jaar van inbedrijfname"
    md = (tmp_path / "p" / "datadictionary.md").read_text(encoding="utf-8")
    assert "## projects" in md and "| ibn_year | INTEGER | nee | jaar van inbedrijfname |" in md


def test_selection_netbeheerder_and_municipality(wb, tmp_path):
    from pmiek_werkbank.programme.exchange import export_package, import_package

    m = export_package(wb, tmp_path / "liander", selection={"netbeheerder": "Liander"})
    counts = {t: v["rijen"] for t, v in m["tabellen"].items()}
    # Liander: area A2 around S3; D4 and D5 lie in it; P3 is confidential -> no projects
    assert (counts["stations"], counts["capacity_areas"], counts["developments"], counts["projects"]) == (1, 1, 2, 0)
    assert counts["station_capacity"] == 1 and counts["project_links"] == 0
    m = export_package(wb, tmp_path / "amersfoort", selection={"municipality": "Amersfoort"})
    counts = {t: v["rijen"] for t, v in m["tabellen"].items()}
    # Amersfoort: D3; projects P2 and P4 (Utrecht;Amersfoort); station S2 of D3/P2
    assert (counts["developments"], counts["projects"], counts["stations"]) == (1, 2, 1)
    assert m["selectie"]["gemeente"] == "Amersfoort"
    res = import_package(tmp_path / "amersfoort", str(tmp_path / "amersfoort.gpkg"))
    assert res["counts"]["projects"] == 2
    # a polygon widens the selection to what lies in it
    from shapely.geometry import box

    m = export_package(wb, tmp_path / "gebied", selection={"municipality": "Nergens", "area": box(135000, 455000,
                                                                                                  137000, 457000)})
    assert m["tabellen"]["developments"]["rijen"] == 2 and m["tabellen"]["stations"]["rijen"] == 1


def test_tampered_package_refused(wb, tmp_path):
    from pmiek_werkbank.programme.errors import ProgrammeError
    from pmiek_werkbank.programme.exchange import export_package, import_package

    export_package(wb, tmp_path / "p")
    with open(tmp_path / "p" / "pmiek_pakket.gpkg", "ab") as f:
        f.write(b"x")
    with pytest.raises(ProgrammeError, match="controlegetal klopt niet"):
        import_package(tmp_path / "p", str(tmp_path / "x.gpkg"))
    assert not os.path.exists(tmp_path / "x.gpkg")


def test_esdl_export_loads_back_with_pyesdl(wb, tmp_path):
    pytest.importorskip("esdl")
    from esdl.esdl_handler import EnergySystemHandler

    from pmiek_werkbank.programme.esdl_io import import_esdl
    from pmiek_werkbank.programme.exchange import export_package

    man = export_package(wb, tmp_path / "p", esdl=True)
    path = str(tmp_path / "p" / man["esdl"])
    assert man["esdl"] == "Testprogramma_fictief_voorbeeld.esdl"
    es = EnergySystemHandler().load_file(path)
    assert es.name == "Testprogramma (fictief voorbeeld)"
    area = es.instance[0].area
    assets = list(area.asset)
    # 3 stations + 4 demands (D1 D2 D3 D5) + 1 producer (D4) + 3 projects (P3 confidential) = 11
    assert len(assets) == 11
    by_id = {a.id: a for a in assets}
    assert by_id["station_S1"].eClass.name == "Transformer" and by_id["station_S1"].name == "Station Noord"
    assert by_id["ontwikkeling_D3"].eClass.name == "ElectricityDemand"
    assert by_id["ontwikkeling_D3"].power == pytest.approx(37e6)
    assert by_id["ontwikkeling_D4_aanbod"].eClass.name == "PVPark" and by_id["ontwikkeling_D4_aanbod"].power == 10e6
    p1 = by_id["project_P1"]
    assert (p1.eClass.name, p1.name, p1.state.name, p1.commissioningDate.year) == (
        "Transformer", "Uitbreiding Station Noord", "ENABLED", 2032)
    assert p1.costInformation.investmentCosts.value == 12e6
    assert by_id["project_P2"].state.name == "OPTIONAL"
    assert by_id["project_P4"].eClass.name == "ElectricityCable" and len(by_id["project_P4"].geometry.point) == 2
    assert "project_P3" not in by_id
    pt = by_id["station_S1"].geometry
    assert 52.0 < pt.lat < 52.2 and 4.9 < pt.lon < 5.3
    assert sorted(a.name for a in assets if a.id.startswith("station_")) == ["Station Noord", "Station Oost",
                                                                           "Station Zuid"]

    back = import_esdl(path)
    dv = back["developments"].set_index("dev_id")
    assert sorted(dv.index) == ["D1", "D2", "D3", "D4", "D5"]
    assert dv.loc["D3", "demand_mw"] == pytest.approx(37.0) and dv.loc["D4", "supply_mw"] == pytest.approx(10.0)
    assert dv.loc["D2", "year_ready"] == 2030 and dv.loc["D1", "sector"] == "wonen"
    st = back["stations"].set_index("station_id")
    assert st.loc["S1", "name"] == "Station Noord" and st.crs.to_epsg() == 28992
    assert st.loc["S1"].geometry.distance(__import__("shapely").geometry.Point(136000, 456000)) < 0.05
    # and into a new werkbank
    target = make_werkbank(tmp_path / "esdl_doel.gpkg", name="Doel")
    target.delete("developments", "1=1")
    got = import_esdl(path, target)  # through the one import runner, like any other source
    assert got["outcomes"]["stations"].counts == {"inserted": 0, "updated": 3, "unchanged": 0}
    assert got["outcomes"]["developments"].counts == {"inserted": 5, "updated": 0, "unchanged": 0}
    assert got["report"].summary().startswith("Testprogramma_fictief_voorbeeld.esdl: 8 van 8 rijen geïmporteerd.")
    assert target.count("developments") == 5
    assert {r["source"] for r in target.query("SELECT source FROM developments")} == {
        "ESDL Testprogramma (fictief voorbeeld)"}
    assert target.query("SELECT demand_mw FROM developments WHERE dev_id='D3'")[0]["demand_mw"] == pytest.approx(37.0)
    target.close()


def test_esdl_missing_package_message(monkeypatch):
    import builtins

    from pmiek_werkbank.programme import esdl_io
    from pmiek_werkbank.programme.errors import ProgrammeError

    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "esdl" or name.startswith("esdl."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(ProgrammeError, match="pakket 'pyesdl' nodig.*pip install"):
        esdl_io.validate_esdl("x.esdl")
    with pytest.raises(ProgrammeError, match="pakket 'pyesdl' nodig.*pip install"):
        esdl_io.import_esdl("x.esdl")


def test_algorithms_export_import(pmiek_provider, wb, tmp_path):
    from pmiek_werkbank.programme.exchange import werkbank_digests
    from pmiek_werkbank.werkbank import open_werkbank

    folder = str(tmp_path / "pakket")
    res = run_alg("pmiek:exportpackage", {"WERKBANK": wb.target, "OUTPUT_FOLDER": folder, "NETBEHEERDER": "Stedin",
                                          "INCLUDE_CONFIDENTIAL": False, "ESDL": True})
    assert res["OUTPUT"] == folder and os.path.exists(res["MANIFEST"])
    from pmiek_werkbank.programme.esdl_io import esdl_available

    # without the optional pyesdl (Debian's QGIS in the version matrix) the package has no ESDL, with a note
    assert res["ESDL_FILE"].endswith(".esdl") if esdl_available() else not res["ESDL_FILE"]
    with open(res["MANIFEST"], encoding="utf-8") as f:
        man = json.load(f)
    assert man["selectie"]["netbeheerder"] == "Stedin"
    assert man["tabellen"]["projects"]["rijen"] == 3  # P1, P2, P4 (all Stedin)
    out = str(tmp_path / "terug.gpkg")
    res = run_alg("pmiek:importpackage", {"INPUT": folder, "OUTPUT": out})
    new = open_werkbank(res["OUTPUT"])
    assert werkbank_digests(new) == {t: v["digest"] for t, v in man["tabellen"].items()}
    new.close()
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException, match="gemeente óf een netbeheerder"):
        run_alg("pmiek:exportpackage", {"WERKBANK": wb.target, "OUTPUT_FOLDER": folder, "NETBEHEERDER": "Stedin",
                                        "MUNICIPALITY": "Zeist"})


def _small_esdl(path, assets):
    """An ESDL file as :func:`esdl_io.export_esdl` writes it, with ``assets``: (class, id, name, description,
    (lat, lon), power W, year ready or None)."""
    import datetime

    from esdl import esdl
    from esdl.esdl_handler import EnergySystemHandler

    es = esdl.EnergySystem(id="pmiek_klein", name="Klein")
    inst = esdl.Instance(id="ronde_1", name="1")
    es.instance.append(inst)
    inst.area = esdl.Area(id="PV26", name="Utrecht", scope=esdl.AreaScopeEnum.PROVINCE)
    for cls, aid, name, desc, (lat, lon), power, year in assets:
        a = getattr(esdl, cls)(id=aid, name=name, originalIdInSource=aid.split("_")[1],
                               state=esdl.AssetStateEnum.ENABLED)
        a.description = desc
        if power is not None:
            a.power = power
        if year:
            a.commissioningDate = datetime.datetime(year, 1, 1)
        a.geometry = esdl.Point(lat=lat, lon=lon, CRS="WGS84")
        inst.area.asset.append(a)
    EnergySystemHandler(energy_system=es).save(filename=str(path))
    return str(path)


def test_esdl_import_goes_through_the_runner_bad_assets_rejected_and_named(tmp_path):
    pytest.importorskip("esdl")
    from pmiek_werkbank.ingest.errors import ImportCancelled
    from pmiek_werkbank.programme.esdl_io import import_esdl

    utrecht, groningen = (52.09, 5.12), (53.22, 6.57)
    path = _small_esdl(tmp_path / "klein.esdl", [
        ("ElectricityDemand", "ontwikkeling_G1", "Goed", "pMIEK ontwikkeling vraag; sector=wonen",
         utrecht, 12e6, 2030),
        ("ElectricityDemand", "ontwikkeling_B1", "Buiten", "pMIEK ontwikkeling vraag; sector=wonen", groningen, 5e6, 2030),
        ("ElectricityDemand", "ontwikkeling_N1", "Negatief", "pMIEK ontwikkeling vraag; sector=wonen", utrecht,
         -3e6, 2030),
    ])
    target = make_werkbank(tmp_path / "doel.gpkg", name="Doel")
    target.delete("developments", "1=1")

    class Cancel:
        def isCanceled(self):
            return True

    with pytest.raises(ImportCancelled):
        import_esdl(path, target, feedback=Cancel())
    assert target.count("developments") == 0

    report = tmp_path / "esdl_rapport.html"
    got = import_esdl(path, target, report_path=str(report))
    dv = got["outcomes"]["developments"]
    assert (dv.input_rows, dv.imported, dv.rejected) == (3, 1, 2)
    rows = target.query("SELECT dev_id, name, demand_mw, source, year_ready FROM developments")
    assert [(r["dev_id"], r["name"], r["demand_mw"], r["source"], r["year_ready"]) for r in rows] == [
        ("G1", "Goed", 12.0, "ESDL Klein", 2030)]
    bad = {p.source_id: p.problem for p in dv.report.errors()}
    assert sorted(bad) == ["B1", "N1"]
    assert bad == {"B1": "ligt buiten de provincie Utrecht (133\u2009748 m van de grens; tolerantie 2\u2009000 m)",
                   "N1": "waarde -3 is negatief"}
    assert got["report"].summary().startswith("klein.esdl: 1 van 3 rijen geïmporteerd.")
    text = report.read_text(encoding="utf-8")
    assert "Importrapport: ESDL Klein" in text and "B1" in text and "N1" in text

    # the same ESDL name without G1: REMOVED (kept), then SYNC deletes it; audited as any import
    path2 = _small_esdl(tmp_path / "klein2.esdl", [
        ("ElectricityDemand", "ontwikkeling_N1", "Niet meer negatief", "pMIEK ontwikkeling vraag; sector=wonen",
         utrecht, 3e6, 2031)])
    again = import_esdl(path2, target)["outcomes"]["developments"]
    assert again.removed == ["G1"] and target.count("developments") == 2
    synced = import_esdl(path2, target, sync=True)["outcomes"]["developments"]
    assert synced.deleted == 1
    assert [(r["dev_id"], r["demand_mw"]) for r in target.query("SELECT dev_id, demand_mw FROM developments")] == [
        ("N1", 3.0)]
    target.close()


def _municipalities(path, crs):
    """A municipalities GeoPackage: Zeist = the square 143000..147000 × 453000..457000 (RD), 16 km²."""
    import geopandas as gpd
    from shapely.geometry import box

    g = gpd.GeoDataFrame({"gemeentenaam": ["Zeist", "Utrecht"]},
                         geometry=[box(143000, 453000, 147000, 457000), box(130000, 450000, 140000, 460000)],
                         crs=28992)
    if crs is None:
        g = g.set_crs(None, allow_override=True)
    elif crs != 28992:
        g = g.to_crs(crs)
    g.to_file(str(path), driver="GPKG")
    return str(path)


def test_municipality_layer_without_crs_is_refused_unless_a_crs_is_given(tmp_path):
    from pmiek_werkbank.programme.errors import ProgrammeError
    from pmiek_werkbank.programme.exchange import municipality_area

    bare = _municipalities(tmp_path / "gemeenten.gpkg", None)
    with pytest.raises(ProgrammeError, match=r"^Gemeentelaag gemeenten\.gpkg: de laag heeft geen coördinatenstelsel "
                                             r"\(CRS\); stel het in of geef de parameter CRS op"):
        municipality_area("Zeist", bare)
    area = municipality_area("zeist", bare, crs="EPSG:28992")
    assert area.bounds == (143000.0, 453000.0, 147000.0, 457000.0) and area.area == 16e6
    # a layer with its CRS (WGS84) is projected to RD: the same corners back to a mm (the straight edges in
    # degrees bend a little in RD: under 10 m² of 16 km² differ)
    wgs = municipality_area("Zeist", _municipalities(tmp_path / "gemeenten_wgs84.gpkg", 4326))
    assert wgs.bounds == pytest.approx(area.bounds, abs=0.001) and wgs.symmetric_difference(area).area < 10
    with pytest.raises(ProgrammeError, match="Gemeente 'Bunnik' niet gevonden in gemeenten.gpkg"):
        municipality_area("Bunnik", bare, crs="EPSG:28992")


def test_exportpackage_municipality_layer_without_crs_needs_the_crs_parameter(pmiek_provider, wb, tmp_path):
    from qgis.core import QgsProcessingException

    bare = _municipalities(tmp_path / "gemeenten.gpkg", None)
    folder = str(tmp_path / "pakket")
    params = {"WERKBANK": wb.target, "OUTPUT_FOLDER": folder, "MUNICIPALITY": "Zeist", "MUNICIPALITY_LAYER": bare}
    with pytest.raises(QgsProcessingException, match="gemeenten.gpkg: de laag heeft geen coördinatenstelsel"):
        run_alg("pmiek:exportpackage", params)
    assert not os.path.exists(os.path.join(folder, "pmiek_pakket.gpkg"))
    res = run_alg("pmiek:exportpackage", dict(params, CRS="EPSG:28992"))
    with open(res["MANIFEST"], encoding="utf-8") as f:
        man = json.load(f)
    assert man["selectie"]["gebied_gegeven"] is True
    assert man["tabellen"]["developments"]["rijen"] == 2  # D4 and D5, both inside the Zeist square


def test_importesdl_algorithm_reports_like_every_import(pmiek_provider, tmp_path, monkeypatch):
    """pmiek:importesdl: the runner's counts as outputs, the report beside, a Dutch message without pyesdl."""
    pytest.importorskip("esdl")
    from qgis.core import QgsProcessingException

    from pmiek_werkbank.programme import esdl_io

    utrecht = (52.09, 5.12)
    path = _small_esdl(tmp_path / "klein.esdl", [
        ("ElectricityDemand", "ontwikkeling_G1", "Goed", "pMIEK ontwikkeling vraag; sector=wonen", utrecht, 12e6, 2030),
        ("ElectricityDemand", "ontwikkeling_N1", "Negatief", "pMIEK ontwikkeling vraag; sector=wonen", utrecht,
         -3e6, 2030),
    ])
    target = make_werkbank(tmp_path / "doel.gpkg", name="Doel")
    target.delete("developments", "1=1")
    target.close()
    report = tmp_path / "rapport.html"
    res = run_alg("pmiek:importesdl", {"WERKBANK": str(tmp_path / "doel.gpkg"), "INPUT": path,
                                       "REPORT": str(report)})
    assert (res["IMPORTED"], res["REJECTED"], res["INSERTED"], res["REMOVED"]) == (1, 1, 1, 0)
    assert (res["STATIONS_IMPORTED"], res["DEVELOPMENTS_IMPORTED"]) == (0, 1)
    assert res["REPORT"] == str(report) and "N1" in report.read_text(encoding="utf-8")
    with pytest.raises(QgsProcessingException, match="alles of niets|afgebroken|niet gewijzigd"):
        run_alg("pmiek:importesdl", {"WERKBANK": str(tmp_path / "doel.gpkg"), "INPUT": path, "STRICT": True})
    monkeypatch.setattr(esdl_io, "esdl_available", lambda: False)
    with pytest.raises(QgsProcessingException, match="pyesdl"):
        run_alg("pmiek:importesdl", {"WERKBANK": str(tmp_path / "doel.gpkg"), "INPUT": path})


def test_manifest_says_when_the_balance_from_the_package_differs(wb, tmp_path):
    """A confidential project left out of the package while the province's balance counts its capacity (active, at
    a station, adding MW): a balance computed from the package differs there, and the manifest and the log say so
    (it said nothing, and the partner's station showed 100 MW less)."""
    from pmiek_werkbank.programme.exchange import export_package

    with wb.transaction() as tx:
        tx.execute("UPDATE projects SET status = 'kandidaat', station_id = COALESCE(station_id, 'S1'), "
                   "capacity_afname_mw = 100 WHERE project_id = 'P3'")
    man = export_package(wb, tmp_path / "pakket")
    conf = man["vertrouwelijk"]
    assert conf["balans_wijkt_af"] is True
    assert conf["balans_toelichting"].startswith("1 weggelaten vertrouwelijk(e) project(en) voegen capaciteit toe")
    with wb.transaction() as tx:
        tx.execute("UPDATE projects SET status = 'afgevallen', status_reason = 'test' WHERE project_id = 'P3'")
    man = export_package(wb, tmp_path / "pakket2")
    assert man["vertrouwelijk"]["balans_wijkt_af"] is False and man["vertrouwelijk"]["balans_toelichting"] == ""
    man = export_package(wb, tmp_path / "pakket3", include_confidential=True)
    assert man["vertrouwelijk"]["balans_wijkt_af"] is False
