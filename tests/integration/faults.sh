#!/usr/bin/env bash
# One emulator fault kind (argument: 500 503 429 drop lost 404 slow 416) on the
# 2nd upload PUT of a session (4 fragments), for an Outlook attachment and a
# drive item: the upload must still complete with the right bytes, and the
# recovery must be the right one.
. "$(dirname "$0")/lib.sh"
KIND=${1:?fault kind}
TEST_NAME=fault-$KIND
# A lost answer makes the resent range a (reported) range_already_received.
expect_clean() {  # label
  if [ "$KIND" = lost ]; then
    [ "$(report_jq '[.violations[] | select(.kind != "range_already_received")] | length')" = 0 ] ||
      fail "$1: violations: $(violations)"
  else
    expect_no_violations "$1"
  fi
}
start_emulator --faults "$KIND@2" --slow-ms 1500 --retry-after 1

make_file "$WORK/f" $((3 * 4194304 + 100))
upload_ok message "$WORK/f" message:MSG-F
retries_a=$(json_num "$OUT" retries)
restarts_a=$(json_num "$OUT" restarts)
sent_a=$(json_num "$OUT" bytes_sent)
[ "$(counter faults_injected)" -ge 1 ] || fail "the fault was not injected"
expect_clean message
stop_emulator

start_emulator --faults "$KIND@2" --slow-ms 1500 --retry-after 1
upload_ok drive "$WORK/f" drive:root/f.bin --chunk-size 4M
retries_b=$(json_num "$OUT" retries)
restarts_b=$(json_num "$OUT" restarts)
[ "$(counter faults_injected)" -ge 1 ] || fail "drive: the fault was not injected"
expect_clean drive

size=$(stat -c %s "$WORK/f")
case $KIND in
  500 | 503 | 429 | drop)
    [ "$retries_a" -ge 1 ] && [ "$retries_b" -ge 1 ] || fail "$KIND should be retried (retries $retries_a/$retries_b)"
    ;;
  lost)
    # The range landed but its answer was lost: resent, answered 416, resynced.
    [ "$retries_a" -ge 1 ] || fail "lost answer should count a retry"
    [ "$restarts_a" = 0 ] && [ "$restarts_b" = 0 ] || fail "lost must not restart the session"
    ;;
  404)
    [ "$restarts_a" = 1 ] && [ "$restarts_b" = 1 ] || fail "404 should restart once (got $restarts_a/$restarts_b)"
    counter_is creates 2 || fail "404: expected a second create"
    ;;
  416)
    [ "$restarts_a" = 0 ] || fail "416 must resync, not restart"
    ;;
  slow)
    [ "$retries_a" = 0 ] || fail "a slow answer is not a failure"
    [ "$sent_a" = "$size" ] || fail "slow: bytes were resent"
    ;;
esac
check_no_leak
note "ok (retries $retries_a/$retries_b, restarts $restarts_a/$restarts_b)"
