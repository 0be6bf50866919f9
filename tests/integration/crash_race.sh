#!/usr/bin/env bash
# A request from a dead process can still complete (issue 16 item 4). The CLI
# is SIGKILLed while its last request is out and the emulator HOLDS that
# request before it takes effect (fault `hold`: read whole, held --slow-ms,
# then applied; fragment PUTs to the same session wait for it). The rerun
# with the same --resume file starts at once: its status GET finds the session
# still open, the last range goes again, the old request then completes the
# session and the resent range meets 404. That 404 is no reason to start over:
# message and To Do end with exactly one attachment (exit 4 "may have
# completed", or exit 0); drive looks the item up (exit 0), never a 409 for a
# file that is there. (crash_final.sh: the old request took effect first.)
. "$(dirname "$0")/lib.sh"
TEST_NAME=crash-race
HOLD_MS=2500

"$RANGEUP_EMULATOR" --help | grep -q '\bhold\b' ||
  fail "rangeup-emulator has no 'hold' fault (hold a request before it takes effect): this test needs it"

make_file "$WORK/f" $((4000000 + 100))  # attachments: 2 fragments; the 2nd (100 bytes) completes
make_file "$WORK/d" $((327680 + 100))   # drive, --force-session --chunk-size 320K: 2 fragments

# race NAME TARGET OPTIONS...: run 1 is killed while its last PUT is held;
# run 2 (the same command) starts at once. Sets RC, OUT, ERR of run 2.
race() {
  local name=$1 target=$2 file state=$WORK/$1.resume
  shift 2
  file=$WORK/f
  [ "${target%%:*}" = drive ] && file=$WORK/d
  track_resume_file "$state"
  start_emulator --faults hold@2 --slow-ms "$HOLD_MS"
  start_cli "$name-1" --allow-http --graph-base "$GRAPH" --resume "$state" "$@" "$file" "$target"
  wait_for 100 counter_is faults_injected 1 || { kill -KILL "$CLI_PID" 2>/dev/null; fail "$name: the last PUT never came"; }
  sleep 0.2  # its 100 bytes arrive with the head; the emulator now holds it
  kill -KILL "$CLI_PID" 2>/dev/null || fail "$name: the CLI ended before the kill (the request was not held)"
  finish_cli
  grep -qx 'final=1' "$state" || fail "$name: the resume file does not record that the final request was out"
  counter_is completed 0 || fail "$name: the held request took effect before the rerun"
  run_cli "$name-2" --json --allow-http --graph-base "$GRAPH" --resume "$state" "$@" "$file" "$target"
  # The race happened: the rerun saw the session open and sent the last range again.
  counter_is puts 3 || fail "$name: the rerun did not resend the last range ($(counter puts) PUTs): no race"
  counter_is creates 1 || fail "$name: $(counter creates) sessions: the upload started over"
}

# Attachments: one attachment, whatever the rerun reports.
one_attachment() {  # label flavor
  case $RC in
    4) grep -q "may have completed" "$ERR" || fail "$1: exit 4 without 'may have completed': $(cat "$ERR")" ;;
    0) ;;
    *) fail "$1: exit $RC (expected 4 'may have completed' or 0)" ;;
  esac
  [ "$(stored_count "$2")" = 1 ] || fail "$1: $(stored_count "$2") attachments stored"
  report_jq -e --arg s "$(sha "$WORK/f")" '.files[0].sha256 == $s' >/dev/null || fail "$1: the attachment is not the file"
  expect_no_violations "$1"
  stop_emulator
}

race message message:MSG-RACE
one_attachment message message

race todo todo:LIST-R/TASK-R
one_attachment todo todo

race drive drive:root/race.bin --force-session --chunk-size 320K
expect_rc 0 "drive rerun"
grep -q "409" "$ERR" && fail "drive: a conflict reported for a file that is there: $(cat "$ERR")"
[ "$(stored_count drive)" = 1 ] || fail "drive: $(stored_count drive) items stored"
counter_is item_gets 1 || fail "drive: expected one look-up of the item (got $(counter item_gets))"
[ "$(sha_of_id "$(json_str "$OUT" id)")" = "$(sha "$WORK/d")" ] || fail "drive: the adopted item is not the file"
grep -q '"integrity_checked":true' "$OUT" || fail "drive: the looked-up item's hash was not checked"
expect_no_violations drive
stop_emulator

check_no_leak
note "ok"
