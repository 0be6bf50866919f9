#!/usr/bin/env bash
# SIGKILL while the request that completes the upload is out: the emulator has
# stored the last fragment (the upload is complete) and holds its answer back.
# The resume file saved just before that request says final=1, so the rerun
# with the same --resume file does not upload the file a second time: drive
# finds the item by path (exit 0, one item, one session); an Outlook attachment
# is reported as "may have completed" (exit 4), never attached twice.
. "$(dirname "$0")/lib.sh"
TEST_NAME=crash-final

make_file "$WORK/f" $((3 * 4194304 + 100))  # 4 fragments of <= 4 MiB: the 4th PUT is the last

# Starts the upload, waits until the emulator has completed it, SIGKILLs the CLI.
kill_after_completion() {  # name target resume-file
  local name=$1 target=$2 state=$3
  track_resume_file "$state"
  start_cli "$name" --allow-http --graph-base "$GRAPH" --chunk-size 4M --resume "$state" "$WORK/f" "$target"
  wait_for 300 counter_is completed 1 || { kill -KILL "$CLI_PID" 2>/dev/null; fail "$name: the upload never completed"; }
  kill -KILL "$CLI_PID" 2>/dev/null || fail "$name: the CLI ended before the kill (the answer was not held back)"
  finish_cli
  grep -qx 'final=1' "$state" || fail "$name: the resume file does not record that the final request was out"
}

# drive, conflict fail: the rerun finds the completed item and adopts it.
start_emulator --faults "slow@4" --slow-ms 60000
kill_after_completion drive1 drive:root/crash-final.bin "$WORK/drive.resume"
run_cli drive2 --json --allow-http --graph-base "$GRAPH" --chunk-size 4M --resume "$WORK/drive.resume" \
  "$WORK/f" drive:root/crash-final.bin
expect_rc 0 "drive rerun"
expect_item_adopted drive
[ "$(sha_of_id "$(json_str "$OUT" id)")" = "$(sha "$WORK/f")" ] || fail "drive: the adopted item is not the file"
stop_emulator

# Outlook message: reported, never a second attachment.
start_emulator --faults "slow@4" --slow-ms 60000
kill_after_completion msg1 message:MSG-CRASH "$WORK/msg.resume"
run_cli msg2 --json --allow-http --graph-base "$GRAPH" --chunk-size 4M --resume "$WORK/msg.resume" \
  "$WORK/f" message:MSG-CRASH
expect_reported_once "message rerun" "$WORK/f"
stop_emulator

check_no_leak
note "ok"
