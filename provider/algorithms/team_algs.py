"""Team werkbank: copy a programme between GeoPackage and PostGIS."""

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
)

from ..base import PmiekAlgorithm


def destination_target(alg, parameters, name, context):
    """A destination parameter as text: a PostgreSQL target passes through unchanged, a file is a path."""
    from ...werkbank.storage import is_postgres_target

    raw = parameters.get(name)
    text = raw if isinstance(raw, str) else None
    if text is None and raw is not None and hasattr(raw, "sink"):  # QgsProcessingOutputLayerDefinition
        try:
            text = raw.sink.staticValue()
        except Exception:  # noqa: BLE001
            text = None
    if isinstance(text, str) and is_postgres_target(text):
        return text.strip()
    return alg.parameterAsFileOutput(parameters, name, context)


def warn_if_password(alg, target, feedback):
    from ...werkbank.safety import mask_secrets

    if target and mask_secrets(target) != target:
        feedback.pushWarning(alg.tr(
            "Het doel bevat een wachtwoord. Gebruik liever een QGIS-verbinding (pg:NAAM/schema) of authcfg=, "
            "dan komt het wachtwoord niet in de Processing-geschiedenis."))


class CopyWerkbank(PmiekAlgorithm):
    NAME = "copywerkbank"
    DISPLAY = "Werkbank kopiëren (GeoPackage ↔ PostGIS)"
    GROUP = "Teamwerkbank"
    GROUP_ID = "team"
    HELP = (
        "Kopieert een heel programma van de ene werkbank naar een nieuwe: van een GeoPackage naar een "
        "gedeelde PostGIS-database (teamwerkbank) of terug, zonder verlies: alle tabellen, rij-id's (fid), "
        "rijversies, wie/wanneer, de wijzigingshistorie (audit_log) en de schemaversies. De kopie wordt eerst "
        "apart opgebouwd en gecontroleerd (zelfde inhoud als de bron) en pas daarna op zijn plaats gezet.\n\n"
        "INPUT: de bronwerkbank: een .gpkg-bestand of een PostgreSQL-doel (zie OUTPUT). Wordt alleen gelezen.\n"
        "OUTPUT: de nieuwe werkbank: een .gpkg-pad, of een PostgreSQL-doel: 'pg:VERBINDING/schema' (een in QGIS "
        "opgeslagen PostgreSQL-verbinding), 'postgresql://host:5432/database?schema=pmiek_utrecht&authcfg=ID', "
        "'service=NAAM schema=pmiek_utrecht'. Eén schema per programma. Gebruik voor het wachtwoord de "
        "QGIS-authenticatiebeheerder (authcfg); wachtwoorden worden nooit in de werkbank, het project of de "
        "log opgeslagen.\n"
        "OVERWRITE: een bestaande werkbank op OUTPUT vervangen (standaard nee).\n\n"
        "Uitvoer: OUTPUT (het doel, zonder wachtwoord), TABLES (aantal gekopieerde tabellen), ROWS (aantal rijen)."
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFile(
            "INPUT", self.tr("Bronwerkbank (GeoPackage of PostgreSQL-doel)"),
            behavior=QgsProcessingParameterFile.Behavior.File, fileFilter="GeoPackage (*.gpkg)"))
        self.addParameter(QgsProcessingParameterFileDestination(
            "OUTPUT", self.tr("Nieuwe werkbank (GeoPackage of PostgreSQL-doel)"), "GeoPackage (*.gpkg)"))
        self.addParameter(QgsProcessingParameterBoolean("OVERWRITE", self.tr("Bestaande werkbank vervangen"), False))
        self.addOutput(QgsProcessingOutputNumber("TABLES", self.tr("Tabellen")))
        self.addOutput(QgsProcessingOutputNumber("ROWS", self.tr("Rijen")))
        self.addOutput(QgsProcessingOutputString("TARGET", self.tr("Doel")))

    def checkParameterValues(self, parameters, context):  # noqa: N802
        # The file widget only knows .gpkg; a PostgreSQL target in INPUT is valid too.
        from ...werkbank.storage import is_postgres_target

        value = parameters.get("INPUT")
        if isinstance(value, str) and is_postgres_target(value):
            parameters = dict(parameters)
            parameters["INPUT"] = "postgresql.gpkg"
        return super().checkParameterValues(parameters, context)

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        from ...werkbank import WerkbankError
        from ...werkbank.copy import copy_werkbank
        from ...werkbank.safety import mask_secrets

        src = (self.parameterAsString(parameters, "INPUT", context) or "").strip()
        if not src:
            raise QgsProcessingException(self.tr("Geef een bronwerkbank op (INPUT)."))
        dst = destination_target(self, parameters, "OUTPUT", context)
        if not dst:
            raise QgsProcessingException(self.tr("Geef een doel op (OUTPUT)."))
        warn_if_password(self, src, feedback)
        warn_if_password(self, dst, feedback)
        try:
            result = copy_werkbank(src, dst, overwrite=self.parameterAsBoolean(parameters, "OVERWRITE", context),
                                   feedback=feedback.pushInfo)
        except WerkbankError as e:
            raise QgsProcessingException(mask_secrets(str(e))) from None
        except Exception as e:  # noqa: BLE001 - driver errors: always without password, always in Dutch
            from ..guard import describe_failure

            raise QgsProcessingException(self.tr("Kopiëren mislukt: {}").format(
                mask_secrets(describe_failure(e, werkbank=mask_secrets(src))))) from None
        rows = sum(result["tables"].values())
        feedback.pushInfo(self.tr("Werkbank gekopieerd naar {}: {} tabellen, {} rijen.").format(
            result["target"], len(result["tables"]), rows))
        return {"OUTPUT": result["target"], "TARGET": result["target"], "TABLES": len(result["tables"]),
                "ROWS": rows}


ALGORITHMS = [CopyWerkbank]
