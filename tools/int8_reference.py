"""int8_reference.py — TFLite's int8 reference arithmetic in plain Python/numpy.

An independent model of the integer kernels (written from the TFLite quantization spec: Q31
multiplier + shift from a double real multiplier, rounding doubling high multiply, rounding
divide by a power of two) used to make golden outputs for the models that tools/ writes and
to measure the int8 accuracy of tools/train_int8_model.py. Python integers are exact, so
there is no overflow question here; saturation is modelled where TFLite saturates.
Tensors are NHWC numpy arrays of int8 values held as int64.
"""
import math

import numpy as np

INT32_MIN, INT32_MAX = -(1 << 31), (1 << 31) - 1


def quantize_multiplier(real):
    """Real multiplier (double) -> (Q31 multiplier, shift) as TFLite's QuantizeMultiplier."""
    if real == 0.0:
        return 0, 0
    q, shift = math.frexp(real)
    q_fixed = int(math.floor(q * (1 << 31) + 0.5)) if q >= 0 else -int(math.floor(-q * (1 << 31) + 0.5))
    if q_fixed == (1 << 31):
        q_fixed //= 2
        shift += 1
    if shift < -31:
        shift, q_fixed = 0, 0
    if shift > 30:
        shift, q_fixed = 30, (1 << 31) - 1
    return q_fixed, shift


def _srdhm(a, b):
    if a == INT32_MIN and b == INT32_MIN:
        return INT32_MAX
    ab = a * b
    nudge = (1 << 30) if ab >= 0 else 1 - (1 << 30)
    x = ab + nudge
    # C++ integer division truncates toward zero
    return abs(x) // (1 << 31) * (1 if x >= 0 else -1)


def _rdbp(x, exponent):
    mask = (1 << exponent) - 1
    remainder = x & mask
    threshold = (mask >> 1) + (1 if x < 0 else 0)
    return (x >> exponent) + (1 if remainder > threshold else 0)


def mbqm(x, multiplier, shift):
    """MultiplyByQuantizedMultiplier (TFLite's default double rounding)."""
    left = shift if shift > 0 else 0
    right = 0 if shift > 0 else -shift
    v = x * (1 << left)
    v = max(INT32_MIN, min(INT32_MAX, v))  # int32 wrap never happens for valid models
    return _rdbp(_srdhm(v, multiplier), right)


def activation_range(act, scale, zp):
    """Fused activation bounds in the quantized domain (NONE 0, RELU 1, RELU_N1_TO_1 2, RELU6 3)."""
    q = lambda f: zp + tf_round(float(np.float32(f) / np.float32(scale)))  # noqa: E731  (std::round, float division)
    lo, hi = -128, 127
    if act == 1:
        lo = max(lo, q(0.0))
    elif act == 2:
        lo, hi = max(lo, q(-1.0)), min(hi, q(1.0))
    elif act == 3:
        lo, hi = max(lo, q(0.0)), min(hi, q(6.0))
    return lo, hi


def tf_round(x):
    """std::round: half away from zero (np.round rounds half to even)."""
    return int(math.floor(abs(x) + 0.5)) * (1 if x >= 0 else -1)


def _requant(acc, mult, shift, zp, lo, hi):
    return max(lo, min(hi, mbqm(int(acc), mult, shift) + zp))


def _multipliers(in_scale, w_scales, out_scale):
    return [quantize_multiplier(float(np.float32(in_scale)) * float(np.float32(s)) / float(np.float32(out_scale)))
            for s in np.atleast_1d(w_scales)]


def fully_connected(x, in_zp, in_scale, w, w_scales, bias, out_scale, out_zp, act):
    """x: [batch, depth]; w: [units, depth]; per-tensor or per-channel (per unit) weight scales."""
    ms = _multipliers(in_scale, w_scales, out_scale)
    lo, hi = activation_range(act, out_scale, out_zp)
    x = np.asarray(x, np.int64).reshape(-1, w.shape[1])
    out = np.zeros((x.shape[0], w.shape[0]), np.int64)
    for b in range(x.shape[0]):
        acc = (np.asarray(w, np.int64) @ (x[b] - in_zp)) + (np.asarray(bias, np.int64) if bias is not None else 0)
        for u in range(w.shape[0]):
            m, s = ms[u if len(ms) > 1 else 0]
            out[b, u] = _requant(acc[u], m, s, out_zp, lo, hi)
    return out


def _pad(in_size, filt, stride, dilation, padding):
    eff = (filt - 1) * dilation + 1
    if padding == 0:  # SAME
        out = (in_size + stride - 1) // stride
    else:
        out = (in_size - eff + stride) // stride
    total = max((out - 1) * stride + eff - in_size, 0)
    return out, total // 2


def conv_2d(x, in_zp, in_scale, w, w_scales, bias, out_scale, out_zp, act, stride=(1, 1), dilation=(1, 1), padding=1):
    """x: [1, H, W, Cin]; w: [Cout, kh, kw, Cin]; per-channel scales over Cout."""
    _, H, W, C = x.shape
    co, kh, kw, _ = w.shape
    oh, ph = _pad(H, kh, stride[0], dilation[0], padding)
    ow, pw = _pad(W, kw, stride[1], dilation[1], padding)
    ms = _multipliers(in_scale, w_scales, out_scale)
    lo, hi = activation_range(act, out_scale, out_zp)
    out = np.zeros((1, oh, ow, co), np.int64)
    for y in range(oh):
        for xx in range(ow):
            for c in range(co):
                acc = 0
                for i in range(kh):
                    for j in range(kw):
                        iy, ix = y * stride[0] - ph + i * dilation[0], xx * stride[1] - pw + j * dilation[1]
                        if 0 <= iy < H and 0 <= ix < W:
                            acc += int(np.dot(np.asarray(x[0, iy, ix], np.int64) - in_zp, np.asarray(w[c, i, j], np.int64)))
                if bias is not None:
                    acc += int(bias[c])
                m, s = ms[c if len(ms) > 1 else 0]
                out[0, y, xx, c] = _requant(acc, m, s, out_zp, lo, hi)
    return out


def depthwise_conv_2d(x, in_zp, in_scale, w, w_scales, bias, out_scale, out_zp, act, depth_multiplier=1,
                      stride=(1, 1), dilation=(1, 1), padding=1):
    """x: [1, H, W, Cin]; w: [1, kh, kw, Cin * depth_multiplier]."""
    _, H, W, C = x.shape
    _, kh, kw, co = w.shape
    oh, ph = _pad(H, kh, stride[0], dilation[0], padding)
    ow, pw = _pad(W, kw, stride[1], dilation[1], padding)
    ms = _multipliers(in_scale, w_scales, out_scale)
    lo, hi = activation_range(act, out_scale, out_zp)
    out = np.zeros((1, oh, ow, co), np.int64)
    for y in range(oh):
        for xx in range(ow):
            for ic in range(C):
                for m in range(depth_multiplier):
                    oc = ic * depth_multiplier + m
                    acc = 0
                    for i in range(kh):
                        for j in range(kw):
                            iy, ix = y * stride[0] - ph + i * dilation[0], xx * stride[1] - pw + j * dilation[1]
                            if 0 <= iy < H and 0 <= ix < W:
                                acc += (int(x[0, iy, ix, ic]) - in_zp) * int(w[0, i, j, oc])
                    if bias is not None:
                        acc += int(bias[oc])
                    mm, s = ms[oc if len(ms) > 1 else 0]
                    out[0, y, xx, oc] = _requant(acc, mm, s, out_zp, lo, hi)
    return out


def pool_2d(x, kind, filt, stride, padding, act, out_scale, out_zp):
    """kind 'avg' or 'max'; input and output share scale and zero point."""
    _, H, W, C = x.shape
    oh, ph = _pad(H, filt[0], stride[0], 1, padding)
    ow, pw = _pad(W, filt[1], stride[1], 1, padding)
    lo, hi = activation_range(act, out_scale, out_zp)
    out = np.zeros((1, oh, ow, C), np.int64)
    for y in range(oh):
        for xx in range(ow):
            for c in range(C):
                vals = [int(x[0, y * stride[0] - ph + i, xx * stride[1] - pw + j, c])
                        for i in range(filt[0]) for j in range(filt[1])
                        if 0 <= y * stride[0] - ph + i < H and 0 <= xx * stride[1] - pw + j < W]
                if kind == "max":
                    v = max(vals)
                else:
                    s, n = sum(vals), len(vals)
                    v = (s + n // 2) // n if s > 0 else -((-s + n // 2) // n)
                out[0, y, xx, c] = max(lo, min(hi, v))
    return out


def quantize_tensor(real, scale, zp):
    q = np.array([tf_round(float(v) / float(np.float32(scale))) for v in np.ravel(real)], np.int64) + zp
    return np.clip(q, -128, 127).reshape(np.shape(real))


def symmetric_per_channel(w, axis=0, bias=None, input_scale=None):
    """int8 weights with zero point 0 and one scale per slice of `axis` (TFLite spec: [-127, 127]).

    With `bias` and `input_scale`, a channel's scale is raised where needed so that its int32
    bias (bias / (input_scale * scale)) stays within +-2^30 (a near-dead unit with tiny weights
    and a large bias would otherwise overflow int32)."""
    w = np.asarray(w, np.float64)
    red = tuple(i for i in range(w.ndim) if i != axis)
    amax = np.max(np.abs(w), axis=red)
    scales = np.where(amax > 0, amax / 127.0, 1.0)
    if bias is not None:
        scales = np.maximum(scales, np.abs(np.asarray(bias, np.float64)) / (float(np.float32(input_scale)) * 2.0 ** 30))
    scales = np.maximum(scales, 1e-12).astype(np.float32)
    shape = [1] * w.ndim
    shape[axis] = -1
    q = np.clip(np.round(w / scales.astype(np.float64).reshape(shape)), -127, 127).astype(np.int8)
    return q, scales


def bias_int32(b, in_scale, w_scales):
    s = np.float64(np.float32(in_scale)) * np.atleast_1d(w_scales).astype(np.float64)
    return np.round(np.asarray(b, np.float64) / s).astype(np.int32)


def asymmetric_params(lo, hi):
    """Scale and zero point for an int8 activation covering [lo, hi] (range widened to hold 0)."""
    lo, hi = min(float(lo), 0.0), max(float(hi), 0.0)
    if hi - lo < 1e-8:
        hi = lo + 1e-8
    scale = np.float32((hi - lo) / 255.0)
    zp = int(np.clip(tf_round(-128 - lo / float(scale)), -128, 127))
    return scale, zp
