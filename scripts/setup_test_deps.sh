#!/usr/bin/env bash
# System packages the tests use, installed from Debian only when missing:
#   chromium      - headless browser for the widget and console tests
#                   (driven by Playwright with /usr/bin/chromium, no download)
#   redis-server  - the multi-process test of the widget channel
#   hunspell, hunspell-it - the spelling check of every response (tests/language)
# and those of the local cluster tests (tests/cluster): scripts/setup_cluster_deps.sh.
set -euo pipefail
bash "$(dirname "$0")/setup_cluster_deps.sh" || echo "Cluster packages missing: tests/cluster will be skipped." >&2
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v hunspell >/dev/null 2>&1 || missing+=(hunspell)
[ -f /usr/share/hunspell/it_IT.dic ] || missing+=(hunspell-it)
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null; then SUDO=sudo; else
    echo "Missing ${missing[*]} and not root: the tests that need them will be skipped." >&2; exit 0
  fi
fi
echo "==> Installing ${missing[*]} for the tests"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
