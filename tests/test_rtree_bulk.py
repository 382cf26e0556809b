"""A bulk import fills an empty R-tree with packed nodes written straight into SQLite's shadow tables
(werkbank/rtree.bulk_load, issue 19 item 4).  The packed tree must hold exactly the boxes SQLite's own INSERT
stores (float32, rounded outward), pass SQLite's ``rtreecheck``, answer window queries like a brute-force scan,
and stay correct under later inserts, moves and deletes through the GeoPackage triggers."""

import sqlite3
import subprocess

import numpy as np
import pytest
import shapely

from pmiek_werkbank.werkbank import storage
from pmiek_werkbank.werkbank.rtree import bulk_load, packed_rtree


class _Tx:
    """The methods of the werkbank's transaction that bulk_load uses, on a plain sqlite3 connection (insert_many is
    the werkbank's own)."""

    insert_many = storage._Tx.insert_many

    def __init__(self, con):
        self.con = con
        self.cur = con.cursor()

    def execute(self, sql, params=()):
        return self.con.execute(sql, params)

    def executemany(self, sql, rows):
        return self.con.executemany(sql, rows)


def _boxes(n, seed):
    rng = np.random.default_rng(seed)
    x = rng.uniform(10000.0, 280000.0, n)
    y = rng.uniform(300000.0, 620000.0, n)
    # sizes from 0 (a point) to 400 m, with coordinates that float32 cannot hold exactly
    w = rng.choice([0.0, 0.3, 31.7, 399.9], n)
    h = rng.choice([0.0, 0.7, 12.25, 250.01], n)
    return np.column_stack([x, x + w, y, y + h])


def _both(n, seed=1):
    """An R-tree filled row by row by SQLite, and one bulk-loaded, with the same entries."""
    env = _boxes(n, seed)
    ids = np.arange(1, n + 1) * 3  # ids need not be dense
    con = sqlite3.connect(":memory:", isolation_level=None)
    for name in ("byrow", "packed"):
        con.execute("CREATE VIRTUAL TABLE {} USING rtree(id, minx, maxx, miny, maxy)".format(name))
    con.executemany("INSERT INTO byrow VALUES (?, ?, ?, ?, ?)",
                    [(int(i),) + tuple(map(float, e)) for i, e in zip(ids, env)])
    con.execute("BEGIN")
    assert bulk_load(_Tx(con), "packed", ids.tolist(), env.tolist()) is True
    con.execute("COMMIT")
    return con, env, ids


@pytest.mark.parametrize("n", [1, 2, 51, 52, 2601, 2602, 6000])
def test_packed_tree_holds_sqlites_own_boxes_and_passes_rtreecheck(n):
    con, env, ids = _both(n, seed=n)
    a = con.execute("SELECT * FROM byrow ORDER BY id").fetchall()
    b = con.execute("SELECT * FROM packed ORDER BY id").fetchall()
    assert len(b) == n and a == b
    assert con.execute("SELECT rtreecheck('packed')").fetchone()[0] == "ok"
    # a box is never smaller than the float64 envelope it stands for
    for (_i, x0, x1, y0, y1), e in zip(b, env[np.argsort(ids)]):
        assert x0 <= e[0] and x1 >= e[1] and y0 <= e[2] and y1 >= e[3]
    depth = int.from_bytes(con.execute("SELECT substr(data, 1, 2) FROM packed_node WHERE nodeno = 1").fetchone()[0],
                           "big")
    assert depth == (0 if n <= 51 else 1 if n <= 51 * 51 else 2)


def test_window_queries_answer_like_a_scan_and_edits_keep_the_tree_valid():
    con, env, ids = _both(5000, seed=7)
    rng = np.random.default_rng(3)

    def windows():
        for _ in range(40):
            x, y = rng.uniform(10000, 280000), rng.uniform(300000, 620000)
            s = rng.choice([100.0, 2000.0, 30000.0])
            yield x, x + s, y, y + s

    def answer(table, w):
        return sorted(r[0] for r in con.execute(
            "SELECT id FROM {} WHERE maxx >= ? AND minx <= ? AND maxy >= ? AND miny <= ?".format(table),
            (w[0], w[1], w[2], w[3])))

    for w in windows():
        assert answer("packed", w) == answer("byrow", w)
    # later edits go through SQLite's own code on the packed tree: inserts (splitting full nodes), moves, deletes
    more = _boxes(800, seed=11)
    for table in ("byrow", "packed"):
        con.executemany("INSERT INTO {} VALUES (?, ?, ?, ?, ?)".format(table),
                        [(100000 + k,) + tuple(map(float, e)) for k, e in enumerate(more)])
        con.executemany("UPDATE {} SET minx = minx + 5000, maxx = maxx + 5000 WHERE id = ?".format(table),
                        [(int(i),) for i in ids[::7]])
        con.executemany("DELETE FROM {} WHERE id = ?".format(table), [(int(i),) for i in ids[::5]])
    assert con.execute("SELECT rtreecheck('packed')").fetchone()[0] == "ok"
    assert con.execute("SELECT * FROM packed ORDER BY id").fetchall() == \
        con.execute("SELECT * FROM byrow ORDER BY id").fetchall()
    for w in windows():
        assert answer("packed", w) == answer("byrow", w)


def test_a_filled_or_unusual_rtree_is_left_to_sqlite():
    con = sqlite3.connect(":memory:", isolation_level=None)
    con.execute("CREATE VIRTUAL TABLE r USING rtree(id, minx, maxx, miny, maxy)")
    con.execute("INSERT INTO r VALUES (1, 0, 1, 0, 1)")
    assert bulk_load(_Tx(con), "r", [2], [(5.0, 6.0, 5.0, 6.0)]) is False
    assert con.execute("SELECT count(*) FROM r").fetchone()[0] == 1
    con.execute("CREATE VIRTUAL TABLE aux USING rtree(id, minx, maxx, miny, maxy, +note)")
    assert bulk_load(_Tx(con), "aux", [2], [(5.0, 6.0, 5.0, 6.0)]) is False
    # emptied by deletes (interior nodes may remain): packed again from scratch
    con.execute("CREATE VIRTUAL TABLE e USING rtree(id, minx, maxx, miny, maxy)")
    env = _boxes(3000, seed=5)
    con.executemany("INSERT INTO e VALUES (?, ?, ?, ?, ?)", [(k + 1,) + tuple(map(float, b)) for k, b in enumerate(env)])
    con.execute("DELETE FROM e")
    assert bulk_load(_Tx(con), "e", list(range(1, 3001)), env.tolist()) is True
    assert con.execute("SELECT rtreecheck('e')").fetchone()[0] == "ok"
    assert con.execute("SELECT count(*) FROM e").fetchone()[0] == 3000


def test_rowid_rows_come_by_id_and_point_at_the_leaf_that_holds_the_id():
    """The rowid table's rows are handed over sorted by id (appended to its B-tree instead of inserted all over
    it): one row per id, each naming the leaf node whose blob holds that id."""
    env = _boxes(6000, seed=3)
    ids = np.random.default_rng(3).permutation(np.arange(1, 6001) * 7)  # not in id order, not dense
    nodes, parents, rowids = packed_rtree(ids.tolist(), env.tolist(), 1228)
    assert [i for i, _ in rowids] == sorted(ids.tolist())
    holder = {}
    interior = {parent for _child, parent in parents}  # a node that is some node's parent is not a leaf
    for no, blob in nodes:
        count = int.from_bytes(blob[2:4], "big")
        if no not in interior:
            for k in range(count):
                holder[int.from_bytes(blob[4 + 24 * k: 12 + 24 * k], "big")] = no
    assert dict(rowids) == holder and len(holder) == 6000


def test_node_blob_layout():
    nodes, parents, rowids = packed_rtree([7, 9], [(1.0, 2.0, 3.0, 4.0), (0.5, 0.5, 0.25, 0.25)], 1228)
    assert parents == [] and sorted(rowids) == [(7, 1), (9, 1)]
    [(no, blob)] = nodes
    assert no == 1 and len(blob) == 1228
    assert blob[:4] == b"\x00\x00\x00\x02"  # depth 0, two cells
    first = blob[4:28]
    assert int.from_bytes(first[:8], "big") in (7, 9)
    assert np.frombuffer(first[8:], dtype=">f4").tolist() in ([1.0, 2.0, 3.0, 4.0], [0.5, 0.5, 0.25, 0.25])


def test_bulk_import_into_the_werkbank_gives_the_rtree_a_row_by_row_import_gives(tmp_path):
    """Two werkbanks: 3,000 developments in one write (bulk, packed) and the same rows in writes of 900 (each
    below the bulk threshold, so the GeoPackage trigger fills the R-tree).  Same R-tree rows, rtreecheck ok, GDAL
    sees the index and a window query through ogrinfo finds the same developments."""
    import geopandas as gpd

    from pmiek_werkbank.werkbank import create_werkbank, open_werkbank
    from pmiek_werkbank.werkbank.storage import GeopackageWerkbank

    assert GeopackageWerkbank.BULK_ROWS <= 3000
    env = _boxes(3000, seed=9)
    env[:, 0] = 130000 + (env[:, 0] % 20000)
    env[:, 1] = env[:, 0] + 50
    env[:, 2] = 445000 + (env[:, 2] % 20000)
    env[:, 3] = env[:, 2] + 30
    frame = gpd.GeoDataFrame({"dev_id": ["d{}".format(k) for k in range(3000)], "sector": ["wonen"] * 3000},
                             geometry=[shapely.box(e[0], e[2], e[1], e[3]) for e in env], crs=28992)
    paths = {}
    for how in ("bulk", "rows"):
        paths[how] = str(tmp_path / "{}.gpkg".format(how))
        create_werkbank(paths[how], "T", "Utrecht", province_code="PV26").close()
        with open_werkbank(paths[how]) as wb:
            chunks = [frame] if how == "bulk" else [frame.iloc[k:k + 900] for k in range(0, 3000, 900)]
            for c in chunks:
                wb.write_frame("developments", c, mode="insert")
    rows = {}
    for how, p in paths.items():
        con = sqlite3.connect(p)
        rows[how] = con.execute("SELECT * FROM rtree_developments_geom ORDER BY id").fetchall()
        assert con.execute("SELECT rtreecheck('rtree_developments_geom')").fetchone()[0] == "ok"
        assert con.execute("SELECT count(*) FROM developments").fetchone()[0] == 3000
        con.close()
    assert len(rows["bulk"]) == 3000 and rows["bulk"] == rows["rows"]
    found = {}
    for how, p in paths.items():
        out = subprocess.run(["ogrinfo", "-ro", "-q", p, "developments", "-spat", "135000", "450000", "137000",
                              "452000", "-fields=YES"], capture_output=True, text=True, check=True).stdout
        found[how] = sorted(line.split("=")[1].strip() for line in out.splitlines() if "dev_id (String)" in line)
    assert found["bulk"] and found["bulk"] == found["rows"]
    expected = sorted("d{}".format(k) for k, e in enumerate(env)
                      if e[1] >= 135000 and e[0] <= 137000 and e[3] >= 450000 and e[2] <= 452000)
    assert found["bulk"] == expected
