"""The design session in the real QGIS desktop, driven through the GUI (tests/desktop/session_walk.py).

QGIS 3.22 starts under Xvfb with the plugin in a throw-away profile; the walk
uses synthesised mouse and key events on the real widgets and saves a
screenshot per step in tests/artifacts/ (desktop_session_<size>[_nl]_NN_step.png).
Afterwards the werkbank is read back with sqlite3.  Runs at 1600×1000 and
1366×768 with an English QGIS, and once with the QGIS interface in Dutch.
"""

import json
import os
import shutil
import sqlite3
import subprocess

import pytest
from conftest import ARTIFACTS, BUILD, ROOT

pytestmark = [pytest.mark.desktop, pytest.mark.slow]

KP_NAME = "Knooppunt Eemkwartier"
PROJECT_NAME = "Verzwaring station Eemkwartier"


def _profile(folder, locale):
    subprocess.run(["bash", os.path.join(ROOT, "scripts", "qgis_profile.sh"), folder], check=True)
    ini = os.path.join(folder, "profiles", "default", "QGIS", "QGIS3.ini")
    work = os.path.join(folder, "werk")
    os.makedirs(work, exist_ok=True)
    with open(ini, "a", encoding="utf-8") as f:
        f.write("\n[pmiek]\nlast_folder={}\n".format(work))
        if locale:
            f.write("\n[locale]\nuserLocale={}\noverrideFlag=true\nglobalLocale={}\n".format(locale, locale))
    return work


@pytest.mark.parametrize("size,locale", [("1600x1000", ""), ("1366x768", ""), ("1600x1000", "nl")],
                         ids=["1600x1000", "1366x768", "1600x1000-nl"])
def test_design_session_driven_through_the_gui(size, locale):
    from pmiek_werkbank.werkbank import create_werkbank

    assert shutil.which("xvfb-run") and shutil.which("qgis"), "xvfb-run en qgis zijn nodig (make setup)"
    tag = "desktop_session_{}{}".format(size, "_" + locale if locale else "")
    # Not under the temp folder: QGIS treats files there as temporary layers and asks about them on exit.
    folder = os.path.join(os.path.expanduser("~"), ".cache", "pmiek-werkbank-tests", tag)
    shutil.rmtree(folder, ignore_errors=True)
    work = _profile(folder, locale)
    second = os.path.join(work, "tweede_werkbank.gpkg")
    create_werkbank(second, "Tweede ronde (leeg)", "Utrecht").close()
    export = os.path.join(work, "export")
    os.makedirs(ARTIFACTS, exist_ok=True)
    for name in os.listdir(ARTIFACTS):
        if name.startswith(tag + "_"):
            os.remove(os.path.join(ARTIFACTS, name))
    result = os.path.join(folder, "result.json")
    env = dict(os.environ)
    for var in ("QT_QPA_PLATFORM", "QGIS_CUSTOM_CONFIG_PATH", "QGIS_OPTIONS_PATH"):
        env.pop(var, None)  # pytest-qgis points these at its own settings folder
    env.update({"QGIS_PLUGINPATH": BUILD, "PMIEK_RESULT": result, "PMIEK_ARTIFACTS": ARTIFACTS, "PMIEK_TAG": tag,
                "PMIEK_SECOND": second, "PMIEK_EXPORT": export})
    cmd = ["xvfb-run", "-a", "-s", "-screen 0 {}x24".format(size), "qgis", "--profiles-path", folder,
           "--profile", "default", "--noversioncheck", "--nologo", "--code",
           os.path.join(ROOT, "tests", "desktop", "session_walk.py")]
    try:
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        pytest.fail("QGIS liep niet binnen 600 s door de sessie (zie de schermafdrukken in tests/artifacts)")
    assert os.path.exists(result), "QGIS schreef geen resultaat; stderr:\n" + proc.stderr[-3000:]
    report = json.load(open(result, encoding="utf-8"))
    assert "error" not in report, report.get("error")
    assert report["steps"] == ["open", "knooppunt", "project", "koppelen", "scoren", "export", "wissel",
                               "afsluiten"], report["steps"]
    assert report["screen"] == [int(v) for v in size.split("x")]
    if locale == "nl":  # QGIS itself speaks Dutch
        assert "&Bewerken" in report["menubar"] and "&Edit" not in report["menubar"], report["menubar"]
    else:
        assert "&Edit" in report["menubar"]
    # drawing works on the first click: the tool is armed on an editable layer; Esc leaves the tool
    assert report["kp_tool_active"] and report["kp_layer_editable"] and report["project_tool_active"]
    assert report["sketch_before_esc"] is True and report["sketch_after_esc"] is False and report["esc_leaves_tool"]
    assert report["tool_after_save"] != "WerkbankDrawTool"
    assert report["kp_form_ok_enabled_empty"] is False  # the name is required
    w, h = (int(v) for v in size.split("x"))
    assert report["project_form_size"][0] <= w and report["project_form_size"][1] <= h - 60
    assert any("Knooppunt opgeslagen {}".format(KP_NAME) in m for m in report["messages"])  # title, then the name
    assert any("Project opgeslagen {}".format(PROJECT_NAME) in m for m in report["messages"])
    # scoring without bias: nothing preselected
    assert report["rating_preselected"] == -1
    # the compact scoring grid shows A–H, total and rank without scrolling sideways
    assert report["grid_fits"][0] == 0, report["grid_fits"]  # no sideways scrolling needed
    # the werkbank content, read back with sqlite3
    con = sqlite3.connect(report["werkbank"])
    kp = con.execute("SELECT knooppunt_id, karakter, session_date FROM knooppunten WHERE name = ?",
                     (KP_NAME,)).fetchall()
    assert len(kp) == 1 and kp[0][0].startswith("K-") and kp[0][1] == "provinciaal" and len(kp[0][2]) == 10
    pr = con.execute("SELECT project_id, type_infra, status, ibn_year, station_id, knooppunt_id, capacity_afname_mw, "
                     "in_ip, phase FROM projects WHERE name = ?", (PROJECT_NAME,)).fetchall()
    assert len(pr) == 1
    pid, type_infra, status, ibn, station, kpid, cap, in_ip, phase = pr[0]
    assert pid.startswith("P-") and pid == report["project_id"]
    assert (type_infra, status, ibn, station, kpid, cap, in_ip, phase) == (
        "hs_ms_station", "kandidaat", 2030, report["chosen"]["station_b"], kp[0][0], 40.0, 1, "planuitwerking")
    links = con.execute("SELECT l.dev_id, l.motivation, d.demand_mw FROM project_links l JOIN developments d "
                        "ON d.dev_id = l.dev_id WHERE l.project_id = ? ORDER BY l.dev_id", (pid,)).fetchall()
    assert sorted(d for d, _, _ in links) == report["selected_on_map"] and len(links) >= 1
    assert all(m == "Woonwijken sluiten aan op het verzwaarde station" for _, m, _ in links)
    # the balance dock changed by the linked MW (developments at other stations move to station B from 2030)
    linked_mw = sum(mw for _, _, mw in links)
    assert abs(report["moved_demand_mw"] - linked_mw) < 1e-6
    def dutch(text):  # '1 234,5' (thin space, comma) as shown by the dock
        return float(text.replace("\u2009", "").replace(",", "."))

    before, after = dutch(report["balance_before"]), dutch(report["balance_after"])
    assert abs((before - after) - linked_mw) < 0.11, (before, after, linked_mw)
    score = con.execute("SELECT rating, rationale, assessor, assessor_role, assessor_org FROM scores "
                        "WHERE project_id = ? AND criterion_id = 'A'", (pid,)).fetchall()
    assert score == [(report["rating_given"], "Lost de wachtrij van twee woonwijken op (sessie 12 maart)",
                      "Anna de Vries", "provincie", "Provincie Utrecht")]
    assert report["tab_left_motivatie"]
    # the rating (with the organisation) is one audit entry by the user, none by 'onbekend (buiten pMIEK)'
    trail = con.execute("SELECT a.action, a.changed_by, a.new_values FROM audit_log a JOIN scores s "
                        "ON a.table_name = 'scores' AND a.row_key = s.score_id WHERE s.project_id = ? "
                        "AND s.criterion_id = 'A'", (pid,)).fetchall()
    assert len(trail) == 1 and trail[0][0] == "insert" and not trail[0][1].startswith("onbekend"), trail
    assert json.loads(trail[0][2])["assessor_org"] == "Provincie Utrecht"
    con.close()
    # one fiche exported (the atlas and the lists were switched off in the dialog)
    assert [os.path.basename(p) for p in report["export_pdfs"]] == ["fiche_{}_Verzwaring_station_Eemkwartier.pdf".format(
        pid)] and os.path.getsize(report["export_pdfs"][0]) > 1000
    # switching clears every dock: the second werkbank is empty
    sw = report["after_switch"]
    assert (sw["projects_rows"], sw["links_rows"], sw["grid_rows"]) == (0, 0, 0), sw
    assert sw["detail_tabs"] == ["Gekoppelde ontwikkelingen", "Suggesties"], sw  # no counts of the first werkbank
    assert "Tweede ronde" in sw["projects_info"]
    # the file dialog started in the remembered folder; the QGIS project is saved beside the werkbank
    assert report["file_dialog_start"] == os.path.dirname(report["werkbank"])
    assert report["project_file"] == os.path.splitext(second)[0] + ".qgz" and os.path.exists(report["project_file"])
    # exit: no question (no temporary-layer or unsaved-project prompt), QGIS ends normally
    assert report["exit_prompt"] is None, report["exit_prompt"]
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert len(report["shots"]) >= 15 and all(os.path.getsize(p) > 10000 for p in report["shots"])
    shutil.rmtree(folder, ignore_errors=True)  # kept only when the walk failed (profile, werkbank, result.json)
