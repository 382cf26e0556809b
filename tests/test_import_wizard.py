"""The import wizard, driven page by page (offscreen): file -> developments -> mapping -> validation -> import."""

import os

import pytest


def _to_mapping(w, werkbank, path, kind):
    """Source page filled in (werkbank, file, kind), on to the mapping page; returns that page."""
    combo = w.source_page.kind_combo
    w.source_page.werkbank_widget.setFilePath(werkbank)
    w.source_page.file_widget.setFilePath(str(path))
    combo.setCurrentIndex(combo.findData(kind))
    w.show()
    w.next()
    return w.mapping_page


def _close(w, qgis_iface):
    """Close the wizard and leave no layers, groups or messages for the next test."""
    from qgis.core import QgsProject

    w.close()
    w.cleanup()
    w.deleteLater()
    qgis_iface.messageBar().clearWidgets()
    QgsProject.instance().removeAllMapLayers()
    QgsProject.instance().layerTreeRoot().removeAllChildren()


def test_wizard_imports_municipalities_and_remembers_mapping(qgis_iface, werkbank_path, shared_data):
    from qgis.core import QgsProject, QgsSettings

    from pmiek_werkbank.dialogs.import_wizard import SETTINGS_KEY, ImportWizard, source_key
    from pmiek_werkbank.layers.project import GROUP_NAME, Session
    from pmiek_werkbank.werkbank import open_werkbank

    session = Session(QgsProject.instance())
    src = os.path.join(shared_data, "cbs_gemeenten.gpkg")
    w = ImportWizard(qgis_iface, session)
    try:
        w.source_page.werkbank_widget.setFilePath(werkbank_path)
        w.source_page.file_widget.setFilePath(src)
        w.source_page.kind_combo.setCurrentIndex(w.source_page.kind_combo.findData("developments"))
        w.show()
        w.next()
        assert w.currentPage() is w.mapping_page
        mp = w.mapping_page
        assert mp.combos["municipality"].currentData() == "gemeentenaam"  # recognised
        mp.combos["id"].setCurrentIndex(mp.combos["id"].findData("gemeentecode"))
        mp.combos["units"].setCurrentIndex(mp.combos["units"].findData("aantalHuishoudens"))
        mp.sector.setCurrentIndex(mp.sector.findData("wonen"))
        assert mp.preview.rowCount() == 20 and mp.preview.columnCount() == len(mp.mapping())
        w.next()
        assert w.currentPage() is w.validation_page
        assert "343 rijen in de bron: 26 worden geïmporteerd, 317 afgekeurd" in w.validation_page.summary.text()
        with open_werkbank(werkbank_path) as wb:
            assert wb.count("developments") == 0  # the validation step is a dry run
        w.next()
        assert w.currentPage() is w.result_page
        assert "26 van 343 rijen geïmporteerd" in w.result_page.label.text()
        with open_werkbank(werkbank_path) as wb:
            assert wb.count("developments") == 26
        group = QgsProject.instance().layerTreeRoot().findGroup(GROUP_NAME)
        assert group is not None and session.werkbank_path() == werkbank_path
        names = [lyr.name() for lyr in QgsProject.instance().mapLayers().values()]
        assert "Ontwikkelingen (vlakken)" in names
        key = SETTINGS_KEY.format("developments", source_key(w.layer()))
        remembered = QgsSettings().value(key, "")
        assert '"id": "gemeentecode"' in remembered and '"units": "aantalHuishoudens"' in remembered
        QgsSettings().remove(key)
    finally:
        w.close()
        w.cleanup()
        w.deleteLater()
        QgsProject.instance().removeAllMapLayers()
        QgsProject.instance().layerTreeRoot().removeAllChildren()


def test_wizard_stations_into_the_sample_no_duplicates_counts_and_report(qgis_iface, sample_dir, shared_data,
                                                                         tmp_path):
    """The trial of issue 14: OSM substations ('356') into the sample (which holds 'osm-356') through the wizard."""
    import glob
    import shutil

    from qgis.PyQt.QtWidgets import QPushButton

    from pmiek_werkbank.dialogs.import_wizard import ImportWizard
    from pmiek_werkbank.ingest.ids import station_key
    from pmiek_werkbank.werkbank import open_werkbank

    wb_path = str(tmp_path / "voorbeeld.gpkg")
    shutil.copy(os.path.join(sample_dir, "voorbeeld_werkbank.gpkg"), wb_path)
    with open_werkbank(wb_path) as wb:
        before = {r["station_id"] for r in wb.query("SELECT station_id FROM stations")}
    w = ImportWizard(qgis_iface, None)
    try:
        w.source_page.werkbank_widget.setFilePath(wb_path)
        w.source_page.file_widget.setFilePath(os.path.join(shared_data, "osm_hv_substations.gpkg"))
        w.source_page.kind_combo.setCurrentIndex(w.source_page.kind_combo.findData("stations"))
        w.show()
        w.next()
        mp = w.mapping_page
        mp.combos["id"].setCurrentIndex(mp.combos["id"].findData("id"))
        w.next()
        vp = w.validation_page
        counts = vp.counts
        assert set(counts) == {"new", "updated", "unchanged", "rejected", "removed"}
        text = vp.summary.text()
        assert "Nieuw: {} · bijgewerkt: {} · ongewijzigd: {} · afgekeurd: {}".format(
            counts["new"], counts["updated"], counts["unchanged"], counts["rejected"]) in text
        # warnings first, then rejections; sortable
        sev = [vp.problems.item(r, 0).text() for r in range(vp.problems.rowCount())]
        assert "fout" in sev and "waarschuwing" in sev
        assert sev.index("fout") > max(i for i, s in enumerate(sev) if s == "waarschuwing")
        assert vp.problems.isSortingEnabled()
        recognised = [vp.problems.item(r, 4).text() for r in range(vp.problems.rowCount())
                      if "herkend als station 'osm-" in vp.problems.item(r, 4).text()]
        assert len(recognised) >= 12
        with open_werkbank(wb_path) as wb:
            assert {r["station_id"] for r in wb.query("SELECT station_id FROM stations")} == before  # dry run
        w.next()
        with open_werkbank(wb_path) as wb:
            ids = [r["station_id"] for r in wb.query("SELECT station_id FROM stations")]
        assert len(ids) == len(before) + counts["new"]
        assert len({station_key(i) for i in ids}) == len(ids)  # '356' never beside 'osm-356'
        reports = glob.glob(str(tmp_path / "voorbeeld_importrapport_stations_*.html"))
        assert len(reports) == 1 and os.path.exists(reports[0][:-5] + ".csv")
        assert w.result_page.result.report_path == reports[0]
        buttons = [b for b in qgis_iface.messageBar().findChildren(QPushButton)
                   if b.objectName() == "pmiek_open_report"]
        assert buttons
    finally:
        _close(w, qgis_iface)


def test_wizard_offers_the_runner_kinds_projects_from_a_csv(qgis_iface, werkbank_path, tmp_path):
    """A table kind (projectenlijst) through the wizard: columns recognised by its spec, the check page is a dry
    run with exact counts, the import writes through the one runner and saves its report beside the werkbank."""
    from qgis.core import QgsProject

    from pmiek_werkbank.dialogs.import_wizard import TABLE_KINDS, ImportWizard
    from pmiek_werkbank.werkbank import open_werkbank

    src = tmp_path / "projecten.csv"
    src.write_text("project_id,Naam project,Type infra\nP1,Station Noord,station\nP2,Kabel Oost,kabel\n",
                   encoding="utf-8")
    w = ImportWizard(qgis_iface, None)
    try:
        combo = w.source_page.kind_combo
        assert all(combo.findData(k) >= 0 for k in TABLE_KINDS + ("capacity_areas", "stations", "developments"))
        mp = _to_mapping(w, werkbank_path, src, "projects")
        assert mp.recognised["name"] == "Naam project" and mp.recognised["project_id"] == "project_id"
        assert mp.preview.rowCount() == 2
        w.next()
        text = w.validation_page.summary.text()
        assert "2 rijen in de bron: 2 worden geïmporteerd" in text and "Nieuw: 2" in text, text
        with open_werkbank(werkbank_path) as wb:
            assert wb.count("projects") == 0  # the check page is a dry run
        w.next()
        assert w.currentPage() is w.result_page
        with open_werkbank(werkbank_path) as wb:
            names = {r["project_id"]: r["name"] for r in wb.query("SELECT project_id, name FROM projects")}
        assert names == {"P1": "Station Noord", "P2": "Kabel Oost"}
        path = w.result_page.result.report_path
        assert path and os.path.isfile(path) and "importrapport_projects" in path
        assert os.path.isfile(os.path.splitext(path)[0] + ".csv")
    finally:
        w.close()
        w.cleanup()
        w.deleteLater()
        QgsProject.instance().removeAllMapLayers()
        QgsProject.instance().layerTreeRoot().removeAllChildren()


def test_wizard_links_rejects_bad_rows_in_a_table_and_imports_the_rest(qgis_iface, sample_dir, tmp_path):
    """Knooppunten, links and scores are offered; links from a CSV: the fields are guessed, the check page lists
    every rejected row (spreadsheet line, field, Dutch message) in its table and the good rows are imported."""
    import shutil


    from pmiek_werkbank.dialogs.import_wizard import ImportWizard
    from pmiek_werkbank.werkbank import open_werkbank

    wb_path = str(tmp_path / "voorbeeld.gpkg")
    shutil.copy(os.path.join(sample_dir, "voorbeeld_werkbank.gpkg"), wb_path)
    with open_werkbank(wb_path) as wb:
        pid = wb.query("SELECT project_id FROM projects ORDER BY project_id LIMIT 1")[0]["project_id"]
        devs = [r["dev_id"] for r in wb.query("SELECT dev_id FROM developments ORDER BY dev_id LIMIT 3")]
        before = wb.count("project_links")
        stored = {(r["project_id"], r["dev_id"]) for r in wb.query("SELECT project_id, dev_id FROM project_links")}
    assert all((pid, d) not in stored for d in devs[:2])
    src = tmp_path / "koppelingen.csv"
    src.write_text("project_id,plan_id,aandeel_pct,motivatie\n"
                   "{p},{d0},50,goed\n"          # line 2: imported
                   "GEEN-PROJECT,{d1},20,x\n"    # line 3: project unknown
                   "{p},{d1},veel,x\n"           # line 4: share is no number
                   "{p},{d0},30,dubbel\n"        # line 5: duplicate of line 2
                   "{p},{d1},25,ook goed\n"      # line 6: imported
                   .format(p=pid, d0=devs[0], d1=devs[1]), encoding="utf-8")
    w = ImportWizard(qgis_iface, None)
    try:
        combo = w.source_page.kind_combo
        assert all(combo.findData(k) >= 0 for k in ("knooppunten", "project_links", "scores"))
        mp = _to_mapping(w, wb_path, src, "project_links")
        assert {p: c.currentData() for p, c in mp.combos.items()} == {
            "project_field": "project_id", "dev_field": "plan_id", "share_field": "aandeel_pct",
            "motivation_field": "motivatie"}
        w.next()
        vp = w.validation_page
        assert vp.isComplete(), vp.summary.text()
        assert "5 rijen in de bron: 2 worden geïmporteerd, 3 afgekeurd" in vp.summary.text()
        rows = [(vp.problems.item(r, 0).text(), vp.problems.item(r, 1).text(), vp.problems.item(r, 3).text(),
                 vp.problems.item(r, 4).text()) for r in range(vp.problems.rowCount())]
        by_line = {int(line): (sev, field, msg) for sev, line, field, msg in rows if sev == "fout"}
        assert set(by_line) == {3, 4, 5}
        # line 6 is imported, with a warning when its development is then linked for more than 100 % in total
        warned = [(line, msg) for sev, line, _f, msg in rows if sev != "fout"]
        assert all(line == "6" and "aan projecten gekoppeld" in msg for line, msg in warned), warned
        assert by_line[3][2] == "project 'GEEN-PROJECT' bestaat niet in de werkbank (geen project-id of projectcode)"
        assert by_line[4][1] == "aandeel_pct" and "veel" in by_line[4][2]
        assert "staat ook in rij 2" in by_line[5][2]
        with open_werkbank(wb_path) as wb:
            assert wb.count("project_links") == before  # the check page is a dry run
        w.next()
        with open_werkbank(wb_path) as wb:
            got = {(r["project_id"], r["dev_id"]): (r["share_pct"], r["motivation"]) for r in wb.query(
                "SELECT project_id, dev_id, share_pct, motivation FROM project_links WHERE project_id = ?", (pid,))}
            assert wb.count("project_links") == before + 2
        assert got[(pid, devs[0])] == (50.0, "goed") and got[(pid, devs[1])] == (25.0, "ook goed")
        assert w.result_page.result.rejected == 3 and w.result_page.result.counts["inserted"] == 2
    finally:
        _close(w, qgis_iface)


@pytest.mark.parametrize("kind,name,table", [("knooppunten", "knooppunten.gpkg", "knooppunten"),
                                             ("scores", "scores.csv", "scores")])
def test_wizard_knooppunten_and_scores_from_the_sample_change_nothing(qgis_iface, sample_dir, tmp_path, kind, name,
                                                                      table):
    """The sample's own knooppunten and scores through the wizard into the sample werkbank: fields guessed or
    columns recognised, every row counted as unchanged, nothing rejected."""
    import shutil


    from pmiek_werkbank.dialogs.import_wizard import ImportWizard
    from pmiek_werkbank.werkbank import open_werkbank

    wb_path = str(tmp_path / "voorbeeld.gpkg")
    shutil.copy(os.path.join(sample_dir, "voorbeeld_werkbank.gpkg"), wb_path)
    with open_werkbank(wb_path) as wb:
        n = wb.count(table)
    assert n > 0
    w = ImportWizard(qgis_iface, None)
    try:
        mp = _to_mapping(w, wb_path, os.path.join(sample_dir, name), kind)
        if kind == "knooppunten":
            assert mp.combos["name_field"].currentData() == "naam"
            assert mp.combos["id_field"].currentData() == "knooppunt_id"
            assert mp.combos["karakter_field"].currentData() == "karakter"
        else:
            assert mp.recognised["criterion_id"] == "criterium" and mp.recognised["rating"] == "waardering"
        w.next()
        vp = w.validation_page
        assert vp.isComplete(), vp.summary.text()
        assert vp.counts == {"new": 0, "updated": 0, "unchanged": n, "rejected": 0, "removed": 0}
        w.next()
        assert w.result_page.result.counts == {"inserted": 0, "updated": 0, "unchanged": n}
    finally:
        _close(w, qgis_iface)


def test_wizard_sync_deletes_a_row_dropped_from_the_source_only_when_chosen(qgis_iface, werkbank_path, tmp_path):
    """Re-import of a projectenlijst with P3 dropped: without SYNC (the default) the check page counts it as no
    longer in the source and it stays; with SYNC the check page says 1 row will be deleted (dry run: still there)
    and the import deletes it."""
    from pmiek_werkbank.dialogs.import_wizard import ImportWizard
    from pmiek_werkbank.werkbank import open_werkbank

    src = tmp_path / "projecten.csv"

    def wizard(lines, sync):
        src.write_text("project_id,Naam project,Type infra\n" + "".join(line + "\n" for line in lines),
                       encoding="utf-8")
        w = ImportWizard(qgis_iface, None)
        mp = _to_mapping(w, werkbank_path, src, "projects")
        assert mp.source_name.text() == "projecten.csv"  # the name pmiek:importprojects gives the same file
        assert mp.sync is not None and not mp.sync.isChecked()  # offered, off
        mp.sync.setChecked(sync)
        w.next()
        return w

    def ids():
        with open_werkbank(werkbank_path) as wb:
            return sorted(r["project_id"] for r in wb.query("SELECT project_id FROM projects"))

    three = ["P1,Station Noord,station", "P2,Kabel Oost,kabel", "P3,Hub Zuid,station"]
    w = wizard(three, False)
    try:
        w.next()
        assert w.result_page.result.counts["inserted"] == 3
    finally:
        _close(w, qgis_iface)
    assert ids() == ["P1", "P2", "P3"]
    w = wizard(three[:2], False)
    try:
        text = w.validation_page.summary.text()
        assert "niet meer in de bron: 1" in text and "Die 1 rij(en) blijven in de werkbank staan" in text, text
        w.next()
        assert w.result_page.result.removed == ["P3 (Hub Zuid)"] and w.result_page.result.deleted == 0
    finally:
        _close(w, qgis_iface)
    assert ids() == ["P1", "P2", "P3"]  # without SYNC the row stays
    w = wizard(three[:2], True)
    try:
        text = w.validation_page.summary.text()
        assert "SYNC: 1 rij(en) worden uit de werkbank verwijderd: P3 (Hub Zuid)" in text, text
        assert ids() == ["P1", "P2", "P3"]  # the check page is a dry run
        w.next()
        assert w.result_page.result.deleted == 1
    finally:
        _close(w, qgis_iface)
    assert ids() == ["P1", "P2"]  # with SYNC it is gone
    with open_werkbank(werkbank_path) as wb:
        gone = wb.query("SELECT old_values FROM audit_log WHERE table_name = 'projects' AND action = 'delete'")
    assert len(gone) == 1 and "Hub Zuid" in gone[0]["old_values"]


def test_wizard_scores_reject_a_bad_row_and_import_the_rest(qgis_iface, sample_dir, tmp_path):
    """The sample's scores with line 2 rated off the scale and line 3 without a motivation: the check page rejects
    those two rows (line, field, message) and counts the other 98 as unchanged; the import writes nothing for the
    two (their stored ratings stay), where before one bad row refused the whole file."""
    import csv
    import shutil

    from pmiek_werkbank.dialogs.import_wizard import ImportWizard
    from pmiek_werkbank.werkbank import open_werkbank

    wb_path = str(tmp_path / "voorbeeld.gpkg")
    shutil.copy(os.path.join(sample_dir, "voorbeeld_werkbank.gpkg"), wb_path)
    with open(os.path.join(sample_dir, "scores.csv"), encoding="utf-8") as f:
        rows = list(csv.reader(f))
    line2, line3 = list(rows[1]), list(rows[2])
    rows[1][2] = "heel erg hoog"
    rows[2][3] = ""
    src = tmp_path / "scores.csv"
    with open(src, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)

    def stored(line):
        with open_werkbank(wb_path) as wb:
            return wb.query("SELECT rating, rationale FROM scores WHERE project_id = ? AND criterion_id = ? AND "
                            "assessor = ?", (line[0], line[1], line[4]))[0]

    before = (stored(line2), stored(line3))
    w = ImportWizard(qgis_iface, None)
    try:
        mp = _to_mapping(w, wb_path, src, "scores")
        assert mp.sync is None  # ratings are not kept per source: no SYNC offered
        w.next()
        vp = w.validation_page
        assert vp.isComplete(), vp.summary.text()
        assert "100 rijen in de bron: 98 worden geïmporteerd, 2 afgekeurd" in vp.summary.text(), vp.summary.text()
        probs = {int(vp.problems.item(r, 1).text()): (vp.problems.item(r, 3).text(), vp.problems.item(r, 4).text())
                 for r in range(vp.problems.rowCount()) if vp.problems.item(r, 1).text()}
        assert set(probs) == {2, 3}
        general = [vp.problems.item(r, 4).text() for r in range(vp.problems.rowCount())
                   if not vp.problems.item(r, 1).text()]
        assert len(general) == 1 and "Niet gebruikt: 1 kolom(men)" in general[0] and "'bron'" in general[0]
        assert probs[2][0] == "waardering" and "'heel erg hoog' staat niet op de schaal" in probs[2][1]
        assert probs[3][0] == "motivatie" and "de motivatie is verplicht" in probs[3][1]
        w.next()
        assert w.result_page.result.counts == {"inserted": 0, "updated": 0, "unchanged": 98}
    finally:
        _close(w, qgis_iface)
    assert (stored(line2), stored(line3)) == before
    assert before[0]["rating"] == line2[2] and before[1]["rationale"] == line3[3]


def test_wizard_offers_the_layers_of_a_file_of_several(qgis_iface, sample_dir, tmp_path):
    """The sample's projecten.gpkg holds points, lines and polygons: the wizard opened its first layer without a
    word. It now offers the layers (only for a file of more than one) and imports the one chosen."""
    import shutil

    from pmiek_werkbank.dialogs.import_wizard import ImportWizard

    werkbank = str(tmp_path / "w.gpkg")
    shutil.copyfile(os.path.join(sample_dir, "voorbeeld_werkbank.gpkg"), werkbank)
    w = ImportWizard(qgis_iface, None)
    try:
        page = w.source_page
        page.file_widget.setFilePath(os.path.join(sample_dir, "knooppunten.gpkg"))
        w.show()
        assert page.sublayer_combo.isHidden()  # one layer: nothing to choose
        page.file_widget.setFilePath(os.path.join(sample_dir, "projecten.gpkg"))
        assert not page.sublayer_combo.isHidden()
        assert [page.sublayer_combo.itemText(i) for i in range(page.sublayer_combo.count())] == [
            "projecten_punten", "projecten_lijnen", "projecten_vlakken"]
        page.sublayer_combo.setCurrentIndex(1)
        layer = page.layer()
        assert layer.source().endswith("|layername=projecten_lijnen") and layer.featureCount() == 3
        page.kind_combo.setCurrentIndex(page.kind_combo.findData("projects"))
        w.source_page.werkbank_widget.setFilePath(werkbank)
        w.next()
        w.next()
        assert "3 rijen in de bron" in w.validation_page.summary.text(), w.validation_page.summary.text()
        w.next()
        assert w.currentPage() is w.result_page and w.result_page.result is not None
        assert "projecten.gpkg (projecten_lijnen)" in w.result_page.label.text()  # the source, named by its layer
    finally:
        _close(w, qgis_iface)
