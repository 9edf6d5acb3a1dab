// bench/mcu/fir64_family.cpp — Cortex-M4 flash and RAM of every operator of the FIR family and
// the moving statistics (float), one noinline kernel per operator so that
// `arm-none-eabi-nm -S` gives each one's code size (flash) and each static object's size (RAM).
// Instruction counts per sample: tools/mcu_icount.py <elf> nerve_<operator>.
// nerve_fir_interpolator_48_4_block: fir_interpolator<float, 48, 4>::process over 256 inputs
// (1024 outputs; divide by 256 for per input), nerve_resampler_3_2_block: resampler<float, 3,
// 2>::process over 256 inputs (384 outputs); both checked against push() on the same stream.
#include <array>
#include <cmath>
#include <cstdio>
#include <span>

#include "mcu_noise.hpp"
#include "nerve/filter/fir_decimator.hpp"
#include "nerve/filter/fir_interpolator.hpp"
#include "nerve/filter/hampel.hpp"
#include "nerve/filter/lms.hpp"
#include "nerve/filter/moving_median.hpp"
#include "nerve/filter/moving_minmax.hpp"
#include "nerve/filter/moving_rms.hpp"
#include "nerve/filter/resampler.hpp"

namespace nf = nerve::filter;

namespace {
nf::fir_decimator<float, 64, 8> g_decimator;
nf::fir_interpolator<float, 48, 4> g_interpolator;
nf::resampler<float, 3, 2> g_resampler;  // 61-tap resample_poly default design
nf::lms<float, 16> g_lms;
nf::moving_rms<float, 64> g_rms;
nf::moving_minmax<float, 64> g_minmax;
nf::moving_median<float, 9> g_median;
nf::hampel<float, 7> g_hampel;
float g_sink;
nf::fir_interpolator<float, 48, 4> g_interpolator_block;
std::array<float, 256> g_block_in;
std::array<float, 1024> g_block_out;
nf::resampler<float, 3, 2> g_resampler_block;
}  // namespace

extern "C" __attribute__((noinline)) void nerve_fir_decimator_64_8(float x) {
    g_decimator.push(x, [](float y) { g_sink += y; });
}
extern "C" __attribute__((noinline)) void nerve_fir_interpolator_48_4(float x) {
    g_interpolator.push(x, [](float y) { g_sink += y; });
}
extern "C" __attribute__((noinline)) void nerve_fir_interpolator_48_4_block(const float* in, float* out, unsigned n) {
    g_interpolator_block.process(std::span<const float>(in, n), std::span<float>(out, 4 * n));
}
extern "C" __attribute__((noinline)) void nerve_resampler_3_2_block(const float* in, float* out, unsigned n) {
    g_resampler_block.process(std::span<const float>(in, n), std::span<float>(out, 3 * n / 2 + 1));
}
extern "C" __attribute__((noinline)) void nerve_resampler_3_2(float x) {
    g_resampler.push(x, [](float y) { g_sink += y; });
}
extern "C" __attribute__((noinline)) float nerve_lms_16(float x, float d) { return g_lms({x, d}); }
extern "C" __attribute__((noinline)) float nerve_moving_rms_64(float x) { return g_rms(x); }
extern "C" __attribute__((noinline)) float nerve_moving_minmax_64(float x) {
    const auto r = g_minmax(x);
    return r.max - r.min;
}
extern "C" __attribute__((noinline)) float nerve_moving_median_9(float x) { return g_median(x); }
extern "C" __attribute__((noinline)) float nerve_hampel_7(float x) { return g_hampel(x); }

int main() {
    g_decimator = nf::fir_decimator<float, 64, 8>();
    g_interpolator = nf::fir_interpolator<float, 48, 4>();
    g_resampler = nf::resampler<float, 3, 2>();
    nerve_mcu_bench::lcg noise{1};
    float prev = 0;
    for (int i = 0; i < 256; ++i) {
        const float x = noise.symmetric();
        nerve_fir_decimator_64_8(x);
        nerve_fir_interpolator_48_4(x);
        nerve_resampler_3_2(x);
        g_sink += nerve_lms_16(x, 0.5f * x + 0.25f * prev);
        g_sink += nerve_moving_rms_64(x);
        g_sink += nerve_moving_minmax_64(x);
        g_sink += nerve_moving_median_9(x);
        g_sink += nerve_hampel_7(x);
        prev = x;
    }
    // The block paths against push() on the same stream (two blocks: the second one's first
    // windows start in the first one's inputs); their sums run in different orders.
    g_interpolator_block = nf::fir_interpolator<float, 48, 4>();
    g_resampler_block = nf::resampler<float, 3, 2>();
    nf::fir_interpolator<float, 48, 4> ref;
    nf::resampler<float, 3, 2> ref_r;
    float max_diff = 0, max_diff_r = 0;
    // the block just written to g_block_out against push() of the same inputs
    auto against_push = [](auto& push_ref, float& worst) {
        unsigned k = 0;
        for (float v : g_block_in)
            push_ref.push(v, [&](float y) { worst = std::fmax(worst, std::fabs(y - g_block_out[k++])); });
    };
    for (int r = 0; r < 2; ++r) {
        for (auto& v : g_block_in) v = noise.symmetric();
        nerve_fir_interpolator_48_4_block(g_block_in.data(), g_block_out.data(), 256);
        against_push(ref, max_diff);
        nerve_resampler_3_2_block(g_block_in.data(), g_block_out.data(), 256);
        against_push(ref_r, max_diff_r);
    }
    // newlib-nano's printf has no %g: the differences in units of 1e-9
    std::printf("process() against push(): interpolator<48,4> max |difference| %ld e-9, resampler<3,2> %ld e-9\n",
                static_cast<long>(static_cast<double>(max_diff) * 1e9 + 0.5),
                static_cast<long>(static_cast<double>(max_diff_r) * 1e9 + 0.5));
    std::printf("sizeof: decimator<64,8> %u, interpolator<48,4> %u, resampler<3,2> %u, lms<16> %u, rms<64> %u, "
                "minmax<64> %u, median<9> %u, hampel<7> %u; checksum %d\n",
                unsigned(sizeof g_decimator), unsigned(sizeof g_interpolator), unsigned(sizeof g_resampler),
                unsigned(sizeof g_lms), unsigned(sizeof g_rms), unsigned(sizeof g_minmax), unsigned(sizeof g_median),
                unsigned(sizeof g_hampel), static_cast<int>(g_sink * 1000));
    return 0;
}
