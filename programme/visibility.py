"""Which projects an output may show: the ONE confidentiality rule.

A project with ``projects.confidential = 1`` is left out of every output (fiches,
atlas, lists, scoreprojects, rounds report, variants, exchange package, web
atlas ...) unless the writer is asked explicitly (``INCLUDE_CONFIDENTIAL``).
Such an output says so on its cover or first line (:data:`CONFIDENTIAL_NOTICE`).
Everything that writes files asks this module, never ``confidential`` itself.
Pure Python (pandas only for frames).
"""

CONFIDENTIAL_NOTICE = "LET OP: bevat vertrouwelijke projecten – niet openbaar maken"
LEFT_OUT_NOTE = "Vertrouwelijke projecten zijn weggelaten."


def is_confidential(value):
    """A stored ``confidential`` value (1/0, '1', 'ja', True, None, NaN) as bool."""
    if value is None:
        return False
    if isinstance(value, float) and value != value:
        return False
    if isinstance(value, str):
        return value.strip().lower() in ("1", "1.0", "ja", "j", "true", "waar", "yes", "x")
    try:
        return bool(int(value))
    except (TypeError, ValueError):
        return bool(value)


def is_visible(row, include_confidential=False):
    """One project (a dict/row with ``confidential``) may be shown."""
    if include_confidential:
        return True
    get = row.get if hasattr(row, "get") else (lambda k, d=None: getattr(row, k, d))
    return not is_confidential(get("confidential"))


def confidential_mask(frame):
    """Boolean Series: the rows of a project frame that are confidential (no column: none)."""
    import pandas as pd

    if "confidential" not in frame.columns:
        return pd.Series(False, index=frame.index)
    return frame["confidential"].map(is_confidential).astype(bool)


def visible_mask(frame, include_confidential=False):
    """Boolean Series over a project frame: the rows an output may show."""
    m = confidential_mask(frame)
    return ~m if not include_confidential else m | ~m


def visible_projects(frame, include_confidential=False):
    """The rows of a project frame an output may show (same index order)."""
    return frame[visible_mask(frame, include_confidential)]


def hidden_project_ids(wb, include_confidential=False):
    """Set of project ids an output must leave out (empty with ``include_confidential``)."""
    if include_confidential:
        return set()
    rows = wb.query("SELECT project_id, confidential FROM projects")
    return {r["project_id"] for r in rows if is_confidential(r["confidential"])}


def notice(include_confidential, n_hidden=0):
    """The line an output carries on its cover/first line about confidentiality ('' when nothing to say)."""
    if include_confidential:
        return CONFIDENTIAL_NOTICE
    return LEFT_OUT_NOTE if n_hidden else ""
