# Windows x64 with MinGW-w64 (Debian: g++-mingw-w64-x86-64-posix), tests run
# under Wine (Debian: wine64) through CMAKE_CROSSCOMPILING_EMULATOR.
#   cmake --preset windows-mingw   (or -DCMAKE_TOOLCHAIN_FILE=<this file>)
# The programs link statically (no libstdc++/winpthread DLLs to find at run
# time, and the tests' replacement operator new sees every allocation).
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(_rangeup_triple x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${_rangeup_triple}-gcc-posix)
set(CMAKE_CXX_COMPILER ${_rangeup_triple}-g++-posix)
set(CMAKE_RC_COMPILER ${_rangeup_triple}-windres)
set(CMAKE_FIND_ROOT_PATH /usr/${_rangeup_triple})
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
include(${CMAKE_CURRENT_LIST_DIR}/RangeupCross.cmake)
# A Wine prefix of the build tree's own. Made here, at configure time, when
# tests are built (about 30 s, once per build tree): made by the first test
# instead, it would count against that test's timeout.
set(RANGEUP_WINEPREFIX "${CMAKE_BINARY_DIR}/wineprefix")
set(CMAKE_CROSSCOMPILING_EMULATOR "sh;${CMAKE_CURRENT_LIST_DIR}/wine-run.sh;${RANGEUP_WINEPREFIX}")
if(NOT CMAKE_IN_TRY_COMPILE AND NOT RANGEUP_BUILD_TESTS STREQUAL "OFF" AND NOT EXISTS "${RANGEUP_WINEPREFIX}/.rangeup-ready")
  message(STATUS "rangeup: making the Wine prefix ${RANGEUP_WINEPREFIX}")
  execute_process(COMMAND sh "${CMAKE_CURRENT_LIST_DIR}/wine-run.sh" "${RANGEUP_WINEPREFIX}" --init
                  RESULT_VARIABLE _rangeup_wine_init)
  if(NOT _rangeup_wine_init EQUAL 0)
    message(WARNING "rangeup: could not make the Wine prefix (is wine64 installed?); tests will try again")
  endif()
endif()
