"""The benchmark runner keeps working: one run at tiny size, repeat 1 (no timed assertions)."""

import json
import math
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def test_bench_runs_at_tiny_size(tmp_path):
    out = tmp_path / "tiny.json"
    env = dict(os.environ, PMIEK_BENCH_DATA=str(tmp_path / "data"), QT_QPA_PLATFORM="offscreen")
    r = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "run.py"), "--size", "tiny", "--repeat", "1",
                        "--json", str(out)], capture_output=True, text=True, timeout=900, env=env, cwd=ROOT)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    with open(out, encoding="utf-8") as f:
        result = json.load(f)  # valid JSON
    assert result["size"] == "tiny" and result["repeat"] == 1
    machine = result["machine"]
    for key in ("cores", "qgis", "geos", "shapely", "geopandas", "pyogrio", "numpy", "date"):
        assert machine.get(key), key
    rows = result["rows"]
    cases = {r_["case"] for r_ in rows}
    # P1 is reported per assignment rule
    assert {"P1a", "P1b", "P2", "P3", "P4", "P5", "MEM"} <= cases, cases
    for row in rows:
        if row["status"] == "ok":
            for side in ("plugin", "reference"):
                assert _number(row[side]["min"]) and _number(row[side]["median"]), row
                assert row[side]["min"] <= row[side]["median"]
                assert len(row[side]["runs"]) == 1
            assert _number(row["ratio"]) and row["ratio"] > 0, row
            assert row["met"] in (True, False)
            assert row["goal"]
        else:
            assert row["status"] == "niet beschikbaar", row
            assert row["reason"] and row["reason"].strip(), row
    # the measured cases that need no colleague's work must produce numbers
    ok = {r_["case"] for r_ in rows if r_["status"] == "ok"}
    assert {"P1a", "P1b", "P3", "P4", "P5", "MEM"} <= ok, [(r_["case"], r_.get("reason")) for r_ in rows]
    p3 = next(r_ for r_ in rows if r_["case"] == "P3")
    assert isinstance(p3["extra"]["geopandas_imported"], bool) and isinstance(p3["extra"]["pandas_imported"], bool)
    assert p3["extra"]["modules_imported"] > 0
    # the printed table has one line per row
    for row in rows:
        assert any(line.startswith(row["case"] + " ") for line in r.stdout.splitlines()), row["case"]
