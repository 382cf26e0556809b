#!/usr/bin/env bash
# `make run`: QGIS desktop with pmiek_werkbank enabled (throw-away profile) and the sample programme open.
# Without a display it starts under xvfb-run and saves a screenshot to build/run_screenshot.png.
set -euo pipefail
cd "$(dirname "$0")/.."
prof="$PWD/build/qgis_profile"
bash scripts/qgis_profile.sh "$prof"
export QGIS_PLUGINPATH="$PWD/build"
unset QT_QPA_PLATFORM
if [ ! -f resources/sample/voorbeeld_werkbank.gpkg ]; then
  .venv/bin/python scripts/build_sample.py
fi
if [ -n "${DISPLAY:-}" ]; then
  exec qgis --profiles-path "$prof" --profile default --noversioncheck --nologo \
       --code "$PWD/scripts/open_sample_in_qgis.py"
else
  echo "Geen beeldscherm (DISPLAY): QGIS start onder Xvfb en maakt een schermafdruk (build/run_screenshot.png)."
  PMIEK_SCREENSHOT="$PWD/build/run_screenshot.png" PMIEK_QUIT_AFTER=1 \
  xvfb-run -a -s "-screen 0 1600x1000x24" qgis --profiles-path "$prof" --profile default \
       --noversioncheck --nologo --code "$PWD/scripts/open_sample_in_qgis.py"
fi
