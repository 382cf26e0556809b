"""Afwegingskader algorithms: import ratings, score and rank projects, criteria files, decisions."""

import os

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsFields,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsWkbTypes,
)

from ..base import PmiekAlgorithm, add_features, close_output
from .import_algs import SpecHelpMixin
from .project_algs import STRICT_HELP
from ...layers.fieldtypes import make_field
from ...scoring.ranking import RANK_RULE  # a text constant: scoring.ranking imports nothing heavy at start-up

GROUP = "Afwegingskader"
GROUP_ID = "afwegingskader"
DEFAULT_SEED = 20250101  # = scoring.ranking.DEFAULT_SEED (not imported here: start-up stays light)

# parameter -> canonical column of scoring.scores
SCORE_FIELDS = (
    ("FIELD_PROJECT", "project_id", "Veld project-id (of projectcode)"),
    ("FIELD_CRITERION", "criterion_id", "Veld criterium (A..H of eigen code)"),
    ("FIELD_RATING", "rating", "Veld waardering"),
    ("FIELD_RATIONALE", "rationale", "Veld motivatie"),
    ("FIELD_ASSESSOR", "assessor", "Veld beoordelaar"),
    ("FIELD_ROLE", "assessor_role", "Veld rol beoordelaar"),
    ("FIELD_DATE", "score_date", "Veld datum"),
    ("FIELD_AGREED", "agreed", "Veld vastgestelde waarde (ja/nee)"),
)


def _scoring_error():
    from ...scoring.errors import ScoringError
    from ...werkbank import WerkbankError

    return (ScoringError, WerkbankError)


class _ScoringAlg(PmiekAlgorithm):
    GROUP = GROUP
    GROUP_ID = GROUP_ID


class ImportScores(SpecHelpMixin, _ScoringAlg):
    SPEC_KINDS = ("scores",)
    NAME = "importscores"
    DISPLAY = "Beoordelingen importeren"
    HELP = (
        "Importeert waarderingen (scores) per project en criterium in de werkbank. Een ongeldige rij wordt "
        "afgekeurd en met rij, veld en melding genoemd (log, rapport, REJECTED); de overige worden geschreven "
        "(met STRICT: alles of niets). Een bestaande beoordeling met hetzelfde project, criterium en dezelfde "
        "beoordelaar wordt bijgewerkt (upsert).\n\n"
        "WERKBANK: de werkbank (.gpkg).\n"
        "INPUT: tabel (CSV, XLSX, GeoPackage-tabel of laag) met één beoordeling per rij.\n"
        "FIELD_PROJECT: veld met de project-id of projectcode (leeg = automatisch: project_id, project, code).\n"
        "FIELD_CRITERION: veld met het criterium, bijv. A..H (leeg = automatisch: criterium).\n"
        "FIELD_RATING: veld met de waardering; moet op de schaal van het criterium staan, bijv. hoog/gemiddeld/laag; "
        "bij een informatief criterium met schaal 'informatief' (H, omvang kosten) de tekst zelf, bijv. '€ 95 mln' "
        "(leeg = automatisch: waardering).\n"
        "FIELD_RATIONALE: veld met de motivatie; verplicht voor elke waardering (leeg = automatisch: motivatie).\n"
        "FIELD_ASSESSOR: veld met de naam van de beoordelaar (leeg = automatisch: beoordelaar).\n"
        "FIELD_ROLE: veld met de rol: provincie, netbeheerder, gemeente of sector (optioneel; leeg = automatisch: "
        "rol; zonder rol geldt de rol van het criterium).\n"
        "FIELD_DATE: veld met de datum JJJJ-MM-DD of DD-MM-JJJJ (leeg = automatisch: datum; heeft de tabel geen "
        "datumveld, dan geldt vandaag).\n"
        "FIELD_AGREED: veld ja/nee of 1/0: dit is de vastgestelde (gezamenlijke) waarde (optioneel; automatisch: "
        "vastgesteld).\n"
        "SOURCE_WINS: een beoordeling die na de vorige import is gewijzigd (waardering, motivatie, rol, datum, "
        "vastgesteld) houdt standaard haar waarde; het conflict staat in de log en de wijzigingshistorie. Met ja "
        "wint de bron.\n"
        "REPORT: importrapport (HTML of CSV; standaard naast de werkbank).\n"
        "Uitvoer: IMPORTED, REJECTED, INSERTED, UPDATED, UNCHANGED, REMOVED (altijd 0: beoordelingen worden niet "
        "per bron bijgehouden), CONFLICTS (aantallen), REPORT.\n\n"
    ) + STRICT_HELP

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_werkbank_parameter()
        self.addParameter(QgsProcessingParameterFeatureSource(
            "INPUT", self.tr("Tabel met beoordelingen"), [QgsProcessing.SourceType.TypeVector]))
        for name, _canon, label in SCORE_FIELDS:
            self.addParameter(QgsProcessingParameterField(
                name, self.tr(label), parentLayerParameterName="INPUT", optional=True))
        from .project_algs import _count_outputs

        _count_outputs(self, strict=True)  # STRICT, SOURCE_WINS, REPORT; IMPORTED, REJECTED ... as every import

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        from ...ingest.runner import SOURCE_UNUSED
        from ...scoring import scores as S
        from .project_algs import count_outputs, run_spec

        def to_scores(df, label):
            """The input's columns -> the canonical score columns (FIELD_ parameters, else recognised)."""
            import pandas as pd

            names = [c for c in df.columns if not str(c).startswith("_") and c != "geometry"]
            auto = S.recognise_columns(names)
            mapping = {}
            for pname, canon, _label in SCORE_FIELDS:
                chosen = self.parameterAsString(parameters, pname, context)
                if chosen:
                    if chosen not in names:
                        raise QgsProcessingException(self.tr("{}: veld '{}' bestaat niet in {}.").format(
                            pname, chosen, label))
                    mapping[canon] = chosen
                elif canon in auto:
                    mapping[canon] = auto[canon]
            missing = [S.DUTCH_FIELD[c] for c in S.REQUIRED if c not in mapping]
            if missing:
                raise QgsProcessingException(self.tr(
                    "{}: kolom(men) niet gevonden: {}. Kies ze met de FIELD_-parameters of noem de kolommen "
                    "project_id, criterium, waardering, motivatie, beoordelaar, rol, datum.").format(
                        label, ", ".join(missing)))
            for canon, col in mapping.items():
                feedback.pushInfo(self.tr("{} ← kolom '{}'").format(S.DUTCH_FIELD[canon], col))
            out = pd.DataFrame({canon: df[col].astype(object).where(df[col].notna(), None)
                                for canon, col in mapping.items()})
            out["_row"] = df["_row"].astype(int).values
            read = set(mapping.values())
            out.attrs[SOURCE_UNUSED] = [c for c in names if c not in read and str(c).lower() not in ("fid", "ogc_fid")]
            if "score_date" not in mapping:
                # no date column: today, as the hook's default date
                out["score_date"] = S.today()
                feedback.pushInfo(self.tr("Geen datumveld: als datum geldt vandaag ({}).").format(S.today()))
            return out

        wb = self.open_werkbank(parameters, context)
        try:
            res = run_spec(self, parameters, context, feedback, wb, "scores", transform=to_scores)
        finally:
            wb.close()
        return count_outputs(self, feedback, res.source, res.counts, parameters=parameters, context=context,
                             kind="scores", n_input=res.n_input, outcome=res)


class ScoreProjects(_ScoringAlg):
    NAME = "scoreprojects"
    DISPLAY = "Projecten scoren en rangschikken"
    HELP = (
        "Berekent per project de punten per criterium, het totaal (som van punten × gewicht; informatieve "
        "criteria zoals H tellen niet mee), de rang en de gevoeligheid van die rang voor de gewichten.\n\n"
        "Per criterium telt de vastgestelde waarde; zonder vastgestelde waarde de waardering waarover alle "
        "beoordelaars het eens zijn. Zijn zij het oneens, dan telt het criterium niet en is het project "
        "onvolledig en gemarkeerd als 'oneens'.\n"
        "Gelijke totalen: eerst het project met de meeste volledig beoordeelde criteria, dan de projectcode "
        "(of naam) in natuurlijke volgorde.\n\n"
        "WERKBANK: de werkbank (.gpkg).\n"
        "VARIATION_PCT: variatie van de gewichten in procenten (standaard 25): elk gewicht eerst één voor één "
        "×(1 + p) en ×(1 − p), daarna willekeurig.\n"
        "RANDOM_RUNS: aantal willekeurige gewichtensets, elk gewicht ×U(1 − p, 1 + p) (standaard 200; 0 = alleen "
        "één voor één).\n"
        "SEED: startgetal van de toevalsgenerator, voor reproduceerbare uitkomsten.\n"
        "OUTPUT: tabel, één rij per project (beste eerst): project_id, code, naam, punten per criterium (kolommen "
        "A..H), subtotaal per groep, total (totaal), rank (rang), rank_min en rank_max (rangbereik in de "
        "gevoeligheidsanalyse), complete (1 = alle tellende criteria hebben een waarde), disagreement "
        "(1 = beoordelaars oneens zonder vastgestelde waarde), missing (criteria zonder waarde), disputed "
        "(criteria met onenigheid), status, status_reason en rank_note (waarom een project geen rang heeft).\n"
        "INCLUDE_CONFIDENTIAL: vertrouwelijke projecten toch opnemen (standaard nee); zij krijgen nooit een "
        "rang, en de eerste rij van de tabel zegt dan dat de tabel vertrouwelijke projecten bevat.\n\n"
        + RANK_RULE
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_werkbank_parameter()
        self.addParameter(QgsProcessingParameterNumber(
            "VARIATION_PCT", self.tr("Variatie gewichten (%)"), QgsProcessingParameterNumber.Type.Double, 25.0,
            minValue=0.0, maxValue=100.0))
        self.addParameter(QgsProcessingParameterNumber(
            "RANDOM_RUNS", self.tr("Aantal willekeurige gewichtensets"), QgsProcessingParameterNumber.Type.Integer, 200,
            minValue=0, maxValue=100000))
        self.addParameter(QgsProcessingParameterNumber(
            "SEED", self.tr("Startgetal toevalsgenerator"), QgsProcessingParameterNumber.Type.Integer, DEFAULT_SEED))
        self.addParameter(QgsProcessingParameterBoolean(
            "INCLUDE_CONFIDENTIAL", self.tr("Vertrouwelijke projecten toch opnemen"), defaultValue=False))
        self.addParameter(QgsProcessingParameterFeatureSink(
            "OUTPUT", self.tr("Rangorde projecten"), QgsProcessing.SourceType.TypeVector))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        from ...scoring import criteria as K
        from ...scoring import ranking as R

        pct = self.parameterAsDouble(parameters, "VARIATION_PCT", context)
        runs = self.parameterAsInt(parameters, "RANDOM_RUNS", context)
        seed = self.parameterAsInt(parameters, "SEED", context)
        include = self.parameterAsBool(parameters, "INCLUDE_CONFIDENTIAL", context)
        wb = self.open_werkbank(parameters, context, readonly=True)
        try:
            crit = K.criteria_list(wb)
            table = R.score_projects(wb, variation_pct=pct, random_runs=runs, seed=seed,
                                     include_confidential=include)
        except _scoring_error() as e:
            raise QgsProcessingException(str(e)) from e
        finally:
            wb.close()
        fields = QgsFields()
        for name in ("project_id", "code", "name"):
            fields.append(make_field(name, "string"))
        crit_ids = [c["criterion_id"] for c in crit]
        for cid in crit_ids:
            fields.append(make_field(cid, "double"))
        subtotals = [c for c in table.columns if c.startswith("subtotal_")]
        for c in subtotals:
            fields.append(make_field(c, "double"))
        fields.append(make_field("total", "double"))
        for name in ("rank", "rank_min", "rank_max", "complete", "disagreement"):
            fields.append(make_field(name, "int"))
        for name in ("missing", "disputed", "status", "status_reason", "rank_note"):
            fields.append(make_field(name, "string"))
        sink, dest = self.parameterAsSink(parameters, "OUTPUT", context, fields, QgsWkbTypes.Type.NoGeometry,
                                          QgsCoordinateReferenceSystem())
        if sink is None:
            raise QgsProcessingException(self.tr("OUTPUT: de uitvoertabel kan niet worden gemaakt."))

        def val(v):
            if v is None or (isinstance(v, float) and v != v):
                return None
            return v.item() if hasattr(v, "item") else v

        feats = []
        if include:  # the first line says it: this table contains confidential projects
            from ...programme.visibility import CONFIDENTIAL_NOTICE

            f = QgsFeature(fields)
            f.setAttributes([None, None, CONFIDENTIAL_NOTICE] + [None] * (fields.count() - 3))
            feats.append(f)

        def rank_val(v):
            import pandas as pd

            return None if v is None or pd.isna(v) else int(v)

        for row in table.to_dict("records"):
            f = QgsFeature(fields)
            attrs = [row["project_id"], val(row["code"]), val(row["name"])]
            attrs += [val(row[c]) for c in crit_ids]
            attrs += [val(row[c]) for c in subtotals]
            attrs += [float(row["total"]), rank_val(row["rank"]), rank_val(row["rank_min"]), rank_val(row["rank_max"]),
                      int(bool(row["complete"])), int(bool(row["disagreement"])),
                      row["missing"] or None, row["disputed"] or None, row["status"], val(row["status_reason"]),
                      row["rank_note"] or None]
            f.setAttributes(attrs)
            feats.append(f)
        add_features(sink, feats, "OUTPUT")
        close_output(sink, dest, len(feats), "OUTPUT", context)
        n_incomplete = int((~table["complete"].astype(bool)).sum()) if len(table) else 0
        feedback.pushInfo(self.tr("{} projecten gerangschikt; {} onvolledig, {} met onenigheid.").format(
            int(table["ranked"].sum()) if len(table) else 0, n_incomplete, int(table["disagreement"].sum()) if len(table) else 0))
        return {"OUTPUT": dest}


class ImportCriteria(_ScoringAlg):
    NAME = "importcriteria"
    DISPLAY = "Afwegingskader importeren"
    HELP = (
        "Leest een afwegingskader (criteria) uit een bestand en zet het in de werkbank, alles of niets. "
        "Bestaande criteria met dezelfde code worden bijgewerkt; criteria die niet in het bestand staan "
        "blijven bestaan (met hun beoordelingen) en worden gemeld.\n"
        "Gecontroleerd wordt: bekende groep (maatschappelijke_waarde, systeemtoets, realiseerbaarheid, "
        "informatief), evenveel punten als schaalwaarden, gewicht 0 of groter, bekende beoordelaar.\n\n"
        "WERKBANK: de werkbank (.gpkg).\n"
        "INPUT: het bestand, .json (velden code, naam, vraag, groep, schaal, punten, gewicht, beoordelaar, "
        "volgorde) of .csv met diezelfde kolomkoppen, gescheiden door ';' (schaal en punten gescheiden door '|').\n\n"
        "Uitvoer: INSERTED, UPDATED, UNCHANGED (aantallen), NOT_IN_FILE (codes die alleen in de werkbank staan)."
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_werkbank_parameter()
        self.addParameter(QgsProcessingParameterFile(
            "INPUT", self.tr("Afwegingskader (JSON of CSV)"), behavior=QgsProcessingParameterFile.Behavior.File,
            fileFilter="Afwegingskader (*.json *.csv)"))
        for name, label in (("INSERTED", "Nieuw"), ("UPDATED", "Bijgewerkt"), ("UNCHANGED", "Ongewijzigd")):
            self.addOutput(QgsProcessingOutputNumber(name, self.tr(label)))
        self.addOutput(QgsProcessingOutputString("NOT_IN_FILE", self.tr("Alleen in de werkbank")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        from ...scoring import criteria as K

        path = self.parameterAsFile(parameters, "INPUT", context)
        if not path or not os.path.isfile(path):
            raise QgsProcessingException(self.tr("INPUT: bestand niet gevonden: {}").format(path))
        wb = self.open_werkbank(parameters, context)
        try:
            counts = K.import_criteria(wb, path)
        except _scoring_error() as e:
            raise QgsProcessingException(str(e)) from e
        finally:
            wb.close()
        extra = ", ".join(counts["not_in_file"])
        feedback.pushInfo(self.tr("Criteria: {} nieuw, {} bijgewerkt, {} ongewijzigd.").format(
            counts["inserted"], counts["updated"], counts["unchanged"]))
        if extra:
            feedback.pushInfo(self.tr("Niet in het bestand (blijven staan): {}").format(extra))
        return {"INSERTED": counts["inserted"], "UPDATED": counts["updated"], "UNCHANGED": counts["unchanged"],
                "NOT_IN_FILE": extra}


class ExportCriteria(_ScoringAlg):
    NAME = "exportcriteria"
    DISPLAY = "Afwegingskader exporteren"
    HELP = (
        "Schrijft het afwegingskader (criteria met groep, schaal, punten, gewicht en beoordelaar) van de "
        "werkbank naar een leesbaar bestand, om te delen met andere provincies of te bewerken.\n\n"
        "WERKBANK: de werkbank (.gpkg).\n"
        "OUTPUT: het bestand: .json (Nederlandse veldnamen) of .csv (kolomkoppen code;naam;vraag;groep;schaal;"
        "punten;gewicht;beoordelaar;volgorde).\n\n"
        "Uitvoer: OUTPUT (pad) en COUNT (aantal criteria)."
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_werkbank_parameter()
        self.addParameter(QgsProcessingParameterFileDestination(
            "OUTPUT", self.tr("Afwegingskader (bestand)"), "JSON (*.json);;CSV (*.csv)"))
        self.addOutput(QgsProcessingOutputNumber("COUNT", self.tr("Aantal criteria")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        from ...scoring import criteria as K

        out = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        wb = self.open_werkbank(parameters, context, readonly=True)
        try:
            n = K.export_criteria(wb, out)
        except _scoring_error() as e:
            raise QgsProcessingException(str(e)) from e
        finally:
            wb.close()
        feedback.pushInfo(self.tr("{} criteria geschreven naar {}.").format(n, out))
        return {"OUTPUT": out, "COUNT": n}


class SetStatus(_ScoringAlg):
    NAME = "setstatus"
    DISPLAY = "Besluit vastleggen (opnemen / laten afvallen)"
    STATUSES = ("kandidaat", "opgenomen", "afgevallen")
    HELP = (
        "Legt het besluit over een project vast: opgenomen in het pMIEK, afgevallen, of terug naar kandidaat. "
        "Voor opgenomen en afgevallen is een reden verplicht; het besluit komt met naam en tijdstip in het "
        "logboek van de werkbank.\n\n"
        "WERKBANK: de werkbank (.gpkg).\n"
        "PROJECT: project-id of projectcode.\n"
        "STATUS: kandidaat, opgenomen of afgevallen, of het nummer ervan (0, 1, 2).\n"
        "REASON: de reden van het besluit (verplicht bij opgenomen en afgevallen).\n\n"
        "Uitvoer: PROJECT_ID en STATUS."
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_werkbank_parameter()
        self.addParameter(QgsProcessingParameterString("PROJECT", self.tr("Project (id of code)")))
        self.addParameter(QgsProcessingParameterEnum(
            "STATUS", self.tr("Status"), list(self.STATUSES), False, "opgenomen", False, True))
        self.addParameter(QgsProcessingParameterString("REASON", self.tr("Reden"), optional=True, multiLine=True))
        self.addOutput(QgsProcessingOutputString("PROJECT_ID", self.tr("Project-id")))
        self.addOutput(QgsProcessingOutputString("STATUS", self.tr("Status")))

    def _status_by_number(self, value):
        """The status a number of the list means (2, '2' -> 'afgevallen', as the enum's help offers), else None:
        a parameter with static strings otherwise refuses the number (and would read it as the default)."""
        text = str(value).strip() if isinstance(value, (int, str)) and not isinstance(value, bool) else ""
        if text.isdigit() and int(text) < len(self.STATUSES):
            return self.STATUSES[int(text)]
        return None

    def checkParameterValues(self, parameters, context):  # noqa: N802
        status = self._status_by_number(parameters.get("STATUS"))
        if status is not None:
            parameters = dict(parameters)
            parameters["STATUS"] = status
        return super().checkParameterValues(parameters, context)

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        from ...scoring import decisions as D

        project = self.parameterAsString(parameters, "PROJECT", context).strip()
        status = (self._status_by_number(parameters.get("STATUS")) or
                  self.parameterAsEnumString(parameters, "STATUS", context))
        reason = self.parameterAsString(parameters, "REASON", context)
        wb = self.open_werkbank(parameters, context)
        try:
            pid = D.set_status(wb, project, status, reason)
        except _scoring_error() as e:
            raise QgsProcessingException(str(e)) from e
        finally:
            wb.close()
        feedback.pushInfo(self.tr("Project {}: status {}.").format(pid, status))
        return {"PROJECT_ID": pid, "STATUS": status}


class ExportAfgevallen(_ScoringAlg):
    NAME = "exportafgevallen"
    DISPLAY = "Lijst afgevallen projecten exporteren"
    HELP = (
        "Schrijft de afgevallen projecten met de reden van afvallen, datum en naam van het besluit.\n\n"
        "WERKBANK: de werkbank (.gpkg).\n"
        "OUTPUT: .csv (gescheiden door ';') of .xlsx.\n"
        "INCLUDE_CONFIDENTIAL: ook afgevallen vertrouwelijke projecten (standaard nee); de kop zegt het dan.\n\n"
        "Uitvoer: OUTPUT (pad) en COUNT (aantal afgevallen projecten)."
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_werkbank_parameter()
        self.addParameter(QgsProcessingParameterFileDestination(
            "OUTPUT", self.tr("Lijst afgevallen projecten"), "Excel (*.xlsx);;CSV (*.csv)"))
        self.addParameter(QgsProcessingParameterBoolean(
            "INCLUDE_CONFIDENTIAL", self.tr("Vertrouwelijke projecten toch opnemen"), defaultValue=False))
        self.addOutput(QgsProcessingOutputNumber("COUNT", self.tr("Aantal afgevallen projecten")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        from ...scoring import decisions as D

        out = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        wb = self.open_werkbank(parameters, context, readonly=True)
        try:
            n = D.export_afgevallen(wb, out, self.parameterAsBool(parameters, "INCLUDE_CONFIDENTIAL", context))
        except _scoring_error() as e:
            raise QgsProcessingException(str(e)) from e
        finally:
            wb.close()
        return {"OUTPUT": out, "COUNT": n}


ALGORITHMS = [ImportScores, ScoreProjects, ImportCriteria, ExportCriteria, SetStatus, ExportAfgevallen]
