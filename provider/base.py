"""Shared base for the pMIEK algorithms: Dutch texts, werkbank parameter, errors."""

from qgis.core import (
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingParameterFile,
)
from qgis.PyQt.QtCore import QCoreApplication


class PmiekAlgorithm(QgsProcessingAlgorithm):
    """Subclasses set NAME, DISPLAY, GROUP, GROUP_ID and HELP (Dutch)."""

    NAME = ""
    DISPLAY = ""
    GROUP = "Werkbank"
    GROUP_ID = "werkbank"
    HELP = ""

    def tr(self, text):
        return QCoreApplication.translate(type(self).__name__, text)

    def name(self):
        return self.NAME

    def displayName(self):  # noqa: N802
        return self.tr(self.DISPLAY)

    def group(self):
        return self.tr(self.GROUP)

    def groupId(self):  # noqa: N802
        return self.GROUP_ID

    def shortHelpString(self):  # noqa: N802
        return self.tr(self.HELP)

    def createInstance(self):  # noqa: N802
        return type(self)()

    # ---- helpers -------------------------------------------------------------
    def add_werkbank_parameter(self, name="WERKBANK", description="Werkbank (GeoPackage)"):
        self.addParameter(
            QgsProcessingParameterFile(
                name,
                self.tr(description),
                behavior=QgsProcessingParameterFile.Behavior.File,
                fileFilter="GeoPackage (*.gpkg)",
            )
        )

    def open_werkbank(self, parameters, context, name="WERKBANK", readonly=False):
        from ..werkbank import WerkbankError, open_werkbank

        target = self.parameterAsString(parameters, name, context)
        if not target:
            raise QgsProcessingException(self.tr("Geef een werkbank op ({}).").format(name))
        try:
            return open_werkbank(target, readonly=readonly)
        except WerkbankError as e:
            raise QgsProcessingException(str(e)) from e

    @staticmethod
    def require(*modules):
        from ..deps import require

        try:
            require(*modules)
        except ImportError as e:
            raise QgsProcessingException(str(e)) from e
