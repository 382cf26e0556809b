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

from ..ingest.columns import KINDS, Target, norm, recognise  # noqa: F401 - the column specs live in ingest
from ..werkbank import enums as E


class MappingError(ValueError):
    """A mapping that cannot work (unknown field, missing required field); Dutch message."""


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
