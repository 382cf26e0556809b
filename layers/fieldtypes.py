"""The one place that names QGIS field types (qgis.core only).

QGIS >= 3.38 takes ``QMetaType.Type`` for ``QgsField`` (and Qt 6 / QGIS 4 has nothing else:
PyQt6's ``QVariant`` has no ``Type``); QGIS 3.22 .. 3.36 take ``QVariant.Type``.  Everything that
creates a ``QgsField`` or compares a field's type goes through :func:`make_field` /
:func:`field_type` with a kind name, so the plugin runs unchanged on both.
"""

from qgis.core import Qgis, QgsField
from qgis.PyQt.QtCore import QMetaType, QVariant

#: kind -> (QMetaType.Type member, QVariant.Type member)
KINDS = {
    "string": ("QString", "String"),
    "int": ("Int", "Int"),
    "int64": ("LongLong", "LongLong"),
    "double": ("Double", "Double"),
    "bool": ("Bool", "Bool"),
    "date": ("QDate", "Date"),
    "datetime": ("QDateTime", "DateTime"),
}
#: short codes used in column specs ("s"/"i"/"d")
SHORT = {"s": "string", "i": "int", "d": "double"}

USE_METATYPE = Qgis.QGIS_VERSION_INT >= 33800


def field_type(kind):
    """The type value ``QgsField`` takes on this QGIS for ``kind`` ('string', 'int', 'double', ...)."""
    kind = SHORT.get(kind, kind)
    try:
        meta, variant = KINDS[kind]
    except KeyError:
        raise ValueError("onbekend veldtype: {!r}".format(kind)) from None
    if USE_METATYPE:
        return getattr(QMetaType.Type, meta)
    return getattr(QVariant.Type, variant)


def make_field(name, kind, length=0, precision=0):
    """A ``QgsField`` of ``kind`` ('string', 'int', 'int64', 'double', 'bool', 'date', 'datetime' or s/i/d)."""
    f = QgsField(name, field_type(kind))
    if length:
        f.setLength(length)
    if precision:
        f.setPrecision(precision)
    return f


def kind_of(field):
    """The kind name of an existing ``QgsField`` (None for other types)."""
    value = field.type()
    code = int(value.value) if hasattr(value, "value") else int(value)
    for kind in KINDS:
        t = field_type(kind)
        if code == (int(t.value) if hasattr(t, "value") else int(t)):
            return kind
    return None
