"""Werkbank layers in the project after an import: styles, named styles, value maps, labels."""

import os

from conftest import run_alg


def test_imported_layers_styled_in_pmiek_group(pmiek_provider, werkbank_path, shared_data, tmp_path):
    from qgis.core import QgsCategorizedSymbolRenderer, QgsProject

    from pmiek_werkbank.layers.project import GROUP_NAME, add_werkbank_layers

    run_alg("pmiek:importstations", {"WERKBANK": werkbank_path,
                                     "INPUT": os.path.join(shared_data, "osm_hv_substations.gpkg")})
    run_alg("pmiek:importdevelopments", {"WERKBANK": werkbank_path, "SECTOR": "wonen", "FIELD_ID": "gemeentecode",
                                         "FIELD_UNITS": "aantalHuishoudens",
                                         "INPUT": os.path.join(shared_data, "cbs_gemeenten.gpkg")})
    project = QgsProject.instance()
    try:
        layers = {lyr.name(): lyr for lyr in add_werkbank_layers(werkbank_path, project)}
        assert project.layerTreeRoot().findGroup(GROUP_NAME) is not None
        cap = layers["Capaciteitskaart"]
        assert sorted(cap.styleManager().styles()) == ["afname", "invoeding"]
        assert cap.renderer().classAttribute() == "afname_colour"
        assert cap.styleManager().setCurrentStyle("invoeding")
        assert cap.renderer().classAttribute() == "invoeding_colour"
        cap.styleManager().setCurrentStyle("afname")
        setup = cap.editorWidgetSetup(cap.fields().indexOf("afname_colour"))
        assert setup.type() == "ValueMap"
        st = layers["Stations"]
        assert st.featureCount() == 14 and st.labelsEnabled()  # 12 in Utrecht + 2 within the 2 km border tolerance
        dev = layers["Ontwikkelingen (vlakken)"]
        assert dev.featureCount() == 26
        assert isinstance(dev.renderer(), QgsCategorizedSymbolRenderer) and dev.renderer().classAttribute() == "sector"
        assert dev.editorWidgetSetup(dev.fields().indexOf("sector")).type() == "ValueMap"
        assert layers["Ontwikkelingen (punten)"].renderer().classAttribute() == "sector"
    finally:
        project.removeAllMapLayers()
        project.layerTreeRoot().removeAllChildren()
