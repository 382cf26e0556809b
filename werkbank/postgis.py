"""The werkbank on PostgreSQL/PostGIS: one programme per PostgreSQL schema.

Same API, schema and migrations as the GeoPackage backend (:mod:`.storage`);
this module only supplies the backend hooks: ``?`` placeholders become
``%s``, DDL is rendered from :mod:`.schema` (``fid`` identity column,
``geometry(<type>, 28992)``, the same CHECK/FOREIGN KEY/UNIQUE constraints),
geometries travel as WKB through ``ST_GeomFromWKB``/``ST_AsBinary``.

Targets (all with an optional schema, default ``pmiek``)::

    postgresql://user@host:5432/db?schema=pmiek_utrecht&authcfg=ab12cd3
    pg:QGIS_CONNECTION_NAME/pmiek_utrecht        (a saved QGIS PostgreSQL connection)
    service=pmiek schema=pmiek_utrecht           (pg_service.conf)
    dbname=db host=h user=u authcfg=ab12cd3 schema=pmiek_utrecht

Credentials: an ``authcfg=`` id (or the one of the QGIS connection) is
resolved through QGIS's authentication manager when QGIS runs (``qgis`` is
imported lazily; without QGIS a full URI, a service or ``~/.pgpass`` works).
Passwords are used to connect and then dropped: they are never written to the
werkbank, never in :meth:`layer_uri`, ``target``, ``describe()`` or any message.
"""

import functools
import re
from urllib.parse import parse_qsl, unquote, urlsplit

from . import gpkg_geometry
from .safety import mask_secrets
from .schema import FID, GEOM, SRID
from .storage import Werkbank, WerkbankError

DEFAULT_SCHEMA = "pmiek"
_SCHEMA_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_KV_RE = re.compile(r"(\w+)\s*=\s*('(?:[^'\\]|\\.)*'|\S+)")
# Keys of a QGIS data source URI that are not libpq connection parameters.
_QGIS_ONLY_KEYS = {
    "table", "key", "srid", "type", "sql", "estimatedmetadata", "checkprimarykeyunicity", "selectatid",
    "authcfg", "schema", "mode", "qgis_connection",
}
_PG_TYPES = {"TEXT": "TEXT", "INTEGER": "INTEGER", "REAL": "DOUBLE PRECISION"}
_GEOM_TYPES = {"POINT": "Point", "MULTIPOLYGON": "MultiPolygon", "GEOMETRY": "Geometry",
               "LINESTRING": "LineString", "MULTILINESTRING": "MultiLineString", "POLYGON": "Polygon",
               "MULTIPOINT": "MultiPoint"}


class PgTarget:
    """A parsed PostgreSQL target: libpq parameters (without password), schema, authcfg."""

    def __init__(self, params, schema=DEFAULT_SCHEMA, authcfg=None, connection_name=None):
        self.params = dict(params)
        self.schema = schema or DEFAULT_SCHEMA
        self.authcfg = authcfg or None
        self.connection_name = connection_name
        self.user_from_auth = False

    def __repr__(self):
        return "PgTarget({})".format(self.safe_target())

    def safe_target(self):
        """The target as text, without any password (safe to store, show and log)."""
        if self.connection_name:
            return "pg:{}/{}".format(self.connection_name, self.schema)
        p = {k: v for k, v in self.params.items() if k != "password"}
        parts = []
        for k in ("service", "host", "port", "dbname", "user", "sslmode"):
            if p.get(k) and not (k == "user" and self.user_from_auth):
                parts.append("{}={}".format(k, _kv_quote(p[k])))
        for k, v in sorted(p.items()):
            if k not in ("service", "host", "port", "dbname", "user", "sslmode") and v:
                parts.append("{}={}".format(k, _kv_quote(v)))
        if self.authcfg:
            parts.append("authcfg={}".format(self.authcfg))
        parts.append("schema={}".format(self.schema))
        return " ".join(parts)

    def describe(self):
        p = self.params
        where = p.get("service") and "service {}".format(p["service"]) or "{}{}/{}".format(
            p.get("host") or "localhost", ":" + str(p["port"]) if p.get("port") else "", p.get("dbname") or "")
        if self.connection_name:
            where = "verbinding '{}' ({})".format(self.connection_name, where)
        return mask_secrets("PostGIS {}, schema {}".format(where, self.schema))


def _kv_quote(v):
    v = str(v)
    if v and re.match(r"^[^\s'\\]+$", v):
        return v
    return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _kv_unquote(v):
    if len(v) >= 2 and v[0] == v[-1] == "'":
        return re.sub(r"\\(.)", r"\1", v[1:-1])
    return v


def parse_kv(text):
    """``key=value key2='v a l'`` (libpq / QGIS data source syntax) -> dict."""
    return {k.lower() if k.lower() != "dbname" else "dbname": _kv_unquote(v) for k, v in _KV_RE.findall(text)}


def parse_target(target):
    """A target string -> (:class:`PgTarget`, password or None).  Raises WerkbankError."""
    t = str(target).strip()
    password = None
    if t.startswith("pg:"):
        rest = t[3:]
        name, _, schema = rest.partition("/")
        if not name:
            raise WerkbankError("Geef de naam van een QGIS PostgreSQL-verbinding op: pg:NAAM/schema.")
        params, authcfg, password = _qgis_connection(name)
        pg = PgTarget(params, schema or DEFAULT_SCHEMA, authcfg, connection_name=name)
    elif t.startswith(("postgresql://", "postgres://")):
        u = urlsplit(t)
        params = {}
        if u.hostname:
            params["host"] = unquote(u.hostname)
        if u.port:
            params["port"] = str(u.port)
        if u.username:
            params["user"] = unquote(u.username)
        if u.password:
            password = unquote(u.password)
        db = unquote(u.path.lstrip("/"))
        if db:
            params["dbname"] = db
        query = dict(parse_qsl(u.query, keep_blank_values=True))
        schema = query.pop("schema", None)
        authcfg = query.pop("authcfg", None)
        password = query.pop("password", None) or password
        params.update({k: v for k, v in query.items() if k.lower() not in _QGIS_ONLY_KEYS})
        pg = PgTarget(params, schema or DEFAULT_SCHEMA, authcfg)
    else:
        kv = parse_kv(t)
        if not kv:
            raise WerkbankError("Onbekend PostgreSQL-doel: {}".format(mask_secrets(t)))
        if "database" in kv and "dbname" not in kv:
            kv["dbname"] = kv.pop("database")
        if "username" in kv and "user" not in kv:
            kv["user"] = kv.pop("username")
        password = kv.pop("password", None)
        schema = kv.get("schema")
        authcfg = kv.get("authcfg")
        params = {k: v for k, v in kv.items() if k not in _QGIS_ONLY_KEYS and v != ""}
        pg = PgTarget(params, schema or DEFAULT_SCHEMA, authcfg)
    pg.schema = pg.schema.strip()
    if not _SCHEMA_RE.match(pg.schema):
        raise WerkbankError(
            "Ongeldige schemanaam '{}': gebruik kleine letters, cijfers en _ (max. 63 tekens), "
            "bijv. pmiek_utrecht.".format(pg.schema)
        )
    return pg, password


def _qgis_connection(name):
    """Parameters of a saved QGIS PostgreSQL connection (needs QGIS)."""
    try:
        from qgis.core import QgsProviderRegistry, QgsSettings  # noqa: PLC0415 - optional
    except ImportError as e:
        raise WerkbankError(
            "De verbinding 'pg:{}' is een QGIS-verbinding; die kan alleen binnen QGIS worden gebruikt. "
            "Geef buiten QGIS een volledige postgresql://-URI of service= op.".format(name)
        ) from e
    uri = None
    try:
        md = QgsProviderRegistry.instance().providerMetadata("postgres")
        conn = md.findConnection(name) if md is not None else None
        if conn is not None:
            uri = conn.uri()
    except Exception:  # noqa: BLE001 - fall back to the settings
        uri = None
    if uri:
        kv = parse_kv(uri)
    else:
        s = QgsSettings()
        base = "PostgreSQL/connections/{}/".format(name)
        if not s.contains(base + "database") and not s.contains(base + "service"):
            raise WerkbankError("QGIS PostgreSQL-verbinding '{}' niet gevonden.".format(name))
        kv = {}
        for key, pkey in (("host", "host"), ("port", "port"), ("database", "dbname"), ("service", "service"),
                          ("username", "user"), ("password", "password"), ("sslmode", "sslmode"),
                          ("authcfg", "authcfg")):
            v = s.value(base + key, "")
            if v not in (None, ""):
                kv[pkey] = str(v)
    if "database" in kv:
        kv["dbname"] = kv.pop("database")
    password = kv.pop("password", None) or None
    authcfg = kv.get("authcfg") or None
    params = {k: v for k, v in kv.items() if k not in _QGIS_ONLY_KEYS and v not in ("", None)}
    ssl = params.get("sslmode", "")
    if ssl.startswith("Ssl"):  # QGIS enum names -> libpq
        params["sslmode"] = {"SslDisable": "disable", "SslAllow": "allow", "SslPrefer": "prefer",
                             "SslRequire": "require", "SslVerifyCa": "verify-ca",
                             "SslVerifyFull": "verify-full"}.get(ssl, "prefer")
    return params, authcfg, password


def _resolve_authcfg(authcfg):
    """(user, password) of a QGIS authentication configuration id."""
    try:
        from qgis.core import QgsApplication, QgsAuthMethodConfig  # noqa: PLC0415 - optional
    except ImportError as e:
        raise WerkbankError(
            "authcfg={} vraagt de QGIS-authenticatiebeheerder; die is alleen binnen QGIS beschikbaar.".format(authcfg)
        ) from e
    am = QgsApplication.authManager() if QgsApplication.instance() is not None else None
    if am is None:
        raise WerkbankError("authcfg={}: de QGIS-authenticatiebeheerder is niet gestart.".format(authcfg))
    cfg = QgsAuthMethodConfig()
    ok = am.loadAuthenticationConfig(authcfg, cfg, True)
    if not ok or not cfg.isValid():
        raise WerkbankError(
            "authcfg={}: deze authenticatieconfiguratie bestaat niet of kan niet worden ontsleuteld "
            "(hoofdwachtwoord van QGIS?).".format(authcfg)
        )
    return cfg.config("username") or None, cfg.config("password") or None


def connect(target, readonly=False, schema=None):
    """Open a psycopg2 connection for ``target``; returns (wrapped connection, PgTarget).

    ``schema`` overrides the schema named in the target.
    """
    pg, password = parse_target(target)
    if schema is not None:
        if not _SCHEMA_RE.match(schema):
            raise WerkbankError("Ongeldige schemanaam '{}'.".format(schema))
        pg.schema = schema
    try:
        import psycopg2  # noqa: PLC0415 - optional dependency
    except ImportError as e:
        raise WerkbankError(
            "De PostgreSQL-driver psycopg2 ontbreekt; installeer python3-psycopg2 (make setup)."
        ) from e
    kwargs = dict(pg.params)
    if pg.authcfg:
        user, pw = _resolve_authcfg(pg.authcfg)
        if user and not kwargs.get("user"):
            kwargs["user"] = user
            pg.user_from_auth = True
        if pw:
            password = pw
    if password:
        kwargs["password"] = password
    kwargs.setdefault("application_name", "pMIEK Werkbank")
    kwargs.setdefault("connect_timeout", "15")
    try:
        raw = psycopg2.connect(**kwargs)
    except psycopg2.Error as e:
        msg = _clean(e, password)
        raise WerkbankError("{}: verbinden met PostgreSQL mislukt: {}".format(pg.describe(), msg)) from None
    finally:
        password = None
        kwargs.pop("password", None)
    raw.autocommit = True
    return _PgConn(raw, pg, readonly), pg


def _clean(err, password=None):
    msg = str(getattr(err, "pgerror", None) or err).strip()
    if password:
        msg = msg.replace(password, "***")
    return mask_secrets(msg)


class _PgCursor:
    """A psycopg2 cursor whose ``executemany`` sends batches (fast over a network)."""

    def __init__(self, cur):
        self._cur = cur

    def execute(self, sql, params=()):
        self._cur.execute(sql, tuple(params) if params is not None else ())
        return self

    def executemany(self, sql, rows):
        from psycopg2.extras import execute_batch  # noqa: PLC0415

        execute_batch(self._cur, sql, [tuple(r) for r in rows], page_size=500)
        return self

    def fetchall(self):
        return self._cur.fetchall()

    def fetchone(self):
        return self._cur.fetchone()

    def __iter__(self):
        return iter(self._cur)

    @property
    def description(self):
        return self._cur.description

    @property
    def rowcount(self):
        return self._cur.rowcount

    def close(self):
        self._cur.close()


class _PgConn:
    """psycopg2 connection in autocommit mode with explicit BEGIN/COMMIT/ROLLBACK.

    Reads outside :meth:`Werkbank.transaction` then never leave an idle open
    transaction (which would hold locks on a shared server).
    """

    def __init__(self, raw, pg, readonly=False):
        self.raw = raw
        self.pg = pg
        self.readonly = readonly

    def cursor(self):
        return _PgCursor(self.raw.cursor())

    def _in_tx(self):
        import psycopg2.extensions as ext  # noqa: PLC0415

        return self.raw.info.transaction_status in (ext.TRANSACTION_STATUS_INTRANS, ext.TRANSACTION_STATUS_INERROR)

    def commit(self):
        if self._in_tx():
            with self.raw.cursor() as c:
                c.execute("COMMIT")

    def rollback(self):
        if self.raw.closed:
            return
        try:
            if self._in_tx():
                with self.raw.cursor() as c:
                    c.execute("ROLLBACK")
        except Exception:  # noqa: BLE001 - a broken connection has nothing to roll back
            pass

    def close(self):
        if not self.raw.closed:
            self.rollback()
            self.raw.close()

    @property
    def closed(self):
        return self.raw.closed


@functools.lru_cache(maxsize=512)
def _translate(sql):
    """``?`` placeholders -> ``%s`` (outside quotes), literal ``%`` -> ``%%``."""
    out = []
    quote = None
    for ch in sql:
        if quote:
            if ch == quote:
                quote = None
            out.append("%%" if ch == "%" else ch)
        elif ch in ("'", '"'):
            quote = ch
            out.append(ch)
        elif ch == "%":
            out.append("%%")
        elif ch == "?":
            out.append("%s")
        else:
            out.append(ch)
    return "".join(out)


def _ident(name):
    return '"{}"'.format(str(name).replace('"', '""'))


class PostgisWerkbank(Werkbank):
    """A werkbank in one schema of a PostgreSQL database with PostGIS."""

    backend = "postgis"
    layer_provider = "postgres"  # QGIS provider key for layer_uri()

    def __init__(self, target, conn, readonly=False):
        super().__init__(conn.pg.safe_target(), conn, readonly=readonly)
        self.user = getattr(conn, "login", None) or self.user  # the database login, not the OS user
        self.pg = conn.pg
        self.schema = conn.pg.schema

    # ---- life cycle ------------------------------------------------------------
    @classmethod
    def _connect_target(cls, target, readonly=False, schema=None):
        conn, pg = connect(target, readonly=readonly, schema=schema)
        try:
            cur = conn.raw.cursor()
            cur.execute(
                "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
                " WHERE e.extname = 'postgis'"
            )
            row = cur.fetchone()
            ext_schema = row[0] if row else None
            path = [_ident(pg.schema)] + ([_ident(ext_schema)] if ext_schema and ext_schema != pg.schema else [])
            if "public" not in (ext_schema, pg.schema):
                path.append("public")
            cur.execute("SET search_path TO " + ", ".join(path))
            cur.execute("SELECT current_user")
            conn.login = cur.fetchone()[0]  # modified_by and the audit trail record the database login
            if readonly:
                cur.execute("SET default_transaction_read_only = on")
            cur.close()
        except Exception as e:
            conn.close()
            raise WerkbankError("{}: {}".format(pg.describe(), _clean(e))) from None
        return conn, ext_schema

    @classmethod
    def create(cls, target, overwrite=False, schema=None):
        conn, ext_schema = cls._connect_target(target, schema=schema)
        pg = conn.pg
        try:
            if ext_schema is None:
                try:
                    with conn.raw.cursor() as c:
                        c.execute("CREATE EXTENSION IF NOT EXISTS postgis")
                except Exception as e:  # noqa: BLE001
                    raise WerkbankError(
                        "{}: PostGIS is niet geïnstalleerd in deze database en aanmaken mocht niet ({}). "
                        "Vraag de beheerder: CREATE EXTENSION postgis;".format(pg.describe(), _clean(e))
                    ) from None
                conn.close()
                conn, ext_schema = cls._connect_target(target, schema=schema)
            wb = cls(target, conn)
            with wb.transaction() as tx:
                tx.execute("SELECT pg_advisory_xact_lock(hashtext(?))", ("pmiek:" + pg.schema,))
                tables = [r["table_name"] for r in tx.query(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = ?", (pg.schema,))]
                if tables:
                    if "schema_version" not in tables:
                        raise WerkbankError(
                            "{}: het schema bestaat al en bevat andere tabellen ({}); kies een ander schema.".format(
                                pg.describe(), ", ".join(sorted(tables)[:5]))
                        )
                    if not overwrite:
                        raise WerkbankError(
                            "{}: hier staat al een werkbank; kies een ander schema of overschrijven.".format(
                                pg.describe())
                        )
                    tx.execute("DROP SCHEMA {} CASCADE".format(_ident(pg.schema)))
                tx.execute("CREATE SCHEMA IF NOT EXISTS {}".format(_ident(pg.schema)))
                tx.execute(
                    "CREATE TABLE schema_version (version INTEGER NOT NULL PRIMARY KEY, applied TEXT NOT NULL,"
                    " description TEXT)"
                )
                tx.execute("COMMENT ON TABLE schema_version IS ?", ("Toegepaste schemaversies van de werkbank",))
                wb._apply_migrations(0)
        except WerkbankError:
            conn.close()
            raise
        except Exception as e:
            conn.close()
            raise WerkbankError("{}: aanmaken mislukt: {}".format(pg.describe(), _clean(e))) from None
        return wb

    @classmethod
    def open(cls, target, readonly=False, schema=None):
        conn, ext_schema = cls._connect_target(target, readonly=readonly, schema=schema)
        pg = conn.pg
        with conn.raw.cursor() as c:
            c.execute("SELECT 1 FROM information_schema.schemata WHERE schema_name = %s", (pg.schema,))
            found = c.fetchone()
        if not found:
            conn.close()
            raise WerkbankError(
                "{}: werkbank niet gevonden (schema {} bestaat niet). Maak hem met 'Nieuwe werkbank maken' "
                "of kopieer een GeoPackage-werkbank met 'Werkbank kopiëren'.".format(pg.describe(), pg.schema)
            )
        if ext_schema is None:
            conn.close()
            raise WerkbankError("{}: PostGIS is niet geïnstalleerd in deze database.".format(pg.describe()))
        return cls(target, conn, readonly=readonly)

    def describe(self):
        return self.pg.describe()

    def _translate_error(self, exc):
        try:
            import psycopg2  # noqa: PLC0415
        except ImportError:
            return None
        if isinstance(exc, (psycopg2.OperationalError, psycopg2.InterfaceError)):
            return WerkbankError(
                "{}: opslaan mislukt, de verbinding met de PostgreSQL-server is verbroken of geweigerd ({}). "
                "Er is niets opgeslagen.".format(self.describe(), _clean(exc)))
        if isinstance(exc, psycopg2.errors.ReadOnlySqlTransaction):
            return WerkbankError("{}: u hebt alleen leesrechten op deze werkbank; er is niets opgeslagen.".format(
                self.describe()))
        return None

    # ---- hooks -------------------------------------------------------------------
    def _sql(self, sql):
        return _translate(sql)

    def _begin(self, cur):
        cur.execute("BEGIN")

    def _apply_migrations(self, from_version):
        # One migrator at a time per programme: other users opening the same werkbank wait.
        with self.transaction() as tx:
            tx.execute("SELECT pg_advisory_xact_lock(hashtext(?))", ("pmiek:" + self.schema,))
            rows = tx.query("SELECT MAX(version) AS v FROM schema_version")
            current = int(rows[0]["v"] or 0)
            super()._apply_migrations(max(current, from_version))

    def _geom_param(self, table=None):
        return "ST_GeomFromWKB(?, {})".format(self.srid)

    def _geom_select(self, col):
        return "ST_AsBinary({}, 'NDR')".format(col)

    def _encode_geoms(self, geoms, table=None):
        import numpy as np
        import shapely

        arr = gpkg_geometry.object_array(geoms)
        out = [None] * len(arr)
        if len(arr) == 0:
            return out
        if table is not None and table.geometry_type == "MULTIPOLYGON":
            # The column is geometry(MultiPolygon): a Polygon becomes a one-part MultiPolygon.
            is_poly = shapely.get_type_id(arr) == 3
            if is_poly.any():
                arr = arr.copy()
                arr[is_poly] = [shapely.MultiPolygon([g]) if not g.is_empty else shapely.MultiPolygon()
                                for g in arr[is_poly]]
        present = ~shapely.is_missing(arr)
        idx = np.nonzero(present)[0]
        if len(idx):
            wkb = shapely.to_wkb(arr[idx], byte_order=1, flavor="iso")
            for k, i in enumerate(idx):
                out[i] = wkb[k]
        return out

    def _decode_geoms(self, values):
        import numpy as np
        import shapely

        wkbs = [None if v is None else bytes(v) for v in values]
        if not wkbs:
            return np.array([], dtype=object)
        return shapely.from_wkb(gpkg_geometry.object_array(wkbs))

    def _column_ddl(self, col):
        return "{} {} {}".format(_ident(col.name), _PG_TYPES.get(col.type.upper(), col.type), col.constraint).strip()

    def _rebuild_table(self, tx, table):
        """PostgreSQL alters a column in place: the migration's ``sql_by_backend["postgis"]`` does it."""

    def _create_table(self, tx, table):
        cols = ["{} INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY".format(_ident(FID))]
        cols += [self._column_ddl(c) for c in table.columns]
        if table.spatial:
            gtype = _GEOM_TYPES.get(table.geometry_type.upper(), table.geometry_type)
            cols.append("{} geometry({}, {})".format(_ident(GEOM), gtype, SRID))
        cols += list(table.table_constraints)
        tx.execute("CREATE TABLE {} ({})".format(_ident(table.name), ", ".join(cols)))
        if table.spatial:
            tx.execute("CREATE INDEX {} ON {} USING GIST ({})".format(
                _ident("sidx_{}_{}".format(table.name, GEOM)), _ident(table.name), _ident(GEOM)))
        if table.doc:
            tx.execute("COMMENT ON TABLE {} IS ?".format(_ident(table.name)), (table.doc,))
        for c in table.columns:
            if c.doc:
                tx.execute("COMMENT ON COLUMN {}.{} IS ?".format(_ident(table.name), _ident(c.name)), (c.doc,))

    def _existing_tables(self):
        return [r["table_name"] for r in self.query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = ?", (self.schema,))]

    def reset_sequences(self, tx=None):
        """Let every ``fid`` identity continue after the highest fid (after copying rows with fids)."""
        def run(t):
            for name in self.tables():
                t.execute(
                    "SELECT setval(pg_get_serial_sequence(?, 'fid'), COALESCE((SELECT MAX(fid) FROM {}), 0) + 1,"
                    " false)".format(_ident(name)),
                    ("{}.{}".format(_ident(self.schema), _ident(name)),),
                )
        if tx is not None:
            run(tx)
        else:
            with self.transaction() as t:
                run(t)

    def layer_uri(self, table, geometry_type=None):
        """QGIS ``postgres`` data source URI for a table (never with a password)."""
        from .schema import TABLES

        p = self.pg.params
        parts = []
        if p.get("service"):
            parts.append("service='{}'".format(p["service"]))
        if p.get("dbname"):
            parts.append("dbname='{}'".format(p["dbname"]))
        if p.get("host"):
            parts.append("host={}".format(p["host"]))
        if p.get("port"):
            parts.append("port={}".format(p["port"]))
        if p.get("user") and not self.pg.user_from_auth:
            parts.append("user='{}'".format(p["user"]))
        if p.get("sslmode"):
            parts.append("sslmode={}".format(p["sslmode"]))
        if self.pg.authcfg:
            parts.append("authcfg={}".format(self.pg.authcfg))
        parts.append("key='{}'".format(FID))
        t = TABLES.get(table)
        spatial = t is not None and t.spatial
        if spatial:
            parts.append("srid={}".format(self.srid))
            gtype = geometry_type or (t.geometry_type if t.geometry_type != "GEOMETRY" else None)
            if gtype:
                parts.append("type={}".format(_GEOM_TYPES.get(str(gtype).upper(), gtype)))
        parts.append("checkPrimaryKeyUnicity='0'")
        tbl = 'table="{}"."{}"'.format(self.schema, table)
        if spatial:
            tbl += " ({})".format(GEOM)
        parts.append(tbl)
        return mask_secrets(" ".join(parts))
