#!/usr/bin/env python3
"""NumPy/SciPy model of bearing_monitor's whole-run CWRU diagnosis, for trying scoring variants fast.

    /usr/bin/python3 tools/cwru_emulate.py [--data ../shared/data/cwru] [--tol 0.02] [--floor-bins 20]
                                           [--edge] [--coherent STEP] [--speed N] [--conditions LIST] [-v]

It forms the four demodulation bands, squared envelopes (boxcar to ~1500 Hz), 1024-point Welch envelope
spectra, the most-impulsive-band choice, the line scores of spectral::bearing_defects (local maximum in
h f (1 +- tol), at least +-1.5 bins, log-parabolic refinement, floor = mean of floor_bins bins each side)
and diagnose() as include/nerve/pipelines/bearing_monitor.hpp does; with the defaults it reproduces
`nerve run maintenance` (evidence to 0.01 decade, same verdicts) in the four conditions of
tools/cwru_eval.py (base, 48 kHz, rpm -1 %, rpm +1 %). Variants (none adopted; see the report of the
session that added this script):
  --edge          accept a local maximum one bin outside the window if its refined frequency is inside;
  --coherent STEP one scale factor s in [1 - tol, 1 + tol] (grid STEP) for all harmonics of a defect,
                  each read within +-1.5 bins of h f s (a harmonic comb instead of independent windows);
  --speed N       refine the shaft speed from the vibration before the defect frequencies are formed (the
                  model of bearing_monitor's speed refinement): the high-passed signal is boxcar-averaged over
                  the envelope's decimation D (~1500 Hz), low-passed (4th-order Butterworth at 0.3 r2) and
                  decimated again to r2 = r1 / floor(r1 / (8 fr)) (~8x the told shaft frequency), and an N-point
                  Hann Welch spectrum (50 % overlap; bins r2 / N ~ fr / 128 for N = 1024) is searched for the 1x
                  shaft line within +-SPEED_TOL (3 %) of the told speed: the largest local maximum, refined
                  log-parabolically, accepted if >= 3 spectra are averaged and it stands >= SPEED_MIN decades
                  (0.75) above the geometric mean of the 20 bins each side of the window (a log mean: one strong
                  neighbour line cannot hide it), and used if it differs from the told speed by more than
                  SPEED_KEEP (0.5 %); else the told speed is kept. Only the 1x line is used: 2x sits on 60 Hz
                  mains in CWRU, and 3x / 5x have speed-independent neighbours (91.7, 147.7 Hz) in it.
                  --speed 1024 models `nerve run maintenance` (bearing_monitor<4, 1024, 256>); --speed 512 the
                  Cortex-M4 configuration's shaft spectrum. --conditions adds rpm-2%, rpm+2%.
"""
import argparse
import csv
import functools
import os

import numpy as np
import scipy.signal as ss

WANT = {"inner": "inner_race", "outer": "outer_race", "ball": "ball", "normal": "normal"}
C = dict(race_threshold=2.0, race_margin=0.5, ball_threshold=1.5, weak_threshold=1.0, weak_margin=0.6,
         kurtosis_alarm=3.0, crest_alarm=8.0)
R = 0.3126 / 1.537


def freqs(fr):
    return dict(bsf=1.537 / (2 * 0.3126) * fr * (1 - R * R), bpfo=4.5 * fr * (1 - R), bpfi=4.5 * fr * (1 + R))


@functools.lru_cache(None)
def spectra(path, fs, to48):
    x = np.fromfile(path, dtype="<f4").astype(np.float64)
    if to48 and fs != 48000:
        x, fs = ss.resample_poly(x, int(48000 // fs), 1), 48000.0
    x = ss.sosfilt(ss.butter(2, 10, "highpass", fs=fs, output="sos"), x)
    hi = min(5500.0, 0.45 * fs)
    lo = 500.0 if 500.0 < hi else 0.05 * hi
    dec = int(fs / 1500 + 0.5)
    m2 = (x * x).mean()
    kurt, crest = (x ** 4).mean() / m2 ** 2 - 3, np.abs(x).max() / np.sqrt(m2)
    out = []
    for b in range(4):
        e0, e1 = lo + (hi - lo) * b / 4, lo + (hi - lo) * (b + 1) / 4
        y = ss.sosfilt(ss.butter(2, [e0, e1], "bandpass", fs=fs, output="sos"), x) ** 2
        e = y[: len(y) // dec * dec].reshape(-1, dec).mean(1)
        _, p = ss.welch(e, fs / dec, window="hann", nperseg=1024, noverlap=512, detrend="constant", scaling="spectrum")
        out.append((e.var() / e.mean() ** 2, fs / dec / 1024, p))
    return out, kurt, crest


def find_line(p, bw, f, tol, fb, edge):
    n = len(p)
    hb = max(f * tol, 1.5 * bw)
    lo_hz, hi_hz = f - hb, f + hb
    if hi_hz / bw >= n - 1 or f <= 0: return 0.0
    lo, hi = max(int(np.ceil(max(lo_hz, 0) / bw)), 1), min(int(np.floor(hi_hz / bw)), n - 2)

    def refine(k):
        a, b, c = np.log(p[k - 1:k + 2])
        den = a - 2 * b + c
        if den < 0:
            d = np.clip(0.5 * (a - c) / den, -0.5, 0.5)
            return k + d, np.exp(b - 0.25 * (a - c) * d)
        return k, p[k]
    best = 0
    for k in range(max(lo - 1, 1), min(hi + 1, n - 2) + 1) if edge else range(lo, hi + 1):
        if p[k - 1] < p[k] >= p[k + 1] and (best == 0 or p[k] > p[best]):
            if not lo <= k <= hi and not lo_hz <= refine(k)[0] * bw <= hi_hz: continue
            best = k
    if best == 0: return 0.0
    floor = np.mean([p[k] for k in range(max(lo - fb, 0), min(hi + fb, n - 1) + 1) if not lo <= k <= hi])
    return refine(best)[1] / floor


def score(p, bw, f0, a):
    def comb(s, tol):
        return sum(np.log10(q) for h in (1, 2, 3) for q in [find_line(p, bw, f0 * h * s, tol, a.floor_bins, a.edge)] if q > 1)
    if a.coherent:
        return max(comb(1 + g, 0.0) for g in np.arange(-a.tol, a.tol + 1e-12, a.coherent))
    return comb(1.0, a.tol)


def diagnose(o, i, b, race_any, kurt, crest, c=C):
    race, other, rd = (o, i, "outer_race") if o > i else (i, o, "inner_race")
    top, second, td = (b, race, "ball") if b > race else (race, max(other, b), rd)
    if race >= c["race_threshold"] and race - other >= c["race_margin"]: return rd
    if b >= c["ball_threshold"] and b > race: return "ball"
    if top >= c["weak_threshold"] and top - second >= c["weak_margin"]: return td
    if race >= c["race_threshold"]: return "anomaly"
    if kurt >= c["kurtosis_alarm"] or crest >= c["crest_alarm"]: return "ball"
    if race_any >= c["race_threshold"]: return "anomaly"
    return "normal"


@functools.lru_cache(None)
def shaft_spectrum(path, fs, to48, fr, n):
    x = np.fromfile(path, dtype="<f4").astype(np.float64)
    if to48 and fs != 48000:
        x, fs = ss.resample_poly(x, int(48000 // fs), 1), 48000.0
    x = ss.sosfilt(ss.butter(2, 10, "highpass", fs=fs, output="sos"), x)
    d1 = int(fs / 1500 + 0.5)
    r1 = fs / d1
    y = x[: len(x) // d1 * d1].reshape(-1, d1).mean(1)
    d2 = max(1, int(r1 / (8 * fr)))
    r2 = r1 / d2
    if d2 > 1:
        y = ss.sosfilt(ss.butter(4, 0.3 * r2, "lowpass", fs=r1, output="sos"), y)[d2 - 1::d2]
    if (len(y) - n) // (n // 2) + 1 < 3 or len(y) < n: return None, r2 / n   # bearing_monitor needs 3 spectra
    _, p = ss.welch(y, r2, window="hann", nperseg=n, noverlap=n // 2, detrend="constant", scaling="spectrum")
    return p, r2 / n


def refine_speed(path, fs, fr, to48, a):
    """The 1x shaft line within +-speed_tol of fr (see --speed); returns (fr used, prominence or None)."""
    p, bw = shaft_spectrum(path, fs, to48, fr, a.speed)
    if p is None: return fr, None
    lo, hi = max(int(np.ceil(fr * (1 - a.speed_tol) / bw)), 1), min(int(np.floor(fr * (1 + a.speed_tol) / bw)), len(p) - 2)
    best = 0
    for k in range(lo, hi + 1):
        if p[k - 1] < p[k] >= p[k + 1] and (best == 0 or p[k] > p[best]): best = k
    if best == 0: return fr, None
    prom = np.log10(p[best]) - np.mean(np.log10(np.r_[p[max(lo - 20, 1):lo], p[hi + 1:hi + 21]]))
    if prom < a.speed_min: return fr, prom
    la, lb, lc = np.log(p[best - 1:best + 2])
    d = np.clip(0.5 * (la - lc) / (la - 2 * lb + lc), -0.5, 0.5)
    f1 = (best + d) * bw
    return (fr if abs(f1 / fr - 1) <= a.speed_keep else f1), prom


def evaluate(path, fs, rpm, to48, a):
    bands, kurt, crest = spectra(path, fs, to48)
    fr = rpm / 60
    if a.speed:
        fr, prom = refine_speed(path, fs, fr, to48, a)
        evaluate.prom = prom
    evaluate.fr = fr
    f = freqs(fr)
    best, race_any = None, 0.0
    for imp, bw, p in bands:
        o, i = score(p, bw, f["bpfo"], a), score(p, bw, f["bpfi"], a)
        b = max(score(p, bw, 2 * f["bsf"], a), score(p, bw, f["bsf"], a))
        race_any = max(race_any, o, i)
        if best is None or imp > best[0]: best = (imp, (o, i, b))
    o, i, b = best[1]
    return diagnose(o, i, b, race_any, kurt, crest), (o, i, b, race_any)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=os.environ.get("NERVE_DATA_DIR", "../shared/data") + "/cwru")
    ap.add_argument("--tol", type=float, default=0.02)
    ap.add_argument("--floor-bins", type=int, default=20)
    ap.add_argument("--edge", action="store_true")
    ap.add_argument("--coherent", type=float, default=0.0)
    ap.add_argument("--speed", type=int, default=0, help="refine the shaft speed with an N-point 1x-line spectrum")
    ap.add_argument("--speed-tol", type=float, default=0.03)
    ap.add_argument("--speed-min", type=float, default=0.75)
    ap.add_argument("--speed-keep", type=float, default=0.005)
    ap.add_argument("--conditions", default="base,48k,rpm-1%,rpm+1%",
                    help="comma list of base, 48k, rpm-2%%, rpm-1%%, rpm+1%%, rpm+2%%")
    ap.add_argument("-v", action="store_true", help="print the base-condition evidence per file")
    a = ap.parse_args()
    rows = list(csv.DictReader(open(os.path.join(a.data, "manifest.csv"))))
    allc = {"base": (1.0, False), "48k": (1.0, True), "rpm-2%": (0.98, False), "rpm-1%": (0.99, False),
            "rpm+1%": (1.01, False), "rpm+2%": (1.02, False)}
    for cond in a.conditions.split(","):
        scale, to48 = allc[cond]
        right, wrong, errs = 0, [], []
        for r in rows:
            d, ev = evaluate(os.path.join(a.data, r["file"]), float(r["fs_hz"]), float(r["rpm"]) * scale, to48, a)
            name = r["file"].replace("_DE12.f32", "").replace(".f32", "")
            errs.append(abs(evaluate.fr * 60 / float(r["rpm"]) - 1))
            if a.v and cond == "base":
                print("  %-16s %-11s outer %.2f inner %.2f ball %.2f race_any %.2f rpm_used %.1f%s" % ((name, d) + ev + (evaluate.fr * 60,
                      " (1x line %s decades)" % (None if getattr(evaluate, "prom", None) is None else round(evaluate.prom, 2)) if a.speed else "")))
            if d == WANT[r["fault"]]: right += 1
            else: wrong.append("%s:%s" % (name, d))
        print("%-7s %d/%d right; rpm used vs manifest: median |err| %.2f %%, max %.2f %%%s"
              % (cond, right, len(rows), 100 * np.median(errs), 100 * max(errs), ("; wrong: " + " ".join(wrong)) if wrong else ""))


if __name__ == "__main__":
    main()
