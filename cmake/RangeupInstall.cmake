# Install rules: headers, CMake package (rangeup-config.cmake + version file),
# and a pkg-config file, so find_package(rangeup CONFIG) and pkg-config both work.
include(CMakePackageConfigHelpers)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/rangeup
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
# Adapter headers install beside the core (<rangeup/curl/...>, <rangeup/beast/...>,
# <rangeup/json/nlohmann_codec.hpp>, <rangeup/io/...>); consumers link the
# adapter's own dependency (libcurl, Boost, nlohmann_json) themselves.
foreach(adapter json curl beast io)
  if(IS_DIRECTORY ${PROJECT_SOURCE_DIR}/adapters/${adapter}/rangeup)
    install(DIRECTORY ${PROJECT_SOURCE_DIR}/adapters/${adapter}/rangeup
            DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.hpp")
  endif()
endforeach()
install(TARGETS rangeup EXPORT rangeup-targets)
install(EXPORT rangeup-targets
        NAMESPACE rangeup::
        DESTINATION ${CMAKE_INSTALL_DATADIR}/cmake/rangeup)

configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake/rangeup-config.cmake.in
  ${PROJECT_BINARY_DIR}/rangeup-config.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_DATADIR}/cmake/rangeup)
# Header-only: the package is usable from any architecture.
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/rangeup-config-version.cmake
  COMPATIBILITY SameMinorVersion ARCH_INDEPENDENT)
install(FILES ${PROJECT_BINARY_DIR}/rangeup-config.cmake
              ${PROJECT_BINARY_DIR}/rangeup-config-version.cmake
        DESTINATION ${CMAKE_INSTALL_DATADIR}/cmake/rangeup)

configure_file(${PROJECT_SOURCE_DIR}/cmake/rangeup.pc.in
               ${PROJECT_BINARY_DIR}/rangeup.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/rangeup.pc
        DESTINATION ${CMAKE_INSTALL_DATADIR}/pkgconfig)
