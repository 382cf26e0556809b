"""The import wizard, driven page by page (offscreen): file -> developments -> mapping -> validation -> import."""

import os


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
