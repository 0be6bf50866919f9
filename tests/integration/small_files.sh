#!/usr/bin/env bash
# Small files go as one request (issue 16 item 3): an attachment under
# 3 000 000 bytes as one POST .../attachments (PROTOCOL.md O3, T4; no session),
# a drive file of at most 4 MiB as one PUT .../content (D7) with the same hash
# check as a session. 0 bytes included. The simple PUT sends conflictBehavior
# fail when none is given (a small file is never overwritten silently), and
# drive-item:<id> replaces an existing file's content by PUT or by session.
. "$(dirname "$0")/lib.sh"
start_emulator

# How the emulator received the file upload_ok just stored (post, put or session).
expect_via() {  # label id via
  [ "$(entry_get id)" = "$2" ] || fail "$1: the report entry is not $2's: $ENTRY"
  [ "$(entry_get via)" = "$3" ] || fail "$1: expected to land by $3, the report says: $ENTRY"
}

# A 1 MB message attachment: one POST, no session.
make_file "$WORK/report.bin" 1000000
upload_ok message-1mb "$WORK/report.bin" message:MSG-SMALL
expect_via message-1mb "$ID" post
grep -q '"method":"single-request"' "$OUT" || fail "message-1mb: --json does not say single-request: $(cat "$OUT")"
counter_is creates 0 || fail "message-1mb: a session was created"
counter_is attachment_posts 1 || fail "message-1mb: attachment_posts $(counter attachment_posts), expected 1"

# 0 bytes: a message (POST) and a drive (PUT; the driveItem's hash is checked).
: >"$WORK/empty"
upload_ok message-empty "$WORK/empty" message:MSG-SMALL
expect_via message-empty "$ID" post
upload_ok drive-empty "$WORK/empty" drive:root/empty.bin
expect_via drive-empty "$ID" put
grep -q '"integrity_checked":true' "$OUT" || fail "drive-empty: the driveItem hash was not checked: $(cat "$OUT")"

# To Do: small by POST (taskFileAttachment).
upload_ok todo-1mb "$WORK/report.bin" todo:LIST-S/TASK-S
expect_via todo-1mb "$ID" post
[ "$(entry_get flavor)" = todo ] || fail "todo-1mb: stored as $ENTRY"

# The switch points: 2 999 999 bytes is one POST, 3 000 000 a session;
# drive 4 MiB is one PUT, 4 MiB + 1 a session.
make_file "$WORK/below" 2999999
make_file "$WORK/at" 3000000
upload_ok message-2999999 "$WORK/below" message:MSG-EDGE
expect_via message-2999999 "$ID" post
upload_ok message-3000000 "$WORK/at" message:MSG-EDGE
expect_via message-3000000 "$ID" session
make_file "$WORK/4mib" 4194304
make_file "$WORK/4mib1" 4194305
upload_ok drive-4mib "$WORK/4mib" drive:root/4mib.bin
expect_via drive-4mib "$ID" put
grep -q '"integrity_checked":true' "$OUT" || fail "drive-4mib: the driveItem hash was not checked: $(cat "$OUT")"
upload_ok drive-4mib1 "$WORK/4mib1" drive:root/4mib1.bin
expect_via drive-4mib1 "$ID" session
counter_is creates 2 || fail "sessions: $(counter creates), expected 2 (3 000 000 bytes, 4 MiB + 1)"
counter_is attachment_posts 4 || fail "attachment_posts $(counter attachment_posts), expected 4"
counter_is simple_puts 2 || fail "simple_puts $(counter simple_puts), expected 2"

# Default conflict on the simple PUT: fail, never a silent overwrite.
make_file "$WORK/a" 5000
make_file "$WORK/b" 6000
upload_ok put-first "$WORK/a" drive:root/same.bin
first_id=$ID
run_cli put-second --allow-http --graph-base "$GRAPH" "$WORK/b" drive:root/same.bin
expect_rc 3 "a second small file to the same drive path"
grep -q "HTTP 409 nameAlreadyExists" "$ERR" || fail "put-second: not the 409: $(cat "$ERR")"
[ "$(sha_of_id "$first_id")" = "$(sha "$WORK/a")" ] || fail "put-second: the first file was overwritten"
upload_ok put-replace "$WORK/b" drive:root/same.bin --conflict replace
[ "$ID" = "$first_id" ] || fail "put-replace: another item ($ID, expected $first_id)"
expect_via put-replace "$ID" put

# drive-item:<id>: new content for an existing item, by PUT (small) and by session (large).
make_file "$WORK/c" 7000
upload_ok item-small "$WORK/c" "drive-item:$first_id"
[ "$ID" = "$first_id" ] || fail "item-small: answered another item ($ID)"
expect_via item-small "$ID" put
grep -q '"integrity_checked":true' "$OUT" || fail "item-small: hash not checked: $(cat "$OUT")"
upload_ok item-large "$WORK/4mib1" "drive-item:$first_id"
[ "$ID" = "$first_id" ] || fail "item-large: answered another item ($ID)"
expect_via item-large "$ID" session
[ "$(report_jq --arg id "$first_id" '[.files[] | select(.id == $id)] | length')" = 4 ] ||
  fail "drive-item: expected 4 versions of $first_id in the report"
run_cli item-missing --allow-http --graph-base "$GRAPH" "$WORK/c" drive-item:NO-SUCH-ITEM
expect_rc 3 "drive-item: of an unknown id"
grep -q "HTTP 404" "$ERR" || fail "item-missing: $(cat "$ERR")"

# A SharePoint document library (/drives/{id}/...), small and large.
upload_ok drive-id-small "$WORK/a" drive:root/lib-small.bin --drive-id 'b!lib1'
expect_via drive-id-small "$ID" put
upload_ok drive-id-large "$WORK/4mib1" drive-path:Shared/lib-large.bin --drive-id 'b!lib1'
expect_via drive-id-large "$ID" session

expect_no_violations small-files
check_no_leak
note "ok"
