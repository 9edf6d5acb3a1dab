#!/usr/bin/env python3
"""QRS detection at other sampling rates: the MIT-BIH records (360 Hz) resampled to 250, 500 and
1000 Hz (the issue's "ECG at 250-1000 Hz"), each run through `nerve run patient`, scored like
/work/shared/tools/ecg_eval.py (gross Se and +P, 150 ms window, whole records).

    /usr/bin/python3 tools/ecg_rate_eval.py --cli build/host/examples/cli/nerve \
        [--data ../shared/data/mitdb] [--rates 250 360 500 1000] [--records 100 101 ...]

Each channel is resampled in ADC units with scipy.signal.resample_poly (a zero-phase polyphase
low-pass, so no delay) and written as a format-16 record with the original gains; the detector
reads the rate from the header. Detected sample indices are mapped back to 360 Hz (n * 360 / fs,
rounded) and matched against the record's own .atr with the scorer's matcher. 360 Hz writes the
record unresampled as format 16, a control that must equal the format-212 original's score.
Nothing in the detector is told the rate but the header.
"""
import argparse
import glob
import os
import subprocess
import sys
import tempfile
from fractions import Fraction

import numpy as np
from scipy.signal import resample_poly

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ecg_noise_stress import read_212, read_header, write_record_16  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--data", default=os.path.join(os.environ.get("NERVE_DATA_DIR", "../shared/data"), "mitdb"))
    ap.add_argument("--rates", nargs="+", type=float, default=[250, 360, 500, 1000])
    ap.add_argument("--records", nargs="+", help="record names (default: every record in --data)")
    ap.add_argument("--verbose", action="store_true", help="one line per record and rate")
    a = ap.parse_args()
    # The scorer's own annotation reader and matcher (../shared/tools beside ../shared/data).
    sys.path.insert(0, os.path.normpath(os.path.join(a.data, "..", "..", "tools")))
    import ecg_eval

    records = a.records or sorted(os.path.basename(p)[:-4] for p in glob.glob(os.path.join(a.data, "*.atr")))
    print(f"{'rate Hz':>8s}  {'records':>7s}  {'beats':>6s}  {'missed':>6s}  {'false':>6s}  {'Se %':>6s}  {'+P %':>6s}")
    with tempfile.TemporaryDirectory() as tmp:
        for rate in a.rates:
            tp_all = fn_all = fp_all = 0
            for rec in records:
                nsig, fs, n, sig = read_header(os.path.join(a.data, rec + ".hea"))
                x = read_212(os.path.join(a.data, rec + ".dat"), nsig, n).astype(np.float64)
                with open(os.path.join(a.data, rec + ".atr"), "rb") as f:
                    ref = [t for t, c in ecg_eval.read_atr(f.read()) if c in ecg_eval.BEAT_CODES]
                ratio = Fraction(rate / fs).limit_denominator(1000)
                y = x if ratio == 1 else resample_poly(x, ratio.numerator, ratio.denominator, axis=0)
                out = os.path.join(tmp, rec)
                write_record_16(out, y, rate, sig)
                text = subprocess.run([a.cli, "run", "patient", "--record", out], capture_output=True, text=True,
                                      check=True).stdout
                det = sorted(int(round(s * fs / rate)) for s in ecg_eval.detected(text))
                tp = ecg_eval.match(ref, det, int(round(0.150 * fs)))
                fn, fp = len(ref) - tp, len(det) - tp
                tp_all, fn_all, fp_all = tp_all + tp, fn_all + fn, fp_all + fp
                if a.verbose:
                    print(f"  {rate:6g} Hz  record {rec}: beats {len(ref)} missed {fn} false {fp}")
            se = 100 * tp_all / max(1, tp_all + fn_all)
            ppv = 100 * tp_all / max(1, tp_all + fp_all)
            print(f"{rate:8g}  {len(records):7d}  {tp_all + fn_all:6d}  {fn_all:6d}  {fp_all:6d}  {se:6.2f}  {ppv:6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
