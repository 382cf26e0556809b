"""Findings of the user trials on the real QGIS 3.40 desktop (placeholders, empty texts, recent projects, labels)."""

from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QColor


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
    from qgis.core import QgsProject, QgsSettings

    from pmiek_werkbank.dialogs.scoring_dock import ScoringDock
    from pmiek_werkbank.layers.project import Session
    from pmiek_werkbank.scoring import scores as S
    from pmiek_werkbank.werkbank import open_werkbank

    with open_werkbank(werkbank_path) as wb:
        wb.write_frame("projects", [{"project_id": "p1", "code": "P-1", "name": "Station Noord"}], mode="insert")
        S.record_score(wb, "p1", "A", "hoog", "motivatie", "Anna", role="provincie", date="2026-02-01")
        S.record_score(wb, "p1", "A", "laag", "past niet", "Bert", role="netbeheerder", date="2026-02-02")
    QgsSettings().setValue("pmiek/assessor", "Tester")
    session = Session(QgsProject.instance())
    session.set_werkbank(werkbank_path)
    dock = ScoringDock(qgis_iface, session, qgis_iface.mainWindow())
    try:
        m = dock.grid_model
        headers = [m.headerData(j, Qt.Orientation.Horizontal) for j in range(m.columnCount())]
        dock.grid.setCurrentIndex(m.index(0, headers.index("A")))
        t = dock.assessors
        role_col = [t.horizontalHeaderItem(j).text() for j in range(t.columnCount())].index("Rol")
        roles = {t.item(i, 0).text(): t.item(i, role_col).text() for i in range(t.rowCount())}
        assert roles == {"Anna": "Provincie / werkorganisatie pMIEK", "Bert": "Netbeheerder"}
    finally:
        dock.cleanup()
        session.set_werkbank("")
        dock.deleteLater()
