#!/usr/bin/env bash
# Every target kind against the emulator: 1-byte files (attachments: one POST;
# drive: one PUT .../content; print: a session), sessions of exact multiples
# of the fragment size and one byte over, and small files in sessions on
# purpose (--force-session). The stored bytes must hash like the local file,
# and each file must have gone the way the rules say (the report's "via").
#   flavors.sh [one-each]   one-each: every flavor and every route once
#                           instead of every size (the valgrind run, where each
#                           CLI process costs about a second of memcheck start-up)
. "$(dirname "$0")/lib.sh"
one_each=${1:-}
[ -z "$one_each" ] || [ "$one_each" = one-each ] || fail "unknown argument: $one_each"
start_emulator

make_file "$WORK/one" 1
make_file "$WORK/two-chunks" $((2 * 4000000))  # attachments: exactly 2 fragments of 4 000 000 (the cap)
make_file "$WORK/chunk-plus-1" $((4000000 + 1))
make_file "$WORK/drive-3q" $((3 * 327680))     # drive sessions: exactly 3 x 320 KiB fragments
make_file "$WORK/drive-2q-plus-1" $((2 * 327680 + 1))

landed=0
one_each_cases=" message-one event-chunk-plus-1 todo-one print-two-chunks todo-one-session drive-one drive-path-one
  drive-session-drive-2q-plus-1 drive-path-session-drive-3q drive-default drive-user-put message-one-session "
wanted() { [ -z "$one_each" ] || [[ $one_each_cases == *[[:space:]]"$1"[[:space:]]* ]]; }
ok() {  # ok VIA NAME FILE TARGET [options...]: upload_ok, then check how it landed
  local via=$1
  shift
  wanted "$1" || return 0
  upload_ok "$@"
  landed=$((landed + 1))
  [ "$(entry_get via)" = "$via" ] || fail "$1: expected to land by $via: $ENTRY"
}
full_run() { [ -z "$one_each" ]; }  # the counts below hold for the whole set

for f in one two-chunks chunk-plus-1; do
  via=session
  [ "$f" = one ] && via=post
  ok $via "message-$f" "$WORK/$f" message:MSG-1
  ok $via "event-$f" "$WORK/$f" event:EVT-1
  ok $via "todo-$f" "$WORK/$f" todo:LIST-1/TASK-1
  # print: always a session; a name without extension is application/octet-stream.
  if wanted "print-$f"; then
    upload_ok "print-$f" "$WORK/$f" print:PR-1/JOB-1/DOC-$f
    landed=$((landed + 1))
  fi
done
if full_run; then
  [ "$(json_num "$OUT" bytes_sent)" = $((4000000 + 1)) ] || fail "bytes_sent counts more than the file"
  counter_is attachment_posts 3 || fail "attachment_posts $(counter attachment_posts), expected 3 (1-byte files)"
  [ "$(counter creates)" = $((3 * 2 + 3)) ] || fail "sessions $(counter creates), expected 9"
fi
[ "$(report_jq '[.files[] | select(.flavor == "print" and .contentType != "application/octet-stream")] | length')" = 0 ] ||
  fail "print: contentType not application/octet-stream for names without extension"

# To Do takes a 1-byte session (T1); Outlook only with --allow-small-sessions (below).
ok session todo-one-session "$WORK/one" todo:LIST-1/TASK-1 --force-session

for f in one drive-3q drive-2q-plus-1; do
  if wanted "drive-$f"; then
    ok put "drive-$f" "$WORK/$f" "drive:root/$f.bin"
    [ "$(json_str "$OUT" name)" = "$f.bin" ] || fail "drive name"
  fi
  ok put "drive-path-$f" "$WORK/$f" "drive-path:Documents/sub dir/$f.bin"
  ok session "drive-session-$f" "$WORK/$f" "drive:root/session-$f.bin" --chunk-size 320K --force-session
  ok session "drive-path-session-$f" "$WORK/$f" "drive-path:Documents/sub dir/session-$f.bin" --chunk-size 320K --force-session
done
! full_run || counter_is simple_puts 6 || fail "simple_puts $(counter simple_puts), expected 6"
# The default drive fragment (10 MiB) and a non-/me user, by session and by PUT.
make_file "$WORK/drive-big" $((10 * 1048576 + 327680 + 7))
ok session drive-default "$WORK/drive-big" drive:root/big.bin --user someone@example.com
[ "$(json_str "$OUT" target)" = drive:root/big.bin ] || fail "json target"
ok put drive-user-put "$WORK/drive-3q" drive:root/user.bin --user someone@example.com

expect_no_violations flavors
counter_is completed "$landed" || fail "completed count $(counter completed), expected $landed"
stop_emulator

# Outlook sessions for small files, on purpose (the emulator allows them here).
start_emulator --allow-small-sessions
ok session message-one-session "$WORK/one" message:MSG-2 --force-session
ok session event-one-session "$WORK/one" event:EVT-2 --force-session
! full_run || counter_is creates 2 || fail "--force-session: $(counter creates) sessions"
counter_is attachment_posts 0 || fail "--force-session: a POST was sent"
expect_no_violations small-sessions
check_no_leak
note "ok"
