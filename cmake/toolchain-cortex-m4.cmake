# toolchain-cortex-m4.cmake — Cortex-M4F bare metal (arm-none-eabi-g++, newlib), for the
# mps2-an386 board as modelled by qemu-system-arm. Programs are linked with the startup code and
# linker script in cmake/mcu/ (see cmake/NerveMcu.cmake) and run by cmake/qemu-cortex-m4.sh with
# semihosting: stdout, argv and the exit code all pass through it.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(NERVE_TARGET cortex-m4)

set(NERVE_ARM_PREFIX "arm-none-eabi-" CACHE STRING "Cross tool prefix")
set(CMAKE_C_COMPILER "${NERVE_ARM_PREFIX}gcc")
set(CMAKE_CXX_COMPILER "${NERVE_ARM_PREFIX}g++")
set(CMAKE_ASM_COMPILER "${NERVE_ARM_PREFIX}gcc")
find_program(NERVE_ARM_SIZE "${NERVE_ARM_PREFIX}size")
find_program(NERVE_ARM_NM "${NERVE_ARM_PREFIX}nm")
set(CMAKE_SIZE "${NERVE_ARM_SIZE}")

# The compiler checks cannot link without our startup code and linker script.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(NERVE_MCU_ARCH_FLAGS "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16")
set(CMAKE_C_FLAGS_INIT "${NERVE_MCU_ARCH_FLAGS} -ffunction-sections -fdata-sections")
# -Wno-psabi: silences GCC 7.1 ABI-change notes about std::vector iterators (noise in every log).
set(CMAKE_CXX_FLAGS_INIT "${NERVE_MCU_ARCH_FLAGS} -ffunction-sections -fdata-sections -fno-exceptions -fno-rtti -Wno-psabi")
set(CMAKE_ASM_FLAGS_INIT "${NERVE_MCU_ARCH_FLAGS}")
# Our own startup replaces crt0/crti/crtbegin (-nostartfiles); newlib's librdimon supplies the
# semihosting system calls.
set(CMAKE_EXE_LINKER_FLAGS_INIT "${NERVE_MCU_ARCH_FLAGS} -nostartfiles -Wl,--gc-sections")

set(CMAKE_FIND_ROOT_PATH /usr/lib/arm-none-eabi)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

set(CMAKE_EXECUTABLE_SUFFIX_CXX ".elf")
set(CMAKE_EXECUTABLE_SUFFIX_C ".elf")

find_program(NERVE_QEMU_SYSTEM_ARM qemu-system-arm REQUIRED)
set(CMAKE_CROSSCOMPILING_EMULATOR "${CMAKE_CURRENT_LIST_DIR}/qemu-cortex-m4.sh")
