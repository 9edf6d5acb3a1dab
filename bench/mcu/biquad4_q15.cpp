// bench/mcu/biquad4_q15.cpp — Cortex-M4 cost of nerve::filter::biquad_cascade<q15, 4>.
//
// Kernels (count their instructions with tools/mcu_icount.py <elf> <symbol>):
//   nerve_biquad4_q15_sample  one sample through operator() (DF1, 64-bit accumulator)
//   nerve_biquad4_q15_block   process() over kBlock samples (divide by kBlock)
// The filter object lives in .bss so arm-none-eabi-size shows its RAM; sizeof is printed.
#include <array>
#include <cstdint>
#include <cstdio>
#include <span>

#include "mcu_noise.hpp"
#include "nerve/core/operator.hpp"
#include "nerve/filter/biquad.hpp"
#include "nerve/filter/butterworth.hpp"

namespace {
constexpr unsigned kBlock = 256;
constexpr auto kSos = nerve::filter::butterworth<8, nerve::filter::band_type::lowpass>(0.1);  // compile time
// constinit: coefficients (incl. the fixed-point scaling) computed by the compiler.
constinit nerve::filter::biquad_cascade<nerve::q15, 4> g_f{kSos};
std::array<nerve::q15, kBlock> g_in, g_out;
}  // namespace

extern "C" __attribute__((noinline)) std::int16_t nerve_biquad4_q15_sample(std::int16_t x) {
    return g_f(nerve::q15::from_raw(x)).raw;
}

extern "C" __attribute__((noinline)) void nerve_biquad4_q15_block(const nerve::q15* in, nerve::q15* out, unsigned n) {
    nerve::process(g_f, std::span<const nerve::q15>(in, n), std::span<nerve::q15>(out, n));
}

int main() {
    nerve_mcu_bench::lcg noise{1};
    for (auto& v : g_in) v = nerve::q15::from_raw(static_cast<std::int16_t>(static_cast<std::int32_t>(noise.next()) >> 17));  // half scale
    long acc = 0;
    for (unsigned i = 0; i < kBlock; ++i) acc += nerve_biquad4_q15_sample(g_in[i].raw);
    nerve_biquad4_q15_block(g_in.data(), g_out.data(), kBlock);
    for (unsigned i = 0; i < kBlock; ++i) acc += g_out[i].raw;
    std::printf("biquad4_q15: sizeof(biquad_cascade<q15,4>) = %u bytes, post_shift = %d, checksum = %ld\n",
                static_cast<unsigned>(sizeof(g_f)), g_f.post_shift(0), acc);
    return 0;
}
