"""Hostile text: safe file names, spreadsheet formula injection, masked passwords."""

import csv
import os

import pytest

from pmiek_werkbank.werkbank.safety import (
    mask_secrets,
    neutralise_formula,
    neutralise_row,
    safe_filename,
    unique_filename,
    unique_filenames,
)

HOSTILE_NAMES = [
    "../../etc/passwd",
    "..\\..\\Windows\\system32",
    "/absoluut/pad",
    "<script>alert('x')</script>",
    "Project\x00met\x07controle\ntekens\r",
    "\u202eevil\u202cgpj.exe",  # RTL override
    "Zonnepark 🌞⚡ Noord",
    "مشروع الطاقة",  # RTL text
    "x" * 5000,
    "é" * 300,
    "CON",
    "nul.txt",
    "   ",
    "",
    None,
    ".",
    "..",
    ".verborgen",
    "a:b*c?d\"e<f>g|h",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_safe_filename_is_one_harmless_component(name, tmp_path):
    out = safe_filename(name)
    assert out and isinstance(out, str)
    assert "/" not in out and "\\" not in out and ".." not in out
    assert out not in (".", "..") and not out.startswith(".")
    assert not any(ord(c) < 32 or c in '<>:"|?*' for c in out)
    assert "\u202e" not in out and "\u202c" not in out
    assert len(out) <= 80 and len(out.encode("utf-8")) <= 200
    assert out.split(".")[0].upper() not in ("CON", "NUL", "PRN", "AUX")
    # It really is a file name in the folder, not anywhere else.
    p = tmp_path / out
    p.write_text("x")
    assert os.path.dirname(os.path.realpath(p)) == os.path.realpath(tmp_path)


def test_safe_filename_keeps_readable_names_and_extension():
    assert safe_filename("pMIEK 2.0 Utrecht") == "pMIEK_2.0_Utrecht"
    assert safe_filename("Ölmühle-Zuid (fase 2)") == "Ölmühle-Zuid_(fase_2)"
    assert safe_filename("x/../y.pdf") == "x_y.pdf"
    assert safe_filename("Ölmühle", ascii_only=True) == "Olmuhle"
    long = safe_filename("a" * 500 + ".pdf")
    assert long.endswith(".pdf") and len(long) <= 80
    assert safe_filename(None) == "bestand" and safe_filename("", default="fiche") == "fiche"
    # cut short at a comma or an opening bracket: the name does not end in one (web-atlas trial R8)
    assert safe_filename("Zonnepark De Vaart, fase 2", max_length=19) == "Zonnepark_De_Vaart"
    assert safe_filename("Kabel Oost (", max_length=20) == "Kabel_Oost"


def test_unique_filename_suffixes(tmp_path):
    used = set()
    assert unique_filename("Project A", used) == "Project_A"
    assert unique_filename("project a", used) == "project_a_2"
    assert unique_filename("Project/A", used) == "Project_A_3"
    assert unique_filenames(["a.pdf", "A.pdf", "a.pdf"]) == ["a.pdf", "A_2.pdf", "a_3.pdf"]
    (tmp_path / "fiche.pdf").write_text("x")
    assert unique_filename("fiche.pdf", str(tmp_path)) == "fiche_2.pdf"
    names = unique_filenames(["x" * 200] * 3)
    assert len(set(n.lower() for n in names)) == 3 and all(len(n) <= 80 for n in names)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://x","klik")', '\'=HYPERLINK("http://x","klik")'),
        ("+31 6 1234", "'+31 6 1234"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("\uff1d1+1", "'\uff1d1+1"),
        ("-12,5", "-12,5"),
        ("+3", "+3"),
        ("Netverzwaring = nodig", "Netverzwaring = nodig"),
        ("", ""),
        (None, None),
        (-5, -5),
        (3.5, 3.5),
    ],
)
def test_neutralise_formula(value, expected):
    assert neutralise_formula(value) == expected


def test_neutralised_csv_and_xlsx_keep_text_literal(tmp_path):
    row = ["P1", "=cmd|' /C calc'!A0", "@foo", 12.5, None, "gewoon"]
    safe = neutralise_row(row)
    path = tmp_path / "lijst.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f, delimiter=";").writerow(safe)
    back = next(csv.reader(open(path, encoding="utf-8"), delimiter=";"))
    assert back[1] == "'=cmd|' /C calc'!A0" and back[2] == "'@foo" and back[5] == "gewoon"
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(safe)
    xl = tmp_path / "lijst.xlsx"
    wb.save(xl)
    ws2 = openpyxl.load_workbook(xl).active
    cells = [c for c in next(ws2.iter_rows())]
    assert all(c.data_type != "f" for c in cells)
    assert cells[1].value == "'=cmd|' /C calc'!A0"
    assert cells[3].value == 12.5


def test_mask_secrets():
    assert mask_secrets("postgresql://jan:geheim@db:5432/x?schema=a") == "postgresql://jan:***@db:5432/x?schema=a"
    assert "geheim" not in mask_secrets("host=db password=geheim dbname=x")
    assert "ge heim" not in mask_secrets("host=db password='ge heim' dbname=x")
    assert "geheim" not in mask_secrets("postgresql://db/x?user=jan&password=geheim&schema=a")
    assert mask_secrets("postgresql://db/x?authcfg=ab12cd3") == "postgresql://db/x?authcfg=ab12cd3"
