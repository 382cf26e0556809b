#!/usr/bin/env bash
# Installs the Debian packages pMIEK Werkbank needs, when missing and we are root.
# Otherwise prints exactly what to install.  Idempotent and fast when all is there.
set -euo pipefail
PKGS=(python3-qgis qgis qgis-providers python3-venv xvfb poppler-utils imagemagick
      postgresql-15-postgis-3 postgresql-client python3-psycopg2 gdal-bin sqlite3 xauth
      python3-dev libgdal-dev libproj-dev pkg-config build-essential python3-scipy chromium
      debootstrap python3-fiona xdotool)  # debootstrap: the QGIS version matrix chroots (make test-matrix);
      # python3-fiona: vector_io's fiona backend (Debian's build against the system GDAL, safe beside QGIS), tested
      # on 3.22; xdotool: the desktop tests click QGIS's own buttons through the X server
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "pMIEK Werkbank: deze Debian-pakketten ontbreken: ${missing[*]}" >&2
  echo "Installeer ze als root:  apt-get update && apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]} (this can take several minutes)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
echo "Debian packages installed."
