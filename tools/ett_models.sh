#!/bin/sh
# tools/ett_models.sh — ETTh2 scores of `nerve forecast` per model (rls, holt-winters) next to the
# naive baselines, through the unchanged scorer ../shared/tools/ett_eval.py. The scorer calls
# `<cli> forecast ...` with fixed arguments, so a model other than the default is passed by
# calling this script itself as the "cli" (NERVE_CLI and NERVE_FORECAST_MODEL in the environment).
#
#   tools/ett_models.sh build/meter-host/examples/cli/nerve [columns] [horizons] [models]
# prints one line per column, horizon and model: MAE, MSE, the ratio to the best naive baseline,
# and the baselines' MAE/MSE.
set -eu
if [ "${NERVE_FORECAST_MODEL:-}" != "" ] && [ "${1:-}" = "forecast" ]; then
    exec "$NERVE_CLI" "$@" --model "$NERVE_FORECAST_MODEL"
fi
cli=$(readlink -f "$1")
cols=${2:-"OT HUFL HULL MUFL MULL LUFL LULL"}
horizons=${3:-"24 1"}
models=${4:-"rls holt-winters"}
data=${NERVE_DATA_DIR:-../shared/data}
self=$(readlink -f "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'column H model mae mse ratio persistence_mae/mse seasonal_daily_mae/mse seasonal_weekly_mae/mse\n'
for h in $horizons; do
    for c in $cols; do
        for m in $models; do
            out=$(NERVE_CLI="$cli" NERVE_FORECAST_MODEL="$m" /usr/bin/python3 "$data/../tools/ett_eval.py" \
                --input "$data/ett/ETTh2.csv" --cli "$self" --column "$c" --horizon "$h" --out "$tmp/f.csv")
            v() { printf '%s\n' "$out" | sed -n "s/^$1: mae=\([0-9.]*\) mse=\([0-9.]*\)/\1 \2/p"; }
            r=$(printf '%s\n' "$out" | sed -n 's/^ratio=\([0-9.]*\).*/\1/p')
            printf '%s %s %s %s %s %s %s %s\n' "$c" "$h" "$m" "$(v nerve)" "$r" "$(v persistence | tr ' ' /)" \
                "$(v seasonal_daily | tr ' ' /)" "$(v seasonal_weekly | tr ' ' /)"
        done
    done
done
