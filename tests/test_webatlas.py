"""The web atlas (issue 17): pmiek:exportwebatlas on the sample, read back file by file (no browser here;
tests/test_webatlas_browser.py opens it in chromium)."""

import json
import os
import re
import shutil

import pytest
from conftest import run_alg

_KEEP = []
CONFIDENTIAL_ID = "UT-P08"  # the sample's confidential project (Batterijpark Oudenrijn)
CONFIDENTIAL_NAME = "Batterijpark Oudenrijn"


def read_js(path):
    """The JSON value a data/*.js file assigns to its global."""
    text = open(path, encoding="utf-8").read()
    m = re.match(r"window\.\w+ = JSON\.parse\((.*)\);\n$", text, re.S)
    assert m, path
    return json.loads(json.loads(m.group(1)))


def all_files(folder):
    for root, _, files in os.walk(folder):
        for f in files:
            yield os.path.join(root, f)


def file_text(path):
    with open(path, "rb") as f:
        return f.read().decode("utf-8", errors="replace")


@pytest.fixture(scope="module")
def sample_atlas(tmp_path_factory, sample_dir, qgis_processing):
    """The sample exported once (copied werkbank, default parameters)."""
    from qgis.core import QgsApplication

    from pmiek_werkbank.provider.provider import PmiekProvider

    registry = QgsApplication.processingRegistry()
    if registry.providerById("pmiek") is None:
        provider = PmiekProvider()
        registry.addProvider(provider)
        _KEEP.append(provider)
    tmp = tmp_path_factory.mktemp("webatlas")
    wb = str(tmp / "werkbank.gpkg")
    shutil.copyfile(os.path.join(sample_dir, "voorbeeld_werkbank.gpkg"), wb)
    out = str(tmp / "webatlas")
    res = run_alg("pmiek:exportwebatlas", {"WERKBANK": wb, "OUTPUT_FOLDER": out})
    return wb, out, res


def test_folder_layout_and_vendored_licence(sample_atlas):
    wb, out, res = sample_atlas
    assert res["OUTPUT_FOLDER"] == out and res["INDEX"] == os.path.join(out, "index.html")
    for rel in ("index.html", "LEESMIJ.txt", "data/atlas.js", "data/geo.js", "data/areas.js", "data/developments.js",
                "assets/atlas.js", "assets/atlas.css", "assets/fiche.css", "vendor/leaflet/leaflet.js",
                "vendor/leaflet/leaflet.css", "vendor/leaflet/LICENSE"):
        assert os.path.isfile(os.path.join(out, rel)), rel
    assert "BSD 2-Clause" in file_text(os.path.join(out, "vendor/leaflet/LICENSE"))
    index = file_text(os.path.join(out, "index.html"))
    # everything is local: no script, style or data from the internet (no fetch either: data are scripts)
    assert not re.search(r'(src|href)="(https?:)?//', index)
    assert "fetch(" not in file_text(os.path.join(out, "assets/atlas.js"))
    assert res["BYTES"] == sum(os.path.getsize(p) for p in all_files(out))
    assert res["BYTES"] < 2_000_000


def test_same_projects_ranks_and_balance_as_the_paper_atlas(sample_atlas):
    """Project list, ranks and station balance come from the export context (the same facts as the atlas)."""
    from pmiek_werkbank.export.context import gather
    from pmiek_werkbank.werkbank import open_werkbank

    wb_path, out, res = sample_atlas
    with open_werkbank(wb_path, readonly=True) as wb:
        data = gather(wb)
    site = read_js(os.path.join(out, "data", "atlas.js"))
    rows = site["projects"]
    assert [r["id"] for r in rows] == [p["project_id"] for p in data.all_projects]
    assert res["PROJECTS"] == len(rows) == 13  # 14 in the sample, one confidential
    assert [r["rank"] for r in rows] == [p["rank"] for p in data.all_projects]
    assert [r["range"] for r in rows] == [p.get("rank_range", "") for p in data.all_projects]
    assert any(r["rank"] == 1 for r in rows)
    assert [r["status"] for r in rows if r["status"] == "afgevallen"] == ["afgevallen"]
    # every fiche station's balance per year (afname and teruglevering) is the fiche's
    stations = {s["id"]: s for s in site["stations"]}
    compared = 0
    for p in data.all_projects:
        if not p.get("balance_computed"):
            continue
        for b in p["balance"]:
            y = stations[p["station_id"]]["years"][str(b["year"])]
            assert y["a"] == (b["status"] or "") and y["t"] == (b.get("supply_status") or "")
            compared += 1
    assert compared >= 9
    assert site["meta"]["years"] == [2025, 2030, 2035]
    # the MW figures come formatted by the plugin's Dutch formatter: '12,5 MW', never '12.5 MW'
    from pmiek_werkbank.formatting import fmt_num

    texts = [v for s in site["stations"] for y in s["years"].values() for v in y["v"].split("|") if v]
    assert texts and all(re.fullmatch(r"-?\d+(\u2009\d{3})*(,\d)?", t) for t in texts), texts[:5]
    assert any("," in t for t in texts)
    for p in data.all_projects:
        for b in p["balance"] if p.get("balance_computed") else []:
            v = stations[p["station_id"]]["years"][str(b["year"])]["v"].split("|")
            assert v[0] == fmt_num(b["afname_mw"]) and v[1] == fmt_num(b["demand_mw"])
            assert v[5] == fmt_num(b["balance_teruglevering_mw"])


def test_map_data_is_light_wgs84(sample_atlas):
    wb, out, _ = sample_atlas
    geo = read_js(os.path.join(out, "data", "geo.js"))
    devs = read_js(os.path.join(out, "data", "developments.js"))
    areas = read_js(os.path.join(out, "data", "areas.js"))
    assert len(devs["d"]) == 4 * 300 and devs["scale"] == 10000
    lons, lats = devs["d"][0::4], devs["d"][1::4]
    assert 4.7e4 < min(lons) and max(lons) < 5.7e4 and 51.8e4 < min(lats) and max(lats) < 52.4e4

    def coords(g):
        if isinstance(g[0], (int, float)):
            yield g
        else:
            for c in g:
                yield from coords(c)

    for fc in (geo["projects"], geo["knooppunten"], geo["gemeenten"], areas["afname"], areas["teruglevering"]):
        assert fc["features"]
        for f in fc["features"]:
            for x, y in coords(f["geometry"]["coordinates"]):
                assert 4.5 < x < 6.0 and 51.7 < y < 52.5
                assert round(x, 5) == x and round(y, 5) == y
    assert len(geo["projects"]["features"]) == 13
    assert len(geo["gemeenten"]["features"]) == 26  # the municipalities of Utrecht
    # capacity areas dissolved: at most one feature per colour and direction
    assert sorted(f["properties"]["c"] for f in areas["afname"]["features"]) == ["geel", "oranje", "rood"]


def test_fiche_pages_use_the_fiche_template_with_provenance(sample_atlas):
    from pmiek_werkbank.werkbank import open_werkbank

    wb_path, out, _ = sample_atlas
    with open_werkbank(wb_path, readonly=True) as wb:
        prog = wb.programme()
    site = read_js(os.path.join(out, "data", "atlas.js"))
    pages = [os.path.join(out, "index.html")]
    for r in site["projects"]:
        page = os.path.join(out, r["fiche"])
        pages.append(page)
        html = file_text(page)
        for heading in ("Algemene gegevens", "Narratief", "Reden van opname", "Afwegingskader", "Capaciteitsbalans"):
            assert heading in html, (page, heading)
        assert r["name"] in html
        img = re.search(r'<img class="map" src="([^"]+)" alt="Kaart van ', html)
        assert img, page
        svg = file_text(os.path.join(out, "fiches", img.group(1)))
        assert svg.startswith("<svg") and "<title>Kaart van " in svg and '"#e6007e"' in svg  # the project
        assert 'href="../index.html#p={}"'.format(r["id"]) in html
    for page in pages:  # provenance on every page: programme, round, peildatum, sources, disclaimer
        html = file_text(page)
        assert prog["name"] in html and "pMIEK 2.0" in html
        assert "peildatum 1 juli 2025" in html
        assert "Bronnen:" in html
        assert prog["disclaimer"][:40] in html


def test_no_confidential_project_anywhere(sample_atlas):
    wb, out, _ = sample_atlas
    n = 0
    for path in all_files(out):
        text = file_text(path)
        assert CONFIDENTIAL_ID not in text, path
        assert CONFIDENTIAL_NAME not in text, path
        n += 1
    assert n > 30


def test_confidential_marker_only_when_asked(sample_dir, tmp_path, pmiek_provider):
    """Every text field of the confidential project carries a marker; it is in no file unless
    INCLUDE_CONFIDENTIAL, and then every page says that the atlas contains confidential projects."""
    from pmiek_werkbank.export.context import gather
    from pmiek_werkbank.werkbank import open_werkbank

    wb_path = str(tmp_path / "werkbank.gpkg")
    shutil.copyfile(os.path.join(sample_dir, "voorbeeld_werkbank.gpkg"), wb_path)
    marker = "GEHEIMXQ17"
    with open_werkbank(wb_path) as wb:
        row = wb.query("SELECT * FROM projects WHERE project_id = ?", (CONFIDENTIAL_ID,))[0]
        changes = {c: "{} {}".format(marker, c) for c in ("name", "location_description", "municipalities",
                                                           "narrative", "reason_inclusion", "parties",
                                                           "planning", "status_reason", "financial_note")}
        wb.update_row("projects", CONFIDENTIAL_ID, changes, int(row["row_version"]))
        notice = gather(wb, include_confidential=True, with_extents=False).confidential_notice
    assert notice
    closed = str(tmp_path / "openbaar")
    run_alg("pmiek:exportwebatlas", {"WERKBANK": wb_path, "OUTPUT_FOLDER": closed})
    for path in all_files(closed):
        text = file_text(path)
        assert marker not in text and CONFIDENTIAL_ID not in text, path
        assert notice not in text, path
    opened = str(tmp_path / "intern")
    res = run_alg("pmiek:exportwebatlas", {"WERKBANK": wb_path, "OUTPUT_FOLDER": opened,
                                           "INCLUDE_CONFIDENTIAL": True})
    assert res["PROJECTS"] == 14
    assert marker in file_text(os.path.join(opened, "data", "atlas.js"))
    htmls = [p for p in all_files(opened) if p.endswith(".html")]
    assert len(htmls) == 15
    for path in htmls:
        assert notice in file_text(path), path
    assert notice in file_text(os.path.join(opened, "LEESMIJ.txt"))


def test_title_basemap_and_previous_round(sample_dir, tmp_path, pmiek_provider):
    from pmiek_werkbank.werkbank import open_werkbank

    previous = str(tmp_path / "ronde_1.gpkg")
    live = str(tmp_path / "ronde_2.gpkg")
    shutil.copyfile(os.path.join(sample_dir, "voorbeeld_werkbank.gpkg"), previous)
    shutil.copyfile(previous, live)
    with open_werkbank(live) as wb:
        row = wb.query("SELECT * FROM projects WHERE code = '12'")[0]
        wb.update_row("projects", row["project_id"], {"ibn_year": int(row["ibn_year"]) + 2}, int(row["row_version"]))
    url = "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/{z}/{x}/{y}.png"
    out = str(tmp_path / "atlas")
    run_alg("pmiek:exportwebatlas", {"WERKBANK": live, "OUTPUT_FOLDER": out, "TITLE": "Energieatlas <Utrecht>",
                                     "BASEMAP_URL": url, "PREVIOUS_ROUND": previous})
    index = file_text(os.path.join(out, "index.html"))
    assert "<title>Energieatlas &lt;Utrecht&gt;</title>" in index
    assert "Verschillen ten opzichte van de vorige ronde" in index
    assert "IBN-jaar" in index and str(int(row["ibn_year"]) + 2) in index
    meta = read_js(os.path.join(out, "data", "atlas.js"))["meta"]
    assert meta["basemap"] == {"url": url, "attribution": "Achtergrondkaart: service.pdok.nl"}
    # without BASEMAP_URL nothing points to the internet
    plain = str(tmp_path / "plain")
    run_alg("pmiek:exportwebatlas", {"WERKBANK": live, "OUTPUT_FOLDER": plain})
    assert read_js(os.path.join(plain, "data", "atlas.js"))["meta"]["basemap"] is None
    assert "Verschillen" not in file_text(os.path.join(plain, "index.html"))


def test_bad_input_and_folders(sample_dir, tmp_path, pmiek_provider):
    from qgis.core import QgsProcessingException

    wb = str(tmp_path / "werkbank.gpkg")
    shutil.copyfile(os.path.join(sample_dir, "voorbeeld_werkbank.gpkg"), wb)
    with pytest.raises(QgsProcessingException, match="BASEMAP_URL"):
        run_alg("pmiek:exportwebatlas", {"WERKBANK": wb, "OUTPUT_FOLDER": str(tmp_path / "a"),
                                         "BASEMAP_URL": "file:///etc/passwd"})
    assert not os.path.exists(tmp_path / "a")
    foreign = tmp_path / "documenten"
    foreign.mkdir()
    (foreign / "brief.txt").write_text("niet weggooien")
    with pytest.raises(QgsProcessingException, match="niet leeg"):
        run_alg("pmiek:exportwebatlas", {"WERKBANK": wb, "OUTPUT_FOLDER": str(foreign)})
    assert os.listdir(foreign) == ["brief.txt"]
    # an earlier web atlas is replaced (no stale fiche pages), and no build folder is left behind
    out = tmp_path / "atlas"
    run_alg("pmiek:exportwebatlas", {"WERKBANK": wb, "OUTPUT_FOLDER": str(out)})
    (out / "fiches" / "oud.html").write_text("oud")
    run_alg("pmiek:exportwebatlas", {"WERKBANK": wb, "OUTPUT_FOLDER": str(out)})
    assert not (out / "fiches" / "oud.html").exists() and (out / "index.html").exists()
    assert not [n for n in os.listdir(tmp_path) if n.startswith(".webatlas-")]


def test_cancel_writes_nothing(sample_dir, tmp_path):
    from pmiek_werkbank.export.context import gather
    from pmiek_werkbank.export.webatlas import Cancelled, export_webatlas
    from pmiek_werkbank.werkbank import open_werkbank

    class Feedback:
        calls = 0

        def isCanceled(self):  # noqa: N802
            self.calls += 1
            return self.calls > 2

        def setProgress(self, v):  # noqa: N802
            pass

    out = tmp_path / "atlas"
    with open_werkbank(os.path.join(sample_dir, "voorbeeld_werkbank.gpkg"), readonly=True) as wb:
        data = gather(wb)
        with pytest.raises(Cancelled):
            export_webatlas(wb, data, str(out), feedback=Feedback())
    assert os.listdir(tmp_path) == []


def test_export_dialog_button_writes_web_atlas(qgis_iface, qgis_new_project, sample_dir, tmp_path):
    """The export dialog's 'Web-atlas exporteren' button: only the web atlas, in <uitvoermap>/webatlas."""
    from pmiek_werkbank.dialogs.export_dialog import ExportDialog, ExportTask
    from pmiek_werkbank.layers.project import Session

    wb = str(tmp_path / "werkbank.gpkg")
    shutil.copyfile(os.path.join(sample_dir, "voorbeeld_werkbank.gpkg"), wb)
    session = Session()
    session.set_werkbank(wb)
    dlg = ExportDialog(qgis_iface, session)
    try:
        assert dlg.web_button.text() == "Web-atlas exporteren"
        out = tmp_path / "uitvoer"
        dlg.folder.setText(str(out))
        # the same steps as the button (start -> background gather -> _gathered), the gather run synchronously
        dlg._opts = dlg.options()
        dlg._opts.update(fiches=False, atlas=False, lists=False, webatlas=True)
        task = ExportTask(wb, dlg._opts)
        assert task.run() and task.data is not None
        dlg.task = task
        dlg._busy(True)
        dlg._gathered()
        assert sorted(os.listdir(out)) == ["webatlas"]
        assert (out / "webatlas" / "index.html").exists()
        assert dlg.progress.value() == 100 and dlg.web_button.isEnabled()
        assert len(read_js(str(out / "webatlas" / "data" / "atlas.js"))["projects"]) == 13
    finally:
        dlg.cleanup()
        dlg.close()


def test_export_task_gathers_on_the_task_managers_thread_again_and_again(qgis_iface, sample_dir, tmp_path):
    """The export dialog's ExportTask runs on QGIS's task manager (a pooled worker thread): three exports in a row
    each gather the same projects as a gather on the main thread.  With pyproj 3.7 the second one on the same thread crashed QGIS 3.40
    (deps.keep_proj_context)."""
    from helpers import process_events_until
    from qgis.core import QgsApplication

    from pmiek_werkbank.dialogs.export_dialog import ExportTask

    from pmiek_werkbank.export.context import gather
    from pmiek_werkbank.werkbank import open_werkbank

    wb = str(tmp_path / "werkbank.gpkg")
    shutil.copyfile(os.path.join(sample_dir, "voorbeeld_werkbank.gpkg"), wb)
    with open_werkbank(wb, readonly=True) as w:
        want = [p["project_id"] for p in gather(w, order="rank").projects]
    assert len(want) >= 10
    for _ in range(3):
        done = []
        task = ExportTask(wb, {"include_confidential": False, "order": "rank", "project_ids": None})
        task.taskCompleted.connect(lambda done=done: done.append("ok"))
        task.taskTerminated.connect(lambda done=done: done.append("fout"))
        QgsApplication.taskManager().addTask(task)
        process_events_until(lambda done=done: bool(done))
        assert done == ["ok"], task.error
        assert task.error is None and [p["project_id"] for p in task.data.projects] == want


# A valid 21-point polygon of a simplified national union of capacity areas (bench data, EPSG:28992) on which GEOS's
# rectangle clip throws "Invalid number of points in LinearRing found 3" for the box of a fiche map below: the web
# atlas export stopped with that text at national size.
_CLIP_TRAP = (
    "POLYGON ((218761.02195483845 569613.0050389186, 219976.79243341179 569519.3661865967, 219178.36631139892 "
    "567254.833747893, 220889.6003839132 572108.3135634759, 222531.8075577637 571062.4284892279, 223518.28295093554 "
    "570939.7325879527, 223688.8678584346 570807.1588497416, 223834.36189150377 570342.3179447084, 223859.1602032597 "
    "568609.9262484312, 222689.42563987407 568189.4224862654, 221753.66542759602 569449.8029308253, 220656.6521936855 "
    "568640.6338565082, 222171.53775358867 567660.5812620325, 222142.8837992566 567269.7682938884, 221952.03550844593 "
    "566293.0600132168, 221406.16966330667 566258.3342155728, 220915.9950786393 566494.8792530606, 219688.47963797353 "
    "566364.8748197175, 219134.84026933374 567131.3832100567, 217116.12040961473 567888.2429638789, 218761.02195483845 "
    "569613.0050389186))")
_CLIP_BOX = (188742.5796885815, 515737.22205607116, 281136.9982807862, 567709.0825141863)


def test_fiche_map_clip_survives_a_geos_clip_failure():
    import shapely

    from pmiek_werkbank.export.webatlas.geo import SvgMap, clip_to_box

    trap = shapely.from_wkt(_CLIP_TRAP)
    fine = shapely.box(200000, 520000, 201000, 521000)
    got = clip_to_box([fine, trap], _CLIP_BOX)
    assert shapely.equals(got[0], fine)  # the others keep the fast clip
    expected = shapely.intersection(trap, shapely.box(*_CLIP_BOX))
    assert abs(shapely.area(got[1]) - shapely.area(expected)) < 1e-6 * shapely.area(expected)
    assert shapely.area(got[1]) > 0
    m = SvgMap(_CLIP_BOX, margin=0)
    m.add([fine, trap], fill="#f00", stroke="none")  # raised with GEOS 3.11 (QGIS 3.22 here)
    assert len(m.parts) == 1 and m.parts[0].count("M") == 2  # both drawn


def test_fiche_map_capaciteitskaart_is_the_clip_of_the_merged_colours(sample_atlas):
    """Each fiche map draws the capaciteitskaart from the parts of each merged colour that lie in view (a tree
    query; clipping the whole national union per map took a minute): the same rings as clipping the merged colour
    itself, for every fiche of the sample, and some map shows some."""
    import re as _re

    import numpy as np
    import shapely

    from pmiek_werkbank.export.context import gather
    from pmiek_werkbank.export.webatlas.maps import LEVELS, FicheMaps
    from pmiek_werkbank.export.webatlas.geo import SvgMap
    from pmiek_werkbank.werkbank import open_werkbank

    def rings(parts):
        return sorted(r for part in parts if 'opacity="0.35"' in part for r in _re.findall(r"M[^MZ]*Z", part))

    wb_path = sample_atlas[0]
    shown = 0
    with open_werkbank(wb_path, readonly=True) as wb:
        data = gather(wb)
        maps = FicheMaps(wb, data)
        for p in data.projects:
            if not p.get("extent"):
                continue
            new = SvgMap(p["extent"])
            old = SvgMap(p["extent"])
            box = shapely.box(*new.box)
            layers, _borders = maps.levels[max(t for t in LEVELS if t <= 0.5 / new.scale)]
            for fill, parts, tree in layers:
                near = np.sort(tree.query(box))
                if len(near):
                    new.add(parts[near], fill=fill, stroke="none", opacity=0.35)
                old.add(shapely.multipolygons(parts), fill=fill, stroke="none", opacity=0.35)
            assert rings(new.parts) == rings(old.parts), p["project_id"]
            full = maps.svg(p)
            assert all(r in full for r in rings(new.parts))
            shown += bool(rings(new.parts))
    assert shown > 0
