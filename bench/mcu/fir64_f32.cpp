// bench/mcu/fir64_f32.cpp — Cortex-M4 cost of nerve::filter::fir<float, 64>.
//
// Kernels (count their instructions with tools/mcu_icount.py <elf> <symbol>):
//   nerve_fir64_f32_sample  one sample through operator() (symmetric firwin taps: folded path)
//   nerve_fir64_f32_block   process() over a block of kBlock samples (divide by kBlock)
// sizeof(fir<float, 64>) is the operator's RAM; it is printed, and the filter object lives in
// .bss so arm-none-eabi-size shows it.
#include <array>
#include <cstdio>

#include "mcu_noise.hpp"
#include "nerve/filter/fir.hpp"
#include "nerve/filter/fir_design.hpp"

namespace {
constexpr unsigned kBlock = 256;
nerve::filter::fir<float, 64> g_fir;
std::array<float, kBlock> g_in, g_out;
}  // namespace

extern "C" __attribute__((noinline)) float nerve_fir64_f32_sample(float x) { return g_fir(x); }

extern "C" __attribute__((noinline)) void nerve_fir64_f32_block(const float* in, float* out, unsigned n) {
    g_fir.process(std::span<const float>(in, n), std::span<float>(out, n));
}

int main() {
    const auto h = nerve::filter::firwin_lowpass<64>(1.0 / 8);
    g_fir = nerve::filter::fir<float, 64>(h);
    nerve_mcu_bench::lcg noise{1};
    for (auto& v : g_in) v = noise.symmetric();
    float acc = 0;
    for (unsigned i = 0; i < kBlock; ++i) acc += nerve_fir64_f32_sample(g_in[i]);
    nerve_fir64_f32_block(g_in.data(), g_out.data(), kBlock);
    for (unsigned i = 0; i < kBlock; ++i) acc += g_out[i];
    std::printf("fir64_f32: sizeof(fir<float,64>) = %u bytes, symmetric = %d, checksum = %d\n",
                static_cast<unsigned>(sizeof(g_fir)), g_fir.symmetric() ? 1 : 0, static_cast<int>(acc * 1000));
    return 0;
}
