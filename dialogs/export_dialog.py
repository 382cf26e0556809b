"""Export dialog: choose outputs and projects, run as a cancellable background task, open the folder."""

import os

from qgis.core import Qgis, QgsApplication, QgsTask
from qgis.PyQt.QtCore import QCoreApplication, Qt, QUrl
from qgis.PyQt.QtGui import QDesktopServices
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
)
from .messages import TITLE, tell


def tr(text):
    return QCoreApplication.translate("ExportDialog", text)


class ExportTask(QgsTask):
    """Reads the werkbank in a worker thread (``gather``).  The print layout draws its HTML with QtWebKit,
    which only works in the main thread, so the dialog renders the PDFs afterwards in the main thread,
    project by project, with the progress bar and the cancel button kept alive (processEvents)."""

    def __init__(self, werkbank_path, options):
        super().__init__(tr("pMIEK: export voorbereiden"), QgsTask.Flag.CanCancel)
        self.path = werkbank_path
        self.options = options
        self.data = None
        self.error = None

    def run(self):
        from ..deps import keep_proj_context
        from ..export.context import gather
        from ..werkbank import open_werkbank

        try:
            keep_proj_context()  # a pooled QThread: pyproj 3.7's context must outlive this call (deps)
            with open_werkbank(self.path, readonly=True) as wb:
                self.setProgress(20)
                self.data = gather(wb, include_confidential=self.options["include_confidential"],
                                   order=self.options["order"], project_ids=self.options["project_ids"] or None)
            self.setProgress(100)
            return not self.isCanceled()
        except Exception as e:  # noqa: BLE001 - shown to the user
            self.error = str(e)
            return False


class ExportDialog(QDialog):
    def __init__(self, iface, session, parent=None):
        super().__init__(parent)
        self.iface = iface
        self.session = session
        self.task = None
        self._cancel = False
        self.setWindowTitle(tr("Fiches, atlas en lijsten exporteren"))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        from .files import export_folder

        # the folder this werkbank's exports went to last, else an 'export' folder next to it (dialogs.files)
        self.folder = QLineEdit(export_folder(session.werkbank_path()))
        browse = QPushButton(tr("Bladeren…"))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.folder)
        row.addWidget(browse)
        form.addRow(tr("Uitvoermap"), row)
        self.order = QComboBox()
        self.order.addItem(tr("Rangorde"), "rank")
        self.order.addItem(tr("Knooppunt"), "knooppunt")
        form.addRow(tr("Volgorde fiches"), self.order)
        layout.addLayout(form)
        self.cb_fiches = QCheckBox(tr("Projectfiches (PDF + HTML per project)"))
        self.cb_atlas = QCheckBox(tr("Energyboard-atlas (één PDF)"))
        self.cb_lists = QCheckBox(tr("Projectenlijst, actielijst, monitoringlijst (XLSX + CSV)"))
        self.cb_conf = QCheckBox(tr("Vertrouwelijke projecten opnemen"))
        for cb in (self.cb_fiches, self.cb_atlas, self.cb_lists):
            cb.setChecked(True)
            layout.addWidget(cb)
        layout.addWidget(self.cb_conf)
        layout.addWidget(QLabel(tr("Projecten (niets aangevinkt = alle):")))
        self.projects = QListWidget()
        layout.addWidget(self.projects)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.status = QLabel("")
        # long lines ('Fiche … is te lang voor één A4 …') wrap, many lines scroll: the dialog grew sideways with
        # each export, past the 1280 px of a beamer with a long project name, and taller with each warning (one per
        # long fiche); a wrapped label alone was cut off by the buttons (QGIS 3.40 desktop trial)
        self.status.setWordWrap(True)
        self.status.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_area = QScrollArea()
        self.status_area.setWidgetResizable(True)
        self.status_area.setFrameShape(QFrame.Shape.NoFrame)
        self.status_area.setWidget(self.status)
        self.status_area.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # dialog's width
        line = self.status.fontMetrics().lineSpacing()
        self.status_area.setMinimumHeight(2 * line + 4)
        self.status_area.setMaximumHeight(7 * line + 4)
        layout.addWidget(self.progress)
        layout.addWidget(self.status_area)
        self.buttons = QDialogButtonBox()
        self.run_button = self.buttons.addButton(tr("Exporteren"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.web_button = self.buttons.addButton(tr("Web-atlas exporteren"), QDialogButtonBox.ButtonRole.ActionRole)
        self.web_button.setToolTip(tr("Eén map met webpagina's (kaart, projectenlijst, fiches, rangorde) die zonder "
                                      "internet werkt: <uitvoermap>/webatlas/index.html"))
        self.cancel_button = self.buttons.addButton(tr("Afbreken"), QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_button.setEnabled(False)
        close = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.run_button.clicked.connect(lambda: self.start())
        self.web_button.clicked.connect(lambda: self.start(webatlas=True))
        self.cancel_button.clicked.connect(self.cancel)
        close.clicked.connect(self.close)
        layout.addWidget(self.buttons)
        self.session.werkbankChanged.connect(self._fill_projects)
        self.session.werkbankChanged.connect(self._on_werkbank)
        self.session.dataChanged.connect(self._on_data)
        self._fill_projects()

    def _on_werkbank(self, path):
        """Another werkbank: its own export folder (the previous werkbank's folder got the next one's exports)."""
        from .files import export_folder

        self.folder.setText(export_folder(path))

    def _on_data(self, table):
        if table in ("projects", None, ""):  # a project drawn, renamed or decided: the list shows it now
            self._fill_projects()

    def showEvent(self, event):  # noqa: N802 - Qt: the list is current whenever the dialog is shown again
        self._fill_projects()
        super().showEvent(event)

    # ---- ui ------------------------------------------------------------------------
    def _browse(self):
        from .files import choose_folder

        path = choose_folder(self, tr("Uitvoermap"), folder=self.folder.text())
        if path:
            self.folder.setText(path)

    def _fill_projects(self, *args):
        checked = {self.projects.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.projects.count())
                   if self.projects.item(i).checkState() == Qt.CheckState.Checked}
        self.projects.clear()
        path = self.session.werkbank_path()
        if not path:
            self.status.setText(tr("Open eerst een werkbank."))
            return
        from ..werkbank import open_werkbank

        try:
            with open_werkbank(path, readonly=True) as wb:
                rows = wb.query("SELECT project_id, code, name, confidential, status FROM projects ORDER BY fid")
        except Exception as e:  # noqa: BLE001
            self.status.setText(str(e))
            return
        for r in rows:
            text = "{} {}".format(r["code"] or "", r["name"]).strip()
            if r["confidential"]:
                text += tr(" (vertrouwelijk)")
            if r["status"] == "afgevallen":
                text += tr(" (afgevallen)")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, r["project_id"])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if r["project_id"] in checked else Qt.CheckState.Unchecked)
            self.projects.addItem(item)

    def options(self):
        ids = [self.projects.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.projects.count())
               if self.projects.item(i).checkState() == Qt.CheckState.Checked]
        return {"folder": self.folder.text(), "order": self.order.currentData(), "project_ids": ids,
                "include_confidential": self.cb_conf.isChecked(), "fiches": self.cb_fiches.isChecked(),
                "atlas": self.cb_atlas.isChecked(), "lists": self.cb_lists.isChecked(), "webatlas": False}

    def _busy(self, busy):
        self.run_button.setEnabled(not busy)
        self.web_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)

    # ---- run -----------------------------------------------------------------------
    def start(self, webatlas=False):
        """Export what is ticked, or (``webatlas``) only the web atlas into <uitvoermap>/webatlas."""
        path = self.session.werkbank_path()
        if not path:
            self.status.setText(tr("Open eerst een werkbank."))
            return
        self._cancel = False
        self._opts = self.options()
        from .files import remember_export_folder

        remember_export_folder(path, self._opts["folder"])  # the next session starts here for this werkbank
        if webatlas:
            self._opts.update(fiches=False, atlas=False, lists=False, webatlas=True)
        self._busy(True)
        self.progress.setValue(0)
        self.status.setText(tr("Gegevens verzamelen…"))
        self.task = ExportTask(path, self._opts)
        self.task.progressChanged.connect(lambda v: self.progress.setValue(int(v * 0.1)))
        self.task.taskCompleted.connect(self._gathered)
        self.task.taskTerminated.connect(self._failed)
        QgsApplication.taskManager().addTask(self.task)

    def cancel(self):
        self._cancel = True
        if self.task is not None:
            self.task.cancel()
        self.status.setText(tr("Afbreken…"))

    def _failed(self):
        err = self.task.error if self.task is not None else None
        self.task = None
        self._busy(False)
        self.status.setText(tr("Afgebroken.") if not err else tr("Mislukt: {}").format(err))

    def isCanceled(self):  # noqa: N802 - feedback protocol of the exporters
        QCoreApplication.processEvents()
        return self._cancel

    def setProgress(self, value):  # noqa: N802
        self.progress.setValue(int(self._lo + (self._hi - self._lo) * value / 100.0))
        QCoreApplication.processEvents()

    def _gathered(self):
        """The layout part runs here, in the main thread (WebKit), with live progress and cancel."""
        from ..export.atlas import export_atlas, export_fiches_and_atlas
        from ..export.fiches import Cancelled, FicheLayout, export_fiches
        from ..export.lists import write_csv, write_xlsx
        from ..export.webatlas import Cancelled as WebCancelled
        from ..export.webatlas import export_webatlas
        from ..werkbank import open_werkbank

        data = self.task.data
        self.task = None
        opts = self._opts
        folder = opts["folder"]
        warnings = []
        try:
            os.makedirs(folder, exist_ok=True)
            with open_werkbank(self.session.werkbank_path(), readonly=True) as wb:
                if opts["fiches"] or opts["atlas"]:
                    with FicheLayout(wb, data) as fl:
                        if opts["fiches"] and opts["atlas"]:
                            # one pass, as pmiek:exportfiches: every fiche map rendered once for both
                            self._lo, self._hi = 10, 95
                            self.status.setText(tr("Fiches en atlas maken…"))
                            res, atlas = export_fiches_and_atlas(
                                wb, data, os.path.join(folder, "fiches"),
                                os.path.join(folder, "energyboard_atlas.pdf"), feedback=self, fiche_layout=fl)
                            warnings += res.warnings + atlas.warnings
                        elif opts["fiches"]:
                            self._lo, self._hi = 10, 95
                            self.status.setText(tr("Fiches maken…"))
                            res = export_fiches(wb, data, os.path.join(folder, "fiches"), feedback=self,
                                                fiche_layout=fl)
                            warnings += res.warnings
                        elif opts["atlas"]:
                            self._lo, self._hi = 10, 95
                            self.status.setText(tr("Atlas maken…"))
                            res = export_atlas(wb, data, os.path.join(folder, "energyboard_atlas.pdf"),
                                               feedback=self, fiche_layout=fl)
                            warnings += res.warnings
                if opts.get("webatlas"):
                    self._lo, self._hi = 10, 95
                    self.status.setText(tr("Web-atlas maken…"))
                    export_webatlas(wb, data, os.path.join(folder, "webatlas"), feedback=self)
            if opts["lists"]:
                for kind in ("projectenlijst", "actielijst", "monitoringlijst"):
                    write_xlsx(kind, data, os.path.join(folder, kind + ".xlsx"))
                    write_csv(kind, data, os.path.join(folder, kind + ".csv"))
        except (Cancelled, WebCancelled):
            self._busy(False)
            self.status.setText(tr("Afgebroken."))
            return
        except Exception as e:  # noqa: BLE001
            self._busy(False)
            self.status.setText(tr("Mislukt: {}").format(e))
            return
        self._busy(False)
        self.progress.setValue(100)
        self.status.setText(tr("Klaar: {}").format(folder) + ("\n" + "\n".join(warnings) if warnings else ""))
        if self.iface is not None:
            tell(self.iface, TITLE, tr("Export klaar in {}").format(folder),
                 Qgis.MessageLevel.Warning if warnings else Qgis.MessageLevel.Success, 8)
        QDesktopServices.openUrl(QUrl.fromLocalFile(folder))

    def cleanup(self):
        """Cancel a running task and disconnect from the session."""
        self._cancel = True
        if self.task is not None:
            try:
                self.task.cancel()
            except RuntimeError:
                pass
            self.task = None
        for signal, slot in ((self.session.werkbankChanged, self._fill_projects),
                             (self.session.werkbankChanged, self._on_werkbank), (self.session.dataChanged,
                                                                                    self._on_data)):
            try:
                signal.disconnect(slot)
            except (TypeError, RuntimeError):
                pass
