#!/usr/bin/env bash
# Tokens that expire mid-upload (issue 17). The emulator accepts the tokens
# "$TOKEN-1", "$TOKEN-2", ... in turn, each for --token-ttl-requests requests
# that carry the bearer, then answers 401 "Lifetime validation failed"; the
# CLI gets tokens from --token-command (a script that counts its runs and
# prints the next token) or --token-file. Argument: the case.
#   todo       12 MB To Do upload, rotated after 3 bearer requests
#   drive-404  the session vanishes after the rotation: the re-create gets the new token
#   parallel   8 files, --parallel 4, across one rotation: exactly one refresh
#   fails      a failing / silent / hanging command: exit 3, a clear message, no token printed
#   file       --token-file rotated on disk while the upload runs; not rotated: exit 3
#              (and --token-env: a 401 still ends the upload, as before)
. "$(dirname "$0")/lib.sh"
CASE=${1:?case}
TEST_NAME=tokens-$CASE

# The emulator's valid tokens, in order.
TOKENS="$TOKEN-1,$TOKEN-2,$TOKEN-3,$TOKEN-4"
COUNTER=$WORK/token-runs
# token_command [extra shell]: a command that counts its runs in $COUNTER and
# prints the next token (the CLI serialises its runs: no lock needed).
cat >"$WORK/token.sh" <<EOF
n=\$(( \$(cat "$COUNTER" 2>/dev/null || echo 0) + 1 ))
echo "\$n" >"$COUNTER"
echo "token.sh: run \$n (a warning on stderr is passed on)" >&2
printf '%s-%s\n' "$TOKEN" "\$n"
EOF
TOKEN_CMD=(--token-command "sh $WORK/token.sh")
runs() { cat "$COUNTER" 2>/dev/null || echo 0; }
# The sum of a member over the --json output (one object or an array).
json_sum() { jq -s "[.[] | if type == \"array\" then .[] else . end | .$2] | add" "$1"; }

case $CASE in
  todo)
    start_emulator --token-ttl-requests 3 --token-list "$TOKENS"
    make_file "$WORK/twelve" 12000000
    # create + 3 fragments of 4 000 000 bytes: the third fragment carries an expired token.
    upload_ok todo "$WORK/twelve" todo:LIST-T/TASK-T "${TOKEN_CMD[@]}"
    [ "$(runs)" -ge 2 ] || fail "todo: the token command ran $(runs) time(s), expected a refresh"
    counter_is token_rejections 1 || fail "todo: $(counter token_rejections) token rejections, expected 1"
    [ "$(json_num "$OUT" tokens_fetched)" = 2 ] || fail "todo: tokens_fetched $(json_num "$OUT" tokens_fetched)"
    [ "$(json_num "$OUT" restarts)" = 0 ] || fail "todo: a 401 restarted the session"
    counter_is creates 1 || fail "todo: $(counter creates) sessions"
    # The rejected fragment was repeated, nothing the service had confirmed was sent again.
    counter_is bytes_received 12000000 || fail "todo: $(counter bytes_received) bytes received"
    counter_is ranges_already_received 0 || fail "todo: confirmed bytes re-sent"
    grep -q "token.sh: run 1" "$ERR" || fail "todo: the command's stderr was not passed on: $(cat "$ERR")"
    expect_no_violations todo
    ;;

  drive-404)
    # Every token serves one bearer request: the create. The session vanishes at
    # the 2nd fragment; the re-create's token has expired by then.
    start_emulator --token-ttl-requests 1 --token-list "$TOKENS" --faults 404@2
    make_file "$WORK/d" 3000000
    upload_ok drive-404 "$WORK/d" drive-path:docs/d.bin --force-session --chunk-size 640K "${TOKEN_CMD[@]}"
    counter_is faults_injected 1 || fail "drive-404: the 404 was not injected"
    counter_is creates 2 || fail "drive-404: $(counter creates) sessions, expected a re-create"
    [ "$(json_num "$OUT" restarts)" = 1 ] || fail "drive-404: restarts $(json_num "$OUT" restarts)"
    counter_is token_rejections 1 || fail "drive-404: $(counter token_rejections) token rejections"
    [ "$(runs)" = 2 ] || fail "drive-404: the token command ran $(runs) time(s), expected 2"
    # Pre-authenticated fragment PUTs never carry the bearer: only the two creates did.
    counter_is bearer_requests 2 || fail "drive-404: $(counter bearer_requests) bearer requests"
    expect_no_violations drive-404
    ;;

  parallel)
    # 8 single-request files (each one bearer request); the first token serves
    # 5 of them, the uploads that hit its expiry together share one refresh.
    start_emulator --token-ttl-requests 5 --token-list "$TOKENS"
    args=()
    for i in 1 2 3 4 5 6 7 8; do
      make_file "$WORK/p$i" $((100000 + i * 1000))
      if [ $((i % 2)) = 0 ]; then args+=("$WORK/p$i" "todo:LIST-P/TASK-$i"); else args+=("$WORK/p$i" "drive-path:par/p$i"); fi
    done
    run_cli parallel --json --allow-http --graph-base "$GRAPH" --parallel 4 "${TOKEN_CMD[@]}" "${args[@]}"
    expect_rc 0 "parallel"
    counter_is completed 8 || fail "parallel: $(counter completed) files stored"
    for i in 1 2 3 4 5 6 7 8; do
      report | grep -q "\"sha256\":\"$(sha "$WORK/p$i")\"" || fail "parallel: p$i not stored intact"
    done
    [ "$(runs)" = 2 ] || fail "parallel: the token command ran $(runs) times, expected 2 (one refresh)"
    rejected=$(counter token_rejections)
    [ "$rejected" -ge 1 ] || fail "parallel: no upload crossed the rotation"
    # Each upload asked once to begin with, and once more per rejection.
    [ "$(json_sum "$OUT" tokens_fetched)" = $((8 + rejected)) ] ||
      fail "parallel: tokens_fetched sum $(json_sum "$OUT" tokens_fetched), expected $((8 + rejected))"
    expect_no_violations parallel
    ;;

  fails)
    start_emulator
    make_file "$WORK/f" 5000000
    # Fails after printing something token-like on stdout (and stderr): exit 3,
    # the reason, the command's last stderr line, but never what it printed.
    cat >"$WORK/fail.sh" <<EOF
echo 1 >>"$COUNTER"
printf '%s\n' "$TOKEN-partial"
echo "ERROR: Please run 'az login' to setup account ($TOKEN-partial)." >&2
exit 1
EOF
    for f in 1 2 3; do cp "$WORK/f" "$WORK/f$f"; done
    run_cli fails --json --allow-http --graph-base "$GRAPH" --parallel 2 --token-command "sh $WORK/fail.sh" \
      "$WORK/f1" todo:L/T "$WORK/f2" message:M "$WORK/f3" drive-path:x/f3
    expect_rc 3 "failing token command"
    grep -q -- "--token-command failed with exit status 1: ERROR: Please run 'az login'" "$ERR" ||
      fail "fails: unclear message: $(cat "$ERR")"
    [ "$(grep -c "no access token" "$ERR")" = 3 ] || fail "fails: every file should say why: $(cat "$ERR")"
    [ "$(jq -s '[.[][] | select(.exit == 3)] | length' "$OUT")" = 3 ] || fail "fails: --json: $(cat "$OUT")"
    [ "$(wc -l <"$COUNTER")" = 1 ] || fail "fails: a failed command ran again ($(wc -l <"$COUNTER") runs)"
    counter_is bearer_requests 0 && counter_is creates 0 || fail "fails: requests went out"

    # Exit 0 but no output.
    run_cli silent --allow-http --graph-base "$GRAPH" --token-command "true" "$WORK/f" todo:L/T
    expect_rc 3 "silent token command"
    grep -q -- "--token-command printed no token" "$ERR" || fail "silent: unclear message: $(cat "$ERR")"

    # Hangs: killed after --token-timeout, with its children.
    start=$(date +%s)
    run_cli hangs --allow-http --graph-base "$GRAPH" --token-timeout 1 --token-command "sleep 30; echo late" \
      "$WORK/f" todo:L/T
    expect_rc 3 "hanging token command"
    [ $(($(date +%s) - start)) -lt 10 ] || fail "hangs: not stopped by --token-timeout"
    grep -q -- "--token-command timed out after 1 s" "$ERR" || fail "hangs: unclear message: $(cat "$ERR")"

    # Prints more than a token.
    run_cli two-words --allow-http --graph-base "$GRAPH" --token-command "echo '$TOKEN-a $TOKEN-b'" "$WORK/f" todo:L/T
    expect_rc 3 "token command printing two words"
    grep -q "more than a token" "$ERR" || fail "two-words: unclear message: $(cat "$ERR")"
    expect_no_violations fails
    ;;

  file)
    start_emulator --token-ttl-requests 3 --token-list "$TOKENS"
    make_file "$WORK/twelve" 12000000
    printf '%s\n' "$TOKEN-1" >"$WORK/token.txt"
    # The 3rd fragment (the 4th bearer request, ~2 s in at 4 MB/s) meets the
    # expiry; the file is rotated right after the create.
    start_cli file --json --allow-http --graph-base "$GRAPH" --limit-rate 4M --token-file "$WORK/token.txt" \
      "$WORK/twelve" todo:LIST-F/TASK-F
    wait_for 100 counter_is creates 1 || fail "file: no session created"
    printf '%s\n' "$TOKEN-2" >"$WORK/token.new" && mv "$WORK/token.new" "$WORK/token.txt"
    finish_cli
    expect_rc 0 "rotated --token-file"
    counter_is token_rejections 1 || fail "file: $(counter token_rejections) token rejections"
    [ "$(json_num "$OUT" tokens_fetched)" = 2 ] || fail "file: tokens_fetched $(json_num "$OUT" tokens_fetched)"
    ID=$(json_str "$OUT" id)
    [ "$(sha_of_id "$ID")" = "$(sha "$WORK/twelve")" ] || fail "file: stored bytes differ"
    expect_no_violations file
    stop_emulator

    # Not rotated: the repeat with the re-read (same) token is refused too.
    start_emulator --token-ttl-requests 1 --token-list "$TOKENS"
    make_file "$WORK/five" 5000000
    printf '%s\n' "$TOKEN-1" >"$WORK/token.txt"
    run_cli stale-file --allow-http --graph-base "$GRAPH" --token-file "$WORK/token.txt" "$WORK/five" todo:L/T
    expect_rc 3 "unrotated --token-file"
    grep -q "HTTP 401 InvalidAuthenticationToken" "$ERR" || fail "stale-file: unclear message: $(cat "$ERR")"
    grep -q -- "--token-file $WORK/token.txt gave the rejected token again" "$ERR" ||
      fail "stale-file: no hint: $(cat "$ERR")"
    run_cli no-file --allow-http --graph-base "$GRAPH" --token-file "$WORK/absent.txt" "$WORK/five" todo:L/T
    expect_rc 3 "missing --token-file"
    grep -q -- "--token-file $WORK/absent.txt: cannot read it" "$ERR" || fail "no-file: unclear message: $(cat "$ERR")"
    stop_emulator

    # --token-env (the default) reads one token: an expiry ends the upload as before.
    start_emulator --token-ttl-requests 1 --token-list "$TOKENS"
    export RANGEUP_IT_TOKEN="$TOKEN-1"
    run_cli env --json --allow-http --graph-base "$GRAPH" --token-env RANGEUP_IT_TOKEN "$WORK/five" todo:L/T
    expect_rc 3 "--token-env after an expiry"
    grep -q "HTTP 401" "$ERR" || fail "env: unclear message: $(cat "$ERR")"
    [ "$(json_num "$OUT" tokens_fetched)" = 0 ] || fail "env: tokens_fetched $(json_num "$OUT" tokens_fetched)"
    expect_no_violations env
    ;;

  *) fail "unknown case $CASE" ;;
esac
check_no_leak
note "ok"
