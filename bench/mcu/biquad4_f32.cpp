// bench/mcu/biquad4_f32.cpp — Cortex-M4 cost of nerve::filter::biquad_cascade<float, 4>.
//
// Kernels (count their instructions with tools/mcu_icount.py <elf> <symbol>):
//   nerve_biquad4_f32_sample  one sample through operator() (DF2T, 4 sections)
//   nerve_biquad4_f32_block   process() over kBlock samples (divide by kBlock; on the M4
//                             there is no xsimd, so this is the per-sample recurrence)
// The filter object lives in .bss so arm-none-eabi-size shows its RAM; sizeof is printed.
#include <array>
#include <cstdint>
#include <cstdio>
#include <span>

#include "mcu_noise.hpp"
#include "nerve/filter/biquad.hpp"
#include "nerve/filter/butterworth.hpp"

namespace {
constexpr unsigned kBlock = 256;
constexpr auto kSos = nerve::filter::butterworth<8, nerve::filter::band_type::lowpass>(0.1);  // compile time
// constinit: coefficients computed by the compiler, no design code or libm in flash.
constinit nerve::filter::biquad_cascade<float, 4> g_f{kSos};
std::array<float, kBlock> g_in, g_out;
}  // namespace

extern "C" __attribute__((noinline)) float nerve_biquad4_f32_sample(float x) { return g_f(x); }

extern "C" __attribute__((noinline)) void nerve_biquad4_f32_block(const float* in, float* out, unsigned n) {
    g_f.process(std::span<const float>(in, n), std::span<float>(out, n));
}

int main() {
    nerve_mcu_bench::lcg noise{1};
    for (auto& v : g_in) v = noise.symmetric();
    float acc = 0;
    for (unsigned i = 0; i < kBlock; ++i) acc += nerve_biquad4_f32_sample(g_in[i]);
    nerve_biquad4_f32_block(g_in.data(), g_out.data(), kBlock);
    for (unsigned i = 0; i < kBlock; ++i) acc += g_out[i];
    std::printf("biquad4_f32: sizeof(biquad_cascade<float,4>) = %u bytes, checksum = %d\n",
                static_cast<unsigned>(sizeof(g_f)), static_cast<int>(acc * 1000));
    return 0;
}
