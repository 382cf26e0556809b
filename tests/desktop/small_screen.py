"""Run inside the real QGIS desktop (qgis --code) on a 1366×768 screen: open the sample and every pMIEK dock, take
a screenshot of each dock and measure which of its buttons lie outside what the dock shows without scrolling; then
save the QGIS project with the plugin's menu item and read QGIS's recent projects.  Writes PMIEK_RESULT (JSON)
and screenshots to PMIEK_ARTIFACTS (prefix PMIEK_TAG), then quits QGIS."""

import json
import os
import traceback

from qgis.core import QgsProject, QgsSettings
from qgis.PyQt.QtCore import QRect, QTimer
from qgis.PyQt.QtWidgets import QAbstractButton, QApplication, QPlainTextEdit, QScrollArea, QTabWidget, QTextBrowser
from qgis.utils import iface, plugins

RESULT = os.environ["PMIEK_RESULT"]
ART = os.environ["PMIEK_ARTIFACTS"]
TAG = os.environ.get("PMIEK_TAG", "small_screen")
report = {"docks": {}, "shots": []}


def write_report():
    with open(RESULT, "w", encoding="utf-8") as f:
        json.dump(report, f, indent=2, default=str)


def shot(name):
    QApplication.processEvents()
    path = os.path.join(ART, "{}_{}.png".format(TAG, name))
    QApplication.primaryScreen().grabWindow(0).save(path)
    report["shots"].append(path)


def out_of_view(dock):
    """Visible buttons of the dock that lie (partly) outside its scroll area's viewport."""
    area = dock.widget() if isinstance(dock.widget(), QScrollArea) else None
    if area is None:
        return None, []
    view = area.viewport()
    shown = QRect(0, 0, view.width(), view.height())
    hidden = []
    for b in area.widget().findChildren(QAbstractButton):
        if not b.isVisible() or b.width() < 2 or b.height() < 2:
            continue  # on another tab, or a table's empty corner button
        top_left = b.mapTo(view, b.rect().topLeft())
        r = QRect(top_left, b.size())
        if not shown.contains(r):
            hidden.append(b.text() or b.toolTip() or b.objectName())
    return {"viewport": [view.width(), view.height()], "content": [area.widget().width(), area.widget().height()],
            "content_min": [area.widget().minimumSizeHint().width(), area.widget().minimumSizeHint().height()]}, hidden


def null_text_in_feature_form():
    """QGIS's own feature form (iface.openFeatureForm) of a project whose multi-line 'financial_note' is NULL."""
    from pmiek_werkbank.layers.project import werkbank_layers

    layer = werkbank_layers(table="projects")[0]
    feature = next(layer.getFeatures())
    layer.startEditing()
    layer.changeAttributeValue(feature.id(), layer.fields().indexOf("financial_note"), None)
    iface.openFeatureForm(layer, layer.getFeature(feature.id()), False, False)
    for _ in range(10):
        QApplication.processEvents()
    boxes = [w for w in QApplication.allWidgets() if isinstance(w, QPlainTextEdit) and w.objectName() == "financial_note"]
    report["null_text_boxes"] = [b.toPlainText() for b in boxes]
    for dialog in {b.window() for b in boxes}:
        tabs = dialog.findChild(QTabWidget)
        if tabs is not None:
            tabs.setCurrentIndex(1)  # 'Planning en financiën'
        QApplication.processEvents()
        shot("feature_form_null_text")
        dialog.close()
    layer.rollBack()


def _open():
    try:
        plugin = plugins["pmiek_werkbank"]
        main = iface.mainWindow()
        main.setGeometry(QApplication.primaryScreen().availableGeometry())  # maximised (Xvfb has no window manager)
        main.showMaximized()
        QApplication.processEvents()
        plugin.open_sample()
        from pmiek_werkbank.dialogs.registry import available_entries

        docks = [e for e in available_entries() if e[5] == "dock"]
        for entry in docks:
            plugin.open_entry(entry, True)
        QApplication.processEvents()
        report["main_window"] = [main.width(), main.height()]
        report["screen"] = [QApplication.primaryScreen().size().width(), QApplication.primaryScreen().size().height()]
        for entry in docks:
            dock = plugin.docks[entry[0]]
            dock.show()
            dock.raise_()
            for _ in range(5):
                QApplication.processEvents()
            size, hidden = out_of_view(dock)
            report["docks"][entry[0]] = {"size": size, "hidden_buttons": hidden,
                                         "dock": [dock.width(), dock.height()]}
            shot("dock_" + entry[0])
        write_report()
        null_text_in_feature_form()
        # the plugin's own menu item: QGIS-project naast de werkbank opslaan
        for a in plugin.actions:
            if a.objectName() == "pmiek_save_project":
                a.trigger()
        QApplication.processEvents()
        report["project_file"] = QgsProject.instance().fileName()
        s = QgsSettings()
        s.beginGroup("UI/recentProjects")
        report["recent_projects"] = [s.value(g + "/path") for g in s.childGroups()]
        s.endGroup()
        report["messages"] = []
        for item in iface.messageBar().items():
            text = item.findChild(QTextBrowser)
            QApplication.processEvents()
            report["messages"].append({"title": item.title(), "text": item.text(),
                                       "text_height": text.document().size().height() if text else None,
                                       "shown_height": text.viewport().height() if text else None})
        shot("saved_message")
    except Exception:  # noqa: BLE001 - reported to the test
        report["error"] = traceback.format_exc()
    write_report()
    QTimer.singleShot(500, _quit)


def _quit():
    QgsProject.instance().setDirty(False)
    iface.actionExit().trigger()


QTimer.singleShot(2500, _open)
