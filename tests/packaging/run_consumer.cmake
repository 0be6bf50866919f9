# Packaging checks, one MODE per ctest:
#   install           configure rangeup (library and adapters only) and install it to
#                     PREFIX: the layout, the per-component CMake files, pkg-config
#   find_package      consumer/ against PREFIX, then components/ (found/not-found rules)
#   add_subdirectory  consumer/ with rangeup as a subdirectory
#   fetchcontent      consumer/ with FetchContent (SOURCE_DIR: no network; CMake passes
#                     no COMPONENTS, see CMakeLists.txt)
# -DMODE=… -DSOURCE_DIR=… -DWORK_DIR=… -DPREFIX=… -DCXX=… -DCOMPONENTS=io,curl,…
foreach(var MODE SOURCE_DIR WORK_DIR PREFIX CXX)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "${var} not set")
  endif()
endforeach()
string(REPLACE "," ";" components "${COMPONENTS}")
# The consumers are compiled at -O0 (no build type): their compile time is the test's time.
set(parallel --parallel 2)

function(run)
  execute_process(COMMAND ${ARGV} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "command failed (${rc}): ${ARGV}\n${out}\n${err}")
  endif()
endfunction()

if(MODE STREQUAL "install")
  file(REMOVE_RECURSE ${WORK_DIR} ${PREFIX})
  run(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR} -DCMAKE_CXX_COMPILER=${CXX}
      -DRANGEUP_BUILD_TESTS=OFF -DRANGEUP_BUILD_TOOLS=OFF -DRANGEUP_BUILD_BENCHMARKS=OFF
      -DRANGEUP_BUILD_EXAMPLES=OFF -DRANGEUP_INSTALL=ON)
  run(${CMAKE_COMMAND} --install ${WORK_DIR} --prefix ${PREFIX})
  set(expected include/rangeup/rangeup.hpp include/rangeup/json/builtin_codec.hpp
      include/rangeup/json/detail/reader.hpp share/cmake/rangeup/rangeup-config.cmake
      share/cmake/rangeup/rangeup-config-version.cmake share/cmake/rangeup/rangeup-targets.cmake
      share/pkgconfig/rangeup.pc)
  set(header_io io/file_source.hpp)
  set(header_curl curl/transport.hpp)
  set(header_beast beast.hpp)
  set(header_json_nlohmann nlohmann_json/codec.hpp)
  set(header_json_boost boost_json/codec.hpp)
  foreach(component IN LISTS components)
    list(APPEND expected include/rangeup/${header_${component}}
         share/cmake/rangeup/rangeup-${component}-targets.cmake)
  endforeach()
  foreach(f IN LISTS expected)
    if(NOT EXISTS ${PREFIX}/${f})
      message(FATAL_ERROR "install is missing ${f}")
    endif()
  endforeach()
  # The core's json/ folder holds the built-in codec only; adapters have their own folders.
  file(GLOB json_headers RELATIVE ${PREFIX}/include/rangeup/json ${PREFIX}/include/rangeup/json/*.hpp)
  if(NOT json_headers STREQUAL "builtin_codec.hpp")
    message(FATAL_ERROR "include/rangeup/json/ holds more than builtin_codec.hpp: ${json_headers}")
  endif()
  # pkg-config: points at the installed headers wherever the prefix is, and
  # leaves the language standard to the consumer.
  find_program(PKG_CONFIG NAMES pkg-config pkgconf)
  if(PKG_CONFIG)
    set(ENV{PKG_CONFIG_PATH} ${PREFIX}/share/pkgconfig)
    execute_process(COMMAND ${PKG_CONFIG} --cflags rangeup OUTPUT_VARIABLE cflags RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "pkg-config --cflags rangeup failed: ${cflags}")
    endif()
    string(REGEX MATCH "-I([^ \n]+)" _ "${cflags}")
    if(NOT EXISTS "${CMAKE_MATCH_1}/rangeup/rangeup.hpp")
      message(FATAL_ERROR "rangeup.pc points at the wrong include dir: ${cflags}")
    endif()
    if(cflags MATCHES "-std=")
      message(FATAL_ERROR "rangeup.pc imposes a language standard: ${cflags}")
    endif()
  endif()
  file(REMOVE_RECURSE ${WORK_DIR})
  message(STATUS "installed to ${PREFIX} with components: ${components}")
  return()
endif()

file(REMOVE_RECURSE ${WORK_DIR})
set(extra "")
if(MODE STREQUAL "find_package")
  if(NOT EXISTS ${PREFIX}/share/cmake/rangeup/rangeup-config.cmake)
    message(FATAL_ERROR "no installed rangeup in ${PREFIX} (the rangeup_packaging_install test makes it)")
  endif()
  set(extra -DCMAKE_PREFIX_PATH=${PREFIX})
endif()

run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/packaging/consumer -B ${WORK_DIR}/consumer
    -DCMAKE_CXX_COMPILER=${CXX} -DRANGEUP_CONSUME=${MODE} -DRANGEUP_SOURCE_DIR=${SOURCE_DIR}
    -DRANGEUP_COMPONENTS=${COMPONENTS} ${extra})
run(${CMAKE_COMMAND} --build ${WORK_DIR}/consumer ${parallel})
set(programs consumer)
foreach(component IN LISTS components)
  list(APPEND programs consumer_${component})
endforeach()
foreach(program IN LISTS programs)
  run(${WORK_DIR}/consumer/${program})
endforeach()

if(MODE STREQUAL "find_package")
  run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/packaging/components -B ${WORK_DIR}/components
      -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_PREFIX_PATH=${PREFIX} -DRANGEUP_COMPONENTS=${COMPONENTS})
  execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/packaging/components -B ${WORK_DIR}/unknown
                          -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_PREFIX_PATH=${PREFIX} -DREQUIRE_UNKNOWN=ON
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(rc EQUAL 0 OR NOT err MATCHES "no_such_component \\(unknown component")
    message(FATAL_ERROR "find_package(rangeup REQUIRED COMPONENTS no_such_component) did not fail "
                        "with a clear message (${rc}):\n${out}\n${err}")
  endif()
endif()
file(REMOVE_RECURSE ${WORK_DIR})
message(STATUS "${MODE}: built and ran consumer and consumer_{${COMPONENTS}}")
