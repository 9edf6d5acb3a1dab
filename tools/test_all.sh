#!/usr/bin/env bash
# tools/test_all.sh [--fresh] [preset...] — build and test nerve on every target.
#
# Runs the CMake workflow presets (configure, build with 2 jobs, ctest --output-on-failure) in
# sequence: host (g++), host-clang (the tool and the headers), host-asan (clang++, the unit tests
# under ASan+UBSan), cortex-m4 (qemu-system-arm mps2-an386) and aarch64 (qemu-aarch64), or only
# the presets named. Build trees are build/<preset>; --fresh reconfigures them from scratch.
# Prints the time each preset took and a summary; exits non-zero if any preset failed to
# configure, build or pass its tests.
set -uo pipefail
cd "$(dirname "$0")/.."

fresh=()
presets=()
for a in "$@"; do
    case $a in
        --fresh) fresh=(--fresh) ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        *) presets+=("$a") ;;
    esac
done
[ ${#presets[@]} -gt 0 ] || presets=(host host-clang host-asan cortex-m4 aarch64)

logdir=build/test_all
mkdir -p "$logdir"
start_all=$(date +%s)
summary=()
failed_presets=0
total_tests=0
total_failed=0

for preset in "${presets[@]}"; do
    echo "=== test_all: $preset ==="
    t0=$(date +%s)
    log="$logdir/$preset.log"
    cmake --workflow --preset "$preset" "${fresh[@]}" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    t1=$(date +%s)
    # ctest's closing line: "NN% tests passed, F tests failed out of T"
    line=$(grep -E "tests passed, [0-9]+ tests? failed out of [0-9]+" "$log" | tail -1 || true)
    if [ -n "$line" ]; then
        f=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
        t=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\2/' <<<"$line")
        total_tests=$((total_tests + t))
        total_failed=$((total_failed + f))
        counts="$((t - f))/$t tests passed"
    else
        counts="no test results"
    fi
    if [ "$rc" -eq 0 ]; then status=ok; else status=FAILED; failed_presets=$((failed_presets + 1)); fi
    summary+=("$(printf '%-11s %-6s %5d s  %s' "$preset" "$status" $((t1 - t0)) "$counts")")
    echo "=== test_all: $preset: $status in $((t1 - t0)) s ($counts) ==="
done

end_all=$(date +%s)
echo
echo "=== test_all summary ==="
for s in "${summary[@]}"; do echo "$s"; done
echo "total: $((end_all - start_all)) s for ${#presets[@]} presets, $failed_presets failed"
echo "tests: $((total_tests - total_failed)) passed, $total_failed failed"
[ "$failed_presets" -eq 0 ]
