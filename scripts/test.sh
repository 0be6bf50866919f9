#!/usr/bin/env bash
# The README's test command: install what is missing, then configure, build and
# run every test with gcc (-O2, plus valgrind memcheck of the CLI cases), with
# clang under AddressSanitizer + UndefinedBehaviorSanitizer, and every fuzzer
# for a short bounded time. All builds use -Wall -Wextra -Wpedantic -Werror.
#   RANGEUP_PRESETS="default clang tsan"  choose other workflow presets
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

presets=${RANGEUP_PRESETS:-"default asan-ubsan fuzz"}
status=0
for preset in $presets; do
  echo "=== workflow preset: $preset ==="
  start=$SECONDS
  if ! cmake --workflow --preset "$preset"; then
    echo "=== preset $preset FAILED ($((SECONDS - start)) s) ==="
    status=1
  else
    echo "=== preset $preset passed ($((SECONDS - start)) s) ==="
  fi
done
exit $status
