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


# ---- bulk loading -------------------------------------------------------------------------------------------------
#
# SQLite keeps an R-tree in three shadow tables: ``<name>_node`` (nodeno, data), ``<name>_parent`` (nodeno,
# parentnode) and ``<name>_rowid`` (rowid, nodeno).  A node is a blob of fixed size: a 2-byte big-endian depth
# (used in the root only; 0 elsewhere), a 2-byte cell count, then cells of an 8-byte big-endian id (a row's fid
# in a leaf, a child's nodeno above) and the box as four big-endian float32 (minx, maxx, miny, maxy).  Node 1 is
# the root.  Filling an empty R-tree through its INSERT splits nodes thousands of times; writing packed nodes
# (sort-tile-recursive order) straight into the shadow tables takes a fraction of that, as GDAL does since 3.7.
# The stored boxes are rounded outward to float32 exactly as SQLite's rtreeValueDown/rtreeValueUp round them,
# so the R-tree holds the same boxes as one built row by row (tests compare both and run ``rtreecheck``).

_RND_TOWARDS = 1.0 - 1.0 / 8388608.0
_RND_AWAY = 1.0 + 1.0 / 8388608.0


def _float32_down(d):
    import numpy as np

    f = d.astype(np.float32)
    over = f.astype(np.float64) > d
    if over.any():
        f[over] = (d[over] * np.where(d[over] < 0, _RND_AWAY, _RND_TOWARDS)).astype(np.float32)
    return f


def _float32_up(d):
    import numpy as np

    f = d.astype(np.float32)
    under = f.astype(np.float64) < d
    if under.any():
        f[under] = (d[under] * np.where(d[under] < 0, _RND_TOWARDS, _RND_AWAY)).astype(np.float32)
    return f


def _str_order(boxes, max_cells):
    """Sort-tile-recursive order of boxes (n × [minx, maxx, miny, maxy]): vertical slices by centre x, each
    sorted by centre y, so consecutive runs of ``max_cells`` make compact nodes."""
    import numpy as np

    n = len(boxes)
    nodes = -(-n // max_cells)
    slices = int(np.ceil(np.sqrt(nodes)))
    cx = boxes[:, 0].astype(np.float64) + boxes[:, 1]
    cy = boxes[:, 2].astype(np.float64) + boxes[:, 3]
    rank = np.empty(n, dtype=np.int64)
    rank[np.argsort(cx, kind="stable")] = np.arange(n)
    return np.lexsort((cy, rank // (slices * max_cells)))


def packed_rtree(ids, envelopes, node_size):
    """The rows of the three shadow tables of a packed R-tree of ``ids`` with ``envelopes`` (minx, maxx, miny,
    maxy as float64): ``(node rows [(nodeno, blob)], parent rows [(nodeno, parent)], rowid rows [(id, nodeno)])``.
    ``node_size``: the byte length of the table's nodes (the length of its root node's blob)."""
    import numpy as np

    max_cells = (node_size - 4) // 24
    cell = np.dtype([("id", ">i8"), ("box", ">f4", (4,))])
    env = np.asarray(envelopes, dtype=np.float64).reshape(-1, 4)
    ids = np.asarray(ids, dtype=np.int64)
    boxes = np.column_stack([_float32_down(env[:, 0]), _float32_up(env[:, 1]), _float32_down(env[:, 2]),
                             _float32_up(env[:, 3])])
    node_rows, parent_rows, rowid_rows = [], [], []
    padding = b"\0" * (node_size - 4 - 24 * max_cells)

    def blobs(cell_ids, cell_boxes, starts, depth=0):
        """One blob per run of cells starting at ``starts``."""
        ends = list(starts[1:]) + [len(cell_ids)]
        packed = np.zeros(len(cell_ids), dtype=cell)
        packed["id"], packed["box"] = cell_ids, cell_boxes
        raw = packed.tobytes()
        out = []
        for s, e in zip(starts, ends):
            body = raw[24 * s: 24 * e]
            out.append(struct.pack(">HH", depth, e - s) + body + b"\0" * (24 * max_cells - len(body)) + padding)
        return out

    level_ids, level_boxes, depth, next_no = ids, boxes, 0, 2
    while len(level_ids) > max_cells:
        order = _str_order(level_boxes, max_cells)
        cell_ids, cell_boxes = level_ids[order], level_boxes[order]
        starts = np.arange(0, len(cell_ids), max_cells)
        nodenos = np.arange(next_no, next_no + len(starts), dtype=np.int64)
        next_no += len(starts)
        owner = np.repeat(nodenos, max_cells)[: len(cell_ids)]
        if depth == 0:  # the rowid table by id: appended to its B-tree, not inserted all over it (500,000 rows:
            by_id = np.argsort(cell_ids, kind="stable")  # 0.38 -> 0.1 s); the same rows
            rowid_rows.extend(zip(cell_ids[by_id].tolist(), owner[by_id].tolist()))
        else:
            parent_rows.extend(zip(cell_ids.tolist(), owner.tolist()))
        node_rows.extend(zip(nodenos.tolist(), blobs(cell_ids, cell_boxes, starts)))
        level_boxes = np.column_stack([np.minimum.reduceat(cell_boxes[:, 0], starts),
                                       np.maximum.reduceat(cell_boxes[:, 1], starts),
                                       np.minimum.reduceat(cell_boxes[:, 2], starts),
                                       np.maximum.reduceat(cell_boxes[:, 3], starts)])
        level_ids, depth = nodenos, depth + 1
    # the root (node 1) holds what is left: the entries themselves (depth 0) or the top nodes
    (rowid_rows if depth == 0 else parent_rows).extend((int(i), 1) for i in level_ids)
    node_rows.append((1, blobs(level_ids, level_boxes, np.array([0]), depth)[0]))
    return node_rows, parent_rows, rowid_rows


def bulk_load(tx, rtree, ids, envelopes):
    """Fill the EMPTY R-tree ``rtree`` with packed nodes inside the caller's transaction ``tx``; False (nothing
    written) when the R-tree already has entries or its shadow tables are not the plain 2-D layout this writes."""
    q = '"{}_{{}}"'.format(rtree)
    root = tx.execute("SELECT length(data) FROM {} WHERE nodeno = 1".format(q.format("node"))).fetchone()
    if not root or root[0] is None or root[0] < 4 + 24 * 3:
        return False
    if tx.execute("SELECT 1 FROM {} LIMIT 1".format(q.format("rowid"))).fetchone():
        return False  # not empty: SQLite's own insert keeps a filled tree balanced
    columns = [r[1] for r in tx.execute("PRAGMA table_info({})".format(q.format("rowid"))).fetchall()]
    if columns != ["rowid", "nodeno"]:
        return False  # auxiliary columns: not the GeoPackage layout
    nodes, parents, rowids = packed_rtree(ids, envelopes, int(root[0]))
    # an emptied tree may keep interior nodes and parent rows from before: the packed tree replaces them all
    tx.execute("DELETE FROM {} WHERE nodeno <> 1".format(q.format("node")))
    tx.execute("DELETE FROM {}".format(q.format("parent")))
    tx.insert_many("INSERT OR REPLACE INTO {} VALUES (?, ?)".format(q.format("node")), nodes)
    tx.insert_many("INSERT INTO {} VALUES (?, ?)".format(q.format("parent")), parents)
    tx.insert_many("INSERT INTO {} VALUES (?, ?)".format(q.format("rowid")), rowids)
    return True
