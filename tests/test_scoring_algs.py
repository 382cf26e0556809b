"""Afwegingskader algorithms through Processing: importscores, scoreprojects, criteria files, setstatus."""

import pytest
from conftest import run_alg
from helpers import table_digest

from qgis.core import QgsProcessingException, QgsVectorLayer

HEADER = "project_id;criterium;waardering;motivatie;beoordelaar;rol;datum\n"

# Same hand example as test_scoring.py: P-1 = 16, P-2 = 17, P-3 = 11 (A..G, 3/2/1 points, weight 1)
GOOD = [
    ("p1", {"A": "hoog", "B": "goed", "C": "weinig", "D": "gemiddeld", "E": "positief", "F": "weinig", "G": "veel"}),
    ("p2", {"A": "gemiddeld", "B": "voldoende", "C": "veel", "D": "hoog", "E": "gemiddeld", "F": "gemiddeld",
            "G": "weinig"}),
    ("p3", {"A": "laag", "B": "goed", "C": "gemiddeld", "D": "laag", "E": "negatief", "F": "veel", "G": "gemiddeld"}),
]


@pytest.fixture
def wb_projects(werkbank_path):
    from pmiek_werkbank.werkbank import open_werkbank

    with open_werkbank(werkbank_path) as wb:
        wb.write_frame("projects", [
            {"project_id": "p1", "code": "P-1", "name": "Station Noord"},
            {"project_id": "p2", "code": "P-2", "name": "Kabel Oost"},
            {"project_id": "p3", "code": "P-3", "name": "Hub Zuid"},
        ], mode="insert")
    return werkbank_path


def _csv(tmp_path, name, lines):
    path = tmp_path / name
    path.write_text(HEADER + "".join(line + "\n" for line in lines), encoding="utf-8")
    return str(path)


def _good_lines():
    out = []
    for pid, ratings in GOOD:
        for cid, v in ratings.items():
            out.append("{};{};{};motivatie {} {};Anna;provincie;2026-02-01".format(pid, cid, v, pid, cid))
    return out


def _read(path):
    layer = QgsVectorLayer(path, "uit", "ogr")
    assert layer.isValid(), path
    names = [f.name() for f in layer.fields()]
    return [dict(zip(names, f.attributes())) for f in layer.getFeatures()]


def test_algorithms_registered_with_help(pmiek_provider):
    ids = {a.id(): a for a in pmiek_provider.algorithms()}
    for name in ("importscores", "scoreprojects", "importcriteria", "exportcriteria", "setstatus",
                 "exportafgevallen"):
        alg = ids["pmiek:" + name]
        helptext = alg.shortHelpString()
        for p in alg.parameterDefinitions():
            assert p.name() + ":" in helptext, "{}: parameter {} niet in de help".format(name, p.name())


def test_import_and_score_through_processing(pmiek_provider, wb_projects, tmp_path):
    src = _csv(tmp_path, "scores.csv", _good_lines())
    res = run_alg("pmiek:importscores", {"WERKBANK": wb_projects, "INPUT": src})
    assert (res["INSERTED"], res["UPDATED"], res["UNCHANGED"]) == (21, 0, 0)
    res = run_alg("pmiek:importscores", {"WERKBANK": wb_projects, "INPUT": src})
    assert (res["INSERTED"], res["UNCHANGED"]) == (0, 21)
    out = str(tmp_path / "rang.gpkg")
    run_alg("pmiek:scoreprojects", {"WERKBANK": wb_projects, "RANDOM_RUNS": 0, "OUTPUT": out})
    rows = sorted(_read(out), key=lambda r: r["rank"])
    assert [r["project_id"] for r in rows] == ["p2", "p1", "p3"]
    assert [r["total"] for r in rows] == [17.0, 16.0, 11.0]
    assert [r["A"] for r in rows] == [2.0, 3.0, 1.0]
    assert all(r["complete"] == 1 and r["disagreement"] == 0 for r in rows)
    # ±25 % one at a time moves P-2 − P-1 (= 1) by at most 0.25 × 2 = 0.5: no rank changes
    assert [(r["rank_min"], r["rank_max"]) for r in rows] == [(1, 1), (2, 2), (3, 3)]
    assert rows[0]["status"] == "kandidaat"


def test_import_with_explicit_fields_and_disagreement(pmiek_provider, wb_projects, tmp_path):
    src = tmp_path / "eigen.csv"
    src.write_text("proj,crit,oordeel,waarom,wie,wanneer\n"
                   "p1,A,hoog,veel woningen,Anna,01-02-2026\n"
                   "p1,A,laag,weinig zekerheid,Bert,02-02-2026\n", encoding="utf-8")
    params = {"WERKBANK": wb_projects, "INPUT": str(src), "FIELD_PROJECT": "proj", "FIELD_CRITERION": "crit",
              "FIELD_RATING": "oordeel", "FIELD_RATIONALE": "waarom", "FIELD_ASSESSOR": "wie",
              "FIELD_DATE": "wanneer"}
    assert run_alg("pmiek:importscores", params)["INSERTED"] == 2
    out = str(tmp_path / "rang.csv")
    run_alg("pmiek:scoreprojects", {"WERKBANK": wb_projects, "RANDOM_RUNS": 10, "OUTPUT": out})
    rows = {r["project_id"]: r for r in _read(out)}
    assert str(rows["p1"]["disagreement"]) == "1" and str(rows["p1"]["complete"]) == "0"
    assert rows["p1"]["disputed"] == "A"


def test_bad_scores_csv_leaves_werkbank_unchanged(pmiek_provider, wb_projects, tmp_path):
    lines = _good_lines()
    lines[4] = "p1;E;positief;;Anna;provincie;2026-02-01"  # line 6 of the file (header = 1): no motivatie
    lines[9] = "p2;C;heel veel;motivatie;Anna;provincie;2026-02-01"  # line 11: not on the scale
    src = _csv(tmp_path, "fout.csv", lines)
    digest = table_digest(wb_projects)
    with pytest.raises(QgsProcessingException) as e:
        run_alg("pmiek:importscores", {"WERKBANK": wb_projects, "INPUT": src, "STRICT": True})
    msg = str(e.value)
    assert "de werkbank is niet gewijzigd" in msg
    # row numbers are the spreadsheet lines a user sees, as in every import
    assert "fout.csv, rij 6 (project p1), veld 'motivatie': de motivatie is verplicht" in msg
    assert "fout.csv, rij 11 (project p2), veld 'waardering': 'heel veel' staat niet op de schaal" in msg
    assert table_digest(wb_projects) == digest


def test_bad_score_rows_rejected_and_named_the_rest_imported(pmiek_provider, wb_projects, tmp_path):
    """Without STRICT a bad rating is rejected with its line, field and message; the other ratings are written.
    Of two ratings for the same project, criterion and assessor the first valid one is kept."""
    import csv

    lines = _good_lines()  # 21 ratings, file lines 2..22
    lines[4] = "p1;E;positief;;Anna;provincie;2026-02-01"  # line 6: no motivatie
    lines[9] = "p2;C;heel veel;motivatie;Anna;provincie;2026-02-01"  # line 11: not on the scale
    lines.append("p1;A;laag;tweede oordeel;Anna;provincie;2026-02-02")  # line 23: repeats line 2 (valid): rejected
    lines.append("p1;E;negatief;nu met motivatie;Anna;provincie;2026-02-02")  # line 24: repeats the rejected line 6
    src = _csv(tmp_path, "deels.csv", lines)
    rep = str(tmp_path / "scores_rapport.csv")
    res = run_alg("pmiek:importscores", {"WERKBANK": wb_projects, "INPUT": src, "REPORT": rep})
    assert (res["IMPORTED"], res["REJECTED"], res["INSERTED"], res["UPDATED"], res["UNCHANGED"], res["REMOVED"]) == \
        (20, 3, 20, 0, 0, 0)
    from pmiek_werkbank.werkbank import open_werkbank

    with open_werkbank(wb_projects) as wb:
        stored = {(r["project_id"], r["criterion_id"]): (r["rating"], r["rationale"])
                  for r in wb.query("SELECT * FROM scores")}
    assert len(stored) == 20 and ("p2", "C") not in stored
    assert stored[("p1", "A")] == ("hoog", "motivatie p1 A")  # the first of the two
    assert stored[("p1", "E")] == ("negatief", "nu met motivatie")  # line 24, its twin on line 6 rejected
    with open(rep, encoding="utf-8-sig") as f:
        rows = [r for r in csv.DictReader(f, delimiter=";") if r["ernst"] == "fout"]
    by_line = {int(r["rij"]): r for r in rows}
    assert set(by_line) == {6, 11, 23}
    assert by_line[6]["veld"] == "motivatie" and "de motivatie is verplicht" in by_line[6]["probleem"]
    assert by_line[6]["bron_id"] == "p1"
    assert by_line[11]["veld"] == "waardering" and "'heel veel' staat niet op de schaal" in by_line[11]["probleem"]
    assert "project p1, criterium A, beoordelaar Anna staat ook in rij 2" in by_line[23]["probleem"]
    # the same file again: the good ratings are unchanged, the same three rejected
    res = run_alg("pmiek:importscores", {"WERKBANK": wb_projects, "INPUT": src})
    assert (res["IMPORTED"], res["REJECTED"], res["UNCHANGED"]) == (20, 3, 20)
    # the help lists STRICT, every recognised column and the accepted values (generated from the scores spec)
    helptext = {a.id(): a for a in pmiek_provider.algorithms()}["pmiek:importscores"].shortHelpString()
    assert "STRICT: bij ja breekt elke afgekeurde rij de hele import af" in helptext
    from pmiek_werkbank.ingest.columns import SCORE_COLUMNS

    assert all(name in helptext for names in SCORE_COLUMNS.values() for name in names)
    assert "assessor_role: assessor_role, rol, role, rol_beoordelaar; waarden: provincie, netbeheerder, gemeente, " \
        "sector" in helptext
    assert "DD-MM-JJJJ" in helptext and "nee (ook 0 / 0.0 / false / n / no / onwaar / leeg)" in helptext


def test_missing_column_named(pmiek_provider, wb_projects, tmp_path):
    src = tmp_path / "zonder.csv"
    src.write_text("project_id;criterium;waardering\np1;A;hoog\n", encoding="utf-8")
    with pytest.raises(QgsProcessingException, match="niet gevonden: motivatie, beoordelaar"):
        run_alg("pmiek:importscores", {"WERKBANK": wb_projects, "INPUT": str(src)})


def test_criteria_export_import_algorithms(pmiek_provider, wb_projects, tmp_path):
    out = str(tmp_path / "kader.json")
    assert run_alg("pmiek:exportcriteria", {"WERKBANK": wb_projects, "OUTPUT": out})["COUNT"] == 8
    text = open(out, encoding="utf-8").read().replace('"gewicht": 1.0', '"gewicht": 2.0', 1)
    changed = tmp_path / "kader2.json"
    changed.write_text(text, encoding="utf-8")
    res = run_alg("pmiek:importcriteria", {"WERKBANK": wb_projects, "INPUT": str(changed)})
    assert (res["UPDATED"], res["UNCHANGED"], res["NOT_IN_FILE"]) == (1, 7, "")
    back = str(tmp_path / "kader3.json")
    run_alg("pmiek:exportcriteria", {"WERKBANK": wb_projects, "OUTPUT": back})
    assert open(back, encoding="utf-8").read() == text
    bad = tmp_path / "fout.json"
    bad.write_text(text.replace('"gewicht": 2.0', '"gewicht": -1', 1), encoding="utf-8")
    digest = table_digest(wb_projects)
    with pytest.raises(QgsProcessingException, match="gewicht -1 is negatief"):
        run_alg("pmiek:importcriteria", {"WERKBANK": wb_projects, "INPUT": str(bad)})
    assert table_digest(wb_projects) == digest


def test_setstatus_and_afgevallen(pmiek_provider, wb_projects, tmp_path):
    with pytest.raises(QgsProcessingException, match="reden is verplicht"):
        run_alg("pmiek:setstatus", {"WERKBANK": wb_projects, "PROJECT": "P-3", "STATUS": "afgevallen"})
    res = run_alg("pmiek:setstatus", {"WERKBANK": wb_projects, "PROJECT": "P-3", "STATUS": "afgevallen",
                                      "REASON": "Geen urgentie: capaciteit volstaat tot 2035"})
    assert res == {"PROJECT_ID": "p3", "STATUS": "afgevallen"}
    out = str(tmp_path / "afgevallen.csv")
    assert run_alg("pmiek:exportafgevallen", {"WERKBANK": wb_projects, "OUTPUT": out})["COUNT"] == 1
    assert "Geen urgentie: capaciteit volstaat tot 2035" in open(out, encoding="utf-8-sig").read()


def test_setstatus_accepts_the_number_of_a_status(pmiek_provider, wb_projects):
    """The enum's help offers 0 kandidaat, 1 opgenomen, 2 afgevallen: the number works as the name does (as an
    int and as the text qgis_process passes); a number outside the list is refused."""
    from pmiek_werkbank.werkbank import open_werkbank

    def status():
        with open_werkbank(wb_projects) as wb:
            return wb.query("SELECT status FROM projects WHERE project_id = 'p3'")[0]["status"]

    res = run_alg("pmiek:setstatus", {"WERKBANK": wb_projects, "PROJECT": "P-3", "STATUS": "2", "REASON": "geen nut"})
    assert res == {"PROJECT_ID": "p3", "STATUS": "afgevallen"} and status() == "afgevallen"
    res = run_alg("pmiek:setstatus", {"WERKBANK": wb_projects, "PROJECT": "P-3", "STATUS": 0})
    assert res == {"PROJECT_ID": "p3", "STATUS": "kandidaat"} and status() == "kandidaat"
    with pytest.raises(QgsProcessingException):
        run_alg("pmiek:setstatus", {"WERKBANK": wb_projects, "PROJECT": "P-3", "STATUS": "3", "REASON": "x"})
    assert status() == "kandidaat"


def test_a_score_changed_after_the_import_survives_a_refresh(pmiek_provider, wb_projects, tmp_path):
    from pmiek_werkbank.scoring.scores import record_score
    from pmiek_werkbank.werkbank import open_werkbank

    src = _csv(tmp_path, "scores.csv", _good_lines())
    run_alg("pmiek:importscores", {"WERKBANK": wb_projects, "INPUT": src})
    with open_werkbank(wb_projects) as wb:
        record_score(wb, "p1", "A", "laag", "herzien na overleg", "Anna", role="provincie", date="2026-03-01",
                     user="Energyboard")
    res = run_alg("pmiek:importscores", {"WERKBANK": wb_projects, "INPUT": src})
    assert res["CONFLICTS"] == 3  # rating, rationale and date of p1/A
    q = "SELECT rating, rationale FROM scores WHERE project_id = 'p1' AND criterion_id = 'A'"
    with open_werkbank(wb_projects) as wb:
        assert tuple(wb.query(q)[0].values()) == ("laag", "herzien na overleg")
    res = run_alg("pmiek:importscores", {"WERKBANK": wb_projects, "INPUT": src, "SOURCE_WINS": True})
    assert res["CONFLICTS"] == 3
    with open_werkbank(wb_projects) as wb:
        assert tuple(wb.query(q)[0].values()) == ("hoog", "motivatie p1 A")


def test_import_notes_reach_the_log(pmiek_provider, wb_projects, tmp_path):
    """A column no field reads is a warning in the log of every import.  The scores import missed it twice: its
    column choice handed the runner only the columns it read (so 'kleur' was never seen as unread), and the
    algorithms logged the runner's notes each their own way, this one not at all."""
    from test_balance_algs import _log

    path = tmp_path / "scores.csv"
    path.write_text(HEADER.rstrip("\n") + ";kleur\n" + "".join(ln + ";rood\n" for ln in _good_lines()),
                    encoding="utf-8")
    texts = _log("pmiek:importscores", {"WERKBANK": wb_projects, "INPUT": str(path)})
    unused = [t for t in texts if t.startswith("Niet gebruikt: 1 kolom(men)") and "'kleur'" in t]
    assert len(unused) == 1, "\n".join(texts)
