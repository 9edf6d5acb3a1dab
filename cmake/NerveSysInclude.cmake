# NerveSysInclude.cmake — header-only host dependencies for cross builds.
#
# Cross compilers (aarch64-linux-gnu-g++, arm-none-eabi-g++) do not search the build machine's
# /usr/include, and adding /usr/include itself would pull in x86-64 glibc headers. The
# dependencies nerve uses on targets are header-only and architecture-independent, so we expose
# exactly those folders through a directory of symlinks:
#   <dir>/catch2 -> <host include>/catch2          (tests)
#   <dir>/xsimd  -> <host include>/xsimd           (nerve::simd; used only where config.hpp allows)
#   <dir>/Eigen, <dir>/unsupported -> <host include>/eigen3/...   (nerve::eigen)
#   <dir>/CLI, <dir>/fmt -> <host include>/CLI, fmt   (the `nerve` tool on aarch64: CLI11 is
#                                                      header-only, fmt is used header-only)
# Sets NERVE_SYSINCLUDE_DIR, NERVE_SYSINCLUDE_HAS_CATCH2, _HAS_XSIMD, _HAS_EIGEN, _HAS_CLI11, _HAS_FMT.
set(NERVE_HOST_INCLUDE_DIR "/usr/include" CACHE PATH "Where the host's header-only dependencies live")

function(nerve_make_sysinclude dir)
    file(MAKE_DIRECTORY "${dir}")
    set(links
        "catch2=catch2"
        "xsimd=xsimd"
        "Eigen=eigen3/Eigen"
        "unsupported=eigen3/unsupported"
        "CLI=CLI"
        "fmt=fmt")
    foreach(link IN LISTS links)
        string(REPLACE "=" ";" pair "${link}")
        list(GET pair 0 name)
        list(GET pair 1 target)
        set(src "${NERVE_HOST_INCLUDE_DIR}/${target}")
        if(EXISTS "${src}")
            if(NOT EXISTS "${dir}/${name}")
                file(CREATE_LINK "${src}" "${dir}/${name}" SYMBOLIC)
            endif()
        else()
            message(STATUS "nerve: ${src} not found; not exposed to the cross compiler")
        endif()
    endforeach()
    set(NERVE_SYSINCLUDE_DIR "${dir}" PARENT_SCOPE)
    foreach(pair "CATCH2;catch2/catch.hpp" "XSIMD;xsimd/xsimd.hpp" "EIGEN;Eigen/Core" "CLI11;CLI/CLI.hpp" "FMT;fmt/format.h")
        list(GET pair 0 key)
        list(GET pair 1 header)
        if(EXISTS "${dir}/${header}")
            set(NERVE_SYSINCLUDE_HAS_${key} TRUE PARENT_SCOPE)
        else()
            set(NERVE_SYSINCLUDE_HAS_${key} FALSE PARENT_SCOPE)
        endif()
    endforeach()
endfunction()
