"""Keyboard behaviour of the plugin's widgets, one place: no Tab traps, Enter on a table cell, text boxes.

- Tables (every dock table goes through ``projects_dock.compact_rows``, which calls :func:`no_tab_trap`): Tab
  moves the focus on to the next widget, the arrow keys move within the table (Qt's ``tabKeyNavigation`` kept
  Tab cell to cell, so a keyboard user never left the table).
- :func:`on_enter`: Enter/Return on a table's current cell does what a double-click does.
- :func:`text_box`: a multi-line text box (motivatie, reden) where Tab moves on instead of typing a tab, and
  Ctrl+Enter accepts the dialog it is in; entered with Tab, the cursor is at the end of its text.
"""

from qgis.PyQt.QtCore import QEvent, QObject, Qt
from qgis.PyQt.QtGui import QTextCursor
from qgis.PyQt.QtWidgets import QDialog, QPlainTextEdit

ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def no_tab_trap(view):
    """Tab leaves the table (the arrow keys move within it)."""
    view.setTabKeyNavigation(False)


class _Keys(QObject):
    """Event filter: Enter on a table calls ``on_enter(current index)``; Ctrl+Enter in a text box accepts its
    dialog."""

    def __init__(self, parent, on_enter=None, accept=None):
        super().__init__(parent)
        self._on_enter = on_enter
        self._accept = accept

    def eventFilter(self, obj, event):  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.FocusIn and self._accept is not None and event.reason() in (
                Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason):
            # a text box entered with Tab continues its text: the stored motivatie came back with the cursor at its
            # start, and what was typed went in front of it ("…nationaalBackbone ontsluit…", QGIS 3.40 trial F3)
            obj.moveCursor(QTextCursor.MoveOperation.End)
            return False
        if event.type() != QEvent.Type.KeyPress or event.key() not in ENTER_KEYS:
            return False
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if self._on_enter is not None and mods == Qt.KeyboardModifier.NoModifier:
            index = obj.currentIndex()
            if index.isValid():
                self._on_enter(index)
                return True
        if self._accept is not None and mods == Qt.KeyboardModifier.ControlModifier:
            self._accept()
            return True
        return False


def on_enter(view, callback):
    """Enter/Return on ``view``'s current cell calls ``callback(index)`` (the double-click's handler)."""
    f = _Keys(view, on_enter=callback)
    view.installEventFilter(f)
    return f


def text_box(placeholder="", dialog=None):
    """A multi-line text box: Tab moves the focus on; Ctrl+Enter accepts ``dialog`` (default: the dialog the box
    is in when the key is pressed)."""
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    if placeholder:
        box.setPlaceholderText(placeholder)

    def accept():
        d = dialog if dialog is not None else box.window()
        if isinstance(d, QDialog):
            d.accept()

    box.installEventFilter(_Keys(box, accept=accept))
    return box
