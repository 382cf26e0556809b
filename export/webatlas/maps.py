"""One small SVG map per fiche page: the project, its linked developments, its knooppunt, the stations
(coloured by their worst balance status), the capaciteitskaart and the municipal borders around it.

The SVG takes the place of the PNG map of the HTML fiche (same template, ``map_image``).  Drawn from the
werkbank geometries in RD New, vectorised (shapely 2): the capaciteitskaart is merged per colour once, every
layer is clipped to the map and simplified to less than a pixel, so a fiche map stays a few kB even when a
project's context spans the province.  Pure Python.
"""

from ..context import station_statuses
from .geo import CAPACITY_FILL, STATUS_COLOURS, SvgMap

LEVELS = (0, 5, 25, 100)
MAX_OTHER_STATIONS = 150  # a map with more stations in view shows only the project's own station


class FicheMaps:
    """Reads the geometries once; ``svg(project)`` draws the map of one fiche project (None without extent)."""

    def __init__(self, wb, data, gemeenten_gdf=None):
        import numpy as np
        import shapely

        self.data = data
        visible = [p["project_id"] for p in data.all_projects]
        pf = wb.read_frame("projects", columns=["project_id"], order_by=None)
        pf = pf[pf["project_id"].isin(set(visible))]
        self.projects = dict(zip(pf["project_id"], pf.geometry.values))
        wanted = sorted({d["dev_id"] for p in data.all_projects for d in p.get("developments") or []})
        self.devs = {}
        if wanted:  # only the linked ones (a national werkbank holds 240,000)
            df = wb.read_frame_in("developments", "dev_id", wanted, columns=["dev_id"])
            self.devs = dict(zip(df["dev_id"], df.geometry.values))
        kf = wb.read_frame("knooppunten", columns=["knooppunt_id"], order_by=None)
        self.knooppunten = dict(zip(kf["knooppunt_id"], kf.geometry.values))
        sf = wb.read_frame("stations", columns=["station_id"], order_by=None)
        status = station_statuses(data)
        self.station_ids = list(sf["station_id"])
        self.station_geoms = np.asarray(sf.geometry.values, dtype=object)
        self.station_index = {sid: i for i, sid in enumerate(self.station_ids)}
        self.station_colour = np.array([STATUS_COLOURS.get(status.get(sid) or "", STATUS_COLOURS[""])
                                        for sid in self.station_ids], dtype=object)
        self.station_tree = shapely.STRtree(self.station_geoms) if len(self.station_ids) else None
        af = wb.read_frame("capacity_areas", columns=["afname_colour"], order_by=None)
        areas = []  # (fill, merged geometry) per capaciteitskaart colour
        for colour, fill in CAPACITY_FILL.items():
            part = af[af["afname_colour"] == colour] if fill else af.iloc[0:0]
            if len(part):
                areas.append((fill, shapely.union_all(shapely.make_valid(part.geometry.values))))
        gem = [] if gemeenten_gdf is None else list(gemeenten_gdf.geometry.values)
        borders = shapely.boundary(np.asarray(gem, dtype=object)) if gem else np.asarray([], dtype=object)
        self.gem_tree = shapely.STRtree(borders) if len(borders) else None
        # the large layers simplified once per level (metres); a map uses the level below half a pixel.  A merged
        # colour is kept as its parts with a tree: a map clips only the parts in view (clipping and simplifying the
        # whole national union for each of 6,000 fiche maps took 60 s); the parts are disjoint, so the path is the
        # same picture
        self.levels = {}
        for tol in LEVELS:
            layers = []
            for f, g in areas:
                parts = shapely.get_parts(shapely.simplify(g, tol) if tol else g)
                parts = parts[~shapely.is_empty(parts)]
                if len(parts):
                    layers.append((f, parts, shapely.STRtree(parts)))
            self.levels[tol] = (layers, shapely.simplify(borders, tol) if tol and len(borders) else borders)

    def svg(self, p):
        import numpy as np
        import shapely

        if not p.get("extent"):
            return None
        m = SvgMap(p["extent"])
        box = shapely.box(*m.box)
        half_pixel = 0.5 / m.scale
        areas, borders = self.levels[max(t for t in LEVELS if t <= half_pixel)]
        for fill, parts, tree in areas:
            near = np.sort(tree.query(box))
            if len(near):
                m.add(parts[near], fill=fill, stroke="none", opacity=0.35)
        if self.gem_tree is not None:
            m.add(borders[self.gem_tree.query(box)], stroke="#8a96a3", width=0.8)
        if p.get("knooppunt_id") in self.knooppunten:
            m.add(self.knooppunten[p["knooppunt_id"]], stroke="#14365d", width=1.6, dash="6 4")
        devs = [self.devs[d["dev_id"]] for d in p.get("developments") or [] if d["dev_id"] in self.devs]
        m.add(devs, fill="#f2b134", stroke="#8a5a00", width=0.8, radius=4)
        g = self.projects.get(p["project_id"])
        if g is not None:
            if g.geom_type in ("Point", "MultiPoint"):
                m.add(g, fill="#e6007e", stroke="#ffffff", width=1.5, radius=9)
            elif "Polygon" in g.geom_type:
                m.add(g, fill="#e6007e", stroke="#a1005a", width=2, opacity=0.55)
            else:
                m.add(g, stroke="#e6007e", width=3.5)
        if self.station_tree is not None:
            own = self.station_index.get(p.get("station_id"))
            near = [i for i in self.station_tree.query(box) if i != own]
            if len(near) <= MAX_OTHER_STATIONS:
                for colour in set(self.station_colour[near]):
                    idx = [i for i in near if self.station_colour[i] == colour]
                    m.add(self.station_geoms[idx], fill=colour, stroke="#ffffff", width=1.2, radius=4.5)
            if own is not None:
                m.add(self.station_geoms[own], fill=self.station_colour[own], stroke="#ffffff", width=1.5, radius=6)
        return m.svg("Kaart van {}".format(p["name"]))
