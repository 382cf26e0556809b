"""'Investeringsplan netbeheerder' is three-valued (schema 9): ja (1), nee (0), niet opgegeven (NULL).

It was ``INTEGER NOT NULL DEFAULT 0``: a projectenlijst without the column, or an empty cell, became "nee" on the
fiche, in the web atlas and in exchange packages (invented data).  Here: the migration of a werkbank made by the
previous schema (rows, fids, audit trail, R-tree, registration and foreign keys kept; all or nothing), the import,
the fiche text read back, the round comparison and an exchange round trip.
"""

import os
import sqlite3
import textwrap

import pytest
from helpers import child_env, pdf_text

V8 = 8  # the last schema with in_ip NOT NULL DEFAULT 0


def _old_werkbank(path, monkeypatch):
    """A werkbank as schema 8 made it (in_ip NOT NULL DEFAULT 0), with the hand-made programme of the rounds tests
    and a few edits (an audit trail, a deleted last project: the AUTOINCREMENT counter is above the largest fid)."""
    from test_rounds_fixtures import make_werkbank

    from pmiek_werkbank.werkbank import schema, storage

    with monkeypatch.context() as m:
        previous = [mig for mig in schema.MIGRATIONS if mig.version <= V8]
        m.setattr(schema, "MIGRATIONS", previous)
        m.setattr(storage, "MIGRATIONS", previous)
        wb = make_werkbank(path)
        try:
            rv = {r["project_id"]: r["row_version"] for r in wb.query("SELECT project_id, row_version FROM projects")}
            wb.update_row("projects", "P1", {"in_ip": 1, "ip_reference": "IP-2024-1"}, rv["P1"])
            from shapely.geometry import Point

            import geopandas as gpd

            wb.write_frame("projects", gpd.GeoDataFrame(
                [{"project_id": "P9", "name": "Later weg", "confidential": 0, "in_ip": 0}],
                geometry=[Point(150000, 450000)], crs="EPSG:28992"))
            wb.delete("projects", "project_id = ?", ("P9",))
        finally:
            wb.close()
    c = sqlite3.connect(path)
    try:
        assert c.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == V8
        info = {r[1]: r for r in c.execute("PRAGMA table_info(projects)")}
        assert info["in_ip"][3] == 1 and info["in_ip"][4] == "0"  # NOT NULL DEFAULT 0, as it was
    finally:
        c.close()


def _state(path):
    """Everything the migration must keep, read with plain sqlite3."""
    c = sqlite3.connect(path)
    try:
        cols = [r[1] for r in c.execute("PRAGMA table_info(projects)")]
        return {
            "projects": c.execute("SELECT {} FROM projects ORDER BY fid".format(
                ", ".join('"{}"'.format(x) for x in cols))).fetchall(),
            "counts": {t: c.execute('SELECT count(*) FROM "{}"'.format(t)).fetchone()[0] for t in (
                "project_links", "project_dependencies", "scores", "audit_log", "variant_projects")},
            "rtree": c.execute("SELECT * FROM rtree_projects_geom ORDER BY id").fetchall(),
            "seq": c.execute("SELECT seq FROM sqlite_sequence WHERE name = 'projects'").fetchone()[0],
            "objects": sorted(c.execute("SELECT type, name FROM sqlite_master WHERE tbl_name = 'projects'")),
            "gpkg": (c.execute("SELECT table_name, data_type, identifier, srs_id FROM gpkg_contents "
                               "WHERE table_name = 'projects'").fetchall(),
                     c.execute("SELECT * FROM gpkg_geometry_columns WHERE table_name = 'projects'").fetchall(),
                     c.execute("SELECT * FROM gpkg_extensions WHERE table_name = 'projects'").fetchall()),
        }
    finally:
        c.close()


def test_migration_of_a_schema_8_werkbank_keeps_everything_and_the_trail_works(tmp_path, monkeypatch):
    from shapely.geometry import Point

    import geopandas as gpd

    from pmiek_werkbank.werkbank import create_werkbank, open_werkbank
    from pmiek_werkbank.werkbank.rtree import register_functions
    from pmiek_werkbank.werkbank.schema import latest_version

    path = str(tmp_path / "oud.gpkg")
    _old_werkbank(path, monkeypatch)
    before = _state(path)
    assert before["seq"] == max(r[0] for r in before["projects"]) + 1  # P9 was the last and is gone
    wb = open_werkbank(path)  # migrates
    try:
        assert wb.schema_version() == latest_version() == 9
        assert wb.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1  # back on after the rebuild
    finally:
        wb.close()
    after = _state(path)
    assert after == before  # rows (fid, values, geometry blobs), children, trail, R-tree, counter, triggers ...
    c = sqlite3.connect(path)
    try:
        info = {r[1]: r for r in c.execute("PRAGMA table_info(projects)")}
        assert info["in_ip"][3] == 0 and info["in_ip"][4] is None  # nullable, no default
        assert dict(c.execute("SELECT project_id, in_ip FROM projects")) == {"P1": 1, "P2": 0, "P3": 0, "P4": 0}
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert c.execute("PRAGMA foreign_key_check").fetchall() == []
        assert c.execute("SELECT rtreecheck('rtree_projects_geom')").fetchone()[0] == "ok"
        # the same table, indexes and triggers as a werkbank made now
        fresh = str(tmp_path / "nieuw.gpkg")
        create_werkbank(fresh, "Nieuw", "Utrecht").close()
        f = sqlite3.connect(fresh)
        ddl = "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'projects' ORDER BY type, name"
        assert c.execute(ddl).fetchall() == f.execute(ddl).fetchall()
        f.close()
    finally:
        c.close()

    # the audit triggers work on the rebuilt table: an edit outside the plugin (as QGIS saves one) is recorded
    c = sqlite3.connect(path)
    register_functions(c)
    try:
        c.execute("UPDATE projects SET in_ip = NULL, modified_by = 'qgis-gebruiker' WHERE project_id = 'P2'")
        c.commit()
        row = c.execute("SELECT action, changed_by, old_values, new_values FROM audit_log WHERE table_name = "
                        "'projects' AND row_key = 'P2' ORDER BY fid DESC LIMIT 1").fetchone()
        assert row[0] == "update" and row[1] == "qgis-gebruiker"
        assert '"in_ip":0' in row[2].replace(" ", "") and '"in_ip":null' in row[3].replace(" ", "")
        assert c.execute("SELECT row_version FROM projects WHERE project_id = 'P2'").fetchone()[0] == \
            [r for r in before["projects"] if r[1] == "P2"][0][-4] + 1
    finally:
        c.close()
    # through the storage API: a new project without in_ip is "niet opgegeven", gets a fid above the deleted one,
    # and the R-tree has it
    wb = open_werkbank(path)
    try:
        wb.write_frame("projects", gpd.GeoDataFrame([{"project_id": "P10", "name": "Nieuw project"}],
                                                    geometry=[Point(151000, 451000)], crs="EPSG:28992"))
        new = wb.query("SELECT fid, in_ip, confidential FROM projects WHERE project_id = 'P10'")[0]
        assert new["in_ip"] is None and new["confidential"] == 0 and new["fid"] == before["seq"] + 1
        box = wb.query("SELECT minx, maxx, miny, maxy FROM rtree_projects_geom WHERE id = ?", (new["fid"],))[0]
        assert box["minx"] <= 151000 <= box["maxx"] and box["miny"] <= 451000 <= box["maxy"]
        assert [h["action"] for h in wb.history("projects", "P10")] == ["insert"]
        assert wb.query("SELECT count(*) AS n FROM audit_log WHERE table_name = 'projects' AND row_key = 'P2'"
                        " AND action = 'update'")[0]["n"] == 1
    finally:
        wb.close()


def test_a_migration_that_fails_halfway_leaves_the_old_werkbank(tmp_path, monkeypatch):
    """In this process (an error after the table was dropped and rebuilt) and in a process killed right after the
    DROP: the werkbank is schema 8 as it was, byte for byte in content."""
    from pmiek_werkbank.werkbank import WerkbankError, open_werkbank
    from pmiek_werkbank.werkbank.storage import GeopackageWerkbank

    path = str(tmp_path / "oud.gpkg")
    _old_werkbank(path, monkeypatch)
    before = _state(path)
    real = GeopackageWerkbank._rebuild_table

    def broken(self, tx, table):
        real(self, tx, table)
        raise sqlite3.OperationalError("database or disk is full")

    with monkeypatch.context() as m:
        m.setattr(GeopackageWerkbank, "_rebuild_table", broken)
        with pytest.raises(WerkbankError, match="schijf is vol"):
            open_werkbank(path)
    assert _state(path) == before
    c = sqlite3.connect(path)
    assert c.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == V8
    assert {r[1]: r[3] for r in c.execute("PRAGMA table_info(projects)")}["in_ip"] == 1
    c.close()

    code = textwrap.dedent("""
        import os, sys
        from pmiek_werkbank.werkbank import open_werkbank, storage

        real = storage._Tx.execute

        def execute(self, sql, params=()):
            out = real(self, sql, params)
            if sql.startswith('DROP TABLE "projects"'):
                os._exit(9)  # killed in the middle of the migration
            return out

        storage._Tx.execute = execute
        open_werkbank(sys.argv[1])
    """)
    import subprocess
    import sys

    p = subprocess.run([sys.executable, "-c", code, path], env=child_env(), capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == 9, p.stderr
    assert _state(path) == before  # SQLite rolled the journal back on this read
    wb = open_werkbank(path)  # and the next open migrates normally
    try:
        assert wb.schema_version() == 9
    finally:
        wb.close()
    assert _state(path) == before


def test_in_ip_three_valued_in_storage(werkbank):
    werkbank.write_frame("projects", [
        {"project_id": "J", "name": "Ja", "in_ip": 1},
        {"project_id": "N", "name": "Nee", "in_ip": 0},
        {"project_id": "O", "name": "Onbekend", "in_ip": None},
        {"project_id": "X", "name": "Zonder kolom"},
    ])
    got = {r["project_id"]: r["in_ip"] for r in werkbank.query("SELECT project_id, in_ip FROM projects")}
    assert got == {"J": 1, "N": 0, "O": None, "X": None}
    with pytest.raises(sqlite3.IntegrityError):
        werkbank.execute("UPDATE projects SET in_ip = 2 WHERE project_id = 'J'")


def _projectenlijst(path, headers, rows):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(headers)
    for r in rows:
        book.active.append(r)
    book.save(str(path))
    return str(path)


def test_import_without_the_column_or_with_an_empty_cell_is_niet_opgegeven(pmiek_provider, werkbank,
                                                                         werkbank_path, tmp_path):
    from conftest import run_alg
    from qgis.core import QgsProcessingException

    src = _projectenlijst(tmp_path / "zonder.xlsx", ["Naam project", "Locatie"], [["Station A", "Utrecht"]])
    run_alg("pmiek:importprojects", {"WERKBANK": werkbank_path, "INPUT": src})
    assert werkbank.query("SELECT in_ip, confidential FROM projects")[0] == {"in_ip": None, "confidential": 0}

    src = _projectenlijst(tmp_path / "met.xlsx", ["Naam project", "Investeringsplan", "vertrouwelijk"], [
        ["Station A", None, None], ["Station B", "ja", "nee"], ["Station C", "nee", None], ["Station D", "1", None],
        ["Station E", "0", None], ["Station F", "true", None], ["Station G", "false", None], ["Station H", " ", None]])
    run_alg("pmiek:importprojects", {"WERKBANK": werkbank_path, "INPUT": src})
    got = {r["name"]: (r["in_ip"], r["confidential"]) for r in werkbank.query(
        "SELECT name, in_ip, confidential FROM projects")}
    assert got == {"Station A": (None, 0), "Station B": (1, 0), "Station C": (0, 0), "Station D": (1, 0),
                   "Station E": (0, 0), "Station F": (1, 0), "Station G": (0, 0), "Station H": (None, 0)}

    # a source without the column leaves what is stored
    src = _projectenlijst(tmp_path / "weer_zonder.xlsx", ["Naam project", "Locatie"], [["Station B", "Zeist"]])
    run_alg("pmiek:importprojects", {"WERKBANK": werkbank_path, "INPUT": src})
    assert werkbank.query("SELECT in_ip FROM projects WHERE name = 'Station B'")[0]["in_ip"] == 1

    # an unknown value refuses the row, naming row and field; nothing is written
    src = _projectenlijst(tmp_path / "fout.xlsx", ["Naam project", "Investeringsplan"],
                          [["Station B", "nee"], ["Station C", "misschien"]])
    with pytest.raises(QgsProcessingException) as info:
        run_alg("pmiek:importprojects", {"WERKBANK": werkbank_path, "INPUT": src, "STRICT": True})
    msg = str(info.value)
    assert "rij 3" in msg and "Investeringsplan" in msg and "'misschien' is geen ja/nee" in msg, msg
    assert werkbank.query("SELECT in_ip FROM projects WHERE name = 'Station B'")[0]["in_ip"] == 1


def test_fiche_says_ja_nee_or_niet_opgegeven(tmp_path, qgis_app):
    from test_export_fiches import GEMEENTEN
    from test_export_data import FICHE_NAMES, build_export_werkbank

    from pmiek_werkbank.export.context import gather
    from pmiek_werkbank.export.fiches import FicheLayout, export_fiches
    from pmiek_werkbank.werkbank import create_werkbank, open_werkbank

    path = str(tmp_path / "w.gpkg")
    create_werkbank(path, "Testprogramma", "Utrecht", province_code="PV26").close()
    build_export_werkbank(path)
    with open_werkbank(path) as wb:  # P1: ja (IP-2024-117); P2: nee; P3: niet opgegeven
        wb.execute("UPDATE projects SET in_ip = NULL WHERE project_id = 'P3'")
        data = gather(wb, project_ids=["P1", "P2", "P3"])
        fl = FicheLayout(wb, data, gemeenten_path=GEMEENTEN if os.path.exists(GEMEENTEN) else None)
        fiches = export_fiches(wb, data, str(tmp_path / "fiches"), fiche_layout=fl)
    expected = {FICHE_NAMES[0]: "ja (IP-2024-117)", FICHE_NAMES[1]: "nee", FICHE_NAMES[2]: "niet opgegeven"}
    seen = {}
    for pdf, html in zip(fiches.pdfs, fiches.htmls):
        flat = " ".join(pdf_text(pdf).split())
        page = " ".join(open(html, encoding="utf-8").read().split())
        name = min((n for n in expected if n in flat), key=flat.index)  # the title (another may be named below)
        seen[name] = True
        assert "Investeringsplan netbeheerder {}".format(expected[name]) in flat, flat
        assert '<td class="k">Investeringsplan netbeheerder</td><td class="v">{}</td>'.format(
            expected[name]) in page
    assert len(seen) == 3


def test_round_comparison_names_niet_opgegeven_to_nee(tmp_path):
    from test_rounds_fixtures import two_rounds

    from pmiek_werkbank.programme.rounds import compare_rounds
    from pmiek_werkbank.werkbank import open_werkbank

    def changes(path):
        with open_werkbank(path) as wb:
            wb.execute("UPDATE projects SET in_ip = 0 WHERE project_id = 'P1'")  # niet opgegeven -> nee
            wb.execute("UPDATE projects SET in_ip = 1 WHERE project_id = 'P2'")  # niet opgegeven -> ja

    _live, snap, new = two_rounds(tmp_path, changes)
    with open_werkbank(snap, readonly=True) as a:  # P1 and P2 are NULL in round 1
        assert {r["in_ip"] for r in a.query("SELECT in_ip FROM projects")} == {None}
    rows = compare_rounds(snap, new).section("project")
    got = rows[rows["veld"] == "investeringsplan netbeheerder"][["id", "oud", "nieuw"]].values.tolist()
    assert got == [["P1", "niet opgegeven", "nee"], ["P2", "niet opgegeven", "ja"]]


def test_exchange_round_trip_keeps_niet_opgegeven(tmp_path):
    from test_rounds_fixtures import make_werkbank

    from pmiek_werkbank.programme.exchange import export_package, import_package
    from pmiek_werkbank.werkbank import open_werkbank

    path = str(tmp_path / "bron.gpkg")
    wb = make_werkbank(path)
    try:
        wb.execute("UPDATE projects SET in_ip = 1 WHERE project_id = 'P1'")
        wb.execute("UPDATE projects SET in_ip = 0 WHERE project_id = 'P2'")
        export_package(wb, str(tmp_path / "pakket"))
    finally:
        wb.close()
    import_package(str(tmp_path / "pakket"), str(tmp_path / "terug.gpkg"))
    with open_werkbank(str(tmp_path / "terug.gpkg"), readonly=True) as back:
        got = dict((r["project_id"], r["in_ip"]) for r in back.query("SELECT project_id, in_ip FROM projects"))
    assert got == {"P1": 1, "P2": 0, "P4": None}  # P3 is confidential: not exported


@pytest.mark.postgis
def test_postgis_werkbank_of_schema_8_gets_a_nullable_in_ip(monkeypatch):
    """PostGIS alters the column in place (DROP NOT NULL, DROP DEFAULT); values stay, the audit trigger records."""
    import uuid

    from test_postgis import _pg_uri, _sql

    from pmiek_werkbank.werkbank import create_werkbank, open_werkbank, schema, storage

    uri = _pg_uri()
    name = "inip_{}".format(uuid.uuid4().hex[:10])
    target = uri + ("&" if "?" in uri else "?") + "schema=" + name
    column = ("SELECT is_nullable, column_default FROM information_schema.columns WHERE table_schema = %s AND "
              "table_name = 'projects' AND column_name = 'in_ip'")
    try:
        with monkeypatch.context() as m:
            previous = [mig for mig in schema.MIGRATIONS if mig.version <= V8]
            m.setattr(schema, "MIGRATIONS", previous)
            m.setattr(storage, "MIGRATIONS", previous)
            wb = create_werkbank(target, "Oud", "Utrecht")
            try:
                assert wb.schema_version() == V8
                wb.write_frame("projects", [{"project_id": "P1", "name": "Ja", "in_ip": 1}])
                wb.write_frame("projects", [{"project_id": "P2", "name": "Zonder"}])
            finally:
                wb.close()
        assert _sql(uri, column, (name,)) == [("NO", "0")]
        wb = open_werkbank(target)
        try:
            assert wb.schema_version() == 9
            assert _sql(uri, column, (name,)) == [("YES", None)]
            wb.write_frame("projects", [{"project_id": "P3", "name": "Nieuw"}])
            got = {r["project_id"]: r["in_ip"] for r in wb.query("SELECT project_id, in_ip FROM projects")}
            assert got == {"P1": 1, "P2": 0, "P3": None}
        finally:
            wb.close()
        _sql(uri, 'UPDATE "{}".projects SET in_ip = NULL WHERE project_id = %s'.format(name), ("P2",))
        rows = _sql(uri, 'SELECT action, old_values, new_values FROM "{}".audit_log WHERE table_name = %s AND '
                         "row_key = %s ORDER BY fid".format(name), ("projects", "P2"))
        assert rows[-1][0] == "update" and '"in_ip": 0' in rows[-1][1] and '"in_ip": null' in rows[-1][2]
    finally:
        _sql(uri, 'DROP SCHEMA IF EXISTS "{}" CASCADE'.format(name))


def test_form_offers_ja_nee_or_empty_and_sets_no_default(werkbank_path, qgis_app):
    """A checkbox cannot show "niet opgegeven" and saves an untouched NULL as 0: a value map (ja / nee / (leeg)),
    no default 0 for a new project, no NOT NULL from the style."""
    from qgis.core import QgsFieldConstraints, QgsProject, QgsValueMapFieldFormatter

    from pmiek_werkbank.layers.project import add_werkbank_layers

    project = QgsProject()
    layers = [lyr for lyr in add_werkbank_layers(werkbank_path, project)
              if lyr.customProperty("pmiek/table") == "projects"]
    assert layers
    for lyr in layers:
        i = lyr.fields().indexOf("in_ip")
        setup = lyr.editorWidgetSetup(i)
        assert setup.type() == "ValueMap"
        entries = {k: v for e in setup.config()["map"] for k, v in e.items()}
        assert entries == {"(leeg)": QgsValueMapFieldFormatter.NULL_VALUE, "ja": "1", "nee": "0"}
        fmt = QgsValueMapFieldFormatter()
        assert [fmt.representValue(lyr, i, setup.config(), None, v) for v in (1, 0)] == ["ja", "nee"]
        assert lyr.defaultValueDefinition(i).expression() == ""
        assert not lyr.fields().field(i).constraints().constraints() & QgsFieldConstraints.Constraint.ConstraintNotNull
    project.clear()
