"""The capacity balance gives exactly the same frames as the reference implementation.

``tests/data/balance_reference.py`` is a frozen copy of ``knooppunten/balance.py`` as it was before the
numpy rewrite (commit f97967e, pandas merges/groupbys).  Random but fixed-seed inputs (a few hundred
developments, 20 stations, capacity areas, knooppunten, 30 projects with links and IBN years, what-if
switches, and the awkward cases: unknown ids, missing geometry/years/capacity, duplicates, overlaps) go
through both; every frame (station and knooppunt tables, assignment, unserved, projects, serving stations,
links, unit series) must be equal, for the full computation and after each step of a sequence of
incremental edits.  Floats are compared to 1e-12 relative (summation order may differ in the last bit);
everything else (columns, dtypes, order, strings, NaN/None) exactly.  Fictief voorbeeld.
"""

import importlib.util
import os

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
X0, Y0 = 140000.0, 450000.0  # inside Utrecht (RD New)
SIZE = 20000.0


def _reference():
    spec = importlib.util.spec_from_file_location("pmiek_balance_reference",
                                                  os.path.join(HERE, "data", "balance_reference.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


REF = _reference()


def _new():
    from pmiek_werkbank.knooppunten import balance

    return balance


# ---- random inputs ----------------------------------------------------------------------------------

def random_frames(seed, n_dev=300, n_st=20, n_kp=6, n_proj=30, n_links=70, messy=True):
    """Random inputs as frames (BalanceInput arguments).  ``messy`` adds the awkward cases."""
    import geopandas as gpd
    import numpy as np
    import pandas as pd
    import shapely

    rng = np.random.default_rng(seed)
    crs = "EPSG:28992"

    def pt():
        return shapely.Point(X0 + rng.uniform(0, SIZE), Y0 + rng.uniform(0, SIZE))

    # stations: a grid-ish set of points; a couple far outside
    sids = ["S%02d" % i for i in range(1, n_st + 1)]
    sgeom = [pt() for _ in sids]
    if messy:
        sgeom[-1] = shapely.Point(X0 + 3 * SIZE, Y0 + 3 * SIZE)  # outside the 'province'
        sgeom[-2] = None  # a station without location
    stations = gpd.GeoDataFrame({"station_id": sids, "name": ["Station %s" % s for s in sids]},
                                geometry=sgeom, crs=crs)
    # capacity: most stations 2025/2030/2035, some only a later year, one none, odd years
    cap = []
    for i, s in enumerate(sids):
        if messy and i == 3:
            continue  # no capacity at all
        years = [2025, 2030, 2035]
        if messy and i % 5 == 1:
            years = [2030]
        elif messy and i % 7 == 2:
            years = [2025, 2033]
        base = rng.uniform(0, 35)
        for y in years:
            base += rng.uniform(0, 15)
            cap.append((s, y, round(base, 3), round(rng.uniform(0, 40), 3)))
    station_capacity = pd.DataFrame(cap, columns=["station_id", "year", "afname_mw", "teruglevering_mw"])
    if messy:
        extra = pd.DataFrame([("S99", 2025, 10.0, 5.0), (None, 2025, 1.0, 1.0), ("S05", None, 3.0, 3.0)],
                             columns=station_capacity.columns)
        station_capacity = pd.concat([station_capacity, extra], ignore_index=True)
        station_capacity.loc[1, "teruglevering_mw"] = np.nan  # S01 2030: teruglevering not known (onbekend)
        station_capacity.loc[2, "afname_mw"] = 0.0  # S01 2035: 0 MW is a known limit
    # capacity areas: boxes around some stations (overlapping), one without station, one with unknown station
    areas, aid, ast = [], [], []
    for i, s in enumerate(sids[: n_st // 2]):
        g = sgeom[i]
        if g is None:
            continue
        w = rng.uniform(1500, 5000)
        areas.append(shapely.box(g.x - w, g.y - w, g.x + w, g.y + w))
        aid.append("A%02d" % i)
        ast.append(s)
    if messy:
        areas += [shapely.box(X0, Y0, X0 + 3000, Y0 + 3000), shapely.box(X0 + 15000, Y0, X0 + 20000, Y0 + 5000),
                  None]
        aid += ["A-none", "A-unknown", "A-nogeom"]
        ast += [None, "S77", sids[0]]
    capacity_areas = gpd.GeoDataFrame({"area_id": aid, "station_id": ast}, geometry=areas, crs=crs)
    # knooppunten: boxes, overlapping; one containing stations
    kgeom, kid = [], []
    for i in range(n_kp):
        x, y = X0 + rng.uniform(0, SIZE - 6000), Y0 + rng.uniform(0, SIZE - 6000)
        kgeom.append(shapely.box(x, y, x + rng.uniform(2000, 6000), y + rng.uniform(2000, 6000)))
        kid.append("K%d" % (i + 1))
    if messy:
        kgeom.append(None)
        kid.append("K-nogeom")
    knooppunten = gpd.GeoDataFrame({"knooppunt_id": kid, "name": ["Knooppunt %s" % k for k in kid]},
                                   geometry=kgeom, crs=crs)
    # developments: points and small rectangles
    sectors = ["wonen", "bedrijventerrein", "mobiliteit", "datacenter", "zon", "wind"]
    dgeom = []
    for i in range(n_dev):
        p = pt()
        if i % 3 == 0:
            w, h = rng.uniform(20, 400, 2)
            dgeom.append(shapely.box(p.x, p.y, p.x + w, p.y + h))
        else:
            dgeom.append(p)
    sector = rng.choice(sectors, n_dev)
    producing = np.isin(sector, ["zon", "wind"])
    demand = np.where(producing, 0.0, np.round(rng.gamma(1.5, 3.0, n_dev), 3))
    supply = np.where(producing, np.round(rng.gamma(2.0, 5.0, n_dev), 3), 0.0)
    year = rng.choice([2024, 2025, 2026, 2028, 2030, 2031, 2033, 2035, 2037, 2040], n_dev).astype(float)
    dstation = np.full(n_dev, None, dtype=object)
    if messy:
        year[rng.random(n_dev) < 0.08] = np.nan
        demand[rng.random(n_dev) < 0.03] = np.nan
        both = rng.random(n_dev) < 0.05
        supply[both] = 1.5
        pick = rng.random(n_dev) < 0.1
        dstation[pick] = rng.choice(sids, pick.sum())
        dstation[rng.random(n_dev) < 0.02] = "S88"  # unknown
        dstation[rng.random(n_dev) < 0.02] = "  "  # blank
        for i in rng.choice(n_dev, 6, replace=False):
            dgeom[i] = None
        dgeom[int(rng.integers(n_dev))] = shapely.Polygon()  # empty geometry
    developments = gpd.GeoDataFrame({
        "dev_id": ["D%04d" % i for i in range(n_dev)],
        "name": ["Ontwikkeling %d" % i for i in range(n_dev)],
        "sector": sector,
        "year_ready": year,
        "demand_mw": demand,
        "supply_mw": supply,
        "station_id": dstation,
    }, geometry=dgeom, crs=crs)
    # projects
    pids = ["P%02d" % i for i in range(1, n_proj + 1)]
    pst = rng.choice(sids, n_proj).astype(object)
    pst[rng.random(n_proj) < 0.35] = None  # station via links
    if messy:
        pst[2] = "S66"  # unknown station -> via links or none
    pkp = np.where(rng.random(n_proj) < 0.4, rng.choice(kid[:n_kp], n_proj), None).astype(object)
    ibn = rng.choice([2024, 2026, 2028, 2030, 2032, 2035, 2036], n_proj).astype(float)
    status = rng.choice(["kandidaat", "opgenomen", "afgevallen"], n_proj, p=[0.5, 0.35, 0.15]).astype(object)
    if messy:
        ibn[rng.random(n_proj) < 0.15] = np.nan
    afn = np.round(rng.uniform(0, 30, n_proj), 3)
    ter = np.round(rng.uniform(0, 20, n_proj), 3)
    if messy:
        afn[1] = np.nan
    projects = pd.DataFrame({
        "project_id": pids, "name": ["Project %s" % p for p in pids], "status": status, "station_id": pst,
        "knooppunt_id": pkp, "ibn_year": ibn, "capacity_afname_mw": afn, "capacity_teruglevering_mw": ter,
        "type_infra": "hs_ms_station",
        "status_reason": np.where(status == "afgevallen", "te duur", None),
    })
    # links
    lk = []
    seen = set()
    while len(lk) < n_links:
        p = pids[int(rng.integers(n_proj))]
        d = "D%04d" % int(rng.integers(n_dev))
        if (p, d) in seen:
            continue
        seen.add((p, d))
        r = rng.random()
        share_mw = round(float(rng.uniform(0.5, 20)), 3) if r < 0.3 else None
        share_pct = round(float(rng.uniform(5, 100)), 2) if 0.3 <= r < 0.7 else None
        lk.append(("L%03d" % len(lk), p, d, share_mw, share_pct, "motivatie"))
    links = pd.DataFrame(lk, columns=["link_id", "project_id", "dev_id", "share_mw", "share_pct", "motivation"])
    whatif = {pids[4]: True, pids[7]: False}
    if messy:
        whatif[pids[9]] = True  # maybe afgevallen / without IBN
    return dict(stations=stations, station_capacity=station_capacity, capacity_areas=capacity_areas,
                developments=developments, knooppunten=knooppunten, projects=projects, links=links), whatif


def _inputs(mod, frames):
    f = {k: (v.copy() if v is not None else None) for k, v in frames.items()}
    return mod.BalanceInput(f["stations"], f["station_capacity"], f["capacity_areas"], f["developments"],
                            f["knooppunten"], f["projects"], f["links"])


def _models(frames, **settings):
    """The reference and the new model; the reference predates 'links carry demand', so the new model runs
    with ``links_move_demand=False`` here (that rule is compared with an independent computation below)."""
    ref = REF.BalanceModel(_inputs(REF, frames), REF.BalanceSettings(**settings))
    new = _new().BalanceModel(_inputs(_new(), frames), _new().BalanceSettings(links_move_demand=False, **settings))
    return ref, new


# ---- comparison -------------------------------------------------------------------------------------------

def assert_same(expected, got, what="", strict_index=True):
    from pandas.testing import assert_frame_equal

    assert list(got.columns) == list(expected.columns), what
    assert_frame_equal(got, expected, check_exact=False, rtol=1e-12, atol=1e-9, obj=what,
                       check_index_type=True if strict_index else "equiv", check_column_type=True)
    if strict_index:
        assert type(got.index) is type(expected.index), what
    # None vs NaN in object columns is a visible difference too (assert_frame_equal treats them alike)
    for c in expected.columns:
        if expected[c].dtype == object:
            e = [type(v).__name__ if v is None or v != v else "x" for v in expected[c]]
            g = [type(v).__name__ if v is None or v != v else "x" for v in got[c]]
            assert e == g, "{}: None/NaN differ in column {}".format(what, c)


def assert_models_equal(ref, new, what="", strict_index=True):
    assert new.years == ref.years
    assert_same(ref.station_table(), new.station_table(), what + " station_table")
    assert_same(ref.knooppunt_table(), new.knooppunt_table(), what + " knooppunt_table")
    assert_same(ref.table("knooppunt"), new.table("knooppunt"), what + " table(knooppunt)")
    assert_same(ref.assignment, new.assignment, what + " assignment")
    assert_same(ref.unserved(), new.unserved(), what + " unserved")
    assert_same(ref.projects, new.projects, what + " projects")
    assert_same(ref.serving_stations(), new.serving_stations(), what + " serving_stations")
    # a model built afresh has a RangeIndex where an edited one has 0..n: compare that only like for like
    assert_same(ref.links(), new.links(), what + " links", strict_index)
    st = ref.station_table()
    kt = ref.knooppunt_table()
    for level, t in (("station", st), ("knooppunt", kt)):
        for u in list(dict.fromkeys(t["unit_id"]))[:3]:
            assert_same(ref.unit_series(level, u), new.unit_series(level, u), "{} unit_series {}".format(what, u))
    if len(kt):
        k = kt["unit_id"].iloc[0]
        assert_same(ref.serving_stations(k), new.serving_stations(k), what + " serving_stations(k)")


def _full(mod, m):
    """A fresh full computation of model ``m``'s current inputs (same module)."""
    i = m.inputs
    return mod.BalanceModel(mod.BalanceInput(i.stations, i.station_capacity, i.capacity_areas, i.developments,
                                             i.knooppunten, m._projects_raw.copy(), m._links.copy()),
                            mod.BalanceSettings(years=list(m.settings.years), krap_pct=m.settings.krap_pct,
                                                null_year=m.settings.null_year, whatif=dict(m.settings.whatif),
                                                nearest_max_m=m.settings.nearest_max_m,
                                                province=m.settings.province,
                                                **({"links_move_demand": m.settings.links_move_demand}
                                                   if hasattr(m.settings, "links_move_demand") else {})))


def edit_sequence(frames):
    """(name, function(model) -> result) edits, applied alike to both models."""
    a_dev = frames["developments"]
    devs = list(a_dev["dev_id"])
    pids = list(frames["projects"]["project_id"])
    nostation = [p for p, s in zip(pids, frames["projects"]["station_id"]) if s is None]
    p_links = nostation[0] if nostation else pids[0]

    def replace_projects(m):
        import numpy as np

        p = frames["projects"].copy()
        p.loc[p.index[:6], "ibn_year"] = [2025.0, 2031.0, np.nan, 2035.0, 2027.0, 2030.0]
        p.loc[p.index[3], "status"] = "afgevallen"
        p.loc[p.index[10], "station_id"] = None
        p.loc[p.index[11], "knooppunt_id"] = "K2"
        p = p.drop(index=p.index[12])
        return m.replace_projects(p)

    def replace_links(m):
        lk = frames["links"].iloc[::2].copy()
        return m.replace_links(lk)

    return [
        ("set_link heavy", lambda m: m.set_link(p_links, devs[17], share_mw=500.0, motivation="zwaar")),
        ("set_link pct", lambda m: m.set_link(pids[5], devs[40], share_pct=50.0)),
        ("set_link change", lambda m: m.set_link(p_links, devs[17], share_pct=10.0)),
        ("remove_link", lambda m: m.remove_link(p_links, devs[17])),
        ("remove_link absent", lambda m: m.remove_link(pids[0], "D-nope")),
        ("upsert existing", lambda m: m.upsert_project({"project_id": pids[0], "ibn_year": 2029,
                                                         "capacity_afname_mw": 12.5})),
        ("upsert moves station", lambda m: m.upsert_project({"project_id": pids[1], "station_id": "S04",
                                                              "knooppunt_id": "K3", "ibn_year": 2026})),
        ("upsert new", lambda m: m.upsert_project({"project_id": "PN", "name": "Nieuw", "status": "kandidaat",
                                                    "ibn_year": 2030, "capacity_afname_mw": 8.0,
                                                    "capacity_teruglevering_mw": 2.0, "station_id": None,
                                                    "knooppunt_id": "K1"})),
        ("link new", lambda m: m.set_link("PN", devs[100], share_mw=40.0)),
        ("upsert kp only", lambda m: m.upsert_project({"project_id": "PK", "name": "Alleen knooppunt",
                                                        "status": "opgenomen", "ibn_year": 2028,
                                                        "capacity_afname_mw": 5.0, "station_id": None,
                                                        "knooppunt_id": "K2"})),
        ("whatif off", lambda m: m.set_whatif(pids[2], False)),
        ("whatif on", lambda m: m.set_whatif(pids[3], True)),
        ("whatif on new", lambda m: m.set_whatif("PK", True)),
        ("whatif reset", lambda m: m.set_whatif(pids[2], None)),
        ("remove project", lambda m: m.remove_project(pids[6])),
        ("replace_projects", replace_projects),
        ("replace_links", replace_links),
        ("set_years", lambda m: m.set_years([2028, 2033])),
        ("link after years", lambda m: m.set_link(pids[8], devs[201], share_mw=25.0)),
        ("set_years back", lambda m: m.set_years("2025,2030,2035,2040")),
        ("whatif after years", lambda m: m.set_whatif(pids[9], False)),
    ]


def _norm(result):
    if result is None:
        return None
    s, k = result
    return sorted(s), sorted(k)


SETTINGS = [
    dict(years=[2025, 2030, 2035], krap_pct=10),
    dict(years=[2024, 2027, 2030, 2036], krap_pct=25, null_year="ignore"),
    dict(years=[2025, 2030, 2035], nearest_max_m=4000),
]


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("which", range(len(SETTINGS)))
def test_full_computation_equal(seed, which):
    frames, whatif = random_frames(seed)
    settings = dict(SETTINGS[which], whatif=whatif)
    ref, new = _models(frames, **settings)
    assert_models_equal(ref, new, "seed {} settings {}".format(seed, which))
    r = REF.compute_balance(_inputs(REF, frames), REF.BalanceSettings(**settings))
    n = _new().compute_balance(_inputs(_new(), frames), _new().BalanceSettings(links_move_demand=False, **settings))
    for name in ("stations", "knooppunten", "assignment", "unserved", "projects"):
        assert_same(getattr(r, name), getattr(n, name), "compute_balance " + name)


def test_province_limit_equal():
    import shapely

    frames, whatif = random_frames(4)
    prov = shapely.box(X0, Y0, X0 + SIZE * 0.6, Y0 + SIZE)
    ref, new = _models(frames, years=[2025, 2030, 2035], whatif=whatif, province=prov)
    assert_models_equal(ref, new, "province")


@pytest.mark.parametrize("seed", [5, 6])
def test_incremental_edits_equal(seed):
    frames, whatif = random_frames(seed)
    ref, new = _models(frames, years=[2025, 2030, 2035], whatif=whatif)
    assert_models_equal(ref, new, "start")
    for name, edit in edit_sequence(frames):
        r = edit(ref)
        n = edit(new)
        assert _norm(n) == _norm(r), name
        assert_models_equal(ref, new, name)
        # and the incremental state equals a full computation of the new implementation
        assert_models_equal(ref, _full(_new(), new), name + " (vs full)", strict_index=False)


def test_clean_inputs_equal():
    frames, whatif = random_frames(7, n_dev=400, messy=False)
    ref, new = _models(frames, years=[2025, 2030, 2035], whatif=whatif)
    assert_models_equal(ref, new, "clean")
    for name, edit in edit_sequence(frames)[:8]:
        assert _norm(edit(new)) == _norm(edit(ref)), name
        assert_models_equal(ref, new, name)


def test_small_and_empty_inputs_equal():
    from test_balance import example_frames

    f = example_frames()
    frames = dict(stations=f["stations"], station_capacity=f["station_capacity"],
                  capacity_areas=f["capacity_areas"], developments=f["developments"], knooppunten=f["knooppunten"],
                  projects=f["projects"], links=f["links"])
    for settings in (dict(years=[2025, 2030, 2035]), dict(years=[2025, 2030, 2035], whatif={"P2": False}),
                     dict(years=[2030], whatif="P3")):
        ref, new = _models(frames, **settings)
        assert_models_equal(ref, new, "example {}".format(settings))
    # no projects, no links, no knooppunten, no areas
    empty = dict(frames, projects=None, links=None, knooppunten=None, capacity_areas=None)
    ref, new = _models(empty, years=[2025, 2030])
    assert_models_equal(ref, new, "no projects")
    assert _norm(new.set_link("P1", "D4", share_mw=3.0)) == _norm(ref.set_link("P1", "D4", share_mw=3.0))
    assert_models_equal(ref, new, "link without project")
    # no capacity at all
    ref, new = _models(dict(frames, station_capacity=None), years=[2025, 2030])
    assert_models_equal(ref, new, "no capacity")
    # knooppunten and developments but no stations yet
    ref, new = _models(dict(frames, stations=None, station_capacity=None), years=[2025, 2030])
    assert_models_equal(ref, new, "no stations")
    # integer MW in every development and project (caller frames): integer sums stay integer
    whole = dict(frames, developments=f["developments"].assign(demand_mw=1, supply_mw=2),
                 projects=f["projects"].assign(capacity_afname_mw=3, capacity_teruglevering_mw=1, ibn_year=2020))
    ref, new = _models(whole, years=[2025, 2030])
    assert_models_equal(ref, new, "integer MW")
    # nothing
    ref = REF.BalanceModel(REF.BalanceInput(), REF.BalanceSettings(years=[2025]))
    new = _new().BalanceModel(_new().BalanceInput(), _new().BalanceSettings(years=[2025]))
    assert_models_equal(ref, new, "empty")
    assert _norm(new.upsert_project({"project_id": "X", "ibn_year": 2025})) == _norm(
        ref.upsert_project({"project_id": "X", "ibn_year": 2025}))
    assert_models_equal(ref, new, "empty + project")


def test_from_werkbank_equal(werkbank):
    """Through a real werkbank: load_inputs and the models built from it."""
    import numpy as np
    import pandas as pd
    import shapely

    frames, whatif = random_frames(11, messy=False)
    frames["developments"].loc[[3, 50], "year_ready"] = np.nan
    frames["developments"].loc[[5], "station_id"] = "S02"
    lk = frames["links"]
    frames["links"] = lk[lk["dev_id"].isin(frames["developments"]["dev_id"])].assign(share_mw=None)  # all NULL
    pr = frames["projects"]
    with werkbank.transaction():
        werkbank.write_frame("stations", frames["stations"])
        werkbank.write_frame("station_capacity", frames["station_capacity"], mode="insert")
        werkbank.write_frame("capacity_areas", frames["capacity_areas"])
        werkbank.write_frame("developments", frames["developments"])
        werkbank.write_frame("knooppunten", frames["knooppunten"])
        werkbank.write_frame("projects", pr)
        werkbank.write_frame("project_links", frames["links"])
    ri = REF.load_inputs(werkbank)
    ni = _new().load_inputs(werkbank)
    for name in ("stations", "station_capacity", "capacity_areas", "developments", "knooppunten", "projects",
                 "links"):
        a, b = getattr(ri, name), getattr(ni, name)
        assert list(b.columns) == list(a.columns), name
        if hasattr(a, "geometry") and "geometry" in a.columns:
            assert b.crs == a.crs, name
            ga, gb = np.asarray(a.geometry.values, dtype=object), np.asarray(b.geometry.values, dtype=object)
            assert (shapely.equals_exact(ga, gb, 0) | (shapely.is_missing(ga) & shapely.is_missing(gb))).all(), name
            a, b = pd.DataFrame(a.drop(columns="geometry")), pd.DataFrame(b.drop(columns="geometry"))
        assert_same(a, b, "load_inputs " + name)
    ref = REF.BalanceModel.from_werkbank(werkbank, whatif=whatif)
    new = _new().BalanceModel.from_werkbank(werkbank, whatif=whatif, links_move_demand=False)
    assert_models_equal(ref, new, "from_werkbank")
    for name, edit in edit_sequence(frames)[:10]:
        assert _norm(edit(new)) == _norm(edit(ref)), name
        assert_models_equal(ref, new, "from_werkbank " + name)
    r = REF.balance_from_werkbank(werkbank, years="2025,2030")
    n = _new().balance_from_werkbank(werkbank, years="2025,2030", links_move_demand=False)
    for name in ("stations", "knooppunten", "assignment", "unserved", "projects"):
        assert_same(getattr(r, name), getattr(n, name), "balance_from_werkbank " + name)


def test_nearest_ties_limits_and_non_point_stations_equal():
    """The k-d tree shortcut of the nearest-station rule: exact ties, the distance limit, non-point stations."""
    import geopandas as gpd
    import shapely

    frames, whatif = random_frames(8, n_dev=120)
    st = frames["stations"]
    dev = frames["developments"]
    # two stations at equal distance from developments (ties broken by station_id), one more at exactly 1 km
    x, y = X0 + 10000.0, Y0 + 10000.0
    extra_st = gpd.GeoDataFrame({"station_id": ["T-b", "T-a", "T-c"], "name": ["b", "a", "c"]},
                                geometry=[shapely.Point(x - 500, y), shapely.Point(x + 500, y),
                                          shapely.Point(x, y + 2000)], crs=st.crs)
    extra_dev = gpd.GeoDataFrame({"dev_id": ["TIE1", "TIE2", "LIM"], "name": ["t1", "t2", "lim"],
                                  "sector": ["wonen"] * 3, "year_ready": [2025.0] * 3, "demand_mw": [1.0] * 3,
                                  "supply_mw": [0.0] * 3, "station_id": [None] * 3},
                                 geometry=[shapely.Point(x, y), shapely.Point(x, y - 300),
                                           shapely.Point(x, y + 1000)], crs=st.crs)
    frames["stations"] = gpd.GeoDataFrame(pd_concat([st, extra_st]), crs=st.crs)
    frames["developments"] = gpd.GeoDataFrame(pd_concat([dev, extra_dev]), crs=st.crs)
    frames["capacity_areas"] = None
    for settings in (dict(), dict(nearest_max_m=1000.0), dict(nearest_max_m=5000.0)):
        ref, new = _models(frames, years=[2025, 2030], whatif=whatif, **settings)
        assert_models_equal(ref, new, "ties {}".format(settings))
        assert new.assignment.set_index("dev_id").loc["TIE1", "station_id"] == "T-a"
    # stations that are not points (a tiny square instead): the sjoin_nearest path
    frames["stations"] = frames["stations"].assign(geometry=frames["stations"].geometry.buffer(5, cap_style=3))
    ref, new = _models(frames, years=[2025, 2030], whatif=whatif)
    assert_models_equal(ref, new, "square stations")


def pd_concat(frames):
    import pandas as pd

    return pd.concat(frames, ignore_index=True)


# ---- links carry demand: incremental == full, and an independent computation of the moved MW -------------

def moved_by_links(model):
    """Independent pandas computation of the MW links move (station, year) -> (demand, supply) delta.

    The rule (knooppunten.balance, 'Links carry demand'): for each link to an active project with a station and
    an effective IBN year, the linked share of the development (share_mw, else share_pct, else 100 %; several links
    of one development together at most 100 %) counts at the project's station from max(IBN, year of the
    development) instead of at the development's own station.
    """
    import pandas as pd

    a = model.assignment.drop_duplicates("dev_id").set_index("dev_id")
    p = model.projects.drop_duplicates("project_id").set_index("project_id")
    rows = []
    for lk in model._links.to_dict("records"):
        d, pid = lk["dev_id"], lk["project_id"]
        if d not in a.index or pid not in p.index:
            continue
        dev, prj = a.loc[d], p.loc[pid]
        dem, sup = float(dev["demand_mw"]), float(dev["supply_mw"])
        dev_mw = dem if dem > 0 else sup
        smw, spct = pd.to_numeric(lk.get("share_mw"), errors="coerce"), pd.to_numeric(lk.get("share_pct"),
                                                                                        errors="coerce")
        mw = smw if pd.notna(smw) else (spct / 100.0 * dev_mw if pd.notna(spct) else dev_mw)
        frac = min(max(mw / dev_mw, 0.0), 1.0) if dev_mw > 0 else 0.0
        ok = (bool(prj["active"]) and pd.notna(prj["station_id"]) and pd.notna(prj["ibn_eff"])
              and pd.notna(dev["year_eff"]) and frac > 0)
        if ok:
            rows.append((d, frac, prj["station_id"], dev["station_id"], max(prj["ibn_eff"], dev["year_eff"]), dem, sup))
    f = pd.DataFrame(rows, columns=["dev", "frac", "to", "own", "year", "dem", "sup"])
    if len(f):
        tot = f.groupby("dev")["frac"].transform("sum")
        f["frac"] = f["frac"] / tot.where(tot > 1.0, 1.0)
    out = {}
    for r in f.itertuples(index=False):
        if r.to == r.own:
            continue
        for y in model.years:
            if r.year <= y:
                for st, sign in ((r.to, 1.0), (r.own, -1.0)):
                    if st is None or st != st:
                        continue
                    dd, uu = out.get((st, y), (0.0, 0.0))
                    out[(st, y)] = (dd + sign * r.frac * r.dem, uu + sign * r.frac * r.sup)
    return out


def assert_links_move(model, what):
    """Station demand/supply = the same model without moving + the independently computed moved MW."""
    import pytest as _pytest

    base = _full(_new(), model)
    base.settings.links_move_demand = False
    base.recompute()
    moved = moved_by_links(model)
    got = model.station_table().set_index(["unit_id", "year"])
    exp = base.station_table().set_index(["unit_id", "year"])
    for key in exp.index:
        dd, uu = moved.get(key, (0.0, 0.0))
        assert got.loc[key, "demand_mw"] == _pytest.approx(exp.loc[key, "demand_mw"] + dd, abs=1e-9), (what, key)
        assert got.loc[key, "supply_mw"] == _pytest.approx(exp.loc[key, "supply_mw"] + uu, abs=1e-9), (what, key)
    return moved


@pytest.mark.parametrize("seed", [5, 6])
def test_links_move_demand_incremental_equals_full(seed):
    frames, whatif = random_frames(seed)
    new = _new().BalanceModel(_inputs(_new(), frames), _new().BalanceSettings(years=[2025, 2030, 2035],
                                                                              whatif=whatif))
    moved = assert_links_move(new, "start")
    assert any(abs(v[0]) > 0 for v in moved.values())  # the random links do move demand
    for name, edit in edit_sequence(frames):
        edit(new)
        assert_models_equal(_full(_new(), new), new, name + " (links move, vs full)", strict_index=False)
        assert_links_move(new, name)


def test_changed_groups_finds_every_group_whose_records_differ():
    """The record comparison of the incremental path (issue 19): every group with a record in only one of the two
    sets is found, and only groups whose record lists differ."""
    import numpy as np

    from pmiek_werkbank.knooppunten.balance import _changed_groups

    rng = np.random.default_rng(20250808)
    for _ in range(300):
        recs = []
        for n in rng.integers(0, 30, 2):
            code = np.sort(rng.integers(0, 6, n))
            recs.append((code, rng.integers(2025, 2028, n).astype(float), rng.integers(-2, 3, n) * 1.5))
        a, b = recs
        if rng.random() < 0.3:  # mostly the same: one group changed
            b = tuple(x.copy() for x in a)
            if len(a[0]):
                b[1][rng.integers(0, len(a[0]))] += 5
        got = set(_changed_groups(a, b, 6).tolist())
        in_one = {r[0] for r in set(zip(*[x.tolist() for x in a])) ^ set(zip(*[x.tolist() for x in b]))}
        lists = [{g: [r for r in zip(*[x.tolist() for x in t]) if r[0] == g] for g in range(6)} for t in (a, b)]
        differ = {g for g in range(6) if lists[0][g] != lists[1][g]}
        assert in_one <= got <= differ
    same = (np.array([1, 3, 3]), np.array([2025.0, 2030.0, 2035.0]))
    assert len(_changed_groups(same, tuple(x.copy() for x in same), 4)) == 0
    assert _changed_groups(same, (np.array([1, 3]), np.array([2025.0, 2035.0])), 4).tolist() == [3]


@pytest.mark.parametrize("seed", [5, 6])
def test_knooppunten_computed_when_first_asked(seed):
    """A model only ever asked for stations leaves the knooppunt matrices uncomputed through every edit (issue 19
    item 3: the balance algorithm at station level); asked afterwards they equal a full computation, and every edit
    names the same recomputed stations and knooppunten as a model whose knooppunten were computed all along."""
    frames, whatif = random_frames(seed)

    def model():
        return _new().BalanceModel(_inputs(_new(), frames), _new().BalanceSettings(years=[2025, 2030, 2035],
                                                                                   whatif=whatif))

    lazy, eager = model(), model()
    eager.knooppunt_table()
    for name, edit in edit_sequence(frames):
        assert _norm(edit(lazy)) == _norm(edit(eager)), name
        lazy.station_table()
        lazy.unserved()
        assert lazy._K is None, name
    assert_models_equal(_full(_new(), lazy), lazy, "lazy vs full", strict_index=False)
    assert_models_equal(eager, lazy, "lazy vs eager", strict_index=False)


def test_sums_at_equals_add_at_bit_for_bit():
    """_sums_at (bincount) gives exactly np.add.at on zeros: the same additions in the same order."""
    import numpy as np

    rng = np.random.default_rng(19)
    idx = rng.integers(0, 50, 5000)
    vals = rng.normal(0, 1e3, 5000) * rng.choice([1e-9, 1.0, 1e9], 5000)
    want = np.zeros(60)
    np.add.at(want, idx, vals)
    got = _new()._sums_at(idx, vals, 60)
    assert got.tobytes() == want.tobytes()
    vals2 = np.stack([vals, -vals * 3.1, vals ** 2], axis=1)
    want2 = np.zeros((60, 3))
    np.add.at(want2, idx, vals2)
    assert _new()._sums_at(idx, vals2, 60).tobytes() == want2.tobytes()
    assert _new()._sums_at(np.zeros(0, dtype=np.int64), np.zeros(0), 4).tolist() == [0.0] * 4


def test_tree_query_smallest_equals_the_predicate_query():
    """_tree_query_smallest (bounding-box candidates + prepared predicate on the coordinates) picks exactly what
    the STRtree predicate query with the stable (point, area) rule picks: boundary and vertex points, equal-area
    overlaps (the tree's order decides), empty and missing geometries, and leaves the caller's geometries
    unprepared; non-point inputs take the predicate query itself."""
    import numpy as np
    import shapely

    def reference(points, geoms):
        geoms = np.asarray(geoms, dtype=object)
        tree_geoms = geoms.copy()
        tree_geoms[shapely.is_empty(tree_geoms)] = None
        i, j = shapely.STRtree(tree_geoms).query(np.asarray(points, dtype=object), predicate="intersects")
        out = np.full(len(points), -1, dtype=np.int64)
        if len(i):
            order = np.lexsort((shapely.area(geoms)[j], i))
            i, j = i[order], j[order]
            first = np.r_[True, i[1:] != i[:-1]]
            out[i[first]] = j[first]
        return out

    rng = np.random.default_rng(7)
    boxes = [shapely.box(x, y, x + w, y + h) for x, y, w, h in rng.uniform(0, 100, (300, 4)) * [1, 1, 0.3, 0.3]]
    boxes += [shapely.box(10, 10, 20, 20), shapely.box(10, 10, 20, 20), shapely.box(15, 10, 25, 20),
              shapely.Polygon(), None, shapely.buffer(shapely.Point(50, 50), 8)]
    geoms = np.array(boxes, dtype=object)
    pts = list(shapely.points(rng.uniform(0, 110, (5000, 2))))
    pts += [shapely.Point(10, 10), shapely.Point(15, 15), shapely.Point(20, 15), shapely.Point(25, 20),
            shapely.Point(58, 50), shapely.Point(200, 200)]
    pts = np.array(pts, dtype=object)
    got = _new()._tree_query_smallest(pts, geoms)
    assert got.tolist() == reference(pts, geoms).tolist()
    assert not shapely.is_prepared(geoms).any()
    mixed = np.array(list(pts[:50]) + [shapely.box(12, 12, 13, 13)], dtype=object)
    assert _new()._tree_query_smallest(mixed, geoms).tolist() == reference(mixed, geoms).tolist()


def test_first_smallest_equals_the_stable_sort():
    """_first_smallest (a minimum per run of equal points) picks what a stable sort on (point, size) keeping each
    point's first pair picks: ties keep the first pair, points without pairs get -1, and pairs out of order or
    with a NaN size (which take the sort) give the same answer."""
    import numpy as np

    def reference(i, j, size, n):
        out = np.full(n, -1, dtype=np.int64)
        order = np.lexsort((size, i))
        i, j = i[order], j[order]
        first = np.r_[True, i[1:] != i[:-1]]
        out[i[first]] = j[first]
        return out

    rng = np.random.default_rng(11)
    for trial in range(40):
        n = int(rng.integers(1, 60))
        m = int(rng.integers(1, 200))
        i = np.sort(rng.integers(0, n, m))
        j = rng.integers(0, 30, m)
        size = rng.integers(1, 5, m).astype(float)  # few distinct sizes: many ties
        if trial % 4 == 1:
            size[rng.integers(0, m, 3)] = np.nan
        if trial % 4 == 2:
            p = rng.permutation(m)
            i, j, size = i[p], j[p], size[p]
        got = _new()._first_smallest(i, j, size, n)
        assert got.tolist() == reference(i, j, size, n).tolist(), trial
    # by hand: point 0 has sizes 3, 1, 1 -> its second pair; point 2 has none; point 3 one pair
    i = np.array([0, 0, 0, 1, 3])
    j = np.array([7, 8, 9, 4, 5])
    assert _new()._first_smallest(i, j, np.array([3.0, 1.0, 1.0, 2.0, 9.0]), 4).tolist() == [8, 4, -1, 5]
    assert _new()._first_smallest(i[:0], j[:0], np.zeros(0), 2).tolist() == [-1, -1]
