"""Build the plugin ZIP for plugins.qgis.org: folder pmiek_werkbank/ without tests and dev files.

Usage: python scripts/make_zip.py build/pmiek_werkbank.zip
Takes the files git tracks (so nothing local leaks in), minus development-only paths.
"""

import configparser
import os
import subprocess
import sys
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXCLUDE_PREFIXES = ("tests/", "bench/", "scripts/", ".ci/", "docs/", "build/", ".venv/", "demo_output/", ".git")
EXCLUDE_FILES = {"Makefile", "requirements.txt", "pytest.ini", "ruff.toml", ".gitignore", "DEVELOPERS.md"}
REQUIRED_METADATA = ("name", "qgisMinimumVersion", "description", "about", "version", "author", "email",
                     "repository", "tracker", "homepage", "tags", "icon", "hasProcessingProvider")


def plugin_files():
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    files = [f for f in out.decode().split("\0") if f]
    keep = []
    for f in files:
        if f in EXCLUDE_FILES or f.startswith(EXCLUDE_PREFIXES) or "/__pycache__/" in f:
            continue
        if os.path.isfile(os.path.join(ROOT, f)):
            keep.append(f)
    return sorted(keep)


def check_metadata():
    cp = configparser.ConfigParser()
    cp.read(os.path.join(ROOT, "metadata.txt"), encoding="utf-8")
    general = cp["general"]
    missing = [k for k in REQUIRED_METADATA if not general.get(k)]
    if missing:
        raise SystemExit("metadata.txt mist: " + ", ".join(missing))
    if not os.path.exists(os.path.join(ROOT, general["icon"])):
        raise SystemExit("icoon uit metadata.txt bestaat niet: " + general["icon"])
    return general


def main(target):
    general = check_metadata()
    files = plugin_files()
    os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for f in files:
            z.write(os.path.join(ROOT, f), "pmiek_werkbank/" + f)
    print("{} ({} bestanden, versie {})".format(target, len(files), general["version"]))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "pmiek_werkbank.zip"))
