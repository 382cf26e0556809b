"""Run inside QGIS (qgis --code): open the sample programme with the pMIEK docks.

Environment: PMIEK_SCREENSHOT (save a screenshot there), PMIEK_RESULT (write a
JSON report of what was found), PMIEK_QUIT_AFTER (quit QGIS when done),
PMIEK_DOCKS (comma-separated dock keys to open; default all docks), PMIEK_RAISE (dock key
shown on top; default balance).
"""

import json
import os
import traceback

from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QApplication, QDockWidget, QMenu
from qgis.utils import iface, plugins


def _finish(report):
    path = os.environ.get("PMIEK_RESULT")
    if path:
        with open(path, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=2)
    if os.environ.get("PMIEK_QUIT_AFTER"):
        from qgis.core import QgsProject

        QgsProject.instance().setDirty(False)
        os._exit(0)


def _shoot(report):
    shot = os.environ.get("PMIEK_SCREENSHOT")
    if shot:
        QApplication.processEvents()
        screen = QApplication.primaryScreen()
        pix = screen.grabWindow(0) if screen is not None else iface.mainWindow().grab()
        if pix.isNull():
            pix = iface.mainWindow().grab()
        report["screenshot_saved"] = bool(pix.save(shot))
    _finish(report)


def _run():
    report = {"plugin_loaded": False}
    try:
        plugin = plugins.get("pmiek_werkbank")
        report["plugin_loaded"] = plugin is not None
        menus = [m for m in iface.mainWindow().findChildren(QMenu) if m.objectName() == "pmiekWerkbankMenu"]
        report["menu_found"] = bool(menus)
        report["menubar"] = [a.text() for a in iface.mainWindow().menuBar().actions()]
        report["menu_actions"] = [a.text() for a in menus[0].actions() if a.text()] if menus else []
        from qgis.core import QgsApplication

        prov = QgsApplication.processingRegistry().providerById("pmiek")
        report["algorithms"] = sorted(a.id() for a in prov.algorithms()) if prov else []
        if plugin is not None:
            plugin.open_sample()
            from pmiek_werkbank.dialogs.registry import available_entries

            wanted = os.environ.get("PMIEK_DOCKS")
            keys = wanted.split(",") if wanted else None
            for entry in available_entries():
                if entry[5] == "dock" and (keys is None or entry[0] in keys):
                    plugin.open_entry(entry, True)
            raise_key = os.environ.get("PMIEK_RAISE", "balance")
            raised = plugin.docks.get(raise_key)
            if raised is not None:
                raised.show()
                raised.raise_()
                report["raised"] = raised.windowTitle()
            docks = [d for d in iface.mainWindow().findChildren(QDockWidget)
                     if d.objectName().startswith("pmiek") and d.isVisible()]
            report["docks"] = [d.windowTitle() for d in docks]
            from qgis.core import QgsProject

            report["layers"] = sorted(lyr.name() for lyr in QgsProject.instance().mapLayers().values())
            iface.mainWindow().setGeometry(0, 0, 1600, 1000)
            iface.mainWindow().showMaximized()
    except Exception:  # noqa: BLE001 - report, never hang the desktop
        report["error"] = traceback.format_exc()
    QTimer.singleShot(4000, lambda: _shoot(report))


QTimer.singleShot(2500, _run)
