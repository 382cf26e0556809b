"""The Processing provider in-process and through qgis_process.bin (headless)."""

import json
import os
import subprocess

import pytest
from conftest import BUILD, run_alg


def test_provider_lists_createwerkbank(pmiek_provider):
    ids = {a.id() for a in pmiek_provider.algorithms()}
    assert "pmiek:createwerkbank" in ids
    for alg in pmiek_provider.algorithms():
        assert alg.shortHelpString(), "algoritme {} heeft geen help".format(alg.id())


def test_createwerkbank_in_process(pmiek_provider, tmp_path):
    out = str(tmp_path / "w.gpkg")
    res = run_alg("pmiek:createwerkbank", {"OUTPUT": out, "NAME": "pMIEK 2.0", "PROVINCE": "utrecht"})
    assert res["SCHEMA_VERSION"] >= 1
    from pmiek_werkbank.werkbank import open_werkbank

    with open_werkbank(out) as wb:
        prog = wb.programme()
    assert prog["province"] == "Utrecht" and prog["province_code"] == "PV26"


def test_unknown_province_gives_dutch_error(pmiek_provider, tmp_path):
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException, match="Onbekende provincie"):
        run_alg("pmiek:createwerkbank", {"OUTPUT": str(tmp_path / "w.gpkg"), "NAME": "X", "PROVINCE": "Atlantis"})
    assert not (tmp_path / "w.gpkg").exists()


def _qgis_process(*args, env_extra=None):
    env = dict(os.environ)
    env["QGIS_PLUGINPATH"] = BUILD
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    if env_extra:
        env.update(env_extra)
    return subprocess.run(["qgis_process.bin", *args], capture_output=True, text=True, env=env, timeout=300)


@pytest.mark.slow
def test_qgis_process_enable_list_and_run(tmp_path):
    r = _qgis_process("plugins", "enable", "pmiek_werkbank")
    assert r.returncode == 0 or "already enabled" in (r.stdout + r.stderr), r.stderr
    r = _qgis_process("list")
    assert "pmiek:createwerkbank" in r.stdout
    out = str(tmp_path / "headless.gpkg")
    r = _qgis_process("--json", "run", "pmiek:createwerkbank", "--", "OUTPUT=" + out, "NAME=Headless",
                      "PROVINCE=Zeeland")
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    results = json.loads(r.stdout)["results"]
    assert results["OUTPUT"] == out and results["SCHEMA_VERSION"] >= 1
    info = subprocess.run(["ogrinfo", "-ro", "-so", out], capture_output=True, text=True, check=True).stdout
    assert "projects" in info and "schema_version" in info
