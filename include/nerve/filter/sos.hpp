// nerve/filter/sos.hpp — second-order sections: the coefficient format every IIR design in
// nerve returns and every biquad cascade accepts.
//
// A row is laid out as scipy.signal's `sos` rows: b0 b1 b2 a0 a1 a2, with the transfer
// function H(z) = (b0 + b1 z^-1 + b2 z^-2) / (a0 + a1 z^-1 + a2 z^-2). Designs return
// `std::array<sos_section<double>, S>`; a user may build the same array from their own
// coefficients (e.g. pasted from scipy) and hand it to `biquad_cascade`.
#pragma once

#include <array>
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

/// |H(e^{j 2 pi f})| of a cascade at normalised frequency f (cycles per sample, 0..0.5).
/// Used by tests and for checking a design; not on any streaming path.
template <class T, std::size_t S>
constexpr double sos_magnitude(const std::array<sos_section<T>, S>& sos, double f) noexcept {
    using iir_detail::cplx;
    const cplx z1 = iir_detail::cexpi(-2.0 * iir_detail::pi * f);  // z^-1
    const cplx z2 = z1 * z1;
    cplx h{1.0, 0.0};
    for (const auto& s : sos) {
        const cplx num = cplx{double(s.b0), 0.0} + z1 * double(s.b1) + z2 * double(s.b2);
        const cplx den = cplx{double(s.a0), 0.0} + z1 * double(s.a1) + z2 * double(s.a2);
        h = h * (num / den);
    }
    return h.mag();
}

}  // namespace nerve::filter
