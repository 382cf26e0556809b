"""Headless export of the web atlas (``pmiek:exportwebatlas``)."""

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFile,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterString,
)

from .export_algs import _ExportBase


class ExportWebAtlas(_ExportBase):
    NAME = "exportwebatlas"
    DISPLAY = "Web-atlas exporteren (statische website)"
    HELP = (
        "Schrijft het programma als één map met webpagina's voor partners, gemeenteraden en inwoners: een kaart "
        "van de provincie met de projecten (kleur naar status), knooppunten, stations gekleurd naar de "
        "capaciteitsbalans per zichtjaar (afname en teruglevering), de capaciteitskaart en de ontwikkelingen; een "
        "doorzoekbare en filterbare projectenlijst (status, type infra, knooppunt, gemeente); per project de "
        "projectfiche (dezelfde sjablonen als de HTML-fiche, met kaart); de rangorde met bandbreedte; de "
        "afgevallen projecten met reden; de verschillen met de vorige ronde (als die is opgegeven) en op elke "
        "pagina programma, ronde, peildatum, bronnen en disclaimer. Rangorde, balans en teksten komen uit "
        "dezelfde berekening als de energyboard-atlas.\n\n"
        "De map opent met een dubbelklik op index.html (file://) en op elke gewone webserver of intranet, "
        "zonder internet: de kaartbibliotheek (Leaflet, BSD-licentie) zit erin. Een bestaande map wordt alleen "
        "vervangen als die leeg is of een eerdere web-atlas bevat.\n\n"
        "WERKBANK: de werkbank (GeoPackage).\n"
        "OUTPUT_FOLDER: map voor de web-atlas (index.html, fiches/, data/, assets/, vendor/).\n"
        "INCLUDE_CONFIDENTIAL: ook vertrouwelijke projecten opnemen (standaard nee: ze staan dan in geen enkel "
        "bestand). Met ja staat op elke pagina dat de atlas vertrouwelijke projecten bevat.\n"
        "TITLE: titel boven de pagina (leeg = 'Web-atlas' met de naam van het programma).\n"
        "BASEMAP_URL: optioneel een tegel-URL voor een achtergrondkaart met {z}/{x}/{y}, bijvoorbeeld de BRT-"
        "achtergrondkaart van PDOK; leeg = geen achtergrondkaart (de gemeentegrenzen tonen waar u bent).\n"
        "PREVIOUS_ROUND: werkbank van de vorige (bevroren) ronde; de atlas krijgt dan een onderdeel "
        "'Verschillen met de vorige ronde' (optioneel).\n\n"
        "Uitvoer: OUTPUT_FOLDER, INDEX (pad van index.html), PROJECTS (aantal projecten), BYTES (grootte van de "
        "map)."
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_werkbank_parameter()
        self.addParameter(QgsProcessingParameterFolderDestination("OUTPUT_FOLDER", self.tr("Map voor de web-atlas")))
        self.addParameter(QgsProcessingParameterBoolean("INCLUDE_CONFIDENTIAL",
                                                        self.tr("Vertrouwelijke projecten opnemen"), False))
        self.addParameter(QgsProcessingParameterString("TITLE", self.tr("Titel"), optional=True))
        self.addParameter(QgsProcessingParameterString("BASEMAP_URL", self.tr("Achtergrondkaart (tegel-URL)"), optional=True))
        self.addParameter(QgsProcessingParameterFile("PREVIOUS_ROUND", self.tr("Vorige ronde (werkbank)"),
                                                     optional=True, fileFilter="GeoPackage (*.gpkg)"))
        self.addOutput(QgsProcessingOutputString("INDEX", self.tr("index.html")))
        self.addOutput(QgsProcessingOutputNumber("PROJECTS", self.tr("Aantal projecten")))
        self.addOutput(QgsProcessingOutputNumber("BYTES", self.tr("Grootte (bytes)")))

    def flags(self):
        return super(_ExportBase, self).flags()  # no print layout here: may run in a background thread

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        self.require("jinja2", "geopandas", "shapely")
        from ...export.webatlas import Cancelled, check_basemap_url, export_webatlas

        folder = self.parameterAsString(parameters, "OUTPUT_FOLDER", context)
        title = self.parameterAsString(parameters, "TITLE", context)
        try:
            basemap = check_basemap_url(self.parameterAsString(parameters, "BASEMAP_URL", context))
        except ValueError as e:
            raise QgsProcessingException(str(e)) from e
        wb = self.open_werkbank(parameters, context, readonly=True)
        try:
            data = self._data(wb, parameters, context)
            for w in data.warnings:
                feedback.pushInfo(w)
            if data.confidential_left_out:
                feedback.pushInfo(self.tr("{} vertrouwelijk(e) project(en) weggelaten.").format(
                    len(data.confidential_left_out)))
            res = export_webatlas(wb, data, folder, title=title, basemap_url=basemap, feedback=feedback)
        except Cancelled:
            raise QgsProcessingException(self.tr("Export afgebroken; er is niets geschreven.")) from None
        except (OSError, ValueError) as e:
            raise QgsProcessingException(self.tr("Web-atlas mislukt: {}").format(e)) from e
        finally:
            wb.close()
        from ...formatting import fmt_num

        feedback.pushInfo(self.tr("Web-atlas in {}: {} projecten, {} bestanden, {} MB ({} s). Open {}").format(
            res.folder, res.projects, res.files, fmt_num(res.bytes / 1e6), fmt_num(res.seconds), res.index))
        return {"OUTPUT_FOLDER": res.folder, "INDEX": res.index, "PROJECTS": res.projects, "BYTES": res.bytes}


ALGORITHMS = [ExportWebAtlas]
