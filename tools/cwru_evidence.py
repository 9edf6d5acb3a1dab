#!/usr/bin/env python3
"""Which envelope-analysis evidence (if any) tells CWRU's hard records apart? Measures only; tunes nothing.

    /usr/bin/python3 tools/cwru_evidence.py [--data ../shared/data/cwru] [--files PREFIX,...] [--rules] [-v]
                                            [--part 1|2]

For every record of the manifest (the 48 kHz normal decimated to 12 kHz) it forms the squared-envelope
spectrum (SES) in several ways, each band chosen by a rule, none by hand:
  mon   bearing_monitor's own: four equal 2nd-order Butterworth bands 500-5500 Hz, squared, boxcar to
        ~1500 Hz, 1024-point Welch (1.46 Hz bins); the band with the largest var/mean^2 of its envelope
        (reproduces `nerve run maintenance`: 27/31, the same four misses);
  cpw   cepstral pre-whitening (X / |X| over the whole record: every spectral peak and resonance set to
        unit height, so discrete shaft/mains/structural components lose their weight and impacts stand out;
        Randall & Antoni's recommended first step), then the full-band SES;
  cpwb  the same pre-whitened record through the monitor's four bands (most impulsive band);
  ark   AR pre-whitening (Yule-Walker, order 64, on the whole record: the residual keeps the
        unpredictable impacts and drops the stationary lines), then the band of largest spectral
        kurtosis (SK) over STFT window lengths 16..256 (a short-time-Fourier kurtogram; band = centre
        +- fs / Nw, 94..1500 Hz wide), SES of that band (FFT-domain band-pass of the analytic signal);
  ark5  as ark, the band restricted to the monitor's range 500 Hz .. 0.45 fs (unrestricted, the kurtogram
        picks 10-94 or 47-141 Hz - the shaft and mains region - in five records, and a band next to
        Nyquist with an SK of ~800 in two);
  sk, sk5  the same kurtogram choices on the raw (not pre-whitened) record;
  cep   the real cepstrum of the raw record's Welch log spectrum: rahmonics 1..3 at the quefrency 1 / f.
Each SES is a Welch spectrum of 1.46 Hz bins (as the monitor's). Line scores follow
spectral::bearing_defects: the largest local maximum in h f (1 +- 2 %) (at least +-1.5 bins), over the
mean of the 20 bins each side, summed over h = 1..3 as decades above the floor (positive terms only):
  BPFO, BPFI, 2BSF (CWRU's "ball" line), BSF, FTF;
and the side-band evidence the physics asks for (mean decades of the two side lines at f +- m, each read in
+-1.5 bins around its expected place relative to the measured main line):
  BPFI +- fr   (an inner-race defect turns with the shaft: load-zone modulation at fr),
  2BSF +- FTF  (a ball defect goes round with the cage: modulation at FTF),
  BPFO +- FTF  (reference: a stationary outer-race defect is not modulated at FTF).
With -v / --files it also lists, for the monitor's SES, the line each harmonic window reads (in shaft
orders, its offset from the kinematic value, decades) for BPFO 1-3x, BPFI 1-3x, the half orders 0.5/1.5/2.5x
BPFO and 2BSF 1-3x: the harmonic series and whether its lines are coherent (exactly 1:2:3).
mon-nearest, mon-coherent, mon-neither: the monitor's SES with the one line that the overlapping BPFO 3x
(10.75 fr +- 2 %) and BPFI 2x (10.83 fr +- 2 %) windows both read given to one family only (see
shared_line_variants); in every development record but five the two windows read the same line.
--rules applies diagnose() of bearing_monitor.hpp (thresholds as configured there) to each method's scores
and prints right/total per method (not for cep, whose decades are another scale): the question is whether
any method separates the files the monitor misses without losing the ones it gets. The speed is the
manifest's, as the monitor uses it on every development record (its 1x line either confirms the told speed
within 0.5 % or is too weak to replace it).

What it measured on the development set (2026-12-01; numbers in decades above the local floor):
  --rules: mon 27/31, cpw 25/31, cpwb 23/31, ark 21/31, ark5 26/31, sk 21/31, sk5 24/31. None of the
  pre-whitened or kurtogram variants gets any of the monitor's four misses (1797/1772 B_7, 1797/1772
  OR@6_14) right, and each loses records the monitor gets (IR_28 at both loads, B_28, OR@x_21).
  Impulsiveness: those four records are the least impulsive fault records of the set: excess kurtosis
  -0.06..0.06 (the normal -0.22), largest SK of the AR residual in 500-5400 Hz 0.31-0.67 (normal 0.30);
  every other fault record but IR_28 (0.83-0.84) reads >= 2.7. The kurtogram has no impulsive band to find.
  Pre-whitening: their lines do not survive it: their largest class score after cpw is 0.30-0.58 (the
  normal's 0.56), while every right-diagnosed race record but IR_28 keeps >= 2.05 in its class and B_21 /
  B_28 keep 1.88-3.15 (IR_28 and B_14 drop to 0.44-0.92 too: a "survives whitening" test would lose them).
  B_7 (ball; 1797 / 1772): no line at 2xBSF (0.03 / 0.00 decades at 1x); the monitor's ball score (2BSF
  0.93 / 0.62, BSF 1.43 / 0.91; the normal's 0.99 / 0.71) is read from lines of other families inside the
  +-2 % windows: 2 BPFO (7.19 fr, 0.87 / 0.78) in the 3 x BSF window, 4 BPFO (14.39 fr, 0.66 / 0.37) in the
  3 x 2BSF window, a 2.40 fr line (6 FTF = 2.39) in the BSF window. 2BSF +- FTF side bands 0.23 / 0.19,
  against 0.00-0.75 in the outer- and inner-race records. What the records do carry is a BPFO series
  (3.59, 7.19 fr: 0.25 / 0.48 and 0.88 / 0.80 decades) with half orders (5.40, 16.19 fr = 1.5, 4.5 BPFO:
  0.53-0.73): an outer-race pattern, which ark5 (1797) and sk5 (1772) read as outer_race.
  OR@6_14 (outer race): the BPFI windows read a coherent 1:2:3 series at 5.387 / 10.774 / 16.157 fr
  (1797; 1772: 5.389 / 10.784 / 16.175), 0.5 % below BPFI and equal to 1.5 / 3 / 4.5 x the BPFO the
  other outer-race records show (3.590-3.602 fr); BPFO 1x / 2x are weak (0.16-0.33 / 0.59-0.75) and sit
  0.5-0.7 % above BPFO, off the 3x line. BPFI +- fr side bands 0.12 / 0.20 (inner-race records 0.09-0.90),
  so nothing shaft-synchronous marks it as inner either. Telling BPFI from 1.5 x BPFO takes ~0.3 %
  frequency accuracy: a third of the monitor's 1.46 Hz bin at 161 Hz, and less than the record-to-record
  spread of the lines' offsets from kinematics within one class (BPFO 1x +0.14..+0.47 % in the outer-race
  records the monitor gets, 1772_OR@12_7 aside; BPFI 1x -0.30..+0.04 % in IR_7/14/21, -1.6 % in IR_28). The same 3 BPFO / 2 BPFI line
  (10.79 fr) and 4.5 BPFO / 3 BPFI line (16.19 fr) are in the healthy record too (tools/cwru_lines.py
  1797_Normal: prominence ~10 in 1750-3000 Hz).
  Shared line: mon-nearest 27/31, a trade: 1772_OR@6_14 becomes outer_race (1797_OR@6_14 anomaly) but
  1772_OR@12_7 becomes anomaly (BPFO 3.93 -> 2.50 against BPFI 2.31). That record runs at ~1793.5 rpm
  (tools/cwru_lines.py: raw-spectrum 1x line), not the told 1772, and its 1x line is too weak (0.48 decades)
  for the monitor to correct it; but at 1793.5 rpm its shared line reads 10.814 fr, nearer 2 BPFI (-0.15 %)
  than 3 BPFO (+0.55 %), and it still ends anomaly (BPFO 2.73 vs BPFI 2.35). The rule is in effect a cut
  at 10.79 x the speed used, inside the spread of real lines. mon-coherent 26/31 (it makes both OR@6_14
  inner_race); mon-neither 25/31 (IR_14 at both loads lose the inner-race margin and read ball). None
  keeps the 27 and fixes a miss.
  Halves (--part 1 / 2, the four records and the normal): the same picture in each half - SK 0.29-0.71,
  largest cpw score <= 0.77 (the normal's halves 0.66 / 0.90), no 1x 2BSF line (<= 0.19), OR@6_14's
  1:2:3 series at 5.386-5.390 fr in both halves. The monitor model's verdict on B_7 changes from half to
  half (1797: anomaly / ball, by BSF 1.65 against a 1.5 threshold; 1772: anomaly / outer_race, BPFO 1.87
  weak line): it rests on where scores of ~1.2-1.9 decades fall against the thresholds, not on a signature.
"""
import argparse
import csv
import functools
import os

import numpy as np
import scipy.linalg as sl
import scipy.signal as ss

from cwru_emulate import R, WANT, diagnose as emulate_diagnose

FS = 12000.0
SEG = 8192          # 1.46 Hz SES bins at 12 kHz, the monitor's resolution (1500 Hz / 1024)


def orders():
    return dict(FTF=0.5 * (1 - R), BSF=1.537 / (2 * 0.3126) * (1 - R * R), BPFO=4.5 * (1 - R), BPFI=4.5 * (1 + R))


@functools.lru_cache(None)
def load(path, fs, part=0):
    """The record at 12 kHz, high-passed at 10 Hz as the monitor does; part 1 / 2: its first / second half."""
    x = np.fromfile(path, dtype="<f4").astype(np.float64)
    if part:
        x = x[: len(x) // 2] if part == 1 else x[len(x) // 2:]
    if fs != FS:
        x = ss.resample_poly(x, int(FS), int(fs))
    return ss.sosfilt(ss.butter(2, 10, "highpass", fs=FS, output="sos"), x)


def welch(e, fs):
    f, p = ss.welch(e, fs, window="hann", nperseg=SEG if fs == FS else 1024, noverlap=(SEG if fs == FS else 1024) // 2,
                    detrend="constant", scaling="spectrum")
    return p, f[1] - f[0]


def ses_band(x, lo, hi):
    """Squared envelope of x band-limited to [lo, hi] Hz (FFT-domain analytic band-pass), its spectrum."""
    X = np.fft.fft(x)
    f = np.fft.fftfreq(len(x), 1 / FS)
    X[(f < lo) | (f > hi)] = 0
    a = np.fft.ifft(2 * X)
    return welch(np.abs(a) ** 2, FS)


def cpw(x):
    X = np.fft.rfft(x)
    return np.fft.irfft(X / np.maximum(np.abs(X), 1e-30), len(x))


def ar_residual(x, order=64):
    r = np.correlate(x[:60000], x[:60000], "full")[59999:59999 + order + 1] / 60000
    a = sl.solve_toeplitz(r[:order], r[1:order + 1])
    return ss.lfilter(np.r_[1, -a], [1], x)[order:]


def kurtogram_band(x, fmin=0.0, fmax=FS / 2):
    """(SK, lo, hi): the band of the largest spectral kurtosis over STFT window lengths 16..256 (Hann, 75 %
    overlap) within [fmin, fmax]."""
    best = (-np.inf, 0, FS / 2)
    for nw in (16, 32, 64, 128, 256):
        _, _, Z = ss.stft(x, FS, window="hann", nperseg=nw, noverlap=3 * nw // 4, boundary=None, padded=False)
        p = np.abs(Z) ** 2
        sk = (p ** 2).mean(1) / p.mean(1) ** 2 - 2
        for k in range(1, len(sk) - 1):      # no DC / Nyquist bin
            fc = k * FS / nw
            if sk[k] > best[0] and fc - FS / nw >= fmin and fc + FS / nw <= fmax:
                best = (sk[k], max(fc - FS / nw, 10.0), min(fc + FS / nw, FS / 2 - 10))
    return best


def mon_ses(x, fr):
    """bearing_monitor's demodulation (see the module doc): (p, bw, band impulsiveness, band index) of the most
    impulsive band, and race_any (the largest BPFO or BPFI score over the four bands)."""
    dec = int(FS / 1500 + 0.5)
    best, race_any = None, 0.0
    for b in range(4):
        e0, e1 = 500 + 5000 * b / 4, 500 + 5000 * (b + 1) / 4
        y = ss.sosfilt(ss.butter(2, [e0, e1], "bandpass", fs=FS, output="sos"), x) ** 2
        e = y[: len(y) // dec * dec].reshape(-1, dec).mean(1)
        imp = e.var() / e.mean() ** 2
        p, bw = welch(e, FS / dec)
        race_any = max(race_any, score(p, bw, orders()["BPFO"] * fr), score(p, bw, orders()["BPFI"] * fr))
        if best is None or imp > best[2]:
            best = (p, bw, imp, b)
    return best, race_any


def line(p, bw, f, tol=0.02):
    """(prominence ratio, refined frequency) of the largest local maximum in f (1 +- tol), >= +-1.5 bins."""
    hb = max(f * tol, 1.5 * bw)
    lo, hi = max(int(np.ceil((f - hb) / bw)), 1), min(int(np.floor((f + hb) / bw)), len(p) - 2)
    if hi <= lo or f <= 0: return 1.0, f
    best = 0
    for k in range(lo, hi + 1):
        if p[k - 1] < p[k] >= p[k + 1] and (best == 0 or p[k] > p[best]): best = k
    if best == 0: return 1.0, f
    fl = np.mean(np.r_[p[max(lo - 20, 0):lo], p[hi + 1:hi + 21]])
    a, b, c = np.log(p[best - 1:best + 2])
    den = a - 2 * b + c
    d = np.clip(0.5 * (a - c) / den, -0.5, 0.5) if den < 0 else 0.0
    return np.exp(b - 0.25 * (a - c) * d) / fl, (best + d) * bw


def score(p, bw, f):
    return sum(max(np.log10(line(p, bw, h * f)[0]), 0.0) for h in (1, 2, 3))


def sidebands(p, bw, f, m):
    """Mean decades of the lines at F +- m, F the measured main line near f (each side line within +-1.5 bins)."""
    _, F = line(p, bw, f)
    s = [max(np.log10(line(p, bw, F + sgn * m, tol=0.0)[0]), 0.0) for sgn in (-1, 1)]
    return 0.5 * (s[0] + s[1])


def evidence(p, bw, fr):
    o = orders()
    e = dict(outer=score(p, bw, o["BPFO"] * fr), inner=score(p, bw, o["BPFI"] * fr),
             ball2=score(p, bw, 2 * o["BSF"] * fr), bsf=score(p, bw, o["BSF"] * fr), ftf=score(p, bw, o["FTF"] * fr),
             sb_inner_fr=sidebands(p, bw, o["BPFI"] * fr, fr), sb_ball_ftf=sidebands(p, bw, 2 * o["BSF"] * fr, o["FTF"] * fr),
             sb_outer_ftf=sidebands(p, bw, o["BPFO"] * fr, o["FTF"] * fr))
    e["ball"] = max(e["ball2"], e["bsf"])
    return e


def diagnose(e, race_any, kurt, crest):
    """bearing_monitor's diagnose() (the model in cwru_emulate.py) on one method's evidence."""
    return emulate_diagnose(e["outer"], e["inner"], e["ball"], race_any, kurt, crest)


def cepstrum_score(x, f, tol=0.02):
    """Sum over rahmonics r = 1..3 of decades of |c(q)| at q = r / f (+-tol, at least +-1 sample) over the mean
    |c| of 20 samples each side; c = real cepstrum of the record's Welch log spectrum (the 'cep' row)."""
    _, p = ss.welch(x, FS, window="hann", nperseg=SEG, noverlap=SEG // 2, scaling="spectrum")
    c = np.abs(np.fft.irfft(np.log(np.maximum(p, 1e-30))))
    tot = 0.0
    for r in (1, 2, 3):
        q = r * FS / f
        lo, hi = int(np.floor(q * (1 - tol))), int(np.ceil(q * (1 + tol)))
        lo, hi = min(lo, int(q) - 1), max(hi, int(q) + 1)
        fl = np.mean(np.r_[c[lo - 20:lo], c[hi + 1:hi + 21]])
        tot += max(np.log10(c[lo:hi + 1].max() / fl), 0.0)
    return tot


def harmonics(p, bw, fr):
    """Per family, the line of each harmonic h: (h, orders, deviation from h x the family's factor, decades).
    BPFO/2 lists the half orders 0.5, 1.5, 2.5 x BPFO (2.5 BPFO = 8.96 fr lies 0.4 % from 9 fr)."""
    o = orders()
    out = {}
    for fam, base, hs in (("BPFO", o["BPFO"], (1, 2, 3)), ("BPFI", o["BPFI"], (1, 2, 3)),
                          ("BPFO/2", o["BPFO"], (0.5, 1.5, 2.5)), ("2BSF", 2 * o["BSF"], (1, 2, 3))):
        out[fam] = []
        for h in hs:
            q, f = line(p, bw, h * base * fr)
            out[fam].append((h, f / fr, f / fr / (h * base) - 1, max(np.log10(q), 0.0)))
    return out


def shared_line_variants(p, bw, fr, e):
    """BPFO 3x (10.75 fr +- 2 %) and BPFI 2x (10.83 fr +- 2 %) windows overlap. When both read the same line,
    give it to one family: 'nearest' (the family whose kinematic value it is nearer), 'coherent' (the family
    whose own 1x line, times 3 or 2, it matches better), or 'neither'. Returns {variant: (outer, inner)}."""
    o = orders()
    dec = lambda q: max(np.log10(q), 0.0)
    lo_ = [line(p, bw, h * o["BPFO"] * fr) for h in (1, 2, 3)]
    li_ = [line(p, bw, h * o["BPFI"] * fr) for h in (1, 2, 3)]
    O, I = [dec(q) for q, _ in lo_], [dec(q) for q, _ in li_]
    out = {"base": (e["outer"], e["inner"])}
    if abs(lo_[2][1] - li_[1][1]) > 1e-9:
        return dict(out, nearest=out["base"], coherent=out["base"], neither=out["base"])
    L = lo_[2][1]
    to_outer = abs(L / (3 * o["BPFO"] * fr) - 1) < abs(L / (2 * o["BPFI"] * fr) - 1)
    out["nearest"] = (sum(O), I[0] + I[2]) if to_outer else (O[0] + O[1], sum(I))
    to_outer = abs(L / (3 * lo_[0][1]) - 1) < abs(L / (2 * li_[0][1]) - 1)
    out["coherent"] = (sum(O), I[0] + I[2]) if to_outer else (O[0] + O[1], sum(I))
    out["neither"] = (O[0] + O[1], I[0] + I[2])
    return out


def analyse(path, fs, fr, part=0):
    """Evidence per method: {method: (evidence, how the band was chosen, race_any)}, kurtosis, crest, harmonics."""
    x = load(path, fs, part)
    m2 = (x * x).mean()
    kurt, crest = (x ** 4).mean() / m2 ** 2 - 3, np.abs(x).max() / np.sqrt(m2)
    out = {}
    (p, bw, imp, b), race_any = mon_ses(x, fr)
    out["mon"] = (evidence(p, bw, fr), "band %d var/mean^2 %.2f" % (b, imp), race_any)
    harm = harmonics(p, bw, fr)
    for v, (so, si) in shared_line_variants(p, bw, fr, out["mon"][0]).items():
        if v != "base":
            out["mon-" + v] = (dict(out["mon"][0], outer=so, inner=si), "band %d, shared line: %s" % (b, v), race_any)
    xw = cpw(x)
    p, bw = ses_band(xw, 10, FS / 2 - 10)
    out["cpw"] = (evidence(p, bw, fr), "full band", None)
    (p, bw, imp, b), race_any = mon_ses(xw, fr)
    out["cpwb"] = (evidence(p, bw, fr), "band %d var/mean^2 %.2f" % (b, imp), race_any)
    w = ar_residual(x)
    for name, sig, fmin, fmax in (("ark", w, 0.0, FS / 2), ("ark5", w, 500.0, 0.45 * FS), ("sk", x, 0.0, FS / 2),
                                  ("sk5", x, 500.0, 0.45 * FS)):
        sk, lo, hi = kurtogram_band(sig, fmin, fmax)
        p, bw = ses_band(sig, lo, hi)
        out[name] = (evidence(p, bw, fr), "%4.0f-%4.0f Hz SK %.2f" % (lo, hi, sk), None)
    o = orders()
    cep = dict(outer=cepstrum_score(x, o["BPFO"] * fr), inner=cepstrum_score(x, o["BPFI"] * fr),
               ball2=cepstrum_score(x, 2 * o["BSF"] * fr), bsf=cepstrum_score(x, o["BSF"] * fr),
               ftf=cepstrum_score(x, o["FTF"] * fr), sb_inner_fr=0.0, sb_ball_ftf=0.0, sb_outer_ftf=0.0)
    cep["ball"] = max(cep["ball2"], cep["bsf"])
    out["cep"] = (cep, "raw record cepstrum", None)
    return out, kurt, crest, harm


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=os.environ.get("NERVE_DATA_DIR", "../shared/data") + "/cwru")
    ap.add_argument("--files", default="", help="comma list of file-name prefixes (default: all)")
    ap.add_argument("--rules", action="store_true", help="diagnose() on each method's scores, right/total")
    ap.add_argument("-v", action="store_true", help="print every file's evidence (default: only --files)")
    ap.add_argument("--part", type=int, default=0, choices=(0, 1, 2), help="1 / 2: only the first / second half")
    a = ap.parse_args()
    rows = list(csv.DictReader(open(os.path.join(a.data, "manifest.csv"))))
    pick = [s for s in a.files.split(",") if s]
    tally = {}
    for r in rows:
        name = r["file"].replace("_DE12.f32", "").replace(".f32", "")
        show = a.v or any(name.startswith(s) for s in pick)
        if pick and not a.rules and not show: continue
        fr = float(r["rpm"]) / 60
        out, kurt, crest, harm = analyse(os.path.join(a.data, r["file"]), float(r["fs_hz"]), fr, a.part)
        if show:
            print("== %s (%s)  excess kurtosis %.2f crest %.2f" % (name, r["fault"], kurt, crest))
            for fam, hs in harm.items():
                print("  mon  %-6s lines: %s" % (fam, "  ".join("%gx %6.3f fr (%+.2f %%) %4.2f" % (h, f, 100 * dev, dec)
                                                            for h, f, dev, dec in hs)))
        for meth, (e, how, race_any) in out.items():
            d = diagnose(e, max(e["outer"], e["inner"]) if race_any is None else race_any, kurt, crest)
            ok = d == WANT[r["fault"]]
            if meth != "cep":   # cepstral decades are another scale: diagnose()'s thresholds do not apply
                t = tally.setdefault(meth, [0, 0, []])
                t[0] += ok
                t[1] += 1
                if not ok: t[2].append("%s:%s" % (name, d))
            else:
                d = "-"
            if show:
                print("  %-4s %-26s BPFO %5.2f BPFI %5.2f 2BSF %5.2f BSF %5.2f FTF %5.2f | BPFI+-fr %4.2f 2BSF+-FTF %4.2f "
                      "BPFO+-FTF %4.2f | %s" % (meth, how, e["outer"], e["inner"], e["ball2"], e["bsf"], e["ftf"],
                                                 e["sb_inner_fr"], e["sb_ball_ftf"], e["sb_outer_ftf"], d))
    if a.rules:
        for meth, (ok, n, wrong) in tally.items():
            print("%-4s %d/%d right; wrong: %s" % (meth, ok, n, " ".join(wrong)))


if __name__ == "__main__":
    main()
