#!/usr/bin/env bash
# Screenshots of the real QGIS desktop (under Xvfb) with the sample programme, for README/docs.
set -euo pipefail
cd "$(dirname "$0")/.."
prof=$(mktemp -d)
bash scripts/qgis_profile.sh "$prof"
unset QT_QPA_PLATFORM QGIS_CUSTOM_CONFIG_PATH QGIS_OPTIONS_PATH
export QGIS_PLUGINPATH="$PWD/build"
for dock in balance projects scoring; do
  out="$PWD/docs/screenshot_${dock}.png"
  PMIEK_SCREENSHOT="$out" PMIEK_QUIT_AFTER=1 PMIEK_RAISE=$dock \
    xvfb-run -a -s "-screen 0 1600x1000x24" qgis --profiles-path "$prof" --profile default --noversioncheck \
    --nologo --code "$PWD/scripts/open_sample_in_qgis.py" >/dev/null 2>&1 || true
  echo "$out"
done
cp docs/screenshot_balance.png docs/screenshot.png
rm -rf "$prof"
