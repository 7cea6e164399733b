#!/usr/bin/env bash
# Start the assistant as a local cluster (PostgreSQL, Redis, nginx, 2 Rasa and
# 2 action servers by default: CLUSTER_RASA, CLUSTER_ACTIONS) and stop
# everything on Ctrl-C. See cluster/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup_cluster_deps.sh
exec .venv/bin/python -m cluster "$@"
