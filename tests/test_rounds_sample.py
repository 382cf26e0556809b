"""Two rounds of the sample programme (fictief voorbeeld) with known changes; its exchange package and ESDL."""

import os
import shutil

import pytest


@pytest.fixture
def sample_copy(sample_dir, tmp_path):
    src = os.path.join(sample_dir, "voorbeeld_werkbank.gpkg")
    if not os.path.exists(src):
        pytest.skip("voorbeeldwerkbank nog niet aanwezig")
    dst = str(tmp_path / "voorbeeld.gpkg")
    shutil.copyfile(src, dst)
    return dst


def test_sample_two_rounds_report(sample_copy, tmp_path):
    from pmiek_werkbank.programme.rounds import compare_rounds, freeze_round, start_next_round
    from pmiek_werkbank.werkbank import open_werkbank

    snap = freeze_round(sample_copy, "pMIEK 2.0", "2026-02-01")
    new = start_next_round(snap, str(tmp_path / "ronde3.gpkg"), "pMIEK 3.0")
    wb = open_werkbank(new)
    p1 = wb.query("SELECT name FROM projects WHERE project_id = 'UT-P01'")[0]["name"]
    p13 = wb.query("SELECT name, status FROM projects WHERE project_id = 'UT-P13'")[0]
    dev = wb.query("SELECT name, sector, demand_mw FROM developments WHERE dev_id = 'ONT-0001'")[0]
    crit = wb.query("SELECT scale FROM criteria WHERE criterion_id = 'A'")[0]["scale"].split("|")
    old_a = wb.query("SELECT rating FROM scores WHERE project_id = 'UT-P01' AND criterion_id = 'A'")
    old_value = old_a[0]["rating"] if old_a and len({r["rating"] for r in old_a}) == 1 else None
    new_value = next(v for v in crit if v != old_value)
    if old_a:
        wb.execute("UPDATE scores SET rating = ?, agreed = 1 WHERE project_id = 'UT-P01' AND criterion_id = 'A'",
                   (new_value,))
    else:
        wb.write_frame("scores", [{"score_id": "SC-NIEUW", "project_id": "UT-P01", "criterion_id": "A",
                                   "rating": new_value, "rationale": "herbeoordeeld", "assessor": "Provincie",
                                   "score_date": "2027-01-01", "agreed": 1}])
    wb.write_frame("projects", [{"project_id": "UT-P99", "code": "99", "name": "Nieuw project ronde 3",
                                 "status": "kandidaat", "confidential": 0}])
    wb.write_frame("projects", [{"project_id": "UT-P13", "status": "afgevallen",
                                 "status_reason": "Vervangen door netverzwaring elders"}])
    wb.write_frame("projects", [{"project_id": "UT-P01", "ibn_year": 2032}])
    wb.write_frame("developments", [{"dev_id": "ONT-0001", "demand_mw": 1.5}])
    wb.close()

    rows = [tuple(r) for r in compare_rounds(snap, new).rows.itertuples(index=False)]
    assert rows == [
        ("project", "gewijzigd", "UT-P01", "1", p1, "IBN-jaar", 2031, 2032, None),
        ("project", "gewijzigd", "UT-P01", "1", p1, "score A", old_value, new_value, None),
        ("project", "afgevallen", "UT-P13", "13", p13["name"], "status", p13["status"], "afgevallen",
         "Vervangen door netverzwaring elders"),
        ("project", "toegevoegd", "UT-P99", "99", "Nieuw project ronde 3", None, None, None, "status kandidaat"),
        ("ontwikkeling", "gewijzigd", "ONT-0001", dev["sector"], dev["name"], "vraag (MW)", dev["demand_mw"], 1.5,
         None),
    ]


def test_sample_package_and_esdl(sample_copy, tmp_path):
    from pmiek_werkbank.programme.exchange import export_package, import_package, werkbank_digests
    from pmiek_werkbank.werkbank import open_werkbank

    wb = open_werkbank(sample_copy, readonly=True)
    n_conf = wb.count("projects", "confidential = 1")
    n_proj = wb.count("projects")
    dev = wb.query("SELECT SUM(CASE WHEN COALESCE(demand_mw,0) > 0 OR NOT COALESCE(supply_mw,0) > 0 THEN 1 ELSE 0 END)"
                   " AS d, SUM(CASE WHEN COALESCE(supply_mw,0) > 0 THEN 1 ELSE 0 END) AS s FROM developments")[0]
    n_st = wb.count("stations")
    try:
        esdl = __import__("importlib").util.find_spec("esdl") is not None
        man = export_package(wb, tmp_path / "pakket", esdl=esdl)
    finally:
        wb.close()
    assert man["tabellen"]["projects"]["rijen"] == n_proj - n_conf
    res = import_package(tmp_path / "pakket", str(tmp_path / "terug.gpkg"))
    new = open_werkbank(res["path"])
    assert werkbank_digests(new) == {t: v["digest"] for t, v in man["tabellen"].items()}
    assert new.count("projects", "confidential = 1") == 0
    new.close()
    if esdl:
        from pmiek_werkbank.programme.esdl_io import validate_esdl

        info = validate_esdl(str(tmp_path / "pakket" / man["esdl"]))
        assert info["name"] == man["programma"]["name"]
        assert info["assets"] == n_st + dev["d"] + dev["s"] + (n_proj - n_conf)
