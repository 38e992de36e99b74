#!/usr/bin/env bash
# The one test command (npm test): installs what the tests need on a fresh Debian machine,
# then runs the typecheck, the build and every suite, and ends with one line:
#   N passed, N failed
# Set SKIP_INSTALL=1 to skip apt-get and npm ci on a machine that already has them.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-results
export ELECTRON_SKIP_BINARY_DOWNLOAD=1 VITE_CONFIG_NATIVE_IGNORE_WARNING=true

passed=0
failed=0
note() { printf '\n== %s\n' "$*"; }
check() { # name, command...: a step that counts as one check
  local name=$1; shift
  note "$name"
  if "$@"; then passed=$((passed + 1)); echo "ok: $name"; else failed=$((failed + 1)); echo "FAILED: $name"; fi
}

if [ "${SKIP_INSTALL:-0}" != 1 ]; then
  note "Debian packages"
  packages="chromium xvfb xauth gnome-keyring dbus-daemon dbus-user-session libsecret-1-0"
  missing=$(for p in $packages; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
  if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null \
      || { echo "Could not install: $missing"; echo "0 passed, 1 failed"; exit 1; }
  fi
  note "npm ci"
  npm ci --no-audit --no-fund || { echo "npm ci failed"; echo "0 passed, 1 failed"; exit 1; }
fi

check "typecheck" npm run --silent typecheck
check "build" npm run --silent build

# Vitest and Playwright run inside a private D-Bus session with an unlocked gnome-keyring:
# the keychain tests use the real OS keychain.
note "vitest (node + jsdom)"
rm -f test-results/vitest.json
scripts/with-keyring.sh npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json
read -r vp vf < <(node -e '
  try { const r = require("./test-results/vitest.json"); console.log(r.numPassedTests, r.numFailedTests + (r.numTotalTestSuites > 0 && r.success === false && r.numFailedTests === 0 ? 1 : 0)); }
  catch { console.log("0 1"); }')
passed=$((passed + vp)); failed=$((failed + vf))

note "playwright (Chromium through the loopback browser host)"
rm -f test-results/e2e.json
scripts/with-keyring.sh npx playwright test
read -r pp pf < <(node -e '
  try { const s = require("./test-results/e2e.json").stats; console.log(s.expected + s.flaky, s.unexpected + ((require("./test-results/e2e.json").errors || []).length)); }
  catch { console.log("0 1"); }')
passed=$((passed + pp)); failed=$((failed + pf))

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
