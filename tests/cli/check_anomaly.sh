#!/bin/sh
# tests/cli/check_anomaly.sh NERVE WORKDIR
#
# `nerve anomaly` on a series written here by awk: 3,000 rows of a daily-like cycle (period 288,
# one day of 5-minute readings) with deterministic noise, three empty cells (rows 1000-1002), a
# spike at row 2000 and a level step of +40 % of the cycle's amplitude from row 2600 on.
# Checked, each against something the tool does not compute itself:
#   - the default detector alarms within 10 rows of the spike and within 300 rows of the step,
#     and nowhere else (the series is otherwise clean and periodic);
#   - --scores: one row per data row, warm-up rows (default 15 % = 450) and missing rows score 0
#     with no alarm, every score in [0, 1], its alarm column equals the JSON alarm lines, and the
#     summary's counts and highest score equal the file's;
#   - for every detector, the scores equal `nerve nab`'s for the same series (same warm-up rule)
#     and are 0 through the warm-up;
#   - the same three cells written as NaN, N/A and "-Inf" score as the empty ones, in `nerve
#     anomaly` and in `nerve nab` (one missing-value rule for every reader);
#   - --threshold T on zscore: gate at T with release at min(0.99, T), so with T = 0.9 an alarm
#     starts exactly where a score >= 0.9 follows one below 0.9: recomputed by awk from the scores;
#   - bad input: a text cell (error naming its line), --threshold 0, an unknown detector or
#     column: exit 1, a message, nothing on stdout.
set -u
nerve=$1
work=$2
mkdir -p "$work"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

series=$work/series.csv
awk 'BEGIN {
    print "timestamp,value"
    state = 12345
    for (i = 0; i < 3000; i++) {
        state = (state * 1103515245 + 12345) % 2147483648
        noise = (state / 2147483648 - 0.5) * 2
        v = 50 + 20 * sin(2 * 3.14159265358979 * i / 288) + noise
        if (i == 2000) v += 60
        if (i >= 2600) v += 8
        if (i >= 1000 && i <= 1002) printf "t%d,\n", i
        else printf "t%d,%.6f\n", i, v
    }
}' > "$series"

# --- the default detector --------------------------------------------------------------------
"$nerve" anomaly --input "$series" --scores "$work/scores.csv" > "$work/out.jsonl" || fail "default run failed"
alarms=$(grep -c '"type":"alarm"' "$work/out.jsonl")
near_spike=$(awk -F'"row":' '/"type":"alarm"/ { split($2, a, ","); r = a[1] + 0; if (r >= 2000 && r <= 2010) n++ } END { print n + 0 }' "$work/out.jsonl")
near_step=$(awk -F'"row":' '/"type":"alarm"/ { split($2, a, ","); r = a[1] + 0; if (r >= 2600 && r <= 2900) n++ } END { print n + 0 }' "$work/out.jsonl")
[ "$near_spike" -ge 1 ] || fail "no alarm within 10 rows of the spike at 2000"
[ "$near_step" -ge 1 ] || fail "no alarm within 300 rows of the step at 2600"
[ "$alarms" -eq $((near_spike + near_step)) ] || fail "$alarms alarms, only $near_spike + $near_step near the anomalies: $(grep alarm "$work/out.jsonl" | head -5)"

awk -F, -v out="$work/out.jsonl" '
    NR == 1 { if ($0 != "row,value,score,alarm") { print "header: " $0; bad++ }; next }
    {
        r = NR - 2
        if ($1 != r) { print "row " $1 " at line " NR; bad++ }
        if ($3 < 0 || $3 > 1) { print "score out of [0,1] at row " r ": " $3; bad++ }
        if (r < 450 && ($3 != 0 || $4 != 0)) { print "warm-up row " r " scored " $3; bad++ }
        if ($2 == "" && ($3 != 0 || $4 != 0)) { print "missing row " r " scored " $3; bad++ }
        if ($2 == "") missing++
        if ($4 == 1) { alarms++; rows[r] = 1 }
        if ($3 + 0 > max) { max = $3 + 0; maxrow = r }
    }
    END {
        if (r != 2999) { print "last row " r; bad++ }
        while ((getline line < out) > 0) {
            if (line ~ /"type":"alarm"/) {
                split(line, a, "\"row\":"); split(a[2], b, ","); if (!(b[1] in rows)) { print "JSON alarm at " b[1] " not in scores"; bad++ }
                json++
            }
            if (line ~ /"type":"summary"/) summary = line
        }
        if (json != alarms) { print json " JSON alarms, " alarms " in scores"; bad++ }
        want = sprintf("\"rows\":3000,\"missing\":%d,\"warmup\":450,", missing)
        if (index(summary, want) == 0) { print "summary lacks " want ": " summary; bad++ }
        if (index(summary, sprintf("\"alarms\":%d,", alarms)) == 0) { print "summary alarms: " summary; bad++ }
        if (index(summary, sprintf("\"max_row\":%d}", maxrow)) == 0) { print "summary max_row " maxrow ": " summary; bad++ }
        if (missing != 3) { print missing " missing rows, wrote 3"; bad++ }
        exit bad > 0
    }' "$work/scores.csv" || fail "scores file disagrees (see above)"

# --- every detector equals nerve nab on the same series -----------------------------------------
mkdir -p "$work/nab/data/test"
cp "$series" "$work/nab/data/test/series.csv"
for det in conformal_ensemble zscore robust_zscore ewma_chart cusum forecast_residual likelihood hst; do
    "$nerve" nab --data "$work/nab" --out "$work/nab_out_$det" --detector "$det" --quiet > /dev/null || fail "nab $det"
    "$nerve" anomaly --input "$series" --detector "$det" --scores "$work/scores_$det.csv" --quiet > /dev/null || fail "anomaly $det"
    # nab writes the float with fmt's shortest form too: compare the numbers
    if ! awk -F, 'NR == FNR { if (FNR > 1) s[FNR] = $3; next } FNR > 1 && s[FNR] + 0 != $3 + 0 { print "row " FNR - 2 ": " s[FNR] " vs " $3; bad = 1; exit } END { exit bad }' \
        "$work/nab_out_$det/data/test/series.csv" "$work/scores_$det.csv"; then
        fail "$det: anomaly's scores differ from nab's"
    fi
    awk -F, 'NR > 1 && NR - 2 < 450 && ($3 != 0 || $4 != 0) { print "warm-up row " NR - 2 ": " $0; bad = 1; exit } END { exit bad }' \
        "$work/scores_$det.csv" || fail "$det scores during its warm-up"
done

# --- missing-value markers: one rule in every reader ---------------------------------------------
# The three empty cells written as NaN, N/A and "-Inf" (quoted) instead: the same scores from
# `nerve anomaly` and from `nerve nab` (before the shared rule, anomaly refused all three and nab
# took NaN only).
awk 'NR == 1002 { sub(/,$/, ",NaN") } NR == 1003 { sub(/,$/, ",N/A") } NR == 1004 { sub(/,$/, ",\"-Inf\"") } { print }' \
    "$series" > "$work/markers.csv"
[ "$(grep -c -e ',NaN$' -e ',N/A$' -e ',"-Inf"$' "$work/markers.csv")" -eq 3 ] || fail "markers file not written as meant"
"$nerve" anomaly --input "$work/markers.csv" --scores "$work/markers_scores.csv" --quiet > "$work/markers.json" ||
    fail "anomaly with missing-value markers failed: $(cat "$work/markers.json")"
grep -q '"missing":3,' "$work/markers.json" || fail "markers summary: $(cat "$work/markers.json")"
if ! awk -F, 'NR == FNR { s[FNR] = $1 "," $3 "," $4; next } s[FNR] != $1 "," $3 "," $4 { print "line " FNR ": " s[FNR] " vs " $1 "," $3 "," $4; bad = 1; exit } END { exit bad }' \
    "$work/scores.csv" "$work/markers_scores.csv"; then
    fail "markers scored differently from empty cells"
fi
mkdir -p "$work/nab_markers/data/test"
cp "$work/markers.csv" "$work/nab_markers/data/test/series.csv"
"$nerve" nab --data "$work/nab_markers" --out "$work/nab_markers_out" > "$work/nab_markers.txt" || fail "nab with markers failed"
grep -q '(3 missing values scored 0)' "$work/nab_markers.txt" || fail "nab markers: $(cat "$work/nab_markers.txt")"
if ! awk -F, 'NR == FNR { s[FNR] = $3; next } s[FNR] != $3 { print "line " FNR ": " s[FNR] " vs " $3; bad = 1; exit } END { exit bad }' \
    "$work/nab_out_conformal_ensemble/data/test/series.csv" "$work/nab_markers_out/data/test/series.csv"; then
    fail "nab scored markers differently from empty cells"
fi

# A headerless file whose first cell is a marker: that row is data (missing), not a header.
printf 'NaN\n1\n2\n3\n' > "$work/nan_first.csv"
"$nerve" anomaly --input "$work/nan_first.csv" --warmup 1 > "$work/nan_first.json" || fail "headerless NaN-first file failed"
grep -q '"column":"column 0","rows":4,"missing":1,' "$work/nan_first.json" || fail "NaN-first file: $(cat "$work/nan_first.json")"

# --- --threshold on zscore, recomputed from its scores ------------------------------------------
"$nerve" anomaly --input "$series" --detector zscore --threshold 0.9 --scores "$work/z09.csv" --quiet > "$work/z09.json" || fail "zscore 0.9"
if ! awk -F, 'NR > 1 { want = ($3 >= 0.9 && !prev) ? 1 : 0; if ($4 != want) { print "row " $1 ": alarm " $4 ", score " $3 ", want " want; bad = 1 }; prev = ($3 >= 0.9); n += want }
              END { if (n == 0) { print "no alarm at 0.9"; bad = 1 }; exit bad }' "$work/z09.csv"; then
    fail "zscore --threshold 0.9 alarms are not the up-crossings of 0.9"
fi
grep -q '"threshold":0.9,' "$work/z09.json" || fail "summary threshold: $(cat "$work/z09.json")"

# --- bad input -------------------------------------------------------------------------------
expect_error() {  # expect_error PATTERN ARGS...: exit 1, PATTERN on stderr, nothing on stdout
    pattern=$1
    shift
    "$nerve" anomaly "$@" > "$work/bad.out" 2> "$work/bad.err"
    rc=$?
    [ "$rc" -eq 1 ] || fail "anomaly $*: exit $rc, want 1"
    grep -q "$pattern" "$work/bad.err" || fail "anomaly $*: stderr lacks '$pattern': $(cat "$work/bad.err")"
    [ ! -s "$work/bad.out" ] || fail "anomaly $*: printed $(head -c 200 "$work/bad.out")"
}
printf 'value\n1\n2\nabc\n4\n' > "$work/text.csv"
expect_error ':4' --input "$work/text.csv"
expect_error 'threshold' --input "$series" --threshold 0
expect_error "unknown detector 'nope'" --input "$series" --detector nope
expect_error "no column 'nope'" --input "$series" --column nope

if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed"
    exit 1
fi
echo "nerve anomaly: all checks passed ($alarms alarms on the synthetic series)"
