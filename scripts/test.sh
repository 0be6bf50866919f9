#!/usr/bin/env bash
# The README's test command: install what is missing, then configure, build and
# run every test with gcc and with clang (warnings as errors).
#   RANGEUP_PRESETS="default clang asan-ubsan"  choose the workflow presets to run
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

presets=${RANGEUP_PRESETS:-"default clang"}
status=0
for preset in $presets; do
  echo "=== workflow preset: $preset ==="
  if ! cmake --workflow --preset "$preset"; then
    echo "=== preset $preset FAILED ==="
    status=1
  fi
done
exit $status
