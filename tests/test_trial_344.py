"""Findings of the design-session trial on the real QGIS 3.44 desktop (1920x1080 and 1366x768, mouse and keyboard)."""

from qgis.PyQt.QtCore import QEvent, Qt
from qgis.PyQt.QtGui import QKeyEvent
from qgis.PyQt.QtTest import QTest
from qgis.PyQt.QtWidgets import QApplication
from helpers import column, scoring_dock


def _typed(dialog, text):
    """Show ``dialog`` and type ``text`` as a user does right after it opens: each key to the widget that has the
    focus at that moment (QTest.keyClicks takes ASCII only: '€' goes as a key event with that text)."""
    dialog.confirm = lambda *question: True  # closing it afterwards throws the typed text away without asking
    dialog.show()
    dialog.activateWindow()
    QApplication.processEvents()
    for ch in text:
        target = dialog.focusWidget()
        assert target is not None
        if ord(ch) < 128:
            QTest.keyClick(target, ch)
        else:
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(target, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))
        QApplication.processEvents()


def test_reason_dialog_takes_what_is_typed_at_once(qgis_iface):
    """'Opnemen…' and typing the reason at once: the OK button had the focus, 'Lost' went nowhere, the space
    pressed OK (refused: empty) and 'het tekort …' was stored without its first word."""
    from pmiek_werkbank.dialogs.scoring_dock import ReasonDialog

    stored = []
    dlg = ReasonDialog("Project opnemen in het pMIEK", "Waarom opnemen in het pMIEK?", "P-1 Station",
                       submit=stored.append)
    _typed(dlg, "Lost het tekort op")
    assert dlg.reason.toPlainText() == "Lost het tekort op"
    assert stored == [] and dlg.message.text() == ""  # nothing pressed OK
    dlg.close()
    dlg.deleteLater()


def test_rating_dialog_for_h_takes_the_written_amount_at_once(qgis_iface):
    """Double-click on H and type '€ 40 mln': the space after '€' pressed OK ('Vul de waarde in.') and '40 mln'
    was left in the box."""
    from pmiek_werkbank.dialogs.scoring_dock import RatingDialog

    criterion = {"criterion_id": "H", "name": "Omvang kosten", "question": "?", "scale_list": ["informatief"],
                 "points_list": []}
    dlg = RatingDialog("P-1 Station", criterion)
    assert dlg.free_text
    _typed(dlg, "€ 40 mln")
    assert dlg.rating.currentText() == "€ 40 mln" and dlg.message.text() == ""
    dlg.close()
    dlg.deleteLater()


def test_rating_dialog_chooses_by_the_typed_letter(qgis_iface):
    """A–G: typing 'g' right after the double-click chooses 'gemiddeld' (it went to the OK button)."""
    from pmiek_werkbank.dialogs.scoring_dock import RatingDialog

    criterion = {"criterion_id": "A", "name": "Doelbereik", "question": "?",
                 "scale_list": ["hoog", "gemiddeld", "laag"], "points_list": [3, 2, 1]}
    dlg = RatingDialog("P-1 Station", criterion)
    _typed(dlg, "g")
    assert dlg.rating.currentText() == "gemiddeld" and dlg.message.text() == ""
    dlg.close()
    dlg.deleteLater()


def test_compact_grid_shows_a_written_amount_whole(qgis_iface, werkbank_path):
    """The compact grid cut H to five characters: '€ 40 mln' showed as '€ 40' and '€ 1,2 mld' as '€ 1,2'.
    An amount is shown whole; a longer text is cut with '…' and stays whole in the tooltip."""

    from pmiek_werkbank.scoring import scores as S
    from pmiek_werkbank.werkbank import open_werkbank

    written = {"p1": "€ 40 mln", "p2": "€ 1,2 mld", "p3": "ca. 30 miljoen, nog geen dekking"}
    with open_werkbank(werkbank_path) as wb:
        wb.write_frame("projects", [{"project_id": p, "code": "P-" + p[1], "name": "Project " + p[1]}
                                    for p in written], mode="insert")
        for pid, amount in written.items():
            S.record_score(wb, pid, "H", amount, "raming netbeheerder", "Anna", date="2026-02-01")
    with scoring_dock(qgis_iface, werkbank_path) as (dock, _session):
        m = dock.grid_model
        assert dock.compact.isChecked() and m.compact
        h = column(m, "H")
        shown = {m.text(i, 0): m.shown(i, h) for i in range(m.rowCount())}
        tips = {m.text(i, 0): m.data(m.index(i, h), Qt.ItemDataRole.ToolTipRole) for i in range(m.rowCount())}
        assert shown["P-1"] == "€ 40 mln" and shown["P-2"] == "€ 1,2 mld"
        assert shown["P-3"].endswith("…") and len(shown["P-3"]) <= 9
        assert "ca. 30 miljoen, nog geen dekking" in tips["P-3"]


def test_fiche_legend_keeps_its_colour_keys_without_webkit(qgis_app):
    """QGIS 3.44 (no WebKit) draws the fiche with QTextDocument, which draws no empty inline box: the legend under
    the map read 'project gekoppelde ontwikkeling knooppunt …' without a single colour key."""
    import os
    import re

    from qgis.PyQt.QtGui import QColor, QImage, QPainter, QTextDocument

    from pmiek_werkbank.export.renderers import qt_rich_text

    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "templates", "projectfiche.html.j2"), encoding="utf-8") as f:
        template = f.read()
    legend = re.search(r'<div class="legend[^"]*">.*?</div>', template, re.S).group(0)
    doc = QTextDocument()
    doc.setHtml(qt_rich_text("<html><body>{}</body></html>".format(legend)))
    doc.setTextWidth(900)
    img = QImage(900, int(doc.size().height()) + 4, QImage.Format.Format_RGB32)
    img.fill(QColor("white"))
    painter = QPainter(img)
    doc.drawContents(painter)
    painter.end()
    seen = {}
    for y in range(img.height()):
        for x in range(img.width()):
            name = QColor(img.pixel(x, y)).name()
            seen[name] = seen.get(name, 0) + 1
    for key in ("#e6007e", "#f2b134", "#f5c6c0", "#14365d"):  # project, gekoppeld, capaciteitskaart, knooppunt
        assert seen.get(key, 0) >= 12, (key, sorted(seen.items(), key=lambda kv: -kv[1])[:12])


def test_cell_panel_forgets_the_project_of_the_other_werkbank(qgis_iface, werkbank_path, tmp_path):
    """After switching werkbank the panel under the grid still said 'Project Uitbreiding station Driebergen Noord:
    kies een criterium.', a project of the werkbank just closed."""

    from pmiek_werkbank.werkbank import create_werkbank, open_werkbank

    with open_werkbank(werkbank_path) as wb:
        wb.write_frame("projects", [{"project_id": "p1", "code": "P-1", "name": "Station Driebergen Noord"}],
                       mode="insert")
    other = str(tmp_path / "tweede.gpkg")
    create_werkbank(other, "Tweede", "Utrecht", province_code="PV26", peildatum="2026-01-01").close()
    with scoring_dock(qgis_iface, werkbank_path) as (dock, session):
        m = dock.grid_model
        a = column(m, "A")
        dock.grid.setCurrentIndex(m.index(0, 1))
        assert "Station Driebergen Noord" in dock.cell_summary.text()
        dock.grid.setCurrentIndex(m.index(0, a))
        assert "Station Driebergen Noord" in dock.cell_summary.text()
        session.set_werkbank(other)
        QApplication.processEvents()
        assert m.rowCount() == 0
        assert "Driebergen" not in dock.cell_summary.text()
