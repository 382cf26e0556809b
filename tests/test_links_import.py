"""pmiek:importlinks does what its help says: unknown ids, SKIP_UNKNOWN, STRICT, UNKNOWN, and conflicts named by
project and development (not by the link's generated id).  On the example of test_balance.py (projects P1-P3,
developments D1-D10, links P1-D4, P1-D5, P2-D3), fictief voorbeeld."""

import pytest
from conftest import run_alg
from helpers import table_digest
from test_balance import write_example
from test_balance_algs import _log

ROWS = ("P1;D10;1\n"  # row 2: fine
        "P2;D99;1\n"  # row 3: unknown development
        "P9;D7;1\n")  # row 4: unknown project
BAD_SHARE = "P3;D7;veel\n"  # row 5: not a number


@pytest.fixture
def example(werkbank, werkbank_path):
    write_example(werkbank)
    return werkbank


def _csv(tmp_path, text, folder="a"):
    (tmp_path / folder).mkdir(exist_ok=True)
    path = tmp_path / folder / "koppelingen.csv"
    path.write_text("project;ontwikkeling;aandeel\n" + text, encoding="utf-8")
    return str(path)


def _params(path, csv, **more):
    return dict({"WERKBANK": path, "INPUT": csv, "FIELD_PROJECT": "project", "FIELD_DEVELOPMENT": "ontwikkeling",
                 "FIELD_SHARE": "aandeel", "SHARE_UNIT": 1}, **more)


def _links(wb):
    return {(r["project_id"], r["dev_id"]): r["share_mw"]
            for r in wb.query("SELECT project_id, dev_id, share_mw FROM project_links")}


def _counts(res):
    return res["INSERTED"], res["REJECTED"], res["UNKNOWN"]


def test_unknown_ids_are_rejected_rows_and_counted(pmiek_provider, example, werkbank_path, tmp_path):
    csv = _csv(tmp_path, ROWS + BAD_SHARE)
    texts = _log("pmiek:importlinks", _params(werkbank_path, csv))
    assert "Afgekeurd: koppelingen.csv, rij 3: ontwikkeling 'D99' bestaat niet in de werkbank" in texts
    assert ("Afgekeurd: koppelingen.csv, rij 4: project 'P9' bestaat niet in de werkbank (geen project-id of "
            "projectcode)") in texts
    assert "koppelingen.csv: 1 nieuw, 0 bijgewerkt, 0 ongewijzigd, 2 onbekend." in texts
    links = _links(example)
    assert links[("P1", "D10")] == 1 and len(links) == 4  # the three of the example + the one good row


def test_skip_unknown_and_strict(pmiek_provider, example, werkbank_path, tmp_path):
    from qgis.core import QgsProcessingException

    csv = _csv(tmp_path, ROWS + BAD_SHARE)
    before = table_digest(werkbank_path)
    res = run_alg("pmiek:importlinks", _params(werkbank_path, csv))
    assert _counts(res) == (1, 3, 2)  # default: rejected and named, the rest written
    # STRICT: an unknown id stops the import like any other rejected row
    unknown_only = _csv(tmp_path, "P2;D1;1\n" + ROWS[9:], "b")  # row 2 fine, rows 3 and 4 unknown ids
    with pytest.raises(QgsProcessingException, match="rij 3: ontwikkeling 'D99' bestaat niet"):
        run_alg("pmiek:importlinks", _params(werkbank_path, unknown_only, STRICT=True))
    assert ("P2", "D1") not in _links(example)
    # STRICT + SKIP_UNKNOWN: unknown ids skipped with a warning, every other row must be fine
    with pytest.raises(QgsProcessingException, match="rij 5, veld 'aandeel'"):
        run_alg("pmiek:importlinks", _params(werkbank_path, csv, STRICT=True, SKIP_UNKNOWN=True))
    texts = _log("pmiek:importlinks", _params(werkbank_path, unknown_only, STRICT=True, SKIP_UNKNOWN=True))
    assert "koppelingen.csv, rij 3: ontwikkeling 'D99' bestaat niet in de werkbank (overgeslagen)" in texts
    assert "koppelingen.csv: 1 nieuw, 0 bijgewerkt, 0 ongewijzigd, 2 onbekend." in texts
    assert _links(example)[("P2", "D1")] == 1
    assert table_digest(werkbank_path) != before


def test_conflict_names_project_and_development(pmiek_provider, example, werkbank_path, tmp_path):
    csv = _csv(tmp_path, "P1;D10;1\n")
    assert run_alg("pmiek:importlinks", _params(werkbank_path, csv))["INSERTED"] == 1
    row = example.query("SELECT link_id, row_version FROM project_links WHERE project_id = 'P1' AND dev_id = 'D10'")[0]
    example.update_row("project_links", row["link_id"], {"share_mw": 2.0}, row["row_version"], user="Besluitnemer")
    texts = _log("pmiek:importlinks", _params(werkbank_path, csv))  # the source still says 1 MW
    conflicts = [t for t in texts if t.startswith("Conflict met een besluit: ")]
    assert len(conflicts) == 1
    # named by its source row (line 2 of the CSV) and what it links, not the generated id
    assert conflicts[0].startswith("Conflict met een besluit: rij 2 (project P1, ontwikkeling D10), veld 'share_mw': "
                                   "besluit '2.0' (Besluitnemer, ")
    assert conflicts[0].endswith("behouden; genegeerd: bronwaarde '1.0'")
    assert row["link_id"] not in conflicts[0]
    assert _links(example)[("P1", "D10")] == 2.0


def test_a_share_a_development_cannot_carry(pmiek_provider, example, werkbank_path, tmp_path):
    """D10 has 2 MW demand.  99 MW of it is refused naming row and field (it was accepted, and the balance quietly
    scaled it down); P2 taking 1,5 MW beside P1's whole D10 is a warning that the balance counts both in proportion
    (175 %), imported all the same."""
    rows = example.query("SELECT demand_mw, supply_mw FROM developments WHERE dev_id = 'D10'")[0]
    assert (rows["demand_mw"], rows["supply_mw"] or 0) == (2, 0)
    csv = _csv(tmp_path, "P1;D10;99\n")
    texts = _log("pmiek:importlinks", _params(werkbank_path, csv))
    assert any("rij 2" in t and "veld 'aandeel'" in t and "aandeel 99 MW is meer dan ontwikkeling 'D10' heeft (2 MW)"
               in t for t in texts), texts
    assert ("P1", "D10") not in _links(example)
    before = table_digest(werkbank_path)
    with pytest.raises(Exception) as e:
        run_alg("pmiek:importlinks", _params(werkbank_path, csv, STRICT=True))
    assert "aandeel 99 MW is meer dan ontwikkeling 'D10' heeft" in str(e.value)
    assert table_digest(werkbank_path) == before
    csv = _csv(tmp_path, "P1;D10;2\nP2;D10;1,5\n", folder="b")
    texts = _log("pmiek:importlinks", _params(werkbank_path, csv))
    assert _links(example)[("P1", "D10")] == 2 and _links(example)[("P2", "D10")] == 1.5
    warned = [t for t in texts if "voor samen 175 % aan projecten gekoppeld" in t]
    assert len(warned) == 2 and any("rij 3" in t for t in warned), texts


def test_the_dock_path_refuses_a_share_too_big(example):
    from pmiek_werkbank.knooppunten.links import LinkError, add_links

    with pytest.raises(LinkError) as e:
        add_links(example, "P3", ["D10"], share_mw=3)
    assert "aandeel 3 MW is meer dan ontwikkeling 'D10' heeft (2 MW)" in str(e.value)
    assert ("P3", "D10") not in _links(example)


def test_shares_are_read_by_the_one_number_reader(pmiek_provider, example, werkbank_path, tmp_path):
    """'1,5' is 1.5; a lone '1.500' in a column that writes no decimal comma is ambiguous (1,5 or 1500?) and refused
    naming row and field, as in every other import (layers.validation.parse_numbers); 'veel' is still no number."""
    csv = _csv(tmp_path, "P1;D10;2\nP2;D10;1.500\nP3;D10;veel\n")
    texts = _log("pmiek:importlinks", _params(werkbank_path, csv))
    assert _links(example)[("P1", "D10")] == 2
    assert any("rij 3" in t and "'1.500' is dubbelzinnig" in t for t in texts), texts
    assert any("rij 4" in t and "veel" in t for t in texts), texts
    assert ("P2", "D10") not in _links(example) and ("P3", "D10") not in _links(example)
    csv = _csv(tmp_path, "P2;D10;1,5\n", folder="b")
    _log("pmiek:importlinks", _params(werkbank_path, csv))
    assert _links(example)[("P2", "D10")] == 1.5


def test_share_warnings_follow_the_balance_rule(example):
    """share_problems counts a link's part of its development by the balance's own rule (balance.link_share): 60 %
    twice of D10 (2 MW) is 120 %, which the balance scales down (each link then moves 1 MW: checked in the model);
    a development without MW carries nothing in the balance, so 60 % twice of it is no over-booking (it was a warning
    of 120 % computed by a second copy of the rule)."""
    from pmiek_werkbank.knooppunten.balance import BalanceModel, link_share
    from pmiek_werkbank.knooppunten.links import share_problems

    links = [{"project_id": "P1", "dev_id": "D10", "share_pct": 60.0}, {"project_id": "P2", "dev_id": "D10",
                                                                           "share_pct": 60.0}]
    errors, warnings = share_problems(example, links)
    assert errors == [] and [i for i, _t in warnings] == [0, 1]
    assert "voor samen 120 % aan projecten gekoppeld" in warnings[0][1]
    none = example.query("SELECT dev_id FROM developments WHERE COALESCE(demand_mw, 0) = 0 AND "
                         "COALESCE(supply_mw, 0) = 0")
    if not none:  # the sample has none: make one
        example.execute("UPDATE developments SET demand_mw = 0, supply_mw = NULL WHERE dev_id = 'D9'")
        dev = "D9"
    else:
        dev = none[0]["dev_id"]
    assert share_problems(example, [dict(lk, dev_id=dev) for lk in links]) == ([], [])
    mw, frac = link_share([float("nan")] * 2, [60.0, 60.0], [2.0, 0.0])
    assert list(mw) == [1.2, 0.0] and list(frac) == [0.6, 0.0]
    for lk in links:
        example.write_frame("project_links", [dict(lk, link_id="L-" + lk["project_id"])], mode="upsert")
    moved = BalanceModel.from_werkbank(example).links()
    moved = moved[moved["dev_id"] == "D10"]
    assert len(moved) >= 2 and abs(moved["moved_mw"].sum() - 2.0) < 1e-9  # 120 % scaled to the 2 MW D10 has
