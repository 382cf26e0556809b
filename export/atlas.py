"""The energyboard atlas: one PDF with cover + overview map, projectenlijst, one fiche per project
(in the order of the export data: rank or knooppunt), the afgevallen projects with reasons and, when a
previous round is given, the differences with that round.

Every page carries the footer (programme, round/version, peildatum, sources,
"fictief voorbeeld" for the sample) and "Pagina x van N".  The pages of the
different layouts are written in one pass by :class:`layouts.PdfSequence`.
qgis.core only.
"""

import math
import os
import time
from dataclasses import dataclass, field

from qgis.core import QgsCoordinateReferenceSystem, QgsLayoutItemMap, QgsLayoutMeasurement, QgsLayoutPoint
from qgis.core import QgsLayoutSize, QgsRectangle, QgsUnitTypes
from qgis.PyQt.QtGui import QColor

from . import html as H
from . import layouts as L
from .fiches import Cancelled, FicheLayout, FicheResult, fiche_writer
from .renderers import default_renderer

SLACK = 0.97


@dataclass
class AtlasResult:
    path: str
    pages: int = 0
    fiche_pages: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    seconds: float = 0.0


class DocumentLayout:
    """An A4 layout with one flowing HTML text (and optionally a map on page 1) and a footer on every page."""

    def __init__(self, project, name, orientation, first_rect, renderer=None):
        self.layout = L.new_layout(project, name, orientation)
        w, h = L.page_size_mm(self.layout, 0)
        self.cont_rect = (10, 12, w - 20, h - 12 - 15)
        self.renderer = (renderer or default_renderer()).attach(self.layout, first_rect)
        self.renderer.item.frame(0).setFrameEnabled(False)
        L.add_footer(self.layout, width=w, height=h)
        self.pages = 1
        self._extra = []

    def close(self):
        """Free the layout and its items now (before the project its map layers belong to)."""
        self._extra = []
        self.renderer = None
        self.layout = None

    def set_html(self, html):
        for item in self._extra:
            self.layout.removeLayoutItem(item)
        self._extra = []
        self.renderer.set_continuation_frames([])
        L.remove_pages_after(self.layout, 1)
        self.renderer.set_html(html)
        avail = self.renderer.first_frame_height() * SLACK
        height = self.renderer.content_height()
        self.pages = 1
        if height > avail:
            extra = int(math.ceil((height - avail) / (self.cont_rect[3] * SLACK)))
            w, h = L.page_size_mm(self.layout, 0)
            rects = []
            for _ in range(extra):
                index = L.add_page(self.layout)
                rects.append((index,) + self.cont_rect)
                self._extra += L.add_footer(self.layout, page=index, width=w, height=h, suffix="_%d" % index)
            self.renderer.set_continuation_frames(rects)
            self.pages += extra
        return self.pages

    def render(self, pdf, footer, first_page, total):
        for i in range(self.pages):
            L.set_footer_variables(self.layout, footer, "Pagina {} van {}".format(first_page + i, total))
            pdf.add(self.layout, i)


def _overview_map(layout, project, layers, data, rect):
    m = QgsLayoutItemMap(layout)
    m.setId("overzichtskaart")
    m.setCrs(QgsCoordinateReferenceSystem("EPSG:28992"))
    layout.addLayoutItem(m)
    m.attemptMove(QgsLayoutPoint(rect[0], rect[1]))
    m.attemptResize(QgsLayoutSize(rect[2], rect[3]))
    m.setLayers(layers)
    m.setKeepLayerSet(True)
    m.setFrameEnabled(True)
    m.setFrameStrokeColor(QColor("#9aa5b1"))
    m.setFrameStrokeWidth(QgsLayoutMeasurement(0.3, QgsUnitTypes.LayoutUnit.LayoutMillimeters))
    boxes = [p["extent"] for p in data.projects if p.get("extent")]
    if boxes:
        ext = QgsRectangle(min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
                           max(b[3] for b in boxes))
        ext.scale(1.08)
    else:
        ext = QgsRectangle(120000, 440000, 170000, 480000)
    m.setExtent(L.fit_extent(ext, rect[2], rect[3]))
    return m


ORDER_LABELS = {"rank": "rangorde (afwegingskader)", "knooppunt": "knooppunt, daarbinnen rangorde"}


def export_atlas(wb, data, path, template=None, template_dir=None, gemeenten_path=None, feedback=None,
                 fiche_layout=None):
    """Write the atlas PDF to ``path`` (a shared ``fiche_layout`` has the fiches it planned before)."""
    own = fiche_layout is None
    fl = fiche_layout or FicheLayout(wb, data, template, template_dir, gemeenten_path)
    try:
        return _export_atlas(fl, data, path, template_dir, feedback, None)
    finally:
        if own:
            fl.close()


def _export_atlas(fl, data, path, template_dir, feedback, fiche_pages, on_fiche=None):
    """``on_fiche(p)``: called with each fiche still on the layout after its atlas pages (see
    export_fiches_and_atlas below: the fiche's own files from the same prepared layout and map image)."""
    t0 = time.perf_counter()
    result = AtlasResult(path)
    n = len(data.projects)
    steps = max(1, 2 * n + 3)
    done = [0]

    def tick():
        done[0] += 1
        if feedback is not None:
            if feedback.isCanceled():
                raise Cancelled()
            feedback.setProgress(100.0 * done[0] / steps)

    # 1. how many pages each fiche takes (a long text continues on a next page)
    pages = dict(fiche_pages or {})
    for p in data.projects:
        if p["project_id"] not in pages:
            count, _, message, is_warning = fl.measure(p)
            pages[p["project_id"]] = count
            if message:
                (result.warnings if is_warning else result.notes).append(message)
        tick()
    result.fiche_pages = pages
    # 2. cover, lists
    footer = data.footer
    docs = []
    try:
        cover = DocumentLayout(fl.project, "Atlas omslag", "portrait", (10, 140, 190, 142))
        docs.append(cover)
        _overview_map(cover.layout, fl.project, fl.map_layers, data, (10, 12, 190, 124))
        lst = DocumentLayout(fl.project, "Projectenlijst", "landscape", (10, 12, 277, 182))
        docs.append(lst)
        afg = DocumentLayout(fl.project, "Afgevallen projecten", "portrait", (10, 12, 190, 270))
        docs.append(afg)
        dummy = {p["project_id"]: 888 for p in data.projects}
        lst.set_html(H.render("projectenlijst.html.j2", template_dir, projects=data.projects,
                              ranking_available=data.ranking_available, pages=dummy))
        afg.set_html(H.render("afgevallen.html.j2", template_dir, afgevallen=data.afgevallen,
                              verschillen=data.round_diff))
        tick()
        first_list = 2
        first_fiche = first_list + lst.pages
        start = {}
        page = first_fiche
        for p in data.projects:
            start[p["project_id"]] = page
            page += pages[p["project_id"]]
        first_afg = page
        total = first_afg + afg.pages - 1
        lst.set_html(H.render("projectenlijst.html.j2", template_dir, projects=data.projects,
                              ranking_available=data.ranking_available, pages=start))
        contents = [("Overzichtskaart", 1), ("Projectenlijst", first_list)]
        if data.projects:
            contents.append(("Projectfiches ({})".format(n), first_fiche))
        contents.append(("Afgevallen projecten ({})".format(len(data.afgevallen)), first_afg))
        if data.round_diff:
            n_diff = len(data.round_diff["rows"])
            contents.append(("Verschillen met de vorige ronde ({} {})".format(n_diff, "regel" if n_diff == 1 else
                                                                               "regels"), first_afg))
        cover.set_html(H.render("atlas_cover.html.j2", template_dir, programme=data.programme, footer=footer,
                                projects=data.projects, afgevallen=data.afgevallen,
                                order_label=ORDER_LABELS.get(data.order, data.order), contents=contents,
                                confidential_notice=data.confidential_notice, warnings=data.warnings,
                                rank_rule=data.rank_rule, link_rule=_link_rule(), disputes=data.disputes))
        if cover.pages > 1:
            result.warnings.append("De omslag loopt door op een tweede pagina.")
            total += cover.pages - 1  # (page numbers after it shift; rare: very long disclaimer)
        # 3. write
        os.makedirs(os.path.dirname(os.path.abspath(path)) or ".", exist_ok=True)
        title = "Energyboard-atlas " + footer["programme"]
        with L.PdfSequence(path, title=title) as pdf:
            cover.render(pdf, footer, 1, total)
            lst.render(pdf, footer, first_list, total)
            tick()
            for p in data.projects:
                count, _, _, _ = fl.prepare(p)
                if count != pages[p["project_id"]]:  # cannot happen with the same data; never number wrongly
                    raise RuntimeError("Paginatelling van fiche '{}' veranderde tijdens de export.".format(p["name"]))
                fl.render(pdf, start[p["project_id"]], total)
                if on_fiche is not None:
                    on_fiche(p)
                tick()
            afg.render(pdf, footer, first_afg, total)
            result.pages = pdf.pages
    finally:
        # the layouts go before the project that owns their layers, also on a cancel or an error: the exception's
        # traceback would otherwise keep them (and the project) alive past FicheLayout.close()
        for doc in docs:
            doc.close()
    tick()
    result.seconds = time.perf_counter() - t0
    return result


def _link_rule():
    from ..knooppunten.balance import LINK_RULE

    return LINK_RULE


def export_fiches_and_atlas(wb, data, folder, atlas_path, template=None, template_dir=None, gemeenten_path=None,
                            feedback=None, fiche_layout=None, html=True):
    """The per-project files (as :func:`export.fiches.export_fiches`) and the atlas (as :func:`export_atlas`) in
    one pass over the projects: each fiche is put on the layout once and its map rendered once, for its atlas
    page, its own PDF and the PNG beside its HTML.  Returns (:class:`FicheResult`, ``AtlasResult``)."""
    t0 = time.perf_counter()
    os.makedirs(folder, exist_ok=True)
    own = fiche_layout is None
    fl = fiche_layout or FicheLayout(wb, data, template, template_dir, gemeenten_path)
    try:
        result = FicheResult()
        for p in data.projects:  # plan every fiche (text only) once; the fiche messages belong to the fiches
            if feedback is not None and feedback.isCanceled():
                raise Cancelled()  # the text pass is the slowest: cancel works here too
            pages, _font, message, is_warning = fl.measure(p)
            result.pages[p["project_id"]] = pages
            if message:
                (result.warnings if is_warning else result.notes).append(message)
        write = fiche_writer(fl, data, folder, template_dir, html, result)
        atlas = _export_atlas(fl, data, atlas_path, template_dir, feedback, result.pages, on_fiche=write)
    finally:
        if own:
            fl.close()
    result.seconds = time.perf_counter() - t0
    return result, atlas
