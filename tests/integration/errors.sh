#!/usr/bin/env bash
# Failures the user must see clearly: 409 conflict (exit 3 with the server's
# code; a small file by its PUT .../content, a larger one by its session),
# retries exhausted (exit 4), a rejected bearer token (exit 3), an unreachable
# server (exit 4); plus deferCommit, conflict=rename and --parallel.
. "$(dirname "$0")/lib.sh"
start_emulator
make_file "$WORK/f" 700000

upload_ok first "$WORK/f" drive:root/dup.bin --conflict fail
run_cli conflict --allow-http --graph-base "$GRAPH" --conflict fail "$WORK/f" drive:root/dup.bin
expect_rc 3 "409 conflict"
grep -q "^rangeup-upload: $WORK/f: .*(HTTP 409 nameAlreadyExists)" "$ERR" || fail "409 line: $(cat "$ERR")"
[ "$(wc -l <"$ERR")" = 1 ] || fail "the error should be one line: $(cat "$ERR")"
counter_is simple_puts 2 || fail "the small file did not go by PUT .../content"
run_cli conflict-session --allow-http --graph-base "$GRAPH" --conflict fail --force-session "$WORK/f" drive:root/dup.bin
expect_rc 3 "409 conflict (session)"
grep -q "^rangeup-upload: $WORK/f: .*(HTTP 409 nameAlreadyExists)" "$ERR" || fail "409 line (session): $(cat "$ERR")"

upload_ok rename "$WORK/f" drive:root/dup.bin --conflict rename
[ "$(json_str "$OUT" name)" != dup.bin ] || fail "rename kept the name"
upload_ok replace "$WORK/f" drive:root/dup.bin --conflict replace

commits=$(counter commits)
upload_ok defer "$WORK/f" drive:root/deferred.bin --defer-commit --chunk-size 320K
[ "$(counter commits)" = $((commits + 1)) ] || fail "deferCommit: no commit POST"

make_file "$WORK/g" 300
make_file "$WORK/h" 5000000
run_cli parallel --json --allow-http --graph-base "$GRAPH" --parallel 3 \
  "$WORK/f" message:P1 "$WORK/g" todo:L/T "$WORK/h" drive:root/par.bin
expect_rc 0 "--parallel"
[ "$(grep -c '"id":' "$OUT")" = 3 ] || fail "--parallel: expected 3 results"
# Several files: one JSON array, in argument order.
jq -e 'length == 3 and .[0].target == "message:P1" and .[2].target == "drive:root/par.bin"' "$OUT" >/dev/null ||
  fail "--parallel --json: not an array of the 3 results in order: $(cat "$OUT")"
for id in $(grep -o '"id":"[^"]*"' "$OUT" | cut -d'"' -f4); do
  [ -n "$(sha_of_id "$id")" ] || fail "--parallel: $id not stored"
done
# The same pairs from a list (a file name with spaces; comments and blank lines skipped), and from stdin.
cp "$WORK/g" "$WORK/g with spaces"
printf '# uploads\n%s  message:L1\n\n  %s\ttodo:L/T2  \n' "$WORK/g with spaces" "$WORK/h" >"$WORK/pairs.list"
run_cli from-list --json --allow-http --graph-base "$GRAPH" --parallel 2 --from-list "$WORK/pairs.list"
expect_rc 0 "--from-list"
jq -e 'length == 2 and .[0].target == "message:L1" and .[1].target == "todo:L/T2"' "$OUT" >/dev/null ||
  fail "--from-list: results $(cat "$OUT")"
GRAPH_TOKEN=$TOKEN "$RANGEUP_UPLOAD" --json --allow-http --graph-base "$GRAPH" --transport "${RANGEUP_TEST_TRANSPORT:-curl}" \
  --from-list - "$WORK/f" message:L0 <"$WORK/pairs.list" >"$WORK/stdin.out" 2>>"$LEAK_LOG"
jq -e 'length == 3 and .[0].target == "message:L0"' "$WORK/stdin.out" >/dev/null ||
  fail "--from-list - with a pair on the command line: $(cat "$WORK/stdin.out")"
expect_no_violations errors
stop_emulator

start_emulator --faults 503@1:50 --retry-after 1
run_cli exhausted --allow-http --graph-base "$GRAPH" --max-retries 2 "$WORK/f" message:M
expect_rc 4 "retries exhausted"
grep -q "retries exhausted (HTTP 503" "$ERR" || fail "exhausted line: $(cat "$ERR")"
counter_is completed 0 || fail "exhausted: something was stored"
expect_no_violations exhausted
stop_emulator

start_emulator --token the-right-token
run_cli unauthorized --allow-http --graph-base "$GRAPH" "$WORK/f" message:M
expect_rc 3 "401 on create"
grep -q "HTTP 401" "$ERR" || fail "401 line: $(cat "$ERR")"
# The emulator records the refused token; nothing else.
[ "$(report_jq '[.violations[].kind] | unique | join(",")')" = bearer_unauthorized ] ||
  fail "401: violations $(violations)"
stop_emulator

run_cli unreachable --allow-http --graph-base "$GRAPH" --max-retries 0 "$WORK/f" message:M
expect_rc 4 "unreachable server"
grep -qi "connect" "$ERR" || fail "unreachable line: $(cat "$ERR")"
check_no_leak
note "ok"

# --timeout bounds the whole upload even when the server stalls (here on the
# 1st of 3 fragments of a session: nothing can have completed).
make_file "$WORK/big" 3000000
start_emulator --faults slow@1 --slow-ms 5000
start=$(date +%s)
run_cli timeout --allow-http --graph-base "$GRAPH" --timeout 1 --chunk-size 1000000 "$WORK/big" message:M
expect_rc 4 "--timeout"
grep -q "gave up after --timeout 1 s" "$ERR" || fail "timeout line: $(cat "$ERR")"
[ $(($(date +%s) - start)) -le 4 ] || fail "--timeout 1 took too long"
expect_no_violations timeout
stop_emulator

# The same stall on a single request (a POST: the service stored the
# attachment and sits on the answer): giving up must not read as "nothing
# happened" — uploading again would attach the file twice.
start_emulator --faults slow@1 --slow-ms 5000
run_cli timeout-post --allow-http --graph-base "$GRAPH" --timeout 1 "$WORK/f" message:M
expect_rc 4 "--timeout during a POST"
grep -q "may have completed" "$ERR" || fail "timeout during the POST: no 'may have completed': $(cat "$ERR")"
expect_no_violations timeout-post
check_no_leak
note "ok (timeout)"
