"""Audit triggers (schema 5): the database itself records every insert, update and delete in ``audit_log``.

Edits saved through QGIS's own save, plain SQL, GDAL, a colleague's QGIS on
the shared PostGIS werkbank: each row change writes an ``audit_log`` row
(table, key, action, who, when, old and new values as JSON; a geometry as a
short marker).  Who: on PostGIS the database login (``current_user``); on a
GeoPackage (no logins) the row's ``modified_by`` when the edit set it, else
``onbekend (buiten pMIEK)``.

The storage API (``write_frame``, ``update_row``, ``delete_rows`` ...) writes
its own, richer audit rows (geometry as WKT, the assessor's name) in the same
transaction; while it does, it puts a row in ``audit_suppress`` (inserted and
deleted inside its own transaction, so no other connection ever sees it) and
the triggers stand aside.  Everything else an API transaction does with plain
SQL (station capacity, programme fields) is recorded by the triggers; inside
``Werkbank.sql_by(tx)`` as by the API's user (a marker row that names the
writer and silences no table), else as ``onbekend (buiten pMIEK)``.

Only core SQLite functions (``json_object``, ``strftime``), so QGIS and GDAL
can keep editing the GeoPackage.  A later migration that adds columns to an
audited GeoPackage table re-creates that table's triggers with
``audit_trigger_sql`` (PostGIS needs nothing: ``to_jsonb(row)``).
"""

AUDIT_SUPPRESS = "audit_suppress"
AUDIT_FUNCTION = "pmiek_audit"
TRIGGER = "pmiek_audit_{table}_{op}"
BOOKKEEPING = ("row_version", "modified", "modified_by")
UNKNOWN_GPKG_USER = "onbekend (buiten pMIEK)"
_NOW_GPKG = "strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')"
_CHUNK = 50  # json_object takes at most 127 arguments in a default SQLite build


def _q(name):
    return '"{}"'.format(name.replace('"', '""'))


def _key_columns(table, unique_columns):
    if table.key:
        return [table.key]
    if unique_columns:
        return list(unique_columns)
    return ["fid"]


def _json_sql(table, row, geom):
    cols = ["fid"] + [c.name for c in table.columns]
    parts = []
    for i in range(0, len(cols), _CHUNK):
        args = ", ".join("'{}', {}.{}".format(c, row, _q(c)) for c in cols[i:i + _CHUNK])
        parts.append("json_object({})".format(args))
    if geom:
        parts.append("json_object('geom', CASE WHEN {r}.geom IS NULL THEN NULL ELSE 'geometrie (' || "
                     "length({r}.geom) || ' bytes)' END)".format(r=row))
    expr = parts[0]
    for p in parts[1:]:
        expr = "json_patch({}, {})".format(expr, p)
    return expr


def audit_trigger_sql(backend, table, unique_columns=None, per_table=False):
    """Statements installing the audit triggers on ``table`` (a schema.Table) for ``backend`` (gpkg | postgis).

    ``per_table`` (schema 8): the triggers stand aside only for the table the API is writing
    (``audit_suppress.table_name``), so rows a cascade changes in other tables are still recorded.
    """
    keys = _key_columns(table, unique_columns)
    names = {op: TRIGGER.format(table=table.name, op=op) for op in ("insert", "update", "delete")}
    if backend == "postgis":
        args = ", ".join("'{}'".format(k) for k in keys)
        return ['DROP TRIGGER IF EXISTS "{}" ON {}'.format(names["insert"], _q(table.name)),
                'CREATE TRIGGER "{n}" AFTER INSERT OR UPDATE OR DELETE ON {t} FOR EACH ROW EXECUTE FUNCTION '
                '{f}({a})'.format(n=names["insert"], t=_q(table.name), f=AUDIT_FUNCTION, a=args)]
    if backend != "gpkg":
        raise ValueError("onbekende backend: {}".format(backend))
    geom = bool(table.geometry_type)
    has_by = "modified_by" in table.column_names

    def key(row):
        return " || '/' || ".join("CAST({}.{} AS TEXT)".format(row, _q(k)) for k in keys)

    free = "NOT EXISTS (SELECT 1 FROM {})".format(AUDIT_SUPPRESS)
    if per_table:
        free = "NOT EXISTS (SELECT 1 FROM {} WHERE table_name IS NULL OR table_name = '{}')".format(
            AUDIT_SUPPRESS, table.name)
    data_cols = [c.name for c in table.columns if c.name not in BOOKKEEPING] + (["geom"] if geom else [])
    changed = " OR ".join("NEW.{c} IS NOT OLD.{c}".format(c=_q(c)) for c in data_cols) or "0"
    unknown = "'{}'".format(UNKNOWN_GPKG_USER)
    if per_table:  # a cascade from an API write: the API's user is in its audit_suppress row
        unknown = "COALESCE((SELECT writer FROM {} LIMIT 1), '{}')".format(AUDIT_SUPPRESS, UNKNOWN_GPKG_USER)
    who_new = "COALESCE(NEW.modified_by, {})".format(unknown) if has_by else unknown
    who_upd = ("CASE WHEN NEW.modified_by IS NOT OLD.modified_by AND NEW.modified_by IS NOT NULL "
               "THEN NEW.modified_by ELSE {} END".format(unknown)) if has_by else unknown
    insert = ("INSERT INTO audit_log (table_name, row_key, action, changed_by, changed_at, old_values, new_values) "
              "VALUES ('{t}', {{key}}, '{{action}}', {{who}}, {now}, {{old}}, {{new}});").format(t=table.name, now=_NOW_GPKG)
    t = _q(table.name)
    return [
        'DROP TRIGGER IF EXISTS "{}"'.format(names["insert"]),
        'DROP TRIGGER IF EXISTS "{}"'.format(names["update"]),
        'DROP TRIGGER IF EXISTS "{}"'.format(names["delete"]),
        'CREATE TRIGGER "{n}" AFTER INSERT ON {t} FOR EACH ROW WHEN {free} BEGIN {body} END'.format(
            n=names["insert"], t=t, free=free, body=insert.format(
                key=key("NEW"), action="insert", who=who_new, old="NULL", new=_json_sql(table, "NEW", geom))),
        'CREATE TRIGGER "{n}" AFTER UPDATE ON {t} FOR EACH ROW WHEN {free} AND ({changed}) BEGIN {body} END'.format(
            n=names["update"], t=t, free=free, changed=changed, body=insert.format(
                key=key("NEW"), action="update", who=who_upd, old=_json_sql(table, "OLD", geom),
                new=_json_sql(table, "NEW", geom))),
        'CREATE TRIGGER "{n}" AFTER DELETE ON {t} FOR EACH ROW WHEN {free} BEGIN {body} END'.format(
            n=names["delete"], t=t, free=free, body=insert.format(
                key=key("OLD"), action="delete", who=unknown,
                old=_json_sql(table, "OLD", geom), new="NULL")),
    ]


_POSTGIS_AUDIT_TEMPLATE = (
    "CREATE OR REPLACE FUNCTION {f}() RETURNS trigger LANGUAGE plpgsql AS $body$\n"
    "DECLARE\n"
    "  suppressed boolean;\n"
    "  o jsonb;\n"
    "  n jsonb;\n"
    "  k text;\n"
    "  geo boolean := false;\n"
    "BEGIN\n"
    "{check}"
    "  IF suppressed THEN RETURN NULL; END IF;\n"
    "  IF TG_OP <> 'INSERT' THEN o := to_jsonb(OLD); END IF;\n"
    "  IF TG_OP <> 'DELETE' THEN n := to_jsonb(NEW); END IF;\n"
    "  IF TG_OP = 'UPDATE' THEN\n"
    "    geo := (o -> 'geom') IS DISTINCT FROM (n -> 'geom');\n"
    "    IF NOT geo AND (o - 'geom' - 'row_version' - 'modified' - 'modified_by')\n"
    "                 = (n - 'geom' - 'row_version' - 'modified' - 'modified_by') THEN\n"
    "      RETURN NULL;\n"
    "    END IF;\n"
    "  END IF;\n"
    "  IF (o -> 'geom') IS NOT NULL THEN o := o - 'geom' || jsonb_build_object('geom', CASE WHEN o -> 'geom' = 'null'::jsonb\n"
    "    THEN NULL ELSE 'geometrie' END); END IF;\n"
    "  IF (n -> 'geom') IS NOT NULL THEN n := n - 'geom' || jsonb_build_object('geom', CASE WHEN n -> 'geom' = 'null'::jsonb\n"
    "    THEN NULL ELSE 'geometrie' END); END IF;\n"
    "  SELECT string_agg(COALESCE(n, o) ->> c, '/' ORDER BY i) INTO k\n"
    "    FROM unnest(TG_ARGV) WITH ORDINALITY AS a(c, i);\n"
    "  EXECUTE format('INSERT INTO %I.audit_log (table_name, row_key, action, changed_by, changed_at, old_values,'\n"
    "                 ' new_values) VALUES ($1, $2, $3, $4, $5, $6, $7)', TG_TABLE_SCHEMA)\n"
    "    USING TG_TABLE_NAME, COALESCE(k, ''), lower(TG_OP), current_user::text,\n"
    "          to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') || '+00:00', o::text, n::text;\n"
    "  RETURN NULL;\n"
    "END\n"
    "$body$"
)

# Schema 5: the API suppresses every audit trigger of the werkbank while it writes its own rows.
POSTGIS_AUDIT_FUNCTION = _POSTGIS_AUDIT_TEMPLATE.format(
    f=AUDIT_FUNCTION, check="  EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.{s})', TG_TABLE_SCHEMA) INTO suppressed;\n"
    .format(s=AUDIT_SUPPRESS))


# Schema 8: the API suppresses the triggers of the table it writes only (cascades elsewhere are recorded).
POSTGIS_AUDIT_FUNCTION_V8 = _POSTGIS_AUDIT_TEMPLATE.format(
    f=AUDIT_FUNCTION,
    check=("  EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.{s} WHERE table_name IS NULL OR table_name = $1)',\n"
           "                 TG_TABLE_SCHEMA) INTO suppressed USING TG_TABLE_NAME;\n").format(s=AUDIT_SUPPRESS))
