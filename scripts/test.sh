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
# build folders), so they are configured and built in a second lane at the
# lowest CPU priority: it takes the cores the native presets leave idle
# (configure steps, links, integration tests waiting on timers and on the
# emulator) and yields them at once to the native builds and tests. Their tests
# run afterwards at normal priority (under Wine and qemu-user, with timeouts
# that assume a fair share of the CPU). Build output goes to build/logs/ and is
# printed when the lane ends, so the lanes never interleave.
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

build_preset() {  # build_preset <preset>: configure and build, timed
  local preset=$1 start=$SECONDS
  echo "=== configure and build, second lane: $preset ==="
  if cmake --preset "$preset" && cmake --build --preset "$preset"; then
    echo "=== preset $preset built ($((SECONDS - start)) s, at nice 19 beside the first lane) ==="
  else
    echo "=== preset $preset: build FAILED ($((SECONDS - start)) s) ==="
    return 1
  fi
}

lane_pid=""
logs=build/logs
if [[ -n $background ]]; then
  mkdir -p "$logs"
  rm -f "$logs"/*.log "$logs"/*.status
  echo "=== second lane (nice 19, output in $logs/):$background ==="
  export -f build_preset
  # Job control on for this one job: the lane gets its own process group, so an
  # interrupted run stops it too. (Not setsid: a new session is a new scheduler
  # autogroup on Linux, where nice would no longer rank it below this one.)
  set -m
  nice -n 19 bash -c '
    for preset in "${@:2}"; do
      if build_preset "$preset" > "$1/$preset.log" 2>&1; then s=0; else s=1; fi
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
  echo "=== second lane built (waited $((SECONDS - start)) s for it after the first lane) ==="
  for preset in $background; do
    cat "$logs/$preset.log" 2>/dev/null || true
    if [[ $(cat "$logs/$preset.status" 2>/dev/null) != 0 ]]; then
      status=1
      continue
    fi
    start=$SECONDS
    if ctest --preset "$preset"; then
      echo "=== preset $preset passed (tests: $((SECONDS - start)) s) ==="
    else
      echo "=== preset $preset FAILED (tests: $((SECONDS - start)) s) ==="
      status=1
    fi
  done
fi
exit $status
