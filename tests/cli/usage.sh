#!/usr/bin/env bash
# rangeup-upload's command line without a server: help, usage errors (exit 2),
# local I/O errors (exit 5), https enforcement, and no token in any output.
. "$(dirname "$0")/../integration/lib.sh"
make_file "$WORK/f" 1000
G=(--graph-base http://127.0.0.1:9/v1.0)

run_cli help --help
expect_rc 0 "--help"
grep -q "^usage: rangeup-upload" "$OUT" || fail "--help text"
for t in message:X event:X todo:L/T drive:P/n drive-path:a/b drive-item:I print:P/J/D print-share:S/J/D --parallel \
  --from-list --transport --ca-file --resume --json --drive-id --force-session --content-type --inline --content-id \
  --token-env --token-file --token-command --token-timeout "az account get-access-token"; do
  grep -q -- "$t" "$OUT" || grep -q -- "${t%%:*}" "$OUT" || fail "--help does not mention $t"
done

run_cli none
expect_rc 2 "no arguments"
run_cli odd "$WORK/f"
expect_rc 2 "FILE without TARGET"
run_cli unknown --frobnicate "$WORK/f" message:X
expect_rc 2 "unknown option"
grep -q "unknown option --frobnicate" "$ERR" || fail "unknown option line"
for bad in "mail:X" "message:" "message:a/b" "todo:onlylist" "drive:noslash" "drive-path:" "drive-item:" "drive-item:a/b" \
  "print:a/b" "print-share:a/b" "print-share:a//d" "print-share:" "nocolon"; do
  run_cli "target-${bad//\//_}" "${G[@]}" --allow-http "$WORK/f" "$bad"
  expect_rc 2 "bad target $bad"
  [ "$(wc -l <"$ERR")" = 1 ] || fail "bad target $bad: not one line"
done
for bad in "--chunk-size 0" "--chunk-size 4X" "--chunk-size -1" "--max-retries x" "--timeout 0" "--parallel 0" \
  "--conflict maybe" "--limit-rate 0"; do
  # shellcheck disable=SC2086
  run_cli "value" "${G[@]}" --allow-http $bad "$WORK/f" drive:P/n
  expect_rc 2 "bad value $bad"
done
run_cli no-list "${G[@]}" --allow-http --from-list "$WORK/absent.list"
expect_rc 2 "--from-list of a missing file"
grep -q "cannot read" "$ERR" || fail "--from-list: unclear error for a missing list"
printf '# nothing\n\n' >"$WORK/empty.list"
run_cli empty-list "${G[@]}" --allow-http --from-list "$WORK/empty.list"
expect_rc 2 "--from-list with no pairs"
printf '%s message:X\nlonely-word\n' "$WORK/f" >"$WORK/bad.list"
run_cli bad-list "${G[@]}" --allow-http --from-list "$WORK/bad.list"
expect_rc 2 "--from-list line without a target"
grep -q "line 2: expected FILE TARGET" "$ERR" || fail "--from-list: the bad line is not named: $(cat "$ERR")"
run_cli conflict-message "${G[@]}" --allow-http --conflict fail "$WORK/f" message:X
expect_rc 2 "--conflict on a message"
run_cli conflict-item "${G[@]}" --allow-http --conflict fail "$WORK/f" drive-item:I
expect_rc 2 "--conflict on drive-item: (it always replaces)"

# Options that belong to some targets only: one clear line, exit 2, before any request.
usage_error() {  # usage_error WHAT EXPECTED-TEXT ARGS...
  local what=$1 text=$2
  shift 2
  run_cli usage-error "${G[@]}" --allow-http "$@"
  expect_rc 2 "$what"
  [ "$(wc -l <"$ERR")" = 1 ] || fail "$what: not one line: $(cat "$ERR")"
  grep -q -- "$text" "$ERR" || fail "$what: expected '$text' in: $(cat "$ERR")"
}
usage_error "--inline with a drive target" "message: and event:" --inline "$WORK/f" drive:P/n
usage_error "--content-id with a todo target" "message: and event:" --content-id img1 "$WORK/f" todo:L/T
usage_error "--content-id with a control character" "control characters" --content-id $'img\tone' "$WORK/f" message:X
usage_error "--drive-id with a message target" "--drive-id applies" --drive-id b!abc "$WORK/f" message:X
usage_error "--drive-id with a print-share target" "--drive-id applies" --drive-id b!abc "$WORK/f" print-share:S/J/D
usage_error "--content-type with a drive target" "--content-type applies" --content-type text/plain "$WORK/f" drive-path:a/b
usage_error "--content-type without a subtype" "MIME type" --content-type pdf "$WORK/f" print:P/J/D
usage_error "--chunk-size 4000001 with a message" "at most 4000000 bytes" --chunk-size 4000001 "$WORK/f" message:X
usage_error "--chunk-size 4000001 with a todo" "at most 4000000 bytes" --chunk-size 4000001 "$WORK/f" todo:L/T
usage_error "--chunk-size 5M for an event among drive files" "at most 4000000 bytes" --chunk-size 5M \
  "$WORK/f" drive:P/n "$WORK/f" event:E
usage_error "--force-session takes no value" "takes no value" --force-session=yes "$WORK/f" message:X
# Token sources (issue 17): one at a time; --token-timeout belongs to --token-command.
usage_error "--token-file with --token-command" "exclude each other" --token-file "$WORK/t" --token-command true \
  "$WORK/f" message:X
usage_error "--token-env with --token-file" "exclude each other" --token-env T --token-file "$WORK/t" "$WORK/f" message:X
usage_error "--token-timeout without --token-command" "--token-command only" --token-timeout 5 "$WORK/f" message:X
usage_error "--token-timeout 0" "seconds from 1 to 3600" --token-command true --token-timeout 0 "$WORK/f" message:X
usage_error "--token-command ''" "needs a command" --token-command "" "$WORK/f" message:X
# ... and the same options where they belong get past parsing (to the closed port: exit 4).
run_cli options-ok "${G[@]}" --allow-http --max-retries 0 --inline --content-id img1 --content-type image/png \
  --chunk-size 4000000 --force-session "$WORK/f" message:X
expect_rc 4 "valid message options against a closed port"
run_cli drive-id-ok "${G[@]}" --allow-http --max-retries 0 --drive-id b!abc "$WORK/f" drive-item:I \
  "$WORK/f" print-share:S/J/D
expect_rc 4 "--drive-id with drive-item: (and a print-share: beside it) against a closed port"

# A 0-byte file is not refused locally (a message takes it in one request): the
# run reaches the network (closed port: exit 4), no usage error.
: >"$WORK/empty"
run_cli empty-file "${G[@]}" --allow-http --max-retries 0 "$WORK/empty" message:X
expect_rc 4 "0-byte file to a message"

GRAPH_TOKEN= "$RANGEUP_UPLOAD" "${G[@]}" --allow-http "$WORK/f" message:X >"$WORK/nt.out" 2>"$WORK/nt.err"
RC=$?
expect_rc 2 "empty token"
grep -q "GRAPH_TOKEN" "$WORK/nt.err" || fail "missing token line"
MYTOK=$TOKEN "$RANGEUP_UPLOAD" --token-env MYTOK "${G[@]}" "$WORK/f" message:X >"$WORK/te.out" 2>"$WORK/te.err"
RC=$?
cat "$WORK/te.out" "$WORK/te.err" >>"$LEAK_LOG"
expect_rc 2 "--token-env with an http base and no --allow-http"
grep -q "https required" "$WORK/te.err" || fail "http refusal line: $(cat "$WORK/te.err")"

run_cli missing "${G[@]}" --allow-http "$WORK/does-not-exist" message:X
expect_rc 5 "missing file"
grep -q "No such file" "$ERR" || fail "missing file line"
run_cli directory "${G[@]}" --allow-http "$WORK" message:X
expect_rc 5 "directory"
run_cli resume-two "${G[@]}" --allow-http --resume "$WORK/r" "$WORK/f" message:X "$WORK/f" message:Y
expect_rc 2 "--resume with two files"

# --token-file / --token-command need no GRAPH_TOKEN; a token they give is
# never printed, even when the request fails (closed port: exit 4).
printf '%s\n' "$TOKEN-file" >"$WORK/token.txt"
GRAPH_TOKEN= "$RANGEUP_UPLOAD" "${G[@]}" --allow-http --max-retries 0 --token-file "$WORK/token.txt" "$WORK/f" message:X \
  >"$WORK/tf.out" 2>"$WORK/tf.err"
RC=$?
cat "$WORK/tf.out" "$WORK/tf.err" >>"$LEAK_LOG"
expect_rc 4 "--token-file without GRAPH_TOKEN against a closed port"

# Token given as an argument by mistake still never echoes back.
run_cli echo "${G[@]}" --allow-http --user "$TOKEN" "$WORK/f" "message:$TOKEN" --max-retries 0
[ "$RC" != 0 ] || fail "upload to a closed port succeeded"
check_no_leak
note "ok"
