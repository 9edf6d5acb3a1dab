# NerveMcu.cmake — linking Cortex-M4 programs for qemu's mps2-an386 (cortex-m4 preset only).
#
#   nerve_mcu_link(<target> [NANO])
#       Adds the start-up code (cmake/mcu/startup.cpp) and linker script (cmake/mcu/mps2_an386.ld)
#       to an executable and links newlib's semihosting system calls (librdimon). NANO links
#       newlib-nano (smaller printf/malloc; no float formatting) instead of the full newlib.
#       The unit tests use the full newlib (Catch2 formats floats).
#
#   nerve_add_mcu_program(<name> <sources...> [NO_TEST] [FULL_NEWLIB])
#       An MCU program linked against nerve::nerve with newlib-nano (unless FULL_NEWLIB), which
#       prints its size (arm-none-eabi-size: text = flash, data + bss = static RAM) after every
#       link, writes a map file <name>.map, and is run under qemu as the ctest mcu/<name>
#       (it must return from main; NO_TEST skips that). Benchmarked kernels go in an
#       extern "C" __attribute__((noinline)) function; count its instructions with
#       tools/mcu_icount.py <elf> <symbol>.
if(NOT NERVE_TARGET STREQUAL "cortex-m4")
    return()
endif()

set(NERVE_MCU_DIR "${CMAKE_CURRENT_LIST_DIR}/mcu")
set(NERVE_MCU_LINKER_SCRIPT "${NERVE_MCU_DIR}/mps2_an386.ld")

if(NOT TARGET nerve_mcu_startup)
    add_library(nerve_mcu_startup OBJECT "${NERVE_MCU_DIR}/startup.cpp")
    target_compile_options(nerve_mcu_startup PRIVATE -Wall -Wextra)
endif()

function(nerve_mcu_link target)
    cmake_parse_arguments(PARSE_ARGV 1 ARG "NANO" "" "")
    target_sources(${target} PRIVATE $<TARGET_OBJECTS:nerve_mcu_startup>)
    set(specs "")
    if(ARG_NANO)
        list(APPEND specs "--specs=nano.specs")
    endif()
    list(APPEND specs "--specs=rdimon.specs")
    target_link_options(${target} PRIVATE
        ${specs}
        "-T${NERVE_MCU_LINKER_SCRIPT}"
        "LINKER:-Map=$<TARGET_FILE_DIR:${target}>/${target}.map"
        "LINKER:--no-warn-rwx-segments")
    set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS "${NERVE_MCU_LINKER_SCRIPT}")
endfunction()

function(nerve_add_mcu_program name)
    cmake_parse_arguments(PARSE_ARGV 1 ARG "NO_TEST;FULL_NEWLIB" "" "")
    add_executable(${name} ${ARG_UNPARSED_ARGUMENTS})
    target_link_libraries(${name} PRIVATE nerve::nerve)
    target_compile_options(${name} PRIVATE -Wall -Wextra)
    if(ARG_FULL_NEWLIB)
        nerve_mcu_link(${name})
    else()
        nerve_mcu_link(${name} NANO)
    endif()
    if(NERVE_ARM_SIZE)
        add_custom_command(TARGET ${name} POST_BUILD
            COMMAND "${NERVE_ARM_SIZE}" "$<TARGET_FILE:${name}>"
            VERBATIM)
    endif()
    if(NOT ARG_NO_TEST AND NERVE_BUILD_TESTS)
        add_test(NAME mcu/${name} COMMAND ${name})
        set_tests_properties(mcu/${name} PROPERTIES TIMEOUT 300 LABELS mcu)
    endif()
endfunction()
