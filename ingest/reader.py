"""The one reader of the import pipeline: tables (CSV, TXT, XLSX, ODS) and vector files (anything GDAL opens:
GeoPackage, GeoJSON, Shapefile ...).

One policy for every import:

* **row numbers** (``_row``): the number a user sees in the source - the spreadsheet line for tables (header
  = line 1, so the first data row is 2; blank lines keep their numbers), the feature id for layers;
* **encodings**: UTF-8 (with or without BOM), else Windows-1252 (noted in ``attrs["notes"]``);
* **separators**: ``;``, tab or ``,``, whichever the header line uses most; **decimal commas** and empty
  values ('', NULL, nan) are handled column-wise by ``layers.validation``;
* **unreadable cells**: an XLSX formula without a stored result and the hidden cells of a merged range are
  never read as empty: they are listed in ``attrs["unreadable"]`` as (row, column, reason) and the runner
  rejects those rows, so a stored value is not overwritten with nothing.

Pure Python (pandas, openpyxl, ``vector_io`` inside functions); no QGIS (``vector_io`` falls back to QGIS's
own OGR only inside QGIS, when neither pyogrio nor fiona is installed).
"""

import os

from .errors import ImportFailed

TABLE_EXT = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls", ".ods")
STYLES_TABLE = "layer_styles"  # where QGIS saves a layer's styles inside its file: no layer of it


class ReadError(ImportFailed):
    """The source cannot be read; Dutch message naming the file."""


def is_table(path):
    return str(path).split("|")[0].lower().endswith(TABLE_EXT)


def source_name(source, with_extension=False, layers=None):
    """``(name, layer)``: the default source name of an import input and the layer it names.

    The one rule for every import (algorithms and wizard), as REMOVED/SYNC know a source by it: ``source`` is a
    path or QGIS layer uri ("file.gpkg|layername=x") or a QGIS layer (a file layer by its uri, another provider
    by its layer name).  The name is the file name, with its extension for the table kinds (``with_extension``:
    "projectenlijst.xlsx") and without for the layer kinds ("stations"), as they always were.  A layer (sheet)
    named in the uri of a file with more than one layer is part of the name - "projecten.gpkg (projecten_lijnen)"
    - so two layers of one file are two sources, and is returned as ``layer`` (kept in the import marker, so two
    layers given the same SOURCE_NAME still do not count each other's rows as REMOVED); otherwise layer is None.

    How many layers the file has is asked of what has it open already: the QGIS layer's provider, or ``layers``
    (``read_table``'s ``attrs["layers"]``); else one listing of the file.  A saved-styles table ("layer_styles")
    is no layer: saving a style into a file does not rename its source.
    """
    if hasattr(source, "providerType"):
        if source.providerType() != "ogr":
            return source.name(), None
        layers = source.dataProvider().subLayerCount()  # the open dataset's count, without its styles table
        source = source.source()
    parts = str(source).split("|")
    path = parts[0]
    base = os.path.basename(path)
    name = (base if with_extension else os.path.splitext(base)[0]) or str(source)
    layer = next((p[len("layername="):] for p in parts[1:] if p.startswith("layername=")), None)
    if layer and (layers if layers is not None else _layer_count(path)) > 1:
        return "{} ({})".format(name, layer), layer
    return name, None


def _layer_count(path):
    """How many layers (sheets) a file has, a saved-styles table not counted; 1 when that cannot be told (a CSV,
    an unreadable file)."""
    if not os.path.isfile(path) or path.lower().endswith((".csv", ".txt", ".tsv")):
        return 1
    try:
        if path.lower().endswith((".xlsx", ".xlsm")):
            import openpyxl

            wb = openpyxl.load_workbook(path, read_only=True)
            try:
                return len(wb.sheetnames)
            finally:
                wb.close()
        from ..vector_io import list_layers

        return len([n for n in list_layers(path) if n != STYLES_TABLE])
    except Exception:  # noqa: BLE001 - GDAL/openpyxl give many error types; a name without the layer then
        return 1


def _short(e):
    text = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return text[:300]


def _separator(head):
    """The separator the header line uses most (``;`` wins a tie)."""
    counts = {";": head.count(";"), "\t": head.count("\t"), ",": head.count(",")}
    return max(counts, key=lambda k: (counts[k], k == ";"))


def _parse_csv(source, sep, name, encoding=None, skip=0):
    import pandas as pd

    try:
        return pd.read_csv(source, sep=sep, dtype=str, encoding=encoding, keep_default_na=False,
                           skipinitialspace=True, skip_blank_lines=False, skiprows=skip, index_col=False)
    except UnicodeDecodeError:
        raise
    except Exception as e:  # noqa: BLE001
        raise ReadError("{}: de tabel is niet leesbaar ({}).".format(name, _short(e))) from e


def _csv_header(lines):
    """``(line, separator)`` of a CSV's column names (0-based line): as in a sheet (:func:`_header_line`), the
    first line with two or more filled fields, each line split by the separator it uses most; Excel's first line
    'sep=;' names the separator and is no data either."""
    import csv

    directive = None
    if lines and lines[0].strip().lower().startswith("sep=") and len(lines[0].strip()) == 5:
        directive = lines[0].strip()[4]
    rows, seps = [], []
    for i, line in enumerate(lines):
        sep = directive or _separator(line)
        seps.append(sep)
        rows.append(next(csv.reader([line], delimiter=sep), []) if line.strip() and not (i == 0 and directive)
                    else [])
    top = _header_line(rows)
    return top, seps[top] if seps else ";"


def _csv(path, name):
    notes = []
    for enc in ("utf-8-sig", "cp1252"):
        try:
            with open(path, encoding=enc) as f:
                lines = [f.readline() for _ in range(10)]
            top, sep = _csv_header([ln for ln in lines if ln])
            df = _parse_csv(path, sep, name, enc, skip=top)
            if enc != "utf-8-sig":
                notes.append("{}: geen UTF-8; gelezen als Windows-1252.".format(name))
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ReadError("{}: de tekstcodering is niet te lezen (verwacht UTF-8 of Windows-1252).".format(name))
    if top:
        notes.append(skipped_lines_note(name, top))
    df.insert(0, "_row", range(top + 2, len(df) + top + 2))
    return df, notes, []


def skipped_lines_note(name, top, title=""):
    """The report's note on the ``top`` lines above a table's column names (:func:`_header_line`)."""
    return "{}: regel {} boven de kolomnamen overgeslagen{}; de kolomnamen staan op regel {}.".format(
        name, "1" if top == 1 else "1-{}".format(top), " (titel '{}')".format(title[:80]) if title else "", top + 1)


def _xlsx(path, name, sheet):
    import openpyxl
    import pandas as pd

    notes = []
    try:
        wb_v = openpyxl.load_workbook(path, data_only=True)
        wb_f = openpyxl.load_workbook(path, data_only=False)
    except Exception as e:  # noqa: BLE001
        raise ReadError("{}: de werkmap is niet leesbaar ({}).".format(name, _short(e))) from e
    try:
        if sheet:
            if sheet not in wb_v.sheetnames:
                raise ReadError("{}: werkblad '{}' bestaat niet (wel: {}).".format(name, sheet, ", ".join(
                    wb_v.sheetnames)))
            ws_v, ws_f = wb_v[sheet], wb_f[sheet]
        else:
            ws_v, ws_f = wb_v.worksheets[0], wb_f.worksheets[0]
        rows = [list(r) for r in ws_v.iter_rows(values_only=True)]
        if not rows:
            raise ReadError("{}: het werkblad is leeg.".format(name))
        top = _header_line(rows)  # 0-based: title and blank lines above the column names are no rows
        if top:
            title = next((str(v).strip() for r in rows[:top] for v in r if v is not None and str(v).strip()), "")
            notes.append(skipped_lines_note(name, top, title))
        header = ["" if h is None else str(h).strip() for h in rows[top]]
        width = len(header)
        while width and header[width - 1] == "":
            width -= 1
        header = header[:width]
        unreadable = []
        for rng in ws_v.merged_cells.ranges:
            for r in range(max(rng.min_row, top + 2), rng.max_row + 1):
                for c in range(rng.min_col, min(rng.max_col, width) + 1):
                    if (r, c) != (rng.min_row, rng.min_col):
                        unreadable.append((r, header[c - 1], "samengevoegde cel ({}); de waarde is niet eenduidig "
                                                             "- maak de cellen los".format(rng.coord)))
        for row in ws_f.iter_rows(min_row=top + 2, max_col=width):
            for cell in row:
                if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith("=")):
                    v = ws_v.cell(row=cell.row, column=cell.column).value
                    if v is None:
                        unreadable.append((cell.row, header[cell.column - 1],
                                           "formule '{}' zonder opgeslagen uitkomst; open en bewaar het bestand in "
                                           "een spreadsheetprogramma of vul de waarde in".format(cell.value)))
    finally:
        wb_v.close()
        wb_f.close()
    data = [(r + [None] * width)[:width] for r in rows[top + 1:]]
    df = pd.DataFrame(data, columns=header, dtype=object)
    df.insert(0, "_row", range(top + 2, len(df) + top + 2))
    df.attrs["layers"] = len(wb_v.sheetnames)  # for source_name: the workbook is not opened again
    if not sheet:  # the first sheet was read: the others that hold anything are named in the report
        others = [ws for ws in wb_v.worksheets[1:] if _has_cells(ws)]
        if others:
            names = {h.lower() for h in header if h}
            # a sheet with (mostly) the same column names is more of the same data: said also when the import ran;
            # any other (a 'Toelichting', the plugin's own 'Bron') only when the import is refused
            similar = [ws.title for ws in others if len(names & _column_names(ws)) >= min(2, len(names))]
            df.attrs[UNCHOSEN_LAYERS] = (ws_v.title, similar, [ws.title for ws in others])
    return df, notes, unreadable


def _has_cells(ws):
    """Whether a worksheet holds any value (Excel's empty 'Blad2' and 'Blad3' do not count)."""
    return any(v is not None and str(v).strip() for row in ws.iter_rows(values_only=True) for v in row)


def _column_names(ws, look=10):
    """The lower-cased texts of a worksheet's first lines (where its column names are)."""
    return {str(v).strip().lower() for row in ws.iter_rows(max_row=look, values_only=True) for v in row
            if v is not None and str(v).strip()}


def _header_line(rows, look=10):
    """The line (0-based) of a sheet's column names: the first of its first ``look`` lines with two or more filled
    cells.  Lines above it with at most one filled cell (a title, often merged over the columns; an empty line)
    are no data; a sheet whose first line has two filled cells starts there, as always."""
    for i, r in enumerate(rows[:look]):
        if sum(1 for v in r if v is not None and str(v).strip()) >= 2:
            return i
    return 0


def _ods(path, name, sheet):
    from ..vector_io import read_frame

    try:
        df = read_frame(path, layer=sheet, read_geometry=False)
    except Exception as e:  # noqa: BLE001
        raise ReadError("{}: het rekenblad is niet leesbaar ({}).".format(name, _short(e))) from e
    df = df.astype(object)
    df.insert(0, "_row", range(2, len(df) + 2))
    return df, [], []


# frame.attrs key: (the layer or sheet read, [other layers / sheets of the same data], [all other layers / sheets
# with data]) when a file of several was given without one chosen; the import warns of the first list, a refused
# import names the second (ingest.runner.unchosen_layers_warning)
UNCHOSEN_LAYERS = "pmiek_unchosen_layers"


def read_table(path, sheet=None):
    """A CSV/TXT/XLSX/ODS table as a DataFrame (object columns) with ``_row`` = spreadsheet line.

    ``attrs["notes"]``: reader notes; ``attrs["unreadable"]``: [(row, column, reason)]; ``attrs["layers"]``: how
    many sheets a workbook has (XLSX; for :func:`source_name`).
    """
    path = str(path)
    name = os.path.basename(path)
    if not os.path.exists(path):
        raise ReadError("{}: bestand niet gevonden.".format(path))
    ext = os.path.splitext(path)[1].lower()
    if ext in (".xlsx", ".xlsm"):
        df, notes, unreadable = _xlsx(path, name, sheet)
    elif ext == ".xls":
        import pandas as pd

        try:
            df = pd.read_excel(path, sheet_name=sheet or 0, dtype=object)
        except Exception as e:  # noqa: BLE001
            raise ReadError("{}: de werkmap is niet leesbaar ({}).".format(name, _short(e))) from e
        df.insert(0, "_row", range(2, len(df) + 2))
        notes, unreadable = [], []
    elif ext == ".ods":
        df, notes, unreadable = _ods(path, name, sheet)
    else:
        df, notes, unreadable = _csv(path, name)
    return _table(df, name, notes, unreadable)


def read_table_text(text, name):
    """CSV text (e.g. pasted or from an exchange file already read) as :func:`read_table` reads a CSV file: the
    same separators, empty values, line numbers and column rules."""
    import io

    text = text.lstrip("\ufeff")
    if not text.strip():
        raise ReadError("{}: de tabel is leeg.".format(name))
    df = _parse_csv(io.StringIO(text), _separator(text.splitlines()[0]), name)
    df.insert(0, "_row", range(2, len(df) + 2))
    return _table(df, name, [], [])


def _table(df, name, notes, unreadable):
    df.columns = ["_row"] + [str(c).strip() for c in df.columns[1:]]
    data_cols = [c for c in df.columns if c != "_row"]
    if len(data_cols) < 2:
        raise ReadError("{}: de tabel heeft minder dan twee kolommen (verkeerd scheidingsteken?).".format(name))
    df = drop_empty_rows(df)  # fully blank lines are no rows (their line numbers stay with the other rows)
    df, unreadable = drop_total_rows(df, name, notes, unreadable)
    df.attrs["notes"] = notes
    df.attrs["unreadable"] = unreadable
    df.attrs["source"] = name
    return df


TOTAL_WORDS = ("totaal", "totalen", "eindtotaal", "subtotaal", "totaal generaal", "total", "totals", "grand total",
               "som", "sum")


def _total_label(v):
    text = str(v).strip().lower().rstrip(":").strip() if isinstance(v, str) else ""
    return text in TOTAL_WORDS


def _number_like(v):
    """A cell a totals line holds besides its label: a number, or text of digits (with separators, a sign, a
    currency or a short unit: '1.450,5', '€ 450', '1450 MW')."""
    import re

    if isinstance(v, bool):
        return False
    if isinstance(v, (int, float)):
        return True
    return isinstance(v, str) and re.match(r"^[\s€+-]*\d[\d.,\s]*\s*[A-Za-z€]{0,4}$", v.strip()) is not None


def drop_total_rows(df, name, notes, unreadable):
    """``df`` without the totals line(s) at its bottom, and ``unreadable`` without their cells: a last line whose
    only text is a word such as 'Totaal' (TOTAL_WORDS) and whose other cells are numbers or formulas (a sum) is
    a spreadsheet's total, no data row (a project 'Totaal' of 1 450 MW was made of it).  Each is named in
    ``notes``; a line with any other text stays a row (and is checked like every row)."""
    if df is None or not len(df) or "_row" not in df.columns:
        return df, unreadable
    cols = [c for c in df.columns if not str(c).startswith("_")]
    dropped = []
    i = len(df) - 1
    while i >= 0:
        line = int(df["_row"].iat[i])
        labels, other = 0, True
        for c in cols:
            v = df[c].iat[i]
            if v is None or (isinstance(v, float) and v != v) or (isinstance(v, str) and not v.strip()):
                continue  # empty, or a formula without a stored result (in ``unreadable``, dropped with the line)
            if _total_label(v):
                labels += 1
            elif not _number_like(v):
                other = False
                break
        if labels != 1 or not other:
            break
        dropped.append(line)
        i -= 1
    if not dropped:
        return df, unreadable
    for line in sorted(dropped):
        notes.append("{}: regel {} is een totaalregel ('Totaal' met alleen getallen of formules) en is "
                     "overgeslagen; het is geen rij van de bron.".format(name, line))
    attrs = dict(df.attrs)
    out = df.iloc[:i + 1].reset_index(drop=True)
    out.attrs.update(attrs)
    return out, [u for u in unreadable if u[0] not in set(dropped)]


EMPTY_ROWS = "pmiek_empty_rows"  # frame.attrs key: the row numbers drop_empty_rows left out


def drop_empty_rows(df):
    """``df`` without its fully empty rows: no value in any source column (empty: NULL, NaN, '' or spaces) and no
    geometry (NULL or empty).  The one rule for every import, tables and layers alike: a blank line of a CSV or
    sheet, ';;;;' included, is no row to reject but nothing at all.  Their row numbers (``_row``) are added to
    ``df.attrs[EMPTY_ROWS]`` (for :func:`empty_rows_note`); the other rows keep theirs.  Internal columns
    (``_row``, ``_fid`` ...) do not count.  Column by column over the rows still empty only (vectorised)."""
    import numpy as np
    import pandas as pd

    if df is None or not len(df):
        return df
    geom = getattr(df, "_geometry_column_name", None) if hasattr(df, "geometry") else None
    cols = [c for c in df.columns if not str(c).startswith("_") and c != geom]
    empty = np.ones(len(df), dtype=bool)
    if geom is not None and geom in df.columns:
        g = df[geom]
        empty &= (g.isna() | g.is_empty).to_numpy()
    for c in cols:
        idx = np.flatnonzero(empty)
        if not len(idx):
            break
        vals = df[c].to_numpy()[idx]
        blank = np.asarray(pd.isna(vals), dtype=bool)
        if vals.dtype == object:
            blank |= np.fromiter((isinstance(v, str) and not v.strip() for v in vals), dtype=bool, count=len(vals))
        empty[idx] = blank
    if not empty.any():
        return df
    rows = ([int(r) for r in df["_row"].to_numpy()[empty]] if "_row" in df.columns
            else [None] * int(empty.sum()))
    attrs = dict(df.attrs)
    out = df[~empty].reset_index(drop=True)
    out.attrs.update(attrs)
    out.attrs[EMPTY_ROWS] = list(attrs.get(EMPTY_ROWS, ())) + rows
    return out


def empty_rows_note(df):
    """The note saying how many fully empty rows :func:`drop_empty_rows` left out of ``df`` (and which), or None."""
    rows = list(getattr(df, "attrs", {}).get(EMPTY_ROWS) or [])
    if not rows:
        return None
    known = sorted({r for r in rows if r is not None})
    shown = ", ".join(str(r) for r in known[:20]) + (" …" if len(known) > 20 else "")
    return "{} lege rij(en) overgeslagen{}: geen waarde in enige kolom en geen geometrie.".format(
        len(rows), " (rij {})".format(shown) if known else "")


def csv_rows(path, header=True):
    """The spreadsheet row (header = row 1, as :func:`read_table` numbers a CSV) of each feature GDAL's CSV driver
    reads from ``path``, in its order: GDAL numbers the records from 1 and skips empty lines, so its feature id is
    not the row a user finds in the file (the table imports' 'rij').  ``header``: GDAL took the first line as the
    column names (it does not when they are all numbers: its fields are then field_1, field_2 ...).  None when the
    file cannot be read as text.  Returns ``(rows, blank)``: ``blank`` the rows of the empty lines GDAL skipped (a
    table import skips them as empty rows, :func:`drop_empty_rows`)."""
    import csv

    for enc in ("utf-8-sig", "cp1252"):
        try:
            with open(path, encoding=enc, newline="") as f:
                sep = _separator(f.readline())
                f.seek(0)
                records = [bool(rec) for rec in csv.reader(f, delimiter=sep)]
            first = 2 if header else 1
            rows = [n for n, filled in enumerate(records, start=1) if filled and n >= first]
            return rows, [n for n, filled in enumerate(records, start=1) if not filled and n >= first]
        except UnicodeDecodeError:
            continue
        except (OSError, csv.Error):
            return None
    return None


def read_vector(path, layer=None):
    """A vector file as a GeoDataFrame with ``_row`` (= ``_fid``, the feature id users see in QGIS)."""
    from ..vector_io import read_frame

    name = os.path.basename(str(path))
    if not os.path.exists(path):
        raise ReadError("{}: bestand niet gevonden.".format(path))
    try:
        df = read_frame(path, layer=layer, fid_as_index=True)
    except Exception as e:  # noqa: BLE001 - GDAL gives many error types
        raise ReadError("{}: het bestand is niet leesbaar als vectorlaag ({}).".format(name, _short(e))) from e
    df = df.reset_index().rename(columns={"fid": "_fid"})
    if "_fid" not in df.columns:
        df.insert(0, "_fid", range(len(df)))
    df.insert(0, "_row", df["_fid"].astype(int).to_numpy())
    df.attrs["source"] = name
    return df


def read_source(path, layer=None):
    """Any file an import accepts: a table (spreadsheet line numbers) or a vector file (feature ids)."""
    parts = str(path).split("|")
    base = parts[0]
    for p in parts[1:]:
        if p.startswith("layername="):
            layer = p[len("layername="):]
    return read_table(base, sheet=layer) if is_table(base) else read_vector(base, layer=layer)
