"""Frozen copies of ``scoring.scores.consensus`` and ``scoring.ranking.rank_table`` as they were before
vectorising (a Python loop over the pandas groups per project and criterion; a loop over the consensus rows,
lexsort ranks).  Only used by ``tests/test_consensus_equivalence.py`` and the bench (S1).  Unchanged code,
so no lint rules are relaxed here beyond what the originals passed."""

STATE_AGREED = "vastgesteld"
STATE_UNANIMOUS = "unaniem"
STATE_DISAGREE = "oneens"


def points_for(criterion, rating):
    scale = criterion["scale_list"]
    pts = criterion["points_list"]
    for value, p in zip(scale, pts):
        if value.lower() == str(rating).strip().lower():
            return p
    return None


def consensus(scores, criteria):
    import pandas as pd

    by_id = {c["criterion_id"]: c for c in criteria}
    out = []
    if len(scores):
        for (pid, cid), grp in scores.groupby(["project_id", "criterion_id"], sort=True):
            crit = by_id.get(cid)
            ratings = list(grp["rating"])
            agreed = grp[grp["agreed"].fillna(0).astype(int) == 1]
            distinct = sorted(set(r.lower() for r in ratings))
            if len(agreed):
                value, state = agreed["rating"].iloc[-1], STATE_AGREED
            elif len(distinct) == 1:
                value, state = ratings[0], STATE_UNANIMOUS
            else:
                value, state = None, STATE_DISAGREE
            pts = None
            if value is not None and crit is not None:
                pts = points_for(crit, value)
            out.append({
                "project_id": pid,
                "criterion_id": cid,
                "n_assessors": int(grp["assessor"].nunique()),
                "assessors": list(zip(grp["assessor"], grp["rating"], grp["assessor_role"], grp["score_date"],
                                      grp["agreed"].fillna(0).astype(int))),
                "value": value,
                "state": state,
                "disagreement": state == STATE_DISAGREE,
                "differ": len(distinct) > 1,
                "points": pts,
            })
    cols = ["project_id", "criterion_id", "n_assessors", "assessors", "value", "state", "disagreement", "differ",
            "points"]
    return pd.DataFrame(out, columns=cols)


# ---- ranking (scoring/ranking.py at commit ffc25f6) ----
import re  # noqa: E402


DEFAULT_SEED = 20250101
TOTAL_DECIMALS = 9


def _natural(text):
    return [(0, int(t), "") if t.isdigit() else (1, 0, t) for t in re.split(r"(\d+)", str(text).casefold()) if t]


def tie_order(projects, n_complete):
    """Index array: the order of projects when totals are equal."""
    import numpy as np

    keys = []
    for i, (pid, code, name) in enumerate(zip(projects["project_id"], projects["code"], projects["name"])):
        label = code if isinstance(code, str) and code.strip() else (name or "")
        keys.append((-int(n_complete[i]), _natural(label), str(pid)))
    order = sorted(range(len(keys)), key=lambda i: keys[i])
    pos = np.empty(len(keys), dtype=int)
    pos[order] = np.arange(len(keys))
    return pos  # tie position of each project


def ranks_for(totals, tie_pos):
    """Ranks (1 = best) for totals of shape (n,) or (runs, n)."""
    import numpy as np

    t = np.atleast_2d(np.round(np.asarray(totals, dtype=float), TOTAL_DECIMALS))
    tie = np.broadcast_to(tie_pos, t.shape)
    order = np.lexsort((tie, -t), axis=-1)
    ranks = np.empty_like(order)
    rows = np.arange(t.shape[0])[:, None]
    ranks[rows, order] = np.arange(1, t.shape[1] + 1)
    return ranks if np.ndim(totals) == 2 else ranks[0]


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


def rank_table_reference(projects, criteria, cons, weights=None, variation_pct=25.0, random_runs=200, seed=DEFAULT_SEED):
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
    for rec in cons.itertuples(index=False):
        i, j = pidx.get(rec.project_id), cidx.get(rec.criterion_id)
        if i is None or j is None:
            continue
        if rec.points is not None and not (isinstance(rec.points, float) and np.isnan(rec.points)):
            pts[i, j] = float(rec.points)
        if rec.state == STATE_DISAGREE:
            disputed[i].append(rec.criterion_id)
    cj = [cidx[c["criterion_id"]] for c in counted]
    w = np.array([float(weights.get(c["criterion_id"], c["weight"])) for c in counted])
    P = pts[:, cj] if cj else np.zeros((n, 0))
    has = ~np.isnan(P)
    P0 = np.where(has, P, 0.0)
    totals = P0 @ w if len(w) else np.zeros(n)
    n_complete = has.sum(axis=1)
    tie = tie_order(projects, n_complete)
    base = ranks_for(totals, tie) if n else np.zeros(0, dtype=int)
    rmin, rmax = base.copy(), base.copy()
    if n and len(w):
        W = weight_variants(w, variation_pct, random_runs, seed)
        if len(W):
            R = ranks_for(W @ P0.T, tie)
            rmin = np.minimum(base, R.min(axis=0))
            rmax = np.maximum(base, R.max(axis=0))
    df = pd.DataFrame({
        "project_id": pids,
        "code": list(projects["code"]),
        "name": list(projects["name"]),
        "status": list(projects["status"]) if "status" in projects else ["kandidaat"] * n,
        "status_reason": list(projects["status_reason"]) if "status_reason" in projects else [None] * n,
    })
    for j, cid in enumerate(crit_ids):
        df[cid] = pts[:, j]
    groups = []
    for c in counted:
        if c["grp"] not in groups:
            groups.append(c["grp"])
    for g in groups:
        cols = [m for m, c in enumerate(counted) if c["grp"] == g]
        df["subtotal_" + g] = P0[:, cols] @ w[cols]
    df["total"] = np.round(totals, TOTAL_DECIMALS)
    df["n_counted"] = len(counted)
    df["n_complete"] = n_complete.astype(int)
    df["complete"] = n_complete == len(counted)
    df["missing"] = [", ".join(c["criterion_id"] for m, c in enumerate(counted) if not has[i, m]) for i in range(n)]
    df["disputed"] = [", ".join(d) for d in disputed]
    df["disagreement"] = [bool(d) for d in disputed]
    df["rank"] = base.astype(int)
    df["rank_min"] = rmin.astype(int)
    df["rank_max"] = rmax.astype(int)
    return df.sort_values("rank", kind="mergesort").reset_index(drop=True)


