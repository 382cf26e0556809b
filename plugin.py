"""The QGIS plugin object: menu, toolbar, docks and the Processing provider.

``initGui`` adds; ``unload`` removes exactly what ``initGui`` added (actions,
menu, toolbar, docks and dialogs, the provider, signal connections).  Nothing
heavy is imported here: docks and algorithms load when first used.
"""

import os

from qgis.core import Qgis, QgsApplication
from qgis.PyQt.QtCore import QCoreApplication, QEvent, Qt
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import (
    QAction,
    QComboBox,
    QFrame,
    QLabel,
    QLayout,
    QMenu,
    QScrollArea,
    QWidget,
)

from .connections import ConnectionsMixin

PLUGIN_DIR = os.path.dirname(__file__)
ICON_DIR = os.path.join(PLUGIN_DIR, "resources", "icons")
MENU_TITLE = "pMIEK Werkbank"


def icon(name):
    path = os.path.join(ICON_DIR, name)
    if not os.path.exists(path):
        path = os.path.join(ICON_DIR, "pmiek.svg")
    return QIcon(path)


def project_beside(werkbank):
    """The QGIS project saved beside a werkbank file: ``<werkbank>.qgz`` (absolute); '' for none or a team werkbank
    (``pg:``), which has no folder."""
    if not werkbank or werkbank.startswith("pg:"):
        return ""
    return os.path.splitext(os.path.abspath(werkbank))[0] + ".qgz"


def _file_stamp(path):
    """(size, modification time in ns) of a file, None when it does not exist."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def _compact(widget):
    """Let a dock shrink to a side-panel width: combo boxes may narrow below their longest item
    (an explicit minimum width overrides the size hint in layouts) and long labels wrap."""
    for combo in widget.findChildren(QComboBox):
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(8)
        combo.setMinimumWidth(90)
    for label in widget.findChildren(QLabel):
        if len(label.text()) > 60:
            label.setWordWrap(True)
    for layout in widget.findChildren(QLayout):
        layout.invalidate()
    widget.updateGeometry()
    # On a small screen (1366×768, docks stacked as tabs) the dock scrolls instead of pushing the QGIS window
    # beyond the screen: the main window's height never depends on the longest dock.
    inner = widget.widget() if hasattr(widget, "setWidget") else None
    if inner is not None and not isinstance(inner, QScrollArea):
        area = QScrollArea(widget)
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setWidget(_DockContent(inner))
        widget.setWidget(area)


class _DockContent(QWidget):
    """A dock's content inside its scroll area: the area gives it the dock's size, down to the content's minimum,
    and scrolls only below that.  With the content itself in the area (its word-wrapped labels ask a height for
    the width), the area gave it its preferred height: at 1366×768 the buttons at the bottom needed scrolling
    where the minimum fitted.  No layout of its own (the area would ask the layout the same), the content fills it."""

    def __init__(self, inner):
        super().__init__()
        self.inner = inner
        inner.setParent(self)
        inner.installEventFilter(self)

    def minimumSizeHint(self):  # noqa: N802 - Qt API
        return self.inner.minimumSizeHint().expandedTo(self.inner.minimumSize())

    def sizeHint(self):  # noqa: N802 - Qt API
        return self.minimumSizeHint()

    def resizeEvent(self, event):  # noqa: N802 - Qt API
        self.inner.setGeometry(0, 0, self.width(), self.height())

    def eventFilter(self, obj, event):  # noqa: N802 - Qt API
        if obj is self.inner and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()  # the content's minimum changed: the area sizes it again
        return False


class PmiekWerkbankPlugin(ConnectionsMixin):
    def __init__(self, iface):
        self.iface = iface
        self.provider = None
        self.menu = None
        self.toolbar = None
        self.actions = []
        self.docks = {}  # key -> dock widget
        self.dialogs = {}  # key -> dialog
        self.session = None
        self.null_texts = None
        self._connections = []  # (signal, slot)
        self._front = ""  # the plugin dock last brought to the front (of a tab group)

    @staticmethod
    def tr(text):
        return QCoreApplication.translate("PmiekWerkbankPlugin", text)

    def tell(self, title, text, level, duration, more=""):
        """A message in QGIS's message bar, which shows one line and at 1366×768 is only as wide as the map between
        the panels (about 35 characters of title and text): a short title and text, and the whole of a longer text
        (or ``more``) under the bar's 'Meer' button."""
        from .dialogs.messages import tell

        tell(self.iface, title, text, level, duration, more)

    # ---- Processing -----------------------------------------------------------
    def initProcessing(self):  # noqa: N802 - QGIS API
        if self.provider is None:
            from .provider.provider import PmiekProvider

            registry = QgsApplication.processingRegistry()
            if registry.providerById("pmiek") is not None:
                return  # registered by someone else (e.g. a test harness): leave it to them
            provider = PmiekProvider()
            if registry.addProvider(provider):
                self.provider = provider

    # ---- GUI ----------------------------------------------------------------------
    def initGui(self):  # noqa: N802 - QGIS API
        self.initProcessing()
        from .dialogs.registry import available_entries
        from .layers.project import Session

        self.session = Session()
        main = self.iface.mainWindow()
        self.menu = QMenu(self.tr(MENU_TITLE), main)
        self.menu.setObjectName("pmiekWerkbankMenu")
        bar = main.menuBar()
        help_menu = None
        for act in bar.actions():
            if act.menu() is not None and act.menu().objectName() == "mHelpMenu":
                help_menu = act
        if help_menu is not None:
            bar.insertMenu(help_menu, self.menu)
        else:
            bar.addMenu(self.menu)
        self.toolbar = self.iface.addToolBar(self.tr(MENU_TITLE))
        self.toolbar.setObjectName("pmiekWerkbankToolbar")

        self._add_action("new", self.tr("Nieuwe werkbank…"), "pmiek.svg", self.new_werkbank, toolbar=False)
        self._add_action("open", self.tr("Werkbank openen…"), "open.svg", self.open_werkbank)
        self._add_action("open_pg", self.tr("Teamwerkbank (PostGIS) openen…"), "open.svg", self.open_team_werkbank,
                         toolbar=False)
        self._add_action("save_project", self.tr("QGIS-project naast de werkbank opslaan"), "pmiek.svg",
                         self.save_project_beside_werkbank, toolbar=False)
        self.menu.addSeparator()
        for entry in available_entries():
            key, _, _, title, icon_file, kind = entry
            self._add_action(key, self.tr(title), icon_file, self._opener(entry), checkable=(kind == "dock"))
        self.menu.addSeparator()
        self._add_action("sample", self.tr("Voorbeeldprogramma openen (fictief voorbeeld)"), "pmiek.svg",
                         self.open_sample, toolbar=False)
        self._add_action("processing", self.tr("Processing-algoritmen…"), "pmiek.svg", self.show_processing,
                         toolbar=False)
        self._add_action("deps", self.tr("Afhankelijkheden controleren…"), "pmiek.svg", self.show_dependencies,
                         toolbar=False)
        from qgis.core import QgsProject

        project = QgsProject.instance()
        self._connect(project.readProject, self._on_project_read)
        self._connect(project.writeProject, self._on_project_write)
        from .dialogs.null_texts import NullTexts
        from .layers.project import werkbank_layers

        self.null_texts = NullTexts(main)  # multi-line texts that are NULL show empty in the forms (QGIS 3.40)
        self._connect(project.layersAdded, self._watch_texts)
        self._watch_texts(werkbank_layers(project))
        self._connect(project.cleared, self._on_project_cleared)
        self._connect(self.session.dataChanged, self._on_data_changed)
        self._clean_after_render = False
        if self.iface.mapCanvas() is not None:
            self._connect(self.iface.mapCanvas().mapCanvasRefreshed, self._on_canvas_refreshed)
        self._check_dependencies()

    def _watch_texts(self, layers):
        for layer in layers:
            if layer.customProperty("pmiek/table"):
                self.null_texts.watch(layer)

    def _on_canvas_refreshed(self):
        """The first map render after opening a werkbank into an unsaved project: QGIS marks the project changed
        once more while it settles the new extent (after open_werkbank returned), so quitting right after opening
        asked to save a project that holds nothing but the werkbank's layers.  Clean again, once."""
        if not self._clean_after_render:
            return
        self._clean_after_render = False
        from qgis.core import QgsProject

        if not QgsProject.instance().fileName():
            QgsProject.instance().setDirty(False)

    def _on_data_changed(self, table):
        """The one 'werkbank changed' handler: repaint the map layers showing ``table`` at once.

        Every dock emits ``session.dataChanged(table)`` after it wrote to the werkbank (status, link, score,
        what-if, import); the docks themselves update only what changed (the balance dock repaints its own
        status layer).  Layers with unsaved edits are left alone.
        """
        from .layers.project import werkbank_layers

        tables = {table}
        if table == "scores":
            tables.add("projects")  # symbols/labels of projects may follow ratings
        # a link edit changes nothing the project layers show (where links move demand is the balance layer,
        # which the balance dock repaints): no repaint of the labelled project layers, which would redraw every
        # label on the map (issue 19)
        if table == "":
            tables = {None}
        # attributes of known rows only (e.g. a status): the data provider reads them anew at the repaint, so
        # the layer is not reopened (reload(): ~10 ms per layer at national size, and it dropped the
        # selection); its dataChanged still tells attribute tables and other listeners (issue 19)
        rows = self.session.changed_rows(table) if self.session is not None else None
        changed = False
        for t in tables:
            for layer in werkbank_layers(table=t):
                if layer.isEditable() and layer.isModified():
                    continue
                if rows is not None and t == table:
                    layer.dataChanged.emit()
                else:
                    layer.reload()
                layer.triggerRepaint()
                changed = True
        if changed and self.iface.mapCanvas() is not None:
            self.iface.mapCanvas().refresh()
        path = self.session.werkbank_path() if self.session is not None else ""
        from .dialogs.messages import SAVED, recently_confirmed

        if table and path and not recently_confirmed():  # a dock said what it saved a moment ago: nothing new
            self.tell(self.tr(SAVED), "", Qgis.MessageLevel.Success, 3, more=path)

    def _on_project_write(self, *args):
        """Which of the plugin's panels are open (and which is in front) is saved with the QGIS project, so
        opening it again brings back the werkbank *and* the panels as the user left them.  ``writeProject`` is
        emitted before QGIS writes the project's properties, so the entries land in this very save."""
        if self.session is not None:
            self.session.write_panels([key for key, dock in self.docks.items() if not dock.isHidden()],
                                      self._front)  # a dock behind another's tab is open too

    def _on_project_read(self, *args):
        """A saved QGIS project with a werkbank: track its layers' row versions, tell the docks, and open again the
        panels it was saved with."""
        if self.session is not None:
            self.session.adopt_project_werkbank()  # the werkbank the project's layers show, also in a copied folder
        path = self.session.werkbank_path() if self.session is not None else ""
        if self.session is not None:
            self.session.close_werkbank()  # the project may name another werkbank: reopened on first use
        reopen, front = self.session.saved_panels() if path else (None, "")
        if not path or ("balance" not in self.docks and "balance" not in (reopen or ())):
            # the project file holds the balance layer without its features; the balance dock makes it again
            # (and takes over the saved one) when it is open, so an empty copy never stands in the layer list
            from .layers.project import remove_derived_balance_layers

            remove_derived_balance_layers()
        if path:
            from .layers.concurrency import track_project_layers

            track_project_layers()
            self.session.werkbankChanged.emit(path)
        if reopen:
            from .dialogs.registry import available_entries

            entries = {entry[0]: entry for entry in available_entries() if entry[5] == "dock"}
            for key in [k for k in reopen if k != front] + [k for k in reopen if k == front]:  # front one last
                if key in entries and (key not in self.docks or self.docks[key].isHidden()):
                    self.open_entry(entries[key], True)
            if front in self.docks:
                self.docks[front].raise_()

    def _on_project_cleared(self):
        if self.session is not None:
            self.session.close_werkbank()
            self.session.werkbankChanged.emit("")

    def _add_action(self, key, text, icon_file, slot, toolbar=True, checkable=False):
        action = QAction(icon(icon_file), text, self.iface.mainWindow())
        action.setObjectName("pmiek_" + key)
        action.setCheckable(checkable)
        self._connect(action.triggered, slot)
        self.menu.addAction(action)
        if toolbar:
            self.toolbar.addAction(action)
        self.actions.append(action)
        return action

    def _opener(self, entry):
        def open_entry(checked=False):
            self.open_entry(entry, checked)

        return open_entry

    def _fronter(self, key):
        def in_front(visible):
            if visible:
                self._front = key

        return in_front

    def open_entry(self, entry, checked=True):
        from .dialogs.registry import load_class

        key, _, _, _, _, kind = entry
        try:
            cls = load_class(entry)
        except ImportError as e:  # a missing dependency, named in Dutch by deps.require
            self.tell(MENU_TITLE, str(e), Qgis.MessageLevel.Warning, 15)
            return
        if kind == "dock":
            dock = self.docks.get(key)
            if dock is None:
                dock = cls(self.iface, self.session, self.iface.mainWindow())
                dock.setObjectName("pmiek_dock_" + key)
                _compact(dock)
                others = [d for d in self.docks.values() if not d.isFloating()]
                self.iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
                if others:
                    # One column of tabs on the right instead of ever narrower stacked docks.
                    self.iface.mainWindow().tabifyDockWidget(others[0], dock)
                else:
                    self.iface.mainWindow().resizeDocks([dock], [560], Qt.Orientation.Horizontal)
                self.docks[key] = dock
                action = self._action(key)
                if action is not None:
                    self._connect(dock.visibilityChanged, action.setChecked)
                self._connect(dock.visibilityChanged, self._fronter(key))
            dock.setVisible(bool(checked) or not dock.isVisible())
            if not dock.isHidden():
                dock.raise_()
                self._front = key  # also when the window is not shown yet (no visibilityChanged then)
        else:
            dialog = self.dialogs.get(key)
            if dialog is None:
                dialog = cls(self.iface, self.session, self.iface.mainWindow())
                self.dialogs[key] = dialog
            dialog.show()
            dialog.raise_()

    def _action(self, key):
        for a in self.actions:
            if a.objectName() == "pmiek_" + key:
                return a
        return None

    def _check_dependencies(self):
        from .deps import install_hint, missing_packages, native_conflicts

        missing = missing_packages()
        hint = install_hint(missing)
        if hint:  # the bar names the packages, 'Meer' says how to install them
            names = ", ".join(dist for dist, _problem in missing)
            self.tell(self.tr("Pakketten ontbreken"), names, Qgis.MessageLevel.Warning, 0, more=hint)
        for warning in native_conflicts():  # a second GDAL/PROJ: warn before it crashes QGIS
            self.tell(self.tr("Tweede GDAL/PROJ geladen"), "", Qgis.MessageLevel.Critical, 0, more=warning)

    # ---- actions ----------------------------------------------------------------
    def new_werkbank(self):
        """Create a werkbank with the Processing dialog (name, province, file) and open it at once."""
        from qgis import processing

        from .dialogs.files import remember, start_folder

        results = processing.execAlgorithmDialog("pmiek:createwerkbank", {
            "OUTPUT": os.path.join(start_folder(self.session.werkbank_path()), "werkbank.gpkg")}) or {}
        path = results.get("OUTPUT")
        if not path or not isinstance(path, str):
            return False
        if not path.startswith("pg:") and not os.path.exists(path):
            return False
        remember(path)
        return self.open_werkbank(path=path)

    def save_project_beside_werkbank(self):
        """Save the QGIS project (map, styles, docks' layers) as ``<werkbank>.qgz`` next to the werkbank.

        Saved by QGIS's own Save (``iface.actionSaveProject``) with the project's file name set: that also puts the
        file in QGIS's recent projects, which ``QgsProject.write`` does not and no Python API does.  Without that
        action (another host application) the project is written directly."""
        from qgis.core import QgsProject

        path = self.session.werkbank_path() if self.session is not None else ""
        target = project_beside(path)
        if not target:
            from .dialogs.files import save_file

            target = save_file(self.iface.mainWindow(), self.tr("QGIS-project opslaan"),
                               self.tr("QGIS-project (*.qgz)"), "pmiek.qgz", path)
            target = os.path.splitext(os.path.abspath(target))[0] + ".qgz" if target else ""
        if not target:
            return ""
        project = QgsProject.instance()
        save = getattr(self.iface, "actionSaveProject", None)
        save = save() if callable(save) else None
        if isinstance(save, QAction):
            before, name = _file_stamp(target), project.fileName()
            project.setFileName(target)
            save.trigger()
            saved = project.fileName() == target and _file_stamp(target) not in (None, before) \
                and not project.isDirty()
            error = self.tr("QGIS heeft het niet geschreven")
            if not saved:
                project.setFileName(name)
        else:
            saved = project.write(target)
            error = project.error()
        if not saved:
            self.tell(self.tr("QGIS-project niet opgeslagen"), error, Qgis.MessageLevel.Critical, 10)
            return ""
        self.tell(self.tr("QGIS-project opgeslagen"), "", Qgis.MessageLevel.Success, 8,
                  more=self.tr("{}\n\nDe kaart, stijlen en lagen van de panelen staan in dit QGIS-project; de gegevens "
                               "zelf staan al veilig in de werkbank.").format(target))
        return target

    def open_werkbank(self, checked=False, path=None):
        if not path:
            from .dialogs.files import open_file

            path = open_file(self.iface.mainWindow(), self.tr("Werkbank openen"), self.tr("pMIEK-werkbank (*.gpkg)"),
                             self.session.werkbank_path())
        if not path:
            return False
        from .layers.project import add_werkbank_layers
        from .werkbank import WerkbankError, open_werkbank

        try:
            wb = open_werkbank(path)
            prog = wb.programme()
            wb.close()
        except WerkbankError as e:
            self.tell(MENU_TITLE, str(e), Qgis.MessageLevel.Critical, 15)
            return False
        previous = self.session.werkbank_path() if self.session is not None else ""
        from qgis.core import QgsProject

        beside = project_beside(previous)
        if beside and os.path.abspath(path) != os.path.abspath(previous) and \
                os.path.abspath(QgsProject.instance().fileName() or "") == beside:
            # the QGIS project saved beside the previous werkbank now shows another one: saving it must not overwrite
            # that werkbank's project with this one's layers (QGIS asked on exit and did), so it has no file yet
            QgsProject.instance().setFileName("")
        layers = add_werkbank_layers(path)
        self.session.set_werkbank(path)
        extent = None
        for layer in layers:
            if layer.isSpatial() and layer.featureCount() > 0:
                ext = layer.extent()
                if extent is None:
                    extent = ext
                else:
                    extent.combineExtentWith(ext)
        if extent is not None and self.iface.mapCanvas() is not None:
            canvas = self.iface.mapCanvas()
            from qgis.core import QgsCoordinateReferenceSystem, QgsProject

            QgsProject.instance().setCrs(QgsCoordinateReferenceSystem("EPSG:28992"))
            extent.scale(1.05)
            canvas.setExtent(extent)
            canvas.refresh()
        from qgis.core import QgsProject

        if not QgsProject.instance().fileName():
            # Only werkbank layers were added: everything is stored in the werkbank, nothing for QGIS to ask on exit.
            QgsProject.instance().setDirty(False)
            self._clean_after_render = self.iface.mapCanvas() is not None  # and once more when the map is drawn
        self.tell(self.tr("Werkbank geopend"), "", Qgis.MessageLevel.Info, 5,  # its name heads every panel
                  more=self.tr("{} ({}): {} lagen\n{}").format(prog["name"], prog["province"], len(layers), path))
        return True

    def open_team_werkbank(self):
        """Pick a saved QGIS PostgreSQL connection and a schema: target ``pg:CONNECTION/schema``."""
        from qgis.core import QgsProviderRegistry
        from qgis.PyQt.QtWidgets import QInputDialog

        try:
            names = sorted(QgsProviderRegistry.instance().providerMetadata("postgres").connections().keys())
        except Exception:  # noqa: BLE001 - provider missing
            names = []
        if not names:
            self.tell(
                MENU_TITLE,
                self.tr("Er is geen PostgreSQL-verbinding in QGIS. Maak er een in de Databronbeheerder "
                        "(met een authenticatieconfiguratie), zie README: Teamwerkbank op PostGIS."),
                Qgis.MessageLevel.Warning, 12)
            return False
        main = self.iface.mainWindow()
        name, ok = QInputDialog.getItem(main, self.tr("Teamwerkbank openen"), self.tr("PostgreSQL-verbinding:"),
                                        names, 0, False)
        if not ok or not name:
            return False
        schema, ok = QInputDialog.getText(main, self.tr("Teamwerkbank openen"),
                                          self.tr("Schema van het programma (bijv. pmiek_utrecht):"))
        if not ok or not schema.strip():
            return False
        return self.open_werkbank(path="pg:{}/{}".format(name, schema.strip()))

    def open_sample(self):
        sample = os.path.join(PLUGIN_DIR, "resources", "sample", "voorbeeld_werkbank.gpkg")
        if not os.path.exists(sample):
            self.tell(
                MENU_TITLE, self.tr("Het voorbeeldprogramma ontbreekt: {}").format(sample), Qgis.MessageLevel.Warning, 10
            )
            return
        import shutil
        import time

        # Work on a copy so the shipped sample stays untouched; keep it in the folder used last (else a
        # 'pMIEK Werkbank' folder in the home folder), where rounds and reports land beside it - not in the
        # system's temp folder (QGIS treats layers there as temporary and warns on exit).
        from qgis.core import QgsSettings

        from .dialogs.files import SETTINGS_FOLDER

        folder = QgsSettings().value(SETTINGS_FOLDER, "", type=str)
        if not folder or not os.path.isdir(folder):
            folder = os.path.join(os.path.expanduser("~"), "pMIEK Werkbank")
        os.makedirs(folder, exist_ok=True)
        target = os.path.join(folder, "voorbeeld_werkbank_{}.gpkg".format(time.strftime("%Y%m%d-%H%M%S")))
        shutil.copyfile(sample, target)
        self.open_werkbank(path=target)

    def show_dependencies(self):
        """The 'Afhankelijkheden controleren' dialog (dialogs/deps_dialog.py): what is missing, how to install."""
        from .dialogs.deps_dialog import DepsDialog

        dialog = self.dialogs.get("deps")
        if dialog is None:
            dialog = self.dialogs["deps"] = DepsDialog(self.iface, self.session, self.iface.mainWindow())
        dialog.refresh()
        dialog.show()
        dialog.raise_()

    def show_processing(self):
        """Show QGIS's Processing toolbox filtered on the pMIEK algorithms."""
        from qgis.PyQt.QtWidgets import QDockWidget, QLineEdit

        toolbox = self.iface.mainWindow().findChild(QDockWidget, "ProcessingToolbox")
        if toolbox is None:
            self.tell(
                MENU_TITLE, self.tr("Zet de Processing-plugin aan om de algoritmen te zien."), Qgis.MessageLevel.Info, 8
            )
            return
        toolbox.setVisible(True)
        toolbox.raise_()
        search = toolbox.findChild(QLineEdit)
        if search is not None:
            search.setText("pmiek")

    # ---- unload -------------------------------------------------------------------
    def unload(self):
        self._disconnect_all()
        if getattr(self, "null_texts", None) is not None:
            self.null_texts.stop()
            self.null_texts.deleteLater()
            self.null_texts = None
        for dock in list(self.docks.values()):
            cleanup = getattr(dock, "cleanup", None)
            if cleanup:
                cleanup()
            self.iface.removeDockWidget(dock)
            dock.setParent(None)
            dock.deleteLater()
        self.docks = {}
        for dialog in list(self.dialogs.values()):
            cleanup = getattr(dialog, "cleanup", None)
            if cleanup:
                cleanup()
            dialog.close()
            dialog.deleteLater()
        self.dialogs = {}
        for action in self.actions:
            if self.toolbar is not None:
                self.toolbar.removeAction(action)
            if self.menu is not None:
                self.menu.removeAction(action)
            action.setParent(None)
            action.deleteLater()
        self.actions = []
        if self.menu is not None:
            self.menu.menuAction().setVisible(False)
            bar = self.iface.mainWindow().menuBar()
            bar.removeAction(self.menu.menuAction())
            self.menu.setParent(None)
            self.menu.deleteLater()
            self.menu = None
        if self.toolbar is not None:
            self.iface.mainWindow().removeToolBar(self.toolbar)
            self.toolbar.setParent(None)
            self.toolbar.deleteLater()
            self.toolbar = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        from .layers.concurrency import untrack_all

        untrack_all()
        if self.session is not None:
            self.session.close_werkbank()
            self.session.deleteLater()
            self.session = None
