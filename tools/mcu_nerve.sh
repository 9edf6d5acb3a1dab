#!/bin/sh
# tools/mcu_nerve.sh — the `nerve` tool's real-data subcommands, run on the Cortex-M4 (qemu
# mps2-an386, files through semihosting) by the cortex-m4 preset's replay programs, so that the
# shared scorers score the target itself:
#
#   ../shared/tools/scoreboard.sh tools/mcu_nerve.sh         # every row, on the M4
#   /usr/bin/python3 ../shared/tools/ecg_eval.py --cli tools/mcu_nerve.sh --record ../shared/data/mitdb/100
#
#   run patient --record R                    examples/mcu_patient_replay.cpp: the tool's monitor,
#                                             patient_monitor<1000, 2>; beat lines and a summary
#   run maintenance --input F --format f32 --fs HZ --rpm RPM [--bearing 6205]
#                                             examples/mcu_maintenance_replay.cpp --tool-monitor:
#                                             the tool's monitor (four bands; the one-axis
#                                             firmware's has two); the verdict as the last line
#   infer --model M --input X                 examples/mcu_infer_replay.cpp: the int8 output on a line
#   nab --data D --out O [--detector conformal_ensemble]
#                                             examples/mcu_anomaly_replay.cpp on every
#                                             D/data/<category>/<file>.csv: the tool's default
#                                             detector and NAB's results layout
#   forecast --input F --column C --horizon H --output O [--day N]
#                                             examples/mcu_forecast_replay.cpp: the tool's default
#                                             model; readings per day from --day (default 24),
#                                             not from the file's date-times
#
# Other subcommands and options are refused (exit 2), so the scoreboard reports their rows as
# "not built". The programs come from $NERVE_M4_BUILD (default build/cortex-m4). With
# NERVE_M4_MONITOR=firmware, `run patient` and `run maintenance` run the firmware programs'
# monitors instead of the tool's (examples/mcu_patient.cpp: patient_monitor<360>, one lead;
# examples/mcu_maintenance.cpp: two bands, bfloat16 frames, 32 KB):
#   NERVE_M4_MONITOR=firmware ../shared/tools/scoreboard.sh tools/mcu_nerve.sh --only ecg
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${NERVE_M4_BUILD:-$root/build/cortex-m4}
monitor=${NERVE_M4_MONITOR:-tool}
case $monitor in tool | firmware) ;; *) echo "mcu_nerve: NERVE_M4_MONITOR is tool or firmware" >&2; exit 2 ;; esac
qemu="$root/cmake/qemu-cortex-m4.sh"
refuse() { echo "mcu_nerve: $*" >&2; exit 2; }

cmd="${1:-} ${2:-}"
case $cmd in
    "run --help" | "forecast --help") exit 0 ;;
    "run patient")
        shift 2
        record=""
        while [ $# -gt 0 ]; do
            case $1 in
                --record) record=$2; shift 2 ;;
                *) refuse "run patient: '$1' is not supported on the Cortex-M4 replay" ;;
            esac
        done
        [ -n "$record" ] || refuse "run patient needs --record"
        if [ "$monitor" = firmware ]; then
            exec sh "$qemu" "$build/examples/nerve_mcu_patient_replay.elf" --firmware-monitor "$record"
        fi
        exec sh "$qemu" "$build/examples/nerve_mcu_patient_replay.elf" "$record" ;;
    "run maintenance")
        shift 2
        input="" fs="" rpm=""
        while [ $# -gt 0 ]; do
            case $1 in
                --input) input=$2; shift 2 ;;
                --fs) fs=$2; shift 2 ;;
                --rpm) rpm=$2; shift 2 ;;
                --format) [ "$2" = f32 ] || refuse "run maintenance: only --format f32"; shift 2 ;;
                --bearing) [ "$2" = 6205 ] || refuse "run maintenance: only --bearing 6205"; shift 2 ;;
                *) refuse "run maintenance: '$1' is not supported on the Cortex-M4 replay" ;;
            esac
        done
        [ -n "$input" ] && [ -n "$fs" ] && [ -n "$rpm" ] || refuse "run maintenance needs --input, --fs and --rpm"
        if [ "$monitor" = firmware ]; then
            exec sh "$qemu" "$build/examples/nerve_mcu_maintenance_replay.elf" "$input" "$fs" "$rpm"
        fi
        exec sh "$qemu" "$build/examples/nerve_mcu_maintenance_replay.elf" --tool-monitor "$input" "$fs" "$rpm" ;;
    forecast\ *)
        shift
        input="" column="" horizon=24 output="" day=24
        while [ $# -gt 0 ]; do
            case $1 in
                --input) input=$2; shift 2 ;;
                --column) column=$2; shift 2 ;;
                --horizon) horizon=$2; shift 2 ;;
                --output) output=$2; shift 2 ;;
                --day) day=$2; shift 2 ;;
                *) refuse "forecast: '$1' is not supported on the Cortex-M4 replay" ;;
            esac
        done
        [ -n "$input" ] && [ -n "$column" ] && [ -n "$output" ] || refuse "forecast needs --input, --column and --output"
        exec sh "$qemu" "$build/examples/nerve_mcu_forecast_replay.elf" "$input" "$column" "$horizon" "$output" "$day" ;;
    "infer --help") exit 0 ;;
    infer\ *)
        shift
        model="" input=""
        while [ $# -gt 0 ]; do
            case $1 in
                --model) model=$2; shift 2 ;;
                --input) input=$2; shift 2 ;;
                *) refuse "infer: '$1' is not supported on the Cortex-M4 replay (--model and --input are)" ;;
            esac
        done
        [ -n "$model" ] && [ -n "$input" ] || refuse "infer needs --model and --input"
        exec sh "$qemu" "$build/examples/nerve_mcu_infer_replay.elf" "$model" "$input" ;;
    "nab --help") exit 0 ;;
    nab\ *)
        shift
        data="" out=""
        while [ $# -gt 0 ]; do
            case $1 in
                --data) data=$2; shift 2 ;;
                --out) out=$2; shift 2 ;;
                --quiet) shift ;;
                --detector) case $2 in conformal_ensemble | default) shift 2 ;;
                                *) refuse "nab: only the default detector (conformal_ensemble)" ;; esac ;;
                *) refuse "nab: '$1' is not supported on the Cortex-M4 replay" ;;
            esac
        done
        [ -n "$data" ] && [ -n "$out" ] || refuse "nab needs --data and --out"
        [ -d "$data/data" ] || refuse "'$data' is not a NAB folder"
        files=0
        for f in "$data"/data/*/*.csv; do
            [ -f "$f" ] || continue
            category=$(basename "$(dirname "$f")")
            mkdir -p "$out/data/$category"
            sh "$qemu" "$build/examples/nerve_mcu_anomaly_replay.elf" "$f" "$out/data/$category/$(basename "$f")" > /dev/null \
                || refuse "nab: the replay failed on $f"
            files=$((files + 1))
        done
        [ $files -gt 0 ] || refuse "nab: no <category>/<file>.csv under '$data/data'"
        echo "nab: $files files scored on the Cortex-M4 -> $out/data" ;;
    *) refuse "'$*' has no Cortex-M4 replay (run patient, run maintenance, forecast, nab and infer have)" ;;
esac
