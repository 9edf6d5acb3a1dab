#!/bin/sh
# tests/tools/check_scoreboard.sh PART NERVE — one row of ../shared/tools/scoreboard.sh (the shared
# scorers on the real development data), run with the program NERVE in the tool's place, must meet
# the goal this test holds every target to:
#   nab   the standard profile's score above 75 (the anomaly issue's goal)
#   ecg   gross sensitivity and positive predictivity both at least 99.8 % (the pipelines' goal)
#   ett   the forecaster's MAE below the best seasonal-naive baseline's (ratio < 1; the issue's
#         goal, 0.8, is not met on any target: see docs/pipelines.md)
#   infer every one of the hello_world model's golden outputs bit-exact
#   cwru  no normal record flagged and no fault record called normal (the issue's goal, every
#         fault type right, is not met: 27 / 31, see docs/pipelines.md)
# NERVE is the x86 tool, build/aarch64/tests/cli/nerve-emulated (the aarch64 tool under
# qemu-aarch64) or tools/mcu_nerve.sh (the Cortex-M4 replay programs under qemu; set
# NERVE_M4_BUILD). Exit 77 (skipped) without the scoreboard or the data set.
set -eu
[ $# -eq 2 ] || { echo "usage: $0 nab|ecg|ett|infer|cwru NERVE" >&2; exit 2; }
part=$1
nerve=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
board=${NERVE_SCOREBOARD:-$root/../shared/tools/scoreboard.sh}
data=${NERVE_DATA_DIR:-$root/../shared/data}
case $part in
    nab) need=$data/nab/data ;;
    ecg) need=$data/mitdb ;;
    ett) need=$data/ett/ETTh2.csv ;;
    infer) need=$data/tflite/golden_hello_world_int8.csv ;;
    cwru) need=$data/cwru/manifest.csv ;;
    *) echo "check_scoreboard: unknown part '$part'" >&2; exit 2 ;;
esac
if [ ! -f "$board" ] || [ ! -e "$need" ]; then
    echo "check_scoreboard: skipped ($board or $need missing)"
    exit 77
fi
line=$(NERVE_DATA_DIR=$data bash "$board" "$nerve" --only "$part" | grep "^$part ")
echo "$line"
echo "$line" | awk -v part="$part" '{
    for (i = 1; i <= NF; ++i) { n = split($i, kv, "="); if (n == 2) v[kv[1]] = kv[2] }
    if (part == "nab") {   # the standard profile comes first in the row
        ok = match($0, /profile=standard score=[0-9.]+/)
        s = substr($0, RSTART, RLENGTH); sub(/.*score=/, "", s); ok = ok && s + 0 > 75
    } else if (part == "ecg") {
        ok = v["se"] + 0 >= 99.8 && v["ppv"] + 0 >= 99.8
    } else if (part == "ett") {
        ok = v["ratio"] != "" && v["ratio"] + 0 < 1.0
    } else if (part == "infer") {
        ok = match($0, /hello_world [0-9]+\/[0-9]+ bit-exact/)
        split(substr($0, RSTART + 12, RLENGTH - 22), c, "/"); ok = ok && c[1] == c[2] && c[2] + 0 > 0
    } else {               # cwru: "N/M right; wrong: FILE:diagnosis ..."
        ok = match($0, /[0-9]+\/[0-9]+ right/)
        if (ok && match($0, /wrong:.*\|/)) {
            n = split(substr($0, RSTART + 6, RLENGTH - 7), w, " ")
            for (i = 1; i <= n; ++i) if (w[i] ~ /Normal/ || w[i] ~ /:normal$/ || w[i] ~ /:none$/) ok = 0
        }
    }
    exit !ok
}'
