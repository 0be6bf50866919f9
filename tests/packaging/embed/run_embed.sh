#!/usr/bin/env bash
# Embeddability of single_include/rangeup/rangeup.hpp under users' flags:
# gcc and clang, C++17 and C++20, NDEBUG or not — every pair of those choices
# once (four builds instead of all eight), always with -fno-exceptions
# -fno-rtti and the strictest warnings, two TUs per program; plus one build
# per compiler with exceptions/RTTI on. Then: no macro other than RANGEUP_*
# leaks, no <iostream>, no namespace-scope mutable state.
#   run_embed.sh <source-dir> <work-dir>
set -euo pipefail
src=$1
work=$2
here="$src/tests/packaging/embed"
header="$src/single_include/rangeup/rangeup.hpp"
rm -rf "$work" && mkdir -p "$work"

warnings="-Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Werror"
units="$here/main_tu.cpp $here/core_upload.cpp"
failures=0
builds=0

build_and_run() {  # name, compiler, flags...
  local name=$1 cxx=$2
  shift 2
  builds=$((builds + 1))
  if ! "$cxx" "$@" $warnings -I "$src/single_include" $units -o "$work/$name" 2>"$work/$name.log"; then
    echo "FAIL compile: $name ($cxx $*)"; cat "$work/$name.log"; failures=$((failures + 1)); return
  fi
  if ! "$work/$name" >"$work/$name.out" 2>&1; then
    echo "FAIL run: $name"; cat "$work/$name.out"; failures=$((failures + 1)); return
  fi
  echo "ok   $name"
}

for combination in "g++ c++17 assert" "g++ c++20 ndebug" "clang++ c++17 ndebug" "clang++ c++20 assert"; do
  read -r cxx std nd <<<"$combination"
  command -v "$cxx" >/dev/null || { echo "FAIL: $cxx not installed"; failures=$((failures + 1)); continue; }
  flags=(-std=$std -O1 -fno-exceptions -fno-rtti)
  [ "$nd" = ndebug ] && flags+=(-DNDEBUG)
  build_and_run "$cxx-$std-$nd" "$cxx" "${flags[@]}"
done
for cxx in g++ clang++; do
  command -v "$cxx" >/dev/null && build_and_run "$cxx-c++17-exceptions-rtti" "$cxx" -std=c++17 -O2
done

# Macro hygiene: every macro the header adds beyond those of the system headers
# it includes must be RANGEUP_*.
grep -E '^\s*#\s*include\s*<' "$header" | sort -u >"$work/system_includes.hpp"
g++ -std=c++17 -dM -E -x c++ "$work/system_includes.hpp" | awk '{print $2}' | sed 's/(.*//' | sort -u >"$work/macros.base"
g++ -std=c++17 -dM -E -x c++ -include "$work/system_includes.hpp" "$header" | awk '{print $2}' | sed 's/(.*//' | sort -u >"$work/macros.all"
leaked=$(comm -13 "$work/macros.base" "$work/macros.all" | grep -v '^RANGEUP_' || true)
if [ -n "$leaked" ]; then
  echo "FAIL macros leaked by the single header:"; echo "$leaked"; failures=$((failures + 1))
else
  echo "ok   no macros other than RANGEUP_*"
fi

if grep -qE '#\s*include\s*<iostream>' "$header"; then
  echo "FAIL the single header includes <iostream>"; failures=$((failures + 1))
else
  echo "ok   no <iostream>"
fi

# Global state: namespace-scope objects (inline variables included) and
# statics of inline functions show up as B/D/u symbols; those in read-only
# sections (.rodata, .data.rel.ro: constant tables) are not state. The one
# allowed is the error category singleton, a function-local static
# ("rangeup::category()::instance" and its guard). Checked on the TU that
# uses most of the header (a whole upload).
g++ -std=c++17 -O0 -c -I "$src/single_include" "$here/core_upload.cpp" -o "$work/second.o"
state=$(nm -C --format=sysv "$work/second.o" |
  awk -F'|' '{ c = $3; s = $7; gsub(/ /, "", c); gsub(/ /, "", s) }
             c ~ /^[BbDdu]$/ && s !~ /^\.(rodata|data\.rel\.ro)/ { print $1 " " c " " s }' |
  grep 'rangeup::' | grep -v 'rangeup::category()::instance' || true)
if [ -n "$state" ]; then
  echo "FAIL namespace-scope state in rangeup:"; echo "$state"; failures=$((failures + 1))
else
  echo "ok   no namespace-scope mutable state"
fi

echo "embed: $builds builds, $failures failures"
[ "$failures" -eq 0 ]
