"""The werkbank storage API: one programme in one database.

``create_werkbank`` and ``open_werkbank`` return a :class:`Werkbank`; all other
code reads and writes through it (``read_frame``, ``write_frame``,
``transaction``, ``query``).  The GeoPackage backend lives here; a PostGIS
backend implements the same hooks (placeholder, DDL, geometry encoding).

No QGIS and no widgets here.  pandas/geopandas are imported only inside the
methods that return frames, so importing this module stays cheap.
"""

import contextlib
import datetime as _dt
import getpass
import json
import os
import re
import sqlite3
import uuid
from itertools import repeat

from . import gpkg_geometry
from .audit_sql import AUDIT_SUPPRESS
from .schema import FID, GEOM, MIGRATIONS, SRID, TABLES, latest_version

GPKG_APPLICATION_ID = 0x47504B47  # 'GPKG'
GPKG_USER_VERSION = 10200

RD_NEW_WKT = (
    'PROJCS["Amersfoort / RD New",GEOGCS["Amersfoort",DATUM["Amersfoort",'
    'SPHEROID["Bessel 1841",6377397.155,299.1528128,AUTHORITY["EPSG","7004"]],'
    "TOWGS84[565.417,50.3319,465.552,-0.398957,0.343988,-1.8774,4.0725],"
    'AUTHORITY["EPSG","6289"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],'
    'UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4289"]],'
    'PROJECTION["Oblique_Stereographic"],PARAMETER["latitude_of_origin",52.1561605555556],'
    'PARAMETER["central_meridian",5.38763888888889],PARAMETER["scale_factor",0.9999079],'
    'PARAMETER["false_easting",155000],PARAMETER["false_northing",463000],'
    'UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],'
    'AUTHORITY["EPSG","28992"]]'
)
WGS84_WKT = (
    'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,'
    'AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,'
    'AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],'
    'AUTHORITY["EPSG","4326"]]'
)


class WerkbankError(Exception):
    """A problem with the werkbank itself, with a Dutch message for the user."""


class SchemaTooNewError(WerkbankError):
    pass


class ConflictError(WerkbankError):
    """Someone else changed (or deleted) the row since you read it; nothing was written.

    ``expected_row_version`` is the version you edited, ``stored_row_version``
    the one in the werkbank now (None: the row was deleted).  ``mine`` holds
    your changes, ``theirs`` the stored values of the same fields and
    ``stored_row`` the whole stored row, so a dialog can show both versions.
    """

    def __init__(self, message, table=None, key=None, key_value=None, expected_row_version=None,
                 stored_row_version=None, mine=None, theirs=None, stored_row=None):
        super().__init__(message)
        self.table = table
        self.key = key
        self.key_value = key_value
        self.expected_row_version = expected_row_version
        self.stored_row_version = stored_row_version
        self.mine = mine or {}
        self.theirs = theirs or {}
        self.stored_row = stored_row


def now_iso():
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


def new_id():
    return str(uuid.uuid4())


def current_user():
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name on some systems
        return "onbekend"


_PG_KEYS = re.compile(r"(^|\s)(dbname|host|hostaddr|port|user|password|service|authcfg|sslmode)\s*=", re.I)


def is_postgres_target(target):
    """A PostgreSQL target (URI, ``pg:NAAM/schema`` or libpq ``key=value``), not a file path.

    Any ``key=value`` string with a libpq key counts (also without ``dbname=``), so a connection string is
    never mistaken for a file name (and never echoed with its password in a 'file not found' message).
    """
    t = str(target).strip()
    return t.startswith(("postgresql://", "postgres://", "pg:", "service=")) or (
        bool(_PG_KEYS.search(t)) and not t.lower().endswith(".gpkg")
    )


def create_werkbank(target, name, province, province_code=None, round=None, version=None,
                    peildatum=None, disclaimer=None, overwrite=False, user=None):
    """Create a new, empty werkbank at ``target`` and return it opened.

    ``target`` is a .gpkg path (or, with the PostGIS backend, a connection).
    Refuses to overwrite an existing file unless ``overwrite``.
    """
    if not name or not str(name).strip():
        raise WerkbankError("De naam van het programma (NAME) is leeg.")
    if not province or not str(province).strip():
        raise WerkbankError("De provincie (PROVINCE) is leeg.")
    if is_postgres_target(target):
        from .postgis import PostgisWerkbank  # noqa: PLC0415 - optional backend

        wb = PostgisWerkbank.create(target, overwrite=overwrite)
        wb._init_programme(name, province, province_code, round, version, peildatum, disclaimer, user)
        wb._install_defaults()
        return wb
    target = str(target)
    if os.path.exists(target) and not overwrite:
        raise WerkbankError("{}: het bestand bestaat al; kies een andere naam of overschrijven.".format(target))
    from .atomic import atomic_path, discard

    # The whole new werkbank (tables, programme, defaults) is built beside the target and swapped in complete:
    # with OVERWRITE a failure, a kill or a full disk leaves the old werkbank whole.
    with atomic_path(target) as tmp:
        try:
            wb = GeopackageWerkbank.create(tmp)
            try:
                wb._init_programme(name, province, province_code, round, version, peildatum, disclaimer, user)
                wb._install_defaults()
            finally:
                wb.close()
        except WerkbankError as e:
            raise WerkbankError(str(e).replace(tmp, target)) from None
        finally:
            for f in (tmp + "-journal", tmp + "-wal", tmp + "-shm"):
                discard(f)
    return GeopackageWerkbank.open(target)


def open_werkbank(target, readonly=False, migrate=True, check=None):
    """Open an existing werkbank; migrates an older schema (unless readonly).

    ``check``: GeoPackage integrity check (``PRAGMA quick_check``): None = on the first open of the file in
    this process and when it changed behind our back, True = now, False = not.
    """
    if is_postgres_target(target):
        from .postgis import PostgisWerkbank  # noqa: PLC0415

        wb = PostgisWerkbank.open(target, readonly=readonly)
    else:
        wb = GeopackageWerkbank.open(target, readonly=readonly, check=check)
    wb._check_version(migrate=migrate and not readonly)
    return wb


class _Tx:
    """A running transaction: ``execute``/``executemany``/``query`` with ``?`` placeholders."""

    def __init__(self, wb, cur):
        self.wb = wb
        self.cur = cur

    def execute(self, sql, params=()):
        self.cur.execute(self.wb._sql(sql), tuple(params))
        return self.cur

    def executemany(self, sql, rows):
        self.cur.executemany(self.wb._sql(sql), rows)
        return self.cur

    def insert_many(self, sql, rows):
        """``executemany(sql, rows)`` for a single-row INSERT ``sql``; on SQLite run as INSERTs of up to 500 rows
        each (``VALUES (...), (...), ...``): one statement run per chunk instead of per row (less call overhead, and
        SQLite builds a CHECK constraint's IN list once per chunk: a third of a national import's INSERT time).
        Same rows, same order (so the same AUTOINCREMENT fids), same errors."""
        from itertools import chain, islice

        head, sep, one = sql.rpartition(" VALUES ")
        width = one.count("?")
        if not sep or not width or not isinstance(self.cur, sqlite3.Cursor):
            self.executemany(sql, rows)
            return
        try:
            limit = self.cur.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        except AttributeError:  # Python < 3.11
            limit = 999
        k = max(1, min(500, limit // width))
        full = head + sep + ", ".join([one] * k)
        it = iter(rows)
        while True:
            chunk = list(islice(it, k))
            if len(chunk) < k:
                break
            self.execute(full, tuple(chain.from_iterable(chunk)))
        if chunk:
            self.execute(head + sep + ", ".join([one] * len(chunk)), tuple(chain.from_iterable(chunk)))

    def query(self, sql, params=()):
        self.cur.execute(self.wb._sql(sql), tuple(params))
        names = [d[0] for d in self.cur.description]
        return [dict(zip(names, r)) for r in self.cur.fetchall()]


class Werkbank:
    """Backend-neutral part of the API.  Subclasses provide the hooks below."""

    backend = None
    srid = SRID

    # ---- hooks ---------------------------------------------------------------
    def _sql(self, sql):  # placeholder translation
        return sql

    def _connect(self):
        raise NotImplementedError

    def _begin(self, cur):
        raise NotImplementedError

    def _geom_param(self, table=None):
        return "?"

    def _geom_select(self, col):
        return col

    def _encode_geoms(self, geoms, table=None):
        return gpkg_geometry.encode(geoms, self.srid)

    def _decode_geoms(self, values):
        return gpkg_geometry.decode(values)

    def _create_table(self, tx, table):
        raise NotImplementedError

    def _rebuild_table(self, tx, table):
        """Give an existing table the column constraints of ``table`` (a migration's ``rebuild_tables``)."""
        raise NotImplementedError

    def _add_column(self, tx, table, column):
        tx.execute('ALTER TABLE "{}" ADD COLUMN {}'.format(table.name, self._column_ddl(column)))

    def _column_ddl(self, col):
        return '"{}" {} {}'.format(col.name, col.type, col.constraint).strip()

    def _existing_tables(self):
        raise NotImplementedError

    def layer_uri(self, table, geometry_type=None):
        raise NotImplementedError

    def describe(self):
        return str(self.target)

    def _translate_error(self, exc):
        """A Dutch WerkbankError for a storage fault (disk full, locked ...), or None to re-raise as is."""
        return None

    def _roll_back(self):
        """Undo a failed write transaction, and bring the stored file back to its state before it."""
        self.conn.rollback()
        self._settle_after_failure()

    def _settle_after_failure(self):
        """After the rollback of a failed write transaction: whatever the backend needs for that (hook)."""

    # ---- life cycle ----------------------------------------------------------
    def __init__(self, target, conn, readonly=False):
        self.target = target
        self.conn = conn
        self.readonly = readonly
        self.user = current_user()
        self._in_tx = False
        self._pinned = False  # held open by a SessionWerkbank: close() leaves the connection open

    def close(self):
        if self.conn is not None and not self._pinned:
            self.conn.close()
            self.conn = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @contextlib.contextmanager
    def transaction(self):
        """All-or-nothing: commits at the end, rolls back on any exception."""
        if self.readonly:
            raise WerkbankError("De werkbank is alleen-lezen geopend; wijzigen kan niet.")
        if self._in_tx:
            # Nested use joins the running transaction.
            yield self._tx
            return
        cur = self.conn.cursor()
        try:
            self._begin(cur)
        except Exception as e:
            cur.close()
            err = self._translate_error(e)
            if err is not None:
                raise err from e
            raise
        self._in_tx = True
        self._tx = _Tx(self, cur)
        try:
            yield self._tx
        except BaseException as e:
            self._roll_back()
            err = self._translate_error(e)
            if err is not None:
                raise err from e
            raise
        else:
            try:
                self.conn.commit()
            except Exception as e:
                self._roll_back()
                err = self._translate_error(e)
                if err is not None:
                    raise err from e
                raise
        finally:
            self._in_tx = False
            self._tx = None
            cur.close()

    def query(self, sql, params=()):
        cur = self.conn.cursor()
        try:
            cur.execute(self._sql(sql), tuple(params))
            names = [d[0] for d in cur.description]
            return [dict(zip(names, r)) for r in cur.fetchall()]
        finally:
            cur.close()

    def execute(self, sql, params=()):
        with self.transaction() as tx:
            tx.execute(sql, params)

    # ---- schema --------------------------------------------------------------
    def schema_version(self):
        rows = self.query("SELECT MAX(version) AS v FROM schema_version")
        return int(rows[0]["v"] or 0)

    def _apply_migrations(self, from_version):
        with self.transaction() as tx:
            for m in MIGRATIONS:
                if m.version <= from_version:
                    continue
                for t in m.tables:
                    self._create_table(tx, t)
                for tname, col in m.add_columns:
                    self._add_column(tx, TABLES[tname], col)
                for t in m.rebuild_tables:
                    self._rebuild_table(tx, t)
                for tname, cols in m.indexes:
                    tx.execute(
                        'CREATE INDEX IF NOT EXISTS "idx_{t}_{c}" ON "{t}" ({cols})'.format(
                            t=tname, c="_".join(cols), cols=", ".join('"%s"' % c for c in cols)
                        )
                    )
                for stmt in m.sql:
                    tx.execute(stmt)
                for stmt in m.sql_by_backend.get(self.backend, ()):
                    tx.execute(stmt)
                tx.execute(
                    "INSERT INTO schema_version (version, applied, description) VALUES (?, ?, ?)",
                    (m.version, now_iso(), m.description),
                )
        self._audit_triggers = None  # the audit triggers may exist now

    def _check_version(self, migrate=True):
        try:
            v = self.schema_version()
        except Exception as e:  # noqa: BLE001
            raise WerkbankError(
                "{}: dit is geen pMIEK-werkbank (tabel schema_version ontbreekt of is onleesbaar: {}).".format(
                    self.describe(), e
                )
            ) from e
        latest = latest_version()
        if v > latest:
            raise SchemaTooNewError(
                "{}: deze werkbank heeft schemaversie {}, deze versie van de plugin kent t/m versie {}. "
                "Werk de plugin pMIEK Werkbank bij; de werkbank is niet gewijzigd.".format(self.describe(), v, latest)
            )
        if v < latest and migrate:
            self._apply_migrations(v)

    def tables(self):
        return sorted(t for t in self._existing_tables() if t in TABLES)

    # ---- programme -----------------------------------------------------------
    def _init_programme(self, name, province, province_code, round, version, peildatum, disclaimer, user):
        ts = now_iso()
        with self.transaction() as tx:
            tx.execute(
                "INSERT INTO programme (programme_id, name, province, province_code, round, version, peildatum,"
                " disclaimer, created, modified, modified_by) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (new_id(), str(name).strip(), str(province).strip(), province_code, round, version,
                 peildatum, disclaimer, ts, ts, user or self.user),
            )

    def _install_defaults(self):
        """A new programme starts with the guideline's afwegingskader and indicative kengetallen."""
        from ..layers.kengetallen import default_rows
        from ..scoring.defaults import DEFAULT_CRITERIA

        with self.transaction():
            self.write_frame("criteria", [dict(c) for c in DEFAULT_CRITERIA], mode="insert")
            self.write_frame("kengetallen", default_rows(), mode="insert")

    def programme(self):
        rows = self.query("SELECT * FROM programme ORDER BY fid LIMIT 1")
        if not rows:
            raise WerkbankError("{}: de werkbank heeft geen programmagegevens.".format(self.describe()))
        return rows[0]

    def update_programme(self, **fields):
        allowed = set(TABLES["programme"].column_names) - {"programme_id", "created"}
        bad = set(fields) - allowed
        if bad:
            raise WerkbankError("Onbekende programmavelden: {}".format(", ".join(sorted(bad))))
        if not fields:
            return
        fields["modified"] = now_iso()
        fields["modified_by"] = self.user
        sets = ", ".join('"{}" = ?'.format(k) for k in fields)
        with self.transaction() as tx:
            api = self._audit_by_api(tx, "programme")
            before = tx.query("SELECT * FROM programme ORDER BY fid LIMIT 1")
            tx.execute(
                "UPDATE programme SET {}, row_version = row_version + 1".format(sets), list(fields.values())
            )
            if before:
                b = before[0]
                changed = [k for k in fields if k not in ("modified", "modified_by") and not _same(fields[k], b.get(k))]
                if changed:
                    self._write_audit(tx, "programme", [(str(b["programme_id"]), "update",
                                                         {k: b.get(k) for k in changed},
                                                         {k: fields[k] for k in changed})],
                                      fields["modified"], fields["modified_by"])
            self._audit_by_db(tx, api)

    def horizon_years(self):
        text = self.programme().get("horizon_years") or "2025,2030,2035"
        return [int(y) for y in str(text).replace(";", ",").split(",") if y.strip()]

    # ---- frames --------------------------------------------------------------
    def count(self, table, where=None, params=()):
        sql = 'SELECT COUNT(*) AS n FROM "{}"'.format(table)
        if where:
            sql += " WHERE " + where
        return int(self.query(sql, params)[0]["n"])

    def read_frame(self, table, columns=None, where=None, params=(), geometry=True, order_by=FID):
        """Read a table as a pandas DataFrame, or a GeoDataFrame (EPSG:28992) when spatial."""
        import pandas as pd

        t = TABLES[table]
        cols = list(columns) if columns else [FID] + t.column_names
        select = ['"{}"'.format(c) for c in cols]
        with_geom = t.spatial and geometry
        if with_geom:
            select.append("{} AS {}".format(self._geom_select('"%s"' % GEOM), GEOM))
        sql = 'SELECT {} FROM "{}"'.format(", ".join(select), table)
        if where:
            sql += " WHERE " + where
        if order_by:
            sql += ' ORDER BY "{}"'.format(order_by)
        cur = self.conn.cursor()
        try:
            cur.execute(self._sql(sql), tuple(params))
            rows = cur.fetchall()
        finally:
            cur.close()
        names = cols + ([GEOM] if with_geom else [])
        df = pd.DataFrame.from_records(rows, columns=names)
        if not with_geom:
            return df
        import geopandas as gpd

        geoms = self._decode_geoms(df.pop(GEOM).tolist())
        return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(geoms, index=df.index), crs="EPSG:{}".format(self.srid))

    def read_frame_in(self, table, column, values, columns=None, geometry=True, chunk=500):
        """:meth:`read_frame` of the rows whose ``column`` is one of ``values`` (any number: asked in chunks, well
        below SQLite's limit of bound parameters; one query of 20,000 ids worked, 40,000 would fail), in no
        particular order."""
        import pandas as pd

        values = list(dict.fromkeys(values))
        parts = [self.read_frame(table, columns=columns, geometry=geometry, order_by=None, params=values[i:i + chunk],
                                 where='"{}" IN ({})'.format(column, ", ".join("?" * len(values[i:i + chunk]))))
                 for i in range(0, len(values), chunk)]
        if not parts:
            return self.read_frame(table, columns=columns, geometry=geometry, order_by=None, where="1 = 0")
        parts = [p for p in parts if len(p)] or parts[:1]
        if len(parts) == 1:
            return parts[0]
        out = pd.concat(parts, ignore_index=True)
        if hasattr(parts[0], "geometry"):
            import geopandas as gpd

            out = gpd.GeoDataFrame(out, geometry=parts[0].geometry.name, crs=parts[0].crs)
        return out

    def write_frame(self, table, frame, mode="upsert", key=None, user=None, expected_versions=None):
        """Write rows (a DataFrame/GeoDataFrame or list of dicts) in one transaction.

        ``mode``: ``insert`` (fails on an existing key), ``upsert`` (insert new
        keys, update changed rows, leave identical rows alone).  Only columns of
        the table are written; a geometry column (``geometry`` or ``geom``) is
        written to ``geom``.  Returns ``{"inserted": n, "updated": n, "unchanged": n}``.

        ``expected_versions``: ``{key: row_version}`` as read when the import started
        (:meth:`row_versions`).  A row to update whose stored version differs, or that
        was deleted meanwhile, is a conflict: :class:`ConflictError` naming the rows,
        nothing written (never a silent overwrite of someone else's newer edit).
        """
        import pandas as pd

        t = TABLES[table]
        if isinstance(frame, list):
            frame = pd.DataFrame(frame)
        key = key or t.key
        df = frame
        geoms = None
        src_geoms = None
        if t.spatial:
            gcol = None
            if hasattr(df, "geometry") and hasattr(df, "crs") and getattr(df, "_geometry_column_name", None) in df:
                gcol = df._geometry_column_name
            elif GEOM in df.columns:
                gcol = GEOM
            elif "geometry" in df.columns:
                gcol = "geometry"
            if gcol is not None:
                src_geoms = list(df[gcol].values)
                _refuse_bad_coordinates(t, src_geoms, df)
                geoms = self._encode_geoms(src_geoms, t)
        editable = "row_version" in t.column_names
        ts = now_iso()
        who = user or self.user
        cols = [c for c in t.column_names if c in df.columns and c not in ("row_version", "modified", "modified_by")]
        if not cols:
            raise WerkbankError("Geen enkele kolom van tabel {} in de gegevens.".format(table))
        columns = _column_lists(df, cols, t)  # per column: plain Python values, None where missing
        n_rows = len(df)
        counts = {"inserted": 0, "updated": 0, "unchanged": 0}
        with self.transaction() as tx:
            api = self._audit_by_api(tx, table, who)
            existing = {}
            if mode == "upsert" and key:
                if key not in cols:
                    raise WerkbankError("Sleutelkolom {} ontbreekt voor tabel {}.".format(key, table))
                existing = self._existing_rows(tx, table, key, cols, t.spatial and geoms is not None)
            ki = cols.index(key) if key in cols else None
            ins, upd_rows, new_fids, near = [], [], None, []
            if ki is not None and existing:
                for n, k in enumerate(columns[ki]):
                    if k not in existing:
                        ins.append(n)
                        continue
                    old = existing[k]
                    rec = [c[n] for c in columns]
                    g = geoms[n] if geoms is not None else None
                    same = all(_same(a, b) for a, b in zip(rec, old[: len(cols)]))
                    if same and geoms is not None and not _same_geom(g, old[-1]):
                        near.append((rec, g, n, old))  # values equal, geometry bytes not: compared below
                        continue
                    if same:
                        counts["unchanged"] += 1
                        continue
                    upd_rows.append((rec, g, n, old))
                if near:
                    moved = self._geometries_moved([r[1] for r in near], [r[3][-1] for r in near])
                    upd_rows += [r for r, m in zip(near, moved) if m]
                    counts["unchanged"] += len(near) - sum(moved)
            else:
                ins = range(n_rows)
            if expected_versions and ki is not None and editable:
                self._refuse_changed_since(tx, t, key, expected_versions,
                                           [rec[ki] for rec, *_ in upd_rows] + [columns[ki][n] for n in ins])
            extra_cols = ["modified", "modified_by"] if editable else []
            new = None
            if ins:
                new = _NewRows(t, cols, columns, ins, n_rows, geoms, src_geoms if geoms is not None else None)
                names = [cols[i] for i in new.written] + extra_cols + ([GEOM] if geoms is not None else [])
                marks = ["?"] * (len(new.written) + len(extra_cols)) + ([self._geom_param(t)] if geoms is not None
                                                                         else [])
                sql = 'INSERT INTO "{}" ({}) VALUES ({})'.format(
                    table, ", ".join('"%s"' % c for c in names), ", ".join(marks)
                )
                parts = [new.columns[i] for i in new.written]
                if editable:
                    parts += [repeat(ts, len(ins)), repeat(who, len(ins))]
                if geoms is not None:
                    parts.append(new.blobs)
                new_fids = self._insert_rows(tx, t, sql, zip(*parts), new, len(ins))
                counts["inserted"] = len(ins)
            if upd_rows:
                set_cols = [c for c in cols if c != key]
                sets = ['"{}" = ?'.format(c) for c in set_cols]
                if editable:
                    sets += ['"modified" = ?', '"modified_by" = ?', '"row_version" = "row_version" + 1']
                if geoms is not None:
                    sets.append('"{}" = {}'.format(GEOM, self._geom_param(t)))
                sql = 'UPDATE "{}" SET {} WHERE "{}" = ?'.format(table, ", ".join(sets), key)
                rows = []
                for rec, g, _n, _old in upd_rows:
                    r = [v for c, v in zip(cols, rec) if c != key]
                    if editable:
                        r += [ts, who]
                    if geoms is not None:
                        r.append(g)
                    r.append(rec[ki])
                    rows.append(r)
                tx.executemany(sql, rows)
                counts["updated"] = len(upd_rows)
            if new is not None or upd_rows:
                self._audit_frame(tx, t, cols, new, upd_rows, src_geoms if geoms is not None else None, ts, who,
                                  new_fids)
            self._audit_by_db(tx, api)
            self._after_write(tx, table)
        return counts

    def _after_write(self, tx, table):
        pass

    def _insert_rows(self, tx, t, sql, rows, new, n):
        """Run the INSERT of write_frame for each of the ``n`` rows (``new``: the :class:`_NewRows`).
        Returns the new rows' fids in insertion order when the backend knows them cheaply (a bulk insert), else
        None."""
        tx.executemany(sql, rows)
        return None

    def _audit_inserts_in_db(self, tx, t, new, fids, fingerprints, ts, who):
        """Write the audit rows of the inserted rows ``fids`` inside the database; False when this backend
        leaves it to :meth:`_audit_frame`'s own loop."""
        return False

    def row_versions(self, table, key=None):
        """``{key: row_version}`` of every row of ``table`` now; pass it to ``write_frame(expected_versions=)``."""
        t = TABLES[table]
        key = key or t.key
        return {r["k"]: r["v"] for r in self.query('SELECT "{}" AS k, row_version AS v FROM "{}"'.format(key, table))}

    def _refuse_changed_since(self, tx, t, key, expected, keys):
        wanted = [k for k in keys if k in expected]
        if not wanted:
            return
        now = {r["k"]: r for r in tx.query(
            'SELECT "{}" AS k, row_version AS v, modified_by AS by, modified AS at FROM "{}"'.format(key, t.name))}
        bad = []
        for k in wanted:
            cur = now.get(k)
            if cur is None or int(cur["v"]) != int(expected[k]):
                bad.append((k, cur))
        if not bad:
            return
        parts = []
        for k, cur in bad[:10]:
            if cur is None:
                parts.append("{} {} is intussen verwijderd".format(key, k))
            else:
                parts.append("{} {} is intussen gewijzigd door {} ({}, versie {} i.p.v. {})".format(
                    key, k, cur["by"] or "onbekend", cur["at"] or "?", cur["v"], expected[k]))
        more = " en {} andere".format(len(bad) - 10) if len(bad) > 10 else ""
        k0, cur0 = bad[0]
        raise ConflictError(
            "{}: conflict - {}{}. Deze rijen zijn veranderd sinds de import begon; er is niets opgeslagen en niets "
            "overschreven. Bekijk de wijzigingen en importeer opnieuw.".format(t.name, "; ".join(parts), more),
            t.name, key, k0, expected.get(k0), None if cur0 is None else cur0["v"])

    def _existing_rows(self, tx, table, key, cols, with_geom):
        select = ", ".join('"%s"' % c for c in cols)
        if with_geom:
            select += ", " + self._geom_select('"%s"' % GEOM)
        cur = tx.cur
        cur.execute(self._sql('SELECT {} FROM "{}"'.format(select, table)))
        ki = cols.index(key)
        rows = {}
        for r in cur.fetchall():
            rows[r[ki]] = list(r)
        return rows

    def delete(self, table, where, params=(), user=None):
        with self.transaction() as tx:
            api = self._audit_by_api(tx, table, user or self.user)
            t = TABLES.get(table)
            old_rows = []
            if t is not None and table != AUDIT_TABLE:
                old_rows = self._select_rows(tx, t, where, params)
            cur = tx.execute('DELETE FROM "{}" WHERE {}'.format(table, where), params)
            n = cur.rowcount
            if old_rows:
                ts = now_iso()
                self._write_audit(tx, table, [(_audit_key(t, r), "delete", r, None) for r in old_rows],
                                  ts, user or self.user)
            self._audit_by_db(tx, api)
            return n

    # ---- optimistic concurrency and audit trail ---------------------------------
    def update_row(self, table, key_value, changes, expected_row_version, user=None):
        """Change one row, but only if nobody changed it since you read ``expected_row_version``.

        ``changes`` maps column names to new values (a shapely geometry under
        ``geom``/``geometry``).  On success the row gets ``row_version + 1``,
        ``modified``/``modified_by``, an audit entry, and the new row version is
        returned.  When the stored version differs (or the row was deleted)
        nothing is written and :class:`ConflictError` is raised with both versions.
        """
        t = TABLES[table]
        if "row_version" not in t.column_names or not t.key:
            raise WerkbankError("Tabel {} ondersteunt geen versiebeheer per rij.".format(table))
        changes = dict(changes or {})
        new_geom = None
        has_geom = False
        for gname in (GEOM, "geometry"):
            if gname in changes:
                if not t.spatial:
                    raise WerkbankError("Tabel {} heeft geen geometrie.".format(table))
                new_geom = changes.pop(gname)
                has_geom = True
                _refuse_bad_coordinates(t, [new_geom], None, keys=[key_value])
        bad = [c for c in changes if c not in t.column_names or c in (t.key, "row_version", "modified", "modified_by")]
        if bad:
            raise WerkbankError("{}: deze velden kunnen niet gewijzigd worden: {}.".format(table, ", ".join(sorted(bad))))
        if not changes and not has_geom:
            raise WerkbankError("{}: geen wijzigingen opgegeven voor {}.".format(table, key_value))
        changes = {c: _py(v) for c, v in changes.items()}
        expected = int(expected_row_version)
        who = user or self.user
        ts = now_iso()
        with self.transaction() as tx:
            api = self._audit_by_api(tx, table, who)
            rows = self._select_rows(tx, t, '"{}" = ?'.format(t.key), (key_value,), geom_text=False)
            if not rows:
                raise ConflictError(
                    "{} {}: deze rij bestaat niet meer; iemand anders heeft hem verwijderd. "
                    "Uw wijziging ({}) is niet opgeslagen.".format(table, key_value, _fmt(changes)),
                    table, t.key, key_value, expected, None, changes, {}, None,
                )
            stored = rows[0]
            if int(stored["row_version"]) != expected:
                raise self._conflict(t, key_value, expected, stored, changes)
            sets = ['"{}" = ?'.format(c) for c in changes]
            vals = list(changes.values())
            if has_geom:
                sets.append('"{}" = {}'.format(GEOM, self._geom_param(t)))
                vals.append(self._encode_geoms([new_geom], t)[0])
            sets += ['"modified" = ?', '"modified_by" = ?', '"row_version" = "row_version" + 1']
            vals += [ts, who]
            cur = tx.execute(
                'UPDATE "{}" SET {} WHERE "{}" = ? AND "row_version" = ?'.format(table, ", ".join(sets), t.key),
                vals + [key_value, expected],
            )
            if cur.rowcount != 1:  # changed between our read and our write
                now = self._select_rows(tx, t, '"{}" = ?'.format(t.key), (key_value,), geom_text=False)
                raise self._conflict(t, key_value, expected, now[0] if now else {}, changes)
            old = {c: stored.get(c) for c in changes}
            new = dict(changes)
            if has_geom:
                old[GEOM], new[GEOM] = _geom_texts(self._decode_geoms([stored.get(GEOM)]).tolist() + [new_geom])
            self._write_audit(tx, table, [(str(key_value), "update", old, new)], ts, who)
            self._audit_by_db(tx, api)
            self._after_write(tx, table)
        return expected + 1

    def _conflict(self, t, key_value, expected, stored, changes):
        theirs = {c: stored.get(c) for c in changes}
        diff = "; ".join("{}: uw waarde {!r}, opgeslagen {!r}".format(c, changes[c], theirs.get(c)) for c in changes)
        return ConflictError(
            "{} {}: conflict - iemand anders ({}, {}) heeft deze rij gewijzigd nadat u hem opende "
            "(opgeslagen versie {}, uw versie {}). Uw wijziging is niet opgeslagen; niets is overschreven. "
            "Verschillen: {}. Bekijk beide versies en sla opnieuw op.".format(
                t.name, key_value, stored.get("modified_by") or "onbekend", stored.get("modified") or "?",
                stored.get("row_version"), expected, diff),
            t.name, t.key, key_value, expected, stored.get("row_version"), changes, theirs, stored,
        )

    def history(self, table, key=None):
        """The audit trail of one row (or of a whole table), oldest first.

        Each entry: ``{"action", "changed_by", "changed_at", "old": {...}, "new": {...}}``
        (``old``/``new`` are the changed fields; None for insert/delete).
        """
        sql = "SELECT * FROM audit_log WHERE table_name = ?"
        params = [table]
        if key is not None:
            sql += " AND row_key = ?"
            params.append(str(key))
        out = []
        for r in self.query(sql + " ORDER BY fid", params):
            out.append({
                "table": r["table_name"], "key": r["row_key"], "action": r["action"],
                "changed_by": r["changed_by"], "changed_at": r["changed_at"],
                "old": json.loads(r["old_values"]) if r["old_values"] else None,
                "new": json.loads(r["new_values"]) if r["new_values"] else None,
            })
        return out

    def _select_rows(self, tx, t, where, params, geom_text=True):
        cols = [FID] + t.column_names
        select = ['"{}"'.format(c) for c in cols]
        if t.spatial:
            select.append("{} AS {}".format(self._geom_select('"%s"' % GEOM), GEOM))
        rows = tx.query('SELECT {} FROM "{}" WHERE {}'.format(", ".join(select), t.name, where), params)
        if t.spatial and rows:
            if geom_text:
                texts = _geom_texts(self._decode_geoms([r[GEOM] for r in rows]).tolist())
                for r, g in zip(rows, texts):
                    r[GEOM] = g
            else:
                for r in rows:
                    if r[GEOM] is not None:
                        r[GEOM] = bytes(r[GEOM])
        return rows

    def _geometries_moved(self, new_blobs, old_blobs):
        """Per pair of encoded geometries whose bytes differ: whether a coordinate moved by more than
        ``GEOM_TOLERANCE_M`` (or the shape differs).  The same plan read again through a reprojection (a GeoJSON in
        WGS 84) differs in the last bits of its coordinates: that is no change, and no update with an audit entry
        whose old and new geometry read the same."""
        import shapely

        a = self._decode_geoms(list(new_blobs))
        b = self._decode_geoms(list(old_blobs))
        same = shapely.equals_exact(a, b, tolerance=GEOM_TOLERANCE_M)
        return [not bool(x) for x in same]

    def _audit_frame(self, tx, t, cols, new, upd_rows, src_geoms, ts, who, new_fids=None):
        """The audit rows of one write: per inserted row (``new``: the :class:`_NewRows`, or None) its non-empty
        values (and a geometry fingerprint), per updated row the changed values before and after.  ``new_fids``:
        the inserted rows' fids, when known."""
        if t.name == AUDIT_TABLE:
            return
        if new is not None:
            # An inserted row's geometry stays in the table itself; the trail keeps a short fingerprint
            # (type, coordinates, hash) instead of the full WKT, which would double a bulk import.
            gtexts = _geom_fingerprints(new.src_geoms, new.blobs) if new.src_geoms is not None else None
            if new_fids is not None and self._audit_inserts_in_db(tx, t, new, new_fids, gtexts, ts, who):
                new = None

        if new is not None:
            def inserts():  # streamed into the INSERT: a national import never holds 240,000 audit dicts at once
                for k in range(len(new)):
                    row = new.row(k)
                    if gtexts is not None and gtexts[k] is not None:
                        row[GEOM] = gtexts[k]
                    yield _audit_key(t, row), "insert", None, row

            self._write_audit(tx, t.name, inserts(), ts, who)
        entries = []
        if upd_rows:
            geo_changed = []
            for rec, g, n, old in upd_rows:
                oldd, newd = {}, {}
                for c, a, b in zip(cols, rec, old[: len(cols)]):
                    if not _same(a, b):
                        oldd[c], newd[c] = b, a
                full = dict(zip(cols, rec))
                entry = (_audit_key(t, full), "update", oldd, newd)
                if src_geoms is not None and not _same_geom(g, old[-1]):
                    geo_changed.append((entry, old[-1], src_geoms[n]))
                entries.append(entry)
            if geo_changed:
                olds = _geom_texts(self._decode_geoms([o for _e, o, _s in geo_changed]).tolist())
                news = _geom_texts([s for _e, _o, s in geo_changed])
                for (entry, _o, _s), a, b in zip(geo_changed, olds, news):
                    entry[2][GEOM], entry[3][GEOM] = a, b
        self._write_audit(tx, t.name, entries, ts, who)

    def _audit_by_api(self, tx, table=None, who=None):
        """From here on in this transaction the API writes the audit rows of ``table`` itself: the database's audit
        triggers (schema 5) stand aside for that table (from schema 8; before: for all tables), so a cascade into
        other tables is still recorded.  ``table=None``: all tables (a copy).  The marker row lives only inside this
        transaction (see werkbank/audit_sql.py)."""
        self._audit_support()
        if not self._audit_triggers:
            return False
        if self._audit_per_table:
            tx.execute('INSERT INTO "{}" (writer, table_name) VALUES (?, ?)'.format(AUDIT_SUPPRESS),
                       (str(who or self.user)[:200], table))
        else:
            tx.execute('INSERT INTO "{}" (writer) VALUES (?)'.format(AUDIT_SUPPRESS), (str(self.user)[:200],))
        return True

    @contextlib.contextmanager
    def sql_by(self, tx, who=None):
        """Plain SQL the plugin itself runs inside ``tx`` (a table without a single key, such as station_capacity):
        the audit triggers still record every row, but by ``who`` (default the werkbank's user), not as
        ``onbekend (buiten pMIEK)``.  A marker row in ``audit_suppress`` names the writer and stands aside for no
        table (``table_name = ''``); it lives only inside this transaction.  No API write (``write_frame``,
        ``delete`` …) inside the block: its end clears the marker.  PostGIS records the database login anyway."""
        marked = self._audit_support()[1]  # before schema 8 any marker row would silence every trigger
        if marked:
            tx.execute('INSERT INTO "{}" (writer, table_name) VALUES (?, ?)'.format(AUDIT_SUPPRESS),
                       (str(who or self.user)[:200], AUDIT_WRITER_ONLY))
        yield tx
        if marked:
            tx.execute('DELETE FROM "{}" WHERE table_name = ?'.format(AUDIT_SUPPRESS), (AUDIT_WRITER_ONLY,))

    def _audit_support(self):
        """(audit triggers present (schema 5), they stand aside per table (schema 8)), read once."""
        if getattr(self, "_audit_triggers", None) is None:
            self._audit_triggers = AUDIT_SUPPRESS in self._existing_tables()
            self._audit_per_table = self._audit_triggers and "table_name" in self._table_columns(AUDIT_SUPPRESS)
        return self._audit_triggers, self._audit_per_table

    def _table_columns(self, table):
        if self.backend == "postgis":
            return [r["column_name"] for r in self.query(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ?",
                (self.schema, table))]
        return [r["name"] for r in self.query('PRAGMA table_info("{}")'.format(table))]

    def _audit_by_db(self, tx, api):
        """The triggers record again (every other statement of the transaction is audited by the database)."""
        if api:
            tx.execute('DELETE FROM "{}"'.format(AUDIT_SUPPRESS))

    def _write_audit(self, tx, table, entries, ts, who):
        """``entries``: (key, action, old, new) tuples, a list or a generator (streamed into the INSERT)."""
        if table == AUDIT_TABLE or (isinstance(entries, list) and not entries):
            return
        dump = _json_dump
        tx.executemany(
            "INSERT INTO audit_log (table_name, row_key, action, changed_by, changed_at, old_values, new_values)"
            " VALUES (?,?,?,?,?,?,?)",
            ((table, key, action, who, ts, dump(old), dump(new)) for key, action, old, new in entries),
        )


AUDIT_TABLE = "audit_log"
AUDIT_WRITER_ONLY = ""  # audit_suppress.table_name of Werkbank.sql_by's marker: names the writer, silences nothing
AUDIT_GEOM_MAX_CHARS = 4000  # longer geometries are summarised in the audit trail


def _unique_columns(t):
    for c in t.table_constraints:
        c = c.strip()
        if c.upper().startswith("UNIQUE"):
            inner = c[c.index("(") + 1: c.rindex(")")]
            return [x.strip().strip('"') for x in inner.split(",")]
    return None


def _audit_key(t, row):
    """The stable key of a row for the audit trail (key column, or the UNIQUE columns)."""
    if t.key and row.get(t.key) is not None:
        return str(row[t.key])
    cols = _unique_columns(t)
    if cols and all(c in row for c in cols):
        return "/".join(str(row[c]) for c in cols)
    return str(row.get(FID, ""))


def _refuse_bad_coordinates(t, geoms, df, keys=None):
    """WerkbankError naming the rows whose geometry has a NaN/infinite or absurd coordinate."""
    bad = gpkg_geometry.bad_coordinates(geoms)
    if not bad:
        return
    if keys is None and df is not None and t.key and t.key in df.columns:
        keys = list(df[t.key].values)
    parts = []
    for i in bad[:10]:
        k = keys[i] if keys is not None and i < len(keys) else None
        parts.append("rij {}{}".format(i + 1, " ({} {})".format(t.key, k) if k is not None else ""))
    more = " en {} andere".format(len(bad) - 10) if len(bad) > 10 else ""
    raise WerkbankError(
        "{}: {}{}, veld 'geom': de geometrie heeft een coördinaat die geen eindig getal is of ver buiten "
        "Nederland ligt (meer dan {:.0f} km van de oorsprong van EPSG:28992). Controleer het coördinaatstelsel "
        "(RD New) en de bron. Er is niets opgeslagen.".format(
            t.name, ", ".join(parts), more, gpkg_geometry.COORD_LIMIT / 1000))


def _safe_for_wkt(arr, idx):
    """The subset of ``idx`` whose geometries GEOS can write as WKT (no absurd or non-finite coordinates)."""
    if not len(idx):
        return idx
    bad = set(gpkg_geometry.bad_coordinates(arr[idx]))
    if not bad:
        return idx
    return idx[[k for k in range(len(idx)) if k not in bad]]


def _out_of_range_text(g):
    import hashlib

    import shapely

    return "{} (coördinaten buiten bereik, sha1 {})".format(
        g.geom_type.upper(), hashlib.sha1(shapely.to_wkb(g, byte_order=1)).hexdigest()[:12])


def _geom_texts(geoms):
    """Geometries -> WKT (mm precision) for the audit trail; very long ones summarised."""
    import hashlib

    import numpy as np
    import shapely

    arr = gpkg_geometry.object_array(geoms)
    if len(arr) == 0:
        return []
    out = [None] * len(arr)
    present = ~shapely.is_missing(arr)
    idx = np.nonzero(present)[0]
    safe = _safe_for_wkt(arr, idx)
    for i in sorted(set(idx.tolist()) - set(np.asarray(safe).tolist())):
        out[i] = _out_of_range_text(arr[i])  # never hand GEOS's WKT writer a coordinate near 1e300
    idx = safe
    if len(idx):
        wkts = shapely.to_wkt(arr[idx], rounding_precision=3, trim=True)
        for k, i in enumerate(idx):
            w = wkts[k]
            if len(w) > AUDIT_GEOM_MAX_CHARS:
                g = arr[i]
                digest = hashlib.sha1(shapely.to_wkb(g, byte_order=1)).hexdigest()[:12]
                w = "{} ({} coördinaten, sha1 {})".format(g.geom_type.upper(), shapely.get_num_coordinates(g), digest)
            out[i] = w
    return out


def _geom_fingerprints(geoms, blobs):
    """Short, vectorised geometry summaries for inserts: points as WKT, others 'POLYGON (5 coördinaten, sha1 …)'."""
    import hashlib

    import numpy as np
    import shapely

    arr = gpkg_geometry.object_array(geoms)
    if len(arr) == 0:
        return []
    missing = shapely.is_missing(arr)
    types = shapely.get_type_id(arr)
    names = ("POINT", "LINESTRING", "LINEARRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON",
             "GEOMETRYCOLLECTION")
    # one text per distinct (type, number of coordinates), looked up per row instead of formatted per row
    pairs = list(zip(types.tolist(), shapely.get_num_coordinates(arr).tolist()))
    texts = {(tid, nc): "{} ({} coördinaten, sha1 ".format(names[tid] if 0 <= tid < len(names) else "GEOMETRY", nc)
             for tid, nc in set(pairs)}
    heads = [texts[k] for k in pairs]
    sha1 = hashlib.sha1
    out = [None if m or b is None else h + sha1(b).hexdigest()[:12] + ")"
           for m, b, h in zip(missing.tolist(), map(_bytes_or_none, blobs), heads)]
    points = _safe_for_wkt(arr, np.nonzero((types == 0) & ~missing)[0])  # GEOS WKT crashes near 1e300
    for i, w in zip(points.tolist(), shapely.to_wkt(arr[points], rounding_precision=3, trim=True).tolist()):
        if blobs[i] is not None:
            out[i] = w  # a point is as short as its fingerprint: keep it readable
    return out


def _bytes_or_none(b):
    return b if b is None or type(b) is bytes else bytes(b)


_JSON = json.JSONEncoder(ensure_ascii=False, default=str, separators=(",", ":"))  # compact, as SQLite writes JSON


def _json_dump(d):
    if d is None:
        return None
    return _JSON.encode(d)


def _fmt(changes):
    return ", ".join("{}={!r}".format(k, v) for k, v in changes.items())


def _py(v):
    """numpy scalars -> Python scalars for the DB driver."""
    if v is None:
        return None
    item = getattr(v, "item", None)
    if item is not None and not isinstance(v, (str, bytes)):
        try:
            return item()
        except Exception:  # noqa: BLE001
            return v
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return v


def _column_lists(df, cols, t=None):
    """One list per column of ``cols``: the values as plain Python scalars for the DB driver, None where the frame
    has a missing value (NaN, NaT, None); whole floats for an INTEGER column of table ``t`` as ints.  Numeric columns convert in one call; only a column holding other types
    (Timestamps, numpy scalars, dates ...) is converted value by value (:func:`_py`)."""
    import numpy as np
    import pandas as pd

    plain = {str, int, float, bool, bytes, type(None)}
    out = []
    for c in cols:
        s = df[c]
        kind = None if isinstance(s.dtype, pd.api.extensions.ExtensionDtype) else s.dtype.kind
        if kind in ("i", "u", "b"):
            values = s.tolist()
        elif kind == "f":
            arr = s.to_numpy()
            values = s.tolist()
            if t is not None and t.column(c).type == "INTEGER":
                # what the INTEGER column stores (2025.0 -> 2025), so the audit trail of every path says the same
                whole = (np.floor(arr) == arr) & (np.abs(arr) < 2.0 ** 53)
                values = [int(v) if w else v for v, w in zip(values, whole.tolist())]
            for i in np.flatnonzero(np.isnan(arr)).tolist():
                values[i] = None
        else:
            values = s.astype(object).where(s.notna(), None).tolist()
            if not _plain_column(s) and not set(map(type, values)) <= plain:
                values = [_py(v) for v in values]
        out.append(values)
    return out


class _NewRows:
    """The rows one ``write_frame`` inserts, column by column (``columns[i]``: the values of ``cols[i]``, in the
    rows' order).  ``filled``: the columns with a value in at least one new row, ``gaps``: whether one of those
    misses a value somewhere (what the audit trail's members need); ``written``: the columns the INSERT names (a
    column empty in every new row and without a DEFAULT is left out: NULL either way, and fewer values to bind);
    ``blobs``/``src_geoms``: the encoded and the given geometries."""

    def __init__(self, t, cols, columns, positions, n_rows, blobs, src_geoms):
        def pick(values):
            return values if len(positions) == n_rows else [values[n] for n in positions]

        self.cols = cols
        self.columns = [pick(v) for v in columns]
        self.blobs = pick(blobs) if blobs is not None else None
        self.src_geoms = pick(src_geoms) if src_geoms is not None else None
        self.n = len(positions)
        missing = [v.count(None) for v in self.columns]
        self.filled = [i for i, m in enumerate(missing) if m < self.n]
        self.gaps = any(missing[i] for i in self.filled)
        self.written = [i for i, m in enumerate(missing)
                        if m < self.n or "DEFAULT" in t.column(cols[i]).constraint.upper()] or list(range(len(cols)))

    def __len__(self):
        return self.n

    def row(self, k):
        """The ``k``-th new row: its non-empty values by column name (the audit trail's insert entry)."""
        return {c: v[k] for c, v in zip(self.cols, self.columns) if v[k] is not None}

    def envelopes(self, fids):
        """R-tree entries of the new rows with ``fids`` (in insertion order) that have a non-empty geometry, as
        numpy arrays ``(ids, boxes)`` (boxes: minx, maxx, miny, maxy), read from each blob's header as the R-tree
        trigger reads it.  The 40-byte headers our encoder writes (little-endian, XY envelope) are read as one
        array; any other blob goes through :func:`rtree._envelope`."""
        import numpy as np

        from .rtree import _envelope

        blobs = self.blobs
        heads = np.frombuffer(b"".join([b[:40] if b is not None and len(b) >= 40 else bytes(40) for b in blobs]),
                              dtype=np.uint8).reshape(-1, 40)
        has = (heads[:, 0] == 0x47) & (heads[:, 1] == 0x50) & (heads[:, 3] == 0x03)  # 'GP', LE, XY envelope
        boxes = heads[:, 8:40].copy().view("<f8")  # a writable copy (frombuffer is read-only)
        for i in np.flatnonzero(~has).tolist():
            env = _envelope(blobs[i])
            if env is not None:
                boxes[i], has[i] = env, True
        return np.asarray(fids, dtype=np.int64)[has], boxes[has]


def _plain_column(series):
    """True when ``series.astype(object)`` surely holds only plain Python values (numpy float/int/bool columns,
    or object columns of text), so write_frame need not look at every cell; False: look."""
    import pandas as pd

    from ..tabular import all_text

    dtype = series.dtype
    if isinstance(dtype, pd.api.extensions.ExtensionDtype):
        return False
    if dtype.kind in "fiub":
        return True
    return dtype.kind == "O" and all_text(series)


def _same(a, b):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) or isinstance(b, float):
        try:
            return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))
        except (TypeError, ValueError):
            return False
    return a == b or str(a) == str(b)


GEOM_TOLERANCE_M = 0.0005  # geometries whose every coordinate lies within half a millimetre are the same


def _same_geom(a, b):
    if a is None or b is None:
        return a is None and b is None
    return bytes(a) == bytes(b)


# realpath -> file state (device, inode, size, mtime) when PRAGMA quick_check last passed, per process
_KNOWN_GOOD = {}


def _file_state(path):
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def _file_identity(path):
    """(device, inode) of the file at ``path`` (which file it is, whatever is in it); None when missing."""
    state = _file_state(path)
    return state[:2] if state is not None else None


class SessionWerkbank:
    """The werkbank of one desktop session: one connection, opened and integrity-checked once (issue 19).

    ``get(target)`` hands every dock action the same open :class:`Werkbank`; its ``close()`` (also the end of
    ``with ... as wb``) leaves the connection open, so an action costs no open, no version check and no
    ``PRAGMA quick_check``.  :meth:`close` really closes it (another werkbank, the project closed, unload).
    Reopened - and then checked as :func:`open_werkbank` decides - only when the target changes or the file
    was replaced (another device/inode: a byte copy put back, an atomic swap); when another connection changed
    the schema (a migration by an algorithm) the wrapper is rebuilt on the same connection, so its caches (audit
    triggers) are fresh.  The connection is idle between actions (autocommit, every cursor closed), so it holds
    no lock against QGIS's own writes.  A file that is not writable is held read-only; asking to write then
    gives the usual Dutch error.  PostgreSQL targets are opened per call as before (``close()`` closes them).
    """

    def __init__(self):
        self._wb = None
        self._target = None
        self._ident = None
        self._cookie = None

    def get(self, target, readonly=False):
        if not target or is_postgres_target(target):
            return open_werkbank(target, readonly=readonly)
        target = str(target)
        ident = _file_identity(target)
        if self._wb is not None and (target != self._target or ident != self._ident or self._wb.conn is None):
            self.close()
        if self._wb is None:
            wb = open_werkbank(target, readonly=not os.access(target, os.W_OK))
            wb._pinned = True
            self._wb, self._target, self._ident = wb, target, ident
            self._cookie = wb.conn.execute("PRAGMA schema_version").fetchone()[0]
        else:
            cookie = self._wb.conn.execute("PRAGMA schema_version").fetchone()[0]
            if cookie != self._cookie:
                old = self._wb
                wb = GeopackageWerkbank(target, old.conn, readonly=old.readonly)
                wb._check_version(migrate=not wb.readonly)
                wb._pinned = True
                self._wb = wb
                self._cookie = wb.conn.execute("PRAGMA schema_version").fetchone()[0]
        if not readonly and self._wb.readonly:
            return open_werkbank(target)  # not writable: the Dutch error of a normal open
        return self._wb

    @property
    def target(self):
        return self._target

    def close(self):
        wb, self._wb, self._target, self._ident, self._cookie = self._wb, None, None, None, None
        if wb is not None:
            wb._pinned = False
            wb.close()


class GeopackageWerkbank(Werkbank):
    """A werkbank in one GeoPackage file (SQLite), written without GDAL."""

    backend = "gpkg"
    layer_provider = "ogr"  # QGIS provider key for layer_uri()

    def __init__(self, target, conn, readonly=False):
        super().__init__(target, conn, readonly)
        from .rtree import register_functions

        register_functions(conn)  # the R-tree triggers (schema 4) call ST_MinX ... as GDAL provides them

    @staticmethod
    def _raw_connect(path, readonly=False):
        if readonly:
            uri = "file:{}?mode=ro".format(os.path.abspath(path))
            conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        else:
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA foreign_keys = ON")
        return conn

    @classmethod
    def create(cls, path, overwrite=False):
        path = str(path)
        if not path.lower().endswith(".gpkg"):
            raise WerkbankError("{}: een werkbank is een GeoPackage; gebruik de extensie .gpkg.".format(path))
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(folder):
            raise WerkbankError("{}: de map {} bestaat niet.".format(path, folder))
        if os.path.exists(path):
            if not overwrite:
                raise WerkbankError("{}: het bestand bestaat al; kies een andere naam of overschrijven.".format(path))
            if not os.access(path, os.W_OK):
                raise WerkbankError("{}: het bestaande bestand is niet schrijfbaar.".format(path))
        if not os.access(folder, os.W_OK):
            raise WerkbankError("{}: de map {} is niet schrijfbaar.".format(path, folder))
        # Build in a temporary file, then move into place: never a half-made werkbank.
        tmp = path + ".tmp-{}".format(uuid.uuid4().hex[:8])
        conn = None
        try:
            conn = cls._raw_connect(tmp)
            conn.execute("PRAGMA application_id = {}".format(GPKG_APPLICATION_ID))
            conn.execute("PRAGMA user_version = {}".format(GPKG_USER_VERSION))
            wb = cls(path, conn)
            wb._create_gpkg_core()
            wb._apply_migrations(0)
            conn.close()
            conn = None
            os.replace(tmp, path)
        except sqlite3.Error as e:
            raise WerkbankError("{}: aanmaken mislukt: {}".format(path, e)) from e
        finally:
            if conn is not None:  # a failure (a full disk) never leaves the half file open
                conn.close()
            for f in (tmp, tmp + "-journal", tmp + "-wal", tmp + "-shm"):
                if os.path.exists(f):
                    os.remove(f)
        return cls.open(path)

    @classmethod
    def open(cls, path, readonly=False, check=None):
        """Open an existing GeoPackage werkbank.

        ``PRAGMA quick_check`` (a read of the whole file: ~170 ms at national size) runs on the first open of
        a path in this process and again whenever the file changed behind our back (another size, mtime or
        inode than when it was last known good); ``check=True`` forces it, ``check=False`` skips it.  Writes
        through this class keep the file known good (see :meth:`close`).
        """
        path = str(path)
        if not os.path.isfile(path):
            raise WerkbankError("{}: werkbank niet gevonden.".format(path))
        if not readonly and not os.access(path, os.W_OK):
            raise WerkbankError(
                "{}: de werkbank is niet schrijfbaar (alleen-lezen locatie?). Open hem alleen-lezen "
                "of kopieer hem naar een schrijfbare map.".format(path)
            )
        not_gpkg = "{}: geen GeoPackage (het bestand is leeg, afgebroken of van een ander type).".format(path)
        # Never open the file itself here (a header sniff with open() was): closing any descriptor of a file drops
        # every POSIX lock this process holds on it, also those of a connection still open on the werkbank (the
        # desktop session's); another program reading it then took the -wal as abandoned and deleted it, and
        # the session's next writes were lost.  SQLite tells a file that is no database itself.
        if os.path.getsize(path) < 100:  # an empty file would be a new, empty database to SQLite
            raise WerkbankError(not_gpkg)
        try:
            conn = None
            try:
                conn = cls._raw_connect(path, readonly=readonly)
                conn.execute("PRAGMA schema_version").fetchone()
            except sqlite3.DatabaseError as e:
                if conn is not None:
                    conn.close()  # SQLite's own close keeps the other connections' locks (it defers the fd)
                if "not a database" in str(e) or "file is encrypted" in str(e):
                    raise WerkbankError(not_gpkg) from None
                raise
            real = os.path.realpath(path)
            if check or (check is None and _KNOWN_GOOD.get(real) != _file_state(real)):
                _KNOWN_GOOD.pop(real, None)
                ok = conn.execute("PRAGMA quick_check").fetchone()[0]
                if ok != "ok":
                    conn.close()
                    raise WerkbankError("{}: het GeoPackage is beschadigd ({}).".format(path, ok))
                _KNOWN_GOOD[real] = _file_state(real)
        except sqlite3.DatabaseError as e:
            raise WerkbankError("{}: geen leesbaar GeoPackage ({}).".format(path, e)) from e
        wb = cls(path, conn, readonly=readonly)
        wb._opened_file = _file_identity(real)  # device, inode of the file opened
        return wb

    def close(self):
        """Close; a file that was known good before our own writes stays known good (no re-check on reopen)."""
        was_open = self.conn is not None
        super().close()
        if was_open and not self.readonly:
            real = os.path.realpath(str(self.target))
            state = _file_state(real)
            opened = getattr(self, "_opened_file", None)
            # only the file this connection wrote: one swapped in meanwhile (another inode) is not known good
            if real in _KNOWN_GOOD and (opened is None or (state is not None and state[:2] == opened)):
                _KNOWN_GOOD[real] = state

    def describe(self):
        return os.path.basename(str(self.target))

    def _settle_after_failure(self):
        """A write that failed on a full disk or an I/O error leaves SQLite's pager in its error state: the
        transaction is void, but the pages already written and the rollback journal stay on disk until the next
        read plays the journal back.  A copy or backup of the .gpkg taken meanwhile (without its -journal) would
        hold half a write; so read once now, which restores the file byte for byte and removes the journal.  If
        even that fails, the journal stays and the next open of the werkbank restores it."""
        try:
            self.conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
        except sqlite3.Error:
            pass

    def _translate_error(self, exc):
        if not isinstance(exc, sqlite3.OperationalError):
            return None
        msg = str(exc).lower()
        if "full" in msg:
            text = "de schijf is vol"
        elif "readonly" in msg or "read-only" in msg:
            text = "de werkbank of de map is alleen-lezen"
        elif "locked" in msg or "busy" in msg:
            text = ("de werkbank is vergrendeld door een ander programma of een andere gebruiker "
                    "(voor gelijktijdig werken: gebruik een teamwerkbank op PostGIS)")
        elif "i/o" in msg or "disk" in msg:
            text = "schrijffout op de schijf"
        else:
            return None
        return WerkbankError("{}: opslaan mislukt: {} ({}). Er is niets opgeslagen; de werkbank is ongewijzigd.".format(
            self.describe(), text, exc))

    def _begin(self, cur):
        cur.execute("BEGIN IMMEDIATE")

    def _existing_tables(self):
        return [r["name"] for r in self.query("SELECT name FROM sqlite_master WHERE type='table'")]

    def _create_gpkg_core(self):
        c = self.conn
        c.execute("BEGIN")
        c.execute(
            "CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY,"
            " organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL,"
            " definition TEXT NOT NULL, description TEXT)"
        )
        c.executemany(
            "INSERT INTO gpkg_spatial_ref_sys VALUES (?,?,?,?,?,?)",
            [
                ("Undefined cartesian SRS", -1, "NONE", -1, "undefined", "undefined cartesian coordinate reference system"),
                ("Undefined geographic SRS", 0, "NONE", 0, "undefined", "undefined geographic coordinate reference system"),
                ("WGS 84 geodetic", 4326, "EPSG", 4326, WGS84_WKT, "longitude/latitude WGS 84"),
                ("Amersfoort / RD New", SRID, "EPSG", SRID, RD_NEW_WKT, "Rijksdriehoekstelsel"),
            ],
        )
        c.execute(
            "CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,"
            " identifier TEXT UNIQUE, description TEXT DEFAULT '',"
            " last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),"
            " min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,"
            " CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))"
        )
        c.execute(
            "CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,"
            " geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,"
            " CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),"
            " CONSTRAINT uk_gc_table_name UNIQUE (table_name),"
            " CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),"
            " CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))"
        )
        c.execute(
            "CREATE TABLE schema_version (version INTEGER NOT NULL PRIMARY KEY, applied TEXT NOT NULL,"
            " description TEXT)"
        )
        c.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description)"
            " VALUES ('schema_version', 'attributes', 'schema_version', 'Toegepaste schemaversies van de werkbank')"
        )
        c.execute("COMMIT")

    def _table_ddl(self, table):
        cols = ['"{}" INTEGER PRIMARY KEY AUTOINCREMENT'.format(FID)]
        cols += [self._column_ddl(c) for c in table.columns]
        if table.spatial:
            cols.append('"{}" {}'.format(GEOM, table.geometry_type))
        cols += list(table.table_constraints)
        return 'CREATE TABLE "{}" ({})'.format(table.name, ", ".join(cols))

    def _apply_migrations(self, from_version):
        """A migration that rebuilds a table runs with foreign keys off: dropping a parent table with them on
        would delete (cascade) or empty the rows of every table that refers to it.  SQLite only switches them
        outside a transaction, so here, around the one migration transaction (all or nothing as always)."""
        if not any(m.rebuild_tables for m in MIGRATIONS if m.version > from_version):
            return super()._apply_migrations(from_version)
        if self._in_tx:
            raise WerkbankError("{}: de werkbank kan niet binnen een lopende transactie worden bijgewerkt.".format(
                self.describe()))
        self.conn.execute("PRAGMA foreign_keys = OFF")
        try:
            return super()._apply_migrations(from_version)
        finally:
            self.conn.execute("PRAGMA foreign_keys = ON")

    def _rebuild_table(self, tx, table):
        """SQLite cannot change a column's constraints (drop a NOT NULL, a DEFAULT): the table is built again
        with the definition ``table`` (the same columns in the same order) inside the migration transaction.
        Rows keep their fid, values and geometry; the table's own indexes and triggers (row version, audit,
        R-tree maintenance) are re-created from their stored SQL; the R-tree itself (a table of its own, keyed
        by fid), the GeoPackage registration (gpkg_contents, gpkg_geometry_columns, gpkg_extensions: by table
        name) and the AUTOINCREMENT counter stay as they were.  Needs foreign keys off (see
        :meth:`_apply_migrations`): with them on, the DROP would cascade into every referring table."""
        name = table.name
        if tx.execute("PRAGMA foreign_keys").fetchone()[0]:
            raise WerkbankError("{}: tabel {} opnieuw opbouwen kan alleen met foreign keys uit; er is niets "
                                "gewijzigd.".format(self.describe(), name))
        cols = [FID] + table.column_names + ([GEOM] if table.spatial else [])
        have = [r[1] for r in tx.execute('PRAGMA table_info("{}")'.format(name)).fetchall()]
        if sorted(have) != sorted(cols):
            raise WerkbankError("{}: tabel {} heeft andere kolommen dan verwacht ({}); bijwerken afgebroken, er is "
                                "niets gewijzigd.".format(self.describe(), name, ", ".join(have)))
        saved = [r[0] for r in tx.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') AND sql NOT NULL "
            "ORDER BY type = 'trigger', rowid", (name,)).fetchall()]
        seq = tx.execute("SELECT max(seq) FROM sqlite_sequence WHERE name = ?", (name,)).fetchone()[0]
        n = tx.execute('SELECT count(*) FROM "{}"'.format(name)).fetchone()[0]
        listed = ", ".join('"{}"'.format(c) for c in cols)
        tmp = "pmiek_rebuild_{}".format(name)
        tx.execute('DROP TABLE IF EXISTS temp."{}"'.format(tmp))
        tx.execute('CREATE TEMP TABLE "{}" AS SELECT {} FROM "{}"'.format(tmp, listed, name))
        tx.execute('DROP TABLE "{}"'.format(name))  # its indexes and triggers go with it
        tx.execute(self._table_ddl(table))
        tx.execute('INSERT INTO "{0}" ({1}) SELECT {1} FROM temp."{2}" ORDER BY "{3}"'.format(name, listed, tmp, FID))
        tx.execute('DROP TABLE temp."{}"'.format(tmp))
        if tx.execute('SELECT count(*) FROM "{}"'.format(name)).fetchone()[0] != n:
            raise WerkbankError("{}: tabel {} opnieuw opbouwen gaf een ander aantal rijen; bijwerken afgebroken, "
                                "er is niets gewijzigd.".format(self.describe(), name))
        for stmt in saved:
            tx.execute(stmt)
        last = tx.execute("SELECT max(seq) FROM sqlite_sequence WHERE name = ?", (name,)).fetchone()[0]
        if seq is not None and (last is None or last < seq):  # a deleted last row's fid is never given again
            tx.execute("DELETE FROM sqlite_sequence WHERE name = ?", (name,))
            tx.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (name, seq))

    def _create_table(self, tx, table):
        tx.execute(self._table_ddl(table))
        data_type = "features" if table.spatial else "attributes"
        tx.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id)"
            " VALUES (?,?,?,?,?)",
            (table.name, data_type, table.name, table.doc, SRID if table.spatial else None),
        )
        if table.spatial:
            tx.execute(
                "INSERT INTO gpkg_geometry_columns VALUES (?,?,?,?,0,0)",
                (table.name, GEOM, table.geometry_type, SRID),
            )

    BULK_ROWS = 1000  # from this many inserted rows on, indexes and the R-tree are filled once after the INSERT

    def _insert_rows(self, tx, t, sql, rows, new, n):
        """A bulk insert (``BULK_ROWS`` rows or more) works like ogr2ogr: the per-row triggers that the API does
        not need (the R-tree's insert trigger, which calls ST_MinX ... five times per row, and the audit trigger,
        which only checks that the API audits this table itself) are dropped and re-created from their own stored
        SQL inside this transaction, so they are back before anyone else sees the table (a failure rolls the drop
        back too).  Into an empty table the secondary indexes are built once afterwards and an empty R-tree is
        written as packed nodes (:func:`rtree.bulk_load`); otherwise the R-tree gets exactly the rows the trigger
        would have given.  Returns the new rows' fids of a bulk insert (AUTOINCREMENT: above the largest fid
        before), None for a smaller one (nothing more is read then)."""
        from .rtree import bulk_load

        blobs = new.blobs
        if n < self.BULK_ROWS:
            tx.executemany(sql, rows)
            return None
        last = tx.execute('SELECT max("{}") FROM "{}"'.format(FID, t.name)).fetchone()[0] or 0
        rtree = "rtree_{}_{}".format(t.name, GEOM)
        names = ["pmiek_audit_{}_insert".format(t.name)] + (["{}_insert".format(rtree)] if blobs is not None else [])
        found = tx.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? AND sql NOT NULL AND (type = 'trigger' "
            "AND name IN ({}) OR type = 'index' AND ? = 0 AND upper(sql) NOT LIKE 'CREATE UNIQUE%')".format(
                ", ".join("?" * len(names))), [t.name] + names + [last]).fetchall()
        if found and last == 0 and tx.execute('SELECT 1 FROM "{}" LIMIT 1'.format(t.name)).fetchone():
            found = [f for f in found if f[0] == "trigger"]  # rows with fid 0 or below: keep the indexes
        for kind, name, _sql in found:
            tx.execute('DROP {} "{}"'.format(kind.upper(), name))
        tx.insert_many(sql, rows)
        fids = [r[0] for r in tx.execute('SELECT "{0}" FROM "{1}" WHERE "{0}" > ? ORDER BY "{0}"'.format(
            FID, t.name), (last,)).fetchall()]
        if any(name == "{}_insert".format(rtree) for _k, name, _s in found):
            if len(fids) == len(blobs):  # the new rows, in the order they were inserted
                ids, boxes = new.envelopes(fids)
                # an empty R-tree gets packed nodes at once; otherwise what the trigger's INSERT OR REPLACE would
                # replace, then a plain INSERT (a quarter faster)
                if not len(ids) or not bulk_load(tx, rtree, ids, boxes):
                    tx.execute('DELETE FROM "{}" WHERE id > ?'.format(rtree), (last,))
                    tx.insert_many('INSERT INTO "{}" VALUES (?, ?, ?, ?, ?)'.format(rtree),
                                   [(i,) + tuple(b) for i, b in zip(ids.tolist(), boxes.tolist())])
            else:  # not expected; the trigger's own statement for the new rows
                tx.execute('INSERT OR REPLACE INTO "{0}" SELECT "{1}", ST_MinX("{2}"), ST_MaxX("{2}"), '
                           'ST_MinY("{2}"), ST_MaxY("{2}") FROM "{3}" WHERE "{1}" > ? AND "{2}" NOT NULL AND '
                           'NOT ST_IsEmpty("{2}")'.format(rtree, FID, GEOM, t.name), (last,))
        for _kind, _name, create in found:
            tx.execute(create)
        return fids if len(fids) == n else None

    def _audit_inserts_in_db(self, tx, t, new, fids, fingerprints, ts, who):
        """The audit rows of a bulk insert built by SQLite from the rows just written (one INSERT ... SELECT, no
        Python loop over 240,000 rows): the same row key and the same JSON members as :meth:`_audit_frame`'s loop
        (the non-empty written values, in column order, and the geometry fingerprint), numbers as SQLite's JSON
        writes them (15 significant digits).  Columns empty in every new row are not named at all, and only a row
        with a missing named value goes through ``json_patch``, which drops the nulls (it parses the object again)."""
        cols = [new.cols[i] for i in new.filled]
        if not t.key or t.key not in cols:
            return False
        first, last = fids[0], fids[-1]
        members = ", ".join("'{0}', t.\"{0}\"".format(c) for c in cols)
        geom, join, gaps = "", "", new.gaps
        nones = fingerprints.count(None) if fingerprints is not None else 0
        if fingerprints is not None and nones < len(fingerprints):
            gaps = gaps or nones > 0
            tx.execute("CREATE TEMP TABLE IF NOT EXISTS pmiek_audit_geom (fid INTEGER PRIMARY KEY, text TEXT)")
            tx.execute("DELETE FROM temp.pmiek_audit_geom")
            tx.insert_many("INSERT INTO temp.pmiek_audit_geom VALUES (?, ?)",
                           ((f, g) for f, g in zip(fids, fingerprints) if g is not None) if nones else
                           zip(fids, fingerprints))
            geom = ", '{}', g.text".format(GEOM)
            join = " LEFT JOIN temp.pmiek_audit_geom g ON g.fid = t.\"{}\"".format(FID)
        values = "json_object({}{})".format(members, geom)
        if gaps:  # json_patch drops the nulls, but parses each object again: only for the rows that have one
            empty = " OR ".join(['t."{}" IS NULL'.format(c) for c in cols] + (["g.text IS NULL"] if geom else []))
            values = "CASE WHEN {} THEN json_patch('{{}}', {}) ELSE {} END".format(empty, values, values)
        tx.execute(
            "INSERT INTO audit_log (table_name, row_key, action, changed_by, changed_at, old_values, new_values)"
            " SELECT ?, CAST(t.\"{key}\" AS TEXT), 'insert', ?, ?, NULL, {values}"
            " FROM \"{table}\" t{join} WHERE t.\"{fid}\" BETWEEN ? AND ? ORDER BY t.\"{fid}\"".format(
                key=t.key, values=values, join=join, table=t.name, fid=FID),
            (t.name, who, ts, first, last))
        if join:
            tx.execute("DELETE FROM temp.pmiek_audit_geom")
        return True

    def _after_write(self, tx, table):
        tx.execute(
            "UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name = ?",
            (table,),
        )

    def layer_uri(self, table, geometry_type=None):
        """OGR data source string for QGIS (``|geometrytype=`` splits mixed layers)."""
        uri = "{}|layername={}".format(os.path.abspath(str(self.target)), table)
        if geometry_type:
            uri += "|geometrytype={}".format(geometry_type)
        return uri
