#!/usr/bin/env bash
# Creates/updates .venv for pMIEK Werkbank. Idempotent.
# - venv from Debian's /usr/bin/python3 with --system-site-packages (QGIS bindings, psycopg2)
# - pinned requirements.txt
# - pyproj, pyogrio, fiona compiled against the system PROJ/GDAL, so they share QGIS's libraries
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv
PY=$VENV/bin/python
[ -x "$PY" ] || /usr/bin/python3 -m venv --system-site-packages "$VENV"
export PIP_DISABLE_PIP_VERSION_CHECK=1
export PIP_CONSTRAINT="$PWD/scripts/build-constraints.txt"   # cython<3.1 for pyproj 3.6.1's build
SOURCE_BUILT="pyproj,pyogrio,fiona"
"$PY" -m pip install -q --no-binary "$SOURCE_BUILT" -r requirements.txt
# Packages installed earlier as wheels (bundled GDAL/PROJ) are rebuilt once from source.
if ! "$PY" - <<'PYCHECK'
import subprocess, sys
gdal = subprocess.run(["gdal-config", "--version"], capture_output=True, text=True).stdout.strip()
proj = subprocess.run(["pkg-config", "--modversion", "proj"], capture_output=True, text=True).stdout.strip()
import pyogrio, pyproj, fiona
ok = (pyogrio.__gdal_version_string__ == gdal and pyproj.proj_version_str == proj
      and fiona.__gdal_version__ == gdal)
print("pyogrio GDAL %s, fiona GDAL %s, pyproj PROJ %s; system GDAL %s, PROJ %s"
      % (pyogrio.__gdal_version_string__, fiona.__gdal_version__, pyproj.proj_version_str, gdal, proj))
sys.exit(0 if ok else 1)
PYCHECK
then
  echo "Rebuilding pyproj/pyogrio/fiona against the system PROJ/GDAL (a few minutes)"
  "$PY" -m pip install -q --force-reinstall --no-deps --no-binary "$SOURCE_BUILT" \
      $(grep -E '^(pyproj|pyogrio|fiona)==' requirements.txt)
fi
touch "$VENV/.installed"
