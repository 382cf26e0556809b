"""Ratings per project and criterion: record, import, and derive the agreed value.

Every rating has a rationale (motivatie), an assessor and a date.  Several
assessors may rate the same criterion of a project (one row per assessor,
key project × criterion × assessor).  The value that counts is

1. the agreed value (``scores.agreed = 1``), if any;
2. otherwise, when all assessors gave the same rating, that rating (unaniem);
3. otherwise none: the criterion is flagged as disagreement (oneens) and is
   incomplete for that project.
"""

import datetime as _dt

from ..werkbank import enums as E
from .criteria import criteria_list
from .errors import ScoringError
from ..ingest.errors import RowError

from ..ingest.columns import SCORE_COLUMNS as FIELD_ALIASES  # noqa: E402 - canonical column -> names
from ..ingest.columns import SCORE_REQUIRED as REQUIRED  # noqa: E402
from ..ingest.columns import NO_WORDS, YES_WORDS  # noqa: E402
from ..ingest.dates import date_problem, parse_date  # noqa: E402,F401 - the one date parser
DUTCH_FIELD = {
    "project_id": "project_id", "criterion_id": "criterium", "rating": "waardering", "rationale": "motivatie",
    "assessor": "beoordelaar", "assessor_role": "rol", "score_date": "datum", "agreed": "vastgesteld",
}

STATE_AGREED = "vastgesteld"
STATE_UNANIMOUS = "unaniem"
STATE_DISAGREE = "oneens"
STATE_MISSING = "ontbreekt"


def recognise_columns(names):
    """Map canonical fields to the first matching column name in ``names`` (the pipeline's one recogniser)."""
    from ..ingest.columns import recognise

    return recognise(names, FIELD_ALIASES, exclusive=True)


def _empty(v):
    return v is None or (isinstance(v, float) and v != v) or (isinstance(v, str) and not v.strip())


def _parse_bool(value):
    if _empty(value):
        return 0
    t = str(value).strip().lower()
    if t in YES_WORDS:
        return 1
    if t in NO_WORDS:
        return 0
    raise ValueError(t)


def on_scale(criterion, rating):
    """The rating in the criterion's own spelling, or None when it is not on the scale.  A criterion that holds text
    (``criteria.holds_text``: H, omvang kosten) takes what the assessor wrote ('€ 95 mln'), trimmed."""
    from .criteria import holds_text

    if holds_text(criterion):
        text = str(rating).strip()
        return text or None
    r = str(rating).strip().lower()
    for value in criterion["scale_list"]:
        if value.lower() == r:
            return value
    return None


def _project_index(wb, key=None):
    """The projects by id and code (:class:`..knooppunten.project_refs.ProjectRefs`, the one rule for "which
    project does this reference mean"); with ``key`` only those whose id or code is ``key`` are read (the same
    answer for that key)."""
    from ..knooppunten.project_refs import ProjectRefs

    return ProjectRefs.from_werkbank(wb, None if key is None else [key])


def _no_projects():
    from ..knooppunten.project_refs import ProjectRefs

    return ProjectRefs(())


def check_score(row, criteria, projects):
    """Problems of one rating as a list of (Dutch field name, message); [] when fine.

    ``row`` has canonical keys; ``criteria`` is {criterion_id: criterion dict}
    (from :func:`criteria_list`); ``projects``: the projects by id and code (:func:`_project_index`).
    Normalises ``row`` in place (project_id, rating spelling, role code, date, agreed).
    """
    problems = []
    for f in REQUIRED:
        if _empty(row.get(f)):
            what = {"rationale": "de motivatie is verplicht: leg uit waarom deze waardering is gegeven",
                    "rating": "de waardering is leeg",
                    "assessor": "de beoordelaar is leeg: vul in wie beoordeelt"}.get(f, "is leeg")
            problems.append((DUTCH_FIELD[f], what))
    pid = row.get("project_id")
    if not _empty(pid):
        key = str(pid).strip()
        found, problem = projects.lookup(key)
        if problem:
            problems.append(("project_id", problem))
        elif found is None:
            problems.append(("project_id", "onbekend project '{}'".format(key)))
        else:
            row["project_id"] = found
    cid = row.get("criterion_id")
    crit = None
    if not _empty(cid):
        cid = str(cid).strip()
        crit = criteria.get(cid) or next((c for k, c in criteria.items() if k.lower() == cid.lower()), None)
        if crit is None:
            problems.append(("criterium", "onbekend criterium '{}'; kies uit: {}".format(cid, ", ".join(criteria))))
        else:
            row["criterion_id"] = crit["criterion_id"]
    if crit is not None and not _empty(row.get("rating")):
        value = on_scale(crit, row["rating"])
        if value is None:
            problems.append(("waardering", "'{}' staat niet op de schaal van criterium {} ({}): kies uit {}".format(
                str(row["rating"]).strip(), crit["criterion_id"], crit["name"], " / ".join(crit["scale_list"]))))
        else:
            row["rating"] = value
    if not _empty(row.get("rationale")):
        row["rationale"] = str(row["rationale"]).strip()
    if not _empty(row.get("assessor")):
        row["assessor"] = str(row["assessor"]).strip()
    role = row.get("assessor_role")
    if _empty(role):
        row["assessor_role"] = crit["assessor_role"] if crit is not None and not _empty(crit.get("assessor_role")) else None
    else:
        r = str(role).strip().lower()
        code = next((c for c, lab in E.ASSESSOR_ROLES.items() if r in (c, lab.lower())), None)
        if code is None:
            problems.append(("rol", "onbekende rol '{}'; kies uit: {}".format(role, ", ".join(E.ASSESSOR_ROLES))))
        else:
            row["assessor_role"] = code
    date = row.get("score_date")
    if _empty(date):
        problems.append(("datum", "de datum is leeg"))
    else:
        try:
            row["score_date"] = parse_date(date)
        except ValueError:
            problems.append(("datum", date_problem(date)))
    try:
        row["agreed"] = _parse_bool(row.get("agreed"))
    except ValueError:
        problems.append(("vastgesteld", "'{}' is geen ja/nee".format(row.get("agreed"))))
    return problems


def today():
    return _dt.date.today().isoformat()


def _existing_ids(wb, rows=None):
    """{(project_id, criterion_id, assessor): score_id}; with ``rows`` (a few dicts) only their keys are read."""
    sql = "SELECT score_id, project_id, criterion_id, assessor FROM scores"
    if rows is not None and len(rows) <= 50:
        keys = {(r["project_id"], r["criterion_id"], r["assessor"]) for r in rows}
        found = {}
        for k in keys:
            found.update(_existing_ids_where(wb, sql + " WHERE project_id = ? AND criterion_id = ? AND assessor = ?",
                                             k))
        return found
    return _existing_ids_where(wb, sql, ())


def _existing_ids_where(wb, sql, params):
    return {(r["project_id"], r["criterion_id"], r["assessor"]): r["score_id"] for r in wb.query(sql, params)}


KEEP = object()  # record_score(organisation=KEEP): the stored organisation stays as it is


def _write(wb, rows, user=None, versions=None):
    """Upsert clean rows by (project, criterion, assessor); one agreed value per project × criterion.

    ``versions`` (``ingest.versions.snapshot`` taken when an import started reading): a score changed or deleted
    since then is a ``ConflictError`` and nothing is written."""
    from ..ingest.versions import expected
    from ..werkbank import new_id

    ids = _existing_ids(wb, rows)
    for r in rows:
        r["score_id"] = ids.get((r["project_id"], r["criterion_id"], r["assessor"])) or new_id()
    cols = ("score_id", "project_id", "criterion_id", "rating", "rationale", "assessor", "assessor_role",
            "score_date", "agreed")
    if any("assessor_org" in r for r in rows):  # the organisation only when given (an import leaves it alone)
        cols += ("assessor_org",)
    with wb.transaction():
        reset_agreed(wb, rows, versions, user)
        counts = wb.write_frame("scores", [{c: r.get(c) for c in cols} for r in rows], mode="upsert", user=user,
                                expected_versions=expected(versions, "scores"))
    return counts


def reset_agreed(wb, rows, versions=None, user=None):
    """One agreed value per project × criterion: an agreed row replaces the earlier one (its ``agreed`` -> 0).
    Also the spec 'scores' before-write hook of ``ingest.runner`` (``rows``: dicts or a DataFrame)."""
    from ..ingest.versions import expected

    if hasattr(rows, "to_dict"):
        rows = rows.to_dict("records")
    pairs = {(r["project_id"], r["criterion_id"]): r["score_id"] for r in rows if r.get("agreed")}
    if pairs:
        reset = [{"score_id": x["score_id"], "agreed": 0}
                 for x in wb.query("SELECT score_id, project_id, criterion_id FROM scores WHERE agreed = 1")
                 if pairs.get((x["project_id"], x["criterion_id"]), x["score_id"]) != x["score_id"]]
        if reset:
            wb.write_frame("scores", reset, mode="upsert", user=user, expected_versions=expected(versions, "scores"))


def record_score(wb, project_id, criterion_id, rating, rationale, assessor, role=None, date=None,
                 agreed=False, user=None, organisation=KEEP):
    """Record (or replace) one assessor's rating of one criterion of one project.

    Refuses, with a Dutch :class:`ScoringError`, a rating without motivatie, a
    rating that is not on the criterion's scale, an unknown project/criterion
    or an empty assessor.  ``date`` defaults to today.  ``organisation``: the
    assessor's organisation (``assessor_org``; empty clears it), written in the
    same single write as the rating, so the audit trail has one entry by the
    writer; left out (:data:`KEEP`), a stored organisation stays.  Returns the score_id.
    """
    criteria = {c["criterion_id"]: c for c in criteria_list(wb)}
    row = {
        "project_id": project_id, "criterion_id": criterion_id, "rating": rating, "rationale": rationale,
        "assessor": assessor, "assessor_role": role, "score_date": date or today(), "agreed": 1 if agreed else 0,
    }
    if organisation is not KEEP:
        row["assessor_org"] = None if _empty(organisation) else str(organisation).strip()
    key = None if _empty(project_id) else str(project_id).strip()
    problems = check_score(row, criteria, _project_index(wb, key) if key is not None else _no_projects())
    if problems:
        head = "Waardering van project {}, criterium {} geweigerd".format(project_id, criterion_id)
        msgs = ["{}: veld '{}': {}.".format(head, f, m) for f, m in problems]
        raise ScoringError("\n".join(msgs), msgs)
    _write(wb, [row], user=user)
    return row["score_id"]  # _write gave the row its stored id (the existing one, or a new one)


def validate_scores(wb, frame, source, default_date=None):
    """Spec 'scores' (validate hook of ``ingest.runner``): every rating checked (scale, motivatie, project,
    criterion, assessor, date), duplicates and a second agreed value per project × criterion named by row; the
    rows get the score_id of the stored rating of the same project, criterion and assessor."""
    import pandas as pd

    from ..werkbank import new_id

    records = frame.to_dict("records") if hasattr(frame, "to_dict") else list(frame)
    criteria = {c["criterion_id"]: c for c in criteria_list(wb)}
    projects = _project_index(wb)
    problems, clean, seen, agreed_rows = [], [], {}, {}
    for n, rec in enumerate(records, start=1):
        row = {k: v for k, v in rec.items() if not (isinstance(v, float) and v != v)}
        rownum = row.pop("_row", n)
        if default_date and _empty(row.get("score_date")) and "score_date" not in rec:
            row["score_date"] = default_date
        ident = None if _empty(row.get("project_id")) else row.get("project_id")
        found = check_score(row, criteria, projects)
        key = (row.get("project_id"), row.get("criterion_id"), row.get("assessor"))
        full = all(not _empty(k) for k in key)

        def bad(msg, field=None, repeats=None, _rownum=rownum, _ident=ident, _key=key, _full=full):
            # one RowError per problem: the runner rejects the row and imports the rest (unless strict)
            problems.append(RowError(source, _rownum, msg, _ident, field, key=_key if _full else None,
                                     repeats=repeats, ident_label="project"))

        for field, msg in found:
            bad(msg, field)
        if full:
            if key in seen:
                bad("project {}, criterium {}, beoordelaar {} staat ook in rij {}".format(key[0], key[1], key[2],
                                                                                       seen[key]),
                    repeats=seen[key])
            else:
                seen[key] = rownum
            if row.get("agreed") == 1:
                pair = key[:2]
                if pair in agreed_rows:
                    bad("project {}, criterium {} heeft al een vastgestelde waarde in rij {}; er is er maar "
                        "één".format(key[0], key[1], agreed_rows[pair]), "vastgesteld", repeats=agreed_rows[pair])
                else:
                    agreed_rows[pair] = rownum
        if not found:
            clean.append(dict(row, _row=rownum))  # _row: the source row (a conflict names it)
    if not records:
        return None, ["{}: geen beoordelingen gevonden".format(source)], []
    if problems:
        return None, problems, []
    ids = _existing_ids(wb)
    cols = ("score_id", "project_id", "criterion_id", "rating", "rationale", "assessor", "assessor_role",
            "score_date", "agreed")
    for r in clean:
        r["score_id"] = ids.get((r["project_id"], r["criterion_id"], r["assessor"])) or new_id()
    cols += ("_row",)
    return pd.DataFrame([{c: r.get(c) for c in cols} for r in clean], columns=list(cols)), [], []


def import_scores(wb, records, source="invoer", user=None, default_date=None, source_wins=False, conflicts=None,
                  versions=None):
    """Validate and upsert many ratings through the one import runner, all or nothing.

    ``records``: list of dicts (or a DataFrame) with canonical keys (see ``FIELD_ALIASES``) and optionally
    ``_row`` (the row number users see).  Any invalid row -> :class:`ScoringError` naming source, row and field;
    nothing is written.  A score changed after the previous import keeps its value unless ``source_wins``
    (``ingest.decisions``); the conflicts are appended to ``conflicts``.  ``versions``: the scores' row versions
    when the import started reading (default: now); a score changed since then is a conflict naming it, who and
    when.  Returns ``{"inserted", "updated", "unchanged"}``.
    """
    import pandas as pd

    from ..ingest.errors import ImportFailed
    from ..ingest.runner import run

    frame = records if hasattr(records, "to_dict") else pd.DataFrame(list(records))
    try:
        out = run(wb, "scores", lambda: (frame, source), source_wins=source_wins, versions=versions, user=user,
                  default_date=default_date)
    except ImportFailed as e:
        raise ScoringError(str(e)) from e
    if conflicts is not None:
        conflicts.extend(out.conflicts)
    return out.counts


def scores_frame(wb):
    """All ratings as a DataFrame (the table's columns), sorted by project, criterion, assessor."""
    df = wb.read_frame("scores")
    return df.sort_values(["project_id", "criterion_id", "assessor"], kind="mergesort").reset_index(drop=True)


CONSENSUS_COLUMNS = ["project_id", "criterion_id", "n_assessors", "assessors", "value", "state", "disagreement",
                     "differ", "points"]


def _points_lookup(criteria):
    """{(criterion_id, rating lower-case): points}: the first scale value that matches, as :func:`points_for`."""
    table = {}
    for c in criteria:
        for value, p in zip(c["scale_list"], c["points_list"]):
            table.setdefault((c["criterion_id"], str(value).lower()), p)
    return table


def consensus(scores, criteria):
    """One row per rated (project, criterion): the value that counts and the state.

    ``scores``: DataFrame from :func:`scores_frame`; ``criteria``: list of
    criterion dicts.  Columns: project_id, criterion_id, n_assessors,
    assessors (list of (assessor, rating, role, date, agreed)), value (rating
    that counts or None), state (vastgesteld/unaniem/oneens), disagreement
    (bool: assessors differ and nothing agreed), points (float or None).

    Vectorised (one stable sort and group codes, no loop per project or
    criterion): 12,000 ratings in a few milliseconds.  Rows are in the order of
    (project_id, criterion_id); within a pair the ratings keep the input order
    (the last agreed one counts).  Ratings compare case-insensitively.
    """
    import numpy as np
    import pandas as pd

    if not len(scores):
        return pd.DataFrame([], columns=CONSENSUS_COLUMNS)
    # (project, criterion) pairs as integer keys in sorted order; missing ids (-1) are left out, as groupby does
    pcode, puniq = pd.factorize(scores["project_id"], sort=True)
    ccode, cuniq = pd.factorize(scores["criterion_id"], sort=True)
    key = pcode.astype(np.int64) * max(len(cuniq), 1) + ccode
    valid = (pcode >= 0) & (ccode >= 0)
    order = np.flatnonzero(valid)
    order = order[np.argsort(key[order], kind="stable")]  # within a pair: the input order
    n = len(order)
    if not n:
        return pd.DataFrame([], columns=CONSENSUS_COLUMNS)
    key = key[order]
    start = np.ones(n, dtype=bool)
    start[1:] = key[1:] != key[:-1]
    starts = np.flatnonzero(start)
    ends = np.append(starts[1:], n)
    g = np.cumsum(start) - 1  # pair of each rating (in sorted order)
    n_groups = len(starts)

    def codes_of(column):
        """Integer codes of a column in sorted-rating order (-1 = missing) and the distinct values."""
        c, u = pd.factorize(scores[column].to_numpy(dtype=object)[order])
        return c.astype(np.int64), u

    # ratings compare case-insensitively: factorize, then lower-case only the distinct values
    rcode, runiq = codes_of("rating")
    lowered = [str(v).lower() for v in runiq]
    lcode_of_r, luniq = pd.factorize(np.array(lowered, dtype=object))
    lcode = np.where(rcode >= 0, lcode_of_r[np.maximum(rcode, 0)] if len(runiq) else 0, -1)
    nl = len(luniq) + 1
    pairs = np.unique(g * nl + (lcode + 1))
    n_distinct = np.bincount(pairs // nl, minlength=n_groups)
    # assessors per pair (missing ones not counted, as nunique)
    acode, auniq = codes_of("assessor")
    na = len(auniq) + 1
    has_a = acode >= 0
    ap = np.unique(g[has_a] * na + acode[has_a])
    n_assessors = np.bincount(ap // na, minlength=n_groups)
    # the last agreed rating of each pair
    agreed_col = scores["agreed"].fillna(0).astype(int)
    agreed = agreed_col.to_numpy()[order]
    ai = np.flatnonzero(agreed == 1)
    has_agreed = np.zeros(n_groups, dtype=bool)
    chosen = np.full(n_groups, -1)
    unanimous = n_distinct == 1
    chosen[unanimous] = starts[unanimous]  # the first rating's spelling
    if len(ai):
        chosen[g[ai]] = ai  # later indices overwrite earlier ones: the last agreed one
        has_agreed[g[ai]] = True
    unanimous &= ~has_agreed
    picked = chosen >= 0
    rating = scores["rating"].to_numpy(dtype=object)[order]
    value = np.full(n_groups, None, dtype=object)
    value[picked] = rating[chosen[picked]]
    state = np.full(n_groups, STATE_DISAGREE, dtype=object)
    state[unanimous] = STATE_UNANIMOUS
    state[has_agreed] = STATE_AGREED
    # points of the value that counts: looked up once per distinct (criterion, rating)
    gcc = ccode[order][starts]
    lookup = _points_lookup(criteria)
    points = np.full(n_groups, None, dtype=object)
    if picked.any():
        vl = lcode[chosen[picked]]
        combo = gcc[picked].astype(np.int64) * nl + (vl + 1)
        uc, inv = np.unique(combo, return_inverse=True)
        pts = [lookup.get((cuniq[c // nl], str(luniq[c % nl - 1]).strip()) if c % nl else None) for c in uc]
        points[picked] = np.array(pts + [None], dtype=object)[:-1][inv]
    # every rating of a pair as (assessor, rating, role, date, agreed), in input order
    cols = [scores[c].to_numpy(dtype=object)[order].tolist() for c in ("assessor", "rating", "assessor_role",
                                                                        "score_date")]
    rows = list(zip(*cols, agreed.tolist()))
    return _consensus_frame({
        "project_id": np.asarray(puniq[pcode[order][starts]], dtype=object),
        "criterion_id": np.asarray(cuniq[gcc], dtype=object),
        "n_assessors": n_assessors.astype(np.int64),
        "assessors": [rows[s:e] for s, e in zip(starts.tolist(), ends.tolist())],
        "value": value,
        "state": state,
        "disagreement": state == STATE_DISAGREE,
        "differ": n_distinct > 1,
        "points": points.tolist(),
    })


def consensus_update(cons, scores, criteria, pairs):
    """The consensus after the ratings of some (project_id, criterion_id) ``pairs`` changed.

    ``cons``: the consensus before (from :func:`consensus` or this function); ``scores``: all ratings after the
    change (as :func:`scores_frame`).  Only the ratings of ``pairs`` are looked at: their rows are recomputed with
    :func:`consensus` and put in place (a pair without ratings left is dropped, a new pair inserted in the
    (project_id, criterion_id) order).  The result equals ``consensus(scores, criteria)``.
    """
    import numpy as np
    import pandas as pd

    pairs = {(p, c) for p, c in pairs}
    if cons is None or not len(cons) or not len(scores):
        return consensus(scores, criteria)
    if not pairs:
        return cons
    pset = {p for p, _ in pairs}
    cset = {c for _, c in pairs}

    def rows_of(frame):
        near = np.flatnonzero((frame["project_id"].isin(pset) & frame["criterion_id"].isin(cset)).to_numpy())
        pc = zip(frame["project_id"].to_numpy(dtype=object)[near], frame["criterion_id"].to_numpy(dtype=object)[near])
        return near[np.array([k in pairs for k in pc], dtype=bool)] if len(near) else near

    fresh = consensus(scores.iloc[rows_of(scores)], criteria)
    old = rows_of(cons)
    same = _replace_in_place(cons, fresh, old)
    if same is not None:
        return same
    keep = np.ones(len(cons), dtype=bool)
    keep[old] = False

    def raw(frame, col):  # a column as consensus() builds it (points: floats and None)
        if col == "points":
            return [None if (v is None or v != v) else v for v in frame[col].tolist()]
        if col == "assessors":
            return frame[col].tolist()
        return frame[col].to_numpy(dtype=object if frame[col].dtype == object else None)

    columns = {}
    for col in CONSENSUS_COLUMNS:
        a, b = raw(cons[keep], col), raw(fresh, col)
        columns[col] = a + b if isinstance(a, list) else np.concatenate([a, b.astype(a.dtype) if len(b) else a[:0]])
    if not len(columns["project_id"]):
        return pd.DataFrame([], columns=CONSENSUS_COLUMNS)
    # the (project_id, criterion_id) order of consensus (sorted distinct ids)
    pcode = pd.factorize(columns["project_id"], sort=True)[0].astype(np.int64)
    ccode, cuniq = pd.factorize(columns["criterion_id"], sort=True)
    order = np.argsort(pcode * max(len(cuniq), 1) + ccode, kind="stable")
    for col, v in columns.items():
        columns[col] = [v[i] for i in order.tolist()] if isinstance(v, list) else v[order]
    return _consensus_frame(columns)


def _replace_in_place(cons, fresh, old):
    """The consensus with rows ``old`` replaced by ``fresh`` when both hold the same pairs in the same order (a
    rating changed) and every column keeps the type the full consensus would give it; else None."""
    import numpy as np

    if len(old) != len(fresh) or not len(old):
        return None
    if (list(cons["project_id"].to_numpy(dtype=object)[old]) != list(fresh["project_id"])
            or list(cons["criterion_id"].to_numpy(dtype=object)[old]) != list(fresh["criterion_id"])):
        return None
    columns = {}
    for col in CONSENSUS_COLUMNS:
        values = cons[col].to_numpy(copy=True)
        if col == "points":
            new = [None if (v is None or v != v) else v for v in fresh[col].tolist()]
            if values.dtype == object:  # no points anywhere before: stays so only when none now either
                if any(v is not None for v in new):
                    return None
                values[old] = None
                columns[col] = values.tolist()
                continue
            values[old] = np.array([np.nan if v is None else v for v in new], dtype=float)
            if np.isnan(values).all():  # no points left anywhere: the full consensus gives None, not NaN
                return None
        elif col == "assessors":
            for i, v in zip(old.tolist(), fresh[col].tolist()):
                values[i] = v
        else:
            new = fresh[col].to_numpy()
            if values.dtype != object and new.dtype != values.dtype:
                return None
            values[old] = new
        columns[col] = values
    columns["assessors"] = columns["assessors"].tolist()
    return _consensus_frame(columns)


def _consensus_frame(columns):
    """The consensus DataFrame from its columns (numpy arrays; ``assessors`` and ``points`` as lists)."""
    import pandas as pd

    return pd.DataFrame({c: columns[c] for c in CONSENSUS_COLUMNS}, columns=CONSENSUS_COLUMNS)
