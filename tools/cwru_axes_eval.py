#!/usr/bin/env python3
"""Multi-axis bearing diagnosis (`nerve run maintenance --axes 3`) on CWRU records made triaxial.

    /usr/bin/python3 tools/cwru_axes_eval.py --cli build/host/examples/cli/nerve [--data ../shared/data/cwru]

CWRU recorded one accelerometer direction per bearing, so the other axes are made up, in two
conditions, with the real record on axis (file number mod 3) so every position is exercised:
  noise   the other two axes white Gaussian noise of the record's RMS (an axis that sees none of
          the impacts and as much energy: the hardest case for reading the right axis);
  paths   one other axis 0.3 x the record plus noise of 0.5 x its RMS (a weaker path to the same
          impacts), the third white noise of 0.5 x its RMS.
Each file is scored as /work/shared/tools/scoreboard.sh scores the single axis (the fault type must
match, the normal baseline must read `normal`) next to the single-axis verdict of the same record.
The noise is seeded (numpy default_rng(file number)): the table is reproducible.
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

WANT = {"inner": "inner_race", "outer": "outer_race", "ball": "ball", "normal": "normal"}


def run_cli(cli, path, fs, rpm, axes):
    cmd = [cli, "run", "maintenance", "--input", path, "--format", "f32", "--fs", str(fs), "--rpm", repr(rpm),
           "--bearing", "6205", "--quiet"]
    if axes > 1:
        cmd += ["--axes", str(axes)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--data", default=os.path.join(os.environ.get("NERVE_DATA_DIR", "../shared/data"), "cwru"))
    a = ap.parse_args()
    with open(os.path.join(a.data, "manifest.csv")) as f:
        rows = list(csv.DictReader(f))
    right = {"single": 0, "noise": 0, "paths": 0}
    with tempfile.TemporaryDirectory() as tmp:
        for n, r in enumerate(rows):
            x = np.fromfile(os.path.join(a.data, r["file"]), dtype="<f4").astype(np.float64)
            fs, rpm, want = float(r["fs_hz"]), float(r["rpm"]), WANT[r["fault"]]
            rms = float(np.sqrt(np.mean(x * x)))
            rng = np.random.default_rng(n)
            on = n % 3
            got = {"single": run_cli(a.cli, os.path.join(a.data, r["file"]), fs, rpm, 1)["diagnosis"]}
            for cond in ("noise", "paths"):
                axes = np.empty((x.size, 3))
                if cond == "noise":
                    others = [rng.standard_normal(x.size) * rms, rng.standard_normal(x.size) * rms]
                else:
                    others = [0.3 * x + rng.standard_normal(x.size) * 0.5 * rms, rng.standard_normal(x.size) * 0.5 * rms]
                k = 0
                for ax in range(3):
                    if ax == on:
                        axes[:, ax] = x
                    else:
                        axes[:, ax] = others[k]
                        k += 1
                path = os.path.join(tmp, "xyz.f32")
                axes.astype("<f4").tofile(path)
                s = run_cli(a.cli, path, fs, rpm, 3)
                got[cond] = s["diagnosis"]
                got[cond + "_axis"] = s["deciding_axis"]
            for c in right:
                right[c] += got[c] == want
            print(f"{r['file']:28s} want {want:10s} single {got['single']:10s} "
                  f"noise {got['noise']:10s} (axis {got['noise_axis']}, real {on})  "
                  f"paths {got['paths']:10s} (axis {got['paths_axis']})")
    total = len(rows)
    print(f"right of {total}: single axis {right['single']}, 3 axes with noise {right['noise']}, "
          f"3 axes with a weaker path {right['paths']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
