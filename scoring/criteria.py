"""Criteria of the afwegingskader: read, validate, change, import and export.

A criterion row (table ``criteria``) has a scale of values, best first, and the
points per value (both stored as text separated by ``|``).  Criteria of the
group ``informatief`` (H, omvang kosten) are shown but never counted.

The exchange file is either JSON (``.json``, Dutch keys, one object per
criterion) or CSV (``.csv``, Dutch headers, ``;``-separated).  Both are
readable and editable by hand, so provinces can share one afwegingskader.
"""

import json
import os

from ..werkbank import enums as E
from .errors import ScoringError

INFORMATIEF = "informatief"
SEP = "|"

# werkbank column -> Dutch header in the exchange file, in file order
FILE_FIELDS = (
    ("criterion_id", "code"),
    ("name", "naam"),
    ("question", "vraag"),
    ("grp", "groep"),
    ("scale", "schaal"),
    ("points", "punten"),
    ("weight", "gewicht"),
    ("assessor_role", "beoordelaar"),
    ("sort_order", "volgorde"),
)
FILE_FORMAT = "pmiek-afwegingskader"
FILE_VERSION = 1


def split_list(value):
    """'hoog|gemiddeld|laag' (or a list) -> ['hoog', 'gemiddeld', 'laag']."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        items = value
    else:
        if isinstance(value, float) and value != value:  # NaN from pandas
            return []
        text = str(value)
        items = text.replace(";", SEP).split(SEP) if SEP in text or ";" in text else text.split(",")
    return [str(v).strip() for v in items if str(v).strip() != ""]


def is_counted(criterion):
    """True when the criterion contributes points to the total (not informatief, has points)."""
    return criterion["grp"] != INFORMATIEF and bool(criterion.get("points_list"))


def holds_text(criterion):
    """True for an informative criterion whose scale is just the word 'informatief': it holds a fact as the assessor
    writes it, not a value on a scale (H, omvang kosten: 'Wat is de financiële omvang van de investering?', advice
    'n.v.t.' in the afwegingskader of the Handreiking integraal programmeren), e.g. '€ 95 mln' or 'ca. 30 miljoen,
    nog geen dekking'.  It is never counted."""
    scale = criterion.get("scale_list")
    if scale is None:
        scale = split_list(criterion.get("scale"))
    return [s.lower() for s in scale] == [INFORMATIEF] and not split_list(criterion.get("points_list") or
                                                                           criterion.get("points"))


def _group_code(value):
    """Accept a group code or its Dutch label (case-insensitive); None when unknown."""
    v = str(value or "").strip().lower()
    for code, label in E.CRITERION_GROUPS.items():
        if v in (code, label.lower(), code.replace("_", " ")):
            return code
    return None


def _role_code(value):
    v = str(value or "").strip().lower()
    if not v:
        return None, True
    for code, label in E.ASSESSOR_ROLES.items():
        if v in (code, label.lower()):
            return code, True
    return None, False


def _number(value):
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        value = value.strip().replace(",", ".")
    return float(value)


def _fmt_number(x):
    x = float(x)
    return str(int(x)) if x == int(x) else repr(x)


def validate_criteria(rows, source="afwegingskader"):
    """Check criteria rows (dicts with werkbank or Dutch file keys); return clean werkbank rows.

    Raises :class:`ScoringError` naming every problem (source, row, code, field).
    """
    problems = []
    clean = []
    seen = {}
    dutch = {nl: col for col, nl in FILE_FIELDS}
    for n, raw in enumerate(rows, start=1):
        r = {dutch.get(str(k).strip().lower(), str(k).strip()): v for k, v in dict(raw).items()}
        cid = str(r.get("criterion_id") or "").strip()
        where = "{}, criterium {} ({})".format(source, n, cid or "zonder code")

        def bad(field, msg, where=where):
            problems.append("{}, veld '{}': {}".format(where, field, msg))

        if not cid:
            bad("code", "de code is leeg")
        elif cid in seen:
            bad("code", "de code '{}' komt al voor bij criterium {}".format(cid, seen[cid]))
        else:
            seen[cid] = n
        name = str(r.get("name") or "").strip()
        if not name:
            bad("naam", "de naam is leeg")
        grp = _group_code(r.get("grp"))
        if grp is None:
            bad("groep", "onbekende groep '{}'; kies uit: {}".format(
                r.get("grp") or "", ", ".join(E.CRITERION_GROUPS)))
        scale = split_list(r.get("scale"))
        if not scale:
            bad("schaal", "de schaal is leeg (bijv. 'hoog|gemiddeld|laag', of 'informatief')")
        if len(set(s.lower() for s in scale)) != len(scale):
            bad("schaal", "de schaal bevat een waarde twee keer")
        points_raw = split_list(r.get("points"))
        points = []
        for p in points_raw:
            try:
                points.append(_number(p))
            except (TypeError, ValueError):
                bad("punten", "'{}' is geen getal".format(p))
                points = None
                break
        if points is not None:
            if grp != INFORMATIEF and len(points) != len(scale):
                bad("punten", "{} punten voor {} schaalwaarden ({}); geef per schaalwaarde één getal".format(
                    len(points), len(scale), SEP.join(scale)))
            elif grp == INFORMATIEF and points and len(points) != len(scale):
                bad("punten", "{} punten voor {} schaalwaarden".format(len(points), len(scale)))
        try:
            weight = _number(r.get("weight"))
        except (TypeError, ValueError):
            bad("gewicht", "'{}' is geen getal".format(r.get("weight")))
            weight = None
        else:
            if weight is None:
                weight = 0.0 if grp == INFORMATIEF else 1.0
            elif weight < 0:
                bad("gewicht", "het gewicht {} is negatief; een gewicht is 0 of groter".format(_fmt_number(weight)))
        role, ok = _role_code(r.get("assessor_role"))
        if not ok:
            bad("beoordelaar", "onbekende beoordelaar '{}'; kies uit: {}".format(
                r.get("assessor_role"), ", ".join(E.ASSESSOR_ROLES)))
        try:
            order = _number(r.get("sort_order"))
        except (TypeError, ValueError):
            bad("volgorde", "'{}' is geen getal".format(r.get("sort_order")))
            order = None
        clean.append({
            "criterion_id": cid,
            "name": name,
            "question": str(r.get("question") or "").strip() or None,
            "grp": grp,
            "scale": SEP.join(scale),
            "points": SEP.join(_fmt_number(p) for p in (points or [])),
            "weight": weight,
            "assessor_role": role,
            "sort_order": int(order) if order is not None else n,
        })
    if not clean and not problems:
        problems.append("{}: er staan geen criteria in".format(source))
    if problems:
        raise ScoringError(_summary(problems), problems)
    return clean


def _summary(problems, limit=10):
    text = "\n".join(problems[:limit])
    if len(problems) > limit:
        text += "\n… en nog {} problemen".format(len(problems) - limit)
    return text


def criteria_frame(wb):
    """The criteria of the werkbank in sort order, with parsed ``scale_list``/``points_list``.

    Returns a pandas DataFrame with the table's columns plus ``scale_list``
    (list of str), ``points_list`` (list of float) and ``counted`` (bool).
    """
    df = wb.read_frame("criteria")
    df = df.sort_values(["sort_order", "criterion_id"], kind="mergesort").reset_index(drop=True)
    df["scale_list"] = [split_list(s) for s in df["scale"]]
    df["points_list"] = [[float(p) for p in split_list(s)] for s in df["points"]]
    df["weight"] = df["weight"].astype(float)
    df["counted"] = [g != INFORMATIEF and bool(p) for g, p in zip(df["grp"], df["points_list"])]
    return df


def criteria_list(wb):
    """The criteria as a list of dicts (see :func:`criteria_frame`)."""
    return criteria_frame(wb).to_dict("records")


def points_for(criterion, rating):
    """Points of ``rating`` on the criterion's scale (None when informatief or not on scale)."""
    scale = criterion["scale_list"]
    pts = criterion["points_list"]
    for value, p in zip(scale, pts):
        if value.lower() == str(rating).strip().lower():
            return p
    return None


def set_weight(wb, criterion_id, weight):
    """Change one weight (>= 0) in the werkbank."""
    try:
        w = float(str(weight).replace(",", "."))
    except ValueError:
        raise ScoringError("Gewicht van criterium {}: '{}' is geen getal.".format(criterion_id, weight)) from None
    if w < 0:
        raise ScoringError("Gewicht van criterium {}: {} is negatief; een gewicht is 0 of groter.".format(
            criterion_id, _fmt_number(w)))
    rows = wb.query("SELECT weight, row_version FROM criteria WHERE criterion_id = ?", (criterion_id,))
    if not rows:
        raise ScoringError("Onbekend criterium '{}'.".format(criterion_id))
    if rows[0]["weight"] is not None and float(rows[0]["weight"]) == w:
        return
    wb.update_row("criteria", criterion_id, {"weight": w}, rows[0]["row_version"])


def set_weights(wb, weights):
    """Change several weights ``{criterion_id: weight}`` in one transaction."""
    with wb.transaction():
        for cid, w in weights.items():
            set_weight(wb, cid, w)


# ---- exchange file -----------------------------------------------------------------
def _file_kind(path):
    ext = os.path.splitext(str(path))[1].lower()
    if ext == ".json":
        return "json"
    if ext in (".csv", ".txt"):
        return "csv"
    raise ScoringError("{}: onbekend bestandstype '{}'; gebruik .json of .csv.".format(os.path.basename(str(path)), ext))


def criteria_to_text(rows, kind="json"):
    """Werkbank criteria rows -> the text of an exchange file (json or csv)."""
    ordered = sorted(rows, key=lambda r: (int(r.get("sort_order") or 0), str(r["criterion_id"])))
    if kind == "json":
        items = []
        for r in ordered:
            items.append({
                "code": r["criterion_id"],
                "naam": r["name"],
                "vraag": r.get("question") or "",
                "groep": r["grp"],
                "schaal": split_list(r["scale"]),
                "punten": [float(p) if "." in p else int(p) for p in split_list(r.get("points"))],
                "gewicht": float(r["weight"]),
                "beoordelaar": r.get("assessor_role") or "",
                "volgorde": int(r.get("sort_order") or 0),
            })
        doc = {"formaat": FILE_FORMAT, "versie": FILE_VERSION, "criteria": items}
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    from .. import tabular

    rows = []
    for r in ordered:
        row = []
        for col, _ in FILE_FIELDS:
            v = r.get(col)
            if col == "weight":
                v = _fmt_number(v)
            row.append("" if v is None else v)
        rows.append(row)
    return tabular.csv_text([nl for _, nl in FILE_FIELDS], rows)


def criteria_from_text(text, kind="json", source="afwegingskader"):
    """Parse and validate exchange-file text; returns clean werkbank rows."""
    if kind == "json":
        try:
            doc = json.loads(text)
        except ValueError as e:
            raise ScoringError("{}: geen geldige JSON ({}).".format(source, e)) from e
        items = doc.get("criteria") if isinstance(doc, dict) else doc
        if not isinstance(items, list):
            raise ScoringError("{}: verwacht een lijst 'criteria'.".format(source))
        if not all(isinstance(i, dict) for i in items):
            raise ScoringError("{}: elk criterium moet een object met velden zijn.".format(source))
        return validate_criteria(items, source)
    from ..ingest.errors import ImportFailed
    from ..ingest.reader import read_table_text

    try:
        df = read_table_text(text, source)
    except ImportFailed as e:
        raise ScoringError(str(e)) from e
    return _criteria_from_table(df, source)


def _criteria_from_table(df, name):
    """Criteria rows of a table read by the import pipeline's one reader (``ingest.reader``)."""
    bad = df.attrs.get("unreadable") or []
    if bad:
        raise ScoringError("; ".join("{}, rij {}, veld '{}': cel niet leesbaar: {}".format(name, r, c, why)
                                     for r, c, why in bad))
    headers = [str(c).strip().lower() for c in df.columns if c != "_row"]
    for needed in ("code", "naam", "groep", "schaal"):
        if needed not in headers:
            raise ScoringError("{}: kolom '{}' ontbreekt (kolommen: {}).".format(
                name, needed, ", ".join(nl for _, nl in FILE_FIELDS)))
    rows = [{k: ("" if v is None or (isinstance(v, float) and v != v) else v) for k, v in rec.items()
             if k != "_row"} for rec in df.to_dict("records")]
    return validate_criteria(rows, name)


def read_criteria_file(path):
    """A criteria file: JSON, or a table (CSV/TXT/XLSX/ODS) read by the import pipeline's one reader."""
    ext = os.path.splitext(str(path))[1].lower()
    name = os.path.basename(str(path))
    if ext in (".xlsx", ".xlsm", ".ods", ".csv", ".txt"):
        from ..ingest.errors import ImportFailed
        from ..ingest.reader import read_table

        try:
            df = read_table(path)
        except ImportFailed as e:
            raise ScoringError(str(e)) from e
        return _criteria_from_table(df, name)
    kind = _file_kind(path)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    return criteria_from_text(text, kind, name)


def export_criteria(wb, path):
    """Write the werkbank's criteria to ``path`` (.json or .csv). Returns the number written."""
    kind = _file_kind(path)
    from ..werkbank.atomic import write_text

    rows = wb.read_frame("criteria").to_dict("records")
    write_text(path, criteria_to_text(rows, kind))
    return len(rows)


def import_criteria(wb, path, user=None):
    """Read, validate and upsert the criteria file into the werkbank (all or nothing).

    Criteria of the werkbank that are not in the file are kept (their scores
    too); they are reported in ``counts["not_in_file"]``.
    """
    from ..ingest.versions import conflict_text, expected, snapshot
    from ..werkbank.storage import ConflictError

    versions = snapshot(wb, "criteria")  # a criterion changed while the file is read: conflict, nothing written
    rows = read_criteria_file(path)
    try:
        counts = wb.write_frame("criteria", rows, mode="upsert", user=user,
                                expected_versions=expected(versions, "criteria"))
    except ConflictError as e:
        msg = conflict_text(os.path.basename(str(path)), e)
        raise ScoringError(msg, [msg]) from e
    codes = {r["criterion_id"] for r in rows}
    counts["not_in_file"] = sorted(
        r["criterion_id"] for r in wb.query("SELECT criterion_id FROM criteria") if r["criterion_id"] not in codes
    )
    return counts
