// nerve/filter/elliptic.hpp — elliptic (Cauer) low/high/band-pass/band-stop design of any
// order, as second-order sections matching scipy.signal.ellip(N, rp, rs, Wn, btype,
// output='sos', fs=fs).
//
// Why a user picks it: for a given order, the narrowest transition band of the classical
// designs (an anti-alias filter before a decimator, a mains notch band): ripple in both bands,
// at most `ripple_db` (peak to peak) in the pass band and at least `stop_atten_db` down in the
// stop band. wn is the pass-band edge (the response first leaves the ripple band there).
//
// The prototype follows scipy's ellipap: the degree equation solved by nomes, the zeros and
// poles from Jacobi's elliptic functions (sn, cn, dn by the arithmetic-geometric mean, as
// Cephes' ellpj), the pole offset from the inverse of sc by descending Landen transformations.
// Everything is constexpr (the special functions below have constexpr series paths).
#pragma once

#include <array>
#include <cstddef>

#include "../config.hpp"
#include "../core/units.hpp"
#include "detail/zpk.hpp"
#include "sos.hpp"

namespace nerve::filter {

namespace iir_detail {

/// The arithmetic-geometric mean of a and b.
constexpr double agm(double a, double b) noexcept {
    for (int i = 0; i < 60 && abs(a - b) > 1e-16 * a; ++i) {
        const double m = 0.5 * (a + b);
        b = sqrt(a * b);
        a = m;
    }
    return 0.5 * (a + b);
}

/// The complete elliptic integral of the first kind K(m), parameter m = k^2 (scipy's ellipk).
constexpr double ellipk(double m) noexcept { return 0.5 * pi / agm(1.0, sqrt(1.0 - m)); }

/// K(1 - p), accurate for tiny p (scipy's ellipkm1).
constexpr double ellipkm1(double p) noexcept { return 0.5 * pi / agm(1.0, sqrt(p)); }

struct jacobi_sn_cn_dn {
    double sn, cn, dn;
};

/// Jacobi's elliptic functions sn, cn, dn of u for the parameter m in [0, 1], by the
/// arithmetic-geometric mean and the descending phase recurrence (Abramowitz & Stegun 16.4,
/// the method of Cephes' ellpj that scipy.special.ellipj calls, with its near-0 and near-1
/// expansions).
constexpr jacobi_sn_cn_dn ellipj(double u, double m) noexcept {
    if (m < 1e-9) {
        const double t = sin(u), b = cos(u);
        const double ai = 0.25 * m * (u - t * b);
        return {t - ai * b, b + ai * t, 1.0 - 0.5 * m * t * t};
    }
    if (m >= 0.9999999999) {
        const double ai = 0.25 * (1.0 - m);
        const double b = cosh(u), t = tanh(u);
        const double phi = 1.0 / b;
        const double twon = b * sinh(u);
        const double a2 = ai * t * phi;
        return {t + ai * (twon - u) / (b * b), phi - a2 * (twon - u), phi + a2 * (twon + u)};
    }
    double a[9] = {1.0}, c[9] = {sqrt(m)};
    double b = sqrt(1.0 - m), twon = 1.0;
    int i = 0;
    while (abs(c[i] / a[i]) > 1.11022302462515654042e-16 && i < 8) {
        const double ai = a[i];
        ++i;
        c[i] = 0.5 * (ai - b);
        const double t = sqrt(ai * b);
        a[i] = 0.5 * (ai + b);
        b = t;
        twon *= 2.0;
    }
    double phi = twon * a[i] * u, prev = phi;
    do {
        const double t = c[i] * sin(phi) / a[i];
        prev = phi;
        phi = 0.5 * (asin(t) + phi);
    } while (--i);
    const double cp = cos(phi);
    return {sin(phi), cp, cp / cos(prev - phi)};
}

/// scipy's _ellipdeg: the parameter m of the N-th degree transformation with complementary
/// parameter m1, by nomes.
constexpr double ellip_degree(std::size_t n, double m1) noexcept {
    const double q1 = exp(-pi * ellipkm1(m1) / ellipk(m1));
    const double q = exp(log(q1) / static_cast<double>(n));
    double num = 0.0, den = 0.0;
    for (int k = 0; k <= 7; ++k) num += pow_int(q, k * (k + 1));
    for (int k = 1; k <= 8; ++k) den += pow_int(q, k * k);
    const double r = num / (1.0 + 2.0 * den);
    return 16.0 * q * r * r * r * r;
}

/// scipy's _arc_jac_sc1: the real v with sc(v, 1 - m) = w, as the imaginary part of
/// arc-sn(j w, m) by descending Landen transformations (on j w every step stays imaginary, so
/// it runs in reals).
constexpr double arc_jac_sc1(double w, double m) noexcept {
    double ks[40] = {sqrt(m)};
    std::size_t n = 0;
    while (ks[n] != 0.0 && n + 1 < 40) {
        const double kp = sqrt((1.0 - ks[n]) * (1.0 + ks[n]));
        ks[n + 1] = (1.0 - kp) / (1.0 + kp);
        ++n;
    }
    double K = 0.5 * pi, y = w;
    for (std::size_t i = 1; i <= n; ++i) K *= 1.0 + ks[i];
    for (std::size_t i = 0; i < n; ++i) {
        const double a = ks[i] * y;
        y = 2.0 * y / ((1.0 + ks[i + 1]) * (1.0 + sqrt(1.0 + a * a)));
    }
    return K * (2.0 / pi) * asinh(y);
}

/// scipy.signal.ellipap(N, rp, rs).
template <std::size_t N, std::size_t Cap>
constexpr zpk<Cap> ellip_prototype(double rp, double rs) noexcept {
    zpk<Cap> r;
    // 10^(rp / 10) - 1 and its stop-band twin through expm1, as scipy's _pow10m1: for a
    // 0.1 dB ripple pow10 - 1 would lose two digits.
    const double eps_sq = expm1(0.1 * rp * ln10);
    if constexpr (N == 1) {
        const double p = -sqrt(1.0 / eps_sq);
        r.add_pole({p, 0.0});
        r.k = -p;
        return r;
    } else {
        constexpr double tiny = 2.220446049250313e-16;  // numpy's EPSILON in ellipap
        const double eps = sqrt(eps_sq);
        const double ck1_sq = eps_sq / expm1(0.1 * rs * ln10);
        const double k1 = ellipk(ck1_sq);
        const double m = ellip_degree(N, ck1_sq);
        const double capk = ellipk(m);
        const double v0 = capk * arc_jac_sc1(1.0 / eps, ck1_sq) / (static_cast<double>(N) * k1);
        const auto v = ellipj(v0, 1.0 - m);
        // j = 1 - N % 2, 3 - N % 2, ... < N: zeros j/(sqrt(m) sn) (none where sn = 0) and poles.
        std::array<cplx, N> ps{};
        std::size_t np = 0;
        for (std::size_t j = 1 - N % 2; j < N; j += 2) {
            const auto e = ellipj(static_cast<double>(j) * capk / static_cast<double>(N), m);
            if (abs(e.sn) > tiny) r.add_zero({0.0, 1.0 / (sqrt(m) * e.sn)});
            const double den = 1.0 - (e.dn * v.sn) * (e.dn * v.sn);
            ps[np++] = cplx{-(e.cn * e.dn * v.sn * v.cn) / den, -(e.sn * v.dn) / den};
        }
        const std::size_t half_zeros = r.nz;
        for (std::size_t i = 0; i < half_zeros; ++i) r.add_zero(r.z[i].conj());
        for (std::size_t i = 0; i < np; ++i) r.add_pole(ps[i]);
        for (std::size_t i = 0; i < np; ++i)
            if (N % 2 == 0 || abs(ps[i].im) > tiny * ps[i].mag()) r.add_pole(ps[i].conj());
        r.k = (prod_neg(r.p, r.np) / prod_neg(r.z, r.nz)).re;
        if (N % 2 == 0) r.k = r.k / sqrt(1.0 + eps_sq);
        return r;
    }
}
}  // namespace iir_detail

/// Elliptic design with scipy's normalised frequencies (fractions of Nyquist): pass-band ripple
/// `ripple_db` and stop-band attenuation `stop_atten_db` (both > 0, attenuation > ripple).
template <std::size_t Order, band_type B>
constexpr std::array<sos_section<double>, sos_count(Order, B)> elliptic(double ripple_db, double stop_atten_db,
                                                                        double wn, double wn2 = 0.0) noexcept {
    static_assert(Order >= 1, "elliptic order must be at least 1");
    NERVE_ASSERT(ripple_db > 0.0 && stop_atten_db > ripple_db);
    NERVE_ASSERT(wn > 0.0 && wn < 1.0);
    NERVE_ASSERT((B == band_type::lowpass || B == band_type::highpass) || (wn2 > wn && wn2 < 1.0));
    constexpr std::size_t cap = 2 * Order + 2;
    return iir_detail::design_digital<Order, B>(iir_detail::ellip_prototype<Order, cap>(ripple_db, stop_atten_db),
                                                wn, wn2);
}

template <std::size_t Order>
constexpr auto elliptic_lowpass(double ripple_db, double stop_atten_db, hertz fc, sample_rate fs) noexcept {
    return elliptic<Order, band_type::lowpass>(ripple_db, stop_atten_db, 2 * fc.value / fs.value);
}
template <std::size_t Order>
constexpr auto elliptic_highpass(double ripple_db, double stop_atten_db, hertz fc, sample_rate fs) noexcept {
    return elliptic<Order, band_type::highpass>(ripple_db, stop_atten_db, 2 * fc.value / fs.value);
}
template <std::size_t Order>
constexpr auto elliptic_bandpass(double ripple_db, double stop_atten_db, hertz lo, hertz hi, sample_rate fs) noexcept {
    return elliptic<Order, band_type::bandpass>(ripple_db, stop_atten_db, 2 * lo.value / fs.value,
                                                2 * hi.value / fs.value);
}
template <std::size_t Order>
constexpr auto elliptic_bandstop(double ripple_db, double stop_atten_db, hertz lo, hertz hi, sample_rate fs) noexcept {
    return elliptic<Order, band_type::bandstop>(ripple_db, stop_atten_db, 2 * lo.value / fs.value,
                                                2 * hi.value / fs.value);
}

}  // namespace nerve::filter
