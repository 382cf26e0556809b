"""S1/S2 – scoring after one rating (issue 19 items 1 and 2), called by ``bench/run.py`` (case S1).

* **S1-<n>** (n = 500 and 2,000 projects × 8 criteria × 3 assessors; 50/200 at tiny size): one assessor's rating
  changes, then what the scoring dock does: ``scores.consensus_update`` for the changed (project, criterion)
  + ``ranking.rank_table(state=...)`` (ranks per weight variant updated, not sorted again) with the rank range (±25 %: 14 one-at-a-time + 200 random weight sets).  Reference, in
  the same run: the old per-group consensus and the old rank_table (frozen in ``tests/data/consensus_reference.py``),
  once (it takes seconds).  The answer must be equal to the reference before the row gets a verdict.
  Goals ≤ 50 ms (500) and ≤ 200 ms (2,000).
* **S2-rating / S2-rating-rangorde / S2-status** – the scoring dock alone on a copy of the dataset's werkbank
  (province: 500 projects): ``ScoringDock.apply_rating`` (write + update) with the Beoordelen tab shown (the rank
  range is computed when the Rangorde tab is opened) and with the Rangorde tab shown (range included), and
  ``ScoringDock.decide`` (status) with the Rangorde tab shown, until the dock returns and Qt has processed its
  events.  Reference: the same write followed by the dock's full ``reload`` (what every
  rating and status did before).  After the timed edits the dock must show exactly what a freshly opened dock
  shows (every cell's text, tooltip and key), else no verdict.  Goal ≤ 100 ms (half the 200 ms edit loop).

``bench_case(ds, repeat, scratch_dir, stats, row, timed, qgis_app)`` returns the rows.
"""

import importlib.util
import os
import shutil
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def scoring_frames(n_projects, criteria, n_assessors=3, seed=20250808):
    """``n_projects`` × every criterion × ``n_assessors`` ratings (random on the scale, some agreed)."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    pids = ["P{:05d}".format(i) for i in range(n_projects)]
    projects = pd.DataFrame({"project_id": pids, "code": ["P-{}".format(i) for i in range(n_projects)],
                             "name": ["Project {}".format(i) for i in range(n_projects)], "status": "kandidaat",
                             "status_reason": None})
    cols = {k: [] for k in ("project_id", "criterion_id", "assessor", "rating", "assessor_role", "score_date",
                            "agreed")}
    for c in criteria:
        scale = c["scale_list"]
        prev = None
        for a in range(n_assessors):
            pick = rng.integers(0, len(scale), size=n_projects)
            # two out of three assessors mostly agree, so there are unanimous, agreed and disputed criteria
            if prev is not None:
                pick = np.where(rng.random(n_projects) < 0.6, prev, pick)
            prev = pick
            cols["project_id"] += pids
            cols["criterion_id"] += [c["criterion_id"]] * n_projects
            cols["assessor"] += ["Beoordelaar {}".format(a + 1)] * n_projects
            cols["rating"] += [scale[i] for i in pick]
            cols["assessor_role"] += ["provincie"] * n_projects
            cols["score_date"] += ["2026-01-15"] * n_projects
            cols["agreed"] += list((rng.random(n_projects) < 0.05).astype(int))
    scores = pd.DataFrame(cols).sort_values(["project_id", "criterion_id", "assessor"], kind="mergesort")
    return projects, scores.reset_index(drop=True)


def consensus_reference():
    """The old per-group consensus and rank_table (frozen in tests/data, the slow reference)."""
    spec = importlib.util.spec_from_file_location(
        "pmiek_consensus_reference", os.path.join(ROOT, "tests", "data", "consensus_reference.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _goal_text(median, goal):
    return "{:.0f} ms = {:.2f}× het doel van {:.0f} ms".format(median * 1000, median / goal, goal * 1000)


def _rerank_row(n, goal, criteria, ref, repeat, stats, row, timed):
    from pandas.testing import assert_frame_equal

    from pmiek_werkbank.scoring import ranking as R
    from pmiek_werkbank.scoring import scores as S

    projects, scores = scoring_frames(n, criteria)
    crit = [c for c in criteria if c["counted"]][0]
    rows_idx = scores.index[(scores["criterion_id"] == crit["criterion_id"]).to_numpy()]
    state = {"i": 0, "cons": S.consensus(scores, criteria), "pending": [], "ranks": {}}
    out = {}

    def change():
        # one assessor's rating of one project changes (another one each time)
        i = rows_idx[(state["i"] * 7919) % len(rows_idx)]
        scale = crit["scale_list"]
        scores.at[i, "rating"] = scale[(scale.index(scores.at[i, "rating"]) + 1) % len(scale)]
        state["i"] += 1
        state["pending"].append((scores.at[i, "project_id"], scores.at[i, "criterion_id"]))

    def plugin():  # what the scoring dock does after a rating: the changed pair's consensus, then the ranking
        change()
        state["cons"] = S.consensus_update(state["cons"], scores, criteria, state["pending"])
        state["pending"] = []
        out["p"] = R.rank_table(projects, criteria, state["cons"], state=state["ranks"])

    def full():  # the whole consensus again (what any other change of the ratings costs)
        change()
        out["f"] = R.rank_table(projects, criteria, S.consensus(scores, criteria))

    def reference():
        change()
        out["r"] = ref.rank_table_reference(projects, criteria, ref.consensus(scores, criteria))

    # the old code takes seconds per call at 2,000 projects: timed once, after the plugin's runs
    plugin()
    p = stats([timed(plugin) for _ in range(max(repeat, 5))])
    f = stats([timed(full) for _ in range(max(repeat, 3))])
    r = stats([timed(reference)])
    # same answer on the same ratings: the incremental path (also over the pairs the other runs changed) vs the
    # old consensus + old rank_table
    plugin_now = R.rank_table(projects, criteria, S.consensus_update(state["cons"], scores, criteria,
                                                                     state["pending"]), state=state["ranks"])
    try:
        assert_frame_equal(plugin_now, out["r"], check_exact=True)
        assert_frame_equal(R.rank_table(projects, criteria, S.consensus(scores, criteria)), out["r"],
                           check_exact=True)
        same = True
    except AssertionError:
        same = False
    rw = row("S1-{}".format(n), "Waardering wijzigen → consensus + rangorde met rangbereik (214 gewichtsvarianten), "
                                 "{} projecten × {} criteria × 3 beoordelaars".format(n, len(criteria)),
             p, r, goal="≤ {} ms".format(int(goal * 1000)), goal_kind="absolute", goal_value=goal,
             plugin_label="scores.consensus_update (gewijzigde cel) + ranking.rank_table (rangen per "
                          "gewichtsvariant bijgewerkt, state)",
             reference_label="oude consensus (lus per project × criterium) + oude rank_table (tests/data), 1×",
             notes=["mediaan {}".format(_goal_text(p["median"], goal)),
                    "hele consensus + rank_table zonder state: mediaan {:.0f} ms".format(f["median"] * 1000),
                    "rangorde gelijk aan die van de oude consensus en rank_table: {}".format("ja" if same else "NEE"),
                    "{} waarderingen".format(len(scores))],
             extra={"equal_to_reference": same, "ratings": len(scores), "goal_ratio": p["median"] / goal,
                    "full_consensus": f})
    if not same:
        rw["met"] = None
        rw["ratio_note"] = "antwoorden verschillen"
    return rw


def _snapshot(model):
    from qgis.PyQt.QtCore import Qt

    roles = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.UserRole)
    return [model.headers, model.keys,
            [[tuple(cell.get(r_) for r_ in roles) + (model.shown(i, j),) for j, cell in enumerate(cells)]
             for i, cells in enumerate(model.cells)]]


class _Bar:
    def pushMessage(self, *args):  # noqa: N802
        pass


class _Iface:
    def messageBar(self):  # noqa: N802
        return _Bar()


def _dock_rows(ds, repeat, scratch_dir, stats, row, goal=0.100):
    from qgis.core import QgsProject
    from qgis.PyQt.QtCore import QCoreApplication

    from pmiek_werkbank.dialogs.scoring_dock import ScoringDock
    from pmiek_werkbank.layers.project import Session
    from pmiek_werkbank.scoring import decisions as D
    from pmiek_werkbank.scoring import scores as S
    from pmiek_werkbank.werkbank import open_werkbank

    path = os.path.join(scratch_dir, "scoring_werkbank.gpkg")
    shutil.copyfile(ds.werkbank, path)
    session = Session(QgsProject.instance())
    session.set_werkbank(path)
    t0 = time.perf_counter()
    dock = ScoringDock(_Iface(), session)
    dock.resize(900, 700)
    dock.show()
    QCoreApplication.processEvents()
    t_open = time.perf_counter() - t0
    n_projects, n_ratings = len(dock.projects), len(dock.scores)
    ranked = dock.ranking[dock.ranking["ranked"]]
    pid = ranked["project_id"].iloc[len(ranked) // 2]  # a project in the middle: ranks around it move
    crit = next(c for c in dock.criteria if c["counted"])
    cid, scale = crit["criterion_id"], crit["scale_list"]
    state = {"i": 0}

    def run(fn):
        QCoreApplication.processEvents()
        t = time.perf_counter()
        fn()
        QCoreApplication.processEvents()
        return time.perf_counter() - t

    def rating():
        state["i"] += 1
        dock.apply_rating(pid, cid, (scale[0], scale[-1])[state["i"] % 2], "bench: motivatie", "Bench", date="2026-01-01")

    def rating_reload():  # the write, then the full reload every rating used to cause
        state["i"] += 1
        with open_werkbank(path) as wb:
            S.record_score(wb, pid, cid, (scale[0], scale[-1])[state["i"] % 2], "bench: motivatie", "Bench", date="2026-01-01")
        dock.reload()

    def status():
        state["i"] += 1
        dock.decide(pid, ("opgenomen", "kandidaat")[state["i"] % 2], "bench")

    def status_reload():
        state["i"] += 1
        with open_werkbank(path) as wb:
            D.set_status(wb, pid, ("opgenomen", "kandidaat")[state["i"] % 2], "bench")
        dock.reload()

    out = []
    grid_tab, rank_tab = dock.tabs.currentIndex(), dock.rank_tab
    for name, title, plugin, reference, tab in (
            ("S2-rating", "Scoringsdock, tab Beoordelen: één waardering wijzigen (schrijven + bijwerken)", rating,
             rating_reload, grid_tab),
            ("S2-rating-rangorde", "Scoringsdock, tab Rangorde (met rangbereik): één waardering wijzigen", rating,
             rating_reload, rank_tab),
            ("S2-status", "Scoringsdock, tab Rangorde (met rangbereik): status van één project", status,
             status_reload, rank_tab)):
        dock.tabs.setCurrentIndex(tab)
        run(plugin)
        run(reference)
        p, r = [], []
        for _ in range(max(repeat, 3)):
            p.append(run(plugin))
            r.append(run(reference))
        run(plugin)  # the last edit through the dock's own update path, then compare with a fresh dock
        fresh = ScoringDock(_Iface(), session)
        dock.tabs.setCurrentIndex(rank_tab)  # the Rangorde tab is filled when shown
        fresh.tabs.setCurrentIndex(rank_tab)
        same = _snapshot(dock.grid_model) == _snapshot(fresh.grid_model) and _snapshot(
            dock.rank_model) == _snapshot(fresh.rank_model)
        fresh.cleanup()
        fresh.deleteLater()
        ps, rs = stats(p), stats(r)
        rw = row(name, "{}, {} projecten, {} waarderingen".format(title, n_projects, n_ratings), ps, rs,
                 goal="≤ {} ms".format(int(goal * 1000)), goal_kind="absolute", goal_value=goal,
                 plugin_label="ScoringDock.apply_rating" if name == "S2-rating" else "ScoringDock.decide",
                 reference_label="dezelfde schrijfactie + volledige reload van het dock (het oude gedrag)",
                 notes=["mediaan {}".format(_goal_text(ps["median"], goal)),
                        "dock openen: {:.2f} s".format(t_open),
                        "dock na de wijzigingen gelijk aan een vers geopend dock: {}".format("ja" if same else "NEE")],
                 extra={"equal_to_fresh": same, "goal_ratio": ps["median"] / goal, "open_s": t_open})
        if not same:
            rw["met"] = None
            rw["ratio_note"] = "dock wijkt af van een vers geopend dock"
        out.append(rw)
    dock.cleanup()
    dock.deleteLater()
    session.set_werkbank("")
    QCoreApplication.processEvents()
    return out


def bench_case(ds, repeat, scratch_dir, stats, row, timed, qgis_app):
    """Rows S1-<n> (re-rank after one rating) and S2-... (the scoring dock)."""
    from pmiek_werkbank.scoring.criteria import criteria_list
    from pmiek_werkbank.werkbank import open_werkbank

    ref = consensus_reference()
    with open_werkbank(ds.werkbank, readonly=True) as wb:
        criteria = criteria_list(wb)
    # the goals are for 500 and 2,000 projects; at tiny size (the test suite) only the machinery is checked
    sizes = ((500, 0.050), (2000, 0.200)) if ds.size != "tiny" else ((50, 0.050), (200, 0.200))
    rows = [_rerank_row(n, goal, criteria, ref, repeat, stats, row, timed) for n, goal in sizes]
    qgis_app()
    return rows + _dock_rows(ds, repeat, scratch_dir, stats, row)
