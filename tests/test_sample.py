"""The sample programme (resources/sample, built by scripts/build_sample.py): reproducible and consistent."""

import filecmp
import importlib.util
import os
import shutil

import pytest
from helpers import table_digest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FICTIEF = "fictief voorbeeld"
FICTIEF_CSV = ["station_limits.csv", "koppelingen.csv", "scores.csv", "acties.csv", "monitoring.csv"]
FICTIEF_GPKG = {
    "capaciteitskaart.gpkg": ["capaciteitskaart"],
    "ontwikkelingen.gpkg": ["ontwikkelingen_vlakken", "ontwikkelingen_punten"],
    "knooppunten.gpkg": ["knooppunten"],
    "projecten.gpkg": ["projecten_punten", "projecten_lijnen", "projecten_vlakken"],
}
ALL_GPKG = ["gemeenten.gpkg", "provincie.gpkg", "stations.gpkg", "hoogspanningslijnen.gpkg",
            "voorbeeld_werkbank.gpkg"] + list(FICTIEF_GPKG)
TEXT_FILES = FICTIEF_CSV + ["README.md", "ATTRIBUTION.txt"]
XLSX = ["projectenlijst.xlsx", "station_limits_breed.xlsx"]


def _builder():
    spec = importlib.util.spec_from_file_location("build_sample", os.path.join(ROOT, "scripts", "build_sample.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory, shared_data):
    mod = _builder()
    dirs = []
    for name in ("a", "b"):
        d = str(tmp_path_factory.mktemp("sample_" + name))
        mod.build(d, shared_data)
        dirs.append(d)
    return dirs


def _read(path, layer=None):
    import pyogrio

    return pyogrio.read_dataframe(path, layer=layer)


def _csv(sample_dir, name):
    import pandas as pd

    return pd.read_csv(os.path.join(sample_dir, name))


def _devs(sample_dir):
    import pandas as pd

    p = os.path.join(sample_dir, "ontwikkelingen.gpkg")
    return pd.concat([_read(p, "ontwikkelingen_vlakken"), _read(p, "ontwikkelingen_punten")], ignore_index=True)


def _projects_gpkg(sample_dir):
    import pandas as pd

    p = os.path.join(sample_dir, "projecten.gpkg")
    return pd.concat([_read(p, lyr).assign(layer=lyr) for lyr in FICTIEF_GPKG["projecten.gpkg"]],
                     ignore_index=True)


def _plist(sample_dir):
    import pandas as pd

    return pd.read_excel(os.path.join(sample_dir, "projectenlijst.xlsx"), sheet_name="Projectenlijst")


def _province(sample_dir):
    return _read(os.path.join(sample_dir, "provincie.gpkg")).geometry.iloc[0]


# ---- reproducibility ------------------------------------------------------------------------------
def test_build_is_deterministic(two_builds):
    a, b = two_builds
    assert sorted(os.listdir(a)) == sorted(os.listdir(b))
    for name in ALL_GPKG:
        assert table_digest(os.path.join(a, name)) == table_digest(os.path.join(b, name)), name
    for name in TEXT_FILES + XLSX:
        assert filecmp.cmp(os.path.join(a, name), os.path.join(b, name), shallow=False), name


def test_shipped_sample_is_current(two_builds, sample_dir):
    """resources/sample is what the builder makes now (re-run `make sample` after changing the script)."""
    a = two_builds[0]
    for name in ALL_GPKG:
        assert table_digest(os.path.join(a, name)) == table_digest(os.path.join(sample_dir, name)), name
    for name in TEXT_FILES:
        assert filecmp.cmp(os.path.join(a, name), os.path.join(sample_dir, name), shallow=False), name
    for name in XLSX:
        import pandas as pd

        pd.testing.assert_frame_equal(pd.read_excel(os.path.join(a, name)), pd.read_excel(os.path.join(sample_dir, name)))


def test_sample_folder_small(sample_dir):
    total = sum(os.path.getsize(os.path.join(sample_dir, n)) for n in os.listdir(sample_dir))
    assert total < 5 * 1024 * 1024


# ---- labels and attribution -------------------------------------------------------------------------
def test_every_fictitious_row_labelled(sample_dir):
    for name in FICTIEF_CSV:
        df = _csv(sample_dir, name)
        assert len(df) > 0, name
        assert df["bron"].str.contains(FICTIEF).all(), name
    for name, layers in FICTIEF_GPKG.items():
        for layer in layers:
            df = _read(os.path.join(sample_dir, name), layer)
            assert len(df) > 0, (name, layer)
            assert df["bron"].str.contains(FICTIEF).all(), (name, layer)
    for name in XLSX:
        import pandas as pd

        df = pd.read_excel(os.path.join(sample_dir, name))
        assert df["bron"].str.contains(FICTIEF).all(), name


def test_readme_and_attribution(sample_dir):
    readme = open(os.path.join(sample_dir, "README.md"), encoding="utf-8").read()
    attribution = open(os.path.join(sample_dir, "ATTRIBUTION.txt"), encoding="utf-8").read()
    for name in os.listdir(sample_dir):
        if name not in ("README.md", "ATTRIBUTION.txt"):
            assert "`{}`".format(name) in readme, name
    assert readme.lower().count(FICTIEF) >= 3
    for text in (readme, attribution):
        assert "OpenStreetMap" in text
        assert "CBS" in text
    assert "ODbL" in attribution and "Kadaster" in attribution and "PDOK" in attribution


# ---- open data ----------------------------------------------------------------------------------------------
def test_open_data_copied_for_utrecht(sample_dir, shared_data):
    gem = _read(os.path.join(sample_dir, "gemeenten.gpkg"))
    assert len(gem) == 26  # Utrecht has 26 municipalities (shared/data/README.md)
    assert set(gem["provcode"]) == {"PV26"}
    assert {"gemeentecode", "gemeentenaam", "aantalInwoners", "aantalHuishoudens"} <= set(gem.columns)
    assert gem.crs.to_epsg() == 28992
    # geometries are copied unchanged
    src = _read(os.path.join(shared_data, "cbs_gemeenten.gpkg"))
    src = src[src["provcode"] == "PV26"].set_index("gemeentecode")
    for r in gem.itertuples():
        assert r.geometry.equals_exact(src.geometry[r.gemeentecode], 0)
    prov = _read(os.path.join(sample_dir, "provincie.gpkg"))
    assert list(prov["statcode"]) == ["PV26"]
    boundary = prov.geometry.iloc[0]

    st = _read(os.path.join(sample_dir, "stations.gpkg"))
    assert {"id", "name", "voltage_kv_max", "operator", "ref"} <= set(st.columns)
    assert (st.distance(boundary) <= 3000.5).all()
    src_st = _read(os.path.join(shared_data, "osm_hv_substations.gpkg"))
    assert len(st) == int((src_st.distance(boundary) <= 3000).sum())
    assert len(st) == 15 and int(st["binnen_provincie"].sum()) == 12
    assert list(st["station_id"]) == ["osm-{}".format(i) for i in st["id"]]
    unnamed = st[st["name_osm"].isna()]
    assert len(unnamed) == 4
    assert all(n == "Station {}".format(i) for n, i in zip(unnamed["name"], unnamed["id"]))
    assert st["name"].notna().all()

    lines = _read(os.path.join(sample_dir, "hoogspanningslijnen.gpkg"))
    assert len(lines) > 0 and lines.intersects(boundary).all()


# ---- fictitious data ------------------------------------------------------------------------------------
def test_station_limits_long_and_wide_agree(sample_dir):
    import pandas as pd

    st = _read(os.path.join(sample_dir, "stations.gpkg"))
    lim = _csv(sample_dir, "station_limits.csv")
    assert list(lim.columns) == ["station_id", "jaar", "afname_mw", "teruglevering_mw", "bron", "peildatum"]
    assert len(lim) == 3 * len(st)
    assert set(lim["station_id"]) == set(st["station_id"])
    assert set(lim["jaar"]) == {2025, 2030, 2035}
    assert lim["afname_mw"].between(10, 400).all()
    assert (lim["teruglevering_mw"] <= lim["afname_mw"]).all()
    wide = pd.read_excel(os.path.join(sample_dir, "station_limits_breed.xlsx"))
    for r in lim.itertuples():
        w = wide[wide["station_id"] == r.station_id].iloc[0]
        assert w["afname_{}".format(r.jaar)] == r.afname_mw
        assert w["teruglevering_{}".format(r.jaar)] == r.teruglevering_mw
    # some stations grow over the years
    grow = lim.pivot(index="station_id", columns="jaar", values="afname_mw")
    assert ((grow[2035] > grow[2025]).sum()) >= 3


def test_capaciteitskaart(sample_dir):
    cap = _read(os.path.join(sample_dir, "capaciteitskaart.gpkg"))
    fields = ["voedingsgebied_id", "voedingsgebied_naam", "RNB", "afname", "opwek", "wachtrij_afname",
              "wachtrij_invoeding", "unieke_verzoeken_afname", "unieke_verzoeken_invoeding",
              "verwacht_opgelost_afname", "verwacht_opgelost_invoeding", "station_id", "peildatum"]
    assert all(f in cap.columns for f in fields)
    assert cap["afname"].isin([0, 1, 2, 3]).all() and cap["opwek"].isin([0, 1, 2, 3]).all()
    assert set(cap["RNB"]) == {"Stedin", "Liander"}
    st = _read(os.path.join(sample_dir, "stations.gpkg"))
    assert set(cap["station_id"]) <= set(st["station_id"])
    assert cap["voedingsgebied_id"].is_unique
    # Voronoi cells clipped to the province tile the province
    area = _province(sample_dir).area
    assert abs(cap.area.sum() - area) < 0.001 * area
    assert cap.is_valid.all()


def test_developments(sample_dir):
    from pmiek_werkbank.layers.kengetallen import DEFAULT_KENGETALLEN
    from pmiek_werkbank.werkbank.enums import DEVELOPMENT_PHASES, ENERGY_CARRIERS, SECTORS

    dev = _devs(sample_dir)
    assert 250 <= len(dev) <= 350
    assert dev["plan_id"].is_unique
    assert set(dev["sector"]) == set(SECTORS)  # every sector present
    assert dev["fase"].isin(list(DEVELOPMENT_PHASES)).all()
    assert dev["energiedrager"].isin(list(ENERGY_CARRIERS)).all()
    assert dev.is_valid.all()
    boundary = _province(sample_dir)
    assert dev.within(boundary.buffer(1)).all()
    gem = _read(os.path.join(sample_dir, "gemeenten.gpkg")).set_index("gemeentenaam")
    for r in dev.itertuples():
        assert gem.geometry[r.gemeente].buffer(1).intersects(r.geometry), r.plan_id
    qty_only = dev["vraag_mw"].isna() & dev["aanbod_mw"].isna()
    assert 0.25 <= qty_only.mean() <= 0.45
    units = {(s, u) for _k, s, u, *_ in DEFAULT_KENGETALLEN}
    assert all((s, u) in units for s, u in zip(dev[qty_only]["sector"], dev[qty_only]["eenheid"]))
    assert dev[qty_only]["aantal"].gt(0).all()
    # housing clusters around Utrecht, Amersfoort and Veenendaal
    wonen = dev[dev["sector"] == "wonen"]
    assert wonen["gemeente"].isin(["Utrecht", "Amersfoort", "Veenendaal"]).mean() >= 0.4


def test_projects(sample_dir):
    from pmiek_werkbank.werkbank.enums import FINANCIAL_COVER, PROJECT_PHASES, TYPE_INFRA

    pl = _plist(sample_dir)
    for col in ["Nr", "Naam project", "Locatie", "Type infra", "Sectoren en ontwikkelingen", "Financiële informatie",
                "Planning", "Betrokken partijen", "project_id", "type_infra", "energiedrager", "netbeheerder", "fase",
                "ibn_jaar", "investering_eur", "dekking", "station_id", "knooppunt", "capaciteit_afname_mw",
                "capaciteit_teruglevering_mw", "status", "reden_status", "narratief", "reden_opname",
                "afhankelijkheden_pmiek", "afhankelijkheden_nmiek", "afhankelijkheden_buiten", "vertrouwelijk", "x",
                "y"]:
        assert col in pl.columns, col
    assert 12 <= len(pl) <= 14
    assert pl["project_id"].is_unique
    assert pl["type_infra"].isin(list(TYPE_INFRA)).all() and pl["type_infra"].nunique() >= 8
    assert pl["fase"].isin(list(PROJECT_PHASES)).all()
    assert pl["dekking"].isin(list(FINANCIAL_COVER)).all()
    assert pl["ibn_jaar"].between(2026, 2034).all()
    assert int(pl["vertrouwelijk"].sum()) == 1
    afg = pl[pl["status"] == "afgevallen"]
    assert len(afg) == 1 and len(str(afg["reden_status"].iloc[0]).strip()) > 20
    assert set(pl["status"]) == {"kandidaat", "opgenomen", "afgevallen"}
    assert pl["narratief"].str.len().gt(50).all()
    st = set(_read(os.path.join(sample_dir, "stations.gpkg"))["station_id"])
    assert pl["station_id"].dropna().isin(st).all()
    kp = set(_read(os.path.join(sample_dir, "knooppunten.gpkg"))["knooppunt_id"])
    assert pl["knooppunt"].dropna().isin(kp).all()
    # geometries: the type each type_infra wants, one per project
    geo = _projects_gpkg(sample_dir)
    assert sorted(geo["project_id"]) == sorted(pl["project_id"])
    want = {"point": "Point", "line": "LineString", "polygon": "Polygon"}
    kind = dict(zip(pl["project_id"], pl["type_infra"].map(lambda t: TYPE_INFRA[t][1])))
    for r in geo.itertuples():
        assert r.geometry.geom_type == want[kind[r.project_id]], r.project_id
        assert r.geometry.is_valid
    # x, y in the list lie on the geometry
    xy = dict(zip(pl["project_id"], zip(pl["x"], pl["y"])))
    from shapely.geometry import Point

    for r in geo.itertuples():
        assert r.geometry.distance(Point(xy[r.project_id])) < 1


def test_knooppunten(sample_dir):
    kp = _read(os.path.join(sample_dir, "knooppunten.gpkg"))
    assert len(kp) == 4
    assert set(kp["karakter"]) == {"lokaal", "provinciaal", "nationaal"}
    assert {"naam", "omschrijving", "sessiedatum"} <= set(kp.columns)
    assert kp.intersects(_province(sample_dir)).all()


def test_links_refer_to_existing_rows(sample_dir):
    links = _csv(sample_dir, "koppelingen.csv")
    assert list(links.columns[:4]) == ["project_id", "plan_id", "aandeel_pct", "motivatie"]
    pl = _plist(sample_dir)
    dev = _devs(sample_dir)
    assert links["project_id"].isin(pl["project_id"]).all()
    assert links["plan_id"].isin(dev["plan_id"]).all()
    assert set(links["project_id"]) == set(pl["project_id"])  # every project serves developments
    assert not links.duplicated(["project_id", "plan_id"]).any()
    assert links["aandeel_pct"].between(0, 100).all()
    # the shares of one development add up to 100 %
    assert (links.groupby("plan_id")["aandeel_pct"].sum().sub(100).abs() <= 1).all()
    assert links["motivatie"].str.len().gt(0).all()


def test_scores(sample_dir):
    from pmiek_werkbank.scoring.defaults import DEFAULT_CRITERIA
    from pmiek_werkbank.werkbank.enums import ASSESSOR_ROLES

    sc = _csv(sample_dir, "scores.csv")
    pl = _plist(sample_dir)
    scale = {c["criterion_id"]: c["scale"].split("|") for c in DEFAULT_CRITERIA}
    assert sc["project_id"].isin(pl["project_id"]).all()
    assert sc["rol"].isin(list(ASSESSOR_ROLES)).all()
    assert sc["motivatie"].str.strip().str.len().gt(10).all()
    for r in sc.itertuples():
        assert r.waardering in scale[r.criterium], (r.project_id, r.criterium, r.waardering)
    for pid in pl["project_id"]:
        assert set(sc[sc["project_id"] == pid]["criterium"]) == set("ABCDEFG"), pid
    # exactly two disagreements: a netbeheerder rates C differently from the first assessor
    groups = sc.groupby(["project_id", "criterium"])
    multi = groups.filter(lambda g: len(g) > 1)
    assert multi.groupby(["project_id", "criterium"]).ngroups == 2
    assert set(multi["criterium"]) == {"C"}
    for _key, g in multi.groupby("project_id"):
        assert g["waardering"].nunique() == 2
        assert "netbeheerder" in set(g["rol"])
    assert not sc.duplicated(["project_id", "criterium", "beoordelaar"]).any()


def test_actions_and_monitoring(sample_dir):
    pl = _plist(sample_dir)
    ac = _csv(sample_dir, "acties.csv")
    mo = _csv(sample_dir, "monitoring.csv")
    assert list(ac.columns[:6]) == ["project_id", "activiteit", "trekker", "betrokken", "resultaat", "planning"]
    assert list(mo.columns[:6]) == ["project_id", "haalbaarheid_ibn", "aandachtspunten", "versnellingsactie",
                                    "trekker", "vraag_energyboard"]
    assert ac["project_id"].isin(pl["project_id"]).all() and mo["project_id"].isin(pl["project_id"]).all()
    assert set(ac["project_id"]) == set(pl["project_id"])
    active = set(pl[pl["status"] != "afgevallen"]["project_id"])
    assert set(mo["project_id"]) == active
    assert ac["activiteit"].notna().all() and ac["trekker"].notna().all()


# ---- the werkbank ------------------------------------------------------------------------------------------
def test_shipped_werkbank_matches_sources(sample_dir, tmp_path):
    from pmiek_werkbank.werkbank import open_werkbank

    copy = str(tmp_path / "voorbeeld.gpkg")
    shutil.copy(os.path.join(sample_dir, "voorbeeld_werkbank.gpkg"), copy)
    wb = open_werkbank(copy)
    try:
        prog = wb.programme()
        assert prog["name"] == "pMIEK 2.0 Utrecht – fictief voorbeeld"
        assert prog["province"] == "Utrecht" and prog["province_code"] == "PV26" and prog["round"] == "pMIEK 2.0"
        assert prog["peildatum"]
        assert FICTIEF in prog["disclaimer"].lower()
        dev = _devs(sample_dir)
        pl = _plist(sample_dir)
        st = _read(os.path.join(sample_dir, "stations.gpkg"))
        expected = {
            "stations": len(st),
            "station_capacity": len(_csv(sample_dir, "station_limits.csv")),
            "capacity_areas": len(_read(os.path.join(sample_dir, "capaciteitskaart.gpkg"))),
            "developments": len(dev),
            "knooppunten": 4,
            "projects": len(pl),
            "project_links": len(_csv(sample_dir, "koppelingen.csv")),
            "scores": len(_csv(sample_dir, "scores.csv")),
            "actions": len(_csv(sample_dir, "acties.csv")),
            "monitoring": len(_csv(sample_dir, "monitoring.csv")),
            "criteria": 8,
        }
        for table, n in expected.items():
            assert wb.count(table) == n, table
        # fictitious rows carry the label in their source column
        for table in ("station_capacity", "capacity_areas", "developments", "projects"):
            assert wb.count(table, "source IS NULL OR source NOT LIKE '%fictief voorbeeld%'") == 0, table
        # stations: ids from OSM, TenneT for >= 110 kV, else the regional netbeheerder
        s = wb.read_frame("stations", geometry=False)
        assert set(s["station_id"]) == set(st["station_id"])
        hv = s["voltage_kv"].fillna(0) >= 110
        assert (s[hv]["netbeheerder"] == "TenneT").all()
        assert s[~hv]["netbeheerder"].isin(["Stedin", "Liander"]).all()
        # developments: MW from the kengetal where the source gives only a quantity
        d = wb.read_frame("developments", geometry=False)
        keng = wb.read_frame("kengetallen").set_index("kengetal_id")
        qty_only = dev["vraag_mw"].isna() & dev["aanbod_mw"].isna()
        assert int(d["kengetal_id"].notna().sum()) == int(qty_only.sum())
        for r in d[d["kengetal_id"].notna()].itertuples():
            k = keng.loc[r.kengetal_id]
            assert k["sector"] == r.sector and k["unit"] == r.unit
            assert r.demand_mw == pytest.approx(r.units * k["demand_mw_per_unit"], abs=1e-3)
            assert r.supply_mw == pytest.approx(r.units * k["supply_mw_per_unit"], abs=1e-3)
        wonen = d[(d["kengetal_id"] == "wonen_woning")].iloc[0]
        assert wonen["demand_mw"] == pytest.approx(wonen["units"] * 0.002, abs=1e-4)  # 2 kW per woning
        # projects: one confidential, one afgevallen with its reason, geometry types as TYPE_INFRA wants
        p = wb.read_frame("projects")
        assert int(p["confidential"].sum()) == 1
        assert list(p[p["status"] == "afgevallen"]["status_reason"].str.len() > 0) == [True]
        from pmiek_werkbank.werkbank.enums import TYPE_INFRA

        want = {"point": "Point", "line": "LineString", "polygon": "Polygon"}
        assert all(g.geom_type == want[TYPE_INFRA[t][1]] for g, t in zip(p.geometry, p["type_infra"]))
        assert wb.count("scores", "criterion_id = 'C' AND assessor_role = 'netbeheerder'") == 2
    finally:
        wb.close()


def test_shipped_werkbank_opens_readonly(sample_dir):
    from pmiek_werkbank.werkbank import open_werkbank

    wb = open_werkbank(os.path.join(sample_dir, "voorbeeld_werkbank.gpkg"), readonly=True)
    try:
        assert wb.count("developments") == len(_devs(sample_dir))
        assert wb.count("projects") == len(_plist(sample_dir))
    finally:
        wb.close()
