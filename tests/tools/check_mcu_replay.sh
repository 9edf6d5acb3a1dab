#!/bin/sh
# tests/tools/check_mcu_replay.sh PART M4_BUILD — a real-data score of the Cortex-M4 itself:
# ../shared/tools/scoreboard.sh --only PART on tools/mcu_nerve.sh (the replay programs of M4_BUILD
# under qemu) must meet the goal that this test holds the target to:
#   nab  the standard profile's score above 75 (the anomaly issue's goal)
#   ecg  gross sensitivity and positive predictivity both at least 99.8 % (the pipelines' goal)
#   ett  the forecaster's MAE below the best seasonal-naive baseline's (ratio < 1; the issue's
#        goal, 0.8, is not met on any target: see docs/pipelines.md)
#   infer every one of the hello_world model's 256 golden outputs bit-exact
# Exit 77 (skipped) without the scoreboard or the data set.
set -eu
[ $# -eq 2 ] || { echo "usage: $0 nab|ecg|ett|infer M4_BUILD" >&2; exit 2; }
part=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
board=${NERVE_SCOREBOARD:-$root/../shared/tools/scoreboard.sh}
data=${NERVE_DATA_DIR:-$root/../shared/data}
case $part in
    nab) need=$data/nab/data ;;
    ecg) need=$data/mitdb ;;
    ett) need=$data/ett/ETTh2.csv ;;
    infer) need=$data/tflite/golden_hello_world_int8.csv ;;
    *) echo "check_mcu_replay: unknown part '$part'" >&2; exit 2 ;;
esac
if [ ! -f "$board" ] || [ ! -e "$need" ]; then
    echo "check_mcu_replay: skipped ($board or $need missing)"
    exit 77
fi
line=$(NERVE_M4_BUILD=$2 NERVE_DATA_DIR=$data bash "$board" "$root/tools/mcu_nerve.sh" --only "$part" | grep "^$part ")
echo "$line"
echo "$line" | awk -v part="$part" '{
    for (i = 1; i <= NF; ++i) { n = split($i, kv, "="); if (n == 2) v[kv[1]] = kv[2] }
    # nab: the first "score=" is the standard profile (the row lists standard first)
    if (part == "nab") { match($0, /profile=standard score=[0-9.]+/); s = substr($0, RSTART, RLENGTH); sub(/.*score=/, "", s); ok = s + 0 > 75 }
    else if (part == "ecg") ok = v["se"] + 0 >= 99.8 && v["ppv"] + 0 >= 99.8
    else if (part == "ett") ok = v["ratio"] != "" && v["ratio"] + 0 < 1.0
    else { ok = match($0, /hello_world [0-9]+\/[0-9]+ bit-exact/); split(substr($0, RSTART + 12, RLENGTH - 22), c, "/"); ok = ok && c[1] == c[2] && c[2] + 0 > 0 }
    exit !ok
}'
