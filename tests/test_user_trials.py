"""Findings of the user trials on the real QGIS 3.40 desktop (placeholders, empty texts, recent projects, labels)."""

from qgis.PyQt.QtGui import QColor
from helpers import column, scoring_dock


def _ink(widget, right=None):
    """Pixels of the widget's left part that differ from its background (text drawn there)."""
    img = widget.grab().toImage()
    w, h = img.width(), img.height()
    right = right or w - 40
    bg = QColor(img.pixel(4, h // 2)).value()
    return sum(1 for x in range(8, right) for y in range(4, h - 4) if abs(QColor(img.pixel(x, y)).value() - bg) > 40)


def test_rating_placeholder_is_painted(qgis_iface):
    """QGIS 3.40 (Qt 5.15): the rating box looked empty; its placeholder '— kies een waardering —' is painted."""
    from pmiek_werkbank.dialogs.scoring_dock import RatingDialog

    criterion = {"criterion_id": "C", "name": "Ruimte", "question": "?", "scale_list": ["veel", "weinig"],
                 "points_list": [2, 0]}
    dlg = RatingDialog("P-1 Station", criterion)
    box = dlg.rating
    box.resize(260, box.sizeHint().height())
    assert box.currentIndex() == -1 and box.placeholderText()
    assert _ink(box) > 30  # Qt 5.15's own QComboBox painted nothing here
    empty = type(box)()
    empty.addItems(["veel"])
    empty.setCurrentIndex(-1)
    empty.resize(box.size())
    assert empty.currentIndex() == -1 and _ink(empty) == 0  # the same box without a placeholder is blank
    dlg.deleteLater()


def test_assessor_table_shows_role_labels(qgis_iface, werkbank_path):
    """The cell detail's table of assessors showed the role code ('netbeheerder', 'provincie'); it shows the Dutch
    label of werkbank.enums.ASSESSOR_ROLES."""

    from pmiek_werkbank.scoring import scores as S
    from pmiek_werkbank.werkbank import open_werkbank

    with open_werkbank(werkbank_path) as wb:
        wb.write_frame("projects", [{"project_id": "p1", "code": "P-1", "name": "Station Noord"}], mode="insert")
        S.record_score(wb, "p1", "A", "hoog", "motivatie", "Anna", role="provincie", date="2026-02-01")
        S.record_score(wb, "p1", "A", "laag", "past niet", "Bert", role="netbeheerder", date="2026-02-02")
    with scoring_dock(qgis_iface, werkbank_path) as (dock, _session):
        m = dock.grid_model
        dock.grid.setCurrentIndex(m.index(0, column(m, "A")))
        t = dock.assessors
        role_col = [t.horizontalHeaderItem(j).text() for j in range(t.columnCount())].index("Rol")
        roles = {t.item(i, 0).text(): t.item(i, role_col).text() for i in range(t.rowCount())}
        assert roles == {"Anna": "Provincie / werkorganisatie pMIEK", "Bert": "Netbeheerder"}


def _null_project(tmp_path):
    """A copy of the sample with one project whose 'Toelichting financiering' (multi-line) is NULL."""
    import os
    import shutil
    import sqlite3

    from conftest import SAMPLE_DIR

    from pmiek_werkbank.werkbank import open_werkbank

    path = str(tmp_path / "werkbank.gpkg")
    shutil.copyfile(os.path.join(SAMPLE_DIR, "voorbeeld_werkbank.gpkg"), path)
    con = sqlite3.connect(path)
    pid, version = con.execute("SELECT project_id, row_version FROM projects WHERE project_id = 'UT-P01'").fetchone()
    con.close()
    with open_werkbank(path) as wb:
        wb.update_row("projects", pid, {"financial_note": None}, version)
    return path, pid


def _stored(path, pid):
    import sqlite3

    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT financial_note, name FROM projects WHERE project_id = ?", (pid,)).fetchone()
    finally:
        con.close()


def test_existing_null_multiline_text_shows_empty_and_stays_null(qgis_iface, tmp_path):
    """QGIS's multi-line text widget showed an existing NULL as the text 'NULL' (QGIS 3.40; new features start
    with ''): in a werkbank layer's form it shows empty, saving another field leaves it NULL in the werkbank, and
    what the user types is stored."""
    from qgis.core import NULL, QgsFeatureRequest, QgsProject
    from qgis.gui import QgsAttributeDialog, QgsAttributeForm, QgsGui
    from qgis.PyQt.QtWidgets import QApplication, QLineEdit, QPlainTextEdit

    import pmiek_werkbank

    if "TextEdit" not in QgsGui.editorWidgetRegistry().factories():
        QgsGui.editorWidgetRegistry().initEditors()
    path, pid = _null_project(tmp_path)
    QgsProject.instance().clear()
    plugin = pmiek_werkbank.classFactory(qgis_iface)
    plugin.initGui()
    dialog = None
    try:
        assert plugin.open_werkbank(path=path)
        from pmiek_werkbank.layers.project import werkbank_layers

        layer = [lyr for lyr in werkbank_layers(table="projects")
                 if next(lyr.getFeatures(QgsFeatureRequest().setFilterExpression(
                     "project_id = '{}'".format(pid))), None) is not None][0]
        feature = next(layer.getFeatures(QgsFeatureRequest().setFilterExpression("project_id = '{}'".format(pid))))
        assert feature.attribute("financial_note") in (None, NULL)
        panel = QgsAttributeForm(layer, layer.getFeature(feature.id()))  # a form open before editing starts
        panel.show()
        QApplication.processEvents()
        layer.startEditing()
        QApplication.processEvents()
        assert panel.findChild(QPlainTextEdit, "financial_note").toPlainText() == ""
        panel.close()
        panel.deleteLater()

        def open_form():
            """QGIS's own feature form ('Objectattributen bewerken'), a dialog of the main window."""
            dialog = QgsAttributeDialog(layer, layer.getFeature(feature.id()), False, qgis_iface.mainWindow(), True)
            dialog.show()
            QApplication.processEvents()
            return dialog, dialog.attributeForm()

        dialog, form = open_form()
        box = form.findChild(QPlainTextEdit, "financial_note")
        assert box.toPlainText() == ""  # was 'NULL'
        name = form.findChild(QLineEdit, "name")
        name.setText("Nieuw 150 kV-station Vathorst (herzien)")
        assert form.save()
        assert layer.commitChanges(), layer.commitErrors()
        assert _stored(path, pid) == (None, "Nieuw 150 kV-station Vathorst (herzien)")
        dialog.close()
        dialog.deleteLater()

        layer.startEditing()
        dialog, form = open_form()
        box = form.findChild(QPlainTextEdit, "financial_note")
        assert box.toPlainText() == ""
        form.setFeature(layer.getFeature(feature.id()))  # the form shows a feature again (identify panel, table)
        assert box.toPlainText() == ""
        box.setFocus()
        box.insertPlainText("Subsidie aangevraagd")
        assert form.save()
        assert layer.commitChanges(), layer.commitErrors()
        assert _stored(path, pid)[0] == "Subsidie aangevraagd"
    finally:
        if dialog is not None:
            dialog.close()
            dialog.deleteLater()
        for lyr in QgsProject.instance().mapLayers().values():
            if hasattr(lyr, "isEditable") and lyr.isEditable():
                lyr.rollBack()
        plugin.unload()
        QgsProject.instance().clear()


def test_rating_dialog_takes_a_written_amount_for_h(qgis_iface, werkbank_path):
    """Criterion H (omvang kosten) holds a fact as written, as the import takes it ('€ 95 mln'); the dock's rating
    dialog offered only the word 'informatief'.  It takes typed text, stores it as written and shows it again."""
    from pmiek_werkbank.dialogs.scoring_dock import RatingDialog
    from pmiek_werkbank.scoring import scores as S
    from pmiek_werkbank.scoring.criteria import criteria_list, holds_text
    from pmiek_werkbank.werkbank import open_werkbank

    with open_werkbank(werkbank_path) as wb:
        wb.write_frame("projects", [{"project_id": "p1", "code": "P-1", "name": "Station Noord"}], mode="insert")
        h = [c for c in criteria_list(wb) if holds_text(c)]
        assert [c["criterion_id"] for c in h] == ["H"]
        stored = []

        def submit(v):
            S.record_score(wb, "p1", "H", v["rating"], v["rationale"], v["assessor"], role=v["role"], date=v["date"])
            stored.append(v)

        dlg = RatingDialog("P-1 Station Noord", h[0], submit=submit)
        assert dlg.rating.isEditable() and dlg.rating.count() == 0
        dlg.accept()  # nothing written yet: refused
        assert not stored and "Vul de waarde in" in dlg.message.text()
        dlg.rating.setEditText("  € 95 mln  ")
        dlg.rationale.setPlainText("raming netbeheerder 2026")
        dlg.assessor.setText("Anna")
        dlg.role.setCurrentIndex(1)
        dlg.accept()
        assert stored and stored[0]["rating"] == "€ 95 mln"
        rows = wb.query("SELECT rating FROM scores WHERE project_id = 'p1' AND criterion_id = 'H'")
        assert [r["rating"] for r in rows] == ["€ 95 mln"]
        again = RatingDialog("P-1 Station Noord", h[0], current={"rating": "€ 95 mln", "rationale": "x"})
        assert again.rating.currentText() == "€ 95 mln"
        for d in (dlg, again):
            d.deleteLater()
