#!/bin/sh
# tests/cli/check_run_metering_vitals.sh MODE NERVE WORKDIR [DATADIR]
#
# `nerve run metering` and `nerve run vitals` against numbers worked out here, not copied from
# their output:
#   metering  the household of `nerve demo` (cmd_demo.cpp: hourly, a 6 h gap from day 24 10 h, a
#             10 h stuck register from day 31 8 h, a spike at day 38 3 h, an evening bypass from
#             reading 63 * 24 + 17): the events land where they were put, the theft is reported
#             within a day of its start and not before, each clean day's profile equals an awk
#             recomputation from the same CSV, the expected energy is the mean of the previous
#             (up to 28) days' once 7 are known; a time column's missing hour becomes a gap;
#             with a time column days are calendar days (hourly rows from 13:00, 15-minute rows
#             from 23:45: a partial first day, then whole days equal to awk's over each date);
#             without one they run from the first reading; bad input (2021-02-29, 2021-04-31 among
#             it; 2020-02-29 is a day) gives exit 1 and a message naming the line.
#   offsets   time stamps with UTC offsets (Z, +HH:MM, +HHMM, +HH, a fraction of a second): spring
#             and autumn changes of daylight saving time with hourly and 15-minute readings (Europe,
#             US Eastern) against awk's days on the stamps' wall clock (23 / 25 hours, 92 / 100
#             quarter hours; the repeated hour's rows merged into their mean, the skipped hour no
#             gap, the day's clock_energy the sum of its rows); UTC and constant-offset files equal
#             to the naive file of the same wall clock; gaps beside a change; nerve forecast's
#             readings per day from a file that starts inside the repeated hour; stamps with text
#             after them, offsets beyond +-18:00 or a change of 37 minutes give errors naming the line.
#             --time-zone (POSIX TZ rules): 2021 in CET-1CEST,M3.5.0,M10.5.0/3 at 15 min across both
#             changes, naive stamps read in the zone give the lines of the same stamps with their
#             offsets (the repeated hour's pass from the rows' order, also with a hole in it);
#             twelve zones (southern, negative DST, Jn / n rules, /-2 and /24 change times,
#             half-hour offsets) over 2020-2021 hourly (2020 a leap year) against GNU date's
#             offsets for the same rule (skipped without it); malformed rules, a time the clock
#             skipped, an offset the zone does not have: errors; nerve forecast's --time-zone,
#             whose errors for those two faults read as run metering's.
#   vitals    NEWS2 of boundary-value observations against the RCP 2017 chart written out in awk
#             below (sub-scores, score, risk band, trend); bad input gives exit 1, a message and
#             no output.
#   etth2     ETTh2's OT column (exit 77 without DATADIR/ett/ETTh2.csv): 24 readings a day from
#             the date column, 725 days, clean days' profiles equal awk's, the forecaster beats
#             persistence; the file from 13:00 of its first day gives awk's calendar days.
set -u
mode=$1
nerve=$2
work=$3
data=${4:-}
mkdir -p "$work"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# field NAME: the value of "NAME": in each JSON line on stdin (numbers, true/false, null, "strings").
field() { sed -n "s/.*\"$1\":\(\"[^\"]*\"\|[^,}]*\).*/\1/p"; }

# expect_error REGEX -- ARGS...: exit 1..127, REGEX on stderr, nothing on stdout.
expect_error() {
    pattern=$1; shift 2
    "$nerve" "$@" >"$work/out.txt" 2>"$work/err.txt"
    code=$?
    if [ $code -eq 0 ] || [ $code -ge 128 ]; then
        fail "exit $code, wanted an error exit: nerve $*"; cat "$work/err.txt"
    elif ! grep -Eq -- "$pattern" "$work/err.txt"; then
        fail "stderr lacks /$pattern/: nerve $*"; cat "$work/err.txt"
    elif [ -s "$work/out.txt" ]; then
        fail "output on stdout with an error: nerve $*"
    fi
}

# expect_bad_files HEADER ARGS...: the files every reader must refuse with a message (ARGS is the
# subcommand and its options but --input): a missing file, an empty one, random bytes, and a line
# of 1.2 MB after HEADER.
expect_bad_files() {
    header=$1; shift
    expect_error "does-not-exist" -- "$@" --input "$work/does-not-exist.csv"
    : >"$work/empty.csv"
    expect_error "empty" -- "$@" --input "$work/empty.csv"
    head -c 65536 /dev/urandom >"$work/random.csv" 2>/dev/null
    expect_error "random.csv" -- "$@" --input "$work/random.csv"
    awk -v h="$header" 'BEGIN { print h; for (i = 0; i < 300000; i++) printf "1234"; print "" }' >"$work/huge.csv"
    expect_error "huge.csv:2: the line is 1200000 bytes" -- "$@" --input "$work/huge.csv"
}

# check_profiles CSV COLUMN_NUMBER JSONL PER_DAY: every day line without gap, stuck or spike
# readings (whose values the monitor replaced by its forecast) has the energy, mean, peak, base
# load and load factor of its readings in the CSV (data rows only, 1-based column); prints the
# number of days compared.
check_profiles() {
    grep '"type":"day"' "$3" | sed 's/[{}"]//g' | tr ',' ' ' >"$work/days.txt"
    awk -F, -v col="$2" -v per="$4" -v days="$work/days.txt" '
        NR > 1 { v[NR - 2] = $col + 0 }
        END {
            bad = 0; n = 0
            while ((getline line < days) > 0) {
                m = split(line, kv, " ")
                for (i = 1; i <= m; i++) { split(kv[i], p, ":"); f[p[1]] = p[2] }
                if (f["gaps"] + f["stuck"] + f["spikes"] > 0) continue
                d = f["day"]; s = 0; pk = -1e300; lo = 1e300
                for (k = d * per; k < (d + 1) * per; k++) { s += v[k]; if (v[k] > pk) pk = v[k]; if (v[k] < lo) lo = v[k] }
                mean = s / per
                split("energy mean peak base_load load_factor", names, " ")
                want["energy"] = s; want["mean"] = mean; want["peak"] = pk; want["base_load"] = lo; want["load_factor"] = mean / pk
                for (j = 1; j <= 5; j++) {
                    g = f[names[j]] + 0; w = want[names[j]]
                    tol = 1e-7 * (w < 0 ? -w : w) + 1e-12
                    if (g - w > tol || w - g > tol) { print "day " d " " names[j] ": nerve " g ", awk " w; bad++ }
                }
                n++
            }
            print n
            exit bad > 0
        }' "$1"
}

# check_calendar_days CSV TIME_COLUMN VALUE_COLUMN JSONL PER_DAY: with a time column the days are
# calendar days. The day lines are the CSV's dates in order (from the date in "time"); a first day
# that starts after midnight is "partial":true with its own "readings" and no expected energy, every
# other day is whole (PER_DAY rows, its time its midnight); each day without gap, stuck or spike
# readings has the energy, mean (over its readings), peak, base load and load factor of its date's
# rows; the expected energy of a whole day is the mean of the previous (up to 28) whole days' once 7
# are known. The CSV has a row per interval (no missing rows). Prints the number of days compared.
check_calendar_days() {
    grep '"type":"day"' "$4" | sed 's/"time":"\([0-9-]*\) /"time":"\1_/; s/[{}"]//g' | tr ',' ' ' >"$work/days.txt"
    awk -F, -v tc="$2" -v col="$3" -v per="$5" -v days="$work/days.txt" '
        NR > 1 {
            t = $tc; gsub(/"/, "", t); d = substr(t, 1, 10); v = $col + 0
            if (!(d in n)) { dates[++nd] = d; if (nd == 1) starts_late = substr(t, 12) !~ /^00:00(:00)?$/; pk[d] = v; lo[d] = v }
            n[d]++; s[d] += v; if (v > pk[d]) pk[d] = v; if (v < lo[d]) lo[d] = v
        }
        END {
            bad = 0; compared = 0; k = 0; w = 0
            while ((getline line < days) > 0) {
                split("", f)
                m = split(line, kv, " ")
                for (i = 1; i <= m; i++) { c = index(kv[i], ":"); f[substr(kv[i], 1, c - 1)] = substr(kv[i], c + 1) }
                d = substr(f["time"], 1, 10); k++
                if (d != dates[k]) { print "day line " k " is " d ", the CSV has " dates[k]; bad++; continue }
                partial = k == 1 && starts_late
                if (!partial && substr(f["time"], 12) != "00:00:00") { print d ": a whole day from " f["time"]; bad++ }
                if (partial != (f["partial"] == "true")) { print d ": partial " f["partial"] ", wanted " partial; bad++ }
                if (partial && f["readings"] != n[d]) { print d ": readings " f["readings"] ", wanted " n[d]; bad++ }
                if (!partial && n[d] != per) { print d ": a whole day of " n[d] " rows"; bad++ }
                if (partial) {
                    if (f["expected"] != "0") { print d ": a partial day with expected " f["expected"]; bad++ }
                } else {
                    e[w] = f["energy"] + 0
                    if (w >= 7) {
                        c = w < 28 ? w : 28; sum = 0
                        for (j = w - c; j < w; j++) sum += e[j]
                        want = sum / c; g = f["expected"] + 0
                        if (g - want > 1e-7 * want || want - g > 1e-7 * want) { print d ": expected " g ", wanted " want; bad++ }
                    } else if (f["expected"] != "0") { print d ": expected " f["expected"] " before 7 whole days"; bad++ }
                    w++
                }
                if (f["gaps"] + f["stuck"] + f["spikes"] > 0) continue
                mean = s[d] / n[d]
                want_of["energy"] = s[d]; want_of["mean"] = mean; want_of["peak"] = pk[d]; want_of["base_load"] = lo[d]
                want_of["load_factor"] = mean / pk[d]
                for (name in want_of) {
                    g = f[name] + 0; want = want_of[name]
                    tol = 1e-7 * (want < 0 ? -want : want) + 1e-12
                    if (g - want > tol || want - g > tol) { print d " " name ": nerve " g ", awk " want; bad++ }
                }
                compared++
            }
            print compared
            exit bad > 0
        }' "$1"
}

# clock_file FILE STEP FIRST_DAY DAYS MONTH CHANGE BEFORE AFTER STYLE: readings every STEP seconds
# of 2021-MONTH from local midnight of FIRST_DAY for DAYS local days, as a meter whose clock is at
# UTC+BEFORE seconds until the instant CHANGE (seconds since the month began, UTC) and UTC+AFTER
# from then on, each stamp written with its offset in STYLE: colon (+01:00), compact (+0100), hours
# (+01), Z (UTC; BEFORE = AFTER = 0), naive (no offset; BEFORE = AFTER), or colon-fraction (":00.000"
# seconds before the offset). The reading: a day-night pattern of the local hour plus a term that
# changes every row (no stuck runs; the two rows of a repeated hour differ).
clock_file() {
    awk -v step="$2" -v d0="$3" -v days="$4" -v month="$5" -v change="$6" -v before="$7" -v after="$8" -v style="$9" '
        function stamp(off,   a) {
            if (style == "naive") return ""
            if (style == "Z") return "Z"
            a = off < 0 ? -off : off
            if (style == "hours") return sprintf("%s%02d", off < 0 ? "-" : "+", a / 3600)
            return sprintf(style == "compact" ? "%s%02d%02d" : "%s%02d:%02d", off < 0 ? "-" : "+", a / 3600, a % 3600 / 60)
        }
        BEGIN {
            print "time,kwh"
            for (u = (d0 - 1) * 86400 - before; ; u += step) {
                off = u < change ? before : after
                l = u + off
                if (l >= (d0 - 1 + days) * 86400) break
                h = int(l % 86400 / 3600)
                printf "2021-%02d-%02d%s%02d:%02d:%02d%s%s,%.4f\n", month, 1 + int(l / 86400), (i % 2 ? "T" : " "), h,
                       int(l % 3600 / 60), l % 60, (style == "colon-fraction" ? ".000" : ""), stamp(off),
                       0.3 + 0.8 * (h >= 17 && h <= 21) + 0.4 * (h >= 7 && h <= 8) + 0.001 * ((i * 37) % 53)
                i++
            }
        }' >"$1"
}

# check_clock_days CSV JSONL PER_DAY: the day lines of a file with UTC offsets (clock_file's: whole
# local days, one row per interval of real time, no missing rows) against awk's reading of the CSV
# by the wall clock its stamps state. Per local date: the rows are its clock intervals; its slots
# (distinct wall-clock times) PER_DAY less the clock's skipped ones; the rows beyond the slots its
# repeated intervals; a slot's reading the mean of its rows. A day with skipped or repeated
# intervals must say so ("clock_intervals", "skipped", "repeated") with "clock_energy" the sum of
# all its rows; every other day must not and has PER_DAY rows. Energy, mean, peak, base load and
# load factor are those of the slot readings (not on a day with skipped slots, whose readings the
# forecast fills). The --all reading lines: a merged slot's value is its mean, "merged" its row
# count, "clock":"repeated"; a skipped slot is "clock":"skipped", no reading and no gap. Prints
# the days compared.
check_clock_days() {
    grep '"type":"day"' "$2" | sed 's/"time":"\([0-9-]*\) /"time":"\1_/; s/[{}"]//g' | tr ',' ' ' >"$work/days.txt"
    grep '"type":"reading"' "$2" | sed 's/"time":"\([0-9-]*\) /"time":"\1_/; s/[{}"]//g' | tr ',' ' ' >"$work/readings.txt"
    awk -F, -v per="$3" -v days="$work/days.txt" -v readings="$work/readings.txt" '
        function fields(line,   m, kv, i, c) {
            split("", f); m = split(line, kv, " ")
            for (i = 1; i <= m; i++) { c = index(kv[i], ":"); f[substr(kv[i], 1, c - 1)] = substr(kv[i], c + 1) }
        }
        function near(g, w) { return g - w <= 1e-7 * (w < 0 ? -w : w) + 1e-9 && w - g <= 1e-7 * (w < 0 ? -w : w) + 1e-9 }
        NR > 1 {
            t = $1; d = substr(t, 1, 10); key = d "_" substr(t, 12, 5) ":00"; v = $2 + 0
            if (!(d in rows)) dates[++nd] = d
            rows[d]++; sum[d] += v
            if (!(key in n)) { slots[d]++; slot_of[d, slots[d]] = key }
            n[key]++; s[key] += v
        }
        END {
            bad = 0; k = 0
            while ((getline line < days) > 0) {
                fields(line); d = substr(f["time"], 1, 10); k++
                if (d != dates[k]) { print "day line " k " is " d ", the CSV has " dates[k]; bad++; continue }
                skipped = per - slots[d]; repeated = rows[d] - slots[d]
                if (skipped + repeated > 0) {
                    if (f["clock_intervals"] != rows[d] || f["skipped"] != skipped || f["repeated"] != repeated) {
                        print d ": clock_intervals/skipped/repeated " f["clock_intervals"] "/" f["skipped"] "/" f["repeated"] ", wanted " rows[d] "/" skipped "/" repeated; bad++ }
                    if (!near(f["clock_energy"] + 0, sum[d])) { print d ": clock_energy " f["clock_energy"] ", wanted " sum[d]; bad++ }
                    changes++
                } else if ("clock_intervals" in f || rows[d] != per) { print d ": " rows[d] " rows, no change of clock wanted"; bad++ }
                if (f["gaps"] + f["stuck"] + f["spikes"] > 0) { print d ": gaps/stuck/spikes " f["gaps"] "/" f["stuck"] "/" f["spikes"]; bad++; continue }
                if (skipped > 0) continue
                e = 0; pk = -1e300; lo = 1e300
                for (j = 1; j <= slots[d]; j++) { m = s[slot_of[d, j]] / n[slot_of[d, j]]; e += m; if (m > pk) pk = m; if (m < lo) lo = m }
                want["energy"] = e; want["mean"] = e / per; want["peak"] = pk; want["base_load"] = lo; want["load_factor"] = e / per / pk
                for (name in want) if (!near(f[name] + 0, want[name])) { print d " " name ": nerve " f[name] ", awk " want[name]; bad++ }
            }
            while ((getline line < readings) > 0) {
                fields(line); key = f["time"]
                if (f["clock"] == "skipped") {
                    if (key in n || f["value"] != "null" || f["flags"] != "[]") { print key ": a skipped slot with " line; bad++ }
                    skips++
                } else if (n[key] > 1) {
                    if (f["clock"] != "repeated" || f["merged"] != n[key] || !near(f["value"] + 0, s[key] / n[key])) {
                        print key ": merged reading " f["value"] " of " f["merged"] ", wanted " s[key] / n[key] " of " n[key]; bad++ }
                    merges++
                } else if (n[key] != 1 || "merged" in f) { print key ": " n[key] " rows for the reading " line; bad++ }
            }
            print k " days (" changes + 0 " with a change of clock), " skips + 0 " skipped and " merges + 0 " merged readings"
            exit bad > 0
        }' "$1"
}

case $mode in
metering)
    "$nerve" demo --only metering --no-data --no-plots --out "$work/demo" >"$work/demo.txt" 2>&1 ||
        { echo "FAIL: nerve demo --only metering"; cat "$work/demo.txt"; exit 1; }
    csv=$work/demo/metering.csv
    "$nerve" run metering --input "$csv" --column reading --per-day 24 >"$work/hh.jsonl" 2>"$work/hh.err" ||
        { echo "FAIL: run metering on the household"; cat "$work/hh.err"; exit 1; }
    events=$work/hh.jsonl
    # Indices of the events carrying FLAG, one per line.
    at() { grep '"type":"event"' "$events" | grep "\"$1\"" | field index | tr '\n' ' ' | sed 's/ $//'; }

    theft=$((63 * 24 + 17))
    drift_before=$(grep '"type":"event"' "$events" | grep -E '"drift_(up|down)"' | field index |
                   awk -v t=$theft '$1 < t' | wc -l)
    [ "$drift_before" -eq 0 ] || fail "$drift_before drift alarm(s) before the theft at reading $theft"
    first_down=$(at drift_down | tr ' ' '\n' | awk -v t=$theft '$1 >= t' | head -n 1)
    # The CUSUM on the forecast residual must react within hours (meter_monitor.hpp step 4):
    # within one day of the first bypassed reading.
    if [ -z "$first_down" ] || [ "$first_down" -ge $((theft + 24)) ]; then
        fail "theft from reading $theft: first drift_down at '${first_down:-none}', wanted within 24 readings"
    fi
    # The gap: readings 24 * 24 + 10 .. + 15, and no other.
    want=$(seq $((24 * 24 + 10)) $((24 * 24 + 15)) | tr '\n' ' ' | sed 's/ $//')
    [ "$(at gap)" = "$want" ] || fail "gap events at '$(at gap)', wanted '$want'"
    # The stuck register: 10 equal readings from 31 * 24 + 8; the monitor flags a run from its
    # stuck_run-th equal reading on (default a quarter day: 6), so the last 5 of them.
    start=$((31 * 24 + 8))
    want=$(seq $((start + 5)) $((start + 9)) | tr '\n' ' ' | sed 's/ $//')
    [ "$(at stuck)" = "$want" ] || fail "stuck events at '$(at stuck)', wanted '$want'"
    at spike | tr ' ' '\n' | grep -qx $((38 * 24 + 3)) || fail "the spike at reading $((38 * 24 + 3)) not flagged"
    # The summary agrees with the event lines.
    sum=$(tail -n 1 "$events")
    [ "$(echo "$sum" | field type)" = '"summary"' ] || fail "last line is not the summary"
    [ "$(echo "$sum" | field readings)" = 2016 ] || fail "summary readings $(echo "$sum" | field readings), wanted 2016"
    [ "$(echo "$sum" | field days)" = 84 ] || fail "summary days $(echo "$sum" | field days), wanted 84"
    [ "$(echo "$sum" | field gaps)" = 6 ] || fail "summary gaps $(echo "$sum" | field gaps), wanted 6"
    [ "$(echo "$sum" | field stuck)" = 5 ] || fail "summary stuck $(echo "$sum" | field stuck), wanted 5"
    n=$(grep -c '"type":"event"' "$events")
    [ "$(echo "$sum" | field event_readings)" = "$n" ] || fail "summary event_readings vs $n event lines"
    # Daily profiles against awk (column 2 of the demo's CSV is the reading).
    compared=$(check_profiles "$csv" 2 "$events" 24) || { echo "$compared"; fail "daily profiles differ from awk"; }
    compared=$(echo "$compared" | tail -n 1)
    clean=$(grep '"type":"day"' "$events" | grep -c '"gaps":0,"stuck":0,"spikes":0,')
    [ "$compared" -eq "$clean" ] && [ "$clean" -ge 70 ] || fail "$compared days compared, $clean clean of 84"
    # Expected energy: the mean of the previous min(d, 28) days' energy once 7 are known; the
    # shortfall 1 - energy / expected. The bypassed evenings make the days after day 63 short.
    grep '"type":"day"' "$events" | sed 's/[{}"]//g' | tr ',' ' ' | awk '
        { m = split($0, kv, " "); for (i = 1; i <= m; i++) { split(kv[i], p, ":"); f[p[1]] = p[2] }
          d = f["day"]; e[d] = f["energy"] + 0
          if (d >= 7) {
              n = d < 28 ? d : 28; s = 0
              for (k = d - n; k < d; k++) s += e[k]
              w = s / n; g = f["expected"] + 0
              if (g - w > 1e-7 * w || w - g > 1e-7 * w) { print "day " d " expected " g ", wanted " w; bad++ }
              sf = 1 - e[d] / w; g = f["shortfall"] + 0
              if (g - sf > 1e-5 || sf - g > 1e-5) { print "day " d " shortfall " g ", wanted " sf; bad++ }
              if (d >= 64) { after += sf; na++ } else if (d >= 14) { before += sf; nb++ }
          } else if (f["expected"] != "0") { print "day " d " expected " f["expected"] " before 7 days"; bad++ }
        }
        END { if (after / na < 0.1 || before / nb > 0.05 || before / nb < -0.05) {
                  print "mean shortfall before " before / nb ", after " after / na; bad++ }
              exit bad > 0 }' || fail "expected energy / shortfall"

    # --quiet: only the summary; --all: a line per reading.
    [ "$("$nerve" run metering --input "$csv" --column reading --per-day 24 --quiet | wc -l)" -eq 1 ] ||
        fail "--quiet printed more than the summary"
    [ "$("$nerve" run metering --input "$csv" --column reading --per-day 24 --all | grep -c '"type":"reading"')" -eq 2016 ] ||
        fail "--all did not print 2016 reading lines"

    # A time column: 3 days of hourly rows, 05:00 of the second day missing, one unreadable cell,
    # a NaN, an Inf and an empty cell; all missing readings are gaps at their own times.
    awk 'BEGIN { print "Timestamp,Load"
                 for (d = 1; d <= 3; d++) for (h = 0; h < 24; h++) {
                     if (d == 2 && h == 5) continue
                     v = 1 + (h >= 17) + 0.01 * ((d * 24 + h) % 7)
                     if (d == 2 && h == 7) v = "ERR"; if (d == 2 && h == 8) v = "NaN"
                     if (d == 2 && h == 9) v = "-Inf"; if (d == 2 && h == 10) v = ""
                     printf "2026-03-%02d %02d:00:00,%s\n", d, h, v } }' >"$work/timed.csv"
    "$nerve" run metering --input "$work/timed.csv" --column load >"$work/timed.jsonl" 2>"$work/timed.err" ||
        fail "run metering on a timed CSV"
    grep -q "1 cell of column 'Load' not a number" "$work/timed.err" || fail "no warning for the unreadable cell"
    sum=$(tail -n 1 "$work/timed.jsonl")
    for kv in per_day:24 readings:72 rows:71 inserted_gaps:1 unreadable_cells:1 gaps:5 days:3; do
        [ "$(echo "$sum" | field "${kv%%:*}")" = "${kv#*:}" ] || fail "timed CSV: ${kv%%:*} $(echo "$sum" | field "${kv%%:*}"), wanted ${kv#*:}"
    done
    gap_times=$(grep '"gap"' "$work/timed.jsonl" | field time | tr '\n' ' ')
    [ "$gap_times" = '"2026-03-02 05:00:00" "2026-03-02 07:00:00" "2026-03-02 08:00:00" "2026-03-02 09:00:00" "2026-03-02 10:00:00" ' ] ||
        fail "gap times $gap_times"
    "$nerve" run metering --input "$work/timed.csv" --column load --strict >/dev/null 2>"$work/err.txt" &&
        fail "--strict accepted 'ERR'"
    grep -q 'timed.csv:32:' "$work/err.txt" || fail "--strict error does not name line 32 (05:00 of day 2 is absent): $(cat "$work/err.txt")"
    # 15-minute rows: 96 readings a day from the time column.
    awk 'BEGIN { print "t,kwh"
                 for (i = 0; i < 96 * 2; i++)
                     printf "2026-03-%02d %02d:%02d,%.3f\n", 1 + int(i / 96), int(i / 4) % 24, (i % 4) * 15, 0.2 + (i % 96) / 400 }' >"$work/q.csv"
    [ "$("$nerve" run metering --input "$work/q.csv" --quiet | field per_day)" = 96 ] || fail "15-minute rows: per_day not 96"
    # Calendar days. Hourly rows from 13:00 for 11 days and 6 hours (no repeats: the pattern's
    # small term changes every hour): a partial first day of 11 readings, 11 whole days from
    # midnight, 6 readings of an unfinished last day.
    awk 'BEGIN { print "time,kwh"
                 for (i = 13; i < 13 + 24 * 11 + 11 + 6; i++) {
                     h = i % 24
                     printf "2026-03-%02d %02d:00:00,%.4f\n", 1 + int(i / 24), h,
                            0.4 + (h >= 17 && h <= 22) + 0.5 * (h >= 7 && h <= 8) + 0.001 * ((i * 37) % 53) } }' >"$work/noon.csv"
    "$nerve" run metering --input "$work/noon.csv" >"$work/noon.jsonl" 2>"$work/err.txt" ||
        { fail "run metering on a file from 13:00"; cat "$work/err.txt"; }
    compared=$(check_calendar_days "$work/noon.csv" 1 2 "$work/noon.jsonl" 24) ||
        { echo "$compared"; fail "a file from 13:00: day lines differ from awk's calendar days"; }
    [ "$(echo "$compared" | tail -n 1)" = 12 ] || fail "a file from 13:00: $(echo "$compared" | tail -n 1) days compared, wanted 12"
    sum=$(tail -n 1 "$work/noon.jsonl")
    for kv in days:11 partial_first_day_readings:11 partial_day_readings:6 readings:$((11 + 24 * 11 + 6)); do
        [ "$(echo "$sum" | field "${kv%%:*}")" = "${kv#*:}" ] || fail "a file from 13:00: ${kv%%:*} $(echo "$sum" | field "${kv%%:*}"), wanted ${kv#*:}"
    done
    # Without the time column, days run from the first reading: 11 of 24 readings (281 // 24), none
    # partial.
    "$nerve" run metering --input "$work/noon.csv" --time none --per-day 24 >"$work/untimed.jsonl"
    [ "$(grep -c '"type":"day"' "$work/untimed.jsonl")" = 11 ] && ! grep -q '"partial":true' "$work/untimed.jsonl" ||
        fail "--time none: wanted 11 whole days from the first reading"
    # 15-minute rows from 23:45: a partial first day of one reading, then whole days of 96.
    awk 'BEGIN { print "t,kwh"
                 for (i = 95; i < 95 + 1 + 96 * 9 + 40; i++)
                     printf "2026-03-%02d %02d:%02d,%.4f\n", 1 + int(i / 96), int(i / 4) % 24, (i % 4) * 15,
                            0.2 + (i % 96) / 400 + 0.0001 * ((i * 37) % 53) }' >"$work/q2345.csv"
    "$nerve" run metering --input "$work/q2345.csv" >"$work/q2345.jsonl" 2>"$work/err.txt" ||
        { fail "run metering on 15-minute rows from 23:45"; cat "$work/err.txt"; }
    compared=$(check_calendar_days "$work/q2345.csv" 1 2 "$work/q2345.jsonl" 96) ||
        { echo "$compared"; fail "15-minute rows from 23:45: day lines differ from awk's calendar days"; }
    [ "$(echo "$compared" | tail -n 1)" = 10 ] || fail "15-minute rows from 23:45: $(echo "$compared" | tail -n 1) days compared, wanted 10"
    [ "$(grep -m 1 '"type":"day"' "$work/q2345.jsonl" | field readings)" = 1 ] || fail "15-minute rows from 23:45: first day not of 1 reading"
    # A file cut short inside its last line: that line is dropped, with a warning.
    printf 'time,kwh\n2026-01-01 00:00,1\n2026-01-01 01:00,2\n2026-01-01 02:0' >"$work/cut.csv"
    [ "$("$nerve" run metering --input "$work/cut.csv" --quiet 2>"$work/err.txt" | field readings)" = 2 ] ||
        fail "cut-short last line not dropped"
    grep -q 'last line' "$work/err.txt" || fail "no warning for the cut-short last line"

    # Column names (nerve::cli::match_column, the rule of every command): as written, else the one
    # column a name matches ignoring case; two that match ignoring case and none as written: an error.
    awk 'BEGIN { print "Time,Load,LOAD"
                 for (i = 0; i < 48; i++) printf "2026-03-%02d %02d:00,%.3f,%.3f\n", 1 + int(i / 24), i % 24, 1 + i / 100, 2 + i / 100 }' >"$work/names.csv"
    expect_error "column 'load' is ambiguous: 'Load', 'LOAD'" -- run metering --input "$work/names.csv" --column load
    cut -d, -f1,2 "$work/names.csv" | sed '1s/.*/Time,TIME,kwh/; 2,$s/^\([^,]*\),/\1,\1,/' >"$work/times.csv"
    expect_error "time column 'time' is ambiguous: 'Time', 'TIME'" -- run metering --input "$work/times.csv" --column kwh --time time
    for kv in Load:Load LOAD:LOAD; do
        [ "$("$nerve" run metering --input "$work/names.csv" --column "${kv%%:*}" --quiet | field column)" = "\"${kv#*:}\"" ] ||
            fail "--column ${kv%%:*} did not read column ${kv#*:}"
    done
    [ "$("$nerve" run metering --input "$work/names.csv" --column LOAD --time time --quiet | field time_column)" = '"Time"' ] ||
        fail "--time time did not find column Time"

    # Bad input.
    expect_error "no column 'watts'.*Load" -- run metering --input "$work/timed.csv" --column watts
    printf 'time,kwh\n' >"$work/header_only.csv"
    expect_error "no data rows" -- run metering --input "$work/header_only.csv" --per-day 24
    printf 'kwh\nx\n-\n\n' >"$work/no_numbers.csv"
    expect_error "no numeric reading" -- run metering --input "$work/no_numbers.csv" --per-day 24
    printf 'kwh\n1\n2\n' >"$work/untimed.csv"
    expect_error "per-day" -- run metering --input "$work/untimed.csv"
    expect_error "8\.\.1023" -- run metering --input "$work/untimed.csv" --per-day 4
    expect_error "15-minute|900 s apart.*--per-day 24" -- run metering --input "$work/q.csv" --per-day 24
    printf 'time,kwh\n2026-01-01 01:00,1\n2026-01-01 00:00,2\n' >"$work/backwards.csv"
    expect_error "backwards.csv:3: .*does not come after" -- run metering --input "$work/backwards.csv"
    printf 'time,kwh\n2026-01-01 00:00,1\nyesterday,2\n' >"$work/badtime.csv"
    expect_error "badtime.csv:3: 'yesterday'" -- run metering --input "$work/badtime.csv" --time time
    # Days past their month's end are errors naming the line (before, 2021-02-29 read as 03-01);
    # 29 February of a leap year (2020, 2000) is a day. On the first row too (the time column is
    # still found by the stamp's shape).
    for kv in 2021-02-29:28 2100-02-29:28 2021-04-31:30 2021-02-31:28 2021-12-32:; do
        day=${kv%%:*}; n=${kv#*:}
        printf 'time,kwh\n%s 23:00,1\n%s 00:00,2\n%s 01:00,3\n' "$day" "$day" "$day" | sed '2s/^[0-9-]*/2021-01-01/' >"$work/no_day.csv"
        if [ -n "$n" ]; then
            expect_error "no_day.csv:3: '$day 00:00' in time column 'time' has a day past the end of its month \\($n days\\)" -- run metering --input "$work/no_day.csv" --per-day 24
            printf 'time,kwh\n%s 00:00,2\n%s 01:00,3\n' "$day" "$day" >"$work/no_day1.csv"
            expect_error "no_day1.csv:2: '$day 00:00' in time column 'time' has a day past the end of its month" -- run metering --input "$work/no_day1.csv"
        else
            expect_error "no_day.csv:3: '$day 00:00' in time column 'time' is not a date-time" -- run metering --input "$work/no_day.csv" --per-day 24
        fi
    done
    for day in 2020-02-29 2000-02-29 2021-04-30 2021-02-28; do
        awk -v d="$day" 'BEGIN { print "time,kwh"; for (h = 0; h < 24; h++) printf "%s %02d:00,%d\n", d, h, 1 + h % 5 }' >"$work/day.csv"
        sum=$("$nerve" run metering --input "$work/day.csv" --quiet 2>"$work/err.txt") || { fail "$day refused: $(cat "$work/err.txt")"; continue; }
        [ "$(echo "$sum" | field readings)" = 24 ] && [ "$(echo "$sum" | field days)" = 1 ] || fail "$day: $sum"
        "$nerve" run metering --input "$work/day.csv" | grep '"type":"day"' | grep -q "\"time\":\"$day 00:00:00\"" || fail "$day: no day line at its midnight"
    done
    printf 'time,kwh\n2026-01-01 00:00:00,1\n2026-01-01 00:00:01,2\n' >"$work/seconds.csv"
    expect_error "1 s apart, 86400 readings a day" -- run metering --input "$work/seconds.csv"
    # Holes: a year and the rows' worth of missing intervals at most (memory stays bounded).
    printf 'time,kwh\n2026-01-01 00:00,1\n2026-01-01 01:00,2\n2026-12-01 00:00,2\n2027-11-30 00:00,2\n' >"$work/holes.csv"
    expect_error "holes.csv:5: the time column leaves more than" -- run metering --input "$work/holes.csv"
    printf 'time,kwh\n2026-01-01 00:00,1\n' >"$work/one_row.csv"
    expect_error "one row.*--per-day" -- run metering --input "$work/one_row.csv"
    printf 'kwh\n1\n2\0\n3\n' >"$work/nul.csv"
    expect_error "nul.csv:3: a NUL byte" -- run metering --input "$work/nul.csv" --per-day 24
    expect_bad_files "kwh" run metering --column kwh --per-day 24
    printf 'kwh\n"1\n' >"$work/quote.csv"
    expect_error "quote.csv:2: .*quote" -- run metering --input "$work/quote.csv" --per-day 24
    ;;

offsets)
    # Time stamps with UTC offsets (2021's European changes: 03-28 and 10-31 at 01:00 UTC; the US
    # Eastern one: 03-14 at 07:00 UTC). Per file: readings a day, days, rows, readings, clock
    # changes, skipped / repeated slots, merged rows, then the day lines against awk.
    spring=$((27 * 86400 + 3600)); autumn=$((30 * 86400 + 3600)); eastern=$((13 * 86400 + 7 * 3600))
    for spec in "spring96 900 26 5 3 $spring 3600 7200 colon 96 5 476 480 1 4 0 0" \
                "spring24 3600 26 5 3 $spring 3600 7200 colon-fraction 24 5 119 120 1 1 0 0" \
                "autumn24 3600 28 4 10 $autumn 7200 3600 compact 24 4 97 96 1 0 1 1" \
                "autumn96 900 29 3 10 $autumn 7200 3600 hours 96 3 292 288 1 0 4 4" \
                "eastern24 3600 12 5 3 $eastern -18000 -14400 colon 24 5 119 120 1 1 0 0"; do
        set -- $spec
        name=$1; shift
        clock_file "$work/$name.csv" "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$8"
        "$nerve" run metering --input "$work/$name.csv" --all >"$work/$name.jsonl" 2>"$work/err.txt" ||
            { fail "run metering on $name"; cat "$work/err.txt"; continue; }
        sum=$(tail -n 1 "$work/$name.jsonl")
        for kv in per_day:$9 days:${10} rows:${11} readings:${12} offset_changes:${13} skipped_slots:${14} \
                  repeated_slots:${15} merged_rows:${16} utc_offsets:true inserted_gaps:0 gaps:0; do
            [ "$(echo "$sum" | field "${kv%%:*}")" = "${kv#*:}" ] || fail "$name: ${kv%%:*} $(echo "$sum" | field "${kv%%:*}"), wanted ${kv#*:}"
        done
        got=$(check_clock_days "$work/$name.csv" "$work/$name.jsonl" "$9") || { echo "$got"; fail "$name: day lines differ from awk's wall clock"; }
        [ "$(echo "$got" | tail -n 1)" = "${10} days (1 with a change of clock), ${14} skipped and ${16} merged readings" ] ||
            fail "$name: $(echo "$got" | tail -n 1)"
        [ "$(grep -c '"type":"event"' "$work/$name.jsonl")" = 0 ] || fail "$name: event lines (a skipped slot is no gap)"
    done
    # The spring day has 23 hours (92 quarter hours), the autumn day 25 (100).
    [ "$(grep '"time":"2021-03-28 00:00:00"' "$work/spring96.jsonl" | grep '"type":"day"' | field clock_intervals)" = 92 ] ||
        fail "spring96: 2021-03-28 is not 92 quarter hours long"
    [ "$(grep '"time":"2021-10-31 00:00:00"' "$work/autumn96.jsonl" | grep '"type":"day"' | field clock_intervals)" = 100 ] ||
        fail "autumn96: 2021-10-31 is not 100 quarter hours long"

    # UTC ('Z') and a constant offset: the same lines as the naive file of the same wall clock, but
    # for the readings' offsets and the summary's offset counts.
    same_as_naive() {  # NAME OFFSET STYLE
        clock_file "$work/$1.csv" 3600 1 10 3 0 "$2" "$2" "$3"
        clock_file "$work/$1_naive.csv" 3600 1 10 3 0 "$2" "$2" naive
        "$nerve" run metering --input "$work/$1.csv" --all | sed "s/,\"utc_offset\":\"$4\"//; s/,\"utc_offsets\":true,\"offset_changes\":0,\"skipped_slots\":0,\"repeated_slots\":0,\"merged_rows\":0//; s/\"input\":\"[^\"]*\"//" >"$work/$1.jsonl"
        "$nerve" run metering --input "$work/$1_naive.csv" --all | sed 's/"input":"[^"]*"//' >"$work/$1_naive.jsonl"
        [ "$(grep -c '"type":"day"' "$work/$1.jsonl")" = 10 ] && cmp -s "$work/$1.jsonl" "$work/$1_naive.jsonl" ||
            fail "$1: output differs from the naive file of the same wall clock"
    }
    same_as_naive utc 0 Z +00:00
    same_as_naive plus2 7200 colon +02:00
    same_as_naive minus0530 -19800 compact -05:30

    # Gaps next to a change: the autumn hourly file without its second 02:00 (the repeated slot
    # keeps the first one's reading, no merge) and the spring one without 03:00 (a gap beside the
    # skipped 02:00), both without 12:00 of 10-29 / 03-27 (a plain gap).
    grep -v -e '02:00:00+0100' -e '10-29.12:00' "$work/autumn24.csv" >"$work/autumn_gap.csv"
    grep -v -e '03-28.03:00' -e '03-27.12:00' "$work/spring24.csv" >"$work/spring_gap.csv"
    for kv in autumn_gap:95:96:1:1:0:0 spring_gap:117:120:2:2:1:0; do
        IFS=: read -r name rows readings gaps inserted skipped merged <<EOF2
$kv
EOF2
        sum=$("$nerve" run metering --input "$work/$name.csv" --quiet)
        for want in rows:$rows readings:$readings gaps:$gaps inserted_gaps:$inserted skipped_slots:$skipped merged_rows:$merged; do
            [ "$(echo "$sum" | field "${want%%:*}")" = "${want#*:}" ] || fail "$name: ${want%%:*} $(echo "$sum" | field "${want%%:*}"), wanted ${want#*:}"
        done
    done

    # nerve forecast: readings a day from the first two rows' instants, also when they straddle
    # the autumn change (local 02:45 then 02:00); a row per row out.
    { head -n 1 "$work/autumn96.csv"; grep -A 1000 '10-31.02:45:00+02' "$work/autumn96.csv"; } >"$work/straddle.csv"
    rows=$(($(wc -l <"$work/straddle.csv") - 1))
    "$nerve" forecast --input "$work/straddle.csv" --column kwh --horizon 4 --output "$work/fc.csv" 2>"$work/err.txt" ||
        { fail "forecast on a file from the autumn change"; cat "$work/err.txt"; }
    grep -q "$rows rows of 'kwh', 96 readings per day" "$work/err.txt" || fail "forecast across the autumn change: $(cat "$work/err.txt")"
    [ "$(wc -l <"$work/fc.csv")" = $((rows + 1)) ] || fail "forecast: not one line per row"

    # Bad stamps: errors naming the line.
    bad_time() {  # NAME ROW2-TIME ROW3-TIME ERROR-REGEX (after NAME.csv:)
        printf 'time,kwh\n%s,1\n%s,2\n2021-06-01T02:00:00+02:00,3\n' "$2" "$3" >"$work/$1.csv"
        expect_error "$1.csv:$4" -- run metering --input "$work/$1.csv" --time time
    }
    bad_time beyond18 2021-06-01T00:00:00+02:00 2021-06-01T01:00:00+19:00 "3: '2021-06-01T01:00:00\+19:00' in time column 'time' has a UTC offset beyond \+-18:00"
    printf 'time,kwh\n2016-07-01 00:00:00garbage,1\n2016-07-01 01:00:00,2\n' >"$work/garbage.csv"
    expect_error "garbage.csv:2: '2016-07-01 00:00:00garbage' in time column 'time' is not a date-time" -- run metering --input "$work/garbage.csv" --time time
    for stamp in '2021-06-01 01:00:00garbage' '2021-06-01T01:00:00 +02:00' '2021-06-01T01:00:00+01:60' \
                 '2021-06-01T01:00:00+1' '2021-06-01T01:00:00+02:00:00' '2021-06-01T01:00:00.1234567890+02:00' \
                 '2021-06-01T01:00:00.+02:00' '2021-06-01T01:00+02:00Z' '2021-06-01T01:00:00UTC' '2021-06-01T01:00:'; do
        bad_time trailing 2021-06-01T00:00:00+02:00 "$stamp" "3: .* is not a date-time"
    done
    bad_time mixed 2021-06-01T00:00:00+02:00 '2021-06-01 01:00:00' "3: .* lacks a UTC offset"
    bad_time same_instant 2021-06-01T12:00:00+02:00 2021-06-01T11:00:00+01:00 "3: time 2021-06-01 11:00:00\+01:00 does not come after the previous row's 2021-06-01 12:00:00\+02:00"
    awk 'BEGIN { print "time,kwh"; for (i = 0; i < 8; i++) printf "2021-06-01T%02d:%02d:00+01:00,1.%d\n", i / 4, i % 4 * 15, i
                 print "2021-06-01T02:37:00+01:37,2" }' >"$work/jump37.csv"
    expect_error "jump37.csv:10: the UTC offset changes from \+01:00 to \+01:37, 37 min, not a whole number of the 900 s intervals" -- run metering --input "$work/jump37.csv"

    # --time-zone: naive stamps read in a POSIX TZ rule give what the same stamps with their offsets
    # give. 2021 in CET/CEST at 15 min from 03-20 to 11-06 (both changes, 03-28 and 10-31 at 01:00
    # UTC), the offsets worked out here (awk), then dropped for the naive file.
    cet='CET-1CEST,M3.5.0,M10.5.0/3'
    awk 'function stamp(u,   z, era, doe, yoe, doy, mp, d, m) {  # UTC seconds -> "YYYY-MM-DD HH:MM:SS" (H. Hinnant)
             z = int(u / 86400) + 719468; era = int(z / 146097); doe = z - era * 146097
             yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365)
             doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100)); mp = int((5 * doy + 2) / 153)
             d = doy - int((153 * mp + 2) / 5) + 1; m = mp < 10 ? mp + 3 : mp - 9
             return sprintf("%04d-%02d-%02d %02d:%02d:%02d", yoe + era * 400 + (m <= 2), m, d, int(u % 86400 / 3600), int(u % 3600 / 60), u % 60)
         }
         BEGIN {
             spring = 18714 * 86400 + 3600; autumn = 18931 * 86400 + 3600  # 2021-03-28, 2021-10-31 01:00 UTC
             print "time,kwh"
             for (u = 18706 * 86400 - 3600; u < 18937 * 86400 - 3600; u += 900) {  # 03-20 .. 11-06 local midnight
                 off = u >= spring && u < autumn ? 2 : 1; l = u + off * 3600; h = int(l % 86400 / 3600)
                 printf "%s+%02d:00,%.4f\n", stamp(l), off, 0.3 + 0.8 * (h >= 17 && h <= 21) + 0.4 * (h >= 7 && h <= 8) + 0.001 * ((i++ * 37) % 53)
             }
         }' >"$work/cet_offsets.csv"
    sed 's/+0[12]:00,/,/' "$work/cet_offsets.csv" >"$work/cet_naive.csv"
    "$nerve" run metering --input "$work/cet_offsets.csv" --all | sed 's/"input":"[^"]*"//' >"$work/cet_offsets.jsonl"
    "$nerve" run metering --input "$work/cet_naive.csv" --all --time-zone "$cet" >"$work/cet_naive.jsonl" 2>"$work/err.txt" ||
        { fail "--time-zone $cet on the naive file"; cat "$work/err.txt"; }
    tail -n 1 "$work/cet_naive.jsonl" | grep -q ",\"time_zone\":\"$cet\"," || fail "--time-zone: the summary does not name the zone"
    sed 's/"input":"[^"]*"//; s/,"time_zone":"[^"]*"//' "$work/cet_naive.jsonl" >"$work/cet_naive_stripped.jsonl"
    cmp -s "$work/cet_offsets.jsonl" "$work/cet_naive_stripped.jsonl" || fail "--time-zone $cet: output differs from the file with offsets"
    # Stamps with offsets keep them; the zone only checks them (a mismatch: below).
    "$nerve" run metering --input "$work/cet_offsets.csv" --all --time-zone "$cet" | sed 's/"input":"[^"]*"//; s/,"time_zone":"[^"]*"//' |
        cmp -s - "$work/cet_offsets.jsonl" || fail "--time-zone $cet changed the file with offsets"
    [ "$(grep -c '"type":"day"' "$work/cet_naive.jsonl")" = 231 ] || fail "--time-zone: $(grep -c '"type":"day"' "$work/cet_naive.jsonl") day lines, wanted 231"
    for kv in 2021-03-28:92 2021-10-31:100; do
        [ "$(grep '"type":"day"' "$work/cet_naive.jsonl" | grep "\"time\":\"${kv%%:*} 00:00:00\"" | field clock_intervals)" = "${kv#*:}" ] ||
            fail "--time-zone: ${kv%%:*} is not ${kv#*:} quarter hours long"
    done
    sum=$(tail -n 1 "$work/cet_naive.jsonl")
    for kv in offset_changes:2 skipped_slots:4 repeated_slots:4 merged_rows:4 gaps:0; do
        [ "$(echo "$sum" | field "${kv%%:*}")" = "${kv#*:}" ] || fail "--time-zone: ${kv%%:*} $(echo "$sum" | field "${kv%%:*}"), wanted ${kv#*:}"
    done
    # Without the zone the naive file is the wall clock alone: the repeated hour goes backwards.
    expect_error "cet_naive.csv:[0-9]*: time 2021-10-31 02:00:00 does not come after the previous row's 2021-10-31 02:45:00" -- run metering --input "$work/cet_naive.csv"
    # The repeated hour's order decides its pass; a file without the second pass of 02:00-02:45
    # reads those rows as the first pass (no merge); one without the first pass's 02:15 still reads
    # the backwards 02:00 as the second pass.
    grep -v -e '10-31 02:[0-9:]*+01:00' "$work/cet_offsets.csv" | sed 's/+0[12]:00,/,/' >"$work/cet_first_pass.csv"
    [ "$("$nerve" run metering --input "$work/cet_first_pass.csv" --time-zone "$cet" --quiet | field merged_rows)" = 0 ] ||
        fail "--time-zone: a file without the second pass merged rows"
    grep -v -e '10-31 02:15:00+02:00' "$work/cet_offsets.csv" >"$work/cet_hole.csv"
    sed 's/+0[12]:00,/,/' "$work/cet_hole.csv" >"$work/cet_hole_naive.csv"
    [ "$("$nerve" run metering --input "$work/cet_hole_naive.csv" --time-zone "$cet" | sed 's/"input":"[^"]*"//; s/,"time_zone":"[^"]*"//' | md5sum)" = \
      "$("$nerve" run metering --input "$work/cet_hole.csv" | sed 's/"input":"[^"]*"//' | md5sum)" ] ||
        fail "--time-zone: a hole in the first pass reads differently from the file with offsets"

    # The rules against the C library's reading of the same POSIX TZ strings (GNU date; its
    # answers are the reference here only, nerve does not use them): hourly rows through 2020 (a
    # leap year: Jn and n differ) and 2021 of UTC, written as each zone's wall clock with the
    # offsets date gives, and without them read with --time-zone, must give the same lines. Northern and southern zones, negative DST
    # (Ireland), negative and 24-hour change times, Jn and n rules, half-hour offsets.
    if TZ=UTC0 date -d @0 '+%F %T%:z' >/dev/null 2>&1; then
        awk 'BEGIN { for (u = 1577836800; u < 1640995200; u += 3600) print "@" u }' >"$work/instants.txt"
        zones=0
        for zone in "$cet" 'EST5EDT,M3.2.0,M11.1.0' 'UTC0' '<+0530>-5:30' 'AEST-10AEDT,M10.1.0,M4.1.0/3' \
                    '<-03>3<-02>,M3.5.0/-2,M10.5.0/-1' 'IST-1GMT0,M10.5.0,M3.5.0/1' 'NZST-12NZDT,M9.5.0,M4.1.0/3' \
                    'XXX3YYY,J60/1,J300/2' 'XXX3YYY,59/1,300/2' '<-04>4<-03>,M9.1.6/24,M4.1.6/24' \
                    'PST8PDT,M3.2.0/2:30:15,M11.1.0/1:00:00'; do
            { echo "time,kwh"; TZ=$zone date -f "$work/instants.txt" '+%F %T%:z' | awk '{ printf "%s,%.3f\n", $0, 1 + (NR * 37) % 53 / 10 }'; } >"$work/zone_offsets.csv"
            sed 's/[+-][0-9][0-9]:[0-9][0-9],/,/' "$work/zone_offsets.csv" >"$work/zone_naive.csv"
            "$nerve" run metering --input "$work/zone_offsets.csv" --all | sed 's/"input":"[^"]*"//' >"$work/zone_offsets.jsonl" ||
                fail "'$zone': date's offsets refused"
            "$nerve" run metering --input "$work/zone_naive.csv" --all --time-zone "$zone" >"$work/zone_naive.jsonl" 2>"$work/err.txt" ||
                { fail "--time-zone '$zone' refused the naive file"; cat "$work/err.txt"; }
            sed -i 's/"input":"[^"]*"//; s/,"time_zone":"[^"]*"//' "$work/zone_naive.jsonl"
            n=$(tail -n 1 "$work/zone_naive.jsonl" | field readings)
            [ "${n:-0}" -ge 17500 ] && cmp -s "$work/zone_offsets.jsonl" "$work/zone_naive.jsonl" ||
                fail "--time-zone '$zone': the naive file reads differently from date's offsets"
            zones=$((zones + 1))
        done
        [ "$zones" = 12 ] || fail "$zones zones compared with date's, wanted 12"
    else
        echo "note: no GNU date with POSIX TZ rules; the zones are not checked against the C library"
    fi

    # Bad zones and stamps: clear errors, no output.
    for tz in 'CET' 'CET-1CEST' 'Europe/Berlin' ':Europe/Berlin' 'CET-25' 'CET-1CEST,M3.5.0' \
              'CET-1CEST,M3.5.0,M10.6.0' 'CET-1CEST,M3.5.0,M10.5.0/3x' '<+05' 'CE-1' 'CET-1CEST,J0,J365'; do
        expect_error "--time-zone: '$(printf '%s' "$tz" | sed 's/[+.]/\\&/g')' is not a POSIX TZ rule" -- run metering --input "$work/cet_naive.csv" --time-zone "$tz"
        expect_error "--time-zone: .* is not a POSIX TZ rule" -- forecast --input "$work/cet_naive.csv" --output "$work/fc.csv" --time-zone "$tz"
    done
    expect_error "10\.6\.0.*: 6 is beyond 5 \(character 23\)" -- run metering --input "$work/cet_naive.csv" --time-zone 'CET-1CEST,M3.5.0,M10.6.0'
    expect_error "Europe/Berlin.*needs the tz database" -- run metering --input "$work/cet_naive.csv" --time-zone 'Europe/Berlin'
    printf 'time,kwh\n2021-03-28 01:00,1\n2021-03-28 01:30,2\n2021-03-28 02:30,3\n2021-03-28 03:00,4\n' >"$work/cet_gap.csv"
    expect_error "cet_gap.csv:4: '2021-03-28 02:30' in time column 'time' is a wall-clock time that time zone '$cet' skips" -- run metering --input "$work/cet_gap.csv" --time-zone "$cet"
    expect_error "cet_offsets.csv:2: '2021-03-20 00:00:00\+01:00' in time column 'time' states UTC offset \+01:00, time zone 'EST5EDT,M3.2.0,M11.1.0' has -04:00 at that instant" -- run metering --input "$work/cet_offsets.csv" --time-zone 'EST5EDT,M3.2.0,M11.1.0'
    expect_error "--time-zone without a time column" -- run metering --input "$work/cet_naive.csv" --time none --per-day 96 --time-zone "$cet"
    printf 'time,kwh\n2021-06-01 01:00,1\n2021-06-01 00:00,2\n' >"$work/cet_back.csv"
    expect_error "cet_back.csv:3: time 2021-06-01 00:00:00\+02:00 does not come after" -- run metering --input "$work/cet_back.csv" --time-zone "$cet"
    # nerve forecast: a naive file from 02:45 of the repeated hour reads 96 a day in the zone (the
    # next row, 02:00, is its second pass), without it the step goes backwards and the default is 24.
    { head -n 1 "$work/cet_naive.csv"; grep -A 200 '10-31 02:45' "$work/cet_naive.csv"; } >"$work/straddle_naive.csv"
    "$nerve" forecast --input "$work/straddle_naive.csv" --column kwh --horizon 4 --output "$work/fc.csv" --time-zone "$cet" 2>"$work/err.txt" &&
        grep -q "96 readings per day" "$work/err.txt" || fail "forecast --time-zone across the autumn change: $(cat "$work/err.txt")"
    "$nerve" forecast --input "$work/straddle_naive.csv" --column kwh --horizon 4 --output "$work/fc.csv" 2>"$work/err.txt" &&
        grep -q "24 readings per day" "$work/err.txt" || fail "forecast without --time-zone: $(cat "$work/err.txt")"
    { head -n 1 "$work/cet_naive.csv"; grep -A 3 '03-28 01:45' "$work/cet_naive.csv" | sed '2s/03:00/02:30/'; } >"$work/fc_gap.csv"
    expect_error "fc_gap.csv:3: '2021-03-28 02:30:00' is a wall-clock time that time zone '$cet' skips" -- forecast --input "$work/fc_gap.csv" --column kwh --output "$work/fc.csv" --time-zone "$cet"
    # The same fault in the same words from both commands (timestamp.hpp describe_fault): a first
    # row the spring change skips, a stated offset the zone does not have; run metering only adds
    # which column the cell is in.
    printf 'time,kwh\n2021-03-28 02:30,1\n2021-03-28 03:00,2\n2021-03-28 03:30,3\n' >"$work/gap_first.csv"
    for case in "gap_first.csv|$cet|'2021-03-28 02:30' is a wall-clock time that time zone" \
                "cet_offsets.csv|EST5EDT,M3.2.0,M11.1.0|'2021-03-20 00:00:00+01:00' states UTC offset +01:00, time zone"; do
        IFS='|' read -r file tz words <<EOF2
$case
EOF2
        "$nerve" run metering --input "$work/$file" --time-zone "$tz" 2>&1 >/dev/null | sed "s/ in time column 'time'//" >"$work/err_metering.txt"
        "$nerve" forecast --input "$work/$file" --column kwh --output "$work/fc.csv" --time-zone "$tz" 2>"$work/err_forecast.txt" >/dev/null
        grep -qF "$file:2: $words" "$work/err_forecast.txt" && cmp -s "$work/err_metering.txt" "$work/err_forecast.txt" ||
            fail "$file in '$tz': run metering and forecast word the fault differently: $(cat "$work/err_metering.txt" "$work/err_forecast.txt")"
    done
    ;;

vitals)
    # Boundary values of every band of the chart, cycled against each other (list lengths are
    # coprime to spread the combinations); scale 2 and oxygen on every third / second row.
    awk 'BEGIN {
        split("8 9 11 12 20 21 24 25", rr, " ")
        split("83 84 85 86 87 88 91 92 93 94 95 96 97 100", sp, " ")
        split("90 91 100 101 110 111 219 220 150", bp, " ")
        split("40 41 50 51 90 91 110 111 130 131 70", hr, " ")
        split("A C V P U A A", lv, " ")
        split("34.9 35.0 35.1 36.0 36.1 38.0 38.1 39.0 39.1 37.2 40.5 36.6 35.5", tp, " ")
        print "Time,Respiration Rate,SPO2,on-oxygen,Systolic_BP,HR,ACVPU,Temperature,Hypercapnic"
        for (i = 0; i < 60; i++)
            printf "t%d,%s,%s,%s,%s,%s,%s,%s,%d\n", i, rr[i % 8 + 1], sp[i % 14 + 1], (i % 2 ? "yes" : "0"),
                   bp[i % 9 + 1], hr[i % 11 + 1], lv[i % 7 + 1], tp[i % 13 + 1], (i % 3 == 2)
        # Missing values: not scored, incomplete; an unknown oxygen is scored as air.
        print "m1,,96,0,120,,A,36.5,0"
        print "m2,16,NaN,,120,70,,37,0"
        print "m3,16,96,1,120,70,a,-,"
    }' >"$work/obs.csv"
    "$nerve" run vitals --input "$work/obs.csv" >"$work/obs.jsonl" 2>"$work/obs.err" ||
        { echo "FAIL: run vitals"; cat "$work/obs.err"; exit 1; }
    # The RCP 2017 NEWS2 chart (Royal College of Physicians, "National Early Warning Score (NEWS) 2",
    # chart 1), one band per line; charted values are whole numbers (temperature to 0.1 degC).
    awk -F, '
        function rr_s(x) { if (x <= 8) return 3; if (x <= 11) return 1; if (x <= 20) return 0; if (x <= 24) return 2; return 3 }
        function sp1_s(x) { if (x <= 91) return 3; if (x <= 93) return 2; if (x <= 95) return 1; return 0 }
        # Scale 2: <=83 3, 84-85 2, 86-87 1, 88-92 and >=93 on air 0, 93-94 on oxygen 1, 95-96 2, >=97 3.
        function sp2_s(x, o2) {
            if (x <= 83) return 3; if (x <= 85) return 2; if (x <= 87) return 1
            if (x <= 92 || !o2) return 0; if (x <= 94) return 1; if (x <= 96) return 2; return 3 }
        function bp_s(x) { if (x <= 90) return 3; if (x <= 100) return 2; if (x <= 110) return 1; if (x <= 219) return 0; return 3 }
        function hr_s(x) { if (x <= 40) return 3; if (x <= 50) return 1; if (x <= 90) return 0; if (x <= 110) return 1; if (x <= 130) return 2; return 3 }
        function t_s(x) { if (x <= 35.0) return 3; if (x <= 36.0) return 1; if (x <= 38.0) return 0; if (x <= 39.0) return 1; return 2 }
        function miss(c) { return c == "" || c == "NaN" || c == "-" }
        NR == 1 { next }
        {
            o2 = ($4 == "yes" || $4 == "1"); complete = 1; red = 0; total = 0
            p[1] = miss($2) ? "null" : rr_s($2)
            p[2] = miss($3) ? "null" : ($9 == 1 ? sp2_s($3, o2) : sp1_s($3))
            p[3] = miss($4) ? "null" : (o2 ? 2 : 0)
            p[4] = miss($5) ? "null" : bp_s($5)
            p[5] = miss($6) ? "null" : hr_s($6)
            p[6] = miss($7) ? "null" : (toupper($7) == "A" ? 0 : 3)
            p[7] = miss($8) ? "null" : t_s($8 + 0.0)
            parts = ""
            for (k = 1; k <= 7; k++) {
                if (p[k] == "null") complete = 0; else { total += p[k]; if (p[k] == 3) red = 1 }
                parts = parts (k > 1 ? " " : "") p[k]
            }
            risk = total >= 7 ? "high" : total >= 5 ? "medium" : red ? "low-medium" : "low"
            # Trend: against the previous score and the mean of up to four previous ones.
            dprev = n ? total - s[n] : 0; m = 0; c = 0
            for (k = n; k >= 1 && k > n - 4; k--) { m += s[k]; c++ }
            rising = c && total - m / c >= 2 ? "true" : "false"
            s[++n] = total
            print total, "\"" risk "\"", (complete ? "true" : "false"), parts, dprev, rising
        }' "$work/obs.csv" >"$work/want.txt"
    # nerve's lines in the same layout: score risk complete the seven parts delta_previous rising.
    grep '"type":"observation"' "$work/obs.jsonl" |
        sed 's/.*"score":\([^,]*\),"risk":\("[^"]*"\),"complete":\([a-z]*\),.*"parts":{\([^}]*\)},"delta_previous":\([^,]*\),.*"rising":\([a-z]*\)}$/\1 \2 \3 \4 \5 \6/' |
        sed 's/"[a-z0-9_]*"://g' | tr ',' ' ' >"$work/got.txt"
    [ "$(wc -l <"$work/want.txt")" -eq 63 ] || fail "the reference scored $(wc -l <"$work/want.txt") rows, wanted 63"
    diff "$work/want.txt" "$work/got.txt" >"$work/diff.txt" || { cat "$work/diff.txt"; fail "NEWS2 differs from the chart (< chart, > nerve)"; }
    # Every band of every parameter occurs (the test covers the chart, not a corner of it).
    for k in 1 2 4 5 6 7; do
        bands=$(awk -v k=$k '{ print $(3 + k) }' "$work/want.txt" | grep -v null | sort -u | tr -d '\n')
        case $k in 6) want=03 ;; 7) want=0123 ;; *) want=0123 ;; esac
        [ "$bands" = "$want" ] || fail "parameter $k covers sub-scores '$bands', wanted '$want'"
    done
    risks=$(awk '{ print $2 }' "$work/want.txt" | sort -u | tr '\n' ' ')
    [ "$risks" = '"high" "low" "low-medium" "medium" ' ] || fail "the test rows cover risks $risks"
    sum=$(tail -n 1 "$work/obs.jsonl")
    [ "$(echo "$sum" | field observations)" = 63 ] || fail "summary observations"
    [ "$(echo "$sum" | field incomplete)" = 3 ] || fail "summary incomplete $(echo "$sum" | field incomplete), wanted 3"
    want_max=$(awk '$1 > m { m = $1 } END { print m }' "$work/want.txt")
    [ "$(echo "$sum" | field max_score)" = "$want_max" ] || fail "summary max_score, wanted $want_max"
    [ "$("$nerve" run vitals --input "$work/obs.csv" --quiet | wc -l)" -eq 1 ] || fail "--quiet printed more than the summary"

    # Bad input: a message naming the file (and line), exit 1, nothing on stdout.
    cut -d, -f1,2,4- "$work/obs.csv" >"$work/no_spo2.csv"
    expect_error "no column for spo2" -- run vitals --input "$work/no_spo2.csv"
    printf 'rr,spo2,o2,sbp,hr,acvpu,temp\n16,96,0,120,70,A,37\n16,96,0,120,70,X,37\n' >"$work/bad_level.csv"
    expect_error "bad_level.csv:3: 'X' in column 'acvpu'" -- run vitals --input "$work/bad_level.csv"
    printf 'rr,spo2,o2,sbp,hr,acvpu,temp\n16,96,0,120,abc,A,37\n' >"$work/bad_number.csv"
    expect_error "bad_number.csv:2: 'abc' in column 'hr' is not a number" -- run vitals --input "$work/bad_number.csv"
    printf 'rr,spo2,o2,sbp,hr,acvpu,temp\n16,96,maybe,120,70,A,37\n' >"$work/bad_flag.csv"
    expect_error "bad_flag.csv:2: 'maybe' in column 'o2'" -- run vitals --input "$work/bad_flag.csv"
    printf 'rr,spo2,o2,sbp,hr,acvpu,temp\n16,96,0,120,70,A,37\n16,96,0,120' >"$work/short.csv"
    expect_error "short.csv:3: the row has 4 cells, the header 7" -- run vitals --input "$work/short.csv"
    printf 'rr,spo2,o2,sbp,hr,acvpu,temp\n' >"$work/header_only.csv"
    expect_error "no observations" -- run vitals --input "$work/header_only.csv"
    expect_bad_files "rr,spo2,o2,sbp,hr,acvpu,temp" run vitals
    # Column names: vitals' looser rule (case, spaces, '-' for '_') on the shared lookup: a header
    # cell written as the name wins (heart_rate 140 scores 3, Heart Rate 70 would score 0), two that
    # are the name only loosely are an error naming them.
    printf 'rr,spo2,o2,sbp,Heart Rate,heart_rate,acvpu,temp\n16,96,0,120,70,140,A,37\n' >"$work/exact.csv"
    [ "$("$nerve" run vitals --input "$work/exact.csv" | grep '"type":"observation"' | field heart_rate)" = 3 ] ||
        fail "heart_rate as written did not win over 'Heart Rate'"
    printf 'rr,spo2,o2,sbp,Heart Rate,heart-rate,acvpu,temp\n16,96,0,120,70,140,A,37\n' >"$work/loose.csv"
    expect_error "column 'heart_rate' is ambiguous: 'Heart Rate', 'heart-rate'" -- run vitals --input "$work/loose.csv"
    ;;

etth2)
    csv=$data/ett/ETTh2.csv
    if [ ! -f "$csv" ]; then echo "skipped: no $csv (set NERVE_DATA_DIR)"; exit 77; fi
    "$nerve" run metering --input "$csv" --column OT >"$work/ot.jsonl" 2>"$work/ot.err" ||
        { echo "FAIL: run metering on ETTh2"; cat "$work/ot.err"; exit 1; }
    rows=$(($(grep -c . "$csv") - 1))
    sum=$(tail -n 1 "$work/ot.jsonl")
    for kv in per_day:24 readings:$rows days:$((rows / 24)) inserted_gaps:0 time_column:'"date"'; do
        [ "$(echo "$sum" | field "${kv%%:*}")" = "${kv#*:}" ] || fail "ETTh2: ${kv%%:*} $(echo "$sum" | field "${kv%%:*}"), wanted ${kv#*:}"
    done
    # OT is the 8th column.
    compared=$(check_profiles "$csv" 8 "$work/ot.jsonl" 24) || { echo "$compared"; fail "ETTh2 daily profiles differ from awk"; }
    compared=$(echo "$compared" | tail -n 1)
    [ "$compared" -ge 300 ] || fail "only $compared clean ETTh2 days compared"
    # The one-step forecast beats persistence (seasonal_forecaster.hpp: ratio 0.53 on OT at H = 1).
    ratio=$(echo "$sum" | field ratio)
    awk -v r="$ratio" 'BEGIN { exit !(r > 0 && r < 1) }' || fail "ETTh2 OT forecast/persistence MAE ratio $ratio"
    # The same file from 13:00 of its first day: a partial first day of 11 readings, then calendar
    # days equal to awk's over each date's rows.
    { head -n 1 "$csv"; tail -n +15 "$csv"; } >"$work/ot13.csv"
    "$nerve" run metering --input "$work/ot13.csv" --column OT >"$work/ot13.jsonl" 2>"$work/ot13.err" ||
        { echo "FAIL: run metering on ETTh2 from 13:00"; cat "$work/ot13.err"; exit 1; }
    late=$(check_calendar_days "$work/ot13.csv" 1 8 "$work/ot13.jsonl" 24) || { echo "$late"; fail "ETTh2 from 13:00: day lines differ from awk's calendar days"; }
    late=$(echo "$late" | tail -n 1)
    [ "$late" -ge 300 ] || fail "only $late clean ETTh2 days from 13:00 compared"
    [ "$(tail -n 1 "$work/ot13.jsonl" | field partial_first_day_readings)" = 11 ] || fail "ETTh2 from 13:00: partial first day not 11 readings"
    echo "ETTh2 OT: $compared clean days of $((rows / 24)) equal awk's profiles; MAE ratio $ratio; from 13:00: $late clean calendar days equal awk's"
    ;;
*)
    echo "usage: $0 metering|offsets|vitals|etth2 NERVE WORKDIR [DATADIR]"; exit 2 ;;
esac

if [ $failures -ne 0 ]; then echo "$failures failure(s)"; exit 1; fi
echo "all run $mode checks passed"
