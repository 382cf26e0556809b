"""Link suggestions build and sort only the rows that can be shown (issue 19) and still give exactly the old answer.

``tests/data/suggestions_reference.py`` is a frozen copy of ``knooppunten/suggestions.py`` before that change
(it built and sorted a frame of every development).  Random fixed-seed developments (points and polygons, some
without geometry, another index, equal distances, duplicates of the assignment order), with and without an assignment, with
linked developments, limits 0/5/30 and a project with or without a geometry: the frames must be equal.
"""

import importlib.util
import os

import numpy as np
import pandas as pd
import pytest

HERE = os.path.dirname(__file__)


@pytest.fixture(scope="module")
def reference():
    spec = importlib.util.spec_from_file_location("pmiek_suggestions_reference",
                                                  os.path.join(HERE, "data", "suggestions_reference.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.suggest_links


def _developments(rng, n):
    import geopandas as gpd
    import shapely

    x = rng.integers(0, 40, n) * 250.0  # a grid: many equal distances
    y = rng.integers(0, 40, n) * 250.0
    geoms = list(shapely.points(x, y))
    for i in np.flatnonzero(rng.random(n) < 0.3):
        geoms[i] = shapely.box(x[i], y[i], x[i] + rng.integers(1, 4) * 100.0, y[i] + 100.0)
    for i in np.flatnonzero(rng.random(n) < 0.03):
        geoms[i] = None
    return gpd.GeoDataFrame({
        "dev_id": ["W{:04d}".format(i) for i in rng.permutation(n)],
        "name": ["Ontwikkeling {}".format(i) for i in range(n)],
        "sector": rng.choice(["wonen", "industrie", "datacenter"], n),
        "demand_mw": np.where(rng.random(n) < 0.1, np.nan, rng.integers(0, 20, n) * 0.5),
        "supply_mw": rng.integers(0, 5, n) * 1.0,
        "year_ready": rng.choice([2025, 2030, 2035, np.nan], n),
        "station_id": rng.choice(["S1", "S2", "S3", None], n),
    }, geometry=geoms, crs="EPSG:28992")


def test_suggestions_equal_the_reference(reference, monkeypatch):
    """... and no development's distance is computed twice (the nearest boxes' exact distances are kept)."""
    import shapely

    from pmiek_werkbank.knooppunten.suggestions import suggest_links

    measured = []
    real = shapely.distance

    def counting(a, b):
        measured.extend(id(g) for g in np.atleast_1d(a) if g is not None)
        return real(a, b)

    rng = np.random.default_rng(20250808)
    for case in range(40):
        n = int(rng.integers(1, 400))
        devs = _developments(rng, n)
        if case % 6 == 5:
            devs.index = np.arange(n)[::-1] * 10  # not 0..n-1: positions, not labels, count
        assign = pd.DataFrame({"dev_id": devs["dev_id"], "station_id": rng.choice(["S1", "S2", None], n),
                               "knooppunt_id": rng.choice(["K1", "K2", None], n)})
        if case % 4 == 1:
            assign = assign.sample(frac=1.0, random_state=case)  # another order: looked up by id
        elif case % 4 == 2:
            assign = pd.concat([assign, assign.head(3)])  # duplicates: the first counts
        elif case % 4 == 3:
            assign = None
        linked = set(rng.choice(devs["dev_id"], min(n, int(rng.integers(0, 6))), replace=False))
        geom = None if case % 5 == 4 else shapely.points(rng.integers(0, 40) * 250.0, rng.integers(0, 40) * 250.0)
        if case % 7 == 3:
            geom = shapely.box(1000, 1000, 3000, 1500)
        project = {"project_id": "P1", "station_id": rng.choice(["S1", "S2", None]),
                   "knooppunt_id": rng.choice(["K1", None]), "geometry": geom}
        st_geom = shapely.points(5000.0, 5000.0) if case % 3 else None
        for limit in (0, 5, 30):
            want = reference(project, devs, assign, linked, st_geom, None, limit=limit)
            measured.clear()
            with monkeypatch.context() as m:
                m.setattr(shapely, "distance", counting)
                got = suggest_links(project, devs, assign, linked, st_geom, None, limit=limit)
            assert len(measured) == len(set(measured))
            pd.testing.assert_frame_equal(got, want, check_index_type=False)
    assert len(want) == min(30, n - len(linked))
