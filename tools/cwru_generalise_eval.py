#!/usr/bin/env python3
"""Does the CWRU bearing diagnosis of `nerve run maintenance` carry over to what we do not have?

    /usr/bin/python3 tools/cwru_generalise_eval.py --cli build/rate-host/examples/cli/nerve
                     [--data ../shared/data/cwru] [--conditions LIST] [--jobs 2] [--seed 1] [-v]

Acceptance runs the tool on CWRU's 2 and 3 hp drive-end records (~1750 and ~1730 rpm) and on its 48 kHz
drive-end records; the development set holds the 12 kHz records at 0 and 1 hp (1797 / 1772 rpm) and the
48 kHz normal. This script runs every file of the manifest under transformations that stand in for those
conditions, and prints per condition the files right / total (scored as /work/shared/tools/scoreboard.sh
scores: the fault type must match, the normal must read `normal`) and which files changed verdict against
the same file untransformed (`base`). Nothing here is tuned: it only measures.

Conditions (--conditions takes a comma list of these names; default: all):
  base          the files as they are (12 kHz faults, the 48 kHz normal), manifest rpm.
  48k           12 kHz files resampled to 48 kHz (scipy.signal.resample_poly(x, 4, 1)), --fs 48000. Such a
                record has nothing above 6 kHz, unlike a real 48 kHz record.
  48k+hf        48k plus Gaussian noise high-passed at 6 kHz (8th-order Butterworth), its power the 48 kHz
                normal record's 6-24 kHz power fraction (measured here, ~5.5 %) of the record's own power:
                energy up there that a band choice or the time features (kurtosis, crest) could pick up.
  48k+hfshape   as 48k+hf, but the noise has the 48 kHz normal's own 6-24 kHz spectrum shape (its
                8-10 kHz hump), from its Welch spectrum (shaping filter by frequency sampling).
  24k           12 kHz files resampled to 24 kHz (resample_poly(x, 2, 1)), --fs 24000 (30 files: the normal
                is 48 kHz; see normal24k).
  normal12k     the 48 kHz normal decimated to 12 kHz (resample_poly(x, 1, 4)), --fs 12000 (only that file);
  normal24k     ... to 24 kHz (resample_poly(x, 1, 2)) (only that file).
  rpm1750, rpm1730
                each record time-warped so its shaft speed becomes 1750 / 1730 rpm (resample_poly by the speed
                ratio, the result read at the original fs), the new rpm told. Every frequency of the record
                scales, the structure's resonances too, which is unphysical (a real machine's resonances stay
                put when it slows down); the defect lines, the shaft line and the impact rate move as they
                would. The mains line (60 Hz) moves with it as well: at 1730 rpm it sits at 57.8 Hz.
  48k@1750+hf, 48k@1730+hf
                rpm1750 / rpm1730 then 48k+hf: the acceptance 2 and 3 hp / 48 kHz cases in one.
  rpm-3%, rpm-1%, rpm+1%, rpm+3%
                the manifest rpm told 3 / 1 % low or high (a tachometer or slip error); the tool's 1x-line
                speed refinement searches +-3 %.
  fixed, fixed-1%, fixed+1%
                --fixed-rpm (no speed refinement) with the rpm as recorded, 1 % low, 1 % high.
  half1, half2  the first / the second half of each record (a 5 s acceptance file against our 10 s).
"""
import argparse
import concurrent.futures as cf
import csv
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import scipy.signal as ss
from fractions import Fraction

WANT = {"inner": "inner_race", "outer": "outer_race", "ball": "ball", "normal": "normal"}
ALL = ["base", "48k", "48k+hf", "48k+hfshape", "24k", "normal12k", "normal24k", "rpm1750", "rpm1730",
       "48k@1750+hf", "48k@1730+hf", "rpm-3%", "rpm-1%", "rpm+1%", "rpm+3%", "fixed", "fixed-1%", "fixed+1%", "half1", "half2"]
NORMAL = "1797_Normal.f32"


def run_cli(cli, path, fs, rpm, fixed=False):
    cmd = [cli, "run", "maintenance", "--input", path, "--format", "f32", "--fs", repr(float(fs)), "--rpm",
           repr(float(rpm)), "--bearing", "6205", "--quiet"] + (["--fixed-rpm"] if fixed else [])
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        return {"diagnosis": "error: " + p.stderr.strip().splitlines()[-1][:60] if p.stderr.strip() else "error"}
    return json.loads(p.stdout.strip().splitlines()[-1])


def hf_fraction(data):
    """Power of the 48 kHz normal above 6 kHz over its total power (after removing the mean)."""
    x = np.fromfile(os.path.join(data, NORMAL), dtype="<f4").astype(np.float64)
    x -= x.mean()
    f, p = ss.welch(x, 48000, nperseg=4096)
    return float(p[f >= 6000].sum() / p.sum()), f, p


def hf_noise(n, power, rng, shape=None):
    """n samples at 48 kHz of Gaussian noise above 6 kHz with the given mean power; white up there, or with
    the spectrum shape (f, psd) of the 48 kHz normal's 6-24 kHz band."""
    w = rng.standard_normal(n + 4096)
    if shape is None:
        sos = ss.butter(8, 6000, btype="highpass", fs=48000, output="sos")
        y = ss.sosfilt(sos, w)[4096:]
    else:
        f, p = shape
        g = np.where(f >= 6000, np.sqrt(p), 0.0)
        h = ss.firwin2(1025, f / 24000.0, g / g.max(), window="hann")
        y = ss.lfilter(h, 1.0, w)[4096:]
    return y * np.sqrt(power / np.mean(y * y))


def transform(cond, r, x, fs, rpm, ctx):
    """(samples, fs, true rpm, rpm told, fixed) for one condition, or None when it does not apply."""
    fixed = False
    if cond in ("normal12k", "normal24k"):
        if r["file"] != NORMAL:
            return None
        k = 4 if cond == "normal12k" else 2
        return ss.resample_poly(x, 1, k), fs / k, rpm, rpm, False
    if cond.startswith("rpm17") or cond.startswith("48k@"):
        new = float(cond[3:7] if cond.startswith("rpm") else cond[4:8])
        # y(t) = x(t new / rpm): resample by rpm / new, read at the same fs.
        q = Fraction(rpm / new).limit_denominator(2000)
        x, rpm = ss.resample_poly(x, q.numerator, q.denominator), rpm * q.denominator / q.numerator
        if cond.startswith("48k@"):
            cond = "48k+hf"
    if cond.startswith("48k") or cond == "24k":
        if fs == 48000:
            if cond == "24k":
                return None   # the normal: its own conditions above
        else:
            k = int(round((48000 if cond.startswith("48k") else 24000) / fs))
            x, fs = ss.resample_poly(x, k, 1), fs * k
        if cond in ("48k+hf", "48k+hfshape"):
            power = ctx["hf_fraction"] * np.mean((x - x.mean()) ** 2)
            rng = np.random.default_rng([ctx["seed"], ctx["index"][r["file"]]])
            if fs == 48000 and r["file"] == NORMAL:
                pass   # the real 48 kHz record has its own energy up there
            else:
                x = x + hf_noise(len(x), power, rng, ctx["shape"] if cond == "48k+hfshape" else None)
        return x, fs, rpm, rpm, False
    true = rpm
    if cond.startswith(("rpm-", "rpm+")):
        rpm *= 1.0 + float(cond[3:-1]) / 100.0
    if cond.startswith("fixed"):
        fixed = True
        if cond != "fixed":
            rpm *= 1.0 + float(cond[5:-1]) / 100.0
    if cond == "half1":
        x = x[: len(x) // 2]
    if cond == "half2":
        x = x[len(x) // 2:]
    return x, fs, true, rpm, fixed


def short(f):
    return f.replace("_DE12.f32", "").replace(".f32", "")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", required=True, help="path to the nerve tool")
    ap.add_argument("--data", default=os.path.join(os.environ.get("NERVE_DATA_DIR", "../shared/data"), "cwru"))
    ap.add_argument("--conditions", default=",".join(ALL))
    ap.add_argument("--jobs", type=int, default=2, help="CLI runs in parallel (the machine has 2 cores)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the added high-frequency noise")
    ap.add_argument("-v", "--verbose", action="store_true", help="per changed file: evidence and rule before/after")
    a = ap.parse_args()
    rows = list(csv.DictReader(open(os.path.join(a.data, "manifest.csv"))))
    conds = a.conditions.split(",")
    for c in conds:
        if c not in ALL:
            sys.exit("unknown condition %r (known: %s)" % (c, ", ".join(ALL)))
    if "base" not in conds:
        conds.insert(0, "base")
    frac, f, p = hf_fraction(a.data)
    ctx = dict(hf_fraction=frac, shape=(f, p), seed=a.seed, index={r["file"]: i for i, r in enumerate(rows)})
    print("48 kHz normal: %.2f %% of its power above 6 kHz (the added noise's share in 48k+hf)" % (100 * frac))
    results = {}
    with tempfile.TemporaryDirectory() as tmp, cf.ThreadPoolExecutor(max_workers=a.jobs) as pool:
        for cond in conds:
            jobs = []
            for r in rows:
                path = os.path.join(a.data, r["file"])
                x = np.fromfile(path, dtype="<f4").astype(np.float64)
                t = transform(cond, r, x, float(r["fs_hz"]), float(r["rpm"]), ctx)
                if t is None:
                    continue
                y, fs, true, rpm, fixed = t
                if cond != "base":
                    path = os.path.join(tmp, "%s_%s" % (cond.replace("%", "pc"), r["file"]))
                    y.astype("<f4").tofile(path)
                jobs.append((r, path, fs, true, pool.submit(run_cli, a.cli, path, fs, rpm, fixed)))
            res = {}
            for r, path, fs, true, fut in jobs:
                res[r["file"]] = (fut.result(), fs, true)
                if path.startswith(tmp):
                    os.remove(path)
            results[cond] = res
            right = sum(1 for r in rows if r["file"] in res and res[r["file"]][0]["diagnosis"] == WANT[r["fault"]])
            changed = [(fl, results["base"][fl][0]["diagnosis"], s["diagnosis"]) for fl, (s, _, _) in res.items()
                       if cond != "base" and s["diagnosis"] != results["base"][fl][0]["diagnosis"]]
            errs = [abs(s["rpm_used"] / true - 1) for s, _, true in res.values() if "rpm_used" in s]
            print("%-12s %2d/%-2d right  rpm used vs true: median %.2f %% max %.2f %%, %2d off > 0.5 %%  changed vs base: %s" % (
                cond, right, len(res), 100 * np.median(errs) if errs else float("nan"),
                100 * max(errs) if errs else float("nan"), sum(1 for e in errs if e > 0.005),
                " ".join("%s %s->%s" % (short(fl), b, n) for fl, b, n in changed) or "-"))
            if a.verbose:
                for fl, b, n in changed:
                    for tag, s in (("base", results["base"][fl][0]), (cond, res[fl][0])):
                        e = s.get("evidence", {})
                        print("    %-12s %-16s %-10s rule=%-22s band=%s imp=%.2f out=%.2f in=%.2f ball=%.2f any=%.2f "
                              "kurt=%.2f crest=%.2f rpm_used=%.1f" % (
                                  tag, short(fl), s["diagnosis"], s.get("rule", "?"), "-".join("%g" % v for v in e.get("band_hz", [])),
                                  e.get("impulsiveness", 0), e.get("outer", 0), e.get("inner", 0), e.get("ball", 0),
                                  e.get("race_any", 0), s.get("kurtosis", 0), s.get("crest_factor", 0),
                                  s.get("rpm_used", 0)))
            sys.stdout.flush()
    print("\nwrong per condition:")
    for cond, res in results.items():
        wrong = [short(fl) + ":" + s["diagnosis"] for fl, (s, _, _) in res.items()
                 if s["diagnosis"] != WANT[next(r["fault"] for r in rows if r["file"] == fl)]]
        print("  %-12s %s" % (cond, " ".join(wrong) or "-"))


if __name__ == "__main__":
    main()
