#!/usr/bin/env bash
# A single request is also the last request (issue 16 item 3): when its answer
# is lost, repeating an attachment POST could attach the file twice, so it is
# reported as "may have completed" (exit 4) with exactly one attachment stored;
# a drive PUT .../content under conflict fail is followed by a look-up of the
# item (exit 0, one item). A 503 answer means the service did nothing: the
# POST is retried and lands once.
. "$(dirname "$0")/lib.sh"
make_file "$WORK/f" 1000000
make_file "$WORK/g" 700000

# lost@1 on a 1 MB message POST: stored, answer cut off.
start_emulator --faults lost@1
run_cli message-lost --json --allow-http --graph-base "$GRAPH" "$WORK/f" message:MSG-LOST
expect_reported_once "message POST, answer lost" "$WORK/f" 0
counter_is attachment_posts 1 || fail "message-lost: the POST was sent $(counter attachment_posts) times"
[ "$(stored_count message)" = 1 ] || fail "message-lost: $(stored_count message) attachments stored"
expect_no_violations message-lost
stop_emulator

# The same for a To Do POST.
start_emulator --faults lost@1
run_cli todo-lost --json --allow-http --graph-base "$GRAPH" "$WORK/f" todo:L/T
expect_reported_once "To Do POST, answer lost" "$WORK/f" 0
counter_is attachment_posts 1 || fail "todo-lost: the POST was sent $(counter attachment_posts) times"
expect_no_violations todo-lost
stop_emulator

# lost@1 on a small drive PUT (conflict fail by default): the item is looked up.
start_emulator --faults lost@1
upload_ok drive-lost "$WORK/g" drive:root/lost-put.bin
counter_is item_gets 1 || fail "drive-lost: expected one look-up of the item (got $(counter item_gets))"
counter_is simple_puts 1 || fail "drive-lost: the PUT was sent $(counter simple_puts) times"
counter_is creates 0 || fail "drive-lost: a session was created"
[ "$(stored_count drive)" = 1 ] || fail "drive-lost: $(stored_count drive) items stored"
grep -q '"integrity_checked":true' "$OUT" || fail "drive-lost: the looked-up item's hash was not checked: $(cat "$OUT")"
expect_no_violations drive-lost
stop_emulator

# drop: the request was read, nothing stored, the answer cut off. The client
# cannot tell this from lost@1: an attachment POST is not repeated (exit 4,
# nothing attached — the user is told to check); a drive PUT is looked up,
# not found, and sent again under conflict fail (one item).
start_emulator --faults drop@1,drop@2  # the POST, then the PUT
run_cli message-drop --allow-http --graph-base "$GRAPH" "$WORK/f" message:MSG-DROP
expect_rc 4 "message POST dropped"
grep -q "may have completed" "$ERR" || fail "message-drop: $(cat "$ERR")"
counter_is attachment_posts 1 || fail "message-drop: the POST was sent $(counter attachment_posts) times"
upload_ok drive-drop "$WORK/g" drive:root/drop-put.bin
counter_is simple_puts 2 || fail "drive-drop: $(counter simple_puts) PUTs, expected 2 (look-up, then again)"
counter_is item_gets 1 || fail "drive-drop: $(counter item_gets) look-ups, expected 1"
[ "$(stored_count drive)" = 1 ] || fail "drive-drop: $(stored_count drive) items stored"
expect_no_violations drop
stop_emulator

# 503@1 on a POST: nothing was stored, retried, one attachment.
start_emulator --faults 503@1 --retry-after 1
upload_ok message-503 "$WORK/f" message:MSG-503
[ "$(json_num "$OUT" retries)" -ge 1 ] || fail "message-503: not retried"
counter_is attachment_posts 2 || fail "message-503: $(counter attachment_posts) POSTs, expected 2"
[ "$(stored_count message)" = 1 ] || fail "message-503: $(stored_count message) attachments stored"
expect_no_violations message-503
stop_emulator

check_no_leak
note "ok"
