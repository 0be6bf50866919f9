#!/usr/bin/env bash
# Every benchmark table in one command (not a test; nothing here asserts on time).
#
#   benchmarks/e2e/run.sh [--quick] [--rounds N] [--skip-build] [--no-micro] [--out DIR]
#
# 1. Builds the Release targets it needs into build/bench.
# 2. Core/codec microbenchmarks (Google Benchmark)         -> results/core.md
# 3. End-to-end against a loopback rangeup-emulator (--store on /dev/shm when
#    it has room), every case run ROUNDS times, interleaved, order rotated:
#      a  rangeup-upload, drive flavor, 10 MiB fragments
#      b  rangeup-upload, Outlook flavor, 4 MB (64 MiB file only: Outlook
#         refuses attachments over 150 MiB before any request is sent)
#      c  curl CLI, exactly a's ranges, one process, one keep-alive connection
#         (c4: b's ranges likewise)
#      d  curl CLI, the whole file in one PUT to /_emulator/sink (the ceiling)
#      e  Beast sync / async transports (rangeup-beast-bench), a's ranges
#    and again over HTTPS (a second emulator with --tls-cert, a self-signed
#    certificate made at run time in build/bench, trusted via --ca-file /
#    curl --cacert): a, c, d, e_sync, e_async (and the memory case)
#                                                         -> results/e2e.md
# 4. Concurrency: 32 files uploaded at once vs one after another
#                                                         -> results/concurrency.md
# 5. Scaling: time and memory vs file size and chunk size -> results/scaling.md,
#                                                            results/scaling.png
# Raw measurements go to results/raw/; benchmarks/README.md's results block is
# regenerated from them (only when writing to benchmarks/results). Full run
# (3 rounds): ~4-5 min to build from scratch at -j2, then ~11 min to measure
# on 2 cores under load average ~11 (less when quiet); --quick (1 round,
# smaller files) ~2 min after the build.
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=$ROOT/build/bench
OUT=$ROOT/benchmarks/results
QUICK=0
ROUNDS=
SKIP_BUILD=0
MICRO=1
while [ $# -gt 0 ]; do
  case $1 in
    --quick) QUICK=1 ;;
    --rounds) ROUNDS=${2:?--rounds N}; shift ;;
    --skip-build) SKIP_BUILD=1 ;;
    --no-micro) MICRO=0 ;;
    --out) OUT=$(mkdir -p "${2:?--out DIR}" && cd "$2" && pwd); shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

MiB=1048576
if [ $QUICK = 1 ]; then
  ROUNDS=${ROUNDS:-1}
  SIZES_MIB="64 256"
  CONC_FILES=32 CONC_MIB=8
  SWEEP_MIB=64
  RSS_MIB=256
  MICRO_ARGS=(--benchmark_min_time=0.1)
else
  ROUNDS=${ROUNDS:-3}
  SIZES_MIB="64 256 1024"
  CONC_FILES=32 CONC_MIB=32
  SWEEP_MIB=256
  RSS_MIB=1024
  MICRO_ARGS=(--benchmark_min_time=0.3 --benchmark_repetitions=3 --benchmark_report_aggregates_only=true)
fi
CHUNK_A=$((10 * MiB))
# Outlook fragments: at most 4 000 000 bytes (the CLI refuses more; the emulator counts a violation).
CHUNK_B=4000000
# The largest drive fragment: a multiple of 320 KiB below 60 MiB (191 x 327680).
CHUNK_MAX=$(((60 * MiB - 1) / 327680 * 327680))
SWEEP_CHUNKS="327680 1310720 5242880 10485760 20971520 41943040 $CHUNK_MAX"

say() { printf '== [%4d s] %s\n' "$SECONDS" "$*"; }
need() { command -v "$1" >/dev/null || { echo "run.sh: needs $1 ($2)" >&2; exit 1; }; }
need cmake cmake
need curl curl
need jq jq
need python3 python3
need openssl openssl
[ -x /usr/bin/time ] && /usr/bin/time -f %M true >/dev/null 2>&1 || {
  echo "run.sh: needs GNU time at /usr/bin/time (apt-get install -y time)" >&2; exit 1; }
command -v gnuplot >/dev/null || echo "run.sh: gnuplot not found (apt-get install -y gnuplot-nox): no PNG plot" >&2

# ---- build ---------------------------------------------------------------------
UPLOAD=$BUILD/tools/upload/rangeup-upload
EMULATOR=$BUILD/tools/emulator/rangeup-emulator
BEAST=$BUILD/benchmarks/rangeup-beast-bench
if [ $SKIP_BUILD = 0 ]; then
  say "building Release targets in $BUILD"
  cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DRANGEUP_BUILD_TESTS=OFF -DRANGEUP_BUILD_TOOLS=ON \
    -DRANGEUP_BUILD_BENCHMARKS=ON -DRANGEUP_INSTALL=OFF >"$BUILD.configure.log" 2>&1 ||
    { cat "$BUILD.configure.log" >&2; exit 1; }
  cmake --build "$BUILD" -j2 --target rangeup-upload rangeup-emulator rangeup-bench-core rangeup-bench-codecs
  # Beast is optional: measured when it builds.
  if ! cmake --build "$BUILD" -j2 --target rangeup-beast-bench; then
    echo "run.sh: rangeup-beast-bench did not build: case e skipped" >&2
    rm -f "$BEAST"
  fi
fi
HAVE_BEAST=0
[ -x "$BEAST" ] && HAVE_BEAST=1

mkdir -p "$OUT/raw"
MODE=$([ $QUICK = 1 ] && echo quick || echo full)

# ---- machine -----------------------------------------------------------------------
{
  echo "| | |"
  echo "|---|---|"
  echo "| run | $(date -u '+%Y-%m-%d %H:%M UTC'), mode $MODE, $ROUNDS round(s) |"
  echo "| CPU | $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), nproc $(nproc) |"
  echo "| memory | $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo) |"
  echo "| kernel | $(uname -sr) |"
  cxx=$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$BUILD/CMakeCache.txt")
  echo "| compiler | $("$cxx" --version | head -n 1), Release |"
  echo "| curl | $(curl --version | head -n1 | cut -d' ' -f1-3) |"
  echo "| commit | $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" status --porcelain -- . ":!benchmarks/results" 2>/dev/null | grep -q . && echo ' + uncommitted changes') |"
  echo "| load average at start | $(cut -d' ' -f1-3 /proc/loadavg) |"
} >"$OUT/raw/machine.md"

# ---- microbenchmarks ---------------------------------------------------------------
if [ $MICRO = 1 ]; then
  say "microbenchmarks"
  for b in core codecs; do
    "$BUILD/benchmarks/rangeup-bench-$b" "${MICRO_ARGS[@]}" --benchmark_format=json \
      --benchmark_out="$OUT/raw/bench-$b.json" --benchmark_out_format=json >/dev/null
  done
fi

# ---- end-to-end setup ------------------------------------------------------------
# Needed at once: the source files, curl's range files for each of them, the
# emulator's store (emptied after each upload) and the concurrency uploads.
max_mib=${SIZES_MIB##* }
need_mib=$((2 * (64 + 256 + 1024) + max_mib + CONC_MIB * (CONC_FILES + 1) + 512))
shm_free_mib=$(df -Pm /dev/shm 2>/dev/null | awk 'NR == 2 {print $4}')
if [ -n "$shm_free_mib" ] && [ "$shm_free_mib" -gt "$need_mib" ]; then
  WORK=$(mktemp -d /dev/shm/rangeup-bench.XXXXXX)
else
  mkdir -p "$BUILD"
  WORK=$(mktemp -d "$BUILD/work.XXXXXX")
  echo "run.sh: /dev/shm lacks ${need_mib} MiB: working in $WORK (disk speed may show)" >&2
fi
HTTP_PID= TLS_PID= LOAD_PID=
cleanup() {
  local pid
  for pid in $HTTP_PID $TLS_PID $LOAD_PID; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

DATA=$WORK/data
mkdir -p "$DATA" "$WORK/parts"
# start_emulator NAME [ARGS...]: store in $WORK/store-NAME; sets STARTED_PID and STARTED_URL.
start_emulator() {
  local name=$1 u=
  shift
  mkdir -p "$WORK/store-$name"
  "$EMULATOR" --port 0 --store "$WORK/store-$name" --idle-exit 600 "$@" >"$WORK/url-$name" 2>"$WORK/emulator-$name.log" &
  STARTED_PID=$!
  for _ in $(seq 1 100); do
    u=$(head -n 1 "$WORK/url-$name" 2>/dev/null || true)
    [ -n "$u" ] && break
    sleep 0.1
  done
  [ -n "$u" ] || { echo "run.sh: the $name emulator did not start" >&2; cat "$WORK/emulator-$name.log" >&2; exit 1; }
  STARTED_URL=$u
}
start_emulator http
HTTP_PID=$STARTED_PID HTTP_URL=$STARTED_URL
# HTTPS: a self-signed certificate for 127.0.0.1, made now; every client
# trusts exactly this file.
CERT=$BUILD/bench-tls.pem
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
  -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" -keyout "$BUILD/bench-tls.key" -out "$CERT" 2>"$WORK/openssl.log" ||
  { cat "$WORK/openssl.log" >&2; exit 1; }
start_emulator tls --tls-cert "$CERT" --tls-key "$BUILD/bench-tls.key"
TLS_PID=$STARTED_PID TLS_URL=$STARTED_URL
case $TLS_URL in https://*) ;; *) echo "run.sh: the TLS emulator serves $TLS_URL" >&2; exit 1 ;; esac
export GRAPH_TOKEN=bench

# use_server http|tls: the emulator the next cases talk to, and each client's
# way to trust it (CLI_TLS for rangeup-upload, CURL_TLS per curl transfer,
# BEAST_TLS for rangeup-beast-bench).
use_server() {
  if [ "$1" = tls ]; then
    URL=$TLS_URL EMU_PID=$TLS_PID STORE=$WORK/store-tls
    CLI_TLS=(--ca-file "$CERT") CURL_TLS=(--cacert "$CERT") BEAST_TLS=(--ca-file "$CERT")
  else
    URL=$HTTP_URL EMU_PID=$HTTP_PID STORE=$WORK/store-http
    CLI_TLS=(--allow-http) CURL_TLS=() BEAST_TLS=()
  fi
  GRAPH=$URL/v1.0
  CLI=("$UPLOAD" --quiet "${CLI_TLS[@]}" --graph-base "$GRAPH" --conflict replace)
}
use_server http
CLK_TCK=$(getconf CLK_TCK)

make_file() {  # make_file MiB -> path (random bytes: nothing on the way can compress them)
  local f=$DATA/$1.bin
  [ -f "$f" ] || head -c $(($1 * MiB)) /dev/urandom >"$f"
  echo "$f"
}

emulator_cpu() {  # CPU seconds the emulator has used so far
  awk -v t="$CLK_TCK" '{printf "%.3f", ($14 + $15) / t}' "/proc/$EMU_PID/stat"
}

# measure CSV SECTION CASE SIZE CHUNK FILES ROUND -- COMMAND...
# Runs COMMAND under GNU time; appends wall, client CPU, peak RSS and the
# emulator's CPU for the run. Extra per-case columns come from $EXTRA.
EXTRA=
measure() {
  local csv=$1 section=$2 case=$3 size=$4 chunk=$5 files=$6 round=$7
  shift 8
  local e0 e1 t0 t1 status=ok
  e0=$(emulator_cpu)
  t0=$EPOCHREALTIME
  if ! /usr/bin/time -f '%U %S %M' -o "$WORK/time" "$@" >"$WORK/out" 2>"$WORK/err"; then
    status=fail
    echo "   FAILED: $section/$case size=$size chunk=$chunk: $(tail -n 3 "$WORK/err" | tr '\n' ' ')" >&2
  fi
  t1=$EPOCHREALTIME
  e1=$(emulator_cpu)
  read -r user sys rss < <(tail -n 1 "$WORK/time") || true
  [ -z "${rss:-}" ] && { user=0 sys=0 rss=0; }
  if [ $status = ok ] && [ -n "${VERIFY:-}" ]; then $VERIFY || status=fail; fi
  printf '%s,%s,%s,%s,%s,%s,%.6f,%s,%s,%s,%.3f,%s,%s\n' "$section" "$case" "$size" "$chunk" "$files" "$round" \
    "$(echo "$t1 - $t0" | bc -l)" "$user" "$sys" "$rss" "$(echo "$e1 - $e0" | bc -l)" "$status" "$EXTRA" >>"$csv"
  # Keep /dev/shm small: completed uploads are not needed after the run.
  [ -d "$STORE/files" ] && find "$STORE/files" -type f -delete
  EXTRA=
}
HEADER='section,case,size,chunk,files,round,wall_s,user_s,sys_s,rss_kib,emulator_cpu_s,status,extra'

# curl baseline: the file cut into the planner's ranges (curl -T sends whole
# files only), then one curl process PUTs them in order with --next, which
# keeps the connection alive between transfers. Content-Range as the core
# writes it; "Expect:" off like rangeup's transport. Timed: the PUTs only (the
# createUploadSession POST and the cutting are not timed; both favour curl).
split_parts() {  # split_parts FILE CHUNK -> directory of parts (kept until the caller clears $WORK/parts)
  local dir=$WORK/parts/$(basename "$1")-$2
  if [ ! -d "$dir" ]; then
    mkdir -p "$dir"
    split -b "$2" -d -a 5 "$1" "$dir/part."
  fi
  echo "$dir"
}
create_session() {  # create_session drive NAME | message SIZE NAME -> uploadUrl
  local url body
  if [ "$1" = drive ]; then
    url="$GRAPH/me/drive/root:/bench/$2:/createUploadSession"
    body='{"item":{"@microsoft.graph.conflictBehavior":"replace"}}'
  else
    url="$GRAPH/me/messages/AAMkADI5MAAIT3drCAAA=/attachments/createUploadSession"
    body="{\"AttachmentItem\":{\"attachmentType\":\"file\",\"name\":\"$3\",\"size\":$2}}"
  fi
  curl -sS "${CURL_TLS[@]}" -X POST -H "Authorization: Bearer $GRAPH_TOKEN" -H 'Content-Type: application/json' -d "$body" "$url" |
    jq -r .uploadUrl
}
CURL_ARGS=()
curl_args() {  # curl_args UPLOAD_URL SIZE PARTS_DIR -> CURL_ARGS
  local upload_url=$1 size=$2 dir=$3 first=0 len part
  CURL_ARGS=()
  for part in "$dir"/part.*; do
    len=$(stat -c %s "$part")
    [ $first -gt 0 ] && CURL_ARGS+=(--next)
    CURL_ARGS+=("${CURL_TLS[@]}" -sS -o /dev/null -w '%{http_code} %{num_connects} %{time_total}\n' -X PUT -H 'Expect:'
      -H 'Content-Type: application/octet-stream' -H "Content-Range: bytes $first-$((first + len - 1))/$size"
      -T "$part" "$upload_url")
    first=$((first + len))
  done
}
# After a curl run: every answer a 2xx, the last one final, one connection.
verify_curl() {
  local codes last conns
  codes=$(awk '{print $1}' "$WORK/out" | sort -u | tr '\n' ' ')
  last=$(tail -n 1 "$WORK/out" | awk '{print $1}')
  conns=$(awk '{s += $2} END {print s}' "$WORK/out")
  EXTRA="connections=$conns;final_s=$(tail -n 1 "$WORK/out" | awk '{print $3}')"
  if [ "$conns" != 1 ] || { [ "$last" != 200 ] && [ "$last" != 201 ]; } || echo "$codes" | grep -qv '^\(20[0-2] \)*$'; then
    echo "   curl run not clean: codes [$codes] last $last connections $conns" >&2
    return 1
  fi
}
run_curl() {  # run_curl CSV SECTION CASE SIZE CHUNK ROUND FILE drive|message
  local csv=$1 section=$2 case=$3 size=$4 chunk=$5 round=$6 file=$7 kind=$8 dir upload_url
  dir=$(split_parts "$file" "$chunk")
  if [ "$kind" = drive ]; then upload_url=$(create_session drive "curl-$size.bin"); else upload_url=$(create_session message "$size" "curl-$size.bin"); fi
  curl_args "$upload_url" "$size" "$dir"
  VERIFY=verify_curl measure "$csv" "$section" "$case" "$size" "$chunk" 1 "$round" -- curl "${CURL_ARGS[@]}"
}

rotate() {  # rotate N WORDS... -> the words rotated left by N
  local n=$1
  shift
  local a=("$@") i
  for ((i = 0; i < ${#a[@]}; i++)); do printf '%s ' "${a[(i + n) % ${#a[@]}]}"; done
}

# The 1-minute load average every 10 s while measuring (other work on the
# machine shows here): min / median / max go into machine.md.
LOADS=$OUT/raw/loadavg.txt
: >"$LOADS"
(while :; do cut -d' ' -f1 /proc/loadavg >>"$LOADS"; sleep 10; done) &
LOAD_PID=$!

# ---- e2e: throughput ------------------------------------------------------------------
MEASURE_START=$SECONDS
E2E=$OUT/raw/e2e.csv
echo "$HEADER" >"$E2E"
say "end-to-end: sizes $SIZES_MIB MiB, $ROUNDS round(s), emulators $HTTP_URL and $TLS_URL, work dir $WORK"
for size_mib in $SIZES_MIB; do make_file "$size_mib" >/dev/null; done
for round in $(seq 1 "$ROUNDS"); do
  for size_mib in $SIZES_MIB; do
    file=$(make_file "$size_mib")
    size=$((size_mib * MiB))
    cases="a c d"
    [ "$size" -le $((150 * MiB)) ] && cases="$cases b c4"
    [ $HAVE_BEAST = 1 ] && cases="$cases e_sync e_async"
    # HTTPS: the three transports, their curl baseline and the sink.
    cases="$cases tls:a tls:c tls:d"
    [ $HAVE_BEAST = 1 ] && cases="$cases tls:e_sync tls:e_async"
    for item in $(rotate "$round" $cases); do
      c=${item#tls:}
      if [ "$c" = "$item" ]; then use_server http; sec=e2e; else use_server tls; sec=e2e_tls; fi
      echo "   round $round, $size_mib MiB, case $item"
      case $c in
        a) measure "$E2E" $sec a "$size" $CHUNK_A 1 "$round" -- "${CLI[@]}" --chunk-size $CHUNK_A "$file" drive-path:bench/a.bin ;;
        b) measure "$E2E" $sec b "$size" $CHUNK_B 1 "$round" -- "${CLI[@]:0:$((${#CLI[@]} - 2))}" --chunk-size $CHUNK_B "$file" message:AAMkADI5MAAIT3drCAAA= ;;
        c) run_curl "$E2E" $sec c "$size" $CHUNK_A "$round" "$file" drive ;;
        c4) run_curl "$E2E" $sec c4 "$size" $CHUNK_B "$round" "$file" message ;;
        d) measure "$E2E" $sec d "$size" "$size" 1 "$round" -- curl "${CURL_TLS[@]}" -fsS -o /dev/null -X PUT -H 'Expect:' \
             -H 'Content-Type: application/octet-stream' -T "$file" "$URL/_emulator/sink" ;;
        e_sync) measure "$E2E" $sec e_sync "$size" $CHUNK_A 1 "$round" -- "$BEAST" "${BEAST_TLS[@]}" sync "$GRAPH" $CHUNK_A 1 "$file" ;;
        e_async) measure "$E2E" $sec e_async "$size" $CHUNK_A 1 "$round" -- "$BEAST" "${BEAST_TLS[@]}" async "$GRAPH" $CHUNK_A 1 "$file" ;;
      esac
    done
  done
done
use_server http
rm -rf "$WORK/parts"/*

# ---- memory target: the largest file in the largest fragments -----------------------
say "memory: $RSS_MIB MiB in $CHUNK_MAX-byte fragments"
file=$(make_file $RSS_MIB)
for round in $(seq 1 "$ROUNDS"); do
  for scheme in $(rotate "$round" http tls); do
    use_server $scheme
    measure "$E2E" "$([ $scheme = tls ] && echo rss_tls || echo rss)" a_max "$((RSS_MIB * MiB))" $CHUNK_MAX 1 "$round" -- \
      "${CLI[@]}" --chunk-size $CHUNK_MAX "$file" drive-path:bench/max.bin
  done
done
use_server http

# ---- concurrency ----------------------------------------------------------------------
CONC=$OUT/raw/concurrency.csv
echo "$HEADER" >"$CONC"
say "concurrency: $CONC_FILES files of $CONC_MIB MiB"
cfile=$(make_file "$CONC_MIB")
pairs=() files=()
for i in $(seq 1 "$CONC_FILES"); do
  pairs+=("$cfile" "drive-path:bench/conc-$i.bin")
  files+=("$cfile")
done
cases="cli_seq cli_par"
[ $HAVE_BEAST = 1 ] && cases="$cases beast_seq beast_par"
total=$((CONC_MIB * MiB * CONC_FILES))
for round in $(seq 1 "$ROUNDS"); do
  for c in $(rotate "$round" $cases); do
    echo "   round $round, $c"
    case $c in
      cli_seq) measure "$CONC" conc cli_seq $total $CHUNK_A "$CONC_FILES" "$round" -- "${CLI[@]}" --chunk-size $CHUNK_A --parallel 1 "${pairs[@]}" ;;
      cli_par) measure "$CONC" conc cli_par $total $CHUNK_A "$CONC_FILES" "$round" -- "${CLI[@]}" --chunk-size $CHUNK_A --parallel "$CONC_FILES" "${pairs[@]}" ;;
      beast_seq) measure "$CONC" conc beast_seq $total $CHUNK_A "$CONC_FILES" "$round" -- "$BEAST" async "$GRAPH" $CHUNK_A 1 "${files[@]}" ;;
      beast_par) measure "$CONC" conc beast_par $total $CHUNK_A "$CONC_FILES" "$round" -- "$BEAST" async "$GRAPH" $CHUNK_A "$CONC_FILES" "${files[@]}" ;;
    esac
  done
done

# ---- scaling: chunk size ----------------------------------------------------------------
SWEEP=$OUT/raw/chunks.csv
echo "$HEADER" >"$SWEEP"
say "chunk sizes on a $SWEEP_MIB MiB file"
sfile=$(make_file "$SWEEP_MIB")
ssize=$((SWEEP_MIB * MiB))
for chunk in $SWEEP_CHUNKS; do
  for round in $(seq 1 "$ROUNDS"); do
    for c in $(rotate "$round" a c); do
      case $c in
        a) measure "$SWEEP" chunks a "$ssize" "$chunk" 1 "$round" -- "${CLI[@]}" --chunk-size "$chunk" "$sfile" drive-path:bench/sweep.bin ;;
        c) run_curl "$SWEEP" chunks c "$ssize" "$chunk" "$round" "$sfile" drive ;;
      esac
    done
  done
  rm -rf "$WORK/parts"/*
done

violations=$(curl -sS "$HTTP_URL/_emulator/report" | jq -c '.counters.violations')
tls_violations=$(curl -sS --cacert "$CERT" "$TLS_URL/_emulator/report" | jq -c '.counters.violations')
echo "| emulator violations during the run | http $violations, https $tls_violations |" >>"$OUT/raw/machine.md"
echo "| load average at end | $(cut -d' ' -f1-3 /proc/loadavg) |" >>"$OUT/raw/machine.md"
kill "$LOAD_PID" 2>/dev/null || true
wait "$LOAD_PID" 2>/dev/null || true
LOAD_PID=
echo "| 1-min load average while measuring (every 10 s) | $(sort -g "$LOADS" | awk '{v[NR] = $1} END {
  if (NR) printf "min %s, median %s, max %s (%d samples)", v[1], v[int((NR + 1) / 2)], v[NR], NR}') |" >>"$OUT/raw/machine.md"
echo "| measuring time (e2e to end) | $((SECONDS - MEASURE_START)) s |" >>"$OUT/raw/machine.md"

# ---- reports -------------------------------------------------------------------------------
say "reports"
python3 "$ROOT/benchmarks/e2e/report.py" "$OUT"
if command -v gnuplot >/dev/null; then
  gnuplot -e "results='$OUT'" "$ROOT/benchmarks/e2e/scaling.gp"
fi
say "results in $OUT (${SECONDS} s)"
