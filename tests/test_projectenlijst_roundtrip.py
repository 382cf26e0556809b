"""The projectenlijst the plugin exports, sent round and imported again, changes nothing (a trial: every project's
narrative was replaced by the list of its linked developments - the export's 'Sectoren en ontwikkelingen' - and
every financial note got 'dekking: …; ' in front of it; a cover 'onbekend' was lost)."""

import os
import shutil
import sqlite3

from conftest import SAMPLE_DIR, run_alg
from helpers import run_alg_logged as _run

SKIP = {"fid", "row_version", "modified", "modified_by", "geom"}


def _projects(path):
    con = sqlite3.connect(path)
    try:
        cols = [r[1] for r in con.execute("PRAGMA table_info(projects)") if r[1] not in SKIP]
        return {r[0]: dict(zip(cols, r)) for r in con.execute(
            "SELECT {} FROM projects ORDER BY project_id".format(", ".join(cols)))}
    finally:
        con.close()


def test_export_and_import_again_changes_nothing(tmp_path, pmiek_provider):
    path = str(tmp_path / "werkbank.gpkg")
    shutil.copyfile(os.path.join(SAMPLE_DIR, "voorbeeld_werkbank.gpkg"), path)
    before = _projects(path)
    assert any(p["financial_cover"] == "onbekend" for p in before.values())
    lst = str(tmp_path / "projectenlijst.xlsx")
    run_alg("pmiek:exportlists", {"WERKBANK": path, "PROJECTENLIJST": lst})
    res, warnings = _run("pmiek:importprojects", {"WERKBANK": path, "INPUT": lst})
    assert (res["INSERTED"], res["UPDATED"], res["REJECTED"]) == (0, 0, 0)
    assert not [w for w in warnings if "Bron" in w]  # its own metadata sheet is no data left unread
    assert _projects(path) == before


def test_a_sectors_column_fills_only_an_empty_narrative(werkbank_path, tmp_path, pmiek_provider):
    """A Handreiking list without a narrative column: its 'Sectoren en ontwikkelingen' goes into the narrative of a
    new project (and of one it filled before), never over a project's own story."""
    from pmiek_werkbank.werkbank import open_werkbank

    src = tmp_path / "lijst.csv"
    src.write_text("Projectnr;Naam project;Sectoren en ontwikkelingen;Financiële informatie\n"
                   "ZP-1;Kabel Oost;Wonen, glastuinbouw;dekking: onbekend\n"
                   "ZP-2;Station West;Industrie;\"investering € 12 mln; dekking: gedekt; uit IP 2026\"\n", encoding="utf-8")
    run_alg("pmiek:importprojects", {"WERKBANK": werkbank_path, "INPUT": str(src)})
    with open_werkbank(werkbank_path) as wb:
        got = {r["code"]: r for r in wb.query("SELECT code, project_id, narrative, financial_note, financial_cover, "
                                               "investment_eur FROM projects")}
        assert got["ZP-1"]["narrative"] == "Sectoren en ontwikkelingen: Wonen, glastuinbouw"
        assert (got["ZP-1"]["financial_cover"], got["ZP-1"]["financial_note"]) == ("onbekend", None)
        assert (got["ZP-2"]["financial_cover"], got["ZP-2"]["investment_eur"], got["ZP-2"]["financial_note"]) == (
            "gedekt", 12e6, "uit IP 2026")
        wb.execute("UPDATE projects SET narrative = 'Het verhaal van station West.' WHERE code = 'ZP-2'")
    src.write_text("Projectnr;Naam project;Sectoren en ontwikkelingen\n"
                   "ZP-1;Kabel Oost;Wonen, glastuinbouw, datacenter\n"
                   "ZP-2;Station West;Industrie, waterstof\n", encoding="utf-8")
    run_alg("pmiek:importprojects", {"WERKBANK": werkbank_path, "INPUT": str(src), "SOURCE_WINS": True})
    with open_werkbank(werkbank_path) as wb:
        got = {r["code"]: r["narrative"] for r in wb.query("SELECT code, narrative FROM projects")}
    assert got == {"ZP-1": "Sectoren en ontwikkelingen: Wonen, glastuinbouw, datacenter",
                   "ZP-2": "Het verhaal van station West."}
