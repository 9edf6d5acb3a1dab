// nerve/filter/butterworth.hpp — Butterworth low/high/band-pass/band-stop design of any
// order, as second-order sections identical (ordering, pole/zero pairing, gain in the
// first section) to scipy.signal.butter(N, Wn, btype, output='sos', fs=fs).
//
// Everything is constexpr: `constexpr auto sos = butterworth_lowpass<4>(10.0_Hz, 200.0_Hz);`
// computes the coefficients at compile time. At run time the same code calls libm.
// `lowpass<N, T>(fc, fs)`, `highpass`, `bandpass`, `bandstop` return the ready
// biquad_cascade<T, sections> (T = float by default), e.g. as the first pipeline stage.
// Frequencies must satisfy 0 < f < fs/2 (and f_lo < f_hi for band filters); this is
// checked with NERVE_ASSERT at run time and is undefined at compile time.
#pragma once

#include <array>
#include <cstddef>

#include "../config.hpp"
#include "../core/units.hpp"
#include "biquad.hpp"
#include "detail/zpk.hpp"
#include "sos.hpp"

namespace nerve::filter {

namespace iir_detail {
/// scipy.signal.buttap(N): poles -exp(j pi m / (2N)), m = -N+1, -N+3, ..., N-1; k = 1.
template <std::size_t N, std::size_t Cap>
constexpr zpk<Cap> butter_prototype() noexcept {
    zpk<Cap> r;
    for (std::size_t i = 0; i < N; ++i) {
        const double m = -static_cast<double>(N) + 1.0 + 2.0 * static_cast<double>(i);
        const double theta = pi * m / (2.0 * static_cast<double>(N));
        r.add_pole(-cexpi(theta));
    }
    r.k = 1.0;
    return r;
}
}  // namespace iir_detail

/// Butterworth design with scipy's normalised frequencies: wn (and wn2 for band
/// filters) are fractions of the Nyquist frequency, in (0, 1).
template <std::size_t Order, band_type B>
constexpr std::array<sos_section<double>, sos_count(Order, B)> butterworth(double wn, double wn2 = 0.0) noexcept {
    static_assert(Order >= 1, "Butterworth order must be at least 1");
    NERVE_ASSERT(wn > 0.0 && wn < 1.0);
    NERVE_ASSERT((B == band_type::lowpass || B == band_type::highpass) || (wn2 > wn && wn2 < 1.0));
    constexpr std::size_t cap = 2 * Order + 2;
    return iir_detail::design_digital<Order, B>(iir_detail::butter_prototype<Order, cap>(), wn, wn2);
}

template <std::size_t Order>
constexpr auto butterworth_lowpass(hertz fc, sample_rate fs) noexcept {
    return butterworth<Order, band_type::lowpass>(2 * fc.value / fs.value);
}
template <std::size_t Order>
constexpr auto butterworth_highpass(hertz fc, sample_rate fs) noexcept {
    return butterworth<Order, band_type::highpass>(2 * fc.value / fs.value);
}
/// Band-pass of prototype order `Order`: 2*Order poles, Order sections (as scipy).
template <std::size_t Order>
constexpr auto butterworth_bandpass(hertz lo, hertz hi, sample_rate fs) noexcept {
    return butterworth<Order, band_type::bandpass>(2 * lo.value / fs.value, 2 * hi.value / fs.value);
}
template <std::size_t Order>
constexpr auto butterworth_bandstop(hertz lo, hertz hi, sample_rate fs) noexcept {
    return butterworth<Order, band_type::bandstop>(2 * lo.value / fs.value, 2 * hi.value / fs.value);
}

// --- ready-to-use filters (Butterworth): `nerve::filter::highpass<4>(10.0_Hz, fs)` -------
// Order-N Butterworth designs wrapped in a biquad_cascade of sample type T (default float).

template <std::size_t Order, sample_type T = float>
constexpr biquad_cascade<T, sos_count(Order, band_type::lowpass)> lowpass(hertz fc, sample_rate fs) noexcept {
    return biquad_cascade<T, sos_count(Order, band_type::lowpass)>{butterworth_lowpass<Order>(fc, fs)};
}
template <std::size_t Order, sample_type T = float>
constexpr biquad_cascade<T, sos_count(Order, band_type::highpass)> highpass(hertz fc, sample_rate fs) noexcept {
    return biquad_cascade<T, sos_count(Order, band_type::highpass)>{butterworth_highpass<Order>(fc, fs)};
}
template <std::size_t Order, sample_type T = float>
constexpr biquad_cascade<T, sos_count(Order, band_type::bandpass)> bandpass(hertz lo, hertz hi, sample_rate fs) noexcept {
    return biquad_cascade<T, sos_count(Order, band_type::bandpass)>{butterworth_bandpass<Order>(lo, hi, fs)};
}
template <std::size_t Order, sample_type T = float>
constexpr biquad_cascade<T, sos_count(Order, band_type::bandstop)> bandstop(hertz lo, hertz hi, sample_rate fs) noexcept {
    return biquad_cascade<T, sos_count(Order, band_type::bandstop)>{butterworth_bandstop<Order>(lo, hi, fs)};
}

}  // namespace nerve::filter
