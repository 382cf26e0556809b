"""One rule for "which project does this reference mean" (knooppunten.project_refs): the project's id or its code
(the user's own project number), refused when it can mean more than one project.  importlinks, the balance's
what-if, importscores, setstatus and the variants all use it.  On the hand-computed example of test_balance.py
(projects P1, P2, P3), fictief voorbeeld."""

import pytest
from conftest import run_alg
from test_balance import write_example


def _code(wb, pid, code):
    row = wb.query("SELECT row_version FROM projects WHERE project_id = ?", (pid,))[0]
    wb.update_row("projects", pid, {"code": code}, row["row_version"])


@pytest.fixture
def coded(werkbank, werkbank_path):
    """The example with codes: P1 = ZP-1, P2 = ZP-2 (P3 none)."""
    write_example(werkbank)
    _code(werkbank, "P1", "ZP-1")
    _code(werkbank, "P2", "ZP-2")
    return werkbank


def test_the_rule():
    from pmiek_werkbank.knooppunten.project_refs import ProjectRefError, ProjectRefs

    refs = ProjectRefs([{"project_id": "P-a", "code": "ZP-1"}, {"project_id": "P-b", "code": "ZP-2"},
                        {"project_id": "P-c", "code": "P-a"}, {"project_id": "P-d", "code": "ZP-4"},
                        {"project_id": "P-e", "code": "ZP-4"}, {"project_id": "ZP-6", "code": "ZP-6"},
                        {"project_id": "P-f", "code": None}])
    assert refs.lookup("ZP-1") == ("P-a", None)  # a code: its project
    assert refs.lookup(" P-b ") == ("P-b", None)  # an id: itself (spaces ignored)
    assert refs.lookup("ZP-6") == ("ZP-6", None)  # a code equal to its own id: one project
    assert refs.lookup("P-f") == ("P-f", None)
    assert refs.lookup("ZP-9") == (None, None)  # unknown
    assert refs.lookup("") == (None, None)
    pid, problem = refs.lookup("P-a")  # the id of P-a and the code of P-c
    assert pid is None and problem == ("'P-a' is de project-id van het ene project en de code van een ander project "
                                       "(P-c); niet te zeggen welk project bedoeld is: maak de code in de werkbank "
                                       "uniek")
    pid, problem = refs.lookup("ZP-4")  # a code used twice
    assert pid is None and problem == ("de code 'ZP-4' hoort bij 2 projecten (P-d, P-e); niet te zeggen welk project "
                                       "bedoeld is: geef de project-id of maak de code in de werkbank uniek")
    with pytest.raises(ProjectRefError, match="hoort bij 2 projecten"):
        refs.resolve("ZP-4")


def _links_csv(tmp_path, text):
    csv = tmp_path / "koppelingen.csv"
    csv.write_text("project;ontwikkeling;aandeel\n" + text, encoding="utf-8")
    return str(csv)


def _link_params(path, csv, **more):
    return dict({"WERKBANK": path, "INPUT": csv, "FIELD_PROJECT": "project", "FIELD_DEVELOPMENT": "ontwikkeling",
                 "FIELD_SHARE": "aandeel", "SHARE_UNIT": 1}, **more)


def test_importlinks_accepts_the_code(pmiek_provider, coded, werkbank_path, tmp_path):
    csv = _links_csv(tmp_path, "ZP-1;D10;1,5\nP2;D9;0,5\n")
    res = run_alg("pmiek:importlinks", _link_params(werkbank_path, csv))
    assert (res["INSERTED"], res["REJECTED"], res["UNKNOWN"]) == (2, 0, 0)
    rows = {(r["project_id"], r["dev_id"]): r["share_mw"]
            for r in coded.query("SELECT project_id, dev_id, share_mw FROM project_links")}
    assert rows[("P1", "D10")] == 1.5 and rows[("P2", "D9")] == 0.5
    assert not any(p == "ZP-1" for p, _ in rows)


def test_importlinks_refuses_an_ambiguous_reference(pmiek_provider, coded, werkbank_path, tmp_path):
    from qgis.core import QgsProcessingException

    from helpers import table_digest

    _code(coded, "P3", "P1")  # 'P1' is now the id of P1 and the code of P3
    csv = _links_csv(tmp_path, "ZP-2;D10;1\nP1;D7;2\n")
    before = table_digest(werkbank_path)
    with pytest.raises(QgsProcessingException) as e:
        run_alg("pmiek:importlinks", _link_params(werkbank_path, csv, STRICT=True))
    assert ("koppelingen.csv, rij 3, veld 'project': 'P1' is de project-id van het ene project en de code van een "
            "ander project (P3)") in str(e.value)
    assert table_digest(werkbank_path) == before
    res = run_alg("pmiek:importlinks", _link_params(werkbank_path, csv))  # not strict: the other row is written
    assert (res["INSERTED"], res["REJECTED"]) == (1, 1)
    got = {(r["project_id"], r["dev_id"]) for r in coded.query("SELECT project_id, dev_id FROM project_links")}
    assert ("P2", "D10") in got and not any(d == "D7" for _, d in got)


def _knooppunt_balance(path, whatif):
    from qgis.core import QgsProcessingUtils

    res = run_alg("pmiek:capacitybalance", {"WERKBANK": path, "LEVEL": 1, "YEARS": "2025,2030,2035",
                                            "WHATIF": whatif, "OUTPUT": "TEMPORARY_OUTPUT"})
    layer = res["OUTPUT"]
    if isinstance(layer, str):
        layer = QgsProcessingUtils.mapLayerFromString(layer, None)
    return {(f["unit_id"], f["year"]): f["balance_mw"] for f in layer.getFeatures()}


def test_whatif_accepts_the_code_and_refuses_ambiguity(pmiek_provider, coded, werkbank_path):
    from qgis.core import QgsProcessingException

    by_code = _knooppunt_balance(werkbank_path, "-ZP-2")  # P2 (IBN 2035, +4 MW at S1) off
    assert [by_code[("K1", y)] for y in (2025, 2030, 2035)] == [4, 3, -2]  # as with '-P2' (test_balance_algs)
    assert by_code == _knooppunt_balance(werkbank_path, "-P2")
    assert by_code[("K1", 2035)] != _knooppunt_balance(werkbank_path, "")[("K1", 2035)]
    _code(coded, "P3", "ZP-2")  # ZP-2 is now the code of P2 and of P3
    with pytest.raises(QgsProcessingException, match="Wat-als: de code 'ZP-2' hoort bij 2 projecten \\(P2, P3\\)"):
        _knooppunt_balance(werkbank_path, "-ZP-2")
    with pytest.raises(QgsProcessingException, match="onbekende project-id\\(s\\) of projectcode\\(s\\): ZP-9"):
        _knooppunt_balance(werkbank_path, "ZP-9")


def test_scores_status_and_variants_follow_the_same_rule(coded):
    from pmiek_werkbank.programme.variants import ProgrammeError, _project_ids
    from pmiek_werkbank.scoring import decisions as D
    from pmiek_werkbank.scoring.scores import ScoringError, record_score

    assert D.set_status(coded, "ZP-1", "opgenomen", "urgent") == "P1"
    assert _project_ids(coded, ["ZP-2", "P3"]) == ["P2", "P3"]
    _code(coded, "P3", "P1")  # 'P1': id of P1, code of P3
    with pytest.raises(ScoringError, match="'P1' is de project-id van het ene project en de code van een ander"):
        D.set_status(coded, "P1", "kandidaat")
    with pytest.raises(ScoringError, match="'P1' is de project-id van het ene project"):
        record_score(coded, "P1", "A", "hoog", "reden", "Jan")
    with pytest.raises(ProgrammeError, match="'P1' is de project-id van het ene project"):
        _project_ids(coded, ["P1"])
    assert coded.query("SELECT status FROM projects WHERE project_id = 'P1'")[0]["status"] == "opgenomen"
