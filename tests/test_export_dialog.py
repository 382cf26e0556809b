"""The export dialog: lists the projects, builds the options, cleans up."""

import os

from test_export_data import CONFIDENTIAL, build_export_werkbank


def test_dialog_lists_projects_and_cleans_up(qgis_iface, qgis_new_project, werkbank_path):
    from pmiek_werkbank.dialogs.export_dialog import ExportDialog
    from pmiek_werkbank.dialogs.registry import ENTRIES, available_entries
    from pmiek_werkbank.layers.project import Session

    build_export_werkbank(werkbank_path)
    assert "export" in [e[0] for e in available_entries()] and any(e[0] == "export" for e in ENTRIES)
    session = Session()
    session.set_werkbank(werkbank_path)
    dlg = ExportDialog(qgis_iface, session)
    texts = [dlg.projects.item(i).text() for i in range(dlg.projects.count())]
    assert len(texts) == 6 and any(CONFIDENTIAL in t and "vertrouwelijk" in t for t in texts)
    opts = dlg.options()
    assert opts["project_ids"] == [] and opts["fiches"] and opts["atlas"] and opts["lists"]
    assert not opts["include_confidential"] and opts["order"] == "rank"
    dlg.cleanup()
    session.set_werkbank("")  # no longer connected: no error, list unchanged
    assert dlg.projects.count() == 6
    dlg.close()


def test_dialog_exports_fiches_and_atlas_in_one_pass(qgis_iface, qgis_new_project, werkbank_path, tmp_path,
                                                     monkeypatch):
    """Fiches and atlas ticked: the dialog runs the one-pass export (each fiche map drawn once, as
    pmiek:exportfiches does), writes a PDF per project and the atlas, and says it is done."""
    from qgis.PyQt.QtTest import QTest

    from pmiek_werkbank.dialogs import export_dialog as D
    from pmiek_werkbank.export import atlas as A
    from pmiek_werkbank.export.context import gather
    from pmiek_werkbank.layers.project import Session
    from pmiek_werkbank.werkbank import open_werkbank

    build_export_werkbank(werkbank_path)
    with open_werkbank(werkbank_path, readonly=True) as wb:
        expected = sorted(p["project_id"] for p in gather(wb).projects)
    calls = []
    one_pass = A.export_fiches_and_atlas

    def spy(*args, **kw):
        calls.append(args[2:4])
        return one_pass(*args, **kw)

    monkeypatch.setattr(A, "export_fiches_and_atlas", spy)
    monkeypatch.setattr(D.QDesktopServices, "openUrl", lambda url: True)  # no file manager in a test
    session = Session()
    session.set_werkbank(werkbank_path)
    dlg = D.ExportDialog(qgis_iface, session)
    try:
        dlg.folder.setText(str(tmp_path / "uit"))
        dlg.cb_lists.setChecked(False)
        dlg.start()
        for _ in range(600):
            QTest.qWait(100)
            if dlg.run_button.isEnabled():
                break
        assert dlg.status.text().startswith("Klaar"), dlg.status.text()
        assert calls == [(str(tmp_path / "uit" / "fiches"), str(tmp_path / "uit" / "energyboard_atlas.pdf"))]
        pdfs = sorted(f for f in os.listdir(tmp_path / "uit" / "fiches") if f.endswith(".pdf"))
        assert len(pdfs) == len(expected) > 0
        with open(tmp_path / "uit" / "energyboard_atlas.pdf", "rb") as f:
            assert f.read(5) == b"%PDF-"
    finally:
        dlg.cleanup()
        dlg.close()


def test_dialog_lists_a_project_added_meanwhile_and_keeps_the_ticks(qgis_iface, qgis_new_project, werkbank_path):
    """A project drawn while the dialog existed never appeared in its list, not even when it was shown again: the
    list follows the session's data changes and every show, and the ticked projects stay ticked."""
    from qgis.PyQt.QtCore import Qt

    from pmiek_werkbank.dialogs.export_dialog import ExportDialog
    from pmiek_werkbank.layers.project import Session
    from pmiek_werkbank.werkbank import open_werkbank

    build_export_werkbank(werkbank_path)
    session = Session()
    session.set_werkbank(werkbank_path)
    dlg = ExportDialog(qgis_iface, session)
    try:
        assert dlg.projects.count() == 6
        dlg.projects.item(0).setCheckState(Qt.CheckState.Checked)
        first = dlg.projects.item(0).data(Qt.ItemDataRole.UserRole)
        with open_werkbank(werkbank_path) as wb:
            wb.write_frame("projects", [{"project_id": "P99", "code": "99", "name": "Getekend in de sessie",
                                         "confidential": 0, "in_ip": 0}])
        session.dataChanged.emit("projects")
        texts = [dlg.projects.item(i).text() for i in range(dlg.projects.count())]
        assert dlg.projects.count() == 7 and "99 Getekend in de sessie" in texts
        assert dlg.options()["project_ids"] == [first]
    finally:
        dlg.cleanup()
        dlg.close()


def test_the_export_folder_is_the_werkbanks_own_and_kept(qgis_iface, qgis_new_project, tmp_path):
    """QGIS 3.40 desktop trial F24: the export folder was not remembered across sessions, and after switching werkbank
    the dialog still offered the previous werkbank's folder, so werkbank B's fiches landed beside werkbank A."""
    import shutil

    from conftest import SAMPLE_DIR
    from qgis.core import QgsSettings

    from pmiek_werkbank.dialogs.export_dialog import ExportDialog
    from pmiek_werkbank.dialogs.files import EXPORT_FOLDERS
    from pmiek_werkbank.layers.project import Session

    a, b = str(tmp_path / "a" / "werkbank.gpkg"), str(tmp_path / "b" / "werkbank.gpkg")
    for p in (a, b):
        os.makedirs(os.path.dirname(p))
        shutil.copyfile(os.path.join(SAMPLE_DIR, "voorbeeld_werkbank.gpkg"), p)
    session = Session()
    session.set_werkbank(a)
    dlg = ExportDialog(qgis_iface, session)
    try:
        assert dlg.folder.text() == str(tmp_path / "a" / "pmiek_export")
        chosen = str(tmp_path / "a" / "energyboard_maart")
        dlg.folder.setText(chosen)
        from pmiek_werkbank.dialogs.files import remember_export_folder

        remember_export_folder(a, chosen)  # what start() does before it exports
        session.set_werkbank(b)
        assert dlg.folder.text() == str(tmp_path / "b" / "pmiek_export")
        session.set_werkbank(a)
        assert dlg.folder.text() == chosen
    finally:
        dlg.cleanup()
        dlg.close()
    again = ExportDialog(qgis_iface, session)  # a new session of the dialog (and of QGIS: QgsSettings)
    try:
        assert again.folder.text() == chosen
    finally:
        again.cleanup()
        again.close()
        QgsSettings().remove(EXPORT_FOLDERS.rstrip("/"))
