// bench/mcu/hst.cpp — Cortex-M4 cost of nerve::anomaly::half_space_trees (1-D, window 250) and
// of the small univariate detectors.
//
// Instructions per call: tools/mcu_icount.py <elf> <symbol>, symbols:
//   nerve_hst15_window   250 samples (exactly one window, so one rebuild) through
//                        half_space_trees<1, 25, 15, 250> (the hst/nerve size): divide by 250
//   nerve_hst15_sample   one score + learn in mid-window (no rebuild)
//   nerve_hst8_window    the same with 25 trees of height 8
//   nerve_hst8_sample
//   nerve_zscore_sample, nerve_cusum_sample, nerve_forecast_residual_sample: one sample each
// RAM is sizeof of each detector (printed); they live in .bss.
#include <array>
#include <cstdint>
#include <cstdio>

#include "mcu_noise.hpp"
#include "nerve/anomaly/cusum.hpp"
#include "nerve/anomaly/forecast_residual.hpp"
#include "nerve/anomaly/half_space_trees.hpp"
#include "nerve/anomaly/zscore.hpp"

namespace {
using hst15 = nerve::anomaly::half_space_trees<1, 25, 15, 250>;
using hst8 = nerve::anomaly::half_space_trees<1, 25, 8, 250>;
hst15 g_h15;
hst8 g_h8;
nerve::anomaly::zscore<float> g_z;
nerve::anomaly::cusum<float> g_c;
nerve::anomaly::forecast_residual<> g_f;
std::array<float, 1000> g_x;
volatile float g_sink;
}  // namespace

extern "C" __attribute__((noinline)) float nerve_hst15_window(const float* x, unsigned n) {
    float acc = 0;
    for (unsigned i = 0; i < n; ++i) acc += g_h15(x[i]).score;
    return acc;
}
extern "C" __attribute__((noinline)) float nerve_hst15_sample(float x) { return g_h15(x).score; }
extern "C" __attribute__((noinline)) float nerve_hst8_window(const float* x, unsigned n) {
    float acc = 0;
    for (unsigned i = 0; i < n; ++i) acc += g_h8(x[i]).score;
    return acc;
}
extern "C" __attribute__((noinline)) float nerve_hst8_sample(float x) { return g_h8(x).score; }
extern "C" __attribute__((noinline)) float nerve_zscore_sample(float x) { return g_z(x).score; }
extern "C" __attribute__((noinline)) float nerve_cusum_sample(float x) { return g_c(x).score; }
extern "C" __attribute__((noinline)) float nerve_forecast_residual_sample(float x) { return g_f(x).score; }

int main() {
    nerve_mcu_bench::lcg noise{12345};
    for (std::size_t i = 0; i < g_x.size(); ++i) {
        g_x[i] = 0.25f + 0.5f * noise.unit();
        if (i % 97 == 0) g_x[i] = 0.95f;
    }
    float acc = 0;
    // Two windows of warm-up, then whole windows (one rebuild each) and single samples.
    for (int w = 0; w < 4; ++w) {
        acc += nerve_hst15_window(g_x.data() + 250 * w, 250);
        acc += nerve_hst8_window(g_x.data() + 250 * w, 250);
    }
    for (int i = 0; i < 5; ++i) {
        acc += nerve_hst15_sample(g_x[i]);
        acc += nerve_hst8_sample(g_x[i]);
    }
    for (std::size_t i = 0; i < g_x.size(); ++i) {
        acc += nerve_zscore_sample(g_x[i]);
        acc += nerve_cusum_sample(g_x[i]);
        acc += nerve_forecast_residual_sample(g_x[i]);
    }
    g_sink = acc;
    std::printf("hst: sizeof(half_space_trees<1,25,15,250>) = %u, sizeof(half_space_trees<1,25,8,250>) = %u, "
                "zscore %u, cusum %u, forecast_residual %u bytes; checksum %d\n",
                static_cast<unsigned>(sizeof(g_h15)), static_cast<unsigned>(sizeof(g_h8)),
                static_cast<unsigned>(sizeof(g_z)), static_cast<unsigned>(sizeof(g_c)),
                static_cast<unsigned>(sizeof(g_f)), static_cast<int>(acc));
    return 0;
}
