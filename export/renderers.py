"""The HTML text of a print layout, behind a small interface.

QGIS 3.22 renders HTML in a layout with QtWebKit (``QgsLayoutItemHtml``).  QGIS
4 drops WebKit; a replacement only has to implement :class:`HtmlRenderer`
(set the HTML, say how tall it is, lay it out over one or more frames), and
:func:`default_renderer` picks it.  qgis.core only.
"""

from qgis.core import QgsLayoutFrame, QgsLayoutItemHtml, QgsLayoutMultiFrame, QgsLayoutPoint, QgsLayoutSize
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


def default_renderer():
    """The renderer for this QGIS: WebKit in 3.x."""
    return WebKitHtmlRenderer()


def file_url(path):
    return QUrl.fromLocalFile(path).toString()
