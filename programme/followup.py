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


def _text(v):
    if v is None:
        return None
    try:
        import math

        if isinstance(v, float) and math.isnan(v):
            return None
    except TypeError:
        pass
    t = str(v).strip()
    return t or None


def _project_lookup(wb):
    rows = wb.query("SELECT project_id, code FROM projects")
    lookup = {}
    for r in rows:
        lookup[str(r["project_id"])] = r["project_id"]
        if r.get("code"):
            lookup.setdefault(str(r["code"]), r["project_id"])
    return lookup


def _stable_id(prefix, *parts):
    h = hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:16]
    return "{}-{}".format(prefix, h)


def _prepare(wb, frame, fields, required, source, kind_label):
    cols = [c for c in frame.columns if not str(c).startswith("_")]
    mapping = recognise(cols, fields, None)
    missing = [f for f in required if f not in mapping]
    if missing:
        raise FollowupError("{}: de kolom(men) {} ontbreken (herkend: {}). Beschikbare kolommen: {}.".format(
            source, ", ".join(missing), ", ".join("{}={}".format(k, v) for k, v in mapping.items()) or "geen",
            ", ".join(map(str, cols))))
    lookup = _project_lookup(wb)
    rows, errors = [], []
    for n, rec in enumerate(frame.to_dict("records"), start=1):
        row_no = rec.get("_row", n)
        out = {t: _text(rec.get(src)) for t, src in mapping.items()}
        pid = out.get("project_id")
        if pid is None:
            errors.append("{}, rij {}, veld '{}': geen project opgegeven.".format(source, row_no,
                                                                                mapping["project_id"]))
            continue
        if pid not in lookup:
            errors.append("{}, rij {}, veld '{}': project '{}' staat niet in de werkbank.".format(
                source, row_no, mapping["project_id"], pid))
            continue
        out["project_id"] = lookup[pid]
        for f in required:
            if f != "project_id" and out.get(f) is None:
                errors.append("{}, rij {}, veld '{}': leeg; {} is verplicht.".format(
                    source, row_no, mapping[f], f))
        rows.append((row_no, out))
    if errors:
        raise FollowupError("{} niet geïmporteerd ({} fout(en); de werkbank is niet gewijzigd):\n{}".format(
            kind_label, len(errors), "\n".join(errors[:50]) + ("\n…" if len(errors) > 50 else "")))
    return rows


def _write_with_ids(wb, table, rows, key, make_id, duplicate_text, source, versions=None):
    """Give every row its stable id, refuse duplicates within the table read, write in one transaction.

    ``versions`` (``ingest.versions.snapshot`` taken when the import started reading): a row changed or deleted
    since then is a conflict (rows, who, when) and nothing is written."""
    from ..ingest import versions as IV
    from ..werkbank.storage import ConflictError

    records, seen = [], {}
    for row_no, r in rows:
        r[key] = make_id(r)
        if r[key] in seen:
            raise FollowupError("{}, rij {}: {} ook in rij {}; de werkbank is niet gewijzigd.".format(
                source, row_no, duplicate_text, seen[r[key]]))
        seen[r[key]] = row_no
        records.append(r)
    if not records:
        return {"inserted": 0, "updated": 0, "unchanged": 0}
    try:
        return wb.write_frame(table, records, mode="upsert", expected_versions=IV.expected(versions, table))
    except ConflictError as e:
        raise FollowupError(IV.conflict_text(source, e)) from e


def import_actions(wb, frame, source="acties", versions=None):
    """Uitvoeringsafspraken -> ``actions``; returns write counts.  ``versions``: see :func:`_write_with_ids`
    (default: taken now)."""
    from ..ingest.versions import snapshot

    versions = versions if versions is not None else snapshot(wb, "actions")
    rows = _prepare(wb, frame, ACTION_FIELDS, ("project_id", "activity"), source, "Uitvoeringsafspraken")
    for row_no, r in rows:
        if r.get("status") is not None:
            code = ACTION_STATUS.get(norm(r["status"]))
            if code is None:
                raise FollowupError("{}, rij {}, veld 'status': '{}' is geen status (open, lopend, gereed); "
                                    "de werkbank is niet gewijzigd.".format(source, row_no, r["status"]))
            r["status"] = code
    return _write_with_ids(wb, "actions", rows, "action_id",
                           lambda r: _stable_id("A", r["project_id"], r["activity"]),
                           "dezelfde activiteit voor hetzelfde project staat", source, versions)


def import_monitoring(wb, frame, source="monitoring", peildatum=None, versions=None):
    """Monitoringlijst -> ``monitoring``; one row per project and peildatum.  ``versions``: see
    :func:`_write_with_ids` (default: taken now)."""
    from ..ingest.versions import snapshot

    versions = versions if versions is not None else snapshot(wb, "monitoring")
    rows = _prepare(wb, frame, MONITORING_FIELDS, ("project_id",), source, "Monitoringlijst")
    default_date = peildatum or wb.programme().get("peildatum")
    for _row_no, r in rows:
        r["peildatum"] = r.get("peildatum") or default_date
    return _write_with_ids(wb, "monitoring", rows, "monitoring_id",
                           lambda r: _stable_id("M", r["project_id"], r["peildatum"]),
                           "project en peildatum staan", source, versions)
