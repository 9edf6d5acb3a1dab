#!/usr/bin/python3
"""The maintenance firmware's monitor on every CWRU record, on the Cortex-M4 and on the host.

    tools/mcu_cwru_replay.py [--m4-build build/cortex-m4] [--host-build build/host] [--data DIR]

Runs examples/mcu_maintenance_replay.cpp (bearing_monitor<2, 1024, 128, 8, false, bfloat16>, the
one-axis firmware's monitor) under qemu-system-arm on each record of DIR/manifest.csv (default
$NERVE_DATA_DIR/cwru, NERVE_DATA_DIR defaulting to ../shared/data), and the host build of the same
monitor over the same records (examples/maintenance_mcu_eval.cpp --verbose, column 1ax-fw), and
prints per record the label, both diagnoses and the M4's evidence, then how many each got right
and where the two targets disagree. Needs both builds: the cortex-m4 preset's
nerve_mcu_maintenance_replay and the host's nerve_maintenance_mcu_eval target (build it with
`cmake --build build/host --target nerve_maintenance_mcu_eval`).
"""
import argparse
import csv
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LABEL = {"normal": "normal", "inner": "inner_race", "outer": "outer_race", "ball": "ball"}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--m4-build", default=os.path.join(ROOT, "build", "cortex-m4"))
    ap.add_argument("--host-build", default=os.path.join(ROOT, "build", "host"))
    ap.add_argument("--data", default=os.path.join(os.environ.get("NERVE_DATA_DIR", os.path.join(ROOT, "..", "shared", "data")), "cwru"))
    a = ap.parse_args()
    elf = os.path.join(a.m4_build, "examples", "nerve_mcu_maintenance_replay.elf")
    evaluator = os.path.join(a.host_build, "examples", "nerve_maintenance_mcu_eval")
    for path in (elf, evaluator):
        if not os.path.exists(path):
            sys.exit(f"mcu_cwru_replay: {path} not built")
    with open(os.path.join(a.data, "manifest.csv")) as f:
        records = [r for r in csv.DictReader(f) if r["file"]]

    # Host: the evaluator's table, one line per record: file, then one verdict per configuration.
    out = subprocess.run([evaluator, "--data", a.data, "--verbose"], capture_output=True, text=True, check=True).stdout
    host = {}
    for line in out.splitlines():
        cells = line.split()
        if len(cells) >= 3 and cells[0].endswith(".f32"):
            host[cells[0]] = cells[2]   # cells[1]: the label column, cells[2]: 1ax-fw

    qemu = os.path.join(ROOT, "cmake", "qemu-cortex-m4.sh")
    right = {"m4": 0, "host": 0}
    disagree = []
    print(f"{'record':24} {'label':11} {'Cortex-M4':11} {'host':11} evidence outer / inner / ball, kurtosis (M4)")
    for r in records:
        path = os.path.join(a.data, r["file"])
        run = subprocess.run(["sh", qemu, elf, path, r["fs_hz"], r["rpm"]], capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(f"mcu_cwru_replay: {r['file']}: exit {run.returncode}: {run.stdout.strip()} {run.stderr.strip()}")
        m4 = json.loads(run.stdout.strip().splitlines()[-1])
        want = LABEL[r["fault"]]
        h = host.get(r["file"], "?")
        right["m4"] += m4["diagnosis"] == want
        right["host"] += h == want
        if m4["diagnosis"] != h:
            disagree.append(r["file"])
        ev = "{:.3f} / {:.3f} / {:.3f}, {:.2f}".format(m4["outer_milli"] / 1000, m4["inner_milli"] / 1000,
                                                      m4["ball_milli"] / 1000, m4["kurtosis_milli"] / 1000)
        print(f"{r['file']:24} {want:11} {m4['diagnosis']:11} {h:11} {ev}")
    n = len(records)
    print(f"right: Cortex-M4 {right['m4']} / {n}, host {right['host']} / {n}; "
          f"records where they differ: {len(disagree)}{(' (' + ', '.join(disagree) + ')') if disagree else ''}")
    return 1 if disagree else 0


if __name__ == "__main__":
    sys.exit(main())
