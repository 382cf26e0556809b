#!/usr/bin/env bash
# Runs the whole test suite; called by `make test` with the QGIS environment set.
# Starts the throw-away PostgreSQL/PostGIS server the PostGIS tests need, and stops it.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
mkdir -p tests/artifacts
if [ -x scripts/pg_test_server.sh ]; then
  eval "$(bash scripts/pg_test_server.sh start)" || { echo "PostgreSQL test server did not start" >&2; exit 1; }
  trap 'bash scripts/pg_test_server.sh stop >/dev/null 2>&1' EXIT
fi
$PY -m pytest tests -ra -q -p no:cacheprovider --junitxml=tests/artifacts/junit.xml "$@"
rc=$?
if [ $rc -eq 5 ]; then
  echo "FOUT: pytest heeft geen enkele test uitgevoerd" >&2
  exit 1
fi
exit $rc
