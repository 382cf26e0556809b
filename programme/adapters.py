"""Lazy bridges to the capacity balance (``knooppunten.balance``) and the ranking (``scoring``).

Both modules are written by colleagues; they are imported only inside the
functions, and when one is missing (or its interface does not fit) a small
built-in computation with the same documented rules is used instead, so that
rounds and variants keep working.  ``df.attrs["source"]`` says which one ran.

Balance columns (one row per unit and year): unit_id, unit_name, year,
capacity_mw, demand_mw, supply_mw, balance_mw, status (ruim/krap/tekort),
first_shortage_year.

The colleague module is ``knooppunten.balance.balance_from_werkbank(wb, years=...)``
(its ``stations`` table); its rules are documented there.  Built-in fallback
rules (the same ones, simplified: afname direction, level station):

- capacity(station, year) = station limit ``station_capacity.afname_mw`` of the
  latest capacity year <= year (else the earliest year given) + the
  ``capacity_afname_mw`` of every project of that station (``projects.station_id``)
  that is not ``afgevallen`` and whose IBN year <= year;
- demand/supply = Σ ``demand_mw``/``supply_mw`` of the developments ready by
  that year (``year_ready`` <= year; empty year counts from the start) that
  belong to the station: explicit ``station_id``, else the capacity area they
  lie in (``capacity_areas.station_id``), else the nearest station;
- balance = capacity − demand; tekort when < 0, krap when < krap% of capacity
  (``programme.krap_threshold_pct``), else ruim.
"""

BALANCE_COLUMNS = [
    "unit_id", "unit_name", "year", "capacity_mw", "demand_mw", "supply_mw", "balance_mw", "status",
    "first_shortage_year",
]

_ALIASES = {
    "unit_id": ("unit_id", "station_id", "knooppunt_id", "unit"),
    "unit_name": ("unit_name", "name", "station_name", "naam"),
    "year": ("year", "jaar"),
    "capacity_mw": ("capacity_mw", "capaciteit_mw"),
    "demand_mw": ("demand_mw", "vraag_mw"),
    "supply_mw": ("supply_mw", "aanbod_mw"),
    "balance_mw": ("balance_mw", "balans_mw"),
    "status": ("status",),
    "first_shortage_year": ("first_shortage_year", "eerste_tekortjaar"),
}


def _normalise_balance(df):
    """Rename a foreign balance frame to BALANCE_COLUMNS; None when it does not fit."""
    if df is None or not hasattr(df, "columns"):
        return None
    rename = {}
    for canon, aliases in _ALIASES.items():
        for a in aliases:
            if a in df.columns:
                rename[a] = canon
                break
    out = df.rename(columns=rename)
    needed = ("unit_id", "year", "capacity_mw", "demand_mw", "balance_mw", "status")
    if any(c not in out.columns for c in needed):
        return None
    for c in BALANCE_COLUMNS:
        if c not in out.columns:
            out[c] = None
    out = out[BALANCE_COLUMNS].copy()
    out["year"] = out["year"].astype(int)
    return out.reset_index(drop=True)


def capacity_balance(wb, years, use_external=True):
    """The capacity balance per station and year of the werkbank ``wb`` (a DataFrame, see module doc)."""
    years = sorted({int(y) for y in years})
    if use_external:
        try:
            from ..knooppunten import balance as mod  # noqa: PLC0415 - colleague module
        except ImportError:
            mod = None
        fn = getattr(mod, "balance_from_werkbank", None) if mod is not None else None
        if callable(fn):
            res = fn(wb, years=years)
            out = _normalise_balance(getattr(res, "stations", res))
            if out is not None:
                out.attrs["source"] = "knooppunten.balance.balance_from_werkbank"
                return out
    out = simple_balance(wb, years)
    out.attrs["source"] = "programme.adapters.simple_balance"
    return out


def _assign_station(wb, devs, stations):
    """station_id per development: explicit, else capacity area, else nearest station."""
    import geopandas as gpd

    sid = devs["station_id"].where(devs["station_id"].notna() & (devs["station_id"].astype(str).str.strip() != ""))
    missing = sid.isna() & devs.geometry.notna() & ~devs.geometry.is_empty
    if missing.any() and len(stations):
        pts = gpd.GeoDataFrame({"i": devs.index[missing]}, geometry=devs.geometry[missing].representative_point(),
                               crs=devs.crs)
        areas = wb.read_frame("capacity_areas", columns=["area_id", "station_id"])
        areas = areas[areas["station_id"].notna() & areas.geometry.notna()]
        if len(areas):
            hit = gpd.sjoin(pts, areas[["station_id", "geometry"]], how="inner", predicate="within")
            hit = hit.drop_duplicates("i")
            sid.loc[hit["i"].values] = hit["station_id"].values
            pts = pts[~pts["i"].isin(hit["i"])]
        st = stations[stations.geometry.notna()][["station_id", "geometry"]]
        if len(pts) and len(st):
            near = gpd.sjoin_nearest(pts, st, how="inner").drop_duplicates("i")
            sid.loc[near["i"].values] = near["station_id"].values
    return sid


def simple_balance(wb, years):
    """The built-in balance (rules in the module doc), vectorised with pandas."""
    import numpy as np
    import pandas as pd

    years = sorted({int(y) for y in years})
    stations = wb.read_frame("stations", columns=["station_id", "name"])
    cap = wb.read_frame("station_capacity", columns=["station_id", "year", "afname_mw"])
    projects = wb.read_frame(
        "projects", columns=["project_id", "station_id", "ibn_year", "capacity_afname_mw", "status"], geometry=False
    )
    devs = wb.read_frame("developments", columns=["dev_id", "station_id", "year_ready", "demand_mw", "supply_mw"])
    try:
        pct = float(wb.programme().get("krap_threshold_pct") or 10.0)
    except Exception:  # noqa: BLE001
        pct = 10.0
    devs["unit"] = _assign_station(wb, devs, stations) if len(devs) else pd.Series(dtype=object)
    rows = []
    sids = list(stations["station_id"])
    names = dict(zip(stations["station_id"], stations["name"]))
    cap = cap.dropna(subset=["year"]).sort_values(["station_id", "year"])
    projects = projects[(projects["status"] != "afgevallen") & projects["station_id"].notna()]
    for y in years:
        # station limit of the latest capacity year <= y, else the earliest year
        before = cap[cap["year"] <= y].groupby("station_id")["afname_mw"].last()
        first = cap.groupby("station_id")["afname_mw"].first()
        limit = first.copy()
        limit.loc[before.index] = before
        extra = projects[projects["ibn_year"].notna() & (projects["ibn_year"] <= y)].groupby("station_id")[
            "capacity_afname_mw"].sum(min_count=1)
        ready = devs[devs["year_ready"].isna() | (devs["year_ready"] <= y)]
        dem = ready.groupby("unit")["demand_mw"].sum()
        sup = ready.groupby("unit")["supply_mw"].sum()
        for s in sids:
            c = float(limit.get(s, 0.0) or 0.0) + float(extra.get(s, 0.0) or 0.0)
            d = float(dem.get(s, 0.0) or 0.0)
            p = float(sup.get(s, 0.0) or 0.0)
            rows.append((s, names.get(s), y, c, d, p, c - d))
    df = pd.DataFrame(rows, columns=BALANCE_COLUMNS[:7])
    bal = df["balance_mw"].round(9)
    df["status"] = np.where(bal < 0, "tekort", np.where(bal < df["capacity_mw"] * pct / 100.0, "krap", "ruim"))
    short = df[df["status"] == "tekort"].groupby("unit_id")["year"].min()
    df["first_shortage_year"] = df["unit_id"].map(short).astype("Int64")
    return df


# ---- scoring ------------------------------------------------------------------------
def ranking(wb):
    """Ranking of the werkbank's projects: project_id, code, name, total, rank (+ per criterion)."""
    try:
        from ..scoring.ranking import score_projects  # noqa: PLC0415 - colleague module
    except ImportError:
        score_projects = None
    if score_projects is not None:
        df = score_projects(wb, random_runs=0)
        df.attrs["source"] = "scoring.ranking.score_projects"
        return df
    return _simple_ranking(wb)


def criterion_values(wb):
    """The value that counts per (project, criterion): DataFrame project_id, criterion_id, value, points."""
    import pandas as pd

    try:
        from ..scoring.criteria import criteria_list  # noqa: PLC0415
        from ..scoring.scores import consensus, scores_frame  # noqa: PLC0415
    except ImportError:
        consensus = None
    if consensus is not None:
        cons = consensus(scores_frame(wb), criteria_list(wb))
        return cons[["project_id", "criterion_id", "value", "points"]].copy()
    rows = []
    for (pid, cid), grp in _scores(wb).groupby(["project_id", "criterion_id"], sort=True):
        agreed = grp[grp["agreed"].fillna(0).astype(int) == 1]
        distinct = set(str(r).lower() for r in grp["rating"])
        value = agreed["rating"].iloc[-1] if len(agreed) else (grp["rating"].iloc[0] if len(distinct) == 1 else None)
        rows.append((pid, cid, value, _points(wb, cid, value)))
    return pd.DataFrame(rows, columns=["project_id", "criterion_id", "value", "points"])


def _scores(wb):
    return wb.read_frame("scores")


def _points(wb, cid, value):
    if value is None:
        return None
    rows = wb.query("SELECT scale, points, grp FROM criteria WHERE criterion_id = ?", (cid,))
    if not rows or rows[0]["grp"] == "informatief" or not rows[0]["points"]:
        return None
    scale = [s.strip().lower() for s in str(rows[0]["scale"]).split("|")]
    pts = [float(p) for p in str(rows[0]["points"]).split("|") if p.strip()]
    v = str(value).strip().lower()
    return pts[scale.index(v)] if v in scale and len(pts) == len(scale) else None


def _simple_ranking(wb):
    import pandas as pd

    projects = wb.read_frame("projects", columns=["project_id", "code", "name", "status"], geometry=False)
    vals = criterion_values(wb)
    weights = {r["criterion_id"]: float(r["weight"] or 0) for r in wb.query("SELECT criterion_id, weight FROM criteria")}
    vals["w"] = vals["criterion_id"].map(weights).fillna(0.0)
    vals["wp"] = vals["points"].astype(float).fillna(0.0) * vals["w"]
    totals = vals.groupby("project_id")["wp"].sum()
    df = projects.copy()
    df["total"] = df["project_id"].map(totals).fillna(0.0)
    df = df.sort_values(["total", "code"], ascending=[False, True], kind="mergesort").reset_index(drop=True)
    df["rank"] = range(1, len(df) + 1)
    df.attrs["source"] = "programme.adapters._simple_ranking"
    return pd.DataFrame(df)
