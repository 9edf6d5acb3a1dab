// bench/mcu/envelope_1024.cpp — Cortex-M4 cost of nerve::spectral::envelope_spectrum<1024>
// (the bearing pipeline's demodulation: real FFT, FFT-domain band-pass, inverse complex FFT for
// the Hilbert analytic signal, |z|, then the Hann-windowed rfft stage of the envelope).
//
// Kernel (count with tools/mcu_icount.py <elf> <symbol>; per sample = per call / 1024):
//   nerve_envelope_1024   envelope_spectrum<1024>::transform of one frame (12 kHz, band 2-5 kHz)
// The operator lives in .bss: `arm-none-eabi-nm -S` gives its RAM (sizeof is printed too).
#include <array>
#include <cmath>
#include <cstdio>
#include <span>

#include "mcu_noise.hpp"
#include "nerve/spectral/envelope.hpp"

namespace sp = nerve::spectral;

namespace {
std::array<float, 1024> g_x;
sp::envelope_spectrum<1024> g_env{nerve::sample_rate{12000.0}, nerve::hertz{2000.0}, nerve::hertz{5000.0}};
}  // namespace

extern "C" __attribute__((noinline)) bool nerve_envelope_1024(void) {
    return g_env.transform(std::span<const float, 1024>{g_x});
}

int main() {
    // A 3.5 kHz carrier amplitude-modulated at 97 Hz (a bearing-defect-like signal) plus noise.
    nerve_mcu_bench::lcg noise{1};
    for (std::size_t n = 0; n < g_x.size(); ++n) {
        const float t = static_cast<float>(n) / 12000.0f;
        g_x[n] = (1.0f + 0.5f * std::sin(6.2831853f * 97.0f * t)) * std::sin(6.2831853f * 3500.0f * t) +
                 0.05f * noise.symmetric();
    }
    bool ok = true;
    for (int r = 0; r < 2; ++r) ok = nerve_envelope_1024() && ok;
    // The envelope spectrum's largest non-DC line should sit at the modulation frequency.
    const auto v = g_env.view();
    std::size_t best = 1;
    for (std::size_t k = 2; k < v.size(); ++k)
        if (v.values[k] > v.values[best]) best = k;
    const int peak_hz = static_cast<int>(static_cast<double>(best) * 12000.0 / 1024.0 + 0.5);
    std::printf("envelope_1024: sizeof %u bytes, envelope-spectrum peak %d Hz (modulation 97 Hz)\n",
                static_cast<unsigned>(sizeof g_env), peak_hz);
    return ok && peak_hz > 80 && peak_hz < 115 ? 0 : 1;
}
