"""Map tools to draw knooppunten (polygon) and projects (point, line or polygon by type infra).

A finished sketch becomes a feature in the werkbank layer of the 'pMIEK' group
(``layers.project.werkbank_layers``): the layer goes into edit mode, QGIS's
attribute form opens (value maps for the coded fields), and the feature is
added to the layer's edit buffer, so Undo (Ctrl+Z) works and "Opslaan" (or
QGIS's own save edits) writes it to the werkbank.
"""

import getpass
import uuid
from datetime import datetime, timezone

from qgis.core import QgsEditorWidgetSetup, QgsFeature, QgsWkbTypes
from qgis.gui import QgsAttributeDialog, QgsAttributeEditorContext, QgsMapToolCapture, QgsMapToolDigitizeFeature
from qgis.PyQt.QtCore import QCoreApplication

from ..layers.project import werkbank_layers
from ..werkbank import enums as E

# field -> enumeration shown as a value map in the attribute form
VALUE_MAPS = {
    "projects": {"type_infra": E.TYPE_INFRA, "phase": E.PROJECT_PHASES, "status": E.PROJECT_STATUS,
                 "energy_carrier": E.ENERGY_CARRIERS, "financial_cover": E.FINANCIAL_COVER, "route": E.ROUTES},
    "knooppunten": {"karakter": E.KNOOPPUNT_KARAKTER},
}
HIDDEN = ("fid", "row_version", "modified", "modified_by")
GEOMETRY_LAYER = {"point": "Point", "line": "LineString", "polygon": "Polygon"}
CAPTURE = {"point": QgsMapToolCapture.CaptureMode.CapturePoint,
           "line": QgsMapToolCapture.CaptureMode.CaptureLine,
           "polygon": QgsMapToolCapture.CaptureMode.CapturePolygon}


def tr(text):
    return QCoreApplication.translate("MapTools", text)


def geometry_kind(type_infra):
    """'point' | 'line' | 'polygon' for a type infra code."""
    return E.TYPE_INFRA.get(type_infra, ("", "polygon"))[1]


def find_layer(table, kind=None, project=None):
    """The werkbank layer for a table (and geometry kind for projects), or None."""
    for layer in werkbank_layers(project, table):
        if not layer.isSpatial():
            continue
        if kind is None:
            return layer
        want = GEOMETRY_LAYER[kind]
        if layer.source().endswith("geometrytype=" + want):
            return layer
        if QgsWkbTypes.geometryType(layer.wkbType()) == {
                "point": QgsWkbTypes.GeometryType.PointGeometry, "line": QgsWkbTypes.GeometryType.LineGeometry,
                "polygon": QgsWkbTypes.GeometryType.PolygonGeometry}[kind] and "geometrytype=" not in layer.source():
            return layer
    return None


def apply_value_maps(layer, table):
    """Value maps (Dutch label -> code) for the coded fields; hidden technical fields."""
    fields = layer.fields()
    for name, enum in VALUE_MAPS.get(table, {}).items():
        idx = fields.indexOf(name)
        if idx < 0:
            continue
        entries = [{E.label(enum, code): code} for code in enum]
        layer.setEditorWidgetSetup(idx, QgsEditorWidgetSetup("ValueMap", {"map": entries}))
    for name in HIDDEN:
        idx = fields.indexOf(name)
        if idx >= 0:
            layer.setEditorWidgetSetup(idx, QgsEditorWidgetSetup("Hidden", {}))


def new_feature(layer, table, geometry, values=None):
    """A feature with the werkbank's required defaults filled in."""
    f = QgsFeature(layer.fields())
    now = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001
        user = "onbekend"
    defaults = {"row_version": 1, "modified": now, "modified_by": user}
    if table == "projects":
        defaults.update({"project_id": "P-" + uuid.uuid4().hex[:8], "status": "kandidaat", "in_ip": 0,
                         "confidential": 0, "name": tr("Nieuw project")})
    elif table == "knooppunten":
        defaults.update({"knooppunt_id": "K-" + uuid.uuid4().hex[:8], "name": tr("Nieuw knooppunt"),
                         "session_date": datetime.now().date().isoformat()})
    defaults.update(values or {})
    for name, value in defaults.items():
        idx = layer.fields().indexOf(name)
        if idx >= 0:
            f.setAttribute(idx, value)
    g = geometry
    if QgsWkbTypes.isMultiType(layer.wkbType()) and not g.isMultipart():
        g.convertToMultiType()
    f.setGeometry(g)
    return f


def feature_form(layer, feature, parent=None):
    """QGIS's attribute form for a new feature; accepting it adds the feature to the edit buffer (undoable)."""
    dialog = QgsAttributeDialog(layer, feature, False, parent, True)
    dialog.setMode(QgsAttributeEditorContext.Mode.AddFeatureMode)
    return dialog


class WerkbankDrawTool(QgsMapToolDigitizeFeature):
    """Draw one feature for ``table`` ('projects' or 'knooppunten') into ``layer``; opens the attribute form."""

    def __init__(self, iface, layer, table, kind="polygon", values=None, on_added=None):
        super().__init__(iface.mapCanvas(), iface.cadDockWidget(), CAPTURE[kind])
        self.iface = iface
        self.target = layer
        self.table = table
        self.values = dict(values or {})
        self.on_added = on_added
        self.setLayer(layer)
        self.digitizingCompleted.connect(self._completed)

    def _completed(self, feature):
        layer = self.target
        if not layer.isEditable():
            layer.startEditing()
        apply_value_maps(layer, self.table)
        f = new_feature(layer, self.table, feature.geometry(), self.values)
        dialog = feature_form(layer, f, self.iface.mainWindow())
        ok = dialog.exec()
        dialog.deleteLater()
        if ok and self.on_added is not None:
            self.on_added(self.table)

    def cleanup(self):
        try:
            self.digitizingCompleted.disconnect(self._completed)
        except (TypeError, RuntimeError):
            pass


def save_edits(project=None):
    """Commit the edit buffers of all werkbank layers; returns (tables saved, error texts)."""
    saved, errors = set(), []
    for layer in werkbank_layers(project):
        if layer.isEditable() and layer.isModified():
            table = layer.customProperty("pmiek/table")
            if layer.commitChanges():
                saved.add(table)
            else:
                errors.append("{}: {}".format(layer.name(), "; ".join(layer.commitErrors())))
        elif layer.isEditable():
            layer.commitChanges()
    return saved, errors
