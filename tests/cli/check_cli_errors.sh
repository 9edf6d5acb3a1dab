#!/bin/sh
# tests/cli/check_cli_errors.sh NERVE WORKDIR
#
# The `nerve` tool's contract for bad invocations: every subcommand answers --help with exit 0;
# an unknown option, a missing file, a malformed CSV row, a truncated or hostile input file each
# give a message on stderr and an exit code of 1-127 (a signal, i.e. a crash, is >= 128 in sh).
set -u
nerve=$1
work=$2
mkdir -p "$work"
failures=0

# expect CODE REGEX -- ARGS...: CODE is "ok" (exit 0) or "error" (1..127 with REGEX on stderr).
expect() {
    want=$1; pattern=$2; shift 3
    "$nerve" "$@" >"$work/out.txt" 2>"$work/err.txt"
    code=$?
    if [ "$want" = ok ]; then
        if [ $code -ne 0 ]; then echo "FAIL (exit $code, wanted 0): nerve $*"; failures=$((failures + 1)); fi
        return
    fi
    if [ $code -eq 0 ] || [ $code -ge 128 ]; then
        echo "FAIL (exit $code, wanted an error exit): nerve $*"; cat "$work/err.txt"; failures=$((failures + 1))
    elif ! grep -Eq -- "$pattern" "$work/err.txt"; then
        echo "FAIL (stderr lacks /$pattern/): nerve $*"; cat "$work/err.txt"; failures=$((failures + 1))
    fi
}

for sub in nab anomaly drift forecast infer "run maintenance" "run motor" "run patient" "run metering" "run vitals" demo; do
    # shellcheck disable=SC2086
    expect ok "" -- $sub --help
done
printf 'time,value\n1,2.5\n2,3\n' >"$work/good.csv"
unknown="--bogus"
expect error "$unknown" -- nab --data "$work" --out "$work/nab" $unknown
expect error "$unknown" -- drift --input "$work/good.csv" $unknown
expect error "$unknown" -- forecast --input "$work/good.csv" --output "$work/f.csv" $unknown
expect error "$unknown" -- infer --model "$work/good.csv" --info $unknown
expect error "$unknown" -- run maintenance --input "$work/good.csv" --fs 1 --rpm 1 $unknown
expect error "$unknown" -- run patient --record "$work/x" $unknown
expect error "$unknown" -- demo $unknown
expect error "required" -- drift
expect error "frobnicate" -- frobnicate
expect error "run frobnicate" -- run frobnicate

missing="$work/does-not-exist.csv"
expect error "does-not-exist" -- drift --input "$missing"
expect error "does-not-exist" -- forecast --input "$missing" --output "$work/f.csv"
expect error "does-not-exist" -- run maintenance --input "$missing" --fs 12000 --rpm 1797
expect error "does-not-exist" -- run patient --record "$work/does-not-exist"
expect error "does-not-exist" -- infer --model "$work/does-not-exist.tflite" --info
expect error "does-not-exist|data" -- nab --data "$work/does-not-exist" --out "$work/nab"

printf 'time,value\n1,2.5\n2,x\n3,4\n' >"$work/malformed.csv"
expect error "malformed.csv:3" -- drift --input "$work/malformed.csv" --column value
expect error "malformed.csv:3" -- forecast --input "$work/malformed.csv" --column value --output "$work/f.csv"
expect error "column" -- drift --input "$work/malformed.csv" --column no_such_column

# One column-name rule for every command (nerve::cli::match_column): a name as written wins, else
# the one column it names ignoring case; several it names ignoring case and none as written is an
# error naming them.
awk 'BEGIN { print "time,Load,LOAD,Value"
             for (i = 0; i < 100; i++) printf "%d,%.3f,%.3f,%.3f\n", i, 1 + (i % 24 >= 17), 5 + (i % 7) / 100, 10 + (i % 5) }' >"$work/names.csv"
expect error "column 'load' is ambiguous: 'Load', 'LOAD'" -- drift --input "$work/names.csv" --column load
expect error "column 'load' is ambiguous: 'Load', 'LOAD'" -- forecast --input "$work/names.csv" --column load --output "$work/f.csv"
expect error "column 'load' is ambiguous: 'Load', 'LOAD'" -- run maintenance --input "$work/names.csv" --format csv --column load --fs 12000 --rpm 1797
expect ok "" -- drift --input "$work/names.csv" --column LOAD
for name in value VALUE Value; do
    "$nerve" forecast --input "$work/names.csv" --column $name --output "$work/f.csv" >"$work/out.txt" 2>&1 &&
        grep -q "rows of 'Value'" "$work/out.txt" ||
        { echo "FAIL: forecast --column $name did not read column 'Value'"; cat "$work/out.txt"; failures=$((failures + 1)); }
done

# Multi-axis input that does not fit: too many axes, a raw file that is not whole x y z samples,
# a CSV with fewer columns than axes, a column list of the wrong length, too short per axis.
expect error "axes" -- run maintenance --input "$work/good.csv" --format csv --fs 12000 --rpm 1797 --axes 4
printf '\000\000\000\000\000\000\000\000' >"$work/two.f32"
expect error "3-axis" -- run maintenance --input "$work/two.f32" --fs 12000 --rpm 1797 --axes 3
expect error "the last 3 columns were asked for" -- run maintenance --input "$work/good.csv" --format csv --fs 12000 --rpm 1797 --axes 3
expect error "comma-separated" -- run maintenance --input "$work/good.csv" --format csv --column value --fs 12000 --rpm 1797 --axes 2
expect error "per axis" -- run maintenance --input "$work/good.csv" --format csv --column time,value --fs 12000 --rpm 1797 --axes 2

# Hostile bytes: random data as a model, a header that names a signal file that is cut short.
head -c 4096 /dev/urandom >"$work/random.tflite" 2>/dev/null || printf 'TFL3garbage' >"$work/random.tflite"
expect error "tflite|model|invalid|not" -- infer --model "$work/random.tflite" --info
printf '100 1 360 1000\ntrunc.dat 212 200 11 1024 995 -22131 0 MLII\n' >"$work/trunc.hea"
printf '\001\002\003' >"$work/trunc.dat"
expect error "trunc" -- run patient --record "$work/trunc"
printf 'not a header at all\n' >"$work/bad.hea"
expect error "bad" -- run patient --record "$work/bad"

# WAV input to `run maintenance`: a float WAV gives the same output as its raw float32 samples;
# a wrong magic, a coding other than PCM/float, a channel count other than --axes, a --fs that
# disagrees with the file, and a recording too short for the envelope analysis are errors.
# wav_header CODING CHANNELS BITS DATA_BYTES(octal-escaped 4 bytes LE) RIFF_BYTES: 12000 Hz.
wav_header() {
    printf "RIFF$5WAVEfmt \020\000\000\000$1\000$2\000\340\056\000\000$6$7\000$3\000data$4"
}
head -c 65536 /dev/urandom >"$work/noise.f32"
# float32, mono: byte rate 48000 (80 bb 00 00), block 4; 65536 data bytes; RIFF size 65572.
{ wav_header '\003' '\001' '\040' '\000\000\001\000' '\044\000\001\000' '\200\273\000\000' '\004'; cat "$work/noise.f32"; } >"$work/noise.wav"
expect ok "" -- run maintenance --input "$work/noise.f32" --fs 12000 --rpm 1797
cp "$work/out.txt" "$work/noise_f32.txt"
expect ok "" -- run maintenance --input "$work/noise.wav" --format wav --rpm 1797
if ! cmp -s "$work/out.txt" "$work/noise_f32.txt"; then echo "FAIL: float WAV and raw f32 outputs differ"; failures=$((failures + 1)); fi
expect error "disagrees" -- run maintenance --input "$work/noise.wav" --format wav --rpm 1797 --fs 11025
expect error "has 1 channel; pass --axes 1" -- run maintenance --input "$work/noise.wav" --format wav --rpm 1797 --axes 2
expect error "RIFF/WAVE" -- run maintenance --input "$work/noise.f32" --format wav --rpm 1797
expect error "--fs is required" -- run maintenance --input "$work/noise.f32" --rpm 1797
expect error "--scale must be" -- run maintenance --input "$work/noise.wav" --format wav --rpm 1797 --scale 0
{ wav_header '\002' '\001' '\020' '\010\000\000\000' '\054\000\000\000' '\300\135\000\000' '\002'; printf '12345678'; } >"$work/adpcm.wav"
expect error "PCM and IEEE float" -- run maintenance --input "$work/adpcm.wav" --format wav --rpm 1797
{ wav_header '\001' '\001' '\020' '\010\000\000\000' '\054\000\000\000' '\300\135\000\000' '\002'; printf '12345678'; } >"$work/short.wav"
expect error "needs at least" -- run maintenance --input "$work/short.wav" --format wav --rpm 1797
# Vibration severity: a band outside (0, fs / 2) or upside down, an unknown machine class or unit
# are errors; the summary carries the chosen class's zone limits, and hostile samples (the random
# floats above: NaN, Inf, 1e38) leave every reported velocity finite.
expect error "velocity-band 10,7000" -- run maintenance --input "$work/noise.f32" --fs 12000 --rpm 1797 --velocity-band 10,7000
expect error "velocity-band 100,10" -- run maintenance --input "$work/noise.f32" --fs 12000 --rpm 1797 --velocity-band 100,10
expect error "velocity-band" -- run maintenance --input "$work/noise.f32" --fs 12000 --rpm 1797 --velocity-band 10
expect error "machine-class" -- run maintenance --input "$work/noise.f32" --fs 12000 --rpm 1797 --machine-class class9
expect error "units" -- run maintenance --input "$work/noise.f32" --fs 12000 --rpm 1797 --units mm
expect ok "" -- run maintenance --input "$work/noise.f32" --fs 12000 --rpm 1797 --machine-class class1 --units m/s2
if ! grep -q '"zone_limits_mm_s":\[0.71,1.8,4.5\]' "$work/out.txt"; then echo "FAIL: --machine-class class1 not in the summary"; failures=$((failures + 1)); fi
if grep -Eq '"velocity_(rms|peak)_mm_s":(nan|inf|-inf|null)' "$work/out.txt"; then echo "FAIL: a non-finite velocity"; failures=$((failures + 1)); fi
# Every 64-sample piece of it holds an absurd value: no velocity sample counts, so no zone is claimed.
if ! grep -q '"zone":null,.*"samples":0,' "$work/out.txt"; then echo "FAIL: a zone claimed for no velocity samples"; failures=$((failures + 1)); fi

# A rate too low for the default 10-1000 Hz band (1.5 kHz) is not an error: the band's top is
# clipped to 0.45 fs = 675 Hz, with a note on stderr and the band in the summary; a sine of 0.2 g
# at 80 Hz then reads 0.2 g / (2 pi 80 Hz) / sqrt 2 = 2.759 mm/s times Al-Alaoui's integral at
# 80 Hz / 1.5 kHz (0.9986), i.e. 2.755 (the bilinear 1/s read 2.733). Asked for explicitly, the
# band must still fit.
awk 'BEGIN { print "value"; for (i = 0; i < 90000; i++) printf "%.6f\n", 0.2 * sin(2 * 3.141592653589793 * 80 * i / 1500) }' >"$work/slow.csv"
expect error "velocity-band 10,1000" -- run maintenance --input "$work/slow.csv" --format csv --fs 1500 --rpm 1797 --velocity-band 10,1000
expect ok "" -- run maintenance --input "$work/slow.csv" --format csv --fs 1500 --rpm 1797 --quiet
if ! grep -q "velocity band is 10-675 Hz" "$work/err.txt"; then echo "FAIL: no note on the clipped velocity band"; cat "$work/err.txt"; failures=$((failures + 1)); fi
if ! grep -q '"band_hz":\[10,675\]' "$work/out.txt"; then echo "FAIL: the summary lacks the clipped band"; failures=$((failures + 1)); fi
if ! grep -Eq '"vibration_severity":\{"velocity_rms_mm_s":2\.75[4-6]' "$work/out.txt"; then echo "FAIL: 80 Hz at 0.2 g and 1.5 kHz is not 2.755 mm/s"; cat "$work/out.txt"; failures=$((failures + 1)); fi
# With the velocity off (low edge 0) there is no reading and no band, and no note either.
expect ok "" -- run maintenance --input "$work/slow.csv" --format csv --fs 1500 --rpm 1797 --quiet --velocity-band 0,1000
if ! grep -q '"vibration_severity":{"velocity_rms_mm_s":0,.*"band_hz":null,"samples":0,' "$work/out.txt"; then echo "FAIL: the velocity turned off still reads a band"; cat "$work/out.txt"; failures=$((failures + 1)); fi
if grep -q "velocity band is" "$work/err.txt"; then echo "FAIL: a band note with the velocity off"; failures=$((failures + 1)); fi

# A gear pair (--gear-teeth): 23 teeth on the 1797 rpm shaft mesh at 688.85 Hz with a 61-tooth
# mate turning at 11.29 Hz. Mesh lines of 0.5 / 0.2 / 0.1 g, each modulated by 1 + 0.5 / 0.4 / 0.3 /
# 0.2 cos of the mate's first four orders (a local fault on the mate), so the mate's sideband energy
# ratio is 0.5 + 0.4 + 0.3 + 0.2 = 1.4 at every harmonic and the shaft gear's 0.
awk 'BEGIN { srand(3); fr = 1797 / 60; fm = 23 * fr; fg = fm / 61; w = 2 * 3.141592653589793; print "value"
             for (i = 0; i < 240000; i++) { t = i / 12000
                 m = 1 + 0.5 * cos(w * fg * t) + 0.4 * cos(2 * w * fg * t) + 0.3 * cos(3 * w * fg * t) + 0.2 * cos(4 * w * fg * t)
                 printf "%.6f\n", (0.5 * cos(w * fm * t) + 0.2 * cos(2 * w * fm * t) + 0.1 * cos(3 * w * fm * t)) * m + 0.05 * sin(w * fr * t) + 0.02 * (rand() - 0.5) } }' >"$work/gear.csv"
expect error "gear-teeth" -- run maintenance --input "$work/gear.csv" --format csv --fs 12000 --rpm 1797 --gear-teeth 23,61,4
expect error "gear-teeth" -- run maintenance --input "$work/gear.csv" --format csv --fs 12000 --rpm 1797 --gear-teeth 0
expect error "gear-ser-alarm" -- run maintenance --input "$work/gear.csv" --format csv --fs 12000 --rpm 1797 --gear-teeth 23 --gear-ser-alarm 0
expect ok "" -- run maintenance --input "$work/gear.csv" --format csv --fs 12000 --rpm 1797 --quiet --gear-teeth 23,61
if ! grep -Eq '"gear":\{"teeth":23,"mate_teeth":61,"mesh_hz":688\.85,"mate_hz":11\.2926' "$work/out.txt"; then echo "FAIL: gear frequencies"; cat "$work/out.txt"; failures=$((failures + 1)); fi
if ! grep -Eq '"mesh":\[\{"expected_hz":688\.85,"hz":688\.8[4-6][0-9]*,"amplitude":0\.(49|50)[0-9]*,"ser":0[,.][^"]*"ser_mate":1\.(39|40|41)' "$work/out.txt"; then echo "FAIL: the mate's SER is not 1.4"; cat "$work/out.txt"; failures=$((failures + 1)); fi
if ! grep -q '"verdict":"mate_gear"' "$work/out.txt"; then echo "FAIL: the faulty mate not named"; failures=$((failures + 1)); fi
expect ok "" -- run maintenance --input "$work/gear.csv" --format csv --fs 12000 --rpm 1797 --quiet --gear-teeth 23,61 --gear-ser-alarm 2
if ! grep -q '"verdict":"healthy"' "$work/out.txt"; then echo "FAIL: SER 1.4 against an alarm of 2 is not healthy"; failures=$((failures + 1)); fi
expect ok "" -- run maintenance --input "$work/gear.csv" --format csv --fs 12000 --rpm 1797 --quiet
if grep -q '"gear"' "$work/out.txt"; then echo "FAIL: a gear reading without --gear-teeth"; failures=$((failures + 1)); fi

# A stator current (`run motor`): a 4-pole motor on 50 Hz at 3 % slip (1455 rpm, rotor 24.25 Hz),
# 10 A modulated by 1 + 0.02 cos(2 pi 2 s f t) (a broken bar: sidebands at 47 and 53 Hz, each
# 20 log10(0.01) = -40 dB), an eccentricity line at f + fr = 74.25 Hz at -50 dB and a 5th harmonic;
# told the nameplate's 1440 rpm, it must measure 1455 from the eccentricity line.
awk 'BEGIN { srand(5); w = 2 * 3.141592653589793; print "t,ia"
             for (i = 0; i < 60000; i++) { t = i / 2000
                 printf "%.4f,%.6f\n", t, 10 * (1 + 0.02 * cos(w * 3 * t)) * cos(w * 50 * t) + 0.0316228 * cos(w * 74.25 * t) + 0.3 * cos(w * 250 * t) + 0.002 * (rand() - 0.5) } }' >"$work/motor.csv"
expect ok "" -- run motor --input "$work/motor.csv" --format csv --column ia --fs 2000 --line-hz 50 --rpm 1440
if ! grep -Eq '"poles":4,.*"rpm_used":145[45]\.[0-9]*,"speed_source":"eccentricity","slip":0\.0(29[89]|30[01])' "$work/out.txt"; then echo "FAIL: motor speed not measured from the eccentricity line"; cat "$work/out.txt"; failures=$((failures + 1)); fi
if ! grep -Eq '"k":1,"lower":\{"expected_hz":4[67]\.[09][0-9]*,"hz":(46\.99|47\.00)[0-9]*,"db":-(40\.0|39\.9)[0-9]*\},"upper":\{"expected_hz":5[23]\.[09][0-9]*,"hz":(52\.99|53\.00)[0-9]*,"db":-(40\.0|39\.9)' "$work/out.txt"; then echo "FAIL: broken-bar sidebands not at -40 dB"; cat "$work/out.txt"; failures=$((failures + 1)); fi
if ! grep -q '"rotor_condition":"broken_bars","diagnosis":"rotor_bars"' "$work/out.txt"; then echo "FAIL: -40 dB sidebands not graded broken_bars"; cat "$work/out.txt"; failures=$((failures + 1)); fi
expect error "line-hz" -- run motor --input "$work/motor.csv" --format csv --fs 2000 --line-hz 0 --rpm 1440
expect error "poles" -- run motor --input "$work/motor.csv" --format csv --fs 2000 --line-hz 50 --rpm 1440 --poles 3
expect error "synchronous" -- run motor --input "$work/motor.csv" --format csv --fs 2000 --line-hz 50 --rpm 1600 --poles 4
expect error "rpm" -- run motor --input "$work/motor.csv" --format csv --fs 2000 --line-hz 50 --rpm 7000
expect error "supply period" -- run motor --input "$work/motor.csv" --format csv --fs 200 --line-hz 50 --rpm 1440
head -c 40000 "$work/motor.csv" >"$work/motor_short.csv"
expect error "needs at least" -- run motor --input "$work/motor_short.csv" --format csv --column ia --fs 2000 --line-hz 50 --rpm 1440
expect error "not a whole number" -- run motor --input "$work/good.csv" --fs 2000 --line-hz 50 --rpm 1440

if [ $failures -ne 0 ]; then echo "$failures failure(s)"; exit 1; fi
echo "all cli checks passed"
