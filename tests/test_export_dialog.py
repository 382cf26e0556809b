"""The export dialog: lists the projects, builds the options, cleans up."""

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
