#!/usr/bin/env bash
# The README's test command: install what is missing, then configure, build and
# run every test with gcc (-O2, plus valgrind memcheck of four CLI cases), with
# clang under AddressSanitizer + UndefinedBehaviorSanitizer (that build also
# runs every fuzzer for a short bounded time), and the portability builds:
# Windows x64 (MinGW-w64, tests under Wine), 32-bit i386 and big-endian s390x
# (tests under qemu-user). All builds use -Wall -Wextra -Wpedantic -Werror.
#   RANGEUP_PRESETS="default clang tsan"  choose other workflow presets
#   RANGEUP_ONE_LANE=1                    run every preset in turn (see below)
set -euo pipefail
cd "$(dirname "$0")/.."

export RANGEUP_PRESETS=${RANGEUP_PRESETS:-"default asan-ubsan windows-mingw i386 s390x"}
bash scripts/install-deps.sh

# The portability presets share nothing with the native ones (own compilers and
# build folders), so they run in a second lane: each is configured and built at
# the lowest CPU priority (nice 19: it takes the cores the native presets leave
# idle — configure steps, links, integration tests waiting on timers and on the
# emulator — and yields them at once to the native builds), then its tests run
# at once at nice 5 (under Wine and qemu-user; their timeouts allow for a small
# share of the CPU, and the native tests keep most of it). Lane output goes to
# build/logs/ and is printed when the lane ends, so the lanes never interleave.
background_presets="windows-mingw i386 s390x"
foreground=""
background=""
for preset in $RANGEUP_PRESETS; do
  if [[ -z ${RANGEUP_ONE_LANE:-} && " $background_presets " == *" $preset "* ]]; then
    background+=" $preset"
  else
    foreground+=" $preset"
  fi
done

run_preset() {  # run_preset <preset>: the whole workflow, timed
  local preset=$1 start=$SECONDS
  echo "=== workflow preset: $preset ==="
  if cmake --workflow --preset "$preset"; then
    echo "=== preset $preset passed ($((SECONDS - start)) s) ==="
  else
    echo "=== preset $preset FAILED ($((SECONDS - start)) s) ==="
    return 1
  fi
}

lane_preset() {  # lane_preset <preset>: configure and build at nice 19, then test at nice 5, timed
  local preset=$1 start=$SECONDS
  echo "=== second lane: $preset ==="
  if ! nice -n 19 cmake --preset "$preset" || ! nice -n 19 cmake --build --preset "$preset"; then
    echo "=== preset $preset: build FAILED ($((SECONDS - start)) s) ==="
    return 1
  fi
  echo "=== preset $preset built ($((SECONDS - start)) s, at nice 19 beside the first lane) ==="
  start=$SECONDS
  if nice -n 5 ctest --preset "$preset"; then
    echo "=== preset $preset passed (tests: $((SECONDS - start)) s, at nice 5) ==="
  else
    echo "=== preset $preset FAILED (tests: $((SECONDS - start)) s, at nice 5) ==="
    return 1
  fi
}

lane_pid=""
logs=build/logs
if [[ -n $background ]]; then
  mkdir -p "$logs"
  rm -f "$logs"/*.log "$logs"/*.status
  echo "=== second lane (output in $logs/):$background ==="
  export -f lane_preset
  # Job control on for this one job: the lane gets its own process group, so an
  # interrupted run stops it too. (Not setsid: a new session is a new scheduler
  # autogroup on Linux, where nice would no longer rank it below this one.)
  set -m
  bash -c '
    for preset in "${@:2}"; do
      if lane_preset "$preset" > "$1/$preset.log" 2>&1; then s=0; else s=1; fi
      echo $s > "$1/$preset.status"
    done' lane "$logs" $background &
  lane_pid=$!
  set +m
  trap '[[ -n $lane_pid ]] && kill -- -"$lane_pid" 2>/dev/null || true' EXIT
fi

status=0
for preset in $foreground; do
  run_preset "$preset" || status=1
done

if [[ -n $lane_pid ]]; then
  start=$SECONDS
  wait "$lane_pid" || true
  lane_pid=""
  echo "=== second lane done (waited $((SECONDS - start)) s for it after the first lane) ==="
  for preset in $background; do
    cat "$logs/$preset.log" 2>/dev/null || true
    [[ $(cat "$logs/$preset.status" 2>/dev/null) == 0 ]] || status=1
  done
fi
exit $status
