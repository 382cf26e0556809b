"""Shared base for the pMIEK algorithms: Dutch texts, werkbank parameter, errors.

Every subclass's ``processAlgorithm`` is wrapped once (``__init_subclass__``):
before it runs, every destination parameter is checked against the input
werkbank(s), their ``-wal``/``-shm``/``-journal`` files and rounds folder (and
those stay protected for every atomic write during the run); any failure
becomes a ``QgsProcessingException`` with a Dutch message, never a traceback.
A WERKBANK parameter accepts a PostgreSQL target (``pg:VERBINDING/schema``,
``postgresql://...``, ``service=...``) as well as a .gpkg file.
"""

import functools

from qgis.core import (
    QgsFeatureSink,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingParameterFile,
    QgsProcessingParameterFolderDestination,
)
from qgis.PyQt.QtCore import QCoreApplication


def add_features(sink, features, output, first_row=1):
    """Write ``features`` (a list) to a Processing sink; a refusal stops the algorithm.

    ``QgsFeatureSink.addFeatures`` answers False when the destination refuses a feature (disk full, a value the
    format cannot hold, a layer removed meanwhile): the algorithm then fails with the output's name, the row the
    destination refused (counted from ``first_row``: pass the number of rows written before when an output is
    written in parts) and the destination's own error, instead of reporting success over an incomplete layer.
    The one place every pMIEK algorithm writes its output features.
    """
    if not features:
        return
    if _accepted(sink.addFeatures(features, QgsFeatureSink.Flag.FastInsert)):
        return
    error = (sink.lastError() or "").strip() or "de bestemming gaf geen reden"
    row = _refused_row(sink, features)
    where = ""
    if row is not None:
        where = " bij rij {}".format(first_row + row)
        f = features[row]
        if f.fields().count() and f.attributes():
            where += " ({} = {!r})".format(f.fields().at(0).name(), f.attributes()[0])
    raise QgsProcessingException(
        "{}: de uitvoer kon niet volledig worden geschreven{} ({}). Het algoritme is gestopt; gebruik deze "
        "uitvoer niet en kies zo nodig een andere bestemming.".format(output, where, error))


def _current_werkbank():
    """The werkbank open in the plugin (the QGIS project's entry), as the default of a WERKBANK parameter: a
    Processing dialog opened while a werkbank is open starts with it filled in (QGIS 3.40 desktop trial F5: every
    dialog opened with the field empty).  None without one (qgis_process, another project)."""
    from ..layers.project import project_werkbank

    return project_werkbank() or None


_STATUS_STYLE = []  # the latest post-processor (QGIS owns it once set and deletes it after use)


def style_by_status_on_load(dest, context):
    """A balance-status output (the balance, a variant map) that QGIS loads when the algorithm finishes is drawn
    in the balance layer's palette (``layers.project.style_by_status``: ruim, krap, tekort, onbekend grey) instead
    of one random colour for all.  A new post-processor per output: QGIS deletes the one it was given after use
    (one object for all runs: the second run from the Processing dialog loaded nothing)."""
    if not context.willLoadLayerOnCompletion(dest):
        return
    from qgis.core import QgsProcessingLayerPostProcessorInterface

    class StatusStyle(QgsProcessingLayerPostProcessorInterface):
        def postProcessLayer(self, layer, context, feedback):  # noqa: N802 - QGIS API
            from ..layers.project import style_by_status

            if layer is not None and layer.fields().indexOf("status") >= 0:
                style_by_status(layer)

    processor = StatusStyle()
    _STATUS_STYLE[:] = [processor]
    context.layerToLoadOnCompletionDetails(dest).setPostProcessor(processor)


def close_output(sink, dest, written, output, context):
    """Close a Processing output and check it: the sink is deleted now (for a file its destructor commits; for a
    GeoPackage that is the one transaction of the whole layer), then :func:`verify_output`.  Use instead of letting
    the last reference go; ``sink`` is unusable afterwards."""
    from qgis.PyQt import sip

    sip.delete(sink)
    verify_output(dest, written, output, context)


def verify_output(dest, written, output, context):
    """The closed output ``dest`` must hold the ``written`` features (at least: an output appended to a layer keeps
    that layer's rows).  A file destination whose commit failed when the sink was closed (a full disk: SQLite's
    COMMIT of the GeoPackage fails in the destructor, which nobody is told of) has no layer or fewer rows; then the
    algorithm fails instead of reporting success over a missing or incomplete layer.  A temporary layer is counted
    in the context's store; a destination that is neither (a database URI) is left as QGIS leaves it."""
    import os

    from qgis.core import QgsVectorLayer

    layer = context.temporaryLayerStore().mapLayer(dest) if dest else None
    own = None
    if layer is None:
        path = (dest or "").split("|")[0]
        if not path or "://" in path or "=" in path or not (os.path.isabs(path) or os.path.splitext(path)[1]):
            return  # not a file (a database URI such as postgres://... or dbname=...)
        if not os.path.isfile(path):
            raise QgsProcessingException(
                "{}: het uitvoerbestand {} bestaat niet na het schrijven. Het algoritme is gestopt; kies een andere "
                "bestemming (is de schijf vol?).".format(output, path))
        layer = own = QgsVectorLayer(dest, "controle", "ogr")
    try:
        count = layer.featureCount() if layer.isValid() else None
    finally:
        del layer, own  # the file is not held open
    if count is None or 0 <= count < written:  # more: appended to a layer that held rows already
        found = "geen laag" if count is None else "{} van de {} rijen".format(count, written)
        raise QgsProcessingException(
            "{}: de uitvoer is niet volledig opgeslagen in {} ({} bij het teruglezen). Het algoritme is gestopt; "
            "gebruik deze uitvoer niet en kies zo nodig een andere bestemming (is de schijf vol?).".format(
                output, dest, found))


def _accepted(answer):
    return answer[0] if isinstance(answer, tuple) else answer  # sip gives QGIS's sinks (bool, features)


def _refused_row(sink, features):
    """After a refused batch: the index of the feature the destination refuses, found by offering them one by one
    (the output is abandoned anyway, so rows written twice do no harm).  None when it cannot be told: the
    destination then refuses the first feature and the one after it too (disk full, layer gone), or accepts all."""
    for i, f in enumerate(features):
        if _accepted(sink.addFeature(f, QgsFeatureSink.Flag.FastInsert)):
            continue
        if i > 0:
            return i
        # the first one refused: its own fault only if the destination still takes the next one
        if len(features) > 1 and _accepted(sink.addFeature(features[1], QgsFeatureSink.Flag.FastInsert)):
            return 0
        return None
    return None


def _guarded(func):
    @functools.wraps(func)
    def process(self, parameters, context, feedback):
        from ..deps import keep_proj_context
        from ..werkbank.atomic import protected

        keep_proj_context()  # on a Processing worker thread: pyproj 3.7's context must outlive this call

        protect = self.check_destinations(parameters, context)
        self._pmiek_migrated = None
        self._pmiek_premigration = None
        try:
            with protected(protect):
                result = func(self, parameters, context, feedback)
        except QgsProcessingException as e:
            from ..werkbank.safety import mask_secrets

            self._undo_migration()  # migration and operation are one: a failure leaves the werkbank as it was
            msg = self._migration_note(str(e))
            if msg != str(e) or mask_secrets(msg) != msg:  # no password ever leaves in a message
                raise QgsProcessingException(mask_secrets(msg)) from None
            raise
        except Exception as e:  # noqa: BLE001 - every failure becomes a Dutch message, never a traceback
            from .guard import describe_failure

            self._undo_migration()
            raise QgsProcessingException(self._migration_note(describe_failure(
                e, self.displayName(), self._werkbank_text(parameters, context)))) from None
        except BaseException:
            self._undo_migration()
            raise
        self._keep_migration()
        return result

    process._pmiek_guarded = True
    return process


class PmiekAlgorithm(QgsProcessingAlgorithm):
    """Subclasses set NAME, DISPLAY, GROUP, GROUP_ID and HELP (Dutch)."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        own = cls.__dict__.get("processAlgorithm")
        if own is not None and not getattr(own, "_pmiek_guarded", False):
            cls.processAlgorithm = _guarded(own)

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

    def _migration_note(self, msg):
        """Messages say what is true: a werkbank put back as it was says so; one that stayed migrated too."""
        restored = getattr(self, "_pmiek_restored", None)
        if restored:
            return msg + (" De werkbank is teruggezet zoals hij was (schemaversie {}): het bijwerken naar de nieuwe "
                          "schemaversie is ongedaan gemaakt, er is niets gewijzigd.").format(restored)
        migrated = getattr(self, "_pmiek_migrated", None)
        if not migrated:
            return msg
        return msg + (" Let op: bij het openen is de werkbank wel bijgewerkt van schemaversie {} naar {} (alleen de "
                      "opbouw van de tabellen, geen gegevens); dat blijft zo.").format(*migrated)

    # ---- migration and operation as one ------------------------------------------
    def _snapshot_before_migration(self, target, version):
        """Before an older GeoPackage werkbank is migrated: a copy of it beside (hidden, process-named), so a
        failing operation can put the werkbank back as it was.  Only the first migration of a run counts."""
        if getattr(self, "_pmiek_premigration", None):
            return
        import sqlite3

        from ..werkbank.atomic import discard, fsync_path, temp_path_for

        backup = temp_path_for(target)
        try:
            # a byte copy under a shared lock: no writer can commit while it is made, and putting it back
            # restores the werkbank exactly
            src = sqlite3.connect("file:{}?mode=ro".format(target), uri=True, isolation_level=None)
            try:
                src.execute("BEGIN")
                src.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
                _byte_copy(target, backup)
                src.execute("ROLLBACK")
            finally:
                src.close()
            fsync_path(backup)
        except (sqlite3.Error, OSError) as e:
            discard(backup)
            raise QgsProcessingException(self.tr(
                "De werkbank {} heeft een oudere schemaversie ({}) en moet worden bijgewerkt, maar er kon geen "
                "veiligheidskopie naast worden gemaakt ({}). Er is niets gewijzigd; maak ruimte vrij of controleer "
                "de schrijfrechten van de map.").format(target, version, e)) from None
        self._pmiek_premigration = (target, backup, version)

    def _undo_migration(self):
        """After a failure: put back the werkbank as it was before this run migrated it."""
        self._pmiek_restored = None
        snap = getattr(self, "_pmiek_premigration", None)
        self._pmiek_premigration = None
        if not snap:
            return
        import os

        from ..werkbank.atomic import discard, fsync_path

        target, backup, version = snap
        if any(os.path.exists(target + ext) for ext in ("-wal", "-journal")):
            discard(backup)  # still open for writing elsewhere: leave it migrated and say so
            return
        try:
            os.replace(backup, target)
            fsync_path(os.path.dirname(os.path.abspath(target)))
        except OSError:
            discard(backup)
            return
        self._pmiek_restored = version
        self._pmiek_migrated = None

    def _keep_migration(self):
        snap = getattr(self, "_pmiek_premigration", None)
        self._pmiek_premigration = None
        if snap:
            from ..werkbank.atomic import discard

            discard(snap[1])

    # ---- guard -----------------------------------------------------------------
    def werkbank_parameter_names(self):
        """Input parameters that hold a werkbank (.gpkg or PostgreSQL target)."""
        names = set(getattr(self, "_pmiek_werkbank_params", ()))
        for p in self.parameterDefinitions():
            if isinstance(p, QgsProcessingParameterFile) and "gpkg" in (p.fileFilter() or "").lower():
                names.add(p.name())
        return names

    def _werkbank_text(self, parameters, context):
        from ..werkbank.safety import mask_secrets

        for name in sorted(getattr(self, "_pmiek_werkbank_params", ())):
            value = parameters.get(name)
            if isinstance(value, str) and value:
                return mask_secrets(value)
        return None

    def checkParameterValues(self, parameters, context):  # noqa: N802
        # The file widget only knows .gpkg; a PostgreSQL target in a werkbank parameter is valid too.
        from ..werkbank.storage import is_postgres_target

        names = [n for n in self.werkbank_parameter_names()
                 if isinstance(parameters.get(n), str) and is_postgres_target(parameters.get(n))]
        checked = parameters
        if names:
            checked = dict(parameters)
            for n in names:
                checked[n] = "postgresql.gpkg"
        ok, message = super().checkParameterValues(checked, context)
        if ok:
            return ok, message
        # QGIS says 'Could not load source layer for INPUT: … not found' or 'Incorrect parameter value for INPUT'
        return False, self.input_problem(parameters, context) or message

    def input_problem(self, parameters, context):
        """The Dutch message for the first input parameter QGIS cannot use (a file that is not there, or not of the
        kind asked), or None.  Every algorithm's check, so every import says it the same way."""
        import os

        from ..werkbank.safety import mask_secrets
        from ..werkbank.storage import is_postgres_target

        dest = {p.name() for p in self.destinationParameterDefinitions()}
        for p in self.parameterDefinitions():
            value = parameters.get(p.name())
            if p.name() in dest or not isinstance(value, str) or not value.strip() or is_postgres_target(value):
                continue
            path = value.split("|")[0]
            name = os.path.basename(path) or path
            if (os.sep in path or os.path.splitext(path)[1]) and not os.path.exists(path):
                return self.tr("{}: bestand '{}' niet gevonden (in {}). De werkbank is niet gewijzigd.").format(
                    p.name(), name, mask_secrets(os.path.dirname(os.path.abspath(path))))
            if not p.checkValueIsAcceptable(value, context):
                return self.tr("{}: '{}' is niet bruikbaar als '{}' (beschadigd of van een ander type). De werkbank "
                               "is niet gewijzigd.").format(p.name(), mask_secrets(name), p.description())
        return None

    def check_destinations(self, parameters, context):
        """Refuse (Dutch QgsProcessingException) any destination that points at an input werkbank.

        Returns the protected paths (input werkbanks, their companions and rounds folder, other input files).
        """
        from . import guard

        inputs = []
        dest_names = {p.name() for p in self.destinationParameterDefinitions()}
        for p in self.parameterDefinitions():
            if p.name() in dest_names:
                continue
            value = parameters.get(p.name())
            if isinstance(value, str):
                inputs.append(value)
            elif isinstance(value, (list, tuple)):
                inputs += [v for v in value if isinstance(v, str)]
        protect = guard.protected_paths(inputs)
        if not protect:
            return protect
        for p in self.destinationParameterDefinitions():
            value = parameters.get(p.name())
            if value is None:
                continue
            if hasattr(value, "sink"):  # QgsProcessingOutputLayerDefinition
                try:
                    value = value.sink.staticValue()
                except Exception:  # noqa: BLE001
                    continue
            if not isinstance(value, str):
                value = str(value)
            hit = guard.conflict(value, protect, folder=isinstance(p, QgsProcessingParameterFolderDestination),
                                 rounds_writer=self.name() in guard.ROUNDS_WRITERS)
            if hit:
                raise QgsProcessingException(self.tr(guard.refuse_message(p.name(), value, hit)))
        return protect

    # ---- helpers -------------------------------------------------------------
    def parameter_as_fields(self, parameters, name, context):
        """The field names a field parameter holds (a list): ``parameterAsStrings`` where QGIS has it (3.40 and 3.44
        have it, 3.22 not; there ``parameterAsFields`` is deprecated and warns on every call), else
        ``parameterAsFields``.  The one place the plugin asks for field names."""
        if hasattr(self, "parameterAsStrings"):
            return list(self.parameterAsStrings(parameters, name, context) or [])
        return list(self.parameterAsFields(parameters, name, context) or [])

    def add_werkbank_parameter(self, name="WERKBANK", description="Werkbank (GeoPackage of PostgreSQL-doel)"):
        if not hasattr(self, "_pmiek_werkbank_params"):
            self._pmiek_werkbank_params = set()
        self._pmiek_werkbank_params.add(name)
        self.addParameter(
            QgsProcessingParameterFile(
                name,
                self.tr(description),
                behavior=QgsProcessingParameterFile.Behavior.File,
                fileFilter="GeoPackage (*.gpkg)",
                defaultValue=_current_werkbank() if name == "WERKBANK" else None,
            )
        )

    def open_werkbank(self, parameters, context, name="WERKBANK", readonly=False):
        from ..werkbank import WerkbankError, open_werkbank
        from ..werkbank.schema import latest_version
        from ..werkbank.storage import is_postgres_target

        from ..werkbank.safety import mask_secrets

        target = (self.parameterAsString(parameters, name, context) or "").strip()
        if not target:
            raise QgsProcessingException(self.tr("Geef een werkbank op ({}).").format(name))
        try:
            wb = open_werkbank(target, readonly=readonly, migrate=False)
            try:
                before = wb.schema_version()
                if not readonly and before < latest_version() and not is_postgres_target(target):
                    self._snapshot_before_migration(target, before)
                if not readonly:
                    wb._check_version(migrate=True)
                    after = wb.schema_version()
                    if after != before:
                        self._pmiek_migrated = (before, after)
            except BaseException:
                wb.close()
                raise
            return wb
        except WerkbankError as e:
            raise QgsProcessingException(mask_secrets(str(e))) from None

    @staticmethod
    def require(*modules):
        from ..deps import require

        try:
            require(*modules)
        except ImportError as e:
            raise QgsProcessingException(str(e)) from e


def _byte_copy(src, dst):
    """A byte copy of the werkbank ``src`` made by another process where POSIX locks apply: closing a descriptor
    of the file in this process would drop every lock it holds on it (also the read transaction that keeps writers
    out during the copy, and a desktop session's connection; see werkbank.storage.Werkbank.open)."""
    import os
    import shutil
    import subprocess

    if os.name == "posix" and shutil.which("cp"):
        r = subprocess.run(["cp", "--", src, dst], capture_output=True, text=True)
        if r.returncode:
            raise OSError(r.stderr.strip() or "kopiëren mislukt")
    else:  # Windows: locks belong to handles, closing another handle keeps them
        shutil.copyfile(src, dst)
