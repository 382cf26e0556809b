"""Projects and knooppunten from a projectenlijst (spreadsheet/CSV/layer): recognise, validate, normalise.

Pure logic (pandas/shapely inside functions); no QGIS.  The Processing
algorithms ``pmiek:importprojects`` and ``pmiek:importknooppunten`` use
:func:`prepare_projects` and :func:`prepare_knooppunten`; they write the
result with ``Werkbank.write_frame(mode="upsert")`` only when there is no error
(all-or-nothing).

Column names are recognised case- and accent-insensitively: the Dutch headers
of the projectenlijst in the Handreiking Integraal Programmeren ("Naam
project", "Locatie", "Type infra", "Sectoren en ontwikkelingen", "Financiële
informatie", "Planning", "Betrokken partijen") and machine columns
(``project_id``, ``type_infra``, ``ibn_jaar``, ``investering_eur``,
``station_id``, ``knooppunt``, ``capaciteit_afname_mw``, ``status``,
``reden_status``, ``narratief``, ``x``, ``y`` ...), as well as the werkbank's own
field names.
"""

import math
import re
import unicodedata

from ..ingest.dates import date_problem, parse_date, year_of_date
from ..ingest.errors import RowError, RowWarning
from ..layers.validation import DOTTED_THOUSANDS as V_DOTTED  # the one thousands rule
from ..layers.validation import SEVERAL_DOT_GROUPS as V_SEVERAL
from ..layers.validation import ambiguous_number_message, without_unit
from ..werkbank import enums as E


from ..ingest.columns import norm  # noqa: E402 - 'Financiële informatie' -> 'financieleinformatie' (one norm)


from ..ingest.columns import PROJECT_COLUMNS  # noqa: E402,F401 - werkbank field -> recognised names

# keyword (normalised) -> type_infra code; checked in this order
TYPE_KEYWORDS = (
    ("waterstofleiding", "waterstofleiding"), ("backbone", "waterstofleiding"), ("h2leiding", "waterstofleiding"),
    ("waterstofstation", "waterstofstation"), ("tankstation", "waterstofstation"),
    ("elektrolyser", "elektrolyser"), ("electrolyser", "elektrolyser"), ("hydrolyser", "elektrolyser"),
    ("middenspanning", "ms_trace"), ("mstrace", "ms_trace"), ("kvtrace", "ms_trace"),
    ("hsms", "hs_ms_station"), ("onderstation", "hs_ms_station"),
    ("msstation", "ms_station"), ("schakelstation", "ms_station"), ("regelstation", "ms_station"),
    ("hsverbinding", "hs_verbinding"), ("hoogspanningsverbinding", "hs_verbinding"), ("hoogspanningslijn", "hs_verbinding"),
    ("kabel", "hs_verbinding"),
    ("hsstation", "hs_station"), ("380kv", "hs_station"), ("220kv", "hs_station"), ("150kv", "hs_station"),
    ("110kv", "hs_station"),
    ("warmtenet", "warmtenet"), ("warmte", "warmtenet"),
    ("batterij", "flex_opslag"), ("opslag", "flex_opslag"), ("flex", "flex_opslag"),
    ("laadplein", "laadplein"), ("energiehub", "laadplein"),
    ("congestie", "congestiemanagement"),
    ("groengas", "gasleiding"), ("gasleiding", "gasleiding"),
)

RD_X = (0.0, 300000.0)
RD_Y = (289000.0, 629000.0)


def map_columns(columns, targets=PROJECT_COLUMNS):
    """{werkbank field: source column} for the columns that are recognised (the pipeline's one recogniser)."""
    from ..ingest.columns import recognise

    return recognise(columns, targets, exclusive=True)


def slug(text):
    t = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    t = re.sub(r"[^a-z0-9]+", "-", t).strip("-")
    return t[:60] or "project"


class AmbiguousNumber(ValueError):
    """'2.500' in a column that does not show whether a dot separates thousands (layers.validation.thousands_dots);
    ``str()`` is the Dutch message."""


def dutch_column(values):
    """True when a value of the column writes a decimal comma or several dot groups: a lone '2.500' in it is 2500
    (the rule of layers.validation.thousands_dots)."""
    for v in values:
        if isinstance(v, str):
            t = re.sub(r"[€\s]", "", v)
            if "," in t or re.search(V_SEVERAL, t):
                return True
    return False


def to_number(value, dutch=False):
    """Number from 12, '12,5', '1.234,5', '12.500.000', '€ 50 miljoen' (-> 50e6); None when empty; ValueError when
    not a number; :class:`AmbiguousNumber` for '2.500' unless ``dutch`` (:func:`dutch_column` of its column)."""
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return None if value != value else float(value)
    s = str(value).strip()
    if not s:
        return None
    low = s.lower()
    factor = 1.0
    for word, f in (("miljard", 1e9), ("mld", 1e9), ("miljoen", 1e6), ("mln", 1e6), ("mio", 1e6), ("k€", 1e3)):
        if word in low:
            factor = f
            low = low.replace(word, " ")
            break
    low = re.sub(r"[€\s]|eur|\+/-|ca\.?|circa|±", "", low)
    if "," in low and "." in low:
        low = low.replace(".", "").replace(",", ".")
    elif "," in low:
        low = low.replace(",", ".")
    elif re.fullmatch(V_DOTTED, low):
        if not dutch and not re.fullmatch(V_SEVERAL, low):
            raise AmbiguousNumber(ambiguous_number_message(s, low))
        low = low.replace(".", "")
    return float(low) * factor


def money_from_text(text):
    """'Investering +/- €50 miljoen, TenneT' -> 50e6; None when no amount."""
    if text is None:
        return None
    m = re.search(r"(\d+(?:[.,]\d+)*)\s*(miljard|mld|miljoen|mln|mio)?", str(text).lower().replace("€", " "))
    if not m or ("€" not in str(text) and not m.group(2)):
        return None
    try:
        return to_number(m.group(0))
    except ValueError:
        return None


def financial_text(investment_text, cover_code, note):
    """The projectenlijst's and fiche's 'Financiële informatie': 'investering € 32 mln; dekking: gedekt; <note>'
    (the amount left out where the note names it already).  :func:`financial_note_of` reads it back."""
    from ..werkbank import enums as E

    note = (note or "").strip()
    said = investment_text and investment_text.replace("\u2009", " ") in note.replace("\u2009", " ")
    cover = E.label(E.FINANCIAL_COVER, cover_code) if cover_code else ""
    parts = [investment_text and not said and "investering " + investment_text,
             cover and "dekking: " + cover.lower(), note]
    return "; ".join(x for x in parts if x)


def financial_note_of(text):
    """The note within a 'Financiële informatie' text :func:`financial_text` composed: without the parts it added
    from the amount and the cover (stored in their own fields), so a projectenlijst exported and imported again keeps
    its note as it was ('dekking: gedekt; ' was put in front of it on every round)."""
    from ..werkbank import enums as E

    if text is None:
        return None
    covers = {"dekking: " + label.lower() for label in E.FINANCIAL_COVER.values()}
    parts = [x for x in str(text).split("; ")
             if x.strip() not in covers and not re.fullmatch(r"investering €[\s\u2009\d.,]+(?: (?:mln|mld))?",
                                                               x.strip())]
    return "; ".join(parts).strip() or None


def year_from_text(text):
    if text is None:
        return None
    m = re.search(r"\b(19[9]\d|20\d\d|2100)\b", str(text))
    return int(m.group(1)) if m else None


_IBN_LABEL = re.compile(r"(?:\bibn|in\s*bedrijf(?:name|stelling|genomen)?|ingebruik(?:name|neming)|"
                        r"in\s*gebruik(?:name)?)\b\D{0,12}?(?:\bQ[1-4]\s*)?\b(199\d|20\d\d|2100)\b", re.IGNORECASE)


def ibn_year_from_text(text):
    """The year labelled IBN in a planning text ('IBN 2031', 'in bedrijf: Q3 2030'); None when no year is."""
    if text is None:
        return None
    m = _IBN_LABEL.search(str(text))
    return int(m.group(1)) if m else None


def type_infra_code(value):
    """Code for a type-infra text: the code, the Dutch label, or a keyword; None when not recognised."""
    if value is None or not str(value).strip():
        return None
    s = str(value).strip()
    if s in E.TYPE_INFRA:
        return s
    n = norm(s)
    for code, (label, _) in E.TYPE_INFRA.items():
        if n == norm(label) or n == norm(code):
            return code
    for kw, code in TYPE_KEYWORDS:
        if kw in n:
            return code
    if "station" in n:
        return "hs_ms_station"
    return None


def enum_code(value, enum):
    if value is None or not str(value).strip():
        return None
    s = str(value).strip()
    if s in enum:
        return s
    n = norm(s)
    for code, label in enum.items():
        lab = label[0] if isinstance(label, tuple) else label
        if n == norm(code) or n == norm(lab) or norm(lab).startswith(n):
            return code
    return None


def financial_cover_from_text(text):
    if text is None:
        return None
    from ..werkbank import enums as E

    for code, label in E.FINANCIAL_COVER.items():  # as financial_text wrote it: 'dekking: onbekend'
        if "dekking: " + label.lower() in [x.strip() for x in str(text).lower().split(";")]:
            return code
    n = norm(text)
    if "geendekking" in n or "nietgedekt" in n or "ongedekt" in n:
        return "geen"
    if "deels" in n or "gedeeltelijk" in n:
        return "deels"
    if "gedekt" in n or "dekkingrond" in n:
        return "gedekt"
    return None


from ..tabular import text_or_none as _text  # noqa: E402 - the one reading of a text cell


def _blank(v):
    return _text(v) is None


def _new_id(name, code, refs, new_ids):
    """The id of a project the werkbank does not know yet: 'P-<naam>'.  With a code, an id that already belongs to
    a project with another code (stored, or new in this source) gets a number ('P-<naam>-2'): a renamed project
    keeps its first id, so a new project may be named as it was."""
    base = "P-" + slug(name)
    if code is None or refs is None:
        return base
    pid, n = base, 1
    while (refs.code_of(pid) not in (None, code)) or (new_ids.get(pid, code) != code):
        n += 1
        pid = "{}-{}".format(base, n)
    return pid


def _own_label(pid, given_id, name, code, refs, new_ids, seen, seen_codes=()):
    """The identity a row of a projectenlijst is named by in its messages: the project it is (``pid``) - for a new
    project without an id of its own, its code (the id 'P-<naam>' is made up here; Zeeland trial F10) - unless it
    gives no id of its own and ``pid`` is an earlier row's (``seen``): its code, repeated, named the project of that
    row (a re-import).  Then the row is named as a new project of its own name would be ('P-<naam>', as a first
    import names it), or by its code and name when that id too belongs to another row or project."""
    if given_id or pid is None or name is None or code is None:
        return pid or code
    if pid not in seen:
        # a new project's id is made up here ('P-<naam>'): the row is named by the number the user typed in it
        new = pid in new_ids and (refs is None or not refs.has_id(pid))
        return code if new and code not in seen_codes else pid  # a repeated code names no one row
    own = _new_id(name, code, refs, dict(new_ids))
    if own == pid or own in seen or (refs is not None and refs.has_id(own)):
        return "{}: {}".format(code, name)
    return own


SECTORS_PREFIX = "Sectoren en ontwikkelingen: "  # how a list's sectors column goes into a narrative


def prepare_projects(frame, source="projectenlijst", row_offset=1, stations=None, knooppunten=None, refs=None,
                     province=None, narratives=None):
    """Validate and normalise a projectenlijst.

    ``frame``: (Geo)DataFrame (a ``_row`` column with the 1-based data row; a
    geometry column in EPSG:28992 if any); ``row_offset``: added to ``_row`` in
    messages (1 for a spreadsheet with a header line); ``stations``: known
    station ids (and names) as {id_or_name: station_id}; ``knooppunten``: the
    same for knooppunten; ``refs``: the werkbank's projects
    (:class:`.project_refs.ProjectRefs`); ``province``: ``(polygon, name)`` of the werkbank's province: a project
    outside it by the one membership rule (``layers.validation.check_in_province``) is a warning naming row and
    field, not a rejection (a project may reach over the border: a line to a station across it).  ``narratives``:
    the stored narrative per project id: a list's 'Sectoren en ontwikkelingen' without a narrative column fills only
    an empty narrative (or one it filled before), never the project's own text.

    Which project a row is: its project_id; else the project its code (project number) names by the one rule
    (``ProjectRefs.lookup``; a code naming more than one project rejects the row); else a new id 'P-<naam>'.  So a
    row whose name changed updates the same project.  A code that would belong to two projects after the import
    (twice in the source, or another project's code or id in the werkbank) rejects the row.

    Returns ``(GeoDataFrame ready for write_frame('projects'), errors, notes)``;
    errors and notes are Dutch sentences naming file, row, id and field.
    """
    import geopandas as gpd
    import numpy as np
    import pandas as pd
    import shapely

    df = frame.reset_index(drop=True)
    if "_row" not in df.columns:
        df["_row"] = np.arange(1, len(df) + 1)
    cols = map_columns(df.columns)
    errors, notes = [], []
    kept_narratives = []  # projects whose own narrative the sectors column did not replace
    if "name" not in cols:
        errors.append("{}: kolom 'Naam project' (of 'naam'/'name') ontbreekt; gevonden kolommen: {}.".format(
            source, ", ".join(str(c) for c in df.columns if not str(c).startswith("_") and c != "geometry")))
        return None, errors, notes
    stations = {norm(k): v for k, v in (stations or {}).items()}
    knooppunten = {norm(k): v for k, v in (knooppunten or {}).items()}
    has_geom = isinstance(df, gpd.GeoDataFrame) and df.geometry is not None
    out_rows, geoms, seen = [], [], {}
    seen_codes, new_ids, coded = {}, {}, []  # code -> first row; new id -> its code; (row, given id, code)
    placed = []  # per row: (row, id, the field its geometry came from)

    # per number column: does it show that a dot separates thousands ('2.500' is then 2500, else ambiguous)
    dutch = {f: dutch_column(df[c].tolist()) for f, c in cols.items()
             if f in ("investment_eur", "capacity_afname_mw", "capacity_teruglevering_mw", "x", "y")}

    for i in range(len(df)):
        rec = df.iloc[i]
        rownr = int(rec["_row"]) + row_offset

        def get(field, rec=rec):
            c = cols.get(field)
            return None if c is None else rec[c]

        name = _text(get("name"))
        pid = _text(get("project_id"))
        code = _text(get("code"))
        given_id = pid is not None
        code_problem = None
        id_is_code = None  # the project whose code this row's id is (a list's numbers in its id column)
        if given_id and refs is not None and not refs.has_id(pid) and refs.holders(pid):
            # the one rule for a project reference (id or code, knooppunten.project_refs): the project with that
            # code, not a second project whose id is its code (Zeeland trial F5: four duplicates, after which every
            # link naming the number was refused as ambiguous)
            found, code_problem = refs.lookup(pid)
            if found is not None:
                id_is_code, pid = pid, found
                if code is None:
                    code = id_is_code
        if pid is None and code is not None and refs is not None:
            pid, code_problem = refs.lookup(code)  # the project this code names (the one rule)
        if pid is None and name is not None and code_problem is None:
            pid = _new_id(name, code, refs, new_ids)
            new_ids[pid] = code
        # what names this row in a message: its own identity, never another row's or project's id (a row whose
        # code repeats an earlier row's would otherwise show the project that code names: the other row's)
        shown = _own_label(pid, given_id, name, code, refs, new_ids, seen, seen_codes)
        where = "{}, rij {} (id {})".format(source, rownr, shown or "?")
        if id_is_code is not None:
            notes.append(RowWarning(source, rownr, "'{}' is geen project-id maar de code (Projectnr) van project {}: "
                                    "dat project is bijgewerkt".format(id_is_code, pid), shown,
                                    cols.get("project_id")))

        def err(field, problem, pid=pid, rownr=rownr, repeats=None, shown=shown):
            errors.append(RowError(source, rownr, problem, shown or "?", cols.get(field, field), key=pid,
                                   repeats=repeats))

        if name is None:
            err("name", "de naam van het project is leeg")
        if code_problem is not None:
            err("code", code_problem)
        if code is not None and code in seen_codes:
            err("code", "code '{}' komt al voor in rij {}; twee projecten met dezelfde code zijn niet te "
                        "onderscheiden".format(code, seen_codes[code]), repeats=seen_codes[code])
        elif pid is not None and pid in seen:
            err("project_id", "id '{}' komt al voor in rij {}".format(pid, seen[pid]), repeats=seen[pid])
        if pid is not None:
            seen.setdefault(pid, rownr)
        if code is not None:
            seen_codes.setdefault(code, rownr)
            if given_id and pid is not None:
                coded.append((rownr, pid, code))
        row = {"project_id": pid, "name": name, "code": code, "_row": rownr}
        for f in ("location_description", "municipalities", "netbeheerder", "planning", "financial_note", "parties",
                  "reason_inclusion", "phase_developments", "status_reason", "ip_reference", "bevoegd_gezag",
                  "dependencies_pmiek", "dependencies_nmiek", "dependencies_outside"):
            row[f] = _text(get(f))
        financial_info = row["financial_note"]  # the amount and cover are read from the whole text below
        row["financial_note"] = financial_note_of(financial_info)
        if row["municipalities"]:  # 'Goes; Kapelle': each name on the CBS list, else a warning with a suggestion
            from ..layers.validation import unknown_municipality

            for m in re.split(r"[;,/]|\s+en\s+", row["municipalities"]):
                problem = unknown_municipality(m) if m.strip() else None
                if problem:
                    notes.append(RowWarning(source, rownr, problem, shown, cols["municipalities"]))
        narrative = _text(get("narrative"))
        sectors = _text(get("sectors"))
        if sectors:
            stored = (narratives or {}).get(pid)
            if "narrative" not in cols and stored and not stored.startswith(SECTORS_PREFIX):
                # the project's own story stays: the list only names its sectors (a projectenlijst exported and
                # imported again replaced every narrative by the list of linked developments)
                narrative = stored
                kept_narratives.append(shown or name)
            else:
                narrative = (narrative + "\n\n" if narrative else "") + SECTORS_PREFIX + sectors
        row["narrative"] = narrative
        # type infra
        t = _text(get("type_infra"))
        if t is not None:
            code_t = type_infra_code(t)
            if code_t is None:
                code_t = "overig"
                notes.append(RowWarning(source, rownr, "type infra '{}' niet herkend; 'overig' gebruikt".format(t),
                                        shown, cols["type_infra"]))
            row["type_infra"] = code_t
        # coded fields
        for f, enum, what in (("energy_carrier", E.ENERGY_CARRIERS, "energiedrager"),
                              ("phase", E.PROJECT_PHASES, "projectfase"), ("route", E.ROUTES, "route")):
            v = _text(get(f))
            if v is None:
                row[f] = None
                continue
            c = enum_code(v, enum)
            if c is None:
                err(f, "'{}' is geen bekende {} (kies uit: {})".format(v, what, ", ".join(enum)))
            row[f] = c
        st = _text(get("status"))
        if st is None:
            row["status"] = "kandidaat"
        else:
            c = enum_code(st, E.PROJECT_STATUS)
            if c is None:
                err("status", "'{}' is geen status (kandidaat, opgenomen, afgevallen)".format(st))
            row["status"] = c
        if row["status"] == "afgevallen" and not row["status_reason"]:
            err("status_reason" if "status_reason" in cols else "status",
                "bij status 'afgevallen' is een reden (reden_status) verplicht")
        # numbers
        for f in ("investment_eur", "capacity_afname_mw", "capacity_teruglevering_mw"):
            v = get(f)
            try:  # '12 MW' in a MW column is 12 (layers.validation.without_unit, as every import reads it)
                n = to_number(without_unit(v, "" if f == "investment_eur" else "MW"), dutch.get(f, False))
            except AmbiguousNumber as e:
                err(f, str(e))
                n = None
            except ValueError:
                err(f, "'{}' is geen getal".format(v))
                n = None
            limit = 1e12 if f == "investment_eur" else 10000.0  # layers.validation.MAX_EUR / MAX_MW
            if n is not None and not math.isfinite(n):
                err(f, "'{}' is geen eindig getal".format(v))
                n = None
            elif n is not None and n < 0:
                err(f, "{} is negatief".format(v))
            elif n is not None and n > limit:
                from ..formatting import fmt_num

                err(f, "{} is onwaarschijnlijk groot (meer dan {} {}); controleer de eenheid".format(
                    v, fmt_num(limit, 0), "euro" if f == "investment_eur" else "MW"))
                n = None
            row[f] = n
        if row["investment_eur"] is None and financial_info:
            row["investment_eur"] = money_from_text(financial_info)
        fc = _text(get("financial_cover"))
        if fc is not None:
            c = enum_code(fc, E.FINANCIAL_COVER) or financial_cover_from_text(fc)
            if c is None:
                err("financial_cover", "'{}' is geen dekking (gedekt, deels, geen, onbekend)".format(fc))
            row["financial_cover"] = c
        else:
            row["financial_cover"] = financial_cover_from_text(financial_info)
        # IBN year: column, else the first year in the planning text
        v = get("ibn_year")
        year = None
        if not _blank(v):
            try:
                n = year_of_date(v)  # an IBN date ('1-7-2027', an Excel date cell) gives its year
                n = to_number(v) if n is None else n
                if n is None or n != int(n):
                    raise ValueError
                year = int(n)
                if not 1990 <= year <= 2100:
                    err("ibn_year", "{} ligt niet tussen 1990 en 2100".format(year))
                    year = None
            except ValueError:
                err("ibn_year", "'{}' is geen jaartal".format(v))
        elif row["planning"]:
            # only a year labelled IBN ("IBN 2031", "in bedrijf 2030"); "Planuitwerking 2026, IBN 2031" is 2031
            year = ibn_year_from_text(row["planning"])
            if year is not None:
                notes.append("{}: IBN-jaar {} gelezen uit planning '{}'.".format(where, year, row["planning"]))
            else:
                notes.append("{}: waarschuwing: IBN-jaar leeg gelaten; de planning '{}' noemt geen jaar als IBN "
                             "(vul ibn_jaar in of schrijf 'IBN 2030').".format(where, row["planning"]))
        row["ibn_year"] = year
        for f in ("in_ip", "confidential"):
            v = _text(get(f))
            if v is None:
                # an empty cell: investeringsplan niet opgegeven (NULL, never "nee"); not confidential (the safe
                # default).  A source without the column does not write it at all (_provided_fields): a new project
                # then gets the column's default, NULL for in_ip.
                row[f] = None if f == "in_ip" else 0
            else:
                n = norm(v)
                if n in ("1", "ja", "j", "yes", "true", "waar", "x", "10"):
                    row[f] = 1
                elif n in ("0", "nee", "n", "no", "false", "onwaar", "00"):
                    row[f] = 0
                else:
                    err(f, "'{}' is geen ja/nee{}".format(v, " (of leeg: niet opgegeven)" if f == "in_ip" else ""))
                    row[f] = None if f == "in_ip" else 0
        # references
        for f, known, what in (("station_id", stations, "station"), ("knooppunt_id", knooppunten, "knooppunt")):
            v = _text(get(f))
            if v is None:
                row[f] = None
                continue
            ref = known.get(norm(v))
            if ref is None:
                err(f, "{} '{}' bestaat niet in de werkbank".format(what, v))
            elif isinstance(ref, tuple):  # ingest.runner.AmbiguousName: a name of more than one
                err(f, "{} '{}' is de naam van {} {} in de werkbank ({}); noem het {}-id".format(
                    what, v, len(ref), {"station": "stations"}.get(what, "knooppunten"), ", ".join(ref), what))
                ref = None
            row[f] = ref
        # geometry: the layer's, else x/y (RD New), else none
        g = None
        if has_geom:
            g = rec[df.geometry.name]
            if g is not None and (g != g or getattr(g, "is_empty", False)):
                g = None
        if g is None and ("x" in cols or "y" in cols):
            xv, yv = get("x"), get("y")
            if not (_blank(xv) and _blank(yv)):
                try:
                    x, y = to_number(xv, dutch.get("x", False)), to_number(yv, dutch.get("y", False))
                    if x is None or y is None:
                        raise ValueError
                except ValueError:
                    err("x", "x/y '{}'/'{}' zijn geen coördinaten".format(xv, yv))
                    x = y = None
                if x is not None:
                    if not (RD_X[0] <= x <= RD_X[1] and RD_Y[0] <= y <= RD_Y[1]):
                        err("x", "x/y ({}, {}) ligt niet in Nederland in RD New (EPSG:28992)".format(xv, yv))
                    else:
                        g = shapely.Point(x, y)
        geoms.append(g)
        placed.append((rownr, shown, "geometrie" if has_geom and g is not None and g is rec[df.geometry.name]
                       else cols.get("x", "geometrie")))
        out_rows.append(row)

    if refs is not None:
        # a row with its own project_id: its code must not be another project's code or id after the import
        in_source = {r["project_id"] for r in out_rows if r["project_id"] is not None}
        for rownr, pid, code in coded:
            others = {h for h in refs.holders(code) if h != pid and h not in in_source}
            if code != pid and (refs.has_id(code) or code in in_source):
                others.add(code)
            if others:
                errors.append(RowError(source, rownr, "de code '{}' hoort al bij project {}; twee projecten met "
                                       "dezelfde code zijn niet te onderscheiden: kies een andere code of geef de "
                                       "project-id van dat project".format(code, ", ".join(sorted(others))),
                                       pid, cols.get("code", "code"), key=pid))

    if province is not None and province[0] is not None and any(g is not None for g in geoms):
        notes += _outside_province(source, province, placed, geoms)
    if kept_narratives:
        notes.append("{}: 'Sectoren en ontwikkelingen' van {} project(en) niet in het narratief gezet: dat heeft in "
                     "de werkbank al een eigen tekst (geef een kolom narratief om die te vervangen): {}.".format(
                         source, len(kept_narratives), ", ".join(str(x) for x in kept_narratives[:10]) +
                         (" …" if len(kept_narratives) > 10 else "")))

    out = pd.DataFrame(out_rows)
    # Write only what this source provides: a layer with a few columns (e.g. the line geometries of
    # projects already imported from the Excel list) must not blank the other fields of those projects.
    out = out[[c for c in out.columns if c in _provided_fields(cols) or c == "_row"]]  # _row: the source row
    if not has_geom and "x" not in cols and "y" not in cols:
        return out, errors, notes  # no geometry in the source: existing geometries stay
    out = gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(geoms, crs="EPSG:28992"), crs="EPSG:28992")
    return out, errors, notes


def _outside_province(source, province, placed, geoms):
    """Warnings (:class:`RowWarning`) for the projects outside ``province`` ``(polygon, name)`` by the one
    membership rule (``layers.validation.check_in_province``); ``placed``: (row, id, field) per geometry."""
    import numpy as np
    import pandas as pd

    from ..layers.validation import FOUT, ValidationReport, check_in_province

    frame = pd.DataFrame({"_row": [r for r, _, _ in placed], "_sid": [p for _, p, _ in placed]})
    arr = np.empty(len(geoms), dtype=object)
    arr[:] = geoms
    rep = ValidationReport(source)
    check_in_province(rep, frame, arr, province[0], province[1])
    field = {r: f for r, _, f in placed}
    return [RowWarning(source, p.row, p.problem + ("; toch opgenomen (een project mag over de grens reiken)"
                                                    if p.severity == FOUT else ""), p.source_id, field.get(p.row))
            for p in rep.sorted_problems()]


_PROVINCE = {}


def _province_of(wb):
    """``(polygon, name)`` of the werkbank's province (the polygon read once per code), or None."""
    from ..layers.validation import province_geometry

    prog = wb.programme() or {}
    code = prog.get("province_code") or prog.get("province")
    if not code:
        return None
    if code not in _PROVINCE:
        _PROVINCE[code] = province_geometry(code)
    return _PROVINCE[code], prog.get("province") or code


# Fields derived from another column when that column is present in the source.
DERIVED_FROM = {
    "ibn_year": ("planning",),
    "investment_eur": ("financial_note",),
    "financial_cover": ("financial_note",),
    "narrative": ("sectors",),
    "status": (),  # a new project gets 'kandidaat'; an existing one keeps its status unless given
}


def _provided_fields(cols):
    """Project fields a source with mapped columns ``cols`` really provides (mapped, or derived from a mapped one)."""
    fields = {"project_id", "name"} | set(cols)
    for f, sources in DERIVED_FROM.items():
        if any(src in cols for src in sources):
            fields.add(f)
    return fields


KNOOPPUNT_KARAKTER_WORDS = {"lokaal": "lokaal", "local": "lokaal", "provinciaal": "provinciaal",
                            "regionaal": "provinciaal", "nationaal": "nationaal", "national": "nationaal"}


def prepare_knooppunten(frame, name_field, karakter_field=None, id_field=None, description_field=None,
                        date_field=None, source="knooppunten", row_offset=0):
    """Validate knooppunt polygons; returns (GeoDataFrame for write_frame('knooppunten'), errors)."""
    import geopandas as gpd
    import numpy as np
    import pandas as pd
    import shapely

    df = frame.reset_index(drop=True)
    if "_row" not in df.columns:
        df["_row"] = np.arange(1, len(df) + 1)
    errors, repairs = [], []
    for f in (name_field, karakter_field, id_field, description_field, date_field):
        if f and f not in df.columns:
            errors.append("{}: veld '{}' bestaat niet in de invoer.".format(source, f))
    if errors:
        return None, errors
    rows, geoms, seen = [], [], {}
    gname = df.geometry.name if isinstance(df, gpd.GeoDataFrame) else None
    for i in range(len(df)):
        rec = df.iloc[i]
        rownr = int(rec["_row"]) + row_offset
        name = _text(rec[name_field])
        kid = _text(rec[id_field]) if id_field else None
        if kid is None and name:
            kid = "K-" + slug(name)
        where = "{}, rij {} (id {})".format(source, rownr, kid or "?")

        def err(problem, field=None, kid=kid, rownr=rownr, repeats=None):
            errors.append(RowError(source, rownr, problem, kid or "?", field, key=kid, repeats=repeats))

        if name is None:
            err("de naam is leeg", name_field)
        if kid in seen:
            err("id '{}' komt al voor in rij {}".format(kid, seen[kid]), repeats=seen[kid])
        seen[kid] = rownr
        kar = None
        if karakter_field:
            v = _text(rec[karakter_field])
            if v is not None:
                kar = enum_code(v, E.KNOOPPUNT_KARAKTER) or KNOOPPUNT_KARAKTER_WORDS.get(norm(v))
                if kar is None:
                    err("'{}' is geen karakter (lokaal, provinciaal, nationaal)".format(v), karakter_field)
        g = rec[gname] if gname else None
        if g is None or g != g or g.is_empty:
            err("geen geometrie (een knooppunt is een vlak)")
            g = None
        elif g.geom_type not in ("Polygon", "MultiPolygon"):
            err("geometrie is een {}, een knooppunt is een vlak".format(g.geom_type))
            g = None
        else:
            if not g.is_valid:
                reason = shapely.is_valid_reason(g)
                area = g.buffer(0).area
                g = shapely.make_valid(g)
                polys = [p for p in getattr(g, "geoms", [g]) if p.geom_type in ("Polygon", "MultiPolygon")]
                g = shapely.union_all(polys) if polys else None
                # never repaired without a message
                repairs.append("{}: ongeldige geometrie hersteld met make_valid ({}; oppervlak {:.0f} → {:.0f} m²)"
                               .format(where, reason, area, g.area if g is not None else 0.0))
                if g is None:
                    err("ongeldige geometrie, niet te herstellen tot een vlak ({})".format(reason))
            if g is not None and g.geom_type == "Polygon":
                g = shapely.MultiPolygon([g])
        session_date = _text(rec[date_field]) if date_field else None
        if session_date is not None:
            try:
                session_date = parse_date(rec[date_field])
            except ValueError:
                err(date_problem(session_date), date_field)
        rows.append({"knooppunt_id": kid, "_row": rownr, "name": name, "karakter": kar,
                     "description": _text(rec[description_field]) if description_field else None,
                     "session_date": session_date})
        geoms.append(g)
    out = gpd.GeoDataFrame(pd.DataFrame(rows), geometry=gpd.GeoSeries(geoms, crs="EPSG:28992"), crs="EPSG:28992")
    out.attrs["notes"] = repairs
    return out, errors


# ---- validate hooks of the one import runner (ingest.runner; named on the specs) -----------------------------

def validate_projects(wb, frame, source):
    """Spec 'projects': the projectenlijst checked against the werkbank's stations and knooppunten."""
    from ..ingest.runner import lookup

    from .project_refs import ProjectRefs

    rows, errors, notes = prepare_projects(frame, source=source, row_offset=0,
                                           stations=lookup(wb, "stations", "station_id"),
                                           knooppunten=lookup(wb, "knooppunten", "knooppunt_id"),
                                           refs=ProjectRefs.from_werkbank(wb), province=_province_of(wb),
                                           narratives={r["project_id"]: r["narrative"] for r in wb.query(
                                               "SELECT project_id, narrative FROM projects WHERE narrative IS NOT NULL")})
    if not errors and not len(rows):
        errors = ["{}: geen projecten gevonden.".format(source)]
    return rows, errors, notes


def validate_knooppunten(wb, frame, source, name_field=None, karakter_field=None, id_field=None,
                         description_field=None, date_field=None):
    """Spec 'knooppunten': the polygons and the chosen fields; repairs are report warnings."""
    rows, errors = prepare_knooppunten(frame, name_field, karakter_field, id_field, description_field, date_field,
                                       source=source, row_offset=0)
    return rows, errors, ["waarschuwing: " + n for n in rows.attrs.get("notes", [])]
