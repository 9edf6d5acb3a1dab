// nerve/drift/cusum.hpp — tabular CUSUM control chart (Page 1954) against a frozen reference.
#pragma once

#include <cmath>
#include <cstdint>
#include <type_traits>

#include "detector.hpp"
#include "page_hinkley.hpp"  // ph_direction

namespace nerve::drift {

struct cusum_options {
    std::uint32_t min_instances = 30;  ///< warm-up samples that estimate the reference
    double slack = 0.5;                ///< k, in reference standard deviations
    double threshold = 5.0;            ///< h, in reference standard deviations
    ph_direction direction = ph_direction::both;
};

/// Tabular CUSUM with River's semantics (river.drift.CUSUM): the reference mean and standard
/// deviation (sample, ddof 1) are estimated over the first min_instances samples and then
/// frozen; from the min_instances-th sample on
///     S+ = max(0, S+ + (x - mu) - k sigma),   S- = max(0, S- - (x - mu) - k sigma)
/// and a drift fires when a watched sum exceeds h sigma. After a drift it starts afresh
/// (a new warm-up). A reference with sigma = 0 (a constant warm-up) fires on the first sample
/// that differs from it.
///
/// change_point(): the sample after the last time the firing sum was zero (CUSUM's classic
/// change-time estimate). estimate(): the reference mean (during warm-up, the running mean).
/// NaN/Inf rejected and counted; so is a warm-up sample whose squared deviation overflows T.
///
/// Cost: k sigma and h sigma are fixed when the reference freezes and the warm-up's count is the
/// clock minus the restart's, so a frozen sample is one finiteness test, the two sums, one compare
/// of each with h sigma and (ChangePoint) a conditional store of the clock per sum; the warm-up,
/// a restart and a firing sum run out of line. ChangePoint = false drops the change-point
/// bookkeeping for a caller that never reads it (change_point() is then the detection index):
/// pipelines::meter_monitor runs cusum<float, false> on every reading, where step() (the frozen
/// sample alone) costs ~25 Cortex-M4 instructions.
template <sample_type T = float, bool ChangePoint = true>
class cusum : public detector_base {
    static_assert(std::is_floating_point_v<T>, "cusum works on float or double samples");

public:
    using input_type = T;
    using output_type = drift_signal;

    constexpr cusum() noexcept : cusum(cusum_options{}) {}
    constexpr explicit cusum(const cusum_options& o) noexcept
        : min_(o.min_instances ? o.min_instances : 1),
          slack_(static_cast<T>(o.slack)),
          threshold_(static_cast<T>(o.threshold)),
          dir_(o.direction) {}

    constexpr drift_signal operator()(T x) noexcept { return update(x); }

    NERVE_ALWAYS_INLINE drift_signal update(T x) noexcept {
        if (NERVE_LIKELY(steady() && nerve::is_finite(x))) return step(x);
        return update_rare(x);
    }

    /// One sample of the frozen chart, for a caller that already knows that x is finite and
    /// that steady() holds (the reference frozen, the last sample did not fire): the same
    /// result and state as update(x) then.
    NERVE_ALWAYS_INLINE drift_signal step(T x) noexcept {
        ++n_;
        return frozen_step(x);
    }

    /// The reference is frozen and the last accepted sample did not fire (update() takes its
    /// short path).
    constexpr bool steady() const noexcept { return frozen_ && signal_ != drift_signal::drift; }
    constexpr bool frozen() const noexcept { return frozen_; }

    void reset() noexcept {
        reset_base();
        restart();
    }

    constexpr T estimate() const noexcept { return mean_; }
    constexpr std::uint64_t window_length() const noexcept { return n_ - start_; }
    constexpr T reference_sigma() const noexcept { return sigma_; }
    constexpr T sum_up() const noexcept { return up_; }
    constexpr T sum_down() const noexcept { return down_; }

    template <class V>
    constexpr void visit_state(V& v) {
        detector_base::visit_state(v);
        v(start_); v(mean_); v(m2_); v(sigma_); v(k_); v(limit_); v(frozen_); v(up_); v(down_);
        if constexpr (ChangePoint) { v(zero_at_.up); v(zero_at_.down); }
    }
    /// A restored state: the restart no later than the clock, a warm-up shorter than min_
    /// samples, k sigma and h sigma those of this chart's options (a snapshot restores into a
    /// cusum with the same options).
    constexpr bool state_is_valid() const noexcept {
        return start_ <= n_ && (frozen_ || n_ - start_ < min_) && k_ == slack_ * sigma_ &&
               limit_ == threshold_ * sigma_;
    }

private:
    NERVE_ALWAYS_INLINE drift_signal frozen_step(T x) noexcept {
        const T dev = x - mean_;
        T up = up_ + dev - k_;
        T down = down_ - dev - k_;
        if constexpr (ChangePoint) {
            if (up <= T(0)) { up = T(0); zero_at_.up = n_; }
            if (down <= T(0)) { down = T(0); zero_at_.down = n_; }
        } else {
            up = up <= T(0) ? T(0) : up;
            down = down <= T(0) ? T(0) : down;
        }
        up_ = up;
        down_ = down;
        // Both sums are >= 0, so the rounded up + down is >= each: one compare clears both.
        if (NERVE_LIKELY(up + down <= limit_)) return drift_signal::none;
        return beyond_limit();
    }

    /// Their sum beyond h sigma: a drift if a watched sum is.
    NERVE_NOINLINE drift_signal beyond_limit() noexcept {
        const bool fu = (static_cast<unsigned>(dir_) & 1u) && up_ > limit_;
        const bool fd = (static_cast<unsigned>(dir_) & 2u) && down_ > limit_;
        if (!fu && !fd) return drift_signal::none;
        if constexpr (ChangePoint) return fire(fu ? zero_at_.up : zero_at_.down);
        else return fire(n_ - 1);
    }

    /// Everything but a finite sample on a steady chart: NaN/Inf, the restart after a drift,
    /// the warm-up and the sample that freezes the reference.
    NERVE_NOINLINE drift_signal update_rare(T x) noexcept {
        if (!accept(x)) return drift_signal::none;
        if (drift_detected()) restart();
        set(drift_signal::none);
        ++n_;
        if (!frozen_) {
            // The warm-up's count is at most min_ (32 bits; state_is_valid), so a plain 32-bit
            // conversion (one instruction on a Cortex-M4F, no 64-bit library call).
            auto count = static_cast<std::uint32_t>(n_ - start_);
            const T old = mean_;
            T mean = mean_ + (T(1) / static_cast<T>(count)) * (x - old);
            T m2 = m2_ + (x - old) * (x - mean);
            if (NERVE_UNLIKELY(!nerve::is_finite(m2))) {
                // The squared deviation overflows T (|x| ~ 1e19 from a mean near 0, in float): an
                // Inf sigma would freeze a chart that never fires. x the outlier: refused, as NaN
                // is. The warm-up's mean beyond x (a restored hostile state): x starts a new one.
                if (std::abs(x) >= std::abs(old)) {
                    --n_;
                    ++rejected_;
                    return drift_signal::none;
                }
                restart();
                start_ = n_ - 1;
                if constexpr (ChangePoint) zero_at_.up = zero_at_.down = start_;
                count = 1;
                mean = x;
                m2 = T(0);
            }
            mean_ = mean;
            m2_ = m2;
            if (count < min_) return drift_signal::none;
            frozen_ = true;
            const T var = count > 1 ? m2_ / static_cast<T>(count - 1) : T(0);
            sigma_ = std::sqrt(var > T(0) ? var : T(0));
            k_ = slack_ * sigma_;
            limit_ = threshold_ * sigma_;
            if constexpr (ChangePoint) zero_at_.up = zero_at_.down = n_ - 1;
        }
        return frozen_step(x);
    }

    constexpr void restart() noexcept {
        start_ = n_;
        mean_ = m2_ = sigma_ = k_ = limit_ = up_ = down_ = T(0);
        frozen_ = false;
        if constexpr (ChangePoint) zero_at_.up = zero_at_.down = n_;
    }

    std::uint32_t min_;
    T slack_, threshold_;
    ph_direction dir_;
    bool frozen_ = false;
    T mean_ = 0, up_ = 0, down_ = 0, k_ = 0, limit_ = 0;  // the frozen sample's operands first
    T m2_ = 0, sigma_ = 0;
    std::uint64_t start_ = 0;  // the clock (samples_seen()) at the last restart
    struct zero_at { std::uint64_t up = 0, down = 0; };  // the clock when each sum was last zero
    struct no_zero_at {};
    [[no_unique_address]] std::conditional_t<ChangePoint, zero_at, no_zero_at> zero_at_{};
};

}  // namespace nerve::drift
