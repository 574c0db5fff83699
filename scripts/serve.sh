#!/usr/bin/env bash
# Install what the site needs and serve it at http://127.0.0.1:8000 with live reload.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh requirements.txt
exec .venv/bin/invoke livereload "$@"
