// nerve/core/constexpr_math.hpp — <cmath> functions usable in constant expressions.
//
// C++20's <cmath> is not constexpr, yet filter designs, windows and FFT twiddle tables are
// best computed by the compiler (they then live in flash on an MCU and cost nothing at
// start-up). Each function here has a constant-evaluation path (a series after range
// reduction, accurate to a few ulp over the ranges nerve uses) and forwards to <cmath> at
// run time, so a design done at run time matches libm, and therefore numpy, closely.
// `cos_sin_2pi(j, n)` reduces its angle exactly in integers, for twiddles and windows.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace nerve::cmath {

inline constexpr double pi = 3.141592653589793238462643383279502884;
inline constexpr double ln2 = 0.693147180559945309417232121458176568;
inline constexpr double ln10 = 2.302585092994045684017991454684364208;

constexpr double abs(double x) noexcept { return x < 0 ? -x : x; }

constexpr bool signbit(double x) noexcept { return (std::bit_cast<std::uint64_t>(x) >> 63) != 0; }

constexpr double copysign(double mag, double sgn) noexcept {
    const double m = abs(mag);
    return signbit(sgn) ? -m : m;
}

/// x * 2^e for moderate e (|e| < 1000), exact.
constexpr double ldexp(double x, int e) noexcept {
    double f = 1.0;
    const double step = e >= 0 ? 2.0 : 0.5;
    for (int i = 0; i < (e >= 0 ? e : -e); ++i) f *= step;
    return x * f;
}

constexpr double sqrt(double x) noexcept {
    if (!std::is_constant_evaluated()) return std::sqrt(x);
    if (x == 0) return x;
    if (!(x > 0)) return std::numeric_limits<double>::quiet_NaN();
    // Scale to [0.25, 1) by powers of 4 so that Newton from 1 converges fast.
    int e = 0;
    while (x >= 1.0) { x *= 0.25; ++e; }
    while (x < 0.25) { x *= 4.0; --e; }
    double r = 1.0;
    for (int i = 0; i < 8; ++i) r = 0.5 * (r + x / r);
    return ldexp(r, e);
}

constexpr double hypot(double a, double b) noexcept {
    if (!std::is_constant_evaluated()) return std::hypot(a, b);
    a = abs(a);
    b = abs(b);
    const double m = a > b ? a : b;
    if (m == 0) return 0.0;
    const double ra = a / m, rb = b / m;
    return m * sqrt(ra * ra + rb * rb);
}

constexpr double exp(double x) noexcept {
    if (!std::is_constant_evaluated()) return std::exp(x);
    // x = k ln2 + r with |r| <= ln2/2, then a Taylor series for e^r.
    const double kd = x / ln2;
    const int k = static_cast<int>(kd < 0 ? kd - 0.5 : kd + 0.5);
    const double r = x - k * ln2;
    double term = 1.0, sum = 1.0;
    for (int n = 1; n < 30; ++n) {
        term *= r / n;
        sum += term;
    }
    return ldexp(sum, k);
}

/// e^x - 1 without the cancellation of exp(x) - 1 for small x.
constexpr double expm1(double x) noexcept {
    if (!std::is_constant_evaluated()) return std::expm1(x);
    if (abs(x) >= 0.5) return exp(x) - 1.0;
    double term = x, sum = x;
    for (int n = 2; n < 30; ++n) {
        term *= x / n;
        sum += term;
    }
    return sum;
}

constexpr double log(double x) noexcept {
    if (!std::is_constant_evaluated()) return std::log(x);
    // x = m 2^e with m in [sqrt(1/2), sqrt(2)), log m = 2 atanh((m-1)/(m+1)).
    int e = 0;
    while (x >= 1.4142135623730951) { x *= 0.5; ++e; }
    while (x < 0.7071067811865476) { x *= 2.0; --e; }
    const double t = (x - 1.0) / (x + 1.0);
    const double t2 = t * t;
    double term = t, sum = 0.0;
    for (int n = 1; n < 60; n += 2) {
        sum += term / n;
        term *= t2;
    }
    return 2.0 * sum + e * ln2;
}

constexpr double pow10(double x) noexcept {
    if (!std::is_constant_evaluated()) return std::pow(10.0, x);
    return exp(x * ln10);
}

constexpr double pow_int(double x, int n) noexcept {
    double r = 1.0;
    for (int i = 0; i < n; ++i) r *= x;
    return r;
}

constexpr double sin(double x) noexcept;
constexpr double cos(double x) noexcept;

namespace detail_series {
// Reduce to [-pi, pi] (design arguments are small, so a plain subtraction is accurate).
constexpr double reduce(double x) noexcept {
    const double n = x / (2 * pi);
    const double k = static_cast<double>(static_cast<long long>(n < 0 ? n - 0.5 : n + 0.5));
    return x - k * 2 * pi;
}
constexpr double sin_series(double x) noexcept {
    double term = x, sum = x;
    const double x2 = x * x;
    for (int n = 1; n < 20; ++n) {
        term *= -x2 / ((2 * n) * (2 * n + 1));
        sum += term;
    }
    return sum;
}
constexpr double cos_series(double x) noexcept {
    double term = 1.0, sum = 1.0;
    const double x2 = x * x;
    for (int n = 1; n < 20; ++n) {
        term *= -x2 / ((2 * n - 1) * (2 * n));
        sum += term;
    }
    return sum;
}
}  // namespace detail_series

constexpr double sin(double x) noexcept {
    if (!std::is_constant_evaluated()) return std::sin(x);
    x = detail_series::reduce(x);
    // Use the quarter-period symmetries to keep the series argument below pi/2.
    if (x > pi / 2) return detail_series::sin_series(pi - x);
    if (x < -pi / 2) return -detail_series::sin_series(pi + x);
    return detail_series::sin_series(x);
}

constexpr double cos(double x) noexcept {
    if (!std::is_constant_evaluated()) return std::cos(x);
    x = abs(detail_series::reduce(x));
    if (x > pi / 2) return -detail_series::cos_series(pi - x);
    return detail_series::cos_series(x);
}

constexpr double tan(double x) noexcept {
    if (!std::is_constant_evaluated()) return std::tan(x);
    return sin(x) / cos(x);
}

constexpr double sinh(double x) noexcept {
    if (!std::is_constant_evaluated()) return std::sinh(x);
    if (abs(x) < 0.5) {  // series avoids cancellation near 0
        double term = x, sum = x;
        for (int n = 1; n < 15; ++n) {
            term *= x * x / ((2 * n) * (2 * n + 1));
            sum += term;
        }
        return sum;
    }
    const double e = exp(x);
    return 0.5 * (e - 1.0 / e);
}

constexpr double cosh(double x) noexcept {
    if (!std::is_constant_evaluated()) return std::cosh(x);
    const double e = exp(x);
    return 0.5 * (e + 1.0 / e);
}

constexpr double asinh(double x) noexcept {
    if (!std::is_constant_evaluated()) return std::asinh(x);
    const double a = abs(x);
    const double r = log(a + sqrt(a * a + 1.0));
    return x < 0 ? -r : r;
}

constexpr double tanh(double x) noexcept {
    if (!std::is_constant_evaluated()) return std::tanh(x);
    if (abs(x) > 20.0) return x < 0 ? -1.0 : 1.0;  // 1 - tanh < 1e-17
    return sinh(x) / cosh(x);
}

constexpr double atan(double x) noexcept {
    if (!std::is_constant_evaluated()) return std::atan(x);
    // atan x = pi/2 - atan(1/x) above 1, then pi/4 + atan((x-1)/(x+1)) above tan(pi/8), then
    // the series, which converges for |t| <= tan(pi/8) = 0.414 (t^2 < 0.172: 22 terms).
    const double a = abs(x);
    double base = 0.0, t = a;
    if (t > 1.0) { base = 0.5 * pi; t = -1.0 / t; }
    if (abs(t) > 0.41421356237309503) {
        base += t > 0 ? 0.25 * pi : -0.25 * pi;
        t = t > 0 ? (t - 1.0) / (t + 1.0) : (t + 1.0) / (1.0 - t);
    }
    const double t2 = t * t;
    double term = t, sum = 0.0;
    for (int n = 1; n < 60; n += 2) {
        sum += term / n;
        term *= -t2;
    }
    const double r = base + sum;
    return x < 0 ? -r : r;
}

constexpr double asin(double x) noexcept {
    if (!std::is_constant_evaluated()) return std::asin(x);
    if (x >= 1.0) return 0.5 * pi;
    if (x <= -1.0) return -0.5 * pi;
    return atan(x / sqrt((1.0 - x) * (1.0 + x)));
}

/// Modified Bessel function of the first kind, order 0, by its power series (converges to
/// double precision for every argument a Kaiser window uses).
constexpr double bessel_i0(double x) noexcept {
    const double q = 0.25 * x * x;
    double term = 1.0, sum = 1.0;
    for (int k = 1; k < 500; ++k) {
        term *= q / (static_cast<double>(k) * static_cast<double>(k));
        sum += term;
        if (term < sum * 1e-17) break;
    }
    return sum;
}

struct cos_sin {
    double c;
    double s;
};

/// cos and sin of x for |x| <= pi/4, by Taylor series to x^23 (next term < 1e-24).
constexpr cos_sin cos_sin_small(double x) noexcept {
    const double x2 = x * x;
    double s = 0.0, c = 0.0;
    // Horner from the highest term down keeps the rounding error at a few ulp.
    double ts = 1.0, tc = 1.0;
    for (int k = 11; k >= 1; --k) {
        ts = 1.0 - x2 / static_cast<double>((2 * k) * (2 * k + 1)) * ts;
        tc = 1.0 - x2 / static_cast<double>((2 * k - 1) * (2 * k)) * tc;
    }
    s = x * ts;
    c = tc;
    return {c, s};
}

/// cos(2*pi*j/n) and sin(2*pi*j/n) for integers j (any), n > 0.
constexpr cos_sin cos_sin_2pi(std::int64_t j, std::int64_t n) noexcept {
    j %= n;
    if (j < 0) j += n;
    // Work in units of n/8 (octants): 8*j = oct*n + r, 0 <= r < n.
    const std::int64_t j8 = 8 * j;
    const std::int64_t oct = j8 / n;
    const std::int64_t r = j8 % n;
    // Angle within the octant: theta = oct*pi/4 + r*pi/(4n).
    // Reflect odd octants so the series argument is in [0, pi/4].
    cos_sin base{};
    if (oct % 2 == 0) {
        base = cos_sin_small(pi / 4.0 * static_cast<double>(r) / static_cast<double>(n));
    } else {
        const cos_sin t = cos_sin_small(pi / 4.0 * static_cast<double>(n - r) / static_cast<double>(n));
        base = {t.s, t.c};  // cos(pi/2 - a) = sin(a)
    }
    // base = (cos, sin) of the angle within the quadrant, measured from quadrant start.
    switch (oct / 2) {
        case 0: return {base.c, base.s};
        case 1: return {-base.s, base.c};
        case 2: return {-base.c, -base.s};
        default: return {base.s, -base.c};
    }
}
}  // namespace nerve::cmath
