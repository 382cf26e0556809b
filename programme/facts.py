"""Programme facts: ONE computation of rank, total, range, completeness, disputes and balance.

``programme_facts(wb, include_confidential=...)`` reads the werkbank once and
computes the ranking (``scoring.ranking.score_projects``, rule
``scoring.ranking.RANK_RULE``) and the capacity balance
(``knooppunten.balance.balance_from_werkbank``).  Every output takes its numbers
from here: the docks call the same functions, ``scoreprojects``, the fiches,
the atlas, the lists, rounds and variants and the exchange package.

Which projects an output shows is decided by :mod:`.visibility` (confidential
projects only with ``include_confidential``).  A failure to compute the ranking
or the balance is a warning in :attr:`ProgrammeFacts.warnings`, which every
output prints; it never silently yields other numbers.
"""

import logging
from dataclasses import dataclass, field

from .visibility import hidden_project_ids

LOG = logging.getLogger(__name__)
# How bad a balance status is; '' is onbekend (no known limit): worse than ruim, since nobody can say it fits
STATUS_ORDER = {"tekort": 4, "krap": 3, "": 2, "ruim": 1}
DISPUTED_TEXT = "oneens, telt niet mee"
MISSING_TEXT = "ontbreekt"


def status_rank(status):
    """:data:`STATUS_ORDER` of a status; empty (None, '', NaN) or any other text is onbekend."""
    return STATUS_ORDER.get(status if isinstance(status, str) else "", STATUS_ORDER[""])


def worse(*statuses):
    """The worst of balance statuses: 'tekort' > 'krap' > onbekend ('') > 'ruim' (a direction or a year whose limit
    is not known does not make a station ruim); '' when none is given."""
    out = None
    for s in statuses:
        s = s if isinstance(s, str) and s in STATUS_ORDER else ""
        if out is None or status_rank(s) > status_rank(out):
            out = s
    return out or ""


def _none(v):
    if v is None:
        return None
    try:
        if v != v:  # NaN / <NA> raises TypeError for pd.NA
            return None
    except TypeError:
        return None
    return v


def _int(v):
    v = _none(v)
    return int(v) if v is not None else None


@dataclass
class ProgrammeFacts:
    include_confidential: bool = False
    ranking: object = None  # DataFrame (scoring.ranking.rank_programme) of the visible projects, or None
    balance: object = None  # knooppunten.balance.BalanceResult, or None
    criteria: list = field(default_factory=list)
    hidden: set = field(default_factory=set)  # project ids left out of this output (confidential)
    warnings: list = field(default_factory=list)

    @property
    def ranking_available(self):
        return self.ranking is not None

    @property
    def balance_available(self):
        return self.balance is not None

    # ---- ranking ---------------------------------------------------------------------------
    def _rank_rows(self):
        rows = getattr(self, "_rows", None)
        if rows is None:
            rows = {}
            if self.ranking is not None:
                for r in self.ranking.to_dict("records"):
                    rows[str(r["project_id"])] = r
            self._rows = rows
        return rows

    def criterion_names(self):
        return {c["criterion_id"]: c.get("name") or c["criterion_id"] for c in self.criteria}

    def project(self, project_id):
        """Rank facts of one project: rank, rank_min, rank_max, range_text, total, complete, incomplete_text,
        disputed (list of criterion ids), missing (ids without value, disputed excluded), ranked, rank_note."""
        r = self._rank_rows().get(str(project_id))
        if r is None:
            return {"rank": None, "rank_min": None, "rank_max": None, "range_text": "", "total": None,
                    "complete": None, "disputed": [], "missing": [], "ranked": False, "rank_note": "",
                    "incomplete_text": "", "n_counted": 0, "n_complete": 0}
        disputed = [c.strip() for c in str(r.get("disputed") or "").split(",") if c.strip()]
        missing = [c.strip() for c in str(r.get("missing") or "").split(",") if c.strip() and c.strip() not in disputed]
        rank, lo, hi = _int(r.get("rank")), _int(r.get("rank_min")), _int(r.get("rank_max"))
        names = self.criterion_names()
        parts = ["{} ({})".format(names.get(c, c), DISPUTED_TEXT) for c in disputed]
        parts += ["{} ({})".format(names.get(c, c), MISSING_TEXT) for c in missing]
        return {
            "rank": rank, "rank_min": lo, "rank_max": hi,
            "range_text": "" if rank is None or lo is None else (str(lo) if lo == hi else "{}–{}".format(lo, hi)),
            "total": _none(r.get("total")),
            "complete": bool(r.get("complete")),
            "disputed": disputed, "missing": missing,
            "ranked": bool(r.get("ranked")), "rank_note": r.get("rank_note") or "",
            "incomplete_text": ("Totaal onvolledig: " + "; ".join(parts)) if parts else "",
            "n_counted": _int(r.get("n_counted")) or 0, "n_complete": _int(r.get("n_complete")) or 0,
        }

    def disputes(self):
        """Open disputes of the visible projects: list of {project_id, code, name, criterion_id, criterion}."""
        out = []
        if self.ranking is None:
            return out
        names = self.criterion_names()
        for r in self.ranking.to_dict("records"):
            for c in [c.strip() for c in str(r.get("disputed") or "").split(",") if c.strip()]:
                out.append({"project_id": r["project_id"], "code": _none(r.get("code")) or "",
                            "name": _none(r.get("name")) or "", "criterion_id": c, "criterion": names.get(c, c)})
        return out

    # ---- balance ---------------------------------------------------------------------------
    def project_station(self, project_id):
        """The station the balance assigns to a project (explicit or via its links), or None."""
        if self.balance is None:
            return None
        idx = self.__dict__.get("_station_of")
        if idx is None:
            p = self.balance.projects
            idx = {}
            for pid, sid in zip(p["project_id"], p["station_id"]):
                idx.setdefault(str(pid), _none(sid))
            self._station_of = idx
        return idx.get(str(project_id))

    def _station_table(self):
        """Balance rows of every station, grouped once in bulk: {station_id: [row, ...]} sorted by year."""
        by = self.__dict__.get("_station_records")
        if by is not None:
            return by
        import numpy as np
        import pandas as pd

        from ..knooppunten.balance import blank_unknown_limits

        t = self.balance.stations
        by = {}
        if len(t):
            # a direction whose station limit is not known (status '' onbekend): no capacity or balance made from a
            # 0 MW stand-in, for every output that reads these rows (fiche, web atlas)
            t = blank_unknown_limits(t.sort_values(["unit_id", "year"], kind="mergesort"))

            def col(name):  # Python objects, None for NaN/NA/missing column (as _none per row)
                if name not in t.columns:
                    return np.full(len(t), None, dtype=object)
                arr = t[name].to_numpy(dtype=object)
                arr[pd.isna(t[name]).to_numpy()] = None
                return arr

            status, supply = col("status"), col("supply_status")
            rank_s = np.array([status_rank(v) for v in status])
            rank_t = np.array([status_rank(v) for v in supply])
            # worse(status, supply), row by row: the supply status when it is worse, else the status ('' onbekend)
            summary = np.where(rank_t > rank_s, supply, status)
            summary = np.array([v if isinstance(v, str) and v in STATUS_ORDER else "" for v in summary], dtype=object)
            # statuses as stored (NaN kept, as before), the summary from the same values
            status_raw, supply_raw = t["status"].to_numpy(dtype=object), t["supply_status"].to_numpy(dtype=object)
            keys = ("year", "afname_mw", "teruglevering_mw", "demand_mw", "supply_mw", "balance_afname_mw",
                    "balance_teruglevering_mw", "status", "supply_status", "summary_status", "note")
            cap_a, cap_t, bal_a, bal_t = (col("capacity_mw"), col("supply_capacity_mw"), col("balance_mw"),
                                          col("supply_balance_mw"))
            columns = (t["year"].astype("int64").to_numpy(dtype=object), cap_a, cap_t, col("demand_mw"),
                       col("supply_mw"), bal_a, bal_t, status_raw, supply_raw, summary, col("capacity_note"))
            units = t["unit_id"].to_numpy(dtype=object)
            starts = np.flatnonzero(np.r_[True, units[1:] != units[:-1]]) if len(units) else []
            ends = list(starts[1:]) + [len(units)]
            rows = [dict(zip(keys, values)) for values in zip(*columns)]
            for a, b in zip(starts, ends):
                by[units[a]] = rows[a:b]
        self._station_records = by
        return by

    def station_rows(self, station_id):
        """Balance rows of one station, per horizon year, both directions and the summary status (worse of two).

        All stations are grouped once (bulk, :meth:`_station_table`); each call returns fresh dicts."""
        if self.balance is None or station_id is None:
            return []
        return [dict(r) for r in self._station_table().get(station_id, [])]

    def _link_groups(self):
        links = getattr(self.balance, "links", None) if self.balance is not None else None
        if links is None or not len(links) or "moved_mw" not in links.columns:
            return None
        groups = self.__dict__.get("_links_by_project")
        if groups is None:
            groups = {str(k): g for k, g in links.groupby(links["project_id"].astype(str), sort=False)}
            self._links_by_project = groups
        return groups

    def moved_by_link(self, project_id):
        """``{dev_id: MW}`` the balance moves to the project's station for each of its links (what :meth:`serves`
        sums); None when the balance is not available."""
        groups = self._link_groups()
        if groups is None:
            return None
        m = groups.get(str(project_id))
        if m is None or not len(m):
            return {}
        return {str(d): float(v) for d, v in zip(m["dev_id"], m["moved_mw"].fillna(0.0))}

    def serves(self, project_id):
        """MW of linked developments a project serves: {"demand_mw", "supply_mw", "mw", "station_id", "from_year"}.

        The same numbers the balance moves to the project's station (0 when the balance is not available or the
        project is not active or has no station)."""
        out = {"demand_mw": 0.0, "supply_mw": 0.0, "mw": 0.0, "station_id": self.project_station(project_id),
               "from_year": None}
        groups = self._link_groups()
        if groups is None:
            return out
        m = groups.get(str(project_id))
        if m is None or not len(m):
            return out
        out["demand_mw"] = float(m["moved_demand_mw"].sum())
        out["supply_mw"] = float(m["moved_supply_mw"].sum())
        out["mw"] = float(m["moved_mw"].sum())
        years = m["from_year"].dropna()
        out["from_year"] = int(years.min()) if len(years) else None
        return out


def programme_facts(wb, include_confidential=False, weights=None, variation_pct=25.0, random_runs=200, seed=None,
                    with_balance=True, years=None):
    """Compute the :class:`ProgrammeFacts` of a werkbank once (see the module doc)."""
    from ..scoring import ranking as R
    from ..scoring.criteria import criteria_list

    facts = ProgrammeFacts(include_confidential=bool(include_confidential))
    facts.hidden = hidden_project_ids(wb, include_confidential)
    try:
        facts.criteria = criteria_list(wb)
        facts.ranking = R.score_projects(wb, weights=weights, variation_pct=variation_pct, random_runs=random_runs,
                                         seed=R.DEFAULT_SEED if seed is None else seed,
                                         include_confidential=include_confidential)
    except Exception as e:  # noqa: BLE001 - shown on the output, never silently other numbers
        LOG.warning("rangorde niet berekend", exc_info=True)
        facts.ranking = None
        facts.warnings.append("Rangorde niet berekend ({}): rang en totaal ontbreken in deze uitvoer.".format(e))
    if with_balance:
        from ..knooppunten.balance import balance_from_werkbank

        try:
            # the facts show stations, knooppunten, projects and links: no frames per development
            facts.balance = balance_from_werkbank(wb, years=years, per_development=False)
        except Exception as e:  # noqa: BLE001
            LOG.warning("capaciteitsbalans niet berekend", exc_info=True)
            facts.balance = None
            facts.warnings.append("Capaciteitsbalans niet berekend ({}): alleen de stationscapaciteit wordt "
                                  "getoond.".format(e))
    return facts
