"""Field mapping for the importers: which source column feeds which werkbank field.

Every import kind (``capacity_areas``, ``stations``, ``developments``,
``station_capacity``) has *targets* (werkbank fields) with Dutch labels and a
list of recognised source names (Dutch/English, and the names of the
Netbeheer Nederland capacity-map feed "im-capaciteitskaart").  ``auto_map``
recognises them, ``resolve_mapping`` combines an explicit mapping with the
recognised one and reports unknown field names in Dutch.

Also the normalisation of coded values (capacity colours, sectors, phases,
energy carriers) from the spellings found in sources.  Pure Python (pandas
inside functions); no QGIS.
"""

import re
import unicodedata

from ..werkbank import enums as E


class MappingError(ValueError):
    """A mapping that cannot work (unknown field, missing required field); Dutch message."""


def norm(text):
    """'Voedingsgebied ID' -> 'voedingsgebiedid' (lower case, ascii, letters/digits only)."""
    t = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return "".join(ch for ch in t if ch.isalnum())


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
        T("id", "Id", ["dev_id", "ontwikkeling_id", "plan_id", "planid", "id", "code", "projectnummer",
                       "projectcode", "identificatie", "gemeentecode", "objectid", "source_id"],
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

KIND_LABELS = {
    "capacity_areas": "Capaciteitskaart (gebieden)",
    "stations": "Stations",
    "developments": "Ontwikkelingen",
    "station_capacity": "Capaciteit per station (tabel)",
}


def targets(kind):
    try:
        return KINDS[kind]
    except KeyError:
        raise MappingError("Onbekend importsoort '{}'; kies uit {}.".format(kind, ", ".join(KINDS))) from None


def target(kind, name):
    for t in targets(kind):
        if t.name == name:
            return t
    raise KeyError(name)


def param_targets(kind):
    """{Processing parameter name: target name} for a kind."""
    return {t.param: t.name for t in targets(kind) if t.param}


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


def auto_map(kind, columns, exclude=()):
    """{target: column} for the columns recognised by name (first alias wins; a column may feed several targets)."""
    return recognise(columns, {t.name: t.aliases for t in targets(kind)}, exclude=exclude)


def resolve_mapping(kind, columns, explicit=None, source="bron", auto=True):
    """Explicit mapping (target -> column; '' or None = not set) completed by auto-recognition.

    Raises :class:`MappingError` for a column that does not exist.  Explicitly
    given columns are not reused by auto-recognition.
    """
    explicit = {k: v for k, v in (explicit or {}).items() if v not in (None, "")}
    names = {t.name for t in targets(kind)}
    cols = [c for c in columns if not str(c).startswith("_")]
    col_by_norm = {norm(c): c for c in cols}
    resolved = {}
    for tname, col in explicit.items():
        if tname not in names:
            raise MappingError("{}: onbekend doelveld '{}' voor {}.".format(source, tname, KIND_LABELS[kind]))
        if col not in cols:
            alt = col_by_norm.get(norm(col))
            if alt is None:
                t = target(kind, tname)
                raise MappingError(
                    "{}: veld '{}' (voor {}{}) bestaat niet. Beschikbare velden: {}.".format(
                        source, col, t.label, " / " + t.param if t.param else "", ", ".join(map(str, cols)) or "geen"
                    )
                )
            col = alt
        resolved[tname] = col
    if auto:
        recognised = auto_map(kind, cols, exclude=set(resolved.values()))
        for tname, col in recognised.items():
            resolved.setdefault(tname, col)
    return resolved


def describe_mapping(kind, mapping):
    """'Gebied-id <- voedingsgebied_id, Naam <- voedingsgebied_naam' (Dutch, for reports)."""
    parts = []
    for t in targets(kind):
        if t.name in mapping:
            parts.append("{} ← {}".format(t.label, mapping[t.name]))
    return ", ".join(parts) or "geen velden herkend"


# ---- coded values ----------------------------------------------------------------

COLOUR_CODES = {0: "transparant", 1: "geel", 2: "oranje", 3: "rood"}
_COLOUR_WORDS = {
    "transparant": "transparant", "transparent": "transparant", "wit": "transparant", "white": "transparant",
    "groen": "transparant", "green": "transparant", "beschikbaar": "transparant", "available": "transparant",
    "capaciteitbeschikbaar": "transparant", "geen": "transparant", "none": "transparant",
    "geel": "geel", "yellow": "geel", "beperkt": "geel", "beperktbeschikbaar": "geel", "limited": "geel",
    "beperktecapaciteit": "geel",
    "oranje": "oranje", "orange": "oranje", "inonderzoek": "oranje", "inonderzoekmetwachtrij": "oranje",
    "onderzoek": "oranje", "wachtrijonderzoekcongestiemanagement": "oranje", "amber": "oranje",
    "rood": "rood", "red": "rood", "tekort": "rood", "tekortmetwachtrij": "rood", "geencapaciteit": "rood",
    "vol": "rood", "full": "rood", "congestie": "rood",
}


def colour_code(value):
    """Capacity-map colour from a status code (0..3), a colour name (nl/en) or the feed's label; None if unknown."""
    if value is None:
        return None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return COLOUR_CODES.get(int(value)) if float(value).is_integer() else None
    text = str(value).strip()
    if text == "":
        return None
    if re.fullmatch(r"[0-3](\.0+)?", text):
        return COLOUR_CODES[int(float(text))]
    n = norm(text)
    if n in _COLOUR_WORDS:
        return _COLOUR_WORDS[n]
    for code, lab in E.CAPACITY_COLOURS.items():
        if norm(lab) == n:
            return code
    # 'Rood (geen capaciteit)' and the like: the first colour word wins
    for word in re.findall(r"[a-z]+", unicodedata.normalize("NFKD", text).lower()):
        if word in _COLOUR_WORDS and word not in ("geen", "none", "beperkt", "onderzoek"):
            return _COLOUR_WORDS[word]
    return None


_SECTOR_WORDS = {
    "wonen": "wonen", "woningbouw": "wonen", "woningen": "wonen", "woning": "wonen", "housing": "wonen",
    "residential": "wonen", "woon": "wonen", "woongebied": "wonen", "nieuwbouw": "wonen",
    "bedrijventerrein": "bedrijventerrein", "bedrijven": "bedrijventerrein", "bedrijf": "bedrijventerrein",
    "businesspark": "bedrijventerrein", "werklocatie": "bedrijventerrein", "werklocaties": "bedrijventerrein",
    "logistiek": "bedrijventerrein",
    "industrie": "industrie", "industry": "industrie", "industrieel": "industrie", "zwareindustrie": "industrie",
    "mobiliteit": "mobiliteit", "mobiliteitlaadinfra": "mobiliteit", "laadinfra": "mobiliteit",
    "laadinfrastructuur": "mobiliteit", "laadplein": "mobiliteit", "laadpunten": "mobiliteit",
    "mobility": "mobiliteit", "charging": "mobiliteit", "evcharging": "mobiliteit",
    "datacenter": "datacenter", "datacentrum": "datacenter", "datacentre": "datacenter",
    "glastuinbouw": "glastuinbouw", "kassen": "glastuinbouw", "greenhouse": "glastuinbouw",
    "greenhouses": "glastuinbouw", "tuinbouw": "glastuinbouw",
    "zon": "zon", "zonpv": "zon", "zonneveld": "zon", "zonnepark": "zon", "zonnepanelen": "zon",
    "zonopdak": "zon", "solar": "zon", "pv": "zon", "solarpv": "zon",
    "wind": "wind", "windpark": "wind", "windturbine": "wind", "windopland": "wind", "windenergie": "wind",
    "opslag": "opslag_flex", "opslagflex": "opslag_flex", "flex": "opslag_flex", "batterij": "opslag_flex",
    "batterijen": "opslag_flex", "storage": "opslag_flex", "battery": "opslag_flex", "bess": "opslag_flex",
    "warmte": "warmte", "warmtenet": "warmte", "heat": "warmte", "warmtepomp": "warmte", "eboiler": "warmte",
    "waterstof": "waterstof", "hydrogen": "waterstof", "h2": "waterstof", "elektrolyser": "waterstof",
    "electrolyser": "waterstof", "elektrolyse": "waterstof",
    "utiliteit": "utiliteit", "utiliteitmaatschappelijk": "utiliteit", "maatschappelijk": "utiliteit",
    "kantoren": "utiliteit", "kantoor": "utiliteit", "onderwijs": "utiliteit", "zorg": "utiliteit",
    "overig": "overig", "other": "overig", "anders": "overig",
}


def _lookup(value, enum, words):
    if value is None:
        return None
    if isinstance(value, float) and value != value:
        return None
    text = str(value).strip()
    if not text:
        return None
    if text in enum:
        return text
    n = norm(text)
    if n in words:
        return words[n]
    for code, lab in enum.items():
        lab = lab[0] if isinstance(lab, tuple) else lab
        if norm(code) == n or norm(lab) == n:
            return code
    return False  # present but unknown


def sector_code(value):
    """Sector code from a code, label or common spelling; None if empty, False if unknown."""
    return _lookup(value, E.SECTORS, _SECTOR_WORDS)


_PHASE_WORDS = {
    "idee": "idee", "initiatief": "idee", "ideeinitiatief": "idee", "verkenning": "idee", "zacht": "idee",
    "zachteplancapaciteit": "idee", "visie": "idee",
    "planvorming": "planvorming", "plan": "planvorming", "invoorbereiding": "planvorming",
    "voorbereiding": "planvorming", "planuitwerking": "planvorming", "ontwerp": "planvorming",
    "besluitvorming": "besluitvorming", "vergunning": "besluitvorming", "vergund": "besluitvorming",
    "vastgesteld": "besluitvorming", "hard": "besluitvorming", "hardeplancapaciteit": "besluitvorming",
    "onherroepelijk": "besluitvorming", "besluitvormingvergunning": "besluitvorming",
    "realisatie": "realisatie", "inrealisatie": "realisatie", "inaanbouw": "realisatie", "bouw": "realisatie",
    "uitvoering": "realisatie", "construction": "realisatie",
    "gerealiseerd": "gerealiseerd", "gereed": "gerealiseerd", "opgeleverd": "gerealiseerd",
    "bestaand": "gerealiseerd", "done": "gerealiseerd",
}


def phase_code(value):
    return _lookup(value, E.DEVELOPMENT_PHASES, _PHASE_WORDS)


_CARRIER_WORDS = {
    "elektriciteit": "elektriciteit", "electricity": "elektriciteit", "e": "elektriciteit",
    "stroom": "elektriciteit", "elektrisch": "elektriciteit", "power": "elektriciteit",
    "waterstof": "waterstof", "hydrogen": "waterstof", "h2": "waterstof",
    "aardgas": "aardgas", "gas": "aardgas", "naturalgas": "aardgas",
    "groengas": "groen_gas", "biogas": "groen_gas", "biomethaan": "groen_gas",
    "warmte": "warmte", "heat": "warmte", "co2": "co2", "meerdere": "meerdere", "multiple": "meerdere",
}


def carrier_code(value):
    return _lookup(value, E.ENERGY_CARRIERS, _CARRIER_WORDS)


def voltage_level_code(value):
    """'HS', 'hoogspanning', 'EHS' ... -> EHS/HS/TS/MS; None empty, False unknown."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    n = norm(value)
    if not n:
        return None
    words = {"ehs": "EHS", "extrahoogspanning": "EHS", "hs": "HS", "hoogspanning": "HS", "ts": "TS",
             "tussenspanning": "TS", "ms": "MS", "middenspanning": "MS"}
    return words.get(n, False)


def voltage_level_from_kv(kv):
    """Dutch grid levels: >= 220 kV EHS, >= 110 kV HS, >= 25 kV TS, otherwise MS."""
    if kv is None or kv != kv:
        return None
    if kv >= 220:
        return "EHS"
    if kv >= 110:
        return "HS"
    if kv >= 25:
        return "TS"
    return "MS"
