#!/usr/bin/env bash
# Runs rangeup's libFuzzer targets for longer than CI does.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# Builds the `fuzz` preset (clang, ASan+UBSan), then fuzzes each TARGET (all
# by default) for SECONDS (default 600) with FUZZ_JOBS parallel jobs (default:
# nproc). New inputs go to a work corpus, build/fuzz-corpus/<target>, which is
# seeded from tests/fuzz/corpus/ (never modified) and minimized (-merge=1)
# afterwards. Crash reproducers land in build/fuzz-artifacts/<target>/; add
# each as a regression test (tests/fuzz/regressions_test.cpp).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-600}
shift || true
jobs=${FUZZ_JOBS:-$(nproc)}
all=(rangeup_fuzz_byte_range rangeup_fuzz_json_builtin rangeup_fuzz_json_nlohmann rangeup_fuzz_json_boost
     rangeup_fuzz_location_id rangeup_fuzz_resume_token rangeup_fuzz_session)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all[@]}")

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz

bin=build/fuzz/tests/fuzz
summary=()
status=0
for t in "${targets[@]}"; do
  if [ ! -x "$bin/$t" ]; then
    summary+=("$(printf '%-28s not built (dependency missing?)' "$t")")
    continue
  fi
  case $t in
    rangeup_fuzz_json_nlohmann | rangeup_fuzz_json_boost) seeds=tests/fuzz/corpus/rangeup_fuzz_json_builtin ;;
    *) seeds=tests/fuzz/corpus/$t ;;
  esac
  work=build/fuzz-corpus/$t
  artifacts=build/fuzz-artifacts/$t
  logs=build/fuzz-logs/$t
  mkdir -p "$work" "$artifacts" "$logs"
  rm -f "$logs"/*.log
  echo "== $t: ${seconds}s, $jobs job(s)"
  rc=0
  # The work corpus comes first: libFuzzer writes new inputs only there.
  (cd "$logs" && "$OLDPWD/$bin/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -jobs="$jobs" -workers="$jobs" -artifact_prefix="$OLDPWD/$artifacts/" "$OLDPWD/$work" "$OLDPWD/$seeds") \
      >"$logs/main.log" 2>&1 || rc=$?
  # Minimize the work corpus (keeps only inputs that add coverage).
  rm -rf "$work.min" && mkdir -p "$work.min"
  "$bin/$t" -merge=1 "$work.min" "$work" >"$logs/merge.log" 2>&1 && rm -rf "$work" && mv "$work.min" "$work"
  # The jobs' own logs (fuzz-N.log) when there are any; main.log repeats them.
  job_logs=$(ls "$logs"/fuzz-*.log 2>/dev/null || echo "$logs/main.log")
  execs=$(cat $job_logs | sed -n 's/^stat::number_of_executed_units: *//p' | awk '{s+=$1} END {print s+0}')
  crashes=$(find "$artifacts" -type f | wc -l)
  [ "$rc" -ne 0 ] && status=1
  summary+=("$(printf '%-28s rc=%-3s execs=%-12s corpus=%-6s artifacts=%s' "$t" "$rc" "$execs" \
      "$(find "$work" -type f | wc -l)" "$crashes")")
done

echo
echo "fuzz summary (${seconds}s per target, $jobs job(s)):"
printf '  %s\n' "${summary[@]}"
exit $status
