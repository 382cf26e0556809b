"""Capacity balance: a small example computed by hand (3 stations, 2 knooppunten, 10 developments, 3 projects).

The example (EPSG:28992, coordinates relative to (OX, OY) = (150000, 450000), fictief voorbeeld)::

    stations   S1 (1000,1000)  S2 (5000,1000)  S3 (9000,1000)
    capacity   S1 2025: 10/5, 2030: 12/5 (2035 missing -> 2030)      afname/teruglevering MW
               S2 2025, 2030, 2035: 8/4
               S3 2025: 5/10 (2030, 2035 missing -> 2025)
    areas      A1 box(3000,0,7000,2000) -> S2;  A2 box(7000,0,11000,2000) without station
    knooppunt  K1 box(0,0,3000,3000);  K2 box(4000,0,6000,3000)
    projects   P1 S2 IBN 2030 +6 afname (opgenomen, K2)
               P2 S1 IBN 2035 +4 afname (kandidaat, K1)
               P3 S3 IBN 2025 +10 afname +5 teruglevering, afgevallen

    dev  where                 station (rule)                   kp   MW          year
    D1   (500,500)             S1 expliciet                     K1   6 vraag     2025
    D2   (1500,1500)           S1 nearest (707 m)               K1   3 vraag     2028
    D3   (2500,2500)           S1 nearest (2121 vs 2915)        K1   4 vraag     2033
    D4   (4500,500)            S2 area A1                       K2   9 vraag     2025
    D5   (6500,1500)           S2 area A1                       -    3 vraag     2030
    D6   box(6200,200,6600,600) S2 area A1 (repr. point)        -    3 aanbod    2027
    D7   (9000,1500) in A2     S3 nearest (A2 has no station)   -    2 vraag     none -> 2025
    D8   (8000,500)            S3 expliciet                     -    12 aanbod   2030
    D9   (2800,1000)           S1 nearest (1800 vs 2200)        K1   1 vraag     2035
    D10  (5200,2500) 'S9'?     S2 nearest (S9 unknown)          K2   2 vraag     2035
"""

import math

import pytest

YEARS = [2025, 2030, 2035]
OX, OY = 150000, 450000  # the coordinates above are relative to this point


def example_frames():
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import Point, box

    crs = "EPSG:28992"
    stations = gpd.GeoDataFrame(
        {"station_id": ["S1", "S2", "S3"], "name": ["Station Noord", "Station Midden", "Station Oost"],
         "voltage_level": ["HS", "HS", "HS"]},
        geometry=[Point(1000, 1000), Point(5000, 1000), Point(9000, 1000)], crs=crs)
    cap = pd.DataFrame([
        ("S1", 2025, 10, 5), ("S1", 2030, 12, 5),
        ("S2", 2025, 8, 4), ("S2", 2030, 8, 4), ("S2", 2035, 8, 4),
        ("S3", 2025, 5, 10),
    ], columns=["station_id", "year", "afname_mw", "teruglevering_mw"])
    areas = gpd.GeoDataFrame({"area_id": ["A1", "A2"], "station_id": ["S2", None]},
                             geometry=[box(3000, 0, 7000, 2000), box(7000, 0, 11000, 2000)], crs=crs)
    kps = gpd.GeoDataFrame({"knooppunt_id": ["K1", "K2"], "name": ["Knooppunt West", "Knooppunt Midden"],
                            "karakter": ["lokaal", "provinciaal"]},
                           geometry=[box(0, 0, 3000, 3000), box(4000, 0, 6000, 3000)], crs=crs)
    devs = gpd.GeoDataFrame({
        "dev_id": ["D%d" % i for i in range(1, 11)],
        "name": ["Woonwijk Noord", "Laadplein", "Bedrijventerrein West", "Datacenter", "Woonwijk Oost",
                 "Zonneveld", "Glastuinbouw", "Windpark", "School", "Woonwijk Midden"],
        "sector": ["wonen", "mobiliteit", "bedrijventerrein", "datacenter", "wonen", "zon", "glastuinbouw",
                   "wind", "utiliteit", "wonen"],
        "year_ready": [2025, 2028, 2033, 2025, 2030, 2027, None, 2030, 2035, 2035],
        "demand_mw": [6, 3, 4, 9, 3, 0, 2, 0, 1, 2],
        "supply_mw": [0, 0, 0, 0, 0, 3, 0, 12, 0, 0],
        "station_id": ["S1", None, None, None, None, None, None, "S3", None, "S9"],
    }, geometry=[Point(500, 500), Point(1500, 1500), Point(2500, 2500), Point(4500, 500), Point(6500, 1500),
                 box(6200, 200, 6600, 600), Point(9000, 1500), Point(8000, 500), Point(2800, 1000),
                 Point(5200, 2500)], crs=crs)
    projects = pd.DataFrame([
        ("P1", "Uitbreiding station Midden", "hs_ms_station", "S2", "K2", 2030, 6.0, 0.0, "opgenomen", None),
        ("P2", "Nieuw station Noord", "hs_station", "S1", "K1", 2035, 4.0, 0.0, "kandidaat", None),
        ("P3", "Batterij Oost", "flex_opslag", "S3", None, 2025, 10.0, 5.0, "afgevallen", "te duur"),
    ], columns=["project_id", "name", "type_infra", "station_id", "knooppunt_id", "ibn_year", "capacity_afname_mw",
                "capacity_teruglevering_mw", "status", "status_reason"])
    projects = gpd.GeoDataFrame(projects, geometry=[Point(5000, 1050), Point(1050, 1000), Point(9050, 1000)],
                                crs=crs)
    links = pd.DataFrame([
        ("L1", "P1", "D4", None, 100.0, "datacenter wacht op uitbreiding"),
        ("L2", "P1", "D5", 3.0, None, "woonwijk oost"),
        ("L3", "P2", "D3", None, 100.0, "bedrijventerrein west"),
    ], columns=["link_id", "project_id", "dev_id", "share_mw", "share_pct", "motivation"])
    for g in (stations, areas, kps, devs, projects):  # into the Netherlands (RD New); distances unchanged
        g.geometry = g.geometry.translate(OX, OY)
    return dict(stations=stations, station_capacity=cap, capacity_areas=areas, developments=devs,
                knooppunten=kps, projects=projects, links=links)


def write_example(wb):
    """The example into a werkbank (one transaction)."""
    f = example_frames()
    with wb.transaction():
        wb.write_frame("stations", f["stations"])
        wb.write_frame("station_capacity", f["station_capacity"], mode="insert")
        wb.write_frame("capacity_areas", f["capacity_areas"])
        wb.write_frame("developments", f["developments"])
        wb.write_frame("knooppunten", f["knooppunten"])
        wb.write_frame("projects", f["projects"])
        wb.write_frame("project_links", f["links"])
    return f


def model(**settings):
    from pmiek_werkbank.knooppunten.balance import BalanceInput, BalanceModel, BalanceSettings

    f = example_frames()
    inp = BalanceInput(f["stations"], f["station_capacity"], f["capacity_areas"], f["developments"],
                       f["knooppunten"], f["projects"], f["links"])
    settings.setdefault("krap_pct", 10)
    return BalanceModel(inp, BalanceSettings(years=YEARS, **settings))


def rows(table, unit):
    t = table[table["unit_id"] == unit].sort_values("year")
    return {int(r.year): r for r in t.itertuples()}


def check(table, unit, col, expected):
    got = [rows(table, unit)[y]._asdict()[col] for y in YEARS]
    for g, e in zip(got, expected):
        if isinstance(e, float) and math.isnan(e):
            assert g is None or (isinstance(g, float) and math.isnan(g)), (unit, col, got, expected)
        elif isinstance(e, (int, float)):
            assert g == pytest.approx(e), (unit, col, got, expected)
        else:
            assert g == e, (unit, col, got, expected)


NAN = float("nan")


def test_assignment_rules():
    m = model()
    a = m.assignment.set_index("dev_id")
    assert a.loc["D1", "station_id"] == "S1" and a.loc["D1", "assign_rule"] == "expliciet"
    assert a.loc["D4", "station_id"] == "S2" and a.loc["D4", "assign_rule"] == "capaciteitsgebied"
    assert a.loc["D6", "station_id"] == "S2" and a.loc["D6", "assign_rule"] == "capaciteitsgebied"  # polygon
    assert a.loc["D2", "assign_rule"] == "dichtstbijzijnde station" and a.loc["D2", "station_id"] == "S1"
    assert a.loc["D2", "distance_m"] == pytest.approx(math.hypot(500, 500))
    assert a.loc["D3", "station_id"] == "S1"  # 2121 m to S1, 2915 m to S2
    assert a.loc["D9", "station_id"] == "S1"  # 1800 m vs 2200 m; left of area A1
    # area A2 has no station: the nearest station decides
    assert a.loc["D7", "station_id"] == "S3" and a.loc["D7", "assign_rule"] == "dichtstbijzijnde station"
    # unknown explicit station: falls through, and says so
    assert a.loc["D10", "station_id"] == "S2" and a.loc["D10", "assign_rule"] == "dichtstbijzijnde station"
    assert "S9" in a.loc["D10", "assign_note"]
    assert a.loc["D8", "assign_rule"] == "expliciet"
    # knooppunten of the developments
    assert a["knooppunt_id"].to_dict() == {"D1": "K1", "D2": "K1", "D3": "K1", "D4": "K2", "D5": None,
                                           "D6": None, "D7": None, "D8": None, "D9": "K1", "D10": "K2"}
    assert a.loc["D7", "year_eff"] == 2025 and "geen jaar" in a.loc["D7", "year_note"]


def test_station_balance_by_hand():
    t = model().station_table()
    # S1: limit 10, 12, 12 (2035 from 2030) + P2 (IBN 2035) 4 -> 10, 12, 16
    check(t, "S1", "base_capacity_mw", [10, 12, 12])
    check(t, "S1", "capacity_mw", [10, 12, 16])
    check(t, "S1", "demand_mw", [6, 9, 14])  # D1 | +D2 | +D3 +D9
    check(t, "S1", "balance_mw", [4, 3, 2])
    check(t, "S1", "status", ["ruim", "ruim", "ruim"])  # 2 >= 10 % of 16
    check(t, "S1", "first_shortage_year", [NAN] * 3)
    assert rows(t, "S1")[2035].capacity_note == "capaciteit uit 2030 (2035 ontbreekt)"
    # S2: 8 + P1 (IBN 2030) 6 -> 8, 14, 14; demand D4 9 | +D5 3 | +D10 2
    check(t, "S2", "capacity_mw", [8, 14, 14])
    check(t, "S2", "demand_mw", [9, 12, 14])
    check(t, "S2", "balance_mw", [-1, 2, 0])
    check(t, "S2", "status", ["tekort", "ruim", "krap"])  # the project relieves the shortage from 2030 on
    check(t, "S2", "first_shortage_year", [2025, 2025, 2025])
    check(t, "S2", "unserved_count", [1, 0, 0])
    check(t, "S2", "supply_capacity_mw", [4, 4, 4])
    check(t, "S2", "supply_mw", [0, 3, 3])  # zonneveld D6 from 2027
    check(t, "S2", "supply_balance_mw", [4, 1, 1])
    # S3: 5 everywhere (P3 afgevallen), D7 (no year -> from 2025) 2; teruglevering 10 vs windpark 12 from 2030
    check(t, "S3", "capacity_mw", [5, 5, 5])
    check(t, "S3", "demand_mw", [2, 2, 2])
    check(t, "S3", "status", ["ruim", "ruim", "ruim"])
    check(t, "S3", "supply_balance_mw", [10, -2, -2])
    check(t, "S3", "supply_status", ["ruim", "tekort", "tekort"])
    check(t, "S3", "supply_first_shortage_year", [2030, 2030, 2030])
    check(t, "S3", "unserved_supply_count", [0, 1, 1])
    assert rows(t, "S3")[2030].capacity_note == "capaciteit uit 2025 (2030 ontbreekt)"


def test_knooppunt_balance_by_hand():
    m = model()
    t = m.knooppunt_table()
    assert set(m.serving_stations("K1")["station_id"]) == {"S1"}
    assert set(m.serving_stations("K2")["station_id"]) == {"S2"}
    check(t, "K1", "capacity_mw", [10, 12, 16])
    check(t, "K1", "demand_mw", [6, 9, 14])
    check(t, "K1", "balance_mw", [4, 3, 2])
    # K2: D4 and D10 inside; D5 (and the zonneveld D6) use S2 from outside K2
    check(t, "K2", "capacity_mw", [8, 14, 14])
    check(t, "K2", "demand_mw", [9, 9, 11])
    check(t, "K2", "other_demand_mw", [0, 3, 3])
    check(t, "K2", "balance_mw", [-1, 2, 0])
    check(t, "K2", "status", ["tekort", "ruim", "krap"])
    check(t, "K2", "first_shortage_year", [2025, 2025, 2025])
    check(t, "K2", "unserved_count", [1, 0, 0])
    check(t, "K2", "other_supply_mw", [0, 3, 3])
    check(t, "K2", "supply_balance_mw", [4, 1, 1])
    assert rows(t, "K2")[2025].unit_name == "Knooppunt Midden"


def test_unserved_in_time():
    u = model().unserved().set_index(["dev_id", "direction"])
    assert set(u.index) == {("D4", "afname"), ("D3", "afname"), ("D8", "teruglevering")}
    # D4 (2025): 9 MW vs 8 -> served from 2030, when P1 (linked) is in operation
    d4 = u.loc[("D4", "afname")]
    assert d4["capacity_mw"] == 8 and d4["shortfall_mw"] == 1 and d4["served_from_year"] == 2030
    assert d4["linked_projects"] == "P1"
    # D3 (2033): queue D1+D2+D3 = 13 MW vs 12 in 2033; P2 comes in 2035
    d3 = u.loc[("D3", "afname")]
    assert d3["cum_mw"] == 13 and d3["capacity_mw"] == 12 and d3["served_from_year"] == 2035
    assert d3["linked_projects"] == "P2"
    d8 = u.loc[("D8", "teruglevering")]
    assert d8["shortfall_mw"] == 2 and math.isnan(d8["served_from_year"])


def test_whatif_switches_projects():
    off = model(whatif={"P2": False}).station_table()
    check(off, "S1", "capacity_mw", [10, 12, 12])
    check(off, "S1", "balance_mw", [4, 3, -2])
    check(off, "S1", "status", ["ruim", "ruim", "tekort"])
    check(off, "S1", "first_shortage_year", [2035] * 3)
    check(off, "S1", "unserved_count", [0, 0, 2])  # D3 (cum 13) and D9 (cum 14) above 12
    on = model(whatif="P3").station_table()  # the afgevallen battery switched on
    check(on, "S3", "capacity_mw", [15, 15, 15])
    check(on, "S3", "supply_balance_mw", [15, 3, 3])
    check(on, "S3", "supply_status", ["ruim", "ruim", "ruim"])


def test_krap_threshold_configurable():
    t = model().station_table()
    check(t, "S1", "status", ["ruim", "ruim", "ruim"])
    t = model(krap_pct=25).station_table()  # 4 < 2.5, 3 < 3.0, 2 < 4.0
    check(t, "S1", "status", ["ruim", "ruim", "krap"])


def test_null_year_ignore():
    t = model(null_year="ignore").station_table()
    check(t, "S3", "demand_mw", [0, 0, 0])


def _same(a, b):
    import pandas as pd

    key = ["unit_id", "year"]
    a = a.sort_values(key).reset_index(drop=True)
    b = b.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, check_dtype=False)


def test_incremental_equals_full():
    from pmiek_werkbank.knooppunten.balance import BalanceModel

    m = model()
    # move P1 to 2035 and raise it; add a link-only project; switch P3 on; drop a link
    sids, kids = m.upsert_project({"project_id": "P1", "ibn_year": 2035, "capacity_afname_mw": 7.0})
    assert sids == {"S2"} and kids == {"K2"}
    m.upsert_project({"project_id": "P4", "name": "MS-tracé", "status": "kandidaat", "ibn_year": 2030,
                      "capacity_afname_mw": 2.0, "station_id": None, "knooppunt_id": None})
    m.set_link("P4", "D7", share_pct=50, motivation="glastuinbouw")  # station via link: S3
    m.set_whatif("P3", True)
    m.remove_link("P2", "D3")
    assert m.projects.set_index("project_id").loc["P4", "station_rule"] == "via koppelingen"
    full = BalanceModel(m.inputs.__class__(
        m.inputs.stations, m.inputs.station_capacity, m.inputs.capacity_areas, m.inputs.developments,
        m.inputs.knooppunten, m._projects_raw, m._links), m.settings)
    _same(m.station_table(), full.station_table())
    _same(m.knooppunt_table(), full.knooppunt_table())
    u1 = m.unserved().sort_values(["dev_id", "direction"]).reset_index(drop=True)
    u2 = full.unserved().sort_values(["dev_id", "direction"]).reset_index(drop=True)
    import pandas as pd

    pd.testing.assert_frame_equal(u1, u2, check_dtype=False)
    t = m.station_table()
    check(t, "S2", "capacity_mw", [8, 8, 15])
    check(t, "S3", "capacity_mw", [15, 17, 17])


def test_empty_inputs():
    from pmiek_werkbank.knooppunten.balance import BalanceInput, BalanceModel, BalanceSettings

    m = BalanceModel(BalanceInput(), BalanceSettings(years=YEARS))
    assert len(m.station_table()) == 0 and len(m.knooppunt_table()) == 0 and len(m.unserved()) == 0


def test_from_werkbank_uses_programme_settings(werkbank):
    from pmiek_werkbank.knooppunten.balance import BalanceModel

    write_example(werkbank)
    werkbank.update_programme(horizon_years="2030,2035", krap_threshold_pct=25)
    m = BalanceModel.from_werkbank(werkbank)
    assert m.years == [2030, 2035]
    t = m.station_table()
    s1 = rows(t, "S1")
    assert s1[2035].status == "krap" and s1[2030].balance_mw == 3


def test_parse_errors_in_dutch():
    from pmiek_werkbank.knooppunten.balance import BalanceError, parse_whatif, parse_years

    assert parse_years("2035, 2025;2030") == [2025, 2030, 2035]
    with pytest.raises(BalanceError, match="geen jaartal"):
        parse_years("2025,straks")
    assert parse_whatif("P1, -P2 ,+P3") == {"P1": True, "P2": False, "P3": True}


def test_development_without_geometry_or_station():
    import geopandas as gpd
    import pandas as pd

    from pmiek_werkbank.knooppunten.balance import BalanceInput, BalanceModel, BalanceSettings

    f = example_frames()
    extra = gpd.GeoDataFrame({"dev_id": ["D11"], "name": ["Zonder locatie"], "sector": ["wonen"],
                              "year_ready": [2030], "demand_mw": [1.5], "supply_mw": [0.0], "station_id": [None]},
                             geometry=[None], crs="EPSG:28992")
    devs = pd.concat([f["developments"], extra], ignore_index=True)
    m = BalanceModel(BalanceInput(f["stations"], f["station_capacity"], f["capacity_areas"], devs,
                                  f["knooppunten"], f["projects"], f["links"]), BalanceSettings(years=YEARS))
    a = m.assignment.set_index("dev_id")
    assert a.loc["D11", "assign_rule"] == "geen station" and "geen geometrie" in a.loc["D11", "assign_note"]
    u = m.unserved().set_index("dev_id")
    assert u.loc["D11", "reason"] == "geen station gevonden" and u.loc["D11", "shortfall_mw"] == 1.5
    # the station balances are unchanged
    check(m.station_table(), "S2", "balance_mw", [-1, 2, 0])


def test_nearest_station_limited_by_distance_and_province():
    from shapely.geometry import box

    m = model(nearest_max_m=1000)
    a = m.assignment.set_index("dev_id")
    assert a.loc["D2", "station_id"] == "S1"  # 707 m
    assert a.loc["D3", "assign_rule"] == "geen station"  # 2121 m > 1000 m
    # a province polygon that holds S2 and S3 only: D2 goes to S2
    m = model(province=box(OX + 4000, OY - 1000, OX + 12000, OY + 3000))
    assert m.assignment.set_index("dev_id").loc["D2", "station_id"] == "S2"


def test_whatif_off_when_every_project_has_an_entry(werkbank):
    """Regression: with a what-if entry for every project, 'off' must still switch the project off."""
    import shapely

    import geopandas as gpd
    from pmiek_werkbank.knooppunten.balance import BalanceModel

    werkbank.write_frame("stations", gpd.GeoDataFrame(
        {"station_id": ["S"], "name": ["S"]}, geometry=[shapely.Point(140000, 455000)], crs=28992))
    werkbank.write_frame("station_capacity", [{"station_id": "S", "year": 2025, "afname_mw": 10.0}])
    werkbank.write_frame("projects", [{"project_id": "P", "name": "P", "station_id": "S", "ibn_year": 2026,
                                       "capacity_afname_mw": 5.0}])
    on = BalanceModel.from_werkbank(werkbank, years=[2030]).station_table()
    off = BalanceModel.from_werkbank(werkbank, years=[2030], whatif={"P": False}).station_table()
    assert on["capacity_mw"].tolist() == [15.0]
    assert off["capacity_mw"].tolist() == [10.0]


def test_balance_without_frames_per_development():
    """compute_balance(per_development=False), what the export facts use: the same station, knooppunt, project
    and link frames, without the assignment and unserved frames (a row per development: 130 MiB at national size,
    kept by every export)."""
    from pmiek_werkbank.knooppunten.balance import BalanceInput, BalanceSettings, compute_balance

    def inputs():
        f = example_frames()
        return BalanceInput(f["stations"], f["station_capacity"], f["capacity_areas"], f["developments"],
                            f["knooppunten"], f["projects"], f["links"])

    full = compute_balance(inputs(), BalanceSettings(years=YEARS))
    light = compute_balance(inputs(), BalanceSettings(years=YEARS), per_development=False)
    assert light.assignment is None and light.unserved is None and len(full.assignment) and len(full.unserved)
    for name in ("stations", "knooppunten", "projects", "links"):
        a, b = getattr(full, name), getattr(light, name)
        assert len(a) and a.equals(b), name
