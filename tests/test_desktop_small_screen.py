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


def test_docks_show_their_buttons_at_1366x768(report):
    assert "error" not in report, report.get("error")
    assert report["screen"] == [1366, 768]
    assert report["docks"], report
    hidden = {key: d["hidden_buttons"] for key, d in report["docks"].items() if d["hidden_buttons"]}
    assert hidden == {}, json.dumps(report["docks"], indent=1)


def test_plugin_messages_fit_the_message_bar(report):
    """The message bar is as wide as the map between the panels and shows one line of a text: the plugin's
    messages (werkbank opened, project saved) fit in it; the rest is under 'Meer'."""
    assert "error" not in report, report.get("error")
    titles = {m["title"] for m in report["messages"]}
    assert {"Werkbank geopend", "QGIS-project opgeslagen"} <= titles, report["messages"]
    for m in report["messages"]:
        assert m["text_height"] <= m["shown_height"] + 2, m


def test_existing_null_text_shows_empty_in_qgis_feature_form(report):
    """QGIS's own feature form (iface.openFeatureForm) of a project whose multi-line text is NULL shows an empty
    box, not the text 'NULL' (dialogs/null_texts.py)."""
    assert "error" not in report, report.get("error")
    assert report["null_text_boxes"] and set(report["null_text_boxes"]) == {""}, report["null_text_boxes"]
