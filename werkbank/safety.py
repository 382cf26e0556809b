"""Text safety helpers for everything that leaves the werkbank as a file or cell.

* :func:`safe_filename` turns any project/programme name (HTML, emoji, RTL text,
  ``../..``, path separators, control characters, very long text) into one safe
  file name component; :func:`unique_filename` adds ``_2``, ``_3`` ... suffixes.
* :func:`neutralise_formula` stops spreadsheet formula injection: a text cell
  that Excel/LibreOffice would evaluate (starting with ``=``, ``+``, ``-``,
  ``@``, tab or carriage return) gets a leading apostrophe.  Delegates to
  ``pmiek_werkbank.tabular``, the one writer of every CSV/XLSX file.
* :func:`mask_secrets` hides passwords in connection strings before they reach
  a message or a log.

Pure Python (stdlib only); importable everywhere, also without QGIS.
"""

import os
import re
import unicodedata

_WINDOWS_RESERVED = {
    "CON", "PRN", "AUX", "NUL", "CLOCK$",
    *("COM%d" % i for i in range(1, 10)),
    *("LPT%d" % i for i in range(1, 10)),
}
# Characters never allowed in a file name on Windows, macOS or Linux (plus the separators).
_FORBIDDEN = set('<>:"/\\|?*') | {os.sep} | ({os.altsep} if os.altsep else set())
_KEEP_PUNCT = set("-_.()+,")


def safe_filename(name, default="bestand", max_length=80, ascii_only=False):
    """One safe file name component for ``name`` (never a path, never empty).

    Keeps letters and digits of any script (so "Zuidas–Amstel" or "Ölmühle"
    stay readable), turns everything else (path separators, ``..``, control
    and format characters such as RTL marks, emoji, ``<>:"|?*``) into ``_``,
    strips leading/trailing dots and spaces, avoids Windows device names and
    limits the result to ``max_length`` characters and 200 bytes of UTF-8.
    ``ascii_only`` transliterates to ASCII (for ZIP files and old tools).
    An extension is kept when you pass one (``"x/../y.pdf"`` -> ``"x_y.pdf"``).
    """
    text = unicodedata.normalize("NFKC", "" if name is None else str(name))
    if ascii_only:
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if ch in _FORBIDDEN or cat[0] == "C" or cat in ("Zl", "Zp"):
            out.append("_")
        elif cat[0] in ("L", "N", "M") or ch in _KEEP_PUNCT:
            out.append(ch)
        elif ch.isspace():
            out.append("_")
        else:  # symbols, emoji, other punctuation
            out.append("_")
    text = "".join(out)
    text = re.sub(r"[_.]*_[_.]*", "_", text)  # "_._" -> "_"
    text = re.sub(r"\.{2,}", ".", text)  # never ".."
    text = text.strip(" ._-,+").rstrip("(").rstrip(" ._-,+")  # no name ends in a separator or an opening bracket
    if text.split(".")[0].upper() in _WINDOWS_RESERVED:
        text = "_" + text
    if not text:
        text = default
    text = _limit(text, max_length)
    return text or default


def _limit(text, max_length, max_bytes=200):
    if len(text) <= max_length and len(text.encode("utf-8")) <= max_bytes:
        return text
    stem, dot, ext = text.rpartition(".")
    if not dot or len(ext) > 10 or not ext:
        stem, ext = text, ""
    suffix = ("." + ext) if ext else ""
    room = max_length - len(suffix)
    stem = stem[:max(1, room)]
    while len((stem + suffix).encode("utf-8")) > max_bytes and len(stem) > 1:
        stem = stem[:-1]
    return stem.rstrip(" ._-,+(") + suffix  # a name cut short ends in no separator or open bracket


def unique_filename(name, existing, default="bestand", max_length=80, ascii_only=False):
    """A :func:`safe_filename` not in ``existing`` (compared case-insensitively).

    ``existing`` is a set/list of names already used, or a folder path whose
    entries count as used.  Adds ``_2``, ``_3`` ... before the extension.  When
    ``existing`` is a set, the chosen name is added to it.
    """
    if isinstance(existing, (str, os.PathLike)):
        used = {n.lower() for n in os.listdir(existing)} if os.path.isdir(existing) else set()
        target = None
    else:
        used = {str(n).lower() for n in existing}
        target = existing if isinstance(existing, set) else None
    cand = _unique(name, used, default, max_length, ascii_only)
    if target is not None:
        target.add(cand)
    return cand


def _unique(name, used, default, max_length, ascii_only):
    """The name :func:`unique_filename` gives, ``used`` being the lower-case names taken."""
    base = safe_filename(name, default=default, max_length=max_length, ascii_only=ascii_only)
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    suffix = ("." + ext) if ext else ""
    cand = base
    i = 2
    while cand.lower() in used:
        tail = "_{}".format(i)
        cand = _limit(stem, max_length - len(tail) - len(suffix)) + tail + suffix
        i += 1
    return cand


def unique_filenames(names, default="bestand", max_length=80, ascii_only=False):
    """Safe, case-insensitively unique names for a list of names (in order); one set of the names taken, so
    linear in the number of names (6,000 fiche files: it was 5 s, rebuilding that set per name)."""
    used, out = set(), []
    for n in names:
        cand = _unique(n, used, default, max_length, ascii_only)
        used.add(cand.lower())
        out.append(cand)
    return out


def neutralise_formula(value):
    """Make a spreadsheet cell value inert: ``"=1+1"`` -> ``"'=1+1"``.

    The one implementation lives in ``pmiek_werkbank.tabular`` (the writer of
    every CSV/XLSX); this name stays for existing callers.
    """
    from ..tabular import neutralise_formula as _neutralise

    return _neutralise(value)


def neutralise_row(values):
    """:func:`neutralise_formula` for every cell of a row (list in, list out)."""
    return [neutralise_formula(v) for v in values]


_URI_PASSWORD = re.compile(r"(?P<pre>[a-z][a-z0-9+.-]*://[^:/@\s]*:)(?P<pw>[^@\s]*)(?P<post>@)", re.I)
_KV_PASSWORD = re.compile(r"(?P<pre>\b(password|passwd|pwd|PGPASSWORD)\s*=\s*)(?P<pw>'(?:[^'\\]|\\.)*'|\S+)", re.I)
_QUERY_PASSWORD = re.compile(r"(?P<pre>[?&]password=)(?P<pw>[^&\s]*)", re.I)


def mask_secrets(text):
    """``text`` with every password in a URI or ``key=value`` string replaced by ``***``."""
    if text is None:
        return text
    text = str(text)
    text = _URI_PASSWORD.sub(lambda m: m.group("pre") + "***" + m.group("post"), text)
    text = _QUERY_PASSWORD.sub(lambda m: m.group("pre") + "***", text)
    text = _KV_PASSWORD.sub(lambda m: m.group("pre") + "***", text)
    return text
