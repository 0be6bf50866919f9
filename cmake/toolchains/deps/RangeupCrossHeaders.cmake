# rangeup_cross_headers(<dir> <probe> <out-var>): finds <probe> (e.g.
# doctest/doctest.h) in the host's include directories and makes a directory in
# the build tree holding only a symlink to <dir>, so that a cross compiler sees
# that library's headers and none of the host's C/C++ library headers.
function(rangeup_cross_headers dir probe out)
  foreach(root /usr/include /usr/local/include)
    if(EXISTS "${root}/${probe}")
      set(shim "${CMAKE_BINARY_DIR}/rangeup-cross-include/${dir}")
      file(MAKE_DIRECTORY "${shim}")
      if(NOT EXISTS "${shim}/${dir}")
        file(CREATE_LINK "${root}/${dir}" "${shim}/${dir}" SYMBOLIC)
      endif()
      set(${out} "${shim}" PARENT_SCOPE)
      return()
    endif()
  endforeach()
  message(FATAL_ERROR "rangeup: ${probe} not found in /usr/include or /usr/local/include")
endfunction()
