"""Dialog 'Conflict bij opslaan': someone else changed rows you edited; both versions side by side.

Shown by the "Opslaan" button of the projects dock when :func:`layers.concurrency.find_conflicts`
finds conflicts.  Nothing is committed while it is open.  The choice is one of
:data:`KEEP_MINE` (save my other edits; my changes to the conflicting rows are
dropped), :data:`RELOAD` (drop my changes to the conflicting rows, show the stored
version, keep editing) or :data:`CANCEL` (nothing changes).  Overwriting the other
version is not offered: never silently, never by one click.
"""

from qgis.PyQt.QtCore import QCoreApplication, Qt
from qgis.PyQt.QtGui import QBrush, QColor, QFont
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

KEEP_MINE = "keep_mine"
RELOAD = "reload"
CANCEL = "cancel"

MINE_COLOUR = "#fff2cc"
THEIRS_COLOUR = "#ddebf7"


def tr(text):
    return QCoreApplication.translate("ConflictDialog", text)


def _text(v):
    if v is None:
        return tr("(leeg)")
    return str(v)


class ConflictDialog(QDialog):
    """Lists every conflict with my version and the stored version side by side; ``choice`` after exec()."""

    def __init__(self, conflicts, parent=None):
        super().__init__(parent)
        self.conflicts = list(conflicts)
        self.choice = CANCEL
        self.setWindowTitle(tr("Conflict bij opslaan"))
        self.resize(900, 500)
        lay = QVBoxLayout(self)
        intro = QLabel(tr(
            "Iemand anders heeft {} rij(en) gewijzigd of verwijderd die u ook bewerkte. Er is nog niets "
            "opgeslagen en niets overschreven. Links uw versie, rechts de versie die nu in de werkbank staat."
        ).format(len(self.conflicts)))
        intro.setWordWrap(True)
        lay.addWidget(intro)
        self.table = QTableWidget(0, 4)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table (dialogs/keys.py)
        self.table.setHorizontalHeaderLabels([tr("Rij"), tr("Veld"), tr("Uw versie"), tr("Opgeslagen versie")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.setWordWrap(True)
        lay.addWidget(self.table)
        self._fill()
        buttons = QHBoxLayout()
        self.b_keep = QPushButton(tr("Mijn overige wijzigingen opslaan"))
        self.b_keep.setToolTip(tr("Slaat alleen de rijen zonder conflict op; uw wijzigingen aan de rijen "
                                  "hierboven vervallen, de opgeslagen versie blijft staan."))
        self.b_reload = QPushButton(tr("Herladen"))
        self.b_reload.setToolTip(tr("Uw wijzigingen aan de rijen hierboven vervallen; u ziet de opgeslagen "
                                    "versie en kunt verder bewerken. Er wordt niets opgeslagen."))
        self.b_cancel = QPushButton(tr("Annuleren"))
        self.b_cancel.setToolTip(tr("Niets opslaan en niets weggooien; uw bewerkingen blijven staan."))
        for b in (self.b_keep, self.b_reload, self.b_cancel):
            buttons.addWidget(b)
        lay.addLayout(buttons)
        self.b_keep.clicked.connect(lambda: self.choose(KEEP_MINE))
        self.b_reload.clicked.connect(lambda: self.choose(RELOAD))
        self.b_cancel.clicked.connect(lambda: self.choose(CANCEL))
        self.b_cancel.setDefault(True)

    def rows(self):
        """The table as text rows (for tests and copy)."""
        out = []
        for r in range(self.table.rowCount()):
            out.append([self.table.item(r, c).text() if self.table.item(r, c) else "" for c in range(4)])
        return out

    def _add(self, cells, bold=False, colours=(None, None)):
        r = self.table.rowCount()
        self.table.insertRow(r)
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            if bold:
                f = QFont(item.font())
                f.setBold(True)
                item.setFont(f)
            if c >= 2 and colours[c - 2]:
                item.setBackground(QBrush(QColor(colours[c - 2])))
            self.table.setItem(r, c, item)

    def _fill(self):
        for c in self.conflicts:
            row = "{} {} ({})".format(c.table, c.key_value, c.layer_name)
            if c.deleted_by_others:
                theirs = tr("verwijderd door een ander")
            else:
                theirs = tr("versie {} – {} op {}").format(c.theirs_version, c.theirs.get("modified_by") or tr("onbekend"),
                                                           c.theirs.get("modified") or "?")
            mine = tr("verwijderd door u (vanaf versie {})") if c.action == "delete" else tr("gewijzigd vanaf versie {}")
            self._add([row, tr("versie"), mine.format(c.mine_version), theirs], bold=True)
            if c.action == "delete":
                continue
            for name in c.fields():
                mine_value = c.mine[name] if name in c.mine else c.mine_row.get(name)
                their_value = c.theirs.get(name) if not c.deleted_by_others else None
                changed_by_me = name in c.mine
                self._add(["", name + (" *" if changed_by_me else ""), _text(mine_value),
                           "–" if c.deleted_by_others else _text(their_value)],
                          colours=(MINE_COLOUR if changed_by_me else None, THEIRS_COLOUR))
        self.table.resizeRowsToContents()

    def choose(self, choice):
        self.choice = choice
        if choice == CANCEL:
            self.reject()
        else:
            self.accept()


def ask(conflicts, parent=None):
    """Show the dialog modally and return the choice (KEEP_MINE, RELOAD or CANCEL)."""
    dialog = ConflictDialog(conflicts, parent)
    try:
        dialog.exec()
        return dialog.choice
    finally:
        dialog.deleteLater()
