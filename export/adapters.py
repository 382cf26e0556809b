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
    """``{project_id: {"rank": int, "score": float|None}}`` over the non-afgevallen projects; {} when unavailable."""
    mod = _module("scoring.ranking")
    fn = getattr(mod, "score_projects", None) or getattr(mod, "rank_projects", None) if mod else None
    if fn is None:
        return {}
    try:
        try:
            result = fn(wb, random_runs=0, include_afgevallen=False)
        except TypeError:  # an older signature
            result = fn(wb)
    except Exception as e:  # noqa: BLE001 - ranking must never stop an export
        LOG.warning("rangorde (scoring.ranking) mislukt: %s", e)
        return {}
    out = {}
    for row in _records(result):
        pid = _first(row, "project_id")
        rank = _first(row, "rank")
        if pid is None or rank is None:
            continue
        try:
            rank = int(rank)
        except (TypeError, ValueError):
            continue
        score = _first(row, "total", "score")
        try:
            score = float(score) if score is not None else None
        except (TypeError, ValueError):
            score = None
        out[str(pid)] = {"rank": rank, "score": score}
    return out


def station_balance(wb):
    """Capacity balance per station and the station the balance assigns to each project.

    Returns ``({station_id: [{"year", "afname_mw", "teruglevering_mw", "demand_mw", "supply_mw",
    "balance_afname_mw", "balance_teruglevering_mw", "status", "supply_status", "note"}, ...]},
    {project_id: station_id})``; ``({}, {})`` when the balance module is not available.
    """
    mod = _module("knooppunten.balance")
    fn = getattr(mod, "balance_from_werkbank", None) if mod else None
    if fn is None:
        return {}, {}
    try:
        result = fn(wb)
    except Exception as e:  # noqa: BLE001 - e.g. no capacity data yet
        LOG.warning("capaciteitsbalans (knooppunten.balance) mislukt: %s", e)
        return {}, {}
    out = {}
    for row in _records(getattr(result, "stations", None)):
        sid = _first(row, "unit_id", "station_id")
        year = _first(row, "year")
        if sid is None or year is None:
            continue
        out.setdefault(str(sid), []).append({
            "year": int(year),
            "afname_mw": _first(row, "capacity_mw"),
            "teruglevering_mw": _first(row, "supply_capacity_mw"),
            "demand_mw": _first(row, "demand_mw"),
            "supply_mw": _first(row, "supply_mw"),
            "balance_afname_mw": _first(row, "balance_mw"),
            "balance_teruglevering_mw": _first(row, "supply_balance_mw"),
            "status": _first(row, "status"),
            "supply_status": _first(row, "supply_status"),
            "note": _first(row, "capacity_note"),
        })
    for rows in out.values():
        rows.sort(key=lambda r: r["year"])
    stations_of = {}
    for row in _records(getattr(result, "projects", None)):
        pid, sid = _first(row, "project_id"), _first(row, "station_id")
        if pid is not None and sid is not None:
            stations_of[str(pid)] = str(sid)
    return out, stations_of
