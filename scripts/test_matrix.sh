#!/usr/bin/env bash
# `make test-matrix`: the suite on each QGIS of the matrix, in Debian chroots (scripts/matrix_chroot.sh).
# The suites run side by side (PMIEK_MATRIX_PARALLEL=0: one after the other); each one's output goes to
# /var/cache/pmiek-matrix/<suite>.run.log and is printed when it is done.  Prints per suite the QGIS
# version, the durations and the result; exit 1 if any suite failed.
# A suite whose chroot cannot be built (e.g. the testing distribution's QGIS is uninstallable that day)
# is reported as NIET GEBOUWD with the reason and counts as a failure, unless PMIEK_MATRIX_ALLOW_BUILD_FAIL=1.
set -uo pipefail
cd "$(dirname "$0")/.."
CACHE=${PMIEK_MATRIX_CACHE:-/var/cache/pmiek-matrix}
mkdir -p "$CACHE"
SUITES=("$@")
[ ${#SUITES[@]} -gt 0 ] || SUITES=(trixie forky)

one_suite() {
  local suite=$1 t0=$SECONDS tb
  echo "=== matrix $suite: chroot"
  if ! bash scripts/matrix_chroot.sh build "$suite"; then
    echo "RESULT NIET GEBOUWD ($((SECONDS - t0)) s; zie $CACHE/$suite.*.log)"
    return 2
  fi
  tb=$((SECONDS - t0))
  local t1=$SECONDS
  if bash scripts/matrix_chroot.sh run "$suite"; then
    echo "RESULT GESLAAGD (chroot ${tb} s, tests+demo $((SECONDS - t1)) s)"
    return 0
  fi
  echo "RESULT MISLUKT (chroot ${tb} s, tests+demo $((SECONDS - t1)) s)"
  return 1
}

declare -A PID
for suite in "${SUITES[@]}"; do
  if [ "${PMIEK_MATRIX_PARALLEL:-1}" = 1 ]; then
    one_suite "$suite" >"$CACHE/$suite.run.log" 2>&1 &
    PID[$suite]=$!
  else
    one_suite "$suite" 2>&1 | tee "$CACHE/$suite.run.log"
  fi
done
rc=0
declare -A RC
for suite in "${SUITES[@]}"; do
  if [ -n "${PID[$suite]:-}" ]; then
    wait "${PID[$suite]}"
    RC[$suite]=$?
    echo "=================== matrix $suite ==================="
    cat "$CACHE/$suite.run.log"
  else
    grep -q "^RESULT GESLAAGD" "$CACHE/$suite.run.log" && RC[$suite]=0 || RC[$suite]=1
    grep -q "^RESULT NIET GEBOUWD" "$CACHE/$suite.run.log" && RC[$suite]=2
  fi
  case ${RC[$suite]} in
    0) ;;
    2) [ "${PMIEK_MATRIX_ALLOW_BUILD_FAIL:-0}" = 1 ] || rc=1 ;;
    *) rc=1 ;;
  esac
done
echo "=== matrix samenvatting"
for suite in "${SUITES[@]}"; do
  echo "  $suite: $(grep -h '^RESULT' "$CACHE/$suite.run.log" | tail -1 | sed 's/^RESULT //') — $(grep -ho 'QGIS [0-9.]*-[A-Za-z]*' "$CACHE/$suite.run.log" | head -1)"
done
exit $rc
