"""Check the Python packages the heavy parts need, without importing them.

Uses ``importlib.util.find_spec`` and ``importlib.metadata`` so that plugin start-up stays fast.
Returns Dutch messages; no QGIS imports (the dialog is ``dialogs/deps_dialog.py``).

What the plugin works with: geopandas >= 0.14 and shapely >= 2.0 as the distributions and OSGeo4W
ship them.  Files are read and written through ``vector_io`` with pyogrio, else fiona, else QGIS's own OGR:
neither pyogrio nor fiona is required (pyogrio is the fast one); :func:`io_backend` names the one in use.
Optional packages (pyesdl for ESDL) switch their feature off when missing.

A second GDAL/PROJ in the QGIS process (PyPI wheels of pyogrio/fiona/pyproj bundle their own) crashes
``qgis_process``/QGIS on exit.  :func:`bundled_native_libraries` finds such wheels *before* they are
imported (their ``*.libs``/``.dylibs`` folder), :func:`loaded_native_libraries` reads
``/proc/self/maps`` for two different libgdal/libproj already loaded.
"""

import functools
import importlib.metadata
import importlib.util
import os
import re
import sys

# (import name, distribution name, minimum version or None)
REQUIRED = (
    ("geopandas", "geopandas", (0, 14)),
    ("shapely", "shapely", (2, 0)),
    ("pandas", "pandas", (1, 5)),
    ("jinja2", "Jinja2", None),
    ("openpyxl", "openpyxl", None),
)
# (import name, distribution, what is off without it)
OPTIONAL = (
    ("esdl", "pyesdl", "ESDL-export en -import (uitwisselpakket met ESDL)"),
    ("scipy", "scipy", "snellere toewijzing van ontwikkelingen aan het dichtstbijzijnde station (capaciteitsbalans)"),
)
# distribution -> (Debian/Ubuntu package, OSGeo4W package or None, pure Python: pip is safe)
PACKAGES = {
    "geopandas": ("python3-geopandas", "python3-geopandas", True),
    "shapely": ("python3-shapely", "python3-shapely", False),
    "pandas": ("python3-pandas", "python3-pandas", False),
    "Jinja2": ("python3-jinja2", "python3-jinja2", True),
    "openpyxl": ("python3-openpyxl", "python3-openpyxl", True),
    "pyogrio": ("python3-pyogrio", "python3-pyogrio", False),
    "fiona": ("python3-fiona", "python3-fiona", False),
    "pyproj": ("python3-pyproj", "python3-pyproj", False),
    "pyesdl": (None, None, True),
    "scipy": ("python3-scipy", "python3-scipy", False),
}
NATIVE = ("gdal", "proj")


def _version_tuple(text):
    parts = []
    for p in str(text).split("."):
        digits = "".join(ch for ch in p if ch.isdigit())
        if not digits:
            break
        parts.append(int(digits))
    return tuple(parts)


def _present(mod):
    try:
        return importlib.util.find_spec(mod) is not None
    except (ImportError, ValueError):  # a module hidden with sys.modules[mod] = None, or a broken one
        return False


def installed_version(mod, dist):
    for name in (dist, mod):
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    module = sys.modules.get(mod)
    return getattr(module, "__version__", None) if module is not None else None


def missing_packages(required=None):
    """List of (distribution, problem) for packages that are absent or too old (default: :data:`REQUIRED`)."""
    if required is None:
        required = REQUIRED
    problems = []
    for mod, dist, minimum in required:
        if not _present(mod):
            problems.append((dist, "ontbreekt"))
            continue
        if minimum:
            have = installed_version(mod, dist)
            # a distribution package may carry no usable version (Debian forky's shapely says "0+unknown")
            if have is not None and "unknown" not in have and _version_tuple(have) < minimum:
                problems.append((dist, "versie {} is te oud, nodig >= {}".format(have, ".".join(map(str, minimum)))))
    return problems


IO_LABELS = {"pyogrio": "pyogrio", "fiona": "fiona (pyogrio is sneller)",
             "qgis": "de eigen OGR van QGIS (pyogrio of fiona is sneller)"}  # io_backend() in Dutch


def io_backend():
    """'pyogrio', 'fiona' or 'qgis': what ``vector_io`` reads and writes files with now; None when nothing can."""
    from . import vector_io

    try:
        return vector_io.backend()
    except vector_io.VectorIOError:
        return None


def optional_status():
    """[(distribution, present, feature)] for the optional packages."""
    return [(dist, _present(mod), feature) for mod, dist, feature in OPTIONAL]


def platform_key(system=None):
    """'windows', 'macos' or 'debian' (also for other Linux: the apt command is the example)."""
    system = system or sys.platform
    if system.startswith("win"):
        return "windows"
    if system == "darwin":
        return "macos"
    return "debian"


def install_commands(dists, platform=None):
    """{platform: command} to install the distributions ``dists`` for QGIS's own Python.

    Compiled packages come from the platform's packages (apt, OSGeo4W) so they use QGIS's GDAL/PROJ;
    pip is only proposed for pure-Python packages (a PyPI wheel of pyogrio/fiona/pyproj brings a second
    GDAL/PROJ into QGIS).
    """
    dists = list(dict.fromkeys(dists))
    apt = [PACKAGES.get(d, (None,))[0] for d in dists]
    o4w = [PACKAGES.get(d, (None, None))[1] for d in dists]
    pip_only = [d for d, a in zip(dists, apt) if a is None]
    out = {}
    lines = []
    if any(apt):
        lines.append("sudo apt install " + " ".join(a for a in apt if a))
    if pip_only:
        lines.append("python3 -m pip install --user " + " ".join(pip_only))
    out["debian"] = "\n".join(lines)
    lines = []
    if any(o4w):
        lines.append("OSGeo4W Shell (als beheerder): osgeo4w-setup.exe -q -k -P " + ",".join(o for o in o4w if o))
    if pip_only:
        lines.append("OSGeo4W Shell: python -m pip install " + " ".join(pip_only))
    out["windows"] = "\n".join(lines)
    pure = [d for d in dists if PACKAGES.get(d, (None, None, True))[2]]
    native = [d for d in dists if d not in pure]
    lines = []
    if pure:
        lines.append("/Applications/QGIS-LTR.app/Contents/MacOS/bin/python3 -m pip install --user " + " ".join(pure))
    if native:
        lines.append("{}: worden meegeleverd met de QGIS-installer van qgis.org; installeer QGIS opnieuw of gebruik "
                     "conda-forge (conda install -c conda-forge qgis {})".format(", ".join(native), " ".join(native)))
    out["macos"] = "\n".join(lines)
    if platform is not None:
        return out[platform]
    return out


def install_hint(problems):
    """A Dutch sentence naming what to install, or '' when nothing is missing."""
    if not problems:
        return ""
    names = ", ".join("{} ({})".format(d, why) for d, why in problems)
    command = install_commands([d for d, _ in problems], platform_key()).replace("\n", "; ")
    return (
        "pMIEK Werkbank mist Python-pakketten: {}. Installeer ze in de Python van QGIS, op dit systeem met: {}. "
        "Menu pMIEK Werkbank > Afhankelijkheden controleren toont de opdracht per platform. "
        "De Processing-algoritmen en docks die ze nodig hebben werken pas daarna.".format(names, command)
    )


def require(*modules):
    """Raise ImportError with a Dutch install hint if any listed module is missing."""
    req = [r for r in REQUIRED if r[0] in modules] if modules else list(REQUIRED)
    problems = missing_packages(req)
    if problems:
        raise ImportError(install_hint(problems))


# ---- a second GDAL/PROJ -----------------------------------------------------------------------
_LIB = re.compile(r"lib(gdal|proj)[-.\w]*\.(so|dylib)|\b(gdal|proj)[_-]?\d*\.dll", re.I)


def bundled_native_libraries(packages=("pyogrio", "fiona", "pyproj", "rasterio")):
    """{package: [bundled GDAL/PROJ library files]} for installed wheels that carry their own, without importing.

    Looks in ``<site>/<pkg>.libs`` (Linux/Windows wheels) and ``<pkg>/.dylibs`` (macOS wheels).
    """
    found = {}
    for pkg in packages:
        try:
            spec = importlib.util.find_spec(pkg)
        except (ImportError, ValueError):
            continue
        if spec is None or not spec.submodule_search_locations:
            continue
        pkg_dir = list(spec.submodule_search_locations)[0]
        candidates = [os.path.join(os.path.dirname(pkg_dir), pkg + ".libs"), os.path.join(pkg_dir, ".dylibs"), pkg_dir]
        libs = []
        for d in candidates:
            if not os.path.isdir(d):
                continue
            for name in sorted(os.listdir(d)):
                if _LIB.search(name):
                    libs.append(os.path.join(d, name))
        if libs:
            found[pkg] = libs
    return found


def loaded_native_libraries(maps_path="/proc/self/maps"):
    """{'gdal': [paths], 'proj': [paths]} of the libraries loaded in this process (Linux; {} elsewhere)."""
    try:
        with open(maps_path, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        return {}
    out = {}
    for line in lines:
        path = line.split(None, 5)[5].strip() if len(line.split(None, 5)) == 6 else ""
        base = os.path.basename(path)
        m = re.match(r"lib(gdal|proj)([-.]|$)", base)
        if m:
            out.setdefault(m.group(1), [])
            if path not in out[m.group(1)]:
                out[m.group(1)].append(path)
    return out


def native_conflicts(maps_path="/proc/self/maps", packages=("pyogrio", "fiona", "pyproj", "rasterio")):
    """Dutch warnings about a second GDAL/PROJ (loaded, or about to be by an import); [] when all is well."""
    warnings = []
    for lib, paths in sorted(loaded_native_libraries(maps_path).items()):
        if len(paths) > 1:
            warnings.append("Er zijn twee {}-bibliotheken in QGIS geladen ({}). QGIS kan daardoor vastlopen of bij "
                            "afsluiten crashen.".format(lib.upper(), ", ".join(paths)))
    for pkg, libs in sorted(bundled_native_libraries(packages).items()):
        dist = "pyogrio" if pkg == "pyogrio" else pkg
        warnings.append(
            "Het pakket {} is een PyPI-wheel met een eigen {} ({}); naast QGIS' eigen GDAL/PROJ kan dat QGIS laten "
            "crashen. Vervang het door het pakket van uw platform: {}".format(
                pkg, "/".join(sorted({m.group(1).upper() for m in (_LIB.search(os.path.basename(x)) for x in libs)
                                     if m and m.group(1)} or {"GDAL/PROJ"})),
                os.path.basename(libs[0]), install_commands([dist], platform_key()).replace("\n", "; ")))
    return warnings


def report():
    """Everything the dependency dialog shows, as plain data (tested without a GUI)."""
    problems = missing_packages()
    rows = []
    for mod, dist, minimum in REQUIRED:
        have = installed_version(mod, dist) if _present(mod) else None
        rows.append({"package": dist, "version": have, "needed": ">= " + ".".join(map(str, minimum)) if minimum else "",
                     "ok": not any(p[0] == dist for p in problems), "feature": "nodig"})
    backend = io_backend()
    via = IO_LABELS.get(backend, "niets")
    present = _present("pyogrio")
    rows.append({"package": "pyogrio", "version": installed_version("pyogrio", "pyogrio") if present else None,
                 "needed": "", "ok": present,
                 "feature": "optioneel: snel bestanden lezen/schrijven" + ("" if present else "; nu via " + via)})
    present = _present("fiona")
    rows.append({"package": "fiona", "version": installed_version("fiona", "fiona") if present else None,
                 "needed": "", "ok": True, "state": "aanwezig" if present else "niet nodig",
                 "feature": "optioneel: bestanden lezen/schrijven als pyogrio ontbreekt"})
    for dist, present, feature in optional_status():
        mod = [m for m, d, _ in OPTIONAL if d == dist][0]
        rows.append({"package": dist, "version": installed_version(mod, dist) if present else None, "needed": "",
                     "ok": present, "feature": "optioneel: " + feature + ("" if present else " staat uit")})
    missing = [d for d, _ in problems] + [r["package"] for r in rows if not r["ok"] and r["feature"].startswith("opt")]
    return {"rows": rows, "problems": problems, "missing": list(dict.fromkeys(missing)),
            "commands": install_commands(missing) if missing else {}, "platform": platform_key(), "io_backend": backend,
            "io_label": IO_LABELS.get(backend),
            "conflicts": native_conflicts()}


# pyproj 3.7.x keeps each thread's PROJ context twice: a pointer in the OS thread's storage and a
# threading.local object that destroys the context when the thread's Python state goes away.  QGIS runs an
# algorithm (QgsProcessingAlgRunnerTask) and a QgsTask on pooled QThreads; sip gives such a thread a Python state
# only for the duration of each call, so after the first algorithm on a pool thread the context is destroyed while
# the pointer stays, and the next algorithm on that thread that makes a CRS (geopandas does, for every frame with
# a CRS) crashes QGIS (pyproj issue 1509, fixed in pyproj 3.8 by clearing the pointer; seen on Debian trixie's
# QGIS 3.40 with pyproj 3.7.1).  Keeping the context object alive keeps the pointer valid: one PROJ context per
# pool thread, reused by every later call on it.
_PROJ_CONTEXTS = {}


def proj_context_needs_keeping(version=None):
    """True for the pyproj versions whose per-thread PROJ context dies with a transient Python thread state
    (``version`` None: the installed pyproj, looked up once per process - every algorithm run asks)."""
    if version is None:
        return _installed_pyproj_needs_keeping()
    v = _version_tuple(version or "")
    return (3, 7) <= v[:2] < (3, 8)


@functools.lru_cache(maxsize=1)
def _installed_pyproj_needs_keeping():
    return _present("pyproj") and proj_context_needs_keeping(installed_version("pyproj", "pyproj") or "")


def keep_proj_context():
    """Call at the start of Python code that runs on a QGIS worker thread (an algorithm, a QgsTask) and may make
    a CRS: the thread's pyproj context is created now and kept for the thread's life (see above).  A no-op on
    the main thread, without pyproj and for pyproj versions that do not need it."""
    import threading

    if threading.current_thread() is threading.main_thread() or not proj_context_needs_keeping():
        return
    from pyproj import _context

    if not hasattr(_context, "get_context_manager"):  # not the 3.7 layout after all: nothing to keep
        return
    # makes this thread's context if the thread has none (as any CRS would); a context made by an earlier call
    # on this thread is found through the thread's pointer, and then this Python state holds no manager
    _context._set_context_data_dir()
    manager = _context.get_context_manager()
    if manager is not None:  # a new context: kept per OS thread (a reused thread id replaces a finished one's)
        _PROJ_CONTEXTS[threading.get_native_id()] = manager
