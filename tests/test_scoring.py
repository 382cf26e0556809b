"""Afwegingskader (issue 6): criteria, ratings, ranking, sensitivity, decisions – pure logic.

All expected totals and ranks below are computed by hand from the default
afwegingskader (A–G: 3/2/1 points, weight 1; H informatief).
"""

import json

import pytest

from pmiek_werkbank.scoring import criteria as K
from pmiek_werkbank.scoring import decisions as D
from pmiek_werkbank.scoring import evidence as EV
from pmiek_werkbank.scoring import ranking as R
from pmiek_werkbank.scoring import scores as S
from pmiek_werkbank.scoring.errors import ScoringError


def add_projects(wb, specs):
    rows = []
    for pid, code, name in specs:
        rows.append({"project_id": pid, "code": code, "name": name, "status": "kandidaat"})
    wb.write_frame("projects", rows, mode="insert")


def rate(wb, pid, ratings, assessor="Anna", date="2026-02-01"):
    for cid, value in ratings.items():
        S.record_score(wb, pid, cid, value, "motivatie {} {}".format(pid, cid), assessor, date=date)


# Hand example: points per criterion A..G
#   P1: A hoog 3, B goed 3, C weinig 1, D gemiddeld 2, E positief 3, F weinig 3, G veel 1        = 16
#   P2: A gem. 2, B voldoende 2, C veel 3, D hoog 3, E gemiddeld 2, F gemiddeld 2, G weinig 3    = 17
#   P3: A laag 1, B goed 3, C gemiddeld 2, D laag 1, E negatief 1, F veel 1, G gemiddeld 2      = 11
P1 = {"A": "hoog", "B": "goed", "C": "weinig", "D": "gemiddeld", "E": "positief", "F": "weinig", "G": "veel"}
P2 = {"A": "gemiddeld", "B": "voldoende", "C": "veel", "D": "hoog", "E": "gemiddeld", "F": "gemiddeld", "G": "weinig"}
P3 = {"A": "laag", "B": "goed", "C": "gemiddeld", "D": "laag", "E": "negatief", "F": "veel", "G": "gemiddeld"}


@pytest.fixture
def scored(werkbank):
    add_projects(werkbank, [("p1", "P-1", "Station Noord"), ("p2", "P-2", "Kabel Oost"), ("p3", "P-3", "Hub Zuid")])
    rate(werkbank, "p1", P1)
    rate(werkbank, "p2", P2)
    rate(werkbank, "p3", P3)
    return werkbank


def test_new_werkbank_has_default_criteria(werkbank):
    crit = K.criteria_frame(werkbank)
    assert list(crit["criterion_id"]) == list("ABCDEFGH")
    assert list(crit["counted"]) == [True] * 7 + [False]
    assert crit.loc[0, "scale_list"] == ["hoog", "gemiddeld", "laag"]
    assert crit.loc[0, "points_list"] == [3.0, 2.0, 1.0]


def test_hand_computed_ranking(scored):
    r = R.score_projects(scored, random_runs=0)
    assert list(r["project_id"]) == ["p2", "p1", "p3"]
    assert list(r["total"]) == [17.0, 16.0, 11.0]
    assert list(r["rank"]) == [1, 2, 3]
    p1 = r.set_index("project_id").loc["p1"]
    assert [p1[c] for c in "ABCDEFG"] == [3, 3, 1, 2, 3, 3, 1]
    # group subtotals of P1: maatschappelijke waarde A+E = 6, systeemtoets B+C+D = 6, realiseerbaarheid F+G = 4
    assert (p1["subtotal_maatschappelijke_waarde"], p1["subtotal_systeemtoets"], p1["subtotal_realiseerbaarheid"]) == (
        6, 6, 4)
    assert bool(p1["complete"]) and not bool(p1["disagreement"])
    assert p1["H"] != p1["H"]  # informatief: no points (NaN), not in the total


def test_informatief_rating_does_not_count(scored):
    S.record_score(scored, "p3", "H", "informatief", "EUR 40 mln volgens IP", "Bert", role="netbeheerder")
    r = R.score_projects(scored, random_runs=0).set_index("project_id")
    assert r.loc["p3", "total"] == 11.0


def test_weight_change_reranks_as_computed_by_hand(scored):
    # weight A = 3: P1 = 16 + 2*3 = 22, P2 = 17 + 2*2 = 21, P3 = 11 + 2*1 = 13
    r = R.score_projects(scored, weights={"A": 3}, random_runs=0)
    assert list(r["project_id"]) == ["p1", "p2", "p3"]
    assert list(r["total"]) == [22.0, 21.0, 13.0]
    K.set_weight(scored, "A", 3)
    r2 = R.score_projects(scored, random_runs=0)
    assert list(r2["project_id"]) == ["p1", "p2", "p3"] and list(r2["total"]) == [22.0, 21.0, 13.0]
    with pytest.raises(ScoringError, match="negatief"):
        K.set_weight(scored, "A", -1)


def test_rating_without_rationale_refused(scored):
    before = scored.count("scores")
    with pytest.raises(ScoringError) as e:
        S.record_score(scored, "p1", "A", "laag", "   ", "Anna")
    msg = str(e.value)
    assert "motivatie" in msg and "verplicht" in msg and "p1" in msg and "criterium A" in msg
    assert scored.count("scores") == before
    assert scored.query("SELECT rating FROM scores WHERE project_id='p1' AND criterion_id='A'")[0]["rating"] == "hoog"


def test_rating_not_on_scale_refused(scored):
    with pytest.raises(ScoringError) as e:
        S.record_score(scored, "p1", "B", "hoog", "past goed", "Anna")
    msg = str(e.value)
    assert "'hoog' staat niet op de schaal van criterium B" in msg and "goed / voldoende / slecht" in msg
    with pytest.raises(ScoringError, match="beoordelaar"):
        S.record_score(scored, "p1", "B", "goed", "past goed", "")
    with pytest.raises(ScoringError, match="onbekend project"):
        S.record_score(scored, "px", "B", "goed", "past goed", "Anna")


def test_rating_records_assessor_and_date_and_normalises(scored):
    S.record_score(scored, "p1", "b", "GOED", "sluit aan op visie", "Bert", role="Netbeheerder", date="03-02-2026")
    row = scored.query("SELECT * FROM scores WHERE project_id='p1' AND criterion_id='B' AND assessor='Bert'")[0]
    assert (row["rating"], row["assessor_role"], row["score_date"]) == ("goed", "netbeheerder", "2026-02-03")


def test_disagreement_flagged_and_agreed_value_resolves(scored):
    # Bert rates P3/B 'slecht' where Anna said 'goed': no value counts, P3 = 11 - 3 = 8, incomplete
    S.record_score(scored, "p3", "B", "slecht", "past niet in de visie", "Bert", role="netbeheerder")
    cons = S.consensus(S.scores_frame(scored), K.criteria_list(scored)).set_index(["project_id", "criterion_id"])
    c = cons.loc[("p3", "B")]
    assert c["state"] == "oneens" and c["disagreement"] and c["value"] is None and c["n_assessors"] == 2
    r = R.score_projects(scored, random_runs=0).set_index("project_id")
    assert bool(r.loc["p3", "disagreement"]) and not bool(r.loc["p3", "complete"])
    assert r.loc["p3", "total"] == 8.0 and r.loc["p3", "disputed"] == "B" and r.loc["p3", "missing"] == "B"
    assert not bool(r.loc["p1", "disagreement"])
    # the agreed value (voldoende = 2) counts: P3 = 8 + 2 = 10, complete again, no longer a disagreement
    S.record_score(scored, "p3", "B", "voldoende", "afgesproken in ambtelijk overleg", "Werkgroep", agreed=True)
    cons = S.consensus(S.scores_frame(scored), K.criteria_list(scored)).set_index(["project_id", "criterion_id"])
    assert cons.loc[("p3", "B"), "state"] == "vastgesteld" and cons.loc[("p3", "B"), "differ"]
    r = R.score_projects(scored, random_runs=0).set_index("project_id")
    assert r.loc["p3", "total"] == 10.0 and bool(r.loc["p3", "complete"]) and not bool(r.loc["p3", "disagreement"])
    # two assessors who agree: unanimous
    S.record_score(scored, "p1", "A", "hoog", "veel woningbouw", "Carla", role="gemeente")
    cons = S.consensus(S.scores_frame(scored), K.criteria_list(scored)).set_index(["project_id", "criterion_id"])
    assert cons.loc[("p1", "A"), "state"] == "unaniem" and cons.loc[("p1", "A"), "points"] == 3.0


def test_only_one_agreed_value(scored):
    S.record_score(scored, "p1", "A", "gemiddeld", "eerste vaststelling", "Werkgroep", agreed=True)
    S.record_score(scored, "p1", "A", "laag", "herzien", "Stuurgroep", agreed=True)
    rows = scored.query("SELECT assessor FROM scores WHERE project_id='p1' AND criterion_id='A' AND agreed=1")
    assert [r["assessor"] for r in rows] == ["Stuurgroep"]


def test_tie_breaking_is_deterministic(werkbank):
    # four projects with total 6 (A hoog 3 + B goed 3) or A+B+C = 2+2+2 = 6:
    #   'P-10' and 'P-2': A,B only (2 complete criteria); 'P-3': A,B,C (3 complete) -> first;
    #   'Zonder code' has no code, sorted by its name after the codes
    add_projects(werkbank, [("x10", "P-10", "Tien"), ("x2", "P-2", "Twee"), ("x3", "P-3", "Drie"),
                            ("xn", None, "Zonder code"), ("xa", None, "Alfa")])
    for pid in ("x10", "x2", "xn", "xa"):
        rate(werkbank, pid, {"A": "hoog", "B": "goed"})
    rate(werkbank, "x3", {"A": "gemiddeld", "B": "voldoende", "C": "gemiddeld"})
    for _ in range(2):
        r = R.score_projects(werkbank, random_runs=0)
        assert list(r["total"]) == [6.0] * 5
        # more complete first; then natural code order P-2 < P-10; then names (Alfa < P-.. < Zonder code)
        assert list(r["project_id"]) == ["x3", "xa", "x2", "x10", "xn"]
        assert list(r["rank"]) == [1, 2, 3, 4, 5]


def test_sensitivity_rank_range_by_hand(werkbank):
    # weights A = 1.8, B = 1; only A and B rated:
    #   X: A hoog 3, B slecht 1     -> 5.4 + 1 = 6.4
    #   Y: A gemiddeld 2, B goed 3  -> 3.6 + 3 = 6.6   (rank 1)
    #   Z: A laag 1, B voldoende 2  -> 1.8 + 2 = 3.8   (rank 3)
    # one at a time ±25 %:
    #   A×1.25 (2.25): X 7.75, Y 7.5  -> X first   A×0.75 (1.35): X 5.05, Y 5.7 -> Y first
    #   B×1.25 (1.25): X 6.65, Y 7.35 -> Y first   B×0.75 (0.75): X 6.15, Y 5.85 -> X first
    #   Z is always last.  Ranges: Y 1–2, X 1–2, Z 3–3.
    add_projects(werkbank, [("x", "X", "Project X"), ("y", "Y", "Project Y"), ("z", "Z", "Project Z")])
    rate(werkbank, "x", {"A": "hoog", "B": "slecht"})
    rate(werkbank, "y", {"A": "gemiddeld", "B": "goed"})
    rate(werkbank, "z", {"A": "laag", "B": "voldoende"})
    K.set_weight(werkbank, "A", 1.8)
    r = R.score_projects(werkbank, variation_pct=25, random_runs=0).set_index("project_id")
    assert r.loc["y", "total"] == pytest.approx(6.6) and r.loc["x", "total"] == pytest.approx(6.4)
    assert [(r.loc[p, "rank"], r.loc[p, "rank_min"], r.loc[p, "rank_max"]) for p in "yxz"] == [
        (1, 1, 2), (2, 1, 2), (3, 3, 3)]
    # ±10 %: A×1.1 (1.98): X 6.94, Y 6.96 -> Y first;  B×0.9: X 6.3, Y 6.3 -> tie, both 2 complete
    #   criteria, code X < Y -> X first.  So Y 1–2 again.
    r10 = R.score_projects(werkbank, variation_pct=10, random_runs=0).set_index("project_id")
    assert (r10.loc["y", "rank_min"], r10.loc["y", "rank_max"]) == (1, 2)
    # ±5 %: A×1.05 -> X 6.67 Y 6.78; B×0.95 -> X 6.35 Y 6.45: no change, ranges collapse
    r5 = R.score_projects(werkbank, variation_pct=5, random_runs=0).set_index("project_id")
    assert [(r5.loc[p, "rank_min"], r5.loc[p, "rank_max"]) for p in "yxz"] == [(1, 1), (2, 2), (3, 3)]


def test_random_sensitivity_reproducible(scored):
    a = R.score_projects(scored, random_runs=50, seed=7)
    b = R.score_projects(scored, random_runs=50, seed=7)
    assert a[["rank_min", "rank_max"]].equals(b[["rank_min", "rank_max"]])
    assert (a["rank_min"] <= a["rank"]).all() and (a["rank"] <= a["rank_max"]).all()


# ---- criteria file ----------------------------------------------------------------------
@pytest.mark.parametrize("ext", ["json", "csv"])
def test_criteria_export_import_round_trip(werkbank, tmp_path, ext):
    from pmiek_werkbank.werkbank import create_werkbank

    K.set_weight(werkbank, "C", 2.5)
    werkbank.execute("UPDATE criteria SET name = 'Efficiëntie; net', question = 'Vraag met \"quotes\", komma' "
                     "WHERE criterion_id = 'C'")
    first = str(tmp_path / ("kader." + ext))
    assert K.export_criteria(werkbank, first) == 8
    other = create_werkbank(str(tmp_path / "ander.gpkg"), "Ander", "Gelderland")
    counts = K.import_criteria(other, first)
    assert counts["updated"] == 1 and counts["not_in_file"] == []
    second = str(tmp_path / ("kader2." + ext))
    K.export_criteria(other, second)
    assert open(first, encoding="utf-8").read() == open(second, encoding="utf-8").read()
    cols = ["criterion_id", "name", "question", "grp", "scale", "points", "weight", "assessor_role", "sort_order"]
    a = K.criteria_frame(werkbank)[cols]
    b = K.criteria_frame(other)[cols]
    assert a.equals(b)
    other.close()
    if ext == "json":
        doc = json.load(open(first, encoding="utf-8"))
        assert doc["criteria"][2]["gewicht"] == 2.5 and doc["criteria"][0]["schaal"] == ["hoog", "gemiddeld", "laag"]
    else:
        assert open(first, encoding="utf-8").readline().strip() == \
            "code;naam;vraag;groep;schaal;punten;gewicht;beoordelaar;volgorde"


def _write_csv(path, lines):
    with open(path, "w", encoding="utf-8") as f:
        f.write("code;naam;vraag;groep;schaal;punten;gewicht;beoordelaar;volgorde\n")
        f.write("\n".join(lines) + "\n")


def test_criteria_file_validation(werkbank, tmp_path):
    from helpers import table_digest

    path = str(tmp_path / "fout.csv")
    _write_csv(path, [
        "A;Doelbereik;;maatschappelijk;hoog|laag;3|1;1;provincie;1",
        "B;Visie;;systeemtoets;goed|voldoende|slecht;3|1;1;provincie;2",
        "C;Efficiëntie;;systeemtoets;veel|weinig;2|1;-2;netbeheerder;3",
    ])
    werkbank.close()
    digest = table_digest(werkbank.target)
    from pmiek_werkbank.werkbank import open_werkbank

    wb = open_werkbank(werkbank.target)
    with pytest.raises(ScoringError) as e:
        K.import_criteria(wb, path)
    msg = str(e.value)
    assert "fout.csv, criterium 1 (A), veld 'groep': onbekende groep 'maatschappelijk'" in msg
    assert "criterium 2 (B), veld 'punten': 2 punten voor 3 schaalwaarden" in msg
    assert "criterium 3 (C), veld 'gewicht': het gewicht -2 is negatief" in msg
    wb.close()
    assert table_digest(werkbank.target) == digest


def test_criteria_file_accepts_dutch_labels(werkbank, tmp_path):
    path = str(tmp_path / "eigen.csv")
    _write_csv(path, ["I;Draagvlak;Is er draagvlak?;Maatschappelijke waarde;ja|nee;2|0;0,5;Gemeente;9"])
    counts = K.import_criteria(werkbank, path)
    assert counts["inserted"] == 1 and counts["not_in_file"] == list("ABCDEFGH")
    c = K.criteria_frame(werkbank).set_index("criterion_id").loc["I"]
    assert (c["grp"], c["points_list"], c["weight"], c["assessor_role"]) == (
        "maatschappelijke_waarde", [2.0, 0.0], 0.5, "gemeente")


# ---- import of scores --------------------------------------------------------------------
def test_import_scores_all_or_nothing(scored):
    rows = [
        {"_row": 1, "project_id": "P-1", "criterion_id": "A", "rating": "laag", "rationale": "weinig woningen",
         "assessor": "Bert", "assessor_role": "gemeente", "score_date": "2026-03-01"},
        {"_row": 2, "project_id": "p2", "criterion_id": "B", "rating": "super", "rationale": "x",
         "assessor": "Bert", "score_date": "2026-03-01"},
        {"_row": 3, "project_id": "p2", "criterion_id": "C", "rating": "veel", "rationale": "",
         "assessor": "Bert", "score_date": "morgen"},
    ]
    before = scored.count("scores")
    with pytest.raises(ScoringError) as e:
        S.import_scores(scored, rows, source="scores.csv")
    msg = str(e.value)
    assert "de werkbank is niet gewijzigd" in msg
    assert "scores.csv, rij 2 (project p2), veld 'waardering': 'super' staat niet op de schaal" in msg
    assert "scores.csv, rij 3 (project p2), veld 'motivatie': de motivatie is verplicht" in msg
    assert "rij 3 (project p2), veld 'datum': 'morgen' is geen (bestaande) datum" in msg
    assert scored.count("scores") == before
    counts = S.import_scores(scored, rows[:1], source="scores.csv")
    assert counts == {"inserted": 1, "updated": 0, "unchanged": 0}
    assert S.import_scores(scored, rows[:1]) == {"inserted": 0, "updated": 0, "unchanged": 1}


def test_recognise_dutch_columns():
    found = S.recognise_columns(["Project_ID", "Criterium", "Waardering", "Motivatie", "Beoordelaar", "Rol", "Datum"])
    assert found == {"project_id": "Project_ID", "criterion_id": "Criterium", "rating": "Waardering",
                     "rationale": "Motivatie", "assessor": "Beoordelaar", "assessor_role": "Rol",
                     "score_date": "Datum"}


# ---- decisions ------------------------------------------------------------------------------
def test_decisions_need_a_reason(scored, tmp_path):
    with pytest.raises(ScoringError) as e:
        D.set_status(scored, "p3", "afgevallen", "  ")
    assert "reden is verplicht" in str(e.value) and "P-3" in str(e.value)
    with pytest.raises(ScoringError, match="reden is verplicht"):
        D.set_status(scored, "p1", "opgenomen")
    with pytest.raises(ScoringError, match="Onbekende status"):
        D.set_status(scored, "p1", "misschien", "x")
    D.set_status(scored, "P-3", "afgevallen", "Lage score; alternatief via congestiemanagement")
    D.set_status(scored, "p2", "opgenomen", "Hoogste score, urgent")
    lst = D.afgevallen(scored)
    assert list(lst["project_id"]) == ["p3"]
    assert lst.loc[0, "status_reason"] == "Lage score; alternatief via congestiemanagement"
    hist = D.decision_history(scored)
    assert list(hist["status"]) == ["afgevallen", "opgenomen"] and hist.loc[0, "old_status"] == "kandidaat"
    r = R.score_projects(scored, random_runs=0).set_index("project_id")
    assert r.loc["p3", "status"] == "afgevallen" and r.loc["p2", "status"] == "opgenomen"
    csv_path = str(tmp_path / "afgevallen.csv")
    assert D.export_afgevallen(scored, csv_path) == 1
    text = open(csv_path, encoding="utf-8-sig").read()
    assert text.splitlines()[0].startswith("Code;Project;Netbeheerder;Reden afvallen")
    assert "Lage score; alternatief via congestiemanagement" in text
    xlsx = str(tmp_path / "afgevallen.xlsx")
    D.export_afgevallen(scored, xlsx)
    import openpyxl

    ws = openpyxl.load_workbook(xlsx).active
    assert ws["A1"].value == "Code" and ws["A2"].value == "P-3" and ws["D2"].value.startswith("Lage score")


# ---- evidence ------------------------------------------------------------------------------------
def test_evidence_a_c_f_h(werkbank):
    import geopandas as gpd
    from shapely.geometry import LineString, Point, box

    werkbank.write_frame("stations", [{"station_id": "st1", "name": "Noord",
                                       "geometry": Point(140000, 455000)}], mode="insert")
    werkbank.write_frame("station_capacity", [
        {"station_id": "st1", "year": 2025, "afname_mw": 20.0},
        {"station_id": "st1", "year": 2030, "afname_mw": 25.0},
    ], mode="insert", key=None)
    werkbank.write_frame("developments", [
        {"dev_id": "d1", "sector": "wonen", "demand_mw": 12.0, "dwellings": 800, "year_ready": 2026,
         "station_id": "st1", "geometry": Point(140100, 455100)},
        {"dev_id": "d2", "sector": "bedrijventerrein", "demand_mw": 18.0, "jobs": 300, "year_ready": 2029,
         "station_id": "st1", "geometry": Point(140200, 455100)},
    ], mode="insert")
    werkbank.write_frame("projects", [{
        "project_id": "p1", "code": "P-1", "name": "Kabel", "station_id": "st1", "ibn_year": 2030,
        "capacity_afname_mw": 10.0, "investment_eur": 12500000.0, "financial_cover": "deels",
        "geometry": LineString([(0, 0), (1000, 0)]),
    }, {"project_id": "p2", "code": "P-2", "name": "Elders", "geometry": Point(0, 0)}], mode="insert")
    werkbank.write_frame("project_links", [
        {"link_id": "l1", "project_id": "p1", "dev_id": "d1"},
        {"link_id": "l2", "project_id": "p1", "dev_id": "d2"},
    ], mode="insert")
    a = EV.linked_developments(werkbank, "p1")
    assert (a["count"], a["demand_mw"], a["dwellings"], a["jobs"]) == (2, 30.0, 800, 300)
    # C: demand 30 MW from 2029; capacity 25 MW from 2030 -> short in 2030 and 2035 (horizon), IBN 2030;
    # with +10 MW: 35 >= 30 -> both resolved
    c = EV.simple_relief(werkbank, "p1")
    assert c["relief_mw"] == 10.0 and c["years_short"] == [2030, 2035] and c["years_resolved"] == [2030, 2035]
    # the same through the capacity balance (project switched off and on); same answer by hand
    full = EV.capacity_relief(werkbank, "p1")
    assert (full["relief_mw"], full["years_short"], full["years_resolved"], full["station_id"], full["method"]) == (
        10.0, [2030, 2035], [2030, 2035], "st1", "capaciteitsbalans")
    # F: line 0..1000 crosses a box 200..500 (300 m) and a box in another CRS? keep RD: 900..1200 (100 m)
    n2k = gpd.GeoDataFrame({"naam": ["a", "b"]}, geometry=[box(200, -10, 500, 10), box(900, -10, 1200, 10)],
                           crs="EPSG:28992")
    far = gpd.GeoDataFrame({"naam": ["c"]}, geometry=[box(5000, 5000, 6000, 6000)], crs="EPSG:28992")
    ov = EV.project_overlap(werkbank, "p1", {"Natura 2000": n2k, "Ver weg": far}).set_index("layer")
    assert ov.loc["Natura 2000", "length_m"] == pytest.approx(400.0) and ov.loc["Natura 2000", "features"] == 2
    assert ov.loc["Ver weg", "length_m"] == 0 and not ov.loc["Ver weg", "inside"]
    poly = EV.constraint_overlap(box(0, 0, 100, 100), {"n": gpd.GeoDataFrame(geometry=[box(50, 0, 150, 100)],
                                                                              crs="EPSG:28992")})
    assert poly.loc[0, "area_m2"] == pytest.approx(5000.0)
    facts = dict(EV.evidence_facts(werkbank, "p1", "H"))
    assert facts["Investering"] == "€ 12,5 mln" and facts["Financiële dekking"] == "Deels gedekt"
    facts_a = dict(EV.evidence_facts(werkbank, "p1", "A"))
    assert facts_a["Gekoppelde ontwikkelingen"] == "2" and facts_a["Woningen"] == "800"
    assert EV.evidence_facts(werkbank, "p1", "B") == []
    # the station as the fiche and the balance dock name it, not its id (QGIS 3.40 desktop trial F23)
    name = werkbank.query("SELECT name, voltage_kv FROM stations WHERE station_id = 'st1'")[0]
    from pmiek_werkbank.formatting import station_label

    assert dict(EV.evidence_facts(werkbank, "p1", "C"))["Station"] == station_label(name["name"], name["voltage_kv"])
    assert name["name"] and name["name"] in dict(EV.evidence_facts(werkbank, "p1", "C"))["Station"]


def test_back_to_kandidaat_brings_back_its_reason(scored):
    """'Terug naar kandidaat' emptied the reason: the one it had as kandidaat was only left in the audit trail.
    Without a new reason it comes back (an undo); a new reason is taken as given."""
    pid = scored.query("SELECT project_id FROM projects WHERE status = 'kandidaat' LIMIT 1")[0]["project_id"]
    with scored.transaction() as tx:
        tx.execute("UPDATE projects SET status_reason = 'Kandidaat: netaansluiting na uitbreiding' "
                   "WHERE project_id = ?", (pid,))
    D.set_status(scored, pid, "afgevallen", "Geen afnemers")
    D.set_status(scored, pid, "kandidaat")
    r = scored.query("SELECT status, status_reason FROM projects WHERE project_id = ?", (pid,))[0]
    assert (r["status"], r["status_reason"]) == ("kandidaat", "Kandidaat: netaansluiting na uitbreiding")
    D.set_status(scored, pid, "opgenomen", "Urgent")
    D.set_status(scored, pid, "kandidaat", "Opnieuw bekijken")
    assert scored.query("SELECT status_reason FROM projects WHERE project_id = ?", (pid,))[0]["status_reason"] == \
        "Opnieuw bekijken"


def test_informative_h_takes_what_an_assessor_writes(scored):
    """Limburg trial: H (omvang kosten, 'Wat is de financiële omvang van de investering?', advice 'n.v.t.') refused
    '€ 95 mln' with 'kies uit informatief'. A criterion whose scale is just 'informatief' holds the fact as written;
    it never counts, and two assessors writing it differently is no dispute. A counted criterion keeps its scale."""
    before = R.score_projects(scored, random_runs=0).set_index("project_id")
    rows = [{"_row": 2, "project_id": "p1", "criterion_id": "H", "rating": " € 95 mln ", "rationale": "raming",
             "assessor": "Bert", "score_date": "2026-03-01"},
            {"_row": 3, "project_id": "p1", "criterion_id": "H", "rating": "ca. 90 mln", "rationale": "eigen raming",
             "assessor": "Anna", "score_date": "2026-03-02"}]
    assert S.import_scores(scored, rows, source="h.csv")["inserted"] == 2
    got = {r["assessor"]: r["rating"] for r in scored.query("SELECT assessor, rating FROM scores WHERE "
                                                             "project_id = 'p1' AND criterion_id = 'H'")}
    assert got == {"Bert": "€ 95 mln", "Anna": "ca. 90 mln"}
    after = R.score_projects(scored, random_runs=0).set_index("project_id")
    assert after.loc["p1", "total"] == before.loc["p1", "total"] == 16.0
    assert not bool(after.loc["p1", "disagreement"]) and "H" not in str(after.loc["p1", "disputed"] or "")
    with pytest.raises(ScoringError, match="staat niet op de schaal van criterium A"):
        S.record_score(scored, "p1", "A", "€ 95 mln", "geen schaalwaarde", "Bert")
