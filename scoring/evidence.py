"""Facts beside a rating (the analyst decides; these only inform).

A  linked developments: count, MW demand/supply, dwellings, jobs.
C  capacity-balance relief: MW added and the years of shortage it removes.
F  overlap of the project geometry with constraint layers (GeoDataFrames).
H  investment and financial cover.

Every function returns plain dicts/DataFrames with numbers; labels are Dutch
in :func:`evidence_facts` for display.
"""

import importlib

from ..formatting import fmt_amount, fmt_eur

# Swappable: how a project's capacity relief is computed.  In this order:
# ``knooppunten.balance.project_relief(wb, project_id)`` if the balance module
# offers it; else the balance's ``BalanceModel`` run with the project switched
# off and on (what-if); else :func:`simple_relief`.
BALANCE_MODULE = "..knooppunten.balance"  # relative to this package's parent
BALANCE_FUNCTION = "project_relief"


def _project(wb, project_id):
    rows = wb.query("SELECT * FROM projects WHERE project_id = ?", (project_id,))
    if not rows:
        from .errors import ScoringError

        raise ScoringError("Onbekend project '{}'.".format(project_id))
    return rows[0]


def linked_developments(wb, project_id):
    """A: {'count', 'demand_mw', 'supply_mw', 'share_mw', 'dwellings', 'jobs', 'sectors'} of the linked developments."""
    rows = wb.query(
        "SELECT d.dev_id, d.sector, d.demand_mw, d.supply_mw, d.dwellings, d.jobs, l.share_mw"
        " FROM project_links l JOIN developments d ON d.dev_id = l.dev_id WHERE l.project_id = ?",
        (project_id,),
    )

    def total(key):
        vals = [r[key] for r in rows if r[key] is not None]
        return float(sum(vals)) if vals else None

    sectors = {}
    for r in rows:
        sectors[r["sector"]] = sectors.get(r["sector"], 0) + 1
    return {
        "count": len(rows),
        "demand_mw": total("demand_mw"),
        "supply_mw": total("supply_mw"),
        "share_mw": total("share_mw"),
        "dwellings": int(total("dwellings")) if total("dwellings") is not None else None,
        "jobs": int(total("jobs")) if total("jobs") is not None else None,
        "sectors": dict(sorted(sectors.items())),
    }


def simple_relief(wb, project_id):
    """C without the balance module: the project's capacity_afname_mw, and the years from its
    IBN year on in which its station is short (demand of the station's developments ready by
    that year > the station's afname capacity of the latest year ≤ that year) without it.

    Returns {'relief_mw', 'years_short', 'years_resolved', 'station_id', 'ibn_year', 'method'}.
    """
    p = _project(wb, project_id)
    mw = float(p["capacity_afname_mw"] or 0.0)
    out = {"relief_mw": mw, "years_short": [], "years_resolved": [], "station_id": p["station_id"],
           "ibn_year": p["ibn_year"], "method": "eenvoudig"}
    st, ibn = p["station_id"], p["ibn_year"]
    if not st or ibn is None:
        return out
    caps = wb.query("SELECT year, afname_mw FROM station_capacity WHERE station_id = ? ORDER BY year", (st,))
    if not caps:
        return out
    devs = wb.query("SELECT year_ready, demand_mw FROM developments WHERE station_id = ?", (st,))
    try:
        horizon = wb.horizon_years()
    except Exception:  # noqa: BLE001 - no programme row in a bare werkbank
        horizon = []
    years = sorted({int(c["year"]) for c in caps} | set(horizon))
    for y in years:
        if y < int(ibn):
            continue
        known = [c for c in caps if int(c["year"]) <= y and c["afname_mw"] is not None]
        if not known:
            continue
        cap = float(known[-1]["afname_mw"])
        demand = sum(float(d["demand_mw"] or 0) for d in devs if d["year_ready"] is None or int(d["year_ready"]) <= y)
        if demand > cap:
            out["years_short"].append(y)
            if demand <= cap + mw:
                out["years_resolved"].append(y)
    return out


def capacity_relief(wb, project_id):
    """C: the capacity-balance relief of a project (balance module if available, else :func:`simple_relief`)."""
    try:
        mod = importlib.import_module(BALANCE_MODULE, __package__)
    except Exception:  # noqa: BLE001 - absent or still being written
        mod = None
    fn = getattr(mod, BALANCE_FUNCTION, None) if mod is not None else None
    try:
        if callable(fn):
            result = dict(fn(wb, project_id))
            result.setdefault("method", "capaciteitsbalans")
            return result
        model = getattr(mod, "BalanceModel", None) if mod is not None else None
        if model is not None and hasattr(model, "from_werkbank") and hasattr(model, "set_whatif"):
            return whatif_relief(model, wb, project_id)
    except Exception:  # noqa: BLE001 - a half-finished balance must not break scoring
        pass
    return simple_relief(wb, project_id)


def whatif_relief(model_cls, wb, project_id):
    """C via the capacity balance: station balance with the project off vs on (same keys as simple_relief)."""
    _project(wb, project_id)
    m = model_cls.from_werkbank(wb, whatif={project_id: False})
    off = m.station_table()
    off_active = m.projects.loc[m.projects["project_id"] == project_id, "active"].tolist()
    m.set_whatif(project_id, True)
    on = m.station_table()
    proj = m.projects[m.projects["project_id"] == project_id]
    if off_active != [False] or proj["active"].tolist() != [True]:
        # the what-if was not applied (e.g. a one-project werkbank): do not report a wrong relief
        raise ValueError("wat-als niet toegepast")
    p = proj.iloc[0] if len(proj) else {}
    station = p.get("station_id") if len(proj) else None
    ibn = p.get("ibn_eff") if len(proj) else None
    out = {"relief_mw": float(p.get("afname_mw") or 0.0) if len(proj) else 0.0, "years_short": [],
           "years_resolved": [], "station_id": station if isinstance(station, str) else None,
           "ibn_year": int(ibn) if ibn is not None and ibn == ibn else None, "method": "capaciteitsbalans"}
    if out["station_id"] is None or out["ibn_year"] is None:
        return out
    sel_off = off[(off["unit_id"] == station) & (off["year"] >= out["ibn_year"])].set_index("year")
    sel_on = on[on["unit_id"] == station].set_index("year")
    for y, row in sel_off.iterrows():
        if row["status"] == "tekort":
            out["years_short"].append(int(y))
            if y in sel_on.index and sel_on.loc[y, "status"] != "tekort":
                out["years_resolved"].append(int(y))
    return out


def _station_name(wb, station_id):
    """A station as the fiche and the balance dock name it ('Lage Weide (150 kV)'), its id when it has no name."""
    from ..formatting import station_label

    if not station_id:
        return ""
    rows = wb.query("SELECT name, voltage_kv FROM stations WHERE station_id = ?", (station_id,))
    label = station_label(rows[0]["name"], rows[0]["voltage_kv"]) if rows else ""
    return label or str(station_id)


def constraint_overlap(geometry, constraints, crs="EPSG:28992"):
    """F: overlap of one project geometry with constraint layers.

    ``geometry``: a shapely geometry in ``crs``; ``constraints``: {layer name:
    GeoDataFrame}.  Returns a DataFrame (layer, features, area_m2, length_m,
    inside) with one row per layer: area of polygon overlap, length of line
    overlap, and for points whether they fall in the layer.
    """
    import geopandas as gpd
    import pandas as pd
    import shapely

    rows = []
    for name, gdf in (constraints or {}).items():
        row = {"layer": name, "features": 0, "area_m2": 0.0, "length_m": 0.0, "inside": False}
        if geometry is not None and not geometry.is_empty and gdf is not None and len(gdf):
            g = gdf
            if g.crs is not None and crs is not None and not g.crs.equals(gpd.GeoSeries([], crs=crs).crs):
                g = g.to_crs(crs)
            geoms = g.geometry.values
            geoms = geoms[~(geoms.is_empty | pd.isna(geoms))]
            hit = geoms[shapely.intersects(geoms, geometry)]
            row["features"] = int(len(hit))
            if len(hit):
                cover = shapely.make_valid(shapely.union_all(shapely.make_valid(hit)))
                inter = shapely.intersection(geometry, cover)
                dim = shapely.get_dimensions(geometry)
                if dim == 2:
                    row["area_m2"] = float(shapely.area(inter))
                elif dim == 1:
                    row["length_m"] = float(shapely.length(inter))
                row["inside"] = True
        rows.append(row)
    return pd.DataFrame(rows, columns=["layer", "features", "area_m2", "length_m", "inside"])


def project_overlap(wb, project_id, constraints):
    """F for a project of the werkbank (its geometry read from ``projects``)."""
    gdf = wb.read_frame("projects", columns=["project_id"], where="project_id = ?", params=(project_id,))
    geom = gdf.geometry.iloc[0] if len(gdf) else None
    return constraint_overlap(geom, constraints, "EPSG:{}".format(wb.srid))


def investment(wb, project_id):
    """H: {'investment_eur', 'financial_cover', 'financial_note'}."""
    p = _project(wb, project_id)
    return {"investment_eur": p["investment_eur"], "financial_cover": p["financial_cover"],
            "financial_note": p["financial_note"]}


def _fmt(x, decimals=1):
    """Through the plugin's one Dutch formatter (formatting.fmt_num); 'onbekend' when empty."""
    from ..formatting import fmt_num

    return fmt_num(x, decimals, empty="onbekend")


def evidence_facts(wb, project_id, criterion_id, constraints=None):
    """Facts for one project × criterion as a list of (Dutch label, text); [] when none apply."""
    from ..werkbank import enums as E

    cid = str(criterion_id).upper()
    facts = []
    if cid == "A":
        a = linked_developments(wb, project_id)
        facts += [
            ("Gekoppelde ontwikkelingen", str(a["count"])),
            ("Vraag (MW)", _fmt(a["demand_mw"])),
            ("Aanbod (MW)", _fmt(a["supply_mw"])),
            ("Woningen", _fmt(a["dwellings"], 0) if a["dwellings"] is not None else "onbekend"),
            ("Arbeidsplaatsen", _fmt(a["jobs"], 0) if a["jobs"] is not None else "onbekend"),
        ]
        if a["sectors"]:
            facts.append(("Sectoren", ", ".join("{} ({})".format(E.label(E.SECTORS, s), n)
                                                for s, n in a["sectors"].items())))
    elif cid == "C":
        c = capacity_relief(wb, project_id)
        facts += [
            ("Extra afnamecapaciteit (MW)", _fmt(c.get("relief_mw"))),
            ("Station", _station_name(wb, c.get("station_id")) or "niet opgegeven"),
            ("Jaar inbedrijfname", str(c.get("ibn_year") or "onbekend")),
            ("Jaren tekort zonder project", ", ".join(map(str, c.get("years_short") or [])) or "geen"),
            ("Waarvan opgelost met project", ", ".join(map(str, c.get("years_resolved") or [])) or "geen"),
            ("Methode", "capaciteitsbalans" if c.get("method") != "eenvoudig"
             else "eenvoudig (capaciteit project en tekortjaren station)"),
        ]
    elif cid == "F":
        if not constraints:
            facts.append(("Belemmeringen", "geen belemmeringenlagen gekozen"))
        else:
            ov = project_overlap(wb, project_id, constraints)
            for r in ov.itertuples(index=False):
                if r.area_m2:
                    text = "{} overlap ({} objecten)".format(fmt_amount(r.area_m2 / 10000.0, "ha", 2), r.features)
                elif r.length_m:  # a non-zero overlap never reads '0 m' (fmt_amount)
                    text = "{} overlap ({} objecten)".format(fmt_amount(r.length_m, "m"), r.features)
                elif r.inside:
                    text = "ligt erin ({} objecten)".format(r.features)
                else:
                    text = "geen overlap"
                facts.append((str(r.layer), text))
    elif cid == "H":
        h = investment(wb, project_id)
        facts += [
            ("Investering", fmt_eur(h["investment_eur"]) or "onbekend"),  # '€ 12,5 mln' as on the fiche
            ("Financiële dekking", E.label(E.FINANCIAL_COVER, h["financial_cover"]) if h["financial_cover"]
             else "onbekend"),
        ]
        if h["financial_note"]:
            facts.append(("Toelichting", str(h["financial_note"])))
    return facts
