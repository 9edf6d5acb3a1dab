// nerve/spectral/window.hpp — analysis windows with their calibration constants.
//
//   constexpr nerve::window::table<float, 1024> w{nerve::window::hann};
//   w[n], w.coherent_gain(), w.enbw()
//
// Definitions follow scipy.signal.get_window exactly:
//  - cosine-sum windows  w[n] = sum_k (-1)^k a_k cos(2 pi k n / D)
//      rectangular a = {1}
//      hann            {0.5, 0.5}
//      hamming         {0.54, 0.46}
//      blackman        {0.42, 0.50, 0.08}
//      blackman_harris {0.35875, 0.48829, 0.14128, 0.01168}
//      flat_top        {0.21557895, 0.41663158, 0.277263158, 0.083578947, 0.006947368}
//  - kaiser(beta)    w[n] = I0(beta sqrt(1 - (2n/D - 1)^2)) / I0(beta)
// with D = N for the default *periodic* ("DFT-even", scipy fftbins=True) form, which is the
// right one for spectral analysis, and D = N - 1 for the *symmetric* form (filter design).
//
// Calibration (computed from the stored values, so it describes exactly what is applied):
//  - coherent gain  CG   = sum(w) / N          — a sine of amplitude A on a bin gives |X| = A N CG / 2
//  - ENBW (in bins)      = N sum(w^2) / sum(w)^2 — multiply by fs/N for hertz; Hann: 1.5
// Everything is constexpr (core/constexpr_math.hpp: exactly reduced trig, Bessel I0), so a
// table can live in flash.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "../core/constexpr_math.hpp"
#include "../core/fixed_point.hpp"

namespace nerve::window {

enum class family : std::uint8_t { rectangular, hann, hamming, blackman, blackman_harris, flat_top, kaiser };
enum class symmetry : std::uint8_t { periodic, symmetric };

/// A window description: family, Kaiser beta, symmetry. Cheap to copy; turned into values
/// by `table` (or `value`).
struct spec {
    family kind = family::rectangular;
    double beta = 0.0;  // Kaiser only
    symmetry sym = symmetry::periodic;

    /// The same window in its symmetric form (scipy sym=True).
    constexpr spec symmetric() const noexcept { return spec{kind, beta, symmetry::symmetric}; }
    /// The same window in its periodic form (scipy fftbins=True, the default).
    constexpr spec periodic() const noexcept { return spec{kind, beta, symmetry::periodic}; }
    friend constexpr bool operator==(const spec&, const spec&) = default;
};

inline constexpr spec rectangular{family::rectangular};
inline constexpr spec hann{family::hann};
inline constexpr spec hamming{family::hamming};
inline constexpr spec blackman{family::blackman};
inline constexpr spec blackman_harris{family::blackman_harris};
inline constexpr spec flat_top{family::flat_top};
/// Kaiser window with shape parameter beta (scipy: get_window(('kaiser', beta), N)).
constexpr spec kaiser(double beta) noexcept { return spec{family::kaiser, beta, symmetry::periodic}; }

namespace detail {

/// cos(2 pi m / d), reduced exactly in integers first so large arguments lose nothing.
constexpr double cos_2pi_frac(std::uint64_t m, std::uint64_t d) noexcept {
    return cmath::cos_sin_2pi(static_cast<std::int64_t>(m % d), static_cast<std::int64_t>(d)).c;
}

struct cosine_coefficients {
    std::array<double, 5> a{};
    int count = 0;
};

constexpr cosine_coefficients coefficients(family f) noexcept {
    switch (f) {
        case family::hann: return {{0.5, 0.5}, 2};
        case family::hamming: return {{0.54, 0.46}, 2};
        case family::blackman: return {{0.42, 0.50, 0.08}, 3};
        case family::blackman_harris: return {{0.35875, 0.48829, 0.14128, 0.01168}, 4};
        case family::flat_top: return {{0.21557895, 0.41663158, 0.277263158, 0.083578947, 0.006947368}, 5};
        default: return {{1.0}, 1};
    }
}

}  // namespace detail

/// The n-th of `size` window values, in double precision.
constexpr double value(const spec& s, std::size_t n, std::size_t size) noexcept {
    if (size <= 1) return 1.0;
    const std::uint64_t d = s.sym == symmetry::periodic ? size : size - 1;
    if (s.kind == family::kaiser) {
        const double r = 2.0 * static_cast<double>(n) / static_cast<double>(d) - 1.0;
        return cmath::bessel_i0(s.beta * cmath::sqrt(1.0 - r * r)) / cmath::bessel_i0(s.beta);
    }
    const auto c = detail::coefficients(s.kind);
    double w = 0.0;
    for (int k = 0; k < c.count; ++k) {
        const double term = c.a[static_cast<std::size_t>(k)] * detail::cos_2pi_frac(static_cast<std::uint64_t>(k) * n, d);
        w += (k % 2 == 0) ? term : -term;
    }
    return w;
}

/// N window values of sample type T, computed once at construction (constexpr-capable),
/// with their calibration constants.
template <class T, std::size_t N>
class table {
    static_assert(N > 0, "nerve::window::table needs N > 0");

public:
    using value_type = T;
    static constexpr std::size_t size() noexcept { return N; }

    constexpr table() noexcept : table(rectangular) {}
    constexpr explicit table(const spec& s) noexcept : spec_(s) {
        double sum = 0.0, sum_sq = 0.0;
        for (std::size_t n = 0; n < N; ++n) {
            values_[n] = nerve::from_double<T>(value(s, n, N));
            const double v = nerve::to_double(values_[n]);
            sum += v;
            sum_sq += v * v;
        }
        sum_ = sum;
        sum_sq_ = sum_sq;
    }

    constexpr const T& operator[](std::size_t n) const noexcept { return values_[n]; }
    constexpr const T* data() const noexcept { return values_.data(); }
    constexpr std::span<const T, N> values() const noexcept { return std::span<const T, N>{values_}; }
    constexpr const spec& description() const noexcept { return spec_; }

    /// sum of w[n].
    constexpr double sum() const noexcept { return sum_; }
    /// sum of w[n]^2.
    constexpr double sum_squares() const noexcept { return sum_sq_; }
    /// sum(w) / N: the amplitude gain for a coherent (on-bin) sinusoid.
    constexpr double coherent_gain() const noexcept { return sum_ / static_cast<double>(N); }
    /// sum(w^2) / N: the power gain for white noise.
    constexpr double noise_power_gain() const noexcept { return sum_sq_ / static_cast<double>(N); }
    /// Equivalent noise bandwidth in bins: N sum(w^2) / sum(w)^2 (1 for rectangular, 1.5 for Hann).
    constexpr double enbw() const noexcept { return static_cast<double>(N) * sum_sq_ / (sum_ * sum_); }

private:
    std::array<T, N> values_{};
    double sum_ = 0.0;
    double sum_sq_ = 0.0;
    spec spec_{};
};

}  // namespace nerve::window
