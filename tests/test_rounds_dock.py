"""The RoundsDock: rounds, variants and export without dialogs; cleanup removes its layers."""

import os

from qgis.core import QgsProject
from test_rounds_fixtures import make_werkbank


def test_rounds_dock_end_to_end(qgis_iface, tmp_path):
    from pmiek_werkbank.dialogs.rounds_dock import LAYER_PREFIX, RoundsDock
    from pmiek_werkbank.layers.project import Session
    from pmiek_werkbank.werkbank import open_werkbank

    path = str(tmp_path / "dock.gpkg")
    make_werkbank(path).close()
    session = Session()
    dock = RoundsDock(qgis_iface, session, qgis_iface.mainWindow())
    assert not dock.freeze_button.isEnabled()
    session.set_werkbank(path)
    assert dock.freeze_button.isEnabled() and dock.project_list.count() == 4

    snap = dock.freeze("pMIEK 1.0", "2026-01-15")
    assert os.path.exists(snap) and dock.rounds_table.rowCount() == 1 and dock.old_combo.count() == 1
    wb = open_werkbank(path)
    wb.write_frame("projects", [{"project_id": "P2", "ibn_year": 2029}])
    wb.close()
    cmp = dock.compare(dock.old_combo.currentData())
    assert dock.diff_table.rowCount() == 1 and cmp.rows.iloc[0]["veld"] == "IBN-jaar"
    assert dock.save_report_button.isEnabled()

    dock.save_variant("Netversterking Noord", ["P1", "P2"])
    dock.save_variant("Hoge groei", ["P2", "P3"], '{"demand_factor": {"wonen": 1.5}}')
    assert dock.variant_list.count() == 2
    dock.variant_list.setCurrentRow(1)
    assert sorted(dock.checked_projects()) == ["P2", "P3"]
    table = dock.compare_variants(years=[2030])
    assert list(table["variant"]) == ["Netversterking Noord", "Hoge groei"]
    assert dock.variant_table.columnCount() == 3
    names = sorted(layer.name() for layer in QgsProject.instance().mapLayers().values()
                   if layer.name().startswith(LAYER_PREFIX))
    assert names == [LAYER_PREFIX + "Hoge groei", LAYER_PREFIX + "Netversterking Noord"]

    man = dock.export_to(str(tmp_path / "pakket"), include_confidential=False, esdl=False)
    assert man["tabellen"]["projects"]["rijen"] == 3
    assert os.path.exists(tmp_path / "pakket" / "manifest.json")

    dock.cleanup()
    assert dock._connections == []
    assert not [layer for layer in QgsProject.instance().mapLayers().values()
                if layer.name().startswith(LAYER_PREFIX)]
    session.set_werkbank("")  # no longer connected: nothing happens
    assert dock.project_list.count() == 4
    dock.deleteLater()


def test_variant_scenario_is_a_form_and_switching_clears_the_dock(qgis_iface, tmp_path):
    from pmiek_werkbank.dialogs.rounds_dock import LAYER_PREFIX, RoundsDock
    from pmiek_werkbank.layers.project import Session
    from pmiek_werkbank.werkbank import open_werkbank

    path = str(tmp_path / "dock.gpkg")
    make_werkbank(path).close()
    other = str(tmp_path / "ander.gpkg")
    make_werkbank(other).close()
    session = Session()
    dock = RoundsDock(qgis_iface, session, qgis_iface.mainWindow())
    session.set_werkbank(path)
    dock._on_new_variant()
    dock.variant_name.setText("Groei wonen")
    sc = dock.scenario
    sc.findChild(type(sc.cellWidget(1, 1)), "demand_factor_wonen").setValue(1.25)
    sc.findChild(type(sc.cellWidget(1, 3)), "year_shift_datacenter").setValue(-2)
    assert sc.findChild(type(sc.cellWidget(1, 1)), "demand_factor_wonen").text() == "1,25"  # Dutch decimals
    assert sc.assumptions() == {"demand_factor": {"wonen": 1.25}, "year_shift": {"datacenter": -2}}
    dock.project_list.item(0).setCheckState(2)
    dock._on_save_variant()
    with open_werkbank(path) as wb:
        stored = wb.query("SELECT name, assumptions FROM variants")
    assert stored[0]["name"] == "Groei wonen" and '"wonen": 1.25' in stored[0]["assumptions"]
    dock.variant_list.setCurrentRow(0)
    assert sc.assumptions() == {"demand_factor": {"wonen": 1.25}, "year_shift": {"datacenter": -2}}
    dock.compare_variants(years=[2030])
    assert dock.variant_table.rowCount() > 0
    # a round frozen into the chosen folder (default: 'rounds' beside the werkbank)
    dock.rounds_folder.setText(str(tmp_path / "mijn_rondes"))
    snap = dock.freeze("pMIEK 1.0", "2026-01-15")
    assert os.path.dirname(snap) == str(tmp_path / "mijn_rondes") and os.path.exists(snap)
    # another werkbank: nothing of the previous one stays
    session.set_werkbank(other)
    assert dock.variant_list.count() == 0 and dock.variant_name.text() == "" and sc.assumptions() == {}
    assert dock.variant_table.rowCount() == 0 and dock.diff_table.rowCount() == 0 and dock.rounds_folder.text() == ""
    assert not [layer for layer in QgsProject.instance().mapLayers().values()
                if layer.name().startswith(LAYER_PREFIX)]
    dock.cleanup()
    session.set_werkbank("")
    dock.deleteLater()


def test_project_edit_redraws_the_project_list_only_when_it_shows_something_new(qgis_iface, tmp_path):
    """A status edit changes nothing the variant form's project list shows: the list is left alone (ticks kept,
    no refresh, issue 19); a new name is shown, as a fresh dock shows it."""
    from qgis.PyQt.QtCore import Qt

    from pmiek_werkbank.dialogs.rounds_dock import RoundsDock
    from pmiek_werkbank.layers.project import Session
    from pmiek_werkbank.scoring.decisions import set_status
    from pmiek_werkbank.werkbank import open_werkbank

    path = str(tmp_path / "dock.gpkg")
    make_werkbank(path).close()
    session = Session()
    dock = RoundsDock(qgis_iface, session, qgis_iface.mainWindow())
    session.set_werkbank(path)
    refreshes = []
    full = dock.refresh
    dock.refresh = lambda *a: (refreshes.append(1), full(*a))[1]

    def texts(d):
        return [(d.project_list.item(i).text(), d.project_list.item(i).checkState())
                for i in range(d.project_list.count())]

    dock.project_list.item(1).setCheckState(Qt.CheckState.Checked)
    ticked = texts(dock)
    with session.werkbank() as wb:
        set_status(wb, "P2", "afgevallen", "test")
    session.dataChanged.emit("projects")
    assert not refreshes and texts(dock) == ticked
    with session.werkbank() as wb:  # announced with its row (as the scoring dock does): only that row read
        set_status(wb, "P3", "opgenomen", "test")
    session.emit_rows_changed("projects", ["P3"])
    assert not refreshes and texts(dock) == ticked
    with open_werkbank(path) as wb:
        wb.execute("UPDATE projects SET name = 'Nieuw' WHERE project_id = 'P3'")
    session.emit_rows_changed("projects", ["P3"])
    assert refreshes == [1]
    refreshes.clear()
    with open_werkbank(path) as wb:
        wb.execute("UPDATE projects SET name = 'Andere naam' WHERE project_id = 'P2'")
    session.dataChanged.emit("projects")
    assert refreshes == [1]
    fresh = RoundsDock(qgis_iface, session, qgis_iface.mainWindow())
    assert texts(dock) == texts(fresh) and any("Andere naam" in t for t, _ in texts(dock))
    for d in (dock, fresh):
        d.cleanup()
        d.deleteLater()
    session.set_werkbank("")
