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


def test_actions_and_monitoring_gone_from_the_list_reported_then_deleted_with_sync(werkbank, werkbank_path, tmp_path,
                                                                                  pmiek_provider):
    """A row dropped from the list: REMOVED 1 and still there; SYNC deletes it (audited); a rejected row is still in
    the list and is not REMOVED; a SYNC of a row edited after the import is refused naming it."""
    import os

    _projects(werkbank)
    os.mkdir(tmp_path / "v2")
    full = _csv(tmp_path, "acties.csv", "project_id,activiteit,status\nP1,Overleg,open\nP2,Tracé,open\n"
                                        "P2,Vergunning,open\n")
    assert run_alg("pmiek:importactions", {"WERKBANK": werkbank_path, "INPUT": full})["INSERTED"] == 3
    # Tracé gone, Vergunning with a bad status (rejected: still in the list)
    short = _csv(tmp_path / "v2", "acties.csv", "project_id,activiteit,status\nP1,Overleg,open\n"
                                                "P2,Vergunning,onbekend\n")
    res = run_alg("pmiek:importactions", {"WERKBANK": werkbank_path, "INPUT": short})
    assert (res["REMOVED"], res["REJECTED"], res["UNCHANGED"]) == (1, 1, 1)
    assert werkbank.count("actions") == 3
    res = run_alg("pmiek:importactions", {"WERKBANK": werkbank_path, "INPUT": short, "SYNC": True})
    assert (res["REMOVED"], res["REJECTED"]) == (1, 1)
    assert sorted(r["activity"] for r in werkbank.query("SELECT activity FROM actions")) == ["Overleg", "Vergunning"]
    trail = werkbank.query("SELECT old_values FROM audit_log WHERE table_name = 'actions' AND action = 'delete'")
    assert len(trail) == 1 and '"Tracé"' in trail[0]["old_values"]

    # monitoring: a row edited after the import is a decision; SYNC refuses to delete it
    mon = _csv(tmp_path, "monitoring.csv", "project,peildatum,haalbaarheid ibn\nP1,2026-01-01,haalbaar\n"
                                           "P2,2026-01-01,onzeker\n")
    assert run_alg("pmiek:importmonitoring", {"WERKBANK": werkbank_path, "INPUT": mon})["INSERTED"] == 2
    row = werkbank.query("SELECT monitoring_id, row_version FROM monitoring WHERE project_id = 'P2'")[0]
    werkbank.update_row("monitoring", row["monitoring_id"], {"ibn_feasibility": "niet haalbaar"},
                        row["row_version"], user="Monitor")
    mon2 = _csv(tmp_path / "v2", "monitoring.csv", "project,peildatum,haalbaarheid ibn\nP1,2026-01-01,haalbaar\n")
    before = table_digest(werkbank_path)
    with pytest.raises(Exception, match=r"(?s)monitoring.csv: SYNC verwijdert geen rijen.*- monitoring {} \(P2: "
                                        r"2026-01-01\): besluit na de vorige import: veld 'ibn_feasibility' \(Monitor,"
                       .format(row["monitoring_id"])):
        run_alg("pmiek:importmonitoring", {"WERKBANK": werkbank_path, "INPUT": mon2, "SYNC": True})
    assert table_digest(werkbank_path) == before
    assert run_alg("pmiek:importmonitoring", {"WERKBANK": werkbank_path, "INPUT": mon2})["REMOVED"] == 1


def test_project_numbers_and_unused_columns(werkbank, werkbank_path, tmp_path, pmiek_provider):
    """Every import names its project the same ways (ingest.columns.PROJECT_REFERENCE: 'Projectnr' was refused by
    the actions and read by the projects); a column the import does not read is named in its report and log
    instead of vanishing while the report said 'Geen problemen gevonden'."""
    _projects(werkbank)
    path = _csv(tmp_path, "acties.csv", "Projectnr,Activiteit,Opmerking intern\nUT-01,Locatiebesluit,bellen\n")
    report = str(tmp_path / "rapport.html")
    res = run_alg("pmiek:importactions", {"WERKBANK": werkbank_path, "INPUT": path, "REPORT": report})
    assert res["INSERTED"] == 1
    assert list(werkbank.read_frame("actions")["project_id"]) == ["P1"]
    html = open(report, encoding="utf-8").read()
    assert "Niet gebruikt: 1 kolom(men)" in html and "Opmerking intern" in html and "Projectnr" not in html
    assert "Geen problemen gevonden" not in html
    mon = _csv(tmp_path, "monitoring.csv", "Projectnummer,Peildatum,Haalbaarheid IBN\nUT-02,2026-03-01,2028\n")
    res = run_alg("pmiek:importmonitoring", {"WERKBANK": werkbank_path, "INPUT": mon})
    assert list(werkbank.read_frame("monitoring")["project_id"]) == ["P2"]


def test_projectcode_column_fills_the_code(werkbank, werkbank_path, tmp_path, pmiek_provider):
    from pmiek_werkbank.ingest.runner import unused_columns
    from pmiek_werkbank.ingest.specs import spec

    path = _csv(tmp_path, "projecten.csv", "Projectcode;Naam project;Type infra;X;Y;Kleur\n"
                                           "ZP-1;Station Goes;hs_ms_station;51000;390000;rood\n")
    run_alg("pmiek:importprojects", {"WERKBANK": werkbank_path, "INPUT": path})
    assert list(werkbank.read_frame("projects")["code"]) == ["ZP-1"]
    import pandas as pd

    frame = pd.DataFrame(columns=["Projectcode", "Naam project", "Type infra", "X", "Y", "Kleur", "_row", "geometry"])
    assert unused_columns(spec("projects"), frame) == ["Kleur"]
    assert unused_columns(spec("projects"), frame, params={"FIELD_X": "Kleur"}) == []


def test_a_code_used_twice_is_refused_not_guessed(werkbank, werkbank_path, tmp_path, pmiek_provider):
    """Actions and monitoring name their project by the one rule (knooppunten.project_refs): a code two projects
    carry is refused with the row named; before, the first project with that code silently got the action."""
    werkbank.write_frame("projects", [
        {"project_id": "P1", "code": "UT-01", "name": "Station Vathorst"},
        {"project_id": "P2", "code": "UT-01", "name": "Tracé Soest"},
        {"project_id": "P3", "code": "UT-03", "name": "Warmtenet"},
    ])
    path = _csv(tmp_path, "acties.csv", "project,Activiteit\nUT-01,Locatiebesluit\nUT-03,Vergunning\n")
    res = run_alg("pmiek:importactions", {"WERKBANK": werkbank_path, "INPUT": path, "STRICT": False})
    assert (res["INSERTED"], res["REJECTED"]) == (1, 1)
    assert list(werkbank.read_frame("actions")["project_id"]) == ["P3"]
    from pmiek_werkbank.programme.followup import import_actions

    import pandas as pd

    with pytest.raises(Exception) as e:
        import_actions(werkbank, pd.DataFrame([{"_row": 2, "project": "UT-01", "Activiteit": "Locatiebesluit"}]),
                       source="acties")
    assert "rij 2" in str(e.value) and "de code 'UT-01' hoort bij 2 projecten (P1, P2)" in str(e.value)
