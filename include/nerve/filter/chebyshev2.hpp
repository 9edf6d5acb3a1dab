// nerve/filter/chebyshev2.hpp — Chebyshev type II (inverse Chebyshev) low/high/band-pass/
// band-stop design of any order, as second-order sections identical (ordering, pairing, gain
// in the first section) to scipy.signal.cheby2(N, rs, Wn, btype, output='sos', fs=fs).
//
// Why a user picks it over Butterworth or Chebyshev I: a flat (monotonic) pass band like
// Butterworth's with a much steeper transition, and the ripple moved into the stop band, where
// it never rises above -rs dB. The price is that the edge frequency is where the stop band
// *starts*: the response is down by `stop_atten_db` at wn (scipy's convention), not by 3 dB,
// so the pass band ends below wn for a low-pass (above it for a high-pass).
//
// `stop_atten_db` is the minimum stop-band attenuation in dB (> 0). Everything is constexpr.
#pragma once

#include <array>
#include <cstddef>

#include "../config.hpp"
#include "../core/units.hpp"
#include "detail/zpk.hpp"
#include "sos.hpp"

namespace nerve::filter {

namespace iir_detail {
/// scipy.signal.cheb2ap(N, rs): N poles, and zeros on the imaginary axis at j / sin(m pi / 2N)
/// for m = -N+1, -N+3, ..., N-1 (m = 0, an infinite zero, left out for odd N).
template <std::size_t N, std::size_t Cap>
constexpr zpk<Cap> cheby2_prototype(double rs) noexcept {
    zpk<Cap> r;
    const double de = 1.0 / sqrt(pow10(0.1 * rs) - 1.0);
    const double mu = asinh(1.0 / de) / static_cast<double>(N);
    const double sh = sinh(mu), ch = cosh(mu);
    for (std::size_t i = 0; i < N; ++i) {
        const double m = -static_cast<double>(N) + 1.0 + 2.0 * static_cast<double>(i);
        if (m != 0.0) r.add_zero(cplx{0.0, 1.0 / sin(m * pi / (2.0 * static_cast<double>(N)))});
        // The Butterworth pole -e^(j theta), its real part scaled by sinh mu and its imaginary
        // part by cosh mu, then inverted.
        const double theta = pi * m / (2.0 * static_cast<double>(N));
        r.add_pole(1.0 / cplx{-sh * cos(theta), -ch * sin(theta)});
    }
    r.k = (prod_neg(r.p, r.np) / prod_neg(r.z, r.nz)).re;
    return r;
}
}  // namespace iir_detail

/// Chebyshev II design with scipy's normalised frequencies (fractions of Nyquist): `wn` (and
/// `wn2` for the band forms) are where the response first reaches -stop_atten_db.
template <std::size_t Order, band_type B>
constexpr std::array<sos_section<double>, sos_count(Order, B)> chebyshev2(double stop_atten_db, double wn,
                                                                          double wn2 = 0.0) noexcept {
    static_assert(Order >= 1, "Chebyshev order must be at least 1");
    NERVE_ASSERT(stop_atten_db > 0.0);
    NERVE_ASSERT(wn > 0.0 && wn < 1.0);
    NERVE_ASSERT((B == band_type::lowpass || B == band_type::highpass) || (wn2 > wn && wn2 < 1.0));
    constexpr std::size_t cap = 2 * Order + 2;
    return iir_detail::design_digital<Order, B>(iir_detail::cheby2_prototype<Order, cap>(stop_atten_db), wn, wn2);
}

template <std::size_t Order>
constexpr auto chebyshev2_lowpass(double stop_atten_db, hertz stop_edge, sample_rate fs) noexcept {
    return chebyshev2<Order, band_type::lowpass>(stop_atten_db, 2 * stop_edge.value / fs.value);
}
template <std::size_t Order>
constexpr auto chebyshev2_highpass(double stop_atten_db, hertz stop_edge, sample_rate fs) noexcept {
    return chebyshev2<Order, band_type::highpass>(stop_atten_db, 2 * stop_edge.value / fs.value);
}
template <std::size_t Order>
constexpr auto chebyshev2_bandpass(double stop_atten_db, hertz lo, hertz hi, sample_rate fs) noexcept {
    return chebyshev2<Order, band_type::bandpass>(stop_atten_db, 2 * lo.value / fs.value, 2 * hi.value / fs.value);
}
template <std::size_t Order>
constexpr auto chebyshev2_bandstop(double stop_atten_db, hertz lo, hertz hi, sample_rate fs) noexcept {
    return chebyshev2<Order, band_type::bandstop>(stop_atten_db, 2 * lo.value / fs.value, 2 * hi.value / fs.value);
}

}  // namespace nerve::filter
