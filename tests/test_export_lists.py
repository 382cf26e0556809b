"""Projectenlijst, actielijst, monitoringlijst: XLSX read back with openpyxl, CSV with csv; and the algorithms."""

import csv
import json
import os
import subprocess

import pytest
from conftest import BUILD, run_alg
from helpers import pdf_pages, pdf_text
from test_export_data import AFGEVALLEN, CONFIDENTIAL, FICHE_NAMES, HOSTILE, build_export_werkbank


@pytest.fixture
def export_wb(werkbank_path):
    return build_export_werkbank(werkbank_path)


def _data(path, include=False):
    from pmiek_werkbank.export.context import gather
    from pmiek_werkbank.werkbank import open_werkbank

    with open_werkbank(path, readonly=True) as wb:
        return gather(wb, include_confidential=include)


def _sheet(path):
    import openpyxl

    ws = openpyxl.load_workbook(path).worksheets[0]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    return ws, rows[0], rows[1:]


def test_projectenlijst_xlsx_matches_werkbank(export_wb, tmp_path):
    from pmiek_werkbank.export.lists import write_xlsx

    path = str(tmp_path / "projectenlijst.xlsx")
    write_xlsx("projectenlijst", _data(export_wb), path)
    ws, head, rows = _sheet(path)
    for col in ("Naam project", "Locatie", "Type infra", "Sectoren en ontwikkelingen", "Financiële informatie",
                "Planning", "Betrokken partijen", "Status", "Rang"):
        assert col in head
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    assert ws.column_dimensions["B"].width >= 30
    by_name = {r[head.index("Naam project")]: dict(zip(head, r)) for r in rows}
    # every non-confidential project (also the afgevallen one, with its reason), nothing else
    import sqlite3

    conn = sqlite3.connect(export_wb)
    expected = {n for (n,) in conn.execute("SELECT name FROM projects WHERE confidential = 0")}
    conn.close()
    expected = {("'" + n if n.startswith("=") else n) for n in expected}
    assert set(by_name) == expected and len(rows) == 5
    assert CONFIDENTIAL not in by_name
    p1 = by_name[FICHE_NAMES[0]]
    assert p1["Locatie"] == "Lage Weide, Utrecht" and p1["Type infra"] == "Uitbreiding/nieuw HS/MS-station"
    assert "Bedrijventerrein Lage Weide verduurzaming (Bedrijventerrein)" in p1["Sectoren en ontwikkelingen"]
    assert p1["Vraag ontwikkelingen (MW)"] == pytest.approx(41.5)
    assert "€ 48 mln" in p1["Financiële informatie"] and "deels" in p1["Financiële informatie"]
    assert p1["Planning"].startswith("IBN 2029")
    assert by_name[AFGEVALLEN]["Status"] == "Afgevallen"
    # formula injection: the hostile name and '=1+1' are plain text
    hostile = by_name["'" + HOSTILE]
    assert hostile["Betrokken partijen"] == "'=1+1"


def test_projectenlijst_mw_is_what_the_fiche_and_balance_count(export_wb, tmp_path):
    """The list's 'Vraag ontwikkelingen (MW)' applies the link shares, as the fiche ('samen … MW vraag') and the
    balance do: P1 links D1 with 35,5 MW and half of D2 (6 MW) -> 38,5 MW, not the developments' full 41,5."""
    import sqlite3

    from pmiek_werkbank.export.lists import rows, write_csv
    from pmiek_werkbank.formatting import fmt_mw

    conn = sqlite3.connect(export_wb)
    with conn:
        conn.execute("UPDATE project_links SET share_pct = 50 WHERE link_id = 'L2'")
        assert conn.execute("SELECT demand_mw FROM developments WHERE dev_id = 'D2'").fetchone()[0] == 6
    conn.close()
    data = _data(export_wb)
    p1 = [p for p in data.projects if p["project_id"] == "P1"][0]
    assert p1["serves_demand_mw"] == pytest.approx(38.5) and p1["demand_total"] == "38,5 MW"
    by_id = {r["project_id"]: r for r in rows("projectenlijst", data)}
    assert by_id["P1"]["demand_total_mw"] == pytest.approx(38.5)
    for p in data.projects:  # every fiche project: the list says what its fiche says, to the printed decimal
        assert fmt_mw(by_id[p["project_id"]]["demand_total_mw"]) == p["demand_total"], p["project_id"]
    path = str(tmp_path / "projectenlijst.csv")
    write_csv("projectenlijst", data, path)
    with open(path, encoding="utf-8-sig") as f:
        body = list(csv.reader(f, delimiter=";"))
    head = body[0]
    line = [r for r in body if r[head.index("Naam project")] == FICHE_NAMES[0]][0]
    assert line[head.index("Vraag ontwikkelingen (MW)")] == "38,5"
    # a half: 35,5 + 37,5 % of 6 = 37,75 MW reads 37,8 on the fiche and in the list (it was 37,75 in the list)
    conn = sqlite3.connect(export_wb)
    with conn:
        conn.execute("UPDATE project_links SET share_pct = 37.5 WHERE link_id = 'L2'")
    conn.close()
    data = _data(export_wb)
    p1 = [p for p in data.projects if p["project_id"] == "P1"][0]
    assert p1["demand_total"] == "37,8 MW"
    assert {r["project_id"]: r for r in rows("projectenlijst", data)}["P1"]["demand_total_mw"] == 37.8


def test_actie_and_monitoringlijst_xlsx(export_wb, tmp_path):
    from pmiek_werkbank.export.lists import write_xlsx

    data = _data(export_wb)
    write_xlsx("actielijst", data, str(tmp_path / "a.xlsx"))
    _, head, rows = _sheet(str(tmp_path / "a.xlsx"))
    assert head[:8] == ["Nr", "Project", "Activiteit", "Trekker / verantwoordelijke", "Betrokken partijen",
                        "Resultaat", "Planning", "Status"]
    assert [r[2] for r in rows] == ["Ruimtelijk planproces opstellen", "Investeringsbesluit", "'=cmd|' /C calc'!A0"]
    assert rows[2][3] == "'@Provincie"
    assert "Geheime actie" not in [r[2] for r in rows]
    write_xlsx("monitoringlijst", data, str(tmp_path / "m.xlsx"))
    _, head, rows = _sheet(str(tmp_path / "m.xlsx"))
    assert head[:7] == ["Nr", "Project", "Haalbaarheid IBN", "Aandachtspunten (proces of risico)",
                        "Versnellingsactie", "Trekker / verantwoordelijke", "Vraag aan energyboard"]
    assert len(rows) == len(FICHE_NAMES)
    first = rows[0]
    assert first[2] == "2029" and first[3] == "Draagvlak locatie" and first[6] == "Provincie aanwezig bij raadsvergadering"
    hostile = [r for r in rows if r[1].startswith("'=HYPERLINK")][0]
    assert hostile[6] == "'=SUM(A1:A9)" and hostile[2] == "-2030" and hostile[3] == "'+31 risico"


def test_csv_bom_semicolon_and_neutralised(export_wb, tmp_path):
    from pmiek_werkbank.export.lists import write_csv

    path = str(tmp_path / "p.csv")
    write_csv("projectenlijst", _data(export_wb), path)
    raw = open(path, "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf")
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    assert rows[0][1] == "Naam project" and len(rows) == 1 + 5
    names = [r[1] for r in rows[1:]]
    assert "'" + HOSTILE in names and CONFIDENTIAL not in names
    assert all(not n.startswith(("=", "+", "-", "@")) for r in rows[1:] for n in r)
    p1 = [r for r in rows if r[1] == FICHE_NAMES[0]][0]
    assert p1[rows[0].index("Vraag ontwikkelingen (MW)")] == "41,5"


def test_include_confidential_lists(export_wb, tmp_path):
    from pmiek_werkbank.export.lists import write_xlsx

    write_xlsx("actielijst", _data(export_wb, include=True), str(tmp_path / "a.xlsx"))
    _, _, rows = _sheet(str(tmp_path / "a.xlsx"))
    assert "Geheime actie" in [r[2] for r in rows]


def test_algorithms_in_process(pmiek_provider, export_wb, tmp_path):
    ids = {a.id() for a in pmiek_provider.algorithms()}
    assert {"pmiek:exportfiches", "pmiek:exportlists"} <= ids
    alg = pmiek_provider.algorithm("exportfiches")
    for name in ("WERKBANK", "OUTPUT_FOLDER", "ATLAS", "INCLUDE_CONFIDENTIAL", "ORDER"):
        assert alg.parameterDefinition(name) is not None and name in alg.shortHelpString()
    alg = pmiek_provider.algorithm("exportlists")
    for name in ("WERKBANK", "PROJECTENLIJST", "ACTIELIJST", "MONITORINGLIJST", "INCLUDE_CONFIDENTIAL"):
        assert alg.parameterDefinition(name) is not None and name in alg.shortHelpString()
    res = run_alg("pmiek:exportlists", {"WERKBANK": export_wb, "PROJECTENLIJST": str(tmp_path / "p.xlsx"),
                                        "MONITORINGLIJST": str(tmp_path / "m.csv")})
    assert res["ROWS"] == 5
    assert os.path.exists(tmp_path / "p.xlsx") and os.path.exists(tmp_path / "p.csv")
    assert os.path.exists(tmp_path / "m.csv") and not os.path.exists(tmp_path / "m.xlsx")
    res = run_alg("pmiek:exportfiches", {"WERKBANK": export_wb, "OUTPUT_FOLDER": str(tmp_path / "fiches"),
                                         "ATLAS": str(tmp_path / "atlas.pdf"), "INCLUDE_CONFIDENTIAL": True,
                                         "ORDER": 1})
    assert res["FICHES"] == len(FICHE_NAMES) + 1
    assert pdf_pages(str(tmp_path / "atlas.pdf")) == res["PAGES"] == 1 + 1 + len(FICHE_NAMES) + 1 + 1
    assert CONFIDENTIAL in pdf_text(str(tmp_path / "atlas.pdf"))


def test_lists_into_a_new_folder_and_a_clear_message_when_there_can_be_none(pmiek_provider, export_wb, tmp_path):
    """A new folder in the output path is made, as for the fiches (it failed with an English OS error naming an
    internal temporary file); a path through an existing FILE gets a Dutch message naming it, and nothing is left
    behind."""
    from qgis.core import QgsProcessingException

    target = tmp_path / "nieuw" / "map" / "projectenlijst.xlsx"
    res = run_alg("pmiek:exportlists", {"WERKBANK": export_wb, "PROJECTENLIJST": str(target)})
    assert res["ROWS"] == 5 and target.exists() and target.with_suffix(".csv").exists()
    assert sorted(os.listdir(target.parent)) == ["projectenlijst.csv", "projectenlijst.xlsx"]
    (tmp_path / "bestand").write_text("geen map")
    with pytest.raises(QgsProcessingException) as e:
        run_alg("pmiek:exportlists", {"WERKBANK": export_wb,
                                      "PROJECTENLIJST": str(tmp_path / "bestand" / "sub" / "p.xlsx")})
    text = str(e.value)
    assert "Kan de map" in text and "bestand" in text and "Errno" not in text and "pmiek-tmp" not in text, text
    assert (tmp_path / "bestand").read_text() == "geen map"


def test_a_failed_write_removes_the_folder_it_made(tmp_path):
    from pmiek_werkbank.werkbank.atomic import atomic_path

    with pytest.raises(RuntimeError):
        with atomic_path(tmp_path / "a" / "b" / "x.txt") as tmp:
            with open(tmp, "w") as f:
                f.write("half")
            raise RuntimeError("afgebroken")
    assert os.listdir(tmp_path) == []  # neither the file nor the folders a and b
    (tmp_path / "keep").mkdir()
    with pytest.raises(RuntimeError):
        with atomic_path(tmp_path / "keep" / "new" / "x.txt"):
            raise RuntimeError("afgebroken")
    assert os.listdir(tmp_path) == ["keep"] and os.listdir(tmp_path / "keep") == []


@pytest.mark.slow
def test_qgis_process_exports(export_wb, tmp_path):
    env = dict(os.environ, QGIS_PLUGINPATH=BUILD, QT_QPA_PLATFORM="offscreen")
    subprocess.run(["qgis_process.bin", "plugins", "enable", "pmiek_werkbank"], capture_output=True, env=env)
    r = subprocess.run(["qgis_process.bin", "--json", "run", "pmiek:exportfiches", "--", "WERKBANK=" + export_wb,
                        "OUTPUT_FOLDER=" + str(tmp_path / "f"), "ATLAS=" + str(tmp_path / "a.pdf")],
                       capture_output=True, text=True, env=env, timeout=300)
    start = r.stdout.find("{")
    assert start >= 0, r.stdout[-2000:] + r.stderr[-2000:]
    results = json.JSONDecoder().raw_decode(r.stdout[start:])[0]["results"]
    assert results["FICHES"] == len(FICHE_NAMES)
    assert pdf_pages(str(tmp_path / "a.pdf")) == 1 + 1 + len(FICHE_NAMES) + 1
    if r.returncode != 0 and "free" in r.stderr:
        # known: qgis_process aborts at exit after knooppunten.balance ran (pmiek:capacitybalance does the same);
        # the export itself completed (checked above)
        pytest.xfail("qgis_process crasht bij afsluiten na knooppunten.balance (rc {})".format(r.returncode))
    assert r.returncode == 0, r.stderr[-2000:]


def test_fiches_of_a_werkbank_without_projects_say_why(pmiek_provider, werkbank_path, tmp_path):
    """Fiches of a fresh werkbank (no projectenlijst imported yet) said 'alle projecten afgevallen of
    vertrouwelijk', a reason that was not true: the message now says the werkbank has no projects yet."""
    from qgis import processing
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback, QgsProject

    class Errors(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.errors = []

        def reportError(self, error, fatalError=False):  # noqa: N802
            self.errors.append(error)

    fb = Errors()
    ctx = QgsProcessingContext()
    ctx.setProject(QgsProject.instance())
    res = processing.run("pmiek:exportfiches", {"WERKBANK": werkbank_path, "OUTPUT_FOLDER": str(tmp_path / "f"),
                                                "ATLAS": str(tmp_path / "a.pdf")}, context=ctx, feedback=fb)
    assert res["FICHES"] == 0
    assert fb.errors == ["Geen projecten om een fiche van te maken (de werkbank heeft nog geen projecten; "
                         "importeer eerst een projectenlijst)."]


def test_project_numbers_sort_as_numbers(export_wb, tmp_path):
    """A planner sorted the projectenlijst by 'Nr' in Excel: '14' came before '2' (text). A whole number is a number
    cell now; a code with letters or a leading zero stays the text it is."""
    from pmiek_werkbank.export.lists import write_xlsx
    from pmiek_werkbank.werkbank import open_werkbank

    with open_werkbank(export_wb) as wb:
        codes = [r["project_id"] for r in wb.query("SELECT project_id FROM projects WHERE confidential = 0 "
                                                     "ORDER BY project_id")]
        for pid, code in zip(codes, ["2", "14", "UT-P03", "007", "10"]):
            wb.execute("UPDATE projects SET code = ? WHERE project_id = ?", (code, pid))
    path = str(tmp_path / "projectenlijst.xlsx")
    write_xlsx("projectenlijst", _data(export_wb), path)
    ws, head, rows = _sheet(path)
    got = sorted((r[head.index("Nr")] for r in rows), key=lambda v: (isinstance(v, str), v))
    assert got == [2, 10, 14, "007", "UT-P03"]
