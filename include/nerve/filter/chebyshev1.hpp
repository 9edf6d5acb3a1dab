// nerve/filter/chebyshev1.hpp — Chebyshev type I low/high/band-pass/band-stop design of
// any order, as second-order sections identical (ordering, pairing, gain in the first
// section) to scipy.signal.cheby1(N, rp, Wn, btype, output='sos', fs=fs).
//
// `ripple_db` is the peak-to-peak pass-band ripple in dB (> 0). Everything is constexpr.
#pragma once

#include <array>
#include <cstddef>

#include "../config.hpp"
#include "../core/units.hpp"
#include "detail/zpk.hpp"
#include "sos.hpp"

namespace nerve::filter {

namespace iir_detail {
/// scipy.signal.cheb1ap(N, rp).
template <std::size_t N, std::size_t Cap>
constexpr zpk<Cap> cheby1_prototype(double rp) noexcept {
    zpk<Cap> r;
    const double eps = sqrt(pow10(0.1 * rp) - 1.0);
    const double mu = 1.0 / static_cast<double>(N) * asinh(1 / eps);
    const double sh = sinh(mu), ch = cosh(mu);
    for (std::size_t i = 0; i < N; ++i) {
        const double m = -static_cast<double>(N) + 1.0 + 2.0 * static_cast<double>(i);
        const double theta = pi * m / (2.0 * static_cast<double>(N));
        // -sinh(mu + j theta) = -(sinh mu cos theta + j cosh mu sin theta)
        r.add_pole(-cplx{sh * cos(theta), ch * sin(theta)});
    }
    r.k = prod_neg(r.p, r.np).re;
    if (N % 2 == 0) r.k = r.k / sqrt(1 + eps * eps);
    return r;
}
}  // namespace iir_detail

/// Chebyshev I design with scipy's normalised frequencies (fractions of Nyquist).
template <std::size_t Order, band_type B>
constexpr std::array<sos_section<double>, sos_count(Order, B)> chebyshev1(double ripple_db, double wn,
                                                                          double wn2 = 0.0) noexcept {
    static_assert(Order >= 1, "Chebyshev order must be at least 1");
    NERVE_ASSERT(ripple_db > 0.0);
    NERVE_ASSERT(wn > 0.0 && wn < 1.0);
    NERVE_ASSERT((B == band_type::lowpass || B == band_type::highpass) || (wn2 > wn && wn2 < 1.0));
    constexpr std::size_t cap = 2 * Order + 2;
    return iir_detail::design_digital<Order, B>(iir_detail::cheby1_prototype<Order, cap>(ripple_db), wn, wn2);
}

template <std::size_t Order>
constexpr auto chebyshev1_lowpass(double ripple_db, hertz fc, sample_rate fs) noexcept {
    return chebyshev1<Order, band_type::lowpass>(ripple_db, 2 * fc.value / fs.value);
}
template <std::size_t Order>
constexpr auto chebyshev1_highpass(double ripple_db, hertz fc, sample_rate fs) noexcept {
    return chebyshev1<Order, band_type::highpass>(ripple_db, 2 * fc.value / fs.value);
}
template <std::size_t Order>
constexpr auto chebyshev1_bandpass(double ripple_db, hertz lo, hertz hi, sample_rate fs) noexcept {
    return chebyshev1<Order, band_type::bandpass>(ripple_db, 2 * lo.value / fs.value, 2 * hi.value / fs.value);
}
template <std::size_t Order>
constexpr auto chebyshev1_bandstop(double ripple_db, hertz lo, hertz hi, sample_rate fs) noexcept {
    return chebyshev1<Order, band_type::bandstop>(ripple_db, 2 * lo.value / fs.value, 2 * hi.value / fs.value);
}

}  // namespace nerve::filter
