# NerveInstall.cmake — install rules, the exported targets and the package config files.
#
# find_package(nerve CONFIG) gives nerve::nerve always; nerve::simd and nerve::eigen are
# exported too, and nerveConfig.cmake attaches xsimd / Eigen to them when the consumer's
# machine has those (components `simd` and `eigen` report whether it did).
include(CMakePackageConfigHelpers)

set(NERVE_INSTALL_CMAKEDIR "${CMAKE_INSTALL_DATADIR}/cmake/nerve"
    CACHE STRING "Where nerveConfig.cmake is installed (relative to the prefix)")

set_target_properties(nerve_simd PROPERTIES EXPORT_NAME simd)
set_target_properties(nerve_eigen PROPERTIES EXPORT_NAME eigen)

install(TARGETS nerve nerve_simd nerve_eigen EXPORT nerveTargets)
install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/nerve"
        DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
        FILES_MATCHING PATTERN "*.hpp")
install(EXPORT nerveTargets
        NAMESPACE nerve::
        DESTINATION "${NERVE_INSTALL_CMAKEDIR}")

configure_package_config_file(
    "${CMAKE_CURRENT_LIST_DIR}/nerveConfig.cmake.in"
    "${PROJECT_BINARY_DIR}/nerveConfig.cmake"
    INSTALL_DESTINATION "${NERVE_INSTALL_CMAKEDIR}")
write_basic_package_version_file(
    "${PROJECT_BINARY_DIR}/nerveConfigVersion.cmake"
    VERSION "${PROJECT_VERSION}"
    COMPATIBILITY SameMinorVersion
    ARCH_INDEPENDENT)
install(FILES
    "${PROJECT_BINARY_DIR}/nerveConfig.cmake"
    "${PROJECT_BINARY_DIR}/nerveConfigVersion.cmake"
    DESTINATION "${NERVE_INSTALL_CMAKEDIR}")
