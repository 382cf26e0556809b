"""Multi-line texts of the werkbank forms: NULL shows empty and stays NULL unless the user types.

QGIS's multi-line text widget (``QgsTextEditWrapper`` with a ``QPlainTextEdit``, QGIS 3.22 up to 3.44) shows a
NULL value as the text ``QgsApplication.nullRepresentation()`` ('NULL') and reads that text back as NULL; what the
user typed went in beside it ('NULLHotspot …', QGIS 3.40).  No editor widget configuration changes that (the
null value of ``QgsFilterLineEdit`` is for single-line texts), and the null representation is the user's QGIS
option for every layer.  New features start with '' (``layers/forms.py``); for an existing feature of a
werkbank layer:

- the text box of a multi-line field (``layers.forms.MULTILINE``) in an attribute form of the layer shows ''
  where the stored value is NULL (:class:`NullTexts` finds the forms; the box's own ``textChanged`` then
  follows the form to other features);
- such a box then gives '' back when the form is saved (after another field was changed), so at commit a ''
  in a multi-line field whose stored value is NULL is written as NULL again (:func:`keep_null_texts`).
"""

from qgis.core import QgsApplication, QgsFeatureRequest
from qgis.gui import QgsAttributeForm
from qgis.PyQt.QtCore import QEvent, QObject
from qgis.PyQt import sip
from qgis.PyQt.QtWidgets import QApplication, QDialog, QPlainTextEdit, QWidget

from ..layers.forms import MULTILINE

ADOPTED = "pmiek_null_text"  # property of a text box that is looked after
# events of a new dialog of the main window at which its forms are looked for (until found or painted)
LOOK_AT = (QEvent.Type.Show, QEvent.Type.LayoutRequest, QEvent.Type.WindowActivate, QEvent.Type.Paint)


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
    """Looks after the multi-line texts of the werkbank layers given to :meth:`watch` (see the module).

    Forms are found without an application-wide event filter (a Python one crashed QGIS 3.22 while drawing):
    in a dialog of the main window when it first shows (the feature form, the attribute table), in the windows
    open when a layer starts editing (the identify panel), and any text box the user clicks into."""

    def __init__(self, main_window=None):
        super().__init__(main_window)
        self.main_window = main_window
        self.layers = {}  # layer id -> layer
        self._connections = {}  # layer id -> [(signal, slot)], undone when the layer goes (or at stop)
        if main_window is not None:
            main_window.installEventFilter(self)
        app = QApplication.instance()
        if app is not None:
            app.focusChanged.connect(self._on_focus)

    def watch(self, layer):
        if layer is None or layer.id() in self.layers or not _multiline_indexes(layer):
            return False
        lid = layer.id()
        self.layers[lid] = layer
        self._connections[lid] = [
            (layer.editingStarted, self._adopt_open_forms),
            (layer.beforeCommitChanges, lambda *args, lyr=layer: keep_null_texts(lyr)),
            (layer.willBeDeleted, lambda: self._forget(lid)),
        ]
        for signal, slot in self._connections[lid]:
            signal.connect(slot)
        return True

    def _forget(self, layer_id):
        """Before the layer is deleted (its signals are still there to disconnect)."""
        for signal, slot in self._connections.pop(layer_id, []):
            try:
                signal.disconnect(slot)
            except (TypeError, RuntimeError):
                pass
        self.layers.pop(layer_id, None)

    def _adopt_open_forms(self):
        for window in QApplication.topLevelWidgets():
            self._adopt_forms_in(window)

    def eventFilter(self, obj, event):  # noqa: N802 - Qt API
        if obj is self.main_window and event.type() == QEvent.Type.ChildPolished and self.layers:
            child = event.child()
            if isinstance(child, QDialog):  # the feature form, the attribute table; not every new widget
                # polished (even shown and hidden) while it is made, before its form is there: look at its next
                # events, until its first paint
                child.installEventFilter(self)
        elif obj is not self.main_window and event.type() in LOOK_AT:
            if self._adopt_forms_in(obj) or event.type() == QEvent.Type.Paint:
                obj.removeEventFilter(self)
        return False

    def _adopt_forms_in(self, window):
        """Looks after the forms in a window; False when it has none (yet)."""
        if sip.isdeleted(window):
            return False
        forms = [sip.cast(w, QgsAttributeForm) for w in [window] + window.findChildren(QWidget) if _is_form(w)]
        for form in forms:
            self._adopt_form(form)
        return bool(forms)

    def _on_focus(self, old, new):
        if isinstance(new, QPlainTextEdit) and self.layers:
            self._adopt(new)

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
        if self.main_window is not None and _alive(self.main_window):
            self.main_window.removeEventFilter(self)
        app = QApplication.instance()
        if app is not None:
            try:
                app.focusChanged.disconnect(self._on_focus)
            except (TypeError, RuntimeError):
                pass


def _is_form(widget):
    """By the class name: a widget first seen by Python while it was being made keeps the Python type it had
    then (a dialog polished in its constructor is a QDialog to PyQt), so ``isinstance`` misses it."""
    return widget.metaObject().className() == "QgsAttributeForm"


def _alive(layer):
    return not sip.isdeleted(layer)


def _form_and_field(box):
    """The attribute form a text box is in and the field it edits (the form names a field's widget after it)."""
    field = None
    w = box.parentWidget()
    while w is not None:
        if _is_form(w):
            return sip.cast(w, QgsAttributeForm), field
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
