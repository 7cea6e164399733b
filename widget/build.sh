#!/usr/bin/env bash
# Install rasa-webchat (pinned in package.json / package-lock.json) from npm and
# copy its patched standalone bundle into widget/dist. No install scripts run.
set -euo pipefail
cd "$(dirname "$0")"
PYTHON="${PYTHON:-../.venv/bin/python}"
if [ ! -f node_modules/rasa-webchat/package.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
fi
"$PYTHON" build.py
