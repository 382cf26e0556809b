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


def enum_members():
    """{class name: {member: enum name}} for every Qt/QGIS class importable here."""
    table = {}
    for name in MODULES:
        try:
            mod = importlib.import_module(name)
        except Exception:  # a module this Qt build lacks
            continue
        for cname, cls in vars(mod).items():
            if not isinstance(cls, type) or cname in table:
                continue
            members = {}
            for attr in dir(cls):
                try:
                    value = getattr(cls, attr)
                except Exception:
                    continue
                if isinstance(value, type) or not _is_enum_type(type(value)):
                    continue
                members[attr] = type(value).__name__
            if members:
                table[cname] = members
    return table


def plugin_sources():
    for dirpath, dirnames, filenames in os.walk(ROOT):
        rel_dir = os.path.relpath(dirpath, ROOT)
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
        if rel_dir.startswith(SKIP_PREFIXES):
            continue
        for fn in sorted(filenames):
            if fn.endswith(".py"):
                yield os.path.normpath(os.path.join(rel_dir, fn))


def scan_source(text, members, rel="<text>"):
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
        enum_name = members.get(cls, {}).get(attr)
        if enum_name is not None:
            found.append((rel, node.lineno, "{}.{}".format(cls, attr), "{}.{}.{}".format(cls, enum_name, attr)))
    return found


@pytest.fixture(scope="module")
def members(qgis_app):
    table = enum_members()
    assert len(table) > 300, "Qt/QGIS introspection found too few classes with enums"
    return table


@pytest.fixture(scope="module")
def qgis_app():
    from qgis.core import QgsApplication

    return QgsApplication.instance()


def test_introspection_knows_the_classic_members(members):
    # The members named in issue 16, read from this PyQt/QGIS: proves the list is real.
    assert members["Qt"]["AlignLeft"] == "AlignmentFlag"
    assert members["QgsTask"]["CanCancel"] == "Flag"
    assert members["QPageLayout"]["Landscape"] == "Orientation"
    assert members["QMessageBox"]["Yes"] == "StandardButton"
    assert "String" in members["QVariant"]


def test_scan_flags_unscoped_and_accepts_scoped(members):
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
    assert scan_source("a = Qt.AlignmentFlag.AlignLeft\nb = QgsTask.Flag.CanCancel\nd.exec()\n", members) == []


def test_plugin_code_uses_only_scoped_enums(members):
    sources = list(plugin_sources())
    assert len(sources) > 50 and "plugin.py" in sources
    found = []
    for rel in sources:
        with open(os.path.join(ROOT, rel), encoding="utf-8") as fh:
            found.extend(scan_source(fh.read(), members, rel))
    report = "\n".join("{}:{}: {} -> {}".format(*f) for f in found)
    assert not found, "{} unscoped Qt/QGIS enum uses (Qt 6 has only the scoped form):\n{}".format(
        len(found), report)
