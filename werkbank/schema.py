"""The werkbank schema, described once and rendered for every backend.

A table is a :class:`Table` with columns in portable SQL (TEXT, INTEGER, REAL,
CHECK, REFERENCES ...).  Every table gets an integer primary key ``fid`` (QGIS
needs one) and, when spatial, a geometry column ``geom`` in EPSG:28992.
Backends (GeoPackage, PostGIS) turn this description into DDL, so the schema
and its migrations exist in one place only.

Migrations are numbered; ``MIGRATIONS[n]`` brings a werkbank from version n-1
to n.  A werkbank records every applied version in ``schema_version``.
"""

from dataclasses import dataclass, field

from . import enums as E
from .audit_sql import AUDIT_SUPPRESS, POSTGIS_AUDIT_FUNCTION, POSTGIS_AUDIT_FUNCTION_V8, audit_trigger_sql
from .rtree import rtree_sql

SRID = 28992
GEOM = "geom"
FID = "fid"


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # TEXT | INTEGER | REAL
    constraint: str = ""
    doc: str = ""


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple
    geometry_type: str = None  # POINT | MULTIPOLYGON | GEOMETRY | None
    key: str = None  # the stable id column used for upserts
    doc: str = ""
    table_constraints: tuple = field(default_factory=tuple)

    @property
    def spatial(self):
        return self.geometry_type is not None

    def column(self, name):
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def column_names(self):
        return [c.name for c in self.columns]


def C(name, type_, constraint="", doc=""):
    return Column(name, type_, constraint, doc)


def _check(col, enum, nullable=True):
    cond = "{c} IN {v}".format(c=col, v=E.sql_in(enum))
    if nullable:
        cond = "{c} IS NULL OR {cond}".format(c=col, cond=cond)
    return "CHECK ({})".format(cond)


YEAR_CHECK = "CHECK ({c} IS NULL OR ({c} BETWEEN 1990 AND 2100))"
NONNEG = "CHECK ({c} IS NULL OR {c} >= 0)"
BOOL = "NOT NULL DEFAULT 0 CHECK ({c} IN (0, 1))"

# Columns every editable table carries for optimistic concurrency and audit.
EDIT_COLUMNS = (
    C("row_version", "INTEGER", "NOT NULL DEFAULT 1", "verhoogd bij elke wijziging"),
    C("modified", "TEXT", "", "tijdstip laatste wijziging (ISO 8601, UTC)"),
    C("modified_by", "TEXT", "", "gebruiker van de laatste wijziging"),
)


def _y(c):
    return YEAR_CHECK.format(c=c)


def _nn(c):
    return NONNEG.format(c=c)


def _b(c):
    return BOOL.format(c=c)


PROGRAMME = Table(
    "programme",
    (
        C("programme_id", "TEXT", "NOT NULL UNIQUE"),
        C("name", "TEXT", "NOT NULL", "naam van het programma"),
        C("province", "TEXT", "NOT NULL", "provincie"),
        C("province_code", "TEXT", "", "CBS-code provincie (PV20..PV31)"),
        C("round", "TEXT", "", "ronde, bijv. pMIEK 2.0"),
        C("version", "TEXT", "", "versie binnen de ronde"),
        C("peildatum", "TEXT", "", "peildatum van de gegevens (JJJJ-MM-DD)"),
        C("disclaimer", "TEXT", "", "disclaimer op elke uitvoer"),
        C("horizon_years", "TEXT", "NOT NULL DEFAULT '2025,2030,2035'", "zichtjaren capaciteitsbalans"),
        C("krap_threshold_pct", "REAL", "NOT NULL DEFAULT 10", "balans < dit % van capaciteit = krap"),
        C("created", "TEXT", "NOT NULL"),
    )
    + EDIT_COLUMNS,
    key="programme_id",
    doc="Gegevens van het programma (één rij).",
)

STATIONS = Table(
    "stations",
    (
        C("station_id", "TEXT", "NOT NULL UNIQUE", "stabiele id (bron-id of UUID)"),
        C("name", "TEXT", "NOT NULL"),
        C("netbeheerder", "TEXT"),
        C("voltage_kv", "REAL", _nn("voltage_kv")),
        C("voltage_level", "TEXT", "CHECK (voltage_level IS NULL OR voltage_level IN ('EHS','HS','TS','MS'))"),
        C("source", "TEXT"),
        C("source_id", "TEXT"),
        C("peildatum", "TEXT"),
        C("note", "TEXT"),
    )
    + EDIT_COLUMNS,
    geometry_type="POINT",
    key="station_id",
    doc="Stations (HS/MS, TS) met hun netbeheerder en spanningsniveau.",
)

STATION_CAPACITY = Table(
    "station_capacity",
    (
        C("station_id", "TEXT", "NOT NULL REFERENCES stations(station_id) ON DELETE CASCADE ON UPDATE CASCADE"),
        C("year", "INTEGER", "NOT NULL " + _y("year")),
        C("afname_mw", "REAL", _nn("afname_mw"), "beschikbare afnamecapaciteit (MW)"),
        C("teruglevering_mw", "REAL", _nn("teruglevering_mw"), "beschikbare terugleveringscapaciteit (MW)"),
        C("source", "TEXT"),
        C("peildatum", "TEXT"),
    ),
    doc="Capaciteit per station per zichtjaar.",
    table_constraints=("UNIQUE (station_id, year)",),
)

CAPACITY_AREAS = Table(
    "capacity_areas",
    (
        C("area_id", "TEXT", "NOT NULL UNIQUE"),
        C("name", "TEXT"),
        C("station_id", "TEXT", "", "station dat het gebied voedt (indien bekend)"),
        C("netbeheerder", "TEXT"),
        C("afname_colour", "TEXT", _check("afname_colour", E.CAPACITY_COLOURS)),
        C("invoeding_colour", "TEXT", _check("invoeding_colour", E.CAPACITY_COLOURS)),
        C("afname_available_mw", "REAL"),
        C("invoeding_available_mw", "REAL"),
        C("afname_queue_mw", "REAL", _nn("afname_queue_mw")),
        C("invoeding_queue_mw", "REAL", _nn("invoeding_queue_mw")),
        C("afname_alleviation_year", "INTEGER", _y("afname_alleviation_year")),
        C("invoeding_alleviation_year", "INTEGER", _y("invoeding_alleviation_year")),
        C("peildatum", "TEXT"),
        C("source", "TEXT"),
        C("source_id", "TEXT"),
    )
    + EDIT_COLUMNS,
    geometry_type="MULTIPOLYGON",
    key="area_id",
    doc="Capaciteitskaart: kleur per richting (afname/invoeding), beschikbare capaciteit en wachtrij.",
)

KENGETALLEN = Table(
    "kengetallen",
    (
        C("kengetal_id", "TEXT", "NOT NULL UNIQUE"),
        C("sector", "TEXT", "NOT NULL " + _check("sector", E.SECTORS, nullable=False)),
        C("unit", "TEXT", "NOT NULL", "eenheid van de hoeveelheid (woning, ha, MWp, laadpunt ...)"),
        C("demand_mw_per_unit", "REAL", "NOT NULL DEFAULT 0 " + _nn("demand_mw_per_unit")),
        C("supply_mw_per_unit", "REAL", "NOT NULL DEFAULT 0 " + _nn("supply_mw_per_unit")),
        C("description", "TEXT"),
        C("source", "TEXT"),
    )
    + EDIT_COLUMNS,
    key="kengetal_id",
    doc="Kengetallen om hoeveelheden om te rekenen naar MW.",
)

DEVELOPMENTS = Table(
    "developments",
    (
        C("dev_id", "TEXT", "NOT NULL UNIQUE", "bron-id of UUID"),
        C("source_id", "TEXT"),
        C("source", "TEXT", "", "naam van de bron (dataset)"),
        C("name", "TEXT"),
        C("sector", "TEXT", "NOT NULL " + _check("sector", E.SECTORS, nullable=False)),
        C("municipality", "TEXT"),
        C("year_ready", "INTEGER", _y("year_ready")),
        C("phase", "TEXT", _check("phase", E.DEVELOPMENT_PHASES)),
        C("demand_mw", "REAL", _nn("demand_mw")),
        C("supply_mw", "REAL", _nn("supply_mw")),
        C("energy_carrier", "TEXT", _check("energy_carrier", E.ENERGY_CARRIERS)),
        C("units", "REAL", _nn("units"), "hoeveelheid (woningen, ha, MWp ...)"),
        C("unit", "TEXT"),
        C("kengetal_id", "TEXT", "", "kengetal waarmee MW is afgeleid (leeg = MW uit bron)"),
        C("dwellings", "INTEGER", _nn("dwellings")),
        C("jobs", "INTEGER", _nn("jobs")),
        C("station_id", "TEXT", "", "expliciete toewijzing aan een station"),
        C("note", "TEXT"),
    )
    + EDIT_COLUMNS,
    geometry_type="GEOMETRY",
    key="dev_id",
    doc="Ruimtelijke ontwikkelingen die energie vragen of leveren.",
)

KNOOPPUNTEN = Table(
    "knooppunten",
    (
        C("knooppunt_id", "TEXT", "NOT NULL UNIQUE"),
        C("name", "TEXT", "NOT NULL"),
        C("karakter", "TEXT", _check("karakter", E.KNOOPPUNT_KARAKTER)),
        C("description", "TEXT"),
        C("session_date", "TEXT", "", "datum ontwerpsessie"),
    )
    + EDIT_COLUMNS,
    geometry_type="MULTIPOLYGON",
    key="knooppunt_id",
    doc="Knooppunten/hotspots uit de ontwerpsessies.",
)

PROJECTS = Table(
    "projects",
    (
        C("project_id", "TEXT", "NOT NULL UNIQUE"),
        C("code", "TEXT", "", "projectnummer in de pMIEK-lijst"),
        C("name", "TEXT", "NOT NULL"),
        C("location_description", "TEXT", "", "locatie, zo specifiek mogelijk"),
        C("municipalities", "TEXT"),
        C("type_infra", "TEXT", _check("type_infra", E.TYPE_INFRA)),
        C("energy_carrier", "TEXT", _check("energy_carrier", E.ENERGY_CARRIERS)),
        C("netbeheerder", "TEXT"),
        C("phase", "TEXT", _check("phase", E.PROJECT_PHASES)),
        C("ibn_year", "INTEGER", _y("ibn_year"), "jaar van inbedrijfname"),
        C("planning", "TEXT", "", "planning in woorden"),
        C("investment_eur", "REAL", _nn("investment_eur")),
        C("financial_cover", "TEXT", _check("financial_cover", E.FINANCIAL_COVER)),
        C("financial_note", "TEXT"),
        C("parties", "TEXT", "", "betrokken partijen en hun rol"),
        C("narrative", "TEXT", "", "narratief: waarom dit project"),
        C("reason_inclusion", "TEXT", "", "reden van opname in het pMIEK"),
        C("phase_developments", "TEXT", "", "fase van de onderliggende ontwikkelingen"),
        C("dependencies_pmiek", "TEXT"),
        C("dependencies_nmiek", "TEXT"),
        C("dependencies_outside", "TEXT", "", "afhankelijkheden buiten de provincie"),
        C("station_id", "TEXT", "", "station waarvan dit project de capaciteit vergroot"),
        C("knooppunt_id", "TEXT", "REFERENCES knooppunten(knooppunt_id) ON DELETE SET NULL ON UPDATE CASCADE"),
        C("capacity_afname_mw", "REAL", _nn("capacity_afname_mw"), "extra afnamecapaciteit vanaf IBN"),
        C("capacity_teruglevering_mw", "REAL", _nn("capacity_teruglevering_mw"), "extra terugleveringscapaciteit"),
        C("status", "TEXT", "NOT NULL DEFAULT 'kandidaat' " + _check("status", E.PROJECT_STATUS, nullable=False)),
        C("status_reason", "TEXT", "", "reden van opname/afvallen"),
        C("route", "TEXT", _check("route", E.ROUTES)),
        C("in_ip", "INTEGER", _b("in_ip"), "opgenomen in investeringsplan netbeheerder"),
        C("ip_reference", "TEXT", "", "ID/projectnummer in het investeringsplan"),
        C("bevoegd_gezag", "TEXT"),
        C("confidential", "INTEGER", _b("confidential"), "vertrouwelijk: niet in uitvoer"),
        C("source", "TEXT"),
    )
    + EDIT_COLUMNS,
    geometry_type="GEOMETRY",
    key="project_id",
    doc="Infraprojecten (projectenlijst en projectfiche).",
    table_constraints=(
        "CHECK (status <> 'afgevallen' OR (status_reason IS NOT NULL AND length(trim(status_reason)) > 0))",
    ),
)

PROJECT_LINKS = Table(
    "project_links",
    (
        C("link_id", "TEXT", "NOT NULL UNIQUE"),
        C("project_id", "TEXT", "NOT NULL REFERENCES projects(project_id) ON DELETE CASCADE ON UPDATE CASCADE"),
        C("dev_id", "TEXT", "NOT NULL REFERENCES developments(dev_id) ON DELETE CASCADE ON UPDATE CASCADE"),
        C("share_mw", "REAL", _nn("share_mw")),
        C("share_pct", "REAL", "CHECK (share_pct IS NULL OR (share_pct >= 0 AND share_pct <= 100))"),
        C("motivation", "TEXT"),
    )
    + EDIT_COLUMNS,
    key="link_id",
    doc="Welke ontwikkelingen een project mogelijk maakt (veel-op-veel).",
    table_constraints=("UNIQUE (project_id, dev_id)",),
)

PROJECT_DEPENDENCIES = Table(
    "project_dependencies",
    (
        C("dependency_id", "TEXT", "NOT NULL UNIQUE"),
        C("project_id", "TEXT", "NOT NULL REFERENCES projects(project_id) ON DELETE CASCADE ON UPDATE CASCADE"),
        C("kind", "TEXT", "NOT NULL " + _check("kind", E.DEPENDENCY_KINDS, nullable=False)),
        C("depends_on_project_id", "TEXT", "REFERENCES projects(project_id) ON DELETE SET NULL"),
        C("description", "TEXT"),
    ),
    key="dependency_id",
    doc="Afhankelijkheden: andere pMIEK-projecten, nMIEK, buiten de provincie.",
)

CRITERIA = Table(
    "criteria",
    (
        C("criterion_id", "TEXT", "NOT NULL UNIQUE", "A..H of eigen code"),
        C("name", "TEXT", "NOT NULL"),
        C("question", "TEXT", "", "te onderzoeken vraag"),
        C("grp", "TEXT", "NOT NULL " + _check("grp", E.CRITERION_GROUPS, nullable=False)),
        C("scale", "TEXT", "NOT NULL", "schaalwaarden, beste eerst, gescheiden door |"),
        C("points", "TEXT", "", "punten per schaalwaarde, gescheiden door |"),
        C("weight", "REAL", "NOT NULL DEFAULT 1 " + _nn("weight")),
        C("assessor_role", "TEXT", _check("assessor_role", E.ASSESSOR_ROLES)),
        C("sort_order", "INTEGER", "NOT NULL DEFAULT 0"),
    )
    + EDIT_COLUMNS,
    key="criterion_id",
    doc="Afwegingskader: criteria met groep, schaal, punten, gewicht en beoordelaar.",
)

SCORES = Table(
    "scores",
    (
        C("score_id", "TEXT", "NOT NULL UNIQUE"),
        C("project_id", "TEXT", "NOT NULL REFERENCES projects(project_id) ON DELETE CASCADE ON UPDATE CASCADE"),
        C("criterion_id", "TEXT", "NOT NULL REFERENCES criteria(criterion_id) ON DELETE CASCADE ON UPDATE CASCADE"),
        C("rating", "TEXT", "NOT NULL"),
        C("rationale", "TEXT", "NOT NULL CHECK (length(trim(rationale)) > 0)", "motivatie (verplicht)"),
        C("assessor", "TEXT", "NOT NULL"),
        C("assessor_role", "TEXT", _check("assessor_role", E.ASSESSOR_ROLES)),
        C("score_date", "TEXT", "NOT NULL"),
        C("agreed", "INTEGER", _b("agreed"), "1 = vastgestelde (gezamenlijke) waarde"),
    )
    + EDIT_COLUMNS,
    key="score_id",
    doc="Beoordelingen per project en criterium, met motivatie, beoordelaar en datum.",
    table_constraints=("UNIQUE (project_id, criterion_id, assessor)",),
)

ACTIONS = Table(
    "actions",
    (
        C("action_id", "TEXT", "NOT NULL UNIQUE"),
        C("project_id", "TEXT", "NOT NULL REFERENCES projects(project_id) ON DELETE CASCADE ON UPDATE CASCADE"),
        C("activity", "TEXT", "NOT NULL"),
        C("trekker", "TEXT", "", "trekker / verantwoordelijke"),
        C("involved", "TEXT", "", "betrokken partijen"),
        C("result", "TEXT", "", "doel en beoogd resultaat"),
        C("planning", "TEXT"),
        C("status", "TEXT", "CHECK (status IS NULL OR status IN ('open','lopend','gereed'))"),
    )
    + EDIT_COLUMNS,
    key="action_id",
    doc="Uitvoeringsafspraken (actielijst).",
)

MONITORING = Table(
    "monitoring",
    (
        C("monitoring_id", "TEXT", "NOT NULL UNIQUE"),
        C("project_id", "TEXT", "NOT NULL REFERENCES projects(project_id) ON DELETE CASCADE ON UPDATE CASCADE"),
        C("peildatum", "TEXT"),
        C("ibn_feasibility", "TEXT", "", "haalbaarheid IBN"),
        C("attention_points", "TEXT", "", "aandachtspunten (proces of risico)"),
        C("acceleration_action", "TEXT", "", "versnellingsactie"),
        C("trekker", "TEXT"),
        C("question_energyboard", "TEXT", "", "vraag aan energyboard"),
    )
    + EDIT_COLUMNS,
    key="monitoring_id",
    doc="Monitoringlijst.",
)

AUDIT = Table(
    "audit_log",
    (
        C("table_name", "TEXT", "NOT NULL"),
        C("row_key", "TEXT", "NOT NULL"),
        C("action", "TEXT", "NOT NULL CHECK (action IN ('insert','update','delete'))"),
        C("changed_by", "TEXT"),
        C("changed_at", "TEXT", "NOT NULL"),
        C("old_values", "TEXT", "", "JSON"),
        C("new_values", "TEXT", "", "JSON"),
    ),
    doc="Wie wijzigde wat en wanneer.",
)

TABLES_V1 = (
    PROGRAMME,
    STATIONS,
    STATION_CAPACITY,
    CAPACITY_AREAS,
    KENGETALLEN,
    DEVELOPMENTS,
    KNOOPPUNTEN,
    PROJECTS,
    PROJECT_LINKS,
    PROJECT_DEPENDENCIES,
    CRITERIA,
    SCORES,
    ACTIONS,
    MONITORING,
    AUDIT,
)

# Indexes portable to SQLite and PostgreSQL.
INDEXES_V1 = (
    ("developments", ("station_id",)),
    ("developments", ("sector",)),
    ("projects", ("station_id",)),
    ("projects", ("knooppunt_id",)),
    ("project_links", ("dev_id",)),
    ("scores", ("project_id",)),
    ("actions", ("project_id",)),
    ("monitoring", ("project_id",)),
    ("audit_log", ("table_name", "row_key")),
)

# ---- version 2: programme rounds and ontwikkelvarianten (issue 10, programme/) ----
ROUNDS = Table(
    "rounds",
    (
        C("round_id", "TEXT", "NOT NULL UNIQUE", "stabiele id van de bevroren ronde"),
        C("label", "TEXT", "NOT NULL", "naam/versie van de ronde, bijv. pMIEK 2.0"),
        C("round_date", "TEXT", "NOT NULL", "datum waarop de ronde is bevroren (JJJJ-MM-DD)"),
        C("snapshot", "TEXT", "NOT NULL", "bestandsnaam van de alleen-lezen kopie (relatief t.o.v. de werkbank of absoluut)"),
        C("sha256", "TEXT", "", "controlegetal (SHA-256) van het bevroren bestand"),
        C("frozen_at", "TEXT", "NOT NULL", "tijdstip van bevriezen (ISO 8601, UTC)"),
        C("frozen_by", "TEXT", "", "gebruiker die de ronde bevroor"),
        C("note", "TEXT", "", "toelichting"),
    ),
    key="round_id",
    doc="Bevroren rondes van het programma (alleen-lezen kopieën van de werkbank).",
)

VARIANTS = Table(
    "variants",
    (
        C("variant_id", "TEXT", "NOT NULL UNIQUE", "stabiele id van de ontwikkelvariant"),
        C("name", "TEXT", "NOT NULL UNIQUE", "naam van de ontwikkelvariant"),
        C("description", "TEXT", "", "omschrijving"),
        C("assumptions", "TEXT", "", "scenario-aannames als JSON, bijv. {\"demand_factor\": {\"wonen\": 1.2}, \"year_shift\": 2}"),
        C("sort_order", "INTEGER", "NOT NULL DEFAULT 0", "volgorde in overzichten"),
    )
    + EDIT_COLUMNS,
    key="variant_id",
    doc="Ontwikkelvarianten: benoemde sets projecten met scenario-aannames op de ontwikkelingen.",
)

VARIANT_PROJECTS = Table(
    "variant_projects",
    (
        C("variant_id", "TEXT", "NOT NULL REFERENCES variants(variant_id) ON DELETE CASCADE ON UPDATE CASCADE",
          "ontwikkelvariant"),
        C("project_id", "TEXT", "NOT NULL REFERENCES projects(project_id) ON DELETE CASCADE ON UPDATE CASCADE",
          "project dat in deze variant 'aan' staat"),
    ),
    doc="Welke projecten in welke ontwikkelvariant zitten (veel-op-veel).",
    table_constraints=("UNIQUE (variant_id, project_id)",),
)


class Migration:
    """One schema step; ``tables`` are created, ``sql`` statements run after.

    ``sql`` is portable SQL for every backend; ``sql_by_backend`` maps a backend
    name (``Werkbank.backend``: ``"gpkg"``, ``"postgis"``) to statements that run
    after ``sql`` on that backend only (triggers and functions differ per database).
    """

    def __init__(self, version, description, tables=(), indexes=(), sql=(), add_columns=(), sql_by_backend=None,
                 rebuild_tables=()):
        self.version = version
        self.description = description
        self.tables = tables
        self.indexes = indexes
        self.sql = sql
        self.add_columns = add_columns  # ((table_name, Column), ...)
        self.sql_by_backend = dict(sql_by_backend or {})
        # Tables whose columns change their constraints (same columns, same order): the GeoPackage rebuilds such a
        # table with this definition (SQLite cannot alter a column), keeping its rows, fids, indexes, triggers,
        # R-tree and registration (GeopackageWerkbank._rebuild_table); PostGIS alters the column in place with the
        # migration's sql_by_backend["postgis"].
        self.rebuild_tables = tuple(rebuild_tables)


# ---- version 3: every update bumps row_version, also edits made in QGIS itself -------------------
# Writes through the storage API set "row_version = row_version + 1" themselves; any other update
# (a QGIS attribute form, a drawing tool, plain SQL) leaves row_version as it was and the trigger
# bumps it by one and stamps "modified" (UTC, as now_iso(): 2025-07-01T12:00:00+00:00) unless the
# update set "modified" itself.  Only core SQL functions, so GDAL/QGIS can edit the GeoPackage.
ROW_VERSION_TRIGGER = "pmiek_row_version_{table}"
ROW_VERSION_FUNCTION = "pmiek_bump_row_version"


def row_version_trigger_sql(backend, table_name):
    """The statements that install the row_version trigger on one table (``backend``: gpkg | postgis).

    A later migration that creates a table with EDIT_COLUMNS adds these for its new table
    (on PostGIS the function from version 3 already exists).
    """
    name = ROW_VERSION_TRIGGER.format(table=table_name)
    if backend == "gpkg":
        return [
            'CREATE TRIGGER IF NOT EXISTS "{n}" AFTER UPDATE ON "{t}" FOR EACH ROW'
            " WHEN NEW.row_version = OLD.row_version"
            ' BEGIN UPDATE "{t}" SET row_version = OLD.row_version + 1,'
            " modified = CASE WHEN NEW.modified IS OLD.modified"
            " THEN strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now') ELSE NEW.modified END"
            ' WHERE "{fid}" = NEW."{fid}"; END'.format(n=name, t=table_name, fid=FID)
        ]
    if backend == "postgis":
        return [
            'DROP TRIGGER IF EXISTS "{n}" ON "{t}"'.format(n=name, t=table_name),
            'CREATE TRIGGER "{n}" BEFORE UPDATE ON "{t}" FOR EACH ROW EXECUTE FUNCTION {f}()'.format(
                n=name, t=table_name, f=ROW_VERSION_FUNCTION),
        ]
    raise ValueError("onbekende backend: {}".format(backend))


_POSTGIS_ROW_VERSION_TEMPLATE = (
    "CREATE OR REPLACE FUNCTION {f}() RETURNS trigger LANGUAGE plpgsql AS $body$\n"
    "BEGIN\n"
    "  IF NEW.row_version IS NOT DISTINCT FROM OLD.row_version THEN\n"
    "    NEW.row_version := COALESCE(OLD.row_version, 0) + 1;\n"
    "    IF NEW.modified IS NOT DISTINCT FROM OLD.modified THEN\n"
    "      NEW.modified := to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') || '+00:00';\n"
    "    END IF;\n"
    "{more}"
    "  END IF;\n"
    "  RETURN NEW;\n"
    "END\n"
    "$body$"
)
POSTGIS_ROW_VERSION_FUNCTION = _POSTGIS_ROW_VERSION_TEMPLATE.format(f=ROW_VERSION_FUNCTION, more="")

# The tables with EDIT_COLUMNS at version 2 (fixed: a later table adds its own trigger in its migration).
EDIT_TABLES_V3 = tuple(
    t.name for t in TABLES_V1 + (ROUNDS, VARIANTS, VARIANT_PROJECTS) if "row_version" in t.column_names
)

# The geometry tables at version 4 (fixed: a later geometry table adds ``rtree_sql`` for its own in its migration).
SPATIAL_TABLES_V4 = tuple(t.name for t in TABLES_V1 + (ROUNDS, VARIANTS, VARIANT_PROJECTS) if t.spatial)


# ---- version 7: on PostGIS an update outside the API also stamps modified_by with the database login ------
POSTGIS_ROW_VERSION_FUNCTION_V7 = _POSTGIS_ROW_VERSION_TEMPLATE.format(
    f=ROW_VERSION_FUNCTION,
    more=("    IF NEW.modified_by IS NOT DISTINCT FROM OLD.modified_by THEN\n"
          "      NEW.modified_by := current_user;\n"
          "    END IF;\n"))


# ---- version 5: audit triggers (werkbank/audit_sql.py) ------------------------------------------------
AUDIT_SUPPRESS_TABLE = Table(
    AUDIT_SUPPRESS,
    (C("writer", "TEXT", "", "de opslag-API schrijft zelf het wijzigingslog (alleen binnen haar eigen transactie)"),),
    doc="Hulptabel voor het wijzigingslog; altijd leeg buiten een lopende transactie.",
)
# Every data table at version 4 (fixed: a later table adds audit_trigger_sql for its own in its migration).
AUDITED_TABLES_V5 = tuple(t for t in TABLES_V1 + (ROUNDS, VARIANTS, VARIANT_PROJECTS) if t.name != "audit_log")


def _unique(t):
    for c in t.table_constraints:
        c = c.strip()
        if c.upper().startswith("UNIQUE"):
            return [x.strip().strip('"') for x in c[c.index("(") + 1: c.rindex(")")].split(",")]
    return None


# ---- version 6: the assessor's organisation is stored with each rating (with name and role) ---------------
ASSESSOR_ORG = C("assessor_org", "TEXT", "", "organisatie van de beoordelaar")
SCORES_V6 = Table(SCORES.name, SCORES.columns + (ASSESSOR_ORG,), SCORES.geometry_type, SCORES.key, SCORES.doc,
                  SCORES.table_constraints)


# ---- version 8: the API suppresses the audit triggers of the table it writes only (werkbank/audit_sql.py) ------
SUPPRESS_TABLE_NAME = C("table_name", "TEXT", "", "tabel waarvan de opslag-API zelf het wijzigingslog schrijft")
# The audited tables as they are at version 7 (fixed; scores has assessor_org since version 6).
AUDITED_TABLES_V8 = tuple(SCORES_V6 if t.name == "scores" else t for t in AUDITED_TABLES_V5)


# ---- version 9: "in investeringsplan" is three-valued: empty = niet opgegeven (it was NOT NULL DEFAULT 0, so a list
# without the column, or an empty cell, became "nee": invented data).  Existing values stay (a stored 0 stays 0: we
# cannot know whether it was given).
IN_IP_V9 = C("in_ip", "INTEGER", "CHECK (in_ip IS NULL OR in_ip IN (0, 1))",
             "opgenomen in investeringsplan netbeheerder (1 = ja, 0 = nee, leeg = niet opgegeven)")
PROJECTS_V9 = Table(PROJECTS.name, tuple(IN_IP_V9 if c.name == "in_ip" else c for c in PROJECTS.columns),
                    PROJECTS.geometry_type, PROJECTS.key, PROJECTS.doc, PROJECTS.table_constraints)


MIGRATIONS = [
    Migration(1, "Basisschema pMIEK Werkbank", TABLES_V1, INDEXES_V1),
    Migration(
        2,
        "Rondes en ontwikkelvarianten",
        (ROUNDS, VARIANTS, VARIANT_PROJECTS),
        (("variant_projects", ("project_id",)),),
        add_columns=(
            ("programme", C("frozen", "TEXT", "", "datum waarop deze ronde is bevroren (leeg = werkbank in bewerking)")),
        ),
    ),
    Migration(
        3,
        "Rijversie bij elke wijziging (ook bewerkingen in QGIS zelf)",
        sql_by_backend={
            "gpkg": [s for t in EDIT_TABLES_V3 for s in row_version_trigger_sql("gpkg", t)],
            "postgis": [POSTGIS_ROW_VERSION_FUNCTION]
            + [s for t in EDIT_TABLES_V3 for s in row_version_trigger_sql("postgis", t)],
        },
    ),
    Migration(
        4,
        "Ruimtelijke index (R-tree) op elke geometrietabel",
        sql_by_backend={
            "gpkg": [s for t in SPATIAL_TABLES_V4 for s in rtree_sql(t)],
            # PostGIS: every geometry column has had its GIST index since its creation
            "postgis": ['CREATE INDEX IF NOT EXISTS "sidx_{t}_geom" ON "{t}" USING GIST ("geom")'.format(t=t)
                        for t in SPATIAL_TABLES_V4],
        },
    ),
    Migration(
        5,
        "Wijzigingslog door de database zelf (triggers): ook bewaren in QGIS, SQL en capaciteit per station",
        (AUDIT_SUPPRESS_TABLE,),
        sql_by_backend={
            "gpkg": [s for t in AUDITED_TABLES_V5 for s in audit_trigger_sql("gpkg", t, _unique(t))],
            "postgis": [POSTGIS_AUDIT_FUNCTION]
            + [s for t in AUDITED_TABLES_V5 for s in audit_trigger_sql("postgis", t, _unique(t))],
        },
    ),
    Migration(
        6,
        "Organisatie van de beoordelaar bij elke waardering",
        add_columns=(("scores", ASSESSOR_ORG),),
        # the scores audit triggers (schema 5) list their columns: re-create them with the new column
        sql_by_backend={"gpkg": audit_trigger_sql("gpkg", SCORES_V6, _unique(SCORES_V6))},
    ),
    Migration(
        7,
        "PostGIS: een bewerking buiten de plugin (QGIS, SQL) legt de databaselogin vast als 'gewijzigd door'",
        sql_by_backend={"postgis": [POSTGIS_ROW_VERSION_FUNCTION_V7]},
    ),
    Migration(
        8,
        "Wijzigingslog: ook rijen die bij het verwijderen van een project mee verdwijnen worden vastgelegd",
        add_columns=((AUDIT_SUPPRESS, SUPPRESS_TABLE_NAME),),
        sql_by_backend={
            "gpkg": [s for t in AUDITED_TABLES_V8 for s in audit_trigger_sql("gpkg", t, _unique(t), per_table=True)],
            "postgis": [POSTGIS_AUDIT_FUNCTION_V8],
        },
    ),
    Migration(
        9,
        "Investeringsplan netbeheerder: leeg = niet opgegeven (voorheen gelezen als 'nee'); bestaande waarden blijven",
        rebuild_tables=(PROJECTS_V9,),
        sql_by_backend={
            "postgis": ['ALTER TABLE "projects" ALTER COLUMN "in_ip" DROP NOT NULL',
                        'ALTER TABLE "projects" ALTER COLUMN "in_ip" DROP DEFAULT'],
        },
    ),
]

# Later versions are added as new entries at the end of MIGRATIONS (never edit an applied one).



def _final_tables():
    """The tables as the newest schema has them (created, then extended)."""
    result = {}
    for m in MIGRATIONS:
        for t in m.tables:
            result[t.name] = t
        for tname, col in m.add_columns:
            t = result[tname]
            result[tname] = Table(t.name, t.columns + (col,), t.geometry_type, t.key, t.doc, t.table_constraints)
        for t in m.rebuild_tables:
            result[t.name] = t
    return result


TABLES = _final_tables()


def latest_version():
    return MIGRATIONS[-1].version


def table(name):
    return TABLES[name]
