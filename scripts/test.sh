#!/usr/bin/env bash
# Runs every test: unit, integration (SQLite, and PostgreSQL/Redis where reachable; required
# when CI=true), web and browser tests. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh --browser
.venv/bin/ruff check . --quiet
exec .venv/bin/python -m pytest "$@"
