"""The code base stays ruff-clean (make lint)."""

import os
import subprocess
import sys

from conftest import ROOT


def test_ruff_clean():
    ruff = os.path.join(os.path.dirname(sys.executable), "ruff")
    r = subprocess.run([ruff, "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-4000:]
