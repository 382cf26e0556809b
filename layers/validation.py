"""Validation of imported rows: a Dutch report per row and field, and vectorised checks.

A :class:`ValidationReport` collects problems (row number, source id, field,
value, problem, severity).  Severity ``fout`` rejects the row; ``hersteld``
(geometry repaired) and ``waarschuwing`` (value left empty, name filled in)
keep it.  The checks work on whole pandas/geopandas columns (no per-feature
Python loop on the heavy path); only the rows with a problem are turned into
report lines.  Writers: CSV (``;``, UTF-8 with BOM for Excel) and HTML.

Pure Python + pandas/geopandas/shapely (imported inside functions); no QGIS.
"""

import html
import os

from ..formatting import fmt_amount, fmt_num
from ..tabular import all_text

FOUT = "fout"
HERSTELD = "hersteld"
WAARSCHUWING = "waarschuwing"

YEAR_MIN, YEAR_MAX = 1990, 2100

RESOURCES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "resources")
PROVINCES_GPKG = os.path.join(RESOURCES, "provinces.gpkg")


class Problem:
    """One report line; ``assumed`` names what a warning assumed for its row (``ValidationReport.assumed``'s key:
    "year", "kengetal", "sector"), else None."""

    __slots__ = ("row", "source_id", "field", "value", "problem", "severity", "assumed")

    def __init__(self, row, source_id, field, value, problem, severity=FOUT, assumed=None):
        self.row = row
        self.source_id = source_id
        self.field = field
        self.value = value
        self.problem = problem
        self.severity = severity
        self.assumed = assumed

    def as_dict(self):
        return {k: getattr(self, k) for k in self.__slots__}

    def message(self, source=None):
        """'ontwikkelingen.gpkg, rij 17 (id W-017), veld 'demand_mw': 'veel' is geen getal'."""
        parts = []
        if source:
            parts.append(str(source))
        if self.row is not None:
            parts.append("rij {}{}".format(self.row, " (id {})".format(self.source_id) if _present(self.source_id) else ""))
        head = ", ".join(parts)
        field = "veld '{}'".format(self.field) if self.field else ""
        text = self.problem
        return ", ".join(p for p in (head, field) if p) + ": " + text if (head or field) else text


def _present(v):
    if v is None:
        return False
    try:
        if v != v:
            return False
    except Exception:  # noqa: BLE001
        pass
    return str(v) != ""


def _fmt(v):
    if not _present(v):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    text = str(v)
    return text if len(text) <= 80 else text[:77] + "..."


class ValidationReport:
    """Problems of one import run, with counts, writers and a Dutch summary."""

    def __init__(self, source="bron", kind_label="", input_rows=0):
        self.source = source
        self.kind_label = kind_label
        self.input_rows = input_rows
        self.problems = []
        self.notes = []  # free Dutch lines for the summary (mapping, kengetallen ...)
        self.imported = 0
        self.counts = {}
        self.sub_reports = []  # e.g. the capacity table of a stations import
        self.removed = 0  # rows of this source no longer in it (REMOVED)
        self.deleted = 0  # of those deleted (SYNC)
        self.assumed = {}  # what the import assumed, counted: {"year": n, "kengetal": n, "sector": n}
        self.recodes = []  # (field, source value, code, table, rows) of every recode used

    # ---- adding ----------------------------------------------------------------
    def add(self, row, source_id, field, value, problem, severity=FOUT, assumed=None):
        self.problems.append(Problem(row, None if not _present(source_id) else str(source_id), field,
                                     _fmt(value), problem, severity, assumed))

    def add_mask(self, frame, mask, field, problem, severity=FOUT, value_col=None, values=None, assumed=None):
        """Add one problem per row where ``mask`` is true. ``problem`` may contain '{value}'; ``assumed``: see
        :class:`Problem`."""
        import numpy as np

        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return 0
        idx = np.nonzero(mask)[0]
        rows = frame["_row"].to_numpy()[idx]
        ids = frame["_sid"].to_numpy()[idx] if "_sid" in frame.columns else [None] * len(idx)
        if values is not None:
            vals = np.asarray(values, dtype=object)[idx]
        elif value_col is not None and value_col in frame.columns:
            vals = frame[value_col].to_numpy()[idx]
        else:
            vals = [None] * len(idx)
        for r, sid, v in zip(rows, ids, vals):
            self.add(int(r), sid, field, v, problem.replace("{value}", _fmt(v)), severity, assumed)
        return len(idx)

    def note(self, text):
        self.notes.append(text)

    def settle(self, keep_rejected_warnings=False):
        """Before writing: a warning about a row that is rejected anyway is noise (repairs stay: they explain the
        geometry), unless ``keep_rejected_warnings`` (a table row's warning names something to fix along with its
        errors: an unknown type, a municipality); what was assumed is counted over the rows that are written."""
        rejected = set() if keep_rejected_warnings else set(self.rejected_rows())
        self.problems = [p for p in self.problems if not (p.severity == WAARSCHUWING and p.row in rejected)]
        for k in self.assumed:
            self.assumed[k] = sum(1 for p in self.problems if p.assumed == k)

    # ---- reading ---------------------------------------------------------------
    def rejected_rows(self):
        return sorted({p.row for p in self.problems if p.severity == FOUT and p.row is not None})

    @property
    def rejected(self):
        return len(self.rejected_rows())

    def errors(self):
        return [p for p in self.problems if p.severity == FOUT]

    def repaired(self):
        return [p for p in self.problems if p.severity == HERSTELD]

    def warnings(self):
        return [p for p in self.problems if p.severity == WAARSCHUWING]

    def sorted_problems(self):
        order = {FOUT: 0, HERSTELD: 1, WAARSCHUWING: 2}
        return sorted(self.problems, key=lambda p: (p.row if p.row is not None else 0, order.get(p.severity, 3)))

    def first_errors(self, n=5):
        return [p.message(self.source) for p in sorted(self.errors(), key=lambda p: p.row or 0)[:n]]

    def summary(self):
        """Short Dutch summary for the message bar / Processing log."""
        parts = ["{}: {} van {} rijen geïmporteerd".format(self.source, self.imported, self.input_rows)]
        if self.counts:
            parts.append("({} nieuw, {} bijgewerkt, {} ongewijzigd{})".format(
                self.counts.get("inserted", 0), self.counts.get("updated", 0), self.counts.get("unchanged", 0),
                ", {} niet meer in de bron{}".format(self.removed, " (verwijderd)" if self.deleted else "")
                if self.removed else ""))
        text = " ".join(parts)
        extra = []
        if self.rejected:
            extra.append("{} afgekeurd".format(self.rejected))
        if self.repaired():
            extra.append("{} geometrie(ën) hersteld".format(len(self.repaired())))
        if self.warnings():
            extra.append("{} waarschuwing(en)".format(len(self.warnings())))
        if extra:
            text += "; " + ", ".join(extra)
        text += "."
        labels = {"year": "zonder jaar (eerste horizonjaar aangenomen)", "kengetal": "MW via kengetal",
                  "sector": "vaste sector ingevuld"}
        assumed = ["{} {}".format(n, labels.get(k, k)) for k, n in self.assumed.items() if n]
        if assumed:
            text += " Aangenomen: " + ", ".join(assumed) + "."
        for sub in self.sub_reports:
            text += " " + sub.summary()
        return text

    def to_frame(self):
        import pandas as pd

        rows = [
            {"rij": p.row, "bron_id": p.source_id, "veld": p.field, "waarde": p.value, "probleem": p.problem,
             "ernst": p.severity}
            for p in self.sorted_problems()
        ]
        return pd.DataFrame(rows, columns=["rij", "bron_id", "veld", "waarde", "probleem", "ernst"])

    # ---- writers ---------------------------------------------------------------
    def write(self, path):
        """Write CSV (``.csv``) or HTML (anything else); returns the path."""
        if str(path).lower().endswith(".csv"):
            return self.write_csv(path)
        return self.write_html(path)

    def write_csv(self, path):
        from ..tabular import write_csv

        rows = []
        for rep in [self] + self.sub_reports:
            for p in rep.sorted_problems():
                rows.append([rep.source, "" if p.row is None else p.row, p.source_id or "", p.field or "",
                             p.value, p.problem, p.severity])
            for f, v, c, t, n in rep.recodes:
                rows.append([rep.source, "", "", f, v, "gehercodeerd naar '{}' (tabel {}, {} rij(en))".format(c, t, n),
                             "hercodering"])
        return write_csv(path, ["bron", "rij", "bron_id", "veld", "waarde", "probleem", "ernst"], rows)

    def write_html(self, path):
        e = html.escape
        lines = [
            "<!DOCTYPE html>", '<html lang="nl"><head><meta charset="utf-8">',
            "<title>Importrapport {}</title>".format(e(str(self.source))),
            "<style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}"
            "td,th{border:1px solid #bbb;padding:3px 6px;text-align:left;vertical-align:top}"
            "tr.fout td{background:#fde2e1}tr.hersteld td{background:#fff4d6}tr.waarschuwing td{background:#eef4ff}"
            "</style></head><body>",
        ]
        for k, rep in enumerate([self] + self.sub_reports):
            lines += rep._html_section(1 if k == 0 else 2)
        lines.append("</body></html>")
        from ..werkbank.atomic import write_text

        return write_text(path, "\n".join(lines))  # beside, then swapped in: never a half report

    def _html_section(self, level):
        e = html.escape
        lines = [
            "<h{l}>Importrapport: {s}</h{l}>".format(l=level, s=e(str(self.source))),
            "<p>{}{}</p>".format(e(self.kind_label + ": " if self.kind_label else ""), e(self.summary())),
            "<ul><li>Invoerrijen: {}</li><li>Geïmporteerd: {}</li><li>Afgekeurd: {}</li>"
            "<li>Geometrie hersteld: {}</li><li>Waarschuwingen: {}</li></ul>".format(
                self.input_rows, self.imported, self.rejected, len(self.repaired()), len(self.warnings())),
        ]
        if self.notes:
            lines.append("<ul>" + "".join("<li>{}</li>".format(e(n)) for n in self.notes) + "</ul>")
        if self.recodes:
            lines.append("<h{}>Hercoderingen gebruikt</h{}>".format(level + 1, level + 1))
            lines.append("<table><thead><tr><th>Veld</th><th>Bronwaarde</th><th>Code</th><th>Tabel</th>"
                         "<th>Rijen</th></tr></thead><tbody>")
            for f, v, c, t, n in self.recodes:
                lines.append("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>".format(
                    e(str(f)), e(v), e(c), e(t), n))
            lines.append("</tbody></table>")
        if self.problems:
            lines.append("<table><thead><tr><th>Rij</th><th>Bron-id</th><th>Veld</th><th>Waarde</th>"
                         "<th>Probleem</th><th>Ernst</th></tr></thead><tbody>")
            for p in self.sorted_problems():
                lines.append('<tr class="{}"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>'.format(
                    e(p.severity), "" if p.row is None else p.row, e(p.source_id or ""), e(p.field or ""),
                    e(p.value), e(p.problem), e(p.severity)))
            lines.append("</tbody></table>")
        else:
            lines.append("<p>Geen problemen gevonden.</p>")
        return lines


# ---- vectorised checks -------------------------------------------------------------

EMPTY_TEXTS = frozenset(("", "NULL", "null", "nan", "NaN", "None"))  # a text cell holding one of these is empty


def _clean(series):
    """(``series`` as objects: strings stripped, '', 'NULL', 'nan' and missing values -> None; whether every
    value left is text).  A column of numbers holds no text to strip or read as empty: only its missing values
    become None."""
    import numpy as np
    import pandas as pd

    if series.dtype.kind in "biuf":
        return series.astype(object).where(pd.notna(series), None), False
    arr = series.to_numpy(dtype=object)
    try:
        # every value text, none missing (the usual source column): one C-level pass and no scan for types or
        # missing values, as str.strip refuses anything but text (it returns an unchanged string itself)
        stripped = np.fromiter(map(str.strip, arr), dtype=object, count=len(arr))
        missing = None
    except TypeError:
        missing = pd.isna(arr)
        if missing.any():
            arr = arr.copy()
            arr[missing] = None  # NaN, NA, NaT, Decimal('NaN') ...
        if not all_text(arr):
            s = pd.Series(arr, index=series.index, name=series.name)
            s = s.map(lambda v: v.strip() if isinstance(v, str) else v)  # noqa: E731 - C-level map
            s = s.where(~s.isin(list(EMPTY_TEXTS)), None)
            return s, all_text(s)
        present = arr[~missing]
        stripped = np.fromiter(map(str.strip, present), dtype=object, count=len(present))
    stripped[np.fromiter(map(EMPTY_TEXTS.__contains__, stripped), dtype=bool, count=len(stripped))] = None
    if len(stripped) == len(arr):
        out = stripped
    else:
        out = np.full(len(arr), None, dtype=object)
        out[~missing] = stripped
    return pd.Series(out, index=series.index, name=series.name), True


def _clean_text(series):
    """Strings stripped; '', 'NULL', 'nan' -> None (see :func:`_clean`)."""
    return _clean(series)[0]


def blank(series):
    """Boolean array: True where the cell is empty (missing, or a text that :func:`_clean` empties)."""
    import pandas as pd

    if series.dtype.kind in "biuf":  # numbers: only the missing ones, as _clean has it (no object copy)
        return pd.isna(series).to_numpy()
    return _clean(series)[0].isna().to_numpy()


def _whole_text(v):
    """12.0 -> '12'; 1e20 -> '100000000000000000000' (Python int, never an int64 overflow)."""
    import math

    if not math.isfinite(v):
        return None
    return str(int(v)) if v % 1 == 0 else repr(v)


def text_column(series):
    """Text values (numbers like 12.0 become '12'); empty -> None."""
    import pandas as pd

    if pd.api.types.is_float_dtype(series.dtype):
        num = pd.to_numeric(series, errors="coerce")
        return num.map(lambda v: None if v != v else _whole_text(float(v))).astype(object)
    if pd.api.types.is_integer_dtype(series.dtype):
        return series.astype(str).astype(object)
    s, text = _clean(series)
    if text:
        return s
    return s.map(lambda v: None if v is None else str(v))


ID_MAX = 2 ** 63 - 1


def check_id_column(report, frame, col):
    """Source ids as text.  A numeric id that is not finite, not whole or beyond 64 bits is refused (a float
    like 1e20 has lost its digits; give ids as text)."""
    import numpy as np
    import pandas as pd

    series = frame[col]
    ids = text_column(series)
    if pd.api.types.is_float_dtype(series.dtype):
        v = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
        present = ~np.isnan(v)
        bad = present & (~np.isfinite(v) | (np.abs(np.where(np.isfinite(v), v, 0)) > 2 ** 53))
        report.add_mask(frame, bad, col, "id {value} is als getal te groot of niet eindig (meer dan 53 bits gaan "
                                         "verloren); geef id's als tekst", values=v)
        frac = present & ~bad & (np.where(np.isfinite(v), v, 0) % 1 != 0)
        report.add_mask(frame, frac, col, "id {value} is geen geheel getal; geef id's als tekst", values=v)
        ids = ids.where(~(bad | frac), None)
    else:
        def too_big(t):
            if t is None:
                return False
            u = t.strip().lstrip("+-")
            return u.isdigit() and int(u) > ID_MAX

        # only a text of more than 18 characters can hold a number beyond 64 bits
        texts = ids.to_numpy(dtype=object)
        try:  # every id given: no missing-value mask (len refuses None)
            long = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) > 18
        except TypeError:
            present = ~pd.isna(texts)
            long = np.zeros(len(texts), dtype=bool)
            long[present] = np.fromiter(map(len, texts[present]), dtype=np.int64, count=int(present.sum())) > 18
        big = np.zeros(len(ids), dtype=bool)
        if long.any():
            big[long] = ids[long].map(too_big).to_numpy(dtype=bool)
        report.add_mask(frame, big, col, "id {value} is groter dan 64 bits; het blijft tekst en wordt niet als getal "
                                         "gelezen", severity=WAARSCHUWING, values=ids.to_numpy())
    return ids


# A text whose only separator is a dot followed by exactly three digits ('2.500', '1.250') is 2,5 in an English
# file and 2500 in a Dutch one.  Thousands when the value has several dot groups ('12.500.000') or its column is
# Dutch (another value writes a decimal comma, '1,5' / '2.500,0', or several dot groups); otherwise ambiguous,
# reported and never guessed.  '0.326' and '1.5' are decimals (a thousands group never follows a lone 0 and always
# has three digits).  knooppunten.projects.to_number applies the same rule to the projectenlijst.
DOTTED_THOUSANDS = r"[+-]?[1-9]\d{0,2}(?:\.\d{3})+"
SEVERAL_DOT_GROUPS = r"[+-]?[1-9]\d{0,2}(?:\.\d{3}){2,}"


def ambiguous_number_message(text, number=None):
    """"'2.500' is dubbelzinnig: 2,5 of 2500? Schrijf 2,5 of 2500" for a value of :data:`DOTTED_THOUSANDS`
    (``number``: its number part when ``text`` has more, '€ 2.500 mln')."""
    t = str(text if number is None else number).strip().replace(" ", "")
    small = format(float(t), "f").rstrip("0").rstrip(".").replace(".", ",")
    big = t.replace(".", "")
    return "'{}' is dubbelzinnig: {} of {}? Schrijf {} of {}".format(str(text).strip(), small, big, small, big)


def thousands_dots(texts):
    """``(thousands, ambiguous)`` boolean arrays for a column's texts (a str Series without spaces, missing values
    as anything that does not match): see :data:`DOTTED_THOUSANDS`."""
    dotted = texts.str.fullmatch(DOTTED_THOUSANDS, na=False).to_numpy(dtype=bool)
    if not dotted.any():
        return dotted, dotted
    several = texts.str.fullmatch(SEVERAL_DOT_GROUPS, na=False).to_numpy(dtype=bool)
    dutch = several.any() or bool(texts.str.contains(",", regex=False, na=False).any())
    thousands = several | (dotted & dutch)
    return thousands, dotted & ~thousands


def parse_numbers(series, ambiguous=False):
    """(float Series, bad mask): accepts numbers, '1,5', '1.234,5', ' 12 ', '12.500.000'; bad = present but not a
    number, or an ambiguous '2.500' (:func:`thousands_dots`).  ``ambiguous``: also return the mask of those."""
    import numpy as np
    import pandas as pd

    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        vals = series.astype(float)
        v = vals.to_numpy()
        bad = np.isinf(v)
        out = (vals.where(~bad, np.nan), bad)
        return out + (np.zeros(len(v), dtype=bool),) if ambiguous else out
    s = _clean_text(series)
    present = s.notna().to_numpy()
    txt = s.astype(str).str.replace(" ", "", regex=False).where(present, None)
    thousands, unclear = thousands_dots(txt)
    both = (txt.str.contains(",", regex=False, na=False) & txt.str.contains(".", regex=False, na=False)).to_numpy()
    txt = txt.where(~(both | thousands), txt.str.replace(".", "", regex=False))
    txt = txt.str.replace(",", ".", regex=False)
    vals = pd.to_numeric(txt.where(present & ~unclear, None), errors="coerce").astype(float)
    # 'inf', 'nan', '1e400' are not numbers a source can mean
    vals = vals.where(np.isfinite(vals.to_numpy()), np.nan)
    bad = present & vals.isna().to_numpy()
    return (vals, bad, unclear) if ambiguous else (vals, bad)


def _nonfinite_text(series):
    """True where a value reads as a number that is not finite: inf, -Infinity, nan, 1e400."""
    import numpy as np

    def one(v):
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return not np.isfinite(v)
        if not isinstance(v, str):
            return False
        t = v.strip().replace(",", ".").replace(" ", "")
        try:
            return not np.isfinite(float(t))
        except ValueError:
            return False

    arr = series.to_numpy()
    if arr.dtype.kind == "f":  # a float column: the same answer without a Python call per value
        return ~np.isfinite(arr)
    if arr.dtype.kind in "iub":
        return np.zeros(len(arr), dtype=bool)
    return np.fromiter((one(v) for v in arr), dtype=bool, count=len(series))


# Plausibility limits: larger values are almost always a unit error (kW or W instead of MW).
MAX_MW = 10000.0  # one development, station limit or queue; the whole Dutch peak load is ~20 GW
MAX_KV = 1000.0
MAX_EUR = 1e12  # one project/measure; more than a trillion euro is a unit or typing error


def without_unit(value, unit):
    """'150 kV' -> '150' for ``unit`` 'kV' (the column's own unit after the number, any case and spacing); any
    other value unchanged.  The one rule for a unit written in a number cell, for every import."""
    import re

    if not unit or not isinstance(value, str):
        return value
    m = re.match(r"^\s*(.*\d)\s*{}\s*$".format(re.escape(unit)), value, re.IGNORECASE)
    return m.group(1) if m else value


def _unit_or_date_read(series, unit, year):
    """'150 kV' in a kV column reads as 150 (the column's own unit after the number); in a year column a date
    ('1-7-2027', an Excel date cell) reads as its year. Anything else is left for :func:`parse_numbers`."""

    import pandas as pd

    from ..ingest.dates import year_of_date

    if year and pd.api.types.is_datetime64_any_dtype(series.dtype):
        return series.dt.year.astype(float)
    if series.dtype != object or not (unit or year):
        return series

    def one(v):
        w = without_unit(v, unit)
        if w is not v:
            return w
        if year:
            y = year_of_date(v)
            if y is not None:
                return y
        return v

    uniq = pd.unique(series.dropna())
    return series.map({v: one(v) for v in uniq}).where(series.notna(), series) if len(uniq) else series


def check_number(report, frame, col, field, nonneg=True, integer=False, year=False, maximum=None, unit=""):
    """Parse ``frame[col]``; reject non-numbers, negatives, years out of range and implausibly large values
    (above ``maximum``). Returns the float Series."""
    import numpy as np

    vals, bad, unclear = parse_numbers(_unit_or_date_read(frame[col], unit, year), ambiguous=True)
    nonfinite = bad & _nonfinite_text(frame[col])
    report.add_mask(frame, bad & ~nonfinite & ~unclear, field, "'{value}' is geen getal", value_col=col)
    for i in np.nonzero(unclear)[0]:
        report.add(int(frame["_row"].iat[i]), frame["_sid"].iat[i] if "_sid" in frame.columns else None, field,
                   frame[col].iat[i], ambiguous_number_message(frame[col].iat[i]))
    report.add_mask(frame, nonfinite, field, "'{value}' is geen eindig getal (oneindig, NaN of buiten het bereik)",
                    value_col=col)
    v = vals.to_numpy()
    ok = ~np.isnan(v)
    if year:
        out = ok & ((v < YEAR_MIN) | (v > YEAR_MAX) | (v % 1 != 0))
        report.add_mask(frame, out, field, "jaar {{value}} ligt buiten {}–{}".format(YEAR_MIN, YEAR_MAX),
                        values=v)
    elif nonneg:
        report.add_mask(frame, ok & (v < 0), field, "waarde {value} is negatief", values=v)
    if integer and not year:
        report.add_mask(frame, ok & (v % 1 != 0), field, "waarde {value} is geen geheel getal", values=v)
    if maximum is not None:
        limit = fmt_num(maximum, 0)  # the plugin's one Dutch formatter
        report.add_mask(frame, ok & (v > maximum), field,
                        "{{value}} is onwaarschijnlijk groot (meer dan {} {}); controleer de eenheid "
                        "(kW of W in plaats van MW?)".format(limit, unit).replace(" ;", ";"), values=v)
    vals[bad] = np.nan
    return vals


def check_required(report, frame, values, field, what=None):
    """Reject rows where ``values`` (a Series) is empty."""
    import pandas as pd

    mask = pd.isna(values).to_numpy()
    report.add_mask(frame, mask, field, "{} ontbreekt (verplicht)".format(what or "waarde"))
    return mask


def check_duplicates(report, frame, ids, field):
    """Within one source the first row of an id is kept; every later row with that id is rejected, naming both."""
    import numpy as np
    import pandas as pd

    present = pd.notna(ids).to_numpy()
    dup = ids.duplicated(keep="first").to_numpy() & present
    if dup.any():
        first_row = {}
        rows = frame["_row"].to_numpy()
        for i in np.nonzero(present)[0]:
            first_row.setdefault(ids.iat[i], rows[i])
        for i in np.nonzero(dup)[0]:
            v = ids.iat[i]
            report.add(int(rows[i]), v, field, v,
                       "id '{}' komt al voor in rij {} (die rij is behouden); rij {} is afgekeurd".format(
                           v, first_row[v], rows[i]))
    return dup


# ---- geometry ---------------------------------------------------------------------

RD_BOUNDS = (-7000.0, 289000.0, 300000.0, 629000.0)  # EPSG:28992 area of use (x min, y min, x max, y max)
RD_MARGIN = 100000.0  # imports may reach a bit beyond the Netherlands (sea, border regions)


def to_rd(gdf, source="bron", crs=None):
    """Reproject to EPSG:28992.  A layer without CRS is refused unless ``crs`` (the CRS parameter) is given."""
    from ..werkbank.schema import SRID

    if gdf.crs is None:
        if not crs:
            raise ValueError("{}: de laag heeft geen coördinatenstelsel (CRS); stel het in of geef de parameter CRS "
                             "op (bijv. EPSG:28992).".format(source))
        gdf = gdf.set_crs(crs, allow_override=True)
        if gdf.crs.to_epsg() == SRID:
            return gdf, "geen CRS in de bron; opgegeven CRS {} gebruikt".format(crs)
        return gdf.to_crs(SRID), "geen CRS in de bron; opgegeven CRS {} gebruikt en geprojecteerd naar EPSG:28992".format(
            crs)
    if gdf.crs.to_epsg() == SRID:
        return gdf, None
    return gdf.to_crs(SRID), "geprojecteerd van {} naar EPSG:28992".format(gdf.crs.to_string())


def coordinate_bounds(gdf):
    """(mask of the rows with a geometry that is not empty, their bounds): what :func:`check_coordinates` reads."""
    import numpy as np
    import shapely

    geoms = np.asarray(gdf.geometry.array, dtype=object) if len(gdf) else np.array([], dtype=object)
    present = ~shapely.is_missing(geoms)
    present[present] = ~shapely.is_empty(geoms[present])
    with np.errstate(invalid="ignore"):
        return present, shapely.bounds(geoms[present])


def check_coordinates(report, gdf, stage="bron", bounds=None):
    """Reject rows whose coordinates are not finite or lie beyond the CRS's bounds (geographic: ±180/±90;
    in RD: beyond the Dutch grid plus a margin).  ``bounds``: :func:`coordinate_bounds` of ``gdf`` when the caller
    has them.  Returns the mask of rejected rows."""
    import numpy as np

    present, b = coordinate_bounds(gdf) if bounds is None else bounds
    bad = np.zeros(len(present), dtype=bool)
    if not present.any():
        return bad
    finite = np.isfinite(b).all(axis=1)
    sub = ~finite
    if stage == "bron" and gdf.crs is not None and gdf.crs.is_geographic:
        sub |= finite & ((np.abs(b[:, 0]) > 180) | (np.abs(b[:, 2]) > 180) | (np.abs(b[:, 1]) > 90)
                         | (np.abs(b[:, 3]) > 90))
        what = "buiten het bereik van lengte/breedte (±180/±90 graden)"
    elif stage == "rd":
        x0, y0, x1, y1 = RD_BOUNDS
        m = RD_MARGIN
        sub |= finite & ((b[:, 0] < x0 - m) | (b[:, 2] > x1 + m) | (b[:, 1] < y0 - m) | (b[:, 3] > y1 + m))
        what = "buiten het bereik van EPSG:28992 (Nederland)"
    else:
        what = ""
    bad[present] = sub
    if bad.any():
        vals = np.array([""] * len(present), dtype=object)
        vals[present] = ["{:.6g}, {:.6g}".format(r[0], r[1]) for r in b]
        report.add_mask(gdf, bad & ~np.isin(np.arange(len(present)), np.nonzero(present)[0][finite]), "geometrie",
                        "coördinaten zijn geen eindige getallen", values=vals)
        report.add_mask(gdf, bad & np.isin(np.arange(len(present)), np.nonzero(present)[0][finite]), "geometrie",
                        "coördinaten ({value}) " + what, values=vals)
    return bad


POLY, POINT, LINE = "polygon", "point", "line"


def prepare_geometries(report, gdf, allowed=(POLY,), to_point=False):
    """Check/repair geometries of a GeoDataFrame in RD (vectorised).

    Rejects null/empty geometries and disallowed types; repairs invalid polygons
    with ``shapely.make_valid`` when safe (polygonal result, area within 1 %
    of the original's absolute shoelace area or of its buffer(0)), otherwise
    rejects.  Polygons become MultiPolygons, MultiPoints with one point become
    Points; with ``to_point`` polygons become their representative point
    (reported as a warning).  Returns a geometry array (None where rejected).
    """
    import numpy as np
    import shapely

    geoms = np.asarray(gdf.geometry.array, dtype=object) if len(gdf) else np.array([], dtype=object)
    out = geoms.copy()
    missing = shapely.is_missing(geoms)
    report.add_mask(gdf, missing, "geometrie", "geen geometrie (leeg/NULL)")
    empty = ~missing & shapely.is_empty(np.where(missing, None, geoms))
    report.add_mask(gdf, empty, "geometrie", "lege geometrie")
    ok = ~missing & ~empty
    tid = np.full(len(geoms), -1)
    tid[ok] = shapely.get_type_id(geoms[ok])
    # 0 Point, 1 LineString, 2 LinearRing, 3 Polygon, 4 MultiPoint, 5 MultiLineString, 6 MultiPolygon, 7 Collection
    is_poly = np.isin(tid, (3, 6))
    is_point = np.isin(tid, (0, 4))
    is_line = np.isin(tid, (1, 2, 5))
    is_coll = tid == 7
    if is_coll.any():
        # a collection: keep it when it holds polygons only (after extraction), else reject
        for i in np.nonzero(is_coll)[0]:
            parts = shapely.get_parts(geoms[i])
            pt = shapely.get_type_id(parts)
            if len(parts) and np.isin(pt, (3, 6)).all():
                out[i] = shapely.union_all(parts)
                is_poly[i] = True
            elif len(parts) and np.isin(pt, (0, 4)).all():
                out[i] = shapely.union_all(parts)
                is_point[i] = True
    allowed_mask = np.zeros(len(geoms), dtype=bool)
    if POLY in allowed or to_point:
        allowed_mask |= is_poly
    if POINT in allowed:
        allowed_mask |= is_point
    if LINE in allowed:
        allowed_mask |= is_line
    names = {POLY: "vlakken", POINT: "punten", LINE: "lijnen"}
    wrong = ok & ~allowed_mask
    if wrong.any():  # the type names only when a row shows one
        report.add_mask(gdf, wrong, "geometrie",
                        "geometrietype {{value}} past niet; verwacht: {}".format(" of ".join(names[a] for a in allowed)),
                        values=_type_names(tid))
    keep = ok & allowed_mask
    # repair
    invalid = keep & ~shapely.is_valid(np.where(keep, out, None))
    if invalid.any():
        idx = np.nonzero(invalid)[0]
        reasons = shapely.is_valid_reason(out[idx])
        fixed = shapely.make_valid(out[idx])
        fixed_poly = np.array([_polygonal(g) for g in fixed], dtype=object)
        area_new = shapely.area(fixed_poly)
        buf_area = shapely.area(shapely.buffer(out[idx], 0))
        old_abs = np.abs(np.array([_signed_area_sum(g) for g in out[idx]]))
        ref = np.maximum(buf_area, old_abs)
        close = (area_new > 0) & (
            (np.abs(area_new - buf_area) <= 0.01 * np.maximum(area_new, 1e-9))
            | (np.abs(area_new - old_abs) <= 0.01 * np.maximum(area_new, 1e-9))
        )
        for k, i in enumerate(idx):
            if is_poly[i] and close[k]:
                out[i] = fixed_poly[k]
                report.add(int(gdf["_row"].iat[i]), _sid(gdf, i), "geometrie", reasons[k],
                           "ongeldige geometrie hersteld met make_valid ({}; oppervlak {} → {})".format(
                               reasons[k], fmt_amount(ref[k], "m²"), fmt_amount(area_new[k], "m²")), HERSTELD)
            else:
                report.add(int(gdf["_row"].iat[i]), _sid(gdf, i), "geometrie", reasons[k],
                           "ongeldige geometrie, niet veilig te herstellen ({})".format(reasons[k]))
                keep[i] = False
                out[i] = None
    # normalise types
    polys = keep & is_poly
    if polys.any():
        single = polys & (shapely.get_type_id(np.where(polys, out, None)) == 3)
        if single.any():
            out[single] = shapely.multipolygons(out[single], indices=np.arange(single.sum()))  # one part each
        if to_point:
            out[polys] = shapely.point_on_surface(out[polys])
            report.add_mask(gdf, polys, "geometrie", "vlak omgezet naar punt (punt op het oppervlak)", WAARSCHUWING)
    pts = keep & is_point
    if pts.any():
        multi = pts & (tid == 4)
        if multi.any():
            n = shapely.get_num_geometries(out[multi])
            idx = np.nonzero(multi)[0]
            one = n == 1
            out[idx[one]] = shapely.get_geometry(out[idx[one]], 0)
            if (~one).any():
                out[idx[~one]] = shapely.centroid(out[idx[~one]])
                report.add_mask(gdf, np.isin(np.arange(len(out)), idx[~one]), "geometrie",
                                "multipunt vervangen door het zwaartepunt", WAARSCHUWING)
    out[~keep] = None
    return out


def _type_names(tid):
    import numpy as np

    names = {0: "Point", 1: "LineString", 2: "LinearRing", 3: "Polygon", 4: "MultiPoint", 5: "MultiLineString",
             6: "MultiPolygon", 7: "GeometryCollection"}
    return np.array([names.get(int(t), "?") for t in tid], dtype=object)


def _sid(frame, i):
    return frame["_sid"].iat[i] if "_sid" in frame.columns else None


def _polygonal(g):
    import shapely

    if g is None or g.is_empty:
        return None
    t = shapely.get_type_id(g)
    if t in (3, 6):
        return g
    if t == 7:
        parts = [p for p in shapely.get_parts(g) if shapely.get_type_id(p) in (3, 6)]
        if parts:
            return shapely.union_all(parts)
    return None


def _signed_area_sum(g):
    """Absolute shoelace area of all rings (shells minus holes), also meaningful for a self-intersecting ring."""
    import numpy as np
    import shapely

    total = 0.0
    for poly in shapely.get_parts(g):
        if shapely.get_type_id(poly) != 3:
            continue
        rings = [shapely.get_exterior_ring(poly)] + list(shapely.get_interior_ring(poly, range(shapely.get_num_interior_rings(poly))))
        for k, r in enumerate(rings):
            xy = shapely.get_coordinates(r)
            a = 0.5 * abs(np.dot(xy[:-1, 0], xy[1:, 1]) - np.dot(xy[1:, 0], xy[:-1, 1]))
            total += a if k == 0 else -a
    return total


# ---- province -----------------------------------------------------------------------

def province_geometry(code_or_name):
    """The (generalised) CBS province polygon in RD for a code (PV26) or name; None when unknown."""
    from ..werkbank.provinces import province_code

    code = province_code(code_or_name)
    if code is None or not os.path.exists(PROVINCES_GPKG):
        return None
    from ..vector_io import read_frame

    df = read_frame(PROVINCES_GPKG, where="statcode = '{}'".format(code))
    if not len(df):
        return None
    return df.geometry.iloc[0]


DEFAULT_TOLERANCE_M = 2000.0
GEMEENTEN_GPKG = os.path.join(RESOURCES, "gemeenten.gpkg")
_MUNICIPALITIES = {}


def municipality_provinces():
    """{normalised municipality name or code: (province code, municipality name)} from the CBS list."""
    if not _MUNICIPALITIES and os.path.exists(GEMEENTEN_GPKG):
        import sqlite3

        from ..werkbank.provinces import _norm

        con = sqlite3.connect(GEMEENTEN_GPKG)
        try:
            for code, name, prov in con.execute("SELECT gemeentecode, gemeentenaam, provcode FROM gemeenten"):
                _MUNICIPALITIES[_norm(name)] = (prov, name)
                _MUNICIPALITIES[_norm(code)] = (prov, name)
                if str(code).upper().startswith("GM"):
                    _MUNICIPALITIES[_norm(str(code)[2:])] = (prov, name)
        finally:
            con.close()
    return _MUNICIPALITIES


# names people write for a municipality that the CBS list spells otherwise
_MUNICIPALITY_ALIASES = {"denhaag": "'s-Gravenhage", "denbosch": "'s-Hertogenbosch"}


def unknown_municipality(name):
    """None when ``name`` is a municipality of the CBS list the plugin ships (name or code; or the list is
    missing), else the Dutch problem, with the closest known name when there is one (difflib):
    "'Goess' is geen gemeente van de CBS-lijst (bedoelt u 'Goes'?); toch opgenomen"."""
    import difflib

    from ..werkbank.provinces import _norm

    lookup = municipality_provinces()
    n = _norm(name)
    if not lookup or not n or n in lookup:
        return None
    names = {_norm(m): m for _p, m in lookup.values()}
    close = ([_MUNICIPALITY_ALIASES[n]] if n in _MUNICIPALITY_ALIASES else
             [names[c] for c in difflib.get_close_matches(n, list(names), n=1, cutoff=0.8)])
    return "'{}' is geen gemeente van de CBS-lijst{}; toch opgenomen".format(
        str(name).strip(), " (bedoelt u '{}'?)".format(close[0]) if close else "")


def check_municipality_names(report, frame, values, field):
    """A warning per row whose municipality is not on the CBS list (:func:`unknown_municipality`), asked once
    per distinct name."""
    import numpy as np
    import pandas as pd

    pos, distinct = pd.factorize(np.asarray(values, dtype=object))
    for k, v in enumerate(distinct):
        problem = unknown_municipality(v) if isinstance(v, str) else None
        if problem:
            report.add_mask(frame, pos == k, field, problem, WAARSCHUWING)


def _per_value(values, test):
    """Boolean array: ``test(value)`` for each row, asked once per distinct value; False where the value is
    missing."""
    import numpy as np
    import pandas as pd

    pos, distinct = pd.factorize(np.asarray(values, dtype=object))
    hit = np.fromiter((bool(test(v)) for v in distinct), dtype=bool, count=len(distinct))
    return np.append(hit, False)[pos]


def check_in_province(report, frame, geoms, province_geom, province_name, tolerance=DEFAULT_TOLERANCE_M,
                      province_code=None, municipalities=None, provinces=None, mode=None):
    """One membership rule for every layer.

    A feature belongs to the province when its representative point (a point itself; for a polygon the point
    on its surface) lies within the province polygon widened by ``tolerance`` metres (islands, reclaimed land,
    coast and the generalisation of the CBS polygon), or when a polygon reaches more than ``tolerance`` into
    the province.  Beyond the exact border but within the rule is a warning (borderline), not a rejection.
    A capacity area touching the border only by a sliver is a neighbour (rejected).  Whatever the geometry,
    a row whose source names another province (``provinces``) or a municipality outside the province
    (``municipalities``) is rejected.  ``mode`` is accepted for old callers and ignored.  Returns the mask of
    rejected rows.
    """
    import numpy as np
    import shapely

    from ..werkbank.provinces import _norm, province_code as pcode, province_name as pname

    outside = np.zeros(len(geoms), dtype=bool)
    if province_geom is None:
        return outside
    tol = DEFAULT_TOLERANCE_M if tolerance is None else float(tolerance)
    present = ~shapely.is_missing(geoms)
    if present.any():
        g = geoms[present]
        shapely.prepare(province_geom)
        pts = shapely.point_on_surface(g)
        # a point inside or on the border is at distance 0 (GEOS's distance says so too, after locating the point);
        # the prepared polygon finds those at once, the distance is measured only for the others
        dist = np.zeros(len(pts))
        away = ~shapely.intersects(province_geom, pts)
        dist[away] = shapely.distance(province_geom, pts[away])
        inner = shapely.buffer(province_geom, -tol) if tol > 0 else province_geom
        deep = np.zeros(len(g), dtype=bool)
        far = dist > tol
        if far.any() and inner is not None and not inner.is_empty:
            deep[far] = shapely.intersects(inner, g[far])
        inside_exact = dist <= 0
        ok = inside_exact | ~far | deep
        out_p = ~ok
        border = ok & ~inside_exact
        outside[present] = out_p
        bmask = np.zeros(len(geoms), dtype=bool)
        bmask[present] = border
        dvals = np.zeros(len(geoms))
        dvals[present] = dist
        dtext = np.full(len(geoms), None, dtype=object)  # the distance as text, only where a message shows it
        shown = bmask | outside
        dtext[shown] = [fmt_amount(d, "m") for d in dvals[shown]]  # never '0 m' for a point just outside
        report.add_mask(frame, bmask, "geometrie",
                        "ligt {{value}} buiten de (gegeneraliseerde) grens van {}, binnen de tolerantie van {} m; "
                        "opgenomen (grensgeval)".format(province_name, fmt_num(tol, 0)), WAARSCHUWING, values=dtext)
        report.add_mask(frame, outside, "geometrie",
                        "ligt buiten de provincie {} ({{value}} van de grens; tolerantie {} m)".format(
                            province_name, fmt_num(tol, 0)), values=dtext)
    code = pcode(province_code) or pcode(province_name)
    if municipalities is not None and code:
        lookup = municipality_provinces()

        def elsewhere(m):
            n = lookup.get(_norm(m))
            return n is not None and n[0] != code

        other = _per_value(municipalities, elsewhere) & ~outside
        if other.any():
            report.add_mask(frame, other, "gemeente", "de bron noemt gemeente '{value}', die ligt in " +
                            "een andere provincie dan {}".format(province_name), values=np.asarray(
                                municipalities, dtype=object))
            outside |= other
    if provinces is not None and code:
        other = _per_value(provinces, lambda p: pcode(p) not in (None, code)) & ~outside
        if other.any():
            report.add_mask(frame, other, "provincie", "de bron noemt provincie '{value}', niet " + str(
                pname(code) or province_name), values=np.asarray(provinces, dtype=object))
            outside |= other
    return outside
