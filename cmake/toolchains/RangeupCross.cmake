# Shared by the cross toolchain files: header-only test dependencies from the
# host (see deps/), and ccache when it is installed.
set(doctest_DIR "${CMAKE_CURRENT_LIST_DIR}/deps" CACHE PATH "doctest for cross builds")
set(nlohmann_json_DIR "${CMAKE_CURRENT_LIST_DIR}/deps" CACHE PATH "nlohmann/json for cross builds")
# The host's /usr (and its CMake packages) is not the target's.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# The rerooting would otherwise hide deps/ too.
list(APPEND CMAKE_FIND_ROOT_PATH "${CMAKE_CURRENT_LIST_DIR}/deps")
include(${CMAKE_CURRENT_LIST_DIR}/RangeupCcache.cmake)
