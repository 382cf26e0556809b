"""Frozen copy of ``scoring.scores.consensus`` as it was before vectorising (a Python loop over the
pandas groups per project and criterion).  Only used by ``tests/test_consensus_equivalence.py``."""

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
