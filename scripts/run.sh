#!/usr/bin/env bash
# Start the whole assistant on this machine and stop everything on Ctrl-C
# (supervisor/__main__.py: ports, secrets and the list of servers).
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python -m supervisor "$@"
