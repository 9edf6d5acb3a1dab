// nerve/filter/savgol.hpp — Savitzky-Golay FIR design: smoothing and derivatives by a sliding
// least-squares polynomial fit, as scipy.signal.savgol_coeffs(W, polyorder, deriv, delta, pos,
// use='conv').
//
// `savgol_coeffs<W>(polyorder, deriv, delta, pos)` returns the W taps h that, used as a FIR
// (`fir<T, W>{h}`: y[n] = sum_j h[j] x[n - j]), give at every sample the value (deriv = 0) or
// the deriv-th derivative (per unit of `delta`, the sample spacing) at window position `pos` of
// the degree-`polyorder` polynomial fitted by least squares to the last W inputs. Why a user
// picks it over a low-pass of the same length: polynomial trends up to that degree, peaks and
// slopes included, come through unchanged (a moving average flattens a peak); and the
// derivative taps give a smoothed slope (rate of change of a meter reading, the ECG's slope)
// in one pass.
//
// pos: where in the window the fit is read, 0 = the oldest input, W - 1 = the newest. The
// default, the centre (W - 1) / 2, is scipy's and gives symmetric taps (exactly symmetric
// here, so fir folds them) but a delay of (W - 1) / 2 samples in a stream; pos = W - 1 reads
// the fit at the newest sample, with no delay and more noise.
//
// Arithmetic: the min-norm least-squares solution scipy takes from lstsq, computed in double
// with the abscissae scaled to [-1, 1] and a twice-orthogonalised Gram-Schmidt QR, constexpr.
// Against the exact (rational) least-squares taps (tools/gen_golden_savgol.py) within 1e-15 of
// the largest tap for W <= 51, polyorder <= 6; scipy 1.10, which solves the unscaled system, is
// off by 1.3e-9 at W = 51, polyorder 6.
// At run time the design needs (savgol_max_order + 1) x W doubles of stack (5.3 kB at W = 51:
// on a microcontroller make the taps constexpr, and they cost flash only).
// Contract (NERVE_ASSERT): polyorder < W and polyorder <= savgol_max_order, delta > 0,
// 0 <= pos <= W - 1. deriv > polyorder gives all-zero taps, as scipy.
#pragma once

#include <array>
#include <cstddef>

#include "../config.hpp"
#include "../core/constexpr_math.hpp"

namespace nerve::filter {

/// The highest polynomial degree savgol_coeffs fits (its working matrices are this size + 1).
inline constexpr std::size_t savgol_max_order = 12;

/// Savitzky-Golay taps for convolution (scipy.signal.savgol_coeffs(W, polyorder, deriv, delta,
/// pos, use='conv')); pos < 0 means the centre (W - 1) / 2.
template <std::size_t W>
constexpr std::array<double, W> savgol_coeffs(std::size_t polyorder, std::size_t deriv = 0, double delta = 1.0,
                                              double pos = -1.0) noexcept {
    static_assert(W >= 1, "a Savitzky-Golay filter needs at least one tap");
    constexpr std::size_t P = savgol_max_order + 1;
    NERVE_ASSERT(polyorder < W && polyorder <= savgol_max_order);
    NERVE_ASSERT(delta > 0.0);
    std::array<double, W> h{};
    if (deriv > polyorder) return h;
    const double centre = 0.5 * static_cast<double>(W - 1);
    if (pos < 0.0) pos = centre;
    NERVE_ASSERT(pos <= static_cast<double>(W - 1));
    const std::size_t n = polyorder + 1;

    // Abscissae in convolution order (tap j multiplies x[n - j], the input W - 1 - j places
    // after the window's start), scaled by s so the powers stay within [-1, 1].
    std::array<double, W> t{};
    double s = 1.0;
    for (std::size_t j = 0; j < W; ++j) {
        t[j] = static_cast<double>(W - 1 - j) - pos;
        s = cmath::abs(t[j]) > s ? cmath::abs(t[j]) : s;
    }
    for (auto& v : t) v /= s;

    // T[r][j] = t_j^r, r < n, and T^T = Q R with Q's orthonormal columns kept as q[r]:
    // Gram-Schmidt, each column orthogonalised twice ("twice is enough" for orthogonality to
    // rounding even when T is ill-conditioned).
    std::array<std::array<double, W>, P> q{};
    std::array<std::array<double, P>, P> R{};
    std::array<double, W> power{};
    for (auto& v : power) v = 1.0;
    for (std::size_t r = 0; r < n; ++r) {
        std::array<double, W> v = power;
        for (int pass = 0; pass < 2; ++pass)
            for (std::size_t k = 0; k < r; ++k) {
                double c = 0.0;
                for (std::size_t j = 0; j < W; ++j) c += q[k][j] * v[j];
                for (std::size_t j = 0; j < W; ++j) v[j] -= c * q[k][j];
                R[k][r] += c;
            }
        double norm2 = 0.0;
        for (const double x : v) norm2 += x * x;
        R[r][r] = cmath::sqrt(norm2);
        for (std::size_t j = 0; j < W; ++j) q[r][j] = v[j] / R[r][r];
        for (std::size_t j = 0; j < W; ++j) power[j] *= t[j];
    }

    // T h = e: the fit's deriv-th derivative at pos in t units, deriv! / (delta s)^deriv.
    // T = R^T Q^T, so with u = Q^T h: R^T u = e (forward substitution), and the min-norm h is Q u.
    std::array<double, P> u{};
    double e = 1.0;
    for (std::size_t k = 2; k <= deriv; ++k) e *= static_cast<double>(k);
    for (std::size_t k = 0; k < deriv; ++k) e /= delta * s;
    for (std::size_t r = 0; r < n; ++r) {
        double acc = r == deriv ? e : 0.0;
        for (std::size_t k = 0; k < r; ++k) acc -= R[k][r] * u[k];
        u[r] = acc / R[r][r];
    }
    for (std::size_t j = 0; j < W; ++j) {
        double acc = 0.0;
        for (std::size_t r = 0; r < n; ++r) acc += q[r][j] * u[r];
        h[j] = acc;
    }
    // At the centre the taps are symmetric (even deriv) or antisymmetric (odd): made exact, so
    // that fir folds them and odd derivatives have an exact zero in the middle.
    if (pos == centre) {
        const double sign = deriv % 2 == 0 ? 1.0 : -1.0;
        for (std::size_t j = 0; j < W / 2; ++j) {
            const double m = 0.5 * (h[j] + sign * h[W - 1 - j]);
            h[j] = m;
            h[W - 1 - j] = sign * m;
        }
        if (W % 2 == 1 && sign < 0.0) h[W / 2] = 0.0;
    }
    return h;
}

}  // namespace nerve::filter
