// bench/mcu/conv1d_int8.cpp — Cortex-M4 cost of an int8 1-D convolution: input 1 x 128 x 16,
// 32 filters of 1 x 3, stride 1, VALID (126 x 32 outputs, 48 MACs each: 193536 MACs per call).
//
// Kernels (tools/mcu_icount.py <elf> <symbol>):
//   nerve_conv1d_int8          nerve::infer::conv_2d (DSP path: SXTAB16 + SMLAD)
//   nerve_conv1d_int8_scalar   nerve::infer::conv_2d_reference (TFLite's loops)
//   nerve_conv1d_int8_packed   nerve::infer::conv1d_packed: filters pre-widened to int16 in SMLAD order
//                              (compile-time packing in a static model; 2x flash for the filters)
// CMSIS-NN's arm_convolve_s8 on the same layer: 2.82 instructions per MAC (issue 9).
#include <cstdint>
#include <cstdio>

#include "mcu_noise.hpp"
#include "nerve/infer/conv_2d.hpp"
#include "nerve/infer/packed_conv.hpp"

namespace {
constexpr int kW = 128, kC = 16, kF = 32, kK = 3, kOutW = kW - kK + 1;
std::int8_t g_in[kW * kC], g_w[kF * kK * kC], g_out[kOutW * kF], g_ref[kOutW * kF];
std::int32_t g_bias[kF], g_mult[kF], g_shift[kF];
nerve::infer::conv_params g_p;
nerve::infer::conv_shape g_s;
std::int16_t g_packed[nerve::infer::packed_dense_size(kK * kC, kF)];
std::int8_t g_out_packed[kOutW * kF];
using packed_t = nerve::infer::conv1d_packed<kW, kC, kF, kK>;
packed_t g_layer;
}  // namespace

extern "C" __attribute__((noinline)) void nerve_conv1d_int8(const std::int8_t* in, std::int8_t* out) {
    nerve::infer::conv_2d(g_p, g_s, in, g_w, g_bias, out);
}

extern "C" __attribute__((noinline)) void nerve_conv1d_int8_scalar(const std::int8_t* in, std::int8_t* out) {
    nerve::infer::conv_2d_reference(g_p, g_s, in, g_w, g_bias, out);
}

extern "C" __attribute__((noinline)) void nerve_conv1d_int8_packed(const std::int8_t* in, std::int8_t* out) {
    g_layer.run(in, out);
}

int main() {
    nerve_mcu_bench::lcg noise{2};
    auto rnd = [&noise] { return static_cast<std::int8_t>(noise.next() >> 24); };
    for (auto& v : g_in) v = rnd();
    for (auto& v : g_w) v = rnd();
    for (int o = 0; o < kF; ++o) {
        g_bias[o] = rnd() * 40;
        g_mult[o] = 1300000000 + o * 1000;
        g_shift[o] = -9;
    }
    g_p.input_offset = 128;
    g_p.output_offset = 5;
    g_p.output_multiplier = g_mult;
    g_p.output_shift = g_shift;
    g_s.input_h = 1; g_s.input_w = kW; g_s.input_depth = kC;
    g_s.filter_h = 1; g_s.filter_w = kK;
    g_s.output_h = 1; g_s.output_w = kOutW; g_s.output_depth = kF;
    nerve::infer::pack_dense_weights(g_w, kK * kC, kF, g_packed);
    g_layer.packed = g_packed;
    g_layer.bias = g_bias;
    g_layer.quant = {g_p.input_offset, g_p.output_offset, g_mult, g_shift, -128, 127};
    nerve_conv1d_int8(g_in, g_out);
    nerve_conv1d_int8_packed(g_in, g_out_packed);
    nerve_conv1d_int8_scalar(g_in, g_ref);
    long sum = 0;
    int wrong = 0;
    for (int i = 0; i < kOutW * kF; ++i) {
        sum += g_out[i];
        wrong += g_out[i] != g_ref[i];
        wrong += g_out_packed[i] != g_ref[i];
    }
    std::printf("conv1d_int8: checksum %ld, %d outputs differ from the reference\n", sum, wrong);
    return wrong == 0 ? 0 : 1;
}
