"""Decisions: a project is opgenomen or afgevallen, always with a reason.

The decision is stored in ``projects.status``/``status_reason`` and logged in
``audit_log`` (who, when, old and new status), so the list of afgevallen
projects with their reasons can always be produced.
"""

from ..werkbank import enums as E
from .errors import ScoringError

AFGEVALLEN_COLUMNS = (
    ("code", "Code"),
    ("name", "Project"),
    ("netbeheerder", "Netbeheerder"),
    ("status_reason", "Reden afvallen"),
    ("modified", "Besluit vastgelegd op"),
    ("modified_by", "Door"),
    ("project_id", "Project-id"),
)


def set_status(wb, project_id, status, reason=None, user=None, expected_row_version=None):
    """Set a project's status (kandidaat/opgenomen/afgevallen).

    opgenomen and afgevallen need a reason; refused with a Dutch
    :class:`ScoringError` otherwise.  ``project_id`` may also be the code.
    With ``expected_row_version`` (the version the user saw) a concurrent change
    raises the werkbank's ConflictError instead of being overwritten.
    """
    status = str(status or "").strip().lower()
    if status not in E.PROJECT_STATUS:
        raise ScoringError("Onbekende status '{}'; kies uit: {}.".format(status, ", ".join(E.PROJECT_STATUS)))
    reason = (reason or "").strip()
    from ..knooppunten.project_refs import ProjectRefs

    pid, problem = ProjectRefs.from_werkbank(wb, [project_id]).lookup(project_id)  # id or code: the one rule
    if problem:
        raise ScoringError("Project: {}.".format(problem[0].upper() + problem[1:]))
    if pid is None:
        raise ScoringError("Onbekend project '{}'.".format(project_id))
    rows = wb.query("SELECT project_id, code, name, status, status_reason, row_version FROM projects WHERE project_id = ?",
                    (pid,))
    p = rows[0]
    if status in ("opgenomen", "afgevallen") and not reason:
        raise ScoringError(
            "Project {} ({}): een reden is verplicht om het project '{}' te zetten; "
            "leg vast waarom.".format(p["code"] or p["project_id"], p["name"], E.label(E.PROJECT_STATUS, status))
        )
    if status == "kandidaat" and not reason and p["status"] != "kandidaat":
        # back to kandidaat without a new reason: the reason it had as kandidaat before the decision comes back
        # (an undo), instead of an empty one with the old text only in the audit trail
        reason = _reason_before_decision(wb, p["project_id"]) or ""
    if status == p["status"] and (reason or None) == (p["status_reason"] or None):
        return p["project_id"]
    # update_row: optimistic concurrency and an audit entry (who, when, old and new status)
    wb.update_row("projects", p["project_id"], {"status": status, "status_reason": reason or None},
                  expected_row_version if expected_row_version is not None else p["row_version"], user=user)
    return p["project_id"]


def _reason_before_decision(wb, project_id):
    """The status_reason the project had as kandidaat just before its latest move away from kandidaat (the audit
    trail's old values of that change), or None."""
    import json

    for r in wb.query("SELECT old_values, new_values FROM audit_log WHERE table_name = 'projects' AND row_key = ? "
                      "AND action = 'update' ORDER BY fid DESC", (str(project_id),)):
        try:
            old = json.loads(r["old_values"] or "{}")
            new = json.loads(r["new_values"] or "{}")
        except ValueError:
            continue
        if "status" in new and old.get("status") == "kandidaat":
            return old.get("status_reason")
    return None


def afgevallen(wb, include_confidential=False):
    """The afgevallen projects with their reasons (DataFrame, internal column names, by code).

    Confidential projects only with ``include_confidential`` (programme.visibility)."""
    from ..programme.visibility import visible_projects

    cols = [c for c, _ in AFGEVALLEN_COLUMNS]
    df = wb.read_frame("projects", columns=cols + ["confidential"], where="status = 'afgevallen'", geometry=False)
    df = visible_projects(df, include_confidential).drop(columns=["confidential"])
    return df.sort_values(["code", "name"], kind="mergesort", na_position="last").reset_index(drop=True)


def decision_history(wb, project_id=None):
    """Every status change from the audit trail: project_id, changed_at, changed_by, old_status, status, reason."""
    import pandas as pd

    rows = []
    for h in wb.history("projects", project_id):
        new = h.get("new") or {}
        if h["action"] != "update" or "status" not in new and "status_reason" not in new:
            continue
        old = h.get("old") or {}
        rows.append({"project_id": h["key"], "changed_at": h["changed_at"], "changed_by": h["changed_by"],
                     "old_status": old.get("status", new.get("status")), "status": new.get("status", old.get("status")),
                     "reason": new.get("status_reason")})
    return pd.DataFrame(rows, columns=["project_id", "changed_at", "changed_by", "old_status", "status", "reason"])


def export_afgevallen(wb, path, include_confidential=False):
    """Write the afgevallen list with Dutch headers to .csv (``;``, UTF-8 with BOM) or .xlsx. Returns row count.

    With ``include_confidential`` the first column header says the list contains confidential projects."""
    from .. import tabular
    from ..programme.visibility import CONFIDENTIAL_NOTICE

    df = afgevallen(wb, include_confidential).rename(columns=dict(AFGEVALLEN_COLUMNS))
    if include_confidential:
        df = df.rename(columns={df.columns[0]: "{} ({})".format(df.columns[0], CONFIDENTIAL_NOTICE)})
    df = df.astype(object).where(df.notna(), None)
    p = str(path).lower()
    if p.endswith((".xlsx", ".csv")):  # reasons are free text: the one writer neutralises formulas
        tabular.write_frame(df, path, sheet_name="Afgevallen")
    else:
        raise ScoringError("{}: kies .csv of .xlsx voor de lijst afgevallen projecten.".format(path))
    return len(df)
