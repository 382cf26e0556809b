"""The one import runner: row versions -> read -> validate (the kind's hook on its spec) -> write in one
transaction (decisions kept, versions checked, cancel rolls back) -> one outcome for the report.

A kind is a spec in ``ingest.specs`` with a ``validate`` hook ``"module:function"`` (relative to the plugin
package, resolved lazily so ``ingest`` depends on no reader module).  A hook is called as
``hook(wb, frame, source, **params)`` and returns ``(rows to write, errors, notes)``: errors abort the import
(nothing written), notes go to the log and the report (a note containing "waarschuwing:" is a report warning).

Pure Python; no QGIS.
"""

import importlib

from .errors import ImportCancelled, ImportFailed

MAX_MESSAGES = 25


class Outcome:
    """What one import did: the rows written, counts, decisions kept (conflicts) and notes."""

    def __init__(self, kind, source, n_input, frame, counts, conflicts, notes):
        self.kind = kind
        self.source = source
        self.n_input = n_input
        self.frame = frame
        self.counts = counts
        self.conflicts = conflicts
        self.notes = list(notes)


def failure_text(errors):
    """The one message of an import refused for its input: the first MAX_MESSAGES problems and how many more."""
    more = len(errors) - MAX_MESSAGES
    text = "\n".join(errors[:MAX_MESSAGES])
    if more > 0:
        text += "\n(en nog {} meldingen)".format(more)
    return "Import afgebroken, de werkbank is niet gewijzigd. Herstel de invoer:\n" + text


def lookup(wb, table, key):
    """``{name or id: id}`` of a werkbank table, for references by name or id (station, knooppunt)."""
    out = {}
    for r in wb.query('SELECT "{k}" AS k, name FROM "{t}"'.format(k=key, t=table)):
        if r["name"]:
            out.setdefault(r["name"], r["k"])
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


def write(wb, table, frame, source, versions=None, source_wins=False, feedback=None, user=None, before=None,
          dry_run=False):
    """Write ``frame`` into ``table`` in one transaction; returns ``(counts, conflicts)``.

    A field changed in the werkbank after the previous import (a decision, ``ingest.decisions``) keeps its value
    unless ``source_wins``; the conflicts are recorded with the import marker in the audit trail.  ``versions``
    (``ingest.versions.snapshot`` taken before the import read anything): a row changed or deleted since then is a
    conflict naming the rows, who and when.  Cancel inside the transaction rolls it back.  Every refusal is an
    :class:`ImportFailed` with a Dutch message naming the source; nothing is written.  ``before``: the spec's
    before-write hook, called as ``before(wb, rows, versions, user)`` inside the transaction (scores: one agreed
    value per project × criterion).  ``dry_run``: everything is written and then rolled back (exact counts for a
    check page; nothing changes).
    """
    from ..werkbank.schema import TABLES
    from ..werkbank.storage import ConflictError
    from . import decisions as D
    from .versions import conflict_text, expected

    if not len(frame):
        return {"inserted": 0, "updated": 0, "unchanged": 0}, []
    key = TABLES[table].key
    fields = [c for c in frame.columns if c not in (key, "geom", "geometry", "_row") and c in TABLES[table].column_names]
    counts, conflicts = None, []
    try:
        with wb.transaction() as tx:
            frame, conflicts = D.protect(wb, table, key, frame, fields, source_wins=source_wins)
            if before is not None:
                before(wb, frame, versions, user)
            counts = wb.write_frame(table, frame, mode="upsert", user=user,
                                    expected_versions=expected(versions, table))
            if counts["inserted"] or counts["updated"] or conflicts:
                # the import marker (and the conflicts); an import that changed nothing leaves no trace, so
                # importing the same table again leaves the werkbank byte for byte as it was
                D.record(wb, tx, table, source, conflicts)
            if feedback is not None and feedback.isCanceled():
                raise ImportCancelled(source)  # cancel = nothing written (the transaction rolls back)
            if dry_run:
                raise _DryRun()
        return counts, conflicts
    except _DryRun:
        return counts, conflicts
    except ImportFailed:
        raise
    except ConflictError as e:
        raise ImportFailed(conflict_text(source, e)) from e
    except Exception as e:  # noqa: BLE001 - constraint failures, locked file, ...
        raise ImportFailed("{}: schrijven mislukt, de werkbank is niet gewijzigd ({}).".format(source, e)) from e


def run(wb, kind, read, feedback=None, source_wins=False, versions=None, user=None, dry_run=False, **params):
    """One import of ``kind``: take the row versions (unless the caller took ``versions`` earlier), ``read()`` ->
    ``(frame, source)``, validate with the kind's hook (``params`` go to the hook), write in one transaction.
    Returns an :class:`Outcome`; raises :class:`ImportFailed` (nothing written) for refused input, a conflict or a
    cancel."""
    from .specs import spec
    from .versions import snapshot

    s = spec(kind)
    versions = versions if versions is not None else snapshot(wb, s.table)
    frame, source = read()
    rows, errors, notes = validator(kind)(wb, frame, source, **params)
    if errors:
        raise ImportFailed(failure_text(errors))
    if feedback is not None and feedback.isCanceled():
        raise ImportCancelled(source)
    counts, conflicts = write(wb, s.table, rows, source, versions, source_wins, feedback, user,
                              hook(s.before_write) if s.before_write else None, dry_run)
    return Outcome(kind, source, len(frame), rows, counts, conflicts, notes)


def report(outcome, kind_label=""):
    """The one report (``layers.validation.ValidationReport``: HTML and CSV) of a runner import: counts, the
    decisions kept (warnings naming key, field, who and when) and the notes."""
    from ..layers.validation import WAARSCHUWING, ValidationReport
    from . import decisions as D

    counts = outcome.counts
    written = counts["inserted"] + counts["updated"] + counts["unchanged"]
    rep = ValidationReport(outcome.source, kind_label, outcome.n_input if outcome.n_input is not None else written)
    rep.imported, rep.counts = written, counts
    conflicts = outcome.conflicts
    if conflicts:
        rep.note("{} conflict(en) met besluiten na de vorige import: {}.".format(
            len(conflicts), "besluit behouden" if conflicts[0]["kept"] else "bron wint (SOURCE_WINS)"))
    for c in conflicts:
        rep.add(None, c["key"], c["field"], c["incoming"], D.describe(c), WAARSCHUWING)
    for n in outcome.notes:
        if "waarschuwing:" in n:
            rep.add(None, None, None, None, n, WAARSCHUWING)
        else:
            rep.note(n)
    return rep
