"""Confidential means nowhere: every algorithm that writes files, scanned for a confidential project's text.

The werkbank (test_export_data's, fictief voorbeeld) gets two more confidential projects (one opgenomen, one
afgevallen) whose every free-text field, id included, and every text of their actions, monitoring, ratings,
links and dependencies carries a unique marker ``ZQXGEHEIMnn``.  The algorithms come from the provider registry:
every algorithm with a destination parameter runs with its defaults (INCLUDE_CONFIDENTIAL off), and every file it
produced is scanned (PDF text via pdftotext, XLSX cells, GeoPackage/SQLite tables, HTML, CSV, GeoJSON, JSON, ESDL,
manifests, reports and any other file as text), and so are the messages it gave (feedback and Python log).  A new
algorithm is covered automatically; one that needs an input the test cannot make must be added to ``INPUTS`` or,
when it only copies the werkbank itself (storage, not an output), to ``NOT_AN_OUTPUT`` with the reason.
``INCLUDE_CONFIDENTIAL`` is the only way in: then the marker is there and the first line/cover says so.
"""

import logging
import os
import shutil
import sqlite3
import subprocess

import pytest
from test_export_data import build_export_werkbank

MARK = "ZQXGEHEIM"
# algorithms whose output is (a copy of) the werkbank itself or that read a user's input file into it: their
# files are storage, not something handed out, and hold exactly what the user put in
NOT_AN_OUTPUT = {
    "copywerkbank": "kopie van de werkbank (opslag)",
    "createwerkbank": "nieuwe, lege werkbank",
    "freezeround": "bevroren kopie van de werkbank (opslag)",
    "startround": "nieuwe ronde = kopie van de werkbank (opslag)",
    "importpackage": "leest een ontvangen pakket in een nieuwe werkbank",
}
# extra runs with switches that write more files (the default run is always made too)
EXTRA_RUNS = {"exportpackage": [{"ESDL": True}]}
IMPORT_REASON = "import*: leest een invoerbestand in de werkbank; het rapport noemt alleen rijen van dat bestand"


def not_an_output(alg):
    return alg.name() in NOT_AN_OUTPUT or alg.name().startswith("import")
TEXT_SKIP = {"project_id", "type_infra", "energy_carrier", "phase", "financial_cover", "route", "status",
             "station_id", "knooppunt_id", "modified", "modified_by"}


class Recorder:
    """Every message an algorithm gives (the processing log)."""

    def __init__(self):
        from qgis.core import QgsProcessingFeedback

        rec = self

        class _Feedback(QgsProcessingFeedback):
            def pushInfo(self, text):  # noqa: N802
                rec.lines.append(text)

            def pushWarning(self, text):  # noqa: N802
                rec.lines.append(text)

            def reportError(self, text, fatalError=False):  # noqa: N802, N803
                rec.lines.append(text)

            def pushDebugInfo(self, text):  # noqa: N802
                rec.lines.append(text)

            def pushCommandInfo(self, text):  # noqa: N802
                rec.lines.append(text)

            def pushConsoleInfo(self, text):  # noqa: N802
                rec.lines.append(text)

            def setProgressText(self, text):  # noqa: N802
                rec.lines.append(text)

        self.lines = []
        self.feedback = _Feedback()


def add_confidential(path):
    """Two confidential projects with a marker in every text; returns the markers used."""
    from shapely.geometry import Point

    from pmiek_werkbank.werkbank import open_werkbank

    marks = []

    def m():
        marks.append("{}{:02d}".format(MARK, len(marks)))
        return marks[-1]

    with open_werkbank(path) as wb:
        cols = [r["name"] for r in wb.query("PRAGMA table_info(projects)") if r["type"] == "TEXT"]
        rows = []
        for pid, status in ((m(), "opgenomen"), (m(), "afgevallen")):
            row = {c: m() for c in cols if c not in TEXT_SKIP}
            row.update(project_id=pid, status=status, type_infra="hs_station", station_id="S1", ibn_year=2030,
                       investment_eur=77_777_777, capacity_afname_mw=12, confidential=1, in_ip=0,
                       geom=Point(134200, 458100))
            rows.append(row)
        wb.write_frame("projects", rows)
        p9 = rows[0]["project_id"]
        wb.write_frame("actions", [{"action_id": m(), "project_id": p9, "activity": m(), "trekker": m(),
                                    "involved": m(), "result": m(), "planning": m(), "status": "open"}])
        wb.write_frame("monitoring", [{"monitoring_id": m(), "project_id": p9, "peildatum": "2026-01-01",
                                       "ibn_feasibility": m(), "attention_points": m(), "acceleration_action": m(),
                                       "trekker": m(), "question_energyboard": m()}])
        wb.write_frame("scores", [{"score_id": m(), "project_id": p9, "criterion_id": "A", "rating": "hoog",
                                   "rationale": m(), "assessor": m(), "score_date": "2026-01-10", "agreed": 1}])
        wb.write_frame("project_links", [{"link_id": m(), "project_id": p9, "dev_id": "D3", "share_pct": 50,
                                          "motivation": m()}])
        wb.write_frame("project_dependencies", [
            {"dependency_id": m(), "project_id": p9, "kind": "pmiek", "depends_on_project_id": "P1",
             "description": m()},
            {"dependency_id": "DEP-P1-P9", "project_id": "P1", "kind": "pmiek", "depends_on_project_id": p9,
             "description": "Gebruikt hetzelfde veld."}])
    return marks


@pytest.fixture(scope="module")
def scan_wb(tmp_path_factory):
    from pmiek_werkbank.programme.variants import define_variant
    from pmiek_werkbank.werkbank import create_werkbank, open_werkbank

    tmp = tmp_path_factory.mktemp("geheim")
    path = str(tmp / "w.gpkg")
    create_werkbank(path, "Testprogramma", "Utrecht", province_code="PV26").close()
    build_export_werkbank(path)
    old = str(tmp / "vorige_ronde.gpkg")
    shutil.copy(path, old)  # the previous round: before the confidential projects existed
    marks = add_confidential(path)
    with open_werkbank(path) as wb:
        define_variant(wb, "Met geheim project", ["P1", marks[0]])
    return tmp, path, old, marks


# ---- reading every kind of file as text --------------------------------------------------------------------

def file_text(path):
    ext = os.path.splitext(path)[1].lower()
    if ext == ".pdf":
        return subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True).stdout
    if ext == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path)
        return "\n".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row
                         if c.value is not None) + "\n" + "\n".join(ws.title for ws in book.worksheets)
    if ext in (".gpkg", ".sqlite", ".db"):
        con = sqlite3.connect(path)
        try:
            out = []
            for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
                try:
                    for row in con.execute('SELECT * FROM "{}"'.format(t)):
                        out.extend(v.decode("utf-8", "ignore") if isinstance(v, bytes) else str(v) for v in row)
                except sqlite3.DatabaseError:
                    continue
            return "\n".join(out)
        finally:
            con.close()
    if ext in (".png", ".jpg", ".jpeg", ".gif", ".webp"):
        return None  # pictures: no text to scan (map labels come from the same filtered data)
    with open(path, "rb") as f:
        data = f.read()
    return data.decode("utf-8", "ignore")


def scan(paths):
    """{file: text} of every file under the given files/folders (pictures left out)."""
    out = {}
    for p in paths:
        if not p or not os.path.exists(p):
            continue
        files = [p] if os.path.isfile(p) else [os.path.join(d, f) for d, _, fs in os.walk(p) for f in fs]
        for f in files:
            text = file_text(f)
            if text is not None:
                out[f] = text
    return out


# ---- the algorithms ----------------------------------------------------------------------------------------------

def writer_algorithms(provider):
    """The registered provider's algorithms that have a destination parameter (they write files)."""
    algs = []
    for alg in provider.algorithms():
        if any(d.isDestination() for d in alg.parameterDefinitions()):
            algs.append(alg)
    return algs


def parameters(alg, wb_path, old_path, out_dir):
    """Parameters for one run: the werkbank, a destination in ``out_dir`` for every output, defaults elsewhere."""
    from qgis.core import (
        QgsProcessingParameterBoolean,
        QgsProcessingParameterFileDestination,
        QgsProcessingParameterFolderDestination,
    )

    inputs = {"WERKBANK": wb_path, "OLD": old_path, "NEW": wb_path, "INCLUDE_CONFIDENTIAL": False}
    params, outputs = {}, []
    for d in alg.parameterDefinitions():
        name = d.name()
        if d.isDestination():
            if isinstance(d, QgsProcessingParameterFolderDestination):
                dest = os.path.join(out_dir, name)
            elif isinstance(d, QgsProcessingParameterFileDestination):
                filt = d.fileFilter().lower()
                ext = "xlsx" if "xlsx" in filt else (filt.split("*.")[1].split(")")[0].split(" ")[0]
                                                     if "*." in filt else "txt")
                dest = os.path.join(out_dir, name + "." + ext)
            else:  # a feature sink or layer destination
                dest = os.path.join(out_dir, name + ".gpkg")
            params[name] = dest
            outputs.append(dest)
        elif name in inputs:
            params[name] = inputs[name]
        elif isinstance(d, QgsProcessingParameterBoolean):
            params[name] = bool(d.defaultValue())
        elif not (d.flags() & d.FlagOptional) and d.defaultValue() is None:
            pytest.fail("{}: parameter {} is verplicht en de test kan hem niet invullen; voeg hem toe aan "
                        "'inputs' of, als het algoritme geen uitvoer maakt, aan NOT_AN_OUTPUT".format(alg.id(), name))
    return params, outputs


def run_and_scan(alg, scan_wb, include_confidential=False, extra=None, tag=""):
    from qgis import processing
    from qgis.core import QgsProcessingContext, QgsProject

    tmp, wb_path, old, _ = scan_wb
    out_dir = str(tmp / (alg.name() + ("_met" if include_confidential else "_zonder") + tag))
    os.makedirs(out_dir, exist_ok=True)
    work = os.path.join(out_dir, "werkbank_kopie.gpkg")  # each algorithm its own copy: no run changes the next
    shutil.copy(wb_path, work)
    params, outputs = parameters(alg, work, old, out_dir)
    if "INCLUDE_CONFIDENTIAL" in params:
        params["INCLUDE_CONFIDENTIAL"] = include_confidential
    params.update(extra or {})
    rec = Recorder()
    handler = _ListHandler()
    logging.getLogger().addHandler(handler)
    try:
        ctx = QgsProcessingContext()
        ctx.setProject(QgsProject.instance())
        result = processing.run(alg.id(), params, context=ctx, feedback=rec.feedback)
    finally:
        logging.getLogger().removeHandler(handler)
    produced = [v for v in result.values() if isinstance(v, str) and v.startswith(out_dir)]
    texts = scan(sorted(set(outputs) | set(produced)))
    texts["<meldingen>"] = "\n".join(rec.lines + handler.lines)
    assert len(texts) > 1, "{} schreef geen bestanden".format(alg.id())
    return texts


class _ListHandler(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def test_scanner_finds_the_marker(scan_wb):
    _, wb_path, _, marks = scan_wb
    text = scan([wb_path])[wb_path]
    assert all(m in text for m in marks)  # every marker is really in the werkbank


def test_no_output_contains_a_confidential_project(scan_wb, pmiek_provider):
    algs = writer_algorithms(pmiek_provider)
    names = {a.name() for a in algs}
    assert {"exportfiches", "exportlists", "scoreprojects", "compareround", "comparevariants", "exportpackage",
            "capacitybalance", "exportafgevallen"} <= names
    leaks = {}
    scanned = []
    n_files = 0
    for alg in algs:
        if not_an_output(alg):
            continue
        for n, extra in enumerate([{}] + EXTRA_RUNS.get(alg.name(), [])):
            texts = run_and_scan(alg, scan_wb, extra=extra, tag="_{}".format(n) if n else "")
            scanned.append(alg.name())
            n_files += len(texts) - 1
            for f, text in texts.items():
                if MARK in text:
                    i = text.index(MARK)
                    leaks["{} {}: {}".format(alg.name(), extra, os.path.basename(f))] = text[max(0, i - 80):i + 40]
    assert not leaks, "vertrouwelijk project in uitvoer: {}".format(leaks)
    assert len(scanned) >= 8 and n_files >= 20, (scanned, n_files)


@pytest.mark.parametrize("name", ["exportlists", "scoreprojects", "compareround", "exportafgevallen",
                                  "exportfiches"])
def test_include_confidential_is_the_way_in_and_says_so(scan_wb, pmiek_provider, name):
    from pmiek_werkbank.programme.visibility import CONFIDENTIAL_NOTICE

    alg = [a for a in writer_algorithms(pmiek_provider) if a.name() == name][0]
    texts = run_and_scan(alg, scan_wb, include_confidential=True)
    files = {f: t for f, t in texts.items() if f != "<meldingen>"}
    assert any(MARK in t for t in files.values()), name
    for f, t in files.items():
        if MARK in t:
            assert CONFIDENTIAL_NOTICE in t, f
