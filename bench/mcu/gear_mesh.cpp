// bench/mcu/gear_mesh.cpp — gear_mesh<3, 6> reading one spectrum on the Cortex-M4.
//
// Instructions per call: tools/mcu_icount.py <elf> nerve_gear_mesh_4097 — gear_mesh<3, 6>::compute
// on an 8192-point power spectrum at 4 kHz (0.49 Hz bins): a 23-tooth gear at 25 Hz meshing with a
// 61-tooth mate (9.43 Hz), 3 mesh harmonics, 6 sidebands a side of each gear. A per-spectrum cost,
// paid once per Welch estimate, not per sample. RAM of the reader is printed (sizeof). At 0.98 Hz
// bins the mate's third order (28.3 Hz) sits 3.4 bins from the shaft's first (25 Hz) and is left out
// of both ratios (gear_mesh.hpp), so the mate would read 1.1, not 1.4.
#include <array>
#include <cmath>
#include <cstdio>
#include <span>

#include "mcu_noise.hpp"
#include "nerve/spectral/gear_mesh.hpp"

namespace sp = nerve::spectral;

namespace {
constexpr double fs = 4000.0, n = 8192.0, shaft = 25.0, mesh = 23.0 * shaft, mate = mesh / 61.0;
std::array<float, 4097> g_power;
sp::spectrum_view<float> g_view;
constinit sp::gear_mesh<3, 6> g_reader{{23, 61}, nerve::hertz{shaft}};
}  // namespace

extern "C" __attribute__((noinline)) void nerve_gear_mesh_4097(void) { g_reader.compute(g_view); }

int main() {
    nerve_mcu_bench::lcg noise{3};
    for (float& p : g_power) p = 1e-7f * (0.5f + noise.unit());
    // Mesh lines of power 0.5 / 0.08 / 0.02 (amplitudes 1 / 0.4 / 0.2), each on one bin, and the
    // mate's first four orders at amplitude m_k / 2 of the line with m = 0.5, 0.4, 0.3, 0.2: a
    // mate's SER of 1.4 at every harmonic (each line read as 5 bins less the floor).
    const double m[4] = {0.5, 0.4, 0.3, 0.2};
    for (int h = 1; h <= 3; ++h) {
        const double line = (h == 1 ? 0.5 : h == 2 ? 0.08 : 0.02) * 1.5;   // x ENBW: one bin holds it all
        g_power[static_cast<std::size_t>(h * mesh * n / fs + 0.5)] += static_cast<float>(line);
        for (int k = 1; k <= 4; ++k)
            for (int side = -1; side <= 1; side += 2)
                g_power[static_cast<std::size_t>((h * mesh + side * k * mate) * n / fs + 0.5)] +=
                    static_cast<float>(line * m[k - 1] * m[k - 1] / 4.0);
    }
    g_view.values = std::span<const float>{g_power};
    g_view.bin_hz = fs / n;
    g_view.enbw_bins = 1.5;
    g_view.fft_size = 8192;
    g_view.kind = sp::quantity::power;
    for (int rep = 0; rep < 3; ++rep) nerve_gear_mesh_4097();
    const auto& r = g_reader.result();
    bool ok = r.verdict() == sp::gear_verdict::mate_gear && g_reader.rejected() == 0;
    for (const auto& l : r.mesh) ok = ok && std::fabs(l.ser_mate - 1.4) < 0.03 && l.ser_shaft < 0.03;
    std::printf("gear_mesh_4097: mate SER %d / %d / %d e-3, shaft %d e-3, sizeof gear_mesh<3,6> %u: %s\n",
                static_cast<int>(r.mesh[0].ser_mate * 1e3), static_cast<int>(r.mesh[1].ser_mate * 1e3),
                static_cast<int>(r.mesh[2].ser_mate * 1e3), static_cast<int>(r.mesh[0].ser_shaft * 1e3),
                static_cast<unsigned>(sizeof(g_reader)), ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
}
