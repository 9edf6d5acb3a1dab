#!/usr/bin/python3
"""gen_golden_tflite.py — the .tflite test models and their golden outputs (tests/golden/tflite_models.hpp).

1. `sensor_cnn`: a small 1-D CNN written by tools/tflite_writer.py (no TensorFlow): CONV_2D
   (per-channel int8 weights, SAME, ReLU) -> DEPTHWISE_CONV_2D (per-channel, VALID, dilation 2)
   -> MAX_POOL_2D -> AVERAGE_POOL_2D -> RESHAPE -> FULLY_CONNECTED, on a 1x1x16x2 input.
   Weights are random, activation scales are calibrated on float activations of a few random
   inputs, and the expected int8 outputs come from tools/int8_reference.py (TFLite's integer
   arithmetic).
2. `hello_world_int8`: TFLite-Micro's hello_world model (Apache-2.0, (c) The TensorFlow
   Authors, from $NERVE_DATA_DIR/tflite) and its 256 TFLite reference outputs, committed so
   that the Cortex-M4 and aarch64 tests, which cannot read the data directory, check it too.

Usage: /usr/bin/python3 tools/gen_golden_tflite.py [--data DIR]  (default $NERVE_DATA_DIR or ../shared/data)
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_golden_infer as GI  # noqa: E402  (the op references of tools/gen_golden_infer.py)
import int8_reference as R  # noqa: E402
import tflite_writer as W  # noqa: E402


def float_conv(x, w, b, stride, dil, padding, depthwise=False):
    _, H, Wd, C = x.shape
    if depthwise:
        _, kh, kw, co = w.shape
    else:
        co, kh, kw, _ = w.shape
    oh, ph = R._pad(H, kh, stride[0], dil[0], padding)
    ow, pw = R._pad(Wd, kw, stride[1], dil[1], padding)
    out = np.zeros((1, oh, ow, co))
    for y in range(oh):
        for xx in range(ow):
            for c in range(co):
                acc = b[c]
                for i in range(kh):
                    for j in range(kw):
                        iy, ix = y * stride[0] - ph + i * dil[0], xx * stride[1] - pw + j * dil[1]
                        if 0 <= iy < H and 0 <= ix < Wd:
                            acc += x[0, iy, ix, c // (co // C)] * w[0, i, j, c] if depthwise else np.dot(x[0, iy, ix], w[c, i, j])
                out[0, y, xx, c] = acc
    return out


def sensor_cnn():
    rng = np.random.default_rng(9)
    n_in = 6
    xs = rng.normal(0, 1.0, (n_in, 1, 1, 16, 2))
    w1 = rng.normal(0, 0.5, (4, 1, 3, 2)) * np.array([1.0, 0.3, 2.0, 0.7]).reshape(4, 1, 1, 1)
    b1 = rng.normal(0, 0.2, 4)
    w2 = rng.normal(0, 0.5, (1, 1, 3, 4)) * np.array([0.5, 1.5, 1.0, 0.2]).reshape(1, 1, 1, 4)
    b2 = rng.normal(0, 0.2, 4)
    w3 = rng.normal(0, 0.3, (3, 24))
    b3 = rng.normal(0, 0.1, 3)

    # float forward pass for calibration
    def fwd(x):
        a1 = np.maximum(float_conv(x, w1, b1, (1, 1), (1, 1), W.SAME), 0)
        a2 = float_conv(a1, w2, b2, (1, 1), (1, 2), W.VALID, depthwise=True)
        a3 = a2.reshape(1, 1, 6, 2, 4).max(axis=3)                       # max pool 1x2 stride 2 on width 12
        a4 = (a3[:, :, :-1] + a3[:, :, 1:]) / 2                          # avg pool 1x2 stride 1
        a5 = a4.reshape(1, 20)
        a6 = a5 @ w3[:, :20].T + b3
        return a1, a2, a3, a4, a5, a6

    w3 = w3[:, :20]
    acts = [fwd(x) for x in xs]
    lo_hi = lambda k: (min(a[k].min() for a in acts), max(a[k].max() for a in acts))  # noqa: E731
    s_in, z_in = R.asymmetric_params(xs.min(), xs.max())
    s1, z1 = R.asymmetric_params(*lo_hi(0))
    s2, z2 = R.asymmetric_params(*lo_hi(1))
    s6, z6 = R.asymmetric_params(*lo_hi(5))

    q1, sc1 = R.symmetric_per_channel(w1, axis=0)
    qb1 = R.bias_int32(b1, s_in, sc1)
    q2, sc2 = R.symmetric_per_channel(w2, axis=3)
    qb2 = R.bias_int32(b2, s1, sc2)
    q3, _ = R.symmetric_per_channel(w3.reshape(1, -1), axis=0)
    q3 = q3.reshape(w3.shape)
    sc3 = np.float32(np.abs(w3).max() / 127.0)
    q3 = np.clip(np.round(w3 / float(sc3)), -127, 127).astype(np.int8)
    qb3 = R.bias_int32(b3, s2, [sc3]).astype(np.int32)

    m = W.ModelBuilder("nerve test model: 1-D sensor CNN")
    I8, I32 = W.INT8, W.INT32
    t_in = m.tensor("input", [1, 1, 16, 2], I8, scale=s_in, zero_point=z_in)
    t_w1 = m.tensor("conv/w", [4, 1, 3, 2], I8, data=q1, scale=sc1, zero_point=[0] * 4, quantized_dimension=0)
    t_b1 = m.tensor("conv/b", [4], I32, data=qb1, scale=np.float32(s_in) * sc1, zero_point=[0] * 4)
    t_a1 = m.tensor("conv/out", [1, 1, 16, 4], I8, scale=s1, zero_point=z1)
    t_w2 = m.tensor("dw/w", [1, 1, 3, 4], I8, data=q2, scale=sc2, zero_point=[0] * 4, quantized_dimension=3)
    t_b2 = m.tensor("dw/b", [4], I32, data=qb2, scale=np.float32(s1) * sc2, zero_point=[0] * 4)
    t_a2 = m.tensor("dw/out", [1, 1, 12, 4], I8, scale=s2, zero_point=z2)
    t_a3 = m.tensor("maxpool/out", [1, 1, 6, 4], I8, scale=s2, zero_point=z2)
    t_a4 = m.tensor("avgpool/out", [1, 1, 5, 4], I8, scale=s2, zero_point=z2)
    t_shape = m.tensor("reshape/shape", [2], I32, data=np.array([1, 20], np.int32))
    t_a5 = m.tensor("reshape/out", [1, 20], I8, scale=s2, zero_point=z2)
    t_w3 = m.tensor("fc/w", [3, 20], I8, data=q3, scale=sc3, zero_point=0)
    t_b3 = m.tensor("fc/b", [3], I32, data=qb3, scale=np.float32(s2) * sc3, zero_point=0)
    t_out = m.tensor("output", [1, 3], I8, scale=s6, zero_point=z6)
    m.op(W.CONV_2D, [t_in, t_w1, t_b1], [t_a1], W.CONV_OPTIONS, W.conv_options(W.SAME, 1, 1, W.RELU))
    m.op(W.DEPTHWISE_CONV_2D, [t_a1, t_w2, t_b2], [t_a2], W.DW_OPTIONS,
         W.dw_options(W.VALID, 1, 1, 1, W.NONE, dilation_w=2, dilation_h=1))
    m.op(W.MAX_POOL_2D, [t_a2], [t_a3], W.POOL_OPTIONS, W.pool_options(W.VALID, 2, 1, 2, 1))
    m.op(W.AVERAGE_POOL_2D, [t_a3], [t_a4], W.POOL_OPTIONS, W.pool_options(W.VALID, 1, 1, 2, 1))
    m.op(W.RESHAPE, [t_a4, t_shape], [t_a5], W.RESHAPE_OPTIONS, W.reshape_options([1, 20]))
    m.op(W.FULLY_CONNECTED, [t_a5, t_w3, t_b3], [t_out], W.FC_OPTIONS, W.fc_options(W.NONE))
    blob = m.finish(inputs=[t_in], outputs=[t_out])

    ins, outs = [], []
    for x in xs:
        qx = R.quantize_tensor(x, s_in, z_in)
        a1 = R.conv_2d(qx, z_in, s_in, q1, sc1, qb1, s1, z1, W.RELU, padding=W.SAME)
        a2 = R.depthwise_conv_2d(a1, z1, s1, q2, sc2, qb2, s2, z2, W.NONE, 1, (1, 1), (1, 2), W.VALID)
        a3 = R.pool_2d(a2, "max", (1, 2), (1, 2), W.VALID, W.NONE, s2, z2)
        a4 = R.pool_2d(a3, "avg", (1, 2), (1, 1), W.VALID, W.NONE, s2, z2)
        y = R.fully_connected(a4.reshape(1, 20), z2, s2, q3, [sc3], qb3, s6, z6, W.NONE)
        ins.append(qx.ravel())
        outs.append(y.ravel())
    return blob, np.array(ins), np.array(outs)


def strided_cnn():
    """SAME padding with stride 2 on an odd width, a depth multiplier of 2, SAME average pooling
    (padding excluded from the count), RELU6, and a FULLY_CONNECTED on a rank-4 input."""
    rng = np.random.default_rng(21)
    xs = rng.normal(0, 1.0, (5, 1, 1, 15, 3))
    w1 = rng.normal(0, 0.5, (4, 1, 3, 3))
    b1 = rng.normal(0, 0.3, 4)
    w2 = rng.normal(0, 0.6, (1, 1, 3, 8))
    b2 = rng.normal(0, 0.2, 8)
    w3 = rng.normal(0, 0.3, (5, 32))
    b3 = rng.normal(0, 0.1, 5)

    def fwd(x):
        a1 = np.clip(float_conv(x, w1, b1, (1, 2), (1, 1), W.SAME), 0, 6)
        a2 = float_conv(a1, w2, b2, (1, 1), (1, 1), W.SAME, depthwise=True)
        a3 = np.stack([a2[:, :, max(0, 2 * k - 1):2 * k + 2].mean(axis=2) for k in range(4)], axis=2)
        return a1, a2, a3, a3.reshape(1, 32) @ w3.T + b3

    acts = [fwd(x) for x in xs]
    lo_hi = lambda k: (min(a[k].min() for a in acts), max(a[k].max() for a in acts))  # noqa: E731
    s_in, z_in = R.asymmetric_params(xs.min(), xs.max())
    s1, z1 = R.asymmetric_params(*lo_hi(0))
    s2, z2 = R.asymmetric_params(*lo_hi(1))
    s4, z4 = R.asymmetric_params(*lo_hi(3))
    q1, sc1 = R.symmetric_per_channel(w1, axis=0)
    qb1 = R.bias_int32(b1, s_in, sc1)
    q2, sc2 = R.symmetric_per_channel(w2, axis=3)
    qb2 = R.bias_int32(b2, s1, sc2)
    q3, sc3 = R.symmetric_per_channel(w3, axis=0)
    qb3 = R.bias_int32(b3, s2, sc3)
    m = W.ModelBuilder("nerve test model: strided CNN")
    I8, I32 = W.INT8, W.INT32
    t_in = m.tensor("input", [1, 1, 15, 3], I8, scale=s_in, zero_point=z_in)
    t_w1 = m.tensor("conv/w", [4, 1, 3, 3], I8, data=q1, scale=sc1, zero_point=[0] * 4, quantized_dimension=0)
    t_b1 = m.tensor("conv/b", [4], I32, data=qb1, scale=np.float32(s_in) * sc1, zero_point=[0] * 4)
    t_a1 = m.tensor("conv/out", [1, 1, 8, 4], I8, scale=s1, zero_point=z1)
    t_w2 = m.tensor("dw/w", [1, 1, 3, 8], I8, data=q2, scale=sc2, zero_point=[0] * 8, quantized_dimension=3)
    t_b2 = m.tensor("dw/b", [8], I32, data=qb2, scale=np.float32(s1) * sc2, zero_point=[0] * 8)
    t_a2 = m.tensor("dw/out", [1, 1, 8, 8], I8, scale=s2, zero_point=z2)
    t_a3 = m.tensor("avgpool/out", [1, 1, 4, 8], I8, scale=s2, zero_point=z2)
    t_w3 = m.tensor("fc/w", [5, 32], I8, data=q3, scale=sc3, zero_point=[0] * 5, quantized_dimension=0)
    t_b3 = m.tensor("fc/b", [5], I32, data=qb3, scale=np.float32(s2) * sc3, zero_point=[0] * 5)
    t_out = m.tensor("output", [1, 5], I8, scale=s4, zero_point=z4)
    m.op(W.CONV_2D, [t_in, t_w1, t_b1], [t_a1], W.CONV_OPTIONS, W.conv_options(W.SAME, 2, 1, W.RELU6))
    m.op(W.DEPTHWISE_CONV_2D, [t_a1, t_w2, t_b2], [t_a2], W.DW_OPTIONS, W.dw_options(W.SAME, 1, 1, 2, W.NONE))
    m.op(W.AVERAGE_POOL_2D, [t_a2], [t_a3], W.POOL_OPTIONS, W.pool_options(W.SAME, 2, 1, 3, 1))
    m.op(W.FULLY_CONNECTED, [t_a3, t_w3, t_b3], [t_out], W.FC_OPTIONS, W.fc_options(W.NONE))
    blob = m.finish(inputs=[t_in], outputs=[t_out])
    ins, outs = [], []
    for x in xs:
        qx = R.quantize_tensor(x, s_in, z_in)
        a1 = R.conv_2d(qx, z_in, s_in, q1, sc1, qb1, s1, z1, W.RELU6, stride=(1, 2), padding=W.SAME)
        a2 = R.depthwise_conv_2d(a1, z1, s1, q2, sc2, qb2, s2, z2, W.NONE, 2, (1, 1), (1, 1), W.SAME)
        a3 = R.pool_2d(a2, "avg", (1, 3), (1, 2), W.SAME, W.NONE, s2, z2)
        y = R.fully_connected(a3.reshape(1, 32), z2, s2, q3, sc3, qb3, s4, z4, W.NONE)
        ins.append(qx.ravel())
        outs.append(y.ravel())
    return blob, np.array(ins), np.array(outs)


def unsupported_model():
    """A valid model with an op nerve does not implement (EXP): load() must refuse it."""
    m = W.ModelBuilder("nerve test model: EXP")
    x = m.tensor("x", [1, 4], W.INT8, scale=0.1, zero_point=0)
    y = m.tensor("y", [1, 4], W.INT8, scale=0.1, zero_point=0)
    m.op(47, [x], [y])
    return m.finish(inputs=[x], outputs=[y])


def ops_graph():
    """A branching graph over the element-wise and reduction ops, float in and float out:
    QUANTIZE(float->int8) -> {LOGISTIC, TANH -> RELU} -> ADD (fused RELU) -> MUL (constant,
    broadcast over channels) -> MEAN over H, W -> QUANTIZE (int8->int8) -> RESHAPE -> DEQUANTIZE.
    Expected outputs from tools/gen_golden_infer.py's NumPy references of each op."""
    rng = np.random.default_rng(12)
    shape = [1, 2, 4, 3]
    s_x, z_x = 0.05, 3
    s_sig, z_sig = 1.0 / 256, -128
    s_tanh, z_tanh = 1.0 / 128, 0
    s_relu, z_relu = 0.009, -100
    s_add, z_add = 0.01, -20
    c_vals = np.array([40, -70, 100], np.int8)
    s_c, z_c = 0.02, 1
    s_mul, z_mul = 0.015, 5
    s_mean, z_mean = 0.012, -3
    s_q, z_q = 0.02, 10
    m = W.ModelBuilder("nerve test model: element-wise graph")
    t_f = m.tensor("x_float", shape, W.FLOAT32)
    t_x = m.tensor("x", shape, W.INT8, scale=s_x, zero_point=z_x)
    t_sig = m.tensor("logistic", shape, W.INT8, scale=s_sig, zero_point=z_sig)
    t_tanh = m.tensor("tanh", shape, W.INT8, scale=s_tanh, zero_point=z_tanh)
    t_relu = m.tensor("relu", shape, W.INT8, scale=s_relu, zero_point=z_relu)
    t_add = m.tensor("add", shape, W.INT8, scale=s_add, zero_point=z_add)
    t_c = m.tensor("channel_gain", [3], W.INT8, data=c_vals, scale=s_c, zero_point=z_c)
    t_mul = m.tensor("mul", shape, W.INT8, scale=s_mul, zero_point=z_mul)
    t_axis = m.tensor("axis", [2], W.INT32, data=np.array([1, 2], np.int32))
    t_mean = m.tensor("mean", [1, 1, 1, 3], W.INT8, scale=s_mean, zero_point=z_mean)
    t_q = m.tensor("requantized", [1, 1, 1, 3], W.INT8, scale=s_q, zero_point=z_q)
    t_r = m.tensor("reshaped", [1, 3], W.INT8, scale=s_q, zero_point=z_q)
    t_out = m.tensor("y_float", [1, 3], W.FLOAT32)
    m.op(W.QUANTIZE, [t_f], [t_x])
    m.op(W.LOGISTIC, [t_x], [t_sig])
    m.op(W.TANH, [t_x], [t_tanh])
    m.op(19, [t_tanh], [t_relu])  # RELU
    m.op(W.ADD, [t_sig, t_relu], [t_add], W.ADD_OPTIONS, W.act_options(W.RELU))
    m.op(W.MUL, [t_add, t_c], [t_mul], W.MUL_OPTIONS, W.act_options(W.NONE))
    m.op(W.MEAN, [t_mul, t_axis], [t_mean], W.REDUCER_OPTIONS, W.reducer_options(True))
    m.op(W.QUANTIZE, [t_mean], [t_q])
    m.op(W.RESHAPE, [t_q], [t_r], W.RESHAPE_OPTIONS, W.reshape_options([1, 3]))
    m.op(W.DEQUANTIZE, [t_r], [t_out])
    blob = m.finish(inputs=[t_f], outputs=[t_out])

    ins, outs = [], []
    for _ in range(8):
        xf = rng.normal(0, 2.5, shape).astype(np.float32)
        x = GI.quantize_ref(xf, s_x, z_x)
        sig = GI.logistic_ref(x, s_x, z_x)
        th = GI.tanh_ref(x, s_x, z_x)
        rl = GI.relu_ref(th, s_tanh, z_tanh, s_relu, z_relu)
        lo, hi = R.activation_range(W.RELU, s_add, z_add)
        ad = GI.add_ref(sig, rl, s_sig, z_sig, s_relu, z_relu, s_add, z_add, lo, hi)
        cb = np.broadcast_to(c_vals.astype(np.int64), shape)
        mu = GI.mul_ref(ad, cb, s_add, z_add, s_c, z_c, s_mul, z_mul, -128, 127)
        mn = GI.mean_ref(mu, s_mul, z_mul, s_mean, z_mean)
        q = GI.requantize_ref(mn, s_mean, z_mean, s_q, z_q)
        y = GI.dequantize_ref(q.reshape(1, 3), s_q, z_q)
        ins.append(xf.ravel())
        outs.append(y.ravel())
    return blob, np.array(ins, np.float32), np.array(outs, np.float32)


def opcode_model():
    """Operator codes as old and new converters write them: FULLY_CONNECTED with only the int8
    deprecated_builtin_code (old files), and code 150 with the int8 field capped at 127
    (PLACEHOLDER_FOR_GREATER_OP_CODES) and the real code in builtin_code."""
    m = W.ModelBuilder("nerve test model: operator codes")
    x = m.tensor("x", [1, 1], W.INT8, scale=0.1, zero_point=0)
    w = m.tensor("w", [1, 1], W.INT8, data=np.array([[1]], np.int8), scale=0.1, zero_point=0)
    y = m.tensor("y", [1, 1], W.INT8, scale=0.1, zero_point=0)
    z = m.tensor("z", [1, 1], W.INT8, scale=0.1, zero_point=0)
    m.op(W.FULLY_CONNECTED, [x, w, -1], [y], W.FC_OPTIONS, W.fc_options(), code_style="deprecated")
    m.op(150, [y], [z])
    return m.finish(inputs=[x], outputs=[z])


def carray(name, data, ctype, per_line=16):
    vals = [str(int(v)) for v in np.ravel(data)]
    lines = [", ".join(vals[i:i + per_line]) for i in range(0, len(vals), per_line)]
    return "alignas(16) inline constexpr %s %s[%d] = {\n    %s,\n};\n" % (ctype, name, len(vals), ",\n    ".join(lines))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.environ.get("NERVE_DATA_DIR", os.path.join(os.path.dirname(__file__), "../../shared/data")))
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "../tests/golden/tflite_models.hpp"))
    ap.add_argument("--write-model", help="also write the sensor_cnn model to this .tflite file")
    a = ap.parse_args()

    blob, ins, outs = sensor_cnn()
    if a.write_model:
        open(a.write_model, "wb").write(blob)
    hw = open(os.path.join(a.data, "tflite/hello_world_int8.tflite"), "rb").read()
    gold = [tuple(map(int, l.split(","))) for l in open(os.path.join(a.data, "tflite/golden_hello_world_int8.csv")) if l.strip()]
    assert [g[0] for g in gold] == list(range(-128, 128))

    h = ["// Generated by tools/gen_golden_tflite.py — do not edit.",
         "//",
         "// sensor_cnn: a 1-D CNN written by tools/tflite_writer.py; expected outputs from",
         "// tools/int8_reference.py (TFLite's integer arithmetic, independent of nerve's kernels).",
         "// hello_world_int8: from github.com/tensorflow/tflite-micro (commit 90b983c),",
         "// tensorflow/lite/micro/examples/hello_world/models/hello_world_int8.tflite,",
         "// Copyright The TensorFlow Authors, Apache License 2.0; its outputs are TensorFlow Lite's",
         "// reference-kernel outputs for every int8 input -128..127.",
         "#pragma once", "", "#include <cstdint>", "", "namespace nerve::golden::tflite {", ""]
    h.append(carray("sensor_cnn_model", np.frombuffer(blob, np.uint8), "unsigned char"))
    h.append("inline constexpr int sensor_cnn_cases = %d;" % len(ins))
    h.append("inline constexpr int sensor_cnn_input_size = %d;" % ins.shape[1])
    h.append("inline constexpr int sensor_cnn_output_size = %d;" % outs.shape[1])
    h.append(carray("sensor_cnn_inputs", ins, "std::int8_t"))
    h.append(carray("sensor_cnn_outputs", outs, "std::int8_t"))
    sblob, sins, souts = strided_cnn()
    if a.write_model:
        open(a.write_model.replace(".tflite", "_strided.tflite"), "wb").write(sblob)
    h.append(carray("strided_cnn_model", np.frombuffer(sblob, np.uint8), "unsigned char"))
    h.append("inline constexpr int strided_cnn_cases = %d;" % len(sins))
    h.append(carray("strided_cnn_inputs", sins, "std::int8_t"))
    h.append(carray("strided_cnn_outputs", souts, "std::int8_t"))
    h.append(carray("unsupported_exp_model", np.frombuffer(unsupported_model(), np.uint8), "unsigned char"))
    gblob, gin, gout = ops_graph()
    h.append(carray("ops_graph_model", np.frombuffer(gblob, np.uint8), "unsigned char"))
    h.append("inline constexpr int ops_graph_cases = %d;" % len(gin))
    h.append("alignas(16) inline constexpr float ops_graph_inputs[%d] = {\n    %s};\n" % (gin.size, ", ".join(repr(float(v)) + "f" for v in gin.ravel())))
    h.append("alignas(16) inline constexpr float ops_graph_outputs[%d] = {\n    %s};\n" % (gout.size, ", ".join(repr(float(v)) + "f" for v in gout.ravel())))
    h.append(carray("opcode_model", np.frombuffer(opcode_model(), np.uint8), "unsigned char"))
    h.append(carray("hello_world_model", np.frombuffer(hw, np.uint8), "unsigned char"))
    h.append(carray("hello_world_outputs", [g[1] for g in gold], "std::int8_t"))
    h.append("}  // namespace nerve::golden::tflite")
    open(a.out, "w").write("\n".join(h) + "\n")
    print("wrote", a.out, "sensor_cnn", len(blob), "bytes; hello_world", len(hw), "bytes")


if __name__ == "__main__":
    main()
