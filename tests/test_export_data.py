"""A small, hand-made werkbank for the export tests (fictief voorbeeld), plus checks of the gathered data.

``build_export_werkbank(path)`` fills a fresh werkbank with 6 projects: 4 with a
fiche (one with a hostile name), 1 confidential, 1 afgevallen.
"""

import pytest

HOSTILE = '=HYPERLINK("http://x.nl","klik") <script>alert(1)</script> ../../x \U0001F50C'
CONFIDENTIAL = "Geheim datacenterstation Noord"
AFGEVALLEN = "Waterstofleiding Oost"
FICHE_NAMES = ["Uitbreiding HS/MS-station Lage Weide", "MS-tracé Papendorp – Rijnsweerd",
               "Warmtenet Overvecht", HOSTILE]
SECTIONS = ["Algemene gegevens", "Narratief", "Reden van opname", "Fase infrastructuur en ontwikkelingen",
            "Afhankelijkheden", "Uitvoeringsafspraken", "Afwegingskader", "Capaciteitsbalans"]


def build_export_werkbank(path, long_narrative=None):
    from shapely.geometry import LineString, Point, Polygon

    from pmiek_werkbank.werkbank import open_werkbank

    wb = open_werkbank(path)
    wb.update_programme(name="pMIEK Testprogramma", round="pMIEK 2.0", version="0.3", peildatum="2026-01-01",
                        disclaimer="Dit is een fictief voorbeeld.")
    wb.write_frame("stations", [
        {"station_id": "S1", "name": "Lage Weide", "netbeheerder": "Stedin", "voltage_kv": 150, "voltage_level": "HS",
         "source": "Testbron stations", "geom": Point(133000, 457500)},
        {"station_id": "S2", "name": "Overvecht", "netbeheerder": "Stedin", "voltage_kv": 50, "voltage_level": "HS",
         "source": "Testbron stations", "geom": Point(137500, 459000)},
    ])
    wb.write_frame("station_capacity", [
        {"station_id": "S1", "year": 2025, "afname_mw": 20, "teruglevering_mw": 10},
        {"station_id": "S1", "year": 2030, "afname_mw": 60, "teruglevering_mw": 30},
        {"station_id": "S2", "year": 2025, "afname_mw": 8, "teruglevering_mw": 4},
    ], mode="insert")
    wb.write_frame("capacity_areas", [
        {"area_id": "C1", "name": "Gebied Lage Weide", "station_id": "S1", "afname_colour": "rood",
         "invoeding_colour": "oranje", "geom": Polygon([(130000, 455000), (136000, 455000), (136000, 460000),
                                                        (130000, 460000)])},
        {"area_id": "C2", "name": "Gebied Overvecht", "station_id": "S2", "afname_colour": "geel",
         "invoeding_colour": "transparant", "geom": Polygon([(136000, 455000), (141000, 455000),
                                                             (141000, 461000), (136000, 461000)])},
    ])
    wb.write_frame("knooppunten", [
        {"knooppunt_id": "K1", "name": "Knooppunt Lage Weide", "karakter": "provinciaal",
         "geom": Polygon([(131500, 456500), (134500, 456500), (134500, 458800), (131500, 458800)])},
    ])
    wb.write_frame("developments", [
        {"dev_id": "D1", "name": "Bedrijventerrein Lage Weide verduurzaming", "sector": "bedrijventerrein",
         "municipality": "Utrecht", "year_ready": 2028, "phase": "planvorming", "demand_mw": 35.5,
         "source": "Testbron ontwikkelingen", "geom": Point(132400, 457900)},
        {"dev_id": "D2", "name": "Laadplein Cartesiusweg", "sector": "mobiliteit", "municipality": "Utrecht",
         "year_ready": 2027, "phase": "besluitvorming", "demand_mw": 6, "geom": Point(133800, 456900)},
        {"dev_id": "D3", "name": "Woonwijk Overvecht-Noord", "sector": "wonen", "municipality": "Utrecht",
         "year_ready": 2030, "phase": "idee", "demand_mw": 12, "dwellings": 2400,
         "geom": Polygon([(137000, 459200), (138200, 459200), (138200, 460100), (137000, 460100)])},
        {"dev_id": "D4", "name": "Zonneveld Papendorp", "sector": "zon", "municipality": "Utrecht",
         "year_ready": 2026, "phase": "realisatie", "supply_mw": 14, "geom": Point(133200, 453800)},
    ])
    narrative = long_narrative or (
        "Het bedrijventerrein Lage Weide verduurzaamt en elektrificeert; de vraag groeit sneller dan het station "
        "kan leveren.\nDe uitbreiding bedient ook het laadplein aan de Cartesiusweg.")
    projects = [
        {"project_id": "P1", "code": "1", "name": FICHE_NAMES[0], "location_description": "Lage Weide, Utrecht",
         "municipalities": "Utrecht", "type_infra": "hs_ms_station", "energy_carrier": "elektriciteit",
         "netbeheerder": "Stedin", "phase": "planuitwerking", "ibn_year": 2029, "planning": "vergunning 2027",
         "investment_eur": 48_000_000, "financial_cover": "deels", "financial_note": "bijdrage Rijk gevraagd",
         "parties": "Stedin (realisatie), gemeente Utrecht (vergunning), provincie (regie)",
         "narrative": narrative, "reason_inclusion": "Versnelling nodig: wachtrij van 40 MW.",
         "phase_developments": "Bedrijventerrein in planvorming; laadplein in besluitvorming.",
         "dependencies_nmiek": "150 kV-ring Utrecht (nMIEK)", "station_id": "S1", "knooppunt_id": "K1",
         "capacity_afname_mw": 60, "status": "opgenomen", "route": "C", "in_ip": 1, "ip_reference": "IP-2024-117",
         "bevoegd_gezag": "Gemeente Utrecht", "geom": Point(133100, 457400)},
        {"project_id": "P2", "code": "2", "name": FICHE_NAMES[1], "location_description": "Papendorp naar Rijnsweerd",
         "type_infra": "ms_trace", "energy_carrier": "elektriciteit", "netbeheerder": "Stedin", "phase": "verkenning",
         "ibn_year": 2031, "narrative": "Verbindt het zonneveld met de vraag in het oosten.",
         "reason_inclusion": "Bevestiging nut en noodzaak.", "station_id": "S1", "status": "kandidaat",
         "geom": LineString([(133200, 453800), (136000, 455500), (138500, 455800)])},
        {"project_id": "P3", "code": "3", "name": FICHE_NAMES[2], "location_description": "Overvecht",
         "type_infra": "warmtenet", "energy_carrier": "warmte", "phase": "project", "ibn_year": 2028,
         "narrative": "Warmtenet voor de nieuwe woonwijk.", "station_id": "S2", "status": "opgenomen",
         "geom": Polygon([(136800, 459000), (138400, 459000), (138400, 460300), (136800, 460300)])},
        {"project_id": "P4", "code": "4", "name": HOSTILE, "location_description": "<b>nergens</b>",
         "type_infra": "flex_opslag", "narrative": "<img src=x onerror=alert(1)> & meer", "status": "kandidaat",
         "parties": "=1+1", "geom": Point(135000, 456000)},
        {"project_id": "P5", "code": "5", "name": CONFIDENTIAL, "type_infra": "hs_station", "confidential": 1,
         "narrative": "Vertrouwelijk.", "status": "opgenomen", "geom": Point(134000, 458500)},
        {"project_id": "P6", "code": "6", "name": AFGEVALLEN, "type_infra": "waterstofleiding", "status": "afgevallen",
         "status_reason": "Geen afnemers meer na heroverweging.", "geom": LineString([(139000, 457000),
                                                                                        (141000, 457500)])},
    ]
    for row in projects:  # NOT NULL flags: write_frame passes None, not the column default
        row.setdefault("confidential", 0)
        row.setdefault("in_ip", 0)
    wb.write_frame("projects", projects)
    wb.write_frame("project_links", [
        {"link_id": "L1", "project_id": "P1", "dev_id": "D1", "share_mw": 35.5},
        {"link_id": "L2", "project_id": "P1", "dev_id": "D2", "share_pct": 100},
        {"link_id": "L3", "project_id": "P2", "dev_id": "D4"},
        {"link_id": "L4", "project_id": "P3", "dev_id": "D3"},
    ])
    wb.write_frame("project_dependencies", [
        {"dependency_id": "DEP1", "project_id": "P2", "kind": "pmiek", "depends_on_project_id": "P1",
         "description": "Tracé sluit aan op het uitgebreide station."},
        {"dependency_id": "DEP2", "project_id": "P1", "kind": "pmiek", "depends_on_project_id": "P5",
         "description": "Deelt het veld."},
    ])
    wb.write_frame("actions", [
        {"action_id": "A1", "project_id": "P1", "activity": "Ruimtelijk planproces opstellen", "trekker": "Gemeente Utrecht",
         "involved": "Stedin, provincie", "result": "Vastgesteld plan", "planning": "Q3 2026", "status": "lopend"},
        {"action_id": "A2", "project_id": "P1", "activity": "Investeringsbesluit", "trekker": "Stedin",
         "result": "Besluit", "planning": "2027", "status": "open"},
        {"action_id": "A3", "project_id": "P4", "activity": "=cmd|' /C calc'!A0", "trekker": "@Provincie"},
        {"action_id": "A4", "project_id": "P5", "activity": "Geheime actie", "trekker": "Stedin"},
    ])
    wb.write_frame("scores", [
        {"score_id": "SC1", "project_id": "P1", "criterion_id": "A", "rating": "hoog",
         "rationale": "Bedient 40 MW aan bedrijvigheid.", "assessor": "J. Jansen", "assessor_role": "provincie",
         "score_date": "2025-11-01", "agreed": 1},
        {"score_id": "SC2", "project_id": "P1", "criterion_id": "C", "rating": "veel",
         "rationale": "Efficiënt: benut bestaand veld.", "assessor": "Stedin", "assessor_role": "netbeheerder",
         "score_date": "2025-11-02", "agreed": 1},
    ])
    wb.write_frame("monitoring", [
        {"monitoring_id": "M1", "project_id": "P1", "peildatum": "2026-01-01", "ibn_feasibility": "2029",
         "attention_points": "Draagvlak locatie", "acceleration_action": "Toelichting raad", "trekker": "Gemeente",
         "question_energyboard": "Provincie aanwezig bij raadsvergadering"},
        {"monitoring_id": "M2", "project_id": "P4", "peildatum": "2026-01-01", "ibn_feasibility": "-2030",
         "attention_points": "+31 risico", "question_energyboard": "=SUM(A1:A9)"},
        {"monitoring_id": "M3", "project_id": "P5", "peildatum": "2026-01-01", "ibn_feasibility": "2030"},
    ])
    wb.close()
    return path


@pytest.fixture
def export_wb(werkbank_path):
    return build_export_werkbank(werkbank_path)


def test_gather_filters_orders_and_footer(export_wb):
    from pmiek_werkbank.export.context import ATTRIBUTION, gather
    from pmiek_werkbank.werkbank import open_werkbank

    with open_werkbank(export_wb, readonly=True) as wb:
        data = gather(wb)
        data_all = gather(wb, include_confidential=True, order="knooppunt")
    assert [p["name"] for p in data.projects] == FICHE_NAMES  # no ranking yet: by projectnummer
    assert [p["name"] for p in data.afgevallen] == [AFGEVALLEN]
    assert data.afgevallen[0]["status_reason"].startswith("Geen afnemers")
    assert data.confidential_left_out == [CONFIDENTIAL]
    assert CONFIDENTIAL in [p["name"] for p in data_all.projects]
    # knooppunt order: projects of 'Knooppunt Lage Weide' first, then those without knooppunt
    assert data_all.projects[0]["knooppunt"] == "Knooppunt Lage Weide"
    f = data.footer
    assert f["fictief"] and "fictief voorbeeld" in f["line1"].lower()
    assert ATTRIBUTION in f["line2"] and "Testbron stations" in f["line2"]
    assert "pMIEK Testprogramma" in f["line1"] and "pMIEK 2.0" in f["line1"] and "1 januari 2026" in f["line1"]
    p1 = data.projects[0]
    assert [d["name"] for d in p1["developments"]] == ["Bedrijventerrein Lage Weide verduurzaming",
                                                       "Laadplein Cartesiusweg"]
    assert p1["developments"][0]["demand"] == "35,5 MW" and p1["developments"][0]["year"] == "2028"
    assert [a["activity"] for a in p1["actions"]] == ["Ruimtelijk planproces opstellen", "Investeringsbesluit"]
    assert [s["criterion_id"] for s in p1["scores"]] == ["A", "C"] and p1["scores"][0]["assessor"] == "J. Jansen"
    # dependency on the confidential project is named only as 'vertrouwelijk project'
    deps = {d["description"]: d for d in p1["dependencies"]}
    assert deps["Deelt het veld."]["project"] == "vertrouwelijk project"
    assert deps["150 kV-ring Utrecht (nMIEK)"]["kind_label"] == "Nationaal MIEK"
    p2 = data.projects[1]
    assert p2["dependencies"][0]["project"] == "1 " + FICHE_NAMES[0]
    # capacity balance of station S1 (knooppunten.balance), by hand: capacity 2030 = limit 60 + P1 (IBN 2029) 60;
    # demand 2030 = D1 35.5 (2028) + D2 6 (2027), both in capacity area C1 of S1; 2025: limit 20, no demand yet
    assert data.balance_available
    b = {r["year"]: r for r in p1["balance"]}
    assert sorted(b) == [2025, 2030, 2035]
    assert b[2025]["afname_mw"] == 20 and b[2025]["demand_mw"] == 0 and b[2025]["status"] == "ruim"
    assert b[2030]["afname_mw"] == 120 and b[2030]["demand_mw"] == pytest.approx(41.5)
    assert b[2030]["balance_afname_mw"] == pytest.approx(78.5) and p1["balance_status"] == "ruim"
    assert data.ranking_available and p1["rank"] == 1
    # extent covers project, developments, knooppunt and station
    x0, y0, x1, y1 = p1["extent"]
    assert x0 <= 131500 and x1 >= 134500 and y0 <= 456500 and y1 >= 458800


def test_safe_filenames():
    from pmiek_werkbank.export.safety import neutralise_formula, safe_filename, unique_filenames

    s = safe_filename(HOSTILE)
    assert "/" not in s and ".." not in s and "<" not in s and s.isascii() and s
    assert safe_filename("../../x") not in ("..", ".", "")
    assert safe_filename("") and safe_filename("CON") != "CON"
    names = unique_filenames(["a b", "a_b", "A B"])
    assert len({n.lower() for n in names}) == 3
    assert neutralise_formula("=1+1").startswith("'") and neutralise_formula("normaal") == "normaal"
    assert neutralise_formula(5) == 5


def test_open_points_leave_out_projects_that_fell_away(werkbank_path):
    """Two assessors disagree on criterion B of P2 (kandidaat) and of P6 (afgevallen): the atlas's open points for
    the energyboard name P2's, not P6's (that project is decided)."""
    from pmiek_werkbank.export.context import gather
    from pmiek_werkbank.werkbank import open_werkbank

    build_export_werkbank(werkbank_path)
    with open_werkbank(werkbank_path) as wb:
        rows = []
        for pid in ("P2", "P6"):
            for n, (who, rating) in enumerate((("Gemeente", "hoog"), ("Netbeheerder", "laag"))):
                rows.append({"score_id": "D{}{}".format(pid, n), "project_id": pid, "criterion_id": "B",
                             "rating": rating, "rationale": "eigen oordeel", "assessor": who,
                             "assessor_role": "gemeente", "score_date": "2025-11-03", "agreed": 0})
        wb.write_frame("scores", rows)
        data = gather(wb)
    assert [(d["project_id"], d["criterion_id"]) for d in data.disputes] == [("P2", "B")]
