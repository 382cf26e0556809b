"""The team werkbank on a real PostgreSQL/PostGIS server (started by scripts/pg_test_server.sh).

Every test gets its own schema (= its own programme) and drops it afterwards.
Without PMIEK_PG_URI these tests are skipped locally but FAIL under CI=true.
"""

import json
import os
import subprocess
import sys
import textwrap
import threading
import uuid
from urllib.parse import urlsplit

import pytest
import shapely

from pmiek_werkbank.werkbank import SchemaTooNewError, WerkbankError, create_werkbank, open_werkbank
from pmiek_werkbank.werkbank import schema as S
from pmiek_werkbank.werkbank.copy import content_digest, copy_werkbank
from pmiek_werkbank.werkbank.storage import ConflictError

pytestmark = pytest.mark.postgis

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _pg_uri():
    uri = os.environ.get("PMIEK_PG_URI")
    if not uri:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("PMIEK_PG_URI ontbreekt: de PostGIS-testserver is niet gestart (scripts/pg_test_server.sh).")
        pytest.skip("PMIEK_PG_URI niet gezet; start: eval \"$(bash scripts/pg_test_server.sh start)\"")
    return uri


def _with_schema(uri, schema):
    return uri + ("&" if "?" in uri else "?") + "schema=" + schema


@pytest.fixture
def pg_uri():
    return _pg_uri()


@pytest.fixture
def password(pg_uri):
    return urlsplit(pg_uri).password


@pytest.fixture
def schemas(pg_uri):
    """Hands out fresh schema names; drops them all afterwards."""
    import psycopg2

    made = []

    def new(prefix="t"):
        name = "{}_{}".format(prefix, uuid.uuid4().hex[:10])
        made.append(name)
        return name

    yield new
    conn = psycopg2.connect(pg_uri)
    conn.autocommit = True
    with conn.cursor() as c:
        c.execute("SELECT nspname FROM pg_namespace")
        existing = {r[0] for r in c.fetchall()}
        for name in existing:
            if any(name == m or name.startswith(m[:40] + "_kopie_") for m in made):
                c.execute('DROP SCHEMA "{}" CASCADE'.format(name))
    conn.close()


@pytest.fixture
def target(pg_uri, schemas):
    return _with_schema(pg_uri, schemas())


@pytest.fixture
def pgwb(target):
    wb = create_werkbank(target, "Teamprogramma", "Utrecht", province_code="PV26", peildatum="2026-01-01")
    yield wb
    wb.close()


def _sql(pg_uri, sql, params=()):
    import psycopg2

    conn = psycopg2.connect(pg_uri)
    conn.autocommit = True
    try:
        with conn.cursor() as c:
            c.execute(sql, params)
            return c.fetchall() if c.description else None
    finally:
        conn.close()


def _stations():
    import geopandas as gpd

    return gpd.GeoDataFrame(
        {"station_id": ["s1", "s2"], "name": ["Noord", "Zuid"], "voltage_kv": [150.0, 50.0],
         "voltage_level": ["HS", "TS"]},
        geometry=[shapely.Point(140000.125, 455000.5), shapely.Point(141000, 450000)], crs="EPSG:28992")


# ---- schema ---------------------------------------------------------------------------
def test_create_has_schema_constraints_and_types(pgwb, pg_uri):
    import psycopg2

    assert pgwb.backend == "postgis"
    assert pgwb.schema_version() == S.latest_version()
    assert set(pgwb.tables()) == set(S.TABLES)
    assert pgwb.programme()["name"] == "Teamprogramma"
    assert list(pgwb.read_frame("criteria")["criterion_id"]) == list("ABCDEFGH")
    # geometry(<type>, 28992) per spatial table, as in schema.py
    rows = _sql(pg_uri, "SELECT f_table_name, type, srid FROM geometry_columns WHERE f_table_schema = %s",
                (pgwb.schema,))
    got = {r[0]: (r[1], r[2]) for r in rows}
    want = {t.name: (t.geometry_type, 28992) for t in S.TABLES.values() if t.spatial}
    assert got == want
    # REAL must be double precision (no float4 rounding), fid an identity column
    types = dict(_sql(pg_uri, "SELECT column_name, data_type FROM information_schema.columns "
                              "WHERE table_schema = %s AND table_name = 'projects'", (pgwb.schema,)))
    assert types["investment_eur"] == "double precision" and types["fid"] == "integer"
    assert types["ibn_year"] == "integer" and types["name"] == "text"
    # CHECK, FOREIGN KEY and table constraints are enforced by the server
    with pytest.raises(psycopg2.IntegrityError):
        pgwb.write_frame("kengetallen", [{"kengetal_id": "k", "sector": "geen_sector", "unit": "ha"}])
    with pytest.raises(psycopg2.IntegrityError):
        pgwb.write_frame("station_capacity", [{"station_id": "onbekend", "year": 2030, "afname_mw": 5}])
    with pytest.raises(psycopg2.IntegrityError):
        pgwb.write_frame("projects", [{"project_id": "p1", "name": "X", "status": "afgevallen"}])
    assert pgwb.count("projects") == 0 and pgwb.count("station_capacity") == 0


def test_refuses_existing_werkbank_and_foreign_schema(target, pgwb, pg_uri, schemas):
    with pytest.raises(WerkbankError, match="al een werkbank"):
        create_werkbank(target, "X", "Utrecht")
    other = schemas()
    _sql(pg_uri, 'CREATE SCHEMA "{0}"; CREATE TABLE "{0}".iets (a int)'.format(other))
    with pytest.raises(WerkbankError, match="andere tabellen"):
        create_werkbank(_with_schema(pg_uri, other), "X", "Utrecht", overwrite=True)
    assert _sql(pg_uri, 'SELECT count(*) FROM "{}".iets'.format(other)) == [(0,)]
    with pytest.raises(WerkbankError, match="bestaat niet"):
        open_werkbank(_with_schema(pg_uri, schemas()))
    with pytest.raises(WerkbankError, match="schemanaam"):
        open_werkbank(_with_schema(pg_uri, "Robert'); DROP TABLE x;--"))


def test_write_read_frames_roundtrip(pgwb):
    import geopandas as gpd

    g = _stations()
    assert pgwb.write_frame("stations", g) == {"inserted": 2, "updated": 0, "unchanged": 0}
    assert pgwb.write_frame("stations", g) == {"inserted": 0, "updated": 0, "unchanged": 2}
    g.loc[1, "name"] = "Zuid-Oost"
    assert pgwb.write_frame("stations", g) == {"inserted": 0, "updated": 1, "unchanged": 1}
    back = pgwb.read_frame("stations")
    assert list(back["name"]) == ["Noord", "Zuid-Oost"]
    assert list(back["row_version"]) == [1, 2]
    assert back.crs.to_epsg() == 28992
    assert back.geometry.iloc[0].equals(shapely.Point(140000.125, 455000.5))
    # MultiPolygon column: a Polygon is stored as a one-part MultiPolygon, and re-writing is "unchanged"
    areas = gpd.GeoDataFrame({"area_id": ["a1", "a2"], "afname_colour": ["rood", None]},
                             geometry=[shapely.box(0, 0, 10, 10), None], crs=28992)
    assert pgwb.write_frame("capacity_areas", areas)["inserted"] == 2
    assert pgwb.write_frame("capacity_areas", areas)["unchanged"] == 2
    a = pgwb.read_frame("capacity_areas")
    assert a.geometry.iloc[0].geom_type == "MultiPolygon" and a.geometry.iloc[0].area == 100
    assert a.geometry.iloc[1] is None
    # A mixed geometry table keeps each type; text with quotes, %, ? and emoji is stored literally
    devs = gpd.GeoDataFrame(
        {"dev_id": ["d1", "d2"], "sector": ["wonen", "industrie"], "demand_mw": [1.5, 1e9],
         "name": ["100% 'zon' ? ☀️ مشروع", "<script>alert(1)</script>"]},
        geometry=[shapely.box(1, 1, 2, 2), shapely.Point(5, 5)], crs=28992)
    pgwb.write_frame("developments", devs)
    d = pgwb.read_frame("developments", where="name LIKE ?", params=("100%",))
    assert list(d["name"]) == ["100% 'zon' ? ☀️ مشروع"]
    d = pgwb.read_frame("developments")
    assert [g.geom_type for g in d.geometry] == ["Polygon", "Point"] and d["demand_mw"].iloc[1] == 1e9
    assert pgwb.delete("developments", "dev_id = ?", ("d2",)) == 1
    assert pgwb.count("developments") == 1


def test_transaction_all_or_nothing(pgwb):
    import psycopg2

    pgwb.write_frame("stations", _stations())
    with pytest.raises(psycopg2.IntegrityError):
        with pgwb.transaction():
            pgwb.write_frame("projects", [{"project_id": "p1", "name": "Eerst goed"}])
            pgwb.write_frame("station_capacity", [{"station_id": "bestaat_niet", "year": 2030}])
    assert pgwb.count("projects") == 0
    assert pgwb.history("projects", "p1") == []


def test_migration_applied_on_open_and_newer_refused(target, pgwb, pg_uri):
    new_version = S.latest_version() + 1
    extra = S.Table("test_notities", (S.C("note_id", "TEXT", "NOT NULL UNIQUE"), S.C("tekst", "TEXT")),
                    key="note_id")
    mig = S.Migration(new_version, "test: extra kolom en tabel", tables=(extra,),
                      indexes=(("test_notities", ("tekst",)),),
                      add_columns=(("stations", S.C("test_extra", "REAL", "CHECK (test_extra IS NULL OR test_extra >= 0)")),),
                      sql=("UPDATE stations SET test_extra = 1",))
    pgwb.write_frame("stations", _stations())
    pgwb.close()
    S.MIGRATIONS.append(mig)
    try:
        wb = open_werkbank(target)
        assert wb.schema_version() == new_version
        assert "test_notities" in wb._existing_tables()
        cols = dict(_sql(pg_uri, "SELECT column_name, data_type FROM information_schema.columns WHERE "
                                 "table_schema = %s AND table_name = 'stations'", (wb.schema,)))
        assert cols["test_extra"] == "double precision"
        assert [r["test_extra"] for r in wb.query("SELECT test_extra FROM stations ORDER BY fid")] == [1.0, 1.0]
        wb.close()
    finally:
        S.MIGRATIONS.remove(mig)
    # The werkbank is now newer than this plugin: refused, and nothing changes.
    before = _sql(pg_uri, 'SELECT count(*), max(version) FROM "{}".schema_version'.format(pgwb.schema))
    with pytest.raises(SchemaTooNewError, match="Werk de plugin") as e:
        open_werkbank(target)
    assert "schemaversie {}".format(new_version) in str(e.value)
    assert _sql(pg_uri, 'SELECT count(*), max(version) FROM "{}".schema_version'.format(pgwb.schema)) == before
    # read-only opening of a newer werkbank is refused too
    with pytest.raises(SchemaTooNewError):
        open_werkbank(target, readonly=True)


# ---- copy ---------------------------------------------------------------------------------
def _fill(wb):
    import geopandas as gpd

    wb.write_frame("stations", _stations(), user="anna")
    wb.write_frame("station_capacity", [{"station_id": "s1", "year": 2030, "afname_mw": 12.345678901234567},
                                        {"station_id": "s2", "year": 2035, "teruglevering_mw": 0.1 + 0.2}])
    wb.write_frame("capacity_areas", gpd.GeoDataFrame(
        {"area_id": ["a1", "a2", "a3"], "afname_colour": ["rood", "oranje", None]},
        geometry=[shapely.MultiPolygon([shapely.box(0, 0, 1, 1), shapely.box(2, 2, 3, 3)]),
                  shapely.box(10, 10, 20, 20).buffer(1, quad_segs=4), None], crs=28992))
    wb.write_frame("developments", gpd.GeoDataFrame(
        {"dev_id": ["d1", "d2", "d3"], "sector": ["wonen", "industrie", "mobiliteit"],
         "name": ["Wijk 'De Kern' – fase 2", "=HYPERLINK(\"x\")", "Ünïcødé 🌞 \u202eRTL"],
         "demand_mw": [1.5, None, 2e6], "year_ready": [2030, None, 2040]},
        geometry=[shapely.box(0, 0, 5, 5), shapely.Point(3.3333333333, 7.7777777777), None], crs=28992))
    wb.write_frame("knooppunten", [{"knooppunt_id": "k1", "name": "Knoop"}])
    wb.write_frame("projects", gpd.GeoDataFrame(
        {"project_id": ["p1", "p2"], "name": ["Nieuw station Noord", "Kabel"], "knooppunt_id": ["k1", None],
         "investment_eur": [12.5e6, None], "narrative": ["<b>vet</b> & \"quotes\"\nregel 2", "x" * 20000],
         "in_ip": [1, 0], "status": ["kandidaat", "afgevallen"], "status_reason": [None, "Geen nut"]},
        geometry=[shapely.Point(1, 1), shapely.LineString([(0, 0), (1, 1), (2, 0)])], crs=28992))
    wb.write_frame("project_links", [{"link_id": "l1", "project_id": "p1", "dev_id": "d1", "share_pct": 50}])
    wb.write_frame("scores", [{"score_id": "sc1", "project_id": "p1", "criterion_id": "A", "rating": "hoog",
                               "rationale": "Noodzakelijk", "assessor": "anna", "score_date": "2026-01-02"}])
    wb.update_row("projects", "p1", {"phase": "planuitwerking"} if "phase" in S.TABLES["projects"].column_names
                  else {"name": "Nieuw station Noord (2)"}, 1, user="bram")
    wb.delete("project_links", "link_id = ?", ("l1",), user="anna")
    wb.write_frame("project_links", [{"link_id": "l2", "project_id": "p1", "dev_id": "d1", "share_mw": 3}])


def test_copy_gpkg_to_postgis_and_back_identical(tmp_path, pg_uri, schemas):
    src = str(tmp_path / "bron.gpkg")
    wb = create_werkbank(src, "Kopieerprogramma", "Gelderland", province_code="PV25")
    try:
        wb.update_row("projects", "x", {"name": "y"}, 1)
    except ConflictError:
        pass  # a row that does not exist: conflict, nothing written
    _fill(wb)
    src_digest = content_digest(wb)
    wb.close()
    pg_target = _with_schema(pg_uri, schemas("kopie"))
    res = copy_werkbank(src, pg_target)
    assert res["tables"]["projects"] == 2 and res["tables"]["audit_log"] > 10
    back = str(tmp_path / "terug.gpkg")
    copy_werkbank(pg_target, back)
    a, p, b = open_werkbank(src), open_werkbank(pg_target), open_werkbank(back)
    try:
        assert content_digest(a) == content_digest(p) == content_digest(b) == src_digest
        for wb_ in (p, b):
            assert wb_.programme()["name"] == "Kopieerprogramma"
            assert wb_.history("projects", "p1") == a.history("projects", "p1")
            assert [h["action"] for h in wb_.history("project_links")] == ["insert", "delete", "insert"]
            assert list(wb_.read_frame("projects")["narrative"]) == list(a.read_frame("projects")["narrative"])
            assert wb_.query("SELECT applied FROM schema_version ORDER BY version") == \
                a.query("SELECT applied FROM schema_version ORDER BY version")
        # fids are kept, and new rows continue after them
        assert list(p.read_frame("developments")["fid"]) == list(a.read_frame("developments")["fid"])
        p.write_frame("developments", [{"dev_id": "d4", "sector": "wonen"}])
        assert p.read_frame("developments")["fid"].max() == a.read_frame("developments")["fid"].max() + 1
        # a copy never silently replaces an existing werkbank
        with pytest.raises(WerkbankError, match="al een werkbank"):
            copy_werkbank(src, pg_target)
        with pytest.raises(WerkbankError, match="bestaat al"):
            copy_werkbank(pg_target, back)
        assert p.count("developments") == 4
    finally:
        for w in (a, p, b):
            w.close()
    copy_werkbank(src, pg_target, overwrite=True)
    with open_werkbank(pg_target) as p2:
        assert p2.count("developments") == 3 and content_digest(p2) == src_digest
    leftovers = _sql(pg_uri, "SELECT nspname FROM pg_namespace WHERE nspname LIKE %s", ("%_kopie_%",))
    assert [r for r in leftovers if r[0].startswith(pg_target.rsplit("=", 1)[1][:40])] == []


def test_copy_pg_to_pg_and_algorithm(pgwb, target, pg_uri, schemas, tmp_path, pmiek_provider):
    from conftest import run_alg

    _fill(pgwb)
    other = _with_schema(pg_uri, schemas("alg"))
    res = run_alg("pmiek:copywerkbank", {"INPUT": target, "OUTPUT": other})
    assert res["ROWS"] > 20 and res["TABLES"] == len(S.TABLES)
    pw = urlsplit(pg_uri).password
    assert pw not in str(res)
    gpkg = str(tmp_path / "uit_alg.gpkg")
    res2 = run_alg("pmiek:copywerkbank", {"INPUT": other, "OUTPUT": gpkg})
    assert os.path.isfile(gpkg) and res2["OUTPUT"] == os.path.abspath(gpkg)
    with open_werkbank(other) as o, open_werkbank(gpkg) as g:
        assert content_digest(o) == content_digest(pgwb) == content_digest(g)


def test_createwerkbank_algorithm_accepts_postgres_target(pg_uri, schemas, password, pmiek_provider):
    from conftest import run_alg

    tgt = _with_schema(pg_uri, schemas("alg"))
    res = run_alg("pmiek:createwerkbank", {"OUTPUT": tgt, "NAME": "Team Utrecht", "PROVINCE": "Utrecht"})
    assert res["SCHEMA_VERSION"] == S.latest_version() and res["PROGRAMME"] == "Team Utrecht"
    assert password not in str(res) and "schema=" in res["OUTPUT"]
    with open_werkbank(tgt) as wb:
        assert wb.programme()["province_code"] == "PV26" and wb.count("criteria") == 8


# ---- concurrency and audit --------------------------------------------------------------------
def test_two_editors_conflict_detected_no_lost_change(pgwb, target):
    pgwb.write_frame("projects", [{"project_id": "p1", "name": "Station Noord", "planning": "2030"}], user="beheer")
    anna, bram = open_werkbank(target), open_werkbank(target)
    anna.user, bram.user = "anna", "bram"
    try:
        seen_a = anna.read_frame("projects").set_index("project_id").loc["p1"]
        seen_b = bram.read_frame("projects").set_index("project_id").loc["p1"]
        assert seen_a["row_version"] == seen_b["row_version"] == 1
        assert anna.update_row("projects", "p1", {"name": "Station Noord-West"}, int(seen_a["row_version"])) == 2
        with pytest.raises(ConflictError) as e:
            bram.update_row("projects", "p1", {"name": "Station Noord 2", "planning": "2031"},
                            int(seen_b["row_version"]))
        err = e.value
        assert err.expected_row_version == 1 and err.stored_row_version == 2
        assert err.mine == {"name": "Station Noord 2", "planning": "2031"}
        assert err.theirs == {"name": "Station Noord-West", "planning": "2030"}
        assert err.stored_row["modified_by"] == "anna"
        msg = str(err)
        assert "conflict" in msg and "anna" in msg and "versie 2" in msg and "uw versie 1" in msg
        assert "Station Noord 2" in msg and "Station Noord-West" in msg and "niet opgeslagen" in msg
        row = anna.read_frame("projects").iloc[0]
        assert row["name"] == "Station Noord-West" and row["planning"] == "2030" and row["row_version"] == 2
        # Bram looks at both versions, keeps Anna's name and adds his planning: nothing is lost.
        assert bram.update_row("projects", "p1", {"planning": "2031"}, err.stored_row_version) == 3
        row = anna.read_frame("projects").iloc[0]
        assert (row["name"], row["planning"], row["row_version"], row["modified_by"]) == \
            ("Station Noord-West", "2031", 3, "bram")
        hist = anna.history("projects", "p1")
        assert [(h["action"], h["changed_by"]) for h in hist] == [("insert", "beheer"), ("update", "anna"),
                                                                  ("update", "bram")]
        assert hist[1]["old"] == {"name": "Station Noord"} and hist[1]["new"] == {"name": "Station Noord-West"}
        assert hist[2]["old"] == {"planning": "2030"} and hist[2]["new"] == {"planning": "2031"}
        # Deleted meanwhile: also a conflict, nothing recreated
        anna.delete("projects", "project_id = ?", ("p1",))
        with pytest.raises(ConflictError, match="bestaat niet meer") as e2:
            bram.update_row("projects", "p1", {"planning": "2032"}, 3)
        assert e2.value.stored_row_version is None
        assert anna.count("projects") == 0
        assert anna.history("projects", "p1")[-1]["action"] == "delete"
    finally:
        anna.close()
        bram.close()


def test_simultaneous_update_waits_and_then_conflicts(pgwb, target, pg_uri):
    """Bram's update runs while Anna's transaction is still open: the server makes him wait, then he conflicts."""
    pgwb.write_frame("projects", [{"project_id": "p1", "name": "A"}])
    pgwb.write_frame("scores", [{"score_id": "sc1", "project_id": "p1", "criterion_id": "A", "rating": "midden",
                                 "rationale": "eerste oordeel", "assessor": "team", "score_date": "2026-01-01"}])
    anna, bram = open_werkbank(target), open_werkbank(target)
    anna.user, bram.user = "anna", "bram"
    result = {}

    def bram_edits():
        try:
            bram.update_row("scores", "sc1", {"rating": "laag", "rationale": "bram vindt laag"}, 1)
            result["ok"] = True
        except ConflictError as e:
            result["conflict"] = e

    try:
        with anna.transaction():
            anna.update_row("scores", "sc1", {"rating": "hoog", "rationale": "anna vindt hoog"}, 1)
            t = threading.Thread(target=bram_edits)
            t.start()
            # deterministic: wait until the server reports Bram's statement as waiting for Anna's row lock
            for _ in range(600):
                n = _sql(pg_uri, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                 "AND application_name = 'pMIEK Werkbank'")[0][0]
                if n >= 1 or not t.is_alive():
                    break
                threading.Event().wait(0.05)
        t.join(60)
        assert "conflict" in result, result
        assert result["conflict"].stored_row_version == 2
        row = anna.read_frame("scores").iloc[0]
        assert (row["rating"], row["rationale"], row["row_version"]) == ("hoog", "anna vindt hoog", 2)
        assert [h["changed_by"] for h in anna.history("scores", "sc1")][-1] == "anna"
    finally:
        anna.close()
        bram.close()


def test_audit_trail_records_every_write(pgwb):
    import geopandas as gpd

    g = _stations()
    pgwb.write_frame("stations", g, user="anna")
    g.loc[0, "name"] = "Noord-Oost"
    g = g.set_geometry([shapely.Point(1, 2), g.geometry.iloc[1]])
    pgwb.write_frame("stations", gpd.GeoDataFrame(g, crs=28992), user="bram")
    pgwb.update_row("stations", "s1", {"voltage_kv": 110.0}, 2, user="cor")
    pgwb.delete("stations", "station_id = ?", ("s1",), user="dirk")
    pgwb.update_programme(disclaimer="Concept – niet verspreiden")
    hist = pgwb.history("stations", "s1")
    assert [(h["action"], h["changed_by"]) for h in hist] == [
        ("insert", "anna"), ("update", "bram"), ("update", "cor"), ("delete", "dirk")]
    assert hist[0]["new"]["name"] == "Noord" and hist[0]["new"]["geom"] == "POINT (140000.125 455000.5)"
    assert hist[1]["old"] == {"name": "Noord", "geom": "POINT (140000.125 455000.5)"}
    assert hist[1]["new"] == {"name": "Noord-Oost", "geom": "POINT (1 2)"}
    assert hist[2]["old"] == {"voltage_kv": 150.0} and hist[2]["new"] == {"voltage_kv": 110.0}
    assert hist[3]["old"]["name"] == "Noord-Oost" and hist[3]["old"]["row_version"] == 3 and hist[3]["new"] is None
    assert all(h["changed_at"] for h in hist)
    prog = pgwb.history("programme")
    assert prog[-1]["new"] == {"disclaimer": "Concept – niet verspreiden"}
    # the stored JSON is plain JSON, readable by any tool
    raw = pgwb.query("SELECT new_values FROM audit_log WHERE table_name = 'stations' ORDER BY fid LIMIT 1")
    assert json.loads(raw[0]["new_values"])["station_id"] == "s1"


# ---- credentials ----------------------------------------------------------------------------
def test_password_never_stored_or_shown(pgwb, target, password, pg_uri, schemas):
    assert password and len(password) >= 8
    pgwb.write_frame("stations", _stations())
    pgwb.update_row("stations", "s1", {"name": "X"}, 1)
    texts = [pgwb.target, pgwb.describe(), repr(pgwb.pg), str(vars(pgwb))]
    texts += [pgwb.layer_uri(t) for t in S.TABLES] + [pgwb.layer_uri("developments", "Polygon")]
    for t in texts:
        assert password not in t
    # nothing in any table of the werkbank contains the password
    for table in pgwb.tables():
        frame = pgwb.read_frame(table, geometry=False)
        assert not frame.astype(str).apply(lambda col: col.str.contains(password, regex=False)).any().any(), table
    # the safe target opens the werkbank again when the password comes from elsewhere (PGPASSWORD/.pgpass)
    env_before = os.environ.get("PGPASSWORD")
    os.environ["PGPASSWORD"] = password
    try:
        with open_werkbank(pgwb.target) as again:
            assert again.programme()["name"] == "Teamprogramma"
    finally:
        if env_before is None:
            os.environ.pop("PGPASSWORD", None)
        else:
            os.environ["PGPASSWORD"] = env_before
    # error messages never show a password, not even a wrong one
    u = urlsplit(pg_uri)
    wrong = pg_uri.replace(":" + password + "@", ":Fout-Wachtwoord-123@")
    with pytest.raises(WerkbankError) as e:
        open_werkbank(_with_schema(wrong, pgwb.schema))
    assert "Fout-Wachtwoord-123" not in str(e.value) and password not in str(e.value)
    assert "verbinden met PostgreSQL mislukt" in str(e.value)
    bad_port = "postgresql://{}:{}@localhost:1/{}?schema=x".format(u.username, password, u.path.strip("/"))
    with pytest.raises(WerkbankError) as e:
        open_werkbank(bad_port)
    assert password not in str(e.value) and "PostGIS localhost:1" in str(e.value)
    with pytest.raises(WerkbankError) as e:
        open_werkbank("host=localhost port=1 dbname=x user=u password='{} x' schema=s".format(password))
    assert password not in str(e.value)


def test_layer_uri_loads_in_qgis(pgwb, password, qgis_app):
    from qgis.core import QgsVectorLayer

    import geopandas as gpd

    pgwb.write_frame("stations", _stations())
    pgwb.write_frame("developments", gpd.GeoDataFrame(
        {"dev_id": ["d1", "d2"], "sector": ["wonen", "wonen"]},
        geometry=[shapely.box(0, 0, 1, 1), shapely.Point(5, 5)], crs=28992))
    old = os.environ.get("PGPASSWORD")
    os.environ["PGPASSWORD"] = password  # libpq's own way; the URI itself carries no password
    try:
        assert pgwb.layer_provider == "postgres"
        lyr = QgsVectorLayer(pgwb.layer_uri("stations"), "stations", pgwb.layer_provider)
        assert lyr.isValid() and lyr.featureCount() == 2 and lyr.crs().authid() == "EPSG:28992"
        assert {f["name"] for f in lyr.getFeatures()} == {"Noord", "Zuid"}
        poly = QgsVectorLayer(pgwb.layer_uri("developments", "Polygon"), "dev", "postgres")
        assert poly.isValid() and poly.featureCount() == 1
        prog = QgsVectorLayer(pgwb.layer_uri("programme"), "programme", "postgres")
        assert prog.isValid() and prog.featureCount() == 1
    finally:
        if old is None:
            os.environ.pop("PGPASSWORD", None)
        else:
            os.environ["PGPASSWORD"] = old


def test_werkbank_layers_in_project_from_postgis(pgwb, target, password, qgis_new_project):
    """The 'pMIEK' group of a PostGIS werkbank holds postgres layers, without a password in their source."""
    from qgis.core import QgsProject

    from pmiek_werkbank.layers.project import add_werkbank_layers

    pgwb.write_frame("stations", _stations())
    old = os.environ.get("PGPASSWORD")
    os.environ["PGPASSWORD"] = password
    try:
        layers = add_werkbank_layers(target, QgsProject.instance())
        by_name = {lyr.name(): lyr for lyr in layers}
        assert by_name["Stations"].providerType() == "postgres"
        assert by_name["Stations"].featureCount() == 2
        assert all(password not in lyr.source() for lyr in layers)
        assert "Capaciteitskaart" in by_name and "Projecten (punten)" in by_name
    finally:
        if old is None:
            os.environ.pop("PGPASSWORD", None)
        else:
            os.environ["PGPASSWORD"] = old


AUTH_SCRIPT = textwrap.dedent(r"""
    import json, os, sys
    from qgis.core import (QgsApplication, QgsAuthMethodConfig, QgsProviderRegistry, QgsVectorLayer)
    app = QgsApplication([], False)
    app.initQgis()
    from pmiek_werkbank.werkbank import create_werkbank, open_werkbank
    host, port, db, user, pw, schema = sys.argv[1:7]
    am = QgsApplication.authManager()
    assert am.setMasterPassword("hoofdwachtwoord-test", True)
    cfg = QgsAuthMethodConfig("Basic")
    cfg.setName("pmiek-team")
    cfg.setConfig("username", user)
    cfg.setConfig("password", pw)
    assert am.storeAuthenticationConfig(cfg)
    authcfg = cfg.id()
    # 1. a URI with only authcfg=
    wb = create_werkbank("postgresql://{}:{}/{}?schema={}&authcfg={}".format(host, port, db, schema, authcfg),
                         "Team", "Utrecht")
    out = {"authcfg": authcfg, "target": wb.target, "describe": wb.describe(),
           "uri": wb.layer_uri("stations")}
    lyr = QgsVectorLayer(wb.layer_uri("programme"), "p", "postgres")
    out["layer_valid"] = lyr.isValid() and lyr.featureCount() == 1
    wb.close()
    # 2. a saved QGIS connection (with authcfg, no password) as pg:NAME/schema
    md = QgsProviderRegistry.instance().providerMetadata("postgres")
    conn = md.createConnection("dbname='{}' host={} port={} authcfg={}".format(db, host, port, authcfg), {})
    md.saveConnection(conn, "teamserver")
    wb = open_werkbank("pg:teamserver/" + schema)
    out["via_connection"] = wb.programme()["name"]
    out["conn_target"] = wb.target
    out["conn_uri"] = wb.layer_uri("stations")
    wb.close()
    # 3. an unknown authcfg: a clear message
    try:
        open_werkbank("postgresql://{}:{}/{}?schema={}&authcfg=zzzzzzz".format(host, port, db, schema))
    except Exception as e:
        out["unknown_authcfg"] = str(e)
    print("RESULT " + json.dumps(out))
    app.exitQgis()
""")


def test_authcfg_and_qgis_connection_resolve_credentials(pg_uri, password, schemas, tmp_path):
    """In a fresh QGIS (own profile and auth database): authcfg and pg:CONNECTION give access without a password."""
    u = urlsplit(pg_uri)
    schema = schemas("auth")
    script = tmp_path / "auth_check.py"
    script.write_text(AUTH_SCRIPT)
    env = dict(os.environ)
    env.pop("PGPASSWORD", None)
    env.update({"HOME": str(tmp_path), "QGIS_AUTH_DB_DIR_PATH": str(tmp_path / "auth"),
                "QT_QPA_PLATFORM": "offscreen", "PGPASSFILE": str(tmp_path / "geen_pgpass"),
                "XDG_CONFIG_HOME": str(tmp_path / "cfg"), "XDG_DATA_HOME": str(tmp_path / "data")})
    (tmp_path / "auth").mkdir()
    proc = subprocess.run([sys.executable, str(script), u.hostname, str(u.port), u.path.strip("/"), u.username,
                           password, schema], capture_output=True, text=True, env=env, timeout=300)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert proc.returncode == 0 and lines, proc.stdout[-2000:] + proc.stderr[-4000:]
    out = json.loads(lines[-1][7:])
    assert out["layer_valid"] and out["via_connection"] == "Team"
    assert "authcfg={}".format(out["authcfg"]) in out["uri"] and "authcfg=" in out["target"]
    assert out["conn_target"] == "pg:teamserver/" + schema and "authcfg=" in out["conn_uri"]
    assert "authcfg=zzzzzzz" in out["unknown_authcfg"] and "bestaat niet" in out["unknown_authcfg"]
    everything = proc.stdout + proc.stderr
    assert password not in everything


# ---- issue 18: audit by the database, PostGIS werkbank in every algorithm ------------------------------
def _other_login(pg_uri, schema, login="collega"):
    """A second database login with rights on the schema (another team member's QGIS)."""
    pw = "pw" + uuid.uuid4().hex[:8]
    _sql(pg_uri, "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{l}') THEN "
                 "CREATE ROLE {l} LOGIN; END IF; END $$".format(l=login))
    _sql(pg_uri, "ALTER ROLE {} PASSWORD %s".format(login), (pw,))
    _sql(pg_uri, 'GRANT USAGE ON SCHEMA "{s}" TO {l}; GRANT ALL ON ALL TABLES IN SCHEMA "{s}" TO {l}; '
                 'GRANT ALL ON ALL SEQUENCES IN SCHEMA "{s}" TO {l}'.format(s=schema, l=login))
    u = urlsplit(pg_uri)
    return u._replace(netloc="{}:{}@{}".format(login, pw, u.hostname + (":%d" % u.port if u.port else ""))).geturl()


def test_plain_sql_by_another_login_is_audited_with_that_login(pgwb, pg_uri, target):
    pgwb.write_frame("stations", _stations(), user="anna")
    pgwb.write_frame("station_capacity", [{"station_id": "s1", "year": 2030, "afname_mw": 40.0}], mode="insert")
    uri = _other_login(pg_uri, pgwb.schema)
    _sql(uri, 'UPDATE "{}".station_capacity SET afname_mw = 55'.format(pgwb.schema))
    _sql(uri, 'UPDATE "{}".stations SET name = \'Noord (SQL)\' WHERE station_id = \'s1\''.format(pgwb.schema))
    _sql(uri, 'DELETE FROM "{}".station_capacity'.format(pgwb.schema))
    cap = pgwb.history("station_capacity")
    assert [(h["action"], h["changed_by"]) for h in cap][-2:] == [("update", "collega"), ("delete", "collega")]
    assert cap[-2]["old"]["afname_mw"] == 40.0 and cap[-2]["new"]["afname_mw"] == 55.0
    st = pgwb.history("stations", "s1")
    assert [(h["action"], h["changed_by"]) for h in st] == [("insert", "anna"), ("update", "collega")]
    assert st[-1]["new"]["name"] == "Noord (SQL)" and st[-1]["new"]["row_version"] == 2
    # the API's own writes are recorded once, by the API (no trigger duplicate), as the database login
    me = _sql(pg_uri, "SELECT current_user")[0][0]
    assert pgwb.user == me
    pgwb.update_row("stations", "s2", {"name": "Zuid 2"}, 1)
    assert [(h["action"], h["changed_by"]) for h in pgwb.history("stations", "s2")] == [
        ("insert", "anna"), ("update", me)]
    assert pgwb.query("SELECT modified_by FROM stations WHERE station_id = 's2'")[0]["modified_by"] == me


def test_import_upsert_over_a_colleagues_newer_edit_is_a_conflict(pgwb, pg_uri):
    pgwb.write_frame("stations", _stations())
    seen = pgwb.row_versions("stations")
    uri = _other_login(pg_uri, pgwb.schema)
    _sql(uri, 'UPDATE "{}".stations SET name = \'Noord door collega\' WHERE station_id = \'s1\''.format(pgwb.schema))
    g = _stations()
    g["name"] = ["Noord import", "Zuid import"]
    with pytest.raises(ConflictError, match="station_id s1 is intussen gewijzigd door collega"):
        pgwb.write_frame("stations", g, expected_versions=seen)
    names = {r["station_id"]: r["name"] for r in pgwb.query("SELECT station_id, name FROM stations")}
    assert names == {"s1": "Noord door collega", "s2": "Zuid"}


def test_every_algorithm_accepts_a_postgis_werkbank(pg_uri, schemas, sample_dir, pmiek_provider, tmp_path):
    """WERKBANK=<PostgreSQL target> is never refused as a parameter; the headless chain reads the team werkbank."""
    from qgis.core import QgsProcessingException

    from conftest import run_alg

    tgt = _with_schema(pg_uri, schemas("alle"))
    copy_werkbank(os.path.join(sample_dir, "voorbeeld_werkbank.gpkg"), tgt)
    password = urlsplit(pg_uri).password
    res = run_alg("pmiek:scoreprojects", {"WERKBANK": tgt, "OUTPUT": str(tmp_path / "rang.gpkg")})
    assert os.path.exists(tmp_path / "rang.gpkg")
    res = run_alg("pmiek:exportlists", {"WERKBANK": tgt, "PROJECTENLIJST": str(tmp_path / "p.csv")})
    with open_werkbank(tgt) as wb:
        assert res["ROWS"] == wb.count("projects", "confidential = 0 OR confidential IS NULL") or res["ROWS"] > 0
    res = run_alg("pmiek:capacitybalance", {"WERKBANK": tgt, "OUTPUT": str(tmp_path / "balans.gpkg")})
    res = run_alg("pmiek:setstatus", {"WERKBANK": tgt, "PROJECT": "UT-P01", "STATUS": "opgenomen", "REASON": "past in de visie"})
    me = _sql(pg_uri, "SELECT current_user")[0][0]
    with open_werkbank(tgt) as wb:
        row = wb.query("SELECT status, modified_by FROM projects WHERE project_id = 'UT-P01'")[0]
        assert row["status"] == "opgenomen" and row["modified_by"] == me
    refused = []
    for alg in pmiek_provider.algorithms():
        alg = alg.create()
        if "WERKBANK" not in alg.werkbank_parameter_names():
            continue
        params = {"WERKBANK": tgt}
        for p in alg.destinationParameterDefinitions():
            params[p.name()] = str(tmp_path / "{}_{}".format(alg.name(), p.name().lower()))
        try:
            run_alg(alg.id(), params)
        except QgsProcessingException as e:
            msg = str(e)
            assert password not in msg, alg.id()
            if "Incorrect parameter value for WERKBANK" in msg or "Traceback" in msg:
                refused.append((alg.id(), msg))
    assert not refused


def test_planted_password_never_reaches_an_output_log_report_or_project(pg_uri, schemas, sample_dir, pmiek_provider,
                                                                         tmp_path, qgis_new_project):
    """Issue 18 item 6: the server's password is planted in every target; nothing written may contain it."""
    from qgis.core import QgsApplication, QgsProcessingException, QgsProject

    from conftest import run_alg
    from pmiek_werkbank.layers.project import Session

    password = urlsplit(pg_uri).password
    assert password and len(password) >= 8
    tgt = _with_schema(pg_uri, schemas("geheim"))
    logged = []
    QgsApplication.messageLog().messageReceived.connect(lambda msg, tag, level: logged.append(msg))
    res = run_alg("pmiek:copywerkbank", {"INPUT": os.path.join(sample_dir, "voorbeeld_werkbank.gpkg"), "OUTPUT": tgt})
    outputs = [str(res)]
    out = tmp_path / "uit"
    out.mkdir()
    outputs.append(str(run_alg("pmiek:scoreprojects", {"WERKBANK": tgt, "OUTPUT": str(out / "rang.gpkg")})))
    outputs.append(str(run_alg("pmiek:exportlists", {"WERKBANK": tgt, "PROJECTENLIJST": str(out / "p.xlsx"),
                                                     "ACTIELIJST": str(out / "a.csv")})))
    outputs.append(str(run_alg("pmiek:exportpackage", {"WERKBANK": tgt, "OUTPUT_FOLDER": str(out / "pakket")})))
    outputs.append(str(run_alg("pmiek:capacitybalance", {"WERKBANK": tgt, "OUTPUT": str(out / "balans.gpkg")})))
    outputs.append(str(run_alg("pmiek:exportcriteria", {"WERKBANK": tgt, "OUTPUT": str(out / "kader.csv")})))
    # failures with a password in the target: the message never shows it (also key=value without dbname=)
    u = urlsplit(pg_uri)
    for bad in ("host=localhost port=1 user={} password={} schema=x".format(u.username, password),
                "postgresql://{}:{}@localhost:1/x?schema=y".format(u.username, password)):
        with pytest.raises(QgsProcessingException) as info:
            run_alg("pmiek:exportlists", {"WERKBANK": bad, "PROJECTENLIJST": str(out / "x.csv")})
        outputs.append(str(info.value))
        assert "***" in str(info.value) or "PostGIS" in str(info.value), str(info.value)
    # the project: the current werkbank is stored without the password
    project = QgsProject.instance()
    Session(project).set_werkbank(tgt)
    stored, _ok = project.readEntry("pmiek", "werkbank", "")
    assert stored and "schema=" in stored
    qgs = str(tmp_path / "project.qgs")
    assert project.write(qgs)
    for text in outputs + logged + [stored]:
        assert password not in text
    for root, _dirs, files in os.walk(tmp_path):
        for name in files:
            with open(os.path.join(root, name), "rb") as f:
                assert password.encode() not in f.read(), os.path.join(root, name)
    with open_werkbank(tgt) as wb:
        for table in wb.tables():
            frame = wb.read_frame(table, geometry=False)
            assert not frame.astype(str).apply(lambda c: c.str.contains(password, regex=False)).any().any(), table


def test_rows_removed_with_a_deleted_project_are_audited_on_postgis(pgwb, pg_uri):
    pgwb.write_frame("projects", [{"project_id": "p1", "name": "A"}])
    crit = pgwb.query("SELECT criterion_id, scale FROM criteria ORDER BY sort_order LIMIT 1")[0]
    pgwb.write_frame("scores", [{"score_id": "s1", "project_id": "p1", "criterion_id": crit["criterion_id"],
                                 "rating": crit["scale"].split("|")[0], "rationale": "omdat", "assessor": "anna",
                                 "score_date": "2026-01-01", "agreed": 1}], user="anna")
    pgwb.delete("projects", "project_id = ?", ("p1",), user="dirk")
    me = _sql(pg_uri, "SELECT current_user")[0][0]
    assert [(h["action"], h["changed_by"]) for h in pgwb.history("scores", "s1")] == [("insert", "anna"),
                                                                                     ("delete", me)]
    assert [(h["action"], h["changed_by"]) for h in pgwb.history("projects", "p1")] == [("insert", me),
                                                                                       ("delete", "dirk")]


def test_station_import_over_a_colleagues_sql_edit_is_a_conflict_nothing_written(pgwb, pg_uri):
    """The layer import takes the row versions when it starts; a colleague's edit before its write: conflict."""
    from pmiek_werkbank.layers import importers as I

    g = _stations()
    g.insert(0, "_row", [1, 2])
    I.import_stations(pgwb, g, source_name="st", check_province=False)
    uri = _other_login(pg_uri, pgwb.schema)

    class Colleague:  # the import's cancel check just before its write transaction
        calls = 0

        def isCanceled(self):  # noqa: N802 - QgsFeedback API
            Colleague.calls += 1
            if Colleague.calls == 1:
                _sql(uri, 'UPDATE "{}".stations SET name = \'Noord door collega\' WHERE station_id = \'s1\''.format(
                    pgwb.schema))
            return False

    g["name"] = ["Noord import", "Zuid import"]
    with pytest.raises(I.ImportFailed, match="st: stations: conflict - station_id s1 is intussen gewijzigd door "
                                             "collega"):
        I.import_stations(pgwb, g, source_name="st", check_province=False, feedback=Colleague())
    names = {r["station_id"]: r["name"] for r in pgwb.query("SELECT station_id, name FROM stations")}
    assert names == {"s1": "Noord door collega", "s2": "Zuid"}
