"""Algorithms that create and describe a werkbank."""

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterString,
    QgsProcessingParameterBoolean,
)

from ..base import PmiekAlgorithm


class CreateWerkbank(PmiekAlgorithm):
    NAME = "createwerkbank"
    DISPLAY = "Nieuwe werkbank maken"
    HELP = (
        "Maakt een nieuwe, lege pMIEK-werkbank: één GeoPackage per programma, met alle tabellen "
        "(stations, capaciteit, capaciteitskaart, ontwikkelingen, kengetallen, knooppunten, projecten, "
        "koppelingen, criteria, scores, acties, monitoring) in EPSG:28992 (RD New) en een schemaversie.\n\n"
        "OUTPUT: pad van het nieuwe .gpkg-bestand (bestaat het al, dan alleen met OVERWRITE), of een "
        "PostgreSQL-doel voor een gedeelde teamwerkbank: 'pg:VERBINDING/schema' (opgeslagen QGIS-verbinding), "
        "'postgresql://host:5432/database?schema=pmiek_utrecht&authcfg=ID' of 'service=NAAM schema=pmiek_utrecht' "
        "(één schema per programma; wachtwoord via de QGIS-authenticatiebeheerder, nooit in de werkbank).\n"
        "NAME: naam van het programma, bijv. 'pMIEK 2.0 Utrecht'.\n"
        "PROVINCE: provincie, bijv. 'Utrecht'.\n"
        "ROUND: ronde, bijv. 'pMIEK 2.0' (optioneel).\n"
        "PEILDATUM: peildatum van de gegevens, JJJJ-MM-DD (optioneel).\n"
        "DISCLAIMER: tekst die op elke uitvoer komt (optioneel).\n"
        "OVERWRITE: bestaand bestand vervangen (standaard nee).\n\n"
        "Uitvoer: OUTPUT (pad) en SCHEMA_VERSION."
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(
            QgsProcessingParameterFileDestination("OUTPUT", self.tr("Werkbank (GeoPackage)"), "GeoPackage (*.gpkg)")
        )
        self.addParameter(QgsProcessingParameterString("NAME", self.tr("Naam van het programma")))
        self.addParameter(QgsProcessingParameterString("PROVINCE", self.tr("Provincie")))
        self.addParameter(QgsProcessingParameterString("ROUND", self.tr("Ronde"), optional=True))
        self.addParameter(QgsProcessingParameterString("PEILDATUM", self.tr("Peildatum (JJJJ-MM-DD)"), optional=True))
        self.addParameter(QgsProcessingParameterString("DISCLAIMER", self.tr("Disclaimer"), optional=True))
        self.addParameter(QgsProcessingParameterBoolean("OVERWRITE", self.tr("Bestaand bestand overschrijven"), False))
        self.addOutput(QgsProcessingOutputNumber("SCHEMA_VERSION", self.tr("Schemaversie")))
        self.addOutput(QgsProcessingOutputString("PROGRAMME", self.tr("Programma")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        from ...werkbank import WerkbankError, create_werkbank
        from ...werkbank.provinces import NAMES, province_code, province_name

        from .team_algs import destination_target, warn_if_password

        out = destination_target(self, parameters, "OUTPUT", context)
        warn_if_password(self, out, feedback)
        name = self.parameterAsString(parameters, "NAME", context)
        province = self.parameterAsString(parameters, "PROVINCE", context)
        code = province_code(province)
        if code is None:
            raise QgsProcessingException(
                self.tr("Onbekende provincie '{}'. Kies een van: {}.").format(
                    province, ", ".join(NAMES)
                )
            )
        peildatum = self.parameterAsString(parameters, "PEILDATUM", context).strip() or None
        if peildatum is not None:
            from ...ingest.dates import date_problem, parse_date

            try:
                peildatum = parse_date(peildatum)
            except ValueError:
                raise QgsProcessingException("PEILDATUM: " + date_problem(peildatum) + ".") from None
        try:
            wb = create_werkbank(
                out,
                name,
                province_name(code),
                province_code=code,
                round=self.parameterAsString(parameters, "ROUND", context) or None,
                peildatum=peildatum,
                disclaimer=self.parameterAsString(parameters, "DISCLAIMER", context) or None,
                overwrite=self.parameterAsBoolean(parameters, "OVERWRITE", context),
            )
        except WerkbankError as e:
            raise QgsProcessingException(str(e)) from e
        version = wb.schema_version()
        prog = wb.programme()
        if wb.backend == "postgis":
            out = wb.target  # never with a password
        wb.close()
        feedback.pushInfo(self.tr("Werkbank '{}' ({}) gemaakt: {} (schemaversie {}).").format(name, province, out, version))
        return {"OUTPUT": out, "SCHEMA_VERSION": version, "PROGRAMME": prog["name"]}


ALGORITHMS = [CreateWerkbank]
