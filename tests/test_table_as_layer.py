"""A CSV or spreadsheet given to a layer import (stations, developments) is read as every table import reads it
(Zeeland trial: a Windows-1252 CSV from Dutch Excel was refused with Python's English "'utf-8' codec can't decode
byte 0xeb"; an XLSX with a title line gave columns Field1…Field8; a merged cell was stored as empty)."""

from conftest import run_alg


def _rows(werkbank_path, sql):
    import sqlite3

    con = sqlite3.connect(werkbank_path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_windows_1252_csv_of_developments(werkbank_path, tmp_path, pmiek_provider):
    src = tmp_path / "plannen.csv"
    src.write_bytes("Plan ID;Naam;Sector;Vraag (MW);X;Y\n"
                    "ZL-1;Oostelijke haven Vlissingen – fase één;wonen;1,5;136000;456000\n"
                    "ZL-2;Zeeuwse Poort;wonen;2;136100;456000\n".encode("cp1252"))
    res = run_alg("pmiek:importdevelopments", {"WERKBANK": werkbank_path, "INPUT": str(src), "CHECK_PROVINCE": False})
    assert (res["IMPORTED"], res["REJECTED"]) == (2, 0)
    got = dict(_rows(werkbank_path, "SELECT dev_id, name FROM developments"))
    assert got["ZL-1"] == "Oostelijke haven Vlissingen – fase één"
    assert _rows(werkbank_path, "SELECT demand_mw FROM developments WHERE dev_id = 'ZL-1'") == [(1.5,)]


def test_xlsx_with_a_title_and_a_merged_cell_as_a_layer(werkbank_path, tmp_path, pmiek_provider):
    import openpyxl

    path = str(tmp_path / "plannen.xlsx")
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["Ontwikkelingen Zeeland, peildatum 1 juli 2025"])
    ws.append(["Plan ID", "Naam", "Sector", "Vraag (MW)", "X", "Y"])
    ws.append(["ZL-1", "Haven", "wonen", 1.5, 136000, 456000])
    ws.append(["ZL-2", "Poort", "wonen", 2, 136100, 456000])
    ws.append(["ZL-3", "Kanaal", None, 3, 136200, 456000])
    ws.merge_cells("C4:C5")  # 'wonen' over ZL-2 and ZL-3: ZL-3's sector is not one value
    book.save(path)
    report = str(tmp_path / "r.csv")
    res = run_alg("pmiek:importdevelopments", {"WERKBANK": werkbank_path, "INPUT": path, "CHECK_PROVINCE": False,
                                               "REPORT": report})
    assert (res["IMPORTED"], res["REJECTED"]) == (2, 1)
    assert sorted(r[0] for r in _rows(werkbank_path, "SELECT dev_id FROM developments")) == ["ZL-1", "ZL-2"]
    with open(report, encoding="utf-8-sig") as f:
        text = f.read()
    assert "5;ZL-3;Sector" in text and "samengevoegde cel" in text


def test_a_column_of_the_capacity_table_read_into_no_field_is_said(werkbank_path, tmp_path, pmiek_provider):
    """Zeeland trial F7: a wide capacity table's extra column ('Intern', hidden in Excel) was left out without a
    word; every other import names such a column."""
    from helpers import run_alg_logged

    stations = tmp_path / "stations.csv"
    stations.write_text("station_id;naam;X;Y\nZL-1;Goes;136000;456000\n", encoding="utf-8")
    cap = tmp_path / "limieten.csv"
    cap.write_text("station;afname_2030;teruglevering_2030;Intern\nZL-1;40;12;niet delen\n", encoding="utf-8")
    res, warned = run_alg_logged("pmiek:importstations", {
        "WERKBANK": werkbank_path, "INPUT": str(stations), "FIELD_ID": "station_id", "FIELD_NAME": "naam",
        "CAPACITY_TABLE": str(cap), "CHECK_PROVINCE": False})
    assert res["CAPACITY_IMPORTED"] >= 1
    assert any("Niet gebruikt: 1 kolom(men)" in w and "'Intern'" in w for w in warned), warned
    assert _rows(werkbank_path, "SELECT afname_mw, teruglevering_mw FROM station_capacity WHERE year = 2030") == [
        (40.0, 12.0)]
