// nerve/anomaly/robust_zscore.hpp — robust z-score: distance from the median of the last N
// samples in units of their MAD (median absolute deviation).
//
//   z = (x - median) / (1.4826 MAD),   score = z_to_score(z)
// (erf(|z| / sqrt 2) up to 3.29, then the compressed Gaussian tail of verdict.hpp: strictly
// increasing in |z| and below 1 for every finite z; the default gate alarms at 0.999 = 3.29).
// 1.4826 MAD estimates a Gaussian sigma, but unlike the standard deviation a few outliers
// in the window hardly move median or MAD (breakdown point 50 %), so spikes do not mask each
// other and a level shift is flagged until half the window has moved. x is scored against
// the window *before* it, then enters it. Scoring starts after `warmup` good samples have
// been learned (default N / 2; a warm-up longer than the window just learns longer: before, a
// warm-up above N meant the window count never reached it and nothing was ever scored).
//
// Cost: the window is kept sorted (nerve::filter's sorted_window, O(N) insertion per sample);
// the MAD is read from the sorted window by bisection over the deviations on the two sides of
// the median (O(log N); a merge, O(N / 2), until stop 55), no sort.
//
// Bad input: NaN/Inf are not learned, counted in rejected(), score 0. A window of identical
// values (stuck sensor, quantised quiet signal) has MAD 0: the scale falls back to min_scale
// plus 1e-6 |median|, so any deviation from a flat window scores high and the same value
// scores 0; a flat window's deviations rank by their size over the floor. Huge steps score
// close to 1; after N/2 samples at the new level it is the new median.
#pragma once

#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>

#include "../config.hpp"
#include "../core/numeric.hpp"
#include "../filter/moving_median.hpp"
#include "alarm_gate.hpp"
#include "verdict.hpp"

namespace nerve::anomaly {

template <std::floating_point T, std::size_t N>
class robust_zscore {
    static_assert(N >= 3, "window of at least 3 samples");

public:
    using input_type = T;
    using output_type = verdict;
    static constexpr std::size_t window = N;

    struct config {
        std::uint32_t warmup = N / 2;  ///< good samples learned before scoring starts
        T min_scale = T(1e-6);          ///< floor of 1.4826 MAD (absolute)
        alarm_gate::config gate{0.999f, 0.99f, 0};
    };

    robust_zscore() noexcept : robust_zscore(config{}) {}
    explicit robust_zscore(const config& c) noexcept : cfg_(c), gate_(c.gate) {}

    verdict operator()(T x) noexcept {
        if (NERVE_UNLIKELY(!is_finite(x))) {
            ++rejected_;
            return gate_(0.0f);
        }
        float s = 0.0f;
        if (seen_ >= cfg_.warmup && w_.count > 0) s = z_to_score(static_cast<float>(z(x)));
        w_.push(x);
        if (seen_ < UINT32_MAX) ++seen_;
        return gate_(s);
    }

    T median() const noexcept { return w_.median(); }
    /// Median absolute deviation of the window from its median.
    T mad() const noexcept {
        const std::uint32_t n = w_.count;
        if (n == 0) return T(0);
        const T med = w_.median();
        const std::uint32_t k_lo = (n - 1) / 2, k_hi = n / 2;
        const T hi = w_.kth_deviation(med, k_hi);  // by bisection (sorted_window)
        const T lo = k_lo == k_hi ? hi : w_.kth_deviation(med, k_lo);
        return (lo + hi) / T(2);
    }
    /// The robust standard score of x (no learning).
    T z(T x) const noexcept {
        const T med = w_.median();
        const T sc = T(1.4826) * mad();
        const T fl = cfg_.min_scale + T(1e-6) * std::fabs(med);
        return (x - med) / (sc > fl ? sc : fl);
    }

    void reset() noexcept {
        w_.reset();
        gate_.reset();
        rejected_ = seen_ = 0;
    }
    std::uint32_t rejected() const noexcept { return rejected_; }

    template <class V>
    void visit_state(V& v) { v(w_); v(gate_); v(rejected_); v(seen_); }
    bool state_is_valid() const noexcept { return w_.valid() && gate_.state_is_valid(); }

private:
    config cfg_;
    filter::detail::sorted_window<T, N> w_{};
    alarm_gate gate_;
    std::uint32_t rejected_ = 0;
    std::uint32_t seen_ = 0;  // good samples learned (saturates)
};

}  // namespace nerve::anomaly
