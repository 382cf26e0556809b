"""The ONE writer for every CSV and XLSX file the plugin writes.

Lists, round comparisons, exchange-package tables, import reports, criteria,
afgevallen lists: all go through :func:`write_csv`, :func:`write_xlsx`,
:func:`write_rows`, :func:`write_frame` or (for a workbook built with openpyxl
styling) :func:`save_workbook`.  Every cell passes :func:`safe_cell`:

* control characters (NUL, ESC, ..., C1 controls, lone surrogates) are removed;
  tab and line breaks inside a text stay;
* a text a spreadsheet would evaluate as a formula - starting with ``=``,
  ``+``, ``-``, ``@``, a tab or CR, also after leading spaces, also in their
  full-width forms - gets a leading apostrophe (plain numbers such as
  ``"-12,5"`` stay as they are);
* XLSX text cells are always written as strings, never as formulas;
* NaN and infinite numbers are written as empty cells.

Files are written atomically (beside the target, fsync, ``os.replace``), so a
failure or a kill leaves the old file whole.  openpyxl is imported only when
an XLSX is written.  Pure Python, no QGIS.
"""

import csv
import datetime
import math
import os
import re

from .werkbank.atomic import atomic_open, atomic_path

# First characters that make a spreadsheet evaluate a text cell (incl. full-width forms).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_LEADING_BLANKS = " \u00a0\u2007\u202f\u3000"
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")
# C0 controls except tab/LF/CR, DEL, C1 controls, lone surrogates, non-characters U+FFFE/U+FFFF
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
XLSX_MAX_TEXT = 32767


def strip_controls(text):
    """``text`` without control characters (tab, LF and CR stay)."""
    return _CONTROL.sub("", text)


def is_formula_like(text):
    """True when a spreadsheet would evaluate ``text`` (a str) rather than show it."""
    if not text:
        return False
    if text[0] in "\t\r\n":
        return True
    body = text.lstrip(_LEADING_BLANKS)
    if not body.startswith(FORMULA_PREFIXES):
        return False
    if body[0] in "+-" and _NUMBER.match(body.strip()):
        return False  # a plain signed number, e.g. "-12,5"
    return True


def neutralise_formula(value):
    """Make one text inert: ``"=1+1"`` -> ``"'=1+1"``; non-text values unchanged."""
    if not isinstance(value, str) or not value:
        return value
    return "'" + value if is_formula_like(value) else value


def safe_text(value):
    """A text cell: control characters removed, formulas neutralised."""
    return neutralise_formula(strip_controls(value))


def safe_cell(value):
    """The value as it may go into a CSV/XLSX cell (see the module docstring)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        if value != value:  # pandas NaT
            return None
        if isinstance(value, datetime.datetime) and value.tzinfo is not None:
            return value.isoformat()
        return value
    # numpy / pandas scalars and anything else
    if type(value).__name__ == "bool_":
        return bool(value)
    try:
        import numbers

        if isinstance(value, numbers.Integral):
            return int(value)
        if isinstance(value, numbers.Real):
            f = float(value)
            return f if math.isfinite(f) else None
    except (TypeError, ValueError, OverflowError):
        pass
    if _is_missing(value):
        return None
    if hasattr(value, "to_pydatetime"):
        return safe_cell(value.to_pydatetime())
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return safe_text(str(value))


def text_or_none(value):
    """A cell as the stripped text it holds, or None when it holds nothing (None, NaN, empty or spaces): the one
    reading of a text cell for the imports and references."""
    if value is None:
        return None
    try:
        if value != value:  # NaN
            return None
    except (TypeError, ValueError):  # pd.NA and the like
        return None
    text = str(value).strip()
    return text or None


def _is_missing(value):
    try:
        import pandas as pd  # only when pandas is already there for a frame

        res = pd.isna(value)
        return bool(res) if isinstance(res, (bool,)) or getattr(res, "shape", None) == () else False
    except Exception:  # noqa: BLE001 - no pandas, or not a scalar
        return False


def same_or_missing(x, y):
    """Element-wise over two aligned arrays: True where the values are equal or both missing (None, NaN, NaT, NA)
    - the one "unchanged" mask for comparing two versions of a column (rounds, balance, docks)."""
    import numpy as np
    import pandas as pd

    return np.asarray((x == y) | (pd.isna(x) & pd.isna(y)), dtype=bool)


def all_text(series, skipna=True):
    """True when every present value of ``series`` (a Series or an array) is a str (pandas' C-level type inference;
    an empty or all-missing column counts): such a column can be handled as text in one vectorised step
    (importers, write_frame).  ``skipna=False``: every value must be a str, a missing one included (ids that are
    sorted as text: the balance)."""
    import pandas as pd

    return pd.api.types.infer_dtype(series, skipna=skipna) in ("string", "empty")


def safe_row(values):
    return [safe_cell(v) for v in values]


def _float_text(v):
    if v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return repr(v)


def _csv_value(v, decimal_comma, bool_text=True):
    if v is None:
        return ""
    if isinstance(v, bool):
        return ("ja" if v else "nee") if bool_text else str(v)
    if isinstance(v, float):
        text = _float_text(v)
        return text.replace(".", ",") if decimal_comma else text
    if isinstance(v, (datetime.datetime, datetime.date, datetime.time)):
        return v.isoformat()
    return v


def _write_csv_rows(f, header, rows, delimiter, decimal_comma, lineterminator, bool_text):
    w = csv.writer(f, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL, lineterminator=lineterminator)
    if header is not None:
        w.writerow([_csv_value(safe_cell(h), False) for h in header])
    for row in rows:
        w.writerow([_csv_value(safe_cell(v), decimal_comma, bool_text) for v in row])


def write_csv(path, header, rows, delimiter=";", encoding="utf-8-sig", decimal_comma=False, lineterminator="\r\n",
              bool_text=True):
    """Write ``header`` (or None) and ``rows`` (iterables of values) to a CSV file, atomically.

    Defaults suit Dutch Excel (``;``, UTF-8 with BOM).  ``decimal_comma`` writes
    floats with a comma; whole floats are written without decimals.
    ``bool_text=False`` writes booleans as True/False instead of ja/nee.
    """
    with atomic_open(path, "w", encoding=encoding, newline="") as f:
        _write_csv_rows(f, header, rows, delimiter, decimal_comma, lineterminator, bool_text)
    return path


def csv_text(header, rows, delimiter=";", decimal_comma=False, lineterminator="\n", bool_text=True):
    """The same safe CSV as :func:`write_csv`, as a string (for callers that write it themselves)."""
    import io

    buf = io.StringIO()
    _write_csv_rows(buf, header, rows, delimiter, decimal_comma, lineterminator, bool_text)
    return buf.getvalue()


_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def safe_sheet_title(title, used=None):
    """An XLSX sheet title openpyxl/Excel accept (max 31 characters, no ``[]:*?/\\``), unique in ``used``."""
    text = _SHEET_BAD.sub("_", strip_controls(str(title or "Blad"))).strip("'") or "Blad"
    text = text[:31]
    if used is not None:
        base, i = text, 2
        while text.lower() in used:
            tail = "_{}".format(i)
            text = base[:31 - len(tail)] + tail
            i += 1
        used.add(text.lower())
    return text


def _xlsx_value(v):
    c = safe_cell(v)
    if isinstance(c, str):
        if len(c) > XLSX_MAX_TEXT:
            c = c[:XLSX_MAX_TEXT - 1] + "\u2026"
        if c == "":
            return None
    return c


def xlsx_row(values):
    """Values ready for ``worksheet.append`` (openpyxl refuses control characters while appending)."""
    return [_xlsx_value(v) for v in values]


def sanitise_workbook(wbk):
    """Make every cell of an openpyxl workbook safe in place (text, never formula)."""
    for ws in wbk.worksheets:
        ws.title = safe_sheet_title(ws.title)
        for row in ws.iter_rows():
            for cell in row:
                v = cell.value
                if v is None:
                    continue
                nv = _xlsx_value(v)
                if nv is not v:
                    cell.value = nv
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula, whatever the text
    return wbk


def save_workbook(wbk, path):
    """Sanitise every cell of ``wbk`` (openpyxl Workbook) and save it atomically to ``path``."""
    sanitise_workbook(wbk)
    with atomic_path(path) as tmp:
        wbk.save(tmp)
    return path


def new_workbook():
    """An empty openpyxl Workbook (openpyxl imported here, lazily)."""
    from .deps import require

    require("openpyxl")
    from openpyxl import Workbook

    return Workbook()


def append_rows(ws, rows, alignment=None, strings=False):
    """Append ``rows`` (lists of values) to an openpyxl sheet; each appended cell gets ``alignment`` and, with
    ``strings``, a text cell the string type (never a formula).  The cells are reached by row and column number:
    ``ws[ws.max_row]`` looks at every cell of the sheet, so styling row by row that way took quadratic time (a
    national projectenlijst of 6,000 rows: 140 s).  Returns the number of the last row (None when none)."""
    last = None
    for values in rows:
        ws.append(values)
        last = ws.max_row if last is None else last + 1  # the sheet's size looked up once
        if alignment is None and not strings:
            continue
        for i in range(1, len(values) + 1):
            c = ws.cell(row=last, column=i)
            if alignment is not None:
                c.alignment = alignment
            if strings and isinstance(c.value, str):
                c.data_type = "s"
    return last


def write_xlsx(path, sheets):
    """Write one XLSX with one sheet per item of ``sheets``, atomically.

    Each sheet is a dict: ``title``, ``header`` (list or None), ``rows``, and
    optionally ``widths`` (list of column widths), ``freeze`` (default True
    when there is a header) and ``wrap`` (wrap text, default False).
    """
    wbk = new_workbook()
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    used = set()
    first = True
    for sheet in sheets:
        ws = wbk.active if first else wbk.create_sheet()
        first = False
        ws.title = safe_sheet_title(sheet.get("title"), used)
        header = sheet.get("header")
        wrap = Alignment(wrap_text=True, vertical="top") if sheet.get("wrap") else None
        if header is not None:
            ws.append([_xlsx_value(h) for h in header])
            for c in ws[1]:
                c.font = Font(bold=True)
        append_rows(ws, ([_xlsx_value(v) for v in row] for row in sheet.get("rows") or ()), wrap)
        for i, width in enumerate(sheet.get("widths") or (), 1):
            if width:
                ws.column_dimensions[get_column_letter(i)].width = width
        if header is not None and sheet.get("freeze", True):
            ws.freeze_panes = "A2"
    return save_workbook(wbk, path)


def _frame_rows(df):
    yield from df.itertuples(index=False, name=None)


def write_rows(path, header, rows, sheet_name="Blad1", **csv_kwargs):
    """CSV or XLSX by the extension of ``path`` (``.csv``, ``.xlsx``)."""
    ext = os.path.splitext(os.fspath(path))[1].lower()
    if ext == ".xlsx":
        return write_xlsx(path, [{"title": sheet_name, "header": header, "rows": rows}])
    if ext in (".csv", ".txt", ".tsv"):
        if ext == ".tsv":
            csv_kwargs.setdefault("delimiter", "\t")
        return write_csv(path, header, rows, **csv_kwargs)
    raise ValueError("{}: kies .xlsx of .csv.".format(path))


def write_frame(df, path, sheet_name="Blad1", index=False, **csv_kwargs):
    """A pandas DataFrame as CSV or XLSX (by extension), safe and atomic."""
    if index:
        df = df.reset_index()
    header = [str(c) for c in df.columns]
    return write_rows(path, header, _frame_rows(df), sheet_name=sheet_name, **csv_kwargs)
