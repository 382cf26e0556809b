"""The werkbank: storage of one programme (GeoPackage; PostGIS later). No QGIS imports."""

from .storage import (  # noqa: F401
    ConflictError,
    SchemaTooNewError,
    SessionWerkbank,
    Werkbank,
    WerkbankError,
    create_werkbank,
    new_id,
    now_iso,
    open_werkbank,
)
