#!/usr/bin/env bash
# The README's test command: install what is missing, then configure, build and
# run every test with gcc (-O2, plus valgrind memcheck of four CLI cases), with
# clang under AddressSanitizer + UndefinedBehaviorSanitizer (that build also
# runs every fuzzer for a short bounded time), and the portability builds:
# Windows x64 (MinGW-w64, tests under Wine), 32-bit i386 and big-endian s390x
# (tests under qemu-user). All builds use -Wall -Wextra -Wpedantic -Werror.
#   RANGEUP_PRESETS="default clang tsan"  choose other workflow presets
set -euo pipefail
cd "$(dirname "$0")/.."

export RANGEUP_PRESETS=${RANGEUP_PRESETS:-"default asan-ubsan windows-mingw i386 s390x"}
bash scripts/install-deps.sh

presets=$RANGEUP_PRESETS
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
