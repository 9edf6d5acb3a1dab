// bench/mcu/interp_fixed.cpp — Cortex-M4 cost of the fixed-point polyphase filters with
// full-precision taps (q15 taps int32 Q15, q31 taps int64 Q31; detail::poly_tap).
//
// Kernels (count their instructions with tools/mcu_icount.py <elf> <symbol>), one input each:
//   nerve_interp_q15_48_4 / nerve_interp_q31_48_4   fir_interpolator<T, 48, 4>::push (4 outputs,
//                                                   12 taps each)
//   nerve_resample_q15_3_2 / nerve_resample_q31_3_2 resampler<T, 3, 2>::push (1.5 outputs of 21 taps)
//   nerve_interp_q31_48_4_block                     fir_interpolator<q31, 48, 4>::process, 256 inputs
//   nerve_interp_q15_48_4_block                     fir_interpolator<q15, 48, 4>::process, 256 inputs
#include <cstdint>
#include <cstdio>

#include "mcu_noise.hpp"
#include "nerve/filter/fir_interpolator.hpp"
#include "nerve/filter/resampler.hpp"

namespace nf = nerve::filter;

namespace {
nf::fir_interpolator<nerve::q15, 48, 4> g_i15;
nf::fir_interpolator<nerve::q31, 48, 4> g_i31;
nf::resampler<nerve::q15, 3, 2> g_r15;
nf::resampler<nerve::q31, 3, 2> g_r31;
std::int32_t g_sink;
nf::fir_interpolator<nerve::q31, 48, 4> g_i31b;
std::array<nerve::q31, 256> g_bin;
std::array<nerve::q31, 1024> g_bout;
nf::fir_interpolator<nerve::q15, 48, 4> g_i15b;
std::array<nerve::q15, 256> g_bin15;
std::array<nerve::q15, 1024> g_bout15;
}  // namespace

extern "C" __attribute__((noinline)) void nerve_interp_q15_48_4(nerve::q15 x) {
    g_i15.push(x, [](nerve::q15 y) { g_sink += y.raw; });
}
extern "C" __attribute__((noinline)) void nerve_interp_q31_48_4(nerve::q31 x) {
    g_i31.push(x, [](nerve::q31 y) { g_sink += y.raw; });
}
// process() over a block of 256 inputs (1024 outputs; divide by 256 for per input).
extern "C" __attribute__((noinline)) void nerve_interp_q31_48_4_block(const nerve::q31* in, nerve::q31* out, unsigned n) {
    g_i31b.process(std::span<const nerve::q31>(in, n), std::span<nerve::q31>(out, 4 * n));
}
extern "C" __attribute__((noinline)) void nerve_interp_q15_48_4_block(const nerve::q15* in, nerve::q15* out, unsigned n) {
    g_i15b.process(std::span<const nerve::q15>(in, n), std::span<nerve::q15>(out, 4 * n));
}
extern "C" __attribute__((noinline)) void nerve_resample_q15_3_2(nerve::q15 x) {
    g_r15.push(x, [](nerve::q15 y) { g_sink += y.raw; });
}
extern "C" __attribute__((noinline)) void nerve_resample_q31_3_2(nerve::q31 x) {
    g_r31.push(x, [](nerve::q31 y) { g_sink += y.raw; });
}

int main() {
    g_i15 = nf::fir_interpolator<nerve::q15, 48, 4>();
    g_i31 = nf::fir_interpolator<nerve::q31, 48, 4>();
    g_r15 = nf::resampler<nerve::q15, 3, 2>();
    g_r31 = nf::resampler<nerve::q31, 3, 2>();
    nerve_mcu_bench::lcg noise{1};
    for (int i = 0; i < 64; ++i) {
        const std::int32_t r = static_cast<std::int32_t>(noise.next()) >> 1;  // half scale
        nerve_interp_q15_48_4(nerve::q15::from_raw(static_cast<std::int16_t>(r >> 16)));
        nerve_interp_q31_48_4(nerve::q31::from_raw(r));
        nerve_resample_q15_3_2(nerve::q15::from_raw(static_cast<std::int16_t>(r >> 16)));
        nerve_resample_q31_3_2(nerve::q31::from_raw(r));
    }
    // Block path: the same stream through process() must give push()'s outputs bit for bit.
    g_i31b = nf::fir_interpolator<nerve::q31, 48, 4>();
    nf::fir_interpolator<nerve::q31, 48, 4> ref;
    long mismatches = 0;
    for (int r = 0; r < 2; ++r) {
        for (auto& v : g_bin) {
            v = nerve::q31::from_raw(static_cast<std::int32_t>(noise.next()) >> 1);
        }
        nerve_interp_q31_48_4_block(g_bin.data(), g_bout.data(), 256);
        unsigned k = 0;
        for (const auto& v : g_bin) ref.push(v, [&](nerve::q31 y) { mismatches += y.raw != g_bout[k++].raw; });
    }
    g_i15b = nf::fir_interpolator<nerve::q15, 48, 4>();
    nf::fir_interpolator<nerve::q15, 48, 4> ref15;
    for (int r = 0; r < 2; ++r) {
        for (auto& v : g_bin15) {
            v = nerve::q15::from_raw(static_cast<std::int16_t>(static_cast<std::int32_t>(noise.next()) >> 17));
        }
        nerve_interp_q15_48_4_block(g_bin15.data(), g_bout15.data(), 256);
        unsigned k = 0;
        for (const auto& v : g_bin15) ref15.push(v, [&](nerve::q15 y) { mismatches += y.raw != g_bout15[k++].raw; });
    }
    std::printf("interp_fixed: q31/q15 block vs push mismatches %ld\n", mismatches);
    std::printf("interp_fixed: sizeof interp q15 %u q31 %u, resampler q15 %u q31 %u; checksum %ld\n",
                unsigned(sizeof g_i15), unsigned(sizeof g_i31), unsigned(sizeof g_r15), unsigned(sizeof g_r31),
                static_cast<long>(g_sink));
    return mismatches == 0 ? 0 : 1;
}
