"""Importing a projectenlijst (XLSX), knooppunten and links through Processing; links and suggestions."""

import pytest
from conftest import run_alg
from helpers import table_digest
from test_balance import example_frames, write_example

HEADERS = ["Naam project", "Locatie", "Type infra", "Sectoren en ontwikkelingen", "Financiële informatie",
           "Planning", "Betrokken partijen", "station_id", "knooppunt", "capaciteit_afname_mw", "status",
           "reden_status", "x", "y"]
GOOD = [
    ["150 kV-station Gemeente A", "Polderstraat, Gemeente A", "HS/MS-station", "Woningbouw Gemeente B",
     "Investering +/- €50 miljoen, TenneT/Liander", "Planuitwerking 2025, IBN 2027", "TenneT, Liander, Provincie", "S1", "Knooppunt West",
     "40", "opgenomen", None, 151100, 451000],
    ["Aantakking Waterstofbackbone", "Leidingstraat, gemeente D", "Nieuwe waterstofleiding", "Wind op zee",
     "Kosten +/- €30 miljoen, nog geen dekking voor investering", "Voorzien voor 2030", "Gasunie, Rijk", None,
     None, None, None, None, None, None],
    ["Batterij Oost", "Industrieweg", "Batterij", None, None, "2026", "Netbeheerder", "Station Oost", None, "5,5",
     "afgevallen", "geen ruimte", 159100, 451000],
]


def _xlsx(path, rows, headers=HEADERS):
    import openpyxl

    wbk = openpyxl.Workbook()
    ws = wbk.active
    ws.title = "Projectenlijst"
    ws.append(headers)
    for r in rows:
        ws.append(r)
    wbk.save(path)
    return str(path)


@pytest.fixture
def example_wb(werkbank, werkbank_path):
    write_example(werkbank)
    return werkbank_path


def test_import_projectenlijst_xlsx(pmiek_provider, example_wb, werkbank, tmp_path):
    path = _xlsx(tmp_path / "projectenlijst.xlsx", GOOD)
    res = run_alg("pmiek:importprojects", {"WERKBANK": example_wb, "INPUT": path})
    assert (res["INSERTED"], res["UPDATED"], res["UNCHANGED"]) == (3, 0, 0)
    rows = {r["project_id"]: r for r in werkbank.query("SELECT * FROM projects")}
    p = rows["P-150-kv-station-gemeente-a"]
    assert p["type_infra"] == "hs_ms_station" and p["ibn_year"] == 2027 and p["investment_eur"] == 50e6
    assert p["station_id"] == "S1" and p["knooppunt_id"] == "K1" and p["capacity_afname_mw"] == 40
    assert p["status"] == "opgenomen" and "Woningbouw Gemeente B" in p["narrative"]
    assert p["parties"] == "TenneT, Liander, Provincie"
    h2 = rows["P-aantakking-waterstofbackbone"]
    # 'Voorzien voor 2030' labels no year as IBN: left empty (and warned), never guessed
    assert h2["type_infra"] == "waterstofleiding" and h2["ibn_year"] is None and h2["financial_cover"] == "geen"
    assert h2["status"] == "kandidaat"
    bat = rows["P-batterij-oost"]
    assert bat["station_id"] == "S3" and bat["capacity_afname_mw"] == 5.5 and bat["type_infra"] == "flex_opslag"
    geoms = werkbank.read_frame("projects").set_index("project_id").geometry
    assert geoms["P-150-kv-station-gemeente-a"].equals_exact(__import__("shapely").Point(151100, 451000), 1e-6)
    assert geoms["P-aantakking-waterstofbackbone"] is None
    # again: idempotent
    res = run_alg("pmiek:importprojects", {"WERKBANK": example_wb, "INPUT": path})
    assert (res["INSERTED"], res["UPDATED"], res["UNCHANGED"]) == (0, 0, 3)


def test_import_projectenlijst_bad_row_changes_nothing(pmiek_provider, example_wb, tmp_path):
    from qgis.core import QgsProcessingException

    bad = [list(r) for r in GOOD]
    bad[1][5] = None
    headers = HEADERS + ["ibn_jaar"]
    rows = [r + [None] for r in bad]
    rows[1][-1] = "binnenkort"  # spreadsheet line 3
    rows[2][7] = "S7"  # unknown station, line 4
    path = _xlsx(tmp_path / "projectenlijst.xlsx", rows, headers)
    before = table_digest(example_wb)
    with pytest.raises(QgsProcessingException) as exc:
        run_alg("pmiek:importprojects", {"WERKBANK": example_wb, "INPUT": path, "STRICT": True})
    msg = str(exc.value)
    assert "de werkbank is niet gewijzigd" in msg
    assert ("projectenlijst.xlsx, rij 3 (id P-aantakking-waterstofbackbone), veld 'ibn_jaar': "
            "'binnenkort' is geen jaartal") in msg
    assert "projectenlijst.xlsx, rij 4 (id P-batterij-oost), veld 'station_id': station 'S7' bestaat niet" in msg
    assert table_digest(example_wb) == before


def test_import_projects_from_layer_and_afgevallen_needs_reason(pmiek_provider, example_wb):
    from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsProcessingException, QgsVectorLayer

    layer = QgsVectorLayer("Point?crs=EPSG:28992&field=project_id:string&field=naam:string&field=status:string"
                           "&field=ibn_jaar:integer", "projecten", "memory")
    f = QgsFeature(layer.fields())
    f.setAttributes(["PX", "Laadplein Noord", "afgevallen", 2028])
    f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(1200, 1200)))
    layer.dataProvider().addFeatures([f])
    before = table_digest(example_wb)
    with pytest.raises(QgsProcessingException, match="rij 1 \\(id PX\\), veld 'status'.*reden"):
        run_alg("pmiek:importprojects", {"WERKBANK": example_wb, "INPUT": layer, "STRICT": True})
    assert table_digest(example_wb) == before


def test_import_knooppunten(pmiek_provider, werkbank, werkbank_path):
    from qgis.core import QgsFeature, QgsGeometry, QgsVectorLayer

    layer = QgsVectorLayer("Polygon?crs=EPSG:28992&field=naam:string&field=karakter:string", "kp", "memory")
    feats = []
    for name, kar, wkt in (("Knooppunt Haven", "Provinciaal", "POLYGON((0 0, 100 0, 100 100, 0 100, 0 0))"),
                           ("Knooppunt Dorp", "lokaal", "POLYGON((200 0, 300 0, 300 100, 200 100, 200 0))")):
        f = QgsFeature(layer.fields())
        f.setAttributes([name, kar])
        f.setGeometry(QgsGeometry.fromWkt(wkt))
        feats.append(f)
    layer.dataProvider().addFeatures(feats)
    res = run_alg("pmiek:importknooppunten", {"WERKBANK": werkbank_path, "INPUT": layer, "FIELD_NAME": "naam",
                                              "FIELD_KARAKTER": "karakter"})
    assert res["INSERTED"] == 2
    rows = {r["knooppunt_id"]: r for r in werkbank.query("SELECT knooppunt_id, name, karakter FROM knooppunten")}
    assert rows["K-knooppunt-haven"]["karakter"] == "provinciaal" and rows["K-knooppunt-dorp"]["name"] == "Knooppunt Dorp"


def test_import_links_csv_unknown_ids(pmiek_provider, example_wb, werkbank, tmp_path):
    from qgis.core import QgsProcessingException

    csv = tmp_path / "koppelingen.csv"
    csv.write_text("project;ontwikkeling;aandeel;waarom\nP1;D10;1,5;ook woonwijk midden\nP2;D99;10;?\n"
                   "P3;D7;2;glastuinbouw\n", encoding="utf-8")  # D10 and D7 have 2 MW each
    params = {"WERKBANK": example_wb, "INPUT": str(csv), "FIELD_PROJECT": "project",
              "FIELD_DEVELOPMENT": "ontwikkeling", "FIELD_SHARE": "aandeel", "SHARE_UNIT": 0,
              "FIELD_MOTIVATION": "waarom", "STRICT": True}
    before = table_digest(example_wb)
    with pytest.raises(QgsProcessingException, match="koppelingen.csv, rij 3: ontwikkeling 'D99' bestaat niet"):
        run_alg("pmiek:importlinks", params)
    assert table_digest(example_wb) == before
    res = run_alg("pmiek:importlinks", dict(params, SKIP_UNKNOWN=True, SHARE_UNIT=1))
    assert res["INSERTED"] == 2 and res["UNKNOWN"] == 1
    rows = {(r["project_id"], r["dev_id"]): r for r in werkbank.query("SELECT * FROM project_links")}
    assert rows[("P1", "D10")]["share_mw"] == 1.5 and rows[("P1", "D10")]["motivation"] == "ook woonwijk midden"
    assert rows[("P3", "D7")]["share_mw"] == 2


def test_add_remove_link_and_shares(werkbank):
    from pmiek_werkbank.knooppunten.links import LinkError, add_link, links_for_project, remove_link

    write_example(werkbank)
    add_link(werkbank, "P1", "D10", share_pct=50, motivation="woonwijk")
    lk = links_for_project(werkbank, "P1").set_index("dev_id")
    assert lk.loc["D10", "mw"] == 1.0 and lk.loc["D5", "mw"] == 3.0 and lk.loc["D4", "mw"] == 9.0
    add_link(werkbank, "P1", "D10", share_mw=2)  # again: updated, not doubled
    assert werkbank.count("project_links", "project_id = 'P1' AND dev_id = 'D10'") == 1
    with pytest.raises(LinkError, match="niet allebei"):
        add_link(werkbank, "P1", "D10", share_mw=2, share_pct=10)
    with pytest.raises(LinkError, match="bestaat niet"):
        add_link(werkbank, "P1", "D77")
    assert remove_link(werkbank, "P1", "D10") == 1


def test_suggestions_same_area_first_then_distance():
    from pmiek_werkbank.knooppunten.balance import BalanceInput, BalanceModel, BalanceSettings
    from pmiek_werkbank.knooppunten.suggestions import suggest_links

    f = example_frames()
    m = BalanceModel(BalanceInput(f["stations"], f["station_capacity"], f["capacity_areas"], f["developments"],
                                  f["knooppunten"], f["projects"], f["links"]), BalanceSettings())
    p1 = f["projects"].set_index("project_id").loc["P1"]
    project = {"project_id": "P1", "station_id": p1["station_id"], "knooppunt_id": p1["knooppunt_id"],
               "geometry": p1.geometry}
    s = suggest_links(project, f["developments"], m.assignment, linked={"D4", "D5"})
    ids = list(s["dev_id"])
    # S2 area: D10 (station and knooppunt), then D6 (station only); then the rest by distance
    assert ids[:2] == ["D10", "D6"]
    assert "D4" not in ids and "D5" not in ids
    rest = s.iloc[2:]
    assert list(rest["distance_m"]) == sorted(rest["distance_m"])
    assert s.iloc[0]["reason"] == "zelfde station en knooppunt" and s.iloc[0]["mw"] == 2


def test_geometry_layer_does_not_blank_other_fields(werkbank, werkbank_path, tmp_path, pmiek_provider):
    """Regression: a layer with only id, name and geometry updates the geometry and keeps everything else."""
    import geopandas as gpd
    import shapely
    from conftest import run_alg

    werkbank.write_frame("projects", [{
        "project_id": "P7", "code": "7", "name": "20 kV-tracé Noord", "location_description": "Langs de A2",
        "netbeheerder": "Stedin", "phase": "planuitwerking", "ibn_year": 2029, "investment_eur": 15e6,
        "status": "opgenomen", "status_reason": "Prioritair", "type_infra": "ms_trace"}])
    src = str(tmp_path / "lijnen.gpkg")
    gpd.GeoDataFrame({"project_id": ["P7"], "naam": ["20 kV-tracé Noord"]},
                     geometry=[shapely.LineString([(135000, 455000), (137000, 456000)])], crs=28992).to_file(src)
    res = run_alg("pmiek:importprojects", {"WERKBANK": werkbank_path, "INPUT": src})
    assert res["UPDATED"] == 1
    p = werkbank.read_frame("projects").set_index("project_id").loc["P7"]
    assert p["location_description"] == "Langs de A2" and p["netbeheerder"] == "Stedin"
    assert p["ibn_year"] == 2029 and p["investment_eur"] == 15e6 and p["status"] == "opgenomen"
    assert p["code"] == "7" and p["phase"] == "planuitwerking"
    assert p.geometry.geom_type == "LineString"


def test_decisions_survive_a_refresh(pmiek_provider, example_wb, werkbank, tmp_path):
    """A status decided after the import and a link's edited share are kept when the source is imported again;
    the conflict (old, new, who, when) is in the report and the audit trail; SOURCE_WINS overrides."""
    import json

    from pmiek_werkbank.scoring.decisions import set_status

    path = _xlsx(tmp_path / "projectenlijst.xlsx", GOOD)
    run_alg("pmiek:importprojects", {"WERKBANK": example_wb, "INPUT": path})
    pid = "P-aantakking-waterstofbackbone"
    set_status(werkbank, pid, "afgevallen", reason="geen ruimte in het net", user="Besluitnemer")
    # the same list again (status empty = kandidaat in the source): the decision stays
    rep = str(tmp_path / "r.csv")
    res = run_alg("pmiek:importprojects", {"WERKBANK": example_wb, "INPUT": path, "REPORT": rep})
    row = werkbank.query("SELECT status, status_reason FROM projects WHERE project_id = ?", (pid,))[0]
    assert (row["status"], row["status_reason"]) == ("afgevallen", "geen ruimte in het net")
    assert res["CONFLICTS"] == 2
    text = open(rep, encoding="utf-8-sig").read()
    # the conflict names the source row (spreadsheet line 3), in its line and in the report's row column
    assert "rij 3 (id {}), veld 'status': besluit 'afgevallen' (Besluitnemer,".format(pid) in text
    assert "projectenlijst.xlsx;3;{};status;".format(pid) in text
    assert "behouden; genegeerd: bronwaarde 'kandidaat'" in text
    # the source's empty reason is named 'leeg', not 'None'
    assert ("rij 3 (id {}), veld 'status_reason': besluit 'geen ruimte in het net' (Besluitnemer,".format(pid) in text and
            "behouden; genegeerd: bronwaarde leeg\"" in text and "'None'" not in text)
    trail = [json.loads(r["new_values"]) for r in werkbank.query(
        "SELECT new_values FROM audit_log WHERE table_name = 'projects' AND row_key = ? ORDER BY fid", (pid,))]
    kept = [t for t in trail if "_importconflict" in t]
    assert kept and kept[-1]["_importconflict"]["uitkomst"] == "besluit behouden"
    # still protected at the next refresh
    res = run_alg("pmiek:importprojects", {"WERKBANK": example_wb, "INPUT": path})
    assert res["CONFLICTS"] == 2
    assert werkbank.query("SELECT status FROM projects WHERE project_id = ?", (pid,))[0]["status"] == "afgevallen"
    # the source wins only when asked
    res = run_alg("pmiek:importprojects", {"WERKBANK": example_wb, "INPUT": path, "SOURCE_WINS": True})
    assert res["CONFLICTS"] == 2
    assert werkbank.query("SELECT status FROM projects WHERE project_id = ?", (pid,))[0]["status"] == "kandidaat"
    trail = [json.loads(r["new_values"]) for r in werkbank.query(
        "SELECT new_values FROM audit_log WHERE table_name = 'projects' AND row_key = ? ORDER BY fid", (pid,))]
    assert trail[-1]["_importconflict"]["uitkomst"] == "bron wint (SOURCE_WINS)"
    # and afterwards there is nothing left to protect
    res = run_alg("pmiek:importprojects", {"WERKBANK": example_wb, "INPUT": path})
    assert res["CONFLICTS"] == 0 and res["UNCHANGED"] == 3


def test_knooppunt_repair_is_reported_and_cancel_writes_nothing(pmiek_provider, werkbank, werkbank_path, tmp_path):
    import geopandas as gpd
    import shapely
    from qgis.core import QgsProcessingContext, QgsProcessingException, QgsProcessingFeedback

    bowtie = shapely.Polygon([(136000, 456000), (137000, 457000), (137000, 456000), (136000, 457000)])
    src = str(tmp_path / "kp.gpkg")
    gpd.GeoDataFrame({"naam": ["Vlinder"]}, geometry=[bowtie], crs=28992).to_file(src)
    rep = str(tmp_path / "kp.csv")
    res = run_alg("pmiek:importknooppunten", {"WERKBANK": werkbank_path, "INPUT": src, "FIELD_NAME": "naam",
                                               "REPORT": rep})
    assert res["INSERTED"] == 1 and res["IMPORTED"] == 1
    assert "ongeldige geometrie hersteld met make_valid (Self-intersection" in open(rep, encoding="utf-8-sig").read()
    # cancel while writing: nothing written
    from qgis.core import QgsApplication

    class Cancelling(QgsProcessingFeedback):
        """Not cancelled while the layer is read (two checks), cancelled at the check inside the write."""
        calls = 0

        def isCanceled(self):  # noqa: N802
            Cancelling.calls += 1
            return Cancelling.calls > 2

    before = table_digest(werkbank_path)
    alg = QgsApplication.processingRegistry().createAlgorithmById("pmiek:importknooppunten")
    ctx = QgsProcessingContext()
    params = {"WERKBANK": werkbank_path, "INPUT": src, "FIELD_NAME": "naam", "SOURCE_WINS": True}
    with pytest.raises(QgsProcessingException, match="geannuleerd; er is niets geschreven"):
        alg.processAlgorithm(params, ctx, Cancelling())
    assert Cancelling.calls == 3  # the one in the write transaction
    assert table_digest(werkbank_path) == before


def test_projects_refuse_non_finite_and_absurd_amounts(pmiek_provider, example_wb, tmp_path):
    from qgis.core import QgsProcessingException

    rows = [list(GOOD[0]), list(GOOD[2])]
    rows[0][HEADERS.index("capaciteit_afname_mw")] = "inf"
    rows[1][HEADERS.index("capaciteit_afname_mw")] = "1e308"
    path = _xlsx(tmp_path / "lijst.xlsx", rows)
    before = table_digest(example_wb)
    with pytest.raises(QgsProcessingException) as e:
        run_alg("pmiek:importprojects", {"WERKBANK": example_wb, "INPUT": path, "STRICT": True})
    msg = str(e.value)
    assert "lijst.xlsx, rij 2" in msg and "'inf' is geen eindig getal" in msg
    assert "rij 3" in msg and "onwaarschijnlijk groot" in msg
    assert table_digest(example_wb) == before


def test_knooppunt_edits_in_qgis_survive_a_refresh(pmiek_provider, werkbank, werkbank_path, tmp_path):
    """A knooppunt redrawn after the import keeps its new outline; a description typed in QGIS (SQL through GDAL,
    audited by the trigger with the whole row) is a decision for that field only: a new name from the source
    still comes in."""
    import subprocess

    import geopandas as gpd
    import shapely

    src = str(tmp_path / "kp.gpkg")
    square = shapely.box(136000, 456000, 137000, 457000)
    gpd.GeoDataFrame({"id": ["K1"], "naam": ["Haven"], "omschrijving": ["uit de sessie"]}, geometry=[square],
                     crs=28992).to_file(src)
    params = {"WERKBANK": werkbank_path, "INPUT": src, "FIELD_NAME": "naam", "FIELD_ID": "id",
              "FIELD_DESCRIPTION": "omschrijving"}
    run_alg("pmiek:importknooppunten", params)
    row = werkbank.query("SELECT row_version FROM knooppunten WHERE knooppunt_id = 'K1'")[0]
    bigger = shapely.MultiPolygon([shapely.box(136000, 456000, 138000, 457000)])
    werkbank.update_row("knooppunten", "K1", {"geom": bigger}, row["row_version"], user="Ontwerper")
    subprocess.run(["ogrinfo", werkbank_path, "-q", "-sql",
                    "UPDATE knooppunten SET description = 'herzien in QGIS' WHERE knooppunt_id = 'K1'"],
                   check=True, capture_output=True)
    # the source again, with a new name
    gpd.GeoDataFrame({"id": ["K1"], "naam": ["Haven Oost"], "omschrijving": ["uit de sessie"]}, geometry=[square],
                     crs=28992).to_file(src)
    res = run_alg("pmiek:importknooppunten", params)
    assert res["CONFLICTS"] == 2  # the outline and the description, not the name
    kp = werkbank.read_frame("knooppunten").set_index("knooppunt_id")
    assert kp.loc["K1", "name"] == "Haven Oost" and kp.loc["K1", "description"] == "herzien in QGIS"
    assert kp.loc["K1"].geometry.equals_exact(bigger, 1e-6)


def test_project_gone_from_the_list_is_reported_then_deleted_with_sync(pmiek_provider, example_wb, werkbank, tmp_path):
    """Re-importing a projectenlijst without a project: REMOVED 1 and the project stays; with SYNC it is deleted
    (audited, its link along); a dropped project with a rating or a decision refuses SYNC, naming it; one still in
    another list is not gone; a cancel during a SYNC import deletes nothing."""
    import html
    import json

    from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingException, QgsProcessingFeedback

    from pmiek_werkbank.knooppunten.links import add_link
    from pmiek_werkbank.scoring.decisions import set_status

    bat, h2 = "P-batterij-oost", "P-aantakking-waterstofbackbone"
    full = _xlsx(tmp_path / "projectenlijst.xlsx", GOOD)
    assert run_alg("pmiek:importprojects", {"WERKBANK": example_wb, "INPUT": full})["INSERTED"] == 3
    add_link(werkbank, bat, "D1", share_pct=50)
    # the same file name without 'Batterij Oost'
    (tmp_path / "zonder").mkdir()
    short = _xlsx(tmp_path / "zonder" / "projectenlijst.xlsx", GOOD[:2])
    rep = str(tmp_path / "r.html")
    res = run_alg("pmiek:importprojects", {"WERKBANK": example_wb, "INPUT": short, "REPORT": rep})
    assert (res["REMOVED"], res["UNCHANGED"], res["INSERTED"], res["UPDATED"]) == (1, 2, 0, 0)
    assert werkbank.count("projects", "project_id = ?", (bat,)) == 1
    assert "1 rij(en) uit bron 'projectenlijst.xlsx' komen niet meer in de bron voor (REMOVED)" in \
        html.unescape(open(rep, encoding="utf-8").read())
    # a list of another name knows nothing of this one's projects
    other = _xlsx(tmp_path / "andere_lijst.xlsx", GOOD[:1])
    assert run_alg("pmiek:importprojects", {"WERKBANK": example_wb, "INPUT": other, "SYNC": True})["REMOVED"] == 0

    # cancel while a SYNC import writes: nothing deleted
    class Cancelling(QgsProcessingFeedback):
        """Cancelled at the check inside the runner's write transaction (after the SYNC delete)."""
        asked_in_write = 0

        def isCanceled(self):  # noqa: N802
            import sys

            inside = sys._getframe(1).f_code.co_name == "write"
            Cancelling.asked_in_write += inside
            return inside

    before = table_digest(example_wb)
    alg = QgsApplication.processingRegistry().createAlgorithmById("pmiek:importprojects")
    with pytest.raises(QgsProcessingException, match="geannuleerd; er is niets geschreven"):
        alg.processAlgorithm({"WERKBANK": example_wb, "INPUT": short, "SYNC": True}, QgsProcessingContext(),
                             Cancelling())
    assert Cancelling.asked_in_write == 1
    assert table_digest(example_wb) == before and werkbank.count("projects", "project_id = ?", (bat,)) == 1

    # SYNC deletes it, with its link, in the audit trail
    rep = str(tmp_path / "sync.html")
    res = run_alg("pmiek:importprojects", {"WERKBANK": example_wb, "INPUT": short, "SYNC": True, "REPORT": rep})
    assert res["REMOVED"] == 1
    assert werkbank.count("projects", "project_id = ?", (bat,)) == 0
    assert werkbank.count("project_links", "project_id = ?", (bat,)) == 0
    text = html.unescape(open(rep, encoding="utf-8").read())
    assert "zijn verwijderd (SYNC): {} (Batterij Oost). Mee verwijderd: 1 rij(en) uit project_links.".format(bat) in text
    gone = werkbank.query("SELECT action, old_values FROM audit_log WHERE table_name = 'projects' AND row_key = ?",
                          (bat,))
    assert gone[-1]["action"] == "delete" and json.loads(gone[-1]["old_values"])["name"] == "Batterij Oost"
    # once deleted it is no longer this source's: the next import reports nothing
    assert run_alg("pmiek:importprojects", {"WERKBANK": example_wb, "INPUT": short})["REMOVED"] == 0

    # a dropped project with a rating, or a decision after the import, is not deleted: the import is refused
    werkbank.write_frame("criteria", [{"criterion_id": "A", "name": "Urgentie", "grp": "systeemtoets",
                                       "scale": "hoog|laag"}])
    werkbank.write_frame("scores", [{"score_id": "s1", "project_id": h2, "criterion_id": "A", "rating": "hoog",
                                     "rationale": "druk net", "assessor": "Netbeheerder", "score_date": "2026-01-05"}])
    set_status(werkbank, h2, "afgevallen", reason="ander tracé", user="Besluitnemer")
    werkbank.write_frame("project_dependencies", [{"dependency_id": "d1", "project_id": "P-150-kv-station-gemeente-a",
                                                   "kind": "pmiek", "depends_on_project_id": h2}])
    before = table_digest(example_wb)
    none = _xlsx(tmp_path / "zonder" / "projectenlijst.xlsx", [["Nieuw project"] + [None] * (len(HEADERS) - 1)])
    with pytest.raises(QgsProcessingException) as e:
        run_alg("pmiek:importprojects", {"WERKBANK": example_wb, "INPUT": none, "SYNC": True})
    msg = str(e.value)
    assert "projectenlijst.xlsx: SYNC verwijdert geen rijen waar besluiten of andere gegevens aan hangen" in msg
    assert "- projects {} (Aantakking Waterstofbackbone): besluit na de vorige import: veld 'status' (Besluitnemer,"\
        .format(h2) in msg and "; 1 beoordeling(en)" in msg
    # the 150 kV station is still in andere_lijst.xlsx: not gone
    assert "150 kV" not in msg
    # SOURCE_WINS overrides the decision, not the rating
    with pytest.raises(QgsProcessingException) as e:
        run_alg("pmiek:importprojects", {"WERKBANK": example_wb, "INPUT": none, "SYNC": True, "SOURCE_WINS": True})
    assert "- projects {} (Aantakking Waterstofbackbone): 1 beoordeling(en); 1 project(en) hangen ervan af\n".format(
        h2) in str(e.value)
    assert table_digest(example_wb) == before
    # without SYNC the project is only reported; the new project is written
    res = run_alg("pmiek:importprojects", {"WERKBANK": example_wb, "INPUT": none})
    assert (res["REMOVED"], res["INSERTED"]) == (1, 1)


def test_ibn_given_as_a_date_is_read_as_its_year(pmiek_provider, example_wb, werkbank, tmp_path):
    """Real projectenlijsten give the IBN as a date: an Excel date cell or '1-7-2027' was refused ("'2029-07-01
    00:00:00' is geen jaartal"); it is that date's year, read by the one date parser (ingest.dates.year_of_date,
    also used for a jaar gereed).  Text that is no date stays refused naming row and field."""
    import datetime

    headers = ["Naam project", "IBN", "status"]
    rows = [["Station Ambyerveld", datetime.datetime(2029, 7, 1), "kandidaat"],
            ["Kabel Maasbracht", "1-7-2027", "kandidaat"],
            ["Batterij Sittard", "binnenkort", "kandidaat"]]
    path = _xlsx(tmp_path / "ibn.xlsx", rows, headers=headers)
    res = run_alg("pmiek:importprojects", {"WERKBANK": example_wb, "INPUT": path})
    assert (res["INSERTED"], res["REJECTED"]) == (2, 1)
    got = {r["name"]: r["ibn_year"] for r in werkbank.query("SELECT name, ibn_year FROM projects")}
    assert got["Station Ambyerveld"] == 2029 and got["Kabel Maasbracht"] == 2027
    assert "Batterij Sittard" not in got
