#!/usr/bin/env bash
# Many small attachments (issue 16 item 11; not a test: nothing asserts on time).
#
#   benchmarks/e2e/small_files.sh [--files N] [--size BYTES] [--parallel P] [--rounds R]
#                                 [--upload PATH] [--emulator PATH] [--out FILE]
#
# N files of SIZE bytes (default 200 x 1 MB) attached to messages with
# rangeup-upload --parallel P, against one loopback rangeup-emulator, two ways
# in the same run, interleaved R times:
#   post     the default: a file under 3 000 000 bytes is one POST .../attachments
#   session  --force-session: createUploadSession + PUT fragments (the emulator
#            runs with --allow-small-sessions; the real service refuses these)
# Reports files/s and HTTP requests per file (the emulator's request counter)
# as a Markdown table (stdout, and --out FILE when given).
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
FILES=200 SIZE=1000000 PARALLEL=8 ROUNDS=3 OUT=
UPLOAD=$ROOT/build/default/tools/upload/rangeup-upload
EMULATOR=$ROOT/build/default/tools/emulator/rangeup-emulator
while [ $# -gt 0 ]; do
  case $1 in
    --files) FILES=$2; shift ;;
    --size) SIZE=$2; shift ;;
    --parallel) PARALLEL=$2; shift ;;
    --rounds) ROUNDS=$2; shift ;;
    --upload) UPLOAD=$2; shift ;;
    --emulator) EMULATOR=$2; shift ;;
    --out) OUT=$2; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "small_files.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[ -x "$UPLOAD" ] && [ -x "$EMULATOR" ] || { echo "build rangeup-upload and rangeup-emulator first" >&2; exit 2; }

WORK=$(mktemp -d)
EMU_PID=
cleanup() { [ -n "$EMU_PID" ] && kill "$EMU_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

store=$WORK/store
[ -d /dev/shm ] && store=$(mktemp -d /dev/shm/rangeup-small.XXXXXX) && trap 'cleanup; rm -rf "$store"' EXIT
"$EMULATOR" --host 127.0.0.1 --port 0 --idle-exit 120 --allow-small-sessions --store "$store" >"$WORK/emu.out" 2>&1 &
EMU_PID=$!
for _ in $(seq 1 100); do URL=$(head -n 1 "$WORK/emu.out" 2>/dev/null) && [ -n "$URL" ] && break; sleep 0.1; done
[ -n "${URL:-}" ] || { echo "the emulator did not start" >&2; exit 1; }

mkdir -p "$WORK/files"
: >"$WORK/list"
for i in $(seq 1 "$FILES"); do
  head -c "$SIZE" /dev/urandom >"$WORK/files/f$i.bin"
  printf '%s message:MSG-%d\n' "$WORK/files/f$i.bin" "$i" >>"$WORK/list"
done

requests() { curl -s "$URL/_emulator/report" | grep -o '"requests":[0-9]*' | head -n 1 | cut -d: -f2; }

# run MODE: one upload of every file; prints "seconds requests".
run() {
  local extra=() before after start end
  [ "$1" = session ] && extra=(--force-session)
  before=$(requests)
  start=$(date +%s.%N)
  GRAPH_TOKEN=bench "$UPLOAD" --quiet --allow-http --graph-base "$URL/v1.0" --parallel "$PARALLEL" \
    "${extra[@]}" --from-list "$WORK/list" >/dev/null
  end=$(date +%s.%N)
  after=$(requests)
  # The report request itself counts once.
  echo "$(echo "$end - $start" | bc -l) $((after - before - 1))"
}

declare -A secs reqs
for mode in post session; do secs[$mode]=0; reqs[$mode]=0; done
for r in $(seq 1 "$ROUNDS"); do
  order="post session"
  [ $((r % 2)) = 0 ] && order="session post"
  for mode in $order; do
    read -r s q < <(run "$mode")
    secs[$mode]=$(echo "${secs[$mode]} + $s" | bc -l)
    reqs[$mode]=$((${reqs[$mode]} + q))
  done
done

table() {
  echo "| way ($FILES files x $SIZE bytes, --parallel $PARALLEL, $ROUNDS rounds) | files/s | requests/file | vs post |"
  echo "|---|---:|---:|---:|"
  local post_rate
  post_rate=$(echo "$FILES * $ROUNDS / ${secs[post]}" | bc -l)
  for mode in post session; do
    local rate per
    rate=$(echo "$FILES * $ROUNDS / ${secs[$mode]}" | bc -l)
    per=$(echo "${reqs[$mode]} / ($FILES * $ROUNDS)" | bc -l)
    printf '| %s | %.1f | %.2f | %.2fx |\n' "$mode" "$rate" "$per" "$(echo "$rate / $post_rate" | bc -l)"
  done
}
table | tee "${OUT:-/dev/null}"
