// bench/bench_infer.cpp — int8 inference kernels (issue 9).
//
//   dense_int8_256x256/nerve    nerve::infer::fully_connected, 256 -> 256, batch 1 (SIMD dot product)
//   dense_int8_256x256/scalar   nerve::infer::fully_connected_reference (TFLite's plain loops)
//   conv1d_int8/nerve           nerve::infer::conv_2d on a 1 x 128 x 16 input, 32 filters of 1 x 3,
//                               stride 1, VALID (126 x 32 outputs, 48 MACs each)
//   conv1d_int8/scalar          nerve::infer::conv_2d_reference on the same layer
//
// The scalar baselines are the reference loops compiled like everything else here (-O3
// -march=native), so the compiler is free to auto-vectorise them: the ratio is what the
// hand-written kernel adds over the compiler. Counters: MAC/s (multiply-accumulates per second).
#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>

#include "nerve/infer/conv_2d.hpp"
#include "nerve/infer/fully_connected.hpp"

namespace {
using namespace nerve::infer;

std::int8_t rnd(std::uint32_t& s) {
    s = s * 1664525u + 1013904223u;
    return static_cast<std::int8_t>(s >> 24);
}

struct dense_layer {
    std::array<std::int8_t, 256> in{};
    std::array<std::int8_t, 256 * 256> w{};
    std::array<std::int32_t, 256> bias{};
    std::array<std::int8_t, 256> out{};
    fully_connected_params p;
    dense_layer() {
        std::uint32_t s = 1;
        for (auto& v : in) v = rnd(s);
        for (auto& v : w) v = rnd(s);
        for (auto& v : bias) v = rnd(s) * 50;
        p.input_offset = 128;
        p.output_offset = -3;
        p.output_multiplier = 1518500250;
        p.output_shift = -10;
    }
};

constexpr int kConvW = 128, kConvC = 16, kFilters = 32, kTaps = 3, kConvOutW = kConvW - kTaps + 1;

struct conv_layer {
    std::array<std::int8_t, kConvW * kConvC> in{};
    std::array<std::int8_t, kFilters * kTaps * kConvC> w{};
    std::array<std::int32_t, kFilters> bias{}, mult{}, shift{};
    std::array<std::int8_t, kConvOutW * kFilters> out{};
    conv_params p;
    conv_shape s;
    conv_layer() {
        std::uint32_t st = 2;
        for (auto& v : in) v = rnd(st);
        for (auto& v : w) v = rnd(st);
        for (int o = 0; o < kFilters; ++o) {
            bias[o] = rnd(st) * 40;
            mult[o] = 1300000000 + o * 1000;
            shift[o] = -9;
        }
        p.input_offset = 128;
        p.output_offset = 5;
        p.output_multiplier = mult.data();
        p.output_shift = shift.data();
        s.input_h = 1; s.input_w = kConvW; s.input_depth = kConvC;
        s.filter_h = 1; s.filter_w = kTaps;
        s.output_h = 1; s.output_w = kConvOutW; s.output_depth = kFilters;
    }
};

template <bool Fast>
void dense_int8_256x256(benchmark::State& state) {
    static dense_layer L;
    for (auto _ : state) {
        if constexpr (Fast)
            fully_connected(L.p, L.in.data(), 1, 256, L.w.data(), L.bias.data(), 256, L.out.data());
        else
            fully_connected_reference(L.p, L.in.data(), 1, 256, L.w.data(), L.bias.data(), 256, L.out.data());
        benchmark::DoNotOptimize(L.out.data());
        benchmark::ClobberMemory();
    }
    state.counters["MAC/s"] = benchmark::Counter(256.0 * 256.0 * static_cast<double>(state.iterations()),
                                                 benchmark::Counter::kIsRate);
}

template <bool Fast>
void conv1d_int8(benchmark::State& state) {
    static conv_layer L;
    for (auto _ : state) {
        if constexpr (Fast)
            conv_2d(L.p, L.s, L.in.data(), L.w.data(), L.bias.data(), L.out.data());
        else
            conv_2d_reference(L.p, L.s, L.in.data(), L.w.data(), L.bias.data(), L.out.data());
        benchmark::DoNotOptimize(L.out.data());
        benchmark::ClobberMemory();
    }
    state.counters["MAC/s"] = benchmark::Counter(static_cast<double>(kConvOutW) * kFilters * kTaps * kConvC *
                                                     static_cast<double>(state.iterations()),
                                                 benchmark::Counter::kIsRate);
}
}  // namespace

BENCHMARK(dense_int8_256x256<true>)->Name("dense_int8_256x256/nerve");
BENCHMARK(dense_int8_256x256<false>)->Name("dense_int8_256x256/scalar");
BENCHMARK(conv1d_int8<true>)->Name("conv1d_int8/nerve");
BENCHMARK(conv1d_int8<false>)->Name("conv1d_int8/scalar");
