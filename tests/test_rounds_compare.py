"""The rounds compare (vectorised, issue 19): every kind of difference of a small hand-made pair of rounds.

Round 1 is tests/test_rounds_fixtures.py.  Round 2 changes, each with its expected report line worked out by hand:

* projects: P5 added; P2 removed (with its links, scores and dependency); P4 dropped (afgevallen) and its IBN year
  moved; P1 investment EUR 12 mln -> 15 mln and status opgenomen -> kandidaat; P3 (confidential) IBN 2030 -> 2031;
* ratings: P1 A hoog -> gemiddeld, P1 B goed removed, P4 B goed added; P4 C written again unchanged ('veel');
* developments: D6 added, D4 removed, D2 ready 2030 -> 2031;
* monitoring: M1 ibn_feasibility changed and its attention points re-typed with a trailing space only (no change),
  M4 added for P1;
* actions: AC1 open -> gereed, AC4 added for P4.
"""

import pytest
from test_rounds_fixtures import two_rounds

THIN = "\u202f"


def _round_two(path):
    import geopandas as gpd
    from shapely.geometry import Point

    from pmiek_werkbank.werkbank import open_werkbank

    wb = open_werkbank(path)
    wb.write_frame("projects", [{"project_id": "P5", "code": "P-5", "name": "Nieuw laadplein", "status": "kandidaat",
                                 "confidential": 0}])
    wb.delete("project_dependencies", "project_id = ? OR depends_on_project_id = ?", ("P2", "P2"))
    wb.delete("project_links", "project_id = ?", ("P2",))
    wb.delete("scores", "project_id = ?", ("P2",))
    wb.delete("projects", "project_id = ?", ("P2",))
    wb.write_frame("projects", [{"project_id": "P4", "status": "afgevallen", "status_reason": "Niet meer nodig",
                                 "ibn_year": 2036}])
    wb.write_frame("projects", [{"project_id": "P1", "investment_eur": 15e6, "status": "kandidaat"}])
    wb.write_frame("projects", [{"project_id": "P3", "ibn_year": 2031}])
    wb.write_frame("scores", [{"score_id": "SC-P1-A", "rating": "gemiddeld"},
                              {"score_id": "SC-P4-C", "rating": "veel"}])
    wb.delete("scores", "score_id = ?", ("SC-P1-B",))
    wb.write_frame("scores", [{"score_id": "SC-P4-B", "project_id": "P4", "criterion_id": "B", "rating": "goed", "rationale": "nieuw",
                               "assessor": "Provincie", "assessor_role": "provincie", "score_date": "2026-06-01",
                               "agreed": 1}])
    wb.write_frame("developments", gpd.GeoDataFrame([
        {"dev_id": "D6", "name": "Warmtenet West", "sector": "warmte", "year_ready": 2030, "demand_mw": 12.5,
         "station_id": "S1"}], geometry=[Point(135000, 456000)], crs="EPSG:28992"))
    wb.delete("project_links", "dev_id = ?", ("D4",))
    wb.delete("developments", "dev_id = ?", ("D4",))
    wb.write_frame("developments", [{"dev_id": "D2", "year_ready": 2031}])
    wb.execute("UPDATE monitoring SET attention_points = 'netcongestie ' WHERE monitoring_id = 'M1'")
    wb.write_frame("monitoring", [{"monitoring_id": "M1", "ibn_feasibility": "onder druk"}])
    wb.write_frame("monitoring", [{"monitoring_id": "M4", "project_id": "P1", "peildatum": "2026-07-01",
                                   "ibn_feasibility": "haalbaar", "trekker": "Stedin"}])
    wb.write_frame("actions", [{"action_id": "AC1", "status": "gereed"}])
    wb.write_frame("actions", [{"action_id": "AC4", "project_id": "P4", "activity": "Tracé vastleggen",
                                "status": "open"}])
    wb.close()


EXPECTED = [
    ("project", "gewijzigd", "P1", "P-1", "Uitbreiding Station Noord", "investering (EUR)", 12000000, 15000000, None),
    ("project", "gewijzigd", "P1", "P-1", "Uitbreiding Station Noord", "score A", "hoog", "gemiddeld", None),
    ("project", "gewijzigd", "P1", "P-1", "Uitbreiding Station Noord", "score B", "goed", None, None),
    ("project", "gewijzigd", "P1", "P-1", "Uitbreiding Station Noord", "status", "opgenomen", "kandidaat", None),
    ("project", "verwijderd", "P2", "P-2", "Nieuw MS-station Zuid", None, None, None,
     "niet meer in de werkbank van de nieuwe ronde"),
    ("project", "gewijzigd", "P3", "P-3", "Batterij Oost (vertrouwelijk)", "IBN-jaar", 2030, 2031, None),
    ("project", "afgevallen", "P4", "P-4", "HS-verbinding Noord-Zuid", "status", "kandidaat", "afgevallen",
     "Niet meer nodig"),
    ("project", "gewijzigd", "P4", "P-4", "HS-verbinding Noord-Zuid", "IBN-jaar", 2034, 2036, None),
    ("project", "gewijzigd", "P4", "P-4", "HS-verbinding Noord-Zuid", "score B", None, "goed", None),
    ("project", "toegevoegd", "P5", "P-5", "Nieuw laadplein", None, None, None, "status kandidaat"),
    ("ontwikkeling", "gewijzigd", "D2", "bedrijventerrein", "Bedrijventerrein Noord", "jaar gereed", 2030, 2031, None),
    ("ontwikkeling", "verwijderd", "D4", "zon", "Zonnepark Oost", None, None, None,
     "vraag 0 MW, aanbod 10 MW, gereed 2025"),
    ("ontwikkeling", "toegevoegd", "D6", "warmte", "Warmtenet West", None, None, None,
     "vraag 12,5 MW, gereed 2030"),
    ("monitoring", "nieuw", "P1", "P-1", "Uitbreiding Station Noord", "peildatum", None, "2026-07-01",
     "haalbaarheid IBN: haalbaar; trekker: Stedin"),
    ("monitoring", "bijgewerkt", "P1", "P-1", "Uitbreiding Station Noord", "haalbaarheid IBN", "haalbaar",
     "onder druk", None),
    ("actie", "status gewijzigd", "P1", "P-1", "Uitbreiding Station Noord", "status", "open", "gereed",
     "Vergunning aanvragen"),
    ("actie", "nieuw", "P4", "P-4", "HS-verbinding Noord-Zuid", "status", None, "open", "Tracé vastleggen"),
]


@pytest.fixture
def rounds(tmp_path):
    return two_rounds(tmp_path, _round_two)[1:]


def test_every_kind_of_difference_line_by_line(rounds):
    from pmiek_werkbank.programme.rounds import compare_rounds

    snap, new = rounds
    cmp = compare_rounds(snap, new)
    got = [tuple(r) for r in cmp.rows.itertuples(index=False)]
    assert got == EXPECTED
    # plain Python values (what the XLSX/CSV writers and the atlas section get), no numpy scalars or NaN
    assert all(type(v) in (str, int, float, type(None)) for r in got for v in r)
    assert cmp.confidential == {"P3"}
    visible = [tuple(r) for r in cmp.visible_rows().itertuples(index=False)]
    assert visible == [r for r in EXPECTED if r[2] != "P3"]
    summ = {(o, w): n for o, w, n in cmp.summary().itertuples(index=False)}
    assert summ == {("project", "gewijzigd"): 3, ("project", "verwijderd"): 1, ("project", "afgevallen"): 1,
                    ("project", "toegevoegd"): 1, ("ontwikkeling", "gewijzigd"): 1,
                    ("ontwikkeling", "verwijderd"): 1, ("ontwikkeling", "toegevoegd"): 1,
                    ("monitoring", "nieuw"): 1, ("monitoring", "bijgewerkt"): 1, ("actie", "status gewijzigd"): 1,
                    ("actie", "nieuw"): 1}


def test_same_round_has_no_differences(rounds):
    from pmiek_werkbank.programme.rounds import compare_rounds

    snap, _new = rounds
    assert len(compare_rounds(snap, snap).rows) == 0


def test_consensus_once_per_round(rounds, monkeypatch):
    """The ratings of a round go through scoring's consensus in one call (not per project or criterion)."""
    from pmiek_werkbank.programme.rounds import compare_rounds
    from pmiek_werkbank.scoring import scores

    calls = []
    real = scores.consensus

    def counting(frame, criteria):
        calls.append(len(frame))
        return real(frame, criteria)

    monkeypatch.setattr(scores, "consensus", counting)
    snap, new = rounds
    compare_rounds(snap, new)
    assert calls == [7, 5]  # round 1: 7 ratings; round 2: 7 - 2 (P2) - 1 (P1 B) + 1 (P4 B)


def test_a_status_decision_is_listed_with_its_reason(tmp_path):
    """The energyboard took up a candidate ('opgenomen', with its reason): the rounds compare said only
    'kandidaat -> opgenomen', the reason was in no line (an 'afgevallen' line has always carried it). A status
    change now carries the new reason when the decision brought one; an unchanged reason is not repeated."""
    from pmiek_werkbank.programme.rounds import compare_rounds
    from pmiek_werkbank.werkbank import open_werkbank

    def decide(path):
        wb = open_werkbank(path)
        wb.write_frame("projects", [{"project_id": "P1", "status": "kandidaat",
                                     "status_reason": "Energyboard 12-9-2026: eerst tracé"}])
        wb.write_frame("projects", [{"project_id": "P3", "ibn_year": 2031}])
        wb.close()

    _live, snap, new = two_rounds(tmp_path, decide)
    rows = [tuple(r) for r in compare_rounds(snap, new).rows.itertuples(index=False)]
    assert ("project", "gewijzigd", "P1", "P-1", "Uitbreiding Station Noord", "status", "opgenomen", "kandidaat",
            "Energyboard 12-9-2026: eerst tracé") in rows
    assert ("project", "gewijzigd", "P3", "P-3", "Batterij Oost (vertrouwelijk)", "IBN-jaar", 2030, 2031, None) in rows
