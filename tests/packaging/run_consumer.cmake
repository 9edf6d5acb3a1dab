# run_consumer.cmake — builds and runs tests/packaging/consumer against nerve.
#   cmake -DMODE=find_package|add_subdirectory|vcpkg_port -DNERVE_SOURCE_DIR=... -DWORK_DIR=...
#         -DCXX=<compiler> -DGENERATOR=<generator> -DNERVE_VERSION=<x.y.z> -P run_consumer.cmake
# find_package: configures a fresh nerve build (tests off), installs it into WORK_DIR/prefix,
# then builds the consumer with CMAKE_PREFIX_PATH=WORK_DIR/prefix. add_subdirectory: builds the
# consumer with nerve's source tree added as a subdirectory. vcpkg_port: what the overlay port
# (cmake/vcpkg-ports/nerve) does without vcpkg itself (not in Debian 12): the configure options
# are read from its portfile, the config files must land in share/nerve as vcpkg wants them;
# the port's and the Conan recipe's versions must be the project's, and include/ may hold only
# the *.hpp files the install rule and the recipe copy. Either way the consumer is run.
foreach(var MODE NERVE_SOURCE_DIR WORK_DIR CXX GENERATOR NERVE_VERSION)
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
elseif(MODE STREQUAL "vcpkg_port")
    set(port "${NERVE_SOURCE_DIR}/cmake/vcpkg-ports/nerve")
    file(READ "${port}/vcpkg.json" manifest)
    string(JSON port_version GET "${manifest}" version)
    file(STRINGS "${NERVE_SOURCE_DIR}/cmake/conan/conanfile.py" conan_version REGEX "^    version = ")
    string(REGEX REPLACE "^    version = \"([^\"]*)\".*" "\\1" conan_version "${conan_version}")
    if(NOT port_version STREQUAL NERVE_VERSION OR NOT conan_version STREQUAL NERVE_VERSION)
        message(FATAL_ERROR "run_consumer.cmake: project ${NERVE_VERSION}, vcpkg port ${port_version}, "
                            "Conan recipe '${conan_version}': bump them together")
    endif()
    file(GLOB_RECURSE not_hpp LIST_DIRECTORIES false RELATIVE "${NERVE_SOURCE_DIR}" "${NERVE_SOURCE_DIR}/include/*")
    list(FILTER not_hpp EXCLUDE REGEX "\\.hpp$")
    if(not_hpp)
        message(FATAL_ERROR "run_consumer.cmake: install and packages copy only *.hpp from include/: ${not_hpp}")
    endif()
    file(STRINGS "${port}/portfile.cmake" port_options REGEX "^ +-D")
    list(TRANSFORM port_options STRIP)
    if(NOT port_options)
        message(FATAL_ERROR "run_consumer.cmake: no -D options found in ${port}/portfile.cmake")
    endif()
    run("${CMAKE_COMMAND}" -S "${NERVE_SOURCE_DIR}" -B "${WORK_DIR}/nerve" -G "${GENERATOR}"
        -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_BUILD_TYPE=Release ${port_options})
    run("${CMAKE_COMMAND}" --build "${WORK_DIR}/nerve")
    run("${CMAKE_COMMAND}" --install "${WORK_DIR}/nerve" --prefix "${WORK_DIR}/prefix")
    foreach(f nerveConfig.cmake nerveConfigVersion.cmake nerveTargets.cmake)
        if(NOT EXISTS "${WORK_DIR}/prefix/share/nerve/${f}")
            message(FATAL_ERROR "run_consumer.cmake: the port's options did not put ${f} in share/nerve")
        endif()
    endforeach()
    if(EXISTS "${WORK_DIR}/prefix/share/cmake/nerve")
        message(FATAL_ERROR "run_consumer.cmake: share/cmake/nerve left behind beside share/nerve")
    endif()
    run("${CMAKE_COMMAND}" ${consumer_args} "-DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix")
elseif(MODE STREQUAL "add_subdirectory")
    run("${CMAKE_COMMAND}" ${consumer_args} "-DNERVE_SOURCE_DIR=${NERVE_SOURCE_DIR}")
else()
    message(FATAL_ERROR "run_consumer.cmake: MODE must be find_package, add_subdirectory or vcpkg_port")
endif()

run("${CMAKE_COMMAND}" --build "${WORK_DIR}/consumer")
run("${WORK_DIR}/consumer/consumer")
message(STATUS "run_consumer.cmake: ${MODE} consumer built and ran")
