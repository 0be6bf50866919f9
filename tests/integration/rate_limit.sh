#!/usr/bin/env bash
# --limit-rate (issue 11 item 2). A BEHAVIOUR test with generous bounds, not a
# performance assertion: 3 MiB at 1 MiB/s must take about 3 s (2.7-3.6 s), and
# two files of 1.5 MiB uploaded with --parallel 2 share the one limit (same
# total, same time), instead of getting 1 MiB/s each (~1.5 s). The single
# file goes in a session of 640 KiB fragments, the two small ones as one
# PUT .../content each.
. "$(dirname "$0")/lib.sh"
start_emulator
make_file "$WORK/a" $((3 * 1048576))
make_file "$WORK/b" $((3 * 1048576 / 2))
make_file "$WORK/c" $((3 * 1048576 / 2))

within() {  # within NAME SECONDS LOW HIGH
  awk -v s="$2" -v lo="$3" -v hi="$4" 'BEGIN { exit !(s >= lo && s <= hi) }' || fail "$1: took $2 s, expected $3-$4 s"
}
ms() { date +%s%3N; }

# Timed around the CLI alone (the report checks after it start processes of their own).
t0=$(ms)
run_cli single --json --allow-http --graph-base "$GRAPH" --limit-rate 1M --chunk-size 640K --force-session \
  "$WORK/a" drive:root/a.bin
t1=$(ms)
expect_rc 0 single
[ "$(sha_of_id "$(json_str "$OUT" id)")" = "$(sha "$WORK/a")" ] || fail "single: stored other bytes"
single=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1000 }')
within single "$single" 2.7 3.6

t0=$(ms)
run_cli parallel --json --allow-http --graph-base "$GRAPH" --limit-rate 1M --parallel 2 \
  "$WORK/b" drive:root/b.bin "$WORK/c" drive:root/c.bin
t1=$(ms)
expect_rc 0 "parallel"
[ "$(grep -c '"id"' "$OUT")" = 2 ] || fail "parallel: expected two results: $(cat "$OUT")"
parallel=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1000 }')
within parallel "$parallel" 2.7 3.6
expect_no_violations rate-limit
check_no_leak
note "ok: 3 MiB at 1 MiB/s took $single s alone, $parallel s as two parallel files"
