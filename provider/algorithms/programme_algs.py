"""Rounds, ontwikkelvarianten and the exchange package (issue 10) as Processing algorithms."""

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsFields,
    QgsGeometry,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputFile,
    QgsProcessingOutputFolder,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterCrs,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterString,
    QgsWkbTypes,
)
from ..base import PmiekAlgorithm, add_features, close_output, style_by_status_on_load
from ...layers.fieldtypes import make_field


def _programme_error():
    from ...werkbank.storage import WerkbankError

    return WerkbankError


def _value(v, kind):
    if v is None:
        return None
    try:
        if v != v:  # NaN
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(v, "item"):
        v = v.item()
    if kind == "i":
        return int(v)
    if kind == "d":
        return float(v)
    return str(v)


def _fields(spec):
    fields = QgsFields()
    for name, kind in spec:
        fields.append(make_field(name, kind))
    return fields


def _write_rows(sink, dest, context, fields, spec, records, output, geoms=None):
    """The rows as features into ``sink``, which is then closed and checked (provider.base.close_output)."""
    feats = []
    for n, r in enumerate(records):
        f = QgsFeature(fields)
        f.setAttributes([_value(r.get(name), kind) for name, kind in spec])
        if geoms is not None and geoms[n] is not None:
            f.setGeometry(QgsGeometry.fromWkt(geoms[n].wkt))
        feats.append(f)
    add_features(sink, feats, output)
    close_output(sink, dest, len(feats), output, context)


class _ProgrammeAlg(PmiekAlgorithm):
    GROUP = "Rondes, varianten en uitwisseling"
    GROUP_ID = "programma"

    def call(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except _programme_error() as e:
            raise QgsProcessingException(str(e)) from e


class FreezeRound(_ProgrammeAlg):
    NAME = "freezeround"
    DISPLAY = "Ronde bevriezen"
    HELP = (
        "Bevriest de werkbank als ronde: een alleen-lezen kopie (SQLite-backup, dus consistent ook als de "
        "werkbank in gebruik is) met de naam en datum van de ronde in de programmagegevens. De werkbank zelf "
        "registreert de ronde in de tabel 'rounds'. Schrijven in de kopie wordt geweigerd.\n\n"
        "WERKBANK: de werkbank (GeoPackage) die bevroren wordt.\n"
        "LABEL: naam/versie van de ronde, bijv. 'pMIEK 2.0'.\n"
        "DATE: datum van de ronde, JJJJ-MM-DD (optioneel; standaard vandaag).\n"
        "OUTPUT_FOLDER: map voor de kopie (optioneel; standaard de map 'rounds' naast de werkbank).\n\n"
        "Uitvoer: OUTPUT, het pad van de bevroren ronde."
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_werkbank_parameter()
        self.addParameter(QgsProcessingParameterString("LABEL", self.tr("Naam van de ronde")))
        self.addParameter(QgsProcessingParameterString("DATE", self.tr("Datum (JJJJ-MM-DD)"), optional=True))
        self.addParameter(QgsProcessingParameterFolderDestination(
            "OUTPUT_FOLDER", self.tr("Map voor de bevroren ronde"), optional=True, createByDefault=False))
        self.addOutput(QgsProcessingOutputFile("OUTPUT", self.tr("Bevroren ronde")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        from ...programme.rounds import freeze_round

        path = self.parameterAsFile(parameters, "WERKBANK", context)
        folder = self.parameterAsString(parameters, "OUTPUT_FOLDER", context) or None
        if folder and folder.upper().startswith("TEMPORARY_OUTPUT"):
            folder = None
        snap = self.call(freeze_round, path, self.parameterAsString(parameters, "LABEL", context),
                        self.parameterAsString(parameters, "DATE", context) or None, folder)
        feedback.pushInfo(self.tr("Ronde bevroren: {}").format(snap))
        return {"OUTPUT": snap}


class StartRound(_ProgrammeAlg):
    NAME = "startround"
    DISPLAY = "Volgende ronde starten"
    HELP = (
        "Start een nieuwe ronde vanuit een bevroren ronde: een schrijfbare kopie met de nieuwe naam.\n\n"
        "INPUT: de bevroren ronde (GeoPackage).\n"
        "LABEL: naam van de nieuwe ronde, bijv. 'pMIEK 3.0'.\n"
        "PEILDATUM: peildatum van de nieuwe ronde (JJJJ-MM-DD, optioneel; leeg = die van de bevroren ronde). Fiches, "
        "atlas en web-atlas noemen deze datum.\n"
        "OUTPUT: pad van de nieuwe werkbank (.gpkg; mag nog niet bestaan).\n\n"
        "Uitvoer: OUTPUT, het pad van de nieuwe werkbank."
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_werkbank_parameter("INPUT", "Bevroren ronde (GeoPackage)")
        self.addParameter(QgsProcessingParameterString("LABEL", self.tr("Naam van de nieuwe ronde")))
        self.addParameter(QgsProcessingParameterString("PEILDATUM", self.tr("Peildatum van de nieuwe ronde "
                                                                             "(JJJJ-MM-DD)"), optional=True))
        self.addParameter(QgsProcessingParameterFileDestination(
            "OUTPUT", self.tr("Nieuwe werkbank"), "GeoPackage (*.gpkg)"))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        from ...programme.rounds import start_next_round
        from ...werkbank import open_werkbank

        out = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        peildatum = self.parameterAsString(parameters, "PEILDATUM", context).strip() or None
        new = self.call(start_next_round, self.parameterAsFile(parameters, "INPUT", context), out,
                        self.parameterAsString(parameters, "LABEL", context), peildatum=peildatum)
        with open_werkbank(new, readonly=True) as wb:
            peil = (wb.programme() or {}).get("peildatum")
        feedback.pushInfo(self.tr("Nieuwe ronde gestart: {}").format(new))
        if peildatum is None:  # the frozen round's date: fiches and atlas would show it as this round's
            feedback.pushWarning(self.tr("De peildatum is die van de bevroren ronde ({}); geef PEILDATUM om de "
                                         "nieuwe ronde een eigen peildatum te geven.").format(peil or "geen"))
        return {"OUTPUT": new}


REPORT_SPEC = (("onderdeel", "s"), ("wijziging", "s"), ("id", "s"), ("code", "s"), ("naam", "s"), ("veld", "s"),
               ("oud", "s"), ("nieuw", "s"), ("toelichting", "s"))


class CompareRound(_ProgrammeAlg):
    NAME = "compareround"
    DISPLAY = "Rondes vergelijken (verschillenrapport)"
    HELP = (
        "Vergelijkt twee rondes: projecten toegevoegd, afgevallen (met reden) of verwijderd; gewijzigde fase, "
        "IBN-jaar, investering, status en scores per criterium; ontwikkelingen toegevoegd/verwijderd/gewijzigd "
        "(MW, jaar); de netcapaciteit per station en zichtjaar (afname en teruglevering, MW: een nieuwe "
        "capaciteitskaart of nieuwe stationslimieten); voortgang van monitoring en acties sinds de vorige ronde.\n\n"
        "OLD: de oude (bevroren) ronde (GeoPackage).\n"
        "NEW: de nieuwe ronde of de huidige werkbank (GeoPackage).\n"
        "OUTPUT: rapportbestand, .xlsx (tabbladen per onderdeel) of .csv (optioneel).\n"
        "TABLE: dezelfde regels als tabel in QGIS (optioneel).\n"
        "INCLUDE_CONFIDENTIAL: wijzigingen, monitoring en acties van vertrouwelijke projecten toch opnemen "
        "(standaard nee); het rapport zegt dat dan op de eerste regel.\n\n"
        "Uitvoer: OUTPUT, TABLE en N_CHANGES (aantal regels)."
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_werkbank_parameter("OLD", "Oude ronde (GeoPackage)")
        self.add_werkbank_parameter("NEW", "Nieuwe ronde (GeoPackage)")
        self.addParameter(QgsProcessingParameterFileDestination(
            "OUTPUT", self.tr("Verschillenrapport"), "Excel (*.xlsx);;CSV (*.csv)", optional=True,
            createByDefault=False))
        self.addParameter(QgsProcessingParameterFeatureSink(
            "TABLE", self.tr("Verschillen (tabel)"), QgsProcessing.SourceType.TypeVector, optional=True, createByDefault=True))
        self.addParameter(QgsProcessingParameterBoolean(
            "INCLUDE_CONFIDENTIAL", self.tr("Vertrouwelijke projecten toch opnemen"), defaultValue=False))
        self.addOutput(QgsProcessingOutputNumber("N_CHANGES", self.tr("Aantal verschillen")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        from ...programme.rounds import compare_rounds, write_report

        old = self.parameterAsFile(parameters, "OLD", context)
        new = self.parameterAsFile(parameters, "NEW", context)
        cmp = self.call(compare_rounds, old, new)
        include = self.parameterAsBool(parameters, "INCLUDE_CONFIDENTIAL", context)
        rows = cmp.visible_rows(include)
        results = {"N_CHANGES": len(rows)}
        out = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        if out:
            if not out.lower().endswith((".xlsx", ".csv")):
                out += ".xlsx"
            self.call(write_report, cmp, out, include)
            results["OUTPUT"] = out
        fields = _fields(REPORT_SPEC)
        sink, dest = self.parameterAsSink(parameters, "TABLE", context, fields, QgsWkbTypes.Type.NoGeometry,
                                          QgsCoordinateReferenceSystem())
        if sink is not None:
            records = rows.to_dict("records")
            if include:  # the first line says it (programme.visibility)
                from ...programme.visibility import CONFIDENTIAL_NOTICE

                records.insert(0, {"onderdeel": CONFIDENTIAL_NOTICE})
            _write_rows(sink, dest, context, fields, REPORT_SPEC, records, "TABLE")
            results["TABLE"] = dest
        for line in cmp.summary(include).itertuples(index=False):
            feedback.pushInfo("{} {}: {}".format(line[0], line[1], line[2]))
        return results


COMPARISON_SPEC = (("variant", "s"), ("jaar", "i"), ("eenheden_tekort", "i"), ("mw_tekort", "d"),
                   ("eenheden_krap", "i"), ("eerste_tekortjaren", "s"), ("aantal_projecten", "i"),
                   ("punten_totaal", "d"), ("investering_eur", "d"), ("projecten", "s"))
MAP_SPEC = (("variant", "s"), ("unit_id", "s"), ("unit_name", "s"), ("year", "i"), ("capacity_mw", "d"),
            ("demand_mw", "d"), ("supply_mw", "d"), ("balance_mw", "d"), ("status", "s"), ("first_shortage_year", "i"))


class CompareVariants(_ProgrammeAlg):
    NAME = "comparevariants"
    DISPLAY = "Ontwikkelvarianten vergelijken"
    HELP = (
        "Rekent elke ontwikkelvariant door (alleen de projecten van de variant staan aan, de scenario-aannames "
        "worden op de ontwikkelingen toegepast; de werkbank zelf verandert niet) en zet ze naast elkaar: per "
        "variant en jaar het aantal stations met tekort, de MW tekort, het aantal krappe stations, het eerste "
        "tekortjaar per station, de punten (afwegingskader) en de investering van de projecten.\n\n"
        "WERKBANK: de werkbank (GeoPackage).\n"
        "VARIANTS: namen of id's van varianten, gescheiden door komma's (leeg = alle).\n"
        "YEARS: zichtjaren, bijv. '2025,2030,2035' (leeg = zichtjaren van het programma).\n"
        "OUTPUT: vergelijkingstabel, één rij per variant en jaar.\n"
        "OUTPUT_MAP: kaartlaag met per variant, station en jaar de balans en status (optioneel).\n"
        "INCLUDE_CONFIDENTIAL: vertrouwelijke projecten toch meetellen in namen, punten en investering "
        "(standaard nee; hun capaciteit telt altijd mee in de balans).\n\n"
        "Uitvoer: OUTPUT en OUTPUT_MAP."
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_werkbank_parameter()
        self.addParameter(QgsProcessingParameterString("VARIANTS", self.tr("Varianten (leeg = alle)"), optional=True))
        self.addParameter(QgsProcessingParameterString("YEARS", self.tr("Zichtjaren"), optional=True))
        self.addParameter(QgsProcessingParameterBoolean(
            "INCLUDE_CONFIDENTIAL", self.tr("Vertrouwelijke projecten toch opnemen"), defaultValue=False))
        self.addParameter(QgsProcessingParameterFeatureSink(
            "OUTPUT", self.tr("Vergelijking varianten"), QgsProcessing.SourceType.TypeVector))
        self.addParameter(QgsProcessingParameterFeatureSink(
            "OUTPUT_MAP", self.tr("Balans per variant (kaart)"), QgsProcessing.SourceType.TypeVectorPoint, optional=True,
            createByDefault=False))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        from ...programme.variants import compare_variants, variant_map_frame

        names = [v.strip() for v in self.parameterAsString(parameters, "VARIANTS", context).split(",") if v.strip()]
        years_text = self.parameterAsString(parameters, "YEARS", context)
        try:
            years = [int(y) for y in years_text.replace(";", ",").split(",") if y.strip()] or None
        except ValueError:
            raise QgsProcessingException(self.tr("YEARS: '{}' is geen lijst jaartallen, bijv. 2025,2030,2035.").format(
                years_text)) from None
        wb = self.open_werkbank(parameters, context, readonly=True)
        try:
            table, results = self.call(compare_variants, wb, names or None, years,
                                       self.parameterAsBool(parameters, "INCLUDE_CONFIDENTIAL", context))
            gdf = variant_map_frame(wb, results)
        finally:
            wb.close()
        fields = _fields(COMPARISON_SPEC)
        sink, dest = self.parameterAsSink(parameters, "OUTPUT", context, fields, QgsWkbTypes.Type.NoGeometry,
                                          QgsCoordinateReferenceSystem())
        if sink is None:
            raise QgsProcessingException(self.tr("OUTPUT: de uitvoertabel kan niet worden gemaakt."))
        _write_rows(sink, dest, context, fields, COMPARISON_SPEC, table.to_dict("records"), "OUTPUT")
        out = {"OUTPUT": dest}
        mfields = _fields(MAP_SPEC)
        msink, mdest = self.parameterAsSink(parameters, "OUTPUT_MAP", context, mfields, QgsWkbTypes.Type.Point,
                                            QgsCoordinateReferenceSystem("EPSG:28992"))
        if msink is not None:
            _write_rows(msink, mdest, context, mfields, MAP_SPEC, gdf.drop(columns="geometry").to_dict("records"),
                        "OUTPUT_MAP", list(gdf.geometry))
            style_by_status_on_load(mdest, context)
            out["OUTPUT_MAP"] = mdest
        for name in results:
            feedback.pushInfo(self.tr("Variant '{}' doorgerekend.").format(name))
        return out


class DefineVariant(_ProgrammeAlg):
    NAME = "definevariant"
    DISPLAY = "Ontwikkelvariant vastleggen"
    HELP = (
        "Legt een ontwikkelvariant vast (of vervangt die met dezelfde naam): een set projecten plus "
        "scenario-aannames over de ontwikkelingen. Hooguit 4 varianten per werkbank.\n\n"
        "WERKBANK: de werkbank (GeoPackage).\n"
        "NAME: naam van de variant, bijv. 'Netversterking Noord'.\n"
        "PROJECTS: project-id's of projectnummers die in de variant aan staan, gescheiden door komma's.\n"
        "ASSUMPTIONS: scenario als JSON (optioneel), bijv. {\"demand_factor\": {\"wonen\": 1.2, \"*\": 1.0}, "
        "\"supply_factor\": 0.8, \"year_shift\": {\"datacenter\": 2}}: vraag/aanbod × factor per sector, "
        "jaar gereed + verschuiving in jaren.\n"
        "DESCRIPTION: omschrijving (optioneel).\n\n"
        "Uitvoer: VARIANT_ID."
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_werkbank_parameter()
        self.addParameter(QgsProcessingParameterString("NAME", self.tr("Naam van de variant")))
        self.addParameter(QgsProcessingParameterString("PROJECTS", self.tr("Projecten (komma-gescheiden)"),
                                                       optional=True))
        self.addParameter(QgsProcessingParameterString("ASSUMPTIONS", self.tr("Scenario-aannames (JSON)"),
                                                       optional=True, multiLine=True))
        self.addParameter(QgsProcessingParameterString("DESCRIPTION", self.tr("Omschrijving"), optional=True))
        self.addOutput(QgsProcessingOutputString("VARIANT_ID", self.tr("Id van de variant")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        from ...programme.variants import define_variant

        projects = [p.strip() for p in self.parameterAsString(parameters, "PROJECTS", context).split(",") if p.strip()]
        wb = self.open_werkbank(parameters, context)
        try:
            vid = self.call(define_variant, wb, self.parameterAsString(parameters, "NAME", context), projects,
                           self.parameterAsString(parameters, "ASSUMPTIONS", context) or None,
                           self.parameterAsString(parameters, "DESCRIPTION", context) or None)
        finally:
            wb.close()
        feedback.pushInfo(self.tr("Variant vastgelegd met {} projecten.").format(len(projects)))
        return {"VARIANT_ID": vid}


class ExportPackage(_ProgrammeAlg):
    NAME = "exportpackage"
    DISPLAY = "Uitwisselpakket exporteren"
    HELP = (
        "Exporteert het programma (of een selectie) als uitwisselpakket voor gemeenten en netbeheerders: "
        "een GeoPackage (EPSG:28992, zelf een werkbank), GeoJSON per kaartlaag (WGS84, RFC 7946), CSV per "
        "tabel, een datadictionary (CSV en Markdown) en manifest.json (programma, datum, aantallen, "
        "controlegetallen, bronvermelding, ODbL-licentie voor OSM-gegevens). Vertrouwelijke projecten en hun "
        "koppelingen, scores, acties en monitoring blijven weg.\n\n"
        "WERKBANK: de werkbank (GeoPackage).\n"
        "OUTPUT_FOLDER: map voor het pakket.\n"
        "MUNICIPALITY: alleen deze gemeente (optioneel).\n"
        "MUNICIPALITY_LAYER: GeoPackage met gemeentegrenzen (kolom gemeentenaam), voor selectie op gebied "
        "(optioneel; zonder laag wordt op de gemeentenaam in de gegevens geselecteerd).\n"
        "CRS: coördinatenstelsel van een gemeentelaag zonder CRS (optioneel; zo'n laag wordt anders geweigerd).\n"
        "NETBEHEERDER: alleen het gebied van deze netbeheerder: zijn stations, projecten, "
        "capaciteitsgebieden en alles daarbinnen (optioneel).\n"
        "INCLUDE_CONFIDENTIAL: vertrouwelijke projecten toch meenemen (standaard nee).\n"
        "ESDL: ook een ESDL-bestand schrijven (vereist het pakket pyesdl; zonder dat pakket wordt het pakket "
        "zonder ESDL gemaakt, met een melding).\n\n"
        "Uitvoer: OUTPUT (map), MANIFEST en ESDL_FILE."
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_werkbank_parameter()
        self.addParameter(QgsProcessingParameterFolderDestination("OUTPUT_FOLDER", self.tr("Map voor het pakket")))
        self.addParameter(QgsProcessingParameterString("MUNICIPALITY", self.tr("Gemeente"), optional=True))
        self.addParameter(QgsProcessingParameterFile(
            "MUNICIPALITY_LAYER", self.tr("Gemeentegrenzen (GeoPackage)"), behavior=QgsProcessingParameterFile.Behavior.File,
            fileFilter="GeoPackage (*.gpkg)", optional=True))
        self.addParameter(QgsProcessingParameterCrs("CRS", self.tr("CRS voor een gemeentelaag zonder CRS"),
                                                    optional=True))
        self.addParameter(QgsProcessingParameterString("NETBEHEERDER", self.tr("Netbeheerder"), optional=True))
        self.addParameter(QgsProcessingParameterBoolean(
            "INCLUDE_CONFIDENTIAL", self.tr("Vertrouwelijke projecten meenemen"), False))
        self.addParameter(QgsProcessingParameterBoolean("ESDL", self.tr("Ook ESDL schrijven"), False))
        self.addOutput(QgsProcessingOutputFolder("OUTPUT", self.tr("Pakket")))
        self.addOutput(QgsProcessingOutputFile("MANIFEST", self.tr("Manifest")))
        self.addOutput(QgsProcessingOutputFile("ESDL_FILE", self.tr("ESDL-bestand")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        import os

        from ...programme.exchange import MANIFEST, export_package, municipality_area

        folder = self.parameterAsString(parameters, "OUTPUT_FOLDER", context)
        gm = self.parameterAsString(parameters, "MUNICIPALITY", context).strip()
        nb = self.parameterAsString(parameters, "NETBEHEERDER", context).strip()
        layer = self.parameterAsFile(parameters, "MUNICIPALITY_LAYER", context)
        if gm and nb:
            raise QgsProcessingException(self.tr("Kies een gemeente óf een netbeheerder, niet beide."))
        selection = None
        if gm:
            selection = {"municipality": gm}
            if layer:
                from .import_algs import crs_parameter

                selection["area"] = self.call(municipality_area, gm, layer, crs_parameter(self, parameters, context))
        elif nb:
            selection = {"netbeheerder": nb}
        esdl = self.parameterAsBoolean(parameters, "ESDL", context)
        if esdl:
            from ...programme.esdl_io import MISSING, esdl_available

            if not esdl_available():  # optional package: the package without ESDL, with a note
                feedback.reportError(self.tr(MISSING) + " " + self.tr("Het uitwisselpakket is zonder ESDL gemaakt."),
                                     False)
                esdl = False
        wb = self.open_werkbank(parameters, context, readonly=True)
        try:
            man = self.call(export_package, wb, folder, selection,
                           self.parameterAsBoolean(parameters, "INCLUDE_CONFIDENTIAL", context), esdl)
        finally:
            wb.close()
        for t, info in man["tabellen"].items():
            feedback.pushInfo("{}: {} rijen".format(t, info["rijen"]))
        if man["vertrouwelijk"].get("balans_wijkt_af"):
            feedback.pushWarning(man["vertrouwelijk"]["balans_toelichting"])
        return {"OUTPUT": folder, "MANIFEST": os.path.join(folder, MANIFEST),
                "ESDL_FILE": os.path.join(folder, man["esdl"]) if man.get("esdl") else None}


class ImportPackage(_ProgrammeAlg):
    NAME = "importpackage"
    DISPLAY = "Uitwisselpakket importeren"
    HELP = (
        "Maakt een nieuwe werkbank uit een uitwisselpakket (gemaakt met 'Uitwisselpakket exporteren') en "
        "controleert met de controlegetallen uit manifest.json dat de inhoud verliesvrij is overgekomen.\n\n"
        "INPUT: de map van het pakket (met manifest.json en pmiek_pakket.gpkg).\n"
        "OUTPUT: pad van de nieuwe werkbank (.gpkg).\n"
        "OVERWRITE: een bestaand bestand vervangen (standaard nee).\n\n"
        "Uitvoer: OUTPUT (de nieuwe werkbank)."
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFile("INPUT", self.tr("Map van het pakket"),
                                                     behavior=QgsProcessingParameterFile.Behavior.Folder))
        self.addParameter(QgsProcessingParameterFileDestination("OUTPUT", self.tr("Nieuwe werkbank"),
                                                                "GeoPackage (*.gpkg)"))
        self.addParameter(QgsProcessingParameterBoolean("OVERWRITE", self.tr("Bestaand bestand overschrijven"), False))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        from ...programme.exchange import import_package

        res = self.call(import_package, self.parameterAsFile(parameters, "INPUT", context),
                       self.parameterAsFileOutput(parameters, "OUTPUT", context),
                       self.parameterAsBoolean(parameters, "OVERWRITE", context))
        for t, n in res["counts"].items():
            feedback.pushInfo("{}: {} rijen".format(t, n))
        return {"OUTPUT": res["path"]}


ALGORITHMS = [FreezeRound, StartRound, CompareRound, DefineVariant, CompareVariants, ExportPackage, ImportPackage]
