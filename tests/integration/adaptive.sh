#!/usr/bin/env bash
# --chunk-size auto (issue 11 item 4) against the strict emulator, which
# records every fragment off the 320 KiB quantum or over the cap: an adaptive
# upload (also one whose fragment drops mid-way) lands byte-exact with no
# violation; non-drive targets refuse the option.
. "$(dirname "$0")/lib.sh"
make_file "$WORK/f" $((24 * 1048576 + 12345))
for plan in none drop@2; do
  if [ "$plan" = none ]; then start_emulator; else start_emulator --faults "$plan"; fi
  upload_ok "auto-${plan%@*}" "$WORK/f" "drive:root/auto.bin" --chunk-size auto
  expect_no_violations "$plan"
  stop_emulator
done
run_cli message-auto --allow-http --graph-base http://127.0.0.1:9/v1.0 --chunk-size auto "$WORK/f" message:M
expect_rc 2 "--chunk-size auto on a message"
grep -q 'only for drive targets' "$ERR" || fail "message auto: $(cat "$ERR")"
check_no_leak
note "ok"
