"""An unknown municipality name ('Goess', 'Antwerpen') in developments and projects is a warning naming row and
field, with the closest name of the CBS list the plugin ships when there is one; a municipality of another
province stays a rejection.  Fictief voorbeeld."""

import csv

from conftest import run_alg


def test_developments_unknown_municipality_is_a_warning_with_a_suggestion(werkbank_path):
    import geopandas as gpd
    from shapely.geometry import Point

    from pmiek_werkbank.layers import importers as I
    from pmiek_werkbank.werkbank import open_werkbank

    frame = gpd.GeoDataFrame({"plan_id": ["M-1", "M-2", "M-3", "M-4"], "sector": ["wonen"] * 4,
                              "gemeente": ["Utrecht", "Utreht", "Antwerpen", "Bergen op Zoom"],
                              "jaar": [2030] * 4, "vraag_mw": [1.0] * 4},
                             geometry=[Point(136000 + 500 * i, 456000) for i in range(4)], crs=28992)
    with open_werkbank(werkbank_path) as wb:
        res = I.import_developments(wb, frame, source_name="plannen")
        ids = set(wb.read_frame("developments", geometry=False).dev_id)
    assert ids == {"M-1", "M-2", "M-3"}  # Bergen op Zoom is Noord-Brabant: rejected as before
    got = sorted((p.row, p.field, p.problem, p.severity) for p in res.report.problems
                 if p.field == "gemeente")
    assert got == [
        (2, "gemeente", "'Utreht' is geen gemeente van de CBS-lijst (bedoelt u 'Utrecht'?); toch opgenomen",
         "waarschuwing"),
        (3, "gemeente", "'Antwerpen' is geen gemeente van de CBS-lijst; toch opgenomen", "waarschuwing"),
        (4, "gemeente", "de bron noemt gemeente 'Bergen op Zoom', die ligt in een andere provincie dan Utrecht",
         "fout")]


def test_projects_unknown_municipality_is_a_warning_with_a_suggestion(pmiek_provider, werkbank_path, tmp_path):
    import openpyxl

    wbk = openpyxl.Workbook()
    ws = wbk.active
    ws.append(["Projectnr", "Projectnaam", "Gemeenten"])
    ws.append(["ZP-1", "Station Goes", "Goes; Kapelle"])
    ws.append(["ZP-2", "Laadplein", "Goess en Antwerpen"])
    src = str(tmp_path / "projecten.xlsx")
    wbk.save(src)
    report = tmp_path / "rapport.csv"
    res = run_alg("pmiek:importprojects", {"WERKBANK": werkbank_path, "INPUT": src, "REPORT": str(report)})
    assert (res["INSERTED"], res["REJECTED"]) == (2, 0)
    with open(report, encoding="utf-8-sig") as f:
        got = [(r["rij"], r["bron_id"], r["veld"], r["probleem"], r["ernst"]) for r in csv.DictReader(f, delimiter=";")]
    assert sorted(got) == [
        ("3", "ZP-2", "Gemeenten", "'Antwerpen' is geen gemeente van de CBS-lijst; toch opgenomen",
         "waarschuwing"),
        ("3", "ZP-2", "Gemeenten", "'Goess' is geen gemeente van de CBS-lijst (bedoelt u 'Goes'?); toch "
                                          "opgenomen", "waarschuwing")]
