#!/usr/bin/env bash
# Statuses (issue 16 item 7): 507 (quota) and 501 are fatal at once — exit 3,
# never retried (the emulator records any later request to that session or
# target as retry_after_fatal); a final 201 without Location (--no-location)
# is success with an unknown id: exit 0, one attachment, "id":null and
# "id_unknown":true in --json, a note on stderr — never a second upload.
. "$(dirname "$0")/lib.sh"
make_file "$WORK/small" 700000     # drive, with --force-session: 3 fragments of 320 KiB
make_file "$WORK/big" 3000000      # message: a session (3 fragments of 1000000)
make_file "$WORK/post" 100000      # message: one POST

# upload requests: session PUTs, attachment POSTs and simple PUTs together.
upload_requests() { echo $(($(counter puts) + $(counter attachment_posts) + $(counter simple_puts))); }
expect_fatal() {  # label requests text
  expect_rc 3 "$1"
  [ "$(upload_requests)" = "$2" ] || fail "$1: $(upload_requests) upload requests, expected $2 (retried?)"
  grep -qi "$3" "$ERR" || fail "$1: stderr does not say '$3': $(cat "$ERR")"
  counter_is completed 0 || fail "$1: something was stored"
  expect_no_violations "$1"
}

# 507 on the 2nd fragment of a drive session.
start_emulator --faults 507@2
run_cli drive-507 --allow-http --graph-base "$GRAPH" --force-session --chunk-size 320K "$WORK/small" drive:root/q.bin
expect_fatal "drive 507@2" 2 quota
stop_emulator

# 507 on the 2nd fragment of a message session.
start_emulator --faults 507@2
run_cli message-507 --allow-http --graph-base "$GRAPH" --chunk-size 1000000 "$WORK/big" message:MSG-Q
expect_fatal "message 507@2" 2 quota
stop_emulator

# 507 on a single request (attachment POST).
start_emulator --faults 507@1
run_cli post-507 --allow-http --graph-base "$GRAPH" "$WORK/post" message:MSG-Q
expect_fatal "POST 507@1" 1 quota
stop_emulator

# 501 on the 2nd fragment of a message session.
start_emulator --faults 501@2
run_cli message-501 --allow-http --graph-base "$GRAPH" --chunk-size 1000000 "$WORK/big" message:MSG-N
expect_fatal "message 501@2" 2 "not support"
stop_emulator

# --no-location: the final 201 of an attachment session has no Location.
start_emulator --no-location
for target in message:MSG-NL todo:L/T-NL; do
  before=$(counter completed)
  run_cli "no-location-${target%%:*}" --json --allow-http --graph-base "$GRAPH" "$WORK/big" "$target"
  expect_rc 0 "--no-location $target"
  grep -q '"id":null' "$OUT" || fail "--no-location $target: --json id is not null: $(cat "$OUT")"
  grep -q '"id_unknown":true' "$OUT" || fail "--no-location $target: no id_unknown:true: $(cat "$OUT")"
  grep -qi "did not return the attachment id" "$ERR" || fail "--no-location $target: no note on stderr: $(cat "$ERR")"
  [ "$(counter completed)" = $((before + 1)) ] || fail "--no-location $target: not exactly one more attachment"
done
counter_is creates 2 || fail "--no-location: $(counter creates) sessions for 2 files"
[ "$(report_jq --arg s "$(sha "$WORK/big")" '[.files[] | select(.sha256 == $s)] | length')" = 2 ] ||
  fail "--no-location: the stored attachments are not the file"
# Text output too: exit 0 and the note.
run_cli no-location-text --allow-http --graph-base "$GRAPH" "$WORK/big" event:EVT-NL
expect_rc 0 "--no-location (text)"
grep -qi "did not return the attachment id" "$ERR" || fail "--no-location (text): no note: $(cat "$ERR")"
[ "$(stored_count event)" = 1 ] || fail "--no-location (text): $(stored_count event) event attachments"
expect_no_violations no-location
stop_emulator

check_no_leak
note "ok"
