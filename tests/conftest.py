"""Test set-up: headless QGIS, the plugin package on the path, shared fixtures.

pytest-qgis starts one QgsApplication (offscreen) for the session; its fixtures
``qgis_iface``, ``qgis_new_project`` and ``qgis_processing`` are available.
"""

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")
LINK = os.path.join(BUILD, "pmiek_werkbank")
if not os.path.exists(LINK):
    os.makedirs(BUILD, exist_ok=True)
    os.symlink("..", LINK)
for p in (BUILD, "/usr/share/qgis/python/plugins"):
    if p not in sys.path:
        sys.path.insert(0, p)

import pytest  # noqa: E402

ARTIFACTS = os.path.join(ROOT, "tests", "artifacts")
SHARED = os.environ.get("PMIEK_SHARED") or os.path.join(os.path.dirname(ROOT), "shared")
SHARED_DATA = os.path.join(SHARED, "data")
SAMPLE_DIR = os.path.join(ROOT, "resources", "sample")


@pytest.fixture(scope="session")
def artifacts_dir():
    os.makedirs(ARTIFACTS, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def shared_data():
    if not os.path.isdir(SHARED_DATA):
        pytest.fail("shared/data niet gevonden naast de repository: {}".format(SHARED_DATA))
    return SHARED_DATA


@pytest.fixture(scope="session")
def sample_dir():
    return SAMPLE_DIR


@pytest.fixture
def werkbank_path(tmp_path):
    """Path of a fresh, empty werkbank (programme 'Test', province Utrecht)."""
    from pmiek_werkbank.werkbank import create_werkbank

    path = str(tmp_path / "test_werkbank.gpkg")
    create_werkbank(path, "Testprogramma", "Utrecht", province_code="PV26", peildatum="2026-01-01").close()
    return path


@pytest.fixture
def session(qgis_new_project):
    """The plugin's session (layers.project.Session) on a new QGIS project; no werkbank at the end."""
    from qgis.core import QgsProject

    from pmiek_werkbank.layers.project import Session

    s = Session(QgsProject.instance())
    yield s
    s.set_werkbank("")


@pytest.fixture
def werkbank(werkbank_path):
    from pmiek_werkbank.werkbank import open_werkbank

    wb = open_werkbank(werkbank_path)
    yield wb
    wb.close()


@pytest.fixture
def pmiek_provider(qgis_processing):
    """The pmiek provider registered in the session's processing registry (re-added if a test removed it)."""
    from qgis.core import QgsApplication

    from pmiek_werkbank.provider.provider import PmiekProvider

    registry = QgsApplication.processingRegistry()
    provider = registry.providerById("pmiek")
    if provider is None:
        provider = PmiekProvider()
        assert registry.addProvider(provider)
        _KEEP.append(provider)  # keep the Python wrapper alive with the registered object
    return provider


_KEEP = []


def run_alg(alg_id, params, context=None):
    """Run a Processing algorithm and return its results (raises on failure)."""
    from qgis import processing
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback, QgsProject

    ctx = context or QgsProcessingContext()
    ctx.setProject(QgsProject.instance())
    return processing.run(alg_id, params, context=ctx, feedback=QgsProcessingFeedback())


@pytest.fixture(autouse=True)
def _release_qgis_objects():
    """Free layers/layouts a test created while QGIS still runs (not at interpreter exit, after exitQgis)."""
    yield
    import gc

    gc.collect()
    try:  # the current werkbank lives in the project: one test's choice must not leak into the next
        from qgis.core import QgsProject

        QgsProject.instance().removeEntry("pmiek", "werkbank")
    except Exception:  # noqa: BLE001 - no QGIS in this test
        pass


_EXIT = {"status": None}


def pytest_sessionfinish(session, exitstatus):
    _EXIT["status"] = int(exitstatus)


@pytest.hookimpl(tryfirst=True)
def pytest_unconfigure(config):
    """End the process right after pytest has reported (summary and junit XML are written by now).

    Layers that Processing or a test still references would otherwise be destroyed during
    interpreter shutdown, after QGIS has unloaded its GDAL drivers, and crash there (QgsOgrProvider
    close in Py_FinalizeEx).  The exit status is pytest's own, so failures still fail.
    """
    if _EXIT["status"] is None:
        return
    import sys

    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(_EXIT["status"])
