"""Optimistic concurrency for edits made in QGIS itself (issue 9): row_version triggers, find_conflicts, the save path.

Two "users" are two QgsVectorLayer instances on the same werkbank, each with its own edit buffer.
The same core scenario runs on a GeoPackage and on PostGIS (PMIEK_PG_URI, see tests/test_postgis.py).
"""

import os
import re
import sqlite3
import uuid
from urllib.parse import urlsplit

import pytest
import shapely

from pmiek_werkbank.werkbank import create_werkbank, open_werkbank
from pmiek_werkbank.werkbank import schema as S

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$")
OLD_TS = "2000-01-01T00:00:00+00:00"


def _projects(wb):
    import geopandas as gpd

    wb.write_frame("projects", gpd.GeoDataFrame(
        {"project_id": ["P1", "P2", "P3"], "name": ["Station Noord", "Kabel Zuid", "Trafo Oost"],
         "ibn_year": [2030, 2031, 2032]},
        geometry=[shapely.Point(140000, 455000), shapely.Point(141000, 456000), shapely.Point(142000, 457000)],
        crs="EPSG:28992"), user="setup")


def _row(wb, pid):
    return wb.query("SELECT name, row_version, modified, modified_by FROM projects WHERE project_id = ?", (pid,))


def _fid(layer, pid):
    return next(f.id() for f in layer.getFeatures() if f["project_id"] == pid)


def _set(layer, pid, field, value):
    assert layer.changeAttributeValue(_fid(layer, pid), layer.fields().indexOf(field), value)


@pytest.fixture
def gpkg(werkbank_path):
    wb = open_werkbank(werkbank_path)
    _projects(wb)
    yield wb
    wb.close()


# ---- the triggers -----------------------------------------------------------------------------------
def test_trigger_bumps_row_version_on_plain_sql(gpkg):
    # An update that sets row_version itself (as the API does) is not bumped again ...
    gpkg.execute("UPDATE projects SET modified = ?, row_version = row_version + 1 WHERE project_id = 'P1'",
                 (OLD_TS,))
    assert _row(gpkg, "P1")[0]["row_version"] == 2 and _row(gpkg, "P1")[0]["modified"] == OLD_TS
    # ... any other update is: +1 and a fresh UTC stamp.
    gpkg.execute("UPDATE projects SET name = 'Station Noord-West' WHERE project_id = 'P1'")
    row = _row(gpkg, "P1")[0]
    assert row["row_version"] == 3 and ISO.match(row["modified"]) and row["modified"] != OLD_TS
    assert [r["row_version"] for r in gpkg.query("SELECT row_version FROM projects WHERE project_id <> 'P1'")] == [1, 1]
    # An update that sets 'modified' itself keeps it (the QGIS save path stamps who and when).
    gpkg.execute("UPDATE projects SET name = 'x', modified = ? WHERE project_id = 'P2'", (OLD_TS,))
    assert _row(gpkg, "P2")[0]["row_version"] == 2 and _row(gpkg, "P2")[0]["modified"] == OLD_TS


def test_api_writes_bump_exactly_once(gpkg):
    assert gpkg.write_frame("projects", [{"project_id": "P1", "name": "Nieuw"}])["updated"] == 1
    assert _row(gpkg, "P1")[0]["row_version"] == 2
    assert gpkg.update_row("projects", "P1", {"name": "Nieuwer"}, 2, user="bram") == 3
    assert _row(gpkg, "P1")[0]["row_version"] == 3 and _row(gpkg, "P1")[0]["modified_by"] == "bram"
    gpkg.update_programme(round="pMIEK 3.0")
    assert gpkg.query("SELECT row_version FROM programme")[0]["row_version"] == 2


def test_every_edit_table_has_its_trigger(gpkg, werkbank_path):
    names = {r[0] for r in sqlite3.connect(werkbank_path).execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    edit_tables = [t for t, d in S.TABLES.items() if "row_version" in d.column_names]
    assert edit_tables and all(S.ROW_VERSION_TRIGGER.format(table=t) in names for t in edit_tables)


def test_older_werkbank_gets_the_triggers_on_open(tmp_path):
    path = str(tmp_path / "v2.gpkg")
    later = S.MIGRATIONS[2:]  # build a werkbank as version 2 had it
    del S.MIGRATIONS[2:]
    try:
        assert S.latest_version() == 2
        create_werkbank(path, "Oud", "Utrecht").close()
    finally:
        S.MIGRATIONS.extend(later)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger'").fetchone()[0] == 0
    conn.close()
    wb = open_werkbank(path)
    try:
        assert wb.schema_version() == S.latest_version()
        wb.execute("UPDATE programme SET name = 'Oud, bijgewerkt'")
        assert wb.query("SELECT row_version FROM programme")[0]["row_version"] == 2
    finally:
        wb.close()


def test_qgis_layer_edit_bumps_row_version(gpkg, werkbank_path, qgis_app):
    from qgis.core import QgsGeometry, QgsVectorLayer

    gpkg.execute("UPDATE projects SET modified = ?, row_version = row_version + 1 WHERE project_id = 'P1'",
                 (OLD_TS,))
    lyr = QgsVectorLayer(gpkg.layer_uri("projects", "Point"), "p", "ogr")
    assert lyr.isValid()
    lyr.startEditing()
    _set(lyr, "P1", "name", "Via QGIS")
    assert lyr.changeGeometry(_fid(lyr, "P1"), QgsGeometry.fromWkt("POINT (140010 455010)"))
    assert lyr.commitChanges(), lyr.commitErrors()
    row = _row(gpkg, "P1")[0]
    # QGIS writes the geometry and the attributes with one UPDATE each: each bumps (any increase is what counts)
    assert row["name"] == "Via QGIS" and row["row_version"] in (3, 4) and row["modified"] != OLD_TS
    lyr.startEditing()
    _set(lyr, "P1", "ibn_year", 2029)
    assert lyr.commitChanges(), lyr.commitErrors()
    assert _row(gpkg, "P1")[0]["row_version"] == row["row_version"] + 1
    assert _row(gpkg, "P2")[0]["row_version"] == 1


# ---- two users in QGIS: the core scenario, on both backends -------------------------------------------
def _two_users(wb, provider):
    from qgis.core import QgsVectorLayer

    from pmiek_werkbank.layers.concurrency import discard_features, find_conflicts, stamp_edits, track

    def layer(name):
        lyr = QgsVectorLayer(wb.layer_uri("projects", "Point"), name, provider)
        assert lyr.isValid(), name
        lyr.setCustomProperty("pmiek/table", "projects")
        assert track(lyr)
        lyr.startEditing()
        return lyr

    anna, bram = layer("anna"), layer("bram")
    try:
        # Both start from version 1.  Bram edits P1, P2 and P3 (not saved yet) ...
        _set(bram, "P1", "name", "Station Noord (Bram)")
        _set(bram, "P1", "ibn_year", 2035)
        _set(bram, "P2", "name", "Kabel Zuid (Bram)")
        _set(bram, "P3", "ibn_year", 2040)
        # ... while Anna renames P1 and deletes P2, and saves first.
        _set(anna, "P1", "name", "Station Noord (Anna)")
        assert anna.deleteFeature(_fid(anna, "P2"))
        assert stamp_edits(anna, "anna", "2026-03-01T10:00:00+00:00") == 1
        assert find_conflicts(anna, wb) == []
        assert anna.commitChanges(), anna.commitErrors()
        assert _row(wb, "P1")[0]["row_version"] == 2 and _row(wb, "P1")[0]["modified_by"] == "anna"
        # Bram saves: P1 (changed by Anna) and P2 (deleted by Anna) conflict, P3 does not.
        conflicts = {c.key_value: c for c in find_conflicts(bram, wb)}
        assert sorted(conflicts) == ["P1", "P2"]
        c1 = conflicts["P1"]
        assert (c1.table, c1.key, c1.action, c1.mine_version, c1.theirs_version) == ("projects", "project_id",
                                                                                        "update", 1, 2)
        assert c1.mine == {"name": "Station Noord (Bram)", "ibn_year": 2035}
        assert c1.theirs["name"] == "Station Noord (Anna)" and c1.theirs["modified_by"] == "anna"
        assert c1.theirs["modified"] == "2026-03-01T10:00:00+00:00" and c1.theirs["row_version"] == 2
        assert c1.fields() == ["name", "ibn_year"] and c1.mine_row["name"] == "Station Noord (Bram)"
        assert "anna" in c1.message() and "versie 2" in c1.message()
        c2 = conflicts["P2"]
        assert c2.deleted_by_others and c2.theirs == {} and c2.mine == {"name": "Kabel Zuid (Bram)"}
        assert "verwijderd" in c2.message()
        # Keep Bram's non-conflicting edit only: Anna's change is not lost, P2 stays deleted.
        assert discard_features(bram, [c.fid for c in conflicts.values()]) == 2
        assert find_conflicts(bram, wb) == []
        stamp_edits(bram, "bram", "2026-03-01T10:05:00+00:00")
        assert bram.commitChanges(), bram.commitErrors()
        p1, p3 = _row(wb, "P1")[0], _row(wb, "P3")[0]
        assert (p1["name"], p1["row_version"], p1["modified_by"]) == ("Station Noord (Anna)", 2, "anna")
        assert wb.query("SELECT ibn_year FROM projects WHERE project_id = 'P1'")[0]["ibn_year"] == 2030
        assert (p3["row_version"], p3["modified_by"]) == (2, "bram")
        assert wb.query("SELECT ibn_year FROM projects WHERE project_id = 'P3'")[0]["ibn_year"] == 2040
        assert wb.count("projects", "project_id = 'P2'") == 0
        # A third round: Bram edits again from the stored versions: no conflict.
        bram.startEditing()
        _set(bram, "P1", "name", "Station Noord (samen)")
        assert find_conflicts(bram, wb) == []
        assert bram.commitChanges(), bram.commitErrors()
        assert _row(wb, "P1")[0]["row_version"] == 3
    finally:
        for lyr in (anna, bram):
            if lyr.isEditable():
                lyr.rollBack()


def test_two_qgis_users_on_geopackage(gpkg, qgis_app):
    _two_users(gpkg, "ogr")


def test_conflict_with_an_api_write_and_a_deletion_by_me(gpkg, qgis_app):
    from qgis.core import QgsVectorLayer

    from pmiek_werkbank.layers.concurrency import find_conflicts, track

    lyr = QgsVectorLayer(gpkg.layer_uri("projects", "Point"), "p", "ogr")
    lyr.setCustomProperty("pmiek/table", "projects")
    track(lyr)
    lyr.startEditing()
    gpkg.update_row("projects", "P3", {"name": "Trafo Oost (API)"}, 1, user="carla")
    assert lyr.deleteFeature(_fid(lyr, "P3"))
    (c,) = find_conflicts(lyr, gpkg)
    assert (c.key_value, c.action, c.mine_version, c.theirs_version) == ("P3", "delete", 1, 2)
    assert c.theirs["modified_by"] == "carla" and c.theirs["name"] == "Trafo Oost (API)"
    lyr.rollBack()


def test_discarding_keeps_the_starting_versions_of_the_other_edits(gpkg, qgis_app):
    from qgis.core import QgsVectorLayer

    from pmiek_werkbank.layers.concurrency import discard_features, find_conflicts, track

    lyr = QgsVectorLayer(gpkg.layer_uri("projects", "Point"), "p", "ogr")
    lyr.setCustomProperty("pmiek/table", "projects")
    track(lyr)
    lyr.startEditing()
    _set(lyr, "P1", "name", "mijn P1")
    _set(lyr, "P3", "name", "mijn P3")
    gpkg.update_row("projects", "P1", {"name": "hun P1"}, 1, user="anna")
    (c,) = find_conflicts(lyr, gpkg)
    # P3 changes while the user reads the conflict dialog: the replayed edit must still start from version 1.
    gpkg.update_row("projects", "P3", {"name": "hun P3"}, 1, user="anna")
    assert discard_features(lyr, [c.fid]) == 1 and lyr.getFeature(c.fid)["name"] == "hun P1"
    assert lyr.getFeature(_fid(lyr, "P3"))["name"] == "mijn P3"
    (c3,) = find_conflicts(lyr, gpkg)
    assert (c3.key_value, c3.mine_version, c3.theirs_version) == ("P3", 1, 2)
    lyr.rollBack()


# ---- the "Opslaan" button of the projects dock --------------------------------------------------------------
@pytest.fixture
def dock(qgis_iface, qgis_new_project, gpkg, werkbank_path):
    from qgis.core import QgsProject

    from pmiek_werkbank.dialogs.projects_dock import ProjectsDock
    from pmiek_werkbank.layers.project import Session, add_werkbank_layers

    add_werkbank_layers(werkbank_path)
    s = Session(QgsProject.instance())
    s.set_werkbank(werkbank_path)
    d = ProjectsDock(qgis_iface, s)
    yield d
    from pmiek_werkbank.layers.project import werkbank_layers

    for lyr in werkbank_layers():
        if lyr.isEditable():
            lyr.rollBack()
    d.cleanup()
    s.set_werkbank("")


def _dock_layer():
    from pmiek_werkbank.dialogs.map_tools import find_layer

    return find_layer("projects", "point")


def _edit_with_conflict(gpkg):
    lyr = _dock_layer()
    lyr.startEditing()
    _set(lyr, "P1", "name", "Mijn naam")
    _set(lyr, "P3", "name", "Trafo Oost (mijn)")
    gpkg.update_row("projects", "P1", {"name": "Hun naam"}, 1, user="anna")  # the other user, meanwhile
    return lyr


def test_dock_save_cancel_keeps_everything(dock, gpkg):
    seen = []
    dock.resolver = lambda conflicts: seen.append(conflicts) or "cancel"
    lyr = _edit_with_conflict(gpkg)
    assert dock.save() == set()
    assert [c.key_value for c in seen[0]] == ["P1"] and dock.last_conflicts == seen[0]
    assert lyr.isEditable() and len(lyr.editBuffer().changedAttributeValues()) == 2
    assert _row(gpkg, "P1")[0]["name"] == "Hun naam" and _row(gpkg, "P3")[0]["name"] == "Trafo Oost"


def test_dock_save_reload_drops_only_conflicting_rows(dock, gpkg):
    dock.resolver = lambda conflicts: "reload"
    lyr = _edit_with_conflict(gpkg)
    assert dock.save() == set()
    assert lyr.isEditable() and list(lyr.editBuffer().changedAttributeValues()) == [_fid(lyr, "P3")]
    assert lyr.getFeature(_fid(lyr, "P1"))["name"] == "Hun naam"  # the stored version is shown
    assert _row(gpkg, "P3")[0]["name"] == "Trafo Oost"  # nothing saved yet
    dock.resolver = lambda conflicts: pytest.fail("no conflict expected any more")
    assert dock.save() == {"projects"}
    assert _row(gpkg, "P3")[0]["name"] == "Trafo Oost (mijn)" and _row(gpkg, "P1")[0]["name"] == "Hun naam"


def test_dock_save_keep_mine_commits_non_conflicting_rows(dock, gpkg):
    dock.resolver = lambda conflicts: "keep_mine"
    lyr = _edit_with_conflict(gpkg)
    assert dock.save() == {"projects"}
    assert not lyr.isEditable()
    p1, p3 = _row(gpkg, "P1")[0], _row(gpkg, "P3")[0]
    assert (p1["name"], p1["row_version"], p1["modified_by"]) == ("Hun naam", 2, "anna")
    assert p3["name"] == "Trafo Oost (mijn)" and p3["row_version"] == 2 and p3["modified_by"] == gpkg.user
    assert p3["modified"] != OLD_TS and ISO.match(p3["modified"])


def test_dock_save_without_conflict_and_the_dialog(dock, gpkg, qgis_app):
    from pmiek_werkbank.dialogs.conflict_dialog import KEEP_MINE, ConflictDialog
    from pmiek_werkbank.layers.concurrency import find_conflicts

    lyr = _dock_layer()
    lyr.startEditing()
    _set(lyr, "P2", "name", "Kabel Zuid 2")
    dock.resolver = lambda conflicts: pytest.fail("no conflict expected")
    assert dock.save() == {"projects"} and _row(gpkg, "P2")[0]["row_version"] == 2
    # the dialog shows both versions side by side
    lyr = _edit_with_conflict(gpkg)
    dlg = ConflictDialog(find_conflicts(lyr, gpkg))
    rows = dlg.rows()
    assert rows[0][0].startswith("projects P1") and "versie 2 – anna" in rows[0][3]
    assert rows[0][2] == "gewijzigd vanaf versie 1"
    assert ["", "name *", "Mijn naam", "Hun naam"] in rows
    dlg.b_keep.click()
    assert dlg.choice == KEEP_MINE and dlg.result() == 1
    dlg.deleteLater()
    lyr.rollBack()


# ---- PostGIS -----------------------------------------------------------------------------------------------
def _pg_uri():
    uri = os.environ.get("PMIEK_PG_URI")
    if not uri:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("PMIEK_PG_URI ontbreekt: de PostGIS-testserver is niet gestart (scripts/pg_test_server.sh).")
        pytest.skip("PMIEK_PG_URI niet gezet; start: eval \"$(bash scripts/pg_test_server.sh start)\"")
    return uri


@pytest.fixture
def pg_werkbank():
    uri = _pg_uri()
    schema = "conc_{}".format(uuid.uuid4().hex[:10])
    target = uri + ("&" if "?" in uri else "?") + "schema=" + schema
    wb = create_werkbank(target, "Teamprogramma", "Utrecht")
    old = os.environ.get("PGPASSWORD")
    os.environ["PGPASSWORD"] = urlsplit(uri).password or ""  # libpq's way; layer URIs carry no password
    try:
        yield wb
    finally:
        if old is None:
            os.environ.pop("PGPASSWORD", None)
        else:
            os.environ["PGPASSWORD"] = old
        wb.execute('DROP SCHEMA "{}" CASCADE'.format(schema))
        wb.close()


@pytest.mark.postgis
def test_postgis_trigger_and_two_qgis_users(pg_werkbank, qgis_app):
    wb = pg_werkbank
    _projects(wb)
    assert wb.write_frame("projects", [{"project_id": "P3", "name": "Trafo Oost", "ibn_year": 2033}])["updated"] == 1
    assert _row(wb, "P3")[0]["row_version"] == 2  # the API bumps once
    wb.execute("UPDATE projects SET ibn_year = 2032, modified = ?, row_version = row_version + 1"
               " WHERE project_id = 'P3'", (OLD_TS,))
    wb.execute("UPDATE projects SET ibn_year = 2032 WHERE project_id = 'P3'")  # plain SQL: trigger +1
    row = _row(wb, "P3")[0]
    assert row["row_version"] == 4 and ISO.match(row["modified"]) and row["modified"] != OLD_TS
    wb.execute("UPDATE projects SET row_version = 1 WHERE project_id = 'P3'")  # sets row_version: not bumped
    assert {r["row_version"] for r in wb.query("SELECT row_version FROM projects")} == {1}
    _two_users(wb, "postgres")


@pytest.mark.postgis
def test_postgis_older_werkbank_gets_the_trigger_on_open(qgis_app):
    uri = _pg_uri()
    schema = "conc_{}".format(uuid.uuid4().hex[:10])
    target = uri + "?schema=" + schema if "?" not in uri else uri + "&schema=" + schema
    last = S.MIGRATIONS.pop()
    try:
        create_werkbank(target, "Oud", "Utrecht").close()
    finally:
        S.MIGRATIONS.append(last)
    wb = open_werkbank(target)
    try:
        assert wb.schema_version() == S.latest_version()
        wb.execute("UPDATE programme SET name = 'Oud, bijgewerkt'")
        assert wb.query("SELECT row_version FROM programme")[0]["row_version"] == 2
    finally:
        wb.execute('DROP SCHEMA "{}" CASCADE'.format(schema))
        wb.close()
