#!/usr/bin/env bash
# SIGINT without --resume cancels: the session is DELETEd, exit 130, one line.
# With --resume it keeps the session for the next run. A file that changes
# during the upload stops it with exit 5. SIGINT during a stalled response
# cancels at once.
. "$(dirname "$0")/lib.sh"
start_emulator
make_file "$WORK/f" $((8 * 1048576))
start_cli i --allow-http --graph-base "$GRAPH" --limit-rate 2M "$WORK/f" message:MSG-I
wait_for 50 counter_is creates 1
sleep 0.5
kill -INT $CLI_PID
finish_cli
expect_rc 130 "SIGINT"
grep -q "interrupted" "$WORK/i.err" || fail "no interrupted line"
counter_is deletes 1 || fail "the session was not deleted"
counter_is completed 0 || fail "completed despite the interrupt"

# SIGINT with --resume keeps the session (no DELETE) and the resume file; the
# same command then finishes the upload in that session.
STATE=$WORK/state.resume
track_resume_file "$STATE"
start_cli j --allow-http --graph-base "$GRAPH" --limit-rate 2M --resume "$STATE" "$WORK/f" message:MSG-J
wait_for 50 test -s "$STATE"
sleep 0.5
kill -INT $CLI_PID
finish_cli
expect_rc 130 "SIGINT with --resume"
grep -q "rerun the same command" "$WORK/j.err" || fail "no rerun hint: $(cat "$WORK/j.err")"
counter_is deletes 1 || fail "--resume: the session was deleted"
creates=$(counter creates)
upload_ok resumed "$WORK/f" message:MSG-J --resume "$STATE"
counter_is creates "$creates" || fail "--resume after SIGINT created a new session"

# The file changing under the upload is a local error (exit 5), not garbage uploaded.
make_file "$WORK/g" $((6 * 1048576))
start_cli k --allow-http --graph-base "$GRAPH" --limit-rate 2M "$WORK/g" message:MSG-K
sleep 1
echo more >>"$WORK/g"
finish_cli
expect_rc 5 "file changed during the upload"
grep -q "changed during the upload" "$WORK/k.err" || fail "source changed line: $(cat "$WORK/k.err")"
expect_no_violations interrupt
stop_emulator

# SIGINT while the server sits on an answer (no bytes moving) still cancels at
# once and DELETEs: the transport must not wait for the stalled response.
start_emulator --faults slow@1 --slow-ms 8000
start_cli s --allow-http --graph-base "$GRAPH" "$WORK/g" message:MSG-S
wait_for 50 counter_is creates 1
sleep 0.3
start=$(date +%s%3N)
kill -INT $CLI_PID
finish_cli
took=$(($(date +%s%3N) - start))
expect_rc 130 "SIGINT during a stalled response"
[ "$took" -lt 4000 ] || fail "SIGINT during a stalled response took $took ms (the stall is 8 s)"
counter_is deletes 1 || fail "stalled: the session was not deleted"
expect_no_violations stalled
check_no_leak
note "ok (resume after SIGINT, source change, SIGINT during a stall)"
