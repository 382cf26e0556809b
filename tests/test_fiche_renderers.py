"""The WebKit-free fiche text (export/renderers.TextDocumentRenderer), on every QGIS version.

QGIS builds without QtWebKit (Debian trixie's 3.40, QGIS 4) render nothing in ``QgsLayoutItemHtml``;
there the renderer is chosen automatically.  Here it is forced with PMIEK_FICHE_RENDERER=qt and the
PDFs are read back with poppler: every fact of the fiche is text in the PDF, one A4, and the footer
does not run into the page number.
"""

import os
import re
import subprocess

import pytest
from helpers import pdf_pages, pdf_text
from test_export_data import AFGEVALLEN, FICHE_NAMES, SECTIONS
from test_export_fiches import _export, _flat, _new_werkbank


@pytest.fixture(scope="module")
def qt_export(tmp_path_factory, qgis_app):
    old = os.environ.get("PMIEK_FICHE_RENDERER")
    os.environ["PMIEK_FICHE_RENDERER"] = "qt"
    try:
        tmp = tmp_path_factory.mktemp("qtfiche")
        wb_path = _new_werkbank(tmp / "w.gpkg")
        data, fiches, atlas = _export(wb_path, tmp)
    finally:
        if old is None:
            os.environ.pop("PMIEK_FICHE_RENDERER", None)
        else:
            os.environ["PMIEK_FICHE_RENDERER"] = old
    return tmp, data, fiches, atlas


def test_choice_of_renderer(qgis_app, monkeypatch):
    from pmiek_werkbank.export import renderers as R

    assert isinstance(R.webkit_renders(), bool)
    monkeypatch.setattr(R, "_WEBKIT_WORKS", False)  # as on a QGIS without QtWebKit
    monkeypatch.delenv("PMIEK_FICHE_RENDERER", raising=False)
    assert isinstance(R.default_renderer(), R.TextDocumentRenderer)
    assert isinstance(R.default_renderer("webkit"), R.WebKitHtmlRenderer)
    monkeypatch.setattr(R, "_WEBKIT_WORKS", True)
    assert R.renderer_choice("auto") == "webkit"
    monkeypatch.setenv("PMIEK_FICHE_RENDERER", "qt")
    assert R.renderer_choice() == "qt"
    with pytest.raises(ValueError, match="Onbekende fiche-weergave"):
        R.renderer_choice("html5")


def test_css_sizes_become_document_px():
    from pmiek_werkbank.export.renderers import CSS_PT, UNITS_PER_PT, qt_rich_text

    out = qt_rich_text("<style>body { font-size: 10pt; } h2 { margin: 0.5em 0 }</style><table><tr><td>x</td></tr>")
    assert "font-size: {:.0f}px".format(10 * CSS_PT * UNITS_PER_PT) in out
    assert "margin: {:.0f}px 0".format(0.5 * 10 * CSS_PT * UNITS_PER_PT) in out
    assert '<table width="100%">' in out


def test_fiche_facts_are_text_in_the_pdf(qt_export):
    _, data, fiches, _ = qt_export
    assert len(fiches.pdfs) == len(FICHE_NAMES)
    by_name = {p["name"]: p for p in data.projects}
    for pdf, name in zip(fiches.pdfs, FICHE_NAMES):
        assert pdf_pages(pdf) == 1, pdf
        text = _flat(pdf_text(pdf))
        for heading in SECTIONS:
            assert heading in text, (pdf, heading)
        p = by_name[name]
        assert _flat(p["status_label"]) in text
        for par in p["reason"]:
            assert _flat(par) in text
    first = _flat(pdf_text(fiches.pdfs[0]))
    # hand-checked facts of project 1 (tests/test_export_data.py)
    for fact in ("1. Uitbreiding HS/MS-station Lage Weide", "IBN 2029", "investering € 48 mln",
                 "Versnelling nodig: wachtrij van 40 MW.", "35,5 MW", "Lage Weide (150 kV)",
                 "A. Maatschappelijk doelbereik", "hoog", "Bedient 40 MW aan bedrijvigheid.", "Pagina 1 van 1"):
        assert fact in first, fact
    assert "FICTIEF VOORBEELD" in first


def _words(pdf):
    out = subprocess.run(["pdftotext", "-bbox", pdf, "-"], capture_output=True, text=True, check=True).stdout
    pat = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
    return [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in pat.findall(out)]


def test_footer_does_not_run_into_the_page_number(qt_export):
    _, _, fiches, atlas = qt_export
    for pdf in (fiches.pdfs[0], atlas.path):
        words = _words(pdf)
        pages = [w for w in words if w[4] == "Pagina"]
        assert pages
        for x0, y0, _x1, y1, _ in pages:
            for a0, b0, a1, b1, w in words:
                same_line = b0 < y1 and y0 < b1
                if same_line and a0 < x0 - 0.5:  # a word left of "Pagina" on its line ends before it
                    assert a1 <= x0, (pdf, w)


def test_atlas_without_webkit_has_all_text(qt_export):
    _, _, fiches, atlas = qt_export
    text = _flat(pdf_text(atlas.path))
    assert atlas.pages == pdf_pages(atlas.path)
    for name in FICHE_NAMES[:3]:
        assert _flat(name) in text
    assert AFGEVALLEN in text
    assert "Algemene gegevens" in text and "Capaciteitsbalans" in text


def test_page_looks_like_a_fiche(qt_export, tmp_path):
    """The text fills the body below the map (not blank as with QgsLayoutItemHtml without WebKit)."""
    from helpers import png_nonblank_fraction

    _, _, fiches, _ = qt_export
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", fiches.pdfs[0], str(tmp_path / "p")],
                   check=True)
    page = str(tmp_path / [f for f in os.listdir(tmp_path) if f.endswith(".png")][0])
    body = (12 / 210, 95 / 297, 198 / 210, 270 / 297)
    assert png_nonblank_fraction(page, body) > 0.08
