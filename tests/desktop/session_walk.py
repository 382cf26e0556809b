"""Run inside the real QGIS desktop (qgis --code): walk a design session as a user would.

Synthesised mouse and key events (QTest, QMouseEvent) on the real widgets: the
pMIEK menu actions, the dock buttons, the map canvas viewport, the attribute
form and the dialogs.  Steps: open the sample, draw a knooppunt and a project
(fill the form, save), select developments on the map and link them, watch the
balance dock change, set the assessor and score with motivatie, export one
fiche, switch werkbank, save the QGIS project beside it and exit.  A
screenshot per step goes to PMIEK_ARTIFACTS (prefix PMIEK_TAG); what was seen
goes to PMIEK_RESULT (JSON), written before QGIS exits.  The test
(tests/test_desktop_session.py) then reads the werkbank with sqlite3.

Environment: PMIEK_RESULT, PMIEK_ARTIFACTS, PMIEK_TAG, PMIEK_SECOND (second werkbank), PMIEK_EXPORT (folder).
"""

import json
import math
import os
import time
import traceback

from qgis.core import QgsProject
from qgis.PyQt.QtCore import QEvent, QPoint, QPointF, Qt, QTimer
from qgis.PyQt.QtGui import QMouseEvent
from qgis.PyQt.QtTest import QTest
from qgis.PyQt.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLineEdit,
    QMessageBox,
    QTabWidget,
    QWidget,
)
from qgis.utils import iface, plugins

RESULT = os.environ["PMIEK_RESULT"]
ART = os.environ["PMIEK_ARTIFACTS"]
TAG = os.environ.get("PMIEK_TAG", "session")
SECOND = os.environ["PMIEK_SECOND"]
EXPORT = os.environ["PMIEK_EXPORT"]
KP_NAME = "Knooppunt Eemkwartier"
PROJECT_NAME = "Verzwaring station Eemkwartier"
MOTIVATIE = "Woonwijken sluiten aan op het verzwaarde station"
SCORE_MOTIVATIE = "Lost de wachtrij van twee woonwijken op (sessie 12 maart)"

report = {"steps": [], "shots": [], "messages": []}
_n = [0]


# ---- helpers -------------------------------------------------------------------------------------
def write_report():
    with open(RESULT, "w", encoding="utf-8") as f:
        json.dump(report, f, indent=2, default=str)


def shot(name):
    QApplication.processEvents()
    _n[0] += 1
    path = os.path.join(ART, "{}_{:02d}_{}.png".format(TAG, _n[0], name))
    pix = QApplication.primaryScreen().grabWindow(0)
    pix.save(path)
    report["shots"].append(path)


def step(name):
    report["steps"].append(name)
    write_report()


def messages():
    out = []
    for item in iface.messageBar().items():
        try:
            out.append("{} {}".format(item.title(), item.text()))
        except (AttributeError, RuntimeError):
            pass
    return out


def action(key):
    for a in plugins["pmiek_werkbank"].actions:
        if a.objectName() == "pmiek_" + key:
            return a
    raise AssertionError("actie {} niet gevonden".format(key))


def later(fn, ms=0):
    """Run fn from the event loop (for clicks that open a modal dialog and block until it closes)."""
    QTimer.singleShot(ms, fn)


def click(widget, pos=None, button=Qt.MouseButton.LeftButton, modifier=Qt.KeyboardModifier.NoModifier):
    if pos is None:
        QTest.mouseClick(widget, button, modifier)
    else:
        QTest.mouseClick(widget, button, modifier, pos)


def send_mouse(widget, kind, pos, button, buttons, modifier=Qt.KeyboardModifier.NoModifier):
    local = QPointF(pos)
    glob = QPointF(widget.mapToGlobal(pos))
    QApplication.sendEvent(widget, QMouseEvent(kind, local, local, glob, button, buttons, modifier))


def canvas_click(pos, button=Qt.MouseButton.LeftButton, modifier=Qt.KeyboardModifier.NoModifier):
    vp = iface.mapCanvas().viewport()
    send_mouse(vp, QEvent.Type.MouseMove, pos, Qt.MouseButton.NoButton, Qt.MouseButton.NoButton, modifier)
    send_mouse(vp, QEvent.Type.MouseButtonPress, pos, button, button, modifier)
    send_mouse(vp, QEvent.Type.MouseButtonRelease, pos, button, Qt.MouseButton.NoButton, modifier)


def type_into(widget, text):
    widget.setFocus()
    QTest.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(widget, Qt.Key.Key_Delete)
    QTest.keyClicks(widget, text)


def choose(combo, text=None, data=None):
    """Pick a combo box entry the way a keyboard user does: focus, then arrow keys to it."""
    target = combo.findData(data) if data is not None else combo.findText(text)
    assert target >= 0, "keuze '{}' niet gevonden in {}".format(text or data, combo.objectName())
    combo.setFocus()
    guard = 0
    while combo.currentIndex() != target and guard < 500:
        key = Qt.Key.Key_Down if combo.currentIndex() < target else Qt.Key.Key_Up
        QTest.keyClick(combo, key)
        guard += 1
    assert combo.currentIndex() == target


def wait_for(pred, timeout=30.0, what=""):
    end = time.time() + timeout
    while True:
        try:
            if pred():
                return
        except Exception:  # noqa: BLE001 - not there yet
            pass
        if time.time() > end:
            raise AssertionError("wachten duurde te lang: " + what)
        yield 100


def modal(cls=QDialog, timeout=30.0):
    found = []

    def there():
        w = QApplication.activeModalWidget()
        if w is not None and isinstance(w, cls) and w.isVisible():
            found.append(w)
            return True
        return False

    yield from wait_for(there, timeout, "dialoog {}".format(cls.__name__))
    return found[-1]


def ok_button(dialog):
    box = dialog.findChild(QDialogButtonBox)
    return box.button(QDialogButtonBox.StandardButton.Ok)


def field(dialog, name, cls=QLineEdit):
    """The input widget of field ``name`` in QGIS's attribute form (editor widgets carry the field name)."""
    report.setdefault("field_lookup", {})[name] = [
        "{}:{}".format(type(w).__name__, w.isVisible()) for w in dialog.findChildren(QWidget, name)]
    for w in dialog.findChildren(QWidget, name):
        if not w.isVisible():
            continue
        if isinstance(w, cls):
            return w
        inner = [c for c in w.findChildren(cls) if c.isVisible()]
        if inner:
            return inner[0]
    names = sorted({w.objectName() + ":" + type(w).__name__ for w in dialog.findChildren(QWidget) if w.objectName()})
    raise AssertionError("veld {} ({}) niet in het formulier: {}".format(name, cls.__name__, names[:80]))


def show_tab(dialog, title):
    for tabs in dialog.findChildren(QTabWidget):
        for i in range(tabs.count()):
            if tabs.tabText(i).replace("&", "") == title:
                bar = tabs.tabBar()
                click(bar, bar.tabRect(i).center())
                return tabs
    raise AssertionError("tabblad {} niet gevonden".format(title))


def to_pixel(x, y):
    p = iface.mapCanvas().getCoordinateTransform().transform(x, y)
    return QPoint(int(round(p.x())), int(round(p.y())))


def balance_cell(dock, unit_id, year):
    t = dock.table
    col = None
    for j in range(t.columnCount()):
        h = t.horizontalHeaderItem(j)
        if h is not None and h.text() == str(year):
            col = j
    for i in range(t.rowCount()):
        if t.item(i, 0).data(Qt.ItemDataRole.UserRole) == unit_id:
            return t.item(i, col).text(), i
    return None, None


def dutch_float(text):
    return float(text.replace("\u2009", "").replace(".", "").replace(",", ".").replace("−", "-"))


# ---- the walk ---------------------------------------------------------------------------------------
def walk():
    plugin = plugins["pmiek_werkbank"]
    main = iface.mainWindow()
    # No window manager under Xvfb: give the main window the whole screen (as a maximised window has).
    main.setGeometry(QApplication.primaryScreen().availableGeometry())
    main.showMaximized()
    yield 1500
    report["screen"] = [QApplication.primaryScreen().size().width(), QApplication.primaryScreen().size().height()]
    report["menubar"] = [a.text() for a in main.menuBar().actions()]

    # 1. open the sample from the pMIEK menu, with the projects and balance docks
    action("sample").trigger()
    yield from wait_for(lambda: plugin.session.werkbank_path(), 60, "voorbeeld geopend")
    report["werkbank"] = plugin.session.werkbank_path()
    action("projects").trigger()
    yield 500
    dock = plugin.docks["projects"]
    dock.raise_()
    yield 800
    shot("voorbeeld_geopend")
    step("open")

    # choose where to draw: a development with demand at station A; the project will serve station B (far)
    bal_action = action("balance")
    bal_action.trigger()
    yield from wait_for(lambda: plugin.docks["balance"].model is not None, 60, "balansmodel")
    bdock = plugin.docks["balance"]
    model = bdock.model
    a = model.assignment
    a = a[(a["demand_mw"] > 0) & a["station_id"].notna() & (a["year_eff"] <= max(model.years))]
    devs_layer = [lyr for lyr in QgsProject.instance().mapLayers().values()
                  if lyr.customProperty("pmiek/table") == "developments" and lyr.name().endswith("(punten)")][0]
    pts = {f["dev_id"]: f.geometry().asPoint() for f in devs_layer.getFeatures() if f.hasGeometry()}
    a = a[a["dev_id"].isin(list(pts))]
    first = a.iloc[0]
    p1 = pts[first["dev_id"]]
    # a second development 1,5 to 8 km away, at a station other than B
    second = None
    for r in a.itertuples():
        d = math.dist((p1.x(), p1.y()), (pts[r.dev_id].x(), pts[r.dev_id].y()))
        if r.dev_id != first["dev_id"] and 1500 < d < 8000:
            second = r
            break
    stations = model.inputs.stations
    far = sorted(((math.dist((p1.x(), p1.y()), (g.x, g.y)), sid, name) for sid, name, g in
                  zip(stations["station_id"], stations["name"], stations.geometry)), reverse=True)
    used = {first["station_id"], second.station_id if second is not None else None}
    station_b = next((sid, name) for _, sid, name in far if sid not in used)
    report["chosen"] = {"dev1": first["dev_id"], "dev2": second.dev_id if second is not None else None,
                        "station_b": station_b[0], "station_b_name": station_b[1]}
    dock.raise_()
    canvas = iface.mapCanvas()
    # zoom in on the spot (as the analyst would with the scroll wheel), keeping both developments in view
    from qgis.core import QgsRectangle

    p2 = pts[second.dev_id] if second is not None else p1
    cx, cy = (p1.x() + p2.x()) / 2, (p1.y() + p2.y()) / 2
    half = max(abs(p1.x() - p2.x()), abs(p1.y() - p2.y()), 2000) * 0.9
    canvas.setExtent(QgsRectangle(cx - half, cy - half, cx + half, cy + half))
    canvas.refresh()
    yield 1500

    # 2. Esc: the first Esc drops a half-drawn sketch, the second leaves the drawing tool
    click(dock.b_kp)
    yield 400
    c = to_pixel(p1.x(), p1.y())
    canvas_click(QPoint(c.x() - 200, c.y() - 150))
    yield 150
    canvas_click(QPoint(c.x() - 120, c.y() - 150))
    yield 150
    report["sketch_before_esc"] = dock._tool.isCapturing()
    QTest.keyClick(canvas, Qt.Key.Key_Escape)
    yield 300
    report["sketch_after_esc"] = dock._tool.isCapturing() if dock._tool is not None else None
    QTest.keyClick(canvas, Qt.Key.Key_Escape)
    yield 300
    report["esc_leaves_tool"] = dock._tool is None and type(canvas.mapTool()).__name__ != "WerkbankDrawTool"
    report["tool_after_esc"] = type(canvas.mapTool()).__name__

    # 3. draw a knooppunt: one click on the button, then the polygon on the map, right-click to finish
    click(dock.b_kp)
    yield 400
    report["kp_tool_active"] = canvas.mapTool() is dock._tool and dock._tool is not None
    report["kp_layer_editable"] = dock._tool.target.isEditable() if dock._tool is not None else False
    c = to_pixel(p1.x(), p1.y())
    ring = [QPoint(c.x() - 90, c.y() - 70), QPoint(c.x() + 100, c.y() - 80), QPoint(c.x() + 110, c.y() + 80),
            QPoint(c.x() - 80, c.y() + 90)]
    for p in ring:
        canvas_click(p)
        yield 150
    shot("knooppunt_schets")
    later(lambda: canvas_click(ring[-1], Qt.MouseButton.RightButton))
    form = yield from modal()
    yield 500
    report["kp_form_ok_enabled_empty"] = ok_button(form).isEnabled()
    type_into(field(form, "name"), KP_NAME)
    report["kp_name_typed"] = field(form, "name").text()
    choose(field(form, "karakter", QComboBox), text="Provinciaal")
    yield 300
    report["kp_form_size"] = [form.width(), form.height()]
    shot("knooppunt_formulier")
    click(ok_button(form))
    yield from wait_for(lambda: any(KP_NAME in m and "opgeslagen" in m for m in messages()), 30,
                        "bevestiging knooppunt")
    report["messages"] += messages()
    yield 800
    shot("knooppunt_opgeslagen")
    step("knooppunt")
    report["tool_after_save"] = type(canvas.mapTool()).__name__

    # 4. draw a project (point type) on the first development, fill the tabs, save
    choose(dock.draw_type, data="hs_ms_station")
    click(dock.b_project)
    yield 400
    report["project_tool_active"] = canvas.mapTool() is dock._tool and dock._tool is not None
    c1 = to_pixel(p1.x(), p1.y())
    spot = QPoint(c1.x() + 25, c1.y() + 25)
    later(lambda: canvas_click(spot))
    form = yield from modal()
    yield 500
    type_into(field(form, "name"), PROJECT_NAME)
    show_tab(form, "Planning en financiën")
    yield 200
    type_into(field(form, "ibn_year"), "2030")
    choose(field(form, "phase", QComboBox), text="Planuitwerking")
    choose(field(form, "in_ip", QComboBox), text="ja")  # ja / nee / (leeg): empty is "niet opgegeven"
    yield 200
    shot("project_formulier_planning")
    show_tab(form, "Netcapaciteit")
    yield 200
    choose(field(form, "station_id", QComboBox), text=station_b[1])
    choose(field(form, "knooppunt_id", QComboBox), text=KP_NAME)
    type_into(field(form, "capacity_afname_mw"), "40")
    yield 300
    report["project_form_size"] = [form.width(), form.height()]
    shot("project_formulier_netcapaciteit")
    click(ok_button(form))
    yield from wait_for(lambda: any(PROJECT_NAME in m and "opgeslagen" in m for m in messages()), 30,
                        "bevestiging project")
    report["messages"] += messages()
    yield 800
    shot("project_opgeslagen")
    step("project")

    # 5. balance before linking (the balance dock, per station, last horizon year)
    last = max(bdock.model.years)
    yield from wait_for(lambda: balance_cell(bdock, station_b[0], last)[0] is not None, 30, "balansrij station B")
    report["balance_before"] = balance_cell(bdock, station_b[0], last)[0]

    # select the developments on the map (select tool: click, Shift+click) and link them with a motivatie
    iface.setActiveLayer(devs_layer)
    iface.actionSelect().trigger()
    yield 300
    canvas_click(to_pixel(p1.x(), p1.y()))
    yield 300
    if second is not None:
        canvas_click(to_pixel(p2.x(), p2.y()), modifier=Qt.KeyboardModifier.ShiftModifier)
        yield 300
    report["selected_on_map"] = sorted(f["dev_id"] for f in devs_layer.selectedFeatures())
    yield from wait_for(lambda: dock.current_project() is not None, 10, "nieuw project gekozen")
    type_into(dock.motivation, MOTIVATIE)
    shot("ontwikkelingen_geselecteerd")
    click(dock.b_link_map)
    yield from wait_for(lambda: dock.links.rowCount() >= len(report["selected_on_map"]), 30, "koppelingen")
    report["links_rows"] = dock.links.rowCount()
    yield 800
    report["balance_after"] = balance_cell(bdock, station_b[0], last)[0]
    lk = bdock.model.links()
    mine = lk[lk["project_id"] == dock.current_project()] if "project_id" in lk.columns else lk
    report["moved_demand_mw"] = float(mine["moved_demand_mw"].sum()) if "moved_demand_mw" in mine.columns else None
    report["project_id"] = dock.current_project()
    shot("gekoppeld")
    # the balance dock shows it: raise it and pick station B so the chart follows
    bdock.raise_()
    yield 500
    _, row = balance_cell(bdock, station_b[0], last)
    t = bdock.table
    t.scrollToItem(t.item(row, 0))
    click(t.viewport(), t.visualItemRect(t.item(row, 0)).center())
    yield 800
    shot("balans_na_koppelen")
    step("koppelen")

    # 6. scoring: set the assessor once, rate criterion A of the new project with a motivatie
    action("scoring").trigger()
    yield 1000
    sdock = plugin.docks["scoring"]
    sdock.raise_()
    yield 500
    later(lambda: click(sdock.assessor_button))
    dlg = yield from modal()
    type_into(dlg.name, "Anna de Vries")
    type_into(dlg.organisation, "Provincie Utrecht")
    choose(dlg.role, data="provincie")
    yield 200
    shot("beoordelaar")
    click(ok_button(dlg))
    yield 500
    keys = sdock.grid_model.keys
    r = keys.index(report["project_id"])
    headers = [sdock.grid_model.headers[j][0] for j in range(len(sdock.grid_model.headers))]
    report["grid_headers"] = headers
    idx = sdock.grid_model.index(r, headers.index("A"))
    sdock.grid.scrollTo(idx)
    yield 200
    click(sdock.grid.viewport(), sdock.grid.visualRect(idx).center())
    yield 300
    later(lambda: QTest.keyClick(sdock.grid, Qt.Key.Key_Return))  # Enter on the cell rates it
    dlg = yield from modal()
    report["rating_preselected"] = dlg.rating.currentIndex()
    report["rating_role_preset"] = dlg.role.currentData()
    choose(dlg.rating, text=dlg.rating.itemText(1))
    report["rating_given"] = dlg.rating.currentText()
    dlg.rationale.setFocus()
    QTest.keyClicks(dlg.rationale, SCORE_MOTIVATIE)
    QTest.keyClick(dlg.rationale, Qt.Key.Key_Tab)  # moves on, types no tab
    report["tab_left_motivatie"] = not dlg.rationale.hasFocus()
    yield 200
    shot("waardering")
    click(ok_button(dlg))
    yield 1000
    bar = sdock.grid.horizontalScrollBar()
    try:  # the column widths settle after the reload that follows the rating
        yield from wait_for(lambda: bar.maximum() == 0, 10, "raster past")
    except AssertionError:
        pass  # recorded below; the test reports it
    header = sdock.grid.horizontalHeader()
    report["grid_fits"] = [bar.maximum(), header.length(), sdock.grid.viewport().width()]
    shot("scores")
    step("scoren")

    # 7. export one fiche (the new project only)
    action("export").trigger()
    yield 800
    edlg = plugin.dialogs["export"]
    type_into(edlg.folder, EXPORT)
    for cb in (edlg.cb_atlas, edlg.cb_lists):
        if cb.isChecked():
            click(cb, QPoint(8, cb.height() // 2))  # on the box itself
    report["export_atlas_checked"] = edlg.cb_atlas.isChecked()
    for i in range(edlg.projects.count()):
        item = edlg.projects.item(i)
        if item.data(Qt.ItemDataRole.UserRole) == report["project_id"]:
            edlg.projects.scrollToItem(item)
            rect = edlg.projects.visualItemRect(item)
            click(edlg.projects.viewport(), QPoint(rect.left() + 10, rect.center().y()))
            report["export_item_checked"] = item.checkState() == Qt.CheckState.Checked
            if not report["export_item_checked"]:
                item.setCheckState(Qt.CheckState.Checked)
    yield 300
    shot("export_dialoog")
    click(edlg.run_button)

    def pdfs():
        out = []
        for root, _dirs, files in os.walk(EXPORT):
            out += [os.path.join(root, f) for f in files if f.lower().endswith(".pdf")]
        return out

    yield from wait_for(lambda: pdfs() and not edlg.cancel_button.isEnabled(), 180, "fiche-PDF")
    yield 500
    report["export_pdfs"] = pdfs()
    report["export_status"] = edlg.status.text()
    shot("export_klaar")
    edlg.close()
    step("export")

    # 8. switch werkbank through "Werkbank openen…" and its file dialog
    later(lambda: action("open").trigger())
    fd = yield from modal(QFileDialog)
    report["file_dialog_start"] = fd.directory().absolutePath()
    edit = fd.findChild(QLineEdit, "fileNameEdit")  # Qt's own file dialog: the 'File name' field
    # paste the path (typing character by character races with the dialog's completer popup)
    edit.setFocus()
    edit.setText(SECOND)
    yield 200
    QTest.keyClick(edit, Qt.Key.Key_Return)
    yield from wait_for(lambda: plugin.session.werkbank_path() == SECOND, 30, "tweede werkbank")
    yield 1500
    report["after_switch"] = {
        "projects_rows": dock.projects.rowCount(), "links_rows": dock.links.rowCount(),
        "grid_rows": sdock.grid_model.rowCount(), "balance_rows": bdock.table.rowCount(),
        "projects_info": dock.info.text(),
        "detail_tabs": [dock.detail_tabs.tabText(i) for i in range(dock.detail_tabs.count())]}
    dock.raise_()
    yield 300
    shot("andere_werkbank")
    step("wissel")

    # 9. save the QGIS project next to the werkbank, then exit the normal way
    action("save_project").trigger()
    yield 500
    report["project_file"] = QgsProject.instance().fileName()
    report["messages"] += messages()
    shot("project_opgeslagen_naast_werkbank")
    report["exit_prompt"] = None
    step("afsluiten")
    later(lambda: iface.actionExit().trigger(), 100)
    # Any modal question on exit is recorded (and answered 'discard', so QGIS still ends).
    end = time.time() + 8
    while time.time() < end:
        w = QApplication.activeModalWidget()
        if w is not None and w.isVisible():
            report["exit_prompt"] = "{}: {}".format(w.windowTitle(), w.text() if isinstance(w, QMessageBox) else "")
            shot("afsluitvraag")
            write_report()
            if isinstance(w, QMessageBox):
                b = w.button(QMessageBox.StandardButton.Discard) or w.button(QMessageBox.StandardButton.No)
                if b is not None:
                    click(b)
                    continue
            w.reject()
        yield 200


class Runner:
    def __init__(self, gen):
        self.gen = gen

    def next(self):
        try:
            delay = next(self.gen)
        except StopIteration:
            write_report()
            return
        except Exception:  # noqa: BLE001 - report and leave
            report["error"] = traceback.format_exc()
            report["messages"] += messages()
            try:
                shot("fout")
            except Exception:  # noqa: BLE001
                pass
            write_report()
            os._exit(3)
        QTimer.singleShot(int(delay or 0), self.next)


def _watchdog():
    report["error"] = report.get("error") or "tijdslimiet van de wandeling bereikt (stap na {})".format(
        report["steps"][-1] if report["steps"] else "start")
    try:
        shot("tijdslimiet")
    except Exception:  # noqa: BLE001
        pass
    write_report()
    os._exit(4)


_runner = Runner(walk())
QTimer.singleShot(3000, _runner.next)
QTimer.singleShot(int(os.environ.get("PMIEK_WALK_TIMEOUT", "420")) * 1000, _watchdog)
