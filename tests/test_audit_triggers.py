"""Issue 18 item 3: every write audited by the database (schema 5 triggers) on a GeoPackage; import conflicts.

PostGIS counterparts (current_user as author, two logins) are in test_postgis.py.
"""

import json
import sqlite3

import pytest
import shapely

from pmiek_werkbank.werkbank import open_werkbank
from pmiek_werkbank.werkbank.audit_sql import UNKNOWN_GPKG_USER
from pmiek_werkbank.werkbank.storage import ConflictError


def _audit(path, table):
    c = sqlite3.connect(path)
    try:
        return [dict(zip(("key", "action", "by", "old", "new"), r)) for r in c.execute(
            "SELECT row_key, action, changed_by, old_values, new_values FROM audit_log WHERE table_name = ? "
            "ORDER BY fid", (table,))]
    finally:
        c.close()


def test_api_writes_are_audited_once(werkbank, werkbank_path):
    werkbank.write_frame("projects", [{"project_id": "p1", "name": "A", "geometry": shapely.Point(140000, 455000)}],
                         user="anna")
    werkbank.update_row("projects", "p1", {"name": "B"}, 1, user="bram")
    werkbank.delete("projects", "project_id = ?", ("p1",), user="cor")
    rows = _audit(werkbank_path, "projects")
    assert [(r["action"], r["by"]) for r in rows] == [("insert", "anna"), ("update", "bram"), ("delete", "cor")]
    assert json.loads(rows[1]["old"]) == {"name": "A"} and json.loads(rows[1]["new"]) == {"name": "B"}
    assert werkbank.count("audit_suppress") == 0


def test_station_capacity_and_plain_sql_are_audited(werkbank, werkbank_path):
    werkbank.write_frame("stations", [{"station_id": "S1", "name": "Noord"}])
    werkbank.execute("INSERT INTO station_capacity (station_id, year, afname_mw) VALUES ('S1', 2030, 40)")
    werkbank.close()
    c = sqlite3.connect(werkbank_path)  # another program, plain SQL
    c.execute("UPDATE station_capacity SET afname_mw = 55 WHERE station_id = 'S1'")
    c.execute("UPDATE station_capacity SET afname_mw = 55 WHERE station_id = 'S1'")  # no change: no entry
    c.execute("DELETE FROM station_capacity")
    c.commit()
    c.close()
    rows = _audit(werkbank_path, "station_capacity")
    assert [(r["key"], r["action"], r["by"]) for r in rows] == [
        ("S1/2030", "insert", UNKNOWN_GPKG_USER), ("S1/2030", "update", UNKNOWN_GPKG_USER),
        ("S1/2030", "delete", UNKNOWN_GPKG_USER)]
    assert json.loads(rows[1]["old"])["afname_mw"] == 40 and json.loads(rows[1]["new"])["afname_mw"] == 55
    assert json.loads(rows[2]["new"] or "null") is None


def test_station_capacity_import_is_audited(werkbank, werkbank_path):
    import pandas as pd

    from pmiek_werkbank.layers.importers import _upsert_capacity  # the capacity part of importstations

    werkbank.write_frame("stations", [{"station_id": "S1", "name": "Noord"}])
    for mw in (40.0, 45.0):
        _upsert_capacity(werkbank, pd.DataFrame({"station_id": ["S1"], "year": [2030], "afname_mw": [mw],
                                                 "teruglevering_mw": [10.0], "source": ["test"],
                                                 "peildatum": ["2026-01-01"]}))
    rows = _audit(werkbank_path, "station_capacity")
    # by the user who imports, not 'onbekend (buiten pMIEK)': the plugin's own plain SQL names its writer
    assert [(r["key"], r["action"], r["by"]) for r in rows] == [("S1/2030", "insert", werkbank.user),
                                                                ("S1/2030", "update", werkbank.user)]
    assert werkbank.count("audit_suppress") == 0


def test_variant_writes_are_audited_by_the_user(werkbank, werkbank_path):
    from pmiek_werkbank.programme.variants import define_variant, delete_variant

    werkbank.write_frame("projects", [{"project_id": "p1", "name": "A"}, {"project_id": "p2", "name": "B"}])
    define_variant(werkbank, "Alles", ["p1", "p2"], user="anna")
    define_variant(werkbank, "Alles", ["p1"], user="bram")
    delete_variant(werkbank, "Alles", user="cor")
    assert werkbank.count("audit_suppress") == 0
    c = sqlite3.connect(werkbank_path)
    try:
        by = c.execute("SELECT table_name, action, changed_by FROM audit_log WHERE table_name LIKE 'variant%' "
                       "ORDER BY fid").fetchall()
    finally:
        c.close()
    assert UNKNOWN_GPKG_USER not in {b for _t, _a, b in by}
    assert [x for x in by if x[0] == "variant_projects"] == (
        [("variant_projects", "insert", "anna")] * 2 + [("variant_projects", "delete", "bram")] * 2
        + [("variant_projects", "insert", "bram"), ("variant_projects", "delete", "cor")])
    assert [x for x in by if x[0] == "variants"][-1] == ("variants", "delete", "cor")


def test_qgis_own_save_is_audited(werkbank, werkbank_path, qgis_app):
    """An attribute edit saved with QGIS's own 'save edits' (the provider, not the plugin) writes an audit row."""
    from qgis.core import QgsVectorLayer

    werkbank.write_frame("projects", [{"project_id": "p1", "name": "A", "geometry": shapely.Point(140000, 455000)}],
                         user="anna")
    werkbank.close()
    layer = QgsVectorLayer("{}|layername=projects".format(werkbank_path), "projects", "ogr")
    assert layer.isValid()
    idx = layer.fields().indexOf("name")
    fid = next(layer.getFeatures()).id()
    assert layer.startEditing()
    assert layer.changeAttributeValue(fid, idx, "Via QGIS")
    assert layer.commitChanges(), layer.commitErrors()
    del layer
    rows = _audit(werkbank_path, "projects")
    assert [(r["action"], r["by"]) for r in rows] == [("insert", "anna"), ("update", UNKNOWN_GPKG_USER)]
    assert json.loads(rows[1]["old"])["name"] == "A" and json.loads(rows[1]["new"])["name"] == "Via QGIS"
    with open_werkbank(werkbank_path) as wb:
        assert wb.query("SELECT row_version FROM projects")[0]["row_version"] == 2


def test_import_upsert_over_newer_edit_is_a_conflict(werkbank):
    werkbank.write_frame("projects", [{"project_id": "p1", "name": "A"}, {"project_id": "p2", "name": "B"}])
    seen = werkbank.row_versions("projects")  # the import starts
    werkbank.update_row("projects", "p1", {"name": "A door collega"}, 1, user="collega")  # meanwhile
    with pytest.raises(ConflictError) as info:
        werkbank.write_frame("projects", [{"project_id": "p1", "name": "A uit import"},
                                          {"project_id": "p2", "name": "B uit import"}], expected_versions=seen)
    msg = str(info.value)
    assert "project_id p1 is intussen gewijzigd door collega" in msg and "niets opgeslagen" in msg
    assert {r["project_id"]: r["name"] for r in werkbank.query("SELECT project_id, name FROM projects")} == {
        "p1": "A door collega", "p2": "B"}
    # without a change in between the same import goes through
    seen = werkbank.row_versions("projects")
    counts = werkbank.write_frame("projects", [{"project_id": "p2", "name": "B uit import"}], expected_versions=seen)
    assert counts["updated"] == 1


def test_import_over_row_deleted_meanwhile_is_a_conflict(werkbank):
    werkbank.write_frame("projects", [{"project_id": "p1", "name": "A"}])
    seen = werkbank.row_versions("projects")
    werkbank.delete("projects", "project_id = ?", ("p1",))
    with pytest.raises(ConflictError, match="p1 is intussen verwijderd"):
        werkbank.write_frame("projects", [{"project_id": "p1", "name": "A2"}], expected_versions=seen)
    assert werkbank.count("projects") == 0


def test_rows_removed_with_a_deleted_project_are_audited(werkbank, werkbank_path):
    """Schema 8: the API records the project's deletion itself; the scores that go with it (ON DELETE CASCADE)
    are recorded by the database, with the API's user."""
    werkbank.write_frame("projects", [{"project_id": "p1", "name": "A"}])
    crit = werkbank.query("SELECT criterion_id, scale FROM criteria ORDER BY sort_order LIMIT 1")[0]
    rating = crit["scale"].split("|")[0]
    werkbank.write_frame("scores", [{"score_id": "s1", "project_id": "p1", "criterion_id": crit["criterion_id"],
                                     "rating": rating, "rationale": "omdat", "assessor": "anna", "score_date": "2026-01-01", "agreed": 1}], user="anna")
    werkbank.delete("projects", "project_id = ?", ("p1",), user="dirk")
    assert werkbank.count("scores") == 0
    rows = _audit(werkbank_path, "scores")
    assert [(r["key"], r["action"], r["by"]) for r in rows] == [("s1", "insert", "anna"), ("s1", "delete", "dirk")]
    assert json.loads(rows[1]["old"])["project_id"] == "p1"
    assert [(r["action"], r["by"]) for r in _audit(werkbank_path, "projects")] == [("insert", werkbank.user),
                                                                                 ("delete", "dirk")]
