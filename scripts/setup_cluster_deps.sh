#!/usr/bin/env bash
# System packages of the local cluster (`make cluster`, tests/cluster), from Debian only when missing:
#   postgresql    - tracker store and ticket database (run as a child process, not a service)
#   redis-server  - lock store and the widget's socket.io client manager
#   nginx         - load balancer in front of the Rasa processes and the action servers
set -euo pipefail
missing=()
compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
{ command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; } || missing+=(nginx)
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null; then SUDO=sudo; else
    echo "Missing ${missing[*]} and not root: install them to run the cluster." >&2; exit 1
  fi
fi
echo "==> Installing ${missing[*]} for the local cluster"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
