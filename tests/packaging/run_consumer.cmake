# Builds and runs tests/packaging/consumer in a scratch directory.
# -DMODE=find_package|add_subdirectory|fetchcontent -DSOURCE_DIR=… -DWORK_DIR=… -DCXX=…
foreach(var MODE SOURCE_DIR WORK_DIR CXX)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "${var} not set")
  endif()
endforeach()

function(run)
  execute_process(COMMAND ${ARGV} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "command failed (${rc}): ${ARGV}\n${out}\n${err}")
  endif()
  message("${out}")
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
set(extra "")
if(MODE STREQUAL "find_package")
  # Install only the library (no tests/tools/adapters), then consume the prefix.
  run(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/rangeup-build -DCMAKE_CXX_COMPILER=${CXX}
      -DRANGEUP_BUILD_TESTS=OFF -DRANGEUP_BUILD_TOOLS=OFF -DRANGEUP_BUILD_BENCHMARKS=OFF
      -DRANGEUP_WITH_CURL=OFF -DRANGEUP_WITH_BEAST=OFF -DRANGEUP_INSTALL=ON)
  run(${CMAKE_COMMAND} --install ${WORK_DIR}/rangeup-build --prefix ${WORK_DIR}/prefix)
  foreach(f include/rangeup/rangeup.hpp share/cmake/rangeup/rangeup-config.cmake
            share/cmake/rangeup/rangeup-config-version.cmake share/pkgconfig/rangeup.pc)
    if(NOT EXISTS ${WORK_DIR}/prefix/${f})
      message(FATAL_ERROR "install is missing ${f}")
    endif()
  endforeach()
  # The pkg-config file must point at the installed headers wherever the prefix is.
  find_program(PKG_CONFIG NAMES pkg-config pkgconf)
  if(PKG_CONFIG)
    set(ENV{PKG_CONFIG_PATH} ${WORK_DIR}/prefix/share/pkgconfig)
    execute_process(COMMAND ${PKG_CONFIG} --cflags rangeup OUTPUT_VARIABLE cflags RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0 OR NOT EXISTS "${WORK_DIR}/prefix/include/rangeup/rangeup.hpp")
      message(FATAL_ERROR "pkg-config --cflags rangeup failed: ${cflags}")
    endif()
    string(REGEX MATCH "-I([^ \n]+)" _ "${cflags}")
    if(NOT EXISTS "${CMAKE_MATCH_1}/rangeup/rangeup.hpp")
      message(FATAL_ERROR "rangeup.pc points at the wrong include dir: ${cflags}")
    endif()
  endif()
  set(extra -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix)
endif()

run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/packaging/consumer -B ${WORK_DIR}/consumer-build
    -DCMAKE_CXX_COMPILER=${CXX} -DRANGEUP_CONSUME=${MODE} -DRANGEUP_SOURCE_DIR=${SOURCE_DIR} ${extra})
run(${CMAKE_COMMAND} --build ${WORK_DIR}/consumer-build)
run(${WORK_DIR}/consumer-build/consumer)
file(REMOVE_RECURSE ${WORK_DIR})
