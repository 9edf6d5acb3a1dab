#!/usr/bin/python3
"""How right are `nerve run patient`'s rhythm alarms on MIT-BIH? Each alarm episode (its on and
off events) is checked against the record's reference annotations (rhythm labels and beats):

    /usr/bin/python3 tools/ecg_alarm_eval.py --cli build/host/examples/cli/nerve \
        [--data ../shared/data/mitdb] [--records 201 203 ...] [--single-lead] [--list]

  irregular_rhythm  against the atrial fibrillation episodes (rhythm label "(AFIB"): the share
                    of AF time the alarm covers (duration sensitivity), the share of alarm time
                    that is AF (duration positive predictivity; time in atrial flutter, "(AFL",
                    is reported apart: irregular flutter is a fair call, regular flutter is not),
                    AF episodes of 30 s or more the alarm touches, and alarm episodes that touch
                    no AF or flutter at all (false alarms);
  asystole          true when the reference beats leave a gap of at least 4 s around it;
  bradycardia /     true when the median rate of the 8 reference beats before some point within
  tachycardia       5 s of the onset crosses the limit (40 / 140 bpm, the monitor's defaults);
  ventricular_fibrillation  true when it touches a "(VFL" or "(VT" episode.
Annotations are read with tools/ecg_error_classes.py's reader (rhythm labels sit in the aux text
of annotation code 28). The alarm rules were set without this tool, so its figures are a first
measurement, not a tuned result.
"""
import argparse
import glob
import json
import os
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ecg_error_classes import read_atr_full  # noqa: E402

BEAT_CODES = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 25, 30, 34, 35, 38, 41}
RHYTHM = 28


def rhythm_spans(anns, n):
    """{label: [(lo, hi), ...]} from the rhythm annotations, each label lasting to the next."""
    marks = [(a[0], a[3].strip("\0 ")) for a in anns if a[1] == RHYTHM and a[3]]
    out = {}
    for i, (t, lab) in enumerate(marks):
        end = marks[i + 1][0] if i + 1 < len(marks) else n
        out.setdefault(lab, []).append((t, end))
    return out


def overlap(a, spans):
    lo, hi = a
    return sum(max(0, min(hi, h) - max(lo, l)) for l, h in spans)


def episodes(events, kind, n):
    """[(on_sample, off_sample), ...] of one alarm; an alarm still on runs to the end."""
    out, on = [], None
    for e in events:
        if e.get("alarm") != kind:
            continue
        if e["state"] == "on" and on is None:
            on = e["sample"]
        elif e["state"] == "off" and on is not None:
            out.append((on, max(on, e["sample"])))
            on = None
    if on is not None:
        out.append((on, n))
    return out


def median_rate(beats, t, fs):
    prev = [b for b in beats if b <= t][-9:]
    if len(prev) < 9:
        return None
    rr = [b - a for a, b in zip(prev, prev[1:])]
    return 60.0 * fs / statistics.median(rr)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--data", default=os.path.join(os.environ.get("NERVE_DATA_DIR", "../shared/data"), "mitdb"))
    ap.add_argument("--records", nargs="+")
    ap.add_argument("--single-lead", action="store_true")
    ap.add_argument("--list", action="store_true", help="print every alarm episode with its verdict")
    a = ap.parse_args()
    records = a.records or sorted(os.path.basename(p)[:-4] for p in glob.glob(os.path.join(a.data, "*.atr")))

    af_time = af_cov = alarm_time = alarm_af = alarm_afl = 0
    af_eps = af_eps_hit = 0
    counts = {k: [0, 0] for k in ("irregular_rhythm", "asystole", "bradycardia", "tachycardia",
                                  "ventricular_fibrillation")}  # [episodes, true]
    for rec in records:
        path = os.path.join(a.data, rec)
        cmd = [a.cli, "run", "patient", "--record", path] + (["--single-lead"] if a.single_lead else [])
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        events = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        summary = next(e for e in events if e.get("type") == "summary")
        fs, n = summary["fs"], summary["samples"]
        alarms = [e for e in events if e.get("type") == "alarm"]
        anns = read_atr_full(open(path + ".atr", "rb").read())
        beats = [x[0] for x in anns if x[1] in BEAT_CODES]
        rs = rhythm_spans(anns, n)
        af, afl = rs.get("(AFIB", []), rs.get("(AFL", [])
        vf = rs.get("(VFL", []) + rs.get("(VT", [])

        irr = episodes(alarms, "irregular_rhythm", n)
        af_time += sum(h - l for l, h in af)
        af_cov += sum(overlap(s, irr) for s in af)
        alarm_time += sum(h - l for l, h in irr)
        alarm_af += sum(overlap(s, af) for s in irr)
        alarm_afl += sum(overlap(s, afl) for s in irr)
        for s in af:
            if s[1] - s[0] >= 30 * fs:
                af_eps += 1
                af_eps_hit += overlap(s, irr) > 0
        lines = []
        for s in irr:
            ok = overlap(s, af) + overlap(s, afl) > 0
            counts["irregular_rhythm"][0] += 1
            counts["irregular_rhythm"][1] += ok
            lines.append(("irregular_rhythm", s, ok))
        for s in episodes(alarms, "asystole", n):
            gap = max((b - p for p, b in zip(beats, beats[1:]) if p <= s[0] <= b), default=0)
            ok = gap >= 4.0 * fs
            counts["asystole"][0] += 1
            counts["asystole"][1] += ok
            lines.append(("asystole", s, ok))
        for kind, test in (("bradycardia", lambda r: r < 40.0), ("tachycardia", lambda r: r > 140.0)):
            for s in episodes(alarms, kind, n):
                probe = range(max(0, s[0] - 5 * fs), min(n, s[0] + 5 * fs), fs // 4)
                ok = any((r := median_rate(beats, t, fs)) is not None and test(r) for t in probe)
                counts[kind][0] += 1
                counts[kind][1] += ok
                lines.append((kind, s, ok))
        for s in episodes(alarms, "ventricular_fibrillation", n):
            ok = overlap((s[0] - 5 * fs, s[1] + 5 * fs), vf) > 0
            counts["ventricular_fibrillation"][0] += 1
            counts["ventricular_fibrillation"][1] += ok
            lines.append(("ventricular_fibrillation", s, ok))
        wrong = sum(not ok for _, _, ok in lines)
        print(f"record={rec} alarms={len(lines)} unsupported={wrong} af_s={sum(h - l for l, h in af) / fs:.0f}")
        if a.list:
            for kind, (lo, hi), ok in lines:
                print(f"  {kind:24} {lo / fs:8.1f}-{hi / fs:8.1f} s  {'true' if ok else 'FALSE'}")

    print("alarm episodes (true / all): " + ", ".join(f"{k} {v[1]}/{v[0]}" for k, v in counts.items()))
    if af_time:
        print(f"AF: duration sensitivity {100 * af_cov / af_time:.1f} % of {af_time / 360 / 60:.1f} min; "
              f"episodes >= 30 s touched {af_eps_hit}/{af_eps}")
    if alarm_time:
        print(f"irregular_rhythm alarm time: {100 * alarm_af / alarm_time:.1f} % in AF, "
              f"{100 * alarm_afl / alarm_time:.1f} % in atrial flutter, of {alarm_time / 360 / 60:.1f} min")


if __name__ == "__main__":
    main()
