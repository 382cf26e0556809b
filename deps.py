"""Check the Python packages the heavy parts need, without importing them.

Uses ``importlib.util.find_spec`` and ``importlib.metadata`` so that plugin
start-up stays fast.  Returns Dutch messages; no QGIS imports.
"""

import importlib.metadata
import importlib.util

# (import name, distribution name, minimum version or None)
REQUIRED = (
    ("geopandas", "geopandas", (1, 0)),
    ("shapely", "shapely", (2, 0)),
    ("pyogrio", "pyogrio", None),
    ("pandas", "pandas", (1, 5)),
    ("jinja2", "Jinja2", None),
    ("openpyxl", "openpyxl", None),
)


def _version_tuple(text):
    parts = []
    for p in str(text).split("."):
        digits = "".join(ch for ch in p if ch.isdigit())
        if not digits:
            break
        parts.append(int(digits))
    return tuple(parts)


def missing_packages(required=None):
    """List of (distribution, problem) for packages that are absent or too old."""
    if required is None:
        required = REQUIRED
    problems = []
    for mod, dist, minimum in required:
        if importlib.util.find_spec(mod) is None:
            problems.append((dist, "ontbreekt"))
            continue
        if minimum:
            try:
                have = importlib.metadata.version(dist)
            except importlib.metadata.PackageNotFoundError:
                try:
                    have = importlib.metadata.version(mod)
                except importlib.metadata.PackageNotFoundError:
                    continue
            if _version_tuple(have) < minimum:
                problems.append((dist, "versie {} is te oud, nodig >= {}".format(have, ".".join(map(str, minimum)))))
    return problems


def install_hint(problems):
    """A Dutch sentence naming what to install, or '' when nothing is missing."""
    if not problems:
        return ""
    names = ", ".join("{} ({})".format(d, why) for d, why in problems)
    pkgs = " ".join('"{}{}"'.format(d, ">=" + ".".join(map(str, m)) if m else "")
                    for _, d, m in _all_required() if d in {p[0] for p in problems})
    return (
        "pMIEK Werkbank mist Python-pakketten: {}. Installeer ze in de Python van QGIS, "
        "bijvoorbeeld met: python3 -m pip install --user {} (Windows: OSGeo4W Shell). "
        "De Processing-algoritmen en docks die ze nodig hebben werken pas daarna.".format(names, pkgs)
    )


def _all_required():
    return REQUIRED


def require(*modules):
    """Raise ImportError with a Dutch install hint if any listed module is missing."""
    req = [r for r in REQUIRED if r[0] in modules] if modules else list(REQUIRED)
    problems = missing_packages(req)
    if problems:
        raise ImportError(install_hint(problems))
