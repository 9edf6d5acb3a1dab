#!/bin/sh
# clang_cortex_m4.sh <cortex-m4 build dir> <area>... — build test areas for the Cortex-M4 with
# clang++ instead of arm-none-eabi-g++ and run them under qemu, as CI runs the GCC build.
#
# Not part of CI (a firmware team on the LLVM toolchain is the user it answers). Needs a configured
# cortex-m4 build (`cmake --preset cortex-m4 -B build/cortex-m4`) for its system-include shims
# (Catch2, Eigen, xsimd) and Debian's clang (14), arm-none-eabi-g++ with newlib (the C++ headers
# and the link) and qemu-system-arm. clang compiles every test file, catch_main and the startup
# code with newlib's headers; arm-none-eabi-g++ links them with the same linker script and
# options as the cortex-m4 preset. -fshort-enums matches GCC's arm-none-eabi enum ABI (newlib's
# objects). Objects go to $NERVE_CLANG_M4_OUT (default /tmp/nerve-clang-m4), in directories
# named nerve_tests_<area>.dir so that the linker script places their test buffers in PSRAM.
#
#   tools/clang_cortex_m4.sh build/cortex-m4 core filter spectral infer stats pipelines anomaly drift io
#
# Exit code: non-zero if any area fails to build or any test fails.
set -eu
if [ $# -lt 2 ]; then
    echo "usage: $0 <cortex-m4 build dir> <area>..." >&2
    exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$1" && pwd)
shift
sys="$build/nerve-sysinclude"
[ -d "$sys" ] || { echo "clang_cortex_m4: $sys missing: configure the cortex-m4 preset first" >&2; exit 2; }
out=${NERVE_CLANG_M4_OUT:-/tmp/nerve-clang-m4}
gccv=$(arm-none-eabi-gcc -dumpversion)
newlib_cxx=/usr/include/newlib/c++/$gccv
arch="-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16"
cxx="clang++ --target=thumbv7em-none-eabihf $arch -fshort-enums -std=gnu++20 -O2 -DNDEBUG
     -ffunction-sections -fdata-sections -fno-exceptions -fno-rtti -nostdinc++
     -isystem $newlib_cxx -isystem $newlib_cxx/arm-none-eabi/thumb/v7e-m+fp/hard -isystem /usr/include/newlib
     -I$root/include -I$root/tests -isystem $sys
     -DCATCH_CONFIG_DISABLE_EXCEPTIONS -DCATCH_CONFIG_DISABLE_EXCEPTIONS_CUSTOM_HANDLER
     -DCATCH_CONFIG_NO_POSIX_SIGNALS -DNERVE_TEST_WRAP_NEWLIB_MALLOC"
mkdir -p "$out"
$cxx -c "$root/tests/catch_main.cpp" -o "$out/catch_main.o"
$cxx -c "$root/cmake/mcu/startup.cpp" -o "$out/startup.o"
failed=0
for area in "$@"; do
    dir="$out/nerve_tests_$area.dir"
    mkdir -p "$dir"
    rm -f "$dir"/*.o
    for f in "$root"/tests/"$area"/test_*.cpp; do
        $cxx -c "$f" -o "$dir/$(basename "$f" .cpp).o" || failed=1
    done
    elf="$out/nerve_tests_$area.elf"
    # The linker's notes on newlib's objects (executable stack, enum sizes) are not ours: filtered.
    if arm-none-eabi-g++ $arch -nostartfiles -Wl,--gc-sections --specs=rdimon.specs \
        -T"$root/cmake/mcu/mps2_an386.ld" -Wl,--no-warn-rwx-segments \
        -Wl,--wrap=_malloc_r,--wrap=_calloc_r,--wrap=_realloc_r \
        "$out/catch_main.o" "$out/startup.o" "$dir"/*.o -o "$elf" 2>"$out/link.log"; then
        rc=0
        NERVE_QEMU_TIMEOUT=${NERVE_QEMU_TIMEOUT:-1200} "$root/cmake/qemu-cortex-m4.sh" "$elf" >"$out/$area.log" 2>&1 || rc=$?
        echo "== $area (exit $rc): $(grep -E 'test cases|All tests passed' "$out/$area.log" | tail -n 1)"
        [ "$rc" -eq 0 ] || failed=1
    else
        grep -v "enum\|GNU-stack\|NOTE" "$out/link.log" >&2 || true
        echo "== $area: link failed" >&2
        failed=1
    fi
done
exit $failed
