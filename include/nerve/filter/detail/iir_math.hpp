// nerve/filter/detail/iir_math.hpp — a small constexpr complex type for IIR design
// (butterworth.hpp, chebyshev1.hpp, rbj.hpp), on top of core/constexpr_math.hpp.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "../../core/constexpr_math.hpp"

namespace nerve::filter::iir_detail {

// The real-valued functions (sin, cos, sqrt, exp, log, sinh, asinh, ...) are the shared
// constexpr ones; qualified calls such as iir_detail::sqrt find them through this directive.
using namespace ::nerve::cmath;

/// Minimal constexpr complex number with the IEEE signed-zero behaviour of the textbook
/// formulas (numpy computes the same way), enough for pole/zero manipulation.
struct cplx {
    double re = 0.0;
    double im = 0.0;

    friend constexpr cplx operator+(cplx a, cplx b) noexcept { return {a.re + b.re, a.im + b.im}; }
    friend constexpr cplx operator-(cplx a, cplx b) noexcept { return {a.re - b.re, a.im - b.im}; }
    friend constexpr cplx operator-(cplx a) noexcept { return {-a.re, -a.im}; }
    friend constexpr cplx operator*(cplx a, cplx b) noexcept {
        return {a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re};
    }
    friend constexpr cplx operator*(cplx a, double s) noexcept { return {a.re * s, a.im * s}; }
    friend constexpr cplx operator/(cplx a, cplx b) noexcept {
        // Smith's algorithm, as numpy uses, to avoid overflow in |b|^2.
        if (abs(b.re) >= abs(b.im)) {
            const double r = b.im / b.re, d = b.re + b.im * r;
            return {(a.re + a.im * r) / d, (a.im - a.re * r) / d};
        }
        const double r = b.re / b.im, d = b.re * r + b.im;
        return {(a.re * r + a.im) / d, (a.im * r - a.re) / d};
    }
    friend constexpr cplx operator/(double s, cplx b) noexcept { return cplx{s, 0.0} / b; }
    constexpr cplx conj() const noexcept { return {re, -im}; }
    constexpr double mag() const noexcept { return hypot(re, im); }
};

/// Principal square root (branch cut on the negative real axis, sign of a zero
/// imaginary part respected as C99 csqrt does).
constexpr cplx csqrt(cplx z) noexcept {
    if (z.re == 0 && z.im == 0) return {0.0, z.im};
    const double m = z.mag();
    if (z.re >= 0) {
        const double t = sqrt(0.5 * (z.re + m));
        return {t, z.im / (2 * t)};
    }
    const double t = sqrt(0.5 * (-z.re + m));
    return {abs(z.im) / (2 * t), copysign(t, z.im)};
}

/// e^(i theta)
constexpr cplx cexpi(double theta) noexcept { return {cos(theta), sin(theta)}; }

}  // namespace nerve::filter::iir_detail
