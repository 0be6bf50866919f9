#!/usr/bin/env bash
# Size limits: the 150 MiB Outlook maximum uploads; one byte more is refused
# before any request (the emulator sees no create). Same for To Do's 25 MiB.
# 0 bytes cannot go in a session (print, --force-session): refused locally.
# Fragments: attachments at most 4 000 000 bytes, drive multiples of 320 KiB.
. "$(dirname "$0")/lib.sh"
start_emulator

truncate -s 157286400 "$WORK/max"   # sparse: fast to make, same bytes on both sides
upload_ok outlook-max "$WORK/max" message:MSG-MAX
creates=$(counter creates)

truncate -s 157286401 "$WORK/over"
run_cli outlook-over --allow-http --graph-base "$GRAPH" "$WORK/over" message:MSG-MAX
expect_rc 2 "150 MiB + 1"
grep -q "157286400" "$ERR" || fail "the error should name the limit: $(cat "$ERR")"
grep -q "^rangeup-upload: $WORK/over: " "$ERR" || fail "error line format: $(cat "$ERR")"
counter_is creates "$creates" || fail "a create was sent for an oversized file"

truncate -s $((25 * 1048576)) "$WORK/todo-max"
upload_ok todo-max "$WORK/todo-max" todo:L/T
creates=$(counter creates)

truncate -s $((25 * 1048576 + 1)) "$WORK/todo-over"
run_cli todo-over --allow-http --graph-base "$GRAPH" "$WORK/todo-over" todo:L/T
expect_rc 2 "To Do 25 MiB + 1"
counter_is creates "$creates" || fail "a create was sent for an oversized To Do file"

: >"$WORK/empty.pdf"
run_cli empty-print --allow-http --graph-base "$GRAPH" "$WORK/empty.pdf" print:P/J/D
expect_rc 2 "empty file to print"
grep -q "zero-length" "$ERR" || fail "empty print: $(cat "$ERR")"
for target in message:M drive:root/empty.bin; do
  run_cli empty-session --allow-http --graph-base "$GRAPH" --force-session "$WORK/empty.pdf" "$target"
  expect_rc 2 "empty file, --force-session, $target"
done
counter_is creates "$creates" || fail "a create was sent for an empty file"

run_cli bad-chunk --allow-http --graph-base "$GRAPH" --chunk-size 5M "$WORK/max" message:M
expect_rc 2 "5 MiB Outlook chunk"
for target in message:M event:E todo:L/T; do
  run_cli bad-chunk-4m --allow-http --graph-base "$GRAPH" --chunk-size 4M "$WORK/max" "$target"
  expect_rc 2 "--chunk-size 4M (4 MiB > 4 000 000) for $target"
  grep -q "at most 4000000 bytes" "$ERR" || fail "4M chunk for $target: $(cat "$ERR")"
done
counter_is creates "$creates" || fail "a create was sent with a bad chunk size"
run_cli bad-drive-chunk --allow-http --graph-base "$GRAPH" --chunk-size 100K "$WORK/max" drive:root/x
expect_rc 2 "100 KiB drive chunk"
expect_no_violations limits
check_no_leak
note "ok"
