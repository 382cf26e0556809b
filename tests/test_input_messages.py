"""Every import says in Dutch which input it cannot use (Zeeland trial F8: a missing file gave QGIS's English
'Could not load source layer for INPUT: … not found' in four imports and 'Incorrect parameter value for INPUT' in
the actions import; only the developments import had its own Dutch message). One check: provider.base."""

import pytest
from conftest import run_alg


@pytest.mark.parametrize("alg", ["importprojects", "importactions", "importdevelopments", "importknooppunten",
                                 "importscores", "importmonitoring"])
def test_a_missing_input_file_is_named_in_dutch(alg, werkbank_path, tmp_path, pmiek_provider):
    from qgis.core import QgsProcessingException

    missing = str(tmp_path / "lijst_2026.xlsx")
    with pytest.raises(QgsProcessingException) as failed:
        run_alg("pmiek:" + alg, {"WERKBANK": werkbank_path, "INPUT": missing})
    text = str(failed.value)
    assert "INPUT: bestand 'lijst_2026.xlsx' niet gevonden (in {})".format(tmp_path) in text, text
    assert "Could not load" not in text and "Incorrect parameter" not in text


def test_a_broken_input_file_is_named_in_dutch(werkbank_path, tmp_path, pmiek_provider):
    from qgis.core import QgsProcessingException

    broken = tmp_path / "projecten.xlsx"
    broken.write_bytes(b"dit is geen werkmap")
    with pytest.raises(QgsProcessingException) as failed:
        run_alg("pmiek:importprojects", {"WERKBANK": werkbank_path, "INPUT": str(broken)})
    assert "INPUT: 'projecten.xlsx' is niet bruikbaar" in str(failed.value) and "De werkbank is niet gewijzigd" in \
        str(failed.value)


def test_a_dialog_starts_with_the_open_werkbank(pmiek_provider, tmp_path):
    """QGIS 3.40 desktop trial F5: every Processing dialog of the plugin opened with its Werkbank field empty while a
    werkbank was open. The WERKBANK parameter's default is the werkbank the QGIS project holds."""
    from qgis.core import QgsApplication, QgsProject

    project = QgsProject.instance()
    werkbank = str(tmp_path / "open.gpkg")
    try:
        project.writeEntry("pmiek", "werkbank", werkbank)
        alg = QgsApplication.processingRegistry().createAlgorithmById("pmiek:capacitybalance")
        assert alg.parameterDefinition("WERKBANK").defaultValue() == werkbank
        startround = QgsApplication.processingRegistry().createAlgorithmById("pmiek:startround")
        assert startround.parameterDefinition("INPUT").defaultValue() is None  # a frozen round, not this one
        project.removeEntry("pmiek", "werkbank")
        alg = QgsApplication.processingRegistry().createAlgorithmById("pmiek:capacitybalance")
        assert alg.parameterDefinition("WERKBANK").defaultValue() is None
    finally:
        project.removeEntry("pmiek", "werkbank")


def test_an_optional_parameter_does_not_say_optioneel_twice(pmiek_provider):
    """QGIS adds '[optioneel]' to an optional parameter's label itself ('Gemeentegrenzen (optioneel) [optioneel]')."""
    from qgis.core import QgsApplication, QgsProcessingParameterDefinition

    for alg in QgsApplication.processingRegistry().providerById("pmiek").algorithms():
        for p in alg.parameterDefinitions():
            if p.flags() & QgsProcessingParameterDefinition.Flag.FlagOptional:
                assert "optioneel" not in p.description().lower(), (alg.id(), p.name(), p.description())
