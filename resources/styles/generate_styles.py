"""Regenerate the .qml styles of the werkbank layers with the QGIS API (run once after a change).

    QT_QPA_PLATFORM=offscreen PYTHONPATH=.venv/lib/python3.11/site-packages:build \
        /usr/bin/python3 resources/styles/generate_styles.py

Writes capacity_areas.qml (afname colours, the default), capacity_areas.invoeding.qml
(second named style, loaded into the layer's style manager by layers/project.py),
stations.qml (labels) and developments_point.qml / developments_polygon.qml
(categorised by sector); enumerations get value-map widgets (werkbank/enums.py).
"""

import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

CAPACITY_COLOURS = {"transparant": "255,255,255,0", "geel": "255,212,0,170", "oranje": "255,140,0,170",
                    "rood": "227,0,27,170"}
SECTOR_COLOURS = {
    "wonen": "#e6a100", "bedrijventerrein": "#8e6bbf", "industrie": "#5b3a8c", "mobiliteit": "#2f7dd1",
    "datacenter": "#222c5c", "glastuinbouw": "#5fb34a", "zon": "#ffd400", "wind": "#4fc3d9",
    "opslag_flex": "#d14fa6", "warmte": "#d9412b", "waterstof": "#1a9e8f", "utiliteit": "#9c9c9c",
    "overig": "#cccccc",
}


def main():
    from qgis.core import (
        QgsApplication,
        QgsCategorizedSymbolRenderer,
        QgsEditorWidgetSetup,
        QgsFillSymbol,
        QgsLineSymbol,
        QgsMarkerSymbol,
        QgsPalLayerSettings,
        QgsRendererCategory,
        QgsTextBufferSettings,
        QgsTextFormat,
        QgsVectorLayer,
        QgsVectorLayerSimpleLabeling,
    )
    from qgis.PyQt.QtGui import QColor, QFont

    app = QgsApplication([], False)
    app.initQgis()
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "build"))
    from pmiek_werkbank.werkbank import create_werkbank
    from pmiek_werkbank.werkbank import enums as E

    tmp = os.path.join(tempfile.mkdtemp(), "styles.gpkg")
    create_werkbank(tmp, "stijlen", "Utrecht").close()

    def layer(table, gtype=None):
        uri = "{}|layername={}".format(tmp, table) + ("|geometrytype={}".format(gtype) if gtype else "")
        lyr = QgsVectorLayer(uri, table, "ogr")
        assert lyr.isValid(), uri
        return lyr

    def value_map(lyr, field, enum):
        idx = lyr.fields().indexOf(field)
        if idx < 0:
            return
        items = [{E.label(enum, code): code} for code in enum]
        lyr.setEditorWidgetSetup(idx, QgsEditorWidgetSetup("ValueMap", {"map": items}))

    def fill(rgba, outline="80,80,80,255"):
        return QgsFillSymbol.createSimple({"color": rgba, "outline_color": outline, "outline_width": "0.3"})

    def labels(lyr, field, size=8):
        s = QgsPalLayerSettings()
        s.fieldName = field
        fmt = QgsTextFormat()
        fmt.setFont(QFont("Sans"))
        fmt.setSize(size)
        buf = QgsTextBufferSettings()
        buf.setEnabled(True)
        buf.setSize(0.8)
        buf.setColor(QColor("white"))
        fmt.setBuffer(buf)
        s.setFormat(fmt)
        lyr.setLabeling(QgsVectorLayerSimpleLabeling(s))
        lyr.setLabelsEnabled(True)

    # capacity map: one style per direction
    for direction, fname in (("afname", "capacity_areas.qml"), ("invoeding", "capacity_areas.invoeding.qml")):
        lyr = layer("capacity_areas")
        cats = [QgsRendererCategory(code, fill(CAPACITY_COLOURS[code]), E.CAPACITY_COLOURS[code])
                for code in E.CAPACITY_COLOURS]
        cats.append(QgsRendererCategory(None, fill("200,200,200,90", "150,150,150,255"), "Onbekend"))
        lyr.setRenderer(QgsCategorizedSymbolRenderer("{}_colour".format(direction), cats))
        value_map(lyr, "afname_colour", E.CAPACITY_COLOURS)
        value_map(lyr, "invoeding_colour", E.CAPACITY_COLOURS)
        lyr.saveNamedStyle(os.path.join(HERE, fname))

    st = layer("stations")
    st.renderer().setSymbol(QgsMarkerSymbol.createSimple(
        {"name": "square", "color": "40,40,40,255", "outline_color": "255,255,255,255", "size": "2.6"}))
    labels(st, "name", 8)
    value_map(st, "voltage_level", {"EHS": "EHS (220/380 kV)", "HS": "HS (110/150 kV)",
                                    "TS": "TS (25–66 kV)", "MS": "MS (< 25 kV)"})
    st.saveNamedStyle(os.path.join(HERE, "stations.qml"))

    for gtype, fname in (("Point", "developments_point.qml"), ("Polygon", "developments_polygon.qml")):
        lyr = layer("developments", gtype)
        cats = []
        for code, lab in E.SECTORS.items():
            c = QColor(SECTOR_COLOURS.get(code, "#999999"))
            if gtype == "Point":
                sym = QgsMarkerSymbol.createSimple({"name": "circle", "color": c.name(), "outline_color": "white",
                                                    "size": "3"})
            else:
                sym = fill("{},{},{},150".format(c.red(), c.green(), c.blue()), "{},{},{},255".format(
                    c.red(), c.green(), c.blue()))
            cats.append(QgsRendererCategory(code, sym, lab))
        lyr.setRenderer(QgsCategorizedSymbolRenderer("sector", cats))
        value_map(lyr, "sector", E.SECTORS)
        value_map(lyr, "phase", E.DEVELOPMENT_PHASES)
        value_map(lyr, "energy_carrier", E.ENERGY_CARRIERS)
        lyr.saveNamedStyle(os.path.join(HERE, fname))
    # knooppunten: outline by karakter, name as label
    kp = layer("knooppunten")
    kp_colours = {"lokaal": "#2e8b57", "provinciaal": "#1f4e79", "nationaal": "#7b1fa2"}
    cats = []
    for code, lab in E.KNOOPPUNT_KARAKTER.items():
        c = QColor(kp_colours[code])
        sym = QgsFillSymbol.createSimple({"color": "{},{},{},40".format(c.red(), c.green(), c.blue()),
                                          "outline_color": c.name(), "outline_width": "0.9",
                                          "outline_style": "dash"})
        cats.append(QgsRendererCategory(code, sym, "Knooppunt " + lab.lower()))
    cats.append(QgsRendererCategory(None, QgsFillSymbol.createSimple(
        {"color": "0,0,0,0", "outline_color": "#555555", "outline_width": "0.7", "outline_style": "dash"}),
        "Knooppunt (karakter onbekend)"))
    kp.setRenderer(QgsCategorizedSymbolRenderer("karakter", cats))
    value_map(kp, "karakter", E.KNOOPPUNT_KARAKTER)
    labels(kp, "name", 9)
    kp.saveNamedStyle(os.path.join(HERE, "knooppunten.qml"))

    # projects: colour by status, one style per geometry type, code as label
    status_colours = {"kandidaat": "#ed7d31", "opgenomen": "#c00000", "afgevallen": "#8c8c8c"}
    for gtype, fname in (("Point", "projects_point.qml"), ("LineString", "projects_linestring.qml"),
                         ("Polygon", "projects_polygon.qml")):
        lyr = layer("projects", gtype)
        cats = []
        for code, lab in E.PROJECT_STATUS.items():
            c = QColor(status_colours[code])
            if gtype == "Point":
                sym = QgsMarkerSymbol.createSimple({"name": "star", "color": c.name(), "outline_color": "white",
                                                    "size": "5"})
            elif gtype == "LineString":
                sym = QgsLineSymbol.createSimple({"line_color": c.name(), "line_width": "1.2"})
            else:
                sym = QgsFillSymbol.createSimple({"color": "{},{},{},70".format(c.red(), c.green(), c.blue()),
                                                  "outline_color": c.name(), "outline_width": "0.8"})
            cats.append(QgsRendererCategory(code, sym, "Project " + lab.lower()))
        lyr.setRenderer(QgsCategorizedSymbolRenderer("status", cats))
        value_map(lyr, "type_infra", {k: v[0] for k, v in E.TYPE_INFRA.items()})
        value_map(lyr, "phase", E.PROJECT_PHASES)
        value_map(lyr, "status", E.PROJECT_STATUS)
        value_map(lyr, "energy_carrier", E.ENERGY_CARRIERS)
        value_map(lyr, "financial_cover", E.FINANCIAL_COVER)
        value_map(lyr, "route", E.ROUTES)
        labels(lyr, "code", 8)
        lyr.saveNamedStyle(os.path.join(HERE, fname))
    app.exitQgis()
    print("stijlen geschreven in", HERE)


if __name__ == "__main__":
    main()
