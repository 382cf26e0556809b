"""The docks and dialogs the plugin offers, loaded only when the user opens them.

Each entry: key, module (relative to this package), class, Dutch title, icon
file in resources/icons (falls back to the plugin icon), kind ("dock" or
"dialog").  A dock class is ``Cls(iface, session, parent=None)``, a
QDockWidget with a ``cleanup()`` method that undoes its own connections and map
tools; a dialog class is ``Cls(iface, session, parent=None)``, shown
non-modal with ``show()`` (it may have ``cleanup()`` too).  ``session`` is
``layers.project.Session``: the current werkbank path and change signals.  Entries whose
module does not exist (yet) are skipped.
"""

import importlib.util

ENTRIES = (
    # key, module, class, title, icon, kind
    ("import", "import_wizard", "ImportWizard", "Gegevens importeren…", "import.svg", "dialog"),
    ("projects", "projects_dock", "ProjectsDock", "Projecten en koppelingen", "projects.svg", "dock"),
    ("balance", "balance_dock", "BalanceDock", "Capaciteitsbalans", "balance.svg", "dock"),
    ("scoring", "scoring_dock", "ScoringDock", "Afwegingskader en scores", "scoring.svg", "dock"),
    ("export", "export_dialog", "ExportDialog", "Fiches, atlas en lijsten exporteren…", "export.svg", "dialog"),
    ("rounds", "rounds_dock", "RoundsDock", "Rondes en ontwikkelvarianten", "rounds.svg", "dock"),
)


def available_entries():
    """Entries whose module is present, without importing it."""
    out = []
    for entry in ENTRIES:
        if importlib.util.find_spec("{}.{}".format(__package__, entry[1])) is not None:
            out.append(entry)
    return out


def load_class(entry):
    module = importlib.import_module("{}.{}".format(__package__, entry[1]))
    return getattr(module, entry[2])
