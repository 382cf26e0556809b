"""Totals, ranks and sensitivity of the ranking.  Pure (numpy/pandas), no QGIS.

total(project) = Σ over counted criteria of points(value that counts) × weight.
Counted criteria are those not in group ``informatief`` and with points; a
criterion without a value that counts (not rated, or assessors disagree and
nothing is agreed) contributes 0 and makes the project incomplete.

Ranks are unique and deterministic: total (descending), then the number of
complete criteria (descending), then the project code (or name when there is
no code, natural order: P-2 before P-10), then project_id.

Sensitivity: every counted weight once ×(1+p) and once ×(1−p) (one at a time),
plus ``random_runs`` weight sets with every weight ×U(1−p, 1+p) drawn with a
fixed seed.  rank_min/rank_max over the base ranking and all variants is the
rank range of a project.
"""

import functools
import re

from .criteria import criteria_list
from .scores import STATE_DISAGREE, consensus, scores_frame

DEFAULT_SEED = 20250101
TOTAL_DECIMALS = 9


_DIGITS = re.compile(r"(\d+)")


def _natural(text):
    return list(_natural_key(str(text)))


@functools.lru_cache(maxsize=1 << 16)
def _natural_key(text):
    """The natural sort key of a label (P-2 before P-10) as a tuple; remembered, as labels rarely change."""
    return tuple((0, int(t), "") if t.isdigit() else (1, 0, t) for t in _DIGITS.split(text.casefold()) if t)


def label_order(projects):
    """Each project's place in the order of code (or name when there is no code, natural order), then id."""
    import numpy as np

    labels = [code if isinstance(code, str) and code.strip() else (name or "")
              for code, name in zip(projects["code"], projects["name"])]
    keys = [(_natural_key(str(label)), str(pid)) for label, pid in zip(labels, projects["project_id"])]
    by_label = np.empty(len(keys), dtype=np.int64)
    by_label[sorted(range(len(keys)), key=keys.__getitem__)] = np.arange(len(keys))
    return by_label


def tie_order(projects, n_complete, by_label=None):
    """Index array: the order of projects when totals are equal (more complete criteria first, then the code or
    name in natural order, then project_id).  ``by_label``: :func:`label_order` of ``projects`` if known."""
    import numpy as np

    if by_label is None:
        by_label = label_order(projects)
    n = len(by_label)
    # by completeness (descending), then label order: one stable sort of the label ranks
    order = np.lexsort((by_label, -np.asarray(n_complete, dtype=np.int64))) if n else np.zeros(0, int)
    pos = np.empty(n, dtype=int)
    pos[order] = np.arange(n)
    return pos  # tie position of each project


def ranks_for(totals, tie_pos):
    """Ranks (1 = best) for totals of shape (n,) or (runs, n)."""
    import numpy as np

    t = np.atleast_2d(np.round(np.asarray(totals, dtype=float), TOTAL_DECIMALS))
    # by total (descending), then tie position: one stable sort of the totals laid out in tie order
    perm = np.argsort(np.asarray(tie_pos), kind="stable")
    order = perm[np.argsort(-t[:, perm], axis=-1, kind="stable")]
    ranks = np.empty_like(order)
    rows = np.arange(t.shape[0])[:, None]
    ranks[rows, order] = np.arange(1, t.shape[1] + 1)
    return ranks if np.ndim(totals) == 2 else ranks[0]


MAX_INCREMENTAL = 16  # more changed projects than this: sort every variant again


def _stacked(totals, variants):
    """Base totals and variant totals as one rounded (1 + variants, projects) array, as ranks_for rounds them."""
    import numpy as np

    A = np.empty((1 + len(variants), len(totals)))
    A[0] = np.round(totals, TOTAL_DECIMALS)
    np.round(variants, TOTAL_DECIMALS, out=A[1:])
    return A


def _ranks_update(state, totals, variants, tie, n_complete):
    """Ranks (base, variants) after some projects' totals or completeness changed, from the ranks in ``state``.

    Between two projects that both kept their totals and tie key nothing changes, so only the comparisons with
    the changed projects are redone: a project j that is not changed moves down by one per changed project that
    beats it now and did not before, and up by one for the reverse; a changed project's rank is counted again."""
    import numpy as np

    A, A0, tie0, RR = _stacked(totals, variants), state["totals"], state["tie"], state["ranks"]
    changed = np.flatnonzero((A != A0).any(axis=0) | (n_complete != state["n_complete"]))
    if len(changed) > MAX_INCREMENTAL:
        RR = ranks_for(A, tie)
    else:
        for c in changed.tolist():  # RR is the state's own array: updated in place
            RR -= (A0[:, [c]] > A0) | ((A0[:, [c]] == A0) & (tie0[c] < tie0)[None, :])
            RR += (A[:, [c]] > A) | ((A[:, [c]] == A) & (tie[c] < tie)[None, :])
        for c in changed.tolist():  # the changed projects: counted again against everyone (undoes the above)
            RR[:, c] = 1 + ((A > A[:, [c]]) | ((A == A[:, [c]]) & (tie < tie[c])[None, :])).sum(axis=1)
    state.update(totals=A, tie=tie, n_complete=n_complete, ranks=RR)
    return RR[0], RR[1:]


def weight_variants(weights, variation_pct=25.0, random_runs=200, seed=DEFAULT_SEED):
    """Weight sets for the sensitivity: (k,) -> (m, k) array (one-at-a-time ±p, then random)."""
    import numpy as np

    w = np.asarray(weights, dtype=float)
    p = float(variation_pct) / 100.0
    sets = []
    for i in range(len(w)):
        for f in (1 + p, 1 - p):
            v = w.copy()
            v[i] = w[i] * f
            sets.append(v)
    if random_runs and random_runs > 0:
        rng = np.random.default_rng(seed)
        sets.extend(w * rng.uniform(1 - p, 1 + p, size=(int(random_runs), len(w))))
    return np.array(sets).reshape(-1, len(w))


def _distinct_variants(W, w):
    """The weight variants that can give other ranks: each distinct set once (the rank range is a minimum and
    maximum, so a repeated set adds nothing) and none equal to the weights themselves (their ranks are the
    ranks).  At 0 % - the scoring dock while its Rangorde tab is closed - nothing is left to rank."""
    import numpy as np

    if not len(W):
        return W
    W = np.unique(W, axis=0)
    return W[(W != w).any(axis=1)]


def rank_table(projects, criteria, cons, weights=None, variation_pct=25.0, random_runs=200, seed=DEFAULT_SEED,
               state=None):
    """The ranking as a DataFrame, one row per project, best first.

    ``projects``: DataFrame with project_id, code, name (status, status_reason
    optional); ``criteria``: list of criterion dicts (criteria_list);
    ``cons``: DataFrame from :func:`scores.consensus`; ``weights``: optional
    {criterion_id: weight} overriding the stored weights.

    Columns: project_id, code, name, status, status_reason, one column per
    criterion id (points that count, NaN when none), subtotal_<group> per
    group, total, n_counted, n_complete, complete, disagreement (bool),
    missing (comma-separated ids of counted criteria without a value),
    disputed (ids with disagreement), rank, rank_min, rank_max.

    ``state``: a dict kept by the caller between calls (the scoring dock).  When the projects, criteria,
    weights and variants are the same as in the previous call and only a few projects' points changed, the
    ranks of every variant are updated for those projects (each other rank moves by at most one per changed
    project) instead of sorting every variant again; the result is the same.
    """
    import numpy as np
    import pandas as pd

    weights = dict(weights or {})
    crit_ids = [c["criterion_id"] for c in criteria]
    counted = [c for c in criteria if c["counted"]]
    cidx = {c["criterion_id"]: j for j, c in enumerate(criteria)}
    pids = list(projects["project_id"])
    pidx = {p: i for i, p in enumerate(pids)}
    n, k = len(pids), len(criteria)
    pts = np.full((n, k), np.nan)
    disputed = [[] for _ in range(n)]
    if len(cons):
        # consensus rows -> (project, criterion) cells in one go (unknown projects/criteria are skipped)
        ix = pd.Index(pids)
        pi = ix.get_indexer(cons["project_id"]) if ix.is_unique else np.array(
            [pidx.get(p, -1) for p in cons["project_id"]], dtype=np.int64)
        cj_all = cons["criterion_id"].map(cidx).fillna(-1).to_numpy(dtype=np.int64)
        ok = (pi >= 0) & (cj_all >= 0)
        pv = pd.to_numeric(cons["points"], errors="coerce").to_numpy(dtype=float)
        put = ok & ~np.isnan(pv)
        pts[pi[put], cj_all[put]] = pv[put]
        dis = ok & (cons["state"].to_numpy(dtype=object) == STATE_DISAGREE)
        # two assessors writing a fact differently ('€ 95 mln', 'ca. 90 mln' for H) is no dispute over a value
        from .criteria import holds_text

        text_cols = [cidx[c["criterion_id"]] for c in criteria if holds_text(c)]
        if text_cols:
            dis &= ~np.isin(cj_all, text_cols)
        for i, cid in zip(pi[dis].tolist(), cons["criterion_id"].to_numpy(dtype=object)[dis].tolist()):
            disputed[i].append(cid)
    cj = [cidx[c["criterion_id"]] for c in counted]
    w = np.array([float(weights.get(c["criterion_id"], c["weight"])) for c in counted])
    P = pts[:, cj] if cj else np.zeros((n, 0))
    has = ~np.isnan(P)
    P0 = np.where(has, P, 0.0)
    totals = P0 @ w if len(w) else np.zeros(n)
    n_complete = has.sum(axis=1)
    W = _distinct_variants(weight_variants(w, variation_pct, random_runs, seed), w) if n and len(w) else np.zeros(
        (0, len(w)))
    key = (tuple(pids), tuple(projects["code"]), tuple(projects["name"]), tuple(crit_ids), tuple(cj),
           tuple(w.tolist()), float(variation_pct), random_runs, seed) if state is not None else None
    same = bool(state is not None and n and len(W) and state.get("key") == key)
    by_label = state["by_label"] if same else label_order(projects)
    tie = tie_order(projects, n_complete, by_label)
    V = W @ P0.T if len(W) else None  # totals per weight variant
    if same:
        base, R = _ranks_update(state, totals, V, tie, n_complete)
    else:
        base = ranks_for(totals, tie) if n else np.zeros(0, dtype=int)
        R = ranks_for(V, tie) if len(W) else None
        if state is not None:
            state.clear()
            if n and len(W):
                state.update(key=key, totals=_stacked(totals, V), tie=tie, n_complete=n_complete,
                             ranks=np.vstack([base[None, :], R]), by_label=by_label)
    rmin, rmax = base.copy(), base.copy()
    if R is not None:
        rmin = np.minimum(base, R.min(axis=0))
        rmax = np.maximum(base, R.max(axis=0))
    # every column at once (one frame, not one insert per column: half of the ranking's time at 500 projects)
    cols = {
        "project_id": pids,
        "code": list(projects["code"]),
        "name": list(projects["name"]),
        "status": list(projects["status"]) if "status" in projects else ["kandidaat"] * n,
        "status_reason": list(projects["status_reason"]) if "status_reason" in projects else [None] * n,
    }
    for j, cid in enumerate(crit_ids):
        cols[cid] = pts[:, j]
    groups = []
    for c in counted:
        if c["grp"] not in groups:
            groups.append(c["grp"])
    for g in groups:
        gi = [m for m, c in enumerate(counted) if c["grp"] == g]
        cols["subtotal_" + g] = P0[:, gi] @ w[gi]
    cols["total"] = np.round(totals, TOTAL_DECIMALS)
    cols["n_counted"] = np.full(n, len(counted), dtype=np.int64)
    cols["n_complete"] = n_complete.astype(int)
    cols["complete"] = n_complete == len(counted)
    cols["missing"] = _missing_texts(has, [c["criterion_id"] for c in counted])
    cols["disputed"] = [", ".join(d) for d in disputed]
    cols["disagreement"] = [bool(d) for d in disputed]
    cols["rank"] = base.astype(int)
    cols["rank_min"] = rmin.astype(int)
    cols["rank_max"] = rmax.astype(int)
    df = pd.DataFrame(cols, columns=list(cols))
    return df.sort_values("rank", kind="mergesort").reset_index(drop=True)


RANK_RULE = (
    "Rangorde: gerangschikt worden alle projecten die niet afgevallen en niet vertrouwelijk zijn "
    "(1 = hoogste totaal). Afgevallen en vertrouwelijke projecten krijgen geen rang, ook niet in uitvoer "
    "waarin vertrouwelijke projecten zijn meegenomen: zo heeft een project in elk overzicht (fiches, atlas, "
    "lijsten, web-atlas, rondes en varianten) dezelfde rang en heeft een openbare lijst geen gaten. "
    "Een criterium waarover beoordelaars het oneens zijn zonder vastgestelde waarde telt niet mee "
    "('oneens, telt niet mee'); het totaal van dat project is dan onvolledig en gemarkeerd."
)
NOT_RANKED_AFGEVALLEN = "afgevallen: geen rang"
NOT_RANKED_CONFIDENTIAL = "vertrouwelijk: geen rang"


def rank_population(projects):
    """Boolean array over ``projects``: which projects are ranked (see :data:`RANK_RULE`)."""
    import numpy as np

    from ..programme.visibility import confidential_mask

    n = len(projects)
    status = projects["status"].to_numpy(dtype=object) if "status" in projects else np.full(n, None, dtype=object)
    afg = np.array([s == "afgevallen" for s in status], dtype=bool)
    conf = confidential_mask(projects).to_numpy(dtype=bool) if n else np.zeros(0, dtype=bool)
    return ~afg & ~conf


def rank_programme(projects, criteria, cons, weights=None, variation_pct=25.0, random_runs=200, seed=DEFAULT_SEED,
                   state=None):
    """The programme ranking: :func:`rank_table` over the ranked population (:func:`rank_population`),
    then the other projects (afgevallen, vertrouwelijk) with their totals but without rank.

    Extra columns: ``ranked`` (bool) and ``rank_note`` ('' or why there is no rank); ``rank``,
    ``rank_min`` and ``rank_max`` are nullable integers (<NA> when not ranked).  ``state``: see
    :func:`rank_table` (the ranked projects' ranks updated instead of sorted again).
    """
    import numpy as np
    import pandas as pd

    from ..programme.visibility import confidential_mask

    projects = pd.DataFrame(projects).reset_index(drop=True)
    mask = rank_population(projects)
    ranked = rank_table(projects[mask].reset_index(drop=True), criteria, cons, weights, variation_pct,
                        random_runs, seed, state=state)
    ranked["ranked"] = True
    ranked["rank_note"] = ""
    parts = [ranked]
    if (~mask).any():
        rest_p = projects[~mask].reset_index(drop=True)
        rest = rank_table(rest_p, criteria, cons, weights, 0.0, 0, seed)  # no rank, so no rank range
        conf = dict(zip(rest_p["project_id"], confidential_mask(rest_p)))
        rest["ranked"] = False
        rest["rank_note"] = [NOT_RANKED_CONFIDENTIAL if conf.get(p) else NOT_RANKED_AFGEVALLEN
                             for p in rest["project_id"]]
        parts.append(rest.assign(rank=np.nan, rank_min=np.nan, rank_max=np.nan))
    out = pd.concat(parts, ignore_index=True) if len(parts) > 1 else ranked
    for c in ("rank", "rank_min", "rank_max"):
        out[c] = pd.array([None if (v is None or v != v) else int(v) for v in out[c]], dtype="Int64")
    return out


def _missing_texts(has, ids):
    """Per project the comma-separated ids without a value; one text per distinct pattern of gaps."""
    import numpy as np

    n, k = has.shape
    if not n or not k or k > 62:
        return [", ".join(c for m, c in enumerate(ids) if not has[i, m]) for i in range(n)]
    bits = (~has).astype(np.int64) @ (np.int64(1) << np.arange(k, dtype=np.int64))
    uniq, inv = np.unique(bits, return_inverse=True)
    texts = [", ".join(c for m, c in enumerate(ids) if (int(b) >> m) & 1) for b in uniq]
    return [texts[x] for x in inv.tolist()]


def projects_frame(wb):
    """Projects without geometry (project_id, code, name, status, status_reason, ...)."""
    return wb.read_frame("projects", geometry=False)


def score_projects(wb, weights=None, variation_pct=25.0, random_runs=200, seed=DEFAULT_SEED,
                   include_afgevallen=True, include_confidential=False):
    """The programme ranking of the werkbank (:func:`rank_programme`, rule :data:`RANK_RULE`).

    Confidential projects are left out of the frame unless ``include_confidential`` (they are never
    ranked); afgevallen ones are listed without rank unless ``include_afgevallen`` is False.
    """
    from ..programme.visibility import visible_projects

    projects = visible_projects(projects_frame(wb), include_confidential)
    if not include_afgevallen:
        projects = projects[projects["status"] != "afgevallen"]
    criteria = criteria_list(wb)
    cons = consensus(scores_frame(wb), criteria)
    return rank_programme(projects.reset_index(drop=True), criteria, cons, weights, variation_pct, random_runs,
                          seed)
