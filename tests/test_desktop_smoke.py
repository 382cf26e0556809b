"""The real QGIS desktop under Xvfb with the plugin enabled in a throw-away profile."""

import json
import os
import shutil
import subprocess

import pytest
from conftest import ARTIFACTS, BUILD, ROOT
from helpers import png_distinct_colours

pytestmark = [pytest.mark.desktop, pytest.mark.slow]


def test_real_qgis_desktop_loads_plugin_and_menu(tmp_path):
    assert shutil.which("xvfb-run") and shutil.which("qgis"), "xvfb-run en qgis zijn nodig (make setup)"
    subprocess.run(["bash", os.path.join(ROOT, "scripts", "qgis_profile.sh"), str(tmp_path)], check=True)
    os.makedirs(ARTIFACTS, exist_ok=True)
    shot = os.path.join(ARTIFACTS, "desktop_smoke.png")
    result = tmp_path / "result.json"
    if os.path.exists(shot):
        os.remove(shot)
    env = dict(os.environ)
    for var in ("QT_QPA_PLATFORM", "QGIS_CUSTOM_CONFIG_PATH", "QGIS_OPTIONS_PATH"):
        env.pop(var, None)  # pytest-qgis points these at its own settings folder
    env.update({
        "QGIS_PLUGINPATH": BUILD,
        "PMIEK_SCREENSHOT": shot,
        "PMIEK_RESULT": str(result),
        "PMIEK_QUIT_AFTER": "1",
    })
    cmd = ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", "qgis", "--profiles-path",
           str(tmp_path), "--profile", "default", "--noversioncheck", "--nologo",
           "--code", os.path.join(ROOT, "scripts", "open_sample_in_qgis.py")]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=240)
    assert result.exists(), "QGIS schreef geen resultaat; stderr:\n" + proc.stderr[-3000:]
    report = json.loads(result.read_text())
    assert "error" not in report, report.get("error")
    assert report["plugin_loaded"] is True
    assert report["menu_found"] is True and "pMIEK Werkbank" in report["menubar"]
    assert any("Werkbank openen" in t for t in report["menu_actions"])
    assert "pmiek:createwerkbank" in report["algorithms"]
    assert report.get("screenshot_saved") is True
    assert png_distinct_colours(shot) > 40, "schermafdruk lijkt leeg (bijna geen kleuren)"


def test_real_qgis_quits_cleanly_with_docks_open(tmp_path):
    """File > Exit with the sample and every dock open: QGIS unloads the plugin and exits with code 0."""
    # Not under the temp folder (where a CI clone may live): QGIS treats files there as temporary and asks.
    profile = os.path.join(os.path.expanduser("~"), ".cache", "pmiek-werkbank-tests", "profile_quit")
    shutil.rmtree(profile, ignore_errors=True)
    subprocess.run(["bash", os.path.join(ROOT, "scripts", "qgis_profile.sh"), profile], check=True)
    result = tmp_path / "quit.txt"
    env = dict(os.environ)
    for var in ("QT_QPA_PLATFORM", "QGIS_CUSTOM_CONFIG_PATH", "QGIS_OPTIONS_PATH"):
        env.pop(var, None)
    env.update({"QGIS_PLUGINPATH": BUILD, "PMIEK_RESULT": str(result)})
    cmd = ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", "qgis", "--profiles-path", profile, "--profile",
           "default", "--noversioncheck", "--nologo", "--code",
           os.path.join(ROOT, "tests", "desktop", "quit_after_open.py")]
    try:
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        pytest.fail("QGIS sloot niet af binnen 120 s (een dialoog of een hangende unload?)")
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    assert result.exists(), proc.stderr[-3000:]
    assert int(result.read_text().split("=")[1]) >= 10
    assert proc.returncode == 0, proc.stderr[-3000:]


def test_balance_runs_three_times_from_its_processing_dialog(tmp_path):
    """The Run button of pmiek:capacitybalance's Processing dialog clicked with the mouse (xdotool, through the X
    server), three times in one QGIS: each click starts a task on QGIS's task manager (a pooled worker thread);
    each run loads a layer with one row per station and horizon year.  On QGIS 3.40 with pyproj 3.7 the second run
    used to crash QGIS (deps.keep_proj_context)."""
    import sqlite3

    profile = os.path.join(os.path.expanduser("~"), ".cache", "pmiek-werkbank-tests", "profile_balance")
    shutil.rmtree(profile, ignore_errors=True)
    subprocess.run(["bash", os.path.join(ROOT, "scripts", "qgis_profile.sh"), profile], check=True)
    wb = str(tmp_path / "werkbank.gpkg")
    shutil.copyfile(os.path.join(ROOT, "resources", "sample", "voorbeeld_werkbank.gpkg"), wb)
    con = sqlite3.connect(wb)
    try:
        stations = con.execute("SELECT count(DISTINCT station_id) FROM stations").fetchone()[0]
    finally:
        con.close()
    result = tmp_path / "balance.json"
    env = dict(os.environ)
    for var in ("QT_QPA_PLATFORM", "QGIS_CUSTOM_CONFIG_PATH", "QGIS_OPTIONS_PATH"):
        env.pop(var, None)
    env.update({"QGIS_PLUGINPATH": BUILD, "PMIEK_RESULT": str(result), "PMIEK_WERKBANK": wb})
    cmd = ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", "qgis", "--profiles-path", profile, "--profile",
           "default", "--noversioncheck", "--nologo", "--code",
           os.path.join(ROOT, "tests", "desktop", "balance_from_dialog.py")]
    try:
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=240)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    assert result.exists(), "QGIS schreef geen resultaat; stderr:\n" + proc.stderr[-3000:]
    report = json.loads(result.read_text())
    assert "error" not in report, report.get("error")
    runs = report["runs"]
    assert len(runs) == 3, "QGIS stopte na {} run(s); returncode {}; stderr:\n{}".format(
        len(runs), proc.returncode, proc.stderr[-3000:])
    assert shutil.which("xdotool"), "xdotool is nodig (make setup)"
    assert all(r["ok"] and r["layers"] == 1 for r in runs), runs  # only the click runs the algorithm
    assert all(r["click"]["x"] > 0 and r["click"]["y"] > 0 for r in runs), runs
    assert {r["features"][0] for r in runs} == {stations * 3}, runs  # one row per station and horizon year
    assert proc.returncode == 0, proc.stderr[-3000:]
