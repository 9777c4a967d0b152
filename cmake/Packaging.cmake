# Packaging.cmake: `cmake --install` and `cpack -G DEB` (docs/install.md).
# Installs libasim (static) with its public headers (sim/include/asim only), a pkg-config
# file (accelsim.pc), a CMake package (find_package(accelsim) -> accelsim::asim), the
# accelsim program, its man page (docs/accelsim.1) and the configurations and models it
# runs (share/accelsim). tests/install checks the tree, a consumer build and the .deb.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS asim EXPORT accelsimTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY sim/include/asim DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.h")
install(TARGETS accelsim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES docs/accelsim.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(DIRECTORY configs models DESTINATION ${CMAKE_INSTALL_DATADIR}/accelsim)
# The FPGA technology table reads the measured toggle rates next to configs/ (its
# `activity:` paths are relative: ../../traces/calibration/<block>_activity.csv).
install(DIRECTORY traces/calibration DESTINATION ${CMAKE_INSTALL_DATADIR}/accelsim/traces
  FILES_MATCHING PATTERN "*_activity.csv")

set(ASIM_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/accelsim)
install(EXPORT accelsimTargets NAMESPACE accelsim:: DESTINATION ${ASIM_CMAKE_DIR})
configure_package_config_file(cmake/accelsimConfig.cmake.in
  ${PROJECT_BINARY_DIR}/accelsimConfig.cmake INSTALL_DESTINATION ${ASIM_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/accelsimConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/accelsimConfig.cmake
  ${PROJECT_BINARY_DIR}/accelsimConfigVersion.cmake DESTINATION ${ASIM_CMAKE_DIR})

# The .pc file finds the prefix from its own place (lib/pkgconfig -> ../..).
file(RELATIVE_PATH ASIM_PC_TO_PREFIX
  /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
configure_file(cmake/accelsim.pc.in ${PROJECT_BINARY_DIR}/accelsim.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/accelsim.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

set(CPACK_PACKAGE_NAME accelsim)
set(CPACK_PACKAGE_VENDOR "accelsim")
set(CPACK_PACKAGE_CONTACT "accelsim maintainers <accelsim@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "cycle-accurate simulator of transformer accelerators")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)     # Depends from the program's shared libraries
# libyaml-cpp-dev, libcjson-dev, libprotobuf-c-dev: what a program linking the static libasim
# needs (accelsim.pc).
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "libyaml-cpp-dev, libcjson-dev, libprotobuf-c-dev, gnuplot, gtkwave")
include(CPack)
