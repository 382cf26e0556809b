"""Validation of imported rows: a Dutch report per row and field, and vectorised checks.

A :class:`ValidationReport` collects problems (row number, source id, field,
value, problem, severity).  Severity ``fout`` rejects the row; ``hersteld``
(geometry repaired) and ``waarschuwing`` (value left empty, name filled in)
keep it.  The checks work on whole pandas/geopandas columns (no per-feature
Python loop on the heavy path); only the rows with a problem are turned into
report lines.  Writers: CSV (``;``, UTF-8 with BOM for Excel) and HTML.

Pure Python + pandas/geopandas/shapely (imported inside functions); no QGIS.
"""

import html
import os

FOUT = "fout"
HERSTELD = "hersteld"
WAARSCHUWING = "waarschuwing"

YEAR_MIN, YEAR_MAX = 1990, 2100

RESOURCES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "resources")
PROVINCES_GPKG = os.path.join(RESOURCES, "provinces.gpkg")


class Problem:
    __slots__ = ("row", "source_id", "field", "value", "problem", "severity")

    def __init__(self, row, source_id, field, value, problem, severity=FOUT):
        self.row = row
        self.source_id = source_id
        self.field = field
        self.value = value
        self.problem = problem
        self.severity = severity

    def as_dict(self):
        return {k: getattr(self, k) for k in self.__slots__}

    def message(self, source=None):
        """'ontwikkelingen.gpkg, rij 17 (id W-017), veld 'demand_mw': 'veel' is geen getal'."""
        parts = []
        if source:
            parts.append(str(source))
        if self.row is not None:
            parts.append("rij {}{}".format(self.row, " (id {})".format(self.source_id) if _present(self.source_id) else ""))
        head = ", ".join(parts)
        field = "veld '{}'".format(self.field) if self.field else ""
        text = self.problem
        return ", ".join(p for p in (head, field) if p) + ": " + text if (head or field) else text


def _present(v):
    if v is None:
        return False
    try:
        if v != v:
            return False
    except Exception:  # noqa: BLE001
        pass
    return str(v) != ""


def _fmt(v):
    if not _present(v):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    text = str(v)
    return text if len(text) <= 80 else text[:77] + "..."


class ValidationReport:
    """Problems of one import run, with counts, writers and a Dutch summary."""

    def __init__(self, source="bron", kind_label="", input_rows=0):
        self.source = source
        self.kind_label = kind_label
        self.input_rows = input_rows
        self.problems = []
        self.notes = []  # free Dutch lines for the summary (mapping, kengetallen ...)
        self.imported = 0
        self.counts = {}
        self.sub_reports = []  # e.g. the capacity table of a stations import

    # ---- adding ----------------------------------------------------------------
    def add(self, row, source_id, field, value, problem, severity=FOUT):
        self.problems.append(Problem(row, None if not _present(source_id) else str(source_id), field,
                                     _fmt(value), problem, severity))

    def add_mask(self, frame, mask, field, problem, severity=FOUT, value_col=None, values=None):
        """Add one problem per row where ``mask`` is true. ``problem`` may contain '{value}'."""
        import numpy as np

        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return 0
        idx = np.nonzero(mask)[0]
        rows = frame["_row"].to_numpy()[idx]
        ids = frame["_sid"].to_numpy()[idx] if "_sid" in frame.columns else [None] * len(idx)
        if values is not None:
            vals = np.asarray(values, dtype=object)[idx]
        elif value_col is not None and value_col in frame.columns:
            vals = frame[value_col].to_numpy()[idx]
        else:
            vals = [None] * len(idx)
        for r, sid, v in zip(rows, ids, vals):
            self.add(int(r), sid, field, v, problem.replace("{value}", _fmt(v)), severity)
        return len(idx)

    def note(self, text):
        self.notes.append(text)

    # ---- reading ---------------------------------------------------------------
    def rejected_rows(self):
        return sorted({p.row for p in self.problems if p.severity == FOUT and p.row is not None})

    @property
    def rejected(self):
        return len(self.rejected_rows())

    def errors(self):
        return [p for p in self.problems if p.severity == FOUT]

    def repaired(self):
        return [p for p in self.problems if p.severity == HERSTELD]

    def warnings(self):
        return [p for p in self.problems if p.severity == WAARSCHUWING]

    def sorted_problems(self):
        order = {FOUT: 0, HERSTELD: 1, WAARSCHUWING: 2}
        return sorted(self.problems, key=lambda p: (p.row if p.row is not None else 0, order.get(p.severity, 3)))

    def first_errors(self, n=5):
        return [p.message(self.source) for p in sorted(self.errors(), key=lambda p: p.row or 0)[:n]]

    def summary(self):
        """Short Dutch summary for the message bar / Processing log."""
        parts = ["{}: {} van {} rijen geïmporteerd".format(self.source, self.imported, self.input_rows)]
        if self.counts:
            parts.append("({} nieuw, {} bijgewerkt, {} ongewijzigd)".format(
                self.counts.get("inserted", 0), self.counts.get("updated", 0), self.counts.get("unchanged", 0)))
        text = " ".join(parts)
        extra = []
        if self.rejected:
            extra.append("{} afgekeurd".format(self.rejected))
        if self.repaired():
            extra.append("{} geometrie(ën) hersteld".format(len(self.repaired())))
        if self.warnings():
            extra.append("{} waarschuwing(en)".format(len(self.warnings())))
        if extra:
            text += "; " + ", ".join(extra)
        text += "."
        for sub in self.sub_reports:
            text += " " + sub.summary()
        return text

    def to_frame(self):
        import pandas as pd

        rows = [
            {"rij": p.row, "bron_id": p.source_id, "veld": p.field, "waarde": p.value, "probleem": p.problem,
             "ernst": p.severity}
            for p in self.sorted_problems()
        ]
        return pd.DataFrame(rows, columns=["rij", "bron_id", "veld", "waarde", "probleem", "ernst"])

    # ---- writers ---------------------------------------------------------------
    def write(self, path):
        """Write CSV (``.csv``) or HTML (anything else); returns the path."""
        if str(path).lower().endswith(".csv"):
            return self.write_csv(path)
        return self.write_html(path)

    def write_csv(self, path):
        import csv

        with open(path, "w", newline="", encoding="utf-8-sig") as f:
            w = csv.writer(f, delimiter=";")
            w.writerow(["bron", "rij", "bron_id", "veld", "waarde", "probleem", "ernst"])
            for rep in [self] + self.sub_reports:
                for p in rep.sorted_problems():
                    w.writerow([rep.source, "" if p.row is None else p.row, p.source_id or "", p.field or "",
                                p.value, p.problem, p.severity])
        return path

    def write_html(self, path):
        e = html.escape
        lines = [
            "<!DOCTYPE html>", '<html lang="nl"><head><meta charset="utf-8">',
            "<title>Importrapport {}</title>".format(e(str(self.source))),
            "<style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}"
            "td,th{border:1px solid #bbb;padding:3px 6px;text-align:left;vertical-align:top}"
            "tr.fout td{background:#fde2e1}tr.hersteld td{background:#fff4d6}tr.waarschuwing td{background:#eef4ff}"
            "</style></head><body>",
        ]
        for k, rep in enumerate([self] + self.sub_reports):
            lines += rep._html_section(1 if k == 0 else 2)
        lines.append("</body></html>")
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
        return path

    def _html_section(self, level):
        e = html.escape
        lines = [
            "<h{l}>Importrapport: {s}</h{l}>".format(l=level, s=e(str(self.source))),
            "<p>{}{}</p>".format(e(self.kind_label + ": " if self.kind_label else ""), e(self.summary())),
            "<ul><li>Invoerrijen: {}</li><li>Geïmporteerd: {}</li><li>Afgekeurd: {}</li>"
            "<li>Geometrie hersteld: {}</li><li>Waarschuwingen: {}</li></ul>".format(
                self.input_rows, self.imported, self.rejected, len(self.repaired()), len(self.warnings())),
        ]
        if self.notes:
            lines.append("<ul>" + "".join("<li>{}</li>".format(e(n)) for n in self.notes) + "</ul>")
        if self.problems:
            lines.append("<table><thead><tr><th>Rij</th><th>Bron-id</th><th>Veld</th><th>Waarde</th>"
                         "<th>Probleem</th><th>Ernst</th></tr></thead><tbody>")
            for p in self.sorted_problems():
                lines.append('<tr class="{}"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>'.format(
                    e(p.severity), "" if p.row is None else p.row, e(p.source_id or ""), e(p.field or ""),
                    e(p.value), e(p.problem), e(p.severity)))
            lines.append("</tbody></table>")
        else:
            lines.append("<p>Geen problemen gevonden.</p>")
        return lines


# ---- vectorised checks -------------------------------------------------------------

def _clean_text(series):
    """Strings stripped; '', 'NULL', 'nan' -> None."""
    import pandas as pd

    s = series.astype(object).where(pd.notna(series), None)
    s = s.map(lambda v: v.strip() if isinstance(v, str) else v)  # noqa: E731 - C-level map
    return s.where(~s.isin(["", "NULL", "null", "nan", "NaN", "None"]), None)


def text_column(series):
    """Text values (numbers like 12.0 become '12'); empty -> None."""
    import pandas as pd

    s = _clean_text(series)
    if pd.api.types.is_float_dtype(series.dtype):
        num = pd.to_numeric(series, errors="coerce")
        whole = num.notna() & (num % 1 == 0)
        out = s.astype(object)
        out[whole] = num[whole].astype("int64").astype(str)
        out[num.notna() & ~whole] = num[num.notna() & ~whole].astype(str)
        return out.where(num.notna(), None)
    if pd.api.types.is_integer_dtype(series.dtype):
        return series.astype(str).astype(object)
    return s.map(lambda v: None if v is None else str(v))


def parse_numbers(series):
    """(float Series, bad mask): accepts numbers, '1,5', '1.234,5', ' 12 '; bad = present but not a number."""
    import numpy as np
    import pandas as pd

    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        vals = series.astype(float)
        return vals, np.zeros(len(series), dtype=bool)
    s = _clean_text(series)
    present = s.notna().to_numpy()
    txt = s.astype(str)
    both = txt.str.contains(",", regex=False) & txt.str.contains(".", regex=False)
    txt = txt.where(~both, txt.str.replace(".", "", regex=False))
    txt = txt.str.replace(",", ".", regex=False).str.replace(" ", "", regex=False)
    vals = pd.to_numeric(txt.where(present, None), errors="coerce").astype(float)
    bad = present & vals.isna().to_numpy()
    return vals, bad


# Plausibility limits: larger values are almost always a unit error (kW or W instead of MW).
MAX_MW = 10000.0  # one development, station limit or queue; the whole Dutch peak load is ~20 GW
MAX_KV = 1000.0


def check_number(report, frame, col, field, nonneg=True, integer=False, year=False, maximum=None, unit=""):
    """Parse ``frame[col]``; reject non-numbers, negatives, years out of range and implausibly large values
    (above ``maximum``). Returns the float Series."""
    import numpy as np

    vals, bad = parse_numbers(frame[col])
    report.add_mask(frame, bad, field, "'{value}' is geen getal", value_col=col)
    v = vals.to_numpy()
    ok = ~np.isnan(v)
    if year:
        out = ok & ((v < YEAR_MIN) | (v > YEAR_MAX) | (v % 1 != 0))
        report.add_mask(frame, out, field, "jaar {{value}} ligt buiten {}–{}".format(YEAR_MIN, YEAR_MAX),
                        values=v)
    elif nonneg:
        report.add_mask(frame, ok & (v < 0), field, "{value} is negatief", values=v)
    if integer and not year:
        report.add_mask(frame, ok & (v % 1 != 0), field, "{value} is geen geheel getal", values=v)
    if maximum is not None:
        limit = "{:,.0f}".format(maximum).replace(",", ".")
        report.add_mask(frame, ok & (v > maximum), field,
                        "{{value}} is onwaarschijnlijk groot (meer dan {} {}); controleer de eenheid "
                        "(kW of W in plaats van MW?)".format(limit, unit).replace(" ;", ";"), values=v)
    vals[bad] = np.nan
    return vals


def check_required(report, frame, values, field, what=None):
    """Reject rows where ``values`` (a Series) is empty."""
    import pandas as pd

    mask = pd.isna(values).to_numpy()
    report.add_mask(frame, mask, field, "{} ontbreekt (verplicht)".format(what or "waarde"))
    return mask


def check_duplicates(report, frame, ids, field):
    """Reject every row whose id occurs more than once in the source."""
    import numpy as np
    import pandas as pd

    present = pd.notna(ids).to_numpy()
    dup = ids.duplicated(keep=False).to_numpy() & present
    if dup.any():
        rows_per_id = frame.loc[dup, "_row"].groupby(ids[dup].to_numpy()).agg(lambda r: ", ".join(map(str, r)))
        for i in np.nonzero(dup)[0]:
            v = ids.iat[i]
            report.add(int(frame["_row"].iat[i]), v, field, v,
                       "id '{}' komt meer dan eens voor (rijen {})".format(v, rows_per_id[v]))
    return dup


# ---- geometry ---------------------------------------------------------------------

def to_rd(gdf, source="bron"):
    """Reproject to EPSG:28992; a layer without CRS is assumed to be RD when its coordinates fit RD."""
    from ..werkbank.schema import SRID

    if gdf.crs is None:
        b = gdf.total_bounds if len(gdf) else None
        if b is not None and len(gdf) and (b[0] >= -7000 and b[2] <= 300000 and b[1] >= 289000 and b[3] <= 629000):
            return gdf.set_crs(SRID, allow_override=True), "geen CRS opgegeven; aangenomen EPSG:28992 (RD New)"
        if b is not None and len(gdf) and (b[0] >= -180 and b[2] <= 180 and b[1] >= -90 and b[3] <= 90):
            return gdf.set_crs(4326).to_crs(SRID), "geen CRS opgegeven; aangenomen WGS84 (EPSG:4326)"
        raise ValueError("{}: de laag heeft geen coördinatenstelsel (CRS); stel het in en probeer opnieuw.".format(source))
    if gdf.crs.to_epsg() == SRID:
        return gdf, None
    return gdf.to_crs(SRID), "geprojecteerd van {} naar EPSG:28992".format(gdf.crs.to_string())


POLY, POINT, LINE = "polygon", "point", "line"


def prepare_geometries(report, gdf, allowed=(POLY,), to_point=False):
    """Check/repair geometries of a GeoDataFrame in RD (vectorised).

    Rejects null/empty geometries and disallowed types; repairs invalid polygons
    with ``shapely.make_valid`` when safe (polygonal result, area within 1 %
    of the original's absolute shoelace area or of its buffer(0)), otherwise
    rejects.  Polygons become MultiPolygons, MultiPoints with one point become
    Points; with ``to_point`` polygons become their representative point
    (reported as a warning).  Returns a geometry array (None where rejected).
    """
    import numpy as np
    import shapely

    geoms = np.asarray(gdf.geometry.array, dtype=object) if len(gdf) else np.array([], dtype=object)
    out = geoms.copy()
    missing = shapely.is_missing(geoms)
    report.add_mask(gdf, missing, "geometrie", "geen geometrie (leeg/NULL)")
    empty = ~missing & shapely.is_empty(np.where(missing, None, geoms))
    report.add_mask(gdf, empty, "geometrie", "lege geometrie")
    ok = ~missing & ~empty
    tid = np.full(len(geoms), -1)
    tid[ok] = shapely.get_type_id(geoms[ok])
    # 0 Point, 1 LineString, 2 LinearRing, 3 Polygon, 4 MultiPoint, 5 MultiLineString, 6 MultiPolygon, 7 Collection
    is_poly = np.isin(tid, (3, 6))
    is_point = np.isin(tid, (0, 4))
    is_line = np.isin(tid, (1, 2, 5))
    is_coll = tid == 7
    if is_coll.any():
        # a collection: keep it when it holds polygons only (after extraction), else reject
        for i in np.nonzero(is_coll)[0]:
            parts = shapely.get_parts(geoms[i])
            pt = shapely.get_type_id(parts)
            if len(parts) and np.isin(pt, (3, 6)).all():
                out[i] = shapely.union_all(parts)
                is_poly[i] = True
            elif len(parts) and np.isin(pt, (0, 4)).all():
                out[i] = shapely.union_all(parts)
                is_point[i] = True
    allowed_mask = np.zeros(len(geoms), dtype=bool)
    if POLY in allowed or to_point:
        allowed_mask |= is_poly
    if POINT in allowed:
        allowed_mask |= is_point
    if LINE in allowed:
        allowed_mask |= is_line
    names = {POLY: "vlakken", POINT: "punten", LINE: "lijnen"}
    wrong = ok & ~allowed_mask
    report.add_mask(gdf, wrong, "geometrie",
                    "geometrietype {{value}} past niet; verwacht: {}".format(" of ".join(names[a] for a in allowed)),
                    values=_type_names(tid))
    keep = ok & allowed_mask
    # repair
    invalid = keep & ~shapely.is_valid(np.where(keep, out, None))
    if invalid.any():
        idx = np.nonzero(invalid)[0]
        reasons = shapely.is_valid_reason(out[idx])
        fixed = shapely.make_valid(out[idx])
        fixed_poly = np.array([_polygonal(g) for g in fixed], dtype=object)
        area_new = shapely.area(fixed_poly)
        buf_area = shapely.area(shapely.buffer(out[idx], 0))
        old_abs = np.abs(np.array([_signed_area_sum(g) for g in out[idx]]))
        ref = np.maximum(buf_area, old_abs)
        close = (area_new > 0) & (
            (np.abs(area_new - buf_area) <= 0.01 * np.maximum(area_new, 1e-9))
            | (np.abs(area_new - old_abs) <= 0.01 * np.maximum(area_new, 1e-9))
        )
        for k, i in enumerate(idx):
            if is_poly[i] and close[k]:
                out[i] = fixed_poly[k]
                report.add(int(gdf["_row"].iat[i]), _sid(gdf, i), "geometrie", reasons[k],
                           "ongeldige geometrie hersteld met make_valid ({}; oppervlak {:.0f} → {:.0f} m²)".format(
                               reasons[k], ref[k], area_new[k]), HERSTELD)
            else:
                report.add(int(gdf["_row"].iat[i]), _sid(gdf, i), "geometrie", reasons[k],
                           "ongeldige geometrie, niet veilig te herstellen ({})".format(reasons[k]))
                keep[i] = False
                out[i] = None
    # normalise types
    polys = keep & is_poly
    if polys.any():
        single = polys & (shapely.get_type_id(np.where(polys, out, None)) == 3)
        if single.any():
            out[single] = shapely.multipolygons(shapely.get_parts(out[single]), indices=np.arange(single.sum()))
        if to_point:
            out[polys] = shapely.point_on_surface(out[polys])
            report.add_mask(gdf, polys, "geometrie", "vlak omgezet naar punt (punt op het oppervlak)", WAARSCHUWING)
    pts = keep & is_point
    if pts.any():
        multi = pts & (tid == 4)
        if multi.any():
            n = shapely.get_num_geometries(out[multi])
            idx = np.nonzero(multi)[0]
            one = n == 1
            out[idx[one]] = shapely.get_geometry(out[idx[one]], 0)
            if (~one).any():
                out[idx[~one]] = shapely.centroid(out[idx[~one]])
                report.add_mask(gdf, np.isin(np.arange(len(out)), idx[~one]), "geometrie",
                                "multipunt vervangen door het zwaartepunt", WAARSCHUWING)
    out[~keep] = None
    return out


def _type_names(tid):
    import numpy as np

    names = {0: "Point", 1: "LineString", 2: "LinearRing", 3: "Polygon", 4: "MultiPoint", 5: "MultiLineString",
             6: "MultiPolygon", 7: "GeometryCollection"}
    return np.array([names.get(int(t), "?") for t in tid], dtype=object)


def _sid(frame, i):
    return frame["_sid"].iat[i] if "_sid" in frame.columns else None


def _polygonal(g):
    import shapely

    if g is None or g.is_empty:
        return None
    t = shapely.get_type_id(g)
    if t in (3, 6):
        return g
    if t == 7:
        parts = [p for p in shapely.get_parts(g) if shapely.get_type_id(p) in (3, 6)]
        if parts:
            return shapely.union_all(parts)
    return None


def _signed_area_sum(g):
    """Absolute shoelace area of all rings (shells minus holes), also meaningful for a self-intersecting ring."""
    import numpy as np
    import shapely

    total = 0.0
    for poly in shapely.get_parts(g):
        if shapely.get_type_id(poly) != 3:
            continue
        rings = [shapely.get_exterior_ring(poly)] + list(shapely.get_interior_ring(poly, range(shapely.get_num_interior_rings(poly))))
        for k, r in enumerate(rings):
            xy = shapely.get_coordinates(r)
            a = 0.5 * abs(np.dot(xy[:-1, 0], xy[1:, 1]) - np.dot(xy[1:, 0], xy[:-1, 1]))
            total += a if k == 0 else -a
    return total


# ---- province -----------------------------------------------------------------------

def province_geometry(code_or_name):
    """The (generalised) CBS province polygon in RD for a code (PV26) or name; None when unknown."""
    from ..werkbank.provinces import province_code

    code = province_code(code_or_name)
    if code is None or not os.path.exists(PROVINCES_GPKG):
        return None
    import pyogrio

    df = pyogrio.read_dataframe(PROVINCES_GPKG, where="statcode = '{}'".format(code))
    if not len(df):
        return None
    return df.geometry.iloc[0]


def check_in_province(report, frame, geoms, province_geom, province_name, mode="point"):
    """Reject features outside the province. ``mode``: 'point' (representative point within) or 'intersects'."""
    import numpy as np
    import shapely

    if province_geom is None:
        return np.zeros(len(geoms), dtype=bool)
    present = ~shapely.is_missing(geoms)
    outside = np.zeros(len(geoms), dtype=bool)
    if present.any():
        g = geoms[present]
        shapely.prepare(province_geom)
        if mode == "intersects":
            inside = shapely.intersects(province_geom, g)
        else:
            pts = shapely.point_on_surface(g)
            inside = shapely.covers(province_geom, pts)
        outside[present] = ~inside
    report.add_mask(frame, outside, "geometrie", "ligt buiten de provincie {}".format(province_name))
    return outside
