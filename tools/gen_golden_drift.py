#!/usr/bin/python3
"""Golden data for the drift detectors: River's documented examples, reproduced exactly.

Every example in River's drift documentation builds its stream with Python's `random` module
and a fixed seed, then prints the indices where the detector warned or fired. This script
regenerates those streams with Debian's /usr/bin/python3 (the `random` module's Mersenne Twister
and its choices/gauss/sample algorithms are stable across Python 3 releases) and writes them, with
the indices River's documentation prints, to tests/golden/drift_river.hpp. The indices are
facts copied from River's docstrings (river/drift/*.py, river 0.21-0.22), not computed here.

KSWIN draws its reference sample with `random.Random(seed).sample(range(n - r), r)`; the test
re-implements that draw (MT19937 + Python's sample algorithm) and checks it against the first
draws written here, so the KSWIN example is reproduced with the very same random subsets.

Also written: scipy's exact two-sample Kolmogorov-Smirnov p-values for equal sample sizes, the
reference for nerve's kswin p-value.

Run: /usr/bin/python3 tools/gen_golden_drift.py
"""
import pathlib
import random
import warnings

import numpy as np
from scipy import stats

root = pathlib.Path(__file__).resolve().parent.parent


def ints(name, v, ctype="unsigned char"):
    body = ",\n".join("    " + ", ".join(str(int(a)) for a in v[i:i + 32]) for i in range(0, len(v), 32))
    return f"inline constexpr {ctype} {name}[{len(v)}] = {{\n{body}}};\n"


def doubles(name, v):
    body = ",\n".join("    " + ", ".join(repr(float(a)) for a in v[i:i + 4]) for i in range(0, len(v), 4))
    return f"inline constexpr double {name}[{len(v)}] = {{\n{body}}};\n"


def idx(name, v):
    if not v:
        return f"inline constexpr std::array<unsigned, 0> {name}{{}};\n"
    return f"inline constexpr std::array<unsigned, {len(v)}> {name}{{{', '.join(map(str, v))}}};\n"


out = []

# --- Stream A: ADWIN, PageHinkley, KSWIN examples ------------------------------------------------
rng = random.Random(12345)
a = rng.choices([0, 1], k=1000) + rng.choices(range(4, 8), k=1000)
out.append("// random.Random(12345): choices([0, 1], k=1000) + choices(range(4, 8), k=1000)\n")
out.append(ints("stream_a", a))
out.append("// River docs: ADWIN() -> 'Change detected at index 1023, input value: 4'\n")
out.append(idx("adwin_a_drifts", [1023]))
out.append("// River docs: PageHinkley() -> 'Change detected at index 1006, input value: 5'\n")
out.append(idx("page_hinkley_a_drifts", [1006]))
out.append("// River docs: KSWIN(alpha=0.0001, seed=42) -> 'Change detected at index 1016, input value: 6'\n")
out.append(idx("kswin_a_drifts", [1016]))
assert a[1023] == 4 and a[1006] == 5 and a[1016] == 6  # the input values River prints

# --- Stream A4: ADWIN regression test of river/drift/test_adwin_regression.py --------------------
rng = random.Random(42)
a4 = (rng.choices([0, 1], k=1000) + rng.choices(range(4, 8), k=1000)
      + rng.choices([0, 1], k=1000) + rng.choices(range(4, 8), k=1000))
out.append("// random.Random(42): four segments of choices([0,1]) / choices(range(4,8)), 1000 each\n")
out.append(ints("stream_a4", a4))
out.append("// River's ADWIN regression test (test_multiple_drifts): detections [1023, 2015, 3007]\n")
out.append(idx("adwin_a4_drifts", [1023, 2015, 3007]))

# --- Stream B: DDM, EDDM, HDDM_A, HDDM_W examples -----------------------------------------------
rng = random.Random(42)
b = rng.choices([0, 1], k=1000)
b = b + rng.choices([0, 1], k=1000, weights=[0.3, 0.7])
out.append("// random.Random(42): choices([0, 1], k=1000) + choices([0, 1], k=1000, weights=[0.3, 0.7])\n")
out.append(ints("stream_b", b))
out.append("// River docs print the first warning after the start / after each drift, and every drift.\n")
out.append("// DDM(): warning 1084, drift 1334, warning 1492\n")
out.append(idx("ddm_b_first_warnings", [1084, 1492]))
out.append(idx("ddm_b_drifts", [1334]))
out.append("// EDDM(alpha=0.8, beta=0.75): warning 1059, drift 1278\n")
out.append(idx("eddm_b_first_warnings", [1059]))
out.append(idx("eddm_b_drifts", [1278]))
out.append("// HDDM_A(): warning 451, drift 1206\n")
out.append(idx("hddm_a_b_first_warnings", [451]))
out.append(idx("hddm_a_b_drifts", [1206]))
out.append("// HDDM_W(): warning 451, drift 1077\n")
out.append(idx("hddm_w_b_first_warnings", [451]))
out.append(idx("hddm_w_b_drifts", [1077]))

# --- Stream C: FHDDM example ---------------------------------------------------------------------
rng = random.Random(42)
c = rng.choices([0, 1], k=250)
c = c + rng.choices([0, 1], k=250, weights=[0.9, 0.1])
out.append("// random.Random(42): choices([0, 1], k=250) + choices([0, 1], k=250, weights=[0.9, 0.1])\n")
out.append(ints("stream_c", c))
out.append("// River docs: FHDDM() alone -> 315 (river 0.21); FHDDM() or FHDDM(short_window_size=20) -> 279, 315\n")
out.append(idx("fhddm_c_drifts", [315]))
out.append(idx("fhddm_c_union_drifts", [279, 315]))

# --- Stream D: CUSUM example ---------------------------------------------------------------------
rng = random.Random(12345)
stable = [rng.gauss(0, 1) for _ in range(200)]
shifted = [rng.gauss(3, 1) for _ in range(200)]
out.append("// random.Random(12345): 200 x gauss(0, 1) then 200 x gauss(3, 1)\n")
out.append(doubles("stream_d", stable + shifted))
out.append("// River docs: CUSUM() -> 201, 251\n")
out.append(idx("cusum_d_drifts", [201, 251]))

# --- Stream E: EWMA chart example ----------------------------------------------------------------
rng = random.Random(12345)
e = [rng.gauss(0, 1) if i < 1000 else rng.gauss(3, 1) for i in range(2000)]
out.append("// random.Random(12345): gauss(0, 1) for i < 1000, else gauss(3, 1); 2000 samples\n")
out.append(doubles("stream_e", e))
out.append("// River docs: EWMA(alpha=0.1, threshold=4, min_instances=50) -> 1010\n")
out.append(idx("ewma_e_drifts", [1010]))

# --- Python's random.sample, for the KSWIN reference draw ------------------------------------------
rng = random.Random(42)
draws = [rng.sample(range(70), 30) for _ in range(3)]
out.append("// random.Random(42): three successive sample(range(70), 30) draws (KSWIN window 100, stat 30)\n")
out.append(ints("python_sample_70_30", [v for d in draws for v in d]))
rng = random.Random(42)
words = [rng.getrandbits(32) for _ in range(8)]
out.append("// random.Random(42).getrandbits(32), eight times\n")
out.append(ints("python_mt_42_words", words, "unsigned"))

# --- Exact two-sample KS p-values, equal sizes (scipy ks_2samp method='exact') ---------------------
ks_rows = []
for n in (5, 10, 30, 50):
    for h in range(1, n + 1):
        # Two samples whose statistic is exactly h/n: y is x shifted past h of its values.
        x = np.arange(n, dtype=float)
        y = np.arange(n, dtype=float) + h - 0.5
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # scipy falls back to the asymptotic value: skip those
            try:
                r = stats.ks_2samp(x, y, method="exact")
            except RuntimeWarning:
                continue
        assert round(r.statistic * n) == h, (n, h, r.statistic)
        ks_rows.append((n, h, r.pvalue))
out.append("// scipy.stats.ks_2samp(method='exact') p-values for two samples of size n with D = h/n\n")
out.append("struct ks_row { unsigned n, h; double p; };\n")
out.append("inline constexpr ks_row ks_exact[] = {\n" +
           ",\n".join(f"    {{{n}, {h}, {p!r}}}" for n, h, p in ks_rows) + "};\n")

header = """// Generated by tools/gen_golden_drift.py — do not edit.
// Streams of River's drift documentation examples and the indices River's docs print.
#pragma once
#include <array>

namespace golden::drift_river {
"""
path = root / "tests" / "golden" / "drift_river.hpp"
path.write_text(header + "\n".join(out) + "}  // namespace golden::drift_river\n")
print(f"wrote {path}")
