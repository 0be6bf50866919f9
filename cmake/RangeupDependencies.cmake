# Finds optional dependencies and reports, in the configure output, what will be
# built and what is skipped (and why). Sets RANGEUP_HAVE_<X> booleans.

find_package(Threads)

set(RANGEUP_HAVE_CURL OFF)
if(RANGEUP_WITH_CURL OR RANGEUP_BUILD_TOOLS)
  find_package(CURL QUIET)
  if(CURL_FOUND)
    set(RANGEUP_HAVE_CURL ON)
  endif()
endif()

set(RANGEUP_HAVE_BOOST OFF)
set(RANGEUP_HAVE_OPENSSL OFF)
# Beast, Asio and Boost.JSON are used header-only; 1.81 is the first Debian
# version that ships Boost.JSON headers (the installed package asks for it too).
# Always looked for, like nlohmann/json: the Boost.JSON codec (rangeup::json_boost)
# needs only the headers, whether or not the Beast transport is wanted.
set(RANGEUP_BOOST_MIN_VERSION 1.81)
find_package(Boost ${RANGEUP_BOOST_MIN_VERSION} QUIET CONFIG)
set(RANGEUP_HAVE_BOOST_HEADERS ${Boost_FOUND})
if(RANGEUP_WITH_BEAST OR RANGEUP_BUILD_TOOLS)
  find_package(OpenSSL QUIET)
  if(Boost_FOUND AND Threads_FOUND)
    set(RANGEUP_HAVE_BOOST ON)
  endif()
  if(OpenSSL_FOUND)
    set(RANGEUP_HAVE_OPENSSL ON)
  endif()
endif()

find_package(nlohmann_json 3 QUIET CONFIG)
set(RANGEUP_HAVE_NLOHMANN ${nlohmann_json_FOUND})

set(RANGEUP_HAVE_DOCTEST OFF)
if(RANGEUP_BUILD_TESTS)
  find_package(doctest QUIET CONFIG)
  if(doctest_FOUND)
    set(RANGEUP_HAVE_DOCTEST ON)
  endif()
endif()

set(RANGEUP_HAVE_BENCHMARK OFF)
if(RANGEUP_BUILD_BENCHMARKS)
  find_package(benchmark QUIET CONFIG)
  if(benchmark_FOUND)
    set(RANGEUP_HAVE_BENCHMARK ON)
  endif()
endif()

function(_rangeup_report what wanted have hint)
  if(NOT wanted)
    message(STATUS "rangeup: ${what}: disabled")
  elseif(have)
    message(STATUS "rangeup: ${what}: yes")
  else()
    message(STATUS "rangeup: ${what}: SKIPPED (${hint} not found)")
  endif()
endfunction()

_rangeup_report("libcurl transport (rangeup::curl)" "${RANGEUP_WITH_CURL}" "${RANGEUP_HAVE_CURL}" "libcurl4-openssl-dev")
_rangeup_report("Boost.Beast transport (rangeup::beast)" "${RANGEUP_WITH_BEAST}" "${RANGEUP_HAVE_BOOST}" "libboost1.81-dev")
_rangeup_report("nlohmann/json codec (rangeup::json_nlohmann)" "${_rangeup_top}" "${RANGEUP_HAVE_NLOHMANN}" "nlohmann-json3-dev")
_rangeup_report("Boost.JSON codec (rangeup::json_boost)" "${_rangeup_top}" "${RANGEUP_HAVE_BOOST_HEADERS}" "libboost1.81-dev")
_rangeup_report("rangeup-upload CLI" "${RANGEUP_BUILD_TOOLS}" "${RANGEUP_HAVE_CURL}" "libcurl4-openssl-dev")
_rangeup_report("rangeup-emulator" "${RANGEUP_BUILD_TOOLS}" "${RANGEUP_HAVE_BOOST}" "libboost1.81-dev")
_rangeup_report("tests" "${RANGEUP_BUILD_TESTS}" "${RANGEUP_HAVE_DOCTEST}" "doctest-dev")
_rangeup_report("benchmarks" "${RANGEUP_BUILD_BENCHMARKS}" "${RANGEUP_HAVE_BENCHMARK}" "libbenchmark-dev")
