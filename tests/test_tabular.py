"""The one CSV/XLSX writer (tabular.py) and the atomic file helper (werkbank/atomic.py)."""

import csv
import os

import pytest

from pmiek_werkbank import tabular
from pmiek_werkbank.werkbank import atomic

HOSTILE = [
    "=HYPERLINK(\"http://x\",\"klik\")",
    "=cmd|'/C calc'!A0",
    "+31 6 1234",
    "-2+3+cmd|'/C calc'!A0",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "  =1+1",
    "\u00a0@foo",
    "\uff1d1+1",
    "na\x00ul\x1b[31m",
    "-12,5",
    "Netverzwaring = nodig",
]


@pytest.mark.parametrize("value,expected", [
    ("=1+1", "'=1+1"),
    ("  =1+1", "'  =1+1"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("\u00a0-x", "'\u00a0-x"),
    ("-12,5", "-12,5"),
    ("+3", "+3"),
    (" -4.5e3", " -4.5e3"),
    ("a\x00b\x07c\x7fd\x85e", "abcde"),
    ("\x00=1", "'=1"),
    ("regel 1\nregel 2\tkolom", "regel 1\nregel 2\tkolom"),
    ("", ""),
    (None, None),
    (5, 5),
    (float("nan"), None),
    (float("inf"), None),
    (True, True),
])
def test_safe_cell(value, expected):
    assert tabular.safe_cell(value) == expected


def _formula_or_control(text):
    return tabular.is_formula_like(text) or tabular.strip_controls(text) != text


def test_csv_neutralised_clean_and_readable(tmp_path):
    path = str(tmp_path / "t.csv")
    tabular.write_csv(path, ["kolom", "=kop"], [[v, 1.5] for v in HOSTILE], decimal_comma=True)
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    assert rows[0] == ["kolom", "'=kop"]
    assert [r[1] for r in rows[1:]] == ["1,5"] * len(HOSTILE)
    cells = [r[0] for r in rows[1:]]
    assert cells[0] == "'=HYPERLINK(\"http://x\",\"klik\")"
    assert cells[7] == "'  =1+1"
    assert cells[10] == "naul[31m"
    assert cells[11] == "-12,5" and cells[12] == "Netverzwaring = nodig"
    assert not any(_formula_or_control(c) for row in rows for c in row)


def test_xlsx_strings_never_formulas(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    path = str(tmp_path / "t.xlsx")
    tabular.write_xlsx(path, [{"title": "Lijst: [1]/2", "header": ["a", "b"], "rows": [[v, 2] for v in HOSTILE]},
                              {"title": "Lijst: [1]/2", "header": None, "rows": [["=1+1"]]}])
    wb = openpyxl.load_workbook(path)
    assert [ws.title for ws in wb.worksheets] == ["Lijst_ _1__2", "Lijst_ _1__2_2"]
    ws = wb.worksheets[0]
    values = [c.value for c in ws["A"]][1:]
    assert values[1] == "'=cmd|'/C calc'!A0" and values[10] == "naul[31m"
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for c in row:
                assert c.data_type != "f"
                if isinstance(c.value, str):
                    assert not _formula_or_control(c.value)


def test_save_workbook_sanitises_built_workbook(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = tabular.new_workbook()
    wb.active.append(["=1+1", "@x", 3])  # openpyxl itself makes "=1+1" a formula cell
    assert wb.active["A1"].data_type == "f"
    path = str(tmp_path / "w.xlsx")
    tabular.save_workbook(wb, path)
    back = openpyxl.load_workbook(path).active
    assert [c.value for c in back[1]] == ["'=1+1", "'@x", 3]
    assert back["A1"].data_type == "s"


def test_write_frame_csv_and_xlsx(tmp_path):
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"id": [1, 2], "naam": ["=evil()", None], "mw": [1.25, float("nan")]})
    tabular.write_frame(df, str(tmp_path / "f.csv"), encoding="utf-8")
    text = open(tmp_path / "f.csv", encoding="utf-8").read().splitlines()
    assert text == ["id;naam;mw", "1;'=evil();1.25", "2;;"]
    tabular.write_frame(df, str(tmp_path / "f.xlsx"))
    openpyxl = pytest.importorskip("openpyxl")
    ws = openpyxl.load_workbook(tmp_path / "f.xlsx").active
    assert [[c.value for c in r] for r in ws.iter_rows()] == [["id", "naam", "mw"], [1, "'=evil()", 1.25], [2, None, None]]


def test_failed_write_leaves_old_file_whole(tmp_path):
    path = str(tmp_path / "oud.csv")
    with open(path, "w") as f:
        f.write("oude inhoud\n")

    def rows():
        yield ["a"]
        raise RuntimeError("halverwege mis")

    with pytest.raises(RuntimeError):
        tabular.write_csv(path, ["x"], rows())
    assert open(path).read() == "oude inhoud\n"
    assert os.listdir(tmp_path) == ["oud.csv"]  # no temporary file left


def test_atomic_remove_stale_only_dead_writers(tmp_path):
    dead = tmp_path / ".x{}999999-abcd.csv".format(atomic.TMP_MARK)
    dead.write_text("half")
    alive = tmp_path / ".y{}{}-abcd.csv".format(atomic.TMP_MARK, os.getpid())
    alive.write_text("bezig")
    other = tmp_path / ".gewoon.csv"
    other.write_text("blijft")
    removed = atomic.remove_stale(str(tmp_path))
    assert removed == [str(dead)]
    assert alive.exists() and other.exists()


def test_atomic_folder_replace(tmp_path):
    target = tmp_path / "uit"
    target.mkdir()
    (target / "oud.txt").write_text("oud")
    with atomic.atomic_path(str(target), folder=True) as tmp:
        with open(os.path.join(tmp, "nieuw.txt"), "w") as f:
            f.write("nieuw")
    assert sorted(os.listdir(target)) == ["nieuw.txt"]
    assert os.listdir(tmp_path) == ["uit"]


def test_atomic_remove_stale_legacy_leftovers_after_a_day(tmp_path):
    old = [tmp_path / ".w.gpkg.kopie-0123abcd.gpkg", tmp_path / "w_ronde_2026-01-01.gpkg.tmp"]
    for p in old:
        p.write_text("oud")
        os.utime(p, (0, 0))
    fresh = tmp_path / ".x.gpkg.kopie-89abcdef.gpkg"
    fresh.write_text("misschien nog bezig")
    keep = tmp_path / "werkbank.gpkg"
    keep.write_text("blijft")
    os.utime(keep, (0, 0))
    assert sorted(atomic.remove_stale(str(tmp_path))) == sorted(str(p) for p in old)
    assert fresh.exists() and keep.exists()


def test_same_or_missing_equal_values_and_pairs_of_missing():
    import numpy as np
    import pandas as pd

    x = np.array([1, "a", None, np.nan, pd.NaT, None, 2.0, "b"], dtype=object)
    y = np.array([1, "a", np.nan, None, None, 3, 2.0, "b "], dtype=object)
    assert tabular.same_or_missing(x, y).tolist() == [True, True, True, True, True, False, True, False]
    assert tabular.same_or_missing(np.array([1.0, np.nan]), np.array([np.nan, np.nan])).tolist() == [False, True]


def test_append_rows_styles_exactly_the_rows_it_appends():
    """tabular.append_rows reaches each appended row by its number (``ws[ws.max_row]`` scanned the whole sheet per
    row: quadratic, 140 s for a national projectenlijst): the right rows get the alignment, on a sheet with and
    without a header row, and the returned number is the last row."""
    pytest.importorskip("openpyxl")
    from openpyxl.styles import Alignment

    wrap = Alignment(wrap_text=True, vertical="top")
    for header in (None, ["kop a", "kop b", "kop c"]):
        wb = tabular.new_workbook()
        ws = wb.active
        if header:
            ws.append(header)
        last = tabular.append_rows(ws, [["x", None, 3], ["=1+1", "y", None]], wrap, strings=True)
        first = 2 if header else 1
        assert last == first + 1 == ws.max_row
        assert [c.value for c in ws[first]] == ["x", None, 3] and ws.cell(row=last, column=1).data_type == "s"
        assert all(ws.cell(row=r, column=c).alignment.wrap_text for r in (first, last) for c in (1, 2, 3))
        if header:
            assert not ws.cell(row=1, column=1).alignment.wrap_text
    assert tabular.append_rows(tabular.new_workbook().active, []) is None
