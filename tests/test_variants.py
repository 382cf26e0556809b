"""Ontwikkelvarianten: balance and scores per variant, computed by hand (see test_rounds_fixtures)."""

import json

import pytest
from conftest import run_alg
from test_rounds_fixtures import make_werkbank

YEARS = [2025, 2030, 2035]

# Variant "Netversterking Noord" = P1 (S1 +30 MW from 2032) + P2 (S2 +10 MW from 2028), no scenario.
#   S1: capacity 50, 50, 80; demand D1 20 (2025) + D2 40 (2030) = 20, 60, 60 -> balance 30, -10, 20
#   S2: capacity 30, 40, 40; demand D3 37 from 2030 -> 30, 3, 3 (3 < 10 % of 40 -> krap)
#   S3: capacity 40; demand D5 20 from 2035 -> 40, 40, 20
#   points P1 3+3 = 6, P2 2+2 = 4 -> 10; investment 12 + 5 = 17 mln
# Variant "Hoge groei" = P2 + P3 (S3 +15 MW from 2030); wonen demand x1.5, datacenter +5 years.
#   S1: capacity 50; demand D1 30 (2025) + D2 40 (2030) -> 20, -20, -20
#   S2: capacity 30, 40, 40; D3 37 now from 2035 -> 30, 40, 3 (krap)
#   S3: capacity 40, 55, 55; demand 0, 0, 20 -> 40, 55, 35
#   points P2 4 + P3 1 = 5; investment 5 + 3 = 8 mln.  P3 is VERTROUWELIJK: the comparison leaves it out of
#   names, points and investment (programme.visibility) -> 1 project, 4 points, 5 mln; its capacity still counts
#   in the balance (the grid is physical).  With include_confidential: 2, 5, 8 mln, and P3 never gets a rank.
EXPECTED_BALANCE = {
    "Netversterking Noord": {
        ("S1", 2025): (50, 20, 30, "ruim"), ("S1", 2030): (50, 60, -10, "tekort"), ("S1", 2035): (80, 60, 20, "ruim"),
        ("S2", 2025): (30, 0, 30, "ruim"), ("S2", 2030): (40, 37, 3, "krap"), ("S2", 2035): (40, 37, 3, "krap"),
        ("S3", 2025): (40, 0, 40, "ruim"), ("S3", 2030): (40, 0, 40, "ruim"), ("S3", 2035): (40, 20, 20, "ruim"),
    },
    "Hoge groei": {
        ("S1", 2025): (50, 30, 20, "ruim"), ("S1", 2030): (50, 70, -20, "tekort"), ("S1", 2035): (50, 70, -20, "tekort"),
        ("S2", 2025): (30, 0, 30, "ruim"), ("S2", 2030): (40, 0, 40, "ruim"), ("S2", 2035): (40, 37, 3, "krap"),
        ("S3", 2025): (40, 0, 40, "ruim"), ("S3", 2030): (55, 0, 55, "ruim"), ("S3", 2035): (55, 20, 35, "ruim"),
    },
}
EXPECTED_TABLE = [
    # variant, jaar, tekort, MW tekort, krap, eerste tekortjaren, n, punten, investering, projecten
    ("Netversterking Noord", 2025, 0, 0.0, 0, "Station Noord 2030", 2, 10.0, 17e6, "P-1, P-2"),
    ("Netversterking Noord", 2030, 1, 10.0, 1, "Station Noord 2030", 2, 10.0, 17e6, "P-1, P-2"),
    ("Netversterking Noord", 2035, 0, 0.0, 1, "Station Noord 2030", 2, 10.0, 17e6, "P-1, P-2"),
    ("Hoge groei", 2025, 0, 0.0, 0, "Station Noord 2030", 1, 4.0, 5e6, "P-2"),
    ("Hoge groei", 2030, 1, 20.0, 0, "Station Noord 2030", 1, 4.0, 5e6, "P-2"),
    ("Hoge groei", 2035, 1, 20.0, 1, "Station Noord 2030", 1, 4.0, 5e6, "P-2"),
]


@pytest.fixture
def wb(tmp_path):
    from pmiek_werkbank.programme.variants import define_variant

    w = make_werkbank(tmp_path / "varianten.gpkg")
    define_variant(w, "Netversterking Noord", ["P-1", "P2"], description="netversterking bij Noord en Zuid")
    define_variant(w, "Hoge groei", ["P2", "P-3"], {"demand_factor": {"wonen": 1.5}, "year_shift": {"datacenter": 5}})
    yield w
    w.close()


def test_variants_stored(wb):
    from pmiek_werkbank.programme.variants import list_variants

    vs = list_variants(wb)
    assert [(v["name"], v["projects"]) for v in vs] == [("Netversterking Noord", ["P1", "P2"]),
                                                        ("Hoge groei", ["P2", "P3"])]
    assert vs[1]["assumptions"] == {"demand_factor": {"wonen": 1.5}, "year_shift": {"datacenter": 5}}
    stored = wb.query("SELECT assumptions FROM variants WHERE name = 'Hoge groei'")[0]["assumptions"]
    assert json.loads(stored)["year_shift"] == {"datacenter": 5}


def test_balance_per_variant_by_hand(wb):
    """One balance (knooppunten.balance through programme.facts): there is no second, built-in one any more."""
    from pmiek_werkbank.programme.variants import evaluate_variant

    for name, expected in EXPECTED_BALANCE.items():
        res = evaluate_variant(wb, name, YEARS)
        bal = res["balance"]
        got = {(r.unit_id, int(r.year)): (r.capacity_mw, r.demand_mw, r.balance_mw, r.status)
               for r in bal.itertuples(index=False)}
        assert set(got) == set(expected), name
        for k, (c, d, b, s) in expected.items():
            assert got[k][0] == pytest.approx(c) and got[k][1] == pytest.approx(d), (name, k)
            assert got[k][2] == pytest.approx(b) and got[k][3] == s, (name, k)
    # the werkbank itself is unchanged
    assert wb.count("projects") == 4
    assert wb.query("SELECT demand_mw FROM developments WHERE dev_id = 'D1'")[0]["demand_mw"] == 20.0


def test_scores_per_variant_by_hand(wb):
    from pmiek_werkbank.programme.variants import evaluate_variant

    r1 = evaluate_variant(wb, "Netversterking Noord", YEARS)["ranking"]
    assert [(p, float(t), int(k)) for p, t, k in zip(r1["project_id"], r1["total"], r1["rank"])] == [
        ("P1", 6.0, 1), ("P2", 4.0, 2)]
    r2 = evaluate_variant(wb, "Hoge groei", YEARS)["ranking"]
    assert [(p, float(t), int(k)) for p, t, k in zip(r2["project_id"], r2["total"], r2["rank"])] == [("P2", 4.0, 1)]
    r3 = evaluate_variant(wb, "Hoge groei", YEARS, include_confidential=True)["ranking"]
    assert [(p, float(t), None if k is pd_na() else int(k), n) for p, t, k, n in
            zip(r3["project_id"], r3["total"], r3["rank"], r3["rank_note"])] == [
        ("P2", 4.0, 1, ""), ("P3", 1.0, None, "vertrouwelijk: geen rang")]


def pd_na():
    import pandas as pd

    return pd.NA


def test_side_by_side_with_confidential(wb):
    from pmiek_werkbank.programme.variants import compare_variants

    table, _ = compare_variants(wb, ["Hoge groei"], YEARS, include_confidential=True)
    assert [tuple(r)[6:] for r in table.itertuples(index=False)] == [(2, 5.0, 8e6, "P-2, P-3")] * 3


def test_side_by_side(wb):
    from pmiek_werkbank.programme.variants import COMPARISON_COLUMNS, compare_variants, variant_map_frame, wide_table

    table, results = compare_variants(wb, None, YEARS)
    assert list(table.columns) == COMPARISON_COLUMNS
    got = [tuple(r) for r in table.itertuples(index=False)]
    assert got == EXPECTED_TABLE
    wide = wide_table(table)
    assert list(wide.columns) == ["maatstaf", "Netversterking Noord", "Hoge groei"]
    row = wide[wide["maatstaf"] == "MW tekort 2035"].iloc[0]
    assert (row["Netversterking Noord"], row["Hoge groei"]) == (0.0, 20.0)
    gdf = variant_map_frame(wb, results)
    assert len(gdf) == 2 * 3 * 3 and gdf.crs.to_epsg() == 28992
    s1 = gdf[(gdf["variant"] == "Hoge groei") & (gdf["unit_id"] == "S1") & (gdf["year"] == 2035)].iloc[0]
    assert s1["status"] == "tekort" and (s1.geometry.x, s1.geometry.y) == (136000.0, 456000.0)


def test_variant_validation(wb):
    from pmiek_werkbank.programme.errors import ProgrammeError
    from pmiek_werkbank.programme.variants import define_variant

    with pytest.raises(ProgrammeError, match="Onbekende project.*P-99"):
        define_variant(wb, "X", ["P-99"])
    with pytest.raises(ProgrammeError, match="onbekende sector 'kerncentrale'"):
        define_variant(wb, "X", ["P1"], {"demand_factor": {"kerncentrale": 2}})
    with pytest.raises(ProgrammeError, match="geen geldige JSON"):
        define_variant(wb, "X", ["P1"], "{demand")
    define_variant(wb, "Drie", ["P1"])
    define_variant(wb, "Vier", ["P2"])
    with pytest.raises(ProgrammeError, match="al 4 ontwikkelvarianten"):
        define_variant(wb, "Vijf", ["P1"])
    define_variant(wb, "Vier", ["P1", "P2"])  # replacing an existing one is fine
    assert wb.count("variants") == 4 and wb.count("variant_projects", "variant_id IN "
                                                  "(SELECT variant_id FROM variants WHERE name='Vier')") == 2


def test_algorithms_define_and_compare(pmiek_provider, tmp_path):
    from qgis.core import QgsVectorLayer

    path = str(tmp_path / "alg.gpkg")
    make_werkbank(path).close()
    run_alg("pmiek:definevariant", {"WERKBANK": path, "NAME": "Netversterking Noord", "PROJECTS": "P-1, P-2"})
    res = run_alg("pmiek:definevariant", {
        "WERKBANK": path, "NAME": "Hoge groei", "PROJECTS": "P2,P3",
        "ASSUMPTIONS": '{"demand_factor": {"wonen": 1.5}, "year_shift": {"datacenter": 5}}'})
    assert res["VARIANT_ID"]
    out = str(tmp_path / "vergelijking.gpkg")
    kaart = str(tmp_path / "kaart.gpkg")
    res = run_alg("pmiek:comparevariants", {"WERKBANK": path, "VARIANTS": "", "YEARS": "2025,2030,2035",
                                             "OUTPUT": out, "OUTPUT_MAP": kaart})
    layer = QgsVectorLayer(res["OUTPUT"], "v", "ogr")
    rows = [f.attributes()[1:] for f in layer.getFeatures()]
    assert [tuple(r[:5]) for r in rows] == [e[:5] for e in EXPECTED_TABLE]
    assert [r[7] for r in rows] == [10.0] * 3 + [4.0] * 3
    m = QgsVectorLayer(res["OUTPUT_MAP"], "m", "ogr")
    assert m.isValid() and m.featureCount() == 18 and m.crs().authid() == "EPSG:28992"
    res = run_alg("pmiek:comparevariants", {"WERKBANK": path, "VARIANTS": "Hoge groei", "YEARS": "2030",
                                             "OUTPUT": str(tmp_path / "een.gpkg")})
    one = [f.attributes()[1:] for f in QgsVectorLayer(res["OUTPUT"], "e", "ogr").getFeatures()]
    assert [tuple(r[:5]) for r in one] == [("Hoge groei", 2030, 1, 20.0, 0)]
