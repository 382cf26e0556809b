"""Import algorithms: capacity map, stations (+ capacity table), developments.

The work is done by the one import runner (``ingest.runner``) with the layer kinds' hooks in
``layers.importers`` (pure, vectorised); these classes only translate Processing parameters, let the runner read
the INPUT layer with ``layers.qgis_io.layer_to_frame`` and turn failures into a Dutch ``QgsProcessingException``
(the werkbank is then unchanged).
"""

import os

from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterCrs,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
    QgsProcessingUtils,
)

from ..base import PmiekAlgorithm

COMMON_HELP = (
    "WERKBANK: de werkbank (.gpkg) waarin wordt geïmporteerd.\n"
    "INPUT: de bronlaag (laag uit het project of bestand: GeoPackage, GeoJSON, Shapefile, WFS ...). "
    "Wordt geprojecteerd naar EPSG:28992.\n"
    "{fields}"
    "SOURCE_NAME: naam van de bron, opgeslagen bij elke rij (standaard de bestandsnaam zonder extensie; bij een "
    "laag uit een bestand met meer lagen met de laagnaam erbij, bijv. 'ontwikkelingen (ontwikkelingen_punten)'). "
    "Opnieuw importeren met dezelfde bronnaam werkt bestaande rijen bij op bron-id. Geeft u twee lagen van één "
    "bestand dezelfde bronnaam, dan telt REMOVED per laag: de rijen van de andere laag zijn niet verdwenen.\n"
    "STRICT: bij ja breekt elke afgekeurde rij de hele import af (niets wordt geschreven); "
    "bij nee (standaard) worden afgekeurde rijen overgeslagen en gemeld.\n"
    "CHECK_PROVINCE: objecten buiten de provincie van het programma afkeuren (standaard ja; "
    "gegeneraliseerde CBS-provinciegrenzen).\n"
    "{pipeline}"
    "REPORT: validatierapport, HTML of CSV (op extensie; standaard naast de werkbank, als HTML en CSV).\n\n"
    "Velden die leeg blijven worden automatisch herkend op gangbare Nederlandse en Engelse veldnamen.\n"
    "Controles: geometrie leeg/NULL (afgekeurd), ongeldige geometrie (hersteld met make_valid waar dat veilig "
    "is, anders afgekeurd), verplichte velden, geen getal of negatief, jaartal buiten 1990–2100, dubbele "
    "bron-id's, buiten de provincie. Alles of niets: de geldige rijen worden in één transactie geschreven.\n\n"
    "Uitvoer: IMPORTED (aantal geïmporteerde rijen), REJECTED (aantal afgekeurde rijen; IMPORTED + REJECTED = "
    "aantal invoerrijen), INSERTED/UPDATED/UNCHANGED (nieuw, bijgewerkt, ongewijzigd), REMOVED (rijen van deze "
    "bron die niet meer in de bron staan), REPORT (pad van het rapport)."
)


PIPELINE_HELP = (
    "TOLERANCE: provinciegrens-tolerantie in meter (standaard 2000): een object hoort bij de provincie als het "
    "(punt op het oppervlak) binnen deze afstand van de gegeneraliseerde CBS-grens ligt, of een vlak verder dan "
    "dit de provincie in reikt; grensgevallen worden als waarschuwing gemeld. Noemt de bron een andere provincie "
    "of een gemeente buiten de provincie, dan wordt de rij afgekeurd.\n"
    "SOURCE_PREFIX: voorvoegsel voor de id's van deze bron (bijv. 'gem' geeft 'gem-1'), zodat twee bronnen die "
    "elk vanaf 1 nummeren niet botsen.\n"
    "SYNC: rijen van deze bron die niet meer in de bron voorkomen verwijderen (standaard nee: alleen gemeld als "
    "REMOVED). Bij een laag uit een bestand met meer lagen: alleen rijen die de vorige import van dezelfde laag "
    "had. SYNC weigert de hele import (niets geschreven) voor een rij waar nog iets aan hangt: een ontwikkeling met "
    "koppelingen, een station dat een project of ontwikkeling noemt, een knooppunt met projecten; de melding noemt "
    "de rijen.\n"
    "CRS: coördinatenstelsel voor een bron zonder CRS (zonder CRS en zonder deze parameter wordt de bron "
    "geweigerd).\n"
    "RECODE: eigen hercodeertabel (CSV met kolommen veld;bronwaarde;code), bovenop de meegeleverde tabellen "
    "(resources/recodes: planstatus → fase, sectornamen, capaciteitskleuren). Gebruikte hercoderingen staan "
    "in het rapport.\n"
)


def add_pipeline_parameters(alg, spatial=True):
    """The parameters every import shares (one place): TOLERANCE, SOURCE_PREFIX, SYNC, CRS, RECODE."""
    if spatial:
        p = QgsProcessingParameterNumber("TOLERANCE", alg.tr("Tolerantie provinciegrens (m)"),
                                         QgsProcessingParameterNumber.Type.Double, 2000.0, optional=True,
                                         minValue=0.0, maxValue=50000.0)
        alg.addParameter(p)
    alg.addParameter(QgsProcessingParameterString("SOURCE_PREFIX", alg.tr("Voorvoegsel voor de id's van deze bron"),
                                                  optional=True))
    add_sync_parameter(alg)
    if spatial:
        alg.addParameter(QgsProcessingParameterCrs("CRS", alg.tr("CRS voor een bron zonder CRS"), optional=True))
    alg.addParameter(QgsProcessingParameterFile(
        "RECODE", alg.tr("Eigen hercodeertabel (CSV)"), behavior=QgsProcessingParameterFile.Behavior.File,
        fileFilter="CSV (*.csv)", optional=True))


def add_strict_parameter(alg, optional=False):
    """STRICT (every import): yes = all or nothing, the first rejected row refuses the whole import."""
    alg.addParameter(QgsProcessingParameterBoolean(
        "STRICT", alg.tr("Afbreken bij de eerste afgekeurde rij (alles of niets)"), False, optional=optional))


def add_sync_parameter(alg):
    """SYNC (every import that reports REMOVED): delete the rows of this source that left it."""
    alg.addParameter(QgsProcessingParameterBoolean(
        "SYNC", alg.tr("Rijen die niet meer in de bron staan verwijderen"), False, optional=True))


def pipeline_options(alg, parameters, context, feedback):
    """The shared import options from the parameters above."""
    opts = {"feedback": feedback}
    if "TOLERANCE" in parameters and parameters.get("TOLERANCE") not in (None, ""):
        opts["tolerance"] = alg.parameterAsDouble(parameters, "TOLERANCE", context)
    prefix = alg.parameterAsString(parameters, "SOURCE_PREFIX", context).strip() if "SOURCE_PREFIX" in parameters \
        else ""
    if prefix:
        opts["source_prefix"] = prefix
    opts["sync"] = alg.parameterAsBoolean(parameters, "SYNC", context) if "SYNC" in parameters else False
    crs = crs_parameter(alg, parameters, context)
    if crs:
        opts["crs"] = crs
    recode = alg.parameterAsFile(parameters, "RECODE", context) if "RECODE" in parameters else ""
    if recode:
        opts["recode"] = recode
    return opts


def crs_parameter(alg, parameters, context, name="CRS"):
    """The CRS a user gave for a source without one, as authid (or WKT); None when not given or not valid."""
    if parameters.get(name) in (None, ""):
        return None
    crs = alg.parameterAsCrs(parameters, name, context)
    return (crs.authid() or crs.toWkt()) if crs.isValid() else None


def report_path(alg, parameters, context, kind):
    """REPORT when given; otherwise beside the werkbank (<werkbank>_importrapport_<kind>_<time>.html, with a CSV
    twin), or in the temporary folder for a PostGIS werkbank."""
    from ...ingest.reports import beside_werkbank

    report = alg.parameterAsFileOutput(parameters, "REPORT", context)
    if not report:
        report = beside_werkbank(alg.parameterAsString(parameters, "WERKBANK", context), kind,
                                 temp_dir=os.path.dirname(QgsProcessingUtils.generateTempFilename("x")))
        alg._report_twin = True
    else:
        alg._report_twin = False
    os.makedirs(os.path.dirname(os.path.abspath(report)), exist_ok=True)
    return report


def refused_report(alg, feedback, failure):
    """A refused import's report: the runner wrote it (``failure.report_path``, given by :func:`report_path`); its CSV
    twin beside it when it went beside the werkbank; returns the line naming it for the message ('' when none)."""
    path = getattr(failure, "report_path", None)
    if not path:
        return ""
    if getattr(alg, "_report_twin", False):
        failure.report.write_csv(os.path.splitext(path)[0] + ".csv")
    feedback.pushInfo(alg.tr("Rapport: {}").format(path))
    return "\n" + alg.tr("Rapport: {}").format(path)


def log_report(alg, feedback, rep, report):
    """An import's report in the Processing log (notes, the first errors of it and its sections, the summary,
    where the report is) and its CSV twin when the report went beside the werkbank."""
    for note in rep.notes:
        feedback.pushInfo(note)
    for part in [rep] + list(rep.sub_reports):  # what concerns a whole source (columns not read ...), not one row
        for p in part.warnings():
            if p.row is None:
                feedback.pushWarning(p.message(part.source))
    for part in [rep] + list(rep.sub_reports):
        for line in part.first_errors(10):
            feedback.reportError(line, False)
    feedback.pushInfo(rep.summary())
    if getattr(alg, "_report_twin", False):
        rep.write_csv(os.path.splitext(report)[0] + ".csv")
    feedback.pushInfo(alg.tr("Rapport: {}").format(report))


class SpecHelpMixin:
    """shortHelpString = HELP plus the recognised columns and accepted values from ``ingest.specs``."""

    SPEC_KINDS = ()

    def shortHelpString(self):  # noqa: N802
        from ...ingest.specs import help_text

        return self.tr(self.HELP) + "\n\n" + "\n".join(help_text(k) for k in self.SPEC_KINDS)


def _field_help(kind, extra=None):
    from ...layers import mapping as M

    lines = []
    for t in M.targets(kind):
        if not t.param:
            continue
        desc = (extra or {}).get(t.param) or t.label
        lines.append("{}: veld met {} (optioneel; herkend o.a. als {}).\n".format(
            t.param, desc, ", ".join(t.aliases[:4])))
    from ...ingest.specs import help_text

    kinds = [kind] + (["station_capacity"] if kind == "stations" else [])
    return "".join(lines) + "\n" + "\n".join(help_text(k) for k in kinds) + "\n"


def _table_frame(layer):
    """A spreadsheet or CSV file given as a layer, read as every table import reads it (``ingest.reader.read_table``:
    its encoding (Windows-1252 from Dutch Excel, which GDAL handed on undecoded: an English 'utf-8 codec can't
    decode'), a title line above the column names, merged cells and formulas without a result named per row,
    a totals line); None for any other layer (read by ``layers.qgis_io.layer_to_frame``)."""
    from ...ingest.reader import is_table, read_source

    if layer.providerType() != "ogr" or not is_table(layer.source()):
        return None
    path = layer.source().split("|")[0]
    if not os.path.isfile(path) or layer.subsetString():
        return None  # a filtered layer: QGIS applies the filter (layer_to_frame)
    frame = read_source(layer.source())  # the sheet a 'layername=' names
    # the feature id QGIS shows for the same file (the id of a row when no id field is chosen): GDAL numbers a
    # spreadsheet's rows by their line, a CSV's records from 1 after the column names
    csv_file = path.lower().endswith((".csv", ".txt", ".tsv"))
    frame.insert(0, "_fid", range(1, len(frame) + 1) if csv_file else frame["_row"].to_numpy())
    return frame


class _ImportAlgorithm(PmiekAlgorithm):
    GROUP = "Importeren"
    GROUP_ID = "importeren"
    KIND = ""
    GEOMETRY_TYPES = [QgsProcessing.SourceType.TypeVectorAnyGeometry]
    FIELD_DESCRIPTIONS = {}

    def initAlgorithm(self, config=None):  # noqa: N802
        from ...layers import mapping as M

        self.add_werkbank_parameter()
        self.addParameter(QgsProcessingParameterVectorLayer("INPUT", self.tr("Bronlaag"), self.GEOMETRY_TYPES))
        for t in M.targets(self.KIND):
            if t.param:
                self.addParameter(QgsProcessingParameterField(
                    t.param, self.tr(self.FIELD_DESCRIPTIONS.get(t.param, t.label)),
                    parentLayerParameterName="INPUT", type=QgsProcessingParameterField.DataType.Any, optional=True))
        self.add_specific_parameters()
        self.addParameter(QgsProcessingParameterString("SOURCE_NAME", self.tr("Bronnaam"), optional=True))
        add_strict_parameter(self)
        self.addParameter(QgsProcessingParameterBoolean(
            "CHECK_PROVINCE", self.tr("Objecten buiten de provincie afkeuren"), True))
        add_pipeline_parameters(self)
        self.addParameter(QgsProcessingParameterFileDestination(
            "REPORT", self.tr("Validatierapport"), "HTML (*.html);;CSV (*.csv)", optional=True,
            createByDefault=False))
        self.addOutput(QgsProcessingOutputNumber("IMPORTED", self.tr("Geïmporteerd")))
        self.addOutput(QgsProcessingOutputNumber("REJECTED", self.tr("Afgekeurd")))
        self.addOutput(QgsProcessingOutputNumber("INSERTED", self.tr("Nieuw")))
        self.addOutput(QgsProcessingOutputNumber("UPDATED", self.tr("Bijgewerkt")))
        self.addOutput(QgsProcessingOutputNumber("UNCHANGED", self.tr("Ongewijzigd")))
        self.addOutput(QgsProcessingOutputNumber("REMOVED", self.tr("Niet meer in de bron")))

    def add_specific_parameters(self):
        pass

    def mapping(self, parameters, context):
        from ...layers import mapping as M

        result = {}
        for pname, tname in M.param_targets(self.KIND).items():
            raw = parameters.get(pname)
            if isinstance(raw, (list, tuple)):
                raw = raw[0] if raw else None
            if isinstance(raw, str):
                # the raw name, so that a misspelt field is reported (QGIS drops unknown field names)
                value = raw.strip()
            else:
                fields = self.parameter_as_fields(parameters, pname, context)
                value = fields[0] if fields else ""
            if value:
                result[tname] = value
        return result

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        self.require("geopandas", "shapely", "pandas")
        from ...layers import importers as I
        from ...layers.qgis_io import layer_to_frame

        layer = self.parameterAsVectorLayer(parameters, "INPUT", context)
        if layer is None or not layer.isValid():
            raise QgsProcessingException(self.tr("INPUT: de bronlaag '{}' is niet te openen (bestaat het bestand, "
                                                 "is het een vectorlaag?).").format(parameters.get("INPUT")))
        # the input's default name, and the layer of a multi-layer file (REMOVED is counted per name and layer)
        source, source_layer = I.source_name(layer)
        source = self.parameterAsString(parameters, "SOURCE_NAME", context).strip() or source
        report = report_path(self, parameters, context, self.KIND)
        mapping = self.mapping(parameters, context)
        wb = self.open_werkbank(parameters, context)
        try:
            from ...ingest.runner import run

            def read():
                # the runner takes the row versions before this: a row changed meanwhile is a conflict
                feedback.pushInfo(self.tr("Bron '{}' lezen ...").format(source))
                try:
                    frame = _table_frame(layer)  # a CSV/XLSX/ODS file: the import pipeline's own table reader
                    if frame is None:
                        frame = layer_to_frame(layer, feedback)
                except I.ImportFailed:
                    raise
                except Exception as e:  # noqa: BLE001
                    raise QgsProcessingException(self.tr("{}: de laag is niet leesbaar ({}).").format(source, e)) from e
                feedback.setProgress(30)
                return frame, source, source_layer  # REMOVED is counted per source name and layer

            params = dict(mapping=mapping, check_province=self.parameterAsBoolean(parameters, "CHECK_PROVINCE",
                                                                                  context))
            params.update(pipeline_options(self, parameters, context, feedback))
            params.update(self.specific_arguments(parameters, context))
            try:
                result = run(wb, self.KIND, read, report_path=report,
                             strict=self.parameterAsBoolean(parameters, "STRICT", context), **params)
            except I.ImportFailed as e:
                raise QgsProcessingException(str(e) + refused_report(self, feedback, e)) from e
        finally:
            wb.close()
        feedback.setProgress(100)
        log_report(self, feedback, result.report, report)
        out = {"IMPORTED": result.imported, "REJECTED": result.rejected, "REPORT": report,
               "INSERTED": result.counts.get("inserted", 0), "UPDATED": result.counts.get("updated", 0),
               "UNCHANGED": result.counts.get("unchanged", 0), "REMOVED": len(result.removed)}
        out.update(self.specific_outputs(result))
        return out

    def specific_arguments(self, parameters, context):
        return {}

    def specific_outputs(self, result):
        return {}


class ImportCapacityMap(_ImportAlgorithm):
    NAME = "importcapacitymap"
    DISPLAY = "Capaciteitskaart importeren"
    KIND = "capacity_areas"
    GEOMETRY_TYPES = [QgsProcessing.SourceType.TypeVectorPolygon]
    FIELD_DESCRIPTIONS = {
        "FIELD_ID": "Veld gebied-id (voedingsgebied_id)",
        "FIELD_DEMAND_MW": "Veld beschikbare afnamecapaciteit (MW)",
        "FIELD_SUPPLY_MW": "Veld beschikbare invoedingscapaciteit (MW)",
        "FIELD_YEAR": "Veld verwacht jaar opgelost, afname",
        "FIELD_SUPPLY_YEAR": "Veld verwacht jaar opgelost, invoeding",
    }

    def add_specific_parameters(self):
        self.addParameter(QgsProcessingParameterString("PEILDATUM", self.tr("Peildatum (JJJJ-MM-DD)"), optional=True))

    def specific_arguments(self, parameters, context):
        return {"peildatum": self.parameterAsString(parameters, "PEILDATUM", context).strip() or None}

    def shortHelpString(self):  # noqa: N802
        return self.tr(
            "Leest de capaciteitskaart (congestiekaart) van de netbeheerders in als vlakken in de tabel "
            "capacity_areas: kleur per richting (afname en invoeding: transparant/geel/oranje/rood), beschikbare "
            "capaciteit, wachtrij, verwacht jaar opgelost, het voedende station, peildatum en bron.\n"
            "De veldnamen van de open capaciteitskaart van Netbeheer Nederland (voedingsgebied_id, "
            "voedingsgebied_naam, RNB, afname en opwek met statuscodes 0–3 = transparant/geel/oranje/rood, "
            "wachtrij_afname, wachtrij_invoeding, jaartal_opgelost_*) worden herkend; kleuren mogen ook als tekst "
            "(rood, red, 'Tekort, met wachtrij' ...). Onbekende kleuren worden leeg gelaten en gemeld.\n\n"
        ) + self.tr(COMMON_HELP).format(pipeline=PIPELINE_HELP, fields=_field_help(self.KIND, self.FIELD_DESCRIPTIONS) + self.tr(
            "PEILDATUM: peildatum van de kaart, JJJJ-MM-DD (standaard de peildatum van het programma).\n"))


class ImportStations(_ImportAlgorithm):
    NAME = "importstations"
    DISPLAY = "Stations en capaciteit importeren"
    KIND = "stations"
    GEOMETRY_TYPES = [QgsProcessing.SourceType.TypeVectorPoint, QgsProcessing.SourceType.TypeVectorPolygon]
    FIELD_DESCRIPTIONS = {"FIELD_ID": "Veld station-id", "FIELD_VOLTAGE": "Veld spanning (kV)"}

    def add_specific_parameters(self):
        self.addParameter(QgsProcessingParameterFile(
            "CAPACITY_TABLE", self.tr("Capaciteitstabel per station en jaar (CSV/XLSX)"),
            behavior=QgsProcessingParameterFile.Behavior.File, fileFilter="Tabellen (*.csv *.xlsx *.txt)", optional=True))
        self.addParameter(QgsProcessingParameterString("PEILDATUM", self.tr("Peildatum (JJJJ-MM-DD)"), optional=True))
        self.addOutput(QgsProcessingOutputNumber("CAPACITY_IMPORTED", self.tr("Capaciteitsrijen geïmporteerd")))
        self.addOutput(QgsProcessingOutputNumber("CAPACITY_REJECTED", self.tr("Capaciteitsrijen afgekeurd")))

    def specific_arguments(self, parameters, context):
        table = self.parameterAsFile(parameters, "CAPACITY_TABLE", context)
        return {"capacity_table": table or None,
                "peildatum": self.parameterAsString(parameters, "PEILDATUM", context).strip() or None}

    def specific_outputs(self, result):
        sub = result.extra.get("capacity")
        return {"CAPACITY_IMPORTED": sub.imported if sub else 0, "CAPACITY_REJECTED": sub.rejected if sub else 0}

    def shortHelpString(self):  # noqa: N802
        return self.tr(
            "Leest stations (punten; vlakken worden een punt op het oppervlak) in de tabel stations: id, naam, "
            "netbeheerder, spanning (kV) en spanningsniveau (EHS ≥ 220 kV, HS ≥ 110 kV, TS ≥ 25 kV, anders MS, "
            "tenzij een niveau-veld is opgegeven). Stations zonder naam krijgen 'Station <id>' (gemeld).\n"
            "Met CAPACITY_TABLE ook de capaciteit per zichtjaar (station_capacity): een CSV (; of ,) of XLSX in "
            "lang formaat (kolommen station, jaar, afname, teruglevering; optioneel bron, peildatum) of breed "
            "formaat (kolom station plus een kolom per jaar: afname_2030, teruglevering_2030; een kolom met "
            "alleen een jaartal geldt als afname). Station-id's die niet in de laag of de werkbank staan worden "
            "gemeld en niet ingelezen. Bestaande (station, jaar)-waarden worden bijgewerkt.\n\n"
        ) + self.tr(COMMON_HELP).format(pipeline=PIPELINE_HELP, fields=_field_help(self.KIND, self.FIELD_DESCRIPTIONS) + self.tr(
            "CAPACITY_TABLE: capaciteitstabel CSV/XLSX (optioneel).\n"
            "PEILDATUM: peildatum van stations en capaciteit, JJJJ-MM-DD (standaard die van het programma).\n")) + self.tr(
            "\nExtra uitvoer: CAPACITY_IMPORTED en CAPACITY_REJECTED (rijen van de capaciteitstabel).")


class ImportDevelopments(_ImportAlgorithm):
    NAME = "importdevelopments"
    DISPLAY = "Ontwikkelingen importeren"
    KIND = "developments"
    GEOMETRY_TYPES = [QgsProcessing.SourceType.TypeVectorPoint, QgsProcessing.SourceType.TypeVectorPolygon]
    FIELD_DESCRIPTIONS = {
        "FIELD_UNITS": "Veld hoeveelheid voor het kengetal (woningen, ha, MWp ...)",
        "FIELD_UNIT_TYPE": "Veld eenheid of kengetal-id per rij",
    }

    def add_specific_parameters(self):
        self.addParameter(QgsProcessingParameterString("SECTOR", self.tr("Vaste sector (als er geen sectorveld is)"),
                                                       optional=True))
        self.addParameter(QgsProcessingParameterString(
            "UNIT_TYPE", self.tr("Eenheid of kengetal-id voor de hoeveelheid (bijv. woning, ha, zon_mwp)"),
            optional=True))

    def specific_arguments(self, parameters, context):
        return {"sector": self.parameterAsString(parameters, "SECTOR", context).strip() or None,
                "unit_type": self.parameterAsString(parameters, "UNIT_TYPE", context).strip() or None}

    def shortHelpString(self):  # noqa: N802
        from ...werkbank import enums as E

        return self.tr(
            "Leest ruimtelijke ontwikkelingen (punten of vlakken, bijv. woningbouwplannen of bedrijventerreinen) "
            "in de tabel developments. Waar vraag/aanbod in MW ontbreekt wordt het afgeleid uit een hoeveelheid "
            "(FIELD_UNITS) met de kengetallen van de werkbank; elke afgeleide waarde bewaart het gebruikte "
            "kengetal (kengetal_id). Rijen zonder MW én zonder hoeveelheid worden afgekeurd.\n\n"
        ) + self.tr(COMMON_HELP).format(pipeline=PIPELINE_HELP, fields=_field_help(self.KIND, self.FIELD_DESCRIPTIONS) + self.tr(
            "SECTOR: vaste sector voor rijen zonder sector (of als de laag geen sectorveld heeft); een van: {}.\n"
            "UNIT_TYPE: eenheid (woning, ha, MWp, laadpunt ...) of kengetal-id (bijv. zon_mwp) voor FIELD_UNITS "
            "als de laag geen eenheidsveld heeft; standaard het eerste kengetal van de sector.\n").format(
                ", ".join(E.SECTORS)))


class ImportEsdl(PmiekAlgorithm):
    """Stations and developments from an ESDL file, through the same runner and hooks as the layer imports."""

    NAME = "importesdl"
    DISPLAY = "ESDL-bestand importeren (stations en ontwikkelingen)"
    GROUP = "Importeren"
    GROUP_ID = "importeren"
    HELP = (
        "Leest stations (Transformer) en ontwikkelingen (vraag en aanbod) uit een ESDL-bestand, zoals 'Uitwisselpakket "
        "exporteren' dat schrijft, en importeert ze met dezelfde controles als de laagimports: provinciegrens, "
        "waarden, dubbele id's, REMOVED/SYNC en een rapport. Beide soorten in één transactie: afbreken of weigeren "
        "schrijft niets. Projecten in het bestand worden niet ingelezen. Vereist het Python-pakket pyesdl.\n\n"
        "INPUT: het ESDL-bestand (.esdl).\n"
        "STRICT: ja = alles of niets (de eerste afgekeurde rij weigert de hele import).\n"
        "SYNC: rijen van deze bron (bronnaam 'ESDL <naam van het energiesysteem>') die niet meer in het bestand "
        "staan verwijderen (standaard nee: alleen gemeld als REMOVED).\n"
        "REPORT: het rapport (HTML); zonder deze parameter naast de werkbank.\n\n"
        "Uitvoer: IMPORTED, REJECTED, INSERTED, UPDATED, UNCHANGED, REMOVED (stations en ontwikkelingen samen), "
        "STATIONS_IMPORTED, DEVELOPMENTS_IMPORTED en REPORT."
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_werkbank_parameter()
        self.addParameter(QgsProcessingParameterFile("INPUT", self.tr("ESDL-bestand"),
                                                     behavior=QgsProcessingParameterFile.Behavior.File,
                                                     fileFilter="ESDL (*.esdl)"))
        add_strict_parameter(self)
        add_sync_parameter(self)
        self.addParameter(QgsProcessingParameterFileDestination(
            "REPORT", self.tr("Validatierapport"), "HTML (*.html)", optional=True, createByDefault=False))
        for name, label in (("IMPORTED", "Geïmporteerd"), ("REJECTED", "Afgekeurd"), ("INSERTED", "Nieuw"),
                            ("UPDATED", "Bijgewerkt"), ("UNCHANGED", "Ongewijzigd"),
                            ("REMOVED", "Niet meer in de bron"), ("STATIONS_IMPORTED", "Stations geïmporteerd"),
                            ("DEVELOPMENTS_IMPORTED", "Ontwikkelingen geïmporteerd")):
            self.addOutput(QgsProcessingOutputNumber(name, self.tr(label)))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        self.require("geopandas", "shapely", "pandas")
        from ...ingest.errors import ImportFailed
        from ...programme.esdl_io import MISSING, esdl_available, import_esdl

        if not esdl_available():
            raise QgsProcessingException(self.tr(MISSING))
        path = self.parameterAsFile(parameters, "INPUT", context)
        report = report_path(self, parameters, context, "esdl")
        wb = self.open_werkbank(parameters, context)
        try:
            got = import_esdl(path, wb, feedback=feedback, report_path=report,
                              sync=self.parameterAsBoolean(parameters, "SYNC", context),
                              strict=self.parameterAsBoolean(parameters, "STRICT", context))
        except ImportFailed as e:
            raise QgsProcessingException(str(e)) from e
        finally:
            wb.close()
        log_report(self, feedback, got["report"], report)
        done = got["outcomes"]
        out = {"REPORT": report, "STATIONS_IMPORTED": done["stations"].imported if "stations" in done else 0,
               "DEVELOPMENTS_IMPORTED": done["developments"].imported if "developments" in done else 0}
        out["IMPORTED"] = sum(o.imported for o in done.values())
        out["REJECTED"] = sum(o.rejected for o in done.values())
        for name in ("inserted", "updated", "unchanged"):
            out[name.upper()] = sum(o.counts.get(name, 0) for o in done.values())
        out["REMOVED"] = sum(len(o.removed) for o in done.values())
        return out


ALGORITHMS = [ImportCapacityMap, ImportStations, ImportDevelopments, ImportEsdl]
