#!/usr/bin/env bash
# Progress with several files (stderr is not a terminal: plain lines every
# 2 s): the aggregate line counts files, and each file in progress has its
# own line. Paced by --limit-rate so at least one report falls mid-upload.
# The message and To Do files (3 000 000 bytes) go in sessions, the drive
# file as one PUT .../content: progress is reported for both.
. "$(dirname "$0")/lib.sh"
TEST_NAME=progress
start_emulator
for i in 1 2 3; do make_file "$WORK/part$i" 3000000; done
run_cli progress --allow-http --graph-base "$GRAPH" --limit-rate 2M --parallel 3 \
  "$WORK/part1" message:P1 "$WORK/part2" todo:L/T "$WORK/part3" drive:root/part3.bin
expect_rc 0 "three files"
grep -qE '^rangeup-upload: [0-3]/3 files: ' "$ERR" || fail "no aggregate progress line: $(cat "$ERR")"
for i in 1 2 3; do
  grep -qE "^rangeup-upload: $WORK/part$i: +[0-9]+%" "$ERR" || fail "no progress line for part$i: $(cat "$ERR")"
done
[ "$(grep -c ': uploaded ' "$OUT")" = 3 ] || fail "expected three results: $(cat "$OUT")"
expect_no_violations progress
check_no_leak
note "ok"
