"""Scale-dependent drawing of the werkbank layers (issue 19: the desktop at national size).

``layers.project.add_werkbank_layers`` applies ``apply_rendering``: developments are drawn at 1:750,000 and
closer, station and project labels at 1:400,000 and closer, knooppunt labels at 1:750,000 and closer.  Checked
on the loaded layers and by rendering the sample werkbank at a working scale and at a national scale.
"""

import shutil

import pytest

WHITE = (255, 255, 255)


@pytest.fixture
def sample_layers(sample_dir, tmp_path, qgis_new_project):
    from qgis.core import QgsProject

    from pmiek_werkbank.layers.project import add_werkbank_layers

    path = str(tmp_path / "voorbeeld.gpkg")
    shutil.copyfile("{}/voorbeeld_werkbank.gpkg".format(sample_dir), path)
    project = QgsProject.instance()
    layers = {lyr.name(): lyr for lyr in add_werkbank_layers(path, project)}
    yield layers
    project.removeAllMapLayers()
    project.layerTreeRoot().removeAllChildren()


def _render(layer, x, y, scale, size=300):
    """Image and labelling results of ``layer`` alone, 96 dpi, centred on (x, y) at 1:``scale``."""
    from qgis.core import (
        QgsCoordinateReferenceSystem,
        QgsMapRendererSequentialJob,
        QgsMapSettings,
        QgsRectangle,
    )
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor

    half = size / 2 * scale * 0.0254 / 96  # metres from the centre to the edge
    ms = QgsMapSettings()
    ms.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:28992"))
    ms.setOutputSize(QSize(size, size))
    ms.setOutputDpi(96)
    ms.setBackgroundColor(QColor(255, 255, 255))
    ms.setExtent(QgsRectangle(x - half, y - half, x + half, y + half))
    ms.setLayers([layer])
    job = QgsMapRendererSequentialJob(ms)
    job.start()
    job.waitForFinished()
    assert abs(job.mapSettings().scale() - scale) / scale < 0.01
    return job.renderedImage(), job.takeLabelingResults(), ms.extent()


def _pixel(img, x, y):
    c = img.pixelColor(x, y)
    return c.red(), c.green(), c.blue()


def test_every_style_expression_of_the_werkbank_layers_parses(sample_layers):
    """A style whose expression QGIS cannot parse draws its features grey or not at all, silently (the fiche
    stations were grey for that reason): every expression of every loaded werkbank layer must parse."""
    from helpers import layer_expressions
    from qgis.core import QgsExpression, QgsVectorLayer

    checked = 0
    for name, layer in sample_layers.items():
        if not isinstance(layer, QgsVectorLayer):
            continue
        for text in layer_expressions(layer):
            e = QgsExpression(text)
            assert not e.hasParserError(), (name, text[:200], e.parserErrorString())
            checked += 1
    assert checked >= 3  # the styles do use expressions (project status rules, labels)


def test_rendering_settings_on_the_loaded_layers(sample_layers):
    dev_poly = sample_layers["Ontwikkelingen (vlakken)"]
    dev_point = sample_layers["Ontwikkelingen (punten)"]
    for dev in (dev_poly, dev_point):
        assert dev.hasScaleBasedVisibility()
        assert dev.minimumScale() == 750000 and dev.maximumScale() == 0
        assert dev.isInScaleRange(50000) and dev.isInScaleRange(700000)
        assert not dev.isInScaleRange(1500000)
    cap = sample_layers["Capaciteitskaart"]
    assert not cap.hasScaleBasedVisibility()  # the capacity map stays visible nationally
    for name, scale in (("Stations", 400000), ("Projecten (punten)", 400000), ("Knooppunten", 750000)):
        layer = sample_layers[name]
        assert layer.labelsEnabled() and not layer.hasScaleBasedVisibility(), name
        s = layer.labeling().settings()
        assert s.scaleVisibility and s.minimumScale == scale and s.maximumScale == 0, name
        assert s.fieldName == ("code" if name.startswith("Projecten") else "name"), name  # style kept


def test_developments_drawn_at_working_scale_not_nationally(sample_layers):
    layer = sample_layers["Ontwikkelingen (vlakken)"]
    feat = max(layer.getFeatures(), key=lambda f: f.geometry().area())
    p = feat.geometry().pointOnSurface().asPoint()
    img, _, _ = _render(layer, p.x(), p.y(), 50000)
    assert _pixel(img, 150, 150) != WHITE  # the development's fill under the centre
    img, _, _ = _render(layer, p.x(), p.y(), 1500000)
    assert {_pixel(img, x, y) for x in range(0, 300, 5) for y in range(0, 300, 5)} == {WHITE}  # nothing drawn


def test_station_labels_at_working_scale_only(sample_layers):
    layer = sample_layers["Stations"]
    feat = next(f for f in layer.getFeatures() if f["name"])
    p = feat.geometry().asPoint()
    for scale in (100000, 330000):  # the sample opens at about 1:330,000
        _, labels, extent = _render(layer, p.x(), p.y(), scale)
        assert feat["name"] in {lab.labelText for lab in labels.labelsWithinRect(extent)}, scale
    _, labels, extent = _render(layer, p.x(), p.y(), 600000)
    assert labels.labelsWithinRect(extent) == []


def test_new_features_start_with_empty_multiline_texts(sample_layers):
    """QGIS's multi-line text widget shows NULL as the text 'NULL' and what the user types went in beside it
    ('NULLHotspot …'): a new knooppunt's or project's multi-line fields start as '' instead."""
    from qgis.core import QgsVectorLayerUtils

    from pmiek_werkbank.layers.forms import MULTILINE

    checked = 0
    for name, layer in sample_layers.items():
        table = layer.customProperty("pmiek/table")
        if table not in MULTILINE:
            continue
        f = QgsVectorLayerUtils.createFeature(layer)
        for field in MULTILINE[table]:
            if layer.fields().indexOf(field) >= 0:
                assert f[field] == "", (name, field, f[field])
                checked += 1
    assert checked >= 6
