"""The one import runner, for every kind: row versions -> read -> validate (the kind's hook on its spec) -> write
in one transaction (decisions kept, versions checked, REMOVED/SYNC, cancel rolls back) -> one report.

A kind is a spec in ``ingest.specs`` with a ``validate`` hook ``"module:function"`` (relative to the plugin
package, resolved lazily so ``ingest`` depends on no reader module).  A hook is called as
``hook(wb, frame, source, **params)`` and returns either

* a :class:`Checked` (the layer kinds: rows to write with the rejected rows left out, a
  ``layers.validation.ValidationReport`` with the problems per row and field, the source ids for REMOVED, and
  optionally a second table written in the same transaction), or
* ``(rows to write, errors, notes)`` (the table kinds): an ``ingest.errors.RowError`` (row, id, field, message)
  rejects that row and the rest is validated again without it; a plain string (an error naming no row, such as a
  missing column) refuses the import (nothing written).  Notes go to the log and the report (a note containing
  "waarschuwing:" is a report warning).

With ``strict`` any rejected row refuses the whole import.

REMOVED/SYNC: a layer kind knows its rows by the ``source`` column; a table kind with ``track_source`` on its spec
by the import marker of its previous import from the same source (``ingest.decisions.source_keys``).  Rows that
left the source are reported, and deleted only with ``sync`` (refused for rows carrying decisions or other data,
``ingest.decisions.removal_blockers``; audited; a cascade into child tables is counted in the report).

Pure Python; no QGIS.
"""

import importlib

from .errors import ImportCancelled, ImportFailed, RowError, RowWarning

MAX_MESSAGES = 25


class Checked:
    """A layer kind's validation: ``rows`` to write, the ``report`` (problems per row and field), ``source_ids``
    (all ids the source carries, for REMOVED), ``also`` (a callable ``also(wb) -> counts`` writing a second table
    in the same transaction; the stations' capacity table) and ``extra`` (kind-specific results); a table kind's
    check also gives ``rejections`` ((row, id, field, message)), ``notes`` and ``rejected_keys`` (keys of rejected
    rows: still in the source, not REMOVED)."""

    def __init__(self, rows, report, source_ids=None, also=None, extra=None, mapping=None, rejections=(), notes=(),
                 rejected_keys=()):
        self.rows = rows
        self.report = report
        self.source_ids = source_ids
        self.also = also
        self.extra = dict(extra or {})
        self.mapping = mapping or {}
        self.rejections = list(rejections)
        self.notes = list(notes)
        self.rejected_keys = list(rejected_keys)


class Outcome:
    """What one import did: the rows written, counts, decisions kept (conflicts), notes, rejected rows
    (``rejections``: (row, id, field, message)), REMOVED (``removed``: the ids, for a table kind with the name,
    e.g. "P-x (Batterij Oost)" or "P1 / D2"; ``deleted``: how many SYNC deleted) and the report."""

    def __init__(self, kind, source, n_input, frame, counts, conflicts, notes, rejections=(), report=None,
                 removed=(), deleted=0, extra=None, dry_run=False, mapping=None):
        from .specs import spec

        self.kind = kind
        self.source = source
        self.n_input = n_input
        self.frame = frame
        self.counts = counts
        self.conflicts = conflicts
        self.notes = list(notes)
        self.rejections = list(rejections)
        self.removed = list(removed)
        self.deleted = deleted
        self.extra = dict(extra or {})
        self.dry_run = dry_run
        self.mapping = mapping or {}
        self.report_path = None
        try:
            self.table = spec(kind).table
        except KeyError:
            self.table = kind
        self.report = report if report is not None else report_of(self)

    # the names the layer imports' results always had
    @property
    def input_rows(self):
        return self.report.input_rows

    @property
    def imported(self):
        return self.report.imported

    @property
    def rejected(self):
        return self.report.rejected

    def summary(self):
        return self.report.summary()


def _refused(errors):
    """The :class:`ImportFailed` of an import refused for its input: :func:`failure_text`, with ``errors`` kept
    for the report."""
    e = ImportFailed(failure_text(errors))
    e.errors = list(errors)
    return e


def failure_text(errors):
    """The one message of an import refused for its input: the first MAX_MESSAGES problems and how many more."""
    more = len(errors) - MAX_MESSAGES
    text = "\n".join(str(e) for e in errors[:MAX_MESSAGES])
    if more > 0:
        text += "\n(en nog {} meldingen)".format(more)
    return "Import afgebroken, de werkbank is niet gewijzigd. Herstel de invoer:\n" + text


class AmbiguousName(tuple):
    """What :func:`lookup` gives for a name that more than one row has (two stations 'Middelburg'): their ids,
    sorted.  No id to write: the row naming it is refused (the plugin never chooses)."""


def lookup(wb, table, key):
    """``{name or id: id}`` of a werkbank table, for references by name or id (station, knooppunt).  An id is
    always itself; a name that several rows share gives an :class:`AmbiguousName` of their ids."""
    ids = {}
    for r in wb.query('SELECT "{k}" AS k, name FROM "{t}"'.format(k=key, t=table)):
        if r["name"]:
            ids.setdefault(r["name"], []).append(r["k"])
    out = {name: (v[0] if len(set(v)) == 1 else AmbiguousName(sorted(set(v)))) for name, v in ids.items()}
    for r in wb.query('SELECT "{k}" AS k FROM "{t}"'.format(k=key, t=table)):
        out[r["k"]] = r["k"]
    return out


def hook(name):
    """A spec's hook ``"module:function"`` (module relative to the plugin package)."""
    module, func = name.split(":")
    return getattr(importlib.import_module(module, __package__.rsplit(".", 1)[0]), func)


def validator(kind):
    """The validate hook of ``kind``'s spec."""
    from .specs import spec

    name = spec(kind).validate
    if not name:
        raise KeyError("geen validatie voor importsoort {}".format(kind))
    return hook(name)


class _DryRun(Exception):
    """Rolls a dry run's transaction back."""


def removed_ids(wb, table, key, source, present_ids, layer=None, known=None):
    """REMOVED of a layer kind: ids stored with this source name (the ``source`` column) that the source no longer
    carries, minus the ids another layer given the same name carried at its latest import (``known``:
    ``decisions.source_keys`` of this source name); for an input that is a layer of a multi-layer file (``layer``)
    only ids the previous import of that layer carried (none when that import is unknown)."""
    rows = wb.query('SELECT "{k}" AS k FROM "{t}" WHERE source = ?'.format(k=key, t=table), (source,))
    if not rows:  # nothing stored from this source (a first import): nothing removed, no set of 240,000 ids
        return []
    present = {str(v) for v in present_ids if v is not None}
    known = known or {}
    other = set().union(*[k for (n, lay), k in known.items() if n == source and lay != layer and k])
    out = [str(r["k"]) for r in rows if str(r["k"]) not in present and (str(r["k"]),) not in other]
    if layer is not None:
        previous = known.get((source, layer)) or set()
        out = [k for k in out if (k,) in previous]
    return sorted(out)


# what names a row of a table kind in a REMOVED/SYNC note besides its key
_LABEL_COLUMNS = {"projects": ("name",), "knooppunten": ("name",), "actions": ("project_id", "activity"),
                  "monitoring": ("project_id", "peildatum")}


class _Tracked:
    """REMOVED of a table kind (spec ``track_source``): the rows its previous import from ``source`` carried
    (``ingest.decisions.source_keys``) that are still in the werkbank and are not in this source now, nor in the
    latest import of another source (a project in two lists stays while one still has it).  Keys are tuples of the
    spec's key columns as text (``project_id, dev_id`` for links); rejected rows count as present."""

    def __init__(self, wb, s, source, rows, rejected_keys, layer=None):
        from ..werkbank.schema import TABLES
        from . import decisions as D

        self.columns = [c.strip() for c in s.key.split(",")]
        key = TABLES[s.table].key
        self.present = set()
        if rows is not None and len(rows) and all(c in rows.columns for c in self.columns):
            self.present = set(zip(*[rows[c].astype(str) for c in self.columns]))
        self.present |= {tuple(str(x) for x in k) if isinstance(k, tuple) else (str(k),) for k in rejected_keys}
        self.previous = D.source_keys(wb, s.table, source).get((source, layer))  # a source is its name and layer
        self.removed = []  # (table key, label, key tuple)
        gone = (self.previous or set()) - self.present
        if gone:  # only then the other sources' markers: a row another source still carries stays
            known = D.source_keys(wb, s.table)
            known.pop((source, layer), None)
            gone -= set().union(*[k for k in known.values() if k])
        if not gone:
            return
        extra = [c for c in _LABEL_COLUMNS.get(s.table, ()) if c not in self.columns]
        cols = list(dict.fromkeys([key] + self.columns + extra))
        for r in wb.query("SELECT {} FROM \"{}\"".format(", ".join('"%s"' % c for c in cols), s.table)):
            k = tuple(str(r[c]) for c in self.columns)
            if k in gone:
                label = " / ".join(k)
                shown = [str(r[c]) for c in extra if r[c] not in (None, "")]
                if shown:
                    label += " ({})".format(": ".join(shown))
                self.removed.append((r[key], label, k))
        self.removed.sort(key=lambda x: x[1])

    def keys(self, sync):
        """The rows of this source after the import (for its marker): present, and the removed rows kept."""
        return self.present | (set() if sync else {k for _, _, k in self.removed})


def _cascade(wb, table, keys):
    """``[(child table, rows)]`` a delete of ``keys`` from ``table`` takes along (ON DELETE CASCADE)."""
    from ..werkbank.schema import TABLES

    out = []
    for t in TABLES.values():
        for c in t.columns:
            ref = (getattr(c, "constraint", "") or "").upper()
            if "REFERENCES {}(".format(table.upper()) not in ref.replace(" (", "(") or "ON DELETE CASCADE" not in ref:
                continue
            n = 0
            for i in range(0, len(keys), 500):
                chunk = list(keys[i:i + 500])
                n += wb.count(t.name, '"{}" IN ({})'.format(c.name, ",".join("?" * len(chunk))), chunk)
            if n:
                out.append((t.name, n))
    return out


def write(wb, table, frame, source, versions=None, source_wins=False, feedback=None, user=None, before=None,
          dry_run=False, keep_decisions=True, delete=(), also=None, labels=None, source_keys=None, previous_keys=None,
          cascaded=None, source_layer=None):
    """Write ``frame`` into ``table`` in one transaction; returns ``(counts, conflicts, also's counts)``.

    A field changed in the werkbank after the previous import (a decision, ``ingest.decisions``) keeps its value
    unless ``source_wins`` (only with ``keep_decisions``; the layer kinds do not keep decisions); the conflicts
    are recorded with the import marker in the audit trail.  ``versions`` (``ingest.versions.snapshot`` taken
    before the import read anything): a row changed or deleted since then is a conflict naming the rows, who and
    when.  ``delete``: keys of this source to delete (SYNC), refused when changed since ``versions`` and when
    decisions (a table kind, ``keep_decisions``) or other data hang on them (ratings, links, projects naming a
    station: ``decisions.removal_blockers``; ``labels`` {key: name} for the message); deletes are audited, and
    ``cascaded`` (a list) gets the child rows
    they take along.  ``source_keys``: the rows this source carries, kept in the import marker (written when they
    differ from ``previous_keys`` too; a layer kind writes a marker only for them) with ``source_layer``.  ``also``:
    a second table written in the same transaction.  Cancel inside the transaction rolls it back.  Every refusal
    is an :class:`ImportFailed` with a Dutch message naming the source; nothing is written.  ``before``: the
    spec's before-write hook, called as ``before(wb, rows, versions, user)`` inside the transaction (scores: one
    agreed value per project × criterion).  ``dry_run``: everything is written and then rolled back (exact counts
    for a check page; nothing changes).
    """
    from ..werkbank.schema import TABLES
    from ..werkbank.storage import ConflictError
    from . import decisions as D
    from .versions import conflict_text, expected, refuse_changed

    counts, conflicts, also_counts = {"inserted": 0, "updated": 0, "unchanged": 0}, [], None
    if not len(frame) and not delete and also is None:
        return counts, conflicts, also_counts
    key = TABLES[table].key
    fields = [c for c in frame.columns if c not in (key, "geom", "geometry", "_row") and c in TABLES[table].column_names]
    try:
        with wb.transaction() as tx:
            delete = list(delete)
            if delete:  # a layer kind's fields are the source's (no decisions), but what hangs on a row counts
                blockers = D.removal_blockers(wb, table, delete, labels or {},
                                              source_wins=source_wins or not keep_decisions)
                if blockers:
                    raise ImportFailed(D.removal_refusal(source, table, blockers, labels or {}))
            if len(frame):
                if keep_decisions:
                    frame, conflicts = D.protect(wb, table, key, frame, fields, source_wins=source_wins)
                if before is not None:
                    before(wb, frame, versions, user)
                counts = wb.write_frame(table, frame, mode="upsert", user=user,
                                        expected_versions=expected(versions, table))
            if delete:
                refuse_changed(wb, tx, versions, table, delete)
                if cascaded is not None:
                    cascaded.extend(_cascade(wb, table, delete))
                # audited per row (who, old values); a cascade into child tables is recorded by the triggers.
                # A layer kind deletes only rows of this source (its source column)
                scope = "" if keep_decisions else "source = ? AND "
                for k in range(0, len(delete), 500):
                    chunk = delete[k:k + 500]
                    wb.delete(table, '{}"{}" IN ({})'.format(scope, key, ",".join("?" * len(chunk))),
                              ([] if keep_decisions else [source]) + chunk, user=user)
                wb._after_write(tx, table)
            if also is not None:
                also_counts = also(wb)
            changed = counts["inserted"] or counts["updated"] or conflicts or delete
            if (keep_decisions and changed) or (source_keys is not None and set(source_keys) != previous_keys):
                # the import marker (and the conflicts); an import that changed nothing leaves no trace, so
                # importing the same table again leaves the werkbank byte for byte as it was
                D.record(wb, tx, table, source, conflicts, source_keys, previous_keys, source_layer)
            if feedback is not None and feedback.isCanceled():
                raise ImportCancelled(source)  # cancel = nothing written (the transaction rolls back)
            if dry_run:
                raise _DryRun()
        return counts, conflicts, also_counts
    except _DryRun:
        return counts, conflicts, also_counts
    except ImportFailed:
        raise
    except ConflictError as e:
        raise ImportFailed(conflict_text(source, e)) from e
    except Exception as e:  # noqa: BLE001 - constraint failures, locked file, ...
        raise ImportFailed("{}: schrijven naar de werkbank mislukt, de werkbank is niet gewijzigd ({}).".format(
            source, str(e).strip()[:300])) from e


class _ReadOnce:
    """The werkbank as a table kind's hook sees it during one check: each read (``query``, ``read_frame``,
    ``count``, ``programme``, ``horizon_years`` with the same arguments) is done once and every round gets its
    answer (nothing writes while the check runs); everything else is the werkbank's.  A round gets its own list
    and frame, but the rows (dicts) of a query are shared: a hook reads them and changes none (copying 240,000
    rows per round would cost what the read saves)."""

    READS = ("query", "read_frame", "count", "programme", "horizon_years")

    def __init__(self, wb):
        self._wb = wb
        self._answers = {}

    def __getattr__(self, name):
        attr = getattr(self._wb, name)
        if name not in self.READS:
            return attr

        def once(*args, **kwargs):
            key = (name, _frozen(args), _frozen(sorted(kwargs.items())))
            try:
                hash(key)
            except TypeError:  # an argument that is no plain value (an array): not kept
                return attr(*args, **kwargs)
            if key not in self._answers:
                self._answers[key] = attr(*args, **kwargs)
            return _copied(self._answers[key])

        return once


def _frozen(value):
    return tuple(_frozen(v) for v in value) if isinstance(value, (list, tuple)) else value


def _copied(answer):
    """A round's own answer: the list of a query's rows (the rows shared), a frame, the programme row; numbers as
    they are."""
    if isinstance(answer, list):
        return list(answer)
    if isinstance(answer, dict):
        return dict(answer)
    return answer.copy() if hasattr(answer, "copy") else answer


def _check_table(hook_fn, wb, frame, source, params):
    """A table kind's hook with per-row rejection: each :class:`RowError` rejects its row and the hook runs again on
    the remaining rows (at most a few rounds: a duplicate rejected in the first round leaves its first row valid).
    The rounds read the werkbank once (:class:`_ReadOnce`).  Returns ``(rows, notes, rejected RowErrors)``; an error
    naming no row raises :class:`ImportFailed`."""
    import pandas as pd

    if frame is not None and "_row" not in frame.columns:
        frame = frame.copy()
        frame["_row"] = range(1, len(frame) + 1)  # the hooks' own default numbering
    wb = _ReadOnce(wb)
    rejections, kept = [], []  # kept: warnings about rejected rows (a later round no longer sees those rows)
    rows, errors, notes = hook_fn(wb, frame, source, **params)
    for _round in range(5):
        if not errors:
            return rows, notes, rejections
        if not all(isinstance(e, RowError) for e in errors):
            raise _refused([e for e in errors if not isinstance(e, RowError)] +
                           [e for e in errors if isinstance(e, RowError)])
        # a row whose only problem is repeating a row that is itself rejected now waits for the next round:
        # without that row it may be valid (the first valid one of duplicates is kept)
        own = {e.row for e in errors if e.repeats is None}
        rejections += [e for e in errors if e.row in own or e.repeats not in own]
        bad = {e.row for e in rejections}
        kept += [n for n in notes if isinstance(n, RowWarning) and n.row in bad and n not in kept]
        frame = frame[~frame["_row"].isin(bad)]
        if not len(frame):
            return pd.DataFrame(), kept + [n for n in notes if n not in kept], rejections
        rows, errors, more = hook_fn(wb, frame, source, **params)
        notes = kept + list(more)  # every problem of a rejected row is reported at once, not after fixing one
    raise _refused(errors)


def check(wb, kind, frame, source, strict=False, **params):
    """Validate ``frame`` with ``kind``'s hook: a :class:`Checked` for every kind (table kinds' rejected rows and
    notes in a report).  ``strict`` (table kinds): any error refuses the import with the hook's own messages."""
    from ..layers.validation import ValidationReport
    from .specs import spec

    fn = validator(kind)
    if spec(kind).layer:
        return fn(wb, frame, source, **params)
    rep = ValidationReport(source, spec(kind).label, len(frame) if frame is not None else 0)
    try:
        if strict:
            rows, errors, notes = fn(wb, frame, source, **params)
            if errors:
                e = _refused(errors)
                e.notes = notes
                raise e
            rejections = []
        else:
            rows, notes, rejections = _check_table(fn, wb, frame, source, params)
    except ImportFailed as e:
        # the report of a refused import: every problem the hook named, each with its row where it has one
        for err in getattr(e, "errors", None) or [str(e)]:
            if isinstance(err, RowError):
                rep.add(err.row, err.id, err.field, None, err.message)
            else:
                rep.add(None, None, None, None, str(err))
        _add_notes(rep, getattr(e, "notes", ()))
        e.report = rep
        raise
    for e in rejections:
        rep.add(e.row, e.id, e.field, None, e.message)
    _add_notes(rep, notes)
    return Checked(rows, rep, rejections=[e.parts() for e in rejections], notes=notes,
                   rejected_keys=[e.key for e in rejections if e.key is not None])


def run(wb, kind, read, feedback=None, source_wins=False, versions=None, user=None, dry_run=False, strict=None,
        sync=False, report_path=None, **params):
    """One import of ``kind``: take the row versions (unless the caller took ``versions`` earlier), ``read()`` ->
    ``(frame, source)`` or ``(frame, source, layer)`` (``layer``: the layer of a multi-layer file the input is,
    ``ingest.reader.source_name``; REMOVED is counted per source name and layer), validate with the kind's hook (``params`` go to the hook), write in one transaction,
    REMOVED (deleted only with ``sync``), the report (written to ``report_path`` when given).

    ``strict``: a rejected row refuses the whole import; default: yes for the table kinds called from code
    (``import_scores``, ``import_actions`` ... promise all or nothing), no for the layer kinds.  The algorithms
    and the wizard pass their STRICT choice.  Returns an :class:`Outcome`; raises :class:`ImportFailed` (nothing
    written) for refused input, a conflict or a cancel."""
    from ..gcpause import gc_paused

    # a national import allocates millions of short-lived objects: no cyclic collections meanwhile (gcpause)
    with gc_paused():
        return _run(wb, kind, read, feedback, source_wins, versions, user, dry_run, strict, sync, report_path,
                    params)


def _run(wb, kind, read, feedback, source_wins, versions, user, dry_run, strict, sync, report_path, params):
    from .specs import spec
    from .versions import snapshot

    s = spec(kind)
    strict = (not s.layer) if strict is None else strict
    versions = versions if versions is not None else snapshot(wb, s.table)
    got = read()
    frame, source = got[0], got[1]
    source_layer = got[2] if len(got) > 2 else None
    if frame is not None and hasattr(frame, "columns"):
        from .reader import drop_empty_rows

        frame = drop_empty_rows(frame)  # every import skips a fully empty row, the same way (one rule)
    try:
        return _checked_and_written(wb, s, kind, frame, source, source_layer, feedback, source_wins, versions,
                                    user, dry_run, strict, sync, report_path, params)
    except ImportCancelled:
        raise
    except ImportFailed as e:
        # a refused import has its report too (with the problems that refused it); the werkbank is unchanged
        rep = e.report
        unchosen = None if isinstance(e, ImportCancelled) else unchosen_layers_warning(frame, source, refused=True)
        if unchosen and unchosen not in str(e):  # the list may be on the sheet (layer) that was not read
            e.args = ("{}\n{}".format(e.args[0] if e.args else "", unchosen),) + tuple(e.args[1:])
            if rep is not None and not any(unchosen in p.message(rep.source) for p in rep.warnings()):
                rep.note(unchosen)  # refused before the check could add it as a warning
        if rep is not None:
            rep.note("Import afgebroken, de werkbank is niet gewijzigd.")
        if rep is not None and report_path:
            rep.write(report_path)
            e.report_path = report_path
        raise


def _checked_and_written(wb, s, kind, frame, source, source_layer, feedback, source_wins, versions, user, dry_run,
                         strict, sync, report_path, params):
    from ..layers.validation import FOUT, WAARSCHUWING

    from .reader import empty_rows_note

    checked = check(wb, kind, frame, source, strict=strict and not s.layer, **params)
    rep = checked.report
    # what the reader noted about the file (encoding, title lines, a totals line) and the empty rows it left out
    for note in list(getattr(frame, "attrs", {}).get("notes") or ()) + [empty_rows_note(frame)]:
        if note:
            rep.note(note)
            checked.notes.append(note)
    unchosen = unchosen_layers_warning(frame, rep.source)
    if unchosen:  # a warning: the report must not say 'geen problemen' over layers it did not read
        rep.add(None, None, None, None, unchosen, WAARSCHUWING)
        checked.notes.append("waarschuwing: " + unchosen)
    unused = unused_columns(s, frame, checked.mapping, params)
    if unused:
        note = unused_columns_note(s.label.lower(), unused)
        rep.add(None, None, None, None, note, WAARSCHUWING)  # a warning: the report must not say 'geen problemen'
        checked.notes.append("waarschuwing: " + note)
    rep.settle(keep_rejected_warnings=not s.layer)  # a table row's warnings are problems to fix with its errors
    if strict:  # any rejected row, of the main table or a second one (the capacity table), refuses the import
        errs = [p.message(rep.source) for p in sorted(rep.errors(), key=lambda p: p.row or 0)]
        for sub in rep.sub_reports:
            errs += [p.message(sub.source) for p in sub.errors()]
        if errs:
            e = ImportFailed(failure_text(errs))
            e.report = rep
            raise e
    if feedback is not None and feedback.isCanceled():
        raise ImportCancelled(source)
    rows = checked.rows
    removed, tracked, layer_keys = [], None, None  # removed: (key, label)
    if checked.source_ids is not None:
        from . import decisions as D

        known = D.source_keys(wb, s.table, rep.source)  # this source name's markers (every layer)
        ids = removed_ids(wb, s.table, s.key, rep.source, checked.source_ids, source_layer, known)
        removed = [(k, k) for k in ids]
        if source_layer is not None:
            # a layer of a multi-layer file: its marker keeps the ids it carries (and the removed ones it keeps)
            layer_keys = ({(str(v),) for v in checked.source_ids if v is not None} | (
                set() if sync else {(k,) for k in ids}), known.get((rep.source, source_layer)))
    elif s.track_source:
        tracked = _Tracked(wb, s, rep.source, rows, checked.rejected_keys, source_layer)
        removed = [(k, label) for k, label, _ in tracked.removed]
    cascaded = []
    try:
        counts, conflicts, also_counts = write(
            wb, s.table, rows, rep.source, versions, source_wins, feedback, user,
            hook(s.before_write) if s.before_write else None, dry_run, keep_decisions=not s.layer,
            delete=[k for k, _ in removed] if sync else (), also=checked.also, labels=dict(removed),
            source_keys=tracked.keys(sync) if tracked is not None else (layer_keys[0] if layer_keys else None),
            previous_keys=tracked.previous if tracked is not None else (layer_keys[1] if layer_keys else None),
            cascaded=cascaded, source_layer=source_layer)
    except ImportFailed as e:
        if not isinstance(e, ImportCancelled):
            rep.add(None, None, None, None, str(e), FOUT)
            e.report = rep
        raise
    if removed:
        labels = [label for _, label in removed]
        shown = ", ".join(labels[:20]) + (" …" if len(labels) > 20 else "")
        if sync and not dry_run:
            rep.note("{} rij(en) uit bron '{}' komen niet meer in de bron voor en zijn verwijderd (SYNC): {}.{}"
                     .format(len(removed), rep.source, shown, "".join(
                         " Mee verwijderd: {} rij(en) uit {}.".format(n, t) for t, n in cascaded)))
        else:
            rep.note("{} rij(en) uit bron '{}' komen niet meer in de bron voor (REMOVED); ze blijven in de "
                     "werkbank (verwijderen met SYNC=ja): {}.".format(len(removed), rep.source, shown))
    deleted = len(removed) if (sync and not dry_run) else 0
    removed = [label for _, label in removed]
    extra = dict(checked.extra)
    if also_counts is not None:
        extra["also_counts"] = also_counts
    out = Outcome(kind, rep.source, rep.input_rows, rows, counts, conflicts, checked.notes,
                  checked.rejections, rep, removed, deleted, extra, dry_run, checked.mapping)
    rep.imported = len(rows) if s.layer else counts["inserted"] + counts["updated"] + counts["unchanged"]
    rep.counts = counts
    rep.removed, rep.deleted = len(removed), deleted
    _name_conflicts(s, rows, conflicts)
    _conflicts_on(rep, conflicts)
    if report_path:
        rep.write(report_path)
        out.report_path = report_path
    return out


# how a key column of a spec is named in a message ("project P1, ontwikkeling D10")
_KEY_WORDS = {"project_id": "project", "dev_id": "ontwikkeling", "criterion_id": "criterium",
              "assessor": "beoordelaar"}


def _name_conflicts(s, rows, conflicts):
    """Conflicts on a table whose key is a generated id (a link's, a rating's UUID) get a ``label``: the row named
    by the spec's key columns as users know it ("project P1, ontwikkeling D10"); the audit keeps the key."""
    from ..werkbank.schema import TABLES

    cols = [c.strip() for c in s.key.split(",")]
    key = TABLES[s.table].key
    if not conflicts or cols == [key] or rows is None or not all(c in rows.columns for c in [key] + cols):
        return
    names = {str(k): ", ".join("{} {}".format(_KEY_WORDS.get(c, c), v) for c, v in zip(cols, vals))
             for k, *vals in zip(rows[key].tolist(), *[rows[c].tolist() for c in cols])}
    for c in conflicts:
        if str(c["key"]) in names:
            c["label"] = names[str(c["key"])]


def unused_columns_note(what, unused):
    """The one warning about source columns an import read into no field of ``what`` (a kind's label)."""
    return ("Niet gebruikt: {} kolom(men) uit de bron zijn niet herkend als veld van {} en niet ingelezen: {}. "
            "Hoort een ervan bij een veld, hernoem de kolom dan (de herkende namen staan in de hulp van de "
            "import) of kies hem met de FIELD_-parameter.").format(
        len(unused), what, ", ".join("'{}'".format(c) for c in unused[:15]) + (" …" if len(unused) > 15 else ""))


def unchosen_layers_warning(frame, source, refused=False):
    """The warning for a source whose file has more layers (sheets) than the one read, none chosen, or None: the
    first was read (``ingest.reader.UNCHOSEN_LAYERS``, set by the table reader and ``layers.qgis_io``); the other
    layers, and sheets with the same column names, are said, never silently left out; ``refused``: every other
    sheet with data is named (the list the import looked for may be on any of them)."""
    from .reader import UNCHOSEN_LAYERS

    unchosen = getattr(frame, "attrs", {}).get(UNCHOSEN_LAYERS)
    if not unchosen:
        return None
    read, similar, every = unchosen
    others = every if refused else similar  # refused: the list may be on any of them
    if not others:
        return None
    return ("{}: het bestand heeft {} lagen (werkbladen) met gegevens en er is er geen gekozen; alleen de eerste, "
            "'{}', is ingelezen. Niet ingelezen: {}. Importeer elke laag apart (kies de laag, of geef "
            "bestand|layername=<laag of werkblad>).").format(
        source, 1 + len(every), read, ", ".join("'{}'".format(n) for n in others))


# frame.attrs key: the source columns a transform (e.g. the scores import's column choice) read into no field
SOURCE_UNUSED = "pmiek_source_unused"


def unused_columns(s, frame, mapping=None, params=None):
    """The source columns of ``frame`` that the import of spec ``s`` reads into no field: not recognised by any of
    its column names (``ingest.columns.recognise``), not chosen by a FIELD_ parameter or the layer kinds' field
    mapping; internal columns ('_row', the geometry, fid) aside.  A column that does not fit is otherwise silently
    left out, and the report said 'Geen problemen gevonden' over a project code that was never read."""
    from .columns import PROVINCE_COLUMN, XY_COLUMNS, norm, recognise

    if frame is None or not len(getattr(frame, "columns", ())):
        return []
    if SOURCE_UNUSED in getattr(frame, "attrs", {}):  # a transform chose the columns: it says which it left out
        return [str(c) for c in frame.attrs[SOURCE_UNUSED]]
    chosen = {norm(v) for v in list((mapping or {}).values()) + list((params or {}).values())
              if isinstance(v, str) and v}
    aliases = {field: [n for n in names if not n.startswith("FIELD_")] for field, names in s.columns}
    known = {norm(c) for c in recognise(list(frame.columns), aliases).values()}
    if s.layer:  # a layer's province column is checked; a table without geometry gives its points by x/y
        known |= {norm(a) for a in PROVINCE_COLUMN}
        if not hasattr(frame, "geometry"):
            known |= {norm(a) for names in XY_COLUMNS.values() for a in names}
    internal = ("geometry", "geom", "fid", "ogc_fid")
    return [str(c) for c in frame.columns if not str(c).startswith("_") and str(c).lower() not in internal
            and norm(c) not in known | chosen]


def _conflicts_on(rep, conflicts):
    from ..layers.validation import WAARSCHUWING
    from . import decisions as D

    if conflicts:
        rep.note("{} conflict(en) met besluiten na de vorige import: {}.".format(
            len(conflicts), "besluit behouden" if conflicts[0]["kept"] else "bron wint (SOURCE_WINS)"))
    for c in conflicts:
        rep.add(c.get("row"), c.get("label") or c["key"], c["field"], c["incoming"], D.describe(c), WAARSCHUWING)


def report_of(outcome, kind_label=""):
    """The report of an outcome built from its parts (an algorithm that counted itself): counts, the rejected
    rows, the decisions kept and the notes."""
    from ..layers.validation import ValidationReport

    counts = outcome.counts
    written = counts["inserted"] + counts["updated"] + counts["unchanged"]
    rep = ValidationReport(outcome.source, kind_label, outcome.n_input if outcome.n_input is not None else written)
    rep.imported, rep.counts = written, counts
    for row, ident, field, message in outcome.rejections:
        rep.add(row, ident, field, None, message)
    _conflicts_on(rep, outcome.conflicts)
    _add_notes(rep, outcome.notes)
    return rep


def _add_notes(rep, notes):
    """A hook's notes into the report: a :class:`RowWarning` with its row, id and field, another note containing
    "waarschuwing:" as a warning about the source, the rest as notes."""
    from ..layers.validation import WAARSCHUWING

    for n in notes:
        if isinstance(n, RowWarning):
            rep.add(n.row, n.id, n.field, None, n.message, WAARSCHUWING)
        elif "waarschuwing:" in n:
            rep.add(None, None, None, None, n, WAARSCHUWING)
        else:
            rep.note(n)


def report(outcome, kind_label=""):
    """The one report (``layers.validation.ValidationReport``: HTML and CSV) of an import."""
    if kind_label and not outcome.report.kind_label:
        outcome.report.kind_label = kind_label
    return outcome.report
