"""Geometry for the web atlas: light WGS84 GeoJSON for Leaflet and small SVG maps for the fiches.

Everything is simplified in RD New (metres) first, then reprojected to WGS84
and rounded (5 decimals ~ 1 m for projects, knooppunten and stations; 4
decimals ~ 10 m for capacity areas, municipalities and developments), so a
province with 20,000 developments stays a few hundred kB.  Capacity areas are
dissolved per colour and direction; developments become one point each
(sector and MW only).  Pure Python (shapely 2, geopandas, numpy).
"""

import math
import re

from ...knooppunten.balance import MAP_STATUS_COLOURS

RD = "EPSG:28992"
WGS84 = "EPSG:4326"

_RING = re.compile(r"\(([^()]+)\)")  # the innermost coordinate lists of a WKT: rings and lines
STATUS_COLOURS = MAP_STATUS_COLOURS  # the one palette (knooppunten.balance), '' = unknown
CAPACITY_FILL = {"rood": "#e74c3c", "oranje": "#f39c12", "geel": "#f7dc6f", "transparant": None}


def _round_geoms(geoms, decimals):
    import numpy as np
    import shapely

    return shapely.transform(np.asarray(geoms, dtype=object), lambda c: np.round(c, decimals))


def to_wgs84(gdf, tolerance_m=0.0, decimals=5):
    """A GeoDataFrame (RD) -> list of shapely geometries in WGS84 (simplified, rounded; None stays None)."""
    import numpy as np
    import shapely

    if gdf is None or not len(gdf):
        return []
    geoms = gdf.geometry
    if tolerance_m:
        geoms = geoms.simplify(tolerance_m, preserve_topology=True)
    out = geoms.set_crs(RD, allow_override=True).to_crs(WGS84)
    arr = _round_geoms(out.values, decimals)
    arr = np.where(shapely.is_empty(arr) | shapely.is_missing(arr), None, arr)
    return list(arr)


def geojson_geometry(geom):
    """A shapely geometry -> a GeoJSON geometry dict (None for missing/empty)."""
    import json

    import shapely

    if geom is None or shapely.is_empty(geom):
        return None
    return json.loads(shapely.to_geojson(geom))


def feature_collection(geoms, props):
    feats = []
    for g, p in zip(geoms, props):
        gj = geojson_geometry(g)
        if gj is not None:
            feats.append({"type": "Feature", "properties": p, "geometry": gj})
    return {"type": "FeatureCollection", "features": feats}


def bbox_wgs84(geoms):
    """[[south, west], [north, east]] around WGS84 geometries (None when there are none)."""
    import shapely

    geoms = [g for g in geoms if g is not None]
    if not geoms:
        return None
    b = shapely.total_bounds(geoms)
    if any(math.isnan(v) for v in b):
        return None
    return [[round(b[1], 5), round(b[0], 5)], [round(b[3], 5), round(b[2], 5)]]


def dissolved_areas(gdf, column, tolerance_m=50.0, decimals=4):
    """Capacity areas dissolved per colour of ``column``: FeatureCollection with property ``c`` (colour)."""
    import shapely

    if gdf is None or not len(gdf) or column not in gdf:
        return {"type": "FeatureCollection", "features": []}
    geoms, props = [], []
    for colour in ("rood", "oranje", "geel"):
        part = gdf[gdf[column] == colour]
        if not len(part):
            continue
        merged = shapely.union_all(shapely.make_valid(part.geometry.values))
        import geopandas as gpd

        one = gpd.GeoDataFrame(geometry=[merged], crs=RD)
        geoms += to_wgs84(one, tolerance_m, decimals)
        props.append({"c": colour})
    return feature_collection(geoms, props)


def development_points(gdf, sector_codes, decimals=4):
    """Developments as a flat integer array [lon*10^d, lat*10^d, sector index, MW*10, ...] (one point each)."""
    import numpy as np
    import shapely

    if gdf is None or not len(gdf):
        return []
    pts = shapely.point_on_surface(shapely.make_valid(gdf.geometry.values))
    import geopandas as gpd

    wgs = gpd.GeoSeries(pts, crs=RD).to_crs(WGS84)
    ok = ~(wgs.is_empty | wgs.isna()).to_numpy()
    x = np.round(wgs.x.to_numpy() * 10 ** decimals)
    y = np.round(wgs.y.to_numpy() * 10 ** decimals)
    index = {c: i for i, c in enumerate(sector_codes)}
    sec = np.array([index.get(s, len(sector_codes) - 1) for s in gdf["sector"]], dtype=np.int64)
    demand = gdf["demand_mw"].astype(float).fillna(0).to_numpy()
    supply = gdf["supply_mw"].astype(float).fillna(0).to_numpy()
    mw = np.round(np.maximum(np.abs(demand), np.abs(supply)) * 10)
    keep = ok & ~np.isnan(x) & ~np.isnan(y)
    arr = np.stack([x[keep], y[keep], sec[keep], mw[keep]], axis=1).astype(np.int64)
    return arr.ravel().tolist()


# ---- small SVG maps for the fiche pages ---------------------------------------------------------
def clip_to_box(geoms, box):
    """``shapely.clip_by_rect`` of an array of geometries that does not fail: GEOS's fast rectangle clip throws on
    some rings (a simplified union of thousands of capacity areas: "Invalid number of points in LinearRing found
    3"); such a geometry is made valid and intersected with the box instead, the others keep the fast clip."""
    import numpy as np
    import shapely

    geoms = np.asarray(geoms, dtype=object)
    try:
        return shapely.clip_by_rect(geoms, *box)
    except shapely.errors.GEOSException:
        pass
    out = np.empty(len(geoms), dtype=object)
    rect = shapely.box(*box)
    for i, g in enumerate(geoms):
        try:
            out[i] = shapely.clip_by_rect(g, *box)
        except shapely.errors.GEOSException:
            out[i] = shapely.intersection(shapely.make_valid(g), rect)
    return out


class SvgMap:
    """An SVG picture of an RD extent: ``add(geom, **style)``, then ``svg(title)``."""

    def __init__(self, extent, width=640, height=360, margin=0.12):
        xmin, ymin, xmax, ymax = extent
        w, h = max(xmax - xmin, 200.0), max(ymax - ymin, 200.0)
        cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
        w, h = w * (1 + 2 * margin), h * (1 + 2 * margin)
        if w / h < width / height:  # keep the picture's aspect ratio
            w = h * width / height
        else:
            h = w * height / width
        self.x0, self.y1 = cx - w / 2, cy + h / 2
        self.scale = width / w
        self.width, self.height = width, height
        self.box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
        self.parts = []

    def _to_pixels(self, geoms):
        import numpy as np
        import shapely

        x0, y1, k = self.x0, self.y1, self.scale
        return shapely.transform(geoms, lambda c: np.column_stack([(c[:, 0] - x0) * k, (y1 - c[:, 1]) * k]))

    def add(self, geoms, fill="none", stroke="#333", width=1.0, dash=None, radius=None, opacity=1.0):
        """Draw one geometry or an array of them in one style (clipped, in pixels, simplified to 0.4 px)."""
        import numpy as np
        import shapely

        arr = np.atleast_1d(np.asarray(geoms, dtype=object))
        arr = arr[~(shapely.is_missing(arr) | shapely.is_empty(arr))] if len(arr) else arr
        if not len(arr):
            return
        attrs = 'fill="{}" stroke="{}" stroke-width="{}"'.format(fill, stroke, width)
        if dash:
            attrs += ' stroke-dasharray="{}"'.format(dash)
        if opacity != 1.0:
            attrs += ' opacity="{}"'.format(opacity)
        types = shapely.get_type_id(arr)
        points = arr[(types == 0) | (types == 4)]
        if len(points):
            xy = shapely.get_coordinates(self._to_pixels(points))
            inside = (xy[:, 0] >= 0) & (xy[:, 0] <= self.width) & (xy[:, 1] >= 0) & (xy[:, 1] <= self.height)
            for x, y in xy[inside]:
                self.parts.append('<circle cx="{:.1f}" cy="{:.1f}" r="{}" {}/>'.format(x, y, radius or 5, attrs))
        other = arr[(types != 0) & (types != 4)]
        if not len(other):
            return
        other = shapely.simplify(self._to_pixels(clip_to_box(other, self.box)), 0.4)
        other = other[~shapely.is_empty(other)]
        d = []
        for wkt in shapely.to_wkt(other, rounding_precision=1, trim=True):
            closed = "POLYGON" in wkt
            for ring in _RING.findall(wkt):
                d.append("M" + ring.replace(", ", "L").replace(",", "L") + ("Z" if closed else ""))
        if d:
            self.parts.append('<path d="{}" {} stroke-linejoin="round" fill-rule="evenodd"/>'.format(
                "".join(d), attrs))

    def svg(self, title):
        from xml.sax.saxutils import escape

        return ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
                'role="img"><title>{t}</title><rect width="{w}" height="{h}" fill="#f4f6f8"/>{body}'
                '</svg>\n').format(w=self.width, h=self.height, t=escape(title), body="".join(self.parts))
