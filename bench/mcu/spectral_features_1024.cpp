// bench/mcu/spectral_features_1024.cpp — per-frame spectral/feature kernels on the Cortex-M4.
//
// Instructions per call: tools/mcu_icount.py <elf> <symbol>, symbols:
//   nerve_rfft_stage_1024      rfft<1024>{hann}: finite check + window + real FFT + power
//   nerve_welch_frame_1024     one frame into welch<1024> (detrend, window, FFT, density, double accumulate)
//   nerve_welch_frame_1024f    the same with welch<1024, float, float> (float accumulate: no soft double)
//   nerve_time_features_1024   stats::time_features<1024> (double accumulators, the default)
//   nerve_time_features_1024f  stats::time_features<1024, float, 0, float> (float accumulators)
//   nerve_spectral_shape_513   spectral_shape on the 513-bin spectrum
//   nerve_band_power_8         band_power<8> on the 513-bin spectrum
//   nerve_peaks_3              dominant_peaks<3> on the 513-bin spectrum
// RAM of each operator is printed (sizeof); flash from arm-none-eabi-size / the map file.
#include <array>
#include <cmath>
#include <cstdio>
#include <span>

#include "mcu_noise.hpp"
#include "nerve/spectral/band_power.hpp"
#include "nerve/spectral/peaks.hpp"
#include "nerve/spectral/rfft.hpp"
#include "nerve/spectral/spectral_shape.hpp"
#include "nerve/spectral/welch.hpp"
#include "nerve/stats/time_features.hpp"

namespace sp = nerve::spectral;

namespace {
std::array<float, 1024> g_x;
sp::rfft<1024> g_fft{nerve::window::hann, nerve::sample_rate{1000.0}};
sp::welch<1024> g_welch{nerve::window::hann, nerve::sample_rate{1000.0}};
sp::welch<1024, float, float> g_welchf{nerve::window::hann, nerve::sample_rate{1000.0}};
nerve::stats::time_features<1024> g_tf;
nerve::stats::time_features<1024, float, 0, float> g_tff;
sp::spectral_shape<> g_shape;
sp::band_power<8> g_bands{{0.0, 10.0, 20.0, 40.0, 80.0, 120.0, 200.0, 300.0, 500.0}};
sp::dominant_peaks<3> g_peaks;
volatile float g_sink;
}  // namespace

extern "C" __attribute__((noinline)) void nerve_rfft_stage_1024(void) { g_fft.transform(std::span<const float, 1024>{g_x}); }
extern "C" __attribute__((noinline)) void nerve_welch_frame_1024(void) {
    g_welch.push(std::span<const float, 1024>{g_x}, [](const auto&) {});
}
extern "C" __attribute__((noinline)) void nerve_welch_frame_1024f(void) {
    g_welchf.push(std::span<const float, 1024>{g_x}, [](const auto&) {});
}
extern "C" __attribute__((noinline)) void nerve_time_features_1024(void) { g_tf.compute(std::span<const float, 1024>{g_x}); }
extern "C" __attribute__((noinline)) void nerve_time_features_1024f(void) { g_tff.compute(std::span<const float, 1024>{g_x}); }
extern "C" __attribute__((noinline)) void nerve_spectral_shape_513(void) { g_shape.compute(g_fft.view()); }
extern "C" __attribute__((noinline)) void nerve_band_power_8(void) { g_bands.compute(g_fft.view()); }
extern "C" __attribute__((noinline)) void nerve_peaks_3(void) { g_peaks.compute(g_fft.view()); }

int main() {
    nerve_mcu_bench::lcg noise{1};
    for (std::size_t i = 0; i < g_x.size(); ++i) {
        g_x[i] = 0.8f * std::sin(0.3f * static_cast<float>(i)) + 0.2f * (2.0f * noise.unit() - 1.0f);
    }
    for (int rep = 0; rep < 3; ++rep) {
        nerve_rfft_stage_1024();
        nerve_welch_frame_1024();
        nerve_welch_frame_1024f();
        nerve_time_features_1024();
        nerve_time_features_1024f();
        nerve_spectral_shape_513();
        nerve_band_power_8();
        nerve_peaks_3();
    }
    g_sink = g_tf.result().rms + g_shape.result().centroid + g_bands.result()[2];
    // Tone at 0.3 rad/sample = 47.75 Hz at fs 1000: the dominant peak.
    const double f0 = 0.3 / (2 * 3.14159265358979) * 1000.0;
    const bool ok = g_peaks.result().count == 3 && std::fabs(g_peaks.result().peaks[0].frequency - f0) < 0.5 &&
                    std::fabs(g_tf.result().rms - g_tff.result().rms) < 1e-4f &&
                    std::fabs(g_welch.result().values[48] - g_welchf.result().values[48]) <= 1e-5f * g_welch.result().values[48];
    std::printf("spectral_features_1024: peak %d mHz, sizeof rfft<1024> %u, welch<1024> %u, time_features<1024> %u, "
                "spectral_shape %u, band_power<8> %u, dominant_peaks<3> %u: %s\n",
                static_cast<int>(g_peaks.result().peaks[0].frequency * 1000.0), static_cast<unsigned>(sizeof(g_fft)),
                static_cast<unsigned>(sizeof(g_welch)), static_cast<unsigned>(sizeof(g_tf)),
                static_cast<unsigned>(sizeof(g_shape)), static_cast<unsigned>(sizeof(g_bands)),
                static_cast<unsigned>(sizeof(g_peaks)), ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
}
