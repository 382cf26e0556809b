"""QGIS layers -> (Geo)DataFrames, fast.  qgis.core only (no widgets).

File-based OGR layers (GeoPackage, Shapefile, GeoJSON, CSV, XLSX ...) are read
directly through ``vector_io.read_frame`` (pyogrio, fiona or QGIS's own OGR, honouring the layer's subset filter);
other layers (memory, WFS, PostGIS, delimited text ...) feature by feature through ``vector_io.layer_frame``
(the same loop as vector_io's QGIS backend), so both give the same column types (dates ``datetime64[ms]``).  A column ``_row``
holds the row number users see in error messages (the feature id; for a CSV, XLSX or ODS file the spreadsheet row,
header = 1, as the table imports number it), ``_fid`` the source feature id.

Cancelling (``feedback.isCanceled()``) raises :class:`layers.importers.ImportCancelled`: a partly read layer
is never handed on, so an import either reads everything or writes nothing.
"""

import os

from qgis.core import QgsVectorLayer, QgsWkbTypes


def _ogr_parts(layer):
    """(path, layername or None, subset) for a file-based OGR layer, else None."""
    if layer.providerType() != "ogr":
        return None
    parts = layer.source().split("|")
    path = parts[0]
    if not os.path.isfile(path):
        return None
    layername = None
    subset = layer.subsetString() or None
    for p in parts[1:]:
        if p.startswith("layername="):
            layername = p[len("layername="):]
        elif p.startswith("layerid="):
            try:
                layername = int(p[len("layerid="):])
            except ValueError:
                return None
        elif p.startswith("subset="):
            subset = p[len("subset="):]
        elif p.startswith("geometrytype="):
            return None  # mixed-geometry split: let QGIS filter
    return path, layername, subset


def _is_csv(path):
    return path.lower().endswith((".csv", ".txt", ".tsv"))


def _csv_rows(path, layer, fids):
    """``(rows, blank)``: the spreadsheet rows (``ingest.reader.csv_rows``) of the features ``fids`` of a CSV read by
    GDAL (the fids when the file does not give them all) and the rows of the empty lines GDAL skipped."""
    import re

    from ..ingest.reader import csv_rows

    names = [f.name() for f in layer.fields()] if hasattr(layer, "fields") else []
    header = not (names and all(re.fullmatch(r"field_\d+", n) for n in names))  # GDAL: no header line
    got = csv_rows(path, header=header)
    if got is None or any(not 1 <= f <= len(got[0]) for f in fids):
        return fids, []
    return [got[0][f - 1] for f in fids], got[1]


def _check_cancel(feedback, source):
    if feedback is not None and feedback.isCanceled():
        from ..ingest.errors import ImportCancelled

        raise ImportCancelled(source)


def layer_to_frame(layer, feedback=None):
    """A QgsVectorLayer (or another QgsFeatureSource) as a (Geo)DataFrame.

    Spatial layers give a GeoDataFrame in the layer's CRS; tables a DataFrame.  Raises
    ``ImportCancelled`` when the feedback is cancelled before or during the read (never partial data).
    """
    name = layer.name() if hasattr(layer, "name") else "bron"
    _check_cancel(feedback, name)

    parts = _ogr_parts(layer) if isinstance(layer, QgsVectorLayer) else None
    # Not layer.isSpatial(): QGIS 3.22 calls a GeometryCollection layer non-spatial, but its rows do have
    # geometries (the validation then reports their type per row).
    spatial = QgsWkbTypes.geometryType(layer.wkbType()) != QgsWkbTypes.GeometryType.NullGeometry
    if parts is not None:
        from ..vector_io import read_frame

        path, layername, subset = parts
        # no layer chosen: the first, as QGIS opened it (named by index: pyogrio's English warning about the others
        # is replaced by the import's own, see the end)
        df = read_frame(path, layer=layername if layername is not None else 0, where=subset, fid_as_index=True,
                        read_geometry=spatial)
    else:
        from ..vector_io import layer_frame

        df = layer_frame(layer, read_geometry=spatial, fid_as_index=True, check=lambda: _check_cancel(feedback, name))
    has_fids = df.index.name == "fid"
    fids = df.index.to_numpy() if has_fids else list(range(len(df)))
    df = df.reset_index(drop=True)
    df.insert(0, "_fid", fids)
    # the row a report names is the feature id users see in QGIS (identify, attribute table), as the import's
    # reader gives it for a file (ingest.reader.read_vector): not the position, which differs from it in a GeoJSON
    # (fids from 0) or a GeoPackage with gaps.  A table file (CSV, XLSX, ODS) is named by the row a user finds in
    # it, its spreadsheet row as the table imports number it (ingest.reader.read_table): GDAL's XLSX/ODS feature
    # id is that row already, its CSV feature id counts the records after the header, without empty lines
    rows = [int(f) for f in fids] if has_fids else list(range(1, len(df) + 1))
    blank = []
    if parts is not None and has_fids and _is_csv(parts[0]):
        rows, blank = _csv_rows(parts[0], layer, rows)
    df.insert(0, "_row", rows)
    if blank:  # skipped as every import skips an empty row (ingest.reader.drop_empty_rows), and said so
        from ..ingest.reader import EMPTY_ROWS

        df.attrs[EMPTY_ROWS] = list(blank)
    if spatial and getattr(df, "crs", None) is None and layer.sourceCrs().isValid():
        df = df.set_crs(layer.sourceCrs().toWkt(), allow_override=True)
    if parts is not None and parts[1] is None and not _is_csv(parts[0]):
        unchosen = _unchosen_layers(parts[0])
        if unchosen:  # the file's first layer was read: the import says which others it did not read
            from ..ingest.reader import UNCHOSEN_LAYERS

            df.attrs[UNCHOSEN_LAYERS] = unchosen
    _check_cancel(feedback, name)
    return df


def _unchosen_layers(path):
    """(first layer, [other layers]) of a file of several layers (a saved-styles table is no layer), else None."""
    from ..ingest.reader import STYLES_TABLE
    from ..vector_io import list_layers

    try:
        names = [n for n in list_layers(path) if n != STYLES_TABLE]
    except Exception:  # noqa: BLE001 - GDAL gives many error types; the read itself already succeeded
        return None
    return (names[0], names[1:], names[1:]) if len(names) > 1 else None  # a layer is data: said in any case
