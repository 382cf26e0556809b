"""A station without known capacity has status onbekend (''), not ruim/krap/tekort; 0 MW is known capacity.

Hand-made werkbank (EPSG:28992, relative to (OX, OY), fictief voorbeeld), zichtjaren 2025 and 2030, krap 10 %::

    station  capacity rows (afname/teruglevering MW)   development (vraag, 2025)   knooppunt
    SA       none (the rows were rejected on import)    DA 2 MW                     K1
    SZ       2025: 0 / 0                                DZ 1 MW                     K2
    SK       2025: 10 / empty                           DK 4 MW                     -
    SL       2030: 8 / 8 (nothing for 2025)             DL 3 MW                     -
    project  PA at SA, IBN 2030, +5 MW afname (opgenomen): capacity added, the limit still unknown

Expected (afname status / teruglevering status):
    SA  2025 '' / ''   2030 '' / ''   (capacity_note "geen capaciteit bekend t/m 2025" / "... t/m 2030")
    SZ  2025 tekort (0 - 1 = -1) / ruim (0 - 0)   2030 the same (row of 2025)
    SK  2025 ruim (10 - 4 = 6 >= 1) / ''          2030 the same
    SL  2025 '' / ''                              2030 ruim (8 - 3 = 5) / ruim (8 - 0)
    K1 (served by SA) '' / '' both years;  K2 (served by SZ) tekort / ruim both years.
"""

import pytest
from conftest import run_alg

OX, OY = 150000, 450000
YEARS = [2025, 2030]


def _write(wb):
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import Point, box

    crs = "EPSG:28992"
    stations = gpd.GeoDataFrame(
        {"station_id": ["SA", "SZ", "SK", "SL"], "name": ["Station A", "Station Nul", "Station K", "Station L"]},
        geometry=[Point(OX + x, OY) for x in (0, 5000, 10000, 15000)], crs=crs)
    cap = pd.DataFrame([("SZ", 2025, 0.0, 0.0), ("SK", 2025, 10.0, None), ("SL", 2030, 8.0, 8.0)],
                       columns=["station_id", "year", "afname_mw", "teruglevering_mw"])
    devs = gpd.GeoDataFrame({
        "dev_id": ["DA", "DZ", "DK", "DL"], "name": ["Wijk A", "Wijk Nul", "Wijk K", "Wijk L"],
        "sector": ["wonen"] * 4, "year_ready": [2025] * 4, "demand_mw": [2.0, 1.0, 4.0, 3.0],
        "supply_mw": [0.0] * 4, "station_id": ["SA", "SZ", "SK", "SL"],
    }, geometry=[Point(OX + x + 100, OY + 100) for x in (0, 5000, 10000, 15000)], crs=crs)
    kps = gpd.GeoDataFrame({"knooppunt_id": ["K1", "K2"], "name": ["Knooppunt A", "Knooppunt Nul"]},
                           geometry=[box(OX - 1000, OY - 1000, OX + 1000, OY + 1000),
                                     box(OX + 4000, OY - 1000, OX + 6000, OY + 1000)], crs=crs)
    projects = gpd.GeoDataFrame(pd.DataFrame([
        ("PA", "Uitbreiding A", "hs_ms_station", "SA", None, 2030, 5.0, 0.0, "opgenomen")],
        columns=["project_id", "name", "type_infra", "station_id", "knooppunt_id", "ibn_year", "capacity_afname_mw",
                 "capacity_teruglevering_mw", "status"]), geometry=[Point(OX + 50, OY)], crs=crs)
    with wb.transaction():
        wb.write_frame("stations", stations)
        wb.write_frame("station_capacity", cap, mode="insert")
        wb.write_frame("developments", devs)
        wb.write_frame("knooppunten", kps)
        wb.write_frame("projects", projects)


EXPECTED_STATIONS = {
    ("SA", 2025): ("", ""), ("SA", 2030): ("", ""),
    ("SZ", 2025): ("tekort", "ruim"), ("SZ", 2030): ("tekort", "ruim"),
    ("SK", 2025): ("ruim", ""), ("SK", 2030): ("ruim", ""),
    ("SL", 2025): ("", ""), ("SL", 2030): ("ruim", "ruim"),
}
EXPECTED_KNOOPPUNTEN = {("K1", 2025): ("", ""), ("K1", 2030): ("", ""),
                        ("K2", 2025): ("tekort", "ruim"), ("K2", 2030): ("tekort", "ruim")}


def _statuses(frame):
    return {(r.unit_id, int(r.year)): (r.status or "", r.supply_status or "") for r in frame.itertuples()}


@pytest.fixture
def unknown_wb(werkbank, werkbank_path):
    _write(werkbank)
    return werkbank


def test_model_status_unknown_without_capacity(unknown_wb):
    from pmiek_werkbank.knooppunten.balance import UNKNOWN, BalanceModel

    assert UNKNOWN == ""
    m = BalanceModel.from_werkbank(unknown_wb, years=YEARS, krap_pct=10)
    st = m.station_table()
    assert _statuses(st) == EXPECTED_STATIONS
    sa = st[st["unit_id"] == "SA"].sort_values("year")
    assert list(sa["capacity_note"]) == ["geen capaciteit bekend t/m 2025", "geen capaciteit bekend t/m 2030"]
    assert list(sa["capacity_mw"]) == [0.0, 5.0]  # the project's 5 MW counts; the limit stays unknown
    assert sa["first_shortage_year"].isna().all()  # onbekend is no shortage
    sz = st[st["unit_id"] == "SZ"].sort_values("year")
    assert list(sz["first_shortage_year"]) == [2025, 2025]
    assert _statuses(m.knooppunt_table()) == EXPECTED_KNOOPPUNTEN
    # the incremental path gives the same: switch the project off and on again
    m.set_whatif("PA", False)
    m.set_whatif("PA", None)
    assert _statuses(m.station_table()) == EXPECTED_STATIONS
    assert _statuses(m.knooppunt_table()) == EXPECTED_KNOOPPUNTEN


def test_algorithm_output_and_facts_take_the_status(pmiek_provider, unknown_wb, werkbank_path, tmp_path):
    import geopandas as gpd

    from pmiek_werkbank.programme.facts import programme_facts

    for level, expected in ((0, EXPECTED_STATIONS), (1, EXPECTED_KNOOPPUNTEN)):
        out = str(tmp_path / "balans_{}.gpkg".format(level))
        run_alg("pmiek:capacitybalance", {"WERKBANK": werkbank_path, "LEVEL": level, "YEARS": "2025,2030",
                                          "KRAP_PCT": 10, "OUTPUT": out})
        back = gpd.read_file(out)
        # the layer writes 'onbekend' where the model says '' (a filter status = 'onbekend' finds it)
        assert _statuses(back) == {k: tuple(s or "onbekend" for s in v) for k, v in expected.items()}, level
        if level == 0:  # no numbers made from a 0 MW stand-in: capacity and balance NULL where unknown
            sa = back[(back["unit_id"] == "SA") & (back["year"] == 2025)].iloc[0]
            assert sa["capacity_mw"] != sa["capacity_mw"] and sa["balance_mw"] != sa["balance_mw"]  # NaN
            assert sa["demand_mw"] == 2
            sk = back[(back["unit_id"] == "SK") & (back["year"] == 2025)].iloc[0]
            assert (sk["capacity_mw"], sk["balance_mw"]) == (10, 6)
            assert sk["supply_capacity_mw"] != sk["supply_capacity_mw"]
            sz = back[(back["unit_id"] == "SZ") & (back["year"] == 2025)].iloc[0]
            assert (sz["capacity_mw"], sz["balance_mw"]) == (0, -1)  # a known 0 MW limit
    # fiche, lists and web atlas read the station rows of the programme facts: the same statuses
    facts = programme_facts(unknown_wb, include_confidential=True)
    rows = {r["year"]: r for r in facts.station_rows("SA")}
    assert [(rows[y]["status"], rows[y]["supply_status"], rows[y]["summary_status"]) for y in YEARS] == [
        ("", "", "")] * 2
    rows = {r["year"]: r for r in facts.station_rows("SZ")}
    assert [rows[y]["summary_status"] for y in YEARS] == ["tekort", "tekort"]
    # SK: afname ruim, teruglevering unknown -> the summary is onbekend, not ruim; SL: 2025 unknown, 2030 ruim
    rows = {r["year"]: r for r in facts.station_rows("SK")}
    assert [rows[y]["summary_status"] for y in YEARS] == ["", ""]
    # the rows every output reads hold no capacity or balance where the limit is not known (the one place of that
    # rule besides the layers; the web atlas blanked them itself): SK afname known (10, balance 6), teruglevering not
    assert [(rows[y]["afname_mw"], rows[y]["balance_afname_mw"]) for y in YEARS] == [(10, 6)] * 2
    assert [(rows[y]["teruglevering_mw"], rows[y]["balance_teruglevering_mw"]) for y in YEARS] == [(None, None)] * 2
    assert [rows[y]["demand_mw"] for y in YEARS] == [4, 4]  # demand stays
    sa = facts.station_rows("SA")
    assert all(r["afname_mw"] is None and r["balance_afname_mw"] is None for r in sa)
    rows = {r["year"]: r for r in facts.station_rows("SL")}
    assert [rows[y]["summary_status"] for y in YEARS] == ["", "ruim"]
    from pmiek_werkbank.export.context import station_status

    assert station_status(facts.station_rows("SL")) == ""  # over the horizon years: not ruim while 2025 is unknown


def test_worse_ranks_onbekend_between_krap_and_ruim():
    from pmiek_werkbank.programme.facts import worse

    assert worse("ruim", "") == worse("", "ruim") == worse(None, "ruim") == ""
    assert worse("krap", "") == "krap" and worse("", "tekort") == "tekort" and worse("ruim", "ruim") == "ruim"
    assert worse() == "" and worse("ruim") == "ruim" and worse("ruim", "krap", "tekort") == "tekort"


def test_algorithm_summary_counts_the_unknown(pmiek_provider, unknown_wb, werkbank_path):
    from test_balance_algs import _log

    # afname: tekort SZ 2025, 2030; onbekend SA 2025, 2030, SL 2025; teruglevering onbekend SA x2, SK x2, SL 2025
    texts = _log("pmiek:capacitybalance", {"WERKBANK": werkbank_path, "LEVEL": 0, "YEARS": "2025,2030",
                                           "KRAP_PCT": 10, "OUTPUT": "TEMPORARY_OUTPUT"})
    assert ("4 stations × 2 zichtjaren; tekort afname in 2, teruglevering in 0 gevallen; geen capaciteit bekend "
            "(status onbekend): afname in 3, teruglevering in 5 gevallen.") in texts


def test_unserved_at_an_unknown_limit_is_not_a_shortage_of_zero(unknown_wb):
    """DA (2 MW, 2025) at SA, whose limit is unknown, and DL (3 MW, 2025) at SL (first known limit 2030) are listed
    as not known to be servable, without a capacity or shortfall made from 0 MW; DZ (1 MW) at SZ, whose limit is a
    known 0 MW, is a shortage of 1 MW."""
    import math

    from pmiek_werkbank.knooppunten.balance import UNSERVED_SHORT, UNSERVED_UNKNOWN, BalanceModel

    u = BalanceModel.from_werkbank(unknown_wb, years=YEARS).unserved()
    got = {r.dev_id: r for r in u[u["direction"] == "afname"].itertuples()}
    assert set(got) == {"DA", "DZ", "DL"}
    assert got["DZ"].reason == UNSERVED_SHORT and got["DZ"].capacity_mw == 0 and got["DZ"].shortfall_mw == 1
    for dev in ("DA", "DL"):
        assert got[dev].reason == UNSERVED_UNKNOWN, dev
        assert math.isnan(got[dev].capacity_mw) and math.isnan(got[dev].shortfall_mw)
    assert got["DL"].served_from_year == 2030  # 8 MW from 2030


def test_algorithm_log_names_unserved_in_dutch_with_their_reason(pmiek_provider, unknown_wb, werkbank_path):
    from test_balance_algs import _log

    texts = _log("pmiek:capacitybalance", {"WERKBANK": werkbank_path, "LEVEL": 0, "YEARS": "2025,2030",
                                           "KRAP_PCT": 10, "OUTPUT": "TEMPORARY_OUTPUT"})
    lines = [t for t in texts if t.startswith("Niet tijdig te bedienen: DA ")]
    assert lines == ["Niet tijdig te bedienen: DA (Wijk A, 2 MW afname, gereed 2025; capaciteit station onbekend in "
                     "het jaar van gereedkomen)."], texts


def test_fiche_says_onbekend_not_zero_mw(unknown_wb, qgis_app):
    """The fiche of PA (station SA, no known limit) printed 'Capaciteit 0 MW' and a balance from it: now the
    capacity reads 'onbekend', the balance '–' and the badge 'Onbekend'; a known station keeps its numbers."""
    import re

    from pmiek_werkbank.export import html as H
    from pmiek_werkbank.export.context import gather

    data = gather(unknown_wb)
    p = [x for x in data.projects if x["project_id"] == "PA"][0]
    assert p["balance_computed"] and p["balance_status"] == "" and p["balance_status_label"] == "Onbekend"
    html = H.fiche_html(p, data.footer, mode="html")
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "Station A · Onbekend (afname onbekend, teruglevering onbekend)" in text, text
    assert "2025 onbekend 2 MW – Onbekend onbekend 0 MW – Onbekend" in text, text
    assert "<b>Station A</b>" in html  # the name already says 'Station': not 'Station Station A'


def test_web_atlas_station_figures_say_onbekend_not_zero(unknown_wb):
    from pmiek_werkbank.export.webatlas.data import _capacity_rows, stations
    from pmiek_werkbank.programme.facts import programme_facts

    facts = programme_facts(unknown_wb, include_confidential=True)
    by = {s["id"]: s for s in stations(unknown_wb, facts, _capacity_rows(unknown_wb))}
    assert by["SA"]["years"]["2025"]["v"] == "|2|||0|"  # capacities and balances unknown; demand 2, supply 0 MW
    assert by["SK"]["years"]["2025"]["v"] == "10|4|6||0|"  # afname known (10 - 4), teruglevering unknown
    assert by["SZ"]["years"]["2025"]["v"] == "0|1|-1|0|0|0"  # a known 0 MW limit stays 0


def test_balance_dock_cells_say_onbekend(qgis_iface, session, unknown_wb, werkbank_path):
    """The dock showed SA's balance as '-2' (0 MW stand-in minus 2 MW): an unknown limit reads 'onbekend', grey."""
    from qgis.PyQt.QtCore import Qt

    from pmiek_werkbank.dialogs.balance_dock import BalanceDock
    from pmiek_werkbank.knooppunten.balance import MAP_STATUS_COLOURS

    session.set_werkbank(werkbank_path)
    b = BalanceDock(qgis_iface, session)
    try:
        b.years.setText("2025,2030")
        b.apply_settings()
        rows = {b.table.item(i, 0).data(Qt.ItemDataRole.UserRole): i for i in range(b.table.rowCount())}
        sa, sz = rows["SA"], rows["SZ"]
        assert [b.table.item(sa, j).text() for j in (1, 2)] == ["onbekend", "onbekend"]
        assert b.table.item(sa, 1).background().color().name() == MAP_STATUS_COLOURS[""]
        assert "capaciteit onbekend" in b.table.item(sa, 1).toolTip()
        assert [b.table.item(sz, j).text() for j in (1, 2)] == ["-1", "-1"]  # a known 0 MW limit
        # the map layer: SA reads 'onbekend' and is drawn with the grey category (not left without a symbol)
        from qgis.core import QgsRenderContext

        feats = {f["unit_id"]: f for f in b.layer.getFeatures()}
        assert feats["SA"]["status"] == "onbekend" and feats["SZ"]["status"] == "tekort"
        renderer = b.layer.renderer().clone()
        ctx = QgsRenderContext()
        renderer.startRender(ctx, b.layer.fields())
        try:
            sym = renderer.symbolForFeature(feats["SA"], ctx)
            assert sym is not None and sym.color().name() == MAP_STATUS_COLOURS[""]
        finally:
            renderer.stopRender(ctx)
    finally:
        b.cleanup()
        b.deleteLater()


def test_variant_maps_say_onbekend_not_zero(qgis_iface, session, pmiek_provider, unknown_wb, werkbank_path, tmp_path):
    """The variant map (rounds dock layer and comparevariants OUTPUT_MAP) wrote SA's 0 MW stand-in as its capacity
    and a balance of -2 MW with an empty status, which the dock's palette (ruim/krap/tekort) drew with no symbol at
    all: now the same rule as the balance layer (knooppunten.balance.blank_unknown_limits): capacity and balance
    empty, status 'onbekend', drawn grey and labelled 'Onbekend'."""
    from qgis.core import QgsProject, QgsRenderContext, QgsVectorLayer

    from pmiek_werkbank.dialogs.rounds_dock import RoundsDock
    from pmiek_werkbank.knooppunten.balance import MAP_STATUS_COLOURS
    from pmiek_werkbank.programme.variants import compare_variants, define_variant, variant_map_frame

    define_variant(unknown_wb, "Met A", ["PA"])
    _table, results = compare_variants(unknown_wb, None, YEARS)
    gdf = variant_map_frame(unknown_wb, results)
    sa = gdf[(gdf["unit_id"] == "SA") & (gdf["year"] == 2030)].iloc[0]
    assert sa["status"] == "onbekend" and sa["capacity_mw"] != sa["capacity_mw"] and sa["balance_mw"] != sa["balance_mw"]
    assert sa["demand_mw"] == 2.0
    sz = gdf[(gdf["unit_id"] == "SZ") & (gdf["year"] == 2025)].iloc[0]
    assert (sz["status"], sz["capacity_mw"], sz["balance_mw"]) == ("tekort", 0.0, -1.0)  # a known 0 MW limit

    session.set_werkbank(werkbank_path)
    dock = RoundsDock(qgis_iface, session, qgis_iface.mainWindow())
    try:
        dock.compare_variants(years=YEARS)
        layer = QgsProject.instance().mapLayer(dock._layer_ids[0])
        feats = {(f["unit_id"], f["year"]): f for f in layer.getFeatures()}
        f = feats[("SA", 2030)]
        assert f["status"] == "onbekend" and _null(f["capacity_mw"]) and _null(f["balance_mw"])
        renderer = layer.renderer().clone()
        ctx = QgsRenderContext()
        renderer.startRender(ctx, layer.fields())
        try:
            sym = renderer.symbolForFeature(f, ctx)
            assert sym is not None and sym.color().name() == MAP_STATUS_COLOURS[""]
        finally:
            renderer.stopRender(ctx)
        labels = {c.value(): c.label() for c in layer.renderer().categories()}
        assert labels == {"ruim": "Ruim", "krap": "Krap", "tekort": "Tekort", "onbekend": "Onbekend"}
    finally:
        dock._remove_layers()
        dock.cleanup()
        dock.deleteLater()

    out = str(tmp_path / "varianten.gpkg")
    run_alg("pmiek:comparevariants", {"WERKBANK": werkbank_path, "YEARS": "2025,2030",
                                      "OUTPUT": str(tmp_path / "vergelijking.csv"), "OUTPUT_MAP": out})
    layer = QgsVectorLayer(out, "kaart", "ogr")
    got = {(f["unit_id"], f["year"]): (f["status"], f["capacity_mw"], f["balance_mw"]) for f in layer.getFeatures()}
    status, cap, bal = got[("SA", 2030)]
    assert status == "onbekend" and _null(cap) and _null(bal)
    assert got[("SZ", 2025)] == ("tekort", 0.0, -1.0)


def _null(v):
    return v is None or (hasattr(v, "isNull") and v.isNull())


def test_loaded_balance_output_is_drawn_by_status(pmiek_provider, unknown_wb, werkbank_path):
    """Run from the toolbox, the balance came into the map as one random colour for all stations; the output QGIS
    loads at the end now has the balance layer's palette, onbekend grey (the post-processor QGIS calls on it)."""
    from qgis.core import (
        QgsApplication,
        QgsProcessingContext,
        QgsProcessingFeedback,
        QgsProcessingOutputLayerDefinition,
        QgsProcessingUtils,
        QgsProject,
        QgsRenderContext,
    )

    from pmiek_werkbank.knooppunten.balance import MAP_STATUS_COLOURS

    ctx = QgsProcessingContext()
    ctx.setProject(QgsProject.instance())
    feedback = QgsProcessingFeedback()
    out = QgsProcessingOutputLayerDefinition("TEMPORARY_OUTPUT", QgsProject.instance())  # 'open output file'
    alg = QgsApplication.processingRegistry().createAlgorithmById("pmiek:capacitybalance")
    res, ok = alg.run({"WERKBANK": werkbank_path, "YEARS": "2025,2030", "OUTPUT": out}, ctx, feedback)
    assert ok
    assert ctx.willLoadLayerOnCompletion(res["OUTPUT"])
    processor = ctx.layerToLoadOnCompletionDetails(res["OUTPUT"]).postProcessor()
    assert processor is not None
    layer = QgsProcessingUtils.mapLayerFromString(res["OUTPUT"], ctx)
    assert layer.renderer().type() != "categorizedSymbol"  # as written, before QGIS loads it
    processor.postProcessLayer(layer, ctx, feedback)
    assert layer.renderer().type() == "categorizedSymbol"
    feats = {(f["unit_id"], f["year"]): f for f in layer.getFeatures()}
    renderer = layer.renderer().clone()
    rctx = QgsRenderContext()
    renderer.startRender(rctx, layer.fields())
    try:
        for key, status in ((("SA", 2025), ""), (("SZ", 2025), "tekort"), (("SK", 2025), "ruim")):
            sym = renderer.symbolForFeature(feats[key], rctx)
            assert sym is not None and sym.color().name() == MAP_STATUS_COLOURS[status], key
    finally:
        renderer.stopRender(rctx)


def test_balance_layer_fields_read_as_the_dock_says_them(qgis_iface, session, unknown_wb, werkbank_path):
    """QGIS 3.40 desktop trial F12: the identify panel showed the balance layer as 'balance_mw -82,31605' and
    'status tekort'; it now shows Dutch names, MW to one decimal and the status labels."""
    from qgis.core import QgsApplication

    from pmiek_werkbank.dialogs.balance_dock import BalanceDock

    session.set_werkbank(werkbank_path)
    b = BalanceDock(qgis_iface, session)
    try:
        b.years.setText("2025,2030")
        b.apply_settings()
        layer = b.layer
        fields = layer.fields()

        def shown(name, value):
            i = fields.indexOf(name)
            setup = layer.editorWidgetSetup(i)
            formatter = QgsApplication.fieldFormatterRegistry().fieldFormatter(setup.type())
            return formatter.representValue(layer, i, setup.config(), None, value)

        assert layer.attributeDisplayName(fields.indexOf("balance_mw")) == "Balans afname (MW)"
        assert shown("balance_mw", -82.31605).replace(",", ".") == "-82.3"
        assert shown("status", "tekort") == "Tekort" and shown("status", "onbekend") == "Onbekend"
        assert shown("supply_status", "ruim") == "Ruim"
    finally:
        b.cleanup()
        b.deleteLater()
