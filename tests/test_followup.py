"""Uitvoeringsafspraken and monitoringlijst imports (pmiek:importactions, pmiek:importmonitoring)."""

import pytest
from conftest import run_alg
from helpers import table_digest


def _projects(wb):
    wb.write_frame("projects", [
        {"project_id": "P1", "code": "UT-01", "name": "150 kV-station Vathorst"},
        {"project_id": "P2", "code": "UT-02", "name": "MS-tracé Soest"},
    ])


def _csv(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return str(p)


def test_actions_import_reimport_and_codes(werkbank, werkbank_path, tmp_path, pmiek_provider):
    _projects(werkbank)
    path = _csv(tmp_path, "acties.csv",
                "project,Activiteit,Trekker,Betrokken partijen,Resultaat,Planning,Status\n"
                "UT-01,Locatiebesluit,Gemeente Amersfoort,TenneT; Provincie,Vastgestelde locatie,Q4 2026,lopend\n"
                "UT-01,Vergunning aanvragen,TenneT,Gemeente,Omgevingsvergunning,2027,\n"
                "P2,Tracé vastleggen,Stedin,Gemeente Soest,Tracébesluit,2027,afgerond\n")
    res = run_alg("pmiek:importactions", {"WERKBANK": werkbank_path, "INPUT": path})
    assert (res["IMPORTED"], res["INSERTED"]) == (3, 3)
    acts = werkbank.read_frame("actions").sort_values("activity")
    assert list(acts["project_id"]) == ["P1", "P2", "P1"]  # Locatiebesluit, Tracé, Vergunning
    assert list(acts["status"].fillna("-")) == ["lopend", "gereed", "-"]
    assert acts.set_index("activity").loc["Locatiebesluit", "trekker"] == "Gemeente Amersfoort"
    before = table_digest(werkbank_path)
    res = run_alg("pmiek:importactions", {"WERKBANK": werkbank_path, "INPUT": path})
    assert (res["INSERTED"], res["UPDATED"], res["UNCHANGED"]) == (0, 0, 3)
    assert table_digest(werkbank_path) == before


def test_unknown_project_or_empty_activity_leaves_werkbank_unchanged(werkbank, werkbank_path, tmp_path,
                                                                     pmiek_provider):
    from qgis.core import QgsProcessingException

    _projects(werkbank)
    before = table_digest(werkbank_path)
    path = _csv(tmp_path, "fout.csv", "project_id,activiteit\nP1,Overleg\nP9,Iets\nP2,\n")
    with pytest.raises(QgsProcessingException) as e:
        run_alg("pmiek:importactions", {"WERKBANK": werkbank_path, "INPUT": path, "STRICT": True})
    msg = str(e.value)
    # header is line 1, so data rows are lines 2..4
    assert "fout.csv, rij 3, veld 'project_id': project 'P9' staat niet in de werkbank" in msg
    assert "fout.csv, rij 4, veld 'activiteit': leeg" in msg
    assert "niet gewijzigd" in msg
    assert table_digest(werkbank_path) == before


def test_monitoring_import_with_default_peildatum(werkbank, werkbank_path, tmp_path, pmiek_provider):
    _projects(werkbank)
    path = _csv(tmp_path, "monitoring.csv",
                "Project,Haalbaarheid IBN,Aandachtspunten,Versnellingsactie,Trekker,Vraag aan energyboard\n"
                "UT-01,2028,Draagvlak locatie,Toelichting raad,Gemeente / netbeheerder,Aanwezigheid provincie\n"
                "UT-02,2029,n.v.t.,n.v.t.,,n.v.t.\n")
    res = run_alg("pmiek:importmonitoring", {"WERKBANK": werkbank_path, "INPUT": path})
    assert res["INSERTED"] == 2
    mon = werkbank.read_frame("monitoring").set_index("project_id")
    assert mon.loc["P1", "ibn_feasibility"] == "2028"
    assert mon.loc["P1", "question_energyboard"] == "Aanwezigheid provincie"
    assert set(mon["peildatum"]) == {"2026-01-01"}  # the programme's peildatum (conftest)
    res = run_alg("pmiek:importmonitoring", {"WERKBANK": werkbank_path, "INPUT": path, "PEILDATUM": "2026-07-01"})
    assert res["INSERTED"] == 2  # a new peildatum is a new monitoring moment
    assert werkbank.count("monitoring") == 4


def test_duplicate_rows_refused_by_row(werkbank, werkbank_path, tmp_path, pmiek_provider):
    from qgis.core import QgsProcessingException

    _projects(werkbank)
    before = table_digest(werkbank_path)
    path = _csv(tmp_path, "dubbel.csv", "project_id,activiteit\nP1,Overleg\nP2,Iets\nP1,Overleg\n")
    with pytest.raises(QgsProcessingException, match=r"dubbel.csv, rij 4: dezelfde activiteit voor hetzelfde project "
                                                     r"staat ook in rij 2"):
        run_alg("pmiek:importactions", {"WERKBANK": werkbank_path, "INPUT": path, "STRICT": True})
    assert table_digest(werkbank_path) == before
