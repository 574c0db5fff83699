#!/usr/bin/env bash
# Prints code=false when the commits since $BASE change only content/ (posts,
# pages, data), else code=true. A scheduled or manual run rebuilds main, whose
# code was tested when it changed. An unknown base (a new branch) counts as code.
set -uo pipefail
if [[ ${EVENT:-} == schedule || ${EVENT:-} == workflow_dispatch ]]; then
  echo code=false
elif [[ -n ${BASE:-} ]] && git cat-file -e "$BASE^{commit}" 2>/dev/null &&
  git diff --quiet "$BASE" HEAD -- . ':(exclude)content/'; then
  echo code=false
else
  echo code=true
fi
