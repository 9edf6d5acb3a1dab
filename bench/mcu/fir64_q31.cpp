// bench/mcu/fir64_q31.cpp — Cortex-M4 cost of nerve::filter::fir<nerve::q31, 64>.
//
// Kernels (count their instructions with tools/mcu_icount.py <elf> <symbol>):
//   nerve_fir64_q31_sample  one sample through operator() (SMULL/SMLAL-style 64-bit products)
//   nerve_fir64_q31_block   process() over a block of kBlock samples (divide by kBlock)
#include <array>
#include <cstdio>

#include "mcu_noise.hpp"
#include "nerve/filter/fir.hpp"
#include "nerve/filter/fir_design.hpp"

namespace {
constexpr unsigned kBlock = 256;
nerve::filter::fir<nerve::q31, 64> g_fir;
std::array<nerve::q31, kBlock> g_in, g_out;
}  // namespace

extern "C" __attribute__((noinline)) nerve::q31 nerve_fir64_q31_sample(nerve::q31 x) { return g_fir(x); }

extern "C" __attribute__((noinline)) void nerve_fir64_q31_block(const nerve::q31* in, nerve::q31* out, unsigned n) {
    g_fir.process(std::span<const nerve::q31>(in, n), std::span<nerve::q31>(out, n));
}

int main() {
    const auto h = nerve::filter::firwin_lowpass<64>(1.0 / 8);
    g_fir = nerve::filter::fir<nerve::q31, 64>(h);
    nerve_mcu_bench::lcg noise{1};
    for (auto& v : g_in) v = nerve::q31::from_raw(static_cast<std::int32_t>(noise.next()));
    long acc = 0;
    for (unsigned i = 0; i < kBlock; ++i) acc += nerve_fir64_q31_sample(g_in[i]).raw;
    nerve_fir64_q31_block(g_in.data(), g_out.data(), kBlock);
    for (unsigned i = 0; i < kBlock; ++i) acc += g_out[i].raw;
    std::printf("fir64_q31: sizeof(fir<q31,64>) = %u bytes, checksum = %ld\n", static_cast<unsigned>(sizeof(g_fir)), acc);
    return 0;
}
