"""Dutch thousands separators: '2.500' is 2500 only where its column shows dots separate thousands (a decimal comma
elsewhere in the column, or several dot groups); otherwise it is reported as ambiguous, never read as 2,5 or 2500
in silence (layers.validation.parse_numbers; the projectenlijst's knooppunten.projects.to_number, same rule)."""

import math

import pandas as pd
import pytest
from helpers import table_digest

AMBIGUOUS_2500 = "'2.500' is dubbelzinnig: 2,5 of 2500? Schrijf 2,5 of 2500"


def _parse(values):
    from pmiek_werkbank.layers.validation import parse_numbers

    vals, bad, unclear = parse_numbers(pd.Series(values, dtype=object), ambiguous=True)
    return [None if math.isnan(v) else v for v in vals], list(bad), list(unclear)


def test_parse_numbers_per_column():
    # the tester's MW column: '2.500,0' has a decimal comma, so this column writes thousands with dots
    assert _parse(["2", "2.500", "2.500,0"]) == ([2.0, 2500.0, 2500.0], [False] * 3, [False] * 3)
    assert _parse(["1.250", "1,5"]) == ([1250.0, 1.5], [False, False], [False, False])
    # several dot groups are thousands, and make the column Dutch
    assert _parse(["12.500.000"]) == ([12500000.0], [False], [False])
    assert _parse(["12.500.000", "1.250"]) == ([12500000.0, 1250.0], [False, False], [False, False])
    # a lone '2.500' / '1.250' in a column that does not tell: ambiguous, not a number
    assert _parse(["2", "2.500"]) == ([2.0, None], [False, True], [False, True])
    assert _parse(["1.250", "1.5"]) == ([None, 1.5], [True, False], [True, False])
    # unchanged: decimals with a dot or comma, 0.326, blanks, text
    assert _parse(["1.5", "0.326", "1,5", " 12 ", None, "veel"]) == (
        [1.5, 0.326, 1.5, 12.0, None, None], [False] * 5 + [True], [False] * 6)


def test_ambiguous_message():
    from pmiek_werkbank.layers.validation import ambiguous_number_message

    assert ambiguous_number_message("2.500") == AMBIGUOUS_2500
    assert ambiguous_number_message("1.250") == "'1.250' is dubbelzinnig: 1,25 of 1250? Schrijf 1,25 of 1250"


def _developments(tmp_path, demand):
    import geopandas as gpd
    from shapely.geometry import Point

    gdf = gpd.GeoDataFrame(
        {"id": ["W-{:03d}".format(i + 1) for i in range(len(demand))], "sector": ["wonen"] * len(demand),
         "demand_mw": demand},
        geometry=[Point(136000 + 1000 * i, 456000) for i in range(len(demand))], crs=28992)
    path = str(tmp_path / "ontwikkelingen.gpkg")
    gdf.to_file(path)
    return path


def test_developments_ambiguous_mw_rejected_per_row(werkbank_path, tmp_path):
    from pmiek_werkbank.layers import importers as I
    from pmiek_werkbank.werkbank import open_werkbank

    path = _developments(tmp_path, ["2", "2.500", "1.5"])
    before = table_digest(werkbank_path)
    with open_werkbank(werkbank_path) as wb:
        with pytest.raises(I.ImportFailed) as exc:
            I.import_developments(wb, I.read_vector(path), source_name="ontwikkelingen.gpkg", strict=True)
    assert "ontwikkelingen.gpkg, rij 2 (id W-002), veld 'demand_mw': " + AMBIGUOUS_2500 in str(exc.value)
    assert table_digest(werkbank_path) == before
    with open_werkbank(werkbank_path) as wb:
        res = I.import_developments(wb, I.read_vector(path), source_name="ontwikkelingen.gpkg")
        dev = wb.read_frame("developments").set_index("dev_id")
    assert (res.imported, res.rejected) == (2, 1)
    assert dev.demand_mw.to_dict() == {"W-001": 2.0, "W-003": 1.5}


def test_developments_dutch_column_reads_thousands(werkbank_path, tmp_path):
    from pmiek_werkbank.layers import importers as I
    from pmiek_werkbank.werkbank import open_werkbank

    path = _developments(tmp_path, ["2", "2.500", "2.500,0", "1.250"])
    with open_werkbank(werkbank_path) as wb:
        res = I.import_developments(wb, I.read_vector(path), source_name="ontwikkelingen.gpkg", strict=True)
        dev = wb.read_frame("developments").set_index("dev_id")
    assert res.rejected == 0
    assert dev.demand_mw.to_dict() == {"W-001": 2.0, "W-002": 2500.0, "W-003": 2500.0, "W-004": 1250.0}


def test_projectenlijst_same_rule():
    from pmiek_werkbank.knooppunten.projects import AmbiguousNumber, prepare_projects, to_number

    # unchanged
    assert to_number("€ 45 mln") == 45e6 and to_number("2,5 mln") == 2.5e6 and to_number("1,5") == 1.5
    assert to_number("1.5") == 1.5 and to_number("0.326") == 0.326 and to_number("12.500.000") == 12500000.0
    with pytest.raises(AmbiguousNumber):
        to_number("2.500")
    assert to_number("2.500", dutch=True) == 2500.0
    frame = pd.DataFrame({"_row": [1, 2, 3], "naam": ["A", "B", "C"],
                          "capaciteit afname (MW)": ["2.500", "1,5", "1.250"], "investering": ["€ 45 mln", "1.250",
                                                                                             "2,5 mln"]})
    rows, errors, _notes = prepare_projects(frame, source="projecten.xlsx", row_offset=1)
    # capacity column has '1,5': Dutch, so 2500 and 1250; the investment column has '2,5 mln': Dutch too
    assert errors == []
    assert list(rows["capacity_afname_mw"]) == [2500.0, 1.5, 1250.0]
    assert list(rows["investment_eur"]) == [45e6, 1250.0, 2.5e6]
    frame = pd.DataFrame({"_row": [1, 2], "naam": ["A", "B"], "capaciteit afname (MW)": ["2.500", "1.5"]})
    rows, errors, _notes = prepare_projects(frame, source="projecten.xlsx", row_offset=1)
    assert [str(e) for e in errors] == [
        "projecten.xlsx, rij 2 (id P-a), veld 'capaciteit afname (MW)': " + AMBIGUOUS_2500]


def test_projectenlijst_reads_mw_written_with_its_unit():
    """Zeeland trial: '12 MW' was read in the capacity table and the developments but refused in the projectenlijst
    ('geen getal'): one rule for a unit in a number cell (layers.validation.without_unit)."""
    from pmiek_werkbank.knooppunten.projects import prepare_projects
    from pmiek_werkbank.layers.validation import without_unit

    assert without_unit("150 kV", "kV") == "150" and without_unit(" 12,5mw ", "MW") == "12,5"
    assert without_unit("12 kW", "MW") == "12 kW" and without_unit(12.0, "MW") == 12.0
    frame = pd.DataFrame({"_row": [2, 3, 4], "naam": ["A", "B", "C"],
                          "capaciteit afname (MW)": ["12 MW", "1,5 mw", "12 kW"]})
    rows, errors, _notes = prepare_projects(frame, source="projecten.xlsx", row_offset=1)
    got = dict(zip(rows["name"], rows["capacity_afname_mw"]))
    assert got["A"] == 12.0 and got["B"] == 1.5
    assert len(errors) == 1 and "'12 kW' is geen getal" in str(errors[0])  # another unit is never guessed


def test_a_link_share_reads_the_same_in_the_panel_and_on_the_fiche(qgis_iface, session, tmp_path):
    """QGIS 3.40 desktop trial: the projects panel wrote a 75,5 % share as '76 %' (and a link without a share as
    '100 %' where the fiche left the cell empty); one formatter, formatting.fmt_share, for both."""
    import os
    import shutil

    from conftest import SAMPLE_DIR

    from pmiek_werkbank.dialogs.projects_dock import ProjectsDock
    from pmiek_werkbank.export.context import gather
    from pmiek_werkbank.formatting import fmt_share
    from pmiek_werkbank.layers.project import add_werkbank_layers
    from pmiek_werkbank.werkbank import open_werkbank

    assert (fmt_share(None, 75.5), fmt_share(9.06, None), fmt_share(None, None)) == ("75,5 %", "9,1 MW", "100 %")
    path = str(tmp_path / "w.gpkg")
    shutil.copyfile(os.path.join(SAMPLE_DIR, "voorbeeld_werkbank.gpkg"), path)
    with open_werkbank(path) as wb:
        link = wb.query("SELECT l.project_id, l.dev_id FROM project_links l JOIN projects p "
                        "ON p.project_id = l.project_id WHERE p.confidential = 0 LIMIT 1")[0]
        wb.execute("UPDATE project_links SET share_pct = 75.5, share_mw = NULL WHERE project_id = ? AND dev_id = ?",
                   (link["project_id"], link["dev_id"]))
    with open_werkbank(path, readonly=True) as wb:
        p = [q for q in gather(wb).projects if q["project_id"] == link["project_id"]][0]
    on_paper = {d["dev_id"]: d["share"] for d in p["developments"]}
    add_werkbank_layers(path)
    session.set_werkbank(path)
    dock = ProjectsDock(qgis_iface, session)
    try:
        assert dock.select_project(link["project_id"], zoom=False)
        head = [dock.links.horizontalHeaderItem(c).text() for c in range(dock.links.columnCount())]
        on_screen = {dock.links.item(r, 0).data(0x0100): dock.links.item(r, head.index("Aandeel")).text()
                     for r in range(dock.links.rowCount())}
    finally:
        dock.cleanup()
    assert on_screen[link["dev_id"]] == on_paper[link["dev_id"]] == "75,5 %"
    assert on_screen == on_paper
