#!/usr/bin/env bash
# Debian's headless Chromium drives the browser tests (Playwright uses
# /usr/bin/chromium; no browser download). Installed only when missing.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null; then
  echo "Chromium missing and not root: browser tests will be skipped." >&2; exit 0
fi
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
echo "==> Installing Debian chromium for the browser tests"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
