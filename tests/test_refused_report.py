"""A STRICT import that is refused writes its report too (with every problem that refused it, row and field);
nothing in the werkbank changes.  Fictief voorbeeld."""

import csv

import pytest
from conftest import run_alg
from helpers import table_digest


def _report_rows(path):
    with open(path, encoding="utf-8-sig") as f:
        return [(r["rij"], r["bron_id"], r["veld"], r["probleem"], r["ernst"]) for r in csv.DictReader(f, delimiter=";")]


def test_refused_projectenlijst_writes_its_report(pmiek_provider, werkbank_path, tmp_path):
    import openpyxl
    from qgis.core import QgsProcessingException

    wbk = openpyxl.Workbook()
    ws = wbk.active
    ws.append(["Projectnr", "Projectnaam", "ibn_jaar", "status"])
    ws.append(["ZP-1", "Batterij Oost", 2030, "kandidaat"])
    ws.append(["ZP-2", "Laadplein", "binnenkort", "misschien"])  # line 3: two problems
    src = str(tmp_path / "projecten.xlsx")
    wbk.save(src)
    report = tmp_path / "rapport.csv"
    before = table_digest(werkbank_path)
    with pytest.raises(QgsProcessingException) as exc:
        run_alg("pmiek:importprojects", {"WERKBANK": werkbank_path, "INPUT": src, "STRICT": True,
                                         "REPORT": str(report)})
    assert "de werkbank is niet gewijzigd" in str(exc.value) and "Rapport: {}".format(report) in str(exc.value)
    assert table_digest(werkbank_path) == before
    assert sorted(_report_rows(report)) == [  # named by the number typed in the row, not the id the import makes up
        ("3", "ZP-2", "ibn_jaar", "'binnenkort' is geen jaartal", "fout"),
        ("3", "ZP-2", "status", "'misschien' is geen status (kandidaat, opgenomen, afgevallen)", "fout")]


def test_refused_layer_import_writes_its_report(pmiek_provider, werkbank_path, tmp_path):
    import geopandas as gpd
    from qgis.core import QgsProcessingException
    from shapely.geometry import Point

    path = str(tmp_path / "ontwikkelingen.gpkg")
    gpd.GeoDataFrame({"id": ["W-001", "W-002"], "sector": ["wonen", "zon"], "supply_mw": ["3", "veel"]},
                     geometry=[Point(136000, 456000), Point(140000, 455000)], crs=28992).to_file(path)
    report = tmp_path / "rapport.csv"
    before = table_digest(werkbank_path)
    with pytest.raises(QgsProcessingException) as exc:
        run_alg("pmiek:importdevelopments", {"WERKBANK": werkbank_path, "INPUT": path, "STRICT": True,
                                             "REPORT": str(report)})
    assert "Rapport: {}".format(report) in str(exc.value)
    assert table_digest(werkbank_path) == before
    assert [r for r in _report_rows(report) if r[4] == "fout"] == [
        ("2", "W-002", "supply_mw", "'veel' is geen getal", "fout")]


def test_one_report_beside_the_werkbank_per_run(pmiek_provider, werkbank_path, tmp_path):
    """Without REPORT the report goes beside the werkbank with its CSV twin: one pair per run, accepted or refused
    (the runner writes it; the algorithms no longer write a second one of their own)."""
    import glob
    import os

    import openpyxl
    from qgis.core import QgsProcessingException

    def reports():
        base = os.path.splitext(werkbank_path)[0]
        return sorted(glob.glob(base + "_importrapport_projects_*"))

    def xlsx(name, rows):
        wbk = openpyxl.Workbook()
        for r in rows:
            wbk.active.append(r)
        path = str(tmp_path / name)
        wbk.save(path)
        return path

    assert reports() == []
    ok = xlsx("goed.xlsx", [["Projectnr", "Projectnaam", "ibn_jaar", "status"], ["ZP-1", "Batterij Oost", 2030,
                                                                                  "kandidaat"]])
    res = run_alg("pmiek:importprojects", {"WERKBANK": werkbank_path, "INPUT": ok})
    got = reports()
    assert [os.path.splitext(p)[1] for p in got] == [".csv", ".html"] and res["REPORT"] in got
    for p in got:
        os.remove(p)
    bad = xlsx("fout.xlsx", [["Projectnr", "Projectnaam", "ibn_jaar", "status"], ["ZP-2", "Laadplein", "binnenkort",
                                                                                  "kandidaat"]])
    with pytest.raises(QgsProcessingException) as exc:
        run_alg("pmiek:importprojects", {"WERKBANK": werkbank_path, "INPUT": bad, "STRICT": True})
    got = reports()
    assert [os.path.splitext(p)[1] for p in got] == [".csv", ".html"]
    assert "Rapport: {}".format(got[1]) in str(exc.value)
    assert any("'binnenkort' is geen jaartal" in r[3] for r in _report_rows(got[0]))
