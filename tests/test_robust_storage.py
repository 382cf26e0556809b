"""Robustness of the werkbank storage: bad files, newer schema, read-only, killed writers, disk full.

Each case asserts a clear Dutch message naming the file, and that the werkbank
(or the offending file) is unchanged / still opens with all earlier data.
"""

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import threading
import uuid

import pytest
from helpers import child_env
import shapely

from helpers import table_digest
from pmiek_werkbank.werkbank import SchemaTooNewError, WerkbankError, create_werkbank, open_werkbank
from pmiek_werkbank.werkbank.schema import latest_version



def _sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def _fill(wb, n=50):
    import geopandas as gpd

    g = gpd.GeoDataFrame(
        {"station_id": ["s%d" % i for i in range(n)], "name": ["Station %d" % i for i in range(n)]},
        geometry=[shapely.Point(140000 + i, 455000) for i in range(n)], crs=28992)
    wb.write_frame("stations", g)
    wb.write_frame("projects", [{"project_id": "p1", "name": "Eerder project", "narrative": "x" * 5000}])


@pytest.fixture
def filled_path(werkbank_path):
    with open_werkbank(werkbank_path) as wb:
        _fill(wb)
    return werkbank_path



# ---- files that are not (complete) werkbanks ----------------------------------------------
@pytest.mark.parametrize("keep", [0, 100, 1000, 0.5])
def test_truncated_werkbank_refused_with_message(filled_path, tmp_path, keep):
    data = open(filled_path, "rb").read()
    cut = int(len(data) * keep) if isinstance(keep, float) else keep
    path = tmp_path / "afgebroken.gpkg"
    path.write_bytes(data[:cut])
    before = _sha(path)
    with pytest.raises(WerkbankError) as e:
        wb = open_werkbank(str(path))
        wb.read_frame("stations")  # a cut that still opens must fail on reading, never return garbage
        wb.close()
    msg = str(e.value)
    assert "afgebroken.gpkg" in msg
    assert any(w in msg for w in ("geen GeoPackage", "beschadigd", "geen leesbaar", "geen pMIEK-werkbank"))
    assert _sha(path) == before


@pytest.mark.parametrize("kind", ["tekst", "png", "zip", "leeg", "map", "sqlite_zonder_werkbank", "csv_als_gpkg"])
def test_non_geopackage_refused(tmp_path, kind):
    path = tmp_path / "werkbank_{}.gpkg".format(kind)
    if kind == "tekst":
        path.write_text("Dit is geen werkbank maar een notitie.\n" * 10)
    elif kind == "png":
        path.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(500))
    elif kind == "zip":
        shutil.make_archive(str(tmp_path / "archief"), "zip", str(tmp_path))
        shutil.copy(str(tmp_path / "archief.zip"), str(path))
    elif kind == "leeg":
        path.write_bytes(b"")
    elif kind == "map":
        path.mkdir()
    elif kind == "sqlite_zonder_werkbank":
        c = sqlite3.connect(str(path))
        c.execute("CREATE TABLE stations (a)")
        c.commit()
        c.close()
    elif kind == "csv_als_gpkg":
        path.write_text("station_id;name\ns1;=cmd|' /C calc'!A0\n")
    before = _sha(path) if path.is_file() else None
    with pytest.raises(WerkbankError) as e:
        open_werkbank(str(path))
    msg = str(e.value)
    assert path.name in msg
    assert any(w in msg for w in ("geen GeoPackage", "niet gevonden", "geen pMIEK-werkbank", "geen leesbaar"))
    if before:
        assert _sha(path) == before


def test_newer_schema_refused_file_untouched(filled_path):
    c = sqlite3.connect(filled_path)
    c.execute("INSERT INTO schema_version VALUES (?, '2099-01-01', 'toekomst')", (latest_version() + 1,))
    c.commit()
    c.close()
    before = _sha(filled_path)
    for readonly in (False, True):
        with pytest.raises(SchemaTooNewError) as e:
            open_werkbank(filled_path, readonly=readonly)
        assert os.path.basename(filled_path) in str(e.value) and "Werk de plugin" in str(e.value)
        assert "schemaversie {}".format(latest_version() + 1) in str(e.value)
    assert _sha(filled_path) == before


# ---- read-only ------------------------------------------------------------------------------
READONLY_CHILD = textwrap.dedent(r"""
    import json, os, sys
    from pmiek_werkbank.werkbank import WerkbankError, create_werkbank, open_werkbank
    from pmiek_werkbank.werkbank.copy import copy_werkbank
    ro_file, ro_dir = sys.argv[1], sys.argv[2]
    out = {"writable_file": os.access(ro_file, os.W_OK)}
    def attempt(key, fn):
        try:
            fn()
            out[key] = "GEEN FOUT"
        except WerkbankError as e:
            out[key] = str(e)
    attempt("open_rw", lambda: open_werkbank(ro_file))
    wb = open_werkbank(ro_file, readonly=True)
    out["read_name"] = wb.programme()["name"]
    out["read_count"] = wb.count("stations")
    attempt("write_readonly", lambda: wb.write_frame("projects", [{"project_id": "p9", "name": "X"}]))
    wb.close()
    attempt("create_in_ro_dir", lambda: create_werkbank(os.path.join(ro_dir, "nieuw.gpkg"), "X", "Utrecht"))
    attempt("copy_to_ro_dir", lambda: copy_werkbank(ro_file, os.path.join(ro_dir, "kopie.gpkg")))
    out["ro_dir_listing"] = sorted(os.listdir(ro_dir))
    print("RESULT " + json.dumps(out))
""")


def test_readonly_file_and_location(filled_path):
    # /tmp, not $TMPDIR: the unprivileged user must be able to reach the folder
    base = tempfile.mkdtemp(prefix="pmiek-ro-", dir="/tmp" if os.path.isdir("/tmp") else None)
    try:
        os.chmod(base, 0o755)
        ro_dir = os.path.join(base, "alleen_lezen")
        os.mkdir(ro_dir)
        ro_file = os.path.join(ro_dir, "werkbank.gpkg")
        shutil.copy(filled_path, ro_file)
        os.chmod(ro_file, 0o444)
        os.chmod(ro_dir, 0o555)
        before = _sha(ro_file)
        script = os.path.join(base, "child.py")
        with open(script, "w") as f:
            f.write(READONLY_CHILD)
        os.chmod(script, 0o644)
        kwargs = {}
        if os.geteuid() == 0:  # root may write anywhere: check as an ordinary user
            kwargs = {"user": 65534, "group": 65534, "extra_groups": []}
        proc = subprocess.run([sys.executable, script, ro_file, ro_dir], capture_output=True, text=True,
                              env=child_env(), cwd=base, timeout=300, **kwargs)
        lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
        assert proc.returncode == 0 and lines, proc.stderr[-3000:]
        out = json.loads(lines[-1][7:])
        assert out["writable_file"] is False
        assert "werkbank.gpkg" in out["open_rw"] and "niet schrijfbaar" in out["open_rw"]
        assert out["read_name"] == "Testprogramma" and out["read_count"] == 50
        assert "alleen-lezen" in out["write_readonly"]
        assert "nieuw.gpkg" in out["create_in_ro_dir"] and "niet schrijfbaar" in out["create_in_ro_dir"]
        assert "kopie.gpkg" in out["copy_to_ro_dir"] and "niet schrijfbaar" in out["copy_to_ro_dir"]
        assert out["ro_dir_listing"] == ["werkbank.gpkg"]
        assert _sha(ro_file) == before
    finally:
        for root, dirs, _files in os.walk(base):
            for d in dirs:
                os.chmod(os.path.join(root, d), 0o755)
        shutil.rmtree(base, ignore_errors=True)


# ---- a writer killed in the middle -----------------------------------------------------------
KILL_CHILD = textwrap.dedent(r"""
    import sys, time
    import geopandas as gpd, numpy as np, shapely
    from pmiek_werkbank.werkbank import open_werkbank
    from pmiek_werkbank.werkbank import storage
    target, mode, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    wb = open_werkbank(target)
    if mode == "halt":  # stop right after the rows went in (small writes: executemany, bulk: insert_many)
        def halting(real):
            def run(self, sql, rows):
                cur = real(self, sql, rows)
                if "developments" in sql:
                    print("MIDDEN", flush=True)
                    time.sleep(600)
                return cur
            return run
        storage._Tx.executemany = halting(storage._Tx.executemany)
        storage._Tx.insert_many = halting(storage._Tx.insert_many)
    xs = np.arange(n, dtype=float)
    frame = gpd.GeoDataFrame(
        {"dev_id": ["D%06d" % i for i in range(n)], "sector": "wonen", "demand_mw": xs / 100,
         "name": ["Ontwikkeling %d met een wat langere naam" % i for i in range(n)]},
        geometry=shapely.buffer(shapely.points(140000 + xs, 455000 + xs), 10, quad_segs=8), crs=28992)
    print("START", flush=True)
    while True:
        wb.write_frame("developments", frame)
        print("KLAAR", flush=True)
        frame["demand_mw"] = frame["demand_mw"] + 1
""")


def _run_and_kill(target, mode, n, tmp_path, wait_for):
    script = tmp_path / "killed_writer.py"
    script.write_text(KILL_CHILD)
    proc = subprocess.Popen([sys.executable, str(script), target, mode, str(n)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=child_env())
    seen = []
    timer = threading.Timer(600, proc.kill)
    timer.start()
    try:
        for line in proc.stdout:
            seen.append(line.strip())
            if wait_for(line.strip()):
                break
        proc.send_signal(signal.SIGKILL)
        proc.wait(60)
    finally:
        timer.cancel()
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL, (seen, proc.stderr.read()[-3000:])
    return seen


def test_killed_in_the_middle_of_write_frame_keeps_earlier_data(filled_path, tmp_path):
    before = table_digest(filled_path)
    _run_and_kill(filled_path, "halt", 20000, tmp_path, lambda line: line == "MIDDEN")
    # The killed writer had inserted rows in an open transaction: its journal is left behind.
    assert os.path.exists(filled_path + "-journal") or os.path.exists(filled_path + "-wal")
    with open_werkbank(filled_path) as wb:
        assert wb.count("developments") == 0
        assert wb.count("stations") == 50 and wb.programme()["name"] == "Testprogramma"
        assert wb.read_frame("projects")["narrative"].iloc[0] == "x" * 5000
    assert table_digest(filled_path) == before
    with open_werkbank(filled_path) as wb:  # and it is fully usable again
        assert wb.write_frame("developments", [{"dev_id": "d1", "sector": "wonen"}])["inserted"] == 1


def test_killed_at_an_arbitrary_moment_is_all_or_nothing(filled_path, tmp_path):
    """No hook: killed while a real 20,000-row write (or its next round) is running."""
    journal = filled_path + "-journal"

    def started(line):
        if line != "START":
            return False
        for _ in range(2000):  # until the write transaction is visibly running
            if os.path.exists(journal):
                return True
            threading.Event().wait(0.005)
        return True

    _run_and_kill(filled_path, "free", 20000, tmp_path, started)
    with open_werkbank(filled_path) as wb:
        assert wb.count("developments") in (0, 20000)
        assert wb.count("stations") == 50
        ok = wb.query("PRAGMA integrity_check")[0]
        assert list(ok.values()) == ["ok"]


@pytest.mark.postgis
def test_killed_postgis_writer_keeps_earlier_data(tmp_path):
    uri = os.environ.get("PMIEK_PG_URI")
    if not uri:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("PMIEK_PG_URI ontbreekt: de PostGIS-testserver is niet gestart.")
        pytest.skip("PMIEK_PG_URI niet gezet")
    schema = "kill_" + uuid.uuid4().hex[:10]
    target = uri + ("&" if "?" in uri else "?") + "schema=" + schema
    wb = create_werkbank(target, "Team", "Utrecht")
    try:
        _fill(wb)
        _run_and_kill(target, "halt", 5000, tmp_path, lambda line: line == "MIDDEN")
        with open_werkbank(target) as again:
            assert again.count("developments") == 0 and again.count("stations") == 50
            assert again.write_frame("developments", [{"dev_id": "d1", "sector": "wonen"}])["inserted"] == 1
    finally:
        with wb.transaction() as tx:
            tx.execute('DROP SCHEMA "{}" CASCADE'.format(schema))
        wb.close()


# ---- locked and full -------------------------------------------------------------------------
@pytest.mark.slow
def test_locked_by_another_user_gives_dutch_message(filled_path):
    other = sqlite3.connect(filled_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with open_werkbank(filled_path) as wb:
            before = wb.count("projects")
            with pytest.raises(WerkbankError, match="vergrendeld") as e:
                wb.write_frame("projects", [{"project_id": "p2", "name": "Tweede"}])
            assert os.path.basename(filled_path) in str(e.value) and "niets opgeslagen" in str(e.value)
    finally:
        other.execute("ROLLBACK")
        other.close()
    with open_werkbank(filled_path) as wb:
        assert wb.count("projects") == before


def _tiny_fs(size_kb):
    if os.geteuid() != 0 or not shutil.which("mount"):
        return None
    mnt = tempfile.mkdtemp(prefix="pmiek-vol-")
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size={}k".format(size_kb), "tmpfs", mnt],
                       capture_output=True)
    if r.returncode != 0:
        os.rmdir(mnt)
        return None
    return mnt


def test_disk_full_keeps_werkbank_intact(werkbank_path):
    """Optional (needs root + mount): a tiny filesystem fills up in the middle of a big write; the werkbank file is
    as it was at once (not only after the next open plays back SQLite's journal)."""
    size = os.path.getsize(werkbank_path)
    mnt = _tiny_fs(size // 1024 + 400)
    if mnt is None:
        pytest.skip("geen klein bestandssysteem te maken (root en mount nodig)")
    try:
        path = os.path.join(mnt, "vol.gpkg")
        shutil.copy(werkbank_path, path)
        with open_werkbank(path) as wb:
            _fill(wb)
        before = table_digest(path)
        import geopandas as gpd
        import numpy as np

        n = 20000
        xs = np.arange(n, dtype=float)
        frame = gpd.GeoDataFrame(
            {"dev_id": ["D%06d" % i for i in range(n)], "sector": "wonen", "note": ["n" * 200] * n},
            geometry=shapely.buffer(shapely.points(xs, xs), 5, quad_segs=16), crs=28992)
        with open(path, "rb") as f:
            file_before = f.read()
        with open_werkbank(path) as wb:
            with pytest.raises(WerkbankError) as e:
                wb.write_frame("developments", frame)
            msg = str(e.value)
            assert "vol.gpkg" in msg and "schijf is vol" in msg and "ongewijzigd" in msg
            # at once, before anything opens the file again: no hot journal left behind, the file byte for byte as
            # it was (a copy of the .gpkg taken now must not hold half a write)
            assert not os.path.exists(path + "-journal")
            with open(path, "rb") as f:
                assert f.read() == file_before
        with open_werkbank(path) as wb:
            assert wb.count("developments") == 0 and wb.count("stations") == 50
        assert table_digest(path) == before
    finally:
        subprocess.run(["umount", mnt], capture_output=True)
        os.rmdir(mnt)


_HOLDER = r"""
import os, sys, sqlite3
from pmiek_werkbank.werkbank import open_werkbank
path = sys.argv[1]
wb = open_werkbank(path)                      # the desktop session's connection, kept open
wb.conn.execute("PRAGMA journal_mode=WAL")    # as QGIS leaves a GeoPackage it edits
wb.conn.execute("CREATE TABLE IF NOT EXISTS probe (x)")
wb.conn.execute("INSERT INTO probe VALUES (1)")
if sys.argv[2] == "open":
    open_werkbank(path, readonly=True).close()    # a dock or dialog opening the same werkbank once more
else:
    from pmiek_werkbank.provider.base import _byte_copy
    _byte_copy(path, path + ".kopie")             # the safety copy before a migration
print("READY", os.path.exists(path + "-wal"), flush=True)
sys.stdin.readline()                          # meanwhile another program reads the file
wb.conn.execute("INSERT INTO probe VALUES (2)")
print("WROTE", flush=True)
sys.stdin.readline()
os._exit(0)                                   # QGIS killed or crashing: no clean close
"""


@pytest.mark.parametrize("action", ["open", "copy"])
def test_opening_the_werkbank_again_keeps_the_sessions_locks(filled_path, action):
    """Opening a werkbank read its header with open()/close(), and closing any descriptor of a file drops every
    POSIX lock the process holds on it, the session connection's too.  Another program reading the file then took
    its -wal as abandoned and deleted it: the session's later writes were lost (found in QGIS 3.40 by opening the
    export dialog, then reading the werkbank with sqlite3).  Now the -wal survives and every write is there."""
    p = subprocess.Popen([sys.executable, "-c", _HOLDER, filled_path, action], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True, env=child_env())
    try:
        assert p.stdout.readline().split() == ["READY", "True"]
        other = sqlite3.connect(filled_path)  # another program: a plain read, then close
        assert other.execute("SELECT count(*) FROM probe").fetchone()[0] == 1
        other.close()
        assert os.path.exists(filled_path + "-wal"), "de -wal van de open sessie is verwijderd"
        p.stdin.write("\n")
        p.stdin.flush()
        assert p.stdout.readline().strip() == "WROTE"
        p.stdin.write("\n")
        p.stdin.flush()
        p.wait(timeout=60)
    finally:
        if p.poll() is None:
            p.kill()
    back = sqlite3.connect(filled_path)
    try:
        assert [r[0] for r in back.execute("SELECT x FROM probe ORDER BY x")] == [1, 2]
    finally:
        back.close()
