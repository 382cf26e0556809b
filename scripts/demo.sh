#!/usr/bin/env bash
# `make demo`: the whole pMIEK chain headless with qgis_process.bin, from the sample's raw files
# (open data + fictitious limits, developments, projects, links, scores, actions, monitoring) to the
# energyboard atlas, one fiche per project and the programme lists in $DEMO_OUT.
# Called by the Makefile with the QGIS environment set (QGIS_PLUGINPATH, PYTHONPATH, QT_QPA_PLATFORM).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=${DEMO_OUT:-$ROOT/demo_output}
PY=${PMIEK_PY:-$ROOT/.venv/bin/python}
S=$ROOT/resources/sample
QP=qgis_process.bin
PEIL=2025-07-01
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}

if [ ! -f "$S/projectenlijst.xlsx" ]; then
  echo "== voorbeeldbestanden bouwen (scripts/build_sample.py)"
  "$PY" scripts/build_sample.py
fi
rm -rf "$OUT"
mkdir -p "$OUT/logboek" "$OUT/rapporten"
WB=$OUT/werkbank.gpkg

$QP plugins enable pmiek_werkbank >/dev/null 2>&1 || true

# Run one algorithm, show its results; stop the demo on the first failure.
run() {
  local alg=$1; shift
  local tag=${LOGTAG:-${alg#pmiek:}}
  echo "== $alg ${LOGTAG:+($LOGTAG)}"
  local log=$OUT/logboek/$tag.txt
  set +e
  $QP --json run "$alg" -- "$@" >"$log.json" 2>"$log"
  local rc=$?
  set -e
  if [ $rc -ne 0 ] || ! grep -q '"results"' "$log.json"; then
    echo "FOUT: $alg mislukt (code $rc), zie $log" >&2
    tail -25 "$log" >&2
    exit 1
  fi
  "$PY" - "$log.json" <<'PYEOF'
import json, sys
text = open(sys.argv[1], encoding="utf-8").read()
res = json.JSONDecoder().raw_decode(text[text.index("{"):])[0].get("results", {})
for k, v in res.items():
    if isinstance(v, str) and "\n" in v:
        v = v.replace("\n", "\n      ")
    print("   {}: {}".format(k, v))
PYEOF
}

echo "### 1. Werkbank maken"
run pmiek:createwerkbank OUTPUT="$WB" NAME="pMIEK 2.0 Utrecht – fictief voorbeeld" PROVINCE=Utrecht \
    ROUND="pMIEK 2.0" PEILDATUM=$PEIL \
    DISCLAIMER="Fictief voorbeeld: stationscapaciteiten, ontwikkelingen, knooppunten, projecten, scores en afspraken zijn verzonnen. Gemeenten, provinciegrens en hoogspanningsstations zijn open data (CBS/Kadaster via PDOK; © OpenStreetMap-bijdragers, ODbL)."

echo "### 2. Inzicht: netcapaciteit en ontwikkelingen"
run pmiek:importstations WERKBANK="$WB" INPUT="$S/stations.gpkg" FIELD_ID=station_id FIELD_NAME=name \
    FIELD_OPERATOR=operator FIELD_VOLTAGE=voltage_kv_max CAPACITY_TABLE="$S/station_limits.csv" \
    PEILDATUM=$PEIL CHECK_PROVINCE=false SOURCE_NAME="OSM hoogspanningsstations" \
    REPORT="$OUT/rapporten/stations.html"
run pmiek:importcapacitymap WERKBANK="$WB" INPUT="$S/capaciteitskaart.gpkg" PEILDATUM=$PEIL \
    SOURCE_NAME="capaciteitskaart (fictief)" REPORT="$OUT/rapporten/capaciteitskaart.html"
LOGTAG=importdevelopments_vlakken run pmiek:importdevelopments WERKBANK="$WB" \
    INPUT="$S/ontwikkelingen.gpkg|layername=ontwikkelingen_vlakken" SOURCE_NAME="ontwikkelingen (fictief)" \
    REPORT="$OUT/rapporten/ontwikkelingen_vlakken.html"
LOGTAG=importdevelopments_punten run pmiek:importdevelopments WERKBANK="$WB" \
    INPUT="$S/ontwikkelingen.gpkg|layername=ontwikkelingen_punten" SOURCE_NAME="ontwikkelingen (fictief)" \
    REPORT="$OUT/rapporten/ontwikkelingen_punten.html"

echo "### 3. Ontwerpen: knooppunten, projecten en koppelingen"
run pmiek:importknooppunten WERKBANK="$WB" INPUT="$S/knooppunten.gpkg" FIELD_ID=knooppunt_id FIELD_NAME=naam \
    FIELD_KARAKTER=karakter REPORT="$OUT/rapporten/knooppunten.html"
run pmiek:importprojects WERKBANK="$WB" INPUT="$S/projectenlijst.xlsx" REPORT="$OUT/rapporten/projectenlijst.html"
for kind in lijnen vlakken; do
  LOGTAG=importprojects_$kind run pmiek:importprojects WERKBANK="$WB" INPUT="$S/projecten.gpkg|layername=projecten_$kind" \
    REPORT="$OUT/rapporten/projecten_$kind.html"
done
run pmiek:importlinks WERKBANK="$WB" INPUT="$S/koppelingen.csv" FIELD_PROJECT=project_id \
    FIELD_DEVELOPMENT=plan_id FIELD_SHARE=aandeel_pct SHARE_UNIT=0 FIELD_MOTIVATION=motivatie \
    REPORT="$OUT/rapporten/koppelingen.html"

echo "### 4. Afwegen: capaciteitsbalans en afwegingskader"
LOGTAG=capacitybalance_station run pmiek:capacitybalance WERKBANK="$WB" LEVEL=0 YEARS=2025,2030,2035 \
    OUTPUT="$OUT/capaciteitsbalans_stations.gpkg"
LOGTAG=capacitybalance_knooppunt run pmiek:capacitybalance WERKBANK="$WB" LEVEL=1 YEARS=2025,2030,2035 \
    OUTPUT="$OUT/capaciteitsbalans_knooppunten.gpkg"
run pmiek:importscores WERKBANK="$WB" INPUT="$S/scores.csv" REPORT="$OUT/rapporten/scores.html"
run pmiek:scoreprojects WERKBANK="$WB" OUTPUT="$OUT/rangorde.gpkg"

echo "### 5. Borgen: afspraken, fiches, atlas en lijsten"
run pmiek:importactions WERKBANK="$WB" INPUT="$S/acties.csv" REPORT="$OUT/rapporten/acties.html"
run pmiek:importmonitoring WERKBANK="$WB" INPUT="$S/monitoring.csv" REPORT="$OUT/rapporten/monitoring.html"
run pmiek:exportfiches WERKBANK="$WB" OUTPUT_FOLDER="$OUT/fiches" ATLAS="$OUT/energyboard_atlas.pdf" \
    INCLUDE_CONFIDENTIAL=false ORDER=0
run pmiek:exportlists WERKBANK="$WB" PROJECTENLIJST="$OUT/projectenlijst.xlsx" ACTIELIJST="$OUT/actielijst.xlsx" \
    MONITORINGLIJST="$OUT/monitoringlijst.xlsx" INCLUDE_CONFIDENTIAL=false
run pmiek:exportpackage WERKBANK="$WB" OUTPUT_FOLDER="$OUT/uitwisselpakket" ESDL=true
run pmiek:exportwebatlas WERKBANK="$WB" OUTPUT_FOLDER="$OUT/webatlas" INCLUDE_CONFIDENTIAL=false

echo
echo "Klaar: de hele keten draaide headless (qgis_process.bin). Uitvoer in: $OUT"
( cd "$OUT" && find . -maxdepth 2 -type f ! -path './logboek/*' | sort | sed 's|^\./|  |' )
echo "Open eerst: $OUT/energyboard_atlas.pdf  (alle gegevens behalve de open data zijn een fictief voorbeeld)"
echo "Web-atlas (zonder internet, dubbelklikken of via een webserver): $OUT/webatlas/index.html"
