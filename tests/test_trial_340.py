"""Findings of the energyboard/netbeheerder trial on the real QGIS 3.40 desktop (Debian trixie; 1920x1080 and
1280x720, mouse and keyboard)."""

import os
import shutil

from helpers import footer_lines


def test_the_sample_fiche_footer_keeps_its_two_lines(tmp_path, qgis_app, sample_dir):
    """The shipped sample's fiches and atlas (Processing 'Projectfiches en energyboard-atlas exporteren' on the
    3.40 desktop): the sources line ('… © OpenStreetMap contributors (ODbL)') wrapped '(ODbL)' to a third line on
    every page, although the label measured it as fitting (144 of 147 mm); at 96 dpi the same line is 159 mm."""
    from pmiek_werkbank.export.atlas import export_atlas
    from pmiek_werkbank.export.context import gather
    from pmiek_werkbank.export.fiches import FicheLayout, export_fiches
    from pmiek_werkbank.werkbank import open_werkbank

    wb_path = str(tmp_path / "voorbeeld.gpkg")
    shutil.copy(os.path.join(sample_dir, "voorbeeld_werkbank.gpkg"), wb_path)
    with open_werkbank(wb_path, readonly=True) as wb:
        data = gather(wb)
        fl = FicheLayout(wb, data)
        fiches = export_fiches(wb, data, str(tmp_path / "fiches"), fiche_layout=fl)
        atlas = export_atlas(wb, data, str(tmp_path / "atlas.pdf"), fiche_layout=fl)
    assert "(ODbL)" in data.footer["line2"]
    for pdf in list(fiches.pdfs) + [atlas.path]:
        pages = footer_lines(pdf)
        assert pages, pdf
        for page, lines in pages.items():
            assert len(lines) == 2, (os.path.basename(pdf), page, lines)


def test_the_projectenlijst_total_is_a_number(tmp_path, qgis_app, sample_dir):
    """The projectenlijst's 'Totaal' was text in the XLSX ('21', '8'): Excel's sort and filter put '8' after '21'
    and flagged every cell as a number stored as text. Now a number, the same as the ranking's total; the CSV
    still reads '21' (Dutch decimal comma where there is one)."""
    import openpyxl

    from pmiek_werkbank.export.context import gather
    from pmiek_werkbank.export.lists import write_csv, write_xlsx
    from pmiek_werkbank.werkbank import open_werkbank

    wb_path = str(tmp_path / "voorbeeld.gpkg")
    shutil.copy(os.path.join(sample_dir, "voorbeeld_werkbank.gpkg"), wb_path)
    with open_werkbank(wb_path, readonly=True) as wb:
        data = gather(wb)
    write_xlsx("projectenlijst", data, str(tmp_path / "p.xlsx"))
    write_csv("projectenlijst", data, str(tmp_path / "p.csv"))
    sheet = openpyxl.load_workbook(str(tmp_path / "p.xlsx"))["Projectenlijst"]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    totals = {str(r[0]): r[header.index("Totaal")] for r in rows[1:]}
    expected = {str(p["number"]): p["score"] for p in data.projects + data.afgevallen}
    assert totals == expected and all(isinstance(t, (int, float)) for t in totals.values()), totals
    ranked = sorted((r for r in rows[1:] if r[header.index("Rang")] is not None), key=lambda r: r[header.index("Rang")])
    assert [r[header.index("Totaal")] for r in ranked] == sorted((r[header.index("Totaal")] for r in ranked),
                                                                reverse=True)
    with open(str(tmp_path / "p.csv"), encoding="utf-8-sig") as f:
        text = f.read()
    assert ";21;" in text  # project 2 of the sample, total 21
