#!/usr/bin/env bash
# The README demo: start rangeup-emulator, make a ~64 MiB file, upload it as an
# Outlook message attachment with rangeup-upload (progress bar on stderr),
# print the attachment id and whether the emulator stored the same sha256.
# Builds only the two programs it needs. Exits non-zero on any mismatch.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${RANGEUP_DEMO_BUILD:-$ROOT/build/demo}

if [ -f scripts/install-deps.sh ]; then bash scripts/install-deps.sh; fi
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DRANGEUP_BUILD_TESTS=OFF -DRANGEUP_BUILD_BENCHMARKS=OFF
fi
cmake --build "$BUILD" --target rangeup-upload rangeup-emulator -j "$(nproc 2>/dev/null || echo 2)"
UPLOAD=$(find "$BUILD" -type f -name rangeup-upload -perm -u+x | head -n 1)
EMULATOR=$(find "$BUILD" -type f -name rangeup-emulator -perm -u+x | head -n 1)
[ -x "$UPLOAD" ] && [ -x "$EMULATOR" ] || { echo "demo: build did not produce the programs" >&2; exit 1; }

WORK=$(mktemp -d /tmp/rangeup-demo-XXXXXX)
EMU_PID=
cleanup() {
  [ -n "$EMU_PID" ] && kill "$EMU_PID" 2>/dev/null && wait "$EMU_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

"$EMULATOR" --host 127.0.0.1 --port 0 --idle-exit 120 >"$WORK/emulator.url" 2>"$WORK/emulator.log" &
EMU_PID=$!
URL=
for _ in $(seq 1 100); do
  URL=$(head -n 1 "$WORK/emulator.url" 2>/dev/null || true)
  [ -n "$URL" ] && break
  sleep 0.1
done
[ -n "$URL" ] || { echo "demo: the emulator did not start" >&2; cat "$WORK/emulator.log" >&2; exit 1; }
echo "emulator: $URL"

FILE=$WORK/quarterly-report.bin
head -c $((64 * 1024 * 1024)) /dev/urandom >"$FILE"
LOCAL_SHA=$(sha256sum "$FILE" | cut -d' ' -f1)
echo "file: $FILE (64 MiB, sha256 $LOCAL_SHA)"

# The progress bar shows when stderr is a terminal; plain progress lines otherwise.
# --limit-rate keeps loopback slow enough (~3 s) for the progress to be seen.
RESULT=$(GRAPH_TOKEN=local-emulator-token "$UPLOAD" --allow-http --graph-base "$URL/v1.0" --json --limit-rate 24M \
  "$FILE" "message:AAMkADI5MAAIT3drCAAA=")
ID=$(printf '%s' "$RESULT" | grep -o '"id":"[^"]*"' | cut -d'"' -f4)
echo "attachment id: $ID"

REPORT=$(curl -s -m 10 "$URL/_emulator/report" 2>/dev/null || true)
if [ -z "$REPORT" ]; then
  echo "demo: could not read the emulator report (is the curl tool installed?)" >&2
  exit 1
fi
STORED_SHA=$(printf '%s' "$REPORT" | grep -o "{[^{}]*\"id\":\"$ID\"[^{}]*}" | grep -o '"sha256":"[0-9a-f]*"' |
  tail -n 1 | cut -d'"' -f4)
echo "emulator sha256: $STORED_SHA"
if [ -n "$ID" ] && [ "$STORED_SHA" = "$LOCAL_SHA" ]; then
  echo "sha256 match: yes"
else
  echo "sha256 match: NO" >&2
  exit 1
fi
