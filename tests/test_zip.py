"""The plugin ZIP: valid layout for the plugin repository, no tests or dev files."""

import configparser
import os
import subprocess
import sys
import zipfile

from conftest import ROOT


def test_zip_layout(tmp_path):
    target = str(tmp_path / "pmiek_werkbank.zip")
    subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "make_zip.py"), target], check=True)
    with zipfile.ZipFile(target) as z:
        names = z.namelist()
        assert all(n.startswith("pmiek_werkbank/") for n in names)
        for required in ("__init__.py", "plugin.py", "metadata.txt", "provider/provider.py", "werkbank/storage.py"):
            assert "pmiek_werkbank/" + required in names
        assert not any(n.startswith("pmiek_werkbank/tests/") or n.endswith("Makefile") for n in names)
        cp = configparser.ConfigParser()
        cp.read_string(z.read("pmiek_werkbank/metadata.txt").decode("utf-8"))
        assert cp["general"]["name"] == "pMIEK Werkbank"
        assert cp["general"]["qgisMinimumVersion"] == "3.22"
        assert cp["general"]["hasProcessingProvider"] == "yes"
        assert "pmiek_werkbank/" + cp["general"]["icon"] in names
