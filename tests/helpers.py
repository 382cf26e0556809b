"""Small helpers shared by tests (import as ``from helpers import ...``)."""

import contextlib
import hashlib
import os
import sqlite3


def table_digest(gpkg_path):
    """A digest of every row of every user table: equal digests = unchanged werkbank."""
    conn = sqlite3.connect(gpkg_path)
    try:
        h = hashlib.sha256()
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        for name in names:
            if name.startswith("sqlite_") or name == "gpkg_contents":
                continue
            h.update(name.encode())
            for row in conn.execute('SELECT * FROM "{}" ORDER BY 1'.format(name)):
                h.update(repr(row).encode())
        return h.hexdigest()
    finally:
        conn.close()


def pdf_text(path):
    import subprocess

    return subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True).stdout


def pdf_pages(path):
    import subprocess

    out = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    raise AssertionError("pdfinfo gaf geen paginatelling voor " + path)


def png_nonblank_fraction(path, box=None):
    """Fraction of pixels in ``box`` (x0, y0, x1, y1 as fractions) that are not (near) white."""
    from qgis.PyQt.QtGui import QImage

    img = QImage(path)
    assert not img.isNull(), "afbeelding niet leesbaar: " + path
    w, h = img.width(), img.height()
    x0, y0, x1, y1 = box or (0, 0, 1, 1)
    xs = range(int(x0 * w), int(x1 * w), max(1, int((x1 - x0) * w) // 200))
    ys = range(int(y0 * h), int(y1 * h), max(1, int((y1 - y0) * h) // 200))
    total = colored = 0
    for y in ys:
        for x in xs:
            c = img.pixelColor(x, y)
            total += 1
            if min(c.red(), c.green(), c.blue()) < 235:
                colored += 1
    return colored / max(1, total)


def layer_expressions(layer):
    """Every QGIS expression a vector layer's style evaluates: the renderer's (category/graduated attribute, rule
    filters) and the labels' (an expression label, rule-based label filters).  QGIS draws a feature grey or not
    at all when one of them does not parse, without any error."""
    from qgis.core import (
        QgsCategorizedSymbolRenderer,
        QgsGraduatedSymbolRenderer,
        QgsRuleBasedLabeling,
        QgsRuleBasedRenderer,
    )

    out = []
    r = layer.renderer()
    if isinstance(r, (QgsCategorizedSymbolRenderer, QgsGraduatedSymbolRenderer)):
        out.append(r.classAttribute())
    elif isinstance(r, QgsRuleBasedRenderer):
        out += [rule.filterExpression() for rule in r.rootRule().descendants()
                if rule.filterExpression() and not rule.isElse()]
    labeling = layer.labeling() if layer.labelsEnabled() else None
    rules = []
    if isinstance(labeling, QgsRuleBasedLabeling):
        rules = labeling.rootRule().descendants()
        out += [rule.filterExpression() for rule in rules if rule.filterExpression() and not rule.isElse()]
    settings = [rule.settings() for rule in rules if rule.settings()] if rules else (
        [labeling.settings()] if labeling is not None else [])
    out += [s.fieldName for s in settings if s.isExpression]
    return out


def exists_nonempty(path):
    return os.path.isfile(path) and os.path.getsize(path) > 0


def png_distinct_colours(path, step=7):
    """Number of distinct colours on a grid of pixels: a blank/black screen gives 1-2."""
    from qgis.PyQt.QtGui import QImage

    img = QImage(path)
    assert not img.isNull(), "afbeelding niet leesbaar: " + path
    seen = set()
    for y in range(0, img.height(), step):
        for x in range(0, img.width(), step):
            seen.add(img.pixel(x, y))
    return len(seen)


def process_events_until(done, seconds=60):
    """Let QGIS's event loop run (task manager signals, queued slots) until ``done()`` is true or ``seconds`` pass."""
    import time

    from qgis.PyQt.QtCore import QCoreApplication

    end = time.monotonic() + seconds
    while not done() and time.monotonic() < end:
        QCoreApplication.processEvents()
        time.sleep(0.01)


def run_child(code, *args):
    """Run the Python snippet ``code`` (dedented) in a child process with the built plugin and QGIS's Processing
    plugin on its path (offscreen unless told otherwise): for what must not touch this process (a native crash,
    a file-size limit)."""
    import subprocess
    import sys
    import textwrap

    return subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args], capture_output=True, text=True,
                          env=child_env(), timeout=300)


def child_env(**extra):
    """The environment of a child Python process (:func:`run_child`, or a ``Popen`` a test reads from as it
    runs): this one's, with the built plugin and QGIS's Processing plugin on ``PYTHONPATH``, offscreen unless
    told otherwise, no bytecode written (a test may run it in a read-only folder); ``extra`` on top."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [p for p in (env.get("PYTHONPATH", ""), os.path.join(root, "build"), "/usr/share/qgis/python/plugins") if p])
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra)
    return env


def pdf_words(path):
    """Every word of a PDF's text layer with its box in points: [(page, xmin, ymin, xmax, ymax, word, page_width)]
    (poppler's ``pdftotext -bbox``)."""
    import html
    import re
    import subprocess

    # the header (the PDF's title) may come in another encoding than the words: decode what is not UTF-8 as '?'
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-bbox", path, "-"], capture_output=True,
                         check=True).stdout.decode("utf-8", "replace")
    words = []
    page, width = 0, None
    for line in out.splitlines():
        m = re.search(r'<page width="([0-9.]+)"', line)
        if m:
            page, width = page + 1, float(m.group(1))
            continue
        m = re.search(r'<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="([0-9.]+)">(.*)</word>', line)
        if m:
            words.append((page, float(m.group(1)), float(m.group(2)), float(m.group(3)), float(m.group(4)),
                          html.unescape(m.group(5)), width))
    return words


def footer_lines(pdf):
    """{page: the words of each line of its footer} of a fiche/atlas PDF: the words below the footer rule
    (283.5 mm) left of the page number, grouped by line."""
    rule = 283.5 / 25.4 * 72
    page_number_left = (210 - 45) / 25.4 * 72
    words = [w for w in pdf_words(pdf) if w[2] > rule and w[1] < page_number_left]
    pages = {}
    for page in sorted({w[0] for w in words}):
        lines = []
        for w in sorted((w for w in words if w[0] == page), key=lambda w: (round(w[2], 1), w[1])):
            if lines and round(w[2], 1) - lines[-1][0] <= 1:
                lines[-1][1].append(w[5])
            else:
                lines.append((round(w[2], 1), [w[5]]))
        pages[page] = [words_ for _, words_ in lines]
    return pages


@contextlib.contextmanager
def scoring_dock(iface, werkbank_path):
    """A scoring dock on ``werkbank_path`` (session assessor 'Tester'), as the plugin opens it; yields
    ``(dock, session)`` and closes both again."""
    from qgis.core import QgsProject, QgsSettings

    from pmiek_werkbank.dialogs.scoring_dock import ScoringDock
    from pmiek_werkbank.layers.project import Session

    QgsSettings().setValue("pmiek/assessor", "Tester")
    session = Session(QgsProject.instance())
    session.set_werkbank(werkbank_path)
    dock = ScoringDock(iface, session, iface.mainWindow())
    try:
        yield dock, session
    finally:
        dock.cleanup()
        session.set_werkbank("")
        dock.deleteLater()


def column(model, header):
    """The column of a table model whose horizontal header is ``header``."""
    from qgis.PyQt.QtCore import Qt

    return [model.headerData(j, Qt.Orientation.Horizontal) for j in range(model.columnCount())].index(header)


def run_alg_logged(alg_id, params):
    """Run a Processing algorithm as ``conftest.run_alg`` does; returns ``(results, warnings)``: the warnings it
    pushed to its log (what a user reads in the Processing dialog)."""
    from qgis import processing
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback, QgsProject

    warnings = []

    class Feedback(QgsProcessingFeedback):
        def pushWarning(self, text):  # noqa: N802 - QGIS API
            warnings.append(text)
            super().pushWarning(text)

    ctx = QgsProcessingContext()
    ctx.setProject(QgsProject.instance())
    return processing.run(alg_id, params, context=ctx, feedback=Feedback()), warnings
