// bench/mcu/motor_current.cpp — motor_current<2> reading one stator-current spectrum on the Cortex-M4.
//
// Instructions per call: tools/mcu_icount.py <elf> nerve_motor_current_4097 — motor_current<2>::compute
// on an 8192-point power spectrum at 400 Hz (0.049 Hz bins, a current decimated to 8 times its
// 50 Hz supply): a 4-pole motor at 3 % slip with an eccentricity line at -50 dB and broken-bar
// sidebands at -45 dB (two pairs placed, one found). A per-spectrum cost, paid once per Welch
// estimate, not per sample. RAM of the reader is printed (sizeof).
#include <array>
#include <cmath>
#include <cstdio>
#include <span>

#include "mcu_noise.hpp"
#include "nerve/spectral/motor_current.hpp"

namespace sp = nerve::spectral;

namespace {
constexpr double fs = 400.0, n = 8192.0, line = 50.0, slip = 0.03, rotor = (1.0 - slip) * line / 2.0;
std::array<float, 4097> g_power;
sp::spectrum_view<float> g_view;
constinit sp::motor_current<2> g_reader{{50.0, 4}, nerve::hertz{1440.0 / 60.0}};

void add_line(double hz, double power) {
    g_power[static_cast<std::size_t>(hz * n / fs + 0.5)] += static_cast<float>(power * 1.5);   // x ENBW: one bin holds it all
}
}  // namespace

extern "C" __attribute__((noinline)) void nerve_motor_current_4097(void) { g_reader.compute(g_view); }

int main() {
    nerve_mcu_bench::lcg noise{5};
    for (float& p : g_power) p = 1e-10f * (0.5f + noise.unit());
    add_line(line, 0.5);                                        // amplitude 1
    add_line(line + rotor, 0.5e-5);                             // -50 dB
    add_line(line * (1.0 - 2.0 * slip), 0.5 * 3.1623e-5);       // -45 dB
    add_line(line * (1.0 + 2.0 * slip), 0.5 * 3.1623e-5);
    g_view.values = std::span<const float>{g_power};
    g_view.bin_hz = fs / n;
    g_view.enbw_bins = 1.5;
    g_view.fft_size = 8192;
    g_view.kind = sp::quantity::power;
    for (int rep = 0; rep < 3; ++rep) nerve_motor_current_4097();
    const auto& r = g_reader.result();
    const bool ok = r.condition() == sp::rotor_condition::cracked_bar && r.source == sp::speed_source::eccentricity &&
                    std::fabs(r.lower[0].db + 45.0) < 0.2 && std::fabs(r.upper[0].db + 45.0) < 0.2 &&
                    std::fabs(r.slip - slip) < 2.5e-3 && g_reader.rejected() == 0;   // lines on whole bins: fr 0.02 Hz off
    std::printf("motor_current_4097: lower %d / upper %d mdB, slip %d e-5, sizeof motor_current<2> %u: %s\n",
                static_cast<int>(r.lower[0].db * 1e3), static_cast<int>(r.upper[0].db * 1e3),
                static_cast<int>(r.slip * 1e5), static_cast<unsigned>(sizeof(g_reader)), ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
}
