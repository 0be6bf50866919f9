#!/usr/bin/env bash
# The README's demo command. Until the CLI and emulator land, it builds and runs
# the core's self-check (the command name stays the same).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default --target rangeup_noexcept_nortti_test
./build/default/tests/compile/rangeup_noexcept_nortti_test
