"""The scoring dock (issue 6) on a small werkbank with pytest-qgis's qgis_iface."""

import pytest

from qgis.core import QgsProject, QgsSettings
from qgis.PyQt.QtCore import Qt


@pytest.fixture
def small_werkbank(werkbank_path):
    from pmiek_werkbank.scoring import scores as S
    from pmiek_werkbank.werkbank import open_werkbank

    with open_werkbank(werkbank_path) as wb:
        wb.write_frame("projects", [
            {"project_id": "p1", "code": "P-1", "name": "Station Noord"},
            {"project_id": "p2", "code": "P-2", "name": "Kabel Oost"},
            {"project_id": "p3", "code": "P-3", "name": "Hub Zuid"},
        ], mode="insert")
        # P-1 = 16 and P-2 = 17 (complete); P-3 only A laag and a disputed B (goed vs slecht)
        ratings = {
            "p1": {"A": "hoog", "B": "goed", "C": "weinig", "D": "gemiddeld", "E": "positief", "F": "weinig",
                   "G": "veel"},
            "p2": {"A": "gemiddeld", "B": "voldoende", "C": "veel", "D": "hoog", "E": "gemiddeld",
                   "F": "gemiddeld", "G": "weinig"},
            "p3": {"A": "laag", "B": "goed"},
        }
        for pid, rs in ratings.items():
            for cid, v in rs.items():
                S.record_score(wb, pid, cid, v, "motivatie", "Anna", date="2026-02-01")
        S.record_score(wb, "p3", "B", "slecht", "past niet", "Bert", role="netbeheerder", date="2026-02-02")
    return werkbank_path


@pytest.fixture
def dock(qgis_iface, small_werkbank):
    from pmiek_werkbank.dialogs.scoring_dock import ScoringDock
    from pmiek_werkbank.layers.project import Session

    QgsSettings().setValue("pmiek/assessor", "Tester")
    session = Session(QgsProject.instance())
    session.set_werkbank(small_werkbank)
    d = ScoringDock(qgis_iface, session, qgis_iface.mainWindow())
    d.runs.setValue(0)
    yield d
    d.cleanup()
    session.set_werkbank("")
    d.deleteLater()


def _grid(dock):
    m = dock.grid_model
    headers = [m.headerData(j, Qt.Orientation.Horizontal) for j in range(m.columnCount())]
    rows = {}
    for i in range(m.rowCount()):
        rows[m.text(i, 0)] = {h: m.text(i, j) for j, h in enumerate(headers)}
    return headers, rows


def test_grid_contents(dock):
    from pmiek_werkbank.dialogs.scoring_dock import COLOUR_DISAGREE, COLOUR_INCOMPLETE

    headers, rows = _grid(dock)
    assert headers == ["Code", "Project"] + list("ABCDEFGH") + ["Totaal", "Rang", "Volledig"]
    assert list(rows) == ["P-1", "P-2", "P-3"]
    assert rows["P-1"]["A"] == "hoog [3]" and rows["P-1"]["G"] == "veel [1]" and rows["P-1"]["H"] == ""
    assert (rows["P-1"]["Totaal"], rows["P-1"]["Rang"], rows["P-1"]["Volledig"]) == ("16", "2", "ja")
    assert (rows["P-2"]["Totaal"], rows["P-2"]["Rang"]) == ("17", "1")
    # P-3: A laag (1) only; B disputed -> flagged, not counted; incomplete
    assert rows["P-3"]["B"] == "⚠ goed / slecht" and rows["P-3"]["Totaal"] == "1"
    assert rows["P-3"]["Volledig"] == "nee" and rows["P-3"]["C"] == ""
    m = dock.grid_model
    b = m.index(2, headers.index("B"))
    assert m.data(b, Qt.ItemDataRole.BackgroundRole).color() == COLOUR_DISAGREE
    assert "Anna" in m.data(b, Qt.ItemDataRole.ToolTipRole) and "Bert" in m.data(b, Qt.ItemDataRole.ToolTipRole)
    assert m.data(m.index(2, 0), Qt.ItemDataRole.BackgroundRole).color() == COLOUR_INCOMPLETE
    # the cell detail shows both assessors side by side
    dock.grid.setCurrentIndex(b)
    assert dock.assessors.rowCount() == 2
    assert {dock.assessors.item(i, 0).text() for i in range(2)} == {"Anna", "Bert"}
    assert "oneens" in dock.cell_summary.text()
    # ranking tab (filled, with the rank range, when it is shown): rank, range and total
    assert dock.rank_model.rowCount() == 0
    dock.tabs.setCurrentIndex(dock.rank_tab)
    rm = dock.rank_model
    first = [rm.text(0, j) for j in range(rm.columnCount())]
    assert first[:5] == ["1", "1", "P-2", "Kabel Oost", "17"]


def test_rating_dialog_requires_motivatie(dock, small_werkbank):
    from pmiek_werkbank.werkbank import open_werkbank

    QgsSettings().setValue("pmiek/assessor_org", "Netbedrijf")
    QgsSettings().setValue("pmiek/assessor_role", "gemeente")
    dlg = dock.rating_dialog("p3", "C")
    assert dlg.assessor.text() == "Tester" and dlg.organisation.text() == "Netbedrijf"
    assert [dlg.rating.itemText(i) for i in range(dlg.rating.count())] == ["veel", "gemiddeld", "weinig"]
    # no preselected rating: OK without a choice is refused, nothing stored
    assert dlg.rating.currentIndex() == -1
    dlg.rationale.setPlainText("x")
    dlg.accept()
    assert dlg.result() != dlg.DialogCode.Accepted and "Kies een waardering" in dlg.message.text()
    dlg.rationale.setPlainText("")
    dlg.rating.setCurrentIndex(1)
    dlg.accept()
    assert dlg.result() != dlg.DialogCode.Accepted
    assert "motivatie is verplicht" in dlg.message.text()
    with open_werkbank(small_werkbank) as wb:
        assert wb.count("scores", "project_id = 'p3' AND criterion_id = 'C'") == 0
    dlg.rationale.setPlainText("Benut bestaand station; geen nieuw tracé")
    dlg.accept()
    assert dlg.result() == dlg.DialogCode.Accepted
    with open_werkbank(small_werkbank) as wb:
        row = wb.query("SELECT * FROM scores WHERE project_id = 'p3' AND criterion_id = 'C'")[0]
    # the role of the session's assessor is stored, not the role usually linked to criterion C (netbeheerder)
    assert (row["rating"], row["assessor"], row["assessor_role"], row["assessor_org"]) == (
        "gemiddeld", "Tester", "gemeente", "Netbedrijf")
    QgsSettings().setValue("pmiek/assessor_role", "")
    _, rows = _grid(dock)
    assert rows["P-3"]["C"] == "gemiddeld [2]" and rows["P-3"]["Totaal"] == "3"


def test_rating_is_one_audit_entry_by_the_user(dock, small_werkbank):
    """Rating and organisation are one API write: the trail has one entry, by the user, with assessor_org
    (a raw UPDATE afterwards added a second entry blamed on 'onbekend (buiten pMIEK)')."""
    from pmiek_werkbank.werkbank import open_werkbank
    from pmiek_werkbank.werkbank.storage import current_user

    QgsSettings().setValue("pmiek/assessor_org", "Netbedrijf")
    QgsSettings().setValue("pmiek/assessor_role", "gemeente")
    dlg = dock.rating_dialog("p3", "D")
    dlg.rating.setCurrentIndex(0)
    dlg.rationale.setPlainText("Ligt naast het station")
    dlg.accept()
    assert dlg.result() == dlg.DialogCode.Accepted, dlg.message.text()
    with open_werkbank(small_werkbank) as wb:
        sid = wb.query("SELECT score_id FROM scores WHERE project_id = 'p3' AND criterion_id = 'D'")[0]["score_id"]
        trail = wb.history("scores", sid)
        onbekend = wb.count("audit_log", "changed_by LIKE 'onbekend%'")
    assert [(e["action"], e["changed_by"]) for e in trail] == [("insert", current_user())]
    assert trail[0]["new"]["assessor_org"] == "Netbedrijf" and trail[0]["new"]["assessor"] == "Tester"
    assert onbekend == 0
    # a second rating of the same cell (another organisation): one update entry, again by the user
    QgsSettings().setValue("pmiek/assessor_org", "Gemeente")
    dlg = dock.rating_dialog("p3", "D")
    dlg.rationale.setPlainText("Ligt naast het station; bevestigd")
    dlg.accept()
    QgsSettings().setValue("pmiek/assessor_org", "")
    QgsSettings().setValue("pmiek/assessor_role", "")
    with open_werkbank(small_werkbank) as wb:
        trail = wb.history("scores", sid)
        onbekend = wb.count("audit_log", "changed_by LIKE 'onbekend%'")
    assert [(e["action"], e["changed_by"]) for e in trail] == [("insert", current_user()), ("update", current_user())]
    assert trail[1]["new"]["assessor_org"] == "Gemeente" and onbekend == 0


def test_weight_change_reranks_immediately(dock, small_werkbank):
    from pmiek_werkbank.werkbank import open_werkbank

    spin = dock.weights.findChild(type(dock.weights.cellWidget(0, 3)), "weight_A")
    spin.setValue(3.0)  # P-1 = 16 + 2*3 = 22, P-2 = 17 + 2*2 = 21
    _, rows = _grid(dock)
    assert (rows["P-1"]["Totaal"], rows["P-1"]["Rang"]) == ("22", "1")
    assert (rows["P-2"]["Totaal"], rows["P-2"]["Rang"]) == ("21", "2")
    assert dock.save_weights.isEnabled()
    with open_werkbank(small_werkbank) as wb:  # not stored until saved
        assert wb.query("SELECT weight FROM criteria WHERE criterion_id = 'A'")[0]["weight"] == 1.0
    dock.store_weights()
    with open_werkbank(small_werkbank) as wb:
        assert wb.query("SELECT weight FROM criteria WHERE criterion_id = 'A'")[0]["weight"] == 3.0
    assert not dock.save_weights.isEnabled()


def test_decision_needs_reason(dock):
    from pmiek_werkbank.scoring.errors import ScoringError

    with pytest.raises(ScoringError, match="reden is verplicht"):
        dock.decide("p3", "afgevallen", "")
    dock.decide("p3", "afgevallen", "Onvolledig en geen urgentie")
    dock.tabs.setCurrentIndex(dock.rank_tab)
    rm = dock.rank_model
    statuses = {rm.text(i, 2): rm.text(i, rm.columnCount() - 1) for i in range(rm.rowCount())}
    assert statuses["P-3"] == "Afgevallen"


def test_dock_picture(dock, artifacts_dir):
    """A picture of the dock (offscreen) for review: tests/artifacts/scoring_dock.png."""
    import os

    dock.resize(900, 700)
    dock.grid.setCurrentIndex(dock.grid_model.index(2, 3))
    path = os.path.join(artifacts_dir, "scoring_dock.png")
    assert dock.grab().save(path)
    assert os.path.getsize(path) > 0


def test_cleanup_disconnects(qgis_iface, small_werkbank):
    from pmiek_werkbank.dialogs.scoring_dock import ScoringDock
    from pmiek_werkbank.layers.project import Session

    session = Session(QgsProject.instance())
    session.set_werkbank(small_werkbank)
    d = ScoringDock(qgis_iface, session)
    calls = []
    d.reload = lambda *a: calls.append(a)  # instance attribute: the connected slot is the bound method
    d.cleanup()
    assert d._connections == []
    session.dataChanged.emit("scores")
    session.werkbankChanged.emit("")
    d.cleanup()  # twice is harmless
    d.deleteLater()


def test_compact_grid_shows_points_and_keeps_details_in_tooltip(dock):
    headers, rows = _grid(dock)
    m = dock.grid_model
    a, b = headers.index("A"), headers.index("B")
    assert dock.compact.isChecked() and m.compact
    # P-1 row 0: A 'hoog [3]' -> '3'; P-3 row 2: B disputed -> '⚠'; the full text stays in the tooltip
    assert m.data(m.index(0, a), Qt.ItemDataRole.DisplayRole) == "3"
    assert m.data(m.index(2, b), Qt.ItemDataRole.DisplayRole) == "⚠"
    assert m.data(m.index(0, a), Qt.ItemDataRole.ToolTipRole).startswith("hoog [3]")
    dock.compact.setChecked(False)
    assert m.data(m.index(0, a), Qt.ItemDataRole.DisplayRole) == "hoog [3]"


def test_refused_reason_keeps_what_was_typed(dock, small_werkbank):
    """'Laten afvallen' with a blank reason is refused in the dialog, which shows why and keeps what was typed."""
    from pmiek_werkbank.werkbank import open_werkbank

    dlg = dock.decision_dialog("p3", "afgevallen")
    dlg.reason.setPlainText("   ")
    dlg.accept()
    assert dlg.result() != dlg.DialogCode.Accepted and "reden" in dlg.message.text().lower()
    assert dlg.reason.toPlainText() == "   "
    dlg.reason.setPlainText("Geen urgentie")
    dlg.accept()
    assert dlg.result() == dlg.DialogCode.Accepted
    with open_werkbank(small_werkbank) as wb:
        row = wb.query("SELECT status, status_reason FROM projects WHERE project_id = 'p3'")[0]
    assert (row["status"], row["status_reason"]) == ("afgevallen", "Geen urgentie")


def test_reason_dialog_says_which_decision(dock):
    """Opnemen and Laten afvallen asked the same 'Reden voor …': the heading asks the question of the decision."""
    from qgis.PyQt.QtWidgets import QLabel

    def heading(dlg):
        return " ".join(w.text() for w in dlg.findChildren(QLabel))

    drop, take = dock.decision_dialog("p3", "afgevallen"), dock.decision_dialog("p3", "opgenomen")
    assert "Waarom laten afvallen?" in heading(drop) and "P-3 Hub Zuid" in heading(drop)
    assert "Waarom opnemen in het pMIEK?" in heading(take) and "afvallen" not in heading(take)
    assert (drop.windowTitle(), take.windowTitle()) == ("Project laten afvallen", "Project opnemen in het pMIEK")


def test_keyboard_tab_leaves_the_tables_and_enter_rates(dock, monkeypatch):
    """Tab moves the focus out of a table (it moved cell to cell and never left), the arrows move within;
    Enter on a grid cell opens the rating dialog as a double-click does."""
    from qgis.PyQt.QtTest import QTest
    from qgis.PyQt.QtWidgets import QAbstractItemView

    views = dock.findChildren(QAbstractItemView)
    assert views and [v.objectName() or type(v).__name__ for v in views if v.tabKeyNavigation()] == []
    headers, _ = _grid(dock)
    g, m = dock.grid, dock.grid_model
    g.setCurrentIndex(m.index(2, headers.index("C")))
    QTest.keyClick(g, Qt.Key.Key_Tab)
    assert g.currentIndex() == m.index(2, headers.index("C"))  # Tab is not a move within the grid
    QTest.keyClick(g, Qt.Key.Key_Right)
    assert g.currentIndex() == m.index(2, headers.index("D"))
    opened = []
    monkeypatch.setattr(dock, "open_rating_dialog", lambda pid, cid: opened.append((pid, cid)))
    QTest.keyClick(g, Qt.Key.Key_Return)
    QTest.keyClick(g, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    assert opened == [("p3", "D"), ("p3", "D")]


def test_rating_dialog_keys(dock, small_werkbank):
    """In the motivatie Tab moves on (it typed a tab), Ctrl+Enter is OK, Esc asks before typed text is lost."""
    from qgis.PyQt.QtTest import QTest

    from pmiek_werkbank.werkbank import open_werkbank

    QgsSettings().setValue("pmiek/assessor_role", "gemeente")
    try:
        asked = []
        dlg = dock.rating_dialog("p3", "E")
        dlg.confirm = lambda title, question: asked.append(question) or False
        dlg.show()
        QTest.keyClick(dlg.rationale, Qt.Key.Key_Escape)  # nothing typed: closes without asking
        assert asked == [] and dlg.result() == dlg.DialogCode.Rejected and not dlg.isVisible()

        dlg = dock.rating_dialog("p3", "E")
        dlg.confirm = lambda title, question: asked.append(question) or False
        dlg.show()
        dlg.rating.setCurrentIndex(0)
        QTest.keyClicks(dlg.rationale, "Past bij de gemeente")
        QTest.keyClick(dlg.rationale, Qt.Key.Key_Tab)
        assert "\t" not in dlg.rationale.toPlainText() and dlg.rationale.toPlainText() == "Past bij de gemeente"
        dlg.rationale.setFocus()
        QTest.keyClick(dlg.rationale, Qt.Key.Key_Escape)
        assert asked == ["Motivatie weggooien?"] and dlg.isVisible()  # 'no': the dialog and the text stay
        assert dlg.rationale.toPlainText() == "Past bij de gemeente"
        QTest.keyClick(dlg.rationale, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        assert dlg.result() == dlg.DialogCode.Accepted and not dlg.isVisible()
        with open_werkbank(small_werkbank) as wb:
            row = wb.query("SELECT rating, rationale FROM scores WHERE project_id = 'p3' AND criterion_id = 'E'")[0]
        assert (row["rating"], row["rationale"]) == (dlg.rating.itemText(0), "Past bij de gemeente")

        dlg = dock.rating_dialog("p3", "E")  # the stored motivatie is there: Esc without a change does not ask
        dlg.confirm = lambda title, question: asked.append(question) or True
        dlg.show()
        QTest.keyClick(dlg.rationale, Qt.Key.Key_Escape)
        assert len(asked) == 1 and dlg.result() == dlg.DialogCode.Rejected
        dlg = dock.rating_dialog("p3", "E")
        dlg.confirm = lambda title, question: asked.append(question) or True
        dlg.show()
        QTest.keyClicks(dlg.rationale, " en de provincie")
        QTest.keyClick(dlg.rationale, Qt.Key.Key_Escape)  # 'yes': thrown away
        assert asked[1:] == ["Motivatie weggooien?"] and dlg.result() == dlg.DialogCode.Rejected
    finally:
        QgsSettings().setValue("pmiek/assessor_role", "")


def _snapshot(model):
    """Every cell as the views see it: text, compact text, tooltip, colours, key."""
    roles = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.UserRole)
    out = []
    for i in range(model.rowCount()):
        row = []
        for j in range(model.columnCount()):
            cell = model.cells[i][j]
            bg, fg = cell.get(Qt.ItemDataRole.BackgroundRole), cell.get(Qt.ItemDataRole.ForegroundRole)
            row.append(tuple(cell.get(r) for r in roles) + (model.shown(i, j), bg.color().name() if bg else None,
                                                            fg.color().name() if fg else None))
        out.append(row)
    return [model.headers, model.keys, out]


def _assert_same_as_fresh(dock, qgis_iface):
    """The dock's grid, Rangorde tab, ranking, ratings and consensus equal those of a freshly opened dock."""
    from pandas.testing import assert_frame_equal

    from pmiek_werkbank.dialogs.scoring_dock import ScoringDock

    fresh = ScoringDock(qgis_iface, dock.session)
    fresh.runs.setValue(0)
    try:
        assert _snapshot(dock.grid_model) == _snapshot(fresh.grid_model)
        # the Rangorde tab is filled when shown: both opened (this dock's from its updated state)
        tab = dock.tabs.currentIndex()
        dock.tabs.setCurrentIndex(dock.rank_tab)
        fresh.tabs.setCurrentIndex(fresh.rank_tab)
        assert _snapshot(dock.rank_model) == _snapshot(fresh.rank_model)
        assert dock.rank_model.rowCount() == dock.grid_model.rowCount()
        assert list(dock.ranking["rank_min"]) == list(fresh.ranking["rank_min"])
        assert_frame_equal(dock.ranking.reset_index(drop=True), fresh.ranking.reset_index(drop=True),
                           check_exact=True)
        dock.tabs.setCurrentIndex(tab)
        assert_frame_equal(dock.scores.reset_index(drop=True), fresh.scores, check_exact=True)
        assert_frame_equal(dock.cons.drop(columns=["assessors"]), fresh.cons.drop(columns=["assessors"]),
                           check_exact=True)
        assert list(dock.cons["assessors"]) == list(fresh.cons["assessors"])
    finally:
        fresh.cleanup()
        fresh.deleteLater()


def test_edits_update_rows_without_reload_and_equal_a_fresh_dock(dock, small_werkbank, qgis_iface):
    """A rating, a status from this dock and from elsewhere (projects dock, import) update the changed rows
    only (no model reset, no full reload) and leave the dock exactly as a freshly opened one (issue 19)."""
    from pmiek_werkbank.scoring import decisions as D
    from pmiek_werkbank.scoring import scores as S
    from pmiek_werkbank.werkbank import open_werkbank

    resets, changed, reloads = [], [], []
    dock.grid_model.modelReset.connect(lambda: resets.append("grid"))
    dock.rank_model.modelReset.connect(lambda: resets.append("rank"))
    dock.grid_model.dataChanged.connect(lambda a, b: changed.append(a.row()))
    original = dock.reload
    dock.reload = lambda *a: (reloads.append(a), original(*a))

    def same_as_fresh():
        _assert_same_as_fresh(dock, qgis_iface)

    # Bert changes his B of P-3 from 'slecht' to 'goed': unanimous, 3 points, total 1 + 3 = 4
    dock.apply_rating("p3", "B", "goed", "toch goed", "Bert", role="netbeheerder", date="2026-02-03")
    _, rows = _grid(dock)
    assert rows["P-3"]["B"] == "goed (×2) [3]" and rows["P-3"]["Totaal"] == "4" and rows["P-3"]["Rang"] == "3"
    assert changed == [2] and not resets and not reloads  # only P-3's row
    same_as_fresh()
    # a new assessor on a new cell: P-3 C 'veel' (3) -> total 7; Cor's 'weinig' on P-1 A makes it disputed
    dock.apply_rating("p3", "C", "veel", "m", "Cor", role="provincie", date="2026-02-03")
    dock.apply_rating("p1", "A", "laag", "m", "Cor", role="provincie", date="2026-02-03")
    _, rows = _grid(dock)
    assert rows["P-3"]["Totaal"] == "7" and rows["P-1"]["A"] == "⚠ hoog / laag" and rows["P-1"]["Totaal"] == "13"
    assert (rows["P-2"]["Rang"], rows["P-1"]["Rang"], rows["P-3"]["Rang"]) == ("1", "2", "3")
    same_as_fresh()
    # a status from this dock: P-1 afgevallen, no rank; P-3 moves up to 2
    changed.clear()
    dock.decide("p1", "afgevallen", "geen urgentie")
    _, rows = _grid(dock)
    assert (rows["P-1"]["Rang"], rows["P-3"]["Rang"]) == ("–", "2") and sorted(changed) == [0, 2]
    same_as_fresh()
    # a status written elsewhere (the projects dock) and a rating imported elsewhere: the signal only
    with open_werkbank(small_werkbank) as wb:
        D.set_status(wb, "p1", "kandidaat", None)
        S.record_score(wb, "p2", "A", "laag", "m", "Anna", date="2026-02-04")  # P-2: 17 - 2 + 1 = 16
    dock.session.dataChanged.emit("projects")
    dock.session.dataChanged.emit("scores")
    _, rows = _grid(dock)
    assert (rows["P-2"]["Totaal"], rows["P-2"]["Rang"], rows["P-1"]["Rang"]) == ("16", "1", "2")
    same_as_fresh()
    # the grid was never reset; the Rangorde tab once, when it was first shown (it starts empty)
    assert resets == ["rank"] and not reloads
    # a project added elsewhere: the tables are rebuilt (a reset), the ratings are not read again
    with open_werkbank(small_werkbank) as wb:
        wb.write_frame("projects", [{"project_id": "p4", "code": "P-4", "name": "Nieuw"}], mode="insert")
    dock.session.dataChanged.emit("projects")
    _, rows = _grid(dock)
    assert (rows["P-4"]["Totaal"], rows["P-4"]["Rang"], rows["P-4"]["Volledig"]) == ("0", "4", "nee")
    assert not reloads and "3 projecten" not in dock.info.text() and "4 projecten" in dock.info.text()
    same_as_fresh()
    dock.reload = original


def test_status_that_keeps_the_ranking_is_carried_along_without_ranking_again(dock, small_werkbank, qgis_iface,
                                                                              monkeypatch):
    """kandidaat -> opgenomen (and back, from elsewhere) keeps who is ranked: the projects and the ranking
    take the new status and reason in place, only that row is redrawn and nothing is ranked again; the dock
    equals a fresh one, with the Rangorde tab shown and hidden (issue 19 item 5)."""
    from pmiek_werkbank.scoring import decisions as D
    from pmiek_werkbank.scoring import ranking as R
    from pmiek_werkbank.werkbank import enums as E
    from pmiek_werkbank.werkbank import open_werkbank

    ranked, changed, resets = [], [], []
    real = R.rank_programme
    monkeypatch.setattr(R, "rank_programme", lambda *a, **k: (ranked.append(1), real(*a, **k))[1])
    dock.grid_model.dataChanged.connect(lambda a, b: changed.append(a.row()))
    dock.grid_model.modelReset.connect(lambda: resets.append("grid"))
    before = _grid(dock)[1]
    dock.decide("p2", "opgenomen", "past in het programma")
    rows = _grid(dock)[1]
    assert not ranked and changed == [1] and not resets  # P-2's row only, no ranking
    assert {k: v for k, v in rows.items()} == before  # the grid shows no status for kandidaat/opgenomen
    assert dock.projects.set_index("project_id").loc["p2", "status"] == "opgenomen"
    assert dock.ranking.set_index("project_id").loc["p2", "status_reason"] == "past in het programma"
    _assert_same_as_fresh(dock, qgis_iface)
    # with the Rangorde tab shown: its row shows the new status and reason at once
    dock.tabs.setCurrentIndex(dock.rank_tab)
    ranked.clear()
    dock.decide("p3", "opgenomen", "hub nodig")
    assert not ranked
    m = dock.rank_model
    r3 = [i for i in range(m.rowCount()) if m.text(i, 2) == "P-3"][0]
    assert m.text(r3, m.columnCount() - 1) == E.label(E.PROJECT_STATUS, "opgenomen") == "Opgenomen in pMIEK"
    assert m.data(m.index(r3, 3), Qt.ItemDataRole.ToolTipRole) == "Reden: hub nodig"
    _assert_same_as_fresh(dock, qgis_iface)
    # afgevallen changes who is ranked: ranked again (the full path), P-3 loses its rank
    dock.decide("p3", "afgevallen", "toch niet")
    assert ranked and _grid(dock)[1]["P-3"]["Rang"] == "–"
    _assert_same_as_fresh(dock, qgis_iface)
    with open_werkbank(small_werkbank) as wb:
        D.set_status(wb, "p2", "kandidaat", None)
    dock.session.dataChanged.emit("projects")  # from elsewhere: all projects re-read and compared
    _assert_same_as_fresh(dock, qgis_iface)


def test_assessor_dialog_refuses_and_remembers(qgis_iface):
    """The assessor dialog shares the rating dialog's assessor rows and checks: name and role required."""
    from pmiek_werkbank.dialogs.scoring_dock import AssessorDialog, session_assessor

    QgsSettings().setValue("pmiek/assessor", "")
    QgsSettings().setValue("pmiek/assessor_role", "")
    dlg = AssessorDialog()
    dlg.name.setText("  ")
    dlg.accept()
    assert dlg.result() != dlg.DialogCode.Accepted and "naam" in dlg.message.text()
    dlg.name.setText("Anna de Vries")
    dlg.accept()
    assert dlg.result() != dlg.DialogCode.Accepted and "rol" in dlg.message.text()
    dlg.organisation.setText("Provincie Utrecht")
    dlg.role.setCurrentIndex(dlg.role.findData("provincie"))
    dlg.accept()
    assert dlg.result() == dlg.DialogCode.Accepted
    assert session_assessor() == {"name": "Anna de Vries", "organisation": "Provincie Utrecht", "role": "provincie"}
    QgsSettings().setValue("pmiek/assessor_role", "")
    QgsSettings().setValue("pmiek/assessor_org", "")
