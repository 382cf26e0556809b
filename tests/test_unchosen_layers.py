"""A file of several layers given without one chosen: the import reads its first layer and says which it left out
(the sample's projecten.gpkg holds points, lines and polygons; given as a path, only the points came in, with no
word in the log or the report but pyogrio's English warning on the console)."""

import os
import shutil

from conftest import SAMPLE_DIR, run_alg
from helpers import run_alg_logged as _run


def test_a_file_of_several_layers_without_one_chosen_says_what_it_left_out(werkbank_path, tmp_path, pmiek_provider):
    src = os.path.join(SAMPLE_DIR, "projecten.gpkg")
    report = str(tmp_path / "r.html")
    stations = os.path.join(SAMPLE_DIR, "stations.gpkg")
    run_alg("pmiek:importstations", {"WERKBANK": werkbank_path, "INPUT": stations, "FIELD_ID": "station_id",
                                     "FIELD_NAME": "name"})
    res, warnings = _run("pmiek:importprojects", {"WERKBANK": werkbank_path, "INPUT": src, "REPORT": report})
    said = [w for w in warnings if "lagen" in w]
    assert len(said) == 1, warnings
    assert "'projecten_punten'" in said[0] and "'projecten_lijnen', 'projecten_vlakken'" in said[0]
    with open(report, encoding="utf-8") as f:
        html = f.read()
    assert "Niet ingelezen: &#x27;projecten_lijnen&#x27;, &#x27;projecten_vlakken&#x27;" in html \
        or "Niet ingelezen: 'projecten_lijnen', 'projecten_vlakken'" in html
    # one layer chosen: nothing to say
    res, warnings = _run("pmiek:importprojects", {"WERKBANK": werkbank_path,
                                                  "INPUT": src + "|layername=projecten_lijnen"})
    assert not [w for w in warnings if "lagen" in w]
    # a layer import (developments) the same way; a file of one layer says nothing
    res, warnings = _run("pmiek:importdevelopments", {"WERKBANK": werkbank_path,
                                                      "INPUT": os.path.join(SAMPLE_DIR, "ontwikkelingen.gpkg")})
    assert [w for w in warnings if "'ontwikkelingen_vlakken', is ingelezen" in w and "'ontwikkelingen_punten'" in w], warnings
    one = str(tmp_path / "knooppunten.gpkg")
    shutil.copyfile(os.path.join(SAMPLE_DIR, "knooppunten.gpkg"), one)
    res, warnings = _run("pmiek:importknooppunten", {"WERKBANK": werkbank_path, "INPUT": one,
                                                     "FIELD_ID": "knooppunt_id", "FIELD_NAME": "naam"})
    assert not [w for w in warnings if "lagen" in w]


def test_a_workbook_of_several_sheets_names_the_sheets_not_read(werkbank_path, tmp_path, pmiek_provider):
    """A projectenlijst workbook with one sheet per netbeheerder: the first was read without a word about the
    other. Now the import warns and names it; a sheet of other columns (an explanation, the plugin's own 'Bron')
    and Excel's empty extra sheets say nothing when the import runs."""
    import openpyxl

    path = str(tmp_path / "lijst.xlsx")
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Stedin"
    ws.append(["Projectnr", "Naam project", "ibn_jaar"])
    ws.append(["ZL-1", "Kabel Sloegebied", 2031])
    more = book.create_sheet("Liander")
    more.append(["Projectnr", "Naam project", "ibn_jaar"])
    more.append(["ZL-2", "Station Goes", 2030])
    extra = book.create_sheet("Toelichting")
    extra.append(["Deze lijst is opgesteld door de provincie", "versie 3"])
    book.create_sheet("Blad3")  # empty
    book.save(path)
    res, warnings = _run("pmiek:importprojects", {"WERKBANK": werkbank_path, "INPUT": path})
    assert res["INSERTED"] == 1
    said = [w for w in warnings if "werkbladen" in w]
    assert len(said) == 1 and "'Stedin', is ingelezen" in said[0] and "Niet ingelezen: 'Liander'." in said[0]
    assert "Toelichting" not in said[0] and "Blad3" not in said[0] and "heeft 3 lagen" in said[0]
    # the sheet chosen: nothing to say
    res, warnings = _run("pmiek:importprojects", {"WERKBANK": werkbank_path, "INPUT": path + "|layername=Liander"})
    assert not [w for w in warnings if "werkbladen" in w] and res["INSERTED"] == 1


def test_a_refused_workbook_says_the_list_may_be_on_another_sheet(werkbank_path, tmp_path, pmiek_provider):
    """An explanation sheet in front: the import was refused for a missing column 'Naam project', naming the
    explanation's text as the columns found; nothing said the list was on the second sheet. The refusal says it."""
    import openpyxl
    import pytest
    from qgis.core import QgsProcessingException

    path = str(tmp_path / "lijst.xlsx")
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Toelichting"
    ws.append(["Deze lijst is opgesteld door de provincie", "versie 3"])
    sheet = book.create_sheet("Projecten")
    sheet.append(["Projectnr", "Naam project", "ibn_jaar"])
    sheet.append(["ZL-1", "Kabel Sloegebied", 2031])
    book.save(path)
    report = str(tmp_path / "r.html")
    with pytest.raises(QgsProcessingException) as refused:
        _run("pmiek:importprojects", {"WERKBANK": werkbank_path, "INPUT": path, "REPORT": report})
    text = str(refused.value)
    assert "'Naam project'" in text and "Niet ingelezen: 'Projecten'." in text
    with open(report, encoding="utf-8") as f:
        assert f.read().count("Niet ingelezen: &#x27;Projecten&#x27;.") == 1
    res, _warnings = _run("pmiek:importprojects", {"WERKBANK": werkbank_path, "INPUT": path + "|layername=Projecten"})
    assert res["INSERTED"] == 1
