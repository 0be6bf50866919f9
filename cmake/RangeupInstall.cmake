# Install rules: headers, the CMake package (rangeup-config.cmake, a version file,
# one export set for the core and one per component) and a pkg-config file.
#   find_package(rangeup REQUIRED COMPONENTS curl)  ->  rangeup::rangeup, rangeup::io, rangeup::curl
include(CMakePackageConfigHelpers)
set(_rangeup_cmake_dir ${CMAKE_INSTALL_DATADIR}/cmake/rangeup)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/rangeup
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS rangeup EXPORT rangeup-targets)
install(EXPORT rangeup-targets NAMESPACE rangeup:: DESTINATION ${_rangeup_cmake_dir})

# _rangeup_install_component(<component> <target> <adapter dir> <header dir or file>...)
# Installs an adapter whose target exists (its libraries were found) as
# rangeup::<component>, the name its ALIAS has in the build tree, with its headers
# under include/rangeup/.
set(RANGEUP_INSTALLED_COMPONENTS "")
function(_rangeup_install_component component target adapter_dir)
  if(NOT TARGET ${target})
    return()
  endif()
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${component})
  foreach(entry IN LISTS ARGN)
    set(path ${PROJECT_SOURCE_DIR}/adapters/${adapter_dir}/rangeup/${entry})
    if(IS_DIRECTORY ${path})
      install(DIRECTORY ${path} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/rangeup
              FILES_MATCHING PATTERN "*.hpp")
    else()
      install(FILES ${path} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/rangeup)
    endif()
  endforeach()
  install(TARGETS ${target} EXPORT rangeup-${component}-targets)
  install(EXPORT rangeup-${component}-targets NAMESPACE rangeup:: DESTINATION ${_rangeup_cmake_dir})
  set(RANGEUP_INSTALLED_COMPONENTS ${RANGEUP_INSTALLED_COMPONENTS} ${component} PARENT_SCOPE)
endfunction()

_rangeup_install_component(io rangeup_io io io)
_rangeup_install_component(curl rangeup_curl curl curl)
_rangeup_install_component(beast rangeup_beast beast beast beast.hpp)
_rangeup_install_component(json_nlohmann rangeup_json_nlohmann json nlohmann_json)
_rangeup_install_component(json_boost rangeup_json_boost json boost_json)

# Substituted into rangeup-config.cmake: what the components find at consume time.
if(TARGET rangeup_io)
  get_target_property(_rangeup_io_links rangeup_io INTERFACE_LINK_LIBRARIES)
  if("Threads::Threads" IN_LIST _rangeup_io_links)
    set(RANGEUP_IO_USES_THREADS TRUE)
  endif()
endif()
if(NOT RANGEUP_IO_USES_THREADS)
  set(RANGEUP_IO_USES_THREADS FALSE)
endif()

configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake/rangeup-config.cmake.in
  ${PROJECT_BINARY_DIR}/rangeup-config.cmake
  INSTALL_DESTINATION ${_rangeup_cmake_dir})
# Header-only: the package is usable from any architecture.
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/rangeup-config-version.cmake
  COMPATIBILITY SameMinorVersion ARCH_INDEPENDENT)
install(FILES ${PROJECT_BINARY_DIR}/rangeup-config.cmake
              ${PROJECT_BINARY_DIR}/rangeup-config-version.cmake
        DESTINATION ${_rangeup_cmake_dir})

configure_file(${PROJECT_SOURCE_DIR}/cmake/rangeup.pc.in
               ${PROJECT_BINARY_DIR}/rangeup.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/rangeup.pc
        DESTINATION ${CMAKE_INSTALL_DATADIR}/pkgconfig)
