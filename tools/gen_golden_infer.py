#!/usr/bin/python3
"""Golden vectors for the int8 ops CMSIS-NN has no test vectors for: LOGISTIC, TANH, ADD, MUL,
MEAN, QUANTIZE (float -> int8 and int8 -> int8), DEQUANTIZE, RELU, RELU6.

    /usr/bin/python3 tools/gen_golden_infer.py   ->  tests/golden/infer_ops.hpp

A second, independent implementation of TensorFlow Lite's reference integer arithmetic, in NumPy
on int64 arrays (vectorised, written from the arithmetic's definition rather than translated from
the C++ headers): the doubling high multiply as floor((a b + 2^30) / 2^31), the rounding shift as
round-half-away on magnitudes, gemmlowp's fixed-point exp / 1/(1+x) / (1-x)/(1+x) on raw int32
values, and the Prepare-time parameter computations of each op in double (float where TFLite
uses float). Inputs cover every int8 value for the unary ops and random pairs plus the corners
for the binary ones, with scales spanning the ranges real models use.
"""
import math
import os

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "golden", "infer_ops.hpp")
I32_MIN, I32_MAX = -(2**31), 2**31 - 1
rng = np.random.default_rng(20261130)


def wrap32(v):
    v = np.asarray(v, dtype=np.int64)
    return ((v + 2**31) % 2**32) - 2**31


def srdhm(a, b):
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    both_min = (a == I32_MIN) & (b == I32_MIN)
    p = a * b  # |p| <= 2^62 fits int64
    r = np.floor_divide(p + 2**30, 2**31)
    return np.where(both_min, I32_MAX, r)


def rdbp(x, e):
    x = np.asarray(x, dtype=np.int64)
    if np.isscalar(e) or np.ndim(e) == 0:
        e = np.full(x.shape, int(e), dtype=np.int64)
    mag = np.abs(x)
    half = np.where(e > 0, np.left_shift(np.int64(1), np.maximum(e - 1, 0)), 0)
    q = np.right_shift(mag + half, e)
    return np.where(x < 0, -q, q)


def mbqm(x, m, shift):
    """MultiplyByQuantizedMultiplier, double rounding."""
    left = max(shift, 0)
    right = max(-shift, 0)
    return rdbp(srdhm(wrap32(np.asarray(x, dtype=np.int64) * (1 << left)), m), right)


def quantize_multiplier(real):
    if real == 0.0:
        return 0, 0
    q, shift = math.frexp(real)
    qf = round_half_away(q * 2**31)
    if qf == 2**31:
        qf //= 2
        shift += 1
    if shift < -31:
        return 0, 0
    return int(qf), shift


def round_half_away(v):
    return int(math.floor(abs(v) + 0.5)) * (1 if v >= 0 else -1)


def sat_lshift(x, e):
    x = np.asarray(x, dtype=np.int64)
    if e == 0:
        return x
    thr = (1 << (31 - e)) - 1
    return np.where(x > thr, I32_MAX, np.where(x < -thr, I32_MIN, x << e))


def rescale(x, frm, to):
    d = frm - to
    return sat_lshift(x, d) if d >= 0 else rdbp(x, -d)


def exp_on_interval(a):
    x = wrap32(a + (1 << 28))
    x2 = srdhm(x, x)
    x3 = srdhm(x2, x)
    x4 = srdhm(x2, x2)
    x4_4 = rdbp(x4, 2)
    poly = rdbp(wrap32(srdhm(wrap32(x4_4 + x3), 715827883) + x2), 1)
    c = 1895147668
    return wrap32(c + srdhm(c, wrap32(x + poly)))


def exp_on_negative_values(a, int_bits):
    a = np.asarray(a, dtype=np.int64)
    frac = 31 - int_bits
    quarter = 1 << (frac - 2)
    amq = wrap32((a & (quarter - 1)) - quarter)
    result = exp_on_interval(rescale(amq, int_bits, 0))
    remainder = wrap32(amq - a)
    mults = [1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242]
    for i, m in enumerate(mults):
        exponent = i - 2
        if int_bits > exponent:
            bit = 1 << (frac + exponent)
            result = np.where((remainder & bit) != 0, srdhm(result, m), result)
    if int_bits > 5:
        result = np.where(a < -(1 << (frac + 5)), 0, result)
    return np.where(a == 0, I32_MAX, result)


def newton_reciprocal_half(a):
    s = a.astype(np.int64) + I32_MAX
    half_den = np.where(s >= 0, (s + 1) // 2, -((-s + 1) // 2))  # round half away from zero
    x = wrap32(1515870810 + srdhm(half_den, -1010580540))
    for _ in range(3):
        hdx = srdhm(half_den, x)
        om = wrap32((1 << 29) - hdx)
        x = wrap32(x + rescale(srdhm(x, om), 4, 2))
    return x


def one_over_one_plus_x(a):
    return rescale(newton_reciprocal_half(a), 1, 0)


def one_minus_x_over_one_plus_x(a):
    return rescale(wrap32(newton_reciprocal_half(a) - (1 << 29)), 2, 0)


def fx_logistic(a, int_bits):
    absa = np.where(a > 0, a, wrap32(-a))
    pos = one_over_one_plus_x(exp_on_negative_values(wrap32(-absa), int_bits))
    r = np.where(a > 0, pos, wrap32(I32_MAX - pos))
    return np.where(a == 0, 1 << 30, r)


def fx_tanh(a, int_bits):
    n = np.where(a < 0, a, wrap32(-a))
    t = one_minus_x_over_one_plus_x(exp_on_negative_values(n, int_bits + 1))
    r = np.where(a < 0, wrap32(-t), t)
    return np.where(a == 0, 0, r)


def sigmoid_params(scale, zp):
    real = float(np.float32(scale)) * float(1 << 27)
    q, shift = math.frexp(real)
    mult = round_half_away(q * 2**31)
    radius = math.floor(1.0 * 15 * (1 << 27) / 2.0**shift)
    return zp, radius, mult, shift


def logistic_ref(x, scale, zp):
    zp, radius, mult, shift = sigmoid_params(scale, zp)
    d = x.astype(np.int64) - zp
    y = fx_logistic(mbqm(d, mult, shift), 4)
    v = np.clip(rdbp(y, 23) - 128, -128, 127)
    return np.where(d <= -radius, -128, np.where(d >= radius, 127, v))


def tanh_ref(x, scale, zp):
    zp, radius, mult, shift = sigmoid_params(scale, zp)
    d = x.astype(np.int64) - zp
    y = fx_tanh(mbqm(d, mult, shift), 4)
    v = np.clip(rdbp(y, 24), -128, 127)
    return np.where(d <= -radius, -128, np.where(d >= radius, 127, v))


def f32(v):
    return float(np.float32(v))


def add_ref(a, b, s1, z1, s2, z2, so, zo, amin, amax):
    twice = 2.0 * max(f32(s1), f32(s2))
    m1, sh1 = quantize_multiplier(f32(s1) / twice)
    m2, sh2 = quantize_multiplier(f32(s2) / twice)
    mo, sho = quantize_multiplier(twice / ((1 << 20) * f32(so)))
    a1 = wrap32((a.astype(np.int64) - z1) << 20)
    b1 = wrap32((b.astype(np.int64) - z2) << 20)
    raw = wrap32(mbqm(a1, m1, sh1) + mbqm(b1, m2, sh2))
    return np.clip(mbqm(raw, mo, sho) + zo, amin, amax)


def mul_ref(a, b, s1, z1, s2, z2, so, zo, amin, amax):
    m, sh = quantize_multiplier(f32(s1) * f32(s2) / f32(so))
    prod = (a.astype(np.int64) - z1) * (b.astype(np.int64) - z2)
    return np.clip(mbqm(prod, m, sh) + zo, amin, amax)


def mean_ref(x, si, zi, so, zo):  # x [b][h][w][c]
    m, sh = quantize_multiplier(f32(si) / f32(so))
    n = x.shape[1] * x.shape[2]
    acc = (x.astype(np.int64) - zi).sum(axis=(1, 2))
    acc = mbqm(acc, m, sh)
    acc = np.where(acc > 0, (acc + n // 2) // n, -((-acc + n // 2) // n))
    return np.clip(acc + zo, -128, 127)


def quantize_ref(x, scale, zp):
    v = (x.astype(np.float32) / np.float32(scale)).astype(np.float32)
    r = np.sign(v) * np.floor(np.abs(v).astype(np.float64) + 0.5)
    return np.clip(r + zp, -128, 127).astype(np.int64)


def dequantize_ref(q, scale, zp):
    return (np.float64(np.float32(scale)) * (q.astype(np.int64) - zp)).astype(np.float32)


def requantize_ref(q, si, zi, so, zo):
    m, sh = quantize_multiplier(f32(si) / f32(so))
    return np.clip(mbqm(q.astype(np.int64) - zi, m, sh) + zo, -128, 127)


def relu_ref(q, si, zi, so, zo):
    m, sh = quantize_multiplier(f32(si) / f32(so))
    lo = max(-128, zo + int(round_half_away(f32(np.float32(0.0) / np.float32(so)))))
    return np.clip(zo + mbqm(q.astype(np.int64) - zi, m, sh), lo, 127)


def relu6_ref(q, scale, zp):
    hi = min(127, max(-128, round_half_away(float(np.float32(6.0) / np.float32(scale))) + zp))
    lo = min(127, max(-128, zp))
    return np.clip(q.astype(np.int64), lo, hi)


def fmt_ints(vals, per=24):
    vals = [int(v) for v in np.asarray(vals).ravel()]
    lines = []
    for i in range(0, len(vals), per):
        lines.append("    " + ", ".join(str(v) for v in vals[i:i + per]) + ",")
    return "\n".join(lines)


def fmt_floats(vals, per=6):
    vals = [float(np.float32(v)) for v in np.asarray(vals).ravel()]
    lines = []
    for i in range(0, len(vals), per):
        lines.append("    " + ", ".join(repr(v) + "f" if math.isfinite(v) else "0.0f" for v in vals[i:i + per]) + ",")
    return "\n".join(lines)


def main():
    out = []
    all_int8 = np.arange(-128, 128, dtype=np.int64)

    # --- unary fixed-point activations over every int8 input, several quantizations ---
    sig_cfgs = [(0.1, -10), (1.0 / 16, 0), (0.02, 5), (0.0625, -128), (0.25, 3), (0.003, 0), (0.5, 100)]
    rows = []
    for i, (s, z) in enumerate(sig_cfgs):
        out.append(f"inline constexpr std::int8_t logistic_{i}[256] = {{\n{fmt_ints(logistic_ref(all_int8, s, z))}\n}};")
        out.append(f"inline constexpr std::int8_t tanh_{i}[256] = {{\n{fmt_ints(tanh_ref(all_int8, s, z))}\n}};")
        rows.append(f"    {{{f32(s)!r}f, {z}, logistic_{i}, tanh_{i}}},")
    out.append("struct sigmoid_case { float scale; std::int32_t zero_point; const std::int8_t* logistic; const std::int8_t* tanh; };")
    out.append("inline constexpr sigmoid_case sigmoid_cases[] = {\n" + "\n".join(rows) + "\n};")

    # --- binary ops on random pairs plus every corner ---
    n = 512
    a = rng.integers(-128, 128, n)
    b = rng.integers(-128, 128, n)
    a[:4] = [-128, -128, 127, 127]
    b[:4] = [-128, 127, -128, 127]
    out.append(f"inline constexpr std::int8_t bin_a[{n}] = {{\n{fmt_ints(a)}\n}};")
    out.append(f"inline constexpr std::int8_t bin_b[{n}] = {{\n{fmt_ints(b)}\n}};")
    bin_cfgs = [
        (0.05, -3, 0.05, -3, 0.1, 0, -128, 127),
        (0.02, 10, 0.3, -100, 0.25, -20, -128, 127),
        (0.7, 0, 0.001, 50, 0.01, 5, -128, 127),
        (0.125, -128, 0.0625, 127, 0.2, -128, -128, 127),
        (0.04, 1, 0.04, 2, 0.05, -128, -128, 20),  # fused relu-like clamp
    ]
    rows = []
    for i, (s1, z1, s2, z2, so, zo, lo, hi) in enumerate(bin_cfgs):
        out.append(f"inline constexpr std::int8_t add_{i}[{n}] = {{\n{fmt_ints(add_ref(a, b, s1, z1, s2, z2, so, zo, lo, hi))}\n}};")
        # MUL: an output scale that keeps products in range
        mso = so * max(s1, s2) * 8
        out.append(f"inline constexpr std::int8_t mul_{i}[{n}] = {{\n{fmt_ints(mul_ref(a, b, s1, z1, s2, z2, mso, zo, lo, hi))}\n}};")
        rows.append(f"    {{{f32(s1)!r}f, {z1}, {f32(s2)!r}f, {z2}, {f32(so)!r}f, {f32(mso)!r}f, {zo}, {lo}, {hi}, add_{i}, mul_{i}}},")
    out.append("struct binary_case { float s1; std::int32_t z1; float s2; std::int32_t z2; float add_out_scale; "
               "float mul_out_scale; std::int32_t zo, act_min, act_max; const std::int8_t* add; const std::int8_t* mul; };")
    out.append("inline constexpr binary_case binary_cases[] = {\n" + "\n".join(rows) + "\n};")

    # broadcast ADD / MUL: [2][3][1][4] with [1][1][5][4] -> [2][3][5][4]
    ba = rng.integers(-128, 128, (2, 3, 1, 4))
    bb = rng.integers(-128, 128, (1, 1, 5, 4))
    A, B = np.broadcast_arrays(ba, bb)
    out.append(f"inline constexpr std::int8_t bc_a[24] = {{\n{fmt_ints(ba)}\n}};")
    out.append(f"inline constexpr std::int8_t bc_b[20] = {{\n{fmt_ints(bb)}\n}};")
    s1, z1, s2, z2, so, zo = 0.03, 4, 0.05, -7, 0.06, 2
    out.append(f"inline constexpr std::int8_t bc_add[120] = {{\n{fmt_ints(add_ref(A, B, s1, z1, s2, z2, so, zo, -128, 127))}\n}};")
    out.append(f"inline constexpr std::int8_t bc_mul[120] = {{\n{fmt_ints(mul_ref(A, B, s1, z1, s2, z2, 0.01, zo, -128, 127))}\n}};")
    out.append(f"inline constexpr float bc_params[6] = {{{f32(s1)!r}f, {z1}, {f32(s2)!r}f, {z2}, {f32(so)!r}f, {zo}}};")

    # --- MEAN over H, W ---
    mx = rng.integers(-128, 128, (2, 5, 7, 6))
    mean_cfgs = [(0.1, -5, 0.1, -5), (0.1, 3, 0.02, -20), (0.05, -128, 0.4, 10)]
    out.append(f"inline constexpr std::int8_t mean_in[{mx.size}] = {{\n{fmt_ints(mx)}\n}};")
    rows = []
    for i, (si, zi, so, zo) in enumerate(mean_cfgs):
        out.append(f"inline constexpr std::int8_t mean_{i}[12] = {{\n{fmt_ints(mean_ref(mx, si, zi, so, zo))}\n}};")
        rows.append(f"    {{{f32(si)!r}f, {zi}, {f32(so)!r}f, {zo}, mean_{i}}},")
    out.append("struct mean_case { float si; std::int32_t zi; float so; std::int32_t zo; const std::int8_t* expected; };")
    out.append("inline constexpr mean_case mean_cases[] = {\n" + "\n".join(rows) + "\n};")

    # --- QUANTIZE / DEQUANTIZE / requantize / RELU / RELU6 ---
    xf = np.concatenate([rng.normal(0, 3, 300), np.array([0.0, 0.05, -0.05, 0.15, -0.15, 0.25, -0.25, 12.7, -12.8,
                                                          1e6, -1e6, 2.5, -2.5])]).astype(np.float32)
    out.append(f"inline constexpr float quant_in[{xf.size}] = {{\n{fmt_floats(xf)}\n}};")
    out.append(f"inline constexpr std::int8_t quant_out[{xf.size}] = {{\n{fmt_ints(quantize_ref(xf, 0.1, 3))}\n}};")
    out.append(f"inline constexpr float dequant_out[256] = {{\n{fmt_floats(dequantize_ref(all_int8, 0.0731, -17))}\n}};")
    rq = [(0.1, 3, 0.07, -10), (0.02, -128, 0.5, 0), (0.3, 0, 0.3, 0)]
    rows = []
    for i, (si, zi, so, zo) in enumerate(rq):
        out.append(f"inline constexpr std::int8_t requant_{i}[256] = {{\n{fmt_ints(requantize_ref(all_int8, si, zi, so, zo))}\n}};")
        out.append(f"inline constexpr std::int8_t relu_{i}[256] = {{\n{fmt_ints(relu_ref(all_int8, si, zi, so, zo))}\n}};")
        rows.append(f"    {{{f32(si)!r}f, {zi}, {f32(so)!r}f, {zo}, requant_{i}, relu_{i}}},")
    out.append("struct requant_case { float si; std::int32_t zi; float so; std::int32_t zo; const std::int8_t* requant; const std::int8_t* relu; };")
    out.append("inline constexpr requant_case requant_cases[] = {\n" + "\n".join(rows) + "\n};")
    out.append(f"inline constexpr std::int8_t relu6_out[256] = {{\n{fmt_ints(relu6_ref(all_int8, 0.05, -100))}\n}};")

    text = ("// tests/golden/infer_ops.hpp — generated by tools/gen_golden_infer.py; do not edit.\n"
            "// TFLite reference integer arithmetic re-implemented in NumPy (see the script).\n"
            "#pragma once\n\n#include <cstdint>\n\nnamespace golden::infer_ops {\n\n" + "\n\n".join(out) +
            "\n\n}  // namespace golden::infer_ops\n")
    with open(OUT, "w") as f:
        f.write(text)
    print(f"gen_golden_infer: wrote {OUT} ({len(text)} bytes)")


if __name__ == "__main__":
    main()
