"""The one place that reads and writes vector files (GeoPackage, Shapefile, GeoJSON, CSV, XLSX, ODS ...).

Three backends, chosen at call time (:func:`backend`): pyogrio when it can be imported (fast, vectorised),
else fiona, else QGIS's own OGR provider (``qgis.core``: ``QgsVectorLayer`` to read, ``QgsVectorFileWriter`` to
write; imported inside the functions, so this module stays importable without QGIS).  The environment
variable ``PMIEK_VECTOR_IO=pyogrio|fiona|qgis`` forces one (tests, and to compare them).

All three give the same frame for the same file: the same columns in file order, ``geometry`` last (a
``GeoDataFrame`` with the layer's CRS; a plain ``DataFrame`` for a table or ``read_geometry=False``), rows
in the file's feature order, the OGR feature ids as index ``fid`` with ``fid_as_index=True`` (the ids QGIS
shows), NULLs as NA.  Column types are normalised after every backend the way pyogrio reads them, except
that integers are always int64:

- integer and boolean fields: ``int64`` / ``bool``, or ``float64`` with NaN when the rows read hold a NULL;
- real fields ``float64``; text ``object`` (``None`` for NULL); date and date-time fields ``datetime64[ms]``
  (NaT for NULL), ``datetime64[ms, UTC]`` when the file stores a time zone.

``where`` is an OGR attribute filter (the layer's subset string in QGIS), applied by GDAL in every backend.
The QGIS backend loops over features in Python; it is the fall-back for a QGIS without pyogrio and fiona.
:func:`layer_frame` gives the same frame for any QGIS layer (memory, PostGIS, WFS ...) through that loop.
"""

import importlib.util
import os

BACKENDS = ("pyogrio", "fiona", "qgis")
ENV = "PMIEK_VECTOR_IO"


class VectorIOError(RuntimeError):
    """A file could not be read or written (the message names it; GDAL's reason in Dutch context)."""


def _importable(mod):
    try:
        return importlib.util.find_spec(mod) is not None
    except (ImportError, ValueError):  # hidden with sys.modules[mod] = None, or broken
        return False


def _qgis_available():
    return _importable("qgis") and _importable("qgis.core")


def available_backends():
    """The backends usable in this Python, in order of preference."""
    out = [b for b in ("pyogrio", "fiona") if _importable(b)]
    if _qgis_available():
        out.append("qgis")
    return out


def backend(name=None):
    """The backend a read or write uses now: ``name``, else ``$PMIEK_VECTOR_IO``, else the first available.

    Raises :class:`VectorIOError` when the forced one, or every one, is unavailable.
    """
    forced = name or os.environ.get(ENV, "").strip().lower() or None
    if forced:
        if forced not in BACKENDS:
            raise VectorIOError("Onbekende lees/schrijfmodule {!r} (kies uit {}).".format(forced, ", ".join(BACKENDS)))
        if forced not in available_backends():
            raise VectorIOError("De lees/schrijfmodule {} is niet beschikbaar in deze Python.".format(forced))
        return forced
    avail = available_backends()
    if not avail:
        raise VectorIOError("Geen module om bestanden te lezen: installeer pyogrio of fiona, of gebruik de "
                            "Python van QGIS.")
    return avail[0]


# ---- reading ------------------------------------------------------------------------------------

def read_frame(path, layer=None, columns=None, where=None, read_geometry=True, fid_as_index=False, engine=None):
    """A vector layer or table as a (Geo)DataFrame (see the module text for what every backend gives).

    ``layer``: name or 0-based index (default the first); ``columns``: the fields to read (file order is
    kept); ``where``: an OGR attribute filter; ``fid_as_index``: the feature ids as index ``fid``.
    """
    path = str(path)
    which = backend(engine)
    if which == "pyogrio":
        import pyogrio

        df = pyogrio.read_dataframe(path, layer=layer, columns=columns, where=where, read_geometry=read_geometry,
                                    fid_as_index=fid_as_index)
        kinds = {c: None for c in df.columns if c != "geometry"}
        if getattr(df, "crs", None) is not None and _defined(df.crs.to_wkt()) is None:
            df = df.set_crs(None, allow_override=True)
    else:
        reader = _read_fiona if which == "fiona" else _read_qgis
        fids, names, kinds, values, geoms, crs = reader(path, layer, where, read_geometry)
        if columns is not None:
            keep = set(columns)
            names = [n for n in names if n in keep]
        df = _build(names, kinds, values, fids, geoms, crs, fid_as_index)
        kinds = {n: kinds[n] for n in names}
    return _normalise(df, kinds)


def _build(names, kinds, values, fids, geoms, crs, fid_as_index):
    import pandas as pd

    index = pd.Index(fids, dtype="int64", name="fid") if fid_as_index else pd.RangeIndex(len(fids))
    data = {n: pd.Series(values[n], index=index, dtype=object) for n in names}
    df = pd.DataFrame(data, index=index, columns=names)
    if geoms is None:
        return df
    import geopandas as gpd
    import numpy as np
    import shapely

    from .werkbank.gpkg_geometry import object_array

    arr = shapely.from_wkb(object_array(geoms)) if len(geoms) else np.array([], dtype=object)
    return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(arr, index=index), crs=_defined(crs))


def _defined(crs):
    """No CRS for GDAL's placeholders of a layer without one ("Undefined geographic SRS" / "Undefined Cartesian
    SRS", a GeoPackage's srs_id 0 / -1; newer GDAL writes srs_id 99999 "Undefined SRS"): such a layer is refused
    unless a CRS is given, never read as degrees."""
    text = str(crs or "").lower()
    return None if not crs or any(u in text for u in ("undefined geographic srs", "undefined cartesian srs",
                                                      "undefined srs")) else crs


def _normalise(df, kinds):
    """Column types as described in the module text; ``kinds`` names a backend's field kind (None: look)."""
    import numpy as np
    import pandas as pd

    for col, kind in kinds.items():
        s = df[col]
        if kind in ("date", "datetime") or pd.api.types.is_datetime64_any_dtype(s.dtype):
            df[col] = _datetimes(s)
            continue
        if kind is None:
            if pd.api.types.is_integer_dtype(s.dtype) and s.dtype != np.int64:
                df[col] = s.astype("int64")
            continue
        if kind == "double":
            df[col] = pd.to_numeric(s, errors="coerce").astype("float64")
            continue
        if kind in ("int", "int64", "bool"):
            nonnull = [v for v in s.tolist() if v is not None and not (isinstance(v, float) and v != v)]
            if len(nonnull) < len(s):
                df[col] = pd.to_numeric(s.astype(object).where(s.notna(), np.nan), errors="coerce").astype("float64")
            elif kind == "bool" or (nonnull and all(isinstance(v, (bool, np.bool_)) for v in nonnull)):
                df[col] = s.astype(bool)
            else:
                df[col] = s.astype("int64")
            continue
        df[col] = s.astype(object).where(s.notna(), None)
    return df


def _datetimes(s):
    """datetime64[ms]; values with a time zone (one or more) -> datetime64[ms, UTC], as pyogrio reads them."""
    import warnings

    import pandas as pd

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # pandas 2.x on mixed offsets (handled below)
            out = pd.to_datetime(s, errors="coerce")
    except ValueError:  # naive and aware mixed (pandas 3: also different offsets)
        out = None
    if out is None or out.dtype == object or getattr(out.dtype, "tz", None) is not None:
        out = pd.to_datetime(s, errors="coerce", utc=True)
        return out.astype("datetime64[ms, UTC]")
    return out.astype("datetime64[ms]")


_FIONA_KINDS = {"int": "int", "int32": "int", "int64": "int64", "float": "double", "str": "string",
                "date": "date", "datetime": "datetime", "bool": "bool"}


def _read_fiona(path, layer, where, read_geometry):
    import fiona
    import shapely.geometry
    from fiona.drvsupport import supported_drivers

    for drv in ("XLSX", "ODS", "CSV"):  # GDAL reads them; fiona 1.9 only lists what it tested
        supported_drivers.setdefault(drv, "r")
    opts = {} if layer is None else {"layer": layer}
    try:
        src = fiona.open(path, **opts)
    except Exception as e:  # noqa: BLE001 - GDAL gives many error types
        raise VectorIOError("{}: niet leesbaar ({}).".format(os.path.basename(path), e)) from e
    with src:
        props = src.schema["properties"]
        names = list(props)
        kinds = {n: _FIONA_KINDS.get(str(t).split(":")[0], "string") for n, t in props.items()}
        spatial = read_geometry and str(src.schema.get("geometry")) not in ("None", "")
        crs = None
        if spatial:
            auth = src.crs.to_authority() if src.crs else None
            crs = "{}:{}".format(*auth) if auth else (src.crs_wkt or None)
        fids, geoms = [], []
        values = {n: [] for n in names}
        features = src.filter(where=where) if where else iter(src)
        for feat in features:
            fids.append(int(feat.id))
            p = feat.properties
            for n in names:
                values[n].append(p.get(n))
            if spatial:
                g = feat.geometry
                geoms.append(shapely.geometry.shape(g).wkb if g is not None else None)
    return fids, names, kinds, values, (geoms if spatial else None), crs


def _layer_uri(path, layer):
    if layer is None:
        return path
    if isinstance(layer, int):
        return "{}|layerid={}".format(path, layer)
    return "{}|layername={}".format(path, layer)


class _ReadOnly:
    """While reading with QGIS: QGIS >= 3.28 opens the file read-only (``forceReadOnly``); older QGIS opens a
    GeoPackage for update and switches it to WAL and back, which rewrites the SQLite header of a file we only
    read (a tracked resource would show up as changed) - without ``qgis/walForSqlite3`` it leaves it alone.
    The setting is put back afterwards."""

    KEY = "qgis/walForSqlite3"

    def __enter__(self):
        from qgis.core import QgsSettings, QgsVectorLayer

        self.settings = None
        if not hasattr(QgsVectorLayer.LayerOptions(False, False), "forceReadOnly"):
            self.settings = QgsSettings()
            self.before = self.settings.value(self.KEY, None)
            self.settings.setValue(self.KEY, False)
        return self

    def __exit__(self, *exc):
        if self.settings is not None:
            if self.before is None:
                self.settings.remove(self.KEY)
            else:
                self.settings.setValue(self.KEY, self.before)
        return False


def _open_qgis(path, layer, read_only=True):
    from qgis.core import QgsVectorLayer

    options = QgsVectorLayer.LayerOptions(False, False)  # no default style, no extent from XML
    if read_only and hasattr(options, "forceReadOnly"):
        options.forceReadOnly = True
    vl = QgsVectorLayer(_layer_uri(path, layer), "vector_io", "ogr", options)
    if not vl.isValid():
        raise VectorIOError("{}: niet leesbaar als laag{} (QGIS/OGR).".format(
            os.path.basename(path), "" if layer is None else " '{}'".format(layer)))
    return vl


def _qvalue(v):
    """A QGIS attribute value as plain Python (NULL -> None, QDate/QDateTime -> date/datetime)."""
    if v is None:
        return None
    import datetime

    from qgis.PyQt.QtCore import QDate, QDateTime, Qt, QTime, QVariant

    if isinstance(v, QVariant):
        if v.isNull():
            return None
        v = v.value()
    if isinstance(v, QDateTime):
        if not v.isValid():
            return None
        if v.timeSpec() in (Qt.TimeSpec.UTC, Qt.TimeSpec.OffsetFromUTC):  # a stored time zone: as UTC, aware
            return v.toUTC().toPyDateTime().replace(tzinfo=datetime.timezone.utc)
        return v.toPyDateTime()
    if isinstance(v, QDate):
        return v.toPyDate() if v.isValid() else None
    if isinstance(v, QTime):
        return v.toString("HH:mm:ss") if v.isValid() else None
    return v


def _read_qgis(path, layer, where, read_geometry):
    with _ReadOnly():
        vl = _open_qgis(path, layer)
        if where and not vl.setSubsetString(where):
            raise VectorIOError("{}: filter {!r} is ongeldig.".format(os.path.basename(path), where))
        return _qgis_columns(vl, read_geometry)


def layer_frame(vl, read_geometry=True, fid_as_index=False, check=None):
    """Any ``QgsVectorLayer`` (memory, PostGIS, WFS ... or an OGR file) or other ``QgsFeatureSource`` as the frame :func:`read_frame` gives for
    a file: the same column types (dates ``datetime64[ms]``, integers ``int64`` ...), ``geometry`` last.

    ``check``: called before every feature and after the last (it may raise, e.g. to cancel).
    """
    fids, names, kinds, values, geoms, crs = _qgis_columns(vl, read_geometry, check)
    return _normalise(_build(names, kinds, values, fids, geoms, crs, fid_as_index), kinds)


def _qgis_columns(vl, read_geometry, check=None):
    """The one loop over a QGIS layer's features: (fids, names, kinds, values, geoms or None, crs)."""
    from qgis.core import QgsFeatureRequest, QgsVectorLayer, QgsWkbTypes

    from .layers.fieldtypes import kind_of

    ogr = isinstance(vl, QgsVectorLayer) and vl.providerType() == "ogr"  # else any QgsFeatureSource
    # an OGR layer's fid column (GeoPackage) is the feature id, no field - as pyogrio and fiona read it
    pk = set(vl.dataProvider().pkAttributeIndexes()) if ogr else set()
    fields = vl.fields()
    idx = [i for i in range(fields.count()) if i not in pk]
    names = [fields.at(i).name() for i in idx]
    kinds = {}
    for i, n in zip(idx, names):
        k = kind_of(fields.at(i))
        kinds[n] = {"int": "int", "int64": "int", "double": "double", "bool": "bool", "date": "date",
                    "datetime": "datetime"}.get(k, "string")
    spatial = read_geometry and QgsWkbTypes.geometryType(vl.wkbType()) != QgsWkbTypes.GeometryType.NullGeometry
    crs = None
    layer_crs = vl.sourceCrs()
    if ogr and not layer_crs.isValid():  # a GeometryCollection layer's own is invalid on QGIS 3.22
        layer_crs = vl.dataProvider().crs()
    if spatial and layer_crs.isValid():
        crs = layer_crs.authid() if layer_crs.authid().upper().startswith("EPSG:") else layer_crs.toWkt()
    # QGIS makes every geometry of a multi-typed OGR layer multi; a Shapefile (which cannot tell a one-part multi
    # from a single) and a mixed layer get their one-part multis back as the single geometry OGR gives.
    demote = spatial and ogr and (vl.dataProvider().storageType() == "ESRI Shapefile" or QgsWkbTypes.flatType(
        vl.wkbType()) in (QgsWkbTypes.Type.GeometryCollection, QgsWkbTypes.Type.Unknown))
    request = QgsFeatureRequest()
    if not spatial:
        request.setFlags(QgsFeatureRequest.Flag.NoGeometry)
    fids, geoms = [], []
    values = {n: [] for n in names}
    for feat in vl.getFeatures(request):
        if check is not None:
            check()
        fids.append(feat.id())
        attrs = feat.attributes()
        for i, n in zip(idx, names):
            values[n].append(_qvalue(attrs[i]))
        if spatial:
            g = feat.geometry()
            geoms.append(bytes(g.asWkb()) if g is not None and not g.isNull() else None)
    if check is not None:
        check()
    if demote and geoms:
        geoms = _single_parts(geoms)
    return fids, names, kinds, values, (geoms if spatial else None), crs


def _single_parts(wkbs):
    """WKB list with one-part MultiPoint/MultiLineString/MultiPolygon made single (None stays None)."""
    import numpy as np
    import shapely

    from .werkbank.gpkg_geometry import object_array

    arr = shapely.from_wkb(object_array(wkbs))
    one = np.isin(shapely.get_type_id(arr), (4, 5, 6)) & (shapely.get_num_geometries(arr) == 1)
    if not one.any():
        return wkbs
    arr[one] = shapely.get_geometry(arr[one], 0)
    return [None if g is None else shapely.to_wkb(g) for g in arr]


def list_layers(path, engine=None):
    """The layer (sheet) names of a file, in file order."""
    path = str(path)
    which = backend(engine)
    if which == "pyogrio":
        import pyogrio

        return [str(n) for n in pyogrio.list_layers(path)[:, 0]]
    if which == "fiona":
        import fiona

        return list(fiona.listlayers(path))
    with _ReadOnly():
        vl = _open_qgis(path, None)
        subs = vl.dataProvider().subLayers()
        name = vl.name()
        del vl
    out = []
    for sub in subs:
        parts = sub.split("!!::!!")
        if len(parts) > 1:
            out.append(parts[1])
    return out or [name]


# ---- writing ------------------------------------------------------------------------------------

def write_frame(df, path, layer=None, driver=None, layer_options=None, dataset_options=None, engine=None):
    """Write a (Geo)DataFrame as a new file (an existing file is replaced; with GPKG only that layer).

    ``driver``: the OGR driver name (default from the extension); ``layer_options`` / ``dataset_options``:
    GDAL creation options as a dict (e.g. ``{"RFC7946": "YES"}``).  Integer, float, text, boolean, date-time
    columns and geometries come back the same through :func:`read_frame`.
    """
    path = str(path)
    which = backend(engine)
    layer_options = {k: str(v) for k, v in (layer_options or {}).items()}
    dataset_options = {k: str(v) for k, v in (dataset_options or {}).items()}
    if which == "pyogrio":
        import pyogrio

        pyogrio.write_dataframe(df, path, layer=layer, driver=driver, layer_options=layer_options or None,
                                dataset_options=dataset_options or None)
    elif which == "fiona":
        _write_fiona(df, path, layer, driver, layer_options, dataset_options)
    else:
        _write_qgis(df, path, layer, driver, layer_options, dataset_options)


def _driver_for(path, driver):
    if driver:
        return driver
    ext = os.path.splitext(path)[1].lower()
    return {".gpkg": "GPKG", ".shp": "ESRI Shapefile", ".geojson": "GeoJSON", ".json": "GeoJSON",
            ".csv": "CSV", ".xlsx": "XLSX", ".fgb": "FlatGeobuf"}.get(ext, "GPKG")


def _write_fiona(df, path, layer, driver, layer_options, dataset_options):
    import geopandas as gpd

    driver = _driver_for(path, driver)
    if os.path.exists(path) and driver != "GPKG":
        os.remove(path)  # geopandas' fiona engine appends to some formats otherwise
    opts = dict(dataset_options)
    opts.update(layer_options)  # fiona hands every keyword to GDAL as a creation option
    gdf = df if isinstance(df, gpd.GeoDataFrame) else gpd.GeoDataFrame(df)
    if getattr(gdf, "_geometry_column_name", None) in gdf.columns:
        geoms, _families = _promoted(gdf.geometry.to_numpy())
        gdf = gdf.set_geometry(gpd.GeoSeries(geoms, index=gdf.index, crs=gdf.crs))
    kwargs = {"layer": layer} if layer is not None else {}
    gdf.to_file(path, driver=driver, engine="fiona", **kwargs, **opts)


def _column_kind(series):
    import pandas as pd

    t = series.dtype
    if pd.api.types.is_bool_dtype(t):
        return "bool"
    if pd.api.types.is_integer_dtype(t):
        return "int64"
    if pd.api.types.is_float_dtype(t):
        return "double"
    if pd.api.types.is_datetime64_any_dtype(t):
        return "datetime"
    return "string"


def _to_qvariant(value, kind):
    import pandas as pd

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if kind == "datetime":
        from qgis.PyQt.QtCore import QDateTime

        return QDateTime(pd.Timestamp(value).to_pydatetime())
    if kind == "bool":
        return bool(value)
    if kind == "int64":
        return int(value)
    if kind == "double":
        return float(value)
    return str(value)


def _write_qgis(df, path, layer, driver, layer_options, dataset_options):
    import shapely
    from qgis.core import (
        QgsCoordinateReferenceSystem,
        QgsCoordinateTransformContext,
        QgsFeature,
        QgsFields,
        QgsVectorFileWriter,
        QgsWkbTypes,
    )

    from .layers.fieldtypes import make_field

    import geopandas as gpd

    geom_col = df._geometry_column_name if isinstance(df, gpd.GeoDataFrame) and \
        getattr(df, "_geometry_column_name", None) in df.columns else None
    cols = [c for c in df.columns if c != geom_col]
    kinds = {c: _column_kind(df[c]) for c in cols}
    fields = QgsFields()
    for c in cols:
        fields.append(make_field(str(c), kinds[c]))
    wkbs = []
    wkb_type = QgsWkbTypes.Type.NoGeometry
    crs = QgsCoordinateReferenceSystem()
    if geom_col is not None:
        geoms, families = _promoted(df.geometry.to_numpy())
        wkbs = [None if g is None else shapely.to_wkb(g) for g in geoms]
        first = next((w for w in wkbs if w is not None), None)
        wkb_type = _qgs_geometry(first).wkbType() if first is not None and len(families) == 1 \
            else QgsWkbTypes.Type.Unknown
        if df.crs is not None:
            epsg = df.crs.to_epsg()
            crs = QgsCoordinateReferenceSystem("EPSG:{}".format(epsg)) if epsg else \
                QgsCoordinateReferenceSystem.fromWkt(df.crs.to_wkt())
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = _driver_for(path, driver)
    options.fileEncoding = "UTF-8"
    if layer is not None:
        options.layerName = str(layer)
    options.layerOptions = ["{}={}".format(k, v) for k, v in layer_options.items()]
    options.datasourceOptions = ["{}={}".format(k, v) for k, v in dataset_options.items()]
    if os.path.exists(path) and options.driverName != "GPKG":
        os.remove(path)
    if os.path.exists(path):
        options.actionOnExistingFile = QgsVectorFileWriter.ActionOnExistingFile.CreateOrOverwriteLayer
    writer = QgsVectorFileWriter.create(path, fields, wkb_type, crs, QgsCoordinateTransformContext(), options)
    if writer.hasError() != QgsVectorFileWriter.WriterError.NoError:
        raise VectorIOError("{}: niet schrijfbaar ({}).".format(os.path.basename(path), writer.errorMessage()))
    records = df[cols].to_dict("list")
    feats = []
    for i in range(len(df)):
        f = QgsFeature(fields)
        f.setAttributes([_to_qvariant(records[c][i], kinds[c]) for c in cols])
        if geom_col is not None and wkbs[i] is not None:
            f.setGeometry(_qgs_geometry(wkbs[i]))
        feats.append(f)
    ok = writer.addFeatures(feats)
    err = writer.errorMessage()
    del writer  # closes and flushes the file
    if not ok:
        raise VectorIOError("{}: niet schrijfbaar ({}).".format(os.path.basename(path), err))
    nulls = [i for i, w in enumerate(wkbs) if w is None]
    if nulls and options.driverName == "GPKG":
        _null_geometries(path, options.layerName or os.path.splitext(os.path.basename(path))[0], nulls)


def _null_geometries(path, layer, rows):
    """QgsVectorFileWriter stores a missing geometry as an empty one in a GeoPackage: make those NULL again."""
    from qgis.core import QgsFeatureRequest, QgsGeometry

    vl = _open_qgis(path, layer, read_only=False)
    request = QgsFeatureRequest().setFlags(QgsFeatureRequest.Flag.NoGeometry).setNoAttributes()
    fids = [f.id() for f in vl.getFeatures(request)]  # in written order
    if not vl.dataProvider().changeGeometryValues({fids[i]: QgsGeometry() for i in rows}):
        raise VectorIOError("{}: lege geometrieën niet als NULL te schrijven.".format(os.path.basename(path)))


def _qgs_geometry(wkb):
    from qgis.core import QgsGeometry

    g = QgsGeometry()
    g.fromWkb(wkb)
    return g


def _family(type_id):
    """Point, line or polygon (shapely type ids: 0 Point, 1 LineString, 3 Polygon, 4-6 their multis)."""
    return {0: "point", 4: "point", 1: "line", 5: "line", 3: "polygon", 6: "polygon"}.get(type_id, type_id)


def _promoted(geoms):
    """(geometries, their families): singles made multi when the layer holds both (as pyogrio's promote_to_multi)."""
    import shapely

    types = {t for t in shapely.get_type_id(geoms).tolist() if t >= 0}
    families = {_family(t) for t in types}
    if len(families) == 1 and len(types) == 2:
        geoms = _promote(geoms)
    return geoms, families


def _promote(geoms):
    """Single points/lines/polygons among multis become multis (one layer type, as pyogrio's promote_to_multi)."""
    import shapely

    out = []
    for g in geoms:
        t = shapely.get_type_id(g) if g is not None else -1
        if t == 0:
            g = shapely.multipoints([g])
        elif t == 1:
            g = shapely.multilinestrings([g])
        elif t == 3:
            g = shapely.multipolygons([g])
        out.append(g)
    return out
