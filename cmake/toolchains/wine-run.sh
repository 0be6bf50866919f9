#!/bin/sh
# CMAKE_CROSSCOMPILING_EMULATOR of cmake/toolchains/mingw-w64-x86_64.cmake:
#   wine-run.sh <wineprefix> <program.exe> [args...]   run a Windows console program
#   wine-run.sh <wineprefix> --init                    only make the prefix
# Runs under Debian's wine64 with Wine's own messages off and a Wine prefix of
# its own (in the build tree, never ~/.wine). Making the prefix takes half a
# minute, so the toolchain file does it at configure time; should it be missing,
# concurrent runs (ctest -j) wait for one of them to make it, under a lock.
# The wineserver stays up for 30 s after the last program exits, so
# consecutive tests do not each pay its start (~5 s).
set -eu
prefix=$1
shift
wine=${RANGEUP_WINE:-/usr/lib/wine/wine64}
[ -x "$wine" ] || wine=$(command -v wine64 || command -v wine)
wineserver=$(dirname "$wine")/wineserver
[ -x "$wineserver" ] || wineserver=$(command -v wineserver)
export WINEPREFIX="$prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d" DISPLAY=
if [ ! -f "$prefix/.rangeup-ready" ]; then
  mkdir -p "$(dirname "$prefix")"
  (
    flock 9
    if [ ! -f "$prefix/.rangeup-ready" ]; then
      "$wine" wineboot --init </dev/null >/dev/null 2>&1 9>&- || true
      "$wineserver" -w 2>/dev/null || true
      touch "$prefix/.rangeup-ready"
    fi
  ) 9>"$prefix.lock"
fi
[ "${1:-}" = "--init" ] && exit 0
# One wineserver for the prefix, started under the lock: two programs that
# start it at the same moment can leave one of them hanging. `wineserver -p30`
# exits 0 once a new server is ready, non-zero when one is running already.
# A new server's first program starts Wine's background processes (services,
# explorer, ...), which live as long as the server and would keep that
# program's output pipe open, so ctest would wait for them: wineboot starts
# them instead, detached from any test's output. (9>&-: nothing started here
# may inherit, and so hold, the lock.)
(
  flock 9
  if "$wineserver" -p30 </dev/null >/dev/null 2>&1 9>&-; then
    "$wine" wineboot </dev/null >/dev/null 2>&1 9>&- || true
  fi
) 9>"$prefix.lock"
exec "$wine" "$@"
