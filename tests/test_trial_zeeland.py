"""Findings of the Zeeland user trial (/tmp/trial-zeeland): spreadsheets as a province keeps them.

- a title line (merged over the columns) and an empty line above the column names: the sheet was refused with
  "minder dan twee kolommen (verkeerd scheidingsteken?)";
- a totals line at the bottom ('Totaal' with sums): it became a project 'Totaal' of 1 450,5 MW, or, with sums
  without a stored result, refused the whole projectenlijst;
- a year with its quarter or the word IBN ('Q3 2029', 'IBN 2032'): refused as "geen jaartal"/"geen getal".
"""

import openpyxl
from conftest import run_alg


def _sheet(path, rows, merge=(), title=None):
    wb = openpyxl.Workbook()
    ws = wb.active
    if title:
        ws["A1"] = title
        ws.merge_cells("A1:F1")
        ws.append([])
    for r in rows:
        ws.append(r)
    for rng in merge:
        ws.merge_cells(rng)
    wb.save(path)
    return str(path)


def test_title_lines_above_the_column_names_are_skipped_and_lines_keep_their_numbers(tmp_path):
    from pmiek_werkbank.ingest.reader import read_table

    path = _sheet(tmp_path / "capaciteit.xlsx", [
        ["Station", "Intern", "Afname 2030", "Teruglevering 2030"],
        ["ZL-364", "x", "1.250,5", 20],
        ["ZL-479", None, "12 MW", 21],
        ["ZL-485", None, 85.5, 22],
    ], merge=("B5:B6",), title="Netcapaciteit Zeeland per station – fictief voorbeeld")
    df = read_table(path)
    assert [c for c in df.columns if c != "_row"] == ["Station", "Intern", "Afname 2030", "Teruglevering 2030"]
    assert list(df["_row"]) == [4, 5, 6]  # the spreadsheet lines: title 1, empty 2, column names 3
    assert list(df["Station"]) == ["ZL-364", "ZL-479", "ZL-485"]
    assert list(df["Afname 2030"]) == ["1.250,5", "12 MW", 85.5]
    # a merged cell in the data is still named with its own line (5 and 6 merged: line 6 is the hidden one)
    assert df.attrs["unreadable"] and [(r, c) for r, c, _ in df.attrs["unreadable"]] == [(6, "Intern")]
    assert any("regel 1-2 boven de kolomnamen overgeslagen" in n and "regel 3" in n for n in df.attrs["notes"])


def test_a_sheet_starting_with_its_column_names_is_read_as_before(tmp_path):
    from pmiek_werkbank.ingest.reader import read_table

    df = read_table(_sheet(tmp_path / "a.xlsx", [["id", "naam"], ["1", "Goes"]]))
    assert list(df["_row"]) == [2] and list(df["naam"]) == ["Goes"] and not df.attrs["notes"]


def test_a_totals_line_at_the_bottom_is_no_row(tmp_path):
    from pmiek_werkbank.ingest.reader import read_table

    path = _sheet(tmp_path / "lijst.xlsx", [
        ["Nr", "Naam project", "Capaciteit afname", "Capaciteit teruglevering"],
        ["ZL-P01", "380 kV Borssele–Rilland", 1250.5, 800],
        ["ZL-P02", "Westerschelde-kruising", 120, 120],
        [None, "Totaal", "=SUM(C2:C3)", 920],  # a sum without a stored result and a typed total
    ])
    df = read_table(path)
    assert list(df["Nr"]) == ["ZL-P01", "ZL-P02"] and list(df["_row"]) == [2, 3]
    assert df.attrs["unreadable"] == []  # the sum went with its line: it does not refuse the list
    assert any("regel 4 is een totaalregel" in n for n in df.attrs["notes"])
    # CSV with a decimal-comma total; a last row with other text is a row like every row
    csv = tmp_path / "ontwikkelingen.csv"
    csv.write_text("id;naam;vraag_mw\nZD-1;Elektrolyser Sloe;250\nZD-2;Totaal Sloegebied-Oost;3\n"
                   "Totaal:;;1.253,5\n", encoding="utf-8")
    df = read_table(str(csv))
    assert list(df["naam"]) == ["Elektrolyser Sloe", "Totaal Sloegebied-Oost"]
    assert any("regel 4 is een totaalregel" in n for n in df.attrs["notes"])


def test_year_with_quarter_or_ibn_is_its_year():
    from pmiek_werkbank.ingest.dates import year_of_date

    got = {v: year_of_date(v) for v in ("Q3 2029", "2029-Q3", "3e kwartaal 2029", "medio 2030", "IBN 2032",
                                         "1-7-2027", "2030/2035", "Q5 2029", "2029", "2031 (1 jaar later)")}
    assert got == {"Q3 2029": 2029, "2029-Q3": 2029, "3e kwartaal 2029": 2029, "medio 2030": 2030, "IBN 2032": 2032,
                   "1-7-2027": 2027, "2030/2035": None, "Q5 2029": None, "2029": None, "2031 (1 jaar later)": None}


def test_projectenlijst_with_title_totals_and_quarters_imports_every_project_and_no_total(
        werkbank, werkbank_path, tmp_path, pmiek_provider):
    path = _sheet(tmp_path / "projectenlijst_zeeland.xlsx", [
        ["Nr", "Naam project", "Type infra", "IBN", "Capaciteit afname", "Capaciteit teruglevering"],
        ["ZL-P01", "380 kV-verbinding Borssele–Rilland", "hs_verbinding", 2030, "1.250,5", 800],
        ["ZL-P02", "Westerschelde-kruising 150 kV", "hs_verbinding", "Q3 2029", 120, 120],
        ["ZL-P05", "Nieuw station Schouwen", "hs_station", "IBN 2032", 60, 80],
        ["ZL-P03", "Waterstofleiding Vlissingen–Gent", "waterstofleiding", "2030/2031", None, None],
        [None, "Totaal", None, None, "=SUM(E3:E6)", "=SUM(F3:F6)"],
    ], title="Projectenlijst pMIEK Zeeland 2025 – concept")
    res = run_alg("pmiek:importprojects", {"WERKBANK": werkbank_path, "INPUT": path,
                                           "REPORT": str(tmp_path / "r.html")})
    assert (res["IMPORTED"], res["REJECTED"]) == (3, 1)
    p = werkbank.read_frame("projects").set_index("code")
    assert sorted(p.index) == ["ZL-P01", "ZL-P02", "ZL-P05"]  # no project 'Totaal'
    assert "Totaal" not in set(p["name"])
    assert p.loc["ZL-P01", "capacity_afname_mw"] == 1250.5
    assert (p.loc["ZL-P02", "ibn_year"], p.loc["ZL-P05", "ibn_year"]) == (2029, 2032)
    report = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "2030/2031" in report and "regel 8 is een totaalregel" in report  # the range is refused with its line
    assert ">7<" in report  # ... on spreadsheet line 7 (title 1, empty 2, column names 3)


def test_a_station_named_by_a_name_two_stations_share_is_refused_not_chosen(werkbank, werkbank_path, tmp_path,
                                                                             pmiek_provider):
    """Zeeland has two stations 'Middelburg' (ZL-743, ZL-744): a project naming 'Middelburg' got ZL-743 without a
    word; now its row is refused with both ids, and a unique name or an id still works."""
    from shapely.geometry import Point

    werkbank.write_frame("stations", [
        {"station_id": "ZL-743", "name": "Middelburg", "geometry": Point(34255, 390212)},
        {"station_id": "ZL-744", "name": "Middelburg", "geometry": Point(34587, 387685)},
        {"station_id": "ZL-742", "name": "Ritthem Noordoëver", "geometry": Point(37752, 384902)},
    ])
    path = tmp_path / "projecten.csv"
    path.write_text("Nr;Naam project;Station\nZL-P08;Uitbreiding Middelburg;Middelburg\n"
                    "ZL-P09;Uitbreiding Ritthem;ritthem noordoëver\nZL-P10;Uitbreiding Arnemuiden;ZL-744\n",
                    encoding="utf-8")
    res = run_alg("pmiek:importprojects", {"WERKBANK": werkbank_path, "INPUT": str(path),
                                           "REPORT": str(tmp_path / "r.html")})
    assert (res["IMPORTED"], res["REJECTED"]) == (2, 1)
    p = werkbank.read_frame("projects").set_index("code")
    assert dict(p["station_id"]) == {"ZL-P09": "ZL-742", "ZL-P10": "ZL-744"}
    report = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "station &#x27;Middelburg&#x27; is de naam van 2 stations in de werkbank (ZL-743, ZL-744)" in report


def test_csv_with_title_lines_or_excels_sep_line_reads_from_its_column_names(tmp_path):
    """A CSV saved from the same sheet keeps the title as 'Projectenlijst Zeeland (concept);;;' and an empty
    ';;;' line; Excel may write 'sep=;' first.  The title became the column names ('Unnamed: 1' ...), and after
    'sep=;' the first column was taken as the index: the ids were lost."""
    from pmiek_werkbank.ingest.reader import read_table

    titel = tmp_path / "titel.csv"
    titel.write_text("Projectenlijst Zeeland (concept);;;\n;;;\nNr;Naam project;Type infra;IBN\n"
                     "ZL-P01;380 kV Borssele-Rilland;hs_verbinding;2030\n", encoding="utf-8")
    df = read_table(str(titel))
    assert [c for c in df.columns if c != "_row"] == ["Nr", "Naam project", "Type infra", "IBN"]
    assert df.values.tolist() == [[4, "ZL-P01", "380 kV Borssele-Rilland", "hs_verbinding", "2030"]]
    assert df.attrs["notes"] == ["titel.csv: regel 1-2 boven de kolomnamen overgeslagen; de kolomnamen staan op "
                                 "regel 3."]
    sep = tmp_path / "sep.csv"
    sep.write_bytes("sep=;\r\nid;naam;vraag_mw\r\nZD-1;Elektrolyser Sloë;250\r\n".encode("cp1252"))
    df = read_table(str(sep))
    assert df.values.tolist() == [[3, "ZD-1", "Elektrolyser Sloë", "250"]]
    assert "sep.csv: regel 1 boven de kolomnamen overgeslagen; de kolomnamen staan op regel 2." in df.attrs["notes"]


def test_maps_colour_every_station_by_its_balance_not_only_project_stations(werkbank):
    """The fiche/atlas and web-atlas maps drew every station without a project grey, the legend's 'onbekend',
    although its capacity was known (Goes de Poel 'ruim' on its own fiche, grey on the 380 kV fiche's map).
    Onbekend stays for a station without any capacity row."""
    from shapely.geometry import Point

    from pmiek_werkbank.export.context import gather, station_statuses

    werkbank.write_frame("stations", [
        {"station_id": "ZL-798", "name": "Kruiningen", "geometry": Point(60762, 387451)},
        {"station_id": "ZL-364", "name": "Goes de Poel", "geometry": Point(49220, 390154)},
        {"station_id": "ZL-365", "name": "Sas van Gent", "geometry": Point(45337, 378887)},
    ])
    werkbank.write_frame("station_capacity", [
        {"station_id": "ZL-798", "year": 2025, "afname_mw": 5.0, "teruglevering_mw": 30.0},
        {"station_id": "ZL-364", "year": 2025, "afname_mw": 1250.5, "teruglevering_mw": 20.0},
    ], mode="insert")
    werkbank.write_frame("developments", [
        {"dev_id": "ZD-08", "name": "Laadplein", "sector": "mobiliteit", "year_ready": 2027, "demand_mw": 6.75,
         "geometry": Point(60800, 387500)},
    ])
    werkbank.write_frame("projects", [{"project_id": "ZL-P06", "code": "ZL-P06", "name": "MS-tracé Kruiningen",
                                       "station_id": "ZL-798", "ibn_year": 2030}])
    statuses = station_statuses(gather(werkbank, with_extents=False))
    # Kruiningen: 5 MW for 6,75 MW demand (tekort); Goes: known and ruim; Sas van Gent: no capacity at all
    assert statuses == {"ZL-798": "tekort", "ZL-364": "ruim", "ZL-365": ""}


def test_an_english_projectenlijst_is_read(werkbank, werkbank_path, tmp_path, pmiek_provider):
    """README: common Dutch and English field names are recognised.  A projectenlijst with English headers (as
    a grid operator sends it) was refused: "kolom 'Naam project' ontbreekt", and type, IBN year, substation and
    capacities were 'Niet gebruikt'."""
    from shapely.geometry import MultiPolygon, Point, box

    werkbank.write_frame("stations", [{"station_id": "ZL-798", "name": "Kruiningen", "geometry": Point(60762, 387451)}])
    werkbank.write_frame("knooppunten", [{"knooppunt_id": "KZ-1", "name": "Sloegebied–Bevelanden",
                                          "geometry": MultiPolygon([box(55000, 384000, 65000, 392000)])}])
    path = tmp_path / "projects_tennet.csv"
    path.write_text(
        "Project ID,Project name,Infrastructure type,Grid operator,Commissioning year,Substation,Hub,"
        "Additional demand capacity (MW),Additional supply capacity (MW),Status,Description,Stakeholders\n"
        "ZL-P01,380 kV Borssele–Rilland,hs_verbinding,TenneT,Q4 2030,ZL-798,KZ-1,\"1250,5\",800,kandidaat,"
        "Netversterking Zuid-West,TenneT; Provincie Zeeland\n", encoding="utf-8")
    res = run_alg("pmiek:importprojects", {"WERKBANK": werkbank_path, "INPUT": str(path),
                                           "REPORT": str(tmp_path / "r.html")})
    assert (res["IMPORTED"], res["REJECTED"]) == (1, 0)
    p = werkbank.read_frame("projects").iloc[0]
    assert (p["project_id"], p["name"], p["type_infra"], p["netbeheerder"], p["ibn_year"], p["station_id"],
            p["knooppunt_id"], p["capacity_afname_mw"], p["capacity_teruglevering_mw"]) == (
        "ZL-P01", "380 kV Borssele–Rilland", "hs_verbinding", "TenneT", 2030, "ZL-798", "KZ-1", 1250.5, 800.0)
    assert "Niet gebruikt" not in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_fiche_shows_a_link_share_as_entered(werkbank):
    """A link of 75,5 % (koppelingen.csv) was printed '76 %' on the fiche and in the web atlas, beside 9,1 MW
    (12 MW × 75,5 %): the share a user typed, not a rounded one; whole shares stay '100 %'."""
    from shapely.geometry import Point

    from pmiek_werkbank.export.context import gather

    werkbank.write_frame("developments", [
        {"dev_id": "ZD-05", "name": "Zonneparken Schouwen", "sector": "zon", "year_ready": 2027, "supply_mw": 12.0,
         "geometry": Point(52000, 410000)},
        {"dev_id": "ZD-07", "name": "Woningbouw Goes-Oost", "sector": "wonen", "year_ready": 2028, "demand_mw": 3.2,
         "geometry": Point(55000, 389500)},
    ])
    werkbank.write_frame("projects", [{"project_id": "ZL-P05", "code": "ZL-P05", "name": "Station Schouwen"}])
    werkbank.write_frame("project_links", [
        {"link_id": "L1", "project_id": "ZL-P05", "dev_id": "ZD-05", "share_pct": 75.5},
        {"link_id": "L2", "project_id": "ZL-P05", "dev_id": "ZD-07", "share_pct": 100.0},
    ])
    p = gather(werkbank, with_extents=False).projects[0]
    assert {d["name"]: d["share"] for d in p["developments"]} == {"Zonneparken Schouwen": "75,5 %",
                                                                   "Woningbouw Goes-Oost": "100 %"}


def test_wind_op_zee_is_a_wind_development(werkbank, werkbank_path, tmp_path, pmiek_provider):
    """Zeeland's largest supply is offshore wind landing in the Sloegebied: sector 'Wind op zee' was refused
    ("onbekende sector 'Wind op zee'") while 'Zon op dak' and 'Wind op land' were recognised."""
    path = tmp_path / "ontwikkelingen.csv"
    path.write_text("id;naam;sector;aanbod_mw;jaar_gereed;x;y\n"
                    "ZD-01;Aanlanding windpark Borssele;Wind op zee;1250,5;2029;39500;388500\n"
                    "ZD-02;Nederwiek-aanlanding;Offshore wind;700;2031;39600;388400\n"
                    "ZD-13;Drijvend zonnepark Grevelingen;Zon op water;12;2030;52000;410000\n", encoding="utf-8")
    res = run_alg("pmiek:importdevelopments", {"WERKBANK": werkbank_path, "INPUT": str(path), "CHECK_PROVINCE": False,
                                               "REPORT": str(tmp_path / "r.html")})
    assert (res["IMPORTED"], res["REJECTED"]) == (3, 0)
    d = werkbank.read_frame("developments").set_index("dev_id")
    assert dict(d["sector"]) == {"ZD-01": "wind", "ZD-02": "wind", "ZD-13": "zon"}
    assert d.loc["ZD-01", "supply_mw"] == 1250.5
