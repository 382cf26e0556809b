"""Dates a user imports or types go through one parser (ingest.dates) and are stored as ISO JJJJ-MM-DD; "the latest"
monitoring row is the latest date, also for text stored before the parser existed (fictief voorbeeld)."""

import pandas as pd
import pytest
from helpers import table_digest


def _projects(wb):
    wb.write_frame("projects", [{"project_id": "P3", "code": "ZP-3", "name": "Station Zeeland"}])


def _latest(wb, tmp_path):
    """(peildatum in the fiche context, the monitoringlijst CSV's row for ZP-3)."""
    from pmiek_werkbank.export.context import gather
    from pmiek_werkbank.export.lists import write_list

    data = gather(wb, with_extents=False)
    fiche = next(p for p in data.projects if p["project_id"] == "P3")
    path = str(tmp_path / "monitoringlijst.csv")
    write_list("monitoringlijst", data, path)
    lines = [ln for ln in open(path, encoding="utf-8-sig").read().splitlines() if ln.startswith("ZP-3")]
    return fiche["monitoring"]["peildatum"], lines


def test_parse_date_one_parser():
    from pmiek_werkbank.ingest.dates import date_key, parse_date
    from pmiek_werkbank.scoring.scores import parse_date as scores_parse_date

    assert scores_parse_date is parse_date  # the ratings use the same parser
    assert parse_date("2025-09-01") == "2025-09-01"
    assert parse_date("15-01-2026") == "2026-01-15"
    assert parse_date(" 01-09-2025 ") == "2025-09-01"
    assert parse_date("1/9/2025") == "2025-09-01"
    assert parse_date("29-02-2024") == "2024-02-29"  # a leap day
    assert parse_date(pd.Timestamp("2026-01-15 10:30")) == "2026-01-15"
    for bad in ("31-02-2026", "29-02-2025", "2026-13-01", "morgen", "15-01-26x"):
        with pytest.raises(ValueError):
            parse_date(bad)
    # stored text that may predate the parser sorts by the date; unreadable text before every date
    assert sorted(["15-01-2026", "2025-09-01", "onbekend"], key=date_key) == ["onbekend", "2025-09-01", "15-01-2026"]


def test_monitoring_mixed_notations_stored_iso_and_2026_is_latest(werkbank, tmp_path):
    from pmiek_werkbank.programme.followup import import_monitoring

    _projects(werkbank)
    frame = pd.DataFrame({"_row": [2, 3], "Nr": ["ZP-3", "ZP-3"], "Peildatum": ["2025-09-01", "15-01-2026"],
                          "Haalbaarheid IBN": ["2028", "2029 (vertraagd)"]})
    counts = import_monitoring(werkbank, frame, source="monitoring.csv")
    assert counts["inserted"] == 2
    stored = sorted((r["peildatum"], r["ibn_feasibility"]) for r in werkbank.query("SELECT * FROM monitoring"))
    assert stored == [("2025-09-01", "2028"), ("2026-01-15", "2029 (vertraagd)")]
    peildatum, lines = _latest(werkbank, tmp_path)
    assert peildatum == "2026-01-15"
    assert len(lines) == 1 and "2029 (vertraagd)" in lines[0] and "2026-01-15" in lines[0]
    # the same date in another notation is the same monitoring moment: an update, not a third row
    again = pd.DataFrame({"_row": [2], "Nr": ["ZP-3"], "Peildatum": ["01-09-2025"], "Haalbaarheid IBN": ["2030"]})
    counts = import_monitoring(werkbank, again, source="monitoring.csv")
    assert (counts["inserted"], counts["updated"]) == (0, 1)
    stored = sorted((r["peildatum"], r["ibn_feasibility"]) for r in werkbank.query("SELECT * FROM monitoring"))
    assert stored == [("2025-09-01", "2030"), ("2026-01-15", "2029 (vertraagd)")]


def test_monitoring_same_date_twice_in_one_file_is_a_duplicate(werkbank, werkbank_path):
    from pmiek_werkbank.ingest.runner import run

    _projects(werkbank)
    frame = pd.DataFrame({"_row": [2, 3], "Nr": ["ZP-3", "ZP-3"], "Peildatum": ["2025-09-01", "01-09-2025"],
                          "Haalbaarheid IBN": ["2028", "2029"]})
    out = run(werkbank, "monitoring", lambda: (frame, "monitoring.csv"), strict=False)
    assert [(r, m) for r, _i, _f, m in out.rejections] == [(3, "project en peildatum staan ook in rij 2.")]
    assert [(r["peildatum"], r["ibn_feasibility"]) for r in werkbank.query("SELECT * FROM monitoring")] == [
        ("2025-09-01", "2028")]


def test_impossible_peildatum_refused_naming_row_and_field(werkbank, werkbank_path):
    from pmiek_werkbank.ingest.runner import run
    from pmiek_werkbank.programme.followup import FollowupError, import_monitoring

    _projects(werkbank)
    before = table_digest(werkbank_path)
    frame = pd.DataFrame({"_row": [2, 3], "Nr": ["ZP-3", "ZP-3"], "Peildatum": ["2025-09-01", "31-02-2026"],
                          "Haalbaarheid IBN": ["2028", "2029"]})
    with pytest.raises(FollowupError) as e:  # strict from code: nothing written
        import_monitoring(werkbank, frame, source="monitoring.csv")
    assert "monitoring.csv, rij 3, veld 'Peildatum': '31-02-2026' is geen (bestaande) datum" in str(e.value)
    assert table_digest(werkbank_path) == before
    out = run(werkbank, "monitoring", lambda: (frame, "monitoring.csv"), strict=False)  # not strict: row rejected
    assert [(r, f) for r, _i, f, _m in out.rejections] == [(3, "Peildatum")]
    with pytest.raises(FollowupError, match="PEILDATUM '2026-02-30' is geen"):
        import_monitoring(werkbank, frame[["_row", "Nr"]], source="monitoring.csv", peildatum="2026-02-30")


def test_latest_monitoring_of_an_existing_werkbank_with_non_iso_text(werkbank, tmp_path):
    """Rows stored as typed before the parser (no import path writes these any more): ordered by the date."""
    _projects(werkbank)
    werkbank.write_frame("monitoring", [
        {"monitoring_id": "M-b", "project_id": "P3", "peildatum": "15-01-2026", "ibn_feasibility": "2029"},
        {"monitoring_id": "M-a", "project_id": "P3", "peildatum": "2025-09-01", "ibn_feasibility": "2028"}])
    peildatum, lines = _latest(werkbank, tmp_path)
    assert peildatum == "15-01-2026"
    assert len(lines) == 1 and ";2029;" in lines[0]


def test_knooppunt_session_date_normalised_or_refused():
    import geopandas as gpd
    import shapely

    from pmiek_werkbank.knooppunten.projects import prepare_knooppunten

    sq = shapely.Polygon([(0, 0), (10, 0), (10, 10), (0, 10)])
    frame = gpd.GeoDataFrame({"_row": [1, 2, 3], "naam": ["Haven", "Dorp", "Stad"],
                              "sessie": ["15-01-2026", "31-02-2026", None]}, geometry=[sq, sq, sq], crs="EPSG:28992")
    rows, errors = prepare_knooppunten(frame, "naam", date_field="sessie", source="kp.gpkg")
    assert list(rows["session_date"].iloc[[0, 2]]) == ["2026-01-15", None]
    assert [str(e) for e in errors] == [
        "kp.gpkg, rij 2 (id K-dorp), veld 'sessie': '31-02-2026' is geen (bestaande) datum; schrijf JJJJ-MM-DD "
        "(bijv. 2026-01-15) of DD-MM-JJJJ"]


def test_capacity_table_peildatum_column_and_parameter(werkbank):
    from pmiek_werkbank.ingest.errors import ImportFailed
    from pmiek_werkbank.layers.importers import _capacity_rows, _peildatum

    table = pd.DataFrame({"station": ["S1", "S2", "S3"], "jaar": [2030, 2030, 2030], "afname_mw": [10, 20, 30],
                          "peildatum": ["15-01-2026", "31-02-2026", None]})
    long, sub = _capacity_rows(table, None, "capaciteit.csv", {"S1", "S2", "S3"}, "2025-09-01", "capaciteit.csv")
    assert dict(zip(long["station_id"], long["peildatum"])) == {"S1": "2026-01-15", "S3": "2025-09-01"}
    assert [(p.row, p.field, p.problem) for p in sub.problems] == [
        (3, "peildatum", "'31-02-2026' is geen (bestaande) datum; schrijf JJJJ-MM-DD (bijv. 2026-01-15) of DD-MM-JJJJ")]
    assert _peildatum(werkbank, "01-03-2026", "kaart.gpkg") == "2026-03-01"
    with pytest.raises(ImportFailed, match="kaart.gpkg: PEILDATUM '2026-02-30' is geen"):
        _peildatum(werkbank, "2026-02-30", "kaart.gpkg")
