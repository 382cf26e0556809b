"""Issue 18: safe writes.  Non-finite/absurd geometry never reaches GEOS's WKT writer (no native crash),
outputs never hit the werkbank, every algorithm fails with a Dutch message, sandboxed templates."""

import hashlib
import os
import subprocess
import sys
import textwrap

import pytest
from helpers import child_env, run_child

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")


def _sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


# ---- item 8: geometry bounds before GEOS ------------------------------------------------------
@pytest.mark.parametrize("coords", [(1e300, 1e300), (-1e300, 455000.0), (float("inf"), 455000.0),
                                    (float("nan"), 455000.0), (140000.0, 455000.0, 1e300)])
def test_absurd_coordinates_refused_in_a_child_without_crash(werkbank_path, coords):
    """In a child process: a native abort (GEOS WKT writer, exit 134) would show as a negative return code."""
    sha = _sha(werkbank_path)
    r = run_child("""
        import sys, shapely
        from pmiek_werkbank.werkbank import open_werkbank, WerkbankError
        wb = open_werkbank(sys.argv[1])
        c = [float(v) for v in sys.argv[2:]]
        try:
            wb.write_frame("stations", [{"station_id": "s1", "name": "x", "geometry": shapely.Point(*c)}])
        except WerkbankError as e:
            print("REFUSED", e)
        else:
            print("WRITTEN")
    """, werkbank_path, *[repr(c) for c in coords])
    assert r.returncode == 0, (r.returncode, r.stderr[-2000:])
    assert "REFUSED stations: rij 1 (station_id s1), veld 'geom'" in r.stdout, r.stdout + r.stderr
    assert "Er is niets opgeslagen" in r.stdout
    assert _sha(werkbank_path) == sha


def test_update_row_refuses_absurd_geometry(werkbank):
    import shapely

    from pmiek_werkbank.werkbank import WerkbankError

    werkbank.write_frame("projects", [{"project_id": "p1", "name": "P", "geometry": shapely.Point(140000, 455000)}])
    with pytest.raises(WerkbankError, match="veld 'geom'"):
        werkbank.update_row("projects", "p1", {"geometry": shapely.Point(1e300, 1)}, 1)
    assert werkbank.read_frame("projects").geometry.iloc[0].x == 140000


def test_audit_fingerprint_never_formats_absurd_coordinates():
    """The audit helpers summarise what GEOS cannot write (checked in a child: a crash is an abort)."""
    r = run_child("""
        import shapely
        from pmiek_werkbank.werkbank import storage
        g = [shapely.Point(1e300, -1e300), shapely.Point(1, 2), None, shapely.LineString([(0, 0), (1e300, 1)])]
        print(storage._geom_texts(g))
        print(storage._geom_fingerprints(g, [b"x", b"x", None, b"x"]))
    """)
    assert r.returncode == 0, (r.returncode, r.stderr[-2000:])
    texts, prints = r.stdout.strip().splitlines()
    assert "POINT (coördinaten buiten bereik, sha1" in texts and "'POINT (1 2)'" in texts
    assert "LINESTRING (coördinaten buiten bereik" in texts
    assert "'POINT (1 2)'" in prints and "1e+300" not in prints and "POINT (1 coördinaten, sha1" in prints


def test_bad_coordinates_vectorised():
    import shapely

    from pmiek_werkbank.werkbank.gpkg_geometry import bad_coordinates

    g = [shapely.Point(1, 2), None, shapely.Point(3e7, 1), shapely.Polygon(), shapely.Point(1, 2, float("nan")),
         shapely.LineString([(0, 0), (1, float("inf"))])]
    assert bad_coordinates(g) == [2, 5]


# ---- item 5: sandboxed templates --------------------------------------------------------------
@pytest.mark.parametrize("body", [
    "{{ ''.__class__.__mro__ }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ joiner.__init__.__globals__ }}",
    "{{ p.__class__ }}",
    "{% include '../geheim.txt' %}",
    "{{ p.update({'x': 1}) }}",
])
def test_template_escape_refused(tmp_path, body):
    from pmiek_werkbank.export import html

    folder = tmp_path / "sjablonen"
    folder.mkdir()
    (tmp_path / "geheim.txt").write_text("GEHEIM")
    (folder / "projectfiche.html.j2").write_text(body)
    with pytest.raises(Exception) as info:
        html.render("projectfiche.html.j2", str(folder), p={"name": "x"})
    assert "Sjabloon geweigerd" in str(info.value) or "cycler" in str(info.value) or "joiner" in str(info.value)
    assert "GEHEIM" not in str(info.value)


def test_template_symlink_out_of_folder_refused(tmp_path):
    from pmiek_werkbank.export import html

    folder = tmp_path / "sjablonen2"
    folder.mkdir()
    (tmp_path / "geheim.txt").write_text("GEHEIM")
    os.symlink(tmp_path / "geheim.txt", folder / "projectfiche.html.j2")
    with pytest.raises(Exception, match="Sjabloon geweigerd"):
        html.render("projectfiche.html.j2", str(folder), p={"name": "x"})


def test_normal_user_template_still_renders(tmp_path):
    from pmiek_werkbank.export import html

    folder = tmp_path / "sjablonen3"
    folder.mkdir()
    (folder / "projectfiche.html.j2").write_text("<h1>{{ p.name|upper }}</h1>{% for x in p.lijst %}{{ x }};{% endfor %}")
    assert html.render("projectfiche.html.j2", str(folder), p={"name": "a<b", "lijst": [1, 2]}) == "<h1>A&lt;B</h1>1;2;"


# ---- item 2 and 9: the algorithm guard ------------------------------------------------------------
def _algorithms(provider):
    return [a.create() for a in provider.algorithms()]


def test_every_algorithm_is_guarded(pmiek_provider):
    algs = _algorithms(pmiek_provider)
    assert len(algs) > 20
    for alg in algs:
        assert getattr(type(alg).processAlgorithm, "_pmiek_guarded", False), alg.id()


def test_no_destination_of_any_algorithm_may_hit_the_werkbank(pmiek_provider, werkbank_path):
    from qgis.core import QgsProcessingContext, QgsProcessingException, QgsProcessingParameterFolderDestination

    rounds = os.path.join(os.path.dirname(werkbank_path), "rounds")
    os.makedirs(rounds, exist_ok=True)
    sha = _sha(werkbank_path)
    ctx = QgsProcessingContext()
    checked = 0
    for alg in _algorithms(pmiek_provider):
        wnames = alg.werkbank_parameter_names()
        dests = alg.destinationParameterDefinitions()
        if not wnames or not dests:
            continue
        for d in dests:
            folder = isinstance(d, QgsProcessingParameterFolderDestination)
            targets = [werkbank_path, werkbank_path + "-wal", werkbank_path + "-journal", rounds,
                       os.path.join(rounds, "x.pdf"), "ogr:dbname='{}' table=\"uit\" (geom)".format(werkbank_path),
                       werkbank_path + "|layername=projects"]
            if alg.name() == "freezeround":  # its job: a new snapshot in the rounds folder
                targets = [t for t in targets if not t.startswith(rounds)]
            for target in targets:
                params = {n: werkbank_path for n in wnames}
                params[d.name()] = target
                with pytest.raises(QgsProcessingException) as info:
                    alg.check_destinations(params, ctx)
                msg = str(info.value)
                assert "zou" in msg and "overschrijven" in msg and "Er is niets geschreven" in msg, (alg.id(), msg)
                checked += 1
            if not folder:  # an ordinary path next to the werkbank is fine
                params = {n: werkbank_path for n in wnames}
                params[d.name()] = os.path.join(os.path.dirname(werkbank_path), "uitvoer_ok.pdf")
                alg.check_destinations(params, ctx)
    assert checked > 50
    assert _sha(werkbank_path) == sha


@pytest.mark.parametrize("alg_id,param,extra", [
    ("pmiek:capacitybalance", "OUTPUT", {}),
    ("pmiek:scoreprojects", "OUTPUT", {}),
    ("pmiek:exportfiches", "ATLAS", {"OUTPUT_FOLDER": "fiches"}),
])
def test_reported_outputs_onto_the_werkbank_refused(pmiek_provider, werkbank_path, alg_id, param, extra):
    from qgis.core import QgsProcessingException

    from conftest import run_alg

    sha = _sha(werkbank_path)
    extra = {k: os.path.join(os.path.dirname(werkbank_path), v) for k, v in extra.items()}
    with pytest.raises(QgsProcessingException, match="zou de werkbank"):
        run_alg(alg_id, dict({"WERKBANK": werkbank_path, param: werkbank_path}, **extra))
    assert _sha(werkbank_path) == sha


def test_atomic_write_refuses_protected_target(tmp_path):
    from pmiek_werkbank.werkbank import atomic

    wb = tmp_path / "w.gpkg"
    wb.write_bytes(b"SQLite format 3\0")
    with atomic.protected([str(wb)]):
        with pytest.raises(atomic.AtomicWriteError, match="is de werkbank"):
            atomic.write_text(str(wb), "kapot")
    assert wb.read_bytes() == b"SQLite format 3\0"
    atomic.write_text(str(wb), "nu wel")  # outside the guarded run it is an ordinary file
    assert wb.read_text() == "nu wel"


# ---- item 1: all-or-nothing replacement ---------------------------------------------------------
@pytest.fixture
def package(tmp_path):
    from test_rounds_fixtures import make_werkbank

    from pmiek_werkbank.programme.exchange import export_package

    wb = make_werkbank(tmp_path / "bron.gpkg")
    folder = tmp_path / "pakket"
    export_package(wb, folder)
    wb.close()
    return str(folder)


def _old_werkbank(path):
    from pmiek_werkbank.werkbank import create_werkbank

    create_werkbank(str(path), "Oud programma", "Utrecht").close()
    return _sha(str(path))


def _hidden(folder):
    return sorted(n for n in os.listdir(folder) if n.startswith("."))


def test_importpackage_overwrite_failure_keeps_the_old_werkbank(package, tmp_path):
    import json

    from pmiek_werkbank.programme.errors import ProgrammeError
    from pmiek_werkbank.programme.exchange import MANIFEST, import_package

    target = tmp_path / "doel" / "werkbank.gpkg"
    target.parent.mkdir()
    sha = _old_werkbank(target)
    man_path = os.path.join(package, MANIFEST)
    man = json.load(open(man_path, encoding="utf-8"))
    man["tabellen"]["projects"]["digest"] = "0" * 64  # manifest mismatch: found only after the rebuild
    json.dump(man, open(man_path, "w", encoding="utf-8"))
    with pytest.raises(ProgrammeError, match="niet verliesvrij"):
        import_package(package, str(target), overwrite=True)
    assert _sha(str(target)) == sha
    assert os.listdir(target.parent) == ["werkbank.gpkg"]


def test_importpackage_full_disk_keeps_the_old_werkbank(package, tmp_path, pmiek_provider):
    from qgis.core import QgsProcessingException

    from conftest import run_alg
    from pmiek_werkbank.programme.exchange import import_package

    probe = tmp_path / "probe.gpkg"
    import_package(package, str(probe))
    new_size = os.path.getsize(probe)
    old = tmp_path / "oud.gpkg"
    sha = _old_werkbank(old)
    mnt = tmp_path / "klein"
    mnt.mkdir()
    size_kb = (os.path.getsize(old) + new_size // 2) // 1024 + 16
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size={}k".format(size_kb), "tmpfs", str(mnt)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip("tmpfs koppelen mag hier niet (geen root?): " + r.stderr.strip())
    try:
        target = mnt / "werkbank.gpkg"
        with open(old, "rb") as src, open(target, "wb") as dst:
            dst.write(src.read())
        with pytest.raises(QgsProcessingException) as info:
            run_alg("pmiek:importpackage", {"INPUT": package, "OUTPUT": str(target), "OVERWRITE": True})
        msg = str(info.value)
        assert "schijf is vol" in msg and "Traceback" not in msg, msg
        assert _sha(str(target)) == sha
        assert os.listdir(mnt) == ["werkbank.gpkg"]
        import gc

        gc.collect()
        r = subprocess.run(["umount", str(mnt)], capture_output=True, text=True)
        assert r.returncode == 0, "iets houdt nog een bestand open op de volle schijf: " + r.stderr
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True, check=False)


def test_importpackage_onto_immutable_file(package, tmp_path, pmiek_provider):
    from qgis.core import QgsProcessingException

    from conftest import run_alg

    target = tmp_path / "vast" / "werkbank.gpkg"
    target.parent.mkdir()
    sha = _old_werkbank(target)
    r = subprocess.run(["chattr", "+i", str(target)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip("chattr +i wordt hier niet ondersteund: " + r.stderr.strip())
    try:
        with pytest.raises(QgsProcessingException) as info:
            run_alg("pmiek:importpackage", {"INPUT": package, "OUTPUT": str(target), "OVERWRITE": True})
        msg = str(info.value)
        assert "niet vervangen" in msg and "ongewijzigd" in msg, msg
    finally:
        subprocess.run(["chattr", "-i", str(target)], check=False)
    assert _sha(str(target)) == sha
    assert os.listdir(target.parent) == ["werkbank.gpkg"]


def test_killed_import_leaves_old_or_new_and_next_try_works(package, tmp_path):
    import signal

    from pmiek_werkbank.programme.exchange import import_package
    from pmiek_werkbank.werkbank import open_werkbank

    target = tmp_path / "k" / "werkbank.gpkg"
    target.parent.mkdir()
    sha = _old_werkbank(target)
    env = child_env()
    code = textwrap.dedent("""
        import sys
        from pmiek_werkbank.programme.exchange import import_package
        print("START", flush=True)
        while True:
            import_package(sys.argv[1], sys.argv[2], overwrite=True)
    """)
    p = subprocess.Popen([sys.executable, "-c", code, package, str(target)], stdout=subprocess.PIPE, text=True,
                         env=env)
    assert p.stdout.readline().strip() == "START"
    # let it build (and replace) a few times, then kill it wherever it is
    import time

    time.sleep(3)
    p.send_signal(signal.SIGKILL)
    p.wait()
    if _sha(str(target)) != sha:  # replaced at least once: a complete, valid werkbank
        with open_werkbank(str(target), readonly=True) as wb:
            assert wb.programme()["name"] == "Testprogramma (fictief voorbeeld)"
    res = import_package(package, str(target), overwrite=True)  # the next try works and cleans up
    assert res["digests_ok"]
    assert os.listdir(target.parent) == ["werkbank.gpkg"]


# ---- item 9: no tracebacks, no native aborts on damaged werkbanks and broken inputs ----------------
def test_every_algorithm_on_damaged_werkbanks_gives_messages_not_tracebacks(tmp_path, pmiek_provider):
    import json

    from damaged_corpus import make_corpus
    from test_rounds_fixtures import make_werkbank

    good = str(tmp_path / "goed.gpkg")
    make_werkbank(good).close()
    corpus = make_corpus(str(tmp_path / "corpus"), good)
    cases = [k for k in corpus if not k.startswith("_")]
    with open(tmp_path / "corpus.json", "w", encoding="utf-8") as f:
        json.dump(corpus, f)
    out = tmp_path / "uit"
    out.mkdir()
    env = child_env(QT_QPA_PLATFORM="offscreen")
    r = subprocess.run([sys.executable, os.path.join(ROOT, "tests", "damaged_corpus.py"), str(tmp_path / "corpus.json"),
                        str(out)], capture_output=True, text=True, env=env, timeout=1200)
    assert r.returncode == 0, "native afbreking of crash: rc {}\n{}".format(r.returncode, r.stderr[-3000:])
    assert "Traceback (most recent call last)" not in r.stderr, r.stderr[-3000:]
    rows = [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]
    n_algs = len(pmiek_provider.algorithms())
    assert len(rows) == n_algs * len(cases)
    for row in rows:
        text = row["message"] + "\n" + row["feedback"]
        assert "Traceback (most recent call last)" not in text, row
        assert "PYTHON-UITZONDERING" not in text, row
        if not row["ok"]:
            assert row["message"].strip(), row
    # the unreadable werkbanks are refused by every algorithm that opens a werkbank
    for case in ("afgekapt", "geen_database", "leeg"):
        assert any(not r_["ok"] and ("geen" in r_["message"] or "beschadigd" in r_["message"])
                   for r_ in rows if r_["case"] == case and r_["alg"] == "pmiek:exportlists"), case


def test_qgis_process_damaged_werkbank_no_traceback(tmp_path):
    """The command line as a province runs it: qgis_process.bin prints a Dutch message, no traceback, no abort."""
    werkbank = tmp_path / "kapot.gpkg"
    werkbank.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    env = dict(os.environ, QGIS_PLUGINPATH=BUILD, QT_QPA_PLATFORM="offscreen")
    subprocess.run(["qgis_process.bin", "plugins", "enable", "pmiek_werkbank"], capture_output=True, env=env)
    r = subprocess.run(["qgis_process.bin", "run", "pmiek:scoreprojects", "--", "WERKBANK=" + str(werkbank),
                        "OUTPUT=" + str(tmp_path / "uit.gpkg")], capture_output=True, text=True, env=env, timeout=300)
    text = r.stdout + r.stderr
    assert r.returncode >= 0, "native afbreking: rc {}".format(r.returncode)
    assert "Traceback (most recent call last)" not in text, text[-3000:]
    assert "kapot.gpkg" in text and ("geen" in text or "beschadigd" in text), text[-3000:]


# ---- item 4: every CSV/XLSX the plugin writes, scanned for formulas and control characters ----------
HOSTILE_TEXTS = ['=HYPERLINK("http://evil","klik")', "=cmd|'/C calc'!A0", "  +1+1", "@SUM(A1)", "\t=1",
                 "-2+3", "nul\x00byte", "esc\x1b[31m"]


def _scan_spreadsheets(folder):
    """(path, cell) of every formula-like text, formula cell or control character in CSV/XLSX under folder."""
    import csv

    import openpyxl

    from pmiek_werkbank import tabular

    bad, n = [], 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            path = os.path.join(root, name)
            if name.lower().endswith(".csv"):
                n += 1
                with open(path, encoding="utf-8-sig", newline="") as f:
                    text = f.read()
                delim = ";" if text.count(";") >= text.count(",") else ","
                for row in csv.reader(text.splitlines(), delimiter=delim):
                    for cell in row:
                        if tabular.is_formula_like(cell) or tabular.strip_controls(cell) != cell:
                            bad.append((path, cell))
            elif name.lower().endswith(".xlsx"):
                n += 1
                for ws in openpyxl.load_workbook(path).worksheets:
                    for r in ws.iter_rows():
                        for c in r:
                            if c.data_type == "f":
                                bad.append((path, c.value))
                            elif isinstance(c.value, str) and (tabular.is_formula_like(c.value)
                                                               or tabular.strip_controls(c.value) != c.value):
                                bad.append((path, c.value))
    return bad, n


def test_every_spreadsheet_output_is_formula_free(tmp_path, pmiek_provider):
    from conftest import run_alg
    from test_rounds_fixtures import make_werkbank

    from pmiek_werkbank.layers.validation import ValidationReport
    from pmiek_werkbank.werkbank import open_werkbank

    old = str(tmp_path / "oud.gpkg")
    make_werkbank(old).close()
    path = str(tmp_path / "vijandig.gpkg")
    make_werkbank(path).close()
    with open_werkbank(path) as wb:
        pids = [r["project_id"] for r in wb.query("SELECT project_id FROM projects ORDER BY project_id")]
        for i, pid in enumerate(pids):
            wb.execute("UPDATE projects SET name = ?, status = 'afgevallen', status_reason = ? WHERE project_id = ?",
                       (HOSTILE_TEXTS[(2 * i) % 8], HOSTILE_TEXTS[(2 * i + 3) % 8], pid))
        wb.execute("UPDATE developments SET name = ?", (HOSTILE_TEXTS[1],))
        wb.execute("UPDATE criteria SET name = ?, question = ? WHERE criterion_id = 'A'",
                   (HOSTILE_TEXTS[0], HOSTILE_TEXTS[3]))
        wb.execute("UPDATE actions SET activity = ?, result = ?", (HOSTILE_TEXTS[6], HOSTILE_TEXTS[4]))
        wb.execute("UPDATE stations SET name = ?", (HOSTILE_TEXTS[6],))
    out = tmp_path / "uit"
    out.mkdir()
    for ext in ("xlsx", "csv"):
        run_alg("pmiek:exportlists", {"WERKBANK": path, "INCLUDE_CONFIDENTIAL": True,
                                      "PROJECTENLIJST": str(out / ("projecten." + ext)),
                                      "ACTIELIJST": str(out / ("acties." + ext)),
                                      "MONITORINGLIJST": str(out / ("monitoring." + ext))})
        run_alg("pmiek:compareround", {"OLD": old, "NEW": path, "INCLUDE_CONFIDENTIAL": True,
                                       "OUTPUT": str(out / ("verschillen." + ext))})
        run_alg("pmiek:exportafgevallen", {"WERKBANK": path, "OUTPUT": str(out / ("afgevallen." + ext))})
    run_alg("pmiek:exportcriteria", {"WERKBANK": path, "OUTPUT": str(out / "criteria.csv")})
    run_alg("pmiek:exportpackage", {"WERKBANK": path, "OUTPUT_FOLDER": str(out / "pakket"),
                                    "INCLUDE_CONFIDENTIAL": True})
    rep = ValidationReport("invoer.csv")
    rep.add(3, "=1+1", "name", "=HYPERLINK(\"x\")", "@probleem\x00")
    rep.write(str(out / "importrapport.csv"))
    bad, n = _scan_spreadsheets(str(out))
    assert n >= 12
    assert not bad, bad[:10]
    # the hostile texts are there, only inert
    text = open(out / "projecten.csv", encoding="utf-8-sig").read()
    assert "'=HYPERLINK(" in text and "'@SUM(A1)" in text and "nulbyte" in text


# ---- item 6: passwords go to QGIS's authentication manager, never into the project ----------------
def test_storable_target_moves_the_password_into_the_auth_manager(qgis_app):
    from qgis.core import QgsApplication, QgsAuthMethodConfig

    from pmiek_werkbank.layers.project import storable_target

    target = "postgresql://jan:Zeer-Geheim-42@db.example:5432/pmiek?schema=utrecht"
    am = QgsApplication.authManager()
    if am is None or am.isDisabled():
        pytest.skip("QGIS-authenticatiebeheer niet beschikbaar")
    if not am.masterPasswordIsSet():
        am.setMasterPassword("pmiek-test-hoofdwachtwoord", True)
    stored = storable_target(target)
    assert "Zeer-Geheim-42" not in stored and "schema=utrecht" in stored and "authcfg=" in stored
    authcfg = stored.split("authcfg=")[1].split()[0]
    cfg = QgsAuthMethodConfig()
    assert am.loadAuthenticationConfig(authcfg, cfg, True)
    assert cfg.config("password") == "Zeer-Geheim-42" and cfg.config("username") == "jan"
    assert storable_target("/pad/naar/werkbank.gpkg") == "/pad/naar/werkbank.gpkg"
    assert "wachtwoord1" not in storable_target("host=db user=jan password=wachtwoord1 schema=s")


def test_exportpackage_into_the_werkbank_folder_never_replaces_the_werkbank(tmp_path, pmiek_provider):
    """The reported case: a werkbank named like the package's GeoPackage, exportpackage into its own folder."""
    from qgis.core import QgsProcessingException

    from conftest import run_alg
    from test_rounds_fixtures import make_werkbank

    from pmiek_werkbank.programme.exchange import PACKAGE_GPKG, export_package
    from pmiek_werkbank.programme.errors import ProgrammeError
    from pmiek_werkbank.werkbank import open_werkbank

    path = str(tmp_path / PACKAGE_GPKG)
    make_werkbank(path).close()
    sha = _sha(path)
    with pytest.raises(QgsProcessingException, match="niet overschreven|werkbank zelf"):
        run_alg("pmiek:exportpackage", {"WERKBANK": path, "OUTPUT_FOLDER": str(tmp_path)})
    assert _sha(path) == sha
    with open_werkbank(path) as wb:  # the API outside an algorithm refuses too
        with pytest.raises(ProgrammeError, match="werkbank zelf"):
            export_package(wb, str(tmp_path))
        assert wb.count("projects") == 4
    assert sorted(os.listdir(tmp_path)) == [PACKAGE_GPKG]


def test_pdf_written_beside_and_swapped_only_on_success(tmp_path, qgis_app):
    from qgis.core import QgsPrintLayout, QgsProject

    from pmiek_werkbank.export.layouts import PdfSequence

    target = tmp_path / "fiche.pdf"
    target.write_bytes(b"%PDF-oud")
    layout = QgsPrintLayout(QgsProject.instance())
    layout.initializeDefaults()
    with pytest.raises(RuntimeError):
        with PdfSequence(str(target)) as pdf:
            pdf.add(layout, 0)
            raise RuntimeError("afgebroken halverwege")
    assert target.read_bytes() == b"%PDF-oud"
    assert os.listdir(tmp_path) == ["fiche.pdf"]
    with PdfSequence(str(target)) as pdf:
        pdf.add(layout, 0)
    assert target.read_bytes().startswith(b"%PDF-1") and os.listdir(tmp_path) == ["fiche.pdf"]



_PDF_UNDER_A_FILE_LIMIT = """
    import os, resource, signal, sys
    import numpy as np
    from qgis.core import (QgsApplication, QgsLayoutItemPicture, QgsLayoutPoint, QgsLayoutSize, QgsPrintLayout,
                           QgsProject)
    from qgis.PyQt.QtGui import QImage
    app = QgsApplication([], False)
    app.initQgis()
    from pmiek_werkbank.export.layouts import PdfSequence
    folder, limit = sys.argv[1], int(sys.argv[2])
    noise = np.random.default_rng(5).integers(0, 2 ** 32, (700, 700), dtype=np.uint32)
    image = QImage(noise.tobytes(), 700, 700, 4 * 700, QImage.Format.Format_RGB32)
    assert image.save(os.path.join(folder, "ruis.png"))
    layout = QgsPrintLayout(QgsProject.instance())
    layout.initializeDefaults()
    picture = QgsLayoutItemPicture(layout)
    picture.setPicturePath(os.path.join(folder, "ruis.png"))
    picture.attemptMove(QgsLayoutPoint(10, 10))
    picture.attemptResize(QgsLayoutSize(190, 190))
    layout.addLayoutItem(picture)
    if limit:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG), as on a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    try:
        with PdfSequence(os.path.join(folder, "fiche.pdf")) as pdf:
            pdf.add(layout, 0)
        print("RESULT=ok")
    except OSError as e:
        print("RESULT=error " + str(e))
"""


@pytest.mark.parametrize("limit", [0, 120 << 10])
def test_a_pdf_cut_off_by_a_full_disk_is_never_swapped_in(tmp_path, limit):
    """Qt's PDF writer reports success when the disk fills up and leaves a cut-off file.  PdfSequence checks
    that the PDF was written to its end before it replaces the old one.  Without a limit the new PDF (a page with a
    noise image, well over 120 KB) replaces the old one; under a 120 KB file limit it stops with a Dutch message,
    the old PDF stays byte for byte and no temporary file is left."""
    target = tmp_path / "fiche.pdf"
    target.write_bytes(b"%PDF-oud")
    r = run_child(_PDF_UNDER_A_FILE_LIMIT, str(tmp_path), str(limit))
    lines = [line for line in r.stdout.splitlines() if line.startswith("RESULT=")]
    assert lines, r.stderr[-3000:]
    result = lines[-1][len("RESULT="):]
    left = sorted(os.listdir(tmp_path))
    if not limit:
        assert result == "ok"
        data = target.read_bytes()
        assert data.startswith(b"%PDF-1") and b"%%EOF" in data[-1024:] and len(data) > 120 << 10
    else:
        assert result.startswith("error PDF ") and "kon niet volledig worden geschreven" in result, result
        assert target.read_bytes() == b"%PDF-oud"
    assert left == ["fiche.pdf", "ruis.png"], left

# ---- item 10: a killed freeze never blocks the next one; a full disk during a freeze ----------------
def test_unregistered_snapshot_of_a_killed_freeze_does_not_block_refreezing(tmp_path):
    import sqlite3

    from test_rounds_fixtures import make_werkbank

    from pmiek_werkbank.programme.errors import ProgrammeError
    from pmiek_werkbank.programme.rounds import freeze_round

    path = str(tmp_path / "w.gpkg")
    make_werkbank(path).close()
    snap = freeze_round(path, "pMIEK 1.0", "2026-01-15")
    # as if killed after the snapshot was swapped in but before the werkbank registered it
    c = sqlite3.connect(path)
    c.execute("DELETE FROM rounds")
    c.commit()
    c.close()
    again = freeze_round(path, "pMIEK 1.0", "2026-01-15")
    assert again == snap and os.path.exists(snap)
    with pytest.raises(ProgrammeError, match="bestaat al"):  # a registered snapshot is never replaced
        freeze_round(path, "pMIEK 1.0", "2026-01-15")
    assert sorted(os.listdir(os.path.dirname(snap))) == [os.path.basename(snap)]


def test_freezeround_on_a_full_disk_gives_a_dutch_message_and_leaves_nothing(tmp_path, pmiek_provider):
    from qgis.core import QgsProcessingException

    from conftest import run_alg
    from test_rounds_fixtures import make_werkbank

    src = str(tmp_path / "w.gpkg")
    make_werkbank(src).close()
    size = os.path.getsize(src)
    mnt = tmp_path / "vol"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size={}k".format(size * 3 // 2 // 1024 + 8), "tmpfs", str(mnt)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip("tmpfs koppelen mag hier niet (geen root?): " + r.stderr.strip())
    try:
        path = str(mnt / "w.gpkg")
        with open(src, "rb") as a, open(path, "wb") as b:
            b.write(a.read())
        sha = _sha(path)
        with pytest.raises(QgsProcessingException) as info:
            run_alg("pmiek:freezeround", {"WERKBANK": path, "LABEL": "pMIEK 1.0", "DATE": "2026-01-15"})
        msg = str(info.value)
        assert "schijf is vol" in msg and "Traceback" not in msg, msg
        assert _sha(path) == sha
        left = [n for n in os.listdir(mnt / "rounds")] if (mnt / "rounds").exists() else []
        assert left == [], left
    finally:
        subprocess.run(["umount", str(mnt)], check=False)


def _previous_version_werkbank(path, monkeypatch):
    """A werkbank made by the previous version of the plugin (one migration less)."""
    import sqlite3

    from test_rounds_fixtures import make_werkbank

    from pmiek_werkbank.werkbank import schema, storage
    from pmiek_werkbank.werkbank.schema import latest_version

    with monkeypatch.context() as m:
        previous = schema.MIGRATIONS[:-1]
        m.setattr(schema, "MIGRATIONS", previous)
        m.setattr(storage, "MIGRATIONS", previous)
        make_werkbank(path).close()
    c = sqlite3.connect(path)
    assert c.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == latest_version() - 1
    c.close()


def test_failure_after_a_migration_puts_the_werkbank_back_as_it_was(tmp_path, pmiek_provider, monkeypatch):
    """Migration and operation are one: an older werkbank is brought to the newest schema on open, but when the
    operation then fails the werkbank is put back byte for byte, and the message says so."""
    import hashlib
    import sqlite3

    from qgis.core import QgsProcessingException

    from conftest import run_alg

    from pmiek_werkbank.werkbank.schema import latest_version

    path = str(tmp_path / "oud.gpkg")
    _previous_version_werkbank(path, monkeypatch)
    sha = hashlib.sha256(open(path, "rb").read()).hexdigest()
    with pytest.raises(QgsProcessingException) as info:
        run_alg("pmiek:setstatus", {"WERKBANK": path, "PROJECT": "BESTAAT-NIET", "STATUS": "opgenomen",
                                    "REASON": "test"})
    msg = str(info.value)
    assert "Onbekend project" in msg, msg
    assert "teruggezet zoals hij was (schemaversie {})".format(latest_version() - 1) in msg, msg
    assert hashlib.sha256(open(path, "rb").read()).hexdigest() == sha
    c = sqlite3.connect(path)
    assert c.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == latest_version() - 1
    c.close()
    assert sorted(os.listdir(tmp_path)) == ["oud.gpkg"]  # no safety copy left behind


def test_success_after_a_migration_keeps_it_and_leaves_no_copy(tmp_path, pmiek_provider, monkeypatch):
    import sqlite3

    from conftest import run_alg

    from pmiek_werkbank.werkbank.schema import latest_version

    path = str(tmp_path / "oud.gpkg")
    _previous_version_werkbank(path, monkeypatch)
    c = sqlite3.connect(path)
    pid = c.execute("SELECT project_id FROM projects LIMIT 1").fetchone()[0]
    c.close()
    run_alg("pmiek:setstatus", {"WERKBANK": path, "PROJECT": pid, "STATUS": "opgenomen", "REASON": "besloten"})
    c = sqlite3.connect(path)
    assert c.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == latest_version()
    assert c.execute("SELECT status FROM projects WHERE project_id = ?", (pid,)).fetchone()[0] == "opgenomen"
    c.close()
    assert sorted(os.listdir(tmp_path)) == ["oud.gpkg"]


def test_killed_copy_leaves_the_target_whole_and_the_next_copy_cleans_up(tmp_path):
    import signal
    import time

    from pmiek_werkbank.werkbank.copy import content_digest, copy_werkbank
    from pmiek_werkbank.werkbank import open_werkbank

    src = os.path.join(ROOT, "resources", "sample", "voorbeeld_werkbank.gpkg")
    target = tmp_path / "kopie" / "werkbank.gpkg"
    target.parent.mkdir()
    sha = _old_werkbank(target)
    env = child_env()
    code = textwrap.dedent("""
        import sys
        from pmiek_werkbank.werkbank.copy import copy_werkbank
        print("START", flush=True)
        while True:
            copy_werkbank(sys.argv[1], sys.argv[2], overwrite=True)
    """)
    p = subprocess.Popen([sys.executable, "-c", code, src, str(target)], stdout=subprocess.PIPE, text=True, env=env)
    assert p.stdout.readline().strip() == "START"
    time.sleep(2)  # somewhere in a copy; where exactly does not matter
    p.send_signal(signal.SIGKILL)
    p.wait()
    if _sha(str(target)) != sha:  # replaced at least once: then a complete copy
        with open_werkbank(src, readonly=True, migrate=False) as a, open_werkbank(str(target), readonly=True) as b:
            assert a.count("projects") == b.count("projects")
    copy_werkbank(src, str(target), overwrite=True)
    assert os.listdir(target.parent) == ["werkbank.gpkg"]
    with open_werkbank(src, readonly=True, migrate=False) as a, open_werkbank(str(target), readonly=True) as b:
        assert content_digest(a)["projects"] == content_digest(b)["projects"]


def test_desktop_session_werkbank_is_protected_from_every_atomic_write(werkbank_path, qgis_app):
    from qgis.core import QgsProject

    from pmiek_werkbank import tabular
    from pmiek_werkbank.layers.project import Session
    from pmiek_werkbank.werkbank import atomic

    sha = _sha(werkbank_path)
    session = Session(QgsProject.instance())
    session.set_werkbank(werkbank_path)
    try:
        with pytest.raises(atomic.AtomicWriteError, match="is de werkbank"):
            tabular.write_csv(werkbank_path, ["a"], [["b"]])  # e.g. a list saved over the werkbank from a dialog
        assert _sha(werkbank_path) == sha
    finally:
        session.set_werkbank("")
    other = os.path.join(os.path.dirname(werkbank_path), "los.csv")
    tabular.write_csv(other, ["a"], [["b"]])
    assert os.path.exists(other)
