// bench/vibration_signal.hpp — the synthetic bearing vibration that the maintenance pipeline's
// benchmarks read: nerve_bench's pipeline/maintenance rows and the aarch64 program a64_pipelines.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "nerve/pipelines/bearing_monitor.hpp"

namespace nerve_bench {

inline constexpr double vibration_fs = 25600.0;
inline constexpr double vibration_shaft_hz = 25.0;  // the shaft speed the monitors are configured with

/// 16 s of 25.6 kHz vibration with an outer-race fault of the SKF 6205 at 25 Hz shaft speed (so
/// the maintenance pipeline's frame ends do their full work): pipeline/maintenance and a64_pipelines.
inline const std::vector<float>& vibration() {
    static const auto data = [] {
        std::vector<float> x(static_cast<std::size_t>(16 * vibration_fs));
        std::uint32_t s = 12345;
        const auto f = nerve::spectral::defect_frequencies_of(nerve::pipelines::bearings::skf6205, nerve::hertz{vibration_shaft_hz});
        const double period = vibration_fs / f.bpfo;
        double next = 0, r1 = 0, r2 = 0;
        const double rho = std::exp(-1.0 / (0.0006 * vibration_fs)), c = 2.0 * rho * std::cos(6.283185307179586 * 3200.0 / vibration_fs);
        for (std::size_t i = 0; i < x.size(); ++i) {
            s = s * 1664525u + 1013904223u;
            const double noise = static_cast<double>(s >> 8) * (1.0 / 16777216.0) - 0.5;
            double kick = 0;
            if (static_cast<double>(i) >= next) { kick = 0.4; next += period; }
            const double ring = c * r1 - rho * rho * r2 + kick;
            r2 = r1;
            r1 = ring;
            x[i] = static_cast<float>(0.08 * std::sin(6.283185307179586 * vibration_shaft_hz * static_cast<double>(i) / vibration_fs) + 0.2 * noise + ring);
        }
        return x;
    }();
    return data;
}

}  // namespace nerve_bench
