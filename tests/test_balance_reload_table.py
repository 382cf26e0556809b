"""BalanceModel.reload_table: a dock follows an edit of projects or links by re-reading that one table.

After each edit in the werkbank (a link added, a link removed, a project's status and IBN year changed) the
model that re-read only the edited table gives the same station and knooppunt tables as a model built anew
from the werkbank; other tables answer None (the dock rebuilds).  Fictief voorbeeld (tests/test_balance.py).
"""

from test_balance import write_example


def _tables(m):
    return {"station": m.station_table().sort_values(["unit_id", "year"]).reset_index(drop=True),
            "knooppunt": m.knooppunt_table().sort_values(["unit_id", "year"]).reset_index(drop=True)}


def _assert_same(a, b):
    from pandas.testing import assert_frame_equal

    for level in ("station", "knooppunt"):
        assert_frame_equal(_tables(a)[level], _tables(b)[level], check_dtype=False)


def test_reload_table_equals_new_model(werkbank):
    from pmiek_werkbank.knooppunten.balance import BalanceModel
    from pmiek_werkbank.knooppunten.links import add_links, remove_link

    write_example(werkbank)
    model = BalanceModel.from_werkbank(werkbank)

    werkbank.execute("UPDATE projects SET ibn_year = 2030, status = 'opgenomen' WHERE project_id = 'P1'")
    assert model.reload_table(werkbank, "projects") is not None
    _assert_same(model, BalanceModel.from_werkbank(werkbank))
    before = _tables(model)["station"].copy()

    add_links(werkbank, "P1", ["D1"], share_mw=2.0, motivation="test")
    touched = model.reload_table(werkbank, "project_links")
    assert touched is not None and touched[0]  # the link moves demand: stations were recomputed
    assert not _tables(model)["station"].equals(before)
    _assert_same(model, BalanceModel.from_werkbank(werkbank))

    werkbank.execute("UPDATE projects SET ibn_year = NULL, status = 'kandidaat' WHERE project_id = 'P1'")
    remove_link(werkbank, "P1", "D1")
    model.reload_table(werkbank, "projects")
    model.reload_table(werkbank, "project_links")
    _assert_same(model, BalanceModel.from_werkbank(werkbank))

    assert model.reload_table(werkbank, "developments") is None


def test_reload_table_reports_what_changed(werkbank):
    from pmiek_werkbank.knooppunten.balance import BalanceModel

    write_example(werkbank)
    model = BalanceModel.from_werkbank(werkbank)
    # nothing edited: nothing to recompute
    stations, knooppunten = model.reload_table(werkbank, "project_links")
    assert set(stations) == set() and set(knooppunten) == set()


def test_project_station_equals_the_model(werkbank):
    """project_station (one project's station from its own row and links, for the suggestions) gives the station
    a model built from the werkbank resolves, also after the links changed and for a project without one."""
    from pmiek_werkbank.knooppunten.balance import PROJECT_COLUMNS, BalanceModel
    from pmiek_werkbank.knooppunten.links import add_links, remove_link

    write_example(werkbank)
    model = BalanceModel.from_werkbank(werkbank)  # kept: only project_station is asked after the edits
    werkbank.execute("UPDATE projects SET station_id = NULL WHERE project_id = 'P1'")  # P1 follows its links

    def check():
        fresh = BalanceModel.from_werkbank(werkbank).projects.set_index("project_id")["station_id"]
        rows = werkbank.read_frame("projects", columns=list(PROJECT_COLUMNS), geometry=False)
        links = werkbank.read_frame("project_links", geometry=False)
        got = {r["project_id"]: model.project_station(r, links[links["project_id"] == r["project_id"]])
               for r in rows.to_dict("records")}
        assert got == fresh.to_dict()
        return got

    before = check()
    # all of D1, D2 and D3 (13 MW at S1) outweigh P1's other links (D4 9 + D5 3 MW at S2); a share above what a
    # development has (it was 50 MW of D1) is refused since knooppunten.links.share_problems
    add_links(werkbank, "P1", ["D1", "D2", "D3"], share_pct=100, motivation="test")
    after = check()
    assert after["P1"] != before["P1"] and after["P1"] == "S1"
    for d in ("D1", "D2", "D3"):
        remove_link(werkbank, "P1", d)
    assert check() == before


def test_table_of_some_units_equals_those_rows_of_the_whole_table(werkbank):
    from pandas.testing import assert_frame_equal

    from pmiek_werkbank.knooppunten.balance import BalanceModel
    from pmiek_werkbank.knooppunten.links import add_links

    write_example(werkbank)
    add_links(werkbank, "P1", ["D1"], share_mw=2.0, motivation="test")  # links move demand: float columns
    model = BalanceModel.from_werkbank(werkbank)
    for level, units in (("station", {"S2", "S1"}), ("station", {"S3"}), ("knooppunt", {"K1"}), ("station", set()),
                         ("station", {"onbekend"})):
        whole = model.table(level)
        want = whole[whole["unit_id"].isin(units)].reset_index(drop=True)
        got = model.table(level, units=units)
        assert_frame_equal(got, want)
        assert len(got) == len(units & set(whole["unit_id"])) * len(model.years)


def test_status_and_name_alone_are_carried_along_without_recomputing(werkbank):
    """kandidaat -> opgenomen and a new name change nothing the balance counts: the model takes them into its
    projects without resolving or recomputing anything (issue 19 item 5) and equals a model built anew;
    afgevallen (the project stops counting) still recomputes."""
    from pandas.testing import assert_frame_equal

    from pmiek_werkbank.knooppunten.balance import BalanceModel

    write_example(werkbank)
    model = BalanceModel.from_werkbank(werkbank)
    applied = []
    real = model._apply_projects
    model._apply_projects = lambda *a, **k: (applied.append(1), real(*a, **k))[1]
    status = werkbank.query("SELECT status FROM projects WHERE project_id = 'P2'")[0]["status"]
    assert status != "afgevallen"
    new = "opgenomen" if status != "opgenomen" else "kandidaat"
    werkbank.execute("UPDATE projects SET status = ?, name = 'Nieuwe naam' WHERE project_id = 'P2'", (new,))
    assert model.reload_table(werkbank, "projects") == (set(), set())
    assert not applied
    fresh = BalanceModel.from_werkbank(werkbank)
    assert_frame_equal(model.projects, fresh.projects)
    assert model.projects.set_index("project_id").loc["P2", "status"] == new
    _assert_same(model, fresh)
    werkbank.execute("UPDATE projects SET status = 'afgevallen', status_reason = 'test' WHERE project_id = 'P2'")
    assert model.reload_table(werkbank, "projects") is not None
    assert applied and model.projects.set_index("project_id").loc["P2", "active"] == False  # noqa: E712
    fresh = BalanceModel.from_werkbank(werkbank)
    assert_frame_equal(model.projects, fresh.projects)
    _assert_same(model, fresh)


def test_rows_named_by_the_edit_are_read_alone(werkbank):
    """reload_table(..., ids=...) (an edit that names its rows, Session.changed_rows): a status of P2 is read
    from P2's row alone and carried along; an IBN year named the same way still reads the table and recomputes;
    both equal a model built anew (issue 19 item 5)."""
    from pandas.testing import assert_frame_equal

    from pmiek_werkbank.knooppunten.balance import BalanceModel

    write_example(werkbank)
    model = BalanceModel.from_werkbank(werkbank)
    reads = []
    real = werkbank.read_frame
    werkbank.read_frame = lambda table, **k: (reads.append((table, k.get("where"))), real(table, **k))[1]
    new = "opgenomen" if werkbank.query("SELECT status FROM projects WHERE project_id = 'P2'")[0]["status"] != \
        "opgenomen" else "kandidaat"
    werkbank.execute("UPDATE projects SET status = ? WHERE project_id = 'P2'", (new,))
    assert model.reload_table(werkbank, "projects", ids=["P2"]) == (set(), set())
    assert reads == [("projects", "project_id IN (?)")]
    werkbank.read_frame = real
    fresh = BalanceModel.from_werkbank(werkbank)
    assert_frame_equal(model.projects, fresh.projects)
    _assert_same(model, fresh)
    reads.clear()
    werkbank.read_frame = lambda table, **k: (reads.append((table, k.get("where"))), real(table, **k))[1]
    werkbank.execute("UPDATE projects SET ibn_year = 2031 WHERE project_id = 'P2'")
    touched = model.reload_table(werkbank, "projects", ids=["P2"])
    assert reads == [("projects", "project_id IN (?)"), ("projects", None)] and touched != (set(), set())
    werkbank.read_frame = real
    fresh = BalanceModel.from_werkbank(werkbank)
    assert_frame_equal(model.projects, fresh.projects)
    _assert_same(model, fresh)
