# nlohmann/json for cross builds: header-only (Debian's nlohmann-json3-dev),
# exposed without the rest of the host's /usr/include (see doctestConfig.cmake).
include(${CMAKE_CURRENT_LIST_DIR}/RangeupCrossHeaders.cmake)
rangeup_cross_headers(nlohmann nlohmann/json.hpp _rangeup_nlohmann_inc)
if(NOT TARGET nlohmann_json::nlohmann_json)
  add_library(nlohmann_json::nlohmann_json INTERFACE IMPORTED)
  set_target_properties(nlohmann_json::nlohmann_json PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${_rangeup_nlohmann_inc}")
endif()
set(nlohmann_json_FOUND TRUE)
