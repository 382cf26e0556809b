"""Corpus for the one import pipeline (issue 15): province edge, cancel, recodes, duplicates, SOURCE_PREFIX,
REMOVED/SYNC, bounded values, CRS, unreadable cells, station-id spellings, absent columns."""

import os

import pytest
import shapely
from helpers import table_digest

PT = shapely.Point(136000, 456000)  # inside Utrecht


def _gdf(rows, geoms, crs=28992):
    import geopandas as gpd

    df = gpd.GeoDataFrame(rows, geometry=geoms, crs=crs)
    df.insert(0, "_row", range(1, len(df) + 1))
    return df


def _problems(res):
    return [(p.row, p.severity, p.problem) for p in res.report.problems]


# ---- province membership --------------------------------------------------------------------

@pytest.fixture
def nh_werkbank(tmp_path):
    from pmiek_werkbank.werkbank import create_werkbank

    path = str(tmp_path / "nh.gpkg")
    create_werkbank(path, "NH test", "Noord-Holland", province_code="PV27", peildatum="2026-01-01").close()
    return path


def test_province_edge_islands_coast_and_a_neighbour(nh_werkbank):
    """Plans on the coast and on an island just beyond the generalised polygon pass (warning); a plan far out
    at sea does not; a neighbour's plan just across the border passes on geometry alone but is rejected when
    the source names its (Zuid-Holland) municipality."""
    import pyogrio
    from pmiek_werkbank.layers import importers as I
    from pmiek_werkbank.layers import validation as V
    from pmiek_werkbank.werkbank import open_werkbank

    nh = V.province_geometry("PV27")
    # the west coast at y = 505000 (between Castricum and Egmond): the westernmost point of the polygon there
    line = shapely.LineString([(0, 505000), (200000, 505000)]).intersection(nh)
    x_coast = min(shapely.get_coordinates(line)[:, 0])
    gem = pyogrio.read_dataframe(os.path.join(os.path.dirname(V.PROVINCES_GPKG), "gemeenten.gpkg"))
    kaag = gem[gem.gemeentenaam == "Kaag en Braassem"].geometry.iloc[0]
    assert gem[gem.gemeentenaam == "Kaag en Braassem"].provcode.iloc[0] == "PV28"
    across = shapely.point_on_surface(kaag.intersection(nh.buffer(500)).difference(nh))
    assert 0 < shapely.distance(nh, across) <= 500
    inland = shapely.point_on_surface(nh)
    plans = [
        ("strand-1", shapely.Point(x_coast - 1000, 505000), None),   # 1 km beyond the generalised coast
        ("eiland-1", shapely.Point(x_coast - 1900, 505000), None),   # 1.9 km: the islands of the trial
        ("zee-1", shapely.Point(x_coast - 5000, 505000), None),      # 5 km out at sea: not in the province
        ("buur-1", across, None),                                    # just across the border, nothing named
        ("buur-2", across, "Kaag en Braassem"),                      # the same, naming its municipality
        ("binnen-1", inland, "Haarlem"),
    ]
    frame = _gdf({"plan_id": [p[0] for p in plans], "gemeente": [p[2] for p in plans], "sector": ["wonen"] * 6,
                  "jaar": [2030] * 6, "vraag_mw": [1.0] * 6}, [p[1] for p in plans])
    with open_werkbank(nh_werkbank) as wb:
        res = I.import_developments(wb, frame, source_name="plannen")
        ids = set(wb.read_frame("developments", geometry=False).dev_id)
    assert ids == {"strand-1", "eiland-1", "buur-1", "binnen-1"}
    probs = _problems(res)
    warn = {r for r, s, t in probs if s == "waarschuwing" and "binnen de tolerantie van 2\u2009000 m" in t}
    assert warn == {1, 2, 4}
    assert any(r == 3 and s == "fout" and "ligt buiten de provincie Noord-Holland" in t for r, s, t in probs)
    assert any(r == 5 and s == "fout" and "gemeente 'Kaag en Braassem'" in t for r, s, t in probs)
    # the same rule with TOLERANCE 0: only the inland plan (and nothing borderline) passes
    with open_werkbank(nh_werkbank) as wb:
        res0 = I.import_developments(wb, frame, source_name="plannen0", source_prefix="t0", tolerance=0)
    assert res0.imported == 1 and res0.frame.dev_id.tolist() == ["t0-binnen-1"]


def test_capacity_area_touching_by_a_sliver_is_a_neighbour(werkbank_path):
    from pmiek_werkbank.layers import importers as I
    from pmiek_werkbank.layers import validation as V
    from pmiek_werkbank.werkbank import open_werkbank

    ut = V.province_geometry("PV26")
    # an area outside Utrecht that overlaps it by a 100 m sliver, and one reaching 5 km in
    minx, miny, maxx, maxy = ut.bounds
    y = (miny + maxy) / 2
    line = shapely.LineString([(minx - 1, y), (maxx + 1, y)]).intersection(ut)
    x_east = max(shapely.get_coordinates(line)[:, 0])
    sliver = shapely.box(x_east - 100, y - 500, x_east + 20000, y + 500)
    deep = shapely.box(x_east - 5000, y - 500, x_east + 3000, y + 500)
    frame = _gdf({"voedingsgebied_id": ["VG-buur", "VG-grens"], "afname": [3, 2]}, [sliver, deep])
    with open_werkbank(werkbank_path) as wb:
        res = I.import_capacity_map(wb, frame, source_name="kaart")
    assert res.frame.area_id.tolist() == ["VG-grens"]
    assert any(p.row == 1 and p.severity == "fout" and "buiten de provincie" in p.problem for p in res.report.problems)


# ---- cancel ---------------------------------------------------------------------------------------

class _Feedback:
    def __init__(self, cancel_after):
        self.calls = 0
        self.cancel_after = cancel_after

    def isCanceled(self):  # noqa: N802 - QgsFeedback API
        self.calls += 1
        return self.calls > self.cancel_after


def test_cancel_mid_read_raises_and_mid_write_rolls_back(werkbank_path, tmp_path):
    from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsVectorLayer

    from pmiek_werkbank.layers import importers as I
    from pmiek_werkbank.layers.qgis_io import layer_to_frame
    from pmiek_werkbank.werkbank import open_werkbank

    layer = QgsVectorLayer("Point?crs=EPSG:28992&field=plan_id:string&field=sector:string&field=vraag_mw:double",
                           "plannen", "memory")
    feats = []
    for k in range(10):
        f = QgsFeature(layer.fields())
        f.setAttributes(["P{}".format(k), "wonen", 1.0])
        f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(136000 + k, 456000)))
        feats.append(f)
    layer.dataProvider().addFeatures(feats)
    with pytest.raises(I.ImportCancelled, match="geannuleerd; er is niets geschreven"):
        layer_to_frame(layer, _Feedback(cancel_after=4))  # cancelled after 3 of 10 features
    frame = layer_to_frame(layer, _Feedback(cancel_after=10 ** 6))
    assert len(frame) == 10
    before = table_digest(werkbank_path)
    with open_werkbank(werkbank_path) as wb:
        fb = _Feedback(cancel_after=1)  # the check before the write passes, the one inside the transaction not
        with pytest.raises(I.ImportCancelled):
            I.import_developments(wb, frame, source_name="plannen", feedback=fb)
        assert fb.calls == 2
    assert table_digest(werkbank_path) == before


# ---- recodes, duplicates, prefix, removed ---------------------------------------------------------------

def test_recodes_duplicates_prefix_removed_and_sync(werkbank_path, tmp_path):
    from pmiek_werkbank.layers import importers as I
    from pmiek_werkbank.werkbank import open_werkbank

    frame = _gdf({"plan_id": ["1", "2", "2", "3", "4"],
                  "planstatus": ["1A onherroepelijk", "3 plan/besluit in voorbereiding", "4", "Eigen status",
                                 "4 visie/intentie"],
                  "sector": ["woningbouw", "wonen", "wonen", "wonen", "wonen"], "jaar": [2030, None, 2030, 2031, 2032],
                  "woningen": [100, 200, 300, 400, 500]}, [PT] * 5)
    own = tmp_path / "eigen.csv"
    own.write_text("veld;bronwaarde;code\nfase;Eigen status;realisatie\n", encoding="utf-8")
    with open_werkbank(werkbank_path) as wb:
        res = I.import_developments(wb, frame, {"phase": "planstatus", "units": "woningen"}, source_name="monitor",
                                    source_prefix="mon", recode=str(own))
        dev = wb.read_frame("developments", geometry=False).set_index("dev_id")
    assert sorted(dev.index) == ["mon-1", "mon-2", "mon-3", "mon-4"]
    assert dev.phase.to_dict() == {"mon-1": "besluitvorming", "mon-2": "planvorming", "mon-3": "realisatie",
                                   "mon-4": "idee"}
    assert dev.loc["mon-1", "sector"] == "wonen" and dev.loc["mon-1", "source_id"] == "1"
    probs = _problems(res)
    assert (3, "fout", "id 'mon-2' komt al voor in rij 2 (die rij is behouden); rij 3 is afgekeurd") in probs
    # the year missing in row 2 and the kengetal used are warnings, counted
    assert any(r == 2 and s == "waarschuwing" and "jaar gereed ontbreekt" in t for r, s, t in probs)
    assert res.report.assumed == {"year": 1, "kengetal": 4}
    assert sum(1 for r, s, t in probs if s == "waarschuwing" and "MW afgeleid met kengetal" in t) == 4
    used = {(v, c, t) for _f, v, c, t, _n in res.report.recodes}
    assert ("1A onherroepelijk", "besluitvorming", "planstatus_fase.csv") in used
    assert ("Eigen status", "realisatie", "eigen.csv") in used
    assert ("woningbouw", "wonen", "sectoren.csv") in used
    html = tmp_path / "r.html"
    res.report.write(str(html))
    assert "Hercoderingen gebruikt" in html.read_text(encoding="utf-8")
    # a second source numbered 1..n does not collide thanks to its prefix
    other = _gdf({"plan_id": ["1", "2"], "sector": ["wonen"] * 2, "jaar": [2030] * 2, "vraag_mw": [1.0, 2.0]},
                 [PT] * 2)
    with open_werkbank(werkbank_path) as wb:
        res2 = I.import_developments(wb, other, source_name="bedrijven", source_prefix="bt")
    assert res2.imported == 2 and res2.counts["inserted"] == 2
    # re-import without plan 4: reported as REMOVED and kept; with SYNC deleted
    smaller = frame[frame.plan_id != "4"].copy()
    with open_werkbank(werkbank_path) as wb:
        res3 = I.import_developments(wb, smaller, {"phase": "planstatus", "units": "woningen"},
                                     source_name="monitor", source_prefix="mon", recode=str(own))
        assert res3.removed == ["mon-4"] and res3.deleted == 0
        assert "1 rij(en) uit bron 'monitor' komen niet meer in de bron voor (REMOVED)" in " ".join(res3.report.notes)
        assert wb.query("SELECT count(*) AS n FROM developments WHERE dev_id = 'mon-4'")[0]["n"] == 1
        res4 = I.import_developments(wb, smaller, {"phase": "planstatus", "units": "woningen"},
                                     source_name="monitor", source_prefix="mon", recode=str(own), sync=True)
        assert res4.removed == ["mon-4"] and res4.deleted == 1
        left = sorted(r["dev_id"] for r in wb.query("SELECT dev_id FROM developments"))
    assert left == ["bt-1", "bt-2", "mon-1", "mon-2", "mon-3"]


def test_bad_user_recode_table_is_refused_with_line(werkbank_path, tmp_path):
    from pmiek_werkbank.layers import importers as I
    from pmiek_werkbank.werkbank import open_werkbank

    own = tmp_path / "eigen.csv"
    own.write_text("veld;bronwaarde;code\nfase;x;klaar\n", encoding="utf-8")
    frame = _gdf({"plan_id": ["1"], "sector": ["wonen"], "vraag_mw": [1.0]}, [PT])
    before = table_digest(werkbank_path)
    with open_werkbank(werkbank_path) as wb:
        with pytest.raises(I.ImportFailed, match=r"eigen.csv, regel 2, veld 'code': 'klaar' is geen geldige code"):
            I.import_developments(wb, frame, source_name="p", recode=str(own))
    assert table_digest(werkbank_path) == before


def test_user_recode_table_in_excel_or_windows_csv_reads_like_any_source(tmp_path):
    """A recode table goes through the one reader: XLSX, a comma-separated Windows-1252 CSV with English headers;
    blank lines are skipped and a bad line is named by the line number the user sees."""
    import openpyxl

    from pmiek_werkbank.ingest.recodes import RecodeError, read_table

    xlsx = tmp_path / "eigen.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    for rec in (["veld", "bronwaarde", "code"], ["fase", "1A onherroepelijk", "vergund"], [None, None, None],
                ["sector", "Woningbouw", "wonen"]):
        ws.append(rec)
    wb.save(xlsx)
    assert read_table(str(xlsx)) == [("phase", "1aonherroepelijk", "vergund", "1A onherroepelijk", "eigen.xlsx", 2),
                                     ("sector", "woningbouw", "wonen", "Woningbouw", "eigen.xlsx", 4)]
    csv = tmp_path / "eigen.csv"
    csv.write_bytes("field,sourcevalue,code\nfase,Bestemmingsplan in voorbereiding,idee\nkleur,Oranje,krap\n"
                    "fase,zonder code,\n".encode("cp1252"))
    with pytest.raises(RecodeError, match=r"eigen.csv, regel 4: bronwaarde en code zijn verplicht"):
        read_table(str(csv))
    csv.write_bytes("field,sourcevalue,code\nfase,Bestemmingsplan in voorbereiding,idee\nkleur,Oranje,krap\n"
                    .encode("cp1252"))
    assert [(t, c, line) for t, _n, c, _v, _f, line in read_table(str(csv))] == [("phase", "idee", 2),
                                                                                  ("colour", "krap", 3)]


# ---- bounded values, ids, CRS ---------------------------------------------------------------------

def test_non_finite_numbers_huge_ids_and_coordinates_are_refused(werkbank_path):
    from pmiek_werkbank.layers import importers as I
    from pmiek_werkbank.werkbank import open_werkbank

    frame = _gdf({"plan_id": [1.0, 2.0, 1e20, 4.0, 5.0, 6.0], "sector": ["wonen"] * 6, "jaar": [2030] * 6,
                  "vraag_mw": ["inf", "1e400", "1", "NaN", "2", "3"]},
                 [PT, PT, PT, PT, shapely.Point(136000, 4.56e12), shapely.Point(136000, float("inf"))])
    with open_werkbank(werkbank_path) as wb:
        res = I.import_developments(wb, frame, source_name="p")
        dev = wb.read_frame("developments", geometry=False)
    probs = _problems(res)
    assert (1, "fout", "'inf' is geen eindig getal (oneindig, NaN of buiten het bereik)") in probs
    assert (2, "fout", "'1e400' is geen eindig getal (oneindig, NaN of buiten het bereik)") in probs
    assert any(r == 3 and s == "fout" and "als getal te groot" in t for r, s, t in probs)
    assert any(r == 5 and s == "fout" and "buiten het bereik van EPSG:28992" in t for r, s, t in probs)
    assert any(r == 6 and s == "fout" and "geen eindige getallen" in t for r, s, t in probs)
    # 'NaN' text is the empty-value policy (no value): no MW, no quantity -> rejected as such
    assert any(r == 4 and "geen vraag/aanbod" in t for r, s, t in probs)
    assert dev.dev_id.tolist() == [] and res.imported == 0
    assert "-9223372036854775808" not in " ".join(str(p.value) for p in res.report.problems)


def test_layer_without_crs_needs_the_crs_parameter(werkbank_path):
    from pmiek_werkbank.layers import importers as I
    from pmiek_werkbank.werkbank import open_werkbank

    frame = _gdf({"plan_id": ["1"], "sector": ["wonen"], "vraag_mw": [1.0]}, [PT], crs=None)
    before = table_digest(werkbank_path)
    with open_werkbank(werkbank_path) as wb:
        with pytest.raises(I.ImportFailed, match="geen coördinatenstelsel .* parameter CRS"):
            I.import_developments(wb, frame, source_name="p")
        assert table_digest(werkbank_path) == before
        res = I.import_developments(wb, frame, source_name="p", crs="EPSG:28992")
    assert res.imported == 1 and any("opgegeven CRS EPSG:28992" in n for n in res.report.notes)


# ---- spreadsheets: line numbers, unreadable cells ------------------------------------------------------

def test_xlsx_formula_and_merged_cells_are_reported_not_read_as_empty(tmp_path):
    import openpyxl

    from pmiek_werkbank.ingest.reader import read_table

    wbk = openpyxl.Workbook()
    ws = wbk.active
    ws.append(["station", "afname_2030", "teruglevering_2030"])
    ws.append(["388", 10, 5])
    ws.append(["392", "=B2*2", 6])  # a formula never calculated (no cached value)
    ws.append([])
    ws.append(["356", 7, 8])
    ws.append(["417", None, 9])
    ws.merge_cells("B5:B6")
    path = str(tmp_path / "limieten.xlsx")
    wbk.save(path)
    df = read_table(path)
    assert df["_row"].tolist() == [2, 3, 5, 6]  # spreadsheet lines; the blank line 4 is no row
    bad = {(r, c) for r, c, _why in df.attrs["unreadable"]}
    assert bad == {(3, "afname_2030"), (6, "afname_2030")}
    reasons = " ".join(w for _r, _c, w in df.attrs["unreadable"])
    assert "formule '=B2*2' zonder opgeslagen uitkomst" in reasons and "samengevoegde cel (B5:B6)" in reasons


def test_csv_policy_cp1252_semicolon_and_line_numbers(tmp_path):
    from pmiek_werkbank.ingest.reader import read_table

    p = tmp_path / "t.csv"
    p.write_bytes("id;naam;mw\n1;Café;1,5\n\n2;Zoë;2\n".encode("cp1252"))
    df = read_table(str(p))
    assert df["_row"].tolist() == [2, 4] and df["naam"].tolist() == ["Café", "Zoë"]
    assert df.attrs["notes"] == ["t.csv: geen UTF-8; gelezen als Windows-1252."]


# ---- station id spellings ------------------------------------------------------------------------------

def test_station_recognised_under_other_id_spellings(werkbank_path):
    from pmiek_werkbank.ingest.ids import station_key
    from pmiek_werkbank.layers import importers as I
    from pmiek_werkbank.werkbank import open_werkbank

    assert station_key("356") == station_key("osm-356") == station_key("OSM 356") == "356"
    assert station_key("node/356") != "356"  # a different OSM object type is not guessed
    first = _gdf({"station_id": ["osm-356"], "naam": ["Lage Weide"]}, [PT])
    with open_werkbank(werkbank_path) as wb:
        I.import_stations(wb, first, source_name="osm")
        again = _gdf({"station_id": ["356", "OSM 356"], "naam": ["Lage Weide 150", "dubbel"]}, [PT, PT])
        res = I.import_stations(wb, again, source_name="osm")
        st = wb.read_frame("stations", geometry=False)
    assert st.station_id.tolist() == ["osm-356"] and st.name.tolist() == ["Lage Weide 150"]
    assert res.counts == {"inserted": 0, "updated": 1, "unchanged": 0}
    probs = _problems(res)
    assert (1, "waarschuwing", "station-id '356' herkend als station 'osm-356'; zo opgeslagen") in probs
    assert any(r == 2 and s == "fout" and "komt al voor in rij 1" in t for r, s, t in probs)


def test_station_check_reads_the_stored_stations_once(werkbank_path, tmp_path):
    """One read of the stations table serves the id spellings, the ids of another source and the capacity
    table's stations (by the source's own ids, stored earlier with SOURCE_PREFIX)."""
    from pmiek_werkbank.layers import importers as I
    from pmiek_werkbank.werkbank import open_werkbank

    table = tmp_path / "limieten.csv"
    table.write_text("station;jaar;afname;teruglevering\nS1;2030;40;10\n356;2030;7;1\nX9;2030;1;1\n",
                     encoding="utf-8")
    with open_werkbank(werkbank_path) as wb:
        I.import_stations(wb, _gdf({"station_id": ["osm-356", "B1"], "naam": ["Lage Weide", "Oost"]}, [PT, PT]),
                          source_name="osm")
        I.import_stations(wb, _gdf({"station_id": ["S1"], "naam": ["Noord"]}, [PT]), source_name="tn",
                          source_prefix="tn")
        reads, query = [], wb.query

        def counted(sql, params=()):
            if "FROM stations" in sql:
                reads.append(sql)
            return query(sql, params)

        wb.query = counted
        frame = _gdf({"station_id": ["356", "B1"], "naam": ["Lage Weide 150", "Oost"]}, [PT] * 2)
        checked = I.check_stations(wb, frame, "tn", capacity_table=str(table))
        wb.query = query
    assert len(reads) == 1
    # '356' is the stored 'osm-356' (whatever source stored it); 'B1' is osm's; the table's 'S1' is tn's 'tn-S1'
    assert checked.rows.station_id.tolist() == ["osm-356"]
    assert [(p.row, p.problem) for p in checked.report.errors()] == [
        (2, "id 'B1' bestaat al in de werkbank uit bron 'osm'; gebruik dezelfde bronnaam of een ander id")]
    cap = checked.extra["capacity_frame"]
    assert sorted(zip(cap.station_id, cap.afname_mw)) == [("osm-356", 7.0), ("tn-S1", 40.0)]
    assert [(p.row, p.problem) for p in checked.extra["capacity"].errors()] == [
        (4, "onbekend station 'X9' (niet in de stationslaag of de werkbank)")]


# ---- a source updates only what it carries ---------------------------------------------------------------

def test_links_without_share_or_motivation_columns_keep_stored_values(werkbank_path):
    import pandas as pd

    from pmiek_werkbank.knooppunten.links import LinkError, check_share, prepare_links

    frame = pd.DataFrame({"project_id": ["P1"], "dev_id": ["D1"]})
    out, errors, unknown = prepare_links(frame, "project_id", "dev_id", projects=["P1"], developments=["D1"],
                                         existing={("P1", "D1"): "L1"})
    assert errors == [] and [c for c in out.columns if not c.startswith("_")] == ["link_id", "project_id", "dev_id"]
    with pytest.raises(LinkError, match="geen eindig getal"):
        check_share(share_pct="nan")
    assert check_share(share_pct=float("nan")) == (None, None)  # an empty cell


def test_wide_capacity_table_with_one_direction_keeps_the_other(werkbank_path, tmp_path):
    import pandas as pd

    from pmiek_werkbank.layers import importers as I
    from pmiek_werkbank.werkbank import open_werkbank

    st = _gdf({"station_id": ["388"], "naam": ["Breukelen"]}, [PT])
    full = pd.DataFrame({"station": ["388"], "afname_2030": ["50"], "teruglevering_2030": ["20"]})
    only_afname = pd.DataFrame({"station": ["388"], "afname_2030": ["55"], "opmerking": ["x"]})
    with open_werkbank(werkbank_path) as wb:
        I.import_stations(wb, st, capacity_table=full, source_name="st")
        I.import_stations(wb, st, capacity_table=only_afname, source_name="st")
        rows = wb.query("SELECT year, afname_mw, teruglevering_mw FROM station_capacity")
    assert [(r["year"], r["afname_mw"], r["teruglevering_mw"]) for r in rows] == [(2030, 55.0, 20.0)]


def test_settle_counts_assumed_from_the_warnings_tag_not_their_text():
    """ValidationReport.settle drops the warnings of rejected rows and counts what was assumed by the warnings'
    ``assumed`` key: a reworded warning still counts, a warning that merely quotes the words does not."""
    from pmiek_werkbank.layers import validation as V

    rep = V.ValidationReport("p")
    rep.assumed = {"year": 3, "kengetal": 1}
    rep.add(2, "a", "jaar", None, "geen jaar; eerste horizonjaar aangenomen", V.WAARSCHUWING, assumed="year")
    rep.add(3, "b", "jaar", None, "ander woord", V.WAARSCHUWING, assumed="year")
    rep.add(4, "c", "jaar", None, "ander woord", V.WAARSCHUWING, assumed="year")
    rep.add(4, "c", "vraag_mw", "veel", "'veel' is geen getal")  # rejects row 4: its warning goes
    rep.add(5, "d", "naam", None, "jaar gereed ontbreekt (alleen tekst)", V.WAARSCHUWING)
    rep.add(6, "e", "hoeveelheid", None, "MW via kengetal", V.WAARSCHUWING, assumed="kengetal")
    rep.settle()
    assert rep.assumed == {"year": 2, "kengetal": 1}
    assert [(p.row, p.severity) for p in rep.problems] == [(2, "waarschuwing"), (3, "waarschuwing"), (4, "fout"),
                                                         (5, "waarschuwing"), (6, "waarschuwing")]


def test_balance_says_how_many_mw_rest_on_assumed_years(pmiek_provider, werkbank_path, tmp_path):
    from conftest import run_alg

    from pmiek_werkbank.layers import importers as I
    from pmiek_werkbank.werkbank import open_werkbank

    frame = _gdf({"plan_id": ["a", "b", "c"], "sector": ["wonen"] * 3, "jaar": [2030, None, None],
                  "vraag_mw": [1.0, 2.5, 4.0], "aanbod_mw": [0.0, 0.5, 0.0]}, [PT] * 3)
    with open_werkbank(werkbank_path) as wb:
        res = I.import_developments(wb, frame, source_name="p")
    assert res.report.assumed["year"] == 2 and "2 zonder jaar (eerste horizonjaar aangenomen)" in res.summary()
    out = run_alg("pmiek:capacitybalance", {"WERKBANK": werkbank_path, "OUTPUT": str(tmp_path / "b.gpkg")})
    assert out["ASSUMED_YEAR_COUNT"] == 2
    assert out["ASSUMED_YEAR_DEMAND_MW"] == pytest.approx(6.5) and out["ASSUMED_YEAR_SUPPLY_MW"] == pytest.approx(0.5)


def test_criteria_file_goes_through_the_one_reader(tmp_path):
    from pmiek_werkbank.scoring.criteria import read_criteria_file

    text = ("code;naam;vraag;groep;schaal;punten;gewicht;beoordelaar;volgorde\n"
            "A;Efficiëntie;Hoe efficiënt?;systeemtoets;hoog|midden|laag;3|2|1;1,5;;1\n")
    utf = tmp_path / "kader.csv"
    utf.write_text(text, encoding="utf-8")
    win = tmp_path / "kader_win.csv"
    win.write_bytes(text.encode("cp1252"))  # an Excel export on Windows
    a, b = read_criteria_file(str(utf)), read_criteria_file(str(win))
    assert a == b and a[0]["name"] == "Efficiëntie" and a[0]["weight"] == 1.5
    # criteria text (not a file) is read by the same reader: tab separated, a blank line, a quoted ';'
    from pmiek_werkbank.scoring.criteria import criteria_from_text
    from pmiek_werkbank.scoring.errors import ScoringError

    tabbed = text.replace(";", "\t").replace("Hoe efficiënt?", '"Hoe; efficiënt?"') + "\n"
    c = criteria_from_text("\ufeff" + tabbed, "csv", "plak")
    assert c == [dict(a[0], question="Hoe; efficiënt?")]
    with pytest.raises(ScoringError, match="plak: de tabel heeft minder dan twee kolommen"):
        criteria_from_text("code naam\nA B\n", "csv", "plak")


# ---- corpus per layer spec through the one runner (capacity_areas, stations) ----------------------------

def _box(dx, size=200):
    return shapely.box(PT.x + dx, PT.y, PT.x + dx + size, PT.y + size)


def _cancelled_mid_read_and_mid_write(werkbank_path, kind, frame, **params):
    """Cancel while the source is read (the reader stops) and inside the write transaction: nothing written."""
    from pmiek_werkbank.ingest import runner
    from pmiek_werkbank.ingest.errors import ImportCancelled
    from pmiek_werkbank.werkbank import open_werkbank

    before = table_digest(werkbank_path)

    def read_cancelled():
        raise ImportCancelled("bron")  # what layers.qgis_io.layer_to_frame raises when cancelled mid-read

    with open_werkbank(werkbank_path) as wb:
        with pytest.raises(ImportCancelled):
            runner.run(wb, kind, read_cancelled, **params)
        fb = _Feedback(cancel_after=1)  # the check before the write passes, the one inside the transaction not
        with pytest.raises(ImportCancelled, match="geannuleerd; er is niets geschreven"):
            runner.run(wb, kind, lambda: (frame, "bron"), feedback=fb, strict=False, **params)
        assert fb.calls == 2
    assert table_digest(werkbank_path) == before


def test_capacity_map_corpus_through_the_runner(werkbank_path):
    from pmiek_werkbank.layers import importers as I
    from pmiek_werkbank.werkbank import open_werkbank

    far = shapely.box(10000, 600000, 10200, 600200)  # Noordzee, far outside Utrecht
    frame = _gdf({"voedingsgebied_id": ["1", "2", "2", "4", "5", "6", "7", "8"],
                  "afname": ["rood", "schaarste", "geel", "2", "1", "0", "paars", "3"],
                  "opwek": [2, 0, 0, 1, 1, 1, 1, 1],
                  "beschikbare_capaciteit_afname": ["5", "7,5", "1", "veel", "2", "2", "2", "2"],
                  "jaartal_opgelost_afname": [2030, None, None, 2031, 2032, 3000, 2033, 2034]},
                 [_box(0), _box(300), _box(600), _box(900), None, _box(1200), _box(1500), far])
    _cancelled_mid_read_and_mid_write(werkbank_path, "capacity_areas", frame)
    with open_werkbank(werkbank_path) as wb:
        res = I.import_capacity_map(wb, frame, source_name="kaart", source_prefix="nb")
        got = wb.read_frame("capacity_areas", geometry=False).set_index("area_id")
    # good rows (1, 2, 7), a recode (schaarste -> oranje, shipped table), an unknown colour left empty (warning)
    assert sorted(got.index) == ["nb-1", "nb-2", "nb-7"]
    assert got.afname_colour.to_dict() == {"nb-1": "rood", "nb-2": "oranje", "nb-7": None}
    assert got.loc["nb-2", "afname_available_mw"] == 7.5 and got.loc["nb-1", "source_id"] == "1"
    assert got.loc["nb-1", "afname_alleviation_year"] == 2030
    assert ("afname", "schaarste", "oranje", "capaciteitskleuren.csv", 1) in res.report.recodes
    rejected = {p.row: p for p in res.report.errors()}
    assert set(rejected) == {3, 4, 5, 6, 8}  # duplicate, no number, no geometry, year, outside the province
    assert "komt al voor in rij 2" in rejected[3].problem
    assert rejected[4].field == "beschikbare_capaciteit_afname" and "'veel' is geen getal" in rejected[4].problem
    assert "geen geometrie" in rejected[5].problem
    assert rejected[6].field == "jaartal_opgelost_afname"
    assert "buiten de provincie" in rejected[8].problem
    assert any(p.row == 7 and p.severity == "waarschuwing" and "paars" in p.problem for p in res.report.problems)
    assert (res.input_rows, res.imported, res.rejected) == (8, 3, 5)
    assert res.counts == {"inserted": 3, "updated": 0, "unchanged": 0}
    # again without area 7: unchanged rows, 7 REMOVED but kept; with SYNC deleted
    smaller = frame[frame.voedingsgebied_id != "7"]
    with open_werkbank(werkbank_path) as wb:
        res2 = I.import_capacity_map(wb, smaller, source_name="kaart", source_prefix="nb")
        assert (res2.counts["unchanged"], res2.removed, res2.deleted) == (2, ["nb-7"], 0)
        assert wb.count("capacity_areas") == 3
        res3 = I.import_capacity_map(wb, smaller, source_name="kaart", source_prefix="nb", sync=True)
        assert (res3.removed, res3.deleted, wb.count("capacity_areas")) == (["nb-7"], 1, 2)


def test_stations_corpus_with_a_capacity_table_row_rejected(werkbank_path, tmp_path):
    """A bad value in the capacity table rejects that row (source line and column named), the rest of the table
    and the stations are written in the same transaction."""
    from pmiek_werkbank.layers import importers as I
    from pmiek_werkbank.werkbank import open_werkbank

    frame = _gdf({"station_id": ["S1", "S2", "S2", "S4", "S5"], "naam": ["Noord", None, "Dubbel", "Oost", "West"],
                  "voltage_kv": [150, 380, 150, "hoog", 50]},
                 [shapely.Point(PT.x + k * 100, PT.y) for k in range(4)] + [None])
    table = tmp_path / "limieten.csv"
    table.write_text("station;jaar;afname;teruglevering\n"
                     "S1;2030;40;10\n"      # line 2
                     "S1;2035;abc;12\n"     # line 3: no number
                     "S2;2030;20;5\n"       # line 4
                     "S9;2030;1;1\n"        # line 5: unknown station
                     "S2;2030;25;5\n",      # line 6: (station, year) twice
                     encoding="utf-8")
    _cancelled_mid_read_and_mid_write(werkbank_path, "stations", frame, capacity_table=str(table))
    with open_werkbank(werkbank_path) as wb:
        res = I.import_stations(wb, frame, source_name="osm", capacity_table=str(table))
        st = wb.read_frame("stations", geometry=False).set_index("station_id")
        cap = {(r["station_id"], r["year"]): (r["afname_mw"], r["teruglevering_mw"])
               for r in wb.query("SELECT station_id, year, afname_mw, teruglevering_mw FROM station_capacity")}
    assert sorted(st.index) == ["S1", "S2"]
    assert st.loc["S2", "name"] == "Station S2" and st.loc["S2", "voltage_level"] == "EHS"
    rejected = {p.row: p for p in res.report.errors()}
    assert set(rejected) == {3, 4, 5}  # duplicate id, kV no number, no geometry
    assert rejected[4].field == "voltage_kv"
    sub = res.extra["capacity"]
    sub_rejected = {p.row: p for p in sub.errors()}
    assert set(sub_rejected) == {3, 5, 6}
    assert sub_rejected[3].field == "afname" and "'abc' is geen getal" in sub_rejected[3].problem
    assert "onbekend station 'S9'" in sub_rejected[5].problem
    assert sub_rejected[6].problem == "station 'S2' heeft jaar 2030 ook in rij 4 (die rij is behouden)"
    assert cap == {("S1", 2030): (40.0, 10.0), ("S2", 2030): (20.0, 5.0)}
    assert res.extra["capacity_counts"] == {"inserted": 2, "updated": 0, "unchanged": 0}
    # STRICT: the same table refused as a whole, nothing written
    before = table_digest(werkbank_path)
    with open_werkbank(werkbank_path) as wb:
        with pytest.raises(I.ImportFailed, match="Import afgebroken, de werkbank is niet gewijzigd"):
            I.import_stations(wb, frame[frame.station_id == "S1"], source_name="osm", capacity_table=str(table),
                              strict=True)
    assert table_digest(werkbank_path) == before


# ---- table kinds: structured row errors, REMOVED and SYNC ------------------------------------------------

def test_table_hooks_reject_rows_by_structured_errors(werkbank):
    """The hooks return RowErrors (row, id, field, message, key, repeats) whose text is the Dutch sentence of the
    reports; the runner rejects by those fields: a duplicate of a row rejected for its own error is kept."""
    import pandas as pd

    from pmiek_werkbank.ingest.errors import RowError
    from pmiek_werkbank.ingest.runner import run
    from pmiek_werkbank.knooppunten.projects import validate_projects

    frame = pd.DataFrame({"_row": [2, 3, 4], "naam": ["Station A", "Station A", None],
                          "status": ["vast", "kandidaat", "kandidaat"]})
    _rows, errors, _notes = validate_projects(werkbank, frame, "lijst.xlsx")
    assert all(isinstance(e, RowError) for e in errors)
    assert [(e.row, e.id, e.field, e.key, e.repeats) for e in errors] == [
        (2, "P-station-a", "status", "P-station-a", None), (3, "P-station-a", "project_id", "P-station-a", 2),
        (4, "?", "naam", None, None)]
    assert str(errors[0]) == ("lijst.xlsx, rij 2 (id P-station-a), veld 'status': 'vast' is geen status (kandidaat, "
                              "opgenomen, afgevallen)")
    out = run(werkbank, "projects", lambda: (frame, "lijst.xlsx"), strict=False)
    # row 2 rejected; row 3 only repeated it, so it is valid without it and written
    assert out.rejections == [(2, "P-station-a", "status", errors[0].message),
                              (4, "?", "naam", "de naam van het project is leeg")]
    assert out.counts["inserted"] == 1 and werkbank.count("projects", "project_id = 'P-station-a'") == 1


def test_table_hook_rounds_read_the_werkbank_once(werkbank, monkeypatch):
    """A rejected row makes the hook run again on the rest; the second round reads no table again (the answers of
    the first are kept for the check) and the outcome is that of reading it afresh."""
    import pandas as pd

    from pmiek_werkbank.ingest.runner import run
    from pmiek_werkbank.programme import followup

    werkbank.write_frame("projects", [{"project_id": "P1", "name": "Station", "code": "S-01"}])
    rounds, reads, hook, query = [], [], followup.validate_actions, werkbank.query

    def counted_hook(wb, frame, source):
        rounds.append(frame["_row"].tolist())
        return hook(wb, frame, source)

    def counted_query(sql, params=()):
        reads.append(sql)
        return query(sql, params)

    monkeypatch.setattr(followup, "validate_actions", counted_hook)
    monkeypatch.setattr(werkbank, "query", counted_query)
    frame = pd.DataFrame({"_row": [2, 3, 4], "project": ["S-01", "P9", "P1"],
                          "activiteit": ["Vergunning", "Grond", "Vergunning"]})
    out = run(werkbank, "actions", lambda: (frame, "acties.csv"), strict=False)
    assert rounds == [[2, 3, 4], [2]]
    assert reads.count("SELECT project_id, code FROM projects") == 1
    assert [(r, m) for r, _i, _f, m in out.rejections] == [
        (3, "project 'P9' staat niet in de werkbank."), (4, "dezelfde activiteit voor hetzelfde project staat ook in "
                                                          "rij 2.")]
    assert [(r["project_id"], r["activity"]) for r in query("SELECT project_id, activity FROM actions")] == [
        ("P1", "Vergunning")]


def test_knooppunten_and_links_removed_then_sync(werkbank):
    """REMOVED (still there) and SYNC (deleted, audited) for links through the runner; a knooppunt that projects
    lie in is not deleted by SYNC (refused naming it); a cancel inside the SYNC write deletes nothing."""
    import json

    import pandas as pd

    from pmiek_werkbank.ingest.errors import ImportCancelled, ImportFailed
    from pmiek_werkbank.ingest.runner import run

    kp = _gdf({"naam": ["Noord", "Zuid"]}, [PT.buffer(300), shapely.Point(140000, 456000).buffer(300)])
    params = {"name_field": "naam"}
    assert run(werkbank, "knooppunten", lambda: (kp, "kp.gpkg"), **params).counts["inserted"] == 2
    werkbank.write_frame("projects", [{"project_id": "P1", "name": "Station", "knooppunt_id": "K-zuid"}])
    werkbank.write_frame("developments", [{"dev_id": d, "sector": "wonen", "demand_mw": 2.0} for d in ("D1", "D2")])
    with pytest.raises(ImportFailed, match=r"(?s)kp.gpkg: SYNC verwijdert geen rijen.*- knooppunten K-zuid \(Zuid\): "
                                           r"1 project\(en\) in dit knooppunt"):
        run(werkbank, "knooppunten", lambda: (kp[:1], "kp.gpkg"), sync=True, **params)
    out = run(werkbank, "knooppunten", lambda: (kp[:1], "kp.gpkg"), **params)
    assert (out.removed, out.deleted, werkbank.count("knooppunten")) == (["K-zuid (Zuid)"], 0, 2)

    links = {"project_field": "project_id", "dev_field": "dev_id"}
    both = pd.DataFrame({"project_id": ["P1", "P1"], "dev_id": ["D1", "D2"], "motivatie": ["net", "net"]})
    assert run(werkbank, "project_links", lambda: (both, "koppelingen.csv"), **links).counts["inserted"] == 2
    # a refresh that changes values but not which links the source has: the marker does not list the keys again
    both["motivatie"] = "nieuw net"
    out = run(werkbank, "project_links", lambda: (both, "koppelingen.csv"), motivation_field="motivatie", **links)
    assert out.counts["updated"] == 2
    markers = [json.loads(r["new_values"]) for r in werkbank.query(
        "SELECT new_values FROM audit_log WHERE table_name = 'project_links' AND row_key = '*' ORDER BY fid")]
    assert markers == [{"import": "koppelingen.csv", "keys": [["P1", "D1"], ["P1", "D2"]]},
                       {"import": "koppelingen.csv", "keys_unchanged": True}]
    out = run(werkbank, "project_links", lambda: (both[:1], "koppelingen.csv"), **links)
    assert (out.removed, werkbank.count("project_links")) == (["P1 / D2"], 2)

    class CancelInWrite:
        def isCanceled(self):  # noqa: N802
            import sys

            return sys._getframe(1).f_code.co_name == "write"

    with pytest.raises(ImportCancelled):
        run(werkbank, "project_links", lambda: (both[:1], "koppelingen.csv"), feedback=CancelInWrite(), sync=True,
            **links)
    assert werkbank.count("project_links") == 2
    gone = werkbank.query("SELECT link_id FROM project_links WHERE dev_id = 'D2'")[0]["link_id"]
    out = run(werkbank, "project_links", lambda: (both[:1], "koppelingen.csv"), sync=True, **links)
    assert (out.removed, out.deleted) == (["P1 / D2"], 1)
    assert [r["dev_id"] for r in werkbank.query("SELECT dev_id FROM project_links")] == ["D1"]
    trail = werkbank.query("SELECT action FROM audit_log WHERE table_name = 'project_links' AND row_key = ? "
                           "ORDER BY fid", (gone,))
    assert trail[-1]["action"] == "delete"
    assert run(werkbank, "project_links", lambda: (both[:1], "koppelingen.csv"), **links).removed == []


def test_a_table_kind_counts_removed_per_source_name_and_layer(werkbank):
    """Two layers read under one source name (``read()`` -> frame, name, layer) are two sources: neither reports
    the other's knooppunten as REMOVED; a knooppunt dropped from one layer is REMOVED there only, and SYNC deletes
    it alone.  The markers record the layer."""
    import json

    from pmiek_werkbank.ingest.runner import run

    a = _gdf({"naam": ["Noord", "Oost"]}, [PT.buffer(300), shapely.Point(141000, 455000).buffer(300)])
    b = _gdf({"naam": ["Zuid", "West"]}, [shapely.Point(140000, 456000).buffer(300),
                                          shapely.Point(139000, 455000).buffer(300)])
    params = {"name_field": "naam"}

    def imp(frame, layer, **kw):
        return run(werkbank, "knooppunten", lambda: (frame, "kp (fictief)", layer), **params, **kw)

    assert imp(a, "laag_a").counts["inserted"] == 2
    out = imp(b, "laag_b")
    assert (out.counts["inserted"], out.removed) == (2, [])
    assert imp(a, "laag_a").removed == []
    out = imp(b[:1], "laag_b")
    assert (out.removed, out.deleted, werkbank.count("knooppunten")) == (["K-west (West)"], 0, 4)
    assert imp(a, "laag_a").removed == []
    out = imp(b[:1], "laag_b", sync=True)
    assert (out.removed, out.deleted) == (["K-west (West)"], 1)
    assert sorted(r["knooppunt_id"] for r in werkbank.query("SELECT knooppunt_id FROM knooppunten")) == [
        "K-noord", "K-oost", "K-zuid"]
    markers = [json.loads(r["new_values"]) for r in werkbank.query(
        "SELECT new_values FROM audit_log WHERE table_name = 'knooppunten' AND row_key = '*' ORDER BY fid")]
    assert [(m["import"], m.get("layer"), m.get("keys")) for m in markers] == [
        ("kp (fictief)", "laag_a", ["K-noord", "K-oost"]), ("kp (fictief)", "laag_b", ["K-west", "K-zuid"]),
        ("kp (fictief)", "laag_b", ["K-zuid"])]


def test_removed_reads_the_markers_of_its_own_source(werkbank, monkeypatch):
    """REMOVED parses only the import markers of the source being imported (also one written with its name
    ASCII-escaped); the other sources' markers only when a row left the source, as a row another source still
    carries is not REMOVED."""
    import json

    import pandas as pd

    from pmiek_werkbank.ingest import decisions as D
    from pmiek_werkbank.ingest.runner import run

    werkbank.write_frame("projects", [{"project_id": "P1", "name": "Station"}])
    both = pd.DataFrame({"project": ["P1", "P1"], "activiteit": ["Vergunning", "Grond"]})
    a, b = "acties Zoë.csv", "acties b.csv"
    assert run(werkbank, "actions", lambda: (both, a)).counts["inserted"] == 2
    assert run(werkbank, "actions", lambda: (both[1:], b)).counts["unchanged"] == 1
    parsed, load = [], D._load

    def counted(text):
        v = load(text)
        if "import" in v:
            parsed.append(v["import"])
        return v

    monkeypatch.setattr(D, "_load", counted)
    assert run(werkbank, "actions", lambda: (both, a)).removed == []
    assert set(parsed) == {a}
    parsed.clear()
    # 'Grond' left a but b still has it: not REMOVED (b's marker read for that)
    assert run(werkbank, "actions", lambda: (both[:1], a)).removed == []
    assert set(parsed) == {a, b}
    out = run(werkbank, "actions", lambda: (both[1:], a))
    assert [r.endswith("(P1: Vergunning)") for r in out.removed] == [True]
    with werkbank.transaction() as tx:  # a marker whose writer escaped the name
        tx.execute("INSERT INTO audit_log (table_name, row_key, action, changed_by, changed_at, new_values) "
                   "VALUES ('actions', '*', 'update', 'x', '2027-01-01', ?)",
                   (json.dumps({"import": a, "keys": ["A-x"]}),))
    assert "Zo\\u00eb" in werkbank.query("SELECT new_values FROM audit_log ORDER BY fid DESC LIMIT 1")[0]["new_values"]
    assert D.source_keys(werkbank, "actions", a) == {(a, None): {("A-x",)}} == {
        k: v for k, v in D.source_keys(werkbank, "actions").items() if k[0] == a}


# ---- one corpus per table kind through the runner (issue 15 "Done when") -----------------------------------------

def _projects_case(wb):
    import pandas as pd

    n = None
    frame = pd.DataFrame({
        "_row": list(range(2, 16)),  # spreadsheet lines (header on line 1)
        "naam": ["Station Noord", "Hub Zuid", n, "Station Noord", "Kabel", "Trafo", "Mega", "Neg", "Groot", "Weg",
                 "Oud", "Ooit", "Gratis", "Fase"],
        "status": ["Opgenomen", "kandidaat", "kandidaat", "kandidaat", "vast", n, n, n, n, "afgevallen", n, n, n, n],
        "capaciteit_afname_mw": ["12,5", n, n, n, n, n, "1e400", "-5", "20000", n, n, n, n, n],
        "investering": [n, "2500000", n, n, n, "veel", n, n, n, n, n, n, n, n],
        "ibn_jaar": [2031, n, n, n, n, n, n, n, n, n, 1800, "ooit", n, n],
        "dekking": [n, n, n, n, n, n, n, n, n, n, n, n, "misschien", n],
        "fase": [n] * 13 + ["xyz"]})
    rejected = {4: ("naam", "de naam van het project is leeg"),
                5: ("project_id", "id 'P-station-noord' komt al voor in rij 2"),
                6: ("status", "'vast' is geen status (kandidaat, opgenomen, afgevallen)"),
                7: ("investering", "'veel' is geen getal"),
                8: ("capaciteit_afname_mw", "'1e400' is geen eindig getal"),
                9: ("capaciteit_afname_mw", "-5 is negatief"),
                10: ("capaciteit_afname_mw", "20000 is onwaarschijnlijk groot"),
                11: ("status", "bij status 'afgevallen' is een reden (reden_status) verplicht"),
                12: ("ibn_jaar", "1800 ligt niet tussen 1990 en 2100"),
                13: ("ibn_jaar", "'ooit' is geen jaartal"),
                14: ("dekking", "'misschien' is geen dekking"),
                15: ("fase", "'xyz' is geen bekende projectfase")}
    stored = ("SELECT project_id, status, capacity_afname_mw, investment_eur, ibn_year FROM projects",
              {"P-station-noord": ("opgenomen", 12.5, None, 2031), "P-hub-zuid": ("kandidaat", None, 2500000.0, None)})
    return frame, {}, rejected, stored, "P-hub-zuid (Hub Zuid)", lambda f: f[f.naam != "Hub Zuid"]


def _knooppunten_case(wb):
    frame = _gdf({"naam": ["Noord", "Zuid", None, "Noord", "Oost"],
                  "karakter": ["Provinciaal", "nationaal", "lokaal", "lokaal", "wereldwijd"]},
                 [PT.buffer(300), shapely.Point(140000, 456000).buffer(300), PT.buffer(100), PT.buffer(200),
                  PT.buffer(50)])
    rejected = {3: ("naam", "de naam is leeg"), 4: (None, "id 'K-noord' komt al voor in rij 1"),
                5: ("karakter", "'wereldwijd' is geen karakter (lokaal, provinciaal, nationaal)")}
    stored = ("SELECT knooppunt_id, name, karakter FROM knooppunten",
              {"K-noord": ("Noord", "provinciaal"), "K-zuid": ("Zuid", "nationaal")})
    return frame, {"name_field": "naam", "karakter_field": "karakter"}, rejected, stored, "K-zuid (Zuid)", \
        lambda f: f[f.naam != "Zuid"]


def _links_case(wb):
    import pandas as pd

    wb.write_frame("projects", [{"project_id": p, "name": p} for p in ("P1", "P2")])
    wb.write_frame("developments", [{"dev_id": d, "sector": "wonen", "demand_mw": 4.0} for d in ("D1", "D2")])
    frame = pd.DataFrame({"_row": [2, 3, 4, 5, 6, 7, 8, 9],
                          "project": ["P1", "P2", None, "P1", "P9", "P2", "P1", "P2"],
                          "ontwikkeling": ["D1", "D1", "D2", "D2", "D1", None, "D1", "D2"],
                          "aandeel": ["50", "25,5", "10", "150", "10", "10", "20", "nan"]})
    rejected = {4: ("project", "project-id is leeg"), 5: ("aandeel", "Aandeel 150.0 % ligt niet tussen 0 en 100."),
                6: (None, "project 'P9' bestaat niet in de werkbank"),
                7: ("ontwikkeling", "ontwikkeling-id is leeg"), 8: (None, "koppeling P1 - D1 staat ook in rij 2"),
                9: ("aandeel", "Aandeel (%) 'nan' is geen eindig getal.")}  # 'nan' is not the whole development
    stored = ("SELECT project_id || '/' || dev_id AS k, share_pct, share_mw FROM project_links",
              {"P1/D1": (50.0, None), "P2/D1": (25.5, None)})
    return frame, {"project_field": "project", "dev_field": "ontwikkeling", "share_field": "aandeel"}, rejected, \
        stored, "P2 / D1", lambda f: f[f._row != 3]


def _actions_case(wb):
    import pandas as pd

    wb.write_frame("projects", [{"project_id": "P1", "name": "Station", "code": "S-01"}])
    frame = pd.DataFrame({"_row": [2, 3, 4, 5, 6, 7],
                          "project": ["S-01", "P1", None, "P9", "P1", "P1"],
                          "activiteit": ["Grond kopen", "Vergunning", "Iets", "Iets", None, "Grond kopen"],
                          "status": ["afgerond", "bezig", "open", "open", "open", "open"]})
    frame.loc[len(frame)] = [8, "P1", "Tracé", "stilgelegd"]
    rejected = {4: ("project", "geen project opgegeven."), 5: ("project", "project 'P9' staat niet in de werkbank."),
                6: ("activiteit", "leeg; activity is verplicht."),
                7: (None, "dezelfde activiteit voor hetzelfde project staat ook in rij 2."),
                8: ("status", "'stilgelegd' is geen status (open, lopend, gereed).")}
    stored = ("SELECT activity, project_id, status FROM actions",
              {"Grond kopen": ("P1", "gereed"), "Vergunning": ("P1", "lopend")})
    return frame, {}, rejected, stored, "(P1: Vergunning)", lambda f: f[f._row != 3]


def _monitoring_case(wb):
    import pandas as pd

    wb.write_frame("projects", [{"project_id": p, "name": p} for p in ("P1", "P2")])
    frame = pd.DataFrame({"_row": [2, 3, 4, 5, 6],
                          "project": ["P1", "P2", "P9", None, "P1"],
                          "peildatum": ["2026-01-01", None, "2026-01-01", "2026-01-01", "2026-01-01"],
                          "aandachtspunten": ["grond", "vergunning", "x", "y", "dubbel"]})
    rejected = {4: ("project", "project 'P9' staat niet in de werkbank."), 5: ("project", "geen project opgegeven."),
                6: (None, "project en peildatum staan ook in rij 2.")}
    stored = ("SELECT project_id, peildatum, attention_points FROM monitoring",
              {"P1": ("2026-01-01", "grond"), "P2": ("2025-06-30", "vergunning")})  # P2: the PEILDATUM given
    return frame, {"peildatum": "2025-06-30"}, rejected, stored, "(P2: 2025-06-30)", lambda f: f[f._row != 3]


def _scores_case(wb):
    import pandas as pd

    wb.write_frame("projects", [{"project_id": "P1", "name": "Station", "code": "S-01"},
                                {"project_id": "P2", "name": "Hub"}])
    n = None
    frame = pd.DataFrame({
        "_row": list(range(2, 14)),
        "project_id": ["S-01", "P2", "P9", "P1", "P1", "P1", "P1", "P1", "P1", "P1", "P2", "P2"],
        "criterion_id": ["a", "A", "A", "Z", "B", "C", "D", "E", "A", "A", "A", "A"],
        "rating": ["Hoog", "laag", "hoog", "hoog", "super", "veel", "hoog", "positief", "hoog", "hoog", "laag", "hoog"],
        "rationale": ["past", "weinig", "x", "x", "x", n, "x", "x", "x", "x", "x", "x"],
        "assessor": ["Els", "Els", "Els", "Els", "Els", "Els", "Els", "Els", "Els", "Jan", "Els", "Piet"],
        "assessor_role": ["provincie", n, n, n, n, n, "koning", n, n, n, n, n],
        "score_date": ["2026-02-01", "1-3-2026", "2026-02-01", "2026-02-01", "2026-02-01", "2026-02-01",
                       "2026-02-01", "morgen", "2026-02-01", "2026-02-01", "2026-02-01", "2026-02-01"],
        "agreed": ["nee", n, n, n, n, n, n, n, n, "ja", n, "misschien"]})
    rejected = {4: ("project_id", "onbekend project 'P9'"), 5: ("criterium", "onbekend criterium 'Z'"),
                6: ("waardering", "'super' staat niet op de schaal van criterium B"),
                7: ("motivatie", "de motivatie is verplicht"), 8: ("rol", "onbekende rol 'koning'"),
                9: ("datum", "'morgen' is geen (bestaande) datum"),
                10: (None, "project P1, criterium A, beoordelaar Els staat ook in rij 2"),
                12: (None, "project P2, criterium A, beoordelaar Els staat ook in rij 3"),
                13: ("vastgesteld", "'misschien' is geen ja/nee")}
    stored = ("SELECT project_id || '/' || criterion_id || '/' || assessor AS k, rating, score_date, agreed "
              "FROM scores",
              {"P1/A/Els": ("hoog", "2026-02-01", 0), "P2/A/Els": ("laag", "2026-03-01", 0),
               "P1/A/Jan": ("hoog", "2026-02-01", 1)})
    return frame, {}, rejected, stored, None, lambda f: f[f._row != 3]  # scores keep no source marker: no REMOVED


@pytest.mark.parametrize("kind, case", [
    ("projects", _projects_case), ("knooppunten", _knooppunten_case), ("project_links", _links_case),
    ("actions", _actions_case), ("monitoring", _monitoring_case), ("scores", _scores_case)])
def test_table_kind_corpus_through_the_runner(werkbank_path, kind, case):
    """Each table kind through the one runner with a hand-written corpus: good rows stored (values read back,
    vocabulary spellings recoded), every kind of bad row its hook produces rejected with line, column and message,
    the first of duplicated ids kept and the later named with both lines; a cancel while reading and inside the
    write leaves the werkbank unchanged; a re-import unchanged; a row dropped from the source is REMOVED
    (tracked kinds) and kept until SYNC."""
    from pmiek_werkbank.ingest.runner import run
    from pmiek_werkbank.werkbank import open_werkbank

    with open_werkbank(werkbank_path) as wb:
        frame, params, rejected, (sql, stored), dropped, smaller = case(wb)
    _cancelled_mid_read_and_mid_write(werkbank_path, kind, frame, **params)
    with open_werkbank(werkbank_path) as wb:
        out = run(wb, kind, lambda: (frame, "bron.csv"), strict=False, **params)
        got = {tuple(r.values())[0]: tuple(r.values())[1:] for r in wb.query(sql)}
    assert got == stored
    errs = {p.row: p for p in out.report.errors()}
    assert set(errs) == set(rejected), sorted(errs)
    for row, (field, message) in rejected.items():
        assert errs[row].field == field, (row, errs[row].field)
        assert errs[row].problem.startswith(message), (row, errs[row].problem)
    assert out.counts["inserted"] == len(stored) and len(out.rejections) == len(rejected)
    with open_werkbank(werkbank_path) as wb:
        again = run(wb, kind, lambda: (frame, "bron.csv"), strict=False, **params)
        assert again.counts == {"inserted": 0, "updated": 0, "unchanged": len(stored)}
        out = run(wb, kind, lambda: (smaller(frame), "bron.csv"), strict=False, **params)
        # the label of a removed row ends with its id or name (actions: "<stable id> (P1: Vergunning)")
        assert [r.endswith(dropped or "") for r in out.removed] == ([True] if dropped else []), out.removed
        assert out.deleted == 0
        assert wb.count(out_table(kind)) == len(stored)
        if dropped:
            out = run(wb, kind, lambda: (smaller(frame), "bron.csv"), strict=False, sync=True, **params)
            assert (len(out.removed), out.deleted, wb.count(out_table(kind))) == (1, 1, len(stored) - 1)


def out_table(kind):
    from pmiek_werkbank.ingest.specs import spec

    return spec(kind).table


def test_developments_corpus_through_the_runner(werkbank_path):
    """Every kind of bad row the developments hook produces, with line, column and message; the good rows stored
    with recoded sector and phase, the prefix, a kengetal (warning) and an assumed year (warning); cancel mid-read
    and mid-write writes nothing."""
    from pmiek_werkbank.ingest.runner import run
    from pmiek_werkbank.werkbank import open_werkbank

    n = None
    line = shapely.LineString([(PT.x, PT.y), (PT.x + 50, PT.y)])
    frame = _gdf({
        "plan_id": ["1", "2", n, "1", "5", "6", "7", "8", "9", "10", "11", "12", "13", "99", "15", "16", "17"],
        "sector": ["woningbouw", "wonen", "wonen", "wonen", "ruimtevaart", n] + ["wonen"] * 11,
        "planstatus": ["1A onherroepelijk", "3 plan/besluit in voorbereiding"] + [n] * 15,
        "jaar": [2030, n] + [2030] * 6 + [3000] + [2030] * 8,
        "vraag_mw": [2.5, n, 1, 1, 1, 1, "veel", 50000, 1, n, n, 1, 1, 1, n, 1, 1],
        "woningen": [n, 100] + [n] * 8 + [1e9, n, n, n, 10, n, n],
        "eenheid": [n] * 14 + ["parsec", n, n],
        "provincie": [n] * 16 + ["Noord-Holland"]},
        [PT] * 11 + [None, shapely.Point(10000, 600000), PT, PT, line, PT])
    with open_werkbank(werkbank_path) as wb:
        wb.write_frame("developments", [{"dev_id": "x-99", "sector": "wonen", "demand_mw": 1.0, "source": "andere"}])
    _cancelled_mid_read_and_mid_write(werkbank_path, "developments", frame, source_prefix="x")
    with open_werkbank(werkbank_path) as wb:
        out = run(wb, "developments", lambda: (frame, "monitor"), source_prefix="x")
        got = {r["dev_id"]: tuple(r.values())[1:] for r in wb.query(
            "SELECT dev_id, source_id, sector, phase, year_ready, demand_mw, units, kengetal_id, source "
            "FROM developments")}
    assert got == {"x-99": (None, "wonen", None, None, 1.0, None, None, "andere"),  # the other source's, untouched
                   "x-1": ("1", "wonen", "besluitvorming", 2030, 2.5, None, None, "monitor"),
                   "x-2": ("2", "wonen", "planvorming", None, 0.2, 100.0, "wonen_woning", "monitor")}
    errs = sorted((p.row, p.field, p.problem) for p in out.report.errors())
    assert errs == [
        (3, "plan_id", "id ontbreekt (verplicht)"),
        (4, "plan_id", "id 'x-1' komt al voor in rij 1 (die rij is behouden); rij 4 is afgekeurd"),
        (5, "sector", "onbekende sector 'ruimtevaart' (kies uit: wonen, bedrijventerrein, industrie, mobiliteit, "
                      "datacenter, glastuinbouw, zon, wind, opslag_flex, warmte, waterstof, utiliteit, overig)"),
        (6, "sector", "sector ontbreekt (verplicht; of geef een vaste sector SECTOR op)"),
        (7, "vraag_mw", "'veel' is geen getal"),  # only that: the value is there, not "geen vraag/aanbod"
        (8, "vraag_mw", "50000 is onwaarschijnlijk groot (meer dan 10\u2009000 MW); controleer de eenheid (kW of W in "
                        "plaats van MW?)"),
        (9, "jaar", "jaar 3000 ligt buiten 1990–2100"),
        (10, "vraag_mw", "geen vraag/aanbod (MW) en geen hoeveelheid (FIELD_UNITS) om MW met een kengetal af te "
                         "leiden"),
        (11, "woningen", "met het kengetal afgeleide vraag 2000000 MW is onwaarschijnlijk groot (meer dan 10\u2009000 MW); "
                         "controleer de hoeveelheid"),  # 1e9 homes x 0.002 MW
        (12, "geometrie", "geen geometrie (leeg/NULL)"),
        (13, "geometrie", "ligt buiten de provincie Utrecht (166\u2009283 m van de grens; tolerantie 2\u2009000 m)"),
        (14, "dev_id", "id 'x-99' bestaat al in de werkbank uit bron 'andere'; gebruik dezelfde bronnaam of een "
                       "ander id"),
        (15, "eenheid", "geen kengetal voor sector 'wonen' en eenheid 'parsec' in de werkbank"),
        (16, "geometrie", "geometrietype LineString past niet; verwacht: vlakken of punten"),
        (17, "provincie", "de bron noemt provincie 'Noord-Holland', niet Utrecht")]
    warnings = sorted((p.row, p.field, p.problem) for p in out.report.problems if p.severity == "waarschuwing")
    assert warnings == [(2, "jaar", "jaar gereed ontbreekt; de balans neemt het eerste horizonjaar aan (aangenomen "
                                    "jaar)"),
                        (2, "woningen", "MW afgeleid met kengetal 'wonen_woning' (geen MW in de bron)")]
    assert (out.counts["inserted"], out.report.assumed) == (2, {"year": 1, "kengetal": 1})
    assert {(v, c) for _f, v, c, _t, _n in out.report.recodes} >= {("woningbouw", "wonen"),
                                                                   ("1A onherroepelijk", "besluitvorming")}


def test_stations_with_source_prefix_keep_their_capacity_table_removed_then_sync(werkbank_path, tmp_path):
    """SOURCE_PREFIX on stations: the capacity table of the same source still names its stations by the source's
    own ids ('S1' is the stored 'tn-S1'), also in a later import; a station dropped from the source is REMOVED,
    kept, and deleted with SYNC together with its capacity rows."""
    from pmiek_werkbank.ingest.runner import run
    from pmiek_werkbank.werkbank import open_werkbank

    frame = _gdf({"station_id": ["S1", "S2"], "naam": ["Noord", "Zuid"], "voltage_kv": [150, 50]},
                 [PT, shapely.Point(PT.x + 500, PT.y)])
    table = tmp_path / "limieten.csv"
    table.write_text("station;jaar;afname;teruglevering\nS1;2030;40;10\nS2;2030;20;5\n", encoding="utf-8")

    def cap(wb):
        return {(r["station_id"], r["year"]): r["afname_mw"]
                for r in wb.query("SELECT station_id, year, afname_mw FROM station_capacity")}

    with open_werkbank(werkbank_path) as wb:
        out = run(wb, "stations", lambda: (frame, "osm"), source_prefix="tn", capacity_table=str(table))
        assert out.extra["capacity"].errors() == []
        assert {r["station_id"]: r["source_id"] for r in wb.query("SELECT station_id, source_id FROM stations")} == {
            "tn-S1": "S1", "tn-S2": "S2"}
        assert cap(wb) == {("tn-S1", 2030): 40.0, ("tn-S2", 2030): 20.0}
        table.write_text("station;jaar;afname;teruglevering\nS1;2030;45;10\nS2;2030;20;5\n", encoding="utf-8")
        out = run(wb, "stations", lambda: (frame[:1], "osm"), source_prefix="tn", capacity_table=str(table))
        assert (out.removed, out.deleted, out.extra["capacity"].errors()) == (["tn-S2"], 0, [])
        assert cap(wb) == {("tn-S1", 2030): 45.0, ("tn-S2", 2030): 20.0}
        # SYNC while the capacity table still lists S2: that table row is rejected (was: FOREIGN KEY failure, the
        # whole import refused)
        out = run(wb, "stations", lambda: (frame[:1], "osm"), source_prefix="tn", sync=True,
                  capacity_table=str(table))
        assert (out.removed, out.deleted) == (["tn-S2"], 1)
        assert "Mee verwijderd: 1 rij(en) uit station_capacity." in " ".join(out.report.notes)
        assert [(p.row, p.problem) for p in out.extra["capacity"].errors()] == [
            (3, "station 'tn-S2' komt niet meer in de stationslaag voor en is met SYNC verwijderd; rij niet ingelezen")]
        assert (out.extra["capacity"].imported, out.extra["capacity_counts"]) == (
            1, {"inserted": 0, "updated": 0, "unchanged": 1})
        assert cap(wb) == {("tn-S1", 2030): 45.0}
        assert [r["station_id"] for r in wb.query("SELECT station_id FROM stations")] == ["tn-S1"]
