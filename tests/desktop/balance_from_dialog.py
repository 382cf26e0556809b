"""Run inside QGIS (qgis --code): run pmiek:capacitybalance three times from its Processing dialog by clicking its
Run button with the mouse (xdotool, through the X server, at the button's place on the screen; the dialog then runs
the algorithm as a task on QGIS's task manager, so on a pooled worker thread), on the werkbank PMIEK_WERKBANK; write
PMIEK_RESULT (JSON: per run whether the click started it, whether it succeeded and how many features the output layer
loaded into the project has) and quit.  With pyproj 3.7 the second run crashed QGIS 3.40 (deps)."""

import json
import os
import subprocess

from qgis.core import QgsApplication, QgsProject
from qgis.PyQt.QtCore import QTimer
from qgis.utils import iface

RUNS = 3
state = {"runs": [], "dialog": None, "ticks": 0}


def _write(extra=None):
    with open(os.environ["PMIEK_RESULT"], "w", encoding="utf-8") as f:
        json.dump(dict({"runs": state["runs"]}, **(extra or {})), f)


def _run_once():
    import processing

    dlg = processing.createAlgorithmDialog("pmiek:capacitybalance", {
        "WERKBANK": os.environ["PMIEK_WERKBANK"], "LEVEL": 0, "OUTPUT": "TEMPORARY_OUTPUT"})
    dlg.show()
    state["dialog"], state["ticks"] = dlg, 0
    before = set(QgsProject.instance().mapLayers())
    state["before"] = before
    QTimer.singleShot(800, lambda: _guarded(_click))  # once the dialog is on the screen


def _click():
    """A left click on the Run button where the X server shows it: the mouse moved there, pressed and released."""
    dlg = state["dialog"]
    dlg.raise_()
    dlg.activateWindow()
    button = dlg.runButton()
    centre = button.mapToGlobal(button.rect().center())
    state["click"] = {"x": centre.x(), "y": centre.y(), "label": button.text()}
    subprocess.run(["xdotool", "mousemove", "--sync", str(centre.x()), str(centre.y()), "click", "1"], check=True,
                   timeout=20)
    QTimer.singleShot(200, _wait)


def _wait():
    dlg = state["dialog"]
    state["ticks"] += 1
    busy = QgsApplication.taskManager().countActiveTasks() > 0
    if (busy or not dlg.results()) and state["ticks"] < 600:
        QTimer.singleShot(100, _wait)
        return
    new = [lay for lid, lay in QgsProject.instance().mapLayers().items() if lid not in state["before"]]
    state["runs"].append({"ok": bool(dlg.results()), "layers": len(new),
                          "features": [lay.featureCount() for lay in new], "click": state["click"]})
    dlg.close()
    _write()
    if len(state["runs"]) < RUNS:
        QTimer.singleShot(300, lambda: _guarded(_run_once))
    else:
        QgsProject.instance().removeAllMapLayers()  # no "temporary scratch layers will be lost" question
        QgsProject.instance().setDirty(False)
        iface.actionExit().trigger()


def _guarded(step):
    try:
        step()
    except Exception as e:  # noqa: BLE001 - reported to the test (xdotool missing, the click failed ...)
        _write({"error": repr(e)})
        QgsProject.instance().removeAllMapLayers()
        QgsProject.instance().setDirty(False)
        iface.actionExit().trigger()


QTimer.singleShot(2500, lambda: _guarded(_run_once))
