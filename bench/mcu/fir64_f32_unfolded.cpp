// bench/mcu/fir64_f32_unfolded.cpp — Cortex-M4 cost of nerve::filter::fir<float, 64> with the
// symmetric-tap fold switched off (fir_symmetry::none), beside bench/mcu/fir64_f32.cpp (the
// same symmetric firwin taps, folded): the fold's effect on instructions and modelled cycles.
//
// Kernel (count its instructions with tools/mcu_icount.py <elf> <symbol>):
//   nerve_fir64_f32_unfolded_block   process() over a block of kBlock samples (divide by kBlock)
#include <array>
#include <cstdint>
#include <cstdio>

#include "mcu_noise.hpp"
#include "nerve/filter/fir.hpp"
#include "nerve/filter/fir_design.hpp"

namespace {
constexpr unsigned kBlock = 256;
nerve::filter::fir<float, 64> g_fir;
std::array<float, kBlock> g_in, g_out;
}  // namespace

extern "C" __attribute__((noinline)) void nerve_fir64_f32_unfolded_block(const float* in, float* out, unsigned n) {
    g_fir.process(std::span<const float>(in, n), std::span<float>(out, n));
}

int main() {
    const auto h = nerve::filter::firwin_lowpass<64>(1.0 / 8);
    g_fir = nerve::filter::fir<float, 64>(h, nerve::filter::fir_symmetry::none);
    nerve_mcu_bench::lcg noise{1};
    for (auto& v : g_in) v = noise.symmetric();
    nerve_fir64_f32_unfolded_block(g_in.data(), g_out.data(), kBlock);
    float acc = 0;
    for (unsigned i = 0; i < kBlock; ++i) acc += g_out[i];
    std::printf("fir64_f32_unfolded: symmetric = %d, checksum = %d\n", g_fir.symmetric() ? 1 : 0,
                static_cast<int>(acc * 1000));
    return 0;
}
