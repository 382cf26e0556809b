"""One small SVG map per fiche page: the project, its linked developments, its knooppunt, the stations
(coloured by their worst balance status), the capaciteitskaart and the municipal borders around it.

The SVG takes the place of the PNG map of the HTML fiche (same template, ``map_image``).  Drawn from the
werkbank geometries in RD New; pure Python (shapely 2).
"""

from ..context import station_status
from .geo import CAPACITY_FILL, STATUS_COLOURS, SvgMap


class FicheMaps:
    """Reads the geometries once; ``svg(project)`` draws the map of one fiche project (None without extent)."""

    def __init__(self, wb, data, gemeenten_gdf=None):
        import shapely

        self.data = data
        visible = [p["project_id"] for p in data.all_projects]
        pf = wb.read_frame("projects", columns=["project_id"], order_by=None)
        pf = pf[pf["project_id"].isin(set(visible))]
        self.projects = dict(zip(pf["project_id"], pf.geometry.values))
        wanted = sorted({d["dev_id"] for p in data.all_projects for d in p.get("developments") or []})
        self.devs = {}
        if wanted:
            df = wb.read_frame("developments", columns=["dev_id"], order_by=None)
            df = df[df["dev_id"].isin(set(wanted))]
            self.devs = dict(zip(df["dev_id"], df.geometry.values))
        kf = wb.read_frame("knooppunten", columns=["knooppunt_id"], order_by=None)
        self.knooppunten = dict(zip(kf["knooppunt_id"], kf.geometry.values))
        sf = wb.read_frame("stations", columns=["station_id"], order_by=None)
        balance = {}
        for p in data.all_projects:
            if p.get("station_id") and p.get("balance"):
                balance[p["station_id"]] = p["balance"]
        self.stations = list(zip(sf["station_id"], sf.geometry.values))
        self.station_status = {sid: station_status(balance.get(sid)) for sid, _ in self.stations}
        self.station_tree = shapely.STRtree([g for _, g in self.stations]) if self.stations else None
        af = wb.read_frame("capacity_areas", columns=["afname_colour"], order_by=None)
        self.areas = [(c, g) for c, g in zip(af["afname_colour"], af.geometry.values) if CAPACITY_FILL.get(c)]
        self.area_tree = shapely.STRtree([g for _, g in self.areas]) if self.areas else None
        self.gemeenten = list(gemeenten_gdf.geometry.values) if gemeenten_gdf is not None else []
        self.gem_tree = shapely.STRtree(self.gemeenten) if self.gemeenten else None

    def svg(self, p):
        import shapely

        if not p.get("extent"):
            return None
        m = SvgMap(p["extent"])
        box = shapely.box(*m.box)
        if self.area_tree is not None:
            for i in self.area_tree.query(box):
                colour, g = self.areas[i]
                m.add(g, fill=CAPACITY_FILL[colour], stroke="none", opacity=0.35)
        if self.gem_tree is not None:
            for i in self.gem_tree.query(box):
                m.add(self.gemeenten[i].boundary, stroke="#8a96a3", width=0.8)
        if p.get("knooppunt_id") in self.knooppunten:
            m.add(self.knooppunten[p["knooppunt_id"]], stroke="#14365d", width=1.6, dash="6 4")
        for d in p.get("developments") or []:
            g = self.devs.get(d["dev_id"])
            if g is not None:
                if g.geom_type == "Point":
                    m.add(g, fill="#f2b134", stroke="#8a5a00", width=0.8, radius=4)
                else:
                    m.add(g, fill="#f2b134", stroke="#8a5a00", width=0.8)
        if self.station_tree is not None:
            for i in self.station_tree.query(box):
                sid, g = self.stations[i]
                colour = STATUS_COLOURS.get(self.station_status.get(sid) or "", STATUS_COLOURS[""])
                m.add(g, fill=colour, stroke="#ffffff", width=1.5,
                      radius=7 if sid == p.get("station_id") else 5)
        g = self.projects.get(p["project_id"])
        if g is not None:
            if g.geom_type in ("Point", "MultiPoint"):
                m.add(g, fill="#e6007e", stroke="#ffffff", width=1.5, radius=7)
            elif "Polygon" in g.geom_type:
                m.add(g, fill="#e6007e", stroke="#a1005a", width=2, opacity=0.55)
            else:
                m.add(g, stroke="#e6007e", width=3.5)
        return m.svg("Kaart van {}".format(p["name"]))
