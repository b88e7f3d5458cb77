#!/usr/bin/env bash
# Starts the demo city on the embedded default: SQLite, no Redis, one process.
# Staff accounts are printed once, the first time. HOST/PORT choose where it listens.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export FLASK_APP=wsgi
export JUNBAN_INSTANCE=${JUNBAN_INSTANCE:-$PWD/instance}
.venv/bin/flask demo
# Outside opening hours the demo runs on a clock shifted to the next opening day, so that
# kiosks issue tickets; set JUNBAN_CLOCK= (empty) to use the real time.
if [ -z "${JUNBAN_CLOCK+x}" ]; then
  JUNBAN_CLOCK=$(.venv/bin/flask demo-clock)
  export JUNBAN_CLOCK
fi
exec .venv/bin/flask serve --host "${HOST:-127.0.0.1}" --port "${PORT:-5000}"
