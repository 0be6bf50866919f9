# ccache as the compiler launcher when it is installed, unless the user chose a
# launcher (-DCMAKE_CXX_COMPILER_LAUNCHER=... or the environment variable).
# RANGEUP_CCACHE=OFF turns it off.
if(NOT DEFINED CMAKE_CXX_COMPILER_LAUNCHER AND NOT DEFINED ENV{CMAKE_CXX_COMPILER_LAUNCHER}
   AND NOT "$ENV{RANGEUP_CCACHE}" STREQUAL "OFF")
  find_program(RANGEUP_CCACHE_PROGRAM ccache NO_CMAKE_FIND_ROOT_PATH)
  if(RANGEUP_CCACHE_PROGRAM)
    set(CMAKE_CXX_COMPILER_LAUNCHER "${RANGEUP_CCACHE_PROGRAM}")
  endif()
endif()
