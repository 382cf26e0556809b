"""Projects, knooppunten, links and the capacity balance (pmiek:importprojects, importknooppunten, importlinks,
capacitybalance)."""

import os
from itertools import islice

from qgis.core import (
    QgsFeature,
    QgsFields,
    QgsGeometry,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsCoordinateReferenceSystem,
    QgsWkbTypes,
)
from ..base import PmiekAlgorithm, add_features, style_by_status_on_load, verify_output
from .import_algs import SpecHelpMixin
from ...formatting import fmt_mw, fmt_num
from ...layers.fieldtypes import make_field

MAX_MESSAGES = 25


def read_input(alg, parameters, context, feedback, name="INPUT"):
    """(frame, source name, source layer) through the import pipeline's one reader.

    Spreadsheets and CSV files (``ingest.reader.read_table``): ``_row`` is the spreadsheet line (header = 1);
    layers (``layers.qgis_io.layer_to_frame``): ``_row`` is the row as QGIS numbers it, reprojected to
    EPSG:28992; a layer without CRS is refused.  The source name and layer: ``ingest.reader.source_name`` (the
    file name with extension, plus the layer of a multi-layer file).  Cells the reader cannot read (formula
    without result, merged cell) abort with their line and column.
    """
    from ...ingest.errors import ImportFailed
    from ...ingest.reader import is_table, read_table, source_name

    value = parameters.get(name)
    path, sheet = None, None
    if isinstance(value, str) and os.path.isfile(value.split("|")[0]) and is_table(value):
        path = value
    layer = None
    if path is None:
        layer = alg.parameterAsVectorLayer(parameters, name, context)
        if layer is not None and layer.providerType() == "ogr" and not layer.isSpatial() and is_table(layer.source()):
            path = layer.source()
    if path is not None:
        parts = path.split("|")
        for p in parts[1:]:
            if p.startswith("layername="):
                sheet = p[len("layername="):]
        try:
            df = read_table(parts[0], sheet=sheet)
        except ImportFailed as e:
            raise QgsProcessingException(str(e)) from e
        src, src_layer = source_name(path, with_extension=True, layers=df.attrs.get("layers"))
        bad = df.attrs.get("unreadable") or []
        if bad:
            fail(["{}, rij {}, veld '{}': cel niet leesbaar: {}".format(src, r, c, why) for r, c, why in bad])
        return df, src, src_layer
    from ...layers.qgis_io import layer_to_frame

    source = layer if layer is not None else alg.parameterAsSource(parameters, name, context)
    if source is None:
        raise QgsProcessingException(alg.tr("Geen invoer ({}).").format(name))
    try:
        df = layer_to_frame(source, feedback)
    except ImportFailed as e:
        raise QgsProcessingException(str(e)) from e
    src, src_layer = source_name(layer, with_extension=True) if layer is not None else (name, None)
    if hasattr(df, "crs") and getattr(df, "geometry", None) is not None:
        if df.crs is None:
            if len(df) and df.geometry.notna().any():
                raise QgsProcessingException(alg.tr(
                    "{}: de laag heeft geen coördinatenstelsel (CRS); stel het in en probeer opnieuw. De werkbank is "
                    "niet gewijzigd.").format(src))
            df = df.set_crs("EPSG:28992", allow_override=True)
        elif df.crs.to_epsg() != 28992:
            df = df.to_crs("EPSG:28992")
    return df, src, src_layer


def fail(errors):
    from ...ingest.runner import failure_text

    raise QgsProcessingException(failure_text(errors))


# Decisions survive a refresh: every field these imports write is protected once it was changed after the
# previous import (ingest.decisions), geometry excepted.
def run_spec(alg, parameters, context, feedback, wb, kind, transform=None, **params):
    """Run the one import runner for ``kind`` on INPUT (read with :func:`read_input`; ``transform(frame, source)``
    -> the frame the hook gets, e.g. columns chosen by FIELD_ parameters); the decisions kept land in
    ``alg.conflicts``.  Returns the runner's Outcome; its refusals are QgsProcessingExceptions."""
    from ...ingest.errors import ImportFailed
    from ...ingest.runner import run

    def read():
        df, src, layer = read_input(alg, parameters, context, feedback)
        return (transform(df, src) if transform is not None else df), src, layer  # REMOVED per name and layer

    alg.conflicts, alg.rejections = [], []
    # STRICT (where the algorithm has it, default no): a rejected row refuses the import; otherwise it is
    # skipped and named (row, field, message) in the log and the report, as in every import
    strict = alg.parameterAsBoolean(parameters, "STRICT", context) if alg.parameterDefinition("STRICT") else True
    # SYNC (where the algorithm has it, default no): rows of this source that left it are deleted, else reported
    sync = alg.parameterAsBoolean(parameters, "SYNC", context) if alg.parameterDefinition("SYNC") else False
    from .import_algs import refused_report, report_path

    try:  # the runner writes the report, also of a refused import (then with the problems that refused it)
        outcome = run(wb, kind, read, feedback=feedback, strict=strict, sync=sync,
                      source_wins=alg.parameterAsBoolean(parameters, "SOURCE_WINS", context),
                      report_path=report_path(alg, parameters, context, kind), **params)
    except ImportFailed as e:
        raise QgsProcessingException(str(e) + refused_report(alg, feedback, e)) from e
    alg.conflicts, alg.rejections = outcome.conflicts, outcome.rejections
    for p in outcome.report.errors()[:MAX_MESSAGES]:
        feedback.reportError(alg.tr("Afgekeurd: ") + p.message(outcome.source), False)
    log_notes(feedback, outcome.notes)
    if outcome.removed:
        shown = ", ".join(outcome.removed[:MAX_MESSAGES])
        if outcome.deleted:
            feedback.pushWarning(alg.tr("Verwijderd (niet meer in de bron, SYNC): {}").format(shown))
        else:
            feedback.pushWarning(alg.tr("Niet meer in de bron (blijven staan; verwijderen met SYNC): {}").format(shown))
    return outcome


WARNING_PREFIX = "waarschuwing: "  # how the runner and the hooks mark a note that is a warning


def log_notes(feedback, notes):
    """The import's notes in the log, for every algorithm the same way: a warning ('waarschuwing: …' at the start,
    or after the row it names) as a warning, the prefix left off; anything else as information."""
    for n in list(notes)[:MAX_MESSAGES]:
        if n.startswith(WARNING_PREFIX):
            feedback.pushWarning(n[len(WARNING_PREFIX):])
        elif WARNING_PREFIX in n:
            feedback.pushWarning(n)
        else:
            feedback.pushInfo(n)


def count_outputs(alg, feedback, src, counts, unknown=None, parameters=None, context=None, kind=None, n_input=None,
                  notes=(), outcome=None):
    """Log the write counts (and the decisions kept), write the report and return the algorithm's outputs.
    ``outcome``: the runner's Outcome (:func:`run_spec`): its report (with REMOVED/SYNC) is written and its
    REMOVED counted; without it the report is built from the counts and notes."""
    from ...ingest import decisions as D
    from ...ingest.runner import Outcome
    from ...ingest.runner import report as runner_report

    text = alg.tr("{}: {} nieuw, {} bijgewerkt, {} ongewijzigd").format(
        src, counts["inserted"], counts["updated"], counts["unchanged"])
    written = counts["inserted"] + counts["updated"] + counts["unchanged"]
    rejections = getattr(alg, "rejections", [])
    out = {"INSERTED": counts["inserted"], "UPDATED": counts["updated"], "UNCHANGED": counts["unchanged"],
           "IMPORTED": written, "REJECTED": (n_input - written) if n_input is not None else 0,
           "REMOVED": len(outcome.removed) if outcome is not None else 0}
    if unknown is not None:
        text += alg.tr(", {} onbekend").format(unknown)
        out["UNKNOWN"] = unknown
    feedback.pushInfo(text + ".")
    conflicts = getattr(alg, "conflicts", [])
    for c in conflicts[:MAX_MESSAGES]:
        feedback.reportError(alg.tr("Conflict met een besluit: ") + D.describe(c), False)
    if parameters is not None:
        from .import_algs import report_path

        path = getattr(outcome, "report_path", None)  # run_spec's runner wrote it there
        if path is None:
            path = report_path(alg, parameters, context, kind or "import")
            rep = runner_report(Outcome(kind, src, n_input, None, counts, conflicts, notes, rejections), kind or "") \
                if outcome is None else outcome.report
            rep.write(path)
        else:
            rep = outcome.report
        if getattr(alg, "_report_twin", False):
            rep.write_csv(os.path.splitext(path)[0] + ".csv")
        out["REPORT"] = path
        feedback.pushInfo(alg.tr("Rapport: {}").format(path))
    out["CONFLICTS"] = len(conflicts)
    return out


def _count_outputs(alg, source_wins=True, strict=False, sync=False):
    """The outputs and shared parameters of the table imports: SOURCE_WINS (where decisions are kept), STRICT
    (where a bad row is rejected and the rest imported, see :func:`run_spec`), SYNC (where rows that left the
    source are deleted), REPORT; counts."""
    from qgis.core import QgsProcessingOutputFile, QgsProcessingParameterFileDestination

    from .import_algs import add_strict_parameter, add_sync_parameter

    if strict:
        add_strict_parameter(alg, optional=True)
    if sync:
        add_sync_parameter(alg)
    if source_wins:
        alg.addParameter(QgsProcessingParameterBoolean(
            "SOURCE_WINS", alg.tr("De bron wint van besluiten die na de vorige import zijn genomen"), False,
            optional=True))
    alg.addParameter(QgsProcessingParameterFileDestination(
        "REPORT", alg.tr("Importrapport"), "HTML (*.html);;CSV (*.csv)", optional=True, createByDefault=False))
    for n, t in (("IMPORTED", "Geïmporteerd"), ("REJECTED", "Afgekeurd"), ("INSERTED", "Nieuw"),
                 ("UPDATED", "Bijgewerkt"), ("UNCHANGED", "Ongewijzigd"), ("REMOVED", "Niet meer in de bron")) + (
            (("CONFLICTS", "Conflicten met besluiten"),) if source_wins else ()):
        alg.addOutput(QgsProcessingOutputNumber(n, alg.tr(t)))
    alg.addOutput(QgsProcessingOutputFile("REPORT", alg.tr("Importrapport")))


STRICT_HELP = (
    "STRICT: bij ja breekt elke afgekeurde rij de hele import af (met bestand, rij, id en veld; niets wordt "
    "geschreven); bij nee (standaard) worden afgekeurde rijen overgeslagen en met rij, veld en melding gemeld "
    "(log, rapport, REJECTED) en de overige in één transactie geschreven. Een fout zonder rij (kolom ontbreekt) "
    "breekt altijd af.\n"
)

SYNC_HELP = (
    "SYNC: een rij die de vorige import uit dezelfde bron (zelfde bestands- of laagnaam) schreef en die niet meer "
    "in de bron staat, wordt standaard alleen gemeld (REMOVED, log en rapport) en blijft staan; met ja wordt hij "
    "verwijderd (in de wijzigingshistorie, met wat er aan hing: koppelingen, acties en monitoring van een "
    "verwijderd project). SYNC weigert de hele import (niets geschreven) voor een rij met een besluit na de "
    "vorige import (tenzij SOURCE_WINS), een project met beoordelingen, in een ontwikkelvariant of waar een ander "
    "project van afhangt, of een knooppunt met projecten; de melding noemt de rijen. Een afgekeurde rij staat nog in de bron, en een rij die "
    "de laatste import van een andere bron nog had is er nog: die tellen niet als verdwenen.\n"
)

DECISIONS_HELP = (
    "SOURCE_WINS: een veld dat na de vorige import in de werkbank is gewijzigd (een besluit: status, aandeel, "
    "motivatie, knooppunt ...) houdt standaard zijn waarde; het conflict (oud, nieuw, wie, wanneer) staat in het "
    "rapport en de wijzigingshistorie. Met ja wint de bron.\n"
    "REPORT: importrapport (HTML of CSV; standaard naast de werkbank).\n"
    "Uitvoer: IMPORTED, REJECTED, INSERTED, UPDATED, UNCHANGED, REMOVED, CONFLICTS, REPORT."
)


class ImportProjects(SpecHelpMixin, PmiekAlgorithm):
    SPEC_KINDS = ("projects",)
    NAME = "importprojects"
    DISPLAY = "Projectenlijst importeren"
    GROUP = "Projecten en knooppunten"
    GROUP_ID = "projecten"
    HELP = (
        "Leest een projectenlijst (Excel, CSV of een laag) in de tabel projecten van de werkbank. "
        "Bestaande projecten (zelfde project_id) worden bijgewerkt, nieuwe toegevoegd; een tweede keer "
        "importeren verandert niets.\n\n"
        "WERKBANK: de werkbank (GeoPackage).\n"
        "INPUT: laag, spreadsheet (.xlsx/.ods) of CSV met de kolommen van de projectenlijst uit de Handreiking: "
        "'Naam project' (verplicht), 'Locatie', 'Type infra', 'Sectoren en ontwikkelingen', 'Financiële "
        "informatie', 'Planning', 'Betrokken partijen'; en/of de kolommen project_id, type_infra, ibn_jaar, "
        "investering_eur, station_id, knooppunt, capaciteit_afname_mw, capaciteit_teruglevering_mw, status, "
        "reden_status, narratief, x, y. Zonder project_id is een rij het project met zijn code (Projectnr, "
        "projectcode; dezelfde regel als elders: een code die bij meer dan één project past wordt met de rij "
        "afgekeurd), zodat een nieuwe naam hetzelfde project bijwerkt; alleen een rij zonder id en zonder bekende "
        "code krijgt de nieuwe id 'P-<naam>'. Een code die na de import bij twee projecten zou horen (twee keer in "
        "de bron, of de code van een ander project) wordt met de rij afgekeurd. Zonder ibn_jaar wordt "
        "het eerste jaartal uit 'Planning' genomen. Een investering wordt zo nodig uit 'Financiële informatie' "
        "gelezen ('+/- €50 miljoen'). De geometrie komt uit de laag, anders uit x/y in RD New (EPSG:28992); "
        "rijen zonder geometrie mogen. Een project buiten de provincie van de werkbank (dezelfde regel als bij de "
        "ontwikkelingen: punt op het object meer dan de tolerantie van 2 km buiten de grens) wordt met rij en veld "
        "gemeld als waarschuwing en toch ingelezen: een project mag over de grens reiken. Station en knooppunt (id of naam) moeten in de werkbank bestaan.\n\n"
    ) + STRICT_HELP + SYNC_HELP + DECISIONS_HELP

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_werkbank_parameter()
        self.addParameter(QgsProcessingParameterFeatureSource(
            "INPUT", self.tr("Projectenlijst (laag, spreadsheet of CSV)"), [QgsProcessing.SourceType.TypeVector]))
        _count_outputs(self, strict=True, sync=True)

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        self.require("pandas", "geopandas", "shapely", "openpyxl")
        wb = self.open_werkbank(parameters, context)
        try:
            res = run_spec(self, parameters, context, feedback, wb, "projects")
        finally:
            wb.close()
        return count_outputs(self, feedback, res.source, res.counts, parameters=parameters, context=context,
                             kind="projects", n_input=res.n_input, outcome=res)


class ImportKnooppunten(SpecHelpMixin, PmiekAlgorithm):
    SPEC_KINDS = ("knooppunten",)
    NAME = "importknooppunten"
    DISPLAY = "Knooppunten importeren"
    GROUP = "Projecten en knooppunten"
    GROUP_ID = "projecten"
    HELP = (
        "Leest knooppunten (hotspots uit de ontwerpsessie, vlakken) in de werkbank. Bestaande knooppunten "
        "(zelfde id) worden bijgewerkt.\n\n"
        "WERKBANK: de werkbank (GeoPackage).\n"
        "INPUT: vlakkenlaag met de knooppunten (wordt naar EPSG:28992 omgezet).\n"
        "FIELD_NAME: veld met de naam (verplicht).\n"
        "FIELD_KARAKTER: veld met het karakter: lokaal, provinciaal of nationaal (optioneel).\n"
        "FIELD_ID: veld met een vaste id (optioneel; anders 'K-<naam>').\n"
        "FIELD_DESCRIPTION: veld met een omschrijving (optioneel).\n"
        "FIELD_DATE: veld met de datum van de ontwerpsessie (optioneel).\n\n"
    ) + STRICT_HELP + SYNC_HELP + DECISIONS_HELP

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_werkbank_parameter()
        self.addParameter(QgsProcessingParameterFeatureSource(
            "INPUT", self.tr("Knooppunten (vlakken)"), [QgsProcessing.SourceType.TypeVectorPolygon]))
        self.addParameter(QgsProcessingParameterField("FIELD_NAME", self.tr("Veld naam"), parentLayerParameterName="INPUT"))
        for n, t in (("FIELD_KARAKTER", "Veld karakter (lokaal/provinciaal/nationaal)"), ("FIELD_ID", "Veld id"),
                     ("FIELD_DESCRIPTION", "Veld omschrijving"), ("FIELD_DATE", "Veld datum ontwerpsessie")):
            self.addParameter(QgsProcessingParameterField(n, self.tr(t), parentLayerParameterName="INPUT",
                                                          optional=True))
        _count_outputs(self, strict=True, sync=True)

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        self.require("pandas", "geopandas", "shapely")

        def field(n):
            return self.parameterAsString(parameters, n, context) or None

        wb = self.open_werkbank(parameters, context)
        try:
            res = run_spec(self, parameters, context, feedback, wb, "knooppunten", name_field=field("FIELD_NAME"),
                           karakter_field=field("FIELD_KARAKTER"), id_field=field("FIELD_ID"),
                           description_field=field("FIELD_DESCRIPTION"), date_field=field("FIELD_DATE"))
        finally:
            wb.close()
        return count_outputs(self, feedback, res.source, res.counts, parameters=parameters, context=context,
                             kind="knooppunten", n_input=res.n_input, outcome=res)


class ImportLinks(SpecHelpMixin, PmiekAlgorithm):
    SPEC_KINDS = ("project_links",)
    NAME = "importlinks"
    DISPLAY = "Koppelingen project-ontwikkeling importeren"
    GROUP = "Projecten en knooppunten"
    GROUP_ID = "projecten"
    UNITS = ["pct", "mw"]
    HELP = (
        "Leest koppelingen tussen projecten en de ontwikkelingen die ze mogelijk maken (tabel, CSV of "
        "spreadsheet). Een bestaande koppeling (zelfde project en ontwikkeling) wordt bijgewerkt.\n\n"
        "WERKBANK: de werkbank (GeoPackage).\n"
        "INPUT: tabel met per rij een project-id en een ontwikkeling-id.\n"
        "FIELD_PROJECT: veld met de project-id of de projectcode (uw projectnummer); een code die bij meer dan "
        "één project past wordt met rij en melding afgekeurd.\n"
        "FIELD_DEVELOPMENT: veld met de dev_id van de ontwikkeling.\n"
        "FIELD_SHARE: veld met het aandeel (optioneel; leeg = de hele ontwikkeling).\n"
        "SHARE_UNIT: eenheid van het aandeel: 0 = procent van de MW van de ontwikkeling, 1 = MW.\n"
        "FIELD_MOTIVATION: veld met de motivatie (optioneel).\n"
        "SKIP_UNKNOWN: nee (standaard) = een rij met een onbekende project- of ontwikkeling-id is een afgekeurde "
        "rij als elke andere: niet geschreven en met rij en id gemeld (REJECTED), de overige rijen wel geschreven; "
        "met STRICT breekt ze de hele import af. Ja = zo'n rij wordt overgeslagen en als waarschuwing gemeld, ook "
        "met STRICT (de overige rijen moeten dan in orde zijn).\n\n"
        "Extra uitvoer: UNKNOWN = het aantal rijen met een onbekende id (in beide gevallen; ze tellen ook in "
        "REJECTED). Een conflict met een besluit noemt de koppeling bij project en ontwikkeling.\n"
    ) + STRICT_HELP + SYNC_HELP + DECISIONS_HELP

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_werkbank_parameter()
        self.addParameter(QgsProcessingParameterFeatureSource(
            "INPUT", self.tr("Koppelingen (tabel)"), [QgsProcessing.SourceType.TypeVector]))
        self.addParameter(QgsProcessingParameterField("FIELD_PROJECT", self.tr("Veld project-id"),
                                                      parentLayerParameterName="INPUT"))
        self.addParameter(QgsProcessingParameterField("FIELD_DEVELOPMENT", self.tr("Veld ontwikkeling-id"),
                                                      parentLayerParameterName="INPUT"))
        self.addParameter(QgsProcessingParameterField("FIELD_SHARE", self.tr("Veld aandeel"),
                                                      parentLayerParameterName="INPUT", optional=True))
        self.addParameter(QgsProcessingParameterEnum("SHARE_UNIT", self.tr("Eenheid aandeel"),
                                                     [self.tr("procent (%)"), self.tr("MW")], defaultValue=0))
        self.addParameter(QgsProcessingParameterField("FIELD_MOTIVATION", self.tr("Veld motivatie"),
                                                      parentLayerParameterName="INPUT", optional=True))
        self.addParameter(QgsProcessingParameterBoolean("SKIP_UNKNOWN", self.tr("Onbekende ids overslaan"), False))
        _count_outputs(self, strict=True, sync=True)
        self.addOutput(QgsProcessingOutputNumber("UNKNOWN", self.tr("Onbekende ids")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        self.require("pandas")

        def field(n):
            return self.parameterAsString(parameters, n, context) or None

        wb = self.open_werkbank(parameters, context)
        unknown = set()  # rows with an unknown id, filled by the hook (knooppunten.links.validate_links)
        try:
            res = run_spec(self, parameters, context, feedback, wb, "project_links", unknown_rows=unknown,
                           project_field=field("FIELD_PROJECT"), dev_field=field("FIELD_DEVELOPMENT"),
                           share_field=field("FIELD_SHARE"),
                           unit=self.UNITS[self.parameterAsEnum(parameters, "SHARE_UNIT", context)],
                           motivation_field=field("FIELD_MOTIVATION"),
                           skip_unknown=self.parameterAsBoolean(parameters, "SKIP_UNKNOWN", context))
        finally:
            wb.close()
        return count_outputs(self, feedback, res.source, res.counts, unknown=len(unknown),
                             parameters=parameters, context=context, kind="project_links", n_input=res.n_input,
                             outcome=res)


BALANCE_FIELDS = (
    ("unit_id", "s"), ("unit_name", "s"), ("year", "i"), ("capacity_mw", "d"), ("base_capacity_mw", "d"),
    ("project_capacity_mw", "d"), ("demand_mw", "d"), ("other_demand_mw", "d"), ("supply_mw", "d"),
    ("other_supply_mw", "d"), ("balance_mw", "d"), ("supply_capacity_mw", "d"), ("supply_balance_mw", "d"),
    ("status", "s"), ("supply_status", "s"), ("first_shortage_year", "i"), ("supply_first_shortage_year", "i"),
    ("unserved_count", "i"), ("unserved_supply_count", "i"), ("n_developments", "i"), ("capacity_note", "s"),
)


def balance_fields():
    fields = QgsFields()
    for name, t in BALANCE_FIELDS:
        fields.append(make_field(name, t))
    return fields


def _round6(arr):
    """``[round(x, 6) for x in arr]`` (Python's correctly rounded ``round``) for a float array, vectorised.

    ``rint(x * 1e6) / 1e6`` is the same double wherever ``x * 1e6`` is finite, below 2**52 and not within a few
    ulps of a half (the product is then on the same side of the half as the exact one and the division is
    correctly rounded); the few other values go through ``round`` itself.
    """
    import numpy as np

    arr = np.asarray(arr, dtype=float)
    with np.errstate(invalid="ignore", over="ignore"):
        p = arr * 1e6
        exact = (np.abs(p) < 2.0 ** 52) & (np.abs(np.abs(p - np.trunc(p)) - 0.5) > 4 * np.spacing(np.abs(p)))
        vals = (np.rint(p) / 1e6).tolist()
    for i in np.flatnonzero(~exact).tolist():
        vals[i] = round(float(arr[i]), 6)
    return vals


def _column_values(series, kind):
    """One balance column as a list of sink values: None for missing, int, float rounded to 6 decimals, or str.

    Column by column on plain Python lists, not value by value through a dict per row (the national balance
    writes 36,000 rows × 21 fields); numeric columns through numpy (:func:`_round6`): the same values.
    """
    import numpy as np

    if kind in ("d", "i") and series.dtype.kind in "fiub":
        arr = series.to_numpy()
        missing = np.isnan(arr) if arr.dtype.kind == "f" else None
        if kind == "d":
            vals = _round6(arr.astype(float))
        else:
            vals = (np.where(missing, 0, arr) if missing is not None else arr).astype(np.int64).tolist()
        if missing is not None and missing.any():
            for i in np.flatnonzero(missing).tolist():
                vals[i] = None
        return vals
    vals = series.tolist()  # the same native values as to_dict("records")
    if kind == "d":
        return [None if v is None or (isinstance(v, float) and v != v) else round(float(v), 6) for v in vals]
    if kind == "i":
        return [None if v is None or (isinstance(v, float) and v != v) else int(v) for v in vals]
    return [None if v is None or (isinstance(v, float) and v != v) else str(v) for v in vals]




def balance_features(table, geoms, fields):
    """QgsFeatures for a balance table; ``geoms``: {unit_id: shapely geometry}."""
    return [f for part in balance_feature_parts(table, geoms, fields) for f in part]


def balance_feature_parts(table, geoms, fields, parts=1):
    """:func:`balance_features` in ``parts`` lists of consecutive rows, each made when asked for (a sink can
    write one while the next is made)."""
    import shapely

    # one QgsGeometry per unit (not per unit and year), converted from WKB in one vectorised call
    units = [u for u in dict.fromkeys(table["unit_id"]) if geoms.get(u) is not None]
    garr = [geoms[u] for u in units]
    ok = ~shapely.is_empty(garr) if garr else []
    wkbs = shapely.to_wkb([g for g, k in zip(garr, ok) if k]) if garr else []
    # a template feature per unit (fields and geometry, implicitly shared by its copies): per row only a copy
    # and the attributes
    templates = {}
    blank = QgsFeature(fields)
    for u, w in zip([u for u, k in zip(units, ok) if k], wkbs):
        qg = QgsGeometry()
        qg.fromWkb(w)
        templates[u] = QgsFeature(fields)
        templates[u].setGeometry(qg)
    from ...knooppunten.balance import UNKNOWN_STATUS_TEXT, blank_unknown_limits

    table = blank_unknown_limits(table, UNKNOWN_STATUS_TEXT)  # 'onbekend', as the log, the fiche and README say
    n = len(table)
    cols = [_column_values(table[name], t) if name in table.columns else [None] * n for name, t in BALANCE_FIELDS]
    rows = zip(map(list, zip(*cols)), table["unit_id"].tolist())
    for k in range(parts):
        feats = []
        for attrs, unit in islice(rows, (n * (k + 1)) // parts - (n * k) // parts):
            f = QgsFeature(templates.get(unit, blank))
            f.setAttributes(attrs)
            feats.append(f)
        yield feats


class BackgroundSink:
    """A Processing sink written by one helper thread while the caller goes on (messages, freeing the model).

    ``QgsFeatureSink.addFeatures`` and the sink's destructor (for a GeoPackage: the commit and the spatial index)
    release the GIL, so they run beside Python work (national balance: 36,000 features, ~0.3 s of writing) when
    a core is free.  The balance hands its features over in two lists, the first written while the second is made
    (national: 0.1 s less to wait at the end); a list per few thousand features passed the GIL back and forth so
    often that it was slower on a loaded machine.  The helper holds the only reference to the sink: :meth:`close`
    queues its destruction there; :meth:`wait` returns when the output is complete and raises what went wrong in
    the helper.
    """

    def __init__(self, sink, output="OUTPUT"):
        from concurrent.futures import ThreadPoolExecutor

        self._sink = [sink]
        self._output = output
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pmiek-sink")
        self._jobs = []
        self.rows = 0  # handed over so far: a refused row is named by its place in the whole output

    def add(self, features):
        self._jobs.append(self._pool.submit(self._add, features, self.rows + 1))
        self.rows += len(features)

    def _add(self, features, first_row):
        add_features(self._sink[0], features, self._output, first_row)  # a refusal raised by wait()

    def close(self):
        self._jobs.append(self._pool.submit(self._sink.clear))

    def wait(self):
        try:
            for job in self._jobs:
                job.result()
        finally:
            self._pool.shutdown(wait=True)
            self._sink.clear()  # after a failure: the sink closed here


from ...knooppunten.balance import LINK_RULE  # noqa: E402 - a text constant; the module imports nothing heavy


class CapacityBalance(PmiekAlgorithm):
    NAME = "capacitybalance"
    DISPLAY = "Capaciteitsbalans per station of knooppunt"
    GROUP = "Projecten en knooppunten"
    GROUP_ID = "projecten"
    LEVELS = ["station", "knooppunt"]
    HELP = (
        "Berekent per station of per knooppunt en per zichtjaar de beschikbare capaciteit, de vraag en het "
        "aanbod van de ontwikkelingen die dan gereed zijn, de balans en de status (ruim / krap / tekort).\n\n"
        "Capaciteit = de limiet van het station in dat jaar (ontbreekt het jaar, dan het laatste eerdere jaar; "
        "dit staat in capacity_note) plus de extra capaciteit van elk project van dat station met IBN-jaar "
        "≤ zichtjaar (status niet 'afgevallen'). Is er voor een station in dat jaar (afname of teruglevering) "
        "geen capaciteit bekend, dan is de status leeg (onbekend, grijs), niet ruim of tekort; een capaciteit "
        "van 0 MW is wel bekend. Een knooppunt is onbekend als een van zijn stations dat is. Een ontwikkeling hoort bij een station door expliciete "
        "toewijzing, anders het capaciteitsgebied waarin ze ligt, anders het dichtstbijzijnde station. Een "
        "ontwikkeling zonder jaar telt vanaf het eerste zichtjaar. Een knooppunt krijgt de capaciteit van de "
        "stations die erin liggen of zijn ontwikkelingen voeden; other_demand_mw is de vraag van ontwikkelingen "
        "buiten het knooppunt op die stations.\n" + LINK_RULE + "\n\n"
        "WERKBANK: de werkbank (GeoPackage).\n"
        "LEVEL: 0 = per station, 1 = per knooppunt.\n"
        "YEARS: zichtjaren, bijv. '2025,2030,2035' (leeg = de zichtjaren van het programma).\n"
        "KRAP_PCT: balans onder dit percentage van de capaciteit = krap (leeg = drempel van het programma).\n"
        "WHATIF: wat-als: project-ids of projectcodes (uw projectnummer) gescheiden door komma's; 'P1' zet "
        "project P1 aan (ook als het is afgevallen), '-P2' zet P2 uit (optioneel). Een onbekend project, of een "
        "code die bij meer dan één project past, breekt af met een melding.\n"
        "OUTPUT: laag met één rij per station/knooppunt en zichtjaar: unit_id, unit_name, year, capacity_mw, "
        "demand_mw, supply_mw, balance_mw, supply_capacity_mw, supply_balance_mw, status, supply_status, "
        "first_shortage_year, unserved_count (ontwikkelingen die niet bediend kunnen worden) en meer."
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_werkbank_parameter()
        self.addParameter(QgsProcessingParameterEnum("LEVEL", self.tr("Niveau"),
                                                     [self.tr("station"), self.tr("knooppunt")], defaultValue=0))
        self.addParameter(QgsProcessingParameterString("YEARS", self.tr("Zichtjaren (bijv. 2025,2030,2035)"),
                                                       optional=True))
        self.addParameter(QgsProcessingParameterNumber("KRAP_PCT", self.tr("Drempel krap (% van de capaciteit)"),
                                                       QgsProcessingParameterNumber.Type.Double, optional=True,
                                                       minValue=0))
        self.addParameter(QgsProcessingParameterString("WHATIF", self.tr("Wat-als: projecten aan (P1) of uit (-P2)"),
                                                       optional=True))
        self.addParameter(QgsProcessingParameterFeatureSink("OUTPUT", self.tr("Capaciteitsbalans")))
        for n, t in (("ASSUMED_YEAR_COUNT", "Ontwikkelingen zonder jaar (jaar aangenomen)"),
                     ("ASSUMED_YEAR_DEMAND_MW", "MW vraag op een aangenomen jaar"),
                     ("ASSUMED_YEAR_SUPPLY_MW", "MW aanbod op een aangenomen jaar")):
            self.addOutput(QgsProcessingOutputNumber(n, self.tr(t)))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        self.require("pandas", "geopandas", "shapely")
        from ...gcpause import gc_paused

        # hundreds of thousands of short-lived, acyclic objects: no cyclic collections meanwhile (~0.1-0.2 s
        # at national size), reference counting frees them
        with gc_paused():
            return self._balance(parameters, context, feedback)

    def _balance(self, parameters, context, feedback):
        from ...knooppunten.balance import BalanceError, BalanceModel, load_inputs, settings_from_werkbank

        level = self.LEVELS[self.parameterAsEnum(parameters, "LEVEL", context)]
        years = self.parameterAsString(parameters, "YEARS", context) or None
        krap = parameters.get("KRAP_PCT")
        krap = self.parameterAsDouble(parameters, "KRAP_PCT", context) if krap not in (None, "") else None
        whatif = self.parameterAsString(parameters, "WHATIF", context) or None
        wb = self.open_werkbank(parameters, context, readonly=True)
        try:
            inputs = load_inputs(wb)
            try:
                settings = settings_from_werkbank(wb, years=years, krap_pct=krap, whatif=whatif)
            except BalanceError as e:
                raise QgsProcessingException(str(e)) from e
        finally:
            wb.close()
        model = BalanceModel(inputs, settings)
        table = model.table(level)
        if level == "station":
            src = inputs.stations
            geoms = dict(zip(src["station_id"], src.geometry))
            wkb = QgsWkbTypes.Type.Point
        else:
            src = inputs.knooppunten
            geoms = dict(zip(src["knooppunt_id"], src.geometry))
            wkb = QgsWkbTypes.Type.MultiPolygon
        fields = balance_fields()
        sink, dest = self.parameterAsSink(parameters, "OUTPUT", context, fields, wkb,
                                          QgsCoordinateReferenceSystem("EPSG:28992"))
        if sink is None:
            raise QgsProcessingException(self.tr("Kan de uitvoerlaag niet maken (OUTPUT)."))
        writer = BackgroundSink(sink)
        del sink  # the writer's helper thread holds the only reference: it closes the output
        try:
            for part in balance_feature_parts(table, geoms, fields, parts=2):
                writer.add(part)
            writer.close()
            result = {"OUTPUT": dest, **self._report(level, table, model, inputs, settings, feedback)}
            del model, inputs, table, geoms, src  # freed while the helper finishes the output
        finally:
            writer.wait()  # the output complete before the algorithm returns
        verify_output(dest, writer.rows, "OUTPUT", context)
        style_by_status_on_load(dest, context)
        return result

    def _report(self, level, table, model, inputs, settings, feedback):
        """The log messages and the numeric outputs."""
        feedback.pushInfo(balance_summary(table, level, len(settings.years)))
        for n in model.unserved(linked=False).head(MAX_MESSAGES).itertuples():  # messages name no projects
            feedback.pushInfo(self.tr("Niet tijdig te bedienen: {} ({}, {} {}, gereed {}; {}).").format(
                n.dev_id, n.name, fmt_mw(n.mw, 2), n.direction,
                int(n.year_ready) if n.year_ready == n.year_ready else "?", n.reason))
        assumed = assumed_year_summary(inputs.developments)
        if assumed["count"]:
            feedback.pushWarning(self.tr(
                "{} ontwikkeling(en) zonder jaar gereed: {} MW vraag en {} MW aanbod rusten op een aangenomen jaar "
                "({}).").format(assumed["count"], fmt_num(assumed["demand_mw"]), fmt_num(assumed["supply_mw"]),
                                self.tr("telt vanaf {}").format(settings.years[0])
                                if settings.null_year == "first" else self.tr("telt niet mee")))
        return {"ASSUMED_YEAR_COUNT": assumed["count"], "ASSUMED_YEAR_DEMAND_MW": assumed["demand_mw"],
                "ASSUMED_YEAR_SUPPLY_MW": assumed["supply_mw"]}


def balance_summary(table, level, n_years):
    """The log line of the balance: units × years, the shortages per direction and the cases without known
    capacity, e.g. "3 stations × 3 zichtjaren; tekort afname in 1, teruglevering in 2 gevallen." (Dutch plurals)."""
    from ...knooppunten.balance import TEKORT, UNKNOWN

    def count(n, one, many):
        return "{} {}".format(n, one if n == 1 else many)

    def cases(col, code):
        return int((table[col] == code).sum()) if len(table) else 0

    units = {"station": ("station", "stations"), "knooppunt": ("knooppunt", "knooppunten")}[level]
    short_a, short_t = cases("status", TEKORT), cases("supply_status", TEKORT)
    text = "{} × {}; tekort afname in {}, teruglevering in {}".format(
        count(table["unit_id"].nunique(), *units), count(n_years, "zichtjaar", "zichtjaren"), short_a,
        count(short_t, "geval", "gevallen"))
    unknown_a, unknown_t = cases("status", UNKNOWN), cases("supply_status", UNKNOWN)
    if unknown_a or unknown_t:
        text += "; geen capaciteit bekend (status onbekend): afname in {}, teruglevering in {}".format(
            unknown_a, count(unknown_t, "geval", "gevallen"))
    return text + "."


def assumed_year_summary(developments):
    """How many developments, and how many MW, have no year_ready (the balance assumes one: no silent default)."""
    import pandas as pd

    if developments is None or not len(developments):
        return {"count": 0, "demand_mw": 0.0, "supply_mw": 0.0}
    missing = pd.to_numeric(developments["year_ready"], errors="coerce").isna()
    mw = {c: float(pd.to_numeric(developments.loc[missing, c], errors="coerce").fillna(0).clip(lower=0).sum())
          for c in ("demand_mw", "supply_mw")}
    return {"count": int(missing.sum()), "demand_mw": mw["demand_mw"], "supply_mw": mw["supply_mw"]}


ALGORITHMS = [ImportProjects, ImportKnooppunten, ImportLinks, CapacityBalance]
