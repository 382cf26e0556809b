#!/usr/bin/env bash
# Creates/updates .venv for pMIEK Werkbank. Idempotent; prints how long it took.
# - venv from Debian's /usr/bin/python3 with --system-site-packages (QGIS bindings, psycopg2)
# - pyproj, pyogrio (and fiona, if requirements.txt lists it) compiled against the system PROJ/GDAL, so they
#   share QGIS's libraries
#   (PyPI's wheels bundle their own GDAL/PROJ and crash qgis_process on exit).  They are built once per
#   machine, in parallel, into a wheel cache OUTSIDE the clone: $PMIEK_WHEEL_CACHE (default
#   /var/cache/pmiek-wheels, ~/.cache/pmiek-wheels when not root), one folder per Python/GDAL/PROJ
#   version; a new clone or a rebuilt .venv installs them from there in seconds.
# - everything else: the pinned requirements.txt from PyPI wheels
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$SECONDS
VENV=.venv
PY=$VENV/bin/python
[ -x "$PY" ] || /usr/bin/python3 -m venv --system-site-packages "$VENV"
export PIP_DISABLE_PIP_VERSION_CHECK=1
GDAL=$(gdal-config --version)
PROJ=$(pkg-config --modversion proj)
PYV=$("$PY" -c 'import sys; print("py%d%d" % sys.version_info[:2])')
if [ -n "${PMIEK_WHEEL_CACHE:-}" ]; then
  BASE=$PMIEK_WHEEL_CACHE
elif [ "$(id -u)" -eq 0 ]; then
  BASE=/var/cache/pmiek-wheels
else
  BASE=${XDG_CACHE_HOME:-$HOME/.cache}/pmiek-wheels
fi
CACHE=$BASE/$PYV-gdal$GDAL-proj$PROJ
mkdir -p "$CACHE"
SOURCE_BUILT=(pyproj pyogrio fiona)
specs=()
pids=()
for pkg in "${SOURCE_BUILT[@]}"; do
  spec=$(grep -oE "^$pkg==[^ #]+" requirements.txt || true)
  [ -n "$spec" ] || continue
  specs+=("$spec")
  if ! ls "$CACHE/${pkg}-${spec#*==}-"*.whl >/dev/null 2>&1; then
    echo "  $spec: bouwen tegen GDAL $GDAL / PROJ $PROJ (eenmalig per machine, bewaard in $CACHE)"
    # cython<3.1 for pyproj 3.6.1's build (scripts/build-constraints.txt)
    PIP_CONSTRAINT="$PWD/scripts/build-constraints.txt" "$PY" -m pip wheel -q --no-deps --no-binary "$pkg" \
        -w "$CACHE" "$spec" >"$CACHE/$pkg.build.log" 2>&1 &
    pids+=("$!:$pkg")
  fi
done
failed=0
for entry in "${pids[@]}"; do
  if ! wait "${entry%%:*}"; then
    echo "FOUT: ${entry#*:} kon niet worden gebouwd:" >&2
    tail -20 "$CACHE/${entry#*:}.build.log" >&2
    failed=1
  fi
done
[ $failed -eq 0 ] || exit 1
t_build=$((SECONDS - t0))
# The source-built wheels first (so pip never takes PyPI's bundled-GDAL wheels for them), then the rest.
if [ ${#specs[@]} -gt 0 ]; then
  "$PY" -m pip install -q --no-index --no-deps --find-links "$CACHE" "${specs[@]}"
fi
"$PY" -m pip install -q -r requirements.txt
if ! "$PY" - <<'PYCHECK'
import subprocess, sys
gdal = subprocess.run(["gdal-config", "--version"], capture_output=True, text=True).stdout.strip()
proj = subprocess.run(["pkg-config", "--modversion", "proj"], capture_output=True, text=True).stdout.strip()
import pyogrio, pyproj
try:
    import fiona  # optional (the plugin reads with pyogrio, or fiona where only that is installed)
    fiona_gdal = fiona.__gdal_version__
except ImportError:
    fiona_gdal = gdal
ok = (pyogrio.__gdal_version_string__ == gdal and pyproj.proj_version_str == proj and fiona_gdal == gdal)
print("  pyogrio GDAL %s, pyproj PROJ %s; system GDAL %s, PROJ %s"
      % (pyogrio.__gdal_version_string__, pyproj.proj_version_str, gdal, proj))
sys.exit(0 if ok else 1)
PYCHECK
then
  echo "  pyproj/pyogrio/fiona waren PyPI-wheels: vervangen door de eigen builds uit $CACHE"
  "$PY" -m pip install -q --force-reinstall --no-index --no-deps --find-links "$CACHE" "${specs[@]}"
fi
touch "$VENV/.installed"
echo "venv klaar in $((SECONDS - t0)) s (waarvan bouwen pyproj/pyogrio/fiona: ${t_build} s)"
