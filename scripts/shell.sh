#!/usr/bin/env bash
# Chat with the assistant in the terminal (the action server runs alongside).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var
export ACTION_SERVER_TOKEN="${ACTION_SERVER_TOKEN:-$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))')}"
SANIC_HOST=127.0.0.1 .venv/bin/python -m supervisor.action_server -p "${ACTIONS_PORT:-5055}" >var/actions-shell.log 2>&1 &
ACTIONS=$!
trap 'kill $ACTIONS 2>/dev/null || true' EXIT
mkdir -p var
.venv/bin/rasa shell --model models/assistant.tar.gz --endpoints endpoints.yml
