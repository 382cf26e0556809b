"""The layer kinds of the one import runner: capacity map areas, stations (+ capacity per year), developments.

``check_capacity_areas``, ``check_stations`` and ``check_developments`` are the validate hooks named on their
specs (``ingest.specs``): they take an open :class:`~werkbank.Werkbank` and a (Geo)DataFrame (from
``layers.qgis_io.layer_to_frame`` or :func:`read_vector`), validate it column-wise (see ``layers.validation``:
geometry, CRS, province membership with TOLERANCE, SOURCE_PREFIX, recodes, assumed values) and hand the runner
(``ingest.runner``) the accepted rows, the report and the source ids.  The runner writes them in one transaction
with ``write_frame(mode="upsert")`` keyed on the source id (a re-import updates instead of duplicating), reports
REMOVED and deletes only with SYNC; cancel writes nothing.  Rejected rows are reported per row and field;
``imported + rejected == input rows``.  With ``strict=True`` any rejected row aborts the run (nothing written).
Fatal problems (unreadable file, unknown field, werkbank refuses the data) raise :class:`ImportFailed` with a
Dutch message; the werkbank is then unchanged.  ``import_capacity_map`` & co. are the runner called on a frame.

Pure Python (pandas/geopandas/shapely inside functions); no QGIS.
"""

import re

from ..werkbank import enums as E
from . import mapping as M
from . import validation as V
from ..ingest.columns import PROVINCE_COLUMN
from ..ingest.dates import date_problem, parse_date
from ..ingest.errors import ImportCancelled, ImportFailed  # noqa: F401 - re-exported
from ..ingest.runner import Checked


# ---- reading files ---------------------------------------------------------------------

from ..ingest.reader import read_source, read_table, read_vector, source_name  # noqa: E402,F401 - the one reader


def _short(e):
    text = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return text[:300]


# ---- shared steps ------------------------------------------------------------------

HOOK_OPTIONS = ("tolerance", "source_prefix", "crs", "recode")


def _options(opts):
    """The pipeline options a layer hook takes (TOLERANCE, SOURCE_PREFIX, CRS, RECODE); the runner takes the rest
    (feedback, SYNC, versions, user ...)."""
    unknown = set(opts) - set(HOOK_OPTIONS)
    if unknown:
        raise TypeError("unknown import option(s): {}".format(", ".join(sorted(unknown))))
    out = dict.fromkeys(HOOK_OPTIONS)
    out.update(opts)
    return out


def prefixed(ids, prefix):
    """Namespace source ids with SOURCE_PREFIX: 'gem' + '1' -> 'gem-1' (a prefix ending in -:_/. is used as is)."""
    if not prefix:
        return ids
    p = str(prefix).strip()
    if p and p[-1] not in "-:_/.":
        p += "-"
    return ids.map(lambda v: None if v is None else p + str(v))


def _prepare(frame, kind, mapping, source, auto=True, opts=None):
    import pandas as pd

    opts = opts or {}
    if frame is None:
        raise ImportFailed("{}: geen gegevens.".format(source))
    # the rows as read, numbered from 0, without copying them: the checks add columns (their own) and change no
    # value in place (_geometry blanks geometries on a copy)
    df = frame.copy(deep=False)
    df.index = pd.RangeIndex(len(df))
    if "_row" not in df.columns:
        df.insert(0, "_row", range(1, len(df) + 1))
    if "_fid" not in df.columns:
        df.insert(1, "_fid", range(len(df)))
    try:
        resolved = M.resolve_mapping(kind, list(df.columns), mapping, source=source, auto=auto)
    except M.MappingError as e:
        raise ImportFailed(str(e)) from e
    report = V.ValidationReport(source, M.KIND_LABELS[kind], len(df))
    report.note("Veldkoppeling: " + M.describe_mapping(kind, resolved))
    if "id" not in resolved:
        if M.target(kind, "id").required:
            df["_sid"] = pd.Series(df["_fid"]).astype(str).astype(object)
            # a warning, not a note: a fid is no stable id (a re-sorted sheet or a rewritten file points the same
            # fid at another plan, and a later import updates the wrong row)
            report.add(None, None, None, None, "Geen id-veld opgegeven of herkend: de feature-id (fid) van de bron "
                       "is als id gebruikt. Die blijft niet vast als de bron opnieuw wordt gesorteerd of "
                       "geschreven; kies een id-kolom met FIELD_ID.", V.WAARSCHUWING)
    else:
        df["_sid"] = V.check_id_column(report, df, resolved["id"])
    _unreadable(report, df, frame)
    if opts.get("source_prefix") and "_sid" in df.columns:
        df["_raw_sid"] = df["_sid"]
        df["_sid"] = prefixed(df["_sid"], opts["source_prefix"])
        report.note("Bron-id's voorzien van het voorvoegsel '{}' (SOURCE_PREFIX).".format(opts["source_prefix"]))
    return df, resolved, report


def _unreadable(report, df, frame):
    """Cells the reader could not read (formula without result, merged cell): the row is rejected, so the
    stored value is never overwritten with nothing."""
    for note in getattr(frame, "attrs", {}).get("notes", []):
        report.note(note)
    bad = getattr(frame, "attrs", {}).get("unreadable") or []
    if not bad:
        return
    sid = dict(zip(df["_row"].to_numpy().tolist(), df["_sid"].tolist())) if "_sid" in df.columns else {}
    for row, col, reason in bad:
        if row in sid or "_sid" not in df.columns:
            report.add(int(row), sid.get(row), col, "", "cel niet leesbaar: " + reason)


def _col(df, resolved, name):
    return resolved.get(name)


def _text(df, resolved, name):
    col = resolved.get(name)
    return V.text_column(df[col]) if col else None


def _numbers(report, df, resolved, name, field, **kw):
    col = resolved.get(name)
    if not col:
        return None
    return V.check_number(report, df, col, field, **kw)


_RECODE_ENUMS = {"phase": E.DEVELOPMENT_PHASES, "sector": E.SECTORS, "colour": E.CAPACITY_COLOURS,
                 "carrier": E.ENERGY_CARRIERS}


def _recoder(opts):
    """The shipped recode tables plus the user's RECODE table (its codes checked against the enumerations)."""
    from ..ingest.recodes import Recoder, RecodeError

    def validate(target, code):
        enum = _RECODE_ENUMS.get(target)
        if enum is not None and code not in enum:
            return "'{}' is geen geldige code (kies uit: {})".format(code, ", ".join(enum))
        return None

    try:
        return Recoder(opts.get("recode") or None, validate=validate)
    except RecodeError as e:
        raise ImportFailed(str(e)) from e


def _uniq_codes(report, raw, field, target, fn, recoder, factorized=None):
    """{source value: code (None empty, False unknown)} through the recode tables first, then ``fn``;
    every recode used is recorded on the report.  ``factorized``: ``pd.factorize(raw)`` when the caller has it
    (its values and counts, no second pass over the rows)."""
    import numpy as np
    import pandas as pd

    values = pd.unique(raw.dropna()) if factorized is None else factorized[1]
    counts = None
    uniq = {}
    for k, v in enumerate(values):
        hit = recoder.lookup(target, v) if recoder is not None else None
        if hit is not None:
            uniq[v] = hit[0]
            if factorized is None:
                n = int((raw == v).sum())
            else:
                if counts is None:
                    pos = factorized[0]
                    counts = np.bincount(pos[pos >= 0], minlength=len(values))
                n = int(counts[k])
            report.recodes.append((field, str(v), hit[0], hit[2], n))
        else:
            uniq[v] = fn(v)
    return uniq


def _codes(report, raw, field, target, fn, recoder):
    """(code per row, unknown mask) of the text column ``raw`` (:func:`_uniq_codes`): None for an empty value, False
    for an unknown one; the rows are hashed once and each distinct value looked up once."""
    import numpy as np
    import pandas as pd

    pos, values = pd.factorize(raw)  # -1 for an empty value: the extra last slot (None, not unknown)
    uniq = _uniq_codes(report, raw, field, target, fn, recoder, factorized=(pos, values))
    codes = np.fromiter((uniq.get(v) for v in values), dtype=object, count=len(values))
    codes = np.append(codes, np.array([None], dtype=object))
    unknown = np.fromiter((c is False for c in codes), dtype=bool, count=len(codes))
    return pd.Series(codes[pos], index=raw.index, name=raw.name, dtype=object), unknown[pos]


def _coded(report, df, resolved, name, field, fn, enum, recoder=None, target=None):
    """Map a text column through the recode tables and ``fn``; unknown values -> warning + empty."""
    col = resolved.get(name)
    if not col:
        return None
    raw = V.text_column(df[col])
    mapped, unknown = _codes(report, raw, field, target or name, fn, recoder)
    report.add_mask(df, unknown, field, "onbekende waarde '{{value}}' (kies uit: {}; of geef een eigen "
                    "hercodeertabel RECODE); veld leeg gelaten".format(", ".join(enum)), V.WAARSCHUWING,
                    value_col=col)
    return mapped.where(~unknown, None).astype(object)


def _points_from_xy(report, df, opts):
    """A table (no geometry) with x- and y-columns (``ingest.columns.XY_COLUMNS``) as a GeoDataFrame of points in
    RD New (or the CRS given); a row whose x or y is no number has no geometry and an error naming row and field.
    None without both columns."""
    import geopandas as gpd
    import numpy as np
    import shapely

    from ..ingest.columns import XY_COLUMNS, recognise

    cols = recognise([c for c in df.columns if not str(c).startswith("_")], XY_COLUMNS)
    if "x" not in cols or "y" not in cols:
        return None
    x, bad_x = V.parse_numbers(df[cols["x"]])
    y, bad_y = V.parse_numbers(df[cols["y"]])
    report.add_mask(df, bad_x, cols["x"], "x '{value}' is geen getal", value_col=cols["x"])
    report.add_mask(df, bad_y & ~bad_x, cols["y"], "y '{value}' is geen getal", value_col=cols["y"])
    xv, yv = x.to_numpy(dtype=float), y.to_numpy(dtype=float)
    ok = ~(np.isnan(xv) | np.isnan(yv))
    geoms = np.full(len(df), None, dtype=object)
    geoms[ok] = shapely.points(xv[ok], yv[ok])
    report.note("Geometrie uit de kolommen {} en {} (punten, {}).".format(
        cols["x"], cols["y"], opts.get("crs") or "RD New, EPSG:28992"))
    return gpd.GeoDataFrame(df.copy(), geometry=gpd.GeoSeries(geoms, index=df.index),
                            crs=opts.get("crs") or "EPSG:28992")


def _geometry(report, df, allowed, to_point=False, opts=None):
    import geopandas as gpd
    import numpy as np

    opts = opts or {}
    if len(df) == 0:
        raise ImportFailed("{}: de laag is leeg (0 objecten); er is niets geïmporteerd en de werkbank is niet "
                           "gewijzigd.".format(report.source))
    if not isinstance(df, gpd.GeoDataFrame) or df.geometry is None:
        df = _points_from_xy(report, df, opts)  # a table with x/y columns, as the projectenlijst reads it
    if df is None:
        raise ImportFailed("{}: de bron heeft geen geometrie; kies een punt- of vlakkenlaag, of een tabel met x- en "
                           "y-kolommen (RD New, EPSG:28992).".format(report.source))
    # coordinates are checked before any reprojection or geometry operation sees them
    present, bounds = V.coordinate_bounds(df)
    bad = V.check_coordinates(report, df, stage="bron", bounds=(present, bounds))
    if bad.any():
        df = df.copy()
        df.loc[bad, df.geometry.name] = None
    try:
        gdf, note = V.to_rd(df, report.source, crs=opts.get("crs"))
    except ValueError as e:
        raise ImportFailed(str(e)) from e
    except Exception as e:  # noqa: BLE001
        raise ImportFailed("{}: herprojecteren naar EPSG:28992 mislukt ({}).".format(report.source, _short(e))) from e
    if note:
        report.note(note)
    # not reprojected: the same geometries less the rejected ones, so their bounds are known
    known = (present & ~bad, bounds[~bad[present]]) if gdf is df else None
    bad_rd = V.check_coordinates(report, gdf, stage="rd", bounds=known) & ~bad
    if bad_rd.any():
        gdf = gdf.copy()
        gdf.loc[bad_rd, gdf.geometry.name] = None
    before = len(report.problems)
    geoms = V.prepare_geometries(report, gdf, allowed=allowed, to_point=to_point)
    # a geometry rejected for its coordinates is not also "leeg/NULL"
    rejected_rows = set(gdf["_row"].to_numpy()[bad | bad_rd])
    if rejected_rows:
        report.problems[before:] = [p for p in report.problems[before:]
                                    if not (p.row in rejected_rows and p.problem.startswith("geen geometrie"))]
    return np.asarray(geoms, dtype=object)


def _province(wb, report, df, geoms, mode, check, opts=None, municipalities=None):
    """The one province-membership rule (``validation.check_in_province``) for every layer."""
    if not check:
        return
    opts = opts or {}
    prog = wb.programme()
    code = prog.get("province_code") or prog.get("province")
    geom = V.province_geometry(code)
    if geom is None:
        report.note("Provincie '{}' onbekend: niet gecontroleerd of objecten in de provincie liggen.".format(
            prog.get("province")))
        return
    provinces = None
    for c in df.columns:
        if M.norm(c) in PROVINCE_COLUMN:
            provinces = V.text_column(df[c]).to_numpy()
            break
    tol = opts.get("tolerance")
    tol = V.DEFAULT_TOLERANCE_M if tol is None else float(tol)
    V.check_in_province(report, df, geoms, geom, prog.get("province"), tolerance=tol, province_code=code,
                        municipalities=municipalities, provinces=provinces)
    report.note("Provinciegrens: object hoort bij {} als het (punt op het oppervlak) binnen {:.0f} m van de grens "
                "ligt of verder dan dat de provincie in reikt (TOLERANCE).".format(prog.get("province"), tol))


def _unify_station_ids(report, df, field, existing):
    """The same station under another id spelling ('356', 'osm-356', 'OSM 356') is the stored station (or the
    first spelling in the source), never a second one; ``existing``: the stored station ids, sorted.  Returns the
    mask of respelled rows: they are the stored station, whatever source stored it (no "bestaat al uit bron"
    rejection)."""
    import numpy as np
    import pandas as pd

    from ..ingest.ids import unify

    given = df["_sid"].tolist()
    mapped, changed = unify(given, existing)
    mask = np.array([v is not None and v in changed for v in given], dtype=bool)
    if changed:
        report.add_mask(df, mask, field, "station-id '{value}' herkend als station '" + "{used}'; zo opgeslagen",
                        V.WAARSCHUWING, values=np.asarray(given, dtype=object))
        for p in report.problems:
            if "{used}" in p.problem:
                p.problem = p.problem.replace("{used}", str(changed.get(p.value, p.value)))
        df["_sid"] = pd.Series(mapped, index=df.index, dtype=object)
    return mask


def _conflicts_with_other_source(wb, report, df, table, key, source, exempt=None, stored=None):
    """Reject ids that already exist in the werkbank from another source (no silent overwrite); ``exempt``: rows
    recognised as a stored object on purpose; ``stored``: the table's rows (``key``, source) when the caller read
    them already."""
    import numpy as np

    if stored is None:
        stored = wb.query('SELECT "{k}", source FROM "{t}" WHERE source IS NOT NULL AND source <> ?'.format(
            k=key, t=table), (source,))
    other = {r[key]: r["source"] for r in stored if r["source"] is not None and r["source"] != source}
    if not other:
        return
    mask = df["_sid"].map(lambda v: v in other).to_numpy(dtype=bool)
    if exempt is not None:
        mask &= ~np.asarray(exempt, dtype=bool)
    for i in np.nonzero(mask)[0]:
        sid = df["_sid"].iat[i]
        report.add(int(df["_row"].iat[i]), sid, key, sid,
                   "id '{}' bestaat al in de werkbank uit bron '{}'; gebruik dezelfde bronnaam of een ander id".format(
                       sid, other[sid]))


def _accepted(report, df, out):
    """The rows of ``out`` (one per row of ``df``) that no error rejected, numbered from 0; when no row is rejected
    (the usual import) ``out`` itself: copying every column would give the same frame."""
    import numpy as np
    import pandas as pd

    rejected = set(report.rejected_rows())
    if not rejected and out.index.equals(pd.RangeIndex(len(out))):
        return out
    keep = ~df["_row"].isin(rejected).to_numpy() if rejected else np.ones(len(df), dtype=bool)
    return out[keep].reset_index(drop=True)


def _whole(values):
    """A float Series as ``values.map(lambda v: None if v != v else int(v)).astype(object)`` gives it: Python ints;
    with a missing value among others floats (pandas reads ints beside None as float64) and NaN; all missing: None.
    Without a Python call per row where the numbers are exact (below 2**53)."""
    import numpy as np
    import pandas as pd

    v = values.to_numpy(dtype=float)
    missing = np.isnan(v)
    if len(v) and not missing.all() and (np.abs(v[~missing]) < 2 ** 53).all():
        if missing.any():
            return pd.Series(np.trunc(v) + 0.0, index=values.index, name=values.name).astype(object)  # -0.0 -> 0.0
        return pd.Series(v.astype(np.int64), index=values.index, name=values.name).astype(object)
    return values.map(lambda x: None if x != x else int(x)).astype(object)


def _peildatum(wb, peildatum, source):
    if peildatum:
        try:
            return parse_date(peildatum)
        except ValueError:
            raise ImportFailed("{}: PEILDATUM {}.".format(source, date_problem(peildatum))) from None
    return wb.programme().get("peildatum")


# ---- capacity map ----------------------------------------------------------------------

def check_capacity_areas(wb, frame, source, mapping=None, peildatum=None, check_province=True, **opts):
    """Spec 'capacity_areas': capaciteitskaart polygons -> ``capacity_areas`` (upsert on area_id)."""
    import pandas as pd

    opts = _options(opts)
    df, resolved, report = _prepare(frame, "capacity_areas", mapping, source, opts=opts)
    pdat = _peildatum(wb, peildatum, source)
    recoder = _recoder(opts)
    idf = resolved.get("id", "fid")
    V.check_required(report, df, df["_sid"], idf, "id")
    V.check_duplicates(report, df, df["_sid"], idf)
    out = pd.DataFrame({"area_id": df["_sid"], "source_id": df.get("_raw_sid", df["_sid"])})
    for name, col in (("name", "name"), ("station", "station_id"), ("operator", "netbeheerder")):
        vals = _text(df, resolved, name)
        if vals is not None:
            out[col] = vals
    for name in ("afname_colour", "invoeding_colour"):
        c = resolved.get(name)
        if not c:
            continue
        raw = df[c]
        uniq = _uniq_codes(report, raw, c, "colour", M.colour_code, recoder)
        codes = raw.map(uniq)
        present = ~V.blank(raw)
        unknown = present & codes.isna().to_numpy()
        report.add_mask(df, unknown, c, "onbekende kleur/status '{value}' (verwacht 0–3 of transparant/geel/oranje/rood);"
                        " veld leeg gelaten", V.WAARSCHUWING, value_col=c)
        out[name] = codes.astype(object)
    for name, kw in (("afname_available_mw", {"nonneg": False}), ("invoeding_available_mw", {"nonneg": False}),
                     ("afname_queue_mw", {}), ("invoeding_queue_mw", {}),
                     ("afname_alleviation_year", {"year": True}), ("invoeding_alleviation_year", {"year": True})):
        vals = _numbers(report, df, resolved, name, resolved.get(name), **kw)
        if vals is not None:
            out[name] = vals.astype(object).where(vals.notna(), None)
            if kw.get("year"):
                out[name] = out[name].map(lambda v: None if v is None else int(v))
    if not any(k in resolved for k in ("afname_colour", "invoeding_colour", "afname_available_mw",
                                       "invoeding_available_mw")):
        report.note("Let op: geen kleur- of capaciteitsveld herkend; alleen de gebieden zelf worden ingelezen.")
    geoms = _geometry(report, df, (V.POLY,), opts=opts)
    _province(wb, report, df, geoms, "intersects", check_province, opts)
    _conflicts_with_other_source(wb, report, df, "capacity_areas", "area_id", source)
    out["peildatum"] = pdat
    out["source"] = source
    out["geom"] = geoms
    out = _accepted(report, df, out)
    return Checked(out, report, source_ids=df["_sid"], mapping=resolved)


# ---- stations ------------------------------------------------------------------------------

_WIDE_RE = re.compile(r"^(afname|teruglevering|invoeding|opwek|demand|supply)?_?(?:mw)?_?((?:19|20|21)\d\d)_?"
                      r"(afname|teruglevering|invoeding|opwek|demand|supply)?_?(?:mw)?$")
_DIRECTION = {"afname": "afname_mw", "demand": "afname_mw", "teruglevering": "teruglevering_mw",
              "invoeding": "teruglevering_mw", "opwek": "teruglevering_mw", "supply": "teruglevering_mw"}


def check_stations(wb, frame, source, mapping=None, capacity_table=None, capacity_mapping=None, peildatum=None,
                   check_province=True, capacity_source=None, **opts):
    """Spec 'stations': station points -> ``stations``; an optional capacity table (long or wide) ->
    ``station_capacity``, written in the same transaction (its rows checked in a sub-report)."""
    import pandas as pd

    opts = _options(opts)
    df, resolved, report = _prepare(frame, "stations", mapping, source, opts=opts)
    pdat = _peildatum(wb, peildatum, source)
    idf = resolved.get("id", "fid")
    # the stored stations, read once: id spellings, other sources' ids, the capacity table's stations
    stored = wb.query("SELECT station_id, source, source_id FROM stations ORDER BY station_id")
    respelled = _unify_station_ids(report, df, idf, [r["station_id"] for r in stored])
    V.check_required(report, df, df["_sid"], idf, "id")
    V.check_duplicates(report, df, df["_sid"], idf)
    out = pd.DataFrame({"station_id": df["_sid"], "source_id": df.get("_raw_sid", df["_sid"])})
    names = _text(df, resolved, "name")
    if names is None:
        names = pd.Series([None] * len(df), dtype=object)
    noname = names.isna().to_numpy() & df["_sid"].notna().to_numpy()
    report.add_mask(df, noname, resolved.get("name", "naam"), "naam ontbreekt; 'Station <id>' ingevuld",
                    V.WAARSCHUWING)
    names = names.where(~noname, "Station " + df["_sid"].astype(str))
    out["name"] = names
    op = _text(df, resolved, "operator")
    if op is not None:
        out["netbeheerder"] = op
    kv = _numbers(report, df, resolved, "voltage_kv", resolved.get("voltage_kv"), maximum=V.MAX_KV, unit="kV")
    if kv is not None:
        out["voltage_kv"] = kv.astype(object).where(kv.notna(), None)
    level = None
    if resolved.get("voltage_level"):
        level = _coded(report, df, resolved, "voltage_level", resolved["voltage_level"], M.voltage_level_code,
                       ("EHS", "HS", "TS", "MS"))
    if kv is not None:
        derived = kv.map(M.voltage_level_from_kv)
        level = derived if level is None else level.where(level.notna(), derived)
    if level is not None:
        out["voltage_level"] = level.astype(object).where(pd.notna(level), None)
    geoms = _geometry(report, df, (V.POINT,), to_point=True, opts=opts)
    _province(wb, report, df, geoms, "point", check_province, opts)
    _conflicts_with_other_source(wb, report, df, "stations", "station_id", source, exempt=respelled, stored=stored)
    out["source"] = source
    out["peildatum"] = pdat
    out["geom"] = geoms
    out = _accepted(report, df, out)

    checked = Checked(out, report, source_ids=df["_sid"], mapping=resolved)
    if capacity_table is not None:
        known = set(out["station_id"]) | {r["station_id"] for r in stored}
        cap_source = capacity_source or (source_name(capacity_table)[0] if isinstance(capacity_table, str)
                                         else "capaciteitstabel")
        table_df = read_table(capacity_table) if isinstance(capacity_table, str) else capacity_table
        # the table names this source's stations by their own ids: with SOURCE_PREFIX 'S1' is the stored 'tn-S1'
        # (this import's stations and those stored earlier from the same source)
        own = {a: b for a, b in [(r["source_id"], r["station_id"]) for r in stored if r["source"] == source] +
               list(zip(out["source_id"], out["station_id"])) if a is not None and a != b}
        cap, sub = _capacity_rows(table_df, capacity_mapping, cap_source, known, pdat, source, own)
        report.sub_reports.append(sub)
        checked.extra.update(capacity=sub, capacity_frame=cap)

        def also(wb):
            nonlocal cap
            if len(cap):
                # runs after SYNC deleted the stations gone from the source: their rows in the table are rejected
                there = {r["station_id"] for r in wb.query("SELECT station_id FROM stations")}
                gone = ~cap["station_id"].isin(there).to_numpy()
                for row, sid in cap.loc[gone, ["_row", "station_id"]].itertuples(index=False, name=None):
                    sub.add(int(row), sid, "station", sid, "station '{}' komt niet meer in de stationslaag voor en is "
                            "met SYNC verwijderd; rij niet ingelezen".format(sid))
                sub.imported -= len(set(cap.loc[gone, "_row"]))
                cap = cap[~gone]
            counts = _upsert_capacity(wb, cap) if len(cap) else {"inserted": 0, "updated": 0, "unchanged": 0}
            sub.counts = checked.extra["capacity_counts"] = counts
            return counts

        checked.also = also
    return checked


def _unused_capacity_columns(sub, df, used):
    """A column of the capacity table read into no field (a hidden 'Intern', a year the pattern does not know) is
    said, as every import says it (Zeeland trial F7: it was left out without a word)."""
    from ..ingest.runner import unused_columns_note

    unused = [str(c) for c in df.columns if not str(c).startswith("_") and c not in used and str(c).strip()]
    if unused:
        sub.add(None, None, None, None, unused_columns_note(M.KIND_LABELS["station_capacity"].lower(), unused),
                V.WAARSCHUWING)


def _capacity_rows(table_df, capacity_mapping, cap_source, known, pdat, default_source, own=None):
    """Long or wide capacity table -> long frame (station_id, year, afname_mw, teruglevering_mw, source, peildatum).
    ``own``: {source id: station id} of the stations imported with the table (SOURCE_PREFIX)."""
    import numpy as np
    import pandas as pd

    df = table_df.reset_index(drop=True)
    if "_row" not in df.columns:
        df.insert(0, "_row", range(2, len(df) + 2))
    try:
        resolved = M.resolve_mapping("station_capacity", list(df.columns), capacity_mapping, source=cap_source)
    except M.MappingError as e:
        raise ImportFailed(str(e)) from e
    sub = V.ValidationReport(cap_source, M.KIND_LABELS["station_capacity"], len(df))
    if "station" not in resolved:
        raise ImportFailed("{}: geen kolom met het station-id gevonden (verwacht bijv. 'station' of 'station_id'). "
                           "Kolommen: {}.".format(cap_source, ", ".join(c for c in df.columns if c != "_row")))
    df["_sid"] = V.text_column(df[resolved["station"]])
    if own:
        df["_sid"] = df["_sid"].map(lambda v: own.get(v, v))
    from ..ingest.ids import unify

    df["_sid"] = pd.Series(unify(df["_sid"].tolist(), sorted(k for k in known if k is not None))[0],
                           index=df.index, dtype=object)
    V.check_required(sub, df, df["_sid"], resolved["station"], "station-id")
    unknown = df["_sid"].notna().to_numpy() & ~df["_sid"].isin(known).to_numpy()
    sub.add_mask(df, unknown, resolved["station"], "onbekend station '{value}' (niet in de stationslaag of de werkbank)",
                 value_col=resolved["station"])
    src = V.text_column(df[resolved["source"]]) if "source" in resolved else None
    pd_col = V.text_column(df[resolved["peildatum"]]) if "peildatum" in resolved else None
    if pd_col is not None:  # one parse per distinct spelling; an unparseable or impossible date rejects its row
        iso = {}
        for v in pd_col.dropna().unique():
            try:
                iso[v] = parse_date(v)
            except ValueError:
                iso[v] = None
        bad = pd_col.notna().to_numpy() & pd_col.map(iso).isna().to_numpy()
        for i in np.nonzero(bad)[0]:
            sub.add(int(df["_row"].iat[i]), df["_sid"].iat[i], resolved["peildatum"], pd_col.iat[i],
                    date_problem(pd_col.iat[i]))
        pd_col = pd_col.map(iso).astype(object)
    base = pd.DataFrame({"_row": df["_row"], "station_id": df["_sid"],
                         "source": src if src is not None else cap_source,
                         "peildatum": pd_col if pd_col is not None else pdat})
    if src is not None:
        base["source"] = base["source"].where(base["source"].notna(), cap_source)
    if pd_col is not None:
        base["peildatum"] = base["peildatum"].where(base["peildatum"].notna(), pdat)
    if "year" in resolved and ("afname_mw" in resolved or "teruglevering_mw" in resolved):
        sub.note("Tabel in lang formaat: " + M.describe_mapping("station_capacity", resolved))
        _unused_capacity_columns(sub, df, set(resolved.values()))
        year = V.check_number(sub, df, resolved["year"], resolved["year"], year=True)
        V.check_required(sub, df, year, resolved["year"], "jaar")
        long = base.copy()
        long["year"] = year
        for name in ("afname_mw", "teruglevering_mw"):
            long[name] = (V.check_number(sub, df, resolved[name], resolved[name], maximum=V.MAX_MW, unit="MW")
                          if name in resolved else np.nan)
    else:
        wide = []
        for c in df.columns:
            if c.startswith("_"):
                continue
            m = _WIDE_RE.match(re.sub(r"[^a-z0-9]+", "_", str(c).lower()).strip("_"))
            if m:
                direction = _DIRECTION.get(m.group(1) or m.group(3) or "afname")
                wide.append((c, int(m.group(2)), direction))
        if not wide:
            raise ImportFailed(
                "{}: capaciteitstabel niet herkend. Verwacht lang formaat (kolommen station, jaar, afname, "
                "teruglevering) of breed formaat (station plus kolommen per jaar, bijv. 'afname_2030', "
                "'teruglevering_2030' of '2030'). Kolommen: {}.".format(
                    cap_source, ", ".join(c for c in df.columns if not c.startswith("_"))))
        sub.note("Tabel in breed formaat: " + ", ".join("{} → {} {}".format(c, d, y) for c, y, d in wide))
        _unused_capacity_columns(sub, df, set(resolved.values()) | {c for c, _, _ in wide})
        parts = {}
        for c, y, d in wide:
            vals = V.check_number(sub, df, c, c, maximum=V.MAX_MW, unit="MW")
            key = y
            part = parts.setdefault(key, base.assign(year=float(y), afname_mw=np.nan, teruglevering_mw=np.nan))
            part[d] = vals.to_numpy()
        long = pd.concat(list(parts.values()), ignore_index=True)
        # an empty cell in a wide table means "no value for that year"
        long = long[long[["afname_mw", "teruglevering_mw"]].notna().any(axis=1)].copy()
    # duplicates (station, year): the first row is kept, the later ones rejected naming it
    key_ok = long["station_id"].notna() & long["year"].notna()
    dup = long.duplicated(["station_id", "year"], keep="first") & key_ok
    first = {}
    for i in np.nonzero((key_ok & ~dup).to_numpy())[0]:
        first.setdefault((long["station_id"].iat[i], long["year"].iat[i]), int(long["_row"].iat[i]))
    for i in np.nonzero(dup.to_numpy())[0]:
        sid, yr = long["station_id"].iat[i], long["year"].iat[i]
        sub.add(int(long["_row"].iat[i]), sid, "jaar", yr, "station '{}' heeft jaar {} ook in rij {} (die rij is "
                "behouden)".format(sid, int(yr), first.get((sid, yr), "?")))
    rejected = set(sub.rejected_rows())
    long = long[~long["_row"].isin(rejected) & key_ok].copy()
    long["year"] = long["year"].astype(int)
    for c in ("afname_mw", "teruglevering_mw"):
        long[c] = long[c].astype(object).where(long[c].notna(), None)
    sub.imported = len(df) - len(rejected)
    sub.note("{} waarde(n) (station × jaar) gelezen.".format(len(long)))
    return long.reset_index(drop=True), sub  # _row kept: a row can still be rejected inside the write (SYNC)


def _upsert_capacity(wb, cap):
    """Upsert station_capacity on (station_id, year): insert new, update changed, leave identical rows; an absent
    or empty value never blanks a stored one."""
    from ..werkbank.storage import _same

    cols = ["station_id", "year", "afname_mw", "teruglevering_mw", "source", "peildatum"]
    counts = {"inserted": 0, "updated": 0, "unchanged": 0}
    with wb.transaction() as tx:
        existing = {(r["station_id"], int(r["year"])): r for r in tx.query(
            "SELECT station_id, year, afname_mw, teruglevering_mw, source, peildatum FROM station_capacity")}
        ins, upd = [], []
        for rec in cap[cols].itertuples(index=False, name=None):
            rec = [None if (v is None or (isinstance(v, float) and v != v)) else v for v in rec]
            rec[1] = int(rec[1])
            old = existing.get((rec[0], rec[1]))
            if old is not None:
                # a direction the table does not carry (a wide table with only afname_2030, an empty cell)
                # leaves the stored value alone
                rec[2] = rec[2] if rec[2] is not None else old["afname_mw"]
                rec[3] = rec[3] if rec[3] is not None else old["teruglevering_mw"]
            if old is None:
                ins.append(rec)
            elif all(_same(a, old[c]) for a, c in zip(rec, cols)):
                counts["unchanged"] += 1
            else:
                upd.append(rec[2:] + rec[:2])
        # no single key (station, year): plain SQL, recorded by the audit triggers as by the werkbank's user
        with wb.sql_by(tx):
            if ins:
                tx.executemany("INSERT INTO station_capacity (station_id, year, afname_mw, teruglevering_mw, source, "
                               "peildatum) VALUES (?,?,?,?,?,?)", ins)
            if upd:
                tx.executemany("UPDATE station_capacity SET afname_mw = ?, teruglevering_mw = ?, source = ?, "
                               "peildatum = ? WHERE station_id = ? AND year = ?", upd)
        counts["inserted"], counts["updated"] = len(ins), len(upd)
        wb._after_write(tx, "station_capacity")
    return counts


# ---- developments ----------------------------------------------------------------------

def check_developments(wb, frame, source, mapping=None, sector=None, unit_type=None, check_province=True, **opts):
    """Spec 'developments': points/polygons -> ``developments``; MW derived from kengetallen where not given.

    ``sector``: fixed sector code/label for rows without one (or when no sector field).
    ``unit_type``: kengetal_id or unit (e.g. 'woning', 'ha') for the quantity field when the
    source has no unit field; otherwise the sector's first kengetal is used.
    """
    import numpy as np
    import pandas as pd

    opts = _options(opts)
    df, resolved, report = _prepare(frame, "developments", mapping, source, opts=opts)
    fixed = None
    if sector not in (None, ""):
        fixed = M.sector_code(sector)
        if not fixed:
            raise ImportFailed("Onbekende sector '{}' (SECTOR). Kies uit: {}.".format(sector, ", ".join(E.SECTORS)))
    recoder = _recoder(opts)
    idf = resolved.get("id", "fid")
    V.check_required(report, df, df["_sid"], idf, "id")
    V.check_duplicates(report, df, df["_sid"], idf)
    out = pd.DataFrame({"dev_id": df["_sid"], "source_id": df.get("_raw_sid", df["_sid"])})
    # sector
    if "sector" in resolved:
        sc = resolved["sector"]
        raw = V.text_column(df[sc])
        sectors, bad = _codes(report, raw, sc, "sector", M.sector_code, recoder)
        report.add_mask(df, bad, sc, "onbekende sector '{{value}}' (kies uit: {})".format(", ".join(E.SECTORS)),
                        value_col=sc)
        sectors = sectors.where(~bad, None)
        if fixed:
            defaulted = sectors.isna().to_numpy() & ~bad
            report.add_mask(df, defaulted, sc, "sector ontbreekt; vaste sector '{}' (SECTOR) ingevuld".format(fixed),
                            V.WAARSCHUWING, assumed="sector")
            report.assumed["sector"] = int(defaulted.sum())
            sectors = sectors.where(sectors.notna() | bad, fixed)
        missing = sectors.isna().to_numpy() & ~bad
        report.add_mask(df, missing, sc, "sector ontbreekt (verplicht; of geef een vaste sector SECTOR op)")
    elif fixed:
        sectors = pd.Series([fixed] * len(df), dtype=object)
    else:
        raise ImportFailed("{}: geen sectorveld opgegeven of herkend (FIELD_SECTOR) en geen vaste sector (SECTOR). "
                           "Velden: {}.".format(source, ", ".join(c for c in df.columns if not str(c).startswith("_")
                                                                  and c != "geometry")))
    out["sector"] = sectors.astype(object)
    for name, col in (("name", "name"), ("municipality", "municipality"), ("station", "station_id")):
        vals = _text(df, resolved, name)
        if vals is not None:
            out[col] = vals
    year = _numbers(report, df, resolved, "year", resolved.get("year"), year=True)
    no_year = (year.isna().to_numpy() if year is not None else np.ones(len(df), dtype=bool))
    no_year &= ~df["_row"].isin(report.rejected_rows()).to_numpy()
    report.add_mask(df, no_year, resolved.get("year") or "jaar_gereed",
                    "jaar gereed ontbreekt; de balans neemt het eerste horizonjaar aan (aangenomen jaar)",
                    V.WAARSCHUWING, assumed="year")
    report.assumed["year"] = int(no_year.sum())
    if year is not None:
        out["year_ready"] = _whole(year)
    ph = _coded(report, df, resolved, "phase", resolved.get("phase"), M.phase_code, E.DEVELOPMENT_PHASES,
                recoder)
    if ph is not None:
        out["phase"] = ph
    ca = _coded(report, df, resolved, "carrier", resolved.get("carrier"), M.carrier_code, E.ENERGY_CARRIERS,
                recoder)
    if ca is not None:
        out["energy_carrier"] = ca
    nan = pd.Series(np.nan, index=df.index)
    demand = _numbers(report, df, resolved, "demand_mw", resolved.get("demand_mw"), maximum=V.MAX_MW, unit="MW")
    supply = _numbers(report, df, resolved, "supply_mw", resolved.get("supply_mw"), maximum=V.MAX_MW, unit="MW")
    units = _numbers(report, df, resolved, "units", resolved.get("units"))
    demand = nan.copy() if demand is None else demand
    supply = nan.copy() if supply is None else supply
    units_v = nan.copy() if units is None else units
    # kengetallen for rows without MW
    has_mw = demand.notna() | supply.notna()
    need = ~has_mw & units_v.notna()
    ken = wb.read_frame("kengetallen", geometry=False)
    unit_col = _text(df, resolved, "unit_type")
    if unit_col is None and unit_type not in (None, ""):
        unit_col = pd.Series([str(unit_type)] * len(df), dtype=object)
    kid = pd.Series(np.full(len(df), None, dtype=object))
    if need.any():
        by_id = {r.kengetal_id: r for r in ken.itertuples()}
        by_sector_unit = {}
        first_of_sector = {}
        for r in ken.itertuples():
            by_sector_unit.setdefault((r.sector, M.norm(r.unit)), r)
            first_of_sector.setdefault(r.sector, r)
        pairs = pd.DataFrame({"s": out["sector"], "u": unit_col if unit_col is not None else None})[need.to_numpy()]
        choice = {}
        for s, u in set(map(tuple, pairs.astype(object).where(pairs.notna(), None).to_numpy().tolist())):
            r = None
            if u is not None:
                r = by_id.get(u) if by_id.get(u) is not None and (by_id[u].sector == s) else None
                r = r or by_sector_unit.get((s, M.norm(u)))
            elif s is not None:
                r = first_of_sector.get(s)
            choice[(s, u)] = r
        keys = list(zip(out["sector"], unit_col if unit_col is not None else [None] * len(df)))
        chosen = [choice.get(k) if need.iat[i] else None for i, k in enumerate(keys)]
        no_ken = np.array([bool(need.iat[i]) and out["sector"].iat[i] is not None and chosen[i] is None
                           for i in range(len(df))])
        ucol = resolved.get("unit_type") or "UNIT_TYPE"
        report.add_mask(df, no_ken, ucol, "geen kengetal voor sector '{}' en eenheid '{}' in de werkbank".format(
            "{sector}", "{value}"), values=[(u if u is not None else "") for _, u in keys])
        # fill in sector names in the message (few rows)
        for p in report.problems:
            if "{sector}" in p.problem:
                i = int(np.nonzero(df["_row"].to_numpy() == p.row)[0][0])
                p.problem = p.problem.replace("{sector}", str(out["sector"].iat[i]))
        d_rate = np.array([c.demand_mw_per_unit if c is not None else np.nan for c in chosen], dtype=float)
        s_rate = np.array([c.supply_mw_per_unit if c is not None else np.nan for c in chosen], dtype=float)
        derived = need.to_numpy() & ~np.isnan(d_rate)
        demand = demand.where(~derived, units_v * d_rate)
        supply = supply.where(~derived, units_v * s_rate)
        kid = pd.Series([c.kengetal_id if (c is not None and derived[i]) else None for i, c in enumerate(chosen)],
                        dtype=object)
        unit_name = pd.Series([c.unit if (c is not None and derived[i]) else None for i, c in enumerate(chosen)],
                              dtype=object)
        used = pd.Series(kid[derived]).value_counts()
        for k, n in used.items():
            r = by_id[k]
            report.note("MW afgeleid met kengetal '{}' ({}; {} MW vraag en {} MW aanbod per {}) voor {} rij(en).".format(
                k, r.description, r.demand_mw_per_unit, r.supply_mw_per_unit, r.unit, n))
        ken_rows = derived & ~(demand.isna() & supply.isna()).to_numpy()
        report.add_mask(df, ken_rows, resolved.get("units") or "hoeveelheid",
                        "MW afgeleid met kengetal '{value}' (geen MW in de bron)", V.WAARSCHUWING,
                        values=kid.to_numpy(), assumed="kengetal")
        report.assumed["kengetal"] = int(ken_rows.sum())
        # a derived MW obeys the same plausibility limit as a given one
        from ..formatting import fmt_num

        for what, vals in (("vraag", demand), ("aanbod", supply)):
            big = derived & (vals.to_numpy(dtype=float) > V.MAX_MW)
            report.add_mask(df, big, resolved.get("units") or "hoeveelheid",
                            "met het kengetal afgeleide {} {{value}} MW is onwaarschijnlijk groot (meer dan {} "
                            "MW); controleer de hoeveelheid".format(what, fmt_num(V.MAX_MW, 0)), values=vals.to_numpy())
    else:
        unit_name = pd.Series(np.full(len(df), None, dtype=object))
    neither = (~has_mw & units_v.isna()).to_numpy()
    for name in ("demand_mw", "supply_mw", "units"):  # a value given but not a number is already named as such
        if resolved.get(name):
            neither &= V.blank(df[resolved[name]])
    report.add_mask(df, neither, resolved.get("demand_mw") or "demand_mw",
                    "geen vraag/aanbod (MW) en geen hoeveelheid (FIELD_UNITS) om MW met een kengetal af te leiden")
    out["demand_mw"] = demand.astype(object).where(demand.notna(), None)
    out["supply_mw"] = supply.astype(object).where(supply.notna(), None)
    out["kengetal_id"] = kid
    if units is not None:
        out["units"] = units_v.astype(object).where(units_v.notna(), None)
        if unit_col is not None:
            out["unit"] = unit_name.where(unit_name.notna(), unit_col)
        else:
            out["unit"] = unit_name
    geoms = _geometry(report, df, (V.POLY, V.POINT), opts=opts)
    _province(wb, report, df, geoms, "point", check_province, opts,
              municipalities=out["municipality"].to_numpy() if "municipality" in out.columns else None)
    if "municipality" in out.columns:  # 'Goess', 'Antwerpen': a warning, with the closest CBS name
        V.check_municipality_names(report, df, out["municipality"].to_numpy(), resolved.get("municipality"))
    _conflicts_with_other_source(wb, report, df, "developments", "dev_id", source)
    out["source"] = source
    out["geom"] = geoms
    out = _accepted(report, df, out)
    return Checked(out, report, source_ids=df["_sid"], mapping=resolved)


# ---- the runner on a frame --------------------------------------------------------------

def run_frame(wb, kind, frame, source, report_path=None, strict=False, dry_run=False, feedback=None, sync=False,
              source_wins=False, user=None, versions=None, **params):
    """The one import runner (``ingest.runner.run``) on a frame already read; ``params`` go to the kind's hook.
    Returns the runner's :class:`~ingest.runner.Outcome`."""
    from ..ingest.runner import run

    return run(wb, kind, lambda: (frame, source), feedback=feedback, source_wins=source_wins, versions=versions,
               user=user, dry_run=dry_run, strict=strict, sync=sync, report_path=report_path, **params)


def import_capacity_map(wb, frame, mapping=None, source_name=None, **kw):
    """Capaciteitskaart -> ``capacity_areas`` through the runner (:func:`check_capacity_areas`)."""
    return run_frame(wb, "capacity_areas", frame, source_name or "capaciteitskaart", mapping=mapping, **kw)


def import_stations(wb, frame, mapping=None, source_name=None, **kw):
    """Stations (+ CAPACITY_TABLE) -> ``stations``/``station_capacity`` through the runner (:func:`check_stations`)."""
    return run_frame(wb, "stations", frame, source_name or "stations", mapping=mapping, **kw)


def import_developments(wb, frame, mapping=None, source_name=None, **kw):
    """Ontwikkelingen -> ``developments`` through the runner (:func:`check_developments`)."""
    return run_frame(wb, "developments", frame, source_name or "ontwikkelingen", mapping=mapping, **kw)

