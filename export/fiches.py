"""Projectfiches: the print layout ``templates/projectfiche.qpt``, atlas-driven over the projects.

One :class:`FicheLayout` holds the layout, its map layers and the HTML text
renderer; ``prepare(project)`` puts one project on it (atlas feature, text,
font size, continuation pages, and its map rendered once as an image that
every output of that fiche then draws) and returns how many pages it takes;
``render(pdf)`` adds them to a :class:`layouts.PdfSequence`.
``atlas.export_fiches_and_atlas`` writes the per-project files and the atlas in
one pass over the projects.

Long texts never overflow silently: the text is first shrunk (down to
``MIN_FONT_PT``); if it still does not fit on the first page it continues on
extra pages (full-height text frames, the same footer), and the result lists a
warning for that fiche.  qgis.core only.
"""

import math
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field

from qgis.core import QgsLayoutItemLabel, QgsLayoutItemMap, QgsPrintLayout, QgsReadWriteContext
from qgis.PyQt.QtCore import QSize, QSizeF
from qgis.PyQt.QtGui import QColor, QImage, QPainter
from qgis.PyQt.QtXml import QDomDocument

from . import html as H
from . import layouts as L
from . import qpt
from .renderers import default_renderer
from ..formatting import fmt_num
from .safety import unique_filenames

SLACK = 0.97  # smart page breaks leave a little room at the bottom of a frame
# fiche maps drawn in the background ahead of the fiche on the layout (each map job runs in its own thread while
# the layout, the text and the PDF pages of the earlier fiches are handled on this one): 2 keeps both cores busy
MAPS_AHEAD = 2


@dataclass
class FicheResult:
    pdfs: list = field(default_factory=list)
    htmls: list = field(default_factory=list)
    pngs: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    pages: dict = field(default_factory=dict)  # project_id -> pages of its fiche
    seconds: float = 0.0


class Cancelled(Exception):
    pass


def fmt_pt(v):
    return fmt_num(v, 1)


class FicheLayout:
    def __init__(self, wb, data, template=None, template_dir=None, gemeenten_path=None, renderer=None):
        self.wb = wb
        self.data = data
        self.template_dir = template_dir
        self.project = L.new_project()
        self.map_layers = L.make_map_layers(self.project, wb, data, gemeenten_path)
        self.coverage = L.make_coverage_layer(self.project, data)
        self.layout = self._load(template or qpt.TEMPLATE_PATH)
        self.renderer = (renderer or default_renderer()).attach(self.layout, qpt.HTML_RECT)
        self._extra_items = []
        self._index = {p["project_id"]: i for i, p in enumerate(data.projects)}
        self.current = None
        self.current_pages = 0
        self.plans = {}  # project_id -> (pages, font_pt, message, is_warning) from measure()
        L.set_footer_variables(self.layout, data.footer)
        # last: nothing after it can fail, so a failed __init__ leaves no folder behind (close() removes it)
        self._image_dir = tempfile.mkdtemp(prefix="pmiek_fichekaart_")

    def _load(self, path):
        layout = QgsPrintLayout(self.project)
        doc = QDomDocument()
        with open(path, encoding="utf-8") as f:
            if not doc.setContent(L.with_installed_fonts(f.read())):
                raise ValueError("{}: geen geldige QGIS-layout (.qpt).".format(path))
        _, ok = layout.loadFromTemplate(doc, QgsReadWriteContext())
        if not ok:
            raise ValueError("{}: de layout kon niet worden geladen.".format(path))
        L.prepare_render_context(layout)
        # an export layout needs no undo history: every fiche shows/hides the map and its picture, and each
        # change would be kept as an undo command (memory growing by megabytes per fiche)
        layout.undoStack().blockCommands(True)
        layout.setName("pMIEK projectfiche")
        title = layout.itemById("title")
        self._title_pt = (title.textFormat().size() if hasattr(title, "textFormat") else title.font().pointSizeF()
                          ) if isinstance(title, QgsLayoutItemLabel) else None
        self.map = layout.itemById("map")
        if self.map is None:  # an edited template without our map: take the first map item
            maps = [i for i in layout.items() if isinstance(i, QgsLayoutItemMap)]
            self.map = maps[0] if maps else None
        if self.map is not None:
            self.map.setLayers(self.map_layers)
            self.map.setKeepLayerSet(True)
            self.map.setAtlasDriven(True)
            self.map.setCrs(self.project.crs())
            # the atlas keeps the aspect ratio of the current extent: make it the item's (never resize the item)
            size = self.map.rect()
            base = self.coverage.extent() if self.coverage.featureCount() else self.map.extent()
            self.map.setExtent(L.fit_extent(base, size.width(), size.height()))
        self.picture = None
        self.map_note = None
        if self.map is not None:
            self.picture = _map_picture(layout, self.map)
            self.map_note = _map_note_label(layout, self.map)
        self._linked_rules = [r for layer in self.map_layers for r in _rules_of(layer) if r.filterExpression() == L.LINKED]
        self._jobs = {}  # project_id -> _MapJob started ahead (see _start_maps)
        self._image_seq = 0
        self._image_path = None
        atlas = layout.atlas()
        atlas.setCoverageLayer(self.coverage)
        atlas.setEnabled(True)
        atlas.setHideCoverage(True)
        atlas.setSortFeatures(True)
        atlas.setSortExpression('"seq"')
        atlas.setFilterFeatures(False)
        atlas.beginRender()
        return layout

    # ---- one project on the layout -------------------------------------------------
    def _clear_extra(self):
        if not self._extra_items and self.layout.pageCollection().pageCount() == 1:
            return  # nothing to undo (the common case: the previous fiche fitted on one page)
        for item in self._extra_items:
            self.layout.removeLayoutItem(item)
        self._extra_items = []
        self.renderer.set_continuation_frames([])
        L.remove_pages_after(self.layout, 1)

    def _html(self, p, font_pt):
        return H.fiche_html(p, self.data.footer, mode="layout", font_pt=font_pt, template_dir=self.template_dir)

    def measure(self, p):
        """Plan project ``p`` without showing it: (pages, font_pt, message or None, is_warning).

        Only the text is loaded (the atlas stays where it is): the text's height does not depend on the
        atlas feature.  The result is kept, so :meth:`prepare` loads the text once more, at the chosen size.
        """
        plan = self.plans.get(p["project_id"])
        if plan is not None:
            return plan
        avail = self.renderer.first_frame_height() * SLACK
        font = H.DEFAULT_FONT_PT
        self.renderer.set_html(self._html(p, font))
        height = self.renderer.content_height()
        note = None
        if height > avail:
            # shrink: the text height grows a little faster than the font size (wrapping), exponent ~1.5;
            # the guess is conservative, so start one step above it and go down (at most three loads)
            guess = font * (avail / height) ** (1 / 1.5)
            tries = [f for f in H.FONT_STEPS if f <= guess + 0.6][:3] or [H.MIN_FONT_PT]
            if tries[-1] != H.MIN_FONT_PT:
                tries[-1:] = [tries[-1], H.MIN_FONT_PT] if len(tries) < 3 else [H.MIN_FONT_PT]
            for f in tries:
                self.renderer.set_html(self._html(p, f))
                h = self.renderer.content_height()
                if h <= avail:
                    font, height = f, h
                    note = "Fiche '{}': tekst verkleind naar {} pt om op één A4 te passen.".format(p["name"],
                                                                                                 fmt_pt(f))
                    break
        pages = 1
        if height > avail:  # too long even at the minimum size: normal size, continued on next pages
            pages = 1 + int(math.ceil((height - avail) / (qpt.CONT_RECT[3] * SLACK)))
        plan = (pages, font, None, False)
        if pages > 1:
            plan = (pages, font, "Fiche '{}' is te lang voor één A4 en loopt door op {} pagina's.".format(
                p["name"], pages), True)
        elif note:
            plan = (pages, font, note, False)
        self.plans[p["project_id"]] = plan
        return plan

    def prepare(self, p):
        """Show project ``p``; returns (pages, font_pt, warning or note or None, is_warning)."""
        pages, font, message, is_warning = self.measure(p)
        self._clear_extra()
        # the atlas reloads the HTML item (twice) when its feature changes: give it nothing to load
        self.renderer.clear()
        self._show_live_map()
        self._start_maps(p)
        self.layout.atlas().seekTo(self._index[p["project_id"]])
        if self._title_pt:
            L.fit_title(self.layout, _title(p), self._title_pt)
        self.renderer.set_html(self._html(p, font))  # the one load at the planned size
        avail = self.renderer.first_frame_height() * SLACK
        height = self.renderer.content_height()
        extra = int(math.ceil((height - avail) / (qpt.CONT_RECT[3] * SLACK))) if height > avail else 0
        if 1 + extra != pages:  # cannot happen with the same text; never number pages wrongly
            raise RuntimeError("Paginatelling van fiche '{}' veranderde tijdens de export.".format(p["name"]))
        if extra:
            rects = []
            for _ in range(extra):
                index = L.add_page(self.layout)
                rects.append((index,) + qpt.CONT_RECT)
                self._extra_items += [
                    L.add_label(self.layout, continuation_title(p), 10, 7, 190, 5, size=CONTINUATION_PT, bold=True,
                                colour=L.BLUE, page=index),
                    L.add_rule(self.layout, 10, 12.5, 190, page=index, colour=L.BLUE),
                ] + L.add_footer(self.layout, page=index, suffix="_%d" % index)
            self.renderer.set_continuation_frames(rects)
        self._show_map_image(p)
        if self.map_note is not None:  # a project without a location of its own: said on its map, one line
            note = p.get("map_note") or ""
            self.map_note.setText(note)
            if note:
                from qgis.core import QgsLayoutSize

                room = self.map.sceneBoundingRect().width() - 4
                width = L.widest_mm(note, 7, bold=True) * 1.06 + 3
                self.map_note.attemptResize(QgsLayoutSize(min(room, width), 4.5))
            self.map_note.setVisibility(bool(note))
        self.current = p
        self.current_pages = pages
        return pages, font, message, is_warning

    def render(self, pdf, first_page_number=None, total_pages=None):
        """Add the current project's pages to ``pdf`` (a PdfSequence)."""
        for i in range(self.current_pages):
            if first_page_number is None:
                text = "Pagina {} van {}".format(i + 1, self.current_pages)
            else:
                text = "Pagina {} van {}".format(first_page_number + i, total_pages)
            L.set_footer_variables(self.layout, self.data.footer, text)
            pdf.add(self.layout, i)

    def _start_maps(self, p):
        """Start drawing the maps of ``p`` and the next :data:`MAPS_AHEAD` fiches (in the order of the projects)
        in the background, each as the map item draws it for its atlas feature (seek, then the item's map
        settings); what is already running is kept, maps no longer needed are dropped."""
        if self.map is None:
            return
        i = self._index[p["project_id"]]
        wanted = [q["project_id"] for q in self.data.projects[i:i + 1 + MAPS_AHEAD]]
        for pid in [pid for pid in self._jobs if pid not in wanted]:
            self._jobs.pop(pid).discard()
        for pid in wanted:
            if pid not in self._jobs:
                self.layout.atlas().seekTo(self._index[pid])
                self._jobs[pid] = self._map_job(self.data.projects[self._index[pid]])

    def _map_job(self, p):
        """The map of the fiche on the layout (atlas feature ``p``), drawn in the background at the export
        resolution.  The linked developments are selected by this fiche's id list instead of a lookup in the
        atlas feature's id text for each of the thousands of developments in view (same selection, half the
        drawing time); the job copies the styles when it starts, so the rules are put back right after."""
        from qgis.core import QgsMapRendererCustomPainterJob

        rect = self.map.rect()
        dots_per_mm = L.DPI / 25.4
        settings = self.map.mapSettings(self.map.extent(), QSizeF(rect.width() * dots_per_mm,
                                                                  rect.height() * dots_per_mm), L.DPI, True)
        image = QImage(settings.outputSize(), QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(self.map.backgroundColor() if self.map.hasBackground() else QColor(0, 0, 0, 0))
        image.setDotsPerMeterX(round(L.DPI / 0.0254))
        image.setDotsPerMeterY(round(L.DPI / 0.0254))
        linked = '"dev_id" IN ({})'.format(L.quote_list(d["dev_id"] for d in p["developments"]))
        for rule in self._linked_rules:
            rule.setFilterExpression(linked)
        painter = QPainter(image)
        try:
            job = QgsMapRendererCustomPainterJob(settings, painter)
            job.start()
        finally:
            for rule in self._linked_rules:
                rule.setFilterExpression(L.LINKED)
        return _MapJob(job, painter, image)

    def _show_map_image(self, p):
        """Show the current fiche's map (drawn once, in the background, see :meth:`_start_maps`) as a picture in
        the map's place and stacking order, with the map's frame and background; the atlas page, the fiche's
        PDF and its PNG all draw that picture, so the map is not rendered again for each (issue 19).  What lies
        on the map (scale bar) stays live."""
        if self.map is None:
            return
        job = self._jobs.pop(p["project_id"])  # started by _start_maps(p) in prepare, just before
        image = job.result()
        self._image_seq += 1
        path = os.path.join(self._image_dir, "kaart_{}.bmp".format(self._image_seq))  # uncompressed: fast
        if not image.save(path, "BMP"):
            raise OSError("Kaartafbeelding kan niet worden geschreven: {}".format(path))
        self.picture.setPicturePath(path)
        self.picture.setVisibility(True)
        self.map.setVisibility(False)
        if self._image_path:
            _discard(self._image_path)
        self._image_path = path

    def _show_live_map(self):
        if self.map is not None and not self.map.isVisible():
            self.map.setVisibility(True)
            self.picture.setVisibility(False)

    def close(self):
        """Free the layout before its project (QGIS crashes at exit when Python frees them in the wrong order)."""
        import gc

        if self.layout is None:
            return
        for job in self._jobs.values():
            job.discard()
        self._jobs = {}
        # no Python wrapper of what the layers own may outlive them (a wrapper freed after the object it wraps
        # can write into that freed memory): the rules go before the layers
        self._linked_rules = []
        self.layout.atlas().endRender()
        shutil.rmtree(self._image_dir, ignore_errors=True)
        self.renderer = None
        self.map = None
        self.picture = None
        self._extra_items = []
        self.layout = None
        gc.collect()
        self.project.removeAllMapLayers()
        self.map_layers = []
        self.coverage = None
        self.project = None
        gc.collect()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def map_png(self, path, dpi=150):
        if self.map is None:
            return None
        from qgis.core import QgsLayoutExporter

        from ..werkbank.atomic import atomic_path

        # the map's picture (see _show_map_image) and the scale bar on it: the map is not rendered again
        image = QgsLayoutExporter(self.layout).renderRegionToImage(self.map.sceneBoundingRect(), QSize(), dpi)
        with atomic_path(path) as tmp:  # never a half PNG
            if not image.save(tmp, "PNG"):
                raise OSError("Kaartafbeelding kan niet worden geschreven: {}".format(path))
        return path


class _MapJob:
    """A map being drawn in the background onto ``image``; :meth:`result` waits for it."""

    def __init__(self, job, painter, image):
        self.job, self.painter, self.image = job, painter, image

    def result(self):
        self.job.waitForFinished()
        self.painter.end()
        errors = self.job.errors()
        if errors:
            raise RuntimeError("Fichekaart: {}".format("; ".join(e.message for e in errors)))
        return self.image

    def discard(self):
        self.job.cancel()  # waits for it
        self.painter.end()


def _map_picture(layout, map_item):
    """A hidden picture item exactly over ``map_item`` and just above it in the stacking order (below what
    lies on the map), with the map's frame and background; it shows the map's image while the map itself is
    hidden."""
    from qgis.core import QgsLayoutItemPicture, QgsLayoutPoint, QgsLayoutSize

    rect = map_item.sceneBoundingRect()
    pic = QgsLayoutItemPicture(layout)
    pic.setId("map_picture")
    pic.setResizeMode(QgsLayoutItemPicture.ResizeMode.Stretch)
    pic.setFrameEnabled(map_item.frameEnabled())
    pic.setFrameStrokeColor(map_item.frameStrokeColor())
    pic.setFrameStrokeWidth(map_item.frameStrokeWidth())
    pic.setFrameJoinStyle(map_item.frameJoinStyle())
    pic.setBackgroundEnabled(map_item.hasBackground())
    pic.setBackgroundColor(map_item.backgroundColor())
    layout.addLayoutItem(pic)
    pic.attemptMove(QgsLayoutPoint(rect.x(), rect.y()))
    pic.attemptResize(QgsLayoutSize(rect.width(), rect.height()))
    pic.setZValue(map_item.zValue())
    pic.setVisibility(False)
    return pic


def _rules_of(layer):
    renderer = layer.renderer()
    root = renderer.rootRule() if hasattr(renderer, "rootRule") else None
    return root.descendants() if root is not None else []


def _discard(path):
    try:
        os.remove(path)
    except OSError:
        pass


def _map_note_label(layout, map_item):
    """A label on the map's top left, on white, hidden until a fiche has a note for its map (``map_note``)."""
    from qgis.core import QgsLayoutPoint, QgsLayoutSize

    rect = map_item.sceneBoundingRect()
    label = L.add_label(layout, "", 0, 0, min(120.0, rect.width() - 4), 4.5, size=7, bold=True, item_id="map_note")
    label.setBackgroundEnabled(True)
    label.setBackgroundColor(QColor(255, 255, 255, 235))
    label.setMarginX(1.2)
    label.setMarginY(0.6)
    label.attemptMove(QgsLayoutPoint(rect.left() + 2, rect.top() + 2))
    label.attemptResize(QgsLayoutSize(min(120.0, rect.width() - 4), 4.5))
    label.setZValue(map_item.zValue() + 10)
    label.setVisibility(False)
    return label


def _title(p):
    return ("{}. ".format(p["number"]) if p["number"] else "") + p["name"]


CONTINUATION_PT = 9.0  # the continuation pages' one-line header: '<title> (vervolg)'


def continuation_title(p, width_mm=190.0, size_pt=CONTINUATION_PT):
    """The header of a fiche's continuation page on one line: '<title> (vervolg)', the title shortened at a word
    with '…' where it would not fit ``width_mm`` (a long name wrapped to a second line, cut by the rule below it).
    Measured as the footer is (:func:`layouts.text_width_mm`, at the resolutions QGIS may wrap at, with a margin)."""
    suffix = " (vervolg)"
    room = width_mm * 0.95

    def fits(text):
        return L.widest_mm(text, size_pt, bold=True) <= room

    title = _title(p)
    if fits(title + suffix):
        return title + suffix
    words = title.split()
    while len(words) > 1 and not fits(" ".join(words) + "…" + suffix):
        words.pop()
    text = " ".join(words)
    while len(text) > 1 and not fits(text + "…" + suffix):  # one long word
        text = text[:-1]
    return text.rstrip(" ,.;:–-") + "…" + suffix


def export_fiches(wb, data, folder, template=None, template_dir=None, gemeenten_path=None, feedback=None,
                  fiche_layout=None, html=True):
    """One PDF (and HTML + map PNG) per fiche project in ``folder``; returns a :class:`FicheResult`."""
    t0 = time.perf_counter()
    os.makedirs(folder, exist_ok=True)
    own = fiche_layout is None
    fl = fiche_layout or FicheLayout(wb, data, template, template_dir, gemeenten_path)
    try:
        return _export_fiches(fl, data, folder, template_dir, feedback, html, t0)
    finally:
        if own:
            fl.close()


def _export_fiches(fl, data, folder, template_dir, feedback, html, t0):
    result = FicheResult()
    write = fiche_writer(fl, data, folder, template_dir, html, result)
    n = len(data.projects)
    for i, p in enumerate(data.projects):
        if feedback is not None and feedback.isCanceled():
            raise Cancelled()
        pages, font, message, is_warning = fl.prepare(p)
        result.pages[p["project_id"]] = pages
        if message:
            (result.warnings if is_warning else result.notes).append(message)
        write(p)
        if feedback is not None:
            feedback.setProgress(100.0 * (i + 1) / max(1, n))
    result.seconds = time.perf_counter() - t0
    return result


def fiche_writer(fl, data, folder, template_dir, html, result):
    """A function writing the files of the fiche that is on ``fl`` (after ``fl.prepare(p)``): its PDF and,
    with ``html``, its map PNG and HTML; paths appended to ``result``.  The map is rendered once for all."""
    stems = dict(zip((p["project_id"] for p in data.projects),
                     unique_filenames(["{}_{}".format(p["number"], p["name"]) if p["number"] else p["name"]
                                       for p in data.projects], default="project")))

    def write(p):
        stem = stems[p["project_id"]]
        pdf_path = os.path.join(folder, "fiche_" + stem + ".pdf")
        with L.PdfSequence(pdf_path, title="Projectfiche " + _title(p)) as pdf:
            fl.render(pdf)
        result.pdfs.append(pdf_path)
        if html:
            png_name = "fiche_" + stem + "_kaart.png"
            fl.map_png(os.path.join(folder, png_name))
            html_path = os.path.join(folder, "fiche_" + stem + ".html")
            from ..werkbank.atomic import write_text

            write_text(html_path, H.fiche_html(p, data.footer, mode="html", map_image=png_name,
                                               template_dir=template_dir))
            result.htmls.append(html_path)
            result.pngs.append(os.path.join(folder, png_name))

    return write
