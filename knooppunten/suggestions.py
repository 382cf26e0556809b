"""Ranked link suggestions: which developments might a project enable? Pure logic, no QGIS.

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

    devs = developments  # every step below is positional: no copy of 240,000 rows with a new index
    if not len(devs):
        return pd.DataFrame({c: pd.Series(dtype=object) for c in SUGGESTION_COLUMNS})
    st = station_id if station_id is not None else project.get("station_id")
    kp = knooppunt_id if knooppunt_id is not None else project.get("knooppunt_id")
    st = st if isinstance(st, str) and st else None
    kp = kp if isinstance(kp, str) and kp else None
    dev_ids = devs["dev_id"].to_numpy(dtype=object)
    index = pd.Index(dev_ids)
    if assignment is not None and len(assignment):
        a_ids = assignment["dev_id"].to_numpy(dtype=object)
        if len(a_ids) == len(dev_ids) and bool((a_ids == dev_ids).all()) and index.is_unique:
            # the balance's assignment of these same developments, row for row: no lookup by id needed
            dev_station = assignment["station_id"].to_numpy(dtype=object)
            dev_kp = assignment["knooppunt_id"].to_numpy(dtype=object)
        else:
            a = assignment.set_index("dev_id")
            a = a[~a.index.duplicated()]
            dev_station = devs["dev_id"].map(a["station_id"]).to_numpy(dtype=object)
            dev_kp = devs["dev_id"].map(a["knooppunt_id"]).to_numpy(dtype=object)
    else:
        dev_station = (devs["station_id"].to_numpy(dtype=object) if "station_id" in devs
                       else np.full(len(devs), None, dtype=object))
        dev_kp = np.full(len(devs), None, dtype=object)
    same_st = (dev_station == st) if st else np.zeros(len(devs), bool)
    same_kp = (dev_kp == kp) if kp else np.zeros(len(devs), bool)
    ref = project.get("geometry")
    if ref is None or getattr(ref, "is_empty", True):
        ref = station_geom if station_geom is not None else knooppunt_geom
    keep = np.ones(len(devs), bool)
    if len(linked):
        if index.is_unique:
            at = index.get_indexer(list(linked))
            keep[at[at >= 0]] = False
        else:
            keep = ~index.isin(set(linked))
    dist = np.full(len(devs), np.nan)
    if ref is not None and not getattr(ref, "is_empty", True):
        _distances(devs.geometry.values, ref, dist, keep & (same_st | same_kp), keep & ~(same_st | same_kp),
                   int(limit) if limit else 0)
    # Only the rows that can be among the first ``limit`` are built and sorted (issue 19: 240,000 developments):
    # every row of the same station or knooppunt, and of the others those at most as far as the limit-th
    # nearest (ties kept) - a superset of the answer; the sort below gives the same order on it as on all rows.
    group0 = keep & (same_st | same_kp)
    rest = keep & ~group0
    n0 = int(group0.sum())
    if limit and n0 < int(limit) and rest.any():
        k = int(limit) - n0
        finite = rest & ~np.isnan(dist)
        if int(finite.sum()) >= k:
            kth = np.partition(dist[finite], k - 1)[k - 1]
            rest = finite & (dist <= kth)
        chosen = group0 | rest
    elif limit:
        chosen = group0 if n0 >= int(limit) else group0 | rest
    else:
        chosen = keep
    idx = np.flatnonzero(chosen)
    sub = devs.iloc[idx]
    dem = pd.to_numeric(sub["demand_mw"], errors="coerce").fillna(0.0).to_numpy()
    sup = pd.to_numeric(sub["supply_mw"], errors="coerce").fillna(0.0).to_numpy()
    same_st, same_kp = same_st[idx], same_kp[idx]
    out = pd.DataFrame({
        "dev_id": dev_ids[idx], "name": sub["name"].to_numpy(), "sector": sub["sector"].to_numpy(),
        "demand_mw": dem, "supply_mw": sup, "mw": np.where(dem > 0, dem, sup),
        "year_ready": sub["year_ready"].to_numpy(), "station_id": dev_station[idx],
        "knooppunt_id": dev_kp[idx], "distance_m": dist[idx], "same_station": same_st, "same_knooppunt": same_kp,
    })
    out["reason"] = np.where(same_st & same_kp, "zelfde station en knooppunt",
                             np.where(same_st, "zelfde voedingsgebied station",
                                      np.where(same_kp, "zelfde knooppunt", "in de buurt")))
    out["_g"] = np.where(out["same_station"] | out["same_knooppunt"], 0, 1)
    out["_both"] = ~(out["same_station"] & out["same_knooppunt"])
    out = out.sort_values(["_g", "_both", "distance_m", "dev_id"], na_position="last", kind="stable")
    if limit:
        out = out.head(int(limit))
    out["rank"] = np.arange(1, len(out) + 1)
    return out[SUGGESTION_COLUMNS].reset_index(drop=True)


def _distances(geoms, ref, dist, first, others, limit):
    """Fill ``dist`` with the distance to ``ref`` of every ``first`` row and of the ``others`` that can be among
    the ``limit`` nearest (all of them when ``limit`` is 0); the rest stay NaN and are never shown.

    A development's distance is at least the distance between its bounding box and ``ref``'s, so only the rows
    whose box distance is at most the limit-th smallest exact distance of the nearest boxes need the exact
    distance (issue 19: a few hundred instead of 240,000 polygons).
    """
    import numpy as np
    import shapely

    need = first.copy()
    todo = np.flatnonzero(others)
    if not limit or len(todo) <= limit:
        need |= others
    else:
        b = shapely.bounds(geoms[todo])
        rx0, ry0, rx1, ry1 = shapely.bounds(ref)
        dx = np.maximum(0.0, np.maximum(b[:, 0] - rx1, rx0 - b[:, 2]))
        dy = np.maximum(0.0, np.maximum(b[:, 1] - ry1, ry0 - b[:, 3]))
        low = np.hypot(dx, dy)
        unknown = np.isnan(low)  # no geometry: its distance is computed (NaN) like before
        low = np.where(unknown, np.inf, low)
        near = todo[np.argpartition(low, limit - 1)[:limit]]
        exact = dist[near] = shapely.distance(geoms[near], ref)  # measured once: kept, not measured again below
        bound = np.nanmax(exact) if np.isfinite(exact).any() else np.inf
        need[todo[(low <= bound) | unknown]] = True
        need[near] = False
    i = np.flatnonzero(need)
    if len(i):
        dist[i] = shapely.distance(geoms[i], ref)
