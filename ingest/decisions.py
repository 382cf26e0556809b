"""Decisions survive a refresh (issue 13 item 3).

A status decision, a link's share or motivation, a knooppunt edit made after an import is never silently
overwritten by importing the source again.  How: every import writes, after its rows, one marker in the
audit trail (``row_key`` '*', ``new_values`` {"import": source}); a change to a row recorded in the trail
after the table's latest marker is a decision (before a table's first marker nothing is known to be one).  When the source brings another value for a decided field,
that is a conflict (old, new, who decided, when): the decision is kept unless the import says the source
wins (SOURCE_WINS); the conflict is reported and recorded in the audit trail either way.  A kept decision is
recorded after the new marker, so it stays protected at the next refresh too.

Pure Python; no QGIS.
"""

import json

from ..werkbank.storage import GEOM_TOLERANCE_M

MARKER_KEY = "*"


def _load(text):
    if not text:
        return {}
    try:
        v = json.loads(text)
    except ValueError:
        return {}
    return v if isinstance(v, dict) else {}


def decided_fields(wb, table, keys, fields):
    """{row key: {field: (who, when)}} of the fields changed after the table's latest import marker."""
    rows = wb.query("SELECT fid, row_key, changed_by, changed_at, new_values FROM audit_log WHERE table_name = ? "
                    "AND row_key = ? ORDER BY fid DESC LIMIT 1", (table, MARKER_KEY))
    if not rows:
        # no import recorded yet (a werkbank from before this rule): nothing is known to be a decision
        return {}
    last = rows[0]["fid"]
    want = {str(k) for k in keys if k is not None}
    out = {}
    if not want:
        return out
    for r in wb.query("SELECT row_key, action, changed_by, changed_at, old_values, new_values FROM audit_log "
                      "WHERE table_name = ? AND fid > ? AND row_key <> ? ORDER BY fid", (table, last, MARKER_KEY)):
        if r["row_key"] not in want:
            continue
        for f in changed_fields(r["action"], _load(r["old_values"]), _load(r["new_values"])) & set(fields):
            out.setdefault(r["row_key"], {})[f] = (r["changed_by"], r["changed_at"])
    return out


_BOOKKEEPING = {"fid", "row_version", "modified", "modified_by", "_importconflict"}


def changed_fields(action, old, new):
    """The fields one audit entry changed.  API entries hold only the changed fields; trigger entries (edits in
    QGIS or SQL) hold the whole row, so a field counts when its old and new value differ; the geometry is only
    summarised there, so an entry that changed no other field changed the geometry."""
    if action == "insert" or not old:
        return {k for k in new if k not in _BOOKKEEPING}
    out = {k for k in new if k not in _BOOKKEEPING and (k not in old or old.get(k) != new.get(k))}
    if "geom" in new and "geom" in old and not (out - {"geom"}) and set(new) - _BOOKKEEPING - {"geom"} <= set(old):
        out.add("geom")
    return out


def _same(a, b):
    def norm(v):
        if v is None or (isinstance(v, float) and v != v):
            return None
        if isinstance(v, float) and v.is_integer():
            return int(v)
        return v

    a, b = norm(a), norm(b)
    if a is None or b is None:
        return a is None and b is None
    try:
        return float(a) == float(b)
    except (TypeError, ValueError):
        return str(a) == str(b)


def protect(wb, table, key, frame, fields, source_wins=False):
    """(frame to write, conflicts).  ``fields``: the decision fields of ``table`` (those in ``frame`` count).

    A conflict is a dict: key, field, stored (the decision), incoming (the source), who, when, kept.
    Without ``source_wins`` the frame carries the stored value for a conflicting field (nothing overwritten).
    """
    gcol = getattr(frame, "_geometry_column_name", None) if hasattr(frame, "crs") else None
    fields = [f for f in fields if f in frame.columns and f != gcol]
    watch = fields + (["geom"] if gcol is not None and gcol in frame.columns else [])
    if not watch or not len(frame) or key not in frame.columns:
        return frame, []
    keys = [k for k in frame[key].tolist() if k is not None]
    decided = decided_fields(wb, table, keys, watch)
    if not decided:
        return frame, []
    marks = ",".join("?" * len(decided))
    stored = {str(r[key]): r for r in wb.query('SELECT "{k}"{f} FROM "{t}" WHERE "{k}" IN ({m})'.format(
        k=key, t=table, m=marks, f="".join(', "%s"' % f for f in fields)), list(decided))}
    geoms = {}
    if "geom" in watch and any("geom" in d for d in decided.values()):
        g = wb.read_frame(table, columns=[key])
        geoms = {str(k): v for k, v in zip(g[key], g.geometry)}
    frame = frame.copy()
    conflicts = []
    for i, k in zip(frame.index, frame[key].tolist()):
        d = decided.get(str(k))
        old = stored.get(str(k))
        if not d or old is None:
            continue
        for f, (who, when) in d.items():
            if f == "geom":
                new, was = frame.at[i, gcol], geoms.get(str(k))
                if new is None or was is None or new.equals_exact(was, GEOM_TOLERANCE_M):  # the storage's rule
                    continue
                conflicts.append({"key": str(k), "field": "geom", "stored": _geom_text(was), "row": _row(frame, i),
                                  "incoming": _geom_text(new), "who": who, "when": when, "kept": not source_wins})
                if not source_wins:
                    frame.at[i, gcol] = was
                continue
            new = frame.at[i, f]
            if _same(new, old[f]):
                continue
            conflicts.append({"key": str(k), "field": f, "stored": old[f], "incoming": None if new != new else new,
                              "who": who, "when": when, "kept": not source_wins, "row": _row(frame, i)})
            if not source_wins:
                frame.at[i, f] = old[f]
    return frame, conflicts


def _row(frame, i):
    """The source row (spreadsheet line or feature id) of ``frame``'s row ``i``, when the hook kept it (``_row``)."""
    if "_row" not in frame.columns:
        return None
    v = frame.at[i, "_row"]
    return None if v is None or v != v else int(v)


def _geom_text(g):
    """A short description of a geometry for the report and the trail."""
    c = g.centroid
    return "{} rond ({:.0f}, {:.0f}), {:.0f} m²".format(g.geom_type, c.x, c.y, g.area)


def record(wb, tx, table, source, conflicts, keys=None, previous_keys=None, layer=None):
    """The import marker, then the conflicts, in the audit trail (inside the import's transaction).  ``keys``: the
    rows this source carries (tuples of the spec's key columns, see :func:`source_keys`), kept in the marker so the
    next import of the same source can tell which rows left it (REMOVED); when they equal ``previous_keys`` (the
    source's earlier marker) the marker only says so ("keys_unchanged"), so a refresh that changed values does not
    copy every key into the trail again.  ``layer``: the layer of a multi-layer file the input was (a source is
    known by its name and layer, :func:`source_keys`)."""
    from ..werkbank.storage import now_iso

    ts = now_iso()
    marker = {"import": source}
    if layer is not None:
        marker["layer"] = layer
    if keys is not None and previous_keys is not None and set(keys) == set(previous_keys):
        marker["keys_unchanged"] = True
    elif keys is not None:
        marker["keys"] = [list(k) if len(k) > 1 else k[0] for k in sorted(keys)]
    entries = [(MARKER_KEY, "update", None, marker)]
    for c in conflicts:
        note = {"bron": source, "besluit": c["stored"], "bronwaarde": c["incoming"], "besloten_door": c["who"],
                "besloten_op": c["when"], "uitkomst": "besluit behouden" if c["kept"] else "bron wint (SOURCE_WINS)"}
        if c["kept"]:
            # the decided field again after the marker: still protected at the next refresh
            entries.append((c["key"], "update", {c["field"]: c["incoming"]},
                            {c["field"]: c["stored"], "_importconflict": note}))
        else:
            entries.append((c["key"], "update", {c["field"]: c["stored"]}, {"_importconflict": dict(note,
                                                                                                   veld=c["field"])}))
    wb._write_audit(tx, table, entries, ts, wb.user)


def describe(c):
    """One Dutch line for a conflict; the row named by its ``label`` when it has one (a link or a rating: its
    project and development or criterion, not the generated id), else by its key; with its source row ("rij 4 (id
    P1)") where the import knows it (``row``)."""
    name = c.get("label") or c["key"]
    if c.get("row") is not None:
        name = "rij {} ({}{})".format(c["row"], "" if c.get("label") else "id ", name)
    return ("{name}, veld '{field}': besluit {stored} ({who}, {when}) {verb} bronwaarde {incoming}".format(
        name=name, verb="behouden; genegeerd:" if c["kept"] else "overschreven door",
        field=c["field"], who=c["who"], when=c["when"], stored=_shown(c["stored"]), incoming=_shown(c["incoming"])))


def _shown(value):
    """A value in a conflict message: quoted, or the word 'leeg' for a missing or empty value (not 'None')."""
    if value is None or (isinstance(value, float) and value != value) or (isinstance(value, str) and not
                                                                          value.strip()):
        return "leeg"
    return "'{}'".format(value)


def source_keys(wb, table, source=None):
    """The rows each source carried at its latest import into ``table``: ``{(source name, layer): keys}``, keys
    being the ``keys`` of its marker, or of the earlier one a "keys_unchanged" marker refers to (a set of tuples of
    the spec's key columns, as text), or None when its latest import did not record them (nothing known).  A
    source is its name and the layer of a multi-layer file it came from (None otherwise): two layers given the
    same name are two sources.  With ``source`` (a name) only that name's sources, every layer: the other
    markers are not parsed."""
    # a marker names its source as a JSON string (non-ASCII as is, or escaped by an older writer): a marker
    # without that text is another source's
    needles = None if source is None else {json.dumps(source), json.dumps(source, ensure_ascii=False)}
    out, done = {}, set()
    for r in wb.query("SELECT new_values FROM audit_log WHERE table_name = ? AND row_key = ? ORDER BY fid DESC",
                      (table, MARKER_KEY)):
        text = r["new_values"]
        if needles is not None and not (text and any(n in text for n in needles)):
            continue
        v = _load(text)
        name = (v.get("import"), v.get("layer"))
        if (source is not None and name[0] != source) or name in done or v.get("keys_unchanged"):
            continue
        done.add(name)
        out[name] = None if "keys" not in v else {
            tuple(str(x) for x in k) if isinstance(k, list) else (str(k),) for k in v["keys"]}
    return out


def removal_blockers(wb, table, keys, labels, source_wins=False):
    """Why rows of ``table`` (``keys``: their key values) must not be deleted by SYNC: ``{key: [Dutch reasons]}``.

    A field changed in the werkbank after the previous import is a decision (unless ``source_wins``); a project's
    ratings, its place in a development variant and other projects' dependencies on it, and the projects in a
    knooppunt, hang on the row and would be lost or changed with it.  ``labels``: ``{key: name shown}``."""
    from ..werkbank.schema import TABLES

    keys = [k for k in keys if k is not None]
    if not keys:
        return {}
    out = {}
    if not source_wins:
        fields = [c for c in TABLES[table].column_names if c not in _BOOKKEEPING and c != TABLES[table].key]
        for k, decided in decided_fields(wb, table, keys, fields + ["geom"]).items():
            out.setdefault(k, []).append("besluit na de vorige import: {}".format("; ".join(
                "veld '{}' ({}, {})".format(f, who or "onbekend", when) for f, (who, when) in sorted(decided.items()))))
    dependents = {"projects": (("scores", "project_id", "beoordeling(en)"),
                               ("variant_projects", "project_id", "ontwikkelvariant(en)"),
                               ("project_dependencies", "depends_on_project_id", "project(en) hangen ervan af")),
                  "knooppunten": (("projects", "knooppunt_id", "project(en) in dit knooppunt"),),
                  # a link is a decision (with its motivatie); a project or development naming a station would
                  # point at nothing (no foreign key: the station's capacity rows went, the reference stayed)
                  "developments": (("project_links", "dev_id", "koppeling(en) met een project"),),
                  "stations": (("projects", "station_id", "project(en) bij dit station"),
                               ("developments", "station_id", "ontwikkeling(en) met dit station als voeding"),
                               ("capacity_areas", "station_id", "capaciteitsgebied(en) van dit station"))}
    for child, col, what in dependents.get(table, ()):
        for i in range(0, len(keys), 500):
            chunk = [str(k) for k in keys[i:i + 500]]
            for r in wb.query('SELECT "{c}" AS k, COUNT(*) AS n FROM "{t}" WHERE "{c}" IN ({q}) GROUP BY "{c}"'.format(
                    c=col, t=child, q=",".join("?" * len(chunk))), chunk):
                out.setdefault(str(r["k"]), []).append("{} {}".format(r["n"], what))
    return {k: v for k, v in out.items() if v}


def removal_refusal(source, table, blockers, labels):
    """The Dutch message of a SYNC refused for :func:`removal_blockers` (nothing written)."""
    lines = ["- {} {}: {}".format(table, labels.get(k, k), "; ".join(why)) for k, why in sorted(blockers.items())]
    more = len(lines) - 25
    advice = {"projects": "Zet een project dat vervalt op 'afgevallen' (met een reden) of verwijder het zelf in de "
                          "werkbank",
              "developments": "Verwijder eerst de koppeling(en) met het project (paneel Projecten en koppelingen)",
              "stations": "Kies eerst een ander station voor de genoemde projecten, ontwikkelingen en gebieden"}.get(
        table, "Haal eerst weg wat eraan hangt")
    return ("{}: SYNC verwijdert geen rijen waar besluiten of andere gegevens aan hangen; er is niets geschreven en "
            "de werkbank is niet gewijzigd.\n{}{}\n{}, of importeer zonder SYNC (de rijen worden dan alleen gemeld)."
            .format(source, "\n".join(lines[:25]), "\n(en nog {})".format(more) if more > 0 else "", advice))
