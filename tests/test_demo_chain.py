"""`make demo`'s chain, headless with qgis_process.bin, from raw sample files to atlas and lists.

The werkbank the Processing chain builds must hold what the sample builder put
into resources/sample/voorbeeld_werkbank.gpkg by direct mapping: same counts,
same MW totals, same links and scores.
"""

import json
import os
import subprocess

import pytest
from conftest import BUILD, ROOT
from helpers import pdf_pages, pdf_text

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("demo") / "uitvoer")
    env = dict(os.environ)
    for var in ("QGIS_CUSTOM_CONFIG_PATH", "QGIS_OPTIONS_PATH"):
        env.pop(var, None)
    env.update({"QGIS_PLUGINPATH": BUILD, "DEMO_OUT": out, "QT_QPA_PLATFORM": "offscreen"})
    r = subprocess.run(["bash", os.path.join(ROOT, "scripts", "demo.sh")], env=env, capture_output=True, text=True,
                       timeout=900)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert "Klaar: de hele keten draaide headless" in r.stdout
    return out


def _results(out, tag):
    text = open(os.path.join(out, "logboek", tag + ".txt.json"), encoding="utf-8").read()
    return json.JSONDecoder().raw_decode(text[text.index("{"):])[0]["results"]


def test_chain_matches_sample_werkbank(demo_out, sample_dir):
    from pmiek_werkbank.werkbank import open_werkbank

    with open_werkbank(os.path.join(demo_out, "werkbank.gpkg"), readonly=True) as chain, \
            open_werkbank(os.path.join(sample_dir, "voorbeeld_werkbank.gpkg"), readonly=True) as sample:
        for table in ("stations", "station_capacity", "capacity_areas", "developments", "knooppunten", "projects",
                      "project_links", "scores", "actions", "monitoring"):
            assert chain.count(table) == sample.count(table), table
        for col in ("demand_mw", "supply_mw"):
            a = chain.read_frame("developments", geometry=False)[col].sum()
            b = sample.read_frame("developments", geometry=False)[col].sum()
            assert a == pytest.approx(b, rel=1e-9), col
        links_a = chain.read_frame("project_links")[["project_id", "dev_id"]]
        links_b = sample.read_frame("project_links")[["project_id", "dev_id"]]
        assert set(map(tuple, links_a.values)) == set(map(tuple, links_b.values))
        sa = chain.read_frame("scores")[["project_id", "criterion_id", "assessor", "rating"]]
        sb = sample.read_frame("scores")[["project_id", "criterion_id", "assessor", "rating"]]
        assert set(map(tuple, sa.values)) == set(map(tuple, sb.values))
        geo = chain.read_frame("projects")
        assert geo.geometry.notna().all(), "elk project heeft een geometrie (punt uit x/y, lijn/vlak uit de laag)"
        # The line/polygon layers (few columns) must not blank what the Excel list brought in.
        pa = geo.set_index("project_id")
        pb = sample.read_frame("projects", geometry=False).set_index("project_id")
        for col in ("name", "location_description", "municipalities", "type_infra", "energy_carrier",
                    "netbeheerder", "phase", "ibn_year", "investment_eur", "financial_cover", "parties",
                    "narrative", "reason_inclusion", "status", "status_reason", "station_id", "knooppunt_id",
                    "capacity_afname_mw", "confidential", "dependencies_pmiek", "dependencies_outside"):
            for pid in pb.index:
                a, b = pa.loc[pid, col], pb.loc[pid, col]
                if b is None or b != b:
                    continue
                if col == "narrative":  # the list's 'Sectoren en ontwikkelingen' column is appended to it
                    assert str(a).startswith(str(b)), (pid, col)
                elif isinstance(b, float) or isinstance(a, float):
                    assert float(a) == pytest.approx(float(b)), (pid, col)
                else:
                    assert str(a) == str(b), (pid, col, a, b)


def test_chain_outputs_are_readable(demo_out):
    from openpyxl import load_workbook

    assert _results(demo_out, "importstations")["IMPORTED"] == 15
    assert _results(demo_out, "importlinks")["INSERTED"] == 226
    fiches = _results(demo_out, "exportfiches")
    atlas = os.path.join(demo_out, "energyboard_atlas.pdf")
    assert pdf_pages(atlas) == fiches["PAGES"]
    text = pdf_text(atlas)
    for heading in ("Energyboard-atlas", "Projectenlijst", "Algemene gegevens", "Narratief", "Reden van opname",
                    "Uitvoeringsafspraken", "Capaciteitsbalans", "FICTIEF VOORBEELD"):
        assert heading in text, heading
    pdfs = [f for f in os.listdir(os.path.join(demo_out, "fiches")) if f.endswith(".pdf")]
    assert len(pdfs) == fiches["FICHES"] == 12  # 14 projects minus 1 confidential minus 1 afgevallen
    wb = load_workbook(os.path.join(demo_out, "projectenlijst.xlsx"), read_only=True)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    assert len(rows) - 1 == _results(demo_out, "exportlists")["ROWS"] == 13  # all but the confidential one
    with open(os.path.join(demo_out, "uitwisselpakket", "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    assert manifest["tabellen"]["projects"]["rijen"] == 13  # confidential project left out


def test_chain_writes_web_atlas(demo_out):
    """make demo also writes the sample's web atlas (issue 17); confidential projects are left out."""
    res = _results(demo_out, "exportwebatlas")
    assert res["PROJECTS"] == 13 and res["INDEX"] == os.path.join(demo_out, "webatlas", "index.html")
    assert os.path.isfile(res["INDEX"]) and os.path.isfile(os.path.join(demo_out, "webatlas", "data", "atlas.js"))
