"""A small hand-made programme (fictief voorbeeld) for the rounds/variants/exchange tests.

No tests here; imported by test_rounds.py, test_variants.py and test_exchange.py.

Stations (explicit assignment of every development):
  S1 Station Noord (Stedin)  limit 50 MW (2025, 2030)
  S2 Station Zuid  (Stedin)  limit 30 MW (2025)
  S3 Station Oost  (Liander) limit 40 MW (2025)
Developments: D1 wonen S1 20 MW 2025 (Utrecht), D2 bedrijventerrein S1 40 MW 2030 (Utrecht),
  D3 datacenter S2 37 MW 2030 (Amersfoort), D4 zon S3 supply 10 MW 2025 (Zeist),
  D5 mobiliteit S3 20 MW 2035 (Zeist).
Projects: P1 S1 +30 MW IBN 2032 EUR 12 mln opgenomen; P2 S2 +10 MW IBN 2028 EUR 5 mln kandidaat;
  P3 S3 +15 MW IBN 2030 EUR 3 mln VERTROUWELIJK; P4 HS-verbinding (line) IBN 2034 EUR 20 mln kandidaat.
Scores (default A-H, 3|2|1, weight 1): P1 A hoog, B goed (=6); P2 A gemiddeld, B voldoende (=4);
  P3 A laag (=1); P4 A hoog, C veel (=6).
"""

from shapely.geometry import LineString, Point, Polygon

S1, S2, S3 = (136000.0, 456000.0), (140000.0, 450000.0), (145000.0, 455000.0)


def square(x, y, r=300.0):
    return Polygon([(x - r, y - r), (x + r, y - r), (x + r, y + r), (x - r, y + r)])


def fill_programme(wb):
    import geopandas as gpd

    crs = "EPSG:28992"
    wb.write_frame("stations", gpd.GeoDataFrame([
        {"station_id": "S1", "name": "Station Noord", "netbeheerder": "Stedin", "voltage_kv": 150, "voltage_level": "HS"},
        {"station_id": "S2", "name": "Station Zuid", "netbeheerder": "Stedin", "voltage_kv": 50, "voltage_level": "HS"},
        {"station_id": "S3", "name": "Station Oost", "netbeheerder": "Liander", "voltage_kv": 50, "voltage_level": "HS"},
    ], geometry=[Point(*S1), Point(*S2), Point(*S3)], crs=crs))
    wb.write_frame("station_capacity", [
        {"station_id": "S1", "year": 2025, "afname_mw": 50.0, "teruglevering_mw": 20.0},
        {"station_id": "S1", "year": 2030, "afname_mw": 50.0, "teruglevering_mw": 20.0},
        {"station_id": "S2", "year": 2025, "afname_mw": 30.0, "teruglevering_mw": 10.0},
        {"station_id": "S3", "year": 2025, "afname_mw": 40.0, "teruglevering_mw": 15.0},
    ], mode="insert")
    wb.write_frame("capacity_areas", gpd.GeoDataFrame([
        {"area_id": "A1", "name": "Gebied Stedin", "station_id": "S1", "netbeheerder": "Stedin",
         "afname_colour": "oranje", "invoeding_colour": "rood"},
        {"area_id": "A2", "name": "Gebied Liander", "station_id": "S3", "netbeheerder": "Liander",
         "afname_colour": "geel", "invoeding_colour": "transparant"},
    ], geometry=[square(138000, 453000, 5000).buffer(0), square(145000, 455000, 2000)], crs=crs))
    wb.write_frame("knooppunten", gpd.GeoDataFrame([
        {"knooppunt_id": "K1", "name": "Knooppunt Noord", "karakter": "lokaal"},
    ], geometry=[square(*S1, 1500)], crs=crs))
    wb.write_frame("developments", gpd.GeoDataFrame([
        {"dev_id": "D1", "name": "Woonwijk Noord", "sector": "wonen", "municipality": "Utrecht", "year_ready": 2025,
         "demand_mw": 20.0, "station_id": "S1", "phase": "realisatie", "energy_carrier": "elektriciteit"},
        {"dev_id": "D2", "name": "Bedrijventerrein Noord", "sector": "bedrijventerrein", "municipality": "Utrecht",
         "year_ready": 2030, "demand_mw": 40.0, "station_id": "S1", "phase": "planvorming"},
        {"dev_id": "D3", "name": "Datacenter Zuid", "sector": "datacenter", "municipality": "Amersfoort",
         "year_ready": 2030, "demand_mw": 37.0, "station_id": "S2", "phase": "besluitvorming"},
        {"dev_id": "D4", "name": "Zonnepark Oost", "sector": "zon", "municipality": "Zeist", "year_ready": 2025,
         "demand_mw": 0.0, "supply_mw": 10.0, "station_id": "S3"},
        {"dev_id": "D5", "name": "Laadplein Oost", "sector": "mobiliteit", "municipality": "Zeist", "year_ready": 2035,
         "demand_mw": 20.0, "station_id": "S3"},
    ], geometry=[square(136500, 456500), Point(135500, 455500), Point(140500, 450500), square(145500, 455500),
                 Point(144500, 454500)], crs=crs))
    wb.write_frame("projects", gpd.GeoDataFrame([
        {"project_id": "P1", "code": "P-1", "name": "Uitbreiding Station Noord", "municipalities": "Utrecht",
         "type_infra": "hs_ms_station", "energy_carrier": "elektriciteit", "netbeheerder": "Stedin",
         "phase": "planuitwerking", "ibn_year": 2032, "investment_eur": 12e6, "station_id": "S1",
         "knooppunt_id": "K1", "capacity_afname_mw": 30.0, "status": "opgenomen", "route": "C", "confidential": 0},
        {"project_id": "P2", "code": "P-2", "name": "Nieuw MS-station Zuid", "municipalities": "Amersfoort",
         "type_infra": "ms_station", "energy_carrier": "elektriciteit", "netbeheerder": "Stedin",
         "phase": "verkenning", "ibn_year": 2028, "investment_eur": 5e6, "station_id": "S2",
         "capacity_afname_mw": 10.0, "status": "kandidaat", "confidential": 0},
        {"project_id": "P3", "code": "P-3", "name": "Batterij Oost (vertrouwelijk)", "municipalities": "Zeist",
         "type_infra": "flex_opslag", "energy_carrier": "elektriciteit", "netbeheerder": "Liander",
         "phase": "verkenning", "ibn_year": 2030, "investment_eur": 3e6, "station_id": "S3",
         "capacity_afname_mw": 15.0, "status": "kandidaat", "confidential": 1},
        {"project_id": "P4", "code": "P-4", "name": "HS-verbinding Noord-Zuid", "municipalities": "Utrecht;Amersfoort",
         "type_infra": "hs_verbinding", "energy_carrier": "elektriciteit", "netbeheerder": "Stedin",
         "phase": "verkenning", "ibn_year": 2034, "investment_eur": 20e6, "status": "kandidaat",
         "confidential": 0},
    ], geometry=[Point(*S1), Point(*S2), Point(*S3), LineString([S1, S2])], crs=crs))
    wb.write_frame("project_links", [
        {"link_id": "L1", "project_id": "P1", "dev_id": "D1", "share_pct": 100},
        {"link_id": "L2", "project_id": "P1", "dev_id": "D2", "share_pct": 100},
        {"link_id": "L3", "project_id": "P2", "dev_id": "D3", "share_mw": 10},
        {"link_id": "L4", "project_id": "P3", "dev_id": "D5", "share_mw": 15},
    ])
    wb.write_frame("project_dependencies", [
        {"dependency_id": "DEP1", "project_id": "P4", "kind": "pmiek", "depends_on_project_id": "P1",
         "description": "eerst Station Noord"},
        {"dependency_id": "DEP2", "project_id": "P2", "kind": "pmiek", "depends_on_project_id": "P3",
         "description": "batterij ontlast Zuid"},
    ])
    score = []
    for pid, cid, rating in (("P1", "A", "hoog"), ("P1", "B", "goed"), ("P2", "A", "gemiddeld"),
                             ("P2", "B", "voldoende"), ("P3", "A", "laag"), ("P4", "A", "hoog"), ("P4", "C", "veel")):
        score.append({"score_id": "SC-{}-{}".format(pid, cid), "project_id": pid, "criterion_id": cid,
                      "rating": rating, "rationale": "motivatie {} {}".format(pid, cid), "assessor": "Provincie",
                      "assessor_role": "provincie", "score_date": "2026-01-10", "agreed": 1})
    wb.write_frame("scores", score)
    wb.write_frame("actions", [
        {"action_id": "AC1", "project_id": "P1", "activity": "Vergunning aanvragen", "trekker": "Stedin",
         "status": "open"},
        {"action_id": "AC3", "project_id": "P3", "activity": "Locatie zoeken", "status": "open"},
    ])
    wb.write_frame("monitoring", [
        {"monitoring_id": "M1", "project_id": "P1", "peildatum": "2026-01-01", "ibn_feasibility": "haalbaar",
         "attention_points": "netcongestie"},
        {"monitoring_id": "M3", "project_id": "P3", "peildatum": "2026-01-01", "ibn_feasibility": "onzeker"},
    ])
    wb.update_programme(round="pMIEK 1.0", horizon_years="2025,2030,2035")


def make_werkbank(path, name="Testprogramma (fictief voorbeeld)"):
    from pmiek_werkbank.werkbank import create_werkbank

    wb = create_werkbank(str(path), name, "Utrecht", province_code="PV26", peildatum="2026-01-01")
    fill_programme(wb)
    return wb


def two_rounds(tmp_path, changes):
    """(live, frozen round 1 'pMIEK 1.0', round 2 'pMIEK 2.0' after ``changes(path)``) of the programme above."""
    from pmiek_werkbank.programme.rounds import freeze_round, start_next_round

    live = str(tmp_path / "utrecht.gpkg")
    make_werkbank(live).close()
    snap = freeze_round(live, "pMIEK 1.0", "2026-01-15")
    new = start_next_round(snap, str(tmp_path / "utrecht_ronde2.gpkg"), "pMIEK 2.0")
    changes(new)
    return live, snap, new
