#!/usr/bin/env python3
"""Line census of CWRU envelope spectra at high resolution: which kinematic family each strong line belongs to.

    /usr/bin/python3 tools/cwru_lines.py [--data ../shared/data/cwru] [--band LO HI] [--top 12] FILE_PREFIX...
    e.g. tools/cwru_lines.py 1797_B_7 1797_OR@6_14 1797_IR_7 1797_OR@6_7

The envelope is formed as bearing_monitor forms it (2nd-order Butterworth high-pass at 10 Hz,
2nd-order Butterworth band-pass, squared, boxcar-decimated to ~1500 Hz), but its Welch spectrum uses
8192-point segments (0.18 Hz bins instead of the pipeline's 1.46 Hz), so lines 0.5 % apart separate.
Each of the `top` most prominent local maxima between 20 and 500 Hz (prominence = line / median of
+-8 Hz around it) is printed in shaft orders (nominal rpm of the manifest) with every kinematic
label within 0.6 % of it: k x FTF, k x BSF, k x 2BSF, k/2 x BPFO, k x BPFI, k x fr (k = 1..16). The
6205 geometry (d/D cos(phi) = 0.2034) makes several families coincide to within the pipeline's
+-2 % search window, e.g. BPFI = 5.415 fr vs 1.5 BPFO = 5.377 fr, 2 BPFI = 10.83 vs 3 BPFO = 10.75,
BSF = 2.357 vs 6 FTF = 2.390, 2 BSF = 4.713 vs 12 FTF = 4.780; the census shows which one a line is.
"""
import argparse
import csv
import os

import numpy as np
import scipy.signal as ss

N_BALLS, BALL_D, PITCH_D = 9, 0.3126, 1.537


def orders():
    r = BALL_D / PITCH_D
    return dict(FTF=0.5 * (1 - r), BSF=PITCH_D / (2 * BALL_D) * (1 - r * r), BPFO=N_BALLS / 2 * (1 - r),
                BPFI=N_BALLS / 2 * (1 + r))


def labels(o, tol=0.006):
    k = orders()
    fam = {"FTF": k["FTF"], "BSF": k["BSF"], "2BSF": 2 * k["BSF"], "BPFO/2": k["BPFO"] / 2, "BPFI": k["BPFI"], "fr": 1.0}
    out = []
    for name, base in fam.items():
        for m in range(1, 40):
            v = m * base
            if abs(v - o) <= tol * o:
                out.append("%gxBPFO" % (m / 2) if name == "BPFO/2" else "%dx%s" % (m, name))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+")
    ap.add_argument("--data", default=os.environ.get("NERVE_DATA_DIR", "../shared/data") + "/cwru")
    ap.add_argument("--band", nargs=2, type=float, default=None, help="demodulation band (default: all 4 pipeline bands)")
    ap.add_argument("--top", type=int, default=12)
    a = ap.parse_args()
    man = list(csv.DictReader(open(os.path.join(a.data, "manifest.csv"))))
    for prefix in a.files:
        row = next(r for r in man if r["file"].startswith(prefix + "_") or r["file"].startswith(prefix + "."))
        fs, fr = float(row["fs_hz"]), float(row["rpm"]) / 60
        x = np.fromfile(os.path.join(a.data, row["file"]), dtype="<f4").astype(np.float64)
        x = ss.sosfilt(ss.butter(2, 10, "highpass", fs=fs, output="sos"), x)
        hi = min(5500.0, 0.45 * fs)
        bands = [tuple(a.band)] if a.band else [(e0, e1) for e0, e1 in zip(np.linspace(500, hi, 5)[:-1], np.linspace(500, hi, 5)[1:])]
        k4 = ((x - x.mean()) ** 4).mean() / x.var() ** 2 - 3
        # Speed check: the 1x shaft line of a whole-record Hann periodogram zero-padded 4x (parabolic
        # refinement), within +-2 % of nominal. (The 2x line at ~59.9 Hz sits on the 60 Hz mains line.)
        nfft = 4 * len(x)
        spec = np.abs(np.fft.rfft(x * np.hanning(len(x)), nfft)) ** 2
        fw = np.fft.rfftfreq(nfft, 1 / fs)
        m = np.flatnonzero((fw > 0.98 * fr) & (fw < 1.02 * fr))
        i = m[np.argmax(spec[m])]
        la, lb, lc = np.log(spec[i - 1:i + 2])
        f1 = (i + 0.5 * (la - lc) / (la - 2 * lb + lc)) * (fw[1] - fw[0])
        print("== %s  fault %s  fr %.3f Hz  excess kurtosis %.2f  raw-spectrum 1x line %.3f Hz = %.1f rpm (nominal %s)"
              % (row["file"], row["fault"], fr, k4, f1, 60 * f1, row["rpm"]))
        for lo, hb in bands:
            y = ss.sosfilt(ss.butter(2, [lo, hb], "bandpass", fs=fs, output="sos"), x) ** 2
            dec = int(round(fs / 1500))
            e = y[: len(y) // dec * dec].reshape(-1, dec).mean(1)
            imp = e.var() / e.mean() ** 2
            f, p = ss.welch(e, fs / dec, window="hann", nperseg=8192, noverlap=4096, scaling="spectrum")
            df = f[1] - f[0]
            w = int(round(8.0 / df))
            cand = []
            for i in range(w, len(f) - w):
                if not (20 <= f[i] <= 500) or not (p[i] > p[i - 1] and p[i] >= p[i + 1]):
                    continue
                cand.append((p[i] / np.median(p[i - w:i + w + 1]), i))
            cand.sort(reverse=True)
            print("  band %4.0f-%4.0f Hz  var/mean^2 %.2f" % (lo, hb, imp))
            for prom, i in cand[: a.top]:
                fi = f[i] + df * 0.5 * (p[i - 1] - p[i + 1]) / (p[i - 1] - 2 * p[i] + p[i + 1])
                print("    %7.2f Hz %7.3f orders  prominence %8.1f  %s" % (fi, fi / fr, prom, " ".join(labels(fi / fr)) or "-"))


if __name__ == "__main__":
    main()
