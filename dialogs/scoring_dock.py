"""The scoring dock: projects × criteria grid, ratings with motivatie, evidence, ranking and decisions.

Reads the werkbank through ``scoring`` (pure logic) and writes only through it,
so the dock never computes anything the headless algorithms do not.  A
rating always goes through :class:`RatingDialog`, which refuses an empty
motivatie.  Weights changed in the ranking tab re-rank immediately in memory
and are written to the werkbank with "Gewichten opslaan".
"""

import datetime as _dt
import html

from qgis.core import Qgis, QgsApplication, QgsProject, QgsSettings, QgsVectorLayer, QgsWkbTypes
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP, QAbstractTableModel, QCoreApplication, QDate, QModelIndex, Qt
from qgis.PyQt.QtGui import QBrush, QColor, QPalette
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QStyle,
    QStyleOptionComboBox,
    QStylePainter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from ..connections import ConnectionsMixin
from ..layers.concurrency import plain_column, plain_value
from .keys import no_tab_trap, on_enter, text_box
from .projects_dock import compact_rows, fit_columns
from .messages import TITLE, tell

SETTINGS_ASSESSOR = "pmiek/assessor"
SETTINGS_ASSESSOR_ORG = "pmiek/assessor_org"
SETTINGS_ASSESSOR_ROLE = "pmiek/assessor_role"

COLOUR_DISAGREE = QColor(255, 196, 140)
COLOUR_AGREED = QColor(200, 235, 200)
COLOUR_MISSING = QColor(235, 235, 235)
COLOUR_INCOMPLETE = QColor(255, 236, 170)
COLOUR_AFGEVALLEN = QColor(150, 150, 150)

DISPLAY = Qt.ItemDataRole.DisplayRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole
BACKGROUND = Qt.ItemDataRole.BackgroundRole
FOREGROUND = Qt.ItemDataRole.ForegroundRole
USER = Qt.ItemDataRole.UserRole
ALIGN = Qt.ItemDataRole.TextAlignmentRole
COMPACT = Qt.ItemDataRole.UserRole + 7  # short text shown in the compact grid (full text in the tooltip)


def tr(text):
    return QCoreApplication.translate("ScoringDock", text)


def default_assessor():
    """The assessor name: last one used (QgsSettings), else the QGIS user name."""
    name = QgsSettings().value(SETTINGS_ASSESSOR, "", type=str)
    return name or QgsApplication.userFullName() or QgsApplication.userLoginName() or ""


def session_assessor():
    """The assessor of this session (remembered in QGIS settings): dict name, organisation, role (code or '')."""
    s = QgsSettings()
    return {"name": default_assessor(), "organisation": s.value(SETTINGS_ASSESSOR_ORG, "", type=str),
            "role": s.value(SETTINGS_ASSESSOR_ROLE, "", type=str)}


def remember_assessor(name, organisation="", role=""):
    s = QgsSettings()
    s.setValue(SETTINGS_ASSESSOR, name or "")
    s.setValue(SETTINGS_ASSESSOR_ORG, organisation or "")
    s.setValue(SETTINGS_ASSESSOR_ROLE, role or "")


def assessor_text(a=None):
    from ..werkbank import enums as E

    a = a or session_assessor()
    extra = [x for x in (a.get("organisation"), E.label(E.ASSESSOR_ROLES, a.get("role") or "")) if x]
    return "{}{}".format(a.get("name") or tr("(niet ingesteld)"), " ({})".format(", ".join(extra)) if extra else "")


def compact_fact(value, width=9):
    """A value as written (H, omvang kosten: '€ 40 mln') in the compact grid: whole up to ``width`` characters, else
    cut with '…' (the tooltip has it all).  Cut at 5 characters without a mark, '€ 40 mln' read '€ 40' and
    '€ 1,2 mld' '€ 1,2' on the beamer."""
    text = str(value or "").strip()
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"


class _FormDialog(QDialog):
    """A form with a red line that says why OK was refused, and OK/Cancel; the assessor rows (name,
    organisation, role of the session) and their check are shared by the assessor and the rating dialog."""

    def __init__(self, title, heading, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        lay = QVBoxLayout(self)
        head = QLabel(heading)
        head.setWordWrap(True)
        lay.addWidget(head)
        self.form = QFormLayout()
        lay.addLayout(self.form)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00000;")
        lay.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        # Called with (title, question) before typed text is thrown away; returns True to go ahead.
        # None = ask (QMessageBox); tests inject a function.
        self.confirm = None
        self._typed = []  # (text box, its text when the dialog opened, question)

    def showEvent(self, event):  # noqa: N802 - Qt API
        """Typing starts in the first field.  The OK/Cancel buttons are made before the fields, so Qt's focus chain
        began at OK: the first word typed was lost and its space pressed OK ('Lost het tekort …' was stored as
        'het tekort …', '€ 40 mln' as '40 mln')."""
        super().showEvent(event)
        focus = self.focusWidget()
        if focus is None or focus in self.buttons.buttons():
            first = self.first_field()
            if first is not None:
                first.setFocus(Qt.FocusReason.OtherFocusReason)

    def first_field(self):
        """The first field of the form that takes the keyboard."""
        for row in range(self.form.rowCount()):
            item = self.form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            widget = item.widget() if item is not None else None
            if widget is not None and widget.isEnabled() and widget.focusPolicy() != Qt.FocusPolicy.NoFocus:
                return widget
        return None

    def keep_typed(self, box, question):
        """Esc, Annuleren or closing the window asks ``question`` before the text typed in ``box`` is lost."""
        self._typed.append((box, box.toPlainText(), question))

    def reject(self):
        for box, start, question in self._typed:
            if box.toPlainText().strip() != start.strip():
                ask = self.confirm or self._ask
                if not ask(self.windowTitle(), question):
                    box.setFocus()
                    return
                break
        super().reject()

    def _ask(self, title, question):
        yes, no = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
        return QMessageBox.question(self, title, question, yes | no, no) == yes

    def _assessor_rows(self, name_label, usual_role=None):
        """Name, organisation and role rows filled with the session's assessor; returns the name field."""
        from ..werkbank import enums as E

        a = session_assessor()
        name = QLineEdit(a["name"])
        self.form.addRow(name_label, name)
        self.organisation = QLineEdit(a["organisation"])
        self.form.addRow(tr("Organisatie"), self.organisation)
        self.role = QComboBox()
        self.role.addItem(tr("— kies een rol —"), "")
        for code, label in E.ASSESSOR_ROLES.items():
            self.role.addItem(label, code)
        self.role.setCurrentIndex(max(0, self.role.findData(a["role"])))
        if usual_role:
            self.role.setToolTip(tr("Bij dit criterium beoordeelt gewoonlijk: {}").format(
                E.label(E.ASSESSOR_ROLES, usual_role)))
        self.form.addRow(tr("Rol *"), self.role)
        return name

    def refuse(self, text, widget):
        """Say why OK is refused and put the cursor where it needs attention."""
        self.message.setText(text)
        widget.setFocus()

    def _assessor_ok(self, name):
        if not name.text().strip():
            self.refuse(tr("Vul de naam van de beoordelaar in."), name)
            return False
        if not self.role.currentData():
            self.refuse(tr("Kies de rol van de beoordelaar."), self.role)
            return False
        return True

    def _remember(self, name):
        remember_assessor(name.text().strip(), self.organisation.text().strip(), self.role.currentData())


class AssessorDialog(_FormDialog):
    """Who rates in this session: name, organisation and role, set once and remembered in QGIS settings."""

    def __init__(self, parent=None):
        super().__init__(tr("Beoordelaar van deze sessie"),
                         tr("Elke waardering wordt opgeslagen met deze beoordelaar. U stelt dit één keer per sessie "
                            "in."), parent)
        self.name = self._assessor_rows(tr("Naam *"))

    def accept(self):
        if self._assessor_ok(self.name):
            self._remember(self.name)
            super().accept()


def _num(x, decimals=2):
    """Points and totals: the plugin's one Dutch formatter (formatting.fmt_num), trailing zeros dropped."""
    from ..formatting import fmt_num

    return fmt_num(x, decimals, trim=True)


def _changed_projects(old, new):
    """Project ids whose consensus rows differ between two consensus frames."""
    def rows(cons):
        out = {}
        for k in cons.itertuples(index=False):
            out.setdefault(k.project_id, []).append((k.criterion_id, k.n_assessors, tuple(k.assessors), k.value,
                                                     k.state, plain_value(k.points)))
        return out

    a, b = rows(old), rows(new)
    return {p for p in set(a) | set(b) if a.get(p) != b.get(p)}


def _replace_pair(scores, pid, cid, rows):
    """``scores`` (sorted as scoring.scores.scores_frame) with the ratings of (pid, cid) replaced by ``rows`` (in
    place when the same assessors rated before, else a new frame)."""
    import numpy as np
    import pandas as pd

    rows = rows.sort_values("assessor", kind="mergesort")
    same = np.flatnonzero(((scores["project_id"] == pid) & (scores["criterion_id"] == cid)).to_numpy())
    if len(same) and len(same) == len(rows) and list(scores["assessor"].iloc[same]) == list(rows["assessor"]):
        # the same assessors: their rows change in place (when every column keeps its type)
        cols = [c for c in rows.columns if c in scores.columns]
        if all(scores[c].dtype == object or rows[c].dtype == scores[c].dtype for c in cols):
            for c in cols:
                scores.iloc[same, scores.columns.get_loc(c)] = rows[c].to_numpy()
            return scores
    keep = np.ones(len(scores), dtype=bool)
    keep[same] = False
    parts = [f for f in (scores[keep], rows) if len(f)]
    out = pd.concat(parts, ignore_index=True) if len(parts) > 1 else (parts[0] if parts else scores.iloc[0:0])
    return out.sort_values(["project_id", "criterion_id", "assessor"], kind="mergesort").reset_index(drop=True)


class RowsModel(QAbstractTableModel):
    """A read-only table model over prepared rows: each cell a dict of role -> value."""

    def __init__(self, headers=(), parent=None):
        super().__init__(parent)
        self.headers = list(headers)
        self.cells = []  # rows of dicts {role: value}
        self.keys = []  # row key (project_id)
        self.compact = False  # show COMPACT texts where a cell has one

    def set_rows(self, headers, cells, keys):
        self.beginResetModel()
        self.headers, self.cells, self.keys = list(headers), cells, list(keys)
        self.endResetModel()

    def update_rows(self, headers, cells, keys):
        """Show new rows without a reset where possible: a row whose cell list is the same object as before is
        left alone, other rows get ``dataChanged``; a new order of the same keys is a layout change (selection
        follows its key).  Resets (and returns None) when columns or keys come or go; else the changed rows."""
        headers, keys = list(headers), list(keys)
        old_cells, old_keys = self.cells, self.keys
        if (len(headers) != len(self.headers) or len(keys) != len(old_keys) or len(set(keys)) != len(keys)
                or set(keys) != set(old_keys) or not keys):
            self.set_rows(headers, cells, keys)
            return None
        if headers != self.headers:
            self.headers = headers
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(headers) - 1)
        last = len(headers) - 1
        if keys == old_keys:
            self.cells = cells
            changed = [i for i, (a, b) in enumerate(zip(cells, old_cells)) if a is not b]
            for i in changed:
                self.dataChanged.emit(self.index(i, 0), self.index(i, last))
            return changed
        self.layoutAboutToBeChanged.emit()
        pos = {k: i for i, k in enumerate(keys)}
        moved = [(idx, pos[old_keys[idx.row()]]) for idx in self.persistentIndexList()]
        self.cells, self.keys = cells, keys
        for idx, row in moved:
            self.changePersistentIndex(idx, self.index(row, idx.column()))
        self.layoutChanged.emit()
        before = {id(c) for c in old_cells}
        return [i for i, c in enumerate(cells) if id(c) not in before]

    def rowCount(self, parent=QModelIndex()):  # noqa: N802
        return 0 if parent.isValid() else len(self.cells)

    def columnCount(self, parent=QModelIndex()):  # noqa: N802
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index, role=DISPLAY):
        if not index.isValid():
            return None
        cell = self.cells[index.row()][index.column()]
        if role == DISPLAY and self.compact and COMPACT in cell:
            return cell[COMPACT]
        return cell.get(role)

    def set_compact(self, on):
        self.beginResetModel()
        self.compact = bool(on)
        self.endResetModel()

    def headerData(self, section, orientation, role=DISPLAY):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role in (DISPLAY, TOOLTIP):
            h = self.headers[section]
            return h[0] if role == DISPLAY else h[1]
        return None

    def flags(self, index):
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def text(self, row, col):
        return self.cells[row][col].get(DISPLAY)

    def shown(self, row, col):
        """The text the view shows in a cell (the compact one in compact mode)."""
        cell = self.cells[row][col]
        return cell[COMPACT] if self.compact and COMPACT in cell else cell.get(DISPLAY)


class ChoiceBox(QComboBox):
    """A combo box that shows its placeholder text while nothing is chosen.  Qt 5.15's own placeholder (QGIS 3.22
    and 3.40) hands the text to the style but in a colour nothing is painted with: the box looked empty."""

    def paintEvent(self, event):  # noqa: N802
        if self.currentIndex() >= 0 or not self.placeholderText():
            super().paintEvent(event)
            return
        painter = QStylePainter(self)
        opt = QStyleOptionComboBox()
        self.initStyleOption(opt)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, opt)
        opt.currentText = self.placeholderText()
        opt.palette.setColor(QPalette.ColorRole.ButtonText,
                             self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, opt)


class RatingDialog(_FormDialog):
    """Pick a rating; the motivatie is required, assessor and date are recorded."""

    def __init__(self, project_label, criterion, parent=None, current=None, submit=None):
        super().__init__(tr("Waardering {} – {}").format(criterion["criterion_id"], project_label),
                         "<b>{} {}</b><br>{}".format(criterion["criterion_id"], criterion["name"],
                                                     criterion.get("question") or ""), parent)
        self.criterion = criterion
        self.submit = submit  # callable(values) -> raises with a Dutch message when refused
        from ..scoring.criteria import holds_text

        self.rating = ChoiceBox()
        # a criterion that holds a fact as written (H, omvang kosten: '€ 95 mln') takes typed text, like the import
        self.free_text = holds_text(criterion)
        if self.free_text:
            self.rating.setEditable(True)
            self.rating.lineEdit().setPlaceholderText(tr("bijv. € 95 mln (informatief, telt niet mee)"))
        else:
            self.rating.addItems(criterion["scale_list"])
        pts = criterion.get("points_list") or []
        for i, p in enumerate(pts):
            self.rating.setItemData(i, tr("{} punten").format(_num(p)), TOOLTIP)
        # No preselected value: OK without choosing gives nothing, not the best rating.
        if not self.free_text:
            self.rating.setPlaceholderText(tr("— kies een waardering —"))
        self.rating.setCurrentIndex(-1)
        self.form.addRow(tr("Waardering *") if not self.free_text else tr("Waarde *"), self.rating)
        self.rationale = text_box(tr("Verplicht: waarom deze waardering? Noem feiten en bronnen."), self)
        self.rationale.setToolTip(tr("Tab: naar het volgende veld; Ctrl+Enter: OK"))
        self.form.addRow(tr("Motivatie *"), self.rationale)
        # The assessor of the session (name, organisation, role), not the criterion's usual role.
        self.assessor = self._assessor_rows(tr("Beoordelaar *"), criterion.get("assessor_role"))
        self.date = QDateEdit(QDate.currentDate())
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.form.addRow(tr("Datum"), self.date)
        self.agreed = QCheckBox(tr("Vastgestelde (gezamenlijke) waarde"))
        self.form.addRow("", self.agreed)
        if current:
            i = self.rating.findText(current.get("rating") or "")
            if i >= 0:
                self.rating.setCurrentIndex(i)
            elif self.free_text:
                self.rating.setEditText(current.get("rating") or "")
            self.rationale.setPlainText(current.get("rationale") or "")
        self.keep_typed(self.rationale, tr("Motivatie weggooien?"))

    def values(self):
        return {
            "rating": self.rating.currentText().strip(),
            "rationale": self.rationale.toPlainText().strip(),
            "assessor": self.assessor.text().strip(),
            "organisation": self.organisation.text().strip(),
            "role": self.role.currentData() or None,
            "date": self.date.date().toString("yyyy-MM-dd"),
            "agreed": self.agreed.isChecked(),
        }

    def accept(self):
        v = self.values()
        if not v["rating"] or (self.rating.currentIndex() < 0 and not self.free_text):
            return self.refuse(tr("Vul de waarde in.") if self.free_text else tr("Kies een waardering."),
                               self.rating)
        if not v["rationale"]:
            return self.refuse(tr("De motivatie is verplicht: leg uit waarom u deze waardering geeft."),
                               self.rationale)
        if not self._assessor_ok(self.assessor):
            return
        if self.submit is not None:
            try:
                self.submit(v)
            except Exception as e:  # noqa: BLE001 - ScoringError/WerkbankError carry the Dutch message
                self.message.setText(str(e))
                return
        self._remember(self.assessor)
        super().accept()


class ReasonDialog(_FormDialog):
    """The required reason of a decision on a project; the heading asks which decision ("Waarom laten
    afvallen?").  ``submit(reason)`` records it and raises with a Dutch message when refused: the refusal is shown
    and what was typed stays."""

    def __init__(self, title, question, project_label, parent=None, submit=None):
        super().__init__(title, "<b>{}</b><br>{}".format(html.escape(question), html.escape(project_label)), parent)
        self.question = question
        self.submit = submit
        self.reason = text_box(tr("Verplicht: deze reden staat bij het project, in de fiches en de lijsten."), self)
        self.reason.setToolTip(tr("Tab: naar het volgende veld; Ctrl+Enter: OK"))
        self.form.addRow(tr("Reden *"), self.reason)
        self.keep_typed(self.reason, tr("Reden weggooien?"))

    def accept(self):
        if self.submit is not None:
            try:
                self.submit(self.reason.toPlainText())
            except Exception as e:  # noqa: BLE001 - ScoringError/WerkbankError carry the Dutch message
                self.refuse(str(e), self.reason)
                return
        super().accept()


DECISIONS = {  # status -> (window title, the question the reason answers)
    "opgenomen": (QT_TRANSLATE_NOOP("ScoringDock", "Project opnemen in het pMIEK"),
                  QT_TRANSLATE_NOOP("ScoringDock", "Waarom opnemen in het pMIEK?")),
    "afgevallen": (QT_TRANSLATE_NOOP("ScoringDock", "Project laten afvallen"),
                   QT_TRANSLATE_NOOP("ScoringDock", "Waarom laten afvallen?")),
}


def _typed_like(fresh, rows):
    """``fresh`` (re-read rows) with each column that is empty in all of them in the type ``rows`` has for it, so
    that appending them to ``rows`` keeps the types: pandas warns about concatenating all-empty columns of another
    type (a FutureWarning in QGIS's log panel after 'Laten afvallen…' on the 3.40 desktop)."""
    casts = {}
    for c in fresh.columns:
        if c in rows.columns and fresh[c].dtype != rows[c].dtype and fresh[c].isna().all():
            casts[c] = "float64" if rows[c].dtype.kind in "iub" else rows[c].dtype  # an empty int/bool: float
    return fresh.astype(casts) if casts else fresh


class ScoringDock(ConnectionsMixin, QDockWidget):
    def __init__(self, iface, session, parent=None):
        super().__init__(tr("Afwegingskader en scores"), parent)
        self.iface = iface
        self.session = session
        self._connections = []
        self._dialog = None
        self._weights = {}  # criterion_id -> weight shown (may differ from stored until saved)
        self._constraint_frames = {}  # layer id -> GeoDataFrame (EPSG:28992)
        self.projects = None
        self.criteria = []
        self.cons = None
        self.ranking = None
        self._applied = None  # table whose change this dock is announcing (already shown here)
        self._grid_rows, self._rank_rows = {}, {}  # project_id -> (what the row shows, its cells)
        self._programme_name = ""
        self._rank_stale = False  # the Rangorde tab (with the rank range) is filled when it is shown
        self._rank_state = {}  # ranks per weight variant, updated for the projects a rating changes
        self._build()
        if session is not None:
            self._connect(session.werkbankChanged, self.reload)
            self._connect(session.dataChanged, self._on_data_changed)
        self.reload()

    # ---- layout ------------------------------------------------------------------------
    def _build(self):
        root = QWidget()
        lay = QVBoxLayout(root)
        self.info = QLabel("")
        self.info.setWordWrap(True)
        lay.addWidget(self.info)
        arow = QHBoxLayout()
        self.assessor_label = QLabel()
        self.assessor_label.setWordWrap(True)
        self.assessor_button = QPushButton(tr("Beoordelaar…"))
        self.assessor_button.setToolTip(tr("Wie beoordeelt in deze sessie: naam, organisatie en rol"))
        self._connect(self.assessor_button.clicked, self.choose_assessor)
        arow.addWidget(self.assessor_label, 1)
        arow.addWidget(self.assessor_button)
        lay.addLayout(arow)
        self._show_assessor()
        self.tabs = QTabWidget()
        lay.addWidget(self.tabs)

        # tab 1: grid + assessors + evidence
        grid_tab = QWidget()
        gl = QVBoxLayout(grid_tab)
        split = QSplitter(Qt.Orientation.Vertical)
        self.grid_model = RowsModel()
        self.grid = QTableView()
        self.grid.setObjectName("pmiekScoreGrid")
        self.grid.setModel(self.grid_model)
        self.grid.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # widths fitted to the contents after a rebuild and grown for changed rows (projects_dock.fit_columns): an
        # automatic ResizeToContents measured all 500 rows again for every changed cell (issue 19)
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.grid.verticalHeader().setVisible(False)
        compact_rows(self.grid)
        self._connect(self.grid.doubleClicked, self._on_grid_double_clicked)
        on_enter(self.grid, self._on_grid_double_clicked)  # Enter on a cell rates it, as a double-click does
        self._connect(self.grid.selectionModel().currentChanged, self._on_grid_current)
        self.compact = QCheckBox(tr("Compact raster (punten; details in de tooltip)"))
        self.compact.setToolTip(tr("Zo passen A–H, totaal en rang naast elkaar in het paneel"))
        self.compact.setChecked(True)
        self.grid_model.compact = True
        self._connect(self.compact.toggled, self._on_compact)
        gl.addWidget(self.compact)
        split.addWidget(self.grid)
        lower = QTabWidget()
        self.assessors = QTableWidget(0, 6)
        self.assessors.setHorizontalHeaderLabels(
            [tr("Beoordelaar"), tr("Rol"), tr("Waardering"), tr("Datum"), tr("Vastgesteld"), tr("Motivatie")])
        self.assessors.horizontalHeader().setStretchLastSection(True)
        self.assessors.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        aw = QWidget()
        al = QVBoxLayout(aw)
        self.cell_summary = QLabel(tr("Kies een cel in het raster."))
        self.cell_summary.setWordWrap(True)
        al.addWidget(self.cell_summary)
        al.addWidget(self.assessors)
        row = QHBoxLayout()
        self.rate_button = QPushButton(tr("Waardering geven…"))
        self._connect(self.rate_button.clicked, self.rate_current)
        row.addWidget(self.rate_button)
        row.addStretch(1)
        al.addLayout(row)
        lower.addTab(aw, tr("Beoordelingen"))
        ew = QWidget()
        el = QVBoxLayout(ew)
        self.evidence = QTableWidget(0, 2)
        self.evidence.setHorizontalHeaderLabels([tr("Feit"), tr("Waarde")])
        self.evidence.horizontalHeader().setStretchLastSection(True)
        self.evidence.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        el.addWidget(QLabel(tr("Alleen feiten; de beoordelaar weegt.")))
        el.addWidget(self.evidence)
        el.addWidget(QLabel(tr("Belemmeringenlagen voor F (ruimtelijke inpasbaarheid):")))
        self.constraints = QListWidget()
        self.constraints.setMaximumHeight(90)
        self._connect(self.constraints.itemChanged, self._on_constraint_toggled)
        el.addWidget(self.constraints)
        refresh = QPushButton(tr("Lagenlijst verversen"))
        self._connect(refresh.clicked, self.refresh_constraint_layers)
        el.addWidget(refresh)
        facts = QScrollArea()  # its list and button scroll: the grid above keeps its rows on a 1366×768 screen
        facts.setWidgetResizable(True)
        facts.setFrameShape(QFrame.Shape.NoFrame)
        facts.setWidget(ew)
        lower.addTab(facts, tr("Feiten"))
        split.addWidget(lower)
        split.setStretchFactor(0, 3)  # the grid gets most of the height
        split.setStretchFactor(1, 2)
        split.setSizes([3000, 2000])  # also when the dock is short (1366×768): the grid kept only its minimum
        gl.addWidget(split)
        self.tabs.addTab(grid_tab, tr("Beoordelen"))

        # tab 2: ranking + weights
        rank_tab = QWidget()
        rl = QVBoxLayout(rank_tab)
        self.rank_model = RowsModel()
        self.rank_view = QTableView()
        self.rank_view.setObjectName("pmiekRankView")
        self.rank_view.setModel(self.rank_model)
        self.rank_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.rank_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.rank_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rank_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.rank_view.verticalHeader().setVisible(False)
        compact_rows(self.rank_view)  # one-line rows, as every dock table: they were 30 px high
        # the ranking before the weights: at 1280x720 (a beamer) the two shared the height and it showed 3 of 12
        # projects; now at least its header and eight rows (the weights table scrolls)
        self.rank_view.setMinimumHeight(9 * (self.rank_view.fontMetrics().height() + 6) + 6)
        rl.addWidget(self.rank_view, 3)
        sens = QHBoxLayout()
        sens.addWidget(QLabel(tr("Gevoeligheid: gewichten ±")))
        self.variation = QSpinBox()
        self.variation.setRange(0, 100)
        self.variation.setValue(25)
        self.variation.setSuffix(" %")
        sens.addWidget(self.variation)
        sens.addWidget(QLabel(tr("willekeurige sets")))
        self.runs = QSpinBox()
        self.runs.setRange(0, 10000)
        self.runs.setValue(200)
        sens.addWidget(self.runs)
        sens.addStretch(1)
        self._connect(self.variation.valueChanged, self._rerank)
        self._connect(self.runs.valueChanged, self._rerank)
        rl.addLayout(sens)
        self.weights = QTableWidget(0, 4)
        self.weights.setHorizontalHeaderLabels([tr("Code"), tr("Criterium"), tr("Groep"), tr("Gewicht")])
        self.weights.horizontalHeader().setStretchLastSection(True)
        self.weights.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.weights.setMaximumHeight(220)
        rl.addWidget(self.weights, 1)
        wrow = QHBoxLayout()
        self.save_weights = QPushButton(tr("Gewichten opslaan"))
        self.save_weights.setEnabled(False)
        self._connect(self.save_weights.clicked, self.store_weights)
        self.reset_weights = QPushButton(tr("Opgeslagen gewichten terugzetten"))
        self._connect(self.reset_weights.clicked, self.reload)
        wrow.addWidget(self.save_weights)
        wrow.addWidget(self.reset_weights)
        wrow.addStretch(1)
        rl.addLayout(wrow)
        self.rank_tab = self.tabs.addTab(rank_tab, tr("Rangorde"))
        for view in (self.assessors, self.evidence, self.rank_view, self.weights):
            no_tab_trap(view)
        self._connect(self.tabs.currentChanged, self._on_tab)

        # decisions (for the selected project in either tab)
        drow = QHBoxLayout()
        self.include_button = QPushButton(tr("Opnemen…"))
        self.drop_button = QPushButton(tr("Laten afvallen…"))
        self.candidate_button = QPushButton(tr("Terug naar kandidaat"))
        self.export_button = QPushButton(tr("Lijst afgevallen…"))
        self._connect(self.include_button.clicked, self._include_clicked)
        self._connect(self.drop_button.clicked, self._drop_clicked)
        self._connect(self.candidate_button.clicked, self._candidate_clicked)
        self._connect(self.export_button.clicked, self.export_afgevallen)
        for b in (self.include_button, self.drop_button, self.candidate_button, self.export_button):
            drow.addWidget(b)
        lay.addLayout(drow)
        self.setWidget(root)

    def _show_assessor(self):
        self.assessor_label.setText(tr("Beoordelaar: {}").format(assessor_text()))

    def choose_assessor(self):
        """Set the session's assessor (name, organisation, role) once; remembered in QGIS settings."""
        dialog = AssessorDialog(self)
        self._dialog = dialog
        try:
            ok = dialog.exec()
        finally:
            self._dialog = None
        self._show_assessor()
        return bool(ok)

    # ---- data ----------------------------------------------------------------------------
    def werkbank_path(self):
        return self.session.werkbank_path() if self.session is not None else ""

    def _open(self, readonly=False):
        """The session's werkbank (one connection per session, checked once; ``with`` keeps it open), or one
        opened for this call without a session."""
        if self.session is not None:
            return self.session.werkbank(readonly=readonly)
        from ..werkbank import open_werkbank

        return open_werkbank(self.werkbank_path(), readonly=readonly)

    def _on_data_changed(self, table):
        if table and table == self._applied:
            return  # this dock made the change and has already updated itself
        if table in ("project_links", "developments"):
            # ratings, totals and ranks do not depend on links or developments: only the evidence of the cell
            # shown does (a full reload took seconds at province size, issue 19)
            pid, cid = self._cell_key(self.grid.currentIndex())
            if pid is not None and cid:
                self._fill_evidence(pid, cid)
            return
        if self.projects is None or table in ("criteria", ""):
            self.reload()
        elif table == "scores":
            self._scores_changed()
        elif table == "projects":
            self._projects_changed()

    def reload(self, *args):
        """Read everything again (werkbank opened, criteria changed, weights reset) and rebuild both tables."""
        from ..scoring import criteria as K
        from ..scoring import ranking as R
        from ..scoring import scores as S

        path = self.werkbank_path()
        self._grid_rows, self._rank_rows = {}, {}
        # the chosen cell's panel belongs to the grid it came from: after another werkbank it named a project that
        # is not in this one
        self.cell_summary.setText(tr("Kies een cel in het raster."))
        self.assessors.setRowCount(0)
        self.evidence.setRowCount(0)
        if not path:
            self.projects, self.criteria, self.cons, self.ranking = None, [], None, None
            self.info.setText(tr("Geen werkbank geopend. Open een werkbank via het menu pMIEK Werkbank."))
            self.grid_model.set_rows([], [], [])
            self.rank_model.set_rows([], [], [])
            self.weights.setRowCount(0)
            return
        try:
            with self._open(readonly=True) as wb:
                projects = R.projects_frame(wb)
                self.criteria = K.criteria_list(wb)
                self.scores = S.scores_frame(wb)
                name = wb.programme().get("name")
        except Exception as e:  # noqa: BLE001 - show, do not crash the dock
            self.info.setText(tr("Werkbank niet leesbaar: {}").format(e))
            return
        self._set_projects(projects)
        self.rank_model.set_rows([], [], [])  # refilled when the Rangorde tab is shown
        self.cons = S.consensus(self.scores, self.criteria)
        self._weights = {c["criterion_id"]: float(c["weight"]) for c in self.criteria}
        self._programme_name = name
        self._show_info()
        self._fill_weights()
        self.save_weights.setEnabled(False)
        self._rerank()
        self.refresh_constraint_layers()

    def _show_info(self):
        self.info.setText(tr("{}: {} projecten, {} criteria. Dubbelklik een cel om te beoordelen.").format(
            self._programme_name, len(self.projects), len(self.criteria)))

    def _set_projects(self, projects):
        """The projects in grid order: the ranking's own label order (code or name in natural order, then id)."""
        import numpy as np

        from ..scoring import ranking as R

        projects = projects.reset_index(drop=True)
        self.projects = projects.iloc[np.argsort(R.label_order(projects), kind="stable")].reset_index(drop=True)

    # ---- incremental updates (issue 19: a rating or status edit updates what changed) -------------------------
    def _read(self, fn, wb=None):
        """``fn(wb)`` on the given open werkbank or on one opened read-only; None (and said) when unreadable."""
        try:
            if wb is not None:
                return fn(wb)
            with self._open(readonly=True) as opened:
                return fn(opened)
        except Exception as e:  # noqa: BLE001 - show, do not crash the dock
            self.info.setText(tr("Werkbank niet leesbaar: {}").format(e))
            return None

    def _scores_changed(self, pairs=None, wb=None):
        """Ratings changed: of ``pairs`` [(project_id, criterion_id)] only (read back and recomputed), or any
        (``None``: all ratings read again; only the projects whose consensus differs are redrawn)."""
        from ..scoring import scores as S

        def read(wb):
            if pairs is None:
                return S.scores_frame(wb)
            return [wb.read_frame("scores", where="project_id = ? AND criterion_id = ?", params=(p, c))
                    for p, c in pairs]

        fresh = self._read(read, wb)
        if fresh is None:
            return
        if pairs is None:
            old = self.cons
            self.scores = fresh
            self.cons = S.consensus(fresh, self.criteria)
            dirty = _changed_projects(old, self.cons)
        else:
            for (p, c), rows in zip(pairs, fresh):
                self.scores = _replace_pair(self.scores, p, c, rows)
            self.cons = S.consensus_update(self.cons, self.scores, self.criteria, pairs)
            dirty = {p for p, _ in pairs}
        self._rerank(dirty=dirty)
        pid, cid = self._cell_key(self.grid.currentIndex())
        if pid in dirty and cid:
            self._show_ratings(pid, cid)

    def _projects_changed(self, ids=None, wb=None):
        """Projects changed (status, code, name, ...): ``ids`` only, or all re-read and compared.  A project
        added or deleted rebuilds the two tables (ratings and consensus are kept); otherwise only the rows that
        differ are redrawn."""
        from ..scoring import ranking as R

        def read(wb):
            if ids is None:
                return R.projects_frame(wb)
            marks = ", ".join("?" for _ in ids)
            return wb.read_frame("projects", geometry=False, where="project_id IN ({})".format(marks),
                                 params=tuple(ids))

        fresh = self._read(read, wb)
        if fresh is None:
            return
        import pandas as pd

        old = self.projects
        if ids is None:
            projects = fresh  # a project added or deleted: the tables are rebuilt, the ratings are not re-read
        else:
            if set(fresh["project_id"]) != set(ids) or not set(ids) <= set(old["project_id"]):
                self.reload()
                return
            if self._carry_along(fresh):
                return
            keep = old[~old["project_id"].isin(set(ids))]
            projects = pd.concat([keep, _typed_like(fresh, keep)], ignore_index=True) if len(keep) else fresh
        self._set_projects(projects)
        self._show_info()
        self._rerank()

    def _carry_along(self, fresh):
        """Projects re-read after an edit that changes neither the grid order nor the ranking (code and name,
        who is ranked and who is confidential the same; e.g. a status between kandidaat and opgenomen): their
        values are written into the projects and the ranking in place (the ranking only carries status and
        reason along, scoring.ranking.rank_table) and only their rows redrawn, without ranking 6,000 projects
        again (issue 19).  False (nothing changed) when the edit needs the full path."""
        import pandas as pd

        from ..programme.visibility import confidential_mask
        from ..scoring import ranking as R
        from ..tabular import same_or_missing

        proj, ranking = self.projects, self.ranking
        if ranking is None or not set(fresh.columns) <= set(proj.columns):
            return False
        at = pd.Index(proj["project_id"]).get_indexer(fresh["project_id"])
        old = proj.iloc[at].reset_index(drop=True)
        fresh = fresh.reset_index(drop=True)
        changed = [c for c in fresh.columns if not same_or_missing(old[c].to_numpy(dtype=object),
                                                                   fresh[c].to_numpy(dtype=object)).all()]
        if {"code", "name"} & set(changed) or (
                list(R.rank_population(old)) != list(R.rank_population(fresh))
                or list(confidential_mask(old)) != list(confidential_mask(fresh))):
            return False
        in_ranking = [c for c in changed if c in ranking.columns]
        rank_at = pd.Index(ranking["project_id"]).get_indexer(fresh["project_id"])
        if (at < 0).any() or (rank_at < 0).any() or any(ranking[c].dtype != object for c in in_ranking):
            return False
        parts = ((proj, at, changed), (ranking, rank_at, in_ranking))
        if any(frame[c].dtype != fresh[c].dtype and object not in (frame[c].dtype, fresh[c].dtype)
               for frame, _, cols in parts for c in cols):
            return False  # e.g. whole numbers that become decimals: the full path
        for frame, rows, cols in parts:
            for c in cols:
                if frame[c].dtype != fresh[c].dtype:
                    frame[c] = frame[c].astype(object)  # text where all were empty: as a fresh read types it
                frame.iloc[rows, frame.columns.get_loc(c)] = fresh[c].to_numpy(dtype=frame[c].dtype)
        shown = self.tabs.currentIndex() == self.rank_tab
        self._fill_grid(only=set(fresh["project_id"]))
        self._rank_stale = self._rank_stale or not shown
        if shown:
            self._fill_ranking()
        return True

    def _rerank(self, *args, dirty=()):
        """Rank again (scoring.ranking.rank_programme, the one ranking of every output) and redraw the rows that
        changed; ``dirty``: projects whose ratings changed (their grid cells are redrawn too)."""
        from ..scoring import ranking as R

        if self.projects is None:
            return
        # the programme ranking (scoring.ranking.RANK_RULE): the same ranks as scoreprojects, fiches and atlas.
        # The rank range (±p %, random weight sets: most of the time at 6,000 projects) only when the Rangorde
        # tab shows it; otherwise rank_min = rank_max = rank and that tab is filled when it is opened.  The
        # ranks of every variant are kept (state) and updated for the projects whose points changed.
        shown = self.tabs.currentIndex() == self.rank_tab
        self.ranking = R.rank_programme(self.projects, self.criteria, self.cons, self._weights,
                                        self.variation.value() if shown else 0.0, self.runs.value() if shown else 0,
                                        state=self._rank_state)
        self._fill_grid(set(dirty))
        self._rank_stale = not shown
        if shown:
            self._fill_ranking()

    def _on_tab(self, index):
        if index == self.rank_tab and self._rank_stale:
            self._rerank()

    # ---- grid ------------------------------------------------------------------------------------
    def _grid_headers(self):
        from ..werkbank import enums as E

        headers = [(tr("Code"), tr("Projectcode")), (tr("Project"), tr("Naam van het project"))]
        for c in self.criteria:
            headers.append((c["criterion_id"], "{} {} ({}, gewicht {}){}".format(
                c["criterion_id"], c["name"], E.label(E.CRITERION_GROUPS, c["grp"]), _num(self._weights.get(
                    c["criterion_id"], c["weight"])), "" if c["counted"] else tr(" – informatief, telt niet"))))
        headers += [(tr("Totaal"), tr("Som van punten × gewicht")), (tr("Rang"), tr("Rang (1 = hoogste)")),
                    (tr("Volledig"), tr("Alle tellende criteria hebben een waarde"))]
        return headers

    def _fill_grid(self, dirty=(), only=None):
        """The grid: rows are rebuilt only for projects in ``dirty`` or whose code, name, status, total, rank or
        completeness changed; the model is reset only when projects come or go.  ``only``: the projects whose
        rows can have changed (an edit of known rows); the others keep their rows without being compared."""
        r = self.ranking
        projects = list(zip(self.projects["project_id"], self.projects["code"], self.projects["name"],
                            self.projects["status"]))
        cache = self._grid_rows
        if only is not None and all(p[0] in cache for p in projects):
            r = r[r["project_id"].isin(set(only))]
            check = [p for p in projects if p[0] in only]
        else:
            check = projects
        facts = dict(zip(r["project_id"], zip(*(plain_column(r[c]) for c in ("total", "rank", "ranked", "complete",
                                                                              "missing")))))
        todo, redraw = [], []
        for p in check:
            sig = (p[1], p[2], p[3]) + facts[p[0]]
            hit = cache.get(p[0])
            if p[0] in dirty or hit is None:
                todo.append(p)  # its criterion cells change (or are not built yet)
            elif hit[0] != sig:
                redraw.append((p, sig))  # only code, name, total, rank, completeness cells
        if todo:
            pids = {p[0] for p in todo}
            cons = self.cons if len(pids) > 50 else self.cons[self.cons["project_id"].isin(pids)]
            by_project = {}
            for k in cons.itertuples(index=False):
                by_project.setdefault(k.project_id, {})[k.criterion_id] = k
            for p in todo:
                redraw.append((p, (p[1], p[2], p[3]) + facts[p[0]]))
                cache[p[0]] = (None, None, self._criterion_cells(p[0], by_project.get(p[0], {})))
        for p, sig in redraw:
            crit = cache[p[0]][2]
            lead, tail = self._grid_ends(p, facts[p[0]])
            cache[p[0]] = (sig, lead + crit + tail, crit)
        cells = [cache[p[0]][1] for p in projects]
        keys = [p[0] for p in projects]
        current = self.grid.currentIndex()
        changed = self.grid_model.update_rows(self._grid_headers(), cells, keys)
        if changed is None:  # reset
            self._grid_widths()
            if current.isValid() and current.row() < len(cells):
                self.grid.setCurrentIndex(self.grid_model.index(current.row(), current.column()))
        else:
            n = self.grid_model.columnCount()
            ends = {0, n - 3, n - 2, n - 1}
            rebuilt = {p[0] for p in todo}  # projects whose criterion cells are new: all columns measured
            fit_columns(self.grid, changed, skip={1},
                         cols=None if rebuilt & set(keys[i] for i in changed) else ends)

    def _grid_ends(self, p, facts):
        """The code and name cells and the total, rank and completeness cells of one project's grid row:
        ``p`` (id, code, name, status), ``facts`` (total, rank, ranked, complete, missing) from the ranking."""
        pid, code, name, status = p
        total, rank, ranked, complete, missing = facts
        complete = bool(complete)
        lead = [{DISPLAY: code or "", USER: pid}, {DISPLAY: name or "", USER: pid}]
        if not complete:
            tip = tr("Onvolledig: geen waarde voor {}").format(missing)
            for cell in lead:
                cell[BACKGROUND] = QBrush(COLOUR_INCOMPLETE)
                cell[TOOLTIP] = tip
        if status == "afgevallen":
            for cell in lead:
                cell[FOREGROUND] = QBrush(COLOUR_AFGEVALLEN)
        for cell in lead:
            cell.setdefault(TOOLTIP, cell[DISPLAY])
        tail = [{DISPLAY: _num(total), USER: pid, ALIGN: int(Qt.AlignmentFlag.AlignRight)},
                {DISPLAY: str(int(rank)) if ranked else "–", USER: pid},
                {DISPLAY: tr("ja") if complete else tr("nee"), USER: pid,
                 BACKGROUND: None if complete else QBrush(COLOUR_INCOMPLETE)}]
        return lead, tail

    def _criterion_cells(self, pid, kons):
        """One project's cells per criterion from its consensus rows ``kons`` {criterion_id: row}."""
        row = []
        texts = self.__dict__.setdefault("_points_texts", {})  # points -> formatted text (few distinct values)
        for c in self.criteria:
            cell = {USER: (pid, c["criterion_id"]), ALIGN: int(Qt.AlignmentFlag.AlignCenter)}
            k = kons.get(c["criterion_id"])
            if k is None:
                cell[DISPLAY] = ""
                cell[TOOLTIP] = tr("Nog niet beoordeeld")
                if c["counted"]:
                    cell[BACKGROUND] = QBrush(COLOUR_MISSING)
            else:
                ratings = [a[1] for a in k.assessors]
                side = " / ".join(ratings)
                if k.state == "oneens":
                    cell[DISPLAY] = "⚠ " + side
                    cell[BACKGROUND] = QBrush(COLOUR_DISAGREE)
                elif k.state == "vastgesteld":
                    cell[DISPLAY] = "✔ {}{}".format(k.value, " ({})".format(side) if k.differ else "")
                    cell[BACKGROUND] = QBrush(COLOUR_AGREED)
                else:
                    cell[DISPLAY] = k.value if k.n_assessors == 1 else "{} (×{})".format(k.value, k.n_assessors)
                pts = texts.get(k.points)
                if pts is None:
                    pts = texts[k.points] = _num(k.points)
                if pts and c["counted"]:
                    cell[DISPLAY] += " [{}]".format(pts)
                short = pts if (pts and c["counted"]) else compact_fact(k.value)
                cell[COMPACT] = {"oneens": "⚠", "vastgesteld": "✔" + short}.get(k.state, short)
                cell[TOOLTIP] = cell[DISPLAY] + "\n" + "\n".join(
                    "{}{} ({}, {}): {}".format("✔ " if a[4] else "", a[0], a[2] or "-", a[3], a[1])
                    for a in k.assessors) + ("\n" + tr("Beoordelaars oneens; geen vastgestelde waarde.")
                                             if k.state == "oneens" else "")
            row.append(cell)
        return row

    def _grid_widths(self):
        """The project name gets a fixed, eliding column so A–H, total and rank stay in view."""
        n = self.grid_model.columnCount()
        if n > 1:
            # compact: 'Volledig' is already the row colour (yellow = incomplete); its column makes room for Rang
            for j in range(n):
                self.grid.setColumnHidden(j, self.grid_model.compact and self.grid_model.headers[j][0] == tr(
                    "Volledig"))
            fit_columns(self.grid, skip={1})
            # compact: a short name (whole in the tooltip) leaves room for a written H ("€ 40 mln") and the rank at 1366 px
            self.grid.setColumnWidth(1, 100 if self.grid_model.compact else 240)

    def _on_compact(self, on):
        self.grid_model.set_compact(on)
        self._grid_widths()

    def _criterion(self, cid):
        return next((c for c in self.criteria if c["criterion_id"] == cid), None)

    def _cell_key(self, index):
        if not index.isValid():
            return None, None
        key = self.grid_model.data(index, USER)
        if isinstance(key, tuple):
            return key
        return key, None

    def _on_grid_current(self, current, previous=None):
        pid, cid = self._cell_key(current)
        self._show_cell(pid, cid)

    def _show_cell(self, pid, cid):
        self.evidence.setRowCount(0)
        if self._show_ratings(pid, cid):
            self._fill_evidence(pid, cid)

    def _show_ratings(self, pid, cid):
        """The summary and every assessor's rating of one cell; False when no cell (project × criterion)."""
        from ..werkbank import enums as E

        self.assessors.setRowCount(0)
        if pid is None:
            return False
        name = self.projects.set_index("project_id").loc[pid, "name"]
        if cid is None:
            self.cell_summary.setText(tr("Project {}: kies een criterium.").format(name))
            return False
        crit = self._criterion(cid)
        rows = self.scores[(self.scores["project_id"] == pid) & (self.scores["criterion_id"] == cid)]
        k = self.cons[(self.cons["project_id"] == pid) & (self.cons["criterion_id"] == cid)]
        if not len(k):
            summary = tr("nog niet beoordeeld")
        else:
            k = k.iloc[0]
            summary = {"vastgesteld": tr("telt: {} (vastgesteld)"), "unaniem": tr("telt: {} (unaniem)"),
                       "oneens": tr("beoordelaars oneens – telt niet tot er een vastgestelde waarde is{}")}[
                k["state"]].format(k["value"] or "")
        self.cell_summary.setText("<b>{} – {} {}</b>: {}".format(name, cid, crit["name"], summary))
        for r in rows.itertuples(index=False):
            n = self.assessors.rowCount()
            self.assessors.insertRow(n)
            vals = [r.assessor, E.label(E.ASSESSOR_ROLES, r.assessor_role) if r.assessor_role else "", r.rating,
                    r.score_date, tr("ja") if r.agreed else "", r.rationale]
            for j, v in enumerate(vals):
                item = QTableWidgetItem(str(v))
                item.setToolTip(str(v))
                self.assessors.setItem(n, j, item)
        return True

    def _fill_evidence(self, pid, cid):
        from ..scoring import evidence as EV

        try:
            with self._open(readonly=True) as wb:
                facts = EV.evidence_facts(wb, pid, cid, self._constraints_for_f() if cid.upper() == "F" else None)
        except Exception as e:  # noqa: BLE001
            facts = [(tr("Fout"), str(e))]
        if not facts:
            facts = [(tr("Feiten"), tr("geen automatische feiten voor dit criterium"))]
        self.evidence.setRowCount(len(facts))
        for i, (label, value) in enumerate(facts):
            self.evidence.setItem(i, 0, QTableWidgetItem(label))
            self.evidence.setItem(i, 1, QTableWidgetItem(value))

    def _on_grid_double_clicked(self, index):
        pid, cid = self._cell_key(index)
        if pid is not None and cid is not None:
            self.open_rating_dialog(pid, cid)

    def rate_current(self):
        pid, cid = self._cell_key(self.grid.currentIndex())
        if pid is None or cid is None:
            tell(self.iface, TITLE, tr("Kies eerst een cel (project × criterium)."), Qgis.MessageLevel.Info, 5)
            return
        self.open_rating_dialog(pid, cid)

    def rating_dialog(self, pid, cid):
        """The (not yet shown) dialog for one project × criterion; accepting it records the rating."""
        crit = self._criterion(cid)
        p = self.projects.set_index("project_id").loc[pid]
        label = "{} {}".format(p["code"] or "", p["name"]).strip()
        mine = self.scores[(self.scores["project_id"] == pid) & (self.scores["criterion_id"] == cid)
                           & (self.scores["assessor"] == default_assessor())]
        current = mine.iloc[0].to_dict() if len(mine) else None

        def submit(v):
            self.apply_rating(pid, cid, v["rating"], v["rationale"], v["assessor"], v["role"], v["date"],
                              v["agreed"], organisation=v["organisation"])

        return RatingDialog(label, crit, self, current=current, submit=submit)

    def open_rating_dialog(self, pid, cid):
        self._dialog = self.rating_dialog(pid, cid)
        try:
            self._dialog.exec()
        finally:
            self._dialog = None
        self._show_assessor()

    def apply_rating(self, pid, cid, rating, rationale, assessor, role=None, date=None, agreed=False,
                     organisation=None):
        """Record a rating (raises ScoringError with a Dutch message) and refresh."""
        from ..scoring import scores as S

        with self._open() as wb:
            # one write through the storage API (rating and organisation together): one audit entry by the user
            S.record_score(wb, pid, cid, rating, rationale, assessor, role=role,
                           date=date or _dt.date.today().isoformat(), agreed=agreed, organisation=organisation)
            # only this cell's ratings are read back; consensus and ranking are updated, not rebuilt (issue 19)
            self._scores_changed([(pid, cid)], wb)
        self._changed("scores", applied=True)

    def _changed(self, table, applied=False, rows=None):
        """Tell the other docks; ``applied``: this dock has already updated itself for the change; ``rows``: the
        ids of the only rows whose attributes changed (Session.emit_rows_changed)."""
        if self.session is None:
            if not applied:
                self.reload()
            return
        self._applied = table if applied else None
        try:
            if rows is None:
                self.session.dataChanged.emit(table)
            else:
                self.session.emit_rows_changed(table, rows)
        finally:
            self._applied = None

    # ---- evidence layers ---------------------------------------------------------------------------
    def refresh_constraint_layers(self):
        checked = {self.constraints.item(i).data(USER) for i in range(self.constraints.count())
                   if self.constraints.item(i).checkState() == Qt.CheckState.Checked}
        self.constraints.blockSignals(True)
        self.constraints.clear()
        for layer in QgsProject.instance().mapLayers().values():
            if not isinstance(layer, QgsVectorLayer) or not layer.isSpatial():
                continue
            if layer.customProperty("pmiek/table"):
                continue  # the werkbank's own layers are no constraints
            if QgsWkbTypes.geometryType(layer.wkbType()) != QgsWkbTypes.GeometryType.PolygonGeometry:
                continue
            item = QListWidgetItem(layer.name())
            item.setData(USER, layer.id())
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if layer.id() in checked else Qt.CheckState.Unchecked)
            self.constraints.addItem(item)
        self.constraints.blockSignals(False)

    def _on_constraint_toggled(self, item):
        pid, cid = self._cell_key(self.grid.currentIndex())
        if pid is not None and cid and cid.upper() == "F":
            self._fill_evidence(pid, cid)

    def _constraints_for_f(self):
        from ..layers.qgis_io import layer_to_frame

        out = {}
        for i in range(self.constraints.count()):
            item = self.constraints.item(i)
            if item.checkState() != Qt.CheckState.Checked:
                continue
            layer = QgsProject.instance().mapLayer(item.data(USER))
            if layer is None:
                continue
            gdf = self._constraint_frames.get(layer.id())
            if gdf is None:
                gdf = layer_to_frame(layer)
                if gdf.crs is not None:
                    gdf = gdf.to_crs("EPSG:28992")
                self._constraint_frames[layer.id()] = gdf
            out[layer.name()] = gdf
        return out

    # ---- ranking and weights ---------------------------------------------------------------------
    def _fill_weights(self):
        from ..werkbank import enums as E

        self.weights.setRowCount(0)
        for c in self.criteria:
            if not c["counted"]:
                continue
            n = self.weights.rowCount()
            self.weights.insertRow(n)
            self.weights.setItem(n, 0, QTableWidgetItem(c["criterion_id"]))
            self.weights.setItem(n, 1, QTableWidgetItem(c["name"]))
            self.weights.setItem(n, 2, QTableWidgetItem(E.label(E.CRITERION_GROUPS, c["grp"])))
            spin = QDoubleSpinBox()
            spin.setRange(0.0, 100.0)
            spin.setDecimals(2)
            spin.setSingleStep(0.25)
            spin.setValue(float(c["weight"]))
            spin.setObjectName("weight_" + c["criterion_id"])
            spin.valueChanged.connect(self._weight_slot(c["criterion_id"]))
            self.weights.setCellWidget(n, 3, spin)

    def _weight_slot(self, cid):
        def changed(value):
            self.set_weight(cid, value)

        return changed

    def set_weight(self, cid, value):
        """Change a weight in the dock (not yet stored): re-ranks immediately."""
        self._weights[cid] = float(value)
        stored = {c["criterion_id"]: float(c["weight"]) for c in self.criteria}
        self.save_weights.setEnabled(any(abs(stored[k] - v) > 1e-12 for k, v in self._weights.items()))
        self._rerank()

    def store_weights(self):
        from ..scoring import criteria as K

        try:
            with self._open() as wb:
                K.set_weights(wb, {k: v for k, v in self._weights.items()})
        except Exception as e:  # noqa: BLE001
            tell(self.iface, TITLE, str(e), Qgis.MessageLevel.Critical, 10)
            return
        self._changed("criteria")

    def _fill_ranking(self):
        """The ranking tab, best first: rows are rebuilt only for projects whose shown values changed; a changed
        order moves the rows (layout change), it does not reset the model."""
        from ..werkbank import enums as E

        r = self.ranking
        groups = [c for c in r.columns if c.startswith("subtotal_")]
        headers = [(tr("Rang"), tr("Rang (1 = hoogste totaal)")),
                   (tr("Bereik"), tr("Rangbereik bij gewichten ±{} % en {} willekeurige sets").format(
                       self.variation.value(), self.runs.value())),
                   (tr("Code"), ""), (tr("Project"), ""), (tr("Totaal"), tr("Som van punten × gewicht"))]
        headers += [(E.label(E.CRITERION_GROUPS, g[len("subtotal_"):]), tr("Subtotaal")) for g in groups]
        headers += [(tr("Volledig"), ""), (tr("Oneens"), tr("Criteria waarover beoordelaars het oneens zijn")),
                    (tr("Status"), "")]
        names = ["project_id", "ranked", "rank_note", "rank", "rank_min", "rank_max", "code", "name", "total",
                 "complete", "missing", "disagreement", "disputed", "status", "status_reason"] + groups
        cache = self._rank_rows
        cells = []
        sigs = zip(*(plain_column(r[c]) for c in names))
        for vals, sig in zip(zip(*(r[c] for c in names)), sigs):
            sig = sig + (len(groups),)
            hit = cache.get(vals[0])
            if hit is None or hit[0] != sig:
                hit = cache[vals[0]] = (sig, self._rank_row(dict(zip(names, vals)), groups, E))
            cells.append(hit[1])
        changed = self.rank_model.update_rows(headers, cells, list(r["project_id"]))
        fit_columns(self.rank_view, changed)

    def _rank_row(self, row, groups, E):
        bg = None if row["complete"] else QBrush(COLOUR_INCOMPLETE)
        if not row["ranked"]:  # afgevallen or vertrouwelijk: no rank (RANK_RULE)
            rng, rank_text = row["rank_note"], "–"
        else:
            rng = "{}–{}".format(row["rank_min"], row["rank_max"]) if row["rank_min"] != row["rank_max"] else str(
                row["rank_min"])
            rank_text = str(row["rank"])
        vals = [rank_text, rng, row["code"] or "", row["name"] or "", _num(row["total"])]
        vals += [_num(row[g]) for g in groups]
        vals += [tr("ja") if row["complete"] else tr("nee ({})").format(row["missing"]),
                 ("⚠ " + row["disputed"]) if row["disagreement"] else "",
                 E.label(E.PROJECT_STATUS, row["status"])]
        cell_row = []
        for j, v in enumerate(vals):
            cell = {DISPLAY: v, USER: row["project_id"]}
            if bg is not None:
                cell[BACKGROUND] = bg
            if row["disagreement"] and j == len(vals) - 2:
                cell[BACKGROUND] = QBrush(COLOUR_DISAGREE)
            if row["status"] == "afgevallen":
                cell[FOREGROUND] = QBrush(COLOUR_AFGEVALLEN)
            if j == 3 and row["status_reason"]:
                cell[TOOLTIP] = tr("Reden: {}").format(row["status_reason"])
            cell_row.append(cell)
        return cell_row

    # ---- decisions --------------------------------------------------------------------------------
    def selected_project(self):
        if self.tabs.currentIndex() == 1:
            idx = self.rank_view.currentIndex()
            return self.rank_model.data(idx, USER) if idx.isValid() else None
        pid, _ = self._cell_key(self.grid.currentIndex())
        return pid

    def decide(self, pid, status, reason):
        """Set the status (refused without reason, Dutch ScoringError) and refresh."""
        from ..scoring import decisions as D

        with self._open() as wb:
            D.set_status(wb, pid, status, reason)
            self._projects_changed([pid], wb)
        self._changed("projects", applied=True, rows=[pid])  # its status and reason only

    def decision_dialog(self, pid, status):
        """The (not yet shown) reason dialog of a decision on project ``pid``; accepting it records the status."""
        title, question = DECISIONS[status]
        p = self.projects.set_index("project_id").loc[pid]
        label = "{} {}".format(p["code"] or "", p["name"]).strip()
        return ReasonDialog(tr(title), tr(question), label, self,
                            submit=lambda reason: self.decide(pid, status, reason))

    def _ask_decision(self, status):
        pid = self.selected_project()
        if pid is None:
            tell(self.iface, TITLE, tr("Kies eerst een project."), Qgis.MessageLevel.Info, 5)
            return
        self._dialog = self.decision_dialog(pid, status)
        try:
            self._dialog.exec()
        finally:
            self._dialog = None

    def _include_clicked(self):
        self._ask_decision("opgenomen")

    def _drop_clicked(self):
        self._ask_decision("afgevallen")

    def _candidate_clicked(self):
        pid = self.selected_project()
        if pid is not None:
            try:
                self.decide(pid, "kandidaat", None)
            except Exception as e:  # noqa: BLE001
                tell(self.iface, TITLE, str(e), Qgis.MessageLevel.Warning, 10)

    def export_afgevallen(self):
        from ..scoring import decisions as D

        from .files import save_file, werkbank_folder

        path = save_file(self, tr("Lijst afgevallen projecten"), tr("Excel (*.xlsx);;CSV (*.csv)"),
                         "afgevallen_projecten.xlsx", self.werkbank_path(), folder=werkbank_folder(self.werkbank_path()))
        if not path:
            return
        try:
            with self._open(readonly=True) as wb:
                n = D.export_afgevallen(wb, path)
        except Exception as e:  # noqa: BLE001
            tell(self.iface, TITLE, str(e), Qgis.MessageLevel.Critical, 10)
            return
        tell(self.iface, TITLE, tr("{} afgevallen projecten geschreven naar {}.").format(n, path),
             Qgis.MessageLevel.Success, 5)

    # ---- life cycle ---------------------------------------------------------------------------------
    def cleanup(self):
        """Disconnect everything this dock connected (plugin.unload calls this)."""
        self._disconnect_all()
        for i in range(self.weights.rowCount()):
            w = self.weights.cellWidget(i, 3)
            if w is not None:
                try:
                    w.valueChanged.disconnect()
                except (TypeError, RuntimeError):
                    pass
        if self._dialog is not None:
            self._dialog.reject()
            self._dialog = None
        self._constraint_frames = {}
        self.session = None
