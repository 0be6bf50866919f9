#!/usr/bin/env bash
# The answer to the LAST fragment is lost (the emulator stored it, completed
# the upload and closed the session, then cut the connection): the repeated
# PUT meets 404. Uploading again would attach the file twice (Outlook) or hit
# 409 nameAlreadyExists (drive, conflict fail). rangeup looks the driveItem up
# by path and reports an attachment as "may have completed" (exit 4).
. "$(dirname "$0")/lib.sh"
TEST_NAME=lost-final

make_file "$WORK/f" $((3 * 4194304 + 100))  # 4 fragments of <= 4 MiB: the 4th PUT is the last

# drive, conflict fail: the item is found by path and adopted.
start_emulator --faults "lost@4"
upload_ok drive "$WORK/f" drive:root/lost.bin --chunk-size 4M --conflict fail
expect_item_adopted drive
stop_emulator

# drive, conflict rename: the item may carry another name: reported, not uploaded twice.
start_emulator --faults "lost@4"
run_cli rename --json --allow-http --graph-base "$GRAPH" --chunk-size 4M --conflict rename "$WORK/f" drive:root/r.bin
expect_reported_once "drive rename" "$WORK/f"
stop_emulator

# Outlook message: never a second attachment.
start_emulator --faults "lost@4"
run_cli message --json --allow-http --graph-base "$GRAPH" "$WORK/f" message:MSG-LOST
expect_reported_once message "$WORK/f"
stop_emulator

check_no_leak
note "ok"
