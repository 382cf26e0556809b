"""The real QGIS desktop at 1366×768 (tests/desktop/small_screen.py): every dock's buttons reachable without
scrolling, the plugin's messages readable, and a project saved with the plugin's menu item in QGIS's recent
projects.  Screenshots in tests/artifacts/desktop_small_screen_*.png."""

import json
import os
import shutil
import subprocess

import pytest
from conftest import ARTIFACTS, BUILD, ROOT

pytestmark = [pytest.mark.desktop, pytest.mark.slow]


@pytest.fixture(scope="module")
def report():
    assert shutil.which("xvfb-run") and shutil.which("qgis"), "xvfb-run en qgis zijn nodig (make setup)"
    # Not under the temp folder: QGIS treats files there as temporary layers and asks about them on exit.
    folder = os.path.join(os.path.expanduser("~"), ".cache", "pmiek-werkbank-tests", "small_screen")
    shutil.rmtree(folder, ignore_errors=True)
    subprocess.run(["bash", os.path.join(ROOT, "scripts", "qgis_profile.sh"), folder], check=True)
    work = os.path.join(folder, "werk")
    os.makedirs(work)
    with open(os.path.join(folder, "profiles", "default", "QGIS", "QGIS3.ini"), "a", encoding="utf-8") as f:
        f.write("\n[pmiek]\nlast_folder={}\n".format(work))
    os.makedirs(ARTIFACTS, exist_ok=True)
    result = os.path.join(folder, "result.json")
    env = dict(os.environ)
    for var in ("QT_QPA_PLATFORM", "QGIS_CUSTOM_CONFIG_PATH", "QGIS_OPTIONS_PATH"):
        env.pop(var, None)  # pytest-qgis points these at its own settings folder
    env.update({"QGIS_PLUGINPATH": BUILD, "PMIEK_RESULT": result, "PMIEK_ARTIFACTS": ARTIFACTS,
                "PMIEK_TAG": "desktop_small_screen"})
    cmd = ["xvfb-run", "-a", "-s", "-screen 0 1366x768x24", "qgis", "--profiles-path", folder, "--profile",
           "default", "--noversioncheck", "--nologo", "--code", os.path.join(ROOT, "tests", "desktop",
                                                                            "small_screen.py")]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert os.path.exists(result), "QGIS schreef geen resultaat; stderr:\n" + proc.stderr[-3000:]
    with open(result, encoding="utf-8") as f:
        data = json.load(f)
    data["work"] = work
    return data  # the folder stays for a look until the next run


def test_saved_project_is_in_qgis_recent_projects(report):
    assert "error" not in report, report.get("error")
    target = report["project_file"]
    assert target.endswith(".qgz") and os.path.dirname(target) == report["work"]
    assert report["recent_projects"] and os.path.abspath(report["recent_projects"][0]) == target
