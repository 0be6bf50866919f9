#!/usr/bin/env bash
# Crash-resume trials (issue 10 item 4): N times (default 10), start
# `rangeup-upload --resume F --limit-rate …` on a large file, SIGKILL it at a
# random moment, rerun the same command, and check that the emulator holds
# exactly the file (sha256) and that the rerun continued the session: no second
# createUploadSession, and bytes re-sent < one fragment (the one in flight).
#   scripts/crash-resume.sh [N]      (50 for a long run)
# Env: RANGEUP_UPLOAD / RANGEUP_EMULATOR (default: build/tools/…), RANGEUP_CRASH_SEED.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${RANGEUP_BUILD_DIR:-$ROOT/build}
export RANGEUP_UPLOAD=${RANGEUP_UPLOAD:-$BUILD/tools/upload/rangeup-upload}
export RANGEUP_EMULATOR=${RANGEUP_EMULATOR:-$BUILD/tools/emulator/rangeup-emulator}
TEST_NAME=crash-resume
. "$ROOT/tests/integration/lib.sh"
N=${1:-10}
SEED=${RANGEUP_CRASH_SEED:-$((RANDOM * 32768 + RANDOM))}
RANDOM=$SEED
RATE=$((6 * 1048576))
EMU_IDLE_EXIT=120
start_emulator
note "seed $SEED, $N trials"

continued=0 early=0
for t in $(seq 1 "$N"); do
  if [ $((t % 2)) = 1 ]; then
    target=message:MSG-C$t
    chunk=1048576
  else
    target=drive:root/crash-$t.bin
    chunk=983040   # 3 x 320 KiB
  fi
  size=$((16 * 1048576 + RANDOM))
  f=$WORK/crash-$t.bin
  make_file "$f" "$size"
  state=$WORK/crash-$t.resume
  track_resume_file "$state"
  creates0=$(counter creates)
  received0=$(counter bytes_received)

  # Run 1: throttled to ~2.7 s, killed after 0.2 .. 2.2 s.
  delay=$((200 + RANDOM % 2000))
  start_cli "c$t" --allow-http --graph-base "$GRAPH" --chunk-size $chunk --limit-rate $RATE --resume "$state" "$f" "$target"
  sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
  kill -KILL "$CLI_PID" 2>/dev/null || fail "trial $t: the upload ended before the kill (${delay} ms)"
  finish_cli
  before=$(($(counter bytes_received) - received0))
  had_state=0
  grep -q '^url=' "$state" 2>/dev/null && had_state=1

  # Run 2: the same command without the throttle.
  run_cli "r$t" --json --allow-http --graph-base "$GRAPH" --chunk-size $chunk --resume "$state" "$f" "$target"
  expect_rc 0 "trial $t: rerun"
  id=$(json_str "$OUT" id)
  [ "$(sha_of_id "$id")" = "$(sha "$f")" ] || fail "trial $t: stored bytes differ from the file"
  sent2=$(json_num "$OUT" bytes_sent)
  resent=$(($(counter bytes_received) - received0 - size))
  creates=$(($(counter creates) - creates0))
  if [ "$had_state" = 1 ]; then
    [ "$creates" = 1 ] || fail "trial $t: the rerun created a new session ($creates creates)"
    [ "$resent" -lt "$chunk" ] || fail "trial $t: re-sent $resent bytes (fragment $chunk)"
    [ "$sent2" -le $((size - before + chunk)) ] || fail "trial $t: rerun sent $sent2, $before had arrived"
    continued=$((continued + 1))
    note "trial $t ($target): killed at ${delay} ms with $before/$size bytes in; rerun sent $sent2, re-sent $resent"
  else
    # Killed before the session was recorded: the rerun starts over; still exact.
    early=$((early + 1))
    note "trial $t ($target): killed at ${delay} ms before the first checkpoint; rerun uploaded it whole"
  fi
  rm -f "$f"
done
bad=$(violations | grep -o '"kind":"[a-z_]*"' | grep -v range_already_received | sort | uniq -c)
[ -z "$bad" ] || fail "protocol violations: $bad"
check_no_leak
note "RESULT trials $N: all files exact; $continued continued a session, $early killed before the first checkpoint; seed $SEED"
