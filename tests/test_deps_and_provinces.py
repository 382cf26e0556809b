from pmiek_werkbank.deps import install_hint, missing_packages
from pmiek_werkbank.werkbank.provinces import province_code, province_name


def test_missing_package_is_named_in_dutch():
    problems = missing_packages([("geen_echt_pakket_xyz", "geen-echt-pakket", None), ("json", "json", None)])
    assert problems == [("geen-echt-pakket", "ontbreekt")]
    hint = install_hint(problems)
    assert "geen-echt-pakket" in hint and "Installeer" in hint


def test_too_old_version_is_reported():
    problems = missing_packages([("pytest", "pytest", (999, 0))])
    assert problems and "te oud" in problems[0][1]


def test_all_required_present_in_venv():
    assert missing_packages() == []


def test_province_names():
    assert province_code("utrecht") == "PV26"
    assert province_code("Friesland") == "PV21"
    assert province_code("Fryslân") == "PV21"
    assert province_code("pv30") == "PV30"
    assert province_name("noord-holland") == "Noord-Holland"
    assert province_code("Atlantis") is None


def test_proj_context_kept_only_for_pyproj_3_7():
    from pmiek_werkbank.deps import proj_context_needs_keeping

    assert [proj_context_needs_keeping(v) for v in ("3.6.1", "3.7.0", "3.7.1", "3.7.2", "3.8.0", "4.0")] == [
        False, True, True, True, False, False]


def test_keep_proj_context_pins_the_worker_threads_context(monkeypatch):
    """On a worker thread the context pyproj makes for it is kept (one per OS thread); on the main thread and for
    other pyproj versions nothing is touched.  The crash itself is checked on QGIS 3.40 with pyproj 3.7.1 by
    test_balance_algs.py::test_capacitybalance_in_a_background_task_as_the_desktop_runs_it (make test-matrix)."""
    import threading

    import pyproj

    from pmiek_werkbank import deps

    local = threading.local()
    made = []

    class FakeContext:  # pyproj 3.7's _context: a manager in a threading.local, made on first use in a thread
        @staticmethod
        def _set_context_data_dir():
            if getattr(local, "manager", None) is None:
                local.manager = object()
                made.append(local.manager)

        @staticmethod
        def get_context_manager():
            return getattr(local, "manager", None)

    monkeypatch.setattr(pyproj, "_context", FakeContext, raising=False)
    monkeypatch.setattr(deps, "_PROJ_CONTEXTS", {})
    monkeypatch.setattr(deps, "proj_context_needs_keeping", lambda version=None: True)
    deps.keep_proj_context()  # main thread: not touched
    assert made == [] and deps._PROJ_CONTEXTS == {}
    seen = {}

    def worker():
        deps.keep_proj_context()
        deps.keep_proj_context()  # again on the same thread: the same manager, still one entry
        seen["id"] = threading.get_native_id()

    t = threading.Thread(target=worker)
    t.start()
    t.join()
    assert len(made) == 1 and deps._PROJ_CONTEXTS == {seen["id"]: made[0]}
    monkeypatch.setattr(deps, "proj_context_needs_keeping", lambda version=None: False)
    t = threading.Thread(target=deps.keep_proj_context)
    t.start()
    t.join()
    assert len(made) == 1
