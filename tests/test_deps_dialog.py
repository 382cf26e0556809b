"""Dependencies a user can have: a hidden package gives a clear message and the command per platform,
an optional one switches its feature off (no traceback), a second GDAL/PROJ is warned about."""

import os
import sys

import pytest


def _hide(monkeypatch, *modules):
    """Make ``modules`` unimportable, as on a QGIS without them (import gives ImportError, find_spec None)."""
    for m in modules:
        for name in [n for n in sys.modules if n == m or n.startswith(m + ".")]:
            monkeypatch.delitem(sys.modules, name)
        monkeypatch.setitem(sys.modules, m, None)


def test_hidden_required_package_is_named_with_the_command_per_platform(monkeypatch):
    from pmiek_werkbank import deps

    _hide(monkeypatch, "openpyxl")
    assert deps.missing_packages() == [("openpyxl", "ontbreekt")]
    report = deps.report()
    row = [r for r in report["rows"] if r["package"] == "openpyxl"][0]
    assert row["ok"] is False and row["version"] is None
    # (pyesdl, optional, may be missing here too: then a pip line follows)
    assert report["commands"]["debian"].splitlines()[0] == "sudo apt install python3-openpyxl"
    assert report["commands"]["windows"].splitlines()[0] == (
        "OSGeo4W Shell (als beheerder): osgeo4w-setup.exe -q -k -P python3-openpyxl")
    assert "python3 -m pip install --user openpyxl" in report["commands"]["macos"]
    hint = deps.install_hint(deps.missing_packages())
    assert "openpyxl (ontbreekt)" in hint and "Afhankelijkheden controleren" in hint
    with pytest.raises(ImportError, match="openpyxl"):
        deps.require("openpyxl")


def test_compiled_packages_never_get_pip_advice():
    from pmiek_werkbank import deps

    cmds = deps.install_commands(["pyogrio", "shapely", "pyesdl"])
    assert cmds["debian"].splitlines() == ["sudo apt install python3-pyogrio python3-shapely",
                                           "python3 -m pip install --user pyesdl"]
    assert "pip" not in cmds["windows"].splitlines()[0] and "python3-pyogrio,python3-shapely" in cmds["windows"]
    assert "pyogrio" not in cmds["macos"].splitlines()[0]  # only pure-Python packages through pip on macOS


def test_pyogrio_and_fiona_are_optional_qgis_ogr_is_the_fallback(monkeypatch):
    """Files go through vector_io: without pyogrio fiona reads them, without both QGIS's own OGR; nothing is missing."""
    from pmiek_werkbank import deps

    monkeypatch.delenv("PMIEK_VECTOR_IO", raising=False)
    assert deps.io_backend() == "pyogrio"
    _hide(monkeypatch, "pyogrio")
    assert deps.missing_packages() == []
    assert deps.io_backend() == "fiona"
    row = [r for r in deps.report()["rows"] if r["package"] == "pyogrio"][0]
    assert row["ok"] is False and row["feature"] == ("optioneel: snel bestanden lezen/schrijven; nu via fiona "
                                               "(pyogrio is sneller)")
    _hide(monkeypatch, "fiona")
    assert deps.io_backend() == "qgis"
    report = deps.report()
    assert report["problems"] == [] and report["io_backend"] == "qgis"
    assert [r["state"] for r in report["rows"] if r["package"] == "fiona"] == ["niet nodig"]
    assert "sudo apt install python3-pyogrio" in report["commands"]["debian"]  # offered, as optional
    _hide(monkeypatch, "qgis")
    assert deps.io_backend() is None
    report = deps.report()
    assert report["io_label"] is None
    assert [r["feature"] for r in report["rows"] if r["package"] == "pyogrio"] == [
        "optioneel: snel bestanden lezen/schrijven; nu via niets"]


def test_versions_the_distributions_ship_are_enough():
    from pmiek_werkbank import deps

    minimum = {dist: m for _mod, dist, m in deps.REQUIRED}
    assert minimum["geopandas"] == (0, 14) and minimum["shapely"] == (2, 0)
    assert deps._version_tuple("0.14.2") >= minimum["geopandas"]  # Debian bookworm / OSGeo4W
    assert deps._version_tuple("1.0.1") >= minimum["geopandas"]  # Debian trixie
    assert deps._version_tuple("0.13.2") < minimum["geopandas"]


def test_unknown_version_is_not_called_too_old(monkeypatch):
    """Debian forky's python3-shapely reports version '0+unknown': not a reason to switch the plugin off."""
    from pmiek_werkbank import deps

    monkeypatch.setattr(deps, "installed_version", lambda mod, dist: "0+unknown" if mod == "shapely" else "9.9")
    assert deps.missing_packages([("shapely", "shapely", (2, 0))]) == []
    monkeypatch.setattr(deps, "installed_version", lambda mod, dist: "1.8.5")
    assert deps.missing_packages([("shapely", "shapely", (2, 0))]) == [
        ("shapely", "versie 1.8.5 is te oud, nodig >= 2.0")]


def test_optional_package_missing_switches_feature_off(monkeypatch):
    from pmiek_werkbank import deps

    _hide(monkeypatch, "esdl")
    report = deps.report()
    row = [r for r in report["rows"] if r["package"] == "pyesdl"][0]
    assert row["ok"] is False and row["feature"].endswith("staat uit")
    assert report["problems"] == []  # optional: not a problem for the rest
    assert "pip install --user pyesdl" in report["commands"]["debian"]


def test_exportpackage_without_pyesdl_skips_esdl_with_a_note(monkeypatch, pmiek_provider, werkbank_path, tmp_path):
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback, QgsProject
    from qgis import processing

    _hide(monkeypatch, "esdl")

    class Feedback(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.errors = []

        def reportError(self, error, fatalError=False):  # noqa: N802, N803 - QGIS API
            self.errors.append(error)

    fb = Feedback()
    ctx = QgsProcessingContext()
    ctx.setProject(QgsProject.instance())
    out = str(tmp_path / "pakket")
    res = processing.run("pmiek:exportpackage", {"WERKBANK": werkbank_path, "OUTPUT_FOLDER": out, "ESDL": True},
                         context=ctx, feedback=fb)
    assert os.path.isdir(res["OUTPUT"]) and os.path.exists(res["MANIFEST"])
    assert not res.get("ESDL_FILE")
    assert not [f for f in os.listdir(out) if f.endswith(".esdl")]
    assert any("pyesdl" in e and "zonder ESDL" in e for e in fb.errors), fb.errors


def test_second_gdal_loaded_is_detected(tmp_path):
    from pmiek_werkbank import deps

    maps = tmp_path / "maps"
    maps.write_text(
        "7f00-7f01 r-xp 00000000 08:01 1 /usr/lib/x86_64-linux-gnu/libgdal.so.32.3.6.2\n"
        "7f02-7f03 r-xp 00000000 08:01 2 /usr/lib/x86_64-linux-gnu/libproj.so.25.9.1.1\n"
        "7f04-7f05 r-xp 00000000 08:01 3 /home/u/.local/lib/python3.11/site-packages/pyogrio.libs/"
        "libgdal-6e1f5c9b.so.35.3.9.1\n"
        "7f06-7f07 r-xp 00000000 08:01 4 /usr/lib/x86_64-linux-gnu/libgdal.so.32.3.6.2\n")
    loaded = deps.loaded_native_libraries(str(maps))
    assert len(loaded["gdal"]) == 2 and len(loaded["proj"]) == 1
    warnings = deps.native_conflicts(str(maps), packages=())
    assert len(warnings) == 1 and "twee GDAL-bibliotheken" in warnings[0] and "pyogrio.libs" in warnings[0]
    single = tmp_path / "single"
    single.write_text("7f00-7f01 r-xp 00000000 08:01 1 /usr/lib/x86_64-linux-gnu/libgdal.so.32\n")
    assert deps.native_conflicts(str(single), packages=()) == []


def test_wheel_with_own_gdal_is_found_before_import(tmp_path, monkeypatch):
    from pmiek_werkbank import deps

    site = tmp_path / "site"
    (site / "fakeogr").mkdir(parents=True)
    (site / "fakeogr" / "__init__.py").write_text("raise RuntimeError('must not be imported')\n")
    (site / "fakeogr.libs").mkdir()
    (site / "fakeogr.libs" / "libgdal-6e1f5c9b.so.35.3.9.1").write_text("")
    (site / "fakeogr.libs" / "libz-1234.so.1").write_text("")
    monkeypatch.syspath_prepend(str(site))
    found = deps.bundled_native_libraries(("fakeogr",))
    assert list(found) == ["fakeogr"] and found["fakeogr"][0].endswith("libgdal-6e1f5c9b.so.35.3.9.1")
    assert "fakeogr" not in sys.modules
    warnings = deps.native_conflicts(str(tmp_path / "no-maps"), packages=("fakeogr",))
    assert len(warnings) == 1 and "eigen GDAL" in warnings[0]


def test_dialog_lists_missing_package_and_platform_commands(qgis_iface, qgis_parent, monkeypatch):
    from pmiek_werkbank.dialogs.deps_dialog import DepsDialog

    _hide(monkeypatch, "openpyxl", "esdl")
    dlg = DepsDialog(qgis_iface, None, qgis_parent)
    try:
        text = dlg.browser.toPlainText()
        assert "openpyxl" in text and "ONTBREEKT" in text and "uit" in text
        assert "Bestanden lezen en schrijven via: pyogrio" in text
        dlg.platform.setCurrentIndex(dlg.platform.findData("debian"))
        assert dlg.command.toPlainText().splitlines() == ["sudo apt install python3-openpyxl",
                                                          "python3 -m pip install --user pyesdl"]
        dlg.platform.setCurrentIndex(dlg.platform.findData("windows"))
        assert "osgeo4w-setup.exe -q -k -P python3-openpyxl" in dlg.command.toPlainText()
        assert dlg.copy_button.isEnabled()
        monkeypatch.undo()  # everything back: the dialog says so after "Opnieuw controleren"
        dlg.refresh()
        assert "ONTBREEKT" not in dlg.browser.toPlainText()
        monkeypatch.setitem(sys.modules, "pyogrio", None)
        dlg.refresh()
        assert "Bestanden lezen en schrijven via: fiona (pyogrio is sneller)" in dlg.browser.toPlainText()
    finally:
        dlg.close()
        dlg.deleteLater()


def test_plugin_menu_opens_the_dialog(qgis_iface, qgis_processing):
    import pmiek_werkbank

    plugin = pmiek_werkbank.classFactory(qgis_iface)
    plugin.initGui()
    try:
        action = [a for a in plugin.actions if a.objectName() == "pmiek_deps"]
        assert action and action[0].text() == "Afhankelijkheden controleren…"
        action[0].trigger()
        dlg = plugin.dialogs["deps"]
        assert dlg.isVisible() and "geopandas" in dlg.browser.toPlainText()
    finally:
        plugin.unload()
