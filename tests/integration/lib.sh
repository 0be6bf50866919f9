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
    EMU_URL=""
    read -r EMU_URL <"$out" 2>/dev/null
    [ -n "$EMU_URL" ] && break
    kill -0 "$EMU_PID" 2>/dev/null || fail "emulator exited: $(cat "$out.err")"
    sleep 0.1
  done
  [ -n "$EMU_URL" ] || fail "emulator did not print its URL"
  GRAPH=$EMU_URL/v1.0
}

stop_emulator() {
  emulator_request POST /_emulator/shutdown 2>/dev/null || kill "$EMU_PID" 2>/dev/null
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
  append_to_leak_log
}
# The output of every run goes to LEAK_LOG for check_no_leak ($(<f): no process).
append_to_leak_log() { printf '%s\n%s\n' "$(<"$OUT")" "$(<"$ERR")" >>"$LEAK_LOG"; }

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
  append_to_leak_log
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
# The emulator's report and questions about it. The scripts ask hundreds of
# times, and a curl + jq pair costs ~80 ms of CPU each time (most of these
# scripts' CPU, more than the uploads'), so over plain HTTP the request goes
# through bash's /dev/tcp and the common questions are answered by bash
# matching, without a process; https (tls.sh) goes through curl.
# emulator_request METHOD PATH: the body of a 200 answer into BODY, read in this
# shell (no subshell); non-zero otherwise.
emulator_request() {
  BODY=""
  if [[ $EMU_URL != http://* ]]; then
    BODY=$(curl -sf -m 10 -X "$1" "${CURL_TLS[@]}" "$EMU_URL$2")
    return
  fi
  local hostport=${EMU_URL#http://} fd reply=""
  exec {fd}<>"/dev/tcp/${hostport%:*}/${hostport##*:}" || return 1
  printf '%s %s HTTP/1.1\r\nHost: %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n' "$1" "$2" "$hostport" >&"$fd"
  # To the end: the emulator closes after answering. No -t: with a timeout bash adds a select() per byte.
  read -r -d '' -u "$fd" reply
  exec {fd}>&-
  [[ $reply == "HTTP/1.1 200 "* ]] || return 1
  BODY=${reply#*$'\r\n\r\n'}
}
# fetch_report [QUERY]: the report into REPORT. QUERY (?id=…, ?flavor=…&name=…,
# URL-encoded) keeps only those files: bash reads a socket a byte at a time,
# and the whole report grows with every upload.
fetch_report() {
  REPORT=""
  emulator_request GET "/_emulator/report${1:-}" && REPORT=$BODY
  [ -n "$REPORT" ] || fail "no report from the emulator at $EMU_URL"
}
# url_encode TEXT: sets VALUE to TEXT percent-encoded for a query.
url_encode() {
  local LC_ALL=C i c  # bytes, not characters
  VALUE=""
  for ((i = 0; i < ${#1}; i++)); do
    c=${1:i:1}
    case $c in
      [A-Za-z0-9._~-]) VALUE+=$c ;;
      *) printf -v c '%%%02X' "'$c"; VALUE+=$c ;;
    esac
  done
}
report() { fetch_report && printf '%s\n' "$REPORT"; }
report_jq() {  # report_jq [jq options...] FILTER: for the questions bash matching does not answer
  fetch_report
  jq -r "$@" <<<"$REPORT"
}
# counter_value NAME: sets VALUE to the emulator's counter ("" when absent).
counter_value() {
  fetch_report '?id='  # no file has an empty id: counters and violations only
  local re="\"counters\":\{[^}]*\"$1\":([0-9]+)"
  VALUE=""
  [[ $REPORT =~ $re ]] && VALUE=${BASH_REMATCH[1]}
  return 0
}
counter() { counter_value "$1" && echo "$VALUE"; }
counter_is() { counter_value "$1" && [ "$VALUE" = "$2" ]; }
# The report's stored files, one flat JSON object per element of FILES (the
# emulator writes "files", "violations", "counters" in that order, and a
# file's entry holds no object or array).
report_files() {  # report_files [QUERY]
  fetch_report "${1:-}"
  local list=${REPORT#*'"files":['}
  list=${list%%'],"violations":'*}
  FILES=()
  [ -n "$list" ] && mapfile -t FILES <<<"${list//'},{'/$'}\n{'}"
  return 0
}
# find_file KEY=VALUE...: sets FOUND to the latest stored file with those
# values (KEY: id, flavor, name; "" when none). conflict=replace and drive
# items keep their id, so the latest entry wins.
find_file() {
  local cond query=""
  for cond in "$@"; do
    url_encode "${cond#*=}"
    query+="${query:+&}${cond%%=*}=$VALUE"
  done
  report_files "?$query"  # the emulator filters; the latest match is the last
  FOUND=""
  (( ${#FILES[@]} )) && FOUND=${FILES[-1]}
  return 0
}
# member_of JSON KEY: sets VALUE to a string, number or boolean member of a flat
# JSON object (null and absent read as "").
member_of() {
  local re="\"$2\":(\"([^\"]*)\"|([^,}\"]*))"
  VALUE=""
  [[ $1 =~ $re ]] || return 0
  [ "${BASH_REMATCH[3]}" = null ] || VALUE=${BASH_REMATCH[2]}${BASH_REMATCH[3]}
}
# The latest stored entry for an id the CLI printed, as compact JSON.
entry_of_id() { find_file "id=$1" && echo "$FOUND"; }
field_of_id() { find_file "id=$1" && member_of "$FOUND" "$2" && echo "$VALUE"; }
# The stored file's sha256 for an id the CLI printed.
sha_of_id() { field_of_id "$1" sha256; }
# printDocument answers with the document id: find the stored file by name.
print_entry() { find_file flavor=print "name=$1" && echo "$FOUND"; }
sha_of_print() { find_file flavor=print "name=$1" && member_of "$FOUND" sha256 && echo "$VALUE"; }
# How many files the emulator stored for a flavor (message, event, todo, drive, print).
stored_count() {
  url_encode "$1"
  report_files "?flavor=$VALUE"
  echo "${#FILES[@]}"
}
violations() {
  fetch_report '?id='
  local v=${REPORT#*'"violations":'}
  echo "${v%%',"counters":'*}"
}
# Every emulator run of a script ends with this: the CLI broke no documented rule.
expect_no_violations() {  # label
  local v
  v=$(violations)
  [ "$v" = '[]' ] || fail "$1: emulator violations: $v"
}
# json_value FILE KEY str|num: sets VALUE to a string or number member of the
# --json output ("" when absent); json_str / json_num print one (bash matching:
# the scripts call these often and each process costs).
json_value() {
  local text re="\"$2\":([0-9.]*)"
  [ "$3" = str ] && re="\"$2\":\"([^\"]*)\""
  text=$(<"$1")
  VALUE=""
  [[ $text =~ $re ]] && VALUE=${BASH_REMATCH[1]}
  return 0
}
json_str() { json_value "$1" "$2" str && echo "$VALUE"; }
json_num() { json_value "$1" "$2" num && echo "$VALUE"; }

# make_file PATH SIZE: pseudo-random content (different per file).
make_file() { head -c "$2" /dev/urandom >"$1"; }
sha() { sha256sum "$1" | cut -d' ' -f1; }

# upload_ok NAME FILE TARGET [options...]: uploads, requires exit 0 and that
# the emulator stored exactly the file's bytes. Sets ID and ENTRY (the
# report's entry for the stored file; entry_get reads it).
upload_ok() {
  local name=$1 file=$2 target=$3 size stored
  shift 3
  run_cli "$name" --json --allow-http --graph-base "$GRAPH" "$@" "$file" "$target"
  expect_rc 0 "$name"
  json_value "$OUT" id str
  ID=$VALUE
  [ -n "$ID" ] || fail "$name: no id in $(cat "$OUT")"
  case $target in
    print:* | print-share:*) find_file flavor=print "name=${file##*/}" ;;
    *) find_file "id=$ID" ;;
  esac
  ENTRY=$FOUND
  read -r stored _ < <(sha256sum -- "$file")
  member_of "$ENTRY" sha256
  [ "$VALUE" = "$stored" ] || fail "$name: stored sha256 differs for $ID: $ENTRY"
  # The stored bytes are the file's, so the stored size is the file's size.
  member_of "$ENTRY" size
  size=$VALUE
  json_value "$OUT" size num
  [ "$VALUE" = "$size" ] || fail "$name: size mismatch: the CLI says $VALUE, the file has $size"
}
# entry_get KEY: a string, number or boolean member of ENTRY (null reads as "").
entry_get() { member_of "$ENTRY" "$1" && echo "$VALUE"; }

track_resume_file() { RESUME_FILES+=("$1"); }

# After a lost last answer (or a crash while the last request was out): the
# driveItem was found by path and adopted: one session, one item, hash checked.
expect_item_adopted() {  # label
  [ "$(json_num "$OUT" restarts)" = 0 ] || fail "$1: restarted instead of looking the item up"
  counter_is creates 1 || fail "$1: a second session was created"
  counter_is completed 1 || fail "$1: expected exactly one stored item"
  counter_is item_gets 1 || fail "$1: expected one GET of the item (got $(counter item_gets))"
  grep -q '"integrity_checked":true' "$OUT" || fail "$1: the looked-up item's hash was not checked"
}

# ... or reported as "may have completed" (exit 4), and stored exactly once.
expect_reported_once() {  # label file [sessions created: 1]
  expect_rc 4 "$1"
  grep -q "may have completed" "$ERR" || fail "$1: no clear message: $(cat "$ERR")"
  counter_is creates "${3:-1}" || fail "$1: expected ${3:-1} session(s), $(counter creates) created"
  counter_is completed 1 || fail "$1: expected exactly one stored upload"
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
