"""Map tools to draw knooppunten (polygon) and projects (point, line or polygon by type infra).

Arming a tool puts the werkbank layer of the 'pMIEK' group
(``layers.project.werkbank_layers``) in edit mode, so the first click draws.  A
finished sketch opens the werkbank form (``layers/forms.py``: tabs, Dutch
aliases, value maps, generated id); accepting it adds the feature to the
layer's edit buffer and the projects dock saves it to the werkbank at once.
"""

from qgis.core import QgsExpressionContextUtils, QgsFeature, QgsVectorLayerUtils, QgsWkbTypes
from qgis.gui import QgsAttributeDialog, QgsAttributeEditorContext, QgsMapToolCapture, QgsMapToolDigitizeFeature
from qgis.PyQt.QtCore import QCoreApplication, Qt, QTimer

from ..layers.forms import configure_form
from ..layers.project import werkbank_layers
from ..werkbank import enums as E

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
    """The werkbank's attribute form for ``layer`` (aliases, tabs, value maps ...: ``layers/forms.py``)."""
    lookup = {t: find_layer(t) for t in ("stations", "knooppunten")}
    configure_form(layer, table, {t: lyr for t, lyr in lookup.items() if lyr is not None})


def new_feature(layer, table, geometry, values=None):
    """A new feature with the layer's default values (generated id, status ...) and ``values`` filled in."""
    g = geometry
    if QgsWkbTypes.isMultiType(layer.wkbType()) and not g.isMultipart():
        g.convertToMultiType()
    fields = layer.fields()
    attrs = {fields.indexOf(k): v for k, v in (values or {}).items() if fields.indexOf(k) >= 0}
    context = layer.createExpressionContext()
    context.appendScope(QgsExpressionContextUtils.globalScope())
    f = QgsVectorLayerUtils.createFeature(layer, g, attrs, context)
    if not isinstance(f, QgsFeature):  # pragma: no cover - defensive
        f = QgsFeature(fields)
        f.setGeometry(g)
    return f


def feature_form(layer, feature, parent=None):
    """QGIS's attribute form for a new feature; accepting it adds the feature to the edit buffer (undoable)."""
    dialog = QgsAttributeDialog(layer, feature, False, parent, True)
    dialog.setMode(QgsAttributeEditorContext.Mode.AddFeatureMode)
    dialog.setWindowTitle(tr("Nieuw knooppunt") if layer.customProperty("pmiek/table") == "knooppunten"
                          else tr("Nieuw project"))
    dialog.resize(760, 540)  # fits a 1366×768 screen with the tabs of layers/forms.py
    return dialog


class WerkbankDrawTool(QgsMapToolDigitizeFeature):
    """Draw features for ``table`` ('projects' or 'knooppunten') into ``layer``.

    The layer is made editable as soon as the tool is armed (and again after a
    save), so the first click on the map draws.  A finished geometry opens the
    werkbank form; accepting it adds the feature and calls ``on_added(table,
    feature)`` (the dock saves and confirms).  Esc cancels the sketch; Esc
    without a sketch calls ``on_cancel()`` (back to the previous map tool).
    """

    def __init__(self, iface, layer, table, kind="polygon", values=None, on_added=None, on_cancel=None):
        super().__init__(iface.mapCanvas(), iface.cadDockWidget(), CAPTURE[kind])
        self.iface = iface
        self.target = layer
        self.table = table
        self.values = dict(values or {})
        self.on_added = on_added
        self.on_cancel = on_cancel
        self.dialog = None
        self.setLayer(layer)
        self.ensure_editable()
        self.digitizingCompleted.connect(self._completed)

    def ensure_editable(self):
        if not self.target.isEditable():
            self.target.startEditing()
        return self.target.isEditable()

    def cadCanvasPressEvent(self, e):  # noqa: N802 - QGIS API
        self.ensure_editable()
        super().cadCanvasPressEvent(e)

    def cadCanvasReleaseEvent(self, e):  # noqa: N802 - QGIS API
        self.ensure_editable()
        super().cadCanvasReleaseEvent(e)

    def keyPressEvent(self, e):  # noqa: N802 - QGIS API
        if e.key() == Qt.Key.Key_Escape:
            self._esc_cancels_sketch = self.isCapturing()
        super().keyPressEvent(e)

    def keyReleaseEvent(self, e):  # noqa: N802 - QGIS API
        """Esc during a sketch cancels the sketch (QGIS); Esc without a sketch leaves the tool."""
        super().keyReleaseEvent(e)
        if e.key() != Qt.Key.Key_Escape or e.isAutoRepeat():
            return
        sketch = getattr(self, "_esc_cancels_sketch", False) or self.isCapturing()
        self._esc_cancels_sketch = False
        if sketch:
            self.stopCapturing()
        elif self.on_cancel is not None:
            QTimer.singleShot(0, self.on_cancel)

    def _completed(self, feature):
        layer = self.target
        self.ensure_editable()
        f = new_feature(layer, self.table, feature.geometry(), self.values)
        self.dialog = feature_form(layer, f, self.iface.mainWindow())
        try:
            ok = self.dialog.exec()
            added = QgsFeature(self.dialog.feature()) if ok else None
        finally:
            self.dialog.deleteLater()
            self.dialog = None
        if ok and self.on_added is not None:
            self.on_added(self.table, added)

    def cleanup(self):
        try:
            self.digitizingCompleted.disconnect(self._completed)
        except (TypeError, RuntimeError):
            pass
        if self.dialog is not None:
            self.dialog.reject()


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
