#!/usr/bin/env bash
# Developers: extract every _() string into translations/messages.pot and merge it into each
# language's catalogue (new languages are created). Translate the .po files, then commit them;
# scripts/bootstrap.sh compiles them.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/pybabel extract -F babel.cfg -k _l -o translations/messages.pot --omit-header \
  --sort-by-file api counter display junban kiosk templates
for lang in ja ja_easy en zh ko vi; do
  po=translations/$lang/LC_MESSAGES/messages.po
  if [ -f "$po" ]; then
    .venv/bin/python -m junban.i18n_merge translations/messages.pot "$po"
  else
    mkdir -p "$(dirname "$po")"
    .venv/bin/python -m junban.i18n_merge translations/messages.pot "$po" --new "$lang"
  fi
done
