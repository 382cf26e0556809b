"""A projectenlijst without project_id: a row is its project by its code (project number, the one rule
knooppunten.project_refs), so a renamed project is updated and keeps what hangs on it; a code that would belong to
two projects is refused naming the row.  Fictief voorbeeld."""

import pytest
from conftest import run_alg


def _xlsx(path, rows, headers=("Projectnr", "Projectnaam")):
    import openpyxl

    wbk = openpyxl.Workbook()
    ws = wbk.active
    ws.append(list(headers))
    for r in rows:
        ws.append(list(r))
    wbk.save(path)
    return str(path)


def _projects(wb):
    return {r["project_id"]: (r["code"], r["name"], r["status"])
            for r in wb.query("SELECT project_id, code, name, status FROM projects")}


def test_renamed_project_is_the_same_project(pmiek_provider, werkbank, werkbank_path, tmp_path):
    from pmiek_werkbank.scoring.decisions import set_status

    first = _xlsx(tmp_path / "v1.xlsx", [("ZP-1", "Batterij Oost"), ("ZP-9", "Laadplein Rilland")])
    res = run_alg("pmiek:importprojects", {"WERKBANK": werkbank_path, "INPUT": first})
    assert (res["INSERTED"], res["UPDATED"], res["UNCHANGED"]) == (2, 0, 0)
    assert _projects(werkbank) == {"P-batterij-oost": ("ZP-1", "Batterij Oost", "kandidaat"),
                                   "P-laadplein-rilland": ("ZP-9", "Laadplein Rilland", "kandidaat")}
    set_status(werkbank, "ZP-9", "opgenomen", "besluit energyboard")

    renamed = _xlsx(tmp_path / "v1.xlsx", [("ZP-1", "Batterij Oost"), ("ZP-9", "Laadplein Rilland-Bath")])
    res = run_alg("pmiek:importprojects", {"WERKBANK": werkbank_path, "INPUT": renamed})
    assert (res["INSERTED"], res["UPDATED"], res["UNCHANGED"], res["REMOVED"]) == (0, 1, 1, 0)
    assert _projects(werkbank) == {"P-batterij-oost": ("ZP-1", "Batterij Oost", "kandidaat"),
                                   "P-laadplein-rilland": ("ZP-9", "Laadplein Rilland-Bath", "opgenomen")}
    audit = werkbank.query("SELECT action, old_values, new_values FROM audit_log WHERE table_name = 'projects' "
                           "AND row_key = 'P-laadplein-rilland' AND action = 'update' AND new_values LIKE ?",
                           ("%Rilland-Bath%",))
    assert len(audit) == 1 and "Laadplein Rilland\"" in audit[0]["old_values"]

    # a new project under the old name is another project: it gets its own id, the renamed one keeps its own
    more = _xlsx(tmp_path / "v1.xlsx", [("ZP-1", "Batterij Oost"), ("ZP-9", "Laadplein Rilland-Bath"),
                                        ("ZP-10", "Laadplein Rilland")])
    res = run_alg("pmiek:importprojects", {"WERKBANK": werkbank_path, "INPUT": more})
    assert (res["INSERTED"], res["UPDATED"], res["UNCHANGED"]) == (1, 0, 2)
    got = _projects(werkbank)
    assert got["P-laadplein-rilland"] == ("ZP-9", "Laadplein Rilland-Bath", "opgenomen")
    assert got["P-laadplein-rilland-2"] == ("ZP-10", "Laadplein Rilland", "kandidaat")
    # and again: nothing changes
    res = run_alg("pmiek:importprojects", {"WERKBANK": werkbank_path, "INPUT": more})
    assert (res["INSERTED"], res["UPDATED"], res["UNCHANGED"]) == (0, 0, 3)


def test_a_code_for_two_projects_is_refused_naming_the_row(pmiek_provider, werkbank, werkbank_path, tmp_path):
    from qgis.core import QgsProcessingException

    first = _xlsx(tmp_path / "v1.xlsx", [("ZP-1", "Batterij Oost"), ("ZP-2", "Laadplein Rilland")])
    run_alg("pmiek:importprojects", {"WERKBANK": werkbank_path, "INPUT": first})
    before = _projects(werkbank)

    # twice in the source: the second row (spreadsheet line 3) is refused, the first imported
    twice = _xlsx(tmp_path / "twice.xlsx", [("ZP-3", "Warmtenet Goes"), ("ZP-3", "Warmtenet Kapelle")])
    with pytest.raises(QgsProcessingException) as exc:
        run_alg("pmiek:importprojects", {"WERKBANK": werkbank_path, "INPUT": twice, "STRICT": True})
    assert ("twice.xlsx, rij 3 (id P-warmtenet-kapelle), veld 'Projectnr': code 'ZP-3' komt al voor in rij 2; "
            "twee projecten met dezelfde code zijn niet te onderscheiden") in str(exc.value)
    assert _projects(werkbank) == before
    res = run_alg("pmiek:importprojects", {"WERKBANK": werkbank_path, "INPUT": twice})
    assert (res["INSERTED"], res["REJECTED"]) == (1, 1)
    assert _projects(werkbank)["P-warmtenet-goes"][0] == "ZP-3" and "P-warmtenet-kapelle" not in _projects(werkbank)

    # a row with its own id and the code of another project in the werkbank
    other = _xlsx(tmp_path / "other.xlsx", [("P-x", "ZP-1", "Iets anders")],
                  headers=("project_id", "Projectnr", "Projectnaam"))
    with pytest.raises(QgsProcessingException) as exc:
        run_alg("pmiek:importprojects", {"WERKBANK": werkbank_path, "INPUT": other, "STRICT": True})
    assert ("other.xlsx, rij 2 (id P-x), veld 'Projectnr': de code 'ZP-1' hoort al bij project P-batterij-oost; "
            "twee projecten met dezelfde code zijn niet te onderscheiden") in str(exc.value)

    # a code two stored projects carry (an earlier import's duplicate): refused by the one rule, not guessed
    row = werkbank.query("SELECT row_version FROM projects WHERE project_id = 'P-laadplein-rilland'")[0]
    werkbank.update_row("projects", "P-laadplein-rilland", {"code": "ZP-1"}, row["row_version"])
    again = _xlsx(tmp_path / "again.xlsx", [("ZP-1", "Batterij Oost")])
    with pytest.raises(QgsProcessingException) as exc:
        run_alg("pmiek:importprojects", {"WERKBANK": werkbank_path, "INPUT": again, "STRICT": True})
    assert ("again.xlsx, rij 2 (id ZP-1), veld 'Projectnr': de code 'ZP-1' hoort bij 2 projecten "
            "(P-batterij-oost, P-laadplein-rilland)") in str(exc.value)


def test_project_outside_the_province_is_a_warning_naming_row_and_field(pmiek_provider, werkbank, werkbank_path,
                                                                         tmp_path):
    """The werkbank is Utrecht's: a project in the city of Utrecht is inside, one at 233000/582000 (Groningen)
    outside, more than 100 km from the border; both are imported, the second with a warning (row 3, field X)."""
    import csv
    import re

    src = _xlsx(tmp_path / "xy.xlsx", [("ZP-1", "Station Utrecht", 136000, 456000),
                                       ("ZP-2", "Lijn in Groningen", 233000, 582000)],
                headers=("Projectnr", "Projectnaam", "X", "Y"))
    report = tmp_path / "rapport.csv"
    res = run_alg("pmiek:importprojects", {"WERKBANK": werkbank_path, "INPUT": src, "REPORT": str(report)})
    assert (res["INSERTED"], res["REJECTED"]) == (2, 0)
    with open(report, encoding="utf-8-sig") as f:
        rows = [r for r in csv.DictReader(f, delimiter=";") if r["ernst"] == "waarschuwing"]
    # named by the number typed in the row (the id 'P-lijn-in-groningen' is made up by the import)
    assert [(r["rij"], r["bron_id"], r["veld"]) for r in rows] == [("3", "ZP-2", "X")]
    m = re.fullmatch(r"ligt buiten de provincie Utrecht \(([\d\u2009 ]+) m van de grens; tolerantie 2[\u2009 ]?000 m\); "
                     r"toch opgenomen \(een project mag over de grens reiken\)", rows[0]["probleem"])
    assert m and 100000 < int(re.sub(r"\D", "", m.group(1))) < 200000


def test_every_problem_of_a_rejected_row_at_once(pmiek_provider, werkbank, werkbank_path, tmp_path):
    """ZP-7 of the trial: its IBN year is no year (rejected) and its type is unknown ('overig' with a warning);
    both are reported in one go, not the type only after the IBN is fixed; also when STRICT refuses."""
    import csv

    src = _xlsx(tmp_path / "lijst.xlsx", [("ZP-1", "Batterij Oost", "batterij", 2030),
                                          ("ZP-7", "Project met vaag IBN", "Onbekend type", "2030?")],
                headers=("Projectnr", "Projectnaam", "Type infra", "Jaar IBN"))

    def problems(report):
        with open(report, encoding="utf-8-sig") as f:
            return sorted((r["rij"], r["veld"], r["probleem"], r["ernst"]) for r in csv.DictReader(f, delimiter=";"))

    expected = [("3", "Jaar IBN", "'2030?' is geen jaartal", "fout"),
                ("3", "Type infra", "type infra 'Onbekend type' niet herkend; 'overig' gebruikt", "waarschuwing")]
    res = run_alg("pmiek:importprojects", {"WERKBANK": werkbank_path, "INPUT": src,
                                           "REPORT": str(tmp_path / "r1.csv")})
    assert (res["INSERTED"], res["REJECTED"]) == (1, 1)
    assert problems(tmp_path / "r1.csv") == expected
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException):
        run_alg("pmiek:importprojects", {"WERKBANK": werkbank_path, "INPUT": src, "STRICT": True,
                                         "REPORT": str(tmp_path / "r2.csv")})
    assert problems(tmp_path / "r2.csv") == expected


def test_a_repeated_code_on_a_re_import_names_the_row_not_the_other_project(pmiek_provider, werkbank, werkbank_path,
                                                                            tmp_path):
    """Limburg trial: imported twice, the second row with the first row's code was named '(id P-dubbele-code)' - the
    project of the OTHER row, which its code named once that project was stored.  Each import names the rejected row
    by itself: the id its own name gives, as the first import does; by code and name when that id is taken."""
    import csv

    src = _xlsx(tmp_path / "dubbel.xlsx", [("LI-01", "Batterij Oost"), ("LI-03", "Dubbele code"),
                                           ("LI-03", "Dubbele code, tweede rij")])
    for _ in range(2):
        rep = str(tmp_path / "r.csv")
        res = run_alg("pmiek:importprojects", {"WERKBANK": werkbank_path, "INPUT": src, "REPORT": rep})
        assert res["REJECTED"] == 1
        with open(rep, encoding="utf-8-sig") as f:
            bad = [r for r in csv.DictReader(f, delimiter=";") if r["ernst"] == "fout"]
        assert [(r["rij"], r["bron_id"], r["veld"]) for r in bad] == [("4", "P-dubbele-code-tweede-rij", "Projectnr")]
    assert set(_projects(werkbank)) == {"P-batterij-oost", "P-dubbele-code"}

    # the same name as well: its own id would be the other row's, so it is named by its code and name
    same = _xlsx(tmp_path / "zelfde.xlsx", [("LI-03", "Dubbele code"), ("LI-03", "Dubbele code")])
    from pmiek_werkbank.ingest.errors import RowError
    from pmiek_werkbank.knooppunten.project_refs import ProjectRefs
    from pmiek_werkbank.knooppunten.projects import prepare_projects
    from pmiek_werkbank.ingest.reader import read_table

    _, errors, _ = prepare_projects(read_table(same), "zelfde.xlsx", row_offset=0,
                                    refs=ProjectRefs.from_werkbank(werkbank))
    assert [(e.row, e.id) for e in errors if isinstance(e, RowError)] == [(3, "LI-03: Dubbele code")]


def test_a_refused_new_project_is_named_by_its_number(pmiek_provider, werkbank, werkbank_path, tmp_path):
    """Zeeland trial F10: a refused row of a new project was named by the id the import makes up
    ('P-waterstofleiding-vlissingen-gent'), which is nowhere in the user's sheet, instead of its Projectnr."""
    src = _xlsx(tmp_path / "lijst.xlsx", [("ZL-P03", "Waterstofleiding Vlissingen-Gent", "veel")],
                headers=("Projectnr", "Projectnaam", "capaciteit afname (MW)"))
    res = run_alg("pmiek:importprojects", {"WERKBANK": werkbank_path, "INPUT": src,
                                           "REPORT": str(tmp_path / "r.csv")})
    assert res["REJECTED"] == 1
    import csv

    with open(tmp_path / "r.csv", encoding="utf-8-sig") as f:
        rows = [r for r in csv.DictReader(f, delimiter=";") if r["ernst"] == "fout"]
    assert [(r["rij"], r["bron_id"]) for r in rows] == [("2", "ZL-P03")]


def test_a_project_number_in_the_id_column_is_that_project(pmiek_provider, werkbank, werkbank_path, tmp_path):
    """Zeeland trial F5: a layer whose project_id column held the list's numbers (ZL-P01) made new projects with
    ids that were other projects' codes - two projects answering to 'ZL-P01', after which every link naming it was
    refused as ambiguous. The id resolves by the one rule (id or code) to the project with that number."""
    first = _xlsx(tmp_path / "lijst.xlsx", [("ZL-P01", "Kabel Sloegebied"), ("ZL-P02", "Station Goes")])
    run_alg("pmiek:importprojects", {"WERKBANK": werkbank_path, "INPUT": first})
    before = _projects(werkbank)
    assert {c for c, _, _ in before.values()} == {"ZL-P01", "ZL-P02"}
    lines = _xlsx(tmp_path / "lijnen.xlsx", [("ZL-P01", "Kabel Sloegebied", 2031)],
                  headers=("project_id", "Projectnaam", "ibn_jaar"))
    res = run_alg("pmiek:importprojects", {"WERKBANK": werkbank_path, "INPUT": lines})
    assert (res["INSERTED"], res["UPDATED"]) == (0, 1)
    assert set(_projects(werkbank)) == set(before)  # no second project
    kabel = [pid for pid, (c, _, _) in before.items() if c == "ZL-P01"][0]
    assert werkbank.query("SELECT ibn_year FROM projects WHERE project_id = ?", (kabel,))[0]["ibn_year"] == 2031
    # a link naming the number still finds its one project
    from pmiek_werkbank.knooppunten.project_refs import ProjectRefs

    assert ProjectRefs.from_werkbank(werkbank).resolve("ZL-P01") == kabel
