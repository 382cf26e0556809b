#!/usr/bin/env bash
# `make demo`: the sample programme headless with qgis_process.bin -> atlas, fiches and lists in $DEMO_OUT.
# Called by the Makefile with the QGIS environment set (QGIS_PLUGINPATH, PYTHONPATH, QT_QPA_PLATFORM).
# For now it starts from the sample werkbank; the lead extends it to the full chain from raw files.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=${DEMO_OUT:-$ROOT/demo_output}
PY=$ROOT/.venv/bin/python
SAMPLE=$ROOT/resources/sample/voorbeeld_werkbank.gpkg
QP=qgis_process.bin
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}

mkdir -p "$OUT"
if [ ! -f "$SAMPLE" ]; then
  echo "== voorbeeldprogramma bouwen (scripts/build_sample.py)"
  "$PY" scripts/build_sample.py
fi
WB=$OUT/werkbank.gpkg
cp -f "$SAMPLE" "$WB"
echo "== werkbank: $WB"

$QP plugins enable pmiek_werkbank >/dev/null 2>&1 || true
ALGS=$($QP list 2>/dev/null || true)

# Run one algorithm; qgis_process.bin may abort while shutting down after a successful run (seen after
# knooppunten.balance), so success = it printed its results.
run() {
  local alg=$1; shift
  echo "== $alg"
  local log=$OUT/log_${alg#pmiek:}.txt
  set +e
  $QP --json run "$alg" -- "$@" >"$log.json" 2>"$log"
  local rc=$?
  set -e
  if grep -q '"results"' "$log.json"; then
    [ $rc -eq 0 ] || echo "   (qgis_process.bin stopte met code $rc na afloop; resultaten zijn geschreven)"
    "$PY" - "$log.json" <<'PYEOF'
import json, sys
text = open(sys.argv[1], encoding="utf-8").read()
res = json.JSONDecoder().raw_decode(text[text.index("{"):])[0].get("results", {})
for k, v in res.items():
    if isinstance(v, str) and "\n" in v:
        v = v.replace("\n", "\n      ")
    print("   {}: {}".format(k, v))
PYEOF
  else
    echo "FOUT: $alg mislukt (code $rc), zie $log" >&2
    tail -20 "$log" >&2
    exit 1
  fi
}

if grep -q "pmiek:capacitybalance" <<<"$ALGS"; then
  run pmiek:capacitybalance WERKBANK="$WB" OUTPUT="$OUT/capaciteitsbalans.gpkg"
fi
if grep -q "pmiek:scoreprojects" <<<"$ALGS"; then
  run pmiek:scoreprojects WERKBANK="$WB" OUTPUT="$OUT/rangorde.gpkg"
fi
run pmiek:exportfiches WERKBANK="$WB" OUTPUT_FOLDER="$OUT/fiches" ATLAS="$OUT/energyboard_atlas.pdf" \
    INCLUDE_CONFIDENTIAL=false ORDER=0
run pmiek:exportlists WERKBANK="$WB" PROJECTENLIJST="$OUT/projectenlijst.xlsx" ACTIELIJST="$OUT/actielijst.xlsx" \
    MONITORINGLIJST="$OUT/monitoringlijst.xlsx" INCLUDE_CONFIDENTIAL=false

echo
echo "Klaar. Uitvoer in: $OUT"
( cd "$OUT" && find . -maxdepth 2 -type f ! -name 'log_*' | sort | sed 's|^\./|  |' )
echo "Open eerst: $OUT/energyboard_atlas.pdf"
