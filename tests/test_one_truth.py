"""One truth from werkbank to paper (issue 13): every output shows the same rank, balance and decisions.

Each test builds one of the contradictions seen in practice and shows it can no longer occur:
- the same werkbank's rank in the programme facts, the scoring dock, ``scoreprojects``, the gathered export
  data, the projectenlijst (XLSX) and the fiche PDFs;
- a link edit moves the linked MW from one station's demand to another's, in the model (the balance dock) and
  in ``capacitybalance``, and the fiche says "bedient" the same MW;
- the fiche text, read back from the PDF, shows a dispute ("oneens, telt niet mee"), the incomplete total, the
  decision with its reason and the user's own project number, each value once.
The confidential-marker scan over every algorithm is in ``test_confidential_scan.py``.  Fictief voorbeeld.
"""

import os

import pytest
from conftest import run_alg
from helpers import pdf_text
from test_export_data import build_export_werkbank

# ranks by hand (default criteria, weights 1): P1 A hoog 3 + C veel 3 = 6; P3 A gemiddeld = 2; P4 A laag = 1;
# P2 A disputed (hoog vs laag, nothing agreed) = 0, incomplete.  P5 is confidential (A hoog = 3) and P6
# afgevallen (A hoog = 3): neither is ranked, so the ranks are 1..4 without gaps in every output.
EXPECTED_RANK = {"P1": 1, "P3": 2, "P4": 3, "P2": 4}


def _flat(text):
    return " ".join(text.split())


def add_rank_scores(path):
    from pmiek_werkbank.scoring import scores as S
    from pmiek_werkbank.werkbank import open_werkbank

    with open_werkbank(path) as wb:
        S.record_score(wb, "P2", "A", "hoog", "Veel vraag langs het tracé.", "J. Jansen", date="2026-01-10")
        S.record_score(wb, "P2", "A", "laag", "Vraag is onzeker.", "Stedin", role="netbeheerder", date="2026-01-11")
        S.record_score(wb, "P3", "A", "gemiddeld", "Woonwijk van 2400 woningen.", "J. Jansen", date="2026-01-10")
        S.record_score(wb, "P4", "A", "laag", "Weinig vraag.", "J. Jansen", date="2026-01-10")
        S.record_score(wb, "P5", "A", "hoog", "Groot datacenter.", "J. Jansen", date="2026-01-10")
        S.record_score(wb, "P6", "A", "hoog", "Was veel vraag.", "J. Jansen", date="2026-01-10")
        wb.write_frame("projects", [{"project_id": "P1", "status_reason": "Hoogste score, wachtrij 40 MW",
                                    "planning": "vergunning 2027; IBN 2029"}])
    return path


@pytest.fixture(scope="module")
def ranked_wb(tmp_path_factory):
    from pmiek_werkbank.werkbank import create_werkbank

    path = str(tmp_path_factory.mktemp("truth") / "w.gpkg")
    create_werkbank(path, "Testprogramma", "Utrecht", province_code="PV26").close()
    build_export_werkbank(path)
    return add_rank_scores(path)


def test_rank_is_the_same_in_every_output(ranked_wb, tmp_path, pmiek_provider, qgis_iface):
    from openpyxl import load_workbook
    from qgis.core import QgsProject, QgsVectorLayer

    from pmiek_werkbank.dialogs.scoring_dock import ScoringDock
    from pmiek_werkbank.export.context import gather
    from pmiek_werkbank.layers.project import Session
    from pmiek_werkbank.programme.facts import programme_facts
    from pmiek_werkbank.werkbank import open_werkbank

    with open_werkbank(ranked_wb, readonly=True) as wb:
        facts = programme_facts(wb)
        data = gather(wb, with_extents=False)
    assert facts.warnings == []
    assert {p: facts.project(p)["rank"] for p in ("P1", "P2", "P3", "P4", "P6")} == dict(EXPECTED_RANK, P6=None)
    assert facts.project("P5")["rank"] is None  # confidential: not even in the facts of a public output
    assert facts.project("P6")["rank_note"] == "afgevallen: geen rang"
    # export data (fiches, atlas, lists)
    assert {p["project_id"]: p["rank"] for p in data.projects} == EXPECTED_RANK
    assert [p["project_id"] for p in data.projects] == ["P1", "P3", "P4", "P2"]
    # scoreprojects
    out = str(tmp_path / "rang.gpkg")
    res = run_alg("pmiek:scoreprojects", {"WERKBANK": ranked_wb, "RANDOM_RUNS": 0, "OUTPUT": out})
    layer = QgsVectorLayer(res["OUTPUT"], "r", "ogr")
    got = {f["project_id"]: (f["rank"] if isinstance(f["rank"], int) else None) for f in layer.getFeatures()}
    assert got == dict(EXPECTED_RANK, P6=None)  # P5 (confidential) is not in it at all
    # projectenlijst (exportlists): the 'Rang' column by the user's number
    lst = str(tmp_path / "projectenlijst.xlsx")
    run_alg("pmiek:exportlists", {"WERKBANK": ranked_wb, "PROJECTENLIJST": lst})
    ws = load_workbook(lst).active
    head = [c.value for c in ws[1]]
    rows = {r[head.index("Nr")]: r[head.index("Rang")] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows == {1: 1, 2: 4, 3: 2, 4: 3, 6: None}  # whole numbers are number cells (they sort as numbers)
    # the scoring dock
    session = Session(QgsProject.instance())
    session.set_werkbank(ranked_wb)
    dock = ScoringDock(qgis_iface, session, qgis_iface.mainWindow())
    try:
        dock.runs.setValue(0)
        rk = dock.ranking.set_index("project_id")
        assert {p: int(rk.loc[p, "rank"]) for p in EXPECTED_RANK} == EXPECTED_RANK
        assert not bool(rk.loc["P5", "ranked"]) and not bool(rk.loc["P6", "ranked"])
    finally:
        dock.cleanup()
        session.set_werkbank("")
        dock.deleteLater()


def test_rank_failure_is_a_warning_not_other_numbers(ranked_wb, monkeypatch):
    from pmiek_werkbank.export.context import gather
    from pmiek_werkbank.scoring import ranking as R
    from pmiek_werkbank.werkbank import open_werkbank

    def broken(*a, **k):
        raise RuntimeError("kapot")

    monkeypatch.setattr(R, "score_projects", broken)
    with open_werkbank(ranked_wb, readonly=True) as wb:
        data = gather(wb, with_extents=False)
    assert not data.ranking_available
    assert any("Rangorde niet berekend (kapot)" in w for w in data.warnings)
    assert all(p["rank"] is None and p["score"] is None for p in data.projects)


# ---- links carry demand --------------------------------------------------------------------------------

def link_werkbank(path):
    """S1 (limit 100) and S2 (limit 500); D1 (300 MW, 2025) lies next to S1; project P1 serves from S2, IBN 2030."""
    from shapely.geometry import Point, box

    from pmiek_werkbank.werkbank import create_werkbank, open_werkbank

    create_werkbank(path, "Koppeltest", "Utrecht", province_code="PV26").close()
    with open_werkbank(path) as wb:
        wb.write_frame("knooppunten", [{"knooppunt_id": "K1", "name": "Knooppunt West", "karakter": "lokaal",
                                        "geom": box(132500, 457000, 133600, 458100)}])  # holds S1 and D1
        wb.write_frame("stations", [
            {"station_id": "S1", "name": "Station West", "geom": Point(133000, 457500)},
            {"station_id": "S2", "name": "Station Oost", "geom": Point(137500, 459000)},
        ])
        wb.write_frame("station_capacity", [
            {"station_id": "S1", "year": 2025, "afname_mw": 100, "teruglevering_mw": 50},
            {"station_id": "S2", "year": 2025, "afname_mw": 500, "teruglevering_mw": 50},
        ], mode="insert")
        wb.write_frame("developments", [
            {"dev_id": "D1", "name": "Fabriek West", "sector": "industrie", "year_ready": 2025, "demand_mw": 300,
             "geom": Point(133100, 457600)},
        ])
        wb.write_frame("projects", [
            {"project_id": "P1", "code": "NH-07", "name": "Kabel naar Oost", "station_id": "S2", "ibn_year": 2030,
             "status": "kandidaat", "confidential": 0, "in_ip": 0, "geom": Point(135000, 458000)},
        ])
    return path


def _capacitybalance(path, tmp_path, name, level=0):
    from qgis.core import QgsVectorLayer

    res = run_alg("pmiek:capacitybalance", {"WERKBANK": path, "LEVEL": level, "YEARS": "2025,2030,2035",
                                            "OUTPUT": str(tmp_path / name)})
    layer = QgsVectorLayer(res["OUTPUT"], "b", "ogr")
    if level:
        return {(f["unit_id"], int(f["year"])): (float(f["capacity_mw"]), float(f["balance_mw"]), f["status"])
                for f in layer.getFeatures()}
    return {(f["unit_id"], int(f["year"])): (float(f["demand_mw"]), f["status"]) for f in layer.getFeatures()}


def _model_knooppunt(model):
    t = model.knooppunt_table()
    return {(u, int(y)): (float(c), float(b), s)
            for u, y, c, b, s in zip(t["unit_id"], t["year"], t["capacity_mw"], t["balance_mw"], t["status"])}


# knooppunt K1 (holds S1 and D1): unlinked served by S1 only: 100 - 300 = -200 every year; linked, S2 serves it too
# from 2030 (capacity 100 + 500 = 600, balance 300, ruim), not before
K_UNLINKED = {("K1", y): (100.0, -200.0, "tekort") for y in (2025, 2030, 2035)}
K_LINKED = {("K1", 2025): (100.0, -200.0, "tekort"), ("K1", 2030): (600.0, 300.0, "ruim"),
            ("K1", 2035): (600.0, 300.0, "ruim")}


def _model_demand(model):
    t = model.station_table()
    return {(u, int(y)): (float(d), s) for u, y, d, s in zip(t["unit_id"], t["year"], t["demand_mw"], t["status"])}


def test_link_edit_moves_demand_in_dock_and_capacitybalance(tmp_path, pmiek_provider, qgis_iface):
    from qgis.core import QgsProject

    from pmiek_werkbank.dialogs.balance_dock import BalanceDock
    from pmiek_werkbank.export.context import gather
    from pmiek_werkbank.layers.project import Session
    from pmiek_werkbank.werkbank import open_werkbank

    path = link_werkbank(str(tmp_path / "k.gpkg"))
    unlinked = {("S1", 2025): (300.0, "tekort"), ("S1", 2030): (300.0, "tekort"), ("S1", 2035): (300.0, "tekort"),
                ("S2", 2025): (0.0, "ruim"), ("S2", 2030): (0.0, "ruim"), ("S2", 2035): (0.0, "ruim")}
    # linked: before the IBN year (2030) D1 stays at S1; from 2030 its 300 MW count at S2 (500 - 300 = 200: ruim)
    linked = {("S1", 2025): (300.0, "tekort"), ("S1", 2030): (0.0, "ruim"), ("S1", 2035): (0.0, "ruim"),
              ("S2", 2025): (0.0, "ruim"), ("S2", 2030): (300.0, "ruim"), ("S2", 2035): (300.0, "ruim")}
    assert _capacitybalance(path, tmp_path, "voor.gpkg") == unlinked
    assert _capacitybalance(path, tmp_path, "k_voor.gpkg", level=1) == K_UNLINKED
    session = Session(QgsProject.instance())
    session.set_werkbank(path)
    dock = BalanceDock(qgis_iface, session)
    try:
        dock.years.setText("2025,2030,2035")
        dock.rebuild()
        assert _model_demand(dock.model) == unlinked and _model_knooppunt(dock.model) == K_UNLINKED
        with open_werkbank(path) as wb:  # the user links D1 to P1 (projects dock / form); the dock is told
            wb.write_frame("project_links", [{"link_id": "L1", "project_id": "P1", "dev_id": "D1"}])
        dock._on_data("project_links")
        assert _model_demand(dock.model) == linked and _model_knooppunt(dock.model) == K_LINKED
        dock._refresh_views()
        from qgis.PyQt.QtCore import Qt

        col = dock.table
        s1 = [i for i in range(col.rowCount()) if col.item(i, 0).data(Qt.ItemDataRole.UserRole) == "S1"][0]
        assert "Samengevat (slechtste van afname en teruglevering): Tekort" in col.item(s1, 1).toolTip()
        assert _capacitybalance(path, tmp_path, "na.gpkg") == linked
        assert _capacitybalance(path, tmp_path, "k_na.gpkg", level=1) == K_LINKED
        # and D1 is no longer 'unserved' at S1 (nor in K1) once it counts at S2
        for level, unit in (("station", "S1"), ("knooppunt", "K1")):
            t = dock.model.table(level)
            t = t[t["unit_id"] == unit]
            assert dict(zip(t["year"].astype(int), t["unserved_count"])) == {2025: 1, 2030: 0, 2035: 0}, level
        # the fiche says it serves the same MW, from the same year, at the station the balance uses
        with open_werkbank(path, readonly=True) as wb:
            f = gather(wb, with_extents=False).projects[0]
        assert f["number"] == "NH-07" and f["demand_total"] == "300 MW" and f["serves_from_year"] == 2030
        assert {r["year"]: r["demand_mw"] for r in f["balance"]} == {2025: 0.0, 2030: 300.0, 2035: 300.0}
        # unlinking moves it back, in the dock (incremental) and in capacitybalance
        with open_werkbank(path) as wb:
            with wb.transaction() as tx:
                tx.execute("DELETE FROM project_links")
        dock._on_data("project_links")
        assert _model_demand(dock.model) == unlinked and _model_knooppunt(dock.model) == K_UNLINKED
        assert _capacitybalance(path, tmp_path, "weer.gpkg") == unlinked
    finally:
        dock.cleanup()
        session.set_werkbank("")
        dock.deleteLater()


# ---- printing facts -------------------------------------------------------------------------------------

def test_fiche_text_shows_dispute_decision_and_number(ranked_wb, tmp_path, pmiek_provider):
    out = tmp_path / "fiches"
    res = run_alg("pmiek:exportfiches", {"WERKBANK": ranked_wb, "OUTPUT_FOLDER": str(out),
                                         "ATLAS": str(tmp_path / "atlas.pdf")})
    pdfs = sorted(os.listdir(out))
    p2 = [f for f in pdfs if f.startswith("fiche_2_") and f.endswith(".pdf")]
    p1 = [f for f in pdfs if f.startswith("fiche_1_") and f.endswith(".pdf")]
    assert p2 and p1, pdfs  # the user's number is in the file name
    t2 = _flat(pdf_text(str(out / p2[0])))
    assert "oneens, telt niet mee" in t2
    assert "Totaal onvolledig: Maatschappelijk doelbereik (oneens, telt niet mee)" in t2
    assert "rang 4" in t2
    t1 = _flat(pdf_text(str(out / p1[0])))
    assert "Besluit: Opgenomen in pMIEK – Hoogste score, wachtrij 40 MW" in t1
    assert t1.count("IBN 2029") == 1, t1  # the planning text already says it: printed once
    assert "€ 48 mln" in t1 and "1. Uitbreiding HS/MS-station Lage Weide" in t1
    atlas = _flat(pdf_text(res["ATLAS"]))
    assert "Open punten voor het energyboard" in atlas and "Maatschappelijk doelbereik" in atlas
    assert "Rangorde: gerangschikt worden alle projecten die niet afgevallen en niet vertrouwelijk zijn" in atlas


def test_dutch_formatter():
    from pmiek_werkbank.formatting import fmt_eur, fmt_mw, fmt_num, fmt_value

    assert fmt_eur(80_000_000) == "€ 80 mln" and fmt_eur(18_500_000) == "€ 18,5 mln"
    assert fmt_eur(1_500_000_000) == "€ 1,5 mld" and fmt_eur(250_000) == "€ 250\u2009000"
    assert fmt_num(1234.5) == "1\u2009234,5" and fmt_num(None) == "" and fmt_num(float("nan")) == ""
    assert fmt_mw(35.5) == "35,5 MW" and fmt_mw(300.0) == "300 MW"
    assert fmt_value("investering (EUR)", 80000000) == "€ 80 mln" and fmt_value("vraag (MW)", 40.0) == "40 MW"
    assert fmt_value("fase", "verkenning") == "verkenning"


def test_the_formatter_rounds_half_up_as_people_do():
    """1,25 MW in a list and '1,2 MW' on the fiche looked like two numbers: float formatting rounds the exact binary
    1.25 to even, while 208.75 went up.  The one formatter rounds half away from zero on the shortest decimal form."""
    from pmiek_werkbank.formatting import fmt_mw, fmt_num

    assert fmt_mw(1.25) == "1,3 MW" and fmt_num(208.75) == "208,8" and fmt_num(0.125, 2) == "0,13"
    assert fmt_num(2.675, 2) == "2,68" and fmt_num(-1.25) == "-1,3" and fmt_num(-0.04) == "0"
    assert fmt_num(1234.55) == "1\u2009234,6" and fmt_num(2.5, 0) == "3" and fmt_num(0.5, 0) == "1"
    assert fmt_num(1.24999) == "1,2" and fmt_num(1e30, 0).startswith("1\u2009000") and fmt_num(float("inf")) == "inf"


def test_amount_printed_once(tmp_path):
    from pmiek_werkbank.export.context import gather
    from pmiek_werkbank.werkbank import open_werkbank

    path = link_werkbank(str(tmp_path / "f.gpkg"))
    with open_werkbank(path) as wb:
        wb.write_frame("projects", [{"project_id": "P1", "investment_eur": 24_000_000,
                                    "financial_note": "Kosten ca. € 24 mln, gedekt in IP Stedin"}])
        f = gather(wb, with_extents=False).projects[0]
    assert f["financial"] == "Kosten ca. € 24 mln, gedekt in IP Stedin"


def test_planning_and_number_printed_once():
    from pmiek_werkbank.export.context import dedupe, planning_text, project_number

    assert planning_text(2029, "IBN 2029") == "IBN 2029"
    assert planning_text(2029, "vergunning 2027") == "IBN 2029; vergunning 2027"
    assert planning_text(None, "Planuitwerking 2026; IBN 2031") == "Planuitwerking 2026; IBN 2031"
    assert dedupe("IBN 2029; IBN 2029") == "IBN 2029"
    assert project_number({"code": None, "project_id": "NH-07"}) == "NH-07"
    assert project_number({"code": "", "project_id": "4f0e8d1c-2b3a-4c5d-9e8f-0a1b2c3d4e5f"}) == ""
    assert project_number({"code": "P-3", "project_id": "x"}) == "P-3"


def test_station_voltage_printed_once():
    from pmiek_werkbank.export.context import station_label

    assert station_label("Lage Weide", 150) == "Lage Weide (150 kV)"
    assert station_label("150kV Wageningselaan", 150) == "150kV Wageningselaan"
    assert station_label("Station 1150 kV-veld", 150) == "Station 1150 kV-veld (150 kV)"
    assert station_label("Overvecht", None) == "Overvecht"


def test_rounds_chapter_prints_amounts_in_dutch():
    import pandas as pd

    from pmiek_werkbank.programme.rounds import REPORT_COLUMNS, RoundComparison, atlas_section

    rows = pd.DataFrame([
        ("project", "gewijzigd", "P1", "NH-07", "Kabel", "investering (EUR)", 60000000, 80000000, None),
        ("ontwikkeling", "gewijzigd", "D1", "industrie", "Fabriek", "vraag (MW)", 250.0, 300.0, None),
        ("project", "gewijzigd", "P2", "NH-08", "Geheim", "investering (EUR)", 1, 2, None),
    ], columns=REPORT_COLUMNS)
    sec = atlas_section(RoundComparison(rows, "1.0", "2.0", confidential={"P2"}))
    assert [(r["oud"], r["nieuw"]) for r in sec["rows"]] == [("€ 60 mln", "€ 80 mln"), ("250 MW", "300 MW")]


# ---- station rows of the programme facts: one bulk grouping, same rows as one frame filter per station -------

def _station_rows_per_station_filter(facts, station_id):
    """The behaviour before the bulk grouping: filter the whole balance frame for one station."""
    from pmiek_werkbank.programme.facts import _none, worse

    t = facts.balance.stations
    t = t[t["unit_id"] == station_id].sort_values("year")
    return [{"year": int(r["year"]),
             "afname_mw": _none(r["capacity_mw"]), "teruglevering_mw": _none(r["supply_capacity_mw"]),
             "demand_mw": _none(r["demand_mw"]), "supply_mw": _none(r["supply_mw"]),
             "balance_afname_mw": _none(r["balance_mw"]), "balance_teruglevering_mw": _none(r["supply_balance_mw"]),
             "status": r["status"], "supply_status": r["supply_status"],
             "summary_status": worse(r["status"], r["supply_status"]), "note": _none(r.get("capacity_note"))}
            for r in t.to_dict("records")]


def test_station_rows_bulk_equals_per_station_filter(tmp_path):
    from shapely.geometry import Point

    from pmiek_werkbank.programme.facts import programme_facts
    from pmiek_werkbank.werkbank import open_werkbank

    path = link_werkbank(str(tmp_path / "r.gpkg"))
    with open_werkbank(path) as wb:
        wb.write_frame("project_links", [{"link_id": "L1", "project_id": "P1", "dev_id": "D1"}])
        # a solar park next to S2 (teruglevering 80 MW > 50 MW): afname ruim, teruglevering tekort, summary tekort
        wb.write_frame("developments", [{"dev_id": "D2", "name": "Zonnepark Oost", "sector": "zon",
                                         "year_ready": 2025, "demand_mw": 0, "supply_mw": 80,
                                         "geom": Point(137400, 459100)}], mode="insert")
    with open_werkbank(path, readonly=True) as wb:
        facts = programme_facts(wb, years=[2025, 2030, 2035], random_runs=5)
    rows = {s: facts.station_rows(s) for s in ("S1", "S2")}
    # by hand: S1 100 MW afname, D1 300 MW there until P1's IBN 2030, then at S2 (500 MW); S2 50 MW teruglevering
    # against D2's 80 MW: -30 tekort every year
    got = {s: [(r["year"], r["demand_mw"], r["balance_afname_mw"], r["status"], r["supply_mw"],
                r["balance_teruglevering_mw"], r["supply_status"], r["summary_status"]) for r in rs]
           for s, rs in rows.items()}
    assert got == {
        "S1": [(2025, 300.0, -200.0, "tekort", 0.0, 50.0, "ruim", "tekort"),
               (2030, 0.0, 100.0, "ruim", 0.0, 50.0, "ruim", "ruim"),
               (2035, 0.0, 100.0, "ruim", 0.0, 50.0, "ruim", "ruim")],
        "S2": [(2025, 0.0, 500.0, "ruim", 80.0, -30.0, "tekort", "tekort"),
               (2030, 300.0, 200.0, "ruim", 80.0, -30.0, "tekort", "tekort"),
               (2035, 300.0, 200.0, "ruim", 80.0, -30.0, "tekort", "tekort")]}
    assert rows["S1"][0]["note"] is None and rows["S1"][1]["note"] == "capaciteit uit 2025 (2030 ontbreekt)"
    # identical to the per-station frame filter, for every station, an unknown one and none
    for sid in ("S1", "S2", "S9"):
        assert facts.station_rows(sid) == _station_rows_per_station_filter(facts, sid)
    assert facts.station_rows("S9") == [] and facts.station_rows(None) == []
    # callers get fresh dicts: changing one does not change the next answer
    facts.station_rows("S1")[0]["status"] = "x"
    assert facts.station_rows("S1")[0]["status"] == "tekort"


# ---- one palette of balance statuses ---------------------------------------------------------------------

def test_one_status_palette_and_readable_krap_badge():
    import re

    from pmiek_werkbank.export.html import environment
    from pmiek_werkbank.knooppunten.balance import MAP_STATUS_COLOURS, STATUS_COLOURS, status_palette

    # the paper templates take the badges from the one palette; krap has dark text (white on #d98c00: 2.7:1)
    css = environment().from_string('{% include "_base.css.j2" %}').render(font_pt=8.6)
    for name, c in status_palette().items():
        assert ".st-{} {{ background: {}; color: {}; }}".format(name, c["bg"], c["fg"]) in css
    assert ".st-krap { background: #d98c00; color: #1d1d1b; }" in css

    def lum(h):
        c = [int(h[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        c = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    for name, c in status_palette().items():  # WCAG AA for normal text
        hi, lo = sorted((lum(c["bg"]), lum(c["fg"])), reverse=True)
        assert (hi + 0.05) / (lo + 0.05) >= 4.5, name
    # no second copy of a status palette anywhere in the plugin's code, styles or templates: no line that names a
    # balance status and a colour code (the old copies were dicts and CSS rules like that)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    assert set(STATUS_COLOURS) == {"ruim", "krap", "tekort"} and MAP_STATUS_COLOURS[""]
    pattern = re.compile(r"(ruim|krap|tekort|onbekend)\W[^\n]*#[0-9a-fA-F]{6}\b", re.IGNORECASE)
    found = []
    for d, subdirs, files in os.walk(root):
        subdirs[:] = [s for s in subdirs if s not in (".venv", "build", "tests", "node_modules", ".git", "resources",
                                                       "docs", "bench", "demo_output")]  # demo_output: what `make demo` wrote
        for f in files:
            if f.endswith((".py", ".js", ".css", ".j2")) and not (f == "balance.py" and d.endswith("knooppunten")):
                with open(os.path.join(d, f), encoding="utf-8") as fh:
                    found += [(os.path.relpath(os.path.join(d, f), root), m.group(0)) for m in pattern.finditer(fh.read())]
    assert found == []


def test_points_and_evidence_through_the_one_formatter():
    from pmiek_werkbank.dialogs.scoring_dock import _num
    from pmiek_werkbank.formatting import THIN, fmt_num
    from pmiek_werkbank.scoring.evidence import _fmt

    assert fmt_num(1.5, 2, trim=True) == "1,5" and fmt_num(1.5, 2) == "1,50"
    assert fmt_num(2.25, 2, trim=True) == "2,25" and fmt_num(3.0, 2, trim=True) == "3"
    assert fmt_num(None, empty="onbekend") == "onbekend"
    # scoring dock points/totals (was its own formatter): same text as before for points, Dutch thousands now
    assert [_num(v) for v in (0, 1.5, 2.25, 3.0, None, float("nan"))] == ["0", "1,5", "2,25", "3", "", ""]
    assert _num(1234.5) == "1" + THIN + "234,5"
    # evidence facts (was '12.345,7' with its own separators)
    assert _fmt(12345.67) == "12" + THIN + "345,7" and _fmt(None) == "onbekend" and _fmt(800, 0) == "800"


# ---- the list of developments not served in their own ready year follows the links -------------------------

def _unserved(path):
    from pmiek_werkbank.knooppunten.balance import BalanceModel
    from pmiek_werkbank.werkbank import open_werkbank

    with open_werkbank(path, readonly=True) as wb:
        model = BalanceModel.from_werkbank(wb, years=[2025, 2030, 2035])
    u = model.unserved()
    u = u[u["direction"] == "afname"]
    return {d: (s, int(y), float(m), float(c), float(cap), float(sh), None if f != f else int(f))
            for d, s, y, m, c, cap, sh, f in zip(u["dev_id"], u["station_id"], u["year_ready"], u["mw"], u["cum_mw"],
                                                 u["capacity_mw"], u["shortfall_mw"], u["served_from_year"])}


def test_unserved_in_ready_year_follows_links(tmp_path):
    from shapely.geometry import Point

    from pmiek_werkbank.werkbank import open_werkbank

    path = link_werkbank(str(tmp_path / "u.gpkg"))
    with open_werkbank(path) as wb:  # D3: 80 MW next to S1, ready 2026 (behind D1 in S1's queue)
        wb.write_frame("developments", [{"dev_id": "D3", "name": "Werkplaats West", "sector": "bedrijventerrein",
                                         "year_ready": 2026, "demand_mw": 80, "geom": Point(133050, 457550)}],
                       mode="insert")
    # unlinked, by hand: S1 has 100 MW.  D1 (2025): queue 300 > 100, short 200.  D3 (2026): queue 300 + 80 = 380
    # > 100, short min(80, 280) = 80.  Neither is ever served (no capacity rise).
    assert _unserved(path) == {"D1": ("S1", 2025, 300.0, 300.0, 100.0, 200.0, None),
                               "D3": ("S1", 2026, 80.0, 380.0, 100.0, 80.0, None)}
    with open_werkbank(path) as wb:  # D1 linked to P1 (station S2, IBN 2030)
        wb.write_frame("project_links", [{"link_id": "L1", "project_id": "P1", "dev_id": "D1"}])
    # IBN 2030: in 2025 and 2026 D1 still counts at S1, so both stay unserved in their ready year; D1 counts
    # wholly at S2 (500 MW) from 2030: served from 2030.  D3: 380 > 100 in 2026, and from 2030 only 80 <= 100
    # is left at S1, but the list gives the year a development is served at its own station's capacity rises
    # (none) or when it moves itself: None.
    assert _unserved(path) == {"D1": ("S1", 2025, 300.0, 300.0, 100.0, 200.0, 2030),
                               "D3": ("S1", 2026, 80.0, 380.0, 100.0, 80.0, None)}
    with open_werkbank(path) as wb:  # IBN 2025: D1 counts at S2 from its own ready year
        wb.write_frame("projects", [{"project_id": "P1", "ibn_year": 2025}])
    # D1: 300 MW at S2 (500 MW) in 2025: served, not on the list; D3 in 2026 at S1: 380 - 300 moved = 80 <= 100
    assert _unserved(path) == {}
    with open_werkbank(path) as wb:  # only half of D1 moves (150 MW share)
        wb.write_frame("project_links", [{"link_id": "L1", "share_mw": 150}])
    # D1 at S1 in 2025: 300 - 150 = 150 left, queue 150 > 100, short min(150, 50) = 50; D3: 380 - 150 = 230 > 100,
    # short min(80, 130) = 80
    assert _unserved(path) == {"D1": ("S1", 2025, 150.0, 150.0, 100.0, 50.0, None),
                               "D3": ("S1", 2026, 80.0, 230.0, 100.0, 80.0, None)}
