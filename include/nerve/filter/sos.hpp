// nerve/filter/sos.hpp — second-order sections: the coefficient format every IIR design in
// nerve returns and every biquad cascade accepts.
//
// A row is laid out as scipy.signal's `sos` rows: b0 b1 b2 a0 a1 a2, with the transfer
// function H(z) = (b0 + b1 z^-1 + b2 z^-2) / (a0 + a1 z^-1 + a2 z^-2). Designs return
// `std::array<sos_section<double>, S>`; a user may build the same array from their own
// coefficients (e.g. pasted from scipy) and hand it to `biquad_cascade`.
#pragma once

#include <array>
#include <complex>
#include <cstddef>

#include "detail/iir_math.hpp"

namespace nerve::filter {

template <class T = double>
struct sos_section {
    T b0 = T(1), b1 = T(0), b2 = T(0);
    T a0 = T(1), a1 = T(0), a2 = T(0);

    friend constexpr bool operator==(const sos_section&, const sos_section&) = default;
};

/// Filter band of a classical design.
enum class band_type { lowpass, highpass, bandpass, bandstop };

/// Number of second-order sections scipy returns for a digital design of `order`.
constexpr std::size_t sos_count(std::size_t order, band_type b) noexcept {
    return (b == band_type::lowpass || b == band_type::highpass) ? (order + 1) / 2 : order;
}

/// Sections from scipy's flattened layout: 6 S values, row by row (b0 b1 b2 a0 a1 a2), e.g.
/// `sos.ravel()` pasted from Python: `sos_from_rows<2>({...})`.
template <std::size_t S, class T>
constexpr std::array<sos_section<T>, S> sos_from_rows(const T (&r)[6 * S]) noexcept {
    std::array<sos_section<T>, S> sos{};
    for (std::size_t k = 0; k < S; ++k)
        sos[k] = {r[6 * k], r[6 * k + 1], r[6 * k + 2], r[6 * k + 3], r[6 * k + 4], r[6 * k + 5]};
    return sos;
}

/// The same cascade with every section scaled so that a0 == 1.
template <class T, std::size_t S>
constexpr std::array<sos_section<T>, S> normalized(const std::array<sos_section<T>, S>& sos) noexcept {
    std::array<sos_section<T>, S> r{};
    for (std::size_t i = 0; i < S; ++i) {
        const T a0 = sos[i].a0;
        r[i] = {sos[i].b0 / a0, sos[i].b1 / a0, sos[i].b2 / a0, T(1), sos[i].a1 / a0, sos[i].a2 / a0};
    }
    return r;
}

/// Converts the coefficient type (e.g. a double design to float coefficients).
template <class To, class From, std::size_t S>
constexpr std::array<sos_section<To>, S> sos_cast(const std::array<sos_section<From>, S>& sos) noexcept {
    std::array<sos_section<To>, S> r{};
    for (std::size_t i = 0; i < S; ++i) {
        r[i] = {static_cast<To>(sos[i].b0), static_cast<To>(sos[i].b1), static_cast<To>(sos[i].b2),
                static_cast<To>(sos[i].a0), static_cast<To>(sos[i].a1), static_cast<To>(sos[i].a2)};
    }
    return r;
}

/// H(e^{j 2 pi f}) of a cascade at normalised frequency f (cycles per sample, 0..0.5), as
/// scipy.signal.sosfreqz gives it at w = 2 pi f. For checking a design; not on any streaming
/// path.
template <class T, std::size_t S>
constexpr iir_detail::cplx sos_response_parts(const std::array<sos_section<T>, S>& sos, double f) noexcept {
    using iir_detail::cplx;
    const cplx z1 = iir_detail::cexpi(-2.0 * iir_detail::pi * f);  // z^-1
    const cplx z2 = z1 * z1;
    cplx h{1.0, 0.0};
    for (const auto& s : sos) {
        const cplx num = cplx{double(s.b0), 0.0} + z1 * double(s.b1) + z2 * double(s.b2);
        const cplx den = cplx{double(s.a0), 0.0} + z1 * double(s.a1) + z2 * double(s.a2);
        h = h * (num / den);
    }
    return h;
}

/// The complex response (sos_response_parts as std::complex).
template <class T, std::size_t S>
std::complex<double> sos_response(const std::array<sos_section<T>, S>& sos, double f) noexcept {
    const iir_detail::cplx h = sos_response_parts(sos, f);
    return {h.re, h.im};
}

/// |H(e^{j 2 pi f})|.
template <class T, std::size_t S>
constexpr double sos_magnitude(const std::array<sos_section<T>, S>& sos, double f) noexcept {
    return sos_response_parts(sos, f).mag();
}

/// The group delay -d(phase)/d(omega) in samples at f (cycles per sample), as
/// scipy.signal.group_delay: for each polynomial c0 + c1 z^-1 + c2 z^-2 on the unit circle,
/// Re(sum k c_k z^-k / sum c_k z^-k), numerators' minus denominators', summed over the
/// sections. Exact (no finite difference). At a zero of the response on the unit circle the
/// delay is undefined: that polynomial contributes 0 there (scipy sets the whole delay to 0).
template <class T, std::size_t S>
constexpr double sos_group_delay(const std::array<sos_section<T>, S>& sos, double f) noexcept {
    using iir_detail::cplx;
    const cplx z1 = iir_detail::cexpi(-2.0 * iir_detail::pi * f);
    const cplx z2 = z1 * z1;
    const auto delay = [&](double c0, double c1, double c2) {
        const cplx p = cplx{c0, 0.0} + z1 * c1 + z2 * c2;
        const cplx dp = z1 * c1 + z2 * (2.0 * c2);
        const double m2 = p.re * p.re + p.im * p.im;
        if (!(m2 > 1e-300)) return 0.0;
        return (dp.re * p.re + dp.im * p.im) / m2;  // Re(dp / p)
    };
    double d = 0.0;
    for (const auto& s : sos)
        d += delay(double(s.b0), double(s.b1), double(s.b2)) - delay(double(s.a0), double(s.a1), double(s.a2));
    return d;
}

}  // namespace nerve::filter
