"""The code base stays ruff-clean (make lint)."""

import os
import subprocess
import sys

from conftest import ROOT


def test_ruff_clean():
    ruff = os.path.join(os.path.dirname(sys.executable), "ruff")
    r = subprocess.run([ruff, "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-4000:]


# QGIS classes whose C++ destructor is not virtual while sip makes a Python subclass of them (they have protected
# members): an object constructed in Python and then owned and deleted by QGIS (a layer deleting its renderer's
# rules) leaves a wrapper that later writes into freed memory - the fiche-export crash of issue 19.  Such objects
# must come from QGIS (QgsRuleBasedRenderer(symbol), rule.clone(), QgsRuleBasedRenderer.convertFromRenderer ...).
PYTHON_MADE_FORBIDDEN = ("QgsRuleBasedRenderer.Rule(", "QgsRuleBasedLabeling.Rule(")


def test_no_python_made_objects_that_qgis_deletes_without_telling_sip():
    found = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in (".venv", "build", ".git", "tests", "node_modules")]
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as f:
                    for n, line in enumerate(f, 1):
                        found += ["{}:{}: {}".format(os.path.relpath(path, ROOT), n, line.strip())
                                  for pattern in PYTHON_MADE_FORBIDDEN if pattern in line]
    assert not found, "\n".join(found)


def test_algorithms_write_output_features_only_through_add_features():
    """Every Processing output is written through provider.base.add_features, which stops the algorithm when the
    destination refuses a feature: no sink.addFeature(s) call whose False answer would be ignored."""
    found = []
    folder = os.path.join(ROOT, "provider")
    for sub, _dirs, files in os.walk(folder):
        for name in files:
            path = os.path.join(sub, name)
            if not name.endswith(".py") or path == os.path.join(folder, "base.py"):
                continue
            with open(path, encoding="utf-8") as f:
                found += ["{}:{}: {}".format(os.path.relpath(path, ROOT), n, line.strip())
                          for n, line in enumerate(f, 1) if ".addFeature(" in line or ".addFeatures(" in line]
    assert not found, "\n".join(found)


def test_algorithms_that_make_a_sink_close_and_check_it():
    """A module that makes a Processing sink (parameterAsSink) also closes and reads it back through
    provider.base.close_output or verify_output: a file whose commit fails in the sink's destructor (full disk)
    is otherwise reported as written."""
    missing = []
    folder = os.path.join(ROOT, "provider")
    for sub, _dirs, files in os.walk(folder):
        for name in files:
            path = os.path.join(sub, name)
            if not name.endswith(".py"):
                continue
            with open(path, encoding="utf-8") as f:
                text = f.read()
            makes = text.count(".parameterAsSink(")
            checks = text.count("close_output(") + text.count("verify_output(")
            if makes and not checks:
                missing.append("{}: {} sink(s), geen close_output/verify_output".format(
                    os.path.relpath(path, ROOT), makes))
    assert not missing, "\n".join(missing)


def test_field_parameters_only_through_the_one_helper():
    """QGIS 3.44 printed 'parameterAsFields() is deprecated' on every import: field names are asked through
    provider.base.PmiekAlgorithm.parameter_as_fields (parameterAsStrings where QGIS has it), nowhere else."""
    found = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in (".venv", "build", ".git", "tests", "node_modules")]
        for name in files:
            path = os.path.join(folder, name)
            if name.endswith(".py") and os.path.relpath(path, ROOT) != os.path.join("provider", "base.py"):
                with open(path, encoding="utf-8") as f:
                    if "parameterAsFields(" in f.read():
                        found.append(os.path.relpath(path, ROOT))
    assert found == []
