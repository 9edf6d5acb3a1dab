// mcu_maintenance.cpp — the bearing-monitor reference pipeline as Cortex-M4 firmware: one static
// nerve::pipelines::bearing_monitor<2, 512, 128> (two demodulation bands, 512-point envelope
// spectra; sizeof is its whole RAM, < 32 KB) fed 25.6 kHz vibration sample by sample, as an
// ADC/DMA interrupt would. The vibration is synthetic: shaft lines and noise, then from 4 s an
// outer-race defect (impacts at BPFO ringing a 3.2 kHz resonance). The program exits 0 (through
// semihosting) when no frame before the fault is flagged and the last frames say outer_race, so
// the cortex-m4 preset runs it as a test; arm-none-eabi-size of it is the flash/RAM figure.
#include <cstdint>
#include <cstdio>

#include "nerve/pipelines/bearing_monitor.hpp"

namespace {

namespace np = nerve::pipelines;
using monitor_t = np::bearing_monitor<2, 512, 128>;

constexpr float fs = 25600.0f, shaft = 25.0f;

np::bearing_monitor_config config() {
    np::bearing_monitor_config c;
    c.fs_hz = fs;
    c.shaft_hz = shaft;
    c.geometry = np::bearings::skf6205;
    return c;
}

monitor_t monitor{config()};  // .bss/.data: no heap

std::uint32_t rng = 1;
float noise() {  // uniform in [-1, 1): sum of two for a rounder shape
    rng = rng * 1664525u + 1013904223u;
    const float a = static_cast<float>(static_cast<std::int32_t>(rng)) * (1.0f / 2147483648.0f);
    rng = rng * 1664525u + 1013904223u;
    return 0.5f * (a + static_cast<float>(static_cast<std::int32_t>(rng)) * (1.0f / 2147483648.0f));
}

}  // namespace

int main() {
    const auto f = nerve::spectral::defect_frequencies_of(np::bearings::skf6205, nerve::hertz{shaft});
    const float period = fs / static_cast<float>(f.bpfo);  // samples between impacts
    // Shaft line by a rotation recurrence (no libm sin per sample); 3.2 kHz two-pole resonator.
    const float c = 0.99969882f, s = 0.02454123f;  // cos, sin of 2 pi 25 / 25600
    const float rho = 0.93693f, two_rho_cos = 2.0f * rho * 0.70710678f;  // exp(-1/(0.6 ms fs)), cos(2 pi 3200/25600)
    float re = 0.08f, im = 0.0f, r1 = 0.0f, r2 = 0.0f, next = 4.0f * fs;
    int early = 0, frames = 0, outer_late = 0, late = 0;
    const int total = static_cast<int>(10.0f * fs);
    for (int n = 0; n < total; ++n) {
        float kick = 0.0f;
        if (static_cast<float>(n) >= next) {
            kick = 0.5f;
            next += period * (1.0f + 0.005f * noise());
        }
        const float ring = two_rho_cos * r1 - rho * rho * r2 + kick;
        r2 = r1;
        r1 = ring;
        const float x = im + 0.1f * noise() + ring;
        monitor.push(x, [&](const monitor_t::output_type& fr) {
            ++frames;
            const float t = static_cast<float>(fr.end_sample) / fs;
            const bool faulty = fr.verdict.diagnosis != np::bearing_diagnosis::normal;
            if (t < 4.0f && faulty) ++early;
            if (t > 6.0f) {
                ++late;
                outer_late += fr.verdict.diagnosis == np::bearing_diagnosis::outer_race;
            }
        });
        const float r = re * c - im * s;
        im = re * s + im * c;
        re = r;
    }
    std::printf("mcu_maintenance: sizeof(bearing_monitor<2,512,128>) = %u bytes, %d frames, %d flagged before the "
                "fault, %d/%d outer_race after it\n",
                static_cast<unsigned>(sizeof(monitor)), frames, early, outer_late, late);
    return (early == 0 && late > 0 && outer_late == late) ? 0 : 1;
}
