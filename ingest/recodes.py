"""Recode tables: a source's own vocabulary -> the werkbank's codes.

Shipped, editable tables live in ``resources/recodes/*.csv`` (``;``-separated, UTF-8, header
``veld;bronwaarde;code;toelichting``): plan-status codes of the housing monitor ("1A onherroepelijk",
"3 plan/besluit in voorbereiding" -> phase), sector names, capacity-map colours.  A user's own table
(the RECODE parameter) has the same columns and wins over the shipped ones.  A value is matched on its
normalised text (case, accents, spaces and punctuation ignored), then on its first word ("1A" in
"1A onherroepelijk (2024)").  Every recode used is listed in the import report.
"""

import os

from .columns import norm

RECODES_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "resources", "recodes")

# the report's and the tables' field names -> import target
FIELDS = {"fase": "phase", "phase": "phase", "planstatus": "phase", "sector": "sector", "kleur": "colour",
          "colour": "colour", "color": "colour", "energiedrager": "carrier", "carrier": "carrier"}


class RecodeError(ValueError):
    """A recode table that cannot be read; Dutch message naming file and line."""


def read_table(path):
    """[(target, normalised source value, code, source value, table name, line)] of one recode table.

    Read by the import pipeline's one reader (``ingest.reader.read_table``: CSV with any separator and UTF-8 or
    Windows-1252, XLSX or ODS), so a line number here is the line the user sees in the file.
    """
    from .errors import ImportFailed
    from .reader import read_table as read_source_table

    name = os.path.basename(str(path))
    if not os.path.exists(path):
        raise RecodeError("RECODE: bestand '{}' niet gevonden.".format(path))
    try:
        df = read_source_table(path)
    except ImportFailed as e:
        raise RecodeError("RECODE: {}".format(e)) from e
    alt = {"field": "veld", "sourcevalue": "bronwaarde", "value": "bronwaarde"}
    columns = {}
    for col in df.columns[1:]:
        key = alt.get(norm(col), norm(col))
        columns.setdefault(key, col)
    if not all(k in columns for k in ("veld", "bronwaarde", "code")):
        raise RecodeError("{}: kolommen 'veld', 'bronwaarde' en 'code' verwacht.".format(name))
    unreadable = {(r, c) for r, c, _why in (df.attrs.get("unreadable") or [])}

    def text(rec, key):
        v = rec[columns[key]]
        return "" if v is None or (isinstance(v, float) and v != v) else str(v).strip()

    out = []
    for rec in df.to_dict("records"):
        line = int(rec["_row"])
        for key in ("veld", "bronwaarde", "code"):
            if (line, columns[key]) in unreadable:
                raise RecodeError("{}, regel {}, veld '{}': cel niet leesbaar.".format(name, line, key))
        field, value, code = text(rec, "veld"), text(rec, "bronwaarde"), text(rec, "code")
        if not (field or value or code):
            continue
        target = FIELDS.get(norm(field))
        if target is None:
            raise RecodeError("{}, regel {}, veld 'veld': '{}' onbekend (kies uit: fase, sector, kleur, "
                              "energiedrager).".format(name, line, field))
        if not value or not code:
            raise RecodeError("{}, regel {}: bronwaarde en code zijn verplicht.".format(name, line))
        out.append((target, norm(value), code, value, name, line))
    return out


def shipped_tables():
    return sorted(os.path.join(RECODES_DIR, f) for f in os.listdir(RECODES_DIR) if f.endswith(".csv")) \
        if os.path.isdir(RECODES_DIR) else []


class Recoder:
    """The shipped tables plus an optional user table; ``lookup(target, value)`` -> (code, entry) or None."""

    def __init__(self, user_table=None, validate=None):
        self.map = {}
        for path in shipped_tables() + ([user_table] if user_table else []):
            for target, key, code, value, table, line in read_table(path):
                if validate is not None and path == user_table:
                    msg = validate(target, code)
                    if msg:
                        raise RecodeError("{}, regel {}, veld 'code': {}".format(table, line, msg))
                self.map[(target, key)] = (code, value, table)

    def lookup(self, target, value):
        if value is None:
            return None
        text = str(value).strip()
        hit = self.map.get((target, norm(text)))
        if hit is None and " " in text:
            hit = self.map.get((target, norm(text.split()[0])))
        return hit

    def entries(self, target):
        return sorted((v, c, t) for (tg, _k), (c, v, t) in self.map.items() if tg == target)
