// nerve/stats/p2_quantile.hpp — one streaming quantile in five markers (the P² algorithm).
//
// Jain and Chlamtac, "The P² algorithm for dynamic calculation of quantiles and histograms
// without storing observations", CACM 28(10), 1985. Five markers hold the minimum, the
// p/2, p and (1+p)/2 quantiles and the maximum; each sample moves the marker positions by
// one and adjusts the three middle heights with a piecewise-parabolic (P²) step, or a
// linear one when the parabola would leave the bracket. O(1) time and 5 heights of state.
// The estimate converges to the true quantile for stationary streams; it is not a windowed
// quantile (it never forgets), so wrap it (reset, or two staggered instances) for drift.
//
// Up to and including the fifth sample the value is the exact quantile of the samples seen,
// with numpy.quantile's default linear interpolation.
//
// Positions are 32-bit counts: after 2^32 - 1 samples the estimate stops moving (it keeps
// the last value); call reset() to start over.
//
// Bad input: a NaN or Inf sample is rejected and counted (rejected()); the state is kept.
#pragma once

#include <array>
#include <concepts>
#include <cstdint>

#include "../config.hpp"
#include "../core/numeric.hpp"

namespace nerve::stats {
namespace detail {

/// Returns x rounded to T as written: the value passes through memory, so a compiler cannot
/// fuse the multiplication that produced it into a following addition (GCC contracts a * b + c
/// into an FMA by default on aarch64 and Cortex-M4F, not on baseline x86-64). P² compares
/// positions against integers and picks branches on them, so one rounding of difference
/// changes the marker path; this keeps it identical on every target.
template <class T>
NERVE_ALWAYS_INLINE T rounded(T x) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    __asm__("" : "+m"(x));
#endif
    return x;
}

}  // namespace detail

template <std::floating_point T = float>
class p2_quantile {
public:
    using input_type = T;
    using output_type = T;

    constexpr p2_quantile() noexcept : p2_quantile(0.5) {}
    /// p in (0, 1): the quantile to track (0.5 = median, 0.99 = 99th percentile).
    constexpr explicit p2_quantile(double p) noexcept : p_(static_cast<T>(p)) {
        NERVE_ASSERT(p > 0.0 && p < 1.0);
        df_ = {T(0), p_ / T(2), p_, (T(1) + p_) / T(2), T(1)};
    }

    output_type operator()(T x) noexcept {
        update(x);
        return value();
    }

    void update(T x) noexcept {
        if (NERVE_UNLIKELY(!is_finite(x))) {
            ++rejected_;
            return;
        }
        if (count_ < 5) {
            // Insertion into the sorted start-up buffer.
            std::uint32_t i = count_++;
            while (i > 0 && q_[i - 1] > x) {
                q_[i] = q_[i - 1];
                --i;
            }
            q_[i] = x;
            if (count_ == 5)
                for (std::uint32_t k = 0; k < 5; ++k) n_[k] = k;
            return;
        }
        if (count_ == UINT32_MAX) return;
        ++count_;
        // Cell k with q[k] <= x < q[k+1]; the extremes move to take x.
        std::uint32_t k;
        if (x < q_[0]) {
            q_[0] = x;
            k = 0;
        } else if (x >= q_[4]) {
            q_[4] = x;
            k = 3;
        } else {
            k = 0;
            while (k < 3 && x >= q_[k + 1]) ++k;
        }
        for (std::uint32_t i = k + 1; i < 5; ++i) ++n_[i];
        // Desired positions from the count (not accumulated: no float drift on long runs).
        const T last = static_cast<T>(count_ - 1);
        for (int i = 1; i <= 3; ++i) {
            const T desired = detail::rounded(last * df_[i]);
            const T d = desired - static_cast<T>(n_[i]);
            const std::int64_t right = static_cast<std::int64_t>(n_[i + 1]) - n_[i];
            const std::int64_t left = static_cast<std::int64_t>(n_[i - 1]) - n_[i];
            if ((d >= T(1) && right > 1) || (d <= T(-1) && left < -1)) {
                const int s = d > T(0) ? 1 : -1;
                const T qp = parabolic(i, s);
                if (q_[i - 1] < qp && qp < q_[i + 1]) {
                    q_[i] = qp;
                } else {
                    const T num = q_[i + s] - q_[i];
                    const T den = static_cast<T>(static_cast<std::int64_t>(n_[i + s]) - n_[i]);
                    q_[i] += static_cast<T>(s) * num / den;
                }
                n_[i] = static_cast<std::uint32_t>(static_cast<std::int64_t>(n_[i]) + s);
            }
        }
    }

    /// The current estimate (0 before any sample).
    constexpr T value() const noexcept {
        if (count_ > 5) return q_[2];
        if (count_ == 0) return T(0);
        // Exact, numpy's linear interpolation: position p (n - 1).
        const T pos = p_ * static_cast<T>(count_ - 1);
        std::uint32_t lo = static_cast<std::uint32_t>(pos);
        if (lo >= count_ - 1) return q_[count_ - 1];
        const T frac = pos - static_cast<T>(lo);
        return q_[lo] + frac * (q_[lo + 1] - q_[lo]);
    }

    constexpr T probability() const noexcept { return p_; }
    constexpr std::uint32_t count() const noexcept { return count_; }
    constexpr T min() const noexcept { return q_[0]; }
    constexpr T max() const noexcept { return count_ >= 5 ? q_[4] : (count_ ? q_[count_ - 1] : T(0)); }
    constexpr std::uint32_t rejected() const noexcept { return rejected_; }

    constexpr void reset() noexcept {
        q_ = {};
        n_ = {};
        count_ = 0;
        rejected_ = 0;
    }

    template <class V>
    constexpr void visit_state(V& v) { v(q_); v(n_); v(count_); v(rejected_); }
    constexpr bool state_is_valid() const noexcept {
        for (int i = 1; i < 5; ++i)
            if (count_ >= 5 && (q_[i] < q_[i - 1] || n_[i] <= n_[i - 1])) return false;
        return true;
    }

private:
    T parabolic(int i, int s) const noexcept {
        const T ni = static_cast<T>(n_[i]), nm = static_cast<T>(n_[i - 1]), np = static_cast<T>(n_[i + 1]);
        const T d = static_cast<T>(s);
        const T a = detail::rounded((ni - nm + d) * (q_[i + 1] - q_[i])) / (np - ni);
        const T b = detail::rounded((np - ni - d) * (q_[i] - q_[i - 1])) / (ni - nm);
        return q_[i] + detail::rounded(d / (np - nm) * (a + b));
    }

    T p_;
    std::array<T, 5> df_{};           // desired-position increments per sample
    std::array<T, 5> q_{};            // marker heights (the sorted samples while count < 5)
    std::array<std::uint32_t, 5> n_{};  // marker positions, 0-based
    std::uint32_t count_ = 0;
    std::uint32_t rejected_ = 0;
};

}  // namespace nerve::stats
