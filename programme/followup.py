"""Follow-up: uitvoeringsafspraken (actielijst) and the monitoringlijst, imported from tables.

Column names are recognised in Dutch and English (``activiteit``/``activity``,
``trekker``, ``haalbaarheid_ibn`` ...).  Every row must name an existing project
(by project_id or projectcode); problems are reported per row and field in
Dutch and nothing is written when any row is wrong.  Ids are stable (derived
from project and activity / project and peildatum), so importing the same
table again changes nothing.  Pure logic: no QGIS.
"""

import hashlib

from ..ingest.columns import norm
from ..ingest.errors import RowError
from ..werkbank import WerkbankError

from ..ingest.columns import ACTION_FIELDS, ACTION_STATUS, MONITORING_FIELDS  # noqa: E402,F401


class FollowupError(WerkbankError):
    pass


def recognise(columns, fields, explicit=None):
    """{werkbank column: source column} from explicit choices, else by recognised names."""
    from ..ingest.columns import recognise as recognise_columns

    explicit = {k: v for k, v in (explicit or {}).items() if v}
    out = recognise_columns(columns, {t: n for t, n in fields.items() if t not in explicit})
    for target in fields:
        if target in explicit:
            if explicit[target] not in columns:
                raise FollowupError("Het veld '{}' (voor {}) bestaat niet in de invoer; beschikbaar: {}.".format(
                    explicit[target], target, ", ".join(map(str, columns))))
            out[target] = explicit[target]
    return out


from ..tabular import text_or_none as _text  # noqa: E402 - the one reading of a text cell


def _stable_id(prefix, *parts):
    h = hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:16]
    return "{}-{}".format(prefix, h)


def _prepare(wb, frame, fields, required, source):
    """``([(row number, {werkbank field: text})], errors)``: columns recognised, projects looked up."""
    cols = [c for c in frame.columns if not str(c).startswith("_")]
    mapping = recognise(cols, fields, None)
    missing = [f for f in required if f not in mapping]
    if missing:
        return [], ["{}: de kolom(men) {} ontbreken (herkend: {}). Beschikbare kolommen: {}.".format(
            source, ", ".join(missing), ", ".join("{}={}".format(k, v) for k, v in mapping.items()) or "geen",
            ", ".join(map(str, cols)))]
    from ..knooppunten.project_refs import ProjectRefs

    refs = ProjectRefs.from_werkbank(wb)  # a project's id or its code: the one rule (a code used twice is refused)
    rows, errors = [], []
    for n, rec in enumerate(frame.to_dict("records"), start=1):
        row_no = rec.get("_row", n)
        out = {t: _text(rec.get(src)) for t, src in mapping.items()}
        pid = out.get("project_id")
        if pid is None:
            errors.append(RowError(source, row_no, "geen project opgegeven.", field=mapping["project_id"]))
            continue
        found, problem = refs.lookup(pid)
        if found is None:
            errors.append(RowError(source, row_no, "{}.".format(problem) if problem else
                                   "project '{}' staat niet in de werkbank.".format(pid), field=mapping["project_id"]))
            continue
        out["project_id"] = found
        for f in required:
            if f != "project_id" and out.get(f) is None:
                errors.append(RowError(source, row_no, "leeg; {} is verplicht.".format(f), field=mapping[f]))
        rows.append((row_no, out))
    return rows, errors


def _action_id(r):
    return _stable_id("A", r["project_id"], r["activity"])


def _with_ids(rows, key, make_id, duplicate_text, source, errors):
    """The rows to write (a DataFrame) with their stable ids; a duplicate within the table read is an error."""
    import pandas as pd

    records, seen = [], {}
    for row_no, r in rows:
        r[key] = make_id(r)
        if r[key] in seen:
            errors.append(RowError(source, row_no, "{} ook in rij {}.".format(duplicate_text, seen[r[key]]),
                                   key=r[key], repeats=seen[r[key]]))
            continue
        seen[r[key]] = row_no
        records.append(dict(r, _row=row_no))  # _row: the source row (a conflict names it)
    return pd.DataFrame(records), errors, []


# ---- validate hooks of the one import runner (ingest.runner; named on the specs) -----------------------------

def validate_actions(wb, frame, source):
    """Spec 'actions': project known, activity given, status one of the codes; id = project + activity."""
    rows, errors = _prepare(wb, frame, ACTION_FIELDS, ("project_id", "activity"), source)
    for row_no, r in rows:
        if r.get("status") is not None:
            code = ACTION_STATUS.get(norm(r["status"]))
            if code is None:
                errors.append(RowError(source, row_no, "'{}' is geen status (open, lopend, gereed).".format(
                    r["status"]), field="status", key=_action_id(r)))
            r["status"] = code
    return _with_ids(rows, "action_id", _action_id,
                     "dezelfde activiteit voor hetzelfde project staat", source, errors)


def validate_monitoring(wb, frame, source, peildatum=None):
    """Spec 'monitoring': project known; peildatum from the row, PEILDATUM or the programme; id = project +
    peildatum."""
    from ..ingest.dates import date_problem, parse_date

    rows, errors = _prepare(wb, frame, MONITORING_FIELDS, ("project_id",), source)
    if peildatum:
        try:
            default_date = parse_date(peildatum)
        except ValueError:
            rows, default_date = [], None  # refuses the import: an error naming no row
            errors.append("{}: PEILDATUM {}.".format(source, date_problem(peildatum)))
    else:
        default_date = wb.programme().get("peildatum")
    column = recognise([c for c in frame.columns if not str(c).startswith("_")], MONITORING_FIELDS).get("peildatum")
    valid = []
    for row_no, r in rows:
        own = r.get("peildatum") is not None
        value = r["peildatum"] if own else default_date
        if value is not None:
            try:
                value = parse_date(value)
            except ValueError:
                errors.append(RowError(source, row_no, date_problem(value) + "." if own else
                                       "de peildatum van het programma: {}.".format(date_problem(value)),
                                       field=column if own else None))
                continue
        r["peildatum"] = value
        valid.append((row_no, r))
    return _with_ids(valid, "monitoring_id", lambda r: _stable_id("M", r["project_id"], r["peildatum"]),
                     "project en peildatum staan", source, errors)


def _run(wb, kind, frame, source, versions, **params):
    from ..ingest.errors import ImportFailed
    from ..ingest.runner import run

    try:
        return run(wb, kind, lambda: (frame, source), versions=versions, **params).counts
    except ImportFailed as e:
        raise FollowupError(str(e)) from e


def import_actions(wb, frame, source="acties", versions=None):
    """Uitvoeringsafspraken -> ``actions`` through the one runner; returns write counts.  ``versions``: the row
    versions when the import started reading (default: now); a row changed since then is a conflict."""
    return _run(wb, "actions", frame, source, versions)


def import_monitoring(wb, frame, source="monitoring", peildatum=None, versions=None):
    """Monitoringlijst -> ``monitoring`` through the one runner; one row per project and peildatum."""
    return _run(wb, "monitoring", frame, source, versions, peildatum=peildatum)
