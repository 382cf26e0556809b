"""The docks 'Projecten en koppelingen' and 'Capaciteitsbalans' with an empty werkbank and with the example."""

import pytest
from test_balance import write_example


@pytest.fixture
def example_path(werkbank, werkbank_path):
    write_example(werkbank)
    return werkbank_path


def _open(session, path):
    from pmiek_werkbank.layers.project import add_werkbank_layers

    add_werkbank_layers(path)
    session.set_werkbank(path)


def test_docks_without_werkbank(qgis_iface, session):
    from pmiek_werkbank.dialogs.balance_dock import BalanceDock
    from pmiek_werkbank.dialogs.projects_dock import ProjectsDock

    p = ProjectsDock(qgis_iface, session)
    b = BalanceDock(qgis_iface, session)
    assert p.projects.rowCount() == 0 and "Geen werkbank" in p.info.text()
    assert b.model is None and b.table.rowCount() == 0
    p.cleanup()
    b.cleanup()
    p.deleteLater()
    b.deleteLater()


def test_docks_with_empty_werkbank(qgis_iface, session, werkbank_path):
    from pmiek_werkbank.dialogs.balance_dock import BalanceDock
    from pmiek_werkbank.dialogs.projects_dock import ProjectsDock

    _open(session, werkbank_path)
    p = ProjectsDock(qgis_iface, session)
    b = BalanceDock(qgis_iface, session)
    assert p.projects.rowCount() == 0 and "0 projecten" in p.info.text()
    assert b.model is not None and b.table.rowCount() == 0 and b.layer is None
    p.cleanup()
    b.cleanup()


def test_balance_dock_with_example(qgis_iface, session, example_path):
    from qgis.core import QgsProject

    from pmiek_werkbank.dialogs.balance_dock import BalanceDock
    from pmiek_werkbank.knooppunten.balance import STATUS_COLOURS, STATUS_TEXT_COLOURS  # the one palette

    _open(session, example_path)
    b = BalanceDock(qgis_iface, session)
    assert b.table.rowCount() == 3 and b.table.columnCount() == 4
    row = [b.table.item(i, 0).text() for i in range(3)].index("Station Midden")
    assert [b.table.item(row, j).text() for j in (1, 2, 3)] == ["-1", "2", "0"]
    assert b.table.item(row, 1).background().color().name() == STATUS_COLOURS["tekort"]
    assert b.table.item(row, 3).background().color().name() == STATUS_COLOURS["krap"]
    assert b.table.item(row, 3).foreground().color().name() == STATUS_TEXT_COLOURS["krap"] == "#1d1d1b"
    b.table.selectRow(row)
    assert [x["status"] for x in b.chart.rows] == ["tekort", "ruim", "krap"]
    img = b.chart.grab()
    assert not img.isNull()
    # map layer: one feature per station for the map year (the last, 2035)
    layer = b.layer
    assert layer is not None and QgsProject.instance().mapLayer(layer.id()) is not None
    feats = {f["unit_id"]: f for f in layer.getFeatures()}
    assert feats["S2"]["status"] == "krap" and feats["S2"]["year"] == 2035
    # what-if and knooppunt level
    b.whatif.setText("-P2")
    b.apply_settings()
    b.map_year.setCurrentIndex(b.map_year.findData(2035))
    assert {f["unit_id"]: f["status"] for f in b.layer.getFeatures()}["S1"] == "tekort"
    b.level.setCurrentIndex(1)
    assert b.table.rowCount() == 2 and b.layer.customProperty("pmiek/balance_level") == "knooppunt"
    assert "Niet tijdig bediend (" in b.tabs.tabText(1)
    lid = b.layer.id()
    b.cleanup()
    assert QgsProject.instance().mapLayer(lid) is None


def test_projects_dock_links_and_balance_follows(qgis_iface, session, example_path, werkbank):
    from pmiek_werkbank.dialogs.balance_dock import BalanceDock
    from pmiek_werkbank.dialogs.projects_dock import ProjectsDock

    _open(session, example_path)
    p = ProjectsDock(qgis_iface, session)
    b = BalanceDock(qgis_iface, session)
    assert p.projects.rowCount() == 3
    # filter on status
    p.f_status.setCurrentIndex(p.f_status.findData("afgevallen"))
    assert p.projects.rowCount() == 1
    p.f_status.setCurrentIndex(0)
    assert p.select_project("P1")
    assert p.links.rowCount() == 2  # D4, D5
    first = p.suggestions.item(0, 1).data(0x0100)
    assert first == "D10"
    # selection on the map is highlighted
    from pmiek_werkbank.layers.project import werkbank_layers

    sel = [f["dev_id"] for lyr in werkbank_layers(table="developments") for f in lyr.selectedFeatures()]
    assert sorted(sel) == ["D4", "D5"]
    # link the first suggestion with 50 %
    p.share.setValue(50)
    p.suggestions.selectRow(0)
    assert p.link_suggestions() == 1
    assert p.links.rowCount() == 3
    assert werkbank.count("project_links", "project_id = 'P1' AND dev_id = 'D10'") == 1
    # a project edit in the werkbank reaches the balance dock incrementally
    werkbank.execute("UPDATE projects SET ibn_year = 2035 WHERE project_id = 'P1'")
    session.dataChanged.emit("projects")
    t = b.model.station_table()
    assert list(t[t["unit_id"] == "S2"]["capacity_mw"]) == [8, 8, 14]
    p.cleanup()
    b.cleanup()


def test_draw_tools_start_and_cleanup(qgis_iface, session, example_path):
    from pmiek_werkbank.dialogs.map_tools import apply_value_maps, find_layer, new_feature
    from pmiek_werkbank.dialogs.projects_dock import ProjectsDock

    _open(session, example_path)
    lyr = find_layer("projects", "line")
    assert lyr is not None and lyr.name() == "Projecten (lijnen)"
    kp = find_layer("knooppunten")
    apply_value_maps(kp, "knooppunten")
    assert kp.editorWidgetSetup(kp.fields().indexOf("karakter")).type() == "ValueMap"
    from qgis.core import QgsGeometry

    f = new_feature(kp, "knooppunten", QgsGeometry.fromWkt("POLYGON((0 0,1 0,1 1,0 0))"))
    # generated id and session date from the layer's default value expressions (layers/forms.py)
    assert f.geometry().isMultipart() and f["knooppunt_id"].startswith("K-") and len(f["knooppunt_id"]) == 10
    assert len(f["session_date"]) == 10 and f["row_version"] == 1
    # add through the attribute form into the edit buffer, undo, redo, save
    kp.startEditing()
    from pmiek_werkbank.dialogs.map_tools import feature_form

    # the name is required (hard constraint with a Dutch message): the form's OK button stays disabled
    from qgis.PyQt.QtWidgets import QDialogButtonBox

    form = feature_form(kp, f)
    ok = form.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    name = kp.fields().indexOf("name")
    assert kp.constraintDescription(name) == "Geef het knooppunt een naam."
    assert kp.attributeAlias(name) == "Naam" and kp.editFormConfig().tabs()[0].name() == "Algemeen"
    form.reject()
    f["name"] = "Knooppunt Oost"
    form = feature_form(kp, f)
    form.accept()
    assert len(kp.editBuffer().addedFeatures()) == 1
    kp.undoStack().undo()
    assert kp.editBuffer().addedFeatures() == {}
    kp.undoStack().redo()
    assert kp.commitChanges(), kp.commitErrors()
    assert kp.featureCount() == 3
    p = ProjectsDock(qgis_iface, session)
    p.cleanup()


def test_safe_link_edits(qgis_iface, session, example_path, werkbank):
    """A suggestion link stores its own motivatie; the typed one is used once; removing asks and stays put."""
    from pmiek_werkbank.dialogs.projects_dock import ProjectsDock

    _open(session, example_path)
    p = ProjectsDock(qgis_iface, session)
    assert p.select_project("P1") and p.links.rowCount() == 2
    assert p.detail_tabs.tabText(0) == "Gekoppelde ontwikkelingen (2)"
    assert p.detail_tabs.tabText(1) == "Suggesties ({})".format(p.suggestions.rowCount())
    p.suggestions.selectRow(0)
    reason = p.suggestions.item(0, 6).text()
    assert p.link_suggestions() == 1
    got = werkbank.query("SELECT motivation FROM project_links WHERE project_id = 'P1' AND dev_id = 'D10'")
    assert got[0]["motivation"] == "Suggestie: " + reason
    p.motivation.setText("eigen reden")
    p.suggestions.selectRow(0)
    linked = p.suggestions.item(0, 1).data(0x0100)
    assert p.link_suggestions() == 1 and p.motivation.text() == ""  # used for this link only
    got = werkbank.query("SELECT motivation FROM project_links WHERE project_id = 'P1' AND dev_id = ?", (linked,))
    assert got[0]["motivation"] == "eigen reden"
    # removing asks; 'no' removes nothing
    asked = []
    p.confirm = lambda title, text: asked.append(text) or False
    p.links.selectRow(0)
    assert p.unlink_selected() == 0 and p.links.rowCount() == 4 and len(asked) == 1
    p.confirm = lambda title, text: True
    p.links.selectRow(0)
    assert p.unlink_selected() == 1 and p.links.rowCount() == 3
    # the selection does not move on to the next link: a second click removes nothing
    assert p.links.selectedItems() == [] and not p.b_unlink.isEnabled()
    assert p.unlink_selected() == 0 and p.links.rowCount() == 3
    assert werkbank.count("project_links", "project_id = 'P1'") == 3
    p.cleanup()


def test_detail_tab_titles_follow_the_tables_after_another_werkbank(qgis_iface, session, example_path, tmp_path):
    """After another (new) werkbank, with no project chosen, the tabs say no number over the empty tables (they
    kept 'Gekoppelde ontwikkelingen (2)' and 'Suggesties (n)')."""
    from pmiek_werkbank.dialogs.projects_dock import ProjectsDock
    from pmiek_werkbank.werkbank import create_werkbank

    _open(session, example_path)
    p = ProjectsDock(qgis_iface, session)
    assert p.detail_tabs.tabText(0) == "Gekoppelde ontwikkelingen" and p.detail_tabs.tabText(1) == "Suggesties"
    assert p.select_project("P1") and p.suggestions.rowCount() > 0
    assert p.detail_tabs.tabText(0) == "Gekoppelde ontwikkelingen (2)"
    assert p.detail_tabs.tabText(1) == "Suggesties ({})".format(p.suggestions.rowCount())
    # a filter: the tabs count what the tables show for the project chosen then
    p.f_status.setCurrentIndex(p.f_status.findData("afgevallen"))
    assert p.detail_tabs.tabText(0) == "Gekoppelde ontwikkelingen ({})".format(p.links.rowCount())
    assert p.detail_tabs.tabText(1) == "Suggesties ({})".format(p.suggestions.rowCount())
    p.f_status.setCurrentIndex(0)
    assert p.select_project("P1")
    other = str(tmp_path / "nieuw.gpkg")
    create_werkbank(other, "Nieuw", "Utrecht", province_code="PV26").close()
    _open(session, other)  # 'Nieuwe werkbank…'
    assert p.projects.rowCount() == 0 and p.links.rowCount() == 0 and p.suggestions.rowCount() == 0
    assert (p.detail_tabs.tabText(0), p.detail_tabs.tabText(1)) == ("Gekoppelde ontwikkelingen", "Suggesties")
    p.cleanup()


def test_tab_leaves_the_projects_tables(qgis_iface, session, example_path):
    """Tab moves the focus on from the project, link and suggestion tables (it went cell to cell and never left
    the table); the arrow keys move within."""
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtTest import QTest
    from qgis.PyQt.QtWidgets import QAbstractItemView

    from pmiek_werkbank.dialogs.projects_dock import ProjectsDock

    _open(session, example_path)
    p = ProjectsDock(qgis_iface, session)
    assert [v for v in p.findChildren(QAbstractItemView) if v.tabKeyNavigation()] == []
    assert p.select_project("P1")
    t = p.projects
    start = t.currentIndex()
    QTest.keyClick(t, Qt.Key.Key_Tab)
    assert t.currentIndex() == start
    QTest.keyClick(t, Qt.Key.Key_Up if start.row() else Qt.Key.Key_Down)
    assert t.currentIndex().row() == (start.row() - 1 if start.row() else 1)
    p.cleanup()


def test_project_names_are_readable_in_a_narrow_dock(qgis_iface, session, example_path, werkbank):
    """At the dock's default width the Naam column showed ~30 px of '…' for every project (Naam and Type stretched
    into what the fitted columns left): now it is at least NAME_CHARS characters wide, a 20-character name is not
    elided, the other columns scroll sideways, and an elided text has its full text as tooltip."""
    from qgis.PyQt.QtCore import QEvent, Qt
    from qgis.PyQt.QtGui import QHelpEvent
    from qgis.PyQt.QtWidgets import QApplication, QToolTip

    from pmiek_werkbank.dialogs.projects_dock import NAME_CHARS, ProjectsDock

    werkbank.write_frame("projects", [{"project_id": "P20", "name": "Onderstation Zuidoos", "type_infra": "hs_ms_station"}],
                         mode="upsert")
    _open(session, example_path)
    p = ProjectsDock(qgis_iface, session)
    p.resize(400, 700)
    p.show()
    QApplication.processEvents()
    t = p.projects
    fm = t.fontMetrics()
    assert t.columnWidth(1) >= NAME_CHARS * fm.averageCharWidth()
    row = [r for r in range(t.rowCount()) if t.item(r, 0).text() == "P20"][0]
    name = t.item(row, 1).text()
    assert len(name) == 20 and fm.elidedText(name, Qt.TextElideMode.ElideRight, t.columnWidth(1) - 8) == name
    assert t.columnWidth(2) >= fm.horizontalAdvance(t.item(row, 2).text())  # Type fitted, not squeezed
    # a column narrowed by hand elides: the tooltip gives the whole text
    t.setColumnWidth(1, 40)
    rect = t.visualItemRect(t.item(row, 1))
    QApplication.sendEvent(t.viewport(), QHelpEvent(QEvent.Type.ToolTip, rect.center(),
                                                    t.viewport().mapToGlobal(rect.center())))
    assert QToolTip.isVisible() and QToolTip.text() == name
    QToolTip.hideText()
    p.cleanup()


def test_linking_a_selection_that_holds_linked_developments_asks_first(qgis_iface, session, example_path):
    """Choosing a project selects its linked developments on the map; 'Koppel selectie op kaart' then replaced all
    their shares (and wiped their motivaties) without a word.  Now it asks: 'Nee' links only the new ones and keeps
    the stored shares and motivaties; re-linking without a typed motivatie keeps the stored one."""
    from pmiek_werkbank.dialogs.projects_dock import ProjectsDock
    from pmiek_werkbank.werkbank import open_werkbank

    _open(session, example_path)
    p = ProjectsDock(qgis_iface, session)
    try:
        with open_werkbank(example_path) as wb:
            with wb.transaction() as tx:
                tx.execute("UPDATE project_links SET motivation = 'in het voedingsgebied' WHERE project_id = 'P1'")
            before = {r["dev_id"]: (r["share_mw"], r["share_pct"], r["motivation"])
                      for r in wb.query("SELECT * FROM project_links WHERE project_id = 'P1'")}
        assert before and p.select_project("P1", zoom=False)
        asked = []
        p.confirm = lambda title, text: (asked.append(text), False)[1]
        p.share_unit.setCurrentIndex(p.share_unit.findData("pct"))
        p.share.setValue(50)
        assert p._link(sorted(before) + ["D10"]) == 1  # only D10 is new
        assert asked and "al aan dit project gekoppeld" in asked[0] and "50 %" in asked[0]
        with open_werkbank(example_path) as wb:
            after = {r["dev_id"]: (r["share_mw"], r["share_pct"], r["motivation"])
                     for r in wb.query("SELECT * FROM project_links WHERE project_id = 'P1'")}
        assert {d: after[d] for d in before} == before and after["D10"][1] == 50
        p.confirm = lambda title, text: True
        dev = sorted(before)[0]
        assert p._link([dev]) == 1
        with open_werkbank(example_path) as wb:
            r = wb.query("SELECT * FROM project_links WHERE project_id = 'P1' AND dev_id = ?", (dev,))[0]
        assert r["share_pct"] == 50 and r["motivation"] == "in het voedingsgebied"  # the motivatie kept
    finally:
        p.cleanup()


def test_enter_in_the_motivation_links_the_map_selection(qgis_iface, session, example_path, werkbank):
    """A user trial typed a motivatie and pressed Enter: nothing happened, no message (only the button linked).
    Enter in the field now links the developments selected on the map with that motivatie, as the button does."""
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtTest import QTest

    from pmiek_werkbank.dialogs.projects_dock import ProjectsDock
    from pmiek_werkbank.layers.project import werkbank_layers

    _open(session, example_path)
    p = ProjectsDock(qgis_iface, session)
    try:
        said = []
        p._message = lambda text, level=None, title="": said.append((title, text))
        assert p.select_project("P1") and p.links.rowCount() == 2
        layers = werkbank_layers(table="developments")
        for layer in layers:
            layer.selectByExpression("\"dev_id\" = 'D10'")
        p.motivation.setFocus()
        QTest.keyClicks(p.motivation, "Zelfde bedrijventerrein")
        QTest.keyClick(p.motivation, Qt.Key.Key_Return)
        got = werkbank.query("SELECT motivation, share_pct FROM project_links WHERE project_id = 'P1' AND dev_id = 'D10'")
        assert [(r["motivation"], r["share_pct"]) for r in got] == [("Zelfde bedrijventerrein", 100)]
        assert p.links.rowCount() == 3 and p.motivation.text() == ""
        assert said[-1][0] == "Gekoppeld en opgeslagen"
        # with nothing selected on the map, Enter says what to do and links nothing
        for layer in layers:
            layer.removeSelection()
        p.motivation.setText("nog een")
        QTest.keyClick(p.motivation, Qt.Key.Key_Return)
        assert werkbank.count("project_links", "project_id = 'P1'") == 3
        assert "ontwikkelingen" in said[-1][1] and p.motivation.text() == "nog een"
    finally:
        p.cleanup()
