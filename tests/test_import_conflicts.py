"""A row a colleague changes (or deletes) while an import runs is a conflict: the import names the row, who and
when, and writes nothing (issue 18 item 3, wired into every import path of issue 15's pipeline)."""

import pytest
import shapely
from helpers import table_digest

PT = shapely.Point(136000, 456000)  # inside Utrecht


def _plans(names):
    import geopandas as gpd

    df = gpd.GeoDataFrame({"plan_id": ["D1", "D2", "D3"][: len(names)], "naam": names,
                           "sector": ["wonen"] * len(names), "jaar": [2030] * len(names),
                           "vraag_mw": [1.0] * len(names)}, geometry=[PT] * len(names), crs=28992)
    df.insert(0, "_row", range(1, len(df) + 1))
    return df


class _Colleague:
    """A feedback whose first isCanceled() (the import's check just before its write transaction) lets a colleague
    change the werkbank through a second connection: between the import's read and its write."""

    def __init__(self, path, edit):
        self.path, self.edit, self.calls = path, edit, 0

    def isCanceled(self):  # noqa: N802 - QgsFeedback API
        self.calls += 1
        if self.calls == 1:
            from pmiek_werkbank.werkbank import open_werkbank

            with open_werkbank(self.path) as other:
                other.user = "collega"
                self.edit(other)
        return False


def test_layer_import_over_a_colleagues_edit_is_a_conflict_nothing_written(werkbank_path):
    from pmiek_werkbank.layers import importers as I
    from pmiek_werkbank.werkbank import open_werkbank

    with open_werkbank(werkbank_path) as wb:
        I.import_developments(wb, _plans(["Een", "Twee", "Drie"]), {"name": "naam"}, source_name="plannen")
    fb = _Colleague(werkbank_path, lambda o: o.update_row("developments", "D2", {"name": "Twee (collega)"}, 1))
    with open_werkbank(werkbank_path) as wb:
        with pytest.raises(I.ImportFailed) as info:
            I.import_developments(wb, _plans(["Een 2", "Twee 2", "Drie 2"]), {"name": "naam"},
                                  source_name="plannen", feedback=fb)
        names = {r["dev_id"]: r["name"] for r in wb.query("SELECT dev_id, name FROM developments")}
    msg = str(info.value)
    assert msg.startswith("plannen: developments: conflict - dev_id D2 is intussen gewijzigd door collega (")
    assert "versie 2 i.p.v. 1" in msg and "er is niets opgeslagen" in msg
    # the colleague's edit stands, and the rows nobody touched were not updated either (one transaction)
    assert names == {"D1": "Een", "D2": "Twee (collega)", "D3": "Drie"}


def test_sync_delete_of_a_row_edited_meanwhile_is_a_conflict(werkbank_path):
    from pmiek_werkbank.layers import importers as I
    from pmiek_werkbank.werkbank import open_werkbank

    with open_werkbank(werkbank_path) as wb:
        I.import_developments(wb, _plans(["Een", "Twee", "Drie"]), {"name": "naam"}, source_name="plannen")
    fb = _Colleague(werkbank_path, lambda o: o.update_row("developments", "D3", {"note": "nog nodig"}, 1))
    with open_werkbank(werkbank_path) as wb:
        with pytest.raises(I.ImportFailed, match="dev_id D3 is intussen gewijzigd door collega"):
            I.import_developments(wb, _plans(["Een", "Twee"]), {"name": "naam"}, source_name="plannen",
                                  feedback=fb, sync=True)
        left = sorted(r["dev_id"] for r in wb.query("SELECT dev_id FROM developments"))
    assert left == ["D1", "D2", "D3"]
    # the same re-import without a colleague in between deletes D3 (SYNC)
    with open_werkbank(werkbank_path) as wb:
        res = I.import_developments(wb, _plans(["Een", "Twee"]), {"name": "naam"}, source_name="plannen", sync=True)
    assert res.deleted == 1


def test_a_row_deleted_meanwhile_is_not_recreated(werkbank_path):
    from pmiek_werkbank.layers import importers as I
    from pmiek_werkbank.werkbank import open_werkbank

    with open_werkbank(werkbank_path) as wb:
        I.import_developments(wb, _plans(["Een", "Twee"]), {"name": "naam"}, source_name="plannen")
    fb = _Colleague(werkbank_path, lambda o: o.delete("developments", "dev_id = ?", ("D1",)))
    with open_werkbank(werkbank_path) as wb:
        with pytest.raises(I.ImportFailed, match="dev_id D1 is intussen verwijderd"):
            I.import_developments(wb, _plans(["Een", "Twee 2"]), {"name": "naam"}, source_name="plannen",
                                  feedback=fb)
        names = {r["dev_id"]: r["name"] for r in wb.query("SELECT dev_id, name FROM developments")}
    assert names == {"D2": "Twee"}


def test_importprojects_over_a_colleagues_edit_is_a_conflict(pmiek_provider, werkbank_path, tmp_path, monkeypatch):
    from conftest import run_alg
    from qgis.core import QgsProcessingException

    from pmiek_werkbank.provider.algorithms import project_algs
    from pmiek_werkbank.werkbank import open_werkbank

    path = tmp_path / "projecten.csv"
    path.write_text("project_id;Naam project\nP1;Station Noord\nP2;Kabel Oost\n", encoding="utf-8")
    run_alg("pmiek:importprojects", {"WERKBANK": werkbank_path, "INPUT": str(path)})
    path.write_text("project_id;Naam project\nP1;Station Noord 2\nP2;Kabel Oost 2\n", encoding="utf-8")
    original = project_algs.read_input

    def read_then_colleague(*args, **kwargs):
        out = original(*args, **kwargs)
        with open_werkbank(werkbank_path) as other:
            other.update_row("projects", "P2", {"narrative": "besproken"}, 1, user="collega")
        return out

    monkeypatch.setattr(project_algs, "read_input", read_then_colleague)
    with pytest.raises(QgsProcessingException) as info:
        run_alg("pmiek:importprojects", {"WERKBANK": werkbank_path, "INPUT": str(path)})
    assert "projecten.csv: projects: conflict - project_id P2 is intussen gewijzigd door collega" in str(info.value)
    with open_werkbank(werkbank_path) as wb:
        rows = {r["project_id"]: (r["name"], r["narrative"]) for r in
                wb.query("SELECT project_id, name, narrative FROM projects")}
    assert rows == {"P1": ("Station Noord", None), "P2": ("Kabel Oost", "besproken")}


def test_actions_and_scores_over_a_colleagues_edit_are_conflicts(werkbank, werkbank_path):
    from pmiek_werkbank.ingest.versions import snapshot
    from pmiek_werkbank.programme.followup import FollowupError, import_actions
    from pmiek_werkbank.scoring import scores as S
    from pmiek_werkbank.scoring.errors import ScoringError
    from pmiek_werkbank.werkbank import open_werkbank

    import pandas as pd

    werkbank.write_frame("projects", [{"project_id": "P1", "code": "UT-01", "name": "Station"}])
    acts = pd.DataFrame({"project": ["UT-01"], "Activiteit": ["Locatiebesluit"], "Trekker": ["Gemeente"]})
    import_actions(werkbank, acts, source="acties.csv")
    score = {"project_id": "P1", "criterion_id": "A", "rating": "hoog", "rationale": "veel woningen",
             "assessor": "Bert", "score_date": "2026-03-01"}
    S.import_scores(werkbank, [dict(score)], source="scores.csv")
    seen = snapshot(werkbank, "actions", "scores")  # the import starts reading here
    with open_werkbank(werkbank_path) as other:
        aid = other.query("SELECT action_id FROM actions")[0]["action_id"]
        sid = other.query("SELECT score_id FROM scores")[0]["score_id"]
        other.update_row("actions", aid, {"status": "gereed"}, 1, user="collega")
        other.update_row("scores", sid, {"rationale": "na overleg"}, 1, user="collega")
    before = table_digest(werkbank_path)
    acts["Trekker"] = ["Provincie"]
    with pytest.raises(FollowupError, match="acties.csv: actions: conflict - action_id .* gewijzigd door collega"):
        import_actions(werkbank, acts, source="acties.csv", versions=seen)
    with pytest.raises(ScoringError, match="scores.csv: scores: conflict - score_id .* gewijzigd door collega"):
        S.import_scores(werkbank, [dict(score, rating="laag")], source="scores.csv", versions=seen)
    assert table_digest(werkbank_path) == before


def test_criteria_file_over_a_colleagues_edit_is_a_conflict(werkbank, werkbank_path, tmp_path, monkeypatch):
    from pmiek_werkbank.scoring import criteria as K
    from pmiek_werkbank.scoring.errors import ScoringError
    from pmiek_werkbank.werkbank import open_werkbank

    path = str(tmp_path / "kader.csv")
    K.export_criteria(werkbank, path)
    original = K.read_criteria_file

    def read_then_colleague(p):
        rows = original(p)
        with open_werkbank(werkbank_path) as other:
            other.update_row("criteria", "A", {"weight": 2.0}, 1, user="collega")
        for r in rows:
            r["weight"] = 3.0
        return rows

    monkeypatch.setattr(K, "read_criteria_file", read_then_colleague)
    with pytest.raises(ScoringError, match="kader.csv: criteria: conflict - criterion_id A is intussen gewijzigd"):
        K.import_criteria(werkbank, path)
    weights = {r["criterion_id"]: r["weight"] for r in werkbank.query("SELECT criterion_id, weight FROM criteria")}
    assert weights["A"] == 2.0 and weights["B"] != 3.0
