// nerve/filter/rbj.hpp — single-section designs from R. Bristow-Johnson's "Audio EQ
// Cookbook": notch, peaking, low/high shelf, and the cookbook low/high/band-pass.
//
// Each returns `std::array<sos_section<double>, 1>` normalised to a0 = 1, ready for
// `biquad_cascade<T, 1>` (or to be concatenated with other sections). All constexpr.
// f0 must lie in (0, fs/2) and q > 0 (NERVE_ASSERT at run time).
//   w0 = 2 pi f0 / fs,  alpha = sin(w0) / (2 Q),  A = 10^(gain_db / 40)
#pragma once

#include <array>

#include "../config.hpp"
#include "../core/units.hpp"
#include "detail/iir_math.hpp"
#include "sos.hpp"

namespace nerve::filter {

namespace iir_detail {
struct rbj_terms {
    double cw, alpha;
};
constexpr rbj_terms rbj_start(hertz f0, sample_rate fs, double q) noexcept {
    NERVE_ASSERT(f0.value > 0.0 && f0.value < fs.nyquist());
    NERVE_ASSERT(q > 0.0);
    const double w0 = 2.0 * pi * f0.value / fs.value;
    return {cos(w0), sin(w0) / (2.0 * q)};
}
constexpr std::array<sos_section<double>, 1> rbj_norm(double b0, double b1, double b2, double a0, double a1,
                                                       double a2) noexcept {
    return {{{b0 / a0, b1 / a0, b2 / a0, 1.0, a1 / a0, a2 / a0}}};
}
}  // namespace iir_detail

/// Notch (band-reject) at f0 with quality q: H(f0) = 0, unity gain far from f0.
constexpr std::array<sos_section<double>, 1> rbj_notch(hertz f0, double q, sample_rate fs) noexcept {
    const auto [cw, al] = iir_detail::rbj_start(f0, fs, q);
    return iir_detail::rbj_norm(1.0, -2.0 * cw, 1.0, 1.0 + al, -2.0 * cw, 1.0 - al);
}

/// Peaking EQ: gain_db at f0, unity far from it.
constexpr std::array<sos_section<double>, 1> rbj_peaking(hertz f0, double q, double gain_db, sample_rate fs) noexcept {
    const auto [cw, al] = iir_detail::rbj_start(f0, fs, q);
    const double a = iir_detail::pow10(gain_db / 40.0);
    return iir_detail::rbj_norm(1.0 + al * a, -2.0 * cw, 1.0 - al * a, 1.0 + al / a, -2.0 * cw, 1.0 - al / a);
}

/// Low shelf: gain_db below f0, unity above (q = 1/sqrt(2) for the steepest monotone shelf).
constexpr std::array<sos_section<double>, 1> rbj_low_shelf(hertz f0, double q, double gain_db, sample_rate fs) noexcept {
    const auto [cw, al] = iir_detail::rbj_start(f0, fs, q);
    const double a = iir_detail::pow10(gain_db / 40.0);
    const double sa = 2.0 * iir_detail::sqrt(a) * al;
    return iir_detail::rbj_norm(a * ((a + 1) - (a - 1) * cw + sa), 2 * a * ((a - 1) - (a + 1) * cw),
                                a * ((a + 1) - (a - 1) * cw - sa), (a + 1) + (a - 1) * cw + sa,
                                -2 * ((a - 1) + (a + 1) * cw), (a + 1) + (a - 1) * cw - sa);
}

/// High shelf: gain_db above f0, unity below.
constexpr std::array<sos_section<double>, 1> rbj_high_shelf(hertz f0, double q, double gain_db, sample_rate fs) noexcept {
    const auto [cw, al] = iir_detail::rbj_start(f0, fs, q);
    const double a = iir_detail::pow10(gain_db / 40.0);
    const double sa = 2.0 * iir_detail::sqrt(a) * al;
    return iir_detail::rbj_norm(a * ((a + 1) + (a - 1) * cw + sa), -2 * a * ((a - 1) + (a + 1) * cw),
                                a * ((a + 1) + (a - 1) * cw - sa), (a + 1) - (a - 1) * cw + sa,
                                2 * ((a - 1) - (a + 1) * cw), (a + 1) - (a - 1) * cw - sa);
}

/// Cookbook second-order low-pass (q = 1/sqrt(2) is Butterworth-like).
constexpr std::array<sos_section<double>, 1> rbj_lowpass(hertz f0, double q, sample_rate fs) noexcept {
    const auto [cw, al] = iir_detail::rbj_start(f0, fs, q);
    return iir_detail::rbj_norm((1 - cw) / 2, 1 - cw, (1 - cw) / 2, 1 + al, -2 * cw, 1 - al);
}

/// Cookbook second-order high-pass.
constexpr std::array<sos_section<double>, 1> rbj_highpass(hertz f0, double q, sample_rate fs) noexcept {
    const auto [cw, al] = iir_detail::rbj_start(f0, fs, q);
    return iir_detail::rbj_norm((1 + cw) / 2, -(1 + cw), (1 + cw) / 2, 1 + al, -2 * cw, 1 - al);
}

/// Cookbook band-pass with 0 dB peak gain at f0.
constexpr std::array<sos_section<double>, 1> rbj_bandpass(hertz f0, double q, sample_rate fs) noexcept {
    const auto [cw, al] = iir_detail::rbj_start(f0, fs, q);
    return iir_detail::rbj_norm(al, 0.0, -al, 1 + al, -2 * cw, 1 - al);
}

}  // namespace nerve::filter
