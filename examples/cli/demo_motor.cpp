// examples/cli/demo_motor.cpp — the motor part of `nerve demo`: the motor current reference pipeline
// (include/nerve/pipelines/motor_current_monitor.hpp) on two synthetic phase currents, a healthy
// rotor and one with a broken bar. Prints each reading and plots both spectra around the supply.
#include "cli.hpp"

#include <cmath>
#include <fstream>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "demo.hpp"
#include "nerve/pipelines/motor_current_monitor.hpp"

namespace {
namespace demo_motor {  // named for the unity build (CMakeLists.txt)

namespace np = nerve::pipelines;
namespace sp = nerve::spectral;

/// 60 s of one phase at 5 kHz: 12 A on a 50 Hz supply, a 4-pole motor at 2.7 % slip (1459.5 rpm),
/// an eccentricity line at f + fr 52 dB down, 4 % 5th and 2 % 7th harmonics, noise; with
/// `sideband_db` finite, a broken bar's modulation at 2 s f (sidebands that far under the line).
std::vector<float> synthetic_current(double sideband_db, std::uint32_t seed) {
    constexpr double fs = 5000.0, f = 50.0, s = 0.027, two_pi = 6.283185307179586;
    const double m = std::isfinite(sideband_db) ? 2.0 * std::pow(10.0, sideband_db / 20.0) : 0.0;
    const double fr = (1.0 - s) * f / 2.0, ecc = std::pow(10.0, -52.0 / 20.0);
    std::vector<float> x(static_cast<std::size_t>(60 * fs));
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double t = static_cast<double>(i) / fs;
        seed = seed * 1664525u + 1013904223u;
        const double noise = static_cast<double>(static_cast<std::int32_t>(seed)) * (1.0 / 2147483648.0);
        const double phase = (1.0 + m * std::cos(two_pi * 2.0 * s * f * t + 0.4)) * std::cos(two_pi * f * t) +
                             ecc * std::cos(two_pi * (f + fr) * t) + 0.04 * std::cos(two_pi * 5.0 * f * t) +
                             0.02 * std::cos(two_pi * 7.0 * f * t);
        x[i] = static_cast<float>(12.0 * phase + 0.05 * noise);
    }
    return x;
}

int demo_motor(const nerve::cli::demo_context& ctx) {
    np::motor_current_monitor_config c;
    c.fs_hz = 5000.0;
    c.motor = {50.0, 4};
    c.rpm = 1440.0;   // the nameplate's full-load speed; the monitor measures the real one
    c.segments = 0;   // one reading of each recording
    struct motor {
        const char* name;
        double sideband_db;
    };
    const motor motors[] = {{"healthy", std::nan("")}, {"broken_bar", -41.0}};
    std::vector<std::vector<float>> spectra;
    double bin_hz = 0;
    for (const motor& mo : motors) {
        auto m = std::make_unique<np::motor_current_monitor<8192>>(c);
        m->process(synthetic_current(mo.sideband_db, 17), [](const auto&) {});
        m->flush([](const auto&) {});
        const auto& r = m->result();
        fmt::print("  {:<10} rotor_condition {} ({} s, {:.3f} Hz bins): speed {:.1f} rpm from the {} (told 1440), slip {:.2f} %, "
                   "(1 - 2s) f sideband {}\n",
                   mo.name, sp::name(r.condition()), 60, m->bin_hz(), 60.0 * r.speed_hz, sp::name(r.source), 100.0 * r.slip,
                   std::isnan(r.lower[0].db) ? fmt::format("under the floor (at least {:.0f} dB down)", -(r.floor_db + 10.0))
                                             : fmt::format("{:.1f} dB at {:.2f} Hz", r.lower[0].db, r.lower[0].frequency));
        const auto s = m->spectrum();
        bin_hz = s.bin_hz;
        spectra.emplace_back(s.values.begin(), s.values.end());
    }
    const std::string csv = ctx.out_dir + "/motor.csv";
    std::ofstream out(csv);
    out << "hz,healthy_db_re_line,broken_bar_db_re_line\n";
    const std::size_t lo = static_cast<std::size_t>(40.0 / bin_hz), hi = static_cast<std::size_t>(80.0 / bin_hz);
    std::vector<float> top(spectra.size(), 0.0f);
    for (std::size_t j = 0; j < spectra.size(); ++j)
        for (std::size_t k = lo; k <= hi && k < spectra[j].size(); ++k) top[j] = std::max(top[j], spectra[j][k]);
    for (std::size_t k = lo; k <= hi && k < spectra[0].size(); ++k) {
        out << fmt::format("{:.4f}", static_cast<double>(k) * bin_hz);
        for (std::size_t j = 0; j < spectra.size(); ++j)
            out << fmt::format(",{:.2f}", 10.0 * std::log10(std::max(1e-30, static_cast<double>(spectra[j][k]) / top[j])));
        out << '\n';
    }
    out.close();
    ctx.plot("generic", csv, ctx.out_dir + "/motor.png", "Motor current: spectrum around the 50 Hz supply (dB re the line)");
    return 0;
}

const bool registered =
    nerve::cli::add_demo_part(15, "motor", "induction motor: phase currents of a healthy rotor and of a broken bar", &demo_motor);

}  // namespace demo_motor
}  // namespace
