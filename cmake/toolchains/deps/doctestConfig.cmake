# doctest for cross builds (cmake/toolchains/*.cmake): Debian's doctest-dev is
# header-only, but its own config points at /usr/include, where the host's C
# library headers would shadow the target's. This config exposes only the
# doctest/ directory, through a symlink in the build tree.
include(${CMAKE_CURRENT_LIST_DIR}/RangeupCrossHeaders.cmake)
rangeup_cross_headers(doctest doctest/doctest.h _rangeup_doctest_inc)
if(NOT TARGET doctest::doctest)
  add_library(doctest::doctest INTERFACE IMPORTED)
  set_target_properties(doctest::doctest PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${_rangeup_doctest_inc}")
endif()
set(doctest_FOUND TRUE)
