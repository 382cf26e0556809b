"""Multi-line texts of the werkbank forms: NULL shows empty and stays NULL unless the user types.

QGIS's multi-line text widget (``QgsTextEditWrapper`` with a ``QPlainTextEdit``, QGIS 3.22 up to 3.44) shows a
NULL value as the text ``QgsApplication.nullRepresentation()`` ('NULL') and reads that text back as NULL; what the
user typed went in beside it ('NULLHotspot …', QGIS 3.40).  No editor widget configuration changes that (the
null value of ``QgsFilterLineEdit`` is for single-line texts), and the null representation is the user's QGIS
option for every layer.  New features start with '' (``layers/forms.py``); for an existing feature, while its
werkbank layer is being edited:

- the text box of a multi-line field (``layers.forms.MULTILINE``) in an attribute form of the layer shows ''
  where the stored value is NULL (:class:`NullTexts`, an application event filter that only runs while a
  werkbank layer is in edit mode, and the box's own ``textChanged`` when the form shows another feature);
- such a box then gives '' back when the form is saved (after another field was changed), so at commit a ''
  in a multi-line field whose stored value is NULL is written as NULL again (:func:`keep_null_texts`).
"""

from qgis.core import QgsApplication, QgsFeatureRequest
from qgis.gui import QgsAttributeForm
from qgis.PyQt.QtCore import QEvent, QObject
from qgis.PyQt import sip
from qgis.PyQt.QtWidgets import QApplication, QPlainTextEdit

from ..layers.forms import MULTILINE

ADOPTED = "pmiek_null_text"  # property of a text box that is looked after


def _multiline_indexes(layer):
    fields = layer.fields()
    names = MULTILINE.get(layer.customProperty("pmiek/table"), ())
    return {fields.indexOf(n): n for n in names if fields.indexOf(n) >= 0}


def _is_null(value):
    return value is None or (hasattr(value, "isNull") and value.isNull())


def keep_null_texts(layer):
    """Changes in the layer's edit buffer that set a multi-line field of a stored feature to '' while the stored
    value is NULL: set back to NULL (one undo step each).  Returns how many."""
    buf = layer.editBuffer()
    indexes = _multiline_indexes(layer)
    if buf is None or not indexes:
        return 0
    empty = {fid: [i for i, v in attrs.items() if i in indexes and v == ""]
             for fid, attrs in buf.changedAttributeValues().items() if fid >= 0}
    empty = {fid: idx for fid, idx in empty.items() if idx}
    if not empty:
        return 0
    request = QgsFeatureRequest().setFilterFids(list(empty)).setFlags(QgsFeatureRequest.Flag.NoGeometry)
    request.setSubsetOfAttributes(sorted({i for idx in empty.values() for i in idx}))
    undone = 0
    for feature in layer.dataProvider().getFeatures(request):
        for i in empty.get(feature.id(), ()):
            if _is_null(feature.attribute(i)):
                layer.changeAttributeValue(feature.id(), i, None, "")
                undone += 1
    return undone


class NullTexts(QObject):
    """Looks after the multi-line texts of the werkbank layers given to :meth:`watch` (see the module)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.layers = {}  # layer id -> layer
        self._connections = {}  # layer id -> [(signal, slot)], undone when the layer goes (or at stop)
        self._filtering = False

    def watch(self, layer):
        if layer is None or layer.id() in self.layers or not _multiline_indexes(layer):
            return False
        lid = layer.id()
        self.layers[lid] = layer
        self._connections[lid] = [
            (layer.editingStarted, self._on_editing),
            (layer.editingStopped, self._on_editing),
            (layer.beforeCommitChanges, lambda *args, lyr=layer: keep_null_texts(lyr)),
            (layer.willBeDeleted, lambda: self._forget(lid)),
        ]
        for signal, slot in self._connections[lid]:
            signal.connect(slot)
        if layer.isEditable():
            self._on_editing()
        return True

    def _forget(self, layer_id):
        """Before the layer is deleted (its signals are still there to disconnect)."""
        for signal, slot in self._connections.pop(layer_id, []):
            try:
                signal.disconnect(slot)
            except (TypeError, RuntimeError):
                pass
        self.layers.pop(layer_id, None)
        self._on_editing()

    def _on_editing(self):
        editing = any(_alive(lyr) and lyr.isEditable() for lyr in self.layers.values())
        if editing == self._filtering:
            return
        app = QApplication.instance()
        if editing and not self._filtering and app is not None:
            app.installEventFilter(self)
            self._filtering = True
            for form in app.allWidgets():  # forms that were open before editing started
                if isinstance(form, QgsAttributeForm):
                    self._adopt_form(form)
        elif not editing and self._filtering:
            app.removeEventFilter(self)
            self._filtering = False

    def eventFilter(self, obj, event):  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Show and isinstance(obj, QgsAttributeForm):
            self._adopt_form(obj)
        return False

    def _adopt_form(self, form):
        if form.layer() is not None and form.layer().id() in self.layers:
            for box in form.findChildren(QPlainTextEdit):  # also those on tabs not shown yet
                self._adopt(box)

    def _adopt(self, box):
        if box.property(ADOPTED):
            return
        form, field = _form_and_field(box)
        if form is None or form.layer() is None or form.layer().id() not in self.layers:
            return
        if field not in _multiline_indexes(form.layer()).values():
            return
        box.setProperty(ADOPTED, True)
        box.textChanged.connect(lambda b=box, f=form, n=field: _blank(b, f, n))
        _blank(box, form, field)

    def stop(self):
        for lid in list(self.layers):
            if _alive(self.layers[lid]):
                self._forget(lid)
        self.layers, self._connections = {}, {}
        if self._filtering and QApplication.instance() is not None:
            QApplication.instance().removeEventFilter(self)
        self._filtering = False


def _alive(layer):
    return not sip.isdeleted(layer)


def _form_and_field(box):
    """The attribute form a text box is in and the field it edits (the form names a field's widget after it)."""
    field = None
    w = box.parentWidget()
    while w is not None:
        if isinstance(w, QgsAttributeForm):
            return w, field
        if field is None and w.objectName():
            field = w.objectName() if w.objectName() in _all_multiline() else None
        w = w.parentWidget()
    return None, None


def _all_multiline():
    return {n for names in MULTILINE.values() for n in names}


def _blank(box, form, field):
    """Show '' instead of the null representation where the form's feature holds NULL (not heard by the form)."""
    try:
        if box.toPlainText() != QgsApplication.nullRepresentation():
            return
        feature = form.feature()
        i = feature.fields().indexOf(field)
        if i < 0 or not _is_null(feature.attribute(i)):
            return
    except RuntimeError:  # the form or box is gone
        return
    box.blockSignals(True)
    box.clear()
    box.blockSignals(False)
