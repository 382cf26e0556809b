"""Follow-up tables: uitvoeringsafspraken (pmiek:importactions) and monitoringlijst (pmiek:importmonitoring)."""

from qgis.core import (
    QgsProcessing,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
)

from ..base import PmiekAlgorithm
from .import_algs import SpecHelpMixin
from .project_algs import SYNC_HELP, _count_outputs, count_outputs, run_spec

COMMON_HELP = (
    "WERKBANK: de werkbank (GeoPackage of PostGIS-doel).\n"
    "INPUT: tabel (CSV, XLSX/ODS of laag) met per rij één project, aangeduid met project-id of projectcode "
    "(kolom project_id, project, projectcode of code).\n"
)


class _FollowupAlgorithm(PmiekAlgorithm):
    GROUP = "Uitvoering en monitoring"
    GROUP_ID = "followup"

    def _base_parameters(self):
        self.add_werkbank_parameter()
        self.addParameter(QgsProcessingParameterVectorLayer(
            "INPUT", self.tr("Tabel"), [QgsProcessing.SourceType.TypeVector]))
        _count_outputs(self, source_wins=False, strict=True, sync=True)  # IMPORTED, REJECTED, INSERTED ... REPORT, as every import

    def _run(self, parameters, context, feedback, kind, **kw):
        """The one import runner for ``kind`` (spec with its validate hook) on INPUT."""
        self.require("pandas")
        wb = self.open_werkbank(parameters, context)
        try:
            res = run_spec(self, parameters, context, feedback, wb, kind, **kw)
        finally:
            wb.close()
        out = count_outputs(self, feedback, res.source, res.counts, parameters=parameters, context=context,
                            kind=kind, n_input=res.n_input, outcome=res)
        out.pop("CONFLICTS", None)
        return out


class ImportActions(SpecHelpMixin, _FollowupAlgorithm):
    SPEC_KINDS = ("actions",)
    NAME = "importactions"
    DISPLAY = "Uitvoeringsafspraken (actielijst) importeren"
    HELP = (
        "Leest de uitvoeringsafspraken per project (pMIEK-actielijst): activiteit, trekker/verantwoordelijke, "
        "betrokken partijen, resultaat en planning. Kolommen worden herkend op hun Nederlandse of Engelse naam "
        "(activiteit, trekker, betrokken, resultaat, planning, status). Een onbekend project of een lege "
        "activiteit wordt met een melding per rij en veld afgekeurd (met STRICT breekt het de hele import af en "
        "blijft de werkbank ongewijzigd). Dezelfde tabel opnieuw importeren verandert niets (id = project + activiteit).\n\n"
        + COMMON_HELP +
        "STRICT: bij ja breekt elke afgekeurde rij de import af (niets geschreven); standaard worden afgekeurde "
        "rijen overgeslagen en gemeld.\n"
        + SYNC_HELP +
        "REPORT: importrapport (HTML of CSV; standaard naast de werkbank).\n"
        "Uitvoer: IMPORTED, REJECTED, INSERTED, UPDATED, UNCHANGED, REMOVED (aantallen), REPORT."
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self._base_parameters()

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        return self._run(parameters, context, feedback, "actions")


class ImportMonitoring(SpecHelpMixin, _FollowupAlgorithm):
    SPEC_KINDS = ("monitoring",)
    NAME = "importmonitoring"
    DISPLAY = "Monitoringlijst importeren"
    HELP = (
        "Leest de monitoringlijst: per project de haalbaarheid van de IBN, aandachtspunten (proces of risico), "
        "versnellingsactie, trekker en de vraag aan de energyboard. Eén rij per project en peildatum; zonder "
        "kolom peildatum geldt PEILDATUM of de peildatum van het programma. Een onbekend project wordt met "
        "een melding per rij afgekeurd (met STRICT breekt het de hele import af; de werkbank blijft dan "
        "ongewijzigd).\n\n"
        + COMMON_HELP +
        "PEILDATUM: peildatum van deze monitoring (JJJJ-MM-DD, optioneel).\n\n"
        "STRICT: bij ja breekt elke afgekeurde rij de import af (niets geschreven); standaard worden afgekeurde "
        "rijen overgeslagen en gemeld.\n"
        + SYNC_HELP +
        "REPORT: importrapport (HTML of CSV; standaard naast de werkbank).\n"
        "Uitvoer: IMPORTED, REJECTED, INSERTED, UPDATED, UNCHANGED, REMOVED (aantallen), REPORT."
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self._base_parameters()
        self.addParameter(QgsProcessingParameterString("PEILDATUM", self.tr("Peildatum (JJJJ-MM-DD)"),
                                                       optional=True))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        peil = self.parameterAsString(parameters, "PEILDATUM", context) or None
        return self._run(parameters, context, feedback, "monitoring", peildatum=peil)


ALGORITHMS = [ImportActions, ImportMonitoring]
