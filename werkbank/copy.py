"""Copy a programme between werkbanks: GeoPackage <-> PostGIS (and gpkg->gpkg, pg->pg).

Every table is copied row by row with its ``fid``, ``row_version``,
``modified``/``modified_by`` and the whole ``audit_log``, and the source's
``schema_version`` history, so the copy is the same programme - not a
re-import.  The copy is built aside (a temporary file, or a temporary
PostgreSQL schema) and only moved into place when complete and verified
(:func:`content_digest` of source and copy are equal); a failure never leaves a
half copy and never touches an existing target unless ``overwrite``.

The only change a copy may make: a Polygon in a MultiPolygon table becomes a
one-part MultiPolygon in PostGIS (the column type demands it; same shape).
"""

import hashlib
import os
import uuid

from .schema import FID, GEOM, TABLES
from .storage import GeopackageWerkbank, Werkbank, WerkbankError, is_postgres_target, open_werkbank


def _open_source(src):
    if isinstance(src, Werkbank):
        return src, False
    return open_werkbank(src, readonly=True, migrate=False), True


def _columns(wb, table):
    if wb.backend == "postgis":
        rows = wb.query(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ?"
            " ORDER BY ordinal_position", (wb.schema, table))
        return [r["column_name"] for r in rows]
    return [r["name"] for r in wb.query('PRAGMA table_info("{}")'.format(table))]


def _read_table(wb, table):
    """All rows of ``table`` (columns as stored, fid first) and geometries (shapely) or None."""
    t = TABLES[table]
    cols = [c for c in _columns(wb, table) if c != GEOM]
    select = ['"{}"'.format(c) for c in cols]
    if t.spatial:
        select.append("{} AS {}".format(wb._geom_select('"%s"' % GEOM), GEOM))
    rows = wb.query('SELECT {} FROM "{}" ORDER BY "{}"'.format(", ".join(select), table, FID))
    geoms = None
    if t.spatial:
        geoms = wb._decode_geoms([r.pop(GEOM) for r in rows]).tolist() if rows else []
    return cols, rows, geoms


def _multi(table, geoms):
    """Polygons -> MultiPolygons for a MULTIPOLYGON table (what PostGIS stores)."""
    if TABLES[table].geometry_type != "MULTIPOLYGON":
        return geoms
    import shapely

    return [shapely.MultiPolygon([g]) if g is not None and g.geom_type == "Polygon" and not g.is_empty else g
            for g in geoms]


def content_digest(wb, tables=None, columns=None):
    """``{table: sha256}`` over every row (fid order, all columns, geometry as WKB).

    Backend-neutral: equal digests mean the same programme content, whether the
    werkbank is a GeoPackage or a PostGIS schema.  ``columns`` (``{table: names}``)
    limits a table to those columns (a source at an older schema version).
    """
    import shapely

    out = {}
    for table in tables or sorted(t for t in wb._existing_tables() if t in TABLES):
        h = hashlib.sha256()
        cols, rows, geoms = _read_table(wb, table)
        cols = sorted(c for c in cols if (c in TABLES[table].column_names or c == FID)
                      and (columns is None or table not in columns or c in columns[table]))
        h.update(repr(cols).encode())
        for i, r in enumerate(rows):
            vals = []
            for c in cols:
                v = r.get(c)
                ctype = TABLES[table].column(c).type if c != FID else "INTEGER"
                if isinstance(v, float) and ctype == "INTEGER" and v.is_integer():
                    v = int(v)
                elif isinstance(v, int) and not isinstance(v, bool) and ctype in ("REAL", "DOUBLE", "FLOAT"):
                    v = float(v)  # SQLite hands back 3 for a REAL 3.0; PostgreSQL 3.0
                vals.append(repr(float(v)) if isinstance(v, float) else repr(v))
            h.update("|".join(vals).encode())
            if geoms is not None:
                g = _multi(table, [geoms[i]])[0]
                h.update(b"-" if g is None else shapely.to_wkb(g, byte_order=1, flavor="iso"))
        out[table] = h.hexdigest()
    return out


def _copy_into(src, dst, feedback=None):
    counts = {}
    existing_src = set(src._existing_tables())
    with dst.transaction() as tx:
        api = dst._audit_by_api(tx)  # a copy is not an edit: the audit_log is copied, not written by triggers
        for table in TABLES:  # creation order: referenced tables first
            if table not in existing_src:
                continue
            t = TABLES[table]
            cols, rows, geoms = _read_table(src, table)
            dst_cols = set(_columns(dst, table))
            cols = [c for c in cols if c in dst_cols]
            names = list(cols)
            marks = ["?"] * len(cols)
            if t.spatial:
                names.append(GEOM)
                marks.append(dst._geom_param(t))
                blobs = dst._encode_geoms(geoms, t)
            sql = 'INSERT INTO "{}" ({}) VALUES ({})'.format(
                table, ", ".join('"%s"' % c for c in names), ", ".join(marks))
            data = []
            for i, r in enumerate(rows):
                rec = [r[c] for c in cols]
                if t.spatial:
                    rec.append(blobs[i])
                data.append(rec)
            if data:
                tx.executemany(sql, data)
            counts[table] = len(data)
            if feedback is not None:
                feedback("{}: {} rijen".format(table, len(data)))
        # The programme's own schema history, not the date of the copy.
        hist = src.query("SELECT version, applied, description FROM schema_version ORDER BY version")
        top = max([h["version"] for h in hist] or [0])
        tx.execute("DELETE FROM schema_version WHERE version <= ?", (top,))
        tx.executemany("INSERT INTO schema_version (version, applied, description) VALUES (?,?,?)",
                       [(h["version"], h["applied"], h["description"]) for h in hist])
        if dst.backend == "postgis":
            dst.reset_sequences(tx)
        dst._audit_by_db(tx, api)
    return counts


def copy_werkbank(src, dst, overwrite=False, feedback=None):
    """Copy the programme in ``src`` (a target or an open Werkbank) to the new werkbank ``dst``.

    ``dst`` is a ``.gpkg`` path or a PostgreSQL target (``postgresql://...?schema=x``,
    ``pg:CONNECTION/schema``, ...).  Returns ``{"tables": {table: rows}, "target": safe target}``.
    Raises :class:`WerkbankError` (Dutch) when the source cannot be read, the
    target exists (without ``overwrite``) or the copy differs from the source.
    """
    source, close_src = _open_source(src)
    try:
        if is_postgres_target(dst):
            return _copy_to_postgis(source, dst, overwrite, feedback)
        return _copy_to_gpkg(source, str(dst), overwrite, feedback)
    finally:
        if close_src:
            source.close()


def _verify(source, copy, where):
    tables = sorted(t for t in source._existing_tables() if t in TABLES)
    common = {t: set(_columns(source, t)) & set(_columns(copy, t)) for t in tables}  # the source may be older
    a = content_digest(source, tables, common)
    b = content_digest(copy, tables, common)
    diff = sorted(t for t in set(a) | set(b) if a.get(t) != b.get(t))
    if diff:
        raise WerkbankError("{}: de kopie wijkt af van de bron in tabel(len) {}; de kopie is verwijderd.".format(
            where, ", ".join(diff)))


def _copy_to_gpkg(source, path, overwrite, feedback):
    if not path.lower().endswith(".gpkg"):
        raise WerkbankError("{}: een werkbank is een GeoPackage; gebruik de extensie .gpkg.".format(path))
    if os.path.exists(path) and not overwrite:
        raise WerkbankError("{}: het bestand bestaat al; kies een andere naam of overschrijven.".format(path))
    from .atomic import atomic_path, discard

    if overwrite and os.path.exists(path):
        _refuse_open_werkbank(path)
    # Built beside the target (hidden temporary file), fsynced and swapped in only when complete and verified;
    # a failure, a kill or a full disk leaves an existing target whole (a killed run's file is removed later).
    with atomic_path(path) as tmp:
        try:
            try:
                dst = GeopackageWerkbank.create(tmp)
            except WerkbankError as e:  # name the target, not our temporary file
                raise WerkbankError(str(e).replace(tmp, path)) from None
            try:
                counts = _copy_into(source, dst, feedback)
                _verify(source, dst, path)
            finally:
                dst.close()
        finally:
            for f in (tmp + "-journal", tmp + "-wal", tmp + "-shm"):
                discard(f)
    return {"tables": counts, "target": os.path.abspath(path)}


def _refuse_open_werkbank(path):
    """Refuse to replace a GeoPackage that is open elsewhere in WAL mode (its -wal file exists)."""
    if os.path.exists(path + "-wal") and os.path.getsize(path + "-wal") > 0:
        raise WerkbankError("{}: deze werkbank is in gebruik (er staan nog niet verwerkte wijzigingen in {}-wal). "
                            "Sluit hem in QGIS en probeer het opnieuw; er is niets gewijzigd.".format(
                                path, os.path.basename(path)))


def _copy_to_postgis(source, target, overwrite, feedback):
    from .postgis import PostgisWerkbank, _ident, parse_target

    pg, _pw = parse_target(target)
    _pw = None
    final = pg.schema
    # Refuse early (before building anything) when a werkbank is there and we may not replace it.
    probe = None
    try:
        probe = PostgisWerkbank.open(target, readonly=True)
        present = probe._existing_tables()
        exists = "schema_version" in present
        if present and not exists:
            raise WerkbankError("{}: het schema bestaat al en bevat andere tabellen; kies een ander schema.".format(
                pg.describe()))
    except WerkbankError as e:
        if "bestaat niet" not in str(e):
            raise
        exists = False
    finally:
        if probe is not None:
            probe.close()
    if exists and not overwrite:
        raise WerkbankError("{}: hier staat al een werkbank; kies een ander schema of overschrijven.".format(
            pg.describe()))
    tmp_schema = "{}_kopie_{}".format(final[:40], uuid.uuid4().hex[:8])
    dst = PostgisWerkbank.create(target, schema=tmp_schema)
    ok = False
    try:
        counts = _copy_into(source, dst, feedback)
        _verify(source, dst, pg.describe())
        # Swap the complete copy into place in one transaction.
        with dst.transaction() as tx:
            tx.execute("SELECT pg_advisory_xact_lock(hashtext(?))", ("pmiek:" + final,))
            tx.execute("DROP SCHEMA IF EXISTS {} CASCADE".format(_ident(final)))
            tx.execute("ALTER SCHEMA {} RENAME TO {}".format(_ident(tmp_schema), _ident(final)))
        ok = True
    finally:
        if not ok:
            try:
                with dst.transaction() as tx:
                    tx.execute("DROP SCHEMA IF EXISTS {} CASCADE".format(_ident(tmp_schema)))
            except Exception:  # noqa: BLE001 - best effort clean-up; the error that matters is raised
                pass
        dst.close()
    return {"tables": counts, "target": pg.safe_target()}
