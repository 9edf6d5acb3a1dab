# toolchain-aarch64.cmake — aarch64 Linux (Debian's aarch64-linux-gnu-g++), statically linked,
# run under qemu-aarch64 (user-mode emulation) by ctest.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(NERVE_TARGET aarch64)

set(NERVE_AARCH64_PREFIX "aarch64-linux-gnu-" CACHE STRING "Cross tool prefix")
set(CMAKE_C_COMPILER "${NERVE_AARCH64_PREFIX}gcc")
set(CMAKE_CXX_COMPILER "${NERVE_AARCH64_PREFIX}g++")

# The target's own sysroot; never the build machine's /usr/include (header-only dependencies
# are exposed one folder at a time by cmake/NerveSysInclude.cmake).
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Static binaries need no -L sysroot for qemu-aarch64.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
find_program(NERVE_QEMU_AARCH64 qemu-aarch64 REQUIRED)
set(CMAKE_CROSSCOMPILING_EMULATOR "${NERVE_QEMU_AARCH64}")
