"""Web atlas at province size: export time, folder size, and load time + bytes in headless chromium.

Usage (QGIS environment as in the Makefile; Node.js, chromium and tests/browser/node_modules from
scripts/browser_test_setup.sh):
    .venv/bin/python bench/bench_webatlas.py [--size province] [--runs 3] [--werkbank path.gpkg] [--json out.json]

Data: ``bench.data.ensure(size)`` (province = 20,000 developments, 1,000 stations, 500 projects, 40
knooppunten; fictief voorbeeld).  The atlas is exported with the same functions as pmiek:exportwebatlas,
served by Python's http.server on 127.0.0.1 (no compression, like a plain web server), and opened
``--runs`` times in Debian's chromium with a fresh profile (cold cache).  "ready" is the moment the page's
script has drawn the map, every layer and the list (``window.PMIEK_READY_AT``, ms after navigation start).
Goals (issue 17): ready < 2 s and at most a few MB transferred.  A script, not a test.
"""

import argparse
import functools
import http.server
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "build"))
sys.path.insert(0, ROOT)
GOAL_READY_MS = 2000
GOAL_BYTES = 5_000_000


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def export(werkbank, out):
    from pmiek_werkbank.export.context import gather
    from pmiek_werkbank.export.webatlas import export_webatlas
    from pmiek_werkbank.werkbank import open_werkbank

    t0 = time.perf_counter()
    with open_werkbank(werkbank, readonly=True) as wb:
        data = gather(wb)
        t1 = time.perf_counter()
        res = export_webatlas(wb, data, out)
    return res, t1 - t0, time.perf_counter() - t1


def load(folder, runs):
    setup = subprocess.run(["bash", os.path.join(ROOT, "scripts", "browser_test_setup.sh")], capture_output=True,
                           text=True, check=True)
    del setup
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=folder))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = "http://127.0.0.1:{}/index.html".format(server.server_address[1])
        proc = subprocess.run(["node", os.path.join(ROOT, "tests", "browser", "webatlas_load.js"), url, str(runs)],
                              capture_output=True, text=True, timeout=900)
    finally:
        server.shutdown()
        server.server_close()
    if proc.returncode != 0:
        raise SystemExit("webatlas_load.js mislukt:\n" + proc.stderr[-3000:])
    return json.loads(proc.stdout)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="province")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--werkbank")
    ap.add_argument("--json")
    args = ap.parse_args()
    if args.werkbank:
        werkbank, counts = args.werkbank, {}
    else:
        from bench.data import ensure

        ds = ensure(args.size)
        werkbank, counts = ds.werkbank, ds.counts
    with tempfile.TemporaryDirectory(prefix="pmiek-webatlas-bench-") as tmp:
        out = os.path.join(tmp, "webatlas")
        res, t_gather, t_write = export(werkbank, out)
        sizes = {}
        for name in sorted(os.listdir(os.path.join(out, "data"))):
            sizes["data/" + name] = os.path.getsize(os.path.join(out, "data", name))
        sizes["index.html"] = os.path.getsize(os.path.join(out, "index.html"))
        browser = load(out, args.runs)
    ready = [r["ready_ms"] for r in browser["runs"]]
    transferred = [r["bytes"] for r in browser["runs"]]
    report = {
        "case": "webatlas", "size": args.size, "counts": counts or res.counts, "projects": res.projects,
        "gather_s": round(t_gather, 2), "write_s": round(t_write, 2), "folder_bytes": res.bytes,
        "files": res.files, "first_load_bytes": sizes, "runs": browser["runs"], "console_errors": browser["errors"],
        "ready_ms_median": statistics.median(ready), "bytes_median": statistics.median(transferred),
        "goal_ready_ms": GOAL_READY_MS, "goal_bytes": GOAL_BYTES,
        "loadavg_1min": round(os.getloadavg()[0], 2), "cpus": os.cpu_count(),
    }
    report["ok"] = (report["ready_ms_median"] < GOAL_READY_MS and report["bytes_median"] <= GOAL_BYTES
                    and not browser["errors"])
    print("web-atlas {}: {} projecten; gather {:.1f} s, schrijven {:.1f} s; map {:.1f} MB in {} bestanden".format(
        args.size, res.projects, t_gather, t_write, res.bytes / 1e6, res.files))
    print("laden in chromium (mediaan van {}): klaar na {} ms (doel < {} ms), {:.2f} MB overgedragen "
          "(doel <= {:.0f} MB){}; machinebelasting {:.1f} op {} kernen".format(
              len(ready), report["ready_ms_median"], GOAL_READY_MS, report["bytes_median"] / 1e6, GOAL_BYTES / 1e6,
              "" if report["ok"] else "  -> DOEL GEMIST", report["loadavg_1min"], report["cpus"]))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=1)
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
