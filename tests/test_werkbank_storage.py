"""The werkbank storage API on GeoPackage: schema, versions, frames, transactions."""

import os
import sqlite3
import subprocess

import pytest
import shapely

from pmiek_werkbank.werkbank import SchemaTooNewError, WerkbankError, create_werkbank, open_werkbank
from pmiek_werkbank.werkbank.schema import TABLES, latest_version


def test_create_has_all_tables_and_version(werkbank):
    assert werkbank.schema_version() == latest_version()
    assert set(werkbank.tables()) == set(TABLES)
    prog = werkbank.programme()
    assert prog["name"] == "Testprogramma" and prog["province"] == "Utrecht"
    assert werkbank.horizon_years() == [2025, 2030, 2035]
    # A new programme starts with the guideline's criteria A-H and default kengetallen.
    crit = werkbank.read_frame("criteria")
    assert list(crit["criterion_id"]) == list("ABCDEFGH")
    assert crit.set_index("criterion_id").loc["H", "grp"] == "informatief"
    assert werkbank.count("kengetallen") >= 10


def test_ogrinfo_reads_tables_and_schema_version(werkbank_path):
    out = subprocess.run(["ogrinfo", "-ro", "-so", werkbank_path], capture_output=True, text=True, check=True).stdout
    for name in ("stations", "developments", "projects", "scores", "schema_version"):
        assert name in out
    out = subprocess.run(
        ["ogrinfo", "-ro", werkbank_path, "-sql", "SELECT MAX(version) AS v FROM schema_version"],
        capture_output=True, text=True, check=True,
    ).stdout
    assert "v (Integer" in out and "= {}".format(latest_version()) in out
    out = subprocess.run(["ogrinfo", "-ro", "-so", werkbank_path, "stations"], capture_output=True, text=True,
                         check=True).stdout
    assert "28992" in out


def test_upsert_counts_and_geometry_roundtrip(werkbank):
    import geopandas as gpd

    g = gpd.GeoDataFrame(
        {"station_id": ["s1", "s2"], "name": ["Noord", "Zuid"], "voltage_kv": [150.0, 50.0]},
        geometry=[shapely.Point(140000, 455000), shapely.Point(141000, 450000)],
        crs="EPSG:28992",
    )
    assert werkbank.write_frame("stations", g) == {"inserted": 2, "updated": 0, "unchanged": 0}
    assert werkbank.write_frame("stations", g) == {"inserted": 0, "updated": 0, "unchanged": 2}
    g.loc[1, "name"] = "Zuid-Oost"
    assert werkbank.write_frame("stations", g) == {"inserted": 0, "updated": 1, "unchanged": 1}
    back = werkbank.read_frame("stations")
    assert list(back["name"]) == ["Noord", "Zuid-Oost"]
    assert list(back["row_version"]) == [1, 2]
    assert back.crs.to_epsg() == 28992
    assert back.geometry.iloc[0].equals(shapely.Point(140000, 455000))


def test_the_same_geometry_through_a_reprojection_is_no_change(werkbank):
    """A plan read again from a GeoJSON in WGS 84 comes back with its coordinates a few nanometres off: that is no
    update (and no audit entry whose old and new geometry read the same); half a millimetre or more is."""
    import geopandas as gpd

    square = shapely.Polygon([(140000, 455000), (140100, 455000), (140100, 455100), (140000, 455100)])
    g = gpd.GeoDataFrame({"dev_id": ["d1", "d2"], "name": ["A", "B"], "sector": ["wonen", "wonen"]},
                         geometry=[square, shapely.affinity.translate(square, 500, 0)], crs="EPSG:28992")
    assert werkbank.write_frame("developments", g)["inserted"] == 2
    audit = len(werkbank.query("SELECT 1 FROM audit_log WHERE table_name = 'developments'"))
    there_and_back = g.to_crs("EPSG:4326").to_crs("EPSG:28992")
    assert not all(a.equals_exact(b, 0) for a, b in zip(there_and_back.geometry, g.geometry))  # bits differ
    assert werkbank.write_frame("developments", there_and_back) == {"inserted": 0, "updated": 0, "unchanged": 2}
    assert len(werkbank.query("SELECT 1 FROM audit_log WHERE table_name = 'developments'")) == audit
    moved = g.copy()
    moved.loc[1, "geometry"] = shapely.affinity.translate(g.geometry.iloc[1], 0.001, 0)  # one millimetre
    assert werkbank.write_frame("developments", moved) == {"inserted": 0, "updated": 1, "unchanged": 1}
    back = werkbank.read_frame("developments")
    assert back.geometry.iloc[1].equals_exact(moved.geometry.iloc[1], 1e-9)
    assert list(back["row_version"]) == [1, 2]
    reshaped = g.copy()
    reshaped.loc[0, "geometry"] = shapely.Polygon([(140000, 455000), (140100, 455000), (140000, 455100)])
    assert werkbank.write_frame("developments", reshaped)["updated"] == 2  # d1 reshaped, d2 back 1 mm


def test_check_constraint_rolls_back_whole_write(werkbank):
    before = werkbank.count("kengetallen")
    rows = [
        {"kengetal_id": "k1", "sector": "wonen", "unit": "woning", "demand_mw_per_unit": 0.002},
        {"kengetal_id": "k2", "sector": "geen_sector", "unit": "ha", "demand_mw_per_unit": 0.5},
    ]
    with pytest.raises(sqlite3.IntegrityError):
        werkbank.write_frame("kengetallen", rows)
    assert werkbank.count("kengetallen") == before


def test_foreign_keys_enforced(werkbank):
    with pytest.raises(sqlite3.IntegrityError):
        werkbank.write_frame("station_capacity", [{"station_id": "onbekend", "year": 2030, "afname_mw": 5}])


def test_afgevallen_requires_reason(werkbank):
    with pytest.raises(sqlite3.IntegrityError):
        werkbank.write_frame("projects", [{"project_id": "p1", "name": "X", "status": "afgevallen"}])
    werkbank.write_frame("projects", [{"project_id": "p1", "name": "X", "status": "afgevallen",
                                       "status_reason": "Geen nut en noodzaak"}])
    assert werkbank.count("projects") == 1


def test_refuses_overwrite_and_bad_files(tmp_path, werkbank_path):
    with pytest.raises(WerkbankError, match="bestaat al"):
        create_werkbank(werkbank_path, "X", "Utrecht")
    broken = tmp_path / "kapot.gpkg"
    broken.write_bytes(b"SQLite format 3\x00" + b"\x00" * 50)
    with pytest.raises(WerkbankError, match="geen GeoPackage|leesbaar"):
        open_werkbank(str(broken))
    other = tmp_path / "ander.gpkg"
    sqlite3.connect(str(other)).execute("CREATE TABLE t (a)").connection.commit()
    with pytest.raises(WerkbankError, match="geen pMIEK-werkbank"):
        open_werkbank(str(other))
    with pytest.raises(WerkbankError, match="niet gevonden"):
        open_werkbank(str(tmp_path / "bestaat_niet.gpkg"))


def test_newer_schema_is_refused_unchanged(werkbank_path):
    conn = sqlite3.connect(werkbank_path)
    conn.execute("INSERT INTO schema_version VALUES (?, '2099-01-01', 'toekomst')", (latest_version() + 5,))
    conn.commit()
    conn.close()
    before = os.path.getmtime(werkbank_path)
    with pytest.raises(SchemaTooNewError, match="Werk de plugin"):
        open_werkbank(werkbank_path)
    assert os.path.getmtime(werkbank_path) == before


def test_empty_name_refused(tmp_path):
    with pytest.raises(WerkbankError, match="NAME"):
        create_werkbank(str(tmp_path / "a.gpkg"), "  ", "Utrecht")
    assert not (tmp_path / "a.gpkg").exists()


def test_read_frame_in_any_number_of_keys(werkbank):
    """read_frame_in asks in chunks: 40,000 ids (above SQLite's limit of bound parameters, 32,766 here; a single
    IN of every linked development would fail at that size) give exactly the rows that exist, geometry and all."""
    import geopandas as gpd
    from shapely.geometry import Point

    n = 1200
    devs = gpd.GeoDataFrame({"dev_id": ["D{}".format(i) for i in range(n)], "name": ["plan"] * n,
                             "sector": ["wonen"] * n, "demand_mw": [float(i) for i in range(n)]},
                            geometry=[Point(150000 + i, 450000) for i in range(n)], crs="EPSG:28992")
    werkbank.write_frame("developments", devs)
    wanted = ["D{}".format(i) for i in range(0, 40000, 3)]  # 13,334 ids, 400 of which exist
    got = werkbank.read_frame_in("developments", "dev_id", wanted + ["D0"] * 30000, columns=["dev_id", "demand_mw"])
    assert sorted(got["dev_id"]) == sorted("D{}".format(i) for i in range(0, n, 3))
    assert all(g.equals(Point(150000 + int(d[1:]), 450000)) for d, g in zip(got["dev_id"], got.geometry))
    assert str(got.crs) == "EPSG:28992" and list(got.columns) == ["dev_id", "demand_mw", "geometry"]
    empty = werkbank.read_frame_in("developments", "dev_id", [], columns=["dev_id"])
    assert len(empty) == 0 and "dev_id" in empty.columns
    plain = werkbank.read_frame_in("developments", "dev_id", ["D3", "D4"], columns=["dev_id"], geometry=False)
    assert sorted(plain["dev_id"]) == ["D3", "D4"] and "geometry" not in plain.columns
