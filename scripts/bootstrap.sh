#!/usr/bin/env bash
# Creates .venv and installs Plaza with the given extras (e.g. "test"). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
stamp=".venv/.installed-${extras:-base}"
# Any install with extras includes the base packages.
if [ -z "$extras" ]; then
  for installed in .venv/.installed-*; do
    if [ -f "$installed" ] && [ "$installed" -nt pyproject.toml ]; then stamp=$installed; fi
  done
fi
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/pip install --quiet --upgrade pip
  if [ -n "$extras" ]; then
    .venv/bin/pip install --quiet -e ".[$extras]"
  else
    .venv/bin/pip install --quiet -e .
  fi
  touch "$stamp"
fi
