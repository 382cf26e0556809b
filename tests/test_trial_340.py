"""Findings of the energyboard/netbeheerder trial on the real QGIS 3.40 desktop (Debian trixie; 1920x1080 and
1280x720, mouse and keyboard)."""

import os
import shutil

from helpers import footer_lines
from qgis.PyQt.QtWidgets import QApplication


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


def test_rounds_dock_messages_say_what_happened_in_a_short_title(qgis_iface, tmp_path, monkeypatch):
    """Rounds dock: 'Ronde bevroren: /home/…/rounds/voorbeeld_werkbank_pMIEK_2.0_…gpkg' wrapped onto the bar's
    half-hidden second line (s39), 'Rapport opgeslagen: <path>' the same; after one change the bar said
    '1 verschillen gevonden.'. Now the title says what happened, the text is the file's name, its whole path is
    under 'Meer'; one difference is '1 verschil'."""
    from qgis.core import Qgis
    from test_rounds_fixtures import make_werkbank

    from pmiek_werkbank.dialogs import files, rounds_dock
    from pmiek_werkbank.layers.project import Session
    from pmiek_werkbank.werkbank import open_werkbank

    said = []
    monkeypatch.setattr(rounds_dock, "tell", lambda iface, title, text, level, duration=8, more="":
                        said.append((title, text, more, level)))
    monkeypatch.setattr(rounds_dock.QInputDialog, "getText", lambda *a, **k: ("pMIEK 1.0", True))
    path = str(tmp_path / "dock.gpkg")
    make_werkbank(path).close()
    session = Session()
    dock = rounds_dock.RoundsDock(qgis_iface, session, qgis_iface.mainWindow())
    try:
        session.set_werkbank(path)
        dock._on_freeze()
        snap = dock.old_combo.currentData()
        assert said[-1] == ("Ronde bevroren", os.path.basename(snap), snap, Qgis.MessageLevel.Success)
        wb = open_werkbank(path)
        wb.write_frame("projects", [{"project_id": "P2", "ibn_year": 2029}])
        wb.close()
        dock._on_compare()
        assert said[-1][:2] == (rounds_dock.TITLE, "1 verschil gevonden.")
        # what changed and why come first: the reason (toelichting) was the ninth column, out of sight in the dock
        headers = [dock.diff_table.horizontalHeaderItem(c).text() for c in range(dock.diff_table.columnCount())]
        assert headers[:4] == ["code", "naam", "wijziging", "toelichting"], headers
        assert list(dock.last_comparison.rows.columns)[-1] == "toelichting"  # the report keeps its order
        report = str(tmp_path / "verschillen.xlsx")
        monkeypatch.setattr(files, "save_file", lambda *a, **k: report)
        dock._on_save_report()
        assert said[-1] == ("Rapport opgeslagen", "verschillen.xlsx", report, Qgis.MessageLevel.Success)
    finally:
        dock.cleanup()
        dock.deleteLater()


def test_the_fiche_template_asks_for_no_missing_font(tmp_path, qgis_app, sample_dir, monkeypatch):
    """Every fiche export on the 3.40 desktop ended in a yellow 'Noto Sans installeren van lettertype mislukt':
    reading the template's scale-bar text format with a font that is not installed makes QGIS >= 3.28 try to
    download it. The template is read with the font Qt draws instead (the fiche looks the same)."""
    import re

    from qgis.core import QgsFontUtils

    from pmiek_werkbank.export import layouts as L
    from pmiek_werkbank.export import qpt
    from pmiek_werkbank.export.context import gather
    from pmiek_werkbank.export.fiches import FicheLayout
    from pmiek_werkbank.werkbank import open_werkbank

    read = []
    real = L.with_installed_fonts
    monkeypatch.setattr(L, "with_installed_fonts", lambda text, *a: read.append(real(text, *a)) or read[-1])
    wb_path = str(tmp_path / "voorbeeld.gpkg")
    shutil.copy(os.path.join(sample_dir, "voorbeeld_werkbank.gpkg"), wb_path)
    with open_werkbank(wb_path, readonly=True) as wb:
        FicheLayout(wb, gather(wb)).close()
    with open(qpt.TEMPLATE_PATH, encoding="utf-8") as f:
        template = f.read()
    assert 'fontFamily="Noto Sans"' in template
    assert len(read) == 1  # the layout was read from the template through it

    def found(family):  # QGIS's own test before it tries a download
        hit = QgsFontUtils.fontFamilyMatchOnSystem(family)
        return hit[0] if isinstance(hit, tuple) else hit

    # the scale bar's text style and the labels' <LabelFont description="family,size,…">
    families = re.findall(r'fontFamily="([^"]*)"', read[0]) + re.findall(r'<LabelFont[^>]*description="([^,"]*)',
                                                                          read[0])
    assert len(families) >= 6 and all(found(f) for f in families), families
    assert L.with_installed_fonts('fontFamily="Sans"', "Sans") == 'fontFamily="Sans"'  # installed: unchanged


def test_the_ranking_shows_the_programme_on_a_beamer(qgis_iface, tmp_path, sample_dir):
    """Scoring dock, tab Rangorde, QGIS at 1280x720 (the energyboard's beamer; the dock 554x508): the ranking
    showed 3 of the sample's 12 ranked projects (rows 30 px high, the weights table as tall as the ranking).
    One-line rows and the ranking gets the height: at least 7 rows in view."""
    from helpers import scoring_dock

    wb_path = str(tmp_path / "voorbeeld.gpkg")
    shutil.copy(os.path.join(sample_dir, "voorbeeld_werkbank.gpkg"), wb_path)
    with scoring_dock(qgis_iface, wb_path) as (dock, _session):
        dock.setFloating(True)
        dock.resize(554, 508)
        dock.show()
        dock.tabs.setCurrentIndex(dock.rank_tab)
        for _ in range(5):
            QApplication.processEvents()
        view = dock.rank_view
        assert view.model().rowCount() >= 12
        assert view.rowHeight(0) <= view.fontMetrics().height() + 6
        assert view.viewport().height() // view.rowHeight(0) >= 7, (view.viewport().height(), view.rowHeight(0))
        assert dock.weights.viewport().height() >= dock.weights.rowHeight(0)  # a weight still in view


def test_a_decision_in_the_scoring_dock_warns_nothing_in_the_log(qgis_iface, tmp_path, sample_dir):
    """'Laten afvallen…' on project 6 of the sample put a pandas FutureWarning in QGIS's log panel ('The behavior
    of DataFrame concatenation with empty or all-NA entries is deprecated', scoring_dock.py, QGIS 3.40 desktop):
    the re-read project row has columns that are empty for it. No warning, and the dock shows the decision."""
    import warnings

    from helpers import scoring_dock

    wb_path = str(tmp_path / "voorbeeld.gpkg")
    shutil.copy(os.path.join(sample_dir, "voorbeeld_werkbank.gpkg"), wb_path)
    with scoring_dock(qgis_iface, wb_path) as (dock, _session):
        pid = dock.projects.set_index("code").loc["6", "project_id"]
        before = dict(zip(dock.projects.columns, dock.projects.dtypes))
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            dock.decide(pid, "afgevallen", "Geen afnemers zonder backbone")
        row = dock.projects.set_index("project_id").loc[pid]
        assert row["status"] == "afgevallen" and row["status_reason"] == "Geen afnemers zonder backbone"
        assert dict(zip(dock.projects.columns, dock.projects.dtypes)) == before  # the columns keep their types


def test_the_export_dialog_does_not_grow_with_its_messages(qgis_iface):
    """Fiches, atlas en lijsten exporteren: after an export the dialog widened to its longest message line
    ('Fiche 'Uitbreiding HS/MS-station Veenendaal Wageningselaan' is te lang voor één A4 …', s47, t12); with a
    longer project name it passes the screen of a 1280 px beamer. The message wraps instead, and scrolls when long."""
    from pmiek_werkbank.dialogs.export_dialog import ExportDialog
    from pmiek_werkbank.layers.project import Session

    dlg = ExportDialog(qgis_iface, Session())
    try:
        dlg.show()  # (showing it fills the project list and the status: 'Open eerst een werkbank.')
        QApplication.processEvents()
        before = dlg.sizeHint().width()
        name = "Uitbreiding HS/MS-station Veenendaal Wageningselaan en kabelverbinding naar Ede-Oost " * 2
        dlg.status.setText("Klaar: /home/planner/pmiek_export\nFiche '{}' is te lang voor één A4 en loopt door op 2 "
                           "pagina's.".format(name.strip()))
        assert dlg.sizeHint().width() <= before + 20, (before, dlg.sizeHint().width())
        dlg.resize(dlg.sizeHint())
        QApplication.processEvents()
        label = dlg.status
        # whole: the wrapped text is as tall as it needs (more than two lines) and scrolls in its area, which
        # stays above the buttons (a wrapped label alone was cut off by them)
        assert label.height() >= label.heightForWidth(label.width()) > 2 * label.fontMetrics().height()
        area = dlg.status_area
        assert area.height() <= 7 * label.fontMetrics().lineSpacing() + 4
        assert area.geometry().bottom() < dlg.buttons.geometry().top()
    finally:
        dlg.cleanup()
        dlg.deleteLater()
