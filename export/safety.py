"""File names and spreadsheet cells that are safe, whatever a project is called.

Delegates to ``werkbank.safety`` (``safe_filename``, ``neutralise_formula``);
the small local versions below are only a fallback for a tree without it.
Pure Python.
"""

import re
import unicodedata

_RESERVED = {
    "CON", "PRN", "AUX", "NUL",
    *("COM%d" % i for i in range(1, 10)),
    *("LPT%d" % i for i in range(1, 10)),
}


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


try:  # the shared implementation (werkbank/safety.py)
    from ..werkbank.safety import unique_filenames as _shared_unique_filenames
    from ..werkbank.safety import safe_filename as _shared_safe_filename
except Exception:  # noqa: BLE001 - not there (older tree): local fallback
    _shared_safe_filename = _shared_unique_filenames = None


def safe_filename(name, default="project"):
    """ASCII file stem (fiches travel by e-mail and ZIP; old tools choke on emoji)."""
    if _shared_safe_filename is not None:
        return _shared_safe_filename(name, default=default, ascii_only=True)
    return _local_safe_filename(name, default)


def neutralise_formula(value):
    """See ``pmiek_werkbank.tabular`` (the one CSV/XLSX writer)."""
    from ..tabular import neutralise_formula as _neutralise

    return _neutralise(value)


def unique_filenames(names, default="project"):
    """Safe, case-insensitively unique ASCII file stems for a list of names (suffix _2, _3 ...)."""
    if _shared_unique_filenames is not None:
        return _shared_unique_filenames(names, default=default, ascii_only=True)
    seen = set()
    out = []
    for n in names:
        stem = _local_safe_filename(n, default)
        cand = stem
        i = 2
        while cand.lower() in seen:
            cand = "{}_{}".format(stem, i)
            i += 1
        seen.add(cand.lower())
        out.append(cand)
    return out
