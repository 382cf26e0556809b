"""The plugin's session handling: one 'werkbank changed' signal repaints the map layers, the QGIS project beside
the werkbank, file dialogs that remember their folder."""

import os
import shutil

import pytest

from conftest import SAMPLE_DIR
from qgis.core import QgsProject, QgsSettings


def _sample(path):
    """A copy of the shipped sample werkbank at ``path`` (returned as text)."""
    shutil.copyfile(os.path.join(SAMPLE_DIR, "voorbeeld_werkbank.gpkg"), str(path))
    return str(path)


def _plugin(qgis_iface):
    import pmiek_werkbank

    plugin = pmiek_werkbank.classFactory(qgis_iface)
    plugin.initGui()
    return plugin


def test_data_changed_repaints_the_layers_of_that_table(qgis_iface, tmp_path):
    from pmiek_werkbank.layers.project import werkbank_layers

    path = _sample(tmp_path / "werkbank.gpkg")
    QgsProject.instance().clear()  # only this werkbank's layers (earlier tests may have left theirs)
    plugin = _plugin(qgis_iface)
    try:
        assert plugin.open_werkbank(path=path)
        repaints = {}
        for layer in werkbank_layers():
            table = layer.customProperty("pmiek/table")
            layer.repaintRequested.connect(lambda *a, t=table: repaints.__setitem__(t, repaints.get(t, 0) + 1))
        plugin.session.dataChanged.emit("project_links")  # e.g. a link made in the projects dock
        # the links table only: no project layer shows links (a repaint of the labelled project layers would
        # redraw every label on the map, issue 19)
        assert repaints == {"project_links": 1}
        plugin.session.dataChanged.emit("scores")  # a rating: the 3 project geometry layers and the scores table
        assert repaints.get("projects", 0) == 3 and repaints.get("scores", 0) == 1
        assert "developments" not in repaints and "stations" not in repaints
        repaints.clear()
        plugin.session.dataChanged.emit("projects")  # a status: the 3 project geometry layers
        assert repaints == {"projects": 3}
        # a project whose layer has unsaved edits is left alone (no reload under the analyst's hands)
        point = [lyr for lyr in werkbank_layers(table="projects") if lyr.name() == "Projecten (punten)"][0]
        point.startEditing()
        fid = next(point.getFeatures()).id()
        point.changeAttributeValue(fid, point.fields().indexOf("name"), "Onopgeslagen naam")
        repaints.clear()
        plugin.session.dataChanged.emit("projects")
        assert repaints.get("projects", 0) == 2 and point.isModified()
        point.rollBack()
    finally:
        plugin.unload()
        QgsProject.instance().clear()


def test_project_saved_beside_the_werkbank_and_folder_remembered(qgis_iface, tmp_path):
    from pmiek_werkbank.dialogs.files import SETTINGS_FOLDER, remember, start_folder

    path = _sample(tmp_path / "werkbank.gpkg")
    plugin = _plugin(qgis_iface)
    try:
        assert plugin.open_werkbank(path=path)
        assert not QgsProject.instance().isDirty()  # only werkbank layers: nothing for QGIS to ask on exit
        target = plugin.save_project_beside_werkbank()
        assert target == str(tmp_path / "werkbank.qgz") and os.path.getsize(target) > 1000
        QgsSettings().remove(SETTINGS_FOLDER)
        assert start_folder(path) == str(tmp_path)  # nothing remembered: next to the werkbank
        other = tmp_path / "elders"
        other.mkdir()
        remember(str(other / "x.xlsx"))
        assert start_folder(path) == str(other)
    finally:
        QgsSettings().remove(SETTINGS_FOLDER)
        plugin.unload()
        QgsProject.instance().clear()


def test_new_werkbank_is_opened(qgis_iface, tmp_path, monkeypatch):
    """'Nieuwe werkbank…': the Processing dialog creates it (here simulated), the plugin opens it at once."""
    from qgis import processing

    from pmiek_werkbank.werkbank import create_werkbank

    target = str(tmp_path / "nieuw.gpkg")
    asked = {}

    def dialog(alg_id, params):
        asked["alg"], asked["params"] = alg_id, params
        create_werkbank(target, "Nieuw programma", "Utrecht").close()
        return {"OUTPUT": target}

    monkeypatch.setattr(processing, "execAlgorithmDialog", dialog, raising=False)
    plugin = _plugin(qgis_iface)
    try:
        assert plugin.new_werkbank() is True
        assert asked["alg"] == "pmiek:createwerkbank" and asked["params"]["OUTPUT"].endswith("werkbank.gpkg")
        assert plugin.session.werkbank_path() == target
        # cancelled dialog: nothing opened, the current werkbank stays
        monkeypatch.setattr(processing, "execAlgorithmDialog", lambda alg_id, params: {}, raising=False)
        assert plugin.new_werkbank() is False and plugin.session.werkbank_path() == target
    finally:
        plugin.unload()
        QgsProject.instance().clear()


def test_a_saved_project_does_not_bring_back_an_empty_balance_layer(qgis_iface, tmp_path):
    """QGIS saves the balance dock's memory layer into the project without its features: opened again it stood
    empty in the layer list (legend Ruim/Krap/Tekort over nothing), and the balance dock added a second one.  Now
    the dock takes the saved layer over and fills it; without the dock it is removed."""
    from pmiek_werkbank.dialogs.registry import available_entries
    from pmiek_werkbank.layers.project import derived_balance_layers

    path = _sample(tmp_path / "werkbank.gpkg")
    QgsProject.instance().clear()
    plugin = _plugin(qgis_iface)
    try:
        assert plugin.open_werkbank(path=path)
        entry = [e for e in available_entries() if e[0] == "balance"][0]
        plugin.open_entry(entry, True)
        (layer,) = derived_balance_layers()
        n = layer.featureCount()
        assert n > 0
        target = plugin.save_project_beside_werkbank()
        QgsProject.instance().clear()
        assert QgsProject.instance().read(target)
        layers = derived_balance_layers()
        assert len(layers) == 1 and layers[0].featureCount() == n  # one, filled again by the open dock
        assert QgsProject.instance().layerTreeRoot().findLayer(layers[0].id()) is not None
        plugin.docks["balance"].close()  # saved without the balance panel open
        assert plugin.save_project_beside_werkbank() == target
        plugin.unload()
        QgsProject.instance().clear()
        plugin = _plugin(qgis_iface)  # a new QGIS session: no balance dock open
        assert QgsProject.instance().read(target)
        assert derived_balance_layers() == []  # no dock to fill it: no empty copy in the layer list
        assert "balance" not in plugin.docks
    finally:
        plugin.unload()
        QgsProject.instance().clear()


def test_opening_a_werkbank_leaves_nothing_to_save_after_the_map_is_drawn(qgis_iface, tmp_path):
    """QGIS marks the project changed once more while it settles the extent, after open_werkbank returned; quitting
    right after opening asked to save.  The plugin cleans the project again after the first render, once: a real
    change after that still counts."""
    from helpers import process_events_until

    path = _sample(tmp_path / "werkbank.gpkg")
    QgsProject.instance().clear()
    plugin = _plugin(qgis_iface)
    canvas = qgis_iface.mapCanvas()
    drawn = []
    canvas.mapCanvasRefreshed.connect(lambda: drawn.append(1))
    try:
        assert plugin.open_werkbank(path=path)
        QgsProject.instance().setDirty(True)  # what QGIS's own extent handling does after the call
        canvas.refresh()
        process_events_until(lambda: drawn, 30)
        assert drawn and not QgsProject.instance().isDirty()
        QgsProject.instance().setDirty(True)  # a change of the user's
        drawn.clear()
        canvas.refresh()
        process_events_until(lambda: drawn, 30)
        assert drawn and QgsProject.instance().isDirty()
    finally:
        plugin.unload()
        QgsProject.instance().clear()


def test_switching_werkbank_leaves_the_previous_project_file_alone(qgis_iface, tmp_path):
    """After 'QGIS-project naast de werkbank opslaan' and switching to another werkbank, QGIS's Save wrote the new
    werkbank's layers over the previous werkbank's .qgz: the project has no file name after the switch."""
    path = _sample(tmp_path / "werkbank.gpkg")
    other = _sample(tmp_path / "andere.gpkg")
    QgsProject.instance().clear()
    plugin = _plugin(qgis_iface)
    try:
        assert plugin.open_werkbank(path=path)
        target = plugin.save_project_beside_werkbank()
        assert QgsProject.instance().fileName() == target
        size = os.path.getsize(target)
        assert plugin.open_werkbank(path=other)
        assert QgsProject.instance().fileName() == ""
        assert os.path.getsize(target) == size
        assert plugin.open_werkbank(path=path)  # back again: still no file name (nothing to overwrite by accident)
        assert QgsProject.instance().fileName() == ""
    finally:
        plugin.unload()
        QgsProject.instance().clear()


def test_a_saved_project_opens_its_panels_again(qgis_iface, tmp_path):
    """A user trial: saved with the projects, balance and scoring panels open (scoring in front) and opened again
    in a new QGIS session, the project brought back the werkbank's layers but none of the panels.  The panels now
    come back open, the one in front in front, and the balance panel fills the balance layer the project saved."""
    from pmiek_werkbank.dialogs.registry import available_entries
    from pmiek_werkbank.layers.project import derived_balance_layers

    path = _sample(tmp_path / "werkbank.gpkg")
    QgsProject.instance().clear()
    plugin = _plugin(qgis_iface)
    try:
        assert plugin.open_werkbank(path=path)
        entries = {e[0]: e for e in available_entries()}
        for key in ("projects", "balance", "rounds", "scoring"):
            plugin.open_entry(entries[key], True)
        plugin.docks["rounds"].close()  # opened and closed again: not saved as open
        n = derived_balance_layers()[0].featureCount()
        target = plugin.save_project_beside_werkbank()
        assert target
        plugin.unload()
        QgsProject.instance().clear()
        plugin = _plugin(qgis_iface)  # a new QGIS session
        assert plugin.docks == {}
        assert QgsProject.instance().read(target)
        assert sorted(plugin.docks) == ["balance", "projects", "scoring"]
        assert all(not dock.isHidden() for dock in plugin.docks.values())
        assert plugin._front == "scoring"
        assert plugin.session.werkbank_path() == path
        (layer,) = derived_balance_layers()
        assert layer.featureCount() == n
        # a project without the plugin's panels leaves the open ones alone
        QgsProject.instance().clear()
        other = str(tmp_path / "ander.qgz")
        assert QgsProject.instance().write(other)
        assert QgsProject.instance().read(other)
        assert sorted(plugin.docks) == ["balance", "projects", "scoring"]
    finally:
        plugin.unload()
        QgsProject.instance().clear()


def test_a_copied_project_folder_works_on_its_own_werkbank(qgis_iface, tmp_path):
    """A project folder (werkbank + QGIS project beside it) copied for the next round: QGIS opened the copy's layers
    (it stores layer paths relative to the project) while the plugin's panels read and wrote the original werkbank
    (its path was stored absolute). A decision taken in the copy landed in round 1. The session now follows the
    werkbank the project's layers show; the original is left untouched."""
    import sqlite3

    from pmiek_werkbank.dialogs.registry import available_entries

    first = tmp_path / "ronde1"
    first.mkdir()
    path = _sample(first / "werkbank.gpkg")
    QgsProject.instance().clear()
    plugin = _plugin(qgis_iface)
    try:
        assert plugin.open_werkbank(path=path)
        plugin.open_entry([e for e in available_entries() if e[0] == "projects"][0], True)
        assert plugin.save_project_beside_werkbank()
        plugin.unload()
        QgsProject.instance().clear()
        shutil.copytree(str(first), str(tmp_path / "ronde2"))
        copy = str(tmp_path / "ronde2" / "werkbank.gpkg")
        plugin = _plugin(qgis_iface)
        assert QgsProject.instance().read(str(tmp_path / "ronde2" / "werkbank.qgz"))
        assert plugin.session.werkbank_path() == copy
        from pmiek_werkbank.werkbank.atomic import AtomicWriteError, check_not_protected

        with pytest.raises(AtomicWriteError):  # no export may be written over the werkbank now in use
            check_not_protected(copy)
        assert not QgsProject.instance().isDirty()  # opening asks nothing on exit
        # the projects panel, reopened with the project, writes a status into the copy only
        dock = plugin.docks["projects"]
        assert dock.session.werkbank_path() == copy
        with plugin.session.werkbank() as wb:
            pid = wb.query("SELECT project_id FROM projects ORDER BY project_id LIMIT 1")[0]["project_id"]
            wb.execute("UPDATE projects SET status_reason = 'ronde 2' WHERE project_id = ?", (pid,))
        got = {}
        for where in (path, copy):
            con = sqlite3.connect(where)
            got[where] = con.execute("SELECT status_reason FROM projects WHERE project_id = ?", (pid,)).fetchone()[0]
            con.close()
        assert got[copy] == "ronde 2" and got[path] != "ronde 2"
    finally:
        plugin.unload()
        QgsProject.instance().clear()
