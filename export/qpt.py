"""The default projectfiche print layout, as code, and its ``templates/projectfiche.qpt``.

``templates/projectfiche.qpt`` is what the exporter loads (a province may edit
it in QGIS's layout designer: keep the item ids ``map``, ``title``,
``subtitle``, ``footer``, ``page`` and one HTML item).  This module made it:
``python -m pmiek_werkbank.export.qpt`` (inside QGIS's Python) writes it again.
qgis.core only.
"""

import os

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsLayoutFrame,
    QgsLayoutItemHtml,
    QgsLayoutItemMap,
    QgsLayoutItemScaleBar,
    QgsLayoutMeasurement,
    QgsLayoutMultiFrame,
    QgsLayoutPoint,
    QgsLayoutSize,
    QgsRectangle,
    QgsScaleBarSettings,
    QgsReadWriteContext,
    QgsUnitTypes,
)
from qgis.PyQt.QtGui import QColor, QFont

from .layouts import BLUE, fit_extent, PLUGIN_DIR, add_footer, add_label, add_rule, new_layout

TEMPLATE_PATH = os.path.join(PLUGIN_DIR, "templates", "projectfiche.qpt")
MAP_RECT = (10, 27, 190, 58)
HTML_RECT = (10, 86.5, 190, 195.5)  # to y = 282; footer from 283.5
CONT_RECT = (10, 15, 190, 267)  # continuation pages: text from the top
TITLE = "[% if(coalesce(\"code\", '') = '', '', \"code\" || '. ') || \"name\" %]"
SUBTITLE = "[% \"subtitle\" %]"
PLACEHOLDER_HTML = (
    "<html><body style='font-family:sans-serif;font-size:9pt'><h3>Projectfiche</h3>"
    "<p>De tekst van de fiche (Algemene gegevens, Narratief, Reden van opname, Fase, Afhankelijkheden, "
    "Uitvoeringsafspraken, Afwegingskader, Capaciteitsbalans) komt bij het exporteren uit "
    "templates/projectfiche.html.j2.</p></body></html>"
)


def build_fiche_layout(project, coverage_layer=None):
    layout = new_layout(project, "pMIEK projectfiche")
    add_label(layout, "Projectfiche pMIEK", 10, 7, 120, 4, size=7.5, bold=True, colour="#6b7785", item_id="kicker")
    add_label(layout, TITLE, 10, 11, 190, 11, size=15, bold=True, colour=BLUE, item_id="title")
    add_label(layout, SUBTITLE, 10, 22.3, 190, 4, size=8.5, colour="#4a5867", item_id="subtitle")
    m = QgsLayoutItemMap(layout)
    m.setId("map")
    m.setCrs(QgsCoordinateReferenceSystem("EPSG:28992"))
    layout.addLayoutItem(m)
    m.attemptMove(QgsLayoutPoint(MAP_RECT[0], MAP_RECT[1]))
    m.attemptResize(QgsLayoutSize(MAP_RECT[2], MAP_RECT[3]))
    m.setFrameEnabled(True)
    m.setFrameStrokeColor(QColor("#9aa5b1"))
    m.setFrameStrokeWidth(QgsLayoutMeasurement(0.3, QgsUnitTypes.LayoutUnit.LayoutMillimeters))
    m.setBackgroundColor(QColor("#ffffff"))
    m.setExtent(fit_extent(QgsRectangle(120000, 440000, 160000, 480000), MAP_RECT[2], MAP_RECT[3]))
    m.setAtlasDriven(True)
    m.setAtlasScalingMode(QgsLayoutItemMap.AtlasScalingMode.Auto)
    m.setAtlasMargin(0.04)
    sb = QgsLayoutItemScaleBar(layout)
    sb.setId("scalebar")
    sb.setStyle("Single Box")
    sb.setLinkedMap(m)
    sb.setUnits(QgsUnitTypes.DistanceUnit.DistanceKilometers)
    sb.setUnitLabel("km")
    sb.setNumberOfSegments(2)
    sb.setNumberOfSegmentsLeft(0)
    sb.setUnitsPerSegment(1)
    sb.setSegmentSizeMode(QgsScaleBarSettings.SegmentSizeMode.SegmentSizeFitWidth)
    sb.setMinimumBarWidth(18)
    sb.setMaximumBarWidth(36)
    sb.setHeight(1.2)
    font = QFont("Noto Sans")
    font.setPointSizeF(6)
    if hasattr(sb, "setTextFormat"):
        from qgis.core import QgsTextFormat

        fmt = QgsTextFormat()
        fmt.setFont(font)
        fmt.setSize(6)
        sb.setTextFormat(fmt)
    else:
        sb.setFont(font)
    sb.setBackgroundEnabled(True)
    sb.setBackgroundColor(QColor(255, 255, 255, 200))
    layout.addLayoutItem(sb)
    sb.attemptMove(QgsLayoutPoint(MAP_RECT[0] + 2, MAP_RECT[1] + MAP_RECT[3] - 8))
    sb.applyDefaultSize()
    html = QgsLayoutItemHtml(layout)
    html.setContentMode(QgsLayoutItemHtml.ContentMode.ManualHtml)
    html.setHtml(PLACEHOLDER_HTML)
    html.setResizeMode(QgsLayoutMultiFrame.ResizeMode.UseExistingFrames)
    layout.addMultiFrame(html)
    frame = QgsLayoutFrame(layout, html)
    frame.setId("fiche_html")
    frame.attemptMove(QgsLayoutPoint(HTML_RECT[0], HTML_RECT[1]))
    frame.attemptResize(QgsLayoutSize(HTML_RECT[2], HTML_RECT[3]))
    html.addFrame(frame)
    html.loadHtml()
    add_footer(layout)
    add_rule(layout, 10, 25.6, 190, colour=BLUE, item_id="title_rule")
    if coverage_layer is not None:
        atlas = layout.atlas()
        atlas.setCoverageLayer(coverage_layer)
        atlas.setEnabled(True)
        atlas.setHideCoverage(True)
        atlas.setSortFeatures(True)
        atlas.setSortExpression('"seq"')
        atlas.setFilenameExpression("'fiche_' || \"code\"")
    return layout


def write_template(path=TEMPLATE_PATH):
    from .layouts import make_coverage_layer, new_project

    class _Empty:
        projects = []

    project = new_project()
    coverage = make_coverage_layer(project, _Empty())
    layout = build_fiche_layout(project, coverage)
    ok = layout.saveAsTemplate(path, QgsReadWriteContext())
    if not ok:
        raise OSError("Kon {} niet schrijven".format(path))
    return path


if __name__ == "__main__":  # pragma: no cover
    print(write_template())
