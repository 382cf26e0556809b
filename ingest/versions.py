"""Row versions taken when an import starts reading, checked when it writes.

An import reads the werkbank (existing ids, decisions, lookups) and its source, validates, and only then writes.
A row that someone else changed or deleted in between (a colleague in QGIS, another import) must not be
overwritten silently: the import takes :func:`snapshot` before it reads, passes :func:`expected` to
``Werkbank.write_frame(expected_versions=)`` and turns a ``ConflictError`` into :func:`conflict_text` (rows, who,
when; nothing written).
"""

from ..werkbank.schema import TABLES


def snapshot(wb, *tables):
    """``{table: {key: row_version}}`` of the editable ``tables`` now (tables without row_version are skipped)."""
    return {t: wb.row_versions(t) for t in tables if "row_version" in TABLES[t].column_names}


def expected(versions, table):
    """The versions of ``table`` in a :func:`snapshot` (None: no check)."""
    return (versions or {}).get(table)


def refuse_changed(wb, tx, versions, table, keys):
    """Conflict for ``keys`` of ``table`` (rows about to be deleted) changed or deleted since the snapshot."""
    exp = expected(versions, table)
    if exp:
        t = TABLES[table]
        wb._refuse_changed_since(tx, t, t.key, exp, list(keys))


def conflict_text(source, err):
    """The Dutch message of a conflict, naming the source: the rows, who changed them and when, nothing written."""
    return "{}: {}".format(source, err)
