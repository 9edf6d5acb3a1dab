// bench/mcu/nab_default.cpp — Cortex-M4 cost of the `nerve nab` default anomaly detector
// (nerve::anomaly::nab_default = conformal_ensemble<8, 6, 256, 6, 64, 36, 64>), score + learn.
//
// Kernels (count their instructions with tools/mcu_icount.py <elf> <symbol> --runs K):
//   nerve_nab_default_sample  one sample through operator(); the nearest-context search runs
//                             on one sample in 6 (Block), so the median call is the cheap kind
//                             and the per-sample average is (5 cheap + 1 search) / 6; the
//                             day-scale search (56 contexts) adds one sample in 36
//   nerve_nab_default_block   kBlock consecutive samples (divide by kBlock: the average)
// The detector lives in .bss so arm-none-eabi-size shows its RAM; sizeof is printed.
#include <cstdint>
#include <cstdio>

#include "mcu_noise.hpp"
#include "nerve/anomaly/conformal_ensemble.hpp"

namespace {
constexpr unsigned kBlock = 72;  // a multiple of both block lengths, 6 and 36
nerve::anomaly::nab_default g_d;
float g_in[kBlock];

float series(unsigned i, nerve_mcu_bench::lcg& s) {
    const float noise = s.unit() - 0.5f;
    const float ph = static_cast<float>(i % 288) * (1.0f / 288.0f);
    return 40.0f + 10.0f * (ph < 0.5f ? ph : 1.0f - ph) + 3.0f * noise;
}
}  // namespace

extern "C" __attribute__((noinline)) float nerve_nab_default_sample(float x) { return g_d(x).score; }

extern "C" __attribute__((noinline)) float nerve_nab_default_block(const float* in, unsigned n) {
    float acc = 0.0f;
    for (unsigned i = 0; i < n; ++i) acc += g_d(in[i]).score;
    return acc;
}

int main() {
    nerve_mcu_bench::lcg s{1};
    // warm-up past probation with full context memories (256 contexts x 6 samples, 64 x 36)
    float acc = 0.0f;
    for (unsigned i = 0; i < 2700; ++i) acc += g_d(series(i, s)).score;
    for (unsigned i = 0; i < 12; ++i) acc += nerve_nab_default_sample(series(2700 + i, s));
    for (unsigned i = 0; i < kBlock; ++i) g_in[i] = series(2712 + i, s);
    acc += nerve_nab_default_block(g_in, kBlock);
    std::printf("nab_default: sizeof(conformal_ensemble<8,6,256,6,64,36,64>) = %u bytes, checksum = %d\n",
                static_cast<unsigned>(sizeof(g_d)), static_cast<int>(acc * 1000));
    return 0;
}
