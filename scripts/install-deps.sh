#!/usr/bin/env bash
# Installs the Debian 12 packages rangeup needs that are not installed yet.
# Runs apt-get only when something is missing; uses sudo when not root.
set -euo pipefail

packages=(
  cmake g++ clang make pkgconf
  lld                  # the native presets link with lld (-fuse-ld=lld: 3x faster than ld.bfd on the sanitized Beast programs)
  doctest-dev libcurl4-openssl-dev libboost1.81-dev nlohmann-json3-dev libssl-dev libbenchmark-dev
  libclang-rt-14-dev   # libFuzzer + sanitizer runtimes for clang
  curl openssl         # tests: baseline client, self-signed certificates
  valgrind             # tests/valgrind: the CLI cases under memcheck
  python3              # scripts/amalgamate.py, README/example checks
  time jq gnuplot-nox  # benchmarks/e2e/run.sh (peak RSS, JSON, plots)
  ccache               # compiler cache, used when present (cmake/toolchains/RangeupCcache.cmake)
)
# Portability presets (issue 19), part of the README test command: windows-mingw
# (MinGW-w64, tests under Wine), i386 (-m32; the versioned g++-12-multilib because
# the unversioned gcc-multilib conflicts with Debian's cross compilers), s390x
# (big-endian, tests under qemu-user; i386 tests use qemu-i386 where the kernel
# cannot run them). Left out only when RANGEUP_PRESETS is set and names none of them.
case " ${RANGEUP_PRESETS-windows-mingw} " in
  *" windows-mingw"*|*" i386"*|*" s390x"*)
    packages+=(g++-mingw-w64-x86-64-posix wine64 g++-12-multilib g++-s390x-linux-gnu qemu-user) ;;
esac

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
