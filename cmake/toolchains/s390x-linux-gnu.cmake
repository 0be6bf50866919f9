# Big-endian 64-bit Linux (IBM Z) with Debian's cross compiler
# (g++-s390x-linux-gnu); tests run under qemu-user (qemu-s390x) against the
# cross C library in /usr/s390x-linux-gnu.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR s390x)
set(_rangeup_triple s390x-linux-gnu)
set(CMAKE_C_COMPILER ${_rangeup_triple}-gcc)
set(CMAKE_CXX_COMPILER ${_rangeup_triple}-g++)
set(CMAKE_FIND_ROOT_PATH /usr/${_rangeup_triple})
include(${CMAKE_CURRENT_LIST_DIR}/RangeupCross.cmake)
set(CMAKE_CROSSCOMPILING_EMULATOR "qemu-s390x;-L;/usr/${_rangeup_triple}")
