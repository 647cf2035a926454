#!/usr/bin/env bash
# The production topology on this one machine, under load: its own redis-server, its own
# database on the local PostgreSQL, an SMTP sink, two gunicorn instances, one worker and
# nginx in front (tests/topology). Stops only what it started. Figures are written to
# benchmarks/RESULTS-topology.md.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
  # CI runs as root on Debian; only the binary is used, with a config of our own.
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
fi
if ! command -v redis-server >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
fi
make --silent .venv/.installed
TALKA_TOPOLOGY=1 .venv/bin/python -m pytest tests/topology -q -p no:randomly "$@"
