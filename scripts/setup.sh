#!/usr/bin/env bash
# Set up this checkout: Debian packages (when root), then .venv with the given
# requirements file. Sourced by serve.sh and test.sh; safe to run again.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

requirements=${1:-requirements.txt}
shift || true
debian_packages=("$@")

missing=()
python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
for package in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" ||
    missing+=("$package")
done
if ((${#missing[@]})); then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    echo "Installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "Please install these Debian packages first: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

[[ -x .venv/bin/python ]] || python3 -m venv .venv
# The lock pins every package with its hashes: pip checks each download.
.venv/bin/python -m pip install -q --disable-pip-version-check --require-hashes \
  -r "$requirements"
# The site checker, a distribution of its own (its dependencies are in the
# requirements); editable, so that tests and builds use this checkout's code.
.venv/bin/python -m pip install -q --disable-pip-version-check --no-deps \
  -e packages/pelican-sitecheck
