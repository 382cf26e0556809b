"""Reproducible benchmark data (fixed seed), written once and cached.

Sizes (per province, in the real CBS province polygon, EPSG:28992):

=========  =========  ============  ========================  ========  ===========
size       provinces  developments  stations = capacity areas  projects  knooppunten
=========  =========  ============  ========================  ========  ===========
tiny       1 (PV26)   300           30                         20        4
province   1 (PV26)   20,000        1,000                      500       40
national   12         12 × 20,000   12 × 1,000                 12 × 500  12 × 40
=========  =========  ============  ========================  ========  ===========

Developments are small rotated rectangles (30-400 m); stations are points;
capacity areas are the Voronoi cells of the stations clipped to the province;
every station has a capacity for 2025, 2030 and 2035; projects are points with a
station (most), a knooppunt (some), an IBN year and 1-6 links to developments;
every project has a rating on criteria A-G by one or two assessors.

``ensure(size)`` returns a :class:`Dataset` with the paths of

* ``werkbank.gpkg`` - a filled werkbank (all tables, capacity areas included),
* ``werkbank_nearest.gpkg`` - the same without capacity areas (only the
  nearest-station rule applies), for P1,
* ``ontwikkelingen.gpkg`` - the developments as a source file with Dutch field
  names, for the import case P5 and the ``ogr2ogr`` reference,
* ``empty.gpkg`` - an empty werkbank of the same programme (import target).

Data live in ``build/bench_data/<size>-<seed>-v<DATA_VERSION>`` (or
``$PMIEK_BENCH_DATA``) and are rebuilt only when missing.  Everything is
fictitious ("fictief voorbeeld").
"""

import os
import shutil
import time
from dataclasses import dataclass

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA_VERSION = 1
SEED = 20250808
YEARS = (2025, 2030, 2035)

SIZES = {
    "tiny": dict(provinces=("PV26",), developments=300, stations=30, projects=20, knooppunten=4),
    "province": dict(provinces=("PV26",), developments=20000, stations=1000, projects=500, knooppunten=40),
    "national": dict(provinces=("PV20", "PV21", "PV22", "PV23", "PV24", "PV25", "PV26", "PV27", "PV28", "PV29",
                                "PV30", "PV31"),
                     developments=20000, stations=1000, projects=500, knooppunten=40),
}
SECTOR_MIX = (("wonen", 0.45), ("bedrijventerrein", 0.2), ("mobiliteit", 0.1), ("industrie", 0.05),
              ("datacenter", 0.02), ("zon", 0.1), ("wind", 0.03), ("warmte", 0.05))


@dataclass
class Dataset:
    size: str
    folder: str
    werkbank: str
    werkbank_nearest: str
    empty: str
    source: str
    counts: dict


def data_root():
    return os.environ.get("PMIEK_BENCH_DATA") or os.path.join(ROOT, "build", "bench_data")


def folder_for(size, seed=SEED):
    return os.path.join(data_root(), "{}-{}-v{}".format(size, seed, DATA_VERSION))


def _dataset(size, folder, counts):
    return Dataset(size, folder, os.path.join(folder, "werkbank.gpkg"), os.path.join(folder, "werkbank_nearest.gpkg"),
                   os.path.join(folder, "empty.gpkg"), os.path.join(folder, "ontwikkelingen.gpkg"), counts)


def ensure(size, seed=SEED, log=print):
    """The dataset of ``size``, generated when missing (deterministic for a seed)."""
    import json

    if size not in SIZES:
        raise ValueError("onbekende grootte {!r}; kies uit {}".format(size, ", ".join(SIZES)))
    folder = folder_for(size, seed)
    done = os.path.join(folder, "done.json")
    if os.path.exists(done):
        with open(done, encoding="utf-8") as f:
            return _dataset(size, folder, json.load(f))
    tmp = folder + ".tmp-build"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    t0 = time.perf_counter()
    log("[data] {} genereren in {} ...".format(size, folder))
    counts = build(size, tmp, seed)
    with open(os.path.join(tmp, "done.json"), "w", encoding="utf-8") as f:
        json.dump(counts, f, indent=1)
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(tmp, folder)
    log("[data] {} klaar in {:.0f} s: {}".format(size, time.perf_counter() - t0, counts))
    return _dataset(size, folder, counts)


# ---- generation ------------------------------------------------------------------------------------

def _province_polygons(codes):
    # bench/ runs in the developer venv, which has pyogrio (the plugin itself reads through vector_io)
    import pyogrio

    path = os.path.join(ROOT, "resources", "provinces.gpkg")
    df = pyogrio.read_dataframe(path)
    df = df[df["statcode"].isin(codes)].set_index("statcode")
    return [(c, df.loc[c, "statnaam"], df.loc[c].geometry) for c in codes]


def _points_in(rng, poly, n):
    """n uniformly random points inside ``poly`` (rejection sampling, vectorised)."""
    import numpy as np
    import shapely

    shapely.prepare(poly)
    x0, y0, x1, y1 = poly.bounds
    xs, ys = [], []
    have = 0
    while have < n:
        k = int((n - have) * 1.6) + 16
        x = rng.uniform(x0, x1, k)
        y = rng.uniform(y0, y1, k)
        ok = shapely.contains_xy(poly, x, y)
        xs.append(x[ok])
        ys.append(y[ok])
        have += int(ok.sum())
    return np.concatenate(xs)[:n], np.concatenate(ys)[:n]


def _rectangles(rng, x, y):
    """Rotated rectangles around (x, y), sides 30-400 m."""
    import numpy as np
    import shapely

    n = len(x)
    w = rng.uniform(30, 400, n) / 2
    h = rng.uniform(30, 400, n) / 2
    a = rng.uniform(0, np.pi, n)
    ca, sa = np.cos(a), np.sin(a)
    corners = np.array([(-1, -1), (1, -1), (1, 1), (-1, 1), (-1, -1)], dtype=float)
    dx = corners[None, :, 0] * w[:, None]
    dy = corners[None, :, 1] * h[:, None]
    px = x[:, None] + dx * ca[:, None] - dy * sa[:, None]
    py = y[:, None] + dx * sa[:, None] + dy * ca[:, None]
    return shapely.polygons(np.stack([px, py], axis=-1))


def _province_frames(rng, code, pname, poly, spec, offset):
    """All tables of one province (ids prefixed with the province code)."""
    import geopandas as gpd
    import numpy as np
    import pandas as pd
    import shapely

    crs = "EPSG:28992"
    ns, nd, npj, nk = spec["stations"], spec["developments"], spec["projects"], spec["knooppunten"]
    # stations and their Voronoi capacity areas
    sx, sy = _points_in(rng, poly, ns)
    sids = np.array(["{}-S{:05d}".format(code, i + 1) for i in range(ns)], dtype=object)
    st_geom = shapely.points(sx, sy)
    stations = gpd.GeoDataFrame({"station_id": sids, "name": ["Station {} {}".format(pname, i + 1) for i in range(ns)],
                                 "netbeheerder": "Fictief Netbeheer", "voltage_kv": 50.0, "voltage_level": "HS",
                                 "source": "bench (fictief voorbeeld)", "source_id": sids},
                                geometry=st_geom, crs=crs)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(st_geom), extend_to=poly.envelope))
    cells = shapely.intersection(cells, poly)
    cell_df = gpd.GeoDataFrame({"_c": np.arange(len(cells))}, geometry=cells, crs=crs)
    j = gpd.sjoin(gpd.GeoDataFrame({"_s": np.arange(ns)}, geometry=st_geom, crs=crs), cell_df, how="inner",
                  predicate="within").drop_duplicates("_s")
    cell_of = dict(zip(j["_s"], j["_c"]))
    area_geoms = [cells[cell_of[i]] if i in cell_of else None for i in range(ns)]
    keep = np.array([g is not None and not g.is_empty for g in area_geoms])
    areas = gpd.GeoDataFrame({"area_id": np.array(["{}-A{:05d}".format(code, i + 1) for i in range(ns)])[keep],
                              "name": np.array(["Voedingsgebied {}".format(i + 1) for i in range(ns)])[keep],
                              "station_id": sids[keep],
                              "afname_colour": rng.choice(["transparant", "geel", "oranje", "rood"], int(keep.sum())),
                              "source": "bench (fictief voorbeeld)"},
                             geometry=[g if g.geom_type == "MultiPolygon" else shapely.MultiPolygon([g])
                                       for g, k in zip(area_geoms, keep) if k],
                             crs=crs)
    cap = pd.DataFrame({
        "station_id": np.repeat(sids, len(YEARS)),
        "year": np.tile(np.array(YEARS), ns),
        "afname_mw": np.round(np.repeat(rng.uniform(5, 60, ns), len(YEARS)) * np.tile([1.0, 1.1, 1.25], ns), 2),
        "teruglevering_mw": np.round(np.repeat(rng.uniform(2, 40, ns), len(YEARS)) * np.tile([1.0, 1.1, 1.2], ns), 2),
        "source": "bench (fictief voorbeeld)",
    })
    # developments
    dx, dy = _points_in(rng, poly, nd)
    # keep rectangles well inside the province so the province check never rejects them
    dgeom = _rectangles(rng, dx, dy)
    dids = np.array(["{}-W{:06d}".format(code, i + 1) for i in range(nd)], dtype=object)
    sect_names = [s for s, _ in SECTOR_MIX]
    sect_p = np.array([p for _, p in SECTOR_MIX])
    sectors = rng.choice(sect_names, nd, p=sect_p / sect_p.sum())
    supply_sector = np.isin(sectors, ["zon", "wind"])
    demand = np.where(supply_sector, 0.0, np.round(rng.lognormal(-0.7, 1.0, nd), 3))
    supply = np.where(supply_sector, np.round(rng.lognormal(0.5, 0.8, nd), 3), 0.0)
    year = rng.integers(2024, 2036, nd).astype(object)
    year[rng.random(nd) < 0.05] = None
    devs = gpd.GeoDataFrame({"dev_id": dids, "source_id": dids, "source": "ontwikkelingen",
                             "name": ["Ontwikkeling {} (fictief voorbeeld)".format(i + 1 + offset) for i in range(nd)],
                             "sector": sectors, "municipality": pname, "year_ready": year,
                             "demand_mw": demand, "supply_mw": supply},
                            geometry=dgeom, crs=crs)
    # knooppunten: discs of 1.5-4 km around random points
    kx, ky = _points_in(rng, poly, nk)
    discs = shapely.buffer(shapely.points(kx, ky), rng.uniform(1500, 4000, nk), quad_segs=8)
    kgeom = [shapely.MultiPolygon([g]) for g in discs]
    kids = np.array(["{}-K{:03d}".format(code, i + 1) for i in range(nk)], dtype=object)
    knoop = gpd.GeoDataFrame({"knooppunt_id": kids, "name": ["Knooppunt {}".format(i + 1) for i in range(nk)],
                              "karakter": rng.choice(["lokaal", "provinciaal", "nationaal"], nk)},
                             geometry=kgeom, crs=crs)
    # projects
    pids = np.array(["{}-P{:04d}".format(code, i + 1) for i in range(npj)], dtype=object)
    pst = rng.integers(0, ns, npj)
    has_station = rng.random(npj) < 0.85
    status = rng.choice(["kandidaat", "opgenomen", "afgevallen"], npj, p=[0.6, 0.3, 0.1])
    ibn = rng.integers(2025, 2038, npj).astype(object)
    ibn[rng.random(npj) < 0.05] = None
    pk = np.where(rng.random(npj) < 0.4, kids[rng.integers(0, nk, npj)], None)
    projects = gpd.GeoDataFrame({
        "project_id": pids, "code": ["{}-{}".format(code, i + 1) for i in range(npj)],
        "name": ["Project {} {} (fictief voorbeeld)".format(pname, i + 1) for i in range(npj)],
        "type_infra": "hs_ms_station", "energy_carrier": "elektriciteit", "netbeheerder": "Fictief Netbeheer",
        "ibn_year": ibn, "investment_eur": np.round(rng.uniform(1e6, 8e7, npj), -3),
        "narrative": "Fictief voorbeeld voor de benchmark.",
        "station_id": np.where(has_station, sids[pst], None), "knooppunt_id": pk,
        "capacity_afname_mw": np.round(rng.uniform(5, 80, npj), 1),
        "capacity_teruglevering_mw": np.round(rng.uniform(0, 40, npj), 1),
        "status": status, "status_reason": np.where(status == "afgevallen", "Fictief: niet nodig", None),
        "source": "bench (fictief voorbeeld)",
    }, geometry=shapely.points(sx[pst] + 50, sy[pst] + 50), crs=crs)
    # links: 1-6 developments per project, unique pairs
    nl = rng.integers(1, 7, npj)
    lp = np.repeat(np.arange(npj), nl)
    ld = rng.integers(0, nd, len(lp))
    links = pd.DataFrame({"project_id": pids[lp], "dev_id": dids[ld]}).drop_duplicates(["project_id", "dev_id"])
    share = rng.random(len(links))
    links["share_pct"] = np.where(share < 0.3, np.round(share * 300, 1), None)
    links["link_id"] = ["{}-L{:05d}".format(code, i + 1) for i in range(len(links))]
    links["motivation"] = "fictief voorbeeld"
    # scores: criteria A-G, one or two assessors per project
    crit = ["A", "B", "C", "D", "E", "F", "G"]
    scales = {"A": "hoog|gemiddeld|laag", "B": "goed|voldoende|slecht", "C": "veel|gemiddeld|weinig",
              "D": "hoog|gemiddeld|laag", "E": "positief|gemiddeld|negatief", "F": "weinig|gemiddeld|veel",
              "G": "weinig|gemiddeld|veel"}
    rows = []
    two = rng.random(npj) < 0.3
    pick = rng.integers(0, 3, (npj, len(crit), 2))
    for i, pid in enumerate(pids):
        for j, c in enumerate(crit):
            for k in range(2 if two[i] else 1):
                rows.append((pid, c, scales[c].split("|")[pick[i, j, k]], "beoordelaar{}".format(k + 1)))
    scores = pd.DataFrame(rows, columns=["project_id", "criterion_id", "rating", "assessor"])
    scores["score_id"] = ["{}-R{:06d}".format(code, i + 1) for i in range(len(scores))]
    scores["rationale"] = "fictief voorbeeld"
    scores["score_date"] = "2026-01-15"
    return dict(stations=stations, station_capacity=cap, capacity_areas=areas, developments=devs,
                knooppunten=knoop, projects=projects, project_links=links, scores=scores)


def build(size, folder, seed=SEED):
    import geopandas as gpd
    import numpy as np
    import pandas as pd
    import pyogrio

    from pmiek_werkbank.werkbank import create_werkbank, open_werkbank

    spec = SIZES[size]
    rng = np.random.default_rng(seed)
    provs = _province_polygons(spec["provinces"])
    parts = []
    for i, (code, pname, poly) in enumerate(provs):
        parts.append(_province_frames(rng, code, pname, poly, spec, i * spec["developments"]))
    tables = {}
    for t in parts[0]:
        frames = [p[t] for p in parts]
        first = frames[0]
        tables[t] = pd.concat(frames, ignore_index=True)
        if isinstance(first, gpd.GeoDataFrame):
            tables[t] = gpd.GeoDataFrame(tables[t], geometry=first.geometry.name, crs=first.crs)
    national = len(provs) > 1
    name = "Benchmark {} (fictief voorbeeld)".format(size)
    prov = "Nederland" if national else provs[0][1]
    code = None if national else provs[0][0]
    empty = os.path.join(folder, "empty.gpkg")
    create_werkbank(empty, name, prov, province_code=code, peildatum="2026-01-01").close()
    wbp = os.path.join(folder, "werkbank.gpkg")
    shutil.copyfile(empty, wbp)
    wb = open_werkbank(wbp)
    try:
        for t in ("stations", "station_capacity", "capacity_areas", "developments", "knooppunten", "projects",
                  "project_links", "scores"):
            wb.write_frame(t, tables[t], mode="insert", user="bench")
        # the audit trail of a generated dataset is not part of the benchmark data
        wb.execute("DELETE FROM audit_log")
        wb.conn.execute("VACUUM")
    finally:
        wb.close()
    nearest = os.path.join(folder, "werkbank_nearest.gpkg")
    shutil.copyfile(wbp, nearest)
    wb = open_werkbank(nearest)
    try:
        wb.execute("DELETE FROM capacity_areas")
        wb.execute("DELETE FROM audit_log")
        wb.conn.execute("VACUUM")
    finally:
        wb.close()
    # the source file for the import case: Dutch field names as a plan database would have them
    d = tables["developments"]
    src = d[["dev_id", "name", "sector", "municipality", "year_ready", "demand_mw", "supply_mw"]].rename(columns={
        "dev_id": "plan_id", "name": "naam", "municipality": "gemeente", "year_ready": "jaar",
        "demand_mw": "vraag_mw", "supply_mw": "aanbod_mw"})
    src["jaar"] = pd.array([None if v is None else int(v) for v in src["jaar"]], dtype="Int32")
    src = src.set_geometry(d.geometry)
    pyogrio.write_dataframe(src, os.path.join(folder, "ontwikkelingen.gpkg"), layer="ontwikkelingen",
                            driver="GPKG")
    return {t: int(len(v)) for t, v in tables.items()} | {"provinces": len(provs), "seed": seed}


if __name__ == "__main__":
    import sys

    for s in sys.argv[1:] or ["tiny"]:
        print(ensure(s))


def large_source(ds, rows=500000, log=print):
    """A developments source of ``rows`` polygons for the import case P5 (issue 19 item 4 asks for 20,000 and
    500,000): the dataset's own source repeated (ids suffixed ``-2``, ``-3`` ...; the same shapes in the same
    provinces) and cut at ``rows``.  Written once next to the dataset (``ontwikkelingen_<rows>.gpkg``)."""
    import pandas as pd
    import pyogrio

    path = os.path.join(ds.folder, "ontwikkelingen_{}.gpkg".format(rows))
    if os.path.exists(path):
        return path
    t0 = time.perf_counter()
    base = pyogrio.read_dataframe(ds.source)
    parts, n, k = [], 0, 1
    while n < rows:
        part = base.iloc[: rows - n].copy()
        if k > 1:
            part["plan_id"] = part["plan_id"].astype(str) + "-{}".format(k)
        parts.append(part)
        n, k = n + len(part), k + 1
    big = pd.concat(parts, ignore_index=True)
    tmp = path + ".tmp.gpkg"
    if os.path.exists(tmp):
        os.remove(tmp)
    pyogrio.write_dataframe(big, tmp, layer="ontwikkelingen", driver="GPKG")
    os.replace(tmp, path)
    log("[data] {} ontwikkelingen in {:.0f} s: {}".format(len(big), time.perf_counter() - t0, path))
    return path
