"""QGIS 4 / Qt 6 readiness: no unscoped Qt/QGIS enum access, no ``exec_()``, no ``QVariant`` field types.

The list of enum members is not hand-written: it is read from the running PyQt and QGIS
(every class in QtCore/QtGui/QtWidgets/QtXml/QtNetwork/QtPrintSupport/qgis.core/qgis.gui), so
on QGIS 3.22, 3.40 and 3.44 the scan knows exactly the members those versions have.  The code is
parsed with ``ast``: ``Class.Member`` is flagged when ``Member`` is an enum value of ``Class``
(own or inherited) and not written as ``Class.EnumName.Member``.  Qt 6 (PyQt6, QGIS 4) only
has the scoped form.  ``QVariant.Type``/``QVariant.String`` ... do not exist in PyQt6: field
types go through ``layers/fieldtypes.py`` (QMetaType on QGIS >= 3.38), the only file allowed
to name them.
"""

import ast
import enum
import importlib
import os

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SKIP_DIRS = {".venv", "build", ".git", "__pycache__", "demo_output", "artifacts", "node_modules"}
SKIP_PREFIXES = (os.path.join("tests", "data"), os.path.join("resources", "sample"))
FIELD_TYPES_HELPER = os.path.join("layers", "fieldtypes.py")
MODULES = ("qgis.PyQt.QtCore", "qgis.PyQt.QtGui", "qgis.PyQt.QtWidgets", "qgis.PyQt.QtXml",
           "qgis.PyQt.QtNetwork", "qgis.PyQt.QtPrintSupport", "qgis.PyQt.QtSvg", "qgis.core", "qgis.gui")


def _is_enum_type(t):
    return isinstance(t, type) and (type(t).__name__ in ("enumtype", "EnumType") or issubclass(t, enum.Enum))


def _owner_of(enum_type, classes):
    """'Qgis.TextRenderFormat' for an enum that QGIS moved to ``Qgis`` (and aliased on the old class)."""
    name = enum_type.__name__
    for cname in ("Qgis",) + tuple(sorted(classes)):
        if getattr(classes.get(cname), name, None) is enum_type:
            return "{}.{}".format(cname, name)
    return None


def enum_members():
    """{class name: {member: scoped spelling}} for every Qt/QGIS class importable here.

    The scoped spelling is ``Class.Enum.Member`` when that resolves to the same value, else the
    enum's own home and canonical member name (``QgsRenderContext.TextFormatAlwaysText`` ->
    ``Qgis.TextRenderFormat.AlwaysText``).
    """
    classes = {}
    for name in MODULES:
        try:
            mod = importlib.import_module(name)
        except Exception:  # a module this Qt build lacks
            continue
        for cname, cls in vars(mod).items():
            if isinstance(cls, type):
                classes.setdefault(cname, cls)
    table = {}
    for cname, cls in classes.items():
        members = {}
        for attr in dir(cls):
            try:
                value = getattr(cls, attr)
            except Exception:
                continue
            if isinstance(value, type) or not _is_enum_type(type(value)):
                continue
            etype = type(value)
            scoped = "{}.{}.{}".format(cname, etype.__name__, attr)
            if getattr(getattr(cls, etype.__name__, None), attr, None) != value:
                home = _owner_of(etype, classes)
                canonical = getattr(value, "name", attr)
                scoped = "{}.{}".format(home, canonical) if home else scoped
            members[attr] = scoped
        if members:
            table[cname] = members
    return table


def enum_types():
    """{class name: {enum name: enum type}}: what ``Class.Enum.Member`` may name here (checked with hasattr,
    so the aliases QGIS adds for renamed members count, as they do when the code runs)."""
    out = {}
    for name in MODULES:
        try:
            mod = importlib.import_module(name)
        except Exception:
            continue
        for cname, cls in vars(mod).items():
            if not isinstance(cls, type) or cname in out:
                continue
            enums = {}
            for attr in dir(cls):
                try:
                    value = getattr(cls, attr)
                except Exception:
                    continue
                if _is_enum_type(value):
                    enums[attr] = value
            if enums:
                out[cname] = enums
    return out


def plugin_sources():
    for dirpath, dirnames, filenames in os.walk(ROOT):
        rel_dir = os.path.relpath(dirpath, ROOT)
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
        if rel_dir.startswith(SKIP_PREFIXES):
            continue
        for fn in sorted(filenames):
            if fn.endswith(".py"):
                yield os.path.normpath(os.path.join(rel_dir, fn))


def scan_source(text, members, rel="<text>", types=None):
    """Findings ``(file, line, found, suggestion)`` for one Python source."""
    tree = ast.parse(text, filename=rel)
    found = []
    qvariant_types = members.get("QVariant", {})
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        if node.attr == "exec_":
            found.append((rel, node.lineno, "exec_()", "exec()"))
            continue
        if not isinstance(node.value, ast.Name):
            continue
        cls, attr = node.value.id, node.attr
        if cls == "QVariant" and (attr == "Type" or attr in qvariant_types):
            if rel != FIELD_TYPES_HELPER:
                found.append((rel, node.lineno, "QVariant.{}".format(attr),
                              "layers.fieldtypes (QMetaType on Qt 6)"))
            continue
        scoped = members.get(cls, {}).get(attr)
        if scoped is not None:
            found.append((rel, node.lineno, "{}.{}".format(cls, attr), scoped))
    if types is not None:  # Class.Enum.Member must exist (a wrong scoped form fails only when that line runs)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute)
                    and isinstance(node.value.value, ast.Name)):
                cls, enum_name, attr = node.value.value.id, node.value.attr, node.attr
                etype = types.get(cls, {}).get(enum_name)
                if etype is not None and not hasattr(etype, attr):
                    found.append((rel, node.lineno, "{}.{}.{}".format(cls, enum_name, attr),
                                  "does not exist in this QGIS"))
    return sorted(found, key=lambda f: f[1])


@pytest.fixture(scope="module")
def members(qgis_app):
    table = enum_members()
    assert len(table) > 300, "Qt/QGIS introspection found too few classes with enums"
    return table


def test_introspection_knows_the_classic_members(members):
    # The members named in issue 16, read from this PyQt/QGIS: proves the list is real.
    assert members["Qt"]["AlignLeft"] == "Qt.AlignmentFlag.AlignLeft"
    assert members["QgsTask"]["CanCancel"] == "QgsTask.Flag.CanCancel"
    assert members["QPageLayout"]["Landscape"] == "QPageLayout.Orientation.Landscape"
    assert members["QMessageBox"]["Yes"] == "QMessageBox.StandardButton.Yes"
    # moved to Qgis in 3.22; 3.40 also aliases the old member name on the scoped enum
    assert members["QgsRenderContext"]["TextFormatAlwaysText"] in (
        "Qgis.TextRenderFormat.AlwaysText", "QgsRenderContext.TextRenderFormat.TextFormatAlwaysText")
    assert "String" in members["QVariant"]


@pytest.fixture(scope="module")
def types(qgis_app):
    return enum_types()


def test_scan_flags_unscoped_and_accepts_scoped(members, types):
    bad = ("from qgis.PyQt.QtCore import Qt, QVariant\n"
           "a = Qt.AlignLeft | Qt.AlignmentFlag.AlignTop\n"
           "t = QgsTask.CanCancel\n"
           "f = QgsField('x', QVariant.Type.String)\n"
           "dlg.exec_()\n"
           "s = 'Qt.AlignRight in a string is fine'  # Qt.AlignRight in a comment too\n")
    found = scan_source(bad, members)
    assert [(line, what) for _f, line, what, _s in found] == [
        (2, "Qt.AlignLeft"), (3, "QgsTask.CanCancel"), (4, "QVariant.Type"), (5, "exec_()")]
    assert found[0][3] == "Qt.AlignmentFlag.AlignLeft"
    good = "a = Qt.AlignmentFlag.AlignLeft\nb = QgsTask.Flag.CanCancel\nd.exec()\n"
    assert scan_source(good, members, types=types) == []
    wrong = "f = Qt.AlignmentFlag.AlignSomewhere\n"
    assert [f[2] for f in scan_source(wrong, members, types=types)] == ["Qt.AlignmentFlag.AlignSomewhere"]


def test_plugin_code_uses_only_scoped_enums(members, types):
    sources = list(plugin_sources())
    assert len(sources) > 50 and "plugin.py" in sources
    found = []
    for rel in sources:
        with open(os.path.join(ROOT, rel), encoding="utf-8") as fh:
            found.extend(scan_source(fh.read(), members, rel, types))
    report = "\n".join("{}:{}: {} -> {}".format(*f) for f in found)
    assert not found, "{} unscoped Qt/QGIS enum uses (Qt 6 has only the scoped form):\n{}".format(
        len(found), report)
