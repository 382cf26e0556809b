"""Run inside QGIS (qgis --code): open the sample and every pMIEK dock, then quit QGIS the normal way
(File > Exit), so the plugin is unloaded by QGIS itself. Writes PMIEK_RESULT before quitting."""

import os

from qgis.core import QgsProject
from qgis.PyQt.QtCore import QTimer
from qgis.utils import iface, plugins


def _open():
    plugin = plugins["pmiek_werkbank"]
    plugin.open_sample()
    from pmiek_werkbank.dialogs.registry import available_entries

    for entry in available_entries():
        if entry[5] == "dock":
            plugin.open_entry(entry, True)
    QTimer.singleShot(2500, _quit)


def _quit():
    with open(os.environ["PMIEK_RESULT"], "w", encoding="utf-8") as f:
        f.write("layers={}\n".format(len(QgsProject.instance().mapLayers())))
    QgsProject.instance().setDirty(False)
    iface.actionExit().trigger()


QTimer.singleShot(2500, _open)
