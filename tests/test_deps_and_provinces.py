from pmiek_werkbank.deps import install_hint, missing_packages
from pmiek_werkbank.werkbank.provinces import province_code, province_name


def test_missing_package_is_named_in_dutch():
    problems = missing_packages([("geen_echt_pakket_xyz", "geen-echt-pakket", None), ("json", "json", None)])
    assert problems == [("geen-echt-pakket", "ontbreekt")]
    hint = install_hint(problems)
    assert "geen-echt-pakket" in hint and "Installeer" in hint


def test_too_old_version_is_reported():
    problems = missing_packages([("pytest", "pytest", (999, 0))])
    assert problems and "te oud" in problems[0][1]


def test_all_required_present_in_venv():
    assert missing_packages() == []


def test_province_names():
    assert province_code("utrecht") == "PV26"
    assert province_code("Friesland") == "PV21"
    assert province_code("Fryslân") == "PV21"
    assert province_code("pv30") == "PV30"
    assert province_name("noord-holland") == "Noord-Holland"
    assert province_code("Atlantis") is None
