#!/usr/bin/env bash
# SIGKILL while the request that completes the upload is out: the emulator has
# stored the last fragment (the upload is complete) and holds its answer back.
# The resume file saved just before that request says final=1, so the rerun
# with the same --resume file does not upload the file a second time: drive
# finds the item by path (exit 0, one item, one session); an Outlook or To Do
# attachment is reported as "may have completed" (exit 4), never attached twice.
# (crash_race.sh: the rerun arrives before the old request took effect.)
. "$(dirname "$0")/lib.sh"
TEST_NAME=crash-final

make_file "$WORK/f" $((3 * 4194304 + 100))  # 4 fragments (drive 4M = 12 x 320 KiB; message 4000000): the 4th PUT is the last

# Starts the upload, waits until the emulator has completed it, SIGKILLs the CLI.
kill_after_completion() {  # name target resume-file chunk
  local name=$1 target=$2 state=$3 chunk=$4
  track_resume_file "$state"
  start_cli "$name" --allow-http --graph-base "$GRAPH" --chunk-size "$chunk" --resume "$state" "$WORK/f" "$target"
  wait_for 300 counter_is completed 1 || { kill -KILL "$CLI_PID" 2>/dev/null; fail "$name: the upload never completed"; }
  kill -KILL "$CLI_PID" 2>/dev/null || fail "$name: the CLI ended before the kill (the answer was not held back)"
  finish_cli
  grep -qx 'final=1' "$state" || fail "$name: the resume file does not record that the final request was out"
}

# drive, conflict fail: the rerun finds the completed item and adopts it.
start_emulator --faults "slow@4" --slow-ms 60000
kill_after_completion drive1 drive:root/crash-final.bin "$WORK/drive.resume" 4M
run_cli drive2 --json --allow-http --graph-base "$GRAPH" --chunk-size 4M --resume "$WORK/drive.resume" \
  "$WORK/f" drive:root/crash-final.bin
expect_rc 0 "drive rerun"
expect_item_adopted drive
[ "$(sha_of_id "$(json_str "$OUT" id)")" = "$(sha "$WORK/f")" ] || fail "drive: the adopted item is not the file"
expect_no_violations drive
stop_emulator

# Attachments, with a status GET answered 404 (the session ended): reported,
# never a second attachment. To Do's GET carries the bearer (T2).
for target in message:MSG-CRASH todo:LIST-C/TASK-C; do
  name=${target%%:*}
  start_emulator --faults "slow@4" --slow-ms 60000
  kill_after_completion "$name-1" "$target" "$WORK/$name.resume" 4000000
  run_cli "$name-2" --json --allow-http --graph-base "$GRAPH" --chunk-size 4000000 --resume "$WORK/$name.resume" \
    "$WORK/f" "$target"
  expect_reported_once "$name rerun" "$WORK/f"
  expect_no_violations "$name"
  stop_emulator
done

check_no_leak
note "ok"
