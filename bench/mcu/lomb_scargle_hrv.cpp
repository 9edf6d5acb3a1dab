// bench/mcu/lomb_scargle_hrv.cpp — frequency-domain HRV on the Cortex-M4: the Lomb-Scargle
// density of 5 minutes of RR intervals (375 beats) on 257 bins, then VLF / LF / HF.
//
// Instructions per call: tools/mcu_icount.py <elf> <symbol>, symbols:
//   nerve_lomb_scargle_375x257   lomb_scargle<512, 257>::compute() over 375 points
//   nerve_hrv_bands_257          band_power<3> (VLF, LF, HF) on that density
// RAM of each operator is printed (sizeof).
#include <cmath>
#include <cstdio>

#include "nerve/spectral/band_power.hpp"
#include "nerve/spectral/lomb_scargle.hpp"

namespace sp = nerve::spectral;

namespace {
sp::lomb_scargle<512, 257> g_ls{nerve::hertz{0.5 / 256}, 300.0, 1000};
sp::band_power<3> g_bands{{0.0033, 0.04, 0.15, 0.4}};
}  // namespace

extern "C" __attribute__((noinline)) void nerve_lomb_scargle_375x257(void) { g_ls.compute(); }
extern "C" __attribute__((noinline)) void nerve_hrv_bands_257(void) { g_bands.compute(g_ls.result()); }

int main() {
    // RR = 800 ms + 40 ms at 0.1 Hz (LF) + 20 ms at 0.3 Hz (HF): LF 800 ms^2, HF 200 ms^2.
    double t = 0;
    for (int i = 0; i < 375; ++i) {
        const double rr = 0.8 + 0.04 * std::sin(2 * 3.141592653589793 * 0.1 * t) + 0.02 * std::sin(2 * 3.141592653589793 * 0.3 * t);
        t += rr;
        g_ls.add({t, static_cast<float>(1000 * rr)});
    }
    for (int rep = 0; rep < 2; ++rep) {
        nerve_lomb_scargle_375x257();
        nerve_hrv_bands_257();
    }
    const float lf = g_bands.result()[1], hf = g_bands.result()[2];
    const bool ok = std::fabs(lf - 800.0f) <= 40.0f && std::fabs(hf - 200.0f) <= 10.0f;
    std::printf("lomb_scargle_hrv: %u points, LF %d ms^2, HF %d ms^2, sizeof lomb_scargle<512,257> %u: %s\n",
                static_cast<unsigned>(g_ls.points()), static_cast<int>(lf), static_cast<int>(hf),
                static_cast<unsigned>(sizeof(g_ls)), ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
}
