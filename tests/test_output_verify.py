"""Safe writes for Processing outputs: a file output whose commit fails when its sink is closed (a full disk: the
GeoPackage's COMMIT fails in the sink's destructor, which QGIS reports to nobody) must not end in "success"
(provider.base.close_output / verify_output)."""

import os
import sqlite3

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLE = os.path.join(ROOT, "resources", "sample", "voorbeeld_werkbank.gpkg")

_BALANCE_WITH_A_FILE_LIMIT = """
    import os, resource, signal, sys
    limit = int(sys.argv[3])
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG) instead of killing us
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    from qgis.core import QgsApplication, QgsProcessingException
    app = QgsApplication([], False)
    app.initQgis()
    from processing.core.Processing import Processing
    Processing.initialize()
    from pmiek_werkbank.provider.provider import PmiekProvider
    provider = PmiekProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    import processing
    try:
        processing.run("pmiek:capacitybalance", {"WERKBANK": sys.argv[1], "LEVEL": 0, "OUTPUT": sys.argv[2]})
        print("RESULT=ok")
    except QgsProcessingException as e:
        print("RESULT=error " + str(e))
"""


def _balance_with_a_file_limit(werkbank, out, limit):
    from helpers import run_child

    r = run_child(_BALANCE_WITH_A_FILE_LIMIT, werkbank, out, str(limit))
    lines = [line for line in r.stdout.splitlines() if line.startswith("RESULT=")]
    assert lines, "geen uitkomst (returncode {}):\n{}".format(r.returncode, r.stderr[-3000:])
    return lines[-1][len("RESULT="):]


def _rows(path):
    """Rows of the output's feature table, None when the file holds none."""
    if not os.path.exists(path):
        return None
    con = sqlite3.connect(path)
    try:
        tables = [t for (t,) in con.execute("SELECT table_name FROM gpkg_contents WHERE data_type = 'features'")]
        return con.execute('SELECT count(*) FROM "{}"'.format(tables[0])).fetchone()[0] if tables else None
    except sqlite3.Error:
        return None
    finally:
        con.close()


def test_a_balance_output_that_the_disk_cannot_hold_is_never_reported_as_written(tmp_path):
    """The balance of the sample written to a GeoPackage while the file may not grow past a limit (as on a full
    disk), for limits from roomy to too small: every run either stops with the Dutch message or leaves the whole
    output (one row per station and horizon year), never "success" over a missing or partial layer; the smallest
    limits do stop.  Before close_output, a commit that failed in the sink's destructor was reported as success."""
    werkbank = str(tmp_path / "werkbank.gpkg")
    with open(SAMPLE, "rb") as src, open(werkbank, "wb") as dst:
        dst.write(src.read())
    con = sqlite3.connect(werkbank)
    try:
        expected = con.execute("SELECT count(DISTINCT station_id) FROM stations").fetchone()[0] * 3
    finally:
        con.close()
    outcomes = []
    for limit in (4 << 20, 96 << 10, 88 << 10, 80 << 10, 72 << 10, 64 << 10):
        out = str(tmp_path / "balans_{}.gpkg".format(limit))
        result = _balance_with_a_file_limit(werkbank, out, limit)
        rows = _rows(out)
        outcomes.append((limit, result[:60], rows))
        if result == "ok":
            assert rows == expected, outcomes  # reported written: then all of it is there
        else:
            assert result.startswith("error OUTPUT: de uitvoer"), outcomes
            assert "Het algoritme is gestopt" in result and rows != expected, outcomes
    assert outcomes[0][1] == "ok", outcomes  # room enough: written as usual
    assert any(r.startswith("error") for _l, r, _n in outcomes), outcomes  # too small: stopped, not "success"


def test_verify_output_reads_the_destination_back(tmp_path, pmiek_provider):
    """verify_output: a file with the layer and every row (or more: appended) passes; a file without the layer, with
    fewer rows, or missing altogether stops with the output's name; a temporary layer is counted in the context's
    store; a database URI is left alone."""
    from qgis.core import (QgsCoordinateReferenceSystem, QgsCoordinateTransformContext, QgsFeature, QgsFields,
                           QgsProcessingContext, QgsProcessingException, QgsVectorFileWriter, QgsVectorLayer,
                           QgsWkbTypes)

    from pmiek_werkbank.layers.fieldtypes import make_field
    from pmiek_werkbank.provider.base import verify_output

    context = QgsProcessingContext()
    fields = QgsFields()
    fields.append(make_field("n", "int"))
    path = str(tmp_path / "uit.gpkg")
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = "uit"
    writer = QgsVectorFileWriter.create(path, fields, QgsWkbTypes.Type.NoGeometry, QgsCoordinateReferenceSystem(),
                                        QgsCoordinateTransformContext(), options)
    for k in range(3):
        f = QgsFeature(fields)
        f.setAttributes([k])
        writer.addFeature(f)
    del writer
    verify_output(path, 3, "OUTPUT", context)
    verify_output(path + "|layername=uit", 3, "OUTPUT", context)
    verify_output(path, 2, "OUTPUT", context)  # appended to a layer that held a row already
    with pytest.raises(QgsProcessingException, match=r"^OUTPUT: de uitvoer is niet volledig opgeslagen .*"
                                                     r"\(3 van de 5 rijen bij het teruglezen\)"):
        verify_output(path, 5, "OUTPUT", context)
    con = sqlite3.connect(path)
    con.execute("DROP TABLE uit")
    con.execute("DELETE FROM gpkg_contents WHERE table_name = 'uit'")
    con.commit()
    con.close()
    with pytest.raises(QgsProcessingException, match=r"^TABLE: .*\(geen laag bij het teruglezen\)"):
        verify_output(path + "|layername=uit", 3, "TABLE", context)
    with pytest.raises(QgsProcessingException, match=r"^OUTPUT: het uitvoerbestand .* bestaat niet"):
        verify_output(str(tmp_path / "nergens.gpkg"), 3, "OUTPUT", context)
    memory = QgsVectorLayer("None?field=n:integer", "tijdelijk", "memory")
    f = QgsFeature(memory.fields())
    f.setAttributes([1])
    memory.dataProvider().addFeatures([f])
    context.temporaryLayerStore().addMapLayer(memory)
    verify_output(memory.id(), 1, "OUTPUT", context)
    with pytest.raises(QgsProcessingException, match=r"\(1 van de 2 rijen"):
        verify_output(memory.id(), 2, "OUTPUT", context)
    verify_output("postgres://dbname=x table=uit", 9, "OUTPUT", context)  # not read back: as QGIS leaves it
    verify_output("dbname='x' table=\"public\".\"uit\"", 9, "OUTPUT", context)
