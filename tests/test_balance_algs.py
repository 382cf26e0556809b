"""pmiek:capacitybalance through Processing on the hand-computed example of test_balance.py."""

import pytest
from conftest import run_alg
from test_balance import write_example


@pytest.fixture
def example_wb(werkbank, werkbank_path):
    write_example(werkbank)
    return werkbank_path


def _features(layer):
    out = {}
    for f in layer.getFeatures():
        out[(f["unit_id"], f["year"])] = f
    return out


def test_capacitybalance_station_level(pmiek_provider, example_wb):
    from qgis.core import QgsWkbTypes

    res = run_alg("pmiek:capacitybalance", {"WERKBANK": example_wb, "LEVEL": 0, "YEARS": "2025,2030,2035",
                                            "OUTPUT": "TEMPORARY_OUTPUT"})
    layer = res["OUTPUT"]
    if isinstance(layer, str):
        from qgis.core import QgsProcessingUtils

        layer = QgsProcessingUtils.mapLayerFromString(layer, None)
    assert layer.featureCount() == 9
    assert layer.wkbType() == QgsWkbTypes.Type.Point
    f = _features(layer)
    s2 = [f[("S2", y)] for y in (2025, 2030, 2035)]
    assert [x["capacity_mw"] for x in s2] == [8, 14, 14]
    assert [x["balance_mw"] for x in s2] == [-1, 2, 0]
    assert [x["status"] for x in s2] == ["tekort", "ruim", "krap"]
    assert s2[0]["first_shortage_year"] == 2025 and s2[0]["unserved_count"] == 1
    assert f[("S3", 2030)]["supply_balance_mw"] == -2 and f[("S3", 2030)]["supply_capacity_mw"] == 10
    assert f[("S1", 2035)]["capacity_note"] == "capaciteit uit 2030 (2035 ontbreekt)"
    assert not f[("S1", 2025)].geometry().isNull()


def test_capacitybalance_knooppunt_level_whatif(pmiek_provider, example_wb):
    from qgis.core import QgsProcessingUtils, QgsWkbTypes

    res = run_alg("pmiek:capacitybalance", {"WERKBANK": example_wb, "LEVEL": 1, "YEARS": "2025,2030,2035",
                                            "WHATIF": "-P2", "OUTPUT": "TEMPORARY_OUTPUT"})
    layer = res["OUTPUT"]
    if isinstance(layer, str):
        layer = QgsProcessingUtils.mapLayerFromString(layer, None)
    assert QgsWkbTypes.flatType(layer.wkbType()) == QgsWkbTypes.Type.MultiPolygon
    f = _features(layer)
    assert [f[("K1", y)]["balance_mw"] for y in (2025, 2030, 2035)] == [4, 3, -2]
    assert f[("K1", 2035)]["status"] == "tekort" and f[("K1", 2035)]["first_shortage_year"] == 2035
    assert [f[("K2", y)]["other_demand_mw"] for y in (2025, 2030, 2035)] == [0, 3, 3]
    assert f[("K2", 2025)]["unit_name"] == "Knooppunt Midden"


def test_capacitybalance_default_years_and_errors(pmiek_provider, example_wb):
    from qgis.core import QgsProcessingException, QgsProcessingUtils

    res = run_alg("pmiek:capacitybalance", {"WERKBANK": example_wb, "LEVEL": 0, "OUTPUT": "TEMPORARY_OUTPUT"})
    layer = res["OUTPUT"]
    if isinstance(layer, str):
        layer = QgsProcessingUtils.mapLayerFromString(layer, None)
    assert sorted({f["year"] for f in layer.getFeatures()}) == [2025, 2030, 2035]  # programme default
    with pytest.raises(QgsProcessingException, match="geen jaartal"):
        run_alg("pmiek:capacitybalance", {"WERKBANK": example_wb, "YEARS": "2025,later",
                                          "OUTPUT": "TEMPORARY_OUTPUT"})
    with pytest.raises(QgsProcessingException, match="onbekende project-id"):
        run_alg("pmiek:capacitybalance", {"WERKBANK": example_wb, "WHATIF": "P99", "OUTPUT": "TEMPORARY_OUTPUT"})


def _log(alg_id, params):
    """Run an algorithm and return what it logged (info, warnings, errors)."""
    from qgis import processing
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback, QgsProject

    class Capture(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.texts = []

        def pushInfo(self, info):  # noqa: N802
            self.texts.append(info)

        def pushWarning(self, warning):  # noqa: N802
            self.texts.append(warning)

        def reportError(self, error, fatalError=False):  # noqa: N802
            self.texts.append(error)

    ctx = QgsProcessingContext()
    ctx.setProject(QgsProject.instance())
    fb = Capture()
    processing.run(alg_id, params, context=ctx, feedback=fb)
    return fb.texts


def test_capacitybalance_summary_counts_both_directions(pmiek_provider, example_wb):
    # stations: tekort afname only S2 2025 (-1); teruglevering S3 2030 and 2035 (10 - 12 = -2)
    texts = _log("pmiek:capacitybalance", {"WERKBANK": example_wb, "LEVEL": 0, "YEARS": "2025,2030,2035",
                                           "OUTPUT": "TEMPORARY_OUTPUT"})
    assert "3 stations × 3 zichtjaren; tekort afname in 1, teruglevering in 2 gevallen." in texts
    # knooppunten: K2 2025 (-1) afname; no teruglevering shortage (K1 5, K2 4 MW for 0 / 3 MW); one year
    texts = _log("pmiek:capacitybalance", {"WERKBANK": example_wb, "LEVEL": 1, "YEARS": "2025",
                                           "OUTPUT": "TEMPORARY_OUTPUT"})
    assert "2 knooppunten × 1 zichtjaar; tekort afname in 1, teruglevering in 0 gevallen." in texts


def test_capacitybalance_empty_werkbank(pmiek_provider, werkbank_path):
    from qgis.core import QgsProcessingUtils

    res = run_alg("pmiek:capacitybalance", {"WERKBANK": werkbank_path, "LEVEL": 1, "OUTPUT": "TEMPORARY_OUTPUT"})
    layer = res["OUTPUT"]
    if isinstance(layer, str):
        layer = QgsProcessingUtils.mapLayerFromString(layer, None)
    assert layer.featureCount() == 0


def test_help_documents_every_parameter(pmiek_provider):
    for name in ("importprojects", "importknooppunten", "importlinks", "capacitybalance"):
        alg = pmiek_provider.algorithm(name)
        assert alg is not None, name
        help_text = alg.shortHelpString()
        for p in alg.parameterDefinitions():
            assert p.name() in help_text, (name, p.name())


def test_balance_features_columnwise_values(pmiek_provider):
    """The column-wise output building gives what the row-by-row one gave: None for a gap, ints, floats rounded to
    6 decimals, strings; a point per unit shared by its years, no geometry for an unknown unit."""
    import numpy as np
    import pandas as pd
    from shapely.geometry import Point

    from pmiek_werkbank.provider.algorithms.project_algs import balance_features, balance_fields

    table = pd.DataFrame({
        "unit_id": ["S1", "S1", "SX"], "unit_name": ["Een", None, np.nan], "year": [2025, 2030, 2035],
        "capacity_mw": [1.23456789, np.nan, 2.0], "first_shortage_year": [2030.0, np.nan, 2035.0],
        "unserved_count": np.array([0, 3, 1], dtype=np.int64), "status": ["ruim", "tekort", None],
        "capacity_note": pd.Series([None, 7, "x"], dtype=object),
    })
    fields = balance_fields()
    feats = balance_features(table, {"S1": Point(1, 2)}, fields)
    got = [{n: f[n] for n in ("unit_id", "unit_name", "year", "capacity_mw", "first_shortage_year",
                              "unserved_count", "status", "capacity_note", "demand_mw")} for f in feats]
    assert got == [
        {"unit_id": "S1", "unit_name": "Een", "year": 2025, "capacity_mw": 1.234568, "first_shortage_year": 2030,
         "unserved_count": 0, "status": "ruim", "capacity_note": None, "demand_mw": None},
        {"unit_id": "S1", "unit_name": None, "year": 2030, "capacity_mw": None, "first_shortage_year": None,
         "unserved_count": 3, "status": "tekort", "capacity_note": "7", "demand_mw": None},
        {"unit_id": "SX", "unit_name": None, "year": 2035, "capacity_mw": 2.0, "first_shortage_year": 2035,
         "unserved_count": 1, "status": None, "capacity_note": "x", "demand_mw": None},
    ]
    assert [f.geometry().asWkt() for f in feats[:2]] == ["Point (1 2)", "Point (1 2)"]
    assert not feats[2].hasGeometry()

    # in parts (the algorithm hands the sink one part while it makes the next): the same features in the same
    # order, each part the next rows, parts as even as the rows allow, an empty part where there are fewer rows
    from pmiek_werkbank.provider.algorithms.project_algs import balance_feature_parts

    for parts in (1, 2, 3, 5):
        got_parts = list(balance_feature_parts(table, {"S1": Point(1, 2)}, fields, parts=parts))
        assert len(got_parts) == parts
        assert sorted(len(p) for p in got_parts) == sorted([3 // parts + (k < 3 % parts) for k in range(parts)])
        flat = [f for p in got_parts for f in p]
        assert [f.attributes() for f in flat] == [f.attributes() for f in feats]
        assert [f.geometry().asWkt() for f in flat] == [f.geometry().asWkt() for f in feats]


def test_round6_is_pythons_round():
    """The vectorised rounding of the balance output gives exactly Python's round(x, 6), bit for bit (halves,
    signs, tiny, huge, NaN and infinite values included)."""
    import math

    import numpy as np

    from pmiek_werkbank.provider.algorithms.project_algs import _round6

    rng = np.random.default_rng(20251207)
    x = np.concatenate([
        rng.normal(0, 1, 20000), rng.normal(0, 1e4, 20000), rng.uniform(-1e-5, 1e-5, 20000),
        np.arange(-20000, 20000) / 2e6, np.round(rng.normal(0, 100, 20000), 6) + 5e-7, rng.normal(0, 1e12, 2000),
        rng.normal(0, 1e17, 2000),
        [0.0, -0.0, 2.5e-7, -2.5e-7, 5e-7, -5e-7, 0.0078125, 1.0000005, 1e308, -1e308, math.inf, -math.inf],
    ])
    want = [round(v, 6) for v in x.tolist()]
    got = _round6(x)
    assert np.array(got).view(np.int64).tolist() == np.array(want).view(np.int64).tolist()
    nan = _round6(np.array([math.nan]))[0]
    assert nan != nan


def test_background_sink_writes_in_order_and_reports_failures(pmiek_provider):
    """BackgroundSink (the balance output written by a helper thread): every list in order, the sink released in
    the helper when closed, and an error of the helper raised by wait() with the sink released as well."""
    import threading

    import pandas as pd
    import pytest
    from shapely.geometry import Point

    from pmiek_werkbank.provider.algorithms.project_algs import BackgroundSink, balance_features, balance_fields

    table = pd.DataFrame({"unit_id": ["S1", "S1", "S2", "S2", "S3"], "year": [2025, 2030, 2025, 2030, 2025],
                          "capacity_mw": [1.0, 2.0, 3.0, 4.0, 5.0]})
    feats = balance_features(table, {"S1": Point(1, 2), "S2": Point(3, 4)}, balance_fields())

    class Sink:
        def __init__(self, fail=False):
            self.got, self.fail, self.threads = [], fail, set()

        def addFeatures(self, feats, flags=None):  # noqa: N802 - the QgsFeatureSink method
            self.threads.add(threading.get_ident())
            if self.fail == "raise":
                raise RuntimeError("schijf vol")
            if self.fail:  # how a real QgsFeatureSink refuses: False and lastError()
                return False
            self.got.extend(f["capacity_mw"] for f in feats)
            return True

        def addFeature(self, feat, flags=None):  # noqa: N802 - offered one by one after a refusal
            return self.addFeatures([feat], flags)

        def lastError(self):  # noqa: N802
            return "Schrijven mislukt: schijf vol" if self.fail else ""

    sink = Sink()
    writer = BackgroundSink(sink)
    writer.add(feats[:2])
    writer.add(feats[2:])
    writer.close()
    writer.wait()
    assert sink.got == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert threading.get_ident() not in sink.threads and not writer._sink
    bad = Sink(fail="raise")
    writer = BackgroundSink(bad)
    writer.add(feats)
    writer.close()
    with pytest.raises(RuntimeError, match="schijf vol"):
        writer.wait()
    assert not writer._sink
    # a sink that answers False: the algorithm stops with the output's name and the destination's own error
    from qgis.core import QgsProcessingException

    refusing = Sink(fail=True)
    writer = BackgroundSink(refusing, "OUTPUT")
    writer.add(feats)
    writer.close()
    with pytest.raises(QgsProcessingException) as e:
        writer.wait()
    # a full disk refuses every row: no row is named (it would not be the culprit)
    assert "OUTPUT: de uitvoer kon niet volledig worden geschreven (Schrijven mislukt: schijf vol)" in str(e.value)
    assert not writer._sink
    # a destination that refuses one row: named by its place in the whole output, parts counted on
    from qgis.core import QgsFeature, QgsGeometry, QgsVectorLayer

    layer = QgsVectorLayer("Point?crs=EPSG:28992&field=unit_id:string", "uit", "memory")
    rows = []
    for k, wkt in enumerate(["POINT (1 2)", "POINT (2 3)", "POINT (3 4)", "LINESTRING (0 0, 1 1)", "POINT (5 6)"]):
        f = QgsFeature(layer.fields())
        f.setAttributes(["S{}".format(k + 1)])
        f.setGeometry(QgsGeometry.fromWkt(wkt))
        rows.append(f)
    writer = BackgroundSink(layer.dataProvider(), "OUTPUT")
    writer.add(rows[:2])
    writer.add(rows[2:])
    writer.close()
    with pytest.raises(QgsProcessingException, match=r"^OUTPUT: de uitvoer kon niet volledig worden geschreven bij "
                                                     r"rij 4 \(unit_id = 'S4'\) \(.*LineString"):
        writer.wait()


def test_add_features_stops_on_a_refusal_and_names_the_output(pmiek_provider):
    """provider.base.add_features: the features go to the sink in one call; a False answer raises a Dutch
    QgsProcessingException with the output's name, the refused row where it can be told, and the sink's lastError
    (or a fallback when it gives none); an empty list is not sent at all."""
    import pytest
    from qgis.core import QgsFeature, QgsProcessingException

    from pmiek_werkbank.provider.base import add_features

    class Sink:
        def __init__(self, answer, error=""):
            self.answer, self.error, self.calls = answer, error, []

        def addFeatures(self, feats, flags=None):  # noqa: N802
            self.calls.append(len(feats))
            return self.answer

        def addFeature(self, feat, flags=None):  # noqa: N802
            return self.addFeatures([feat], flags)

        def lastError(self):  # noqa: N802
            return self.error

    ok = Sink(True)
    add_features(ok, [QgsFeature(), QgsFeature()], "OUTPUT")
    add_features(ok, [], "OUTPUT")
    assert ok.calls == [2]
    with pytest.raises(QgsProcessingException, match=r"^TABLE: de uitvoer kon niet volledig worden geschreven "
                                                     r"\(veld 'x' te lang\)"):
        add_features(Sink(False, "veld 'x' te lang"), [QgsFeature()], "TABLE")
    with pytest.raises(QgsProcessingException, match=r"\(de bestemming gaf geen reden\)"):
        add_features(Sink(False), [QgsFeature()], "OUTPUT_MAP")
    # a real QGIS sink answers (False, features) and says why: a point layer refuses a line, a number field a text
    from qgis.core import QgsGeometry, QgsVectorLayer

    layer = QgsVectorLayer("Point?crs=EPSG:28992&field=a:integer", "uit", "memory")
    good = QgsFeature(layer.fields())
    good.setAttributes([1])
    good.setGeometry(QgsGeometry.fromWkt("POINT (1 2)"))
    add_features(layer.dataProvider(), [good], "OUTPUT")
    line = QgsFeature(layer.fields())
    line.setAttributes([2])
    line.setGeometry(QgsGeometry.fromWkt("LINESTRING (0 0, 1 1)"))
    with pytest.raises(QgsProcessingException, match=r"^OUTPUT: .*LineString"):
        add_features(layer.dataProvider(), [line], "OUTPUT")
    text = QgsFeature(layer.fields())
    text.setAttributes(["abc"])
    with pytest.raises(QgsProcessingException, match=r"^OUTPUT: .*abc"):
        add_features(layer.dataProvider(), [text], "OUTPUT")
    assert layer.featureCount() == 1
    # the refused row is named (its place, counted from first_row, and its first field) when the destination
    # takes the rows around it; a lone refused row, or one whose neighbour is refused too, is not
    others = []
    for a in (3, 4):
        f = QgsFeature(layer.fields())
        f.setAttributes([a])
        f.setGeometry(QgsGeometry.fromWkt("POINT (3 4)"))
        others.append(f)
    with pytest.raises(QgsProcessingException, match=r"^OUTPUT: de uitvoer kon niet volledig worden geschreven bij "
                                                     r"rij 12 \(a = 2\) \(.*LineString"):
        add_features(layer.dataProvider(), [others[0], line, others[1]], "OUTPUT", first_row=11)
    with pytest.raises(QgsProcessingException, match=r"bij rij 1 \(a = 2\) "):
        add_features(layer.dataProvider(), [line, others[0]], "OUTPUT")
    with pytest.raises(QgsProcessingException) as e:
        add_features(layer.dataProvider(), [line, text], "OUTPUT")
    assert "bij rij" not in str(e.value)
    assert "bij rij" not in str(pytest.raises(QgsProcessingException, add_features, Sink(False, "vol"),
                                              [QgsFeature(), QgsFeature()], "OUTPUT").value)


def _run_as_task(alg_id, params):
    """Run an algorithm as the Processing dialog does: a QgsProcessingAlgRunnerTask on the task manager's thread."""
    from helpers import process_events_until
    from qgis.core import (QgsApplication, QgsProcessingAlgRunnerTask, QgsProcessingContext, QgsProcessingFeedback,
                           QgsProject)

    alg = QgsApplication.processingRegistry().createAlgorithmById(alg_id)
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    feedback = QgsProcessingFeedback()
    done = {}
    task = QgsProcessingAlgRunnerTask(alg, params, context, feedback)
    task.executed.connect(lambda ok, results: done.update(ok=ok, results=results))
    QgsApplication.taskManager().addTask(task)
    process_events_until(lambda: "ok" in done)
    return done, context, feedback


def test_capacitybalance_in_a_background_task_as_the_desktop_runs_it(pmiek_provider, example_wb, tmp_path):
    """In the desktop the algorithm runs in a task thread and its BackgroundSink writes from a third thread: the
    temporary layer and a GeoPackage output hold exactly what a direct run writes."""
    from qgis.core import QgsProcessingUtils, QgsVectorLayer

    def rows(layer):
        return sorted((f["unit_id"], f["year"], f["capacity_mw"], f["balance_mw"], f["status"],
                       f.geometry().asWkt(3)) for f in layer.getFeatures())

    params = {"WERKBANK": example_wb, "LEVEL": 0, "YEARS": "2025,2030,2035"}
    direct = run_alg("pmiek:capacitybalance", dict(params, OUTPUT="TEMPORARY_OUTPUT"))["OUTPUT"]
    if isinstance(direct, str):
        direct = QgsProcessingUtils.mapLayerFromString(direct, None)
    want = rows(direct)
    assert len(want) == 9

    # more than once: the task manager's pool thread is reused, and with pyproj 3.7 a second algorithm on the same
    # thread crashed QGIS 3.40 (deps.keep_proj_context)
    for _ in range(3):
        done, context, _ = _run_as_task("pmiek:capacitybalance", dict(params, OUTPUT="TEMPORARY_OUTPUT"))
        assert done.get("ok") is True
        layer = QgsProcessingUtils.mapLayerFromString(done["results"]["OUTPUT"], context)
        assert layer is not None and layer.featureCount() == 9 and rows(layer) == want

    path = str(tmp_path / "balans_taak.gpkg")
    done, _, _ = _run_as_task("pmiek:capacitybalance", dict(params, OUTPUT=path))
    assert done.get("ok") is True
    written = QgsVectorLayer(path, "balans", "ogr")
    assert written.isValid() and rows(written) == want
