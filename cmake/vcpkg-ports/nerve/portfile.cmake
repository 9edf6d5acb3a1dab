# vcpkg overlay port for nerve, built from the checkout this file sits in:
#   vcpkg install nerve --overlay-ports=<nerve>/cmake/vcpkg-ports
# (or list that folder under "overlay-ports" in a manifest project's vcpkg-configuration.json).
# A port in the vcpkg registry would fetch a release with vcpkg_from_github instead; the rest
# stays as is. tests/packaging runs the configure/install below with the same options (read
# from this file) and builds a consumer against the result.
set(VCPKG_BUILD_TYPE release)  # header-only: nothing differs between debug and release

get_filename_component(SOURCE_PATH "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)

vcpkg_cmake_configure(
    SOURCE_PATH "${SOURCE_PATH}"
    OPTIONS
        -DNERVE_BUILD_TESTS=OFF
        -DNERVE_BUILD_EXAMPLES=OFF
        -DNERVE_BUILD_BENCH=OFF
        -DNERVE_HEADER_CHECK=OFF
        -DNERVE_INSTALL=ON
        -DNERVE_INSTALL_CMAKEDIR=share/nerve
)
vcpkg_cmake_install()
vcpkg_cmake_config_fixup(PACKAGE_NAME nerve CONFIG_PATH share/nerve)

file(INSTALL "${CMAKE_CURRENT_LIST_DIR}/usage" DESTINATION "${CURRENT_PACKAGES_DIR}/share/${PORT}")
vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
