// bench/mcu/fir64_q15.cpp — Cortex-M4 cost of nerve::filter::fir<nerve::q15, 64>.
//
// Kernels (count their instructions with tools/mcu_icount.py <elf> <symbol>):
//   nerve_fir64_q15_sample  one sample through operator() (SMLALD, two taps per instruction)
//   nerve_fir64_q15_block   process() over a block of kBlock samples (divide by kBlock)
#include <array>
#include <cstdio>

#include "mcu_noise.hpp"
#include "nerve/filter/fir.hpp"
#include "nerve/filter/fir_design.hpp"

namespace {
constexpr unsigned kBlock = 256;
nerve::filter::fir<nerve::q15, 64> g_fir;
std::array<nerve::q15, kBlock> g_in, g_out;
}  // namespace

extern "C" __attribute__((noinline)) nerve::q15 nerve_fir64_q15_sample(nerve::q15 x) { return g_fir(x); }

extern "C" __attribute__((noinline)) void nerve_fir64_q15_block(const nerve::q15* in, nerve::q15* out, unsigned n) {
    g_fir.process(std::span<const nerve::q15>(in, n), std::span<nerve::q15>(out, n));
}

int main() {
    const auto h = nerve::filter::firwin_lowpass<64>(1.0 / 8);
    g_fir = nerve::filter::fir<nerve::q15, 64>(h);
    nerve_mcu_bench::lcg noise{1};
    for (auto& v : g_in) v = nerve::q15::from_raw(static_cast<std::int16_t>(noise.next() >> 16));
    long acc = 0;
    for (unsigned i = 0; i < kBlock; ++i) acc += nerve_fir64_q15_sample(g_in[i]).raw;
    nerve_fir64_q15_block(g_in.data(), g_out.data(), kBlock);
    for (unsigned i = 0; i < kBlock; ++i) acc += g_out[i].raw;
    std::printf("fir64_q15: sizeof(fir<q15,64>) = %u bytes, checksum = %ld\n", static_cast<unsigned>(sizeof(g_fir)), acc);
    return 0;
}
