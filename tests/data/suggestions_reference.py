"""Frozen copy of knooppunten.suggestions.suggest_links before issue 19 (the reference of its equivalence test).

Ranking: first the developments in the *same station service area* (served by
the project's station under the balance rules: explicit, capacity area or
nearest station) or in the *same knooppunt*, then all others; within each
group by distance to the project (its geometry; else its station; else its
knooppunt).  Developments already linked to the project are left out.
"""

SUGGESTION_COLUMNS = ["rank", "dev_id", "name", "sector", "demand_mw", "supply_mw", "mw", "year_ready", "station_id",
                      "knooppunt_id", "distance_m", "same_station", "same_knooppunt", "reason"]


def suggest_links(project, developments, assignment=None, linked=(), station_geom=None, knooppunt_geom=None,
                  station_id=None, knooppunt_id=None, limit=50):
    """Ranked suggestions for one project (DataFrame, :data:`SUGGESTION_COLUMNS`).

    ``project``: mapping with project_id, station_id, knooppunt_id and
    optionally ``geometry`` (shapely, EPSG:28992).  ``developments``:
    GeoDataFrame of the werkbank's developments.  ``assignment``: the balance's
    per-development frame (dev_id, station_id, knooppunt_id); without it the
    developments' own station_id is used and no knooppunt.  ``station_id`` /
    ``knooppunt_id`` override the project's (e.g. the station resolved via links).
    """
    import numpy as np
    import pandas as pd

    devs = developments.reset_index(drop=True)
    if not len(devs):
        return pd.DataFrame({c: pd.Series(dtype=object) for c in SUGGESTION_COLUMNS})
    st = station_id if station_id is not None else project.get("station_id")
    kp = knooppunt_id if knooppunt_id is not None else project.get("knooppunt_id")
    st = st if isinstance(st, str) and st else None
    kp = kp if isinstance(kp, str) and kp else None
    if assignment is not None and len(assignment):
        a = assignment.set_index("dev_id")
        a = a[~a.index.duplicated()]
        dev_station = devs["dev_id"].map(a["station_id"])
        dev_kp = devs["dev_id"].map(a["knooppunt_id"])
    else:
        dev_station = devs["station_id"] if "station_id" in devs else pd.Series([None] * len(devs))
        dev_kp = pd.Series([None] * len(devs))
    same_st = (dev_station == st).to_numpy() if st else np.zeros(len(devs), bool)
    same_kp = (dev_kp == kp).to_numpy() if kp else np.zeros(len(devs), bool)
    ref = project.get("geometry")
    if ref is None or getattr(ref, "is_empty", True):
        ref = station_geom if station_geom is not None else knooppunt_geom
    if ref is not None and not getattr(ref, "is_empty", True):
        dist = devs.geometry.distance(ref).to_numpy(dtype=float)
    else:
        dist = np.full(len(devs), np.nan)
    dem = pd.to_numeric(devs["demand_mw"], errors="coerce").fillna(0.0).to_numpy()
    sup = pd.to_numeric(devs["supply_mw"], errors="coerce").fillna(0.0).to_numpy()
    out = pd.DataFrame({
        "dev_id": devs["dev_id"].to_numpy(), "name": devs["name"].to_numpy(), "sector": devs["sector"].to_numpy(),
        "demand_mw": dem, "supply_mw": sup, "mw": np.where(dem > 0, dem, sup),
        "year_ready": devs["year_ready"].to_numpy(), "station_id": dev_station.to_numpy(),
        "knooppunt_id": dev_kp.to_numpy(), "distance_m": dist, "same_station": same_st, "same_knooppunt": same_kp,
    })
    out["reason"] = np.where(same_st & same_kp, "zelfde station en knooppunt",
                             np.where(same_st, "zelfde voedingsgebied station",
                                      np.where(same_kp, "zelfde knooppunt", "in de buurt")))
    out = out[~out["dev_id"].isin(set(linked))]
    out["_g"] = np.where(out["same_station"] | out["same_knooppunt"], 0, 1)
    out["_both"] = ~(out["same_station"] & out["same_knooppunt"])
    out = out.sort_values(["_g", "_both", "distance_m", "dev_id"], na_position="last", kind="stable")
    if limit:
        out = out.head(int(limit))
    out["rank"] = np.arange(1, len(out) + 1)
    return out[SUGGESTION_COLUMNS].reset_index(drop=True)
