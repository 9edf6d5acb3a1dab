// nerve/core/units.hpp — frequencies and sample rates as types, so that a cut-off in Hz
// is never silently passed where a normalised frequency is expected.
#pragma once

#include <compare>

namespace nerve {

/// A frequency in hertz.
struct hertz {
    double value = 0.0;
    constexpr explicit hertz(double v) noexcept : value(v) {}
    friend constexpr auto operator<=>(hertz, hertz) = default;
};

/// A sampling rate in samples per second.
struct sample_rate {
    double value = 0.0;
    constexpr explicit sample_rate(double v) noexcept : value(v) {}
    constexpr sample_rate(hertz h) noexcept : value(h.value) {}
    constexpr double nyquist() const noexcept { return value / 2.0; }
    constexpr double period() const noexcept { return 1.0 / value; }
    friend constexpr auto operator<=>(sample_rate, sample_rate) = default;
};

/// `f / fs` as a fraction of the sampling rate, in [0, 0.5] for valid digital frequencies.
constexpr double normalized(hertz f, sample_rate fs) noexcept { return f.value / fs.value; }

namespace literals {
constexpr hertz operator""_Hz(long double v) noexcept { return hertz{static_cast<double>(v)}; }
constexpr hertz operator""_Hz(unsigned long long v) noexcept { return hertz{static_cast<double>(v)}; }
constexpr hertz operator""_kHz(long double v) noexcept { return hertz{static_cast<double>(v) * 1e3}; }
constexpr hertz operator""_kHz(unsigned long long v) noexcept { return hertz{static_cast<double>(v) * 1e3}; }
}  // namespace literals

}  // namespace nerve
