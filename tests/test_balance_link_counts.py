"""n_developments counts what the station's MW hold, links included (Limburg trial: a station read 85 MW of demand
from 0 developments, since the count left out developments that links move there).

Hand-made programme (fictief voorbeeld), zichtjaren 2025, 2030, 2035; every development ready in 2025::

    station  own developments          projects (station, IBN)
    S1       D1 4 MW, D2 2 MW          PB (S1, 2035)
    S2       -                         PA (S2, 2030)
    S3       D3 3 MW
    links: D1 100 % -> PA, D2 50 % -> PA, D3 60 % -> PA and 40 % -> PB

Expected n_developments (and demand in MW):
    S1  2025: D1, D2 = 2 (6)   2030: D2 (D1 moved away whole) = 1 (1)   2035: D2 and D3's 40 % = 2 (2.2)
    S2  2025: 0 (0)            2030: D1, D2, D3 = 3 (4 + 1 + 1.8)       2035: 3 (6.8)
    S3  2025: D3 = 1 (3)       2030: D3's 40 % left = 1 (1.2)           2035: 0 (D3 gone whole) (0)
"""

import pytest

YEARS = [2025, 2030, 2035]
EXPECTED = {  # (station, year): (n_developments, demand_mw)
    ("S1", 2025): (2, 6.0), ("S1", 2030): (1, 1.0), ("S1", 2035): (2, 2.2),
    ("S2", 2025): (0, 0.0), ("S2", 2030): (3, 6.8), ("S2", 2035): (3, 6.8),
    ("S3", 2025): (1, 3.0), ("S3", 2030): (1, 1.2), ("S3", 2035): (0, 0.0),
}


def _inputs(links):
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import Point

    from pmiek_werkbank.knooppunten.balance import BalanceInput

    crs = "EPSG:28992"
    stations = gpd.GeoDataFrame({"station_id": ["S1", "S2", "S3"], "name": ["Een", "Twee", "Drie"]},
                                geometry=[Point(150000 + 5000 * i, 450000) for i in range(3)], crs=crs)
    cap = pd.DataFrame([(s, 2025, 100.0, 100.0) for s in ("S1", "S2", "S3")],
                       columns=["station_id", "year", "afname_mw", "teruglevering_mw"])
    devs = gpd.GeoDataFrame({"dev_id": ["D1", "D2", "D3"], "name": ["Wijk 1", "Wijk 2", "Wijk 3"],
                             "sector": ["wonen"] * 3, "year_ready": [2025] * 3, "demand_mw": [4.0, 2.0, 3.0],
                             "supply_mw": [0.0] * 3, "station_id": ["S1", "S1", "S3"]},
                            geometry=[Point(150100, 450100), Point(150200, 450100), Point(160100, 450100)], crs=crs)
    projects = pd.DataFrame([("PA", "Station Twee", "kandidaat", "S2", None, 2030, 10.0, 0.0),
                             ("PB", "Station Een", "opgenomen", "S1", None, 2035, 5.0, 0.0)],
                            columns=["project_id", "name", "status", "station_id", "knooppunt_id", "ibn_year",
                                     "capacity_afname_mw", "capacity_teruglevering_mw"])
    lk = pd.DataFrame([("L{}".format(i), p, d, None, pct, None) for i, (p, d, pct) in enumerate(links)],
                      columns=["link_id", "project_id", "dev_id", "share_mw", "share_pct", "motivation"])
    return BalanceInput(stations, cap, None, devs, None, projects, lk)


LINKS = [("PA", "D1", 100.0), ("PA", "D2", 50.0), ("PA", "D3", 60.0), ("PB", "D3", 40.0)]


def _counts(model):
    t = model.table("station")
    return {(r.unit_id, int(r.year)): (int(r.n_developments), round(float(r.demand_mw), 6)) for r in t.itertuples()}


def _independent(model):
    """The count from the model's own links and assignment, worked out row by row: a development counts at a station
    in a year when a non-zero part of its MW is there."""
    a = model.assignment.set_index("dev_id")
    moves = model.links()
    out = {}
    for sid in ("S1", "S2", "S3"):
        for y in YEARS:
            n = 0
            for dev, row in a.iterrows():
                moved = moves[(moves["dev_id"] == dev) & (moves["from_year"] <= y)]
                away = moved[moved["to_station_id"] != row["station_id"]]["moved_mw"].sum() / row["demand_mw"]
                own = row["station_id"] == sid and row["year_eff"] <= y and away < 1 - 1e-9
                came = ((moved["to_station_id"] == sid) & (moved["moved_mw"] > 0)).any()
                n += bool(own or came)
            out[(sid, y)] = n
    return out


def test_n_developments_follow_the_moved_mw():
    from pmiek_werkbank.knooppunten.balance import BalanceModel, BalanceSettings

    model = BalanceModel(_inputs(LINKS), BalanceSettings(years=YEARS))
    got = _counts(model)
    assert {k: (n, pytest.approx(mw)) for k, (n, mw) in got.items()} == EXPECTED
    assert {k: n for k, (n, _mw) in got.items()} == _independent(model)


def test_incremental_link_edits_count_as_a_full_recomputation():
    from pmiek_werkbank.knooppunten.balance import BalanceModel, BalanceSettings

    model = BalanceModel(_inputs(LINKS[:1]), BalanceSettings(years=YEARS))
    for project, dev, pct in LINKS[1:]:
        model.set_link(project, dev, share_pct=pct)
    assert _counts(model) == _counts(BalanceModel(_inputs(LINKS), BalanceSettings(years=YEARS)))
    model.remove_link("PA", "D1")  # D1 back at S1 whole
    fresh = BalanceModel(_inputs(LINKS[1:]), BalanceSettings(years=YEARS))
    assert _counts(model) == _counts(fresh)
    assert _counts(model)[("S1", 2030)][0] == 2 and _counts(model)[("S2", 2030)][0] == 2
