"""The web atlas: the programme as one static folder of web pages for partners, councils and residents.

``export_webatlas(wb, data, folder, ...)`` (see :mod:`.writer`) writes it from the
:class:`export.context.ExportData` that the paper atlas is made of.  Pure Python.
"""

from .writer import Cancelled, WebAtlasResult, check_basemap_url, export_webatlas

__all__ = ["Cancelled", "WebAtlasResult", "check_basemap_url", "export_webatlas"]
