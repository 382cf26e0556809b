"""Rounds: freeze (read-only snapshot), start the next round, the difference report line by line."""

import os
import sqlite3

import pytest
from conftest import run_alg
from test_rounds_fixtures import make_werkbank
from test_rounds_fixtures import two_rounds as rounds_of


def _second_round_changes(path):
    """The known changes of round 2 (see the expected report below)."""
    from pmiek_werkbank.werkbank import open_werkbank

    wb = open_werkbank(path)
    wb.write_frame("projects", [{"project_id": "P5", "code": "P-5", "name": "Nieuw laadplein", "status": "kandidaat",
                                 "confidential": 0}])
    wb.write_frame("projects", [{"project_id": "P4", "status": "afgevallen",
                                 "status_reason": "Geen maatschappelijke noodzaak meer"}])
    wb.write_frame("projects", [{"project_id": "P2", "ibn_year": 2029}])
    wb.write_frame("scores", [{"score_id": "SC-P1-A", "rating": "gemiddeld"}])
    wb.write_frame("developments", [{"dev_id": "D3", "demand_mw": 45.0}])
    wb.write_frame("monitoring", [{"monitoring_id": "M1", "ibn_feasibility": "onder druk", "peildatum": "2027-06-01"}])
    wb.write_frame("actions", [{"action_id": "AC1", "status": "gereed"}])
    with wb.transaction() as tx, wb.sql_by(tx):  # a new capaciteitskaart: S1 gets more room in 2030, S2 a year
        tx.execute("UPDATE station_capacity SET afname_mw = 80 WHERE station_id = 'S1' AND year = 2030")
        tx.execute("INSERT INTO station_capacity (station_id, year, afname_mw, teruglevering_mw) "
                   "VALUES ('S2', 2030, 45, 10)")
    wb.close()


EXPECTED = [
    ("project", "gewijzigd", "P1", "P-1", "Uitbreiding Station Noord", "score A", "hoog", "gemiddeld", None),
    ("project", "gewijzigd", "P2", "P-2", "Nieuw MS-station Zuid", "IBN-jaar", 2028, 2029, None),
    ("project", "afgevallen", "P4", "P-4", "HS-verbinding Noord-Zuid", "status", "kandidaat", "afgevallen",
     "Geen maatschappelijke noodzaak meer"),
    ("project", "toegevoegd", "P5", "P-5", "Nieuw laadplein", None, None, None, "status kandidaat"),
    ("ontwikkeling", "gewijzigd", "D3", "datacenter", "Datacenter Zuid", "vraag (MW)", 37, 45, None),
    ("capaciteit", "gewijzigd", "S1", None, "Station Noord", "afnamecapaciteit (MW) 2030", 50, 80, None),
    ("capaciteit", "toegevoegd", "S2", None, "Station Zuid", "jaar 2030", None, None,
     "afname 45 MW, teruglevering 10 MW"),
    ("monitoring", "bijgewerkt", "P1", "P-1", "Uitbreiding Station Noord", "haalbaarheid IBN", "haalbaar",
     "onder druk", None),
    ("monitoring", "bijgewerkt", "P1", "P-1", "Uitbreiding Station Noord", "peildatum", "2026-01-01", "2027-06-01",
     None),
    ("actie", "status gewijzigd", "P1", "P-1", "Uitbreiding Station Noord", "status", "open", "gereed",
     "Vergunning aanvragen"),
]


@pytest.fixture
def two_rounds(tmp_path):
    return rounds_of(tmp_path, _second_round_changes)


def test_freeze_records_round_and_snapshot_is_read_only(two_rounds):
    from pmiek_werkbank.programme.rounds import check_writable, is_frozen, sha256_file
    from pmiek_werkbank.programme.errors import FrozenRoundError
    from pmiek_werkbank.werkbank import open_werkbank

    live, snap, new = two_rounds
    assert os.path.dirname(snap) == os.path.join(os.path.dirname(live), "rounds")
    assert os.path.basename(snap) == "utrecht_pMIEK_1.0_2026-01-15.gpkg"
    assert not os.access(snap, os.W_OK) or os.geteuid() == 0
    assert oct(os.stat(snap).st_mode & 0o777) == "0o444"
    wb = open_werkbank(live)
    rounds = wb.read_frame("rounds")
    assert list(rounds["label"]) == ["pMIEK 1.0"] and list(rounds["round_date"]) == ["2026-01-15"]
    assert rounds["snapshot"][0] == os.path.join("rounds", os.path.basename(snap))
    assert rounds["sha256"][0] == sha256_file(snap)
    assert wb.programme()["frozen"] is None  # the live werkbank is not frozen
    wb.close()
    ro = open_werkbank(snap, readonly=True)
    prog = ro.programme()
    assert (prog["round"], prog["version"], prog["frozen"]) == ("pMIEK 1.0", "2026-01-15", "2026-01-15")
    assert list(ro.read_frame("rounds")["label"]) == ["pMIEK 1.0"]
    assert ro.count("projects") == 4
    ro.close()
    assert is_frozen(snap)[0] and not is_frozen(new)[0]
    with pytest.raises(FrozenRoundError, match="bevroren ronde .*alleen-lezen"):
        check_writable(snap)
    # even with write permission (root) every write is refused by the snapshot itself, in Dutch
    conn = sqlite3.connect(snap)
    # a GeoPackage client has the ST_* functions the R-tree triggers call (GDAL/QGIS do; plain sqlite3 cannot
    # even prepare a write to a geometry table)
    from pmiek_werkbank.werkbank.rtree import register_functions

    register_functions(conn)
    with pytest.raises(sqlite3.DatabaseError, match="bevroren ronde \\(pMIEK 1.0, 2026-01-15\\).*wijzigen kan niet"):
        conn.execute("UPDATE projects SET name = 'x'")
    conn.close()
    if os.geteuid() == 0:
        w = open_werkbank(snap)
        with pytest.raises(Exception, match="bevroren ronde"):
            w.write_frame("projects", [{"project_id": "P9", "name": "nieuw", "confidential": 0}])
        w.close()
    else:
        from pmiek_werkbank.werkbank import WerkbankError

        with pytest.raises(WerkbankError, match="niet schrijfbaar"):
            open_werkbank(snap)


def test_freeze_refuses_twice_and_frozen_source(two_rounds):
    from pmiek_werkbank.programme.errors import ProgrammeError
    from pmiek_werkbank.programme.rounds import freeze_round

    live, snap, new = two_rounds
    with pytest.raises(ProgrammeError, match="bestaat al"):
        freeze_round(live, "pMIEK 1.0", "2026-01-15")
    with pytest.raises(ProgrammeError, match="bevroren ronde"):
        freeze_round(snap, "pMIEK 1.1", "2026-02-01")
    with pytest.raises(ProgrammeError, match="naam"):
        freeze_round(live, " ", "2026-02-01")


def test_next_round_is_writable_and_keeps_history(two_rounds):
    from pmiek_werkbank.werkbank import open_werkbank

    live, snap, new = two_rounds
    wb = open_werkbank(new)
    prog = wb.programme()
    assert (prog["round"], prog["version"], prog["frozen"]) == ("pMIEK 2.0", None, None)
    assert list(wb.read_frame("rounds")["label"]) == ["pMIEK 1.0"]
    assert wb.count("projects") == 5
    wb.close()


def test_difference_report_line_by_line(two_rounds, tmp_path):
    from pmiek_werkbank.programme.rounds import REPORT_COLUMNS, atlas_section, compare_rounds, write_report

    live, snap, new = two_rounds
    cmp = compare_rounds(snap, new)
    assert list(cmp.rows.columns) == REPORT_COLUMNS
    got = [tuple(r) for r in cmp.rows.itertuples(index=False)]
    assert len(got) == len(EXPECTED)
    for g, e in zip(got, EXPECTED):
        assert g == e
    assert cmp.old_label == "pMIEK 1.0 2026-01-15" and cmp.new_label == "pMIEK 2.0"
    summ = {(o, w): n for o, w, n in cmp.summary().itertuples(index=False)}
    assert summ == {("project", "gewijzigd"): 2, ("project", "afgevallen"): 1, ("project", "toegevoegd"): 1,
                    ("ontwikkeling", "gewijzigd"): 1, ("capaciteit", "gewijzigd"): 1, ("capaciteit", "toegevoegd"): 1,
                    ("monitoring", "bijgewerkt"): 1,
                    ("actie", "status gewijzigd"): 1}

    # XLSX: a summary sheet and one sheet per section, read back
    from openpyxl import load_workbook

    xlsx = write_report(cmp, str(tmp_path / "verschillen.xlsx"))
    book = load_workbook(xlsx)
    assert book.sheetnames == ["Samenvatting", "Projecten", "Ontwikkelingen", "Netcapaciteit per station",
                               "Monitoring", "Acties"]
    rows = list(book["Projecten"].iter_rows(values_only=True))
    assert rows[0] == tuple(REPORT_COLUMNS)
    assert rows[3] == EXPECTED[2]
    assert list(book["Ontwikkelingen"].iter_rows(values_only=True))[1] == EXPECTED[4]
    assert book["Samenvatting"]["B2"].value == "pMIEK 1.0 2026-01-15"

    # CSV: all lines
    import csv

    path = write_report(cmp, str(tmp_path / "verschillen.csv"))
    with open(path, encoding="utf-8-sig") as f:
        lines = list(csv.reader(f, delimiter=";"))
    assert lines[0] == REPORT_COLUMNS and len(lines) == 1 + len(EXPECTED)
    assert lines[3] == ["project", "afgevallen", "P4", "P-4", "HS-verbinding Noord-Zuid", "status", "kandidaat",
                        "afgevallen", "Geen maatschappelijke noodzaak meer"]

    # atlas section: confidential projects left out (P3 has no changes here; check the filter itself)
    sec = atlas_section(cmp)
    assert sec["title"].startswith("Verschillen") and len(sec["rows"]) == len(EXPECTED)
    assert sec["rows"][0]["onderdeel"] == "Projecten" and sec["rows"][0]["veld"] == "score A"


def test_confidential_changes_not_in_atlas(tmp_path):
    from pmiek_werkbank.programme.rounds import atlas_section, compare_rounds, freeze_round, start_next_round
    from pmiek_werkbank.werkbank import open_werkbank

    live = str(tmp_path / "wb.gpkg")
    make_werkbank(live).close()
    snap = freeze_round(live, "R1", "2026-01-01")
    new = start_next_round(snap, str(tmp_path / "wb2.gpkg"), "R2")
    wb = open_werkbank(new)
    wb.write_frame("projects", [{"project_id": "P3", "ibn_year": 2031}])
    wb.close()
    cmp = compare_rounds(snap, new)
    assert [(r[2], r[5]) for r in cmp.rows.itertuples(index=False)] == [("P3", "IBN-jaar")]
    assert atlas_section(cmp)["rows"] == []
    assert len(atlas_section(cmp, include_confidential=True)["rows"]) == 1


def test_algorithms_freeze_and_compare(pmiek_provider, tmp_path):
    live = str(tmp_path / "alg.gpkg")
    make_werkbank(live).close()
    res = run_alg("pmiek:freezeround", {"WERKBANK": live, "LABEL": "pMIEK 1.0", "DATE": "2026-03-01",
                                        "OUTPUT_FOLDER": str(tmp_path / "bevroren")})
    snap = res["OUTPUT"]
    assert snap == str(tmp_path / "bevroren" / "alg_pMIEK_1.0_2026-03-01.gpkg") and os.path.exists(snap)
    res = run_alg("pmiek:startround", {"INPUT": snap, "LABEL": "pMIEK 2.0", "OUTPUT": str(tmp_path / "r2.gpkg")})
    _second_round_changes(res["OUTPUT"])
    out = str(tmp_path / "rapport.xlsx")
    table = str(tmp_path / "verschillen_tabel.gpkg")
    res = run_alg("pmiek:compareround", {"OLD": snap, "NEW": str(tmp_path / "r2.gpkg"), "OUTPUT": out,
                                         "TABLE": table})
    assert res["N_CHANGES"] == len(EXPECTED) and os.path.exists(out)
    from qgis.core import QgsVectorLayer

    layer = QgsVectorLayer(res["TABLE"], "verschillen", "ogr")
    assert layer.isValid()
    feats = [f.attributes()[1:] for f in layer.getFeatures()]  # without the fid
    assert len(feats) == len(EXPECTED)
    assert feats[1][:8] == ["project", "gewijzigd", "P2", "P-2", "Nieuw MS-station Zuid", "IBN-jaar", "2028", "2029"]

    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException, match="bevroren ronde"):
        run_alg("pmiek:freezeround", {"WERKBANK": snap, "LABEL": "opnieuw"})


def test_next_round_gets_its_own_peildatum(pmiek_provider, tmp_path):
    """Zeeland trial F9: 'pMIEK Zeeland 2027' started from the frozen round kept 'peildatum 1 juli 2025' on its
    fiches and atlas, and no algorithm could set it. startround takes PEILDATUM; without it the log says so."""
    from helpers import run_alg_logged

    from pmiek_werkbank.werkbank import open_werkbank

    live = str(tmp_path / "alg.gpkg")
    make_werkbank(live).close()
    snap = run_alg("pmiek:freezeround", {"WERKBANK": live, "LABEL": "pMIEK 1.0", "DATE": "2026-03-01",
                                         "OUTPUT_FOLDER": str(tmp_path / "bevroren")})["OUTPUT"]
    res = run_alg("pmiek:startround", {"INPUT": snap, "LABEL": "pMIEK 2.0", "PEILDATUM": "2027-01-01",
                                       "OUTPUT": str(tmp_path / "r2.gpkg")})
    with open_werkbank(res["OUTPUT"], readonly=True) as wb:
        assert (wb.programme()["round"], wb.programme()["peildatum"]) == ("pMIEK 2.0", "2027-01-01")
    _res, warned = run_alg_logged("pmiek:startround", {"INPUT": snap, "LABEL": "pMIEK 2.1",
                                                        "OUTPUT": str(tmp_path / "r3.gpkg")})
    assert any("peildatum is die van de bevroren ronde" in w for w in warned), warned
