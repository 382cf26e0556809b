"""pMIEK Werkbank - QGIS plugin for provincial energy-infrastructure programmes.

``classFactory`` imports only ``plugin.py``; everything heavy loads on use.
"""


def classFactory(iface):  # noqa: N802 - QGIS API name
    from .plugin import PmiekWerkbankPlugin

    return PmiekWerkbankPlugin(iface)
