#!/usr/bin/env bash
# The adapters on top of the single header, with nothing but single_include/ on
# the include path: g++ compiles each adapter's edition alone (it must be
# self-contained), clang++ compiles all of them in one program's main TU, and
# the objects are linked together. -Wall -Wextra -Wpedantic -Werror throughout.
# The Beast edition is compiled once, by clang++ and first in that TU (which
# shows it self-contained; g++ compiles its sources in the main build): alone
# it cost g++ ~10 CPU-s. Its definitions then meet no second object at the
# link, so the TU's object is also checked for definitions that are not
# inline (a strong rangeup:: symbol would be defined twice in a program).
#   run.sh <source-dir> <work-dir> <adapter>...   (io curl beast nlohmann_json boost_json)
set -euo pipefail
src=$1
work=$2
shift 2
rm -rf "$work" && mkdir -p "$work"
flags=(-std=c++17 -O0 -Wall -Wextra -Wpedantic -Werror -I "$src/single_include")
failures=0
objects=()
defines=()

for adapter in "$@"; do
  header="rangeup/rangeup_$adapter.hpp"
  [ -f "$src/single_include/$header" ] || { echo "FAIL missing $header"; failures=$((failures + 1)); continue; }
  defines+=("-DRANGEUP_TEST_$(echo "$adapter" | tr a-z A-Z)")
  [ "$adapter" = beast ] && continue
  printf '#include <%s>\n' "$header" >"$work/$adapter.cpp"
  if g++ "${flags[@]}" -c "$work/$adapter.cpp" -o "$work/$adapter.o" 2>"$work/$adapter.log"; then
    echo "ok   g++ $header alone"
    objects+=("$work/$adapter.o")
  else
    echo "FAIL g++ $header alone"; cat "$work/$adapter.log"; failures=$((failures + 1))
  fi
done

here=$(dirname "$0")
if clang++ "${flags[@]}" "${defines[@]}" -c "$here/all_adapters.cpp" -o "$work/all.o" 2>"$work/all.log"; then
  echo "ok   clang++ all adapters in one TU"
  strong=$(nm -C --defined-only "$work/all.o" | awk '$2 ~ /^[TDBR]$/' | grep ' rangeup::' || true)
  if [ -n "$strong" ]; then
    echo "FAIL definitions that are not inline (defined twice when two TUs include the header):"
    echo "$strong"; failures=$((failures + 1))
  else
    echo "ok   no strong rangeup:: definitions in the all-adapters object"
  fi
  if g++ "$work/all.o" "${objects[@]}" -o "$work/all" -lcurl -lssl -lcrypto -pthread 2>"$work/link.log" \
     && "$work/all"; then
    echo "ok   linked one object per adapter with the all-adapters TU"
  else
    echo "FAIL link/run"; cat "$work/link.log"; failures=$((failures + 1))
  fi
else
  echo "FAIL clang++ all adapters in one TU"; cat "$work/all.log"; failures=$((failures + 1))
fi

echo "single-header adapters: $# adapters, $failures failures"
[ "$failures" -eq 0 ]
