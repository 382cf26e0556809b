"""Keyboard behaviour of the plugin's widgets (dialogs/keys.py)."""


def test_a_text_box_entered_with_tab_continues_its_text(qgis_app):
    """QGIS 3.40 desktop trial F3: re-rating a cell brought the stored motivatie back with the cursor at its start;
    Tab into it and type, and the new words were glued in front ('…nationaalBackbone ontsluit…')."""
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtTest import QTest
    from qgis.PyQt.QtWidgets import QApplication, QDialog, QLineEdit, QVBoxLayout

    from pmiek_werkbank.dialogs.keys import text_box

    dialog = QDialog()
    lay = QVBoxLayout(dialog)
    first = QLineEdit()
    box = text_box("Motivatie", dialog)
    lay.addWidget(first)
    lay.addWidget(box)
    box.setPlainText("Backbone ontsluit het havengebied.")
    dialog.show()
    QApplication.setActiveWindow(dialog)
    first.setFocus()
    box.setFocus(Qt.FocusReason.TabFocusReason)  # as the Tab key gives it
    assert box.hasFocus()
    QTest.keyClicks(box, " Ook nationaal.")
    assert box.toPlainText() == "Backbone ontsluit het havengebied. Ook nationaal."
    dialog.close()
