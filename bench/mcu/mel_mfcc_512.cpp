// bench/mcu/mel_mfcc_512.cpp — the audio/vibration feature front end on the Cortex-M4:
// 512-point Hann rfft, 40 Slaney mel bands in dB, 13 MFCCs (librosa's defaults at 16 kHz).
//
// Instructions per call: tools/mcu_icount.py <elf> <symbol>, symbols:
//   nerve_rfft_stage_512       rfft<512>{hann}: finite check + window + real FFT + power
//   nerve_mel_bands_512x40     mel_filterbank<512, 40> (dB) on that spectrum
//   nerve_mfcc_40x13           mfcc<40, 13> on those bands
// RAM of each operator is printed (sizeof); flash from arm-none-eabi-size / the map file.
#include <array>
#include <cmath>
#include <cstdio>
#include <span>

#include "mcu_noise.hpp"
#include "nerve/spectral/mel_filterbank.hpp"
#include "nerve/spectral/mfcc.hpp"
#include "nerve/spectral/rfft.hpp"

namespace sp = nerve::spectral;

namespace {
constexpr nerve::sample_rate fs{16000.0};
std::array<float, 512> g_x;
sp::rfft<512> g_fft{nerve::window::hann, fs};
sp::mel_filterbank<512, 40> g_mel{fs, {.log = sp::mel_log::decibel}};
sp::mfcc<40, 13> g_mfcc;
volatile float g_sink;
}  // namespace

extern "C" __attribute__((noinline)) void nerve_rfft_stage_512(void) { g_fft.transform(std::span<const float, 512>{g_x}); }
extern "C" __attribute__((noinline)) void nerve_mel_bands_512x40(void) { g_mel.compute(g_fft.view()); }
extern "C" __attribute__((noinline)) void nerve_mfcc_40x13(void) { g_mfcc.compute(g_mel.result()); }

int main() {
    nerve_mcu_bench::lcg noise{1};
    // A 1 kHz tone (bin 32) in noise.
    for (std::size_t i = 0; i < g_x.size(); ++i) {
        g_x[i] = 0.8f * std::sin(2.0f * 3.14159265f * 1000.0f / 16000.0f * static_cast<float>(i)) +
                 0.05f * (2.0f * noise.unit() - 1.0f);
    }
    for (int rep = 0; rep < 3; ++rep) {
        nerve_rfft_stage_512();
        nerve_mel_bands_512x40();
        nerve_mfcc_40x13();
    }
    // The loudest band is the one centred nearest 1 kHz; c0 is the bands' sum over sqrt(40).
    std::size_t loudest = 0;
    float sum = 0;
    for (std::size_t m = 0; m < 40; ++m) {
        sum += g_mel.result()[m];
        if (g_mel.result()[m] > g_mel.result()[loudest]) loudest = m;
    }
    std::size_t nearest = 0;
    for (std::size_t m = 1; m < 40; ++m)
        if (std::fabs(g_mel.center_hz(m) - 1000.0) < std::fabs(g_mel.center_hz(nearest) - 1000.0)) nearest = m;
    const bool ok = g_mel.rejected() == 0 && g_mfcc.rejected() == 0 && loudest == nearest &&
                    std::fabs(g_mfcc.result()[0] - sum / std::sqrt(40.0f)) <= 1e-4f * std::fabs(sum);
    g_sink = g_mfcc.result()[1];
    std::printf("mel_mfcc_512: loudest band %u (%d Hz), sizeof rfft<512> %u, mel_filterbank<512,40> %u, mfcc<40,13> %u: %s\n",
                static_cast<unsigned>(loudest), static_cast<int>(g_mel.center_hz(loudest)),
                static_cast<unsigned>(sizeof(g_fft)), static_cast<unsigned>(sizeof(g_mel)),
                static_cast<unsigned>(sizeof(g_mfcc)), ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
}
