#!/usr/bin/env python3
"""QRS detection under added noise: `nerve run patient` on MIT-BIH records with noise mixed in,
scored like /work/shared/tools/ecg_eval.py (gross Se and +P, 150 ms window, whole records).

    /usr/bin/python3 tools/ecg_noise_stress.py --cli build/host/examples/cli/nerve \
        [--data ../shared/data/mitdb] [--records 118 119] [--snr 24 18 12 6 0] \
        [--kinds bw ma em] [--seed 0] [--lead 0]

The protocol follows the MIT-BIH Noise Stress Test's shape (noise from minute 5 on, in alternating
2-minute stretches, on every channel; SNR = 10 log10(S / N) with S = (median QRS peak-to-peak
amplitude)^2 / 8 and N the noise's mean square), but the noises are synthetic, since the NSTDB
recordings are not in ../shared/data, so the numbers do not compare with published NST tables:
  bw  baseline wander: a sum of 6 random sinusoids at 0.05-0.6 Hz plus a random walk, low-passed;
  ma  muscle artefact: white Gaussian noise band-passed to 20-150 Hz;
  em  electrode motion: 0.5-8 Hz band-passed noise in bursts of 0.5-3 s with a step at each start.
Seeded (numpy default_rng from the record number, the SNR, the noise kind and --seed; --seed 0
gives the original table): reproducible, and other seeds draw other noise realisations, so a
detector change developed on one record / seed can be checked on others (held-out numbers).
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
from scipy.signal import butter, sosfiltfilt



def read_header(path):
    with open(path) as f:
        lines = [l for l in f if l.strip() and not l.startswith("#")]
    name, nsig, fs, n = lines[0].split()[:4]
    return int(nsig), float(fs), int(n), [l.split() for l in lines[1:1 + int(nsig)]]


def read_212(path, nsig, n):
    b = np.fromfile(path, dtype=np.uint8)
    b = b[: (len(b) // 3) * 3].reshape(-1, 3).astype(np.int32)
    s0 = b[:, 0] | ((b[:, 1] & 0x0F) << 8)
    s1 = b[:, 2] | ((b[:, 1] & 0xF0) << 4)
    s = np.empty(2 * len(b), dtype=np.int32)
    s[0::2], s[1::2] = s0, s1
    s[s >= 2048] -= 4096
    return s[: n * nsig].reshape(-1, nsig)


def write_record_16(out, x, fs, sig):
    """Writes x (samples x channels, ADC units) as the WFDB record `out` (.hea and format-16 .dat),
    keeping each channel's gain, resolution, baseline and description from the header lines `sig`."""
    y = np.clip(np.round(x), -32768, 32767).astype("<i2")
    rec = os.path.basename(out)
    y.tofile(out + ".dat")
    with open(out + ".hea", "w") as f:
        f.write(f"{rec} {y.shape[1]} {fs:g} {y.shape[0]}\n")
        for c, s in enumerate(sig):
            check = int(np.sum(y[:, c].astype(np.int64))) & 0xFFFF
            check = check - 65536 if check >= 32768 else check
            f.write(f"{rec}.dat 16 {s[2]} {s[3]} {s[4]} {int(y[0, c])} {check} 0 {' '.join(s[8:])}\n")


def noise(kind, n, fs, rng):
    t = np.arange(n) / fs
    if kind == "bw":
        x = sum(rng.uniform(0.3, 1.0) * np.sin(2 * np.pi * rng.uniform(0.05, 0.6) * t + rng.uniform(0, 6.3))
                for _ in range(6))
        walk = np.cumsum(rng.standard_normal(n)) / np.sqrt(fs)
        x = x + sosfiltfilt(butter(2, 0.7, fs=fs, output="sos"), walk)
    elif kind == "ma":
        x = sosfiltfilt(butter(4, [20, 150], btype="band", fs=fs, output="sos"), rng.standard_normal(n))
    else:  # em
        base = sosfiltfilt(butter(2, [0.5, 8], btype="band", fs=fs, output="sos"), rng.standard_normal(n))
        x = np.zeros(n)
        i = int(rng.uniform(0, 2) * fs)
        while i < n:
            length = int(rng.uniform(0.5, 3.0) * fs)
            x[i:i + length] = base[i:i + length] + rng.uniform(-1.5, 1.5) * np.std(base)
            i += length + int(rng.uniform(1.0, 6.0) * fs)
    x = x - np.mean(x)
    return x / np.sqrt(np.mean(x * x))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--data", default=os.path.join(os.environ.get("NERVE_DATA_DIR", "../shared/data"), "mitdb"))
    ap.add_argument("--records", nargs="+", default=["118", "119"])
    ap.add_argument("--snr", nargs="+", type=float, default=[24, 18, 12, 6, 0])
    ap.add_argument("--kinds", nargs="+", choices=["bw", "ma", "em"], default=["bw", "ma", "em"])
    ap.add_argument("--seed", type=int, default=0, help="noise realisation (0: the original table)")
    ap.add_argument("--no-clean", action="store_true", help="skip the clean (no noise) rows")
    ap.add_argument("--keep", help="also write the noisy records to this folder (NNN_<kind><snr>_s<seed>.hea/.dat/.atr)")
    a = ap.parse_args()
    # The scorer's own annotation reader and matcher (../shared/tools beside ../shared/data).
    sys.path.insert(0, os.path.normpath(os.path.join(a.data, "..", "..", "tools")))
    import ecg_eval

    print("noise  SNR dB  " + "  ".join(f"{r:>17s}" for r in a.records) + "   gross Se / +P")
    with tempfile.TemporaryDirectory() as tmp:
        for kind in a.kinds:
            for snr in ([] if a.no_clean else [None]) + a.snr:
                cells, tp_all, fn_all, fp_all = [], 0, 0, 0
                for rec in a.records:
                    nsig, fs, n, sig = read_header(os.path.join(a.data, rec + ".hea"))
                    x = read_212(os.path.join(a.data, rec + ".dat"), nsig, n).astype(np.float64)
                    with open(os.path.join(a.data, rec + ".atr"), "rb") as f:
                        anns = ecg_eval.read_atr(f.read())
                    ref = [t for t, c in anns if c in ecg_eval.BEAT_CODES]
                    if snr is not None:
                        rng = np.random.default_rng(int(rec) * 1000 + int(snr * 10) + {"bw": 1, "ma": 2, "em": 3}[kind]
                                                + 1000003 * a.seed)
                        mask = np.zeros(n)
                        seg = int(120 * fs)
                        for start in range(int(300 * fs), n, 2 * seg):
                            mask[start:start + seg] = 1.0
                        w = int(0.05 * fs)
                        for c in range(nsig):
                            p2p = np.median([np.ptp(x[max(0, r - w):r + w, c]) for r in ref])
                            s_power = p2p * p2p / 8.0
                            nz = noise(kind, n, fs, rng) * np.sqrt(s_power / 10 ** (snr / 10.0))
                            x[:, c] += mask * nz
                    out = os.path.join(tmp, rec)
                    write_record_16(out, x, fs, sig)
                    shutil.copy(os.path.join(a.data, rec + ".atr"), out + ".atr")
                    if a.keep:
                        os.makedirs(a.keep, exist_ok=True)
                        name = f"{rec}_{kind}{'clean' if snr is None else f'{snr:g}'}_s{a.seed}"
                        for ext in (".dat", ".atr"):
                            shutil.copy(out + ext, os.path.join(a.keep, name + ext))
                        with open(out + ".hea") as src, open(os.path.join(a.keep, name + ".hea"), "w") as dst:
                            dst.write(src.read().replace(f"{rec}.dat", f"{name}.dat").replace(f"{rec} ", f"{name} ", 1))
                    text = subprocess.run([a.cli, "run", "patient", "--record", out], capture_output=True, text=True,
                                          check=True).stdout
                    det = ecg_eval.detected(text)
                    tp = ecg_eval.match(ref, det, int(round(0.150 * fs)))
                    fn, fp = len(ref) - tp, len(det) - tp
                    tp_all, fn_all, fp_all = tp_all + tp, fn_all + fn, fp_all + fp
                    cells.append(f"{100 * tp / len(ref):6.2f} / {100 * tp / max(1, len(det)):6.2f}")
                se = 100 * tp_all / max(1, tp_all + fn_all)
                ppv = 100 * tp_all / max(1, tp_all + fp_all)
                label = "clean" if snr is None else f"{snr:g}"
                print(f"{kind:5s}  {label:>6s}  " + "  ".join(f"{c:>17s}" for c in cells) + f"   {se:6.2f} / {ppv:6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
