"""SYNC never deletes a row other data still points at (a trial on the sample: a station that left the stations
file was deleted with its capacity rows while project UT-P12 kept naming it - a project at a station that no
longer existed, with no word but '1 niet meer in de bron (verwijderd)')."""

import os
import shutil
import sqlite3

import pytest
from conftest import SAMPLE_DIR, run_alg


@pytest.fixture
def sample(tmp_path):
    path = str(tmp_path / "werkbank.gpkg")
    shutil.copyfile(os.path.join(SAMPLE_DIR, "voorbeeld_werkbank.gpkg"), path)
    return path


def _count(path, sql, args=()):
    con = sqlite3.connect(path)
    try:
        return con.execute(sql, args).fetchone()[0]
    finally:
        con.close()


def _stations_without(path, out, keep):
    import geopandas as gpd

    st = gpd.read_file(os.path.join(SAMPLE_DIR, "stations.gpkg"))
    st[st["station_id"].isin(keep)].to_file(out)
    src = sqlite3.connect(path).execute("SELECT DISTINCT source FROM stations").fetchone()[0]
    return {"WERKBANK": path, "INPUT": out, "FIELD_ID": "station_id", "FIELD_NAME": "name", "CHECK_PROVINCE": False,
            "SOURCE_NAME": src, "SYNC": True}


def test_sync_refuses_a_station_a_project_names(sample, tmp_path, pmiek_provider):
    from qgis.core import QgsProcessingException

    ids = [r[0] for r in sqlite3.connect(sample).execute("SELECT station_id FROM stations ORDER BY station_id")]
    named = sqlite3.connect(sample).execute(
        "SELECT station_id, project_id FROM projects WHERE station_id IS NOT NULL ORDER BY project_id").fetchone()
    before = _count(sample, "SELECT COUNT(*) FROM station_capacity")
    params = _stations_without(sample, str(tmp_path / "st.gpkg"), [i for i in ids if i != named[0]])
    with pytest.raises(QgsProcessingException) as refused:
        run_alg("pmiek:importstations", params)
    text = str(refused.value)
    assert "SYNC verwijdert geen rijen" in text and named[0] in text and "project(en) bij dit station" in text
    assert "Kies eerst een ander station" in text
    # nothing written: the station and its capacity rows are there
    assert _count(sample, "SELECT COUNT(*) FROM stations WHERE station_id = ?", (named[0],)) == 1
    assert _count(sample, "SELECT COUNT(*) FROM station_capacity") == before
    # a station with a capaciteitsgebied is kept too; once nothing names it, it goes
    unnamed = [i for i in ids if _count(sample, "SELECT COUNT(*) FROM projects WHERE station_id = ?", (i,)) == 0
               and _count(sample, "SELECT COUNT(*) FROM developments WHERE station_id = ?", (i,)) == 0][0]
    assert _count(sample, "SELECT COUNT(*) FROM capacity_areas WHERE station_id = ?", (unnamed,)) > 0
    params = _stations_without(sample, str(tmp_path / "st1.gpkg"), [i for i in ids if i != unnamed])
    with pytest.raises(QgsProcessingException, match="capaciteitsgebied"):
        run_alg("pmiek:importstations", params)
    from pmiek_werkbank.werkbank import open_werkbank

    with open_werkbank(sample) as wb:
        wb.execute("DELETE FROM capacity_areas WHERE station_id = ?", (unnamed,))
    params = _stations_without(sample, str(tmp_path / "st2.gpkg"), [i for i in ids if i != unnamed])
    res = run_alg("pmiek:importstations", params)
    assert res["REMOVED"] == 1
    assert _count(sample, "SELECT COUNT(*) FROM stations WHERE station_id = ?", (unnamed,)) == 0


def test_sync_refuses_a_linked_development(sample, tmp_path, pmiek_provider):
    import geopandas as gpd
    from qgis.core import QgsProcessingException

    con = sqlite3.connect(sample)
    source = con.execute("SELECT source FROM developments GROUP BY source ORDER BY COUNT(*) DESC").fetchone()[0]
    linked = con.execute("SELECT d.dev_id FROM developments d JOIN project_links l ON l.dev_id = d.dev_id "
                         "WHERE d.source = ? LIMIT 1", (source,)).fetchone()[0]
    con.close()
    devs = gpd.read_file(sample, layer="developments")
    devs = devs[(devs["source"] == source) & (devs["dev_id"] != linked)]
    src = str(tmp_path / "ontwikkelingen.gpkg")
    devs.to_file(src)
    links = _count(sample, "SELECT COUNT(*) FROM project_links")
    with pytest.raises(QgsProcessingException) as refused:
        run_alg("pmiek:importdevelopments", {"WERKBANK": sample, "INPUT": src, "FIELD_ID": "dev_id",
                                             "SOURCE_NAME": source, "SYNC": True, "CHECK_PROVINCE": False})
    assert linked in str(refused.value) and "koppeling(en) met een project" in str(refused.value)
    assert _count(sample, "SELECT COUNT(*) FROM project_links") == links
    assert _count(sample, "SELECT COUNT(*) FROM developments WHERE dev_id = ?", (linked,)) == 1
