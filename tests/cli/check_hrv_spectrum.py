#!/usr/bin/python3
"""tests/cli/check_hrv_spectrum.py NERVE DATA_DIR — the summary's "hrv_spectrum" of `nerve run patient`
recomputed with scipy from the tool's own beat lines.

For MIT-BIH records 100 and 203 (regular sinus rhythm; atrial fibrillation with many ectopic beats):
the normal-to-normal intervals (beats not flagged ectopic, RR in [0.2, 3] s, not the first) of the
last 300 s at their beat times, scipy.signal.lombscargle (mean removed) on the tool's grid (k / 512 Hz,
k < 257), scaled to a density (2 x mean spacing x P) and summed over the Task Force bands as
spectral::band_power sums them. The beat lines print RR to 1 ms, so the bands can differ by that
rounding: 1 % bounds it. Exit 77 (skipped) without the records or numpy/scipy.
"""
import json
import os
import subprocess
import sys

try:
    import numpy as np
    import scipy.signal as ss
except ImportError:
    print("no numpy/scipy: skipped")
    sys.exit(77)

nerve, data = sys.argv[1], sys.argv[2]
records = [os.path.join(data, "mitdb", r) for r in ("100", "203")]
if not all(os.path.exists(r + ".hea") for r in records):
    print(f"no {data}/mitdb: skipped")
    sys.exit(77)

failures = 0
for rec in records:
    out = subprocess.run([nerve, "run", "patient", "--record", rec], capture_output=True, text=True, check=True).stdout
    events = [json.loads(line) for line in out.splitlines()]
    summary = events[-1]
    got = summary["hrv_spectrum"]
    fs = summary["fs"]
    beats = [e for e in events if e["type"] == "beat"]
    nn = [(b["sample"] / fs, 1000.0 * b["rr_s"]) for i, b in enumerate(beats)
          if i > 0 and not b["ectopic"] and 0.2 <= b["rr_s"] <= 3.0]
    t = np.array([p[0] for p in nn])
    y = np.array([p[1] for p in nn])
    keep = t >= t[-1] - 300.0
    t, y = t[keep], y[keep]
    df, bins = 0.5 / 256, 257
    f = np.arange(bins) * df
    p = np.zeros(bins)
    p[1:] = ss.lombscargle(t, y - y.mean(), 2 * np.pi * f[1:], precenter=False)
    density = 2 * (t[-1] - t[0]) / (len(t) - 1) * p
    edges = [0.0033, 0.04, 0.15, 0.4]
    ref = []
    for b in range(3):
        sel = (f >= edges[b]) & ((f < edges[b + 1]) if b < 2 else (f <= edges[b + 1]))
        ref.append(density[sel].sum() * df)
    name = os.path.basename(rec)
    print(f"{name}: {len(t)} NN intervals over {t[-1] - t[0]:.1f} s; VLF/LF/HF tool "
          f"{got['vlf_ms2']}/{got['lf_ms2']}/{got['hf_ms2']} ms^2, scipy {ref[0]:.1f}/{ref[1]:.1f}/{ref[2]:.1f}")
    if got["nn_intervals"] != len(t) or abs(got["window_s"] - (t[-1] - t[0])) > 0.05:
        failures += 1
        print(f"FAIL {name}: window {got['window_s']} s / {got['nn_intervals']} intervals, expected "
              f"{t[-1] - t[0]:.1f} / {len(t)}")
    for key, r in zip(("vlf_ms2", "lf_ms2", "hf_ms2"), ref):
        if abs(got[key] - r) > 0.01 * r:
            failures += 1
            print(f"FAIL {name}: {key} {got[key]} against scipy's {r}")
    if abs(got["lf_hf"] - ref[1] / ref[2]) > 0.02 * ref[1] / ref[2]:
        failures += 1
        print(f"FAIL {name}: lf_hf {got['lf_hf']} against {ref[1] / ref[2]}")
print("check_hrv_spectrum:", "ok" if failures == 0 else f"{failures} failure(s)")
sys.exit(1 if failures else 0)
