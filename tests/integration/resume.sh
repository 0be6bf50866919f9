#!/usr/bin/env bash
# --resume after SIGKILL mid-upload: the second run continues the same session
# (no second create, no restart) and re-sends less than one chunk. Then a
# finished resume file is reported, not re-uploaded, and a foreign one refused.
# Argument: message | todo | drive (To Do: the status GET carries the bearer, T2).
. "$(dirname "$0")/lib.sh"
FLAVOR=${1:-drive}
TEST_NAME=resume-$FLAVOR
start_emulator
case $FLAVOR in
  drive)
    TARGET=drive:root/resumed.bin
    CHUNK=983040   # 3 x 320 KiB
    ;;
  todo)
    TARGET=todo:LIST-R/TASK-R
    CHUNK=1048576
    ;;
  *)
    TARGET=message:MSG-R
    CHUNK=1048576
    ;;
esac
SIZE=$((12 * 1048576 + 12345))
make_file "$WORK/f" $SIZE
STATE=$WORK/state.resume
track_resume_file "$STATE"

# Run 1: throttled, killed with SIGKILL once part of the file is confirmed.
start_cli run1 --allow-http --graph-base "$GRAPH" --chunk-size $CHUNK --limit-rate 3M \
  --resume "$STATE" "$WORK/f" "$TARGET"
two_chunks_saved() { [ -s "$STATE" ] && [ "$(counter bytes_received)" -ge $((2 * CHUNK)) ]; }
wait_for 100 two_chunks_saved
sleep 0.3   # land inside a chunk
kill -KILL $CLI_PID
finish_cli
before=$(counter bytes_received)
[ "$before" -gt 0 ] && [ "$before" -lt "$SIZE" ] || fail "kill did not land mid-upload ($before of $SIZE)"
grep -q '^url=' "$STATE" || fail "resume file has no session"
counter_is creates 1 || fail "expected one create"

# Run 2: the same command (without the throttle) continues.
run_cli run2 --json --allow-http --graph-base "$GRAPH" --chunk-size $CHUNK --resume "$STATE" "$WORK/f" "$TARGET"
expect_rc 0 "resumed upload"
ID=$(json_str "$OUT" id)
[ "$(sha_of_id "$ID")" = "$(sha "$WORK/f")" ] || fail "resumed file differs"
counter_is creates 1 || fail "the resume created a new session"
[ "$(json_num "$OUT" restarts)" = 0 ] || fail "the resume restarted"
resent=$(($(counter bytes_received) - SIZE))
[ "$resent" -lt "$CHUNK" ] || fail "re-sent $resent bytes (chunk $CHUNK)"
sent2=$(json_num "$OUT" bytes_sent)
[ "$sent2" -le $((SIZE - before + CHUNK)) ] || fail "second run sent $sent2 bytes, had $before confirmed"
note "killed at $before/$SIZE bytes; second run sent $sent2; re-sent $resent"

# Run 3: finished resume file → the earlier result, nothing uploaded.
creates=$(counter creates)
run_cli run3 --json --allow-http --graph-base "$GRAPH" --resume "$STATE" "$WORK/f" "$TARGET"
expect_rc 0 "finished resume file"
[ "$(json_str "$OUT" id)" = "$ID" ] || fail "finished resume file: different id"
counter_is creates "$creates" || fail "finished resume file: uploaded again"
expect_no_violations "resume-$FLAVOR"

# A resume file for another file / target is refused clearly.
make_file "$WORK/other" 5000
run_cli foreign --allow-http --graph-base "$GRAPH" --resume "$STATE" "$WORK/other" "$TARGET"
expect_rc 2 "foreign resume file"
grep -q "resume file" "$ERR" || fail "foreign resume line: $(cat "$ERR")"
echo garbage >"$WORK/garbage.resume"
track_resume_file "$WORK/garbage.resume"
chmod 600 "$WORK/garbage.resume"
run_cli garbage --allow-http --graph-base "$GRAPH" --resume "$WORK/garbage.resume" "$WORK/other" "$TARGET"
expect_rc 2 "damaged resume file"
check_no_leak
note "ok"
