"""Pure importers (layers/): mapping, validation, developments from CBS municipalities, 20,000 polygons."""

import os
import time

import pytest
from helpers import table_digest


@pytest.fixture
def zh_werkbank(tmp_path):
    """A werkbank for Zuid-Holland: holds Goeree-Overflakkee, one of the 5 invalid municipalities."""
    from pmiek_werkbank.werkbank import create_werkbank

    path = str(tmp_path / "zh.gpkg")
    create_werkbank(path, "pMIEK ZH test", "Zuid-Holland", province_code="PV28", peildatum="2026-01-01").close()
    return path


@pytest.fixture(scope="module")
def gemeenten_wgs84(shared_data, tmp_path_factory):
    """A copy of the CBS municipalities reprojected to WGS84 (so the import has to reproject)."""
    import geopandas as gpd

    gdf = gpd.read_file(os.path.join(shared_data, "cbs_gemeenten.gpkg"))
    path = str(tmp_path_factory.mktemp("gem") / "gemeenten_wgs84.gpkg")
    gdf.to_crs(4326).to_file(path, layer="gemeenten", driver="GPKG")
    return path


def test_auto_mapping_recognises_nbnl_capacity_map_and_dutch_names():
    from pmiek_werkbank.layers import mapping as M

    cols = ["voedingsgebied_id", "voedingsgebied_naam", "RNB", "afname", "opwek", "wachtrij_afname",
            "wachtrij_invoeding", "unieke_verzoeken_afname", "jaartal_opgelost_afname"]
    m = M.auto_map("capacity_areas", cols)
    assert m == {"id": "voedingsgebied_id", "name": "voedingsgebied_naam", "operator": "RNB",
                 "afname_colour": "afname", "invoeding_colour": "opwek", "afname_queue_mw": "wachtrij_afname",
                 "invoeding_queue_mw": "wachtrij_invoeding", "afname_alleviation_year": "jaartal_opgelost_afname"}
    d = M.auto_map("developments", ["Plan ID", "Plannaam", "Gemeente", "Aantal woningen", "Fase", "Opleverjaar"])
    assert d == {"id": "Plan ID", "name": "Plannaam", "municipality": "Gemeente", "units": "Aantal woningen",
                 "phase": "Fase", "year": "Opleverjaar"}
    with pytest.raises(M.MappingError, match="veld 'bestaatniet'.*bestaat niet"):
        M.resolve_mapping("developments", ["a", "b"], {"id": "bestaatniet"}, source="x.gpkg")


@pytest.mark.parametrize("value,code", [
    (0, "transparant"), (1, "geel"), (2.0, "oranje"), ("3", "rood"), ("Rood", "rood"), ("orange", "oranje"),
    ("Tekort, met wachtrij", "rood"), ("Beperkt beschikbaar", "geel"), ("wit", "transparant"), (7, None),
    ("paars", None), (None, None),
])
def test_colour_codes(value, code):
    from pmiek_werkbank.layers.mapping import colour_code

    assert colour_code(value) == code


def test_sector_phase_carrier_spellings():
    from pmiek_werkbank.layers.mapping import carrier_code, phase_code, sector_code

    assert sector_code("Woningbouw") == "wonen" and sector_code("Mobiliteit/laadinfra") == "mobiliteit"
    assert sector_code("Opslag/flex") == "opslag_flex" and sector_code("solar") == "zon"
    assert sector_code("raket") is False and sector_code("") is None
    assert phase_code("harde plancapaciteit") == "besluitvorming" and phase_code("In realisatie") == "realisatie"
    assert carrier_code("H2") == "waterstof" and carrier_code("Groen gas") == "groen_gas"


def test_municipalities_as_developments_reprojected_repaired_counted(zh_werkbank, gemeenten_wgs84, shared_data,
                                                                     tmp_path):
    import geopandas as gpd
    from pmiek_werkbank.layers import importers as I
    from pmiek_werkbank.werkbank import open_werkbank

    src = gpd.read_file(os.path.join(shared_data, "cbs_gemeenten.gpkg"))
    expected_zh = src[(src.provincie == "Zuid-Holland") & (src.gemeentecode != "GM0998")]
    assert len(src) == 343 and len(expected_zh) == 50  # README: Zuid-Holland 50

    frame = I.read_vector(gemeenten_wgs84)
    assert frame.crs.to_epsg() == 4326
    report_csv = str(tmp_path / "rapport.csv")
    with open_werkbank(zh_werkbank) as wb:
        res = I.import_developments(wb, frame, {"id": "gemeentecode", "units": "aantalHuishoudens"},
                                    sector="wonen", source_name="cbs_gemeenten", report_path=report_csv)
        dev = wb.read_frame("developments")
    assert res.input_rows == 343
    assert res.imported == 50 and res.rejected == 293 and res.imported + res.rejected == 343
    assert res.counts == {"inserted": 50, "updated": 0, "unchanged": 0}
    # the 5 invalid municipalities are repaired (and reported), whatever their province
    repaired = sorted(p.source_id for p in res.report.repaired())
    assert repaired == ["GM0303", "GM0716", "GM0852", "GM1895", "GM1924"]
    assert sorted(dev.dev_id) == sorted(expected_zh.gemeentecode)
    assert dev.geometry.is_valid.all() and (dev.geometry.geom_type == "MultiPolygon").all()
    assert "GM1924" in set(dev.dev_id)  # Goeree-Overflakkee: repaired and imported
    # MW derived with the kengetal wonen_woning (0.002 MW per dwelling) and recorded
    assert set(dev.kengetal_id) == {"wonen_woning"} and set(dev.unit) == {"woning"}
    hh = expected_zh.set_index("gemeentecode").aantalHuishoudens
    for row in dev.itertuples():
        assert row.demand_mw == pytest.approx(0.002 * hh[row.dev_id])
        assert row.supply_mw == 0.0 and row.units == hh[row.dev_id]
    # reprojection: RD coordinates, close to the original RD geometry
    orig = src.set_index("gemeentecode").geometry
    d0 = dev.set_index("dev_id").geometry["GM0599"]
    assert d0.centroid.distance(orig["GM0599"].centroid) < 1.0  # Rotterdam
    # report: one line per problem, Dutch, with row and id
    text = open(report_csv, encoding="utf-8-sig").read()
    assert "ligt buiten de provincie Zuid-Holland" in text
    assert "ongeldige geometrie hersteld met make_valid" in text
    assert text.count("\n") == 1 + len(res.report.problems)


def test_reimport_changes_nothing(zh_werkbank, gemeenten_wgs84):
    from pmiek_werkbank.layers import importers as I
    from pmiek_werkbank.werkbank import open_werkbank

    args = dict(mapping={"id": "gemeentecode", "units": "aantalHuishoudens"}, sector="wonen", source_name="gem")
    with open_werkbank(zh_werkbank) as wb:
        I.import_developments(wb, I.read_vector(gemeenten_wgs84), **args)
    before = table_digest(zh_werkbank)
    with open_werkbank(zh_werkbank) as wb:
        res = I.import_developments(wb, I.read_vector(gemeenten_wgs84), **args)
        assert wb.count("developments") == 50
    assert res.counts == {"inserted": 0, "updated": 0, "unchanged": 50}
    assert table_digest(zh_werkbank) == before


def test_strict_non_numeric_value_aborts_with_dutch_message(werkbank_path, tmp_path):
    import geopandas as gpd
    from shapely.geometry import Point

    from pmiek_werkbank.layers import importers as I
    from pmiek_werkbank.werkbank import open_werkbank

    gdf = gpd.GeoDataFrame(
        {"id": ["W-001", "W-002", "W-003"], "sector": ["wonen", "industrie", "datacenter"],
         "demand_mw": ["1,5", "2", "veel"]},
        geometry=[Point(136000, 456000), Point(137000, 456000), Point(138000, 456000)], crs=28992)
    path = str(tmp_path / "ontwikkelingen.gpkg")
    gdf.to_file(path)
    before = table_digest(werkbank_path)
    with open_werkbank(werkbank_path) as wb:
        with pytest.raises(I.ImportFailed) as exc:
            I.import_developments(wb, I.read_vector(path), source_name="ontwikkelingen.gpkg", strict=True)
    assert "ontwikkelingen.gpkg, rij 3 (id W-003), veld 'demand_mw': 'veel' is geen getal" in str(exc.value)
    assert "niet gewijzigd" in str(exc.value)
    assert table_digest(werkbank_path) == before
    # not strict: the row is rejected and reported, the others imported (decimal comma understood)
    with open_werkbank(werkbank_path) as wb:
        res = I.import_developments(wb, I.read_vector(path), source_name="ontwikkelingen.gpkg")
        dev = wb.read_frame("developments").set_index("dev_id")
    assert (res.imported, res.rejected) == (2, 1)
    assert dev.demand_mw.to_dict() == {"W-001": 1.5, "W-002": 2.0}
    assert dev.kengetal_id.isna().all()  # MW from the source, no kengetal


def test_broken_file_and_unknown_sector(werkbank_path, tmp_path):
    import geopandas as gpd
    from shapely.geometry import Point

    from pmiek_werkbank.layers import importers as I
    from pmiek_werkbank.werkbank import open_werkbank

    bad = tmp_path / "kapot.gpkg"
    bad.write_bytes(b"dit is geen geopackage")
    with pytest.raises(I.ImportFailed, match="kapot.gpkg: het bestand is niet leesbaar"):
        I.read_vector(str(bad))
    with open_werkbank(werkbank_path) as wb:
        with pytest.raises(I.ImportFailed, match="Onbekende sector 'raket'"):
            I.import_developments(wb, gpd.GeoDataFrame({"id": ["a"]}, geometry=[Point(136000, 456000)], crs=28992),
                                  sector="raket")


def test_twenty_thousand_polygons(werkbank_path):
    import geopandas as gpd
    import numpy as np
    import shapely

    from pmiek_werkbank.layers import importers as I
    from pmiek_werkbank.werkbank import open_werkbank

    n = 20000
    i = np.arange(n)
    x0 = 133000 + (i % 200) * 60.0
    y0 = 450000 + (i // 200) * 60.0
    geoms = shapely.box(x0, y0, x0 + 50, y0 + 50)
    gdf = gpd.GeoDataFrame({"plan_id": ["P{:05d}".format(k) for k in i], "oppervlakte_ha": 0.25},
                           geometry=geoms, crs=28992)
    t = time.perf_counter()
    with open_werkbank(werkbank_path) as wb:
        res = I.import_developments(wb, gdf, sector="bedrijventerrein", source_name="synthetisch")
        count = wb.count("developments")
        total = wb.query("SELECT SUM(demand_mw) AS s FROM developments")[0]["s"]
    print("\n20.000 vlakken geïmporteerd in {:.1f} s".format(time.perf_counter() - t))
    assert (res.imported, res.rejected) == (20000, 0) and count == 20000
    assert total == pytest.approx(20000 * 0.25 * 0.5)  # bedrijventerrein_ha: 0.5 MW/ha
