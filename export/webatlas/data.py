"""What the web atlas shows, as JSON-ready dicts, built from the export context.

Ranks, balances, texts and which projects are visible all come from
``export.context.gather`` (the :class:`ExportData` the paper atlas is made of)
and the station balance from ``export.adapters.station_balance`` (the same
function the fiches use): nothing is computed here, only selected, formatted
with the plugin's number formatter and turned into light geometry.  Pure Python.
"""

import os
import re

from ...werkbank import enums as E
from ...formatting import fmt_num
from . import geo

PLUGIN_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GEMEENTEN_GPKG = os.path.join(PLUGIN_DIR, "resources", "gemeenten.gpkg")
STATION_FIGURES = ("afname_mw", "demand_mw", "balance_afname_mw", "teruglevering_mw", "supply_mw",
                   "balance_teruglevering_mw")
SECTOR_COLOURS = ["#1f77b4", "#8c564b", "#7f7f7f", "#17becf", "#9467bd", "#2ca02c", "#e6b800", "#4daf4a",
                  "#ff7f0e", "#d62728", "#00a087", "#6b6ecf", "#555555"]


def split_municipalities(text):
    return [m.strip() for m in re.split(r"[,;/]|\sen\s", text or "") if m.strip()]


def project_rows(data, fiche_paths):
    """One small dict per visible project (list, filters, ranking, afgevallen)."""
    out = []
    for i, p in enumerate(data.all_projects):
        out.append({
            "i": i,
            "id": p["project_id"],
            "code": p.get("number") or p["code"],
            "name": p["name"],
            "status": p["status"] or "",
            "status_label": p["status_label"] or "",
            "type": p.get("type_infra") or "",
            "type_label": p.get("type_infra_label") or "",
            "kp_id": p.get("knooppunt_id") or "",
            "kp": p.get("knooppunt") or "",
            "gem": split_municipalities(p.get("municipalities")),
            "rank": p.get("rank"),
            "range": p.get("rank_range") or "",
            "rank_note": p.get("rank_note") or "",
            "incomplete": p.get("incomplete_text") or "",
            "score": p.get("score_text") or "",
            "station": p.get("station") or "",
            "bal": p.get("balance_status") or "",
            "bal_label": p.get("balance_status_label") or "",
            "reason": p.get("status_reason") or "",
            "ibn": p.get("ibn_year") or "",
            "confidential": bool(p.get("confidential")),
            "fiche": fiche_paths[p["project_id"]],
        })
    return out


def _station_years(rows, computed):
    """Per year: afname status ``a``, teruglevering status ``t``, their labels ``al`` and ``tl`` (the one
    balance-status label: 'Onbekend' for a computed balance without a known limit, as on the map and the fiche;
    '' without a balance) and ``v`` = the MW figures formatted by the plugin's Dutch number formatter,
    '|'-separated: capacity afname, demand, balance afname, capacity teruglevering, supply, balance teruglevering
    ('' when unknown).  The page adds ' MW' and writes them into a sentence (atlas.js yearText)."""
    years = {}
    for r in rows:  # a direction without known limit has no capacity or balance in the rows (programme.facts)
        values = [fmt_num(r.get(k)) for k in STATION_FIGURES]
        a, t = r.get("status") or "", r.get("supply_status") or ""
        years[str(r["year"])] = {"a": a, "t": t, "al": E.balance_status_label(a, computed),
                                 "tl": E.balance_status_label(t, computed), "v": "|".join(values)}
    return years


def stations(wb, facts, capacity_rows):
    """Stations with per-year balance status in both directions (balance rows from the programme facts)."""
    sf = wb.read_frame("stations", columns=["station_id", "name", "netbeheerder", "voltage_kv"], order_by=None)
    pts = geo.to_wgs84(sf, 0, 5)
    out = []
    for (sid, name, nb, kv), g in zip(sf[["station_id", "name", "netbeheerder", "voltage_kv"]].itertuples(
            index=False, name=None), pts):
        if g is None:
            continue
        c = g if g.geom_type == "Point" else g.centroid
        balance_rows = facts.station_rows(sid) if facts is not None else []
        rows = balance_rows or capacity_rows.get(sid) or []
        kv_text = "{} kV".format(int(kv)) if kv == kv and kv is not None else ""
        out.append({"id": sid, "name": str(name or sid), "nb": str(nb or ""), "kv": kv_text,
                    "lat": round(c.y, 5), "lon": round(c.x, 5), "years": _station_years(rows, bool(balance_rows))})
    return out


def _capacity_rows(wb):
    out = {}
    for r in wb.query("SELECT station_id, year, afname_mw, teruglevering_mw FROM station_capacity ORDER BY year"):
        out.setdefault(r["station_id"], []).append(dict(r))
    return out


def read_municipalities(province, bounds_rd):
    """Municipalities (RD GeoDataFrame) of the province, or those around the data; None without the file."""
    if not os.path.exists(GEMEENTEN_GPKG):
        return None
    from ...vector_io import read_frame

    gdf = read_frame(GEMEENTEN_GPKG)
    if province and "provincie" in gdf and (gdf["provincie"] == province).any():
        return gdf[gdf["provincie"] == province]
    if bounds_rd is not None:
        return gdf.cx[bounds_rd[0]:bounds_rd[2], bounds_rd[1]:bounds_rd[3]]
    return gdf.iloc[0:0]


def municipalities_fc(gdf):
    """Simplified municipal outlines for the map (FeatureCollection, property ``n`` = name)."""
    if gdf is None or not len(gdf):
        return {"type": "FeatureCollection", "features": []}
    return geo.feature_collection(geo.to_wgs84(gdf, 60.0, 4), [{"n": str(n)} for n in gdf["gemeentenaam"]])


def build(wb, data):
    """All map and list data of the web atlas: a dict of JSON-ready parts."""
    visible = [p["project_id"] for p in data.all_projects]
    index = {pid: i for i, pid in enumerate(visible)}
    pf = wb.read_frame("projects", columns=["project_id"], order_by=None)
    pf = pf[pf["project_id"].isin(index)]
    pgeoms = geo.to_wgs84(pf, 2.0, 5)
    projects_fc = geo.feature_collection(pgeoms, [{"i": index[pid]} for pid in pf["project_id"]])
    # drawing order on the map: areas under lines under points
    rank = {"Polygon": 0, "MultiPolygon": 0, "LineString": 1, "MultiLineString": 1}
    projects_fc["features"].sort(key=lambda f: rank.get(f["geometry"]["type"], 2))

    kf = wb.read_frame("knooppunten", columns=["knooppunt_id", "name", "karakter"], order_by=None)
    kp_fc = geo.feature_collection(geo.to_wgs84(kf, 10.0, 5), [
        {"id": k, "n": str(n or k), "k": E.label(E.KNOOPPUNT_KARAKTER, c) if c else ""}
        for k, n, c in kf[["knooppunt_id", "name", "karakter"]].itertuples(index=False, name=None)])

    st = stations(wb, getattr(data, "facts", None), _capacity_rows(wb))
    years = sorted({int(y) for s in st for y in s["years"]})
    if not years:
        years = [int(y) for y in re.findall(r"\d{4}", str(data.programme.get("horizon_years") or ""))]

    af = wb.read_frame("capacity_areas", columns=["afname_colour", "invoeding_colour"], order_by=None)
    areas = {"afname": geo.dissolved_areas(af, "afname_colour"),
             "teruglevering": geo.dissolved_areas(af, "invoeding_colour")}

    df = wb.read_frame("developments", columns=["sector", "demand_mw", "supply_mw"], order_by=None)
    sectors = list(E.SECTORS)
    devs = {"sectors": [E.SECTORS[s] for s in sectors],
            "colours": SECTOR_COLOURS[:len(sectors)],
            "scale": 10 ** 4,
            "d": geo.development_points(df, sectors, 4)}

    bounds = None
    for frame in (df, pf, kf, af):
        if len(frame) and not frame.geometry.is_empty.all():
            b = frame.geometry.total_bounds
            bounds = b if bounds is None else [min(bounds[0], b[0]), min(bounds[1], b[1]),
                                               max(bounds[2], b[2]), max(bounds[3], b[3])]
    gem_rd = read_municipalities(data.programme.get("province"), bounds)
    gem = municipalities_fc(gem_rd)
    import shapely

    all_wgs = pgeoms + [shapely.Point(s["lon"], s["lat"]) for s in st]
    for f in gem["features"]:
        all_wgs.append(shapely.geometry.shape(f["geometry"]))
    return {
        "years": years,
        "bbox": geo.bbox_wgs84(all_wgs),
        "projects_fc": projects_fc,
        "knooppunten_fc": kp_fc,
        "stations": st,
        "areas": areas,
        "developments": devs,
        "gemeenten_fc": gem,
        "gemeenten_rd": gem_rd,  # for the fiche maps; not written
        "counts": {"developments": len(devs["d"]) // 4, "stations": len(st), "knooppunten": len(kf),
                   "capacity_areas": len(af)},
    }
