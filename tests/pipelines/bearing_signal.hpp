// tests/pipelines/bearing_signal.hpp — the synthetic bearing vibration of the bearing-monitor
// tests: impacts at a defect rate ringing a 3 kHz resonance, a 1x shaft line and Gaussian noise,
// deterministic on every target (pipelines_test::gauss_lcg).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "gauss_lcg.hpp"
#include "nerve/pipelines/bearing_monitor.hpp"

namespace pipelines_test {

constexpr double bearing_fs = 12000.0, bearing_shaft = 30.0;

enum class fault { none, outer, inner, ball };

/// Vibration with impacts at the defect rate ringing a 3 kHz resonance; inner-race impacts are
/// amplitude-modulated by the shaft (the defect rotates through the load zone), ball impacts by
/// the cage. Impacts jitter by 0.5 % (slip). The machine runs at `fr` (default: the told
/// bearing_shaft) with a 1x shaft line of amplitude `one_x`; `seed` picks the noise (and jitter).
struct bearing_signal {
    fault kind;
    double amplitude;
    double fr = bearing_shaft, one_x = 0.05;
    gauss_lcg n{0x9E3779B97F4A7C15ull};
    double next_impact = 0.0;
    std::size_t i = 0;
    double r1 = 0.0, r2 = 0.0;  // resonance state (two-pole resonator)
    nerve::spectral::defect_frequencies f =
        nerve::spectral::defect_frequencies_of(nerve::pipelines::bearings::skf6205, nerve::hertz{fr});
    bearing_signal(fault k, double a, double speed = bearing_shaft, double shaft_line = 0.05,
                   std::uint64_t seed = 0x9E3779B97F4A7C15ull)
        : kind(k), amplitude(a), fr(speed), one_x(shaft_line), n(seed) {
        next_impact = 0.01;
    }
    float operator()() {
        constexpr double fs = bearing_fs;
        const double t = static_cast<double>(i++) / fs;
        double rate = 0.0, mod = 1.0;
        if (kind == fault::outer) rate = f.bpfo;
        if (kind == fault::inner) { rate = f.bpfi; mod = 0.6 + 0.4 * std::cos(6.283185307179586 * fr * t); }
        if (kind == fault::ball) { rate = f.two_bsf(); mod = 0.6 + 0.4 * std::cos(6.283185307179586 * f.ftf * t); }
        double kick = 0.0;
        if (rate > 0 && t >= next_impact) {
            kick = amplitude * mod;
            next_impact += (1.0 / rate) * (1.0 + 0.005 * n.gauss());
        }
        // Two-pole resonator at 3 kHz, decay time 0.8 ms: r[n] = 2 rho cos(theta) r[n-1] - rho^2 r[n-2] + kick.
        const double rho = std::exp(-1.0 / (0.0008 * fs)), theta = 6.283185307179586 * 3000.0 / fs;
        const double ring = 2.0 * rho * std::cos(theta) * r1 - rho * rho * r2 + kick;
        r2 = r1;
        r1 = ring;
        return static_cast<float>(one_x * std::sin(6.283185307179586 * fr * t) + 0.05 * n.gauss() + ring);
    }
};

}  // namespace pipelines_test
