# Shared helpers for the rangeup-upload integration tests (sourced by bash).
# Each test gets its own work directory, a unique bearer token, and an emulator
# on 127.0.0.1 that exits by itself (--idle-exit) even if the test dies.
# Every CLI run's stdout/stderr is collected; check_no_leak scans it (and the
# resume files) for the token and for uploadUrl credentials.

set -uo pipefail

: "${RANGEUP_UPLOAD:?path of rangeup-upload}"
TEST_NAME=${TEST_NAME:-$(basename "$0" .sh)}
WORK=${RANGEUP_TEST_WORK:-/tmp/rangeup-it-$TEST_NAME-$$}
rm -rf "$WORK"
mkdir -p "$WORK"
TOKEN="it-token-$RANDOM$RANDOM-$(date +%s%N)-S3CR3T"
LEAK_LOG=$WORK/all-output.log
: >"$LEAK_LOG"
# The matrix: every script runs once per transport (tests/integration/CMakeLists.txt).
TRANSPORT=${RANGEUP_TEST_TRANSPORT:-curl}
case $TRANSPORT in curl | beast | beast-async) ;; *) echo "unknown RANGEUP_TEST_TRANSPORT=$TRANSPORT" >&2; exit 1 ;; esac
RESUME_FILES=()
EMU_PIDS=()
RUN_COUNT=0

fail() {
  echo "FAIL [$TEST_NAME]: $*" >&2
  [ -n "${LAST_ERR:-}" ] && [ -f "$LAST_ERR" ] && { echo "--- last stderr:" >&2; tail -5 "$LAST_ERR" >&2; }
  exit 1
}
note() { echo "[$TEST_NAME] $*"; }

cleanup() {
  for pid in "${EMU_PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${EMU_PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  [ "${KEEP_WORK:-0}" = 1 ] || rm -rf "$WORK"
}
trap cleanup EXIT

# start_emulator [emulator options...]: sets EMU_URL, GRAPH, EMU_PID.
start_emulator() {
  : "${RANGEUP_EMULATOR:?path of rangeup-emulator}"
  local out=$WORK/emu.$RANDOM
  "$RANGEUP_EMULATOR" --host 127.0.0.1 --port 0 --idle-exit "${EMU_IDLE_EXIT:-60}" "$@" >"$out" 2>"$out.err" &
  EMU_PID=$!
  EMU_PIDS+=("$EMU_PID")
  for _ in $(seq 1 100); do
    EMU_URL=$(head -n 1 "$out" 2>/dev/null)
    [ -n "$EMU_URL" ] && break
    kill -0 "$EMU_PID" 2>/dev/null || fail "emulator exited: $(cat "$out.err")"
    sleep 0.1
  done
  [ -n "$EMU_URL" ] || fail "emulator did not print its URL"
  GRAPH=$EMU_URL/v1.0
}

stop_emulator() {
  curl -s -m 5 -X POST "${CURL_TLS[@]}" "$EMU_URL/_emulator/shutdown" >/dev/null 2>&1 || kill "$EMU_PID" 2>/dev/null
  wait "$EMU_PID" 2>/dev/null
}

# run_cli NAME [args...]: runs rangeup-upload --transport $TRANSPORT with the
# token; sets RC, OUT, ERR.
run_cli() {
  local name=$1
  shift
  RUN_COUNT=$((RUN_COUNT + 1))
  OUT=$WORK/$name.out
  ERR=$WORK/$name.err
  LAST_ERR=$ERR
  GRAPH_TOKEN=$TOKEN timeout "${CLI_TIMEOUT:-100}" "$RANGEUP_UPLOAD" --transport "$TRANSPORT" "$@" >"$OUT" 2>"$ERR"
  RC=$?
  cat "$OUT" "$ERR" >>"$LEAK_LOG"
}

# start_cli NAME [args...]: run_cli in the background, for a test that signals
# or kills it; sets CLI_PID (and OUT, ERR). finish_cli then waits for it and
# sets RC.
start_cli() {
  local name=$1
  shift
  OUT=$WORK/$name.out
  ERR=$WORK/$name.err
  LAST_ERR=$ERR
  GRAPH_TOKEN=$TOKEN "$RANGEUP_UPLOAD" --transport "$TRANSPORT" "$@" >"$OUT" 2>"$ERR" &
  CLI_PID=$!
}
finish_cli() {
  wait "$CLI_PID" 2>/dev/null
  RC=$?
  RUN_COUNT=$((RUN_COUNT + 1))
  cat "$OUT" "$ERR" >>"$LEAK_LOG"
}

# wait_for TRIES CMD [args...]: runs CMD every 0.1 s until it succeeds, at most
# TRIES times; fails when it never did.
wait_for() {
  local tries=$1 i
  shift
  for i in $(seq 1 "$tries"); do
    "$@" && return 0
    sleep 0.1
  done
  return 1
}

expect_rc() { [ "$RC" = "$1" ] || fail "$2: exit $RC, expected $1"; }

CURL_TLS=()
# The emulator's report (JSON) and jq questions about it.
report() { curl -s -m 10 "${CURL_TLS[@]}" "$EMU_URL/_emulator/report"; }
report_jq() {  # report_jq [jq options...] FILTER
  local r
  r=$(report) && [ -n "$r" ] || fail "no report from the emulator at $EMU_URL"
  jq -r "$@" <<<"$r"
}
counter() { report_jq --arg c "$1" '.counters[$c] // empty'; }
counter_is() { [ "$(counter "$1")" = "$2" ]; }
# The latest stored entry for an id the CLI printed (conflict=replace and
# drive-item: keep the id; the latest entry wins), as compact JSON.
entry_of_id() { report_jq -c --arg id "$1" '[.files[] | select(.id == $id)] | last // empty'; }
field_of_id() { report_jq --arg id "$1" --arg f "$2" '[.files[] | select(.id == $id)] | last | .[$f] | if . == null then empty else tostring end'; }
# The stored file's sha256 for an id the CLI printed.
sha_of_id() { field_of_id "$1" sha256; }
# printDocument answers with the document id: find the stored file by name.
sha_of_print() { report_jq --arg n "$1" '[.files[] | select(.flavor == "print" and .name == $n)] | last | .sha256 // empty'; }
print_entry() { report_jq -c --arg n "$1" '[.files[] | select(.flavor == "print" and .name == $n)] | last // empty'; }
# How many files the emulator stored for a flavor (message, event, todo, drive, print).
stored_count() { report_jq --arg f "$1" '[.files[] | select(.flavor == $f)] | length'; }
violations() { report_jq -c '.violations'; }
# Every emulator run of a script ends with this: the CLI broke no documented rule.
expect_no_violations() {  # label
  local v
  v=$(violations)
  [ "$v" = '[]' ] || fail "$1: emulator violations: $v"
}
# json_str FILE KEY / json_num FILE KEY: a member of the --json output.
# (bash matching, no grep: the scripts call these often and each process costs.)
json_str() {
  local text re="\"$2\":\"([^\"]*)\""
  text=$(<"$1")
  [[ $text =~ $re ]] && echo "${BASH_REMATCH[1]}"
  return 0
}
json_num() {
  local text re="\"$2\":([0-9.]*)"
  text=$(<"$1")
  [[ $text =~ $re ]] && echo "${BASH_REMATCH[1]}"
  return 0
}

# make_file PATH SIZE: pseudo-random content (different per file).
make_file() { head -c "$2" /dev/urandom >"$1"; }
sha() { sha256sum "$1" | cut -d' ' -f1; }

# upload_ok NAME FILE TARGET [options...]: uploads, requires exit 0 and that
# the emulator stored exactly the file's bytes. Sets ID and ENTRY (the
# report's entry for the stored file; entry_get reads it).
upload_ok() {
  local name=$1 file=$2 target=$3
  shift 3
  run_cli "$name" --json --allow-http --graph-base "$GRAPH" "$@" "$file" "$target"
  expect_rc 0 "$name"
  ID=$(json_str "$OUT" id)
  [ -n "$ID" ] || fail "$name: no id in $(cat "$OUT")"
  [ "$(json_num "$OUT" size)" = "$(stat -c %s "$file")" ] || fail "$name: size mismatch"
  case $target in
    print:* | print-share:*) ENTRY=$(print_entry "$(basename "$file")") ;;
    *) ENTRY=$(entry_of_id "$ID") ;;
  esac
  [ "$(entry_get sha256)" = "$(sha "$file")" ] || fail "$name: stored sha256 differs for $ID: $ENTRY"
}
# entry_get KEY: a string, number or boolean member of ENTRY (null reads as "").
entry_get() {
  local re="\"$1\":(\"([^\"]*)\"|([^,}\"]*))"
  [[ $ENTRY =~ $re ]] || return 0
  if [ "${BASH_REMATCH[3]}" = null ]; then echo; else echo "${BASH_REMATCH[2]}${BASH_REMATCH[3]}"; fi
}

track_resume_file() { RESUME_FILES+=("$1"); }

# After a lost last answer (or a crash while the last request was out): the
# driveItem was found by path and adopted: one session, one item, hash checked.
expect_item_adopted() {  # label
  [ "$(json_num "$OUT" restarts)" = 0 ] || fail "$1: restarted instead of looking the item up"
  [ "$(counter creates)" = 1 ] || fail "$1: a second session was created"
  [ "$(counter completed)" = 1 ] || fail "$1: expected exactly one stored item"
  [ "$(counter item_gets)" = 1 ] || fail "$1: expected one GET of the item (got $(counter item_gets))"
  grep -q '"integrity_checked":true' "$OUT" || fail "$1: the looked-up item's hash was not checked"
}

# ... or reported as "may have completed" (exit 4), and stored exactly once.
expect_reported_once() {  # label file [sessions created: 1]
  expect_rc 4 "$1"
  grep -q "may have completed" "$ERR" || fail "$1: no clear message: $(cat "$ERR")"
  [ "$(counter creates)" = "${3:-1}" ] || fail "$1: expected ${3:-1} session(s), $(counter creates) created"
  [ "$(counter completed)" = 1 ] || fail "$1: expected exactly one stored upload"
  report | grep -q "\"sha256\":\"$(sha "$2")\"" || fail "$1: the stored upload is not the file"
}

# Nothing printed may contain the token or an uploadUrl credential; resume
# files may hold the uploadUrl (their job) but never the bearer token.
check_no_leak() {
  [ "$RUN_COUNT" -gt 0 ] || fail "no CLI run was checked"
  if grep -qF "$TOKEN" "$LEAK_LOG"; then fail "bearer token printed"; fi
  if grep -qiE '(temp)?authtoken=[^<]' "$LEAK_LOG"; then fail "uploadUrl credential printed"; fi
  for f in "${RESUME_FILES[@]}"; do
    [ -f "$f" ] || continue
    if grep -qF "$TOKEN" "$f"; then fail "bearer token in resume file $f"; fi
    [ "$(stat -c %a "$f")" = 600 ] || fail "resume file $f is not mode 0600"
  done
  note "no token/credential in $RUN_COUNT runs' output"
}
