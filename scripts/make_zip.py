"""Build the plugin ZIP for plugins.qgis.org: folder pmiek_werkbank/ without tests and dev files.

Usage: python3 scripts/make_zip.py [build/pmiek_werkbank.zip]
Needs only Python 3 and git (no QGIS, no venv).  Takes the files git tracks (so nothing local leaks
in), minus development-only paths, and checks the result against the plugin site's upload rules
(``check_zip``; the same rules tests/test_zip.py applies).

Version: the newest git tag reachable from HEAD (``v1.2.3`` or ``1.2.3``) is written into the ZIP's
metadata.txt.  Without a tag (a fresh clone without tags, CI) the ``version`` in metadata.txt is
used as it is.  Either way the version must have an entry in the ``changelog`` of metadata.txt.
"""

import configparser
import io
import os
import re
import subprocess
import sys
import zipfile
from urllib.parse import urlparse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = "pmiek_werkbank"
EXCLUDE_PREFIXES = ("tests/", "bench/", "scripts/", ".ci/", "docs/", "build/", ".venv/", "demo_output/", ".git")
EXCLUDE_FILES = {"Makefile", "requirements.txt", "pytest.ini", "ruff.toml", ".gitignore", "DEVELOPERS.md",
                 "resources/styles/generate_styles.py"}
COMPILED = (".pyc", ".pyo", ".so", ".pyd", ".dll", ".dylib", ".o")
# plugins.qgis.org (QGIS-Django plugins/validator.py): required metadata, size, forbidden names
SITE_REQUIRED = ("name", "description", "version", "qgisMinimumVersion", "author", "email", "about", "tracker",
                 "repository")
OUR_REQUIRED = SITE_REQUIRED + ("homepage", "tags", "icon", "changelog", "license", "hasProcessingProvider")
MAX_SIZE = 25000000
FORBIDDEN_DIRS = ("__MACOSX", ".git", "__pycache__")
PLACEHOLDER_URLS = ("http://bugs", "http://repo", "http://homepage")
NO_REPLY = re.compile(r"no-?reply|example\.(com|org|net)|\.example$|\.invalid$|\.test$|localhost", re.I)
EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")


class ZipError(Exception):
    pass


def plugin_files():
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    files = [f for f in out.decode().split("\0") if f]
    keep = []
    for f in files:
        if f in EXCLUDE_FILES or f.startswith(EXCLUDE_PREFIXES) or "/__pycache__/" in f or f.endswith(COMPILED):
            continue
        if f.startswith("resources/") and f.endswith(".py"):  # generators of resources are dev scripts
            continue
        if os.path.isfile(os.path.join(ROOT, f)):
            keep.append(f)
    return sorted(keep)


def tag_version():
    """The newest tag's version ('v1.2.3' -> '1.2.3'), or None without tags/git."""
    try:
        out = subprocess.run(["git", "describe", "--tags", "--abbrev=0"], cwd=ROOT, capture_output=True,
                             text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    tag = out.stdout.strip()
    if out.returncode != 0 or not tag:
        return None
    return tag[1:] if tag[:1] in "vV" else tag


def metadata_text(version=None):
    """metadata.txt with ``version`` (default: the git tag, else unchanged)."""
    with open(os.path.join(ROOT, "metadata.txt"), encoding="utf-8") as f:
        text = f.read()
    version = version or tag_version()
    if version:
        text = re.sub(r"(?m)^version=.*$", "version=" + version, text)
    return text


def check_metadata(text, names=None):
    """Rules of the plugin site plus ours; returns the [general] section as a dict; raises ZipError."""
    cp = configparser.ConfigParser()
    cp.optionxform = str
    try:
        cp.read_string(text)
    except configparser.Error as e:
        raise ZipError("metadata.txt is niet leesbaar: {}".format(e)) from None
    if not cp.has_section("general"):
        raise ZipError("metadata.txt heeft geen sectie [general]")
    general = dict(cp.items("general"))
    missing = [k for k in OUR_REQUIRED if not general.get(k, "").strip()]
    if missing:
        raise ZipError("metadata.txt mist: " + ", ".join(missing))
    if "/" in general["author"]:
        raise ZipError("author mag geen '/' bevatten")
    email = general["email"].strip()
    if not EMAIL.match(email) or NO_REPLY.search(email):
        raise ZipError("email moet een echt contactadres zijn (geen no-reply/voorbeeld): " + email)
    for key in ("tracker", "repository", "homepage"):
        url = general[key].strip()
        parsed = urlparse(url)
        if url in PLACEHOLDER_URLS or not (parsed.scheme and parsed.netloc):
            raise ZipError("{} is geen geldige URL: {}".format(key, url))
    version = general["version"].strip()
    if not re.match(r"^\d+\.\d+(\.\d+)?([-.+]?[A-Za-z0-9.]+)?$", version):
        raise ZipError("version is geen versienummer: " + version)
    if not re.search(r"(?m)^\s*{}\b".format(re.escape(version)), general["changelog"]):
        raise ZipError("changelog in metadata.txt heeft geen regel voor versie " + version)
    for flag in ("experimental", "deprecated", "server"):
        if flag in general and general[flag].strip().lower() not in ("true", "false", "1", "0", "yes", "no"):
            raise ZipError("{} moet True of False zijn".format(flag))
    if names is not None and "{}/{}".format(PACKAGE, general["icon"].lstrip("./")) not in names:
        raise ZipError("icoon uit metadata.txt ontbreekt in de ZIP: " + general["icon"])
    return general


def check_zip(path):
    """The plugin site's upload checks on a built ZIP; returns its metadata dict, raises ZipError."""
    if os.path.getsize(path) > MAX_SIZE:
        raise ZipError("ZIP is groter dan {} MB".format(MAX_SIZE // 1000000))
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        if z.testzip() is not None:
            raise ZipError("beschadigde ZIP")
        for n in names:
            parts = n.split("/")
            if ".." in n or n.startswith("/"):
                raise ZipError("pad met '..' of '/' in de ZIP: " + n)
            if ".pyc" in n or n.endswith(COMPILED):
                raise ZipError("gecompileerd bestand in de ZIP: " + n)
            if any(d in parts for d in FORBIDDEN_DIRS):
                raise ZipError("verboden map in de ZIP: " + n)
        tops = {n.split("/")[0] for n in names}
        if tops != {PACKAGE}:
            raise ZipError("de ZIP moet precies één map {} bevatten, niet {}".format(PACKAGE, sorted(tops)))
        if not re.match(r"^[A-Za-z][A-Za-z0-9-_]+$", PACKAGE):
            raise ZipError("ongeldige pakketnaam")
        for required in ("__init__.py", "metadata.txt", "LICENSE"):
            if "{}/{}".format(PACKAGE, required) not in names:
                raise ZipError("{} ontbreekt in de ZIP".format(required))
        return check_metadata(io.TextIOWrapper(z.open(PACKAGE + "/metadata.txt"), encoding="utf-8").read(), names)


def main(target):
    files = plugin_files()
    text = metadata_text()
    check_metadata(text)
    os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
    tmp = target + ".tmp"
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for f in files:
            if f == "metadata.txt":
                z.writestr(PACKAGE + "/metadata.txt", text)
            else:
                z.write(os.path.join(ROOT, f), PACKAGE + "/" + f)
    try:
        general = check_zip(tmp)
    except ZipError:
        os.remove(tmp)
        raise
    os.replace(tmp, target)
    print("{} ({} bestanden, versie {}, {:.1f} MB)".format(target, len(files), general["version"],
                                                          os.path.getsize(target) / 1e6))


if __name__ == "__main__":
    try:
        main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "pmiek_werkbank.zip"))
    except ZipError as e:
        print("make zip: " + str(e), file=sys.stderr)
        sys.exit(1)
