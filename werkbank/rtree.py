"""Spatial index of the GeoPackage werkbank: one R-tree per geometry table (GeoPackage extension
``gpkg_rtree_index``, registered in ``gpkg_extensions``), kept up to date by the standard triggers.

The triggers call ``ST_MinX/ST_MaxX/ST_MinY/ST_MaxY/ST_IsEmpty``: GDAL (QGIS, ogrinfo, ogr2ogr) provides them;
our own SQLite connections get them from :func:`register_functions` (the GeoPackage header's envelope, or the
WKB's bounds when a writer left the envelope out).  On PostGIS every geometry column has a GIST index from its
creation on.  Pure Python (shapely inside a function); no QGIS.
"""

import struct

EXTENSION = "gpkg_rtree_index"
DEFINITION = "http://www.geopackage.org/spec120/#extension_rtree"

_ENVELOPE_SIZE = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


def _envelope(blob):
    """(minx, maxx, miny, maxy) of a GeoPackage geometry blob, or None when empty/unreadable."""
    if blob is None:
        return None
    b = bytes(blob)
    if len(b) < 8 or b[:2] != b"GP":
        return None
    flags = b[3]
    if (flags >> 4) & 1:
        return None  # empty geometry
    order = "<" if flags & 1 else ">"
    env = (flags >> 1) & 0x07
    if env in (1, 2, 3, 4) and len(b) >= 40:
        return struct.unpack(order + "4d", b[8:40])
    import shapely

    try:
        g = shapely.from_wkb(b[8 + _ENVELOPE_SIZE.get(env, 0):])
    except Exception:  # noqa: BLE001 - a damaged blob has no envelope
        return None
    if g is None or g.is_empty:
        return None
    x0, y0, x1, y1 = g.bounds
    return x0, x1, y0, y1


def _is_empty(blob):
    if blob is None:
        return 1
    b = bytes(blob)
    if len(b) >= 4 and b[:2] == b"GP" and (b[3] >> 4) & 1:
        return 1
    return 0 if _envelope(b) is not None else 1


def _part(i):
    def f(blob):
        e = _envelope(blob)
        return None if e is None else e[i]

    return f


def register_functions(conn):
    """Give a sqlite3 connection the ST_* functions the R-tree triggers call."""
    kw = {"deterministic": True}
    for name, fn in (("ST_MinX", _part(0)), ("ST_MaxX", _part(1)), ("ST_MinY", _part(2)), ("ST_MaxY", _part(3)),
                     ("ST_IsEmpty", _is_empty)):
        try:
            conn.create_function(name, 1, fn, **kw)
        except TypeError:  # Python < 3.8 has no deterministic flag
            conn.create_function(name, 1, fn)


def rtree_sql(table, column="geom", fid="fid"):
    """Statements that create (idempotently) the R-tree of ``table.column``, register it, fill it and install
    the GeoPackage 1.2 maintenance triggers."""
    r = "rtree_{}_{}".format(table, column)
    q = dict(t=table, c=column, i=fid, r=r)
    values = "(NEW.{i}, ST_MinX(NEW.{c}), ST_MaxX(NEW.{c}), ST_MinY(NEW.{c}), ST_MaxY(NEW.{c}))".format(**q)
    return [
        "CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL,"
        " definition TEXT NOT NULL, scope TEXT NOT NULL,"
        " CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))",
        'CREATE VIRTUAL TABLE IF NOT EXISTS "{r}" USING rtree(id, minx, maxx, miny, maxy)'.format(**q),
        "INSERT OR IGNORE INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope)"
        " VALUES ('{t}', '{c}', '{e}', '{d}', 'write-only')".format(e=EXTENSION, d=DEFINITION, **q),
        'INSERT OR REPLACE INTO "{r}" SELECT "{i}", ST_MinX("{c}"), ST_MaxX("{c}"), ST_MinY("{c}"), ST_MaxY("{c}")'
        ' FROM "{t}" WHERE "{c}" NOT NULL AND NOT ST_IsEmpty("{c}")'.format(**q),
        'CREATE TRIGGER IF NOT EXISTS "{r}_insert" AFTER INSERT ON "{t}" WHEN (new."{c}" NOT NULL AND NOT '
        'ST_IsEmpty(NEW."{c}")) BEGIN INSERT OR REPLACE INTO "{r}" VALUES {v}; END'.format(v=values, **q),
        'CREATE TRIGGER IF NOT EXISTS "{r}_update1" AFTER UPDATE OF "{c}" ON "{t}" WHEN OLD."{i}" = NEW."{i}" AND '
        '(NEW."{c}" NOTNULL AND NOT ST_IsEmpty(NEW."{c}")) BEGIN INSERT OR REPLACE INTO "{r}" VALUES {v}; END'.format(
            v=values, **q),
        'CREATE TRIGGER IF NOT EXISTS "{r}_update2" AFTER UPDATE OF "{c}" ON "{t}" WHEN OLD."{i}" = NEW."{i}" AND '
        '(NEW."{c}" ISNULL OR ST_IsEmpty(NEW."{c}")) BEGIN DELETE FROM "{r}" WHERE id = OLD."{i}"; END'.format(**q),
        'CREATE TRIGGER IF NOT EXISTS "{r}_update3" AFTER UPDATE ON "{t}" WHEN OLD."{i}" != NEW."{i}" AND '
        '(NEW."{c}" NOTNULL AND NOT ST_IsEmpty(NEW."{c}")) BEGIN DELETE FROM "{r}" WHERE id = OLD."{i}"; '
        'INSERT OR REPLACE INTO "{r}" VALUES {v}; END'.format(v=values, **q),
        'CREATE TRIGGER IF NOT EXISTS "{r}_update4" AFTER UPDATE ON "{t}" WHEN OLD."{i}" != NEW."{i}" AND '
        '(NEW."{c}" ISNULL OR ST_IsEmpty(NEW."{c}")) BEGIN DELETE FROM "{r}" WHERE id IN (OLD."{i}", NEW."{i}"); '
        'END'.format(**q),
        'CREATE TRIGGER IF NOT EXISTS "{r}_delete" AFTER DELETE ON "{t}" WHEN old."{c}" NOT NULL BEGIN '
        'DELETE FROM "{r}" WHERE id = OLD."{i}"; END'.format(**q),
    ]
