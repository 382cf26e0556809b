"""Small adapters to the ranking (``scoring``) and the capacity balance (``knooppunten``).

Both are imported lazily and every failure degrades to "not available": the
exports then leave out the rank column or show the station capacity without a
balance, and say so.  Pure Python (the modules behind may use pandas).
"""

import importlib
import logging

LOG = logging.getLogger(__name__)


def _module(name):
    try:
        return importlib.import_module("{}.{}".format(__package__.rsplit(".", 1)[0], name))
    except Exception as e:  # noqa: BLE001 - module not (yet) there or broken
        LOG.debug("module %s niet beschikbaar: %s", name, e)
        return None


def _records(obj):
    """A DataFrame, list of dicts or dict of dicts -> list of dicts."""
    if obj is None:
        return []
    if hasattr(obj, "to_dict") and hasattr(obj, "columns"):
        df = obj.reset_index() if obj.index.name else obj
        return df.to_dict("records")
    if isinstance(obj, dict):
        out = []
        for k, v in obj.items():
            if isinstance(v, dict):
                row = dict(v)
                row.setdefault("project_id", k)
                out.append(row)
        return out
    if isinstance(obj, (list, tuple)):
        return [dict(r) if not isinstance(r, dict) else r for r in obj]
    return []


def _first(row, *names):
    for n in names:
        if n in row and row[n] is not None:
            v = row[n]
            try:
                if v != v:  # NaN
                    continue
            except Exception:  # noqa: BLE001
                pass
            return v
    return None


def ranking(wb):
    """``{project_id: {"rank": int, "score": float|None}}``; empty when no ranking is available."""
    mod = _module("scoring.ranking")
    if mod is None:
        return {}
    for fname in ("rank_projects", "ranking", "compute_ranking", "project_ranking"):
        fn = getattr(mod, fname, None)
        if fn is None:
            continue
        try:
            result = fn(wb)
        except Exception as e:  # noqa: BLE001
            LOG.warning("ranking via scoring.ranking.%s mislukt: %s", fname, e)
            return {}
        out = {}
        for row in _records(getattr(result, "table", result)):
            pid = _first(row, "project_id")
            rank = _first(row, "rank", "rang")
            if pid is None or rank is None:
                continue
            try:
                rank = int(rank)
            except (TypeError, ValueError):
                continue
            score = _first(row, "score", "total", "total_score", "weighted_score", "totaal")
            try:
                score = float(score) if score is not None else None
            except (TypeError, ValueError):
                score = None
            out[str(pid)] = {"rank": rank, "score": score}
        return out
    return {}


def station_balance(wb):
    """``{station_id: [{"year", "afname_mw", "teruglevering_mw", "demand_mw", "supply_mw",
    "balance_afname_mw", "balance_teruglevering_mw", "status"}, ...]}``; empty when unavailable."""
    mod = _module("knooppunten.balance")
    if mod is None:
        return {}
    for fname in ("compute_balance", "station_balance", "capacity_balance", "balance"):
        fn = getattr(mod, fname, None)
        if fn is None or not callable(fn):
            continue
        try:
            result = fn(wb)
        except Exception as e:  # noqa: BLE001
            LOG.warning("capaciteitsbalans via knooppunten.balance.%s mislukt: %s", fname, e)
            return {}
        out = {}
        for row in _records(getattr(result, "table", result)):
            sid = _first(row, "station_id")
            year = _first(row, "year", "jaar")
            if sid is None or year is None:
                continue
            out.setdefault(str(sid), []).append({
                "year": int(year),
                "afname_mw": _first(row, "afname_mw", "capacity_afname_mw", "capaciteit_afname_mw"),
                "teruglevering_mw": _first(row, "teruglevering_mw", "capacity_teruglevering_mw"),
                "demand_mw": _first(row, "demand_mw", "vraag_mw"),
                "supply_mw": _first(row, "supply_mw", "aanbod_mw"),
                "balance_afname_mw": _first(row, "balance_afname_mw", "balance_mw", "balans_afname_mw"),
                "balance_teruglevering_mw": _first(row, "balance_teruglevering_mw", "balans_teruglevering_mw"),
                "status": _first(row, "status", "status_afname", "balance_status"),
            })
        for rows in out.values():
            rows.sort(key=lambda r: r["year"])
        return out
    return {}
