#!/usr/bin/env python3
"""CWRU bearing diagnosis through `nerve run maintenance`: dev accuracy, robustness and threshold margins.

    /usr/bin/python3 tools/cwru_eval.py --cli build/cwru-host/examples/cli/nerve [--data ../shared/data/cwru]

Runs every file of the manifest (scored as /work/shared/tools/scoreboard.sh scores it: the fault
type must match, the normal baseline must read `normal`) in four conditions:
  base       the files as they are (12 kHz faults, 48 kHz normal baseline), nominal rpm;
  48k        every 12 kHz file resampled to 48 kHz (scipy.signal.resample_poly 4/1), nominal rpm;
  rpm-1%     base files, rpm told 1 % low;   rpm+1%  ... 1 % high (a tachometer/slip error);
  rpm-2%, rpm+2% (not in the default list) ... 2 % off.
--fixed-rpm passes --fixed-rpm to the CLI (the told rpm as given, no 1x-line speed refinement), for
before/after tables. With refinement on, each condition also prints the rpm the CLI used against the
manifest rpm (median and max relative error).
Then, from the summary evidence of the base run, it re-applies diagnose() of
include/nerve/pipelines/bearing_monitor.hpp (same rule order, same defaults) and reports, for each
decision threshold, the interval of values over which no base-run verdict changes: the margin of
that threshold (how far the nearest file is from flipping).
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
from scipy.signal import resample_poly

WANT = {"inner": "inner_race", "outer": "outer_race", "ball": "ball", "normal": "normal"}
# bearing_monitor_config defaults (keep in step with the header).
DEFAULTS = dict(race_threshold=2.0, race_margin=0.5, ball_threshold=1.5, weak_threshold=1.0,
                weak_margin=0.6, kurtosis_alarm=3.0, crest_alarm=8.0, anomaly_alarm=0.9)


def run_cli(cli, path, fs, rpm, fixed=False):
    out = subprocess.run([cli, "run", "maintenance", "--input", path, "--format", "f32", "--fs", str(fs),
                          "--rpm", repr(rpm), "--bearing", "6205", "--quiet"] + (["--fixed-rpm"] if fixed else []),
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def diagnose(s, c):
    """Python copy of nerve::pipelines::diagnose() (the summary form)."""
    e = s["evidence"]
    o, i, b = e["outer"], e["inner"], e["ball"]
    race, other = (o, i) if o > i else (i, o)
    race_d = "outer_race" if o > i else "inner_race"
    top, second, top_d = race, max(other, b), race_d
    if b > race:
        top, second, top_d = b, race, "ball"
    if race >= c["race_threshold"] and race - other >= c["race_margin"]:
        return race_d
    if b >= c["ball_threshold"] and b > race:
        return "ball"
    if top >= c["weak_threshold"] and top - second >= c["weak_margin"]:
        return top_d
    if race >= c["race_threshold"]:
        return "anomaly"
    if s["kurtosis"] >= c["kurtosis_alarm"] or s["crest_factor"] >= c["crest_alarm"]:
        return "ball"
    if e["race_any"] >= c["race_threshold"]:
        return "anomaly"
    if s["max_anomaly_score"] >= c["anomaly_alarm"]:
        return "anomaly"
    return "normal"


def margins(summaries):
    base = {f: diagnose(s, DEFAULTS) for f, s in summaries.items()}
    rows = []
    for k, v in DEFAULTS.items():
        def flips(x):
            c = dict(DEFAULTS, **{k: x})
            return [f for f, s in summaries.items() if diagnose(s, c) != base[f]]
        lo = hi = v
        step = 0.005 * max(abs(v), 1.0)
        first_lo = first_hi = []
        while lo > v - 2.0 * max(abs(v), 1.0):
            first_lo = flips(lo - step)
            if first_lo: break
            lo -= step
        while hi < v + 2.0 * max(abs(v), 1.0):
            first_hi = flips(hi + step)
            if first_hi: break
            hi += step
        rows.append((k, v, lo, first_lo, hi, first_hi))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--data", default=os.environ.get("NERVE_DATA_DIR", "../shared/data") + "/cwru")
    ap.add_argument("--conditions", default="base,48k,rpm-1%,rpm+1%")
    ap.add_argument("--fixed-rpm", action="store_true", help="no speed refinement (CLI --fixed-rpm)")
    a = ap.parse_args()
    rows = list(csv.DictReader(open(os.path.join(a.data, "manifest.csv"))))
    conds = a.conditions.split(",")
    results, base_summaries = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        for cond in conds:
            right, wrong, errs = 0, [], []
            for r in rows:
                path, fs, rpm = os.path.join(a.data, r["file"]), float(r["fs_hz"]), float(r["rpm"])
                if cond == "48k" and fs != 48000:
                    x = np.fromfile(path, dtype="<f4").astype(np.float64)
                    k = int(48000 // fs)
                    path = os.path.join(tmp, "r48_" + r["file"])
                    resample_poly(x, k, 1).astype("<f4").tofile(path)
                    fs = 48000.0
                if cond == "rpm-1%": rpm *= 0.99
                if cond == "rpm+1%": rpm *= 1.01
                if cond == "rpm-2%": rpm *= 0.98
                if cond == "rpm+2%": rpm *= 1.02
                s = run_cli(a.cli, path, int(fs), rpm, a.fixed_rpm)
                if "rpm_used" in s: errs.append(abs(s["rpm_used"] / float(r["rpm"]) - 1))
                if cond == "base": base_summaries[r["file"]] = s
                if s["diagnosis"] == WANT[r["fault"]]: right += 1
                else: wrong.append("%s:%s" % (r["file"].replace("_DE12.f32", "").replace(".f32", ""), s["diagnosis"]))
            results[cond] = (right, len(rows), wrong)
            used = " (rpm used vs manifest: median |err| %.2f %%, max %.2f %%)" % (
                100 * np.median(errs), 100 * max(errs)) if errs else ""
            print("%-7s %d/%d right%s%s" % (cond, right, len(rows), used, ("; wrong: " + " ".join(wrong)) if wrong else ""))
            sys.stdout.flush()
    if "base" in results:
        print("\nper-file evidence (base; selected band, decades above floor):")
        print("%-24s %-11s %6s %6s %6s %6s %6s %6s" % ("file", "verdict", "outer", "inner", "ball", "r_any", "kurt", "imp"))
        for f, s in base_summaries.items():
            e = s["evidence"]
            print("%-24s %-11s %6.2f %6.2f %6.2f %6.2f %6.2f %6.2f" % (f.replace("_DE12.f32", ""), s["diagnosis"],
                  e["outer"], e["inner"], e["ball"], e["race_any"], s["kurtosis"], e["impulsiveness"]))
        print("\nthreshold margins (interval of values with no base verdict changing; first files to flip):")
        for k, v, lo, flo, hi, fhi in margins(base_summaries):
            print("  %-15s %5.2f  ok in [%5.2f, %5.2f]   below: %s   above: %s" % (
                k, v, lo, hi, ",".join(x.replace("_DE12.f32", "") for x in flo) or "-",
                ",".join(x.replace("_DE12.f32", "") for x in fhi) or "-"))


if __name__ == "__main__":
    main()
