# 32-bit x86 Linux (i386 ABI, 32-bit size_t) with the host's g++ and -m32
# (Debian: g++-12-multilib). The programs run natively on an x86-64 kernel that
# has IA-32 emulation, else under qemu-user (qemu-i386): some virtual machines'
# kernels are built without it.
# _FILE_OFFSET_BITS=64 gives a 64-bit off_t, which rangeup::io requires.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR i686)
set(CMAKE_C_COMPILER gcc)
set(CMAKE_CXX_COMPILER g++)
# Debian's unversioned gcc-multilib (which provides the /usr/include/asm link)
# conflicts with the cross compilers the other presets need, so the versioned
# g++-12-multilib is installed instead and the link is made here, in the build
# tree: linux-libc-dev's x86 <asm/...> headers serve both -m32 and -m64.
set(_rangeup_i386_flags "-m32 -D_FILE_OFFSET_BITS=64")
if(NOT EXISTS /usr/include/asm AND EXISTS /usr/include/x86_64-linux-gnu/asm)
  set(_rangeup_asm "${CMAKE_BINARY_DIR}/rangeup-i386-include")
  if(NOT EXISTS "${_rangeup_asm}/asm")
    file(MAKE_DIRECTORY "${_rangeup_asm}")
    file(CREATE_LINK /usr/include/x86_64-linux-gnu/asm "${_rangeup_asm}/asm" SYMBOLIC)
  endif()
  string(APPEND _rangeup_i386_flags " -idirafter ${_rangeup_asm}")
endif()
set(CMAKE_C_FLAGS_INIT "${_rangeup_i386_flags}")
set(CMAKE_CXX_FLAGS_INIT "${_rangeup_i386_flags}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-m32")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-m32")
set(CMAKE_MODULE_LINKER_FLAGS_INIT "-m32")
include(${CMAKE_CURRENT_LIST_DIR}/RangeupCcache.cmake)

# Can this kernel run i386 programs? The 32-bit dynamic loader is one.
execute_process(COMMAND /lib/ld-linux.so.2 --version RESULT_VARIABLE _rangeup_i386_native
                OUTPUT_QUIET ERROR_QUIET)
if(NOT _rangeup_i386_native EQUAL 0)
  find_program(RANGEUP_QEMU_I386 qemu-i386)
  if(RANGEUP_QEMU_I386)
    set(CMAKE_CROSSCOMPILING_EMULATOR "${RANGEUP_QEMU_I386}")
  endif()
endif()
