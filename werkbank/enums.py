"""Enumerations of the werkbank: codes (stored) and Dutch labels (shown).

The codes are the terms of the provincial guidelines (Handreiking Integraal
Programmeren 2022, pMIEK uitvoeringsaanpak 2024), lower-case and without spaces
so that they are stable in data exchange.  Pure Python: no QGIS, no pandas.
"""

from collections import OrderedDict

SECTORS = OrderedDict(
    [
        ("wonen", "Wonen"),
        ("bedrijventerrein", "Bedrijventerrein"),
        ("industrie", "Industrie"),
        ("mobiliteit", "Mobiliteit/laadinfra"),
        ("datacenter", "Datacenter"),
        ("glastuinbouw", "Glastuinbouw"),
        ("zon", "Zon"),
        ("wind", "Wind"),
        ("opslag_flex", "Opslag/flex"),
        ("warmte", "Warmte"),
        ("waterstof", "Waterstof"),
        ("utiliteit", "Utiliteit/maatschappelijk"),
        ("overig", "Overig"),
    ]
)

# Capaciteitskaart colours (netbeheerders' congestion map), per direction.
CAPACITY_COLOURS = OrderedDict(
    [
        ("transparant", "Transparant (capaciteit beschikbaar)"),
        ("geel", "Geel (beperkte capaciteit)"),
        ("oranje", "Oranje (wachtrij, onderzoek congestiemanagement)"),
        ("rood", "Rood (geen capaciteit, wachtrij)"),
    ]
)

KNOOPPUNT_KARAKTER = OrderedDict(
    [("lokaal", "Lokaal"), ("provinciaal", "Provinciaal"), ("nationaal", "Nationaal")]
)

PROJECT_PHASES = OrderedDict(
    [
        ("verkenning", "Verkenning"),
        ("planuitwerking", "Planuitwerking"),
        ("project", "Project"),
        ("realisatie", "Realisatie"),
    ]
)

DEVELOPMENT_PHASES = OrderedDict(
    [
        ("idee", "Idee/initiatief"),
        ("planvorming", "Planvorming"),
        ("besluitvorming", "Besluitvorming/vergunning"),
        ("realisatie", "In realisatie"),
        ("gerealiseerd", "Gerealiseerd"),
    ]
)

PROJECT_STATUS = OrderedDict(
    [("kandidaat", "Kandidaat"), ("opgenomen", "Opgenomen in pMIEK"), ("afgevallen", "Afgevallen")]
)

ENERGY_CARRIERS = OrderedDict(
    [
        ("elektriciteit", "Elektriciteit"),
        ("waterstof", "Waterstof"),
        ("aardgas", "Aardgas"),
        ("groen_gas", "Groen gas"),
        ("warmte", "Warmte"),
        ("co2", "CO2"),
        ("meerdere", "Meerdere"),
    ]
)

# Type infra with the geometry a project of that type is drawn with.
TYPE_INFRA = OrderedDict(
    [
        ("hs_station", ("Nieuw/uitbreiding HS-station (≥110 kV)", "point")),
        ("hs_ms_station", ("Uitbreiding/nieuw HS/MS-station", "point")),
        ("ms_station", ("MS-station/schakelstation", "point")),
        ("hs_verbinding", ("HS-verbinding (kabel/lijn)", "line")),
        ("ms_trace", ("Middenspanningstracé", "line")),
        ("waterstofleiding", ("Nieuwe waterstofleiding", "line")),
        ("waterstofstation", ("Waterstofstation", "point")),
        ("elektrolyser", ("Nieuwbouw elektrolyser", "point")),
        ("gasleiding", ("Gasleiding/groen gas", "line")),
        ("warmtenet", ("Warmtenet", "polygon")),
        ("flex_opslag", ("Flex: opslag/batterij", "point")),
        ("laadplein", ("Laadplein/energiehub", "point")),
        ("congestiemanagement", ("Congestiemanagement/flexgebied", "polygon")),
        ("overig", ("Overig", "polygon")),
    ]
)

FINANCIAL_COVER = OrderedDict(
    [
        ("gedekt", "Gedekt"),
        ("deels", "Deels gedekt"),
        ("geen", "Geen dekking"),
        ("onbekend", "Onbekend"),
    ]
)

# Routes to the energyboard (pMIEK uitvoeringsaanpak 2024, Bijlage 3).
ROUTES = OrderedDict(
    [
        ("A", "A: reguliere route investeringsplan"),
        ("B", "B: IP-project aangemerkt als maatschappelijk prioritair"),
        ("C", "C: voortgekomen uit integraal programmeren"),
    ]
)

CRITERION_GROUPS = OrderedDict(
    [
        ("maatschappelijke_waarde", "Maatschappelijke waarde"),
        ("systeemtoets", "Systeemtoets"),
        ("realiseerbaarheid", "Realiseerbaarheid"),
        ("informatief", "Informatief"),
    ]
)

ASSESSOR_ROLES = OrderedDict(
    [
        ("provincie", "Provincie / werkorganisatie pMIEK"),
        ("netbeheerder", "Netbeheerder"),
        ("gemeente", "Gemeente"),
        ("sector", "Sector"),
    ]
)

DEPENDENCY_KINDS = OrderedDict(
    [
        ("pmiek", "Ander pMIEK-project"),
        ("nmiek", "Nationaal MIEK"),
        ("buiten_provincie", "Buiten de provincie"),
    ]
)

NETBEHEERDERS = ("TenneT", "Liander", "Stedin", "Enexis", "Gasunie", "Westland Infra", "Rendo", "Coteq")

BALANCE_STATUS = OrderedDict([("ruim", "Ruim"), ("krap", "Krap"), ("tekort", "Tekort")])
UNKNOWN_STATUS_LABEL = "Onbekend"  # a computed balance without a known station limit (status '')


def balance_status_label(code, computed=True):
    """'Ruim'/'Krap'/'Tekort'; for status '' "Onbekend" when the balance was computed (no known limit), else ''
    (no balance at all).  The one label of a balance status: docks, layers, fiche and web atlas."""
    if code:
        return label(BALANCE_STATUS, code)
    return UNKNOWN_STATUS_LABEL if computed else ""


FICTIEF = "fictief voorbeeld"


def codes(enum):
    """The stored codes of an enumeration, in order."""
    return list(enum.keys())


def label(enum, code):
    """The Dutch label of a code (the code itself when unknown)."""
    value = enum.get(code, code)
    if isinstance(value, tuple):
        return value[0]
    return value


# projects.in_ip (schema 9): 1 = ja, 0 = nee, empty = niet opgegeven (never read as "nee")
IN_IP = OrderedDict([("1", "ja"), ("0", "nee")])  # the form's value map (codes as QGIS compares them: text)
IN_IP_NOT_GIVEN = "niet opgegeven"


def in_ip_label(value):
    """'ja', 'nee' or 'niet opgegeven' for a stored ``in_ip`` (1/0, '1'/'0', True/False, None, NaN)."""
    if value is None or isinstance(value, bool):
        return IN_IP_NOT_GIVEN if value is None else ("ja" if value else "nee")
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return IN_IP_NOT_GIVEN
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if number != number:  # NaN: a missing value in a frame
        return IN_IP_NOT_GIVEN
    return "ja" if number == 1 else "nee" if number == 0 else str(value)


def sql_in(enum):
    """SQL literal list for a CHECK constraint: ('a','b')."""
    return "(" + ",".join("'" + c.replace("'", "''") + "'" for c in enum) + ")"
