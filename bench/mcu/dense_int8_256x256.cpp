// bench/mcu/dense_int8_256x256.cpp — Cortex-M4 cost of an int8 FULLY_CONNECTED layer, 256 -> 256.
//
// Kernels (count their instructions with tools/mcu_icount.py <elf> <symbol>; 65536 MACs per call):
//   nerve_dense_int8_256x256         nerve::infer::fully_connected (DSP path: SXTAB16 + SMLAD)
//   nerve_dense_int8_256x256_scalar  nerve::infer::fully_connected_reference (TFLite's loops)
//   nerve_dense_int8_256x256_packed  nerve::infer::fully_connected_packed: weights pre-widened to int16
//                                    in SMLAD order (compile-time packing in a static model; 2x flash)
// CMSIS-NN's arm_fully_connected_s8 on the same layer: 2.07 instructions per MAC (issue 9).
// Both outputs are compared; the program fails if they differ.
#include <cstdint>
#include <cstdio>

#include "mcu_noise.hpp"
#include "nerve/infer/fully_connected.hpp"
#include "nerve/infer/packed_dense.hpp"

namespace {
constexpr int kIn = 256, kOut = 256;
std::int8_t g_in[kIn], g_w[kOut * kIn], g_out[kOut], g_ref[kOut];
std::int32_t g_bias[kOut];
std::int16_t g_packed[nerve::infer::packed_dense_size(kIn, kOut)];
std::int8_t g_out_packed[kOut];
nerve::infer::fully_connected_params g_p;
}  // namespace

extern "C" __attribute__((noinline)) void nerve_dense_int8_256x256(const std::int8_t* in, std::int8_t* out) {
    nerve::infer::fully_connected(g_p, in, 1, kIn, g_w, g_bias, kOut, out);
}

extern "C" __attribute__((noinline)) void nerve_dense_int8_256x256_scalar(const std::int8_t* in, std::int8_t* out) {
    nerve::infer::fully_connected_reference(g_p, in, 1, kIn, g_w, g_bias, kOut, out);
}

extern "C" __attribute__((noinline)) void nerve_dense_int8_256x256_packed(const std::int8_t* in, std::int8_t* out) {
    nerve::infer::fully_connected_packed<kIn, kOut>(g_p, in, g_packed, g_bias, out);
}

int main() {
    nerve_mcu_bench::lcg noise{1};
    auto rnd = [&noise] { return static_cast<std::int8_t>(noise.next() >> 24); };
    for (auto& v : g_in) v = rnd();
    for (auto& v : g_w) v = rnd();
    for (auto& v : g_bias) v = rnd() * 50;
    g_p.input_offset = 128;
    g_p.output_offset = -3;
    g_p.output_multiplier = 1518500250;
    g_p.output_shift = -10;
    nerve::infer::pack_dense_weights(g_w, kIn, kOut, g_packed);
    nerve_dense_int8_256x256(g_in, g_out);
    nerve_dense_int8_256x256_packed(g_in, g_out_packed);
    nerve_dense_int8_256x256_scalar(g_in, g_ref);
    long sum = 0;
    int wrong = 0;
    for (int i = 0; i < kOut; ++i) {
        sum += g_out[i];
        wrong += g_out[i] != g_ref[i];
        wrong += g_out_packed[i] != g_ref[i];
    }
    std::printf("dense_int8_256x256: checksum %ld, %d outputs differ from the reference\n", sum, wrong);
    return wrong == 0 ? 0 : 1;
}
