"""Capacity balance per station and per knooppunt per horizon year (pure logic, no QGIS).

The rules (also shown to users in the help of ``pmiek:capacitybalance``):

**Capacity of a station in year Y** (``capacity_mw``) = the station limit
(``station_capacity.afname_mw``) of year Y; when Y itself is missing the latest
year before Y is used and ``capacity_note`` says so ("capaciteit uit 2030");
without any year <= Y the limit is unknown ("geen capaciteit bekend t/m Y"): it adds 0 MW to
``capacity_mw`` but the status is onbekend (below).  Plus
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
``ruim``; ``''`` (:data:`UNKNOWN`, shown as "onbekend") when the station limit of that year and direction is
not known (no capacity row for a year <= Y, or that row leaves the direction empty), whatever the demand and
the projects: a limit of 0 MW is known capacity, a missing one is not.  A knooppunt is onbekend in a year when
one of the stations serving it then is.  ``first_shortage_year`` is the first horizon year with ``tekort``.
Supply side likewise (``supply_*``).  Every dock, layer, fiche, list and atlas takes the status from here.

**Served in time**: developments queue per station by (year, dev_id).  In year Y
a development is unserved (``unserved_count``) when the cumulative demand of
the queue up to and including it exceeds the capacity in Y.  The frame
``unserved()`` lists developments that cannot be served *in their own ready
year* (capacity at that exact year, so a project with IBN 2033 helps a
development of 2033), with the first year they fit (``served_from_year``) and the
projects linked to them.  Developments with demand but no station are listed
too ("geen station").

**Links carry demand** (``links_move_demand``, default on): a development
linked to an *active* project with a station counts, for the linked MW (the
link's ``share_mw``, else ``share_pct`` % of the development's MW, else all of
it; several links of one development together at most 100 %), at the station
that project serves, from the later of the project's (effective) IBN year and
the development's own year; before that it counts at its own station (the
rules above), or nowhere when it has none.  Demand and supply move in the same
proportion.  ``links()`` lists per link the MW, the stations and the year it
moves (``moved_mw``, ``from_station_id``, ``to_station_id``, ``from_year``).
For ``unserved_count`` the moved MW leaves the queue of the development's own
station from that year (its own MW and the cumulative MW of the queue behind
it) and is served first at the project's station.  ``unserved()`` (a
development in its own ready year) uses its own station, where it still is then.

**Knooppunt**: a development belongs to the knooppunt its representative point
lies in (overlaps: the smallest).  The stations *serving* knooppunt K are the
stations lying in K, the stations of developments in K, the stations of
active projects with ``knooppunt_id`` K and, from the year they move
there, the stations that linked developments in K move to.  ``capacity_mw`` = sum over the serving
stations (limit + their projects) + active projects of K without station;
``demand_mw`` = developments in K; ``other_demand_mw`` = developments outside K
on the serving stations (they use the same capacity).  So the knooppunt
balance is what is left on its stations for it.  ``unserved_count`` counts the
developments in K unserved at their station in Y, and those without station.

Entry points: :func:`load_inputs` (from a werkbank), :func:`settings_from_werkbank`,
:class:`BalanceModel` (in memory, incremental) and :func:`compute_balance`.
"""

from dataclasses import dataclass, field

from ..gcpause import gc_paused

RULE_EXPLICIT = "expliciet"
RULE_AREA = "capaciteitsgebied"
RULE_NEAREST = "dichtstbijzijnde station"
RULE_NONE = "geen station"
PROJECT_RULE_EXPLICIT = "expliciet"
PROJECT_RULE_LINKS = "via koppelingen"
PROJECT_RULE_NONE = "geen station"

LINK_RULE = (
    "Koppelingen: een ontwikkeling die aan een project is gekoppeld telt in de capaciteitsbalans vanaf het "
    "IBN-jaar van dat project bij het station dat het project bedient (voor het gekoppelde aandeel in MW); "
    "daarvoor telt zij bij haar eigen station (capaciteitsgebied of dichtstbijzijnde station). Een afgevallen "
    "project of een project zonder station of IBN-jaar verplaatst niets. Status per station: afname en "
    "teruglevering elk apart, samengevat als de slechtste van de twee."
)
RUIM, KRAP, TEKORT = "ruim", "krap", "tekort"
UNSERVED_SHORT = "capaciteit station onvoldoende in het jaar van gereedkomen"  # reasons of BalanceModel.unserved
UNSERVED_UNKNOWN = "capaciteit station onbekend in het jaar van gereedkomen"
UNKNOWN = ""  # status "onbekend": no known station limit (the '' key of the palette below, css .st-onbekend)
UNKNOWN_STATUS_TEXT = "onbekend"  # how a map layer writes UNKNOWN (so a filter status = 'onbekend' finds it)
# The ONE palette of balance statuses (docks, QGIS layers, paper atlas and fiches, web atlas): every other place
# imports it from here (Jinja: the ``status_palette`` global of export/html.py; web atlas: meta.status_colours).
# Text on a badge: white on ruim/tekort/onbekend, dark on krap (WCAG AA contrast >= 4.5).
STATUS_COLOURS = {RUIM: "#2e8540", KRAP: "#d98c00", TEKORT: "#c0392b"}
NO_STATUS_COLOUR = "#6b7785"  # no status known (no station, no capacity)
MAP_STATUS_COLOURS = dict(STATUS_COLOURS, **{UNKNOWN: NO_STATUS_COLOUR})  # keyed by status, '' = unknown
STATUS_TEXT_COLOURS = {RUIM: "#ffffff", KRAP: "#1d1d1b", TEKORT: "#ffffff", UNKNOWN: "#ffffff"}


def status_palette():
    """{css name: {"bg", "fg"}} of the badges (.st-ruim, .st-krap, .st-tekort, .st-onbekend)."""
    return {(code or "onbekend"): {"bg": MAP_STATUS_COLOURS[code], "fg": STATUS_TEXT_COLOURS[code]}
            for code in MAP_STATUS_COLOURS}

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
    links_move_demand: bool = True  # linked MW counts at the project's station from its IBN year

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
            frame.index = pd.RangeIndex(len(frame))  # reset_index(drop=True) on the copy: not a second copy
            return frame

        def df(frame, cols):
            if frame is None:
                frame = pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
            frame = pd.DataFrame(frame).copy()
            for c in cols:
                if c not in frame.columns:
                    frame[c] = None
            frame.index = pd.RangeIndex(len(frame))
            return frame

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


# the project columns the balance reads (load_inputs and BalanceModel.reload_table)
PROJECT_COLUMNS = ("project_id", "name", "status", "station_id", "knooppunt_id", "ibn_year", "capacity_afname_mw",
                   "capacity_teruglevering_mw", "type_infra")
# tables an edit of which the model follows incrementally (the others need from_werkbank)
INCREMENTAL_TABLES = ("projects", "project_links")


def load_inputs(wb):
    """Read the tables the balance needs from an open werkbank."""
    with gc_paused():
        return _load_inputs(wb)


def _load_inputs(wb):
    st = wb.read_frame("stations", columns=["station_id", "name"])
    cap = wb.read_frame("station_capacity", columns=["station_id", "year", "afname_mw", "teruglevering_mw"])
    areas = wb.read_frame("capacity_areas", columns=["area_id", "station_id"])
    devs = wb.read_frame("developments", columns=["dev_id", "name", "sector", "year_ready", "demand_mw",
                                                  "supply_mw", "station_id"])
    kps = wb.read_frame("knooppunten", columns=["knooppunt_id", "name"])
    projects = wb.read_frame("projects", columns=list(PROJECT_COLUMNS), geometry=False)
    return BalanceInput(st, cap, areas, devs, kps, projects, _load_inputs_links(wb))


def _load_inputs_links(wb):
    return wb.read_frame("project_links", columns=["link_id", "project_id", "dev_id", "share_mw", "share_pct",
                                                   "motivation"])


def settings_from_werkbank(wb, years=None, krap_pct=None, whatif=None, **kwargs):
    """Settings with the programme's horizon years and krap threshold unless given.  A what-if given as text (what
    a user typed: 'ZP-1, -P-x') names projects by id or code (:mod:`.project_refs`, the one rule) and is resolved
    to their ids here (:func:`resolve_whatif`); a dict is taken as {project_id: on} as it is."""
    prog = wb.programme()
    if isinstance(whatif, str):
        whatif = resolve_whatif(wb, whatif)
    if years is None or (isinstance(years, str) and not years.strip()):
        years = wb.horizon_years()
    if krap_pct is None:
        krap_pct = prog.get("krap_threshold_pct")
        krap_pct = 10.0 if krap_pct is None else krap_pct
    return BalanceSettings(years=years, krap_pct=krap_pct, whatif=whatif or {}, **kwargs)


def resolve_whatif(wb, whatif):
    """The what-if text ('ZP-1, -P2': project ids or codes) as {project_id: on}; BalanceError (Dutch) naming the
    entries that mean no project or more than one."""
    from .project_refs import ProjectRefs

    wi = parse_whatif(whatif)
    if not wi:
        return wi
    refs = ProjectRefs.from_werkbank(wb, wi)
    out, unknown, ambiguous = {}, [], []
    for ref, on in wi.items():
        pid, problem = refs.lookup(ref)
        if problem:
            ambiguous.append(problem)
        elif pid is None:
            unknown.append(str(ref))
        elif pid in out and out[pid] != on:
            raise BalanceError("Wat-als: project {} staat er zowel aan als uit in ('{}').".format(pid, ref))
        else:
            out[pid] = on
    if ambiguous:
        raise BalanceError("Wat-als: {}.".format("; ".join(ambiguous)))
    if unknown:
        raise BalanceError("Wat-als: onbekende project-id(s) of projectcode(s): {}.".format(", ".join(sorted(unknown))))
    return out


def link_share(share_mw, share_pct, dev_mw):
    """The ONE rule of what a link carries, on arrays: ``(mw, fraction)``.  ``mw``: share_mw, else share_pct % of the
    development's MW (:func:`development_mw`), else all of it; ``fraction``: that part of the development, 0..1 (0
    for a development without MW: a link moves nothing there).  Several links of one development that add up to
    more than 1 are scaled down in proportion by the balance (``BalanceModel._link_transfers``);
    ``links.share_problems`` warns about them with these fractions."""
    import numpy as np

    share_mw = np.asarray(share_mw, dtype=float)
    share_pct = np.asarray(share_pct, dtype=float)
    dev_mw = np.asarray(dev_mw, dtype=float)
    mw = np.where(~np.isnan(share_mw), share_mw, np.where(~np.isnan(share_pct), share_pct / 100.0 * dev_mw, dev_mw))
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.clip(np.where(dev_mw > 0, mw / dev_mw, 0.0), 0.0, 1.0)
    return mw, frac


def development_mw(demand, supply):
    """A development's MW as links count it: its vraag, else its aanbod (arrays; missing = 0)."""
    import numpy as np

    dem = np.nan_to_num(np.asarray(demand, dtype=float), nan=0.0)
    sup = np.nan_to_num(np.asarray(supply, dtype=float), nan=0.0)
    return np.where(dem > 0, dem, sup)


def link_mw(links, developments):
    """Links with ``mw`` (:func:`link_share`)."""
    import pandas as pd

    links = pd.DataFrame(links).copy()
    if not len(links):
        links["mw"] = pd.Series(dtype=float)
        return links
    d = pd.DataFrame(developments)[["dev_id", "demand_mw", "supply_mw"]]
    d = d[d["dev_id"].isin(links["dev_id"])].copy()  # only the linked developments (cheap on 20,000 rows)
    d["_dev_mw"] = development_mw(pd.to_numeric(d["demand_mw"], errors="coerce"),
                                  pd.to_numeric(d["supply_mw"], errors="coerce"))
    m = links.merge(d[["dev_id", "_dev_mw"]], on="dev_id", how="left")
    links["mw"] = link_share(pd.to_numeric(m["share_mw"], errors="coerce"), pd.to_numeric(m["share_pct"], errors="coerce"),
                             m["_dev_mw"].fillna(0.0))[0]
    return links


# ---- step 1: developments -> station, knooppunt, year ---------------------------------------

def _str_col(series):
    """Object series of stripped strings, None for empty/NaN."""
    import numpy as np
    import pandas as pd

    from ..werkbank.gpkg_geometry import object_array

    raw = series.to_numpy(dtype=object)
    kinds = set(map(type, raw))
    # object_array copies the references (a list assigned into np.empty took as long as the stripping)
    if kinds <= {type(None)}:  # no value at all (e.g. no explicit station on any development)
        out = np.full(len(raw), None, dtype=object)
    elif kinds <= {str}:  # the usual case: strings only
        out = object_array([v.strip() or None for v in raw])
    elif kinds <= {str, type(None)}:
        out = object_array([(v.strip() or None) if v is not None else None for v in raw])
    else:
        s = series.astype(object).where(pd.notna(series), None)
        out = object_array([(str(v).strip() or None) if v is not None else None for v in s.to_numpy()])
    return pd.Series(out, index=series.index, name=series.name, dtype=object)


def _tree_query_smallest(points, geoms, xy=None):
    """Index into ``geoms`` of the smallest (by area) geometry intersecting each point, -1 when none.

    The same STRtree query as ``geopandas.sjoin(points, geoms, predicate="intersects")`` (empty geometries
    are left out of the tree like geopandas does) and the same tie rule as a stable sort on (point, area):
    equal areas keep the tree's order.  ``xy``: the points' coordinates when the caller has them (one
    ``get_coordinates`` for every query of the balance).
    """
    import numpy as np
    import shapely

    out = np.full(len(points), -1, dtype=np.int64)
    if not len(points) or not len(geoms):
        return out
    geoms = np.asarray(geoms, dtype=object)
    tree_geoms = geoms.copy()
    tree_geoms[shapely.is_empty(tree_geoms)] = None
    points = np.asarray(points, dtype=object)
    tree = shapely.STRtree(tree_geoms)
    if (shapely.get_type_id(points) == 0).all() and not shapely.is_empty(points).any():
        # the tree's bounding-box candidates (in the tree's order), then the predicate with each geometry prepared
        # once, on the points' coordinates: the same pairs in the same order as query(points,
        # predicate="intersects"), which prepares every point (480 knooppunten, 240,000 points: 65 -> 45 ms)
        if xy is None:
            xy = shapely.get_coordinates(points)
        i, j = tree.query(points)
        fresh = np.flatnonzero(~shapely.is_prepared(geoms))
        shapely.prepare(geoms[fresh])
        try:
            hit = shapely.intersects_xy(geoms[j], xy[i, 0], xy[i, 1])
        finally:
            shapely.destroy_prepared(geoms[fresh])  # the caller's geometries as they were
        i, j = i[hit], j[hit]
    else:
        i, j = tree.query(points, predicate="intersects")
    if len(i):
        out[:] = _first_smallest(i, j, shapely.area(geoms)[j], len(points))
    return out


def _first_smallest(i, j, size, n):
    """Per point ``i`` the ``j`` of its smallest ``size``, the first of equal sizes; -1 for points without a pair.

    The same choice as a stable sort on (point, size) keeping each point's first pair.  The tree gives its
    pairs sorted by point, so a minimum per run of equal points does it in one pass (240,000 points, 400,000
    pairs: a lexsort took 50 ms); pairs in any other order, or a size that is NaN, take the sort.
    """
    import numpy as np

    out = np.full(n, -1, dtype=np.int64)
    if not len(i):
        return out
    if (i[1:] < i[:-1]).any() or np.isnan(size).any():
        order = np.lexsort((size, i))
        i, j = i[order], j[order]
        first = np.r_[True, i[1:] != i[:-1]]
        out[i[first]] = j[first]
        return out
    start = np.flatnonzero(np.r_[True, i[1:] != i[:-1]])
    smallest = np.minimum.reduceat(size, start)
    at_min = np.flatnonzero(size == np.repeat(smallest, np.diff(np.r_[start, len(i)])))
    first = at_min[np.r_[True, i[at_min[1:]] != i[at_min[:-1]]]]
    out[i[first]] = j[first]
    return out


def _nearest(points, station_geoms, station_ids, max_distance, crs, station_crs, xy=None):
    """Nearest station per point: (index into the stations or -1, distance or NaN).

    Same result as ``geopandas.sjoin_nearest`` followed by a sort on (point, distance, station_id): when all
    stations are points a k-d tree finds the nearest two; points with a (near) tie or at the distance limit,
    and stations that are not all plain points, go through ``sjoin_nearest`` itself.
    """
    import geopandas as gpd
    import numpy as np
    import shapely

    n = len(points)
    best = np.full(n, -1, dtype=np.int64)
    dist = np.full(n, np.nan)
    if not n or not len(station_geoms):
        return best, dist
    sg = np.asarray(station_geoms, dtype=object)
    slow = np.ones(n, dtype=bool)
    try:
        from scipy.spatial import cKDTree
    except ImportError:  # scipy is optional: without it every point goes through sjoin_nearest
        cKDTree = None
    if cKDTree is not None and (shapely.get_type_id(sg) == 0).all() and not shapely.is_empty(sg).any():
        k = min(2, len(sg))
        # workers=-1: the query spread over every core (the same answers; 240,000 points take 0.27 s on one)
        if xy is None:
            xy = shapely.get_coordinates(np.asarray(points, dtype=object))
        d, j = cKDTree(shapely.get_coordinates(sg)).query(xy, k=k, workers=-1)
        if k == 1:
            d, j = d[:, None], j[:, None]
        d0 = d[:, 0]
        tol = 1e-9 * np.maximum(1.0, d0)
        slow = ~np.isfinite(xy).all(axis=1)  # an empty point (no coordinates) goes through sjoin_nearest
        if k > 1:
            slow |= (d[:, 1] - d0) <= tol
        ok = ~slow
        if max_distance is not None:
            slow |= np.abs(d0 - max_distance) <= 1e-9 * max(1.0, abs(max_distance))
            ok = ~slow & (d0 <= max_distance)
        best[ok] = j[ok, 0]
        dist[ok] = d0[ok]
    idx = np.flatnonzero(slow)
    if len(idx):
        s = gpd.GeoDataFrame({"_station": station_ids, "_k": np.arange(len(sg))}, geometry=sg, crs=station_crs)
        q = gpd.GeoDataFrame({"_i": idx}, geometry=np.asarray(points, dtype=object)[idx], crs=crs)
        j = gpd.sjoin_nearest(q, s, how="inner", max_distance=max_distance, distance_col="_d")
        if len(j):
            j = j.sort_values(["_i", "_d", "_station"], kind="stable").drop_duplicates("_i")
            best[j["_i"].to_numpy()] = j["_k"].to_numpy()
            dist[j["_i"].to_numpy()] = j["_d"].to_numpy()
    return best, dist


def assign_developments(inp, settings):
    """One row per development: station (and the rule used), knooppunt, effective year, MW."""
    import numpy as np
    import pandas as pd
    import shapely

    dev = inp.developments
    n = len(dev)
    out = {  # the columns, one frame at the end (not a frame grown column by column and then reordered)
        "dev_id": _str_col(dev["dev_id"]).values,
        "name": dev["name"].values,
        "sector": dev["sector"].values,
    }
    st_sid = _str_col(inp.stations["station_id"])
    station_ids = pd.Index(st_sid.dropna().unique())
    explicit = _str_col(dev["station_id"])
    given = explicit.notna().values
    known = np.zeros(n, dtype=bool)
    if given.any():  # only the given ids looked up (usually none: no hashing of 240,000 empty values)
        known[given] = explicit[given].isin(station_ids).values
    station = np.where(known, explicit.values, None).astype(object)
    rule = np.where(known, RULE_EXPLICIT, None).astype(object)
    note = np.full(n, None, dtype=object)
    bad = given & ~known
    if bad.any():
        note[bad] = ["station '{}' bestaat niet in de werkbank".format(s) for s in explicit.values[bad]]
    distance = np.full(n, np.nan)
    geoms = np.asarray(dev.geometry.values, dtype=object)
    has_geom = (~(shapely.is_missing(geoms) | shapely.is_empty(geoms))) if n else np.zeros(0, bool)
    pts = np.full(n, None, dtype=object)
    xy = np.full((n, 2), np.nan)  # the points' coordinates, read once for the three queries below
    if has_geom.any():
        pos = shapely.point_on_surface(geoms[has_geom])
        pts[has_geom] = pos
        solid = np.flatnonzero(has_geom)[~shapely.is_empty(pos)]  # one coordinate pair each; NaN stays NaN
        xy[solid] = shapely.get_coordinates(pts[solid])
    crs = dev.crs or "EPSG:28992"

    # 2. capacity area (smallest area holding the representative point)
    todo = np.flatnonzero((station == None) & has_geom)  # noqa: E711 - elementwise
    areas = inp.capacity_areas
    if len(todo) and len(areas):
        a_sid = _str_col(areas["station_id"])
        ok = a_sid.isin(station_ids).values & areas.geometry.notna().values
        if ok.any():
            hit = _tree_query_smallest(pts[todo], np.asarray(areas.geometry.values, dtype=object)[ok], xy[todo])
            found = hit >= 0
            station[todo[found]] = a_sid.values[ok][hit[found]]
            rule[todo[found]] = RULE_AREA

    # 3. nearest station (within the province)
    todo = np.flatnonzero((station == None) & has_geom)  # noqa: E711
    st = inp.stations
    st_ok = st_sid.notna().values & st.geometry.notna().values
    if settings.province is not None and st_ok.any():
        st_ok &= st.geometry.intersects(settings.province).values
    if len(todo) and st_ok.any():
        sids = st_sid.values[st_ok]
        k, d = _nearest(pts[todo], np.asarray(st.geometry.values, dtype=object)[st_ok], sids,
                        settings.nearest_max_m, crs, st.crs or crs, xy[todo])
        found = k >= 0
        idx = todo[found]
        station[idx] = sids[k[found]]
        rule[idx] = RULE_NEAREST
        distance[idx] = d[found]
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
            hit = _tree_query_smallest(pts[idx_geom], np.asarray(kps.geometry.values, dtype=object)[ok], xy[idx_geom])
            found = hit >= 0
            kp[idx_geom[found]] = kid.values[ok][hit[found]]
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
    return pd.DataFrame({c: out[c] for c in ASSIGNMENT_COLUMNS})


# ---- step 2: projects -------------------------------------------------------------------------

def _best_station_pandas(links, assign):
    """project_id -> the station serving most of its linked MW (ties: smallest station_id)."""
    lm = link_mw(links, assign)
    lm = lm.merge(assign[["dev_id", "station_id"]], on="dev_id", how="inner")
    lm = lm[lm["station_id"].notna()]
    if not len(lm):
        return None
    agg = lm.groupby(["project_id", "station_id"], as_index=False)["mw"].sum()
    agg = agg.sort_values(["project_id", "mw", "station_id"], ascending=[True, False, True])
    return agg.drop_duplicates("project_id").set_index("project_id")["station_id"]


class _DevLookup:
    """Developments of an assignment as arrays, for links (dev_id -> row, MW, station)."""

    def __init__(self, assign):
        import numpy as np
        import pandas as pd

        self.index = pd.Index(assign["dev_id"])
        self.unique = self.index.is_unique
        dem = assign["demand_mw"].to_numpy(dtype=float)
        sup = assign["supply_mw"].to_numpy(dtype=float)
        self.dev_mw = np.where(dem > 0, dem, sup)
        self.station = assign["station_id"].to_numpy(dtype=object)


def _best_station(links, assign, lookup=None, row=None):
    """Like :func:`_best_station_pandas`, with numpy (development ids must be unique).  ``row``: the assignment
    row of each link's development when already known."""
    import numpy as np
    import pandas as pd

    if not {"dev_id", "project_id", "share_mw", "share_pct"} <= set(links.columns):
        return _best_station_pandas(links, assign)
    lookup = lookup or _DevLookup(assign)
    if not lookup.unique:
        return _best_station_pandas(links, assign)
    if row is None:
        row = lookup.index.get_indexer(links["dev_id"].to_numpy(dtype=object))
    found = row >= 0
    share_mw = pd.to_numeric(links["share_mw"], errors="coerce").to_numpy(dtype=float)
    share_pct = pd.to_numeric(links["share_pct"], errors="coerce").to_numpy(dtype=float)
    dev_mw = np.where(found, lookup.dev_mw[np.where(found, row, 0)], 0.0)
    dev_mw = np.where(np.isnan(dev_mw), 0.0, dev_mw)
    mw = np.where(~np.isnan(share_mw), share_mw, np.where(~np.isnan(share_pct), share_pct / 100.0 * dev_mw, dev_mw))
    station = np.where(found, lookup.station[np.where(found, row, 0)], None)
    pid = links["project_id"].to_numpy(dtype=object)
    keep = found & pd.notna(station) & pd.notna(pid)
    if not keep.any():
        return None
    pcode, puniq = pd.factorize(pid[keep])
    scode, suniq = pd.factorize(station[keep])
    comb = pcode.astype(np.int64) * len(suniq) + scode
    ucomb, inv = np.unique(comb, return_inverse=True)
    total = np.bincount(inv, weights=mw[keep], minlength=len(ucomb))
    gp, gs = ucomb // len(suniq), ucomb % len(suniq)
    srank = np.empty(len(suniq), dtype=np.int64)
    srank[np.argsort(np.asarray(suniq, dtype=object), kind="stable")] = np.arange(len(suniq))
    order = np.lexsort((srank[gs], -total, gp))
    gp, gs = gp[order], gs[order]
    first = np.r_[True, gp[1:] != gp[:-1]]
    return pd.Series(np.asarray(suniq, dtype=object)[gs[first]], index=pd.Index(puniq[gp[first]]))


def _project_base(projects, station_ids):
    """The parts of :func:`resolve_projects` that depend on the project table only (kept between link edits)."""
    import numpy as np
    import pandas as pd

    p = pd.DataFrame(projects)
    sid = _str_col(p["station_id"])
    known = sid.isin(station_ids).values
    ibn = pd.to_numeric(p["ibn_year"], errors="coerce").values
    status = pd.Series(p["status"].values).astype(object).fillna("kandidaat").values
    return {
        "project_id": _str_col(p["project_id"]).values,
        "name": p["name"].values,
        "status": p["status"].values,
        "knooppunt_id": _str_col(p["knooppunt_id"]).values,
        "sid": sid.values,
        "known": known,
        "ibn": ibn,
        "afname": pd.to_numeric(p["capacity_afname_mw"], errors="coerce").fillna(0.0).values,
        "terug": pd.to_numeric(p["capacity_teruglevering_mw"], errors="coerce").fillna(0.0).values,
        "default": (status != "afgevallen") & ~np.isnan(ibn),
        "note": np.where(status == "afgevallen", "afgevallen",
                         np.where(np.isnan(ibn), "geen IBN-jaar", None)).astype(object),
    }


_UNSET = object()


def resolve_projects(projects, links, assign, station_ids, settings, lookup=None, base=None, best=_UNSET):
    """Projects with their station (rule), effective IBN year and whether they count.

    ``lookup``, ``base`` and ``best`` (project_id -> station via links, or None) may be given when known
    (the model keeps them between edits).
    """
    import numpy as np
    import pandas as pd

    b = base if base is not None else _project_base(projects, station_ids)
    known = b["known"]
    pid = b["project_id"]
    station = np.where(known, b["sid"], None).astype(object)
    rule = np.where(known, PROJECT_RULE_EXPLICIT, PROJECT_RULE_NONE).astype(object)
    if (~known).any() and len(links):
        if best is _UNSET:
            best = _best_station(links, assign, lookup)
        if best is not None:
            via = pd.Series(pid, dtype=object).map(best).values
            use = ~known & pd.notna(via)
            station[use] = via[use]
            rule[use] = PROJECT_RULE_LINKS
    ibn = b["ibn"]
    # A plain list keeps None apart from False (a pandas map would coerce to numpy booleans).
    wi = [settings.whatif.get(x) for x in pid]
    on = np.array([w is not None and bool(w) for w in wi], dtype=bool)
    off = np.array([w is not None and not bool(w) for w in wi], dtype=bool)
    return pd.DataFrame({
        "project_id": pid,
        "name": b["name"],
        "status": b["status"],
        "station_id": station,
        "station_rule": rule,
        "knooppunt_id": b["knooppunt_id"],
        "ibn_year": ibn,
        "ibn_eff": np.where(on & np.isnan(ibn), settings.years[0], ibn),
        "afname_mw": b["afname"],
        "teruglevering_mw": b["terug"],
        "active": np.where(on, True, np.where(off, False, b["default"])),
        "active_note": np.where(on, "wat-als: aan", np.where(off, "wat-als: uit", b["note"])),
    })


# ---- step 3: status helpers ---------------------------------------------------------------------

# The status column of each direction and the columns that only mean something where its station limit is known.
LIMIT_COLUMNS = (("status", ("capacity_mw", "balance_mw")),
                 ("supply_status", ("supply_capacity_mw", "supply_balance_mw")))


def blank_unknown_limits(table, status_text=None):
    """The balance table as every output shows it (layers, fiche, web atlas, variant maps): in a direction whose
    station limit is not known (status :data:`UNKNOWN`) capacity and balance are empty (NaN) instead of numbers
    made from the 0 MW stand-in the model computes with; demand and supply stay.  ``status_text`` replaces the
    empty status (a layer writes 'onbekend', so a filter finds it).  ``table`` itself is not changed."""
    out = table
    for status, cols in LIMIT_COLUMNS:
        if status not in table.columns:
            continue
        unknown = table[status].to_numpy(dtype=object) == UNKNOWN  # a missing status (NaN) is no verdict
        if unknown.any():
            if out is table:
                out = table.copy()
            for c in cols:
                if c in out.columns:
                    out[c] = out[c].where(~unknown)
            if status_text is not None:
                out[status] = out[status].where(~unknown, status_text)
    return out


def _status(balance, capacity, krap_pct, known):
    """The status per cell; ``known``: whether the capacity is known there (else :data:`UNKNOWN`)."""
    import numpy as np

    balance = np.asarray(balance, dtype=float)
    capacity = np.asarray(capacity, dtype=float)
    return np.where(~np.asarray(known, dtype=bool), UNKNOWN, np.where(
        balance < -EPS, TEKORT, np.where(balance < capacity * krap_pct / 100.0 - EPS, KRAP, RUIM))).astype(object)


def _first_shortage_matrix(status, years):
    """(units x years) status -> per unit the first year with tekort (NaN when none), as a matrix."""
    import numpy as np

    short = status == TEKORT
    first = np.where(short.any(axis=1), np.asarray(years, dtype=float)[short.argmax(axis=1)], np.nan)
    return np.repeat(first[:, None], status.shape[1], axis=1)


def _segments(codes, n):
    """For a sorted code array: (lo, hi) per code 0..n-1 (empty segments lo == hi == 0)."""
    import numpy as np

    lo = np.zeros(n, dtype=np.int64)
    hi = np.zeros(n, dtype=np.int64)
    if len(codes):
        starts = np.r_[0, np.flatnonzero(codes[1:] != codes[:-1]) + 1]
        ends = np.r_[starts[1:], len(codes)]
        lo[codes[starts]] = starts
        hi[codes[starts]] = ends
    return lo, hi


def _gather(lo, hi, units):
    """Concatenated ranges lo[u]:hi[u] for the given units, and the position in ``units`` of each row."""
    import numpy as np

    units = np.asarray(units, dtype=np.int64)
    length = hi[units] - lo[units]
    total = int(length.sum())
    if not total:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    owner = np.repeat(np.arange(len(units)), length)
    start = np.cumsum(length) - length
    rows = np.arange(total) - np.repeat(start, length) + np.repeat(lo[units], length)
    return rows, owner


_YEAR_SHIFT = 1 << 31


def _sums_at(index, values, n):
    """``np.add.at(np.zeros(n or (n, m)), index, values)`` through ``np.bincount``: the same sums, each added
    in the same order from 0.0 (numpy's ``ufunc.at`` is many times slower).  ``values``: 1-D, or 2-D (one
    column at a time)."""
    import numpy as np

    values = np.asarray(values, dtype=float)
    if values.ndim == 1:
        return np.bincount(index, weights=values, minlength=n)
    out = np.empty((n, values.shape[1]))
    for c in range(values.shape[1]):
        out[:, c] = np.bincount(index, weights=values[:, c], minlength=n)
    return out


def _empty_frame(columns):
    import pandas as pd

    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


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

    Inside, stations and knooppunten are integer codes and every number is a
    (units x years) numpy matrix or an array over the queue (developments per
    station in queue order); the frames are built from them when asked for
    and cached until the next edit.
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
        with gc_paused():
            self._recompute()

    def _recompute(self):
        import numpy as np
        import pandas as pd

        inp = self.inputs
        self.years = list(self.settings.years)
        self._Y = np.asarray(self.years, dtype=np.int64)
        self.assignment = assign_developments(inp, self.settings)
        st = inp.stations
        sid_col = _str_col(st["station_id"])
        self._station_ids = pd.Index(sid_col.dropna().unique())
        self._station_names = pd.Series(st["name"].values, index=sid_col.values)
        self._station_names = self._station_names[~self._station_names.index.duplicated()]
        self._sid = np.asarray(self._station_ids, dtype=object)
        self._sname = pd.Series(self._sid, dtype=object).map(self._station_names).values
        self._sorder = np.argsort(self._sid, kind="stable")
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
        kp = inp.knooppunten
        kid_col = _str_col(kp["knooppunt_id"])
        self._kp_ids = pd.Index(kid_col.dropna().unique())
        self._kp_names = pd.Series(kp["name"].values, index=kid_col.values)
        self._kp_names = self._kp_names[~self._kp_names.index.duplicated()]
        self._kid = np.asarray(self._kp_ids, dtype=object)
        self._kname = pd.Series(self._kid, dtype=object).map(self._kp_names).values
        self._korder = np.argsort(self._kid, kind="stable")
        self._lookup = _DevLookup(self.assignment)
        self._dev_rank = None  # rank of each development id among all (the unserved list's order), when asked
        self._prepare_static()
        self._pbase = None
        self._best = _UNSET
        self._lrows = None
        self.projects = self._resolve()
        self._apply_projects()
        S = len(self._sid)
        Y = len(self._Y)
        self._U = np.zeros((S, Y), dtype=np.int64)
        self._US = np.zeros((S, Y), dtype=np.int64)
        nq = len(self._q_row)
        self._bad = {d: np.zeros(nq, dtype=bool) for d in ("afname", "teruglevering")}
        self._bad_cap = {d: np.zeros(nq) for d in ("afname", "teruglevering")}
        self._bad_served = {d: np.full(nq, np.nan) for d in ("afname", "teruglevering")}
        # links in the ready year: MW of the row counted elsewhere, and (moved out before it - moved in first)
        self._bad_out = {d: np.zeros(nq) for d in ("afname", "teruglevering")}
        self._bad_cadj = {d: np.zeros(nq) for d in ("afname", "teruglevering")}
        self._update_stations(np.arange(S))
        self._K = None  # the knooppunt matrices: computed when a knooppunt view first asks (_knooppunt_matrices)
        self._frames = {}

    def _prepare_static(self):
        """Everything that does not change with projects and links: codes, queue, base capacity, demand."""
        import numpy as np
        import pandas as pd
        import shapely

        from ..tabular import all_text

        a = self.assignment
        S, K, Y = len(self._sid), len(self._kid), self._Y
        ny = len(Y)
        st = self._station_ids.get_indexer(a["station_id"].to_numpy(dtype=object))
        kc = self._kp_ids.get_indexer(a["knooppunt_id"].to_numpy(dtype=object))
        ye = a["year_eff"].to_numpy(dtype=float)
        dem = a["demand_mw"].to_numpy(dtype=float)
        sup = a["supply_mw"].to_numpy(dtype=float)
        self._a_st, self._a_kp, self._a_ye, self._a_dem, self._a_sup = st, kc, ye, dem, sup
        # the frames keep integer MW columns integer where pandas sums would (caller frames with int MW)
        self._a_dem_raw, self._a_sup_raw = a["demand_mw"].to_numpy(), a["supply_mw"].to_numpy()
        self._dem_int = a["demand_mw"].dtype.kind in "iu"
        self._sup_int = a["supply_mw"].dtype.kind in "iu"
        # station limits, sorted by (station code, year), for "latest year <= Y" look-ups
        cap = self._cap
        cc = self._station_ids.get_indexer(cap["station_id"].to_numpy(dtype=object))
        keep = cc >= 0
        cy = cap["year"].to_numpy(dtype=np.int64)[keep]
        cc = cc[keep].astype(np.int64)
        key = (cc << 32) + (cy + _YEAR_SHIFT)
        order = np.argsort(key, kind="stable")
        self._cap_key = key[order]
        self._cap_code = cc[order]
        self._cap_year = cy[order].astype(float)
        self._cap_a = cap["afname_mw"].to_numpy(dtype=float)[keep][order]
        self._cap_t = cap["teruglevering_mw"].to_numpy(dtype=float)[keep][order]
        self._cap_event_years = np.unique(cap["year"].to_numpy(dtype=float))
        # the queue: developments with station and year, per station by (year, dev_id)
        inq = np.flatnonzero((st >= 0) & ~np.isnan(ye))
        srank = np.empty(S, dtype=np.int64)
        srank[self._sorder] = np.arange(S)
        ids = a["dev_id"].to_numpy(dtype=object)[inq]
        if all_text(ids, skipna=False):  # rank by id; equal ids keep their order like a stable sort
            dcode = np.empty(len(ids), dtype=np.int64)
            dcode[np.argsort(ids, kind="stable")] = np.arange(len(ids))
        else:
            dcode, _ = pd.factorize(ids, sort=True)
            dcode = np.where(dcode < 0, len(inq) + 1, dcode)
        order = np.lexsort((dcode, ye[inq], srank[st[inq]]))
        rows = inq[order]
        self._q_row = rows
        self._q_st = st[rows].astype(np.int64)
        self._q_kp = kc[rows]
        self._q_ye = ye[rows]
        self._q_yi = ye[rows].astype(np.int64)
        self._q_dem = dem[rows]
        self._q_sup = sup[rows]
        g = pd.Series(self._q_st)
        self._q_cumd_raw = pd.Series(self._a_dem_raw[rows]).groupby(g, sort=False).cumsum().to_numpy()
        self._q_cums_raw = pd.Series(self._a_sup_raw[rows]).groupby(g, sort=False).cumsum().to_numpy()
        self._q_cumd = self._q_cumd_raw.astype(float)
        self._q_cums = self._q_cums_raw.astype(float)
        self._q_lo, self._q_hi = _segments(self._q_st, S)
        qpos = np.full(len(a), -1, dtype=np.int64)
        qpos[rows] = np.arange(len(rows))
        self._a_qpos = qpos
        self._q_base_a, self._q_base_t, _ = self._base_at(self._q_st, self._q_yi)
        # station x year: limits and the demand/supply of the queue
        grid_s = np.repeat(np.arange(S, dtype=np.int64), ny)
        grid_y = np.tile(Y, S)
        ba, bt, src = self._base_at(grid_s, grid_y, raw=True)
        # the limit is known per direction when a row of a year <= Y exists and gives that direction
        self._known_a, self._known_t = ~np.isnan(ba).reshape(S, ny), ~np.isnan(bt).reshape(S, ny)
        ba, bt = np.nan_to_num(ba), np.nan_to_num(bt)
        self._base_a, self._base_t, self._src = ba.reshape(S, ny), bt.reshape(S, ny), src.reshape(S, ny)
        M = self._q_ye[:, None] <= Y[None, :]
        r, c = np.nonzero(M)
        flat = self._q_st[r] * ny + c
        self._D = np.bincount(flat, weights=self._q_dem[r], minlength=S * ny).reshape(S, ny)
        self._SUP = np.bincount(flat, weights=self._q_sup[r], minlength=S * ny).reshape(S, ny)
        self._N = np.bincount(flat, minlength=S * ny).reshape(S, ny)
        self._snote = _capacity_note(np.tile(Y, S), self._src.ravel()).reshape(S, ny) if S else None
        # knooppunt x year: developments inside (with a year)
        inside = np.flatnonzero((kc >= 0) & ~np.isnan(ye))
        inside = inside[np.argsort(kc[inside], kind="stable")]
        self._in_row = inside
        self._in_lo, self._in_hi = _segments(kc[inside], K)
        M = ye[inside][:, None] <= Y[None, :]
        r, c = np.nonzero(M)
        flat = kc[inside][r] * ny + c
        self._KD = np.bincount(flat, weights=dem[inside][r], minlength=K * ny).reshape(K, ny)
        self._KSUP = np.bincount(flat, weights=sup[inside][r], minlength=K * ny).reshape(K, ny)
        self._KN = np.bincount(flat, minlength=K * ny).reshape(K, ny)
        # developments with demand/supply but no station (unserved, whatever the projects)
        nost = (st < 0) & ~np.isnan(ye)
        self._nost = {"afname": np.flatnonzero(nost & (dem > 0)), "teruglevering": np.flatnonzero(nost & (sup > 0))}
        # static serving pairs: (knooppunt, station) of the developments, then stations lying in a knooppunt
        pairs = [(kc * max(S, 1) + st)[(kc >= 0) & (st >= 0)]]
        sti, kpi = self.inputs.stations, self.inputs.knooppunten
        if len(sti) and len(kpi):
            s_id = _str_col(sti["station_id"]).values
            s_ok = pd.notna(s_id) & sti.geometry.notna().values
            k_id = _str_col(kpi["knooppunt_id"]).values
            k_ok = pd.notna(k_id) & kpi.geometry.notna().values
            if s_ok.any() and k_ok.any():
                kg = np.asarray(kpi.geometry.values, dtype=object)[k_ok]
                kg = kg.copy()
                kg[shapely.is_empty(kg)] = None
                i, j = shapely.STRtree(kg).query(np.asarray(sti.geometry.values, dtype=object)[s_ok],
                                                 predicate="intersects")
                ps = self._station_ids.get_indexer(s_id[s_ok][i])
                pk = self._kp_ids.get_indexer(k_id[k_ok][j])
                pairs.append(pk.astype(np.int64) * max(S, 1) + ps)
        comb = np.concatenate(pairs).astype(np.int64)
        if len(comb):
            _, first = np.unique(comb, return_index=True)
            comb = comb[np.sort(first)]
        self._static_pairs = comb

    def _base_at(self, codes, years, raw=False):
        """Station limit at (station code, year): latest limit year <= year. Returns afname, terug, source year;
        an unknown limit is 0 MW, or NaN with ``raw``."""
        import numpy as np

        codes = np.asarray(codes, dtype=np.int64)
        years = np.asarray(years, dtype=np.int64)
        n = len(codes)
        if not n or not len(self._cap_key):
            none = np.full(n, np.nan)
            return (none, none.copy(), none.copy()) if raw else (np.zeros(n), np.zeros(n), none)
        i = np.searchsorted(self._cap_key, (codes << 32) + (years + _YEAR_SHIFT), side="right") - 1
        ok = i >= 0
        i = np.where(ok, i, 0)
        ok &= self._cap_code[i] == codes
        a = np.where(ok, self._cap_a[i], np.nan)
        t = np.where(ok, self._cap_t[i], np.nan)
        src = np.where(ok, self._cap_year[i], np.nan)
        return (a, t, src) if raw else (np.nan_to_num(a), np.nan_to_num(t), src)

    def _proj_at(self, codes, years):
        """Capacity of the active projects of station ``codes`` with IBN <= ``years`` (int): afname, terug."""
        import numpy as np

        n = len(codes)
        ps, pi, pa, pt = self._pj
        if not n or not len(ps):
            return np.zeros(n), np.zeros(n)
        uy, inv = np.unique(np.asarray(years, dtype=np.int64), return_inverse=True)
        S = len(self._sid)
        r, c = np.nonzero(pi[:, None] <= uy[None, :])
        flat = ps[r] * len(uy) + c
        A = np.bincount(flat, weights=pa[r], minlength=S * len(uy)).reshape(S, len(uy))
        T = np.bincount(flat, weights=pt[r], minlength=S * len(uy)).reshape(S, len(uy))
        return A[codes, inv], T[codes, inv]

    def _apply_projects(self):
        """Arrays of the active projects, capacity added per station and year, serving pairs."""
        import numpy as np

        p = self.projects
        S, Y = len(self._sid), self._Y
        act = p["active"].to_numpy(dtype=bool)
        pst = self._station_ids.get_indexer(p["station_id"].to_numpy(dtype=object)).astype(np.int64)
        pkp = self._kp_ids.get_indexer(p["knooppunt_id"].to_numpy(dtype=object)).astype(np.int64)
        ibn = p["ibn_eff"].to_numpy(dtype=float)
        pa = p["afname_mw"].to_numpy(dtype=float)
        pt = p["teruglevering_mw"].to_numpy(dtype=float)
        has_ibn = ~np.isnan(ibn)
        sel = act & (pst >= 0) & has_ibn
        self._pj = (pst[sel], ibn[sel], pa[sel], pt[sel])
        own = act & (pst < 0) & has_ibn & (pkp >= 0)
        self._pk = (pkp[own], ibn[own], pa[own], pt[own])
        grid_s = np.repeat(np.arange(S, dtype=np.int64), len(Y))
        pa_, pt_ = self._proj_at(grid_s, np.tile(Y, S))
        self._proj_a, self._proj_t = pa_.reshape(S, len(Y)), pt_.reshape(S, len(Y))
        # integer project capacities stay integer in the station table when every station-year has a project
        self._proj_int = p["afname_mw"].dtype.kind in "iu" and len(self._pj[0]) > 0
        if self._proj_int and S:
            r, c = np.nonzero(self._pj[1][:, None] <= Y[None, :])
            self._proj_int = bool((np.bincount(self._pj[0][r] * len(Y) + c, minlength=S * len(Y)) > 0).all())
        self._own_int = p["afname_mw"].dtype.kind in "iu"
        self._cap_s = self._base_a + self._proj_a
        self._supcap_s = self._base_t + self._proj_t
        # station events for 'served from': limit years and IBN years of active projects
        self._events = np.unique(np.concatenate([self._cap_event_years, ibn[sel]]))
        self._link_transfers(act, pst, ibn)
        # serving pairs: static ones, then active projects with knooppunt and station (first occurrence order)
        pp = act & (pkp >= 0) & (pst >= 0)
        comb = np.concatenate([self._static_pairs, pkp[pp] * max(S, 1) + pst[pp]])
        if len(comb):
            _, first = np.unique(comb, return_index=True)
            comb = comb[np.sort(first)]
        self._serv_k = comb // max(S, 1)
        self._serv_s = comb % max(S, 1)
        # stations that serve a knooppunt only because linked developments move there: from that year on
        extra = ~np.isin(self._tr_pairs, comb)
        self._trp_k = self._tr_pairs[extra] // max(S, 1)
        self._trp_s = self._tr_pairs[extra] % max(S, 1)
        self._trp_y = self._tr_pair_year[extra]

    def _link_transfers(self, act, pst, ibn):
        """MW moved by links to the project's station (see 'Links carry demand' in the module doc).

        Sets ``self._tr`` (records: station code, knooppunt code of the development, from year, demand,
        supply, with a negative record at the development's own station), the station x year matrices
        ``self._LD``/``self._LS`` (None when nothing moves), ``self._tr_pairs`` and ``self._tr_links``.
        """
        import numpy as np
        import pandas as pd

        S, Y = len(self._sid), self._Y
        empty = np.zeros(0)
        self._tr = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), empty, empty, empty)
        self._LD = self._LS = None
        self._tr_pairs = np.zeros(0, dtype=np.int64)
        self._tr_pair_year = np.zeros(0)
        self._tr_links = None
        self._out = None  # (queue position, from year, demand, supply) moved away from a development's own station
        self._IN = None  # (station x year) demand and supply moved in, counted before the station's own queue
        self._in_raw = None  # (station code, from year, demand, supply) of every move, for the ready-year list
        self._LN = None  # (station x year) change of n_developments by links (None when nothing moves)
        lk = self._links
        if not self.settings.links_move_demand or not len(lk) or not len(self.projects) or not S:
            return
        n_dev = len(self.assignment)
        row = self._link_rows()
        pidx = pd.Index(self.projects["project_id"].to_numpy(dtype=object))
        prow = self._first_row(pidx, lk["project_id"].to_numpy(dtype=object), pidx.is_unique)
        ok = (row >= 0) & (prow >= 0)
        r = np.where(ok, row, 0).astype(np.int64)
        q = np.where(ok, prow, 0).astype(np.int64)
        dem, sup = self._a_dem[r], self._a_sup[r]
        dev_mw = development_mw(dem, sup)
        _mw, frac = link_share(pd.to_numeric(lk["share_mw"], errors="coerce").to_numpy(dtype=float),
                               pd.to_numeric(lk["share_pct"], errors="coerce").to_numpy(dtype=float), dev_mw)
        to_st = pst[q]
        year = np.fmax(ibn[q], self._a_ye[r])
        ok &= act[q] & (to_st >= 0) & ~np.isnan(ibn[q]) & ~np.isnan(self._a_ye[r]) & (frac > 0)
        # several links of one development: at most 100 % in total (scaled down proportionally)
        if ok.any():
            tot = np.bincount(r[ok], weights=frac[ok], minlength=n_dev)
            scale = np.where(tot > 1.0, 1.0 / np.where(tot > 0, tot, 1.0), 1.0)
            frac = np.where(ok, frac * scale[r], 0.0)
        own = self._a_st[r]
        move = ok & (own != to_st)
        self._tr_links = dict({
            "link_index": np.arange(len(lk)), "moved_mw": np.where(ok, frac * dev_mw, 0.0),
            "moved_demand_mw": np.where(ok, frac * dem, 0.0), "moved_supply_mw": np.where(ok, frac * sup, 0.0),
            "from_station_id": np.where(ok & (own >= 0), self._sid[np.where(own >= 0, own, 0)], None),
            "to_station_id": np.where(ok, self._sid[np.where(to_st >= 0, to_st, 0)], None),
            "from_year": np.where(ok, year, np.nan)})  # arrays; a frame only when asked (links())
        if not move.any():
            return
        i = np.flatnonzero(move)
        plus_st, minus = to_st[i], own[i] >= 0
        st = np.concatenate([plus_st, own[i][minus]]).astype(np.int64)
        kp = np.concatenate([self._a_kp[r[i]], self._a_kp[r[i]][minus]]).astype(np.int64)
        yr = np.concatenate([year[i], year[i][minus]])
        d = frac[i] * dem[i]
        u = frac[i] * sup[i]
        dd = np.concatenate([d, -d[minus]])
        uu = np.concatenate([u, -u[minus]])
        order = np.argsort(st, kind="stable")
        self._tr = (st[order], kp[order], yr[order], dd[order], uu[order])
        qp = self._a_qpos[r[i]]
        inq = minus & (qp >= 0)
        self._out = (qp[inq], year[i][inq], d[inq], u[inq])
        self._in_raw = (plus_st.astype(np.int64), year[i], d, u)
        ny_ = len(Y)
        rr_, c_ = np.nonzero(year[i][:, None] <= Y[None, :])
        flat_ = plus_st[rr_] * ny_ + c_
        self._IN = (np.bincount(flat_, weights=d[rr_], minlength=S * ny_).reshape(S, ny_),
                    np.bincount(flat_, weights=u[rr_], minlength=S * ny_).reshape(S, ny_))
        ny = len(Y)
        rr, c = np.nonzero(yr[:, None] <= Y[None, :])
        flat = st[rr] * ny + c
        self._LD = np.bincount(flat, weights=dd[rr], minlength=S * ny).reshape(S, ny)
        self._LS = np.bincount(flat, weights=uu[rr], minlength=S * ny).reshape(S, ny)
        self._LN = self._link_counts(r[i], plus_st, own[i], year[i], frac[i], S, Y)
        kin = self._a_kp[r[i]] >= 0
        pairs = (self._a_kp[r[i]][kin].astype(np.int64) * max(S, 1) + plus_st[kin]).astype(np.int64)
        if len(pairs):  # (knooppunt, station) served via links, from the first year anything moves there
            order = np.lexsort((year[i][kin], pairs))
            pairs, py = pairs[order], year[i][kin][order]
            first = np.r_[True, pairs[1:] != pairs[:-1]]
            self._tr_pairs, self._tr_pair_year = pairs[first], py[first]

    @staticmethod
    def _first_row(index, keys, unique):
        """Position in ``index`` of each key (the first occurrence when ids repeat), -1 when absent."""
        import numpy as np
        import pandas as pd

        if unique:
            return index.get_indexer(keys)
        first = pd.Series(np.arange(len(index)), index=index)
        first = first[~first.index.duplicated()]
        return pd.Series(keys, dtype=object).map(first).fillna(-1).to_numpy(dtype=np.int64)

    def _link_counts(self, dev, to_st, own, year, frac, S, Y):
        """The (station x year) change of n_developments by the moves (development row, station it moves to, its own
        station or -1, from year, share 0..1): a development moved in counts at that station from the first year
        any of its links takes it there (once); one whose whole MW has moved away (its shares to other stations add
        up to 100 %) no longer counts at its own station from the year the last part leaves.  So the count is the
        developments whose MW the station's demand and supply hold, as the table's MW are."""
        import numpy as np

        ny = len(Y)
        out = np.zeros(S * ny, dtype=np.int64)
        key = dev.astype(np.int64) * max(S, 1) + to_st
        order = np.lexsort((year, key))
        first = order[np.r_[True, key[order][1:] != key[order][:-1]]]
        rr, c = np.nonzero(year[first][:, None] <= Y[None, :])
        np.add.at(out, to_st[first][rr] * ny + c, 1)
        away = (own >= 0) & (self._a_qpos[dev] >= 0)  # counted at its own station (in its queue)
        if away.any():
            d, y, f, o = dev[away], year[away], frac[away], own[away]
            order = np.lexsort((y, d))
            d, y, f, o = d[order], y[order], f[order], o[order]
            start = np.r_[True, d[1:] != d[:-1]]
            group = np.cumsum(start) - 1
            cum = np.cumsum(f)
            cum = cum - np.r_[0.0, cum[np.flatnonzero(start)[1:] - 1]][group]  # per development
            gone = cum >= 1.0 - 1e-9
            gone &= np.r_[True, group[1:] != group[:-1]] | ~np.r_[False, gone[:-1]]  # the first year it is gone
            rr, c = np.nonzero(y[gone][:, None] <= Y[None, :])
            np.add.at(out, o[gone][rr] * ny + c, -1)
        return out.reshape(S, ny)

    def _station_count(self):
        """Developments per station and year whose MW the station's demand and supply hold (links included)."""
        return self._N if self._LN is None else self._N + self._LN

    def _station_demand(self):
        """Demand and supply per station and year including the MW moved by links."""
        if self._LD is None:
            return self._D, self._SUP
        return self._D + self._LD, self._SUP + self._LS

    # ---- stations ------------------------------------------------------------------------------
    def _update_stations(self, codes):
        """Unserved counts and the unserved list of the stations ``codes`` (after a change of their projects)."""
        import numpy as np

        if not len(codes):
            return
        S, Y = len(self._sid), self._Y
        ny = len(Y)
        if len(codes) == S:
            rows = np.arange(len(self._q_row))
        else:
            rows, _ = _gather(self._q_lo, self._q_hi, codes)
        qs, qye = self._q_st[rows], self._q_ye[rows]
        M = qye[:, None] <= Y[None, :]
        pa, pt = self._proj_at(qs, self._q_yi[rows])
        served_e = None
        moved = self._queue_moves(rows, qs)
        for k, (d, mw, cum, capm, base, proj, U) in enumerate((
                ("afname", self._q_dem, self._q_cumd, self._cap_s, self._q_base_a, pa, self._U),
                ("teruglevering", self._q_sup, self._q_cums, self._supcap_s, self._q_base_t, pt, self._US))):
            m, c = mw[rows], cum[rows]
            if moved is None:
                u = M & (m > 0)[:, None] & (c[:, None] > capm[qs] + EPS)
            else:  # links: moved MW leaves the queue of its own station from its year; moved-in MW comes first
                out, cout, inm = moved[k]
                u = M & (m[:, None] - out > EPS) & (c[:, None] - cout > capm[qs] - inm[qs] + EPS)
            r, col = np.nonzero(u)
            counts = np.bincount(qs[r] * ny + col, minlength=S * ny).reshape(S, ny)
            U[codes] = counts[codes]
            # in the ready year itself (links: the same rule as the counts above, in the ready year)
            cap_own = base[rows] + proj
            if moved is None:
                bad = (m > 0) & (c > cap_own + EPS)
                out0 = cadj0 = full_from = None
            else:
                out0, cadj0, full_from = self._ready_year_moves(rows, qs, qye, k, m)
                bad = (m - out0 > EPS) & (c - cadj0 > cap_own + EPS)
            served = np.full(len(rows), np.nan)
            b = np.flatnonzero(bad)
            if len(b) and len(self._events):
                if served_e is None:
                    served_e = self._event_capacity(np.unique(qs))
                ev, pos, ev_on, ev_a, ev_t = served_e
                evc = ev_a if d == "afname" else ev_t
                sb = pos[qs[b]]
                ok = ev_on[sb] & (ev[None, :] > qye[b][:, None]) & (c[b][:, None] <= evc[sb] + EPS)
                served[b] = np.where(ok.any(axis=1), ev[ok.argmax(axis=1)], np.nan)
            if full_from is not None:  # wholly counted at the project's station later: served from that year
                served = np.fmin(served, np.where(bad, full_from, np.nan))
            self._bad_out[d][rows] = 0.0 if out0 is None else out0
            self._bad_cadj[d][rows] = 0.0 if cadj0 is None else cadj0
            self._bad[d][rows] = bad
            self._bad_cap[d][rows] = cap_own
            self._bad_served[d][rows] = served

    def _ready_year_moves(self, rows, qs, qye, k, m):
        """Links in each queue row's own ready year (direction ``k``: 0 afname, 1 teruglevering).

        Returns (out, adjust, full_from): MW of the row counted at a project's station in its ready year; MW to
        take off the row's cumulative queue (moved out of the queue up to and including the row by then, minus
        the MW moved in to the station by then, which comes first); the year from which the row counts wholly
        at the project's station when that is after its ready year (else NaN).  Same rule as the counts.
        """
        import numpy as np

        n = len(rows)
        out, cout, full_from = np.zeros(n), np.zeros(n), np.full(n, np.nan)
        pos = np.full(len(self._q_row), -1, dtype=np.int64)
        pos[rows] = np.arange(n)
        oq, oy, od, os_ = self._out
        w = od if k == 0 else os_
        keep = np.flatnonzero((pos[oq] >= 0) & (w > 0)) if len(oq) else np.zeros(0, dtype=np.int64)
        if len(keep):
            p = pos[oq[keep]]
            now = oy[keep] <= qye[p]
            out = _sums_at(p[now], w[keep][now], n)
            later = _sums_at(p[~now], w[keep][~now], n)
            first_later = np.full(n, np.inf)
            np.minimum.at(first_later, p[~now], oy[keep][~now])
            whole = (later > 0) & (out + later >= m - EPS)
            full_from[whole] = first_later[whole]
            # cumulative: an earlier row p (same station, queue order) moved by row q's ready year counts off q
            hi = self._q_hi[qs[p]] - self._q_lo[qs[p]] + (p - (rows[p] - self._q_lo[qs[p]]))  # end of p's run
            lengths = hi - p
            start = np.repeat(p, lengths) + (np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths,
                                                                                      lengths))
            ey, ew = np.repeat(oy[keep], lengths), np.repeat(w[keep], lengths)
            sel = ey <= qye[start]
            cout = _sums_at(start[sel], ew[sel], n)
        # moved in to the row's station by its ready year (served first)
        ist, iy, idm, ism = self._in_raw
        iw = idm if k == 0 else ism
        inn = np.zeros(n)
        if len(ist):
            key = ist * 100000 + iy
            order = np.argsort(key, kind="stable")
            ks, cw = key[order], np.r_[0.0, np.cumsum(iw[order])]
            inn = cw[np.searchsorted(ks, qs * 100000 + qye, side="right")] - cw[np.searchsorted(ks, qs * 100000,
                                                                                                 side="left")]
        return out, cout - inn, full_from

    def _queue_moves(self, rows, qs):
        """Per direction (out, cumulative out, in) for the queue ``rows`` (grouped per station), or None.

        out[q, y]: MW of queue row q counted at another station in year y (links); cumulative over the
        station's queue up to and including q; in: the station x year MW moved in.  Kept per queue row in
        ``self._qmove`` for the knooppunt counts.
        """
        import numpy as np

        if self._out is None or self._IN is None:
            self._qmove = None
            return None
        ny = len(self._Y)
        nq = len(self._q_row)
        if getattr(self, "_qmove", None) is None or self._qmove[0].shape != (nq, ny):
            self._qmove = tuple(np.zeros((nq, ny)) for _ in range(4))  # out_d, cout_d, out_s, cout_s
        pos = np.full(nq, -1, dtype=np.int64)
        pos[rows] = np.arange(len(rows))
        oq, oy, od, os_ = self._out
        keep = pos[oq] >= 0 if len(oq) else np.zeros(0, dtype=bool)
        res = []
        starts = np.flatnonzero(np.r_[True, qs[1:] != qs[:-1]]) if len(qs) else np.zeros(0, dtype=np.int64)
        lengths = np.diff(np.r_[starts, len(qs)])
        for j, w in enumerate((od, os_)):
            out = np.zeros((len(rows), ny))
            if keep.any():
                on = (oy[keep][:, None] <= self._Y[None, :]).astype(float)
                out = _sums_at(pos[oq[keep]], on * w[keep][:, None], len(rows))
            cs = np.cumsum(out, axis=0)
            cout = cs - np.repeat(cs[starts] - out[starts], lengths, axis=0) if len(rows) else cs
            self._qmove[2 * j][rows] = out
            self._qmove[2 * j + 1][rows] = cout
            res.append((out, cout, self._IN[j]))
        return res

    def _event_capacity(self, stations):
        """Capacity of ``stations`` at every event year (limit years, IBN years) and which events are their own.

        Returns (event years, position of a station code in the matrices, own?, afname, teruglevering).
        """
        import numpy as np

        S = len(self._sid)
        n = len(stations)
        pos = np.full(S, -1, dtype=np.int64)
        pos[stations] = np.arange(n)
        ev = self._events
        ne = len(ev)
        grid_s = np.repeat(np.asarray(stations, dtype=np.int64), ne)
        grid_y = np.tile(ev.astype(np.int64), n)
        ba, bt, _ = self._base_at(grid_s, grid_y)
        pa, pt = self._proj_at(grid_s, grid_y)
        on = np.zeros((n, ne), dtype=bool)
        for code, year in ((self._cap_code, self._cap_year), (self._pj[0], self._pj[1])):
            keep = pos[code] >= 0
            on[pos[code[keep]], np.searchsorted(ev, year[keep])] = True
        return ev, pos, on, (ba + pa).reshape(n, ne), (bt + pt).reshape(n, ne)

    # ---- knooppunten ----------------------------------------------------------------------------------
    def _knooppunt_matrices(self):
        """The knooppunt x year matrices, all knooppunten computed on first use.

        A station view (the balance algorithm at station level, the station dock) never needs them; until a
        knooppunt view asks, edits leave them uncomputed (``_update_knooppunten`` does nothing) and the first
        request computes every knooppunt from the current station state, as a new model would.
        """
        import numpy as np

        if self._K is None:
            K, Y = len(self._kid), len(self._Y)
            self._K = {c: np.zeros((K, Y)) for c in ("cap", "base", "proj", "supcap", "src", "nst", "od", "os",
                                                      "on", "nown", "unk_a", "unk_t")}
            self._K["U"] = np.zeros((K, Y), dtype=np.int64)
            self._K["US"] = np.zeros((K, Y), dtype=np.int64)
            self._update_knooppunten(np.arange(K))
        return self._K

    def _update_knooppunten(self, kcodes):
        import numpy as np

        kcodes = np.asarray(kcodes, dtype=np.int64)
        if not len(kcodes) or self._K is None:  # not computed yet: done in full when first asked
            return
        K, S, Y = len(self._kid), len(self._sid), self._Y
        ny = len(Y)
        KM = self._K
        sel = np.zeros(K, dtype=bool)
        sel[kcodes] = True
        pk, ps = self._serv_k, self._serv_s
        m = sel[pk]
        pk, ps = pk[m], ps[m]
        cap = np.zeros((K, ny))
        base = np.zeros((K, ny))
        proj = np.zeros((K, ny))
        supcap = np.zeros((K, ny))
        src = np.full((K, ny), np.nan)
        unk_a = np.zeros((K, ny))  # serving stations without a known limit, per direction
        unk_t = np.zeros((K, ny))
        if len(pk):
            np.add.at(unk_a, pk, (~self._known_a[ps]).astype(float))
            np.add.at(unk_t, pk, (~self._known_t[ps]).astype(float))
            np.add.at(cap, pk, self._cap_s[ps])
            np.add.at(base, pk, self._base_a[ps])
            np.add.at(proj, pk, self._proj_a[ps])
            np.add.at(supcap, pk, self._supcap_s[ps])
            np.fmin.at(src, pk, self._src[ps])
        nst = np.bincount(pk, minlength=K).astype(float)
        # projects of the knooppunt without a station
        ok_, oi, oa, ot = self._pk
        m = sel[ok_] if len(ok_) else np.zeros(0, dtype=bool)
        own_a = np.zeros((K, ny))
        own_t = np.zeros((K, ny))
        own_n = np.zeros((K, ny))
        if m.any():
            r, c = np.nonzero(oi[m][:, None] <= Y[None, :])
            flat = ok_[m][r] * ny + c
            own_a = np.bincount(flat, weights=oa[m][r], minlength=K * ny).reshape(K, ny)
            own_t = np.bincount(flat, weights=ot[m][r], minlength=K * ny).reshape(K, ny)
            own_n = np.bincount(flat, minlength=K * ny).reshape(K, ny).astype(float)
        # other developments on the serving stations
        rows, owner = _gather(self._q_lo, self._q_hi, ps)
        od = np.zeros(K * ny)
        os_ = np.zeros(K * ny)
        on = np.zeros(K * ny)
        if len(rows):
            rk = pk[owner]
            keep = self._q_kp[rows] != rk
            rows, rk = rows[keep], rk[keep]
            r, c = np.nonzero(self._q_ye[rows][:, None] <= Y[None, :])
            flat = rk[r] * ny + c
            od = np.bincount(flat, weights=self._q_dem[rows][r], minlength=K * ny)
            os_ = np.bincount(flat, weights=self._q_sup[rows][r], minlength=K * ny)
            on = np.bincount(flat, minlength=K * ny).astype(float)
        ts, tk, ty, td, tu = self._tr
        if len(ts) and len(ps):
            tlo, thi = _segments(ts, S)
            rows, owner = _gather(tlo, thi, ps)
            if len(rows):
                rk = pk[owner]
                keep = tk[rows] != rk
                rows, rk = rows[keep], rk[keep]
                r, c = np.nonzero(ty[rows][:, None] <= Y[None, :])
                flat = rk[r] * ny + c
                od = od + np.bincount(flat, weights=td[rows][r], minlength=K * ny)
                os_ = os_ + np.bincount(flat, weights=tu[rows][r], minlength=K * ny)
        # stations serving via links only: their capacity and other demand count from the year the MW moves there
        tk_, ts_, ty_ = self._trp_k, self._trp_s, self._trp_y
        m = sel[tk_] if len(tk_) else np.zeros(0, dtype=bool)
        if m.any():
            tk_, ts_, ty_ = tk_[m], ts_[m], ty_[m]
            on_y = (Y[None, :] >= ty_[:, None]).astype(float)
            np.add.at(unk_a, tk_, (~self._known_a[ts_]) * on_y)
            np.add.at(unk_t, tk_, (~self._known_t[ts_]) * on_y)
            np.add.at(cap, tk_, self._cap_s[ts_] * on_y)
            np.add.at(base, tk_, self._base_a[ts_] * on_y)
            np.add.at(proj, tk_, self._proj_a[ts_] * on_y)
            np.add.at(supcap, tk_, self._supcap_s[ts_] * on_y)
            np.fmin.at(src, tk_, np.where(on_y > 0, self._src[ts_], np.nan))
            nst = nst + np.bincount(tk_, minlength=K)
            od = od.reshape(K, ny)
            os_ = os_.reshape(K, ny)
            rows, owner = _gather(self._q_lo, self._q_hi, ts_)
            if len(rows):
                rk = tk_[owner]
                keep = self._q_kp[rows] != rk
                rows, rk, ow = rows[keep], rk[keep], owner[keep]
                r, c = np.nonzero((self._q_ye[rows][:, None] <= Y[None, :]) & (Y[None, :] >= ty_[ow][:, None]))
                od = od + np.bincount(rk[r] * ny + c, weights=self._q_dem[rows][r], minlength=K * ny).reshape(K, ny)
                os_ = os_ + np.bincount(rk[r] * ny + c, weights=self._q_sup[rows][r], minlength=K * ny).reshape(K, ny)
            ts, tkp, ty, td, tu = self._tr
            if len(ts):
                tlo, thi = _segments(ts, S)
                rows, owner = _gather(tlo, thi, ts_)
                if len(rows):
                    rk = tk_[owner]
                    keep = tkp[rows] != rk
                    rows, rk, ow = rows[keep], rk[keep], owner[keep]
                    r, c = np.nonzero((ty[rows][:, None] <= Y[None, :]) & (Y[None, :] >= ty_[ow][:, None]))
                    od = od + np.bincount(rk[r] * ny + c, weights=td[rows][r], minlength=K * ny).reshape(K, ny)
                    os_ = os_ + np.bincount(rk[r] * ny + c, weights=tu[rows][r], minlength=K * ny).reshape(K, ny)
            od, os_ = od.ravel(), os_.ravel()
        # developments inside unserved at their station (or without station)
        irows, iowner = _gather(self._in_lo, self._in_hi, kcodes)
        irows = self._in_row[irows]
        u = np.zeros(K * ny, dtype=np.int64)
        us = np.zeros(K * ny, dtype=np.int64)
        if len(irows):
            ik = kcodes[iowner]
            ist = self._a_st[irows]
            qp = self._a_qpos[irows]
            has = ist >= 0
            stc = np.where(has, ist, 0)
            M = self._a_ye[irows][:, None] <= Y[None, :]
            capd = self._cap_s[stc] if S else np.zeros((len(irows), ny))
            caps = self._supcap_s[stc] if S else np.zeros((len(irows), ny))
            cumd = np.where(has, self._q_cumd[np.where(has, qp, 0)] if len(self._q_row) else 0.0, np.nan)
            cums = np.where(has, self._q_cums[np.where(has, qp, 0)] if len(self._q_row) else 0.0, np.nan)
            dem, sup = self._a_dem[irows], self._a_sup[irows]
            if getattr(self, "_qmove", None) is None or self._IN is None:
                ud = M & (dem > 0)[:, None] & (~has[:, None] | (cumd[:, None] > capd + EPS))
                uss = M & (sup > 0)[:, None] & (~has[:, None] | (cums[:, None] > caps + EPS))
            else:  # links: as at the stations (_update_stations)
                q = np.where(has, qp, 0)
                o_d, c_d, o_s, c_s = (x[q] if len(self._q_row) else np.zeros((len(irows), ny)) for x in self._qmove)
                hz = has[:, None]
                ud = M & (dem[:, None] - np.where(hz, o_d, 0.0) > EPS) & (
                    ~hz | (cumd[:, None] - c_d > capd - self._IN[0][stc] + EPS))
                uss = M & (sup[:, None] - np.where(hz, o_s, 0.0) > EPS) & (
                    ~hz | (cums[:, None] - c_s > caps - self._IN[1][stc] + EPS))
            r, c = np.nonzero(ud)
            u = np.bincount(ik[r] * ny + c, minlength=K * ny)
            r, c = np.nonzero(uss)
            us = np.bincount(ik[r] * ny + c, minlength=K * ny)
        for name, val in (("cap", cap + own_a), ("base", base), ("proj", proj + own_a), ("supcap", supcap + own_t),
                          ("src", src), ("nst", nst[:, None] * np.ones(ny)), ("od", od.reshape(K, ny)),
                          ("os", os_.reshape(K, ny)), ("U", u.reshape(K, ny)), ("US", us.reshape(K, ny)),
                          ("on", on.reshape(K, ny)), ("nown", own_n), ("unk_a", unk_a), ("unk_t", unk_t)):
            KM[name][kcodes] = val[kcodes]

    def serving_stations(self, knooppunt_id=None):
        """(knooppunt_id, station_id) pairs: which stations serve which knooppunt."""
        s = self._frames.get("serving")
        if s is None:
            import numpy as np
            import pandas as pd

            s = pd.DataFrame({"knooppunt_id": np.asarray(self._kid[self._serv_k] if len(self._serv_k) else [],
                                                         dtype=object),
                              "station_id": np.asarray(self._sid[self._serv_s] if len(self._serv_s) else [],
                                                       dtype=object)})
            self._frames["serving"] = s
        return s if knooppunt_id is None else s[s["knooppunt_id"] == knooppunt_id].reset_index(drop=True)

    # ---- results ------------------------------------------------------------------------------------
    def _table_frame(self, level, cols, ids, names, order, ints=()):
        import numpy as np
        import pandas as pd

        n, ny = len(order), len(self._Y)
        if not len(ids) or not n:
            return _empty_frame(BALANCE_COLUMNS)
        cols = {k: v[order] for k, v in cols.items()}
        balance = cols["capacity_mw"] - cols["demand_mw"] - cols["other_demand_mw"]
        sbalance = cols["supply_capacity_mw"] - cols["supply_mw"] - cols["other_supply_mw"]
        k = self.settings.krap_pct
        status = _status(balance.ravel(), cols["capacity_mw"].ravel(), k, cols["known_a"].ravel()).reshape(n, ny)
        sstatus = _status(sbalance.ravel(), cols["supply_capacity_mw"].ravel(), k,
                          cols["known_t"].ravel()).reshape(n, ny)
        for c in ints:
            cols[c] = cols[c].astype(np.int64)
        if level == "knooppunt" and not len(self._sid):
            cols["capacity_source_year"] = cols["capacity_source_year"].astype(object)  # as pandas gave it
        out = {
            "level": level,
            "unit_id": np.repeat(ids[order], ny),
            "unit_name": np.repeat(names[order], ny),
            "year": np.tile(self._Y, n),
            "capacity_mw": cols["capacity_mw"].ravel(),
            "base_capacity_mw": cols["base_capacity_mw"].ravel(),
            "project_capacity_mw": cols["project_capacity_mw"].ravel(),
            "capacity_source_year": cols["capacity_source_year"].ravel(),
            "capacity_note": cols["capacity_note"].ravel(),
            "demand_mw": cols["demand_mw"].ravel(),
            "other_demand_mw": cols["other_demand_mw"].ravel(),
            "balance_mw": balance.ravel(),
            "status": status.ravel(),
            "first_shortage_year": _first_shortage_matrix(status, self._Y).ravel(),
            "unserved_count": cols["unserved_count"].ravel().astype(np.int64),
            "supply_capacity_mw": cols["supply_capacity_mw"].ravel(),
            "supply_mw": cols["supply_mw"].ravel(),
            "other_supply_mw": cols["other_supply_mw"].ravel(),
            "supply_balance_mw": sbalance.ravel(),
            "supply_status": sstatus.ravel(),
            "supply_first_shortage_year": _first_shortage_matrix(sstatus, self._Y).ravel(),
            "unserved_supply_count": cols["unserved_supply_count"].ravel().astype(np.int64),
            "n_developments": cols["n_developments"].ravel().astype(np.int64),
        }
        return pd.DataFrame(out)

    def _station_frame(self, order=None):
        import numpy as np

        f = self._frames.get("station") if order is None else None
        if f is None:
            zeros = np.zeros_like(self._base_a)
            dem, sup = self._station_demand()
            moved = self._LD is not None
            f = self._table_frame("station", {
                "capacity_mw": self._cap_s, "base_capacity_mw": self._base_a, "project_capacity_mw": self._proj_a,
                "capacity_source_year": self._src, "capacity_note": self._snote, "demand_mw": dem,
                "other_demand_mw": zeros, "supply_capacity_mw": self._supcap_s, "supply_mw": sup,
                "other_supply_mw": zeros, "unserved_count": self._U, "unserved_supply_count": self._US,
                "n_developments": self._station_count(), "known_a": self._known_a, "known_t": self._known_t}, self._sid, self._sname, self._sorder if order is None else order, ints=[
                    c for c, ok in (("project_capacity_mw", self._proj_int),
                                    ("demand_mw", self._dem_int and not moved and (self._N > 0).all()),
                                    ("supply_mw", self._sup_int and not moved and (self._N > 0).all())) if ok])
            if order is None:
                self._frames["station"] = f
        return f

    def _knooppunt_frame(self, order=None):
        import numpy as np

        f = self._frames.get("knooppunt") if order is None else None
        if f is None:
            KM = self._knooppunt_matrices()
            K, ny = len(self._kid), len(self._Y)
            note = None
            if K:
                note = _capacity_note(np.tile(self._Y, K), KM["src"].ravel())
                note = np.where(KM["nst"].ravel() == 0, "geen station bedient dit knooppunt", note).reshape(K, ny)
            f = self._table_frame("knooppunt", {
                "capacity_mw": KM["cap"], "base_capacity_mw": KM["base"], "project_capacity_mw": KM["proj"],
                "capacity_source_year": KM["src"], "capacity_note": note, "demand_mw": self._KD,
                "other_demand_mw": KM["od"], "supply_capacity_mw": KM["supcap"], "supply_mw": self._KSUP,
                "other_supply_mw": KM["os"], "unserved_count": KM["U"], "unserved_supply_count": KM["US"],
                "n_developments": self._KN, "known_a": KM["unk_a"] == 0, "known_t": KM["unk_t"] == 0}, self._kid, self._kname, self._korder if order is None else order, ints=[
                    c for c, ok in (
                        ("project_capacity_mw", self._proj_int and self._own_int and (KM["nst"] > 0).all()
                         and (KM["nown"] > 0).all()),
                        ("demand_mw", self._dem_int and (self._KN > 0).all()),
                        ("supply_mw", self._sup_int and (self._KN > 0).all()),
                        ("other_demand_mw", self._dem_int and self._LD is None and (KM["on"] > 0).all()),
                        ("other_supply_mw", self._sup_int and self._LD is None and (KM["on"] > 0).all())) if ok])
            if order is None:
                self._frames["knooppunt"] = f
        return f

    def station_table(self):
        return self._station_frame().copy()

    def knooppunt_table(self):
        return self._knooppunt_frame().copy()

    def table(self, level="station", units=None):
        """The station or knooppunt table; with ``units`` (ids) only their rows, in table order, built from the
        same matrices without building the whole table (a dock updating the units an edit recomputed)."""
        if level not in ("station", "knooppunt"):
            raise BalanceError("Niveau '{}' onbekend; kies 'station' of 'knooppunt'.".format(level))
        if units is None:
            return self.station_table() if level == "station" else self.knooppunt_table()
        import numpy as np

        ids, order = (self._sid, self._sorder) if level == "station" else (self._kid, self._korder)
        order = order[np.isin(ids[order], np.asarray(list(units), dtype=object))]
        if not len(order):  # no rows, with the whole table's column types
            return (self._station_frame() if level == "station" else self._knooppunt_frame()).iloc[:0].copy()
        f = self._station_frame(order) if level == "station" else self._knooppunt_frame(order)
        return f.reset_index(drop=True)

    def unit_series(self, level, unit_id):
        t = self._station_frame() if level == "station" else self._knooppunt_frame()
        return t[t["unit_id"] == unit_id].reset_index(drop=True)

    # ---- developments that cannot be served in time -------------------------------------------------
    def _unserved_frame(self):
        """Unserved developments before the links are added (cached until the next edit)."""
        import numpy as np
        import pandas as pd

        f = self._frames.get("unserved")
        if f is not None:
            return f
        a = self.assignment
        parts = []  # (assignment rows, direction, station?, mw, cum, capacity, shortfall, served, reason)
        for k, (d, mw, cum) in enumerate((("afname", self._a_dem_raw, self._q_cumd_raw),
                                          ("teruglevering", self._a_sup_raw, self._q_cums_raw))):
            i = np.flatnonzero(self._bad[d])
            if len(i):
                m, c, cap = mw[self._q_row[i]], cum[i], self._bad_cap[d][i]
                if self._bad_out[d][i].any() or self._bad_cadj[d][i].any():  # links (same rule as the balance)
                    m, c = m - self._bad_out[d][i], c - self._bad_cadj[d][i]
                # a station whose limit in the ready year is not known (status onbekend) is listed, but not as a
                # shortage against a 0 MW limit: no capacity, no shortfall, its own reason
                known = ~np.isnan(self._base_at(self._q_st[i], self._q_yi[i], raw=True)[k])
                short, served = np.minimum(m, c - cap), self._bad_served[d][i]
                for sel, unknown in ((known, False), (~known, True)):
                    if sel.any():
                        blank = np.full(int(sel.sum()), np.nan)
                        parts.append((self._q_row[i][sel], d, True, m[sel], c[sel], blank if unknown else cap[sel],
                                      blank.copy() if unknown else short[sel], served[sel],
                                      UNSERVED_UNKNOWN if unknown else UNSERVED_SHORT))
        for d, mw in (("afname", self._a_dem_raw), ("teruglevering", self._a_sup_raw)):
            i = self._nost[d]
            if len(i):
                parts.append((i, d, False, mw[i], mw[i], np.zeros(len(i)), mw[i], np.full(len(i), np.nan),
                              "geen station gevonden"))
        if not parts:
            f = _empty_frame(UNSERVED_COLUMNS)
        else:
            rows = np.concatenate([p[0] for p in parts])
            rep = [len(p[0]) for p in parts]
            station = a["station_id"].to_numpy(dtype=object)[rows].copy()
            has_station = np.repeat([p[2] for p in parts], rep)
            station[~has_station] = None
            f = pd.DataFrame({
                "dev_id": a["dev_id"].to_numpy()[rows],
                "name": a["name"].to_numpy()[rows],
                "direction": np.repeat(np.array([p[1] for p in parts], dtype=object), rep),
                "station_id": station,
                "knooppunt_id": a["knooppunt_id"].to_numpy()[rows],
                "year_ready": a["year_eff"].to_numpy()[rows],
                "mw": np.concatenate([p[3] for p in parts]),
                "cum_mw": np.concatenate([p[4] for p in parts]),
                "capacity_mw": np.concatenate([p[5] for p in parts]),
                "shortfall_mw": np.concatenate([p[6] for p in parts]),
                "served_from_year": np.concatenate([p[7] for p in parts]),
                "linked_projects": None,
                "reason": np.repeat(np.array([p[8] for p in parts], dtype=object), rep),
            })
            f = f.take(self._unserved_order(f, rows)).reset_index(drop=True)
        self._frames["unserved"] = f
        return f

    def _unserved_order(self, f, rows=None):
        """Row order of ``sort_values(["direction", "year_ready", "station_id", "dev_id"], na_position="last")``
        (``rows``: the assignment row of each row of ``f``)."""
        import numpy as np

        from ..tabular import all_text

        dev = f["dev_id"].to_numpy(dtype=object)
        year = f["year_ready"].to_numpy(dtype=float)
        if not all_text(dev, skipna=False) or np.isnan(year).any():
            return np.asarray(f.sort_values(["direction", "year_ready", "station_id", "dev_id"],
                                            na_position="last").index)
        S = len(self._sid)
        srank = np.empty(S + 1, dtype=np.int64)
        srank[self._sorder] = np.arange(S)
        srank[S] = S  # no station: last
        sc = self._station_ids.get_indexer(f["station_id"].to_numpy(dtype=object))
        if rows is not None and self._lookup.unique:
            # unique ids: their rank among all developments orders them as among these (sorted once per model)
            if self._dev_rank is None:
                ids = self.assignment["dev_id"].to_numpy(dtype=object)
                self._dev_rank = np.empty(len(ids), dtype=np.int64)
                self._dev_rank[np.argsort(ids, kind="stable")] = np.arange(len(ids))
            drank = self._dev_rank[rows]
        else:
            drank = np.empty(len(dev), dtype=np.int64)
            drank[np.argsort(dev, kind="stable")] = np.arange(len(dev))
        direction = (f["direction"].to_numpy(dtype=object) != "afname").astype(np.int64)
        return np.lexsort((drank, srank[np.where(sc < 0, S, sc)], year, direction))

    def _linked_projects(self):
        """dev_id -> 'P1, P2' (sorted) of the links (cached until the links change)."""
        lp = self._frames.get("linked")
        if lp is None:
            import pandas as pd

            lk = self._links.dropna(subset=["project_id", "dev_id"])
            if len(lk):
                acc = {}
                for d, p in zip(lk["dev_id"].tolist(), lk["project_id"].tolist()):
                    acc.setdefault(d, []).append(str(p))
                lp = pd.Series({d: ", ".join(sorted(v)) for d, v in acc.items()}, dtype=object)
            else:
                lp = lk.groupby("dev_id")["project_id"].agg(lambda s: ", ".join(sorted(map(str, s))))
            self._frames["linked"] = lp
        return lp

    def unserved(self, linked=True):
        """Developments that cannot be served in their ready year (afname and teruglevering).

        ``linked=False``: without filling ``linked_projects`` (left None), for a view that does not show it."""
        u = self._unserved_frame()
        if not len(u):
            return u.copy()
        u = u.copy()
        if linked and len(self._links):
            u["linked_projects"] = u["dev_id"].map(self._linked_projects()).values
        return u

    # ---- incremental updates ----------------------------------------------------------------------------------
    _KEY = ("station_id", "knooppunt_id", "ibn_eff", "afname_mw", "teruglevering_mw", "active")

    @classmethod
    def _changed_units(cls, old, new):
        """Stations and knooppunten (as named) of the projects whose balance-relevant columns changed.

        (None, None) when nothing changed.  Same rule as comparing the frames indexed by project_id (first
        row per id, missing = changed, NaN equals NaN).
        """
        import numpy as np
        import pandas as pd

        from ..tabular import same_or_missing

        ia = old["project_id"].to_numpy(dtype=object)
        ib = new["project_id"].to_numpy(dtype=object)
        if len(ia) == len(ib) and bool((ia == ib).all()) and pd.Index(ib).is_unique:
            diff = np.zeros(len(ia), dtype=bool)
            for c in cls._KEY:
                x, y = old[c].to_numpy(), new[c].to_numpy()
                diff |= ~same_or_missing(x, y)
            if not diff.any():
                return None, None
            vals = [old[c].to_numpy(dtype=object)[diff] for c in ("station_id", "knooppunt_id")]
            vals += [new[c].to_numpy(dtype=object)[diff] for c in ("station_id", "knooppunt_id")]
            sids = {v for v in np.concatenate([vals[0], vals[2]]) if pd.notna(v)}
            kids = {v for v in np.concatenate([vals[1], vals[3]]) if pd.notna(v)}
            return sids, kids
        a = cls._project_keys(old)
        b = cls._project_keys(new)
        changed = [p for p in set(a) | set(b) if a.get(p) != b.get(p)]
        if not changed:
            return None, None
        sids, kids = set(), set()
        for p in changed:
            for side in (a.get(p), b.get(p)):
                if side is not None:
                    if side[0] is not None:
                        sids.add(side[0])
                    if side[1] is not None:
                        kids.add(side[1])
        return sids, kids

    @staticmethod
    def _project_keys(frame):
        keys = {}
        cols = [frame[c].tolist() for c in ("station_id", "knooppunt_id", "ibn_eff", "afname_mw",
                                             "teruglevering_mw", "active")]
        for pid, *vals in zip(frame["project_id"].tolist(), *cols):
            if pid is None or pid != pid:
                pid = None
            if pid not in keys:
                keys[pid] = tuple(None if (v is None or v != v) else v for v in vals)
        return keys

    def _update(self, old_projects):
        """Recompute the stations/knooppunten touched by a change of ``self.projects``."""
        import numpy as np

        sids, kids = self._changed_units(old_projects, self.projects)
        old_ld, old_ls = self._LD, self._LS
        old_tr = self._tr_records()
        old_pairs = (self._tr_pairs, self._tr_pair_year)
        old_k, old_s = self._serv_k, self._serv_s
        old_tk, old_ts = self._trp_k, self._trp_s
        self._apply_projects()
        moved = self._moved_stations(old_ld, old_ls)
        # moves in years between the horizon years change the ready-year list (unserved) of both stations
        moved |= set(self._sid[_changed_groups(old_tr, self._tr_records(), len(self._sid))])
        S = max(len(self._sid), 1)
        kps = _changed_groups((old_pairs[0] // S,) + old_pairs, (self._tr_pairs // S, self._tr_pairs,
                                                                  self._tr_pair_year), len(self._kid))
        if sids is None and not moved and not len(kps):
            return set(), set()
        sids = (sids or set()) | moved
        kids = set(kids or set())
        kids |= set(self._kid[kps])
        sids = {s for s in sids if s in self._station_ids}
        scodes = np.sort(self._station_ids.get_indexer(list(sids))) if sids else np.zeros(0, dtype=np.int64)
        self._update_stations(scodes)
        mark = np.zeros(len(self._sid), dtype=bool)
        mark[scodes] = True
        if len(scodes):
            kids |= set(self._kid[old_k[mark[old_s]]]) | set(self._kid[self._serv_k[mark[self._serv_s]]])
            kids |= set(self._kid[old_tk[mark[old_ts]]]) | set(self._kid[self._trp_k[mark[self._trp_s]]])
        kids &= set(self._kp_ids)
        self._update_knooppunten(np.sort(self._kp_ids.get_indexer(list(kids))) if kids else [])
        self._frames = {k: v for k, v in self._frames.items() if k == "linked"}
        return sids, kids

    def _tr_records(self):
        """The link moves as (station code, from year, demand, supply) record columns."""
        st, _, yr, dd, uu = self._tr
        return st, yr, dd, uu

    def _moved_stations(self, old_ld, old_ls):
        """Station ids whose link-moved MW differs from before (``old_ld``/``old_ls`` matrices or None)."""
        import numpy as np

        if old_ld is None and self._LD is None:
            return set()
        z = np.zeros((len(self._sid), len(self._Y)))
        a = (old_ld if old_ld is not None else z, old_ls if old_ls is not None else z)
        b = (self._LD if self._LD is not None else z, self._LS if self._LS is not None else z)
        diff = (np.abs(a[0] - b[0]) > 0).any(axis=1) | (np.abs(a[1] - b[1]) > 0).any(axis=1)
        return set(self._sid[diff])

    def _resolve(self):
        if self._pbase is None:
            self._pbase = _project_base(self._projects_raw, self._station_ids)
        best = _UNSET
        if (~self._pbase["known"]).any() and len(self._links):
            if self._best is _UNSET:
                self._best = _best_station(self._links, self.assignment, self._lookup,
                                           self._link_rows() if self._lookup.unique else None)
            best = self._best
        return resolve_projects(self._projects_raw, self._links, self.assignment, self._station_ids, self.settings,
                                self._lookup, self._pbase, best)

    def _link_rows(self):
        """The assignment row of each link's development (-1: unknown), kept until the links change."""
        if self._lrows is None:
            self._lrows = self._first_row(self._lookup.index, self._links["dev_id"].to_numpy(dtype=object),
                                          self._lookup.unique)
        return self._lrows

    def _reresolve(self, projects_changed=False, links_changed=False):
        old = self.projects
        if links_changed:
            self._frames.pop("linked", None)
            self._best = _UNSET
            self._lrows = None
        if projects_changed:
            self._pbase = None
        self.projects = self._resolve()
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
        return self._reresolve(projects_changed=True)

    def remove_project(self, project_id):
        self._projects_raw = self._projects_raw[self._projects_raw["project_id"] != project_id].reset_index(drop=True)
        self._links = self._links[self._links["project_id"] != project_id].reset_index(drop=True)
        return self._reresolve(projects_changed=True, links_changed=True)

    def replace_projects(self, projects):
        """New project table (e.g. re-read after an edit): recomputes only what changed."""
        import pandas as pd

        raw = pd.DataFrame(projects).copy()
        raw["project_id"] = _str_col(raw["project_id"])
        raw = raw.reset_index(drop=True)
        if self._carry_along(raw):
            return set(), set()
        self._projects_raw = raw
        return self._reresolve(projects_changed=True)

    # project columns the model only carries along: a change of these alone recomputes nothing, as long as
    # whether a project is afgevallen (it then does not count) stays the same
    CARRIED_COLUMNS = ("name", "status")

    def _carry_along(self, raw):
        """A new project table that differs from the current one only in :attr:`CARRIED_COLUMNS` (same
        projects in the same order, none becoming or ceasing to be afgevallen; e.g. kandidaat -> opgenomen):
        those values are written into the model's projects and nothing is recomputed (issue 19: a status edit
        at national size resolved and compared 6,000 projects for nothing).  False when the full path is
        needed."""
        import numpy as np

        from ..tabular import same_or_missing

        old = self._projects_raw
        ids = raw["project_id"].to_numpy(dtype=object)
        if (old is None or list(raw.columns) != list(old.columns) or len(raw) != len(old)
                or len(self.projects) != len(raw) or not (ids == old["project_id"].to_numpy(dtype=object)).all()
                or not (ids == self.projects["project_id"].to_numpy(dtype=object)).all()):
            return False
        changed = [c for c in raw.columns if not same_or_missing(old[c].to_numpy(dtype=object),
                                                                 raw[c].to_numpy(dtype=object)).all()]
        if not set(changed) <= set(self.CARRIED_COLUMNS):
            return False
        if "status" in changed:
            def afgevallen(frame):
                return frame["status"].to_numpy(dtype=object) == "afgevallen"

            if not np.array_equal(afgevallen(old), afgevallen(raw)):
                return False
        self._projects_raw = raw
        for c in changed:  # the same values _project_base and resolve_projects take from the raw table
            if self._pbase is not None:
                self._pbase[c] = raw[c].values
            self.projects[c] = raw[c].values
        return True

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
        return self._reresolve(links_changed=True)

    def remove_link(self, project_id, dev_id):
        lk = self._links
        self._links = lk[~((lk["project_id"] == project_id) & (lk["dev_id"] == dev_id))].reset_index(drop=True)
        return self._reresolve(links_changed=True)

    def replace_links(self, links):
        import pandas as pd

        self._links = pd.DataFrame(links).copy().reset_index(drop=True)
        return self._reresolve(links_changed=True)

    def set_whatif(self, project_id, state):
        """state True (on), False (off) or None (as in the werkbank)."""
        wi = dict(self.settings.whatif)
        if state is None:
            wi.pop(project_id, None)
        else:
            wi[project_id] = bool(state)
        self.settings.whatif = wi
        return self._reresolve()

    def project_station(self, project, links):
        """The station one project gets by the balance rules (its own station, else the one its links serve
        most) with the model's developments and stations: the same :func:`resolve_projects` the model applies,
        for a project row (mapping) and its links (frame with dev_id, share_mw, share_pct) that may be newer
        than the model's - the projects dock's suggestions follow an edit without updating a model."""
        import pandas as pd

        p = pd.DataFrame([{c: project.get(c) for c in PROJECT_COLUMNS}], columns=list(PROJECT_COLUMNS))
        p["project_id"] = _str_col(p["project_id"])
        lk = pd.DataFrame({"project_id": p["project_id"].iloc[0], "dev_id": _str_col(pd.Series(links["dev_id"])),
                           "share_mw": list(links["share_mw"]), "share_pct": list(links["share_pct"])})
        r = resolve_projects(p, lk, self.assignment, self._station_ids, self.settings, self._lookup)
        return r["station_id"].iloc[0]

    def set_years(self, years):
        self.settings.years = parse_years(years)
        self.recompute()

    def _carry_rows(self, wb, ids):
        """Only the project rows ``ids`` changed (their attributes): read just those and carry them along when
        :meth:`_carry_along` allows it (True); False when the whole table has to be read."""
        import pandas as pd

        from ..tabular import same_or_missing

        ids = [str(i) for i in ids]
        rows = wb.read_frame("projects", columns=list(PROJECT_COLUMNS), geometry=False,
                             where="project_id IN ({})".format(", ".join("?" * len(ids))), params=tuple(ids))
        old = self._projects_raw
        if old is None or len(rows) != len(ids) or list(rows.columns) != list(old.columns):
            return False
        at = pd.Index(old["project_id"].to_numpy(dtype=object)).get_indexer(_str_col(rows["project_id"]))
        if (at < 0).any():
            return False
        raw = old.copy()
        for c in self.CARRIED_COLUMNS:
            if raw[c].dtype != object:
                return False
            raw.iloc[at, raw.columns.get_loc(c)] = rows[c].to_numpy(dtype=object)
        # the carried columns only: any other difference of these rows makes _carry_along refuse below
        for c in raw.columns:
            if c not in self.CARRIED_COLUMNS and not same_or_missing(
                    old[c].to_numpy(dtype=object)[at], rows[c].to_numpy(dtype=object)).all():
                return False
        return self._carry_along(raw)

    def reload_table(self, wb, table, ids=None):
        """Follow an edit of ``table`` in the werkbank: re-read that table only and recompute what it changes.
        ``ids``: the only project rows whose attributes changed (Session.changed_rows), read alone when the edit
        changes nothing the balance counts.

        For 'projects' and 'project_links' (:data:`INCREMENTAL_TABLES`); returns the (stations, knooppunten)
        recomputed, which docks can use to update only those rows.  Any other table needs a new model
        (:meth:`from_werkbank`): returns None then and changes nothing.
        """
        if table == "projects":
            if ids and self._carry_rows(wb, ids):
                return set(), set()
            return self.replace_projects(wb.read_frame("projects", columns=list(PROJECT_COLUMNS), geometry=False))
        if table == "project_links":
            links = _load_inputs_links(wb)
            return self.replace_links(links)
        return None

    def links(self):
        """The links with ``mw`` and, when links move demand, what moves where from which year."""
        out = link_mw(self._links, self.assignment)
        t = self._tr_links
        if t is not None and len(t["link_index"]) == len(out):
            for c in ("moved_mw", "moved_demand_mw", "moved_supply_mw", "from_station_id", "to_station_id",
                      "from_year"):
                out[c] = t[c]
        return out


def _changed_groups(a, b, n):
    """The groups (codes 0..n-1, the first array) whose records differ between ``a`` and ``b`` (tuples of equally
    long arrays, each sorted by its first array): a group with another number of records, or with a record that
    differs from the one at the same place in the other.  Every group with a record in only one of the two sets is
    in it (a group whose records only changed order or repeat may be too: it is then recomputed, which changes
    nothing)."""
    import numpy as np

    ka, kb = np.asarray(a[0], dtype=np.int64), np.asarray(b[0], dtype=np.int64)
    count_a, count_b = np.bincount(ka, minlength=n), np.bincount(kb, minlength=n)
    diff = count_a != count_b
    same = ~diff & (count_a > 0)
    sel_a, sel_b = same[ka], same[kb]  # sorted by group and as many per group: these records pair up in order
    bad = np.zeros(int(sel_a.sum()), dtype=bool)
    for x, y in zip(a, b):
        bad |= np.asarray(x)[sel_a] != np.asarray(y)[sel_b]
    diff[ka[sel_a][bad]] = True
    return np.flatnonzero(diff)


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
    links: object = None  # BalanceModel.links(): linked MW and where it moves


def compute_balance(inputs, settings=None, per_development=True):
    """Full computation: a :class:`BalanceResult` of frames (see :class:`BalanceModel`).  ``per_development=False``
    leaves out the two frames with a row per development (assignment, unserved: 240,000 and 36,000 rows at national
    size, 130 MiB) for callers that show stations, knooppunten, projects and links only (the export facts)."""
    m = BalanceModel(inputs, settings)
    if not per_development:
        return BalanceResult(m.station_table(), m.knooppunt_table(), None, None, m.projects, m.links())
    return BalanceResult(m.station_table(), m.knooppunt_table(), m.assignment, m.unserved(), m.projects, m.links())


def balance_from_werkbank(wb, years=None, krap_pct=None, whatif=None, per_development=True, **kwargs):
    return compute_balance(load_inputs(wb), settings_from_werkbank(wb, years, krap_pct, whatif, **kwargs),
                           per_development)
