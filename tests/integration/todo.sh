#!/usr/bin/env bash
# To Do as documented (issue 16 item 5; PROTOCOL.md T1-T4): the uploadUrl is
# a plain Graph URL; every fragment is PUT {uploadUrl}/content WITH the bearer,
# and so are DELETE and status GETs. The emulator answers 401 and records
# todo_missing_bearer / todo_put_without_content otherwise, so zero violations
# proves the bearer went on every request. Small files go by POST.
. "$(dirname "$0")/lib.sh"
start_emulator

# 9 MB by session: 3 fragments of at most 4 000 000 bytes.
make_file "$WORK/nine" 9000000
upload_ok todo-9mb "$WORK/nine" todo:LIST-9/TASK-9
[ "$(entry_get via)" = session ] || fail "todo-9mb: $ENTRY"
counter_is creates 1 || fail "todo-9mb: $(counter creates) sessions"
counter_is puts 3 || fail "todo-9mb: $(counter puts) fragment PUTs, expected 3"
expect_no_violations todo-9mb

# Small by POST.
make_file "$WORK/small" 200000
upload_ok todo-small "$WORK/small" todo:LIST-9/TASK-9
[ "$(entry_get via)" = post ] || fail "todo-small: $ENTRY"
counter_is attachment_posts 1 || fail "todo-small: $(counter attachment_posts) POSTs"

# A small file in a session on purpose (To Do takes any size, T1).
upload_ok todo-forced "$WORK/small" todo:LIST-9/TASK-9 --force-session --chunk-size 65536
[ "$(entry_get via)" = session ] || fail "todo-forced: $ENTRY"

# SIGINT cancels with a DELETE to the uploadUrl, with the bearer.
start_cli cancel --allow-http --graph-base "$GRAPH" --limit-rate 2M "$WORK/nine" todo:LIST-9/TASK-C
wait_for 50 counter_is creates 3 || fail "cancel: no session created"
sleep 0.5
kill -INT "$CLI_PID"
finish_cli
expect_rc 130 "SIGINT on a To Do upload"
counter_is deletes 1 || fail "cancel: the session was not deleted"
expect_no_violations todo
check_no_leak
note "ok"
