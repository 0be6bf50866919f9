#!/usr/bin/env bash
# The answer to the LAST fragment is lost (the emulator stored it, completed
# the upload and closed the session, then cut the connection): the repeated
# PUT meets 404. Uploading again would attach the file twice (Outlook) or hit
# 409 nameAlreadyExists (drive, conflict fail). rangeup looks the driveItem up
# by path and reports an attachment (Outlook, To Do) as "may have completed"
# (exit 4). single_faults.sh: the same for a file sent as one request.
. "$(dirname "$0")/lib.sh"
TEST_NAME=lost-final

make_file "$WORK/f" $((3 * 4194304 + 100))  # 4 fragments (drive 4M = 12 x 320 KiB; message 4000000): the 4th PUT is the last

# drive, conflict fail: the item is found by path and adopted.
start_emulator --faults "lost@4"
upload_ok drive "$WORK/f" drive:root/lost.bin --chunk-size 4M --conflict fail
expect_item_adopted drive
expect_no_violations drive
stop_emulator

# drive, conflict rename: the item may carry another name: reported, not uploaded twice.
start_emulator --faults "lost@4"
run_cli rename --json --allow-http --graph-base "$GRAPH" --chunk-size 4M --conflict rename "$WORK/f" drive:root/r.bin
expect_reported_once "drive rename" "$WORK/f"
expect_no_violations rename
stop_emulator

# Outlook message and To Do task: never a second attachment.
for target in message:MSG-LOST todo:LIST-L/TASK-L; do
  start_emulator --faults "lost@4"
  run_cli "${target%%:*}" --json --allow-http --graph-base "$GRAPH" "$WORK/f" "$target"
  expect_reported_once "${target%%:*}" "$WORK/f"
  expect_no_violations "${target%%:*}"
  stop_emulator
done

check_no_leak
note "ok"
