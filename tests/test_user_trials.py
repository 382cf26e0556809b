"""Findings of the user trials on the real QGIS 3.40 desktop (placeholders, empty texts, recent projects, labels)."""

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
