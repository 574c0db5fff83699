#!/usr/bin/env bash
# Install everything the tests need, then run the linters and the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
# npm comes with Node.js where it is installed; Debian's npm package brings both.
node_packages=()
command -v npm >/dev/null || node_packages=(npm)
# faketime: tests/test_phases.py builds the site at another date of the workshop.
bash scripts/setup.sh requirements-dev.txt chromium default-jre-headless rsync faketime "${node_packages[@]}"
# The Nu HTML Checker and axe-core, pinned, for tests/test_quality.py. No
# install scripts: vnu-jar's would download a Java; Debian's is used instead.
npm install --silent --no-save --no-audit --no-fund --ignore-scripts \
  --prefix .cache/npm/quality vnu-jar@26.9.27 axe-core@4.14.1
.venv/bin/ruff format --check .
.venv/bin/ruff check .
exec .venv/bin/python -m pytest -n 2 "$@"
