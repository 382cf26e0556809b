"""The ``pmiek`` Processing provider; discovers algorithm modules lazily at load."""

import importlib
import os
import pkgutil

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

HERE = os.path.dirname(__file__)
ICON = os.path.join(os.path.dirname(HERE), "resources", "icons", "pmiek.svg")


def algorithm_classes():
    """All algorithm classes in ``provider/algorithms`` (modules with ``ALGORITHMS``)."""
    from . import algorithms

    classes = []
    for info in sorted(pkgutil.iter_modules(algorithms.__path__), key=lambda i: i.name):
        module = importlib.import_module("{}.{}".format(algorithms.__name__, info.name))
        classes.extend(getattr(module, "ALGORITHMS", []))
    return classes


class PmiekProvider(QgsProcessingProvider):
    def id(self):  # noqa: A003 - QGIS API
        return "pmiek"

    def name(self):
        return "pMIEK Werkbank"

    def longName(self):  # noqa: N802
        return QCoreApplication.translate("PmiekProvider", "pMIEK Werkbank: integraal programmeren energie-infrastructuur")

    def icon(self):
        return QIcon(ICON)

    def svgIconPath(self):  # noqa: N802
        return ICON

    def loadAlgorithms(self):  # noqa: N802
        for cls in algorithm_classes():
            self.addAlgorithm(cls())
