#!/usr/bin/env bash
# Every target kind against the emulator, with 1-byte files, exact multiples of
# the chunk and one byte over; the stored bytes must hash like the local file.
. "$(dirname "$0")/lib.sh"
start_emulator

make_file "$WORK/one" 1
make_file "$WORK/two-chunks" $((2 * 4194304))   # attachments: exactly 2 x 4 MiB
make_file "$WORK/chunk-plus-1" $((4194304 + 1))
make_file "$WORK/drive-3q" $((3 * 327680))      # drive: exactly 3 x 320 KiB fragments
make_file "$WORK/drive-2q-plus-1" $((2 * 327680 + 1))

for f in one two-chunks chunk-plus-1; do
  upload_ok "message-$f" "$WORK/$f" message:MSG-1
  upload_ok "event-$f" "$WORK/$f" event:EVT-1
  upload_ok "todo-$f" "$WORK/$f" todo:LIST-1/TASK-1
  upload_ok "print-$f" "$WORK/$f" print:PR-1/JOB-1/DOC-$f
done
[ "$(json_num "$OUT" bytes_sent)" = $((4194304 + 1)) ] || fail "bytes_sent counts more than the file"

for f in one drive-3q drive-2q-plus-1; do
  upload_ok "drive-$f" "$WORK/$f" "drive:root/$f.bin" --chunk-size 320K
  [ "$(json_str "$OUT" name)" = "$f.bin" ] || fail "drive name"
  upload_ok "drive-path-$f" "$WORK/$f" "drive-path:Documents/sub dir/$f.bin" --chunk-size 320K
done
# The default drive fragment (10 MiB) and a non-/me user.
make_file "$WORK/drive-big" $((10 * 1048576 + 327680 + 7))
upload_ok drive-default "$WORK/drive-big" drive:root/big.bin --user someone@example.com
[ "$(json_str "$OUT" target)" = drive:root/big.bin ] || fail "json target"

[ "$(violations)" = '"violations":[]' ] || fail "emulator saw violations: $(violations)"
[ "$(counter completed)" = $((4 * 3 + 2 * 3 + 1)) ] || fail "completed count $(counter completed)"
check_no_leak
note "ok"
