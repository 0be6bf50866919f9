#!/usr/bin/env bash
# The game-loop example (examples/game_loop_upload.cpp: io::upload_engine
# driven from a 16 ms frame loop over the hand-written non-blocking transport
# of examples/nonblocking_http_transport.hpp) against the emulator:
#  (a) an Outlook attachment, stored byte for byte; Outlook reports no hash, so
#      the example's local QuickXorHash must equal the one the emulator computed;
#  (b) a drive file: the driveItem's quickXorHash is checked (integrity_checked);
#  (c) the player quits once 2 MB are confirmed (--stop-after-bytes): cancelled,
#      the resume file kept and the session left alive; a second run resumes
#      from the file and sends only what the server lacked;
#  (d) --timeout-ms against an answer the emulator delays: errc::timeout, in time;
#  (e) a 503 (Retry-After) and a dropped answer: retried through the loop's wait.
# lib.sh wants RANGEUP_UPLOAD (the CLI) set; only its emulator helpers are used.
. "$(dirname "$0")/lib.sh"
: "${RANGEUP_GAME_LOOP:?path of rangeup_example_game_loop_upload}"

# run_game NAME [args...]: the example, bounded, with the token in GRAPH_TOKEN
# (its options.tokens reads it); sets RC, OUT, ERR.
run_game() {
  local name=$1
  shift
  RUN_COUNT=$((RUN_COUNT + 1))
  OUT=$WORK/$name.out
  ERR=$WORK/$name.err
  LAST_ERR=$ERR
  GRAPH_TOKEN=$TOKEN timeout "${GAME_TIMEOUT:-30}" "$RANGEUP_GAME_LOOP" "$@" >"$OUT" 2>"$ERR"
  RC=$?
  cat "$OUT" "$ERR" >>"$LEAK_LOG"
}
# value_of KEY: the value of the example's last "KEY: value" line.
value_of() { sed -n "s/^$1: //p" "$OUT" | tail -n 1; }
# stored_ok LABEL: the upload the example reported is in the emulator, byte for
# byte, with the QuickXorHash the example computed. Sets ID and ENTRY.
stored_ok() {
  expect_rc 0 "$1"
  ID=$(value_of id)
  [ -n "$ID" ] || fail "$1: no id in: $(cat "$OUT")"
  ENTRY=$(entry_of_id "$ID")
  [ "$(entry_get sha256)" = "$(sha "$WORK/f")" ] || fail "$1: stored bytes differ for $ID: $ENTRY"
  [ "$(entry_get quickXorHash)" = "$(value_of quick_xor_hash)" ] ||
    fail "$1: local quickXorHash $(value_of quick_xor_hash) != stored $(entry_get quickXorHash)"
}

SIZE=6000000  # two Outlook fragments (4 000 000 + 2 000 000); one drive fragment
make_file "$WORK/f" $SIZE
start_emulator

# (a) Outlook attachment.
run_game message "$GRAPH" "$WORK/f" message:MSG-GAME
stored_ok message
[ "$(value_of integrity_checked)" = false ] || fail "message: Outlook reports no hash to check against"
[ "$(grep -c '^frame ' "$OUT")" -ge 2 ] || fail "message: no progress lines: $(cat "$OUT")"
note "message: stored, local quickXorHash matches"

# (b) Drive file: the service's hash is compared.
run_game drive "$GRAPH" "$WORK/f" drive:games/save.bin
stored_ok drive
[ "$(value_of integrity_checked)" = true ] || fail "drive: integrity not checked: $(cat "$OUT")"
note "drive: stored, integrity_checked true"

# (c) The player quits after 2 MB; the next session resumes.
STATE=$WORK/state.resume
track_resume_file "$STATE"
received_before=$(counter bytes_received)
run_game quit "$GRAPH" "$WORK/f" message:MSG-QUIT --stop-after-bytes 2000000 --resume "$STATE"
expect_rc 3 quit
[ "$(value_of outcome)" = cancelled ] || fail "quit: outcome $(value_of outcome)"
[ -s "$STATE" ] || fail "quit: no resume file"
stored=$(($(counter bytes_received) - received_before))
[ "$stored" -ge 2000000 ] && [ "$stored" -lt $SIZE ] || fail "quit: the emulator has $stored bytes"
next=$(sed -n 's/^next=//p' "$STATE")
[ "$next" = "$stored" ] || fail "quit: resume file says next=$next, the emulator has $stored"
counter_is deletes 0 || fail "quit: the session was deleted; it should stay resumable"
creates_before=$(counter creates)

run_game resumed "$GRAPH" "$WORK/f" message:MSG-QUIT --resume "$STATE"
stored_ok resumed
grep -qx "resuming at byte $next" "$OUT" || fail "resumed: did not resume at $next: $(cat "$OUT")"
[ "$(value_of bytes_sent)" = $((SIZE - next)) ] ||
  fail "resumed: sent $(value_of bytes_sent), expected $((SIZE - next))"
total=$(($(counter bytes_received) - received_before))
[ "$total" = $SIZE ] || fail "resumed: the emulator received $total bytes for a $SIZE-byte file"
counter_is ranges_already_received 0 || fail "resumed: bytes below the resumed offset went again"
counter_is creates "$creates_before" || fail "resumed: a new session was created"
[ ! -e "$STATE" ] || fail "resumed: resume file left behind after success"
expect_no_violations "message, drive, resume"
note "resume: stopped at $next, the second run sent the other $((SIZE - next)) bytes"
stop_emulator

# (d) --timeout-ms while the emulator holds the first fragment's answer for 6 s:
# the upload must end long before that answer.
start_emulator --faults slow@1 --slow-ms 6000
t0=$(date +%s%N)
run_game timeout "$GRAPH" "$WORK/f" message:MSG-SLOW --timeout-ms 300
elapsed=$((($(date +%s%N) - t0) / 1000000))
expect_rc 4 timeout
[ "$(value_of outcome)" = "timed out" ] || fail "timeout: outcome $(value_of outcome)"
[ "$elapsed" -lt 4000 ] || fail "timeout: took $elapsed ms for --timeout-ms 300"
counter_is completed 0 || fail "timeout: something was stored"
counter_is deletes 1 || fail "timeout: without --resume the session should be deleted"
note "timeout: errc::timeout after $elapsed ms"
stop_emulator

# (e) A 503 with Retry-After, then a dropped answer: both retried.
start_emulator --faults 503@1,drop@2 --retry-after 1
run_game faults "$GRAPH" "$WORK/f" message:MSG-FAULTS
stored_ok faults
counter_is faults_injected 2 || fail "faults: $(counter faults_injected) faults injected, expected 2"
counter_is completed 1 || fail "faults: stored $(counter completed) times"
expect_no_violations faults
note "faults: 503 and a dropped answer retried"
stop_emulator

check_no_leak
note "ok"
