#!/usr/bin/python3
"""train_int8_model.py — from training data to an int8 .tflite model nerve runs, without TensorFlow.

    /usr/bin/python3 tools/train_int8_model.py [--out vibration_mlp_int8.tflite] [--header tests/golden/tflite_trained.hpp]

Needs only Debian's python3-numpy and python3-sklearn. Steps:
 1. data: synthetic accelerometer frames (1024 samples at 10 kHz) of a machine running at a
    random speed in one of four states — normal, imbalance (1x running speed), misalignment/
    looseness (2x, 3x harmonics) and a bearing fault (impacts at a defect frequency exciting a
    3 kHz resonance) — with noise, random amplitudes and phases. Features: log band energies of
    the Hann-windowed spectrum in 16 bands, narrow ones around the running-speed harmonics
    (what nerve's spectral::band_power computes on device).
 2. training: sklearn's MLPClassifier, 16 -> 24 (ReLU) -> 12 (ReLU) -> 4, on 70 % of the frames.
 3. quantization (TFLite's int8 spec): weights int8 symmetric per output channel (zero point 0,
    range [-127, 127]), biases int32 at scale input_scale * weight_scale, activations int8
    asymmetric with ranges calibrated on the float activations of 200 training frames.
 4. export: a .tflite FlatBuffer (three FULLY_CONNECTED ops with fused ReLU, int8 logits out)
    written by tools/tflite_writer.py, which `nerve infer` and nerve::infer::tflite_executor load.
 5. evaluation: float accuracy (sklearn) and int8 accuracy (tools/int8_reference.py, TFLite's
    integer arithmetic, bit-exact with the executor) on the 30 % held-out frames.
"""
import argparse
import os
import sys

import numpy as np
from sklearn.neural_network import MLPClassifier

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import int8_reference as R  # noqa: E402
import tflite_writer as W  # noqa: E402

FS, N, BANDS = 10000.0, 1024, 16
CLASSES = ["normal", "imbalance", "misalignment", "bearing"]


def frame(rng, label):
    t = np.arange(N) / FS
    f0 = rng.uniform(20, 50)  # running speed, Hz
    x = rng.uniform(0.2, 0.5) * np.sin(2 * np.pi * f0 * t + rng.uniform(0, 6.3))
    x += 0.05 * np.sin(2 * np.pi * 2 * f0 * t + rng.uniform(0, 6.3))
    if label == 1:
        x += rng.uniform(0.6, 1.5) * np.sin(2 * np.pi * f0 * t + rng.uniform(0, 6.3))
    elif label == 2:
        x += rng.uniform(0.3, 0.8) * np.sin(2 * np.pi * 2 * f0 * t + rng.uniform(0, 6.3))
        x += rng.uniform(0.2, 0.6) * np.sin(2 * np.pi * 3 * f0 * t + rng.uniform(0, 6.3))
    elif label == 3:
        fd = f0 * rng.uniform(3.0, 5.5)  # defect frequency
        fr = rng.uniform(2500, 3500)      # structural resonance
        amp = rng.uniform(0.3, 1.0)
        for k in range(int(N / FS * fd) + 1):
            t0 = k / fd + rng.uniform(0, 0.0005)
            m = t >= t0
            x[m] += amp * np.exp(-(t[m] - t0) * 800) * np.sin(2 * np.pi * fr * (t[m] - t0))
    x += rng.normal(0, rng.uniform(0.05, 0.2), N)
    return x


def features(x):
    spec = np.abs(np.fft.rfft(x * np.hanning(N))) ** 2
    # narrow bands where the running-speed harmonics live, wide ones up to Nyquist
    hz = np.array([0, 15, 25, 35, 45, 60, 80, 105, 135, 170, 300, 800, 1500, 2200, 2800, 3800, 5001])
    edges = np.minimum(np.round(hz * N / FS).astype(int), len(spec))
    return np.log10(np.array([spec[a:b].sum() for a, b in zip(edges[:-1], edges[1:])]) + 1e-6)


def float_forward(clf, X):
    acts, h = [], X
    for i, (w, b) in enumerate(zip(clf.coefs_, clf.intercepts_)):
        h = h @ w + b
        if i < len(clf.coefs_) - 1:
            h = np.maximum(h, 0)
        acts.append(h)
    return acts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="vibration_mlp_int8.tflite")
    ap.add_argument("--header", help="also write the model and test vectors as a C++ header")
    ap.add_argument("--frames", type=int, default=2000)
    a = ap.parse_args()

    rng = np.random.default_rng(2026)
    y = rng.integers(0, 4, a.frames)
    X = np.array([features(frame(rng, int(lbl))) for lbl in y])
    n_train = int(0.7 * a.frames)
    Xtr, ytr, Xte, yte = X[:n_train], y[:n_train], X[n_train:], y[n_train:]

    # Standardize for training, then fold the standardization into the first layer, so the
    # device feeds raw log band energies: W' = W / std, b' = b - (mean / std) W.
    mu, sd = Xtr.mean(axis=0), Xtr.std(axis=0) + 1e-9
    clf = MLPClassifier(hidden_layer_sizes=(24, 12), activation="relu", alpha=1e-3, max_iter=3000, random_state=0)
    clf.fit((Xtr - mu) / sd, ytr)
    sk_pred = clf.predict((Xte - mu) / sd)
    float_acc = float(np.mean(sk_pred == yte))
    clf.intercepts_[0] = clf.intercepts_[0] - (mu / sd) @ clf.coefs_[0]
    clf.coefs_[0] = clf.coefs_[0] / sd[:, None]
    float_pred = np.argmax(float_forward(clf, Xte)[-1], axis=1)
    assert np.mean(float_pred == sk_pred) > 0.999

    # calibration: activation ranges of 200 training frames
    calib = Xtr[:200]
    acts = float_forward(clf, calib)
    s_in, z_in = R.asymmetric_params(calib.min(), calib.max())
    layers, s_prev = [], s_in
    m = W.ModelBuilder("nerve: vibration state MLP (tools/train_int8_model.py)")
    t_prev = m.tensor("features", [1, BANDS], W.INT8, scale=s_in, zero_point=z_in)
    t_in = t_prev
    z_prev = z_in
    for i, (w, b) in enumerate(zip(clf.coefs_, clf.intercepts_)):
        wt = w.T  # [units, depth], TFLite's FULLY_CONNECTED layout
        qw, sw = R.symmetric_per_channel(wt, axis=0, bias=b, input_scale=s_prev)
        qb = R.bias_int32(b, s_prev, sw)
        last = i == len(clf.coefs_) - 1
        s_out, z_out = R.asymmetric_params(acts[i].min(), acts[i].max())
        units = wt.shape[0]
        t_w = m.tensor("dense_%d/weights" % i, list(wt.shape), W.INT8, data=qw, scale=sw, zero_point=[0] * units,
                       quantized_dimension=0)
        t_b = m.tensor("dense_%d/bias" % i, [units], W.INT32, data=qb, scale=np.float32(s_prev) * sw, zero_point=[0] * units)
        t_o = m.tensor("logits" if last else "dense_%d/relu" % i, [1, units], W.INT8, scale=s_out, zero_point=z_out)
        act = W.NONE if last else W.RELU
        m.op(W.FULLY_CONNECTED, [t_prev, t_w, t_b], [t_o], W.FC_OPTIONS, W.fc_options(act))
        layers.append((qw, sw, qb, s_prev, z_prev, s_out, z_out, act))
        t_prev, s_prev, z_prev = t_o, s_out, z_out
    blob = m.finish(inputs=[t_in], outputs=[t_prev])
    with open(a.out, "wb") as f:
        f.write(blob)

    def int8_forward(x):
        h = R.quantize_tensor(x, s_in, z_in).reshape(1, -1)
        qx = h.copy()
        for qw, sw, qb, si, zi, so, zo, act in layers:
            h = R.fully_connected(h, zi, si, qw, sw, qb, so, zo, act)
        return qx.ravel(), h.ravel()

    q_in, q_out = zip(*[int8_forward(x) for x in Xte])
    int8_pred = np.array([int(np.argmax(o)) for o in q_out])
    int8_acc = float(np.mean(int8_pred == yte))
    agree = float(np.mean(int8_pred == float_pred))
    print("model: %s, %d bytes, 16 -> 24 -> 12 -> 4, per-channel int8 weights" % (a.out, len(blob)))
    print("held-out frames: %d; float accuracy %.4f, int8 accuracy %.4f, int8 agrees with float on %.4f"
          % (len(yte), float_acc, int8_acc, agree))
    if a.header:
        n = 64
        vals = lambda arr: ", ".join(str(int(v)) for v in np.ravel(arr))  # noqa: E731
        with open(a.header, "w") as f:
            f.write("// Generated by tools/train_int8_model.py — do not edit.\n")
            f.write("// A 16 -> 24 -> 12 -> 4 MLP trained with sklearn on synthetic vibration band energies, quantized\n")
            f.write("// to int8 (per-channel weights) and written as .tflite without TensorFlow. Expected outputs from\n")
            f.write("// tools/int8_reference.py. float accuracy %.4f, int8 accuracy %.4f on %d held-out frames.\n"
                    % (float_acc, int8_acc, len(yte)))
            f.write("#pragma once\n\n#include <cstdint>\n\nnamespace nerve::golden::tflite {\n\n")
            f.write("alignas(16) inline constexpr unsigned char trained_mlp_model[%d] = {%s};\n" % (len(blob), vals(np.frombuffer(blob, np.uint8))))
            f.write("inline constexpr int trained_mlp_cases = %d;\n" % n)
            f.write("inline constexpr std::int8_t trained_mlp_inputs[%d] = {%s};\n" % (n * BANDS, vals(np.array(q_in[:n]))))
            f.write("inline constexpr std::int8_t trained_mlp_outputs[%d] = {%s};\n" % (n * 4, vals(np.array(q_out[:n]))))
            f.write("inline constexpr unsigned char trained_mlp_labels[%d] = {%s};\n" % (n, vals(yte[:n])))
            f.write("\n}  // namespace nerve::golden::tflite\n")
        print("wrote", a.header)


if __name__ == "__main__":
    main()
