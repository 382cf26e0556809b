"""The HTML text of a print layout, behind a small interface.

QGIS 3.22 renders HTML in a layout with QtWebKit (``QgsLayoutItemHtml``).  Builds without
QtWebKit (Debian trixie's QGIS 3.40, QGIS 4 on Qt 6) render nothing there.  Two implementations of
:class:`HtmlRenderer` (set the HTML, say how tall it is, lay it out over one or more frames):

* :class:`WebKitHtmlRenderer` - ``QgsLayoutItemHtml``;
* :class:`TextDocumentRenderer` - Qt's own rich-text engine (``QTextDocument``, in Qt 5 and Qt 6),
  drawn by a small layout item per frame with the layout's own painter, broken between lines and
  table rows: real (searchable) text in the PDF, no WebKit.

:func:`default_renderer` picks one: ``name`` argument, else the environment variable
``PMIEK_FICHE_RENDERER`` or the QGIS setting ``pmiek_werkbank/fiche_renderer`` (``webkit``,
``qt`` or ``auto``); ``auto`` (the default) takes WebKit only when a probe shows it really renders.
qgis.core only.
"""

from qgis.core import (
    QgsLayoutFrame,
    QgsLayoutItem,
    QgsLayoutItemHtml,
    QgsLayoutItemRegistry,
    QgsLayoutMultiFrame,
    QgsLayoutPoint,
    QgsLayoutSize,
)
from qgis.PyQt.QtCore import QUrl


class HtmlRenderer:
    """Interface: one flowing HTML text in a layout, over frames the exporter manages."""

    name = "abstract"

    def attach(self, layout, rect=None):
        """Use the HTML item of ``layout`` (or create one in ``rect`` = (x, y, w, h) mm on page 1)."""
        raise NotImplementedError

    def set_html(self, html, base_url=""):
        """Replace the content (synchronous: measurable when this returns)."""
        raise NotImplementedError

    def clear(self):
        """Forget the content without loading anything (cheap; before the layout changes its atlas feature)."""
        raise NotImplementedError

    def content_height(self):
        """Height in mm of the whole content at the first frame's width."""
        raise NotImplementedError

    def first_frame_height(self):
        raise NotImplementedError

    def set_continuation_frames(self, rects):
        """Frames after the first: list of (page index, x, y, w, h) in mm on that page; [] = none."""
        raise NotImplementedError


class WebKitHtmlRenderer(HtmlRenderer):
    """``QgsLayoutItemHtml`` (QtWebKit) in manual-HTML mode, with frames placed by us."""

    name = "webkit"

    def __init__(self):
        self.layout = None
        self.item = None
        self._extra = []

    def attach(self, layout, rect=None):
        self.layout = layout
        for mf in layout.multiFrames():
            if isinstance(mf, QgsLayoutItemHtml):
                self.item = mf
                break
        if self.item is None:
            x, y, w, h = rect or (10, 117, 190, 164)
            self.item = QgsLayoutItemHtml(layout)
            layout.addMultiFrame(self.item)
            frame = QgsLayoutFrame(layout, self.item)
            frame.attemptMove(QgsLayoutPoint(x, y))
            frame.attemptResize(QgsLayoutSize(w, h))
            self.item.addFrame(frame)
        self.item.setContentMode(QgsLayoutItemHtml.ContentMode.ManualHtml)
        self.item.setEvaluateExpressions(False)  # the text is already rendered; '[% %]' in data stays literal
        self.item.setUseSmartBreaks(True)
        self.item.setResizeMode(QgsLayoutMultiFrame.ResizeMode.UseExistingFrames)
        # keep only the first frame (a template may carry more)
        while self.item.frameCount() > 1:
            self.item.removeFrame(self.item.frameCount() - 1)
        return self

    def set_html(self, html, base_url=""):
        self.item.setHtml(html)
        self.item.loadHtml()

    def clear(self):
        # setHtml only stores the text; QGIS reloads it itself when the atlas feature changes (twice per
        # seekTo: report context changed + layout refresh), so an empty text makes those reloads cheap
        self.item.setHtml("")

    def content_height(self):
        return self.item.totalSize().height()

    def first_frame_height(self):
        return self.item.frame(0).rect().height()

    def set_continuation_frames(self, rects):
        while self.item.frameCount() > 1:
            self.item.removeFrame(self.item.frameCount() - 1)
        pages = self.layout.pageCollection()
        for page_index, x, y, w, h in rects:
            frame = QgsLayoutFrame(self.layout, self.item)
            frame.attemptResize(QgsLayoutSize(w, h))
            frame.attemptMove(QgsLayoutPoint(x, y), page=page_index)
            frame.setFrameEnabled(False)
            self.item.addFrame(frame, recalcFrameSizes=False)
        self.item.recalculateFrameSizes()
        del pages



UNITS_PER_PT = 4  # the document's px: a quarter pt, so font sizes (whole px in Qt) step by 0.25 pt
PT_PER_MM = 72 / 25.4
DOC_PER_MM = PT_PER_MM * UNITS_PER_PT
ROW_KEEP_MM = 30  # table rows up to this height are never split over two frames
# Sizes as the WebKit item shows them: a CSS pt there is drawn as about 0.8 pt.  QTextDocument takes px
# only for margins/padding; its px is our document unit (1/UNITS_PER_PT pt).
CSS_PT = 0.85
_UNITS = __import__("re").compile(r"(\d*\.?\d+)(pt|em)\b")
_BODY_PT = __import__("re").compile(r"body\s*\{[^}]*?font-size:\s*(\d*\.?\d+)pt")


def qt_rich_text(html):
    """The HTML with pt/em sizes as px for ``QTextDocument`` (em relative to the body's font size)."""
    m = _BODY_PT.search(html)
    base = float(m.group(1)) if m else 8.6

    def px(match):
        value = float(match.group(1))
        size = value * CSS_PT if match.group(2) == "pt" else value * base * CSS_PT
        return "{:.0f}px".format(size * UNITS_PER_PT)

    html = _SWATCH.sub(_swatch, html)
    html = _UNITS.sub(px, html)
    # Qt reads a table's width from the attribute, not from the style sheet
    return __import__("re").sub(r"<table(?![^>]*\bwidth=)", '<table width="100%"', html)


_SWATCH = __import__("re").compile(r'<span class="sw" style="([^"]*)"></span>')
_COLOUR = __import__("re").compile(r"#[0-9a-fA-F]{3,6}\b")


def _swatch(match):
    """A legend swatch (an empty ``span.sw`` with a background, or a dashed border) as text ``QTextDocument`` draws:
    it draws no empty inline box, so the fiche legend lost its colour keys (project, gekoppelde ontwikkeling,
    knooppunt, capaciteitskaart) without WebKit (QGIS 3.44)."""
    style = match.group(1)
    background = __import__("re").search(r"background:\s*(#[0-9a-fA-F]{3,6})\b", style)
    if background:
        return '<span style="background-color:{}">&nbsp;&nbsp;&nbsp;&nbsp;</span>&nbsp;'.format(background.group(1))
    colours = _COLOUR.findall(style)  # no fill: the border's colour, dashed
    return '<span style="color:{};font-weight:bold">- - </span>'.format(colours[-1] if colours else "#555555")


def _auto_column_widths(doc):
    """Column widths like a browser's automatic table layout: wide where the text is long.

    QTextDocument gives columns without a width equal shares, so a name column with long text wraps into a
    tall narrow strip.  Tables whose widths the HTML sets are left alone.
    """
    from qgis.PyQt.QtGui import QTextLength, QTextTable

    def tables(frame):
        for child in frame.childFrames():
            if isinstance(child, QTextTable):
                yield child
            yield from tables(child)

    for table in list(tables(doc.rootFrame())):
        fmt = table.format()
        constraints = fmt.columnWidthConstraints()
        if any(c.type() != QTextLength.Type.VariableLength for c in constraints):
            continue
        weights = []
        for c in range(table.columns()):
            longest = 1
            word = 1
            for r in range(table.rows()):
                cell = table.cellAt(r, c)
                if cell.column() != c or cell.columnSpan() > 1:
                    continue
                cursor = table.cellAt(r, c).firstCursorPosition()
                cursor.setPosition(cell.lastCursorPosition().position(), cursor.MoveMode.KeepAnchor)
                text = cursor.selectedText().strip()
                longest = max(longest, len(text))
                # short texts (numbers with units, statuses) are not wrapped; long ones wrap at words
                word = max([word, len(text) if len(text) <= 10 else 0] + [len(w) for w in text.split()])
            weights.append(word + 1.5 + min(longest, 80) ** 0.75)
        total = sum(weights) or 1.0
        share = 100.0 - 0.5 * len(weights)  # Qt adds cell padding outside a column's percentage
        fmt.setColumnWidthConstraints([QTextLength(QTextLength.Type.PercentageLength, share * w / total)
                                       for w in weights])
        table.setFormat(fmt)


class _TextFrames:
    """``renderer.item.frame(i)`` for callers written against ``QgsLayoutItemHtml`` (frame styling)."""

    def __init__(self, renderer):
        import weakref

        # a proxy, not a reference: renderer.item -> renderer would be a cycle that keeps the renderer, and the
        # layout it holds, alive past DocumentLayout.close()/FicheLayout.close() until a garbage collection
        self._r = weakref.proxy(renderer)

    def frame(self, index):
        return self._r.pictures[index]

    def frameCount(self):  # noqa: N802
        return len(self._r.pictures)


TEXT_ITEM_TYPE = QgsLayoutItemRegistry.ItemType.PluginItem + 3917  # "pMIEK text frame"; never saved in a template


class TextFrameItem(QgsLayoutItem):
    """A layout item that draws one slice (top..bottom, in pt) of a ``QTextDocument`` with the layout's painter.

    The painter is the PDF's when exporting, so the text stays text.  Qt 5 and Qt 6 alike.
    """

    def __init__(self, layout):
        super().__init__(layout)
        self.doc = None
        self.top = 0.0
        self.bottom = 0.0

    def type(self):
        return TEXT_ITEM_TYPE

    def displayName(self):  # noqa: N802
        return "pMIEK tekst"

    def draw(self, context):
        if self.doc is None or self.bottom <= self.top:
            return
        from qgis.PyQt.QtCore import QRectF
        from qgis.PyQt.QtGui import QAbstractTextDocumentLayout

        painter = context.renderContext().painter()
        scale = context.renderContext().scaleFactor() / DOC_PER_MM  # painter units per document px
        width = self.doc.textWidth()
        painter.save()
        painter.scale(scale, scale)
        painter.setClipRect(QRectF(0, 0, width, self.bottom - self.top))
        painter.translate(0, -self.top)
        ctx = QAbstractTextDocumentLayout.PaintContext()
        ctx.clip = QRectF(0, self.top, width, self.bottom - self.top)
        self.doc.documentLayout().draw(painter, ctx)
        painter.restore()


class TextDocumentRenderer(HtmlRenderer):
    """WebKit-free: ``QTextDocument`` lays the HTML out, each frame is a :class:`TextFrameItem`.

    The text stays text in the PDF (searchable, pdftotext reads it).  Frames break between lines and
    table rows, never after a heading.  A template's HTML frame only gives the first frame's place
    (it is hidden, so nothing is left to WebKit).
    """

    name = "qt"

    def __init__(self, continuation_height=None):
        self.layout = None
        self.item = _TextFrames(self)
        self.pictures = []
        self.rects = []  # (page index, x, y, w, h) mm per picture
        self.continuation_height = continuation_height
        self.doc = None
        from qgis.PyQt.QtGui import QImage

        self._device = QImage(8, 8, QImage.Format.Format_ARGB32)  # 72 dpi: 1 px = 1 pt
        self._device.setDotsPerMeterX(round(72 / 0.0254))
        self._device.setDotsPerMeterY(round(72 / 0.0254))

    # ---- frames ---------------------------------------------------------------------------
    def attach(self, layout, rect=None):
        self.layout = layout
        page = 0
        for mf in layout.multiFrames():
            if isinstance(mf, QgsLayoutItemHtml) and mf.frameCount():
                frame = mf.frame(0)
                pos, size = frame.pagePositionWithUnits(), frame.sizeWithUnits()
                rect = (pos.x(), pos.y(), size.width(), size.height())
                page = max(0, frame.page())
                mf.setHtml("")
                for i in range(mf.frameCount()):
                    mf.frame(i).setVisibility(False)
                break
        x, y, w, h = rect or (10, 117, 190, 164)
        self._set_pictures([(page, x, y, w, h)])
        if self.continuation_height is None:
            ph = layout.pageCollection().page(0).pageSize().height() if layout.pageCollection().pageCount() else 297
            self.continuation_height = ph - 27
        return self

    def _set_pictures(self, rects):
        for pic in self.pictures[len(rects):]:
            self.layout.removeLayoutItem(pic)
        self.pictures = self.pictures[:len(rects)]
        for i, (page, x, y, w, h) in enumerate(rects):
            if i >= len(self.pictures):
                pic = TextFrameItem(self.layout)
                pic.setId("fiche_tekst" if i == 0 else "fiche_tekst_%d" % i)
                pic.setFrameEnabled(False)
                pic.setBackgroundEnabled(False)
                self.layout.addLayoutItem(pic)
                self.pictures.append(pic)
            pic = self.pictures[i]
            pic.attemptResize(QgsLayoutSize(w, h))
            pic.attemptMove(QgsLayoutPoint(x, y), page=page)
        self.rects = list(rects)

    # ---- content --------------------------------------------------------------------------
    def set_html(self, html, base_url=""):
        from qgis.PyQt.QtGui import QFont, QTextDocument

        doc = QTextDocument()
        doc.documentLayout().setPaintDevice(self._device)
        doc.setDocumentMargin(0)
        font = QFont("DejaVu Sans")
        m = _BODY_PT.search(html)  # Qt does not apply a style sheet's body font size: make it the default
        font.setPixelSize(round((float(m.group(1)) if m else 8.6) * CSS_PT * UNITS_PER_PT))
        font.setStyleStrategy(QFont.StyleStrategy.PreferNoShaping)  # no "fl"/"fi" ligatures: searchable words
        doc.setDefaultFont(font)
        doc.setHtml(qt_rich_text(html))
        _auto_column_widths(doc)
        doc.setTextWidth(self.rects[0][3] * DOC_PER_MM)
        self.doc = doc
        self._spans = None
        self._draw()

    def clear(self):
        self.doc = None
        self._spans = None
        for pic in self.pictures:
            pic.doc = None

    def content_height(self):
        """Height in mm, including what breaking between lines/rows leaves blank at frame ends."""
        if self.doc is None:
            return 0.0
        total = self.doc.size().height()
        caps = [self.rects[0][4] * DOC_PER_MM] + [self.continuation_height * DOC_PER_MM] * 200
        slices = self._slices(caps)
        waste = sum(cap - (b - t) for (t, b), cap in zip(slices[:-1], caps))
        return (total + waste) / DOC_PER_MM

    def first_frame_height(self):
        return self.rects[0][4]

    def set_continuation_frames(self, rects):
        self._set_pictures(self.rects[:1] + [tuple(r) for r in rects])
        self._draw()

    # ---- breaking and drawing ---------------------------------------------------------------
    def _unbreakable(self):
        """(top, bottom) pt of every text line, table row and heading + its next line."""
        if self._spans is not None:
            return self._spans
        from qgis.PyQt.QtGui import QTextTable

        lay = self.doc.documentLayout()
        spans = []
        block = self.doc.begin()
        prev_heading = None
        while block.isValid():
            rect = lay.blockBoundingRect(block)
            tl = block.layout()
            for i in range(tl.lineCount()):
                line = tl.lineAt(i)
                top = rect.top() + line.y()
                spans.append((top, top + line.height()))
                if prev_heading is not None:
                    spans.append((prev_heading, top + line.height()))
                    prev_heading = None
            if block.blockFormat().headingLevel() > 0 and tl.lineCount():
                prev_heading = rect.top()
            block = block.next()

        def tables(frame):
            for child in frame.childFrames():
                if isinstance(child, QTextTable):
                    yield child
                yield from tables(child)

        for table in tables(self.doc.rootFrame()):
            for r in range(table.rows()):
                tops, bottoms = [], []
                for c in range(table.columns()):
                    cell = table.cellAt(r, c)
                    b = cell.firstCursorPosition().block()
                    end = cell.lastCursorPosition().block()
                    while b.isValid():
                        rect = lay.blockBoundingRect(b)
                        tops.append(rect.top())
                        bottoms.append(rect.bottom())
                        if b == end:
                            break
                        b = b.next()
                # a row stays together unless it is tall (then it breaks between its lines, as WebKit does)
                if tops and max(bottoms) - min(tops) <= ROW_KEEP_MM * DOC_PER_MM:
                    spans.append((min(tops), max(bottoms)))
        self._spans = sorted(spans)
        return self._spans

    def _slices(self, capacities):
        """[(top, bottom)] pt of the text in each frame of the given capacities (pt), until the text ends."""
        total = self.doc.size().height()
        spans = self._unbreakable()
        cuts = sorted({y for s in spans for y in s} | {total})
        out = []
        top = 0.0
        for cap in capacities:
            if total - top <= cap + 0.01:
                out.append((top, total))
                return out
            limit = top + cap
            best = None
            for y in cuts:
                if y <= top + 0.01:
                    continue
                if y > limit:
                    break
                if not any(a < y - 0.01 and y + 0.01 < b for a, b in spans):
                    best = y
            bottom = best if best is not None else limit
            out.append((top, bottom))
            top = bottom
        return out

    def _draw(self):
        if self.doc is None:
            return
        caps = [r[4] * DOC_PER_MM for r in self.rects]
        slices = self._slices(caps)
        if len(slices) == len(caps) and slices[-1][1] < self.doc.size().height():
            slices[-1] = (slices[-1][0], self.doc.size().height())  # never lose text: the last frame takes the rest
        for i, item in enumerate(self.pictures):
            item.doc = self.doc if i < len(slices) else None
            item.top, item.bottom = slices[i] if i < len(slices) else (0.0, 0.0)
            item.update()

RENDERERS = {"webkit": WebKitHtmlRenderer, "qt": TextDocumentRenderer}
SETTING_KEY = "pmiek_werkbank/fiche_renderer"
_WEBKIT_WORKS = None


def webkit_renders():
    """True when ``QgsLayoutItemHtml`` lays out HTML here (QGIS built with QtWebKit).  Probed once, never raises."""
    global _WEBKIT_WORKS
    if _WEBKIT_WORKS is None:
        try:
            from qgis.core import QgsPrintLayout, QgsProject

            project = QgsProject()
            layout = QgsPrintLayout(project)
            layout.initializeDefaults()
            renderer = WebKitHtmlRenderer().attach(layout, (10, 10, 100, 100))
            renderer.set_html("<html><body><p style='font-size:20pt'>probe</p><p>probe</p></body></html>")
            _WEBKIT_WORKS = renderer.content_height() > 1.0
            renderer.clear()
            del renderer, layout, project
        except Exception:
            _WEBKIT_WORKS = False
    return _WEBKIT_WORKS


def renderer_choice(name=None):
    """'webkit' or 'qt': ``name``, else $PMIEK_FICHE_RENDERER, else the QGIS setting, else auto."""
    import os

    choice = (name or os.environ.get("PMIEK_FICHE_RENDERER") or "").strip().lower()
    if not choice:
        try:
            from qgis.core import QgsSettings

            choice = str(QgsSettings().value(SETTING_KEY, "") or "").strip().lower()
        except Exception:
            choice = ""
    if choice in ("", "auto"):
        return "webkit" if webkit_renders() else "qt"
    if choice not in RENDERERS:
        raise ValueError("Onbekende fiche-weergave '{}': kies webkit, qt of auto.".format(choice))
    return choice


def default_renderer(name=None):
    """A new renderer for this QGIS (see :func:`renderer_choice`)."""
    return RENDERERS[renderer_choice(name)]()


def file_url(path):
    return QUrl.fromLocalFile(path).toString()
