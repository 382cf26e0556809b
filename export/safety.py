"""File names and spreadsheet cells that are safe, whatever a project is called.

Uses ``werkbank.safety`` (``safe_filename``, ``neutralise_formula``) when it is
there; until then (and if it ever fails to import) the small local versions
below do the same job.  Pure Python.
"""

import re
import unicodedata

_RESERVED = {
    "CON", "PRN", "AUX", "NUL",
    *("COM%d" % i for i in range(1, 10)),
    *("LPT%d" % i for i in range(1, 10)),
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def _local_safe_filename(name, default="project", max_len=80):
    """ASCII letters, digits, ``-``, ``_`` and ``.`` only; never a path, never empty."""
    text = unicodedata.normalize("NFKD", str(name or ""))
    text = text.encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^A-Za-z0-9._-]+", "_", text)
    text = re.sub(r"_+", "_", text).strip("._-")
    text = re.sub(r"\.{2,}", ".", text)
    if not text or text.upper().split(".")[0] in _RESERVED:
        text = (default + "_" + text).strip("_") if text else default
    return text[:max_len].rstrip("._-") or default


def _local_neutralise_formula(value):
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


try:  # the shared implementation, when a colleague's module has landed
    from ..werkbank.safety import neutralise_formula as _shared_neutralise  # noqa: F401
    from ..werkbank.safety import safe_filename as _shared_safe_filename  # noqa: F401
except Exception:  # noqa: BLE001 - not there yet: local fallback
    _shared_neutralise = None
    _shared_safe_filename = None


def safe_filename(name, default="project"):
    if _shared_safe_filename is not None:
        try:
            out = _shared_safe_filename(name)
            if out and "/" not in out and "\\" not in out and out not in (".", ".."):
                return out
        except Exception:  # noqa: BLE001
            pass
    return _local_safe_filename(name, default)


def neutralise_formula(value):
    if _shared_neutralise is not None:
        try:
            return _shared_neutralise(value)
        except Exception:  # noqa: BLE001
            pass
    return _local_neutralise_formula(value)


def unique_filenames(names, default="project"):
    """Safe, case-insensitively unique file stems for a list of names (suffix _2, _3 ...)."""
    seen = set()
    out = []
    for n in names:
        stem = safe_filename(n, default)
        cand = stem
        i = 2
        while cand.lower() in seen:
            cand = "{}_{}".format(stem, i)
            i += 1
        seen.add(cand.lower())
        out.append(cand)
    return out
