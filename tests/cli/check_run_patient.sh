#!/bin/sh
# tests/cli/check_run_patient.sh NERVE WORKDIR
#
# `nerve run patient` on a synthetic two-lead WFDB record (written here by Python's standard
# library: format 16, 360 Hz, 60 s of beats at 75 bpm on both leads) whose lead 0 goes flat from
# 20 s to 35 s, as when an electrode lifts. The summary's "fallback_beats" counts the beats the
# second lead supplied: lead 0 is analysed exactly as alone, so the two-lead run's beats less its
# fallback beats are the --single-lead run's beats; the gap holds 19 of the 75 beats (at
# 0.4 + 0.8 k s) and the fallback must supply at least 17 of them and no more than 19 (one beat at
# each edge may go: the rule wants lead-0 beats around a gap), and a record whose lead 0 stays on
# needs none (all 75 beats from lead 0). Skips (77) without /usr/bin/python3.
set -u
nerve=$1
work=$2
python=/usr/bin/python3
mkdir -p "$work"
if ! "$python" -c "import struct" 2>/dev/null; then echo "no $python: skipped"; exit 77; fi
failures=0

# write_record NAME LOST_FROM_S LOST_TO_S: lead 0 is 0 mV over [from, to).
write_record() {
    "$python" - "$work/$1" "$2" "$3" <<'EOF'
import math, struct, sys
path, lost_from, lost_to = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
fs, seconds, rr = 360, 60, 0.8
n = fs * seconds
state = 7
def noise():  # deterministic, +-0.01 mV
    global state
    state = (state * 1664525 + 1013904223) % 2**32
    return (state / 2**32 - 0.5) * 0.02
def beat(t):  # QRS (sigma 10 ms) and T wave (sigma 40 ms, 250 ms later), mV
    k = round(t / rr)
    d = t - k * rr
    return 1.2 * math.exp(-0.5 * (d / 0.010) ** 2) + 0.3 * math.exp(-0.5 * ((d - 0.25) / 0.040) ** 2)
lead0, lead1 = [], []
for i in range(n):
    t = i / fs - 0.4
    v = beat(t)
    lead0.append(0 if lost_from <= i / fs < lost_to else round(200 * (v + noise())))
    lead1.append(round(200 * (0.7 * v + noise())))
with open(path + ".dat", "wb") as f:
    for a, b in zip(lead0, lead1):
        f.write(struct.pack("<hh", a, b))
def checksum(x):
    s = sum(x) % 65536
    return s - 65536 if s >= 32768 else s
name = path.rsplit("/", 1)[-1]
with open(path + ".hea", "w") as f:
    f.write(f"{name} 2 {fs} {n}\n")
    f.write(f"{name}.dat 16 200 16 0 {lead0[0]} {checksum(lead0)} 0 ECG0\n")
    f.write(f"{name}.dat 16 200 16 0 {lead1[0]} {checksum(lead1)} 0 ECG1\n")
EOF
}

# summary_field FILE KEY: the number after "KEY": in the summary line.
summary_field() {
    grep '"type":"summary"' "$1" | sed -n "s/.*\"$2\":\([0-9][0-9]*\).*/\1/p"
}

write_record lost 20 35 || { echo "FAIL: could not write the record"; exit 1; }
write_record intact 0 0 || { echo "FAIL: could not write the record"; exit 1; }
"$nerve" run patient --record "$work/lost" --quiet >"$work/lost_two.txt" || failures=$((failures + 1))
"$nerve" run patient --record "$work/lost" --quiet --single-lead >"$work/lost_one.txt" || failures=$((failures + 1))
"$nerve" run patient --record "$work/intact" --quiet >"$work/intact_two.txt" || failures=$((failures + 1))

two=$(summary_field "$work/lost_two.txt" beats)
fallback=$(summary_field "$work/lost_two.txt" fallback_beats)
one=$(summary_field "$work/lost_one.txt" beats)
one_fallback=$(summary_field "$work/lost_one.txt" fallback_beats)
intact_fallback=$(summary_field "$work/intact_two.txt" fallback_beats)
intact=$(summary_field "$work/intact_two.txt" beats)
echo "lost lead 0: two leads $two beats ($fallback fallback), one lead $one; intact: $intact beats ($intact_fallback fallback)"
if [ -z "$two" ] || [ -z "$fallback" ] || [ -z "$one" ] || [ -z "$one_fallback" ] || [ -z "$intact_fallback" ] || [ -z "$intact" ]; then
    echo "FAIL: a summary lacks beats or fallback_beats"; cat "$work/lost_two.txt" "$work/lost_one.txt" "$work/intact_two.txt"
    exit 1
fi
if [ $((two - fallback)) -ne "$one" ]; then echo "FAIL: two-lead beats - fallback_beats != single-lead beats"; failures=$((failures + 1)); fi
if [ "$fallback" -lt 17 ] || [ "$fallback" -gt 19 ]; then echo "FAIL: fallback_beats $fallback, wanted 17-19 (the gap's 19 beats)"; failures=$((failures + 1)); fi
if [ "$intact" -ne 75 ]; then echo "FAIL: the intact record gave $intact beats, not 75"; failures=$((failures + 1)); fi
if [ "$one_fallback" -ne 0 ]; then echo "FAIL: --single-lead reports fallback beats"; failures=$((failures + 1)); fi
if [ "$intact_fallback" -ne 0 ]; then echo "FAIL: an intact lead 0 still took fallback beats"; failures=$((failures + 1)); fi

# A file of the right length whose second signal changed in one sample: the header's checksum of
# signal 1 catches it, and nothing is analysed.
sed 's/intact/corrupt/g' "$work/intact.hea" >"$work/corrupt.hea"
"$python" - "$work/intact.dat" "$work/corrupt.dat" <<'EOF'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
b[4 * 1000 + 2] ^= 0x04  # frame 1000, signal 1, low byte: +-4 units
open(sys.argv[2], "wb").write(b)
EOF
if "$nerve" run patient --record "$work/corrupt" --quiet >"$work/corrupt.txt" 2>&1; then
    echo "FAIL: a record whose signal 1 fails its checksum was analysed"; failures=$((failures + 1))
elif ! grep -q "checksum of signal 1 " "$work/corrupt.txt"; then
    echo "FAIL: the checksum error does not name signal 1:"; cat "$work/corrupt.txt"; failures=$((failures + 1))
fi

if [ $failures -ne 0 ]; then echo "$failures failure(s)"; exit 1; fi
echo "run patient checks passed"
