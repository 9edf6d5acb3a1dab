// nerve/stats/windowed_stats.hpp — mean, variance, min and max over the last N samples.
//
// Mean and variance: a sliding Welford update. Replacing the oldest sample o by x in a full
// window of N:   mean' = mean + (x - o) / N,   M2' = M2 + (x - o) (x - mean' + o - mean)
// (no sum of squares, so a large offset does not cancel the variance away). While the window
// fills, the ordinary Welford step is used. Rounding residue of the sliding step would grow
// over a long stream, so mean and M2 are recomputed exactly (two passes) from the window once
// every N samples: O(1) amortised, at most 2N operations in one call.
// Min and max: nerve::filter::moving_minmax (van Herk / Gil-Werman blocks), O(1) amortised;
// MinMax = false drops them (and their two values per window sample) when only mean/var are
// needed.
//
// variance is the population variance of the window (numpy.var, ddof = 0); until N samples
// have arrived everything covers the samples seen so far.
//
// Bad input: a NaN or Inf sample is rejected and counted (rejected()); it does not enter the
// window and the call returns the current statistics. A finite sample whose square overflows
// is rejected the same way.
#pragma once

#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "../config.hpp"
#include "../core/numeric.hpp"
#include "../core/ring_buffer.hpp"
#include "../filter/moving_minmax.hpp"

namespace nerve::stats {

template <class T>
struct window_summary {
    T mean{}, variance{}, min{}, max{};
    std::uint32_t count = 0;
};

template <std::floating_point T, std::size_t N, bool MinMax = true>
class windowed_stats {
    static_assert(N >= 1, "window must hold at least one sample");

public:
    using input_type = T;
    using output_type = window_summary<T>;
    static constexpr std::size_t window = N;

    output_type operator()(T x) noexcept {
        update(x);
        return summary();
    }

    void update(T x) noexcept {
        // |x| < ~1e19 (float) keeps every square finite; beyond that reject like NaN.
        if (NERVE_UNLIKELY(!is_finite(x) || !is_finite(x * x))) {
            ++rejected_;
            return;
        }
        if (ring_.full()) {
            const T o = ring_.oldest();
            const T m1 = mean_ + (x - o) / static_cast<T>(N);
            m2_ += (x - o) * (x - m1 + o - mean_);
            mean_ = m1;
        } else {
            const T n = static_cast<T>(ring_.size() + 1);
            const T d = x - mean_;
            mean_ += d / n;
            m2_ += d * (x - mean_);
        }
        ring_.push(x);
        if constexpr (MinMax) mm_last_ = mm_(x);
        if (++since_exact_ == N) {
            since_exact_ = 0;
            recompute();
        }
        if (m2_ < T(0)) m2_ = T(0);
    }

    T mean() const noexcept { return mean_; }
    T variance() const noexcept { return ring_.size() < 2 ? T(0) : m2_ / static_cast<T>(ring_.size()); }
    T stddev() const noexcept { return std::sqrt(variance()); }
    T min() const noexcept { return last_mm().min; }
    T max() const noexcept { return last_mm().max; }
    std::size_t count() const noexcept { return ring_.size(); }
    bool full() const noexcept { return ring_.full(); }
    output_type summary() const noexcept {
        const auto m = last_mm();
        return {mean(), variance(), m.min, m.max, static_cast<std::uint32_t>(ring_.size())};
    }
    std::uint32_t rejected() const noexcept { return rejected_; }
    /// The sample that the next update will push out of a full window (undefined when empty).
    T oldest() const noexcept { return ring_.oldest(); }

    void reset() noexcept {
        ring_.clear();
        if constexpr (MinMax) mm_.reset();
        mm_last_ = {};
        mean_ = m2_ = T(0);
        since_exact_ = 0;
        rejected_ = 0;
    }

    template <class V>
    void visit_state(V& v) {
        v(ring_);
        if constexpr (MinMax) {
            v(mm_);
            v(mm_last_.min);
            v(mm_last_.max);
        }
        v(mean_);
        v(m2_);
        v(since_exact_);
        v(rejected_);
    }
    bool state_is_valid() const noexcept { return since_exact_ < N && m2_ >= T(0); }

private:
    // moving_minmax reports the extremes only on push, so the last report is kept.
    filter::minmax<T> last_mm() const noexcept { return mm_last_; }

    void recompute() noexcept {
        const std::size_t n = ring_.size();
        T s{};
        for (std::size_t i = 0; i < n; ++i) s += ring_[i];
        const T m = s / static_cast<T>(n);
        T q{};
        for (std::size_t i = 0; i < n; ++i) {
            const T d = ring_[i] - m;
            q += d * d;
        }
        mean_ = m;
        m2_ = q;
    }

    ring_buffer<T, N> ring_{};
    struct no_minmax {};
    [[no_unique_address]] std::conditional_t<MinMax, filter::moving_minmax<T, N>, no_minmax> mm_{};
    filter::minmax<T> mm_last_{};
    T mean_{}, m2_{};
    std::uint32_t since_exact_ = 0;
    std::uint32_t rejected_ = 0;
};

}  // namespace nerve::stats
