"""What every pMIEK algorithm does around its own work (used by ``provider/base.py``).

* :func:`protected_paths` / :func:`check_destinations`: no destination
  parameter (file, folder or layer) may point at an input werkbank, its
  ``-wal``/``-shm``/``-journal`` companions or its ``rounds`` folder, or at any
  other input file of the same run.
* :func:`describe_failure`: any exception becomes a Dutch message (what went
  wrong, where, what to do), never a Python traceback; passwords masked.
"""

import os
import re
import sqlite3

COMPANIONS = ("-wal", "-shm", "-journal")
# The one algorithm whose job is writing into a werkbank's rounds folder (a new snapshot, never over one).
ROUNDS_WRITERS = {"freezeround"}
_OGR_DBNAME = re.compile(r"""^ogr:dbname='(?P<p>(?:[^'\\]|\\.)*)'""")


def _norm(path):
    return os.path.normcase(os.path.realpath(os.path.abspath(os.path.expanduser(path))))


def werkbank_family(path):
    """The werkbank file, its SQLite companions and its rounds folder (normalised)."""
    p = _norm(path)
    return [p] + [p + c for c in COMPANIONS] + [os.path.join(os.path.dirname(p), "rounds")]


def layer_path(value):
    """The file part of a destination/layer string (``/x.gpkg|layername=y``, ``ogr:dbname='x' table=..``)."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    m = _OGR_DBNAME.match(text)
    if m:
        return m.group("p").replace("\\'", "'")
    if text.startswith(("memory:", "postgres:", "postgresql:", "pg:", "service=", "TEMPORARY_OUTPUT")):
        return None
    return text.split("|", 1)[0]


def protected_paths(inputs):
    """Normalised paths no output may touch, for the input values (strings) of a run."""
    out = []
    for value in inputs:
        path = layer_path(value)
        if not path or not os.path.isfile(path):
            continue
        if path.lower().endswith((".gpkg", ".sqlite", ".db")):
            out += werkbank_family(path)
        else:
            out.append(_norm(path))
    return list(dict.fromkeys(out))


def _same(a, b):
    if a == b:
        return True
    try:
        return os.path.exists(a) and os.path.exists(b) and os.path.samefile(a, b)
    except OSError:
        return False


def conflict(dest, protected, folder=False, rounds_writer=False):
    """The protected path ``dest`` would hit, or None.

    A file destination hits when it is (the same file as) a protected path or
    lies inside a protected folder; a folder destination also hits when it is a
    protected file or the rounds folder.
    """
    path = layer_path(dest)
    if not path:
        return None
    d = _norm(path)
    for p in protected:
        if _same(d, p):
            if folder and rounds_writer and os.path.basename(p) == "rounds":
                continue
            return p
        if os.path.basename(p) == "rounds" and (d + os.sep).startswith(p + os.sep):
            if folder and rounds_writer:
                continue
            return p
    # a folder destination whose files would land on the werkbank (exportpackage into the werkbank's
    # folder) is refused when those files are written: werkbank/atomic.py refuses protected targets
    return None


def refuse_message(name, dest, hit):
    if os.path.basename(hit) == "rounds":
        what = "de map met bevroren rondes van de werkbank ({})".format(hit)
    elif hit.endswith(COMPANIONS):
        what = "een hulpbestand van de werkbank ({})".format(os.path.basename(hit))
    else:
        what = "de werkbank of een invoerbestand ({})".format(hit)
    return ("Uitvoer {} = '{}' zou {} overschrijven. Er is niets geschreven; kies een ander bestand of een andere "
            "map voor {}.").format(name, dest, what, name)


# ---- failures -> Dutch messages ---------------------------------------------------------------
def describe_failure(exc, algorithm="", werkbank=None):
    """A Dutch message for any exception: what went wrong, where, what to do."""
    from ..werkbank.atomic import describe_os_error
    from ..werkbank.safety import mask_secrets

    where = " (werkbank {})".format(werkbank) if werkbank else ""
    text = str(exc) or type(exc).__name__
    if isinstance(exc, sqlite3.DatabaseError):
        low = text.lower()
        m = re.search(r"no such (table|column): (\S+)", text)
        if "not a database" in low or "malformed" in low or "disk image" in low:
            msg = ("De werkbank{} is geen geldige GeoPackage-database (afgebroken of beschadigd bestand). "
                   "Er is niets gewijzigd. Gebruik een reservekopie of een bevroren ronde.").format(where)
        elif m:
            msg = ("De werkbank{} mist {} '{}' (beschadigd, onvolledig of geen pMIEK-werkbank). Er is niets gewijzigd. "
                   "Controleer het bestand of gebruik een reservekopie.").format(
                       where, "de tabel" if m.group(1) == "table" else "de kolom", m.group(2))
        elif "locked" in low or "busy" in low:
            msg = ("De werkbank{} is bezet door een ander programma of een andere gebruiker. Er is niets gewijzigd. "
                   "Probeer het over een ogenblik opnieuw.").format(where)
        elif "foreign key" in low:
            msg = ("De werkbank{} bevat een verwijzing naar een rij die niet bestaat (verweesde koppeling). "
                   "Er is niets gewijzigd. Herstel de koppeling of gebruik een reservekopie.").format(where)
        elif "readonly" in low or "read-only" in low:
            msg = ("De werkbank{} is alleen-lezen. Er is niets gewijzigd. Controleer de schrijfrechten.").format(where)
        elif "full" in low:
            msg = "De schijf is vol{}. Er is niets gewijzigd. Maak ruimte vrij en probeer het opnieuw.".format(where)
        else:
            msg = ("De werkbank{} gaf een databasefout: {}. Er is niets gewijzigd. Controleer het bestand of gebruik "
                   "een reservekopie.").format(where, text)
    elif _is_dutch(exc):
        msg = text
    elif isinstance(exc, OSError):
        name = getattr(exc, "filename", None) or werkbank or ""
        msg = ("Bestand of map '{}': {}. Controleer de schijfruimte, de rechten en het pad, en probeer het "
               "opnieuw.").format(name, describe_os_error(exc, name))
    elif isinstance(exc, UnicodeError):
        msg = ("Een invoerbestand is geen leesbare tekst in UTF-8 ({}). Er is niets gewijzigd. Sla het bestand op als "
               "'CSV UTF-8' (of kies het juiste bestand) en probeer het opnieuw.").format(text)
    elif isinstance(exc, MemoryError):
        msg = "Onvoldoende geheugen{}. Sluit andere programma's of verklein de invoer en probeer het opnieuw.".format(where)
    else:
        msg = ("Onverwachte fout{}: {}: {}. Controleer de invoer en de werkbank en probeer het opnieuw; meld deze "
               "tekst als het blijft gebeuren.").format(where, type(exc).__name__, text)
    if algorithm:
        msg = "{}: {}".format(algorithm, msg)
    return mask_secrets(msg)


def _is_dutch(exc):
    """Our own errors carry Dutch messages already."""
    return any(c.__module__.startswith(_PACKAGE + ".") for c in type(exc).__mro__[:-2])


_PACKAGE = __name__.split(".provider", 1)[0]
