"""Shared print-layout machinery: map layers, page furniture and a multi-layout PDF writer.

qgis.core only.  Everything lives in a private :class:`QgsProject`, so an
export never touches the user's project.  The PDF writer puts the pages of
several layouts (cover, lists, fiches) into one file in one pass, using
``QgsLayoutExporter.renderPage`` on a ``QPdfWriter`` (QGIS 3.22 has no PDF
merge of its own; no extra PDF library needed).
"""

import os

from qgis.core import (
    Qgis,
    QgsBasicNumericFormat,
    QgsCategorizedSymbolRenderer,
    QgsCoordinateReferenceSystem,
    QgsExpression,
    QgsFeature,
    QgsFillSymbol,
    QgsGeometry,
    QgsLayoutExporter,
    QgsLayoutItemLabel,
    QgsLayoutItemPage,
    QgsLayoutItemScaleBar,
    QgsLayoutItemShape,
    QgsLayoutPoint,
    QgsLayoutRenderContext,
    QgsLayoutSize,
    QgsLineSymbol,
    QgsMarkerSymbol,
    QgsPalLayerSettings,
    QgsPrintLayout,
    QgsProject,
    QgsRectangle,
    QgsRendererCategory,
    QgsRuleBasedRenderer,
    QgsTextBufferSettings,
    QgsTextFormat,
    QgsUnitTypes,
    QgsVectorLayer,
    QgsVectorLayerSimpleLabeling,
)
from qgis.PyQt.QtCore import QMarginsF, QSizeF
from qgis.PyQt.QtGui import QColor, QFont, QPageLayout, QPageSize, QPainter, QPdfWriter

from ..knooppunten.balance import MAP_STATUS_COLOURS
from .context import station_statuses
from ..layers.fieldtypes import make_field

PLUGIN_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# All Dutch municipalities (CBS 2023), so fiche maps have boundaries in every province.
SAMPLE_GEMEENTEN = os.path.join(PLUGIN_DIR, "resources", "gemeenten.gpkg")
COVERAGE_LAYER_NAME = "pMIEK projecten (fiche)"
DPI = 300
A4 = (210.0, 297.0)
BLUE = "#14365d"
STATUS_COLOURS = MAP_STATUS_COLOURS  # the one palette (knooppunten.balance), '' = unknown
PROJECT_COLOUR = "#e6007e"
DEV_COLOUR = "#f2b134"
CURRENT = "(@atlas_feature IS NULL OR \"project_id\" = attribute(@atlas_feature, 'project_id'))"
LINKED = "strpos(coalesce(attribute(@atlas_feature, 'dev_ids'), ''), ',' || \"dev_id\" || ',') > 0"


def quote_list(values):
    return ",".join("'" + str(v).replace("'", "''") + "'" for v in values) or "''"


def lookup_expression(field, values, default=""):
    """A QGIS expression giving ``values[field]`` for each feature (``default`` when the key is missing): one map
    looked up per feature (``map_get``), prepared once because every argument is a literal."""
    if not values:
        return QgsExpression.quotedString(default)
    pairs = ", ".join("{}, {}".format(QgsExpression.quotedString(str(k)), QgsExpression.quotedString(str(v or "")))
                      for k, v in values.items())
    return "coalesce(map_get(map({}), {}), {})".format(pairs, QgsExpression.quotedColumnRef(field),
                                                       QgsExpression.quotedString(default))


def new_project():
    project = QgsProject()
    project.setCrs(QgsCoordinateReferenceSystem("EPSG:28992"))
    return project


# ---- layers -----------------------------------------------------------------------------
def _werkbank_layer(wb, table, gtype, title):
    if getattr(wb, "backend", "gpkg") == "gpkg":
        uri = "{}|layername={}".format(os.path.abspath(str(wb.target)), table)
        if gtype:
            uri += "|geometrytype={}".format(gtype)
        layer = QgsVectorLayer(uri, title, "ogr")
    else:
        layer = QgsVectorLayer(wb.layer_uri(table, gtype), title, "postgres")
    return layer if layer.isValid() else None


def _label(layer, field_expr, size=6.5, colour="#222222", is_expression=False, placement=None):
    settings = QgsPalLayerSettings()
    settings.fieldName = field_expr
    settings.isExpression = is_expression
    fmt = QgsTextFormat()
    fmt.setFont(QFont("Noto Sans"))
    fmt.setSize(size)
    fmt.setSizeUnit(QgsUnitTypes.RenderUnit.RenderPoints)
    fmt.setColor(QColor(colour))
    buf = QgsTextBufferSettings()
    buf.setEnabled(True)
    buf.setSize(0.6)
    buf.setColor(QColor(255, 255, 255, 220))
    fmt.setBuffer(buf)
    settings.setFormat(fmt)
    if placement is not None:
        settings.placement = placement
    layer.setLabeling(QgsVectorLayerSimpleLabeling(settings))
    layer.setLabelsEnabled(True)


def _rules(layer, rules):
    """rules: [(label, expression or None, symbol)]; first match wins (else-rule last).

    The rules are made by QGIS (``QgsRuleBasedRenderer(symbol)``, ``Rule.clone()``), never constructed in Python:
    a Python-made Rule is a sip subclass whose C++ destructor is not virtual, so sip is not told when the layer
    deletes it, and its Python wrapper, freed later, writes into that freed memory (heap corruption: QGIS
    crashed after a fiche export, issue 19).  Wrappers of QGIS-made rules never write to the C++ object.
    """
    renderer = QgsRuleBasedRenderer(rules[0][2])  # an empty root with one rule drawing this symbol
    first = renderer.rootRule().children()[0]
    for i, (label, expr, sym) in enumerate(rules):
        rule = first
        if i:
            rule = first.clone()
            rule.setSymbol(sym)
            renderer.rootRule().appendChild(rule)
        rule.setLabel(label)
        rule.setFilterExpression(expr or "")
        if expr is None:
            rule.setIsElse(True)  # (QGIS also sets its filter text to 'ELSE', as for a rule made with the flag)
    layer.setRenderer(renderer)


def make_map_layers(project, wb, data, gemeenten_path=None):
    """The context layers of the fiche and overview maps, top first; added to ``project``."""
    layers = []
    ids = [p["project_id"] for p in data.projects]
    # projects: the current one bold, the others lighter (on the cover all are 'current')
    for gtype, title in (("Point", "Projecten (punten)"), ("LineString", "Projecten (lijnen)"),
                         ("Polygon", "Projecten (vlakken)")):
        layer = _werkbank_layer(wb, "projects", gtype, title)
        if layer is None or layer.featureCount() == 0:
            continue
        # filter in the renderer, not with setSubsetString: a subset on a mixed-geometry OGR layer breaks the
        # GeoPackage connection of the layers opened after it (QGIS 3.22/GDAL: "unable to open database file")
        shown = '"project_id" IN ({})'.format(quote_list(ids))
        if gtype == "Point":
            cur = QgsMarkerSymbol.createSimple({"name": "star", "color": PROJECT_COLOUR, "size": "5.2",
                                                "outline_color": "#ffffff", "outline_width": "0.3"})
            oth = QgsMarkerSymbol.createSimple({"name": "circle", "color": "#f3a6cf", "size": "2.6",
                                                "outline_color": "#9e0057", "outline_width": "0.2"})
        elif gtype == "LineString":
            cur = QgsLineSymbol.createSimple({"color": PROJECT_COLOUR, "width": "1.3", "capstyle": "round"})
            oth = QgsLineSymbol.createSimple({"color": "#f3a6cf", "width": "0.7"})
        else:
            cur = QgsFillSymbol.createSimple({"color": "230,0,126,90", "outline_color": PROJECT_COLOUR,
                                              "outline_width": "0.7"})
            oth = QgsFillSymbol.createSimple({"color": "243,166,207,60", "outline_color": "#f3a6cf",
                                              "outline_width": "0.3"})
        _rules(layer, [("dit project", "{} AND {}".format(shown, CURRENT), cur),
                       ("overige projecten", shown, oth)])
        _label(layer, "CASE WHEN {} THEN coalesce(\"code\", '') END".format(shown), size=7, colour="#9e0057",
               is_expression=True)
        layers.append(layer)
    stations = _werkbank_layer(wb, "stations", None, "Stations")
    if stations is not None:
        expr = lookup_expression("station_id", station_statuses(data))
        cats = []
        for code, colour in STATUS_COLOURS.items():
            sym = QgsMarkerSymbol.createSimple({"name": "square", "color": colour, "size": "3.2",
                                                "outline_color": "#ffffff", "outline_width": "0.4"})
            cats.append(QgsRendererCategory(code, sym, code or "onbekend"))
        stations.setRenderer(QgsCategorizedSymbolRenderer(expr, cats))
        _label(stations, "name", size=6.5, colour="#333333")
        layers.append(stations)
    kp = _werkbank_layer(wb, "knooppunten", None, "Knooppunten")
    if kp is not None:
        _rules(kp, [("", "", QgsFillSymbol.createSimple(
            {"color": "0,0,0,0", "outline_color": BLUE, "outline_width": "0.6", "outline_style": "dash"}))])
        layers.append(kp)
    for gtype, title in (("Point", "Ontwikkelingen (punten)"), ("Polygon", "Ontwikkelingen (vlakken)")):
        # a typed view with nothing in it is left out: it draws nothing, but every map would still read all
        # developments in its extent to find none of that type (0.1-0.5 s per fiche map at province size)
        layer = _werkbank_layer(wb, "developments", gtype, title)
        if layer is None or layer.featureCount() == 0:
            continue
        if gtype == "Point":
            linked = QgsMarkerSymbol.createSimple({"name": "circle", "color": DEV_COLOUR, "size": "2.8",
                                                   "outline_color": "#8a5a00", "outline_width": "0.3"})
            other = QgsMarkerSymbol.createSimple({"name": "circle", "color": "#c8c8c8", "size": "1.4",
                                                  "outline_color": "#9a9a9a", "outline_width": "0.1"})
        else:
            linked = QgsFillSymbol.createSimple({"color": "242,177,52,140", "outline_color": "#8a5a00",
                                                 "outline_width": "0.35"})
            other = QgsFillSymbol.createSimple({"color": "200,200,200,70", "outline_color": "#a0a0a0",
                                                "outline_width": "0.15"})
        _rules(layer, [("gekoppelde ontwikkeling", LINKED, linked), ("overige ontwikkelingen", None, other)])
        layers.append(layer)
    areas = _werkbank_layer(wb, "capacity_areas", None, "Capaciteitskaart (afname)")
    if areas is not None:
        cats = []
        for code, rgba in (("rood", "231,76,60,70"), ("oranje", "243,156,18,60"), ("geel", "241,196,15,50")):
            cats.append(QgsRendererCategory(code, QgsFillSymbol.createSimple(
                {"color": rgba, "outline_style": "no"}), code))
        areas.setRenderer(QgsCategorizedSymbolRenderer("afname_colour", cats))
        layers.append(areas)
    path = gemeenten_path or SAMPLE_GEMEENTEN
    if path and os.path.exists(path):
        gm = QgsVectorLayer(path, "Gemeenten", "ogr")
        if gm.isValid():
            _rules(gm, [("", "", QgsFillSymbol.createSimple(
                {"color": "#f6f6f3", "outline_color": "#b5b5aa", "outline_width": "0.25"}))])
            name_field = next((f for f in ("gemeentenaam", "statnaam", "naam", "name") if gm.fields().indexOf(f) >= 0),
                              None)
            if name_field:
                _label(gm, name_field, size=6, colour="#8c8c80")
            layers.append(gm)
    for layer in layers:
        project.addMapLayer(layer, False)
    return layers


def make_coverage_layer(project, data, min_size=2500.0, pad=0.08):
    """Memory layer of the fiche projects: geometry = the map frame of each fiche (project + context)."""
    layer = QgsVectorLayer("Polygon?crs=EPSG:28992", COVERAGE_LAYER_NAME, "memory")
    layer.setCustomProperty("skipMemoryLayersCheck", 1)  # rebuilt from the werkbank: no "scratch layer" prompt on exit
    pr = layer.dataProvider()
    pr.addAttributes([make_field("project_id", "string"), make_field("code", "string"),
                      make_field("name", "string"), make_field("seq", "int"),
                      make_field("rank", "int"), make_field("knooppunt", "string"),
                      make_field("subtitle", "string"), make_field("dev_ids", "string")])
    layer.updateFields()
    feats = []
    for p in data.projects:
        x0, y0, x1, y1 = p.get("extent") or (150000.0, 450000.0, 160000.0, 460000.0)
        w, h = x1 - x0, y1 - y0
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        w, h = max(w * (1 + 2 * pad), min_size), max(h * (1 + 2 * pad), min_size * 0.45)
        f = QgsFeature(layer.fields())
        f.setGeometry(QgsGeometry.fromRect(QgsRectangle(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)))
        f.setAttributes([p["project_id"], p["number"], p["name"], p["seq"], p["rank"], p["knooppunt"],
                         subtitle(p), "," + ",".join(d["dev_id"] for d in p["developments"]) + ","])
        feats.append(f)
    pr.addFeatures(feats)
    layer.updateExtents()
    project.addMapLayer(layer, False)
    return layer


def fit_extent(rect, width_mm, height_mm):
    """``rect`` grown to the aspect ratio of a map item of ``width_mm`` x ``height_mm``."""
    w, h = max(rect.width(), 1.0), max(rect.height(), 1.0)
    aspect = width_mm / height_mm
    if w / h < aspect:
        w = h * aspect
    else:
        h = w / aspect
    c = rect.center()
    return QgsRectangle(c.x() - w / 2, c.y() - h / 2, c.x() + w / 2, c.y() + h / 2)


def subtitle(p):
    parts = ["VERTROUWELIJK" if p.get("confidential") else "", p["type_infra_label"], p["knooppunt"],
             p["status_label"],
             p.get("rank_label", ""),  # export.context.rank_label: with its range, as the web fiche says it
             "totaal onvolledig" if p.get("incomplete_text") else ""]
    return " · ".join(x for x in parts if x)


# ---- page furniture ---------------------------------------------------------------------
def set_label_font(label, size, bold=False, colour="#1d1d1b"):
    font = QFont("Noto Sans")
    font.setPointSizeF(size)
    font.setBold(bold)
    if hasattr(label, "setTextFormat"):  # QGIS >= 3.24
        fmt = QgsTextFormat()
        fmt.setFont(font)
        fmt.setSize(size)
        fmt.setSizeUnit(QgsUnitTypes.RenderUnit.RenderPoints)
        fmt.setColor(QColor(colour))
        label.setTextFormat(fmt)
    else:
        label.setFont(font)
        label.setFontColor(QColor(colour))


def add_label(layout, text, x, y, w, h, size=7, bold=False, colour="#1d1d1b", align_right=False, item_id=None,
              page=0):
    from qgis.PyQt.QtCore import Qt

    label = QgsLayoutItemLabel(layout)
    label.setText(text)
    set_label_font(label, size, bold, colour)
    label.setMarginX(0)
    label.setMarginY(0)
    # left, not the label's default (justify): QGIS >= 3.28 justifies every line but the last across the item
    label.setHAlign(Qt.AlignmentFlag.AlignRight if align_right else Qt.AlignmentFlag.AlignLeft)
    label.setVAlign(Qt.AlignmentFlag.AlignTop)
    layout.addLayoutItem(label)
    label.attemptResize(QgsLayoutSize(w, h))
    label.attemptMove(QgsLayoutPoint(x, y), page=page)
    if item_id:
        label.setId(item_id)
    return label


def add_rule(layout, x, y, w, page=0, colour="#9aa5b1", item_id=None):
    shape = QgsLayoutItemShape(layout)
    shape.setShapeType(QgsLayoutItemShape.Shape.Rectangle)
    shape.setSymbol(QgsFillSymbol.createSimple({"color": colour, "outline_style": "no"}))
    layout.addLayoutItem(shape)
    shape.attemptResize(QgsLayoutSize(w, 0.35))
    shape.attemptMove(QgsLayoutPoint(x, y), page=page)
    if item_id:
        shape.setId(item_id)
    return shape


FOOTER_TEXT = "[% @pmiek_footer1 %]\n[% @pmiek_footer2 %]"
FOOTER_PT = 6.3
FOOTER_COLOUR = "#4a5867"
PAGE_TEXT = "[% coalesce(@pmiek_page, 'Pagina ' || to_string(@layout_page) || ' van ' || to_string(@layout_numpages)) %]"


def add_footer(layout, page=0, width=A4[0], height=A4[1], suffix=""):
    """Rule, two footer lines (programme, sources) and the page number at the bottom of ``page``."""
    items = [add_rule(layout, 10, height - 13.5, width - 20, page=page, item_id="footer_rule" + suffix),
             add_label(layout, FOOTER_TEXT, 10, height - 12, width - 55, 8, size=FOOTER_PT, colour=FOOTER_COLOUR,
                       item_id="footer" + suffix, page=page),
             add_label(layout, PAGE_TEXT, width - 45, height - 12, 35, 4, size=7.5, bold=True, colour=BLUE,
                       align_right=True, item_id="page" + suffix, page=page)]
    return items


def with_installed_fonts(qpt_text, family="Noto Sans"):
    """A layout template's text with ``family`` replaced by the font Qt draws it with when QGIS does not find
    ``family`` on the system. QGIS >= 3.28 reading a text format or a label's font whose family it does not find
    tries to download it: on a machine without Noto Sans and without internet every fiche export ended in a yellow
    'Noto Sans installeren van lettertype mislukt' (QGIS 3.40 desktop trial); the fiche looked the same, drawn with
    the fallback font. Every mention is replaced (the scale bar's text style and the labels' <LabelFont>), and
    QGIS's own test decides (QgsFontUtils.fontFamilyOnSystem says yes to any name)."""
    from qgis.core import QgsFontUtils
    from qgis.PyQt.QtGui import QFontInfo

    found = QgsFontUtils.fontFamilyMatchOnSystem(family)
    if found[0] if isinstance(found, tuple) else found:  # (found, matched) on QGIS 3.22
        return qpt_text
    return qpt_text.replace(family, QFontInfo(QFont(family)).family())


def text_width_mm(text, size_pt, bold=False, dpi=72):
    """Width of one line of ``text`` in the labels' font at ``size_pt`` (the font QGIS will really use), measured
    on a device of ``dpi`` (a small font's hinted width depends on the resolution it is measured at)."""
    from qgis.PyQt.QtGui import QFontMetricsF, QImage

    image = QImage(4, 4, QImage.Format.Format_ARGB32)
    image.setDotsPerMeterX(round(dpi / 0.0254))  # at 72 dpi: 1 px = 1 pt
    image.setDotsPerMeterY(round(dpi / 0.0254))
    font = QFont("Noto Sans")
    font.setPointSizeF(size_pt)
    font.setBold(bold)
    return QFontMetricsF(font, image).horizontalAdvance(text) * 25.4 / dpi


def widest_mm(text, size_pt, bold=False, dpis=(72, 96, 300)):
    """The widest :func:`text_width_mm` of ``text`` at the resolutions QGIS may measure and wrap it at."""
    return max(text_width_mm(text, size_pt, bold=bold, dpi=dpi) for dpi in dpis)


def fit_footer(layout, footer):
    """Left-align the footer labels and shrink their font so the longest line fits: never into the page number.

    A label's default alignment is justify, which QGIS >= 3.28 applies to every line but the last (the
    footer's first line spread over the page number); a missing font (Noto Sans) falls back to a wider one,
    so the width is measured, not assumed: first with Qt's metrics, then with the label's own measure
    (``sizeForText``: the font and text renderer QGIS draws it with; QGIS 3.44's is wider than Qt's metrics and
    wrapped the sources line to a third line), shrinking until each line fits the box (the same approach as
    :func:`fit_title`).  Call it after the footer variables are set (the label measures its evaluated text).
    A small font's hinted width depends on the resolution it is measured at (6.3 pt Noto/DejaVu: 141 mm at 72 dpi,
    159 mm at 96 dpi, 153 mm at 300 dpi) and QGIS 3.40 wraps with another measure than ``sizeForText``: the sample's
    sources line, measured 144 mm by the label, wrapped in its 155 mm box (QGIS 3.40 desktop trial). So every
    line must fit at each of those resolutions as well.
    """
    from qgis.PyQt.QtCore import Qt

    lines = [line for line in (footer.get("line1"), footer.get("line2")) if line]
    dpis = sorted({72, 96, int(layout.renderContext().dpi())})

    def widest(size_pt):
        return max(widest_mm(line, size_pt, dpis=dpis) for line in lines) if lines else 0.0

    for item in layout.items():
        if isinstance(item, QgsLayoutItemLabel) and item.id().startswith("footer"):
            room = item.rect().width() * 0.95  # a margin: QGIS 3.40 wraps a line measured as just fitting
            first = widest(FOOTER_PT)
            size = FOOTER_PT if first <= room else max(4.0, FOOTER_PT * room / first)
            set_label_font(item, size, colour=FOOTER_COLOUR)
            while size > 4.0 and (item.sizeForText().width() > room or widest(size) > room):
                size = max(4.0, size - 0.1)
                set_label_font(item, size, colour=FOOTER_COLOUR)
            item.setHAlign(Qt.AlignmentFlag.AlignLeft)


def fit_title(layout, text, size_pt, min_pt=9.0):
    """Left-align the fiche's title label (item id ``title``) and give it the largest font size up to
    ``size_pt`` (steps of 0.5 pt, not below ``min_pt``) at which ``text``, word-wrapped to the label's width,
    fits its height: a long project name ran into the subtitle below and lost its last line's descenders.
    The label's own font (family, bold, colour) stays; the size is measured with that font, not assumed."""
    from qgis.PyQt.QtCore import QRectF, Qt
    from qgis.PyQt.QtGui import QFontMetricsF, QImage

    label = layout.itemById("title")
    if not isinstance(label, QgsLayoutItemLabel):
        return None
    fmt = label.textFormat() if hasattr(label, "textFormat") else None
    font = QFont(fmt.font() if fmt is not None else label.font())
    image = QImage(4, 4, QImage.Format.Format_ARGB32)
    image.setDotsPerMeterX(round(72 / 0.0254))  # 1 px = 1 pt
    image.setDotsPerMeterY(round(72 / 0.0254))
    box = label.rect()  # mm
    width, height = box.width() * 72 / 25.4 * 0.97, box.height() * 72 / 25.4
    size = size_pt
    while size > min_pt:
        font.setPointSizeF(size)
        used = QFontMetricsF(font, image).boundingRect(QRectF(0, 0, width, 1e6), Qt.TextFlag.TextWordWrap, text)
        if used.height() <= height * 0.95:
            break
        size -= 0.5
    font.setPointSizeF(size)
    if fmt is not None:
        fmt.setFont(font)
        fmt.setSize(size)
        label.setTextFormat(fmt)
    else:
        label.setFont(font)
    label.setHAlign(Qt.AlignmentFlag.AlignLeft)
    return size


def set_footer_variables(layout, footer, page_text=None):
    from qgis.core import QgsExpressionContextUtils

    QgsExpressionContextUtils.setLayoutVariable(layout, "pmiek_footer1", footer["line1"])
    QgsExpressionContextUtils.setLayoutVariable(layout, "pmiek_footer2", footer["line2"])
    fit_footer(layout, footer)
    if page_text is not None:
        QgsExpressionContextUtils.setLayoutVariable(layout, "pmiek_page", page_text)


def new_layout(project, name, orientation="portrait", pages=1):
    layout = QgsPrintLayout(project)
    layout.setName(name)
    collection = layout.pageCollection()
    w, h = A4 if orientation == "portrait" else (A4[1], A4[0])
    for _ in range(pages):
        page = QgsLayoutItemPage(layout)
        page.setPageSize(QgsLayoutSize(w, h))
        collection.addPage(page)
    prepare_render_context(layout)
    return layout


def prepare_render_context(layout, dpi=DPI):
    """What every export layout gets once: its resolution, searchable text, and Dutch numbers on its scale
    bars."""
    dutch_scale_bars(layout)
    ctx = layout.renderContext()
    ctx.setDpi(dpi)
    ctx.setTextRenderFormat(Qgis.TextRenderFormat.AlwaysText)  # searchable text in the PDF
    ctx.setFlag(QgsLayoutRenderContext.Flag.FlagAntialiasing, True)
    ctx.setFlag(QgsLayoutRenderContext.Flag.FlagUseAdvancedEffects, True)


def dutch_scale_bars(layout):
    """Every scale bar of ``layout`` writes its numbers as formatting.fmt_num does ('1 200 m', '2,5 km'); QGIS's
    default follows the machine's locale ('1,200 m' on an English system).  Also a scale bar of an edited
    template."""
    from ..formatting import THIN

    for item in layout.items():
        if isinstance(item, QgsLayoutItemScaleBar):
            fmt = QgsBasicNumericFormat()
            fmt.setShowThousandsSeparator(True)
            fmt.setThousandsSeparator(THIN)
            fmt.setDecimalSeparator(",")
            fmt.setNumberDecimalPlaces(6)
            fmt.setShowTrailingZeros(False)
            item.setNumericFormat(fmt)


def add_page(layout, like=0):
    collection = layout.pageCollection()
    ref = collection.page(like)
    page = QgsLayoutItemPage(layout)
    page.setPageSize(QgsLayoutSize(ref.pageSize().width(), ref.pageSize().height()))
    collection.addPage(page)
    return collection.pageCount() - 1


def remove_pages_after(layout, keep):
    collection = layout.pageCollection()
    while collection.pageCount() > keep:
        collection.deletePage(collection.pageCount() - 1)


def page_size_mm(layout, index):
    size = layout.pageCollection().page(index).pageSize()
    return size.width(), size.height()


# ---- PDF writing ------------------------------------------------------------------------
class PdfSequence:
    """Pages of one or more layouts into one PDF, in order.  ``with PdfSequence(path) as pdf: pdf.add(layout, i)``.

    Written beside the target and swapped in when the ``with`` block ends without an error (werkbank/atomic.py):
    a failure or a kill never leaves a 0-byte or half PDF, and an existing PDF stays whole until then.
    """

    def __init__(self, path, title="", creator="pMIEK Werkbank"):
        from ..werkbank.atomic import check_not_protected, remove_stale, temp_path_for

        check_not_protected(path)
        remove_stale(os.path.dirname(os.path.abspath(path)))
        self.path = path
        self._tmp = temp_path_for(path)
        self.writer = QPdfWriter(self._tmp)
        self.writer.setResolution(DPI)
        self.writer.setCreator(creator)
        if title:
            self.writer.setTitle(title)
        self.painter = None
        self.pages = 0

    def _layout_for(self, w, h):
        orientation = QPageLayout.Orientation.Landscape if w > h else QPageLayout.Orientation.Portrait
        size = QPageSize(QSizeF(min(w, h), max(w, h)), QPageSize.Unit.Millimeter)
        return QPageLayout(size, orientation, QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)

    def add(self, layout, page_index):
        w, h = page_size_mm(layout, page_index)
        self.writer.setPageLayout(self._layout_for(w, h))
        if self.painter is None:
            self.painter = QPainter()
            if not self.painter.begin(self.writer):
                raise OSError("PDF kan niet worden geschreven: {}".format(self.path))
        else:
            self.writer.newPage()
        QgsLayoutExporter(layout).renderPage(self.painter, page_index)
        self.pages += 1

    def close(self):
        if self.painter is not None:
            ended = self.painter.end()
            self.painter = None
        else:  # nothing written: still leave a valid (empty-page) PDF rather than nothing
            p = QPainter()
            p.begin(self.writer)
            ended = p.end()
        return ended

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *exc):
        from ..werkbank.atomic import discard, fsync_path

        try:
            ended = self.close()
            self.writer = None  # the PDF is closed
            if exc_type is None:
                if not ended or not pdf_complete(self._tmp):
                    # Qt's PDF writer reports success on a full disk and leaves a cut-off file: never swap that
                    # in over the PDF that was there
                    raise OSError("PDF {} kon niet volledig worden geschreven (is de schijf vol?); er is niets "
                                  "vervangen.".format(self.path))
                fsync_path(self._tmp)
                os.replace(self._tmp, self.path)
                fsync_path(os.path.dirname(os.path.abspath(self.path)))
        finally:
            discard(self._tmp)


def pdf_complete(path):
    """Whether the PDF at ``path`` was written to its end: its last kilobyte holds the ``%%EOF`` marker that Qt
    writes last.  A file cut off by a full disk (Qt's writer does not report that) has none."""
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - 1024))
            return b"%%EOF" in f.read()
    except OSError:
        return False
