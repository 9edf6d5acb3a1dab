// nerve/filter/bessel.hpp — Bessel (Bessel-Thomson) low/high/band-pass/band-stop design, as
// second-order sections matching scipy.signal.bessel(N, Wn, btype, norm, output='sos', fs=fs).
//
// Why a user picks it: the analog prototype has the flattest group delay of any all-pole
// filter, so pulse shapes (QRS complexes, bearing impacts, steps) pass with little overshoot or
// ringing, where a Butterworth or Chebyshev filter of the same order rings. The price is a
// slow roll-off. (The bilinear transform bends the delay near Nyquist; keep the edge well below
// fs / 4 for a delay that stays flat.)
//
// norm, as scipy's:
//   phase (default)  the poles' product is 1, so the high-frequency asymptotes are Butterworth's
//                    of the same order and edge ("phase-matched": the phase at wn comes near,
//                    not exactly to, the midpoint -N pi / 4; -0.746 pi for N = 3);
//   delay            the analog prototype's group delay at DC is 1 / wn (wn as the prewarped
//                    angular frequency, scipy's convention);
//   mag              the response is -3 dB at wn.
//
// The poles are the roots of the reverse Bessel polynomial theta_N (coefficients
// (2N - k)! / (2^(N - k) k! (N - k)!)), found by a Weierstrass (Durand-Kerner) iteration and
// polished by Newton steps; conjugate pairs are made exact. Order is limited to 12: the roots are
// as well conditioned as the coefficients allow in double (|a_k s^k| cancel near them), which
// against scipy (which evaluates them through modified Bessel functions) is 1e-11 relative in the
// sections at order 12 but 8e-4 at order 20. Everything is constexpr.
#pragma once

#include <array>
#include <cstddef>

#include "../config.hpp"
#include "../core/units.hpp"
#include "detail/zpk.hpp"
#include "sos.hpp"

namespace nerve::filter {

/// The normalisation of a Bessel design (scipy.signal.bessel's `norm`).
enum class bessel_norm { phase, delay, mag };

namespace iir_detail {

/// Coefficients a_0..a_N of the reverse Bessel polynomial theta_N(s) = sum a_k s^k (a_N = 1).
template <std::size_t N>
constexpr std::array<double, N + 1> reverse_bessel_coefficients() noexcept {
    // a_N = 1; a_(k-1) = a_k * k (2N - k + 1) / (2 (N - k + 1)), from the factorial formula.
    std::array<double, N + 1> a{};
    a[N] = 1.0;
    for (std::size_t k = N; k >= 1; --k)
        a[k - 1] = a[k] * static_cast<double>(k) * static_cast<double>(2 * N - k + 1) /
                   (2.0 * static_cast<double>(N - k + 1));
    return a;
}

/// theta_N(s) and its derivative by Horner's rule. (The three-term recurrence theta_n =
/// (2n - 1) theta_(n-1) + s^2 theta_(n-2) was tried and moved the roots more.)
template <std::size_t N>
constexpr void reverse_bessel_eval(const std::array<double, N + 1>& a, cplx s, cplx& value,
                                   cplx& derivative) noexcept {
    cplx v{a[N], 0.0}, d{0.0, 0.0};
    for (std::size_t k = N; k-- > 0;) {
        d = d * s + v;
        v = v * s + cplx{a[k], 0.0};
    }
    value = v;
    derivative = d;
}

/// The N roots of theta_N: conjugate pairs (positive imaginary part first) and, for odd N, one
/// real root last.
template <std::size_t N>
constexpr std::array<cplx, N> reverse_bessel_roots() noexcept {
    const auto a = reverse_bessel_coefficients<N>();
    // Start on a circle of the roots' mean modulus (|prod| = a_0), off the real axis and off any
    // symmetry line, as Durand-Kerner needs distinct, non-conjugate starting points.
    const double radius = exp(log(a[0]) / static_cast<double>(N));
    std::array<cplx, N> z{};
    for (std::size_t i = 0; i < N; ++i) z[i] = cexpi(0.4 + 2.0 * pi * static_cast<double>(i) / static_cast<double>(N)) * radius;
    for (int iter = 0; iter < 200; ++iter) {
        double worst = 0.0;
        for (std::size_t i = 0; i < N; ++i) {
            cplx den{1.0, 0.0};
            for (std::size_t j = 0; j < N; ++j)
                if (j != i) den = den * (z[i] - z[j]);
            cplx v{}, dv{};
            reverse_bessel_eval<N>(a, z[i], v, dv);
            const cplx step = v / den;
            z[i] = z[i] - step;
            const double rel = step.mag() / z[i].mag();
            worst = rel > worst ? rel : worst;
        }
        // Converging quadratically, it reaches rounding noise (2e-11 relative at N = 12) a step
        // or two after 1e-10: stop there (a tighter bound only spins in the noise, and clang's
        // constexpr step limit ends that) and let Newton finish.
        if (worst < 1e-10) break;
    }
    // Newton polish on each root alone.
    for (auto& r : z)
        for (int k = 0; k < 3; ++k) {
            cplx v{}, d{};
            reverse_bessel_eval<N>(a, r, v, d);
            if (d.re == 0.0 && d.im == 0.0) break;
            r = r - v / d;
        }
    // The real root (odd N) is left with a rounding-sized imaginary part (the complex ones have
    // imaginary parts of order one): it is made real, so it cannot take a complex root's partner.
    std::array<bool, N> real{};
    for (std::size_t i = 0; i < N; ++i) real[i] = abs(z[i].im) < 1e-9 * z[i].mag();
    std::array<bool, N> used = real;
    // Exact conjugate pairs: pair each root above the axis with the nearest one below, average.
    std::array<cplx, N> out{};
    std::size_t n = 0;
    for (std::size_t i = 0; i < N; ++i) {
        if (used[i] || z[i].im <= 0.0) continue;
        std::size_t best = N;
        double best_d = 0.0;
        for (std::size_t j = 0; j < N; ++j) {
            if (j == i || used[j] || z[j].im > 0.0) continue;
            const double d = (z[j].conj() - z[i]).mag();
            if (best == N || d < best_d) { best = j; best_d = d; }
        }
        if (best == N) continue;
        used[i] = used[best] = true;
        const cplx m{0.5 * (z[i].re + z[best].re), 0.5 * (z[i].im - z[best].im)};
        out[n++] = m;
        out[n++] = m.conj();
    }
    for (std::size_t i = 0; i < N; ++i)
        if (real[i]) out[n++] = cplx{z[i].re, 0.0};
    return out;
}

/// |k / prod(j w - p)|, the prototype's magnitude at w rad/s.
template <std::size_t Cap>
constexpr double prototype_gain(const zpk<Cap>& f, double w) noexcept {
    cplx den{1.0, 0.0};
    for (std::size_t i = 0; i < f.np; ++i) den = den * (cplx{0.0, w} - f.p[i]);
    return f.k / den.mag();
}

/// scipy.signal.besselap(N, norm).
template <std::size_t N, std::size_t Cap>
constexpr zpk<Cap> bessel_prototype(bessel_norm norm) noexcept {
    zpk<Cap> r;
    const auto roots = reverse_bessel_roots<N>();
    const double a_last = reverse_bessel_coefficients<N>()[0];  // theta_N(0) = (2N)! / (2^N N!)
    for (const cplx& p : roots) r.add_pole(p);
    if (norm == bessel_norm::phase) {
        // Scaled so that prod(-p) = 1: the Butterworth asymptote, phase -N pi / 4 at 1 rad/s.
        const double scale = pow10(-log(a_last) / ln10 / static_cast<double>(N));
        for (std::size_t i = 0; i < r.np; ++i) r.p[i] = r.p[i] * scale;
        r.k = 1.0;
        return r;
    }
    r.k = a_last;  // unit gain at DC, group delay 1 s
    if (norm == bessel_norm::mag) {
        // The -3 dB frequency w3 (the gain falls monotonically: bisection, then w3 -> 1).
        const double target = 1.0 / sqrt(2.0);
        double lo = 0.0, hi = 1.0;
        while (prototype_gain(r, hi) > target) hi *= 2.0;
        for (int i = 0; i < 200 && hi - lo > 1e-16 * hi; ++i) {
            const double mid = 0.5 * (lo + hi);
            (prototype_gain(r, mid) > target ? lo : hi) = mid;
        }
        const double w3 = 0.5 * (lo + hi);
        for (std::size_t i = 0; i < r.np; ++i) r.p[i] = r.p[i] * (1.0 / w3);
        r.k = a_last / pow_int(w3, static_cast<int>(N));
    }
    return r;
}
}  // namespace iir_detail

/// Bessel design with scipy's normalised frequencies (fractions of Nyquist).
template <std::size_t Order, band_type B>
constexpr std::array<sos_section<double>, sos_count(Order, B)> bessel(double wn, double wn2 = 0.0,
                                                                      bessel_norm norm = bessel_norm::phase) noexcept {
    static_assert(Order >= 1 && Order <= 12, "Bessel order must be 1..12 (see the header comment)");
    NERVE_ASSERT(wn > 0.0 && wn < 1.0);
    NERVE_ASSERT((B == band_type::lowpass || B == band_type::highpass) || (wn2 > wn && wn2 < 1.0));
    constexpr std::size_t cap = 2 * Order + 2;
    return iir_detail::design_digital<Order, B>(iir_detail::bessel_prototype<Order, cap>(norm), wn, wn2);
}

template <std::size_t Order>
constexpr auto bessel_lowpass(hertz fc, sample_rate fs, bessel_norm norm = bessel_norm::phase) noexcept {
    return bessel<Order, band_type::lowpass>(2 * fc.value / fs.value, 0.0, norm);
}
template <std::size_t Order>
constexpr auto bessel_highpass(hertz fc, sample_rate fs, bessel_norm norm = bessel_norm::phase) noexcept {
    return bessel<Order, band_type::highpass>(2 * fc.value / fs.value, 0.0, norm);
}
template <std::size_t Order>
constexpr auto bessel_bandpass(hertz lo, hertz hi, sample_rate fs, bessel_norm norm = bessel_norm::phase) noexcept {
    return bessel<Order, band_type::bandpass>(2 * lo.value / fs.value, 2 * hi.value / fs.value, norm);
}
template <std::size_t Order>
constexpr auto bessel_bandstop(hertz lo, hertz hi, sample_rate fs, bessel_norm norm = bessel_norm::phase) noexcept {
    return bessel<Order, band_type::bandstop>(2 * lo.value / fs.value, 2 * hi.value / fs.value, norm);
}

}  // namespace nerve::filter
