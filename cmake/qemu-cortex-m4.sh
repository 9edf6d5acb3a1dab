#!/bin/sh
# qemu-cortex-m4.sh <program.elf> [args...] — run a Cortex-M4 program on qemu's mps2-an386.
#
# The program's stdout/stderr and exit code come through semihosting (cmake/mcu/startup.cpp);
# its arguments reach main() only through -semihosting-config arg=..., which cannot carry a
# comma, so arguments with commas are refused. A program that runs longer than
# NERVE_QEMU_TIMEOUT seconds (default 300) is killed and the run fails (exit code 124).
# Used as CMAKE_CROSSCOMPILING_EMULATOR by the cortex-m4 preset.
set -eu
if [ $# -lt 1 ]; then
    echo "usage: $0 <program.elf> [args...]" >&2
    exit 2
fi
elf=$1
shift
qemu=${NERVE_QEMU_SYSTEM_ARM:-qemu-system-arm}
timeout_s=${NERVE_QEMU_TIMEOUT:-300}

semi="enable=on,target=native,arg=$(basename "$elf")"
for a in "$@"; do
    case $a in
        *,*) echo "qemu-cortex-m4.sh: argument '$a' contains a comma, which semihosting cannot pass" >&2
             exit 2 ;;
    esac
    semi="$semi,arg=$a"
done

exec timeout --kill-after=10 "$timeout_s" "$qemu" -M mps2-an386 -cpu cortex-m4 \
    -nographic -monitor none -serial none \
    -semihosting-config "$semi" \
    -kernel "$elf"
