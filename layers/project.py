"""The werkbank inside a QGIS project: the current werkbank and its layers.

Uses qgis.core only (no widgets).  The current werkbank path is kept in the
project file (entry ``pmiek/werkbank``) so a saved project reopens with it.
"""

import glob
import os

from qgis.core import QgsMapLayerStyle, QgsProject, QgsVectorLayer
from qgis.PyQt.QtCore import QObject, pyqtSignal

GROUP_NAME = "pMIEK"
STYLE_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "resources", "styles")

# (table, geometry type filter or None, Dutch layer name) in drawing order, top first.
LAYERS = (
    ("projects", "Point", "Projecten (punten)"),
    ("projects", "LineString", "Projecten (lijnen)"),
    ("projects", "Polygon", "Projecten (vlakken)"),
    ("stations", None, "Stations"),
    ("knooppunten", None, "Knooppunten"),
    ("developments", "Point", "Ontwikkelingen (punten)"),
    ("developments", "Polygon", "Ontwikkelingen (vlakken)"),
    ("capacity_areas", None, "Capaciteitskaart"),
)
TABLE_LAYERS = (
    ("project_links", "Koppelingen project-ontwikkeling"),
    ("station_capacity", "Capaciteit per station"),
    ("scores", "Scores"),
    ("actions", "Uitvoeringsafspraken"),
    ("monitoring", "Monitoring"),
    ("kengetallen", "Kengetallen"),
)


def project_werkbank(project=None):
    """The werkbank a QGIS project holds (entry ``pmiek/werkbank``, written by :meth:`Session.set_werkbank`): a file
    path or a PostgreSQL target; '' when none."""
    value, ok = (project or QgsProject.instance()).readEntry("pmiek", "werkbank", "")
    return value if ok and value else ""


class Session(QObject):
    """Signals the docks listen to; one instance per plugin."""

    werkbankChanged = pyqtSignal(str)  # path of the current werkbank ('' = none)
    dataChanged = pyqtSignal(str)  # table name that changed

    def __init__(self, project=None):
        super().__init__()
        self.project = project or QgsProject.instance()
        self._werkbank = None  # werkbank.SessionWerkbank: one connection for the session (issue 19)
        self._rows = None  # (table, ids) while emit_rows_changed announces an edit of those rows' attributes

    def emit_rows_changed(self, table, ids):
        """``dataChanged(table)`` for an edit of the attributes of the rows ``ids`` only (no row added or
        removed, no geometry changed): while it is delivered :meth:`changed_rows` names them, so a listener
        can skip what such an edit cannot change (the plugin does not reopen the map layers, issue 19)."""
        self._rows = (table, frozenset(ids))
        try:
            self.dataChanged.emit(table)
        finally:
            self._rows = None

    def changed_rows(self, table):
        """The ids of the only rows whose attributes changed, during a ``dataChanged(table)`` sent by
        :meth:`emit_rows_changed`; None otherwise (anything in ``table`` may have changed)."""
        return self._rows[1] if self._rows is not None and self._rows[0] == table else None

    def werkbank_path(self):
        """The current werkbank: a file path or a PostgreSQL target; '' when none."""
        return project_werkbank(self.project)

    def adopt_project_werkbank(self):
        """After a project is read: its werkbank becomes the session's (following its layers, see
        :meth:`follow_layers`) and is protected from exports as :meth:`set_werkbank` does.  Returns the path."""
        from ..werkbank.atomic import protect_current

        self.follow_layers()
        path = self.werkbank_path()
        protect_current(path)  # a file only; a PostgreSQL target is no file to protect
        return path

    def follow_layers(self):
        """After a project is read: when the werkbank layers all read one GeoPackage and the stored werkbank is
        another file, the session follows the layers - they are what the user sees and edits.  A project folder
        copied for a next round (QGIS stores layer paths relative to the project) showed the copy's werkbank while
        the panels wrote to the original one.  Returns the path taken, else ''."""
        from ..werkbank.storage import is_postgres_target

        path = self.werkbank_path()
        if not path or is_postgres_target(path):
            return ""
        files = {layer.source().split("|")[0] for layer in werkbank_layers(self.project)
                 if layer.providerType() == "ogr"}
        if len(files) != 1:
            return ""
        (source,) = files
        if os.path.normcase(os.path.abspath(source)) == os.path.normcase(os.path.abspath(path)) or \
                not os.path.exists(source):
            return ""
        self.project.writeEntry("pmiek", "werkbank", source)
        return source

    def write_panels(self, shown, front):
        """Which plugin panels (dock keys) are open and which is in front, saved with the QGIS project."""
        self.project.writeEntry("pmiek", "panels/open", ",".join(shown))
        self.project.writeEntry("pmiek", "panels/front", front if front in shown else "")

    def saved_panels(self):
        """The panels the project was saved with and the one in front; ``(None, '')`` for a project saved without
        them (its panels are then left as they are)."""
        value, ok = self.project.readEntry("pmiek", "panels/open", "")
        if not ok:
            return None, ""
        front, _ok = self.project.readEntry("pmiek", "panels/front", "")
        return [key for key in value.split(",") if key], front

    def werkbank(self, readonly=False):
        """The current werkbank, opened and checked once per session (``close()``/``with`` keep it open)."""
        if self._werkbank is None:
            from ..werkbank import SessionWerkbank

            self._werkbank = SessionWerkbank()
        return self._werkbank.get(self.werkbank_path(), readonly=readonly)

    def close_werkbank(self):
        """Close the session's connection (another werkbank, project closed, plugin unloaded)."""
        if self._werkbank is not None:
            self._werkbank.close()

    def set_werkbank(self, path):
        from ..werkbank.atomic import protect_current

        path = storable_target(path)  # a password never goes into the project file
        protect_current(path)  # no export of this session can be written over the werkbank
        self.close_werkbank()
        self.project.writeEntry("pmiek", "werkbank", path or "")
        self.werkbankChanged.emit(path or "")


# The balance dock's map layer: a memory layer rebuilt from the werkbank, marked with this custom property (its
# value: 'station' or 'knooppunt').  QGIS saves it into a project file without its features.
BALANCE_LAYER_PROPERTY = "pmiek/balance_level"


def style_by_status(layer):
    """The one palette of balance statuses on a layer with a 'status' field (the balance layer, a variant's map):
    ruim, krap, tekort and onbekend (written 'onbekend' where the model's status is ''), with Dutch labels; its
    fields with Dutch names, MW to one decimal and status labels (``layers.forms.configure_balance_fields``)."""
    from qgis.core import QgsCategorizedSymbolRenderer, QgsRendererCategory, QgsSymbol, QgsWkbTypes
    from qgis.PyQt.QtGui import QColor

    from ..knooppunten.balance import MAP_STATUS_COLOURS, UNKNOWN_STATUS_TEXT
    from ..werkbank.enums import balance_status_label

    cats = []
    for code, colour in MAP_STATUS_COLOURS.items():
        sym = QgsSymbol.defaultSymbol(layer.geometryType())
        sym.setColor(QColor(colour))
        if layer.geometryType() == QgsWkbTypes.GeometryType.PointGeometry:
            sym.setSize(4)
        else:
            sym.setOpacity(0.6)
        cats.append(QgsRendererCategory(code or UNKNOWN_STATUS_TEXT, sym, balance_status_label(code)))
    layer.setRenderer(QgsCategorizedSymbolRenderer("status", cats))
    from .forms import configure_balance_fields

    configure_balance_fields(layer)  # and its fields read as the dock says them (identify, attribute table)


def derived_balance_layers(project=None):
    """The balance layers in ``project`` (QgsProject.instance() by default), also the empty ones a saved QGIS
    project brought back."""
    project = project or QgsProject.instance()
    return [lyr for lyr in project.mapLayers().values() if lyr.customProperty(BALANCE_LAYER_PROPERTY) is not None]


def remove_derived_balance_layers(project=None):
    """Remove every balance layer (a saved project's copy is empty: the balance dock makes its own when it opens)."""
    project = project or QgsProject.instance()
    for lyr in derived_balance_layers(project):
        project.removeMapLayer(lyr.id())


def storable_target(target):
    """The werkbank target as it may be stored (project file, settings, logs): never with a password.

    A password in a PostgreSQL target goes into QGIS's authentication manager (a new ``authcfg``, encrypted with
    the master password) when that manager is available and unlocked; otherwise it is left out and the password
    comes from the QGIS connection, a service file or ``.pgpass``.  File paths are returned unchanged.
    """
    if not target:
        return target
    from ..werkbank.storage import is_postgres_target

    if not is_postgres_target(target):
        return target
    from ..werkbank.postgis import parse_target

    pg, password = parse_target(target)
    if password and not pg.authcfg:
        authcfg = _store_in_auth_manager(pg, password)
        if authcfg:
            pg.authcfg = authcfg
            pg.user_from_auth = True
    return pg.safe_target()


def _store_in_auth_manager(pg, password):
    """A new Basic authentication configuration holding user and password; its id, or None."""
    try:
        from qgis.core import QgsApplication, QgsAuthMethodConfig

        am = QgsApplication.authManager()
        if am is None or am.isDisabled() or not am.masterPasswordIsSet():
            return None
        cfg = QgsAuthMethodConfig("Basic")
        cfg.setName("pMIEK werkbank {}".format(pg.describe()))
        cfg.setConfig("username", pg.params.get("user") or "")
        cfg.setConfig("password", password)
        if not am.storeAuthenticationConfig(cfg):
            return None
        return cfg.id() or None
    except Exception:  # noqa: BLE001 - never store the password anywhere else
        return None


def style_path(table, geometry_type=None):
    names = []
    if geometry_type:
        names.append("{}_{}.qml".format(table, geometry_type.lower()))
    names.append("{}.qml".format(table))
    for n in names:
        p = os.path.join(STYLE_DIR, n)
        if os.path.exists(p):
            return p
    return None


# Name of the default style of a table that has extra named styles (``<base>.<name>.qml``).
DEFAULT_STYLE_NAMES = {"capacity_areas": "afname"}


# Rendering at national size (issue 19): what is drawn from which scale on (denominators; a layer or its labels
# are drawn at 1:<value> and closer).  240,000 developments are sub-pixel specks in a national view and cost
# seconds to draw; thousands of station and project labels cost seconds to place.  At working scales (a
# province and closer: the Utrecht sample opens at about 1:330,000) the map is unchanged.
LAYER_MIN_SCALE = {"developments": 750000}
LABEL_MIN_SCALE = {"stations": 400000, "projects": 400000, "knooppunten": 750000}


def apply_rendering(layer, table):
    """Scale-dependent drawing of a werkbank layer (``LAYER_MIN_SCALE``/``LABEL_MIN_SCALE``), on every load."""
    from qgis.core import QgsVectorLayerSimpleLabeling

    if table in LAYER_MIN_SCALE:
        layer.setScaleBasedVisibility(True)
        layer.setMinimumScale(LAYER_MIN_SCALE[table])  # most zoomed-out scale at which it is drawn
        layer.setMaximumScale(0)  # no limit zooming in
    labeling = layer.labeling()
    if table in LABEL_MIN_SCALE and isinstance(labeling, QgsVectorLayerSimpleLabeling):
        settings = labeling.settings()
        settings.scaleVisibility = True
        settings.minimumScale = LABEL_MIN_SCALE[table]
        settings.maximumScale = 0
        layer.setLabeling(QgsVectorLayerSimpleLabeling(settings))


def load_styles(layer, table, geometry_type=None):
    """Load ``<table>[_<geomtype>].qml`` and any ``<same base>.<name>.qml`` as extra named styles.

    The extra styles go into the layer's style manager (Laag > Stijl), e.g. the
    capacity map has 'afname' (default) and 'invoeding'.
    """
    qml = style_path(table, geometry_type)
    if not qml:
        return []
    layer.loadNamedStyle(qml)
    base = qml[: -len(".qml")]
    extras = sorted(glob.glob(glob.escape(base) + ".*.qml"))
    names = []
    if extras:
        sm = layer.styleManager()
        default = DEFAULT_STYLE_NAMES.get(table)
        if default and sm.currentStyle() != default:
            sm.renameStyle(sm.currentStyle(), default)
        for path in extras:
            name = os.path.basename(path)[len(os.path.basename(base)) + 1: -len(".qml")]
            with open(path, encoding="utf-8") as f:
                sm.addStyle(name, QgsMapLayerStyle(f.read()))
            names.append(name)
    return names


def werkbank_group(project=None, create=True):
    project = project or QgsProject.instance()
    root = project.layerTreeRoot()
    group = root.findGroup(GROUP_NAME)
    if group is None and create:
        group = root.insertGroup(0, GROUP_NAME)
    return group


def remove_group_layers(group, project):
    """Remove every layer under ``group`` (its subgroups too) from the project now, then its child nodes.

    The layers go out of the project before their nodes leave the layer tree.  Removing a node that still holds
    a layer (``removeAllChildren`` on the 'Tabellen' subgroup) only *queues* the layer's removal (QGIS's layer
    tree bridge, ``Qt::QueuedConnection``): until the event loop runs, the old layers stay in the project
    without a node, are written into a project saved meanwhile, and the queued removal later deletes the
    layers with those ids that reading that project has just created - in the middle of QgsProject.read
    (a segfault, issue 19).
    """
    ids = group.findLayerIds()
    if ids:
        project.removeMapLayers(ids)
    group.removeAllChildren()


def add_werkbank_layers(path, project=None, tables=True):
    """Add the werkbank's layers to the project in a 'pMIEK' group (replacing older ones).

    Returns the list of added layers.  Layers that would be empty because the
    werkbank has no such geometry type are still added (so users can draw).
    """
    project = project or QgsProject.instance()
    group = werkbank_group(project)
    remove_group_layers(group, project)
    added = []
    from .concurrency import track

    uri_of, provider = _uri_builder(path)
    for table, gtype, title in LAYERS:
        layer = QgsVectorLayer(uri_of(table, gtype), title, provider)
        if not layer.isValid():
            continue
        load_styles(layer, table, gtype)
        apply_rendering(layer, table)
        layer.setCustomProperty("pmiek/table", table)
        project.addMapLayer(layer, False)
        track(layer)  # the row versions an edit starts from (layers/concurrency.py)
        group.addLayer(layer)
        added.append(layer)
    if tables:
        sub = group.addGroup("Tabellen")
        sub.setExpanded(False)
        for table, title in TABLE_LAYERS:
            layer = QgsVectorLayer(uri_of(table, None), title, provider)
            if not layer.isValid():
                continue
            qml = style_path(table)
            if qml:
                layer.loadNamedStyle(qml)
            layer.setCustomProperty("pmiek/table", table)
            project.addMapLayer(layer, False)
            track(layer)
            sub.addLayer(layer)
            added.append(layer)
    from .forms import configure_forms

    configure_forms(added)
    return added


def _uri_builder(target):
    """(function table, geometry_type -> data source, provider key) for a werkbank target.

    A GeoPackage path gives OGR sources; a PostGIS target gives ``postgres``
    sources from the werkbank itself (credentials via authcfg, never a password).
    """
    from ..werkbank.storage import is_postgres_target

    if not is_postgres_target(target):
        abspath = os.path.abspath(target)

        def ogr_uri(table, gtype):
            uri = "{}|layername={}".format(abspath, table)
            if gtype:
                uri += "|geometrytype={}".format(gtype)
            return uri

        return ogr_uri, "ogr"
    from ..werkbank import open_werkbank

    wb = open_werkbank(target, readonly=True)
    try:
        uris = {(t, g): wb.layer_uri(t, g) for t, g, _ in LAYERS}
        uris.update({(t, None): wb.layer_uri(t) for t, _ in TABLE_LAYERS})
        provider = getattr(wb, "layer_provider", "postgres")
    finally:
        wb.close()
    return (lambda table, gtype: uris[(table, gtype)]), provider


def werkbank_layers(project=None, table=None):
    project = project or QgsProject.instance()
    out = []
    for layer in project.mapLayers().values():
        t = layer.customProperty("pmiek/table")
        if t and (table is None or t == table):
            out.append(layer)
    return out
