#!/usr/bin/env bash
# Integrity (issue 11 item 1): drive uploads are verified against the
# driveItem's quickXorHash computed from the bytes as they were sent, also
# when faults make ranges go twice (503 retry, lost answer → 416 resync);
# --corrupt-hash makes the check fail: non-zero exit, no success output, an
# error that names the integrity check; --no-verify skips it; flavors without
# a server hash still report the local quickXorHash in --json. A small file
# (one PUT .../content) is checked the same way.
. "$(dirname "$0")/lib.sh"

qxh_of_id() { report | grep -o "{[^{}]*\"id\":\"$1\"[^{}]*}" | grep -o '"quickXorHash":"[^"]*"' | tail -n 1 | cut -d'"' -f4; }
make_file "$WORK/f" $((4 * 1048576 + 12345))  # over 4 MiB: a session (5 fragments of 1 MiB)
make_file "$WORK/small" 300000                 # one PUT .../content

for kind in 503 lost 416; do
  start_emulator --faults "$kind@2"
  upload_ok "drive-$kind" "$WORK/f" "drive:root/f-$kind.bin" --chunk-size 1M
  grep -q '"integrity_checked":true' "$OUT" || fail "$kind: integrity not checked: $(cat "$OUT")"
  local_qxh=$(json_str "$OUT" quickXorHash)
  [ -n "$local_qxh" ] && [ "$local_qxh" = "$(qxh_of_id "$ID")" ] || fail "$kind: local hash $local_qxh != stored $(qxh_of_id "$ID")"
  [ "$(counter faults_injected)" -ge 1 ] || fail "$kind: the fault was not injected"
  counter_is creates 1 || fail "$kind: not one session"
  # (a resent range whose answer was lost is reported, not a violation of the client)
  [ "$(report_jq '[.violations[] | select(.kind != "range_already_received")] | length')" = 0 ] ||
    fail "$kind: violations: $(violations)"
  if [ "$kind" = 503 ]; then  # the fault is spent: a small file by PUT, checked alike
    upload_ok small "$WORK/small" drive:root/small.bin
    grep -q '"integrity_checked":true' "$OUT" || fail "small: integrity not checked: $(cat "$OUT")"
    [ "$(json_str "$OUT" quickXorHash)" = "$(entry_get quickXorHash)" ] || fail "small: local hash differs from stored"
    counter_is simple_puts 1 || fail "small: not one PUT .../content"
  fi
  stop_emulator
done

start_emulator --corrupt-hash
run_cli corrupt --json --allow-http --graph-base "$GRAPH" "$WORK/f" drive:root/corrupt.bin
expect_rc 4 "corrupt hash"
grep -q '"id"' "$OUT" && fail "corrupt hash: success JSON printed: $(cat "$OUT")"
grep -q '"error":"integrity check failed' "$OUT" || fail "corrupt hash: no integrity error in JSON: $(cat "$OUT")"
grep -q 'integrity check failed' "$ERR" || fail "corrupt hash: stderr does not name the integrity check"
grep -qi 'uploaded' "$ERR" "$OUT" && fail "corrupt hash: something claims success"
run_cli corrupt-text --allow-http --graph-base "$GRAPH" "$WORK/f" drive:root/corrupt2.bin
expect_rc 4 "corrupt hash (text)"
[ -s "$OUT" ] && fail "corrupt hash (text): stdout not empty: $(cat "$OUT")"
run_cli corrupt-put --json --allow-http --graph-base "$GRAPH" "$WORK/small" drive:root/corrupt-put.bin
expect_rc 4 "corrupt hash (simple PUT)"
grep -q '"error":"integrity check failed' "$OUT" || fail "corrupt hash (PUT): no integrity error in JSON: $(cat "$OUT")"
counter_is simple_puts 1 || fail "corrupt hash (PUT): the small file did not go by PUT"
run_cli no-verify --json --no-verify --allow-http --graph-base "$GRAPH" "$WORK/f" drive:root/noverify.bin
expect_rc 0 "--no-verify"
grep -q '"integrity_checked":false' "$OUT" || fail "--no-verify: $(cat "$OUT")"
grep -q '"quickXorHash":""' "$OUT" || fail "--no-verify still hashed: $(cat "$OUT")"
# An Outlook attachment has no server hash: the local one is reported.
upload_ok message "$WORK/f" message:MSG-1
grep -q '"integrity_checked":false' "$OUT" || fail "message: $(cat "$OUT")"
[ "$(json_str "$OUT" quickXorHash)" = "$local_qxh" ] || fail "message: local hash $(json_str "$OUT" quickXorHash) != $local_qxh"
expect_no_violations integrity
stop_emulator
check_no_leak
note "ok"
