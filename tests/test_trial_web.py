"""User trial of the web atlas (public and energyboard), on a werkbank changed to look unlike the sample: a very
long name, names with & < > quotes and emoji, a project without geometry, a station with no known capacity, no
afgevallen project and a project linked to 150 developments.  Exported with pmiek:exportwebatlas, served on
127.0.0.1 and read in Debian's chromium by tests/browser/webatlas_trial.js (what the pages say; this file asserts).

Findings fixed here (each assertion fails without its fix):
- a fiche page at phone width (390 px) scrolled sideways by 350-460 px (four-column general data, eight-column
  development table);
- a fiche printed from the browser (A4, 10 mm margins) lost the right of the development table (the 'Aandeel'
  column: numbers on screen missing on paper) and printed the web navigation; with the browser's default 'no
  background graphics' its badges were white on white;
- a table that scrolls by itself at phone width could not be reached with the keyboard (axe-core);
- Esc did not close the fiche panel; Enter on a project shape of the map (Tab reaches it) did nothing;
- the station table, the text alternative of the station colours, said '–' for a station the map draws grey
  ('onbekend', no known capacity).
"""

import collections
import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import threading

import pytest
from conftest import ROOT, run_alg
from helpers import pdf_text
from test_webatlas import read_js
from test_webatlas_browser import node_modules  # noqa: F401  (the fixture: chromium, node, npm packages)

TRIAL = os.path.join(ROOT, "tests", "browser", "webatlas_trial.js")
LONG = ("Integrale netversterking & energiehub \"Groot-Amersfoort <Noord>\" met 150 kV-station, waterstofaansluiting, "
        "laadpleinen en warmtenet voor de woonwijken Vathorst, Hooglanderveen en Nieuwland 🔋⚡ fase 1 t/m 3")
_KEEP = []
UNKNOWN_STATION = "osm-356"  # 150kV Soest: its capacity rows are removed


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _unlike_the_sample(path):
    from pmiek_werkbank.knooppunten.links import add_links
    from pmiek_werkbank.werkbank import open_werkbank

    with open_werkbank(path) as wb:
        wb.execute("UPDATE projects SET name = ? WHERE project_id = 'UT-P01'", (LONG,))
        wb.execute("UPDATE projects SET name = ? WHERE project_id = 'UT-P02'",
                   ("Station \"De <Kroon>\" & Zn's ⚡🔌 — Lage Weide",))
        wb.execute("UPDATE projects SET name = ?, geom = NULL WHERE project_id = 'UT-P03'",
                   ("Zonder geometrie: <b>vet</b> & 'quotes' 🏗️",))
        wb.execute("UPDATE projects SET status = 'kandidaat' WHERE project_id = 'UT-P11'")  # no afgevallen
        wb.execute("DELETE FROM station_capacity WHERE station_id = ?", (UNKNOWN_STATION,))
        linked = {r["dev_id"] for r in wb.query("SELECT dev_id FROM project_links WHERE project_id = 'UT-P13'")}
        devs = [r["dev_id"] for r in wb.query("SELECT dev_id FROM developments ORDER BY dev_id")]
        add_links(wb, "UT-P13", [d for d in devs if d not in linked][:150 - len(linked)], share_pct=100.0,
                  motivation="proef <150> & co")


@pytest.fixture(scope="module")
def trial(tmp_path_factory, sample_dir, qgis_processing, node_modules):  # noqa: F811
    from qgis.core import QgsApplication

    from pmiek_werkbank.provider.provider import PmiekProvider

    registry = QgsApplication.processingRegistry()
    if registry.providerById("pmiek") is None:  # as tests/test_webatlas.py: the fixture is module-wide
        _KEEP.append(PmiekProvider())
        registry.addProvider(_KEEP[-1])
    tmp = tmp_path_factory.mktemp("trial_web")
    wb = str(tmp / "werkbank.gpkg")
    shutil.copyfile(os.path.join(sample_dir, "voorbeeld_werkbank.gpkg"), wb)
    _unlike_the_sample(wb)
    out = str(tmp / "webatlas")
    run_alg("pmiek:exportwebatlas", {"WERKBANK": wb, "OUTPUT_FOLDER": out})
    site = read_js(os.path.join(out, "data", "atlas.js"))
    by_id = {p["id"]: p for p in site["projects"]}
    station = next(s for s in site["stations"] if s["id"] == UNKNOWN_STATION)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=out))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    cfg = {"url": "http://127.0.0.1:{}/index.html".format(server.server_address[1]), "chromium": "/usr/bin/chromium",
           "station": station["name"], "print_fiche": by_id["UT-P13"]["fiche"],
           "axe": os.path.join(node_modules, "axe-core", "axe.min.js"),
           "print_pdf": str(tmp / "fiche_afgedrukt.pdf"), "print_default_pdf": str(tmp / "fiche_standaard.pdf"), "phone_png": str(tmp / "fiche_telefoon.png")}
    (tmp / "trial.json").write_text(json.dumps(cfg))
    try:
        proc = subprocess.run(["node", TRIAL, str(tmp / "trial.json")], capture_output=True, text=True, timeout=600,
                              env=dict(os.environ, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD="1"))
    finally:
        server.shutdown()
        server.server_close()
    try:
        seen = json.loads(proc.stdout)
    except ValueError:
        pytest.fail("webatlas_trial.js gaf geen resultaat:\n" + proc.stdout[-3000:] + proc.stderr[-3000:])
    assert "exception" not in seen, seen.get("exception")
    return seen, cfg, site


def test_trial_werkbank_is_unlike_the_sample(trial):
    seen, cfg, site = trial
    names = {p["id"]: p["name"] for p in site["projects"]}
    assert names["UT-P01"] == LONG and "<Kroon>" in names["UT-P02"]
    assert not any(p["status"] == "afgevallen" for p in site["projects"])
    assert seen["console_errors"] == []


def test_fiche_pages_do_not_scroll_sideways_at_phone_width(trial):
    seen, cfg, site = trial
    assert len(seen["phone_overflow"]) == len(site["projects"]) == 13
    assert {pid: px for pid, px in seen["phone_overflow"].items() if px > 1} == {}
    assert seen["axe_phone"] == []  # a table that scrolls by itself is reachable with the keyboard


def test_printed_fiche_has_every_number_of_the_screen(trial):
    """Screen and paper never disagree: every MW and % figure of the fiche page is on the printed A4."""
    seen, cfg, site = trial
    # Dutch figures of the one formatter: '1\u2009234,5 MW', '25 %' (not a year before them: '2027   2,5 MW'); a
    # printed line may break between number and unit ('+150' / 'MW': formatting.py writes a plain space)
    figure = re.compile(r"(?<![\d,])\d{1,3}(?:[\u2009\u202f ]\d{3})*(?:,\d+)?\s*(?:MW|%)")

    def figures(text):
        return collections.Counter(re.sub(r"[\s\u2009\u202f]+", " ", m) for m in figure.findall(text))

    screen = figures(seen["screen_text"])
    paper_text = pdf_text(cfg["print_pdf"])
    paper = figures(paper_text)
    shares = sum(n for f, n in screen.items() if f.endswith("%"))
    assert shares >= 150  # the 150 developments' shares (column 'Aandeel'), on screen
    assert screen - paper == collections.Counter(), "op het scherm, niet op papier"
    assert "Terug naar de web-atlas" not in paper_text


def test_escape_closes_the_fiche_and_focus_returns_to_the_list(trial):
    seen, cfg, site = trial
    assert seen["esc_before"] is False
    assert seen["esc_hidden"] is True
    assert seen["esc_focus"] == seen["esc_focus_expected"]
    assert seen["esc_in_frame_hidden"] is True


def test_enter_on_a_project_shape_opens_its_fiche(trial):
    seen, cfg, site = trial
    assert seen["shape"] >= 0 and seen["shape_focusable"]
    assert seen["shape_fiche_hidden"] is False
    assert seen["shape_name"] in seen["shape_fiche_title"]


def test_station_table_says_onbekend_where_the_map_is_grey(trial):
    from pmiek_werkbank.werkbank.enums import balance_status_label

    seen, cfg, site = trial
    station = next(s for s in site["stations"] if s["id"] == UNKNOWN_STATION)
    assert all(y["a"] == "" and y["t"] == "" for y in station["years"].values())  # grey on the map
    assert seen["station_row"] == [balance_status_label("")] * (2 * len(site["meta"]["years"]))
    assert balance_status_label("") == "Onbekend"


def test_printed_fiche_keeps_its_colours_without_background_graphics(trial, tmp_path):
    """Ctrl+P prints no backgrounds by default: the badges (white 'Tekort' on red) turned white on white, the
    section bars and the confidential warning pale grey.  The fiche asks for its own colours on paper."""
    from PIL import Image

    from pmiek_werkbank.knooppunten.balance import MAP_STATUS_COLOURS

    seen, cfg, site = trial
    assert "Tekort" in seen["screen_text"]  # the balance table of this fiche has a 'Tekort' badge on screen
    subprocess.run(["pdftoppm", "-r", "40", "-png", cfg["print_default_pdf"], str(tmp_path / "p")], check=True)

    def count(hex_colour):
        want = tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
        n = 0
        for png in sorted(tmp_path.glob("p*.png")):
            for px in Image.open(png).convert("RGB").getdata():
                n += all(abs(a - b) <= 12 for a, b in zip(px, want))
        return n

    assert count("#14365d") > 10000  # the section bars ('Algemene gegevens', ...), not only the map's thin lines
    assert count(MAP_STATUS_COLOURS["tekort"]) > 120  # the 'Tekort' badge, not only a station dot on the map
