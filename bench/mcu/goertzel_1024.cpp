// bench/mcu/goertzel_1024.cpp — goertzel<1024, K> on the Cortex-M4, beside the whole rfft of the frame.
//
// Instructions per call: tools/mcu_icount.py <elf> <symbol>, symbols:
//   nerve_goertzel_1024x1   goertzel<1024, 1>{hann}::compute (one frequency)
//   nerve_goertzel_1024x4   goertzel<1024, 4>{hann}::compute (BPFO, BPFI, 2 BPFO, 2 BPFI)
//   nerve_goertzel_1024x8   goertzel<1024, 8>{hann}::compute
//   nerve_rfft_stage_1024   rfft<1024>{hann}::transform (finite check, window, real FFT, power)
// Per sample per frequency: (count / 1024) / K. RAM of each operator is printed (sizeof).
#include <array>
#include <cmath>
#include <cstdio>
#include <span>

#include "mcu_noise.hpp"
#include "nerve/spectral/goertzel.hpp"
#include "nerve/spectral/rfft.hpp"

namespace sp = nerve::spectral;

namespace {
constexpr double fs = 12000.0;
std::array<float, 1024> g_x;
constinit sp::goertzel<1024, 1> g_g1{{107.4}, nerve::sample_rate{fs}, nerve::window::hann};
constinit sp::goertzel<1024, 4> g_g4{{107.4, 162.2, 214.8, 324.4}, nerve::sample_rate{fs}, nerve::window::hann};
constinit sp::goertzel<1024, 8> g_g8{{107.4, 162.2, 214.8, 324.4, 50.0, 100.0, 429.6, 3000.0}, nerve::sample_rate{fs},
                                     nerve::window::hann};
sp::rfft<1024> g_fft{nerve::window::hann, nerve::sample_rate{fs}};
}  // namespace

extern "C" __attribute__((noinline)) void nerve_goertzel_1024x1(void) { g_g1.compute(std::span<const float, 1024>{g_x}); }
extern "C" __attribute__((noinline)) void nerve_goertzel_1024x4(void) { g_g4.compute(std::span<const float, 1024>{g_x}); }
extern "C" __attribute__((noinline)) void nerve_goertzel_1024x8(void) { g_g8.compute(std::span<const float, 1024>{g_x}); }
extern "C" __attribute__((noinline)) void nerve_rfft_stage_1024(void) { g_fft.transform(std::span<const float, 1024>{g_x}); }

int main() {
    nerve_mcu_bench::lcg noise{1};
    // A tone on bin 9 (105.47 Hz at fs 12 kHz, 1024 points) plus noise.
    const double f0 = 9.0 * fs / 1024.0;
    for (std::size_t i = 0; i < g_x.size(); ++i)
        g_x[i] = 0.8f * std::cos(static_cast<float>(2.0 * 3.141592653589793 * f0 / fs) * static_cast<float>(i)) +
                 0.2f * (2.0f * noise.unit() - 1.0f);
    for (int rep = 0; rep < 3; ++rep) {
        nerve_goertzel_1024x1();
        nerve_goertzel_1024x4();
        nerve_goertzel_1024x8();
        nerve_rfft_stage_1024();
    }
    // Cross-check on the device: a goertzel at bin 9 reads the rfft's bin 9.
    sp::goertzel<1024, 1> on_bin{{f0}, nerve::sample_rate{fs}, nerve::window::hann};
    const bool computed = on_bin.compute(std::span<const float, 1024>{g_x});
    const float p = on_bin.result()[0].power, q = g_fft.view().values[9];
    const bool ok = computed && std::fabs(p - q) <= 1e-4f * q && g_g4.frames() == 3 && g_g8.rejected() == 0;
    std::printf("goertzel_1024: bin 9 power %d e-6 (rfft %d e-6), sizeof goertzel<1024,1> %u, <1024,4> %u, <1024,8> %u, "
                "rfft<1024> %u: %s\n",
                static_cast<int>(p * 1e6f), static_cast<int>(q * 1e6f), static_cast<unsigned>(sizeof(g_g1)),
                static_cast<unsigned>(sizeof(g_g4)), static_cast<unsigned>(sizeof(g_g8)),
                static_cast<unsigned>(sizeof(g_fft)), ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
}
