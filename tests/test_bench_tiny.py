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
            # absolute goals (edit loop, memory inside QGIS, rounds) may have no reference side
            sides = ("plugin", "reference") if row["reference"] is not None else ("plugin",)
            assert row["reference"] is not None or row["goal_kind"] == "absolute", row
            for side in sides:
                assert _number(row[side]["min"]) and _number(row[side]["median"]) and _number(row[side]["max"]), row
                assert row[side]["min"] <= row[side]["median"] <= row[side]["max"]
                assert len(row[side]["runs"]) >= 1
            if row["reference"] is not None and not (row["met"] is None and row.get("ratio_note")):
                assert _number(row["ratio"]) and row["ratio"] > 0, row
            # no verdict only when the plugin and the reference gave different answers (no ratio printed as met)
            assert row["met"] in (True, False) or row.get("ratio_note"), row
            assert row["goal"]
        else:
            assert row["status"] == "niet beschikbaar", row
            assert row["reason"] and row["reason"].strip(), row
    # the measured cases that need no colleague's work must produce numbers
    ok = {r_["case"] for r_ in rows if r_["status"] == "ok"}
    assert {"P1a", "P1b", "P3", "P4", "P5", "MEM"} <= ok, [(r_["case"], r_.get("reason")) for r_ in rows]
    # issue 19: the I/O floor, scoring re-rank, the edit loop with all docks open, memory inside QGIS
    assert {"P1a-io", "P1b-io", "S1-50", "S1-200", "L-link", "L-status", "L-score"} <= ok, [
        (r_["case"], r_.get("reason")) for r_ in rows]
    for case in ("P1a", "P1b"):  # the balance's reference answers the same question (issue 19 item 7)
        assert next(r_ for r_ in rows if r_["case"] == case)["extra"]["equal_answers"] is True
    for case in ("S1-50", "S1-200"):
        assert next(r_ for r_ in rows if r_["case"] == case)["extra"]["equal_to_reference"] is True
    for case in ("L-link", "L-status", "L-score"):
        assert next(r_ for r_ in rows if r_["case"] == case)["extra"]["equal_to_full"] is True
    assert any(r_["case"].startswith("MEMQ-") and r_["status"] == "ok" for r_ in rows), cases
    p3 = next(r_ for r_ in rows if r_["case"] == "P3")
    assert isinstance(p3["extra"]["geopandas_imported"], bool) and isinstance(p3["extra"]["pandas_imported"], bool)
    assert p3["extra"]["modules_imported"] > 0
    # the printed table has one line per row
    for row in rows:
        assert any(line.startswith(row["case"] + " ") for line in r.stdout.splitlines()), row["case"]
