"""Capacity balance per station and per knooppunt per horizon year (pure logic, no QGIS).

The rules (also shown to users in the help of ``pmiek:capacitybalance``):

**Capacity of a station in year Y** (``capacity_mw``) = the station limit
(``station_capacity.afname_mw``) of year Y; when Y itself is missing the latest
year before Y is used and ``capacity_note`` says so ("capaciteit uit 2030");
without any year <= Y the limit is 0 ("geen capaciteit bekend t/m Y").  Plus
``capacity_afname_mw`` of every *active* project of that station whose
``ibn_year`` <= Y.  The supply side (``supply_capacity_mw``) works the same with
``teruglevering_mw`` and ``capacity_teruglevering_mw``.

**Active project**: status is not ``afgevallen`` and an IBN year is known.  The
what-if set overrides this per project: ``True`` = switched on (counted from
its IBN year, or from the first horizon year when it has none, also when
``afgevallen``), ``False`` = switched off.

**Station of a project**: its ``station_id`` when that station exists
(``station_rule`` "expliciet"); else the station that serves most of the MW of
its linked developments ("via koppelingen"); else none.

**Station of a development** (``assign_rule`` per development):
1. "expliciet": ``developments.station_id`` names an existing station;
2. "capaciteitsgebied": the representative point of the geometry lies in a
   capacity area with a (known) ``station_id`` (overlapping areas: smallest);
3. "dichtstbijzijnde station": the nearest station (within the province
   polygon when one is given, within ``nearest_max_m`` when set;
   ``distance_m`` recorded);
4. "geen station": no geometry, or no station found.

**Year**: a development counts from ``year_ready`` on (demand/supply in year Y
= developments with ``year_ready`` <= Y).  A development without year counts
from the first horizon year (``null_year="first"``, default: planned
developments without a date are assumed to be there now) or never
(``null_year="ignore"``); ``year_note`` records it.

**Balance and status**: ``balance_mw = capacity_mw - demand_mw - other_demand_mw``;
``tekort`` when < 0, ``krap`` when < ``krap_pct`` % of ``capacity_mw``, else
``ruim``.  ``first_shortage_year`` is the first horizon year with ``tekort``.
Supply side likewise (``supply_*``).

**Served in time**: developments queue per station by (year, dev_id).  In year Y
a development is unserved (``unserved_count``) when the cumulative demand of
the queue up to and including it exceeds the capacity in Y.  The frame
``unserved()`` lists developments that cannot be served *in their own ready
year* (capacity at that exact year, so a project with IBN 2033 helps a
development of 2033), with the first year they fit (``served_from_year``) and the
projects linked to them.  Developments with demand but no station are listed
too ("geen station").

**Knooppunt**: a development belongs to the knooppunt its representative point
lies in (overlaps: the smallest).  The stations *serving* knooppunt K are the
stations lying in K, the stations of developments in K and the stations of
active projects with ``knooppunt_id`` K.  ``capacity_mw`` = sum over the serving
stations (limit + their projects) + active projects of K without station;
``demand_mw`` = developments in K; ``other_demand_mw`` = developments outside K
on the serving stations (they use the same capacity).  So the knooppunt
balance is what is left on its stations for it.  ``unserved_count`` counts the
developments in K unserved at their station in Y, and those without station.

Entry points: :func:`load_inputs` (from a werkbank), :func:`settings_from_werkbank`,
:class:`BalanceModel` (in memory, incremental) and :func:`compute_balance`.
"""

from dataclasses import dataclass, field

RULE_EXPLICIT = "expliciet"
RULE_AREA = "capaciteitsgebied"
RULE_NEAREST = "dichtstbijzijnde station"
RULE_NONE = "geen station"
PROJECT_RULE_EXPLICIT = "expliciet"
PROJECT_RULE_LINKS = "via koppelingen"
PROJECT_RULE_NONE = "geen station"

RUIM, KRAP, TEKORT = "ruim", "krap", "tekort"
STATUS_COLOURS = {RUIM: "#4daf4a", KRAP: "#ffbf00", TEKORT: "#e41a1c"}

BALANCE_COLUMNS = [
    "level", "unit_id", "unit_name", "year",
    "capacity_mw", "base_capacity_mw", "project_capacity_mw", "capacity_source_year", "capacity_note",
    "demand_mw", "other_demand_mw", "balance_mw", "status", "first_shortage_year", "unserved_count",
    "supply_capacity_mw", "supply_mw", "other_supply_mw", "supply_balance_mw", "supply_status",
    "supply_first_shortage_year", "unserved_supply_count", "n_developments",
]
ASSIGNMENT_COLUMNS = [
    "dev_id", "name", "sector", "station_id", "assign_rule", "distance_m", "assign_note", "knooppunt_id",
    "year_ready", "year_eff", "year_note", "demand_mw", "supply_mw",
]
UNSERVED_COLUMNS = [
    "dev_id", "name", "direction", "station_id", "knooppunt_id", "year_ready", "mw", "cum_mw",
    "capacity_mw", "shortfall_mw", "served_from_year", "linked_projects", "reason",
]
PROJECT_COLUMNS = [
    "project_id", "name", "status", "station_id", "station_rule", "knooppunt_id", "ibn_year", "ibn_eff",
    "afname_mw", "teruglevering_mw", "active", "active_note",
]
EPS = 1e-9


class BalanceError(ValueError):
    """Invalid settings (Dutch message)."""


def parse_years(text):
    """'2025, 2030;2035' -> [2025, 2030, 2035] (sorted, unique); Dutch error on nonsense."""
    if isinstance(text, (list, tuple)):
        parts = list(text)
    else:
        parts = [p for p in str(text or "").replace(";", ",").replace(" ", ",").split(",") if p.strip()]
    years = []
    for p in parts:
        try:
            y = int(str(p).strip())
        except ValueError:
            raise BalanceError("Zichtjaar '{}' is geen jaartal.".format(p)) from None
        if not 1990 <= y <= 2100:
            raise BalanceError("Zichtjaar {} ligt niet tussen 1990 en 2100.".format(y))
        years.append(y)
    if not years:
        raise BalanceError("Geef minstens één zichtjaar op, bijv. 2025,2030,2035.")
    return sorted(set(years))


def parse_whatif(text):
    """'P1, -P2, +P3' -> {'P1': True, 'P2': False, 'P3': True}."""
    out = {}
    if isinstance(text, dict):
        return dict(text)
    for p in str(text or "").replace(";", ",").split(","):
        p = p.strip()
        if not p:
            continue
        if p[0] == "-":
            out[p[1:].strip()] = False
        elif p[0] == "+":
            out[p[1:].strip()] = True
        else:
            out[p] = True
    return out


@dataclass
class BalanceSettings:
    years: list = field(default_factory=lambda: [2025, 2030, 2035])
    krap_pct: float = 10.0
    null_year: str = "first"  # 'first' | 'ignore'
    whatif: dict = field(default_factory=dict)  # project_id -> True (on) / False (off)
    nearest_max_m: float = None
    province: object = None  # shapely polygon (EPSG:28992) limiting the nearest-station rule

    def __post_init__(self):
        self.years = parse_years(self.years)
        self.krap_pct = float(self.krap_pct if self.krap_pct is not None else 10.0)
        if self.krap_pct < 0:
            raise BalanceError("De drempel voor 'krap' ({}) mag niet negatief zijn.".format(self.krap_pct))
        if self.null_year not in ("first", "ignore"):
            raise BalanceError("null_year moet 'first' of 'ignore' zijn.")
        self.whatif = parse_whatif(self.whatif)


@dataclass
class BalanceInput:
    """The werkbank tables the balance needs (frames as read by ``Werkbank.read_frame``)."""

    stations: object = None
    station_capacity: object = None
    capacity_areas: object = None
    developments: object = None
    knooppunten: object = None
    projects: object = None
    links: object = None

    def __post_init__(self):
        import geopandas as gpd
        import pandas as pd

        def gdf(frame, cols):
            if frame is None:
                frame = gpd.GeoDataFrame({c: pd.Series(dtype=object) for c in cols}, geometry=gpd.GeoSeries([]),
                                         crs="EPSG:28992")
            elif not isinstance(frame, gpd.GeoDataFrame):
                frame = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([None] * len(frame), index=frame.index),
                                         crs="EPSG:28992")
            frame = frame.copy()
            for c in cols:
                if c not in frame.columns:
                    frame[c] = None
            return frame.reset_index(drop=True)

        def df(frame, cols):
            if frame is None:
                frame = pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
            frame = pd.DataFrame(frame).copy()
            for c in cols:
                if c not in frame.columns:
                    frame[c] = None
            return frame.reset_index(drop=True)

        self.stations = gdf(self.stations, ["station_id", "name"])
        self.station_capacity = df(self.station_capacity, ["station_id", "year", "afname_mw", "teruglevering_mw"])
        self.capacity_areas = gdf(self.capacity_areas, ["area_id", "station_id"])
        self.developments = gdf(self.developments, ["dev_id", "name", "sector", "year_ready", "demand_mw",
                                                    "supply_mw", "station_id"])
        self.knooppunten = gdf(self.knooppunten, ["knooppunt_id", "name"])
        self.projects = df(self.projects, ["project_id", "name", "status", "station_id", "knooppunt_id",
                                           "ibn_year", "capacity_afname_mw", "capacity_teruglevering_mw"])
        self.links = df(self.links, ["link_id", "project_id", "dev_id", "share_mw", "share_pct", "motivation"])
        for frame in (self.stations, self.developments, self.capacity_areas):
            if frame.crs is None:
                frame.set_crs("EPSG:28992", inplace=True, allow_override=True)


def load_inputs(wb):
    """Read the tables the balance needs from an open werkbank."""
    st = wb.read_frame("stations", columns=["station_id", "name"])
    cap = wb.read_frame("station_capacity", columns=["station_id", "year", "afname_mw", "teruglevering_mw"])
    areas = wb.read_frame("capacity_areas", columns=["area_id", "station_id"])
    devs = wb.read_frame("developments", columns=["dev_id", "name", "sector", "year_ready", "demand_mw",
                                                  "supply_mw", "station_id"])
    kps = wb.read_frame("knooppunten", columns=["knooppunt_id", "name"])
    projects = wb.read_frame("projects", columns=["project_id", "name", "status", "station_id", "knooppunt_id",
                                                  "ibn_year", "capacity_afname_mw", "capacity_teruglevering_mw",
                                                  "type_infra"], geometry=False)
    links = wb.read_frame("project_links", columns=["link_id", "project_id", "dev_id", "share_mw", "share_pct",
                                                    "motivation"])
    return BalanceInput(st, cap, areas, devs, kps, projects, links)


def settings_from_werkbank(wb, years=None, krap_pct=None, whatif=None, **kwargs):
    """Settings with the programme's horizon years and krap threshold unless given."""
    prog = wb.programme()
    if years is None or (isinstance(years, str) and not years.strip()):
        years = wb.horizon_years()
    if krap_pct is None:
        krap_pct = prog.get("krap_threshold_pct")
        krap_pct = 10.0 if krap_pct is None else krap_pct
    return BalanceSettings(years=years, krap_pct=krap_pct, whatif=whatif or {}, **kwargs)


def link_mw(links, developments):
    """Links with ``mw``: share_mw, else share_pct % of the development's MW (demand, else supply), else 100 %."""
    import numpy as np
    import pandas as pd

    links = pd.DataFrame(links).copy()
    if not len(links):
        links["mw"] = pd.Series(dtype=float)
        return links
    d = pd.DataFrame(developments)[["dev_id", "demand_mw", "supply_mw"]]
    d = d[d["dev_id"].isin(links["dev_id"])].copy()  # only the linked developments (cheap on 20,000 rows)
    dem = pd.to_numeric(d["demand_mw"], errors="coerce").fillna(0.0)
    sup = pd.to_numeric(d["supply_mw"], errors="coerce").fillna(0.0)
    d["_dev_mw"] = np.where(dem > 0, dem, sup)
    m = links.merge(d[["dev_id", "_dev_mw"]], on="dev_id", how="left")
    share_mw = pd.to_numeric(m["share_mw"], errors="coerce")
    share_pct = pd.to_numeric(m["share_pct"], errors="coerce")
    dev_mw = m["_dev_mw"].fillna(0.0)
    links["mw"] = np.where(share_mw.notna(), share_mw, np.where(share_pct.notna(), share_pct / 100.0 * dev_mw, dev_mw))
    return links


# ---- step 1: developments -> station, knooppunt, year ---------------------------------------

def _str_col(series):
    """Object series of stripped strings, None for empty/NaN."""
    import pandas as pd

    s = series.astype(object).where(pd.notna(series), None)
    s = s.map(lambda v: (str(v).strip() or None) if v is not None else None)
    return s


def assign_developments(inp, settings):
    """One row per development: station (and the rule used), knooppunt, effective year, MW."""
    import geopandas as gpd
    import numpy as np
    import pandas as pd

    dev = inp.developments
    n = len(dev)
    out = pd.DataFrame({
        "dev_id": _str_col(dev["dev_id"]).values,
        "name": dev["name"].values,
        "sector": dev["sector"].values,
    })
    station_ids = pd.Index(_str_col(inp.stations["station_id"]).dropna().unique())
    explicit = _str_col(dev["station_id"])
    known = explicit.isin(station_ids).values
    station = np.where(known, explicit.values, None).astype(object)
    rule = np.where(known, RULE_EXPLICIT, None).astype(object)
    note = np.full(n, None, dtype=object)
    bad = explicit.notna().values & ~known
    if bad.any():
        note[bad] = ["station '{}' bestaat niet in de werkbank".format(s) for s in explicit.values[bad]]
    distance = np.full(n, np.nan)
    geoms = dev.geometry.values
    has_geom = ~(pd.isna(geoms) | dev.geometry.is_empty.fillna(True).values) if n else np.zeros(0, bool)
    pts = np.full(n, None, dtype=object)
    if has_geom.any():
        pts[has_geom] = gpd.GeoSeries(geoms[has_geom], crs=dev.crs).representative_point().values
    crs = dev.crs or "EPSG:28992"

    # 2. capacity area
    todo = np.flatnonzero((station == None) & has_geom)  # noqa: E711 - elementwise
    areas = inp.capacity_areas
    if len(todo) and len(areas):
        a_sid = _str_col(areas["station_id"])
        ok = a_sid.isin(station_ids).values & areas.geometry.notna().values
        if ok.any():
            a = gpd.GeoDataFrame({"_station": a_sid.values[ok], "_area": areas.geometry.values[ok].area},
                                 geometry=areas.geometry.values[ok], crs=areas.crs or crs)
            q = gpd.GeoDataFrame({"_i": todo}, geometry=list(pts[todo]), crs=crs)
            j = gpd.sjoin(q, a, how="inner", predicate="intersects")
            if len(j):
                j = j.sort_values(["_i", "_area"], kind="stable").drop_duplicates("_i")
                idx = j["_i"].to_numpy()
                station[idx] = j["_station"].to_numpy()
                rule[idx] = RULE_AREA

    # 3. nearest station (within the province)
    todo = np.flatnonzero((station == None) & has_geom)  # noqa: E711
    st = inp.stations
    st_ok = _str_col(st["station_id"]).notna().values & st.geometry.notna().values
    if settings.province is not None and st_ok.any():
        st_ok &= st.geometry.intersects(settings.province).values
    if len(todo) and st_ok.any():
        s = gpd.GeoDataFrame({"_station": _str_col(st["station_id"]).values[st_ok]},
                             geometry=st.geometry.values[st_ok], crs=st.crs or crs)
        q = gpd.GeoDataFrame({"_i": todo}, geometry=list(pts[todo]), crs=crs)
        j = gpd.sjoin_nearest(q, s, how="inner", max_distance=settings.nearest_max_m, distance_col="_d")
        if len(j):
            j = j.sort_values(["_i", "_d", "_station"], kind="stable").drop_duplicates("_i")
            idx = j["_i"].to_numpy()
            station[idx] = j["_station"].to_numpy()
            rule[idx] = RULE_NEAREST
            distance[idx] = j["_d"].to_numpy()
    none = station == None  # noqa: E711
    rule[none] = RULE_NONE
    no_geom = none & ~has_geom
    if no_geom.any():
        note[no_geom] = [((x + "; ") if x else "") + "geen geometrie" for x in note[no_geom]]
    out["station_id"] = station
    out["assign_rule"] = rule
    out["distance_m"] = distance
    out["assign_note"] = note

    # knooppunt
    kp = np.full(n, None, dtype=object)
    kps = inp.knooppunten
    idx_geom = np.flatnonzero(has_geom)
    if len(idx_geom) and len(kps):
        kid = _str_col(kps["knooppunt_id"])
        ok = kid.notna().values & kps.geometry.notna().values
        if ok.any():
            k = gpd.GeoDataFrame({"_k": kid.values[ok], "_area": kps.geometry.values[ok].area},
                                 geometry=kps.geometry.values[ok], crs=kps.crs or crs)
            q = gpd.GeoDataFrame({"_i": idx_geom}, geometry=list(pts[idx_geom]), crs=crs)
            j = gpd.sjoin(q, k, how="inner", predicate="intersects")
            if len(j):
                j = j.sort_values(["_i", "_area"], kind="stable").drop_duplicates("_i")
                kp[j["_i"].to_numpy()] = j["_k"].to_numpy()
    out["knooppunt_id"] = kp

    year = pd.to_numeric(dev["year_ready"], errors="coerce")
    out["year_ready"] = year.values
    missing = year.isna().values
    if settings.null_year == "first":
        out["year_eff"] = np.where(missing, settings.years[0], year.values)
        note_y = "geen jaar: telt vanaf {}".format(settings.years[0])
    else:
        out["year_eff"] = year.values
        note_y = "geen jaar: telt niet mee"
    out["year_note"] = np.where(missing, note_y, None)
    out["demand_mw"] = pd.to_numeric(dev["demand_mw"], errors="coerce").fillna(0.0).clip(lower=0).values
    out["supply_mw"] = pd.to_numeric(dev["supply_mw"], errors="coerce").fillna(0.0).clip(lower=0).values
    return out[ASSIGNMENT_COLUMNS]


def _queue(assign):
    """Cumulative demand/supply per station in queue order (year_eff, dev_id)."""
    q = assign[assign["station_id"].notna() & assign["year_eff"].notna()]
    q = q.sort_values(["station_id", "year_eff", "dev_id"], kind="stable")
    g = q.groupby("station_id", sort=False)
    q = q.assign(cum_demand=g["demand_mw"].cumsum(), cum_supply=g["supply_mw"].cumsum())
    return q


# ---- step 2: projects -------------------------------------------------------------------------

def resolve_projects(projects, links, assign, station_ids, settings):
    """Projects with their station (rule), effective IBN year and whether they count."""
    import numpy as np
    import pandas as pd

    p = pd.DataFrame(projects)
    out = pd.DataFrame({
        "project_id": _str_col(p["project_id"]).values,
        "name": p["name"].values,
        "status": p["status"].values,
        "knooppunt_id": _str_col(p["knooppunt_id"]).values,
    })
    sid = _str_col(p["station_id"])
    known = sid.isin(station_ids).values
    station = np.where(known, sid.values, None).astype(object)
    rule = np.where(known, PROJECT_RULE_EXPLICIT, PROJECT_RULE_NONE).astype(object)
    if (~known).any() and len(links):
        lm = link_mw(links, assign)
        lm = lm.merge(assign[["dev_id", "station_id"]], on="dev_id", how="inner")
        lm = lm[lm["station_id"].notna()]
        if len(lm):
            agg = lm.groupby(["project_id", "station_id"], as_index=False)["mw"].sum()
            agg = agg.sort_values(["project_id", "mw", "station_id"], ascending=[True, False, True])
            best = agg.drop_duplicates("project_id").set_index("project_id")["station_id"]
            via = out["project_id"].map(best).values
            use = ~known & pd.notna(via)
            station[use] = via[use]
            rule[use] = PROJECT_RULE_LINKS
    out["station_id"] = station
    out["station_rule"] = rule
    ibn = pd.to_numeric(p["ibn_year"], errors="coerce").values
    out["ibn_year"] = ibn
    out["afname_mw"] = pd.to_numeric(p["capacity_afname_mw"], errors="coerce").fillna(0.0).values
    out["teruglevering_mw"] = pd.to_numeric(p["capacity_teruglevering_mw"], errors="coerce").fillna(0.0).values
    status = out["status"].astype(object).fillna("kandidaat").values
    # A plain list keeps None apart from False (a pandas map would coerce to numpy booleans).
    wi = [settings.whatif.get(x) for x in out["project_id"]]
    default = (status != "afgevallen") & ~np.isnan(ibn)
    on = np.array([w is not None and bool(w) for w in wi], dtype=bool)
    off = np.array([w is not None and not bool(w) for w in wi], dtype=bool)
    out["active"] = np.where(on, True, np.where(off, False, default))
    out["ibn_eff"] = np.where(on & np.isnan(ibn), settings.years[0], ibn)
    note = np.where(status == "afgevallen", "afgevallen", np.where(np.isnan(ibn), "geen IBN-jaar", None)).astype(object)
    note = np.where(on, "wat-als: aan", np.where(off, "wat-als: uit", note))
    out["active_note"] = note
    return out[PROJECT_COLUMNS]


# ---- step 3: capacity as a step function of time ---------------------------------------------------

def _capacity_at(pairs, cap, projects):
    """Capacity at (station_id, year) pairs: base limit (latest year <= year) + active projects with IBN <= year.

    Returns pairs with base_afname, base_terug, source_year, proj_afname, proj_terug.
    """
    import numpy as np
    import pandas as pd

    pairs = pairs[["station_id", "year"]].copy()
    pairs["year"] = pairs["year"].astype("int64")
    pairs["_o"] = np.arange(len(pairs))
    c = cap
    if len(c):
        left = pairs.sort_values("year", kind="stable")
        m = pd.merge_asof(left, c, on="year", by="station_id", direction="backward")
        m = m.sort_values("_o")
        base_a = m["afname_mw"].to_numpy(dtype=float)
        base_t = m["teruglevering_mw"].to_numpy(dtype=float)
        src = m["source_year"].to_numpy(dtype=float)
    else:
        base_a = np.full(len(pairs), np.nan)
        base_t = np.full(len(pairs), np.nan)
        src = np.full(len(pairs), np.nan)
    pairs["source_year"] = src
    pairs["known_afname"] = ~np.isnan(base_a)  # (rule added later: an unknown limit gives status onbekend)
    pairs["known_terug"] = ~np.isnan(base_t)
    pairs["base_afname"] = np.nan_to_num(base_a)
    pairs["base_terug"] = np.nan_to_num(base_t)
    act = projects[projects["active"] & projects["station_id"].notna() & projects["ibn_eff"].notna()]
    if len(act) and len(pairs):
        m = pairs[["_o", "station_id", "year"]].merge(
            act[["station_id", "ibn_eff", "afname_mw", "teruglevering_mw"]], on="station_id", how="inner")
        m = m[m["ibn_eff"] <= m["year"]]
        s = m.groupby("_o")[["afname_mw", "teruglevering_mw"]].sum()
        pairs["proj_afname"] = pairs["_o"].map(s["afname_mw"]).fillna(0.0).to_numpy()
        pairs["proj_terug"] = pairs["_o"].map(s["teruglevering_mw"]).fillna(0.0).to_numpy()
    else:
        pairs["proj_afname"] = 0.0
        pairs["proj_terug"] = 0.0
    return pairs.drop(columns="_o")


def _status(balance, capacity, krap_pct):
    import numpy as np

    balance = np.asarray(balance, dtype=float)
    capacity = np.asarray(capacity, dtype=float)
    return np.where(balance < -EPS, TEKORT,
                    np.where(balance < capacity * krap_pct / 100.0 - EPS, KRAP, RUIM)).astype(object)


def _first_shortage(frame, status_col):
    """Per row: the first year of its unit with status tekort (NaN when none)."""
    t = frame.loc[frame[status_col] == TEKORT].groupby("unit_id")["year"].min()
    return frame["unit_id"].map(t).astype(float).to_numpy()


# ---- the model ----------------------------------------------------------------------------------------

class BalanceModel:
    """The balance of one werkbank kept in memory.

    ``station_table()``/``knooppunt_table()``/``table(level)`` return one row per
    unit and year (columns :data:`BALANCE_COLUMNS`); ``unserved()`` the
    developments that cannot be served in time (:data:`UNSERVED_COLUMNS`);
    ``assignment`` (:data:`ASSIGNMENT_COLUMNS`) and ``projects``
    (:data:`PROJECT_COLUMNS`) the rules applied.  Edits of projects, links and
    the what-if set (``upsert_project``, ``remove_project``, ``set_link``,
    ``remove_link``, ``set_whatif``, ``replace_projects``, ``replace_links``)
    recompute only the affected stations and knooppunten.
    """

    def __init__(self, inputs, settings=None):
        self.inputs = inputs
        self.settings = settings or BalanceSettings()
        self.recompute()

    @classmethod
    def from_werkbank(cls, wb, years=None, krap_pct=None, whatif=None, **kwargs):
        return cls(load_inputs(wb), settings_from_werkbank(wb, years, krap_pct, whatif, **kwargs))

    # ---- full computation ------------------------------------------------------------
    def recompute(self):
        import pandas as pd

        inp = self.inputs
        self.years = list(self.settings.years)
        self.assignment = assign_developments(inp, self.settings)
        self._q = _queue(self.assignment)
        st = inp.stations
        self._station_ids = pd.Index(_str_col(st["station_id"]).dropna().unique())
        self._station_names = pd.Series(st["name"].values, index=_str_col(st["station_id"]).values)
        self._station_names = self._station_names[~self._station_names.index.duplicated()]
        cap = pd.DataFrame({
            "station_id": _str_col(inp.station_capacity["station_id"]).values,
            "year": pd.to_numeric(inp.station_capacity["year"], errors="coerce").values,
            "afname_mw": pd.to_numeric(inp.station_capacity["afname_mw"], errors="coerce").values,
            "teruglevering_mw": pd.to_numeric(inp.station_capacity["teruglevering_mw"], errors="coerce").values,
        })
        cap = cap[cap["station_id"].notna() & cap["year"].notna()].copy()
        cap["year"] = cap["year"].astype("int64")
        cap = cap.sort_values(["year", "station_id"]).drop_duplicates(["station_id", "year"], keep="last")
        cap["source_year"] = cap["year"]
        self._cap = cap.reset_index(drop=True)
        self._links = pd.DataFrame(inp.links).copy()
        self._projects_raw = pd.DataFrame(inp.projects).copy()
        self._projects_raw["project_id"] = _str_col(self._projects_raw["project_id"])
        self.projects = resolve_projects(self._projects_raw, self._links, self.assignment, self._station_ids,
                                         self.settings)
        kp = inp.knooppunten
        self._kp_ids = pd.Index(_str_col(kp["knooppunt_id"]).dropna().unique())
        self._kp_names = pd.Series(kp["name"].values, index=_str_col(kp["knooppunt_id"]).values)
        self._kp_names = self._kp_names[~self._kp_names.index.duplicated()]
        self._static_serving = self._static_serving_pairs()
        self._stations = self._station_rows(self._station_ids)
        self._unserved = self._unserved_rows(self._station_ids)
        self._serving = self._serving_pairs()
        self._knooppunten = self._knooppunt_rows(self._kp_ids)

    # ---- stations ------------------------------------------------------------------------------
    def _station_rows(self, sids):
        import numpy as np
        import pandas as pd

        sids = pd.Index(sids)
        years = self.years
        if not len(sids):
            return pd.DataFrame({c: pd.Series(dtype=object) for c in BALANCE_COLUMNS})
        grid = pd.DataFrame({"station_id": np.repeat(np.asarray(sids, dtype=object), len(years)),
                             "year": np.tile(np.asarray(years, dtype="int64"), len(sids))})
        c = _capacity_at(grid, self._cap, self.projects)
        q = self._q[self._q["station_id"].isin(sids)]
        x = q[["station_id", "year_eff", "demand_mw", "supply_mw", "cum_demand", "cum_supply"]].merge(
            pd.DataFrame({"year": years}), how="cross")
        x = x[x["year_eff"] <= x["year"]]
        agg = x.groupby(["station_id", "year"]).agg(
            demand_mw=("demand_mw", "sum"), supply_mw=("supply_mw", "sum"), n_developments=("demand_mw", "size"))
        c = c.merge(agg, left_on=["station_id", "year"], right_index=True, how="left")
        c["capacity_mw"] = c["base_afname"] + c["proj_afname"]
        c["supply_capacity_mw"] = c["base_terug"] + c["proj_terug"]
        # unserved counts: cumulative queue beyond capacity in year Y
        if len(x):
            x = x.merge(c[["station_id", "year", "capacity_mw", "supply_capacity_mw"]], on=["station_id", "year"])
            x["_u"] = (x["demand_mw"] > 0) & (x["cum_demand"] > x["capacity_mw"] + EPS)
            x["_us"] = (x["supply_mw"] > 0) & (x["cum_supply"] > x["supply_capacity_mw"] + EPS)
            u = x.groupby(["station_id", "year"])[["_u", "_us"]].sum()
            c = c.merge(u, left_on=["station_id", "year"], right_index=True, how="left")
        else:
            c["_u"] = 0
            c["_us"] = 0
        for col in ("demand_mw", "supply_mw", "n_developments", "_u", "_us"):
            c[col] = c[col].fillna(0)
        out = pd.DataFrame({
            "level": "station",
            "unit_id": c["station_id"].values,
            "unit_name": c["station_id"].map(self._station_names).values,
            "year": c["year"].values,
            "capacity_mw": c["capacity_mw"].values,
            "base_capacity_mw": c["base_afname"].values,
            "project_capacity_mw": c["proj_afname"].values,
            "capacity_source_year": c["source_year"].values,
            "capacity_note": _capacity_note(c["year"].values, c["source_year"].values),
            "demand_mw": c["demand_mw"].values,
            "other_demand_mw": 0.0,
            "supply_capacity_mw": c["supply_capacity_mw"].values,
            "supply_mw": c["supply_mw"].values,
            "other_supply_mw": 0.0,
            "unserved_count": c["_u"].astype(int).values,
            "unserved_supply_count": c["_us"].astype(int).values,
            "n_developments": c["n_developments"].astype(int).values,
            "_known_a": c["known_afname"].values,
            "_known_t": c["known_terug"].values,
        })
        return self._finish(out)

    def _finish(self, out):
        out["balance_mw"] = out["capacity_mw"] - out["demand_mw"] - out["other_demand_mw"]
        out["supply_balance_mw"] = out["supply_capacity_mw"] - out["supply_mw"] - out["other_supply_mw"]
        k = self.settings.krap_pct
        out["status"] = _status(out["balance_mw"], out["capacity_mw"], k)
        out["supply_status"] = _status(out["supply_balance_mw"], out["supply_capacity_mw"], k)
        # rule added after the freeze: no known limit (station; a serving station of a knooppunt) -> '' (onbekend)
        out.loc[~out["_known_a"].astype(bool).values, "status"] = ""
        out.loc[~out["_known_t"].astype(bool).values, "supply_status"] = ""
        out["first_shortage_year"] = _first_shortage(out, "status")
        out["supply_first_shortage_year"] = _first_shortage(out, "supply_status")
        return out[BALANCE_COLUMNS].reset_index(drop=True)

    # ---- developments that cannot be served in time -------------------------------------------------
    def _unserved_rows(self, sids):
        import numpy as np
        import pandas as pd

        parts = []
        q = self._q[self._q["station_id"].isin(pd.Index(sids))]
        for direction, mw, cum, base, proj, known in (
                ("afname", "demand_mw", "cum_demand", "base_afname", "proj_afname", "known_afname"),
                ("teruglevering", "supply_mw", "cum_supply", "base_terug", "proj_terug", "known_terug")):
            d = q[q[mw] > 0]
            if not len(d):
                continue
            at = _capacity_at(pd.DataFrame({"station_id": d["station_id"].values,
                                            "year": d["year_eff"].astype("int64").values}), self._cap, self.projects)
            capacity = (at[base] + at[proj]).to_numpy()
            bad = d[cum].to_numpy() > capacity + EPS
            if not bad.any():
                continue
            b = d[bad].copy()
            b["capacity_mw"] = capacity[bad]
            b["_known"] = at[known].to_numpy()[bad]
            b["_i"] = np.arange(len(b))
            # first year the cumulative queue fits: candidate years = every change of the capacity after year_eff
            ev = pd.concat([
                self._cap[["station_id", "year"]],
                self.projects.loc[self.projects["active"] & self.projects["station_id"].notna()
                                  & self.projects["ibn_eff"].notna(), ["station_id", "ibn_eff"]]
                .rename(columns={"ibn_eff": "year"}),
            ])
            ev = ev.dropna().drop_duplicates()
            cand = b[["_i", "station_id", "year_eff", cum]].merge(ev, on="station_id")
            cand = cand[cand["year"] > cand["year_eff"]]
            served = pd.Series(dtype=float)
            if len(cand):
                cc = _capacity_at(cand[["station_id", "year"]], self._cap, self.projects)
                cand = cand.reset_index(drop=True)
                cand["_cap"] = (cc[base] + cc[proj]).to_numpy()
                ok = cand[cand[cum] <= cand["_cap"] + EPS]
                served = ok.groupby("_i")["year"].min()
            # rule added after the freeze: no known limit in the ready year -> listed without capacity/shortfall
            kn = b["_known"].to_numpy(dtype=bool)
            parts.append(pd.DataFrame({
                "dev_id": b["dev_id"].values, "name": b["name"].values, "direction": direction,
                "station_id": b["station_id"].values, "knooppunt_id": b["knooppunt_id"].values,
                "year_ready": b["year_eff"].values, "mw": b[mw].values, "cum_mw": b[cum].values,
                "capacity_mw": np.where(kn, b["capacity_mw"].values, np.nan),
                "shortfall_mw": np.where(kn, np.minimum(b[mw].values, b[cum].values - b["capacity_mw"].values),
                                         np.nan),
                "served_from_year": b["_i"].map(served).astype(float).values,
                "linked_projects": None,
                "reason": np.where(kn, "capaciteit station onvoldoende in het jaar van gereedkomen",
                                   "capaciteit station onbekend in het jaar van gereedkomen"),
            }))
        if not parts:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in UNSERVED_COLUMNS})
        return pd.concat(parts, ignore_index=True)[UNSERVED_COLUMNS]

    def _no_station_unserved(self):
        import pandas as pd

        a = self.assignment
        parts = []
        for direction, mw in (("afname", "demand_mw"), ("teruglevering", "supply_mw")):
            d = a[a["station_id"].isna() & (a[mw] > 0) & a["year_eff"].notna()]
            if len(d):
                parts.append(pd.DataFrame({
                    "dev_id": d["dev_id"].values, "name": d["name"].values, "direction": direction,
                    "station_id": None, "knooppunt_id": d["knooppunt_id"].values, "year_ready": d["year_eff"].values,
                    "mw": d[mw].values, "cum_mw": d[mw].values, "capacity_mw": 0.0, "shortfall_mw": d[mw].values,
                    "served_from_year": float("nan"), "linked_projects": None, "reason": "geen station gevonden",
                }))
        return parts

    def unserved(self):
        """Developments that cannot be served in their ready year (afname and teruglevering)."""
        import pandas as pd

        parts = [self._unserved] + self._no_station_unserved()
        parts = [p for p in parts if len(p)]
        if not parts:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in UNSERVED_COLUMNS})
        u = pd.concat(parts, ignore_index=True)
        if len(self._links):
            lp = self._links.dropna(subset=["project_id", "dev_id"]).groupby("dev_id")["project_id"].agg(
                lambda s: ", ".join(sorted(map(str, s))))
            u["linked_projects"] = u["dev_id"].map(lp).values
        return u.sort_values(["direction", "year_ready", "station_id", "dev_id"], na_position="last").reset_index(
            drop=True)[UNSERVED_COLUMNS]

    # ---- knooppunten ----------------------------------------------------------------------------------
    def _static_serving_pairs(self):
        import geopandas as gpd
        import pandas as pd

        parts = []
        a = self.assignment
        d = a[a["knooppunt_id"].notna() & a["station_id"].notna()][["knooppunt_id", "station_id"]]
        parts.append(d.drop_duplicates())
        st, kp = self.inputs.stations, self.inputs.knooppunten
        if len(st) and len(kp):
            s = gpd.GeoDataFrame({"station_id": _str_col(st["station_id"]).values}, geometry=st.geometry.values,
                                 crs=st.crs)
            s = s[s["station_id"].notna() & s.geometry.notna()]
            k = gpd.GeoDataFrame({"knooppunt_id": _str_col(kp["knooppunt_id"]).values}, geometry=kp.geometry.values,
                                 crs=kp.crs or st.crs)
            k = k[k["knooppunt_id"].notna() & k.geometry.notna()]
            if len(s) and len(k):
                j = gpd.sjoin(s, k, how="inner", predicate="intersects")
                parts.append(j[["knooppunt_id", "station_id"]].drop_duplicates())
        return pd.concat(parts, ignore_index=True).drop_duplicates().reset_index(drop=True)

    def _serving_pairs(self):
        import pandas as pd

        p = self.projects
        pp = p[p["active"] & p["knooppunt_id"].notna() & p["station_id"].notna()][["knooppunt_id", "station_id"]]
        out = pd.concat([self._static_serving, pp], ignore_index=True).drop_duplicates()
        return out[out["knooppunt_id"].isin(self._kp_ids)].reset_index(drop=True)

    def _knooppunt_rows(self, kids):
        import numpy as np
        import pandas as pd

        kids = pd.Index(kids)
        years = self.years
        if not len(kids):
            return pd.DataFrame({c: pd.Series(dtype=object) for c in BALANCE_COLUMNS})
        grid = pd.DataFrame({"knooppunt_id": np.repeat(np.asarray(kids, dtype=object), len(years)),
                             "year": np.tile(np.asarray(years, dtype="int64"), len(kids))})
        pairs = self._serving[self._serving["knooppunt_id"].isin(kids)]
        st = self._stations[["unit_id", "year", "capacity_mw", "base_capacity_mw", "project_capacity_mw",
                             "supply_capacity_mw", "capacity_source_year"]].rename(columns={"unit_id": "station_id"})
        st = st.assign(_unk_a=(self._stations["status"] == "").astype(int).values,
                       _unk_t=(self._stations["supply_status"] == "").astype(int).values)
        # pairs are unique and st has one row per station and year, so "size" counts the stations
        cap = pairs.merge(st, on="station_id").groupby(["knooppunt_id", "year"]).agg(
            capacity_mw=("capacity_mw", "sum"), base_capacity_mw=("base_capacity_mw", "sum"),
            project_capacity_mw=("project_capacity_mw", "sum"), supply_capacity_mw=("supply_capacity_mw", "sum"),
            capacity_source_year=("capacity_source_year", "min"), n_stations=("station_id", "size"),
            _unk_a=("_unk_a", "sum"), _unk_t=("_unk_t", "sum"))
        g = grid.merge(cap, left_on=["knooppunt_id", "year"], right_index=True, how="left")
        # projects of the knooppunt without a station add capacity directly
        p = self.projects
        own = p[p["active"] & p["station_id"].isna() & p["knooppunt_id"].isin(kids) & p["ibn_eff"].notna()]
        if len(own):
            m = grid.merge(own[["knooppunt_id", "ibn_eff", "afname_mw", "teruglevering_mw"]], on="knooppunt_id")
            m = m[m["ibn_eff"] <= m["year"]].groupby(["knooppunt_id", "year"])[["afname_mw", "teruglevering_mw"]].sum()
            g = g.merge(m, left_on=["knooppunt_id", "year"], right_index=True, how="left")
        else:
            g["afname_mw"] = 0.0
            g["teruglevering_mw"] = 0.0
        for col in ("capacity_mw", "base_capacity_mw", "project_capacity_mw", "supply_capacity_mw", "afname_mw",
                    "teruglevering_mw", "n_stations", "_unk_a", "_unk_t"):
            g[col] = g[col].fillna(0.0)
        g["capacity_mw"] += g["afname_mw"]
        g["project_capacity_mw"] += g["afname_mw"]
        g["supply_capacity_mw"] += g["teruglevering_mw"]
        # demand inside the knooppunt
        a = self.assignment
        yrs = pd.DataFrame({"year": years})
        inside = a[a["knooppunt_id"].isin(kids) & a["year_eff"].notna()]
        x = inside[["dev_id", "knooppunt_id", "station_id", "year_eff", "demand_mw", "supply_mw"]].merge(
            yrs, how="cross")
        x = x[x["year_eff"] <= x["year"]]
        agg = x.groupby(["knooppunt_id", "year"]).agg(demand_mw=("demand_mw", "sum"), supply_mw=("supply_mw", "sum"),
                                                       n_developments=("dev_id", "size"))
        g = g.merge(agg, left_on=["knooppunt_id", "year"], right_index=True, how="left")
        # other developments on the serving stations (only the queue rows of those stations and of K's developments)
        q = self._q[self._q["station_id"].isin(pairs["station_id"]) | self._q["dev_id"].isin(x["dev_id"])]
        o = pairs.merge(q[["dev_id", "station_id", "knooppunt_id", "year_eff", "demand_mw", "supply_mw"]]
                        .rename(columns={"knooppunt_id": "_dev_k"}), on="station_id")
        o = o[o["_dev_k"].isna() | (o["_dev_k"] != o["knooppunt_id"])]
        o = o.merge(yrs, how="cross")
        o = o[o["year_eff"] <= o["year"]]
        oagg = o.groupby(["knooppunt_id", "year"]).agg(other_demand_mw=("demand_mw", "sum"),
                                                        other_supply_mw=("supply_mw", "sum"))
        g = g.merge(oagg, left_on=["knooppunt_id", "year"], right_index=True, how="left")
        # unserved: developments in K unserved at their station in Y (or without station)
        if len(x):
            qq = q[["dev_id", "cum_demand", "cum_supply"]]
            xs = x.merge(qq, on="dev_id", how="left").merge(
                st[["station_id", "year", "capacity_mw", "supply_capacity_mw"]].rename(
                    columns={"capacity_mw": "_c", "supply_capacity_mw": "_sc"}), on=["station_id", "year"], how="left")
            nost = xs["station_id"].isna()
            xs["_u"] = (xs["demand_mw"] > 0) & (nost | (xs["cum_demand"] > xs["_c"] + EPS))
            xs["_us"] = (xs["supply_mw"] > 0) & (nost | (xs["cum_supply"] > xs["_sc"] + EPS))
            u = xs.groupby(["knooppunt_id", "year"])[["_u", "_us"]].sum()
            g = g.merge(u, left_on=["knooppunt_id", "year"], right_index=True, how="left")
        else:
            g["_u"] = 0
            g["_us"] = 0
        for col in ("demand_mw", "supply_mw", "n_developments", "other_demand_mw", "other_supply_mw", "_u", "_us"):
            g[col] = g[col].fillna(0)
        note = _capacity_note(g["year"].values, g["capacity_source_year"].values)
        note = np.where(g["n_stations"].values == 0, "geen station bedient dit knooppunt", note)
        out = pd.DataFrame({
            "level": "knooppunt",
            "unit_id": g["knooppunt_id"].values,
            "unit_name": g["knooppunt_id"].map(self._kp_names).values,
            "year": g["year"].values,
            "capacity_mw": g["capacity_mw"].values,
            "base_capacity_mw": g["base_capacity_mw"].values,
            "project_capacity_mw": g["project_capacity_mw"].values,
            "capacity_source_year": g["capacity_source_year"].values,
            "capacity_note": note,
            "demand_mw": g["demand_mw"].values,
            "other_demand_mw": g["other_demand_mw"].values,
            "supply_capacity_mw": g["supply_capacity_mw"].values,
            "supply_mw": g["supply_mw"].values,
            "other_supply_mw": g["other_supply_mw"].values,
            "unserved_count": g["_u"].astype(int).values,
            "unserved_supply_count": g["_us"].astype(int).values,
            "n_developments": g["n_developments"].astype(int).values,
            "_known_a": g["_unk_a"].values == 0,
            "_known_t": g["_unk_t"].values == 0,
        })
        return self._finish(out)

    def serving_stations(self, knooppunt_id=None):
        """(knooppunt_id, station_id) pairs: which stations serve which knooppunt."""
        s = self._serving
        return s if knooppunt_id is None else s[s["knooppunt_id"] == knooppunt_id].reset_index(drop=True)

    # ---- results ------------------------------------------------------------------------------------
    def station_table(self):
        return self._stations.sort_values(["unit_id", "year"]).reset_index(drop=True)

    def knooppunt_table(self):
        return self._knooppunten.sort_values(["unit_id", "year"]).reset_index(drop=True)

    def table(self, level="station"):
        if level == "station":
            return self.station_table()
        if level == "knooppunt":
            return self.knooppunt_table()
        raise BalanceError("Niveau '{}' onbekend; kies 'station' of 'knooppunt'.".format(level))

    def unit_series(self, level, unit_id):
        t = self._stations if level == "station" else self._knooppunten
        return t[t["unit_id"] == unit_id].sort_values("year").reset_index(drop=True)

    # ---- incremental updates ----------------------------------------------------------------------------------
    def _update(self, old_projects):
        """Recompute the stations/knooppunten touched by a change of ``self.projects``."""
        import pandas as pd

        new = self.projects
        key = ["station_id", "knooppunt_id", "ibn_eff", "afname_mw", "teruglevering_mw", "active"]
        a = old_projects.set_index("project_id")[key]
        b = new.set_index("project_id")[key]
        a = a[~a.index.duplicated()]
        b = b[~b.index.duplicated()]
        ids = a.index.union(b.index)
        a2 = a.reindex(ids)
        b2 = b.reindex(ids)
        same = ((a2 == b2) | (a2.isna() & b2.isna())).all(axis=1)
        changed = ids[~same.values]
        if not len(changed):
            return set(), set()
        sids = set(a2.loc[changed, "station_id"].dropna()) | set(b2.loc[changed, "station_id"].dropna())
        kids = set(a2.loc[changed, "knooppunt_id"].dropna()) | set(b2.loc[changed, "knooppunt_id"].dropna())
        sids &= set(self._station_ids)
        if sids:
            rows = self._station_rows(sorted(sids))
            self._stations = pd.concat([self._stations[~self._stations["unit_id"].isin(sids)], rows],
                                       ignore_index=True)
            un = self._unserved_rows(sorted(sids))
            keep = self._unserved[~self._unserved["station_id"].isin(sids)]
            self._unserved = pd.concat([x for x in (keep, un) if len(x)] or [keep], ignore_index=True)
        old_serving = self._serving
        self._serving = self._serving_pairs()
        kids |= set(old_serving.loc[old_serving["station_id"].isin(sids), "knooppunt_id"])
        kids |= set(self._serving.loc[self._serving["station_id"].isin(sids), "knooppunt_id"])
        kids &= set(self._kp_ids)
        if kids:
            rows = self._knooppunt_rows(sorted(kids))
            self._knooppunten = pd.concat([self._knooppunten[~self._knooppunten["unit_id"].isin(kids)], rows],
                                          ignore_index=True)
        return sids, kids

    def _reresolve(self):
        old = self.projects
        self.projects = resolve_projects(self._projects_raw, self._links, self.assignment, self._station_ids,
                                         self.settings)
        return self._update(old)

    def upsert_project(self, row):
        """Add or change one project (dict with project columns). Returns (stations, knooppunten) recomputed."""

        pid = str(row["project_id"]).strip()
        raw = self._projects_raw
        cols = list(raw.columns)
        if (raw["project_id"] == pid).any():
            i = raw.index[raw["project_id"] == pid][0]
            for k, v in row.items():
                if k in cols:
                    raw.at[i, k] = v
        else:
            new = {c: row.get(c) for c in cols}
            new["project_id"] = pid
            self._projects_raw = _append_row(raw, new)
        return self._reresolve()

    def remove_project(self, project_id):
        self._projects_raw = self._projects_raw[self._projects_raw["project_id"] != project_id].reset_index(drop=True)
        self._links = self._links[self._links["project_id"] != project_id].reset_index(drop=True)
        return self._reresolve()

    def replace_projects(self, projects):
        """New project table (e.g. re-read after an edit): recomputes only what changed."""
        import pandas as pd

        raw = pd.DataFrame(projects).copy()
        raw["project_id"] = _str_col(raw["project_id"])
        self._projects_raw = raw.reset_index(drop=True)
        return self._reresolve()

    def set_link(self, project_id, dev_id, share_mw=None, share_pct=None, motivation=None):

        lk = self._links
        m = (lk["project_id"] == project_id) & (lk["dev_id"] == dev_id)
        if m.any():
            i = lk.index[m][0]
            lk.at[i, "share_mw"] = share_mw
            lk.at[i, "share_pct"] = share_pct
            lk.at[i, "motivation"] = motivation
        else:
            self._links = _append_row(lk, {"project_id": project_id, "dev_id": dev_id, "share_mw": share_mw,
                                           "share_pct": share_pct, "motivation": motivation})
        return self._reresolve()

    def remove_link(self, project_id, dev_id):
        lk = self._links
        self._links = lk[~((lk["project_id"] == project_id) & (lk["dev_id"] == dev_id))].reset_index(drop=True)
        return self._reresolve()

    def replace_links(self, links):
        import pandas as pd

        self._links = pd.DataFrame(links).copy().reset_index(drop=True)
        return self._reresolve()

    def set_whatif(self, project_id, state):
        """state True (on), False (off) or None (as in the werkbank)."""
        wi = dict(self.settings.whatif)
        if state is None:
            wi.pop(project_id, None)
        else:
            wi[project_id] = bool(state)
        self.settings.whatif = wi
        return self._reresolve()

    def set_years(self, years):
        self.settings.years = parse_years(years)
        self.recompute()

    def links(self):
        return link_mw(self._links, self.assignment)


def _append_row(frame, row):
    """``frame`` with one more row (dict); keeps the columns, no concat dtype warnings."""
    frame = frame.reset_index(drop=True).astype(object)
    frame.loc[len(frame)] = [row.get(c) for c in frame.columns]
    return frame


def _capacity_note(years, source_years):
    import numpy as np

    years = np.asarray(years, dtype=float)
    src = np.asarray(source_years, dtype=float)
    out = np.full(len(years), None, dtype=object)
    missing = np.isnan(src)
    older = ~missing & (src < years)
    if missing.any():
        out[missing] = ["geen capaciteit bekend t/m {}".format(int(y)) for y in years[missing]]
    if older.any():
        out[older] = ["capaciteit uit {} ({} ontbreekt)".format(int(s), int(y)) for s, y in zip(src[older],
                                                                                                years[older])]
    return out


@dataclass
class BalanceResult:
    stations: object
    knooppunten: object
    assignment: object
    unserved: object
    projects: object


def compute_balance(inputs, settings=None):
    """Full computation: a :class:`BalanceResult` of frames (see :class:`BalanceModel`)."""
    m = BalanceModel(inputs, settings)
    return BalanceResult(m.station_table(), m.knooppunt_table(), m.assignment, m.unserved(), m.projects)


def balance_from_werkbank(wb, years=None, krap_pct=None, whatif=None, **kwargs):
    return compute_balance(load_inputs(wb), settings_from_werkbank(wb, years, krap_pct, whatif, **kwargs))
