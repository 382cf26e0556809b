"""A status edit in the scoring dock repaints the map without reopening the project layers (issue 19 item 5).

The scoring dock announces which rows changed (``Session.emit_rows_changed``); the plugin's one dataChanged
handler then repaints the project layers without ``reload()`` (which reopened the data source and dropped the
selection).  The map drawn after the edit equals the map drawn from freshly loaded layers, pixel for pixel;
an edit announced without rows still reloads.  Fictief voorbeeld of tests/test_balance.py.
"""

from test_balance import write_example


def _render(layers, extent):
    from qgis.core import QgsMapRendererSequentialJob, QgsMapSettings
    from qgis.PyQt.QtCore import QSize

    ms = QgsMapSettings()
    ms.setLayers(layers)
    ms.setDestinationCrs(layers[0].crs())
    ms.setExtent(extent)
    ms.setOutputSize(QSize(400, 200))
    job = QgsMapRendererSequentialJob(ms)
    job.start()
    job.waitForFinished()
    return job.renderedImage()


def test_status_edit_repaints_without_reopening_and_draws_what_fresh_layers_draw(qgis_iface, session, werkbank,
                                                                                 werkbank_path):
    from qgis.core import QgsFeatureRequest, QgsProject

    from pmiek_werkbank.dialogs.scoring_dock import ScoringDock
    from pmiek_werkbank.layers.project import add_werkbank_layers, werkbank_layers
    from pmiek_werkbank.plugin import PmiekWerkbankPlugin

    write_example(werkbank)
    werkbank.close()
    add_werkbank_layers(werkbank_path)
    session.set_werkbank(werkbank_path)
    plugin = PmiekWerkbankPlugin(qgis_iface)
    plugin.session = session
    session.dataChanged.connect(plugin._on_data_changed)
    dock = ScoringDock(qgis_iface, session)
    points = [lyr for lyr in werkbank_layers(table="projects") if lyr.featureCount() > 0][0]
    fid = next(points.getFeatures(QgsFeatureRequest().setFilterExpression("project_id = 'P2'"))).id()
    points.selectByIds([fid])
    seen = {"repaint": 0, "data": 0, "rows": []}
    points.repaintRequested.connect(lambda *a: seen.__setitem__("repaint", seen["repaint"] + 1))
    points.dataChanged.connect(lambda: seen.__setitem__("data", seen["data"] + 1))
    session.dataChanged.connect(lambda t: seen["rows"].append(session.changed_rows(t)))
    status = next(points.getFeatures(QgsFeatureRequest(fid)))["status"]
    new = "opgenomen" if status != "opgenomen" else "kandidaat"
    layers = [lyr for lyr in werkbank_layers() if lyr.isSpatial()]
    keys = [(lyr.customProperty("pmiek/table"), lyr.name()) for lyr in layers]
    extent = layers[0].extent()
    for lyr in layers[1:]:
        extent.combineExtentWith(lyr.extent())
    points.removeSelection()
    before = _render(layers, extent)
    points.selectByIds([fid])
    try:
        dock.decide("P2", new, "test")
        assert seen["rows"] == [frozenset({"P2"})] and session.changed_rows("projects") is None
        assert seen["repaint"] and seen["data"]  # repainted, attribute tables told
        assert points.selectedFeatureIds() == [fid]  # not reopened: the selection stays
        assert next(points.getFeatures(QgsFeatureRequest(fid)))["status"] == new  # the provider reads it anew
        # the map equals the map of the same layers loaded afresh
        points.removeSelection()
        edited = _render(layers, extent)
        assert edited != before  # the status shows on the map
        ids = {lyr.id() for lyr in werkbank_layers()}
        fresh = add_werkbank_layers(werkbank_path)  # replaces the werkbank group
        assert not ids & set(QgsProject.instance().mapLayers())
        order = {(lyr.customProperty("pmiek/table"), lyr.name()): lyr for lyr in fresh}
        again = _render([order[k] for k in keys], extent)
        assert edited == again and not edited.isNull()
        # an edit announced without rows (anything may have changed) still reopens the layers
        points = [lyr for lyr in werkbank_layers(table="projects") if lyr.featureCount() > 0][0]
        points.selectByIds([fid])
        session.dataChanged.emit("projects")
        assert points.selectedFeatureIds() == []
    finally:
        dock.cleanup()
        session.dataChanged.disconnect(plugin._on_data_changed)
