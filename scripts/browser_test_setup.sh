#!/usr/bin/env bash
# Installs what the web-atlas browser test needs, when missing (called by tests/test_webatlas_browser.py,
# so `make test` sets it up on a fresh machine): Debian's chromium (apt, as root), Node.js + npm (apt, only when
# the machine has none), and the test-only npm packages of tests/browser/package.json (playwright-core,
# axe-core) into the git-ignored tests/browser/node_modules.  Playwright never downloads a browser: the test
# drives /usr/bin/chromium.  Idempotent and fast when all is there.
set -euo pipefail
cd "$(dirname "$0")/.."
need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Browsertest: ontbrekend: ${need_apt[*]}. Installeer als root: apt-get install -y ${need_apt[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${need_apt[@]}" >/dev/null
fi
dir=tests/browser
if [ ! -f "$dir/node_modules/playwright-core/package.json" ] || [ ! -f "$dir/node_modules/axe-core/axe.min.js" ] \
   || [ "$dir/package.json" -nt "$dir/node_modules/.installed" ]; then
  export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
  (cd "$dir" && npm install --no-audit --no-fund --no-package-lock --loglevel=error >/dev/null)
  touch "$dir/node_modules/.installed"
fi
echo "$PWD/$dir/node_modules"
