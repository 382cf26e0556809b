"""Damaged werkbanks and broken inputs (issue 18 item 9); used by test_safe_writes.py.

``make_corpus(folder)`` writes the corpus and returns {name: path}.  Run as a
script (``python damaged_corpus.py CORPUS_JSON OUT_FOLDER``) it starts QGIS,
runs every pmiek algorithm against every corpus werkbank and prints one JSON
line per run: {"alg", "case", "ok", "message"}.  The test runs it in a child
process, so a native abort shows as a signal return code.
"""

import json
import os
import shutil
import sqlite3
import sys


def make_corpus(folder, good):
    """``good``: path of a valid, filled werkbank to damage copies of."""
    os.makedirs(folder, exist_ok=True)
    out = {}

    def copy(name):
        p = os.path.join(folder, name + ".gpkg")
        shutil.copyfile(good, p)
        return p

    p = copy("tabel_ontbreekt")
    c = sqlite3.connect(p)
    c.execute("DROP TABLE projects")
    c.commit()
    c.close()
    out["tabel_ontbreekt"] = p

    p = copy("wees")
    c = sqlite3.connect(p)
    c.execute("PRAGMA foreign_keys = OFF")
    tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "project_links" in tables:
        cols = [r[1] for r in c.execute("PRAGMA table_info(project_links)")]
        row = c.execute("SELECT * FROM project_links LIMIT 1").fetchone()
        if row:
            vals = list(row)
            vals[cols.index("fid")] = None
            vals[cols.index("project_id")] = "BESTAAT_NIET"
            if "link_id" in cols:
                vals[cols.index("link_id")] = "wees-1"
            c.execute("INSERT INTO project_links ({}) VALUES ({})".format(
                ", ".join('"%s"' % x for x in cols), ", ".join("?" * len(cols))), vals)
    c.execute("UPDATE scores SET project_id = 'BESTAAT_NIET' WHERE fid = (SELECT MIN(fid) FROM scores)")
    c.commit()
    c.close()
    out["wees"] = p

    p = os.path.join(folder, "los_schema_version.gpkg")
    c = sqlite3.connect(p)
    c.execute("CREATE TABLE schema_version (version INTEGER, applied_at TEXT, description TEXT)")
    c.execute("INSERT INTO schema_version VALUES (1, '2026-01-01', 'x')")
    c.commit()
    c.close()
    out["los_schema_version"] = p

    p = os.path.join(folder, "afgekapt.gpkg")
    with open(good, "rb") as f:
        data = f.read()
    with open(p, "wb") as f:
        f.write(data[: len(data) // 3])
    out["afgekapt"] = p

    p = os.path.join(folder, "geen_database.gpkg")
    with open(p, "w", encoding="utf-8") as f:
        f.write("Dit is geen database\n\x00\x01")
    out["geen_database"] = p

    p = os.path.join(folder, "leeg.gpkg")
    open(p, "wb").close()
    out["leeg"] = p

    p = os.path.join(folder, "kapotte_invoer.csv")
    with open(p, "wb") as f:
        f.write(b"\xff\xfe=cmd|' /C calc'!A0;\x00;inf;nan;1e300\n")
    out["_input"] = p
    return out


def _value(param, case_path, broken_input, out_folder, n):
    t = param.type()
    name = param.name()
    if t == "file":
        return case_path if "gpkg" in (param.fileFilter() or "").lower() else broken_input
    if t in ("source", "vector", "layer", "multilayer", "raster"):
        return broken_input
    if t in ("fileDestination", "vectorDestination", "rasterDestination"):
        ext = param.defaultFileExtension() if hasattr(param, "defaultFileExtension") else "dat"
        return os.path.join(out_folder, "{}_{}.{}".format(n, name.lower(), ext or "dat"))
    if t == "folderDestination":
        return os.path.join(out_folder, "{}_{}".format(n, name.lower()))
    if t == "sink":
        return os.path.join(out_folder, "{}_{}.gpkg".format(n, name.lower()))
    if t in ("number", "distance"):
        return 1
    if t == "boolean":
        return False
    if t == "enum":
        return 0
    if t == "string":
        return "x"
    if t == "field":
        return "x"
    if t == "crs":
        return "EPSG:28992"
    return None


def _optional(p):
    try:
        from qgis.core import Qgis

        return bool(p.flags() & Qgis.ProcessingParameterFlag.Optional)
    except AttributeError:  # QGIS < 3.36
        from qgis.core import QgsProcessingParameterDefinition

        return bool(p.flags() & QgsProcessingParameterDefinition.Flag.FlagOptional)


def run(corpus, out_folder):
    from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingException, QgsProcessingFeedback

    QgsApplication.setPrefixPath("/usr", True)
    app = QgsApplication([], False)
    app.initQgis()
    sys.path.insert(0, "/usr/share/qgis/python/plugins")
    from processing.core.Processing import Processing

    Processing.initialize()
    from qgis import processing

    from pmiek_werkbank.provider.provider import PmiekProvider

    provider = PmiekProvider()
    QgsApplication.processingRegistry().addProvider(provider)

    class Capture(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.texts = []

        def reportError(self, error, fatalError=False):  # noqa: N802
            self.texts.append(error)

        def pushInfo(self, info):  # noqa: N802
            self.texts.append(info)

        def pushWarning(self, warning):  # noqa: N802
            self.texts.append(warning)

    broken = corpus.pop("_input")
    n = 0
    for alg in provider.algorithms():
        for case, path in corpus.items():
            n += 1
            params = {}
            for p in alg.parameterDefinitions():
                value = _value(p, path, broken, out_folder, n)
                if value is None:
                    continue
                if _optional(p) and not (p.isDestination() or value == path):
                    continue
                params[p.name()] = value
            fb = Capture()
            ctx = QgsProcessingContext()
            ok, message = True, ""
            try:
                processing.run(alg.id(), params, context=ctx, feedback=fb)
            except QgsProcessingException as e:
                ok, message = False, str(e)
            except Exception as e:  # noqa: BLE001 - reported as a failure of the test
                ok, message = False, "PYTHON-UITZONDERING {}: {}".format(type(e).__name__, e)
            print(json.dumps({"alg": alg.id(), "case": case, "ok": ok, "message": message,
                              "feedback": "\n".join(fb.texts)}), flush=True)
    QgsApplication.processingRegistry().removeProvider(provider)
    os._exit(0)  # skip interpreter teardown (QGIS objects); the results are printed


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as f:
        run(json.load(f), sys.argv[2])
