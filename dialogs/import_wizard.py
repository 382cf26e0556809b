"""Import wizard: layer/file -> kind -> field mapping with preview -> validation -> import.

Every kind the import runner has (``ingest.specs``) is offered, and every import goes through the one runner
(``ingest.runner``, the same code as the Processing algorithms): the wizard reads the chosen layer or file with
the pipeline's reader, runs the import as a dry run to show the check page (counts and a table of the rejected
and warned rows: row number, field, message), then imports in one transaction, refreshes the werkbank layers in
the "pMIEK" group and pushes a short Dutch summary to the message bar.  Field mappings of the layer kinds are
remembered per source in QgsSettings (``pmiek/import/mapping/<kind>/<source>``).
"""

import json
import os

from qgis.core import Qgis, QgsMapLayerProxyModel, QgsProject, QgsSettings, QgsVectorLayer
from qgis.gui import QgsFileWidget, QgsMapLayerComboBox
from qgis.PyQt.QtCore import QCoreApplication, Qt, QUrl
from qgis.PyQt.QtGui import QDesktopServices
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWizard,
    QWizardPage,
)
from .messages import tell

KINDS = ("capacity_areas", "stations", "developments")
# the table kinds the one import runner drives (ingest.runner) that need no field parameters: columns recognised
TABLE_KINDS = ("projects", "actions", "monitoring", "scores")
# the kinds whose hook takes the chosen fields (the algorithms' FIELD_ parameters): (hook parameter, label,
# required, names tried first for the default choice)
FIELD_KINDS = {
    "knooppunten": (("name_field", "Naam", True, ("naam", "name")),
                    ("karakter_field", "Karakter", False, ("karakter",)),
                    ("id_field", "Id", False, ("knooppunt_id", "id")),
                    ("description_field", "Omschrijving", False, ("omschrijving", "beschrijving", "description")),
                    ("date_field", "Datum ontwerpsessie", False, ("sessiedatum", "datum", "session_date"))),
    "project_links": (("project_field", "Project-id", True, ("project_id", "project")),
                      ("dev_field", "Ontwikkeling-id", True, ("dev_id", "plan_id", "ontwikkeling", "ontwikkeling_id")),
                      ("share_field", "Aandeel", False, ("aandeel_pct", "aandeel", "share_pct", "aandeel_mw",
                                                         "share_mw")),
                      ("motivation_field", "Motivatie", False, ("motivatie", "motivation"))),
}
SETTINGS_KEY = "pmiek/import/mapping/{}/{}"
PREVIEW_ROWS = 20
NONE = "(geen)"


def tr(text):
    return QCoreApplication.translate("ImportWizard", text)


def source_key(layer):
    """Stable key for remembering a mapping: the file path (without options) or the layer source."""
    src = layer.source().split("|")[0] if layer.providerType() == "ogr" else layer.source()
    return src.replace("/", "_").replace("\\", "_").replace(":", "_")[-180:]


def guess_kind(columns):
    """The kind whose recognised fields best match the columns (capacity-map fields weigh most)."""
    from ..layers import mapping as M

    scores = {}
    for kind in KINDS:
        m = M.auto_map(kind, columns)
        specific = {"capacity_areas": ("afname_colour", "invoeding_colour", "afname_queue_mw"),
                    "stations": ("voltage_kv", "voltage_level"),
                    "developments": ("sector", "units", "demand_mw", "phase", "year")}[kind]
        scores[kind] = sum(2 for t in specific if t in m) + len(m) * 0.1
    return max(scores, key=scores.get)


class SourcePage(QWizardPage):
    def __init__(self, wizard):
        super().__init__()
        self.w = wizard
        self.setTitle(tr("Bron en soort"))
        self.setSubTitle(tr("Kies een laag uit het project of een bestand, en wat erin staat."))
        form = QFormLayout(self)
        self.layer_combo = QgsMapLayerComboBox()
        self.layer_combo.setFilters(QgsMapLayerProxyModel.Filter.VectorLayer)
        self.layer_combo.setAllowEmptyLayer(True)
        form.addRow(tr("Laag in het project"), self.layer_combo)
        self.file_widget = QgsFileWidget()
        self.file_widget.setFilter(tr("Vectorbestanden en tabellen (*.gpkg *.geojson *.json *.shp *.fgb *.kml *.csv "
                                      "*.xlsx *.ods);;Alle bestanden (*)"))
        form.addRow(tr("of een bestand"), self.file_widget)
        # a file of several layers (a GeoPackage of points, lines and polygons; a workbook of several sheets): which
        # one - offered only then; the import reads that one (none chosen: its first, with a warning)
        self.sublayer_combo = QComboBox()
        self.sublayer_combo.setToolTip(tr("Het bestand heeft meer lagen (werkbladen): kies welke u importeert; "
                                          "importeer de andere daarna apart."))
        form.addRow(tr("Laag in het bestand"), self.sublayer_combo)
        self._sublayer_row = form.rowCount() - 1
        self._show_sublayers("")
        self.kind_combo = QComboBox()
        from ..layers.mapping import KIND_LABELS

        from ..ingest.specs import spec

        for kind in KINDS:
            self.kind_combo.addItem(tr(KIND_LABELS[kind]), kind)
        for kind in tuple(FIELD_KINDS) + TABLE_KINDS:
            self.kind_combo.addItem(tr(spec(kind).label), kind)
        form.addRow(tr("Soort gegevens"), self.kind_combo)
        self.werkbank_widget = QgsFileWidget()
        self.werkbank_widget.setFilter("GeoPackage (*.gpkg)")
        self.werkbank_widget.setFilePath(wizard.session.werkbank_path() if wizard.session else "")
        form.addRow(tr("Werkbank"), self.werkbank_widget)
        self.message = QLabel()
        self.message.setWordWrap(True)
        form.addRow(self.message)
        self.layer_combo.layerChanged.connect(self._guess)
        self.file_widget.fileChanged.connect(self._show_sublayers)
        self.file_widget.fileChanged.connect(self._guess)
        self.sublayer_combo.currentIndexChanged.connect(self._guess)

    def _show_sublayers(self, path):
        """The file's layers (sheets) in the choice, shown only for a file of more than one."""
        from ..ingest.reader import STYLES_TABLE
        from ..vector_io import list_layers

        names = []
        if path and os.path.isfile(path) and not path.lower().endswith((".csv", ".txt", ".tsv")):
            try:
                names = [n for n in list_layers(path) if n != STYLES_TABLE]
            except Exception:  # noqa: BLE001 - GDAL gives many error types; the page says 'not readable' later
                names = []
        self.sublayer_combo.blockSignals(True)
        self.sublayer_combo.clear()
        for n in names:
            self.sublayer_combo.addItem(n, n)
        self.sublayer_combo.blockSignals(False)
        shown = len(names) > 1
        form = self.layout()
        for role in (QFormLayout.ItemRole.LabelRole, QFormLayout.ItemRole.FieldRole):
            item = form.itemAt(self._sublayer_row, role)
            if item is not None and item.widget() is not None:
                item.widget().setVisible(shown)

    def layer(self):
        path = self.file_widget.filePath()
        if path:
            chosen = self.sublayer_combo.currentData() if self.sublayer_combo.count() > 1 else None
            uri = "{}|layername={}".format(path, chosen) if chosen else path
            if self.w._file_layer is None or self.w._file_layer_path != uri:
                name = os.path.splitext(os.path.basename(path))[0]
                self.w._file_layer = QgsVectorLayer(uri, "{} ({})".format(name, chosen) if chosen else name, "ogr")
                self.w._file_layer_path = uri
            return self.w._file_layer
        return self.layer_combo.currentLayer()

    def _guess(self, *args):
        layer = self.layer()
        if layer is None or not layer.isValid():
            return
        kind = guess_kind([f.name() for f in layer.fields()])
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(kind))

    def validatePage(self):  # noqa: N802
        layer = self.layer()
        if layer is None or not layer.isValid():
            self.message.setText(tr("Kies een geldige laag of een leesbaar bestand."))
            return False
        if not self.werkbank_widget.filePath():
            self.message.setText(tr("Kies eerst een werkbank (.gpkg)."))
            return False
        self.message.setText("")
        return True


class MappingPage(QWizardPage):
    def __init__(self, wizard):
        super().__init__()
        self.w = wizard
        self.setTitle(tr("Veldkoppeling"))
        self.setSubTitle(tr("Welk veld van de bron hoort bij welk werkbankveld? Herkende velden zijn al ingevuld; "
                            "de keuze wordt per bron onthouden."))
        lay = QVBoxLayout(self)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels([tr("Werkbankveld"), tr("Bronveld")])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        lay.addWidget(self.table)
        self.extra = QFormLayout()
        lay.addLayout(self.extra)
        self.sector = self.unit_type = self.capacity_table = self.peildatum = self.source_name = self.sync = None
        lay.addWidget(QLabel(tr("Voorbeeld (eerste {} rijen, zoals gekoppeld):").format(PREVIEW_ROWS)))
        self.preview = QTableWidget()
        self.preview.setTabKeyNavigation(False)  # Tab leaves the table (dialogs/keys.py)
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        lay.addWidget(self.preview)
        self.combos = {}
        self.recognised = {}
        self._frame = None

    def initializePage(self):  # noqa: N802
        from ..layers import mapping as M
        from ..werkbank import enums as E

        kind = self.w.kind()
        layer = self.w.layer()
        fields = [f.name() for f in layer.fields()]
        self.table.setRowCount(0)
        self.combos = {}
        if kind in TABLE_KINDS:
            self._table_kind(kind, layer, fields)
            return
        if kind in FIELD_KINDS:
            self._field_kind(kind, layer, fields)
            return
        remembered = self.w.remembered_mapping(kind, layer)
        auto = M.auto_map(kind, fields)
        for t in M.targets(kind):
            if not t.param:
                continue
            chosen = remembered.get(t.name, auto.get(t.name, "")) if remembered is not None else auto.get(t.name, "")
            self._field_row(t.name, tr(t.label), t.required, fields, chosen)
        self._source_name_row(layer)
        if kind == "developments":
            self.sector = QComboBox()
            self.sector.addItem(tr("(uit het sectorveld)"), "")
            for code, lab in E.SECTORS.items():
                self.sector.addItem(lab, code)
            self.unit_type = QLineEdit()
            self.unit_type.setPlaceholderText(tr("bijv. woning, ha, MWp of een kengetal-id"))
            self.extra.addRow(tr("Vaste sector"), self.sector)
            self.extra.addRow(tr("Eenheid van de hoeveelheid"), self.unit_type)
        elif kind == "stations":
            self.capacity_table = QgsFileWidget()
            self.capacity_table.setFilter(tr("Tabellen (*.csv *.xlsx)"))
            self.peildatum = QLineEdit()
            self.peildatum.setPlaceholderText("JJJJ-MM-DD")
            self.extra.addRow(tr("Capaciteitstabel (CSV/XLSX)"), self.capacity_table)
            self.extra.addRow(tr("Peildatum"), self.peildatum)
        else:
            self.peildatum = QLineEdit()
            self.peildatum.setPlaceholderText("JJJJ-MM-DD")
            self.extra.addRow(tr("Peildatum"), self.peildatum)
        self._frame = None
        self.update_preview()

    def _field_row(self, name, label, required, fields, chosen):
        """One row of the mapping table: the werkbank field (read-only) and a combo of the source's fields."""
        row = self.table.rowCount()
        self.table.insertRow(row)
        item = QTableWidgetItem(label + (" *" if required else ""))
        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.table.setItem(row, 0, item)
        combo = QComboBox()
        combo.addItem(NONE, "")
        for f in fields:
            combo.addItem(f, f)
        combo.setCurrentIndex(max(combo.findData(chosen), 0))
        combo.currentIndexChanged.connect(self.update_preview)
        self.table.setCellWidget(row, 1, combo)
        self.combos[name] = combo

    def source_of(self, layer):
        """``(default source name, layer of a multi-layer file)`` of ``layer`` for this kind, as the algorithms
        name it (``ingest.reader.source_name``)."""
        from ..ingest.reader import source_name
        from ..ingest.specs import spec

        return source_name(layer, with_extension=not spec(self.w.kind()).layer)

    def _source_name_row(self, layer):
        """The extra options start afresh with the source name (as the algorithms name it) and, for a kind that
        reports rows gone from the source (REMOVED), the SYNC choice (off)."""
        from ..ingest.specs import spec

        while self.extra.rowCount():
            self.extra.removeRow(0)
        self.source_name = QLineEdit()
        self.source_name.setText(self.source_of(layer)[0])
        self.extra.addRow(tr("Bronnaam"), self.source_name)
        self.sync = None
        s = spec(self.w.kind())
        if s.layer or s.track_source:
            self.sync = QCheckBox(tr("Verwijderde rijen ook uit de werkbank verwijderen (SYNC)"))
            self.sync.setObjectName("pmiek_import_sync")
            self.sync.setToolTip(tr("Rijen die de vorige import uit deze bron schreef en die niet meer in de bron "
                                    "staan, worden verwijderd. Uit: ze worden alleen gemeld."))
            self.extra.addRow("", self.sync)

    def _table_kind(self, kind, layer, fields):
        """A table kind: the spec recognises the columns itself; shown read-only (werkbank field <- column)."""
        from ..ingest.columns import recognise
        from ..ingest.specs import spec

        self.recognised = recognise(fields, {f: names for f, names in spec(kind).columns})
        for field, _names in spec(kind).columns:
            row = self.table.rowCount()
            self.table.insertRow(row)
            for col, text in enumerate((field + (" *" if field in spec(kind).required else ""),
                                        self.recognised.get(field, NONE))):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(row, col, item)
        self._source_name_row(layer)
        self.peildatum = None
        if kind == "monitoring":
            self.peildatum = QLineEdit()
            self.peildatum.setPlaceholderText("JJJJ-MM-DD")
            self.extra.addRow(tr("Peildatum"), self.peildatum)
        self._frame = None
        self.update_preview()

    def _field_kind(self, kind, layer, fields):
        """Knooppunten, links: a field chosen per hook parameter (as the algorithms' FIELD_ parameters)."""
        from ..ingest.columns import norm

        by_norm = {norm(f): f for f in fields}
        for param, label, required, names in FIELD_KINDS[kind]:
            guess = next((by_norm[norm(n)] for n in names if norm(n) in by_norm), "")
            self._field_row(param, tr(label), required, fields, guess)
        self._source_name_row(layer)
        self.share_unit = None
        if kind == "project_links":
            self.share_unit = QComboBox()
            self.share_unit.addItem(tr("procent (%)"), "pct")
            self.share_unit.addItem(tr("MW"), "mw")
            self.extra.addRow(tr("Eenheid aandeel"), self.share_unit)
        self._frame = None
        self.update_preview()

    def mapping(self):
        return {name: combo.currentData() for name, combo in self.combos.items() if combo.currentData()}

    def frame(self):
        if self._frame is None:
            layer = self.w.layer()
            path = layer.source().split("|")[0] if layer.providerType() == "ogr" else ""
            from ..ingest.reader import is_table

            if self.w.kind() not in KINDS and path and is_table(path):
                from ..ingest.reader import read_source

                self._frame = read_source(layer.source())  # spreadsheet line numbers, as the algorithms
            else:
                from ..layers.qgis_io import layer_to_frame

                self._frame = layer_to_frame(layer)
                crs = getattr(self._frame, "crs", None)
                if self.w.kind() in FIELD_KINDS and crs is not None and crs.to_epsg() != 28992:
                    self._frame = self._frame.to_crs("EPSG:28992")  # as the algorithms read their INPUT
        if self.w.kind() == "scores":
            # the scores hook reads the canonical names (as the algorithm hands it its chosen columns)
            return self._frame.rename(columns={col: f for f, col in self.recognised.items()})
        return self._frame

    def update_preview(self, *args):
        from ..layers import mapping as M

        if self.w.kind() in TABLE_KINDS:
            cols = [(k, v) for k, v in self.recognised.items()]
        elif self.w.kind() in FIELD_KINDS:
            labels = {p: lab for p, lab, _r, _n in FIELD_KINDS[self.w.kind()]}
            cols = [(labels[k], v) for k, v in self.mapping().items()]
        else:
            m = self.mapping()
            labels = {t.name: t.label for t in M.targets(self.w.kind())}
            cols = [(labels[k], v) for k, v in m.items()]
        self.preview.clear()
        self.preview.setColumnCount(len(cols))
        self.preview.setHorizontalHeaderLabels([tr(lab) for lab, _ in cols])
        rows = []
        for n, feat in enumerate(self.w.layer().getFeatures()):
            if n >= PREVIEW_ROWS:
                break
            rows.append([feat[c] for _, c in cols])
        self.preview.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, v in enumerate(values):
                self.preview.setItem(r, c, QTableWidgetItem("" if v is None or str(v) == "NULL" else str(v)))

    def options(self):
        opts = self._options()
        opts["sync"] = self.sync is not None and self.sync.isChecked()
        return opts

    def _options(self):
        kind = self.w.kind()
        if kind in TABLE_KINDS:
            opts = {"source_name": self.source_name.text().strip() or None}
            if self.peildatum is not None:
                opts["peildatum"] = self.peildatum.text().strip() or None
            if kind == "scores" and "score_date" not in self.recognised:
                from ..scoring.scores import today

                opts["default_date"] = today()  # as the algorithm: without a date column, today
            return opts
        if kind in FIELD_KINDS:
            opts = dict(self.mapping(), source_name=self.source_name.text().strip() or None)
            if self.share_unit is not None:
                opts["unit"] = self.share_unit.currentData()
            return opts
        opts = {"mapping": self.mapping(), "source_name": self.source_name.text().strip() or None}
        if kind == "developments":
            opts["sector"] = self.sector.currentData() or None
            opts["unit_type"] = self.unit_type.text().strip() or None
        elif kind == "stations":
            opts["capacity_table"] = self.capacity_table.filePath() or None
            opts["peildatum"] = self.peildatum.text().strip() or None
        else:
            opts["peildatum"] = self.peildatum.text().strip() or None
        return opts


def warnings_first(problems):
    """Warnings and repairs first (the rows that will be imported with a remark), then rejections; by row."""
    order = {"waarschuwing": 0, "hersteld": 1, "fout": 2}
    return sorted(problems, key=lambda p: (order.get(p.severity, 3), p.row if p.row is not None else 0))


class ValidationPage(QWizardPage):
    def __init__(self, wizard):
        super().__init__()
        self.w = wizard
        self.setTitle(tr("Controle"))
        self.setSubTitle(tr("Zo zou de import uitpakken. Afgekeurde rijen worden niet ingelezen; "
                            "met 'Importeren' worden de overige in één keer geschreven."))
        lay = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        lay.addWidget(self.summary)
        self.problems = QTableWidget(0, 5)
        self.problems.setTabKeyNavigation(False)
        self.problems.setHorizontalHeaderLabels([tr("Ernst"), tr("Rij"), tr("Id"), tr("Veld"), tr("Probleem")])
        self.problems.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.problems.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problems.setSortingEnabled(True)  # every column sortable (rows as numbers)
        lay.addWidget(self.problems)
        self.ok = False
        self.counts = {}

    def initializePage(self):  # noqa: N802
        self.ok = False
        try:
            result = self.w.run_import(dry_run=True)
        except Exception as e:  # noqa: BLE001 - shown to the user in Dutch
            self.summary.setText(tr("De import kan niet: {}").format(e))
            self.problems.setRowCount(0)
            self.completeChanged.emit()
            return
        rep = result.report
        c = result.counts
        self.counts = {"new": c.get("inserted", 0), "updated": c.get("updated", 0),
                       "unchanged": c.get("unchanged", 0), "rejected": rep.rejected, "removed": len(result.removed)}
        self.summary.setText(tr("{} rijen in de bron: {} worden geïmporteerd, {} afgekeurd; {} geometrie(ën) "
                                "hersteld, {} waarschuwing(en).\nNieuw: {} · bijgewerkt: {} · ongewijzigd: {} · "
                                "afgekeurd: {} · niet meer in de bron: {}").format(
            rep.input_rows, rep.imported, rep.rejected, len(rep.repaired()), len(rep.warnings()),
            self.counts["new"], self.counts["updated"], self.counts["unchanged"], self.counts["rejected"],
            self.counts["removed"]) + self.removed_text(result))
        probs = warnings_first(rep.problems)[:1000]
        self.problems.setSortingEnabled(False)
        self.problems.setRowCount(len(probs))
        for r, p in enumerate(probs):
            for col, v in enumerate((p.severity, p.row, p.source_id, p.field, p.problem)):
                item = QTableWidgetItem()
                if isinstance(v, int):
                    item.setData(Qt.ItemDataRole.DisplayRole, v)  # sorts as a number
                else:
                    item.setText("" if v is None else str(v))
                self.problems.setItem(r, col, item)
        self.problems.setSortingEnabled(True)
        self.ok = True
        self.completeChanged.emit()

    def removed_text(self, result):
        """What happens to the rows no longer in the source: with SYNC how many the import deletes (the dry run
        counted them), otherwise that they stay."""
        sync = self.w.mapping_page.sync
        n = len(result.removed)
        shown = ", ".join(result.removed[:10]) + (" …" if n > 10 else "")
        if sync is not None and sync.isChecked():
            return tr("\nSYNC: {} rij(en) worden uit de werkbank verwijderd{}").format(n, ": " + shown if n else ".")
        if n:
            return tr("\nDie {} rij(en) blijven in de werkbank staan (verwijderen: kies SYNC op de vorige pagina): "
                      "{}").format(n, shown)
        return ""

    def isComplete(self):  # noqa: N802
        return self.ok


class ResultPage(QWizardPage):
    def __init__(self, wizard):
        super().__init__()
        self.w = wizard
        self.setTitle(tr("Resultaat"))
        lay = QVBoxLayout(self)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.label)
        self.result = None

    def initializePage(self):  # noqa: N802
        self.result = None
        try:
            self.result = self.w.run_import(dry_run=False)
        except Exception as e:  # noqa: BLE001
            self.label.setText(tr("Import mislukt, de werkbank is niet gewijzigd.\n{}").format(e))
            self.w.push(tr("Import mislukt: {}").format(e), Qgis.MessageLevel.Critical)
            return
        self.w.remember_mapping()
        self.w.after_import(self.result)
        self.label.setText(tr("{}\n\nRapport: {}").format(self.result.summary(), self.result.report_path))


def open_report(path):
    """Open an import report with the system's viewer (a browser for HTML)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(path))


class ImportWizard(QWizard):
    """``ImportWizard(iface, session, parent)``: non-modal; registered as 'import' in dialogs/registry.py."""

    def __init__(self, iface, session, parent=None):
        super().__init__(parent)
        self.iface = iface
        self.session = session
        self._file_layer = None
        self._file_layer_path = None
        self.setWindowTitle(tr("pMIEK: gegevens importeren"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setButtonText(QWizard.WizardButton.CommitButton, tr("Importeren"))
        self.source_page = SourcePage(self)
        self.mapping_page = MappingPage(self)
        self.validation_page = ValidationPage(self)
        self.validation_page.setCommitPage(True)
        self.result_page = ResultPage(self)
        for page in (self.source_page, self.mapping_page, self.validation_page, self.result_page):
            self.addPage(page)
        self.resize(820, 640)

    # ---- state ------------------------------------------------------------------
    def layer(self):
        return self.source_page.layer()

    def kind(self):
        return self.source_page.kind_combo.currentData()

    def werkbank_path(self):
        return self.source_page.werkbank_widget.filePath()

    def remembered_mapping(self, kind, layer):
        text = QgsSettings().value(SETTINGS_KEY.format(kind, source_key(layer)), "")
        if not text:
            return None
        try:
            return json.loads(text)
        except ValueError:
            return None

    def remember_mapping(self):
        QgsSettings().setValue(SETTINGS_KEY.format(self.kind(), source_key(self.layer())),
                               json.dumps(self.mapping_page.mapping()))

    # ---- work -------------------------------------------------------------------
    def run_import(self, dry_run):
        """The import through the one runner (``ingest.runner``), as the algorithms, not strict: a rejected row
        is listed on the check page and the others are imported.  A dry run writes and rolls back (exact
        counts)."""
        from ..ingest import runner
        from ..ingest.errors import ImportFailed
        from ..ingest.reports import beside_werkbank
        from ..ingest.specs import spec
        from ..ingest.versions import snapshot
        from ..werkbank import WerkbankError, open_werkbank

        kind = self.kind()
        opts = self.mapping_page.options()
        source_default, source_layer = self.mapping_page.source_of(self.layer())
        source = opts.pop("source_name", None) or source_default
        params = {k: v for k, v in opts.items() if v is not None}
        # saved beside the werkbank (HTML; the CSV twin is written in after_import)
        report_path = None if dry_run else beside_werkbank(self.werkbank_path(), kind)
        try:
            wb = open_werkbank(self.werkbank_path())
        except WerkbankError as e:
            raise ImportFailed(str(e)) from e
        try:
            # the row versions the check page (dry run) saw: a row changed before "Importeren" is a conflict
            if dry_run or getattr(self, "_versions", None) is None:
                self._versions = snapshot(wb, spec(kind).table)
            frame = self.mapping_page.frame()
            return runner.run(wb, kind, lambda: (frame, source, source_layer), versions=self._versions,
                              dry_run=dry_run, strict=False, report_path=report_path, **params)
        finally:
            wb.close()

    def after_import(self, result):
        from ..layers.project import add_werkbank_layers

        path = self.werkbank_path()
        if self.session is not None and self.session.werkbank_path() != path:
            self.session.set_werkbank(path)
        add_werkbank_layers(path, QgsProject.instance())
        if self.session is not None:
            self.session.dataChanged.emit(result.table)
        if result.report_path:
            result.report.write_csv(os.path.splitext(result.report_path)[0] + ".csv")
        level = Qgis.MessageLevel.Success if not result.rejected else Qgis.MessageLevel.Warning
        self.push(result.summary(), level, report=result.report_path)

    def push(self, text, level, report=None):
        """A message in the message bar; with ``report`` a button that opens the report."""
        if self.iface is None:
            return
        bar = self.iface.messageBar()
        if not report:
            tell(self.iface, tr("pMIEK import"), text, level, 10)
            return
        widget = bar.createMessage(tr("pMIEK import"), text)
        button = QPushButton(tr("Rapport openen"), widget)
        button.setObjectName("pmiek_open_report")
        button.clicked.connect(lambda _checked=False, path=report: open_report(path))
        widget.layout().addWidget(button)
        bar.pushWidget(widget, level, 0)

    def showEvent(self, event):  # noqa: N802
        if self.currentId() == self.pageIds()[-1]:
            self.restart()
        super().showEvent(event)

    def cleanup(self):
        self._file_layer = None
