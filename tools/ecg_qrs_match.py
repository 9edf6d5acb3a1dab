#!/usr/bin/python3
"""How well does `nerve run patient`'s QRS check tell ectopic from normal beats on MIT-BIH?

    /usr/bin/python3 tools/ecg_qrs_match.py --cli build/host/examples/cli/nerve \
        [--data ../shared/data/mitdb] [--limit 0.8] [--records 208 ...]

Each detected beat's "qrs_match" (correlation of its lead-0 QRS with the monitor's running
template of the dominant QRS) is matched to the reference beat within 150 ms, and the beats below
the limit (the monitor's aberrant_qrs_corr, 0.8 by default) are counted per annotation symbol
(N normal, V PVC, F fusion, / paced, f paced fusion, A/a/J/S supraventricular premature, L/R
bundle branch block, E ventricular escape, Q unclassifiable, ! flutter wave): one line per
record, then the totals; --field ectopic counts the beats with "ectopic": true instead.
"""
import argparse
import bisect
import glob
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ecg_error_classes import read_atr_full  # noqa: E402

SYMBOLS = {1: "N", 2: "L", 3: "R", 4: "a", 5: "V", 6: "F", 7: "J", 8: "A", 9: "S", 10: "E", 11: "j", 12: "/",
           13: "Q", 31: "!", 34: "n", 38: "f"}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cli", required=True)
    ap.add_argument("--data", default=os.path.join(os.environ.get("NERVE_DATA_DIR", os.path.join(here, "../../shared/data")), "mitdb"))
    ap.add_argument("--limit", type=float, default=0.8)
    ap.add_argument("--records", nargs="*")
    ap.add_argument("--field", choices=("qrs_match", "ectopic"), default="qrs_match")
    a = ap.parse_args()
    recs = [os.path.join(a.data, r) for r in a.records] if a.records else sorted(h[:-4] for h in glob.glob(os.path.join(a.data, "*.hea")))
    if not recs:
        sys.exit(f"ecg_qrs_match: no records in {a.data}")
    total = {}
    for rec in recs:
        out = subprocess.run([a.cli, "run", "patient", "--record", rec], capture_output=True, text=True, check=True).stdout
        beats = [json.loads(line) for line in out.splitlines() if line.startswith('{"type":"beat"')]
        with open(rec + ".atr", "rb") as f:
            anns = [x for x in read_atr_full(f.read()) if x[1] in SYMBOLS]
        ref = [x[0] for x in anns]
        win = 54  # 150 ms at 360 Hz
        per = {}
        for b in beats:
            i = bisect.bisect_left(ref, b["sample"] - win)
            if i < len(ref) and abs(ref[i] - b["sample"]) <= win:
                c = per.setdefault(SYMBOLS[anns[i][1]], [0, 0])
                c[0] += 1
                c[1] += b["ectopic"] if a.field == "ectopic" else b["qrs_match"] < a.limit
        print(os.path.basename(rec), " ".join(f"{s}:{c[1]}/{c[0]}" for s, c in sorted(per.items())))
        for s, c in per.items():
            t = total.setdefault(s, [0, 0])
            t[0] += c[0]
            t[1] += c[1]
    what = "flagged ectopic" if a.field == "ectopic" else f"below {a.limit}"
    print(f"{what} (of the beats of each symbol):",
          " ".join(f"{s}:{c[1]}/{c[0]} ({100 * c[1] / c[0]:.1f} %)" for s, c in sorted(total.items())))


if __name__ == "__main__":
    main()
