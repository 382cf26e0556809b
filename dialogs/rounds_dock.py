"""Dock 'Rondes en ontwikkelvarianten': freeze and compare rounds, define and compare variants, export a package.

Three tabs:

- *Rondes*: the rounds recorded in the werkbank, "Ronde bevriezen…", and a
  comparison of two rounds (or a round and the current werkbank) into a table,
  saved as XLSX/CSV on request;
- *Ontwikkelvarianten*: the variants with their projects (checkable),
  scenario assumptions (JSON), "Opslaan", "Verwijderen" and "Varianten
  vergelijken" (side-by-side table + one map layer per variant, styled by
  balance status; the layers are removed again by ``cleanup()``);
- *Uitwisseling*: "Pakket exporteren…" (GeoPackage + GeoJSON + data
  dictionary, optionally ESDL), "Pakket importeren…".

The work is done by ``programme/*`` (pure logic); the methods ``freeze``,
``compare``, ``save_variant``, ``compare_variants`` and ``export_to`` do it
without dialogs (used by the buttons and by tests).
"""

import datetime as _dt
import os

from qgis.core import (
    Qgis,
    QgsFeature,
    QgsGeometry,
    QgsProject,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QCoreApplication, Qt
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDockWidget,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from ..connections import ConnectionsMixin
from ..layers.project import style_by_status  # the one palette
from ..layers.fieldtypes import make_field
from .messages import TITLE, tell

CURRENT = "__huidig__"
LAYER_PREFIX = "Variant: "
# what the variant form's project list shows (compared after a project edit: unchanged, nothing is redrawn)
PROJECTS_SQL = "SELECT project_id, code, name, confidential FROM projects ORDER BY code, name"


def tr(text):
    return QCoreApplication.translate("RoundsDock", text)


def _cell(v):
    if v is None:
        return ""
    try:
        if v != v:
            return ""
    except (TypeError, ValueError):
        pass
    if isinstance(v, float):
        from ..formatting import fmt_num  # the one Dutch number formatter: 246,3 and 1 234 567

        return fmt_num(v, 0 if abs(v) >= 1e5 else 1)
    return str(v)


DIFF_COLUMNS = ("code", "naam", "wijziging", "toelichting", "veld", "oud", "nieuw")  # first in the dock's table


def fill_table(widget, frame):
    widget.clear()
    widget.setRowCount(len(frame))
    widget.setColumnCount(len(frame.columns))
    widget.setHorizontalHeaderLabels([str(c) for c in frame.columns])
    for i, row in enumerate(frame.itertuples(index=False)):
        for j, v in enumerate(row):
            widget.setItem(i, j, QTableWidgetItem(_cell(v)))
    widget.resizeColumnsToContents()


class ScenarioTable(QTableWidget):
    """The variant's scenario as a form: per sector a demand factor, a supply factor and a year shift.

    Row 'Alle sectoren' is the ``*`` entry of ``programme.variants`` assumptions; 1,00 and 0 mean
    'unchanged' and are left out.  Numbers are shown the Dutch way (spin boxes in the Dutch locale).
    """

    KEYS = (("demand_factor", "Vraag ×"), ("supply_factor", "Teruglevering ×"), ("year_shift", "Jaren later (+) / eerder (−)"))

    def __init__(self, parent=None):
        from qgis.PyQt.QtCore import QLocale
        from qgis.PyQt.QtWidgets import QDoubleSpinBox, QHeaderView, QSpinBox

        from ..werkbank import enums as E

        super().__init__(0, 4, parent)
        self.setHorizontalHeaderLabels([tr("Sector")] + [tr(t) for _, t in self.KEYS])
        for c in range(4):
            self.horizontalHeaderItem(c).setToolTip(self.horizontalHeaderItem(c).text())
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        dutch = QLocale(QLocale.Language.Dutch, QLocale.Country.Netherlands)
        self.sectors = [("*", tr("Alle sectoren"))] + list(E.SECTORS.items())
        self.setRowCount(len(self.sectors))
        for r, (code, label) in enumerate(self.sectors):
            item = QTableWidgetItem(label)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            item.setData(Qt.ItemDataRole.UserRole, code)
            self.setItem(r, 0, item)
            for c, (key, _) in enumerate(self.KEYS, start=1):
                if key == "year_shift":
                    w = QSpinBox()
                    w.setRange(-30, 30)
                else:
                    w = QDoubleSpinBox()
                    w.setRange(0.0, 20.0)
                    w.setDecimals(2)
                    w.setSingleStep(0.1)
                    w.setValue(1.0)
                w.setLocale(dutch)
                w.setObjectName("{}_{}".format(key, code))
                self.setCellWidget(r, c, w)

    def set_assumptions(self, ass):
        ass = ass or {}
        for r, (code, _) in enumerate(self.sectors):
            for c, (key, _) in enumerate(self.KEYS, start=1):
                value = ass.get(key)
                if isinstance(value, dict):
                    value = value.get(code)
                elif code != "*":
                    value = None
                default = 0 if key == "year_shift" else 1.0
                w = self.cellWidget(r, c)
                w.setValue(int(value) if key == "year_shift" and value is not None else (
                    float(value) if value is not None else default))

    def assumptions(self):
        """The assumptions dict for ``programme.variants.define_variant`` (empty when nothing changes)."""
        out = {}
        for c, (key, _) in enumerate(self.KEYS, start=1):
            per = {}
            for r, (code, _) in enumerate(self.sectors):
                v = self.cellWidget(r, c).value()
                if (key == "year_shift" and int(v) != 0) or (key != "year_shift" and abs(v - 1.0) > 1e-9):
                    per[code] = int(v) if key == "year_shift" else round(float(v), 4)
            if per:
                out[key] = per
        return out


class RoundsDock(ConnectionsMixin, QDockWidget):
    def __init__(self, iface, session, parent=None):
        super().__init__(tr("Rondes en ontwikkelvarianten"), parent)
        self.iface = iface
        self.session = session
        self._connections = []
        self._layer_ids = []
        self._projects = []  # the project list's rows (PROJECTS_SQL)
        self.last_comparison = None
        self.last_variant_table = None

        root = QWidget(self)
        lay = QVBoxLayout(root)
        self.info = QLabel(tr("Geen werkbank geopend."))
        self.info.setWordWrap(True)
        lay.addWidget(self.info)
        self.tabs = QTabWidget(root)
        lay.addWidget(self.tabs)
        self.tabs.addTab(self._rounds_tab(), tr("Rondes"))
        self.tabs.addTab(self._variants_tab(), tr("Ontwikkelvarianten"))
        self.tabs.addTab(self._exchange_tab(), tr("Uitwisseling"))
        self.setWidget(root)

        for signal, slot in (
            (self.freeze_button.clicked, self._on_freeze),
            (self.rounds_folder_button.clicked, self._on_rounds_folder),
            (self.compare_button.clicked, self._on_compare),
            (self.save_report_button.clicked, self._on_save_report),
            (self.variant_list.currentRowChanged, self._on_variant_selected),
            (self.new_variant_button.clicked, self._on_new_variant),
            (self.save_variant_button.clicked, self._on_save_variant),
            (self.delete_variant_button.clicked, self._on_delete_variant),
            (self.compare_variants_button.clicked, self._on_compare_variants),
            (self.export_button.clicked, self._on_export),
            (self.import_button.clicked, self._on_import),
        ):
            self._connect(signal, slot)
        if session is not None:
            self._connect(session.werkbankChanged, self._on_werkbank)
            self._connect(session.dataChanged, self._on_data_changed)
        self.refresh()

    # ---- construction ---------------------------------------------------------------
    @staticmethod
    def _table():
        from .projects_dock import compact_rows  # every dock table: one-line rows, Tab leaves, elided cell's tooltip

        t = QTableWidget()
        compact_rows(t)
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        return t

    def _rounds_tab(self):
        w = QWidget()
        lay = QVBoxLayout(w)
        self.rounds_table = self._table()
        lay.addWidget(QLabel(tr("Bevroren rondes van deze werkbank:")))
        lay.addWidget(self.rounds_table)
        frow = QHBoxLayout()
        self.freeze_button = QPushButton(tr("Ronde bevriezen…"))
        self.rounds_folder = QLineEdit()
        self.rounds_folder.setPlaceholderText(tr("map 'rounds' naast de werkbank"))
        self.rounds_folder.setToolTip(tr("Waar bevroren rondes komen; leeg = de map 'rounds' naast de werkbank"))
        self.rounds_folder_button = QPushButton(tr("Map…"))
        frow.addWidget(self.freeze_button)
        frow.addWidget(self.rounds_folder, 1)
        frow.addWidget(self.rounds_folder_button)
        lay.addLayout(frow)
        row = QHBoxLayout()
        self.old_combo = QComboBox()
        self.new_combo = QComboBox()
        row.addWidget(QLabel(tr("Oud:")))
        row.addWidget(self.old_combo, 1)
        row.addWidget(QLabel(tr("Nieuw:")))
        row.addWidget(self.new_combo, 1)
        lay.addLayout(row)
        row2 = QHBoxLayout()
        self.compare_button = QPushButton(tr("Rondes vergelijken"))
        self.save_report_button = QPushButton(tr("Rapport opslaan (XLSX/CSV)…"))
        self.save_report_button.setEnabled(False)
        row2.addWidget(self.compare_button)
        row2.addWidget(self.save_report_button)
        lay.addLayout(row2)
        self.diff_table = self._table()
        lay.addWidget(self.diff_table, 2)
        return w

    def _variants_tab(self):
        w = QWidget()
        lay = QVBoxLayout(w)
        top = QHBoxLayout()
        self.variant_list = QListWidget()
        self.variant_list.setMaximumHeight(110)
        top.addWidget(self.variant_list, 1)
        col = QVBoxLayout()
        self.new_variant_button = QPushButton(tr("Nieuwe variant"))
        self.delete_variant_button = QPushButton(tr("Verwijderen"))
        col.addWidget(self.new_variant_button)
        col.addWidget(self.delete_variant_button)
        col.addStretch(1)
        top.addLayout(col)
        lay.addLayout(top)
        form = QFormLayout()
        self.variant_name = QLineEdit()
        self.variant_description = QLineEdit()
        form.addRow(tr("Naam"), self.variant_name)
        form.addRow(tr("Omschrijving"), self.variant_description)
        lay.addLayout(form)
        lay.addWidget(QLabel(tr("Scenario per sector (1,00 en 0 = ongewijzigd):")))
        self.scenario = ScenarioTable()
        lay.addWidget(self.scenario, 1)
        lay.addWidget(QLabel(tr("Projecten in deze variant (aanvinken):")))
        self.project_list = QListWidget()
        lay.addWidget(self.project_list, 1)
        row = QHBoxLayout()
        self.save_variant_button = QPushButton(tr("Variant opslaan"))
        self.compare_variants_button = QPushButton(tr("Varianten vergelijken"))
        self.years_edit = QLineEdit()
        self.years_edit.setPlaceholderText(tr("zichtjaren, bijv. 2025,2030,2035"))
        row.addWidget(self.save_variant_button)
        row.addWidget(self.years_edit)
        row.addWidget(self.compare_variants_button)
        lay.addLayout(row)
        self.variant_table = self._table()
        lay.addWidget(self.variant_table, 2)
        return w

    def _exchange_tab(self):
        w = QWidget()
        lay = QVBoxLayout(w)
        intro = QLabel(tr(
            "Uitwisselpakket voor gemeenten en netbeheerders: GeoPackage (RD New), GeoJSON (WGS84), "
            "datadictionary en manifest. Vertrouwelijke projecten blijven weg."))
        intro.setWordWrap(True)
        lay.addWidget(intro)
        form = QFormLayout()
        self.selection_kind = QComboBox()
        self.selection_kind.addItem(tr("Hele programma"), "")
        self.selection_kind.addItem(tr("Gemeente"), "municipality")
        self.selection_kind.addItem(tr("Netbeheerder"), "netbeheerder")
        self.selection_value = QLineEdit()
        form.addRow(tr("Selectie"), self.selection_kind)
        form.addRow(tr("Naam gemeente/netbeheerder"), self.selection_value)
        lay.addLayout(form)
        self.confidential_check = QCheckBox(tr("Vertrouwelijke projecten toch meenemen"))
        self.esdl_check = QCheckBox(tr("Ook ESDL schrijven"))
        from ..programme.esdl_io import MISSING, esdl_available

        if not esdl_available():
            self.esdl_check.setEnabled(False)
            self.esdl_check.setToolTip(tr(MISSING))
        lay.addWidget(self.confidential_check)
        lay.addWidget(self.esdl_check)
        self.export_button = QPushButton(tr("Pakket exporteren…"))
        self.import_button = QPushButton(tr("Pakket importeren als nieuwe werkbank…"))
        lay.addWidget(self.export_button)
        lay.addWidget(self.import_button)
        self.exchange_result = QLabel("")
        self.exchange_result.setWordWrap(True)
        lay.addWidget(self.exchange_result)
        lay.addStretch(1)
        return w

    # ---- helpers ----------------------------------------------------------------------
    def path(self):
        return self.session.werkbank_path() if self.session is not None else ""

    def _message(self, text, level=Qgis.MessageLevel.Info, title=TITLE, more=""):
        """A message in the bar (dialogs.messages.tell): what happened in a short ``title`` ('Ronde bevroren'), a
        file by its name as text and its whole path under 'Meer' (``more``): a path as text wrapped onto the bar's
        half-hidden second line (QGIS 3.40 desktop trial)."""
        tell(self.iface, title, text, level, 8, more=more)

    def _open(self, readonly=True):
        from ..werkbank import open_werkbank

        return open_werkbank(self.path(), readonly=readonly)

    # ---- refresh ----------------------------------------------------------------------
    def _on_werkbank(self, *args):
        """Another werkbank: nothing of the previous one stays (variant form, comparisons, variant layers)."""
        self.last_comparison = None
        self.last_variant_table = None
        self.save_report_button.setEnabled(False)
        for table in (self.diff_table, self.variant_table):
            table.clear()
            table.setRowCount(0)
            table.setColumnCount(0)
        for edit in (self.variant_name, self.variant_description):
            edit.clear()
        self.scenario.set_assumptions({})
        self.exchange_result.setText("")
        self.rounds_folder.clear()
        self._remove_layers()
        self.refresh()

    def _on_data_changed(self, table):
        if table == "projects" and self._same_projects():
            return  # e.g. a status edit: the list shows code, name and confidentiality only (issue 19)
        if table in ("projects", "rounds", "variants", "variant_projects"):
            self.refresh()

    def _same_projects(self):
        """Whether the project list would show what it shows now (the ticked projects stay ticked)."""
        if self.session is None or not self._projects:
            return False
        ids = self.session.changed_rows("projects")  # known rows only (Session.emit_rows_changed): just those
        try:
            with self.session.werkbank(readonly=True) as wb:
                if ids is None:
                    return wb.query(PROJECTS_SQL) == self._projects
                shown = {p["project_id"]: p for p in self._projects}
                rows = wb.query("SELECT project_id, code, name, confidential FROM projects WHERE project_id IN ({})"
                                .format(", ".join("?" * len(ids))), list(ids))
                return len(rows) == len(ids) and all(shown.get(r["project_id"]) == r for r in rows)
        except Exception:  # noqa: BLE001 - the full refresh shows what is wrong
            return False

    def refresh(self, *args):
        path = self.path()
        enabled = bool(path) and os.path.exists(path)
        for b in (self.freeze_button, self.compare_button, self.save_variant_button, self.compare_variants_button,
                  self.export_button, self.new_variant_button, self.delete_variant_button):
            b.setEnabled(enabled)
        self.old_combo.clear()
        self.new_combo.clear()
        self.variant_list.clear()
        self.project_list.clear()
        self.rounds_table.setRowCount(0)
        if not enabled:
            self.info.setText(tr("Geen werkbank geopend."))
            return
        from ..programme.rounds import list_rounds, round_path
        from ..programme.variants import list_variants

        try:
            wb = self._open()
        except Exception as e:  # noqa: BLE001 - shown to the user
            self.info.setText(str(e))
            return
        try:
            prog = wb.programme()
            rounds = list_rounds(wb)
            self._variants = list_variants(wb)
            self._projects = wb.query(PROJECTS_SQL)
        finally:
            wb.close()
        self.info.setText(tr("Werkbank: {} ({})").format(prog["name"], prog.get("round") or tr("ronde onbekend")))
        fill_table(self.rounds_table, rounds[["label", "round_date", "snapshot", "frozen_by"]].rename(columns={
            "label": tr("ronde"), "round_date": tr("datum"), "snapshot": tr("bestand"), "frozen_by": tr("door")}))
        for r in rounds.itertuples(index=False):
            p = round_path(path, r.snapshot)
            self.old_combo.addItem("{} ({})".format(r.label, r.round_date), p)
            self.new_combo.addItem("{} ({})".format(r.label, r.round_date), p)
        self.new_combo.addItem(tr("Huidige werkbank"), CURRENT)
        self.new_combo.setCurrentIndex(self.new_combo.count() - 1)
        for v in self._variants:
            item = QListWidgetItem(v["name"])
            item.setData(Qt.ItemDataRole.UserRole, v["variant_id"])
            self.variant_list.addItem(item)
        for p in self._projects:
            label = "{} {}".format(p["code"] or "", p["name"]).strip()
            if p["confidential"]:
                label += tr(" (vertrouwelijk)")
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, p["project_id"])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.project_list.addItem(item)
        if self._variants:
            self.variant_list.setCurrentRow(0)

    # ---- rounds -----------------------------------------------------------------------
    def _on_rounds_folder(self):
        from .files import choose_folder, werkbank_folder

        folder = choose_folder(self, tr("Map voor bevroren rondes"), self.path(),
                               folder=self.rounds_folder.text() or werkbank_folder(self.path()))
        if folder:
            self.rounds_folder.setText(folder)

    def freeze(self, label, date=None):
        """Freeze the werkbank; the snapshot goes to the chosen folder, else to 'rounds' beside the werkbank."""
        from ..programme.rounds import freeze_round

        snap = freeze_round(self.path(), label, date, target_folder=self.rounds_folder.text().strip() or None)
        self.refresh()
        return snap

    def compare(self, old_path, new_path=None):
        from ..programme.rounds import compare_rounds

        cmp = compare_rounds(old_path, new_path or self.path())
        self.last_comparison = cmp
        # what changed and why first: in a dock 520 px wide the 'toelichting' (the decision's reason) was the
        # ninth column, out of sight behind a horizontal scroll (QGIS 3.40 desktop trial); the report keeps its order
        shown = [c for c in DIFF_COLUMNS if c in cmp.rows.columns]
        fill_table(self.diff_table, cmp.rows[shown + [c for c in cmp.rows.columns if c not in shown]])
        self.save_report_button.setEnabled(True)
        return cmp

    def _on_freeze(self):
        label, ok = QInputDialog.getText(self, tr("Ronde bevriezen"), tr("Naam van de ronde (bijv. pMIEK 2.0):"))
        if not ok or not label.strip():
            return
        try:
            snap = self.freeze(label, _dt.date.today().isoformat())
        except Exception as e:  # noqa: BLE001 - Dutch message from programme/
            self._message(str(e), Qgis.MessageLevel.Warning)
            return
        self._message(os.path.basename(snap), Qgis.MessageLevel.Success, title=tr("Ronde bevroren"), more=snap)

    def _on_compare(self):
        old = self.old_combo.currentData()
        new = self.new_combo.currentData()
        if not old:
            self._message(tr("Er is nog geen bevroren ronde om mee te vergelijken."), Qgis.MessageLevel.Warning)
            return
        try:
            cmp = self.compare(old, None if new == CURRENT else new)
        except Exception as e:  # noqa: BLE001
            self._message(str(e), Qgis.MessageLevel.Warning)
            return
        n = len(cmp.rows)
        self._message(tr("Geen verschillen gevonden.") if n == 0 else
                      tr("1 verschil gevonden.") if n == 1 else tr("{} verschillen gevonden.").format(n))

    def _on_save_report(self):
        if self.last_comparison is None:
            return
        from .files import save_file, werkbank_folder

        path = save_file(self, tr("Verschillenrapport opslaan"), tr("Excel (*.xlsx);;CSV (*.csv)"),
                         "verschillen.xlsx", self.path(), folder=werkbank_folder(self.path()))
        if not path:
            return
        from ..programme.rounds import write_report

        if not path.lower().endswith((".xlsx", ".csv")):
            path += ".xlsx"
        try:
            write_report(self.last_comparison, path)
        except Exception as e:  # noqa: BLE001
            self._message(str(e), Qgis.MessageLevel.Warning)
            return
        self._message(os.path.basename(path), Qgis.MessageLevel.Success, title=tr("Rapport opgeslagen"), more=path)

    # ---- variants ---------------------------------------------------------------------
    def _on_variant_selected(self, row):
        if row < 0 or row >= len(getattr(self, "_variants", [])):
            return
        v = self._variants[row]
        self.variant_name.setText(v["name"])
        self.variant_description.setText(v.get("description") or "")
        self.scenario.set_assumptions(v["assumptions"] or {})
        chosen = set(v["projects"])
        for i in range(self.project_list.count()):
            item = self.project_list.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in chosen
                               else Qt.CheckState.Unchecked)

    def checked_projects(self):
        out = []
        for i in range(self.project_list.count()):
            item = self.project_list.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(item.data(Qt.ItemDataRole.UserRole))
        return out

    def save_variant(self, name=None, projects=None, assumptions=None, description=None):
        from ..programme.variants import define_variant

        wb = self._open(readonly=False)
        try:
            vid = define_variant(wb, name if name is not None else self.variant_name.text(),
                                 projects if projects is not None else self.checked_projects(),
                                 assumptions if assumptions is not None else (self.scenario.assumptions() or None),
                                 description if description is not None else (self.variant_description.text() or None))
        finally:
            wb.close()
        self.refresh()
        return vid

    def _on_new_variant(self):
        self.variant_list.clearSelection()
        self.variant_name.setText("")
        self.variant_description.setText("")
        self.scenario.set_assumptions({})
        for i in range(self.project_list.count()):
            self.project_list.item(i).setCheckState(Qt.CheckState.Unchecked)
        self.variant_name.setFocus()

    def _on_save_variant(self):
        try:
            self.save_variant()
        except Exception as e:  # noqa: BLE001
            self._message(str(e), Qgis.MessageLevel.Warning)
            return
        self._message(tr("Variant opgeslagen."), Qgis.MessageLevel.Success)

    def _on_delete_variant(self):
        item = self.variant_list.currentItem()
        if item is None:
            return
        from qgis.PyQt.QtWidgets import QMessageBox

        answer = QMessageBox.question(self, tr("Variant verwijderen"), tr("Variant '{}' verwijderen?").format(
            item.text()), QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        from ..programme.variants import delete_variant

        wb = self._open(readonly=False)
        try:
            delete_variant(wb, item.data(Qt.ItemDataRole.UserRole))
        finally:
            wb.close()
        self.refresh()

    def _years(self):
        text = self.years_edit.text().replace(";", ",")
        return [int(y) for y in text.split(",") if y.strip()] or None

    def compare_variants(self, years=None, add_layers=True):
        from ..programme.variants import compare_variants, variant_map_frame, wide_table

        wb = self._open()
        try:
            table, results = compare_variants(wb, None, years or self._years())
            gdf = variant_map_frame(wb, results)
        finally:
            wb.close()
        self.last_variant_table = table
        fill_table(self.variant_table, wide_table(table))
        if add_layers:
            self._add_variant_layers(gdf)
        return table

    def _on_compare_variants(self):
        try:
            self.compare_variants()
        except Exception as e:  # noqa: BLE001
            self._message(str(e), Qgis.MessageLevel.Warning)

    def _add_variant_layers(self, gdf):
        self._remove_layers()
        project = QgsProject.instance()
        specs = (("unit_id", "string"), ("unit_name", "string"), ("year", "int"),
                 ("capacity_mw", "double"), ("demand_mw", "double"), ("balance_mw", "double"),
                 ("status", "string"))
        for name in dict.fromkeys(gdf["variant"]):
            sub = gdf[gdf["variant"] == name]
            layer = QgsVectorLayer("Point?crs=EPSG:28992", LAYER_PREFIX + name, "memory")
            layer.setCustomProperty("skipMemoryLayersCheck", 1)  # rebuilt from the werkbank: no "scratch layer" prompt on exit
            pr = layer.dataProvider()
            pr.addAttributes([make_field(n, t) for n, t in specs])
            layer.updateFields()
            feats = []
            for r, g in zip(sub.to_dict("records"), sub.geometry):
                f = QgsFeature(layer.fields())
                f.setAttributes([None if r[n] is None or r[n] != r[n] else (float(r[n]) if t == "double" else
                                 int(r[n]) if t == "int" else str(r[n])) for n, t in specs])
                f.setGeometry(QgsGeometry.fromWkt(g.wkt))
                feats.append(f)
            pr.addFeatures(feats)
            layer.updateExtents()
            style_by_status(layer)  # the balance layer's palette and labels, onbekend (grey) too
            project.addMapLayer(layer)
            self._layer_ids.append(layer.id())

    def _remove_layers(self):
        project = QgsProject.instance()
        for lid in self._layer_ids:
            if project.mapLayer(lid) is not None:
                project.removeMapLayer(lid)
        self._layer_ids = []

    # ---- exchange ---------------------------------------------------------------------
    def export_to(self, folder, selection=None, include_confidential=None, esdl=None):
        from ..programme.exchange import export_package

        if selection is None:
            kind = self.selection_kind.currentData()
            value = self.selection_value.text().strip()
            selection = {kind: value} if kind and value else None
        wb = self._open()
        try:
            man = export_package(wb, folder, selection,
                                 self.confidential_check.isChecked() if include_confidential is None
                                 else include_confidential,
                                 self.esdl_check.isChecked() if esdl is None else esdl)
        finally:
            wb.close()
        self.exchange_result.setText(tr("Pakket geschreven naar {}: {} projecten, {} ontwikkelingen.").format(
            folder, man["tabellen"]["projects"]["rijen"], man["tabellen"]["developments"]["rijen"]) + (
            " " + man["vertrouwelijk"]["balans_toelichting"] if man["vertrouwelijk"].get("balans_wijkt_af") else ""))
        return man

    def _on_export(self):
        from .files import choose_folder

        folder = choose_folder(self, tr("Map voor het uitwisselpakket"), self.path())
        if not folder:
            return
        try:
            self.export_to(folder)
        except Exception as e:  # noqa: BLE001
            self._message(str(e), Qgis.MessageLevel.Warning)
            return
        self._message(self.exchange_result.text(), Qgis.MessageLevel.Success)

    def _on_import(self):
        from .files import choose_folder, save_file

        folder = choose_folder(self, tr("Map van het uitwisselpakket"), self.path())
        if not folder:
            return
        target = save_file(self, tr("Nieuwe werkbank"), tr("GeoPackage (*.gpkg)"), "werkbank.gpkg", self.path())
        if not target:
            return
        from ..programme.exchange import import_package

        try:
            res = import_package(folder, target)
        except Exception as e:  # noqa: BLE001
            self._message(str(e), Qgis.MessageLevel.Warning)
            return
        self.exchange_result.setText(tr("Pakket ingelezen in {} (inhoud gecontroleerd).").format(res["path"]))

    # ---- life cycle -------------------------------------------------------------------
    def cleanup(self):
        """Disconnect every signal and remove the variant layers (called by the plugin's unload)."""
        self._disconnect_all()
        self._remove_layers()
        self.last_comparison = None
        self.last_variant_table = None
