"""Headless exports: projectfiches + energyboard atlas, and the programme lists."""

import os

from qgis.core import (
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterFolderDestination,
)

from ..base import PmiekAlgorithm
from ...formatting import fmt_num
from ...knooppunten.balance import LINK_RULE  # text constants: neither module imports anything heavy
from ...scoring.ranking import RANK_RULE
from ...werkbank.atomic import AtomicWriteError, describe_os_error

ORDERS = ["rank", "knooppunt"]


class _ExportBase(PmiekAlgorithm):
    GROUP = "Uitvoer"
    GROUP_ID = "uitvoer"

    def flags(self):
        # the print layout renders HTML with QtWebKit, which lives in the main thread only
        return super().flags() | QgsProcessingAlgorithm.Flag.FlagNoThreading

    def _data(self, wb, parameters, context, order="rank", with_extents=True):
        from ...export.context import gather

        include = self.parameterAsBoolean(parameters, "INCLUDE_CONFIDENTIAL", context)
        data = gather(wb, include_confidential=include, order=order, with_extents=with_extents)
        previous = (self.parameterAsFile(parameters, "PREVIOUS_ROUND", context)
                    if "PREVIOUS_ROUND" in [p.name() for p in self.parameterDefinitions()] else "")
        if previous:
            from ...programme.rounds import atlas_section, compare_rounds
            from ...werkbank import WerkbankError

            try:
                data.round_diff = atlas_section(compare_rounds(previous, wb), include_confidential=include)
            except WerkbankError as e:
                raise QgsProcessingException(str(e)) from e
        return data


class ExportFiches(_ExportBase):
    NAME = "exportfiches"
    DISPLAY = "Projectfiches en energyboard-atlas exporteren"
    HELP = (
        "Maakt per project een projectfiche (één A4: kaart met project, gekoppelde ontwikkelingen, knooppunt, "
        "stations met balansstatus, capaciteitskaart en gemeentegrenzen; algemene gegevens, narratief, reden van "
        "opname, fase, afhankelijkheden, uitvoeringsafspraken, scores met motivatie en capaciteitsbalans) als PDF "
        "én als HTML met de kaart als PNG ernaast, en één energyboard-atlas (PDF) met omslag en overzichtskaart, "
        "projectenlijst, alle fiches en de afgevallen projecten met reden. Elke pagina heeft een voettekst met "
        "programma, ronde, peildatum, bronnen en paginanummer. Een te lange fiche wordt eerst kleiner gezet "
        "(tot 7 pt) en loopt anders door op een volgende pagina; dat staat dan in het logboek.\n\n"
        "WERKBANK: de werkbank (GeoPackage).\n"
        "OUTPUT_FOLDER: map voor de losse fiches (fiche_<nr>_<naam>.pdf/.html/_kaart.png; veilige bestandsnamen).\n"
        "ATLAS: pad van de atlas-PDF (leeg = energyboard_atlas.pdf in OUTPUT_FOLDER).\n"
        "INCLUDE_CONFIDENTIAL: ook vertrouwelijke projecten opnemen (standaard nee: ze staan nergens in).\n"
        "ORDER: volgorde van de fiches: rank (rangorde uit het afwegingskader) of knooppunt (per knooppunt, "
        "daarbinnen rangorde).\n"
        "GEMEENTEN: laag met gemeentegrenzen voor de kaarten (optioneel; standaard de gemeenten van het "
        "voorbeeldprogramma als die er zijn).\n"
        "TEMPLATE_DIR: map met eigen Jinja2-sjablonen (projectfiche.html.j2 enz.) die voorgaan op die van de "
        "plugin (optioneel).\n"
        "PREVIOUS_ROUND: werkbank van de vorige (bevroren) ronde; de atlas krijgt dan achteraan een hoofdstuk "
        "'Verschillen met de vorige ronde' (toegevoegd, afgevallen met reden, gewijzigd; optioneel).\n\n"
        "Uitvoer: OUTPUT_FOLDER, ATLAS, FICHES (aantal), PAGES (pagina's in de atlas), WARNINGS (tekst).\n\n"
        + RANK_RULE + "\n" + LINK_RULE
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_werkbank_parameter()
        self.addParameter(QgsProcessingParameterFolderDestination("OUTPUT_FOLDER", self.tr("Map voor de fiches")))
        self.addParameter(QgsProcessingParameterFileDestination("ATLAS", self.tr("Energyboard-atlas (PDF)"),
                                                                "PDF (*.pdf)", optional=True))
        self.addParameter(QgsProcessingParameterBoolean("INCLUDE_CONFIDENTIAL",
                                                        self.tr("Vertrouwelijke projecten opnemen"), False))
        self.addParameter(QgsProcessingParameterEnum("ORDER", self.tr("Volgorde van de fiches"),
                                                     options=[self.tr("rangorde"), self.tr("knooppunt")],
                                                     defaultValue=0))
        self.addParameter(QgsProcessingParameterFile("GEMEENTEN", self.tr("Gemeentegrenzen"),
                                                     optional=True, fileFilter="GeoPackage (*.gpkg)"))
        self.addParameter(QgsProcessingParameterFile("TEMPLATE_DIR", self.tr("Map met eigen sjablonen"),
                                                     behavior=QgsProcessingParameterFile.Behavior.Folder,
                                                     optional=True))
        self.addParameter(QgsProcessingParameterFile("PREVIOUS_ROUND", self.tr("Vorige ronde (werkbank)"),
                                                     optional=True, fileFilter="GeoPackage (*.gpkg)"))
        self.addOutput(QgsProcessingOutputNumber("FICHES", self.tr("Aantal fiches")))
        self.addOutput(QgsProcessingOutputNumber("PAGES", self.tr("Pagina's in de atlas")))
        self.addOutput(QgsProcessingOutputString("WARNINGS", self.tr("Waarschuwingen")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        self.require("jinja2")
        from ...export.atlas import export_fiches_and_atlas
        from ...export.fiches import Cancelled, FicheLayout

        folder = self.parameterAsString(parameters, "OUTPUT_FOLDER", context)
        atlas = self.parameterAsFileOutput(parameters, "ATLAS", context) or os.path.join(folder,
                                                                                          "energyboard_atlas.pdf")
        order = ORDERS[self.parameterAsEnum(parameters, "ORDER", context)]
        gemeenten = self.parameterAsString(parameters, "GEMEENTEN", context) or None
        template_dir = self.parameterAsString(parameters, "TEMPLATE_DIR", context) or None
        wb = self.open_werkbank(parameters, context, readonly=True)
        fl = None
        try:
            data = self._data(wb, parameters, context, order)
            for w in data.warnings:
                feedback.pushInfo(w)
            if data.confidential_left_out:
                feedback.pushInfo(self.tr("{} vertrouwelijk(e) project(en) weggelaten.").format(
                    len(data.confidential_left_out)))
            if not data.projects:
                why = (self.tr("alle projecten afgevallen of vertrouwelijk") if data.afgevallen
                       or data.confidential_left_out else
                       self.tr("de werkbank heeft nog geen projecten; importeer eerst een projectenlijst"))
                feedback.reportError(self.tr("Geen projecten om een fiche van te maken ({}).").format(why))
            os.makedirs(folder, exist_ok=True)
            fl = FicheLayout(wb, data, template_dir=template_dir, gemeenten_path=gemeenten)
            feedback.pushInfo(self.tr("Fiches en atlas maken ({} projecten)…").format(len(data.projects)))
            # one pass: every fiche map is rendered once, for the atlas page, the fiche's PDF and its PNG
            fiches, res = export_fiches_and_atlas(wb, data, folder, atlas, template_dir=template_dir,
                                                  feedback=feedback, fiche_layout=fl)
        except Cancelled:
            raise QgsProcessingException(self.tr("Export afgebroken.")) from None
        except (OSError, ValueError) as e:
            raise QgsProcessingException(self.tr("Export mislukt: {}").format(e)) from e
        finally:
            if fl is not None:
                fl.close()
            wb.close()
        for n in fiches.notes:
            feedback.pushInfo(n)
        for w in fiches.warnings:
            feedback.pushWarning(w) if hasattr(feedback, "pushWarning") else feedback.reportError(w, False)
        feedback.pushInfo(self.tr("{} fiches in {} en atlas {} met {} pagina's ({} s).").format(
            len(fiches.pdfs), folder, atlas, res.pages, fmt_num(fiches.seconds)))
        return {"OUTPUT_FOLDER": folder, "ATLAS": atlas, "FICHES": len(fiches.pdfs), "PAGES": res.pages,
                "WARNINGS": "\n".join(fiches.warnings + res.warnings)}


class ExportLists(_ExportBase):
    NAME = "exportlists"
    DISPLAY = "Projectenlijst, actielijst en monitoringlijst exporteren"
    HELP = (
        "Schrijft de lijsten van het programma als Excel (XLSX: kopregel, kolombreedtes, filters, vastgezette "
        "kopregel, tabblad 'Bron') en als CSV (UTF-8, scheidingsteken ';', opent direct in Nederlandse Excel). "
        "Kies een .xlsx-pad: er komt een .csv met dezelfde naam naast; kies een .csv-pad voor alleen CSV. "
        "Teksten die een spreadsheet als formule zou uitvoeren (beginnend met =, +, -, @) worden onschadelijk "
        "gemaakt. Vertrouwelijke projecten staan er niet in, tenzij INCLUDE_CONFIDENTIAL.\n\n"
        "WERKBANK: de werkbank (GeoPackage).\n"
        "PROJECTENLIJST: projectenlijst volgens de Handreiking (naam, locatie, type infra, sectoren en "
        "ontwikkelingen, financiële informatie, planning, betrokken partijen, plus status en rang); optioneel.\n"
        "ACTIELIJST: uitvoeringsafspraken per project (activiteit, trekker, betrokken partijen, resultaat, "
        "planning); optioneel.\n"
        "MONITORINGLIJST: per project haalbaarheid IBN, aandachtspunten, versnellingsactie, trekker en vraag aan "
        "de energyboard (laatste peildatum); optioneel.\n"
        "INCLUDE_CONFIDENTIAL: ook vertrouwelijke projecten opnemen (standaard nee).\n\n"
        "Uitvoer: de geschreven paden en ROWS (aantal rijen in de projectenlijst).\n\n" + RANK_RULE
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_werkbank_parameter()
        for name, title in (("PROJECTENLIJST", "Projectenlijst"), ("ACTIELIJST", "Actielijst"),
                            ("MONITORINGLIJST", "Monitoringlijst")):
            self.addParameter(QgsProcessingParameterFileDestination(
                name, self.tr(title), "Excel (*.xlsx);;CSV (*.csv)", optional=True, createByDefault=False))
        self.addParameter(QgsProcessingParameterBoolean("INCLUDE_CONFIDENTIAL",
                                                        self.tr("Vertrouwelijke projecten opnemen"), False))
        self.addOutput(QgsProcessingOutputNumber("ROWS", self.tr("Rijen in de projectenlijst")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        self.require("openpyxl")
        from ...export.lists import rows, write_csv, write_list

        targets = {}
        for name, kind in (("PROJECTENLIJST", "projectenlijst"), ("ACTIELIJST", "actielijst"),
                           ("MONITORINGLIJST", "monitoringlijst")):
            path = self.parameterAsFileOutput(parameters, name, context)
            if path:
                targets[name] = (kind, path)
        if not targets:
            raise QgsProcessingException(self.tr("Kies minstens één lijst (PROJECTENLIJST, ACTIELIJST of "
                                                 "MONITORINGLIJST)."))
        wb = self.open_werkbank(parameters, context, readonly=True)
        try:
            data = self._data(wb, parameters, context, with_extents=False)
        finally:
            wb.close()
        out = {}
        for i, (name, (kind, path)) in enumerate(targets.items()):
            if feedback.isCanceled():
                raise QgsProcessingException(self.tr("Export afgebroken.")) from None
            try:
                write_list(kind, data, path)
                written = [path]
                if path.lower().endswith(".xlsx"):
                    csv_path = path[:-5] + ".csv"
                    write_csv(kind, data, csv_path)
                    written.append(csv_path)
            except AtomicWriteError as e:  # already a Dutch sentence naming the file or folder
                raise QgsProcessingException(str(e)) from e
            except OSError as e:
                raise QgsProcessingException(self.tr("{}: schrijven mislukt: {}.").format(
                    path, describe_os_error(e, path))) from e
            except ValueError as e:
                raise QgsProcessingException(self.tr("{}: schrijven mislukt: {}").format(path, e)) from e
            feedback.pushInfo(self.tr("{}: {} rijen → {}").format(kind, len(rows(kind, data)), ", ".join(written)))
            out[name] = path
            feedback.setProgress(100.0 * (i + 1) / len(targets))
        out["ROWS"] = len(rows("projectenlijst", data))
        return out


ALGORITHMS = [ExportFiches, ExportLists]
