#!/usr/bin/env bash
# Start the whole assistant on this machine and stop everything on Ctrl-C:
#   action server 127.0.0.1:5055, Rasa server 127.0.0.1:5005 (REST + widget
#   socket.io), website/widget/auto-configuration on 127.0.0.1:8080,
#   agent console 127.0.0.1:8090 and the notification worker.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
HOST="${BIND_HOST:-127.0.0.1}"
mkdir -p var

# Secrets: taken from the environment; generated for this run when absent.
export RASA_AUTH_TOKEN="${RASA_AUTH_TOKEN:-$($BIN/python -c 'import secrets; print(secrets.token_urlsafe(32))')}"
export WIDGET_SESSION_SECRET="${WIDGET_SESSION_SECRET:-$($BIN/python -c 'import secrets; print(secrets.token_urlsafe(32))')}"
export RASA_URL="${RASA_URL:-http://127.0.0.1:${RASA_PORT:-5005}}"
# Keep idle keep-alive connections longer than a busy Rasa may wait before
# sending on them (the action server otherwise drops them under load).
export SANIC_KEEP_ALIVE_TIMEOUT="${SANIC_KEEP_ALIVE_TIMEOUT:-75}"
export WIDGET_SOCKET_URL="${WIDGET_SOCKET_URL:-$RASA_URL}"

$BIN/python -c 'from components.model_info import spacy_model_info as i; print("spaCy model:", i()["label"])'

pids=()
cleanup() {
  trap - INT TERM EXIT
  echo; echo "Stopping..."
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

# rasa_sdk takes its bind address from SANIC_HOST only.
SANIC_HOST="${ACTIONS_HOST:-127.0.0.1}" $BIN/rasa run actions --actions actions -p "${ACTIONS_PORT:-5055}" &
pids+=($!)
$BIN/rasa run --model models/assistant.tar.gz --credentials credentials.yml --endpoints endpoints.yml \
  -i "$HOST" -p "${RASA_PORT:-5005}" --enable-api --auth-token "$RASA_AUTH_TOKEN" &
pids+=($!)
$BIN/python -m webapp & pids+=($!)
$BIN/python -m escalation.worker & pids+=($!)
$BIN/python -m escalation.console & pids+=($!)

echo
echo "  Chat (REST):      http://$HOST:${RASA_PORT:-5005}/webhooks/rest/webhook"
echo "  Website + widget: http://127.0.0.1:${WEB_PORT:-8080}/"
echo "  Agent console:    http://127.0.0.1:${CONSOLE_PORT:-8090}/"
echo "  Press Ctrl-C to stop."
echo
wait -n "${pids[@]}"
