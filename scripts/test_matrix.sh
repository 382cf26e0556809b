#!/usr/bin/env bash
# `make test-matrix`: the suite on each QGIS of the matrix, in Debian chroots (scripts/matrix_chroot.sh).
# Prints per suite: QGIS version, build/test/demo durations and the result; exit 1 if any suite failed.
# A suite whose chroot cannot be built (e.g. the testing distribution's QGIS is uninstallable that day)
# is reported as NIET GEBOUWD with the reason and counts as a failure, unless PMIEK_MATRIX_ALLOW_BUILD_FAIL=1.
set -uo pipefail
cd "$(dirname "$0")/.."
SUITES=("$@")
[ ${#SUITES[@]} -gt 0 ] || SUITES=(trixie forky)
declare -A RESULT
rc=0
for suite in "${SUITES[@]}"; do
  t0=$SECONDS
  echo "=== matrix $suite: chroot"
  if ! bash scripts/matrix_chroot.sh build "$suite"; then
    RESULT[$suite]="NIET GEBOUWD ($((SECONDS - t0)) s; zie /var/cache/pmiek-matrix/$suite.*.log)"
    [ "${PMIEK_MATRIX_ALLOW_BUILD_FAIL:-0}" = 1 ] || rc=1
    continue
  fi
  tb=$((SECONDS - t0))
  t1=$SECONDS
  if bash scripts/matrix_chroot.sh run "$suite"; then
    RESULT[$suite]="GESLAAGD (chroot ${tb} s, tests+demo $((SECONDS - t1)) s)"
  else
    RESULT[$suite]="MISLUKT (chroot ${tb} s, tests+demo $((SECONDS - t1)) s)"
    rc=1
  fi
done
echo "=== matrix samenvatting"
for suite in "${SUITES[@]}"; do
  echo "  $suite: ${RESULT[$suite]}"
done
exit $rc
