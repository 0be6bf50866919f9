#!/usr/bin/env bash
# Stands in for rangeup-upload in the integration scripts: runs the real
# binary ($RANGEUP_UPLOAD_REAL) under valgrind memcheck. Any memcheck error
# (invalid read/write, use of uninitialised memory, a definite leak) turns
# the exit code into 99, which no script expects, so the case fails.
exec valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
  --show-leak-kinds=definite --track-origins=no "${RANGEUP_UPLOAD_REAL:?path of rangeup-upload}" "$@"
