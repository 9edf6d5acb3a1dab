// bench/mcu/filter_blocks.cpp — Cortex-M4 cost of the block paths (process()) of the operators
// the reference pipelines use most: FIR decimator, moving RMS (envelope), moving min/max,
// DC blocker, EWMA, one-pole, each over a block of kBlock samples (divide the count by kBlock).
//   nerve_decimate8_fir64_block   fir_decimator<float, 64, 8>::process (outputs: kBlock / 8)
//   nerve_decimate8_fir64_q15_block / _q31_block   the same job in q15 / q31 (inputs at half scale)
//   nerve_moving_rms64_block      moving_rms<float, 64>, nerve::process
//   nerve_moving_rms64_q15_block  moving_rms<q15, 64>, nerve::process (exact int64 sum, integer root)
//   nerve_moving_rms64_q31_block  moving_rms<q31, 64>, nerve::process (squares shifted by 8 bits)
//   nerve_moving_minmax64_block   moving_minmax<float, 64>, nerve::process
//   nerve_moving_average64_block  moving_average<float, 64>, nerve::process
//   nerve_dc_blocker_block        dc_blocker<float>, nerve::process
//   nerve_ewma_block              ewma<float>, nerve::process
// Objects live in .bss so `arm-none-eabi-nm -S` gives each one's RAM and each kernel's flash.
#include <array>
#include <cstdint>
#include <cstdio>
#include <span>

#include "mcu_noise.hpp"
#include "nerve/core/operator.hpp"
#include "nerve/filter/dc_blocker.hpp"
#include "nerve/filter/ewma.hpp"
#include "nerve/filter/fir_decimator.hpp"
#include "nerve/filter/fir_design.hpp"
#include "nerve/filter/moving_average.hpp"
#include "nerve/filter/moving_minmax.hpp"
#include "nerve/filter/moving_rms.hpp"

namespace nf = nerve::filter;

namespace {
constexpr unsigned kBlock = 256;
nf::fir_decimator<float, 64, 8> g_dec;
nf::fir_decimator<nerve::q15, 64, 8> g_dec15;
nf::fir_decimator<nerve::q31, 64, 8> g_dec31;
std::array<nerve::q15, kBlock> g_in15, g_out15;
std::array<nerve::q31, kBlock> g_in31, g_out31;
nf::moving_rms<float, 64> g_rms;
nf::moving_rms<nerve::q15, 64> g_rms15;
nf::moving_rms<nerve::q31, 64> g_rms31;
nf::moving_minmax<float, 64> g_minmax;
nf::moving_average<float, 64> g_avg;
nf::dc_blocker<float> g_dc;
nf::ewma<float> g_ewma;
std::array<float, kBlock> g_in, g_out;
std::array<nf::moving_minmax<float, 64>::output_type, kBlock> g_mm;
}  // namespace

extern "C" __attribute__((noinline)) unsigned nerve_decimate8_fir64_block(const float* in, float* out, unsigned n) {
    return static_cast<unsigned>(g_dec.process(std::span<const float>(in, n), std::span<float>(out, n / 8 + 1)));
}
extern "C" __attribute__((noinline)) unsigned nerve_decimate8_fir64_q15_block(const nerve::q15* in, nerve::q15* out,
                                                                             unsigned n) {
    return static_cast<unsigned>(
        g_dec15.process(std::span<const nerve::q15>(in, n), std::span<nerve::q15>(out, n / 8 + 1)));
}
extern "C" __attribute__((noinline)) unsigned nerve_decimate8_fir64_q31_block(const nerve::q31* in, nerve::q31* out,
                                                                             unsigned n) {
    return static_cast<unsigned>(
        g_dec31.process(std::span<const nerve::q31>(in, n), std::span<nerve::q31>(out, n / 8 + 1)));
}
extern "C" __attribute__((noinline)) void nerve_moving_rms64_block(const float* in, float* out, unsigned n) {
    nerve::process(g_rms, std::span<const float>(in, n), std::span<float>(out, n));
}
extern "C" __attribute__((noinline)) void nerve_moving_rms64_q15_block(const nerve::q15* in, nerve::q15* out,
                                                                      unsigned n) {
    nerve::process(g_rms15, std::span<const nerve::q15>(in, n), std::span<nerve::q15>(out, n));
}
extern "C" __attribute__((noinline)) void nerve_moving_rms64_q31_block(const nerve::q31* in, nerve::q31* out,
                                                                      unsigned n) {
    nerve::process(g_rms31, std::span<const nerve::q31>(in, n), std::span<nerve::q31>(out, n));
}
extern "C" __attribute__((noinline)) void nerve_moving_minmax64_block(const float* in, unsigned n) {
    nerve::process(g_minmax, std::span<const float>(in, n), std::span(g_mm.data(), n));
}
extern "C" __attribute__((noinline)) void nerve_moving_average64_block(const float* in, float* out, unsigned n) {
    nerve::process(g_avg, std::span<const float>(in, n), std::span<float>(out, n));
}
extern "C" __attribute__((noinline)) void nerve_dc_blocker_block(const float* in, float* out, unsigned n) {
    nerve::process(g_dc, std::span<const float>(in, n), std::span<float>(out, n));
}
extern "C" __attribute__((noinline)) void nerve_ewma_block(const float* in, float* out, unsigned n) {
    nerve::process(g_ewma, std::span<const float>(in, n), std::span<float>(out, n));
}

int main() {
    g_dec = nf::fir_decimator<float, 64, 8>(nf::firwin_lowpass<64>(1.0 / 8));
    g_dec15 = nf::fir_decimator<nerve::q15, 64, 8>(nf::firwin_lowpass<64>(1.0 / 8));
    g_dec31 = nf::fir_decimator<nerve::q31, 64, 8>(nf::firwin_lowpass<64>(1.0 / 8));
    g_dc = nf::dc_blocker<float>(0.995);
    g_ewma = nf::ewma<float>(0.1);
    nerve_mcu_bench::lcg noise{1};
    for (auto& v : g_in) v = noise.symmetric();
    for (unsigned i = 0; i < kBlock; ++i) {
        g_in31[i] = nerve::q31::from_raw(static_cast<std::int32_t>(g_in[i] * 1073741824.0f));
        g_in15[i] = nerve::q15::from_raw(static_cast<std::int16_t>(g_in31[i].raw >> 16));
    }
    float acc = 0;
    for (int r = 0; r < 2; ++r) {  // second round: warm state
        const unsigned k = nerve_decimate8_fir64_block(g_in.data(), g_out.data(), kBlock);
        for (unsigned i = 0; i < k; ++i) acc += g_out[i];
        const unsigned k15 = nerve_decimate8_fir64_q15_block(g_in15.data(), g_out15.data(), kBlock);
        for (unsigned i = 0; i < k15; ++i) acc += static_cast<float>(g_out15[i].raw) * (1.0f / 32768.0f);
        const unsigned k31 = nerve_decimate8_fir64_q31_block(g_in31.data(), g_out31.data(), kBlock);
        for (unsigned i = 0; i < k31; ++i) acc += static_cast<float>(g_out31[i].raw) * (1.0f / 2147483648.0f);
        nerve_moving_rms64_block(g_in.data(), g_out.data(), kBlock);
        acc += g_out[kBlock - 1];
        nerve_moving_rms64_q15_block(g_in15.data(), g_out15.data(), kBlock);
        acc += static_cast<float>(g_out15[kBlock - 1].raw) * (1.0f / 32768.0f);
        nerve_moving_rms64_q31_block(g_in31.data(), g_out31.data(), kBlock);
        acc += static_cast<float>(g_out31[kBlock - 1].raw) * (1.0f / 2147483648.0f);
        nerve_moving_minmax64_block(g_in.data(), kBlock);
        acc += g_mm[kBlock - 1].max - g_mm[kBlock - 1].min;
        nerve_moving_average64_block(g_in.data(), g_out.data(), kBlock);
        acc += g_out[kBlock - 1];
        nerve_dc_blocker_block(g_in.data(), g_out.data(), kBlock);
        acc += g_out[kBlock - 1];
        nerve_ewma_block(g_in.data(), g_out.data(), kBlock);
        acc += g_out[kBlock - 1];
    }
    std::printf("filter_blocks: sizeof decimator<64,8> %u, rms<64> %u, minmax<64> %u, average<64> %u, dc_blocker %u, "
                "ewma %u; checksum %d\n",
                unsigned(sizeof g_dec), unsigned(sizeof g_rms), unsigned(sizeof g_minmax), unsigned(sizeof g_avg),
                unsigned(sizeof g_dc), unsigned(sizeof g_ewma), static_cast<int>(acc * 1000));
    return 0;
}
