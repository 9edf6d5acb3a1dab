# run_consumer.cmake — builds and runs tests/packaging/consumer against nerve.
#   cmake -DMODE=find_package|add_subdirectory -DNERVE_SOURCE_DIR=... -DWORK_DIR=...
#         -DCXX=<compiler> -DGENERATOR=<generator> -P run_consumer.cmake
# find_package: configures a fresh nerve build (tests off), installs it into WORK_DIR/prefix,
# then builds the consumer with CMAKE_PREFIX_PATH=WORK_DIR/prefix. add_subdirectory: builds the
# consumer with nerve's source tree added as a subdirectory. Either way the consumer is run.
foreach(var MODE NERVE_SOURCE_DIR WORK_DIR CXX GENERATOR)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "run_consumer.cmake: -D${var}=... is required")
    endif()
endforeach()

function(run)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
        string(REPLACE ";" " " cmd "${ARGN}")
        message(FATAL_ERROR "run_consumer.cmake: failed (${rc}): ${cmd}")
    endif()
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
set(consumer_args -S "${CMAKE_CURRENT_LIST_DIR}/consumer" -B "${WORK_DIR}/consumer" -G "${GENERATOR}"
    -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_BUILD_TYPE=Release -DNERVE_CONSUMER_MODE=${MODE})

if(MODE STREQUAL "find_package")
    run("${CMAKE_COMMAND}" -S "${NERVE_SOURCE_DIR}" -B "${WORK_DIR}/nerve" -G "${GENERATOR}"
        -DCMAKE_CXX_COMPILER=${CXX} -DNERVE_BUILD_TESTS=OFF -DNERVE_BUILD_EXAMPLES=OFF
        -DNERVE_BUILD_BENCH=OFF -DNERVE_HEADER_CHECK=OFF)
    run("${CMAKE_COMMAND}" --build "${WORK_DIR}/nerve")
    run("${CMAKE_COMMAND}" --install "${WORK_DIR}/nerve" --prefix "${WORK_DIR}/prefix")
    if(NOT EXISTS "${WORK_DIR}/prefix/share/cmake/nerve/nerveConfigVersion.cmake")
        message(FATAL_ERROR "run_consumer.cmake: nerveConfigVersion.cmake was not installed")
    endif()
    run("${CMAKE_COMMAND}" ${consumer_args} "-DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix")
elseif(MODE STREQUAL "add_subdirectory")
    run("${CMAKE_COMMAND}" ${consumer_args} "-DNERVE_SOURCE_DIR=${NERVE_SOURCE_DIR}")
else()
    message(FATAL_ERROR "run_consumer.cmake: MODE must be find_package or add_subdirectory")
endif()

run("${CMAKE_COMMAND}" --build "${WORK_DIR}/consumer")
run("${WORK_DIR}/consumer/consumer")
message(STATUS "run_consumer.cmake: ${MODE} consumer built and ran")
