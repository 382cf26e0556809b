"""The web atlas in a real browser (issue 17): Debian's chromium, driven headless by playwright-core.

The sample is exported with pmiek:exportwebatlas, served on 127.0.0.1 by Python's http.server and opened by
tests/browser/webatlas_check.js: no console errors, a project clicked on the map and in the list shows its
fiche, the horizon year and direction change the station colours as the balance says, search and filters
narrow list and map, axe-core finds no WCAG 2.1 A/AA violation (page and fiche), no sideways scrolling at phone
width, and the same folder works from file://.  Screenshots go to tests/artifacts/.
scripts/browser_test_setup.sh installs chromium, Node.js and the npm packages when missing.
"""

import functools
import http.server
import json
import os
import shutil
import subprocess
import threading

import pytest
from conftest import ARTIFACTS, ROOT, run_alg
from test_webatlas import read_js

CHECK = os.path.join(ROOT, "tests", "browser", "webatlas_check.js")


@pytest.fixture(scope="module")
def node_modules():
    proc = subprocess.run(["bash", os.path.join(ROOT, "scripts", "browser_test_setup.sh")], capture_output=True,
                          text=True, timeout=900)
    if proc.returncode != 0:
        pytest.fail("browsertest kon niet worden ingericht:\n" + proc.stdout + proc.stderr)
    return proc.stdout.strip().splitlines()[-1]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def served(tmp_path, sample_dir, pmiek_provider):
    wb = str(tmp_path / "werkbank.gpkg")
    shutil.copyfile(os.path.join(sample_dir, "voorbeeld_werkbank.gpkg"), wb)
    out = str(tmp_path / "webatlas")
    run_alg("pmiek:exportwebatlas", {"WERKBANK": wb, "OUTPUT_FOLDER": out})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=out))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield out, "http://127.0.0.1:{}/index.html".format(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


def _expected_search(out, term):
    """How many projects a search must show: the term in number, name, municipality, knooppunt or type."""
    rows = read_js(os.path.join(out, "data", "atlas.js"))["projects"]
    words = term.lower().split()
    n = 0
    for r in rows:
        text = " ".join([r["code"], r["name"], " ".join(r["gem"]), r["kp"], r["type_label"]]).lower()
        n += all(w in text for w in words)
    return n


def test_webatlas_in_chromium(served, node_modules, artifacts_dir, tmp_path):
    out, url = served
    term = "lage weide"
    expected = _expected_search(out, term)
    assert 0 < expected < 13
    from pmiek_werkbank.knooppunten.balance import MAP_STATUS_COLOURS

    cfg = {"url": url, "file_url": "file://" + os.path.join(out, "index.html"), "artifacts": artifacts_dir,
           "axe": os.path.join(node_modules, "axe-core", "axe.min.js"), "chromium": "/usr/bin/chromium",
           "search": term, "search_expected": expected,
           "status_colours": MAP_STATUS_COLOURS}  # the one palette (station fills are checked against it)
    cfg_path = tmp_path / "check.json"
    cfg_path.write_text(json.dumps(cfg))
    proc = subprocess.run(["node", CHECK, str(cfg_path)], capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD="1"))
    with open(os.path.join(ARTIFACTS, "webatlas_browser.json"), "w", encoding="utf-8") as f:
        f.write(proc.stdout or proc.stderr)
    try:
        result = json.loads(proc.stdout)
    except ValueError:
        pytest.fail("webatlas_check.js gaf geen resultaat:\n" + proc.stdout[-3000:] + proc.stderr[-3000:])
    assert result["failures"] == [], json.dumps(result, indent=1)[:6000]
    assert proc.returncode == 0
    checks = result["checks"]
    for name in ("map_click_opens_fiche", "list_click_opens_fiche", "keyboard_opens_fiche",
                 "horizon_year_changes_colours", "direction_changes_colours", "developments_positions",
                 "search_filters_list", "search_filters_map", "status_filter", "axe_index", "axe_fiche", "phone_no_horizontal_scroll",
                 "file_url_fiche", "station_tooltip", "no_console_errors"):
        assert checks[name]["ok"], name
    assert result["projects"] == 13
    for png in ("webatlas_overzicht.png", "webatlas_fiche.png", "webatlas_telefoon.png", "webatlas_zoeken.png"):
        path = os.path.join(artifacts_dir, png)
        assert os.path.getsize(path) > 10_000, png
