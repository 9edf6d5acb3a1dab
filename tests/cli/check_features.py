#!/usr/bin/python3
"""tests/cli/check_features.py NERVE WORKDIR — `nerve features` against numpy on the same samples.

Writes a two-channel 16-bit WAV, a float32 file and a CSV with NaN cells, runs the tool on them and
recomputes every frame's features in float64 from the samples the tool read (the int16 values over
32768), with the mel bank, lifter and DCT written out in tools/gen_golden_spectral.py (librosa's
definitions, scipy's DCT). Then bad invocations and their messages. Exit 77 (skipped) without numpy
and scipy; 1 on any failure.
"""
import json
import os
import subprocess
import sys

try:
    import numpy as np
    import scipy.io.wavfile as wavfile
    import scipy.signal as ss
except ImportError:
    print("no numpy/scipy: skipped")
    sys.exit(77)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from gen_golden_spectral import cepstrum, mel_weights  # noqa: E402

nerve, work = sys.argv[1], sys.argv[2]
os.makedirs(work, exist_ok=True)
failures = 0


def fail(msg):
    global failures
    failures += 1
    print("FAIL:", msg)


def run(*args, ok=True):
    p = subprocess.run([nerve, "features", *args], capture_output=True, text=True)
    if ok and p.returncode != 0:
        fail(f"features {' '.join(args)} exited {p.returncode}: {p.stderr.strip()}")
    return p


def reference(x, fs, n, hop, bands, fmin=0.0, fmax=None, htk=False, area=True, log="db", coeffs=None, lifter=0.0):
    """Rows of features, float64, as the tool documents them."""
    w = ss.get_window("hann", n)
    weights, _ = mel_weights(fs, n, bands, fmin, fmax or fs / 2, htk, area)
    rows = []
    for start in range(0, len(x) - n + 1, hop):
        p = np.abs(np.fft.rfft(x[start:start + n] * w)) ** 2 / w.sum() ** 2
        p[1:-1] *= 2
        e = weights @ p
        if log == "db":
            e = 10 * np.log10(np.maximum(e, 1e-10))
        elif log == "ln":
            e = np.log(np.maximum(e, 1e-10))
        rows.append(cepstrum(e, coeffs, lifter) if coeffs else e)
    return np.array(rows)


def csv_rows(text):
    lines = text.strip().splitlines()
    return lines[0].split(","), np.array([[float(c) for c in ln.split(",")] for ln in lines[1:]])


# A recording: a tone sweeping through the bands plus noise on channel 0, two tones on channel 1.
fs = 16000
t = np.arange(fs) / fs
rng = np.random.default_rng(5)
ch0 = 0.5 * np.sin(2 * np.pi * (200 * t + 1800 * t ** 2)) + 0.05 * rng.standard_normal(fs)
ch1 = 0.3 * np.sin(2 * np.pi * 440 * t) + 0.2 * np.sin(2 * np.pi * 5200 * t) + 0.01 * rng.standard_normal(fs)
pcm = np.round(np.stack([ch0, ch1], 1) * 32767).astype(np.int16)
wav = os.path.join(work, "two.wav")
wavfile.write(wav, fs, pcm)
x0, x1 = pcm[:, 0] / 32768.0, pcm[:, 1] / 32768.0

# Bounds, from the unit tests (tests/spectral/test_mfcc.cpp): 2e-3 dB per band for the float chain
# against float64, sqrt(bands) x that for an orthonormal cepstrum; ln is dB x ln(10) / 10.
DB = 2e-3

# 1. Defaults: 13 MFCCs of 40 Slaney bands in dB, frames of 512, hop 256, channel 0.
head, got = csv_rows(run("--input", wav).stdout)
ref = reference(x0, fs, 512, 256, 40, coeffs=13)
if head != ["frame", "time_s"] + [f"c{i}" for i in range(13)]:
    fail(f"CSV header {head}")
if got.shape != (ref.shape[0], 15):
    fail(f"default run: {got.shape} values, expected {(ref.shape[0], 15)}")
else:
    if not np.array_equal(got[:, 0], np.arange(len(ref))) or not np.allclose(got[:, 1], np.arange(len(ref)) * 256 / fs):
        fail("frame numbers or times")
    err = np.abs(got[:, 2:] - ref).max()
    print(f"mfcc 512/40/13: {len(ref)} frames, largest deviation {err:.2e} (bound {DB * np.sqrt(40):.2e})")
    if err > DB * np.sqrt(40):
        fail(f"default MFCCs deviate by {err}")

# 2. Channel 1, MFE: 64 HTK bands 300-7600 Hz without normalisation, natural log, 1024/512, JSON.
p = run("--input", wav, "--channel", "1", "--block", "mfe", "--bands", "64", "--frame", "1024", "--hop", "512",
        "--scale", "htk", "--norm", "none", "--log", "ln", "--fmin", "300", "--fmax", "7600", "--json")
lines = [json.loads(ln) for ln in p.stdout.splitlines()]
ref = reference(x1, fs, 1024, 512, 64, fmin=300, fmax=7600, htk=True, area=False, log="ln")
frames = [o for o in lines if o["type"] == "features"]
summary = lines[-1] if lines else {}
if len(frames) != len(ref) or summary.get("type") != "summary" or summary.get("frames") != len(ref):
    fail(f"mfe JSON: {len(frames)} frames and summary {summary}, expected {len(ref)}")
else:
    got = np.array([f["mfe"] for f in frames])
    err = np.abs(got - ref).max()
    bound = DB * np.log(10) / 10
    print(f"mfe htk 1024/64 ln: {len(ref)} frames, largest deviation {err:.2e} (bound {bound:.2e})")
    if err > bound:
        fail(f"HTK MFE deviates by {err}")

# 3. Lifter and 20 coefficients from float32 input with --fs.
f32 = os.path.join(work, "x.f32")
x0.astype("<f4").tofile(f32)
head, got = csv_rows(run("--input", f32, "--format", "f32", "--fs", "16000", "--coeffs", "20", "--lifter", "22",
                         "--bands", "26", "--frame", "256").stdout)
ref = reference(x0.astype(np.float32).astype(np.float64), fs, 256, 128, 26, coeffs=20, lifter=22)
if got.shape != (ref.shape[0], 22):
    fail(f"lifter run: {got.shape}")
else:
    err = np.abs(got[:, 2:] - ref).max()
    bound = DB * np.sqrt(26) * 12  # the lifter scales c_k by up to 1 + L/2
    print(f"mfcc 256/26/20 lifter 22: {len(ref)} frames, largest deviation {err:.2e} (bound {bound:.2e})")
    if err > bound:
        fail(f"liftered MFCCs deviate by {err}")

# 4. A CSV whose column has missing cells: frames touching them give no row and are counted.
csv = os.path.join(work, "gaps.csv")
with open(csv, "w") as f:
    f.write("t,accel\n")
    for i, v in enumerate(x0[:4096]):
        f.write(f"{i},{'NaN' if 1500 <= i < 1510 else repr(float(v))}\n")
p = run("--input", csv, "--format", "csv", "--column", "accel", "--fs", "16000", "--json")
summary = json.loads(p.stdout.splitlines()[-1]) if p.stdout else {}
# Frames of 512 every 256 over 4096 samples: 15; those starting at 1024 .. 1498 hold a NaN: 2.
if summary.get("frames") != 13 or summary.get("rejected_frames") != 2:
    fail(f"gaps: summary {summary}, expected 13 frames and 2 rejected")
p = run("--input", csv, "--format", "csv", "--column", "accel", "--fs", "16000")
if "2 frames held NaN or Inf" not in p.stderr:
    fail(f"gaps in CSV mode: stderr {p.stderr!r}")

# 5. Bad invocations: exit 1 and a message naming the problem.
short = os.path.join(work, "short.f32")
x0[:100].astype("<f4").tofile(short)
for args, words in [
    (["--input", wav, "--frame", "300"], "choose one of 256, 512, 1024, 2048"),
    (["--input", wav, "--bands", "50"], "choose one of 20, 26, 32, 40, 64, 80, 128"),
    (["--input", wav, "--coeffs", "41"], "keep 1 to --bands (40)"),
    (["--input", wav, "--log", "none"], "needs log-mel bands"),
    (["--input", wav, "--channel", "2"], "has 2 channels"),
    (["--input", wav, "--fs", "8000"], "disagrees with the 16000 Hz"),
    (["--input", wav, "--fmin", "9000"], "fmin below fs / 2"),
    (["--input", wav, "--fmin", "4000", "--fmax", "3000"], "need 0 <= fmin < fmax"),
    (["--input", f32, "--format", "f32"], "--fs is required"),
    (["--input", short, "--format", "f32", "--fs", "16000"], "fewer than one --frame of 512"),
]:
    p = run(*args, ok=False)
    if p.returncode != 1 or words not in p.stderr:
        fail(f"features {' '.join(args)}: exit {p.returncode}, stderr {p.stderr.strip()!r}; expected 1 and {words!r}")

print("check_features:", "ok" if failures == 0 else f"{failures} failure(s)")
sys.exit(1 if failures else 0)
