"""The column specs of every import, in one place: for each data kind the werkbank fields and every source
column name recognised for them (Dutch, English and the national sources' spellings), and the one recogniser.

``layers.mapping`` (capacity map, stations, station capacity, developments), ``knooppunten.projects``
(projectenlijst), ``programme.followup`` (actions, monitoring) and ``scoring.scores`` (ratings) use these
lists; ``ingest.specs`` builds every import's help text and docs/imports.md from them.

Pure Python; no QGIS.
"""

import unicodedata


def norm(text):
    """'Voedingsgebied ID' -> 'voedingsgebiedid' (lower case, ascii, letters/digits only)."""
    t = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return "".join(ch for ch in t if ch.isalnum())


def recognise(columns, aliases, exclusive=False, exclude=()):
    """The one column recogniser of every import: {target: column} for ``aliases`` = {target: [names]}.

    Names compare normalised (case, accents, spaces and punctuation ignored); per target the first alias that
    matches a column wins.  ``exclusive``: a column feeds one target only (the first that claims it).
    Columns starting with '_' (row number, fid), ``geometry`` and ``exclude`` are never recognised.
    """
    by_norm = {}
    for c in columns:
        if str(c).startswith("_") or c == "geometry" or c in exclude:
            continue
        by_norm.setdefault(norm(c), c)
    result, used = {}, set()
    for target, names in aliases.items():
        for alias in names:
            col = by_norm.get(norm(alias))
            if col is not None and not (exclusive and col in used):
                result[target] = col
                used.add(col)
                break
    return result


class Target:
    def __init__(self, name, label, aliases=(), required=False, numeric=False, param=None):
        self.name = name
        self.label = label
        self.aliases = tuple(aliases)
        self.required = required
        self.numeric = numeric
        self.param = param  # Processing parameter name (FIELD_...)


T = Target

# The NBNL capacity map (capaciteitskaart.netbeheernederland.nl, data product
# im-capaciteitskaart) publishes one layer per direction: "afname" (status code
# in field afname) and "teruglevering" (status code in field opwek), with
# voedingsgebied_id, voedingsgebied_naam, RNB, wachtrij_*, unieke_verzoeken_*;
# the CSV downloads add aanwezige_/benodigde_/voorspelde_capaciteit_* and
# jaartal_opgelost_*.
KINDS = {
    "capacity_areas": (
        T("id", "Gebied-id", ["voedingsgebied_id", "voedingsgebiedid", "area_id", "gebied_id", "gebiedid",
                              "id", "code", "netvlak_id", "congestiegebied_id"], required=True, param="FIELD_ID"),
        T("name", "Naam", ["voedingsgebied_naam", "voedingsgebied", "naam", "name", "gebied", "gebiedsnaam",
                           "congestiegebied"], param="FIELD_NAME"),
        T("station", "Station (id)", ["station_id", "station", "onderstation", "hs_station", "substation",
                                      "voedend_station", "stationsnaam"], param="FIELD_STATION"),
        T("operator", "Netbeheerder", ["rnb", "netbeheerder", "operator", "dso", "beheerder", "tso"],
          param="FIELD_OPERATOR"),
        T("afname_colour", "Kleur afname", ["afname", "afname_status", "status_afname", "kleur_afname",
                                            "afname_kleur", "demand_status", "demand_colour", "demand_color"],
          param="FIELD_AFNAME_COLOUR"),
        T("invoeding_colour", "Kleur invoeding", ["opwek", "invoeding", "teruglevering", "invoeding_status",
                                                  "status_invoeding", "kleur_invoeding", "invoeding_kleur",
                                                  "opwek_status", "kleur_opwek", "supply_status",
                                                  "generation_status", "feedin_status"],
          param="FIELD_INVOEDING_COLOUR"),
        T("afname_available_mw", "Beschikbaar afname (MW)",
          ["beschikbare_capaciteit_afname", "beschikbare_transportcapaciteit_afname", "afname_beschikbaar_mw",
           "beschikbaar_afname", "afname_mw", "demand_available_mw", "available_demand_mw",
           "voorspelde_capaciteit_afname"], numeric=True, param="FIELD_DEMAND_MW"),
        T("invoeding_available_mw", "Beschikbaar invoeding (MW)",
          ["beschikbare_capaciteit_invoeding", "beschikbare_transportcapaciteit_invoeding",
           "invoeding_beschikbaar_mw", "beschikbaar_invoeding", "invoeding_mw", "teruglevering_mw",
           "supply_available_mw", "available_supply_mw", "voorspelde_capaciteit_invoeding"],
          numeric=True, param="FIELD_SUPPLY_MW"),
        T("afname_queue_mw", "Wachtrij afname (MW)", ["wachtrij_afname", "afname_wachtrij", "queue_demand_mw",
                                                      "wachtrij_afname_mw"], numeric=True,
          param="FIELD_AFNAME_QUEUE"),
        T("invoeding_queue_mw", "Wachtrij invoeding (MW)", ["wachtrij_invoeding", "invoeding_wachtrij",
                                                            "wachtrij_opwek", "queue_supply_mw",
                                                            "wachtrij_invoeding_mw"], numeric=True,
          param="FIELD_INVOEDING_QUEUE"),
        T("afname_alleviation_year", "Verwacht opgelost afname (jaar)",
          ["jaartal_opgelost_afname", "verwacht_opgelost_afname", "oplosjaar_afname", "jaar_opgelost_afname"],
          numeric=True, param="FIELD_YEAR"),
        T("invoeding_alleviation_year", "Verwacht opgelost invoeding (jaar)",
          ["jaartal_opgelost_invoeding", "verwacht_opgelost_invoeding", "oplosjaar_invoeding",
           "jaar_opgelost_invoeding", "jaartal_opgelost_opwek"], numeric=True, param="FIELD_SUPPLY_YEAR"),
    ),
    "stations": (
        T("id", "Station-id", ["station_id", "stationid", "id", "code", "ref", "osm_id", "stationscode"],
          required=True, param="FIELD_ID"),
        T("name", "Naam", ["naam", "name", "stationsnaam", "station_naam", "station"], param="FIELD_NAME"),
        T("operator", "Netbeheerder", ["netbeheerder", "operator", "rnb", "beheerder", "eigenaar"],
          param="FIELD_OPERATOR"),
        T("voltage_kv", "Spanning (kV)", ["voltage_kv_max", "voltage_kv", "spanning_kv", "spanning", "kv",
                                          "voltage"], numeric=True, param="FIELD_VOLTAGE"),
        T("voltage_level", "Spanningsniveau (EHS/HS/TS/MS)", ["voltage_level", "spanningsniveau", "niveau",
                                                              "netvlak"], param="FIELD_VOLTAGE_LEVEL"),
    ),
    "developments": (
        T("id", "Id", ["dev_id", "ontwikkeling_id", "plan_id", "planid", "plannummer", "plannr", "id", "code",
                       "projectnummer", "projectcode", "identificatie", "gemeentecode", "objectid", "source_id"],
          required=True, param="FIELD_ID"),
        T("name", "Naam", ["naam", "name", "plannaam", "projectnaam", "omschrijving", "titel", "gemeentenaam"],
          param="FIELD_NAME"),
        T("sector", "Sector", ["sector", "categorie", "category", "type", "functie", "soort"],
          param="FIELD_SECTOR"),
        T("municipality", "Gemeente", ["gemeente", "municipality", "gemeentenaam", "gem_naam"],
          param="FIELD_MUNICIPALITY"),
        T("year", "Jaar gereed", ["year_ready", "jaar_gereed", "jaar", "gereed", "opleverjaar", "jaar_oplevering",
                                  "realisatiejaar", "year", "ingebruikname"], numeric=True, param="FIELD_YEAR"),
        T("phase", "Fase", ["fase", "phase", "planfase", "status", "planstatus"], param="FIELD_PHASE"),
        T("demand_mw", "Vraag (MW)", ["demand_mw", "vraag_mw", "afname_mw", "vermogen_afname_mw",
                                      "gevraagd_vermogen_mw", "mw_afname"], numeric=True, param="FIELD_DEMAND_MW"),
        T("supply_mw", "Aanbod (MW)", ["supply_mw", "aanbod_mw", "opwek_mw", "invoeding_mw", "teruglevering_mw",
                                       "mw_opwek", "vermogen_opwek_mw"], numeric=True, param="FIELD_SUPPLY_MW"),
        T("units", "Hoeveelheid (voor kengetal)", ["units", "hoeveelheid", "aantal", "aantal_woningen",
                                                   "woningen", "aantalwoningen", "oppervlakte_ha", "hectare", "ha",
                                                   "mwp", "laadpunten", "aantal_laadpunten", "turbines",
                                                   "quantity"], numeric=True, param="FIELD_UNITS"),
        T("unit_type", "Eenheid (kengetal)", ["unit", "eenheid", "unit_type", "kengetal_id", "kengetal"],
          param="FIELD_UNIT_TYPE"),
        T("carrier", "Energiedrager", ["energy_carrier", "energiedrager", "drager", "carrier"],
          param="FIELD_CARRIER"),
        T("station", "Station (id)", ["station_id", "station", "onderstation"], param="FIELD_STATION"),
    ),
    "station_capacity": (
        T("station", "Station-id", ["station_id", "station", "stationid", "id", "stationscode", "code"],
          required=True),
        T("year", "Jaar", ["jaar", "year", "zichtjaar", "horizon", "horizonjaar"], numeric=True),
        T("afname_mw", "Afname (MW)", ["afname_mw", "afname", "demand_mw", "capaciteit_afname", "afnamecapaciteit"],
          numeric=True),
        T("teruglevering_mw", "Teruglevering (MW)", ["teruglevering_mw", "teruglevering", "invoeding_mw",
                                                     "invoeding", "opwek", "supply_mw",
                                                     "terugleveringscapaciteit"], numeric=True),
        T("source", "Bron", ["bron", "source"]),
        T("peildatum", "Peildatum", ["peildatum", "datum", "date"]),
    ),
}


# The point columns of a table without geometry (RD New, EPSG:28992): projects and developments alike.
XY_COLUMNS = {"x": ["x", "x_rd", "xcoord", "x_coordinaat", "xcoordinaat"],
              "y": ["y", "y_rd", "ycoord", "y_coordinaat", "ycoordinaat"]}

# A layer's column naming the province each row belongs to: checked against the werkbank's province (normalised).
PROVINCE_COLUMN = ("provincie", "province", "provincienaam", "provnaam")

# The column that says which project a row of another table (actions, monitoring, ratings) is about: its id or its
# code (the user's project number), in every spelling seen; one list, so every import accepts the same names.
PROJECT_REFERENCE = ["project_id", "projectid", "project", "project_code", "projectcode", "code", "projectnummer",
                     "projectnr", "nr", "nummer", "pmiekproject", "projectnaarpmieklijst"]

# werkbank field -> recognised column names (first match wins; order = priority)
PROJECT_COLUMNS = {
    "project_id": ["project_id", "projectid", "id"],
    "code": ["code", "project_code", "projectcode", "nr", "nummer", "projectnummer", "projectnr"],
    "name": ["naam project", "projectnaam", "naam", "project name", "name", "project"],
    "location_description": ["locatie", "location_description", "location", "locatieomschrijving"],
    "municipalities": ["gemeenten", "gemeente", "municipalities"],
    "type_infra": ["type infra", "type_infra", "typeinfrastructuur", "soort infra", "infrastructure type", "infra type"],
    "energy_carrier": ["energiedrager", "energy_carrier", "drager"],
    "netbeheerder": ["netbeheerder", "grid operator", "operator"],
    "phase": ["fase", "projectfase", "phase"],
    "ibn_year": ["ibn_jaar", "ibn_year", "ibn", "jaar ibn", "inbedrijfname", "jaar inbedrijfname", "commissioning year",
                 "in service year"],
    "planning": ["planning"],
    "investment_eur": ["investering_eur", "investment_eur", "investering", "investering (eur)"],
    "financial_cover": ["dekking", "financiele dekking", "financial_cover"],
    "financial_note": ["financiele informatie", "financial_note", "financiering"],
    "parties": ["betrokken partijen", "partijen", "parties", "stakeholders"],
    "sectors": ["sectoren en ontwikkelingen", "sectoren", "ontwikkelingen"],
    "narrative": ["narratief", "narrative", "projectomschrijving", "omschrijving", "description"],
    "reason_inclusion": ["reden van opname", "reden opname", "reason_inclusion"],
    "phase_developments": ["fase ontwikkelingen", "phase_developments"],
    "dependencies_pmiek": ["afhankelijkheden_pmiek", "afhankelijkheden pmiek", "afhankelijkheden andere projecten",
                           "afhankelijkheid pmiek", "dependencies_pmiek"],
    "dependencies_nmiek": ["afhankelijkheden_nmiek", "afhankelijkheden nmiek", "afhankelijkheid nmiek",
                           "nationaal miek", "dependencies_nmiek"],
    "dependencies_outside": ["afhankelijkheden_buiten", "afhankelijkheden buiten de provincie",
                             "afhankelijkheden buiten", "afhankelijkheid buiten provincie", "dependencies_outside"],
    "station_id": ["station_id", "station", "substation", "substation_id"],
    "knooppunt_id": ["knooppunt", "knooppunt_id", "hub"],
    "capacity_afname_mw": ["capaciteit_afname_mw", "capacity_afname_mw", "extra afname mw", "capaciteit afname",
                           "additional demand capacity (mw)", "demand capacity (mw)"],
    "capacity_teruglevering_mw": ["capaciteit_teruglevering_mw", "capacity_teruglevering_mw",
                                  "extra teruglevering mw", "capaciteit teruglevering",
                                  "additional supply capacity (mw)", "supply capacity (mw)"],
    "status": ["status"],
    "status_reason": ["reden_status", "status_reason", "reden status", "reden", "status reason"],
    "route": ["route"],
    "in_ip": ["in_ip", "in investeringsplan", "investeringsplan"],
    "ip_reference": ["ip_referentie", "ip_reference", "ip-nummer"],
    "bevoegd_gezag": ["bevoegd gezag", "bevoegd_gezag"],
    "confidential": ["vertrouwelijk", "confidential"],
    "x": XY_COLUMNS["x"],
    "y": XY_COLUMNS["y"],
}

# follow-up (programme.followup)
ACTION_FIELDS = {
    # werkbank column: recognised source names (normalised by norm)
    "project_id": PROJECT_REFERENCE,
    "activity": ["activiteit", "activity", "actie", "afspraak", "uitvoeringsafspraak"],
    "trekker": ["trekker", "trekkerverantwoordelijke", "verantwoordelijke", "owner", "actiehouder"],
    "involved": ["betrokken", "betrokkenpartijen", "involved", "stakeholders", "partijen"],
    "result": ["resultaat", "result", "doel", "doelenbeoogdresultaat", "beoogdresultaat"],
    "planning": ["planning", "wanneer", "deadline", "datum"],
    "status": ["status", "voortgang"],
}
MONITORING_FIELDS = {
    "project_id": PROJECT_REFERENCE,
    "peildatum": ["peildatum", "datum", "date"],
    "ibn_feasibility": ["haalbaarheid_ibn", "haalbaarheidibn", "ibn", "ibn_feasibility", "feasibility"],
    "attention_points": ["aandachtspunten", "aandachtspunt", "aandachtspuntenprocesofrisico", "risico",
                         "attention_points"],
    "acceleration_action": ["versnellingsactie", "versnelling", "acceleration_action"],
    "trekker": ["trekker", "trekkerverantwoordelijke", "verantwoordelijke",
                "trekkerverantwoordelijkebijaandachtspuntenenversnellingsacties"],
    "question_energyboard": ["vraag_energyboard", "vraagaanenergyboard", "vraagenergyboard", "energyboard",
                             "question_energyboard"],
}
ACTION_STATUS = {"open": "open", "lopend": "lopend", "gereed": "gereed", "klaar": "gereed", "afgerond": "gereed",
                 "bezig": "lopend", "inuitvoering": "lopend", "nietgestart": "open"}


# ratings (scoring.scores): canonical column -> accepted column names
SCORE_COLUMNS = {
    "project_id": tuple(PROJECT_REFERENCE),
    "criterion_id": ("criterion_id", "criterium", "criterion", "criterium_id", "criteriumcode", "crit"),
    "rating": ("rating", "waardering", "score", "oordeel", "waarde", "beoordeling"),
    "rationale": ("rationale", "motivatie", "toelichting", "onderbouwing", "reden"),
    "assessor": ("assessor", "beoordelaar", "naam_beoordelaar", "door"),
    "assessor_role": ("assessor_role", "rol", "role", "rol_beoordelaar"),
    "score_date": ("score_date", "datum", "date", "beoordelingsdatum"),
    "agreed": ("agreed", "vastgesteld", "vastgestelde_waarde", "consensus"),
}
SCORE_REQUIRED = ("project_id", "criterion_id", "rating", "rationale", "assessor")
# the spellings of yes/no a rating's "vastgesteld" column accepts (empty = no)
YES_WORDS = ("1", "1.0", "true", "ja", "j", "yes", "y", "waar", "x")
NO_WORDS = ("0", "0.0", "false", "nee", "n", "no", "onwaar")
from .dates import DATE_FORMATS  # noqa: E402,F401 - the accepted date spellings (ingest.dates)
