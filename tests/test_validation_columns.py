"""The importers' column helpers (layers/validation.py: _clean_text, text_column, check_id_column) give exactly
what the plain per-value rules give, whatever the column looks like: already clean text, text needing a strip,
empty markers, missing values of every kind, numbers, mixed objects.  The fast paths (a text column in one
C-level pass, a number column without text work) must never change a value, a type or a None."""

import decimal
import math

import numpy as np
import pandas as pd
import pytest

from pmiek_werkbank.layers import validation as V

EMPTY = ("", "NULL", "null", "nan", "NaN", "None")


def _reference_clean(values):
    """The rule per value: missing -> None; text stripped, an empty marker -> None; anything else as it is."""
    out = []
    for v in values:
        if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, (float, decimal.Decimal)) and math.isnan(v)):
            out.append(None)
        elif isinstance(v, str):
            t = v.strip()
            out.append(None if t in EMPTY else t)
        else:
            out.append(v)
    return out


COLUMNS = {
    "clean text": pd.Series(["a", "b-1", "W 17", "x" * 30], dtype=object),
    "text to strip": pd.Series([" a", "b ", "\tc\n", "  ", "d"], dtype=object),
    "empty markers": pd.Series(["NULL", " null ", "nan", "NaN", "None", "", "none", "Null"], dtype=object),
    "text with None": pd.Series(["a", None, " b ", None], dtype=object),
    "text with NaN": pd.Series(["a", np.nan, " b "], dtype=object),
    "text with NA and NaT": pd.Series(["a", pd.NA, pd.NaT, "c "], dtype=object),
    "text with None last": pd.Series(["a ", "b", None], dtype=object),
    "text with Decimal NaN": pd.Series([" a", decimal.Decimal("NaN"), "b"], dtype=object),
    "all missing": pd.Series([None, np.nan, None], dtype=object),
    "empty": pd.Series([], dtype=object),
    "mixed": pd.Series([" a ", 12, 1.5, None, True, "NULL"], dtype=object),
    "string dtype": pd.Series([" a", None, "NULL", "b"], dtype="string"),
    "category": pd.Series([" a", None, "b", " a"], dtype="category"),
}


@pytest.mark.parametrize("name", sorted(COLUMNS))
def test_clean_text_follows_the_rule_per_value(name):
    col = COLUMNS[name].copy()
    col.index = pd.RangeIndex(10, 10 + len(col))
    col.name = "veld"
    got = V._clean_text(col)
    assert got.dtype == object
    assert list(got.index) == list(col.index) and got.name == "veld"
    want = _reference_clean(col.astype(object).tolist())
    assert [(type(v), v) for v in got.tolist()] == [(type(v), v) for v in want]
    pd.testing.assert_series_equal(col, COLUMNS[name].set_axis(col.index).rename("veld"))  # the input is untouched


@pytest.mark.parametrize("values", [[1.0, np.nan, 3.5], [1, 2, 3], [True, False], [np.nan, np.nan]])
def test_clean_text_of_numbers_only_empties_missing_values(values):
    col = pd.Series(values)
    got = V._clean_text(col)  # the callers read only which values are present (a number is never text)
    assert got.isna().tolist() == col.isna().tolist()
    assert got[got.notna()].tolist() == col[col.notna()].tolist()


def test_text_column_clean_and_unclean_text_give_the_same_values():
    clean = pd.Series(["W-1", None, "W-3", "12"], dtype=object)
    messy = pd.Series([" W-1", "NULL", "W-3\t", " 12 "], dtype=object)
    assert V.text_column(clean).tolist() == V.text_column(messy).tolist() == ["W-1", None, "W-3", "12"]
    assert V.text_column(pd.Series([12.0, np.nan, 1e20, 2.5])).tolist() == ["12", None, "100000000000000000000",
                                                                              "2.5"]
    assert V.text_column(pd.Series([7, 8])).tolist() == ["7", "8"]
    assert V.text_column(pd.Series([" a ", 12, None], dtype=object)).tolist() == ["a", "12", None]


def test_check_id_column_flags_only_ids_beyond_64_bits():
    frame = pd.DataFrame({"_row": [1, 2, 3, 4], "id": [" 9223372036854775808", "9223372036854775807", None,
                                                        "x" * 40]})
    rep = V.ValidationReport("bron")
    ids = V.check_id_column(rep, frame, "id")
    assert ids.tolist() == ["9223372036854775808", "9223372036854775807", None, "x" * 40]
    assert [(p.row, p.severity) for p in rep.problems] == [(1, V.WAARSCHUWING)]
    rep = V.ValidationReport("bron")  # every id given
    ids = V.check_id_column(rep, frame.assign(id=["1", "-99999999999999999999", "W-3", "9" * 18]), "id")
    assert ids.tolist() == ["1", "-99999999999999999999", "W-3", "9" * 18]
    assert [(p.row, p.severity) for p in rep.problems] == [(2, V.WAARSCHUWING)]


class _Recodes:
    """A RECODE table knowing one value."""

    def lookup(self, target, value):
        return ("WON", None, "eigen tabel") if value == "woningbouw" else None


@pytest.mark.parametrize("values", [["wonen", None, "xx", "wonen", "industrie"], ["xx", "yy"], [None, None], [],
                                    ["wonen", np.nan], ["woningbouw", "wonen", None, "woningbouw", "xx"]])
def test_codes_map_each_row_as_the_rule_per_value(values):
    from pmiek_werkbank.layers import importers as I

    raw = pd.Series(values, dtype=object, index=pd.RangeIndex(3, 3 + len(values)))
    rep = V.ValidationReport("bron")
    codes, unknown = I._codes(rep, raw, "sector", "sector", lambda v: False if v in ("xx", "yy") else v.upper(),
                              _Recodes())
    rule = {"woningbouw": "WON", "xx": False, "yy": False}
    want = [None if (v is None or v != v) else rule.get(v, str(v).upper()) for v in values]
    assert codes.dtype == object and list(codes.index) == list(raw.index)
    assert [(type(v), v) for v in codes.tolist()] == [(type(v), v) for v in want]
    assert unknown.tolist() == [w is False for w in want]
    n = values.count("woningbouw")
    assert rep.recodes == ([("sector", "woningbouw", "WON", "eigen tabel", n)] if n else [])


def test_accepted_rows_are_numbered_from_zero_with_or_without_rejections():
    from pmiek_werkbank.layers import importers as I

    df = pd.DataFrame({"_row": [1, 2, 3]})
    out = pd.DataFrame({"dev_id": ["a", "b", "c"], "demand_mw": [1.0, None, 3.0]}, dtype=object)
    rep = V.ValidationReport("bron")
    pd.testing.assert_frame_equal(I._accepted(rep, df, out), out)
    rep.add(2, "b", "id", "b", "fout")
    got = I._accepted(rep, df, out)
    pd.testing.assert_frame_equal(got, pd.DataFrame({"dev_id": ["a", "c"], "demand_mw": [1.0, 3.0]}, dtype=object))
    shifted = out.set_axis([5, 6, 7])  # not numbered from 0: renumbered as before
    pd.testing.assert_frame_equal(I._accepted(V.ValidationReport("bron"), df, shifted), out)


@pytest.mark.parametrize("values", [[np.nan, np.nan], [], [2030.0, np.nan], [2030.0, 2031.0], [1e19, 2030.0],
                                    [1e19, np.nan], [1e30, 1.0], [-0.5, np.nan], [-0.0, 2030.0], [2030.7, np.nan],
                                    [-2030.7, 1.0]])
def test_whole_years_as_the_per_row_map_gives_them(values):
    from pmiek_werkbank.layers import importers as I

    year = pd.Series(values, dtype=float, index=pd.RangeIndex(4, 4 + len(values)), name="jaar")
    want = year.map(lambda v: None if v != v else int(v)).astype(object)
    got = I._whole(year)
    assert got.dtype == object and list(got.index) == list(want.index)
    assert [(type(v), repr(v)) for v in got.tolist()] == [(type(v), repr(v)) for v in want.tolist()]


@pytest.mark.parametrize("name", sorted(COLUMNS))
def test_blank_is_where_clean_text_is_empty(name):
    col = COLUMNS[name]
    assert V.blank(col).tolist() == V._clean_text(col).isna().tolist()
    for numbers in ([1.0, np.nan], [1, 2], [True, False], [np.nan]):
        assert V.blank(pd.Series(numbers)).tolist() == V._clean_text(pd.Series(numbers)).isna().tolist()


@pytest.mark.parametrize("crs", [28992, 4326])
def test_coordinates_checked_in_the_source_and_in_rd(crs):
    """Non-finite coordinates, beyond RD, beyond ±180/±90 and good ones: each row's message (and only one) whether
    the layer is reprojected (its bounds measured again) or not (the source's bounds reused)."""
    import geopandas as gpd
    import shapely

    from pmiek_werkbank.layers import importers as I

    if crs == 28992:
        geoms = [shapely.Point(1e6, 1e6), shapely.Polygon([(0, 0), (np.inf, 0), (1, 1)]), shapely.Point(136000, 456000),
                 None, shapely.Point(-200000, 456000)]
    else:
        geoms = [shapely.Point(40, 40), shapely.Polygon([(0, 0), (np.inf, 0), (1, 1)]), shapely.Point(5.2, 52.1),
                 None, shapely.Point(200, 52)]
    df = gpd.GeoDataFrame({"_row": [1, 2, 3, 4, 5], "_sid": ["a", "b", "c", "d", "e"]}, geometry=geoms, crs=crs)
    rep = V.ValidationReport("bron")
    out = I._geometry(rep, df, (V.POLY, V.POINT))
    got = [(p.row, p.problem) for p in rep.problems]
    assert [row for row, _ in got] == [2, 5, 1, 4] if crs == 4326 else [2, 1, 5, 4]
    assert [shapely.is_missing(g) for g in out] == [True, True, False, True, True]
    texts = dict(got)
    assert texts[2] == "coördinaten zijn geen eindige getallen" and texts[4] == "geen geometrie (leeg/NULL)"
    assert "buiten het bereik van" in texts[1] and "buiten het bereik van" in texts[5]


def test_province_distance_zero_inside_and_on_the_border_measured_elsewhere():
    """check_in_province measures the distance only for points the prepared province does not hold: the same
    warnings, rejections and metres as measuring every point (inside, on an edge, on a vertex, near, far)."""
    import shapely

    prov = shapely.Polygon([(0, 0), (10000, 0), (10000, 10000), (0, 10000)])
    pts = [shapely.Point(5000, 5000), shapely.Point(10000, 5000), shapely.Point(0, 0), shapely.Point(10500, 5000),
           shapely.Point(13000, 5000), shapely.box(9000, 9000, 12500, 12500), shapely.box(11000, 0, 14000, 100), None,
           shapely.Point(1e-9, 5000), shapely.Point(-1e-9, 5000)]
    geoms = np.array(pts, dtype=object)
    frame = pd.DataFrame({"_row": range(1, len(pts) + 1), "_sid": list("abcdefghij")})
    rep = V.ValidationReport("bron")
    out = V.check_in_province(rep, frame, geoms, prov, "Proef", tolerance=2000)
    present = [g is not None for g in pts]
    dist = [shapely.distance(prov, shapely.point_on_surface(g)) if g is not None else None for g in pts]
    assert dist[:3] == [0.0, 0.0, 0.0] and dist[8] == 0.0 and dist[9] > 0
    assert out.tolist() == [p and d > 2000 and not (g.geom_type == "Polygon" and g.intersects(
        shapely.buffer(prov, -2000))) for p, d, g in zip(present, dist, pts)]
    border = {p.row: p.problem for p in rep.problems if p.severity == V.WAARSCHUWING}
    assert sorted(border) == [i + 1 for i, d in enumerate(dist) if d is not None and 0 < d <= 2000]
    # a point a hair outside is outside: never 'ligt 0 m buiten' (formatting.fmt_amount)
    assert border[4].startswith("ligt 500 m buiten") and border[10].startswith("ligt minder dan 1 m buiten")
    assert [p.row for p in rep.problems if p.severity == V.FOUT] == [5, 7]


def test_province_named_by_the_source_looked_up_once_per_name():
    import shapely

    prov = shapely.box(0, 0, 10, 10)
    geoms = np.array([shapely.Point(5, 5)] * 6, dtype=object)
    frame = pd.DataFrame({"_row": range(1, 7), "_sid": list("abcdef")})
    rep = V.ValidationReport("bron")
    out = V.check_in_province(rep, frame, geoms, prov, "Utrecht", province_code="PV26",
                              municipalities=np.array(["Utrecht", "Amsterdam", None, "Onbekendstad", "Amsterdam",
                                                       "Zeist"], dtype=object),
                              provinces=np.array([None, None, "Noord-Holland", "Utrecht", "Xyz", "Gelderland"],
                                                 dtype=object))
    assert out.tolist() == [False, True, True, False, True, True]
    assert [(p.row, p.field) for p in rep.problems] == [(2, "gemeente"), (5, "gemeente"), (3, "provincie"),
                                                        (6, "provincie")]
    assert "gemeente 'Amsterdam'" in rep.problems[0].problem and "provincie 'Gelderland'" in rep.problems[3].problem


def test_checks_leave_the_frame_they_were_given_as_it_was():
    """_prepare no longer copies the rows: a check with rejections, a prefix and repaired geometry must still not
    change a value or a column of the caller's frame (the runner checks it again after rejecting rows)."""
    import geopandas as gpd
    import shapely

    from pmiek_werkbank.layers import importers as I

    bowtie = shapely.Polygon([(136000, 456000), (136100, 456100), (136100, 456000), (136000, 456100)])
    frame = gpd.GeoDataFrame({"_row": [1, 2, 3, 4], "plan_id": [" a", "a", None, "d"],
                              "sector": ["wonen", "x", "wonen", "wonen"], "vraag_mw": ["1", "2", "veel", "3"]},
                             geometry=[bowtie, shapely.Point(1e7, 1e7), None, shapely.Point(136000, 456000)],
                             crs=28992, index=[5, 6, 7, 8])
    before = frame.copy()
    df, _resolved, _report = I._prepare(frame, "developments", None, "bron", opts={"source_prefix": "gem"})
    assert list(df.index) == [0, 1, 2, 3] and df["_sid"].tolist() == ["gem-a", "gem-a", None, "gem-d"]
    rep = V.ValidationReport("bron")
    I._geometry(rep, df, (V.POLY, V.POINT))
    pd.testing.assert_frame_equal(frame, before)
    assert list(frame.columns) == list(before.columns)


def test_a_distance_or_area_that_is_not_zero_never_reads_zero():
    """Limburg trial: a point 0.3 m over the border 'ligt 0 m buiten de grens'. Amounts with a unit go through
    formatting.fmt_amount (fmt_num): below what the decimals show they read 'minder dan 1 m'."""
    import shapely

    from pmiek_werkbank.formatting import fmt_amount

    assert [fmt_amount(v, "m") for v in (0, 0.3, 0.49, 0.5, 12.4, 133748.2, None)] == [
        "0 m", "minder dan 1 m", "minder dan 1 m", "1 m", "12 m", "133\u2009748 m", ""]
    assert fmt_amount(0.004, "ha", 2) == "minder dan 0,01 ha" and fmt_amount(0.35, "ha", 2) == "0,35 ha"

    prov = shapely.Polygon([(0, 0), (10000, 0), (10000, 10000), (0, 10000)])
    geoms = np.array([shapely.Point(10000.3, 5000), shapely.Point(12500.4, 5000)], dtype=object)
    frame = pd.DataFrame({"_row": [2, 3], "_sid": ["a", "b"]})
    rep = V.ValidationReport("bron")
    V.check_in_province(rep, frame, geoms, prov, "Proef", tolerance=2000)
    texts = {p.row: p.problem for p in rep.problems}
    assert texts[2].startswith("ligt minder dan 1 m buiten de (gegeneraliseerde) grens van Proef"), texts
    assert texts[3] == "ligt buiten de provincie Proef (2\u2009500 m van de grens; tolerantie 2\u2009000 m)", texts
