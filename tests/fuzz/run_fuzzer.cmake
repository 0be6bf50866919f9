# ctest driver for one fuzz target: copy the seed corpus to a work dir in the
# build tree, then fuzz it for SECONDS. A crash, leak, timeout or sanitizer
# report makes the fuzzer exit non-zero, and the test fail.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
file(GLOB seeds ${SEEDS}/*)
if(seeds)
  file(COPY ${seeds} DESTINATION ${WORK})
endif()
get_filename_component(artifacts ${WORK}/../../artifacts ABSOLUTE)
file(MAKE_DIRECTORY ${artifacts})
execute_process(
  COMMAND ${FUZZER} -max_total_time=${SECONDS} -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
          -artifact_prefix=${artifacts}/ ${WORK}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${FUZZER} failed (${rc}); reproducers in ${artifacts}")
endif()
